//! SPSS system files: `.sav` (uncompressed or bytecode-compressed) and `.zsav` (the
//! bytecode stream in zlib blocks), in the layout PSPP documents ("System File Format").

use super::{decode, Column, Fault, Input, Labels, Res, Values};
use std::collections::HashMap;
use std::io::{Read, Seek};
use std::path::Path;

/// One variable of the dictionary.
struct Variable {
    /// The name as the file's long-names record gives it (the 8-byte short name if none).
    name: String,
    short: String,
    /// 0 for a number, the string's width in bytes otherwise.
    width: usize,
    /// Its first 8-byte slot in a case.
    slot: usize,
    /// How many slots it takes (a very long string spans several variable records).
    slots: usize,
    missing: Missing,
    labels: Option<Labels>,
}

/// User-missing values: up to three codes, or a range and at most one code.
#[derive(Default)]
struct Missing {
    numbers: Vec<f64>,
    texts: Vec<String>,
    range: Option<(f64, f64)>,
}

/// The dictionary and where the data start.
struct Dictionary {
    variables: Vec<Variable>,
    slots: usize,
    compression: i32,
    cases: Option<u64>,
    bias: f64,
    sysmis: f64,
}

fn open(path: &Path) -> Res<(Input<std::io::BufReader<std::fs::File>>, Dictionary)> {
    let mut input = Input::open(path)?;
    let dictionary = dictionary(&mut input)?;
    Ok((input, dictionary))
}

/// The variable names, in file order.
pub(crate) fn variable_names(path: &Path) -> Res<Vec<String>> {
    Ok(open(path)?
        .1
        .variables
        .into_iter()
        .map(|v| v.name)
        .collect())
}

/// The named variables (each once, in the order given), with their value labels.
pub(crate) fn read(path: &Path, wanted: &[String]) -> Res<Vec<Column>> {
    let (input, mut dict) = open(path)?;
    let picked: Vec<usize> = wanted
        .iter()
        .map(|w| {
            dict.variables
                .iter()
                .position(|v| &v.name == w)
                .ok_or_else(|| Fault::Malformed(format!("the file has no variable named '{w}'")))
        })
        .collect::<Res<_>>()?;
    let mut values: Vec<Values> = picked
        .iter()
        .map(|&j| match dict.variables[j].width {
            0 => Values::F64(Vec::new()),
            _ => Values::Text(Vec::new()),
        })
        .collect();
    let big = input.big_endian;
    let mut case = vec![[0u8; 8]; dict.slots];
    let mut stream: Box<dyn Slots> = match dict.compression {
        0 => Box::new(Plain { input }),
        1 => Box::new(Bytecode::new(Plain { input }, dict.bias, big)),
        _ => Box::new(Bytecode::new(
            Plain {
                input: zlib_blocks(input)?,
            },
            dict.bias,
            big,
        )),
    };
    let mut read = 0u64;
    loop {
        if dict.cases.is_some_and(|n| read == n) {
            break;
        }
        match stream.case(&mut case)? {
            Step::Case => {}
            Step::End => break,
            Step::Partial(k) => {
                return Err(Fault::Truncated(format!(
                    "the reader ran out of bytes in case {} ({k} of its {} values are there)",
                    read + 1,
                    dict.slots
                )))
            }
        }
        read += 1;
        for (c, &j) in picked.iter().enumerate() {
            let v = &dict.variables[j];
            match &mut values[c] {
                Values::F64(out) => {
                    let x = f64::from_bits(super::uint(&case[v.slot], big));
                    out.push((!v.is_missing_number(x, dict.sysmis)).then_some(x));
                }
                Values::Text(out) => {
                    let text = v.text(&case[v.slot..v.slot + v.slots]);
                    out.push((!v.is_missing_text(&text)).then_some(text));
                }
                _ => unreachable!("SPSS columns are numbers or text"),
            }
        }
    }
    drop(stream);
    if let Some(n) = dict.cases.filter(|&n| n != read) {
        return Err(Fault::Truncated(format!(
            "the reader ran out of bytes: the header promises {n} cases but the data stop \
             after {read}"
        )));
    }
    Ok(picked
        .iter()
        .zip(values)
        .map(|(&j, values)| {
            let v = &mut dict.variables[j];
            Column {
                name: v.name.clone(),
                values,
                labels: v.labels.take(),
            }
        })
        .collect())
}

impl Variable {
    fn is_missing_number(&self, x: f64, sysmis: f64) -> bool {
        x == sysmis
            || self.missing.numbers.contains(&x)
            || self
                .missing
                .range
                .is_some_and(|(lo, hi)| lo <= x && x <= hi)
    }

