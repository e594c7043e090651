//! Stata `.dta`, formats 113–115 (Stata 8–12, a binary header) and 117–119 (Stata 13 and
//! later, a tagged header with a map of byte offsets). Layouts as Stata's `help dta`
//! documents them.

use super::{decode, uint, until_nul, Column, Fault, Input, Labels, Res, Values};
use std::collections::HashMap;
use std::io::{Read, Seek};
use std::path::Path;

/// A variable's storage type.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    /// A fixed-width string of this many bytes.
    Str(usize),
    /// A long string stored once in the `<strls>` section and referenced from the data.
    StrL,
    Byte,
    Int,
    Long,
    Float,
    Double,
}

impl Kind {
    fn width(self) -> usize {
        match self {
            Kind::Str(w) => w,
            Kind::StrL | Kind::Double => 8,
            Kind::Byte => 1,
            Kind::Int => 2,
            Kind::Long | Kind::Float => 4,
        }
    }

    /// The type codes of formats 117–119.
    fn tagged(code: u16) -> Option<Kind> {
        Some(match code {
            1..=2045 => Kind::Str(code as usize),
            32768 => Kind::StrL,
            65526 => Kind::Double,
            65527 => Kind::Float,
            65528 => Kind::Long,
            65529 => Kind::Int,
            65530 => Kind::Byte,
            _ => return None,
        })
    }

    /// The type codes of formats 113–115.
    fn binary(code: u8) -> Option<Kind> {
        Some(match code {
            1..=244 => Kind::Str(code as usize),
            251 => Kind::Byte,
            252 => Kind::Int,
            253 => Kind::Long,
            254 => Kind::Float,
            255 => Kind::Double,
            _ => return None,
        })
    }
}

/// What the header and descriptors say.
struct Layout {
    release: u16,
    rows: u64,
    names: Vec<String>,
    kinds: Vec<Kind>,
    label_names: Vec<String>,
    /// Where the rows start.
    data: u64,
    /// Where the long strings are (117+).
    strls: Option<u64>,
    /// Where the value-label tables start.
    value_labels: u64,
}

impl Layout {
    fn row_width(&self) -> u64 {
        self.kinds.iter().map(|k| k.width() as u64).sum()
    }
}

fn open(path: &Path) -> Res<(Input<std::io::BufReader<std::fs::File>>, Layout)> {
    let mut input = Input::open(path)?;
    let mut first = [0u8; 1];
    if input.len() == 0 {
        return Err(Fault::Malformed("the file is empty".into()));
    }
    input.fill(&mut first, "header")?;
    input.seek(0, "header")?;
    let layout = match first[0] {
        b'<' => {
            input.expect(b"<stata_dta>")?;
            check_complete(&mut input)?;
            tagged_layout(&mut input)?
        }
        113..=115 => binary_layout(&mut input)?,
        v @ 102..=112 => {
            return Err(Fault::Malformed(format!(
                "it is in Stata format {v} (Stata 7 or earlier), which is not read here; \
                 save it again from Stata 13 or later, or as CSV"
            )))
        }
        _ => {
            return Err(Fault::Malformed(
                "it does not start with a Stata header (a .dta file begins with <stata_dta> \
                 or a format number 113-115)"
                    .into(),
            ))
        }
    };
    // Every row is there before anything is allocated for them: a header that promises
    // more rows than the file holds is a cut (or damaged) file.
    let need = layout.rows.checked_mul(layout.row_width());
    let have = input.len().saturating_sub(layout.data);
    if need.is_none_or(|need| need > have) {
        return Err(Fault::Truncated(format!(
            "the reader ran out of bytes: the header promises {} rows of {} bytes from byte {}, \
             but the file has {} bytes",
            layout.rows,
            layout.row_width(),
            layout.data,
            input.len()
        )));
    }
    Ok((input, layout))
}

