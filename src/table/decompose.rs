//! Decompositions of survey rounds by groups, with replicate standard errors: the GE(α)
//! within/between split and Dagum's Gini split per round, and between two rounds the
//! Mookherjee–Shorrocks terms of the change of MLD and Theil T and the change of each Dagum
//! term. The groups of a round are pooled into one sample (sorted once) whose replicates
//! re-estimate every term.

use super::survey::{infer_pooled, SurveySpec};
use super::trend::split_rounds;
use super::Table;
use crate::decompose::{ge_split, Component, GeSplit, Part};
use crate::error::{Error, Location, Result};
use crate::measure::{Measure, Options};
use crate::survey::{change, Tick};
use std::sync::Arc;

/// Which inequality index to decompose.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Index {
    /// GE(α): MLD is α = 0, Theil T α = 1 (the change is decomposed for those two).
    Ge(f64),
    /// The Gini ratio (Dagum).
    Gini,
}

impl Index {
    /// `mld`, `theil_t`, `ge_<α>` or `gini`.
    pub fn parse(name: &str) -> Result<Self> {
        match name {
            "mld" => Ok(Index::Ge(0.0)),
            "theil_t" | "theil" => Ok(Index::Ge(1.0)),
            "gini" => Ok(Index::Gini),
            other => match other
                .strip_prefix("ge_")
                .and_then(|a| a.parse::<f64>().ok())
            {
                Some(a) if a.is_finite() => Ok(Index::Ge(a)),
                _ => Err(Error::InvalidParameter {
                    name: "decomposed measure",
                    value: other.into(),
                    expected: "theil_t, mld, ge_<alpha> or gini".into(),
                }),
            },
        }
    }

    /// The canonical name.
    pub fn name(&self) -> String {
        match *self {
            Index::Gini => "gini".into(),
            Index::Ge(a) => {
                if a == 0.0 {
                    "mld".into()
                } else if a == 1.0 {
                    "theil_t".into()
                } else {
                    format!("ge_{a}")
                }
            }
        }
    }
}

/// One term: of a round (`round` = its label) or of the change between two
/// (`round` = `from→to`), for the whole population or one group.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct DecompositionRow {
    pub round: String,
    pub measure: String,
    pub component: String,
    /// The group, for a group's term.
    pub group: Option<String>,
    pub estimate: f64,
    pub se: f64,
    pub ci_lower: f64,
    pub ci_upper: f64,
    /// Two-sided p-value against zero (change terms).
    pub p_value: Option<f64>,
}

/// A decomposed round: label, table, members in group order, GE splits by index.
type Done<'a> = (String, &'a Table, Vec<usize>, Vec<Option<Arc<GeSplit>>>);

/// A round's pooled groups in a fixed group order.
struct Round {
    label: String,
    members: Vec<usize>,
}

/// The rounds of `table` with their groups (the `by` key without the period) in the order of
/// the first round; every round must have the same groups.
fn rounds(table: &Table, period_first: bool, label: &str) -> Result<(Vec<Round>, Vec<String>)> {
    let skip = usize::from(period_first);
    let key = |g: usize| table.groups[g].key[skip..].join("/");
    let split = split_rounds(table, period_first, label);
    let names: Vec<String> = split[0].1.iter().map(|&g| key(g)).collect();
    let mut out = Vec::new();
    for (label, members) in split {
        // Group name → table group, so that matching k groups takes O(k), not O(k²).
        let index: std::collections::HashMap<String, usize> =
            members.iter().map(|&g| (key(g), g)).collect();
        let mut ordered = Vec::with_capacity(names.len());
        for n in &names {
            let g = index.get(n).copied().ok_or_else(|| Error::Rounds {
                problem: format!("group '{n}' is missing in round {label}"),
                fix: "a decomposition compares the same groups in every round".into(),
            })?;
            ordered.push(g);
        }
        if members.len() != names.len() {
            return Err(Error::Rounds {
                problem: format!("round {label} has groups the first round does not have"),
                fix: "a decomposition compares the same groups in every round".into(),
            });
        }
        out.push(Round {
            label,
            members: ordered,
        });
    }
    Ok((out, names))
}

