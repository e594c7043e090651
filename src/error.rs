//! The one error type of the library.
//!
//! Every variant carries what a person needs to fix the input: which column or argument, how
//! many values are affected, the first offending position and its value. Positions in the
//! numeric core are 0-based indices into the slices that were passed in; the table layer
//! re-labels them as 1-based data-row numbers of the file (the header is not counted).

use std::path::PathBuf;

/// Where a problem was found: a column of a table (in a file or in memory), or a named
/// argument of a library call.
#[derive(Debug, Clone, PartialEq)]
pub enum Location {
    /// A slice passed to a library function (`"values"`, `"weights"`, …).
    Argument(&'static str),
    /// A column of a table. Boxed so that every `Result` stays small.
    Column(Box<ColumnRef>),
    /// One of the component columns (transfers or income sources) passed to a library
    /// function, numbered from 0 in the order given; a table layer names its column
    /// ([`Error::at_component_columns`]).
    Component(usize),
}

/// A table's column: the source (a file path, or a name such as `data frame` for tables from
/// memory) and the column name.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnRef {
    pub source: PathBuf,
    pub column: String,
}

impl Location {
    /// The column `column` of the table read from `source`.
    pub fn column(source: impl Into<PathBuf>, column: impl Into<String>) -> Self {
        Location::Column(Box::new(ColumnRef {
            source: source.into(),
            column: column.into(),
        }))
    }
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Location::Argument(name) => write!(f, "argument `{name}`"),
            Location::Column(c) => write!(f, "{}: column '{}'", c.source.display(), c.column),
            Location::Component(k) => write!(f, "argument `components` (column {})", k + 1),
        }
    }
}

/// A setting of the calling program that fixes an error. The library names it in words;
/// each front end adds its own spelling (a command-line flag, a keyword argument).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Setting {
    /// The column of this role (`value`, `weight`, `strata`, …) was named wrongly.
    Column(&'static str),
    /// The policy for zero and negative values: `exclude`.
    NonPositivePolicy,
    /// The input file format.
    InputFormat,
    /// PSU codes nested within strata.
    NestedPsu,
    /// What to do with strata that have one PSU.
    LonelyPsu,
    /// Another standard-error method.
    SeMethod,
    /// The poverty line (a number, or a column of per-row lines).
    PovertyLine,
    /// Computing out of core (the DataFusion engine) instead of in memory.
    OutOfCore,
}

/// A position in the input: an index into a slice, or a 1-based data row of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Position {
    /// 0-based index into the slice that was passed in.
    Index(usize),
    /// 0-based position in ascending sorted order (the input order is no longer known).
    Sorted(usize),
    /// 1-based data row of a file (the header not counted).
    Row(usize),
}

impl std::fmt::Display for Position {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Position::Index(i) => write!(f, "index {i}"),
            Position::Sorted(i) => write!(f, "sorted position {i}"),
            Position::Row(r) => write!(f, "row {r}"),
        }
    }
}

