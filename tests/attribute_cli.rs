//! `gini attribute`: a hand-worked example, household totals per person, the change between
//! rounds, one result on any number of threads, linearized against bootstrap standard
//! errors, and every refusal naming its file, column and row.

mod common;

use std::collections::HashMap;

use common::run_gini as run;

/// `measure → (estimate, se)` from CSV output without groups.
fn by_measure(csv: &str) -> HashMap<String, (f64, f64)> {
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (m, e, s) = (col("measure"), col("estimate"), col("se"));
    lines
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (
                f[m].to_string(),
                (f[e].parse().unwrap(), f[s].parse().unwrap()),
            )
        })
        .collect()
}

/// Incomes before the transfer 1, 2, 3, 4; the poorest receives 2, so the incomes are
/// 3, 2, 3, 4. By hand (midpoint Ginis, mid-ranks F = 1/8, 3/8, 5/8, 7/8 in the order of m):
/// G(m) = 1/4; G(y) = Σ|yᵢ − yⱼ| / (2n²ȳ) = 12/96 = 1/8; C(t | m) = Σ t(2F − 1)/T = −3/4, so
/// Kakwani = 1/4 + 3/4 = 1; C(y | m) = (3·(−3/4) + 2·(−1/4) + 3·(1/4) + 4·(3/4))/12 = 1/12,
/// so Reynolds–Smolensky = 1/4 − 1/12 = 1/6 and reranking = 1/8 − 1/12 = 1/24; the
/// redistributive effect 1/4 − 1/8 = 1/8 = 1/6 − 1/24; with one transfer both marginal
/// contributions equal it. Ranked by y instead, the receiving household ties at 3 with
/// another: both have the mid-rank 1/2, so C(t | y) = 0 (whichever of them comes first).
#[test]
fn a_hand_worked_transfer() {
    let f = common::temp_file("four.csv", b"y,t\n3,2\n2,0\n3,0\n4,0\n");
    let p = f.path.to_str().unwrap();
    let (status, out, err) = run(
        &[
            "attribute",
            p,
            "--value",
            "y",
            "--transfer",
            "t",
            "--format",
            "csv",
        ],
        &[],
    );
    assert_eq!(status, 0, "{err}");
    let r = by_measure(&out);
    let expect = [
        ("gini_before", 0.25),
        ("gini", 0.125),
        ("kakwani(t)", 1.0),
        ("reynolds_smolensky", 1.0 / 6.0),
        ("reranking", 1.0 / 24.0),
        ("redistributive_effect", 0.125),
        ("mc_gini(t)", 0.125),
        ("mc_before_gini(t)", 0.125),
        ("share(t)", 2.0 / 12.0),
        ("conc(t)", 0.0),
    ];
    for (name, v) in expect {
        let got = r
            .get(name)
            .unwrap_or_else(|| panic!("no row {name}: {out}"))
            .0;
        assert!((got - v).abs() < common::PEER, "{name}: {got}, by hand {v}");
    }
    // The contributions of the transfer and the rest add up to 1.
    let sum = r["contribution(t)"].0 + r["contribution(rest)"].0;
    assert!((sum - 1.0).abs() < common::PEER, "{sum}");
}

/// A household table of `n` rows: strata, PSUs, weights, sizes, consumption including two
/// transfers aimed at the poorer households, and the sources (wage + farm + transfers).
fn households(n: usize, seed: u64, coverage: f64) -> String {
    let mut rng = common::Rng(seed);
    let mut s = String::from("stratum,psu,weight,size,area,cons,pkh,bpnt,wage,farm\n");
    for i in 0..n {
        let size = 1 + (rng.uniform() * 6.0) as u32;
        let base = rng.income() * f64::from(size);
        let poor = base / f64::from(size) < 2500.0;
        let pkh = if poor && rng.uniform() < coverage {
            1890.0
        } else {
            0.0
        };
        let bpnt = if poor && rng.uniform() < coverage + 0.1 {
            1320.0
        } else {
            0.0
        };
        let wage = (base * 0.6).round();
        let farm = base - wage;
        let area = if i % 3 == 0 { "urban" } else { "rural" };
        let weight = 50.0 + (rng.uniform() * 100.0).round();
        s.push_str(&format!(
            "{},{},{weight},{size},{area},{},{pkh},{bpnt},{wage},{farm}\n",
            (i / 8) % 10,
            i / 8,
            base + pkh + bpnt
        ));
    }
    s
}

const DESIGN: [&str; 8] = [
    "--weight", "weight", "--size", "size", "--strata", "stratum", "--psu", "psu",
];

