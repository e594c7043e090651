"""ginikit: exact, fast, deterministic inequality statistics for notebooks.

The Gini ratio, Lorenz curves, generalized entropy (Theil, MLD), Atkinson, quantile shares,
Palma, the quintile share ratio, the Hoover index and more — weighted, per group, with
design-based standard errors and trends — computed by ginikit's Rust core on numpy arrays and
on data frames of any library (pandas, polars, pyarrow, DuckDB). Results come back in the
caller's frame type.

>>> import ginikit as gk
>>> round(gk.gini([541, 1463, 2445, 3438, 4437, 5401, 6392, 8304, 11904, 22261]), 7)
0.4620911

Conventions are those of the `gini` program: the weighted Gini is the midpoint form
``G = Σ wᵢxᵢ(2Cᵢ − wᵢ) / (W Σ wᵢxᵢ) − 1`` (BPS, Eurostat/laeken, World Bank PIP; unweighted it
is R ineq's and PySAL's value); `convention=` names the others. Errors are `GinikitError` (a
`ValueError`) naming the column, the row and the fix.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterable, Literal, Mapping, Sequence, Union

from numpy.typing import ArrayLike

import numpy as np

from . import _frames, plot
from ._progress import Progress
from . import _rust as _ext
from ._rust import GinikitError

__all__ = [
    "GinikitError",
    "Design",
    "Reproduction",
    "Table",
    "gini",
    "theil",
    "mld",
    "ge",
    "atkinson",
    "hoover",
    "palma",
    "qsr",
    "s80_s20",
    "share",
    "quantile",
    "median",
    "mean",
    "cv",
    "grouped",
    "measures",
    "measure_names",
    "lorenz",
    "compute",
    "trend",
    "gic",
    "decompose",
    "attribute",
    "simulate",
    "synth",
    "reproduce",
    "plot",
]

__version__ = "0.1.0"

Table = _frames.Table

if TYPE_CHECKING:
    import pandas
    import polars
    import pyarrow

#: One column of values: a numpy array or anything numpy turns into one, a pandas or polars
#: Series, a pyarrow Array or ChunkedArray.
Values = Union[ArrayLike, "pandas.Series", "polars.Series", "pyarrow.Array", "pyarrow.ChunkedArray"]
#: A table: a pandas or polars DataFrame or a pyarrow Table; results come back as the same type.
Frame = Union["pandas.DataFrame", "polars.DataFrame", "pyarrow.Table"]
#: Rounds of a survey: {name: frame}, or one frame with a `period=` column.
Rounds = Union[Mapping[str, Frame], Frame]
#: Progress of long replicate runs: True for a bar (tqdm when installed) after a second,
#: False for none, or a callable(done, total) of your own.
ProgressArg = Union[bool, Callable[[int, int], None]]

#: The Gini's convention: "midpoint" (laeken, R ineq, PySAL: Σ wᵢxᵢ(2Cᵢ − wᵢ)/(W·Σwx) − 1),
#: "convey" (R convey's survey estimator), "unbiased-rows" (n/(n − 1) on rows) or
#: "unbiased-frequency" (W/(W − 1) on weights as frequencies).
Convention = Literal["midpoint", "convey", "unbiased-rows", "unbiased-frequency"]
#: What zero or negative values do to measures that need positive ones: refuse ("error") or
#: leave them out, saying how many ("exclude").
NonPositive = Literal["error", "exclude"]
#: How standard errors are estimated.
SeMethod = Literal["linearization", "bootstrap", "jackknife", "brr", "fay", "replicate-weights"]
#: Standard errors by replicates only (the measures have no linearized form).
ReplicateSe = Literal["bootstrap", "jackknife", "brr", "fay", "replicate-weights"]
#: Confidence intervals: estimate ± z·SE, or the bootstrap's percentiles.
Ci = Literal["normal", "percentile"]
#: A stratum with one PSU: refuse, count it with certainty (no variance), or centre it on the
#: grand mean.
LonelyPsu = Literal["error", "certainty", "adjust"]
#: What the welfare column of grouped data holds per class.
WelfareIs = Literal["share", "mean", "cumulative"]
#: The type of frame a function that makes tables returns.
FrameKind = Literal["pandas", "polars", "pyarrow"]
#: The income distribution of a synthetic round.
Family = Literal["gb2", "singh-maddala", "log-normal"]

#: The measures `compute` gives by default: the `gini` program's list, read from the library.
DEFAULT_MEASURES: tuple[str, ...] = tuple(_ext.DEFAULT_MEASURES.split(","))


def _progress(progress: ProgressArg):
    """A progress callback: the caller's callable(done, total), or a bar (True) or none."""
    return progress if callable(progress) else Progress(bool(progress))


def _arrays(x: Values, weights: Any, data: Any) -> tuple[np.ndarray, np.ndarray | None]:
    if data is not None:
        xv = _frames.to_numpy(data, x, "value")
        wv = None if weights is None else _frames.to_numpy(data, weights, "weight")
    else:
        xv = _frames.to_numpy(x, None, "value")
        wv = None if weights is None else _frames.to_numpy(weights, None, "weight")
    return xv, wv


