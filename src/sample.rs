//! [`SortedSample`]: validated values and weights, sorted once, with the block totals every
//! measure needs precomputed.

use crate::error::{Error, Location, Position, Result};
use crate::kernel::memory::huge_vec;
use crate::kernel::sort::{f64_key, sort_by_key, sort_by_key_with};
use crate::kernel::sum::{block_range, block_sums, lane_sums, map_blocks, Compensated};
use crate::kernel::BLOCK;
use rayon::prelude::*;
use std::sync::Arc;

/// Values sorted ascending (by [`f64::total_cmp`]) with their weights, plus the cumulative
/// weight `C` and cumulative weighted value `S` at the start of every summation block.
///
/// Built once; every measure is then a linear scan (or a binary search) over it, so computing
/// ten measures costs one sort. Unit weights are stored as `None` and never materialised.
///
/// Invariants (checked at construction): values finite; weights finite and non-negative
/// with a positive total; at least one observation.
///
/// ```
/// use ginikit::SortedSample;
/// let s = SortedSample::new(&[3.0, 1.0, 2.0], Some(&[1.0, 2.0, 1.0])).unwrap();
/// assert_eq!(s.values(), &[1.0, 2.0, 3.0]);
/// assert_eq!(s.weights(), Some(&[2.0, 1.0, 1.0][..]));
/// assert_eq!(s.total_weight(), 4.0);
/// assert_eq!(s.mean(), 7.0 / 4.0);
/// ```
#[derive(Debug, Clone)]
pub struct SortedSample {
    // Shared so that replicate samples (same order, other weights) cost no copy.
    values: Arc<Vec<f64>>,
    weights: Option<Vec<f64>>,
    labels: Option<Arc<Vec<u32>>>,
    total_weight: f64,
    total_value: f64,
    /// `C` (sum of weights) of all observations before block b.
    weight_before_block: Vec<f64>,
    /// `S` (sum of weight × value) of all observations before block b.
    value_before_block: Vec<f64>,
    rank_sum_midpoint: f64,
    rank_sum_convey: f64,
}

impl SortedSample {
    /// Validates and sorts copies of `values` and optional `weights` (`None`: unit weights).
    ///
    /// # Errors
    /// [`Error::Empty`], [`Error::LengthMismatch`], [`Error::NonFinite`],
    /// [`Error::NegativeWeight`], [`Error::ZeroTotalWeight`].
    pub fn new(values: &[f64], weights: Option<&[f64]>) -> Result<Self> {
        Self::from_vecs(values.to_vec(), weights.map(<[f64]>::to_vec))
    }

    /// As [`SortedSample::new`], taking ownership (no copy of unweighted values).
    pub fn from_vecs(values: Vec<f64>, weights: Option<Vec<f64>>) -> Result<Self> {
        Self::build(values, weights, None)
    }

    /// As [`SortedSample::from_vecs`], carrying a `u32` label per observation (a cluster or
    /// row index) through the sort, so that survey designs can map each sorted observation
    /// back to its primary sampling unit.
    pub fn with_labels(
        values: Vec<f64>,
        weights: Option<Vec<f64>>,
        labels: Vec<u32>,
    ) -> Result<Self> {
        if labels.len() != values.len() {
            return Err(Error::LengthMismatch {
                left: "values",
                left_len: values.len(),
                right: "labels",
                right_len: labels.len(),
            });
        }
        Self::build(values, weights, Some(labels))
    }

    /// As [`SortedSample::with_labels`], from borrowed slices (no copies of the inputs are
    /// made besides the sorted columns).
    ///
    /// ```
    /// use ginikit::SortedSample;
    /// let s = SortedSample::with_labels_from_slices(&[3.0, 1.0], Some(&[1.0, 2.0]), &[7, 9]).unwrap();
    /// assert_eq!((s.values(), s.labels()), (&[1.0, 3.0][..], Some(&[9, 7][..])));
    /// ```
    pub fn with_labels_from_slices(
        values: &[f64],
        weights: Option<&[f64]>,
        labels: &[u32],
    ) -> Result<Self> {
        let Some(w) = weights else {
            return Self::with_labels(values.to_vec(), None, labels.to_vec());
        };
        if labels.len() != values.len() {
            return Err(Error::LengthMismatch {
                left: "values",
                left_len: values.len(),
                right: "labels",
                right_len: labels.len(),
            });
        }
        validate(values, Some(w))?;
        Ok(Self::from_sorted_parts(sort_weighted_labelled(
            values, w, labels,
        )))
    }

