//! How much of an income's inequality its parts account for: transfers (marginal
//! contributions, progressivity, redistribution) and sources (Lerman–Yitzhaki).
//!
//! The sample is sorted by the income `y` and carries its components in the same order
//! ([`SortedSample::with_components`]); every term is an [`Estimator`], so the survey layer
//! gives each a linearized standard error (from its influence function, by the chain rule)
//! and replicate standard errors (each replicate re-weights the one sorted sample; incomes
//! ranked differently are ranked once and shared).
//!
//! Conventions. Every Gini here is the midpoint Gini (BPS, laeken, DASP, CEQ). With transfers
//! `t_k` that `y` includes, the income before them is `m = y − Σ t_k`:
//! - marginal contribution to a measure `M` (CEQ `ceqmarg`): against the income that
//!   includes the transfer, `M(y − t_k) − M(y)`; against the income before transfers,
//!   `M(m) − M(m + t_k)`. Positive: the transfer lowers `M` (equalizing, poverty-reducing).
//! - Kakwani index of a benefit (DASP `iprog`): `G(m) − C(t_k | m)`; positive: progressive.
//! - Reynolds–Smolensky (DASP, vertical equity): `G(m) − C(y | m)`; reranking
//!   `G(y) − C(y | m)`; the redistributive effect (CEQ) `G(m) − G(y)` = RS − reranking.
//! - Lerman–Yitzhaki by component: share `S_k = Σwc_k / Σwy`, Gini `G_k = C(c_k | c_k)`,
//!   concentration `C_k = C(c_k | y)`, Gini correlation `R_k = C_k / G_k`, contribution
//!   `S_k C_k / G(y)` (the components' contributions add up to 1) and the effect on `G(y)`
//!   of a 1 % rise in the component, relative to `G(y)`: `S_k C_k / G(y) − S_k`.

mod concentration;

pub use concentration::{concentration, concentration_influence};

use crate::error::{Error, Location, Result};
use crate::kernel::sum::{block_sums, lane_sums};
use crate::measure::{combine_at, Estimator, InfluenceParts, Measure, Options, SharedWork, Unit};
use crate::sample::{Income, SortedSample};
use rayon::prelude::*;
use std::sync::Arc;

/// A quantity of the sample's incomes, with its value and influence function.
#[derive(Debug, Clone)]
pub enum Term {
    /// `C(a | r)`; the Gini of `a` when `a = r`.
    Concentration(Income, Income),
    /// `Σ w a / Σ w y`.
    Share(Income),
    /// A measure of the sample's people on another income.
    Measure(Income, Measure),
    /// `factor · Σ w a`: a weighted total of an income (a budget).
    Total(Income, f64),
    /// `Σ cᵢ θᵢ`: a linear combination of terms (a Shapley value).
    Linear(Vec<(f64, Term)>),
    Difference(Box<Term>, Box<Term>),
    Ratio(Box<Term>, Box<Term>),
    Product(Box<Term>, Box<Term>),
}

impl Term {
    fn gini(i: Income) -> Term {
        Term::Concentration(i, i)
    }
    fn minus(self, other: Term) -> Term {
        Term::Difference(Box::new(self), Box::new(other))
    }
    fn over(self, other: Term) -> Term {
        Term::Ratio(Box::new(self), Box::new(other))
    }
    fn times(self, other: Term) -> Term {
        Term::Product(Box::new(self), Box::new(other))
    }

