//! Shared handling of the survey flags: design columns, the standard-error method, the
//! progress bar, and the inference columns of the output.

use super::args::SurveyArgs;
use super::Failure;
use ginikit::measure::{Measure, Options};
use ginikit::report::{Cell, Style};
use ginikit::survey::design::LonelyPsu;
use ginikit::survey::replicate::ReplicateMethod;
use ginikit::survey::Interval;
use ginikit::table::survey::{infer, replicate_count, GroupInference, SeMethod, SurveySpec};
use ginikit::table::{column_names, InputFormat, Table, TableSpec};
use std::path::Path;

/// Adds the design columns to `spec` and returns the inference settings, or `None` when
/// no standard errors were asked for (`default_se` applies when --se is absent).
pub fn survey_spec(
    args: &SurveyArgs,
    spec: &mut TableSpec,
    file: &Path,
    default_se: Option<&str>,
) -> Result<Option<SurveySpec>, Failure> {
    let Some(se) = args.se.as_deref().or(default_se) else {
        let given = [
            args.strata.is_some(),
            args.psu.is_some(),
            args.fpc.is_some(),
            args.repweights.is_some(),
        ];
        if given.iter().any(|&g| g) {
            return Err(Failure::Usage(
                "design flags (--strata, --psu, --fpc, --repweights) need --se".into(),
            ));
        }
        return Ok(None);
    };
    if !(args.level > 0.0 && args.level < 1.0) {
        return Err(Failure::Usage(format!(
            "--level {} must be between 0 and 1 (e.g. 0.95)",
            args.level
        )));
    }
    let mut slot = |column: &Option<String>, role: &'static str, flag: &'static str| {
        column.as_ref().map(|c| {
            spec.extra.push((c.clone(), role, flag));
            spec.extra.len() - 1
        })
    };
    let strata = slot(&args.strata, "strata", "--strata");
    let psu = slot(&args.psu, "psu", "--psu");
    let fpc = slot(&args.fpc, "fpc", "--fpc");
    let method = match se {
        "linearization" => SeMethod::Linearization,
        "bootstrap" => SeMethod::Replicates(ReplicateMethod::Bootstrap {
            replicates: args.replicates,
            seed: args.seed,
        }),
        "jackknife" => SeMethod::Replicates(ReplicateMethod::Jackknife),
        "brr" => SeMethod::Replicates(ReplicateMethod::Brr),
        "fay" => SeMethod::Replicates(ReplicateMethod::Fay { rho: args.fay_rho }),
        "replicate-weights" => {
            let (Some(list), Some(scale)) = (&args.repweights, args.rep_scale) else {
                return Err(Failure::Usage(
                    "--se replicate-weights needs --repweights COLUMNS and --rep-scale S".into(),
                ));
            };
            spec.replicate_weights = replicate_columns(list, file, spec.format)?;
            SeMethod::GivenReplicates {
                scale,
                mse: args.rep_mse,
            }
        }
        other => return Err(Failure::Usage(format!("unknown --se method '{other}'"))),
    };
    let interval = match args.ci.as_str() {
        "percentile" if se != "bootstrap" => {
            return Err(Failure::Usage(
                "--ci percentile needs --se bootstrap".into(),
            ))
        }
        "percentile" => Interval::Percentile,
        _ => Interval::Normal,
    };
    Ok(Some(SurveySpec {
        method,
        strata,
        psu,
        fpc,
        nested: args.nest,
        lonely: LonelyPsu::parse(&args.lonely_psu)?,
        level: args.level,
        interval,
    }))
}

fn replicate_columns(
    list: &str,
    file: &Path,
    format: Option<InputFormat>,
) -> Result<Vec<String>, Failure> {
    if let Some(prefix) = list.strip_suffix('*') {
        let format = format.unwrap_or_else(|| InputFormat::from_path(file));
        let names: Vec<String> = column_names(file, format)?
            .into_iter()
            .filter(|n| n.starts_with(prefix))
            .collect();
        if names.is_empty() {
            return Err(Failure::Usage(format!(
                "{}: no column starts with '{prefix}' (--repweights {list})",
                file.display()
            )));
        }
        Ok(names)
    } else {
        Ok(list
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect())
    }
}

/// Runs the inference for one round, with a progress bar on stderr when replicates take
/// more than about a second and stderr is a terminal.
pub fn run_round(
    table: &Table,
    members: &[usize],
    spec: &SurveySpec,
    measures: &[Measure],
    options: &Options,
    quiet: bool,
) -> Result<Vec<GroupInference>, Failure> {
    use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
    use std::io::IsTerminal;
    let per_group = replicate_count(table, spec);
    let total = (per_group * members.len()) as u64;
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden());
    if let Ok(style) =
        ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} replicates, {eta} left")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message("standard errors");
    let show = !quiet && total > 0 && std::io::stderr().is_terminal();
    let start = std::time::Instant::now();
    let shown = std::sync::atomic::AtomicBool::new(false);
    let tick = || {
        bar.inc(1);
        if show
            && !shown.load(std::sync::atomic::Ordering::Relaxed)
            && start.elapsed().as_secs_f64() > 1.0
        {
            shown.store(true, std::sync::atomic::Ordering::Relaxed);
            bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    };
    let result = infer(table, members, spec, measures, options, &tick);
    bar.finish_and_clear();
    Ok(result?)
}

/// The inference columns of an output row.
pub const COLUMNS: [&str; 4] = ["se", "ci_lower", "ci_upper", "deff"];

pub fn cells(r: &GroupInference) -> [Cell; 4] {
    let style = Style::of(&r.measure);
    let i = &r.result.inference;
    [
        Cell::Number(i.se, style),
        Cell::Number(i.ci_lower, style),
        Cell::Number(i.ci_upper, style),
        i.deff
            .map_or(Cell::Empty, |d| Cell::Number(d, Style::Index)),
    ]
}

/// Notes on how the standard errors were obtained.
pub fn notes(spec: &SurveySpec, rows: &[GroupInference]) -> Vec<String> {
    let mut notes = Vec::new();
    let method = match spec.method {
        SeMethod::Linearization => {
            "linearization (influence values), PSUs with replacement".to_string()
        }
        SeMethod::Replicates(ReplicateMethod::Bootstrap { replicates, seed }) => {
            format!("Rao-Wu bootstrap, {replicates} replicates, seed {seed}")
        }
        SeMethod::Replicates(ReplicateMethod::Jackknife) => "delete-one-PSU jackknife (JKn)".into(),
        SeMethod::Replicates(ReplicateMethod::Brr) => "balanced repeated replication".into(),
        SeMethod::Replicates(ReplicateMethod::Fay { rho }) => format!("Fay's BRR, rho {rho}"),
        SeMethod::Replicates(_) => "replicates".into(),
        SeMethod::GivenReplicates { scale, .. } => {
            format!("replicate weights from the file, scale {scale}")
        }
        _ => "replicates".into(),
    };
    notes.push(format!(
        "note: standard errors by {method}; {:.0} % intervals{}.",
        spec.level * 100.0,
        if spec.interval == Interval::Percentile {
            " (bootstrap percentiles)"
        } else {
            ""
        }
    ));
    if spec.assumes_srs() {
        notes.push("note: no --strata/--psu given: the standard errors assume simple random sampling of rows.".into());
    }
    let dropped: usize = rows
        .iter()
        .map(|r| r.result.inference.replicates_dropped)
        .max()
        .unwrap_or(0);
    if dropped > 0 {
        notes.push(format!("note: up to {dropped} replicate(s) per estimate were left out because a group had no weight in them."));
    }
    notes
}
