"""The SQL recipe of docs/sql-recipe.md, run in DuckDB, equals ginikit's Gini (midpoint
convention) to 1e-12 relative. The SQL is read from the page itself, so the page is what
is tested."""
import pathlib
import re

import duckdb
import numpy as np
import pandas as pd

import ginikit as gk
from conftest import ROUNDS

PAGE = pathlib.Path(__file__).resolve().parents[2] / "docs" / "sql-recipe.md"
RECIPE = re.search(r"```sql\n(.*?)```", PAGE.read_text(), re.S).group(1)


def recipe(df: pd.DataFrame, g: str, x: str, w: str) -> dict:
    con = duckdb.connect()
    con.register("households", df)
    con.execute(f"CREATE VIEW src AS SELECT CAST({g} AS VARCHAR) AS g, "
                f"CAST({x} AS DOUBLE) AS x, CAST({w} AS DOUBLE) AS w FROM households")
    return dict(con.execute(RECIPE).fetchall())


def kernel(df: pd.DataFrame, g: str, x: str, w: str) -> dict:
    return {str(k): gk.gini(part[x].to_numpy(float), part[w].to_numpy(float))
            for k, part in df.groupby(g)}


def test_the_recipe_equals_the_kernel_on_the_bundled_round_by_province():
    df = pd.read_parquet(ROUNDS / "2018-09.parquet")
    df["person_weight"] = df["weight"] * df["household_size"]
    got = recipe(df, "province", "expenditure_per_capita", "person_weight")
    want = kernel(df, "province", "expenditure_per_capita", "person_weight")
    assert got.keys() == want.keys() and len(got) == 34
    for k in want:
        assert abs(got[k] / want[k] - 1) < 1e-12, (k, got[k], want[k])


def test_the_recipe_equals_the_kernel_with_ties_zeros_negatives_and_zero_weights():
    rng = np.random.default_rng(12)
    n = 200_000
    x = np.round(np.exp(rng.normal(9, 0.9, n)), -1)  # rounded to 10: heavy ties
    x[rng.random(n) < 0.05] = 0.0
    neg = rng.random(n) < 0.01
    x[neg] = -x[neg] / 10
    w = np.floor(rng.random(n) * 20) + 1
    w[rng.random(n) < 0.03] = 0.0
    df = pd.DataFrame({"x": x, "w": w, "g": rng.integers(0, 3, n)})
    got = recipe(df, "g", "x", "w")
    want = kernel(df, "g", "x", "w")
    for k in want:
        assert abs(got[k] / want[k] - 1) < 1e-12, (k, got[k], want[k])
