//! Lorenz curves: ordinates at any population fraction, the generalized Lorenz curve, and the
//! whole curve thinned for plotting.

use crate::error::{Error, Location, Result};
use crate::sample::SortedSample;
use rayon::prelude::*;

pub(crate) fn check_fraction(name: &'static str, p: f64) -> Result<()> {
    if (0.0..=1.0).contains(&p) {
        Ok(())
    } else {
        Err(Error::InvalidParameter {
            name,
            value: p.to_string(),
            expected: "a population fraction in [0, 1]".into(),
        })
    }
}

pub(crate) fn require_positive_total(sample: &SortedSample, measure: &str) -> Result<()> {
    require_positive(sample.total_value(), sample.total_weight(), measure)
}

/// `total` (a sum of weighted values over `weight`) is positive, or an error naming `measure`
/// and the mean — for a sample's totals, or an out-of-core engine's.
pub(crate) fn require_positive(total: f64, weight: f64, measure: &str) -> Result<()> {
    if total > 0.0 {
        Ok(())
    } else {
        Err(Error::NonPositiveMean {
            location: Location::Argument("values"),
            measure: measure.to_string(),
            mean: total / weight,
            context: String::new(),
        })
    }
}

/// Cumulative weighted value `S(p)` of the poorest fraction `p` of the population: the
/// Lorenz polygon through `(Cᵢ/W, Sᵢ)` read at `p`, where a person is split at the boundary
/// (within observation i the curve rises with slope xᵢ).
pub(crate) fn cumulative_value_at(sample: &SortedSample, p: f64) -> f64 {
    if p <= 0.0 {
        return 0.0;
    }
    if p >= 1.0 {
        return sample.total_value();
    }
    let target = p * sample.total_weight();
    match sample.first_reaching(target) {
        None => sample.total_value(),
        Some((i, c_i, s_i)) => {
            let x = sample.values()[i];
            let w = sample.weight(i);
            let c_before = c_i - w;
            let s_before = s_i - w * x;
            s_before + (target - c_before) * x
        }
    }
}

/// Lorenz ordinate `L(p)`: the share of the total held by the poorest fraction `p` of the
/// population, by linear interpolation of the Lorenz polygon (the exact value when people
/// are divisible). `L(0) = 0`, `L(1) = 1`.
///
/// # Errors
/// `p` outside [0, 1]; a non-positive weighted total.
///
/// For 1, 2, …, 10 the poorest 40 % hold (1+2+3+4)/55:
/// ```
/// use ginikit::{SortedSample, measure::lorenz::lorenz_ordinate};
/// let x: Vec<f64> = (1..=10).map(f64::from).collect();
/// let s = SortedSample::new(&x, None).unwrap();
/// assert!((lorenz_ordinate(&s, 0.4).unwrap() - 10.0 / 55.0).abs() < 1e-15);
/// assert!((lorenz_ordinate(&s, 0.45).unwrap() - 12.5 / 55.0).abs() < 1e-15);
/// ```
pub fn lorenz_ordinate(sample: &SortedSample, p: f64) -> Result<f64> {
    check_fraction("population fraction p", p)?;
    require_positive_total(sample, "the Lorenz curve")?;
    Ok(cumulative_value_at(sample, p) / sample.total_value())
}

/// Generalized Lorenz ordinate `GL(p) = μ · L(p)`: the total of the poorest fraction `p`
/// divided by the whole population's weight.
///
/// ```
/// use ginikit::{SortedSample, measure::lorenz::generalized_lorenz_ordinate};
/// let s = SortedSample::new(&[1.0, 2.0, 3.0, 4.0], None).unwrap();
/// assert_eq!(generalized_lorenz_ordinate(&s, 0.5).unwrap(), 3.0 / 4.0);
/// assert_eq!(generalized_lorenz_ordinate(&s, 1.0).unwrap(), 2.5);
/// ```
pub fn generalized_lorenz_ordinate(sample: &SortedSample, p: f64) -> Result<f64> {
    check_fraction("population fraction p", p)?;
    Ok(cumulative_value_at(sample, p) / sample.total_weight())
}

/// One point of a Lorenz curve.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LorenzPoint {
    /// Population fraction.
    pub p: f64,
    /// Share of the total held by the poorest `p`.
    pub lorenz: f64,
    /// `μ · L(p)`.
    pub generalized: f64,
}

/// The Lorenz curve at `k ≥ 2` equally spaced population fractions `0, 1/(k−1), …, 1`, for
/// plotting. Each point is computed as by [`lorenz_ordinate`], so both agree to the bit.
///
/// ```
/// use ginikit::{SortedSample, measure::lorenz::lorenz_curve};
/// let s = SortedSample::new(&[1.0, 1.0, 2.0, 4.0], None).unwrap();
/// let c = lorenz_curve(&s, 5).unwrap();
/// assert_eq!(c.iter().map(|q| q.lorenz).collect::<Vec<_>>(), vec![0.0, 0.125, 0.25, 0.5, 1.0]);
/// ```
pub fn lorenz_curve(sample: &SortedSample, k: usize) -> Result<Vec<LorenzPoint>> {
    if k < 2 {
        return Err(Error::InvalidParameter {
            name: "number of curve points",
            value: k.to_string(),
            expected: "at least 2".into(),
        });
    }
    require_positive_total(sample, "the Lorenz curve")?;
    let total = sample.total_value();
    let w = sample.total_weight();
    Ok((0..k)
        .into_par_iter()
        .map(|j| {
            let p = j as f64 / (k - 1) as f64;
            let s = cumulative_value_at(sample, p);
            LorenzPoint {
                p,
                lorenz: s / total,
                generalized: s / w,
            }
        })
        .collect())
}
