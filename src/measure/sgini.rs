//! The single-parameter (extended, S-) Gini of Donaldson & Weymark (1980) and Yitzhaki
//! (1983): the Gini with a distributional weight ν on the poorer ranks. Point estimate and
//! influence function.

use super::lorenz::require_positive_total;
use super::registry::{parameter, Family};
use super::{Estimator, Measure, Options};
use crate::error::Result;
use crate::sample::SortedSample;

/// `sgini_<nu>`.
pub const FAMILY: Family = Family {
    syntax: "sgini_<nu>",
    out_of_core: false,
    summary: "single-parameter (extended) Gini with ν ≥ 1, exact cell-integrated rank weights; sgini_2 is the Gini (midpoint), larger ν weighs the poorer more (DASP sgini, IC2 calcSGini)",
    parse: |name| {
        let v = name.strip_prefix("sgini_")?;
        Some(
            parameter(name, v, "the S-Gini's ν must be a number ≥ 1 (2 is the Gini), e.g. sgini_3", |v| v >= 1.0)
                .map(|nu| Measure::new(SGini { nu })),
        )
    },
};

/// The S-Gini `sgini_<ν>`; see [`sgini`] and [`sgini_influence`].
#[derive(Debug, Clone, Copy)]
pub struct SGini {
    nu: f64,
}

impl Estimator for SGini {
    fn name(&self) -> String {
        format!("sgini_{}", self.nu)
    }
    fn value(&self, sample: &SortedSample, _: &Options) -> Result<f64> {
        sgini(sample, self.nu)
    }
    fn influence(&self, sample: &SortedSample, _: &Options) -> Result<Vec<f64>> {
        sgini_influence(sample, self.nu)
    }
}

/// `uᵢ = Aᵢ/W` for every sorted position i (0-based), `Aᵢ` the weight strictly after it: the
/// population share richer than observation i. Summed from the top, where the shares are
/// small, with Neumaier compensation; serial, so the same on any thread count.
fn upper_shares(sample: &SortedSample) -> Vec<f64> {
    let n = sample.len();
    let w_total = sample.total_weight();
    let mut u = vec![0.0; n];
    let (mut sum, mut carry) = (0.0f64, 0.0f64);
    for i in (0..n).rev() {
        u[i] = (sum + carry) / w_total;
        let w = sample.weight(i);
        let t = sum + w;
        carry += if sum.abs() >= w.abs() {
            (sum - t) + w
        } else {
            (w - t) + sum
        };
        sum = t;
    }
    u
}

/// The S-Gini `G(ν) = 1 − (1/μ) Σᵢ xᵢ [(1 − Fᵢ₋₁)^ν − (1 − Fᵢ)^ν]`, values ascending, `Fᵢ`
/// the cumulative weight share up to and including observation i: each observation's rank
/// weight is the exact integral of `ν(1 − F)^(ν−1)` over its cell, so integer weights equal
/// duplicated rows and tied observations may come in any order. ν = 2 gives the Gini
/// (midpoint convention), ν = 1 gives 0. Reference: IC2 `calcSGini`, DASP `sgini`.
///
/// By hand for 1, 2, 3 (cells of 1/3): ν = 3 gives rank weights 1 − (2/3)³ = 19/27,
/// (2/3)³ − (1/3)³ = 7/27 and 1/27, so `G = 1 − (19 + 14 + 3)/(27·2) = 1/3`:
/// ```
/// use ginikit::{SortedSample, measure::sgini::sgini};
/// let s = SortedSample::new(&[3.0, 1.0, 2.0], None).unwrap();
/// assert!((sgini(&s, 3.0).unwrap() - 1.0 / 3.0).abs() < 1e-15);
/// ```
///
/// # Errors
/// [`crate::Error::NonPositiveMean`] when `Σ wᵢ xᵢ ≤ 0`.
pub fn sgini(sample: &SortedSample, nu: f64) -> Result<f64> {
    require_positive_total(sample, "the S-Gini")?;
    if nu == 1.0 {
        // Every rank weighs its population share: S = μ exactly, not up to rounding.
        return Ok(0.0);
    }
    let u = upper_shares(sample);
    let x = sample.values();
    // Σ xᵢ (u_{i−1}^ν − uᵢ^ν) with u_{−1} = 1, in position order.
    let mut s = 0.0;
    let mut before = 1.0f64;
    for (i, &ui) in u.iter().enumerate() {
        let now = ui.powf(nu);
        s += x[i] * (before - now);
        before = now;
    }
    Ok(1.0 - s / sample.mean())
}

/// Influence values of the S-Gini, `zₖ = ∂G/∂wₖ`. With `S = μ(1 − G) = Σ xᵢ(u_{i−1}^ν − uᵢ^ν)`
/// written as `x₀ + Σᵢ Δᵢ uᵢ^ν` (`Δᵢ = xᵢ₊₁ − xᵢ`) and `∂uᵢ/∂wₖ = (1(k > i) − uᵢ)/W`:
/// `∂S/∂wₖ = (ν/W)(Pₖ − Q)` with `Pₖ = Σ_{i<k} Δᵢ uᵢ^(ν−1)` and `Q = Σᵢ Δᵢ uᵢ^ν`, and
/// `zₖ = −(∂S/∂wₖ)/μ + S (xₖ − μ)/(μ² W)`. Tied observations get equal values (Δ = 0 inside
/// a run). ν = 2 gives the Gini's influence values.
///
/// The index is scale-free in the weights, so `Σ wₖ zₖ = 0`:
/// ```
/// use ginikit::{SortedSample, measure::sgini::sgini_influence};
/// let s = SortedSample::new(&[1.0, 2.0, 2.0, 7.0], None).unwrap();
/// let z = sgini_influence(&s, 3.0).unwrap();
/// assert!(z.iter().sum::<f64>().abs() < 1e-15);
/// assert_eq!(z[1], z[2]); // a tie
/// ```
pub fn sgini_influence(sample: &SortedSample, nu: f64) -> Result<Vec<f64>> {
    let g = sgini(sample, nu)?;
    if nu == 1.0 {
        return Ok(vec![0.0; sample.len()]);
    }
    let (w_total, mu) = (sample.total_weight(), sample.mean());
    let s = mu * (1.0 - g);
    let u = upper_shares(sample);
    let x = sample.values();
    let n = x.len();
    let mut q = 0.0;
    for i in 0..n.saturating_sub(1) {
        q += (x[i + 1] - x[i]) * u[i].powf(nu);
    }
    let mut z = Vec::with_capacity(n);
    let mut p = 0.0; // Pₖ: the gaps below position k
    for k in 0..n {
        let ds = nu / w_total * (p - q);
        z.push(-ds / mu + s * (x[k] - mu) / (mu * mu * w_total));
        if k + 1 < n {
            p += (x[k + 1] - x[k]) * u[k].powf(nu - 1.0);
        }
    }
    Ok(z)
}
