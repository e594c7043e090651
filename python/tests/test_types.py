"""The choices the signatures declare (the `Literal` aliases) are exactly the ones the
functions accept: every declared value works, and a value outside them is refused with a
message that lists the declared ones."""

import re
import typing

import numpy as np
import pytest

import ginikit as gk
from ginikit import GinikitError

X = np.array([1.0, 2.0, 3.0, 4.0, 6.0, 9.0, 12.0, 20.0])


def choices(alias):
    return typing.get_args(alias)


def refused_naming(call, declared):
    """`call` is refused, and the values its message offers ("…: use "a", "b" or "c"") are
    exactly the declared ones: none missing from the type, none the type adds."""
    with pytest.raises(GinikitError) as e:
        call()
    offered = re.findall(r'"([^"]+)"', str(e.value).split(": use ", 1)[-1])
    assert set(offered) == set(declared), (offered, declared, str(e.value))


def test_conventions():
    for c in choices(gk.Convention):
        assert 0.0 < gk.gini(X, convention=c) < 1.0
    refused_naming(lambda: gk.gini(X, convention="mid-point"), choices(gk.Convention))


def test_non_positive_policies():
    for p in choices(gk.NonPositive):
        assert gk.theil(X, non_positive=p) > 0.0
    refused_naming(lambda: gk.theil(X, non_positive="drop"), choices(gk.NonPositive))


def frame():
    import pandas as pd

    rng = np.random.default_rng(3)
    n = 400
    return pd.DataFrame(
        {
            "x": np.exp(rng.normal(10, 0.8, n)),
            "w": rng.uniform(1, 3, n),
            "h": np.repeat([1, 2, 3, 4], n // 4),
            "p": np.arange(n) // 10,
            "r1": rng.uniform(1, 3, n),
            "r2": rng.uniform(1, 3, n),
        }
    )


def test_standard_error_methods_and_intervals():
    df = frame()
    design = gk.Design(weight="w", strata="h", psu="p")
    for se in choices(gk.SeMethod):
        if se == "replicate-weights":
            d = gk.Design(weight="w", repweights=["r1", "r2"], rep_scale=0.5)
        elif se in ("brr", "fay"):
            # Two PSUs per stratum: strata of PSU pairs.
            df2 = df.assign(h=df["p"] // 2)
            r = gk.compute(df2, "x", gk.Design(weight="w", strata="h", psu="p"), measures=["gini"], se=se,
                           progress=False)
            assert r["se"][0] > 0.0
            continue
        else:
            d = design
        r = gk.compute(df, "x", d, measures=["gini"], se=se, replicates=50, progress=False) \
            if se == "bootstrap" else gk.compute(df, "x", d, measures=["gini"], se=se, progress=False)
        assert r["se"][0] > 0.0, se
    assert set(choices(gk.ReplicateSe)) == set(choices(gk.SeMethod)) - {"linearization"}
    refused_naming(lambda: gk.compute(df, "x", design, measures=["gini"], se="delta", progress=False),
                   choices(gk.SeMethod))
    for ci in choices(gk.Ci):
        r = gk.compute(df, "x", design, measures=["gini"], se="bootstrap", replicates=50, ci=ci, progress=False)
        assert r["ci_lower"][0] < r["estimate"][0] < r["ci_upper"][0]
    refused_naming(lambda: gk.compute(df, "x", design, measures=["gini"], se="bootstrap", ci="bca",
                                      progress=False), choices(gk.Ci))


def test_lonely_psu_policies():
    import pandas as pd

    df = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0, 5.0], "w": 1.0, "h": [1, 1, 2, 2, 3], "p": [1, 2, 3, 4, 5]})
    for policy in choices(gk.LonelyPsu):
        d = gk.Design(weight="w", strata="h", psu="p", lonely_psu=policy)
        if policy == "error":
            with pytest.raises(GinikitError, match="single PSU"):
                gk.compute(df, "x", d, measures=["mean"], se="linearization", progress=False)
        else:
            assert gk.compute(df, "x", d, measures=["mean"], se="linearization", progress=False)["se"][0] >= 0.0
    d = gk.Design(weight="w", strata="h", psu="p", lonely_psu="drop")
    refused_naming(lambda: gk.compute(df, "x", d, measures=["mean"], se="linearization", progress=False),
                   choices(gk.LonelyPsu))


def test_welfare_kinds():
    tables = {
        "share": ([25, 25, 25, 25], [10, 20, 30, 40]),
        "mean": ([25, 25, 25, 25], [1.0, 2.0, 3.0, 4.0]),
        "cumulative": ([25, 50, 75, 100], [10, 30, 60, 100]),
    }
    assert set(tables) == set(choices(gk.WelfareIs))
    for kind, (population, welfare) in tables.items():
        t = gk.grouped(population, welfare, welfare_is=kind)
        assert abs(t["selected"][t["statistic"].index("gini_polygon")] - 0.25) < 1e-12, kind
    refused_naming(lambda: gk.grouped([50, 50], [40, 60], welfare_is="shares"), choices(gk.WelfareIs))


def test_families_and_frame_kinds():
    for family in choices(gk.Family):
        df = gk.synth("2018-09", households=2_000, family=family)
        assert len(df) == 2_000
    refused_naming(lambda: gk.synth("2018-09", households=2_000, family="dagum"), choices(gk.Family))
    kinds = {"pandas": "DataFrame", "polars": "DataFrame", "pyarrow": "Table"}
    assert set(kinds) == set(choices(gk.FrameKind))
    for kind, type_name in kinds.items():
        assert type(gk.synth("2018-09", households=700, frame=kind)).__name__ == type_name
    refused_naming(lambda: gk.synth("2018-09", households=700, frame="numpy"), choices(gk.FrameKind))
