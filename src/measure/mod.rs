//! Point estimators and their influence functions, one estimator family per file.
//!
//! Every measure implements [`Estimator`]: its name, its point value on a [`SortedSample`],
//! its influence (linearized) values for design-based standard errors, and its properties.
//! A [`Measure`] is a shared handle to one estimator; [`registry::FAMILIES`] lists every
//! family with the names it parses, and help texts, error messages and the documentation
//! table are generated from that list. The survey code (linearization, replicates, domains,
//! changes) is written once over [`Estimator`]. ARCHITECTURE.md walks through adding one.

pub mod lorenz;
pub mod out_of_core;
pub mod positive;
pub mod registry;

/// Declares each family's module and lists its families in [`registry::FAMILIES`], in the
/// order help texts show them. A new measure is a new file and one line here.
macro_rules! measures {
    ($($module:ident: $($family:ident),+;)+) => {
        $(pub mod $module;)+
        /// Every measure family, in the order help texts list them.
        pub(crate) const FAMILIES: &[registry::Family] = &[$($($module::$family,)+)+];
    };
}

measures! {
    gini: FAMILY;
    entropy: THEIL_T, MLD, GE;
    atkinson: FAMILY, EDE;
    shares: FAMILY;
    share_ratio: PALMA, S80_S20;
    qsr: FAMILY;
    hoover: FAMILY;
    wolfson: FAMILY;
    sgini: FAMILY;
    mean: FAMILY;
    band_mean: FAMILY;
    quantile: MEDIAN, QUANTILE;
    cv: FAMILY;
    poverty: FGT, WATTS, POOR;
    relative_poverty: ARPT, ARPR, RMPG;
}

use crate::error::Result;
use crate::sample::SortedSample;
use gini::GiniConvention;
use positive::{positive_part, NonPositivePolicy};
use std::sync::Arc;

/// What kind of number a measure gives; renderers format the kinds differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Unit {
    /// An index, share or ratio (a fraction such as 0.391).
    Index,
    /// An amount of money in the units of the value column (mean, median, quantiles).
    Money,
    /// A number of persons (a weighted total, such as the number of poor).
    Persons,
}

/// One estimator: what a new measure implements (see ARCHITECTURE.md, "How to add a measure").
///
/// `value` and `influence` see the whole sorted sample; estimators that need strictly positive
/// values restrict themselves to [`positive::positive_part`] under `options.non_positive`, and
/// [`Measure::evaluate`] reports the rows used and excluded.
pub trait Estimator: Send + Sync + std::fmt::Debug {
    /// The canonical name; [`Measure::parse`] gives back an equal measure.
    fn name(&self) -> String;

    /// Index or money.
    fn unit(&self) -> Unit {
        Unit::Index
    }

    /// Whether the measure is defined only for strictly positive values (GE family, Atkinson).
    fn needs_positive_values(&self) -> bool {
        false
    }

    /// Whether a group's value takes a quantity (a threshold) from the whole population:
    /// such measures are evaluated on the pooled sample restricted to the group's
    /// [`crate::sample::Domain`] (see `relative_poverty.rs`).
    fn uses_population_threshold(&self) -> bool {
        false
    }

    /// How an engine that reads the rows in pieces computes the measure under `options`
    /// ([`out_of_core::Plan`]); `None` (the default) when it cannot. A family that gives a
    /// plan under the default options says so in its [`registry::Family::out_of_core`].
    fn out_of_core(&self, _options: &Options) -> Option<out_of_core::Plan> {
        None
    }

    /// The point estimate.
    fn value(&self, sample: &SortedSample, options: &Options) -> Result<f64>;

    /// Influence values `zₖ = ∂θ/∂wₖ`, one per sorted position, so that the design variance of
    /// θ̂ is that of the total `Σₖ wₖ zₖ` (Deville 1999). Observations a measure leaves out get 0.
    fn influence(&self, sample: &SortedSample, options: &Options) -> Result<Vec<f64>>;

    /// The influence values as a linear combination of vectors the sample keeps,
    /// `zₖ = (…((0 + c₀v₀ₖ) + c₁v₁ₖ) + …)` added in the order given — the same numbers as
    /// [`Estimator::influence`] — so that the survey layer forms each `zₖ` as it passes over
    /// the observations instead of keeping one vector per measure. `None` (the default): the
    /// measure has no such form, and its influence vector is made.
    fn influence_parts(
        &self,
        _sample: &SortedSample,
        _options: &Options,
    ) -> Option<Result<InfluenceParts>> {
        None
    }

    /// The work this estimator shares with others on a sample (see [`SharedWork`]); with
    /// `influence`, what its influence values need too. None by default.
    fn shared_work(&self, _influence: bool) -> Vec<SharedWork> {
        Vec::new()
    }
}

