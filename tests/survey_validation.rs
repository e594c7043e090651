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
/// with the Rao–Wu bootstrap on the same design, and the Hoover index's with the
/// delete-one-PSU jackknife. The jackknife of the QSR is not compared for agreement: like the
/// jackknife of a quantile it is not consistent for a statistic that jumps with the quintile
/// boundaries, and over samples 5–10 it came out 1.03–1.40 times the linearized (bootstrap
/// 0.96–1.07) — it is only required not to be smaller.
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
        let jackknife_band = if measure == "qsr" {
            0.9..=1.5
        } else {
            0.85..=1.15
        };
        for (name, other, band) in [
            ("bootstrap", boot, 0.85..=1.15),
            ("jackknife", jk, jackknife_band),
        ] {
            let ratio = other.inference.se / lin.inference.se;
            assert!(
                band.contains(&ratio),
                "{measure}: {name} {} vs linearized {}",
                other.inference.se,
                lin.inference.se
            );
        }
    }
}

/// Over `runs` samples of `households` households (seeds from `first_seed`) from the
/// calibrated 2017-09 population: the share of 95 % linearized intervals that cover the
/// population Gini, and the median of |z| = |estimate − population Gini| / SE, which is 0.674
/// when the standard errors are right (a median, because a few samples far out would sway a
/// mean of z²).
fn coverage(runs: u64, households: usize, first_seed: u64) -> (f64, f64) {
    let (cells, c) = population("2017-09", 0.391);
    let truth = c.achieved_gini;
    let (mut covered, mut z) = (0u64, Vec::new());
    for seed in 0..runs {
        let e = estimate_gini(&cells, &c, households, first_seed + seed, None);
        if e.inference.ci_lower <= truth && truth <= e.inference.ci_upper {
            covered += 1;
        }
        z.push(((e.estimate.value - truth) / e.inference.se).abs());
    }
    z.sort_by(f64::total_cmp);
    let median = (z[(z.len() - 1) / 2] + z[z.len() / 2]) / 2.0;
    let rate = covered as f64 / runs as f64;
    eprintln!("coverage {covered}/{runs} = {rate:.3}, median |z| {median:.3} (population Gini {truth:.5})");
    (rate, median)
}

/// The quick version of the coverage check below, run with the suite: 1,000 independent
/// samples of 20,000 households (about 30 census blocks per stratum) from the calibrated
/// 2017-09 population. The share of 95 % linearized intervals covering the population Gini
/// must lie in 0.925–0.975 and the median |z| in 0.60–0.76 (3.6 binomial SDs of 1,000
/// coverages; about 3 SDs of a median of 1,000 |z|). Measured here over 2,000 other samples:
/// coverage 0.943, median |z| 0.698; 300 samples can stray far (0.903 and 0.809 for the
/// seeds from 50,000). With 10,000 households coverage fell to about 0.91, with 3,000
/// (4 blocks per stratum) to 0.887: normal intervals of a Gini undercover when the design
/// leaves few PSUs.
#[test]
fn ninety_five_percent_intervals_cover_the_population_gini_in_a_quick_run() {
    let (rate, median_z) = coverage(1000, 20_000, 1);
    assert!((0.925..=0.975).contains(&rate), "coverage {rate}");
    assert!((0.60..=0.76).contains(&median_z), "median |z| {median_z}");
}

/// Coverage of 95 % linearized intervals over 1,000 independent samples of 75,000 households
/// from the calibrated 2017-09 population, whose Gini is known from the calibration.
/// Run: `cargo test --release --test survey_validation -- --ignored --nocapture` (or
/// `scripts/long-checks coverage`).
#[test]
#[ignore = "slow Monte Carlo check: about a minute in release mode, far longer in debug"]
fn ninety_five_percent_intervals_cover_the_population_gini() {
    let (rate, median_z) = coverage(1000, 75_000, 1_000);
    assert!((0.93..=0.97).contains(&rate), "coverage {rate}");
    assert!((0.60..=0.75).contains(&median_z), "median |z| {median_z}");
}
