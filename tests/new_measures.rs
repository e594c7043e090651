//! The Hoover index and Eurostat's quintile share ratio against their peers, the Hoover
//! influence function against a numerical derivative, and the registry's promises (every
//! name parses back; the docs list every measure).

use ginikit::measure::hoover::{hoover, hoover_influence};
use ginikit::measure::registry::FAMILIES;
use ginikit::measure::{Measure, Options};
use ginikit::SortedSample;

mod common;

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
            ((v - expected) / expected).abs() < common::PEER,
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
        assert!(
            ((ve - v) / v).abs() < common::PEER,
            "{dataset} {measure} expanded"
        );
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
        "ede_0.5",
        "ede_1",
        "wolfson",
        "sgini_1.5",
        "sgini_3",
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
        ("sgini_0.5", "≥ 1"),
        ("ede_-2", "≥ 0"),
    ] {
        let e = Measure::parse(name).unwrap_err().to_string();
        assert!(e.contains(says), "{name}: {e}");
    }
    assert!(Measure::parse("gni")
        .unwrap_err()
        .to_string()
        .contains("hoover"));
}

/// `∂θ/∂wₖ` by a forward difference of the weights, against each measure's influence values,
/// at a few positions (weighted, without ties at the median, so every part is differentiable).
fn influence_is_the_derivative(name: &str, tolerance: f64) {
    let m = Measure::parse(name).unwrap();
    let options = ginikit::measure::Options::default();
    let x: Vec<f64> = (1..=41).map(|i| f64::from(i * i) + 0.5).collect();
    let w: Vec<f64> = (1..=41).map(|i| 1.0 + f64::from(i % 7)).collect();
    let s = SortedSample::new(&x, Some(&w)).unwrap();
    let z = m.influence(&s, &options).unwrap();
    let v0 = m.evaluate(&s, &options).unwrap().value;
    for k in [0, 7, 19, 33, 40] {
        let step = 1e-6;
        let mut wk = w.clone();
        wk[k] += step;
        let vk = m
            .evaluate(&SortedSample::new(&x, Some(&wk)).unwrap(), &options)
            .unwrap()
            .value;
        let numeric = (vk - v0) / step;
        assert!(
            (numeric - z[k]).abs() < tolerance * numeric.abs().max(1.0),
            "{name}, k = {k}: numeric {numeric} vs analytic {}",
            z[k]
        );
    }
}

#[test]
fn ede_wolfson_and_sgini_influence_values_are_the_derivatives_in_the_weights() {
    influence_is_the_derivative("ede_0.5", 1e-6);
    influence_is_the_derivative("ede_1", 1e-6);
    influence_is_the_derivative("ede_3", 1e-6);
    influence_is_the_derivative("sgini_1.5", 1e-6);
    influence_is_the_derivative("sgini_4", 1e-6);
}

#[test]
fn sgini_2_is_the_midpoint_gini_with_its_influence_values() {
    use ginikit::measure::gini::{gini, gini_influence, GiniConvention};
    use ginikit::measure::sgini::{sgini, sgini_influence};
    let x = [5.0, 1.0, 9.0, 3.0, 3.0, 12.0, 7.0];
    let w = [1.0, 2.5, 0.5, 3.0, 1.0, 2.0, 0.0];
    let s = SortedSample::new(&x, Some(&w)).unwrap();
    let g = gini(&s, GiniConvention::Midpoint).unwrap();
    assert!((sgini(&s, 2.0).unwrap() - g).abs() < 1e-15);
    let (a, b) = (
        sgini_influence(&s, 2.0).unwrap(),
        gini_influence(&s, GiniConvention::Midpoint).unwrap(),
    );
    for (u, v) in a.iter().zip(&b) {
        assert!((u - v).abs() < 1e-14, "{u} vs {v}");
    }
    // ν = 1: every rank weighs its population share, S = μ and G = 0.
    assert!(sgini(&s, 1.0).unwrap().abs() < 1e-15);
}

#[test]
fn wolfson_influence_is_the_derivative_in_the_weights_with_the_medians_linearization() {
    use ginikit::measure::quantile::quantile_influence;
    // The sample median moves in steps, so a small change of one weight leaves it where it is
    // (41 distinct values): the numerical derivative of W is that of its other parts, L, G
    // and μ. The median's own term is its kernel-density linearization (as R convey's), which
    // is added back to the derivative before comparing.
    let x: Vec<f64> = (1..=41).map(|i| f64::from(i * i) + 0.5).collect();
    let w: Vec<f64> = (1..=41).map(|i| 1.0 + f64::from(i % 7)).collect();
    let s = SortedSample::new(&x, Some(&w)).unwrap();
    let options = Options::default();
    let value = |m: &str, s: &SortedSample| {
        Measure::parse(m)
            .unwrap()
            .evaluate(s, &options)
            .unwrap()
            .value
    };
    let (l, g, mu, med) = (
        value("share_0_0.5", &s),
        value("gini", &s),
        value("mean", &s),
        value("median", &s),
    );
    let w0 = value("wolfson", &s);
    assert!((w0 - (1.0 - 2.0 * l - g) * mu / med).abs() < 1e-15);
    let z = Measure::parse("wolfson")
        .unwrap()
        .influence(&s, &options)
        .unwrap();
    let zm = quantile_influence(&s, 0.5).unwrap();
    for k in [0, 7, 19, 33, 40] {
        let step = 1e-6;
        let mut wk = w.clone();
        wk[k] += step;
        let moved = SortedSample::new(&x, Some(&wk)).unwrap();
        assert_eq!(value("median", &moved), med);
        let numeric = (value("wolfson", &moved) - w0) / step;
        let median_term = -(1.0 - 2.0 * l - g) * mu * zm[k] / (med * med);
        assert!(
            (numeric + median_term - z[k]).abs() < 1e-6,
            "k = {k}: numeric {numeric} + median term {median_term} vs analytic {}",
            z[k]
        );
    }
}
