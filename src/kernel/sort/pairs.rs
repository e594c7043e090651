//! Sorting owned value and weight columns into (value, weight) pairs while giving the
//! columns back to the system: about one copy of the data in memory.

use super::{
    bucket_offsets, chunk_digit_counts, digit, f64_key, sort_buckets_in_place, sort_by_key,
    top_digit, varying_bits, SharedMut,
};
use rayon::prelude::*;

/// Below this many pairs, [`sort_pairs_releasing`] builds the pairs and sorts them as usual.
pub(super) const RELEASE_MIN: usize = 1 << 20;
/// Elements per chunk of the releasing scatter: each chunk's input is given back to the
/// system as soon as it has been scattered.
const RELEASE_CHUNK: usize = 1 << 18;

/// Sorts `(values[i], weights[i])` pairs by value (the order of
/// `sort_by_key(pairs, |p| f64_key(p.0))`: stable, so the very same output), holding about
/// one copy of the data: the first pass scatters the two columns straight into the pairs'
/// buckets and gives each chunk of the columns back to the system once it is scattered, and
/// each bucket is then finished where it lies ([`sort_buckets_in_place`]). Building
/// the pairs first and sorting them through a scratch buffer holds two copies.
pub fn sort_pairs_releasing(values: Vec<f64>, weights: Vec<f64>) -> Vec<(f64, f64)> {
    let n = values.len();
    assert_eq!(n, weights.len(), "one weight per value");
    let key = |p: &(f64, f64)| f64_key(p.0);
    let value_key = |x: &f64| f64_key(*x);
    let varying = if n == 0 {
        0
    } else {
        varying_bits(&values, &value_key)
    };
    if n < RELEASE_MIN || varying == 0 {
        let mut pairs: Vec<(f64, f64)> = crate::kernel::memory::huge_vec(n);
        values
            .par_iter()
            .copied()
            .zip(weights.par_iter().copied())
            .collect_into_vec(&mut pairs);
        drop((values, weights));
        sort_by_key(&mut pairs, key);
        return pairs;
    }
    let (shift, low_mask) = top_digit(varying);
    // Counts per chunk, then offsets in (bucket, chunk) order, as in `scatter_pass`.
    let mut counts = chunk_digit_counts(&values, &value_key, shift, RELEASE_CHUNK);
    let starts = bucket_offsets(&mut counts, n);
    let mut pairs: Vec<(f64, f64)> = Vec::with_capacity(n);
    crate::kernel::memory::advise_small_pages(
        pairs.as_ptr().cast(),
        n * std::mem::size_of::<(f64, f64)>(),
    );
    let out = SharedMut(pairs.as_mut_ptr());
    values
        .par_chunks(RELEASE_CHUNK)
        .zip(weights.par_chunks(RELEASE_CHUNK))
        .zip(counts.par_iter_mut())
        .for_each(|((vc, wc), offsets)| {
            #[allow(clippy::redundant_locals)]
            let out = out;
            for (&x, &w) in vc.iter().zip(wc) {
                let d = digit(value_key(&x), shift);
                debug_assert!(offsets[d] < n);
                // SAFETY: offsets of distinct (bucket, chunk) pairs are disjoint ranges of
                // the pairs' capacity whose sizes are exactly the counts: every write is in
                // bounds and no position is written twice.
                unsafe { out.0.add(offsets[d]).write((x, w)) };
                offsets[d] += 1;
            }
            // SAFETY: this chunk of both columns is never read again; the columns are freed
            // normally below.
            unsafe {
                crate::kernel::memory::release_pages(vc.as_ptr().cast(), std::mem::size_of_val(vc));
                crate::kernel::memory::release_pages(wc.as_ptr().cast(), std::mem::size_of_val(wc));
            }
        });
    drop((values, weights));
    // SAFETY: the offsets partition 0..n, so all n positions were written above.
    unsafe { pairs.set_len(n) };
    if low_mask != 0 {
        sort_buckets_in_place(&mut pairs, &starts, &key, low_mask, |_, _| ());
    }
    pairs
}
