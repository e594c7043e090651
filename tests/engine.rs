//! `gini compute --engine datafusion` gives the rows of the in-memory engine: the bundled
//! 2018-09 round by province × area, with the Gini, mean, Theil T, MLD, GE(2), Atkinson,
//! FGT, quantile shares, the Palma ratio, the median and the 90th percentile, equal to 1e-12
//! relative; under a 64 MiB memory limit too. In a build with the `cluster` feature, the same
//! rows and standard errors from `gini compute --cluster` on one scheduler and two executor
//! processes (`gini cluster …`) on 127.0.0.1.

mod common;
use common::gini;

use std::collections::BTreeMap;
use std::process::Command;

/// `gini compute` on the bundled September 2018 round: value, weight, household size.
const ROUND: [&str; 8] = [
    "compute",
    "datasets/susenas-synthetic/2018-09.parquet",
    "--value",
    "expenditure_per_capita",
    "--weight",
    "weight",
    "--size",
    "household_size",
];

/// Fourteen measures by province × area, as CSV.
const MEASURES: [&str; 8] = [
        "--by",
        "province,area",
        "--measures",
        "gini,mean,theil_t,mld,atkinson_1,ge_2,fgt0,fgt2,share_bottom40,share_top20,palma,share_decile10,median,quantile_0.9",
        "--poverty-line",
        "450000",
        "--format",
        "csv",
];

/// (group…, measure) → (estimate, n, population) from CSV output.
fn rows(extra: &[&str]) -> BTreeMap<String, (f64, f64, f64)> {
    let mut args = ROUND.to_vec();
    args.extend(MEASURES);
    args.extend(extra);
    table_rows(&args).0
}

/// `gini ARGS` (CSV output) as (group…, measure) → (estimate, n, population), and what it
/// wrote to standard error (the notes).
fn table_rows(args: &[&str]) -> (BTreeMap<String, (f64, f64, f64)>, String) {
    let out = gini(args);
    let notes = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(out.status.success(), "{args:?}: {notes}");
    let text = String::from_utf8(out.stdout).unwrap();
    let mut map = BTreeMap::new();
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let n = f.len();
        let key = f[..n - 3].join("/");
        map.insert(
            key,
            (
                f[n - 3].parse().unwrap(),
                f[n - 2].parse().unwrap(),
                f[n - 1].parse().unwrap(),
            ),
        );
    }
    (map, notes)
}

#[test]
fn the_datafusion_engine_gives_the_in_memory_rows() {
    let memory = rows(&[]);
    // 67 groups: DKI Jakarta has no rural area.
    assert_eq!(
        memory.len(),
        67 * 14,
        "67 province × area groups × 14 measures"
    );
    for extra in [
        &["--engine", "datafusion"][..],
        &["--engine", "datafusion", "--memory-limit", "64MiB"][..],
    ] {
        same_rows(&memory, &rows(extra), &format!("{extra:?}"));
    }
}

/// `other` has the rows of `memory`: estimates and populations equal to 1e-12 relative,
/// row counts equal.
fn same_rows(
    memory: &BTreeMap<String, (f64, f64, f64)>,
    other: &BTreeMap<String, (f64, f64, f64)>,
    what: &str,
) {
    assert_eq!(other.len(), memory.len(), "{what}");
    for (key, (v, n, pop)) in memory {
        let (ov, on, opop) = other[key];
        assert!(
            ((ov - v) / v).abs() < common::PEER || (v == &0.0 && ov == 0.0),
            "{what} {key}: {ov} vs {v}"
        );
        assert_eq!(on, *n, "{what} {key}: rows");
        assert!(
            ((opop - pop) / pop).abs() < common::PEER,
            "{what} {key}: population"
        );
    }
}

