//! Point estimates per group: each group sorted once, evaluated for every measure.

use super::Table;
use crate::error::{Error, Location, Result};
use crate::measure::positive::NonPositivePolicy;
use crate::measure::{Estimate, Measure, Options, ThresholdScope};
use crate::sample::{Scale, SortedSample};
use std::sync::Arc;

/// One measure for one group: the tidy result row of `gini compute`.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupEstimate {
    /// The group's key (empty without grouping).
    pub key: Vec<String>,
    pub measure: Measure,
    pub estimate: Estimate,
}

/// Evaluates `measures` on every group of `table`. Each group is sorted once for all its
/// measures; groups run in parallel and the rows come back in group order, then measure
/// order.
///
/// # Errors
/// The first group (in file order) that fails: all-zero weights, non-positive values for a
/// measure that needs positive ones (under [`NonPositivePolicy::Error`]), a non-positive mean.
pub fn compute(
    table: Table,
    measures: &[Measure],
    options: &Options,
) -> Result<Vec<GroupEstimate>> {
    use rayon::prelude::*;
    let needs_positive: Vec<String> = measures
        .iter()
        .filter(|m| m.needs_positive_values())
        .map(Measure::name)
        .collect();
    // Relative-poverty measures of a grouped table take the threshold from every group
    // together: one pooled sample, sorted once, each group a domain of it.
    let pooled = if population_threshold_measures(table.groups.len(), measures, options).is_empty()
    {
        None
    } else {
        let all: Vec<usize> = (0..table.groups.len()).collect();
        Some(pooled_sample(&table, &all)?)
    };
    let Table {
        path,
        by,
        groups,
        value_column,
        extra_labels,
        extra_columns,
        poverty_line,
        components,
    } = table;
    let shell = Table {
        path,
        by,
        groups: Vec::new(),
        value_column,
        extra_labels,
        extra_columns,
        poverty_line,
        components,
    };
    let per_group: Vec<Result<Vec<GroupEstimate>>> = groups
        .into_par_iter()
        .enumerate()
        .map(|(g, group)| {
            if options.non_positive == NonPositivePolicy::Error {
                if let Some(m) = needs_positive.first() {
                    group.require_positive(&shell, m)?;
                }
            }
            let context = group.describe(&shell.by);
            let location = Location::column(shell.path.clone(), shell.value_column.clone());
            let in_group = |e: Error| e.at_column(&location).in_context(&context);
            // Values or weights near the ends of the double range are brought into it.
            let scale = group.scale(poverty_line).map_err(in_group)?;
            let (mut values, mut weights) = (group.values, group.weights);
            scale.apply(&mut values, weights.as_deref_mut());
            let sample = scaled_sample(
                values,
                weights,
                &group.lines,
                &group.components,
                &shell,
                &scale,
                poverty_line,
            )
            .map_err(in_group)?;
            measures
                .iter()
                .map(|m| {
                    let estimate =
                        estimate_in_group(m, &sample, scale, pooled.as_ref(), g, options)
                            .map_err(in_group)?;
                    super::require_finite(estimate.value, m, "estimate").map_err(in_group)?;
                    Ok(GroupEstimate {
                        key: group.key.clone(),
                        measure: m.clone(),
                        estimate,
                    })
                })
                .collect()
        })
        .collect();
    let mut rows = Vec::new();
    for r in per_group {
        rows.extend(r?);
    }
    Ok(rows)
}

/// Measure `m` of group `g` (its sorted `sample`, at `scale`) in the data's units: on the
/// group's own sample, or — for a measure whose threshold comes from the whole population —
/// on the pooled sample restricted to the group, with the group's own rows and population.
fn estimate_in_group(
    m: &Measure,
    sample: &SortedSample,
    scale: Scale,
    pooled: Option<&(SortedSample, Arc<Vec<u32>>, Scale)>,
    g: usize,
    options: &Options,
) -> Result<Estimate> {
    match pooled {
        Some((all, ids, all_scale)) if m.uses_population_threshold() => {
            let domain = all.in_domain(ids.clone(), g as u32);
            let e = m.evaluate(&domain, options)?;
            // The rows and population are the group's, not the pool's.
            let own = Estimate {
                value: all_scale.unscale(m, e.value),
                n: sample.len(),
                population: sample.total_weight(),
                excluded: 0,
            };
            Ok(Estimate {
                value: own.value,
                ..scale.unscale_estimate(m, own)
            })
        }
        _ => Ok(scale.unscale_estimate(m, m.evaluate(sample, options)?)),
    }
}

