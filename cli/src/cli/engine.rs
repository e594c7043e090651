//! `gini compute --engine datafusion`: the same rows, computed out of core on Apache
//! DataFusion (crate `ginikit-datafusion`), for tables larger than memory; with `--cluster
//! URL`, the same plans on an Apache Ballista cluster (crate `ginikit-ballista`).

use super::args::ComputeArgs;
use super::Failure;

/// Whether this `gini` was built with the DataFusion engine.
pub const BUILT: bool = cfg!(feature = "datafusion");

#[cfg(not(feature = "datafusion"))]
pub fn run(args: &ComputeArgs, _: Option<String>) -> Result<(), Failure> {
    if args.engine.cluster.is_some() {
        return Err(super::cluster::not_built());
    }
    Err(Failure::Usage(
        "this gini was built without the DataFusion engine; build it with \
         `cargo build --release --features datafusion`, or leave out --engine"
            .into(),
    ))
}

/// Computes `gini compute`'s rows on DataFusion; `note` (why the engine runs) joins the
/// report's notes. What the engine does not compute is a usage error naming it, before any
/// data is read.
#[cfg(feature = "datafusion")]
pub fn run(args: &ComputeArgs, note: Option<String>) -> Result<(), Failure> {
    use ginikit_datafusion as df;
    let (measures, options) = super::settings::measure_settings(&args.measure)?;
    let with_se = se_settings(args, &measures)?;
    for m in &measures {
        if m.out_of_core(&options).is_none() {
            return Err(unsupported(df::Error::NoPlan(m.name())));
        }
    }
    let poverty_line = poverty_line(args)?;
    let mut notes: Vec<String> = note.into_iter().collect();
    notes.extend(input_note(args)?);
    let config = df::EngineConfig {
        memory_limit: memory_limit(args)?,
        spill_dir: args.engine.spill_dir.clone(),
        partitions: None,
    };
    let mut spec = df::Spec::new(&args.table.value);
    spec.weight = args.table.weight.clone();
    spec.size = args.table.size.clone();
    spec.per_capita = args.table.per_capita;
    spec.by = args.table.by.clone();
    spec.strata = args.survey.strata.clone();
    spec.psu = args.survey.psu.clone();
    spec.nested = args.survey.nest;
    spec.lonely = args.survey.lonely_psu.into();
    spec.options = options;
    let runtime = super::cluster::runtime()?;
    let mut report = if with_se {
        let groups = runtime.block_on(async {
            let engine = open(args, &config).await?;
            engine
                .gini_and_mean_se(&spec)
                .await
                .map_err(|e| engine_error(args, e))
        })?;
        se_report(args, &measures, &groups, args.survey.level)?
    } else {
        let groups = runtime.block_on(async {
            let engine = open(args, &config).await?;
            engine
                .compute(&spec, &measures, poverty_line)
                .await
                .map_err(|e| engine_error(args, e))
        })?;
        estimates_report(args, &measures, &groups)?
    };
    report.notes.extend(notes);
    super::emit(
        &report,
        args.measure.format.into(),
        args.measure.output.as_deref(),
    )
}

/// A setting the engine does not compute, as a usage error (leave out --engine for the
/// in-memory engine).
#[cfg(feature = "datafusion")]
fn unsupported(e: ginikit_datafusion::Error) -> Failure {
    Failure::Usage(format!(
        "{e}; leave out --engine (and --cluster) for the in-memory engine"
    ))
}

/// Whether standard errors are asked for, and the refusal of the design settings the
/// engine does not compute (replicates, --fpc, --lonely-psu adjust; --nest and
/// --lonely-psu certainty it does).
#[cfg(feature = "datafusion")]
fn se_settings(args: &ComputeArgs, measures: &[ginikit::Measure]) -> Result<bool, Failure> {
    use super::args::{Lonely, Se};
    use ginikit_datafusion::Error::Unsupported;
    let with_se = match args.survey.se {
        None => false,
        Some(Se::Linearization) => true,
        Some(_) => {
            return Err(unsupported(Unsupported(
                "replicate standard errors (only --se linearization)".into(),
            )))
        }
    };
    if !with_se {
        return Ok(false);
    }
    if args.survey.fpc.is_some() {
        return Err(unsupported(Unsupported(
            "the finite-population correction (--fpc)".into(),
        )));
    }
    if args.survey.lonely_psu == Lonely::Adjust {
        return Err(unsupported(Unsupported("--lonely-psu adjust".into())));
    }
    if let Some(m) = measures
        .iter()
        .find(|m| !matches!(m.name().as_str(), "gini" | "mean"))
    {
        return Err(unsupported(Unsupported(format!(
            "standard errors of measures other than gini and mean ('{}')",
            m.name()
        ))));
    }
    let level = args.survey.level;
    if !(level > 0.0 && level < 1.0) {
        return Err(Failure::Usage(format!(
            "--level {level}: give a confidence level between 0 and 1, e.g. 0.95"
        )));
    }
    Ok(true)
}

