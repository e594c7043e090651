//! Design-based inference: standard errors by linearization or replicates, confidence
//! intervals, design effects.
//!
//! Subgroups are domains: a group's sample is evaluated with the *full* design, PSUs with no
//! member of the group contributing zero totals (linearization) and replicate factors
//! defined on every PSU of the design (replicates).

pub mod design;
pub mod replicate;

use crate::error::Result;
use crate::kernel::normal;
use crate::kernel::sum::Compensated;
use crate::measure::{combine_over, Estimate, InfluenceParts, Measure, Options};
use crate::sample::SortedSample;
use design::Design;
use rayon::prelude::*;
use replicate::Replicates;
use std::sync::Arc;

/// Called once per finished replicate (for a progress display); returning `false` asks the
/// run to stop, which it does after the replicates already under way ([`Error::Cancelled`]).
///
/// [`Error::Cancelled`]: crate::Error::Cancelled
pub type Tick<'a> = &'a (dyn Fn() -> bool + Sync);

/// How the variance is estimated.
pub enum Variance<'a> {
    /// Influence values and the stratified with-replacement PSU formula.
    Linearization,
    /// Replicate weights.
    Replicates(&'a Replicates),
}

/// How confidence intervals are formed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Interval {
    /// `estimate ± z_{(1+level)/2} · se`.
    #[default]
    Normal,
    /// Quantiles of the bootstrap replicate estimates.
    Percentile,
}

/// Standard error, interval and design effect of one estimate.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Inference {
    pub se: f64,
    pub ci_lower: f64,
    pub ci_upper: f64,
    /// Variance over the variance under simple random sampling (with replacement) of the
    /// same number of persons; `None` where no influence function is available.
    pub deff: Option<f64>,
    /// Replicates in which the measure was undefined and which were left out.
    pub replicates_dropped: usize,
}

/// A point estimate with its inference.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct SurveyEstimate {
    pub estimate: Estimate,
    pub inference: Inference,
}

/// Everything about one sample's place in a design.
pub struct DesignedSample<'a> {
    /// The (domain's) sample; for replicate weights shipped with the file, labelled with
    /// each observation's input position.
    pub sample: &'a SortedSample,
    /// PSU number of each sorted observation.
    pub psu: &'a [u32],
    pub design: &'a Design,
    /// Number of persons sampled (for the design effect): Σ household sizes, or rows.
    pub persons: f64,
}

