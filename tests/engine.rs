//! `gini compute --engine datafusion` gives the rows of the in-memory engine: the bundled
//! 2018-09 round by province × area, with the Gini, mean, Theil T, MLD, GE(2), Atkinson,
//! FGT, quantile shares, the Palma ratio, the median and the 90th percentile, equal to 1e-12
//! relative; under a 64 MiB memory limit too.

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

fn gini(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_gini"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap()
}

/// (group…, measure) → (estimate, n, population) from CSV output.
fn rows(extra: &[&str]) -> BTreeMap<String, (f64, f64, f64)> {
    let mut args = ROUND.to_vec();
    args.extend([
        "--by",
        "province,area",
        "--measures",
        "gini,mean,theil_t,mld,atkinson_1,ge_2,fgt0,fgt2,share_bottom40,share_top20,palma,share_decile10,median,quantile_0.9",
        "--poverty-line",
        "450000",
        "--format",
        "csv",
    ]);
    args.extend(extra);
    let out = gini(&args);
    assert!(
        out.status.success(),
        "{:?}: {}",
        extra,
        String::from_utf8_lossy(&out.stderr)
    );
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
    map
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
        let engine = rows(extra);
        assert_eq!(engine.len(), memory.len(), "{extra:?}");
        for (key, (v, n, pop)) in &memory {
            let (ev, en, epop) = engine[key];
            assert!(
                ((ev - v) / v).abs() < 1e-12 || (v == &0.0 && ev == 0.0),
                "{extra:?} {key}: {ev} vs {v}"
            );
            assert_eq!(en, *n, "{key}: rows");
            assert!(((epop - pop) / pop).abs() < 1e-12, "{key}: population");
        }
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
    let designs: [&[&str]; 3] = [
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
    ];
    for design in designs {
        let memory = se_rows(design);
        let mut extra = design.to_vec();
        extra.extend(["--engine", "datafusion"]);
        let engine = se_rows(&extra);
        assert_eq!(engine.len(), memory.len(), "{design:?}");
        for (key, (v, se)) in &memory {
            let (ev, ese) = engine[key];
            assert!(
                ((ev - v) / v).abs() < 1e-12,
                "{design:?} {key}: {ev} vs {v}"
            );
            assert!(
                ((ese - se) / se).abs() < 1e-10,
                "{design:?} {key}: se {ese} vs {se}"
            );
        }
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
        c.args(&args).current_dir(env!("CARGO_MANIFEST_DIR"));
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