    fn build(
        values: Vec<f64>,
        weights: Option<Vec<f64>>,
        labels: Option<Vec<u32>>,
    ) -> Result<Self> {
        validate(&values, weights.as_deref())?;
        Ok(Self::from_sorted_parts(sort_observations(
            values, weights, labels,
        )))
    }

    /// The sample of sorted columns, with their block totals as the sort formed them or
    /// formed now.
    fn from_sorted_parts((values, weights, labels, partials): Sorted) -> Self {
        let mut sample = Self::unfinished(Arc::new(values), weights, labels.map(Arc::new));
        match partials {
            Some(p) => sample.set_totals(p),
            None => sample.precompute_block_totals(),
        }
        sample
    }

    /// Wraps already sorted, validated observations and forms their block totals.
    fn from_sorted(
        values: Arc<Vec<f64>>,
        weights: Option<Vec<f64>>,
        labels: Option<Arc<Vec<u32>>>,
    ) -> Self {
        let mut sample = Self::unfinished(values, weights, labels);
        sample.precompute_block_totals();
        sample
    }

    /// Sorted observations whose totals are still to be set.
    fn unfinished(
        values: Arc<Vec<f64>>,
        weights: Option<Vec<f64>>,
        labels: Option<Arc<Vec<u32>>>,
    ) -> Self {
        SortedSample {
            values,
            weights,
            labels,
            total_weight: 0.0,
            total_value: 0.0,
            weight_before_block: Vec::new(),
            value_before_block: Vec::new(),
            rank_sum_midpoint: 0.0,
            rank_sum_convey: 0.0,
        }
    }

    /// One pass over the sorted data: per block Σw, Σwx and the two rank-weighted sums the
    /// Gini needs, `Σ wx(2Lᵢ − wᵢ)` and `Σ wx(2Lᵢ − 1)` with `Lᵢ` the running weight inside
    /// the block. With `C₀` the weight before the block, `Cᵢ = C₀ + Lᵢ`, so the sample-wide
    /// `Σ wx(2Cᵢ − r) = Σ_blocks [2C₀·Σwx + Σ wx(2Lᵢ − r)]` comes out of the same pass: the
    /// Gini then costs no further scan of the data (the scans are memory-bound).
    fn precompute_block_totals(&mut self) {
        let x = &self.values;
        let w = self.weights.as_deref();
        let per_block = map_blocks(self.len(), |r| block_terms(&x[r.clone()], w.map(|w| &w[r])));
        self.set_totals(per_block);
    }

    /// Forms the block offsets and sample totals from the per-block terms of
    /// [`block_terms`], in block order.
    fn set_totals(&mut self, per_block: Vec<[Compensated; 4]>) {
        let (mut c, mut s) = (Compensated::ZERO, Compensated::ZERO);
        let (mut rank_mid, mut rank_convey) = (Compensated::ZERO, Compensated::ZERO);
        self.weight_before_block = Vec::with_capacity(per_block.len());
        self.value_before_block = Vec::with_capacity(per_block.len());
        for [w, wx, mid, convey] in per_block {
            let c0 = c.value();
            self.weight_before_block.push(c0);
            self.value_before_block.push(s.value());
            let shift = 2.0 * c0 * wx.value();
            rank_mid.merge(mid);
            rank_mid.add(shift);
            rank_convey.merge(convey);
            rank_convey.add(shift);
            c.merge(w);
            s.merge(wx);
        }
        self.total_weight = c.value();
        self.total_value = s.value();
        self.rank_sum_midpoint = rank_mid.value();
        self.rank_sum_convey = rank_convey.value();
    }

    /// `Σ wᵢxᵢ(2Cᵢ − wᵢ)` (values ascending, `Cᵢ` cumulative weight including i): the
    /// midpoint Gini's numerator.
    pub(crate) fn rank_sum_midpoint(&self) -> f64 {
        self.rank_sum_midpoint
    }

    /// `Σ wᵢxᵢ(2Cᵢ − 1)`: R convey's Gini numerator.
    pub(crate) fn rank_sum_convey(&self) -> f64 {
        self.rank_sum_convey
    }

