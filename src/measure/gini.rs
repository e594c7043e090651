//! The Gini ratio: point estimate under the named conventions and its influence function
//! (Langel & Tillé 2013, written for the midpoint estimator).

use super::registry::Family;
use super::{Estimator, Measure, Options};
use crate::error::{Error, Location, Result};
use crate::kernel::BLOCK;
use crate::sample::SortedSample;
use rayon::prelude::*;

/// `gini`.
pub const FAMILY: Family = Family {
    syntax: "gini",
    out_of_core: true,
    summary: "Gini ratio; weighted convention from the Gini-convention setting (midpoint: BPS, Eurostat/laeken, PIP, ineqdeco)",
    parse: |name| (name == "gini").then(|| Ok(Measure::new(Gini))),
};

/// The Gini ratio under [`Options::gini`]; see [`gini`] and [`gini_influence`].
#[derive(Debug, Clone, Copy)]
pub struct Gini;

impl Estimator for Gini {
    fn name(&self) -> String {
        "gini".into()
    }
    /// The midpoint convention only: the out-of-core merge computes that one.
    fn out_of_core(&self, options: &Options) -> Option<super::out_of_core::Plan> {
        (options.gini == GiniConvention::Midpoint).then_some(super::out_of_core::Plan::Gini)
    }
    fn value(&self, sample: &SortedSample, options: &Options) -> Result<f64> {
        gini(sample, options.gini)
    }
    fn influence(&self, sample: &SortedSample, options: &Options) -> Result<Vec<f64>> {
        gini_influence(sample, options.gini)
    }
}

/// Which weighted-Gini estimator to use. The peers disagree on weighted data; each variant is
/// named after what it computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum GiniConvention {
    /// `G = Σ wᵢ xᵢ (2Cᵢ − wᵢ) / (W · Σ wᵢ xᵢ) − 1`: every person is a class of its own and
    /// the Lorenz curve is integrated by trapezoids. Equals BPS's `GR = 1 − Σ fpᵢ (Fcᵢ +
    /// Fcᵢ₋₁)`, Eurostat / R laeken `gini()`, the World Bank's PIP, Stata `ineqdeco`, and —
    /// with unit weights — the V-statistic `Σᵢ Σⱼ |xᵢ − xⱼ| / (2 n² μ)` of R ineq and PySAL.
    /// Integer weights give the same value as duplicated rows.
    #[default]
    Midpoint,
    /// `G = Σ wᵢ xᵢ (2Cᵢ − 1) / (W · Σ wᵢ xᵢ) − 1`: R convey `svygini` and vardpoor
    /// `lingini`. Close to the midpoint form only when all weights are much larger than 1.
    ConveyCumulative,
    /// The midpoint value times `n / (n − 1)`, `n` the number of rows: R ineq
    /// `Gini(corr = TRUE)`, DescTools `Gini(unbiased = TRUE)`.
    SmallSampleRows,
    /// The midpoint value times `W / (W − 1)`, `W = Σ wᵢ`: the n/(n−1) correction applied to
    /// frequency weights, i.e. to the duplicated-rows data set. Needs `W > 1`.
    SmallSampleFrequency,
}

impl GiniConvention {
    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            GiniConvention::Midpoint => "midpoint",
            GiniConvention::ConveyCumulative => "convey",
            GiniConvention::SmallSampleRows => "unbiased-rows",
            GiniConvention::SmallSampleFrequency => "unbiased-frequency",
        }
    }

    /// Parses [`GiniConvention::name`].
    pub fn parse(name: &str) -> Result<Self> {
        Ok(match name {
            "midpoint" => GiniConvention::Midpoint,
            "convey" => GiniConvention::ConveyCumulative,
            "unbiased-rows" => GiniConvention::SmallSampleRows,
            "unbiased-frequency" => GiniConvention::SmallSampleFrequency,
            _ => {
                return Err(Error::InvalidParameter {
                    name: "Gini convention",
                    value: name.to_string(),
                    expected: "one of midpoint, convey, unbiased-rows, unbiased-frequency".into(),
                })
            }
        })
    }
}

