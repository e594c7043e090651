#!/usr/bin/env python3
"""The Python package against the Rust core and the Python peers, side by side, in one run.

Run by hand (not by CI), from the repository root, after building the release wheel:

    (cd python && maturin build --release -o dist)
    cargo build --release --example time_gini
    python3.12 -m venv .venv-peers
    .venv-peers/bin/pip install numpy polars pyarrow pandas inequality ineqpy quantecon python/dist/ginikit-*.whl
    .venv-peers/bin/python benches/peers/python_compare.py

What it times (best of --repeat, inside one Python process, start-up excluded):
1. `gk.gini(x)` on n log-normal values (numpy array, default 1e7) against the Rust call on
   the same values (`examples/time_gini.rs`: SortedSample::new + gini on the slice, read from
   the same bytes), and against numpy's own sort-based formula (in a fresh process for each
   sort dispatch, and in this process interleaved with gk.gini, round by round), PySAL
   inequality's `Gini`, ineqpy's `gini` (at --slow-n, default 1e6) and quantecon's
   `gini_coefficient` (O(n²): at --quadratic-n, default 2e4), each ratio at the same n;
2. `gk.compute` on the 300,000-household round as a pandas frame with linearized standard
   errors and with 1,000 bootstrap replicates, against the same `gini compute` run as a
   whole process (the difference is the conversion from pandas).
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

# numpy's Gini formula takes its rank sum as a BLAS dot product. OpenBLAS runs that on
# threads that keep spinning for a while after the call, taking the cores from whatever runs
# next in this process (gk.gini, interleaved: measured at twice its time on two cores). The
# formula's time is its single-threaded sort, so BLAS gets one thread unless told otherwise.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare import (  # noqa: E402
    best_of,
    numpy_build,
    numpy_by_kernel,
    numpy_gini_unweighted,
    numpy_gini_weighted,
)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))


def line(name, t, ref, value=None, want=None):
    diff = "" if value is None else f"  rel. diff {abs(value - want) / want:.1e}"
    print(f"  {name:<52} {t:8.4f} s  ratio {t / ref:6.2f}x{diff}")


def interleaved(label, repeat, ours, numpy_call):
    """gk.gini and numpy's formula (default dispatch) in this process, one after the other in
    each of `repeat` rounds, so that a machine whose speed drifts slows both alike: the best
    of each, and the median over rounds of gk.gini's time over numpy's."""
    rounds = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        numpy_call()
        t1 = time.perf_counter()
        ours()
        rounds.append((t1 - t0, time.perf_counter() - t1))
    median = statistics.median(g / n for n, g in rounds)
    best_n, best_g = min(n for n, _ in rounds), min(g for _, g in rounds)
    print(f"  same process, interleaved, {label}: numpy best {best_n:.4f} s, gk.gini best {best_g:.4f} s; "
          f"gk.gini / numpy: {best_g / best_n:.2f}x of the bests, median {median:.2f}x over {repeat} rounds")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=10_000_000)
    ap.add_argument("--slow-n", type=int, default=1_000_000)
    ap.add_argument("--quadratic-n", type=int, default=20_000)
    ap.add_argument("--repeat", type=int, default=10)
    args = ap.parse_args()

    import ginikit as gk

    rng = np.random.default_rng(1)
    x = np.exp(rng.normal(10.0, 1.0, args.n))
    w = rng.uniform(100.0, 1000.0, args.n)
    with tempfile.TemporaryDirectory() as tmp:
        raw = os.path.join(tmp, "x.f64")
        x.astype("<f8").tofile(raw)
        exe = os.path.join(TARGET, "release", "examples", "time_gini")
        out = subprocess.run([exe, raw, str(args.repeat)], capture_output=True, text=True, check=True)
        rust_t, rust_g = map(float, out.stdout.split())
        kernels = numpy_by_kernel(raw, args.repeat)
        wraw = os.path.join(tmp, "w.f64")
        w.astype("<f8").tofile(wraw)
        weighted_kernels = numpy_by_kernel(raw, args.repeat, wraw)
    t_gk, g = best_of(args.repeat, lambda: gk.gini(x))
    print(f"gini of n = {args.n:,} log-normal values (numpy array), best of {args.repeat}; {numpy_build()}; "
          f"RAYON_NUM_THREADS={os.environ.get('RAYON_NUM_THREADS', 'all cores')}")
    print(f"  {'Rust call on the same slice':<52} {rust_t:8.4f} s")
    line("gk.gini(x)", t_gk, rust_t, g, rust_g)
    print(f"  peers, as multiples of gk.gini at the same n:")
    for label, t, v in kernels:
        line(f"numpy np.sort formula, {label}", t, t_gk, v, g)
    fastest = min(t for _, t, _ in kernels)
    print(f"  gk.gini / fastest numpy: {t_gk / fastest:.2f}x;  Rust call / fastest numpy: {rust_t / fastest:.2f}x")
    interleaved("unweighted", args.repeat, lambda: gk.gini(x), lambda: numpy_gini_unweighted(x))
    t_gkw, gw = best_of(args.repeat, lambda: gk.gini(x, w))
    print(f"  {'gk.gini(x, w), weights uniform on 100-1000':<52} {t_gkw:8.4f} s")
    for label, t, v in weighted_kernels:
        line(f"numpy argsort weighted formula, {label}", t, t_gkw, v, gw)
    fastest = min(t for _, t, _ in weighted_kernels)
    print(f"  fastest numpy / gk.gini(x, w): {fastest / t_gkw:.2f}x faster")
    interleaved("weighted", args.repeat, lambda: gk.gini(x, w), lambda: numpy_gini_weighted(x, w))
    xs = x[: args.slow_n]
    t_ref, g_ref = best_of(args.repeat, lambda: gk.gini(xs))
    print(f"  at n = {args.slow_n:,} (gk.gini {t_ref:.4f} s):")
    try:
        from inequality.gini import Gini

        t, v = best_of(args.repeat, lambda: Gini(xs).g)
        line("PySAL inequality Gini", t, t_ref, v, g_ref)
    except ImportError:
        print("  PySAL inequality: not installed")
    try:
        import ineqpy

        t, v = best_of(args.repeat, lambda: ineqpy.inequality.gini(income=xs))
        line("ineqpy gini", t, t_ref, v, g_ref)
    except ImportError:
        print("  ineqpy: not installed")
    xq = x[: args.quadratic_n]
    t_ref, g_ref = best_of(args.repeat, lambda: gk.gini(xq))
    try:
        from quantecon import gini_coefficient

        gini_coefficient(xq[:100])  # compile (numba) outside the timing
        t, v = best_of(args.repeat, lambda: gini_coefficient(xq))
        print(f"  at n = {args.quadratic_n:,} (gk.gini {t_ref:.5f} s):")
        line("quantecon gini_coefficient", t, t_ref, v, g_ref)
    except ImportError:
        print("  quantecon: not installed")

    import pandas as pd

    path = os.path.join(ROOT, "datasets", "susenas-synthetic", "2018-03.parquet")
    t_read, df = best_of(1, lambda: pd.read_parquet(path))
    d = gk.Design(weight="weight", size="household_size", strata="stratum", psu="psu")
    print(f"\nsurvey: 300,000 households as a pandas frame (read in {t_read:.3f} s, not counted)")
    t_lin, r = best_of(args.repeat, lambda: gk.compute(df, "expenditure_per_capita", d, measures=["gini"], progress=False))
    t_boot, rb = best_of(1, lambda: gk.compute(df, "expenditure_per_capita", d, measures=["gini"], se="bootstrap",
                                               replicates=1000, progress=False))
    gini_bin = os.path.join(TARGET, "release", "gini")
    flags = ["compute", path, "--value", "expenditure_per_capita", "--weight", "weight", "--size", "household_size",
             "--strata", "stratum", "--psu", "psu", "--measures", "gini", "--format", "csv"]
    t_cli, _ = best_of(args.repeat, lambda: subprocess.run([gini_bin, *flags, "--se", "linearization"],
                                                           capture_output=True, check=True))
    t_cli_b, _ = best_of(1, lambda: subprocess.run([gini_bin, *flags, "--se", "bootstrap", "--quiet"],
                                                   capture_output=True, check=True))
    print(f"  linearized SE: gk.compute {t_lin:.3f} s (se {r['se'][0]:.6f}); gini compute process {t_cli:.3f} s")
    print(f"  1,000 bootstrap replicates: gk.compute {t_boot:.3f} s (se {rb['se'][0]:.6f}); gini compute process {t_cli_b:.3f} s")
    print(f"\nnumpy {np.__version__}, pandas {pd.__version__}, Python {sys.version.split()[0]}")


if __name__ == "__main__":
    main()
