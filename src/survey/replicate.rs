//! Replicate-weight variance: Rao–Wu rescaling bootstrap, delete-one-PSU jackknife (JKn),
//! balanced repeated replication (BRR) and Fay's BRR, and replicate weights shipped with a
//! file. A replicate's factors per PSU are generated when the replicate is evaluated (the
//! bootstrap from the replicate's own random stream), so memory does not grow with the
//! number of replicates; never an n × R weight matrix; every replicate reuses the full
//! sample's sort. The groups (domains) of one design share each replicate's PSU factors,
//! made once, when all rows fit in a bounded cache (R × PSUs numbers, at most 1 GiB).

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
    /// A factor per PSU, made for each replicate when it is evaluated.
    PsuFactors(Factors),
    /// Weight per (replicate, observation in input order), from the file.
    Observation(Array2<f64>),
}

/// What a replicate's PSU factors are made from.
enum Factors {
    /// Rao–Wu: per stratum its PSUs and `λ = √(1 − f_h)`; replicate r draws from the stream
    /// `(seed, r)`, so a replicate's factors do not depend on which others run.
    Bootstrap {
        seed: u64,
        psus: usize,
        members: Vec<Vec<usize>>,
        lambda: Vec<f64>,
    },
    /// JKn: the PSU each replicate deletes, and the PSUs of every stratum.
    Jackknife {
        psus: usize,
        deleted: Vec<usize>,
        stratum_of: Vec<usize>,
        members: Vec<Vec<usize>>,
    },
    /// BRR / Fay: the two PSUs of every stratum and ρ.
    Brr {
        psus: usize,
        pairs: Vec<[usize; 2]>,
        rho: f64,
    },
}

impl Factors {
    /// The factor of every PSU in replicate `r`.
    fn row(&self, r: usize) -> Vec<f64> {
        match self {
            Factors::Bootstrap {
                seed,
                psus,
                members,
                lambda,
            } => {
                let mut rng = SplitMix64::for_stream(*seed, r as u64);
                let mut factors = vec![1.0; *psus];
                for (h, stratum) in members.iter().enumerate() {
                    let n_h = stratum.len();
                    if n_h < 2 {
                        continue; // a lonely PSU keeps its weight: it contributes no variance
                    }
                    let m = n_h - 1;
                    let mut counts = vec![0u32; n_h];
                    for _ in 0..m {
                        counts[rng.below(n_h as u64) as usize] += 1;
                    }
                    for (i, &psu) in stratum.iter().enumerate() {
                        factors[psu] = 1.0 - lambda[h]
                            + lambda[h] * f64::from(counts[i]) * n_h as f64 / m as f64;
                    }
                }
                factors
            }
            Factors::Jackknife {
                psus,
                deleted,
                stratum_of,
                members,
            } => {
                let mut factors = vec![1.0; *psus];
                let stratum = &members[stratum_of[deleted[r]]];
                let n_h = stratum.len() as f64;
                for &psu in stratum {
                    factors[psu] = if psu == deleted[r] {
                        0.0
                    } else {
                        n_h / (n_h - 1.0)
                    };
                }
                factors
            }
            Factors::Brr { psus, pairs, rho } => {
                let mut factors = vec![1.0; *psus];
                for (h, pair) in pairs.iter().enumerate() {
                    // Sylvester–Hadamard entry H[h+1][r] = (−1)^popcount((h+1) & r).
                    let plus = ((h + 1) & r).count_ones() % 2 == 0;
                    let (first, second) = if plus {
                        (2.0 - rho, *rho)
                    } else {
                        (*rho, 2.0 - rho)
                    };
                    factors[pair[0]] = first;
                    factors[pair[1]] = second;
                }
                factors
            }
        }
    }
}

/// The most memory the factor rows shared by the groups of one design may take: 1 GiB, and
/// never more than an eighth of the memory available.
const ROW_CACHE_BYTES: u64 = 1 << 30;