def _one(name: str, x: Values, weights: Any, convention: str, non_positive: str, data: Any) -> float:
    xv, wv = _arrays(x, weights, data)
    [(_, value, _, _)] = _ext.measures_array(xv, wv, [name], convention, non_positive)
    return value


def gini(x: Values, weights: Values | None = None, *, convention: Convention = "midpoint", data: Frame | None = None) -> float:
    """The Gini ratio ``G = Σ wᵢxᵢ(2Cᵢ − wᵢ) / (W Σ wᵢxᵢ) − 1`` (values ascending,
    ``Cᵢ = Σ_{j≤i} wⱼ``, ``W = Σ wᵢ``).

    `convention`: "midpoint" (default: BPS, Eurostat/laeken, PIP, ineqdeco; unweighted it is R
    ineq's and PySAL's value), "convey" (R convey's ``2C − 1`` form), "unbiased-rows"
    (× n/(n−1), R ineq ``corr=TRUE``), "unbiased-frequency" (× W/(W−1)). `x` and `weights`
    are arrays, or column names of the frame `data`. Zero and negative values are allowed.

    >>> gini([1, 2, 3, 4])
    0.25
    """
    return _one("gini", x, weights, convention, "error", data)


def theil(x: Values, weights: Values | None = None, *, non_positive: NonPositive = "error", data: Frame | None = None) -> float:
    """Theil's T = GE(1) = ``Σ (wᵢ/W)(xᵢ/μ) ln(xᵢ/μ)`` (R ineq, PySAL TheilD, ineqdeco).
    Needs positive values: `non_positive="exclude"` leaves zeros and negatives out.

    >>> round(theil([541, 1463, 2445, 3438, 4437, 5401, 6392, 8304, 11904, 22261]), 12)
    0.362341242344
    """
    return _one("theil_t", x, weights, "midpoint", non_positive, data)


def mld(x: Values, weights: Values | None = None, *, non_positive: NonPositive = "error", data: Frame | None = None) -> float:
    """Mean log deviation = GE(0) = ``−Σ (wᵢ/W) ln(xᵢ/μ)``. Needs positive values.

    >>> round(mld([541, 1463, 2445, 3438, 4437, 5401, 6392, 8304, 11904, 22261]), 12)
    0.43359464952
    """
    return _one("mld", x, weights, "midpoint", non_positive, data)


def ge(x: Values, alpha: float, weights: Values | None = None, *, non_positive: NonPositive = "error", data: Frame | None = None) -> float:
    """Generalized entropy ``GE(α) = [Σ (wᵢ/W)(xᵢ/μ)^α − 1] / (α(α−1))``; GE(0) = MLD,
    GE(1) = Theil T. Needs positive values.

    >>> round(ge([1, 2, 3], 2), 12)  # half the squared coefficient of variation: (2/3)/4/2
    0.083333333333
    """
    return _one(f"ge_{alpha:g}", x, weights, "midpoint", non_positive, data)


def atkinson(x: Values, epsilon: float = 0.5, weights: Values | None = None, *, non_positive: NonPositive = "error", data: Frame | None = None) -> float:
    """Atkinson index ``1 − EDE/μ``, ``EDE = [Σ (wᵢ/W) xᵢ^(1−ε)]^(1/(1−ε))`` (geometric mean at
    ε = 1). Needs positive values (R ineq, PySAL, ineqdeco).

    >>> round(atkinson([10, 20, 30, 40, 50], 1.0), 7)
    0.1316096
    """
    return _one(f"atkinson_{epsilon:g}", x, weights, "midpoint", non_positive, data)


def hoover(x: Values, weights: Values | None = None, *, data: Frame | None = None) -> float:
    """Hoover (Robin Hood, Ricci–Schutz) index ``Σ wᵢ|xᵢ − μ| / (2Wμ)``: the share of the total
    that would have to move to equalise. Unweighted it is R ineq's ``RS``.

    >>> hoover([1, 2, 3, 4, 10])
    0.3
    """
    return _one("hoover", x, weights, "midpoint", "error", data)


def palma(x: Values, weights: Values | None = None, *, data: Frame | None = None) -> float:
    """Palma ratio: the top 10 % share over the bottom 40 % share (Lorenz polygon).

    >>> round(palma(list(range(1, 11))), 12)  # (10/55)/(10/55)
    1.0
    """
    return _one("palma", x, weights, "midpoint", "error", data)


def qsr(x: Values, weights: Values | None = None, *, data: Frame | None = None) -> float:
    """Eurostat's quintile share ratio: the total above the weighted 80th percentile over the
    total at or below the 20th, percentiles as R laeken's ``weightedQuantile`` (laeken ``qsr``,
    convey ``svyqsr``).

    >>> round(qsr(list(range(1, 11))), 12)  # R laeken qsr(1:10): 1.666667
    1.666666666667
    """
    return _one("qsr", x, weights, "midpoint", "error", data)


