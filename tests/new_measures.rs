//! The Hoover index and Eurostat's quintile share ratio against their peers, the Hoover
//! influence function against a numerical derivative, and the registry's promises (every
//! name parses back; the docs list every measure).

use ginikit::measure::hoover::{hoover, hoover_influence};
use ginikit::measure::registry::FAMILIES;
use ginikit::measure::{Measure, Options};
use ginikit::SortedSample;

/// `tests/golden/qsr_hoover.csv`, written by `tests/golden/qsr_hoover.R`: R laeken 0.5.2
/// `qsr(x, weights = w)$value`, and R ineq's `RS` formula on the frequency-expanded data
/// `rep(x, w)`.
/// (dataset, measure, expected, x, w).
type GoldenRow = (String, String, f64, Vec<f64>, Vec<f64>);

fn golden() -> Vec<GoldenRow> {
    let text = std::fs::read_to_string("tests/golden/qsr_hoover.csv").unwrap();
    let numbers = |s: &str| -> Vec<f64> { s.split(';').map(|v| v.parse().unwrap()).collect() };
    text.lines()
        .skip(1)
        .map(|line| {
            let f: Vec<&str> = line.split(',').collect();
            (
                f[0].to_string(),
                f[1].to_string(),
                f[2].parse().unwrap(),
                numbers(f[3]),
                numbers(f[4]),
            )
        })
        .collect()
}

#[test]
fn qsr_matches_r_laeken_and_hoover_matches_r_ineq_rs() {
    let rows = golden();
    assert_eq!(rows.len(), 6);
    for (dataset, measure, expected, x, w) in rows {
        let s = SortedSample::new(&x, Some(&w)).unwrap();
        let m = Measure::parse(&measure).unwrap();
        let v = m.evaluate(&s, &Options::default()).unwrap().value;
        assert!(
            ((v - expected) / expected).abs() < 1e-12,
            "{dataset} {measure}: {v} vs {expected}"
        );
        // Integer weights equal duplicated rows.
        let expanded: Vec<f64> = x
            .iter()
            .zip(&w)
            .flat_map(|(&xi, &wi)| std::iter::repeat_n(xi, wi as usize))
            .collect();
        let e = SortedSample::new(&expanded, None).unwrap();
        let ve = m.evaluate(&e, &Options::default()).unwrap().value;
        assert!(((ve - v) / v).abs() < 1e-12, "{dataset} {measure} expanded");
    }
}

#[test]
fn unweighted_hoover_is_r_ineq_rs_on_the_ineq_example() {
    // By hand: μ = 66,586/10 = 6,658.6; the deviations above the mean are 1,645.4 + 5,245.4 +
    // 15,602.4 = 22,493.2 and those below sum to the same, so Σ|x − μ| = 44,986.4 and
    // H = 44,986.4 / (2 · 10 · 6,658.6) = 0.337806746… (R ineq RS gives the golden value).
    let x = [
        541.0, 1463.0, 2445.0, 3438.0, 4437.0, 5401.0, 6392.0, 8304.0, 11904.0, 22261.0,
    ];
    let s = SortedSample::new(&x, None).unwrap();
    assert!((hoover(&s).unwrap() - 0.33780674616285705).abs() < 1e-15);
}

#[test]
fn hoover_influence_is_the_derivative_in_the_weights() {
    // Weighted values without ties at the mean: H is differentiable in each weight there.
    let x: Vec<f64> = (1..=40).map(|i| f64::from(i * i) + 0.5).collect();
    let w: Vec<f64> = (1..=40).map(|i| 1.0 + f64::from(i % 7)).collect();
    let s = SortedSample::new(&x, Some(&w)).unwrap();
    let z = hoover_influence(&s).unwrap();
    let h0 = hoover(&s).unwrap();
    for k in [0, 7, 19, 33, 39] {
        let step = 1e-6;
        let mut wk = w.clone();
        wk[k] += step;
        let hk = hoover(&SortedSample::new(&x, Some(&wk)).unwrap()).unwrap();
        let numeric = (hk - h0) / step;
        assert!(
            (numeric - z[k]).abs() < 1e-7,
            "k = {k}: numeric {numeric} vs analytic {}",
            z[k]
        );
    }
}

#[test]
fn every_registered_name_parses_back_and_is_documented() {
    let examples = [
        "gini",
        "theil_t",
        "mld",
        "ge_2",
        "ge_-1",
        "atkinson_0.5",
        "share_bottom40",
        "share_middle40",
        "share_top20",
        "share_decile3",
        "share_0.1_0.35",
        "palma",
        "s80_s20",
        "qsr",
        "hoover",
        "mean",
        "median",
        "quantile_0.9",
        "cv",
        "fgt0",
        "fgt1",
        "fgt2",
        "fgt_0.5",
        "watts",
        "poor",
        "arpt",
        "arpr",
        "rmpg",
        "arpt_50",
        "arpr_50_0.6",
    ];
    for name in examples {
        let m = Measure::parse(name).unwrap();
        assert_eq!(m.name(), name);
        assert_eq!(Measure::parse(&m.name()).unwrap(), m);
    }
    let readme = std::fs::read_to_string("README.md").unwrap();
    let lib = std::fs::read_to_string("src/lib.rs").unwrap();
    for f in FAMILIES {
        let first = f
            .syntax
            .split(',')
            .next()
            .unwrap()
            .split('<')
            .next()
            .unwrap();
        assert!(readme.contains(first), "README does not list {first}");
        let head = first.split('_').next().unwrap();
        assert!(
            lib.to_lowercase().contains(&head.to_lowercase()),
            "lib.rs docs miss {head}"
        );
    }
}

#[test]
fn parameters_out_of_range_say_the_range() {
    for (name, says) in [
        ("quantile_1.5", "p in [0, 1]"),
        ("atkinson_-1", "≥ 0"),
        ("share_0.8_0.2", "0 ≤ from ≤ to ≤ 1"),
        ("share_decile11", "k = 1 … 10"),
    ] {
        let e = Measure::parse(name).unwrap_err().to_string();
        assert!(e.contains(says), "{name}: {e}");
    }
    assert!(Measure::parse("gni")
        .unwrap_err()
        .to_string()
        .contains("hoover"));
}
