//! Inequality measures of tables larger than memory, on Apache DataFusion.
//!
//! The Gini ratio is computed exactly, without holding all rows: the value axis is cut into
//! range buckets (at approximate quantiles, so buckets are about equal in size; equal values
//! always fall in the same bucket because the bucket is a function of the value), every
//! (group, bucket) is sorted by the engine — its external sort spills to disk under a memory
//! limit — and reduced to its `(W, S, T)` with a running weight, and the buckets are merged
//! in value order on the client ([`Segment`]). The sum-only measures (mean, Theil T, MLD,
//! GE(α), Atkinson, FGT) are ordinary aggregates. Results equal ginikit's in-memory kernel
//! to about 1e-12 relative (plain double sums in the engine against compensated sums in the
//! kernel).
//!
//! Which measures, and how: the engine has no list of its own. Every measure of ginikit's
//! registry that has an out-of-core plan ([`ginikit::measure::out_of_core::Plan`]: the
//! Gini, a mean of a term, Lorenz ordinates, a quantile) is computed from it, with the
//! library's terms and finishing formulas; any other is refused by name
//! ([`Error::NoPlan`]). The modules: `sql` writes the SQL, `steps` runs the plan's steps
//! on the engine, `merge` combines their small results on the client, `compute` and `se`
//! assemble the measures and their standard errors.
//!
//! Lorenz shares come from the bucket that holds each boundary (only its rows are read
//! back); linearized standard errors of the Gini and the mean from bucket offsets joined back
//! to the rows. The same plans run on a Ballista cluster through [`Engine::with_context`]
//! (crate `ginikit-ballista`): every small table the plans join (the buckets wanted, the
//! bucket offsets) is written into the SQL as literal `VALUES`, so it travels with the plan.
//! Weighted quantiles come from the bucket that reaches `p·W`. Not here (yet): replicate
//! standard errors.

mod compute;
mod merge;
mod se;
mod sql;
mod steps;

pub use ginikit::measure::out_of_core::Segment;

use datafusion::arrow::array::RecordBatch;
use datafusion::execution::memory_pool::FairSpillPool;
use datafusion::execution::runtime_env::RuntimeEnvBuilder;
use datafusion::physical_plan::collect;
use datafusion::prelude::*;
use ginikit::measure::Options;
use ginikit::survey::design::LonelyPsu;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Errors: the engine's, a problem with the data stated in words, or a measure or setting
/// the engine does not compute.
#[derive(Debug)]
pub enum Error {
    Engine(datafusion::error::DataFusionError),
    Data(String),
    /// A setting the engine does not compute, in words.
    Unsupported(String),
    /// A measure (its name) without an out-of-core plan under the options given.
    NoPlan(String),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Engine(e) => write!(f, "{e}"),
            Error::Data(m) => write!(f, "{m}"),
            Error::Unsupported(what) => write!(f, "the out-of-core engine does not compute {what}"),
            Error::NoPlan(name) => write!(
                f,
                "the out-of-core engine does not compute '{name}' (with these options); it \
                 computes {} (the Gini in the midpoint convention)",
                ginikit::measure::registry::out_of_core_measures()
            ),
        }
    }
}

impl std::error::Error for Error {}

impl From<datafusion::error::DataFusionError> for Error {
    fn from(e: datafusion::error::DataFusionError) -> Self {
        Error::Engine(e)
    }
}

impl From<datafusion::arrow::error::ArrowError> for Error {
    fn from(e: datafusion::arrow::error::ArrowError) -> Self {
        Error::Engine(e.into())
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// How the engine runs: a memory limit (a fair spill pool: operators that can spill share
/// it and spill to `spill_dir` when it is full), the number of partitions run in parallel.
#[derive(Debug, Clone, Default)]
pub struct EngineConfig {
    /// Bytes; `None`: no limit.
    pub memory_limit: Option<usize>,
    /// Where spill files go; `None`: the system's temporary directory.
    pub spill_dir: Option<PathBuf>,
    /// Partitions; `None`: one per core.
    pub partitions: Option<usize>,
}

/// A DataFusion session with the input registered as the table `households`.
pub struct Engine {
    ctx: SessionContext,
}

/// Which columns mean what, and how finely to bucket.
#[derive(Debug, Clone)]
pub struct Spec {
    pub value: String,
    pub weight: Option<String>,
    /// Household size: each row stands for this many persons (person weight = weight × size).
    pub size: Option<String>,
    /// Divide the value by the size (the value column holds household totals).
    pub per_capita: bool,
    pub by: Vec<String>,
    /// Strata and PSU columns for linearized standard errors (each row its own PSU without
    /// `psu`; one stratum without `strata`).
    pub strata: Option<String>,
    pub psu: Option<String>,
    /// PSU codes restart within each stratum.
    pub nested: bool,
    /// Strata with a single PSU: an error, or no variance (`Certainty`).
    pub lonely: LonelyPsu,
    /// The measures' options (Gini convention, zero and negative values).
    pub options: Options,
    /// Range buckets of the value axis (64 by default).
    pub buckets: usize,
}

impl Spec {
    pub fn new(value: &str) -> Spec {
        Spec {
            value: value.into(),
            weight: None,
            size: None,
            per_capita: false,
            by: Vec::new(),
            strata: None,
            psu: None,
            nested: false,
            lonely: LonelyPsu::Error,
            options: Options::default(),
            buckets: 64,
        }
    }
}

/// A group's results: its key (one text per `by` column), rows, total weight and measures.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupResult {
    pub key: Vec<String>,
    pub rows: u64,
    pub total_weight: f64,
    /// `(name, value)` of each measure asked for, in that order.
    pub values: Vec<(String, f64)>,
    /// Under [`ginikit::measure::positive::NonPositivePolicy::Exclude`], when measures that
    /// need positive values were asked for: the rows and weight of the values above zero,
    /// which those measures are computed over.
    pub positive: Option<(u64, f64)>,
}

/// A group's Gini and mean, each `(estimate, linearized standard error)`.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupSe {
    pub key: Vec<String>,
    pub rows: u64,
    pub total_weight: f64,
    pub gini: (f64, f64),
    pub mean: (f64, f64),
}

