//! Decompositions: the GE split's identity and PySAL's TheilD; Dagum's terms against the
//! O(n²) pairwise definition and the Gini; Mookherjee–Shorrocks on a two-group example worked
//! by hand, with the residual shrinking as the change shrinks; the command's rules.

mod common;

use ginikit::decompose::{dagum, ge_split, ms_change};
use ginikit::measure::Options;
use ginikit::{Measure, SortedSample};

/// A pooled sample with group ids in sorted order.
fn pooled(x: &[f64], w: &[f64], g: &[u32]) -> (SortedSample, Vec<u32>) {
    let s = SortedSample::with_labels(x.to_vec(), Some(w.to_vec()), g.to_vec()).unwrap();
    let ids = s.labels().unwrap().to_vec();
    (s, ids)
}

fn generated(n: usize, k: u32, seed: u64) -> (Vec<f64>, Vec<f64>, Vec<u32>) {
    let mut rng = common::Rng(seed);
    let g: Vec<u32> = (0..n)
        .map(|_| (rng.next_u64() % u64::from(k)) as u32)
        .collect();
    let x: Vec<f64> = g
        .iter()
        .map(|&g| rng.income() * (1.0 + f64::from(g)))
        .collect();
    let w: Vec<f64> = (0..n).map(|_| 1.0 + (rng.next_u64() % 9) as f64).collect();
    (x, w, g)
}

#[test]
fn ge_within_plus_between_is_the_total_for_every_alpha() {
    let (x, w, g) = generated(5000, 5, 7);
    let (s, ids) = pooled(&x, &w, &g);
    for alpha in [-1.0, 0.0, 0.5, 1.0, 2.0] {
        let split = ge_split(&s, &ids, alpha).unwrap();
        let whole = Measure::parse(&format!("ge_{alpha}"))
            .unwrap()
            .evaluate(&s, &Options::default())
            .unwrap()
            .value;
        assert!(
            ((split.within + split.between) - whole).abs() < common::PEER * whole,
            "α = {alpha}"
        );
        assert!(
            (split.total - whole).abs() < common::PEER * whole,
            "α = {alpha}"
        );
        let sum: f64 = split.groups.iter().map(|t| t.within).sum();
        assert!((sum - split.within).abs() < 1e-14);
    }
}

#[test]
fn theil_split_equals_pysal_theild() {
    // tests/golden/theil_split.csv: PySAL inequality 1.2 TheilD on the unweighted incomes of
    // tests/golden/relative_poverty_data.csv by region (tests/golden/theil_split.py).
    let golden =
        common::read_csv(&common::repo_path("tests/golden/theil_split.csv").to_string_lossy());
    let rows = common::read_csv(
        &common::repo_path("tests/golden/relative_poverty_data.csv").to_string_lossy(),
    );
    let x: Vec<f64> = rows.iter().map(|r| r["income"].parse().unwrap()).collect();
    let mut names: Vec<String> = Vec::new();
    let g: Vec<u32> = rows
        .iter()
        .map(|r| match names.iter().position(|n| *n == r["region"]) {
            Some(i) => i as u32,
            None => {
                names.push(r["region"].clone());
                (names.len() - 1) as u32
            }
        })
        .collect();
    let (s, ids) = pooled(&x, &vec![1.0; x.len()], &g);
    let split = ge_split(&s, &ids, 1.0).unwrap();
    for r in golden {
        let want: f64 = r["expected"].parse().unwrap();
        let got = match r["component"].as_str() {
            "total" => split.total,
            "between" => split.between,
            _ => split.within,
        };
        assert!(
            ((got - want) / want).abs() < common::PEER,
            "{}: {got} vs PySAL {want}",
            r["component"]
        );
    }
}

