#!/usr/bin/env python3
"""The joint fit behind `gini synth`'s GB2 family: which second shape p (common to every cell and
round) brings the synthetic rounds closest to the published national figures that no cell pins.

Every province x area cell gets a GB2 distribution x = b (T/(1 - T))^(1/a), T ~ Beta(p, q), with
the cell's published Gini (a_c, by double-exponential quadrature of G = 2 E[X(F(X) - 1/2)]/E[X])
and the published share P0_c below its poverty line (b_c); for each round q is found by
bisection so that the mixture (4,000 mid-quantiles per cell, weighted by the cell's population)
has the published national Gini. What is left to choose is p; for each p this prints the
mixture's urban and rural Gini, bottom-40 % share and poverty gap P1 of 2017-09, 2018-03 and
2018-09 against BPS, the growth of mean spending per head of the bottom 40 %, middle 40 % and
top 20 % from 2018-03 to 2018-09 against BPS's +3.55 / +3.40 / +1.28 %, and the criterion

    chi2 = sum over those figures of ((achieved - published) / tolerance)^2,

tolerances 0.003 (Gini), 0.1 point (bottom-40 share), 0.05 point (P1), 0.5 point (growth).
Cells with a missing figure (Aceh rural 2017-09) are left out here; `gini synth` derives them.

Needs numpy and scipy (for example `python3 -m venv /tmp/fit && /tmp/fit/bin/pip install numpy
scipy`). Usage: python3 scripts/calibration_gb2.py [P ...]   (default 1 2 5 10 20 50 100)

Output of the defaults (2026-12-07): chi2 490.3, 345.1, 265.2, 243.9, 234.9, 230.2, 228.7 -
falling with p and flat beyond 50, which `gini synth` uses (GB2_P in src/synth/family.rs).
"""
import csv
import math
import pathlib
import sys

import numpy as np
from scipy import special

ROOT = pathlib.Path(__file__).resolve().parents[1]
N = 4000
U = (np.arange(N) + 0.5) / N
GINI = {"2017-09": 0.391, "2018-03": 0.389, "2018-09": 0.384}
PUBLISHED = {  # datasets/bps: national_gini (urban, rural), shares, P1 aggregated from the cells
    "2017-09": dict(Gu=0.404, Gr=0.320, b40=0.1722, P1=0.0180),
    "2018-03": dict(Gu=0.401, Gr=0.324, b40=0.1729, P1=0.0171),
    "2018-09": dict(Gu=0.391, Gr=0.319, b40=0.1747, P1=0.0163),
}
TOLERANCE = dict(Gu=0.003, Gr=0.003, b40=0.001, P1=0.0005)
GROWTH = dict(m40=0.0355, mm=0.0340, mt=0.0128)  # datasets/bps/group_growth.csv


def cells(rnd):
    out = []
    for r in csv.DictReader(open(ROOT / "datasets/bps/province_cells.csv")):
        if r["period"] == rnd and r["area"] in ("urban", "rural") and r["gini"] and r["p0_pct"]:
            p0 = float(r["p0_pct"]) / 100
            out.append(dict(area=r["area"], g=float(r["gini"]), p0=p0, z=float(r["poverty_line"]),
                            n=float(r["poor_thousand"]) * 1e3 / p0))
    return out


# Double-exponential nodes on (0, 1).
H = 1 / 32
K = np.arange(-int(6.5 / H), int(6.5 / H) + 1) * H
S = 0.5 * math.pi * np.sinh(K)
LN_T, LN_1MT = -np.logaddexp(0, -2 * S), -np.logaddexp(0, 2 * S)


def gini_of_a(a, p, q):
    ln_w = np.log(math.pi * H * np.cosh(K)) + p * LN_T + q * LN_1MT - special.betaln(p, q)
    cdf = np.where(S > 0, 0.5 - special.betainc(q, p, np.exp(LN_1MT)),
                   special.betainc(p, q, np.exp(LN_T)) - 0.5)
    lt = ln_w + 2 * S / a
    t = np.exp(lt - lt.max())
    return 2 * np.sum(t * cdf) / np.sum(t)


def a_for_gini(g, p, q):
    lo, hi = math.log(1 / q * (1 + 1e-9)), math.log(1000)
    for _ in range(100):
        mid = 0.5 * (lo + hi)
        if gini_of_a(math.exp(mid), p, q) > g:
            lo = mid
        else:
            hi = mid
    return math.exp(0.5 * (lo + hi))


def weighted_gini(x, w):
    o = np.argsort(x, kind="stable")
    x, w = x[o], w[o]
    cum = np.cumsum(w * x) - w * x
    return 1 - np.sum(w * (2 * cum + w * x)) / (w.sum() * np.sum(w * x))


def band(x, w, lo, hi):
    """Share of the total and mean of the persons between the lo and hi population quantiles."""
    o = np.argsort(x, kind="stable")
    x, w = x[o], w[o]
    total, cw = w.sum(), np.cumsum(w)
    f = np.clip((np.minimum(cw, hi * total) - np.maximum(cw - w, lo * total)) / w, 0, 1)
    return np.sum(f * w * x) / np.sum(w * x), np.sum(f * w * x) / np.sum(f * w)


def mixture(cs, p, q):
    t = special.betaincinv(p, q, U)
    y = t / (1 - t)
    x, w, urban, z = [], [], [], []
    for c in cs:
        a = a_for_gini(c["g"], p, q)
        tz = special.betaincinv(p, q, c["p0"])
        b = c["z"] * ((1 - tz) / tz) ** (1 / a)
        x.append(b * y ** (1 / a))
        w.append(np.full(N, c["n"] / N))
        urban.append(np.full(N, c["area"] == "urban"))
        z.append(np.full(N, c["z"]))
    x, w, urban, z = map(np.concatenate, (x, w, urban, z))
    return dict(G=weighted_gini(x, w), Gu=weighted_gini(x[urban], w[urban]),
                Gr=weighted_gini(x[~urban], w[~urban]), b40=band(x, w, 0, 0.4)[0],
                m40=band(x, w, 0, 0.4)[1], mm=band(x, w, 0.4, 0.8)[1], mt=band(x, w, 0.8, 1)[1],
                P1=np.sum(w * np.clip(1 - x / z, 0, None)) / w.sum())


def fit(rnd, p):
    cs, lo, hi = cells(rnd), 0.3, 40.0
    for _ in range(24):
        mid = math.sqrt(lo * hi)
        if mixture(cs, p, mid)["G"] > GINI[rnd]:
            hi = mid
        else:
            lo = mid
    q = math.sqrt(lo * hi)
    return q, mixture(cs, p, q)


for p in [float(a) for a in sys.argv[1:]] or [1, 2, 5, 10, 20, 50, 100]:
    fits = {r: fit(r, p) for r in GINI}
    chi2, parts = 0.0, []
    for r, (q, s) in fits.items():
        parts.append(f"{r}: q {q:.3f}")
        for k, tol in TOLERANCE.items():
            chi2 += ((s[k] - PUBLISHED[r][k]) / tol) ** 2
            parts.append(f"{k} {s[k]:.4f} ({PUBLISHED[r][k]})")
    for k, g in GROWTH.items():
        achieved = fits["2018-09"][1][k] / fits["2018-03"][1][k] - 1
        chi2 += ((achieved - g) / 0.005) ** 2
        parts.append(f"growth {k} {100 * achieved:+.2f} % ({100 * g:+.2f} %)")
    print(f"p = {p:g}: chi2 = {chi2:.1f}")
    print("   " + "; ".join(parts), flush=True)
