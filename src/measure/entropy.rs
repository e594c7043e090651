//! Generalized entropy GE(α), with Theil's T = GE(1) and the mean log deviation MLD = GE(0):
//! point estimate and influence function.

use super::out_of_core::{Plan, Reference, Term};
use super::positive::{positive_part, PositivePart};
use super::registry::{parameter, Family};
use super::{Estimator, Measure, Options};
use crate::error::{Error, Result};
use crate::sample::SortedSample;

/// `theil_t` (also `theil`).
pub const THEIL_T: Family = Family {
    syntax: "theil_t",
    out_of_core: true,
    summary: "Theil T = GE(1) (ineq, PySAL, ineqdeco); needs positive values",
    parse: |name| {
        matches!(name, "theil_t" | "theil")
            .then(|| Ok(Measure::new(Entropy::named(1.0, "theil_t"))))
    },
};

/// `mld` (also `theil_l`).
pub const MLD: Family = Family {
    syntax: "mld",
    out_of_core: true,
    summary: "mean log deviation = GE(0), Theil L; needs positive values",
    parse: |name| {
        matches!(name, "mld" | "theil_l").then(|| Ok(Measure::new(Entropy::named(0.0, "mld"))))
    },
};

/// `ge_<alpha>`.
pub const GE: Family = Family {
    syntax: "ge_<alpha>",
    out_of_core: true,
    summary: "generalized entropy GE(α), any real α; needs positive values",
    parse: |name| {
        let a = name.strip_prefix("ge_")?;
        Some(
            parameter(
                name,
                a,
                "GE's α must be a finite real number, e.g. ge_2 or ge_-1",
                |_| true,
            )
            .map(|alpha| {
                Measure::new(Entropy {
                    alpha,
                    name: format!("ge_{alpha}"),
                })
            }),
        )
    },
};

/// GE(α) under a name (`theil_t`, `mld`, `ge_<α>`); see [`generalized_entropy`] and
/// [`entropy_influence`].
#[derive(Debug, Clone)]
pub struct Entropy {
    alpha: f64,
    name: String,
}

impl Entropy {
    fn named(alpha: f64, name: &str) -> Self {
        Entropy {
            alpha,
            name: name.into(),
        }
    }
}

impl Estimator for Entropy {
    fn name(&self) -> String {
        self.name.clone()
    }
    fn needs_positive_values(&self) -> bool {
        true
    }
    fn out_of_core(&self, _: &Options) -> Option<Plan> {
        let alpha = self.alpha;
        Some(Plan::Sum {
            term: term(alpha),
            reference: Reference::Mean,
            positive: true,
            finish: Box::new(move |m, _| from_mean_term(alpha, m)),
        })
    }
    fn value(&self, sample: &SortedSample, options: &Options) -> Result<f64> {
        let part = positive_part(sample, options.non_positive, &self.name)?;
        generalized_entropy(sample, &part, self.alpha)
    }
    fn influence(&self, sample: &SortedSample, options: &Options) -> Result<Vec<f64>> {
        let part = positive_part(sample, options.non_positive, &self.name)?;
        Ok(entropy_influence(sample, &part, self.alpha))
    }
}

/// Generalized entropy index of order `α` (any real number) over the positive part of the
/// sample, population (1/W) moments, `μ` the weighted mean of that part:
///
/// - `GE(α) = 1/(α(α−1)) · [ Σ (wᵢ/W) (xᵢ/μ)^α − 1 ]` for `α ∉ {0, 1}`;
/// - `GE(0) = MLD = −Σ (wᵢ/W) ln(xᵢ/μ)`;
/// - `GE(1) = Theil T = Σ (wᵢ/W) (xᵢ/μ) ln(xᵢ/μ)`.
///
/// Matches R ineq `entropy(parameter = α)`, PySAL `TheilD`/`Theil` (α = 1), Stata
/// `ineqdeco`. Zero and negative values are handled by the [`PositivePart`] policy.
///
/// R ineq's example vector: Theil T 0.362341242343895, MLD 0.4335946495204461:
/// ```
/// use ginikit::{SortedSample, measure::{entropy::generalized_entropy, positive::{positive_part, NonPositivePolicy}}};
/// let x = [541.0, 1463.0, 2445.0, 3438.0, 4437.0, 5401.0, 6392.0, 8304.0, 11904.0, 22261.0];
/// let s = SortedSample::new(&x, None).unwrap();
/// let part = positive_part(&s, NonPositivePolicy::Error, "theil_t").unwrap();
/// assert!((generalized_entropy(&s, &part, 1.0).unwrap() - 0.362341242343895).abs() < 1e-12);
/// assert!((generalized_entropy(&s, &part, 0.0).unwrap() - 0.4335946495204461).abs() < 1e-12);
/// ```
pub fn generalized_entropy(sample: &SortedSample, part: &PositivePart, alpha: f64) -> Result<f64> {
    if !alpha.is_finite() {
        return Err(Error::InvalidParameter {
            name: "GE order alpha",
            value: alpha.to_string(),
            expected: "a finite real number".into(),
        });
    }
    let (mu, w) = (part.mean(), part.total_weight);
    let term = term(alpha);
    let [s] = sample.sums_over(part.range(sample), |x, wi| [term.weighted(wi, x, mu)]);
    Ok(from_mean_term(alpha, s / w))
}

