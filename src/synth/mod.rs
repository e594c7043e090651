//! Susenas-shaped synthetic household tables, calibrated to what BPS publishes.
//!
//! Real Susenas microdata are licensed; these tables have their shape (provinces × urban/rural
//! strata, census blocks of 10 households as PSUs, household sizes, weights, food and non-food
//! expenditure) and reproduce the published figures they are calibrated to:
//!
//! 1. Cells are province × area. For cell c the published Gini `G_c`, poverty line `z_c`,
//!    headcount `P0_c` and poor persons give a log-normal distribution of per-capita
//!    expenditure: `σ_c = √2 Φ⁻¹((1 + G_c)/2)` (the log-normal Gini is `2Φ(σ/√2) − 1`),
//!    `μ_c = ln z_c − σ_c Φ⁻¹(P0_c)` (so a share `P0_c` lies below the poverty line), and the
//!    population `N_c = poor_c / P0_c`.
//! 2. One national calibration: cell locations shrink toward their population-weighted mean,
//!    `μ'_c = m̄ + λ(μ_c − m̄)`, with λ found by bisection so that the population Gini of the
//!    mixture (4,000 mid-quantiles per cell, weights `N_c/4000`) equals the published national
//!    Gini.
//! 3. A sample: blocks allocated to cells ∝ √N_c (at least 20 per cell), 10 households per
//!    block, size `1 + Poisson(2.9)`, `ln x = μ'_c + u_block + e_household` with
//!    `u ~ N(0, ρσ_c²)`, `e ~ N(0, (1−ρ)σ_c²)`, ρ = 0.25; household weights with a log-normal
//!    non-response factor (sd 0.2) scaled so that persons in the cell sum to `N_c`;
//!    expenditure split into food and non-food by a declining food share (Engel), rounded to
//!    whole rupiah.
//!
//! Everything is deterministic for a seed (each cell draws from its own stream), on any
//! number of threads.

use crate::error::{Error, Result};
use crate::kernel::random::SplitMix64;
use crate::measure::gini::{gini, GiniConvention};
use crate::SortedSample;
use rayon::prelude::*;

/// Intra-block correlation of log expenditure (share of σ² that is between blocks).
pub const RHO: f64 = 0.25;
/// Mean of `household size − 1` (Poisson), so the mean size is about 3.9.
pub const SIZE_POISSON_MEAN: f64 = 2.9;
/// Standard deviation of the log non-response factor of household weights.
pub const NONRESPONSE_SD: f64 = 0.2;
/// Households per census block (PSU).
pub const HOUSEHOLDS_PER_BLOCK: usize = 10;
/// Minimum blocks per cell.
pub const MIN_BLOCKS: usize = 20;
/// Grid points per cell for the population Gini of the mixture.
pub const GRID: usize = 4000;

pub use crate::bps::cells::{cells, rounds, Area, Cell};
pub use family::{CellDraw, Family};
pub use programmes::{Receipt, Schedule, Targeting};
pub use report::{synthesize, synthesize_family, CalibrationFigure, Synthesis};

#[cfg(feature = "table")]
pub mod country;
#[cfg(feature = "table")]
mod write;
#[cfg(feature = "table")]
pub use write::{households_frame, write_households};
pub mod family;
pub mod programmes;
mod report;

/// The national calibration of a round.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Calibration {
    /// Population Gini of the calibrated mixture.
    pub achieved_gini: f64,
    /// The cells' family and what they share (see [`family`]): the log-normal's location
    /// shrink, or the common shape of Singh–Maddala and GB2 cells.
    pub shape: family::Shape,
}

impl Calibration {
    /// Cells of `shape`, the national Gini not yet computed.
    pub fn of_shape(shape: family::Shape) -> Calibration {
        Calibration {
            achieved_gini: f64::NAN,
            shape,
        }
    }
}

