//! [`SortedSample`]: validated values and weights, sorted once, with the block totals every
//! measure needs precomputed.

mod components;
mod lines;
mod lookup;
mod scale;
mod sort;
mod validate;

pub(crate) use components::Formed;
pub use components::{Components, Income, Ranked};
pub use lines::{Domain, PovertyLines};
pub use scale::Scale;

use crate::error::{Error, Result};
use crate::kernel::sum::{map_blocks, Compensated};
use rayon::prelude::*;
use sort::{block_terms, sort_observations, sort_unweighted_slice, sort_weighted_labelled, Sorted};
use std::sync::Arc;
#[cfg(feature = "table")]
pub(crate) use validate::find_bad;
use validate::{validate, validate_largest};

/// Derived results of one sample, shared by its clones (same values and weights).
type Memo = Arc<std::sync::Mutex<Vec<(MemoKey, Arc<dyn std::any::Any + Send + Sync>)>>>;

/// What a memoized result is: a name, a parameter's bits and the address of the group ids
/// it was computed with.
pub(crate) type MemoKey = (&'static str, u64, usize);

impl SortedSample {
    /// `ln x` of every value (NaN for values that are not positive), computed once for the
    /// sample and its re-weighted copies.
    pub(crate) fn log_values(&self) -> &[f64] {
        self.logs
            .get_or_init(|| self.values.iter().map(|x| x.ln()).collect())
    }

    /// The result `make` computes from this sample, computed once per key: terms of one
    /// decomposition evaluated on the same replicate share one split. Errors are not kept.
    pub(crate) fn memo<T: std::any::Any + Send + Sync>(
        &self,
        key: MemoKey,
        make: impl FnOnce() -> Result<T>,
    ) -> Result<Arc<T>> {
        let found = {
            let memo = self.memo.lock().unwrap_or_else(|e| e.into_inner());
            memo.iter()
                .find(|(k, _)| *k == key)
                .and_then(|(_, v)| Arc::clone(v).downcast::<T>().ok())
        };
        if let Some(v) = found {
            return Ok(v);
        }
        let v = Arc::new(make()?);
        let mut memo = self.memo.lock().unwrap_or_else(|e| e.into_inner());
        memo.push((key, Arc::clone(&v) as Arc<dyn std::any::Any + Send + Sync>));
        Ok(v)
    }
}

/// Values sorted ascending (by [`f64::total_cmp`]) with their weights, plus the cumulative
/// weight `C` and cumulative weighted value `S` at the start of every summation block.
///
/// Built once; every measure is then a linear scan (or a binary search) over it, so computing
/// ten measures costs one sort. Unit weights are stored as `None` and never materialised.
///
/// Invariants (checked at construction): values finite; weights finite and non-negative
/// with a positive total; at least one observation.
///
/// Values or weights whose largest magnitude lies beyond 2^±100 (about 1.3e30 and 7.9e-31)
/// are stored multiplied by a power of two that brings them into range (exact; see
/// [`Scale`]), so that rank sums and squares neither overflow nor underflow; poverty lines
/// and components given with them are scaled alike. [`crate::Measure::evaluate`] gives
/// results in the data's own units; the accessors (`values`, `weights`, `mean`, …) give the
/// stored numbers, which for ordinary data are the data themselves ([`SortedSample::scale`]
/// says which).
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
    /// The power of two the values and weights are stored at (identity for ordinary data).
    scale: Scale,
    /// Poverty lines in sorted order, when the sample carries them.
    lines: Option<PovertyLines>,
    /// The domain of a pooled sample that domain-aware measures restrict themselves to.
    domain: Option<Domain>,
    /// Income components in sorted order (transfers, sources), for attribution measures.
    components: Option<Arc<Components>>,
    /// Results derived from these exact values and weights (a decomposition's split, shared
    /// by all its terms), keyed by what was computed; a re-weighted sample starts empty.
    memo: Memo,
    /// `ln x` of every value, made on first use and shared by re-weighted copies (the values
    /// are the same).
    logs: Arc<std::sync::OnceLock<Vec<f64>>>,
    total_weight: f64,
    total_value: f64,
    /// `C` (sum of weights) of all observations before block b.
    weight_before_block: Vec<f64>,
    /// `S` (sum of weight × value) of all observations before block b.
    value_before_block: Vec<f64>,
    rank_sum_midpoint: f64,
    /// `Σ wᵢxᵢ(2Cᵢ − 1)`, formed when first asked for where the block pass left it out.
    rank_sum_convey: std::sync::OnceLock<f64>,
}