/// A piece of work that estimators on one sample share (a ranking, a coefficient with its
/// influence values), named by the key of what it leaves in the sample's memo: the survey
/// layer runs each distinct key once, in parallel, before the estimates, so that estimators
/// running side by side neither wait for nor repeat each other's work. Jobs of `stage` 0 run
/// before those of stage 1. A job's error is left for the estimator to report.
#[derive(Clone)]
pub struct SharedWork {
    pub stage: u8,
    pub key: (&'static str, u64, u64),
    pub run: Arc<dyn Fn(&SortedSample) + Send + Sync>,
}

/// `(cⱼ, vⱼ)`: influence values `Σⱼ cⱼ vⱼ` (see [`Estimator::influence_parts`]).
pub type InfluenceParts = Vec<(f64, Arc<Vec<f64>>)>;

/// `Σⱼ cⱼ vⱼ` at position `k`, added in the parts' order.
#[inline(always)]
pub fn combine_at(parts: &[(f64, Arc<Vec<f64>>)], k: usize) -> f64 {
    parts.iter().fold(0.0, |z, (c, v)| z + c * v[k])
}

/// [`combine_at`] for every k of `range`, into `out` (as long as the range): part by part
/// over contiguous slices, so that it runs on vector registers, with the very same additions
/// for each k in the same order, so the same bits.
///
/// ```
/// use ginikit::measure::{combine_at, combine_over};
/// use std::sync::Arc;
/// let parts = vec![(0.1, Arc::new(vec![1.0, 2.0, 3.0])), (-3.0, Arc::new(vec![0.7, 0.2, 1e-17]))];
/// let mut out = [0.0; 2];
/// combine_over(&parts, 1..3, &mut out);
/// assert_eq!(out, [combine_at(&parts, 1), combine_at(&parts, 2)]);
/// assert_eq!(out[0], 0.1 * 2.0 + -3.0 * 0.2);
/// ```
#[inline(always)]
pub fn combine_over(
    parts: &[(f64, Arc<Vec<f64>>)],
    range: std::ops::Range<usize>,
    out: &mut [f64],
) {
    out.fill(0.0);
    for (c, v) in parts {
        for (z, v) in out.iter_mut().zip(&v[range.clone()]) {
            *z += c * v;
        }
    }
}

/// A measure: a cheap, cloneable handle to an [`Estimator`]. Two measures are equal when
/// their canonical names are.
#[derive(Clone)]
pub struct Measure(Arc<dyn Estimator>);

impl std::fmt::Debug for Measure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Measure({})", self.name())
    }
}

impl PartialEq for Measure {
    fn eq(&self, other: &Self) -> bool {
        self.name() == other.name()
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Measure {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&self.name())
    }
}

/// Settings that apply to every measure of a run.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Options {
    /// Weighted-Gini estimator.
    pub gini: GiniConvention,
    /// Zero and negative values in measures that need positive values.
    pub non_positive: NonPositivePolicy,
    /// Where a group's at-risk-of-poverty threshold comes from (`arpt`, `arpr`, `rmpg`).
    pub threshold: ThresholdScope,
}

/// Where a group's relative-poverty threshold (60 % of the median) is estimated.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ThresholdScope {
    /// From the whole population (all groups of the table or survey round): laeken's
    /// `breakdown`, convey's domains, Eurostat's regional rates.
    #[default]
    Population,
    /// From each group's own values (a separate population per group).
    Group,
}

// The measure side of rescaling (`sample::Scale`): what a result's unit says about scaling
// it back. Here, not in `sample`, so that the sample layer does not depend on measures.
impl crate::sample::Scale {
    /// A result of `measure` on rescaled data, in the data's own units: money scales back
    /// with the values, persons with the weights; indices and shares need nothing.
    pub fn unscale(&self, measure: &Measure, v: f64) -> f64 {
        match measure.unit() {
            Unit::Money => self.money_back(v),
            Unit::Persons => self.persons_back(v),
            Unit::Index => v,
        }
    }

    /// An estimate on rescaled data in the data's units (value and population).
    pub fn unscale_estimate(&self, measure: &Measure, e: Estimate) -> Estimate {
        Estimate {
            value: self.unscale(measure, e.value),
            population: self.persons_back(e.population),
            ..e
        }
    }
}

/// A point estimate with the rows and population it stands on.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
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

/// The default measure list of `gini compute`.
pub const DEFAULT_MEASURES: &str = "gini,mean,share_bottom40,share_middle40,share_top20";

impl Measure {
    /// Wraps an estimator.
    pub fn new(estimator: impl Estimator + 'static) -> Self {
        Measure(Arc::new(estimator))
    }

