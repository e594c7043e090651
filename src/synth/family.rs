//! The distribution of per-capita expenditure within a cell: log-normal (two parameters, the
//! default) or Singh–Maddala (Burr XII, three) with one shape `q` common to every cell.
//!
//! Both give each cell its published Gini. The log-normal also gives each cell its published
//! headcount P0 before the national calibration, which then shrinks the cell locations (λ) to
//! reach the national Gini and so moves the cell P0s. Singh–Maddala,
//! `F(x) = 1 − (1 + (x/b)^a)^(−q)`, keeps every cell's Gini and P0 exactly and reaches the
//! national Gini through `q` alone: `a_c` from the cell Gini
//! `G = 1 − Γ(q)Γ(2q − 1/a) / (Γ(q − 1/a)Γ(2q))`, `b_c = z_c / ((1 − P0_c)^(−1/q) − 1)^(1/a)`
//! from the line and the headcount, and `q` by bisection on the mixture's Gini
//! (`scripts/calibration_families.py` compares the two on every published figure).
//!
//! Within a cell, households of a census block are correlated through a Gaussian copula with
//! the generator's intra-block correlation ρ: `x = F⁻¹(Φ(√ρ·z_block + √(1 − ρ)·z_household))`
//! (for the log-normal this is `ln x = μ + σ√ρ·z_block + σ√(1 − ρ)·z_household`, as before).

use super::{Calibration, Cell, RHO};
use crate::error::{Error, Result};
use crate::kernel::normal;

/// Which family a round is drawn from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Family {
    #[default]
    LogNormal,
    SinghMaddala,
}

/// One cell's distribution, ready to draw from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CellDraw {
    LogNormal { mu: f64, sigma: f64 },
    SinghMaddala { a: f64, b: f64, q: f64 },
}

/// Mid-quantiles a Singh–Maddala cell's targeting score is averaged over.
const SCORE_POINTS: usize = 400;

/// A cell's targeting score `ln x + τ·ε`: normal for log-normal cells, otherwise the average
/// over mid-quantiles of `ln x` of a normal with sd τ.
#[derive(Debug, Clone, PartialEq)]
pub enum Score {
    Normal { mean: f64, sd: f64 },
    Points { log_x: Vec<f64>, tau: f64 },
}

impl Score {
    /// The share of the cell whose score is below `s`.
    pub fn below(&self, s: f64) -> f64 {
        match self {
            Score::Normal { mean, sd } => normal::cdf((s - mean) / sd),
            Score::Points { log_x, tau } => {
                log_x
                    .iter()
                    .map(|l| {
                        if *tau > 0.0 {
                            normal::cdf((s - l) / tau)
                        } else {
                            f64::from(u8::from(*l < s))
                        }
                    })
                    .sum::<f64>()
                    / log_x.len() as f64
            }
        }
    }
}

/// Gini of Singh–Maddala with shapes `a`, `q` (finite for `aq > 1`).
pub fn singh_maddala_gini(a: f64, q: f64) -> f64 {
    let lg = libm::lgamma;
    1.0 - (lg(q) + lg(2.0 * q - 1.0 / a) - lg(q - 1.0 / a) - lg(2.0 * q)).exp()
}

