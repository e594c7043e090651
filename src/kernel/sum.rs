//! Compensated (Neumaier) summation and deterministic block-parallel reductions.

use super::BLOCK;
use rayon::prelude::*;

/// A compensated running sum (Kahan–Babuška–Neumaier, with the error of each addition found
/// by TwoSum): the rounding error of every addition is kept in `compensation` and added back
/// at the end, so the error does not grow with the number of terms (it stays a few ulps of
/// the largest partial sum).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Compensated {
    sum: f64,
    compensation: f64,
}

impl Compensated {
    /// An empty sum (zero).
    pub const ZERO: Compensated = Compensated {
        sum: 0.0,
        compensation: 0.0,
    };

    /// Adds one term. The rounding error of `sum + x` is recovered exactly by Knuth's
    /// branch-free TwoSum (six additions, no comparison), so it pipelines and vectorizes.
    #[inline(always)]
    pub fn add(&mut self, x: f64) {
        let t = self.sum + x;
        let z = t - self.sum;
        self.compensation += (self.sum - (t - z)) + (x - z);
        self.sum = t;
    }

    /// Adds another compensated sum (its compensation too).
    #[inline]
    pub fn merge(&mut self, other: Compensated) {
        self.add(other.sum);
        self.compensation += other.compensation;
    }

    /// The compensated value.
    #[inline(always)]
    pub fn value(&self) -> f64 {
        self.sum + self.compensation
    }
}

/// `Σ f(i)` over `range` with four interleaved Neumaier accumulators — four independent
/// dependency chains, so the additions overlap in the pipeline — merged in a fixed order.
/// The order of additions depends only on the range, never on threads.
#[inline(always)]
pub fn lane_sums<const K: usize>(
    range: std::ops::Range<usize>,
    f: impl Fn(usize) -> [f64; K],
) -> [Compensated; K] {
    let mut lanes = [[Compensated::ZERO; K]; 4];
    let mut i = range.start;
    while i + 4 <= range.end {
        for (l, lane) in lanes.iter_mut().enumerate() {
            for (acc, t) in lane.iter_mut().zip(f(i + l)) {
                acc.add(t);
            }
        }
        i += 4;
    }
    for j in i..range.end {
        for (acc, t) in lanes[0].iter_mut().zip(f(j)) {
            acc.add(t);
        }
    }
    let [mut first, rest @ ..] = lanes;
    for lane in rest {
        for (acc, other) in first.iter_mut().zip(lane) {
            acc.merge(other);
        }
    }
    first
}

/// Number of blocks of [`BLOCK`] elements covering `len` elements.
#[inline]
pub fn block_count(len: usize) -> usize {
    len.div_ceil(BLOCK)
}

/// The index range of block `b` within `0..len`.
#[inline]
pub fn block_range(b: usize, len: usize) -> std::ops::Range<usize> {
    let start = b * BLOCK;
    start..(start + BLOCK).min(len)
}

/// Evaluates `f` on every block of `0..len` in parallel and returns the per-block results in
/// block order. The split into blocks depends only on `len`.
pub fn map_blocks<T, F>(len: usize, f: F) -> Vec<T>
where
    T: Send,
    F: Fn(std::ops::Range<usize>) -> T + Sync + Send,
{
    (0..block_count(len))
        .into_par_iter()
        .map(|b| f(block_range(b, len)))
        .collect()
}

/// Sums `K` quantities over `0..len`: `f` returns the `K` compensated partial sums of one
/// block; the partials are merged in block order. Bit-identical for any thread count.
pub fn block_sums<const K: usize, F>(len: usize, f: F) -> [f64; K]
where
    F: Fn(std::ops::Range<usize>) -> [Compensated; K] + Sync + Send,
{
    let partials = map_blocks(len, f);
    let mut total = [Compensated::ZERO; K];
    for block in partials {
        for (t, p) in total.iter_mut().zip(block) {
            t.merge(p);
        }
    }
    total.map(|t| t.value())
}

/// Deterministic compensated sum of a slice.
#[cfg(test)]
pub fn sum(x: &[f64]) -> f64 {
    let [s] = block_sums(x.len(), |r| lane_sums(r, |i| [x[i]]));
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_lane_sums() {
        use super::lane_sums;
        let x = [1e16, 1.0, -1e16, 1.0, 3.0];
        let [s] = lane_sums(0..5, |i| [x[i]]);
        assert_eq!(s.value(), 5.0);
    }

    #[test]
    fn example_sum() {
        use super::sum;
        let x: Vec<f64> = (0..10_000).map(|i| 0.1 * i as f64).collect();
        assert_eq!(sum(&x), 4_999_500.0);
    }

    #[test]
    fn compensated_sum_recovers_lost_bits() {
        // 1 + 1e-16 * 1e6 loses every small term in plain summation.
        let mut c = Compensated::ZERO;
        c.add(1.0);
        for _ in 0..1_000_000 {
            c.add(1e-16);
        }
        assert!((c.value() - (1.0 + 1e-10)).abs() < 1e-22);
    }

    #[test]
    fn block_ranges_cover_everything_once() {
        let len = 3 * BLOCK + 17;
        let mut covered = 0;
        for b in 0..block_count(len) {
            let r = block_range(b, len);
            assert_eq!(r.start, covered);
            covered = r.end;
        }
        assert_eq!(covered, len);
        assert_eq!(block_count(0), 0);
    }
}
