"""The chart functions draw what they are given (matplotlib, headless)."""

import matplotlib

matplotlib.use("Agg")

import ginikit as gk  # noqa: E402
from conftest import ROUNDS  # noqa: E402


def test_every_chart_draws_its_data(round_2018_09, round_2017_09):
    d = gk.Design(weight="weight", size="household_size", strata="stratum", psu="psu")
    est = gk.compute(round_2018_09, "expenditure_per_capita", d, by="area", measures=["gini"])
    ax = gk.plot.estimates(est, label="area")
    assert len(ax.get_yticklabels()) == 2
    tr = gk.trend({"2017-09": round_2017_09, "2018-09": round_2018_09}, "expenditure_per_capita", d)
    ax = gk.plot.trend(tr)
    assert ax.get_yticklabels()[0].get_text() == "gini 2017-09→2018-09"
    curve = gk.lorenz(round_2018_09, value="expenditure_per_capita", by="area", points=11)
    assert list(curve["area"].unique()) == ["urban", "rural"]
    ax = gk.plot.lorenz(gk.lorenz(round_2018_09["expenditure_per_capita"].to_numpy(), points=11))
    assert len(ax.get_lines()) == 2
    r = gk.reproduce([ROUNDS / "2017-09.parquet", ROUNDS / "2018-09.parquet"])
    ax = gk.plot.provinces(r, "2018-09")
    assert len(ax.get_yticklabels()) == 34