/// A file of format 117 or later ends with `</stata_dta>`. One whose closing tag is missing
/// was cut off; its value labels (stored last) may be lost while its data still read, so it
/// is refused before reading rather than read with codes where labels were meant.
fn check_complete<R: Read + Seek>(input: &mut Input<R>) -> Res<()> {
    const TAIL: &[u8] = b"</stata_dta>";
    let cut = || {
        Fault::Truncated(
            "its closing </stata_dta> tag is missing, so the value labels or data stored last \
             are cut off"
                .into(),
        )
    };
    let start = input.len().checked_sub(TAIL.len() as u64).ok_or_else(cut)?;
    input.seek(start, "end tag")?;
    if input.chunk(TAIL.len() as u64, "end tag")? != TAIL {
        return Err(cut());
    }
    input.seek(0, "header")
}

/// The variable names, in file order.
pub(crate) fn variable_names(path: &Path) -> Res<Vec<String>> {
    Ok(open(path)?.1.names)
}

/// The named variables (each once, in the order given), with their value labels.
pub(crate) fn read(path: &Path, wanted: &[String]) -> Res<Vec<Column>> {
    let (mut input, layout) = open(path)?;
    let mut offsets = Vec::with_capacity(layout.kinds.len());
    let mut at = 0usize;
    for k in &layout.kinds {
        offsets.push(at);
        at += k.width();
    }
    let picked: Vec<usize> =
        wanted
            .iter()
            .map(|w| {
                layout.names.iter().position(|n| n == w).ok_or_else(|| {
                    Fault::Malformed(format!("the file has no variable named '{w}'"))
                })
            })
            .collect::<Res<_>>()?;

    let rows = layout.rows as usize;
    let mut values: Vec<Values> = picked
        .iter()
        .map(|&j| match layout.kinds[j] {
            Kind::Byte | Kind::Int | Kind::Long => Values::Int(Vec::with_capacity(rows)),
            Kind::Float => Values::F32(Vec::with_capacity(rows)),
            Kind::Double => Values::F64(Vec::with_capacity(rows)),
            Kind::Str(_) | Kind::StrL => Values::Text(Vec::with_capacity(rows)),
        })
        .collect();
    let mut strl_refs: Vec<Vec<(u64, u64)>> = vec![Vec::new(); picked.len()];

    input.seek(layout.data, "data")?;
    if layout.release >= 117 {
        input.expect(b"<data>")?;
    }
    let big = input.big_endian;
    let mut row = vec![0u8; at];
    for _ in 0..rows {
        input.fill(&mut row, "data")?;
        for (c, &j) in picked.iter().enumerate() {
            let cell = &row[offsets[j]..offsets[j] + layout.kinds[j].width()];
            match (&mut values[c], layout.kinds[j]) {
                (Values::Int(v), kind) => v.push(integer(cell, kind, big)),
                (Values::F32(v), _) => {
                    let x = f32::from_bits(uint(cell, big) as u32);
                    // Missing values are 2^127 and above (`.`, `.a` … `.z`).
                    v.push((!(x.is_nan() || x >= f32::from_bits(0x7f00_0000))).then_some(x));
                }
                (Values::F64(v), _) => {
                    let x = f64::from_bits(uint(cell, big));
                    // Missing values are 2^1023 and above.
                    v.push(
                        (!(x.is_nan() || x >= f64::from_bits(0x7fe0_0000_0000_0000))).then_some(x),
                    );
                }
                (Values::Text(v), Kind::StrL) => {
                    strl_refs[c].push(strl_ref(cell, layout.release, big));
                    v.push(None);
                }
                (Values::Text(v), _) => v.push(Some(decode(until_nul(cell)))),
            }
        }
    }

    if strl_refs.iter().any(|r| !r.is_empty()) {
        fill_strls(&mut input, &layout, &strl_refs, &mut values, wanted)?;
    }

    let tables = read_value_labels(&mut input, &layout)?;
    Ok(picked
        .iter()
        .zip(values)
        .map(|(&j, values)| {
            let labels = match layout.kinds[j] {
                Kind::Str(_) | Kind::StrL => None,
                _ => tables
                    .get(&layout.label_names[j])
                    .map(|t| Labels::Number(t.clone())),
            };
            Column {
                name: layout.names[j].clone(),
                values,
                labels,
            }
        })
        .collect())
}

