//! `gini compute --se …` and `gini trend` end to end: the R survey values through the command
//! line, bad design input, thread-count independence of the bootstrap, and trends.

// Expected values are written with the 17 significant digits the peers print.
#![allow(clippy::excessive_precision)]

mod common;
use common::{gini, gini_on_threads, text};

/// tests/golden/microdata.csv `tiny_4str_2psu` as a table: x, w, stratum h, PSU p.
fn tiny_csv() -> common::TempFile {
    let rows = common::read_csv(&common::repo_path("tests/golden/microdata.csv").to_string_lossy());
    let r = rows
        .iter()
        .find(|r| r["id"] == "tiny-gini-mid-se-lin")
        .unwrap();
    let x = common::numbers(&r["x"]);
    let w = common::numbers(&r["w"]);
    let mut s = String::from("x,w,h,p\n");
    for ((x, w), g) in x.iter().zip(&w).zip(r["group"].split(';')) {
        let (h, p) = g.split_once(':').unwrap();
        s.push_str(&format!("{x},{w},{h},{p}\n"));
    }
    common::temp_file("tiny.csv", s.as_bytes())
}

fn se_of(out: &str) -> f64 {
    let line = out.lines().nth(1).unwrap();
    line.split(',').nth(2).unwrap().parse().unwrap()
}

