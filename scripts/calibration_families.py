#!/usr/bin/env python3
"""Which distribution family lets the synthetic rounds match BPS's cell Gini, cell headcount P0
AND the national Gini at once? A study (Python standard library only) for `gini synth`.

Each province x area cell of a round gets a distribution with the cell's published Gini and
the published share P0 below its poverty line; the population is the mixture of the cells
weighted by their populations (poor persons / P0). Printed for the mixture: the national
Gini, urban and rural Gini, bottom-40 % share, national P0 and P1, against BPS.

- log-normal (what `gini synth` uses): sigma from the Gini, mu from P0; the mixture's Gini is
  too high, so the cell locations are shrunk toward their mean (lambda), which moves the cell
  P0s away from BPS's.
- Singh-Maddala (Burr XII) F(x) = 1 - (1 + (x/b)^a)^(-q) with one q common to all cells: a_c from
  the cell Gini (G = 1 - G(q)G(2q - 1/a) / (G(q - 1/a)G(2q))), b_c from P0_c
  (b = z / ((1 - P0)^(-1/q) - 1)^(1/a)); q is the one free number, chosen for the national Gini.

Usage: python3 scripts/calibration_families.py [ROUND]   (default 2017-09)
"""
import csv
import math
import pathlib
import sys

ROUND = sys.argv[1] if len(sys.argv) > 1 else "2017-09"
ROOT = pathlib.Path(__file__).resolve().parents[1]
N = 2000  # mid-quantiles per cell
US = [(j + 0.5) / N for j in range(N)]

rows = [
    r
    for r in csv.DictReader(open(ROOT / "datasets/bps/province_cells.csv"))
    if r["period"] == ROUND and r["area"] in ("urban", "rural") and r["gini"] and r["p0_pct"]
]
cells = []
for r in rows:
    p0 = float(r["p0_pct"]) / 100
    cells.append(
        dict(area=r["area"], g=float(r["gini"]), p0=p0, z=float(r["poverty_line"]),
             n=float(r["poor_thousand"]) * 1e3 / p0,
             p1=float(r["p1"]) / 100 if r["p1"] else float("nan"))
    )


def weighted_gini(pairs):
    pairs = sorted(pairs)
    w_all = sum(w for _, w in pairs)
    v_all = sum(x * w for x, w in pairs)
    s = acc = 0.0
    for x, w in pairs:
        acc += w * (2 * s + w * x)
        s += w * x
    return 1 - acc / (w_all * v_all)


def bottom40(pairs):
    pairs = sorted(pairs)
    w_all = sum(w for _, w in pairs)
    v_all = sum(x * w for x, w in pairs)
    c = s = 0.0
    for x, w in pairs:
        if c + w <= 0.4 * w_all:
            s, c = s + x * w, c + w
        else:
            return (s + x * (0.4 * w_all - c)) / v_all
    return s / v_all


def normal_quantile(p):
    lo, hi = -10.0, 10.0
    for _ in range(200):
        m = 0.5 * (lo + hi)
        if 0.5 * math.erfc(-m / math.sqrt(2)) < p:
            lo = m
        else:
            hi = m
    return 0.5 * (lo + hi)


def sm_gini(a, q):
    lg = math.lgamma
    return 1 - math.exp(lg(q) + lg(2 * q - 1 / a) - lg(q - 1 / a) - lg(2 * q))


def sm_quantiles(c, q):
    lo, hi = 1 / q + 1e-9, 80.0
    for _ in range(200):
        m = 0.5 * (lo + hi)
        lo, hi = (m, hi) if sm_gini(m, q) > c["g"] else (lo, m)
    a = 0.5 * (lo + hi)
    b = c["z"] / ((1 - c["p0"]) ** (-1 / q) - 1) ** (1 / a)
    return [b * ((1 - u) ** (-1 / q) - 1) ** (1 / a) for u in US]


def lognormal_quantiles(c, lam, mean_mu):
    s = math.sqrt(2) * normal_quantile((1 + c["g"]) / 2)
    mu = math.log(c["z"]) - s * normal_quantile(c["p0"])
    mu = mean_mu + lam * (mu - mean_mu)
    return [math.exp(mu + s * normal_quantile(u)) for u in US]


def summary(quantiles):
    every, by_area, poor, gap, pop = [], {"urban": [], "rural": []}, 0.0, 0.0, 0.0
    for c, xs in zip(cells, quantiles):
        for x in xs:
            every.append((x, c["n"] / N))
            by_area[c["area"]].append((x, c["n"] / N))
            if x < c["z"]:
                poor += c["n"] / N
                gap += (1 - x / c["z"]) * c["n"] / N
        pop += c["n"]
    return dict(gini=weighted_gini(every), urban=weighted_gini(by_area["urban"]),
                rural=weighted_gini(by_area["rural"]), bottom40=bottom40(every),
                p0=poor / pop, p1=gap / pop)


def show(label, s):
    print(f"{label:<34} gini {s['gini']:.4f}  urban {s['urban']:.4f}  rural {s['rural']:.4f}  "
          f"bottom40 {s['bottom40']:.2%}  P0 {s['p0']:.2%}  P1 {s['p1']:.2%}")


if __name__ == "__main__":
    national = {r["area"]: float(r["gini"]) for r in csv.DictReader(open(ROOT / "datasets/bps/gini_national.csv")) if r["period"] == ROUND}
    print(f"{ROUND}: {len(cells)} cells; BPS national Gini {national.get('total')}, urban {national.get('urban')}, rural {national.get('rural')}")
    pop = sum(c["n"] for c in cells)
    print(f"BPS cells aggregated: P0 {sum(c['p0'] * c['n'] for c in cells) / pop:.2%}, "
          f"P1 {sum(c['p1'] * c['n'] for c in cells if c['p1'] == c['p1']) / pop:.2%}")
    mean_mu = sum(c["n"] * (math.log(c["z"]) - math.sqrt(2) * normal_quantile((1 + c["g"]) / 2) * normal_quantile(c["p0"])) for c in cells) / pop
    for lam in (1.0, 0.684):
        show(f"log-normal, lambda {lam}", summary([lognormal_quantiles(c, lam, mean_mu) for c in cells]))
    for q in (0.40, 0.44, 0.50, 1.0, 3.0):
        show(f"Singh-Maddala, common q {q}", summary([sm_quantiles(c, q) for c in cells]))
