//! The distribution of per-capita expenditure within a cell: log-normal (two parameters),
//! Singh–Maddala (Burr XII, three, one shape `q` common to every cell) or the generalized beta
//! of the second kind, GB2 (four, shapes `p` and `q` common to every cell; the bundled rounds').
//!
//! All three give each cell its published Gini. The log-normal also gives each cell its
//! published headcount P0 before the national calibration, which then shrinks the cell
//! locations (λ) to reach the national Gini and so moves the cell P0s. Singh–Maddala,
//! `F(x) = 1 − (1 + (x/b)^a)^(−q)`, keeps every cell's Gini and P0 exactly and reaches the
//! national Gini through `q` alone: `a_c` from the cell Gini
//! `G = 1 − Γ(q)Γ(2q − 1/a) / (Γ(q − 1/a)Γ(2q))`, `b_c = z_c / ((1 − P0_c)^(−1/q) − 1)^(1/a)`
//! from the line and the headcount, and `q` by bisection on the mixture's Gini.
//!
//! GB2 is `x = b·(T/(1 − T))^(1/a)` with `T ~ Beta(p, q)`, so `F(x) = I_t(p, q)` at
//! `t = y/(1 + y)`, `y = (x/b)^a` (Singh–Maddala is `p = 1`). Like Singh–Maddala it keeps
//! every cell's Gini (`a_c`, from the Gini computed by double-exponential quadrature over `T`)
//! and P0 (`b_c = z_c·((1 − t_c)/t_c)^(1/a_c)`, `t_c = I⁻¹_{P0_c}(p, q)`) and reaches the
//! national Gini through `q`. The second shape `p` is fixed at [`GB2_P`], chosen by a joint
//! fit of the national figures no cell pins down: the bottom-40 % share, the poverty gap P1,
//! the urban and rural Gini, and BPS's March → September 2018 growth of spending per head by
//! group (`scripts/calibration_gb2.py` gives the criterion for each `p`; it falls with `p` and
//! is flat beyond 50).
//!
//! Within a cell, households of a census block are correlated through a Gaussian copula with
//! the generator's intra-block correlation ρ: `x = F⁻¹(Φ(√ρ·z_block + √(1 − ρ)·z_household))`
//! (for the log-normal this is `ln x = μ + σ√ρ·z_block + σ√(1 − ρ)·z_household`, as before).

use super::{Calibration, Cell, RHO};
use crate::error::{Error, Result};
use crate::kernel::beta::{inverse_regularized_beta, ln_beta, regularized_beta};
use crate::kernel::normal;
use rayon::prelude::*;

/// The GB2 shape `p` of the bundled rounds (see the module's documentation).
pub const GB2_P: f64 = 50.0;

/// Which family a round is drawn from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Family {
    LogNormal,
    SinghMaddala,
    #[default]
    Gb2,
}

/// The shape every cell of a calibrated round shares.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Shape {
    /// Log-normal cells whose locations `μ_c` shrink toward their population-weighted mean
    /// `m̄` by the factor λ: `μ'_c = m̄ + λ(μ_c − m̄)`.
    LogNormal { lambda: f64, mean_location: f64 },
    /// Singh–Maddala cells with the common shape `q`.
    SinghMaddala { q: f64 },
    /// GB2 cells with the common shapes `p` and `q`.
    Gb2 { p: f64, q: f64 },
}

