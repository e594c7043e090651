"""A progress bar for long replicate runs: tqdm when it is installed, otherwise a line on
stderr; shown only once a run has taken more than a second."""

from __future__ import annotations

import sys
import time


class Progress:
    """Called from Rust with (done, total) about ten times a second; total 0 means unknown."""

    def __init__(self, enabled: bool = True, delay: float = 1.0):
        self.enabled = enabled
        self.delay = delay
        self.start = time.monotonic()
        self.bar = None

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or done == 0 or time.monotonic() - self.start < self.delay:
            return
        if self.bar is None:
            try:
                from tqdm.auto import tqdm

                self.bar = tqdm(total=total or None, desc="standard errors", unit="replicate")
            except ImportError:
                self.bar = False
        if self.bar is not False:
            self.bar.update(done - self.bar.n)
            if total and done >= total:
                self.bar.close()
        else:
            end = "\n" if total and done >= total else "\r"
            of = f"/{total}" if total else ""
            sys.stderr.write(f"standard errors: {done}{of} replicates{end}")
            sys.stderr.flush()