    fn is_missing_text(&self, text: &str) -> bool {
        self.missing.texts.iter().any(|c| c == text)
    }

    /// A string's bytes from its slots; a very long string's segments hold 252 bytes each
    /// (the last, the rest).
    fn text(&self, slots: &[[u8; 8]]) -> String {
        let flat: Vec<u8> = slots.iter().flatten().copied().collect();
        let bytes: Vec<u8> = if self.width > 255 {
            flat.chunks(256)
                .flat_map(|seg| seg[..seg.len().min(252)].iter().copied())
                .take(self.width)
                .collect()
        } else {
            flat.into_iter().take(self.width).collect()
        };
        decode(&bytes).trim_end_matches([' ', '\0']).to_string()
    }
}

/// What reading one case gave.
enum Step {
    Case,
    /// The data ended cleanly before this case.
    End,
    /// The data ended after this many of the case's slots.
    Partial(usize),
}

/// A source of cases, 8-byte slots each.
trait Slots {
    fn case(&mut self, case: &mut [[u8; 8]]) -> Res<Step>;
}

/// Uncompressed data: each case is its slots, one after another.
struct Plain<R> {
    input: R,
}

impl<R: Read> Plain<R> {
    /// Fills `buf`; how many bytes were there (fewer only at the end of the data).
    fn fill(&mut self, buf: &mut [u8]) -> Res<usize> {
        let mut got = 0;
        while got < buf.len() {
            match self.input.read(&mut buf[got..]) {
                Ok(0) => break,
                Ok(n) => got += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                // A zlib block that does not inflate, or whose table entry is wrong.
                Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
                    return Err(Fault::Malformed(e.to_string()))
                }
                Err(e) => return Err(Fault::Io(e.to_string())),
            }
        }
        Ok(got)
    }
}

impl<R: Read> Slots for Plain<R> {
    fn case(&mut self, case: &mut [[u8; 8]]) -> Res<Step> {
        for (k, slot) in case.iter_mut().enumerate() {
            match self.fill(slot)? {
                8 => {}
                0 if k == 0 => return Ok(Step::End),
                _ => return Ok(Step::Partial(k)),
            }
        }
        Ok(Step::Case)
    }
}

/// Bytecode compression: blocks of eight command bytes, each saying what its slot is.
struct Bytecode<R> {
    raw: Plain<R>,
    commands: [u8; 8],
    next: usize,
    bias: f64,
    big: bool,
    ended: bool,
}

impl<R: Read> Bytecode<R> {
    fn new(raw: Plain<R>, bias: f64, big: bool) -> Self {
        Bytecode {
            raw,
            commands: [0; 8],
            next: 8,
            bias,
            big,
            ended: false,
        }
    }

    /// The next slot, or `None` where the data end.
    fn slot(&mut self) -> Res<Option<[u8; 8]>> {
        loop {
            if self.ended {
                return Ok(None);
            }
            if self.next == 8 {
                if self.raw.fill(&mut self.commands)? < 8 {
                    self.ended = true;
                    return Ok(None);
                }
                self.next = 0;
            }
            let code = self.commands[self.next];
            self.next += 1;
            let number = |x: f64, big: bool| {
                if big {
                    x.to_bits().to_be_bytes()
                } else {
                    x.to_bits().to_le_bytes()
                }
            };
            return Ok(Some(match code {
                0 => continue,
                1..=251 => number(f64::from(code) - self.bias, self.big),
                252 => {
                    self.ended = true;
                    return Ok(None);
                }
                253 => {
                    let mut b = [0u8; 8];
                    if self.raw.fill(&mut b)? < 8 {
                        self.ended = true;
                        return Ok(None);
                    }
                    b
                }
                254 => *b"        ",
                // 255: the system-missing value.
                _ => number(-f64::MAX, self.big),
            }));
        }
    }
}

impl<R: Read> Slots for Bytecode<R> {
    fn case(&mut self, case: &mut [[u8; 8]]) -> Res<Step> {
        for (k, slot) in case.iter_mut().enumerate() {
            match self.slot()? {
                Some(s) => *slot = s,
                None if k == 0 => return Ok(Step::End),
                None => return Ok(Step::Partial(k)),
            }
        }
        Ok(Step::Case)
    }
}

