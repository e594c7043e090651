//! One scheduler and two executor processes on 127.0.0.1: the client's results equal the
//! single-node engine's to 1e-12 relative, both executors ran tasks (each wrote stage output
//! into its work directory), and the processes are stopped by their process ids.

use ginikit_datafusion::{Engine, EngineConfig, Measure, Spec};
use std::collections::BTreeMap;
use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_ginikit-cluster");

/// A port nobody listens on now.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn wait_for(port: u16, what: &str) {
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "{what} did not listen on {port}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// The cluster's processes, stopped by their ids when the test ends (also on failure).
struct Processes(Vec<Child>);

impl Drop for Processes {
    fn drop(&mut self) {
        for child in &mut self.0 {
            let _ = Command::new("kill").arg(child.id().to_string()).status();
            let _ = child.wait();
        }
    }
}

fn spawn(args: &[&str], log: &Path) -> Child {
    let out = std::fs::File::create(log).unwrap();
    Command::new(BIN)
        .args(args)
        .stdout(Stdio::from(out.try_clone().unwrap()))
        .stderr(Stdio::from(out))
        .spawn()
        .unwrap()
}

/// Four CSV files of generated households: incomes rounded to 10 (ties across files and
/// buckets), integer weights with some zeros, three regions.
fn write_files(dir: &Path) -> Vec<PathBuf> {
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    (0..4)
        .map(|k| {
            let path = dir.join(format!("part-{k}.csv"));
            let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
            writeln!(f, "income,weight,region").unwrap();
            for _ in 0..25_000 {
                let income = ((9.0 + 2.0 * (next() - 0.5)).exp() / 10.0).round() * 10.0;
                let weight = if next() < 0.03 {
                    0.0
                } else {
                    (next() * 9.0).floor() + 1.0
                };
                let region = (next() * 3.0) as u32;
                writeln!(f, "{income},{weight},r{region}").unwrap();
            }
            path
        })
        .collect()
}

fn files_under(dir: &Path) -> usize {
    let mut n = 0;
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                n += files_under(&p);
            } else {
                n += 1;
            }
        }
    }
    n
}

#[test]
fn a_scheduler_and_two_executors_give_the_single_node_results() {
    let dir = tempfile::tempdir().unwrap();
    let files = write_files(dir.path());
    let scheduler_port = free_port();
    let mut procs = Processes(Vec::new());
    procs.0.push(spawn(
        &["scheduler", "--port", &scheduler_port.to_string()],
        &dir.path().join("scheduler.log"),
    ));
    wait_for(scheduler_port, "the scheduler");
    let mut work_dirs = Vec::new();
    for k in 0..2 {
        let (port, grpc) = (free_port(), free_port());
        let work = dir.path().join(format!("executor-{k}"));
        std::fs::create_dir_all(&work).unwrap();
        procs.0.push(spawn(
            &[
                "executor",
                "--port",
                &port.to_string(),
                "--grpc-port",
                &grpc.to_string(),
                "--scheduler-port",
                &scheduler_port.to_string(),
                "--work-dir",
                work.to_str().unwrap(),
                "--id",
                &format!("executor-{k}"),
            ],
            &dir.path().join(format!("executor-{k}.log")),
        ));
        wait_for(port, "an executor");
        work_dirs.push(work);
    }
    // Give both executors time to register with the scheduler.
    std::thread::sleep(Duration::from_secs(3));

    let mut args = vec![
        "compute".to_string(),
        "--cluster".into(),
        format!("df://127.0.0.1:{scheduler_port}"),
        "--value".into(),
        "income".into(),
        "--weight".into(),
        "weight".into(),
        "--by".into(),
        "region".into(),
        "--measures".into(),
        "gini,mean,theil_t,mld".into(),
    ];
    args.extend(files.iter().map(|f| f.display().to_string()));
    let out = Command::new(BIN).args(&args).output().unwrap();
    let logs = || {
        ["scheduler", "executor-0", "executor-1"]
            .iter()
            .map(|n| {
                let t = std::fs::read_to_string(dir.path().join(format!("{n}.log")))
                    .unwrap_or_default();
                format!("--- {n}:\n{}", &t[t.len().saturating_sub(3000)..])
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stderr),
        logs()
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let mut cluster: BTreeMap<(String, String), f64> = BTreeMap::new();
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        cluster.insert((f[0].into(), f[1].into()), f[2].parse().unwrap());
    }
    assert_eq!(cluster.len(), 12, "{text}");

    // The same plans on one machine.
    let rt = tokio::runtime::Runtime::new().unwrap();
    let engine = Engine::new(&EngineConfig::default()).unwrap();
    rt.block_on(engine.register(&files)).unwrap();
    let mut spec = Spec::new("income");
    spec.weight = Some("weight".into());
    spec.by = vec!["region".into()];
    let names = ["gini", "mean", "theil_t", "mld"];
    let measures: Vec<Measure> = names.iter().map(|n| Measure::parse(n).unwrap()).collect();
    let local = rt.block_on(engine.compute(&spec, &measures, None)).unwrap();
    for g in &local {
        for (name, (_, v)) in names.iter().zip(&g.values) {
            let c = cluster[&(g.key[0].clone(), name.to_string())];
            assert!(
                ((c - v) / v).abs() < 1e-12,
                "{} {name}: cluster {c} vs single node {v}",
                g.key[0]
            );
        }
    }
    // Both executors ran tasks: each holds stage output in its work directory.
    for w in &work_dirs {
        eprintln!("{}: {} files of task output", w.display(), files_under(w));
        assert!(
            files_under(w) > 0,
            "no task output in {}\n{}",
            w.display(),
            logs()
        );
    }
}
