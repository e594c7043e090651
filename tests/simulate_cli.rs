//! `gini simulate`: hand-worked schemes, scenario estimates and standard errors against
//! `gini compute` on the changed column written out, the target solver checked by computing
//! the Gini at its answer, one result on any number of threads, and the refusals.

mod common;

use std::collections::HashMap;

use common::run_gini as run;

/// `(scheme, measure) → (estimate, se)` from CSV output (no group columns).
fn rows(csv: &str) -> HashMap<(String, String), (f64, f64)> {
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (k, m, e, s) = (col("scheme"), col("measure"), col("estimate"), col("se"));
    lines
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            let num = |i: usize| f[i].parse().unwrap_or(f64::NAN);
            ((f[k].to_string(), f[m].to_string()), (num(e), num(s)))
        })
        .collect()
}

fn get(r: &HashMap<(String, String), (f64, f64)>, scheme: &str, measure: &str) -> (f64, f64) {
    *r.get(&(scheme.to_string(), measure.to_string()))
        .unwrap_or_else(|| panic!("no row {scheme} / {measure} in {:?}", r.keys()))
}

/// Four persons, one per household, weight 1: values 3, 2, 3, 4 including a transfer of 2 to
/// the first (before it: 1, 2, 3, 4). By hand, with G = Σᵢⱼ|xᵢ − xⱼ| / (2n²μ):
/// - abolishing it (× 0): 1, 2, 3, 4, G = 40/128 = 0.25 against the baseline 3, 2, 3, 4,
///   G = 12/96 = 0.125; budget 12 × (−2) = −24;
/// - doubling it: 5, 2, 3, 4, G = 20/112 = 5/28; budget 24;
/// - 1 to the poorest half (the rows valued 2 and then the first 3): 4, 3, 3, 4, G = 8/112;
/// - one more family, perfect targeting: the next poorest before transfers (2) gets the
///   median recipient amount 2: 3, 4, 3, 4, G = 8/112.
#[test]
fn hand_worked_schemes() {
    let f = common::temp_file("hh.csv", b"y,t\n3,2\n2,0\n3,0\n4,0\n");
    let p = f.path.to_str().unwrap();
    let (code, out, err) = run(
        &[
            "simulate",
            p,
            "--value",
            "y",
            "--transfer",
            "t",
            "--scale",
            "t=0",
            "--scale",
            "t=2",
            "--topup",
            "50=1",
            "--widen",
            "t=1",
            "--noise",
            "0",
            "--measures",
            "",
            "--format",
            "csv",
        ],
        &[],
    );
    assert_eq!(code, 0, "{err}");
    let r = rows(&out);
    let close = |a: f64, b: f64| assert!((a - b).abs() < 1e-14, "{a} vs {b}");
    close(get(&r, "t × 0", "gini").0, 0.25);
    close(get(&r, "t × 0", "gini_baseline").0, 0.125);
    close(get(&r, "t × 0", "gini_change").0, 0.125);
    close(get(&r, "t × 0", "budget").0, -24.0);
    close(get(&r, "t × 2", "gini").0, 20.0 / 112.0);
    close(get(&r, "t × 2", "budget").0, 24.0);
    close(
        get(&r, "1 per person to the poorest 50 %", "gini").0,
        8.0 / 112.0,
    );
    close(get(&r, "t to 1 more households", "gini").0, 8.0 / 112.0);
    close(get(&r, "t to 1 more households", "budget").0, 24.0);
}

/// The design flags of [`survey_csv`]'s table.
const DESIGN: [&str; 12] = [
    "--value",
    "y",
    "--weight",
    "weight",
    "--size",
    "size",
    "--strata",
    "stratum",
    "--psu",
    "psu",
    "--transfer",
    "t",
];

/// 3,000 households in 300 PSUs and 10 strata, sizes 1–6, a transfer to the poorer ones.
fn survey_csv() -> String {
    let mut rng = common::Rng(42);
    let mut s = String::from("stratum,psu,weight,size,y,t\n");
    for i in 0..3000 {
        let size = 1 + (rng.next_u64() % 6);
        let before = rng.income();
        let t = if before < 2500.0 && rng.uniform() < 0.6 {
            (300.0 / size as f64).round()
        } else {
            0.0
        };
        let w = 50.0 + 100.0 * rng.uniform();
        s.push_str(&format!(
            "{},{},{w:.3},{size},{},{t}\n",
            (i / 10) % 10,
            i / 10,
            before + t
        ));
    }
    s
}

