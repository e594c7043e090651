//! Standard errors against R survey / convey and published formulas
//! (tests/golden/microdata.csv rows `tiny-*`, `ineq-x10-*`, `ineqpy-gini-jkse-obs`).

mod common;

use ginikit::error::Location;
use ginikit::measure::gini::GiniConvention;
use ginikit::measure::{Measure, Options};
use ginikit::survey::design::{Design, DesignCodes, LonelyPsu};
use ginikit::survey::replicate::{ReplicateMethod, Replicates};
use ginikit::survey::{estimate, DesignedSample, Interval, Variance};
use ginikit::SortedSample;
use std::collections::HashMap;

fn rows() -> Vec<HashMap<String, String>> {
    common::read_csv(&common::repo_path("tests/golden/microdata.csv").to_string_lossy())
}

fn expected(id: &str) -> (f64, f64) {
    let r = rows()
        .into_iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("row {id}"));
    (
        r["expected"].parse().unwrap(),
        r["tolerance"].parse().unwrap(),
    )
}

struct Case {
    sample: SortedSample,
    psu_sorted: Vec<u32>,
    design: Design,
    n: usize,
}

/// The tiny 4-stratum, 2-PSU design: group column `stratum:psu`, PSU ids global 1..8.
fn tiny() -> Case {
    let r = rows()
        .into_iter()
        .find(|r| r["id"] == "tiny-gini-mid-se-lin")
        .unwrap();
    let x = common::numbers(&r["x"]);
    let w = common::numbers(&r["w"]);
    let (strata, psu): (Vec<u32>, Vec<u32>) = r["group"]
        .split(';')
        .map(|g| {
            let (h, p) = g.split_once(':').unwrap();
            (h.parse::<u32>().unwrap() - 1, p.parse::<u32>().unwrap() - 1)
        })
        .unzip();
    designed(x, Some(w), Some(&strata), Some(&psu))
}

fn designed(x: Vec<f64>, w: Option<Vec<f64>>, strata: Option<&[u32]>, psu: Option<&[u32]>) -> Case {
    let n = x.len();
    let codes = DesignCodes {
        strata,
        psu,
        fpc: None,
        nested: false,
        rows: None,
    };
    let (design, psu_of_obs) =
        Design::from_codes(n, codes, LonelyPsu::Error, &|_| Location::Argument("test")).unwrap();
    let sample = SortedSample::with_labels(x, w, (0..n as u32).collect()).unwrap();
    let psu_sorted = sample
        .labels()
        .unwrap()
        .iter()
        .map(|&i| psu_of_obs[i as usize])
        .collect();
    Case {
        sample,
        psu_sorted,
        design,
        n,
    }
}

fn se(case: &Case, variance: Variance<'_>, convention: GiniConvention) -> f64 {
    let ds = DesignedSample {
        sample: &case.sample,
        psu: &case.psu_sorted,
        design: &case.design,
        persons: case.n as f64,
    };
    let options = Options {
        gini: convention,
        ..Options::default()
    };
    estimate(
        &ds,
        &variance,
        &[Measure::parse("gini").unwrap()],
        &options,
        0.95,
        Interval::Normal,
        &|| true,
    )
    .unwrap()[0]
        .inference
        .se
}

fn check(id: &str, got: f64) {
    let (want, tol) = expected(id);
    assert!(
        (got - want).abs() <= tol * want.abs(),
        "{id}: got {got:.17}, expected {want:.17} (rel. tol {tol})"
    );
}

#[test]
fn midpoint_gini_ses_match_r_survey_replicates_and_linearization() {
    let c = tiny();
    let mid = GiniConvention::Midpoint;
    check("tiny-gini-mid-se-lin", se(&c, Variance::Linearization, mid));
    let jk = Replicates::new(ReplicateMethod::Jackknife, &c.design).unwrap();
    check(
        "tiny-gini-mid-se-JKn",
        se(&c, Variance::Replicates(&jk), mid),
    );
    let brr = Replicates::new(ReplicateMethod::Brr, &c.design).unwrap();
    assert_eq!(
        brr.count(),
        8,
        "R survey uses 8 BRR replicates for 4 strata"
    );
    check(
        "tiny-gini-mid-se-BRR",
        se(&c, Variance::Replicates(&brr), mid),
    );
    let fay = Replicates::new(ReplicateMethod::Fay { rho: 0.5 }, &c.design).unwrap();
    check(
        "tiny-gini-mid-se-Fay",
        se(&c, Variance::Replicates(&fay), mid),
    );
}

#[test]
fn convey_gini_ses_match_r_convey() {
    let c = tiny();
    let cv = GiniConvention::ConveyCumulative;
    check("tiny-gini-se-lin", se(&c, Variance::Linearization, cv));
    let jk = Replicates::new(ReplicateMethod::Jackknife, &c.design).unwrap();
    check("tiny-gini-se-JKn", se(&c, Variance::Replicates(&jk), cv));
    let brr = Replicates::new(ReplicateMethod::Brr, &c.design).unwrap();
    check("tiny-gini-se-BRR", se(&c, Variance::Replicates(&brr), cv));
    let fay = Replicates::new(ReplicateMethod::Fay { rho: 0.5 }, &c.design).unwrap();
    check("tiny-gini-se-Fay", se(&c, Variance::Replicates(&fay), cv));
}

fn x10(id: &str) -> (Vec<f64>, Vec<f64>) {
    let r = rows().into_iter().find(|r| r["id"] == id).unwrap();
    (common::numbers(&r["x"]), common::numbers(&r["w"]))
}

#[test]
fn simple_sample_jackknife_matches_brute_force_leave_one_out() {
    // ineq's example vector, unweighted: JKn with each row its own PSU is the delete-1 jackknife.
    let (x, _) = x10("ineq-x10-jkse");
    let c = designed(x, None, None, None);
    let jk = Replicates::new(ReplicateMethod::Jackknife, &c.design).unwrap();
    check(
        "ineq-x10-jkse",
        se(&c, Variance::Replicates(&jk), GiniConvention::Midpoint),
    );
    // Weighted: the Gini is invariant to rescaling the other weights, so JKn equals Stata
    // fastgini's delete-one-observation jackknife.
    let (x, w) = x10("ineqpy-gini-jkse-obs");
    let c = designed(x, Some(w), None, None);
    let jk = Replicates::new(ReplicateMethod::Jackknife, &c.design).unwrap();
    check(
        "ineqpy-gini-jkse-obs",
        se(&c, Variance::Replicates(&jk), GiniConvention::Midpoint),
    );
}

#[test]
fn simple_sample_linearization_matches_gini_var_ci() {
    // giniVarCI igini(bias.correction = FALSE): V = Σ(z − z̄)²/(n(n − 1)), the variance.
    let (x, _) = x10("ineq-x10-linvar");
    let c = designed(x, None, None, None);
    let s = se(&c, Variance::Linearization, GiniConvention::Midpoint);
    check("ineq-x10-linvar", s * s);
}
