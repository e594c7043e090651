//! The Atkinson index.

use super::positive::PositivePart;
use crate::error::{Error, Result};
use crate::sample::SortedSample;

/// Atkinson index with inequality aversion `ε ≥ 0` over the positive part of the sample:
/// `A(ε) = 1 − EDE/μ`, where the equally distributed equivalent is
/// `EDE = [Σ (wᵢ/W) xᵢ^(1−ε)]^(1/(1−ε))` for `ε ≠ 1` and the geometric mean
/// `exp(Σ (wᵢ/W) ln xᵢ)` for `ε = 1`. `A(0) = 0`.
///
/// Matches R ineq `Atkinson`, PySAL `atkinson`, IneqPy `atkinson`, Stata `ineqdeco`.
///
/// PySAL's test vector [10, 20, 30, 40, 50] gives 0.06315 (ε = 0.5) and 0.1316096 (ε = 1):
/// ```
/// use ginikit::{SortedSample, measure::{atkinson::atkinson, positive::{positive_part, NonPositivePolicy}}};
/// let s = SortedSample::new(&[10.0, 20.0, 30.0, 40.0, 50.0], None).unwrap();
/// let part = positive_part(&s, NonPositivePolicy::Error, "atkinson").unwrap();
/// assert!((atkinson(&s, &part, 0.5).unwrap() - 0.06315).abs() < 1e-5);
/// assert!((atkinson(&s, &part, 1.0).unwrap() - 0.1316096).abs() < 1e-7);
/// ```
pub fn atkinson(sample: &SortedSample, part: &PositivePart, epsilon: f64) -> Result<f64> {
    if !(epsilon.is_finite() && epsilon >= 0.0) {
        return Err(Error::InvalidParameter {
            name: "Atkinson aversion epsilon",
            value: epsilon.to_string(),
            expected: "a finite number ≥ 0".into(),
        });
    }
    let mu = part.mean();
    let w = part.total_weight;
    let range = part.range(sample);
    // Work with xᵢ/μ so that large money values cannot overflow the power.
    Ok(if epsilon == 1.0 {
        let [s] = sample.sums_over(range, |x, wi| [wi * (x / mu).ln()]);
        1.0 - (s / w).exp()
    } else {
        let e = 1.0 - epsilon;
        let [s] = sample.sums_over(range, |x, wi| [wi * (x / mu).powf(e)]);
        1.0 - (s / w).powf(1.0 / e)
    })
}
