//! Household tables in, per-group person-level values and weights out. The only module that
//! sees polars.
//!
//! A row is a household (or a person). With `size`, the row stands for `size` persons: the
//! person weight is `weight × size` (BPS practice), and with `per_capita` the value is the
//! household total divided by `size`. Rows are split into groups by the `by` columns, groups
//! in the order they first appear in the file. Every validation error names the file, the
//! column, how many rows are affected and the first data row (counted from 1, the header not
//! counted).

mod build;
mod columns;
mod compute;
mod csv_shape;
pub mod decompose;
pub mod gic;
mod memory;
mod read;
pub mod simulate;
mod statfile;
pub mod survey;
pub mod trend;

pub use compute::{compute, GroupEstimate};
pub use memory::{frame, ColumnData};

pub use read::{column_names, InputFormat, Wanted};

pub use crate::attribute::ComponentKind;

use crate::error::{Error, Location, Position, Result};
use crate::measure::{Measure, Unit};
use polars::prelude::DataFrame;
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
    /// What each `by` column is (`grouping` when absent or shorter than `by`; `period`,
    /// `province`, …), for messages.
    pub group_roles: Vec<&'static str>,
    /// Extra columns to read and keep per row, as `u32` codes, with their roles (`strata`,
    /// `psu`, `fpc`, …), in this order.
    pub extra: Vec<(String, &'static str)>,
    /// Replicate-weight columns shipped with the file (household weights when `size` is
    /// given: they are multiplied by the size like the main weight).
    pub replicate_weights: Vec<String>,
    /// File format; `None`: from the extension.
    pub format: Option<InputFormat>,
    /// The poverty line of the poverty measures (`fgt0`, `watts`, `poor`, …): one amount, or
    /// a column of per-row lines (in the units of the value column, per person).
    pub poverty_line: Option<PovertyLineSpec>,
    /// How labelled variables of Stata and SPSS files become group names.
    pub value_labels: ValueLabels,
    /// Parts of the value to attribute its inequality to (money columns in the value's
    /// units, per person like the value), and what they are.
    pub components: Vec<String>,
    pub component_kind: ComponentKind,
}

/// How the values of a labelled Stata or SPSS variable become group names: the label
/// (`Aceh`), the stored code (`11`), or both as Stata's `numlabel` shows them (`11. Aceh`).
/// Values without a label keep their code in every mode. Other formats have no labels.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ValueLabels {
    #[default]
    Labels,
    Codes,
    Both,
}

/// Where a table's poverty line comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum PovertyLineSpec {
    /// One amount for every row.
    Amount(f64),
    /// A column of per-row lines (BPS lines differ by province × area × round).
    Column(String),
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
    /// Per-row poverty lines, aligned with `values`, when they come from a column.
    pub lines: Option<Vec<f64>>,
    /// The component columns (see [`TableSpec::components`]), each aligned with `values`.
    pub components: Vec<Vec<f64>>,
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
    /// One poverty line for every row (per-row lines live in [`Group::lines`]).
    pub poverty_line: Option<f64>,
    /// The component columns' names (their values live in [`Group::components`]).
    pub components: Vec<String>,
}

impl TableSpec {
    /// The columns to read, with their roles.
    fn wanted(&self) -> Vec<Wanted> {
        let mut wanted = vec![Wanted::new(&self.value, "value")];
        if let Some(w) = &self.weight {
            wanted.push(Wanted::new(w, "weight"));
        }
        if let Some(s) = &self.size {
            wanted.push(Wanted::new(s, "household size"));
        }
        for (i, b) in self.by.iter().enumerate() {
            wanted.push(Wanted::new(
                b,
                self.group_roles.get(i).copied().unwrap_or("grouping"),
            ));
        }
        for name in &self.replicate_weights {
            wanted.push(Wanted::new(name, "replicate weight"));
        }
        for (name, role) in &self.extra {
            wanted.push(Wanted::new(name, role));
        }
        if let Some(PovertyLineSpec::Column(name)) = &self.poverty_line {
            wanted.push(Wanted::new(name, "poverty line"));
        }
        let role = match self.component_kind {
            ComponentKind::Transfers => "transfer",
            ComponentKind::Sources => "income source",
        };
        for name in &self.components {
            wanted.push(Wanted::new(name, role));
        }
        wanted
    }
}