/// The long strings (`strL`) that the picked columns' cells refer to (`refs`, per column),
/// read from the file's `<strls>` into `values`.
fn fill_strls<R: Read + Seek>(
    input: &mut Input<R>,
    layout: &Layout,
    refs: &[Vec<(u64, u64)>],
    values: &mut [Values],
    wanted: &[String],
) -> Res<()> {
    let strls = read_strls(input, layout)?;
    for (c, refs) in refs.iter().enumerate() {
        if let Values::Text(v) = &mut values[c] {
            for (i, key) in refs.iter().enumerate() {
                // (0, 0) is the empty string; any other reference must be in <strls>.
                v[i] = match (key, strls.get(key)) {
                    ((0, 0), _) => Some(String::new()),
                    (_, Some(s)) => Some(s.clone()),
                    (_, None) => {
                        return Err(Fault::Malformed(format!(
                            "row {} of '{}' refers to a long string (v = {}, o = {}) \
                             that the file does not hold",
                            i + 1,
                            wanted[c],
                            key.0,
                            key.1
                        )))
                    }
                };
            }
        }
    }
    Ok(())
}

/// A `byte`, `int` or `long` cell; the codes above each type's largest value are Stata's
/// missing values (`.`, `.a` … `.z`).
fn integer(cell: &[u8], kind: Kind, big: bool) -> Option<i32> {
    let raw = uint(cell, big);
    match kind {
        Kind::Byte => Some(i32::from(raw as u8 as i8)).filter(|&v| v <= 100),
        Kind::Int => Some(i32::from(raw as u16 as i16)).filter(|&v| v <= 32_740),
        _ => Some(raw as u32 as i32).filter(|&v| v <= 2_147_483_620),
    }
}

/// The (variable, observation) pair a strL cell refers to: two 4-byte halves in format
/// 117, a 2-byte and a 6-byte part in 118, a 3-byte and a 5-byte part in 119.
fn strl_ref(cell: &[u8], release: u16, big: bool) -> (u64, u64) {
    let split = match release {
        117 => 4,
        118 => 2,
        _ => 3,
    };
    (uint(&cell[..split], big), uint(&cell[split..], big))
}

/// The long strings of a 117+ file: `GSO`, v, o, type, length, bytes — until `</strls>`.
fn read_strls<R: Read + Seek>(
    input: &mut Input<R>,
    layout: &Layout,
) -> Res<HashMap<(u64, u64), String>> {
    let mut out = HashMap::new();
    let Some(at) = layout.strls else {
        return Ok(out);
    };
    input.seek(at, "long strings")?;
    input.expect(b"<strls>")?;
    while another(input, b"GSO", b"</s", "</strls>")? {
        let v = u64::from(input.u32("long strings")?);
        let o = if layout.release == 117 {
            u64::from(input.u32("long strings")?)
        } else {
            input.u64("long strings")?
        };
        let binary = input.u8("long strings")? == 129;
        let len = u64::from(input.u32("long strings")?);
        let bytes = input.chunk(len, "long strings")?;
        let text = if binary {
            decode(&bytes)
        } else {
            decode(until_nul(&bytes))
        };
        out.insert((v, o), text);
    }
    Ok(out)
}

/// Whether the next entry of a section is another `entry` (true) or the section's closing
/// tag, which starts with `end` (as long as `entry`).
fn another<R: Read + Seek>(
    input: &mut Input<R>,
    entry: &[u8],
    end: &[u8],
    closing: &str,
) -> Res<bool> {
    let at = input.pos();
    let tag = input.chunk(entry.len() as u64, closing)?;
    if tag == end {
        return Ok(false);
    }
    if tag != entry {
        return Err(Fault::Malformed(format!(
            "expected {} or {closing} at byte {at}",
            String::from_utf8_lossy(entry)
        )));
    }
    Ok(true)
}

