//! The one sort of a sample and the block totals formed inside it: unweighted values per sorted
//! bucket while in cache, weighted (value, weight[, label]) records while they are split into
//! columns.

use crate::kernel::memory::huge_vec;
use crate::kernel::sort::{f64_key, sort_by_key, sort_by_key_with};
use crate::kernel::sum::{lane_sums, Compensated};
use crate::kernel::BLOCK;
use rayon::prelude::*;

/// The terms one block contributes: Σw, Σwx, `Σ wx(2Lᵢ − wᵢ)` and `Σ wx(2Lᵢ − 1)`, with `Lᵢ`
/// the running weight inside the block (see `SortedSample::precompute_block_totals`).
pub(super) fn block_terms(x: &[f64], w: Option<&[f64]>) -> [Compensated; 4] {
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
pub(super) fn sort_observations(
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
