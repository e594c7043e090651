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


# Rows of the reference file that the array API does not cover, and the test that checks them.
CHECKED_ELSEWHERE = {
    "gini_se": "tests/survey_golden.rs",
    "gini_var": "tests/survey_golden.rs",
    "theil_T_between": "tests/golden.rs (decompositions)",
    "theil_T_within": "tests/golden.rs (decompositions)",
    "mld_between": "tests/golden.rs (decompositions)",
    "gini_dagum_Gw": "tests/golden.rs (decompositions)",
    "gini_dagum_Gnb": "tests/golden.rs (decompositions)",
    "gini_dagum_Gt": "tests/golden.rs (decompositions)",
    "gini_between_groupmeans": "tests/golden.rs (decompositions)",
}


def gini_convention(convention):
    """The weighted-Gini convention of a reference row (as tests/golden.rs reads it), or None
    for IneqPy's covariance form, which is documented as not offered."""
    c = convention.lower()
    if c.startswith("convey"):
        return "convey"
    if c.startswith("expanded data with n/(n-1)"):
        return "unbiased-frequency"
    if "n/(n-1)" in c and not c.startswith(("v-statistic", "trapezoid")):
        return "unbiased-rows"
    if c.startswith("ineqpy"):
        return None
    return "midpoint"


def golden_rows():
    """Every point-estimate row the array API covers: (id, call, x, w, expected, tolerance).
    A row of a kind not listed here fails: a new reference row needs a check."""
    out = []
    with open(GOLDEN, newline="") as f:
        for r in csv.DictReader(f):
            m, par = r["measure"], r["parameter"]
            x, w = numbers(r["x"]), numbers(r["w"])
            value = par.split("=")[1] if "=" in par else None
            if m == "gini":
                conv = gini_convention(r["convention"])
                if conv is None:
                    continue
                call = lambda x, w, conv=conv: gk.gini(x, w, convention=conv)  # noqa: E731
            elif m in ("atkinson", "GE", "ede", "sgini"):
                name = {"atkinson": "atkinson", "GE": "ge", "ede": "ede", "sgini": "sgini"}[m]
                call = lambda x, w, n=f"{name}_{value}": gk.measures(x, w, measures=[n])["estimate"][0]  # noqa: E731
            elif m in ("theil_T", "coef_variation", "wolfson"):
                name = {"theil_T": "theil_t", "coef_variation": "cv", "wolfson": "wolfson"}[m]
                call = lambda x, w, n=name: gk.measures(x, w, measures=[n])["estimate"][0]  # noqa: E731
            elif m in CHECKED_ELSEWHERE or m.startswith("lerman_yitzhaki_"):
                continue
            else:
                raise AssertionError(f"reference row {r['id']}: measure '{m}' has no check")
            out.append((r["id"], call, x, w, float(r["expected"]), float(r["tolerance"])))
    return out


def test_rows_said_to_be_checked_elsewhere_are():
    with open(GOLDEN, newline="") as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        where = CHECKED_ELSEWHERE.get(r["measure"])
        if where is None:
            continue
        text = (REPO / where.split(" ")[0]).read_text()
        assert r["measure"] in text or r["id"] in text, (r["id"], where)


@pytest.mark.parametrize("row", golden_rows(), ids=lambda r: r[0])
def test_golden_values_of_the_peers(row):
    _, call, x, w, expected, tolerance = row
    assert abs(call(x, w) - expected) <= tolerance


def test_golden_rows_are_found():
    assert len(golden_rows()) >= 60


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
