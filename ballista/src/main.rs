//! `ginikit-cluster`: ginikit's out-of-core measures across machines on Apache Ballista.
//!
//! ```text
//! ginikit-cluster scheduler [--bind HOST] [--port 50050]
//! ginikit-cluster executor  [--bind HOST] [--port 50051] [--grpc-port 50052]
//!                           [--scheduler-host HOST] [--scheduler-port 50050]
//!                           [--work-dir DIR] [--id NAME]
//! ginikit-cluster compute   --cluster df://HOST:PORT --value COL [--weight COL] [--size COL]
//!                           [--by COL,…] [--measures gini,mean,…] [--buckets N] FILE…
//! ```
//!
//! The client builds the same SQL plans as `ginikit-datafusion` on one machine (range
//! buckets, per-bucket `(W, S, T)`, ordered merge on the client); the scheduler splits them
//! into stages and the executors run the tasks. The plans use only built-in functions, so
//! nothing needs registering on the scheduler or the executors. The files must be readable
//! by every executor at the same path (a shared or copied directory).

use ballista::prelude::SessionContextExt;
use ballista_executor::executor_process::{start_executor_process, ExecutorProcessConfig};
use ballista_scheduler::cluster::BallistaCluster;
use ballista_scheduler::config::SchedulerConfig;
use ballista_scheduler::scheduler_process::start_server;
use datafusion::prelude::SessionContext;
use ginikit_datafusion::{Engine, Measure, Spec};
use std::collections::HashMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

/// `--name value` options and the remaining positional arguments.
fn options(args: &[String]) -> Result<(HashMap<String, String>, Vec<String>), String> {
    let mut named = HashMap::new();
    let mut positional = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if let Some(name) = a.strip_prefix("--") {
            let v = it.next().ok_or_else(|| format!("--{name} needs a value"))?;
            named.insert(name.to_string(), v.clone());
        } else {
            positional.push(a.clone());
        }
    }
    Ok((named, positional))
}

fn port(named: &HashMap<String, String>, name: &str, default: u16) -> Result<u16, String> {
    named.get(name).map_or(Ok(default), |v| {
        v.parse()
            .map_err(|_| format!("--{name} {v}: give a port number"))
    })
}

async fn scheduler(named: HashMap<String, String>) -> Result<(), String> {
    let config = SchedulerConfig {
        bind_host: named
            .get("bind")
            .cloned()
            .unwrap_or_else(|| "127.0.0.1".into()),
        bind_port: port(&named, "port", 50050)?,
        ..SchedulerConfig::default()
    };
    let addr = format!("{}:{}", config.bind_host, config.bind_port)
        .parse()
        .map_err(|e| format!("{e}"))?;
    let cluster = BallistaCluster::new_from_config(&config)
        .await
        .map_err(|e| e.to_string())?;
    start_server(cluster, addr, Arc::new(config))
        .await
        .map_err(|e| e.to_string())
}

async fn executor(named: HashMap<String, String>) -> Result<(), String> {
    let mut config = ExecutorProcessConfig {
        bind_host: named
            .get("bind")
            .cloned()
            .unwrap_or_else(|| "127.0.0.1".into()),
        port: port(&named, "port", 50051)?,
        grpc_port: port(&named, "grpc-port", 50052)?,
        scheduler_host: named
            .get("scheduler-host")
            .cloned()
            .unwrap_or_else(|| "127.0.0.1".into()),
        scheduler_port: port(&named, "scheduler-port", 50050)?,
        work_dir: named.get("work-dir").cloned(),
        ..ExecutorProcessConfig::default()
    };
    if let Some(id) = named.get("id") {
        config.executor_id = id.clone();
    }
    start_executor_process(Arc::new(config))
        .await
        .map_err(|e| e.to_string())
}

async fn compute(named: HashMap<String, String>, files: Vec<String>) -> Result<(), String> {
    let url = named
        .get("cluster")
        .ok_or("--cluster df://HOST:PORT is needed")?;
    let value = named.get("value").ok_or("--value COLUMN is needed")?;
    if files.is_empty() {
        return Err("name one or more Parquet or CSV files".into());
    }
    let mut spec = Spec::new(value);
    spec.weight = named.get("weight").cloned();
    spec.size = named.get("size").cloned();
    spec.by = named
        .get("by")
        .map(|b| b.split(',').map(str::to_string).collect())
        .unwrap_or_default();
    if let Some(b) = named.get("buckets") {
        spec.buckets = b
            .parse()
            .map_err(|_| format!("--buckets {b}: give a number"))?;
    }
    let names: Vec<String> = named
        .get("measures")
        .map_or("gini,mean", String::as_str)
        .split(',')
        .map(str::to_string)
        .collect();
    let mut measures = Vec::new();
    for n in &names {
        match Measure::parse(n) {
            Some(m @ (Measure::Share(..) | Measure::Ratio(..))) => {
                return Err(format!(
                    "{n}: shares need a table of boundary buckets on the client, which cannot \
                     be shipped to executors yet; use gini, mean, theil_t, mld, ge_<α>, \
                     atkinson_<ε> or fgt ({m:?})"
                ))
            }
            Some(m) => measures.push(m),
            None => return Err(format!("unknown measure '{n}'")),
        }
    }
    let line = match named.get("poverty-line") {
        None => None,
        Some(z) => Some(
            z.parse::<f64>()
                .map_err(|_| format!("--poverty-line {z}: give a number"))?,
        ),
    };
    let ctx = SessionContext::remote(url)
        .await
        .map_err(|e| format!("{url}: {e}"))?;
    let engine = Engine::with_context(ctx);
    let paths: Vec<PathBuf> = files.iter().map(PathBuf::from).collect();
    engine.register(&paths).await.map_err(|e| e.to_string())?;
    let rows = engine
        .compute(&spec, &measures, line)
        .await
        .map_err(|e| e.to_string())?;
    let mut header = spec.by.clone();
    header.extend(["measure", "estimate", "n", "population"].map(String::from));
    println!("{}", header.join(","));
    for g in rows {
        for (name, (_, v)) in names.iter().zip(&g.values) {
            let mut cells = g.key.clone();
            cells.extend([
                name.clone(),
                format!("{v}"),
                g.rows.to_string(),
                format!("{}", g.total_weight),
            ]);
            println!("{}", cells.join(","));
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((command, rest)) = args.split_first() else {
        eprintln!("usage: ginikit-cluster scheduler|executor|compute [options]");
        return ExitCode::from(2);
    };
    let (named, positional) = match options(rest) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("ginikit-cluster: error: {e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_stack_size(32 * 1024 * 1024)
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("ginikit-cluster: error: {e}");
            return ExitCode::from(1);
        }
    };
    let outcome = runtime.block_on(async move {
        match command.as_str() {
            "scheduler" => scheduler(named).await,
            "executor" => executor(named).await,
            "compute" => compute(named, positional).await,
            other => Err(format!(
                "unknown command '{other}'; use scheduler, executor or compute"
            )),
        }
    });
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ginikit-cluster: error: {e}");
            ExitCode::from(1)
        }
    }
}