impl Drop for SortedSample {
    /// The sorted values are as large as the data: when this is their last owner, the next
    /// sort in this process reuses their memory instead of asking the system for fresh,
    /// zeroed pages. (Replicate samples share the values and own only their weights, which no
    /// sort takes: dropping them touches no shared state.)
    fn drop(&mut self) {
        if let Some(values) = Arc::get_mut(&mut self.values) {
            crate::kernel::memory::give_back(std::mem::take(values));
        }
    }
}

impl SortedSample {
    /// Validates and sorts copies of `values` and optional `weights` (`None`: unit weights).
    ///
    /// # Errors
    /// [`Error::Empty`], [`Error::LengthMismatch`], [`Error::NonFinite`],
    /// [`Error::NegativeWeight`], [`Error::ZeroTotalWeight`].
    pub fn new(values: &[f64], weights: Option<&[f64]>) -> Result<Self> {
        match weights {
            None => Self::from_unweighted_slice(values),
            Some(w) => Self::from_vecs(values.to_vec(), Some(w.to_vec())),
        }
    }

    /// Unit weights from a borrowed slice: one pass checks that every value is finite and
    /// finds the key bits that vary, and the sort's first pass reads the slice itself — no
    /// copy of it is made first (the same sorted sample as [`SortedSample::from_vecs`]).
    fn from_unweighted_slice(values: &[f64]) -> Result<Self> {
        let Some(&x0) = values.first() else {
            return Err(validate(values, None).expect_err("validate refuses an empty slice"));
        };
        let (finite, varying, largest) = scan_unit_values(values, x0);
        if !finite {
            // Names the count and the first of them.
            validate(values, None)?;
        }
        if !Scale::leaves_alone(largest) {
            // Values near the ends of the double range: rescaled in a copy.
            let scale = Scale::from_largest(values, largest, 0.0, &[])?;
            return Ok(Self::sort_scaled(values.to_vec(), None, None, scale));
        }
        Ok(Self::from_sorted_parts(sort_unweighted_slice(
            values, varying,
        )))
    }

    /// As [`SortedSample::new`], taking ownership (no copy of unweighted values).
    pub fn from_vecs(values: Vec<f64>, weights: Option<Vec<f64>>) -> Result<Self> {
        Self::build_beside(values, weights, None, &[])
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
        Self::build_beside(values, weights, Some(labels), &[])
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
        Self::with_labels_beside(values, weights, labels, &[])
    }

    /// As [`SortedSample::with_labels_from_slices`], with the scale chosen together with
    /// `beside`: amounts in the values' units (poverty lines, components) that will be
    /// attached to the sample and rescaled with it, so that none of them leaves the double
    /// range either.
    pub(crate) fn with_labels_beside(
        values: &[f64],
        weights: Option<&[f64]>,
        labels: &[u32],
        beside: &[&[f64]],
    ) -> Result<Self> {
        if labels.len() != values.len() {
            return Err(Error::LengthMismatch {
                left: "values",
                left_len: values.len(),
                right: "labels",
                right_len: labels.len(),
            });
        }
        let Some(w) = weights else {
            return Self::build_beside(values.to_vec(), None, Some(labels.to_vec()), beside);
        };
        let (largest_value, largest_weight) = validate_largest(values, Some(w))?;
        let scale = Scale::from_largest(values, largest_value, largest_weight, beside)?;
        if !scale.is_identity() {
            // Rescaled in copies; ordinary data are sorted straight from the slices.
            let (values, w, labels) = (values.to_vec(), w.to_vec(), labels.to_vec());
            return Ok(Self::sort_scaled(values, Some(w), Some(labels), scale));
        }
        Ok(Self::from_sorted_parts(sort_weighted_labelled(
            values, w, labels,
        )))
    }

