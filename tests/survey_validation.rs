//! Survey inference on generated surveys with a known design (the Susenas-shaped generator:
//! strata = province × area, census blocks of 10 households, intra-block correlation 0.25):
//! linearized and bootstrap standard errors agree, and 95 % intervals cover the population Gini
//! at the nominal rate: 300 small samples in the suite, 1,000 samples of 75,000 households in a
//! slow run ignored by default.

use ginikit::error::Location;
use ginikit::measure::{Measure, Options};
use ginikit::survey::design::{Design, DesignCodes, LonelyPsu};
use ginikit::survey::replicate::{ReplicateMethod, Replicates};
use ginikit::survey::{estimate, DesignedSample, Interval, SurveyEstimate, Variance};
use ginikit::synth::{self, Calibration, Cell};
use ginikit::SortedSample;

fn population(round: &str, gini: f64) -> (Vec<Cell>, Calibration) {
    let cells = synth::cells(round).unwrap();
    let calibration = synth::calibrate(&cells, gini).unwrap();
    (cells, calibration)
}

/// Draws a sample and estimates the Gini with the given variance method.
fn estimate_gini(
    cells: &[Cell],
    c: &Calibration,
    households: usize,
    seed: u64,
    method: Option<ReplicateMethod>,
) -> SurveyEstimate {
    estimate_measure(cells, c, households, seed, method, "gini")
}

/// Draws a sample and estimates `measure` with the given variance method.
fn estimate_measure(
    cells: &[Cell],
    c: &Calibration,
    households: usize,
    seed: u64,
    method: Option<ReplicateMethod>,
    measure: &str,
) -> SurveyEstimate {
    let h = synth::generate("test", cells, c, households, seed).unwrap();
    let p = h.person_level();
    let codes = DesignCodes {
        strata: Some(&p.strata),
        psu: Some(&p.psu),
        fpc: None,
        nested: false,
        rows: None,
    };
    let (design, psu_of_obs) = Design::from_codes(p.values.len(), codes, LonelyPsu::Error, &|_| {
        Location::Argument("test")
    })
    .unwrap();
    let sample = SortedSample::with_labels(p.values, Some(p.weights), psu_of_obs).unwrap();
    let persons = p.persons;
    let ds = DesignedSample {
        sample: &sample,
        psu: sample.labels().unwrap(),
        design: &design,
        persons,
    };
    let reps = method.map(|m| Replicates::new(m, &design).unwrap());
    let variance = match &reps {
        Some(r) => Variance::Replicates(r),
        None => Variance::Linearization,
    };
    estimate(
        &ds,
        &variance,
        &[Measure::parse(measure).unwrap()],
        &Options::default(),
        0.95,
        Interval::Normal,
        &|| true,
    )
    .unwrap()[0]
}

#[test]
fn linearized_and_bootstrap_standard_errors_agree_within_ten_percent() {
    let (cells, c) = population("2017-09", 0.391);
    let lin = estimate_gini(&cells, &c, 13_400, 3, None);
    let boot = estimate_gini(
        &cells,
        &c,
        13_400,
        3,
        Some(ReplicateMethod::Bootstrap {
            replicates: 500,
            seed: 11,
        }),
    );
    assert_eq!(lin.estimate.value, boot.estimate.value);
    let ratio = boot.inference.se / lin.inference.se;
    // 500 replicates estimate an SE to about ±3 % (1/√(2·500)); 10 % is the stated agreement.
    assert!(
        (0.9..=1.1).contains(&ratio),
        "bootstrap {} vs linearized {}",
        boot.inference.se,
        lin.inference.se
    );
    let jk = estimate_gini(&cells, &c, 13_400, 3, Some(ReplicateMethod::Jackknife));
    let ratio = jk.inference.se / lin.inference.se;
    assert!(
        (0.9..=1.1).contains(&ratio),
        "jackknife {} vs linearized {}",
        jk.inference.se,
        lin.inference.se
    );
}

/// The influence functions of the Hoover index (derived in `measure/hoover.rs`) and of the
/// quintile share ratio (R convey's `svyqsr` linearization) give standard errors that agree
/// with the Rao–Wu bootstrap and the delete-one-PSU jackknife on the same design.
#[test]
fn hoover_and_qsr_linearized_standard_errors_agree_with_replicates() {
    let (cells, c) = population("2017-09", 0.391);
    for measure in ["hoover", "qsr"] {
        let lin = estimate_measure(&cells, &c, 13_400, 5, None, measure);
        let boot = estimate_measure(
            &cells,
            &c,
            13_400,
            5,
            Some(ReplicateMethod::Bootstrap {
                replicates: 500,
                seed: 17,
            }),
            measure,
        );
        let jk = estimate_measure(
            &cells,
            &c,
            13_400,
            5,
            Some(ReplicateMethod::Jackknife),
            measure,
        );
        for (name, other) in [("bootstrap", boot), ("jackknife", jk)] {
            let ratio = other.inference.se / lin.inference.se;
            assert!(
                (0.85..=1.15).contains(&ratio),
                "{measure}: {name} {} vs linearized {}",
                other.inference.se,
                lin.inference.se
            );
        }
    }
}

/// The share of `runs` samples of `households` households (seeds from `first_seed`) from the
/// calibrated 2017-09 population whose 95 % linearized interval covers the population Gini.
fn coverage(runs: u64, households: usize, first_seed: u64) -> f64 {
    let (cells, c) = population("2017-09", 0.391);
    let truth = c.achieved_gini;
    let covered = (0..runs)
        .filter(|&seed| {
            let e = estimate_gini(&cells, &c, households, first_seed + seed, None);
            e.inference.ci_lower <= truth && truth <= e.inference.ci_upper
        })
        .count();
    let rate = covered as f64 / runs as f64;
    eprintln!("coverage {covered}/{runs} = {rate:.3} (population Gini {truth:.5})");
    rate
}

/// The quick version of the coverage check below, run with the suite: 300 independent samples
/// of 10,000 households (about 15 census blocks per stratum) from the calibrated 2017-09
/// population; the share of 95 % linearized intervals that cover the population Gini must lie
/// in 0.92–0.98 (±2.4 binomial standard deviations of 300 draws around 0.95). Measured here:
/// 0.943; with 30,000 households 0.950; with 3,000 households (4 blocks per stratum, design
/// effect about 14) only 0.887 — normal intervals of a Gini undercover in samples that small.
#[test]
fn ninety_five_percent_intervals_cover_the_population_gini_in_a_quick_run() {
    let rate = coverage(300, 10_000, 50_000);
    assert!((0.92..=0.98).contains(&rate), "coverage {rate}");
}

/// Coverage of 95 % linearized intervals over 1,000 independent samples of 75,000 households
/// from the calibrated 2017-09 population, whose Gini is known from the calibration.
/// Run: `cargo test --release --test survey_validation -- --ignored --nocapture`.
#[test]
#[ignore = "slow Monte Carlo check: about a minute in release mode, far longer in debug"]
fn ninety_five_percent_intervals_cover_the_population_gini() {
    let rate = coverage(1000, 75_000, 1_000);
    assert!((0.93..=0.97).contains(&rate), "coverage {rate}");
}
