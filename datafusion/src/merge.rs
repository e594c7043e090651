//! What the client does with the engine's small results: reading columns, collecting every
//! group's bucket segments in value order and merging them ([`Segment`]).

use crate::{Error, Result};
use datafusion::arrow::array::{Array, AsArray, RecordBatch};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Float64Type, Int64Type};
use ginikit::measure::out_of_core::Segment;
use std::collections::BTreeMap;

/// Per group (key text), its buckets in value order: (bucket, rows, segment).
pub(crate) type Segments = BTreeMap<String, Vec<(i64, u64, Segment)>>;

/// The (group, bucket) pairs whose rows all hold one value, with that value.
pub(crate) type Flat = BTreeMap<(String, i64), f64>;

/// Column `i` as text.
pub(crate) fn text_column(b: &RecordBatch, i: usize) -> Result<Vec<String>> {
    let c = cast(b.column(i), &DataType::Utf8)?;
    let a = c.as_string::<i32>();
    Ok((0..a.len()).map(|k| a.value(k).to_string()).collect())
}

/// Column `i` as doubles (a null is NaN).
pub(crate) fn f64_column(b: &RecordBatch, i: usize) -> Result<Vec<f64>> {
    let c = cast(b.column(i), &DataType::Float64)?;
    let a = c.as_primitive::<Float64Type>();
    Ok((0..a.len())
        .map(|k| if a.is_null(k) { f64::NAN } else { a.value(k) })
        .collect())
}

/// Column `i` as integers (a null is 0: a count over no rows).
pub(crate) fn i64_column(b: &RecordBatch, i: usize) -> Result<Vec<i64>> {
    let c = cast(b.column(i), &DataType::Int64)?;
    let a = c.as_primitive::<Int64Type>();
    Ok((0..a.len())
        .map(|k| if a.is_null(k) { 0 } else { a.value(k) })
        .collect())
}

/// The group key's texts (one per `by` column) from the joined key.
pub(crate) fn split_key(g: &str, parts: usize) -> Vec<String> {
    if parts == 0 {
        Vec::new()
    } else {
        g.split('\u{1f}').map(str::to_string).collect()
    }
}

/// The group key for messages: its texts joined by ", ".
pub(crate) fn shown(g: &str) -> String {
    g.replace('\u{1f}', ", ")
}

/// The (group, bucket, n, W, S, T, lo, hi) rows, per group in bucket order, and the
/// buckets whose smallest and largest values are equal.
pub(crate) fn collect_segments(batches: &[RecordBatch]) -> Result<(Segments, Flat)> {
    let mut parts: Segments = BTreeMap::new();
    let mut flat = Flat::new();
    for b in batches {
        let g = text_column(b, 0)?;
        let (bucket, n) = (i64_column(b, 1)?, i64_column(b, 2)?);
        let (w, s, t) = (f64_column(b, 3)?, f64_column(b, 4)?, f64_column(b, 5)?);
        let (lo, hi) = (f64_column(b, 6)?, f64_column(b, 7)?);
        for i in 0..b.num_rows() {
            let segment = Segment {
                w: w[i],
                s: s[i],
                t: t[i],
            };
            parts
                .entry(g[i].clone())
                .or_default()
                .push((bucket[i], n[i] as u64, segment));
            if lo[i] == hi[i] {
                flat.insert((g[i].clone(), bucket[i]), lo[i]);
            }
        }
    }
    for segs in parts.values_mut() {
        segs.sort_by_key(|p| p.0);
    }
    Ok((parts, flat))
}

/// A group's buckets merged in value order: its whole `(W, S, T)`.
pub(crate) fn merged(parts: &[(i64, u64, Segment)]) -> Segment {
    parts
        .iter()
        .fold(Segment::default(), |acc, p| acc.then(p.2))
}

/// The first of a group's buckets (in value order) in which the cumulative weight reaches
/// `target`, with the weight and the `Σ w x` before it; `None` when rounding leaves the target
/// just above the group's total.
pub(crate) fn bucket_reaching(
    parts: &[(i64, u64, Segment)],
    target: f64,
) -> Option<(i64, f64, f64)> {
    let (mut c_before, mut s_before) = (0.0, 0.0);
    for (bucket, _, seg) in parts {
        if c_before + seg.w < target {
            c_before += seg.w;
            s_before += seg.s;
            continue;
        }
        return Some((*bucket, c_before, s_before));
    }
    None
}

/// A group's Gini from its merged buckets; an error when its weights are all zero or its
/// mean is not positive.
pub(crate) fn gini_of(g: &str, parts: &[(i64, u64, Segment)]) -> Result<f64> {
    let total = merged(parts);
    if total.w.is_nan() || total.w <= 0.0 {
        return Err(Error::Data(format!(
            "group '{}': all weights are zero",
            shown(g)
        )));
    }
    if total.s.is_nan() || total.s <= 0.0 {
        return Err(Error::Data(format!(
            "group '{}': the weighted mean is {}; the Gini ratio needs a positive mean",
            shown(g),
            total.s / total.w
        )));
    }
    Ok(total.gini())
}
