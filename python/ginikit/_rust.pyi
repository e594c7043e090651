"""Type stubs of the compiled extension (the pure-Python layer in ginikit/__init__.py is the
public API)."""

from typing import Any, Callable, Sequence

import numpy as np
import numpy.typing as npt

class GinikitError(ValueError): ...

DEFAULT_MEASURES: str

Report = dict[str, Any]  # {"columns": list[str], "data": dict[str, list], "notes": list[str]}
ProgressCallback = Callable[[int, int], None]

def measures_array(
    x: npt.NDArray[np.float64],
    weights: npt.NDArray[np.float64] | None,
    names: Sequence[str],
    convention: str,
    non_positive: str,
) -> list[tuple[str, float, int, float]]: ...
def lorenz_array(
    x: npt.NDArray[np.float64], weights: npt.NDArray[np.float64] | None, points: int
) -> tuple[list[float], list[float]]: ...
def grouped_arrays(
    population: Sequence[float],
    welfare: Sequence[float],
    kind: str,
    mean: float | None = None,
    poverty_line: float | None = None,
) -> dict[str, Any]: ...
def compute_stream(
    stream: Any,
    source: str,
    spec: dict[str, Any],
    measures: str,
    convention: str,
    non_positive: str,
    survey: dict[str, Any] | None = None,
    progress: ProgressCallback | None = None,
) -> Report: ...
def trend_streams(
    rounds: Sequence[tuple[str, Any]],
    period: str | None,
    spec: dict[str, Any],
    measures: str,
    convention: str,
    non_positive: str,
    survey: dict[str, Any],
    pairs: Sequence[tuple[str, str]] | None = None,
    progress: ProgressCallback | None = None,
) -> Report: ...
def gic_streams(
    rounds: Sequence[tuple[str, Any]],
    period: str | None,
    spec: dict[str, Any],
    survey: dict[str, Any],
    points: Sequence[float] | None,
    deflator: float,
    from_round: str | None = None,
    to_round: str | None = None,
    progress: ProgressCallback | None = None,
) -> Report: ...
def decompose_streams(
    rounds: Sequence[tuple[str, Any]],
    period: str | None,
    spec: dict[str, Any],
    survey: dict[str, Any],
    indices: Sequence[str],
    progress: ProgressCallback | None = None,
) -> Report: ...
def synth(round: str, households: int, seed: int, family: str = "log-normal") -> dict[str, Any]: ...
def reproduce(
    spec: dict[str, Any],
    files: Sequence[str] | None = None,
    streams: Sequence[tuple[str, Any]] | None = None,
    progress: ProgressCallback | None = None,
) -> dict[str, Any]: ...
def known_measures() -> list[tuple[str, str]]: ...