    /// The term's value.
    pub fn value(&self, sample: &SortedSample, options: &Options) -> Result<f64> {
        Ok(match self {
            Term::Concentration(a, r) => concentration(sample, *a, *r)?,
            Term::Share(a) => share_parts(sample, *a)?.0,
            Term::Total(a, factor) => factor * weighted_total(sample, *a)?.0,
            Term::Measure(Income::Total, m) => m.estimator().value(sample, options)?,
            Term::Measure(i, m) => m
                .estimator()
                .value(sample.ranked_by(*i)?.as_ref(), options)?,
            Term::Difference(a, b) => a.value(sample, options)? - b.value(sample, options)?,
            Term::Linear(parts) => {
                let mut sum = crate::kernel::sum::Compensated::ZERO;
                for (c, t) in parts {
                    sum.add(c * t.value(sample, options)?);
                }
                sum.value()
            }
            Term::Ratio(a, b) => {
                let d = b.value(sample, options)?;
                if d == 0.0 {
                    return Err(zero_denominator(b));
                }
                a.value(sample, options)? / d
            }
            Term::Product(a, b) => a.value(sample, options)? * b.value(sample, options)?,
        })
    }

    /// `zₖ = ∂θ/∂wₖ` at each sample position, by the chain rule for the compound terms.
    pub fn influence(&self, sample: &SortedSample, options: &Options) -> Result<Vec<f64>> {
        let parts = self.influence_parts(sample, options)?;
        Ok((0..sample.len())
            .into_par_iter()
            .with_min_len(1 << 14)
            .map(|k| combine_at(&parts, k))
            .collect())
    }

    /// The influence values as `Σⱼ cⱼ vⱼ` over vectors the sample keeps (see
    /// [`crate::measure::Estimator::influence_parts`]): every compound term's influence is a
    /// linear combination of its parts' (`d(a − b) = da − db`, `d(a/b) = (da − (a/b)·db)/b`,
    /// `d(ab) = b·da + a·db`), so a term needs no vector of its own.
    pub fn influence_parts(
        &self,
        sample: &SortedSample,
        options: &Options,
    ) -> Result<InfluenceParts> {
        let mut parts = Vec::new();
        self.add_parts(sample, options, 1.0, &mut parts)?;
        Ok(parts)
    }

    /// Appends `scale · dθ` to `out` as parts.
    fn add_parts(
        &self,
        sample: &SortedSample,
        options: &Options,
        scale: f64,
        out: &mut InfluenceParts,
    ) -> Result<()> {
        match self {
            Term::Concentration(a, r) => {
                out.push((scale, concentration::shared_influence(sample, *a, *r)?));
            }
            Term::Share(a) => {
                // d(Σwa/Σwy)/dwₖ = (aₖ − S yₖ)/Σwy: two parts, the column and the value,
                // which the sample keeps (no vector of the share's own).
                let (s, column) = share_parts(sample, *a)?;
                let total = sample.total_value();
                out.push((scale / total, column));
                out.push((-scale * s / total, Arc::clone(sample.shared_values())));
            }
            Term::Total(a, factor) => {
                let (_, column) = weighted_total(sample, *a)?;
                out.push((scale * factor, column));
            }
            Term::Measure(Income::Total, m) => {
                out.push((scale, Arc::new(m.estimator().influence(sample, options)?)));
            }
            Term::Measure(i, m) => {
                // Computed on the sample ranked by `i`, put back at the sample's positions.
                let ranked = sample.ranked_by(*i)?;
                let z_ranked = m.estimator().influence(&ranked, options)?;
                let order = &sample
                    .components()
                    .expect("ranked_by checked the components")
                    .ranked(sample.values(), *i)
                    .order;
                let mut z = vec![0.0; sample.len()];
                for (&p, zk) in order.iter().zip(z_ranked) {
                    z[p as usize] = zk;
                }
                out.push((scale, Arc::new(z)));
            }
            Term::Difference(a, b) => {
                a.add_parts(sample, options, scale, out)?;
                b.add_parts(sample, options, -scale, out)?;
            }
            Term::Linear(parts) => {
                for (c, t) in parts {
                    t.add_parts(sample, options, scale * c, out)?;
                }
            }
            Term::Ratio(a, b) => {
                let (va, vb) = (a.value(sample, options)?, b.value(sample, options)?);
                if vb == 0.0 {
                    return Err(zero_denominator(b));
                }
                a.add_parts(sample, options, scale / vb, out)?;
                b.add_parts(sample, options, -scale * va / (vb * vb), out)?;
            }
            Term::Product(a, b) => {
                let (va, vb) = (a.value(sample, options)?, b.value(sample, options)?);
                a.add_parts(sample, options, scale * vb, out)?;
                b.add_parts(sample, options, scale * va, out)?;
            }
        }
        Ok(())
    }

