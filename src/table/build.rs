//! From a data frame (read from a file or held in memory) to validated person-level columns
//! split into groups.

use super::columns::{append_numeric, key_codes, numeric_column, numeric_series};
use super::{ComponentKind, Group, PovertyLineSpec, Table, TableSpec};
use crate::error::{Error, Location, Position, Result};
use polars::prelude::DataFrame;
use std::path::Path;

/// The frame being converted: each column is dropped as soon as its last use has been
/// converted, so the frame and its converted copies are never both whole in memory (a
/// frame shared with the caller keeps its columns; only this handle lets go of them). With
/// `parquet`, columns missing from the frame are read from that file when first needed: one
/// column read at a time beside the converted ones.
struct Frame<'a> {
    df: DataFrame,
    uses: crate::kernel::hash::FastMap<String, usize>,
    parquet: Option<&'a Path>,
}

impl Frame<'_> {
    /// One use of column `name` has been converted.
    fn done(&mut self, name: &str) {
        if let Some(left) = self.uses.get_mut(name) {
            *left = left.saturating_sub(1);
            if *left == 0 {
                // Dropping a column that is already gone is not an error worth stopping for.
                let _ = self.df.drop_in_place(name);
            }
        }
    }

    /// The frame, holding column `name` (read from the file if it is not there yet).
    fn with(&mut self, name: &str) -> Result<&DataFrame> {
        if let Some(file) = self.parquet {
            if self.df.column(name).is_err() {
                for column in parquet_column(file, name)?.into_columns() {
                    self.df.with_column(column).map_err(|e| Error::Malformed {
                        path: file.to_path_buf(),
                        format: "Parquet".into(),
                        message: e.to_string(),
                    })?;
                }
            }
        }
        Ok(&self.df)
    }

    fn numeric(&mut self, path: &Path, name: &str) -> Result<Vec<f64>> {
        if let Some(file) = self.parquet {
            if self.uses.get(name) == Some(&1) && self.df.column(name).is_err() {
                self.uses.remove(name);
                return parquet_numeric(file, name);
            }
        }
        self.with(name)?;
        if self.uses.get(name) == Some(&1) {
            // The last use: the column leaves the frame and is freed chunk by chunk as it
            // is converted.
            self.uses.remove(name);
            if let Ok(column) = self.df.drop_in_place(name) {
                return numeric_series(column.take_materialized_series(), path, name);
            }
        }
        let v = numeric_column(&self.df, path, name)?;
        self.done(name);
        Ok(v)
    }

    /// [`Frame::numeric`] of each of `names` (distinct), in order; the columns of a Parquet
    /// file that are used once and not read yet are read side by side (each is a reader of
    /// its own). The first error in the order of `names` is returned.
    fn numerics(&mut self, path: &Path, names: &[String]) -> Result<Vec<Vec<f64>>> {
        use rayon::prelude::*;
        debug_assert!((0..names.len()).all(|i| !names[..i].contains(&names[i])));
        let alone = |name: &String| {
            self.parquet.is_some()
                && self.uses.get(name.as_str()) == Some(&1)
                && self.df.column(name).is_err()
        };
        let read_alone: Vec<bool> = names.iter().map(alone).collect();
        let mut read: Vec<Option<Result<Vec<f64>>>> = match self.parquet {
            Some(file) => names
                .par_iter()
                .zip(&read_alone)
                .map(|(name, &alone)| alone.then(|| parquet_numeric(file, name)))
                .collect(),
            None => names.iter().map(|_| None).collect(),
        };
        let mut out = Vec::with_capacity(names.len());
        for (name, slot) in names.iter().zip(&mut read) {
            out.push(match slot.take() {
                Some(column) => {
                    self.uses.remove(name.as_str());
                    column?
                }
                None => self.numeric(path, name)?,
            });
        }
        Ok(out)
    }

    fn codes(&mut self, path: &Path, name: &str) -> Result<(Vec<u32>, Vec<String>)> {
        let v = key_codes(self.with(name)?, path, name)?;
        self.done(name);
        Ok(v)
    }
}

