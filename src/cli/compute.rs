//! `gini compute`: measures per group, one tidy row per group × measure.

use super::args::{ComputeArgs, EngineKind, MeasureArgs, TableArgs};
use super::survey::{survey_spec, Progress};
use super::{emit, Failure};
use ginikit::measure::{Measure, Options};
use ginikit::report::tidy;
use ginikit::table::survey::{infer, replicate_count};
use ginikit::table::{self, PovertyLineSpec, TableSpec};

pub fn run(args: &ComputeArgs) -> Result<(), Failure> {
    if args.engine.engine == EngineKind::Datafusion {
        return super::engine::run(args);
    }
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