/// Estimates `measures` with standard errors, intervals at `level` and design effects, in the
/// data's units (a sample stored rescaled is scaled back: [`SortedSample::scale`]).
///
/// ```
/// use ginikit::{Measure, SortedSample, measure::Options};
/// use ginikit::survey::{estimate, design::Design, DesignedSample, Interval, Variance};
/// // Ten observations, simple random sampling: the linearized SE of the mean is the
/// // sample standard deviation (divisor n) over √(n − 1)... times √(n/(n−1))/√n·√n, i.e.
/// // sd_{n−1}/√n — the textbook standard error.
/// let x: Vec<f64> = (1..=10).map(f64::from).collect();
/// let s = SortedSample::new(&x, None).unwrap();
/// let psu: Vec<u32> = (0..10).collect();
/// let d = Design::simple(10);
/// let ds = DesignedSample { sample: &s, psu: &psu, design: &d, persons: 10.0 };
/// let r = estimate(&ds, &Variance::Linearization, &[Measure::parse("mean").unwrap()], &Options::default(), 0.95, Interval::Normal, &|| true).unwrap();
/// let sd = (x.iter().map(|v| (v - 5.5) * (v - 5.5)).sum::<f64>() / 9.0).sqrt();
/// assert!((r[0].inference.se - sd / 10f64.sqrt()).abs() < 1e-12);
/// ```
pub fn estimate(
    ds: &DesignedSample<'_>,
    variance: &Variance<'_>,
    measures: &[Measure],
    options: &Options,
    level: f64,
    interval: Interval,
    tick: Tick<'_>,
) -> Result<Vec<SurveyEstimate>> {
    let z_crit = normal::quantile(0.5 + level / 2.0);
    let linearized = matches!(variance, Variance::Linearization);
    run_shared_work(ds.sample, measures, linearized);
    // Point estimates in parallel (each measure's value does not depend on the others or on
    // the threads); the first error in measure order wins.
    let points: Vec<Estimate> = measures
        .par_iter()
        .map(|m| m.evaluate_stored(ds.sample, options))
        .collect::<Vec<Result<Estimate>>>()
        .into_iter()
        .collect::<Result<_>>()?;
    let replicate_values = match variance {
        Variance::Replicates(reps) => {
            Some(reps.estimates(ds.sample, ds.psu, measures, options, tick)?)
        }
        Variance::Linearization => None,
    };
    // Influence values as parts, where the measures have them (their shared work is done).
    let fused = ds.design.is_simple() || ds.sample.len() > SPARSE;
    let parts: Vec<Option<Result<InfluenceParts>>> = measures
        .par_iter()
        .map(|m| m.influence_parts(ds.sample, options).filter(|_| fused))
        .collect();
    // The variances of the measures with parts, [`LANES`] measures to a pass, in parallel.
    let with_parts = sharing_parts_together(
        parts
            .iter()
            .enumerate()
            .filter_map(|(j, p)| Some((j, p.as_ref()?.as_ref().ok()?)))
            .collect(),
    );
    let mut fused_variances: Vec<Option<(Option<f64>, f64)>> = vec![None; measures.len()];
    let passes: Vec<Vec<(Option<f64>, f64)>> = with_parts
        .par_chunks(LANES)
        .map(|chunk| {
            let group: Vec<&InfluenceParts> = chunk.iter().map(|(_, p)| *p).collect();
            variances_of_parts(ds, &group, linearized)
        })
        .collect();
    for (chunk, results) in with_parts.chunks(LANES).zip(passes) {
        for ((j, _), r) in chunk.iter().zip(results) {
            fused_variances[*j] = Some(r);
        }
    }
    // Observations grouped by PSU once for the linearized variances of several measures
    // without parts.
    let vectors = parts.iter().filter(|p| p.is_none()).count();
    let index = match variance {
        Variance::Linearization if vectors > 1 => PsuIndex::new(ds),
        _ => None,
    };
    let one = |j: usize| -> Result<SurveyEstimate> {
        let (m, point) = (&measures[j], &points[j]);
        let (v_linearized, v_srs) = match (&parts[j], fused_variances[j]) {
            (_, Some((v, v_srs))) => (Ok(v), Some(v_srs)),
            (Some(Err(e)), _) if linearized => (Err(e.clone()), None),
            (Some(Err(_)), _) => (Ok(None), None),
            _ => influence_variances(ds, m, options, linearized, index.as_ref()),
        };
        let (var, dropped, thetas) = match (variance, &replicate_values) {
            (Variance::Replicates(reps), Some(values)) => {
                let thetas: Vec<f64> = values.iter().map(|row| row[j]).collect();
                let (v, d) = reps.variance(point.value, &thetas);
                (v, d, Some(thetas))
            }
            _ => (v_linearized?.unwrap_or(0.0), 0, None),
        };
        let se = var.sqrt();
        let (ci_lower, ci_upper) = match (interval, &thetas) {
            (Interval::Percentile, Some(t)) => percentile_interval(t, level),
            _ => (point.value - z_crit * se, point.value + z_crit * se),
        };
        // In the data's units (the variance is computed on the stored numbers).
        let scale = ds.sample.scale();
        Ok(SurveyEstimate {
            estimate: scale.unscale_estimate(m, *point),
            inference: Inference {
                se: scale.unscale(m, se),
                ci_lower: scale.unscale(m, ci_lower),
                ci_upper: scale.unscale(m, ci_upper),
                deff: v_srs.filter(|v| *v > 0.0).map(|v| var / v),
                replicates_dropped: dropped,
            },
        })
    };
    // Measures whose influence vectors are made: a few at a time in parallel (a measure's own
    // passes are partly sequential), at most one vector per thread alive at once; the others
    // all at once. Each measure's numbers do not depend on the others or on the threads, and
    // the first error in measure order wins.
    let mut out = Vec::with_capacity(measures.len());
    let at_once = if vectors == 0 {
        measures.len().max(1)
    } else {
        rayon::current_num_threads().max(1)
    };
    for start in (0..measures.len()).step_by(at_once) {
        let end = (start + at_once).min(measures.len());
        let chunk: Vec<Result<SurveyEstimate>> = (start..end).into_par_iter().map(one).collect();
        for r in chunk {
            out.push(r?);
        }
    }
    Ok(out)
}

