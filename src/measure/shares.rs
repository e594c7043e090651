//! Quantile shares and the ratios built from them (Palma, S80/S20).
//!
//! Shares are read off the Lorenz polygon, so a population fraction boundary that falls
//! inside a person's weight splits that person exactly: with unit weights, 40 % of 10 people
//! is exactly the 4 poorest. This is the World Bank / BPS criterion (bottom 40 %, middle 40 %,
//! top 20 % of persons ranked by per-capita expenditure).

use super::lorenz::{check_fraction, cumulative_value_at, require_positive};
use super::out_of_core::Plan;
use super::quantile::cumulative_value_term;
use super::registry::Family;
use super::{Estimator, Measure, Options};
use crate::error::{Error, Result};
use crate::sample::SortedSample;

/// `share_bottom40`, `share_middle40`, `share_top20`, `share_decile<k>`, `share_<from>_<to>`.
pub const FAMILY: Family = Family {
    syntax: "share_bottom40, share_middle40, share_top20, share_decile<1-10>, share_<from>_<to>",
    out_of_core: true,
    summary: "share of the total held by a population band, read off the Lorenz polygon (World Bank / BPS criterion)",
    parse: |name| {
        let rest = name.strip_prefix("share_")?;
        let bounds = match rest {
            "bottom40" => Ok((0.0, 0.4)),
            "middle40" => Ok((0.4, 0.8)),
            "top20" => Ok((0.8, 1.0)),
            _ => match rest.strip_prefix("decile") {
                Some(k) => match k.parse::<u32>() {
                    Ok(k) if (1..=10).contains(&k) => {
                        Ok((f64::from(k - 1) / 10.0, f64::from(k) / 10.0))
                    }
                    _ => Err(band_error(name, "share_decile<k> needs k = 1 … 10")),
                },
                None => band(name, rest),
            },
        };
        Some(bounds.map(|(from, to)| Measure::new(Share { from, to })))
    },
};

fn band_error(name: &str, expected: &str) -> Error {
    Error::InvalidParameter {
        name: "share band",
        value: format!("'{name}'"),
        expected: expected.into(),
    }
}

/// `<from>_<to>` with `0 ≤ from ≤ to ≤ 1`.
fn band(name: &str, rest: &str) -> Result<(f64, f64)> {
    let allowed =
        "share_<from>_<to> needs population fractions 0 ≤ from ≤ to ≤ 1, e.g. share_0.9_1";
    let (a, b) = rest
        .split_once('_')
        .ok_or_else(|| band_error(name, allowed))?;
    match (a.parse::<f64>(), b.parse::<f64>()) {
        (Ok(a), Ok(b)) if 0.0 <= a && a <= b && b <= 1.0 => Ok((a, b)),
        _ => Err(band_error(name, allowed)),
    }
}

/// The share of a population band; see [`share`] and [`share_influence`].
#[derive(Debug, Clone, Copy)]
pub struct Share {
    from: f64,
    to: f64,
}

impl Estimator for Share {
    fn name(&self) -> String {
        let (a, b) = (self.from, self.to);
        match (a, b) {
            (0.0, 0.4) => "share_bottom40".into(),
            (0.4, 0.8) => "share_middle40".into(),
            (0.8, 1.0) => "share_top20".into(),
            _ => {
                let k = (b * 10.0).round();
                if (b - a - 0.1).abs() < 1e-12 && (b * 10.0 - k).abs() < 1e-12 {
                    format!("share_decile{k}")
                } else {
                    format!("share_{a}_{b}")
                }
            }
        }
    }
    fn out_of_core(&self, _: &Options) -> Option<Plan> {
        Some(Plan::Lorenz {
            fractions: vec![self.from, self.to],
            finish: Box::new(|l, total, weight| share_between(l[0], l[1], total, weight)),
        })
    }
    fn value(&self, sample: &SortedSample, _: &Options) -> Result<f64> {
        share(sample, self.from, self.to)
    }
    fn influence(&self, sample: &SortedSample, _: &Options) -> Result<Vec<f64>> {
        share_influence(sample, self.from, self.to)
    }
}

/// Share of the total held by the population between fractions `from` and `to`
/// (`0 ≤ from ≤ to ≤ 1`): `L(to) − L(from)`.
///
/// ```
/// use ginikit::{SortedSample, measure::shares::share};
/// let x: Vec<f64> = (1..=10).map(f64::from).collect();
/// let s = SortedSample::new(&x, None).unwrap();
/// assert!((share(&s, 0.8, 1.0).unwrap() - 19.0 / 55.0).abs() < 1e-15);
/// ```
pub fn share(sample: &SortedSample, from: f64, to: f64) -> Result<f64> {
    check_fraction("share lower bound", from)?;
    check_fraction("share upper bound", to)?;
    if from > to {
        return Err(Error::InvalidParameter {
            name: "share bounds",
            value: format!("{from}..{to}"),
            expected: "lower bound not above upper bound".into(),
        });
    }
    share_between(
        cumulative_value_at(sample, from),
        cumulative_value_at(sample, to),
        sample.total_value(),
        sample.total_weight(),
    )
}

/// The share between two Lorenz ordinates, `(L(to) − L(from))/T`, of a population with total
/// value `T` and total weight `W`; an error when `T ≤ 0` (no share of it is defined).
pub(crate) fn share_between(lower: f64, upper: f64, total: f64, weight: f64) -> Result<f64> {
    require_positive(total, weight, "a quantile share")?;
    Ok((upper - lower) / total)
}

/// Influence values of the share between population fractions a and b:
/// `zₖ = (∂S(b) − ∂S(a))/T − share·xₖ/T`, with `∂S(p)` the influence of the cumulative value
/// of the poorest fraction p ([`cumulative_value_influence`](super::quantile::cumulative_value_influence); Osier 2009).
///
/// The top-100 % share is always 1, so its influence is 0:
/// ```
/// use ginikit::{SortedSample, measure::shares::share_influence};
/// let s = SortedSample::new(&[1.0, 2.0, 3.0, 7.0], None).unwrap();
/// assert!(share_influence(&s, 0.0, 1.0).unwrap().iter().all(|z| z.abs() < 1e-15));
/// ```
pub fn share_influence(sample: &SortedSample, a: f64, b: f64) -> Result<Vec<f64>> {
    let t = sample.total_value();
    let share = share(sample, a, b)?;
    // One vector of influence values (not one per quantile as well): census-sized samples.
    let sa = cumulative_value_term(sample, a)?;
    let sb = cumulative_value_term(sample, b)?;
    Ok(sample
        .values()
        .iter()
        .map(|&x| (sb(x) - sa(x)) / t - share * x / t)
        .collect())
}