def s80_s20(x: Values, weights: Values | None = None, *, data: Frame | None = None) -> float:
    """The top 20 % share over the bottom 20 % share read off the Lorenz polygon (each band
    exactly 20 % of the population: the World Bank / BPS criterion; Eurostat's is `qsr`).

    >>> round(s80_s20(list(range(1, 11))), 12)  # (9 + 10)/(1 + 2)
    6.333333333333
    """
    return _one("s80_s20", x, weights, "midpoint", "error", data)


def share(x: Values, lower: float, upper: float, weights: Values | None = None, *, data: Frame | None = None) -> float:
    """Share of the total held by the population between fractions `lower` and `upper`,
    ``L(upper) − L(lower)`` on the Lorenz polygon (a person at a boundary is split).

    >>> round(share(list(range(1, 11)), 0.0, 0.4), 12)  # (1+2+3+4)/55
    0.181818181818
    """
    return _one(f"share_{lower:g}_{upper:g}", x, weights, "midpoint", "error", data)


def quantile(x: Values, p: float, weights: Values | None = None, *, data: Frame | None = None) -> float:
    """Weighted quantile: the smallest value whose cumulative weight share reaches p, averaged
    with the next at an exact step (R type 2 for unit weights).

    >>> quantile([4, 1, 3, 2], 0.5)
    2.5
    """
    return _one(f"quantile_{p:g}", x, weights, "midpoint", "error", data)


def median(x: Values, weights: Values | None = None, *, data: Frame | None = None) -> float:
    """Weighted median, `quantile(x, 0.5)`.

    >>> median([5, 1, 3])
    3.0
    """
    return _one("median", x, weights, "midpoint", "error", data)


def mean(x: Values, weights: Values | None = None, *, data: Frame | None = None) -> float:
    """Weighted mean ``Σ wᵢxᵢ / Σ wᵢ``.

    >>> mean([1, 2, 6], [1, 1, 2])
    3.75
    """
    return _one("mean", x, weights, "midpoint", "error", data)


def cv(x: Values, weights: Values | None = None, *, data: Frame | None = None) -> float:
    """Coefficient of variation with the population standard deviation (R ineq ``var.coeff``).

    >>> round(cv([541, 1463, 2445, 3438, 4437, 5401, 6392, 8304, 11904, 22261]), 12)
    0.916958182882
    """
    return _one("cv", x, weights, "midpoint", "error", data)


def measures(
    x: Values,
    weights: Values | None = None,
    measures: Iterable[str] = ("gini", "share_bottom40"),
    *,
    convention: Convention = "midpoint",
    non_positive: NonPositive = "error",
    data: Frame | None = None,
) -> Table:
    """Several measures of one array, sorted once: a small table (measure, estimate, n,
    population). Names as in `gini measures` (`measure_names()`).

    >>> t = measures([1, 2, 3, 4], measures=["gini", "mean"])
    >>> t["estimate"]
    [0.25, 2.5]
    """
    xv, wv = _arrays(x, weights, data)
    rows = _ext.measures_array(xv, wv, list(measures), convention, non_positive)
    columns = ["measure", "estimate", "n", "population"]
    data_ = {c: [r[i] for r in rows] for i, c in enumerate(columns)}
    return Table(columns, data_)


def grouped(
    population: Sequence[float],
    welfare: Sequence[float],
    *,
    welfare_is: WelfareIs = "share",
    mean: float | None = None,
    poverty_line: float | None = None,
) -> Table:
    """Inequality and poverty from a class table, as the World Bank computes them without
    microdata (`gini grouped`): the General Quadratic and Beta Lorenz fits, PIP's choice
    (`selected`) and the class table's polygon Gini. `welfare_is` says what `welfare` holds:
    class shares ("share"), class means ("mean", Datt's table) or cumulative shares with
    `population` cumulative too ("cumulative"); shares in percent or fractions.

    >>> t = grouped([25, 25, 25, 25], [10, 20, 30, 40])
    >>> t["statistic"].index("gini_polygon") > 0, round(t["selected"][t["statistic"].index("gini_polygon")], 4)
    (True, 0.25)
    """
    r = _ext.grouped_arrays(
        [float(v) for v in population], [float(v) for v in welfare], welfare_is, mean, poverty_line
    )
    return Table(r["columns"], r["data"])


def measure_names() -> list[tuple[str, str]]:
    """Every measure family: (names, what it is and whose convention it follows)."""
    return list(_ext.known_measures())