/// `measures` (numbered, with their influence parts) ordered so that each run of [`LANES`]
/// reads few distinct vectors: each run starts with the first measure left and takes, one at
/// a time, the measure that adds the fewest vectors the run does not read yet (the first in
/// measure order among equals). A pass reads each vector of its run once, so a run of
/// measures that share parts (a Gini in many ratios) reads less; each measure's variance is
/// formed on a lane of its own, so its bits do not depend on its run.
fn sharing_parts_together(
    mut measures: Vec<(usize, &InfluenceParts)>,
) -> Vec<(usize, &InfluenceParts)> {
    let mut ordered = Vec::with_capacity(measures.len());
    while !measures.is_empty() {
        let mut read: Vec<*const Vec<f64>> = Vec::new();
        for _ in 0..LANES.min(measures.len()) {
            let new_vectors = |parts: &InfluenceParts| {
                let mut new: Vec<*const Vec<f64>> = Vec::new();
                for (_, v) in parts {
                    let v = Arc::as_ptr(v);
                    if !read.contains(&v) && !new.contains(&v) {
                        new.push(v);
                    }
                }
                new
            };
            let best = (0..measures.len())
                .min_by_key(|&i| (new_vectors(measures[i].1).len(), i))
                .expect("a run takes measures only while some are left");
            read.extend(new_vectors(measures[best].1));
            ordered.push(measures.remove(best));
        }
    }
    ordered
}

/// A domain of at most this many observations in a stratified design has its PSU totals
/// summed into a map, and only the strata it touches are visited.
const SPARSE: usize = 1 << 16;

/// The linearized variance (when `linearized`; `Ok(None)` otherwise) and the variance under
/// simple random sampling (`None` without an influence function) of measure `m`. A measure
/// whose influence values are a combination of vectors the sample keeps has them formed one
/// observation at a time in a single pass ([`fused_variances`]): no vector of its own, the
/// same sums in the same order, so the same bits.
fn influence_variances(
    ds: &DesignedSample<'_>,
    m: &Measure,
    options: &Options,
    linearized: bool,
    index: Option<&PsuIndex>,
) -> (Result<Option<f64>>, Option<f64>) {
    let z = m.influence(ds.sample, options);
    let v_srs = z
        .as_ref()
        .ok()
        .map(|z| srs_variance(ds.sample, z, ds.persons));
    let v = match (&z, linearized) {
        (_, false) => Ok(None),
        (Ok(z), true) => Ok(Some(variance_with(ds, z, index))),
        (Err(e), true) => Err(e.clone()),
    };
    (v, v_srs)
}

/// Runs the distinct pieces of work the measures share (see
/// [`crate::measure::SharedWork`]), stage by stage, each stage's jobs in parallel.
fn run_shared_work(sample: &SortedSample, measures: &[Measure], influence: bool) {
    let mut work: Vec<crate::measure::SharedWork> = Vec::new();
    for w in measures.iter().flat_map(|m| m.shared_work(influence)) {
        if !work.iter().any(|x| x.key == w.key) {
            work.push(w);
        }
    }
    let mut stages: Vec<u8> = work.iter().map(|w| w.stage).collect();
    stages.sort_unstable();
    stages.dedup();
    for stage in stages {
        work.par_iter()
            .filter(|w| w.stage == stage)
            .for_each(|w| (w.run)(sample));
    }
}

