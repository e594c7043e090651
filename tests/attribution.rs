//! Attribution terms against their definitions: the concentration coefficient and the Gini
//! correlation against the O(n²) double sums (weighted, with ties), the Lerman–Yitzhaki
//! identity, marginal contributions against Ginis computed on their own, influence
//! functions against finite differences, and the coverage of linearized intervals of a
//! marginal contribution over repeated samples of a known population.

use ginikit::attribute::{concentration, source_terms_of, transfer_terms};
use ginikit::measure::gini::{gini, GiniConvention};
use ginikit::measure::Options;
use ginikit::sample::Income;
use ginikit::survey::design::Design;
use ginikit::survey::{estimate, DesignedSample, Interval, Variance};
use ginikit::{Measure, SortedSample};

mod common;
use common::Rng;

/// `Σᵢ Σⱼ wᵢ wⱼ (aᵢ − aⱼ) sgn(rᵢ − rⱼ) / (2 W A)`: the definition, in O(n²).
fn brute_concentration(a: &[f64], r: &[f64], w: &[f64]) -> f64 {
    let (mut d, mut total_w, mut total_a) = (0.0, 0.0, 0.0);
    for i in 0..a.len() {
        total_w += w[i];
        total_a += w[i] * a[i];
        for j in 0..a.len() {
            let s = match r[i].partial_cmp(&r[j]).unwrap() {
                std::cmp::Ordering::Less => -1.0,
                std::cmp::Ordering::Equal => 0.0,
                std::cmp::Ordering::Greater => 1.0,
            };
            d += w[i] * w[j] * (a[i] - a[j]) * s;
        }
    }
    d / (2.0 * total_w * total_a)
}

/// Incomes on a coarse grid (many ties), a transfer that favours the poor with ties of its
/// own, another income source, and uneven weights.
fn households(n: usize, seed: u64) -> (Vec<f64>, Vec<f64>, Vec<f64>, Vec<f64>) {
    let mut rng = Rng(seed);
    let mut y = Vec::new();
    let mut t = Vec::new();
    let mut s = Vec::new();
    let mut w = Vec::new();
    for _ in 0..n {
        let before = (10.0 * (1.0 + rng.normal() * 0.6).exp()).round();
        let transfer = if before < 12.0 && rng.uniform() < 0.7 {
            3.0
        } else if rng.uniform() < 0.1 {
            1.5
        } else {
            0.0
        };
        let other = (rng.uniform() * 4.0).round();
        y.push(before + transfer + other);
        t.push(transfer);
        s.push(other);
        w.push(1.0 + (rng.uniform() * 5.0).floor());
    }
    (y, t, s, w)
}

/// The income other than `t` and `s`: `y − t − s`.
fn rest_of(y: &[f64], t: &[f64], s: &[f64]) -> Vec<f64> {
    y.iter()
        .zip(t)
        .zip(s)
        .map(|((y, t), s)| y - t - s)
        .collect()
}

fn value(terms: &[Measure], name: &str, sample: &SortedSample) -> f64 {
    terms
        .iter()
        .find(|m| m.name() == name)
        .unwrap_or_else(|| panic!("no term {name}"))
        .estimator()
        .value(sample, &Options::default())
        .unwrap()
}

#[test]
fn concentration_and_gini_correlation_equal_the_double_sums_with_weights_and_ties() {
    for seed in [1, 2, 3] {
        let (y, t, s, w) = households(300, seed);
        let before = rest_of(&y, &t, &s);
        let sample = SortedSample::with_components(
            y.clone(),
            Some(w.clone()),
            vec![("t".into(), t.clone()), ("s".into(), s.clone())],
        )
        .unwrap();
        let cases = [
            (Income::Component(0), Income::Total, &t, &y),
            (Income::Component(1), Income::Total, &s, &y),
            (Income::Component(0), Income::Component(0), &t, &t),
            (Income::Total, Income::Before, &y, &before),
            (Income::Component(0), Income::Before, &t, &before),
            (Income::Before, Income::Before, &before, &before),
        ];
        for (a, r, a_col, r_col) in cases {
            let ours = concentration(&sample, a, r).unwrap();
            let brute = brute_concentration(a_col, r_col, &w);
            assert!(
                (ours - brute).abs() < common::PEER,
                "C({a:?} | {r:?}) seed {seed}: {ours} against {brute}"
            );
        }
        // The Gini correlation R = C(t | y) / G(t), both from the double sums.
        let terms = transfer_terms(&["t".into()], &[]);
        let r = brute_concentration(&t, &y, &w) / brute_concentration(&t, &t, &w);
        assert!((value(&terms, "gini_corr(t)", &sample) - r).abs() < common::PEER);
    }
}

