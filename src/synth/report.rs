//! A synthetic round in one call, with the calibration's achieved figures beside the
//! published ones.

use super::{calibrate, cells, generate, Area, Calibration, Cell, Households, Population};
use crate::bps;
use crate::error::{Error, Result};
use crate::measure::gini::{gini, GiniConvention};
use crate::measure::shares::share;
use crate::SortedSample;

/// A generated round: the households, the calibration cells and what was achieved.
#[derive(Debug, Clone)]
pub struct Synthesis {
    pub round: String,
    pub households: Households,
    pub cells: Vec<Cell>,
    pub calibration: Calibration,
    /// Achieved against published figures.
    pub figures: Vec<CalibrationFigure>,
    /// How cells missing from the published tables were derived.
    pub notes: Vec<String>,
}

/// One achieved figure of the calibrated population beside its published value.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct CalibrationFigure {
    pub figure: String,
    /// Whether the calibration fitted it (the others are checks).
    pub fitted: bool,
    pub achieved: f64,
    pub published: Option<f64>,
}

/// Generates `households` households of `round` with `seed`: the calibrated, Susenas-shaped
/// round of [`generate`] and the calibration figures (national Gini fitted; urban and rural
/// Gini, bottom-40 % share and cell headcounts checked).
///
/// # Errors
/// A round outside the published province tables, or without a published national Gini.
/// A round's province × area cells, the published national Gini and the calibration that
/// reaches it.
pub(crate) fn calibrated_cells(
    round: &str,
    family: super::Family,
) -> Result<(Vec<Cell>, f64, Calibration)> {
    let cells = cells(round)?;
    let target = bps::lookup(&bps::national_gini(), round, "total").ok_or_else(|| {
        Error::InvalidParameter {
            name: "round",
            value: round.into(),
            expected: "a round with a published national Gini (datasets/bps/gini_national.csv)"
                .into(),
        }
    })?;
    let calibration = match family {
        super::Family::LogNormal => calibrate(&cells, target)?,
        super::Family::SinghMaddala => super::family::calibrate_singh_maddala(&cells, target)?,
        super::Family::Gb2 => super::family::calibrate_gb2(&cells, target, super::family::GB2_P)?,
    };
    Ok((cells, target, calibration))
}

pub fn synthesize(round: &str, households: usize, seed: u64) -> Result<Synthesis> {
    synthesize_family(round, households, seed, super::Family::default())
}

/// [`synthesize`] with cells of `family` (see [`super::family`]).
pub fn synthesize_family(
    round: &str,
    households: usize,
    seed: u64,
    family: super::Family,
) -> Result<Synthesis> {
    let (cells, target, calibration) = calibrated_cells(round, family)?;
    let generated = generate(round, &cells, &calibration, households, seed)?;
    let mut figures = calibration_figures(round, &cells, &calibration, target)?;
    figures.extend(
        super::programmes::coverage_figures(&generated)
            .into_iter()
            .map(|(figure, fitted, achieved, published)| CalibrationFigure {
                figure,
                fitted,
                achieved,
                published,
            }),
    );
    let notes = cells
        .iter()
        .filter_map(|c| c.derived.as_ref().map(|d| format!("note: {d}")))
        .collect();
    Ok(Synthesis {
        round: round.into(),
        households: generated,
        cells,
        calibration,
        figures,
        notes,
    })
}

