//! Opening CSV and Parquet files with polars, reading only the columns asked for.

use crate::error::{Error, Result};
use polars::prelude::*;
use std::path::{Path, PathBuf};

/// Table file formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum InputFormat {
    Csv,
    Parquet,
    /// Stata `.dta` (value labels read as the group names).
    Stata,
    /// SPSS `.sav` / `.zsav` (value labels read as the group names).
    Spss,
}

impl InputFormat {
    /// Parses `csv` or `parquet`.
    pub fn parse(name: &str) -> Result<Self> {
        match name.to_ascii_lowercase().as_str() {
            "csv" => Ok(InputFormat::Csv),
            "parquet" | "pq" => Ok(InputFormat::Parquet),
            "stata" | "dta" => Ok(InputFormat::Stata),
            "spss" | "sav" => Ok(InputFormat::Spss),
            _ => Err(Error::InvalidParameter {
                name: "input format",
                value: name.into(),
                expected: "csv, parquet, stata or spss".into(),
            }),
        }
    }

    /// The format a file's extension implies (`.parquet`/`.pq` → Parquet, anything else CSV).
    pub fn from_path(path: &Path) -> Self {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("parquet") | Some("pq") => InputFormat::Parquet,
            Some("dta") => InputFormat::Stata,
            Some("sav") | Some("zsav") => InputFormat::Spss,
            _ => InputFormat::Csv,
        }
    }

    /// The format's name in messages: `CSV`, `Parquet`, `Stata`, `SPSS`.
    pub fn name(self) -> &'static str {
        match self {
            InputFormat::Csv => "CSV",
            InputFormat::Parquet => "Parquet",
            InputFormat::Stata => "Stata",
            InputFormat::Spss => "SPSS",
        }
    }
}

/// A column the caller needs, with its role (for error messages).
#[derive(Debug, Clone)]
pub struct Wanted {
    pub name: String,
    pub role: &'static str,
}

impl Wanted {
    pub(crate) fn new(name: &str, role: &'static str) -> Self {
        Wanted {
            name: name.to_string(),
            role,
        }
    }

    /// Whether the column holds codes (group keys, strata, PSUs, rounds) rather than numbers.
    fn is_key(&self) -> bool {
        !matches!(
            self.role,
            "value"
                | "weight"
                | "household size"
                | "replicate weight"
                | "fpc"
                | "poverty line"
                | "class population"
                | "class welfare"
        )
    }
}

/// Checks that every wanted column is among `names`; the error lists the columns there are.
pub(crate) fn check_columns(path: &Path, names: &[String], columns: &[Wanted]) -> Result<()> {
    match columns.iter().find(|c| !names.contains(&c.name)) {
        None => Ok(()),
        Some(c) => {
            let mut available = names.join(", ");
            // One column whose name holds the wanted name and another separator: the file
            // is separated by a character the reader does not detect.
            if let [only] = names {
                if let Some(sep) = ['|', ':', ' ', '^', '~']
                    .into_iter()
                    .find(|&s| only.contains(s) && only.split(s).any(|n| n.trim() == c.name))
                {
                    available.push_str(&format!(
                        " (one column: the header looks separated by '{sep}', but only commas, \
                         semicolons and tabs separate fields here; save the file as CSV)"
                    ));
                }
            }
            Err(Error::MissingColumn {
                path: path.to_path_buf(),
                column: c.name.clone(),
                role: c.role,
                available,
            })
        }
    }
}

