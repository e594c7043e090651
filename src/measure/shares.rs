//! Quantile shares and the ratios built from them (Palma, S80/S20).
//!
//! Shares are read off the Lorenz polygon, so a population fraction boundary that falls
//! inside a person's weight splits that person exactly: with unit weights, 40 % of 10 people
//! is exactly the 4 poorest. This is the World Bank / BPS criterion (bottom 40 %, middle 40 %,
//! top 20 % of persons ranked by per-capita expenditure).

use super::lorenz::{check_fraction, cumulative_value_at, require_positive_total};
use crate::error::{Error, Result};
use crate::sample::SortedSample;

/// Share of the total held by the population between fractions `from` and `to`
/// (`0 ≤ from ≤ to ≤ 1`): `L(to) − L(from)`.
///
/// ```
/// use ginikit::{SortedSample, measure::shares::share};
/// let x: Vec<f64> = (1..=10).map(f64::from).collect();
/// let s = SortedSample::new(&x, None).unwrap();
/// assert!((share(&s, 0.8, 1.0).unwrap() - 19.0 / 55.0).abs() < 1e-15);
/// ```
pub fn share(sample: &SortedSample, from: f64, to: f64) -> Result<f64> {
    check_fraction("share lower bound", from)?;
    check_fraction("share upper bound", to)?;
    if from > to {
        return Err(Error::InvalidParameter {
            name: "share bounds",
            value: format!("{from}..{to}"),
            expected: "lower bound not above upper bound".into(),
        });
    }
    require_positive_total(sample, "a quantile share")?;
    let total = sample.total_value();
    Ok((cumulative_value_at(sample, to) - cumulative_value_at(sample, from)) / total)
}

/// Palma ratio: share of the top 10 % over share of the bottom 40 %.
///
/// ```
/// use ginikit::{SortedSample, measure::shares::palma};
/// let x: Vec<f64> = (1..=10).map(f64::from).collect();
/// let s = SortedSample::new(&x, None).unwrap();
/// assert!((palma(&s).unwrap() - 10.0 / 10.0).abs() < 1e-15);
/// ```
pub fn palma(sample: &SortedSample) -> Result<f64> {
    ratio_of_shares(sample, (0.9, 1.0), (0.0, 0.4))
}

/// S80/S20: share of the top 20 % over share of the bottom 20 % (Lorenz-based; R laeken's
/// `s80s20` instead cuts at weighted quantiles, which differs when a boundary splits a person).
///
/// ```
/// use ginikit::{SortedSample, measure::shares::s80_s20};
/// let x: Vec<f64> = (1..=10).map(f64::from).collect();
/// let s = SortedSample::new(&x, None).unwrap();
/// assert!((s80_s20(&s).unwrap() - 19.0 / 3.0).abs() < 1e-14);
/// ```
pub fn s80_s20(sample: &SortedSample) -> Result<f64> {
    ratio_of_shares(sample, (0.8, 1.0), (0.0, 0.2))
}

fn ratio_of_shares(sample: &SortedSample, top: (f64, f64), bottom: (f64, f64)) -> Result<f64> {
    let b = share(sample, bottom.0, bottom.1)?;
    if b <= 0.0 {
        return Err(Error::NonPositiveMean {
            location: crate::error::Location::Argument("values"),
            measure: "a share ratio (its bottom share is zero or negative)".into(),
            mean: sample.mean(),
            context: String::new(),
        });
    }
    Ok(share(sample, top.0, top.1)? / b)
}
