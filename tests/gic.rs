//! The growth incidence curve: its quantiles are `gini compute`'s quantiles of each round, its
//! bottom-40 % mean growth is the growth of share_bottom40 × mean / 0.4, its intervals cover
//! the true growth of two log-normal populations in a Monte Carlo (coverage reported), and
//! bad settings are named.

mod common;

use ginikit::measure::Options;
use ginikit::table::gic::{gic, gic_measures};
use ginikit::table::survey::{SeMethod, SurveySpec};
use ginikit::table::trend::estimate_rounds;
use ginikit::table::{frame, from_frame, ColumnData, TableSpec};

const A: &str = "datasets/susenas-synthetic/2017-09.parquet";
const B: &str = "datasets/susenas-synthetic/2018-09.parquet";
const DESIGN: [&str; 10] = [
    "--value",
    "expenditure_per_capita",
    "--weight",
    "weight",
    "--size",
    "household_size",
    "--strata",
    "stratum",
    "--psu",
    "psu",
];

fn run(args: &[&str]) -> String {
    let out = common::gini_command().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).to_string()
}

/// CSV rows as maps.
fn rows(text: &str) -> Vec<std::collections::HashMap<String, String>> {
    let mut lines = text.lines();
    let header: Vec<String> = lines.next().unwrap().split(',').map(String::from).collect();
    lines
        .map(|l| {
            header
                .iter()
                .cloned()
                .zip(l.split(',').map(String::from))
                .collect()
        })
        .collect()
}

#[test]
fn quantiles_and_the_bottom40_mean_are_those_of_gini_compute() {
    let mut args = vec![
        "gic",
        A,
        B,
        "--points",
        "0.1,0.5,0.9",
        "--deflator",
        "1.0288",
        "--format",
        "csv",
    ];
    args.extend(DESIGN);
    let curve = rows(&run(&args));
    let compute = |file: &str| {
        let mut a = vec![
            "compute",
            file,
            "--measures",
            "quantile_0.1,quantile_0.5,quantile_0.9,share_bottom40,mean",
            "--format",
            "csv",
        ];
        a.extend(&DESIGN[..6]);
        rows(&run(&a))
    };
    let (ra, rb) = (compute(A), compute(B));
    let value = |r: &[std::collections::HashMap<String, String>], m: &str| -> f64 {
        r.iter().find(|x| x["measure"] == m).unwrap()["estimate"]
            .parse()
            .unwrap()
    };
    for p in ["0.1", "0.5", "0.9"] {
        let row = curve
            .iter()
            .find(|r| r["statistic"] == format!("quantile_{p}"))
            .unwrap();
        let (qa, qb) = (
            value(&ra, &format!("quantile_{p}")),
            value(&rb, &format!("quantile_{p}")),
        );
        assert_eq!(row["value_from"].parse::<f64>().unwrap(), qa);
        assert_eq!(row["value_to"].parse::<f64>().unwrap(), qb);
        let g: f64 = row["growth"].parse().unwrap();
        assert!((g - (qb / (1.0288 * qa) - 1.0)).abs() < 1e-15);
    }
    let b40 = curve
        .iter()
        .find(|r| r["statistic"] == "mean_bottom40")
        .unwrap();
    let m = |r: &[std::collections::HashMap<String, String>]| {
        value(r, "share_bottom40") * value(r, "mean") / 0.4
    };
    let g: f64 = b40["growth"].parse().unwrap();
    let expected = m(&rb) / (1.0288 * m(&ra)) - 1.0;
    assert!((g - expected).abs() < 1e-13, "{g} vs {expected}");
    // The premium is the difference of the two growths.
    let premium: f64 = curve.iter().find(|r| r["statistic"] == "premium").unwrap()["growth"]
        .parse()
        .unwrap();
    let mean_g: f64 = curve.iter().find(|r| r["statistic"] == "mean").unwrap()["growth"]
        .parse()
        .unwrap();
    assert!((premium - (g - mean_g)).abs() < 1e-14);
}