/// One cell's distribution, ready to draw from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CellDraw {
    LogNormal { mu: f64, sigma: f64 },
    SinghMaddala { a: f64, b: f64, q: f64 },
    Gb2 { a: f64, b: f64, p: f64, q: f64 },
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
            Shape::LogNormal {
                lambda,
                mean_location,
            } => CellDraw::LogNormal {
                mu: mean_location + lambda * (cell.mu() - mean_location),
                sigma: cell.sigma(),
            },
            Shape::SinghMaddala { q } => {
                let a = singh_maddala_a(cell.gini, q);
                let b = cell.poverty_line / ((1.0 - cell.p0).powf(-1.0 / q) - 1.0).powf(1.0 / a);
                CellDraw::SinghMaddala { a, b, q }
            }
            Shape::Gb2 { p, q } => Self::gb2(cell, &Gb2Nodes::new(p, q)),
        }
    }

    /// The distributions of `cells` under `calibration`, in order; GB2's quadrature nodes are
    /// made once for all of them.
    pub fn of_each(cells: &[&Cell], calibration: &Calibration) -> Vec<CellDraw> {
        match calibration.shape {
            Shape::Gb2 { p, q } => {
                let nodes = Gb2Nodes::new(p, q);
                cells.par_iter().map(|c| Self::gb2(c, &nodes)).collect()
            }
            _ => cells.iter().map(|c| Self::of(c, calibration)).collect(),
        }
    }

    /// A GB2 cell with its Gini (`a`) and headcount (`b`).
    fn gb2(cell: &Cell, nodes: &Gb2Nodes) -> CellDraw {
        let (p, q) = (nodes.p, nodes.q);
        let a = nodes.a_for_gini(cell.gini);
        let t = inverse_regularized_beta(cell.p0, p, q);
        let b = cell.poverty_line * ((1.0 - t) / t).powf(1.0 / a);
        CellDraw::Gb2 { a, b, p, q }
    }

    /// The `u`-quantile (`0 < u < 1`).
    pub fn quantile(&self, u: f64) -> f64 {
        self.from_standard(self.standard(u))
    }

    /// The family's standard variate at `u`, shared by every cell of a round (so a grid of
    /// quantiles is computed once per round): `Φ⁻¹(u)` for the log-normal, `y = (x/b)^a` for
    /// Singh–Maddala and GB2.
    pub fn standard(&self, u: f64) -> f64 {
        match *self {
            CellDraw::LogNormal { .. } => normal::quantile(u),
            CellDraw::SinghMaddala { q, .. } => (1.0 - u).powf(-1.0 / q) - 1.0,
            CellDraw::Gb2 { p, q, .. } => {
                let t = inverse_regularized_beta(u, p, q);
                t / (1.0 - t)
            }
        }
    }

    /// The cell's expenditure at the standard variate `s` of [`CellDraw::standard`].
    pub fn from_standard(&self, s: f64) -> f64 {
        match *self {
            CellDraw::LogNormal { mu, sigma } => (mu + sigma * s).exp(),
            CellDraw::SinghMaddala { a, b, .. } | CellDraw::Gb2 { a, b, .. } => b * s.powf(1.0 / a),
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
            CellDraw::SinghMaddala { .. } | CellDraw::Gb2 { .. } => {
                let z = RHO.sqrt() * z_block + (1.0 - RHO).sqrt() * z_household;
                // Φ(z) kept away from 1, where the quantile would be infinite.
                self.quantile(normal::cdf(z).min(1.0 - 1e-16))
            }
        }
    }

    /// The distributions of the cells' targeting scores `ln x + τ·ε` (ε standard normal),
    /// made once: the threshold search evaluates them many times. `draws` are the cells of
    /// one calibration, so the standard variates of the mid-quantiles are made once for all.
    pub fn scores(draws: &[CellDraw], tau: f64) -> Vec<Score> {
        let standard: Vec<f64> = match draws.first() {
            Some(d @ (CellDraw::SinghMaddala { .. } | CellDraw::Gb2 { .. })) => (0..SCORE_POINTS)
                .map(|j| d.standard((j as f64 + 0.5) / SCORE_POINTS as f64))
                .collect(),
            _ => Vec::new(),
        };
        draws
            .iter()
            .map(|d| match *d {
                CellDraw::LogNormal { mu, sigma } => Score::Normal {
                    mean: mu,
                    sd: (sigma.powi(2) + tau.powi(2)).sqrt(),
                },
                // 400 mid-quantiles of ln x.
                CellDraw::SinghMaddala { .. } | CellDraw::Gb2 { .. } => Score::Points {
                    log_x: standard.iter().map(|&s| d.from_standard(s).ln()).collect(),
                    tau,
                },
            })
            .collect()
    }

    /// The share below the cell's poverty line `z`: `F(z)`.
    pub fn below(&self, z: f64) -> f64 {
        match *self {
            CellDraw::LogNormal { mu, sigma } => normal::cdf((z.ln() - mu) / sigma),
            CellDraw::SinghMaddala { a, b, q } => 1.0 - (1.0 + (z / b).powf(a)).powf(-q),
            CellDraw::Gb2 { a, b, p, q } => regularized_beta(1.0 / (1.0 + (b / z).powf(a)), p, q),
        }
    }
}

/// Singh–Maddala cells with the common `q` whose mixture has the national Gini `target`
/// (bisection on [0.12, 30]: the mixture's Gini rises with `q`).
///
/// # Errors
/// A target outside what the family reaches.
pub fn calibrate_singh_maddala(cells: &[Cell], target: f64) -> Result<Calibration> {
    calibrate_q(
        cells,
        target,
        (0.12, 30.0),
        "Singh-Maddala cells with a common shape",
        |q| Shape::SinghMaddala { q },
    )
}

