//! Mean and coefficient of variation.

use super::lorenz::require_positive_total;
use crate::error::Result;
use crate::sample::SortedSample;

/// Weighted mean `μ = Σ wᵢ xᵢ / Σ wᵢ`.
///
/// ```
/// use ginikit::{SortedSample, measure::moments::mean};
/// let s = SortedSample::new(&[1.0, 2.0, 6.0], Some(&[1.0, 1.0, 2.0])).unwrap();
/// assert_eq!(mean(&s), 3.75);
/// ```
pub fn mean(sample: &SortedSample) -> f64 {
    sample.mean()
}

/// Coefficient of variation with the population standard deviation (divisor W, as R ineq
/// `var.coeff`): `CV = √(Σ (wᵢ/W)(xᵢ − μ)²) / μ`. Needs a positive mean.
///
/// R ineq's example vector gives 0.9169581828823237:
/// ```
/// use ginikit::{SortedSample, measure::moments::coefficient_of_variation};
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