/// Standard normal distribution function (Abramowitz & Stegun 7.1.26, error below 1.5e-7).
fn phi(x: f64) -> f64 {
    let z = x.abs() / std::f64::consts::SQRT_2;
    let t = 1.0 / (1.0 + 0.3275911 * z);
    let poly = t
        * (0.254829592
            + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
    let erf = 1.0 - poly * (-z * z).exp();
    0.5 * (1.0 + if x >= 0.0 { erf } else { -erf })
}

#[test]
fn intervals_cover_the_true_growth_of_two_lognormal_populations() {
    // Round 1 ~ LN(13, 0.6), round 2 ~ LN(13.05, 0.55): known quantiles, mean and bottom-40 %
    // mean (E[X; X ≤ q₀.₄]/0.4 = e^{μ+σ²/2} Φ(z₀.₄ − σ)/0.4). 300 pairs of simple random
    // samples of 2,000 persons each; linearized 95 % intervals.
    let (mu, sigma): ([f64; 2], [f64; 2]) = ([13.0, 13.05], [0.6, 0.55]);
    let z = [
        (0.1, -1.2815515655446004),
        (0.5, 0.0),
        (0.9, 1.2815515655446004),
    ];
    let z40 = -0.2533471031357997;
    let mean = |r: usize| (mu[r] + sigma[r] * sigma[r] / 2.0).exp();
    let b40 = |r: usize| mean(r) * phi(z40 - sigma[r]) / 0.4;
    let truth: Vec<f64> = z
        .iter()
        .map(|&(_, zp)| ((mu[1] + sigma[1] * zp) - (mu[0] + sigma[0] * zp)).exp() - 1.0)
        .chain([mean(1) / mean(0) - 1.0, b40(1) / b40(0) - 1.0])
        .chain([b40(1) / b40(0) - mean(1) / mean(0)])
        .collect();
    let points: Vec<f64> = z.iter().map(|&(p, _)| p).collect();
    let measures = gic_measures(&points).unwrap();
    let survey = SurveySpec {
        method: SeMethod::Linearization,
        strata: None,
        psu: None,
        fpc: None,
        nested: false,
        lonely: Default::default(),
        level: 0.95,
        interval: Default::default(),
    };
    let spec = TableSpec {
        value: "x".into(),
        ..TableSpec::default()
    };
    let mut rng = common::Rng(20180901);
    let mut normal = move || {
        let (u, v) = (rng.uniform(), rng.uniform());
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    };
    let reps = 300;
    let mut covered = vec![0usize; truth.len()];
    for _ in 0..reps {
        let mut rounds = Vec::new();
        for r in 0..2 {
            let x: Vec<f64> = (0..2000)
                .map(|_| (mu[r] + sigma[r] * normal()).exp())
                .collect();
            let df = frame(&[("x", ColumnData::Float(&x))]).unwrap();
            let table = from_frame(&df, "sample", &spec).unwrap();
            rounds.extend(
                estimate_rounds(
                    &table,
                    false,
                    &format!("r{r}"),
                    &survey,
                    &measures,
                    &Options::default(),
                    &|| true,
                )
                .unwrap(),
            );
        }
        let c = &gic(&rounds[0], &rounds[1], &points, 1.0, 0.95).unwrap()[0];
        let all: Vec<_> = c
            .points
            .iter()
            .chain([&c.mean, &c.bottom40, &c.premium])
            .collect();
        for (k, g) in all.iter().enumerate() {
            if g.growth.ci_lower <= truth[k] && truth[k] <= g.growth.ci_upper {
                covered[k] += 1;
            }
        }
    }
    let names = ["q0.1", "q0.5", "q0.9", "mean", "bottom40 mean", "premium"];
    for (name, c) in names.iter().zip(&covered) {
        let coverage = *c as f64 / reps as f64;
        println!("coverage {name}: {coverage:.3}");
        // 300 replications: a true 95 % coverage lies in [0.92, 0.975] with about 98 %
        // probability.
        assert!(
            (0.915..=0.98).contains(&coverage),
            "{name}: coverage {coverage}"
        );
    }
}

#[test]
fn bad_settings_are_named() {
    let out = common::gini_command()
        .args([
            "gic",
            A,
            B,
            "--value",
            "expenditure_per_capita",
            "--deflator",
            "0",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("deflator"));
    let out = common::gini_command()
        .args([
            "gic",
            A,
            B,
            "--value",
            "expenditure_per_capita",
            "--points",
            "0.5,1.5",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--points 1.5"));
    let out = common::gini_command()
        .args(["gic", A, "--value", "expenditure_per_capita"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
