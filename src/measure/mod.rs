//! Point estimators. Each is a linear scan (or a binary search) over a [`SortedSample`].
//!
//! [`Measure`] names every estimator the command line offers and evaluates it with shared
//! [`Options`]; the per-measure modules hold the formulas.

pub mod atkinson;
pub mod entropy;
pub mod gini;
pub mod lorenz;
pub mod moments;
pub mod positive;
pub mod quantile;
pub mod shares;

use crate::error::{Error, Result};
use crate::sample::SortedSample;
use gini::GiniConvention;
use positive::{positive_part, NonPositivePolicy};

/// One inequality or distribution measure.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum Measure {
    /// `gini`.
    Gini,
    /// `theil_t` = GE(1).
    TheilT,
    /// `mld` = GE(0).
    MeanLogDeviation,
    /// `ge_<α>`.
    GeneralizedEntropy(f64),
    /// `atkinson_<ε>`.
    Atkinson(f64),
    /// Share of the total between two population fractions: `share_bottom40` (0–0.4),
    /// `share_middle40` (0.4–0.8), `share_top20` (0.8–1), `share_decile<k>`,
    /// `share_<from>_<to>`.
    Share(f64, f64),
    /// `palma`: top 10 % share / bottom 40 % share.
    Palma,
    /// `s80_s20`: top 20 % share / bottom 20 % share.
    S80S20,
    /// `mean`.
    Mean,
    /// `median`.
    Median,
    /// `quantile_<p>`.
    Quantile(f64),
    /// `cv`: coefficient of variation.
    CoefficientOfVariation,
}

/// Settings that apply to every measure of a run.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Options {
    /// Weighted-Gini estimator.
    pub gini: GiniConvention,
    /// Zero and negative values in measures that need positive values.
    pub non_positive: NonPositivePolicy,
}

/// A point estimate with the rows and population it stands on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// The value (a fraction for indices and shares; money for mean, median, quantiles).
    pub value: f64,
    /// Rows used.
    pub n: usize,
    /// Sum of the weights of the rows used.
    pub population: f64,
    /// Rows left out under [`NonPositivePolicy::Exclude`].
    pub excluded: usize,
}

/// The names the command line accepts, for help texts and errors.
pub const KNOWN_MEASURES: &str = "gini, theil_t, mld, ge_<alpha>, atkinson_<epsilon>, \
share_bottom40, share_middle40, share_top20, share_decile<1-10>, share_<from>_<to>, palma, \
s80_s20, mean, median, quantile_<p>, cv";

/// The default measure list of `gini compute`.
pub const DEFAULT_MEASURES: &str = "gini,mean,share_bottom40,share_middle40,share_top20";

impl Measure {
    /// Parses a measure name (see [`KNOWN_MEASURES`]).
    ///
    /// ```
    /// use ginikit::Measure;
    /// assert_eq!(Measure::parse("ge_2").unwrap(), Measure::GeneralizedEntropy(2.0));
    /// assert_eq!(Measure::parse("share_decile10").unwrap(), Measure::Share(0.9, 1.0));
    /// assert_eq!(Measure::parse("atkinson_0.5").unwrap().name(), "atkinson_0.5");
    /// assert!(Measure::parse("gni").is_err());
    /// ```
    pub fn parse(name: &str) -> Result<Self> {
        let unknown = || Error::UnknownMeasure {
            name: name.to_string(),
            known: KNOWN_MEASURES.to_string(),
        };
        let number = |s: &str| {
            s.parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(unknown)
        };
        let measure = match name {
            "gini" => Measure::Gini,
            "theil_t" | "theil" => Measure::TheilT,
            "mld" | "theil_l" => Measure::MeanLogDeviation,
            "share_bottom40" => Measure::Share(0.0, 0.4),
            "share_middle40" => Measure::Share(0.4, 0.8),
            "share_top20" => Measure::Share(0.8, 1.0),
            "palma" => Measure::Palma,
            "s80_s20" => Measure::S80S20,
            "mean" => Measure::Mean,
            "median" => Measure::Median,
            "cv" => Measure::CoefficientOfVariation,
            _ => {
                if let Some(a) = name.strip_prefix("ge_") {
                    Measure::GeneralizedEntropy(number(a)?)
                } else if let Some(e) = name.strip_prefix("atkinson_") {
                    let e = number(e)?;
                    if e < 0.0 {
                        return Err(unknown());
                    }
                    Measure::Atkinson(e)
                } else if let Some(k) = name.strip_prefix("share_decile") {
                    let k: u32 = k.parse().map_err(|_| unknown())?;
                    if !(1..=10).contains(&k) {
                        return Err(unknown());
                    }
                    Measure::Share(f64::from(k - 1) / 10.0, f64::from(k) / 10.0)
                } else if let Some(p) = name.strip_prefix("quantile_") {
                    let p = number(p)?;
                    if !(0.0..=1.0).contains(&p) {
                        return Err(unknown());
                    }
                    Measure::Quantile(p)
                } else if let Some(bounds) = name.strip_prefix("share_") {
                    let (a, b) = bounds.split_once('_').ok_or_else(unknown)?;
                    let (a, b) = (number(a)?, number(b)?);
                    if !(0.0 <= a && a <= b && b <= 1.0) {
                        return Err(unknown());
                    }
                    Measure::Share(a, b)
                } else {
                    return Err(unknown());
                }
            }
        };
        Ok(measure)
    }