/// Measures whose variances one pass forms side by side.
const LANES: usize = 4;
/// Observations whose influence values [`variances_of_parts`] forms at a time, for all its
/// measures (4 × 512 values: 16 KiB, in the first-level cache).
const STRETCH: usize = 512;

/// [`LANES`] compensated sums side by side: on each lane the operations of
/// [`Compensated`] (so the same bits), laid out for vector registers.
#[derive(Clone, Copy)]
struct Lanes {
    sum: [f64; LANES],
    compensation: [f64; LANES],
}

impl Lanes {
    const ZERO: Lanes = Lanes {
        sum: [0.0; LANES],
        compensation: [0.0; LANES],
    };

    #[inline(always)]
    // One index over three arrays: the form the compiler turns into vector operations.
    #[allow(clippy::needless_range_loop)]
    fn add(&mut self, x: [f64; LANES]) {
        for l in 0..LANES {
            let t = self.sum[l] + x[l];
            let z = t - self.sum[l];
            self.compensation[l] += (self.sum[l] - (t - z)) + (x[l] - z);
            self.sum[l] = t;
        }
    }

    fn merge(&mut self, other: Lanes) {
        self.add(other.sum);
        for l in 0..LANES {
            self.compensation[l] += other.compensation[l];
        }
    }

    fn value(&self, l: usize) -> f64 {
        self.sum[l] + self.compensation[l]
    }
}

/// For each of up to [`LANES`] measures whose influence values are `z = Σⱼ cⱼ vⱼ`: its
/// [`variance_with`] (when `linearized`) and its [`srs_variance`], with every `zₖ` formed
/// when it is used, in one pass for all of them. The blocks and PSUs are summed in the order
/// those functions sum them (block by block, each PSU in observation order), so the same
/// bits on any number of threads. Needs a simple design or more than [`SPARSE`] observations
/// (the map of a small domain's PSUs is [`variance_with`]'s).
fn variances_of_parts(
    ds: &DesignedSample<'_>,
    group: &[&InfluenceParts],
    linearized: bool,
) -> Vec<(Option<f64>, f64)> {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx") {
        // SAFETY: the processor has AVX.
        return unsafe { variances_of_parts_avx(ds, group, linearized) };
    }
    variances_of_parts_in(ds, group, linearized)
}

/// [`variances_of_parts`] compiled for AVX: the lanes' additions and multiplications on
/// registers twice as wide, the same operations (no fused multiply–add), so the same bits.
///
/// # Safety
/// The processor must have AVX.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx")]
unsafe fn variances_of_parts_avx(
    ds: &DesignedSample<'_>,
    group: &[&InfluenceParts],
    linearized: bool,
) -> Vec<(Option<f64>, f64)> {
    variances_of_parts_in(ds, group, linearized)
}