/// One whole column of a Parquet file, as a frame (checked and read like any table's).
fn parquet_column(file: &Path, name: &str) -> Result<DataFrame> {
    super::read::read_columns(
        file,
        super::InputFormat::Parquet,
        &[super::read::Wanted::new(name, "column")],
        false,
        super::ValueLabels::Labels,
    )
}

/// A numeric column of a Parquet file read and converted in stretches of 2^22 rows: the
/// column is never whole in memory beside its `f64` copy (nor are the file's pages). A bad
/// cell is named by reading the whole column again, so that its row is the file's.
fn parquet_numeric(file: &Path, name: &str) -> Result<Vec<f64>> {
    const STRETCH: usize = 1 << 22;
    let rows = super::read::parquet_column_rows(file, name)?;
    let mut out: Vec<f64> = crate::kernel::memory::huge_vec(rows);
    let mut offset = 0;
    while offset < rows {
        let len = STRETCH.min(rows - offset);
        let part = super::read::read_parquet_rows(file, name, offset, len)?;
        let converted = part
            .into_columns()
            .pop()
            .filter(|c| c.len() == len)
            .map(|c| append_numeric(c.take_materialized_series(), file, name, &mut out));
        if !matches!(converted, Some(Ok(()))) {
            return numeric_column(&parquet_column(file, name)?, file, name);
        }
        offset += len;
    }
    Ok(out)
}

/// Validates the spec's columns of `df`, expands households to persons and splits the rows
/// into groups. `path` names the source in errors. Columns are released from `df` as they are
/// converted.
pub(crate) fn table_from_frame(df: DataFrame, path: &Path, spec: &TableSpec) -> Result<Table> {
    let n = df.height();
    table_from_columns(df, n, None, path, spec)
}

/// [`table_from_frame`] for a Parquet file of `rows` rows: the columns are read one at a time
/// as they are converted (they were checked to exist).
pub(crate) fn table_from_parquet(rows: usize, path: &Path, spec: &TableSpec) -> Result<Table> {
    table_from_columns(DataFrame::empty(), rows, Some(path), path, spec)
}

fn table_from_columns(
    df: DataFrame,
    n: usize,
    parquet: Option<&Path>,
    path: &Path,
    spec: &TableSpec,
) -> Result<Table> {
    let mut uses = crate::kernel::hash::FastMap::default();
    for w in spec.wanted() {
        *uses.entry(w.name.clone()).or_insert(0) += 1;
    }
    let mut df = Frame { df, uses, parquet };
    if n == 0 {
        return Err(Error::Empty {
            location: Location::column(path.to_path_buf(), spec.value.clone()),
            context: "the file has no data rows".into(),
            fix: "give a file with data rows below its header".into(),
        });
    }
    let PersonColumns {
        values,
        weights,
        sizes,
        replicate_weights,
    } = person_columns(&mut df, path, spec)?;
    let (lines, poverty_line) = poverty_lines(&mut df, path, spec)?;
    let components = component_columns(&mut df, path, spec, &values, sizes.as_deref())?;
    let by_codes: Vec<(Vec<u32>, Vec<String>)> = spec
        .by
        .iter()
        .map(|c| df.codes(path, c))
        .collect::<Result<_>>()?;
    let extra: Vec<(Vec<u32>, Vec<String>)> = spec
        .extra
        .iter()
        .map(|(c, _)| df.codes(path, c))
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
            lines,
            components,
        };
        return Ok(Table {
            path: path.to_path_buf(),
            by: Vec::new(),
            groups: vec![group],
            value_column: spec.value.clone(),
            extra_labels,
            extra_columns: spec.extra.clone(),
            poverty_line,
            components: spec.components.clone(),
        });
    }
    let (group_of_row, keys) = combine_keys(&by_codes, n);
    let columns = RowColumns {
        values: &values,
        weights: weights.as_deref(),
        sizes: sizes.as_deref(),
        replicate_weights: &replicate_weights,
        extra: &extra,
        lines: lines.as_deref(),
        components: &components,
    };
    let groups = split(&columns, &group_of_row, keys);
    Ok(Table {
        path: path.to_path_buf(),
        by: spec.by.clone(),
        groups,
        value_column: spec.value.clone(),
        extra_labels: extra.into_iter().map(|(_, labels)| labels).collect(),
        extra_columns: spec.extra.clone(),
        poverty_line,
        components: spec.components.clone(),
    })
}

