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
///
/// Lane `l` takes the terms `f(start + 4j + l)`, the last `len mod 4` terms go to lane 0,
/// and the lanes are merged as `((lane0 + lane1) + lane2) + lane3`. On x86-64 the lanes sit
/// side by side in one AVX register (two SSE2 registers where the processor has no AVX);
/// every lane still makes the very same IEEE operations in the same order, so the sums are
/// bit-identical to the scalar form, which other targets use.
///
/// ```
/// use ginikit::internals::lane_sums;
/// let x = [1e16, 1.0, -1e16, 1.0, 3.0];
/// let [s, twice] = lane_sums(0..5, |i| [x[i], 2.0 * x[i]]);
/// assert_eq!((s.value(), twice.value()), (5.0, 10.0));
/// ```
#[inline(always)]
pub fn lane_sums<const K: usize>(
    range: std::ops::Range<usize>,
    f: impl Fn(usize) -> [f64; K],
) -> [Compensated; K] {
    let whole = range.start + (range.end.saturating_sub(range.start) & !3);
    #[cfg(target_arch = "x86_64")]
    let lanes = if std::arch::is_x86_feature_detected!("avx") {
        // SAFETY: the processor has AVX.
        unsafe { avx::lanes(range.start..whole, &f) }
    } else {
        sse2::lanes(range.start..whole, &f)
    };
    #[cfg(not(target_arch = "x86_64"))]
    let lanes = scalar_lanes(range.start..whole, &f);
    merge_lanes(lanes, whole..range.end, f)
}

/// The four lanes of [`lane_sums`] over `range` (a multiple of four long), one lane at a
/// time: the reference the SSE2 form must equal bit for bit.
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
#[inline(always)]
fn scalar_lanes<const K: usize>(
    range: std::ops::Range<usize>,
    f: &impl Fn(usize) -> [f64; K],
) -> [[Compensated; K]; 4] {
    let mut lanes = [[Compensated::ZERO; K]; 4];
    for i in range.step_by(4) {
        for (l, lane) in lanes.iter_mut().enumerate() {
            for (acc, t) in lane.iter_mut().zip(f(i + l)) {
                acc.add(t);
            }
        }
    }
    lanes
}