#[test]
fn per_capita_components_are_household_totals_divided_by_the_size() {
    let text = households(600, 3, 0.5);
    let totals = common::temp_file("totals.csv", text.as_bytes());
    // The same table with every amount already per person.
    let mut per_person = String::new();
    for (i, line) in text.lines().enumerate() {
        if i == 0 {
            per_person.push_str(line);
        } else {
            let f: Vec<&str> = line.split(',').collect();
            let size: f64 = f[3].parse().unwrap();
            let mut g: Vec<String> = f[..5].iter().map(|s| s.to_string()).collect();
            for x in &f[5..] {
                g.push((x.parse::<f64>().unwrap() / size).to_string());
            }
            per_person.push_str(&g.join(","));
        }
        per_person.push('\n');
    }
    let persons = common::temp_file("persons.csv", per_person.as_bytes());
    let args = |file: &str, per_capita: bool| {
        let mut a = vec![
            "attribute",
            file,
            "--value",
            "cons",
            "--transfer",
            "pkh,bpnt",
        ];
        a.extend(DESIGN);
        a.extend(["--format", "csv"]);
        if per_capita {
            a.push("--per-capita");
        }
        a.into_iter().map(String::from).collect::<Vec<_>>()
    };
    let (s1, a, e1) = run(
        &args(totals.path.to_str().unwrap(), true)
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
        &[],
    );
    let (s2, b, e2) = run(
        &args(persons.path.to_str().unwrap(), false)
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
        &[],
    );
    assert_eq!((s1, s2), (0, 0), "{e1}{e2}");
    let (a, b) = (by_measure(&a), by_measure(&b));
    assert_eq!(a.len(), b.len());
    for (name, (v, se)) in &a {
        let (w, se2) = b[name];
        assert!((v - w).abs() < 1e-9, "{name}: {v} against {w}");
        assert!((se - se2).abs() < 1e-9, "{name}: se {se} against {se2}");
    }
}

#[test]
fn results_are_the_same_on_one_and_two_threads_and_bootstrap_agrees_with_linearization() {
    let f = common::temp_file("hh.csv", households(3_000, 11, 0.5).as_bytes());
    let p = f.path.to_str().unwrap();
    let mut base = vec![
        "attribute",
        p,
        "--value",
        "cons",
        "--per-capita",
        "--transfer",
        "pkh,bpnt",
        "--by",
        "area",
        "--measures",
        "theil_t",
        "--format",
        "csv",
    ];
    base.extend(DESIGN);
    let (s1, one, e1) = run(&base, &[("RAYON_NUM_THREADS", "1")]);
    let (s2, two, e2) = run(&base, &[("RAYON_NUM_THREADS", "2")]);
    assert_eq!((s1, s2), (0, 0), "{e1}{e2}");
    assert_eq!(one, two, "linearization differs between thread counts");
    let mut boot = base.clone();
    boot.extend(["--se", "bootstrap", "--replicates", "400", "--quiet"]);
    let (s3, b1, e3) = run(&boot, &[("RAYON_NUM_THREADS", "1")]);
    let (s4, b2, _) = run(&boot, &[("RAYON_NUM_THREADS", "2")]);
    assert_eq!((s3, s4), (0, 0), "{e3}");
    assert_eq!(b1, b2, "bootstrap differs between thread counts");
    // Whole-sample terms: the bootstrap's SE within 25 % of the linearized one.
    let rows = |csv: &str| -> HashMap<(String, String), f64> {
        csv.lines()
            .skip(1)
            .map(|l| {
                let f: Vec<&str> = l.split(',').collect();
                ((f[0].to_string(), f[1].to_string()), f[3].parse().unwrap())
            })
            .collect()
    };
    let (lin, bs) = (rows(&one), rows(&b1));
    for term in [
        "mc_gini(pkh)",
        "kakwani(bpnt)",
        "reynolds_smolensky",
        "mc_theil_t(pkh)",
    ] {
        for area in ["urban", "rural"] {
            let key = (area.to_string(), term.to_string());
            let ratio = bs[&key] / lin[&key];
            assert!(
                (0.75..1.25).contains(&ratio),
                "{area} {term}: bootstrap se / linearized se = {ratio}"
            );
        }
    }
}