/// The calibration with cells of `shape(q)` whose mixture has the national Gini `target`, by
/// bisection on the common `q` in `range` (the mixture's Gini rises with `q`); `what` names
/// the cells in the error.
fn calibrate_q(
    cells: &[Cell],
    target: f64,
    (lo, hi): (f64, f64),
    what: &str,
    shape: impl Fn(f64) -> Shape,
) -> Result<Calibration> {
    let at = |q: f64| Calibration::of_shape(shape(q));
    let (g_lo, g_hi) = (
        super::mixture_gini(cells, &at(lo))?,
        super::mixture_gini(cells, &at(hi))?,
    );
    if !(g_lo..=g_hi).contains(&target) {
        return Err(Error::InvalidParameter {
            name: "national Gini target",
            value: target.to_string(),
            expected: format!(
                "a value {what} can reach ({g_lo:.4} to {g_hi:.4}); use the log-normal family"
            ),
        });
    }
    super::bisect_gini(cells, target, (lo, hi), 60, at)
}

/// Double-exponential (tanh-sinh) quadrature nodes over `T ~ Beta(p, q)` for the Gini of GB2
/// cells with shapes `p`, `q`: with `t_k = 1/(1 + e^(−2s_k))`, `s_k = (π/2)·sinh(kh)`, the
/// cell's `x/b = (t/(1 − t))^(1/a) = e^(2s_k/a)` exactly, and the endpoint singularities of
/// the beta density are integrated without loss.
struct Gb2Nodes {
    /// `2 s_k`.
    two_s: Vec<f64>,
    /// `ln` of the quadrature weight times the beta density at `t_k`.
    ln_w: Vec<f64>,
    /// `I_{t_k}(p, q) − 1/2`.
    centred_cdf: Vec<f64>,
    p: f64,
    q: f64,
}

impl Gb2Nodes {
    /// Step `h` and range `|kh| ≤ 6.5`, where `1 − t` is about e^(−1040): far enough for the
    /// slowly decaying upper tail of shapes with `aq` near 1.
    const H: f64 = 1.0 / 32.0;
    const REACH: f64 = 6.5;

    fn new(p: f64, q: f64) -> Gb2Nodes {
        let softplus = |x: f64| {
            if x > 0.0 {
                x + (-x).exp().ln_1p()
            } else {
                x.exp().ln_1p()
            }
        };
        let ln_b = ln_beta(p, q);
        let n = (Self::REACH / Self::H) as i32;
        let (mut two_s, mut ln_w, mut centred_cdf) = (Vec::new(), Vec::new(), Vec::new());
        for k in -n..=n {
            let kh = f64::from(k) * Self::H;
            let s = std::f64::consts::FRAC_PI_2 * kh.sinh();
            // ln t and ln(1 − t) without cancellation; dt/dk = π h cosh(kh) t (1 − t).
            let (ln_t, ln_1mt) = (-softplus(-2.0 * s), -softplus(2.0 * s));
            let w =
                (std::f64::consts::PI * Self::H * kh.cosh()).ln() + p * ln_t + q * ln_1mt - ln_b;
            if !w.is_finite() {
                continue;
            }
            two_s.push(2.0 * s);
            ln_w.push(w);
            // Past the middle from the complement, 1 − I_t(p, q) = I_{1−t}(q, p): t rounds to
            // 1 long before 1 − I does when q is small.
            centred_cdf.push(if s > 0.0 {
                0.5 - regularized_beta(ln_1mt.exp(), q, p)
            } else {
                regularized_beta(ln_t.exp(), p, q) - 0.5
            });
        }
        Gb2Nodes {
            two_s,
            ln_w,
            centred_cdf,
            p,
            q,
        }
    }

    /// The Gini of GB2 with shape `a` (and this `p`, `q`): `G = 2·E[X(F(X) − ½)]/E[X]`,
    /// finite for `aq > 1`.
    fn gini(&self, a: f64) -> f64 {
        // Terms in logs, shifted by their largest, so no weight overflows for small a.
        let ln_terms: Vec<f64> = self
            .two_s
            .iter()
            .zip(&self.ln_w)
            .map(|(s, w)| w + s / a)
            .collect();
        let top = ln_terms.iter().fold(f64::NEG_INFINITY, |m, &l| m.max(l));
        let (mut num, mut den) = (0.0, 0.0);
        for (l, c) in ln_terms.iter().zip(&self.centred_cdf) {
            // Terms below e^−60 of the largest are below the sums' last bit: skipped (their
            // exponentials would be computed on the slow underflow path for nothing).
            if l - top > -60.0 {
                let t = (l - top).exp();
                num += t * c;
                den += t;
            }
        }
        2.0 * num / den
    }

