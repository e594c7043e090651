//! `gini compute`: measures per group, one tidy row per group × measure.

use super::args::{ComputeArgs, MeasureArgs, TableArgs};
use super::{emit, Failure};
use ginikit::measure::gini::GiniConvention;
use ginikit::measure::positive::NonPositivePolicy;
use ginikit::measure::{Estimate, Measure, Options};
use ginikit::report::{Cell, OutputFormat, Report, Style};
use ginikit::table::survey::SurveySpec;
use ginikit::table::{self, InputFormat, TableSpec};

pub fn run(args: &ComputeArgs) -> Result<(), Failure> {
    let (measures, options, format) = measure_settings(&args.measure)?;
    let mut spec = table_spec(&args.table)?;
    if let Some(survey) = super::survey::survey_spec(&args.survey, &mut spec, &args.file, None)? {
        return run_with_inference(args, &spec, &survey, &measures, &options, format);
    }
    let table = table::read_table(&args.file, &spec)?;
    let by = table.by.clone();
    let rows = table::compute(table, &measures, &options)?;
    let mut report = Report {
        columns: header(&by, false),
        ..Report::default()
    };
    for r in &rows {
        report
            .rows
            .push(row_cells(&r.key, &r.measure, &r.estimate, None));
        if r.estimate.excluded > 0 {
            let group = if r.key.is_empty() {
                String::new()
            } else {
                format!(" in {}", r.key.join("/"))
            };
            report.notes.push(format!(
                "note: {}{group}: {} row(s) with zero or negative values excluded",
                r.measure.name(),
                r.estimate.excluded
            ));
        }
    }
    emit(&report, format, args.measure.output.as_deref())
}

fn run_with_inference(
    args: &ComputeArgs,
    spec: &TableSpec,
    survey: &SurveySpec,
    measures: &[Measure],
    options: &Options,
    format: OutputFormat,
) -> Result<(), Failure> {
    let table = table::read_table(&args.file, spec)?;
    let members: Vec<usize> = (0..table.groups.len()).collect();
    let rows = super::survey::run_round(
        &table,
        &members,
        survey,
        measures,
        options,
        args.survey.quiet,
    )?;
    let mut report = Report {
        columns: header(&table.by, true),
        notes: super::survey::notes(survey, &rows),
        ..Report::default()
    };
    for r in &rows {
        let inference = super::survey::cells(r);
        report.rows.push(row_cells(
            &r.key,
            &r.measure,
            &r.result.estimate,
            Some(inference),
        ));
    }
    emit(&report, format, args.measure.output.as_deref())
}

/// Output columns: the group columns, then measure, estimate, [inference], n, population.
fn header(by: &[String], inference: bool) -> Vec<String> {
    let mut columns: Vec<String> = by.to_vec();
    columns.extend(["measure", "estimate"].map(String::from));
    if inference {
        columns.extend(super::survey::COLUMNS.map(String::from));
    }
    columns.extend(["n", "population"].map(String::from));
    columns
}

fn row_cells(
    key: &[String],
    measure: &Measure,
    estimate: &Estimate,
    inference: Option<[Cell; 4]>,
) -> Vec<Cell> {
    let mut cells: Vec<Cell> = key.iter().map(|k| Cell::Text(k.clone())).collect();
    cells.push(Cell::Text(measure.name()));
    cells.push(Cell::Number(estimate.value, Style::of(measure)));
    cells.extend(inference.into_iter().flatten());
    cells.push(Cell::Number(estimate.n as f64, Style::Count));
    cells.push(Cell::Number(estimate.population, Style::Count));
    cells
}

pub fn measure_settings(m: &MeasureArgs) -> Result<(Vec<Measure>, Options, OutputFormat), Failure> {
    let measures = Measure::parse_list(&m.measures)?;
    if measures.is_empty() {
        return Err(Failure::Usage(
            "--measures is empty; name at least one measure".into(),
        ));
    }
    let options = Options {
        gini: GiniConvention::parse(&m.gini_convention)?,
        non_positive: NonPositivePolicy::parse(&m.non_positive)?,
    };
    Ok((measures, options, OutputFormat::parse(&m.format)?))
}

pub fn table_spec(t: &TableArgs) -> Result<TableSpec, Failure> {
    Ok(TableSpec {
        value: t.value.clone(),
        weight: t.weight.clone(),
        size: t.size.clone(),
        per_capita: t.per_capita,
        by: t.by.clone(),
        extra: Vec::new(),
        replicate_weights: Vec::new(),
        format: t
            .input_format
            .as_deref()
            .map(InputFormat::parse)
            .transpose()?,
    })
}
