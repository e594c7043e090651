//! The Hoover index (Robin Hood index, Ricci–Schutz coefficient, Pietra ratio): the share of
//! the total that would have to move from those above the mean to those below it to make
//! everyone equal. Point estimate and influence function.

use super::lorenz::require_positive_total;
use super::registry::Family;
use super::{Estimator, Measure, Options};
use crate::error::Result;
use crate::sample::SortedSample;

/// `hoover`.
pub const FAMILY: Family = Family {
    syntax: "hoover",
    out_of_core: false,
    summary:
        "Hoover (Robin Hood, Ricci–Schutz) index Σw|x − μ|/(2Wμ); unweighted it is R ineq's RS",
    parse: |name| (name == "hoover").then(|| Ok(Measure::new(Hoover))),
};

/// The Hoover index; see [`hoover`] and [`hoover_influence`].
#[derive(Debug, Clone, Copy)]
pub struct Hoover;

impl Estimator for Hoover {
    fn name(&self) -> String {
        "hoover".into()
    }
    fn value(&self, sample: &SortedSample, _: &Options) -> Result<f64> {
        hoover(sample)
    }
    fn influence(&self, sample: &SortedSample, _: &Options) -> Result<Vec<f64>> {
        hoover_influence(sample)
    }
}

/// The Hoover index `H = Σ wᵢ|xᵢ − μ| / (2 W μ)`, μ the weighted mean: the maximum vertical
/// distance between the Lorenz curve and the diagonal. Unweighted it equals R ineq's `RS`
/// (`mean(abs(x − mean(x))) / (2 mean(x))`); integer weights equal duplicated rows. Zero and
/// negative values are allowed; the mean must be positive.
///
/// # Errors
/// [`crate::Error::NonPositiveMean`] when `Σ wᵢ xᵢ ≤ 0`.
///
/// For 1, 2, 3, 4, 10 (μ = 4): Σ|x − μ| = 3 + 2 + 1 + 0 + 6 = 12, H = 12 / (2·5·4) = 0.3:
/// ```
/// use ginikit::{SortedSample, measure::hoover::hoover};
/// let s = SortedSample::new(&[1.0, 2.0, 3.0, 4.0, 10.0], None).unwrap();
/// assert!((hoover(&s).unwrap() - 0.3).abs() < 1e-15);
/// ```
pub fn hoover(sample: &SortedSample) -> Result<f64> {
    require_positive_total(sample, "the Hoover index")?;
    let mu = sample.mean();
    let [d] = sample.sums_over(0..sample.len(), |x, w| [w * (x - mu).abs()]);
    Ok(d / (2.0 * sample.total_value()))
}

/// Influence values of the Hoover index. With `D = Σ wᵢ|xᵢ − μ|`, `T = Σ wᵢxᵢ = Wμ`,
/// `H = D/(2T)` and `B = Σ wᵢ sign(xᵢ − μ)` (weight above the mean minus weight below it):
/// `∂D/∂wₖ = |xₖ − μ| − B (xₖ − μ)/W` (the mean moves by `(xₖ − μ)/W`), so
/// `zₖ = (|xₖ − μ| − B (xₖ − μ)/W) / (2T) − H xₖ / T`.
///
/// For 1, 2, 3, 4, 10 (H = 0.3, B = 1 − 3 = −2, T = 20): `z₅ = (6 + 2·6/5)/40 − 0.3·10/20 = 0.06`.
/// ```
/// use ginikit::{SortedSample, measure::hoover::hoover_influence};
/// let s = SortedSample::new(&[1.0, 2.0, 3.0, 4.0, 10.0], None).unwrap();
/// let z = hoover_influence(&s).unwrap();
/// assert!((z[4] - 0.06).abs() < 1e-15);
/// assert!(z.iter().sum::<f64>().abs() < 1e-15); // scale-free: Σ wₖzₖ = 0
/// ```
pub fn hoover_influence(sample: &SortedSample) -> Result<Vec<f64>> {
    let h = hoover(sample)?;
    let (w_total, t, mu) = (sample.total_weight(), sample.total_value(), sample.mean());
    let [b] = sample.sums_over(0..sample.len(), |x, w| {
        [if x > mu {
            w
        } else if x < mu {
            -w
        } else {
            0.0
        }]
    });
    Ok(sample
        .values()
        .iter()
        .map(|&x| ((x - mu).abs() - b * (x - mu) / w_total) / (2.0 * t) - h * x / t)
        .collect())
}