/// The zlib blocks of a `.zsav` as one stream: the block table from the trailer, each
/// block inflated as it is reached.
fn zlib_blocks<R: Read + Seek>(mut input: Input<R>) -> Res<ZlibBlocks<R>> {
    let header_at = input.pos();
    let header = input.u64("zlib header")?;
    let trailer = input.u64("zlib header")?;
    let trailer_len = input.u64("zlib header")?;
    if header != header_at {
        return Err(Fault::Malformed(format!(
            "the zlib header at byte {header_at} says it is at byte {header}"
        )));
    }
    input.seek(trailer, "zlib trailer")?;
    if trailer_len > input.remaining() {
        return Err(Fault::Truncated(format!(
            "the reader ran out of bytes: the zlib trailer of {trailer_len} bytes at byte \
             {trailer} is cut off"
        )));
    }
    input.skip(8 + 8, "zlib trailer")?;
    let block_size = input.u32("zlib trailer")?;
    let n = input.u32("zlib trailer")?;
    if u64::from(n) * 24 + 24 > trailer_len {
        return Err(Fault::Malformed(format!(
            "the zlib trailer lists {n} blocks but has room for fewer"
        )));
    }
    let mut blocks = Vec::with_capacity(n as usize);
    for _ in 0..n {
        let _uncompressed_at = input.u64("zlib trailer")?;
        let at = input.u64("zlib trailer")?;
        let size = input.u32("zlib trailer")?;
        let packed = input.u32("zlib trailer")?;
        if size > block_size {
            return Err(Fault::Malformed(format!(
                "a zlib block inflates to {size} bytes, more than the {block_size} the trailer \
                 allows"
            )));
        }
        blocks.push((at, packed, size));
    }
    Ok(ZlibBlocks {
        input,
        blocks,
        next: 0,
        buf: Vec::new(),
        at: 0,
    })
}

struct ZlibBlocks<R> {
    input: Input<R>,
    /// Each block's offset, compressed and inflated sizes.
    blocks: Vec<(u64, u32, u32)>,
    next: usize,
    buf: Vec<u8>,
    at: usize,
}

