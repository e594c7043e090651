//! Poverty measures against a poverty line carried by the sample (one amount, or a line per
//! observation: BPS lines differ by province, area and round): the Foster–Greer–Thorbecke
//! family FGT(α) — headcount P0, gap P1, severity P2 — the Watts index, and the number of
//! poor persons.
//!
//! Conventions: a person is poor when the value is strictly below the line (`x < z`), as BPS
//! ("di bawah garis kemiskinan"), the World Bank and R laeken (`weightedRate`) count; the line
//! is given, not estimated, so the influence functions are those of a ratio of totals with a
//! fixed line (Foster, Greer & Thorbecke 1984; Kakwani 1993). The line comes from
//! [`SortedSample::with_poverty_line`] or [`SortedSample::with_poverty_lines`]; the table layer
//! attaches it from the poverty-line setting.

use super::out_of_core::{Plan, Reference, Term};
use super::positive::{positive_part, NonPositivePolicy, PositivePart};
use super::registry::{parameter, Family};
use super::{Estimator, Measure, Options, Unit};
use crate::error::{Error, Result};
use crate::sample::{PovertyLines, SortedSample};

/// `fgt0`, `fgt1`, `fgt2`, `fgt_<alpha>`.
pub const FGT: Family = Family {
    syntax: "fgt0, fgt1, fgt2, fgt_<alpha>",
    out_of_core: true,
    summary: "Foster–Greer–Thorbecke poverty index: headcount P0, gap P1, severity P2, any α ≥ 0; poor = value below the line (BPS, World Bank, laeken)",
    parse: |name| {
        let alpha = match name {
            "fgt0" => "0",
            "fgt1" => "1",
            "fgt2" => "2",
            _ => name.strip_prefix("fgt_")?,
        };
        Some(
            parameter(name, alpha, "fgt_<alpha> needs α ≥ 0, e.g. fgt_3", |a| a >= 0.0)
                .map(|alpha| Measure::new(Fgt { alpha })),
        )
    },
};

/// `watts`.
pub const WATTS: Family = Family {
    syntax: "watts",
    out_of_core: false,
    summary: "Watts poverty index Σw·ln(z/x) over the poor / W; needs positive values among the poor",
    parse: |name| (name == "watts").then(|| Ok(Measure::new(Watts))),
};

/// `poor`.
pub const POOR: Family = Family {
    syntax: "poor",
    out_of_core: false,
    summary: "number of poor persons Σw over values below the line (a total, in persons)",
    parse: |name| (name == "poor").then(|| Ok(Measure::new(PoorPersons))),
};

/// The poverty line(s) of `sample`, or an error naming the measure.
fn lines<'a>(sample: &'a SortedSample, measure: &str) -> Result<&'a PovertyLines> {
    sample.poverty_lines().ok_or_else(|| Error::NoPovertyLine {
        measure: measure.to_string(),
    })
}

/// FGT(α); see [`fgt`] and [`fgt_influence`].
#[derive(Debug, Clone, Copy)]
pub struct Fgt {
    alpha: f64,
}

impl Estimator for Fgt {
    fn name(&self) -> String {
        if self.alpha == 0.0 {
            "fgt0".into()
        } else if self.alpha == 1.0 {
            "fgt1".into()
        } else if self.alpha == 2.0 {
            "fgt2".into()
        } else {
            format!("fgt_{}", self.alpha)
        }
    }
    fn out_of_core(&self, _: &Options) -> Option<Plan> {
        Some(Plan::Sum {
            term: Term::Gap(self.alpha),
            reference: Reference::PovertyLine,
            positive: false,
            finish: Box::new(|m, _| m),
        })
    }
    fn value(&self, sample: &SortedSample, _: &Options) -> Result<f64> {
        fgt(sample, self.alpha)
    }
    fn influence(&self, sample: &SortedSample, _: &Options) -> Result<Vec<f64>> {
        fgt_influence(sample, self.alpha)
    }
}

/// The poverty gap term `gₖ^α · 1(xₖ < zₖ)` with `gₖ = 1 − xₖ/zₖ` (`0⁰ = 1`: the headcount),
/// the term the out-of-core plan sums too.
#[inline(always)]
fn fgt_term(x: f64, z: f64, alpha: f64) -> f64 {
    Term::Gap(alpha).at(x, z)
}