#[test]
fn cli_standard_errors_match_r_survey() {
    let f = tiny_csv();
    let p = f.path.to_str().unwrap();
    // (method, expected midpoint-Gini SE from R survey 4.1-1, see tests/golden/microdata.csv)
    for (method, want) in [
        ("linearization", 0.051006886393739362),
        ("jackknife", 0.052720408673043694),
        ("brr", 0.073805799323321736),
        ("fay", 0.057064118509376857),
    ] {
        let o = gini(&[
            "compute",
            p,
            "--value",
            "x",
            "--weight",
            "w",
            "--strata",
            "h",
            "--psu",
            "p",
            "--se",
            method,
            "--measures",
            "gini",
            "--format",
            "csv",
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
        let out = text(&o.stdout);
        assert_eq!(
            out.lines().next().unwrap(),
            "measure,estimate,se,ci_lower,ci_upper,deff,n,population"
        );
        let got = se_of(&out);
        assert!(
            (got - want).abs() < 1e-10 * want,
            "{method}: {got} vs {want}"
        );
    }
}

#[test]
fn bootstrap_is_identical_on_any_thread_count_and_seeded() {
    let f = tiny_csv();
    let p = f.path.to_str().unwrap();
    let args = [
        "compute",
        p,
        "--value",
        "x",
        "--weight",
        "w",
        "--strata",
        "h",
        "--psu",
        "p",
        "--se",
        "bootstrap",
        "--replicates",
        "300",
        "--measures",
        "gini,theil_t,share_bottom40",
        "--format",
        "csv",
    ];
    let one = gini_on_threads(&args, "1");
    let four = gini_on_threads(&args, "4");
    assert_eq!(one.status.code(), Some(0));
    assert_eq!(text(&one.stdout), text(&four.stdout));
    let mut other_seed = args.to_vec();
    other_seed.extend(["--seed", "7"]);
    assert_ne!(text(&gini(&other_seed).stdout), text(&one.stdout));
    // Percentile intervals come from the same replicates.
    let mut pct = args.to_vec();
    pct.extend(["--ci", "percentile"]);
    let o = gini(&pct);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
}

#[test]
fn srs_note_without_design_flags() {
    let f = tiny_csv();
    let o = gini(&[
        "compute",
        f.path.to_str().unwrap(),
        "--value",
        "x",
        "--weight",
        "w",
        "--se",
        "linearization",
    ]);
    assert!(
        text(&o.stdout).contains("assume simple random sampling"),
        "{}",
        text(&o.stdout)
    );
    // CSV and JSON carry only rows; the note goes to stderr.
    let o = gini(&[
        "compute",
        f.path.to_str().unwrap(),
        "--value",
        "x",
        "--weight",
        "w",
        "--se",
        "linearization",
        "--format",
        "csv",
    ]);
    assert!(
        text(&o.stderr).contains("assume simple random sampling"),
        "{}",
        text(&o.stderr)
    );
    assert!(!text(&o.stdout).contains("note"));
}

#[test]
fn bad_design_input_is_reported() {
    let f = tiny_csv();
    let p = f.path.to_str().unwrap();
    let o = gini(&[
        "compute",
        p,
        "--value",
        "x",
        "--weight",
        "w",
        "--strata",
        "stratum",
        "--psu",
        "p",
        "--se",
        "linearization",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let e = text(&o.stderr);
    assert!(
        e.contains("no column named 'stratum'") && e.contains("--strata"),
        "{e}"
    );

    // PSU 1 in strata 1 and 2.
    let g = common::temp_file("two.csv", b"x,w,h,p\n1,1,1,1\n2,1,1,2\n3,1,2,1\n4,1,2,3\n");
    let o = gini(&[
        "compute",
        g.path.to_str().unwrap(),
        "--value",
        "x",
        "--weight",
        "w",
        "--strata",
        "h",
        "--psu",
        "p",
        "--se",
        "linearization",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let e = text(&o.stderr);
    assert!(
        e.contains("column 'p'")
            && e.contains("two strata")
            && e.contains("row 3")
            && e.contains("--nest"),
        "{e}"
    );
    // ... which is fine when PSU codes restart within strata.
    let o = gini(&[
        "compute",
        g.path.to_str().unwrap(),
        "--value",
        "x",
        "--weight",
        "w",
        "--strata",
        "h",
        "--psu",
        "p",
        "--nest",
        "--se",
        "linearization",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));

    // Stratum 2 has zero total weight.
    let z = common::temp_file("zero.csv", b"x,w,h,p\n1,1,1,1\n2,1,1,2\n3,0,2,3\n4,0,2,4\n");
    let o = gini(&[
        "compute",
        z.path.to_str().unwrap(),
        "--value",
        "x",
        "--weight",
        "w",
        "--strata",
        "h",
        "--psu",
        "p",
        "--se",
        "linearization",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let e = text(&o.stderr);
    assert!(
        e.contains("column 'h'") && e.contains("stratum '2' has zero total weight"),
        "{e}"
    );

    // A stratum with a single PSU.
    let l = common::temp_file(
        "lonely.csv",
        b"x,w,h,p\n1,1,1,1\n2,1,1,2\n3,1,2,3\n4,1,2,3\n",
    );
    let o = gini(&[
        "compute",
        l.path.to_str().unwrap(),
        "--value",
        "x",
        "--weight",
        "w",
        "--strata",
        "h",
        "--psu",
        "p",
        "--se",
        "linearization",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("single PSU") && text(&o.stderr).contains("--lonely-psu"));
    let o = gini(&[
        "compute",
        l.path.to_str().unwrap(),
        "--value",
        "x",
        "--weight",
        "w",
        "--strata",
        "h",
        "--psu",
        "p",
        "--se",
        "linearization",
        "--lonely-psu",
        "certainty",
    ]);
    assert_eq!(o.status.code(), Some(0));

    // BRR needs two PSUs per stratum.
    let o = gini(&[
        "compute",
        g.path.to_str().unwrap(),
        "--value",
        "x",
        "--weight",
        "w",
        "--strata",
        "h",
        "--psu",
        "p",
        "--nest",
        "--se",
        "brr",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let three = common::temp_file(
        "three.csv",
        b"x,w,h,p\n1,1,1,1\n2,1,1,2\n3,1,1,3\n4,1,2,4\n5,1,2,5\n",
    );
    let o = gini(&[
        "compute",
        three.path.to_str().unwrap(),
        "--value",
        "x",
        "--strata",
        "h",
        "--psu",
        "p",
        "--se",
        "brr",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("exactly two PSUs"));

    // Design flags without --se are a usage error.
    let o = gini(&["compute", p, "--value", "x", "--strata", "h"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn replicate_weight_columns_reproduce_jackknife() {
    // JKn replicate weights written out by hand for the tiny design reproduce --se jackknife.
    let f = tiny_csv();
    let rows = common::read_csv(&f.path.to_string_lossy());
    let mut s = String::from("x,w,h,p");
    for r in 1..=8 {
        s.push_str(&format!(",rep{r}"));
    }
    s.push('\n');
    for r in &rows {
        let (h, p): (u32, u32) = (r["h"].parse().unwrap(), r["p"].parse().unwrap());
        let w: f64 = r["w"].parse().unwrap();
        s.push_str(&format!("{},{},{},{}", r["x"], w, h, p));
        for rep in 1..=8u32 {
            // Replicate `rep` deletes PSU `rep` (in stratum (rep + 1) / 2) and doubles its partner.
            let stratum_of_rep = rep.div_ceil(2);
            let f = if h != stratum_of_rep {
                1.0
            } else if p == rep {
                0.0
            } else {
                2.0
            };
            s.push_str(&format!(",{}", w * f));
        }
        s.push('\n');
    }
    let g = common::temp_file("rep.csv", s.as_bytes());
    let o = gini(&[
        "compute",
        g.path.to_str().unwrap(),
        "--value",
        "x",
        "--weight",
        "w",
        "--se",
        "replicate-weights",
        "--repweights",
        "rep*",
        "--rep-scale",
        "0.5",
        "--measures",
        "gini",
        "--format",
        "csv",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    // JKn: Σ_h (n_h − 1)/n_h Σ (θ − θ̄)² with n_h = 2: scale 0.5 (R survey, tiny-gini-mid-se-JKn).
    let got = se_of(&text(&o.stdout));
    assert!((got - 0.052720408673043694).abs() < 1e-10, "{got}");
}

#[test]
fn trend_between_two_files_and_from_a_period_column() {
    let a = common::temp_file("2017-09.csv", b"area,x,w\nurban,10,1\nurban,20,1\nurban,35,1\nurban,50,2\nrural,8,1\nrural,9,2\nrural,12,1\nrural,15,1\n");
    let b_path = a.dir.path().join("2018-09.csv");
    std::fs::write(&b_path, b"area,x,w\nurban,12,1\nurban,20,1\nurban,30,1\nurban,40,2\nrural,8,1\nrural,10,2\nrural,12,1\nrural,13,1\n").unwrap();
    let o = gini(&[
        "trend",
        a.path.to_str().unwrap(),
        b_path.to_str().unwrap(),
        "--value",
        "x",
        "--weight",
        "w",
        "--by",
        "area",
        "--measures",
        "gini,mean",
        "--format",
        "csv",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        "area,measure,from,to,estimate_from,estimate_to,change,se,ci_lower,ci_upper,p_value"
    );
    assert_eq!(lines.len(), 1 + 4);
    let f: Vec<&str> = lines[1].split(',').collect();
    assert_eq!(&f[..4], &["urban", "gini", "2017-09", "2018-09"]);
    let (ea, eb, d): (f64, f64, f64) = (
        f[4].parse().unwrap(),
        f[5].parse().unwrap(),
        f[6].parse().unwrap(),
    );
    assert!((d - (eb - ea)).abs() < 1e-15);

    // The same data in one file with a period column gives the same rows.
    let mut one = String::from("round,area,x,w\n");
    for (label, path) in [("2017-09", &a.path), ("2018-09", &b_path)] {
        for line in std::fs::read_to_string(path).unwrap().lines().skip(1) {
            one.push_str(&format!("{label},{line}\n"));
        }
    }
    let c = common::temp_file("both.csv", one.as_bytes());
    let o2 = gini(&[
        "trend",
        c.path.to_str().unwrap(),
        "--period",
        "round",
        "--value",
        "x",
        "--weight",
        "w",
        "--by",
        "area",
        "--measures",
        "gini,mean",
        "--format",
        "csv",
    ]);
    assert_eq!(text(&o2.stdout), out);

    // The table format marks intervals that exclude zero and explains the se.
    let o3 = gini(&[
        "trend",
        c.path.to_str().unwrap(),
        "--period",
        "round",
        "--value",
        "x",
        "--weight",
        "w",
        "--measures",
        "mean",
    ]);
    let t = text(&o3.stdout);
    assert!(
        t.contains("sig") && t.contains("sqrt(se_from^2 + se_to^2)"),
        "{t}"
    );
}

/// The measures added through one file each work with every standard-error method and in
/// trends, like every other measure (the survey code is written once over the estimator
/// interface).
#[test]
fn new_measures_work_with_every_method_and_in_trends() {
    let f = tiny_csv();
    let p = f.path.to_str().unwrap();
    for method in ["linearization", "bootstrap", "jackknife", "brr", "fay"] {
        let o = gini(&[
            "compute",
            p,
            "--value",
            "x",
            "--weight",
            "w",
            "--strata",
            "h",
            "--psu",
            "p",
            "--se",
            method,
            "--replicates",
            "50",
            "--measures",
            "hoover,qsr",
            "--format",
            "csv",
        ]);
        assert!(o.status.success(), "{method}: {}", text(&o.stderr));
        let out = text(&o.stdout);
        let rows: Vec<&str> = out.lines().skip(1).collect();
        assert_eq!(rows.len(), 2, "{method}: {out}");
        for row in rows {
            let cells: Vec<&str> = row.split(',').collect();
            for c in &cells[1..5] {
                let v: f64 = c.parse().unwrap_or(f64::NAN);
                assert!(v.is_finite(), "{method}: blank or non-finite in {row}");
            }
            assert!(cells[2].parse::<f64>().unwrap() > 0.0, "{method}: SE {row}");
        }
    }
    let trend = |first: &str, second: &str| {
        gini(&[
            "trend",
            first,
            second,
            "--value",
            "x",
            "--weight",
            "w",
            "--strata",
            "h",
            "--psu",
            "p",
            "--measures",
            "hoover,qsr",
            "--format",
            "csv",
        ])
    };
    let o = trend(p, p);
    // The same file twice is one round twice: a data error, exit 1, saying so.
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("appears in more than one input"));
    let dir = std::env::temp_dir().join(format!("ginikit-newm-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (a, b) = (dir.join("r1.csv"), dir.join("r2.csv"));
    std::fs::copy(p, &a).unwrap();
    std::fs::copy(p, &b).unwrap();
    let o = trend(a.to_str().unwrap(), b.to_str().unwrap());
    assert!(o.status.success(), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert_eq!(out.lines().count(), 3, "{out}");
    assert!(
        out.contains("hoover,r1,r2") && out.contains("qsr,r1,r2"),
        "{out}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// A pooled file whose rounds have different strata gives the rows that two separate files
/// give (each round's design holds only its own strata and PSUs).
#[test]
fn pooled_trend_with_different_strata_per_round_equals_separate_files() {
    let first =
        "x,w,h,p\n10,1,1,1\n20,1,1,1\n35,1,1,2\n50,2,1,2\n8,1,2,3\n9,2,2,3\n12,1,2,4\n15,1,2,4\n";
    let second =
        "x,w,h,p\n12,1,3,5\n20,1,3,5\n30,1,3,6\n40,2,3,6\n8,1,4,7\n10,2,4,7\n12,1,4,8\n13,1,4,8\n";
    let a = common::temp_file("r1.csv", first.as_bytes());
    let b = a.dir.path().join("r2.csv");
    std::fs::write(&b, second).unwrap();
    let mut pooled = String::from("round,x,w,h,p\n");
    for (label, text) in [("r1", first), ("r2", second)] {
        for line in text.lines().skip(1) {
            pooled.push_str(&format!("{label},{line}\n"));
        }
    }
    let c = a.dir.path().join("pooled.csv");
    std::fs::write(&c, pooled).unwrap();
    let design = [
        "--value", "x", "--weight", "w", "--strata", "h", "--psu", "p", "--format", "csv",
    ];
    let separate = gini(
        &[
            &["trend", a.path.to_str().unwrap(), b.to_str().unwrap()][..],
            &design[..],
        ]
        .concat(),
    );
    assert!(separate.status.success(), "{}", text(&separate.stderr));
    let from_period = gini(
        &[
            &["trend", c.to_str().unwrap(), "--period", "round"][..],
            &design[..],
        ]
        .concat(),
    );
    assert!(
        from_period.status.success(),
        "{}",
        text(&from_period.stderr)
    );
    assert_eq!(text(&separate.stdout), text(&from_period.stdout));
}

#[test]
fn replicate_weight_scale_must_be_positive() {
    let f = common::temp_file("rw.csv", b"x,w,r1,r2\n1,1,1,2\n2,1,2,1\n3,1,1,1\n");
    for scale in ["0", "-1"] {
        let flag = format!("--rep-scale={scale}");
        let o = gini(&[
            "compute",
            f.path.to_str().unwrap(),
            "--value",
            "x",
            "--weight",
            "w",
            "--se",
            "replicate-weights",
            "--repweights",
            "r1,r2",
            &flag,
        ]);
        assert_eq!(o.status.code(), Some(2), "{scale}");
        assert!(
            text(&o.stderr).contains("must be a positive number"),
            "{}",
            text(&o.stderr)
        );
    }
}

/// A group with one observation has no standard error: an error naming the group, exit 1,
/// rather than SE 0 and the interval [x, x].
#[test]
fn one_observation_group_has_no_standard_error() {
    let f = common::temp_file("one.csv", b"g,x\na,1\na,2\na,3\nb,5\n");
    let o = gini(&[
        "compute",
        f.path.to_str().unwrap(),
        "--value",
        "x",
        "--by",
        "g",
        "--se",
        "linearization",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stdout));
    let e = text(&o.stderr);
    assert!(
        e.contains("standard error is undefined")
            && e.contains("g=b")
            && e.contains("1 observation"),
        "{e}"
    );
}

#[test]
fn domains_without_design_columns_equal_each_row_named_as_its_own_psu() {
    // With no design columns every row is its own PSU in one stratum. The same design spelled
    // out (a PSU column holding the row number) goes through the general stratified formula:
    // the standard errors agree to rounding, per group.
    let mut rng = common::Rng(99);
    let mut csv = String::from("g,x,w,row\n");
    for i in 0..3000 {
        csv.push_str(&format!(
            "{},{},{},{i}\n",
            i % 7,
            rng.income(),
            1 + rng.next_u64() % 20
        ));
    }
    let f = common::temp_file("srs.csv", csv.as_bytes());
    let path = f.path.to_str().unwrap();
    let base = [
        "compute",
        path,
        "--value",
        "x",
        "--weight",
        "w",
        "--by",
        "g",
        "--measures",
        "gini,mean,share_bottom40",
        "--se",
        "linearization",
        "--format",
        "csv",
    ];
    let simple = text(&gini(&base).stdout);
    let spelled = text(&gini(&[&base[..], &["--psu", "row"]].concat()).stdout);
    let se = |t: &str| -> Vec<f64> {
        t.lines()
            .skip(1)
            .map(|l| l.split(',').nth(3).unwrap().parse().unwrap())
            .collect()
    };
    let (a, b) = (se(&simple), se(&spelled));
    assert_eq!(a.len(), 21);
    for (x, y) in a.iter().zip(&b) {
        assert!(((x - y) / y).abs() < common::PEER, "{x} vs {y}");
    }
}