impl Group {
    /// The amounts in the values' units that are rescaled beside them when the values lie
    /// near the ends of the double range — the group's components, its poverty lines, and
    /// `line` (the table's one poverty line, if any) — for choosing the power of two with
    /// them, so that none leaves the range.
    pub fn beside<'a>(&'a self, line: &'a [f64]) -> Vec<&'a [f64]> {
        let mut beside: Vec<&[f64]> = self.components.iter().map(Vec::as_slice).collect();
        beside.extend(self.lines.as_deref());
        beside.push(line);
        beside
    }

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
                location: Location::column(table.path.clone(), table.value_column.clone()),
                measure: measure.to_string(),
                count: self.values[i..].iter().filter(|&&x| x <= 0.0).count(),
                first: Position::Row(self.row(i) as usize),
                value: self.values[i],
                context: self.describe(&table.by),
            }),
        }
    }
}

/// A result that is not a finite number is an error naming the measure, never a blank cell:
/// `what` says which number (`estimate`, `standard error`, …).
pub fn require_finite(value: f64, measure: &Measure, what: &str) -> Result<()> {
    if value.is_finite() {
        return Ok(());
    }
    let reason = if what == "estimate" && measure.unit() == Unit::Money {
        "the result is not a finite number: the values or weights are too large or too small for \
         double precision; rescale the column (for instance to thousands)"
            .to_string()
    } else if what == "estimate" {
        // An index does not change when the column is rescaled: saying so would not help.
        "the result is not a finite number: the values or weights span more orders of magnitude \
         than double precision can hold in this measure's sums; check the column for values in \
         the wrong units or cells that are not amounts"
            .to_string()
    } else {
        format!(
            "its {what} is not a finite number: the values or weights are too large or too small \
             for double precision, or no replicate kept a positive weight in the group"
        )
    };
    Err(Error::Undefined {
        location: Location::Argument("values"),
        measure: measure.name(),
        reason,
        context: String::new(),
    })
}

/// Reads a table file and returns its person-level values per group.
///
/// # Errors
/// Unreadable or malformed file, a missing column, non-numeric or empty cells in a numeric
/// column, NaN or infinite values, negative weights, household sizes that are not positive,
/// empty cells in a grouping column.
pub fn read_table(path: &Path, spec: &TableSpec) -> Result<Table> {
    let format = spec.format.unwrap_or_else(|| InputFormat::from_path(path));
    if format == InputFormat::Csv && is_gzip(path) {
        // A gzip-compressed CSV file (`.csv.gz`): decompressed in memory, then read as CSV
        // text, the separator detected from the header as for files.
        let bytes = gunzip(path)?;
        let df = read::read_csv_bytes(&bytes, path, &spec.wanted())?;
        return build::table_from_frame(df, path, spec);
    }
    let wanted = spec.wanted();
    if format == InputFormat::Parquet {
        // Every column checked first; then each is read as it is converted (numeric ones in
        // stretches of rows): at most one column read beside the converted ones.
        read::check_columns(path, &read::column_names(path, format)?, &wanted)?;
        let rows = read::parquet_column_rows(path, &spec.value)?;
        let table = build::table_from_parquet(rows, path, spec);
        crate::kernel::memory::release_free_memory();
        return table;
    }
    let df = match read::read_columns(path, format, &wanted, false, spec.value_labels) {
        // polars infers a column's type from the first rows and fails on a later cell that
        // does not fit; read the columns as text so the bad cell can be named exactly.
        Err(Error::Malformed { .. }) if format == InputFormat::Csv => {
            match read::read_columns(path, format, &wanted, true, spec.value_labels) {
                // Read as text it still fails: say where (a line that is not UTF-8, or the first line
                // the reader fails at).
                Err(e @ Error::Malformed { .. }) => {
                    return Err(std::fs::File::open(path)
                        .ok()
                        .and_then(|f| csv_shape::not_utf8(path, std::io::BufReader::new(f)))
                        .or_else(|| read::failing_line_of_file(path, &wanted, &e))
                        .unwrap_or(e))
                }
                other => other?,
            }
        }
        other => other?,
    };
    build::table_from_frame(df, path, spec)
}

