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
//! Not here (yet): shares and quantiles, standard errors, and running on a Ballista cluster.

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
    pub by: Vec<String>,
    /// Range buckets of the value axis (64 by default).
    pub buckets: usize,
}

impl Spec {
    pub fn new(value: &str) -> Spec {
        Spec {
            value: value.into(),
            weight: None,
            by: Vec::new(),
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
            _ => {
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

    /// Registers the files (Parquet by `.parquet`/`.pq`, else CSV with a header) as the
    /// table `households`; several files are read as one table.
    pub async fn register(&self, files: &[PathBuf]) -> Result<()> {
        let parquet = |p: &Path| {
            p.extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("parquet") || e.eq_ignore_ascii_case("pq"))
        };
        let paths: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
        if files.iter().all(|p| parquet(p)) {
            let df = self
                .ctx
                .read_parquet(paths, ParquetReadOptions::default())
                .await?;
            self.ctx.register_table("households", df.into_view())?;
        } else if files.iter().all(|p| !parquet(p)) {
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
        let w = spec
            .weight
            .as_ref()
            .map_or("CAST(1 AS DOUBLE)".to_string(), |w| {
                format!("CAST({} AS DOUBLE)", ident(w))
            });
        format!(
            "SELECT {key} AS g, CAST({} AS DOUBLE) AS x, {w} AS w FROM households",
            ident(&spec.value)
        )
    }

    /// Checks the columns: no missing, NaN or infinite values or weights, no negative
    /// weights, and (for `positive`) no zero or negative values; the error gives the count
    /// and the column.
    async fn validate(&self, spec: &Spec, positive: bool) -> Result<()> {
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

    /// The SQL that reduces every (group, bucket) to its rows, `W`, `S`, `T`: each bucket
    /// sorted by value with a running weight (the engine's sort, which spills).
    pub async fn segment_sql(&self, spec: &Spec) -> Result<String> {
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
        Ok(format!(
            "WITH b AS (SELECT g, x, w, {bucket} AS bucket FROM ({src})), \
             c AS (SELECT g, bucket, x, w, SUM(w) OVER (PARTITION BY g, bucket ORDER BY x \
                   ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS cw FROM b) \
             SELECT g, bucket, COUNT(*) AS n, SUM(w) AS sw, SUM(w * x) AS sx, \
                    SUM(w * x * (cw - w / 2)) AS t \
             FROM c GROUP BY g, bucket"
        ))
    }

    /// Every group's exact Gini (midpoint convention), with its rows and total weight.
    pub async fn gini(&self, spec: &Spec) -> Result<Vec<GroupResult>> {
        self.validate(spec, false).await?;
        let sql = self.segment_sql(spec).await?;
        let batches = self.query(&sql).await?;
        merge_segments(&batches, &spec.by)
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
        let ginis = if measures.contains(&Measure::Gini) {
            self.gini(spec).await?
        } else {
            Vec::new()
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
                Measure::Gini | Measure::Mean => "SUM(0)".to_string(),
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

/// Merges the (group, bucket, n, W, S, T) rows in bucket order, per group.
fn merge_segments(batches: &[RecordBatch], by: &[String]) -> Result<Vec<GroupResult>> {
    let mut parts: BTreeMap<String, Vec<(i64, u64, Segment)>> = BTreeMap::new();
    for b in batches {
        let g = text_column(b, 0)?;
        let bucket = cast(b.column(1), &DataType::Int64)?;
        let n = cast(b.column(2), &DataType::Int64)?;
        let (w, s, t) = (f64_column(b, 3)?, f64_column(b, 4)?, f64_column(b, 5)?);
        for i in 0..b.num_rows() {
            parts.entry(g[i].clone()).or_default().push((
                bucket.as_primitive::<Int64Type>().value(i),
                n.as_primitive::<Int64Type>().value(i) as u64,
                Segment {
                    w: w[i],
                    s: s[i],
                    t: t[i],
                },
            ));
        }
    }
    let mut out = Vec::new();
    for (g, mut segs) in parts {
        segs.sort_by_key(|p| p.0);
        let rows = segs.iter().map(|p| p.1).sum();
        let total = segs.iter().fold(Segment::default(), |acc, p| acc.then(p.2));
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
            key: split_key(&g, by.len()),
            rows,
            total_weight: total.w,
            values: vec![("gini".into(), total.gini())],
        });
    }
    Ok(out)
}
