"""Data frames of every library give the same rows, bit for bit, as the `gini` program on the
same file; results come back in the caller's frame type."""

import duckdb
import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import ginikit as gk
from conftest import ROUNDS

DESIGN = gk.Design(weight="weight", size="household_size", strata="stratum", psu="psu")
VALUE = "expenditure_per_capita"
CLI_DESIGN = ["--weight", "weight", "--size", "household_size", "--strata", "stratum", "--psu", "psu"]


def rows_of(result):
    """Rows of any result frame as a list of dicts."""
    if isinstance(result, pd.DataFrame):
        return result.to_dict("records")
    if isinstance(result, pl.DataFrame):
        return result.to_dicts()
    if isinstance(result, pa.Table):
        return result.to_pylist()
    return result.rows()


def same(a, b):
    """Rows equal to the bit (None and NaN alike)."""
    assert len(a) == len(b)
    for ra, rb in zip(a, b):
        assert ra.keys() == rb.keys(), (ra, rb)
        for k in ra:
            va, vb = ra[k], rb[k]
            if isinstance(va, float) and va != va:
                va = None
            if isinstance(vb, float) and vb != vb:
                vb = None
            assert va == vb, (k, va, vb)


@pytest.fixture(scope="module")
def frames(round_2018_09):
    df = round_2018_09
    return {
        "pandas": df,
        "polars": pl.from_pandas(df),
        "pyarrow": pa.Table.from_pandas(df, preserve_index=False),
        "duckdb": duckdb.from_arrow(pa.Table.from_pandas(df, preserve_index=False)),
    }


@pytest.mark.parametrize("kind", ["pandas", "polars", "pyarrow", "duckdb"])
def test_linearized_standard_errors_equal_the_cli(kind, frames, cli):
    measures = ["gini", "share_bottom40", "theil_t", "hoover", "qsr"]
    want = cli("compute", ROUNDS / "2018-09.parquet", "--value", VALUE, *CLI_DESIGN, "--by", "area",
               "--se", "linearization", "--measures", ",".join(measures), "--format", "json")
    got = gk.compute(frames[kind], VALUE, DESIGN, by="area", measures=measures)
    expected_type = {"pandas": pd.DataFrame, "polars": pl.DataFrame, "pyarrow": pa.Table, "duckdb": pa.Table}
    assert isinstance(got, expected_type[kind])
    same(rows_of(got), want)


def test_point_estimates_and_bootstrap_equal_the_cli(frames, cli):
    want = cli("compute", ROUNDS / "2018-09.parquet", "--value", VALUE, "--weight", "weight", "--size",
               "household_size", "--by", "province", "--measures", "gini,mean", "--format", "json")
    got = gk.compute(frames["polars"], VALUE, gk.Design(weight="weight", size="household_size"),
                     by="province", measures=["gini", "mean"])
    same(rows_of(got), want)
    want = cli("compute", ROUNDS / "2018-09.parquet", "--value", VALUE, *CLI_DESIGN, "--se", "bootstrap",
               "--replicates", "40", "--seed", "3", "--measures", "gini", "--format", "json")
    got = gk.compute(frames["pyarrow"], VALUE, DESIGN, measures=["gini"], se="bootstrap", replicates=40, seed=3)
    same(rows_of(got), want)


def test_categorical_and_dictionary_columns_are_group_keys(round_2018_09):
    df = round_2018_09[[VALUE, "weight", "household_size", "area"]]
    text = gk.compute(df, VALUE, gk.Design(weight="weight"), by="area", measures=["gini"])
    as_category = df.assign(area=df["area"].astype("category"))
    cat = gk.compute(as_category, VALUE, gk.Design(weight="weight"), by="area", measures=["gini"])
    same(rows_of(cat), rows_of(text))
    dictionary = pa.Table.from_pandas(df, preserve_index=False)
    dictionary = dictionary.set_column(3, "area", dictionary.column("area").dictionary_encode())
    same(rows_of(gk.compute(dictionary, VALUE, gk.Design(weight="weight"), by="area", measures=["gini"])),
         rows_of(text))
    enum = pl.from_pandas(df).with_columns(pl.col("area").cast(pl.Categorical))
    same(rows_of(gk.compute(enum, VALUE, gk.Design(weight="weight"), by="area", measures=["gini"])),
         rows_of(text))


def test_numpy_arrays_equal_frames(round_2018_09):
    x = round_2018_09[VALUE].to_numpy(dtype=float)
    w = (round_2018_09["weight"] * round_2018_09["household_size"]).to_numpy()
    frame = gk.compute(round_2018_09, VALUE, gk.Design(weight="weight", size="household_size"), measures=["gini"])
    assert gk.gini(x, w) == frame["estimate"][0]
    assert gk.gini(VALUE, data=round_2018_09.assign(w=w), weights="w") == frame["estimate"][0]


def test_trend_equals_the_cli(round_2017_09, round_2018_09, cli):
    want = cli("trend", ROUNDS / "2017-09.parquet", ROUNDS / "2018-09.parquet", "--value", VALUE, *CLI_DESIGN,
               "--by", "area", "--measures", "gini,share_bottom40", "--format", "json")
    got = gk.trend({"2017-09": round_2017_09, "2018-09": round_2018_09}, VALUE, DESIGN, by="area",
                   measures=["gini", "share_bottom40"])
    same(rows_of(got), want)
    pooled = pd.concat([round_2017_09, round_2018_09])
    from_period = gk.trend(pooled, VALUE, DESIGN, by="area", measures=["gini", "share_bottom40"], period="round")
    same(rows_of(from_period), want)


