//! Eurostat's at-risk-of-poverty indicators, named as R laeken names them: the threshold
//! `arpt` (60 % of the weighted median), the rate `arpr` and the relative median poverty gap
//! `rmpg`. Point estimates follow laeken 0.5.2 (`arpt`, `arpr`, `rmpg`: the median by its
//! `weightedQuantile` rule, [`laeken_quantile`]; poor = strictly below the threshold, as its
//! `weightedRate`); influence functions follow R convey: `svyarpt` (the quantile's
//! linearization times the percentage), `svyarpr` (the rate with the threshold fixed plus the
//! density at the threshold times the threshold's influence) and `svyrmpg` (Osier 2009).
//!
//! The threshold is *estimated*, so its uncertainty enters the rate's. For groups the
//! threshold is the whole population's (laeken's `breakdown`, convey's domains, Eurostat's
//! regional rates): the table layer evaluates a group as a [`Domain`](crate::sample::Domain) of the pooled sample,
//! and the measures here then take the threshold from every observation and the rate or gap
//! from the domain's. Without a domain the sample is its own population.

use super::quantile::{density_at, laeken_quantile};
use super::registry::{parameter, Family};
use super::{Estimator, Measure, Options, Unit};
use crate::error::{Error, Location, Result};
use crate::kernel::normal::pdf;
use crate::sample::SortedSample;

/// `arpt`, `arpt_<percent>`, `arpt_<percent>_<quantile>`.
pub const ARPT: Family = Family {
    syntax: "arpt, arpt_<percent>[_<quantile>]",
    out_of_core: false,
    summary: "at-risk-of-poverty threshold, 60 % of the weighted median (laeken arpt, convey svyarpt); per group the whole population's",
    parse: |name| parse_relative(name, "arpt", Kind::Threshold),
};

/// `arpr`, `arpr_<percent>`, `arpr_<percent>_<quantile>`.
pub const ARPR: Family = Family {
    syntax: "arpr, arpr_<percent>[_<quantile>]",
    out_of_core: false,
    summary: "at-risk-of-poverty rate: share below the estimated threshold (laeken arpr, convey svyarpr); per group against the whole population's threshold",
    parse: |name| parse_relative(name, "arpr", Kind::Rate),
};

/// `rmpg`.
pub const RMPG: Family = Family {
    syntax: "rmpg",
    out_of_core: false,
    summary: "relative median poverty gap (arpt − median of the poor)/arpt (laeken rmpg, convey svyrmpg)",
    parse: |name| {
        (name == "rmpg").then(|| {
            Ok(Measure::new(RelativePoverty {
                kind: Kind::Gap,
                percent: 0.6,
                quantile: 0.5,
            }))
        })
    },
};

/// Which indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Threshold,
    Rate,
    Gap,
}

fn parse_relative(name: &str, prefix: &str, kind: Kind) -> Option<Result<Measure>> {
    let rest = name.strip_prefix(prefix)?;
    let make = |percent, quantile| {
        Ok(Measure::new(RelativePoverty {
            kind,
            percent,
            quantile,
        }))
    };
    if rest.is_empty() {
        return Some(make(0.6, 0.5));
    }
    let rest = rest.strip_prefix('_')?;
    let allowed = format!(
        "{prefix}_<percent>[_<quantile>] needs a percent of the quantile in [1, 1000] and a quantile in (0, 1), e.g. {prefix}_50 (50 % of the median) or {prefix}_60_0.4"
    );
    let mut parts = rest.splitn(2, '_');
    // A percent below 1 is refused rather than read as a tiny threshold: `arpt_0.6` is almost
    // always meant as 60 %, and the message says to write `arpt_60`.
    let percent = parameter(name, parts.next()?, &allowed, |p| (1.0..=1000.0).contains(&p));
    let quantile = match parts.next() {
        None => Ok(0.5),
        Some(q) => parameter(name, q, &allowed, |q| q > 0.0 && q < 1.0),
    };
    Some(percent.and_then(|p| quantile.and_then(|q| make(p / 100.0, q))))
}

/// A fraction as the percent it names in a measure's name: 0.6 → "60", 0.125 → "12.5".
fn percent_text(fraction: f64) -> String {
    // Rounded to 12 significant digits so that 0.07 prints as 7, not 7.000000000000001.
    let p = fraction * 100.0;
    let rounded: f64 = format!("{p:.12e}").parse().unwrap_or(p);
    format!("{rounded}")
}

