"""Bad input raises GinikitError (a ValueError) naming the column, the row and the fix;
a Rust panic never crosses into Python as anything else."""

import numpy as np
import pandas as pd
import polars as pl
import pytest

import ginikit as gk
from ginikit import GinikitError


def test_error_is_a_value_error():
    assert issubclass(GinikitError, ValueError)


def test_missing_column_names_it_and_the_columns_there_are():
    df = pd.DataFrame({"income": [1.0, 2.0], "w": [1.0, 1.0]})
    with pytest.raises(GinikitError, match="no column named 'incom'.*income, w.*value="):
        gk.compute(df, "incom")
    with pytest.raises(GinikitError, match="no column named 'wt'.*weight"):
        gk.compute(pl.from_pandas(df), "income", gk.Design(weight="wt"))


def test_bad_values_name_the_column_and_the_row():
    df = pd.DataFrame({"x": [1.0, 2.0, float("nan"), 4.0], "w": [1.0, -1.0, 1.0, 1.0]})
    with pytest.raises(GinikitError, match="column 'x'.*row 3"):
        gk.compute(df, "x")
    with pytest.raises(GinikitError, match="column 'w'.*row 2.*-1"):
        gk.compute(df.fillna(3.0), "x", gk.Design(weight="w"))


def test_non_positive_values_say_how_to_exclude_them():
    with pytest.raises(GinikitError, match='non_positive="exclude"'):
        gk.theil([0.0, 1.0, 2.0])
    assert gk.theil([0.0, 1.0, 2.0], non_positive="exclude") == gk.theil([1.0, 2.0])


def test_lonely_psu_and_nested_psus_say_the_design_keyword():
    df = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0, 5.0], "h": [1, 1, 2, 2, 3], "p": [1, 2, 3, 4, 5]})
    with pytest.raises(GinikitError, match="single PSU.*lonely_psu"):
        gk.compute(df, "x", gk.Design(strata="h", psu="p"), measures=["gini"])
    r = gk.compute(df, "x", gk.Design(strata="h", psu="p", lonely_psu="certainty"), measures=["gini"])
    assert r["se"][0] > 0


def test_unknown_measure_and_parameter_ranges():
    with pytest.raises(GinikitError, match="unknown measure 'gni'.*hoover"):
        gk.measures([1.0, 2.0], measures=["gni"])
    with pytest.raises(GinikitError, match=r"p in \[0, 1\]"):
        gk.quantile([1.0, 2.0], 1.5)


def test_empty_and_zero_weight_inputs():
    with pytest.raises(GinikitError, match="no observations"):
        gk.gini(np.array([], dtype=float))
    with pytest.raises(GinikitError, match="weights are zero"):
        gk.gini([1.0, 2.0], [0.0, 0.0])


def test_a_rust_panic_becomes_ginikit_error():
    from ginikit import _rust

    assert hasattr(_rust, "_panic_for_test"), (
        "the extension was built without its test hook: maturin develop --features test-hooks "
        "(scripts/test does)")
    with pytest.raises(GinikitError, match="internal error.*deliberate test panic"):
        _rust._panic_for_test()
    assert gk.gini([1.0, 2.0, 3.0, 4.0]) == 0.25  # the module still works afterwards


def test_the_edges_of_the_double_range():
    big = np.array([1e306, 2e307, 5e306, 3e307])
    # Values near 1e308 give what an exact power-of-two rescaling of them gives.
    assert gk.gini(big) == gk.gini(big * 2.0**-1000)
    assert gk.mean(big) == gk.mean(big * 2.0**-1000) * 2.0**1000
    # A result truly outside the range raises instead of returning inf or NaN.
    with pytest.raises(GinikitError, match="ge_1000 is undefined.*double precision"):
        gk.ge([1.0, 2.0, 30.0], 1000)