impl<R: Read + Seek> Read for ZlibBlocks<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let fault = |f: Fault| {
            let text = match f {
                Fault::Truncated(s) | Fault::Malformed(s) | Fault::Io(s) => s,
            };
            std::io::Error::new(std::io::ErrorKind::InvalidData, text)
        };
        while self.at == self.buf.len() {
            let Some(&(at, packed, size)) = self.blocks.get(self.next) else {
                return Ok(0);
            };
            self.next += 1;
            self.input.seek(at, "zlib block").map_err(fault)?;
            let bytes = self
                .input
                .chunk(u64::from(packed), "zlib block")
                .map_err(fault)?;
            self.buf.clear();
            flate2::read::ZlibDecoder::new(&bytes[..])
                .take(u64::from(size))
                .read_to_end(&mut self.buf)?;
            if self.buf.len() != size as usize {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!(
                        "the zlib block at byte {at} inflates to {} bytes, not {size}",
                        self.buf.len()
                    ),
                ));
            }
            self.at = 0;
        }
        let n = out.len().min(self.buf.len() - self.at);
        out[..n].copy_from_slice(&self.buf[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// The file header and the dictionary records, up to the record that ends them.
fn dictionary<R: Read + Seek>(input: &mut Input<R>) -> Res<Dictionary> {
    let (compression, cases, bias) = header(input)?;
    let mut slots: Vec<Option<Variable>> = Vec::new();
    let mut extensions = Extensions {
        long_names: HashMap::new(),
        long_widths: HashMap::new(),
        sysmis: -f64::MAX,
    };
    loop {
        let at = input.pos();
        match input.i32("dictionary")? {
            2 => slots.push(variable_record(input, slots.len())?),
            3 => value_labels(input, &mut slots)?,
            6 => {
                let lines = u64::try_from(input.i32("documents")?).unwrap_or(u64::MAX);
                input.skip(lines.saturating_mul(80), "documents")?;
            }
            7 => extension_record(input, &mut extensions)?,
            999 => {
                input.skip(4, "dictionary")?;
                break;
            }
            other => {
                return Err(Fault::Malformed(format!(
                    "unknown dictionary record type {other} at byte {at}"
                )))
            }
        }
    }
    let total = slots.len();
    Ok(Dictionary {
        variables: variables(slots, &extensions)?,
        slots: total,
        compression,
        cases,
        bias,
        sysmis: extensions.sysmis,
    })
}

/// The file header: its compression code, the number of cases when given, and the bias of
/// compressed numbers; the byte order is set on `input` from the layout code.
fn header<R: Read + Seek>(input: &mut Input<R>) -> Res<(i32, Option<u64>, f64)> {
    let magic = input
        .chunk(4, "header")
        .map_err(|_| Fault::Malformed("it is too short to be an SPSS file".into()))?;
    let zsav = match &magic[..] {
        b"$FL2" => false,
        b"$FL3" => true,
        _ => {
            return Err(Fault::Malformed(
                "it does not start with an SPSS header ($FL2 or $FL3)".into(),
            ))
        }
    };
    input.skip(60, "header")?;
    // The layout code is 2 or 3; read the other way round, it tells the byte order.
    let layout = input.u32("header")?;
    if !(2..=3).contains(&layout) {
        input.big_endian = true;
        if !(2..=3).contains(&layout.swap_bytes()) {
            return Err(Fault::Malformed(format!(
                "unknown layout code {layout} in the header"
            )));
        }
    }
    let _nominal = input.i32("header")?;
    let compression = input.i32("header")?;
    if !(0..=2).contains(&compression) || (compression == 2) != zsav {
        return Err(Fault::Malformed(format!(
            "unknown compression code {compression} for a {} file",
            if zsav { "$FL3" } else { "$FL2" }
        )));
    }
    let _weight = input.i32("header")?;
    let cases = u64::try_from(input.i32("header")?).ok();
    let bias = input.f64("header")?;
    input.skip(9 + 8 + 64 + 3, "header")?;

    Ok((compression, cases, bias))
}

/// What the dictionary's extension records say: long variable names, the widths of very
/// long strings, and the system-missing value.
struct Extensions {
    long_names: HashMap<String, String>,
    long_widths: HashMap<String, usize>,
    sysmis: f64,
}

/// An extension record (type 7): machine floating-point info (4), long variable names (13)
/// and very long string widths (14) are read; the others are skipped.
fn extension_record<R: Read + Seek>(input: &mut Input<R>, e: &mut Extensions) -> Res<()> {
    let subtype = input.i32("extension record")?;
    let size = u64::from(input.u32("extension record")?);
    let count = u64::from(input.u32("extension record")?);
    let bytes = input.chunk(size.saturating_mul(count), "extension record")?;
    match subtype {
        4 if bytes.len() >= 8 => {
            e.sysmis = f64::from_bits(super::uint(&bytes[..8], input.big_endian));
        }
        13 => {
            for pair in decode(&bytes).split('\t') {
                if let Some((short, long)) = pair.split_once('=') {
                    e.long_names.insert(short.to_string(), long.to_string());
                }
            }
        }
        14 => {
            for pair in decode(&bytes).split(['\t', '\0']) {
                if let Some((short, width)) = pair.split_once('=') {
                    if let Ok(w) = width.trim().parse() {
                        e.long_widths.insert(short.to_string(), w);
                    }
                }
            }
        }
        _ => {}
    }
    Ok(())
}

/// The variables of the dictionary's slots, with their long names and widths.
fn variables(slots: Vec<Option<Variable>>, e: &Extensions) -> Res<Vec<Variable>> {
    // Very long strings: the first segment's variable takes the whole width, the
    // segments after it (each a variable record of its own) are part of it.
    let total = slots.len();
    let mut variables: Vec<Variable> = Vec::new();
    let mut skip_segments = 0usize;
    for v in slots.into_iter().flatten() {
        if skip_segments > 0 {
            skip_segments -= 1;
            if let Some(last) = variables.last_mut() {
                last.slots = v.slot + v.slots - last.slot;
            }
            continue;
        }
        let mut v = v;
        if let Some(&w) = e.long_widths.get(&v.short).filter(|&&w| w > 255) {
            v.width = w;
            skip_segments = w.div_ceil(252) - 1;
        }
        if let Some(long) = e.long_names.get(&v.short) {
            v.name = long.clone();
        }
        variables.push(v);
    }
    // A damaged dictionary can declare a string wider than the slots that follow it.
    if let Some(v) = variables.iter().find(|v| v.slot + v.slots > total) {
        return Err(Fault::Malformed(format!(
            "variable {} takes slots {} to {} of a case that has {total}",
            v.name,
            v.slot + 1,
            v.slot + v.slots
        )));
    }
    Ok(variables)
}

/// A type-2 record: a variable (`None` for the continuation slots of a string).
fn variable_record<R: Read + Seek>(input: &mut Input<R>, slot: usize) -> Res<Option<Variable>> {
    let kind = input.i32("variable record")?;
    let has_label = input.i32("variable record")?;
    let n_missing = input.i32("variable record")?;
    input.skip(8, "variable record")?; // print and write formats
    let short = decode(&input.chunk(8, "variable record")?)
        .trim_end()
        .to_string();
    if has_label == 1 {
        let len = u64::from(input.u32("variable label")?);
        input.skip(len.div_ceil(4) * 4, "variable label")?;
    }
    let mut missing = Missing::default();
    let big = input.big_endian;
    let code = |input: &mut Input<R>| -> Res<[u8; 8]> {
        let mut b = [0u8; 8];
        input.fill(&mut b, "missing values")?;
        Ok(b)
    };
    let as_number = |b: [u8; 8]| f64::from_bits(super::uint(&b, big));
    let discrete = match n_missing {
        0..=3 => n_missing,
        -2 | -3 => {
            let lo = as_number(code(input)?);
            let hi = as_number(code(input)?);
            missing.range = Some((lo, hi));
            -n_missing - 2
        }
        other => {
            return Err(Fault::Malformed(format!(
                "variable '{short}' declares {other} missing values (at most 3)"
            )))
        }
    };
    for _ in 0..discrete {
        let c = code(input)?;
        if kind == 0 {
            missing.numbers.push(as_number(c));
        } else {
            missing.texts.push(decode(&c).trim_end().to_string());
        }
    }
    if kind == -1 {
        return Ok(None);
    }
    let width = usize::try_from(kind)
        .map_err(|_| Fault::Malformed(format!("variable '{short}' has the unknown type {kind}")))?;
    Ok(Some(Variable {
        name: short.clone(),
        short,
        width,
        slot,
        slots: width.div_ceil(8).max(1),
        missing,
        labels: None,
    }))
}

/// A type-3 record (codes and labels) and the type-4 record naming its variables.
fn value_labels<R: Read + Seek>(input: &mut Input<R>, slots: &mut [Option<Variable>]) -> Res<()> {
    let count = u64::from(input.u32("value labels")?);
    if count.saturating_mul(16) > input.remaining() {
        return Err(Fault::Truncated(format!(
            "the reader ran out of bytes: {count} value labels announced at byte {}",
            input.pos()
        )));
    }
    let mut pairs = Vec::with_capacity(count as usize);
    for _ in 0..count {
        let mut code = [0u8; 8];
        input.fill(&mut code, "value labels")?;
        let len = u64::from(input.u8("value labels")?);
        let padded = (len + 1).div_ceil(8) * 8 - 1;
        let text = input.chunk(padded, "value labels")?;
        pairs.push((code, decode(&text[..len as usize]).trim_end().to_string()));
    }
    let at = input.pos();
    if input.i32("value labels")? != 4 {
        return Err(Fault::Malformed(format!(
            "the value labels before byte {at} are not followed by the variables they label"
        )));
    }
    let n = u64::from(input.u32("value labels")?);
    if n.saturating_mul(4) > input.remaining() {
        return Err(Fault::Truncated(format!(
            "the reader ran out of bytes: {n} labelled variables announced at byte {}",
            input.pos()
        )));
    }
    let big = input.big_endian;
    for _ in 0..n {
        let index = input.u32("value labels")? as usize;
        let Some(Some(v)) = index.checked_sub(1).and_then(|i| slots.get_mut(i)) else {
            return Err(Fault::Malformed(format!(
                "value labels name variable slot {index}, which the dictionary does not have"
            )));
        };
        v.labels = Some(if v.width == 0 {
            Labels::Number(
                pairs
                    .iter()
                    .map(|(c, l)| {
                        let x = f64::from_bits(super::uint(c, big));
                        (super::number_key(x), l.clone())
                    })
                    .collect(),
            )
        } else {
            Labels::Text(
                pairs
                    .iter()
                    .map(|(c, l)| (decode(c).trim_end().to_string(), l.clone()))
                    .collect(),
            )
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytecode_commands_decode_as_documented() {
        // Commands: 101 (the number 1 with bias 100), 254 (spaces), 253 (raw bytes
        // follow), 255 (system missing), 0 (padding), 252 (end), then the raw slot.
        let mut bytes = vec![101, 254, 253, 255, 0, 252, 0, 0];
        bytes.extend_from_slice(&2.5f64.to_le_bytes());
        let mut code = Bytecode::new(Plain { input: &bytes[..] }, 100.0, false);
        let num = |s: [u8; 8]| f64::from_le_bytes(s);
        assert_eq!(num(code.slot().unwrap().unwrap()), 1.0);
        assert_eq!(&code.slot().unwrap().unwrap(), b"        ");
        assert_eq!(num(code.slot().unwrap().unwrap()), 2.5);
        assert_eq!(num(code.slot().unwrap().unwrap()), -f64::MAX);
        assert!(code.slot().unwrap().is_none());
    }
}