/// The body of [`variances_of_parts`], for each instruction set.
#[inline(always)]
fn variances_of_parts_in(
    ds: &DesignedSample<'_>,
    group: &[&InfluenceParts],
    linearized: bool,
) -> Vec<(Option<f64>, f64)> {
    use crate::kernel::sum::{block_count, block_range};
    debug_assert!(group.len() <= LANES);
    let n = ds.sample.len();
    let simple = ds.design.is_simple();
    let by_psu = linearized && !simple;
    // PSU p's totals of the measures at `totals[p * LANES ..][.. LANES]`: one cache line.
    let mut totals = vec![
        0.0;
        if by_psu {
            ds.design.psu_count() * LANES
        } else {
            0
        }
    ];
    let (mut srs, mut plain) = ([Lanes::ZERO; 2], [Lanes::ZERO; 2]);
    // Each measure's zₖ over a stretch of the block (no gathers; the same bits as
    // `combine_at`).
    let mut zs = [[0.0f64; STRETCH]; LANES];
    for b in 0..block_count(n) {
        let (mut srs_b, mut plain_b) = ([Lanes::ZERO; 2], [Lanes::ZERO; 2]);
        let block = block_range(b, n);
        for from in block.clone().step_by(STRETCH) {
            let stretch = from..(from + STRETCH).min(block.end);
            for (z, parts) in zs.iter_mut().zip(group) {
                combine_over(parts, stretch.clone(), &mut z[..stretch.len()]);
            }
            // The stretch's plain sums, as in `srs_variance`.
            let (mut s, mut ss) = ([0.0; LANES], [0.0; LANES]);
            for k in stretch.clone() {
                let mut z = [0.0; LANES];
                for (z, stretch_z) in z.iter_mut().zip(&zs) {
                    *z = stretch_z[k - from];
                }
                let w = ds.sample.weight(k);
                let wz = z.map(|z| w * z);
                s = std::array::from_fn(|l| s[l] + wz[l]);
                ss = std::array::from_fn(|l| ss[l] + wz[l] * z[l]);
                if by_psu {
                    let at = ds.psu[k] as usize * LANES;
                    for (t, wz) in totals[at..at + LANES].iter_mut().zip(wz) {
                        *t += wz;
                    }
                } else if linearized {
                    plain_b[0].add(wz);
                    plain_b[1].add(wz.map(|t| t * t));
                }
            }
            srs_b[0].add(s);
            srs_b[1].add(ss);
        }
        for (t, p) in srs.iter_mut().zip(srs_b) {
            t.merge(p);
        }
        for (t, p) in plain.iter_mut().zip(plain_b) {
            t.merge(p);
        }
    }
    let by_psu_variances = by_psu.then(|| ds.design.variances_of_totals::<LANES>(&totals));
    (0..group.len())
        .map(|l| {
            let v = match (linearized, by_psu_variances) {
                (false, _) => None,
                (true, Some(v)) => Some(v[l]),
                (true, None) => Some(simple_from_sums(ds, [plain[0].value(l), plain[1].value(l)])),
            };
            let v_srs = srs_from_sums(ds.sample, [srs[0].value(l), srs[1].value(l)], ds.persons);
            (v, v_srs)
        })
        .collect()
}

/// `Σ_h (1 − f_h) n_h/(n_h − 1) Σ_i (t_hi − t̄_h)²` with PSU totals `t = Σ wₖ zₖ`.
pub fn linearized_variance(ds: &DesignedSample<'_>, z: &[f64]) -> f64 {
    variance_with(ds, z, None)
}

/// [`linearized_variance`], with the observations already grouped by PSU when `index` is
/// given (the same sums in the same order: the same bits).
fn variance_with(ds: &DesignedSample<'_>, z: &[f64], index: Option<&PsuIndex>) -> f64 {
    if ds.design.is_simple() {
        return simple_variance(ds, z);
    }
    // A PSU holds a handful of observations: plain sums in observation order are exact
    // enough, and each PSU's total is the same sum on any number of threads.
    // A domain of at most SPARSE observations in a stratified design: its PSU totals summed
    // in the same order into a map, and only the strata it touches visited — the same
    // numbers, at a cost that does not grow with the PSUs of the whole design.
    if z.len() <= SPARSE {
        let mut touched = crate::kernel::hash::FastMap::<u32, f64>::default();
        for (k, &zk) in z.iter().enumerate() {
            *touched.entry(ds.psu[k]).or_insert(0.0) += ds.sample.weight(k) * zk;
        }
        if let Some(v) = ds.design.variance_of_sparse_total(&touched) {
            return v;
        }
    }
    let totals = match index {
        Some(index) => index.totals(ds, z),
        None => psu_totals(ds, z),
    };
    ds.design.variance_of_total(&totals)
}

