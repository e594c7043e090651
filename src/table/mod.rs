//! Household tables in, per-group person-level values and weights out. The only module that
//! sees polars.
//!
//! A row is a household (or a person). With `size`, the row stands for `size` persons: the
//! person weight is `weight × size` (BPS practice), and with `per_capita` the value is the
//! household total divided by `size`. Rows are split into groups by the `by` columns, groups
//! in the order they first appear in the file. Every validation error names the file, the
//! column, how many rows are affected and the first data row (counted from 1, the header not
//! counted).

mod columns;
mod read;
pub mod survey;
mod write;

pub use write::{households_frame, write_households};

pub use read::{column_names, InputFormat, Wanted};

use crate::error::{Error, Location, Position, Result};
use crate::measure::positive::NonPositivePolicy;
use crate::measure::{Estimate, Measure, Options};
use crate::sample::SortedSample;
use columns::{key_codes, numeric_column};
use std::path::{Path, PathBuf};

/// Which columns of a table mean what.
#[derive(Debug, Clone, Default)]
pub struct TableSpec {
    /// The money value (per person, or the household total with `per_capita`).
    pub value: String,
    /// Survey weight (household weight when `size` is given).
    pub weight: Option<String>,
    /// Household size: each row stands for this many persons.
    pub size: Option<String>,
    /// Divide the value by `size` (the value column holds household totals).
    pub per_capita: bool,
    /// Grouping columns (text or integers).
    pub by: Vec<String>,
    /// Extra columns to read and keep per row, as `u32` codes (strata, PSU, period, …),
    /// in this order.
    pub extra: Vec<(String, &'static str, &'static str)>,
    /// Replicate-weight columns shipped with the file (household weights when `size` is
    /// given: they are multiplied by the size like the main weight).
    pub replicate_weights: Vec<String>,
    /// File format; `None`: from the extension.
    pub format: Option<InputFormat>,
}

/// One group's person-level data, in file order.
#[derive(Debug, Clone)]
pub struct Group {
    /// The group's key, one entry per `by` column, written as in the file.
    pub key: Vec<String>,
    /// Person-level values (per capita when asked).
    pub values: Vec<f64>,
    /// Person weights; `None` when neither weight nor size was given (unit weights).
    pub weights: Option<Vec<f64>>,
    /// 1-based data-row number of each value; empty when the group is the whole file in
    /// order (row k + 1 for value k), so that an ungrouped table costs no row list.
    pub rows: Vec<u32>,
    /// The extra columns' codes per value (see [`TableSpec::extra`]).
    pub extra: Vec<Vec<u32>>,
    /// Persons sampled: the sum of household sizes, or the number of rows.
    pub persons: f64,
    /// Replicate person weights, one vector per replicate column, aligned with `values`.
    pub replicate_weights: Vec<Vec<f64>>,
}