@dataclass(frozen=True)
class Design:
    """Which columns describe the survey: the household weight (person weight = weight ×
    size), the household size, strata, primary sampling units, the finite-population
    correction (a fraction ≤ 1 or a population count of PSUs), whether PSU codes restart
    within strata (`nest`), what to do with single-PSU strata (`lonely_psu`: "error",
    "certainty", "adjust"), and replicate-weight columns shipped with the data (`repweights`,
    with `rep_scale` and `rep_mse`). Susenas: ``Design(weight="wert", size="r301",
    strata=..., psu=...)``."""

    weight: str | None = None
    size: str | None = None
    strata: str | None = None
    psu: str | None = None
    fpc: str | None = None
    nest: bool = False
    lonely_psu: LonelyPsu = "error"
    repweights: Sequence[str] = field(default_factory=tuple)
    rep_scale: float | None = None
    rep_mse: bool = False

    def has_design(self) -> bool:
        return bool(self.strata or self.psu or self.fpc or self.repweights)


def _specs(value, design, by, per_capita, se, replicates, seed, level, ci, fay_rho, poverty_line=None):
    design = design or Design()
    by = [by] if isinstance(by, str) else list(by or [])
    spec = {
        "value": value,
        "weight": design.weight,
        "size": design.size,
        "per_capita": per_capita,
        "by": by,
        "repweights": list(design.repweights),
        "poverty_line": poverty_line,
    }
    if se is None and design.has_design():
        se = "replicate-weights" if design.repweights else "linearization"
    survey = None
    if se is not None:
        survey = {
            "se": se,
            "strata": design.strata,
            "psu": design.psu,
            "fpc": design.fpc,
            "nest": design.nest,
            "lonely_psu": design.lonely_psu,
            "replicates": replicates,
            "seed": seed,
            "level": level,
            "ci": ci,
            "fay_rho": fay_rho,
            "rep_scale": design.rep_scale,
            "rep_mse": design.rep_mse,
        }
    columns = [value, design.weight, design.size, *by, *design.repweights]
    if isinstance(poverty_line, str):
        columns.append(poverty_line)
    if survey is not None:
        columns += [design.strata, design.psu, design.fpc]
    return spec, survey, columns


def compute(
    df: Frame,
    value: str,
    design: Design | None = None,
    by: str | Sequence[str] | None = None,
    measures: Iterable[str] = DEFAULT_MEASURES,
    *,
    se: SeMethod | None = None,
    per_capita: bool = False,
    replicates: int = 1000,
    seed: int = 20181,
    level: float = 0.95,
    ci: Ci = "normal",
    fay_rho: float = 0.5,
    convention: Convention = "midpoint",
    non_positive: NonPositive = "error",
    poverty_line: float | str | None = None,
    progress: ProgressArg = True,
):
    """Measures per group of a household or person table — the rows `gini compute` prints:
    the group columns, `measure`, `estimate`, [`se`, `ci_lower`, `ci_upper`, `deff`], `n`,
    `population`; in the caller's frame type (pandas, polars, pyarrow; DuckDB gives pyarrow).

    `design` names the weight, size and design columns; with design columns (or `se=`) the
    standard errors are design-based: "linearization" (influence values), "bootstrap"
    (Rao–Wu, `replicates`, `seed`), "jackknife" (JKn), "brr", "fay", or "replicate-weights"
    (`Design(repweights=...)`). Groups are domains of the whole design. `per_capita` divides
    the value by the household size. `poverty_line` (an amount, or the name of a column of
    per-row lines) is the line of the poverty measures `fgt0`, `fgt1`, `fgt2`, `watts`,
    `poor`. Long replicate runs show a progress bar (off with
    `progress=False`; a callable gets ``(done, total)``) and stop on KeyboardInterrupt.

    >>> import pyarrow as pa
    >>> t = pa.table({"x": [1.0, 2.0, 3.0, 4.0], "g": ["a", "a", "b", "b"]})
    >>> [round(v, 12) for v in compute(t, "x", by="g", measures=["gini"])["estimate"].to_pylist()]
    [0.166666666667, 0.071428571429]
    """
    spec, survey, columns = _specs(
        value, design, by, per_capita, se, replicates, seed, level, ci, fay_rho, poverty_line
    )
    capsule = _frames.stream(df, columns)
    result = _ext.compute_stream(
        capsule,
        "data frame",
        spec,
        ",".join(measures),
        convention,
        non_positive,
        survey,
        _progress(progress),
    )
    return _frames.output(result, _frames.kind(df))


def trend(
    rounds: Rounds,
    value: str,
    design: Design | None = None,
    by: str | Sequence[str] | None = None,
    measures: Iterable[str] = ("gini",),
    *,
    period: str | None = None,
    pairs: Sequence[tuple[str, str]] | None = None,
    se: SeMethod = "linearization",
    per_capita: bool = False,
    replicates: int = 1000,
    seed: int = 20181,
    level: float = 0.95,
    fay_rho: float = 0.5,
    convention: Convention = "midpoint",
    non_positive: NonPositive = "error",
    poverty_line: float | str | None = None,
    progress: bool = True,
):
    """Changes of measures between survey rounds — the rows `gini trend` prints: group
    columns, `measure`, `from`, `to`, `estimate_from`, `estimate_to`, `change`, `se`,
    `ci_lower`, `ci_upper`, `p_value`. `rounds` is a dict {label: frame} (one frame per
    round), or one frame with a `period` column. Each round is estimated against its own
    design; ``se(change) = √(se₁² + se₂²)`` (independent samples). `pairs` picks (from, to)
    rounds; by default consecutive rounds."""
    spec, survey, columns = _specs(
        value, design, by, per_capita, se, replicates, seed, level, "normal", fay_rho, poverty_line
    )
    if not isinstance(rounds, Mapping) and period is None:
        raise GinikitError("trend() needs a dict {round: frame} or one frame with period=COLUMN")
    return _between_rounds(
        rounds, period, pairs, columns, spec, measures, convention, non_positive, survey, progress
    )