/// The observations of each PSU, in observation order (a stable counting sort by PSU), so
/// that each PSU's total is a sum over its own members: the work of one pass per measure
/// instead of one pass per thread, and the same additions in the same order as
/// [`psu_totals`].
struct PsuIndex {
    /// Members of PSU p: `members[start[p]..start[p + 1]]`.
    start: Vec<usize>,
    members: Vec<u32>,
}

impl PsuIndex {
    /// `None` where the plain pass is as cheap (simple designs, small domains).
    fn new(ds: &DesignedSample<'_>) -> Option<Self> {
        if ds.design.is_simple() || ds.psu.len() <= 1 << 16 {
            return None;
        }
        let p = ds.design.psu_count();
        let mut start = vec![0usize; p + 1];
        for &q in ds.psu {
            start[q as usize + 1] += 1;
        }
        for i in 0..p {
            start[i + 1] += start[i];
        }
        let mut next = start.clone();
        let mut members = vec![0u32; ds.psu.len()];
        for (k, &q) in ds.psu.iter().enumerate() {
            members[next[q as usize]] = k as u32;
            next[q as usize] += 1;
        }
        Some(PsuIndex { start, members })
    }

    fn totals(&self, ds: &DesignedSample<'_>, z: &[f64]) -> Vec<f64> {
        (0..self.start.len() - 1)
            .into_par_iter()
            .with_min_len(1 << 10)
            .map(|p| {
                self.members[self.start[p]..self.start[p + 1]]
                    .iter()
                    .fold(0.0, |t, &k| {
                        t + ds.sample.weight(k as usize) * z[k as usize]
                    })
            })
            .collect()
    }
}

/// `t_p = Σ_{k in PSU p} wₖ zₖ` for every PSU, each summed in observation order. The PSUs
/// are split into one range per thread and every thread scans all observations for its
/// range: one array of PSU totals in memory (never one per thread or chunk), and the same
/// bits on any number of threads.
fn psu_totals(ds: &DesignedSample<'_>, z: &[f64]) -> Vec<f64> {
    let p = ds.design.psu_count();
    let mut totals = vec![0.0; p];
    let span = p.div_ceil(rayon::current_num_threads().max(1)).max(1);
    totals.par_chunks_mut(span).enumerate().for_each(|(c, t)| {
        let low = c * span;
        for (k, &zk) in z.iter().enumerate() {
            let q = (ds.psu[k] as usize).wrapping_sub(low);
            if q < t.len() {
                t[q] += ds.sample.weight(k) * zk;
            }
        }
    });
    totals
}

/// The variance of a total when every row of the round is its own PSU in one stratum (no
/// design columns): with `n` rows in the round and `tₖ = wₖzₖ` (zero outside a domain),
/// `v = (1 − f) n/(n − 1) (Σ tₖ² − (Σ tₖ)²/n)` — the stratified formula with one stratum,
/// summed over the domain's own rows only, so a domain costs its rows, not the round's.
fn simple_variance(ds: &DesignedSample<'_>, z: &[f64]) -> f64 {
    let sums = crate::kernel::sum::block_sums(z.len(), |r| {
        let (mut s, mut ss) = (Compensated::ZERO, Compensated::ZERO);
        for k in r {
            let t = ds.sample.weight(k) * z[k];
            s.add(t);
            ss.add(t * t);
        }
        [s, ss]
    });
    simple_from_sums(ds, sums)
}

/// [`simple_variance`] from `[Σ tₖ, Σ tₖ²]`.
fn simple_from_sums(ds: &DesignedSample<'_>, [s, ss]: [f64; 2]) -> f64 {
    let n = ds.design.psu_count() as f64;
    if n <= 1.0 {
        return 0.0;
    }
    (1.0 - ds.design.fraction(0)) * n / (n - 1.0) * (ss - s * s / n).max(0.0)
}

