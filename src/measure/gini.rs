//! The Gini ratio.

use crate::error::{Error, Location, Result};
use crate::sample::SortedSample;

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
/// [`Error::NonPositiveMean`] when `Σ wᵢ xᵢ ≤ 0`; [`Error::InvalidParameter`] for
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
                return Err(Error::InvalidParameter {
                    name: "number of rows",
                    value: sample.len().to_string(),
                    expected: "at least 2 rows for the n/(n-1) correction".into(),
                });
            }
            Ok(midpoint_or_convey * n / (n - 1.0))
        }
        GiniConvention::SmallSampleFrequency => {
            if w_total <= 1.0 {
                return Err(Error::InvalidParameter {
                    name: "sum of weights",
                    value: w_total.to_string(),
                    expected: "more than 1 for the W/(W-1) frequency-weight correction".into(),
                });
            }
            Ok(midpoint_or_convey * w_total / (w_total - 1.0))
        }
    }
}
