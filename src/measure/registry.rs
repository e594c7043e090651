//! The registry of measure families: what a family declares, the list of them (made by the
//! `measures!` list in `measure/mod.rs`), and parsing of measure names through it.

use super::Measure;
use crate::error::{Error, Result};

/// A family of measures with the names it parses.
#[derive(Debug, Clone, Copy)]
pub struct Family {
    /// The names, as shown in help texts: `gini`, `ge_<alpha>`, …
    pub syntax: &'static str,
    /// One line: what it is and whose convention it follows.
    pub summary: &'static str,
    /// Whether the family's measures have an out-of-core [`super::out_of_core::Plan`] (under
    /// the default options): the engines that read tables in pieces compute exactly these.
    pub out_of_core: bool,
    /// `None` when `name` is not this family's; `Some(Err(_))` when it is, but its parameter
    /// is out of range (the error says which range is allowed).
    pub parse: fn(&str) -> Option<Result<Measure>>,
}

/// Every measure family, in the order help texts list them.
pub const FAMILIES: &[Family] = super::FAMILIES;

/// The names every family accepts, comma-separated (for help texts and errors).
///
/// ```
/// let known = ginikit::measure::registry::known_measures();
/// assert!(known.starts_with("gini, theil_t, mld, ge_<alpha>"));
/// assert!(known.contains("hoover") && known.contains("qsr"));
/// ```
pub fn known_measures() -> String {
    FAMILIES
        .iter()
        .map(|f| f.syntax)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The names of the families an out-of-core engine computes, comma-separated (for errors).
///
/// ```
/// let known = ginikit::measure::registry::out_of_core_measures();
/// assert!(known.starts_with("gini, theil_t, mld, ge_<alpha>"));
/// assert!(!known.contains("hoover"));
/// ```
pub fn out_of_core_measures() -> String {
    FAMILIES
        .iter()
        .filter(|f| f.out_of_core)
        .map(|f| f.syntax)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Parses `name` with the first family that recognises it.
pub fn parse(name: &str) -> Result<Measure> {
    FAMILIES
        .iter()
        .find_map(|f| (f.parse)(name))
        .unwrap_or_else(|| {
            Err(Error::UnknownMeasure {
                name: name.to_string(),
                known: known_measures(),
            })
        })
}

/// A number parameter of a measure name (`ge_<alpha>`): finite, or `InvalidParameter` naming
/// the measure and the allowed range.
pub(crate) fn parameter(
    measure: &str,
    text: &str,
    allowed: &str,
    ok: impl Fn(f64) -> bool,
) -> Result<f64> {
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() && ok(v) => Ok(v),
        _ => Err(Error::InvalidParameter {
            name: "measure parameter",
            value: format!("{text} in '{measure}'"),
            expected: allowed.to_string(),
        }),
    }
}