def _between_rounds(rounds, period, pairs, columns, spec, measures, convention, non_positive, survey, progress):
    """The changes between rounds: `rounds` is a dict {label: frame} or one frame with a
    `period` column. Shared by trend() and attribute()."""
    items = list(rounds.items()) if isinstance(rounds, Mapping) else [("data frame", rounds)]
    if period is not None:
        columns = [period, *columns]
    streams = [(str(label), _frames.stream(df, columns)) for label, df in items]
    result = _ext.trend_streams(
        streams,
        period,
        spec,
        ",".join(measures),
        convention,
        non_positive,
        survey,
        [tuple(p) for p in pairs] if pairs else None,
        _progress(progress),
    )
    return _frames.output(result, _frames.kind(items[0][1]))


def _round_streams(rounds: Any, period: str | None, columns: list) -> list[tuple[str, Any]]:
    """(label, Arrow stream) pairs of a dict {label: frame}, or of one frame with `period`."""
    if not isinstance(rounds, Mapping) and period is None:
        raise GinikitError("give a dict {round: frame} (one frame per round) or one frame with period=COLUMN")
    items = list(rounds.items()) if isinstance(rounds, Mapping) else [("data frame", rounds)]
    if period is not None:
        columns = [period, *columns]
    return [(str(label), _frames.stream(df, columns)) for label, df in items]


def gic(
    rounds: Rounds,
    value: str,
    design: Design | None = None,
    by: str | Sequence[str] | None = None,
    *,
    period: str | None = None,
    from_round: str | None = None,
    to_round: str | None = None,
    points: Sequence[float] | None = None,
    deflator: float = 1.0,
    se: SeMethod = "linearization",
    per_capita: bool = False,
    replicates: int = 1000,
    seed: int = 20181,
    level: float = 0.95,
    progress: ProgressArg = True,
):
    """The growth incidence curve between two rounds — the rows `gini gic` prints: growth of
    each percentile's quantile (`points`, default 0.01 … 0.99), of the mean and of the bottom
    40 %'s mean, ``growth = value_to / (deflator × value_from) − 1``, with standard errors
    (independent samples) and the shared-prosperity premium. `rounds` is a dict {label: frame}
    or one frame with a `period` column; `from_round`/`to_round` pick two rounds (default the
    first and the last).

    >>> import pandas as pd
    >>> a = pd.DataFrame({"x": [100.0, 200, 300, 400, 500]})
    >>> g = gic({"a": a, "b": a * 1.1}, "x", points=[0.5])
    >>> round(float(g.loc[g["statistic"] == "mean", "growth"].iloc[0]), 12)
    0.1
    """
    spec, survey, columns = _specs(value, design, by, per_capita, se, replicates, seed, level, "normal", 0.5)
    result = _ext.gic_streams(
        _round_streams(rounds, period, columns), period, spec, survey,
        None if points is None else [float(p) for p in points], float(deflator),
        from_round, to_round, _progress(progress),
    )
    first = next(iter(rounds.values())) if isinstance(rounds, Mapping) else rounds
    return _frames.output(result, _frames.kind(first))


def decompose(
    data: Frame,
    value: str,
    by: str | Sequence[str],
    design: Design | None = None,
    *,
    indices: Sequence[str] = ("mld", "theil", "gini"),
    period: str | None = None,
    se: ReplicateSe = "bootstrap",
    per_capita: bool = False,
    replicates: int = 200,
    seed: int = 20181,
    level: float = 0.95,
    progress: ProgressArg = True,
):
    """Inequality within and between groups — the rows `gini decompose` prints: GE indices
    (``mld``, ``theil``, ``ge_<alpha>``) split exactly into within and between, the Gini split
    by Dagum into within, net between and transvariation; with several rounds, the
    Mookherjee–Shorrocks terms of the change. Standard errors from replicates. `data` is one
    frame, a dict {round: frame}, or one frame with a `period` column.

    >>> import pandas as pd
    >>> d = pd.DataFrame({"x": [1.0, 2, 3, 10, 20, 30], "g": ["a", "a", "a", "b", "b", "b"]})
    >>> r = decompose(d, "x", "g", indices=["theil"], replicates=20, progress=False)
    >>> e = dict(zip(r["component"], r["estimate"]))
    >>> abs(e["within"] + e["between"] - e["total"]) < 1e-12
    True
    """
    spec, survey, columns = _specs(value, design, by, per_capita, se, replicates, seed, level, "normal", 0.5)
    rounds = data if isinstance(data, Mapping) or period is not None else {"data frame": data}
    result = _ext.decompose_streams(
        _round_streams(rounds, period, columns), period, spec, survey, list(indices), _progress(progress)
    )
    first = next(iter(rounds.values())) if isinstance(rounds, Mapping) else rounds
    return _frames.output(result, _frames.kind(first))