/// `--poverty-line` as one amount (a line per row from a column is not computed out of core).
#[cfg(feature = "datafusion")]
fn poverty_line(args: &ComputeArgs) -> Result<Option<f64>, Failure> {
    use ginikit::table::PovertyLineSpec;
    match super::settings::table_spec(&args.table).poverty_line {
        None => Ok(None),
        Some(PovertyLineSpec::Amount(z)) if z > 0.0 && z.is_finite() => Ok(Some(z)),
        Some(PovertyLineSpec::Amount(z)) => Err(Failure::Usage(format!(
            "--poverty-line {z}: a poverty line is a positive amount"
        ))),
        Some(PovertyLineSpec::Column(_)) => Err(unsupported(
            ginikit_datafusion::Error::Unsupported("poverty lines from a column".into()),
        )),
    }
}

/// `--memory-limit` in bytes.
#[cfg(feature = "datafusion")]
fn memory_limit(args: &ComputeArgs) -> Result<Option<usize>, Failure> {
    match &args.engine.memory_limit {
        None => Ok(None),
        Some(t) => ginikit::memory::parse_bytes(t)
            .map(|b| Some(b as usize))
            .ok_or_else(|| {
                Failure::Usage(format!(
                    "--memory-limit {t}: give bytes or a size such as 512MiB or 2G"
                ))
            }),
    }
}

/// Checks that the input is a plain CSV or Parquet file or a directory of them; for a
/// directory, the note that says which files were read as one table.
#[cfg(feature = "datafusion")]
fn input_note(args: &ComputeArgs) -> Result<Option<String>, Failure> {
    use ginikit::table::InputFormat;
    use ginikit_datafusion::Error::Unsupported;
    if args.file == std::path::Path::new("-") {
        return Err(unsupported(Unsupported(
            "tables from standard input (name a CSV or Parquet file)".into(),
        )));
    }
    let format = super::settings::table_spec(&args.table)
        .format
        .unwrap_or_else(|| InputFormat::from_path(&args.file));
    let gzip = args
        .file
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("gz"));
    let directory = args.file.is_dir();
    if !directory && (!matches!(format, InputFormat::Csv | InputFormat::Parquet) || gzip) {
        return Err(unsupported(Unsupported(
            "files other than plain CSV and Parquet".into(),
        )));
    }
    if !args.file.is_file() && !directory {
        return Err(Failure::Data(ginikit::Error::Io {
            path: args.file.clone(),
            message: "no such file".into(),
        }));
    }
    if !directory {
        return Ok(None);
    }
    let files = ginikit_datafusion::table_files(&args.file).map_err(|e| engine_failure(args, e))?;
    let all = std::fs::read_dir(&args.file).map_or(files.len(), |d| {
        d.flatten().filter(|e| e.path().is_file()).count()
    });
    let name = |p: &std::path::Path| {
        p.file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string()
    };
    Ok(Some(format!(
        "note: read {} as one table of {} file(s), {} … {}{}.",
        args.file.display(),
        files.len(),
        name(&files[0]),
        name(&files[files.len() - 1]),
        match all - files.len() {
            0 => String::new(),
            n => format!("; {n} other file(s) in it left out"),
        }
    )))
}

/// Past registration, an engine error on a cluster is the cluster's failure (its logs say
/// more), not a problem with the file; a measure or setting the engine refuses is a usage
/// error.
#[cfg(feature = "datafusion")]
fn engine_error(args: &ComputeArgs, e: ginikit_datafusion::Error) -> Failure {
    use ginikit_datafusion::Error;
    match (&e, &args.engine.cluster) {
        (Error::Unsupported(_) | Error::NoPlan(_), _) => unsupported(e),
        (Error::Engine(_), Some(url)) => Failure::Service(format!(
            "the Ballista cluster at {url} failed on {}: {e}; the scheduler's and executors' \
             logs say more",
            args.file.display()
        )),
        _ => engine_failure(args, e),
    }
}

/// The engine's rows in the in-memory engine's tidy form: group, measure, estimate, n,
/// population (and the rows left out by `--non-positive exclude`).
#[cfg(feature = "datafusion")]
fn estimates_report(
    args: &ComputeArgs,
    measures: &[ginikit::Measure],
    groups: &[ginikit_datafusion::GroupResult],
) -> Result<ginikit::report::Report, Failure> {
    use ginikit::measure::Estimate;
    use ginikit::table::GroupEstimate;
    let mut rows = Vec::new();
    for g in groups {
        // The engine's values come in the order of the measures asked for.
        for (m, (name, value)) in measures.iter().zip(&g.values) {
            if !value.is_finite() {
                return Err(Failure::Data(ginikit::Error::Undefined {
                    location: ginikit::error::Location::column(
                        args.file.clone(),
                        args.table.value.clone(),
                    ),
                    measure: name.clone(),
                    reason: "the result is not a finite number".into(),
                    context: g.key.join(", "),
                }));
            }
            let (n, population) = match g.positive {
                Some(part) if m.needs_positive_values() => part,
                _ => (g.rows, g.total_weight),
            };
            rows.push(GroupEstimate {
                key: g.key.clone(),
                measure: m.clone(),
                estimate: Estimate {
                    value: *value,
                    n: n as usize,
                    population,
                    excluded: (g.rows - n) as usize,
                },
            });
        }
    }
    Ok(ginikit::report::tidy::estimates(&args.table.by, &rows))
}

