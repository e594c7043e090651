//! ginikit's out-of-core measures across machines on Apache Ballista: a scheduler, executors,
//! and a client that runs `ginikit-datafusion`'s plans on them.
//!
//! The client builds the same SQL plans as on one machine (range buckets, per-bucket
//! `(W, S, T)`, ordered merge on the client); the scheduler splits them into stages and the
//! executors run the tasks. The plans use only built-in functions and literal `VALUES`
//! tables, so nothing needs registering on the scheduler or the executors (Ballista's trap —
//! a function registered on the client before `remote_with_state` is silently dropped — does
//! not arise). The files must be readable by the client and by every executor at the same
//! path (a shared or copied directory).
//!
//! `gini cluster scheduler`, `gini cluster executor` and `gini compute --cluster URL` (a
//! `gini` built with the `cluster` feature) are the command-line front of this crate.

use ballista::prelude::SessionContextExt;
use ballista_executor::executor_process::{start_executor_process, ExecutorProcessConfig};
use ballista_scheduler::cluster::BallistaCluster;
use ballista_scheduler::config::SchedulerConfig;
use ballista_scheduler::scheduler_process::start_server;
use datafusion::prelude::SessionContext;
use ginikit_datafusion::Engine;
use std::path::PathBuf;
use std::sync::Arc;

/// Where a scheduler listens.
#[derive(Debug, Clone)]
pub struct SchedulerOptions {
    /// Address to bind, e.g. `0.0.0.0` to accept executors from other machines.
    pub bind: String,
    /// Port of the scheduler's gRPC service (Ballista's default is 50050).
    pub port: u16,
}

/// An executor: where it listens, which scheduler it joins and where it keeps task output.
#[derive(Debug, Clone)]
pub struct ExecutorOptions {
    /// Address to bind; other executors fetch shuffle output from it.
    pub bind: String,
    /// The name or address other machines reach this executor by, when it differs from
    /// `bind` (e.g. bound to `0.0.0.0`).
    pub external_host: Option<String>,
    /// Port of the executor's Flight service (shuffle output).
    pub port: u16,
    /// Port of the executor's gRPC service.
    pub grpc_port: u16,
    /// The scheduler's host and port.
    pub scheduler_host: String,
    pub scheduler_port: u16,
    /// Directory for task output (default: a fresh temporary directory).
    pub work_dir: Option<PathBuf>,
    /// A name for the executor in the scheduler's logs (default: a random id).
    pub id: Option<String>,
    /// Tasks run at once (default: the number of cores).
    pub concurrent_tasks: Option<usize>,
    /// Memory all tasks together may use before their sorts spill to `work_dir`, in bytes
    /// (default: Ballista's share of the machine's memory).
    pub memory_limit: Option<u64>,
}

/// Runs a scheduler until the process is stopped.
pub async fn run_scheduler(options: &SchedulerOptions) -> Result<(), String> {
    let config = SchedulerConfig {
        bind_host: options.bind.clone(),
        bind_port: options.port,
        ..SchedulerConfig::default()
    };
    let addr = format!("{}:{}", config.bind_host, config.bind_port)
        .parse()
        .map_err(|e| format!("{}:{}: {e}", options.bind, options.port))?;
    let cluster = BallistaCluster::new_from_config(&config)
        .await
        .map_err(|e| e.to_string())?;
    start_server(cluster, addr, Arc::new(config))
        .await
        .map_err(|e| e.to_string())
}

/// Runs an executor until the process is stopped.
pub async fn run_executor(options: &ExecutorOptions) -> Result<(), String> {
    let mut config = ExecutorProcessConfig {
        bind_host: options.bind.clone(),
        port: options.port,
        grpc_port: options.grpc_port,
        scheduler_host: options.scheduler_host.clone(),
        scheduler_port: options.scheduler_port,
        work_dir: options.work_dir.as_ref().map(|d| d.display().to_string()),
        ..ExecutorProcessConfig::default()
    };
    if let Some(id) = &options.id {
        config.executor_id = id.clone();
    }
    if let Some(n) = options.concurrent_tasks {
        config.vcores = n;
    }
    if options.memory_limit.is_some() {
        config.memory_pool_size = options.memory_limit;
    }
    config.external_host.clone_from(&options.external_host);
    start_executor_process(Arc::new(config))
        .await
        .map_err(|e| e.to_string())
}

/// An engine whose plans run on the Ballista cluster whose scheduler is at `url`
/// (`df://HOST:PORT`).
pub async fn connect(url: &str) -> Result<Engine, String> {
    let ctx = SessionContext::remote(url)
        .await
        .map_err(|e| format!("the cluster at {url}: {e}"))?;
    Ok(Engine::with_context(ctx))
}
