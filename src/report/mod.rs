//! Tidy result tables and their renderers: aligned text for people, CSV and JSON for
//! programs. A [`Report`] is a header and rows of [`Cell`]s; renderers only format.

use crate::error::{Error, Result};
use std::io::Write;

#[cfg(feature = "serde")]
mod json;
#[cfg(feature = "plot")]
pub mod plot;
#[cfg(feature = "table")]
pub mod tidy;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum OutputFormat {
    /// Aligned columns: 4 decimals for indices and shares, thousands separators for money.
    #[default]
    Table,
    /// Comma-separated, full precision.
    Csv,
    /// An array of objects, full precision.
    Json,
}

impl OutputFormat {
    /// Parses `table`, `csv` or `json`.
    pub fn parse(name: &str) -> Result<Self> {
        match name {
            "table" => Ok(OutputFormat::Table),
            "csv" => Ok(OutputFormat::Csv),
            "json" => Ok(OutputFormat::Json),
            _ => Err(Error::InvalidParameter {
                name: "output format",
                value: name.into(),
                expected: "table, csv or json".into(),
            }),
        }
    }
}

/// How a number is shown in the table format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Index or share: 4 decimals.
    Index,
    /// Money: thousands separators, no decimals above 100.
    Money,
    /// A count or population: thousands separators, no decimals.
    Count,
    /// A probability: 4 decimals, or `<0.0001`.
    PValue,
    /// A fitted parameter or error sum of any magnitude: 6 significant digits.
    General,
}

impl Style {
    /// Money for amounts (mean, median, quantiles), 4-decimal index otherwise.
    pub fn of(measure: &crate::measure::Measure) -> Style {
        match measure.unit() {
            crate::measure::Unit::Money => Style::Money,
            crate::measure::Unit::Persons => Style::Count,
            crate::measure::Unit::Index => Style::Index,
        }
    }
}

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64, Style),
    /// Not applicable (empty in CSV, `null` in JSON, blank in the table).
    Empty,
}

/// A tidy table with notes for the reader.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    /// Sentences printed under the table format (not part of CSV / JSON).
    pub notes: Vec<String>,
}

impl Report {
    /// Renders the report in `format` to `out`.
    pub fn render(&self, format: OutputFormat, out: &mut dyn Write) -> std::io::Result<()> {
        match format {
            OutputFormat::Table => self.render_table(out),
            #[cfg(feature = "serde")]
            OutputFormat::Csv => self.render_csv(out),
            #[cfg(feature = "serde")]
            OutputFormat::Json => self.render_json(out),
            #[cfg(not(feature = "serde"))]
            OutputFormat::Csv | OutputFormat::Json => Err(std::io::Error::other(
                "CSV and JSON output need the `serde` feature",
            )),
        }
    }

    fn render_table(&self, out: &mut dyn Write) -> std::io::Result<()> {
        let texts: Vec<Vec<String>> = self
            .rows
            .iter()
            .map(|r| r.iter().map(format_for_people).collect())
            .collect();
        let mut widths: Vec<usize> = self.columns.iter().map(|c| c.chars().count()).collect();
        for row in &texts {
            for (w, t) in widths.iter_mut().zip(row) {
                *w = (*w).max(t.chars().count());
            }
        }
        let right: Vec<bool> = (0..self.columns.len())
            .map(|j| {
                self.rows
                    .iter()
                    .any(|r| matches!(r.get(j), Some(Cell::Number(..))))
            })
            .collect();
        let line = |cells: &[String]| -> String {
            let mut s = String::new();
            for (j, t) in cells.iter().enumerate() {
                if j > 0 {
                    s.push_str("  ");
                }
                let pad = widths[j].saturating_sub(t.chars().count());
                if right[j] {
                    s.push_str(&" ".repeat(pad));
                    s.push_str(t);
                } else {
                    s.push_str(t);
                    s.push_str(&" ".repeat(pad));
                }
            }
            s.trim_end().to_string()
        };
        writeln!(out, "{}", line(&self.columns))?;
        let rule: Vec<String> = widths.iter().map(|&w| "-".repeat(w)).collect();
        writeln!(out, "{}", line(&rule))?;
        for row in &texts {
            writeln!(out, "{}", line(row))?;
        }
        for note in &self.notes {
            writeln!(out, "{note}")?;
        }
        Ok(())
    }

