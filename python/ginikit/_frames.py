"""Data frames in and out: select the needed columns of any frame, hand them to Rust as an
Arrow C stream, and give results back in the caller's frame type."""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np


def kind(obj: Any) -> str:
    """'pandas', 'polars', 'pyarrow', 'duckdb', 'arrow' (anything with __arrow_c_stream__),
    or 'numpy'."""
    module = type(obj).__module__.split(".")[0]
    if module == "pandas":
        return "pandas"
    if module == "polars":
        return "polars"
    if module == "pyarrow":
        return "pyarrow"
    if module in ("duckdb", "_duckdb"):
        return "duckdb"
    if hasattr(obj, "__arrow_c_stream__"):
        return "arrow"
    return "numpy"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def select(obj: Any, columns: Sequence[str]) -> Any:
    """Only `columns` of the frame, so that nothing else is exported (pandas converts the whole
    frame through pyarrow on export). Unknown names are left for the Rust side to report, with
    the columns the frame does have."""
    wanted = list(dict.fromkeys(c for c in columns if c is not None))
    k = kind(obj)
    if k == "polars" and type(obj).__name__ == "LazyFrame":
        obj = obj.collect()
    names = columns_of(obj)
    if names is not None and any(c not in names for c in wanted):
        return obj
    if k == "pandas":
        return obj[wanted]
    if k == "polars":
        return obj.select(wanted)
    if k == "pyarrow":
        return obj.select(wanted)
    if k == "duckdb":
        return obj.project(", ".join(_quote(c) for c in wanted))
    return obj


def columns_of(obj: Any) -> list[str] | None:
    k = kind(obj)
    if k in ("pandas", "polars"):
        return [str(c) for c in obj.columns]
    if k == "pyarrow":
        return list(obj.column_names)
    if k == "duckdb":
        return list(obj.columns)
    return None


def stream(obj: Any, columns: Sequence[str]) -> Any:
    """The Arrow C stream capsule of the selected columns."""
    selected = select(obj, columns)
    if not hasattr(selected, "__arrow_c_stream__"):
        raise TypeError(
            f"{type(obj).__name__} is not a data frame with the Arrow PyCapsule interface "
            "(pandas ≥ 2.2, polars, pyarrow, DuckDB); pass numpy arrays to the array functions"
        )
    return selected.__arrow_c_stream__()


def to_numpy(obj: Any, column: str | None, what: str) -> np.ndarray:
    """One column (or an array) as contiguous float64, copied only when it must be."""
    if column is not None:
        k = kind(obj)
        names = columns_of(obj)
        if names is not None and column not in names:
            from ._rust import GinikitError

            raise GinikitError(
                f"no column named '{column}' (the {what} column); the frame has: "
                f"{', '.join(names)}; pass the right name"
            )
        if k == "pandas":
            obj = obj[column].to_numpy(dtype=np.float64)
        elif k in ("polars", "pyarrow"):
            obj = obj[column].to_numpy()
        elif k == "duckdb":
            obj = obj.project(_quote(column)).fetchnumpy()[column]
    return np.ascontiguousarray(obj, dtype=np.float64)


def output(result: dict, like: str) -> Any:
    """A Rust result {columns, data, notes} as the frame type the caller used."""
    columns = result["columns"]
    data = {c: result["data"][c] for c in columns}
    for c in ("n",):
        if c in data:
            data[c] = [None if v is None else int(v) for v in data[c]]
    notes = list(result.get("notes", []))
    if like == "pandas":
        import pandas as pd

        df = pd.DataFrame(data, columns=columns)
        df.attrs["notes"] = notes
        return df
    if like == "polars":
        import polars as pl

        return pl.DataFrame(data, strict=False)
    if like in ("pyarrow", "duckdb", "arrow"):
        import pyarrow as pa

        return pa.table(data)
    return Table(columns, data, notes)


class Table:
    """A small result table for array input: columns by name, shown as a table in Jupyter,
    convertible with `to_pandas()`, `to_polars()`, `to_arrow()`."""

    def __init__(self, columns: list[str], data: dict[str, list], notes: list[str] | None = None):
        self.columns = columns
        self.data = data
        self.notes = notes or []

    def __getitem__(self, column: str) -> list:
        return self.data[column]

    def __len__(self) -> int:
        return len(self.data[self.columns[0]]) if self.columns else 0

    def rows(self) -> list[dict]:
        return [{c: self.data[c][i] for c in self.columns} for i in range(len(self))]

    def to_pandas(self):
        import pandas as pd

        return pd.DataFrame(self.data, columns=self.columns)

    def to_polars(self):
        import polars as pl

        return pl.DataFrame(self.data, strict=False)

    def to_arrow(self):
        import pyarrow as pa

        return pa.table(self.data)

    def _cell(self, v: Any) -> str:
        if isinstance(v, float):
            return f"{v:.6g}"
        return "" if v is None else str(v)

    def __repr__(self) -> str:
        cells = [[self._cell(self.data[c][i]) for c in self.columns] for i in range(len(self))]
        widths = [max([len(c)] + [len(r[j]) for r in cells]) for j, c in enumerate(self.columns)]
        line = lambda r: "  ".join(t.rjust(w) for t, w in zip(r, widths))  # noqa: E731
        return "\n".join([line(self.columns)] + [line(r) for r in cells])

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{c}</th>" for c in self.columns)
        body = "".join(
            "<tr>" + "".join(f"<td>{self._cell(self.data[c][i])}</td>" for c in self.columns) + "</tr>"
            for i in range(len(self))
        )
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
