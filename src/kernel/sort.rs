//! A stable, parallel least-significant-digit radix sort on 64-bit keys.
//!
//! Why radix: the measures need one sort and then linear scans, so the sort is nearly all of
//! the cost. A comparison sort of 1e7 doubles is O(n log n) with unpredictable branches; an
//! LSD radix sort with 11-bit digits makes at most six linear passes, and skips the passes in
//! which every key has the same digit (common for survey money values: whole rupiah leave the
//! low mantissa bits zero, and one sign and a narrow exponent range fix the top bits).
//!
//! Determinism: a stable sort has exactly one correct output for a given input order, so the
//! result does not depend on how the work is split between threads.

use rayon::prelude::*;

/// Bits per digit: 2^11 = 2,048 buckets, whose 16 KiB count table stays in L1 cache.
const DIGIT_BITS: u32 = 11;
const BUCKETS: usize = 1 << DIGIT_BITS;
/// Below this length the standard library's stable merge sort is faster than six passes
/// over a 16 KiB count table.
const SMALL: usize = 2048;
/// Elements per parallel chunk in a pass. Large enough that each chunk's count table is
/// amortised; the output does not depend on it (see module docs).
const MIN_CHUNK: usize = 1 << 16;

/// Maps an `f64` to a `u64` whose unsigned order is [`f64::total_cmp`]'s order:
/// negative numbers have all bits flipped, non-negative numbers get the sign bit set.
///
/// ```
/// use ginikit::internals::f64_key;
/// assert!(f64_key(-2.0) < f64_key(-1.0));
/// assert!(f64_key(-0.0) < f64_key(0.0));
/// assert!(f64_key(1.0) < f64_key(1.5));
/// assert!(f64_key(1e300) < f64_key(f64::INFINITY));
/// ```
#[inline(always)]
pub fn f64_key(x: f64) -> u64 {
    let bits = x.to_bits();
    let sign_mask = ((bits as i64) >> 63) as u64;
    bits ^ (sign_mask | (1 << 63))
}

/// A raw pointer that may be shared between the threads of one scatter pass.
#[derive(Clone, Copy)]
struct SharedMut<T>(*mut T);
// SAFETY: the pointer is only used to write disjoint positions (each thread its own bucket
// offsets or bucket ranges) while the owning buffer outlives the parallel section.
unsafe impl<T: Send> Send for SharedMut<T> {}
// SAFETY: as for Send: no two threads touch the same position.
unsafe impl<T: Send> Sync for SharedMut<T> {}

/// Sorts `data` ascending by `key`, stably (equal keys keep their input order).
///
/// One most-significant-digit pass splits the data into up to 2,048 buckets by the highest
/// 11 bits that vary; each bucket is then small enough to stay in cache and is finished by
/// least-significant-digit passes over the bits that vary *within it*, buckets in parallel.
/// Every pass is a stable counting sort, so the whole sort is stable.
///
/// ```
/// use ginikit::internals::{f64_key, sort_by_key};
/// let mut v = vec![3.5, -1.0, 2.0, 0.0, -7.25];
/// sort_by_key(&mut v, |x| f64_key(*x));
/// assert_eq!(v, vec![-7.25, -1.0, 0.0, 2.0, 3.5]);
/// ```
pub fn sort_by_key<T, K>(data: &mut Vec<T>, key: K)
where
    T: Copy + Send + Sync,
    K: Fn(&T) -> u64 + Sync,
{
    sort_by_key_with(data, key, |_, _| ());
}