/// Reads `columns` of the file. Checks first that every column exists, so a misspelt name
/// gets an error that lists the file's columns. CSV columns are read as text when
/// `as_text` says so (used to locate a non-numeric cell precisely).
pub(crate) fn read_columns(
    path: &Path,
    format: InputFormat,
    columns: &[Wanted],
    as_text: bool,
    labels: super::ValueLabels,
) -> Result<DataFrame> {
    let names = column_names(path, format)?;
    check_columns(path, &names, columns)?;
    if as_text && format == InputFormat::Csv {
        // The typed read failed: a record with the wrong number of fields gets a message
        // naming its row before the text read tries again.
        if let Ok(f) = std::fs::File::open(path) {
            let reader = std::io::BufReader::new(f);
            if let Some(e) = super::csv_shape::ragged_row(path, reader, separator(path)) {
                return Err(e);
            }
        }
    }
    let mut unique: Vec<String> = Vec::new();
    for c in columns {
        if !unique.contains(&c.name) {
            unique.push(c.name.clone());
        }
    }
    if matches!(format, InputFormat::Stata | InputFormat::Spss) {
        return statfile_frame(path, format, unique, labels);
    }
    if format == InputFormat::Parquet {
        check_parquet_footer(path, &unique)?;
    }
    guarded(path, format, || match format {
        InputFormat::Stata | InputFormat::Spss => unreachable!("read above"),
        InputFormat::Csv => csv_options(&names, columns, separator(path), as_text)
            .try_into_reader_with_file_path(Some(path.to_path_buf()))
            .and_then(|r| r.finish()),
        InputFormat::Parquet => {
            let file = std::fs::File::open(path)?;
            ParquetReader::new(file)
                .with_columns(Some(unique.clone()))
                .finish()
        }
    })
}

/// How a CSV table is read: only the wanted columns; key columns (groups, strata, PSUs,
/// rounds) as text, exactly as written — type inference would merge the codes `01` and `1`,
/// or write `1` as `1.0`; with `as_text` every column as text (to name a bad cell exactly).
fn csv_options(
    names: &[String],
    columns: &[Wanted],
    separator: u8,
    as_text: bool,
) -> CsvReadOptions {
    let mut unique: Vec<PlSmallStr> = Vec::new();
    for c in columns {
        let name = PlSmallStr::from(c.name.as_str());
        if !unique.contains(&name) {
            unique.push(name);
        }
    }
    let keys: Schema = columns
        .iter()
        .filter(|c| c.is_key())
        .map(|c| Field::new(PlSmallStr::from(c.name.as_str()), DataType::String))
        .collect();
    let options = CsvReadOptions::default()
        .map_parse_options(|p| p.with_separator(separator))
        .with_has_header(true)
        .with_columns(Some(unique.into()))
        .with_schema_overwrite(Some(Arc::new(keys)))
        .with_infer_schema_length(Some(10_000));
    if as_text {
        let schema: Schema = names
            .iter()
            .map(|s| Field::new(PlSmallStr::from(s.as_str()), DataType::String))
            .collect();
        options.with_schema(Some(Arc::new(schema)))
    } else {
        options
    }
}

/// A CSV table held in memory (standard input, say), read as a CSV file is read; `source`
/// names it in messages.
pub(crate) fn read_csv_bytes(bytes: &[u8], source: &Path, columns: &[Wanted]) -> Result<DataFrame> {
    let header = header_line(bytes);
    if header.is_empty() {
        return Err(Error::Malformed {
            path: source.to_path_buf(),
            format: "CSV".into(),
            message: "there is no header line".into(),
        });
    }
    let (sep, names) = header_names(&header);
    super::csv_shape::check_header(source, &header, sep)?;
    check_columns(source, &names, columns)?;
    let read = |as_text: bool| {
        guarded(source, InputFormat::Csv, || {
            csv_options(&names, columns, sep, as_text)
                .into_reader_with_file_handle(std::io::Cursor::new(bytes))
                .finish()
        })
    };
    match read(false) {
        Err(Error::Malformed { .. }) => {
            if let Some(e) = super::csv_shape::not_utf8(source, bytes)
                .or_else(|| super::csv_shape::ragged_row(source, bytes, sep))
            {
                return Err(e);
            }
            match read(true) {
                Err(e @ Error::Malformed { .. }) => {
                    Err(failing_line(source, bytes, &names, columns, sep, &e).unwrap_or(e))
                }
                other => other,
            }
        }
        other => other,
    }
}

