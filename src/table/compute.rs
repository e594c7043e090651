//! Point estimates per group: each group sorted once, evaluated for every measure.

use super::Table;
use crate::error::{Error, Location, Result};
use crate::measure::positive::NonPositivePolicy;
use crate::measure::{Estimate, Measure, Options};
use crate::sample::{Scale, SortedSample};

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
    let Table {
        path,
        by,
        groups,
        value_column,
        extra_labels,
        extra_columns,
    } = table;
    let shell = Table {
        path,
        by,
        groups: Vec::new(),
        value_column,
        extra_labels,
        extra_columns,
    };
    let per_group: Vec<Result<Vec<GroupEstimate>>> = groups
        .into_par_iter()
        .map(|group| {
            if options.non_positive == NonPositivePolicy::Error {
                if let Some(m) = needs_positive.first() {
                    group.require_positive(&shell, m)?;
                }
            }
            let context = group.describe(&shell.by);
            let location = Location::column(shell.path.clone(), shell.value_column.clone());
            let in_group = |e: Error| e.at_column(&location).in_context(&context);
            // Values or weights near the ends of the double range are brought into it.
            let (mut values, mut weights) = (group.values, group.weights);
            let scale = Scale::of(&values, weights.as_deref());
            scale.apply(&mut values, weights.as_deref_mut());
            let sample = SortedSample::from_vecs(values, weights).map_err(in_group)?;
            measures
                .iter()
                .map(|m| {
                    let estimate = m.evaluate(&sample, options).map_err(in_group)?;
                    let estimate = scale.unscale_estimate(m, estimate);
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