/// Shapley contributions of sources (Shorrocks 2013), by the definition: every coalition's
/// income built column by column, its Gini by the O(n²) double sum, the marginal
/// contributions weighted by |S|!(K − |S| − 1)!/K! — zero replacement (sources outside the
/// coalition set to 0) and mean replacement (set to their weighted means). Hand-checked for
/// two sources: the zero-replacement value of a is ½·G(a) + ½·(G(y) − G(b)).
#[test]
fn shapley_contributions_of_sources_equal_the_coalition_definition() {
    let (y, t, s, w) = households(250, 4);
    let rest = rest_of(&y, &t, &s);
    let columns = [t, s, rest];
    let names: Vec<String> = ["t", "s", "rest"].map(String::from).to_vec();
    let sample = SortedSample::with_components(
        y.clone(),
        Some(w.clone()),
        names.iter().cloned().zip(columns.iter().cloned()).collect(),
    )
    .unwrap();
    let terms = source_terms_of(&names);
    let total_w: f64 = w.iter().sum();
    let means: Vec<f64> = columns
        .iter()
        .map(|c| c.iter().zip(&w).map(|(a, w)| a * w).sum::<f64>() / total_w)
        .collect();
    let coalition_gini = |mask: usize, mean: bool| -> f64 {
        if mask == 0 {
            return 0.0;
        }
        let income: Vec<f64> = (0..y.len())
            .map(|i| {
                (0..3)
                    .map(|k| {
                        if mask >> k & 1 == 1 {
                            columns[k][i]
                        } else if mean {
                            means[k]
                        } else {
                            0.0
                        }
                    })
                    .sum()
            })
            .collect();
        brute_concentration(&income, &income, &w)
    };
    let g = brute_concentration(&y, &y, &w);
    let fact = |n: usize| (1..=n).product::<usize>() as f64;
    for mean in [false, true] {
        let mut sum = 0.0;
        for (k, name) in names.iter().enumerate() {
            let mut phi = 0.0;
            for mask in 0..8usize {
                if mask >> k & 1 == 1 {
                    continue;
                }
                let size = mask.count_ones() as usize;
                let weight = fact(size) * fact(3 - size - 1) / fact(3);
                phi += weight * (coalition_gini(mask | 1 << k, mean) - coalition_gini(mask, mean));
            }
            let label = if mean { "shapley_mean" } else { "shapley_zero" };
            let ours = value(&terms, &format!("{label}({name})"), &sample);
            assert!(
                (ours - phi / g).abs() < common::PEER,
                "{label}({name}): {ours} against {}",
                phi / g
            );
            sum += ours;
        }
        assert!((sum - 1.0).abs() < common::PEER, "mean {mean}: {sum}");
    }
    // Two sources by hand.
    let two = SortedSample::with_components(
        vec![3.0, 5.0, 4.0, 8.0],
        None,
        vec![
            ("a".into(), vec![1.0, 4.0, 2.0, 5.0]),
            ("b".into(), vec![2.0, 1.0, 2.0, 3.0]),
        ],
    )
    .unwrap();
    let terms2 = source_terms_of(&["a".into(), "b".into()]);
    let unit = [1.0; 4];
    let (ga, gb, gy) = (
        brute_concentration(&[1.0, 4.0, 2.0, 5.0], &[1.0, 4.0, 2.0, 5.0], &unit),
        brute_concentration(&[2.0, 1.0, 2.0, 3.0], &[2.0, 1.0, 2.0, 3.0], &unit),
        brute_concentration(&[3.0, 5.0, 4.0, 8.0], &[3.0, 5.0, 4.0, 8.0], &unit),
    );
    let a = value(&terms2, "shapley_zero(a)", &two) * gy;
    assert!((a - (0.5 * ga + 0.5 * (gy - gb))).abs() < 1e-14, "{a}");
}

