//! `gini trend`: the change of each measure between survey rounds, per group, with standard
//! errors, intervals and p-values.

use super::args::{Format, Se, TrendArgs};
use super::compute::{measure_settings, table_spec};
use super::survey::{survey_spec, Progress};
use super::{emit, Failure};
use ginikit::report::tidy;
use ginikit::table::survey::replicate_count;
use ginikit::table::trend::{changes, estimate_rounds, file_label, Pairs, RoundEstimates};

pub fn run(args: &TrendArgs) -> Result<(), Failure> {
    let (measures, options) = measure_settings(&args.measure)?;
    if args.files.len() < 2 && args.period.is_none() {
        return Err(Failure::Usage(
            "give two or more files (one per round) or one file with --period COLUMN".into(),
        ));
    }
    let pairs = pairs(args.pairs.as_deref())?;
    let mut rounds: Vec<RoundEstimates> = Vec::new();
    let mut notes = Vec::new();
    for file in &args.files {
        let mut spec = table_spec(&args.table);
        if let Some(p) = &args.period {
            spec.by.insert(0, p.clone());
            spec.group_roles = vec!["period"];
        }
        let survey = survey_spec(&args.survey, &mut spec, file, Some(Se::Linearization))?
            .expect("trend always has a standard-error method");
        let table = super::read_input(file, &spec)?;
        let progress = Progress::new(
            replicate_count(&table, &survey) * table.groups.len(),
            args.survey.quiet,
        );
        let read = estimate_rounds(
            &table,
            args.period.is_some(),
            &file_label(file),
            &survey,
            &measures,
            &options,
            &|| progress.tick(),
        )?;
        if notes.is_empty() {
            if let Some(first) = read.first() {
                notes = tidy::survey_notes(&survey, &first.rows);
            }
        }
        rounds.extend(read);
    }
    let rows = changes(&rounds, &pairs, args.survey.level)?;
    let marks = args.measure.format == Format::Table;
    let report = tidy::changes(&args.table.by, &rows, notes, args.survey.level, marks);
    emit(
        &report,
        args.measure.format.into(),
        args.measure.output.as_deref(),
    )
}

/// `--pairs A:B,…`, or consecutive rounds.
fn pairs(spec: Option<&str>) -> Result<Pairs, Failure> {
    let Some(list) = spec else {
        return Ok(Pairs::Consecutive);
    };
    list.split(',')
        .map(|p| {
            let (a, b) = p.split_once(':').ok_or_else(|| {
                Failure::Usage(format!("--pairs entry '{p}' should look like FROM:TO"))
            })?;
            Ok((a.trim().to_string(), b.trim().to_string()))
        })
        .collect::<Result<_, _>>()
        .map(Pairs::Given)
}