#[test]
fn two_rounds_give_the_change_of_every_term() {
    let a = common::temp_file("r2017.csv", households(1_500, 21, 0.3).as_bytes());
    let b = common::temp_file("r2018.csv", households(1_500, 22, 0.6).as_bytes());
    let (pa, pb) = (a.path.to_str().unwrap(), b.path.to_str().unwrap());
    let mut args = vec![
        "attribute",
        pa,
        pb,
        "--value",
        "cons",
        "--per-capita",
        "--transfer",
        "pkh",
        "--format",
        "csv",
    ];
    args.extend(DESIGN);
    let (status, out, err) = run(&args, &[]);
    assert_eq!(status, 0, "{err}");
    let single = |p: &str| {
        let mut args = vec![
            "attribute",
            p,
            "--value",
            "cons",
            "--per-capita",
            "--transfer",
            "pkh",
            "--format",
            "csv",
        ];
        args.extend(DESIGN);
        by_measure(&run(&args, &[]).1)
    };
    let (ra, rb) = (single(pa), single(pb));
    let header: Vec<&str> = out.lines().next().unwrap().split(',').collect();
    let col = |n: &str| header.iter().position(|h| *h == n).unwrap();
    let mut seen = 0;
    for line in out.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let m = f[col("measure")];
        let (ea, sa) = ra[m];
        let (eb, sb) = rb[m];
        let change: f64 = f[col("change")].parse().unwrap();
        let se: f64 = f[col("se")].parse().unwrap();
        assert!((change - (eb - ea)).abs() < common::PEER, "{m}");
        assert!(
            (se - (sa * sa + sb * sb).sqrt()).abs() < common::PEER,
            "{m}"
        );
        seen += 1;
    }
    assert_eq!(seen, ra.len());
    // The programme doubled its coverage: its marginal contribution grew.
    assert!(rb["mc_gini(pkh)"].0 > ra["mc_gini(pkh)"].0);
}

#[test]
fn bad_components_are_refused_with_file_column_and_row() {
    let cases: [(&[u8], &[&str], &[&str]); 10] = [
        (
            b"y,t\n3,1\n4,-1\n5,0\n",
            &["--transfer", "t"],
            &["column 't'", "negative transfers", "row 2"],
        ),
        (
            b"y,t\n3,1\n4,5\n5,0\n",
            &["--transfer", "t"],
            &["'t'", "larger than the value 'y'", "row 2"],
        ),
        (
            b"y,a,b\n3,1,2\n4,1,2\n5,2,3\n",
            &["--source", "a,b"],
            &[
                "'a' + 'b'",
                "differ from the value 'y'",
                "row 2",
                "off by -1",
            ],
        ),
        (
            b"y,t\n3,1\n4,\n5,0\n",
            &["--transfer", "t"],
            &["column 't'", "row 2"],
        ),
        (
            b"y,t\n3,1\n4,0\n5,0\n",
            &["--transfer", "nope"],
            &["no column named 'nope'", "--transfer"],
        ),
        (
            b"y,t\n3,0\n4,0\n5,0\n",
            &["--transfer", "t"],
            &[
                "column 't'",
                "Gini ratio of 't'",
                "weighted total of 't' is 0",
                "leave 't' out",
            ],
        ),
        // A group where nobody receives one of the transfers: that column and the group
        // are named.
        (
            b"y,t,u,g\n3,1,0,a\n4,0,0,a\n5,0,1,b\n6,1,0,b\n",
            &["--transfer", "t", "u", "--by", "g"],
            &[
                "column 'u'",
                "Gini ratio of 'u'",
                "(g=a)",
                "merge this group",
            ],
        ),
        // A source whose total is negative.
        (
            b"y,a,b\n3,4,-1\n4,5,-1\n5,6,-1\n",
            &["--source", "a", "b"],
            &[
                "column 'b'",
                "weighted total of 'b' is -3",
                "positive total",
            ],
        ),
        (
            b"y,t,u\n3,1,0\n4,0,1\n5,0,0\n",
            &["--transfer", "t,u,t"],
            &["invalid transfer columns = t, u, t", "'t' is named twice"],
        ),
        (
            b"y,a,b\n3,1,2\n4,1,3\n5,2,3\n",
            &["--source", "a", "b", "b"],
            &["invalid source columns = a, b, b", "'b' is named twice"],
        ),
    ];
    for (i, (csv, flags, needles)) in cases.iter().enumerate() {
        let f = common::temp_file(&format!("bad{i}.csv"), csv);
        let p = f.path.to_str().unwrap();
        let mut args = vec!["attribute", p, "--value", "y"];
        args.extend(*flags);
        let (status, out, err) = run(&args, &[]);
        assert_ne!(status, 0, "case {i} passed: {out}");
        assert!(out.is_empty(), "case {i} printed results: {out}");
        for n in *needles {
            assert!(err.contains(n), "case {i}: '{n}' not in: {err}");
        }
    }
}

