//! Finishing one bucket of the radix sort in cache: least-significant-digit counting passes
//! over the digits its size needs, then one scan that sorts the runs tied on them.

use super::{digit, BUCKETS, DIGIT_BITS};

/// Sorts one bucket (in `bucket`) by the bits of `mask`, leaving the result in `out`.
///
/// Least-significant digit first over the 11-bit digits of `mask` that vary within the
/// bucket, each a stable counting pass; the counts of every digit come from one pass over
/// the bucket (not one pass per digit). When more bits vary than the bucket's size needs to
/// tell its elements apart (money values with a full mantissa), only the highest
/// [`covered_passes`] digits are sorted by counting passes, and one scan then finishes the
/// runs that tie on those digits ([`finish_runs`]): such runs are rare and short, and a scan
/// costs far less than a counting pass.
pub(super) fn sort_bucket<T, K>(bucket: &mut [T], out: &mut [T], key: &K, mask: u64)
where
    T: Copy,
    K: Fn(&T) -> u64,
{
    if sort_bucket_where(bucket, out, key, mask) {
        out.copy_from_slice(bucket);
    }
}

/// [`sort_bucket`] with `other` as its second buffer, leaving the result where its last pass
/// put it: returns `true` when that is `bucket`, `false` when it is `other`.
pub(super) fn sort_bucket_where<T, K>(bucket: &mut [T], other: &mut [T], key: &K, mask: u64) -> bool
where
    T: Copy,
    K: Fn(&T) -> u64,
{
    let out = other;
    if bucket.len() < 64 {
        insertion_sort(bucket, key, mask);
        return true;
    }
    let first = key(&bucket[0]) & mask;
    let varying = bucket
        .iter()
        .fold(0u64, |acc, x| acc | ((key(x) & mask) ^ first));
    // The digits that vary, each sorted by one stable counting pass.
    let mut shifts = [0u32; 6];
    let mut passes = digit_shifts(varying, &mut shifts);
    let covered = covered_passes(bucket.len());
    // Bits that vary below the digits sorted by counting passes (none when all are).
    let mut rest = 0;
    if passes > covered {
        let high = 63 - varying.leading_zeros();
        for (k, s) in shifts.iter_mut().take(covered).enumerate() {
            // The top `covered` windows of 11 bits, lowest first.
            *s = (high + 1).saturating_sub(DIGIT_BITS * (covered - k) as u32);
        }
        passes = covered;
        rest = varying & ((1u64 << shifts[0]) - 1);
    }
    let in_bucket = if u32::try_from(bucket.len()).is_ok() {
        lsd_passes::<T, K, u32>(bucket, out, key, &shifts[..passes])
    } else {
        lsd_passes::<T, K, usize>(bucket, out, key, &shifts[..passes])
    };
    if rest != 0 {
        let ties = mask & !rest;
        if in_bucket {
            finish_runs(bucket, out, key, ties, rest);
        } else {
            finish_runs(out, bucket, key, ties, rest);
        }
    }
    in_bucket
}

/// How many 11-bit counting passes a bucket of `len` elements sorts by before its tied runs
/// are finished by a scan: enough digits that about one element in 64 ties with its
/// neighbour on them when the low bits are spread evenly (log2 `len` + 6 bits). Fewer passes
/// leave long runs; more cost a full pass each to split runs that are already rare.
fn covered_passes(len: usize) -> usize {
    let bits = usize::BITS - len.leading_zeros() + 6;
    bits.div_ceil(DIGIT_BITS) as usize
}

/// Finishes a sort by the bits `ties | rest` of `data`, which is sorted stably by the bits
/// `ties`: each run of elements equal on `ties` is sorted by `rest` — by insertion when
/// short, by [`sort_bucket`] (with `scratch`'s same positions as its buffer) when long.
/// Both keep ties in order, so the whole stays stable.
fn finish_runs<T, K>(data: &mut [T], scratch: &mut [T], key: &K, ties: u64, rest: u64)
where
    T: Copy,
    K: Fn(&T) -> u64,
{
    // Ties are rare: the scan looks for the first neighbours equal on `ties` eight pairs at a
    // time, with no branch inside a group (so the compiler may use vector compares).
    let len = data.len();
    let mut i = 0;
    while i + 1 < len {
        while i + 9 <= len {
            let mut tie = false;
            for j in i..i + 8 {
                tie |= (key(&data[j]) ^ key(&data[j + 1])) & ties == 0;
            }
            if tie {
                break;
            }
            i += 8;
        }
        // The next run of two or more from `i` on, if any.
        let head = key(&data[i]) & ties;
        let mut end = i + 1;
        while end < len && key(&data[end]) & ties == head {
            end += 1;
        }
        if end - i > 1 {
            let run = &mut data[i..end];
            if run.len() < 64 {
                insertion_sort(run, key, rest);
            } else {
                let buffer = &mut scratch[i..end];
                sort_bucket(run, buffer, key, rest);
                run.copy_from_slice(buffer);
            }
        }
        i = end;
    }
}