/// The first line at which the CSV reader fails, when its own message does not say: the
/// shortest failing prefix of whole lines, found by a binary search (each step reads a
/// prefix as text). `reader_error` is the reader's message on the whole text.
fn failing_line(
    source: &Path,
    bytes: &[u8],
    names: &[String],
    columns: &[Wanted],
    sep: u8,
    reader_error: &Error,
) -> Option<Error> {
    let ends: Vec<usize> = bytes
        .iter()
        .enumerate()
        .filter(|&(_, &b)| b == b'\n')
        .map(|(i, _)| i + 1)
        .chain(std::iter::once(bytes.len()))
        .collect();
    let fails = |k: usize| {
        let prefix = &bytes[..ends[k]];
        let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            csv_options(names, columns, sep, true)
                .into_reader_with_file_handle(std::io::Cursor::new(prefix))
                .finish()
        }));
        !matches!(read, Ok(Ok(_)))
    };
    let (mut lo, mut hi) = (0, ends.len() - 1);
    if !fails(hi) {
        return None;
    }
    while lo < hi {
        let mid = (lo + hi) / 2;
        if fails(mid) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    let line = hi + 1;
    let reason = match reader_error {
        Error::Malformed { message, .. } => message.clone(),
        other => other.to_string(),
    };
    Some(Error::Layout {
        path: source.to_path_buf(),
        problem: if line == 1 {
            format!("the CSV reader fails on the header line ({reason})")
        } else {
            format!(
                "the CSV reader fails at line {line} (data row {}; {reason})",
                line - 1
            )
        },
        fix: "check that line's quotes and separators (a quote opens a value only at the start of a field, and one inside a quoted value is written twice)".into(),
    })
}

/// [`failing_line`] for a CSV file that the reader could not read even as text: the file is
/// read into memory for the search when it is under 256 MiB (an error path only).
pub(crate) fn failing_line_of_file(
    path: &Path,
    columns: &[Wanted],
    reader_error: &Error,
) -> Option<Error> {
    if std::fs::metadata(path).ok()?.len() > 256 << 20 {
        return None;
    }
    let bytes = std::fs::read(path).ok()?;
    let (sep, names) = header_names(&header_line(&bytes));
    failing_line(path, &bytes, &names, columns, sep, reader_error)
}

/// The first line of a CSV text, without its line end and byte-order mark.
fn header_line(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes.split(|&b| b == b'\n').next().unwrap_or(&[]))
        .trim_end_matches('\r')
        .trim_start_matches('\u{feff}')
        .to_string()
}

/// A header line's separator and column names.
fn header_names(header: &str) -> (u8, Vec<String>) {
    let sep = separator_of(header);
    let names = header
        .split(sep as char)
        .map(|s| s.trim().trim_matches('"').to_string())
        .collect();
    (sep, names)
}

/// The file's column names, without reading its data.
pub fn column_names(path: &Path, format: InputFormat) -> Result<Vec<String>> {
    match std::fs::metadata(path) {
        Err(e) => {
            return Err(Error::Io {
                path: path.to_path_buf(),
                message: e.to_string(),
            })
        }
        Ok(m) if m.is_dir() => {
            return Err(Error::Io {
                path: path.to_path_buf(),
                message: "it is a directory, not a table file; name a CSV or Parquet file in it"
                    .into(),
            })
        }
        Ok(_) => {}
    }
    let separator = separator(path);
    if format == InputFormat::Csv {
        if let Ok(f) = std::fs::File::open(path) {
            let mut header = String::new();
            let _ = std::io::BufRead::read_line(&mut std::io::BufReader::new(f), &mut header);
            super::csv_shape::check_header(path, &header, separator)?;
        }
    }
    if matches!(format, InputFormat::Stata | InputFormat::Spss) {
        return statfile_names(path, format);
    }
    let df_or_names = guarded(path, format, || match format {
        InputFormat::Stata | InputFormat::Spss => unreachable!("read above"),
        InputFormat::Csv => CsvReadOptions::default()
            .map_parse_options(|p| p.with_separator(separator))
            .with_has_header(true)
            .with_n_rows(Some(1))
            // All columns as text: the reader may parse more than one row in parallel, and a
            // typed parse could fail on a later row before the columns are even checked.
            .with_infer_schema_length(Some(0))
            .try_into_reader_with_file_path(Some(path.to_path_buf()))
            .and_then(|r| r.finish())
            .map(|df| {
                df.get_column_names()
                    .iter()
                    .map(|s| s.to_string())
                    .collect()
            }),
        InputFormat::Parquet => {
            let file = std::fs::File::open(path)?;
            let schema = ParquetReader::new(file).schema()?;
            Ok(schema.iter_names().map(|s| s.to_string()).collect())
        }
    });
    if let (Err(Error::Malformed { .. }), InputFormat::Csv) = (&df_or_names, format) {
        // Say which record has the wrong number of fields, if one does.
        if let Ok(f) = std::fs::File::open(path) {
            if let Some(e) = super::csv_shape::not_utf8(path, std::io::BufReader::new(f)) {
                return Err(e);
            }
        }
        if let Ok(f) = std::fs::File::open(path) {
            let reader = std::io::BufReader::new(f);
            if let Some(e) = super::csv_shape::ragged_row(path, reader, separator) {
                return Err(e);
            }
        }
    }
    df_or_names
}

