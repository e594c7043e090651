//! Axioms every inequality measure must satisfy (DESIGN habit 3), checked on random data.

mod common;

use ginikit::measure::gini::{gini, GiniConvention};
use ginikit::measure::lorenz::lorenz_ordinate;
use ginikit::measure::{Measure, Options};
use ginikit::SortedSample;
use proptest::prelude::*;

fn all_measures() -> Vec<Measure> {
    Measure::parse_list("gini,theil_t,mld,ge_2,ge_-1,atkinson_0.5,atkinson_1,atkinson_2,share_bottom40,share_middle40,share_top20,share_decile3,palma,s80_s20,cv").unwrap()
}

fn eval_all(x: &[f64], w: Option<&[f64]>) -> Vec<f64> {
    let s = SortedSample::new(x, w).unwrap();
    all_measures()
        .iter()
        .map(|m| m.evaluate(&s, &Options::default()).unwrap().value)
        .collect()
}

fn close(a: &[f64], b: &[f64], rel: f64) -> bool {
    a.iter()
        .zip(b)
        .all(|(x, y)| (x - y).abs() <= rel * x.abs().max(y.abs()).max(1e-3))
}

fn incomes() -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec(1.0f64..1e6, 2..200)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn permutation_invariance(x in incomes(), seed in any::<u64>()) {
        let mut y = x.clone();
        let mut rng = common::Rng(seed);
        for i in (1..y.len()).rev() {
            y.swap(i, (rng.next_u64() % (i as u64 + 1)) as usize);
        }
        // The sorted sample is the same, so the results are bit-identical.
        prop_assert_eq!(eval_all(&x, None), eval_all(&y, None));
    }

    #[test]
    fn scale_invariance(x in incomes(), k in 0.001f64..1000.0) {
        let y: Vec<f64> = x.iter().map(|v| v * k).collect();
        prop_assert!(close(&eval_all(&x, None), &eval_all(&y, None), 1e-10));
    }

    #[test]
    fn integer_weights_equal_duplicated_rows(x in incomes(), seed in any::<u64>()) {
        let mut rng = common::Rng(seed);
        let w: Vec<f64> = x.iter().map(|_| (1 + rng.next_u64() % 5) as f64).collect();
        let expanded: Vec<f64> = x.iter().zip(&w).flat_map(|(&v, &k)| std::iter::repeat_n(v, k as usize)).collect();
        prop_assert!(close(&eval_all(&x, Some(&w)), &eval_all(&expanded, None), 1e-10));
    }

    #[test]
    fn unit_weights_equal_unweighted(x in incomes()) {
        let w = vec![1.0; x.len()];
        prop_assert!(close(&eval_all(&x, Some(&w)), &eval_all(&x, None), 1e-12));
    }

    #[test]
    fn pigou_dalton_transfer_lowers_inequality(x in incomes(), frac in 0.01f64..0.49) {
        let mut y = x.clone();
        y.sort_by(f64::total_cmp);
        let (lo, hi) = (0, y.len() - 1);
        prop_assume!(y[hi] - y[lo] > 1e-6 * y[hi]);
        let t = frac * (y[hi] - y[lo]);
        let before = eval_all(&y, None);
        y[lo] += t;
        y[hi] -= t;
        let after = eval_all(&y, None);
        // Every index except the shares falls; the bottom share rises, the top share falls.
        for (i, m) in all_measures().iter().enumerate() {
            match m {
                _ if m.name().starts_with("share_bottom") => prop_assert!(after[i] >= before[i] - 1e-15),
                _ if m.name().starts_with("share_") => {}
                _ => prop_assert!(after[i] <= before[i] + 1e-12, "{} rose: {} -> {}", m.name(), before[i], after[i]),
            }
        }
    }

    #[test]
    fn gini_bounds_and_lorenz_shape(x in incomes()) {
        let s = SortedSample::new(&x, None).unwrap();
        let g = gini(&s, GiniConvention::Midpoint).unwrap();
        let n = x.len() as f64;
        // For non-negative values 0 ≤ G ≤ 1 − 1/n (one person holds everything).
        prop_assert!((-1e-15..=1.0 - 1.0 / n + 1e-12).contains(&g));
        let mut prev = 0.0;
        for k in 1..=20 {
            let p = k as f64 / 20.0;
            let l = lorenz_ordinate(&s, p).unwrap();
            prop_assert!(l >= prev - 1e-15 && l <= p + 1e-12, "L({p}) = {l}");
            prev = l;
        }
        prop_assert!((lorenz_ordinate(&s, 1.0).unwrap() - 1.0).abs() < 1e-15);
    }
}