/// Insertion sort by the bits `mask` of the key: stable, and the fastest for a few elements.
fn insertion_sort<T, K>(data: &mut [T], key: &K, mask: u64)
where
    T: Copy,
    K: Fn(&T) -> u64,
{
    for i in 1..data.len() {
        let mut j = i;
        let item = data[i];
        let k = key(&item) & mask;
        while j > 0 && key(&data[j - 1]) & mask > k {
            data[j] = data[j - 1];
            j -= 1;
        }
        data[j] = item;
    }
}

/// The shifts of the digits (lowest first) whose stable counting passes sort by the bits of
/// `varying`, written into `shifts`; returns how many (none when no bit varies).
///
/// Each pass reads an 11-bit window. When the bits that vary are one contiguous span, the
/// windows are spread evenly over it, so that every pass has many distinct digits: a pass
/// over a digit with only a few values writes runs to the same place, each write waiting
/// for the previous one's count. Otherwise, windows are taken from the top down, each
/// starting at the highest varying bit not yet covered, so that bits that never vary are
/// skipped. Windows may overlap: a pass that also orders by some higher bits leaves ties of
/// the next pass (equal in those bits) in its own order, as the sort needs.
pub(super) fn digit_shifts(varying: u64, shifts: &mut [u32; 6]) -> usize {
    if varying == 0 {
        return 0;
    }
    let low = varying.trailing_zeros();
    let top = 63 - varying.leading_zeros();
    let span = top - low + 1;
    if varying >> low == u64::MAX >> (64 - span) {
        let passes = span.div_ceil(DIGIT_BITS);
        let width = span.div_ceil(passes);
        for (k, s) in shifts.iter_mut().take(passes as usize).enumerate() {
            *s = low + k as u32 * width;
        }
        return passes as usize;
    }
    let mut passes = 0;
    let mut left = varying;
    while left != 0 {
        let high = 63 - left.leading_zeros();
        let shift = (high + 1).saturating_sub(DIGIT_BITS);
        shifts[passes] = shift;
        passes += 1;
        left &= if shift == 0 { 0 } else { (1u64 << shift) - 1 };
    }
    shifts[..passes].reverse();
    passes
}

/// A count of elements in a bucket: `u32` (half the cache of `usize`) unless the bucket is
/// larger than that counts.
trait Count: Copy + Default + std::ops::AddAssign + Send {
    const ONE: Self;
    fn index(self) -> usize;
}

impl Count for u32 {
    const ONE: u32 = 1;
    fn index(self) -> usize {
        self as usize
    }
}

impl Count for usize {
    const ONE: usize = 1;
    fn index(self) -> usize {
        self
    }
}

/// Stable counting passes on the digits at `shifts`, alternating between `bucket` and
/// `out`, with every digit's counts formed in one pass over the bucket. Returns whether the
/// sorted order ended in `bucket`.
fn lsd_passes<T, K, C>(bucket: &mut [T], out: &mut [T], key: &K, shifts: &[u32]) -> bool
where
    T: Copy,
    K: Fn(&T) -> u64,
    C: Count,
{
    let mut counts = vec![[C::default(); BUCKETS]; shifts.len()];
    // The usual one to three digits with their number fixed, so the loop over them unrolls.
    match *shifts {
        [a] => count_digits(bucket, key, [a], &mut counts),
        [a, b] => count_digits(bucket, key, [a, b], &mut counts),
        [a, b, c] => count_digits(bucket, key, [a, b, c], &mut counts),
        _ => {
            for x in bucket.iter() {
                let k = key(x);
                for (c, &s) in counts.iter_mut().zip(shifts) {
                    c[digit(k, s)] += C::ONE;
                }
            }
        }
    }
    let mut in_bucket = true; // where the current order lives: `bucket` or `out`
    for (c, &s) in counts.iter_mut().zip(shifts) {
        let (from, to): (&[T], &mut [T]) = if in_bucket {
            (&*bucket, &mut *out)
        } else {
            (&*out, &mut *bucket)
        };
        let mut next = C::default();
        for slot in c.iter_mut() {
            let k = *slot;
            *slot = next;
            next += k;
        }
        assert_eq!(from.len(), to.len());
        for x in from {
            let d = digit(key(x), s);
            let at = c[d].index();
            debug_assert!(at < to.len());
            // SAFETY: the offsets of digit d start at the count of smaller digits and are
            // incremented once per element with digit d, so they stay below `from.len()`,
            // which is `to.len()`.
            unsafe { *to.get_unchecked_mut(at) = *x };
            c[d] += C::ONE;
        }
        in_bucket = !in_bucket;
    }
    in_bucket
}

/// The counts of the `P` digits at `shifts` of every element of `bucket`, in one pass.
#[inline(always)]
fn count_digits<T, K, C, const P: usize>(
    bucket: &[T],
    key: &K,
    shifts: [u32; P],
    counts: &mut [[C; BUCKETS]],
) where
    K: Fn(&T) -> u64,
    C: Count,
{
    let counts: &mut [[C; BUCKETS]; P] = counts.try_into().expect("one count table per digit");
    for x in bucket {
        let k = key(x);
        for p in 0..P {
            counts[p][digit(k, shifts[p])] += C::ONE;
        }
    }
}
