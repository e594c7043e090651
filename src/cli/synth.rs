//! `gini synth`: Susenas-shaped synthetic household tables calibrated to BPS figures.

use super::args::SynthArgs;
use super::{emit, Failure};
use ginikit::bps;
use ginikit::kernel::normal;
use ginikit::measure::gini::{gini, GiniConvention};
use ginikit::measure::shares::share;
use ginikit::report::{Cell, OutputFormat, Report, Style};
use ginikit::synth::{self, Calibration};
use ginikit::table::{write_households, InputFormat};
use ginikit::SortedSample;

pub fn run(args: &SynthArgs) -> Result<(), Failure> {
    let cells = synth::cells(&args.round)?;
    let target = bps::lookup(&bps::national_gini(), &args.round, "total").ok_or_else(|| {
        Failure::Usage(format!(
            "no published national Gini for round {}",
            args.round
        ))
    })?;
    let calibration = synth::calibrate(&cells, target)?;
    let households = synth::generate(
        &args.round,
        &cells,
        &calibration,
        args.households,
        args.seed,
    )?;
    let format = match &args.format {
        Some(f) => InputFormat::parse(f)?,
        None => InputFormat::from_path(&args.output),
    };
    write_households(&households, &args.output, format)?;
    let report = calibration_report(&args.round, &cells, &calibration, target)?;
    if args.quiet {
        return Ok(());
    }
    eprintln!(
        "gini: wrote {} households ({} cells) to {}",
        households.len(),
        cells.len(),
        args.output.display()
    );
    emit(&report, OutputFormat::parse(&args.report_format)?, None)
}

/// Achieved (population of the calibrated mixture) against published figures.
fn calibration_report(
    round: &str,
    cells: &[synth::Cell],
    c: &Calibration,
    target: f64,
) -> Result<Report, Failure> {
    let mut report = Report {
        columns: [
            "round",
            "figure",
            "fitted",
            "achieved",
            "published",
            "difference",
        ]
        .map(String::from)
        .to_vec(),
        ..Report::default()
    };
    let mut row = |figure: &str, fitted: bool, achieved: f64, published: Option<f64>| {
        report.rows.push(vec![
            Cell::Text(round.into()),
            Cell::Text(figure.into()),
            Cell::Text(if fitted { "yes" } else { "no" }.into()),
            Cell::Number(achieved, Style::Index),
            published.map_or(Cell::Empty, |p| Cell::Number(p, Style::Index)),
            published.map_or(Cell::Empty, |p| Cell::Number(achieved - p, Style::Index)),
        ]);
    };
    row("national Gini", true, c.achieved_gini, Some(target));
    let gini_of = |include: &dyn Fn(&synth::Cell) -> bool| -> Result<(f64, f64), Failure> {
        let (x, w) = synth::population_grid(cells, c, include);
        let s = SortedSample::from_vecs(x, Some(w))?;
        Ok((gini(&s, GiniConvention::Midpoint)?, share(&s, 0.0, 0.4)?))
    };
    let published = bps::national_gini();
    for area in [synth::Area::Urban, synth::Area::Rural] {
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
    // Headcount of each cell after the shrink: P(x < z) = Φ((ln z − μ'_c)/σ_c).
    let diffs: Vec<f64> = cells
        .iter()
        .map(|cell| {
            normal::cdf((cell.poverty_line.ln() - c.location(cell)) / cell.sigma()) - cell.p0
        })
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
    row("lambda (location shrink)", true, c.lambda, None);
    for cell in cells.iter().filter(|cell| cell.derived.is_some()) {
        report.notes.push(format!(
            "note: {}",
            cell.derived.as_deref().unwrap_or_default()
        ));
    }
    Ok(report)
}
