//! `gini compute`: measures per group, one tidy row per group × measure.

use super::args::{ComputeArgs, EngineKind, MeasureArgs, TableArgs};
use super::survey::{survey_spec, Progress};
use super::{emit, Failure};
use ginikit::measure::{Measure, Options};
use ginikit::report::tidy;
use ginikit::table::survey::{infer, replicate_count};
use ginikit::table::{self, PovertyLineSpec, TableSpec};

pub fn run(args: &ComputeArgs) -> Result<(), Failure> {
    if args.engine.cluster.is_some() {
        return super::engine::run(args, None);
    }
    match args.engine.engine {
        Some(EngineKind::Datafusion) => super::engine::run(args, None),
        Some(EngineKind::Memory) => in_memory(args),
        None => match in_memory(args) {
            Err(Failure::Data(e @ ginikit::Error::Memory { .. })) if super::engine::BUILT => {
                out_of_core_instead(args, e)
            }
            other => other,
        },
    }
}

/// The in-memory engine would not fit (`e`, refused before it started): the same rows out of
/// core on DataFusion, with a note saying why, or `e` itself when DataFusion does not compute
/// what was asked.
fn out_of_core_instead(args: &ComputeArgs, e: ginikit::Error) -> Result<(), Failure> {
    let ginikit::Error::Memory {
        needed, available, ..
    } = &e
    else {
        return Err(Failure::Data(e));
    };
    let note = format!(
        "note: in memory this would need about {}, but {} are available: computed out of \
         core on DataFusion instead (--engine memory refuses instead)",
        ginikit::error::human_bytes(*needed),
        ginikit::error::human_bytes(*available)
    );
    match super::engine::run(args, Some(note)) {
        Err(Failure::Usage(_)) => Err(Failure::Data(e)),
        other => other,
    }
}

fn in_memory(args: &ComputeArgs) -> Result<(), Failure> {
    let (measures, options) = measure_settings(&args.measure)?;
    let mut spec = table_spec(&args.table);
    let survey = survey_spec(&args.survey, &mut spec, &args.file, None)?;
    let table = super::read_input(&args.file, &spec)?;
    let by = table.by.clone();
    let report = match survey {
        None => tidy::estimates(&by, &table::compute(table, &measures, &options)?),
        Some(survey) => {
            let members: Vec<usize> = (0..table.groups.len()).collect();
            let progress = Progress::new(
                replicate_count(&table, &survey) * members.len(),
                args.survey.quiet,
            );
            let rows = infer(&table, &members, &survey, &measures, &options, &|| {
                progress.tick()
            })?;
            tidy::inferences(&by, &rows, &survey)
        }
    };
    emit(
        &report,
        args.measure.format.into(),
        args.measure.output.as_deref(),
    )
}

/// The measures and the options that apply to them.
pub fn measure_settings(m: &MeasureArgs) -> Result<(Vec<Measure>, Options), Failure> {
    let measures = Measure::parse_list(&m.measures)?;
    if measures.is_empty() {
        return Err(Failure::Usage(
            "--measures is empty; name at least one measure".into(),
        ));
    }
    let options = Options {
        gini: m.gini_convention.into(),
        non_positive: m.non_positive.into(),
        threshold: m.threshold.into(),
    };
    Ok((measures, options))
}

/// The columns of the table flags.
pub fn table_spec(t: &TableArgs) -> TableSpec {
    TableSpec {
        value: t.value.clone(),
        weight: t.weight.clone(),
        size: t.size.clone(),
        per_capita: t.per_capita,
        by: t.by.clone(),
        format: t.input_format.map(Into::into),
        poverty_line: t.poverty_line.as_deref().map(poverty_line),
        value_labels: t.value_labels.into(),
        ..TableSpec::default()
    }
}

/// `--poverty-line`: a number is one amount for everybody; anything else names a column.
fn poverty_line(text: &str) -> PovertyLineSpec {
    match text.trim().parse::<f64>() {
        Ok(z) => PovertyLineSpec::Amount(z),
        Err(_) => PovertyLineSpec::Column(text.to_string()),
    }
}
