"""Array functions: golden values from the peers (tests/golden, each row naming its peer),
and bit-identical agreement with the `gini` program on the same numbers."""

import csv
import math

import numpy as np
import pytest

import ginikit as gk
from conftest import REPO

GOLDEN = REPO / "tests" / "golden" / "microdata.csv"


def numbers(s):
    return [float(v) for v in s.split(";")] if s else None


def golden_rows():
    """Point-estimate rows the array API covers: (id, call, x, w, expected, tolerance)."""
    out = []
    with open(GOLDEN, newline="") as f:
        for r in csv.DictReader(f):
            m, conv, par = r["measure"], r["convention"].lower(), r["parameter"]
            x, w = numbers(r["x"]), numbers(r["w"])
            if m == "gini" and (conv.startswith(("v-statistic", "midpoint", "trapezoid", "any")) or conv == ""):
                call = lambda x, w: gk.gini(x, w)  # noqa: E731
            elif m == "gini" and conv.startswith("convey"):
                call = lambda x, w: gk.gini(x, w, convention="convey")  # noqa: E731
            elif m == "atkinson":
                e = float(par.split("=")[1])
                call = lambda x, w, e=e: gk.atkinson(x, e, w)  # noqa: E731
            elif m == "GE":
                a = float(par.split("=")[1])
                call = lambda x, w, a=a: gk.ge(x, a, w)  # noqa: E731
            elif m == "theil_T":
                call = lambda x, w: gk.theil(x, w)  # noqa: E731
            elif m == "coef_variation":
                call = lambda x, w: gk.cv(x, w)  # noqa: E731
            else:
                continue
            out.append((r["id"], call, x, w, float(r["expected"]), float(r["tolerance"])))
    return out


@pytest.mark.parametrize("row", golden_rows(), ids=lambda r: r[0])
def test_golden_values_of_the_peers(row):
    _, call, x, w, expected, tolerance = row
    assert abs(call(x, w) - expected) <= tolerance


def test_golden_rows_are_found():
    assert len(golden_rows()) >= 20


def test_qsr_and_hoover_match_r_laeken_and_ineq():
    # tests/golden/qsr_hoover.csv: R laeken 0.5.2 qsr, R ineq RS on frequency-expanded data.
    with open(REPO / "tests" / "golden" / "qsr_hoover.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 6
    for r in rows:
        x, w = numbers(r["x"]), numbers(r["w"])
        value = {"qsr": gk.qsr, "hoover": gk.hoover}[r["measure"]](x, w)
        assert math.isclose(value, float(r["expected"]), rel_tol=1e-12), r["dataset"]


ALL = [
    "gini", "theil_t", "mld", "ge_2", "ge_-1", "atkinson_0.5", "atkinson_1", "share_bottom40",
    "share_middle40", "share_top20", "share_decile3", "palma", "s80_s20", "qsr", "hoover",
    "mean", "median", "quantile_0.9", "cv",
]


def test_every_measure_is_bit_identical_to_the_cli(tmp_path, cli):
    rng = np.random.default_rng(7)
    x = np.round(np.exp(rng.normal(12, 0.7, 5000)), 2)
    w = rng.uniform(1, 50, 5000)
    path = tmp_path / "x.csv"
    path.write_text("x,w\n" + "".join(f"{a!r},{b!r}\n" for a, b in zip(x.tolist(), w.tolist())))
    rows = cli("compute", path, "--value", "x", "--weight", "w", "--measures", ",".join(ALL), "--format", "json")
    table = gk.measures(x, w, measures=ALL)
    assert table["measure"] == [r["measure"] for r in rows]
    assert table["estimate"] == [r["estimate"] for r in rows]
    assert table["n"] == [r["n"] for r in rows]
    # One-measure functions give the same bits as the sorted-once call.
    assert gk.gini(x, w) == rows[0]["estimate"]
    assert gk.qsr(x, w) == rows[ALL.index("qsr")]["estimate"]
    assert gk.quantile(x, 0.9, w) == rows[ALL.index("quantile_0.9")]["estimate"]


def test_arrays_of_any_numeric_type_and_lists_give_the_same_value():
    x = [3, 1, 4, 1, 5, 9, 2, 6]
    ref = gk.gini(np.asarray(x, dtype=np.float64))
    assert gk.gini(x) == ref
    assert gk.gini(np.asarray(x, dtype=np.int32)) == ref
    assert gk.gini(np.asarray(x, dtype=np.float64)[::-1].copy()) == ref
    spaced = np.zeros(2 * len(x))
    spaced[::2] = x
    assert gk.gini(spaced[::2]) == ref  # a strided view


def test_lorenz_curve_agrees_with_the_bottom_share():
    x = np.arange(1.0, 101.0)
    t = gk.lorenz(x, points=11)
    assert t["p"][4] == 0.4
    assert t["share"][4] == gk.share(x, 0.0, 0.4)
    assert t["share"][0] == 0.0 and t["share"][-1] == 1.0
