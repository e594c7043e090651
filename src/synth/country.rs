//! A whole country: every province × area cell at its real size (households ∝ the cell's
//! population, weights near 1), written to Parquet one row group at a time, so memory holds
//! one chunk of blocks whatever the size. `gini synth --census --households 67000000` is
//! Indonesia's about 265 million persons.
//!
//! Each census block has its own random stream `(seed, cell, block)`, so a chunk can be made
//! without the blocks before it: a first pass sums each cell's `Σ f·size` (the non-response
//! factors times sizes, for the weights `w = f · N_c / Σ f·size`), the second makes the
//! chunks again and writes them. The same seed gives the same file on any number of threads.

use super::{
    food_share, CellDraw, Family, HOUSEHOLDS_PER_BLOCK, NONRESPONSE_SD, SIZE_POISSON_MEAN,
};
use crate::bps::cells::Cell;
use crate::error::{Error, Result};
use crate::kernel::random::SplitMix64;
use crate::synth::Households;
use polars::prelude::*;
use rayon::prelude::*;
use std::path::Path;

/// Blocks generated and written at a time: 20,000 blocks = 200,000 households.
pub const CHUNK_BLOCKS: usize = 20_000;

/// What was written.
#[derive(Debug, Clone, PartialEq)]
pub struct CountrySummary {
    pub households: u64,
    pub blocks: u64,
    /// Σ weight × size: the population the file stands for.
    pub population: f64,
    pub row_groups: usize,
}

/// Blocks per cell ∝ its population (largest remainders), at least one.
fn proportional_blocks(cells: &[Cell], blocks: usize) -> Vec<usize> {
    let total: f64 = cells.iter().map(|c| c.population).sum();
    let exact: Vec<f64> = cells
        .iter()
        .map(|c| blocks as f64 * c.population / total)
        .collect();
    let mut alloc: Vec<usize> = exact.iter().map(|e| (e.floor() as usize).max(1)).collect();
    let mut order: Vec<usize> = (0..cells.len()).collect();
    order.sort_by(|&a, &b| {
        (exact[b] - exact[b].floor())
            .total_cmp(&(exact[a] - exact[a].floor()))
            .then(a.cmp(&b))
    });
    let mut i = 0;
    while alloc.iter().sum::<usize>() < blocks {
        alloc[order[i % order.len()]] += 1;
        i += 1;
    }
    alloc
}

/// One block's households: (size, expenditure per capita, food per capita, factor).
fn block(
    cell: &Cell,
    draw: &CellDraw,
    seed: u64,
    c: usize,
    b: usize,
) -> [(i64, i64, i64, f64); HOUSEHOLDS_PER_BLOCK] {
    let mut rng = SplitMix64::for_stream(seed, ((c as u64) << 40) | b as u64);
    let z_block = rng.normal();
    std::array::from_fn(|_| {
        let size = 1 + rng.poisson(SIZE_POISSON_MEAN) as i64;
        let x = draw.from_normals(z_block, rng.normal()).round().max(1.0);
        let factor = (NONRESPONSE_SD * rng.normal()).exp();
        let food = (x * food_share(x, cell.poverty_line)).round();
        (size, x as i64, food as i64, factor)
    })
}

/// Parquet bytes a household takes on disk, with room to spare (the 67-million-household
/// country is 1.29 GB: about 19 bytes a household).
const DISK_BYTES_PER_HOUSEHOLD: u64 = 24;

/// Refuses, before anything is written, a country larger than the free space of the disk
/// that `path` is on (when the system says how much is free).
fn check_disk(path: &Path, households: usize) -> Result<()> {
    let needed = (households as u64).saturating_mul(DISK_BYTES_PER_HOUSEHOLD);
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    match crate::memory::free_disk(dir) {
        Some(free) if needed > free => Err(Error::Output {
            target: path.display().to_string(),
            message: format!(
                "{households} households would take about {} of Parquet, but the disk has {} free; write fewer households, or to another disk",
                crate::error::human_bytes(needed),
                crate::error::human_bytes(free)
            ),
        }),
        _ => Ok(()),
    }
}

/// `Σ f·size` of cell `c`'s blocks, summed per chunk in chunk order (deterministic): the
/// weights' denominator.
fn weighted_size(
    cell: &Cell,
    draw: &CellDraw,
    seed: u64,
    c: usize,
    chunks: &[std::ops::Range<usize>],
) -> f64 {
    chunks
        .iter()
        .map(|r| {
            r.clone()
                .into_par_iter()
                .map(|b| {
                    block(cell, draw, seed, c, b)
                        .iter()
                        .map(|h| h.3 * h.0 as f64)
                        .sum::<f64>()
                })
                .collect::<Vec<f64>>()
                .iter()
                .sum::<f64>()
        })
        .sum()
}

/// Where a chunk of blocks sits: its cell, its first block in the cell, the PSU number of
/// that block, the first household id, and the cell's `Σ f·size`.
struct Chunk {
    cell: usize,
    first_block: usize,
    first_psu: usize,
    first_id: i64,
    f_size: f64,
}

