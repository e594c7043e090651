//! Stata `.dta` and SPSS `.sav`/`.zsav` files, read straight into columns: only the
//! variables asked for, their value labels, and missing values as empty cells.
//!
//! Both formats are documented (Stata's `help dta`, formats 113–119; the SPSS system-file
//! layout as PSPP documents it). Reading them here, rather than through a general reader,
//! keeps the statistics build free of the query engines and network clients such readers
//! bring, and lets every fault name the byte where it was found.

mod spss;
mod stata;

use polars::prelude::*;
use std::collections::HashMap;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::Path;

pub(crate) use spss::{read as read_spss, variable_names as spss_names};
pub(crate) use stata::{read as read_stata, variable_names as stata_names};

/// What is wrong with a file, in words for the reader of the error.
#[derive(Debug)]
pub(crate) enum Fault {
    /// The file stops before the part its header announces.
    Truncated(String),
    /// The bytes are not what the format says must be there.
    Malformed(String),
    /// The file could not be opened or read.
    Io(String),
}

pub(crate) type Res<T> = std::result::Result<T, Fault>;

/// One variable as read: its values (an empty cell where the file stores a missing value)
/// and, if it has them, its value labels.
pub(crate) struct Column {
    pub name: String,
    pub values: Values,
    pub labels: Option<Labels>,
}

/// A variable's values in the narrowest type that holds them exactly.
pub(crate) enum Values {
    /// Stata `byte`, `int` and `long`.
    Int(Vec<Option<i32>>),
    /// Stata `float`.
    F32(Vec<Option<f32>>),
    /// Stata `double`; every SPSS number.
    F64(Vec<Option<f64>>),
    /// Strings, trailing blanks (SPSS) or the terminating zero (Stata) removed.
    Text(Vec<Option<String>>),
}

/// Value labels: code → label. Numeric codes are keyed by their bits (`-0.0` as `0.0`).
pub(crate) enum Labels {
    Number(HashMap<u64, String>),
    Text(HashMap<String, String>),
}

fn number_key(x: f64) -> u64 {
    if x == 0.0 {
        0.0f64.to_bits()
    } else {
        x.to_bits()
    }
}

/// A code as text: whole numbers without a decimal point (the code 12 is "12", as the
/// coded read shows it), others as Rust prints the double.
fn code_text(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 9.0e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

impl Column {
    /// The column as polars holds it: with `as_labels`, a labelled variable becomes text,
    /// the label where its code has one and the code where it has none.
    pub(crate) fn series(&self, as_labels: bool) -> Series {
        let name: PlSmallStr = self.name.as_str().into();
        // The readers attach number labels to numbers and text labels to text.
        let labelled: Option<Vec<Option<String>>> = match (as_labels, &self.labels) {
            (true, Some(Labels::Text(map))) => self.values.texts().map(|v| {
                v.iter()
                    .map(|s| {
                        s.as_ref()
                            .map(|s| map.get(s).cloned().unwrap_or_else(|| s.clone()))
                    })
                    .collect()
            }),
            (true, Some(Labels::Number(map))) => self.values.numbers().map(|v| {
                v.into_iter()
                    .map(|x| {
                        x.map(|x| {
                            map.get(&number_key(x))
                                .cloned()
                                .unwrap_or_else(|| code_text(x))
                        })
                    })
                    .collect()
            }),
            _ => None,
        };
        if let Some(text) = labelled {
            return Series::new(name, text);
        }
        match &self.values {
            Values::Int(v) => Series::new(name, v),
            Values::F32(v) => Series::new(name, v),
            Values::F64(v) => Series::new(name, v),
            Values::Text(v) => Series::new(name, v),
        }
    }

    fn len(&self) -> usize {
        match &self.values {
            Values::Int(v) => v.len(),
            Values::F32(v) => v.len(),
            Values::F64(v) => v.len(),
            Values::Text(v) => v.len(),
        }
    }
}

impl Values {
    /// Numbers as doubles (exact for every stored type); `None` for text.
    fn numbers(&self) -> Option<Vec<Option<f64>>> {
        match self {
            Values::Int(v) => Some(v.iter().map(|x| x.map(f64::from)).collect()),
            Values::F32(v) => Some(v.iter().map(|x| x.map(f64::from)).collect()),
            Values::F64(v) => Some(v.clone()),
            Values::Text(_) => None,
        }
    }

    fn texts(&self) -> Option<&[Option<String>]> {
        match self {
            Values::Text(v) => Some(v),
            _ => None,
        }
    }
}

/// The columns as a frame, in the order given.
pub(crate) fn frame(columns: &[Column], as_labels: bool) -> PolarsResult<DataFrame> {
    let height = columns.first().map_or(0, |c| c.len());
    DataFrame::new(
        height,
        columns
            .iter()
            .map(|c| c.series(as_labels).into_column())
            .collect(),
    )
}

/// Text as stored: UTF-8 where it is valid (Stata 14 and later, SPSS files that say so),
/// otherwise each byte as its Latin-1 character (older files written on Windows).
pub(crate) fn decode(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => bytes.iter().map(|&b| char::from(b)).collect(),
    }
}

/// Bytes up to the first zero (Stata's fixed-width fields).
pub(crate) fn until_nul(bytes: &[u8]) -> &[u8] {
    bytes
        .iter()
        .position(|&b| b == 0)
        .map_or(bytes, |end| &bytes[..end])
}

/// A file read front to back (with seeks for Stata's map), in the file's byte order. Every
/// read that asks for more than the file has left is a [`Fault::Truncated`] naming what was
/// being read, before anything is allocated for it.
pub(crate) struct Input<R> {
    inner: R,
    pos: u64,
    len: u64,
    pub big_endian: bool,
}

