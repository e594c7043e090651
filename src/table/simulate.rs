//! A table's rows for a scheme, and the tables whose estimates are a scheme's terms.

use super::survey::{infer, GroupInference, SeMethod, SurveySpec};
use super::Table;
use crate::attribute::scenario_terms;
use crate::error::{Error, Result};
use crate::measure::{Measure, Options};
use crate::simulate::solve::{
    solve, solve_measures, solve_table_components, Direction, Lever, Solution,
};
use crate::simulate::{change, Rows, Scheme};
use crate::survey::replicate::ReplicateMethod;
use crate::survey::Tick;

/// The rows of every group of `table`, in group order, for a scheme. `size` is the position in
/// [`super::TableSpec::extra`] of the household-size column read as codes (its labels are the
/// sizes); without it each row is one person. `table.components` are the transfers.
///
/// # Errors
/// A household size that is not a positive number.
pub fn rows(table: &Table, size: Option<usize>) -> Result<Rows> {
    let sizes_of_code: Option<Vec<f64>> = match size {
        None => None,
        Some(k) => Some(
            table.extra_labels[k]
                .iter()
                .map(|label| match label.trim().parse::<f64>() {
                    Ok(s) if s > 0.0 && s.is_finite() => Ok(s),
                    _ => Err(Error::InvalidParameter {
                        name: "household size",
                        value: label.clone(),
                        expected: format!(
                            "a positive number of persons in column '{}' of {}",
                            table.extra_columns[k].0,
                            table.path.display()
                        ),
                    }),
                })
                .collect::<Result<_>>()?,
        ),
    };
    let mut rows = Rows {
        transfers: vec![Vec::new(); table.components.len()],
        transfer_names: table.components.clone(),
        ..Rows::default()
    };
    for g in &table.groups {
        rows.values.extend_from_slice(&g.values);
        match &g.weights {
            Some(w) => rows.person_weights.extend_from_slice(w),
            None => rows
                .person_weights
                .extend(std::iter::repeat_n(1.0, g.values.len())),
        }
        match (&sizes_of_code, size) {
            (Some(s), Some(k)) => rows.sizes.extend(g.extra[k].iter().map(|&c| s[c as usize])),
            _ => rows.sizes.extend(std::iter::repeat_n(1.0, g.values.len())),
        }
        for (t, c) in rows.transfers.iter_mut().zip(&g.components) {
            t.extend_from_slice(c);
        }
    }
    Ok(rows)
}

/// `table` with the change `delta` (in the order of [`rows`]): the scenario's income as the
/// value and `Δ` as the one component when the scheme raises incomes (`true`); the baseline as
/// the value and `−Δ` as the component when it lowers them (`false`).
///
/// # Errors
/// A change of another length than the table; one that raises some incomes and lowers
/// others; one that makes an income negative.
pub fn scenario_table(table: &Table, delta: &[f64]) -> Result<(Table, bool)> {
    let rows: usize = table.groups.iter().map(|g| g.values.len()).sum();
    if delta.len() != rows {
        return Err(Error::LengthMismatch {
            left: "table rows",
            left_len: rows,
            right: "changes",
            right_len: delta.len(),
        });
    }
    let raising = delta.iter().all(|&d| d >= 0.0);
    if !raising && delta.iter().any(|&d| d > 0.0) {
        return Err(Error::InvalidParameter {
            name: "scheme",
            value: "a mixed change".into(),
            expected: "a scheme that only raises or only lowers incomes".into(),
        });
    }
    let mut out = table.clone();
    out.components = vec!["scenario".into()];
    let mut at = 0;
    for g in &mut out.groups {
        let n = g.values.len();
        let d = &delta[at..at + n];
        if raising {
            g.values.iter_mut().zip(d).for_each(|(v, d)| *v += d);
            g.components = vec![d.to_vec()];
        } else {
            if let Some(k) = g.values.iter().zip(d).position(|(v, d)| v + d < 0.0) {
                return Err(Error::InvalidParameter {
                    name: "scheme",
                    value: format!("a cut of {} at data row {}", -d[k], g.row(k)),
                    expected: format!("a cut no larger than the value {} of that row", g.values[k]),
                });
            }
            g.components = vec![d.iter().map(|d| -d).collect()];
        }
        at += n;
    }
    Ok((out, raising))
}