/// As [`sort_by_key`], calling `visit(start, sorted)` on each bucket's final, sorted elements
/// while they are still in cache (buckets in parallel; results returned in bucket order, so
/// the pieces cover the output in order). Returns `None` when the sort took a path without
/// buckets (small or already-ordered input): the caller then reads the data itself.
pub fn sort_by_key_with<T, K, F, R>(data: &mut Vec<T>, key: K, visit: F) -> Option<Vec<R>>
where
    T: Copy + Send + Sync,
    K: Fn(&T) -> u64 + Sync,
    F: Fn(usize, &[T]) -> R + Sync,
    R: Send,
{
    let n = data.len();
    if n < SMALL {
        data.sort_by_key(|x| key(x));
        return None;
    }
    let varying = varying_bits(data, &key);
    if varying == 0 {
        return None;
    }
    // The top digit: the 11 bits ending at the highest bit that varies.
    let top = 63 - varying.leading_zeros();
    let shift = (top + 1).saturating_sub(DIGIT_BITS);
    let mut scratch: Vec<T> = super::memory::huge_vec(n);
    let chunk = n
        .div_ceil(rayon::current_num_threads().max(1))
        .max(MIN_CHUNK);
    let starts = scatter_pass(
        data,
        &mut scratch.spare_capacity_mut()[..n],
        &key,
        shift,
        chunk,
    );
    // SAFETY: the scatter pass wrote all n positions of the spare capacity (its offsets
    // partition 0..n; it asserts so in debug builds), so the first n elements are initialised.
    unsafe { scratch.set_len(n) };
    // Bits below the top digit still to sort within each bucket.
    let low_mask = if shift == 0 {
        0
    } else {
        varying & ((1u64 << shift) - 1)
    };
    if low_mask == 0 {
        std::mem::swap(data, &mut scratch);
        return None;
    }
    // Buckets are disjoint ranges [starts[b], starts[b+1]) of both buffers.
    let mut ranges: Vec<std::ops::Range<usize>> = Vec::with_capacity(BUCKETS);
    for b in 0..BUCKETS {
        let end = if b + 1 < BUCKETS { starts[b + 1] } else { n };
        if end > starts[b] {
            ranges.push(starts[b]..end);
        }
    }
    let src = SharedMut(scratch.as_mut_ptr());
    let dst = SharedMut(data.as_mut_ptr());
    let visited = ranges
        .into_par_iter()
        .map(|r| {
            let (src, dst) = (src, dst);
            debug_assert!(r.end <= n);
            // SAFETY: bucket ranges are disjoint and inside both buffers (both hold n
            // initialised elements), so each task owns its slices of both.
            let (bucket, out) = unsafe {
                (
                    std::slice::from_raw_parts_mut(src.0.add(r.start), r.len()),
                    std::slice::from_raw_parts_mut(dst.0.add(r.start), r.len()),
                )
            };
            sort_bucket(bucket, out, &key, low_mask);
            visit(r.start, out)
        })
        .collect();
    Some(visited)
}

/// Sorts one bucket (in `bucket`) by the bits of `mask`, leaving the result in `out`.
fn sort_bucket<T, K>(bucket: &mut [T], out: &mut [T], key: &K, mask: u64)
where
    T: Copy,
    K: Fn(&T) -> u64,
{
    if bucket.len() < 64 {
        // Insertion sort: stable, and the fastest for a few elements.
        for i in 1..bucket.len() {
            let mut j = i;
            let item = bucket[i];
            let k = key(&item) & mask;
            while j > 0 && key(&bucket[j - 1]) & mask > k {
                bucket[j] = bucket[j - 1];
                j -= 1;
            }
            bucket[j] = item;
        }
        out.copy_from_slice(bucket);
        return;
    }
    let first = key(&bucket[0]) & mask;
    let varying = bucket
        .iter()
        .fold(0u64, |acc, x| acc | ((key(x) & mask) ^ first));
    let mut in_bucket = true; // where the current order lives: `bucket` or `out`
    let mut shift = 0;
    while shift < 64 && (varying >> shift) != 0 {
        if (varying >> shift) & (BUCKETS as u64 - 1) != 0 {
            let (from, to): (&[T], &mut [T]) = if in_bucket {
                (&*bucket, &mut *out)
            } else {
                (&*out, &mut *bucket)
            };
            let mut counts = vec![0usize; BUCKETS];
            for x in from {
                counts[digit(key(x), shift)] += 1;
            }
            let mut next = 0;
            for c in counts.iter_mut() {
                let k = *c;
                *c = next;
                next += k;
            }
            for x in from {
                let d = digit(key(x), shift);
                to[counts[d]] = *x;
                counts[d] += 1;
            }
            in_bucket = !in_bucket;
        }
        shift += DIGIT_BITS;
    }
    if in_bucket {
        out.copy_from_slice(bucket);
    }
}

/// OR of `key ^ first_key` over all elements: the bits that vary.
fn varying_bits<T, K>(data: &[T], key: &K) -> u64
where
    T: Sync,
    K: Fn(&T) -> u64 + Sync,
{
    let first = key(&data[0]);
    data.par_chunks(MIN_CHUNK)
        .map(|c| c.iter().fold(0u64, |acc, x| acc | (key(x) ^ first)))
        .reduce(|| 0, |a, b| a | b)
}