def attribute(
    data: Frame,
    value: str,
    transfers: str | Sequence[str] | None = None,
    sources: str | Sequence[str] | None = None,
    design: Design | None = None,
    by: str | Sequence[str] | None = None,
    measures: Iterable[str] = (),
    *,
    period: str | None = None,
    pairs: Sequence[tuple[str, str]] | None = None,
    se: SeMethod = "linearization",
    per_capita: bool = False,
    replicates: int = 1000,
    seed: int = 20181,
    level: float = 0.95,
    fay_rho: float = 0.5,
    non_positive: NonPositive = "error",
    poverty_line: float | str | None = None,
    progress: ProgressArg = True,
):
    """How much of the Gini the `transfers` (columns the value includes) or the `sources`
    (columns that add up to the value) account for — the rows `gini attribute` prints, with
    design-based standard errors, in the caller's frame type.

    Transfers: the Gini with and before them (``m = value − Σ transfers``), the redistributive
    effect ``G(m) − G(value)``, Reynolds–Smolensky ``G(m) − C(value | m)`` and reranking
    ``G(value) − C(value | m)``; per transfer its share, Gini, concentration coefficient, Gini
    correlation, Lerman–Yitzhaki contribution and elasticity, Kakwani index
    ``G(m) − C(t | m)`` (DASP's sign: positive is progressive), and CEQ's marginal
    contributions ``mc_gini(t) = G(value − t) − G(value)`` and
    ``mc_before_gini(t) = G(m) − G(m + t)`` — also for each of `measures` (e.g. "theil_t", or
    "fgt0" with `poverty_line`). Sources: the Lerman–Yitzhaki terms of each, and the Shapley
    contributions ``shapley_zero(k)`` and ``shapley_mean(k)`` (Shorrocks 2013; shares of the
    Gini that add up to 1; up to 10 sources).

    `data` is one frame, a dict {round: frame}, or one frame with a `period` column; with two
    or more rounds the rows are the changes of every term (``se = √(se₁² + se₂²)``).

    >>> import pyarrow as pa
    >>> t = pa.table({"y": [3.0, 2.0, 3.0, 4.0], "t": [2.0, 0.0, 0.0, 0.0]})
    >>> r = attribute(t, "y", transfers="t").to_pandas().set_index("measure")["estimate"]
    >>> [round(float(r[m]), 12) for m in ("gini_before", "gini", "kakwani(t)")]
    [0.25, 0.125, 1.0]
    """
    as_list = lambda v: [v] if isinstance(v, str) else list(v or [])
    transfers, sources = as_list(transfers), as_list(sources)
    if bool(transfers) == bool(sources):
        raise GinikitError("attribute() needs transfers= (columns the value includes) or sources= (columns that add up to it), not both")
    spec, survey, columns = _specs(
        value, design, by, per_capita, se, replicates, seed, level, "normal", fay_rho, poverty_line
    )
    spec["transfers"], spec["sources"] = transfers, sources
    columns = [*columns, *transfers, *sources]
    if isinstance(data, Mapping) or period is not None:
        return _between_rounds(
            data, period, pairs, columns, spec, measures, "midpoint", non_positive, survey, progress
        )
    result = _ext.compute_stream(
        _frames.stream(data, columns), "data frame", spec, ",".join(measures), "midpoint",
        non_positive, survey, _progress(progress),
    )
    return _frames.output(result, _frames.kind(data))