impl Input<BufReader<std::fs::File>> {
    pub(crate) fn open(path: &Path) -> Res<Self> {
        let file = std::fs::File::open(path).map_err(|e| Fault::Io(e.to_string()))?;
        let len = file.metadata().map_err(|e| Fault::Io(e.to_string()))?.len();
        Ok(Input {
            inner: BufReader::with_capacity(1 << 16, file),
            pos: 0,
            len,
            big_endian: false,
        })
    }
}

impl<R: Read + Seek> Input<R> {
    pub(crate) fn pos(&self) -> u64 {
        self.pos
    }

    pub(crate) fn len(&self) -> u64 {
        self.len
    }

    pub(crate) fn remaining(&self) -> u64 {
        self.len.saturating_sub(self.pos)
    }

    pub(crate) fn seek(&mut self, to: u64, what: &str) -> Res<()> {
        if to > self.len {
            return Err(Fault::Truncated(format!(
                "the {what} should start at byte {to}, but the file has {} bytes",
                self.len
            )));
        }
        self.inner
            .seek(SeekFrom::Start(to))
            .map_err(|e| Fault::Io(e.to_string()))?;
        self.pos = to;
        Ok(())
    }

    pub(crate) fn fill(&mut self, buf: &mut [u8], what: &str) -> Res<()> {
        if buf.len() as u64 > self.remaining() {
            return Err(Fault::Truncated(format!(
                "the reader ran out of bytes in the {what} (byte {}: {} wanted, {} left)",
                self.pos,
                buf.len(),
                self.remaining()
            )));
        }
        self.inner
            .read_exact(buf)
            .map_err(|e| Fault::Io(e.to_string()))?;
        self.pos += buf.len() as u64;
        Ok(())
    }

    pub(crate) fn chunk(&mut self, n: u64, what: &str) -> Res<Vec<u8>> {
        if n > self.remaining() {
            return Err(Fault::Truncated(format!(
                "the reader ran out of bytes in the {what} (byte {}: {n} wanted, {} left)",
                self.pos,
                self.remaining()
            )));
        }
        let mut v = vec![0u8; n as usize];
        self.fill(&mut v, what)?;
        Ok(v)
    }

    pub(crate) fn skip(&mut self, n: u64, what: &str) -> Res<()> {
        let to = self.pos.saturating_add(n);
        if to > self.len {
            return Err(Fault::Truncated(format!(
                "the reader ran out of bytes in the {what} (byte {}: {n} wanted, {} left)",
                self.pos,
                self.remaining()
            )));
        }
        self.seek(to, what)
    }

    /// The literal `tag` next, or a fault saying what was found instead.
    pub(crate) fn expect(&mut self, tag: &[u8]) -> Res<()> {
        let at = self.pos;
        let what = String::from_utf8_lossy(tag).into_owned();
        let got = self.chunk(tag.len() as u64, &what)?;
        if got != tag {
            return Err(Fault::Malformed(format!(
                "expected {what} at byte {at}, found {:?}",
                String::from_utf8_lossy(&got)
            )));
        }
        Ok(())
    }

    pub(crate) fn u8(&mut self, what: &str) -> Res<u8> {
        let mut b = [0u8; 1];
        self.fill(&mut b, what)?;
        Ok(b[0])
    }

    pub(crate) fn u16(&mut self, what: &str) -> Res<u16> {
        let mut b = [0u8; 2];
        self.fill(&mut b, what)?;
        Ok(uint(&b, self.big_endian) as u16)
    }

    pub(crate) fn u32(&mut self, what: &str) -> Res<u32> {
        let mut b = [0u8; 4];
        self.fill(&mut b, what)?;
        Ok(uint(&b, self.big_endian) as u32)
    }

    pub(crate) fn i32(&mut self, what: &str) -> Res<i32> {
        Ok(self.u32(what)? as i32)
    }

    pub(crate) fn u64(&mut self, what: &str) -> Res<u64> {
        let mut b = [0u8; 8];
        self.fill(&mut b, what)?;
        Ok(uint(&b, self.big_endian))
    }

    pub(crate) fn f64(&mut self, what: &str) -> Res<f64> {
        Ok(f64::from_bits(self.u64(what)?))
    }
}

impl<R: Read> Read for Input<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.pos += n as u64;
        Ok(n)
    }
}

/// An unsigned integer of up to eight bytes in the given byte order.
pub(crate) fn uint(bytes: &[u8], big_endian: bool) -> u64 {
    let fold = |acc: u64, &b: &u8| (acc << 8) | u64::from(b);
    if big_endian {
        bytes.iter().fold(0, fold)
    } else {
        bytes.iter().rev().fold(0, fold)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_read_in_either_byte_order() {
        assert_eq!(uint(&[0x01, 0x02], false), 0x0201);
        assert_eq!(uint(&[0x01, 0x02], true), 0x0102);
        assert_eq!(
            uint(&[1, 0, 0, 0, 0, 0, 0, 0x80], false),
            0x8000_0000_0000_0001
        );
    }

    #[test]
    fn codes_print_as_the_coded_read_does() {
        assert_eq!(code_text(12.0), "12");
        assert_eq!(code_text(-3.0), "-3");
        assert_eq!(code_text(1.5), "1.5");
        assert_eq!(number_key(-0.0), number_key(0.0));
    }

    #[test]
    fn text_falls_back_to_latin1() {
        assert_eq!(decode(b"Jawa"), "Jawa");
        assert_eq!(decode(&[0x53, 0xE3, 0x6F]), "São");
        assert_eq!(until_nul(b"ab\0cd"), b"ab");
    }
}
