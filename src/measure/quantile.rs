//! Weighted quantiles and the median.

use super::lorenz::check_fraction;
use crate::error::Result;
use crate::sample::SortedSample;

/// Weighted quantile `Q(p)` by the definition of R laeken's `weightedQuantile` (which is
/// R's `quantile(type = 2)` for unit weights): with `Fᵢ = Cᵢ / W` the weighted distribution
/// function at the i-th smallest value, `Q(p)` is the smallest `xᵢ` with `Fᵢ ≥ p`, and the
/// average of `xᵢ` and the next value when `Fᵢ = p` exactly. `Q(0)` is the smallest and
/// `Q(1)` the largest value with positive weight.
///
/// ```
/// use ginikit::{SortedSample, measure::quantile::quantile};
/// let s = SortedSample::new(&[4.0, 1.0, 3.0, 2.0], None).unwrap();
/// assert_eq!(quantile(&s, 0.5).unwrap(), 2.5); // F = 0.5 exactly at 2: average with 3
/// assert_eq!(quantile(&s, 0.3).unwrap(), 2.0);
/// let w = SortedSample::new(&[1.0, 2.0, 3.0], Some(&[1.0, 5.0, 1.0])).unwrap();
/// assert_eq!(quantile(&w, 0.5).unwrap(), 2.0);
/// ```
pub fn quantile(sample: &SortedSample, p: f64) -> Result<f64> {
    check_fraction("quantile probability p", p)?;
    let x = sample.values();
    let positive = |i: &usize| sample.weight(*i) > 0.0;
    if p == 0.0 {
        let i = (0..x.len()).find(positive).unwrap_or(0);
        return Ok(x[i]);
    }
    let last = (0..x.len()).rev().find(positive).unwrap_or(x.len() - 1);
    if p == 1.0 {
        return Ok(x[last]);
    }
    let w = sample.total_weight();
    let Some((i, c_i, _)) = sample.first_reaching(p * w) else {
        return Ok(x[last]);
    };
    if c_i / w == p && i < last {
        let next = (i + 1..x.len()).find(positive).unwrap_or(last);
        Ok(0.5 * (x[i] + x[next]))
    } else {
        Ok(x[i])
    }
}

/// The weighted median, `Q(0.5)` of [`quantile`].
///
/// ```
/// use ginikit::{SortedSample, measure::quantile::median};
/// let s = SortedSample::new(&[5.0, 1.0, 3.0], None).unwrap();
/// assert_eq!(median(&s).unwrap(), 3.0);
/// ```
pub fn median(sample: &SortedSample) -> Result<f64> {
    quantile(sample, 0.5)
}