    /// The rankings (stage 0) and the concentration coefficients, with their influence
    /// values when `influence` (stage 1), that the term needs, for the survey layer to make
    /// once each and side by side (see [`crate::measure::SharedWork`]).
    fn shared_work(&self, influence: bool, out: &mut Vec<SharedWork>) {
        let ranking = |i: Income| SharedWork {
            stage: 0,
            key: ("ranking", i.code(), 0),
            run: Arc::new(move |s: &SortedSample| {
                if let Some(c) = s.components() {
                    c.ranked(s.values(), i);
                }
            }),
        };
        match self {
            Term::Concentration(a, r) => {
                if *r != Income::Total {
                    out.push(ranking(*r));
                }
                let (a, r) = (*a, *r);
                out.push(SharedWork {
                    stage: 1,
                    key: (
                        "concentration",
                        a.code(),
                        r.code() | (influence as u64) << 63,
                    ),
                    run: Arc::new(move |s: &SortedSample| {
                        // Errors are reported by the terms that need the coefficient.
                        let _ = if influence {
                            concentration::shared_influence(s, a, r).map(drop)
                        } else {
                            concentration(s, a, r).map(drop)
                        };
                    }),
                });
            }
            Term::Measure(i, _) if *i != Income::Total => out.push(ranking(*i)),
            Term::Share(_) | Term::Total(..) | Term::Measure(..) => {}
            Term::Linear(parts) => parts
                .iter()
                .for_each(|(_, t)| t.shared_work(influence, out)),
            Term::Difference(a, b) | Term::Ratio(a, b) | Term::Product(a, b) => {
                a.shared_work(influence, out);
                b.shared_work(influence, out);
            }
        }
    }

    fn unit(&self) -> Unit {
        match self {
            Term::Measure(_, m) => m.unit(),
            Term::Total(..) => Unit::Money,
            Term::Linear(parts) => parts.first().map_or(Unit::Index, |(_, t)| t.unit()),
            Term::Difference(a, _) => a.unit(),
            _ => Unit::Index,
        }
    }
}

fn zero_denominator(term: &Term) -> Error {
    Error::Undefined {
        location: Location::Argument("values"),
        measure: "an attribution term".into(),
        reason: format!("it divides by {term:?}, which is zero in this sample"),
        context: String::new(),
    }
}

/// `S = Σ w a / Σ w y` (computed once per sample) and the column `a` at each sample position.
fn share_parts(sample: &SortedSample, a: Income) -> Result<(f64, std::sync::Arc<Vec<f64>>)> {
    let (part, column) = weighted_total(sample, a)?;
    let total = sample.total_value();
    if total == 0.0 {
        return Err(Error::Undefined {
            location: Location::Argument("values"),
            measure: "an income share".into(),
            reason: "the income's weighted total is zero".into(),
            context: String::new(),
        });
    }
    Ok((part / total, column))
}

/// `Σ w a` (computed once per sample) and the column `a` at each sample position.
fn weighted_total(sample: &SortedSample, a: Income) -> Result<(f64, std::sync::Arc<Vec<f64>>)> {
    let column = match sample.components() {
        Some(c) => c.income(sample.values(), a),
        None if a == Income::Total => std::sync::Arc::new(sample.values().to_vec()),
        None => {
            return Err(Error::Undefined {
                location: Location::Argument("values"),
                measure: "an income share".into(),
                reason: "the sample carries no income components".into(),
                context: String::new(),
            })
        }
    };
    let part = sample.memo(("share", a.code(), 0), || {
        let [part] = block_sums(column.len(), |r| {
            lane_sums(r, |k| [sample.weight(k) * column[k]])
        });
        Ok(part)
    })?;
    Ok((*part, column))
}