/// Every value-label table: name → (code → label).
fn read_value_labels<R: Read + Seek>(
    input: &mut Input<R>,
    layout: &Layout,
) -> Res<HashMap<String, HashMap<u64, String>>> {
    let mut tables = HashMap::new();
    input.seek(layout.value_labels, "value labels")?;
    let name_len = if layout.release >= 118 { 129 } else { 33 };
    if layout.release >= 117 {
        input.expect(b"<value_labels>")?;
        while another(input, b"<lbl>", b"</val", "</value_labels>")? {
            let len = input.i32("value labels")?;
            let name = decode(until_nul(&input.chunk(name_len, "value labels")?));
            input.skip(3, "value labels")?;
            let table = label_table(input, len)?;
            input.expect(b"</lbl>")?;
            tables.insert(name, table);
        }
    } else {
        // Formats 113–115: tables follow the data up to the end of the file.
        while input.remaining() > 0 {
            let len = input.i32("value labels")?;
            let name = decode(until_nul(&input.chunk(33, "value labels")?));
            input.skip(3, "value labels")?;
            let table = label_table(input, len)?;
            tables.insert(name, table);
        }
    }
    Ok(tables)
}

/// One table: n, text length, n offsets, n codes, then the labels' text.
fn label_table<R: Read + Seek>(input: &mut Input<R>, len: i32) -> Res<HashMap<u64, String>> {
    let at = input.pos();
    let body = input.chunk(u64::try_from(len).unwrap_or(u64::MAX), "value labels")?;
    let bad = || Fault::Malformed(format!("the value-label table at byte {at} is damaged"));
    let big = input.big_endian;
    let word = |i: usize| -> Res<u32> {
        body.get(4 * i..4 * i + 4)
            .map(|b| uint(b, big) as u32)
            .ok_or_else(bad)
    };
    let n = word(0)? as usize;
    let text_len = word(1)? as usize;
    let text_at = 8usize
        .checked_add(n.checked_mul(8).ok_or_else(bad)?)
        .ok_or_else(bad)?;
    let text = body
        .get(text_at..text_at.checked_add(text_len).ok_or_else(bad)?)
        .ok_or_else(bad)?;
    let mut table = HashMap::with_capacity(n);
    for i in 0..n {
        let offset = word(2 + i)? as usize;
        let code = word(2 + n + i)? as i32;
        let label = text.get(offset..).ok_or_else(bad)?;
        table.insert(super::number_key(f64::from(code)), decode(until_nul(label)));
    }
    Ok(table)
}

/// Formats 117–119: `<stata_dta><header>…</header><map>…</map>` and the sections the map
/// points at.
fn tagged_layout<R: Read + Seek>(input: &mut Input<R>) -> Res<Layout> {
    input.expect(b"<stata_dta><header><release>")?;
    let release: u16 = std::str::from_utf8(&input.chunk(3, "header")?)
        .ok()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| Fault::Malformed("the release number is not a number".into()))?;
    if !(117..=119).contains(&release) {
        return Err(Fault::Malformed(format!(
            "it is in Stata format {release}, which is not read here (formats 113-119 are)"
        )));
    }
    input.expect(b"</release><byteorder>")?;
    input.big_endian = match &input.chunk(3, "header")?[..] {
        b"MSF" => true,
        b"LSF" => false,
        other => {
            return Err(Fault::Malformed(format!(
                "unknown byte order {:?}",
                String::from_utf8_lossy(other)
            )))
        }
    };
    input.expect(b"</byteorder><K>")?;
    let k = if release == 119 {
        input.u32("header")?
    } else {
        u32::from(input.u16("header")?)
    } as u64;
    input.expect(b"</K><N>")?;
    let rows = if release == 117 {
        u64::from(input.u32("header")?)
    } else {
        input.u64("header")?
    };
    input.expect(b"</N><label>")?;
    let label_len = if release == 117 {
        u64::from(input.u8("header")?)
    } else {
        u64::from(input.u16("header")?)
    };
    input.skip(label_len, "header")?;
    input.expect(b"</label><timestamp>")?;
    let stamp_len = u64::from(input.u8("header")?);
    input.skip(stamp_len, "header")?;
    input.expect(b"</timestamp></header><map>")?;
    let mut map = [0u64; 14];
    for m in &mut map {
        *m = input.u64("map")?;
    }
    input.expect(b"</map>")?;

    // Each descriptor is K entries: check K against the file before reading them.
    let name_len: u64 = if release == 117 { 33 } else { 129 };
    if k.saturating_mul(name_len) > input.len() {
        return Err(Fault::Truncated(format!(
            "the reader ran out of bytes: the header promises {k} variables, more than the \
             file can describe"
        )));
    }
    input.seek(map[2], "variable types")?;
    input.expect(b"<variable_types>")?;
    let mut kinds = Vec::with_capacity(k as usize);
    for j in 0..k {
        let code = input.u16("variable types")?;
        kinds.push(Kind::tagged(code).ok_or_else(|| {
            Fault::Malformed(format!(
                "variable {} has the unknown type code {code}",
                j + 1
            ))
        })?);
    }
    input.seek(map[3], "variable names")?;
    input.expect(b"<varnames>")?;
    let names = fixed_texts(input, k, name_len, "variable names")?;
    input.seek(map[6], "value-label names")?;
    input.expect(b"<value_label_names>")?;
    let label_names = fixed_texts(input, k, name_len, "value-label names")?;
    Ok(Layout {
        release,
        rows,
        names,
        kinds,
        label_names,
        data: map[9],
        strls: Some(map[10]),
        value_labels: map[11],
    })
}