    /// The `a` giving Gini `g` (the Gini falls as `a` grows; bisection on `(1/q, 1000)` in
    /// logs, 64 halvings: the bracket, under 30 wide, ends below 1e-17 relative).
    fn a_for_gini(&self, g: f64) -> f64 {
        let (mut lo, mut hi) = ((1.0 / self.q * (1.0 + 1e-9)).ln(), 1000f64.ln());
        for _ in 0..64 {
            let mid = 0.5 * (lo + hi);
            if self.gini(mid.exp()) > g {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        (0.5 * (lo + hi)).exp()
    }
}

/// GB2 cells with shape `p` and the common `q` whose mixture has the national Gini `target`
/// (bisection on `q` in [0.3, 40]: the mixture's Gini rises with `q`).
///
/// # Errors
/// A target outside what the family reaches with this `p`.
pub fn calibrate_gb2(cells: &[Cell], target: f64, p: f64) -> Result<Calibration> {
    calibrate_q(
        cells,
        target,
        (0.3, 40.0),
        &format!("GB2 cells with p = {p} and a common q"),
        |q| Shape::Gb2 { p, q },
    )
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
        let d = CellDraw::of(
            &cell,
            &Calibration::of_shape(Shape::SinghMaddala { q: 0.5 }),
        );
        assert!((d.below(400_000.0) - 0.12).abs() < 1e-12);
        assert!((d.quantile(0.12) / 400_000.0 - 1.0).abs() < 1e-12);
        if let CellDraw::SinghMaddala { a, q, .. } = d {
            assert!((singh_maddala_gini(a, q) - 0.35).abs() < 1e-12);
        }
    }

    /// The quadrature Gini of GB2 against two closed forms: Singh–Maddala (`p = 1`, above)
    /// and Dagum (`q = 1`): `G = Γ(p)Γ(2p + 1/a) / (Γ(2p)Γ(p + 1/a)) − 1` (Kleiber & Kotz 2003,
    /// §6.3).
    #[test]
    fn gb2_gini_matches_singh_maddala_and_dagum() {
        let lg = libm::lgamma;
        for (a, q) in [(2.5, 0.8), (4.0, 2.0), (1.3, 3.0), (12.0, 0.2)] {
            let got = Gb2Nodes::new(1.0, q).gini(a);
            let want = singh_maddala_gini(a, q);
            assert!(
                (got - want).abs() < 1e-12,
                "SM a={a} q={q}: {got} against {want}"
            );
        }
        for (a, p) in [(2.5, 0.8), (4.0, 2.0), (1.5, 50.0), (3.0, 0.3)] {
            let got = Gb2Nodes::new(p, 1.0).gini(a);
            let want = (lg(p) + lg(2.0 * p + 1.0 / a) - lg(2.0 * p) - lg(p + 1.0 / a)).exp() - 1.0;
            assert!(
                (got - want).abs() < 1e-12,
                "Dagum a={a} p={p}: {got} against {want}"
            );
        }
        let nodes = Gb2Nodes::new(GB2_P, 1.7);
        assert!((nodes.gini(nodes.a_for_gini(0.37)) - 0.37).abs() < 1e-12);
    }

    /// A GB2 cell keeps its Gini and headcount, and its quantile inverts its distribution.
    #[test]
    fn a_gb2_cell_has_its_headcount_and_gini() {
        let cell = Cell {
            province_code: 1,
            province: "X".into(),
            area: super::super::Area::Rural,
            gini: 0.31,
            poverty_line: 380_000.0,
            p0: 0.14,
            population: 1e6,
            derived: None,
        };
        let d = CellDraw::of(
            &cell,
            &Calibration::of_shape(Shape::Gb2 { p: GB2_P, q: 2.2 }),
        );
        assert!((d.below(380_000.0) - 0.14).abs() < 1e-12);
        assert!((d.quantile(0.14) / 380_000.0 - 1.0).abs() < 1e-11);
        // The Gini of 200,000 mid-quantiles (the grid's own discretization is below 1e-4).
        let n = 200_000;
        let x: Vec<f64> = (0..n)
            .map(|j| d.quantile((j as f64 + 0.5) / n as f64))
            .collect();
        let (mut cum, mut num, total) = (0.0, 0.0, x.iter().sum::<f64>());
        for v in &x {
            num += 2.0 * cum + v;
            cum += v;
        }
        let g = 1.0 - num / (n as f64 * total);
        assert!((g - 0.31).abs() < 2e-4, "grid Gini {g}");
    }
}