/// The weighted Gini ratio of a sorted sample under `convention`.
///
/// Default ([`GiniConvention::Midpoint`]): `G = Σ wᵢ xᵢ (2Cᵢ − wᵢ) / (W · Σ wᵢ xᵢ) − 1` with
/// values ascending, `Cᵢ = Σ_{j≤i} wⱼ`, `W = Σ wᵢ`. Ties in any order give the same value.
///
/// Zero and negative values are allowed (for instance incomes net of losses); with negative
/// values G can exceed 1. The weighted mean must be positive.
///
/// One O(n) pass over fixed blocks, in parallel, bit-identical on any number of threads.
///
/// # Errors
/// [`Error::NonPositiveMean`] when `Σ wᵢ xᵢ ≤ 0`; [`Error::Undefined`] for
/// [`GiniConvention::SmallSampleRows`] with one row or
/// [`GiniConvention::SmallSampleFrequency`] with `W ≤ 1`.
///
/// Reference: R ineq's example vector (`ineq::Gini`, V-statistic) gives 0.4620911:
/// ```
/// use ginikit::{SortedSample, measure::gini::{gini, GiniConvention}};
/// let x = [541.0, 1463.0, 2445.0, 3438.0, 4437.0, 5401.0, 6392.0, 8304.0, 11904.0, 22261.0];
/// let s = SortedSample::new(&x, None).unwrap();
/// let g = gini(&s, GiniConvention::Midpoint).unwrap();
/// assert!((g - 0.4620911).abs() < 5e-8);
/// ```
pub fn gini(sample: &SortedSample, convention: GiniConvention) -> Result<f64> {
    let total_value = sample.total_value();
    if total_value <= 0.0 {
        return Err(Error::NonPositiveMean {
            location: Location::Argument("values"),
            measure: "the Gini ratio".into(),
            mean: sample.mean(),
            context: String::new(),
        });
    }
    let w_total = sample.total_weight();
    // Σ wᵢ xᵢ (2Cᵢ − wᵢ) for the midpoint form; Σ wᵢ xᵢ (2Cᵢ − 1) for convey's.
    // Precomputed with the sample's block totals, in the same pass over the data.
    let rank_sum = if convention == GiniConvention::ConveyCumulative {
        sample.rank_sum_convey()
    } else {
        sample.rank_sum_midpoint()
    };
    let midpoint_or_convey = rank_sum / (w_total * total_value) - 1.0;
    match convention {
        GiniConvention::Midpoint | GiniConvention::ConveyCumulative => Ok(midpoint_or_convey),
        GiniConvention::SmallSampleRows => {
            let n = sample.len() as f64;
            if sample.len() < 2 {
                return Err(Error::Undefined {
                    location: Location::Argument("values"),
                    measure: "the Gini ratio with the n/(n-1) correction".into(),
                    reason: format!("it needs at least 2 rows, and there are {}", sample.len()),
                    context: String::new(),
                });
            }
            Ok(midpoint_or_convey * n / (n - 1.0))
        }
        GiniConvention::SmallSampleFrequency => {
            if w_total <= 1.0 {
                return Err(Error::Undefined {
                    location: Location::Argument("weights"),
                    measure: "the Gini ratio with the W/(W-1) correction".into(),
                    reason: format!("it needs a total weight above 1, and the total is {w_total}"),
                    context: String::new(),
                });
            }
            Ok(midpoint_or_convey * w_total / (w_total - 1.0))
        }
    }
}

