//! Criterion benches: the sort alone, the sample build (validate + sort + block totals), the
//! Gini scan on a built sample, and the other measures, at n = 1e5, 1e6, 1e7, weighted and
//! unweighted. Run: `cargo bench --bench measures` (add `-- gini` to filter).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use ginikit::internals::{f64_key, sort_by_key};
use ginikit::measure::{Measure, Options};
use ginikit::SortedSample;
use std::hint::black_box;

/// Log-normal-like money values (σ ≈ 0.8, median ≈ 1e6) and survey-like weights, from a fixed
/// SplitMix64 stream so that every run benches the same data.
fn data(n: usize) -> (Vec<f64>, Vec<f64>) {
    let mut state = 0x5EED_u64;
    let mut next = move || {
        state = state.wrapping_add(0x9E3779B97F4A7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58476D1CE4E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D049BB133111EB);
        (((z ^ (z >> 31)) >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    };
    let x = (0..n)
        .map(|_| {
            let u = next();
            // Logistic quantile as a cheap bell shape on the log scale.
            (13.8 + 0.45 * (u / (1.0 - u)).ln()).exp()
        })
        .collect();
    let w = (0..n).map(|_| 100.0 + 900.0 * next()).collect();
    (x, w)
}

const SIZES: [usize; 3] = [100_000, 1_000_000, 10_000_000];

fn bench_sort(c: &mut Criterion) {
    let mut g = c.benchmark_group("sort");
    g.sample_size(10);
    for n in SIZES {
        let (x, w) = data(n);
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::new("values", n), &x, |b, x| {
            b.iter_batched(
                || x.clone(),
                |mut v| sort_by_key(&mut v, |a| f64_key(*a)),
                criterion::BatchSize::LargeInput,
            )
        });
        let pairs: Vec<(f64, f64)> = x.iter().copied().zip(w.iter().copied()).collect();
        g.bench_with_input(BenchmarkId::new("value_weight_pairs", n), &pairs, |b, p| {
            b.iter_batched(
                || p.clone(),
                |mut v| sort_by_key(&mut v, |a| f64_key(a.0)),
                criterion::BatchSize::LargeInput,
            )
        });
    }
    g.finish();
}

fn bench_gini(c: &mut Criterion) {
    let mut g = c.benchmark_group("gini");
    g.sample_size(10);
    let options = Options::default();
    for n in SIZES {
        let (x, w) = data(n);
        g.throughput(Throughput::Elements(n as u64));
        // Everything from slices: validate, sort, block totals, scan.
        g.bench_with_input(BenchmarkId::new("from_slices_unweighted", n), &x, |b, x| {
            b.iter(|| {
                Measure::parse("gini")
                    .unwrap()
                    .evaluate(&SortedSample::new(x, None).unwrap(), &options)
                    .unwrap()
            })
        });
        g.bench_with_input(
            BenchmarkId::new("from_slices_weighted", n),
            &(&x, &w),
            |b, (x, w)| {
                b.iter(|| {
                    Measure::parse("gini")
                        .unwrap()
                        .evaluate(&SortedSample::new(x, Some(w)).unwrap(), &options)
                        .unwrap()
                })
            },
        );
        // After the sort nothing reads the data again (the block totals and the Gini's rank
        // sums are formed inside it), so the Gini on a built sample is O(1). Re-weighting an
        // already sorted sample (validation plus the block-totals pass) is what every
        // replicate of a survey design costs.
        let su = SortedSample::new(&x, None).unwrap();
        let sw = SortedSample::new(&x, Some(&w)).unwrap();
        let sorted_w = sw.weights().unwrap().to_vec();
        g.bench_function(BenchmarkId::new("reweight_pass_weighted", n), |b| {
            b.iter_batched(
                || sorted_w.clone(),
                |w| sw.reweighted(w).unwrap(),
                criterion::BatchSize::LargeInput,
            )
        });
        g.bench_function(BenchmarkId::new("gini_on_sorted_unweighted", n), |b| {
            b.iter(|| {
                Measure::parse("gini")
                    .unwrap()
                    .evaluate(black_box(&su), &options)
                    .unwrap()
            })
        });
        g.bench_function(BenchmarkId::new("gini_on_sorted_weighted", n), |b| {
            b.iter(|| {
                Measure::parse("gini")
                    .unwrap()
                    .evaluate(black_box(&sw), &options)
                    .unwrap()
            })
        });
    }
    g.finish();
}

fn bench_other_measures(c: &mut Criterion) {
    let mut g = c.benchmark_group("measures_on_sorted_sample");
    g.sample_size(10);
    let options = Options::default();
    let measures = Measure::parse_list(
        "theil_t,mld,ge_2,atkinson_1,share_bottom40,share_top20,palma,median,cv",
    )
    .unwrap();
    for n in SIZES {
        let (x, w) = data(n);
        g.throughput(Throughput::Elements(n as u64));
        for (label, s) in [
            ("unweighted", SortedSample::new(&x, None).unwrap()),
            ("weighted", SortedSample::new(&x, Some(&w)).unwrap()),
        ] {
            for m in &measures {
                g.bench_function(BenchmarkId::new(format!("{}_{label}", m.name()), n), |b| {
                    b.iter(|| m.evaluate(black_box(&s), &options).unwrap())
                });
            }
        }
    }
    g.finish();
}

criterion_group!(benches, bench_sort, bench_gini, bench_other_measures);
criterion_main!(benches);