/// Variance under simple random sampling with replacement of `persons` persons:
/// `N² · Σ wₖ(zₖ − z̄)²/N / persons`.
fn srs_variance(sample: &SortedSample, z: &[f64], persons: f64) -> f64 {
    let sums = crate::kernel::sum::block_sums(z.len(), |block| {
        let (mut s, mut ss) = (Compensated::ZERO, Compensated::ZERO);
        // Plain sums over stretches of [`STRETCH`] (a deff needs no more), compensated
        // between them: the additions of [`variances_of_parts`], so the same bits.
        for from in block.clone().step_by(STRETCH) {
            let (mut s_stretch, mut ss_stretch) = (0.0, 0.0);
            let stretch = from..(from + STRETCH).min(block.end);
            for (k, &zk) in stretch.clone().zip(&z[stretch]) {
                let wz = sample.weight(k) * zk;
                s_stretch += wz;
                ss_stretch += wz * zk;
            }
            s.add(s_stretch);
            ss.add(ss_stretch);
        }
        [s, ss]
    });
    srs_from_sums(sample, sums, persons)
}

/// [`srs_variance`] from `[Σ wₖzₖ, Σ wₖzₖ²]`.
fn srs_from_sums(sample: &SortedSample, [s, ss]: [f64; 2], persons: f64) -> f64 {
    let n = sample.total_weight();
    let mean = s / n;
    n * n * (ss / n - mean * mean) / persons
}

/// Type-7 quantiles of the finite replicate estimates at (1 ∓ level)/2.
fn percentile_interval(thetas: &[f64], level: f64) -> (f64, f64) {
    let mut t: Vec<f64> = thetas.iter().copied().filter(|v| v.is_finite()).collect();
    if t.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    t.sort_by(f64::total_cmp);
    let q = |p: f64| {
        let h = (t.len() - 1) as f64 * p;
        let lo = h.floor() as usize;
        let hi = (lo + 1).min(t.len() - 1);
        t[lo] + (h - lo as f64) * (t[hi] - t[lo])
    };
    (q(0.5 - level / 2.0), q(0.5 + level / 2.0))
}

/// The standard normal quantile `Φ⁻¹(p)`, for interval half-widths `Φ⁻¹(0.5 + level/2)·se`.
///
/// ```
/// assert!((ginikit::survey::normal_quantile(0.975) - 1.959963984540054).abs() < 1e-12);
/// ```
pub fn normal_quantile(p: f64) -> f64 {
    normal::quantile(p)
}

/// A change between two independent estimates: `d = later − earlier`,
/// `se = √(se₁² + se₂²)` (the rounds are independent samples), normal interval and
/// two-sided p-value (with se = 0: 0 for a change that is not zero, 1 for no change).
///
/// ```
/// use ginikit::survey::change;
/// let c = change(0.391, 0.0017, 0.384, 0.0017, 0.95);
/// assert!((c.change + 0.007).abs() < 1e-15);
/// assert!((c.se - 0.0017 * 2f64.sqrt()).abs() < 1e-15);
/// assert!(c.p_value < 0.01 && c.ci_upper < 0.0);
/// ```
pub fn change(earlier: f64, se_earlier: f64, later: f64, se_later: f64, level: f64) -> Change {
    let d = later - earlier;
    let se = (se_earlier * se_earlier + se_later * se_later).sqrt();
    let z_crit = normal::quantile(0.5 + level / 2.0);
    Change {
        change: d,
        se,
        ci_lower: d - z_crit * se,
        ci_upper: d + z_crit * se,
        // With no sampling variance left the test is decided by the change itself: p → 0 as
        // se → 0 for any change that is not zero, and no change at all is no evidence (p = 1).
        p_value: if se > 0.0 {
            normal::two_sided_p(d / se)
        } else if se == 0.0 {
            if d == 0.0 {
                1.0
            } else {
                0.0
            }
        } else {
            f64::NAN
        },
    }
}

/// The change between two rounds with its uncertainty.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Change {
    pub change: f64,
    pub se: f64,
    pub ci_lower: f64,
    pub ci_upper: f64,
    pub p_value: f64,
}