/// The poverty line setting: per-row lines from a column (each a positive, finite amount,
/// the first bad row named), or one amount (checked the same way).
fn poverty_lines(
    df: &mut Frame,
    path: &Path,
    spec: &TableSpec,
) -> Result<(Option<Vec<f64>>, Option<f64>)> {
    let bad = |z: f64| !(z.is_finite() && z > 0.0);
    match &spec.poverty_line {
        None => Ok((None, None)),
        Some(PovertyLineSpec::Amount(z)) => {
            if bad(*z) {
                return Err(Error::InvalidParameter {
                    name: "poverty line",
                    value: z.to_string(),
                    expected: "an amount above zero, per person, in the units of the value column"
                        .into(),
                });
            }
            Ok((None, Some(*z)))
        }
        Some(PovertyLineSpec::Column(name)) => {
            let lines = df.numeric(path, name)?;
            if let Some(i) = lines.iter().position(|&z| bad(z)) {
                return Err(Error::OutOfRange {
                    location: Location::column(path.to_path_buf(), name.clone()),
                    count: lines.iter().filter(|&&z| bad(z)).count(),
                    first: Position::Row(i + 1),
                    value: lines[i],
                    problem: "are poverty lines that are zero, negative or not finite".into(),
                    fix: "every row needs its poverty line, an amount above zero per person: fix or remove those rows"
                        .into(),
                });
            }
            Ok((Some(lines), None))
        }
    }
}

/// The component columns (per person like the value when the value is divided by the
/// household size), checked against the value: transfers are not negative and together do
/// not exceed the value; sources add up to the value. The first offending row is named.
fn component_columns(
    df: &mut Frame,
    path: &Path,
    spec: &TableSpec,
    values: &[f64],
    sizes: Option<&[f64]>,
) -> Result<Vec<Vec<f64>>> {
    let names = &spec.components;
    if let Some(twice) = names
        .iter()
        .enumerate()
        .find_map(|(i, n)| names[..i].contains(n).then_some(n))
    {
        return Err(Error::InvalidParameter {
            name: match spec.component_kind {
                ComponentKind::Transfers => "transfer columns",
                ComponentKind::Sources => "source columns",
            },
            value: names.join(", "),
            expected: format!(
                "each column named once ('{twice}' is named twice, so it would be counted twice)"
            ),
        });
    }
    let mut columns = Vec::with_capacity(spec.components.len());
    for (name, mut c) in spec
        .components
        .iter()
        .zip(df.numerics(path, &spec.components)?)
    {
        if let (true, Some(size)) = (spec.per_capita, sizes) {
            for (v, s) in c.iter_mut().zip(size) {
                *v /= s;
            }
        }
        if spec.component_kind == ComponentKind::Transfers {
            if let Some(i) = c.iter().position(|&t| t < 0.0) {
                return Err(Error::OutOfRange {
                    location: Location::column(path.to_path_buf(), name.clone()),
                    count: c.iter().filter(|&&t| t < 0.0).count(),
                    first: Position::Row(i + 1),
                    value: c[i],
                    problem: "are negative transfers".into(),
                    fix: "a transfer column holds amounts received, zero or more; give taxes and \
                          contributions paid as positive amounts in a column of their own"
                        .into(),
                });
            }
        }
        columns.push(c);
    }
    if columns.is_empty() {
        return Ok(columns);
    }
    let names = spec.components.join("' + '");
    let sum = |i: usize| columns.iter().fold(0.0, |s, c| s + c[i]);
    match spec.component_kind {
        ComponentKind::Transfers => {
            let over = |i: usize| sum(i) > values[i];
            if let Some(i) = (0..values.len()).find(|&i| over(i)) {
                return Err(Error::OutOfRange {
                    location: Location::column(path.to_path_buf(), names.clone()),
                    count: (0..values.len()).filter(|&i| over(i)).count(),
                    first: Position::Row(i + 1),
                    value: sum(i),
                    problem: format!(
                        "are transfers larger than the value '{}' they are part of ({} there), \
                         which would leave a negative income before transfers",
                        spec.value, values[i]
                    ),
                    fix: "the value column must be the income that includes the transfers; check \
                          the columns' units and whether both are per household or per person"
                        .into(),
                });
            }
        }
        ComponentKind::Sources => {
            // Sums of a few amounts carry rounding of a few ulps of the largest of them.
            let off = |i: usize| {
                let scale = columns
                    .iter()
                    .fold(values[i].abs(), |m, c| m.max(c[i].abs()));
                (sum(i) - values[i]).abs() > 1e-9 * scale
            };
            if let Some(i) = (0..values.len()).find(|&i| off(i)) {
                return Err(Error::OutOfRange {
                    location: Location::column(path.to_path_buf(), names.clone()),
                    count: (0..values.len()).filter(|&i| off(i)).count(),
                    first: Position::Row(i + 1),
                    value: sum(i),
                    problem: format!(
                        "are sums of the sources that differ from the value '{}' ({} there, off \
                         by {})",
                        spec.value,
                        values[i],
                        sum(i) - values[i]
                    ),
                    fix: "the sources must add up to the value on every row: add the missing \
                          source (or a residual column), or fix those rows"
                        .into(),
                });
            }
        }
    }
    Ok(columns)
}

