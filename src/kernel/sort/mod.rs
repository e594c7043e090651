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

mod bucket;
mod pairs;

use bucket::{sort_bucket, sort_bucket_where};
pub use pairs::sort_pairs_releasing;

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
    T: Copy + Send + Sync + 'static,
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
    T: Copy + Send + Sync + 'static,
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
    sort_from(None, data, varying, &key, &visit)
}

/// A sorted copy of `src` (stable, by `key`), made without copying `src` first: the first
/// pass scatters straight from it. `varying` is the OR of `key(x) ^ key(src[0])` over `src`,
/// or any superset of those bits (the caller has usually computed it in a pass it makes
/// anyway; a superset only costs looking at bits that do not vary); `visit` as in
/// `sort_by_key_with`. Returns the sorted elements and the visits (`None`: no buckets).
///
/// ```
/// use ginikit::internals::{f64_key, sorted_copy_by_key_with};
/// let x = [3.5, -1.0, 2.0, 0.0, -7.25];
/// let first = f64_key(x[0]);
/// let varying = x.iter().fold(0, |a, v| a | (f64_key(*v) ^ first));
/// let (sorted, _) = sorted_copy_by_key_with(&x, varying, |v| f64_key(*v), |_, _: &[f64]| ());
/// assert_eq!(sorted, vec![-7.25, -1.0, 0.0, 2.0, 3.5]);
/// ```
pub fn sorted_copy_by_key_with<T, K, F, R>(
    src: &[T],
    varying: u64,
    key: K,
    visit: F,
) -> (Vec<T>, Option<Vec<R>>)
where
    T: Copy + Send + Sync + Default + 'static,
    K: Fn(&T) -> u64 + Sync,
    F: Fn(usize, &[T]) -> R + Sync,
    R: Send,
{
    let n = src.len();
    if n < SMALL {
        let mut v = src.to_vec();
        v.sort_by_key(|x| key(x));
        return (v, None);
    }
    // Every element of the output is overwritten: a kept buffer, or calloc's zeroed pages.
    let mut data = crate::kernel::memory::filled_vec::<T>(n);
    let visited = sort_from(Some(src), &mut data, varying, &key, &visit);
    (data, visited)
}

/// The inverse of [`f64_key`].
#[inline(always)]
fn f64_from_key(k: u64) -> f64 {
    // Keys of non-negative numbers have the top bit set: clear it; others were flipped whole.
    let flip = (((!k) as i64 >> 63) as u64) | (1 << 63);
    f64::from_bits(k ^ flip)
}

/// [`sorted_copy_by_key_with`] for `f64` values in [`f64::total_cmp`]'s order: the first
/// pass writes each value's key ([`f64_key`]) rather than the value, each bucket is sorted
/// as plain `u64` keys (no key to work out on each of its passes) and turned back into
/// values while in cache, just before `visit` sees it. The very same output.
///
/// ```
/// use ginikit::internals::{f64_key, sorted_f64_copy_with};
/// let x: Vec<f64> = (0..5_000).map(|i| ((i * 7_919) % 5_000) as f64 - 2_500.5).collect();
/// let first = f64_key(x[0]);
/// let varying = x.iter().fold(0, |a, v| a | (f64_key(*v) ^ first));
/// let (sorted, _) = sorted_f64_copy_with(&x, varying, |_, _| ());
/// assert!(sorted.windows(2).all(|p| p[0] < p[1]));
/// assert_eq!((sorted[0], sorted[4_999]), (-2_500.5, 2_498.5));
/// ```
pub fn sorted_f64_copy_with<F, R>(src: &[f64], varying: u64, visit: F) -> (Vec<f64>, Option<Vec<R>>)
where
    F: Fn(usize, &[f64]) -> R + Sync,
    R: Send,
{
    let n = src.len();
    if n < SMALL || varying == 0 {
        return sorted_copy_by_key_with(src, varying, |x| f64_key(*x), visit);
    }
    let mut data = crate::kernel::memory::filled_vec::<f64>(n);
    // The buffer holds keys until each bucket is turned back into values.
    // SAFETY: u64 and f64 have the same size and alignment, and every bit pattern is valid
    // for both.
    let keys = unsafe { std::slice::from_raw_parts_mut(data.as_mut_ptr().cast::<u64>(), n) };
    let (shift, low_mask) = top_digit(varying);
    // SAFETY: as above; the pass writes whole keys only.
    let as_uninit = unsafe {
        std::slice::from_raw_parts_mut(keys.as_mut_ptr().cast::<std::mem::MaybeUninit<u64>>(), n)
    };
    let key = |x: &f64| f64_key(*x);
    let starts = scatter_mapped(src, as_uninit, &key, &key, shift, chunk_len(n));
    if low_mask == 0 {
        keys.par_chunks_mut(MIN_CHUNK).for_each(|c| {
            keys_to_values(c);
        });
        return (data, None);
    }
    let visited = sort_buckets_in_place(keys, &starts, &|k: &u64| *k, low_mask, |start, out| {
        visit(start, keys_to_values(out))
    });
    (data, Some(visited))
}