def simulate(
    data: Frame,
    value: str,
    transfers: str | Sequence[str] | None = None,
    design: Design | None = None,
    by: str | Sequence[str] | None = None,
    *,
    scale: Mapping[str, float] | None = None,
    widen: Mapping[str, float] | None = None,
    topup: Mapping[float, float] | None = None,
    target_gini: float | None = None,
    levers: str | Sequence[str] = (),
    amount: float | None = None,
    noise: float = 0.5,
    targeting_seed: int = 1,
    measures: Iterable[str] = ("share_bottom40",),
    se: SeMethod = "linearization",
    per_capita: bool = False,
    replicates: int = 1000,
    seed: int = 20181,
    level: float = 0.95,
    poverty_line: float | str | None = None,
    progress: ProgressArg = True,
):
    """Transfer schemes on one round — the rows `gini simulate` prints, in the caller's frame
    type: for each scheme the Gini (and `measures`) with it, at baseline and the change, each
    with its standard error, and the yearly `budget` (12 × Σ person weight × Δ); with
    `target_gini` and `levers`, the smallest size and budget of each lever that reach it, with
    an interval from replicates (a bootstrap of `replicates` when `se` is linearization), or a
    "not reachable" row.

    Schemes: ``scale={"pkh": 2}`` multiplies a transfer column; ``widen={"pkh": 2_000_000}``
    gives it to that many more households, ranked by welfare before transfers with targeting
    `noise` (at the recipients' median `amount` per household unless given);
    ``topup={40: 50_000}`` gives an amount per person to the poorest 40 % of persons. Levers:
    ``"scale:pkh"``, ``"widen:pkh"``, ``"topup:40"``.

    >>> import pyarrow as pa
    >>> t = pa.table({"y": [3.0, 2.0, 3.0, 4.0], "t": [2.0, 0.0, 0.0, 0.0]})
    >>> r = simulate(t, "y", transfers="t", scale={"t": 0}, measures=()).to_pandas()
    >>> [round(float(v), 12) for v in r["estimate"][:4]]  # gini, baseline, change, budget
    [0.25, 0.125, 0.125, -24.0]
    """
    as_list = lambda v: [v] if isinstance(v, str) else list(v or [])
    transfers, levers = as_list(transfers), as_list(levers)
    schemes = [("scale", f"{k}={v}") for k, v in (scale or {}).items()]
    schemes += [("widen", f"{k}={v}") for k, v in (widen or {}).items()]
    schemes += [("topup", f"{k}={v}") for k, v in (topup or {}).items()]
    spec, survey, columns = _specs(
        value, design, by, per_capita, se, replicates, seed, level, "normal", 0.5, poverty_line
    )
    spec["transfers"], spec["sources"] = transfers, []
    result = _ext.simulate_stream(
        _frames.stream(data, [*columns, *transfers]), "data frame", spec, schemes, levers,
        target_gini, ",".join(measures), (amount, noise, targeting_seed), survey, replicates,
        seed, _progress(progress),
    )
    return _frames.output(result, _frames.kind(data))


def lorenz(
    data: Frame,
    value: str | None = None,
    weights: Values | None = None,
    by: str | None = None,
    points: int = 101,
):
    """The Lorenz curve at `points` equally spaced population fractions: a frame with `p` and
    `share` (and the group column with `by`). `data` is an array of values, or a frame with
    the `value` (and `weights`) columns.

    >>> t = lorenz([1, 2, 3, 4], points=5)
    >>> [round(s, 4) for s in t["share"]]
    [0.0, 0.1, 0.3, 0.6, 1.0]
    """
    like = _frames.kind(data)
    if like == "numpy":
        xv, wv = _arrays(data, weights, None)
        p, s = _ext.lorenz_array(xv, wv, points)
        return Table(["p", "share"], {"p": p, "share": s})
    xv = _frames.to_numpy(data, value, "value")
    wv = None if weights is None else _frames.to_numpy(data, weights, "weight")
    groups: list[tuple[Any, np.ndarray]] = [(None, np.ones(len(xv), dtype=bool))]
    if by is not None:
        keys = np.asarray(_frames.select(data, [by])[by] if like != "pyarrow" else data[by].to_numpy(zero_copy_only=False))
        labels = list(dict.fromkeys(keys.tolist()))
        groups = [(g, keys == g) for g in labels]
    out: dict[str, list] = {by: []} if by else {}
    out.update({"p": [], "share": []})
    for g, mask in groups:
        p, s = _ext.lorenz_array(
            np.ascontiguousarray(xv[mask]), None if wv is None else np.ascontiguousarray(wv[mask]), points
        )
        if by:
            out[by] += [g] * len(p)
        out["p"] += p
        out["share"] += s
    return _frames.output({"columns": list(out), "data": out, "notes": []}, like)


def synth(
    round: str,
    households: int = 75_000,
    seed: int = 1,
    *,
    family: Family = "gb2",
    frame: FrameKind = "pandas",
):
    """A Susenas-shaped synthetic household table of a published round (2016-03 … 2021-09),
    calibrated to BPS figures — the table `gini synth` writes, as a pandas (or, with
    `frame="polars"`/"pyarrow", polars or pyarrow) frame. The calibration figures are in
    ``.attrs["figures"]`` of a pandas frame. The default `family="gb2"` (and
    `"singh-maddala"`) keeps every cell's published headcount as well as its Gini;
    `"log-normal"` shrinks the cell locations instead (`gini synth --family`)."""
    r = _ext.synth(round, households, seed, family)
    cols = r["columns"]
    if frame == "pandas":
        import pandas as pd

        df = pd.DataFrame(cols)
        df.attrs["figures"] = r["figures"]
        df.attrs["notes"] = r["notes"]
        return df
    if frame == "polars":
        import polars as pl

        return pl.DataFrame(cols)
    if frame == "pyarrow":
        import pyarrow as pa

        return pa.table(cols)
    raise GinikitError(f"frame=\"{frame}\": use \"pandas\", \"polars\" or \"pyarrow\"")


