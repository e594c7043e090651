//! The one CSV splitter of the project (RFC 4180 quoting): the table layer's shape checks
//! read lines with it, the bundled BPS tables are parsed with it, and the tests read their
//! reference files with it.

/// The fields of one line, with quotes removed, and whether a quoted value was followed by
/// something other than a separator (`"a"b`, which the CSV reader refuses); `in_quotes`
/// carries an open quoted value into the next line (a value holding a line break).
///
/// ```
/// use ginikit::internals::csv_fields;
/// let mut open = false;
/// let (f, junk) = csv_fields(r#"a,"b,""c""",d"#, ',', &mut open);
/// assert_eq!(f, ["a", "b,\"c\"", "d"]);
/// assert!(!junk && !open);
/// ```
pub fn fields(line: &str, sep: char, in_quotes: &mut bool) -> (Vec<String>, bool) {
    // RFC 4180: a quote opens a quoted value only at the start of a field (elsewhere it is an
    // ordinary character, as the CSV reader takes it); inside, `""` is a quote and a lone `"`
    // closes the value. `in_quotes` carries an open value over to the next line.
    let mut out = vec![String::new()];
    let (mut at_start, mut just_closed, mut junk) = (!*in_quotes, false, false);
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if *in_quotes {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    out.last_mut().expect("at least one field").push('"');
                } else {
                    *in_quotes = false;
                    just_closed = true;
                    continue;
                }
            } else {
                out.last_mut().expect("at least one field").push(c);
            }
        } else if c == sep {
            out.push(String::new());
            (at_start, just_closed) = (true, false);
            continue;
        } else if c == '"' && at_start {
            *in_quotes = true;
        } else {
            junk |= just_closed && c != '\r';
            out.last_mut().expect("at least one field").push(c);
        }
        (at_start, just_closed) = (false, false);
    }
    (out, junk)
}

/// Every record of CSV `text` (comma-separated; `\n` or `\r\n` lines; a quoted value may
/// hold separators, doubled quotes and line breaks), by [`fields`] line by line.
///
/// ```
/// use ginikit::internals::csv_records;
/// let r = csv_records("x,y\r\n1,\"a\nb\"\n");
/// assert_eq!(r, [vec!["x", "y"], vec!["1", "a\nb"]]);
/// ```
pub fn records(text: &str) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = Vec::new();
    let mut open = false;
    for line in text.split('\n') {
        let continuing = open;
        let line = if open {
            line
        } else {
            line.strip_suffix('\r').unwrap_or(line)
        };
        let (mut f, _) = fields(line, ',', &mut open);
        match out.last_mut() {
            // The line goes on a quoted value that the previous one opened.
            Some(record) if continuing => {
                let first = f.remove(0);
                if let Some(last) = record.last_mut() {
                    last.push('\n');
                    last.push_str(&first);
                }
                record.extend(f);
            }
            _ => out.push(f),
        }
    }
    // The empty line after the last line break is no record.
    if !open && out.last().is_some_and(|r| r.len() == 1 && r[0].is_empty()) {
        out.pop();
    }
    out
}