    /// Validates, rescales (when the values or weights lie near the ends of the double
    /// range; the scale chosen with the amounts `beside` them) and sorts owned columns.
    pub(crate) fn build_beside(
        values: Vec<f64>,
        weights: Option<Vec<f64>>,
        labels: Option<Vec<u32>>,
        beside: &[&[f64]],
    ) -> Result<Self> {
        let (largest_value, largest_weight) = validate_largest(&values, weights.as_deref())?;
        let scale = Scale::from_largest(&values, largest_value, largest_weight, beside)?;
        Ok(Self::sort_scaled(values, weights, labels, scale))
    }

    /// Validated owned columns brought to `scale` and sorted: the sample stored at it.
    fn sort_scaled(
        mut values: Vec<f64>,
        mut weights: Option<Vec<f64>>,
        labels: Option<Vec<u32>>,
        scale: Scale,
    ) -> Self {
        scale.apply(&mut values, weights.as_deref_mut());
        let mut sample = Self::from_sorted_parts(sort_observations(values, weights, labels));
        sample.scale = scale;
        sample
    }

    /// The power of two the values and weights are stored at: identity for ordinary data.
    /// Money results on the stored numbers come back to the data's units with
    /// [`Scale::money_back`], sums of weights with [`Scale::persons_back`];
    /// [`crate::Measure::evaluate`] does so itself.
    ///
    /// ```
    /// use ginikit::{Measure, SortedSample, measure::Options};
    /// let s = SortedSample::new(&[1e306, 2e307, 5e306], None).unwrap();
    /// assert!(!s.scale().is_identity());
    /// let mean = Measure::parse("mean").unwrap().evaluate(&s, &Options::default()).unwrap();
    /// assert!((mean.value / (2.6e307 / 3.0) - 1.0).abs() < 1e-15);
    /// assert!(SortedSample::new(&[1.0, 2.0], None).unwrap().scale().is_identity());
    /// ```
    pub fn scale(&self) -> Scale {
        self.scale
    }