/// An engine error as a data failure of the file: a problem the engine found in the data
/// (its message ends with the fix) as such, anything else as a table the engine could not
/// read.
#[cfg(feature = "datafusion")]
fn engine_failure(args: &ComputeArgs, e: ginikit_datafusion::Error) -> Failure {
    Failure::Data(match e {
        ginikit_datafusion::Error::Data(m) => {
            let (problem, fix) = m.rsplit_once("; ").unwrap_or((&m, "fix the table"));
            ginikit::Error::Layout {
                path: args.file.clone(),
                problem: problem.into(),
                fix: fix.into(),
            }
        }
        e => ginikit::Error::Malformed {
            path: args.file.clone(),
            format: "DataFusion".into(),
            message: e.to_string(),
        },
    })
}

/// The engine — on this machine under `config`, or on the cluster of `--cluster` — with the
/// file registered (by its absolute path on a cluster: executors run elsewhere).
#[cfg(feature = "datafusion")]
async fn open(
    args: &ComputeArgs,
    config: &ginikit_datafusion::EngineConfig,
) -> Result<ginikit_datafusion::Engine, Failure> {
    let (engine, file) = match &args.engine.cluster {
        None => (
            ginikit_datafusion::Engine::new(config).map_err(|e| engine_failure(args, e))?,
            args.file.clone(),
        ),
        Some(url) => connect(args, url).await?,
    };
    engine
        .register(&[file])
        .await
        .map_err(|e| engine_failure(args, e))?;
    Ok(engine)
}

/// An engine on the cluster at `url`, once its scheduler answers, and the file's absolute
/// path (the executors run elsewhere).
#[cfg(feature = "datafusion")]
async fn connect(
    args: &ComputeArgs,
    url: &str,
) -> Result<(ginikit_datafusion::Engine, std::path::PathBuf), Failure> {
    #[cfg(not(feature = "cluster"))]
    {
        let _ = (args, url);
        Err(super::cluster::not_built())
    }
    #[cfg(feature = "cluster")]
    {
        let file = std::fs::canonicalize(&args.file).map_err(|e| {
            Failure::Data(ginikit::Error::Io {
                path: args.file.clone(),
                message: e.to_string(),
            })
        })?;
        super::cluster::reachable(url)?;
        let engine = ginikit_ballista::connect(url)
            .await
            .map_err(Failure::Service)?;
        Ok((engine, file))
    }
}

/// The rows of `gini compute --se linearization` from the engine's estimates: group columns,
/// measure, estimate, se, ci_lower, ci_upper, n, population (no design effect: the engine
/// does not compute the SRS variance it needs).
#[cfg(feature = "datafusion")]
fn se_report(
    args: &ComputeArgs,
    measures: &[ginikit::Measure],
    groups: &[ginikit_datafusion::GroupSe],
    level: f64,
) -> Result<ginikit::report::Report, Failure> {
    use ginikit::report::{Cell, Report, Style};
    let z = ginikit::survey::normal_quantile(0.5 + level / 2.0);
    let mut report = Report {
        columns: args
            .table
            .by
            .iter()
            .cloned()
            .chain(
                [
                    "measure",
                    "estimate",
                    "se",
                    "ci_lower",
                    "ci_upper",
                    "n",
                    "population",
                ]
                .map(String::from),
            )
            .collect(),
        ..Report::default()
    };
    for g in groups {
        for m in measures {
            let name = m.name();
            let (v, se) = if name == "gini" { g.gini } else { g.mean };
            if !(v.is_finite() && se.is_finite()) {
                return Err(Failure::Data(ginikit::Error::Undefined {
                    location: ginikit::error::Location::column(
                        args.file.clone(),
                        args.table.value.clone(),
                    ),
                    measure: name,
                    reason: "the estimate or its standard error is not a finite number".into(),
                    context: g.key.join(", "),
                }));
            }
            let style = Style::of(m);
            let mut row: Vec<Cell> = g.key.iter().map(|k| Cell::Text(k.clone())).collect();
            row.push(Cell::Text(m.name()));
            row.push(Cell::Number(v, style));
            row.push(Cell::Number(se, style));
            row.push(Cell::Number(v - z * se, style));
            row.push(Cell::Number(v + z * se, style));
            row.push(Cell::Number(g.rows as f64, Style::Count));
            row.push(Cell::Number(g.total_weight, Style::Count));
            report.rows.push(row);
        }
    }
    report.notes.push(format!(
        "note: standard errors by linearization (influence values), PSUs with replacement, computed out of core on DataFusion; {:.0} % intervals.",
        100.0 * level
    ));
    Ok(report)
}
