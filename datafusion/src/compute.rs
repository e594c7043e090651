//! [`Engine::compute`]: every group's measures from their out-of-core plans
//! ([`ginikit::measure::out_of_core::Plan`]): the Gini from the merged buckets, Lorenz
//! ordinates and quantiles from the buckets where they end, the other measures from one pass
//! of sums of their terms. The terms and the finishing formulas are the library's.

use crate::merge::{
    f64_column, gini_of, i64_column, merged, shown, split_key, text_column, Segments,
};
use crate::sql::{self, lit_f64, lit_str, values_table};
use crate::steps::ByFraction;
use crate::{Engine, Error, GroupResult, Result, Spec};
use ginikit::measure::out_of_core::{Plan, Reference};
use ginikit::measure::positive::NonPositivePolicy;
use ginikit::Measure;
use std::collections::BTreeMap;

/// A group's rows, weight, total value and the smallest and largest values of positive
/// weight: over all its rows, or over those with a value above zero.
#[derive(Debug, Clone, Copy)]
struct Part {
    n: u64,
    w: f64,
    s: f64,
    lo: f64,
    hi: f64,
}

impl Part {
    fn mean(&self) -> f64 {
        self.s / self.w
    }

    /// The value a [`Reference`] names (the poverty line is the caller's).
    fn reference(&self, r: Reference, line: f64) -> f64 {
        match r {
            Reference::Mean => self.mean(),
            Reference::Smallest => self.lo,
            Reference::Largest => self.hi,
            Reference::PovertyLine => line,
        }
    }
}

/// Per group (key text): all its rows, and its rows with a positive value.
type Totals = BTreeMap<String, (Part, Part)>;

/// What the plans read off the value-sorted rows: every group's buckets, and the Lorenz
/// ordinates and quantiles asked for, keyed by (group, fraction).
#[derive(Default)]
struct Ordered {
    segs: Segments,
    below: ByFraction,
    quantiles: ByFraction,
}

/// The measures with their plans, or an error naming the first without one.
fn plans(measures: &[Measure], spec: &Spec) -> Result<Vec<(String, Plan)>> {
    measures
        .iter()
        .map(|m| match m.out_of_core(&spec.options) {
            Some(plan) => Ok((m.name(), plan)),
            None => Err(Error::NoPlan(m.name())),
        })
        .collect()
}

