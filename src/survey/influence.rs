//! Influence (linearized) values: for an estimator θ(w) written as a function of the
//! weights, `zₖ = ∂θ/∂wₖ`, so that `θ̂ − θ ≈ Σₖ (wₖ − Wₖ) zₖ` and the design variance of θ̂
//! is that of the total `Σₖ wₖ zₖ` (Deville 1999; Osier 2009; Langel & Tillé 2013).
//!
//! Each function returns one value per sorted position of the sample. Observations outside
//! the positive part (for measures that need positive values) get 0.

use crate::error::Result;
use crate::kernel::normal::pdf;
use crate::kernel::BLOCK;
use crate::measure::gini::{gini, GiniConvention};
use crate::measure::positive::{positive_part, PositivePart};
use crate::measure::{lorenz, quantile, Measure, Options};
use crate::sample::SortedSample;
use rayon::prelude::*;

/// Influence values of `measure` on `sample`.
///
/// Gini: with `A = Σ wᵢxᵢ(2Cᵢ − wᵢ)`, `N = Σ w`, `T = Σ wx`, `G = A/(NT) − 1`, the exact
/// derivative is `zₖ = 2(xₖ C̃ₖ + T − S̃ₖ)/(NT) − (G + 1)(1/N + xₖ/T)`, where `C̃ₖ, S̃ₖ` are the
/// cumulative weight and weighted value through the *end* of xₖ's group of ties (the
/// estimator is symmetric in tied observations, so its derivative is too). This is Langel
/// & Tillé's (2013) linearization of the Gini, written for the midpoint estimator.
pub fn influence(measure: &Measure, sample: &SortedSample, options: &Options) -> Result<Vec<f64>> {
    match *measure {
        Measure::Gini => gini_influence(sample, options.gini),
        Measure::Mean => {
            let (n, mu) = (sample.total_weight(), sample.mean());
            Ok(sample.values().iter().map(|&x| (x - mu) / n).collect())
        }
        Measure::TheilT => entropy_influence(sample, options, 1.0, measure),
        Measure::MeanLogDeviation => entropy_influence(sample, options, 0.0, measure),
        Measure::GeneralizedEntropy(a) => entropy_influence(sample, options, a, measure),
        Measure::Atkinson(e) => atkinson_influence(sample, options, e, measure),
        Measure::Share(a, b) => share_influence(sample, a, b),
        Measure::Palma => ratio_influence(sample, (0.9, 1.0), (0.0, 0.4)),
        Measure::S80S20 => ratio_influence(sample, (0.8, 1.0), (0.0, 0.2)),
        Measure::Median => quantile_influence(sample, 0.5),
        Measure::Quantile(p) => quantile_influence(sample, p),
        Measure::CoefficientOfVariation => cv_influence(sample),
    }
}

