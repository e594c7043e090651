//! `gini trend`: the change of each measure between survey rounds, per group, with standard
//! errors, intervals and p-values.

use super::args::{Format, Se, SurveyArgs, TrendArgs};
use super::settings::{measure_settings, table_spec};
use super::survey::{survey_spec, Progress};
use super::{emit, Failure};
use ginikit::measure::{Measure, Options};
use ginikit::report::tidy;
use ginikit::table::survey::replicate_count;
use ginikit::table::survey::SurveySpec;
use ginikit::table::trend::{changes, estimate_rounds, file_label, Pairs, RoundEstimates};
use ginikit::table::TableSpec;

pub fn run(args: &TrendArgs) -> Result<(), Failure> {
    let (measures, options) = measure_settings(&args.measure)?;
    if args.files.len() < 2 && args.period.is_none() {
        return Err(Failure::Usage(
            "give two or more files (one per round) or one file with --period COLUMN".into(),
        ));
    }
    let pairs = pairs(args.pairs.as_deref())?;
    let (rounds, survey) = read_rounds(
        &args.files,
        args.period.as_deref(),
        &table_spec(&args.table),
        &args.survey,
        &measures,
        &options,
    )?;
    let mut notes = match rounds.first() {
        Some(first) => tidy::survey_notes(&survey, &first.rows),
        None => Vec::new(),
    };
    let (rows, unmatched) = changes(&rounds, &pairs, args.survey.level)
        .map_err(|e| where_rounds_come_from(e, &args.files, args.period.as_deref()))?;
    notes.extend(unmatched);
    let marks = args.measure.format == Format::Table;
    let report = tidy::changes(&args.table.by, &rows, notes, args.survey.level, marks);
    emit(
        &report,
        args.measure.format.into(),
        args.measure.output.as_deref(),
    )
}

/// Every round of `files` (one per file, or several per file split by the `period` column),
/// each read with the columns of `table` and estimated against its own design with
/// `measures`, and the survey settings used (the standard errors default to linearization).
/// A problem with the rounds (one named twice) says where the rounds' names came from: the
/// period column's values in each file, or the files' names.
pub fn where_rounds_come_from(
    e: ginikit::Error,
    files: &[std::path::PathBuf],
    period: Option<&str>,
) -> ginikit::Error {
    match e {
        ginikit::Error::Rounds { problem, fix } => {
            let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
            let source = match period {
                Some(column) => format!(
                    "the rounds are the values of the period column '{column}' (--period) in {}",
                    names.join(", ")
                ),
                None => format!("the rounds are named after the files {}", names.join(", ")),
            };
            ginikit::Error::Rounds {
                problem: format!("{problem}: {source}"),
                fix: match period {
                    Some(_) => format!(
                        "{fix}: choose a --period column whose values differ between the files, or give one file"
                    ),
                    None => format!("{fix}: rename one of the files"),
                },
            }
        }
        other => other,
    }
}

pub fn read_rounds(
    files: &[std::path::PathBuf],
    period: Option<&str>,
    table: &TableSpec,
    survey: &SurveyArgs,
    measures: &[Measure],
    options: &Options,
) -> Result<(Vec<RoundEstimates>, SurveySpec), Failure> {
    let mut rounds: Vec<RoundEstimates> = Vec::new();
    let mut used = None;
    for file in files {
        let mut spec = table.clone();
        if let Some(p) = period {
            spec.by.insert(0, p.to_string());
            spec.group_roles = vec!["period"];
        }
        let s = survey_spec(survey, &mut spec, file, Some(Se::Linearization))?
            .expect("a standard-error method is always set");
        let t = super::read_input(file, &spec)?;
        let progress = Progress::new(replicate_count(&t, &s) * t.groups.len(), survey.quiet);
        rounds.extend(estimate_rounds(
            &t,
            period.is_some(),
            &file_label(file),
            &s,
            measures,
            options,
            &|| progress.tick(),
        )?);
        used = Some(s);
    }
    let used = used.ok_or_else(|| Failure::Usage("give at least one file".into()))?;
    Ok((rounds, used))
}

/// `--pairs A:B,…`, or consecutive rounds.
pub fn pairs(spec: Option<&str>) -> Result<Pairs, Failure> {
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