/// An at-risk-of-poverty indicator with its threshold rule `percent × Q(quantile)`.
#[derive(Debug, Clone, Copy)]
pub struct RelativePoverty {
    kind: Kind,
    percent: f64,
    quantile: f64,
}

impl RelativePoverty {
    /// Whether the value depends on a threshold taken from the whole population when the
    /// sample is a domain of it.
    fn is_default_rule(&self) -> bool {
        self.percent == 0.6 && self.quantile == 0.5
    }
}

impl Estimator for RelativePoverty {
    fn name(&self) -> String {
        let prefix = match self.kind {
            Kind::Threshold => "arpt",
            Kind::Rate => "arpr",
            Kind::Gap => return "rmpg".into(),
        };
        if self.is_default_rule() {
            prefix.into()
        } else if self.quantile == 0.5 {
            format!("{prefix}_{}", percent_text(self.percent))
        } else {
            format!("{prefix}_{}_{}", percent_text(self.percent), self.quantile)
        }
    }
    fn unit(&self) -> Unit {
        match self.kind {
            Kind::Threshold => Unit::Money,
            _ => Unit::Index,
        }
    }
    fn uses_population_threshold(&self) -> bool {
        true
    }
    fn value(&self, sample: &SortedSample, _: &Options) -> Result<f64> {
        let t = threshold(sample, self.percent, self.quantile)?;
        match self.kind {
            Kind::Threshold => Ok(t),
            Kind::Rate => Ok(rate_below(sample, t)?.0),
            Kind::Gap => {
                let poor_median = poor_median(sample, t)?;
                Ok((t - poor_median) / t)
            }
        }
    }
    fn influence(&self, sample: &SortedSample, _: &Options) -> Result<Vec<f64>> {
        // The threshold's influence spans the whole pooled sample and is the same for every
        // group (domain) of it: computed once per sample (its domain copies share the memo).
        let key = ("arpt_influence", self.percent.to_bits(), self.quantile.to_bits() as usize);
        let lin_t = sample.memo(key, || threshold_influence(sample, self.percent, self.quantile))?;
        if self.kind == Kind::Threshold {
            return Ok(lin_t.to_vec());
        }
        let t = threshold(sample, self.percent, self.quantile)?;
        let (rate, n_domain) = rate_below(sample, t)?;
        let h = bandwidth(sample);
        let f_t = domain_density(sample, t, h, n_domain);
        no_spread(f_t)?;
        // The rate with the threshold fixed, plus the threshold's influence through the
        // domain's density at it (convey svyarpr).
        let in_domain = |i: usize| in_domain(sample, i);
        let x = sample.values();
        let lin_rate: Vec<f64> = (0..x.len())
            .map(|i| {
                let own = if in_domain(i) {
                    (f64::from(u8::from(x[i] < t)) - rate) / n_domain
                } else {
                    0.0
                };
                own + f_t * lin_t[i]
            })
            .collect();
        if self.kind == Kind::Rate {
            return Ok(lin_rate);
        }
        // rmpg = 1 − m/t, m the median of the poor: m solves F(m) = rate/2, so
        // ∂m = (½·∂rate − ∂F(m)) / f(m) (convey svyrmpg).
        let m = poor_median(sample, t)?;
        let f_m = domain_density(sample, m, h, n_domain);
        no_spread(f_m)?;
        Ok((0..x.len())
            .map(|i| {
                let own_m = if in_domain(i) {
                    (f64::from(u8::from(x[i] <= m)) - 0.5 * rate) / n_domain
                } else {
                    0.0
                };
                let lin_m = (0.5 * lin_rate[i] - own_m) / f_m;
                m * lin_t[i] / (t * t) - lin_m / t
            })
            .collect())
    }
}

/// A kernel density the linearization divides by must be a positive number: without spread
/// in the values (an interquartile range or standard deviation of 0) it is not.
fn no_spread(f: f64) -> Result<()> {
    if f.is_finite() && f > 0.0 {
        return Ok(());
    }
    Err(Error::Undefined {
        location: Location::Argument("values"),
        measure: "the linearized standard error of the at-risk-of-poverty indicators".into(),
        reason: "the kernel density at the median or the threshold is zero or undefined (the values have no spread there); use a replicate method (bootstrap or jackknife)".into(),
        context: String::new(),
    })
}