/// Whether a file is Parquet by its name (`.parquet` or `.pq`).
fn is_parquet(p: &Path) -> bool {
    p.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("parquet") || e.eq_ignore_ascii_case("pq"))
}

/// The table files of a directory, in name order: its `.parquet`/`.pq` files, or else its
/// `.csv` files (not those of subdirectories; hidden files left out). An error (not naming
/// the directory: the caller does) when it has none, or both kinds.
pub fn table_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| Error::Data(format!("the directory cannot be read ({e}); check it")))?;
    let mut files: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.is_file()
                && !p
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect();
    files.sort();
    let csv = |p: &Path| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    let parquet: Vec<PathBuf> = files.iter().filter(|p| is_parquet(p)).cloned().collect();
    let csvs: Vec<PathBuf> = files.iter().filter(|p| csv(p)).cloned().collect();
    match (parquet.is_empty(), csvs.is_empty()) {
        (false, true) => Ok(parquet),
        (true, false) => Ok(csvs),
        (true, true) => Err(Error::Data(
            "the directory has no .parquet, .pq or .csv files; name a directory of table files"
                .into(),
        )),
        (false, false) => Err(Error::Data(
            "the directory holds both Parquet and CSV files; give a directory of one format".into(),
        )),
    }
}

impl Engine {
    /// A session under `config`.
    pub fn new(config: &EngineConfig) -> Result<Engine> {
        let mut runtime = RuntimeEnvBuilder::new();
        if let Some(limit) = config.memory_limit {
            runtime = runtime.with_memory_pool(Arc::new(FairSpillPool::new(limit)));
        }
        if let Some(dir) = &config.spill_dir {
            runtime = runtime.with_temp_file_path(dir.clone());
        }
        let mut session = SessionConfig::new();
        if let Some(p) = config.partitions {
            session = session.with_target_partitions(p.max(1));
        }
        let ctx = SessionContext::new_with_config_rt(session, runtime.build_arc()?);
        Ok(Engine { ctx })
    }

    /// An engine on an existing session: a Ballista client's remote context, say. The plans
    /// are the same; the session decides where they run.
    pub fn with_context(ctx: SessionContext) -> Engine {
        Engine { ctx }
    }

    /// Registers the files (Parquet by `.parquet`/`.pq`, else CSV with a header) as the
    /// table `households`; several files are read as one table. A directory stands for its
    /// table files ([`table_files`]).
    pub async fn register(&self, files: &[PathBuf]) -> Result<()> {
        let mut all = Vec::new();
        for f in files {
            if f.is_dir() {
                all.extend(table_files(f)?);
            } else {
                all.push(f.clone());
            }
        }
        let paths: Vec<String> = all.iter().map(|p| p.display().to_string()).collect();
        if all.iter().all(|p| is_parquet(p)) {
            let df = self
                .ctx
                .read_parquet(paths, ParquetReadOptions::default())
                .await?;
            self.ctx.register_table("households", df.into_view())?;
        } else if all.iter().all(|p| !is_parquet(p)) {
            let df = self.ctx.read_csv(paths, CsvReadOptions::new()).await?;
            self.ctx.register_table("households", df.into_view())?;
        } else {
            return Err(Error::Data(
                "the files mix Parquet and CSV; give files of one format".into(),
            ));
        }
        Ok(())
    }

    pub(crate) async fn query(&self, sql: &str) -> Result<Vec<RecordBatch>> {
        Ok(self.ctx.sql(sql).await?.collect().await?)
    }

    /// Runs `sql` and returns its batches with the executed plan and its metrics (spill
    /// counts among them), as text.
    pub async fn query_with_metrics(&self, sql: &str) -> Result<(Vec<RecordBatch>, String)> {
        let plan = self.ctx.sql(sql).await?.create_physical_plan().await?;
        let batches = collect(plan.clone(), self.ctx.task_ctx()).await?;
        let text = datafusion::physical_plan::display::DisplayableExecutionPlan::with_metrics(
            plan.as_ref(),
        )
        .indent(true)
        .to_string();
        Ok((batches, text))
    }

    /// Every group's exact Gini (midpoint convention), with its rows and total weight.
    pub async fn gini(&self, spec: &Spec) -> Result<Vec<GroupResult>> {
        self.validate(spec, false).await?;
        let (_, segs, _) = self.segments(spec).await?;
        let mut out = Vec::new();
        for (g, parts) in &segs {
            let total = merge::merged(parts);
            out.push(GroupResult {
                key: merge::split_key(g, spec.by.len()),
                rows: parts.iter().map(|p| p.1).sum(),
                total_weight: total.w,
                values: vec![("gini".into(), merge::gini_of(g, parts)?)],
                positive: None,
            });
        }
        Ok(out)
    }
}
