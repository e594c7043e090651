//! The memory a run may plan for: the user's `GINIKIT_MEMORY_LIMIT`, else what the operating
//! system reports as available (Linux `/proc/meminfo` `MemAvailable`); unknown elsewhere.

/// `(bytes, from_limit)`: the memory available and whether it is the user's limit.
pub fn available() -> Option<(u64, bool)> {
    if let Some(limit) = std::env::var("GINIKIT_MEMORY_LIMIT")
        .ok()
        .and_then(|t| parse_bytes(&t))
    {
        return Some((limit, true));
    }
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some((kib * 1024, false))
}

/// Refuses work that would need `needed` bytes at its peak when less is available:
/// [`crate::Error::Memory`] with both figures, `what` the work and `fix` the ways out
/// (`setting`: one more, which the caller's front end spells, such as computing out of core).
/// Without a figure for the memory available, the work goes ahead.
pub fn require(
    what: impl FnOnce() -> String,
    needed: u64,
    fix: &str,
    setting: Option<crate::error::Setting>,
) -> crate::Result<()> {
    match available() {
        Some((available, from_limit)) if needed > available => Err(crate::Error::Memory {
            what: what(),
            needed,
            available,
            from_limit,
            fix: fix.into(),
            setting,
        }),
        _ => Ok(()),
    }
}

/// `512M`, `2G`, `2GiB`, `64MiB`, `1000000` (bytes); binary units.
///
/// ```
/// use ginikit::memory::parse_bytes;
/// assert_eq!(parse_bytes("64MiB"), Some(64 * 1024 * 1024));
/// assert_eq!(parse_bytes("2G"), Some(2 * 1024 * 1024 * 1024));
/// assert_eq!(parse_bytes("1000"), Some(1000));
/// assert_eq!(parse_bytes("lots"), None);
/// ```
pub fn parse_bytes(text: &str) -> Option<u64> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let n: f64 = number.parse().ok()?;
    let factor: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        "t" | "tb" | "tib" => 1 << 40,
        _ => return None,
    };
    (n >= 0.0 && n.is_finite()).then_some((n * factor as f64) as u64)
}

/// Bytes free for an unprivileged writer on the file system that holds `dir`; `None` where
/// the system does not say.
pub fn free_disk(dir: &std::path::Path) -> Option<u64> {
    crate::kernel::memory::free_disk(dir)
}