/// The calibrated population as a deterministic grid: each cell's distribution, and the
/// family's standard variates at the `GRID` mid-quantiles, shared by every cell (each cell's
/// quantile is then [`CellDraw::from_standard`]; for GB2 this makes one inverse incomplete
/// beta per grid point instead of one per cell and point). Made once, used for any subset of
/// the cells.
pub struct Population<'a> {
    pub cells: &'a [Cell],
    /// The distribution of each of `cells`, in order.
    pub draws: Vec<CellDraw>,
    /// The standard variates at the mid-quantiles `(j + ½)/GRID`.
    pub standard: Vec<f64>,
}

impl<'a> Population<'a> {
    pub fn new(cells: &'a [Cell], calibration: &Calibration) -> Population<'a> {
        let draws = CellDraw::of_each(&cells.iter().collect::<Vec<_>>(), calibration);
        let standard = match draws.first() {
            Some(d) => (0..GRID)
                .into_par_iter()
                .map(|j| d.standard((j as f64 + 0.5) / GRID as f64))
                .collect(),
            None => Vec::new(),
        };
        Population {
            cells,
            draws,
            standard,
        }
    }

    /// `GRID` mid-quantiles of each cell that `include` picks, each weighted `N_c / GRID`.
    pub fn grid(&self, include: impl Fn(&Cell) -> bool) -> (Vec<f64>, Vec<f64>) {
        let mut x = Vec::with_capacity(self.cells.len() * GRID);
        let mut w = Vec::with_capacity(self.cells.len() * GRID);
        for (c, draw) in self.cells.iter().zip(&self.draws) {
            if include(c) {
                x.extend(self.standard.iter().map(|&s| draw.from_standard(s)));
                w.extend(std::iter::repeat_n(c.population / GRID as f64, GRID));
            }
        }
        (x, w)
    }
}

fn mixture_gini(cells: &[Cell], calibration: &Calibration) -> Result<f64> {
    let (x, w) = Population::new(cells, calibration).grid(|_| true);
    gini(
        &SortedSample::from_vecs(x, Some(w))?,
        GiniConvention::Midpoint,
    )
}

/// Finds λ by bisection on [0, 1.5] so that the mixture's population Gini equals `target`
/// (to 1e-6; the mixture Gini increases with λ).
pub fn calibrate(cells: &[Cell], target: f64) -> Result<Calibration> {
    let total: f64 = cells.iter().map(|c| c.population).sum();
    let mean_location = cells.iter().map(|c| c.population * c.mu()).sum::<f64>() / total;
    let at = |lambda: f64| {
        Calibration::of_shape(family::Shape::LogNormal {
            lambda,
            mean_location,
        })
    };
    let (lo, hi) = (0.0, 1.5);
    if mixture_gini(cells, &at(lo))? > target || mixture_gini(cells, &at(hi))? < target {
        return Err(Error::InvalidParameter {
            name: "national Gini target",
            value: target.to_string(),
            expected: "a value the cells can reach by shrinking or spreading their locations"
                .into(),
        });
    }
    bisect_gini(cells, target, (lo, hi), 50, at)
}

/// The calibration `at(p)` whose mixture has the Gini `target`, by bisection on `p` in
/// `range` (the mixture's Gini rises with `p`) until within 1e-6, at most `steps` halvings.
fn bisect_gini(
    cells: &[Cell],
    target: f64,
    range: (f64, f64),
    steps: usize,
    at: impl Fn(f64) -> Calibration,
) -> Result<Calibration> {
    let (mut lo, mut hi) = range;
    for _ in 0..steps {
        let mid = 0.5 * (lo + hi);
        let g = mixture_gini(cells, &at(mid))?;
        if (g - target).abs() < 1e-6 {
            lo = mid;
            hi = mid;
            break;
        }
        if g < target {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let mut c = at(0.5 * (lo + hi));
    c.achieved_gini = mixture_gini(cells, &c)?;
    Ok(c)
}

/// A synthetic round, one entry per household (columns as in the Susenas-shaped tables).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Households {
    pub round: String,
    pub household_id: Vec<i64>,
    pub province_code: Vec<i64>,
    pub province: Vec<String>,
    pub area: Vec<&'static str>,
    /// `province_code × 10 + area code` (1 urban, 2 rural).
    pub stratum: Vec<i64>,
    /// Census block number, unique in the round.
    pub psu: Vec<i64>,
    pub household_size: Vec<i64>,
    pub weight: Vec<f64>,
    pub expenditure_per_capita: Vec<i64>,
    pub food_per_capita: Vec<i64>,
    pub nonfood_per_capita: Vec<i64>,
    /// PKH received, rupiah per household per year (0 if none).
    pub pkh: Vec<i64>,
    /// BPNT food vouchers received, rupiah per household per year.
    pub bpnt: Vec<i64>,
    /// Rastra rice received, valued in rupiah per household per year.
    pub rastra: Vec<i64>,
    /// Kube membership (1 member, 0 not).
    pub kube: Vec<i64>,
    /// PKH, BPNT and Rastra per person per month (whole rupiah), in the unit of
    /// `expenditure_per_capita`, which includes what they finance.
    pub pkh_per_capita: Vec<i64>,
    pub bpnt_per_capita: Vec<i64>,
    pub rastra_per_capita: Vec<i64>,
}

impl Households {
    pub fn len(&self) -> usize {
        self.household_id.len()
    }

    pub fn is_empty(&self) -> bool {
        self.household_id.is_empty()
    }

    /// Draws the programmes of every household (in order, from `rng`) and fills the
    /// programme columns.
    pub fn add_programmes(&mut self, targeting: &Targeting, mut rng: SplitMix64) {
        let rows: Vec<(i64, i64)> = self
            .expenditure_per_capita
            .iter()
            .zip(&self.household_size)
            .map(|(&x, &size)| (x, size))
            .collect();
        for (x, size) in rows {
            self.push_receipt(programmes::draw(x, size, targeting, &mut rng), size);
        }
    }

    /// Appends one household's programme columns.
    pub fn push_receipt(&mut self, r: Receipt, size: i64) {
        self.pkh.push(r.pkh);
        self.bpnt.push(r.bpnt);
        self.rastra.push(r.rastra);
        self.kube.push(i64::from(r.kube));
        self.pkh_per_capita
            .push(programmes::per_capita_month(r.pkh, size));
        self.bpnt_per_capita
            .push(programmes::per_capita_month(r.bpnt, size));
        self.rastra_per_capita
            .push(programmes::per_capita_month(r.rastra, size));
    }
}

impl Households {
    /// Person-level analysis columns: per-capita values, person weights (weight × size),
    /// stratum and PSU codes, and the number of persons sampled.
    pub fn person_level(&self) -> PersonLevel {
        PersonLevel {
            values: self
                .expenditure_per_capita
                .iter()
                .map(|&v| v as f64)
                .collect(),
            weights: self
                .weight
                .iter()
                .zip(&self.household_size)
                .map(|(w, &s)| w * s as f64)
                .collect(),
            strata: self.stratum.iter().map(|&s| s as u32).collect(),
            psu: self.psu.iter().map(|&p| p as u32).collect(),
            persons: self.household_size.iter().sum::<i64>() as f64,
        }
    }
}

/// See [`Households::person_level`].
#[derive(Debug, Clone, PartialEq)]
pub struct PersonLevel {
    pub values: Vec<f64>,
    pub weights: Vec<f64>,
    pub strata: Vec<u32>,
    pub psu: Vec<u32>,
    pub persons: f64,
}

/// Blocks per cell: at least `MIN_BLOCKS` (fewer only if there are not enough blocks), the
/// rest ∝ √N_c by largest remainders, summing to `blocks` exactly.
pub fn allocate_blocks(cells: &[Cell], blocks: usize) -> Vec<usize> {
    let k = cells.len();
    let floor = MIN_BLOCKS.min(blocks / k.max(1)).max(1);
    let rest = blocks.saturating_sub(floor * k);
    let roots: Vec<f64> = cells.iter().map(|c| c.population.sqrt()).collect();
    let sum: f64 = roots.iter().sum();
    let exact: Vec<f64> = roots.iter().map(|r| rest as f64 * r / sum).collect();
    let mut alloc: Vec<usize> = exact.iter().map(|e| floor + e.floor() as usize).collect();
    let mut left = (floor * k + rest).saturating_sub(alloc.iter().sum());
    let mut order: Vec<usize> = (0..k).collect();
    order.sort_by(|&a, &b| {
        (exact[b] - exact[b].floor())
            .total_cmp(&(exact[a] - exact[a].floor()))
            .then(a.cmp(&b))
    });
    for &i in order.iter().cycle().take(k * 2) {
        if left == 0 {
            break;
        }
        alloc[i] += 1;
        left -= 1;
    }
    alloc
}

/// Engel's law: food share about 0.55 at the poverty line, falling by 0.10 per unit of
/// `ln(x/z)`, bounded to [0.2, 0.85].
pub fn food_share(x: f64, poverty_line: f64) -> f64 {
    (0.55 - 0.10 * (x / poverty_line).ln()).clamp(0.2, 0.85)
}

/// Memory a generated household holds at the peak of generating and writing a round.
const BYTES_PER_HOUSEHOLD: u64 = 320;

/// The seed of `round`'s random streams: `seed` mixed with the round's name (FNV-1a), so that
/// rounds drawn with the same seed are independent samples, as successive Susenas rounds are
/// (sharing their random numbers would correlate the rounds and make a change's
/// independent-samples standard error several times too large).
pub(crate) fn round_seed(seed: u64, round: &str) -> u64 {
    let hash = round.bytes().fold(0xCBF2_9CE4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01B3)
    });
    SplitMix64::new(seed ^ hash).next_u64()
}

