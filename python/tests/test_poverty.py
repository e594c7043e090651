"""Poverty and at-risk-of-poverty measures from Python equal the `gini` program's rows, with
one poverty line or a column of per-row lines; the headcount equals a pandas sum."""

import numpy as np
import pytest

import ginikit as gk
from conftest import ROUNDS

DESIGN = gk.Design(weight="weight", size="household_size", strata="stratum", psu="psu")
VALUE = "expenditure_per_capita"
CLI_DESIGN = ["--weight", "weight", "--size", "household_size", "--strata", "stratum", "--psu", "psu"]


def test_fgt_with_one_line_and_arpr_equal_the_cli(round_2018_09, cli):
    measures = ["fgt0", "fgt1", "fgt2", "watts", "poor", "arpr", "rmpg"]
    want = cli("compute", ROUNDS / "2018-09.parquet", "--value", VALUE, *CLI_DESIGN, "--by", "area",
               "--se", "linearization", "--measures", ",".join(measures), "--poverty-line", "410670",
               "--format", "json")
    got = gk.compute(round_2018_09, VALUE, DESIGN, by="area", measures=measures, poverty_line=410670)
    # A domain against the whole population's threshold has no design effect: NaN in pandas,
    # null in JSON.
    rows = [{k: (None if isinstance(v, float) and v != v else v) for k, v in r.items()}
            for r in got.to_dict("records")]
    assert rows == want


def test_a_line_column_gives_the_weighted_share_below_each_rows_line(round_2018_09):
    df = round_2018_09.copy()
    # A line per area, as a column: the headcount is the person-weighted share below it.
    df["line"] = np.where(df["area"] == "urban", 420000.0, 380000.0)
    got = gk.compute(df, VALUE, gk.Design(weight="weight", size="household_size"),
                     measures=["fgt0"], poverty_line="line")
    w = df["weight"] * df["household_size"]
    expected = (w * (df[VALUE] < df["line"])).sum() / w.sum()
    assert got["estimate"][0] == pytest.approx(expected, rel=1e-12)


def test_a_missing_poverty_line_names_the_keyword(round_2018_09):
    with pytest.raises(gk.GinikitError, match="poverty_line="):
        gk.compute(round_2018_09, VALUE, measures=["fgt0"])


def test_grouped_equals_the_cli_on_datts_table(cli, tmp_path):
    # Datt (1998)'s rural India classes: percent of persons and mean expenditure.
    share = [0.92, 2.47, 5.11, 7.9, 9.69, 15.24, 13.64, 16.99, 10.00, 9.78, 3.96, 1.81, 2.49]
    means = [24.84, 35.8, 45.36, 55.1, 64.92, 77.08, 91.75, 110.64, 134.9, 167.76, 215.48, 261.66, 384.97]
    got = gk.grouped(share, means, welfare_is="mean", poverty_line=89)
    path = tmp_path / "datt.csv"
    path.write_text("share,m\n" + "".join(f"{s},{m}\n" for s, m in zip(share, means)))
    want = cli("grouped", path, "--population", "share", "--welfare", "m", "--welfare-is", "mean",
               "--poverty-line", "89", "--format", "json")
    assert [r["statistic"] for r in want] == got["statistic"]
    for r, q, s in zip(want, got["quadratic"], got["selected"]):
        assert r["quadratic"] == q and r["selected"] == s, r["statistic"]
    # The headcount of the selected fit is Datt's 45 %.
    assert abs(got["selected"][got["statistic"].index("fgt0")] - 0.45) < 0.01


def test_grouped_names_bad_class_tables():
    with pytest.raises(gk.GinikitError, match="neither 100"):
        gk.grouped([20, 20, 20, 20], [10, 20, 30, 40])
    with pytest.raises(gk.GinikitError, match="welfare_is"):
        gk.grouped([25] * 4, [10, 20, 30, 40], welfare_is="nonsense")


def test_reproduce_returns_poverty_incidence_and_decomposition_tables(cli):
    r = gk.reproduce(frame="pyarrow")
    want = {row["measure"]: row for row in cli("reproduce", "--format", "json", "--no-plots", "--quiet")
            if row["measure"] == "growth:premium"}
    premium = [row for row in r.growth_incidence.to_pylist() if row["statistic"] == "premium"][0]
    assert premium["growth"] == want["growth:premium"]["change"]
    components = set(r.decomposition.column("component").to_pylist())
    assert {"change_within", "change_population_shares", "change_relative_means", "change_residual"} <= components
    assert len(r.province_contributions) == 34
    assert set(r.poverty.column("measure").to_pylist()) == {"fgt0", "fgt1", "fgt2"}