/// A scheme's scenario Gini, its linearized SE and the baseline's are those `gini compute`
/// gives for the changed column written out (an independent path: read, sort, Gini); the
/// solver's answers reach the target (computed again by `gini compute`) and slightly less
/// does not.
#[test]
fn scenarios_and_solves_agree_with_compute_on_the_changed_values() {
    let text = survey_csv();
    let f = common::temp_file("s.csv", text.as_bytes());
    let p = f.path.to_str().unwrap();
    let mut args = vec!["simulate", p];
    args.extend(DESIGN);
    args.extend(["--measures", "", "--format", "csv", "--quiet"]);
    let mut scenarios = args.clone();
    scenarios.extend(["--scale", "t=3", "--topup", "30=200"]);
    let (code, out, err) = run(&scenarios, &[]);
    assert_eq!(code, 0, "{err}");
    let mut r = rows(&out);
    let target = target_below_today(p);
    let target_value: f64 = target.parse().unwrap();
    let mut solves = args.clone();
    solves.extend([
        "--target-gini",
        &target,
        "--lever",
        "scale:t",
        "--lever",
        "topup:30",
        "--replicates",
        "50",
    ]);
    let (code, out, err) = run(&solves, &[]);
    assert_eq!(code, 0, "{err}");
    r.extend(rows(&out));
    // The data written out with a changed value column.
    let data: Vec<Vec<f64>> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(|x| x.parse().unwrap()).collect())
        .collect();
    let compute = |values: &dyn Fn(usize, &[f64]) -> f64| -> (f64, f64) {
        let mut csv = String::from("stratum,psu,weight,size,v\n");
        for (i, d) in data.iter().enumerate() {
            csv.push_str(&format!(
                "{},{},{},{},{:?}\n",
                d[0],
                d[1],
                d[2],
                d[3],
                values(i, d)
            ));
        }
        let g = common::temp_file("c.csv", csv.as_bytes());
        // The same design flags, on the changed column `v` and without the transfer.
        let mut args = vec!["compute", g.path.to_str().unwrap(), "--value", "v"];
        args.extend(&DESIGN[2..10]);
        args.extend([
            "--se",
            "linearization",
            "--measures",
            "gini",
            "--format",
            "csv",
        ]);
        let (code, out, err) = run(&args, &[]);
        assert_eq!(code, 0, "{err}");
        let row: Vec<&str> = out.lines().nth(1).unwrap().split(',').collect();
        (row[1].parse().unwrap(), row[2].parse().unwrap())
    };
    let (g3, se3) = compute(&|_, d| d[4] + 2.0 * d[5]);
    let (gs, ses) = get(&r, "t × 3", "gini");
    assert!(
        (gs - g3).abs() < common::PEER && (ses - se3).abs() < 1e-10 * se3,
        "{gs} {ses} vs {g3} {se3}"
    );
    let (g0, _) = compute(&|_, d| d[4]);
    assert!((get(&r, "t × 3", "gini_baseline").0 - g0).abs() < common::PEER);
    // Budget by hand: 12 Σ w·size·2t.
    let budget: f64 = data.iter().map(|d| 12.0 * d[2] * d[3] * 2.0 * d[5]).sum();
    assert!((get(&r, "t × 3", "budget").0 / budget - 1.0).abs() < common::PEER);

    // Solves: the factor and the amount found reach the target, and 0.1 % less does not.
    let scale = format!("Gini {target_value} by scale t");
    let factor = get(&r, &scale, "factor").0;
    let at = |f: f64| compute(&|_, d| d[4] + (f - 1.0) * d[5]).0;
    assert!((at(factor) - target_value).abs() < 1e-9, "{}", at(factor));
    assert!(at(1.0 + 0.999 * (factor - 1.0)) > target_value);
    let (budget, se) = get(&r, &scale, "budget");
    let by_hand: f64 = data
        .iter()
        .map(|d| 12.0 * d[2] * d[3] * (factor - 1.0) * d[5])
        .sum();
    assert!(
        (budget / by_hand - 1.0).abs() < 1e-9,
        "{budget} vs {by_hand}"
    );
    assert!(se > 0.0 && se < budget, "{se}");
    let topup = format!("Gini {target_value} by top up the poorest 30 %");
    let amount = get(&r, &topup, "amount_per_person_per_month").0;
    // The poorest 30 % of persons by value (ties in row order) get the amount.
    let mut order: Vec<usize> = (0..data.len()).collect();
    order.sort_by(|&a, &b| data[a][4].total_cmp(&data[b][4]).then(a.cmp(&b)));
    let total: f64 = data.iter().map(|d| d[2] * d[3]).sum();
    let (mut cum, mut poorest) = (0.0, vec![false; data.len()]);
    for i in order {
        if cum >= 0.3 * total {
            break;
        }
        poorest[i] = true;
        cum += data[i][2] * data[i][3];
    }
    let topped = |a: f64| compute(&|i, d| d[4] + if poorest[i] { a } else { 0.0 }).0;
    assert!(
        (topped(amount) - target_value).abs() < 1e-9,
        "{}",
        topped(amount)
    );
    assert!(topped(0.999 * amount) > target_value);
}

