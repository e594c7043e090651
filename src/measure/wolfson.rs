//! The Wolfson polarization index: how far the distribution is from its middle, measured by
//! the gap between the Lorenz curve's half-population share and one half. Point estimate and
//! influence function.

use super::gini::{gini, gini_influence};
use super::mean::mean_influence;
use super::quantile::{median, quantile_influence};
use super::registry::Family;
use super::shares::{share, share_influence};
use super::{Estimator, Measure, Options};
use crate::error::{Error, Location, Result};
use crate::measure::gini::GiniConvention;
use crate::sample::SortedSample;

/// `wolfson`.
pub const FAMILY: Family = Family {
    syntax: "wolfson",
    out_of_core: false,
    summary: "Wolfson polarization index (2(0.5 − L(0.5)) − G)·μ/median, L the Lorenz polygon, G the Gini of the convention setting (PySAL wolfson)",
    parse: |name| (name == "wolfson").then(|| Ok(Measure::new(Wolfson))),
};

/// The Wolfson index; see [`wolfson`] and [`wolfson_influence`].
#[derive(Debug, Clone, Copy)]
pub struct Wolfson;

impl Estimator for Wolfson {
    fn name(&self) -> String {
        "wolfson".into()
    }
    fn value(&self, sample: &SortedSample, options: &Options) -> Result<f64> {
        wolfson(sample, options.gini)
    }
    fn influence(&self, sample: &SortedSample, options: &Options) -> Result<Vec<f64>> {
        wolfson_influence(sample, options.gini)
    }
}

/// The parts of the index: the bottom half's share L, the Gini G, the mean μ and the median m.
struct Parts {
    l: f64,
    g: f64,
    mu: f64,
    m: f64,
}

fn parts(sample: &SortedSample, convention: GiniConvention) -> Result<Parts> {
    let m = median(sample)?;
    if m.is_nan() || m <= 0.0 {
        return Err(Error::Undefined {
            location: Location::Argument("values"),
            measure: "the Wolfson index".into(),
            reason: format!(
                "the median is {m} (the index divides by it); it needs a positive median"
            ),
            context: String::new(),
        });
    }
    Ok(Parts {
        l: share(sample, 0.0, 0.5)?,
        g: gini(sample, convention)?,
        mu: sample.mean(),
        m,
    })
}

/// The Wolfson polarization index `W = (2(0.5 − L(0.5)) − G)·μ/m` (Wolfson 1994), with
/// `L(0.5)` the bottom half's share read off the Lorenz polygon, G the Gini of `convention`,
/// μ the mean and m the median (averaged at an exact step). PySAL `wolfson` (unweighted,
/// V-statistic Gini, which is the midpoint convention).
///
/// PySAL's docstring example, ten incomes 20,000 … 120,000, by hand in fractions: the
/// bottom half holds L = 137,000/517,000 = 137/517, the Gini is G = Σ(2i − 1)xᵢ/(n²μ) − 1 =
/// 325/1034, μ = 51,700 and m = (35,000 + 45,000)/2 = 40,000, so
/// `W = (1 − 274/517 − 325/1034)·51,700/40,000 = 161/800 = 0.20125` (PySAL prints 0.2013):
/// ```
/// use ginikit::{SortedSample, measure::{gini::GiniConvention, wolfson::wolfson}};
/// let x = [20000.0, 25000.0, 27000.0, 30000.0, 35000.0, 45000.0, 60000.0, 75000.0, 80000.0, 120000.0];
/// let s = SortedSample::new(&x, None).unwrap();
/// assert!((wolfson(&s, GiniConvention::Midpoint).unwrap() - 0.20125).abs() < 1e-15);
/// ```
pub fn wolfson(sample: &SortedSample, convention: GiniConvention) -> Result<f64> {
    let p = parts(sample, convention)?;
    Ok((1.0 - 2.0 * p.l - p.g) * p.mu / p.m)
}

/// Influence values of the Wolfson index, by the chain rule over its parts:
/// `zₖ = (−2 z_L − z_G)·μ/m + (1 − 2L − G)·(z_μ/m − μ z_m/m²)`, with the influence values of
/// the bottom-half share, the Gini, the mean and the median (the median's through a kernel
/// density, as R convey).
///
/// Equal values: W = 0, and every part is stationary, so the influence is 0:
/// ```
/// use ginikit::{SortedSample, measure::{gini::GiniConvention, wolfson::wolfson_influence}};
/// let s = SortedSample::new(&[3.0, 3.0, 3.0, 3.0], None).unwrap();
/// let z = wolfson_influence(&s, GiniConvention::Midpoint).unwrap();
/// assert!(z.iter().all(|v| v.abs() < 1e-15));
/// ```
pub fn wolfson_influence(sample: &SortedSample, convention: GiniConvention) -> Result<Vec<f64>> {
    let p = parts(sample, convention)?;
    let zl = share_influence(sample, 0.0, 0.5)?;
    let zg = gini_influence(sample, convention)?;
    let zmu = mean_influence(sample);
    // The median's influence divides by a density estimate, which is 0 (or undefined) when
    // all values are equal; the term it multiplies, 1 − 2L − G, is then 0 too.
    let level = 1.0 - 2.0 * p.l - p.g;
    let zm = if level == 0.0 {
        vec![0.0; sample.len()]
    } else {
        quantile_influence(sample, 0.5)?
    };
    Ok((0..sample.len())
        .map(|k| {
            (-2.0 * zl[k] - zg[k]) * p.mu / p.m
                + level * (zmu[k] / p.m - p.mu * zm[k] / (p.m * p.m))
        })
        .collect())
}