/// Turns sort keys back into the doubles they came from, where they lie.
fn keys_to_values(keys: &mut [u64]) -> &[f64] {
    for k in keys.iter_mut() {
        *k = f64_from_key(*k).to_bits();
    }
    // SAFETY: the same memory, now holding the values' bits; u64 and f64 have the same size
    // and alignment.
    unsafe { std::slice::from_raw_parts(keys.as_ptr().cast::<f64>(), keys.len()) }
}

/// The first pass's digit: its shift (the 11 bits ending at the highest bit of `varying`),
/// and the bits below it that vary, still to sort inside each bucket.
fn top_digit(varying: u64) -> (u32, u64) {
    let top = 63 - varying.leading_zeros();
    let shift = (top + 1).saturating_sub(DIGIT_BITS);
    let low_mask = if shift == 0 {
        0
    } else {
        varying & ((1u64 << shift) - 1)
    };
    (shift, low_mask)
}

/// Elements per parallel chunk of a pass over `n`: one chunk per thread, at least
/// [`MIN_CHUNK`].
fn chunk_len(n: usize) -> usize {
    n.div_ceil(rayon::current_num_threads().max(1))
        .max(MIN_CHUNK)
}

/// The radix sort proper: one MSD pass from `data` into a scratch buffer, then each bucket
/// finished by LSD passes into `data`; from a separate `src`, the pass scatters into `data`
/// itself ([`sort_copy`]). `data` holds as many initialised elements as the source (they are
/// overwritten).
fn sort_from<T, K, F, R>(
    src: Option<&[T]>,
    data: &mut Vec<T>,
    varying: u64,
    key: &K,
    visit: &F,
) -> Option<Vec<R>>
where
    T: Copy + Send + Sync + 'static,
    K: Fn(&T) -> u64 + Sync,
    F: Fn(usize, &[T]) -> R + Sync,
    R: Send,
{
    let n = data.len();
    debug_assert!(src.is_none_or(|s| s.len() == n));
    if varying == 0 {
        // Every key equal: already in order.
        if let Some(src) = src {
            data.copy_from_slice(src);
        }
        return None;
    }
    let (shift, low_mask) = top_digit(varying);
    let chunk = chunk_len(n);
    if let Some(src) = src {
        return sort_copy(src, data, key, (shift, low_mask), chunk, visit);
    }
    let mut scratch: Vec<T> = crate::kernel::memory::scratch_vec(n);
    let starts = scatter_pass(
        &data[..],
        &mut scratch.spare_capacity_mut()[..n],
        key,
        shift,
        chunk,
    );
    // SAFETY: the scatter pass wrote all n positions of the spare capacity (its offsets
    // partition 0..n; it asserts so in debug builds), so the first n elements are initialised.
    unsafe { scratch.set_len(n) };
    if low_mask == 0 {
        std::mem::swap(data, &mut scratch);
        crate::kernel::memory::give_back(scratch);
        return None;
    }
    // Buckets are disjoint ranges [starts[b], starts[b+1]) of both buffers.
    let ranges = bucket_ranges(&starts, n);
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
            sort_bucket(bucket, out, key, low_mask);
            visit(r.start, out)
        })
        .collect();
    crate::kernel::memory::give_back(scratch);
    Some(visited)
}

/// The non-empty buckets, as ranges of the sorted positions, from their starts.
fn bucket_ranges(starts: &[usize], n: usize) -> Vec<std::ops::Range<usize>> {
    (0..BUCKETS)
        .map(|b| starts[b]..if b + 1 < BUCKETS { starts[b + 1] } else { n })
        .filter(|r| !r.is_empty())
        .collect()
}

