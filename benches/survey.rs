//! Criterion benches for survey inference on a synthetic March-round survey (300,000
//! households, 67 strata, 30,000 PSUs): the Gini point estimate from slices, the same with
//! its linearized standard error, and 1,000 Rao–Wu bootstrap replicates; and through the table
//! layer (as `gini compute` and `gini attribute` run after reading a file) the Gini with its
//! linearized SE against the attribution of three transfers (PKH, BPNT, Rastra) with theirs.
//! Run: `cargo bench --bench survey`.

use criterion::{criterion_group, criterion_main, Criterion};
use ginikit::error::Location;
use ginikit::measure::{Measure, Options};
use ginikit::survey::design::{Design, DesignCodes, LonelyPsu};
use ginikit::survey::replicate::{ReplicateMethod, Replicates};
use ginikit::survey::{estimate, DesignedSample, Interval, Variance};
use ginikit::{synth, SortedSample};

struct Survey {
    x: Vec<f64>,
    w: Vec<f64>,
    design: Design,
    psu_of_obs: Vec<u32>,
    persons: f64,
}

fn survey() -> Survey {
    let cells = synth::cells("2018-03").unwrap();
    let calibration = synth::calibrate(&cells, 0.389).unwrap();
    let h = synth::generate("2018-03", &cells, &calibration, 300_000, 1).unwrap();
    let p = h.person_level();
    let codes = DesignCodes {
        strata: Some(&p.strata),
        psu: Some(&p.psu),
        fpc: None,
        nested: false,
        rows: None,
    };
    let (design, psu_of_obs) = Design::from_codes(p.values.len(), codes, LonelyPsu::Error, &|_| {
        Location::Argument("bench")
    })
    .unwrap();
    let (x, w, persons) = (p.values, p.weights, p.persons);
    Survey {
        x,
        w,
        design,
        psu_of_obs,
        persons,
    }
}

fn bench(c: &mut Criterion) {
    let s = survey();
    let options = Options::default();
    let mut g = c.benchmark_group("survey_300k_households");
    g.sample_size(10);
    g.bench_function("gini_point_from_slices", |b| {
        b.iter(|| {
            let sample = SortedSample::new(&s.x, Some(&s.w)).unwrap();
            Measure::parse("gini")
                .unwrap()
                .evaluate(&sample, &options)
                .unwrap()
        })
    });
    let run = |variance: &Variance<'_>| {
        // As `gini compute --se` does: the sort carries each observation's PSU.
        let sample =
            SortedSample::with_labels_from_slices(&s.x, Some(&s.w), &s.psu_of_obs).unwrap();
        let psu = sample.labels().unwrap();
        let ds = DesignedSample {
            sample: &sample,
            psu,
            design: &s.design,
            persons: s.persons,
        };
        estimate(
            &ds,
            variance,
            &[Measure::parse("gini").unwrap()],
            &options,
            0.95,
            Interval::Normal,
            &|| true,
        )
        .unwrap()
    };
    g.bench_function("gini_with_linearized_se", |b| {
        b.iter(|| run(&Variance::Linearization))
    });
    let reps = Replicates::new(
        ReplicateMethod::Bootstrap {
            replicates: 1000,
            seed: 1,
        },
        &s.design,
    )
    .unwrap();
    g.bench_function("gini_bootstrap_1000", |b| {
        b.iter(|| run(&Variance::Replicates(&reps)))
    });
    g.finish();
}

/// The Gini with its SE and the attribution of three transfers with theirs, from the same
/// in-memory table (the table layer's sort with PSUs, the design, influence values).
/// Needs the table layer (the default `table` feature); without it the group is empty.
#[cfg(feature = "table")]
fn bench_attribution(c: &mut Criterion) {
    use ginikit::synth::households_frame;
    use ginikit::table::survey::{infer, SeMethod, SurveySpec};
    use ginikit::table::{from_frame, TableSpec};
    let cells = synth::cells("2018-03").unwrap();
    let calibration = synth::calibrate(&cells, 0.389).unwrap();
    let h = synth::generate("2018-03", &cells, &calibration, 300_000, 1).unwrap();
    let df = households_frame(&h).unwrap();
    let transfers: Vec<String> = ["pkh_per_capita", "bpnt_per_capita", "rastra_per_capita"]
        .map(String::from)
        .to_vec();
    let spec = |components: Vec<String>| TableSpec {
        value: "expenditure_per_capita".into(),
        weight: Some("weight".into()),
        size: Some("household_size".into()),
        extra: vec![("stratum".into(), "strata"), ("psu".into(), "psu")],
        components,
        ..TableSpec::default()
    };
    let survey = SurveySpec {
        method: SeMethod::Linearization,
        strata: Some(0),
        psu: Some(1),
        fpc: None,
        nested: false,
        lonely: LonelyPsu::Error,
        level: 0.95,
        interval: Interval::Normal,
    };
    let options = Options::default();
    let plain = from_frame(&df, "bench", &spec(Vec::new())).unwrap();
    let with = from_frame(&df, "bench", &spec(transfers.clone())).unwrap();
    let gini = [Measure::parse("gini").unwrap()];
    let terms = ginikit::attribute::transfer_terms(&transfers, &[]);
    let mut g = c.benchmark_group("table_300k_households");
    g.sample_size(10);
    g.bench_function("gini_with_linearized_se", |b| {
        b.iter(|| infer(&plain, &[0], &survey, &gini, &options, &|| true).unwrap())
    });
    g.bench_function("attribution_3_transfers_linearized", |b| {
        b.iter(|| infer(&with, &[0], &survey, &terms, &options, &|| true).unwrap())
    });
    g.finish();
}

#[cfg(not(feature = "table"))]
fn bench_attribution(_: &mut Criterion) {}

criterion_group!(benches, bench, bench_attribution);
criterion_main!(benches);
