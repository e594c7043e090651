//! The World Bank's two parametric Lorenz curves for grouped data (Datt 1998, "Computational
//! Tools for Poverty Measurement and Analysis", IFPRI FCND DP 50; PovcalNet / PIP, R wbpip):
//! the General Quadratic (Villaseñor & Arnold 1989) and the Beta (Kakwani 1980), each fitted by
//! least squares to the empirical Lorenz points without the last point (1, 1).

use super::integrate::integrate;

/// A fitted Lorenz curve.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(tag = "form", rename_all = "snake_case"))]
pub enum Form {
    /// `L(1 − L) = a(p² − L) + bL(p − 1) + c(p − L)` (Datt's eq. 3; PIP's "LQ").
    Quadratic { a: f64, b: f64, c: f64 },
    /// `L = p − θ p^γ (1 − p)^δ` (Kakwani 1980; PIP's "LB").
    Beta { theta: f64, gamma: f64, delta: f64 },
}

/// Least squares `y ≈ X β` by modified Gram–Schmidt QR (the columns of `x` are the
/// regressors); `None` when the columns are linearly dependent.
fn least_squares<const K: usize>(x: &[[f64; K]], y: &[f64]) -> Option<[f64; K]> {
    let mut q: Vec<Vec<f64>> = (0..K)
        .map(|j| x.iter().map(|row| row[j]).collect())
        .collect();
    let mut r = [[0.0; K]; K];
    for j in 0..K {
        for i in 0..j {
            let (done, rest) = q.split_at_mut(j);
            let (qi, qj) = (&done[i], &mut rest[0]);
            let dot: f64 = qi.iter().zip(qj.iter()).map(|(a, b)| a * b).sum();
            r[i][j] = dot;
            for (v, u) in qj.iter_mut().zip(qi) {
                *v -= dot * u;
            }
        }
        let norm = q[j].iter().map(|v| v * v).sum::<f64>().sqrt();
        if norm.is_nan() || norm <= 1e-14 {
            return None;
        }
        r[j][j] = norm;
        for v in q[j].iter_mut() {
            *v /= norm;
        }
    }
    let qty: Vec<f64> = q
        .iter()
        .map(|qj| qj.iter().zip(y).map(|(a, b)| a * b).sum())
        .collect();
    let mut beta = [0.0; K];
    for j in (0..K).rev() {
        let s: f64 = (j + 1..K).map(|i| r[j][i] * beta[i]).sum();
        beta[j] = (qty[j] - s) / r[j][j];
    }
    Some(beta)
}

/// The quadratic form's derived constants (Datt 1998, table 2): `e = −(a + b + c + 1)`,
/// `m = b² − 4a`, `n = 2be − 4c`, `r = √(n² − 4me²)`, `s₁ = (r − n)/(2m)`, `s₂ = −(r + n)/(2m)`.
#[derive(Debug, Clone, Copy)]
struct QuadraticKeys {
    e: f64,
    m: f64,
    n: f64,
    r: f64,
    s1: f64,
    s2: f64,
}

fn keys(a: f64, b: f64, c: f64) -> QuadraticKeys {
    let e = -(a + b + c + 1.0);
    let m = b * b - 4.0 * a;
    let n = 2.0 * b * e - 4.0 * c;
    let r = (n * n - 4.0 * m * e * e).sqrt();
    QuadraticKeys {
        e,
        m,
        n,
        r,
        s1: (r - n) / (2.0 * m),
        s2: -(r + n) / (2.0 * m),
    }
}

impl Form {
    /// Fits the General Quadratic: OLS without intercept of `L(1 − L)` on `(p² − L)`,
    /// `L(p − 1)` and `(p − L)` over the points before (1, 1) (Datt 1998, eq. 15).
    pub fn fit_quadratic(p: &[f64], l: &[f64]) -> Option<Form> {
        let k = p.len().checked_sub(1)?;
        let x: Vec<[f64; 3]> = (0..k)
            .map(|i| [p[i] * p[i] - l[i], l[i] * (p[i] - 1.0), p[i] - l[i]])
            .collect();
        let y: Vec<f64> = (0..k).map(|i| l[i] * (1.0 - l[i])).collect();
        let [a, b, c] = least_squares(&x, &y)?;
        Some(Form::Quadratic { a, b, c })
    }

