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
/// report's notes. What the engine does not compute is a usage error naming it.
#[cfg(feature = "datafusion")]
pub fn run(args: &ComputeArgs, note: Option<String>) -> Result<(), Failure> {
    use super::args::{Convention, NonPositive};
    use ginikit::measure::{Estimate, Measure};
    use ginikit::report::tidy;
    use ginikit::table::{GroupEstimate, PovertyLineSpec};
    use ginikit::Error;
    use ginikit_datafusion as df;

    let unsupported = |what: &str| {
        Err(Failure::Usage(format!(
            "the DataFusion engine does not compute {what} yet; leave out --engine for the \
             in-memory engine"
        )))
    };
    let with_se = match args.survey.se {
        None => false,
        Some(super::args::Se::Linearization) => true,
        Some(_) => return unsupported("replicate standard errors (only --se linearization)"),
    };
    if with_se
        && (args.survey.fpc.is_some()
            || args.survey.nest
            || args.survey.lonely_psu != super::args::Lonely::Error)
    {
        return unsupported("--fpc, --nest or --lonely-psu");
    }
    if args.measure.gini_convention != Convention::Midpoint {
        return unsupported("Gini conventions other than the midpoint one");
    }
    if args.measure.non_positive != NonPositive::Error {
        return unsupported("--non-positive exclude");
    }
    if args.file == std::path::Path::new("-") {
        return unsupported("tables from standard input (name a CSV or Parquet file)");
    }
    let format = super::compute::table_spec(&args.table)
        .format
        .unwrap_or_else(|| ginikit::table::InputFormat::from_path(&args.file));
    let csv_or_parquet = matches!(
        format,
        ginikit::table::InputFormat::Csv | ginikit::table::InputFormat::Parquet
    );
    let gzip = args
        .file
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("gz"));
    let directory = args.file.is_dir();
    if !directory && (!csv_or_parquet || gzip) {
        return unsupported("files other than plain CSV and Parquet");
    }
    let poverty_line = match super::compute::table_spec(&args.table).poverty_line {
        None => None,
        Some(PovertyLineSpec::Amount(z)) if z > 0.0 && z.is_finite() => Some(z),
        Some(PovertyLineSpec::Amount(z)) => {
            return Err(Failure::Usage(format!(
                "--poverty-line {z}: a poverty line is a positive amount"
            )))
        }
        Some(PovertyLineSpec::Column(_)) => return unsupported("poverty lines from a column"),
    };
    let names: Vec<String> = Measure::parse_list(&args.measure.measures)?
        .iter()
        .map(Measure::name)
        .collect();
    let mut measures = Vec::new();
    for n in &names {
        match df::Measure::parse(n) {
            Some(m) => measures.push(m),
            None => {
                return unsupported(&format!(
                    "'{n}' (it computes gini, mean, theil_t, mld, ge_<α>, atkinson_<ε>, fgt0, \
                     fgt1, fgt2, fgt_<α>, share_bottom40, share_middle40, share_top20, \
                     share_decile<k>, share_<from>_<to>, palma, s80_s20, median, quantile_<p>)"
                ))
            }
        }
    }
    let memory_limit = match &args.engine.memory_limit {
        None => None,
        Some(t) => Some(ginikit::memory::parse_bytes(t).ok_or_else(|| {
            Failure::Usage(format!(
                "--memory-limit {t}: give bytes or a size such as 512MiB or 2G"
            ))
        })? as usize),
    };
    if !args.file.is_file() && !directory {
        return Err(Failure::Data(Error::Io {
            path: args.file.clone(),
            message: "no such file".into(),
        }));
    }
    // A directory is read as one table of its files: say which.
    let mut notes: Vec<String> = note.into_iter().collect();
    if directory {
        let files = df::table_files(&args.file).map_err(|e| engine_failure(args, e))?;
        let all = std::fs::read_dir(&args.file).map_or(files.len(), |d| {
            d.flatten().filter(|e| e.path().is_file()).count()
        });
        let name = |p: &std::path::Path| {
            p.file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .to_string()
        };
        notes.push(format!(
            "note: read {} as one table of {} file(s), {} … {}{}.",
            args.file.display(),
            files.len(),
            name(&files[0]),
            name(&files[files.len() - 1]),
            match all - files.len() {
                0 => String::new(),
                n => format!("; {n} other file(s) in it left out"),
            }
        ));
    }
    let config = df::EngineConfig {
        memory_limit,
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
    // Past registration, an engine error on a cluster is the cluster's failure (its logs
    // say more), not a problem with the file.
    let engine_error = |e: df::Error| match (&e, &args.engine.cluster) {
        (df::Error::Engine(_), Some(url)) => Failure::Service(format!(
            "the Ballista cluster at {url} failed on {}: {e}; the scheduler's and executors' \
             logs say more",
            args.file.display()
        )),
        _ => engine_failure(args, e),
    };
    let runtime = runtime()?;
    if with_se {
        if names.iter().any(|n| n != "gini" && n != "mean") {
            return unsupported("standard errors of measures other than gini and mean");
        }
        let level = args.survey.level;
        if !(level > 0.0 && level < 1.0) {
            return Err(Failure::Usage(format!(
                "--level {level}: give a confidence level between 0 and 1, e.g. 0.95"
            )));
        }
        let groups = runtime.block_on(async {
            let engine = open(args, &config).await?;
            engine.gini_and_mean_se(&spec).await.map_err(engine_error)
        })?;
        let mut report = se_report(args, &names, &groups, level)?;
        report.notes.extend(notes);
        return super::emit(
            &report,
            args.measure.format.into(),
            args.measure.output.as_deref(),
        );
    }
    let results = runtime.block_on(async {
        let engine = open(args, &config).await?;
        engine
            .compute(&spec, &measures, poverty_line)
            .await
            .map_err(engine_error)
    })?;
    // The engine's rows in the in-memory engine's tidy form: group, measure, estimate, n,
    // population.
    let mut rows = Vec::new();
    for g in &results {
        // The engine's values come in the order of the measures asked for.
        for (name, (_, value)) in names.iter().zip(&g.values) {
            if !value.is_finite() {
                return Err(Failure::Data(Error::Undefined {
                    location: ginikit::error::Location::column(
                        args.file.clone(),
                        args.table.value.clone(),
                    ),
                    measure: name.clone(),
                    reason: "the result is not a finite number".into(),
                    context: g.key.join(", "),
                }));
            }
            rows.push(GroupEstimate {
                key: g.key.clone(),
                measure: Measure::parse(name)?,
                estimate: Estimate {
                    value: *value,
                    n: g.rows as usize,
                    population: g.total_weight,
                    excluded: 0,
                },
            });
        }
    }
    let mut report = tidy::estimates(&args.table.by, &rows);
    report.notes.extend(notes);
    super::emit(
        &report,
        args.measure.format.into(),
        args.measure.output.as_deref(),
    )
}

/// A multi-threaded runtime with deep stacks (Ballista serializes and plans recursively).
#[cfg(feature = "datafusion")]
pub fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_stack_size(32 * 1024 * 1024)
        .build()
        .map_err(|e| {
            Failure::Data(ginikit::Error::Io {
                path: "tokio".into(),
                message: e.to_string(),
            })
        })
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
    names: &[String],
    groups: &[ginikit_datafusion::GroupSe],
    level: f64,
) -> Result<ginikit::report::Report, Failure> {
    use ginikit::measure::Measure;
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
        for name in names {
            let (v, se) = if name == "gini" { g.gini } else { g.mean };
            if !(v.is_finite() && se.is_finite()) {
                return Err(Failure::Data(ginikit::Error::Undefined {
                    location: ginikit::error::Location::column(
                        args.file.clone(),
                        args.table.value.clone(),
                    ),
                    measure: name.clone(),
                    reason: "the estimate or its standard error is not a finite number".into(),
                    context: g.key.join(", "),
                }));
            }
            let style = Style::of(&Measure::parse(name)?);
            let mut row: Vec<Cell> = g.key.iter().map(|k| Cell::Text(k.clone())).collect();
            row.push(Cell::Text(name.clone()));
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
