//! Published BPS figures (datasets/bps, embedded in the library so that `gini synth` and
//! `gini reproduce` work from any directory): national Gini ratios, expenditure shares, and
//! province × area poverty and Gini figures.

use crate::error::{Error, Result};

pub mod cells;

const PROVINCE_CELLS: &str = include_str!("../../datasets/bps/province_cells.csv");
const GINI_NATIONAL: &str = include_str!("../../datasets/bps/gini_national.csv");
const SHARES_NATIONAL: &str = include_str!("../../datasets/bps/shares_national.csv");
const POVERTY_NATIONAL: &str = include_str!("../../datasets/bps/poverty_national.csv");
const CPI_CHANGE: &str = include_str!("../../datasets/bps/cpi_change.csv");
const GROUP_GROWTH: &str = include_str!("../../datasets/bps/group_growth.csv");

/// One province × area × round row of the published tables.
#[derive(Debug, Clone, PartialEq)]
pub struct CellFact {
    pub province_code: u32,
    pub province: String,
    /// `YYYY-MM`, e.g. `2017-09`.
    pub period: String,
    /// `urban`, `rural` or `total`.
    pub area: String,
    /// Poverty line, Rp per capita per month.
    pub poverty_line: Option<f64>,
    /// Poverty headcount, percent.
    pub p0_pct: Option<f64>,
    /// Poor persons, thousands.
    pub poor_thousand: Option<f64>,
    /// Poverty gap index P1 (BPS "indeks kedalaman kemiskinan"), in index points (×100).
    pub p1: Option<f64>,
    pub gini: Option<f64>,
    pub status: String,
}

/// A national figure: (period, area, value).
#[derive(Debug, Clone, PartialEq)]
pub struct NationalFact {
    pub period: String,
    pub area: String,
    pub value: f64,
}

/// Records as (header → value) lookups.
fn table(text: &'static str) -> Vec<std::collections::HashMap<String, String>> {
    let mut recs = crate::csv_text::records(text);
    if recs.is_empty() {
        return Vec::new();
    }
    let header = recs.remove(0);
    recs.into_iter()
        .filter(|r| r.len() == header.len())
        .map(|r| header.iter().cloned().zip(r).collect())
        .collect()
}

fn number(s: Option<&String>) -> Option<f64> {
    s.and_then(|v| v.trim().parse().ok())
}

fn bad(what: &str) -> Error {
    Error::Malformed {
        path: "datasets/bps".into(),
        format: "CSV".into(),
        message: format!("embedded table has a bad {what}"),
    }
}

/// The province × area × round rows (one per cell; see datasets/bps/CARD.md).
pub fn province_cells() -> Result<Vec<CellFact>> {
    table(PROVINCE_CELLS)
        .into_iter()
        .map(|r| {
            Ok(CellFact {
                province_code: number(r.get("province_code")).ok_or_else(|| bad("province_code"))?
                    as u32,
                province: r.get("province").cloned().unwrap_or_default(),
                period: r.get("period").cloned().unwrap_or_default(),
                area: r.get("area").cloned().unwrap_or_default(),
                poverty_line: number(r.get("poverty_line")),
                p0_pct: number(r.get("p0_pct")),
                poor_thousand: number(r.get("poor_thousand")),
                p1: number(r.get("p1")),
                gini: number(r.get("gini")),
                status: r.get("status").cloned().unwrap_or_default(),
            })
        })
        .collect()
}

fn national(text: &'static str, column: &str) -> Vec<NationalFact> {
    table(text)
        .into_iter()
        .filter_map(|r| {
            Some(NationalFact {
                period: r.get("period")?.clone(),
                area: r.get("area")?.clone(),
                value: number(r.get(column))?,
            })
        })
        .collect()
}

/// Published national Gini ratios (fractions).
///
/// ```
/// let g = ginikit::bps::national_gini();
/// let sep2017 = g.iter().find(|f| f.period == "2017-09" && f.area == "total").unwrap();
/// assert_eq!(sep2017.value, 0.391);
/// ```
pub fn national_gini() -> Vec<NationalFact> {
    national(GINI_NATIONAL, "gini")
}