#[test]
fn dagum_terms_equal_the_pairwise_definition_and_sum_to_the_gini() {
    let (x, w, g) = generated(300, 3, 11);
    let (s, ids) = pooled(&x, &w, &g);
    let d = dagum(&s, &ids).unwrap();
    // O(n²) by the definitions: G_jh = Σᵢ Σᵣ wᵢwᵣ|xᵢ − yᵣ| / (N_j N_h (μ_j + μ_h)),
    // G_jj = Σ|·| / (2 N_j² μ_j); d_jh over pairs with the richer group's value above.
    let k = 3;
    let n: Vec<f64> = (0..k)
        .map(|j| (0..x.len()).filter(|&i| g[i] == j).map(|i| w[i]).sum())
        .collect();
    let tot: Vec<f64> = (0..k)
        .map(|j| {
            (0..x.len())
                .filter(|&i| g[i] == j)
                .map(|i| w[i] * x[i])
                .sum()
        })
        .collect();
    let (n_all, s_all): (f64, f64) = (n.iter().sum(), tot.iter().sum());
    let mu: Vec<f64> = (0..k as usize).map(|j| tot[j] / n[j]).collect();
    let pair = |j: u32, h: u32| -> (f64, f64) {
        // (Σ over x∈j above y∈h of (x − y), Σ over y∈h above x∈j of (y − x)), weighted.
        let (mut up, mut down) = (0.0, 0.0);
        for a in 0..x.len() {
            if g[a] != j {
                continue;
            }
            for b in 0..x.len() {
                if g[b] != h {
                    continue;
                }
                let diff = x[a] - x[b];
                if diff > 0.0 {
                    up += w[a] * w[b] * diff
                } else {
                    down -= w[a] * w[b] * diff
                }
            }
        }
        (up, down)
    };
    let (mut gw, mut gnb, mut gt) = (0.0, 0.0, 0.0);
    for j in 0..k {
        let (up, down) = pair(j, j);
        let jj = j as usize;
        gw += (up + down) / (2.0 * n[jj] * n[jj] * mu[jj]) * (n[jj] / n_all) * (tot[jj] / s_all);
        for h in 0..j {
            let hh = h as usize;
            let (up, down) = pair(j, h);
            let g_jh = (up + down) / (n[jj] * n[hh] * (mu[jj] + mu[hh]));
            let (dd, pp) = if mu[jj] >= mu[hh] {
                (up, down)
            } else {
                (down, up)
            };
            let affluence = (dd - pp) / (dd + pp);
            let gross = g_jh * (n[jj] / n_all * tot[hh] / s_all + n[hh] / n_all * tot[jj] / s_all);
            gnb += gross * affluence;
            gt += gross * (1.0 - affluence);
        }
    }
    for (name, got, want) in [
        ("within", d.within, gw),
        ("net between", d.net_between, gnb),
        ("transvariation", d.transvariation, gt),
    ] {
        assert!(
            (got - want).abs() < common::PEER,
            "{name}: {got} vs brute force {want}"
        );
    }
    let gini = Measure::parse("gini")
        .unwrap()
        .evaluate(&s, &Options::default())
        .unwrap()
        .value;
    assert!(
        (d.within + d.net_between + d.transvariation - gini).abs() < common::PEER,
        "{:?} vs {gini}",
        d
    );
    assert!((d.gini - gini).abs() < common::PEER);
}

/// MLD of weighted values, by its definition.
fn mld(x: &[f64], w: &[f64]) -> f64 {
    let n: f64 = w.iter().sum();
    let mu = x.iter().zip(w).map(|(x, w)| x * w).sum::<f64>() / n;
    -x.iter().zip(w).map(|(x, w)| w * (x / mu).ln()).sum::<f64>() / n
}