/// The `a` that gives Gini `g` with shape `q` (the Gini falls as `a` grows).
fn singh_maddala_a(g: f64, q: f64) -> f64 {
    let (mut lo, mut hi) = (1.0 / q * (1.0 + 1e-9), 500.0);
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if singh_maddala_gini(mid, q) > g {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

impl CellDraw {
    /// The distribution of `cell` under `calibration`.
    pub fn of(cell: &Cell, calibration: &Calibration) -> CellDraw {
        match calibration.shape {
            None => CellDraw::LogNormal {
                mu: calibration.location(cell),
                sigma: cell.sigma(),
            },
            Some(q) => {
                let a = singh_maddala_a(cell.gini, q);
                let b = cell.poverty_line / ((1.0 - cell.p0).powf(-1.0 / q) - 1.0).powf(1.0 / a);
                CellDraw::SinghMaddala { a, b, q }
            }
        }
    }

    /// The `u`-quantile (`0 < u < 1`).
    pub fn quantile(&self, u: f64) -> f64 {
        match *self {
            CellDraw::LogNormal { mu, sigma } => (mu + sigma * normal::quantile(u)).exp(),
            CellDraw::SinghMaddala { a, b, q } => {
                b * ((1.0 - u).powf(-1.0 / q) - 1.0).powf(1.0 / a)
            }
        }
    }

    /// A household's expenditure from its block's and its own standard normal draws.
    pub fn from_normals(&self, z_block: f64, z_household: f64) -> f64 {
        match *self {
            CellDraw::LogNormal { mu, sigma } => {
                let (sd_block, sd_household) = (
                    (RHO * sigma * sigma).sqrt(),
                    ((1.0 - RHO) * sigma * sigma).sqrt(),
                );
                (mu + sd_block * z_block + sd_household * z_household).exp()
            }
            CellDraw::SinghMaddala { .. } => {
                let z = RHO.sqrt() * z_block + (1.0 - RHO).sqrt() * z_household;
                // Φ(z) kept away from 1, where the quantile would be infinite.
                self.quantile(normal::cdf(z).min(1.0 - 1e-16))
            }
        }
    }

    /// The distribution of the cell's targeting score `ln x + τ·ε` (ε standard normal),
    /// made once: the threshold search evaluates it many times.
    pub fn score(&self, tau: f64) -> Score {
        match *self {
            CellDraw::LogNormal { mu, sigma } => Score::Normal {
                mean: mu,
                sd: (sigma.powi(2) + tau.powi(2)).sqrt(),
            },
            CellDraw::SinghMaddala { .. } => Score::Points {
                // 400 mid-quantiles of ln x.
                log_x: (0..SCORE_POINTS)
                    .map(|j| self.quantile((j as f64 + 0.5) / SCORE_POINTS as f64).ln())
                    .collect(),
                tau,
            },
        }
    }

    /// The share below the cell's poverty line `z`: `F(z)`.
    pub fn below(&self, z: f64) -> f64 {
        match *self {
            CellDraw::LogNormal { mu, sigma } => normal::cdf((z.ln() - mu) / sigma),
            CellDraw::SinghMaddala { a, b, q } => 1.0 - (1.0 + (z / b).powf(a)).powf(-q),
        }
    }
}

/// Singh–Maddala cells with the common `q` whose mixture has the national Gini `target`
/// (bisection on [0.12, 30]: the mixture's Gini rises with `q`).
///
/// # Errors
/// A target outside what the family reaches.
pub fn calibrate_singh_maddala(cells: &[Cell], target: f64) -> Result<Calibration> {
    let at = |q: f64| Calibration {
        lambda: 1.0,
        mean_location: 0.0,
        achieved_gini: f64::NAN,
        shape: Some(q),
    };
    let (lo, hi) = (0.12, 30.0);
    let (g_lo, g_hi) = (
        super::mixture_gini(cells, &at(lo))?,
        super::mixture_gini(cells, &at(hi))?,
    );
    if !(g_lo..=g_hi).contains(&target) {
        return Err(Error::InvalidParameter {
            name: "national Gini target",
            value: target.to_string(),
            expected: format!(
                "a value Singh-Maddala cells with a common shape can reach ({g_lo:.4} to {g_hi:.4}); use the log-normal family"
            ),
        });
    }
    super::bisect_gini(cells, target, (lo, hi), 60, at)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Singh–Maddala with q = 1 is the log-logistic, whose Gini is 1/a.
    #[test]
    fn singh_maddala_gini_is_one_over_a_when_q_is_one() {
        for a in [1.5, 2.0, 4.0] {
            assert!((singh_maddala_gini(a, 1.0) - 1.0 / a).abs() < 1e-12);
        }
        assert!((singh_maddala_a(0.25, 1.0) - 4.0).abs() < 1e-9);
    }

    /// A cell keeps its headcount: F(z) = P0, and its quantile inverts F.
    #[test]
    fn a_singh_maddala_cell_has_its_headcount() {
        let cell = Cell {
            province_code: 1,
            province: "X".into(),
            area: super::super::Area::Urban,
            gini: 0.35,
            poverty_line: 400_000.0,
            p0: 0.12,
            population: 1e6,
            derived: None,
        };
        let c = Calibration {
            lambda: 1.0,
            mean_location: 0.0,
            achieved_gini: f64::NAN,
            shape: Some(0.5),
        };
        let d = CellDraw::of(&cell, &c);
        assert!((d.below(400_000.0) - 0.12).abs() < 1e-12);
        assert!((d.quantile(0.12) / 400_000.0 - 1.0).abs() < 1e-12);
        if let CellDraw::SinghMaddala { a, q, .. } = d {
            assert!((singh_maddala_gini(a, q) - 0.35).abs() < 1e-12);
        }
    }
}