    #[cfg(feature = "serde")]
    fn render_csv(&self, out: &mut dyn Write) -> std::io::Result<()> {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(out);
        w.write_record(&self.columns)?;
        for row in &self.rows {
            w.write_record(row.iter().map(|c| match c {
                Cell::Text(t) => t.clone(),
                Cell::Number(v, _) => full_precision(*v),
                Cell::Empty => String::new(),
            }))?;
        }
        w.flush()
    }

    #[cfg(feature = "serde")]
    fn render_json(&self, out: &mut dyn Write) -> std::io::Result<()> {
        use serde::Serialize;
        let rows: Vec<json::Row<'_>> = self
            .rows
            .iter()
            .map(|cells| json::Row {
                columns: &self.columns,
                cells,
            })
            .collect();
        let mut ser =
            serde_json::Serializer::with_formatter(&mut *out, json::RowsFormatter::default());
        rows.serialize(&mut ser).map_err(std::io::Error::other)?;
        writeln!(out)
    }
}

/// Shortest text that reads back to the same `f64`.
#[cfg(feature = "serde")]
fn full_precision(v: f64) -> String {
    if v.is_finite() {
        format!("{v}")
    } else {
        String::new()
    }
}

fn format_for_people(cell: &Cell) -> String {
    match cell {
        Cell::Text(t) => t.clone(),
        Cell::Empty => String::new(),
        Cell::Number(v, _) if !v.is_finite() => "-".into(),
        Cell::Number(v, Style::Index) => format!("{v:.4}"),
        Cell::Number(v, Style::PValue) => {
            if *v < 1e-4 {
                "<0.0001".into()
            } else {
                format!("{v:.4}")
            }
        }
        Cell::Number(v, Style::Count) => thousands(*v, 0),
        Cell::Number(v, Style::General) => format!("{v:.6e}")
            .parse::<f64>()
            .map_or_else(|_| v.to_string(), |r| r.to_string()),
        Cell::Number(v, Style::Money) => thousands(*v, if v.abs() >= 100.0 { 0 } else { 2 }),
    }
}

/// `1234567.891` → `1,234,568` (0 decimals) or `1,234,567.89` (2 decimals).
///
/// ```
/// use ginikit::report::thousands;
/// assert_eq!(thousands(1234567.891, 0), "1,234,568");
/// assert_eq!(thousands(-1234.5, 2), "-1,234.50");
/// assert_eq!(thousands(999.0, 0), "999");
/// ```
pub fn thousands(v: f64, decimals: usize) -> String {
    let text = format!("{:.*}", decimals, v.abs());
    let (int, frac) = match text.split_once('.') {
        Some((i, f)) => (i.to_string(), format!(".{f}")),
        None => (text.clone(), String::new()),
    };
    let mut grouped = String::new();
    for (k, ch) in int.chars().enumerate() {
        if k > 0 && (int.len() - k) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    let sign = if v < 0.0 && text.chars().any(|c| c != '0' && c != '.') {
        "-"
    } else {
        ""
    };
    format!("{sign}{grouped}{frac}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Report {
        Report {
            columns: vec!["area".into(), "measure".into(), "estimate".into()],
            rows: vec![
                vec![
                    Cell::Text("urban, \"core\"".into()),
                    Cell::Text("gini".into()),
                    Cell::Number(0.40412345, Style::Index),
                ],
                vec![
                    Cell::Text("rural".into()),
                    Cell::Text("mean".into()),
                    Cell::Number(1234567.5, Style::Money),
                ],
            ],
            notes: vec!["note: example".into()],
        }
    }

    fn render(format: OutputFormat) -> String {
        let mut out = Vec::new();
        sample().render(format, &mut out).expect("valid test input");
        String::from_utf8(out).expect("valid test input")
    }

    #[test]
    fn table_is_aligned_and_formatted() {
        let t = render(OutputFormat::Table);
        let lines: Vec<&str> = t.lines().collect();
        assert!(lines[2].ends_with("0.4041"));
        assert!(lines[3].ends_with("1,234,568"));
        assert_eq!(lines[2].len(), lines[3].len());
        assert_eq!(lines[4], "note: example");
    }

    #[test]
    #[cfg(feature = "serde")]
    fn csv_quotes_and_keeps_precision() {
        let t = render(OutputFormat::Csv);
        assert_eq!(
            t.lines().nth(1).expect("valid test input"),
            "\"urban, \"\"core\"\"\",gini,0.40412345"
        );
    }

    #[test]
    #[cfg(feature = "serde")]
    fn json_escapes_and_round_trips() {
        let t = render(OutputFormat::Json);
        assert!(t.contains("\"area\": \"urban, \\\"core\\\"\""));
        assert!(t.contains("\"estimate\": 1234567.5"));
    }
}