#[inline(always)]
fn digit(k: u64, shift: u32) -> usize {
    ((k >> shift) as usize) & (BUCKETS - 1)
}

/// One stable counting pass on the digit at `shift`, from `src` to the uninitialised `dst`
/// (of the same length), chunks in parallel. Every position of `dst` is written exactly once.
/// Returns where each bucket starts in `dst`.
fn scatter_pass<T, K>(
    src: &[T],
    dst: &mut [std::mem::MaybeUninit<T>],
    key: &K,
    shift: u32,
    chunk: usize,
) -> Vec<usize>
where
    T: Copy + Send + Sync,
    K: Fn(&T) -> u64 + Sync,
{
    // Counts per chunk, then offsets in (bucket, chunk) order: bucket-major keeps the sort,
    // chunk-minor keeps it stable.
    let mut counts: Vec<Vec<usize>> = src
        .par_chunks(chunk)
        .map(|c| {
            let mut h = vec![0usize; BUCKETS];
            for x in c {
                h[digit(key(x), shift)] += 1;
            }
            h
        })
        .collect();
    let mut starts = vec![0usize; BUCKETS];
    let mut next = 0usize;
    for (bucket, start) in starts.iter_mut().enumerate() {
        *start = next;
        for h in counts.iter_mut() {
            let count = h[bucket];
            h[bucket] = next;
            next += count;
        }
    }
    // The offsets partition 0..n: the writes below cover `dst` exactly.
    debug_assert_eq!(next, src.len());
    debug_assert_eq!(dst.len(), src.len());
    // MaybeUninit<T> has T's layout; writing through the pointer never reads the old value.
    let out = SharedMut(dst.as_mut_ptr().cast::<T>());
    src.par_chunks(chunk)
        .zip(counts.par_iter_mut())
        .for_each(|(c, offsets)| {
            // Capture the whole wrapper (which is Send), not its raw-pointer field.
            #[allow(clippy::redundant_locals)]
            let out = out;
            for x in c {
                let d = digit(key(x), shift);
                debug_assert!(offsets[d] < src.len());
                // SAFETY: offsets of distinct (bucket, chunk) pairs are disjoint ranges of
                // `dst` whose sizes are exactly the counts, so every write is in bounds and
                // no position is written twice.
                unsafe { out.0.add(offsets[d]).write(*x) };
                offsets[d] += 1;
            }
        });
    starts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lcg(seed: &mut u64) -> u64 {
        *seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        *seed
    }

    #[test]
    fn matches_total_cmp_sort_on_mixed_values() {
        let mut s = 7u64;
        let mut v: Vec<f64> = (0..100_000)
            .map(|i| {
                let r = lcg(&mut s);
                match i % 5 {
                    0 => -((r >> 11) as f64),
                    1 => 0.0,
                    2 => -0.0,
                    3 => f64::from_bits(r >> 2),
                    _ => (r % 1000) as f64 * 1000.0,
                }
            })
            .collect();
        let mut expected = v.clone();
        expected.sort_by(f64::total_cmp);
        sort_by_key(&mut v, |x| f64_key(*x));
        assert!(v
            .iter()
            .zip(&expected)
            .all(|(a, b)| a.to_bits() == b.to_bits()));
    }

    #[test]
    fn is_stable_for_equal_keys() {
        let mut v: Vec<(f64, usize)> = (0..50_000).map(|i| ((i % 7) as f64, i)).collect();
        sort_by_key(&mut v, |x| f64_key(x.0));
        for w in v.windows(2) {
            assert!(w[0].0 < w[1].0 || (w[0].0 == w[1].0 && w[0].1 < w[1].1));
        }
    }

    #[test]
    fn same_output_on_one_thread_and_many() {
        let mut s = 11u64;
        let base: Vec<(f64, usize)> = (0..300_000)
            .map(|i| (((lcg(&mut s) >> 40) % 5000) as f64, i))
            .collect();
        let one = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .expect("a one-thread pool can always be built");
        let mut a = base.clone();
        one.install(|| sort_by_key(&mut a, |x| f64_key(x.0)));
        let many = rayon::ThreadPoolBuilder::new()
            .num_threads(7)
            .build()
            .expect("a seven-thread pool can always be built");
        let mut b = base;
        many.install(|| sort_by_key(&mut b, |x| f64_key(x.0)));
        assert_eq!(a, b);
    }
}
