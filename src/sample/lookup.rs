//! Look-ups on a sorted sample: cumulative totals at any position, the first position reaching
//! a cumulative weight, the positive part, and block-ordered sums over a range.

use super::SortedSample;
use crate::kernel::sum::{block_range, block_sums, lane_sums, Compensated};
use crate::kernel::BLOCK;

impl SortedSample {
    /// Cumulative weight and weighted value of all observations before block `b`.
    #[inline]
    pub(crate) fn totals_before_block(&self, b: usize) -> (f64, f64) {
        (self.weight_before_block[b], self.value_before_block[b])
    }

    /// Cumulative weight `C` and weighted value `S` of the observations `0..i` (exclusive),
    /// summed exactly as the block totals are.
    pub fn totals_before(&self, i: usize) -> (f64, f64) {
        if i >= self.len() {
            return (self.total_weight, self.total_value);
        }
        let b = i / BLOCK;
        let (c0, s0) = self.totals_before_block(b);
        let mut c = Compensated::ZERO;
        let mut s = Compensated::ZERO;
        c.add(c0);
        s.add(s0);
        for j in block_range(b, self.len()).start..i {
            let w = self.weight(j);
            c.add(w);
            s.add(w * self.values[j]);
        }
        (c.value(), s.value())
    }

    /// Index of the first observation whose cumulative weight *including itself* reaches
    /// `target` (`C_i ≥ target`), with `C_i` for that index; `None` if `target` exceeds `W`.
    pub(crate) fn first_reaching(&self, target: f64) -> Option<(usize, f64, f64)> {
        if target > self.total_weight {
            return None;
        }
        // The last block whose starting cumulative weight is below the target holds it.
        let b = self
            .weight_before_block
            .partition_point(|&c| c < target)
            .saturating_sub(1);
        let (c0, s0) = self.totals_before_block(b);
        let mut c = Compensated::ZERO;
        let mut s = Compensated::ZERO;
        c.add(c0);
        s.add(s0);
        for j in block_range(b, self.len()) {
            let w = self.weight(j);
            c.add(w);
            s.add(w * self.values[j]);
            if c.value() >= target {
                return Some((j, c.value(), s.value()));
            }
        }
        // Rounding: the target equals W to within the last bits; the last index reaches it.
        let last = self.len() - 1;
        Some((last, self.total_weight, self.total_value))
    }

    /// Index of the first strictly positive value (the sample is sorted, so the non-positive
    /// values are exactly the prefix before it).
    pub fn first_positive(&self) -> usize {
        self.values.partition_point(|&x| x <= 0.0)
    }

    /// Sums of `K` quantities over observations `range`, in fixed blocks aligned to the
    /// range's start; `f(x, w)` gives the terms of one observation.
    pub(crate) fn sums_over<const K: usize, F>(
        &self,
        range: std::ops::Range<usize>,
        f: F,
    ) -> [f64; K]
    where
        F: Fn(f64, f64) -> [f64; K] + Sync + Send,
    {
        let values = &self.values[range.clone()];
        let weights = self.weights.as_ref().map(|w| &w[range]);
        block_sums(values.len(), |r| match weights {
            None => lane_sums(r, |i| f(values[i], 1.0)),
            Some(w) => lane_sums(r, |i| f(values[i], w[i])),
        })
    }
}

impl SortedSample {
    /// Sums of `K` quantities over every observation, `f(i, x, w)` giving the terms of sorted
    /// observation `i` (for terms that also read a per-observation column, such as poverty
    /// lines). Same fixed blocks as [`SortedSample::sums_over`].
    pub(crate) fn sums_indexed<const K: usize, F>(&self, f: F) -> [f64; K]
    where
        F: Fn(usize, f64, f64) -> [f64; K] + Sync + Send,
    {
        let values = &self.values[..];
        let weights = self.weights.as_deref();
        block_sums(values.len(), |r| match weights {
            None => lane_sums(r, |i| f(i, values[i], 1.0)),
            Some(w) => lane_sums(r, |i| f(i, values[i], w[i])),
        })
    }
}