/// Generates a round of `households` households (rounded to whole blocks of 10) from
/// calibrated cells, deterministically for `seed` (and independent of other rounds drawn with
/// the same seed).
pub fn generate(
    round: &str,
    cells: &[Cell],
    calibration: &Calibration,
    households: usize,
    seed: u64,
) -> Result<Households> {
    let blocks = households.div_ceil(HOUSEHOLDS_PER_BLOCK);
    // Refused before anything is allocated: a round held in memory costs its columns (eight
    // numbers, a province name and an area per household) and, when written, a frame of them
    // again; 320 bytes a household is an upper estimate of both.
    crate::memory::require(
        || format!("generating {households} households in memory"),
        (households as u64).saturating_mul(BYTES_PER_HOUSEHOLD),
        "generate fewer households, or write a whole country block by block to Parquet \
         (synth::country::write_country; gini synth --census), which holds one chunk at a time",
        None,
    )?;
    if blocks < cells.len() {
        return Err(Error::InvalidParameter {
            name: "households",
            value: households.to_string(),
            expected: format!(
                "at least {} (one block of {HOUSEHOLDS_PER_BLOCK} per cell)",
                cells.len() * HOUSEHOLDS_PER_BLOCK
            ),
        });
    }
    let alloc = allocate_blocks(cells, blocks);
    let first_block: Vec<usize> = alloc
        .iter()
        .scan(0, |acc, &b| {
            let start = *acc;
            *acc += b;
            Some(start)
        })
        .collect();
    let draws = CellDraw::of_each(&cells.iter().collect::<Vec<_>>(), calibration);
    let targeting = Targeting::for_draws(round, cells, &draws);
    let seed = round_seed(seed, round);
    let per_cell: Vec<Households> = cells
        .par_iter()
        .enumerate()
        .map(|(c, cell)| {
            let mut h = generate_cell(
                round,
                cell,
                &draws[c],
                alloc[c],
                first_block[c],
                SplitMix64::for_stream(seed, c as u64),
            );
            h.add_programmes(&targeting, programmes::stream(seed, c as u64));
            h
        })
        .collect();
    let mut all = Households {
        round: round.to_string(),
        ..Households::default()
    };
    for part in per_cell {
        all.province_code.extend(part.province_code);
        all.province.extend(part.province);
        all.area.extend(part.area);
        all.stratum.extend(part.stratum);
        all.psu.extend(part.psu);
        all.household_size.extend(part.household_size);
        all.weight.extend(part.weight);
        all.expenditure_per_capita
            .extend(part.expenditure_per_capita);
        all.food_per_capita.extend(part.food_per_capita);
        all.nonfood_per_capita.extend(part.nonfood_per_capita);
        all.pkh.extend(part.pkh);
        all.bpnt.extend(part.bpnt);
        all.rastra.extend(part.rastra);
        all.kube.extend(part.kube);
        all.pkh_per_capita.extend(part.pkh_per_capita);
        all.bpnt_per_capita.extend(part.bpnt_per_capita);
        all.rastra_per_capita.extend(part.rastra_per_capita);
    }
    all.household_id = (1..=all.province_code.len() as i64).collect();
    Ok(all)
}