/// [`sort_from`] from a separate source, by the top digit at `shift` and then the bits of
/// `low_mask`: the top-digit pass scatters straight into `data`,
/// and each bucket is then sorted where it lies, with a second buffer of its task's that
/// stays in cache (the passes alternate between the two; an even number of them ends where
/// it began). Against scattering into a scratch buffer as long as the
/// input, this spares the kernel zeroing that many fresh pages (on a virtual machine, where
/// a fresh page costs most, half a sort's time).
fn sort_copy<T, K, F, R>(
    src: &[T],
    data: &mut [T],
    key: &K,
    (shift, low_mask): (u32, u64),
    chunk: usize,
    visit: &F,
) -> Option<Vec<R>>
where
    T: Copy + Send + Sync + 'static,
    K: Fn(&T) -> u64 + Sync,
    F: Fn(usize, &[T]) -> R + Sync,
    R: Send,
{
    let n = data.len();
    // SAFETY: MaybeUninit<T> has T's layout, and the pass writes only whole values of T, so
    // `data` holds initialised values throughout.
    let as_uninit = unsafe {
        std::slice::from_raw_parts_mut(data.as_mut_ptr().cast::<std::mem::MaybeUninit<T>>(), n)
    };
    let starts = scatter_pass(src, as_uninit, key, shift, chunk);
    if low_mask == 0 {
        return None;
    }
    Some(sort_buckets_in_place(
        data,
        &starts,
        key,
        low_mask,
        |start, out| visit(start, out),
    ))
}

/// Sorts each bucket of `data` (starting at `starts`) by the bits of `low_mask` where it
/// lies, buckets in parallel, each task with a second buffer of its own that stays in cache
/// (the passes alternate between the two); then calls `then(start, bucket)` on it while it
/// is in cache. Returns the results in bucket order.
fn sort_buckets_in_place<T, K, F, R>(
    data: &mut [T],
    starts: &[usize],
    key: &K,
    low_mask: u64,
    then: F,
) -> Vec<R>
where
    T: Copy + Send + Sync,
    K: Fn(&T) -> u64 + Sync,
    F: Fn(usize, &mut [T]) -> R + Sync,
    R: Send,
{
    let n = data.len();
    let dst = SharedMut(data.as_mut_ptr());
    bucket_ranges(starts, n)
        .into_par_iter()
        .map_init(Vec::new, |other: &mut Vec<T>, r| {
            // Capture the whole wrapper (which is Send), not its raw-pointer field.
            #[allow(clippy::redundant_locals)]
            let dst = dst;
            debug_assert!(r.end <= n);
            // SAFETY: bucket ranges are disjoint and inside `data` (n initialised
            // elements), so each task owns its slice.
            let out = unsafe { std::slice::from_raw_parts_mut(dst.0.add(r.start), r.len()) };
            if other.len() < out.len() {
                // Any values: every pass writes its buffer whole before reading it.
                other.resize(out.len(), out[0]);
            }
            let other = &mut other[..out.len()];
            if !sort_bucket_where(out, other, key, low_mask) {
                out.copy_from_slice(other);
            }
            then(r.start, out)
        })
        .collect()
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

/// Turns per-chunk bucket counts into each (chunk, bucket)'s first output position, in
/// (bucket, chunk) order — bucket-major keeps the sort, chunk-minor keeps it stable — and
/// returns where each bucket starts.
fn bucket_offsets(counts: &mut [Vec<usize>], n: usize) -> Vec<usize> {
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
    debug_assert_eq!(next, n);
    starts
}

/// How many elements of each chunk of `src` fall into each bucket of the digit at `shift`:
/// one table per chunk, in chunk order (the counting half of a scatter pass).
pub(super) fn chunk_digit_counts<S, K>(
    src: &[S],
    key: &K,
    shift: u32,
    chunk: usize,
) -> Vec<Vec<usize>>
where
    S: Sync,
    K: Fn(&S) -> u64 + Sync,
{
    src.par_chunks(chunk)
        .map(|c| {
            let mut h = vec![0usize; BUCKETS];
            for x in c {
                h[digit(key(x), shift)] += 1;
            }
            h
        })
        .collect()
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
    scatter_mapped(src, dst, key, &|x: &T| *x, shift, chunk)
}

/// [`scatter_pass`], writing `map(x)` in place of each element `x`.
fn scatter_mapped<S, T, K, M>(
    src: &[S],
    dst: &mut [std::mem::MaybeUninit<T>],
    key: &K,
    map: &M,
    shift: u32,
    chunk: usize,
) -> Vec<usize>
where
    S: Sync,
    T: Copy + Send + Sync,
    K: Fn(&S) -> u64 + Sync,
    M: Fn(&S) -> T + Sync,
{
    // Counts per chunk, then offsets in (bucket, chunk) order: bucket-major keeps the sort,
    // chunk-minor keeps it stable.
    let mut counts = chunk_digit_counts(src, key, shift, chunk);
    // The offsets partition 0..n: the writes below cover `dst` exactly.
    let starts = bucket_offsets(&mut counts, src.len());
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
                unsafe { out.0.add(offsets[d]).write(map(x)) };
                offsets[d] += 1;
            }
        });
    starts
}