/// Achieved (population of the calibrated mixture) against published figures.
fn calibration_figures(
    round: &str,
    cells: &[Cell],
    c: &Calibration,
    target: f64,
) -> Result<Vec<CalibrationFigure>> {
    let mut out = Vec::new();
    let mut row = |figure: &str, fitted: bool, achieved: f64, published: Option<f64>| {
        out.push(CalibrationFigure {
            figure: figure.into(),
            fitted,
            achieved,
            published,
        })
    };
    row("national Gini", true, c.achieved_gini, Some(target));
    let population = Population::new(cells, c);
    let gini_of = |include: &dyn Fn(&Cell) -> bool| -> Result<(f64, f64)> {
        let (x, w) = population.grid(include);
        let s = SortedSample::from_vecs(x, Some(w))?;
        Ok((gini(&s, GiniConvention::Midpoint)?, share(&s, 0.0, 0.4)?))
    };
    let published = bps::national_gini();
    for area in [Area::Urban, Area::Rural] {
        let (g, _) = gini_of(&|cell| cell.area == area)?;
        row(
            &format!("national Gini, {}", area.name()),
            false,
            g,
            bps::lookup(&published, round, area.name()),
        );
    }
    let (_, b40) = gini_of(&|_| true)?;
    row(
        "bottom 40 % share",
        false,
        b40,
        bps::lookup(&bps::national_bottom40(), round, "total"),
    );
    // Headcount of each cell as calibrated: F_c(z_c) (the log-normal's after the shrink).
    let draws = &population.draws;
    let diffs: Vec<f64> = cells
        .iter()
        .zip(draws)
        .map(|(cell, d)| d.below(cell.poverty_line) - cell.p0)
        .collect();
    let mean_abs = diffs.iter().map(|d| d.abs()).sum::<f64>() / diffs.len() as f64;
    let max_abs = diffs.iter().fold(0.0f64, |m, d| m.max(d.abs()));
    row(
        "cell headcount P0, mean |difference|",
        false,
        mean_abs,
        None,
    );
    row("cell headcount P0, max |difference|", false, max_abs, None);
    // National P0 and P1 of the mixture, each person against the line of their cell.
    let persons: f64 = cells.iter().map(|cell| cell.population).sum();
    let p0: f64 = cells
        .iter()
        .zip(draws)
        .map(|(cell, d)| cell.population * d.below(cell.poverty_line))
        .sum::<f64>()
        / persons;
    let p1: f64 = cells
        .iter()
        .zip(draws)
        .map(|(cell, d)| {
            let gap: f64 = population
                .standard
                .iter()
                .map(|&s| (1.0 - d.from_standard(s) / cell.poverty_line).max(0.0))
                .sum();
            cell.population * gap / super::GRID as f64
        })
        .sum::<f64>()
        / persons;
    row(
        "national headcount P0",
        false,
        p0,
        bps::lookup(&bps::national_p0(), round, "total"),
    );
    row(
        "national poverty gap P1",
        false,
        p1,
        bps::aggregate_cells(round, "total", "p1"),
    );
    // The cells' Pareto upper-tail index a·q (Singh–Maddala and GB2): below 4 the fourth
    // moment is infinite and a Gini's sampling distribution has heavy tails.
    let tails: Vec<f64> = draws
        .iter()
        .filter_map(|d| match *d {
            super::CellDraw::SinghMaddala { a, q, .. } | super::CellDraw::Gb2 { a, q, .. } => {
                Some(a * q)
            }
            super::CellDraw::LogNormal { .. } => None,
        })
        .collect();
    if !tails.is_empty() {
        let lowest = tails.iter().fold(f64::INFINITY, |m, &t| m.min(t));
        let highest = tails.iter().fold(0.0f64, |m, &t| m.max(t));
        row("upper-tail index a*q, heaviest cell", false, lowest, None);
        row("upper-tail index a*q, lightest cell", false, highest, None);
    }
    match c.shape {
        super::family::Shape::LogNormal { lambda, .. } => {
            row("lambda (location shrink)", true, lambda, None)
        }
        super::family::Shape::SinghMaddala { q } => {
            row("q (Singh-Maddala shape, every cell)", true, q, None)
        }
        super::family::Shape::Gb2 { p, q } => {
            row("p (GB2 shape, every cell; fixed)", false, p, None);
            row("q (GB2 shape, every cell)", true, q, None);
        }
    }
    Ok(out)
}