fn gini_influence(sample: &SortedSample, convention: GiniConvention) -> Result<Vec<f64>> {
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

fn entropy_influence(
    sample: &SortedSample,
    options: &Options,
    alpha: f64,
    measure: &Measure,
) -> Result<Vec<f64>> {
    let part = positive_part(sample, options.non_positive, &measure.name())?;
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
    Ok(z)
}

fn atkinson_influence(
    sample: &SortedSample,
    options: &Options,
    epsilon: f64,
    measure: &Measure,
) -> Result<Vec<f64>> {
    let part: PositivePart = positive_part(sample, options.non_positive, &measure.name())?;
    let (n, mu) = (part.total_weight, part.mean());
    let range = part.range(sample);
    let x = sample.values();
    let mut z = vec![0.0; x.len()];
    if epsilon == 1.0 {
        let [sl] = sample.sums_over(range.clone(), |x, w| [w * (x / mu).ln()]);
        let ratio = (sl / n).exp(); // EDE/μ
        let mean_log_ratio = sl / n;
        for k in range {
            let d_ede = ((x[k] / mu).ln() - mean_log_ratio) / n;
            z[k] = -ratio * (d_ede - (x[k] - mu) / (mu * n));
        }
    } else {
        let e = 1.0 - epsilon;
        let [s] = sample.sums_over(range.clone(), |x, w| [w * (x / mu).powf(e)]);
        let m = s / n; // mean of (x/μ)^(1−ε)
        let ratio = m.powf(1.0 / e); // EDE/μ
        for k in range {
            let d_ede = ((x[k] / mu).powf(e) / m - 1.0) / (e * n);
            z[k] = -ratio * (d_ede - (x[k] - mu) / (mu * n));
        }
    }
    Ok(z)
}

/// `∂S(p)/∂wₖ` for the cumulative value of the poorest fraction p:
/// `xₖ·1(xₖ ≤ q_p) − q_p (1(xₖ ≤ q_p) − p)` (Osier 2009), q_p the p-quantile.
fn cumulative_value_influence(sample: &SortedSample, p: f64) -> Result<Vec<f64>> {
    let x = sample.values();
    if p <= 0.0 {
        return Ok(vec![0.0; x.len()]);
    }
    if p >= 1.0 {
        return Ok(x.to_vec());
    }
    let q = quantile::quantile(sample, p)?;
    Ok(x.iter()
        .map(|&v| {
            let below = if v <= q { 1.0 } else { 0.0 };
            v * below - q * (below - p)
        })
        .collect())
}

fn share_influence(sample: &SortedSample, a: f64, b: f64) -> Result<Vec<f64>> {
    let t = sample.total_value();
    let share = crate::measure::shares::share(sample, a, b)?;
    let sa = cumulative_value_influence(sample, a)?;
    let sb = cumulative_value_influence(sample, b)?;
    Ok(sample
        .values()
        .iter()
        .zip(sa.iter().zip(&sb))
        .map(|(&x, (&da, &db))| (db - da) / t - share * x / t)
        .collect())
}

fn ratio_influence(sample: &SortedSample, top: (f64, f64), bottom: (f64, f64)) -> Result<Vec<f64>> {
    let a = crate::measure::shares::share(sample, top.0, top.1)?;
    let b = crate::measure::shares::share(sample, bottom.0, bottom.1)?;
    let za = share_influence(sample, top.0, top.1)?;
    let zb = share_influence(sample, bottom.0, bottom.1)?;
    let r = a / b;
    Ok(za
        .iter()
        .zip(&zb)
        .map(|(&da, &db)| (da - r * db) / b)
        .collect())
}

/// Gaussian-kernel density of the weighted sample at `q`, bandwidth `h = 0.79 · IQR · N^(−1/5)`
/// (R convey's `densfun`), N the weighted population.
fn density_at(sample: &SortedSample, q: f64) -> Result<f64> {
    let iqr = quantile::quantile(sample, 0.75)? - quantile::quantile(sample, 0.25)?;
    let n = sample.total_weight();
    let h = 0.79 * iqr * n.powf(-0.2);
    if !(h > 0.0) {
        return Ok(f64::NAN);
    }
    let [s] = sample.sums_over(0..sample.len(), |x, w| [w * pdf((x - q) / h)]);
    Ok(s / (n * h))
}

fn quantile_influence(sample: &SortedSample, p: f64) -> Result<Vec<f64>> {
    let q = quantile::quantile(sample, p)?;
    let f = density_at(sample, q)?;
    let n = sample.total_weight();
    Ok(sample
        .values()
        .iter()
        .map(|&v| -((if v <= q { 1.0 } else { 0.0 }) - p) / (n * f))
        .collect())
}

fn cv_influence(sample: &SortedSample) -> Result<Vec<f64>> {
    lorenz::require_positive_total(sample, "the coefficient of variation")?;
    let (n, mu) = (sample.total_weight(), sample.mean());
    let [ss] = sample.sums_over(0..sample.len(), |x, w| [w * (x - mu) * (x - mu)]);
    let var = ss / n;
    let sd = var.sqrt();
    let cv = sd / mu;
    Ok(sample
        .values()
        .iter()
        .map(|&x| {
            let d_var = ((x - mu) * (x - mu) - var) / n;
            d_var / (2.0 * sd * mu) - cv * (x - mu) / (mu * n)
        })
        .collect())
}