#[test]
fn the_contributions_of_sources_that_add_up_sum_to_one_and_rebuild_the_gini() {
    let (y, t, s, w) = households(2_000, 9);
    let rest = rest_of(&y, &t, &s);
    let sample = SortedSample::with_components(
        y.clone(),
        Some(w.clone()),
        vec![("t".into(), t), ("s".into(), s), ("rest".into(), rest)],
    )
    .unwrap();
    let names: Vec<String> = ["t", "s", "rest"].map(String::from).to_vec();
    let terms = source_terms_of(&names);
    let g = gini(
        &SortedSample::new(&y, Some(&w)).unwrap(),
        GiniConvention::Midpoint,
    )
    .unwrap();
    assert!((value(&terms, "gini", &sample) - g).abs() < 1e-14);
    let mut sum_contribution = 0.0;
    let mut rebuilt = 0.0;
    for n in &names {
        sum_contribution += value(&terms, &format!("contribution({n})"), &sample);
        rebuilt += value(&terms, &format!("share({n})"), &sample)
            * value(&terms, &format!("gini_corr({n})"), &sample)
            * value(&terms, &format!("gini({n})"), &sample);
        // The elasticity is the contribution less the share.
        let e = value(&terms, &format!("elasticity({n})"), &sample);
        let c = value(&terms, &format!("contribution({n})"), &sample);
        let sh = value(&terms, &format!("share({n})"), &sample);
        assert!((e - (c - sh)).abs() < 1e-15);
    }
    assert!(
        (sum_contribution - 1.0).abs() < common::PEER,
        "{sum_contribution}"
    );
    assert!(
        (rebuilt - g).abs() < common::PEER,
        "S·R·G summed {rebuilt}, Gini {g}"
    );
}

#[test]
fn marginal_contributions_are_differences_of_ginis_computed_on_their_own() {
    let (y, t, _, w) = households(1_000, 4);
    let sample =
        SortedSample::with_components(y.clone(), Some(w.clone()), vec![("t".into(), t.clone())])
            .unwrap();
    let g = |x: Vec<f64>| {
        gini(
            &SortedSample::new(&x, Some(&w)).unwrap(),
            GiniConvention::Midpoint,
        )
        .unwrap()
    };
    let m: Vec<f64> = y.iter().zip(&t).map(|(y, t)| y - t).collect();
    let g_y = g(y.clone());
    let g_m = g(m.clone());
    let terms = transfer_terms(&["t".into()], &[Measure::parse("theil").unwrap()]);
    // One transfer: the income without it is the income before transfers.
    assert!((value(&terms, "mc_gini(t)", &sample) - (g_m - g_y)).abs() < 1e-14);
    assert!((value(&terms, "mc_before_gini(t)", &sample) - (g_m - g_y)).abs() < 1e-14);
    assert!((value(&terms, "redistributive_effect", &sample) - (g_m - g_y)).abs() < 1e-14);
    // RS − reranking = the redistributive effect.
    let rs = value(&terms, "reynolds_smolensky", &sample);
    let rr = value(&terms, "reranking", &sample);
    assert!((rs - rr - (g_m - g_y)).abs() < 1e-14);
    assert!(rr >= -1e-15, "reranking is never negative: {rr}");
    // Kakwani against the double sums: G(m) − C(t | m).
    let k = brute_concentration(&m, &m, &w) - brute_concentration(&t, &m, &w);
    assert!((value(&terms, "kakwani(t)", &sample) - k).abs() < common::PEER);
    // Theil's marginal contribution from two Theil indices computed on their own.
    let theil = Measure::parse("theil").unwrap();
    let th = |x: &[f64]| {
        theil
            .evaluate(
                &SortedSample::new(x, Some(&w)).unwrap(),
                &Options::default(),
            )
            .unwrap()
            .value
    };
    let mc_theil = th(&m) - th(&y);
    let name = format!("mc_{}(t)", theil.name());
    assert!((value(&terms, &name, &sample) - mc_theil).abs() < 1e-13);
}