/// Influence values of the Gini ratio under `convention`, in sorted order.
///
/// With `A = Σ wᵢxᵢ(2Cᵢ − wᵢ)`, `N = Σ w`, `T = Σ wx`, `G = A/(NT) − 1`, the exact
/// derivative is `zₖ = 2(xₖ C̃ₖ + T − S̃ₖ)/(NT) − (G + 1)(1/N + xₖ/T)`, where `C̃ₖ, S̃ₖ` are the
/// cumulative weight and weighted value through the *end* of xₖ's group of ties (the
/// estimator is symmetric in tied observations, so its derivative is too). This is Langel
/// & Tillé's (2013) linearization of the Gini, written for the midpoint estimator; convey's
/// `2C − 1` form adds its own-weight term, and the small-sample conventions scale it.
///
/// The influence values sum to zero (`Σ wₖ zₖ = 0`: the Gini is scale-free), and a weight
/// changed by `h` moves the Gini by `h·zₖ` to first order. For 1, 2, 3, 4 (G = 1/4):
/// `z₁ = 2(1·1 + 10 − 1)/40 − 1.25(1/4 + 1/10) = 0.0625`.
/// ```
/// use ginikit::{SortedSample, measure::gini::{gini_influence, GiniConvention}};
/// let s = SortedSample::new(&[1.0, 2.0, 3.0, 4.0], None).unwrap();
/// let z = gini_influence(&s, GiniConvention::Midpoint).unwrap();
/// assert!((z[0] - 0.0625).abs() < 1e-15);
/// assert!(z.iter().sum::<f64>().abs() < 1e-15);
/// ```
pub fn gini_influence(sample: &SortedSample, convention: GiniConvention) -> Result<Vec<f64>> {
    let n_w = sample.total_weight();
    let t = sample.total_value();
    let x = sample.values();
    let base = if convention == GiniConvention::ConveyCumulative {
        GiniConvention::ConveyCumulative
    } else {
        GiniConvention::Midpoint
    };
    let g = gini(sample, base)?;
    let convey = base == GiniConvention::ConveyCumulative;
    let nt = n_w * t;
    // Reciprocals once, multiplications in the loop.
    let (inv_nt, inv_n, inv_t, g1) = (1.0 / nt, 1.0 / n_w, 1.0 / t, g + 1.0);
    // zₖ from the cumulative sums at k itself, block-parallel from the sample's block
    // offsets (bit-identical on any thread count) ...
    let mut z = vec![0.0; x.len()];
    z.par_chunks_mut(BLOCK).enumerate().for_each(|(b, zb)| {
        // Cumulative sums = the block's exact starting sums + plain running sums inside
        // the block (at most 4,096 terms), as the sample's own totals are formed.
        let (c0, s0) = sample.totals_before_block(b);
        let (mut lc, mut ls) = (0.0, 0.0);
        for (j, zk) in zb.iter_mut().enumerate() {
            let k = b * BLOCK + j;
            let (xk, wk) = (x[k], sample.weight(k));
            lc += wk;
            ls += wk * xk;
            let (c, s) = (c0 + lc, s0 + ls);
            let d_a = if convey {
                xk * (2.0 * c + 2.0 * wk - 1.0) + 2.0 * (t - s)
            } else {
                2.0 * (xk * c + t - s)
            };
            *zk = d_a * inv_nt - g1 * (inv_n + xk * inv_t);
        }
    });
    // ... then ties take the sums at the end of their run (the estimator is symmetric in
    // tied observations): walking backwards, a tied value takes its successor's zₖ plus
    // `own(k)` — 0 for the midpoint form, convey's own-weight term 2xₖ(wₖ − wₖ₊₁)/(NT).
    let own = |k: usize| {
        if convey {
            2.0 * x[k] * (sample.weight(k) - sample.weight(k + 1)) / nt
        } else {
            0.0
        }
    };
    // Inside each block in parallel; a run that crosses a block boundary is then finished
    // from the boundary backwards (rare: it needs equal values on both sides).
    z.par_chunks_mut(BLOCK).enumerate().for_each(|(b, zb)| {
        let base = b * BLOCK;
        for j in (0..zb.len().saturating_sub(1)).rev() {
            if x[base + j] == x[base + j + 1] {
                zb[j] = zb[j + 1] + own(base + j);
            }
        }
    });
    for boundary in (1..x.len().div_ceil(BLOCK)).rev().map(|b| b * BLOCK) {
        let mut k = boundary;
        while k > 0 && x[k - 1] == x[k] {
            z[k - 1] = z[k] + own(k - 1);
            k -= 1;
        }
    }
    match convention {
        GiniConvention::SmallSampleRows => {
            let n = sample.len() as f64;
            z.iter_mut().for_each(|v| *v *= n / (n - 1.0));
        }
        GiniConvention::SmallSampleFrequency => {
            // G_f = G·W/(W−1): ∂G_f/∂wₖ = zₖ·W/(W−1) − G/(W−1)².
            z.iter_mut()
                .for_each(|v| *v = *v * n_w / (n_w - 1.0) - g / ((n_w - 1.0) * (n_w - 1.0)));
        }
        _ => {}
    }
    Ok(z)
}
