//! `gini compute`: measures per group, one tidy row per group × measure.

use super::args::{ComputeArgs, EngineKind};
use super::settings::{measure_settings, table_spec};
use super::survey::{survey_spec, Progress};
use super::{emit, Failure};
use ginikit::report::tidy;
use ginikit::table;
use ginikit::table::survey::{infer, replicate_count};

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