/// `(θ(w + h eₖ) − θ(w − h eₖ)) / 2h` against `zₖ` for every term, at a few observations.
#[test]
fn influence_values_are_the_derivatives_of_the_terms() {
    let (y, t, s, w) = households(120, 5);
    let comps = vec![("t".into(), t.clone()), ("s".into(), s.clone())];
    let terms = transfer_terms(
        &["t".into(), "s".into()],
        &[
            Measure::parse("theil").unwrap(),
            Measure::parse("mean").unwrap(),
        ],
    );
    // The source terms too (Lerman–Yitzhaki and both Shapley values): y = t + s + rest.
    let rest = rest_of(&y, &t, &s);
    let source_comps = vec![
        ("t".into(), t.clone()),
        ("s".into(), s.clone()),
        ("rest".into(), rest),
    ];
    let source_terms = source_terms_of(&["t".into(), "s".into(), "rest".into()]);
    let options = Options::default();
    // Sorted position of input row i: the sample sorts y with ties in input order.
    let mut order: Vec<usize> = (0..y.len()).collect();
    order.sort_by(|&a, &b| y[a].total_cmp(&y[b]));
    let cases = terms
        .iter()
        .map(|t| (t, &comps))
        .chain(source_terms.iter().map(|t| (t, &source_comps)));
    for (term, comps) in cases {
        let sample =
            SortedSample::with_components(y.clone(), Some(w.clone()), comps.clone()).unwrap();
        let z = term.estimator().influence(&sample, &options).unwrap();
        for (pos, &row) in order.iter().enumerate().step_by(17) {
            let at = |h: f64| {
                let mut w2 = w.clone();
                w2[row] += h;
                let s2 = SortedSample::with_components(y.clone(), Some(w2), comps.clone()).unwrap();
                term.estimator().value(&s2, &options).unwrap()
            };
            let h = 1e-4;
            let numeric = (at(h) - at(-h)) / (2.0 * h);
            assert!(
                (numeric - z[pos]).abs() < 1e-7 * (1.0 + z[pos].abs()),
                "{}: row {row}: numeric {numeric}, influence {}",
                term.name(),
                z[pos]
            );
        }
    }
}

/// Samples of 1,500 from a fixed population of 200,000; the 95 % linearized interval of the
/// transfer's marginal contribution to the Gini should cover the population's value in 93–97 %
/// of 400 samples.
#[test]
fn linearized_intervals_of_a_marginal_contribution_cover_the_population_value() {
    let (y, t, _, _) = households(200_000, 77);
    let terms = transfer_terms(&["t".into()], &[]);
    let mc = terms
        .iter()
        .find(|m| m.name() == "mc_gini(t)")
        .unwrap()
        .clone();
    let kakwani = terms
        .iter()
        .find(|m| m.name() == "kakwani(t)")
        .unwrap()
        .clone();
    let population =
        SortedSample::with_components(y.clone(), None, vec![("t".into(), t.clone())]).unwrap();
    let truth = [mc.clone(), kakwani.clone()].map(|m| {
        m.estimator()
            .value(&population, &Options::default())
            .unwrap()
    });
    let n = 1_500;
    let design = Design::simple(n);
    let psu: Vec<u32> = (0..n as u32).collect();
    let mut rng = Rng(2024);
    let mut covered = [0usize; 2];
    let samples = 400;
    for _ in 0..samples {
        let rows: Vec<usize> = (0..n)
            .map(|_| (rng.next_u64() % y.len() as u64) as usize)
            .collect();
        let ys: Vec<f64> = rows.iter().map(|&i| y[i]).collect();
        let ts: Vec<f64> = rows.iter().map(|&i| t[i]).collect();
        let s = SortedSample::with_components(ys, None, vec![("t".into(), ts)]).unwrap();
        let ds = DesignedSample {
            sample: &s,
            psu: &psu,
            design: &design,
            persons: n as f64,
        };
        let r = estimate(
            &ds,
            &Variance::Linearization,
            &[mc.clone(), kakwani.clone()],
            &Options::default(),
            0.95,
            Interval::Normal,
            &|| true,
        )
        .unwrap();
        for (k, e) in r.iter().enumerate() {
            if e.inference.ci_lower <= truth[k] && truth[k] <= e.inference.ci_upper {
                covered[k] += 1;
            }
        }
    }
    for (k, name) in ["mc_gini", "kakwani"].iter().enumerate() {
        let rate = covered[k] as f64 / samples as f64;
        assert!(
            (0.93..=0.97).contains(&rate),
            "{name}: coverage {rate} over {samples} samples"
        );
    }
}
