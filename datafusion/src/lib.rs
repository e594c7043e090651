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
//! Lorenz shares come from the bucket that holds each boundary (only its rows are read
//! back); linearized standard errors of the Gini and the mean from bucket offsets joined back
//! to the rows. The same plans run on a Ballista cluster through [`Engine::with_context`]
//! (crate `ginikit-ballista`): every small table the plans join (the buckets wanted, the
//! bucket offsets) is written into the SQL as literal `VALUES`, so it travels with the plan.
//! Weighted quantiles come from the bucket that reaches `p·W`. Not here (yet): replicate
//! standard errors.

mod segment;

pub use segment::Segment;

use datafusion::arrow::array::{Array, AsArray, RecordBatch};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Float64Type, Int64Type};
use datafusion::execution::memory_pool::FairSpillPool;
use datafusion::execution::runtime_env::RuntimeEnvBuilder;
use datafusion::physical_plan::collect;
use datafusion::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Errors: the engine's, or a problem with the data stated in words.
#[derive(Debug)]
pub enum Error {
    Engine(datafusion::error::DataFusionError),
    Data(String),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Engine(e) => write!(f, "{e}"),
            Error::Data(m) => write!(f, "{m}"),
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
    pub values: Vec<(String, f64)>,
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

/// A measure the engine computes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Measure {
    Gini,
    Mean,
    /// GE(α): MLD is α = 0, Theil T α = 1.
    Ge(f64),
    /// Atkinson(ε), ε ≥ 0.
    Atkinson(f64),
    /// FGT(α) at the poverty line.
    Fgt(f64),
    /// The share of the total held between population fractions `from` and `to` (Lorenz
    /// polygon: a boundary inside a person's weight splits that person).
    Share(f64, f64),
    /// The ratio of two such shares (top band, bottom band): Palma, S80/S20.
    Ratio((f64, f64), (f64, f64)),
    /// The weighted quantile at p, ginikit's definition: the smallest value whose cumulative
    /// weight share reaches p, averaged with the next value of positive weight when it is
    /// reached exactly; Q(0) and Q(1) the smallest and largest values of positive weight.
    /// `true` when asked for as `median`.
    Quantile(f64, bool),
}

impl Measure {
    /// `gini`, `mean`, `theil_t`, `mld`, `ge_<α>`, `atkinson_<ε>`, `fgt0`, `fgt1`, `fgt2`,
    /// `fgt_<α>` — ginikit's names.
    pub fn parse(name: &str) -> Option<Measure> {
        let num = |p: &str| name.strip_prefix(p).and_then(|t| t.parse::<f64>().ok());
        Some(match name {
            "gini" => Measure::Gini,
            "mean" => Measure::Mean,
            "theil_t" => Measure::Ge(1.0),
            "mld" => Measure::Ge(0.0),
            "fgt0" => Measure::Fgt(0.0),
            "fgt1" => Measure::Fgt(1.0),
            "fgt2" => Measure::Fgt(2.0),
            "share_bottom40" => Measure::Share(0.0, 0.4),
            "share_middle40" => Measure::Share(0.4, 0.8),
            "share_top20" => Measure::Share(0.8, 1.0),
            "palma" => Measure::Ratio((0.9, 1.0), (0.0, 0.4)),
            "median" => Measure::Quantile(0.5, true),
            "s80_s20" => Measure::Ratio((0.8, 1.0), (0.0, 0.2)),
            _ => {
                if let Some(k) = name
                    .strip_prefix("share_decile")
                    .and_then(|t| t.parse::<u32>().ok())
                    .filter(|k| (1..=10).contains(k))
                {
                    return Some(Measure::Share(f64::from(k - 1) / 10.0, f64::from(k) / 10.0));
                }
                if let Some((a, b)) = name.strip_prefix("share_").and_then(|t| t.split_once('_')) {
                    let (a, b) = (a.parse::<f64>().ok()?, b.parse::<f64>().ok()?);
                    return (0.0 <= a && a <= b && b <= 1.0).then_some(Measure::Share(a, b));
                }
                if let Some(p) = num("quantile_") {
                    return (0.0..=1.0)
                        .contains(&p)
                        .then_some(Measure::Quantile(p, false));
                }
                if let Some(a) = num("ge_") {
                    Measure::Ge(a)
                } else if let Some(e) = num("atkinson_").filter(|e| *e >= 0.0) {
                    Measure::Atkinson(e)
                } else if let Some(a) = num("fgt_").filter(|a| *a >= 0.0) {
                    Measure::Fgt(a)
                } else {
                    return None;
                }
            }
        })
    }

    fn needs_positive(&self) -> bool {
        matches!(self, Measure::Ge(_) | Measure::Atkinson(_))
    }
}

