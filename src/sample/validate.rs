//! Validation of values and weights before sorting: every problem counted, the first named.

use crate::error::{Error, Location, Position, Result};
use rayon::prelude::*;

/// Checks values and weights, reporting the count and the first offending index of each kind.
pub(super) fn validate(values: &[f64], weights: Option<&[f64]>) -> Result<()> {
    if values.is_empty() {
        return Err(Error::Empty {
            location: Location::Argument("values"),
            context: String::new(),
            fix: "pass at least one value".into(),
        });
    }
    if let Some(w) = weights {
        if w.len() != values.len() {
            return Err(Error::LengthMismatch {
                left: "values",
                left_len: values.len(),
                right: "weights",
                right_len: w.len(),
            });
        }
    }
    if let Some((count, first, value)) = find_bad(values, |x| !x.is_finite()) {
        return Err(Error::NonFinite {
            location: Location::Argument("values"),
            count,
            first: Position::Index(first),
            value,
        });
    }
    if let Some(w) = weights {
        if let Some((count, first, value)) = find_bad(w, |x| !x.is_finite()) {
            return Err(Error::NonFinite {
                location: Location::Argument("weights"),
                count,
                first: Position::Index(first),
                value,
            });
        }
        if let Some((count, first, value)) = find_bad(w, |x| x < 0.0) {
            return Err(Error::NegativeWeight {
                location: Location::Argument("weights"),
                count,
                first: Position::Index(first),
                value,
            });
        }
        if w.par_iter().all(|&x| x == 0.0) {
            return Err(Error::ZeroTotalWeight {
                location: Location::Argument("weights"),
                count: w.len(),
                context: String::new(),
            });
        }
    }
    Ok(())
}

/// Checks values and weights as [`validate`] does, in one parallel pass when they are valid
/// (the detailed checks run only to name what is wrong), and returns the largest magnitude of
/// the values and of the weights (0 for unit weights): what the sample's rescaling needs.
pub(super) fn validate_largest(values: &[f64], weights: Option<&[f64]>) -> Result<(f64, f64)> {
    let lengths_match = weights.is_none_or(|w| w.len() == values.len());
    if values.is_empty() || !lengths_match {
        validate(values, weights)?;
    }
    const CHUNK: usize = 1 << 16;
    let (ok, any, big_x, big_w) = match weights {
        None => values
            .par_chunks(CHUNK)
            .map(|c| {
                c.iter()
                    .fold((true, true, 0.0f64, 0.0f64), |(ok, any, bx, bw), &x| {
                        (ok & x.is_finite(), any, bx.max(x.abs()), bw)
                    })
            })
            .reduce(
                || (true, true, 0.0, 0.0),
                |a, b| (a.0 & b.0, a.1 & b.1, a.2.max(b.2), a.3.max(b.3)),
            ),
        Some(w) => values
            .par_chunks(CHUNK)
            .zip(w.par_chunks(CHUNK))
            .map(|(cx, cw)| {
                cx.iter().zip(cw).fold(
                    (true, false, 0.0f64, 0.0f64),
                    |(ok, any, bx, bw), (&x, &wi)| {
                        let valid = x.is_finite() & weight_is_valid(wi);
                        (ok & valid, any | (wi > 0.0), bx.max(x.abs()), bw.max(wi))
                    },
                )
            })
            .reduce(
                || (true, false, 0.0, 0.0),
                |a, b| (a.0 & b.0, a.1 | b.1, a.2.max(b.2), a.3.max(b.3)),
            ),
    };
    if !(ok && any) {
        validate(values, weights)?;
    }
    Ok((big_x, big_w))
}

/// A weight is finite and zero or positive: two comparisons, which NaN fails both, and no
/// branch, so that the loops calling it run in vector registers.
#[inline(always)]
fn weight_is_valid(w: f64) -> bool {
    (0.0..f64::INFINITY).contains(&w)
}

/// Whether `w` holds valid weights — every one finite and zero or positive, not all zero —
/// in one pass: the fast path of a replicate's re-weighting, which calls [`validate`] (to
/// name what is wrong) only when this is false.
pub(super) fn weights_are_valid(w: &[f64]) -> bool {
    // Kept in four lanes so that the loop runs in vector registers: a replicate's weights
    // are checked in a fraction of the time of the pass that sums them.
    let (mut ok, mut any) = ([true; 4], [false; 4]);
    let mut quads = w.chunks_exact(4);
    for q in quads.by_ref() {
        for k in 0..4 {
            ok[k] &= weight_is_valid(q[k]);
            any[k] |= q[k] > 0.0;
        }
    }
    for &x in quads.remainder() {
        ok[0] &= weight_is_valid(x);
        any[0] |= x > 0.0;
    }
    ok.iter().all(|&o| o) && any.iter().any(|&a| a)
}

/// Count, first index and first value of the elements for which `bad` holds.
pub(crate) fn find_bad(x: &[f64], bad: impl Fn(f64) -> bool + Sync) -> Option<(usize, usize, f64)> {
    let first = x.iter().position(|&v| bad(v))?;
    let count = x[first..].iter().filter(|&&v| bad(v)).count();
    Some((count, first, x[first]))
}
