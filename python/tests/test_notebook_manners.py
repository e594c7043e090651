"""The GIL is released while Rust computes; a long replicate run stops on KeyboardInterrupt
(the notebook's stop button) part of the way through, leaving no thread behind; progress is
reported. Checks count progress, not wall-clock time, so a loaded machine cannot fail them."""

import signal
import threading
import time

import numpy as np
import pandas as pd
import pytest

import ginikit as gk


def survey(n=4000, psus=40):
    rng = np.random.default_rng(1)
    return pd.DataFrame({
        "x": np.exp(rng.normal(10, 0.8, n)),
        "h": np.arange(n) % 20,
        "p": np.arange(n) % psus,
    })


def test_a_thread_makes_progress_during_a_long_call():
    df = survey(n=40000, psus=400)
    counter = {"n": 0, "stop": False}

    def count():
        while not counter["stop"]:
            counter["n"] += 1
            time.sleep(0.001)

    t = threading.Thread(target=count)
    t.start()
    before = counter["n"]
    start = time.monotonic()
    gk.compute(df, "x", gk.Design(strata="h", psu="p"), measures=["gini"], se="bootstrap", replicates=2000,
               progress=False)
    elapsed = time.monotonic() - start
    during = counter["n"] - before
    counter["stop"] = True
    t.join()
    assert elapsed > 0.05
    # With the GIL held, the counter could not move at all during the call.
    assert during > 0.3 * elapsed / 0.002, (during, elapsed)


def test_keyboard_interrupt_stops_a_long_bootstrap():
    # The interrupt arrives as a signal while the run is in Rust, as the notebook's stop button
    # sends it: the first progress report (the run is then surely under way, however fast or
    # loaded the machine) asks the kernel for an alarm 50 ms later, handled like SIGINT. Python
    # runs the handler only when the waiting thread polls for signals, which is what is tested.
    df = survey()
    threads_before = threading.active_count()
    seen = []

    def progress(done, total):
        seen.append(done)
        if len(seen) == 1:
            signal.setitimer(signal.ITIMER_REAL, 0.05)

    previous = signal.signal(signal.SIGALRM, signal.default_int_handler)
    try:
        with pytest.raises(KeyboardInterrupt):
            gk.compute(df, "x", gk.Design(strata="h", psu="p"), measures=["gini"],
                       se="bootstrap", replicates=100_000, progress=progress)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    # The run stopped part of the way through (progress counts, not wall-clock time).
    assert seen and seen[-1] < 100_000, seen[-1:]
    time.sleep(0.2)
    assert threading.active_count() == threads_before
    # And the next call works.
    assert gk.gini([1.0, 2.0, 3.0, 4.0]) == 0.25


def test_progress_is_reported_for_replicates():
    seen = []
    gk.compute(survey(2000, 200), "x", gk.Design(strata="h", psu="p"), measures=["gini"], se="bootstrap",
               replicates=300, progress=lambda done, total: seen.append((done, total)))
    assert seen, "no progress reported"
    assert seen[-1] == (300, 300)
    assert all(a[0] <= b[0] for a, b in zip(seen, seen[1:]))