/// A named [`Term`] as a measure: what `gini attribute` estimates.
#[derive(Debug, Clone)]
pub struct Attribution {
    pub name: String,
    pub term: Term,
}

impl Estimator for Attribution {
    fn name(&self) -> String {
        self.name.clone()
    }
    fn unit(&self) -> Unit {
        self.term.unit()
    }
    fn value(&self, sample: &SortedSample, options: &Options) -> Result<f64> {
        self.term.value(sample, options)
    }
    fn influence(&self, sample: &SortedSample, options: &Options) -> Result<Vec<f64>> {
        self.term.influence(sample, options)
    }
    fn influence_parts(
        &self,
        sample: &SortedSample,
        options: &Options,
    ) -> Option<Result<InfluenceParts>> {
        Some(self.term.influence_parts(sample, options))
    }
    fn shared_work(&self, influence: bool) -> Vec<SharedWork> {
        let mut out = Vec::new();
        self.term.shared_work(influence, &mut out);
        out
    }
}

fn named(name: String, term: Term) -> Measure {
    Measure::new(Attribution { name, term })
}

/// The Lerman–Yitzhaki terms of one component (`label` names it in the terms' names).
fn source_terms(label: &str, c: Income, out: &mut Vec<Measure>) {
    let y = Term::gini(Income::Total);
    let conc = || Term::Concentration(c, Income::Total);
    let contribution = || Term::Share(c).times(conc()).over(y.clone());
    out.push(named(format!("share({label})"), Term::Share(c)));
    out.push(named(format!("gini({label})"), Term::gini(c)));
    out.push(named(format!("conc({label})"), conc()));
    out.push(named(
        format!("gini_corr({label})"),
        conc().over(Term::gini(c)),
    ));
    out.push(named(format!("contribution({label})"), contribution()));
    out.push(named(
        format!("elasticity({label})"),
        contribution().minus(Term::Share(c)),
    ));
}

/// The terms for transfers `names` that the value includes: the Gini of the income with and
/// before them, redistributive effect, Reynolds–Smolensky and reranking; for each transfer
/// its Lerman–Yitzhaki terms, Kakwani index and marginal contributions to the Gini and to
/// each of `measures`; the Lerman–Yitzhaki terms of the rest of the income (`rest`).
///
/// ```
/// use ginikit::{SortedSample, attribute::transfer_terms, measure::Options};
/// // Incomes before the transfer 1, 2, 3, 4; the poorest gets 2.
/// let s = SortedSample::with_components(vec![3.0, 2.0, 3.0, 4.0], None,
///     vec![("t".into(), vec![2.0, 0.0, 0.0, 0.0])]).unwrap();
/// let terms = transfer_terms(&["t".to_string()], &[]);
/// let value = |name: &str| terms.iter().find(|m| m.name() == name).unwrap()
///     .estimator().value(&s, &Options::default()).unwrap();
/// // G(m) = 0.25 (1, 2, 3, 4); G(y) = 0.125 (2, 3, 3, 4: Σ|yᵢ − yⱼ| = 12, over 2·4²·3).
/// assert!((value("gini_before") - 0.25).abs() < 1e-15);
/// assert!((value("gini") - 0.125).abs() < 1e-15);
/// assert!((value("redistributive_effect") - 0.125).abs() < 1e-15);
/// ```
pub fn transfer_terms(names: &[String], measures: &[Measure]) -> Vec<Measure> {
    let (y, m) = (Income::Total, Income::Before);
    let mut out = vec![
        named("gini".into(), Term::gini(y)),
        named("gini_before".into(), Term::gini(m)),
        named(
            "redistributive_effect".into(),
            Term::gini(m).minus(Term::gini(y)),
        ),
        named(
            "reynolds_smolensky".into(),
            Term::gini(m).minus(Term::Concentration(y, m)),
        ),
        named(
            "reranking".into(),
            Term::gini(y).minus(Term::Concentration(y, m)),
        ),
    ];
    for (k, name) in names.iter().enumerate() {
        let t = Income::Component(k);
        source_terms(name, t, &mut out);
        out.push(named(
            format!("kakwani({name})"),
            Term::gini(m).minus(Term::Concentration(t, m)),
        ));
        out.push(named(
            format!("mc_gini({name})"),
            Term::gini(Income::Without(k)).minus(Term::gini(y)),
        ));
        out.push(named(
            format!("mc_before_gini({name})"),
            Term::gini(m).minus(Term::gini(Income::BeforePlus(k))),
        ));
        for measure in measures {
            let of = |i: Income| Term::Measure(i, measure.clone());
            let label = measure.name();
            out.push(named(
                format!("mc_{label}({name})"),
                of(Income::Without(k)).minus(of(y)),
            ));
            out.push(named(
                format!("mc_before_{label}({name})"),
                of(m).minus(of(Income::BeforePlus(k))),
            ));
        }
    }
    source_terms("rest", m, &mut out);
    out
}