impl Change {
    /// Whether the interval excludes zero (the change is distinguishable from zero at the
    /// interval's level).
    pub fn excludes_zero(&self) -> bool {
        self.ci_lower > 0.0 || self.ci_upper < 0.0
    }

    /// `*` when the interval excludes zero, else empty: the mark of the table formats.
    pub fn mark(&self) -> &'static str {
        if self.excludes_zero() {
            "*"
        } else {
            ""
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Location;
    use crate::measure::combine_at;
    use crate::survey::design::{DesignCodes, LonelyPsu};
    use std::sync::Arc;

    /// The variance pass over influence parts gives the bits of the vector path
    /// (`variance_with` and `srs_variance` on the combined influence values), in its plain
    /// form and in its AVX form alike, on a stratified design and on a simple one.
    #[test]
    fn variance_pass_forms_agree_bit_for_bit() {
        let n = 100_000; // more than SPARSE: the pass serves it
        let mut random = crate::kernel::random::SplitMix64::new(20181201);
        let mut next = move || random.next_u64();
        let values: Vec<f64> = (0..n)
            .map(|_| (next() % 1_000_000) as f64 / 7.0 + 1.0)
            .collect();
        let weights: Vec<f64> = (0..n)
            .map(|_| 1.0 + (next() % 1000) as f64 / 13.0)
            .collect();
        let sample = SortedSample::new(&values, Some(&weights)).unwrap();
        // 5,000 PSUs in 50 strata (PSU p lies in stratum p mod 50).
        let psu_codes: Vec<u32> = (0..n).map(|_| (next() % 5000) as u32).collect();
        let strata: Vec<u32> = psu_codes.iter().map(|p| p % 50).collect();
        let (design, psu) = Design::from_codes(
            n,
            DesignCodes {
                strata: Some(&strata),
                psu: Some(&psu_codes),
                ..DesignCodes::default()
            },
            LonelyPsu::Error,
            &|_| Location::Argument("design"),
        )
        .unwrap();
        let simple = Design::simple(n);
        let simple_psu: Vec<u32> = (0..n as u32).collect();
        let vector = |scale: f64, next: &mut dyn FnMut() -> u64| -> Arc<Vec<f64>> {
            Arc::new(
                (0..n)
                    .map(|_| scale * ((next() % 2001) as f64 - 1000.0) / 997.0)
                    .collect(),
            )
        };
        let shared = vector(1.0, &mut next);
        let parts: Vec<InfluenceParts> = (0..LANES)
            .map(|l| {
                vec![
                    (0.5 + l as f64, vector(1e-3, &mut next)),
                    (-0.25, Arc::clone(&shared)),
                ]
            })
            .collect();
        let group: Vec<&InfluenceParts> = parts.iter().collect();
        for (design, psu) in [(&design, &psu), (&simple, &simple_psu)] {
            let ds = DesignedSample {
                sample: &sample,
                psu,
                design,
                persons: 3.0 * n as f64,
            };
            let plain = variances_of_parts_in(&ds, &group, true);
            for (l, p) in parts.iter().enumerate() {
                let z: Vec<f64> = (0..n).map(|k| combine_at(p, k)).collect();
                let (v, v_srs) = plain[l];
                assert_eq!(v.unwrap().to_bits(), variance_with(&ds, &z, None).to_bits());
                assert_eq!(
                    v_srs.to_bits(),
                    srs_variance(&sample, &z, ds.persons).to_bits()
                );
            }
            #[cfg(target_arch = "x86_64")]
            if std::arch::is_x86_feature_detected!("avx") {
                // SAFETY: the processor has AVX.
                let avx = unsafe { variances_of_parts_avx(&ds, &group, true) };
                let bits = |r: &[(Option<f64>, f64)]| -> Vec<(u64, u64)> {
                    r.iter()
                        .map(|(v, s)| (v.unwrap().to_bits(), s.to_bits()))
                        .collect()
                };
                assert_eq!(bits(&avx), bits(&plain));
            }
        }
    }
}
