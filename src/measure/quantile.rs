//! Weighted quantiles and the median: point estimate, influence function, and the
//! cumulative-value linearization that shares and the quintile share ratio build on.

use super::lorenz::check_fraction;
use super::registry::{parameter, Family};
use super::{Estimator, Measure, Options, Unit};
use crate::error::Result;
use crate::kernel::normal::pdf;
use crate::sample::SortedSample;

/// `median`.
pub const MEDIAN: Family = Family {
    syntax: "median",
    out_of_core: true,
    summary: "weighted median, averaged at an exact step (R type 2 for unit weights)",
    parse: |name| {
        (name == "median").then(|| {
            Ok(Measure::new(Quantile {
                p: 0.5,
                median: true,
            }))
        })
    },
};

/// `quantile_<p>`.
pub const QUANTILE: Family = Family {
    syntax: "quantile_<p>",
    out_of_core: true,
    summary: "weighted quantile at p in [0, 1], averaged at an exact step (R type 2)",
    parse: |name| {
        let p = name.strip_prefix("quantile_")?;
        Some(
            parameter(
                name,
                p,
                "quantile_<p> needs p in [0, 1], e.g. quantile_0.9",
                |p| (0.0..=1.0).contains(&p),
            )
            .map(|p| Measure::new(Quantile { p, median: false })),
        )
    },
};

/// The weighted quantile at `p` (named `median` at 0.5 when asked for by that name); see
/// [`quantile`] and [`quantile_influence`].
#[derive(Debug, Clone, Copy)]
pub struct Quantile {
    p: f64,
    median: bool,
}

impl Estimator for Quantile {
    fn name(&self) -> String {
        if self.median {
            "median".into()
        } else {
            format!("quantile_{}", self.p)
        }
    }
    fn unit(&self) -> Unit {
        Unit::Money
    }
    fn out_of_core(&self, _: &Options) -> Option<super::out_of_core::Plan> {
        Some(super::out_of_core::Plan::Quantile(self.p))
    }
    fn value(&self, sample: &SortedSample, _: &Options) -> Result<f64> {
        quantile(sample, self.p)
    }
    fn influence(&self, sample: &SortedSample, _: &Options) -> Result<Vec<f64>> {
        quantile_influence(sample, self.p)
    }
}

/// Weighted quantile `Q(p)`, R's `quantile(type = 2)` for unit weights (the definition R
/// laeken's `weightedQuantile` documents; its code returns the next value at an exact step,
/// see [`laeken_quantile`]): with `Fᵢ = Cᵢ / W` the weighted distribution
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

