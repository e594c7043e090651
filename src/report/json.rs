//! JSON output through serde_json, in the report's layout: one object per line inside an
//! array, `", "` between fields, numbers written as Rust prints them (shortest text that
//! reads back to the same `f64`, never an exponent), non-finite numbers as `null`.

use super::Cell;
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use std::io::{self, Write};

/// One row as an object of column → cell.
pub(super) struct Row<'a> {
    pub columns: &'a [String],
    pub cells: &'a [Cell],
}

impl Serialize for Row<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.cells.len()))?;
        for (name, cell) in self.columns.iter().zip(self.cells) {
            match cell {
                Cell::Text(t) => map.serialize_entry(name, t)?,
                Cell::Number(v, _) if v.is_finite() => map.serialize_entry(name, v)?,
                Cell::Number(..) | Cell::Empty => map.serialize_entry(name, &None::<f64>)?,
            }
        }
        map.end()
    }
}

/// `[`, then each row on its own line indented by two spaces, then `]`.
#[derive(Default)]
pub(super) struct RowsFormatter {
    rows: usize,
}

impl serde_json::ser::Formatter for RowsFormatter {
    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.rows += 1;
        w.write_all(if first { b"\n  " } else { b",\n  " })
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(if self.rows > 0 { b"\n]" } else { b"]" })
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        if first {
            Ok(())
        } else {
            w.write_all(b", ")
        }
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }

    fn write_f64<W: ?Sized + Write>(&mut self, w: &mut W, value: f64) -> io::Result<()> {
        write!(w, "{value}")
    }
}