def test_synth_equals_the_cli(tmp_path, cli):
    path = tmp_path / "s.csv"
    cli("synth", "--round", "2017-09", "--households", "2000", "--seed", "3", "--output", path, "--quiet")
    want = pd.read_csv(path)
    got = gk.synth("2017-09", households=2000, seed=3)
    assert list(got.columns) == list(want.columns)
    for c in want.columns:
        assert want[c].tolist() == got[c].tolist(), c


def test_reproduce_equals_the_cli(cli):
    want = cli("reproduce", "--format", "json", "--no-plots")
    r = gk.reproduce()
    same(rows_of(r.estimates), want)
    # The summary sentence is the program's own (its text output prints the same line).
    text = cli("reproduce", "--no-plots")
    assert r.summary in text.splitlines()
    assert r.summary.startswith("The national Gini ratio fell from ")
    assert set(r.lorenz) == {"2017-09", "2018-03", "2018-09"}
    # The province headcounts: one row per province, the same numbers as the tidy rows.
    p0 = {(row["round"], row["province"]): row["estimate"] for row in want
          if row["measure"] == "fgt0" and row["province"] is not None}
    table = rows_of(r.province_poverty)
    assert len(table) == 34
    for row in table:
        assert row["estimate 2018-09"] == p0[("2018-09", row["province"])]


def test_reproduce_from_frames_equals_files(round_2017_09, round_2018_09):
    files = gk.reproduce([ROUNDS / "2017-09.parquet", ROUNDS / "2018-09.parquet"])
    frames = gk.reproduce({"2017-09": round_2017_09, "2018-09": pl.from_pandas(round_2018_09)})
    same(rows_of(frames.estimates), rows_of(files.estimates))


def test_narrow_integer_and_float32_columns_read_as_numbers(round_2018_09):
    narrow = round_2018_09.astype({"household_size": "int8", "stratum": "int16", "psu": "uint32"})
    narrow = narrow.assign(weight=narrow["weight"].astype("float32"))
    wide = round_2018_09.assign(weight=narrow["weight"].astype("float64"))
    args = ("expenditure_per_capita", DESIGN)
    same(rows_of(gk.compute(pl.from_pandas(narrow), *args, by="area", measures=["gini"])),
         rows_of(gk.compute(pl.from_pandas(wide), *args, by="area", measures=["gini"])))


def test_float16_columns_from_pyarrow_read_as_their_numbers():
    # Whole numbers below 2048 are exact in half precision: the Gini of 1, 2, 3, 4, 10 with
    # unit weights is 80 / (2 · 25 · 4) = 0.4 by hand.
    x = np.array([1, 2, 3, 4, 10], dtype=np.float16)
    table = pa.table({"x": pa.array(x), "w": pa.array(np.ones(5, dtype=np.float16))})
    out = gk.compute(table, "x", gk.Design(weight="w"), measures=["gini"])
    assert out.column("estimate").to_pylist() == [pytest.approx(0.4, abs=1e-15)]


def test_synth_family_equals_the_cli(tmp_path, cli):
    path = tmp_path / "sm.csv"
    cli("synth", "--round", "2018-09", "--households", "1000", "--seed", "2", "--family", "singh-maddala",
        "--output", path, "--quiet")
    want = pd.read_csv(path)
    got = gk.synth("2018-09", households=1000, seed=2, family="singh-maddala")
    for c in want.columns:
        assert want[c].tolist() == got[c].tolist(), c
    with pytest.raises(gk.GinikitError, match="singh-maddala"):
        gk.synth("2018-09", households=1000, family="pareto")


def test_gic_equals_the_cli(round_2017_09, round_2018_09, cli):
    want = cli("gic", ROUNDS / "2017-09.parquet", ROUNDS / "2018-09.parquet", "--value", VALUE, *CLI_DESIGN,
               "--by", "area", "--deflator", "1.0288", "--format", "json")
    got = gk.gic({"2017-09": round_2017_09, "2018-09": round_2018_09}, VALUE, DESIGN, by="area", deflator=1.0288)
    same(rows_of(got), want)
    pooled = pd.concat([round_2017_09, round_2018_09])
    backwards = gk.gic(pooled, VALUE, DESIGN, by="area", period="round", from_round="2018-09", to_round="2017-09",
                       points=[0.5])
    forwards = gk.gic(pooled, VALUE, DESIGN, by="area", period="round", points=[0.5])
    b, f = rows_of(backwards), rows_of(forwards)
    assert len(b) == len(f) == 2 * 4
    for x, y in zip(b, f):
        # Growth of a level back and forth multiplies to 1 (the premium is a difference).
        if x["statistic"] != "premium":
            assert (1 + x["growth"]) * (1 + y["growth"]) == pytest.approx(1.0, abs=1e-12)
    with pytest.raises(gk.GinikitError, match="round '2019-03' was not read"):
        gk.gic(pooled, VALUE, DESIGN, period="round", from_round="2019-03")


def test_decompose_equals_the_cli(round_2017_09, round_2018_09, cli):
    want = cli("decompose", ROUNDS / "2017-09.parquet", ROUNDS / "2018-09.parquet", "--value", VALUE, *CLI_DESIGN,
               "--by", "area", "--measures", "mld,theil,gini", "--replicates", "50", "--seed", "3", "--format", "json")
    got = gk.decompose({"2017-09": round_2017_09, "2018-09": round_2018_09}, VALUE, "area", DESIGN,
                       replicates=50, seed=3, progress=False)
    same(rows_of(got), want)
    with pytest.raises(gk.GinikitError, match="from replicates"):
        gk.decompose(round_2018_09, VALUE, "area", DESIGN, se="linearization")