    /// Parses a comma-separated list.
    pub fn parse_list(list: &str) -> Result<Vec<Self>> {
        list.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(Measure::parse)
            .collect()
    }

    /// The canonical name (parses back to the same measure).
    pub fn name(&self) -> String {
        match *self {
            Measure::Gini => "gini".into(),
            Measure::TheilT => "theil_t".into(),
            Measure::MeanLogDeviation => "mld".into(),
            Measure::GeneralizedEntropy(a) => format!("ge_{a}"),
            Measure::Atkinson(e) => format!("atkinson_{e}"),
            Measure::Share(a, b) => match (a, b) {
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
            },
            Measure::Palma => "palma".into(),
            Measure::S80S20 => "s80_s20".into(),
            Measure::Mean => "mean".into(),
            Measure::Median => "median".into(),
            Measure::Quantile(p) => format!("quantile_{p}"),
            Measure::CoefficientOfVariation => "cv".into(),
        }
    }

    /// Whether the measure is defined only for strictly positive values (GE family, Atkinson).
    pub fn needs_positive_values(&self) -> bool {
        matches!(
            self,
            Measure::TheilT
                | Measure::MeanLogDeviation
                | Measure::GeneralizedEntropy(_)
                | Measure::Atkinson(_)
        )
    }

    /// Whether the value is an amount of money (mean, median, quantile) rather than an index
    /// or share; renderers format the two differently.
    pub fn is_money(&self) -> bool {
        matches!(self, Measure::Mean | Measure::Median | Measure::Quantile(_))
    }

    /// Evaluates the measure on a sorted sample.
    ///
    /// ```
    /// use ginikit::{Measure, SortedSample, measure::Options};
    /// let s = SortedSample::new(&[1.0, 2.0, 3.0, 4.0], None).unwrap();
    /// let e = Measure::Gini.evaluate(&s, &Options::default()).unwrap();
    /// assert_eq!(e.value, 0.25);
    /// assert_eq!((e.n, e.population), (4, 4.0));
    /// ```
    pub fn evaluate(&self, sample: &SortedSample, options: &Options) -> Result<Estimate> {
        let whole = |value: f64| Estimate {
            value,
            n: sample.len(),
            population: sample.total_weight(),
            excluded: 0,
        };
        let on_positive_part =
            |f: &dyn Fn(&positive::PositivePart) -> Result<f64>| -> Result<Estimate> {
                let part = positive_part(sample, options.non_positive, &self.name())?;
                Ok(Estimate {
                    value: f(&part)?,
                    n: sample.len() - part.excluded,
                    population: part.total_weight,
                    excluded: part.excluded,
                })
            };
        match *self {
            Measure::Gini => gini::gini(sample, options.gini).map(whole),
            Measure::TheilT => on_positive_part(&|p| entropy::generalized_entropy(sample, p, 1.0)),
            Measure::MeanLogDeviation => {
                on_positive_part(&|p| entropy::generalized_entropy(sample, p, 0.0))
            }
            Measure::GeneralizedEntropy(a) => {
                on_positive_part(&|p| entropy::generalized_entropy(sample, p, a))
            }
            Measure::Atkinson(e) => on_positive_part(&|p| atkinson::atkinson(sample, p, e)),
            Measure::Share(a, b) => shares::share(sample, a, b).map(whole),
            Measure::Palma => shares::palma(sample).map(whole),
            Measure::S80S20 => shares::s80_s20(sample).map(whole),
            Measure::Mean => Ok(whole(moments::mean(sample))),
            Measure::Median => quantile::median(sample).map(whole),
            Measure::Quantile(p) => quantile::quantile(sample, p).map(whole),
            Measure::CoefficientOfVariation => moments::coefficient_of_variation(sample).map(whole),
        }
    }
}