#[test]
fn what_the_engine_does_not_do_is_a_usage_error() {
    for (extra, says) in [
        (&["--se", "bootstrap"][..], "replicate standard errors"),
        (
            &["--se", "linearization", "--measures", "theil_t"][..],
            "other than gini",
        ),
        (&["--measures", "watts"][..], "'watts'"),
        (
            &["--gini-convention", "convey"][..],
            "'gini' (with these options)",
        ),
        (
            &[
                "--se",
                "linearization",
                "--measures",
                "gini",
                "--lonely-psu",
                "adjust",
            ][..],
            "--lonely-psu adjust",
        ),
        (&["--memory-limit", "lots"][..], "--memory-limit lots"),
    ] {
        let mut args = vec![
            "compute",
            "datasets/susenas-synthetic/2018-09.parquet",
            "--value",
            "expenditure_per_capita",
            "--engine",
            "datafusion",
        ];
        args.extend(extra);
        let out = gini(&args);
        let e = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{extra:?}: {e}");
        assert!(e.contains(says), "{extra:?}: {e}");
    }
}

/// (group…, measure) → (estimate, se) from CSV output, columns found by name.
fn se_rows(extra: &[&str]) -> BTreeMap<String, (f64, f64)> {
    let mut args = ROUND.to_vec();
    args.extend([
        "--measures",
        "gini,mean",
        "--se",
        "linearization",
        "--format",
        "csv",
    ]);
    args.extend(extra);
    let out = gini(&args);
    assert!(
        out.status.success(),
        "{extra:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (m, e, s) = (col("measure"), col("estimate"), col("se"));
    lines
        .map(|line| {
            let f: Vec<&str> = line.split(',').collect();
            (
                f[..=m].join("/"),
                (f[e].parse().unwrap(), f[s].parse().unwrap()),
            )
        })
        .collect()
}

#[test]
fn linearized_standard_errors_equal_the_in_memory_ones() {
    let designs: [&[&str]; 4] = [
        // Strata and blocks as PSUs; groups are domains of the design.
        &[
            "--strata",
            "stratum",
            "--psu",
            "psu",
            "--by",
            "province,area",
        ],
        &["--strata", "stratum", "--psu", "psu"],
        // No design columns: each row its own PSU in one stratum.
        &["--by", "area"],
        // PSU codes taken within strata; single-PSU strata (none here) add no variance.
        &[
            "--strata",
            "stratum",
            "--psu",
            "psu",
            "--nest",
            "--lonely-psu",
            "certainty",
            "--by",
            "area",
        ],
    ];
    for design in designs {
        let memory = se_rows(design);
        let mut extra = design.to_vec();
        extra.extend(["--engine", "datafusion"]);
        same_se(&memory, &se_rows(&extra), &format!("{design:?}"));
    }
}

/// `other` has the estimates of `memory` to 1e-12 relative and its standard errors to 1e-10.
fn same_se(
    memory: &BTreeMap<String, (f64, f64)>,
    other: &BTreeMap<String, (f64, f64)>,
    what: &str,
) {
    assert_eq!(other.len(), memory.len(), "{what}");
    for (key, (v, se)) in memory {
        let (ov, ose) = other[key];
        assert!(
            ((ov - v) / v).abs() < common::PEER,
            "{what} {key}: {ov} vs {v}"
        );
        assert!(
            ((ose - se) / se).abs() < 1e-10,
            "{what} {key}: se {ose} vs {se}"
        );
    }
}

/// Without --engine, a run the in-memory engine would refuse for lack of memory (here a 2 MiB
/// `GINIKIT_MEMORY_LIMIT` against the 75,000-household round) is computed out of core with a
/// note, equal to the in-memory rows; with --engine memory, or for what DataFusion does not
/// compute (bootstrap replicates), the refusal stands (exit 1).
#[test]
fn runs_that_would_not_fit_in_memory_fall_back_to_datafusion() {
    let mut base = ROUND.to_vec();
    base.extend([
        "--strata",
        "stratum",
        "--psu",
        "psu",
        "--by",
        "area",
        "--measures",
        "gini,mean",
        "--format",
        "csv",
    ]);
    let run = |extra: &[&str], limit: Option<&str>| {
        let mut args = base.to_vec();
        args.extend(extra);
        let mut c = Command::new(env!("CARGO_BIN_EXE_gini"));
        c.args(&args)
            .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
        if let Some(l) = limit {
            c.env("GINIKIT_MEMORY_LIMIT", l);
        }
        c.output().unwrap()
    };
    let se = ["--se", "linearization"];
    let memory = run(&se, None);
    let fallback = run(&se, Some("2MiB"));
    let err = String::from_utf8_lossy(&fallback.stderr);
    assert!(fallback.status.success(), "{err}");
    assert!(
        err.contains("but 2 MiB are available: computed out of core on DataFusion instead"),
        "{err}"
    );
    // Rows by (group, measure): the engine orders groups by key, the in-memory engine by
    // first appearance.
    let numbers = |out: &std::process::Output| -> Vec<Vec<String>> {
        let mut rows: Vec<Vec<String>> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .skip(1)
            .map(|l| l.split(',').map(String::from).collect())
            .collect();
        rows.sort_by(|a, b| a[..2].cmp(&b[..2]));
        rows
    };
    let (m, f) = (numbers(&memory), numbers(&fallback));
    assert_eq!(m.len(), 4);
    assert_eq!(m.len(), f.len());
    for (a, b) in m.iter().zip(&f) {
        assert_eq!(a[..2], b[..2]);
        for (x, y) in [(&a[2], &b[2]), (&a[3], &b[3])] {
            let (x, y): (f64, f64) = (x.parse().unwrap(), y.parse().unwrap());
            assert!(((x - y) / x).abs() < 1e-10, "{a:?} vs {b:?}");
        }
    }
    for (extra, says) in [
        (
            &["--se", "linearization", "--engine", "memory"][..],
            "would need about",
        ),
        (
            &["--se", "bootstrap", "--replicates", "50"][..],
            "would need about",
        ),
    ] {
        let out = run(extra, Some("2MiB"));
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{extra:?}: {err}");
        assert!(
            err.contains(says) && !err.contains("DataFusion instead"),
            "{err}"
        );
    }
}

/// A Ballista cluster of `gini cluster` processes on 127.0.0.1: one scheduler and two
/// executors, each with its own work directory; stopped by their process ids when dropped
/// (also when a test fails).
#[cfg(feature = "cluster")]
struct Cluster {
    url: String,
    processes: Vec<std::process::Child>,
    work_dirs: Vec<std::path::PathBuf>,
    dir: tempfile::TempDir,
}

#[cfg(feature = "cluster")]
impl Cluster {
    fn start() -> Cluster {
        use std::time::Duration;
        let dir = tempfile::tempdir().unwrap();
        let mut cluster = Cluster {
            url: String::new(),
            processes: Vec::new(),
            work_dirs: Vec::new(),
            dir,
        };
        let scheduler = free_port();
        cluster.spawn("scheduler", &["--port", &scheduler.to_string()]);
        wait_for(scheduler, "the scheduler");
        for k in 0..2 {
            let (port, grpc) = (free_port(), free_port());
            let work = cluster.dir.path().join(format!("executor-{k}"));
            std::fs::create_dir_all(&work).unwrap();
            cluster.spawn(
                &format!("executor-{k}"),
                &[
                    "--port",
                    &port.to_string(),
                    "--grpc-port",
                    &grpc.to_string(),
                    "--scheduler-port",
                    &scheduler.to_string(),
                    "--work-dir",
                    work.to_str().unwrap(),
                    "--id",
                    &format!("executor-{k}"),
                ],
            );
            wait_for(port, "an executor");
            cluster.work_dirs.push(work);
        }
        // Time for both executors to register with the scheduler.
        std::thread::sleep(Duration::from_secs(3));
        cluster.url = format!("df://127.0.0.1:{scheduler}");
        cluster
    }

    /// Starts `gini cluster ROLE ARGS` (the role from the name: scheduler or executor-k),
    /// its output in NAME.log.
    fn spawn(&mut self, name: &str, args: &[&str]) {
        use std::process::Stdio;
        let role = name.split('-').next().unwrap();
        let log = std::fs::File::create(self.dir.path().join(format!("{name}.log"))).unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_gini"))
            .args(["cluster", role])
            .args(args)
            .stdout(Stdio::from(log.try_clone().unwrap()))
            .stderr(Stdio::from(log))
            .spawn()
            .unwrap();
        self.processes.push(child);
    }

    /// The end of every process's log, for failure messages.
    fn logs(&self) -> String {
        ["scheduler", "executor-0", "executor-1"]
            .iter()
            .map(|n| {
                let t = std::fs::read_to_string(self.dir.path().join(format!("{n}.log")))
                    .unwrap_or_default();
                format!("--- {n}:\n{}", &t[t.len().saturating_sub(3000)..])
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}

#[cfg(feature = "cluster")]
impl Drop for Cluster {
    fn drop(&mut self) {
        for child in &mut self.processes {
            let _ = Command::new("kill").arg(child.id().to_string()).status();
            let _ = child.wait();
        }
    }
}

/// A port nobody listens on now.
#[cfg(feature = "cluster")]
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[cfg(feature = "cluster")]
fn wait_for(port: u16, what: &str) {
    use std::time::{Duration, Instant};
    let start = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "{what} did not listen on {port}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// 100,000 households: incomes rounded to 10 (heavy ties), 5 % zeros and 1 % negative,
/// integer weights with 3 % zeros, regions r0, r1, r2.
#[cfg(feature = "cluster")]
fn write_ties(path: &std::path::Path) {
    use std::io::Write;
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(f, "income,weight,region").unwrap();
    for _ in 0..100_000 {
        let u = next();
        let income = if u < 0.05 {
            0.0
        } else if u < 0.06 {
            -((next() * 50.0).round() * 10.0)
        } else {
            ((9.0 + 2.0 * (next() - 0.5)).exp() / 10.0).round() * 10.0
        };
        let weight = if next() < 0.03 {
            0.0
        } else {
            (next() * 9.0).floor() + 1.0
        };
        writeln!(f, "{income},{weight},r{}", (next() * 3.0) as u32).unwrap();
    }
}

/// Files under `dir`, at any depth.
#[cfg(feature = "cluster")]
fn files_under(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir).map_or(0, |entries| {
        entries
            .flatten()
            .map(|e| {
                let p = e.path();
                if p.is_dir() {
                    files_under(&p)
                } else {
                    1
                }
            })
            .sum()
    })
}

/// `gini compute --cluster` on one scheduler and two executor processes gives the in-memory
/// engine's rows (14 measures × 67 groups, shares and quantiles among them; and on generated
/// data with heavy ties, zeros, negative values and zero weights) and linearized standard
/// errors, to the tolerances above; both executors ran tasks (each holds stage
/// output in its work directory).
#[cfg(feature = "cluster")]
#[test]
fn a_scheduler_and_two_executors_give_the_in_memory_rows() {
    let cluster = Cluster::start();
    let on_cluster = ["--cluster", cluster.url.as_str()];
    let memory = rows(&[]);
    let remote = std::panic::catch_unwind(|| rows(&on_cluster))
        .unwrap_or_else(|_| panic!("the cluster run failed\n{}", cluster.logs()));
    same_rows(&memory, &remote, "cluster");
    let design = ["--strata", "stratum", "--psu", "psu", "--by", "area"];
    let memory = se_rows(&design);
    let mut extra = design.to_vec();
    extra.extend(on_cluster);
    same_se(&memory, &se_rows(&extra), "cluster");
    // Generated households with heavy ties (values rounded to 10), zeros, negative values
    // and zero weights in three regions.
    let ties = cluster.dir.path().join("ties.csv");
    write_ties(&ties);
    let args = |extra: &[&str]| {
        let mut a = vec![
            "compute",
            ties.to_str().unwrap(),
            "--value",
            "income",
            "--weight",
            "weight",
            "--measures",
            "gini,mean,share_bottom40,share_top20,median,quantile_0.9",
            "--format",
            "csv",
        ];
        a.extend(extra);
        table_rows(&a).0
    };
    let by_region = ["--by", "region"];
    let memory = args(&by_region);
    assert_eq!(memory.len(), 18);
    same_rows(
        &memory,
        &args(&[&by_region[..], &on_cluster].concat()),
        "cluster, ties",
    );
    // Nationally (no grouping column: the window partitions by bucket alone).
    let memory = args(&[]);
    assert_eq!(memory.len(), 6);
    same_rows(&memory, &args(&on_cluster), "cluster, ties, national");
    for w in &cluster.work_dirs {
        let n = files_under(w);
        eprintln!("{}: {n} files of task output", w.display());
        assert!(
            n > 0,
            "no task output in {}\n{}",
            w.display(),
            cluster.logs()
        );
    }
}

/// A directory given to the engine is one table of its Parquet files (other files left
/// out, and said so in a note): two copies of the round are the round's distribution twice,
/// so every measure is the round's (to 1e-12) with twice its rows and population.
#[test]
fn a_directory_is_read_as_one_table_of_its_files() {
    let dir = tempfile::tempdir().unwrap();
    let round = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .join("datasets/susenas-synthetic/2018-09.parquet");
    for name in ["a.parquet", "b.parquet"] {
        std::fs::copy(&round, dir.path().join(name)).unwrap();
    }
    std::fs::write(dir.path().join("CARD.md"), "not a table").unwrap();
    let one = rows(&["--engine", "datafusion"]);
    let mut args = ROUND.to_vec();
    args[1] = dir.path().to_str().unwrap();
    args.extend(MEASURES);
    args.extend(["--engine", "datafusion"]);
    let (twice, note) = table_rows(&args);
    assert!(
        note.contains("2 file(s), a.parquet … b.parquet; 1 other file(s) in it left out"),
        "{note}"
    );
    assert_eq!(twice.len(), one.len());
    for (key, (v, rows, pop)) in &one {
        let (tv, trows, tpop) = twice[key];
        assert!(
            ((tv - v) / v).abs() < common::PEER || (*v == 0.0 && tv == 0.0),
            "{key}: {tv} vs {v}"
        );
        assert_eq!(trows, 2.0 * rows, "{key}");
        assert!((tpop / (2.0 * pop) - 1.0).abs() < common::PEER, "{key}");
    }
}

/// Under `--non-positive exclude` the engine computes the measures that need positive values
/// over the values above zero, with the rows and population used, as the in-memory engine
/// does (a table with zeros and negative values in every group); the Gini over every row.
#[test]
fn excluding_non_positive_values_gives_the_in_memory_rows() {
    let mut rng = common::Rng(29);
    let mut csv = String::from("income,weight,region\n");
    for i in 0..3000 {
        let u = rng.uniform();
        let x = if u < 0.04 {
            0.0
        } else if u < 0.06 {
            -rng.income() / 10.0
        } else {
            rng.income()
        };
        let w = (rng.uniform() * 5.0).floor() + 1.0;
        csv.push_str(&format!("{x},{w},r{}\n", i % 3));
    }
    let file = common::temp_file("incomes.csv", csv.as_bytes());
    let path = file.path.to_str().unwrap();
    let base = [
        "compute",
        path,
        "--value",
        "income",
        "--weight",
        "weight",
        "--by",
        "region",
        "--measures",
        "theil_t,mld,atkinson_1,ge_2,gini,mean",
        "--non-positive",
        "exclude",
        "--format",
        "csv",
    ];
    let memory = table_rows(&base).0;
    let mut args = base.to_vec();
    args.extend(["--engine", "datafusion"]);
    same_rows(&memory, &table_rows(&args).0, "--non-positive exclude");
    // The rows left out are fewer than the group's for Theil T, all of them for the Gini.
    let theil = memory["r0/theil_t"].1;
    assert!(theil < memory["r0/gini"].1, "{theil}");
}
