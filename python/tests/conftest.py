"""Shared fixtures: the repository, the `gini` binary the Python results are compared with,
and the bundled data."""

import json
import os
import pathlib
import subprocess

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
ROUNDS = REPO / "datasets" / "susenas-synthetic"


def _binary() -> pathlib.Path:
    explicit = os.environ.get("GINI_BIN")
    if explicit:
        return pathlib.Path(explicit)
    target = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    for profile in ("debug", "release"):
        candidate = target / profile / "gini"
        if candidate.exists():
            return candidate
    raise RuntimeError("no gini binary: set GINI_BIN or build it with `cargo build`")


@pytest.fixture(scope="session")
def gini_bin() -> pathlib.Path:
    return _binary()


@pytest.fixture(scope="session")
def cli(gini_bin):
    """Runs `gini ARGS`; returns stdout (JSON parsed when --format json)."""

    def run(*args: str):
        out = subprocess.run([str(gini_bin), *map(str, args)], capture_output=True, text=True, cwd=REPO)
        if out.returncode != 0:
            raise AssertionError(f"gini {' '.join(map(str, args))} failed: {out.stderr}")
        if "json" in args:
            return json.loads(out.stdout)
        return out.stdout

    return run


@pytest.fixture(scope="session")
def round_2018_09():
    import pandas as pd

    return pd.read_parquet(ROUNDS / "2018-09.parquet")


@pytest.fixture(scope="session")
def round_2017_09():
    import pandas as pd

    return pd.read_parquet(ROUNDS / "2017-09.parquet")
