//! Replicate-weight variance: Rao–Wu rescaling bootstrap, delete-one-PSU jackknife (JKn),
//! balanced repeated replication (BRR) and Fay's BRR, and replicate weights shipped with a
//! file. Factors are stored per PSU (R × P), never as an n × R weight matrix; every
//! replicate reuses the full sample's sort.

use super::design::Design;
use super::Tick;
use crate::error::{Error, Location, Result, Setting};
use crate::kernel::random::SplitMix64;
use crate::measure::{Measure, Options};
use crate::sample::SortedSample;
use ndarray::Array2;
use rayon::prelude::*;

/// How replicates are formed.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum ReplicateMethod {
    /// Rao–Wu rescaling bootstrap: in each stratum draw `n_h − 1` PSUs with replacement;
    /// a PSU drawn `r` times gets the factor `1 − λ + λ·r·n_h/(n_h − 1)`,
    /// `λ = √(1 − f_h)`. Variance `Σ (θ_r − θ̄)² / (R − 1)`.
    Bootstrap { replicates: usize, seed: u64 },
    /// Delete-one-PSU jackknife (JKn): the deleted PSU gets 0, the others in its stratum
    /// `n_h/(n_h − 1)`. Variance `Σ_r (1 − f_h)(n_h − 1)/n_h (θ_r − θ̄)²`.
    Jackknife,
    /// BRR: every stratum has exactly two PSUs; in replicate r the PSUs get 2 and 0 by the
    /// Sylvester–Hadamard pattern (row h + 1 for stratum h, R the smallest power of two
    /// above the number of strata). Variance `Σ (θ_r − θ̄)² / R`.
    Brr,
    /// Fay's BRR with factor ρ: 2 − ρ and ρ instead of 2 and 0. Variance
    /// `Σ (θ_r − θ̄)² / (R (1 − ρ)²)`.
    Fay { rho: f64 },
}

enum Weights {
    /// Factor per (replicate, PSU).
    PsuFactors(Array2<f64>),
    /// Weight per (replicate, observation in input order), from the file.
    Observation(Array2<f64>),
}

/// A set of replicates with the constants of its variance formula.
pub struct Replicates {
    weights: Weights,
    /// Per-replicate multiplier (JKn: (1 − f_h)(n_h − 1)/n_h).
    rscales: Vec<f64>,
    scale: f64,
    /// Centre on the full-sample estimate (`mse`) instead of the replicates' mean.
    mse: bool,
    /// For percentile intervals: only meaningful for the bootstrap.
    percentile_ok: bool,
}

impl Replicates {
    /// Builds the replicates of `method` for `design`.
    ///
    /// # Errors
    /// BRR / Fay on a design whose strata do not all have exactly two PSUs; a bootstrap with
    /// fewer than 2 replicates; ρ outside [0, 1).
    pub fn new(method: ReplicateMethod, design: &Design) -> Result<Self> {
        match method {
            ReplicateMethod::Bootstrap { replicates, seed } => bootstrap(design, replicates, seed),
            ReplicateMethod::Jackknife => Ok(jackknife(design)),
            ReplicateMethod::Brr => brr(design, 0.0),
            ReplicateMethod::Fay { rho } => {
                if !(0.0..1.0).contains(&rho) {
                    return Err(Error::InvalidParameter {
                        name: "Fay rho",
                        value: rho.to_string(),
                        expected: "a number in [0, 1)".into(),
                    });
                }
                brr(design, rho)
            }
        }
    }

    /// Replicate weights shipped with the data: `weights` is R × n (replicate, observation in
    /// input order); variance `scale · Σ (θ_r − θ̄)²` (or centred on the full estimate with
    /// `mse`).
    pub fn given(weights: Array2<f64>, scale: f64, mse: bool) -> Self {
        let r = weights.nrows();
        Replicates {
            weights: Weights::Observation(weights),
            rscales: vec![1.0; r],
            scale,
            mse,
            percentile_ok: false,
        }
    }

    /// Number of replicates.
    pub fn count(&self) -> usize {
        self.rscales.len()
    }

