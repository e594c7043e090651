#!/usr/bin/env python3
"""Side-by-side timing and exactness of `gini` against its peers, on this machine, in one run.

Run by hand (not by CI), from the repository root, after `cargo build --release`:

    python3.12 -m venv .venv-peers
    .venv-peers/bin/pip install numpy polars pyarrow inequality ineqpy
    .venv-peers/bin/python benches/peers/compare.py            # 1e7 values
    .venv-peers/bin/python benches/peers/compare.py --n 1000000

R with laeken (`apt-get install r-base-core r-cran-laeken`) is used when `Rscript` is found.

What it does:
1. writes n log-normal values and survey-like weights to a Parquet file (fixed seed);
2. times, best of --repeat runs each:
   - `gini compute FILE --value x [--weight w] --measures gini` (whole process: start, read
     Parquet, validate, sort, scan, print);
   - polars read + numpy's own Gini (unweighted: np.sort, the SIMD sort; weighted: np.argsort
     and the same midpoint formula), timed inside Python (interpreter start-up excluded);
   - PySAL inequality's Gini, ineqpy's gini and R laeken's gini on the same values;
3. prints the ratios and the largest relative difference between the estimates;
4. prints the peak resident memory of `gini` for the weighted run, against the bytes of the
   two input columns.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np
import polars as pl

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def best_of(repeat, f):
    best, value = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        value = f()
        best = min(best, time.perf_counter() - t0)
    return best, value


def numpy_gini_unweighted(x):
    """The fastest numpy formulation measured here: np.sort (x86-simd-sort where the CPU has
    AVX-512 or AVX2), then `2 Σ i s_i / (n Σ s) − (n + 1)/n` with the rank sum as one dot
    product (no temporaries of n elements besides the ranks)."""
    s = np.sort(x)
    n = s.size
    i = np.arange(1, n + 1, dtype=np.float64)
    return float(2.0 * np.dot(i, s) / (n * s.sum()) - (n + 1) / n)


def numpy_build():
    """numpy's version and the CPU features its sort dispatch can use (x86-simd-sort picks
    its AVX-512 kernel when AVX512_SKX is there, else AVX2), with the CPU's name."""
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")),
               "unknown CPU") if os.path.exists("/proc/cpuinfo") else "unknown CPU"
    try:
        from numpy._core._multiarray_umath import __cpu_features__ as have
    except ImportError:
        return f"numpy {np.__version__} on {cpu}"
    simd = [f for f in ("AVX512_SKX", "AVX2") if have.get(f)]
    kernel = {"AVX512_SKX": "x86-simd-sort AVX-512", "AVX2": "x86-simd-sort AVX2"}
    return f"numpy {np.__version__} on {cpu}, default sort kernel: {kernel[simd[0]] if simd else 'scalar'}"


# numpy's dispatch picks the AVX-512 sort wherever the CPU has AVX-512, but on AMD Zen 4 that
# kernel's compress-stores are microcoded and it is several times slower than the AVX2 one
# (np.sort of 1e7 doubles: 0.66 s against 0.11 s on an EPYC here). numpy is timed under both
# dispatches, each in a fresh process (the switch is read at import), and the faster counts.
AVX512_OFF = "X86_V4 AVX512_SKX AVX512_CLX AVX512_CNL AVX512_ICL AVX512_SPR"

_KERNEL_TIMER = """
import sys, time, numpy as np
sys.path.insert(0, sys.argv[3])
from compare import numpy_gini_unweighted, numpy_gini_weighted
x = np.fromfile(sys.argv[1], dtype="<f8")
w = np.fromfile(sys.argv[4], dtype="<f8") if len(sys.argv) > 4 else None
best, g = float("inf"), None
for _ in range(int(sys.argv[2])):
    t0 = time.perf_counter()
    g = numpy_gini_unweighted(x) if w is None else numpy_gini_weighted(x, w)
    best = min(best, time.perf_counter() - t0)
print(best, repr(g))
"""