/// `P_α = Σᵢ wᵢ (1 − xᵢ/zᵢ)^α · 1(xᵢ < zᵢ) / Σᵢ wᵢ` (Foster, Greer & Thorbecke 1984): the
/// headcount ratio at α = 0, the poverty gap index at 1, the severity at 2. Negative values
/// count as deeper than zero (the gap exceeds 1), as in laeken and the World Bank's PIP.
///
/// # Errors
/// [`Error::NoPovertyLine`] when the sample carries no line.
///
/// By hand: 1, 2, 3, 4, 10 with line 3 — two poor, gaps 2/3 and 1/3, so P0 = 2/5,
/// P1 = (2/3 + 1/3)/5 = 1/5, P2 = (4/9 + 1/9)/5 = 1/9:
/// ```
/// use ginikit::{SortedSample, measure::poverty::fgt};
/// let s = SortedSample::new(&[1.0, 2.0, 3.0, 4.0, 10.0], None).unwrap().with_poverty_line(3.0).unwrap();
/// assert_eq!(fgt(&s, 0.0).unwrap(), 0.4);
/// assert!((fgt(&s, 1.0).unwrap() - 0.2).abs() < 1e-15);
/// assert!((fgt(&s, 2.0).unwrap() - 1.0 / 9.0).abs() < 1e-15);
/// ```
pub fn fgt(sample: &SortedSample, alpha: f64) -> Result<f64> {
    let z = lines(sample, "the FGT index")?;
    let [s] = sample.sums_indexed(|i, x, w| [w * fgt_term(x, z.at(i), alpha)]);
    Ok(s / sample.total_weight())
}

/// Influence values of FGT(α) with the line fixed: `zₖ = (gₖ^α·1(xₖ < lineₖ) − P_α) / N`.
///
/// For 1, 2, 3, 4, 10 at line 3 (P0 = 0.4, N = 5): a poor person has (1 − 0.4)/5 = 0.12, a
/// non-poor one −0.4/5 = −0.08:
/// ```
/// use ginikit::{SortedSample, measure::poverty::fgt_influence};
/// let s = SortedSample::new(&[1.0, 2.0, 3.0, 4.0, 10.0], None).unwrap().with_poverty_line(3.0).unwrap();
/// let z = fgt_influence(&s, 0.0).unwrap();
/// assert!((z[0] - 0.12).abs() < 1e-15 && (z[4] + 0.08).abs() < 1e-15);
/// ```
pub fn fgt_influence(sample: &SortedSample, alpha: f64) -> Result<Vec<f64>> {
    let p = fgt(sample, alpha)?;
    let z = lines(sample, "the FGT index")?;
    let n = sample.total_weight();
    Ok(sample
        .values()
        .iter()
        .enumerate()
        .map(|(i, &x)| (fgt_term(x, z.at(i), alpha) - p) / n)
        .collect())
}

/// The Watts index; see [`watts`].
#[derive(Debug, Clone, Copy)]
pub struct Watts;

impl Estimator for Watts {
    fn name(&self) -> String {
        "watts".into()
    }
    fn needs_positive_values(&self) -> bool {
        true
    }
    fn value(&self, sample: &SortedSample, options: &Options) -> Result<f64> {
        let part = positive_part(sample, options.non_positive, "watts")?;
        watts_over(sample, &part)
    }
    fn influence(&self, sample: &SortedSample, options: &Options) -> Result<Vec<f64>> {
        let part = positive_part(sample, options.non_positive, "watts")?;
        watts_influence_over(sample, &part)
    }
}

/// `ln(z/x)` for the poor, 0 otherwise; a poor person with a zero or negative value makes
/// the index undefined.
fn watts_term(x: f64, z: f64) -> f64 {
    if x >= z {
        0.0
    } else {
        (z / x).ln()
    }
}