    /// Whether percentile intervals make sense (bootstrap replicates).
    pub fn allows_percentile(&self) -> bool {
        self.percentile_ok
    }

    /// The weights of replicate `r` in the sample's sorted order. `psu[k]` is the PSU of
    /// sorted observation k; `sample.labels()` maps sorted positions to input order for
    /// observation-level replicate weights.
    fn weights_for(&self, r: usize, sample: &SortedSample, psu: &[u32]) -> Vec<f64> {
        match &self.weights {
            Weights::PsuFactors(f) => {
                let row = f.row(r);
                (0..sample.len())
                    .map(|k| sample.weight(k) * row[psu[k] as usize])
                    .collect()
            }
            Weights::Observation(w) => {
                let row = w.row(r);
                let labels = sample
                    .labels()
                    .expect("observation replicate weights need a labelled sample");
                labels.iter().map(|&i| row[i as usize]).collect()
            }
        }
    }

    /// Every measure on every replicate (outer: replicate, inner: measure). Replicates run
    /// in parallel; each is computed exactly as the full sample is, so results are
    /// bit-identical on any number of threads. A replicate in which a measure is undefined
    /// (e.g. a domain that lost all its weight) gives NaN there. `tick` is called once per
    /// finished replicate (for a progress display); when it returns `false` the run stops.
    ///
    /// # Errors
    /// [`Error::Cancelled`] when `tick` asked to stop.
    pub fn estimates(
        &self,
        sample: &SortedSample,
        psu: &[u32],
        measures: &[Measure],
        options: &Options,
        tick: Tick<'_>,
    ) -> Result<Vec<Vec<f64>>> {
        let done: Vec<Vec<f64>> = (0..self.count())
            .into_par_iter()
            .map(|r| {
                let values = match sample.reweighted(self.weights_for(r, sample, psu)) {
                    Ok(rep) => measures
                        .iter()
                        .map(|m| m.evaluate(&rep, options).map_or(f64::NAN, |e| e.value))
                        .collect(),
                    Err(_) => vec![f64::NAN; measures.len()],
                };
                tick().then_some(values)
            })
            .while_some()
            .collect();
        if done.len() < self.count() {
            return Err(Error::Cancelled);
        }
        Ok(done)
    }

    /// Variance from replicate estimates `thetas` (NaN ones are dropped and counted) and the
    /// full-sample estimate.
    pub fn variance(&self, full: f64, thetas: &[f64]) -> (f64, usize) {
        let finite: Vec<(f64, f64)> = thetas
            .iter()
            .zip(&self.rscales)
            .filter(|(t, _)| t.is_finite())
            .map(|(&t, &s)| (t, s))
            .collect();
        let dropped = thetas.len() - finite.len();
        if finite.is_empty() {
            return (f64::NAN, dropped);
        }
        let centre = if self.mse {
            full
        } else {
            let mut m = crate::kernel::sum::Compensated::ZERO;
            finite.iter().for_each(|(t, _)| m.add(*t));
            m.value() / finite.len() as f64
        };
        let mut v = crate::kernel::sum::Compensated::ZERO;
        for (t, s) in &finite {
            v.add(s * (t - centre) * (t - centre));
        }
        (self.scale * v.value(), dropped)
    }
}

