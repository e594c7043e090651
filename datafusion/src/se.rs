//! Linearized standard errors of the Gini and the mean out of core: each row's influence
//! value from its bucket's offsets and the running sums inside the bucket, summed per PSU,
//! and the with-replacement variance of those totals within strata, centred in two passes
//! (no cancellation of `Σu² − (Σu)²/n`), the strata's terms added with compensation.

use crate::merge::{f64_column, gini_of, i64_column, merged, shown, split_key, text_column};
use crate::sql::{self, lit_f64, lit_str, values_table};
use crate::{Engine, Error, GroupSe, Result, Spec};
use ginikit::internals::Compensated;
use ginikit::survey::design::LonelyPsu;
use std::collections::BTreeMap;

impl Engine {
    /// The Gini and mean of every group with their linearized standard errors (Langel &
    /// Tillé's influence values of the midpoint Gini, `(x − μ)/N` for the mean): PSU totals
    /// `u_hj = Σ w z`, variance `Σ_h n_h/(n_h − 1) Σ_j (u_hj − ū_h)²` over every PSU of the
    /// stratum in the table (a group is a domain: PSUs without its rows count with 0), PSUs
    /// with replacement, no finite-population correction — the in-memory engine's formula.
    /// Strata with one PSU follow `spec.lonely` (an error, or no variance under
    /// `Certainty`; `Adjust` is [`Error::Unsupported`]). PSU codes are taken within strata
    /// when `spec.nested`; otherwise a PSU code in two strata is an error.
    ///
    /// `z` needs each row's cumulative weight and value through the end of its ties: bucket
    /// offsets plus cumulative sums inside the bucket (a `RANGE` window, which takes ties
    /// whole).
    pub async fn gini_and_mean_se(&self, spec: &Spec) -> Result<Vec<GroupSe>> {
        if spec.lonely == LonelyPsu::Adjust {
            return Err(Error::Unsupported(
                "standard errors with single-PSU strata centred at the grand mean (adjust)".into(),
            ));
        }
        self.validate(spec, false).await?;
        let (b, segs, _) = self.segments(spec).await?;
        let mut ginis = BTreeMap::new();
        for (g, parts) in &segs {
            ginis.insert(g.clone(), gini_of(g, parts)?);
        }
        // Per (group, bucket): weight and value before it, and the group's N, T, G.
        let mut offsets = Vec::new();
        for (g, parts) in &segs {
            let total = merged(parts);
            let (mut before_w, mut before_s) = (0.0, 0.0);
            for (bucket, _, seg) in parts {
                offsets.push(vec![
                    lit_str(g),
                    bucket.to_string(),
                    lit_f64(before_w),
                    lit_f64(before_s),
                    lit_f64(total.w),
                    lit_f64(total.s),
                    lit_f64(ginis[g]),
                ]);
                before_w += seg.w;
                before_s += seg.s;
            }
        }
        let offsets = values_table(
            "bucket_offsets",
            &[
                "og", "ob", "w_before", "s_before", "n_total", "t_total", "gini",
            ],
            offsets.into_iter(),
        );
        let psus = self.psus_per_stratum(spec).await?;
        let strata = values_table(
            "strata",
            &["sh", "n_h"],
            psus.iter()
                .map(|(h, n)| vec![lit_str(h), lit_f64(*n as f64)]),
        );
        let sql = sql::psu_squares(&b, &offsets, &strata, spec.psu.is_some());
        // Stratum terms summed with compensation (the kernel's Neumaier sums), in stratum
        // order, as the in-memory engine sums its variance.
        let mut var: BTreeMap<String, (Compensated, Compensated)> = BTreeMap::new();
        for b in &self.query(&sql).await? {
            let (g, h) = (text_column(b, 0)?, text_column(b, 1)?);
            let touched = i64_column(b, 2)?;
            let (mean_g, mean_m) = (f64_column(b, 3)?, f64_column(b, 4)?);
            let (ss_g, ss_m) = (f64_column(b, 5)?, f64_column(b, 6)?);
            for i in 0..g.len() {
                let n = psus[&h[i]] as f64;
                if n < 2.0 {
                    continue; // a single-PSU stratum under `Certainty`: no variance
                }
                // The PSUs of the stratum without the group's rows: totals 0.
                let untouched = n - touched[i] as f64;
                let e = var.entry(g[i].clone()).or_default();
                e.0.add(n / (n - 1.0) * (ss_g[i] + untouched * mean_g[i] * mean_g[i]));
                e.1.add(n / (n - 1.0) * (ss_m[i] + untouched * mean_m[i] * mean_m[i]));
            }
        }
        Ok(segs
            .iter()
            .map(|(g, parts)| {
                let total = merged(parts);
                let (vg, vm) = var
                    .get(g)
                    .map_or((f64::NAN, f64::NAN), |(vg, vm)| (vg.value(), vm.value()));
                GroupSe {
                    key: split_key(g, spec.by.len()),
                    rows: parts.iter().map(|p| p.1).sum(),
                    total_weight: total.w,
                    gini: (ginis[g], vg.max(0.0).sqrt()),
                    mean: (total.s / total.w, vm.max(0.0).sqrt()),
                }
            })
            .collect())
    }

    /// The PSUs of every stratum of the whole table (its rows without a PSU column); an
    /// error for a PSU code in two strata (unless nested) and, under [`LonelyPsu::Error`],
    /// for a stratum with one PSU.
    async fn psus_per_stratum(&self, spec: &Spec) -> Result<BTreeMap<String, i64>> {
        let rows = sql::rows(spec);
        if spec.psu.is_some() && spec.strata.is_some() && !spec.nested {
            let sql = format!(
                "SELECT j FROM (SELECT DISTINCT h, j FROM ({rows})) GROUP BY j \
                 HAVING COUNT(*) > 1 LIMIT 1"
            );
            if let Some(j) = self
                .query(&sql)
                .await?
                .iter()
                .find(|b| b.num_rows() > 0)
                .map(|b| text_column(b, 0))
                .transpose()?
            {
                return Err(Error::Data(format!(
                    "column '{}': PSU '{}' appears in two strata; PSU codes must be unique \
                     across strata, or, if they restart within each stratum, declare the PSUs \
                     nested in strata",
                    spec.psu.as_deref().unwrap_or_default(),
                    j[0]
                )));
            }
        }
        let count = if spec.psu.is_some() {
            "COUNT(DISTINCT j)"
        } else {
            "COUNT(*)"
        };
        let mut psus = BTreeMap::new();
        let sql = format!("SELECT h, CAST({count} AS BIGINT) FROM ({rows}) GROUP BY h");
        for b in &self.query(&sql).await? {
            for (h, n) in text_column(b, 0)?.into_iter().zip(i64_column(b, 1)?) {
                psus.insert(h, n);
            }
        }
        if spec.lonely == LonelyPsu::Error {
            if let Some((h, _)) = psus.iter().find(|(_, &n)| n < 2) {
                return Err(Error::Data(format!(
                    "stratum '{}' has a single PSU, so its variance cannot be estimated; merge \
                     it with a neighbouring stratum, or choose the certainty policy for \
                     single-PSU strata",
                    shown(h)
                )));
            }
        }
        Ok(psus)
    }
}