/// The terms of a scenario whose one component `Δ` is the change to the value: for each of
/// `measures` (the Gini first, then the others) its value in the scenario, at baseline and the
/// change (scenario − baseline), and the yearly budget `12 Σ w Δ`. With `raising` the value
/// is the scenario income (`y + Δ`) and the baseline is the income before the component; when
/// the scheme lowers incomes, the value is the baseline and the component is `−Δ`.
///
/// ```
/// use ginikit::{SortedSample, attribute::scenario_terms, measure::Options};
/// // Baseline 1, 2, 3, 4; the scenario gives 2 to the poorest: 3, 2, 3, 4.
/// let s = SortedSample::with_components(vec![3.0, 2.0, 3.0, 4.0], Some(vec![1.0; 4]),
///     vec![("scenario".into(), vec![2.0, 0.0, 0.0, 0.0])]).unwrap();
/// let terms = scenario_terms(&[], true);
/// let value = |name: &str| terms.iter().find(|m| m.name() == name).unwrap()
///     .estimator().value(&s, &Options::default()).unwrap();
/// assert!((value("gini_baseline") - 0.25).abs() < 1e-15);
/// assert!((value("gini") - 0.125).abs() < 1e-15);
/// assert!((value("gini_change") + 0.125).abs() < 1e-15);
/// assert_eq!(value("budget"), 24.0); // 12 months × 2
/// ```
pub fn scenario_terms(measures: &[Measure], raising: bool) -> Vec<Measure> {
    let (scenario, baseline) = if raising {
        (Income::Total, Income::Before)
    } else {
        (Income::Before, Income::Total)
    };
    let mut out = Vec::new();
    let mut push = |label: String, of: &dyn Fn(Income) -> Term| {
        out.push(named(label.clone(), of(scenario)));
        out.push(named(format!("{label}_baseline"), of(baseline)));
        out.push(named(
            format!("{label}_change"),
            of(scenario).minus(of(baseline)),
        ));
    };
    push("gini".into(), &|i| Term::gini(i));
    for m in measures.iter().filter(|m| m.name() != "gini") {
        push(m.name(), &|i| Term::Measure(i, m.clone()));
    }
    let sign = if raising { 12.0 } else { -12.0 };
    out.push(named(
        "budget".into(),
        Term::Total(Income::Component(0), sign),
    ));
    out
}

/// What an income's components are, and so which terms attribute its inequality to them
/// (and how a table's component columns are checked).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ComponentKind {
    /// Transfers received that the value includes: each zero or more, together at most the
    /// value (the income before them, value − Σ transfers, is not negative).
    #[default]
    Transfers,
    /// Sources the value is made of: on every row they add up to the value.
    Sources,
}

