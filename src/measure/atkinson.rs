//! The Atkinson index: point estimate and influence function.

use super::out_of_core::{Plan, Reference, Term};
use super::positive::{positive_part, PositivePart};
use super::registry::{parameter, Family};
use super::{Estimator, Measure, Options};
use crate::error::{Error, Result};
use crate::sample::SortedSample;

/// `atkinson_<epsilon>`.
pub const FAMILY: Family = Family {
    syntax: "atkinson_<epsilon>",
    out_of_core: true,
    summary: "Atkinson index with inequality aversion ε ≥ 0 (ineq, PySAL, ineqdeco); needs positive values",
    parse: |name| {
        let e = name.strip_prefix("atkinson_")?;
        Some(
            parameter(name, e, "Atkinson's ε must be a number ≥ 0, e.g. atkinson_0.5", |v| v >= 0.0)
                .map(|epsilon| Measure::new(Atkinson { epsilon })),
        )
    },
};

/// The Atkinson index `atkinson_<ε>`; see [`atkinson`] and [`atkinson_influence`].
#[derive(Debug, Clone, Copy)]
pub struct Atkinson {
    epsilon: f64,
}

impl Estimator for Atkinson {
    fn name(&self) -> String {
        format!("atkinson_{}", self.epsilon)
    }
    fn needs_positive_values(&self) -> bool {
        true
    }
    fn out_of_core(&self, _: &Options) -> Option<Plan> {
        Some(if self.epsilon == 1.0 {
            Plan::Sum {
                term: Term::Ln,
                reference: Reference::Mean,
                positive: true,
                finish: Box::new(|m, _| 1.0 - m.exp()),
            }
        } else {
            let e = 1.0 - self.epsilon;
            Plan::Sum {
                term: Term::Power(e),
                reference: PowerMean::reference_for(e),
                positive: true,
                finish: Box::new(move |m, r_over_mu| 1.0 - PowerMean::ede_over_mean_of(e, m, r_over_mu)),
            }
        })
    }
    fn value(&self, sample: &SortedSample, options: &Options) -> Result<f64> {
        let part = positive_part(sample, options.non_positive, &self.name())?;
        atkinson(sample, &part, self.epsilon)
    }
    fn influence(&self, sample: &SortedSample, options: &Options) -> Result<Vec<f64>> {
        let part = positive_part(sample, options.non_positive, &self.name())?;
        Ok(atkinson_influence(sample, &part, self.epsilon))
    }
}

/// Atkinson index with inequality aversion `ε ≥ 0` over the positive part of the sample:
/// `A(ε) = 1 − EDE/μ`, where the equally distributed equivalent is
/// `EDE = [Σ (wᵢ/W) xᵢ^(1−ε)]^(1/(1−ε))` for `ε ≠ 1` and the geometric mean
/// `exp(Σ (wᵢ/W) ln xᵢ)` for `ε = 1`. `A(0) = 0`.
///
/// Matches R ineq `Atkinson`, PySAL `atkinson`, IneqPy `atkinson`, Stata `ineqdeco`.
///
/// PySAL's test vector [10, 20, 30, 40, 50] gives 0.06315 (ε = 0.5) and 0.1316096 (ε = 1):
/// ```
/// use ginikit::{SortedSample, measure::{atkinson::atkinson, positive::{positive_part, NonPositivePolicy}}};
/// let s = SortedSample::new(&[10.0, 20.0, 30.0, 40.0, 50.0], None).unwrap();
/// let part = positive_part(&s, NonPositivePolicy::Error, "atkinson").unwrap();
/// assert!((atkinson(&s, &part, 0.5).unwrap() - 0.06315).abs() < 1e-5);
/// assert!((atkinson(&s, &part, 1.0).unwrap() - 0.1316096).abs() < 1e-7);
/// ```
///
/// Very large aversions stay finite: on (1, 2, 3), ε = 1000 gives by hand
/// `EDE = [(1 + 2^−999 + 3^−999)/3]^(−1/999) = 3^(1/999)` (the other terms are below 10^−300)
/// and `A = 1 − 3^(1/999)/2 ≈ 0.49945`:
/// ```
/// use ginikit::{SortedSample, measure::{atkinson::atkinson, positive::{positive_part, NonPositivePolicy}}};
/// let s = SortedSample::new(&[1.0, 2.0, 3.0], None).unwrap();
/// let part = positive_part(&s, NonPositivePolicy::Error, "atkinson").unwrap();
/// let a = atkinson(&s, &part, 1000.0).unwrap();
/// assert!((a - (1.0 - 3f64.powf(1.0 / 999.0) / 2.0)).abs() < 1e-14);
/// assert!((a - 0.49945).abs() < 1e-5);
/// ```
pub fn atkinson(sample: &SortedSample, part: &PositivePart, epsilon: f64) -> Result<f64> {
    if !(epsilon.is_finite() && epsilon >= 0.0) {
        return Err(Error::InvalidParameter {
            name: "Atkinson aversion epsilon",
            value: epsilon.to_string(),
            expected: "a finite number ≥ 0".into(),
        });
    }
    let mu = part.mean();
    let w = part.total_weight;
    let range = part.range(sample);
    Ok(if epsilon == 1.0 {
        // Work with xᵢ/μ so that large money values cannot overflow.
        let [s] = sample.sums_over(range, |x, wi| [Term::Ln.weighted(wi, x, mu)]);
        1.0 - (s / w).exp()
    } else {
        let power = PowerMean::of(sample, part, 1.0 - epsilon);
        1.0 - power.ede_over_mean(mu)
    })
}