/// A group's sorted sample from its values and weights (already at `scale`), with its
/// poverty line(s) — the group's own, or `poverty_line` for everybody — and its named
/// components, both brought to `scale` too.
fn scaled_sample(
    values: Vec<f64>,
    weights: Option<Vec<f64>>,
    lines: &Option<Vec<f64>>,
    components: &[Vec<f64>],
    shell: &Table,
    scale: &Scale,
    poverty_line: Option<f64>,
) -> Result<SortedSample> {
    if components.is_empty() {
        match (lines, poverty_line) {
            (Some(lines), _) => {
                let mut lines = lines.clone();
                scale.apply(&mut lines, None);
                SortedSample::with_poverty_lines(values, weights, &lines)
            }
            (None, Some(z)) => SortedSample::from_vecs(values, weights).and_then(|s| {
                let mut z = [z];
                scale.apply(&mut z, None);
                s.with_poverty_line(z[0])
            }),
            (None, None) => SortedSample::from_vecs(values, weights),
        }
    } else {
        let named = shell
            .components
            .iter()
            .cloned()
            .zip(components.iter().map(|c| {
                let mut c = c.clone();
                scale.apply(&mut c, None);
                c
            }))
            .collect();
        let lines = lines.as_ref().map(|l| {
            let mut l = l.clone();
            scale.apply(&mut l, None);
            l
        });
        SortedSample::with_components_and_lines(values, weights, named, lines.as_deref()).and_then(
            |s| match (lines.is_none(), poverty_line) {
                (true, Some(z)) => {
                    let mut z = [z];
                    scale.apply(&mut z, None);
                    s.with_poverty_line(z[0])
                }
                _ => Ok(s),
            },
        )
    }
}

/// The measures of `measures` that take their threshold from the whole population of
/// `groups` groups (evaluated on the pooled groups): none for one group or with
/// [`ThresholdScope::Group`].
pub(crate) fn population_threshold_measures(
    groups: usize,
    measures: &[Measure],
    options: &Options,
) -> Vec<Measure> {
    if groups < 2 || options.threshold != ThresholdScope::Population {
        return Vec::new();
    }
    measures
        .iter()
        .filter(|m| m.uses_population_threshold())
        .cloned()
        .collect()
}

/// The observations of the groups `members` in one sample, sorted once, with each sorted
/// observation's group index (its position in `members`, for [`SortedSample::in_domain`]) and
/// the scale applied to the pool.
pub(crate) fn pooled_sample(
    table: &Table,
    members: &[usize],
) -> Result<(SortedSample, Arc<Vec<u32>>, Scale)> {
    let groups: Vec<&super::Group> = members.iter().map(|&m| &table.groups[m]).collect();
    let n: usize = groups.iter().map(|g| g.values.len()).sum();
    let weighted = groups.iter().any(|g| g.weights.is_some());
    let mut values = Vec::with_capacity(n);
    let mut weights = Vec::with_capacity(if weighted { n } else { 0 });
    let mut ids = Vec::with_capacity(n);
    for (g, group) in groups.iter().enumerate() {
        values.extend_from_slice(&group.values);
        if weighted {
            match &group.weights {
                Some(w) => weights.extend_from_slice(w),
                None => weights.extend(std::iter::repeat_n(1.0, group.values.len())),
            }
        }
        ids.extend(std::iter::repeat_n(g as u32, group.values.len()));
    }
    let mut weights = weighted.then_some(weights);
    let location = Location::column(table.path.clone(), table.value_column.clone());
    let scale = Scale::of(&values, weights.as_deref()).map_err(|e| e.at_column(&location))?;
    scale.apply(&mut values, weights.as_deref_mut());
    let sample =
        SortedSample::with_labels(values, weights, ids).map_err(|e| e.at_column(&location))?;
    let ids = Arc::new(sample.labels().expect("sorted with labels").to_vec());
    Ok((sample, ids, scale))
}
