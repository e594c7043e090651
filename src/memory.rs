//! The memory a run may plan for: the limit a front end set ([`set_limit`]; the `gini`
//! program, the Python and the R package read it from `GINIKIT_MEMORY_LIMIT`), else what the
//! operating system reports as available (Linux `/proc/meminfo` `MemAvailable`); unknown
//! elsewhere. The library itself reads no environment variable.

pub use crate::kernel::memory::HugePages;
use std::sync::atomic::{AtomicU64, Ordering};

/// The environment variable the front ends read for the limit (bytes, or `512M`, `2G`, …).
pub const LIMIT_VARIABLE: &str = "GINIKIT_MEMORY_LIMIT";

/// The limit in bytes; `u64::MAX` for none.
static LIMIT: AtomicU64 = AtomicU64::new(u64::MAX);

/// Sets (or, with `None`, clears) the memory the process's runs may plan for, in place of
/// what the system reports.
///
/// ```
/// use ginikit::memory::{available, set_limit};
/// set_limit(Some(1 << 30));
/// assert_eq!(available(), Some((1 << 30, true)));
/// set_limit(None);
/// ```
pub fn set_limit(bytes: Option<u64>) {
    LIMIT.store(bytes.unwrap_or(u64::MAX), Ordering::Relaxed);
}

/// `(bytes, from_limit)`: the memory available and whether it is the limit set by
/// [`set_limit`].
pub fn available() -> Option<(u64, bool)> {
    let limit = LIMIT.load(Ordering::Relaxed);
    if limit != u64::MAX {
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