/// The Lerman–Yitzhaki decomposition against R GiniDecompLY 1.0.0 (`gini_decomp_source`,
/// `gini_income_elasticity`), weighted and unweighted, whole sample and by region, on
/// `tests/golden/ly_sources.csv` (200 simulated households, four sources; written by
/// `ly_sources_data.R`). The expected values are GiniDecompLY's output, written by
/// `tests/golden/ginidecomply.R` to `ginidecomply.csv`. Its conventions are ginikit's: the
/// weighted Gini without a finite-sample correction, and the concentration coefficient
/// ranked by the total (the totals have no ties, so how ties are ordered does not matter).
/// Its `Relative_Contribution` is our `contribution`, its `Marginal_Impact` our `elasticity`
/// and its `Absolute_Contribution` = share·gini·gini_corr our share·conc; the Gini of the
/// total is the sum of the absolute contributions.
#[test]
fn lerman_yitzhaki_terms_equal_r_ginidecomply() {
    let data = std::fs::read_to_string(common::repo_path("tests/golden/ly_sources.csv")).unwrap();
    let sources = ["wage", "self_employment_rev", "farming_rev", "other_rev"];
    // The data with the total of the sources, summed left to right as R's rowSums does.
    let mut table = String::from(data.lines().next().unwrap());
    table.push_str(",total\n");
    for line in data.lines().skip(1) {
        let total: f64 = line
            .split(',')
            .skip(2)
            .map(|v| v.parse::<f64>().unwrap())
            .sum();
        table.push_str(&format!("{line},{total:?}\n"));
    }
    let f = common::temp_file("ly.csv", table.as_bytes());
    let p = f.path.to_str().unwrap();
    let expected =
        std::fs::read_to_string(common::repo_path("tests/golden/ginidecomply.csv")).unwrap();
    let mut checked = 0;
    for weighted in [true, false] {
        for by in [false, true] {
            let mut args = vec!["attribute", p, "--value", "total", "--format", "csv"];
            args.extend(["--source", "wage,self_employment_rev,farming_rev,other_rev"]);
            if weighted {
                args.extend(["--weight", "sample_wgt"]);
            }
            if by {
                args.extend(["--by", "region"]);
            }
            let (status, out, err) = run(&args, &[]);
            assert_eq!(status, 0, "{err}");
            let mut lines = out.lines();
            let header: Vec<&str> = lines.next().unwrap().split(',').collect();
            let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
            let ours: HashMap<(String, String), f64> = lines
                .map(|l| {
                    let f: Vec<&str> = l.split(',').collect();
                    let group = if by { f[col("region")] } else { "all" };
                    let estimate = f[col("estimate")].parse().unwrap();
                    ((group.to_string(), f[col("measure")].to_string()), estimate)
                })
                .collect();
            let mut gini_of_total: HashMap<String, f64> = HashMap::new();
            for row in expected.lines().skip(1) {
                let f: Vec<&str> = row.split(',').collect();
                if (f[0] == "TRUE") != weighted || (f[1] == "all") == by {
                    continue;
                }
                let (group, source) = (f[1].to_string(), f[2]);
                assert!(sources.contains(&source), "{source}");
                let r: Vec<f64> = f[3..].iter().map(|v| v.parse().unwrap()).collect();
                let (share, gini, corr, absolute, relative, _, marginal) =
                    (r[0], r[1], r[2], r[3], r[4], r[5], r[6]);
                *gini_of_total.entry(group.clone()).or_default() += absolute;
                for (term, peer) in [
                    ("share", share),
                    ("gini", gini),
                    ("gini_corr", corr),
                    ("conc", gini * corr),
                    ("contribution", relative),
                    ("elasticity", marginal),
                ] {
                    let name = format!("{term}({source})");
                    let got = ours[&(group.clone(), name.clone())];
                    assert!(
                        (got - peer).abs() < common::PEER,
                        "{group} {name} weighted {weighted}: {got}, GiniDecompLY {peer}"
                    );
                    checked += 1;
                }
            }
            for (group, peer) in gini_of_total {
                let got = ours[&(group.clone(), "gini".to_string())];
                assert!(
                    (got - peer).abs() < common::PEER,
                    "{group} gini: {got}, {peer}"
                );
            }
        }
    }
    assert_eq!(
        checked,
        2 * 3 * 4 * 6,
        "every GiniDecompLY row was compared"
    );
}