/// The numeric columns, validated and expanded from households to persons.
struct PersonColumns {
    values: Vec<f64>,
    weights: Option<Vec<f64>>,
    sizes: Option<Vec<f64>>,
    replicate_weights: Vec<Vec<f64>>,
}

/// Values (per capita when asked), person weights (weight × size) and replicate weights
/// (× size), after checking weights are not negative and sizes are positive.
fn person_columns(df: &mut Frame, path: &Path, spec: &TableSpec) -> Result<PersonColumns> {
    let mut numeric = |name: &str| df.numeric(path, name);
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
                location: Location::column(path.to_path_buf(), size_col.clone()),
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
                let weight_col = spec.weight.as_deref().unwrap_or_default();
                check_person_weights(&w, path, weight_col, size_col)?;
                for (rw, name) in replicate_weights.iter().zip(&spec.replicate_weights) {
                    check_person_weights(rw, path, name, size_col)?;
                }
                w
            }
            None => size.clone(),
        });
        sizes = Some(size);
    }
    Ok(PersonColumns {
        values,
        weights,
        sizes,
        replicate_weights,
    })
}

/// A person weight (weight × household size) beyond the double range stands for more
/// people than a double can count: the population total would be infinite, so it is an error
/// rather than a silently scaled number.
fn check_person_weights(w: &[f64], path: &Path, weight_col: &str, size_col: &str) -> Result<()> {
    if let Some(i) = w.iter().position(|x| !x.is_finite()) {
        return Err(Error::OutOfRange {
            location: Location::column(path, format!("{weight_col}' × column '{size_col}")),
            count: w.iter().filter(|x| !x.is_finite()).count(),
            first: Position::Row(i + 1),
            value: w[i],
            problem: "are person weights (weight × household size) beyond the largest double \
                      (1.8e308)"
                .into(),
            fix: "the population they stand for cannot be counted; divide the weights by a \
                  constant (every measure except the population total is unchanged by it)"
                .into(),
        });
    }
    Ok(())
}

fn check_weights(w: &[f64], path: &Path, column: &str) -> Result<()> {
    if let Some(i) = w.iter().position(|&x| x < 0.0) {
        return Err(Error::NegativeWeight {
            location: Location::column(path, column),
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
    lines: Option<&'a [f64]>,
    components: &'a [Vec<f64>],
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
            lines: columns.lines.map(|_| Vec::with_capacity(c)),
            components: columns
                .components
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
        if let (Some(gl), Some(l)) = (group.lines.as_mut(), columns.lines) {
            gl.push(l[row]);
        }
        for (slot, c) in group.components.iter_mut().zip(columns.components) {
            slot.push(c[row]);
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
