//! The mean of a population band, such as the mean consumption of the poorest 40 % (the World
//! Bank's shared-prosperity indicator is its growth): `share(a, b) · μ / (b − a)`, the band's
//! total over its population, the band read off the Lorenz polygon like the shares.

use super::mean::{mean, mean_influence};
use super::registry::{parameter, Family};
use super::shares::{share, share_influence};
use super::{Estimator, Measure, Options, Unit};
use crate::error::Result;
use crate::sample::SortedSample;

/// `mean_bottom<k>`, `mean_top<k>`.
pub const FAMILY: Family = Family {
    syntax: "mean_bottom<k>, mean_top<k>",
    out_of_core: false,
    summary: "mean of the poorest (richest) k % of the population, k in (0, 100]: share × mean / band (World Bank shared prosperity: growth of mean_bottom40)",
    parse: |name| {
        let (rest, bottom) = match (name.strip_prefix("mean_bottom"), name.strip_prefix("mean_top")) {
            (Some(r), _) => (r, true),
            (_, Some(r)) => (r, false),
            _ => return None,
        };
        Some(
            parameter(name, rest, "mean_bottom<k> needs k in (0, 100], e.g. mean_bottom40", |k| {
                k > 0.0 && k <= 100.0
            })
            .map(|k| Measure::new(BandMean { k, bottom })),
        )
    },
};

/// The mean of the poorest or richest k %; see [`band_mean`].
#[derive(Debug, Clone, Copy)]
pub struct BandMean {
    k: f64,
    bottom: bool,
}

impl BandMean {
    fn band(&self) -> (f64, f64) {
        let f = self.k / 100.0;
        if self.bottom {
            (0.0, f)
        } else {
            (1.0 - f, 1.0)
        }
    }
}

impl Estimator for BandMean {
    fn name(&self) -> String {
        format!("mean_{}{}", if self.bottom { "bottom" } else { "top" }, self.k)
    }
    fn unit(&self) -> Unit {
        Unit::Money
    }
    fn value(&self, sample: &SortedSample, _: &Options) -> Result<f64> {
        let (a, b) = self.band();
        band_mean(sample, a, b)
    }
    fn influence(&self, sample: &SortedSample, _: &Options) -> Result<Vec<f64>> {
        let (a, b) = self.band();
        band_mean_influence(sample, a, b)
    }
}

/// `m(a, b) = share(a, b) · μ / (b − a)`: the band's total over its population.
///
/// The poorest 40 % of 1, 2, 3, 4, 10 hold 1 + 2 = 3 over 2 persons:
/// ```
/// use ginikit::{SortedSample, measure::band_mean::band_mean};
/// let s = SortedSample::new(&[1.0, 2.0, 3.0, 4.0, 10.0], None).unwrap();
/// assert!((band_mean(&s, 0.0, 0.4).unwrap() - 1.5).abs() < 1e-15);
/// ```
pub fn band_mean(sample: &SortedSample, a: f64, b: f64) -> Result<f64> {
    Ok(share(sample, a, b)? * mean(sample) / (b - a))
}

/// Influence values of the band mean by the product rule:
/// `zₖ = (μ · z_share,k + share · z_μ,k) / (b − a)`.
///
/// ```
/// use ginikit::{SortedSample, measure::band_mean::band_mean_influence};
/// let s = SortedSample::new(&[1.0, 2.0, 3.0, 4.0, 10.0], None).unwrap();
/// let z = band_mean_influence(&s, 0.0, 0.4).unwrap();
/// assert_eq!(z.len(), 5);
/// assert!(z[0] < 0.0 && z[4] > 0.0);
/// ```
pub fn band_mean_influence(sample: &SortedSample, a: f64, b: f64) -> Result<Vec<f64>> {
    let (s, mu) = (share(sample, a, b)?, mean(sample));
    let zs = share_influence(sample, a, b)?;
    let zm = mean_influence(sample);
    Ok(zs
        .iter()
        .zip(&zm)
        .map(|(&zs, &zm)| (mu * zs + s * zm) / (b - a))
        .collect())
}