/// The terms of a round for one index: (part, component name, group).
fn round_parts(index: &Index, names: &[String]) -> Vec<(Part, &'static str, Option<String>)> {
    let whole: &[(Part, &'static str)] = match index {
        Index::Ge(_) => &[
            (Part::GeTotal, "total"),
            (Part::GeWithin, "within"),
            (Part::GeBetween, "between"),
        ],
        Index::Gini => &[
            (Part::Gini, "total"),
            (Part::DagumWithin, "within"),
            (Part::DagumNetBetween, "net_between"),
            (Part::DagumTransvariation, "transvariation"),
        ],
    };
    let group = |g: usize| match index {
        Index::Ge(_) => Part::GeGroup(g),
        Index::Gini => Part::DagumGroup(g),
    };
    whole
        .iter()
        .map(|&(p, n)| (p, n, None))
        .chain(
            names
                .iter()
                .enumerate()
                .map(|(g, n)| (group(g), "group_within", Some(n.clone()))),
        )
        .collect()
}

/// The Mookherjee–Shorrocks terms of a change: (part, component name, group).
fn change_parts(names: &[String]) -> Vec<(Part, &'static str, Option<String>)> {
    [
        (Part::ChangeTotal, "change"),
        (Part::ChangeWithin, "change_within"),
        (Part::ChangePopulationShares, "change_population_shares"),
        (Part::ChangeRelativeMeans, "change_relative_means"),
        (Part::ChangeResidual, "change_residual"),
    ]
    .into_iter()
    .map(|(p, n)| (p, n, None))
    .chain(
        names
            .iter()
            .enumerate()
            .map(|(g, n)| (Part::ChangeGroup(g), "change_group", Some(n.clone()))),
    )
    .collect()
}

fn alpha_of(index: &Index) -> f64 {
    match index {
        Index::Ge(a) => *a,
        Index::Gini => 0.0,
    }
}

/// Checks a round's groups before pooling, so that errors name the file, the column, the
/// row and the group: every group needs a positive weight, and GE indices need strictly
/// positive values (a positive total for the Gini's relative terms).
fn check_round(table: &Table, members: &[usize], indices: &[Index]) -> Result<()> {
    let column = Location::column(table.path.clone(), table.value_column.clone());
    for &g in members {
        let group = &table.groups[g];
        let context = group.describe(&table.by);
        let weight = |i: usize| group.weights.as_ref().map_or(1.0, |w| w[i]);
        let total: f64 = (0..group.values.len()).map(weight).sum();
        if total.is_nan() || total <= 0.0 {
            return Err(Error::ZeroTotalWeight {
                location: column.clone(),
                count: group.values.len(),
                context: format!("{context}; a decomposition needs every group populated"),
            });
        }
        for index in indices {
            if let Index::Ge(alpha) = index {
                group.require_positive(table, &format!("the GE({alpha}) decomposition"))?;
            }
        }
        let sum: f64 = (0..group.values.len())
            .map(|i| weight(i) * group.values[i])
            .sum();
        if sum.is_nan() || sum <= 0.0 {
            return Err(Error::NonPositiveMean {
                location: column.clone(),
                measure: "the decomposition (relative group means)".into(),
                mean: sum / total,
                context,
            });
        }
    }
    Ok(())
}

/// Whether the change of this index is decomposed by Mookherjee–Shorrocks (MLD, Theil T).
fn has_ms(index: &Index) -> bool {
    matches!(index, Index::Ge(a) if *a == 0.0 || *a == 1.0)
}

/// The decomposition of every round in `tables` (each a file, or split by a period column
/// with `period_first`) and of the change between consecutive rounds. Each round is pooled
/// and replicated once: every term of every index, and the change terms against the rounds
/// before and after it (the other round held at its estimate), come from the same replicates.
///
/// # Errors
/// Fewer than two groups; rounds with different groups; non-positive values for GE; a
/// linearization method (the terms take their standard errors from replicates).
pub fn decompose(
    tables: &[(&Table, &str)],
    period_first: bool,
    spec: &SurveySpec,
    indices: &[Index],
    tick: Tick<'_>,
) -> Result<Vec<DecompositionRow>> {
    let (done, names) = split_every_round(tables, period_first, indices)?;
    let terms = Terms {
        round: indices.iter().map(|i| round_parts(i, &names)).collect(),
        change: change_parts(&names),
    };
    let estimates = done
        .iter()
        .enumerate()
        .map(|(r, _)| estimate_round(&done, r, indices, &terms, spec, tick))
        .collect::<Result<Vec<_>>>()?;
    let mut rows = Vec::new();
    for (round, e) in done.iter().zip(&estimates) {
        for (i, index) in indices.iter().enumerate() {
            for ((_, component, group), e) in terms.round[i].iter().zip(&e.own[i]) {
                rows.push(DecompositionRow {
                    round: round.0.clone(),
                    measure: index.name(),
                    component: component.to_string(),
                    group: group.clone(),
                    estimate: e.estimate.value,
                    se: e.inference.se,
                    ci_lower: e.inference.ci_lower,
                    ci_upper: e.inference.ci_upper,
                    p_value: None,
                });
            }
        }
    }
    for b in 1..done.len() {
        let label = format!("{}→{}", done[b - 1].0, done[b].0);
        for (i, index) in indices.iter().enumerate() {
            let (a, b) = (&estimates[b - 1], &estimates[b]);
            rows.extend(change_rows(&label, index, i, a, b, &terms, spec.level));
        }
    }
    Ok(rows)
}

/// The terms decomposed: per index a round's own terms, and the change terms
/// (Mookherjee–Shorrocks); each `(part, component name, group)`.
struct Terms {
    round: Vec<Vec<(Part, &'static str, Option<String>)>>,
    change: Vec<(Part, &'static str, Option<String>)>,
}

/// A round's estimates, by index: its own terms, and the change terms against the round
/// before (this one later) and after (this one earlier), where the index has them.
struct RoundEstimates {
    own: Vec<Vec<crate::survey::SurveyEstimate>>,
    as_later: Vec<Option<Vec<crate::survey::SurveyEstimate>>>,
    as_earlier: Vec<Option<Vec<crate::survey::SurveyEstimate>>>,
}

/// Every round of every table, in order, with its GE splits by index (MLD and Theil T only:
/// the other round of a change term, from one pooled sample of the round), and the groups'
/// names, which every round must share.
fn split_every_round<'a>(
    tables: &[(&'a Table, &str)],
    period_first: bool,
    indices: &[Index],
) -> Result<(Vec<Done<'a>>, Vec<String>)> {
    let mut done: Vec<Done<'a>> = Vec::new();
    let mut group_names: Option<Vec<String>> = None;
    for (table, label) in tables {
        let (rs, names) = rounds(table, period_first, label)?;
        if names.len() < 2 {
            return Err(Error::Rounds {
                problem: "only one group".into(),
                fix: "a decomposition needs two or more groups".into(),
            });
        }
        match &group_names {
            Some(g) if *g != names => {
                return Err(Error::Rounds {
                    problem: format!(
                        "the rounds of {label} have other groups than the first table's"
                    ),
                    fix: "a decomposition compares the same groups in every round".into(),
                })
            }
            _ => group_names = Some(names.clone()),
        }
        for r in rs {
            check_round(table, &r.members, indices)?;
            let pooled = if indices.iter().any(has_ms) {
                Some(super::compute::pooled_sample(table, &r.members)?)
            } else {
                None
            };
            let splits = indices
                .iter()
                .map(|i| match (&pooled, has_ms(i)) {
                    (Some((sample, ids)), true) => {
                        ge_split(sample, ids, alpha_of(i)).map(|s| Some(Arc::new(s)))
                    }
                    _ => Ok(None),
                })
                .collect::<Result<Vec<_>>>()?;
            done.push((r.label, *table, r.members, splits));
        }
    }
    Ok((done, group_names.unwrap_or_default()))
}

/// Round `r`'s terms of every index, pooled and replicated once: its own terms and the
/// change terms against its neighbours (the other round held at its estimate) come from the
/// same replicates.
fn estimate_round(
    done: &[Done<'_>],
    r: usize,
    indices: &[Index],
    terms: &Terms,
    spec: &SurveySpec,
    tick: Tick<'_>,
) -> Result<RoundEstimates> {
    let mut measures: Vec<Measure> = Vec::new();
    let mut spans = Vec::new(); // (own, later, earlier) ranges per index
    for (i, index) in indices.iter().enumerate() {
        let alpha = alpha_of(index);
        let start = measures.len();
        measures.extend(terms.round[i].iter().map(|(p, _, _)| {
            Measure::new(Component {
                part: *p,
                alpha,
                other: None,
            })
        }));
        let own_range = start..measures.len();
        let mut ranges = [None, None];
        for (slot, neighbour, later) in [
            (0, r.checked_sub(1), true),
            (1, (r + 1 < done.len()).then_some(r + 1), false),
        ] {
            if let (Some(n), true) = (neighbour, has_ms(index)) {
                let other = done[n].3[i]
                    .clone()
                    .expect("MLD and Theil T rounds are split");
                let start = measures.len();
                measures.extend(terms.change.iter().map(|(p, _, _)| {
                    Measure::new(Component {
                        part: *p,
                        alpha,
                        other: Some((other.clone(), later)),
                    })
                }));
                ranges[slot] = Some(start..measures.len());
            }
        }
        spans.push((own_range, ranges));
    }
    let round = &done[r];
    let est = infer_pooled(
        round.1,
        &round.2,
        spec,
        &measures,
        &Options::default(),
        tick,
    )?;
    Ok(RoundEstimates {
        own: spans.iter().map(|(o, _)| est[o.clone()].to_vec()).collect(),
        as_later: spans
            .iter()
            .map(|(_, [l, _])| l.clone().map(|l| est[l].to_vec()))
            .collect(),
        as_earlier: spans
            .iter()
            .map(|(_, [_, e])| e.clone().map(|e| est[e].to_vec()))
            .collect(),
    })
}

/// The rows of the change of index `index` (the `i`-th) from round estimates `a` to `b`:
/// Mookherjee–Shorrocks terms where the index has them — the earlier round's replicates
/// (later fixed) and the later round's (earlier fixed): independent samples, so the
/// variances add — else the change of each term, with independent standard errors.
fn change_rows(
    label: &str,
    index: &Index,
    i: usize,
    a: &RoundEstimates,
    b: &RoundEstimates,
    terms: &Terms,
    level: f64,
) -> Vec<DecompositionRow> {
    let row =
        |component: String, group: &Option<String>, c: crate::survey::Change| DecompositionRow {
            round: label.to_string(),
            measure: index.name(),
            component,
            group: group.clone(),
            estimate: c.change,
            se: c.se,
            ci_lower: c.ci_lower,
            ci_upper: c.ci_upper,
            p_value: Some(c.p_value),
        };
    if let (Some(ea), Some(eb)) = (&a.as_earlier[i], &b.as_later[i]) {
        terms
            .change
            .iter()
            .zip(ea.iter().zip(eb))
            .map(|((_, component, group), (x, y))| {
                let c = change(0.0, x.inference.se, y.estimate.value, y.inference.se, level);
                row(component.to_string(), group, c)
            })
            .collect()
    } else {
        terms.round[i]
            .iter()
            .zip(a.own[i].iter().zip(&b.own[i]))
            .map(|((_, component, group), (x, y))| {
                let c = change(
                    x.estimate.value,
                    x.inference.se,
                    y.estimate.value,
                    y.inference.se,
                    level,
                );
                row(format!("change_{component}"), group, c)
            })
            .collect()
    }
}
