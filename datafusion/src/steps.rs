//! The plan's steps that run on the engine: checking the columns, cutting the value axis
//! into buckets, sorting and summing the buckets, and reading back the few buckets where a
//! Lorenz ordinate or a quantile ends.

use crate::merge::{
    bucket_reaching, collect_segments, f64_column, i64_column, merged, text_column, Flat, Segments,
};
use crate::sql::{self, ident, lit_f64, lit_str, values_table, Bucketed};
use crate::{Engine, Error, Result, Spec};
use std::collections::BTreeMap;

/// A population fraction ending inside a bucket: `(p, p·W, weight before the bucket,
/// Σ w x before the bucket)`.
type BoundaryEnd = (f64, f64, f64, f64);

/// A quantile asked of a bucket: `(p, p·W, weight before the bucket)`.
type QuantileAsk = (f64, f64, f64);

/// Values keyed by (group, the bits of a fraction or probability).
pub(crate) type ByFraction = BTreeMap<(String, u64), f64>;

impl Engine {
    /// Checks the columns: no missing, NaN or infinite values or weights, no negative
    /// weights, and (for `positive`) no zero or negative values; the error gives the count
    /// and the column.
    pub(crate) async fn validate(&self, spec: &Spec, positive: bool) -> Result<()> {
        if let Some(size) = &spec.size {
            let sql = format!(
                "SELECT CAST(COUNT(*) AS BIGINT) FROM households \
                 WHERE {s} IS NULL OR NOT (CAST({s} AS DOUBLE) > 0)",
                s = ident(size)
            );
            let bad = i64_column(&self.query(&sql).await?[0], 0)?[0];
            if bad > 0 {
                return Err(Error::Data(format!(
                    "column '{size}': {bad} household size(s) are missing, zero or negative; a household has at least one person: fix or remove those rows"
                )));
            }
        }
        let src = sql::rows(spec);
        let sql = format!(
            "SELECT \
               COUNT(*) AS n, \
               SUM(CASE WHEN x IS NULL OR isnan(x) OR x = 'Infinity'::double OR x = '-Infinity'::double THEN 1 ELSE 0 END) AS bad_x, \
               SUM(CASE WHEN w IS NULL OR isnan(w) OR w = 'Infinity'::double THEN 1 ELSE 0 END) AS bad_w, \
               SUM(CASE WHEN w < 0 THEN 1 ELSE 0 END) AS neg_w, \
               SUM(CASE WHEN x <= 0 THEN 1 ELSE 0 END) AS nonpos_x \
             FROM ({src})"
        );
        let b = &self.query(&sql).await?[0];
        let get = |i: usize| -> Result<i64> { Ok(i64_column(b, i)?[0]) };
        let (n, bad_x, bad_w, neg_w, nonpos) = (get(0)?, get(1)?, get(2)?, get(3)?, get(4)?);
        let weight = spec.weight.as_deref().unwrap_or("(unit weights)");
        if n == 0 {
            return Err(Error::Data("the table has no rows".into()));
        }
        if bad_x > 0 {
            return Err(Error::Data(format!(
                "column '{}': {bad_x} value(s) are missing, NaN or infinite; remove or impute them",
                spec.value
            )));
        }
        if bad_w > 0 || neg_w > 0 {
            return Err(Error::Data(format!(
                "column '{weight}': {} weight(s) are missing or not finite and {neg_w} are negative; weights must be finite and zero or positive",
                bad_w
            )));
        }
        if positive && nonpos > 0 {
            return Err(Error::Data(format!(
                "column '{}': {nonpos} value(s) are zero or negative, but GE and Atkinson measures need strictly positive values; drop them",
                spec.value
            )));
        }
        Ok(())
    }

    /// Bucket boundaries: distinct approximate quantiles of the values (`buckets − 1` of
    /// them). Any increasing boundaries give the same exact result; these keep buckets about
    /// equal in size.
    pub(crate) async fn boundaries(&self, spec: &Spec) -> Result<Vec<f64>> {
        if spec.buckets <= 1 {
            return Ok(Vec::new());
        }
        let src = sql::rows(spec);
        let cols: Vec<String> = (1..spec.buckets)
            .map(|i| {
                format!(
                    "approx_percentile_cont({}) WITHIN GROUP (ORDER BY x) AS q{i}",
                    i as f64 / spec.buckets as f64
                )
            })
            .collect();
        let b = self
            .query(&format!("SELECT {} FROM ({src})", cols.join(", ")))
            .await?;
        let mut out: Vec<f64> = Vec::new();
        for i in 0..b[0].num_columns() {
            // A null (no rows) reads as NaN and is left out.
            let q = f64_column(&b[0], i)?[0];
            if q.is_finite() {
                out.push(q);
            }
        }
        out.sort_by(f64::total_cmp);
        out.dedup();
        Ok(out)
    }