/// Formats 113–115: a 109-byte header, then the descriptors one after another.
fn binary_layout<R: Read + Seek>(input: &mut Input<R>) -> Res<Layout> {
    let release = u16::from(input.u8("header")?);
    input.big_endian = match input.u8("header")? {
        1 => true,
        2 => false,
        b => return Err(Fault::Malformed(format!("unknown byte order code {b}"))),
    };
    input.skip(2, "header")?;
    let k = u64::from(input.u16("header")?);
    let rows = u64::from(input.u32("header")?);
    input.skip(81 + 18, "header")?;
    let mut kinds = Vec::with_capacity(k as usize);
    for (j, code) in input.chunk(k, "variable types")?.into_iter().enumerate() {
        kinds.push(Kind::binary(code).ok_or_else(|| {
            Fault::Malformed(format!(
                "variable {} has the unknown type code {code}",
                j + 1
            ))
        })?);
    }
    let names = fixed_texts(input, k, 33, "variable names")?;
    input.skip((k + 1) * 2, "sort order")?;
    input.skip(k * if release == 113 { 12 } else { 49 }, "formats")?;
    let label_names = fixed_texts(input, k, 33, "value-label names")?;
    input.skip(k * 81, "variable labels")?;
    // Expansion fields: type, length, contents — until a zero type and length.
    loop {
        let kind = input.u8("expansion fields")?;
        let len = input.u32("expansion fields")?;
        if kind == 0 && len == 0 {
            break;
        }
        input.skip(u64::from(len), "expansion fields")?;
    }
    let data = input.pos();
    let width: u64 = kinds.iter().map(|k| k.width() as u64).sum();
    Ok(Layout {
        release,
        rows,
        names,
        kinds,
        label_names,
        data,
        strls: None,
        value_labels: data.saturating_add(rows.saturating_mul(width)),
    })
}

fn fixed_texts<R: Read + Seek>(
    input: &mut Input<R>,
    count: u64,
    width: u64,
    what: &str,
) -> Res<Vec<String>> {
    let all = input.chunk(count.saturating_mul(width), what)?;
    Ok(all
        .chunks(width as usize)
        .map(|c| decode(until_nul(c)))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_codes_are_empty_cells() {
        assert_eq!(integer(&[100], Kind::Byte, false), Some(100));
        assert_eq!(integer(&[101], Kind::Byte, false), None);
        assert_eq!(integer(&[0x80], Kind::Byte, false), Some(-128));
        assert_eq!(integer(&32_741i16.to_le_bytes(), Kind::Int, false), None);
        assert_eq!(integer(&(-5i16).to_be_bytes(), Kind::Int, true), Some(-5));
        assert_eq!(
            integer(&2_147_483_621i32.to_le_bytes(), Kind::Long, false),
            None
        );
    }

    #[test]
    fn long_string_references_split_by_format() {
        assert_eq!(strl_ref(&[1, 0, 0, 0, 2, 0, 0, 0], 117, false), (1, 2));
        assert_eq!(strl_ref(&[0, 0, 0, 1, 0, 0, 0, 2], 117, true), (1, 2));
        let cell = [1, 0, 2, 0, 0, 0, 0, 0];
        assert_eq!(strl_ref(&cell, 118, false), (1, 2));
        assert_eq!(strl_ref(&cell, 119, false), (0x02_0001, 0));
    }
}
