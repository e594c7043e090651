//! Changes of measures between survey rounds: rounds from files or a period column, each
//! round estimated against its own design, changes with standard errors, intervals and tests.

use super::survey::{infer, GroupInference, SurveySpec};
use super::Table;
use crate::error::{Error, Result};
use crate::measure::{Measure, Options};
use crate::survey::{change, Change, Tick};
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// A round's (estimate, se) by (group key, measure name).
type RoundIndex<'a> = HashMap<(&'a [String], String), (f64, f64)>;

/// One round's estimates.
#[derive(Debug, Clone)]
pub struct RoundEstimates {
    pub label: String,
    /// Rows with the period column (if any) removed from the keys.
    pub rows: Vec<GroupInference>,
}

/// The note for a group estimated in round `there` and not in round `missing`: `what` (a
/// change, a growth curve) cannot be given for it, and it is named rather than dropped.
pub(crate) fn unmatched_note(key: &[String], there: &str, missing: &str, what: &str) -> String {
    let group = if key.is_empty() {
        "(all)".to_string()
    } else {
        key.join("/")
    };
    format!("note: group {group} is in round {there} but not in round {missing}: no {what} is given for it")
}

/// The change of one measure in one group between two rounds.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct TrendRow {
    pub key: Vec<String>,
    pub measure: Measure,
    pub from: String,
    pub to: String,
    pub estimate_from: f64,
    pub estimate_to: f64,
    pub change: Change,
}

/// Which rounds to compare.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Pairs {
    /// Each round with the next.
    #[default]
    Consecutive,
    /// Named (from, to) pairs.
    Given(Vec<(String, String)>),
}

/// The label a file gives its round: its name without the extension.
pub fn file_label(path: &Path) -> String {
    path.file_stem().map_or_else(
        || path.display().to_string(),
        |s| s.to_string_lossy().to_string(),
    )
}

/// The survey rounds in `table`: with `period_first`, the groups' first key column names the
/// round; otherwise the whole table is the round `label`. Rounds in order of first
/// appearance, each with the indices of its groups.
pub fn split_rounds(table: &Table, period_first: bool, label: &str) -> Vec<(String, Vec<usize>)> {
    let mut rounds: Vec<(String, Vec<usize>)> = Vec::new();
    for (g, group) in table.groups.iter().enumerate() {
        let round = if period_first {
            group.key[0].clone()
        } else {
            label.to_string()
        };
        match rounds.iter_mut().find(|(l, _)| *l == round) {
            Some((_, v)) => v.push(g),
            None => rounds.push((round, vec![g])),
        }
    }
    rounds
}

/// Estimates every round of `table` (see [`split_rounds`]) with its own design; the period
/// column is dropped from the keys of the rows.
pub fn estimate_rounds(
    table: &Table,
    period_first: bool,
    label: &str,
    spec: &SurveySpec,
    measures: &[Measure],
    options: &Options,
    tick: Tick<'_>,
) -> Result<Vec<RoundEstimates>> {
    split_rounds(table, period_first, label)
        .into_iter()
        .map(|(label, members)| {
            let mut rows = infer(table, &members, spec, measures, options, tick)?;
            if period_first {
                for r in &mut rows {
                    r.key.remove(0);
                }
            }
            Ok(RoundEstimates { label, rows })
        })
        .collect()
}

/// The positions of the rounds of each pair: consecutive rounds, or the pairs named.
fn pair_positions(rounds: &[RoundEstimates], pairs: &Pairs) -> Result<Vec<(usize, usize)>> {
    let index = |label: &str| {
        rounds.iter().position(|r| r.label == label).ok_or_else(|| {
            let known: Vec<&str> = rounds.iter().map(|r| r.label.as_str()).collect();
            Error::InvalidParameter {
                name: "pair of rounds",
                value: label.into(),
                expected: format!("one of the rounds read: {}", known.join(", ")),
            }
        })
    };
    Ok(match pairs {
        Pairs::Consecutive => {
            if rounds.len() < 2 {
                return Err(Error::Rounds {
                    problem: format!(
                        "only one round found ({})",
                        rounds.first().map_or("", |r| r.label.as_str())
                    ),
                    fix: "a trend needs two rounds: give one table per round, or a period column with two or more values".into(),
                });
            }
            (1..rounds.len()).map(|i| (i - 1, i)).collect()
        }
        Pairs::Given(list) => list
            .iter()
            .map(|(a, b)| Ok((index(a)?, index(b)?)))
            .collect::<Result<_>>()?,
    })
}

/// Changes between `rounds` for every group and measure, groups in order of first
/// appearance, then measures, then pairs. `d = later − earlier`, `se = √(se₁² + se₂²)`:
/// rounds are independent samples.
///
/// Also returns notes naming each group that is in one round of a pair and not in the other
/// (no change can be given for it; it is never dropped silently).
///
/// # Errors
/// Fewer than two rounds, a round named twice, a pair naming a round that is not there.
pub fn changes(
    rounds: &[RoundEstimates],
    pairs: &Pairs,
    level: f64,
) -> Result<(Vec<TrendRow>, Vec<String>)> {
    for (i, r) in rounds.iter().enumerate() {
        if rounds[..i].iter().any(|x| x.label == r.label) {
            return Err(Error::Rounds {
                problem: format!("round '{}' appears in more than one input", r.label),
                fix: "give each round once".into(),
            });
        }
    }
    let pairs = pair_positions(rounds, pairs)?;
    // Groups and measures in order of first appearance; each round's rows by (group, measure)
    // name, so that many groups cost a look-up each, not a scan of every row.
    let mut groups: Vec<&Vec<String>> = Vec::new();
    let mut seen_groups: HashSet<&Vec<String>> = HashSet::new();
    let mut measures: Vec<&Measure> = Vec::new();
    for r in rounds.iter().flat_map(|r| &r.rows) {
        if seen_groups.insert(&r.key) {
            groups.push(&r.key);
        }
        if !measures.contains(&&r.measure) {
            measures.push(&r.measure);
        }
    }
    let indexed: Vec<RoundIndex<'_>> = rounds
        .iter()
        .map(|round| {
            round
                .rows
                .iter()
                .map(|r| {
                    let key = (r.key.as_slice(), r.measure.name());
                    (key, (r.result.estimate.value, r.result.inference.se))
                })
                .collect()
        })
        .collect();
    let find =
        |round: usize, key: &[String], m: &Measure| indexed[round].get(&(key, m.name())).copied();
    let mut out = Vec::new();
    let mut notes = Vec::new();
    for key in groups {
        for &(a, b) in &pairs {
            let has = |round: usize| measures.iter().any(|m| find(round, key, m).is_some());
            let (in_a, in_b) = (has(a), has(b));
            if in_a != in_b {
                let (there, missing) = if in_a { (a, b) } else { (b, a) };
                notes.push(unmatched_note(
                    key,
                    &rounds[there].label,
                    &rounds[missing].label,
                    "change",
                ));
            }
        }
        for m in &measures {
            for &(a, b) in &pairs {
                let (Some((ea, sa)), Some((eb, sb))) = (find(a, key, m), find(b, key, m)) else {
                    continue;
                };
                out.push(TrendRow {
                    key: key.clone(),
                    measure: (*m).clone(),
                    from: rounds[a].label.clone(),
                    to: rounds[b].label.clone(),
                    estimate_from: ea,
                    estimate_to: eb,
                    change: change(ea, sa, eb, sb, level),
                });
            }
        }
    }
    Ok((out, notes))
}