    /// The rows with their range bucket: `g, x, w, h, j, bucket`.
    pub(crate) async fn bucketed(&self, spec: &Spec) -> Result<Bucketed> {
        Ok(sql::bucketed(spec, &self.boundaries(spec).await?))
    }

    /// The SQL that reduces every (group, bucket) to its rows, `W`, `S`, `T`: each bucket
    /// sorted by value with a running weight (the engine's sort, which spills).
    pub async fn segment_sql(&self, spec: &Spec) -> Result<String> {
        Ok(sql::segments(&self.bucketed(spec).await?))
    }

    /// Every group's buckets in value order, the bucketed rows, and the buckets whose rows
    /// all hold one value.
    pub(crate) async fn segments(&self, spec: &Spec) -> Result<(Bucketed, Segments, Flat)> {
        let b = self.bucketed(spec).await?;
        let batches = self.query(&sql::segments(&b)).await?;
        let (segs, flat) = collect_segments(&batches)?;
        Ok((b, segs, flat))
    }

    /// `Σ w x` of the poorest fraction `p` of every group, for every `p` in `fractions`, a
    /// boundary inside a person's weight splitting that person (the Lorenz polygon, as the
    /// in-memory kernel): the bucket that reaches `p·W` is found from the merged bucket
    /// totals, and only those buckets' rows are read, in value order, in one query — not
    /// even those when the bucket holds one value `x` (a block of ties, e.g. millions of
    /// zeros): then the sum is `S_before + (p·W − W_before)·x`.
    pub(crate) async fn cumulative_values(
        &self,
        bucketed: &str,
        segs: &Segments,
        flat: &Flat,
        fractions: &[f64],
    ) -> Result<ByFraction> {
        let mut out = BTreeMap::new();
        // Per (group, bucket) the fractions that end in it, with the totals before it.
        let mut wanted: BTreeMap<(String, i64), Vec<BoundaryEnd>> = BTreeMap::new();
        for (g, parts) in segs {
            let total = merged(parts);
            for &p in fractions {
                if p <= 0.0 {
                    out.insert((g.clone(), p.to_bits()), 0.0);
                    continue;
                }
                if p >= 1.0 {
                    out.insert((g.clone(), p.to_bits()), total.s);
                    continue;
                }
                let target = p * total.w;
                match bucket_reaching(parts, target) {
                    Some((bucket, c_before, s_before)) => match flat.get(&(g.clone(), bucket)) {
                        Some(&x) => {
                            out.insert(
                                (g.clone(), p.to_bits()),
                                s_before + (target - c_before) * x,
                            );
                        }
                        None => wanted
                            .entry((g.clone(), bucket))
                            .or_default()
                            .push((p, target, c_before, s_before)),
                    },
                    None => {
                        out.insert((g.clone(), p.to_bits()), total.s);
                    }
                }
            }
        }
        if wanted.is_empty() {
            return Ok(out);
        }
        let rows = self.bucket_rows(bucketed, wanted.keys()).await?;
        for (key, ends) in &wanted {
            let bucket_rows = rows.get(key).map_or(&[][..], |r| &r[..]);
            for &(p, target, c_before, s_before) in ends {
                let (mut c, mut s_acc) = (c_before, s_before);
                let mut value = None;
                for &(x, w) in bucket_rows {
                    if c + w >= target {
                        value = Some(s_acc + (target - c) * x);
                        break;
                    }
                    c += w;
                    s_acc += w * x;
                }
                // Rounding may leave the target just above the bucket's last cumulative
                // weight: the bucket's whole total is below it.
                out.insert((key.0.clone(), p.to_bits()), value.unwrap_or(s_acc));
            }
        }
        Ok(out)
    }