/// The terms of [`transfer_terms`] or [`source_terms_of`]; `measures` (marginal
/// contributions besides the Gini's) apply to transfers only.
///
/// # Errors
/// Measures given with sources.
pub fn terms(kind: ComponentKind, names: &[String], measures: &[Measure]) -> Result<Vec<Measure>> {
    match kind {
        ComponentKind::Transfers => Ok(transfer_terms(names, measures)),
        ComponentKind::Sources if measures.is_empty() => Ok(source_terms_of(names)),
        ComponentKind::Sources => Err(Error::InvalidParameter {
            name: "measures",
            value: measures
                .iter()
                .map(Measure::name)
                .collect::<Vec<_>>()
                .join(","),
            expected: "no measures with income sources: marginal contributions are of transfers"
                .into(),
        }),
    }
}

/// The Lerman–Yitzhaki terms of sources `names` that add up to the value.
///
/// ```
/// use ginikit::{SortedSample, attribute::source_terms_of, measure::Options};
/// let s = SortedSample::with_components(vec![3.0, 2.0, 5.0, 4.0], None,
///     vec![("a".into(), vec![1.0, 2.0, 3.0, 4.0]), ("b".into(), vec![2.0, 0.0, 2.0, 0.0])]).unwrap();
/// let terms = source_terms_of(&["a".to_string(), "b".to_string()]);
/// let value = |name: &str| terms.iter().find(|m| m.name() == name).unwrap()
///     .estimator().value(&s, &Options::default()).unwrap();
/// // The contributions add up to one.
/// assert!((value("contribution(a)") + value("contribution(b)") - 1.0).abs() < 1e-14);
/// ```
pub fn source_terms_of(names: &[String]) -> Vec<Measure> {
    let mut out = vec![named("gini".into(), Term::gini(Income::Total))];
    for (k, name) in names.iter().enumerate() {
        source_terms(name, Income::Component(k), &mut out);
    }
    if names.len() <= SHAPLEY_MAX_SOURCES {
        for (k, name) in names.iter().enumerate() {
            for mean in [false, true] {
                let label = if mean { "shapley_mean" } else { "shapley_zero" };
                out.push(named(
                    format!("{label}({name})"),
                    shapley(names.len(), k, mean).over(Term::gini(Income::Total)),
                ));
            }
        }
    }
    out
}

/// Sources beyond which the Shapley terms (2^K incomes, each ranked) are left out.
pub const SHAPLEY_MAX_SOURCES: usize = 10;

/// Source `k`'s Shapley contribution to the Gini of `K` sources that add up to the value
/// (Shorrocks 2013): `Σ_{S ∌ k} |S|!(K − |S| − 1)!/K! · [G(S ∪ {k}) − G(S)]`, where `G(S)`
/// is the Gini of the income in which the sources outside `S` are replaced by zero
/// (`G(∅) = 0`), or by their means (`mean`): then `G(S) = Σ w y_S (2F_S − 1) / (W·A)` — the
/// Gini of `y_S` times its share `A_S / A`, since adding constants leaves the ranks and
/// the numerator unchanged. The full coalition is the value itself, so the contributions add
/// up to `G(y)` exactly.
fn shapley(k_count: usize, k: usize, mean: bool) -> Term {
    let full: u64 = (1u64 << k_count) - 1;
    let g = |mask: u64| -> Option<Term> {
        if mask == 0 {
            return None;
        }
        let income = if mask == full {
            Income::Total
        } else {
            Income::Subset(mask)
        };
        Some(if mean && mask != full {
            Term::gini(income).times(Term::Share(income))
        } else {
            Term::gini(income)
        })
    };
    let factorial = |n: usize| (1..=n).map(|i| i as f64).product::<f64>();
    let mut parts = Vec::new();
    for mask in 0..=full {
        if mask >> k & 1 == 1 {
            continue;
        }
        let size = mask.count_ones() as usize;
        let weight = factorial(size) * factorial(k_count - size - 1) / factorial(k_count);
        if let Some(with) = g(mask | 1 << k) {
            parts.push((weight, with));
        }
        if let Some(without) = g(mask) {
            parts.push((-weight, without));
        }
    }
    Term::Linear(parts)
}