fn generate_cell(
    round: &str,
    cell: &Cell,
    draw: &CellDraw,
    blocks: usize,
    first_block: usize,
    mut rng: SplitMix64,
) -> Households {
    let n = blocks * HOUSEHOLDS_PER_BLOCK;
    let mut h = Households {
        round: round.to_string(),
        ..Households::default()
    };
    let mut factor = Vec::with_capacity(n);
    for b in 0..blocks {
        let z_block = rng.normal();
        for _ in 0..HOUSEHOLDS_PER_BLOCK {
            let size = 1 + rng.poisson(SIZE_POISSON_MEAN);
            let x = draw.from_normals(z_block, rng.normal()).round().max(1.0);
            factor.push((NONRESPONSE_SD * rng.normal()).exp());
            let food = (x * food_share(x, cell.poverty_line)).round();
            h.household_size.push(size as i64);
            h.expenditure_per_capita.push(x as i64);
            h.food_per_capita.push(food as i64);
            h.nonfood_per_capita.push((x - food) as i64);
            h.psu.push((first_block + b + 1) as i64);
        }
    }
    // Persons in the cell sum to N_c: w_h = f_h · N_c / Σ f_h size_h.
    let persons: f64 = factor
        .iter()
        .zip(&h.household_size)
        .map(|(f, &s)| f * s as f64)
        .sum();
    h.weight = factor
        .iter()
        .map(|f| f * cell.population / persons)
        .collect();
    h.province_code = vec![i64::from(cell.province_code); n];
    h.province = vec![cell.province.clone(); n];
    h.area = vec![cell.area.name(); n];
    h.stratum = vec![i64::from(cell.province_code * 10 + cell.area.code()); n];
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::normal;

    #[test]
    fn lognormal_parameters_reproduce_cell_gini_and_headcount() {
        let c = Cell {
            province_code: 1,
            province: "X".into(),
            area: Area::Urban,
            gini: 0.4,
            poverty_line: 400_000.0,
            p0: 0.1,
            population: 1e6,
            derived: None,
        };
        // Log-normal Gini 2Φ(σ/√2) − 1 and P(x < z) = Φ((ln z − μ)/σ).
        assert!(
            (2.0 * normal::cdf(c.sigma() / std::f64::consts::SQRT_2) - 1.0 - 0.4).abs() < 1e-14
        );
        assert!((normal::cdf((c.poverty_line.ln() - c.mu()) / c.sigma()) - 0.1).abs() < 1e-14);
    }

    #[test]
    fn allocation_sums_and_respects_the_minimum() {
        let cell = |pop: f64| Cell {
            province_code: 1,
            province: "X".into(),
            area: Area::Urban,
            gini: 0.3,
            poverty_line: 1.0,
            p0: 0.1,
            population: pop,
            derived: None,
        };
        let cells: Vec<Cell> = [1e4, 1e6, 4e6, 9e6].iter().map(|&p| cell(p)).collect();
        let a = allocate_blocks(&cells, 500);
        assert_eq!(a.iter().sum::<usize>(), 500);
        assert!(a.iter().all(|&b| b >= MIN_BLOCKS));
        assert!(a[3] > a[2] && a[2] > a[1]);
    }
}