fn bootstrap(design: &Design, replicates: usize, seed: u64) -> Result<Replicates> {
    if replicates < 2 {
        return Err(Error::InvalidParameter {
            name: "number of replicates",
            value: replicates.to_string(),
            expected: "at least 2".into(),
        });
    }
    let p = design.psu_count();
    // PSUs of each stratum, in PSU order.
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); design.stratum_count()];
    for psu in 0..p {
        members[design.stratum_of(psu)].push(psu);
    }
    let rows: Vec<Vec<f64>> = (0..replicates)
        .into_par_iter()
        .map(|r| {
            let mut rng = SplitMix64::for_stream(seed, r as u64);
            let mut factors = vec![1.0; p];
            for (h, psus) in members.iter().enumerate() {
                let n_h = psus.len();
                if n_h < 2 {
                    continue; // a lonely PSU keeps its weight: it contributes no variance
                }
                let m = n_h - 1;
                let mut counts = vec![0u32; n_h];
                for _ in 0..m {
                    counts[rng.below(n_h as u64) as usize] += 1;
                }
                let lambda = (1.0 - design.fraction(h)).sqrt();
                for (i, &psu) in psus.iter().enumerate() {
                    factors[psu] =
                        1.0 - lambda + lambda * f64::from(counts[i]) * n_h as f64 / m as f64;
                }
            }
            factors
        })
        .collect();
    Ok(Replicates {
        weights: Weights::PsuFactors(to_array(rows, p)),
        rscales: vec![1.0; replicates],
        scale: 1.0 / (replicates as f64 - 1.0),
        mse: false,
        percentile_ok: true,
    })
}

fn jackknife(design: &Design) -> Replicates {
    let p = design.psu_count();
    let mut rows = Vec::new();
    let mut rscales = Vec::new();
    for deleted in 0..p {
        let h = design.stratum_of(deleted);
        let n_h = design.psus_in(h) as f64;
        if n_h < 2.0 {
            // Deleting a stratum's only PSU says nothing about variance (such strata exist
            // only under a lonely-PSU policy other than `error`).
            continue;
        }
        let mut factors = vec![1.0; p];
        for (psu, f) in factors.iter_mut().enumerate() {
            if design.stratum_of(psu) == h {
                *f = if psu == deleted {
                    0.0
                } else {
                    n_h / (n_h - 1.0)
                };
            }
        }
        rows.push(factors);
        rscales.push((1.0 - design.fraction(h)) * (n_h - 1.0) / n_h);
    }
    Replicates {
        weights: Weights::PsuFactors(to_array(rows, p)),
        rscales,
        scale: 1.0,
        mse: false,
        percentile_ok: false,
    }
}

fn brr(design: &Design, rho: f64) -> Result<Replicates> {
    let strata = design.stratum_count();
    let mut pairs: Vec<Vec<usize>> = vec![Vec::new(); strata];
    for psu in 0..design.psu_count() {
        pairs[design.stratum_of(psu)].push(psu);
    }
    if let Some((h, psus)) = pairs.iter().enumerate().find(|(_, v)| v.len() != 2) {
        return Err(Error::InvalidDesign {
            location: Location::Argument("design"),
            problem: format!("BRR needs exactly two PSUs in every stratum, but stratum {} has {}", h + 1, psus.len()),
            fix: "use the jackknife or the bootstrap, or pair the PSUs into two half-samples per stratum".into(),
            setting: Some(Setting::SeMethod),
        });
    }
    // Smallest power of two with a row for every stratum besides the all-ones row 0.
    let r = (strata + 1).next_power_of_two();
    let rows: Vec<Vec<f64>> = (0..r)
        .map(|rep| {
            let mut factors = vec![1.0; design.psu_count()];
            for (h, psus) in pairs.iter().enumerate() {
                // Sylvester–Hadamard entry H[h+1][rep] = (−1)^popcount((h+1) & rep).
                let plus = ((h + 1) & rep).count_ones() % 2 == 0;
                let (first, second) = if plus {
                    (2.0 - rho, rho)
                } else {
                    (rho, 2.0 - rho)
                };
                factors[psus[0]] = first;
                factors[psus[1]] = second;
            }
            factors
        })
        .collect();
    Ok(Replicates {
        weights: Weights::PsuFactors(to_array(rows, design.psu_count())),
        rscales: vec![1.0; r],
        scale: 1.0 / (r as f64 * (1.0 - rho) * (1.0 - rho)),
        mse: false,
        percentile_ok: false,
    })
}

fn to_array(rows: Vec<Vec<f64>>, cols: usize) -> Array2<f64> {
    let r = rows.len();
    Array2::from_shape_vec((r, cols), rows.into_iter().flatten().collect())
        .expect("every replicate row has one factor per PSU")
}
