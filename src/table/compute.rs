//! Point estimates per group: each group sorted once, evaluated for every measure.

use super::Table;
use crate::error::{Error, Location, Result};
use crate::measure::positive::NonPositivePolicy;
use crate::measure::{Estimate, Measure, Options, ThresholdScope};
use crate::sample::SortedSample;
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
            let in_group = |e: Error| {
                e.at_component_columns(&shell.path, &shell.components)
                    .at_column(&location)
                    .in_context(&context)
            };
            let key = group.key.clone();
            let sample = group_sample(group, &shell, poverty_line).map_err(in_group)?;
            measures
                .iter()
                .map(|m| {
                    let estimate = estimate_in_group(m, &sample, pooled.as_ref(), g, options)
                        .map_err(in_group)?;
                    super::require_finite(estimate.value, m, "estimate").map_err(in_group)?;
                    Ok(GroupEstimate {
                        key: key.clone(),
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

/// Measure `m` of group `g` (its sorted `sample`) in the data's units: on the group's own
/// sample, or — for a measure whose threshold comes from the whole population — on the pooled
/// sample restricted to the group, with the group's own rows and population.
fn estimate_in_group(
    m: &Measure,
    sample: &SortedSample,
    pooled: Option<&(SortedSample, Arc<Vec<u32>>)>,
    g: usize,
    options: &Options,
) -> Result<Estimate> {
    match pooled {
        Some((all, ids)) if m.uses_population_threshold() => {
            let domain = all.in_domain(ids.clone(), g as u32);
            let e = m.evaluate(&domain, options)?;
            // The rows and population are the group's, not the pool's.
            Ok(Estimate {
                value: e.value,
                n: sample.len(),
                population: sample.scale().persons_back(sample.total_weight()),
                excluded: 0,
            })
        }
        _ => m.evaluate(sample, options),
    }
}

/// A group's sorted sample with its poverty line(s) — the group's own, or `poverty_line` for
/// everybody — and its named components. The sample rescales values or weights near the ends
/// of the double range, with the power of two chosen together with the lines and components.
fn group_sample(
    group: super::Group,
    shell: &Table,
    poverty_line: Option<f64>,
) -> Result<SortedSample> {
    if !group.components.is_empty() {
        let named = shell
            .components
            .iter()
            .cloned()
            .zip(group.components)
            .collect();
        let lines = group.lines.as_deref();
        return SortedSample::with_components_and_lines(
            group.values,
            group.weights,
            named,
            lines,
            poverty_line,
        );
    }
    if let Some(lines) = &group.lines {
        return SortedSample::with_poverty_lines(group.values, group.weights, lines);
    }
    let line: Vec<f64> = poverty_line.into_iter().collect();
    let sample = SortedSample::build_beside(group.values, group.weights, None, &[&line])?;
    match poverty_line {
        Some(z) => sample.with_poverty_line(z),
        None => Ok(sample),
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
/// observation's group index (its position in `members`, for [`SortedSample::in_domain`]).
pub(crate) fn pooled_sample(
    table: &Table,
    members: &[usize],
) -> Result<(SortedSample, Arc<Vec<u32>>)> {
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
    let weights = weighted.then_some(weights);
    let location = Location::column(table.path.clone(), table.value_column.clone());
    let sample =
        SortedSample::with_labels(values, weights, ids).map_err(|e| e.at_column(&location))?;
    let ids = Arc::new(sample.labels().expect("sorted with labels").to_vec());
    Ok((sample, ids))
}