#[test]
fn equal_incomes_have_no_inequality() {
    let v = eval_all(&[7.0; 50], None);
    let m = all_measures();
    for (value, measure) in v.iter().zip(&m) {
        match measure {
            // A share of equal incomes is the width of its population band.
            _ if measure.name().starts_with("share_") => {
                let width = match measure.name().as_str() {
                    "share_bottom40" | "share_middle40" => 0.4,
                    "share_top20" => 0.2,
                    n if n.starts_with("share_decile") => 0.1,
                    n => panic!("no band width for {n}"),
                };
                assert!(
                    (value - width).abs() < 1e-14,
                    "{} = {value}",
                    measure.name()
                )
            }
            _ if measure.name() == "palma" => assert!((value - 0.25).abs() < 1e-14),
            _ if measure.name() == "s80_s20" => assert!((value - 1.0).abs() < 1e-14),
            _ => assert!(value.abs() < 1e-14, "{} = {value}", measure.name()),
        }
    }
}

#[test]
fn negative_values_allow_gini_above_one() {
    let s = SortedSample::new(&[-5.0, 0.0, 0.0, 6.0], None).unwrap();
    // Mean 0.25; Σ|xi-xj| over ordered pairs = 2(5+5+11+0+6+6) = 66; G = 66/(2·16·0.25) = 8.25.
    assert!((gini(&s, GiniConvention::Midpoint).unwrap() - 8.25).abs() < common::PEER);
}

/// Example names of a registry family: each placeholder of its syntax filled with values that
/// exercise it (a new placeholder must be added here, so no family goes untested).
fn examples(syntax: &str) -> Vec<String> {
    let fill: &[(&str, &[&str])] = &[
        ("<alpha>", &["-1", "0.5", "2", "3"]),
        ("<nu>", &["1", "1.5", "2", "4"]),
        ("<epsilon>", &["0.5", "1", "2", "1000"]),
        ("<k>", &["10", "40"]),
        ("<p>", &["0.1", "0.9"]),
        ("<percent>", &["60", "40"]),
        ("[_<quantile>]", &["", "_0.5", "_0.3"]),
        ("<1-10>", &["1", "10"]),
        ("<from>", &["0.1"]),
        ("<to>", &["0.9"]),
    ];
    let mut names = Vec::new();
    for pattern in syntax.split(", ") {
        let mut variants = vec![pattern.to_string()];
        for (holder, values) in fill {
            variants = variants
                .iter()
                .flat_map(|v| -> Vec<String> {
                    if v.contains(holder) {
                        values.iter().map(|x| v.replacen(holder, x, 1)).collect()
                    } else {
                        vec![v.clone()]
                    }
                })
                .collect();
        }
        for v in variants {
            assert!(
                !v.contains('<'),
                "no example value for a placeholder of {v}"
            );
            if pattern.starts_with("fgt_") && v.starts_with("fgt_-") {
                continue; // FGT needs α ≥ 0
            }
            names.push(v);
        }
    }
    names
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Every measure of every registry family is homogeneous: multiplying every value (and the
    /// poverty line) by k leaves indices, shares, rates and person counts unchanged and
    /// multiplies money amounts by k.
    #[test]
    fn every_registry_measure_is_homogeneous(x in incomes(), k in 0.001f64..1000.0, seed in any::<u64>()) {
        let mut rng = common::Rng(seed);
        let w: Vec<f64> = x.iter().map(|_| (1 + rng.next_u64() % 5) as f64).collect();
        let mut sorted = x.clone();
        sorted.sort_by(f64::total_cmp);
        let line = sorted[sorted.len() / 3] * 1.01;
        let sample = |scale: f64| {
            let y: Vec<f64> = x.iter().map(|v| v * scale).collect();
            SortedSample::new(&y, Some(&w)).unwrap().with_poverty_line(line * scale).unwrap()
        };
        let (a, b) = (sample(1.0), sample(k));
        for family in ginikit::measure::registry::FAMILIES {
            for name in examples(family.syntax) {
                let m = Measure::parse(&name).unwrap_or_else(|e| panic!("{name}: {e}"));
                let opts = Options::default();
                match (m.evaluate(&a, &opts), m.evaluate(&b, &opts)) {
                    (Ok(u), Ok(v)) => {
                        let factor = if m.unit() == ginikit::measure::Unit::Money { k } else { 1.0 };
                        let (u, v) = (u.value * factor, v.value);
                        prop_assert!(
                            (u - v).abs() <= 1e-9 * u.abs().max(v.abs()).max(1e-9),
                            "{}: {} vs {} after ×{}", name, u, v, k
                        );
                    }
                    // The same failure at either scale (its message may quote scaled numbers).
                    (Err(e), Err(f)) => prop_assert_eq!(std::mem::discriminant(&e), std::mem::discriminant(&f)),
                    (u, v) => prop_assert!(false, "{}: {:?} vs {:?} after ×{}", name, u, v, k),
                }
            }
        }
    }
}