/// `table` as one group carrying the direction's amounts and priorities as its components:
/// the sample a solve's estimators read.
pub fn solve_table(table: &Table, direction: &Direction) -> Table {
    let members: Vec<usize> = (0..table.groups.len()).collect();
    let mut out = table.regroup(&members, &[]);
    let components = solve_table_components(direction);
    out.components = components.iter().map(|(n, _)| n.clone()).collect();
    if let Some(g) = out.groups.first_mut() {
        g.components = components.into_iter().map(|(_, c)| c).collect();
    }
    out
}

/// A solve's outcome, for [`Simulation`].
#[derive(Debug, Clone)]
pub enum Solved {
    /// Reached on the full sample at `gini`; `rows` are the budget and the lever's size with
    /// their replicate inference (key: the label).
    Reached {
        label: String,
        gini: f64,
        replicates: usize,
        rows: Vec<GroupInference>,
    },
    /// The lever cannot reach the target: its lowest Gini, where, and at what cost.
    Unreachable {
        label: String,
        lever: Lever,
        theta: f64,
        gini: f64,
        budget: f64,
    },
}

/// Everything `gini simulate` estimates: each scheme's terms per group (the scheme's
/// description first in each key) and each lever's solve.
#[derive(Debug, Clone)]
pub struct Simulation {
    /// `scheme` and then the table's `by` columns.
    pub by: Vec<String>,
    pub scenarios: Vec<GroupInference>,
    pub solves: Vec<Solved>,
    pub survey: SurveySpec,
    /// The replicate inference of the solves.
    pub replicated: SurveySpec,
}

/// Runs `schemes` (each a scenario with `measures` besides the Gini, per group of `table`)
/// and, with `target`, solves each of its levers on the whole table. `size` as in [`rows`];
/// `replicated`: the replicate inference of the solves.
///
/// # Errors
/// As [`crate::simulate::change`], [`crate::simulate::solve::solve`] and the estimates.
#[allow(clippy::too_many_arguments)]
pub fn simulate(
    table: &Table,
    size: Option<usize>,
    schemes: &[Scheme],
    target: Option<(f64, &[Lever])>,
    measures: &[Measure],
    survey: &SurveySpec,
    replicated: &SurveySpec,
    tick: Tick<'_>,
) -> Result<Simulation> {
    let options = Options::default();
    let data = rows(table, size)?;
    let every = |t: &Table| (0..t.groups.len()).collect::<Vec<usize>>();
    let tagged = |label: &str, rows: Vec<GroupInference>| -> Vec<GroupInference> {
        rows.into_iter()
            .map(|mut r| {
                r.key.insert(0, label.to_string());
                r
            })
            .collect()
    };
    let mut scenarios = Vec::new();
    for scheme in schemes {
        let delta = change(&data, scheme)?;
        let (scenario, raising) = scenario_table(table, &delta)?;
        let terms = scenario_terms(measures, raising);
        let found = infer(&scenario, &every(&scenario), survey, &terms, &options, tick)?;
        scenarios.extend(tagged(&scheme.describe(), found));
    }
    let mut solves = Vec::new();
    if let Some((target, levers)) = target {
        for lever in levers {
            let direction = Direction::new(&data, lever)?;
            let label = format!("Gini {target} by {}", lever.describe());
            solves.push(match solve(&data, &direction, target)? {
                Solution::Reached { theta, gini, .. } => {
                    let terms = solve_measures(lever, target, theta, direction.max);
                    let t = solve_table(table, &direction);
                    let found = infer(&t, &[0], replicated, &terms, &options, tick)?;
                    Solved::Reached {
                        rows: tagged(&label, found),
                        label,
                        gini,
                        replicates: super::survey::replicate_count(&t, replicated),
                    }
                }
                Solution::Unreachable {
                    theta,
                    gini,
                    budget,
                } => Solved::Unreachable {
                    label,
                    lever: lever.clone(),
                    theta,
                    gini,
                    budget,
                },
            });
        }
    }
    let mut by = vec!["scheme".to_string()];
    by.extend(table.by.iter().cloned());
    Ok(Simulation {
        by,
        scenarios,
        solves,
        survey: *survey,
        replicated: *replicated,
    })
}

/// The inference of a solve: `survey` itself when it uses replicates, else a bootstrap with
/// `replicates` and `seed` on the same design (a solve has no linearized variance).
pub fn replicated(survey: &SurveySpec, replicates: usize, seed: u64) -> SurveySpec {
    let mut s = *survey;
    if s.method == SeMethod::Linearization {
        s.method = SeMethod::Replicates(ReplicateMethod::Bootstrap { replicates, seed });
    }
    s
}