/// The power mean `[Σ (wᵢ/W) xᵢ^e]^(1/e)` (e = 1 − ε ≠ 0) computed from `rᵢ = xᵢ/x_ref`,
/// where `x_ref` is the observation (of positive weight) that dominates the sum: the largest
/// for `e > 0`, the smallest for `e < 0`. Every `rᵢ^e` is then in [0, 1] and the reference's
/// own term is 1, so the sum neither overflows nor underflows to zero however large ε is
/// (Atkinson(1000) is finite: about 1 − x_min/μ).
struct PowerMean {
    e: f64,
    reference: f64,
    /// `m = Σ (wᵢ/W) rᵢ^e`, in [w_ref/W, 1].
    m: f64,
}

impl PowerMean {
    fn of(sample: &SortedSample, part: &PositivePart, e: f64) -> Self {
        let range = part.range(sample);
        let x = sample.values();
        // Sorted ascending: the first (last) observation of positive weight is the smallest
        // (largest) that counts.
        let mut positive = range.clone().filter(|&i| sample.weight(i) > 0.0);
        let reference = match Self::reference_for(e) {
            Reference::Smallest => positive.next().map_or(part.mean(), |i| x[i]),
            _ => positive.next_back().map_or(part.mean(), |i| x[i]),
        };
        let term = Term::Power(e);
        let [s] = sample.sums_over(range, |x, wi| [term.weighted(wi, x, reference)]);
        PowerMean {
            e,
            reference,
            m: s / part.total_weight,
        }
    }

    /// The observation that dominates `Σ wᵢ xᵢ^e`: the smallest for `e < 0`, else the largest.
    fn reference_for(e: f64) -> Reference {
        if e < 0.0 {
            Reference::Smallest
        } else {
            Reference::Largest
        }
    }

    /// `EDE/μ = (x_ref/μ)·m^(1/e)`.
    fn ede_over_mean(&self, mu: f64) -> f64 {
        Self::ede_over_mean_of(self.e, self.m, self.reference / mu)
    }

    /// `EDE/μ` from `m` and `x_ref/μ`.
    fn ede_over_mean_of(e: f64, m: f64, reference_over_mean: f64) -> f64 {
        reference_over_mean * m.powf(1.0 / e)
    }

    /// `(xₖ/μ)^e / mean((x/μ)^e) = (xₖ/x_ref)^e / m`.
    fn relative_term(&self, xk: f64) -> f64 {
        (xk / self.reference).powf(self.e) / self.m
    }
}

/// Influence values of the Atkinson index over the positive part (0 outside it). With
/// `A = 1 − EDE/μ`: `zₖ = −(EDE/μ)·(∂ln EDE/∂wₖ − (xₖ − μ)/(μN))`, where
/// `∂ln EDE/∂wₖ = ((xₖ/μ)^(1−ε)/m − 1)/((1−ε)N)`, `m = Σ(w/N)(x/μ)^(1−ε)`, and for ε = 1
/// `∂ln EDE/∂wₖ = (ln(xₖ/μ) − mean ln(x/μ))/N`.
///
/// Equal values have A = 0 and influence 0:
/// ```
/// use ginikit::{SortedSample, measure::{atkinson::atkinson_influence, positive::{positive_part, NonPositivePolicy}}};
/// let s = SortedSample::new(&[5.0, 5.0, 5.0], None).unwrap();
/// let part = positive_part(&s, NonPositivePolicy::Error, "atkinson_1").unwrap();
/// assert!(atkinson_influence(&s, &part, 1.0).iter().all(|z| z.abs() < 1e-15));
/// ```
pub fn atkinson_influence(sample: &SortedSample, part: &PositivePart, epsilon: f64) -> Vec<f64> {
    let (n, mu) = (part.total_weight, part.mean());
    let (ratio, d_ede) = log_ede_derivative(sample, part, epsilon);
    let x = sample.values();
    let mut z = vec![0.0; x.len()];
    for k in part.range(sample) {
        z[k] = -ratio * (d_ede[k] - (x[k] - mu) / (mu * n));
    }
    z
}