#[test]
fn mookherjee_shorrocks_on_a_two_group_example_worked_by_hand() {
    // Round 1: rural {1, 3} (weight 3 each), urban {4, 8} (weight 1 each).
    // Round 2: rural {1.2, 3.2} (weight 2 each), urban {4, 10} (weight 2 each): people move to
    // the towns, rural incomes rise, urban inequality rises.
    let r1 = ([1.0, 3.0, 4.0, 8.0], [3.0, 3.0, 1.0, 1.0]);
    let r2 = ([1.2, 3.2, 4.0, 10.0], [2.0, 2.0, 2.0, 2.0]);
    let g = [0u32, 0, 1, 1];
    let split = |r: &([f64; 4], [f64; 4])| {
        let (s, ids) = pooled(&r.0, &r.1, &g);
        ge_split(&s, &ids, 0.0).unwrap()
    };
    let (a, b) = (split(&r1), split(&r2));
    let c = ms_change(&a, &b).unwrap();
    // By hand. Round 1: N = 8, v = (6/8, 2/8), μ_g = (2, 6), μ = (12 + 12)/8 = 3, λ = (2/3, 2),
    // θ = (1/2, 1/2); I_rural = −½(ln ½ + ln 3/2), I_urban = −½(ln 2/3 + ln 4/3).
    // Round 2: N = 8, v = (½, ½), μ_g = (2.2, 7), μ = 4.6, λ = (2.2/4.6, 7/4.6),
    // θ = (2.2/9.2, 7/9.2); I_rural = −½(ln 1.2/2.2 + ln 3.2/2.2), I_urban = −½(ln 4/7 + ln 10/7).
    let i1 = [mld(&[1.0, 3.0], &[1.0, 1.0]), mld(&[4.0, 8.0], &[1.0, 1.0])];
    let i2 = [
        mld(&[1.2, 3.2], &[1.0, 1.0]),
        mld(&[4.0, 10.0], &[1.0, 1.0]),
    ];
    let (v1, v2): ([f64; 2], [f64; 2]) = ([0.75, 0.25], [0.5, 0.5]);
    let (m1, m2): ([f64; 2], [f64; 2]) = ([2.0, 6.0], [2.2, 7.0]);
    let (l1, l2): ([f64; 2], [f64; 2]) = ([2.0 / 3.0, 2.0], [2.2 / 4.6, 7.0 / 4.6]);
    let (t1, t2): ([f64; 2], [f64; 2]) = ([0.5, 0.5], [2.2 / 9.2, 7.0 / 9.2]);
    let avg = |a: f64, b: f64| (a + b) / 2.0;
    let within: f64 = (0..2).map(|j| avg(v1[j], v2[j]) * (i2[j] - i1[j])).sum();
    let shares: f64 = (0..2)
        .map(|j| {
            (avg(i1[j], i2[j]) - avg(l1[j].ln(), l2[j].ln()) + avg(l1[j], l2[j])) * (v2[j] - v1[j])
        })
        .sum();
    // Mookherjee and Shorrocks' printed form uses Δ ln μ_g; ginikit's per-group term uses
    // Δ ln λ_g, which sums to the same because Σ (θ̄_g − v̄_g) = 0.
    let means: f64 = (0..2)
        .map(|j| (avg(t1[j], t2[j]) - avg(v1[j], v2[j])) * (m2[j].ln() - m1[j].ln()))
        .sum();
    for j in 0..2 {
        let by_hand = (avg(t1[j], t2[j]) - avg(v1[j], v2[j])) * (l2[j].ln() - l1[j].ln());
        assert!((c.groups[j].2 - by_hand).abs() < 1e-14, "group {j}");
    }
    let total = mld(&r2.0, &r2.1) - mld(&r1.0, &r1.1);
    assert!((c.total - total).abs() < 1e-14);
    assert!(
        (c.within - within).abs() < 1e-14,
        "{} vs {within}",
        c.within
    );
    assert!((c.population_shares - shares).abs() < 1e-14);
    assert!((c.relative_means - means).abs() < 1e-14);
    assert!((c.residual - (total - within - shares - means)).abs() < 1e-14);
    // The residual is second order: a tenth of the change leaves about a hundredth of it.
    let mut last = c.residual.abs();
    for t in [0.1, 0.01] {
        let step = |a: f64, b: f64| a + t * (b - a);
        let r: ([f64; 4], [f64; 4]) = (
            std::array::from_fn(|i| step(r1.0[i], r2.0[i])),
            std::array::from_fn(|i| step(r1.1[i], r2.1[i])),
        );
        let small = ms_change(&a, &split(&r)).unwrap();
        assert!(
            small.residual.abs() < last * t * 0.5,
            "t = {t}: {} after {last}",
            small.residual
        );
        last = small.residual.abs();
    }
}