impl Engine {
    /// The measures of every group, in the order asked for, each computed from its plan
    /// ([`Measure::out_of_core`] under `spec.options`). A measure without a plan is
    /// [`Error::NoPlan`]; FGT measures need `poverty_line`. Under
    /// [`NonPositivePolicy::Exclude`] the measures that need positive values are computed
    /// over the values above zero, and [`GroupResult::positive`] gives their rows and weight.
    pub async fn compute(
        &self,
        spec: &Spec,
        measures: &[Measure],
        poverty_line: Option<f64>,
    ) -> Result<Vec<GroupResult>> {
        let plans = plans(measures, spec)?;
        let exclude = spec.options.non_positive == NonPositivePolicy::Exclude;
        let positive = plans
            .iter()
            .any(|(_, p)| matches!(p, Plan::Sum { positive: true, .. }));
        self.validate(spec, positive && !exclude).await?;
        let line_needed = plans.iter().any(|(_, p)| {
            matches!(
                p,
                Plan::Sum {
                    reference: Reference::PovertyLine,
                    ..
                }
            )
        });
        let line = match poverty_line {
            Some(z) => z,
            None if line_needed => {
                return Err(Error::Data("FGT measures need a poverty line".into()))
            }
            None => f64::NAN,
        };
        let totals = self.group_totals(spec).await?;
        let Ordered {
            segs,
            below,
            quantiles,
        } = self.ordered(spec, &plans, &totals).await?;
        let sums = self.term_sums(spec, &plans, &totals, line).await?;
        let mut out = Vec::new();
        for (g, (all, pos)) in &totals {
            let mut values = Vec::new();
            for (i, (name, plan)) in plans.iter().enumerate() {
                let at = |m: &ByFraction, p: f64| m.get(&(g.clone(), p.to_bits())).copied();
                let v = match plan {
                    Plan::Gini => gini_of(g, &segs[g])?,
                    Plan::Mean => all.mean(),
                    Plan::Sum {
                        reference,
                        positive,
                        finish,
                        ..
                    } => {
                        let part = if *positive { pos } else { all };
                        if part.w.is_nan() || part.w <= 0.0 {
                            return Err(Error::Data(if *positive {
                                format!(
                                    "group '{}': no value above zero with a positive weight, \
                                     so {name} (defined on positive values) cannot be computed",
                                    shown(g)
                                )
                            } else {
                                format!("group '{}': all weights are zero", shown(g))
                            }));
                        }
                        let r = part.reference(*reference, line);
                        let sum = sums.get(g).map_or(f64::NAN, |s| s[i]);
                        finish(sum / part.w, r / part.mean())
                    }
                    Plan::Lorenz { fractions, finish } => {
                        let total = merged(&segs[g]);
                        let l: Vec<f64> = fractions
                            .iter()
                            .map(|&p| at(&below, p).unwrap_or(f64::NAN))
                            .collect();
                        finish(&l, total.s, total.w)
                            .map_err(|e| Error::Data(format!("group '{}': {e}", shown(g))))?
                    }
                    Plan::Quantile(p) => at(&quantiles, *p).unwrap_or(f64::NAN),
                };
                values.push((name.clone(), v));
            }
            out.push(GroupResult {
                key: split_key(g, spec.by.len()),
                rows: all.n,
                total_weight: all.w,
                values,
                positive: (exclude && positive).then_some((pos.n, pos.w)),
            });
        }
        Ok(out)
    }

    /// What the plans need from the value-sorted rows: the buckets (for the Gini), the
    /// Lorenz ordinates and the quantiles they ask for (Q(0) and Q(1) are the groups' smallest
    /// and largest values of positive weight, in `totals`); nothing when none needs them.
    async fn ordered(
        &self,
        spec: &Spec,
        plans: &[(String, Plan)],
        totals: &Totals,
    ) -> Result<Ordered> {
        let mut out = Ordered::default();
        if plans
            .iter()
            .all(|(_, p)| matches!(p, Plan::Mean | Plan::Sum { .. }))
        {
            return Ok(out);
        }
        let (bucketed, segs, flat) = self.segments(spec).await?;
        let mut fractions: Vec<f64> = Vec::new();
        let mut probabilities: Vec<f64> = Vec::new();
        for (_, plan) in plans {
            match plan {
                Plan::Lorenz { fractions: f, .. } => fractions.extend(f),
                Plan::Quantile(p) => probabilities.push(*p),
                _ => {}
            }
        }
        for v in [&mut fractions, &mut probabilities] {
            v.sort_by(f64::total_cmp);
            v.dedup();
        }
        if !fractions.is_empty() {
            out.below = self
                .cumulative_values(&bucketed.sql, &segs, &flat, &fractions)
                .await?;
        }
        if !probabilities.is_empty() {
            let ends = totals
                .iter()
                .map(|(g, (all, _))| (g.clone(), (all.lo, all.hi)))
                .collect();
            out.quantiles = self
                .quantiles(spec, &bucketed.sql, &segs, &flat, &probabilities, &ends)
                .await?;
        }
        out.segs = segs;
        Ok(out)
    }