/// Reads numeric columns of a small table as they are (a grouped-data class table): each
/// `(name, role)` checked to exist, every cell a finite number (the first bad one named).
pub fn read_numeric_columns(
    path: &Path,
    columns: &[(&str, &'static str)],
    format: Option<InputFormat>,
) -> Result<Vec<Vec<f64>>> {
    let format = format.unwrap_or_else(|| InputFormat::from_path(path));
    let wanted: Vec<Wanted> = columns.iter().map(|(n, r)| Wanted::new(n, r)).collect();
    let df = match read::read_columns(path, format, &wanted, false, ValueLabels::Codes) {
        Err(Error::Malformed { .. }) if format == InputFormat::Csv => {
            read::read_columns(path, format, &wanted, true, ValueLabels::Codes)?
        }
        other => other?,
    };
    columns
        .iter()
        .map(|(name, _)| {
            let v = columns::numeric_column(&df, path, name)?;
            if let Some(i) = v.iter().position(|x| !x.is_finite()) {
                return Err(Error::NonFinite {
                    location: Location::column(path.to_path_buf(), name.to_string()),
                    count: v.iter().filter(|x| !x.is_finite()).count(),
                    first: Position::Row(i + 1),
                    value: v[i],
                });
            }
            Ok(v)
        })
        .collect()
}

/// Whether the file starts with the gzip magic bytes.
fn is_gzip(path: &Path) -> bool {
    use std::io::Read;
    let mut magic = [0u8; 2];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut magic))
        .is_ok()
        && magic == [0x1f, 0x8b]
}

/// The decompressed bytes of a gzip file; a damaged file is named.
fn gunzip(path: &Path) -> Result<Vec<u8>> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| Error::Io {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(std::io::BufReader::new(file))
        .read_to_end(&mut out)
        .map_err(|e| Error::Malformed {
            path: path.to_path_buf(),
            format: "gzip-compressed CSV".into(),
            message: format!("cannot be decompressed ({e})"),
        })?;
    Ok(out)
}

/// [`read_table`] for CSV text held in memory (standard input, a download): the separator is
/// detected from the header as for files; `source` names the table in messages.
///
/// ```
/// use ginikit::table::{read_csv_bytes, TableSpec};
/// let spec = TableSpec { value: "x".into(), by: vec!["g".into()], ..TableSpec::default() };
/// let t = read_csv_bytes(b"g;x\n01;1\n1;2\n", "standard input", &spec).unwrap();
/// assert_eq!(t.groups[0].key, vec!["01".to_string()]);
/// let missing = TableSpec { value: "y".into(), ..TableSpec::default() };
/// let e = read_csv_bytes(b"g;x\n01;1\n", "standard input", &missing).unwrap_err();
/// assert!(e.to_string().starts_with("standard input: no column named 'y'"));
/// ```
pub fn read_csv_bytes(bytes: &[u8], source: &str, spec: &TableSpec) -> Result<Table> {
    let path = Path::new(source);
    let df = read::read_csv_bytes(bytes, path, &spec.wanted())?;
    build::table_from_frame(df, path, spec)
}

/// The same pipeline as [`read_table`] on a data frame held in memory: the rows that
/// `gini compute` would give for a file with the same columns. `source` names the frame in
/// errors (`data frame`, a variable name, …).
///
/// ```
/// use ginikit::table::{frame, from_frame, ColumnData, TableSpec};
/// let df = frame(&[
///     ("income", ColumnData::Float(&[100.0, 200.0, 300.0, 400.0])),
///     ("area", ColumnData::Text(&["urban", "rural", "urban", "rural"])),
/// ]).unwrap();
/// let spec = TableSpec { value: "income".into(), by: vec!["area".into()], ..TableSpec::default() };
/// let table = from_frame(&df, "df", &spec).unwrap();
/// assert_eq!(table.groups.len(), 2);
/// assert_eq!(table.groups[0].values, vec![100.0, 300.0]);
/// let bad = TableSpec { value: "incme".into(), ..TableSpec::default() };
/// assert!(from_frame(&df, "df", &bad).unwrap_err().to_string().contains("no column named 'incme'"));
/// ```
pub fn from_frame(df: &DataFrame, source: &str, spec: &TableSpec) -> Result<Table> {
    let path = Path::new(source);
    let names: Vec<String> = df
        .get_column_names()
        .iter()
        .map(|s| s.to_string())
        .collect();
    read::check_columns(path, &names, &spec.wanted())?;
    // A handle of its own (the columns are shared, not copied): the caller's frame keeps
    // its columns.
    build::table_from_frame(df.clone(), path, spec)
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
                        lines: g.lines.as_ref().map(|_| Vec::new()),
                        components: vec![Vec::new(); g.components.len()],
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
            if let (Some(tl), Some(gl)) = (t.lines.as_mut(), g.lines.as_ref()) {
                tl.extend_from_slice(gl);
            }
            for (tc, gc) in t.components.iter_mut().zip(&g.components) {
                tc.extend_from_slice(gc);
            }
        }
        Table {
            path: self.path.clone(),
            by: keep.iter().map(|&k| self.by[k].clone()).collect(),
            groups,
            value_column: self.value_column.clone(),
            extra_labels: self.extra_labels.clone(),
            extra_columns: self.extra_columns.clone(),
            poverty_line: self.poverty_line,
            components: self.components.clone(),
        }
    }
}