/// Published national bottom-40 % expenditure shares, as fractions (17.22 % → 0.1722).
pub fn national_bottom40() -> Vec<NationalFact> {
    national(SHARES_NATIONAL, "bottom40")
        .into_iter()
        .map(|f| NationalFact {
            value: f.value / 100.0,
            ..f
        })
        .collect()
}

/// Looks up a national figure.
pub fn lookup(facts: &[NationalFact], period: &str, area: &str) -> Option<f64> {
    facts
        .iter()
        .find(|f| f.period == period && f.area == area)
        .map(|f| f.value)
}

/// Published national poverty headcounts P0 (fractions) by period and area
/// (`datasets/bps/poverty_national.csv`).
///
/// ```
/// let p0 = ginikit::bps::national_p0();
/// assert_eq!(ginikit::bps::lookup(&p0, "2018-09", "total"), Some(0.0966));
/// ```
pub fn national_p0() -> Vec<NationalFact> {
    national(POVERTY_NATIONAL, "p0_pct")
        .into_iter()
        .map(|f| NationalFact {
            value: f.value / 100.0,
            ..f
        })
        .collect()
}

/// A national or area figure aggregated from the published province × area cells of
/// `period`, weighting each cell by its population (poor persons / P0): P0 as Σpoor/Σpop and
/// P1 as the population-weighted mean of the cells' P1 (both fractions). `area` is `total`,
/// `urban` or `rural`; `None` when a cell lacks a figure. Derived, not published.
pub fn aggregate_cells(period: &str, area: &str, what: &str) -> Option<f64> {
    let cells = province_cells().ok()?;
    let (mut pop, mut poor, mut p1) = (0.0, 0.0, 0.0);
    let mut seen: Vec<u32> = Vec::new();
    // One row per province (a suspect duplicate is skipped); `total` uses the provinces'
    // total rows.
    for c in cells
        .iter()
        .filter(|c| c.period == period && c.area == area)
    {
        if seen.contains(&c.province_code) {
            continue;
        }
        seen.push(c.province_code);
        let population = c.poor_thousand? * 1000.0 / (c.p0_pct? / 100.0);
        pop += population;
        poor += c.poor_thousand? * 1000.0;
        p1 += population * c.p1? / 100.0;
    }
    if seen.is_empty() || pop <= 0.0 {
        return None;
    }
    match what {
        "p0" => Some(poor / pop),
        "p1" => Some(p1 / pop),
        _ => None,
    }
}

/// The published consumer-price change between two rounds as a price ratio (1.0288 for
/// 2.88 %), with its source (`datasets/bps/cpi_change.csv`); `None` when the pair is not
/// there.
///
/// ```
/// let (ratio, _) = ginikit::bps::cpi_ratio("2017-09", "2018-09").unwrap();
/// assert!((ratio - 1.0288).abs() < 1e-12);
/// ```
pub fn cpi_ratio(from: &str, to: &str) -> Option<(f64, String)> {
    table(CPI_CHANGE).into_iter().find_map(|r| {
        (r.get("from")? == from && r.get("to")? == to).then(|| {
            let pct = number(r.get("cpi_change_pct"))?;
            Some((
                1.0 + pct / 100.0,
                r.get("source").cloned().unwrap_or_default(),
            ))
        })?
    })
}

/// BPS's published growth of the average per-capita expenditure of a group (`bottom40`,
/// `middle40`, `top20`) between two rounds, nationally, as a fraction (0.0355 for 3.55 %);
/// `None` when not published (`datasets/bps/group_growth.csv`).
///
/// ```
/// assert_eq!(ginikit::bps::group_growth("2018-03", "2018-09", "bottom40"), Some(0.0355));
/// assert_eq!(ginikit::bps::group_growth("2017-09", "2018-09", "top20"), None);
/// ```
pub fn group_growth(from: &str, to: &str, group: &str) -> Option<f64> {
    table(GROUP_GROWTH).into_iter().find_map(|r| {
        (r.get("from")? == from
            && r.get("to")? == to
            && r.get("area")? == "total"
            && r.get("group")? == group)
            .then(|| number(r.get("growth_pct")).map(|v| v / 100.0))
            .flatten()
    })
}