    /// The same observations in the same sorted order with other weights (a replicate of a
    /// survey design, a domain with zero weights outside it): no sort, one pass for the block
    /// totals. `weights[i]` belongs to sorted position `i`.
    ///
    /// # Errors
    /// Length mismatch; non-finite or negative weights; an all-zero total.
    ///
    /// ```
    /// use ginikit::SortedSample;
    /// let s = SortedSample::new(&[3.0, 1.0, 2.0], None).unwrap();
    /// let r = s.reweighted(vec![0.0, 2.0, 1.0]).unwrap();
    /// assert_eq!(r.values(), &[1.0, 2.0, 3.0]);
    /// assert_eq!(r.mean(), 7.0 / 3.0);
    /// ```
    pub fn reweighted(&self, weights: Vec<f64>) -> Result<Self> {
        validate(&self.values, Some(&weights))?;
        Ok(Self::from_sorted(
            Arc::clone(&self.values),
            Some(weights),
            self.labels.clone(),
        ))
    }

    /// Number of observations (rows), zero-weight ones included.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Always false: a sample has at least one observation.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The values, ascending.
    pub fn values(&self) -> &[f64] {
        &self.values
    }

    /// The weights in the values' order; `None` for unit weights.
    pub fn weights(&self) -> Option<&[f64]> {
        self.weights.as_deref()
    }

    /// The labels in the values' order, when built with [`SortedSample::with_labels`].
    pub fn labels(&self) -> Option<&[u32]> {
        self.labels.as_ref().map(|l| l.as_slice())
    }

    /// Weight of observation `i` (sorted position).
    #[inline(always)]
    pub fn weight(&self, i: usize) -> f64 {
        match &self.weights {
            None => 1.0,
            Some(w) => w[i],
        }
    }

    /// `W = Σ wᵢ`.
    pub fn total_weight(&self) -> f64 {
        self.total_weight
    }

    /// `Σ wᵢ xᵢ`.
    pub fn total_value(&self) -> f64 {
        self.total_value
    }

