//! The one sort of a sample and the block totals formed inside it: unweighted values per sorted
//! bucket while in cache, weighted (value, weight[, label]) records while they are split into
//! columns.

use crate::kernel::memory::huge_vec;
use crate::kernel::sort::{f64_key, sort_by_key, sorted_f64_copy_with};
use crate::kernel::sum::{lane_sums, Compensated};
use crate::kernel::BLOCK;
use rayon::prelude::*;

/// The terms one block contributes: Σw, Σwx, `Σ wx(2Lᵢ − wᵢ)` and `Σ wx(2Lᵢ − 1)`, with `Lᵢ`
/// the running weight inside the block (see `SortedSample::precompute_block_totals`).
/// With `convey` false the last (R convey's rank sum, which only the Gini under the convey
/// convention reads) is left at zero for weighted data: a replicate's pass then forms three
/// sums instead of four, and the sample forms the fourth when asked
/// (`SortedSample::rank_sum_convey`), by this same function, so to the same bits.
pub(super) fn block_terms(x: &[f64], w: Option<&[f64]>, convey: bool) -> [Compensated; 4] {
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
            if !convey {
                let [wi, wx, mid] = lane_sums(0..x.len(), |i| {
                    let (wi, wx) = (w[i], w[i] * x[i]);
                    [wi, wx, wx * (2.0 * local[i] - wi)]
                });
                return [wi, wx, mid, Compensated::ZERO];
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
pub(super) fn unweighted_piece_terms(
    start: usize,
    piece: &[f64],
) -> Vec<(usize, [Compensated; 4])> {
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
pub(super) fn assemble_block_terms(
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

/// Sorted values, weights and labels, and the block terms when the sort already formed them.
pub(super) type Sorted = (
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

/// A value and its input position, packed into 12 bytes for the sort.
#[derive(Clone, Copy)]
#[repr(C, packed)]
struct Positioned {
    value: f64,
    position: u32,
}

/// Sorts (value, position) records of 12 bytes by value, then splits them into columns,
/// gathering each weight and label from its position and forming the block totals on the
/// way. Half the memory of sorting (value, weight, label) records of 24 bytes (the sort
/// holds the records twice at its peak), in the same order: the sort is stable, ties keep
/// their input order either way.
pub(super) fn sort_weighted_labelled(values: &[f64], w: &[f64], l: &[u32]) -> Sorted {
    let n = values.len();
    if u32::try_from(n).is_err() {
        return sort_weighted_labelled_records(values, w, l);
    }
    let mut records: Vec<Positioned> = huge_vec(n);
    values
        .par_iter()
        .enumerate()
        .map(|(i, &value)| Positioned {
            value,
            position: i as u32,
        })
        .collect_into_vec(&mut records);
    sort_by_key(&mut records, |r| f64_key(r.value));
    let (v, ws, partials) = split_weighted(&records, |r| (r.value, w[r.position as usize]));
    let mut ls = huge_vec(n);
    records
        .par_iter()
        .map(|r| l[r.position as usize])
        .collect_into_vec(&mut ls);
    (v, Some(ws), Some(ls), Some(partials))
}

/// As [`sort_weighted_labelled`] for more observations than a `u32` position can count:
/// (value, weight, label) records.
fn sort_weighted_labelled_records(values: &[f64], w: &[f64], l: &[u32]) -> Sorted {
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
pub(super) fn split_weighted<R: Sync>(
    records: &[R],
    parts: impl Fn(&R) -> (f64, f64) + Sync,
) -> (Vec<f64>, Vec<f64>, Vec<[Compensated; 4]>) {
    let n = records.len();
    let (mut v, mut w): (Vec<f64>, Vec<f64>) = (huge_vec(n), huge_vec(n));
    let partials = fill_weighted(
        records,
        &mut v.spare_capacity_mut()[..n],
        &mut w.spare_capacity_mut()[..n],
        &parts,
    );
    // SAFETY: `fill_weighted` wrote all n elements of both buffers.
    unsafe {
        v.set_len(n);
        w.set_len(n);
    }
    (v, w, partials)
}

/// As [`split_weighted`] for sorted pairs that are no longer needed: they are read in
/// stretches of 2^20 (whole blocks) and each stretch is given back to the system once it is
/// split, so the pairs and the two columns are never both whole in memory.
pub(super) fn split_pairs_releasing(
    pairs: Vec<(f64, f64)>,
) -> (Vec<f64>, Vec<f64>, Vec<[Compensated; 4]>) {
    const STRETCH: usize = 1 << 20;
    const _: () = assert!(STRETCH % BLOCK == 0, "stretches hold whole blocks");
    let n = pairs.len();
    let (mut v, mut w): (Vec<f64>, Vec<f64>) = (huge_vec(n), huge_vec(n));
    let mut partials = Vec::with_capacity(n.div_ceil(BLOCK));
    for ((stretch, vs), ws) in pairs
        .chunks(STRETCH)
        .zip(v.spare_capacity_mut()[..n].chunks_mut(STRETCH))
        .zip(w.spare_capacity_mut()[..n].chunks_mut(STRETCH))
    {
        partials.extend(fill_weighted(stretch, vs, ws, &|p: &(f64, f64)| *p));
        // SAFETY: this stretch of the pairs is never read again; the pairs are freed below.
        unsafe {
            crate::kernel::memory::release_pages(
                stretch.as_ptr().cast(),
                std::mem::size_of_val(stretch),
            )
        };
    }
    drop(pairs);
    // SAFETY: the stretches cover 0..n of both buffers, all written by `fill_weighted`.
    unsafe {
        v.set_len(n);
        w.set_len(n);
    }
    (v, w, partials)
}

/// Writes the value and weight of each record into `v` and `w` (of the records' length) and
/// returns the block terms of each whole block of `BLOCK` records (the last may be short).
fn fill_weighted<R: Sync>(
    records: &[R],
    v: &mut [std::mem::MaybeUninit<f64>],
    w: &mut [std::mem::MaybeUninit<f64>],
    parts: &(impl Fn(&R) -> (f64, f64) + Sync),
) -> Vec<[Compensated; 4]> {
    assert!(v.len() == records.len() && w.len() == records.len());
    v.par_chunks_mut(BLOCK)
        .zip(w.par_chunks_mut(BLOCK))
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
            block_terms(vb, Some(wb), true)
        })
        .collect()
}

/// The sorted copy of unit-weight `values` (`varying`: the OR of each key with the first's),
/// with the block terms formed in each bucket while it is in cache.
pub(super) fn sort_unweighted_slice(values: &[f64], varying: u64) -> Sorted {
    let n = values.len();
    let (v, pieces) = sorted_f64_copy_with(values, varying, unweighted_piece_terms);
    (v, None, None, pieces.map(|p| assemble_block_terms(p, n)))
}

/// One sort, carrying weights and labels with the values.
pub(super) fn sort_observations(
    values: Vec<f64>,
    weights: Option<Vec<f64>>,
    labels: Option<Vec<u32>>,
) -> Sorted {
    match (weights, labels) {
        (None, None) if !values.is_empty() => {
            // Sorted into a new buffer straight from the values, each bucket where it lies
            // (no scratch buffer as long as the input), its block terms formed while it is
            // in cache; the values' buffer is kept for the next sort.
            let first = f64_key(values[0]);
            let varying = values
                .par_chunks(1 << 16)
                .map(|c| c.iter().fold(0u64, |a, &x| a | (f64_key(x) ^ first)))
                .reduce(|| 0, |a, b| a | b);
            let sorted = sort_unweighted_slice(&values, varying);
            crate::kernel::memory::give_back(values);
            sorted
        }
        (None, None) => (values, None, None, None),
        (Some(w), None) => {
            // The columns are given back as they are scattered into the sorted pairs, and
            // the pairs as they are split into columns again: about one copy of the data in
            // memory at any time (weighted census-sized samples).
            let pairs = crate::kernel::sort::sort_pairs_releasing(values, w);
            let (v, w, partials) = split_pairs_releasing(pairs);
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
