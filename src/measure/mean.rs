//! The weighted mean: point estimate and influence function.

use super::registry::Family;
use super::{Estimator, Measure, Options, Unit};
use crate::error::Result;
use crate::sample::SortedSample;

/// `mean`.
pub const FAMILY: Family = Family {
    syntax: "mean",
    out_of_core: true,
    summary: "weighted mean",
    parse: |name| (name == "mean").then(|| Ok(Measure::new(Mean))),
};

/// The weighted mean; see [`mean`] and [`mean_influence`].
#[derive(Debug, Clone, Copy)]
pub struct Mean;

impl Estimator for Mean {
    fn name(&self) -> String {
        "mean".into()
    }
    fn unit(&self) -> Unit {
        Unit::Money
    }
    fn out_of_core(&self, _: &Options) -> Option<super::out_of_core::Plan> {
        Some(super::out_of_core::Plan::Mean)
    }
    fn value(&self, sample: &SortedSample, _: &Options) -> Result<f64> {
        Ok(mean(sample))
    }
    fn influence(&self, sample: &SortedSample, _: &Options) -> Result<Vec<f64>> {
        Ok(mean_influence(sample))
    }
}

/// Weighted mean `μ = Σ wᵢ xᵢ / Σ wᵢ`.
///
/// ```
/// use ginikit::{SortedSample, measure::mean::mean};
/// let s = SortedSample::new(&[1.0, 2.0, 6.0], Some(&[1.0, 1.0, 2.0])).unwrap();
/// assert_eq!(mean(&s), 3.75);
/// ```
pub fn mean(sample: &SortedSample) -> f64 {
    sample.mean()
}

/// Influence values of the mean: `zₖ = (xₖ − μ)/N`.
///
/// ```
/// use ginikit::{SortedSample, measure::mean::mean_influence};
/// let s = SortedSample::new(&[1.0, 2.0, 6.0], None).unwrap();
/// let z = mean_influence(&s); // μ = 3, N = 3
/// assert!((z[0] + 2.0 / 3.0).abs() < 1e-15 && (z[2] - 1.0).abs() < 1e-15);
/// ```
pub fn mean_influence(sample: &SortedSample) -> Vec<f64> {
    let (n, mu) = (sample.total_weight(), sample.mean());
    sample.values().iter().map(|&x| (x - mu) / n).collect()
}
