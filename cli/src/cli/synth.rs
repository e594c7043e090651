//! `gini synth`: Susenas-shaped synthetic household tables calibrated to BPS figures.

use super::args::SynthArgs;
use super::{emit, Failure};
use ginikit::report::{Cell, Report, Style};
use ginikit::synth::synthesize_family;
use ginikit::synth::write_households;
use ginikit::table::InputFormat;

pub fn run(args: &SynthArgs) -> Result<(), Failure> {
    let format = match args.format {
        Some(f) => f.into(),
        None => match args
            .output
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("csv") => InputFormat::Csv,
            Some("parquet") | Some("pq") => InputFormat::Parquet,
            _ => {
                return Err(Failure::Usage(format!(
                    "--output {}: give a .csv or .parquet file name, or --format csv|parquet",
                    args.output.display()
                )))
            }
        },
    };
    if args.census {
        if format != InputFormat::Parquet {
            return Err(Failure::Usage(
                "--census writes Parquet only (row group by row group); give a .parquet file"
                    .into(),
            ));
        }
        let c = ginikit::synth::country::write_country_family(
            &args.round,
            args.households,
            args.seed,
            &args.output,
            args.family.into(),
        )?;
        if !args.quiet {
            eprintln!(
                "gini: wrote {} households in {} blocks ({} row groups), standing for {:.0} persons, to {}",
                c.households,
                c.blocks,
                c.row_groups,
                c.population,
                args.output.display()
            );
        }
        return Ok(());
    }
    let s = synthesize_family(&args.round, args.households, args.seed, args.family.into())?;
    write_households(&s.households, &args.output, format)?;
    if args.quiet {
        return Ok(());
    }
    eprintln!(
        "gini: wrote {} households ({} cells) to {}",
        s.households.len(),
        s.cells.len(),
        args.output.display()
    );
    let report = Report {
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
        rows: s
            .figures
            .iter()
            .map(|f| {
                vec![
                    Cell::Text(s.round.clone()),
                    Cell::Text(f.figure.clone()),
                    Cell::Text(if f.fitted { "yes" } else { "no" }.into()),
                    Cell::Number(f.achieved, Style::Index),
                    f.published
                        .map_or(Cell::Empty, |p| Cell::Number(p, Style::Index)),
                    f.published
                        .map_or(Cell::Empty, |p| Cell::Number(f.achieved - p, Style::Index)),
                ]
            })
            .collect(),
        notes: s.notes.clone(),
    };
    emit(&report, args.report_format.into(), None)
}