/// A set of replicates with the constants of its variance formula.
pub struct Replicates {
    weights: Weights,
    /// Each replicate's PSU factors, made once by the first group (domain) that needs them
    /// and shared by the others, when all rows fit in [`ROW_CACHE_BYTES`]: with many groups
    /// of one design, making every row again for every group would cost groups × replicates
    /// × PSUs. The rows are the same numbers either way.
    rows: Option<Vec<std::sync::OnceLock<Vec<f64>>>>,
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
        let replicates = match method {
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
        }?;
        Ok(replicates.with_row_cache())
    }

    /// Replicate weights shipped with the data: `weights` is R × n (replicate, observation in
    /// input order); variance `scale · Σ (θ_r − θ̄)²` (or centred on the full estimate with
    /// `mse`).
    pub fn given(weights: Array2<f64>, scale: f64, mse: bool) -> Self {
        let r = weights.nrows();
        Replicates {
            weights: Weights::Observation(weights),
            rows: None,
            rscales: vec![1.0; r],
            scale,
            mse,
            percentile_ok: false,
        }
    }

    /// Shares the factor rows between the groups that use these replicates when they fit
    /// (see [`ROW_CACHE_BYTES`]).
    fn with_row_cache(mut self) -> Self {
        let bytes = (self.count() as u64)
            .saturating_mul(self.psu_count() as u64)
            .saturating_mul(8);
        let budget = crate::memory::available()
            .map_or(ROW_CACHE_BYTES, |(a, _)| (a / 8).min(ROW_CACHE_BYTES));
        if matches!(self.weights, Weights::PsuFactors(_)) && bytes <= budget {
            self.rows = Some(
                (0..self.count())
                    .map(|_| std::sync::OnceLock::new())
                    .collect(),
            );
        }
        self
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
                let made;
                let row: &[f64] = match &self.rows {
                    Some(rows) => rows[r].get_or_init(|| f.row(r)),
                    None => {
                        made = f.row(r);
                        &made
                    }
                };
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
        self.check_memory(sample.len(), measures.len())?;
        let done: Vec<Vec<f64>> = (0..self.count())
            .into_par_iter()
            .map(|r| {
                let values = match sample.reweighted(self.weights_for(r, sample, psu)) {
                    Ok(rep) => measures
                        .iter()
                        .map(|m| {
                            m.evaluate_stored(&rep, options)
                                .map_or(f64::NAN, |e| e.value)
                        })
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

    /// An upper estimate of the memory a replicate run over `rows` observations and
    /// `measures` measures holds at its peak, in bytes: per replicate its estimates (a vector
    /// of `measures` numbers with its header and allocator rounding) and its scale; per
    /// thread a replicate's weights and reweighted sample (≤ 5 numbers per row); the shipped
    /// replicate-weight matrix is already in memory. Groups run in parallel, so every thread
    /// may hold a group's run at once.
    pub fn peak_memory(&self, rows: usize, measures: usize) -> u64 {
        let threads = rayon::current_num_threads() as u64;
        let per_replicate = 8 * measures.max(2) as u64 + 48 + 8;
        let per_thread = 5 * 8 * rows as u64 + 8 * self.psu_count() as u64;
        threads * (self.count() as u64 * per_replicate + per_thread)
    }

    fn psu_count(&self) -> usize {
        match &self.weights {
            Weights::PsuFactors(Factors::Bootstrap { psus, .. })
            | Weights::PsuFactors(Factors::Jackknife { psus, .. })
            | Weights::PsuFactors(Factors::Brr { psus, .. }) => *psus,
            Weights::Observation(_) => 0,
        }
    }

    /// Refuses a run whose [`Self::peak_memory`] exceeds the memory available (Linux
    /// `MemAvailable`, or `GINIKIT_MEMORY_LIMIT` in bytes or with a K/M/G suffix), before any
    /// replicate is made: a run the system would kill for memory stops with the numbers and
    /// the fix instead.
    fn check_memory(&self, rows: usize, measures: usize) -> Result<()> {
        crate::memory::require(
            || {
                format!(
                    "{} replicates of {measures} measure(s) on {rows} observations",
                    self.count()
                )
            },
            self.peak_memory(rows, measures),
            "use fewer replicates, or fewer measures or groups per run",
            None,
        )
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

/// The PSUs of each stratum, in PSU order.
fn stratum_members(design: &Design) -> Vec<Vec<usize>> {
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); design.stratum_count()];
    for psu in 0..design.psu_count() {
        members[design.stratum_of(psu)].push(psu);
    }
    members
}

fn bootstrap(design: &Design, replicates: usize, seed: u64) -> Result<Replicates> {
    if replicates < 2 {
        return Err(Error::InvalidParameter {
            name: "number of replicates",
            value: replicates.to_string(),
            expected: "at least 2".into(),
        });
    }
    let lambda = (0..design.stratum_count())
        .map(|h| (1.0 - design.fraction(h)).sqrt())
        .collect();
    Ok(Replicates {
        rows: None,
        weights: Weights::PsuFactors(Factors::Bootstrap {
            seed,
            psus: design.psu_count(),
            members: stratum_members(design),
            lambda,
        }),
        rscales: vec![1.0; replicates],
        scale: 1.0 / (replicates as f64 - 1.0),
        mse: false,
        percentile_ok: true,
    })
}

fn jackknife(design: &Design) -> Replicates {
    let members = stratum_members(design);
    let mut deleted = Vec::new();
    let mut rscales = Vec::new();
    for psu in 0..design.psu_count() {
        let h = design.stratum_of(psu);
        let n_h = members[h].len() as f64;
        if n_h < 2.0 {
            // Deleting a stratum's only PSU says nothing about variance (such strata exist
            // only under a lonely-PSU policy other than `error`).
            continue;
        }
        deleted.push(psu);
        rscales.push((1.0 - design.fraction(h)) * (n_h - 1.0) / n_h);
    }
    Replicates {
        rows: None,
        weights: Weights::PsuFactors(Factors::Jackknife {
            psus: design.psu_count(),
            deleted,
            stratum_of: (0..design.psu_count())
                .map(|p| design.stratum_of(p))
                .collect(),
            members,
        }),
        rscales,
        scale: 1.0,
        mse: false,
        percentile_ok: false,
    }
}

fn brr(design: &Design, rho: f64) -> Result<Replicates> {
    let members = stratum_members(design);
    if let Some((h, psus)) = members.iter().enumerate().find(|(_, v)| v.len() != 2) {
        return Err(Error::InvalidDesign {
            location: Location::Argument("design"),
            problem: format!("BRR needs exactly two PSUs in every stratum, but stratum {} has {}", h + 1, psus.len()),
            fix: "use the jackknife or the bootstrap, or pair the PSUs into two half-samples per stratum".into(),
            setting: Some(Setting::SeMethod),
        });
    }
    // Smallest power of two with a row for every stratum besides the all-ones row 0.
    let r = (members.len() + 1).next_power_of_two();
    Ok(Replicates {
        rows: None,
        weights: Weights::PsuFactors(Factors::Brr {
            psus: design.psu_count(),
            pairs: members.iter().map(|m| [m[0], m[1]]).collect(),
            rho,
        }),
        rscales: vec![1.0; r],
        scale: 1.0 / (r as f64 * (1.0 - rho) * (1.0 - rho)),
        mse: false,
        percentile_ok: false,
    })
}