    /// Every group's [`Part`]s: all rows, and the rows with a value above zero.
    async fn group_totals(&self, spec: &Spec) -> Result<Totals> {
        let sql = format!(
            "SELECT g, COUNT(*), SUM(w), SUM(w * x), \
                    MIN(CASE WHEN w > 0 THEN x END), MAX(CASE WHEN w > 0 THEN x END), \
                    SUM(CASE WHEN x > 0 THEN 1 ELSE 0 END), SUM(CASE WHEN x > 0 THEN w ELSE 0 END), \
                    SUM(CASE WHEN x > 0 THEN w * x ELSE 0 END), \
                    MIN(CASE WHEN w > 0 AND x > 0 THEN x END), MAX(CASE WHEN w > 0 AND x > 0 THEN x END) \
             FROM ({}) GROUP BY g",
            sql::rows(spec)
        );
        let mut totals = Totals::new();
        for b in &self.query(&sql).await? {
            let g = text_column(b, 0)?;
            let n = [i64_column(b, 1)?, i64_column(b, 6)?];
            let f: Vec<Vec<f64>> = [2, 3, 4, 5, 7, 8, 9, 10]
                .iter()
                .map(|&c| f64_column(b, c))
                .collect::<Result<_>>()?;
            for (i, g) in g.into_iter().enumerate() {
                let part = |k: usize, c: usize| Part {
                    n: n[k][i] as u64,
                    w: f[c][i],
                    s: f[c + 1][i],
                    lo: f[c + 2][i],
                    hi: f[c + 3][i],
                };
                totals.insert(g, (part(0, 0), part(1, 4)));
            }
        }
        Ok(totals)
    }

    /// Per group, `Σ w·term(x, r)` for every [`Plan::Sum`] (NaN for the other plans, which
    /// sum nothing), over the rows the plan covers, `r` its reference; in one pass, with every
    /// group's references joined to its rows.
    async fn term_sums(
        &self,
        spec: &Spec,
        plans: &[(String, Plan)],
        totals: &Totals,
        line: f64,
    ) -> Result<BTreeMap<String, Vec<f64>>> {
        // (plan position, SQL of its sum) for the plans that sum a term.
        let mut sums: Vec<(usize, String)> = Vec::new();
        for (i, (_, plan)) in plans.iter().enumerate() {
            let Plan::Sum {
                term,
                reference,
                positive,
                ..
            } = plan
            else {
                continue;
            };
            let part = if *positive { "pos" } else { "all" };
            let r = match reference {
                Reference::Mean => format!("mu_{part}"),
                Reference::Smallest => format!("lo_{part}"),
                Reference::Largest => format!("hi_{part}"),
                Reference::PovertyLine => lit_f64(line),
            };
            let t = sql::term(*term, "x", &r);
            sums.push((
                i,
                if *positive {
                    format!("SUM(CASE WHEN x > 0 THEN w * {t} ELSE 0 END)")
                } else {
                    format!("SUM(w * {t})")
                },
            ));
        }
        let mut by_group: BTreeMap<String, Vec<f64>> = totals
            .keys()
            .map(|g| (g.clone(), vec![f64::NAN; plans.len()]))
            .collect();
        if sums.is_empty() {
            return Ok(by_group);
        }
        let references = values_table(
            "refs",
            &[
                "rg", "mu_all", "lo_all", "hi_all", "mu_pos", "lo_pos", "hi_pos",
            ],
            totals.iter().map(|(g, (all, pos))| {
                let mut row = vec![lit_str(g)];
                for p in [all, pos] {
                    row.extend([p.mean(), p.lo, p.hi].map(|v| {
                        // A part without rows has no references; its sums are not used.
                        lit_f64(if v.is_finite() { v } else { 0.0 })
                    }));
                }
                row
            }),
        );
        let columns: Vec<String> = sums
            .iter()
            .enumerate()
            .map(|(k, (_, s))| format!("CAST({s} AS DOUBLE) AS m{k}"))
            .collect();
        let query = format!(
            "SELECT g, {} FROM ({}) r JOIN {references} ON r.g = refs.rg GROUP BY g",
            columns.join(", "),
            sql::rows(spec)
        );
        for b in &self.query(&query).await? {
            let g = text_column(b, 0)?;
            let cols: Vec<Vec<f64>> = (1..b.num_columns())
                .map(|c| f64_column(b, c))
                .collect::<Result<_>>()?;
            for (row, g) in g.iter().enumerate() {
                if let Some(values) = by_group.get_mut(g) {
                    for ((i, _), col) in sums.iter().zip(&cols) {
                        values[*i] = col[row];
                    }
                }
            }
        }
        Ok(by_group)
    }
}
