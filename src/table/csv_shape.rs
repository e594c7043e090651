//! The shape of a CSV file, checked where polars' own message would not point at the fix: a
//! header naming a column twice, and records with more or fewer fields than the header.

use crate::csv_text::fields;
use crate::error::{Error, Result};
use std::io::BufRead;
use std::path::Path;

/// A header naming a column twice is an error naming both positions.
pub(crate) fn check_header(path: &Path, header: &str, sep: u8) -> Result<()> {
    let (names, _) = fields(
        header
            .trim_end_matches(['\r', '\n'])
            .trim_start_matches('\u{feff}'),
        sep as char,
        &mut false,
    );
    for (j, name) in names.iter().enumerate() {
        if let Some(i) = names[..j].iter().position(|n| n.trim() == name.trim()) {
            return Err(Error::Layout {
                path: path.to_path_buf(),
                problem: format!(
                    "the header names the column '{}' twice (fields {} and {})",
                    name.trim(),
                    i + 1,
                    j + 1
                ),
                fix: "rename one of them".into(),
            });
        }
    }
    Ok(())
}

/// The first line that is not UTF-8 text, as an error naming the line, the data row (lines
/// after the header) and the byte; `None` when the whole text is UTF-8.
pub(crate) fn not_utf8(path: &Path, mut text: impl BufRead) -> Option<Error> {
    let mut line = Vec::new();
    let mut number = 0usize;
    loop {
        line.clear();
        match text.read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => return None,
            Ok(_) => number += 1,
        }
        if let Err(e) = std::str::from_utf8(&line) {
            let at = e.valid_up_to();
            let place = if number == 1 {
                "the header line".to_string()
            } else {
                format!("line {number} (data row {})", number - 1)
            };
            return Some(Error::Layout {
                path: path.to_path_buf(),
                problem: format!(
                    "{place} is not UTF-8 text: byte {} (0x{:02x}) cannot start or continue a character",
                    at + 1,
                    line[at]
                ),
                fix: "save the file as UTF-8 (from Latin-1 or Windows-1252: iconv -f cp1252 -t utf-8 FILE > NEW)".into(),
            });
        }
    }
}

/// The first record whose number of fields differs from the header's, as an error naming its
/// data row (counted from 1 after the header) and both counts; `None` when all agree.
pub(crate) fn ragged_row(path: &Path, text: impl BufRead, sep: u8) -> Option<Error> {
    let mut lines = text.lines().map_while(|l| l.ok());
    let mut in_quotes = false;
    let expected = fields(&lines.next()?, sep as char, &mut in_quotes).0.len();
    let (mut row, mut count) = (0usize, 0usize);
    for line in lines {
        let line = line.trim_end_matches('\r');
        let continued = in_quotes;
        let (values, junk) = fields(line, sep as char, &mut in_quotes);
        let n = values.len();
        if continued {
            count += n - 1;
        } else {
            if line.is_empty() {
                continue;
            }
            row += 1;
            count = n;
        }
        if junk {
            return Some(Error::Layout {
                path: path.to_path_buf(),
                problem: format!(
                    "on data row {row} a quoted value is followed by other characters before the separator"
                ),
                fix: "quote the whole value (\"a b\"), writing a quote inside it twice (\"\")".into(),
            });
        }
        if !in_quotes && count != expected {
            return Some(Error::Layout {
                path: path.to_path_buf(),
                problem: format!(
                    "data row {row} has {count} field(s) but the header has {expected}"
                ),
                fix: "fix that row (a separator inside an unquoted value, or a missing value)"
                    .into(),
            });
        }
    }
    // A quote opened and never closed swallows the rest of the file.
    in_quotes.then(|| Error::Layout {
        path: path.to_path_buf(),
        problem: format!("a quote opened on data row {row} is never closed"),
        fix: "close the quote, or remove the stray '\"' (a quote inside a value is written twice: \"\")"
            .into(),
    })
}