    /// The sample of sorted columns, with their block totals as the sort formed them or
    /// formed now.
    fn from_sorted_parts((values, weights, labels, partials): Sorted) -> Self {
        let mut sample = Self::unfinished(Arc::new(values), weights, labels.map(Arc::new));
        match partials {
            Some(p) => sample.set_totals(p, true),
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
            scale: Scale::default(),
            lines: None,
            domain: None,
            components: None,
            memo: Memo::default(),
            logs: Arc::default(),
            total_weight: 0.0,
            total_value: 0.0,
            weight_before_block: Vec::new(),
            value_before_block: Vec::new(),
            rank_sum_midpoint: 0.0,
            rank_sum_convey: std::sync::OnceLock::new(),
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
        let per_block = map_blocks(self.len(), |r| {
            block_terms(&x[r.clone()], w.map(|w| &w[r]), false)
        });
        self.set_totals(per_block, false);
    }

    /// Forms the block offsets and sample totals from the per-block terms of
    /// [`block_terms`], in block order; the convey rank sum too when `convey` says the terms
    /// hold it (they always do for unit weights).
    fn set_totals(&mut self, per_block: Vec<[Compensated; 4]>, convey: bool) {
        let (mut c, mut s) = (Compensated::ZERO, Compensated::ZERO);
        let mut rank_mid = Compensated::ZERO;
        self.weight_before_block = Vec::with_capacity(per_block.len());
        self.value_before_block = Vec::with_capacity(per_block.len());
        for [w, wx, mid, _] in &per_block {
            let c0 = c.value();
            self.weight_before_block.push(c0);
            self.value_before_block.push(s.value());
            rank_mid.merge(*mid);
            rank_mid.add(2.0 * c0 * wx.value());
            c.merge(*w);
            s.merge(*wx);
        }
        self.total_weight = c.value();
        self.total_value = s.value();
        self.rank_sum_midpoint = rank_mid.value();
        if convey || self.weights.is_none() {
            self.rank_sum_convey = self.convey_from_terms(&per_block).into();
        }
    }

    /// `Σ wᵢxᵢ(2Cᵢ − 1)` from the per-block terms: each block's own sum plus `2C₀·Σwx`, with
    /// `C₀` the weight before the block.
    fn convey_from_terms(&self, per_block: &[[Compensated; 4]]) -> f64 {
        let mut rank_convey = Compensated::ZERO;
        for ([_, wx, _, convey], c0) in per_block.iter().zip(&self.weight_before_block) {
            rank_convey.merge(*convey);
            rank_convey.add(2.0 * c0 * wx.value());
        }
        rank_convey.value()
    }

    /// `Σ wᵢxᵢ(2Cᵢ − wᵢ)` (values ascending, `Cᵢ` cumulative weight including i): the
    /// midpoint Gini's numerator.
    pub(crate) fn rank_sum_midpoint(&self) -> f64 {
        self.rank_sum_midpoint
    }

    /// `Σ wᵢxᵢ(2Cᵢ − 1)`: R convey's Gini numerator.
    pub(crate) fn rank_sum_convey(&self) -> f64 {
        *self.rank_sum_convey.get_or_init(|| {
            let x = &self.values;
            let w = self.weights.as_deref();
            let per_block = map_blocks(self.len(), |r| {
                block_terms(&x[r.clone()], w.map(|w| &w[r]), true)
            });
            self.convey_from_terms(&per_block)
        })
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
        // The values are this sample's own, checked when it was made; the new weights are
        // checked in one pass, and named by the full check only when something is wrong.
        if weights.len() != self.values.len() || !validate::weights_are_valid(&weights) {
            validate(&self.values, Some(&weights))?;
        }
        let mut sample =
            Self::from_sorted(Arc::clone(&self.values), Some(weights), self.labels.clone());
        sample.scale = self.scale;
        sample.lines = self.lines.clone();
        sample.domain = self.domain.clone();
        sample.components = self.components.clone();
        sample.logs = Arc::clone(&self.logs);
        Ok(sample)
    }

    /// Observations already in ascending order (an income derived from a sample's own, in
    /// its own order): weights checked, block totals formed, no sort.
    pub(crate) fn presorted(values: Arc<Vec<f64>>, weights: Option<Vec<f64>>) -> Result<Self> {
        validate(&values, weights.as_deref())?;
        debug_assert!(values.windows(2).all(|p| p[0] <= p[1]));
        Ok(Self::from_sorted(values, weights, None))
    }

    /// Number of observations (rows), zero-weight ones included.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Always false: a sample has at least one observation.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The shared sorted values themselves: replicate samples hold the same allocation, so
    /// a cache keyed by it (compared with `Arc::ptr_eq`, holding a clone) can never confuse
    /// another sample's values that happen to reuse the address.
    pub(crate) fn shared_values(&self) -> &Arc<Vec<f64>> {
        &self.values
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
}

/// One pass over unit-weight values: whether all are finite, the sort-key bits that vary
/// (a superset, see below) and the largest magnitude.
///
/// Written so that it vectorizes: four independent lanes of plain bit and compare
/// operations, with no chain through `f64::max`'s NaN handling (NaN is caught by the
/// finiteness test instead). The key bits are those of `x.to_bits() ^ x0.to_bits()`: with one
/// sign throughout they are exactly the bits in which the sort keys differ; when signs are
/// mixed all 63 bits below the sign are added, which only asks the sort to look at bits it
/// would otherwise have skipped.
// `a - a != 0.0` is the finiteness test itself, written so that it vectorizes.
#[allow(clippy::eq_op)]
fn scan_unit_values(values: &[f64], x0: f64) -> (bool, u64, f64) {
    const MAGNITUDE: u64 = !(1 << 63);
    let first = x0.to_bits();
    let (finite, bits, largest) = values
        .par_chunks(1 << 16)
        .map(|c| {
            let mut bits = [0u64; 4];
            let mut largest = [0.0f64; 4];
            let mut bad = [false; 4];
            let quads = c.chunks_exact(4);
            let tail = quads.remainder();
            for q in quads {
                for l in 0..4 {
                    let b = q[l].to_bits();
                    bits[l] |= b ^ first;
                    let a = f64::from_bits(b & MAGNITUDE);
                    // Infinity and NaN are the only values whose difference from themselves
                    // is not zero.
                    bad[l] |= a - a != 0.0;
                    largest[l] = if a > largest[l] { a } else { largest[l] };
                }
            }
            for &x in tail {
                let a = x.abs();
                bits[0] |= x.to_bits() ^ first;
                bad[0] |= a - a != 0.0;
                largest[0] = if a > largest[0] { a } else { largest[0] };
            }
            (
                !bad.iter().any(|&b| b),
                bits.iter().fold(0, |acc, b| acc | b),
                largest.iter().fold(0.0f64, |acc, &a| acc.max(a)),
            )
        })
        .reduce(
            || (true, 0, 0.0),
            |a, b| (a.0 & b.0, a.1 | b.1, a.2.max(b.2)),
        );
    let varying = if bits >> 63 == 1 {
        bits | MAGNITUDE
    } else {
        bits
    };
    (finite, varying, largest)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Position;

    /// The scan against its definition: the sort keys' differing bits (exactly, with one
    /// sign; a superset reaching the sign bit, with mixed signs), finiteness wherever the bad
    /// value sits in the lanes or the tail, and the largest magnitude.
    #[test]
    fn unit_value_scan_matches_its_definition() {
        use crate::kernel::sort::f64_key;
        let exact = |x: &[f64]| x.iter().fold(0, |a, v| a | (f64_key(*v) ^ f64_key(x[0])));
        let positive: Vec<f64> = (0..1_003)
            .map(|i| 1.0 + (i * 37 % 1_000) as f64 * 0.25)
            .collect();
        assert_eq!(
            scan_unit_values(&positive, positive[0]),
            (true, exact(&positive), 250.75)
        );
        let negative: Vec<f64> = positive.iter().map(|v| -v).collect();
        assert_eq!(
            scan_unit_values(&negative, negative[0]),
            (true, exact(&negative), 250.75)
        );
        for mixed in [
            vec![0.0, -0.0, 0.0, 0.0, 0.0],
            vec![3.0, -2.0, 1.0, 7.5, -9.0, 4.0],
        ] {
            let (finite, varying, largest) = scan_unit_values(&mixed, mixed[0]);
            assert!(finite);
            assert_eq!(
                varying & exact(&mixed),
                exact(&mixed),
                "a superset: {mixed:?}"
            );
            assert_eq!(varying >> 63, 1);
            let big = mixed.iter().fold(0.0f64, |a, v| a.max(v.abs()));
            assert_eq!(largest, big);
        }
        for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            for at in [0, 1, 2, 3, 5, 1_000, 1_002] {
                let mut x = positive.clone();
                x[at] = bad;
                assert!(!scan_unit_values(&x, x[0]).0, "{bad} at {at}");
            }
        }
        assert_eq!(scan_unit_values(&[5.0], 5.0), (true, 0, 5.0));
    }

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