/// A quoted SQL identifier.
fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// A SQL double literal that round-trips.
fn lit_f64(v: f64) -> String {
    format!("CAST({v:e} AS DOUBLE)")
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

/// The rows with their bucket, and the window partition of a (group, bucket) that leaves out
/// a key that is constant (no grouping columns, one bucket): DataFusion drops the sort on a
/// constant column, and a Ballista executor then rejects the deserialized window ("Expects
/// PARTITION BY expression to be ordered").
struct Bucketed {
    /// `SELECT g, x, w, h, j, bucket …`
    sql: String,
    /// `PARTITION BY g, bucket`, or fewer keys, or nothing.
    partition: String,
}

/// A SQL text literal.
fn lit_str(v: &str) -> String {
    format!("'{}'", v.replace('\'', "''"))
}

/// A small table of literal rows, `(VALUES (…), …) AS name(columns)`, to join with the data.
/// Literals travel inside the plan — to Ballista's executors too — where a table registered
/// on the client (a `MemTable`) cannot be shipped. `rows` must not be empty.
fn values_table(name: &str, columns: &[&str], rows: impl Iterator<Item = Vec<String>>) -> String {
    let rows: Vec<String> = rows.map(|r| format!("({})", r.join(", "))).collect();
    format!(
        "(VALUES {}) AS {name}({})",
        rows.join(", "),
        columns.join(", ")
    )
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

    async fn query(&self, sql: &str) -> Result<Vec<RecordBatch>> {
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

    /// The value and weight columns as doubles, the group key as text.
    fn source(&self, spec: &Spec) -> String {
        let key = if spec.by.is_empty() {
            "''".to_string()
        } else {
            spec.by
                .iter()
                .map(|c| format!("COALESCE(CAST({} AS VARCHAR), '')", ident(c)))
                .collect::<Vec<_>>()
                .join(" || chr(31) || ")
        };
        let weight = spec
            .weight
            .as_ref()
            .map_or("CAST(1 AS DOUBLE)".to_string(), |w| {
                format!("CAST({} AS DOUBLE)", ident(w))
            });
        let size = spec
            .size
            .as_ref()
            .map(|s| format!("CAST({} AS DOUBLE)", ident(s)));
        let w = match &size {
            Some(s) if spec.weight.is_some() => format!("{weight} * {s}"),
            Some(s) => s.clone(),
            None => weight,
        };
        let value = format!("CAST({} AS DOUBLE)", ident(&spec.value));
        let x = match &size {
            Some(s) if spec.per_capita => format!("{value} / {s}"),
            _ => value,
        };
        let h = spec.strata.as_ref().map_or("''".to_string(), |c| {
            format!("COALESCE(CAST({} AS VARCHAR), '')", ident(c))
        });
        let j = spec.psu.as_ref().map_or("''".to_string(), |c| {
            format!("COALESCE(CAST({} AS VARCHAR), '')", ident(c))
        });
        format!("SELECT {key} AS g, {x} AS x, {w} AS w, {h} AS h, {j} AS j FROM households")
    }

    /// Checks the columns: no missing, NaN or infinite values or weights, no negative
    /// weights, and (for `positive`) no zero or negative values; the error gives the count
    /// and the column.
    async fn validate(&self, spec: &Spec, positive: bool) -> Result<()> {
        if let Some(size) = &spec.size {
            let sql = format!(
                "SELECT CAST(COUNT(*) AS BIGINT) FROM households \
                 WHERE {s} IS NULL OR NOT (CAST({s} AS DOUBLE) > 0)",
                s = ident(size)
            );
            let b = self.query(&sql).await?;
            let c = cast(b[0].column(0), &DataType::Int64)?;
            let bad = c.as_primitive::<Int64Type>().value(0);
            if bad > 0 {
                return Err(Error::Data(format!(
                    "column '{size}': {bad} household size(s) are missing, zero or negative; a household has at least one person: fix or remove those rows"
                )));
            }
        }
        let src = self.source(spec);
        let sql = format!(
            "SELECT \
               COUNT(*) AS n, \
               SUM(CASE WHEN x IS NULL OR isnan(x) OR x = 'Infinity'::double OR x = '-Infinity'::double THEN 1 ELSE 0 END) AS bad_x, \
               SUM(CASE WHEN w IS NULL OR isnan(w) OR w = 'Infinity'::double THEN 1 ELSE 0 END) AS bad_w, \
               SUM(CASE WHEN w < 0 THEN 1 ELSE 0 END) AS neg_w, \
               SUM(CASE WHEN x <= 0 THEN 1 ELSE 0 END) AS nonpos_x \
             FROM ({src})"
        );
        let b = self.query(&sql).await?;
        let get = |i: usize| -> i64 {
            let c = cast(b[0].column(i), &DataType::Int64).expect("integer counts");
            let a = c.as_primitive::<Int64Type>();
            if a.is_null(0) {
                0
            } else {
                a.value(0)
            }
        };
        let (n, bad_x, bad_w, neg_w, nonpos) = (get(0), get(1), get(2), get(3), get(4));
        let weight = spec.weight.as_deref().unwrap_or("(unit weights)");
        if n == 0 {
            return Err(Error::Data("the table has no rows".into()));
        }
        if bad_x > 0 {
            return Err(Error::Data(format!(
                "column '{}': {bad_x} value(s) are missing, NaN or infinite; remove or impute them",
                spec.value
            )));
        }
        if bad_w > 0 || neg_w > 0 {
            return Err(Error::Data(format!(
                "column '{weight}': {} weight(s) are missing or not finite and {neg_w} are negative; weights must be finite and zero or positive",
                bad_w
            )));
        }
        if positive && nonpos > 0 {
            return Err(Error::Data(format!(
                "column '{}': {nonpos} value(s) are zero or negative, but GE and Atkinson measures need strictly positive values; drop them",
                spec.value
            )));
        }
        Ok(())
    }

    /// Bucket boundaries: distinct approximate quantiles of the values (`buckets − 1` of
    /// them). Any increasing boundaries give the same exact result; these keep buckets about
    /// equal in size.
    async fn boundaries(&self, spec: &Spec) -> Result<Vec<f64>> {
        if spec.buckets <= 1 {
            return Ok(Vec::new());
        }
        let src = self.source(spec);
        let cols: Vec<String> = (1..spec.buckets)
            .map(|i| {
                format!(
                    "approx_percentile_cont({}) WITHIN GROUP (ORDER BY x) AS q{i}",
                    i as f64 / spec.buckets as f64
                )
            })
            .collect();
        let b = self
            .query(&format!("SELECT {} FROM ({src})", cols.join(", ")))
            .await?;
        let mut out: Vec<f64> = Vec::new();
        for i in 0..b[0].num_columns() {
            let c = cast(b[0].column(i), &DataType::Float64)?;
            let a = c.as_primitive::<Float64Type>();
            if !a.is_null(0) && a.value(0).is_finite() {
                out.push(a.value(0));
            }
        }
        out.sort_by(f64::total_cmp);
        out.dedup();
        Ok(out)
    }

    /// The rows with their range bucket: `g, x, w, h, j, bucket`. The bucket is a
    /// non-decreasing function of the value (ties share a bucket).
    async fn bucketed(&self, spec: &Spec) -> Result<Bucketed> {
        let bounds = self.boundaries(spec).await?;
        let bucket = if bounds.is_empty() {
            "0".to_string()
        } else {
            let arms: Vec<String> = bounds
                .iter()
                .enumerate()
                .map(|(i, b)| format!("WHEN x < {} THEN {i}", lit_f64(*b)))
                .collect();
            format!("CASE {} ELSE {} END", arms.join(" "), bounds.len())
        };
        let src = self.source(spec);
        let keys: Vec<&str> = [(!spec.by.is_empty(), "g"), (!bounds.is_empty(), "bucket")]
            .into_iter()
            .filter_map(|(varies, k)| varies.then_some(k))
            .collect();
        Ok(Bucketed {
            sql: format!("SELECT g, x, w, h, j, CAST({bucket} AS BIGINT) AS bucket FROM ({src})"),
            partition: if keys.is_empty() {
                String::new()
            } else {
                format!("PARTITION BY {}", keys.join(", "))
            },
        })
    }

    /// The SQL that reduces every (group, bucket) to its rows, `W`, `S`, `T`: each bucket
    /// sorted by value with a running weight (the engine's sort, which spills).
    pub async fn segment_sql(&self, spec: &Spec) -> Result<String> {
        Ok(segment_sql_of(&self.bucketed(spec).await?))
    }

    /// Every group's buckets in value order, the bucketed rows, and the buckets whose rows
    /// all hold one value.
    async fn segments(&self, spec: &Spec) -> Result<(Bucketed, Segments, Flat)> {
        let b = self.bucketed(spec).await?;
        let batches = self.query(&segment_sql_of(&b)).await?;
        let (segs, flat) = collect_segments(&batches)?;
        Ok((b, segs, flat))
    }

    /// Every group's exact Gini (midpoint convention), with its rows and total weight.
    pub async fn gini(&self, spec: &Spec) -> Result<Vec<GroupResult>> {
        self.validate(spec, false).await?;
        let (_, segs, _) = self.segments(spec).await?;
        merge_segments(&segs, &spec.by)
    }

    /// `Σ w x` of the poorest fraction `p` of every group, for every `p` in `fractions`, a
    /// boundary inside a person's weight splitting that person (the Lorenz polygon, as the
    /// in-memory kernel): the bucket that reaches `p·W` is found from the merged bucket
    /// totals, and only those buckets' rows are read, in value order, in one query — not
    /// even those when the bucket holds one value `x` (a block of ties, e.g. millions of
    /// zeros): then the sum is `S_before + (p·W − W_before)·x`.
    async fn cumulative_values(
        &self,
        bucketed: &str,
        segs: &Segments,
        flat: &Flat,
        fractions: &[f64],
    ) -> Result<BTreeMap<(String, u64), f64>> {
        let mut out = BTreeMap::new();
        // Per (group, bucket) the fractions that end in it, with the totals before it.
        let mut wanted: BTreeMap<(String, i64), Vec<BoundaryEnd>> = BTreeMap::new();
        for (g, parts) in segs {
            let total = merged(parts);
            for &p in fractions {
                if p <= 0.0 {
                    out.insert((g.clone(), p.to_bits()), 0.0);
                    continue;
                }
                if p >= 1.0 {
                    out.insert((g.clone(), p.to_bits()), total.s);
                    continue;
                }
                let target = p * total.w;
                match bucket_reaching(parts, target) {
                    Some((bucket, c_before, s_before)) => match flat.get(&(g.clone(), bucket)) {
                        Some(&x) => {
                            out.insert(
                                (g.clone(), p.to_bits()),
                                s_before + (target - c_before) * x,
                            );
                        }
                        None => wanted
                            .entry((g.clone(), bucket))
                            .or_default()
                            .push((p, target, c_before, s_before)),
                    },
                    None => {
                        out.insert((g.clone(), p.to_bits()), total.s);
                    }
                }
            }
        }
        if wanted.is_empty() {
            return Ok(out);
        }
        let rows = self.bucket_rows(bucketed, wanted.keys()).await?;
        for (key, ends) in &wanted {
            let bucket_rows = rows.get(key).map_or(&[][..], |r| &r[..]);
            for &(p, target, c_before, s_before) in ends {
                let (mut c, mut s_acc) = (c_before, s_before);
                let mut value = None;
                for &(x, w) in bucket_rows {
                    if c + w >= target {
                        value = Some(s_acc + (target - c) * x);
                        break;
                    }
                    c += w;
                    s_acc += w * x;
                }
                // Rounding may leave the target just above the bucket's last cumulative
                // weight: the bucket's whole total is below it.
                out.insert((key.0.clone(), p.to_bits()), value.unwrap_or(s_acc));
            }
        }
        Ok(out)
    }

    /// The rows `(x, w)` of the given (group, bucket) pairs, each bucket's in value order: the
    /// pairs as a small table joined to the rows (a hash join: one pass over the table
    /// whatever the number of groups). Ordered by value alone, which orders each (group,
    /// bucket) list: DataFusion 55's plan check rejects `ORDER BY g, bucket, x` when the group
    /// or the bucket is a constant (no grouping columns, one bucket).
    async fn bucket_rows<'k>(
        &self,
        bucketed: &str,
        wanted: impl Iterator<Item = &'k (String, i64)> + Clone,
    ) -> Result<BTreeMap<(String, i64), Vec<(f64, f64)>>> {
        let keys = values_table(
            "k",
            &["wg", "wb"],
            wanted.map(|(g, b)| vec![lit_str(g), b.to_string()]),
        );
        let sql = format!(
            "SELECT g, bucket, x, w FROM ({bucketed}) r \
             JOIN {keys} ON r.g = k.wg AND r.bucket = k.wb \
             ORDER BY x"
        );
        let mut rows: BTreeMap<(String, i64), Vec<(f64, f64)>> = BTreeMap::new();
        for b in &self.query(&sql).await? {
            let g = text_column(b, 0)?;
            let bucket = cast(b.column(1), &DataType::Int64)?;
            let bucket = bucket.as_primitive::<Int64Type>();
            let (x, w) = (f64_column(b, 2)?, f64_column(b, 3)?);
            for i in 0..x.len() {
                rows.entry((g[i].clone(), bucket.value(i)))
                    .or_default()
                    .push((x[i], w[i]));
            }
        }
        Ok(rows)
    }

    /// The weighted quantile of every group at each p of `ps` ([`Measure::Quantile`]): the
    /// bucket where the cumulative weight reaches `p·W` is found from the merged bucket totals
    /// and only its rows are read back; at an exact step the next value of positive weight
    /// comes from the same bucket or, rarely, from a query for the smallest larger value. A
    /// bucket of one value `x` is not read: the quantile is `x`, or the average of `x` and the
    /// next value when the step ends exactly with the bucket.
    async fn quantiles(
        &self,
        spec: &Spec,
        bucketed: &str,
        segs: &Segments,
        flat: &Flat,
        ps: &[f64],
    ) -> Result<BTreeMap<(String, u64), f64>> {
        let src = self.source(spec);
        // The smallest and largest values of positive weight: Q(0), Q(1).
        let mut ends: BTreeMap<String, (f64, f64)> = BTreeMap::new();
        for b in &self
            .query(&format!(
                "SELECT g, MIN(CASE WHEN w > 0 THEN x END), MAX(CASE WHEN w > 0 THEN x END) \
                 FROM ({src}) GROUP BY g"
            ))
            .await?
        {
            let g = text_column(b, 0)?;
            let (lo, hi) = (f64_column(b, 1)?, f64_column(b, 2)?);
            for i in 0..g.len() {
                ends.insert(g[i].clone(), (lo[i], hi[i]));
            }
        }
        let mut out = BTreeMap::new();
        let mut wanted: BTreeMap<(String, i64), Vec<QuantileAsk>> = BTreeMap::new();
        for (g, parts) in segs {
            let total = merged(parts);
            let (lo, hi) = ends.get(g).copied().unwrap_or((f64::NAN, f64::NAN));
            for &p in ps {
                if p <= 0.0 || p >= 1.0 {
                    out.insert((g.clone(), p.to_bits()), if p <= 0.0 { lo } else { hi });
                    continue;
                }
                let target = p * total.w;
                match bucket_reaching(parts, target) {
                    Some((bucket, c_before, _)) => match flat.get(&(g.clone(), bucket)) {
                        Some(&x) => {
                            let w = parts.iter().find(|q| q.0 == bucket).map_or(0.0, |q| q.2.w);
                            let mut value = x;
                            if (c_before + w) / total.w == p && x < hi {
                                value = 0.5 * (x + self.next_positive(&src, g, x).await?);
                            }
                            out.insert((g.clone(), p.to_bits()), value);
                        }
                        None => wanted
                            .entry((g.clone(), bucket))
                            .or_default()
                            .push((p, target, c_before)),
                    },
                    None => {
                        out.insert((g.clone(), p.to_bits()), hi);
                    }
                }
            }
        }
        if wanted.is_empty() {
            return Ok(out);
        }
        let rows = self.bucket_rows(bucketed, wanted.keys()).await?;
        for ((g, bucket), asks) in &wanted {
            let bucket_rows = rows.get(&(g.clone(), *bucket)).map_or(&[][..], |r| &r[..]);
            let total_w = merged(&segs[g]).w;
            let hi = ends.get(g).map_or(f64::NAN, |e| e.1);
            for &(p, target, c_before) in asks {
                let mut c = c_before;
                let mut value = hi;
                for (i, &(x, w)) in bucket_rows.iter().enumerate() {
                    c += w;
                    if c < target {
                        continue;
                    }
                    value = x;
                    if c / total_w == p && x < hi {
                        let next = match bucket_rows[i + 1..].iter().find(|r| r.1 > 0.0) {
                            Some(r) => r.0,
                            None => self.next_positive(&src, g, x).await?,
                        };
                        value = 0.5 * (x + next);
                    }
                    break;
                }
                out.insert((g.clone(), p.to_bits()), value);
            }
        }
        Ok(out)
    }

    /// The smallest value above `x` with positive weight in group `g`.
    async fn next_positive(&self, src: &str, g: &str, x: f64) -> Result<f64> {
        let sql = format!(
            "SELECT MIN(x) FROM ({src}) WHERE g = {} AND w > 0 AND x > {}",
            lit_str(g),
            lit_f64(x)
        );
        let batches = self.query(&sql).await?;
        Ok(batches
            .first()
            .and_then(|b| f64_column(b, 0).ok())
            .and_then(|v| v.first().copied())
            .unwrap_or(x))
    }

    /// The Gini and mean of every group with their linearized standard errors (Langel &
    /// Tillé's influence values of the midpoint Gini, `(x − μ)/N` for the mean): PSU totals
    /// `u_hj = Σ w z`, variance `Σ_h n_h/(n_h − 1) Σ_j (u_hj − ū_h)²` over every PSU of the
    /// stratum in the table (a group is a domain: PSUs without its rows count with 0), PSUs
    /// with replacement, no finite-population correction — the in-memory engine's formula.
    /// `z` needs each row's cumulative weight and value through the end of its ties: bucket
    /// offsets plus cumulative sums inside the bucket (a `RANGE` window, which takes ties
    /// whole).
    pub async fn gini_and_mean_se(&self, spec: &Spec) -> Result<Vec<GroupSe>> {
        self.validate(spec, false).await?;
        let (b, segs, _) = self.segments(spec).await?;
        let (bucketed, partition) = (&b.sql, &b.partition);
        let ginis = merge_segments(&segs, &spec.by)?;
        // Per (group, bucket): weight and value before it, and the group's N, T, G.
        let mut offsets = Vec::new();
        for ((g, parts), r) in segs.iter().zip(&ginis) {
            let total = merged(parts);
            let (mut o, mut q) = (0.0, 0.0);
            for (bucket, _, seg) in parts {
                offsets.push(vec![
                    lit_str(g),
                    bucket.to_string(),
                    lit_f64(o),
                    lit_f64(q),
                    lit_f64(total.w),
                    lit_f64(total.s),
                    lit_f64(r.values[0].1),
                ]);
                o += seg.w;
                q += seg.s;
            }
        }
        let offsets = values_table(
            "o",
            &["og", "ob", "oo", "oq", "on", "ot", "ogini"],
            offsets.into_iter(),
        );
        // Each row's w·z for the Gini and the mean; summed per PSU (or kept per row when
        // every row is its own PSU), then per stratum: Σ u and Σ u².
        let per_psu = if spec.psu.is_some() {
            "SELECT g, h, SUM(uz) AS ug, SUM(um) AS um FROM z GROUP BY g, h, j"
        } else {
            "SELECT g, h, uz AS ug, um FROM z"
        };
        let sql = format!(
            "WITH c AS (SELECT g, bucket, x, w, h, j, \
                 SUM(w) OVER ({partition} ORDER BY x \
                     RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS cw, \
                 SUM(w * x) OVER ({partition} ORDER BY x \
                     RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS cs \
               FROM ({bucketed})), \
             z AS (SELECT c.g AS g, h, j, \
                 w * (2 * (x * (oo + cw) + ot - (oq + cs)) / (on * ot) \
                      - (ogini + 1) * (1 / on + x / ot)) AS uz, \
                 w * (x - ot / on) / on AS um \
               FROM c JOIN {offsets} ON c.g = o.og AND c.bucket = o.ob), \
             p AS ({per_psu}) \
             SELECT g, h, COUNT(*) AS touched, SUM(ug) AS sg, SUM(ug * ug) AS sgg, \
                    SUM(um) AS sm, SUM(um * um) AS smm \
             FROM p GROUP BY g, h"
        );
        let sums = self.query(&sql).await?;
        // PSUs per stratum over the whole table (rows per stratum without a PSU column).
        let count = if spec.psu.is_some() {
            "COUNT(DISTINCT j)"
        } else {
            "COUNT(*)"
        };
        let src = self.source(spec);
        let mut psus: BTreeMap<String, f64> = BTreeMap::new();
        for b in &self
            .query(&format!(
                "SELECT h, CAST({count} AS BIGINT) FROM ({src}) GROUP BY h"
            ))
            .await?
        {
            let h = text_column(b, 0)?;
            let n = f64_column(b, 1)?;
            for (h, n) in h.into_iter().zip(n) {
                psus.insert(h, n);
            }
        }
        if let Some((h, _)) = psus.iter().find(|(_, &n)| n < 2.0) {
            return Err(Error::Data(format!(
                "stratum '{h}' has a single PSU, so its variance cannot be estimated; merge it \
                 with a neighbouring stratum"
            )));
        }
        let mut var: BTreeMap<String, (f64, f64)> = BTreeMap::new();
        for b in &sums {
            let g = text_column(b, 0)?;
            let h = text_column(b, 1)?;
            let (sg, sgg, sm, smm) = (
                f64_column(b, 3)?,
                f64_column(b, 4)?,
                f64_column(b, 5)?,
                f64_column(b, 6)?,
            );
            for i in 0..g.len() {
                let n = psus[&h[i]];
                let e = var.entry(g[i].clone()).or_insert((0.0, 0.0));
                e.0 += n / (n - 1.0) * (sgg[i] - sg[i] * sg[i] / n);
                e.1 += n / (n - 1.0) * (smm[i] - sm[i] * sm[i] / n);
            }
        }
        Ok(ginis
            .iter()
            .zip(segs.iter())
            .map(|(r, (g, parts))| {
                let total = merged(parts);
                let (vg, vm) = var.get(g).copied().unwrap_or((f64::NAN, f64::NAN));
                GroupSe {
                    key: r.key.clone(),
                    rows: r.rows,
                    total_weight: r.total_weight,
                    gini: (r.values[0].1, vg.max(0.0).sqrt()),
                    mean: (total.s / total.w, vm.max(0.0).sqrt()),
                }
            })
            .collect())
    }

    /// The measures of every group: the Gini from merged buckets, the others as sums.
    pub async fn compute(
        &self,
        spec: &Spec,
        measures: &[Measure],
        poverty_line: Option<f64>,
    ) -> Result<Vec<GroupResult>> {
        self.validate(spec, measures.iter().any(Measure::needs_positive))
            .await?;
        if measures.iter().any(|m| matches!(m, Measure::Fgt(_))) && poverty_line.is_none() {
            return Err(Error::Data("FGT measures need a poverty line".into()));
        }
        let src = self.source(spec);
        // First pass: W, S (the mean, which centres the GE sums so they keep their digits).
        let base = self
            .query(&format!(
                "SELECT g, COUNT(*) AS n, SUM(w) AS sw, SUM(w * x) AS sx FROM ({src}) GROUP BY g"
            ))
            .await?;
        let mut groups: BTreeMap<String, (u64, f64, f64)> = BTreeMap::new();
        for b in &base {
            let g = text_column(b, 0)?;
            let n = cast(b.column(1), &DataType::Int64)?;
            let (sw, sx) = (f64_column(b, 2)?, f64_column(b, 3)?);
            for i in 0..b.num_rows() {
                let n = n.as_primitive::<Int64Type>().value(i) as u64;
                groups.insert(g[i].clone(), (n, sw[i], sx[i]));
            }
        }
        // The Gini and the shares come from the sorted buckets.
        let ordered = measures.iter().any(|m| {
            matches!(
                m,
                Measure::Gini | Measure::Share(..) | Measure::Ratio(..) | Measure::Quantile(..)
            )
        });
        let (bucketed, segs, flat) = if ordered {
            let (b, segs, flat) = self.segments(spec).await?;
            (b.sql, segs, flat)
        } else {
            (String::new(), Segments::new(), Flat::new())
        };
        let ginis = if ordered {
            merge_segments(&segs, &spec.by)?
        } else {
            Vec::new()
        };
        // Σ w x below every population fraction a share needs, per group.
        let mut fractions: Vec<f64> = Vec::new();
        for m in measures {
            match *m {
                Measure::Share(a, b) => fractions.extend([a, b]),
                Measure::Ratio(t, b) => fractions.extend([t.0, t.1, b.0, b.1]),
                _ => {}
            }
        }
        fractions.sort_by(f64::total_cmp);
        fractions.dedup();
        let below = if fractions.is_empty() {
            BTreeMap::new()
        } else {
            self.cumulative_values(&bucketed, &segs, &flat, &fractions)
                .await?
        };
        let mut probabilities: Vec<f64> = measures
            .iter()
            .filter_map(|m| match *m {
                Measure::Quantile(p, _) => Some(p),
                _ => None,
            })
            .collect();
        probabilities.sort_by(f64::total_cmp);
        probabilities.dedup();
        let quantiles = if probabilities.is_empty() {
            BTreeMap::new()
        } else {
            self.quantiles(spec, &bucketed, &segs, &flat, &probabilities)
                .await?
        };
        // Second pass: one sum per sum-based measure, centred on the group's mean.
        let mean_case = {
            let arms: Vec<String> = groups
                .iter()
                .map(|(g, (_, w, s))| {
                    format!(
                        "WHEN g = '{}' THEN {}",
                        g.replace('\'', "''"),
                        lit_f64(s / w)
                    )
                })
                .collect();
            format!("CASE {} END", arms.join(" "))
        };
        let mut sums = Vec::new();
        for m in measures {
            sums.push(match *m {
                Measure::Ge(0.0) => "SUM(w * ln(x / mu))".to_string(),
                Measure::Ge(1.0) => "SUM(w * (x / mu) * ln(x / mu))".to_string(),
                Measure::Ge(a) => format!("SUM(w * power(x / mu, {}))", lit_f64(a)),
                Measure::Atkinson(1.0) => "SUM(w * ln(x / mu))".to_string(),
                Measure::Atkinson(e) => format!("SUM(w * power(x / mu, {}))", lit_f64(1.0 - e)),
                Measure::Fgt(a) => {
                    let z = lit_f64(poverty_line.unwrap_or(f64::NAN));
                    if a == 0.0 {
                        format!("SUM(CASE WHEN x < {z} THEN w ELSE 0 END)")
                    } else {
                        format!(
                            "SUM(CASE WHEN x < {z} THEN w * power(1 - x / {z}, {}) ELSE 0 END)",
                            lit_f64(a)
                        )
                    }
                }
                Measure::Gini
                | Measure::Mean
                | Measure::Share(..)
                | Measure::Ratio(..)
                | Measure::Quantile(..) => "SUM(0)".to_string(),
            });
        }
        let sums_sql = format!(
            "SELECT g, {} FROM (SELECT g, x, w, {mean_case} AS mu FROM ({src})) GROUP BY g",
            sums.iter()
                .enumerate()
                .map(|(i, s)| format!("CAST({s} AS DOUBLE) AS m{i}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let mut by_group: BTreeMap<String, Vec<f64>> = BTreeMap::new();
        for b in &self.query(&sums_sql).await? {
            let g = text_column(b, 0)?;
            let cols: Vec<Vec<f64>> = (1..b.num_columns())
                .map(|c| f64_column(b, c))
                .collect::<Result<_>>()?;
            for (i, g) in g.into_iter().enumerate() {
                by_group.insert(g, cols.iter().map(|c| c[i]).collect());
            }
        }
        let mut out = Vec::new();
        for (g, (n, w, s)) in &groups {
            let sums = &by_group[g];
            let mu = s / w;
            let mut values = Vec::new();
            for (m, &sum) in measures.iter().zip(sums) {
                let v = match *m {
                    Measure::Gini => {
                        let key = split_key(g, spec.by.len());
                        ginis
                            .iter()
                            .find(|r| r.key == key)
                            .and_then(|r| r.values.first())
                            .map_or(f64::NAN, |v| v.1)
                    }
                    Measure::Mean => mu,
                    Measure::Ge(0.0) => -sum / w,
                    Measure::Ge(1.0) => sum / w,
                    Measure::Ge(a) => (sum / w - 1.0) / (a * (a - 1.0)),
                    Measure::Atkinson(1.0) => 1.0 - (sum / w).exp(),
                    Measure::Atkinson(e) => 1.0 - (sum / w).powf(1.0 / (1.0 - e)),
                    Measure::Fgt(_) => sum / w,
                    Measure::Share(a, b) => share(&below, g, a, b, *s),
                    Measure::Quantile(p, _) => quantiles
                        .get(&(g.clone(), p.to_bits()))
                        .copied()
                        .unwrap_or(f64::NAN),
                    Measure::Ratio(top, bottom) => {
                        let low = share(&below, g, bottom.0, bottom.1, *s);
                        if low.is_nan() || low <= 0.0 {
                            return Err(Error::Data(format!(
                                "group '{}': the bottom share of {} is zero or negative",
                                g.replace('\u{1f}', ", "),
                                name_of(m)
                            )));
                        }
                        share(&below, g, top.0, top.1, *s) / low
                    }
                };
                values.push((name_of(m), v));
            }
            out.push(GroupResult {
                key: split_key(g, spec.by.len()),
                rows: *n,
                total_weight: *w,
                values,
            });
        }
        Ok(out)
    }
}

/// The share between fractions `a` and `b` of a group whose total is `total`.
fn share(below: &BTreeMap<(String, u64), f64>, g: &str, a: f64, b: f64, total: f64) -> f64 {
    let at = |p: f64| below[&(g.to_string(), p.to_bits())];
    (at(b) - at(a)) / total
}

fn name_of(m: &Measure) -> String {
    match *m {
        Measure::Gini => "gini".into(),
        Measure::Mean => "mean".into(),
        Measure::Ge(0.0) => "mld".into(),
        Measure::Ge(1.0) => "theil_t".into(),
        Measure::Ge(a) => format!("ge_{a}"),
        Measure::Atkinson(e) => format!("atkinson_{e}"),
        Measure::Fgt(a) if a == 0.0 || a == 1.0 || a == 2.0 => format!("fgt{a}"),
        Measure::Fgt(a) => format!("fgt_{a}"),
        Measure::Share(a, b) => format!("share_{a}_{b}"),
        Measure::Ratio(t, b) => format!("ratio_{}_{}_{}_{}", t.0, t.1, b.0, b.1),
        Measure::Quantile(_, true) => "median".into(),
        Measure::Quantile(p, false) => format!("quantile_{p}"),
    }
}

fn split_key(g: &str, parts: usize) -> Vec<String> {
    if parts == 0 {
        Vec::new()
    } else {
        g.split('\u{1f}').map(str::to_string).collect()
    }
}

fn text_column(b: &RecordBatch, i: usize) -> Result<Vec<String>> {
    let c = cast(b.column(i), &DataType::Utf8)?;
    let a = c.as_string::<i32>();
    Ok((0..a.len()).map(|k| a.value(k).to_string()).collect())
}

fn f64_column(b: &RecordBatch, i: usize) -> Result<Vec<f64>> {
    let c = cast(b.column(i), &DataType::Float64)?;
    let a = c.as_primitive::<Float64Type>();
    Ok((0..a.len())
        .map(|k| if a.is_null(k) { f64::NAN } else { a.value(k) })
        .collect())
}

/// A population fraction ending inside a bucket: `(p, p·W, weight before the bucket,
/// Σ w x before the bucket)`.
type BoundaryEnd = (f64, f64, f64, f64);

/// A quantile asked of a bucket: `(p, p·W, weight before the bucket)`.
type QuantileAsk = (f64, f64, f64);

/// Per group (key text), its buckets in value order: (bucket, rows, segment).
type Segments = BTreeMap<String, Vec<(i64, u64, Segment)>>;

/// The (group, bucket) pairs whose rows all hold one value, with that value.
type Flat = BTreeMap<(String, i64), f64>;

/// The first of a group's buckets (in value order) in which the cumulative weight reaches
/// `target`, with the weight and the `Σ w x` before it; `None` when rounding leaves the target
/// just above the group's total.
fn bucket_reaching(parts: &[(i64, u64, Segment)], target: f64) -> Option<(i64, f64, f64)> {
    let (mut c_before, mut s_before) = (0.0, 0.0);
    for (bucket, _, seg) in parts {
        if c_before + seg.w < target {
            c_before += seg.w;
            s_before += seg.s;
            continue;
        }
        return Some((*bucket, c_before, s_before));
    }
    None
}

/// A group's buckets merged in value order: its whole `(W, S, T)`.
fn merged(parts: &[(i64, u64, Segment)]) -> Segment {
    parts
        .iter()
        .fold(Segment::default(), |acc, p| acc.then(p.2))
}

/// Per (group, bucket): rows, `W`, `S` and `T` from a running weight in value order.
fn segment_sql_of(b: &Bucketed) -> String {
    let (bucketed, partition) = (&b.sql, &b.partition);
    format!(
        "WITH c AS (SELECT g, bucket, x, w, SUM(w) OVER ({partition} ORDER BY x \
               ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS cw FROM ({bucketed})) \
         SELECT g, bucket, COUNT(*) AS n, SUM(w) AS sw, SUM(w * x) AS sx, \
                SUM(w * x * (cw - w / 2)) AS t, MIN(x) AS lo, MAX(x) AS hi \
         FROM c GROUP BY g, bucket"
    )
}

/// The (group, bucket, n, W, S, T) rows, per group in bucket order, and the buckets whose
/// smallest and largest values are equal.
fn collect_segments(batches: &[RecordBatch]) -> Result<(Segments, Flat)> {
    let mut parts: Segments = BTreeMap::new();
    let mut flat = Flat::new();
    for b in batches {
        let g = text_column(b, 0)?;
        let bucket = cast(b.column(1), &DataType::Int64)?;
        let bucket = bucket.as_primitive::<Int64Type>();
        let n = cast(b.column(2), &DataType::Int64)?;
        let (w, s, t) = (f64_column(b, 3)?, f64_column(b, 4)?, f64_column(b, 5)?);
        let (lo, hi) = (f64_column(b, 6)?, f64_column(b, 7)?);
        for i in 0..b.num_rows() {
            parts.entry(g[i].clone()).or_default().push((
                bucket.value(i),
                n.as_primitive::<Int64Type>().value(i) as u64,
                Segment {
                    w: w[i],
                    s: s[i],
                    t: t[i],
                },
            ));
            if lo[i] == hi[i] {
                flat.insert((g[i].clone(), bucket.value(i)), lo[i]);
            }
        }
    }
    for segs in parts.values_mut() {
        segs.sort_by_key(|p| p.0);
    }
    Ok((parts, flat))
}

/// Merges every group's buckets in value order into its Gini.
fn merge_segments(parts: &Segments, by: &[String]) -> Result<Vec<GroupResult>> {
    let mut out = Vec::new();
    for (g, segs) in parts {
        let rows = segs.iter().map(|p| p.1).sum();
        let total = merged(segs);
        if total.w.is_nan() || total.w <= 0.0 {
            return Err(Error::Data(format!(
                "group '{}': all weights are zero",
                g.replace('\u{1f}', ", ")
            )));
        }
        if total.s.is_nan() || total.s <= 0.0 {
            return Err(Error::Data(format!(
                "group '{}': the weighted mean is {}; the Gini ratio needs a positive mean",
                g.replace('\u{1f}', ", "),
                total.s / total.w
            )));
        }
        out.push(GroupResult {
            key: split_key(g, by.len()),
            rows,
            total_weight: total.w,
            values: vec![("gini".into(), total.gini())],
        });
    }
    Ok(out)
}