def numpy_by_kernel(raw, repeat, weights_raw=None):
    """[(dispatch, best seconds, Gini)] of numpy's Gini (`numpy_gini_unweighted`, or
    `numpy_gini_weighted` with the weights in `weights_raw`) on the little-endian f64 file
    `raw`, in a fresh process per dispatch: numpy's default, and with AVX-512 disabled (its
    AVX2 kernel)."""
    rows = []
    here = os.path.dirname(os.path.abspath(__file__))
    for label, off in (("default dispatch", ""), ("AVX-512 off (AVX2 kernel)", AVX512_OFF)):
        env = dict(os.environ, NPY_DISABLE_CPU_FEATURES=off)
        argv = [sys.executable, "-c", _KERNEL_TIMER, raw, str(repeat), here] + ([weights_raw] if weights_raw else [])
        r = subprocess.run(argv, env=env, capture_output=True, text=True)
        if r.returncode == 0:
            t, g = r.stdout.split()
            rows.append((label, float(t), float(g)))
        else:
            rows.append((label, float("nan"), float("nan")))
    return rows


def numpy_gini_weighted(x, w):
    o = np.argsort(x, kind="stable")
    xs, ws = x[o], w[o]
    c = np.cumsum(ws)
    return float((ws * xs * (2.0 * c - ws)).sum() / (c[-1] * (ws * xs).sum()) - 1.0)


def run_gini(binary, path, weighted):
    args = [binary, "compute", path, "--value", "x", "--measures", "gini", "--format", "csv"]
    if weighted:
        args += ["--weight", "w"]
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    return float(out.splitlines()[1].split(",")[1])


def peak_rss_of(cmd):
    """Peak RSS (bytes) of a command, from GNU time (`apt-get install time`). The rusage of a
    child forked from this Python process would also count the pages it inherited."""
    if not shutil.which("/usr/bin/time"):
        return float("nan")
    r = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, text=True, check=True)
    return int(r.stderr.strip().splitlines()[-1]) * 1024


def real_data_exactness(binary):
    """The Gini of every year of the bundled real income panel (48 US states, 1929-2009, BEA)
    from `gini compute --by year` against PySAL's Gini and R laeken's gini, year by year."""
    path = os.path.join(ROOT, "datasets", "us-state-income", "us_state_income.csv")
    out = subprocess.run([binary, "compute", path, "--value", "income", "--by", "year", "--measures", "gini",
                          "--format", "csv"], check=True, capture_output=True, text=True).stdout
    ours = {int(l.split(",")[0]): float(l.split(",")[2]) for l in out.splitlines()[1:]}
    df = pl.read_csv(path)
    worst = {}
    try:
        from inequality.gini import Gini
        worst["PySAL inequality"] = max(abs(Gini(df.filter(pl.col("year") == y)["income"].to_numpy().astype(float)).g - g) / g
                                        for y, g in ours.items())
    except ImportError:
        pass
    if shutil.which("Rscript"):
        r = subprocess.run(["Rscript", "-e", f"""
            suppressMessages(library(laeken)); d <- read.csv('{path}')
            for (y in sort(unique(d$year))) cat(y, sprintf('%.17g', gini(d$income[d$year == y])$value / 100), '\n')"""],
                           capture_output=True, text=True)
        if r.returncode == 0:
            laeken = {int(a): float(b) for a, b in (l.split() for l in r.stdout.splitlines() if l.strip())}
            worst["R laeken"] = max(abs(laeken[y] - g) / g for y, g in ours.items())
    print(f"\nreal data: Gini of {len(ours)} years of US state incomes, largest relative difference")
    for peer, d in worst.items():
        print(f"  {peer:<20} {d:.1e}")