/// A Stata or SPSS file's fault, naming the file.
fn statfile_error(path: &Path, format: InputFormat, fault: super::statfile::Fault) -> Error {
    use super::statfile::Fault;
    match fault {
        Fault::Truncated(detail) => Error::Truncated {
            path: path.to_path_buf(),
            format: format.name().into(),
            detail,
        },
        Fault::Malformed(message) => Error::Malformed {
            path: path.to_path_buf(),
            format: format.name().into(),
            message,
        },
        Fault::Io(message) => Error::Io {
            path: path.to_path_buf(),
            message,
        },
    }
}

/// The variable names of a Stata or SPSS file.
fn statfile_names(path: &Path, format: InputFormat) -> Result<Vec<String>> {
    use super::statfile::{spss_names, stata_names};
    match format {
        InputFormat::Stata => stata_names(path),
        _ => spss_names(path),
    }
    .map_err(|f| statfile_error(path, format, f))
}

/// The named columns of a Stata or SPSS file, in file order (read sequentially, so row
/// numbers in messages are the file's), labelled values as `labels` says: a province coded
/// 11 with the label "Aceh" is the group "Aceh", "11" or "11. Aceh".
fn statfile_frame(
    path: &Path,
    format: InputFormat,
    columns: Vec<String>,
    labels: super::ValueLabels,
) -> Result<DataFrame> {
    use super::statfile::{frame, read_spss, read_stata};
    use super::ValueLabels;
    let read = match format {
        InputFormat::Stata => read_stata(path, &columns),
        _ => read_spss(path, &columns),
    }
    .map_err(|f| statfile_error(path, format, f))?;
    let fail = |e: PolarsError| Error::Malformed {
        path: path.to_path_buf(),
        format: format.name().into(),
        message: first_line(&e.to_string()),
    };
    let coded = || frame(&read, false).and_then(|f| whole_codes(&f));
    match labels {
        ValueLabels::Labels => frame(&read, true).map_err(fail),
        ValueLabels::Codes => coded().map_err(fail),
        ValueLabels::Both => {
            let named = frame(&read, true).map_err(fail)?;
            both_labels(&named, &coded().map_err(fail)?).map_err(fail)
        }
    }
}

/// SPSS stores every number, codes included, as a double: a column of whole numbers becomes
/// integers, so that the code 12 is the group "12", not "12.0".
fn whole_codes(df: &DataFrame) -> PolarsResult<DataFrame> {
    let mut out = df.clone();
    for c in df.columns() {
        if !matches!(c.dtype(), DataType::Float64 | DataType::Float32) {
            continue;
        }
        let x = c.cast(&DataType::Float64)?;
        let whole = x
            .f64()?
            .iter()
            .all(|v| v.is_none_or(|v| v.fract() == 0.0 && v.abs() < 9.0e15));
        if whole {
            out.replace(c.name(), x.cast(&DataType::Int64)?)?;
        }
    }
    Ok(out)
}

