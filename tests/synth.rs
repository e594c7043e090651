//! The synthetic Susenas-shaped rounds: regenerating a committed round gives the same table,
//! and the committed rounds reproduce the published BPS figures (datasets/bps) within the
//! stated tolerances — the fitted national Gini tightly, the unfitted urban/rural Gini and
//! bottom-40 % share loosely.

mod common;

use ginikit::bps;
use ginikit::measure::{Measure, Options};
use ginikit::synth;
use ginikit::table::{compute, households_frame, read_table, TableSpec};
use polars::prelude::*;

fn committed(round: &str) -> std::path::PathBuf {
    common::repo_path(&format!("datasets/susenas-synthetic/{round}.parquet"))
}

#[test]
fn regenerating_a_round_gives_the_committed_table() {
    let cells = synth::cells("2017-09").unwrap();
    let target = bps::lookup(&bps::national_gini(), "2017-09", "total").unwrap();
    let calibration = synth::calibrate(&cells, target).unwrap();
    let fresh =
        households_frame(&synth::generate("2017-09", &cells, &calibration, 75_000, 1).unwrap())
            .unwrap();
    let file = std::fs::File::open(committed("2017-09")).unwrap();
    let stored = ParquetReader::new(file).finish().unwrap();
    assert_eq!(fresh.shape(), stored.shape());
    for (a, b) in fresh.columns().iter().zip(stored.columns()) {
        assert_eq!(a.name(), b.name());
        assert!(
            a.as_materialized_series()
                .equals(b.as_materialized_series()),
            "column {} differs",
            a.name()
        );
    }
}

fn estimate(round: &str, by: &[&str], measure: &str) -> Vec<(Vec<String>, f64)> {
    let spec = TableSpec {
        value: "expenditure_per_capita".into(),
        weight: Some("weight".into()),
        size: Some("household_size".into()),
        by: by.iter().map(|s| s.to_string()).collect(),
        ..TableSpec::default()
    };
    let rows = compute(
        read_table(&committed(round), &spec).unwrap(),
        &Measure::parse_list(measure).unwrap(),
        &Options::default(),
    )
    .unwrap();
    rows.into_iter()
        .map(|r| (r.key, r.estimate.value))
        .collect()
}

#[test]
fn committed_rounds_reproduce_published_figures() {
    let gini = bps::national_gini();
    let b40 = bps::national_bottom40();
    for round in ["2017-09", "2018-03", "2018-09"] {
        let g = estimate(round, &[], "gini")[0].1;
        let published = bps::lookup(&gini, round, "total").unwrap();
        assert!(
            (g - published).abs() < 0.003,
            "{round}: national Gini {g} vs published {published}"
        );
        for (key, g) in estimate(round, &["area"], "gini") {
            let p = bps::lookup(&gini, round, &key[0]).unwrap();
            assert!((g - p).abs() < 0.012, "{round} {}: {g} vs {p}", key[0]);
        }
        let s = estimate(round, &[], "share_bottom40")[0].1;
        let p = bps::lookup(&b40, round, "total").unwrap();
        assert!(
            (s - p).abs() < 0.01,
            "{round}: bottom 40 % share {s} vs {p}"
        );
    }
}

#[test]
fn every_published_round_can_be_generated() {
    for round in synth::rounds().unwrap() {
        let cells = synth::cells(&round).unwrap();
        // 34 urban cells and 33 rural (DKI Jakarta has none), missing rows derived.
        assert_eq!(cells.len(), 67, "{round}");
        assert!(cells
            .iter()
            .all(|c| c.gini > 0.0 && c.p0 > 0.0 && c.population > 0.0));
    }
    assert!(synth::cells("2030-03").is_err());
}