    /// Weighted mean `Σ wᵢ xᵢ / Σ wᵢ`.
    pub fn mean(&self) -> f64 {
        self.total_value / self.total_weight
    }

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

/// Checks values and weights, reporting the count and the first offending index of each kind.
fn validate(values: &[f64], weights: Option<&[f64]>) -> Result<()> {
    if values.is_empty() {
        return Err(Error::Empty {
            location: Location::Argument("values"),
            context: String::new(),
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

/// The terms one block contributes: Σw, Σwx, `Σ wx(2Lᵢ − wᵢ)` and `Σ wx(2Lᵢ − 1)`, with `Lᵢ`
/// the running weight inside the block (see `SortedSample::precompute_block_totals`).
fn block_terms(x: &[f64], w: Option<&[f64]>) -> [Compensated; 4] {
    match w {
        None => {
            // Lᵢ = i + 1 exactly; 2Lᵢ − wᵢ = 2Lᵢ − 1.
            let mut total_w = Compensated::ZERO;
            total_w.add(x.len() as f64);
            let [wx, ranked] = lane_sums(0..x.len(), |i| [x[i], x[i] * (2 * i + 1) as f64]);
            [total_w, wx, ranked, ranked]
        }
        Some(w) => {
            // Lᵢ by a plain running sum of at most 4,096 weights: its rounding stays far
            // below one ulp of Cᵢ.
            let mut local = [0.0f64; BLOCK];
            let mut running = 0.0;
            for (l, &wi) in local.iter_mut().zip(w) {
                running += wi;
                *l = running;
            }
            lane_sums(0..x.len(), |i| {
                let (wi, wx) = (w[i], w[i] * x[i]);
                let two_l = 2.0 * local[i];
                [wi, wx, wx * (two_l - wi), wx * (two_l - 1.0)]
            })
        }
    }
}

/// Block terms of a run `piece` of sorted unit-weight values starting at position `start`,
/// split at block boundaries: `(block, terms)` for each block the run touches. Terms as in
/// [`block_terms`]: the count, Σx and `Σ x(2Lᵢ − 1)` with `Lᵢ` the position in the block + 1.
fn unweighted_piece_terms(start: usize, piece: &[f64]) -> Vec<(usize, [Compensated; 4])> {
    let mut out = Vec::new();
    let mut i = start;
    let end = start + piece.len();
    while i < end {
        let b = i / BLOCK;
        let stop = ((b + 1) * BLOCK).min(end);
        let part = &piece[i - start..stop - start];
        let offset = i - b * BLOCK;
        let mut count = Compensated::ZERO;
        count.add(part.len() as f64);
        let [wx, ranked] = lane_sums(0..part.len(), |k| {
            [part[k], part[k] * (2 * (offset + k) + 1) as f64]
        });
        out.push((b, [count, wx, ranked, ranked]));
        i = stop;
    }
    out
}

/// Merges run pieces (in output order) into one set of terms per block.
fn assemble_block_terms(
    pieces: Vec<Vec<(usize, [Compensated; 4])>>,
    n: usize,
) -> Vec<[Compensated; 4]> {
    let mut blocks = vec![[Compensated::ZERO; 4]; n.div_ceil(BLOCK)];
    for (b, terms) in pieces.into_iter().flatten() {
        for (acc, t) in blocks[b].iter_mut().zip(terms) {
            acc.merge(t);
        }
    }
    blocks
}

/// Count, first index and first value of the elements for which `bad` holds.
pub(crate) fn find_bad(x: &[f64], bad: impl Fn(f64) -> bool + Sync) -> Option<(usize, usize, f64)> {
    let first = x.iter().position(|&v| bad(v))?;
    let count = x[first..].iter().filter(|&&v| bad(v)).count();
    Some((count, first, x[first]))
}

/// Sorted values, weights and labels, and the block terms when the sort already formed them.
type Sorted = (
    Vec<f64>,
    Option<Vec<f64>>,
    Option<Vec<u32>>,
    Option<Vec<[Compensated; 4]>>,
);

/// A chunk of `MaybeUninit<f64>` that has been fully written, as `&[f64]`.
///
/// # Safety
/// Every element must have been initialised.
unsafe fn assume_init(chunk: &[std::mem::MaybeUninit<f64>]) -> &[f64] {
    // SAFETY: MaybeUninit<f64> has the layout of f64, and the caller guarantees
    // initialisation.
    unsafe { &*(chunk as *const [std::mem::MaybeUninit<f64>] as *const [f64]) }
}

/// Sorts (value, weight, label) records by value, then splits them into columns, forming the
/// block totals on the way (sequential writes, no gathers by position).
fn sort_weighted_labelled(values: &[f64], w: &[f64], l: &[u32]) -> Sorted {
    let n = values.len();
    let mut triples: Vec<(f64, f64, u32)> = huge_vec(n);
    values
        .par_iter()
        .zip(w.par_iter())
        .zip(l.par_iter())
        .map(|((&x, &wi), &li)| (x, wi, li))
        .collect_into_vec(&mut triples);
    sort_by_key(&mut triples, |t| f64_key(t.0));
    let (v, ws, partials) = split_weighted(&triples, |t| (t.0, t.1));
    let mut ls = Vec::new();
    triples.par_iter().map(|t| t.2).collect_into_vec(&mut ls);
    (v, Some(ws), Some(ls), Some(partials))
}

/// Splits sorted records into value and weight columns and, in the same pass while each
/// block is in cache, forms the block terms: no second pass over the data.
fn split_weighted<R: Sync>(
    records: &[R],
    parts: impl Fn(&R) -> (f64, f64) + Sync,
) -> (Vec<f64>, Vec<f64>, Vec<[Compensated; 4]>) {
    let n = records.len();
    let (mut v, mut w): (Vec<f64>, Vec<f64>) = (huge_vec(n), huge_vec(n));
    let partials: Vec<[Compensated; 4]> = v.spare_capacity_mut()[..n]
        .par_chunks_mut(BLOCK)
        .zip(w.spare_capacity_mut()[..n].par_chunks_mut(BLOCK))
        .zip(records.par_chunks(BLOCK))
        .map(|((vb, wb), rb)| {
            // Equal chunk lengths: every element of both chunks is written below.
            debug_assert!(vb.len() == rb.len() && wb.len() == rb.len());
            for ((vi, wi), r) in vb.iter_mut().zip(wb.iter_mut()).zip(rb) {
                let (x, weight) = parts(r);
                vi.write(x);
                wi.write(weight);
            }
            // SAFETY: every element of both chunks was written just above.
            let (vb, wb) = unsafe { (assume_init(vb), assume_init(wb)) };
            block_terms(vb, Some(wb))
        })
        .collect();
    // SAFETY: the chunks above cover 0..n of both buffers and were all written.
    unsafe {
        v.set_len(n);
        w.set_len(n);
    }
    (v, w, partials)
}

/// One sort, carrying weights and labels with the values.
fn sort_observations(
    values: Vec<f64>,
    weights: Option<Vec<f64>>,
    labels: Option<Vec<u32>>,
) -> Sorted {
    match (weights, labels) {
        (None, None) => {
            // The sort hands over each finished bucket while it is in cache: its block terms
            // are formed there, and no pass over the data follows the sort.
            let mut v = values;
            let n = v.len();
            let pieces = sort_by_key_with(&mut v, |x| f64_key(*x), unweighted_piece_terms);
            (v, None, None, pieces.map(|p| assemble_block_terms(p, n)))
        }
        (Some(w), None) => {
            // Building and splitting the pairs in parallel also spreads the first touch of
            // the fresh pages (and their zeroing by the kernel) over the cores.
            let mut pairs: Vec<(f64, f64)> = huge_vec(values.len());
            values
                .par_iter()
                .copied()
                .zip(w.par_iter().copied())
                .collect_into_vec(&mut pairs);
            drop((values, w));
            sort_by_key(&mut pairs, |p| f64_key(p.0));
            let (v, w, partials) = split_weighted(&pairs, |p| *p);
            (v, Some(w), None, Some(partials))
        }
        (Some(w), Some(l)) => sort_weighted_labelled(&values, &w, &l),
        (None, Some(l)) => {
            // Unit weights: sort (value, label) pairs.
            let mut pairs: Vec<(f64, u32)> = Vec::new();
            values
                .par_iter()
                .copied()
                .zip(l.par_iter().copied())
                .collect_into_vec(&mut pairs);
            drop((values, l));
            sort_by_key(&mut pairs, |p| f64_key(p.0));
            let (mut v, mut ls) = (Vec::new(), Vec::new());
            pairs.par_iter().map(|p| p.0).collect_into_vec(&mut v);
            pairs.par_iter().map(|p| p.1).collect_into_vec(&mut ls);
            (v, None, Some(ls), None)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_before_matches_direct_sums() {
        let x: Vec<f64> = (0..10_000).map(|i| ((i * 7919) % 1000) as f64).collect();
        let w: Vec<f64> = (0..10_000).map(|i| 1.0 + (i % 3) as f64).collect();
        let s = SortedSample::new(&x, Some(&w)).expect("valid test input");
        for i in [0, 1, 4095, 4096, 4097, 9999, 10_000] {
            let (c, v) = s.totals_before(i);
            let wc: f64 = s.weights().expect("valid test input")[..i].iter().sum();
            let vc: f64 = s.values()[..i]
                .iter()
                .zip(&s.weights().expect("valid test input")[..i])
                .map(|(a, b)| a * b)
                .sum();
            assert!((c - wc).abs() <= 1e-9 * wc.max(1.0));
            assert!((v - vc).abs() <= 1e-9 * vc.max(1.0));
        }
    }

    #[test]
    fn labels_travel_with_values() {
        let s = SortedSample::with_labels(
            vec![3.0, 1.0, 2.0],
            Some(vec![1.0, 2.0, 3.0]),
            vec![30, 10, 20],
        )
        .expect("valid test input");
        assert_eq!(s.labels(), Some(&[10, 20, 30][..]));
        assert_eq!(s.weights(), Some(&[2.0, 3.0, 1.0][..]));
    }

    #[test]
    fn rejects_bad_input_with_first_index() {
        let e = SortedSample::new(&[1.0, f64::NAN, 2.0, f64::INFINITY], None).unwrap_err();
        assert!(matches!(
            e,
            Error::NonFinite {
                count: 2,
                first: Position::Index(1),
                ..
            }
        ));
        let e = SortedSample::new(&[1.0, 2.0], Some(&[1.0, -1.0])).unwrap_err();
        assert!(matches!(
            e,
            Error::NegativeWeight {
                count: 1,
                first: Position::Index(1),
                ..
            }
        ));
        let e = SortedSample::new(&[1.0, 2.0], Some(&[0.0, 0.0])).unwrap_err();
        assert!(matches!(e, Error::ZeroTotalWeight { count: 2, .. }));
        let e = SortedSample::new(&[], None).unwrap_err();
        assert!(matches!(e, Error::Empty { .. }));
        let e = SortedSample::new(&[1.0], Some(&[1.0, 2.0])).unwrap_err();
        assert!(matches!(e, Error::LengthMismatch { .. }));
    }
}