/// Watts index `W = Σᵢ wᵢ ln(zᵢ/xᵢ) · 1(xᵢ < zᵢ) / Σᵢ wᵢ` (Watts 1968): distribution-
/// sensitive and decomposable; the World Bank's PIP reports it beside the FGT indices.
///
/// # Errors
/// [`Error::NoPovertyLine`]; [`Error::NonPositiveValue`] when a value is zero or negative
/// (the logarithm is undefined there; under the `exclude` policy of `Options` those rows are
/// left out of the measure, numerator and population alike, and counted).
///
/// By hand: 1, 2, 3, 4, 10 at line 4: (ln 4 + ln 2 + ln(4/3))/5:
/// ```
/// use ginikit::{SortedSample, measure::poverty::watts};
/// let s = SortedSample::new(&[1.0, 2.0, 3.0, 4.0, 10.0], None).unwrap().with_poverty_line(4.0).unwrap();
/// let by_hand = (4f64.ln() + 2f64.ln() + (4.0f64 / 3.0).ln()) / 5.0;
/// assert!((watts(&s).unwrap() - by_hand).abs() < 1e-15);
/// ```
pub fn watts(sample: &SortedSample) -> Result<f64> {
    let part = positive_part(sample, NonPositivePolicy::Error, "watts")?;
    watts_over(sample, &part)
}

fn watts_over(sample: &SortedSample, part: &PositivePart) -> Result<f64> {
    let z = lines(sample, "watts")?;
    let start = part.start;
    let [s] = sample.sums_indexed(|i, x, w| {
        [if i >= start { w * watts_term(x, z.at(i)) } else { 0.0 }]
    });
    Ok(s / part.total_weight)
}

/// Influence values of the Watts index with the line fixed:
/// `zₖ = (ln(lineₖ/xₖ)·1(xₖ < lineₖ) − W) / N`.
///
/// ```
/// use ginikit::{SortedSample, measure::poverty::{watts, watts_influence}};
/// let s = SortedSample::new(&[1.0, 2.0, 3.0, 4.0, 10.0], None).unwrap().with_poverty_line(4.0).unwrap();
/// let (w, z) = (watts(&s).unwrap(), watts_influence(&s).unwrap());
/// assert!((z[4] + w / 5.0).abs() < 1e-15);
/// ```
pub fn watts_influence(sample: &SortedSample) -> Result<Vec<f64>> {
    let part = positive_part(sample, NonPositivePolicy::Error, "watts")?;
    watts_influence_over(sample, &part)
}

fn watts_influence_over(sample: &SortedSample, part: &PositivePart) -> Result<Vec<f64>> {
    let w = watts_over(sample, part)?;
    let z = lines(sample, "watts")?;
    let n = part.total_weight;
    Ok(sample
        .values()
        .iter()
        .enumerate()
        .map(|(i, &x)| {
            if i < part.start {
                0.0
            } else {
                (watts_term(x, z.at(i)) - w) / n
            }
        })
        .collect())
}

/// The number of poor persons; see [`poor_persons`].
#[derive(Debug, Clone, Copy)]
pub struct PoorPersons;

impl Estimator for PoorPersons {
    fn name(&self) -> String {
        "poor".into()
    }
    fn unit(&self) -> Unit {
        Unit::Persons
    }
    fn value(&self, sample: &SortedSample, _: &Options) -> Result<f64> {
        poor_persons(sample)
    }
    fn influence(&self, sample: &SortedSample, _: &Options) -> Result<Vec<f64>> {
        let z = lines(sample, "poor")?;
        Ok(sample
            .values()
            .iter()
            .enumerate()
            .map(|(i, &x)| fgt_term(x, z.at(i), 0.0))
            .collect())
    }
}

/// Poor persons `Σᵢ wᵢ · 1(xᵢ < zᵢ)` (a total: its influence value is the indicator itself).
/// With person weights (household weight × size) this is BPS's "jumlah penduduk miskin".
///
/// ```
/// use ginikit::{SortedSample, measure::poverty::poor_persons};
/// let s = SortedSample::new(&[1.0, 2.0, 5.0], Some(&[10.0, 20.0, 30.0])).unwrap().with_poverty_line(3.0).unwrap();
/// assert_eq!(poor_persons(&s).unwrap(), 30.0);
/// ```
pub fn poor_persons(sample: &SortedSample) -> Result<f64> {
    let z = lines(sample, "poor")?;
    let [s] = sample.sums_indexed(|i, x, w| [w * fgt_term(x, z.at(i), 0.0)]);
    Ok(s)
}
