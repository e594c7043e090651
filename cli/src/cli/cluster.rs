//! `gini cluster scheduler|executor`: the processes of an Apache Ballista cluster that
//! `gini compute --cluster df://HOST:PORT` runs on (crate `ginikit-ballista`).

use super::args::ClusterArgs;
use super::Failure;

#[cfg(not(feature = "cluster"))]
pub fn run(_: &ClusterArgs) -> Result<(), Failure> {
    Err(not_built())
}

/// The refusal of a `gini` built without Ballista.
#[cfg(not(feature = "cluster"))]
pub fn not_built() -> Failure {
    Failure::Usage(
        "this gini was built without the Ballista cluster; build it with \
         `cargo build --release --features cluster`"
            .into(),
    )
}

/// Runs the scheduler or the executor until the process is stopped.
#[cfg(feature = "cluster")]
pub fn run(args: &ClusterArgs) -> Result<(), Failure> {
    use super::args::ClusterRole;
    use ginikit_ballista::{run_executor, run_scheduler, ExecutorOptions, SchedulerOptions};
    let outcome = match &args.role {
        ClusterRole::Scheduler { bind, port } => {
            runtime()?.block_on(run_scheduler(&SchedulerOptions {
                bind: bind.clone(),
                port: *port,
            }))
        }
        ClusterRole::Executor {
            bind,
            external_host,
            port,
            grpc_port,
            scheduler_host,
            scheduler_port,
            work_dir,
            id,
            tasks,
            memory_limit,
        } => {
            let memory_limit = match memory_limit {
                None => None,
                Some(t) => Some(ginikit::memory::parse_bytes(t).ok_or_else(|| {
                    Failure::Usage(format!(
                        "--memory-limit {t}: give bytes or a size such as 512MiB or 2G"
                    ))
                })?),
            };
            if *tasks == Some(0) {
                return Err(Failure::Usage("--tasks 0: give at least 1".into()));
            }
            runtime()?.block_on(run_executor(&ExecutorOptions {
                bind: bind.clone(),
                external_host: external_host.clone(),
                port: *port,
                grpc_port: *grpc_port,
                scheduler_host: scheduler_host.clone(),
                scheduler_port: *scheduler_port,
                work_dir: work_dir.clone(),
                id: id.clone(),
                concurrent_tasks: *tasks,
                memory_limit,
            }))
        }
    };
    outcome.map_err(|message| Failure::Service(format!("the cluster process stopped: {message}")))
}

/// The scheduler's `HOST:PORT` from a `df://HOST:PORT` URL, checked to answer: a usage error
/// for a malformed URL, a service failure naming the address when nothing listens there.
#[cfg(feature = "cluster")]
pub fn reachable(url: &str) -> Result<(), Failure> {
    use std::net::ToSocketAddrs;
    use std::time::Duration;
    let malformed = || {
        Failure::Usage(format!(
            "--cluster {url}: give the scheduler's address as df://HOST:PORT, e.g. \
             df://127.0.0.1:50050"
        ))
    };
    let address = url.strip_prefix("df://").ok_or_else(malformed)?;
    let (host, port) = address.rsplit_once(':').ok_or_else(malformed)?;
    let port: u16 = port.parse().map_err(|_| malformed())?;
    let unreachable = |why: String| {
        Failure::Service(format!(
            "the Ballista scheduler at {url} does not answer ({why}); start one with `gini \
             cluster scheduler` there, or check the address"
        ))
    };
    let addresses: Vec<_> = (host, port)
        .to_socket_addrs()
        .map_err(|e| unreachable(e.to_string()))?
        .collect();
    let mut last = String::from("no address");
    for a in &addresses {
        match std::net::TcpStream::connect_timeout(a, Duration::from_secs(10)) {
            Ok(_) => return Ok(()),
            Err(e) => last = e.to_string(),
        }
    }
    Err(unreachable(last))
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