    /// Parses a measure name through [`registry::FAMILIES`]: an unknown name lists the known
    /// ones; a known family with a parameter out of range says which range is allowed.
    ///
    /// ```
    /// use ginikit::Measure;
    /// assert_eq!(Measure::parse("ge_2").unwrap().name(), "ge_2");
    /// assert_eq!(Measure::parse("share_0.9_1").unwrap().name(), "share_decile10");
    /// assert_eq!(Measure::parse("theil").unwrap(), Measure::parse("theil_t").unwrap());
    /// assert!(Measure::parse("gni").is_err());
    /// ```
    pub fn parse(name: &str) -> Result<Self> {
        registry::parse(name)
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
        self.0.name()
    }

    /// Index or money.
    pub fn unit(&self) -> Unit {
        self.0.unit()
    }

    /// Whether the measure is defined only for strictly positive values (GE family, Atkinson).
    pub fn needs_positive_values(&self) -> bool {
        self.0.needs_positive_values()
    }

    /// Whether the value is an amount of money (mean, median, quantile) rather than an index
    /// or share.
    pub fn is_money(&self) -> bool {
        self.unit() == Unit::Money
    }

    /// Whether a group's value takes its threshold from the whole population
    /// ([`Estimator::uses_population_threshold`]).
    pub fn uses_population_threshold(&self) -> bool {
        self.0.uses_population_threshold()
    }

    /// How an out-of-core engine computes the measure ([`Estimator::out_of_core`]).
    ///
    /// ```
    /// use ginikit::{Measure, measure::{Options, out_of_core::Plan}};
    /// let plan = Measure::parse("theil_t").unwrap().out_of_core(&Options::default());
    /// let Some(Plan::Sum { finish, .. }) = plan else { panic!() };
    /// assert_eq!(finish(0.25, 1.0), 0.25); // Theil T is the mean of (x/μ)·ln(x/μ)
    /// assert!(Measure::parse("hoover").unwrap().out_of_core(&Options::default()).is_none());
    /// ```
    pub fn out_of_core(&self, options: &Options) -> Option<out_of_core::Plan> {
        self.0.out_of_core(options)
    }

    /// The estimator behind the handle.
    pub fn estimator(&self) -> &dyn Estimator {
        &*self.0
    }

    /// Evaluates the measure on a sorted sample, in the data's units: a sample stored
    /// rescaled (values or weights beyond 2^±100, see [`SortedSample::scale`]) gives its
    /// money results and populations back in the units it was given in.
    ///
    /// ```
    /// use ginikit::{Measure, SortedSample, measure::Options};
    /// let s = SortedSample::new(&[1.0, 2.0, 3.0, 4.0], None).unwrap();
    /// let e = Measure::parse("gini").unwrap().evaluate(&s, &Options::default()).unwrap();
    /// assert_eq!(e.value, 0.25);
    /// assert_eq!((e.n, e.population), (4, 4.0));
    /// ```
    pub fn evaluate(&self, sample: &SortedSample, options: &Options) -> Result<Estimate> {
        let stored = self.evaluate_stored(sample, options)?;
        Ok(sample.scale().unscale_estimate(self, stored))
    }

    /// As [`Measure::evaluate`], in the sample's stored units (the survey layer's variance
    /// works in them and scales its results back once).
    pub(crate) fn evaluate_stored(
        &self,
        sample: &SortedSample,
        options: &Options,
    ) -> Result<Estimate> {
        if !self.needs_positive_values() {
            return Ok(Estimate {
                value: self.0.value(sample, options)?,
                n: sample.len(),
                population: sample.total_weight(),
                excluded: 0,
            });
        }
        let part = positive_part(sample, options.non_positive, &self.name())?;
        Ok(Estimate {
            value: self.0.value(sample, options)?,
            n: sample.len() - part.excluded,
            population: part.total_weight,
            excluded: part.excluded,
        })
    }

    /// Influence values `zₖ = ∂θ/∂wₖ` in sorted order (see [`Estimator::influence`]).
    pub fn influence(&self, sample: &SortedSample, options: &Options) -> Result<Vec<f64>> {
        self.0.influence(sample, options)
    }

    /// The work this measure shares with others (see [`Estimator::shared_work`]).
    pub fn shared_work(&self, influence: bool) -> Vec<SharedWork> {
        self.0.shared_work(influence)
    }

    /// The influence values as parts (see [`Estimator::influence_parts`]).
    pub fn influence_parts(
        &self,
        sample: &SortedSample,
        options: &Options,
    ) -> Option<Result<InfluenceParts>> {
        self.0.influence_parts(sample, options)
    }
}
