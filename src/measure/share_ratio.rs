//! Ratios of two Lorenz-polygon shares: the Palma ratio and S80/S20 (World Bank / BPS
//! criterion: a boundary inside a person's weight splits that person). Eurostat's quintile
//! share ratio, which cuts at weighted quantiles instead, is [`super::qsr`].

use super::registry::Family;
use super::out_of_core::Plan;
use super::shares::{share, share_between, share_influence};
use super::{Estimator, Measure, Options};
use crate::error::{Error, Result};
use crate::sample::SortedSample;

/// `palma`.
pub const PALMA: Family = Family {
    syntax: "palma",
    out_of_core: true,
    summary: "Palma ratio: top 10 % share over bottom 40 % share (Lorenz polygon)",
    parse: |name| {
        (name == "palma").then(|| {
            Ok(Measure::new(ShareRatio {
                name: "palma",
                top: (0.9, 1.0),
                bottom: (0.0, 0.4),
            }))
        })
    },
};

/// `s80_s20`.
pub const S80_S20: Family = Family {
    syntax: "s80_s20",
    out_of_core: true,
    summary: "top 20 % share over bottom 20 % share read off the Lorenz polygon (World Bank / BPS criterion; Eurostat's cut at quantiles is qsr)",
    parse: |name| {
        (name == "s80_s20").then(|| {
            Ok(Measure::new(ShareRatio {
                name: "s80_s20",
                top: (0.8, 1.0),
                bottom: (0.0, 0.2),
            }))
        })
    },
};

/// The ratio of a top band's share to a bottom band's share.
#[derive(Debug, Clone, Copy)]
pub struct ShareRatio {
    name: &'static str,
    top: (f64, f64),
    bottom: (f64, f64),
}

impl Estimator for ShareRatio {
    fn name(&self) -> String {
        self.name.into()
    }
    fn out_of_core(&self, _: &Options) -> Option<Plan> {
        let (top, bottom) = (self.top, self.bottom);
        Some(Plan::Lorenz {
            fractions: vec![top.0, top.1, bottom.0, bottom.1],
            finish: Box::new(move |l, total, weight| {
                let b = share_between(l[2], l[3], total, weight)?;
                ratio(share_between(l[0], l[1], total, weight)?, b, top, bottom)
            }),
        })
    }
    fn value(&self, sample: &SortedSample, _: &Options) -> Result<f64> {
        ratio_of_shares(sample, self.top, self.bottom)
    }
    fn influence(&self, sample: &SortedSample, _: &Options) -> Result<Vec<f64>> {
        ratio_influence(sample, self.top, self.bottom)
    }
}

/// Palma ratio: share of the top 10 % over share of the bottom 40 %.
///
/// ```
/// use ginikit::{SortedSample, measure::share_ratio::palma};
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
/// use ginikit::{SortedSample, measure::share_ratio::s80_s20};
/// let x: Vec<f64> = (1..=10).map(f64::from).collect();
/// let s = SortedSample::new(&x, None).unwrap();
/// assert!((s80_s20(&s).unwrap() - 19.0 / 3.0).abs() < 1e-14);
/// ```
pub fn s80_s20(sample: &SortedSample) -> Result<f64> {
    ratio_of_shares(sample, (0.8, 1.0), (0.0, 0.2))
}

fn ratio_of_shares(sample: &SortedSample, top: (f64, f64), bottom: (f64, f64)) -> Result<f64> {
    let b = share(sample, bottom.0, bottom.1)?;
    ratio(share(sample, top.0, top.1)?, b, top, bottom)
}

/// The top band's share `a` over the bottom band's `b`; an error when `b ≤ 0`.
fn ratio(a: f64, b: f64, top: (f64, f64), bottom: (f64, f64)) -> Result<f64> {
    if b <= 0.0 {
        return Err(Error::Undefined {
            location: crate::error::Location::Argument("values"),
            measure: format!(
                "the ratio of the top {:.0} % share to the bottom {:.0} % share",
                100.0 * (top.1 - top.0),
                100.0 * (bottom.1 - bottom.0)
            ),
            reason: format!(
                "the bottom {:.0} % hold {} of the total (the ratio divides by it); \
                 report the shares themselves, or drop the zero and negative values",
                100.0 * (bottom.1 - bottom.0),
                if b == 0.0 { "none" } else { "a negative part" }
            ),
            context: String::new(),
        });
    }
    Ok(a / b)
}

/// Influence values of a ratio of shares `r = a/b`: `zₖ = (∂a − r·∂b)/b`.
///
/// Equal values keep every share proportional to its band, so the influence is 0:
/// ```
/// use ginikit::{SortedSample, measure::share_ratio::ratio_influence};
/// let s = SortedSample::new(&[2.0; 10], None).unwrap();
/// let z = ratio_influence(&s, (0.8, 1.0), (0.0, 0.2)).unwrap();
/// assert!(z.iter().all(|v| v.abs() < 1e-12));
/// ```
pub fn ratio_influence(
    sample: &SortedSample,
    top: (f64, f64),
    bottom: (f64, f64),
) -> Result<Vec<f64>> {
    let a = share(sample, top.0, top.1)?;
    let b = share(sample, bottom.0, bottom.1)?;
    let za = share_influence(sample, top.0, top.1)?;
    let zb = share_influence(sample, bottom.0, bottom.1)?;
    let r = a / b;
    Ok(za
        .iter()
        .zip(&zb)
        .map(|(&da, &db)| (da - r * db) / b)
        .collect())
}