#[test]
fn the_command_refuses_linearization_and_names_missing_groups() {
    let run = |args: &[&str]| common::gini_command().args(args).output().unwrap();
    let a = "datasets/susenas-synthetic/2017-09.parquet";
    let out = run(&[
        "decompose",
        a,
        "--value",
        "expenditure_per_capita",
        "--by",
        "area",
        "--se",
        "linearization",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("replicates"));
    let out = run(&["decompose", a, "--value", "expenditure_per_capita"]);
    assert_eq!(out.status.code(), Some(2));
    let csv = "round,g,x\na,u,1\na,u,2\na,r,3\nb,u,4\nb,u,5\n";
    let f = common::temp_file("rounds.csv", csv.as_bytes());
    let out = run(&[
        "decompose",
        f.path.to_str().unwrap(),
        "--value",
        "x",
        "--by",
        "g",
        "--period",
        "round",
        "--replicates",
        "20",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("group 'r' is missing in round b"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Every term of every decomposition of a scale-invariant index, in aggregate and per group,
/// stays the same when each round's incomes are multiplied by its own factor (a change of
/// currency, or of price level between rounds); a round against the same round scaled has no
/// change in any term. Group means are money and scale with the factor.
#[test]
fn every_decomposition_term_is_unchanged_by_a_change_of_scale() {
    let close = |a: f64, b: f64, what: &str| {
        assert!(
            (a - b).abs() <= 1e-12 * a.abs().max(b.abs()).max(1.0),
            "{what}: {a} vs {b}"
        )
    };
    let terms =
        |g: &ginikit::decompose::GroupTerms| [g.pop_share, g.income_share, g.inequality, g.within];
    let (x1, w1, g1) = generated(3000, 6, 11);
    let (x2, w2, g2) = generated(3000, 6, 12);
    let scaled = |x: &[f64], k: f64| x.iter().map(|v| v * k).collect::<Vec<f64>>();
    for (k1, k2) in [(1.5, 1.5), (1e-3, 7.0), (1024.0, 0.37)] {
        let (a, ida) = pooled(&x1, &w1, &g1);
        let (b, idb) = pooled(&x2, &w2, &g2);
        let (ka, _) = pooled(&scaled(&x1, k1), &w1, &g1);
        let (kb, _) = pooled(&scaled(&x2, k2), &w2, &g2);
        for alpha in [-1.0, 0.0, 0.5, 1.0, 2.0] {
            let (s, t) = (
                ge_split(&a, &ida, alpha).unwrap(),
                ge_split(&ka, &ida, alpha).unwrap(),
            );
            for (name, u, v) in [
                ("total", s.total, t.total),
                ("within", s.within, t.within),
                ("between", s.between, t.between),
            ] {
                close(u, v, &format!("GE({alpha}) {name}, ×{k1}"));
            }
            for (j, (g, h)) in s.groups.iter().zip(&t.groups).enumerate() {
                for (u, v) in terms(g).into_iter().zip(terms(h)) {
                    close(u, v, &format!("GE({alpha}) group {j}, ×{k1}"));
                }
                close(g.mean * k1, h.mean, &format!("GE({alpha}) group {j} mean"));
            }
        }
        let (d, e) = (dagum(&a, &ida).unwrap(), dagum(&ka, &ida).unwrap());
        for (name, u, v) in [
            ("gini", d.gini, e.gini),
            ("within", d.within, e.within),
            ("net between", d.net_between, e.net_between),
            ("transvariation", d.transvariation, e.transvariation),
        ] {
            close(u, v, &format!("Dagum {name}, ×{k1}"));
        }
        for (j, (g, h)) in d.groups.iter().zip(&e.groups).enumerate() {
            for (u, v) in terms(g).into_iter().zip(terms(h)) {
                close(u, v, &format!("Dagum group {j}, ×{k1}"));
            }
        }
        for alpha in [0.0, 1.0] {
            let split = |s: &SortedSample, ids: &[u32]| ge_split(s, ids, alpha).unwrap();
            let plain = ms_change(&split(&a, &ida), &split(&b, &idb)).unwrap();
            let rescaled = ms_change(&split(&ka, &ida), &split(&kb, &idb)).unwrap();
            let aggregate = |c: &ginikit::decompose::MsChange| {
                [
                    c.total,
                    c.within,
                    c.population_shares,
                    c.relative_means,
                    c.residual,
                ]
            };
            for (u, v) in aggregate(&plain).into_iter().zip(aggregate(&rescaled)) {
                close(u, v, &format!("MS GE({alpha}) ×{k1}/×{k2}"));
            }
            for (j, (g, h)) in plain.groups.iter().zip(&rescaled.groups).enumerate() {
                close(g.0, h.0, &format!("MS GE({alpha}) group {j} within"));
                close(
                    g.1,
                    h.1,
                    &format!("MS GE({alpha}) group {j} population shares"),
                );
                close(
                    g.2,
                    h.2,
                    &format!("MS GE({alpha}) group {j} relative means"),
                );
            }
            // A round against itself at another scale: every term is zero.
            let same = ms_change(&split(&a, &ida), &split(&ka, &ida)).unwrap();
            for (j, g) in same.groups.iter().enumerate() {
                for (u, name) in [
                    (g.0, "within"),
                    (g.1, "population shares"),
                    (g.2, "relative means"),
                ] {
                    assert!(
                        u.abs() < common::PEER,
                        "MS GE({alpha}) group {j} {name} after ×{k1}: {u}"
                    );
                }
            }
            assert!(same.total.abs() < common::PEER && same.residual.abs() < common::PEER);
        }
    }
}