/// The term GE(α) averages: `ln(x/μ)` (MLD), `(x/μ)·ln(x/μ)` (Theil T), `(x/μ)^α`.
fn term(alpha: f64) -> Term {
    if alpha == 0.0 {
        Term::Ln
    } else if alpha == 1.0 {
        Term::XLnX
    } else {
        Term::Power(alpha)
    }
}

/// GE(α) from the weighted mean `m` of its [`term`]: `−m` (MLD), `m` (Theil T),
/// `(m − 1)/(α(α − 1))`.
fn from_mean_term(alpha: f64, m: f64) -> f64 {
    if alpha == 0.0 {
        -m
    } else if alpha == 1.0 {
        m
    } else {
        (m - 1.0) / (alpha * (alpha - 1.0))
    }
}

/// Influence values of GE(α) over the positive part, in sorted order (0 outside it):
///
/// - MLD: `zₖ = (xₖ/μ − 1 − ln xₖ + mean(ln x)) / N`;
/// - Theil T: `zₖ = ((xₖ/μ)(ln xₖ − m − 1) + 1) / N`, `m = Σwx ln x / T`;
/// - otherwise, with `R = Σ(w/N)(x/μ)^α`: `zₖ = ((xₖ/μ)^α + (α − 1)R − αR xₖ/μ) / (N α(α−1))`.
///
/// For 1, 2, 3 (μ = 2, N = 3), GE(2) = var/(2μ²) = 1/12 and
/// `z₁ = (1/4 + 14/12 − 2·(14/12)·(1/2)) / 6 = 0.0416…`:
/// ```
/// use ginikit::{SortedSample, measure::{entropy::entropy_influence, positive::{positive_part, NonPositivePolicy}}};
/// let s = SortedSample::new(&[1.0, 2.0, 3.0], None).unwrap();
/// let part = positive_part(&s, NonPositivePolicy::Error, "ge_2").unwrap();
/// let z = entropy_influence(&s, &part, 2.0);
/// assert!((z[0] - (0.25 + 14.0 / 12.0 - 14.0 / 12.0) / 6.0).abs() < 1e-15);
/// ```
pub fn entropy_influence(sample: &SortedSample, part: &PositivePart, alpha: f64) -> Vec<f64> {
    let (n, mu) = (part.total_weight, part.mean());
    let range = part.range(sample);
    let x = sample.values();
    let mut z = vec![0.0; x.len()];
    if alpha == 0.0 {
        // MLD = ln μ − mean(ln x): zₖ = (xₖ/μ − 1 − ln xₖ + mean(ln x)) / N.
        let [sl] = sample.sums_over(range.clone(), |x, w| [w * x.ln()]);
        let mean_log = sl / n;
        for k in range {
            z[k] = (x[k] / mu - 1.0 - x[k].ln() + mean_log) / n;
        }
    } else if alpha == 1.0 {
        // Theil = Σwx ln x / T − ln μ: zₖ = ((xₖ/μ)(ln xₖ − m − 1) + 1) / N, m = Σwx ln x / T.
        let [sxl] = sample.sums_over(range.clone(), |x, w| [w * x * x.ln()]);
        let m = sxl / part.total_value;
        for k in range {
            z[k] = ((x[k] / mu) * (x[k].ln() - m - 1.0) + 1.0) / n;
        }
    } else {
        // GE = (R − 1)/(α(α−1)), R = Σ(w/N)(x/μ)^α:
        // zₖ = ((xₖ/μ)^α + (α − 1)R − αR xₖ/μ) / (N α(α−1)).
        let [s] = sample.sums_over(range.clone(), |x, w| [w * (x / mu).powf(alpha)]);
        let r = s / n;
        for k in range {
            let q = x[k] / mu;
            z[k] =
                (q.powf(alpha) + (alpha - 1.0) * r - alpha * r * q) / (n * alpha * (alpha - 1.0));
        }
    }
    z
}