/// A table split into groups.
#[derive(Debug, Clone)]
pub struct Table {
    pub path: PathBuf,
    /// The `by` column names.
    pub by: Vec<String>,
    pub groups: Vec<Group>,
    /// The value column's name (for messages).
    pub value_column: String,
    /// For each extra column, its distinct labels in code order.
    pub extra_labels: Vec<Vec<String>>,
    /// For each extra column, its name and role (see [`TableSpec::extra`]).
    pub extra_columns: Vec<(String, &'static str)>,
}

impl Group {
    /// A phrase naming the group, e.g. `province=Aceh, area=rural`.
    pub fn describe(&self, by: &[String]) -> String {
        by.iter()
            .zip(&self.key)
            .map(|(c, v)| format!("{c}={v}"))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The 1-based data row of value `k`.
    pub fn row(&self, k: usize) -> u32 {
        if self.rows.is_empty() {
            k as u32 + 1
        } else {
            self.rows[k]
        }
    }

    /// Checks that every value is strictly positive, for measures that need it; the error
    /// names the file's first offending row.
    pub fn require_positive(&self, table: &Table, measure: &str) -> Result<()> {
        let first = self.values.iter().position(|&x| x <= 0.0);
        match first {
            None => Ok(()),
            Some(i) => Err(Error::NonPositiveValue {
                location: Location::Column {
                    file: table.path.clone(),
                    column: table.value_column.clone(),
                },
                measure: measure.to_string(),
                count: self.values[i..].iter().filter(|&&x| x <= 0.0).count(),
                first: Position::Row(self.row(i) as usize),
                value: self.values[i],
                context: self.describe(&table.by),
            }),
        }
    }
}

/// Reads a table file and returns its person-level values per group.
///
/// # Errors
/// Unreadable or malformed file, a missing column, non-numeric or empty cells in a numeric
/// column, NaN or infinite values, negative weights, household sizes that are not positive,
/// empty cells in a grouping column.
pub fn read_table(path: &Path, spec: &TableSpec) -> Result<Table> {
    let format = spec.format.unwrap_or_else(|| InputFormat::from_path(path));
    let mut wanted = vec![Wanted {
        name: spec.value.clone(),
        role: "value",
        flag: "--value",
    }];
    if let Some(w) = &spec.weight {
        wanted.push(Wanted {
            name: w.clone(),
            role: "weight",
            flag: "--weight",
        });
    }
    if let Some(s) = &spec.size {
        wanted.push(Wanted {
            name: s.clone(),
            role: "household size",
            flag: "--size",
        });
    }
    for b in &spec.by {
        wanted.push(Wanted {
            name: b.clone(),
            role: "grouping",
            flag: "--by",
        });
    }
    for name in &spec.replicate_weights {
        wanted.push(Wanted {
            name: name.clone(),
            role: "replicate weight",
            flag: "--repweights",
        });
    }
    for (name, role, flag) in &spec.extra {
        wanted.push(Wanted {
            name: name.clone(),
            role,
            flag,
        });
    }
    let df = match read::read_columns(path, format, &wanted, false) {
        // polars infers a column's type from the first rows and fails on a later cell that
        // does not fit; read the columns as text so the bad cell can be named exactly.
        Err(Error::Malformed { .. }) if format == InputFormat::Csv => {
            read::read_columns(path, format, &wanted, true)?
        }
        other => other?,
    };
    let n = df.height();
    if n == 0 {
        return Err(Error::Empty {
            location: Location::Column {
                file: path.to_path_buf(),
                column: spec.value.clone(),
            },
            context: "the file has no data rows".into(),
        });
    }
    let numeric = |name: &str| numeric_column(&df, path, format, name);
    let mut values = numeric(&spec.value)?;

    let mut weights = match &spec.weight {
        Some(w) => {
            let w = numeric(w)?;
            check_weights(&w, path, spec.weight.as_deref().unwrap_or_default())?;
            Some(w)
        }
        None => None,
    };
    let mut replicate_weights: Vec<Vec<f64>> = Vec::with_capacity(spec.replicate_weights.len());
    for name in &spec.replicate_weights {
        let w = numeric(name)?;
        check_weights(&w, path, name)?;
        replicate_weights.push(w);
    }
    let mut sizes: Option<Vec<f64>> = None;
    if let Some(size_col) = &spec.size {
        let size = numeric(size_col)?;
        if let Some(i) = size.iter().position(|&s| s <= 0.0) {
            return Err(Error::OutOfRange {
                location: Location::Column {
                    file: path.to_path_buf(),
                    column: size_col.clone(),
                },
                count: size.iter().filter(|&&s| s <= 0.0).count(),
                first: Position::Row(i + 1),
                value: size[i],
                problem: "are zero or negative household sizes".into(),
                fix: "a household has at least one person: fix or remove those rows".into(),
            });
        }
        if spec.per_capita {
            for (v, s) in values.iter_mut().zip(&size) {
                *v /= s;
            }
        }
        for rw in replicate_weights.iter_mut() {
            for (w, s) in rw.iter_mut().zip(&size) {
                *w *= s;
            }
        }
        weights = Some(match weights {
            Some(mut w) => {
                for (w, s) in w.iter_mut().zip(&size) {
                    *w *= s;
                }
                w
            }
            None => size.clone(),
        });
        sizes = Some(size);
    }
    let by_codes: Vec<(Vec<u32>, Vec<String>)> = spec
        .by
        .iter()
        .map(|c| key_codes(&df, path, c))
        .collect::<Result<_>>()?;
    let extra: Vec<(Vec<u32>, Vec<String>)> = spec
        .extra
        .iter()
        .map(|(c, _, _)| key_codes(&df, path, c))
        .collect::<Result<_>>()?;
    drop(df);
    if spec.by.is_empty() {
        // One group: hand the columns over as they are, without copying.
        let (extra_codes, extra_labels): (Vec<Vec<u32>>, Vec<Vec<String>>) =
            extra.into_iter().unzip();
        let group = Group {
            key: Vec::new(),
            persons: sizes.as_ref().map_or(n as f64, |s| s.iter().sum()),
            values,
            weights,
            rows: Vec::new(),
            extra: extra_codes,
            replicate_weights,
        };
        return Ok(Table {
            path: path.to_path_buf(),
            by: Vec::new(),
            groups: vec![group],
            value_column: spec.value.clone(),
            extra_labels,
            extra_columns: spec
                .extra
                .iter()
                .map(|(name, role, _)| (name.clone(), *role))
                .collect(),
        });
    }
    let (group_of_row, keys) = combine_keys(&by_codes, n);
    let columns = RowColumns {
        values: &values,
        weights: weights.as_deref(),
        sizes: sizes.as_deref(),
        replicate_weights: &replicate_weights,
        extra: &extra,
    };
    let groups = split(&columns, &group_of_row, keys);
    Ok(Table {
        path: path.to_path_buf(),
        by: spec.by.clone(),
        groups,
        value_column: spec.value.clone(),
        extra_labels: extra.into_iter().map(|(_, labels)| labels).collect(),
        extra_columns: spec
            .extra
            .iter()
            .map(|(name, role, _)| (name.clone(), *role))
            .collect(),
    })
}

fn check_weights(w: &[f64], path: &Path, column: &str) -> Result<()> {
    if let Some(i) = w.iter().position(|&x| x < 0.0) {
        return Err(Error::NegativeWeight {
            location: Location::Column {
                file: path.to_path_buf(),
                column: column.into(),
            },
            count: w.iter().filter(|&&x| x < 0.0).count(),
            first: Position::Row(i + 1),
            value: w[i],
        });
    }
    Ok(())
}

/// Combines per-column key codes into one group id per row, ids in order of first
/// appearance, and the groups' key texts.
fn combine_keys(by: &[(Vec<u32>, Vec<String>)], n: usize) -> (Vec<u32>, Vec<Vec<String>>) {
    if by.is_empty() {
        return (vec![0; n], vec![Vec::new()]);
    }
    let mut ids = crate::kernel::hash::FastMap::<Vec<u32>, u32>::default();
    let mut keys = Vec::new();
    let mut group_of_row = Vec::with_capacity(n);
    let mut composite = vec![0u32; by.len()];
    for row in 0..n {
        for (slot, (codes, _)) in composite.iter_mut().zip(by) {
            *slot = codes[row];
        }
        let next = ids.len() as u32;
        let id = *ids.entry(composite.clone()).or_insert_with(|| {
            keys.push(
                by.iter()
                    .zip(&composite)
                    .map(|((_, labels), &c)| labels[c as usize].clone())
                    .collect(),
            );
            next
        });
        group_of_row.push(id);
    }
    (group_of_row, keys)
}

/// The per-row columns of a table after validation and person expansion.
struct RowColumns<'a> {
    values: &'a [f64],
    weights: Option<&'a [f64]>,
    sizes: Option<&'a [f64]>,
    replicate_weights: &'a [Vec<f64>],
    extra: &'a [(Vec<u32>, Vec<String>)],
}

fn split(columns: &RowColumns<'_>, group_of_row: &[u32], keys: Vec<Vec<String>>) -> Vec<Group> {
    let mut counts = vec![0usize; keys.len()];
    for &g in group_of_row {
        counts[g as usize] += 1;
    }
    let mut groups: Vec<Group> = keys
        .into_iter()
        .zip(&counts)
        .map(|(key, &c)| Group {
            key,
            values: Vec::with_capacity(c),
            weights: columns.weights.map(|_| Vec::with_capacity(c)),
            rows: Vec::with_capacity(c),
            extra: columns
                .extra
                .iter()
                .map(|_| Vec::with_capacity(c))
                .collect(),
            persons: 0.0,
            replicate_weights: columns
                .replicate_weights
                .iter()
                .map(|_| Vec::with_capacity(c))
                .collect(),
        })
        .collect();
    for (row, &g) in group_of_row.iter().enumerate() {
        let group = &mut groups[g as usize];
        group.values.push(columns.values[row]);
        if let (Some(gw), Some(w)) = (group.weights.as_mut(), columns.weights) {
            gw.push(w[row]);
        }
        group.rows.push(row as u32 + 1);
        group.persons += columns.sizes.map_or(1.0, |s| s[row]);
        for (slot, (codes, _)) in group.extra.iter_mut().zip(columns.extra) {
            slot.push(codes[row]);
        }
        for (slot, rw) in group
            .replicate_weights
            .iter_mut()
            .zip(columns.replicate_weights)
        {
            slot.push(rw[row]);
        }
    }
    groups
}

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
            let in_group = |e: Error| {
                if context.is_empty() {
                    e
                } else {
                    e.in_context(&context)
                }
            };
            let location = || Location::Column {
                file: shell.path.clone(),
                column: shell.value_column.clone(),
            };
            let count = group.values.len();
            let sample =
                SortedSample::from_vecs(group.values, group.weights).map_err(|e| match e {
                    Error::ZeroTotalWeight { .. } => Error::ZeroTotalWeight {
                        location: location(),
                        count,
                        context: context.clone(),
                    },
                    other => in_group(other),
                })?;
            measures
                .iter()
                .map(|m| {
                    let estimate = m.evaluate(&sample, options).map_err(|e| match e {
                        Error::NonPositiveMean { measure, mean, .. } => Error::NonPositiveMean {
                            location: location(),
                            measure,
                            mean,
                            context: context.clone(),
                        },
                        other => in_group(other),
                    })?;
                    Ok(GroupEstimate {
                        key: group.key.clone(),
                        measure: *m,
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

impl Table {
    /// A table whose groups merge the groups `members` that agree on the key columns at
    /// positions `keep` of `by` (in order of first appearance). With `keep` empty, all
    /// members become one group. Used to get national, area and province domains of a
    /// round from one read of the file.
    pub fn regroup(&self, members: &[usize], keep: &[usize]) -> Table {
        let mut groups: Vec<Group> = Vec::new();
        for &m in members {
            let g = &self.groups[m];
            let key: Vec<String> = keep.iter().map(|&k| g.key[k].clone()).collect();
            let target = match groups.iter().position(|x| x.key == key) {
                Some(i) => i,
                None => {
                    groups.push(Group {
                        key,
                        values: Vec::new(),
                        weights: g.weights.as_ref().map(|_| Vec::new()),
                        rows: Vec::new(),
                        extra: vec![Vec::new(); g.extra.len()],
                        persons: 0.0,
                        replicate_weights: vec![Vec::new(); g.replicate_weights.len()],
                    });
                    groups.len() - 1
                }
            };
            let t = &mut groups[target];
            t.values.extend_from_slice(&g.values);
            if let (Some(tw), Some(gw)) = (t.weights.as_mut(), g.weights.as_ref()) {
                tw.extend_from_slice(gw);
            }
            t.rows.extend((0..g.values.len()).map(|k| g.row(k)));
            for (te, ge) in t.extra.iter_mut().zip(&g.extra) {
                te.extend_from_slice(ge);
            }
            t.persons += g.persons;
            for (tr, gr) in t.replicate_weights.iter_mut().zip(&g.replicate_weights) {
                tr.extend_from_slice(gr);
            }
        }
        Table {
            path: self.path.clone(),
            by: keep.iter().map(|&k| self.by[k].clone()).collect(),
            groups,
            value_column: self.value_column.clone(),
            extra_labels: self.extra_labels.clone(),
            extra_columns: self.extra_columns.clone(),
        }
    }
}