/// The households of a chunk's blocks (`rows`, each block's `(size, x, food, factor)`) with
/// their weights, programmes, PSUs and identifiers.
fn chunk_households(
    round: &str,
    cell: &Cell,
    rows: &[[(i64, i64, i64, f64); HOUSEHOLDS_PER_BLOCK]],
    targeting: &super::Targeting,
    seed: u64,
    at: &Chunk,
) -> Households {
    let n = rows.len() * HOUSEHOLDS_PER_BLOCK;
    let mut h = Households {
        round: round.to_string(),
        ..Households::default()
    };
    for (k, blk) in rows.iter().enumerate() {
        // Programmes from a stream of their own per block, like the block itself.
        let mut rng =
            super::programmes::stream(seed, ((at.cell as u64) << 40) | (at.first_block + k) as u64);
        for &(size, x, food, factor) in blk {
            h.push_receipt(super::programmes::draw(x, size, targeting, &mut rng), size);
            h.household_size.push(size);
            h.expenditure_per_capita.push(x);
            h.food_per_capita.push(food);
            h.nonfood_per_capita.push(x - food);
            h.weight.push(factor * cell.population / at.f_size);
            h.psu.push((at.first_psu + k) as i64);
        }
    }
    h.household_id = (at.first_id..at.first_id + n as i64).collect();
    h.province_code = vec![i64::from(cell.province_code); n];
    h.province = vec![cell.province.clone(); n];
    h.area = vec![cell.area.name(); n];
    h.stratum = vec![i64::from(cell.province_code * 10 + cell.area.code()); n];
    h
}

/// Writes the country of `households` households (rounded up to blocks of 10) for `round`
/// to the Parquet file `path`, a row group per chunk of blocks.
pub fn write_country(
    round: &str,
    households: usize,
    seed: u64,
    path: &Path,
) -> Result<CountrySummary> {
    write_country_family(round, households, seed, path, Family::default())
}

/// [`write_country`] with cells of `family`.
pub fn write_country_family(
    round: &str,
    households: usize,
    seed: u64,
    path: &Path,
    family: Family,
) -> Result<CountrySummary> {
    let (cells, _, calibration) = super::report::calibrated_cells(round, family)?;
    let seed = super::round_seed(seed, round);
    let draws = CellDraw::of_each(&cells.iter().collect::<Vec<_>>(), &calibration);
    let targeting = super::Targeting::for_draws(round, &cells, &draws);
    check_disk(path, households)?;
    let blocks = households.div_ceil(HOUSEHOLDS_PER_BLOCK).max(cells.len());
    let alloc = proportional_blocks(&cells, blocks);
    let fail = |e: &dyn std::fmt::Display| Error::Output {
        target: path.display().to_string(),
        message: e.to_string(),
    };
    let file = std::fs::File::create(path).map_err(|e| fail(&e))?;
    let mut writer: Option<polars::io::parquet::write::BatchedWriter<std::fs::File>> = None;
    let mut file = Some(file);
    let mut summary = CountrySummary {
        households: 0,
        blocks: 0,
        population: 0.0,
        row_groups: 0,
    };
    let mut next_block = 0usize;
    for (c, cell) in cells.iter().enumerate() {
        let draw = draws[c];
        // Pass 1: Σ f·size of the cell, summed per chunk in chunk order (deterministic).
        let chunks: Vec<std::ops::Range<usize>> = (0..alloc[c])
            .step_by(CHUNK_BLOCKS)
            .map(|s| s..(s + CHUNK_BLOCKS).min(alloc[c]))
            .collect();
        let f_size = weighted_size(cell, &draw, seed, c, &chunks);
        // Pass 2: the chunks again, weighted, written.
        for r in &chunks {
            let rows: Vec<_> = r
                .clone()
                .into_par_iter()
                .map(|b| block(cell, &draw, seed, c, b))
                .collect();
            let n = rows.len() * HOUSEHOLDS_PER_BLOCK;
            let at = Chunk {
                cell: c,
                first_block: r.start,
                first_psu: next_block + r.start + 1,
                first_id: summary.households as i64 + 1,
                f_size,
            };
            let h = chunk_households(round, cell, &rows, &targeting, seed, &at);
            summary.population += h
                .weight
                .iter()
                .zip(&h.household_size)
                .map(|(w, &s)| w * s as f64)
                .sum::<f64>();
            let df = super::households_frame(&h)?;
            if writer.is_none() {
                let f = file.take().expect("the file is opened once");
                writer = Some(
                    ParquetWriter::new(f)
                        .with_compression(ParquetCompression::Zstd(None))
                        .batched(df.schema())
                        .map_err(|e| fail(&e))?,
                );
            }
            if let Some(w) = writer.as_mut() {
                w.write_batch(&df).map_err(|e| fail(&e))?;
            }
            summary.households += n as u64;
            summary.row_groups += 1;
        }
        next_block += alloc[c];
    }
    summary.blocks = next_block as u64;
    if let Some(w) = writer {
        w.finish().map_err(|e| fail(&e))?;
    }
    Ok(summary)
}