/// `EDE/μ` and `∂ln EDE/∂wₖ` for every sorted position (0 outside the positive part):
/// `((xₖ/μ)^(1−ε)/m − 1)/((1−ε)N)` with `m = Σ(w/N)(x/μ)^(1−ε)`, and for ε = 1
/// `(ln(xₖ/μ) − mean ln(x/μ))/N`.
fn log_ede_derivative(sample: &SortedSample, part: &PositivePart, epsilon: f64) -> (f64, Vec<f64>) {
    let (n, mu) = (part.total_weight, part.mean());
    let range = part.range(sample);
    let x = sample.values();
    let mut d = vec![0.0; x.len()];
    if epsilon == 1.0 {
        let [sl] = sample.sums_over(range.clone(), |x, w| [w * (x / mu).ln()]);
        let mean_log_ratio = sl / n;
        for k in range {
            d[k] = ((x[k] / mu).ln() - mean_log_ratio) / n;
        }
        (mean_log_ratio.exp(), d)
    } else {
        let e = 1.0 - epsilon;
        let power = PowerMean::of(sample, part, e);
        for k in range {
            d[k] = (power.relative_term(x[k]) - 1.0) / (e * n);
        }
        (power.ede_over_mean(mu), d)
    }
}

/// `ede_<epsilon>`.
pub const EDE: Family = Family {
    syntax: "ede_<epsilon>",
    out_of_core: false,
    summary: "equally distributed equivalent income μ(1 − A(ε)), the power mean of order 1 − ε (PySAL atkinson's EDE); needs positive values",
    parse: |name| {
        let e = name.strip_prefix("ede_")?;
        Some(
            parameter(name, e, "the inequality aversion ε must be a number ≥ 0, e.g. ede_0.5", |v| v >= 0.0)
                .map(|epsilon| Measure::new(Ede { epsilon })),
        )
    },
};

/// The equally distributed equivalent income `ede_<ε>`; see [`ede`] and [`ede_influence`].
#[derive(Debug, Clone, Copy)]
pub struct Ede {
    epsilon: f64,
}

impl Estimator for Ede {
    fn name(&self) -> String {
        format!("ede_{}", self.epsilon)
    }
    fn unit(&self) -> super::Unit {
        super::Unit::Money
    }
    fn needs_positive_values(&self) -> bool {
        true
    }
    fn value(&self, sample: &SortedSample, options: &Options) -> Result<f64> {
        let part = positive_part(sample, options.non_positive, &self.name())?;
        ede(sample, &part, self.epsilon)
    }
    fn influence(&self, sample: &SortedSample, options: &Options) -> Result<Vec<f64>> {
        let part = positive_part(sample, options.non_positive, &self.name())?;
        Ok(ede_influence(sample, &part, self.epsilon))
    }
}

/// The equally distributed equivalent income over the positive part of the sample:
/// `EDE(ε) = μ (1 − A(ε)) = [Σ (wᵢ/W) xᵢ^(1−ε)]^(1/(1−ε))`, the geometric mean for ε = 1 —
/// the income which, given to everybody, yields the same social welfare (Atkinson 1970).
/// PySAL `atkinson` reports it beside the index.
///
/// On (10, 20, 30, 40, 50), ε = 1 gives the geometric mean `(10·20·30·40·50)^(1/5) =
/// 12,000,000^(1/5) ≈ 26.0517` (PySAL's test: 26.0517108), and ε = 0 the mean:
/// ```
/// use ginikit::{SortedSample, measure::{atkinson::ede, positive::{positive_part, NonPositivePolicy}}};
/// let s = SortedSample::new(&[10.0, 20.0, 30.0, 40.0, 50.0], None).unwrap();
/// let part = positive_part(&s, NonPositivePolicy::Error, "ede").unwrap();
/// assert!((ede(&s, &part, 1.0).unwrap() - 12_000_000f64.powf(0.2)).abs() < 1e-12);
/// assert!((ede(&s, &part, 0.0).unwrap() - 30.0).abs() < 1e-12);
/// ```
pub fn ede(sample: &SortedSample, part: &PositivePart, epsilon: f64) -> Result<f64> {
    Ok(part.mean() * (1.0 - atkinson(sample, part, epsilon)?))
}

/// Influence values of the EDE: `zₖ = EDE · ∂ln EDE/∂wₖ` (see [`atkinson_influence`] for the
/// derivative), 0 outside the positive part.
///
/// The EDE of equal values is that value, whatever the weights: the influence is 0.
/// ```
/// use ginikit::{SortedSample, measure::{atkinson::ede_influence, positive::{positive_part, NonPositivePolicy}}};
/// let s = SortedSample::new(&[7.0, 7.0, 7.0], Some(&[1.0, 2.0, 3.0])).unwrap();
/// let part = positive_part(&s, NonPositivePolicy::Error, "ede").unwrap();
/// assert!(ede_influence(&s, &part, 2.0).iter().all(|z| z.abs() < 1e-15));
/// ```
pub fn ede_influence(sample: &SortedSample, part: &PositivePart, epsilon: f64) -> Vec<f64> {
    let (ratio, d) = log_ede_derivative(sample, part, epsilon);
    let ede = part.mean() * ratio;
    d.into_iter().map(|dk| ede * dk).collect()
}