@dataclass
class Reproduction:
    """The BPS reproduction: `estimates` (tidy rows: round, area, province, measure, estimate,
    se, ci_lower, ci_upper, published; and the change rows), `national` (round × area table),
    `changes` (the tested change per area and measure), `provinces` (province Gini with SEs
    beside BPS's), `province_poverty` (province headcount P0 with SEs beside BPS's, when the
    rounds have BPS's poverty lines; no rows otherwise), `poverty` (P0, P1, P2 by area beside BPS's), `growth_incidence` (deciles,
    mean, bottom-40 % mean and the shared-prosperity premium of the tested change),
    `decomposition` (the change by urban/rural: Mookherjee–Shorrocks and Dagum terms with SEs),
    `province_contributions` (each province's part of the change of Theil T), `lorenz`
    ({round: (p, share)}), and `summary`, the sentence."""

    estimates: Frame
    national: Frame
    changes: Frame
    provinces: Frame
    province_poverty: Frame
    poverty: Frame
    growth_incidence: Frame
    decomposition: Frame
    province_contributions: Frame
    lorenz: dict
    summary: str
    from_round: str
    to_round: str
    level: float

    def _repr_html_(self) -> str:
        parts = [f"<p>{self.summary}</p>"]
        for t in (self.national, self.changes):
            html = getattr(t, "_repr_html_", None) or getattr(t, "to_html", None)
            parts.append(html() if html else str(t))
        return "".join(parts)

    def __repr__(self) -> str:
        return self.summary


def reproduce(
    data: Frame | None = None,
    *,
    value: str | None = None,
    per_capita: bool = False,
    weight: str | None = None,
    size: str | None = None,
    area: str | None = None,
    province: str | None = None,
    strata: str | None = None,
    psu: str | None = None,
    round: str | None = None,
    nest: bool = False,
    lonely_psu: LonelyPsu = "error",
    se: SeMethod = "linearization",
    replicates: int = 1000,
    seed: int = 20181,
    level: float = 0.95,
    from_round: str = "2017-09",
    to_round: str = "2018-09",
    transfers: Sequence[str] = ("pkh_per_capita", "bpnt_per_capita", "rastra_per_capita"),
    frame: FrameKind = "pandas",
    progress: bool = True,
) -> Reproduction:
    """Reproduce BPS's national Gini ratio (0.391 in September 2017, 0.384 in September 2018)
    from household tables, with standard errors, the test of the change, urban/rural and the
    provinces beside the published figures — `gini reproduce` as a call.

    `data`: None (the bundled synthetic rounds), a list of file paths, or a dict {round:
    frame}. Column keywords default to the bundled rounds' names (Susenas: value="kapita",
    weight="wert", size="r301", area="r105", province="r101"). When every table has the
    `transfers` columns (per person, included in the value), the estimates add "Did the
    programmes do it?": the transfers' effect on the Gini in both rounds, its change, and the
    cost of a Gini of 0.36 under two schemes (rows `programmes:…` and `cost_of_0.36:…`)."""
    spec = {
        "value": value,
        "per_capita": per_capita,
        "weight": weight,
        "size": size,
        "area": area,
        "province": province,
        "strata": strata,
        "psu": psu,
        "round": round,
        "nest": nest,
        "lonely_psu": lonely_psu,
        "se": se,
        "replicates": replicates,
        "seed": seed,
        "level": level,
        "from": from_round,
        "to": to_round,
        "transfers": list(transfers),
    }
    files = streams = None
    if isinstance(data, Mapping):
        defaults = {
            "value": "expenditure_per_capita",
            "weight": "weight",
            "size": "household_size",
            "area": "area",
            "province": "province_code",
            "strata": "stratum",
            "psu": "psu",
        }
        cols = [spec[k] or d for k, d in defaults.items()] + ([round] if round else [])
        present = lambda v: [t for t in transfers if t in (_frames.columns_of(v) or [])]  # noqa: E731
        streams = [(str(k), _frames.stream(v, cols + present(v))) for k, v in data.items()]
    elif data is not None:
        files = [str(p) for p in ([data] if isinstance(data, (str, bytes)) or hasattr(data, "__fspath__") else data)]
    r = _ext.reproduce(spec, files, streams, _progress(progress))
    out = lambda t: _frames.output(t, frame)  # noqa: E731
    return Reproduction(
        estimates=out(r["estimates"]),
        national=out(r["national"]),
        changes=out(r["changes"]),
        provinces=out(r["provinces"]),
        province_poverty=out(r["province_poverty"]),
        poverty=out(r["poverty"]),
        growth_incidence=out(r["growth_incidence"]),
        decomposition=out(r["decomposition"]),
        province_contributions=out(r["province_contributions"]),
        lorenz={k: (list(p), list(s)) for k, (p, s) in r["lorenz"].items()},
        summary=r["summary"],
        from_round=r["from_round"],
        to_round=r["to_round"],
        level=r["level"],
    )
