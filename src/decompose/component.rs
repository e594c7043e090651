//! Each term of a decomposition as an estimator on the pooled sample (the group of each
//! observation from the sample's [`crate::sample::Domain`] ids), so the replicate engine gives
//! it a standard error: every replicate re-weights the pooled sample and recomputes the term.
//! A change term is a function of both rounds: evaluated with this round's replicates and the
//! other round held at its estimate, the two rounds' variances add (independent samples).

use super::{dagum, ge_split, ms_change, GeSplit};
use crate::error::{Error, Location, Result};
use crate::measure::{Estimator, Options};
use crate::sample::SortedSample;
use std::sync::Arc;

/// Which term.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Part {
    /// GE(α): the total, the within and between components, one group's within term.
    GeTotal,
    GeWithin,
    GeBetween,
    GeGroup(usize),
    /// Dagum: the Gini, within, net between, transvariation, one group's within term.
    Gini,
    DagumWithin,
    DagumNetBetween,
    DagumTransvariation,
    DagumGroup(usize),
    /// Mookherjee–Shorrocks change terms (with the other round fixed).
    ChangeTotal,
    ChangeWithin,
    ChangePopulationShares,
    ChangeRelativeMeans,
    ChangeResidual,
    /// One group's (within, population shares, relative means) change terms, summed.
    ChangeGroup(usize),
}

/// A decomposition term as an estimator; see the module docs.
#[derive(Debug, Clone)]
pub struct Component {
    pub part: Part,
    pub alpha: f64,
    /// For change terms: the other round's split and whether this sample is the later round.
    pub other: Option<(Arc<GeSplit>, bool)>,
}

impl Component {
    fn ids<'a>(&self, sample: &'a SortedSample) -> Result<&'a [u32]> {
        sample
            .domain()
            .map(|d| d.ids.as_slice())
            .ok_or_else(|| Error::Undefined {
                location: Location::Argument("values"),
                measure: self.name(),
                reason: "the sample carries no groups".into(),
                context: String::new(),
            })
    }
}

/// A split computed once per sample (replicate) for all the terms that read it — its failure
/// too: a replicate that leaves a group without weight fails once, not once per term (which
/// would cost O(k) passes over the sample for k groups).
fn memo_result<T: std::any::Any + Send + Sync>(
    sample: &SortedSample,
    key: (&'static str, u64, usize),
    make: impl FnOnce() -> Result<T>,
) -> Result<Arc<T>> {
    let outcome = sample.memo(key, || Ok(make().map(Arc::new)))?;
    (*outcome).clone()
}

impl Estimator for Component {
    fn name(&self) -> String {
        let a = self.alpha;
        let side = match &self.other {
            Some((_, true)) => "@to",
            Some((_, false)) => "@from",
            None => "",
        };
        let part = match self.part {
            Part::GeTotal => format!("ge_{a}.total"),
            Part::GeWithin => format!("ge_{a}.within"),
            Part::GeBetween => format!("ge_{a}.between"),
            Part::GeGroup(g) => format!("ge_{a}.group{g}"),
            Part::Gini => "gini.total".into(),
            Part::DagumWithin => "gini.within".into(),
            Part::DagumNetBetween => "gini.net_between".into(),
            Part::DagumTransvariation => "gini.transvariation".into(),
            Part::DagumGroup(g) => format!("gini.group{g}"),
            Part::ChangeTotal => format!("ge_{a}.change"),
            Part::ChangeWithin => format!("ge_{a}.change_within"),
            Part::ChangePopulationShares => format!("ge_{a}.change_population_shares"),
            Part::ChangeRelativeMeans => format!("ge_{a}.change_relative_means"),
            Part::ChangeResidual => format!("ge_{a}.change_residual"),
            Part::ChangeGroup(g) => format!("ge_{a}.change_group{g}"),
        };
        format!("{part}{side}")
    }

    fn value(&self, sample: &SortedSample, _: &Options) -> Result<f64> {
        let ids = self.ids(sample)?;
        match self.part {
            Part::Gini
            | Part::DagumWithin
            | Part::DagumNetBetween
            | Part::DagumTransvariation
            | Part::DagumGroup(_) => {
                let key = ("dagum", 0, ids.as_ptr() as usize);
                let d = memo_result(sample, key, || dagum(sample, ids))?;
                Ok(match self.part {
                    Part::Gini => d.gini,
                    Part::DagumWithin => d.within,
                    Part::DagumNetBetween => d.net_between,
                    Part::DagumTransvariation => d.transvariation,
                    Part::DagumGroup(g) => d.groups.get(g).map_or(0.0, |t| t.within),
                    _ => unreachable!("a Dagum part"),
                })
            }
            Part::GeTotal | Part::GeWithin | Part::GeBetween | Part::GeGroup(_) => {
                let key = ("ge_split", self.alpha.to_bits(), ids.as_ptr() as usize);
                let s = memo_result(sample, key, || ge_split(sample, ids, self.alpha))?;
                Ok(match self.part {
                    Part::GeTotal => s.total,
                    Part::GeWithin => s.within,
                    Part::GeBetween => s.between,
                    Part::GeGroup(g) => s.groups.get(g).map_or(0.0, |t| t.within),
                    _ => unreachable!("a GE part"),
                })
            }
            _ => {
                let key = ("ge_split", self.alpha.to_bits(), ids.as_ptr() as usize);
                let this = memo_result(sample, key, || ge_split(sample, ids, self.alpha))?;
                let (other, later) = self.other.as_ref().ok_or_else(|| Error::Undefined {
                    location: Location::Argument("values"),
                    measure: self.name(),
                    reason: "a change term needs the other round".into(),
                    context: String::new(),
                })?;
                // Once per sample (replicate) for all its change terms: each group's term
                // reads the same change, and computing it per term would cost O(k²).
                let key = (
                    "ms_change",
                    self.alpha.to_bits(),
                    Arc::as_ptr(other) as usize | usize::from(*later),
                );
                let c = memo_result(sample, key, || {
                    if *later {
                        ms_change(other, &this)
                    } else {
                        ms_change(&this, other)
                    }
                })?;
                Ok(match self.part {
                    Part::ChangeTotal => c.total,
                    Part::ChangeWithin => c.within,
                    Part::ChangePopulationShares => c.population_shares,
                    Part::ChangeRelativeMeans => c.relative_means,
                    Part::ChangeResidual => c.residual,
                    Part::ChangeGroup(g) => c.groups.get(g).map_or(0.0, |t| t.0 + t.1 + t.2),
                    _ => unreachable!("a change part"),
                })
            }
        }
    }

    fn influence(&self, _: &SortedSample, _: &Options) -> Result<Vec<f64>> {
        Err(Error::Undefined {
            location: Location::Argument("values"),
            measure: format!("the linearized standard error of {}", self.name()),
            reason: "decomposition terms take their standard errors from replicates; use bootstrap or jackknife".into(),
            context: String::new(),
        })
    }
}
