//! Running library calls from Python: without the GIL, with panics turned into exceptions,
//! and — for replicate runs — interruptible with progress reports.
//!
//! Interruption: the work runs on a scoped thread while the calling thread waits in slices of
//! 100 ms; after each slice it takes the GIL briefly to let Python handle signals (the
//! notebook's stop button sends SIGINT) and to report progress. On an interrupt it raises a
//! flag; the replicate tick then answers "stop", the library finishes the replicates already
//! under way and returns, and the scoped thread ends: no thread is left behind.

use crate::convert::error;
use crate::GinikitError;
use ginikit::survey::Tick;
use pyo3::prelude::*;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::Relaxed};
use std::time::Duration;

/// A panic's message.
fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "unknown panic".into())
}

fn internal(payload: &(dyn std::any::Any + Send)) -> PyErr {
    GinikitError::new_err(format!(
        "internal error (a bug in ginikit; please report it with the data that caused it): {}",
        panic_message(payload)
    ))
}

/// Runs `work` without the GIL; library errors and panics become `GinikitError`.
pub fn detached<T: Send>(
    py: Python<'_>,
    work: impl FnOnce() -> ginikit::Result<T> + Send,
) -> PyResult<T> {
    match py.detach(|| catch_unwind(AssertUnwindSafe(work))) {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(error(&e)),
        Err(payload) => Err(internal(&*payload)),
    }
}

/// Runs a replicate computation: `work` gets the tick to call per finished replicate. With
/// `total` > 0 or a `progress` callable, the calling thread polls for signals and calls
/// `progress(done, total)` (total 0: not known ahead) about ten times a second.
pub fn interruptible<T: Send>(
    py: Python<'_>,
    total: usize,
    progress: Option<&Bound<'_, PyAny>>,
    work: impl FnOnce(Tick<'_>) -> ginikit::Result<T> + Send,
) -> PyResult<T> {
    let progress: Option<Py<PyAny>> = progress.map(|p| p.clone().unbind());
    let done = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let tick = || {
        done.fetch_add(1, Relaxed);
        !stop.load(Relaxed)
    };
    let (outcome, interrupt) = py.detach(|| {
        std::thread::scope(|scope| {
            let (sender, receiver) = std::sync::mpsc::channel();
            scope.spawn(move || {
                let result = catch_unwind(AssertUnwindSafe(|| work(&tick)));
                let _ = sender.send(result);
            });
            let mut interrupt: Option<PyErr> = None;
            let mut reported = usize::MAX;
            loop {
                match receiver.recv_timeout(Duration::from_millis(100)) {
                    Ok(result) => return (result, interrupt),
                    Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                        unreachable!("the worker sends its result before it ends")
                    }
                    Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                        Python::attach(|py| {
                            if interrupt.is_none() {
                                if let Err(e) = py.check_signals() {
                                    interrupt = Some(e);
                                    stop.store(true, Relaxed);
                                }
                            }
                            let now = done.load(Relaxed);
                            if let (Some(p), true) = (&progress, now != reported) {
                                reported = now;
                                if let Err(e) = p.call1(py, (now, total)) {
                                    interrupt.get_or_insert(e);
                                    stop.store(true, Relaxed);
                                }
                            }
                        });
                    }
                }
            }
        })
    });
    if let Some(e) = interrupt {
        return Err(e);
    }
    match outcome {
        Ok(Ok(v)) => {
            if let Some(p) = &progress {
                p.call1(py, (done.load(Relaxed), total))?;
            }
            Ok(v)
        }
        Ok(Err(e)) => Err(error(&e)),
        Err(payload) => Err(internal(&*payload)),
    }
}