    /// The rows `(x, w)` of the given (group, bucket) pairs, each bucket's in value order: the
    /// pairs as a small table joined to the rows (a hash join: one pass over the table
    /// whatever the number of groups). Ordered by value alone, which orders each (group,
    /// bucket) list: DataFusion 55's plan check rejects `ORDER BY g, bucket, x` when the group
    /// or the bucket is a constant (no grouping columns, one bucket).
    async fn bucket_rows<'k>(
        &self,
        bucketed: &str,
        wanted: impl Iterator<Item = &'k (String, i64)> + Clone,
    ) -> Result<BTreeMap<(String, i64), Vec<(f64, f64)>>> {
        let keys = values_table(
            "k",
            &["wg", "wb"],
            wanted.map(|(g, b)| vec![lit_str(g), b.to_string()]),
        );
        let sql = format!(
            "SELECT g, bucket, x, w FROM ({bucketed}) r \
             JOIN {keys} ON r.g = k.wg AND r.bucket = k.wb \
             ORDER BY x"
        );
        let mut rows: BTreeMap<(String, i64), Vec<(f64, f64)>> = BTreeMap::new();
        for b in &self.query(&sql).await? {
            let g = text_column(b, 0)?;
            let bucket = i64_column(b, 1)?;
            let (x, w) = (f64_column(b, 2)?, f64_column(b, 3)?);
            for i in 0..x.len() {
                rows.entry((g[i].clone(), bucket[i]))
                    .or_default()
                    .push((x[i], w[i]));
            }
        }
        Ok(rows)
    }

    /// The weighted quantile of every group at each p of `ps`
    /// ([`ginikit::measure::out_of_core::Plan::Quantile`]), with each group's smallest and
    /// largest values of positive weight in `ends` (Q(0) and Q(1)): the
    /// bucket where the cumulative weight reaches `p·W` is found from the merged bucket totals
    /// and only its rows are read back; at an exact step the next value of positive weight
    /// comes from the same bucket or, rarely, from a query for the smallest larger value. A
    /// bucket of one value `x` is not read: the quantile is `x`, or the average of `x` and the
    /// next value when the step ends exactly with the bucket.
    pub(crate) async fn quantiles(
        &self,
        spec: &Spec,
        bucketed: &str,
        segs: &Segments,
        flat: &Flat,
        ps: &[f64],
        ends: &BTreeMap<String, (f64, f64)>,
    ) -> Result<ByFraction> {
        let src = sql::rows(spec);
        let mut out = BTreeMap::new();
        let mut wanted: BTreeMap<(String, i64), Vec<QuantileAsk>> = BTreeMap::new();
        for (g, parts) in segs {
            let total = merged(parts);
            let (lo, hi) = ends.get(g).copied().unwrap_or((f64::NAN, f64::NAN));
            for &p in ps {
                if p <= 0.0 || p >= 1.0 {
                    out.insert((g.clone(), p.to_bits()), if p <= 0.0 { lo } else { hi });
                    continue;
                }
                let target = p * total.w;
                match bucket_reaching(parts, target) {
                    Some((bucket, c_before, _)) => match flat.get(&(g.clone(), bucket)) {
                        Some(&x) => {
                            let w = parts.iter().find(|q| q.0 == bucket).map_or(0.0, |q| q.2.w);
                            let mut value = x;
                            if (c_before + w) / total.w == p && x < hi {
                                value = 0.5 * (x + self.next_positive(&src, g, x).await?);
                            }
                            out.insert((g.clone(), p.to_bits()), value);
                        }
                        None => wanted
                            .entry((g.clone(), bucket))
                            .or_default()
                            .push((p, target, c_before)),
                    },
                    None => {
                        out.insert((g.clone(), p.to_bits()), hi);
                    }
                }
            }
        }
        if wanted.is_empty() {
            return Ok(out);
        }
        let rows = self.bucket_rows(bucketed, wanted.keys()).await?;
        for ((g, bucket), asks) in &wanted {
            let bucket_rows = rows.get(&(g.clone(), *bucket)).map_or(&[][..], |r| &r[..]);
            let total_w = merged(&segs[g]).w;
            let hi = ends.get(g).map_or(f64::NAN, |e| e.1);
            for &(p, target, c_before) in asks {
                let mut c = c_before;
                let mut value = hi;
                for (i, &(x, w)) in bucket_rows.iter().enumerate() {
                    c += w;
                    if c < target {
                        continue;
                    }
                    value = x;
                    if c / total_w == p && x < hi {
                        let next = match bucket_rows[i + 1..].iter().find(|r| r.1 > 0.0) {
                            Some(r) => r.0,
                            None => self.next_positive(&src, g, x).await?,
                        };
                        value = 0.5 * (x + next);
                    }
                    break;
                }
                out.insert((g.clone(), p.to_bits()), value);
            }
        }
        Ok(out)
    }

    /// The smallest value above `x` with positive weight in group `g`.
    async fn next_positive(&self, src: &str, g: &str, x: f64) -> Result<f64> {
        let sql = format!(
            "SELECT MIN(x) FROM ({src}) WHERE g = {} AND w > 0 AND x > {}",
            lit_str(g),
            lit_f64(x)
        );
        let batches = self.query(&sql).await?;
        Ok(batches
            .first()
            .and_then(|b| f64_column(b, 0).ok())
            .and_then(|v| v.first().copied())
            .unwrap_or(x))
    }
}