    /// Fits the Beta curve: OLS with intercept of `ln(p − L)` on `ln p` and `ln(1 − p)` over
    /// the points before (1, 1); `θ = e^{intercept}` (Datt 1998, eq. 17).
    pub fn fit_beta(p: &[f64], l: &[f64]) -> Option<Form> {
        let k = p.len().checked_sub(1)?;
        let x: Vec<[f64; 3]> = (0..k)
            .map(|i| [1.0, p[i].ln(), (1.0 - p[i]).ln()])
            .collect();
        let y: Vec<f64> = (0..k).map(|i| (p[i] - l[i]).ln()).collect();
        if y.iter().any(|v| !v.is_finite()) {
            return None;
        }
        let [log_theta, gamma, delta] = least_squares(&x, &y)?;
        Some(Form::Beta {
            theta: log_theta.exp(),
            gamma,
            delta,
        })
    }

    /// The short name PIP uses: `quadratic` (LQ) or `beta` (LB).
    pub fn name(&self) -> &'static str {
        match self {
            Form::Quadratic { .. } => "quadratic",
            Form::Beta { .. } => "beta",
        }
    }

    /// `L(p)`.
    pub fn value(&self, p: f64) -> f64 {
        match *self {
            Form::Quadratic { a, b, c } => {
                let k = keys(a, b, c);
                let t = (k.m * p * p + k.n * p + k.e * k.e).max(0.0);
                -0.5 * (b * p + k.e + t.sqrt())
            }
            Form::Beta {
                theta,
                gamma,
                delta,
            } => p - theta * p.powf(gamma) * (1.0 - p).powf(delta),
        }
    }

    /// `L′(p)`: welfare at percentile p over the mean.
    pub fn slope(&self, p: f64) -> f64 {
        match *self {
            Form::Quadratic { a, b, c } => {
                let k = keys(a, b, c);
                let t = (k.m * p * p + k.n * p + k.e * k.e).max(0.0);
                -0.5 * b - (2.0 * k.m * p + k.n) / (4.0 * t.sqrt())
            }
            Form::Beta {
                theta,
                gamma,
                delta,
            } => {
                1.0 - theta
                    * p.powf(gamma)
                    * (1.0 - p).powf(delta)
                    * (gamma / p - delta / (1.0 - p))
            }
        }
    }

    /// `L″(p)` of the Beta form (its convexity check).
    fn beta_curvature(theta: f64, gamma: f64, delta: f64, p: f64) -> f64 {
        theta
            * p.powf(gamma)
            * (1.0 - p).powf(delta)
            * (gamma * (1.0 - gamma) / (p * p)
                + 2.0 * gamma * delta / (p * (1.0 - p))
                + delta * (1.0 - delta) / ((1.0 - p) * (1.0 - p)))
    }

    /// PIP's validity checks (R wbpip `check_curve_validity_lq` / `_lb`): `(valid, normal)`.
    /// Quadratic: normal when `e < 0`, `c ≥ 0` and the conic conditions of Datt's section 4
    /// hold (`m < 0`, or `0 < m < n²/(4e²)` with `n ≥ 0`, or `0 < m < −n/2` and
    /// `m < n²/(4e²)`); valid when also `a + c ≥ 0.9`. Beta: valid when `L′ ≥ 0` at p = 0.001
    /// and 0.051 and `L″ ≥ 0` at p = 0.001, 0.051, …, 0.951; its normality is decided by the
    /// headcount (a root of `L′(H) = z/μ` exists).
    pub fn validity(&self) -> (bool, bool) {
        match *self {
            Form::Quadratic { a, b, c } => {
                let k = keys(a, b, c);
                if k.e > 0.0 || c < 0.0 || !k.r.is_finite() {
                    return (false, false);
                }
                let cn3 = k.n * k.n / (4.0 * k.e * k.e);
                let conic = k.m < 0.0
                    || (k.m > 0.0 && k.m < cn3 && k.n >= 0.0)
                    || (k.m > 0.0 && k.m < -k.n / 2.0 && k.m < cn3);
                if !conic {
                    return (false, false);
                }
                (a + c >= 0.9, true)
            }
            Form::Beta {
                theta,
                gamma,
                delta,
            } => {
                let slopes = [0.001, 0.051].iter().all(|&w| self.slope(w) >= 0.0);
                let convex = (0..20).all(|i| {
                    Self::beta_curvature(theta, gamma, delta, 0.001 + 0.05 * i as f64) >= 0.0
                });
                (slopes && convex, true)
            }
        }
    }

    /// The Gini ratio `1 − 2∫₀¹ L(p) dp`, integrated (tanh-sinh) to about 1e-13. For the
    /// quadratic form this equals Datt's closed form (wbpip's `gd_compute_gini_lq`); for the
    /// Beta form it is `2θ B(1 + γ, 1 + δ)`.
    pub fn gini(&self) -> f64 {
        match *self {
            Form::Beta {
                theta,
                gamma,
                delta,
            } => 2.0 * integrate(|p| theta * p.powf(gamma) * (1.0 - p).powf(delta), 0.0, 1.0),
            Form::Quadratic { .. } => 1.0 - 2.0 * integrate(|p| self.value(p), 0.0, 1.0),
        }
    }

    /// The headcount H solving `L′(H) = z/μ`: the quadratic form's closed form (Datt 1998,
    /// table 2), the Beta form's root by bisection to machine precision; `None` when there
    /// is none in (0, 1).
    pub fn headcount(&self, mean: f64, line: f64) -> Option<f64> {
        let target = line / mean;
        match *self {
            Form::Quadratic { a, b, c } => {
                let k = keys(a, b, c);
                let bu = b + 2.0 * target;
                let h = -(k.n + k.r * bu / (bu * bu - k.m).sqrt()) / (2.0 * k.m);
                h.is_finite().then_some(h)
            }
            Form::Beta { .. } => {
                let f = |p: f64| self.slope(p) - target;
                // The first sign change on a fine grid, then bisection.
                let grid: Vec<f64> = (1..2000).map(|i| i as f64 / 2000.0).collect();
                let mut lo = 1e-9;
                let mut f_lo = f(lo);
                if f_lo.is_nan() {
                    return None;
                }
                if f_lo > 0.0 {
                    return Some(0.0);
                }
                let mut hi = None;
                for &p in &grid {
                    let v = f(p);
                    if v >= 0.0 {
                        hi = Some(p);
                        break;
                    }
                    lo = p;
                    f_lo = v;
                }
                // Past the grid: the Beta curve's slope rises without bound towards p = 1
                // when δ < 1, so a high line still crosses it, in (0.9995, 1).
                let edge = 1.0 - 1e-12;
                let mut hi = match hi {
                    Some(h) => h,
                    None if f(edge) >= 0.0 => edge,
                    None => return None,
                };
                let _ = f_lo;
                for _ in 0..200 {
                    let mid = 0.5 * (lo + hi);
                    if mid <= lo || mid >= hi {
                        break;
                    }
                    if f(mid) < 0.0 {
                        lo = mid;
                    } else {
                        hi = mid;
                    }
                }
                Some(0.5 * (lo + hi))
            }
        }
    }

    /// FGT(1) `P₁ = H − (μ/z) L(H)` (Datt 1998, table 2; both forms).
    pub fn poverty_gap(&self, mean: f64, line: f64, h: f64) -> f64 {
        h - mean / line * self.value(h)
    }

    /// FGT(2) `P₂ = ∫₀ᴴ (1 − μL′(p)/z)² dp`: the quadratic form's closed form (Datt 1998,
    /// table 2; wbpip `gd_compute_pov_severity_lq`), the Beta form integrated.
    pub fn poverty_severity(&self, mean: f64, line: f64, h: f64) -> f64 {
        let u = mean / line;
        match *self {
            Form::Quadratic { a, b, c } => {
                let k = keys(a, b, c);
                let p1 = self.poverty_gap(mean, line, h);
                2.0 * p1
                    - h
                    - u * u
                        * (a * h + b * self.value(h)
                            - (k.r / 16.0) * ((1.0 - h / k.s1) / (1.0 - h / k.s2)).ln())
            }
            Form::Beta { .. } => integrate(
                |p| {
                    let g = 1.0 - u * self.slope(p);
                    g * g
                },
                0.0,
                h,
            ),
        }
    }

    /// Watts `H ln(z/μ) − ∫₀ᴴ ln L′(p) dp`; NaN where `L′ ≤ 0` below H.
    pub fn watts(&self, mean: f64, line: f64, h: f64) -> f64 {
        h * (line / mean).ln() - integrate(|p| self.slope(p).ln(), 0.0, h)
    }

    /// Mean log deviation `−∫₀¹ ln L′(p) dp`; NaN where `L′ ≤ 0`.
    pub fn mld(&self) -> f64 {
        -integrate(|p| self.slope(p).ln(), 0.0, 1.0)
    }

    /// Sum of squared residuals `Σ (Lᵢ − L̂(pᵢ))²` over all points, and over the points up to
    /// the first one at or above the headcount (PIP's `sse` and `ssez`).
    pub fn residuals(&self, p: &[f64], l: &[f64], h: Option<f64>) -> (f64, f64) {
        let sq: Vec<f64> = p
            .iter()
            .zip(l)
            .map(|(&pi, &li)| (li - self.value(pi)).powi(2))
            .collect();
        let sse = sq.iter().sum();
        let ssez = match h {
            Some(h) => {
                let upto = (p.iter().filter(|&&pi| pi < h.min(1.0)).count() + 1).min(sq.len());
                sq[..upto].iter().sum()
            }
            None => f64::NAN,
        };
        (sse, ssez)
    }
}