/// The weighted quantile as R laeken 0.5.2's `weightedQuantile` computes it, which Eurostat's
/// quintile share ratio ([`super::qsr`]) is defined with: the smallest `xᵢ` whose cumulative
/// weight share `Cᵢ/W` *exceeds* p; `Q(0)` the smallest and `Q(1)` the largest value. laeken's
/// code has a branch averaging two values at an exact step, but it selects `Cᵢ/W > p` first, so
/// that branch never runs: at an exact step laeken returns the next value, where [`quantile`]
/// (R type 2) averages the two and R convey's `svyqsr` takes the lower one.
///
/// R laeken `weightedQuantile(x, rep(1, 10), c(0.2, 0.5))` on ineq's example vector gives 2445
/// and 5401:
/// ```
/// use ginikit::{SortedSample, measure::quantile::{laeken_quantile, quantile}};
/// let x = [541.0, 1463.0, 2445.0, 3438.0, 4437.0, 5401.0, 6392.0, 8304.0, 11904.0, 22261.0];
/// let s = SortedSample::new(&x, None).unwrap();
/// assert_eq!(laeken_quantile(&s, 0.2).unwrap(), 2445.0);
/// assert_eq!(laeken_quantile(&s, 0.5).unwrap(), 5401.0);
/// assert_eq!(quantile(&s, 0.5).unwrap(), 4919.0); // type 2 averages 4437 and 5401
/// ```
pub fn laeken_quantile(sample: &SortedSample, p: f64) -> Result<f64> {
    check_fraction("quantile probability p", p)?;
    let x = sample.values();
    let last = x.len() - 1;
    if p == 0.0 {
        return Ok(x[0]);
    }
    if p == 1.0 {
        return Ok(x[last]);
    }
    let w = sample.total_weight();
    let Some((mut i, mut c, _)) = sample.first_reaching(p * w) else {
        return Ok(x[last]);
    };
    // `first_reaching` stops at C ≥ pW; laeken needs C/W > p, compared as R does.
    while c / w <= p {
        if i == last {
            return Ok(x[last]);
        }
        i += 1;
        c += sample.weight(i);
    }
    Ok(x[i])
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

/// The influence of `S(p) = Σ wᵢxᵢ·1(xᵢ ≤ q_p)`, the cumulative value of the poorest fraction
/// p: `xₖ·1(xₖ ≤ q_p) − q_p (1(xₖ ≤ q_p) − p)` (Osier 2009; R convey `svyisq`).
///
/// ```
/// use ginikit::{SortedSample, measure::quantile::cumulative_value_influence};
/// let s = SortedSample::new(&[1.0, 2.0, 3.0, 4.0], None).unwrap();
/// // q_0.5 = 2.5: below it x − 2.5·0.5, above it 2.5·0.5.
/// assert_eq!(cumulative_value_influence(&s, 0.5).unwrap(), vec![-0.25, 0.75, 1.25, 1.25]);
/// ```
pub fn cumulative_value_influence(sample: &SortedSample, p: f64) -> Result<Vec<f64>> {
    let term = cumulative_value_term(sample, p)?;
    Ok(sample.values().iter().map(|&v| term(v)).collect())
}

/// The influence of `S(p)` as a function of an observation's value (see
/// [`cumulative_value_influence`]), so that measures combining several can form their
/// influence values in one vector.
pub(crate) fn cumulative_value_term(sample: &SortedSample, p: f64) -> Result<impl Fn(f64) -> f64> {
    let (all, q) = if p <= 0.0 {
        (Some(false), 0.0)
    } else if p >= 1.0 {
        (Some(true), 0.0)
    } else {
        (None, quantile(sample, p)?)
    };
    Ok(move |v: f64| match all {
        Some(false) => 0.0,
        Some(true) => v,
        None => value_term(v, p, q),
    })
}

fn value_term(v: f64, p: f64, q: f64) -> f64 {
    let below = if v <= q { 1.0 } else { 0.0 };
    v * below - q * (below - p)
}

/// [`cumulative_value_influence`] with the p-quantile `q` given (for estimators defined with
/// another quantile rule).
pub fn cumulative_value_influence_at(sample: &SortedSample, p: f64, q: f64) -> Vec<f64> {
    let x = sample.values();
    x.iter().map(|&v| value_term(v, p, q)).collect()
}

/// Gaussian-kernel density of the weighted sample at `q`, bandwidth `h = 0.79 · IQR · N^(−1/5)`
/// (R convey's `densfun`), N the weighted population.
pub(crate) fn density_at(sample: &SortedSample, q: f64) -> Result<f64> {
    let iqr = quantile(sample, 0.75)? - quantile(sample, 0.25)?;
    let n = sample.total_weight();
    let h = 0.79 * iqr * n.powf(-0.2);
    if h.is_nan() || h <= 0.0 {
        return Ok(f64::NAN);
    }
    let [s] = sample.sums_over(0..sample.len(), |x, w| [w * pdf((x - q) / h)]);
    Ok(s / (n * h))
}

/// Influence values of the p-quantile: `zₖ = −(1(xₖ ≤ q) − p) / (N f(q))`, f a Gaussian
/// kernel density at q with R convey's bandwidth `0.79 · IQR · N^(−1/5)`.
///
/// Observations at or below the quantile pull it down (negative influence), those above
/// push it up:
/// ```
/// use ginikit::{SortedSample, measure::quantile::quantile_influence};
/// let x: Vec<f64> = (1..=9).map(f64::from).collect();
/// let s = SortedSample::new(&x, None).unwrap();
/// let z = quantile_influence(&s, 0.5).unwrap();
/// assert!(z[0] < 0.0 && z[8] > 0.0);
/// ```
pub fn quantile_influence(sample: &SortedSample, p: f64) -> Result<Vec<f64>> {
    let q = quantile(sample, p)?;
    let f = density_at(sample, q)?;
    let n = sample.total_weight();
    Ok(sample
        .values()
        .iter()
        .map(|&v| -((if v <= q { 1.0 } else { 0.0 }) - p) / (n * f))
        .collect())
}