/// A target Gini 0.01 below today's (from a scenario's baseline), to four decimals.
fn target_below_today(file: &str) -> String {
    let mut args = vec!["simulate", file];
    args.extend(DESIGN);
    args.extend(["--scale", "t=1", "--measures", "", "--format", "csv"]);
    let (code, out, err) = run(&args, &[]);
    assert_eq!(code, 0, "{err}");
    format!("{:.4}", get(&rows(&out), "t × 1", "gini_baseline").0 - 0.01)
}

/// The same scheme and solve on one and on two threads: the same bytes.
#[test]
fn a_solve_is_the_same_on_any_number_of_threads() {
    let f = common::temp_file("s.csv", survey_csv().as_bytes());
    let p = f.path.to_str().unwrap();
    let target = target_below_today(p);
    let mut args = vec!["simulate", p];
    args.extend(DESIGN);
    args.extend([
        "--widen",
        "t=20000",
        "--target-gini",
        &target,
        "--lever",
        "topup:40",
        "--replicates",
        "40",
        "--quiet",
        "--format",
        "csv",
    ]);
    let one = run(&args, &[("RAYON_NUM_THREADS", "1")]);
    let two = run(&args, &[("RAYON_NUM_THREADS", "2")]);
    assert_eq!(one.0, 0, "{}", one.2);
    assert!(one.1.contains("amount_per_person_per_month"), "{}", one.1);
    assert_eq!(one.1, two.1);
}

/// A target already met, an unreachable one (an answer, exit 0, said plainly), and bad
/// schemes, each refused with what to write instead.
#[test]
fn targets_and_refusals() {
    let f = common::temp_file("hh.csv", b"y,t\n3,2\n2,0\n3,0\n4,0\n");
    let p = f.path.to_str().unwrap();
    let base = ["simulate", p, "--value", "y", "--transfer", "t"];
    let with = |extra: &[&str]| {
        let mut a: Vec<&str> = base.to_vec();
        a.extend(extra);
        run(&a, &[])
    };
    let (code, _, err) = with(&["--target-gini", "0.2", "--lever", "scale:t"]);
    assert_ne!(code, 0);
    assert!(
        err.contains("already met") && err.contains("0.1250"),
        "{err}"
    );
    // Scaling the one transfer cannot bring 3, 2, 3, 4 to a Gini of 0.01.
    let (code, out, err) = with(&[
        "--target-gini",
        "0.01",
        "--lever",
        "scale:t",
        "--se",
        "bootstrap",
        "--replicates",
        "20",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("NOT REACHABLE") && out.contains("not reachable: lowest gini"),
        "{out}"
    );
    for (args, says) in [
        (&["--scale", "t=-1"][..], "a number ≥ 0"),
        (
            &["--scale", "pkh=2"][..],
            "one of the transfer columns given (t)",
        ),
        (&["--scale", "t"][..], "COLUMN=FACTOR"),
        (&["--widen", "t=10"][..], "at most 3"),
        (&["--topup", "0=5"][..], "percent of persons"),
        (&["--target-gini", "0.2"][..], "--lever"),
        (
            &["--lever", "grow:t", "--target-gini", "0.1"][..],
            "not a lever",
        ),
        (&[][..], "name a scheme"),
    ] {
        let (code, _, err) = with(args);
        assert_ne!(code, 0, "{args:?}");
        assert!(err.contains(says), "{args:?}: {err}");
    }
}