#[cfg(test)]
mod tests {
    use super::bucket::digit_shifts;
    use super::pairs::RELEASE_MIN;
    use super::*;

    /// The releasing sort gives the ordinary sort's output exactly (ties in input order),
    /// above its threshold: heavy ties, negative values, zeros of both signs, a skewed
    /// bucket, and a case where one bucket needs no inner passes.
    #[test]
    fn the_releasing_sort_equals_the_ordinary_sort() {
        let n = RELEASE_MIN + 123_457;
        let mut state = 7u64;
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            state >> 11
        };
        let cases: Vec<Vec<f64>> = vec![
            (0..n)
                .map(|_| (next() % 5_000) as f64 * 10.0 - 2_000.0)
                .collect(),
            (0..n)
                .map(|i| match i % 10 {
                    0..=5 => 0.0,
                    6 => -0.0,
                    _ => (next() % 1_000_000) as f64 / 7.0,
                })
                .collect(),
            (0..n).map(|_| ((next() % 64) as f64).exp2()).collect(),
        ];
        for values in cases {
            let weights: Vec<f64> = (0..n).map(|i| (i % 97) as f64 + 0.5).collect();
            let mut expected: Vec<(f64, f64)> = values
                .iter()
                .copied()
                .zip(weights.iter().copied())
                .collect();
            sort_by_key(&mut expected, |p| f64_key(p.0));
            let got = sort_pairs_releasing(values, weights);
            assert!(got.len() == expected.len());
            assert!(got
                .iter()
                .zip(&expected)
                .all(|(a, b)| a.0.to_bits() == b.0.to_bits() && a.1.to_bits() == b.1.to_bits()));
        }
    }

    /// Buckets whose bits vary beyond the digits sorted by counting passes: a few keys
    /// spread over the high bits and most clustered on one prefix (one long tied run,
    /// finished by a nested bucket sort), or pairs of near neighbours (short runs, finished
    /// by insertion). The output equals the standard stable sort, ties in input order.
    #[test]
    fn tied_runs_below_the_counted_digits_are_finished_stably() {
        let mut s = 17u64;
        let clustered: Vec<u64> = (0..300_000u64)
            .map(|i| {
                let high = if i % 100 == 0 {
                    lcg(&mut s) & (0xFFFF_FFFF << 8)
                } else {
                    0
                };
                (lcg(&mut s) % 16) << 40 | high | (lcg(&mut s) & 0xFFF)
            })
            .collect();
        let neighbours: Vec<u64> = (0..300_000u64)
            .map(|i| {
                let base = if i % 2 == 0 { lcg(&mut s) } else { 0 };
                base | (lcg(&mut s) & 3)
            })
            .scan(0u64, |last, k| {
                // Every other key copies its predecessor's high bits: runs of two or more.
                *last = if k >> 2 == 0 { (*last & !3) | k } else { k };
                Some(*last)
            })
            .collect();
        for keys in [clustered, neighbours] {
            let mut v: Vec<(u64, u32)> = keys
                .iter()
                .enumerate()
                .map(|(i, &k)| (k, i as u32))
                .collect();
            let mut want = v.clone();
            want.sort_by_key(|p| p.0);
            sort_by_key(&mut v, |p| p.0);
            assert!(v == want);
        }
    }

    /// The sorted copy of a borrowed slice is the standard library's stable sort of it, bit
    /// for bit (so -0.0 before 0.0 and ties in input order): log-normal-like money values,
    /// heavy ties, negatives and both zeros, powers of two (buckets that need no inner
    /// passes), one value repeated, and lengths on both sides of the small-input cut.
    #[test]
    fn the_sorted_copy_equals_the_standard_stable_sort() {
        let mut s = 11u64;
        let mut cases: Vec<Vec<f64>> = Vec::new();
        for n in [10, SMALL - 1, SMALL, 300_000] {
            cases.push(
                (0..n)
                    .map(|_| ((lcg(&mut s) >> 11) as f64 / 9.0e12).exp() * 1e4)
                    .collect(),
            );
            cases.push((0..n).map(|_| (lcg(&mut s) % 7) as f64 * 1000.0).collect());
            cases.push(
                (0..n)
                    .map(|i| match i % 5 {
                        0 => 0.0,
                        1 => -0.0,
                        _ => (lcg(&mut s) % 2_000) as f64 - 1_000.5,
                    })
                    .collect(),
            );
            cases.push((0..n).map(|_| ((lcg(&mut s) % 60) as f64).exp2()).collect());
            cases.push(vec![3.25; n]);
        }
        for x in cases {
            let first = f64_key(x[0]);
            let varying = x.iter().fold(0, |a, v| a | (f64_key(*v) ^ first));
            let (got, _) = sorted_copy_by_key_with(&x, varying, |v| f64_key(*v), |_, _: &[f64]| ());
            let mut want = x.clone();
            want.sort_by(f64::total_cmp);
            assert!(got
                .iter()
                .map(|v| v.to_bits())
                .eq(want.iter().map(|v| v.to_bits())));
            // Sorted as keys, turned back into values: the same bits, and each bucket
            // visited in order, already holding values.
            let (got, visits) = sorted_f64_copy_with(&x, varying, |start, piece| {
                (start, piece.iter().map(|v| v.to_bits()).collect::<Vec<_>>())
            });
            assert!(got
                .iter()
                .map(|v| v.to_bits())
                .eq(want.iter().map(|v| v.to_bits())));
            for (start, bits) in visits.into_iter().flatten() {
                let expected = want[start..start + bits.len()].iter().map(|v| v.to_bits());
                assert!(bits.into_iter().eq(expected));
            }
        }
        // Stable: records tied on the key keep their input order (few distinct keys, long
        // buckets, and runs finished below the counted digits).
        let records: Vec<(f64, u32)> = (0..300_000u32)
            .map(|i| {
                (
                    ((lcg(&mut s) % 50) as f64).exp2() + (i % 3) as f64 * 1e-9,
                    i,
                )
            })
            .collect();
        let first = f64_key(records[0].0);
        let varying = records.iter().fold(0, |a, r| a | (f64_key(r.0) ^ first));
        let (got, _) = sorted_copy_by_key_with(
            &records,
            varying,
            |r| f64_key(r.0),
            |_, _: &[(f64, u32)]| (),
        );
        let mut want = records.clone();
        want.sort_by(|a, b| a.0.total_cmp(&b.0));
        assert!(got
            .iter()
            .map(|r| (r.0.to_bits(), r.1))
            .eq(want.iter().map(|r| (r.0.to_bits(), r.1))));
    }

    /// Keys whose varying bits form one span (digits spread evenly) or have holes (digits
    /// taken from the top down), of every width up to 64 bits: the sort equals the
    /// standard library's.
    /// `f64_from_key` undoes `f64_key` on every kind of double.
    #[test]
    fn keys_turn_back_into_the_same_doubles() {
        for x in [
            0.0,
            -0.0,
            1.5,
            -1.5,
            f64::MIN_POSITIVE,
            -5e-324,
            f64::MAX,
            f64::MIN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ] {
            assert_eq!(f64_from_key(f64_key(x)).to_bits(), x.to_bits(), "{x}");
        }
        let nan = f64::from_bits(0x7ff8_0000_0000_0001);
        assert_eq!(f64_from_key(f64_key(nan)).to_bits(), nan.to_bits());
    }

    #[test]
    fn every_pattern_of_varying_bits_sorts() {
        let mut s = 5u64;
        let mut masks = vec![
            u64::MAX,
            u64::MAX >> 1,
            0xFFFF_FFFF_0000_0000,
            0x0F0F_0F0F_0F0F_0F0F,
        ];
        for _ in 0..8 {
            let low = lcg(&mut s) % 40;
            let span = 12 + lcg(&mut s) % (63 - low - 12);
            masks.push(((1u64 << span) - 1) << low);
            masks.push(lcg(&mut s) & lcg(&mut s));
        }
        for mask in masks {
            let mut v: Vec<u64> = (0..200_000).map(|_| lcg(&mut s) & mask).collect();
            let mut want = v.clone();
            want.sort();
            sort_by_key(&mut v, |k| *k);
            assert!(v == want, "mask {mask:#x}");
        }
        let mut shifts = [0; 6];
        assert_eq!(digit_shifts(0, &mut shifts), 0);
        assert_eq!(digit_shifts((1 << 46) - 1, &mut shifts), 5);
        assert_eq!(shifts[..5], [0, 10, 20, 30, 40]);
        assert_eq!(digit_shifts(0b1 << 40 | 0b1, &mut shifts), 2);
        assert_eq!(shifts[..2], [0, 30]);
    }

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