/// The threshold `percent × Q(quantile)` over every observation of the sample (the whole
/// population when the sample is pooled), the quantile by laeken's rule.
///
/// R laeken `arpt(x)` on ineq's example vector: 0.6 × 5401 = 3240.6:
/// ```
/// use ginikit::{SortedSample, measure::relative_poverty::threshold};
/// let x = [541.0, 1463.0, 2445.0, 3438.0, 4437.0, 5401.0, 6392.0, 8304.0, 11904.0, 22261.0];
/// let s = SortedSample::new(&x, None).unwrap();
/// assert!((threshold(&s, 0.6, 0.5).unwrap() - 3240.6).abs() < 1e-9);
/// ```
pub fn threshold(sample: &SortedSample, percent: f64, quantile: f64) -> Result<f64> {
    Ok(percent * laeken_quantile(sample, quantile)?)
}

/// Influence of the threshold over every observation: `percent × (−(1(xₖ ≤ q) − p)/(N f(q)))`
/// (convey `svyarpt`: the quantile's linearization, with the kernel density of
/// [`density_at`]).
fn threshold_influence(sample: &SortedSample, percent: f64, p: f64) -> Result<Vec<f64>> {
    let q = laeken_quantile(sample, p)?;
    let f = density_at(sample, q)?;
    no_spread(f)?;
    let n = sample.total_weight();
    Ok(sample
        .values()
        .iter()
        .map(|&x| -percent * (f64::from(u8::from(x <= q)) - p) / (n * f))
        .collect())
}

/// The domain's weighted share strictly below `t` and its population (laeken
/// `weightedRate`, as a fraction).
fn rate_below(sample: &SortedSample, t: f64) -> Result<(f64, f64)> {
    let [below, n] = match sample.domain() {
        None => sample.sums_indexed(|_, x, w| [if x < t { w } else { 0.0 }, w]),
        Some(d) => sample.sums_indexed(|i, x, w| {
            if d.contains(i) {
                [if x < t { w } else { 0.0 }, w]
            } else {
                [0.0, 0.0]
            }
        }),
    };
    if n.is_nan() || n <= 0.0 {
        return Err(Error::ZeroTotalWeight {
            location: Location::Argument("weights"),
            count: sample.domain().map_or(sample.len(), |d| {
                d.ids.iter().filter(|&&g| g == d.id).count()
            }),
            context: String::new(),
        });
    }
    Ok((below / n, n))
}

/// The weighted median of the domain's values strictly below `t`, by laeken's rule (the
/// smallest value whose cumulative weight share exceeds one half).
fn poor_median(sample: &SortedSample, t: f64) -> Result<f64> {
    let x = sample.values();
    let in_domain = |i: usize| in_domain(sample, i);
    let poor: Vec<usize> = (0..x.partition_point(|&v| v < t))
        .filter(|&i| in_domain(i) && sample.weight(i) > 0.0)
        .collect();
    let total: f64 = poor.iter().map(|&i| sample.weight(i)).sum();
    if poor.is_empty() || total <= 0.0 {
        return Err(Error::Undefined {
            location: Location::Argument("values"),
            measure: "rmpg".into(),
            reason: format!("nobody is below the at-risk-of-poverty threshold {t}, so the poor have no median; report the rate (arpr, 0 here) instead, or compute the gap for a larger group"),
            context: String::new(),
        });
    }
    let mut c = 0.0;
    for &i in &poor {
        c += sample.weight(i);
        if c / total > 0.5 {
            return Ok(x[i]);
        }
    }
    Ok(x[*poor.last().expect("not empty")])
}

/// Whether sorted observation `i` counts for the rate or gap: in the sample's domain, or any
/// observation of a sample without one.
fn in_domain(sample: &SortedSample, i: usize) -> bool {
    sample.domain().is_none_or(|d| d.contains(i))
}

/// convey's `h_fun`: the weighted standard deviation of the domain over `N^{1/5}`.
fn bandwidth(sample: &SortedSample) -> f64 {
    let in_domain = |i: usize| in_domain(sample, i);
    let [n, s, ss] = sample.sums_indexed(|i, x, w| {
        if in_domain(i) {
            [w, w * x, w * x * x]
        } else {
            [0.0; 3]
        }
    });
    let var = (ss - s * s / n) / n;
    var.max(0.0).sqrt() / n.powf(0.2)
}

/// convey's `densfun(…, FUN = "F")`: the Gaussian-kernel density of the domain at `at`,
/// `Σ_D w φ((x − at)/h) / (N_D h)`.
fn domain_density(sample: &SortedSample, at: f64, h: f64, n_domain: f64) -> f64 {
    let in_domain = |i: usize| in_domain(sample, i);
    let [s] = sample.sums_indexed(|i, x, w| {
        if in_domain(i) {
            [w * pdf((x - at) / h)]
        } else {
            [0.0]
        }
    });
    s / (n_domain * h)
}
