//! The coefficient of variation: point estimate and influence function.

use super::lorenz::require_positive_total;
use super::registry::Family;
use super::{Estimator, Measure, Options};
use crate::error::Result;
use crate::sample::SortedSample;

/// `cv`.
pub const FAMILY: Family = Family {
    syntax: "cv",
    out_of_core: false,
    summary:
        "coefficient of variation, population standard deviation over the mean (ineq var.coeff)",
    parse: |name| (name == "cv").then(|| Ok(Measure::new(CoefficientOfVariation))),
};

/// The coefficient of variation; see [`coefficient_of_variation`] and [`cv_influence`].
#[derive(Debug, Clone, Copy)]
pub struct CoefficientOfVariation;

impl Estimator for CoefficientOfVariation {
    fn name(&self) -> String {
        "cv".into()
    }
    fn value(&self, sample: &SortedSample, _: &Options) -> Result<f64> {
        coefficient_of_variation(sample)
    }
    fn influence(&self, sample: &SortedSample, _: &Options) -> Result<Vec<f64>> {
        cv_influence(sample)
    }
}

/// Coefficient of variation with the population standard deviation (divisor W, as R ineq
/// `var.coeff`): `CV = √(Σ (wᵢ/W)(xᵢ − μ)²) / μ`. Needs a positive mean.
///
/// R ineq's example vector gives 0.9169581828823237:
/// ```
/// use ginikit::{SortedSample, measure::cv::coefficient_of_variation};
/// let x = [541.0, 1463.0, 2445.0, 3438.0, 4437.0, 5401.0, 6392.0, 8304.0, 11904.0, 22261.0];
/// let s = SortedSample::new(&x, None).unwrap();
/// assert!((coefficient_of_variation(&s).unwrap() - 0.9169581828823237).abs() < 1e-12);
/// ```
pub fn coefficient_of_variation(sample: &SortedSample) -> Result<f64> {
    require_positive_total(sample, "the coefficient of variation")?;
    let mu = sample.mean();
    let [ss] = sample.sums_over(0..sample.len(), |x, w| {
        let d = x - mu;
        [w * d * d]
    });
    Ok((ss / sample.total_weight()).sqrt() / mu)
}

/// Influence values of the CV: with `V = Σ(w/N)(x − μ)²`, σ = √V,
/// `zₖ = ((xₖ − μ)² − V)/(2σμN) − CV·(xₖ − μ)/(μN)`.
///
/// A value at the mean lowers the CV when added (it adds no spread):
/// ```
/// use ginikit::{SortedSample, measure::cv::cv_influence};
/// let s = SortedSample::new(&[1.0, 2.0, 3.0], None).unwrap();
/// assert!(cv_influence(&s).unwrap()[1] < 0.0);
/// ```
pub fn cv_influence(sample: &SortedSample) -> Result<Vec<f64>> {
    require_positive_total(sample, "the coefficient of variation")?;
    let (n, mu) = (sample.total_weight(), sample.mean());
    let [ss] = sample.sums_over(0..sample.len(), |x, w| [w * (x - mu) * (x - mu)]);
    let var = ss / n;
    let sd = var.sqrt();
    let cv = sd / mu;
    Ok(sample
        .values()
        .iter()
        .map(|&x| {
            let d_var = ((x - mu) * (x - mu) - var) / n;
            d_var / (2.0 * sd * mu) - cv * (x - mu) / (mu * n)
        })
        .collect())
}