/// Everything that can go wrong. `#[non_exhaustive]`: new variants may be added.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No observations at all (or none left in a group).
    #[error("{location}: no observations{ctx}; {fix}", ctx = fmt_context(.context))]
    Empty {
        location: Location,
        context: String,
        /// What to do.
        fix: String,
    },

    /// Two slices that must have the same length do not.
    #[error("argument `{left}` has {left_len} elements but `{right}` has {right_len}; pass slices of equal length")]
    LengthMismatch {
        left: &'static str,
        left_len: usize,
        right: &'static str,
        right_len: usize,
    },

    /// NaN or ±infinity where a finite number is needed.
    #[error("{location}: {count} value(s) are not finite numbers (NaN or infinity), first at {first} ({value}); remove or impute them before computing")]
    NonFinite {
        location: Location,
        count: usize,
        first: Position,
        value: f64,
    },

    /// A negative weight.
    #[error("{location}: {count} weight(s) are negative, first at {first} ({value}); weights must be zero or positive")]
    NegativeWeight {
        location: Location,
        count: usize,
        first: Position,
        value: f64,
    },

    /// All weights are zero, so no population is represented.
    #[error("{location}: all {count} weights are zero{ctx}; at least one weight must be positive", ctx = fmt_context(.context))]
    ZeroTotalWeight {
        location: Location,
        count: usize,
        context: String,
    },

    /// A measure that needs strictly positive values met zero or negative ones.
    #[error("{location}: {measure} needs strictly positive values but {count} value(s) are zero or negative{ctx}, first at {first} ({value}); drop them", ctx = fmt_context(.context))]
    NonPositiveValue {
        location: Location,
        measure: String,
        count: usize,
        first: Position,
        value: f64,
        context: String,
    },

    /// The weighted total of the values is zero or negative, so shares and ratios to the mean
    /// are undefined.
    #[error("{location}: the weighted mean is {mean}{ctx}; {measure} needs a positive mean", ctx = fmt_context(.context))]
    NonPositiveMean {
        location: Location,
        measure: String,
        mean: f64,
        context: String,
    },

    /// A measure that cannot be computed on this data, for a reason stated (one row under the
    /// n/(n−1) correction, total weight ≤ 1 under the W/(W−1) one, …). A data problem.
    #[error("{location}: {measure} is undefined here: {reason}{ctx}", ctx = fmt_context(.context))]
    Undefined {
        location: Location,
        measure: String,
        reason: String,
        context: String,
    },

    /// Survey rounds that do not fit together (one round for a trend, a round given twice).
    #[error("{problem}; {fix}")]
    Rounds { problem: String, fix: String },

    /// A parameter outside its domain (a population fraction outside [0, 1], ε < 0, …).
    #[error("invalid {name} = {value}: {expected}")]
    InvalidParameter {
        name: &'static str,
        value: String,
        expected: String,
    },

    /// A poverty measure asked for without a poverty line.
    #[error("{measure} needs a poverty line: give one amount for everybody or a column of per-row lines")]
    NoPovertyLine { measure: String },

    /// A measure name that is not known.
    #[error("unknown measure '{name}'; known measures: {known}")]
    UnknownMeasure { name: String, known: String },

    /// The file could not be opened or read.
    #[error("{}: cannot read the file: {message}; check the path and permissions", .path.display())]
    Io { path: PathBuf, message: String },

    /// The file ends before its format says it should: cut off while copying or downloading.
    #[error("{}: the {format} file ends early ({detail}): it is truncated, perhaps cut off while copying or downloading; copy it again", .path.display())]
    Truncated {
        path: PathBuf,
        format: String,
        detail: String,
    },

    /// The file could be opened but not parsed as a table.
    #[error("{}: not a readable {format} table: {message}; check the file format", .path.display())]
    Malformed {
        path: PathBuf,
        format: String,
        message: String,
    },

    /// A table whose layout is wrong: a column named twice, a row with too many fields.
    #[error("{}: {problem}; {fix}", .path.display())]
    Layout {
        path: PathBuf,
        problem: String,
        fix: String,
    },

    /// A run that would need more memory than the machine has available, refused before it
    /// starts.
    #[error("{what} would need about {} at its peak, but {} are available{limit}; {fix}", human_bytes(*.needed), human_bytes(*.available), limit = if *.from_limit { " (the GINIKIT_MEMORY_LIMIT setting)" } else { "" })]
    Memory {
        what: String,
        needed: u64,
        available: u64,
        /// The available figure is the user's GINIKIT_MEMORY_LIMIT, not the machine's.
        from_limit: bool,
        fix: String,
        /// Another way out, where there is one (computing out of core).
        setting: Option<Setting>,
    },

    /// A column named by the caller is not in the table.
    #[error("{}: no column named '{column}' (the {role} column); the file has: {available}; pass the right name", .path.display())]
    MissingColumn {
        path: PathBuf,
        column: String,
        role: &'static str,
        available: String,
    },

    /// A column that must be numeric holds something else.
    #[error("{location}: {count} cell(s) are not numbers, first at {first} ('{text}'); fix or remove those rows")]
    NonNumeric {
        location: Location,
        count: usize,
        first: Position,
        text: String,
    },

    /// A column that must be complete has empty cells.
    #[error("{location}: {count} cell(s) are empty, first at {first}; fill or remove those rows")]
    Missing {
        location: Location,
        count: usize,
        first: Position,
    },

    /// Values outside the range a column allows (household sizes must be positive, …).
    #[error("{location}: {count} value(s) {problem}, first at {first} ({value}); {fix}")]
    OutOfRange {
        location: Location,
        count: usize,
        first: Position,
        value: f64,
        problem: String,
        fix: String,
    },

    /// The survey design is inconsistent (a PSU in two strata, a stratum with one PSU, …).
    #[error("{location}: {problem}; {fix}")]
    InvalidDesign {
        location: Location,
        problem: String,
        fix: String,
        setting: Option<Setting>,
    },

    /// A replicate run was stopped at the caller's request (an interrupt).
    #[error("stopped at the caller's request")]
    Cancelled,

    /// Writing output failed.
    #[error("cannot write {target}: {message}")]
    Output { target: String, message: String },
}