/// Columns whose labelled read is text and whose coded read is not: `code. label` where a
/// label exists, the code alone where it does not (the two reads agree there).
fn both_labels(named: &DataFrame, coded: &DataFrame) -> PolarsResult<DataFrame> {
    let mut out = coded.clone();
    for c in named.columns() {
        let name = c.name().clone();
        let code = coded.column(&name)?;
        if c.dtype() != &DataType::String || code.dtype() == &DataType::String {
            continue;
        }
        let code_text = code.cast(&DataType::String)?;
        let (l, k) = (c.str()?, code_text.str()?);
        let joined: StringChunked = l
            .iter()
            .zip(k.iter())
            .map(|(l, k)| match (l, k) {
                (Some(l), Some(k)) if l != k => Some(format!("{k}. {l}")),
                (l, k) => k.or(l).map(str::to_string),
            })
            .collect();
        out.replace(&name, joined.with_name(name.clone()).into_column())?;
    }
    Ok(out)
}

/// Checks a Parquet file's footer before polars decodes it: every row group's column chunks
/// hold as many values as the group has rows, and the rows fit in the memory available.
/// A damaged footer can otherwise make the decoder ask for an impossible allocation, which
/// aborts the process instead of returning an error.
fn check_parquet_footer(path: &Path, wanted: &[String]) -> Result<u64> {
    use polars_parquet::parquet::read::read_metadata;
    let damaged = |what: String| Error::Malformed {
        path: path.to_path_buf(),
        format: "Parquet".into(),
        message: format!("the file's footer is damaged: {what}"),
    };
    let mut file = std::fs::File::open(path).map_err(|e| Error::Io {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    let meta = read_metadata(&mut file).map_err(|e| damaged(e.to_string()))?;
    // The page headers are read from the mapped file (the page cache polars reads from
    // next), not from a copy of each column chunk: no pass copying the data, no fresh pages.
    let mapped = polars_utils::mmap::MMapSemaphore::new_from_file(&file)
        .map(polars_buffer::Buffer::from_owner)
        .map_err(|e| Error::Io {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
    let mut rows: u64 = 0;
    for (k, rg) in meta.row_groups.iter().enumerate() {
        for c in rg.parquet_columns() {
            if wanted
                .iter()
                .any(|w| c.descriptor().path_in_schema[0].as_str() == w)
            {
                check_pages(&mapped, c).map_err(|e| damaged(format!("row group {k}: {e}")))?;
            }
            let flat = c.descriptor().path_in_schema.len() == 1;
            if c.num_values() < 0 || (flat && c.num_values() as u64 != rg.num_rows() as u64) {
                return Err(damaged(format!(
                    "row group {k} has {} rows but its column '{}' claims {} values",
                    rg.num_rows(),
                    c.descriptor().path_in_schema.join("."),
                    c.num_values()
                )));
            }
        }
        rows = rows.saturating_add(rg.num_rows() as u64);
    }
    if rows != meta.num_rows as u64 {
        return Err(damaged(format!(
            "the row groups hold {rows} rows but the file claims {}",
            meta.num_rows
        )));
    }
    // A double per cell and per-row bookkeeping: about 16 bytes per cell read.
    crate::memory::require(
        || {
            format!(
                "reading {rows} rows of {} column(s) of {}",
                wanted.len(),
                path.display()
            )
        },
        rows.saturating_mul(16)
            .saturating_mul(wanted.len().max(1) as u64),
        "read fewer columns, or split the file",
        Some(crate::error::Setting::OutOfCore),
    )?;
    Ok(rows)
}

/// Checks one column of a Parquet file as [`read_columns`] does before reading it (footer,
/// page headers, memory) and returns the file's number of rows, for reading the column in
/// stretches with [`read_parquet_rows`].
pub(crate) fn parquet_column_rows(path: &Path, name: &str) -> Result<usize> {
    let rows = check_parquet_footer(path, &[name.to_string()])?;
    Ok(usize::try_from(rows).unwrap_or(usize::MAX))
}

/// Rows `offset .. offset + len` of column `name` of a Parquet file: the reader maps and
/// decodes only the row groups that hold them.
pub(crate) fn read_parquet_rows(
    path: &Path,
    name: &str,
    offset: usize,
    len: usize,
) -> Result<DataFrame> {
    guarded(path, InputFormat::Parquet, || {
        let file = std::fs::File::open(path)?;
        ParquetReader::new(file)
            .with_columns(Some(vec![name.to_string()]))
            .with_slice(Some((offset, len)))
            .finish()
    })
}

/// Reads a column chunk's page headers from the mapped file: every data page holds no more
/// values than the chunk. A negative count in a damaged header would otherwise become an
/// allocation of exabytes.
fn check_pages(
    mapped: &polars_buffer::Buffer<u8>,
    chunk: &polars_parquet::parquet::metadata::ColumnChunkMetadata,
) -> std::result::Result<(), String> {
    use polars_parquet::parquet::page::CompressedPage;
    use polars_parquet::parquet::read::PageReader;
    let len = mapped.len();
    let range = chunk.byte_range();
    if range.start > range.end || range.end > len as u64 {
        return Err(format!("a column chunk lies outside the file ({range:?})"));
    }
    let bytes = mapped
        .clone()
        .sliced(range.start as usize..range.end as usize);
    let limit = chunk.num_values().max(0) as usize;
    let cursor = std::io::Cursor::new(bytes);
    let mut seen = 0usize;
    for page in PageReader::new(cursor, chunk, Vec::new(), len) {
        if let CompressedPage::Data(p) = page.map_err(|e| e.to_string())? {
            seen = seen.saturating_add(p.num_values());
            if seen > limit {
                return Err(format!(
                    "a page of column '{}' claims more values than its chunk ({limit})",
                    chunk.descriptor().path_in_schema.join(".")
                ));
            }
        }
    }
    Ok(())
}

/// The field separator of a CSV file: tab for `.tsv`; otherwise whichever of `,`, `;` and tab
/// the header line holds most often (`,` when none), so that the semicolon files of
/// spreadsheets with a decimal comma and tab-separated exports read as they are.
fn separator(path: &Path) -> u8 {
    use std::io::BufRead;
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("tsv"))
    {
        return b'\t';
    }
    let mut header = String::new();
    if let Ok(f) = std::fs::File::open(path) {
        let _ = std::io::BufReader::new(f).read_line(&mut header);
    }
    separator_of(&header)
}

/// Whichever of `,`, `;` and tab the header line holds most often (`,` when none).
fn separator_of(header: &str) -> u8 {
    let count = |c: char| header.matches(c).count();
    [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|&c| (count(c as char), c == b','))
        .filter(|&c| count(c as char) > 0)
        .unwrap_or(b',')
}

/// Runs a polars call, turning its errors — and, as a last line of defence, its panics on
/// malformed files — into [`Error::Malformed`] / [`Error::Io`] naming the file.
fn guarded<T>(path: &Path, format: InputFormat, f: impl FnOnce() -> PolarsResult<T>) -> Result<T> {
    let path: PathBuf = path.to_path_buf();
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    match outcome {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(PolarsError::IO { error, .. })) => Err(Error::Io {
            path,
            message: error.to_string(),
        }),
        // polars takes a file that starts with a zlib or zstd signature for a compressed one.
        Ok(Err(e)) if e.to_string().contains("cannot read compressed CSV") => Err(Error::Layout {
            path,
            problem: "its first bytes are the signature of a compressed (zlib or zstd) file, not a CSV header line".into(),
            fix: "decompress it first (a gzip file ending in .gz is read as it is)".into(),
        }),
        Ok(Err(e)) => Err(Error::Malformed {
            path,
            format: format.name().into(),
            message: first_line(&e.to_string()),
        }),
        Err(panic) => Err(Error::Malformed {
            path,
            format: format.name().into(),
            message: panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "the reader failed".into()),
        }),
    }
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or("").trim().to_string()
}