def survey_comparison(binary, repeat, laeken_replicates):
    """1,000 Rao-Wu bootstrap replicates of the Gini on the bundled 300,000-household March
    round, against R laeken's bootstrap (variance(), bootType = "naive") on the same rows; laeken
    runs fewer replicates and is compared per replicate. Also: point estimate alone vs with its
    linearized standard error."""
    path = os.path.join(ROOT, "datasets", "susenas-synthetic", "2018-03.parquet")
    base = [binary, "compute", path, "--value", "expenditure_per_capita", "--weight", "weight",
            "--size", "household_size", "--measures", "gini", "--format", "csv", "--quiet"]
    design = ["--strata", "stratum", "--psu", "psu"]
    run = lambda extra: subprocess.run(base + extra, check=True, capture_output=True, text=True).stdout
    t_point, _ = best_of(repeat, lambda: run([]))
    t_lin, out_lin = best_of(repeat, lambda: run(design + ["--se", "linearization"]))
    t_boot, out_boot = best_of(max(1, repeat // 2), lambda: run(design + ["--se", "bootstrap", "--replicates", "1000"]))
    se_lin = float(out_lin.splitlines()[1].split(",")[2])
    se_boot = float(out_boot.splitlines()[1].split(",")[2])
    print("\nsurvey: 300,000 households (datasets/susenas-synthetic/2018-03.parquet), whole process")
    print(f"  point estimate            {t_point:8.3f} s")
    print(f"  + linearized SE           {t_lin:8.3f} s  (+{100 * (t_lin / t_point - 1):.0f} %), se {se_lin:.6f}")
    print(f"  + 1,000 bootstrap reps    {t_boot:8.3f} s  se {se_boot:.6f} (ratio to linearized {se_boot / se_lin:.3f})")
    if not shutil.which("Rscript"):
        print("  R laeken: Rscript not found")
        return
    df = pl.read_parquet(path)
    tmp = tempfile.mkdtemp()
    csv = os.path.join(tmp, "survey.csv")
    pl.DataFrame({"x": df["expenditure_per_capita"].cast(pl.Float64),
                  "w": df["weight"] * df["household_size"],
                  "h": df["stratum"], "p": df["psu"]}).write_csv(csv)
    r = subprocess.run(["Rscript", "-e", f"""
        suppressMessages(library(laeken)); d <- read.csv('{csv}')
        g <- gini("x", weights = "w", data = d)
        t <- system.time(v <- variance("x", weights = "w", design = "h", cluster = "p", data = d,
                         indicator = g, R = {laeken_replicates}, bootType = "naive", seed = 1))[["elapsed"]]
        cat(sprintf('%.6f %.10f\n', t, sqrt(v$var) / 100))"""], capture_output=True, text=True)
    shutil.rmtree(tmp)
    if r.returncode != 0:
        print("  R laeken: failed:", r.stderr.strip()[:300])
        return
    t_l, se_l = map(float, r.stdout.split())
    per_l, per_ours = t_l / laeken_replicates, t_boot / 1000
    print(f"  R laeken bootstrap, {laeken_replicates} reps  {t_l:8.3f} s  se {se_l:.6f}; per replicate "
          f"{per_l * 1000:.1f} ms vs {per_ours * 1000:.2f} ms: {per_l / per_ours:.0f}x")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=10_000_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--slow-peers-n", type=int, default=1_000_000,
                    help="size for PySAL / ineqpy / laeken, which are much slower")
    ap.add_argument("--binary", default=None)
    ap.add_argument("--survey-only", action="store_true", help="run only the survey comparison")
    ap.add_argument("--laeken-replicates", type=int, default=20)
    ap.add_argument("--peer-child", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--weighted", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.peer_child:
        # Child process: polars reads the Parquet file, numpy computes the Gini.
        def peer():
            df = pl.read_parquet(a.peer_child, columns=["x", "w"] if a.weighted else ["x"])
            xv = df["x"].to_numpy()
            return numpy_gini_weighted(xv, df["w"].to_numpy()) if a.weighted else numpy_gini_unweighted(xv)
        t, g = best_of(a.repeat, peer)
        print(t, repr(g))
        return
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    binary = a.binary or os.path.join(target, "release", "gini")
    if not os.path.exists(binary):
        raise SystemExit(f"{binary} not found: run cargo build --release first")

    real_data_exactness(binary)
    if a.survey_only:
        survey_comparison(binary, a.repeat, a.laeken_replicates)
        return
    rng = np.random.default_rng(20181)
    x = np.round(np.exp(rng.normal(13.5, 0.75, a.n)))  # whole-rupiah-like money values
    w = rng.uniform(100.0, 1000.0, a.n)
    tmp = tempfile.mkdtemp()
    path = os.path.join(tmp, "values.parquet")
    pl.DataFrame({"x": x, "w": w}).write_parquet(path)
    print(f"n = {a.n:,}; machine: {os.cpu_count()} cores; {numpy_build()}, polars {pl.__version__}")

    # polars + numpy in a fresh process per numpy dispatch (see AVX512_OFF); the faster counts.
    rows = []
    for weighted in (False, True):
        label = "weighted" if weighted else "unweighted"
        t_ours, g_ours = best_of(a.repeat, lambda: run_gini(binary, path, weighted))
        peers = []
        for dispatch, off in (("default", ""), ("AVX-512 off", AVX512_OFF)):
            r = subprocess.run([sys.executable, os.path.abspath(__file__), "--peer-child", path,
                                "--repeat", str(a.repeat)] + (["--weighted"] if weighted else []),
                               env=dict(os.environ, NPY_DISABLE_CPU_FEATURES=off),
                               capture_output=True, text=True, check=True)
            t, g = map(float, r.stdout.split())
            peers.append((t, g, dispatch))
            print(f"  polars + numpy ({label}, numpy dispatch {dispatch}): {t:.3f} s")
        t_np, g_np, _ = min(peers)
        rel = abs(g_ours - g_np) / g_np
        rows.append((label, t_ours, t_np, g_ours, g_np, rel))
    print(f"\n{'gini from Parquet':<22}{'gini (s)':>10}{'polars+numpy (s)':>18}{'ratio':>8}{'rel. diff':>12}")
    for label, t_ours, t_np, g_ours, g_np, rel in rows:
        print(f"{label:<22}{t_ours:>10.3f}{t_np:>18.3f}{t_np / t_ours:>7.2f}x{rel:>12.1e}")

    # Slower peers on a smaller slice of the same values (unweighted unless the peer takes weights).
    m = min(a.slow_peers_n, a.n)
    xs, ws = x[:m].copy(), w[:m].copy()
    small = os.path.join(tmp, "small.parquet")
    pl.DataFrame({"x": xs, "w": ws}).write_parquet(small)
    t_ours_u, g_ours_u = best_of(a.repeat, lambda: run_gini(binary, small, False))
    t_ours_w, g_ours_w = best_of(a.repeat, lambda: run_gini(binary, small, True))
    print(f"\nn = {m:,}: gini unweighted {t_ours_u:.3f} s, weighted {t_ours_w:.3f} s (whole process)")
    try:
        from inequality.gini import Gini
        t, g = best_of(max(1, a.repeat // 2), lambda: Gini(xs).g)
        print(f"  PySAL inequality Gini     {t:8.3f} s  ratio {t / t_ours_u:7.1f}x  rel. diff {abs(g - g_ours_u) / g:.1e}")
    except ImportError:
        print("  PySAL inequality: not installed")
    try:
        import ineqpy
        t, g = best_of(max(1, a.repeat // 2), lambda: ineqpy.inequality.gini(income=xs, weights=ws))
        print(f"  ineqpy gini (weighted)    {t:8.3f} s  ratio {t / t_ours_w:7.1f}x  (its own convention, not the midpoint form: value {g:.6f} vs {g_ours_w:.6f})")
    except Exception as e:  # ineqpy import errors vary across numpy versions
        print(f"  ineqpy: unavailable ({type(e).__name__}: {e})")
    if shutil.which("Rscript"):
        csv = os.path.join(tmp, "small.csv")
        np.savetxt(csv, np.column_stack([xs, ws]), delimiter=",", header="x,w", comments="", fmt="%.17g")
        r = subprocess.run(["Rscript", "-e", f"""
            suppressMessages(library(laeken)); d <- read.csv('{csv}')
            t <- system.time(for (i in 1:3) g <- gini(d$x, d$w))[['elapsed']] / 3
            cat(sprintf('%.6f %.17g\\n', t, g$value / 100))"""], capture_output=True, text=True)
        if r.returncode == 0:
            t, g = map(float, r.stdout.split())
            print(f"  R laeken gini (weighted)  {t:8.3f} s  ratio {t / t_ours_w:7.1f}x  rel. diff {abs(g - g_ours_w) / g:.1e}")
        else:
            print("  R laeken: failed:", r.stderr.strip()[:200])
    else:
        print("  R laeken: Rscript not found")

    rss = peak_rss_of([binary, "compute", path, "--value", "x", "--weight", "w", "--measures", "gini"])
    inputs = 2 * 8 * a.n
    survey_comparison(binary, a.repeat, a.laeken_replicates)
    print(f"\npeak RSS, weighted gini on n = {a.n:,}: {rss / 2**20:.0f} MiB = {rss / inputs:.2f} x the two input columns ({inputs / 2**20:.0f} MiB)")
    shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