/// Adds the tail terms `f(j)`, `j` in `tail`, to lane 0 and merges the lanes in order.
#[inline(always)]
fn merge_lanes<const K: usize>(
    mut lanes: [[Compensated; K]; 4],
    tail: std::ops::Range<usize>,
    f: impl Fn(usize) -> [f64; K],
) -> [Compensated; K] {
    for j in tail {
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

/// The four lanes of [`lane_sums`] in one AVX register per sum, where the processor has AVX
/// (found at run time: the build targets every x86-64).
#[cfg(target_arch = "x86_64")]
mod avx {
    use super::Compensated;
    use std::arch::x86_64::{
        _mm256_add_pd, _mm256_set_pd, _mm256_setzero_pd, _mm256_storeu_pd, _mm256_sub_pd,
    };

    /// The four lanes over `range` (a multiple of four long); each lane makes
    /// [`Compensated::add`]'s six operations in its order.
    ///
    /// # Safety
    /// The processor must have AVX.
    #[target_feature(enable = "avx")]
    pub(super) unsafe fn lanes<const K: usize>(
        range: std::ops::Range<usize>,
        f: &impl Fn(usize) -> [f64; K],
    ) -> [[Compensated; K]; 4] {
        let mut sum = [_mm256_setzero_pd(); K];
        let mut compensation = [_mm256_setzero_pd(); K];
        for i in range.step_by(4) {
            let (t0, t1, t2, t3) = (f(i), f(i + 1), f(i + 2), f(i + 3));
            for k in 0..K {
                let x = _mm256_set_pd(t3[k], t2[k], t1[k], t0[k]);
                let t = _mm256_add_pd(sum[k], x);
                let z = _mm256_sub_pd(t, sum[k]);
                let lost = _mm256_add_pd(
                    _mm256_sub_pd(sum[k], _mm256_sub_pd(t, z)),
                    _mm256_sub_pd(x, z),
                );
                compensation[k] = _mm256_add_pd(compensation[k], lost);
                sum[k] = t;
            }
        }
        let mut lanes = [[Compensated::ZERO; K]; 4];
        for k in 0..K {
            let (mut s, mut c) = ([0.0; 4], [0.0; 4]);
            // SAFETY: the stores write four f64 into arrays of four.
            unsafe {
                _mm256_storeu_pd(s.as_mut_ptr(), sum[k]);
                _mm256_storeu_pd(c.as_mut_ptr(), compensation[k]);
            }
            for (l, lane) in lanes.iter_mut().enumerate() {
                lane[k] = Compensated {
                    sum: s[l],
                    compensation: c[l],
                };
            }
        }
        lanes
    }
}

/// Lanes (0, 1) and (2, 3) of [`lane_sums`] in two SSE2 registers per sum. SSE2 is part of
/// every x86-64 processor, so no detection is needed.
#[cfg(target_arch = "x86_64")]
mod sse2 {
    use super::Compensated;
    use std::arch::x86_64::{
        __m128d, _mm_add_pd, _mm_set_pd, _mm_setzero_pd, _mm_storeu_pd, _mm_sub_pd,
    };

    /// A Neumaier sum in each of two lanes: [`Compensated::add`] lane by lane.
    #[derive(Clone, Copy)]
    struct Pair {
        sum: __m128d,
        compensation: __m128d,
    }

    impl Pair {
        #[inline(always)]
        fn zero() -> Self {
            // SAFETY: SSE2 is available on every x86-64 target.
            unsafe {
                Pair {
                    sum: _mm_setzero_pd(),
                    compensation: _mm_setzero_pd(),
                }
            }
        }

        /// The same six operations as [`Compensated::add`], in the same order.
        #[inline(always)]
        fn add(&mut self, x: __m128d) {
            // SAFETY: SSE2 is available on every x86-64 target.
            unsafe {
                let t = _mm_add_pd(self.sum, x);
                let z = _mm_sub_pd(t, self.sum);
                let lost = _mm_add_pd(_mm_sub_pd(self.sum, _mm_sub_pd(t, z)), _mm_sub_pd(x, z));
                self.compensation = _mm_add_pd(self.compensation, lost);
                self.sum = t;
            }
        }

        /// The two lanes as scalar sums.
        #[inline(always)]
        fn lanes(self) -> [Compensated; 2] {
            let (mut s, mut c) = ([0.0; 2], [0.0; 2]);
            // SAFETY: SSE2 is available; the stores write two f64 into arrays of two.
            unsafe {
                _mm_storeu_pd(s.as_mut_ptr(), self.sum);
                _mm_storeu_pd(c.as_mut_ptr(), self.compensation);
            }
            [0, 1].map(|l| Compensated {
                sum: s[l],
                compensation: c[l],
            })
        }
    }

    /// The four lanes over `range` (a multiple of four long).
    #[inline(always)]
    pub(super) fn lanes<const K: usize>(
        range: std::ops::Range<usize>,
        f: &impl Fn(usize) -> [f64; K],
    ) -> [[Compensated; K]; 4] {
        let mut low = [Pair::zero(); K];
        let mut high = [Pair::zero(); K];
        for i in range.step_by(4) {
            let (t0, t1, t2, t3) = (f(i), f(i + 1), f(i + 2), f(i + 3));
            for k in 0..K {
                // SAFETY: SSE2 is available on every x86-64 target.
                let (a, b) = unsafe { (_mm_set_pd(t1[k], t0[k]), _mm_set_pd(t3[k], t2[k])) };
                low[k].add(a);
                high[k].add(b);
            }
        }
        let mut lanes = [[Compensated::ZERO; K]; 4];
        for k in 0..K {
            let [l0, l1] = low[k].lanes();
            let [l2, l3] = high[k].lanes();
            lanes[0][k] = l0;
            lanes[1][k] = l1;
            lanes[2][k] = l2;
            lanes[3][k] = l3;
        }
        lanes
    }
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

    /// The SSE2 lanes must give the scalar lanes' sums bit for bit (sums that lose bits,
    /// every tail length, three quantities at once).
    #[test]
    fn simd_lanes_equal_scalar_lanes_bit_for_bit() {
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            // Magnitudes over 40 binary orders, both signs.
            let m = (state >> 11) as f64 / (1u64 << 53) as f64;
            let e = ((state >> 3) % 40) as i32 - 20;
            if state & 1 == 0 {
                m * 2f64.powi(e)
            } else {
                -m * 2f64.powi(e)
            }
        };
        let x: Vec<f64> = (0..1_000).map(|_| next()).collect();
        let f = |i: usize| [x[i], x[i] * (2 * i + 1) as f64, x[i] * 1e12];
        for (start, len) in [(0, 0), (0, 4), (8, 96), (3, 996)] {
            let range = start..start + len;
            let scalar = scalar_lanes(range.clone(), &f);
            let mut forms = vec![("scalar", scalar)];
            #[cfg(target_arch = "x86_64")]
            {
                forms.push(("sse2", sse2::lanes(range.clone(), &f)));
                if std::arch::is_x86_feature_detected!("avx") {
                    // SAFETY: the processor has AVX.
                    forms.push(("avx", unsafe { avx::lanes(range.clone(), &f) }));
                }
            }
            for (form, simd) in &forms {
                for (l, (a, b)) in simd
                    .iter()
                    .flatten()
                    .zip(scalar.iter().flatten())
                    .enumerate()
                {
                    assert_eq!(
                        a.sum.to_bits(),
                        b.sum.to_bits(),
                        "{form}: sum {l}, len {len}"
                    );
                    assert_eq!(
                        a.compensation.to_bits(),
                        b.compensation.to_bits(),
                        "{form}: compensation {l}, len {len}"
                    );
                }
            }
        }
        // The tail goes to lane 0 and the lanes merge in order: 1 + 2⁻⁵³ is lost in lane 0
        // but kept by its compensation, whatever the tail length.
        for len in [4, 5, 6, 7] {
            let y = [
                1.0,
                0.0,
                0.0,
                0.0,
                2f64.powi(-53),
                2f64.powi(-53),
                2f64.powi(-53),
            ];
            let [s] = lane_sums(0..len, |i| [y[i]]);
            assert_eq!(
                s.value(),
                1.0 + (len - 4) as f64 * 2f64.powi(-53),
                "len {len}"
            );
        }
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
