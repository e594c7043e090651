//! Eurostat's quintile share ratio (S80/S20 as EU-SILC computes it): the total of the values
//! above the weighted 80th percentile over the total of those at or below the 20th. Point
//! estimate (R laeken `qsr`) and influence function (R convey `svyqsr`).
//!
//! Two conventions for "the top 20 % over the bottom 20 %" are in official use:
//! - `qsr` (this file) cuts at the weighted quintiles: a person is wholly in or out of a
//!   quintile group, and ties at a quintile go with the lower group. Eurostat (EU-SILC
//!   indicator `ilc_di11`), R laeken `qsr` and convey `svyqsr` compute it this way.
//! - `s80_s20` ([`super::share_ratio`]) reads both shares off the Lorenz polygon, splitting
//!   the person at a boundary, so the bands are exactly 20 % of the population. That is the
//!   quantile-share criterion of the World Bank (PIP's top/bottom shares) and of BPS's
//!   expenditure distribution tables.
//!
//! With many distinct values the two agree closely; they differ where a boundary falls inside
//! a heavy weight or a run of ties.

use super::quantile::{cumulative_value_influence_at, laeken_quantile};
use super::registry::Family;
use super::{Estimator, Measure, Options};
use crate::error::{Error, Location, Result};
use crate::sample::SortedSample;

/// `qsr`.
pub const FAMILY: Family = Family {
    syntax: "qsr",
    out_of_core: false,
    summary: "quintile share ratio cut at weighted quintiles (Eurostat, laeken qsr, convey svyqsr)",
    parse: |name| (name == "qsr").then(|| Ok(Measure::new(QuintileShareRatio))),
};

/// The quintile share ratio; see [`qsr`] and [`qsr_influence`].
#[derive(Debug, Clone, Copy)]
pub struct QuintileShareRatio;

impl Estimator for QuintileShareRatio {
    fn name(&self) -> String {
        "qsr".into()
    }
    fn value(&self, sample: &SortedSample, _: &Options) -> Result<f64> {
        qsr(sample)
    }
    fn influence(&self, sample: &SortedSample, _: &Options) -> Result<Vec<f64>> {
        qsr_influence(sample)
    }
}

/// The 20th and 80th weighted percentiles by R laeken's rule ([`laeken_quantile`]).
fn quintiles(sample: &SortedSample) -> Result<(f64, f64)> {
    Ok((laeken_quantile(sample, 0.2)?, laeken_quantile(sample, 0.8)?))
}

/// Totals below-or-at the 20th and above the 80th weighted percentile.
fn quintile_totals(sample: &SortedSample) -> Result<(f64, f64)> {
    let x = sample.values();
    let (q20, q80) = quintiles(sample)?;
    let bottom_end = x.partition_point(|&v| v <= q20);
    let top_start = x.partition_point(|&v| v <= q80);
    let [bottom] = sample.sums_over(0..bottom_end, |x, w| [w * x]);
    let [top] = sample.sums_over(top_start..x.len(), |x, w| [w * x]);
    if bottom.is_nan() || bottom <= 0.0 {
        return Err(Error::Undefined {
            location: Location::Argument("values"),
            measure: "qsr".into(),
            reason: "the bottom quintile holds none or a negative part of the total (the ratio \
                     divides by it); report the shares themselves, or drop the zero and \
                     negative values"
                .into(),
            context: String::new(),
        });
    }
    Ok((bottom, top))
}

/// `QSR = Σ_{xᵢ > q₀.₈} wᵢxᵢ / Σ_{xᵢ ≤ q₀.₂} wᵢxᵢ`, the quintiles `q` by R laeken's
/// `weightedQuantile` ([`laeken_quantile`]: the smallest value whose cumulative weight share
/// exceeds p).
///
/// # Errors
/// [`Error::Undefined`] when the bottom quintile's total is not positive.
///
/// For 1, 2, …, 10: the cumulative shares 0.2 and 0.8 are reached exactly at 2 and 8, so
/// laeken's quintiles are the next values, 3 and 9, and QSR = 10/(1 + 2 + 3) = 5/3 (R laeken
/// `qsr(1:10)` gives 1.666667):
/// ```
/// use ginikit::{SortedSample, measure::qsr::qsr};
/// let x: Vec<f64> = (1..=10).map(f64::from).collect();
/// let s = SortedSample::new(&x, None).unwrap();
/// assert!((qsr(&s).unwrap() - 5.0 / 3.0).abs() < 1e-15);
/// ```
pub fn qsr(sample: &SortedSample) -> Result<f64> {
    let (bottom, top) = quintile_totals(sample)?;
    Ok(top / bottom)
}

/// Influence values of the QSR, as R convey's `svyqsr` linearizes it: with `S(p)` the total
/// at or below the p-quantile and its influence `∂S(p)` ([`cumulative_value_influence_at`]),
/// the top total is `T − S(0.8)` and
/// `zₖ = ((xₖ − ∂S(0.8)ₖ) − QSR · ∂S(0.2)ₖ) / S(0.2)`.
///
/// For 1, 2, …, 10 (q₀.₂ = 3, q₀.₈ = 9, QSR = 5/3, S(0.2) = 6), a value between the quintiles
/// has `∂S(0.8) = x − 0.2·9` and `∂S(0.2) = 0.2·3`, so `z = (1.8 − (5/3)·0.6)/6 = 2/15`:
/// ```
/// use ginikit::{SortedSample, measure::qsr::qsr_influence};
/// let x: Vec<f64> = (1..=10).map(f64::from).collect();
/// let s = SortedSample::new(&x, None).unwrap();
/// let z = qsr_influence(&s).unwrap();
/// assert!((z[4] - 2.0 / 15.0).abs() < 1e-15);
/// ```
pub fn qsr_influence(sample: &SortedSample) -> Result<Vec<f64>> {
    let (bottom, top) = quintile_totals(sample)?;
    let ratio = top / bottom;
    let (q20, q80) = quintiles(sample)?;
    let s20 = cumulative_value_influence_at(sample, 0.2, q20);
    let s80 = cumulative_value_influence_at(sample, 0.8, q80);
    Ok(sample
        .values()
        .iter()
        .zip(s20.iter().zip(&s80))
        .map(|(&x, (&d20, &d80))| ((x - d80) - ratio * d20) / bottom)
        .collect())
}