fn fmt_context(context: &str) -> String {
    if context.is_empty() {
        String::new()
    } else {
        format!(" ({context})")
    }
}

impl Error {
    /// Adds a context phrase (for instance the group `province=Aceh`) to errors that carry one.
    pub fn in_context(mut self, phrase: &str) -> Self {
        if phrase.is_empty() {
            return self;
        }
        match &mut self {
            Error::Empty { context, .. }
            | Error::ZeroTotalWeight { context, .. }
            | Error::NonPositiveValue { context, .. }
            | Error::NonPositiveMean { context, .. }
            | Error::Undefined { context, .. } => {
                if context.is_empty() {
                    *context = phrase.to_string();
                } else {
                    *context = format!("{context}, {phrase}");
                }
            }
            _ => {}
        }
        self
    }
}

impl Error {
    /// The setting that fixes the error, if one does; front ends spell it their way.
    pub fn setting(&self) -> Option<Setting> {
        match self {
            Error::MissingColumn { role, .. } => Some(Setting::Column(role)),
            Error::NonPositiveValue { .. } => Some(Setting::NonPositivePolicy),
            Error::Malformed { .. } => Some(Setting::InputFormat),
            Error::InvalidDesign { setting, .. } => *setting,
            Error::NoPovertyLine { .. } => Some(Setting::PovertyLine),
            Error::Memory { setting, .. } => *setting,
            _ => None,
        }
    }

    /// Replaces a component's location by its column in the table read from `source`, whose
    /// component columns are `names` (in the order given), for errors the numeric core raised
    /// on a table's group.
    ///
    /// ```
    /// use ginikit::error::{Error, Location};
    /// let e = Error::Undefined {
    ///     location: Location::Component(1),
    ///     measure: "the Gini ratio of 'bpnt'".into(),
    ///     reason: "nobody here receives it".into(),
    ///     context: String::new(),
    /// };
    /// let names = ["pkh".to_string(), "bpnt".to_string()];
    /// let e = e.at_component_columns(std::path::Path::new("round.csv"), &names);
    /// assert!(e.to_string().starts_with("round.csv: column 'bpnt'"));
    /// ```
    pub fn at_component_columns(mut self, source: &std::path::Path, names: &[String]) -> Self {
        if let Error::Undefined { location, .. } = &mut self {
            if let Location::Component(k) = *location {
                if let Some(name) = names.get(k) {
                    *location = Location::column(source, name.as_str());
                }
            }
        }
        self
    }

    /// Replaces an argument location (`values`, `weights`) by a table column, for errors the
    /// numeric core raised on a table's group.
    pub fn at_column(mut self, column: &Location) -> Self {
        match &mut self {
            Error::Empty { location, .. }
            | Error::NonFinite { location, .. }
            | Error::NegativeWeight { location, .. }
            | Error::ZeroTotalWeight { location, .. }
            | Error::NonPositiveValue { location, .. }
            | Error::NonPositiveMean { location, .. }
            | Error::Undefined { location, .. } => {
                if matches!(location, Location::Argument(_)) {
                    *location = column.clone();
                }
            }
            _ => {}
        }
        self
    }
}

/// Bytes in binary units for messages: `1.5 GiB`, `300 MiB`.
pub fn human_bytes(b: u64) -> String {
    const K: f64 = 1024.0;
    let b = b as f64;
    if b >= K * K * K {
        format!("{:.1} GiB", b / (K * K * K))
    } else if b >= K * K {
        format!("{:.0} MiB", b / (K * K))
    } else {
        format!("{:.0} KiB", b / K)
    }
}

/// The library's result type.
pub type Result<T> = std::result::Result<T, Error>;

#[cfg(test)]
mod tests {
    /// Every `Result` carries an `Error`: it stays small (clippy's `result_large_err` limit).
    #[test]
    fn errors_stay_small() {
        assert!(std::mem::size_of::<super::Error>() <= 128);
    }
}
