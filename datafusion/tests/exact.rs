//! The out-of-core results equal ginikit's in-memory kernel (`SortedSample` + the measure
//! registry, midpoint convention) to 1e-12 relative: heavy ties (straddling every bucket
//! boundary), a block of zeros, negative values, zero weights, several groups, one bucket or
//! many, and a run under a 64 MiB memory pool that must spill.

use ginikit::measure::positive::NonPositivePolicy;
use ginikit::measure::{Measure, Options};
use ginikit::SortedSample;
use ginikit_datafusion::{Engine, EngineConfig, Error, Spec};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

/// SplitMix64: the same rows on every machine.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn uniform(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

struct Rows {
    x: Vec<f64>,
    w: Vec<f64>,
    g: Vec<u8>,
}

/// `n` rows in three groups: incomes rounded to 10 (heavy ties), 5 % zeros, 1 % negative,
/// 3 % zero weights; `positive` keeps only values > 0.
fn rows(n: usize, seed: u64, positive: bool) -> Rows {
    let mut r = Rng(seed);
    let (mut x, mut w, mut g) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..n {
        let u = r.uniform();
        // exp(9 ± 2.4) rounded to whole units, × 10: 7,350 … 890,000 in steps of 10.
        let income = (9.0 + 0.8 * (r.uniform() * 6.0 - 3.0)).exp().round() * 10.0;
        let v = if positive {
            income.max(10.0)
        } else if u < 0.05 {
            0.0
        } else if u < 0.06 {
            -income / 10.0
        } else {
            income
        };
        x.push(v);
        w.push(if r.uniform() < 0.03 {
            0.0
        } else {
            (r.uniform() * 20.0).floor() + 1.0
        });
        g.push((r.next() % 3) as u8);
    }
    Rows { x, w, g }
}

fn write_csv(rows: &Rows, dir: &tempfile::TempDir) -> PathBuf {
    let path = dir.path().join("households.csv");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    writeln!(f, "income,weight,region").unwrap();
    for i in 0..rows.x.len() {
        writeln!(f, "{},{},r{}", rows.x[i], rows.w[i], rows.g[i]).unwrap();
    }
    path
}

/// The kernel's value of `measure` per group (and for all rows under the key "").
fn kernel(rows: &Rows, measure: &str, line: Option<f64>) -> BTreeMap<String, f64> {
    kernel_with(rows, measure, line, &Options::default())
}

/// [`kernel`] under `options`.
fn kernel_with(
    rows: &Rows,
    measure: &str,
    line: Option<f64>,
    options: &Options,
) -> BTreeMap<String, f64> {
    let m = Measure::parse(measure).unwrap();
    let mut out = BTreeMap::new();
    for key in ["", "r0", "r1", "r2"] {
        let keep: Vec<usize> = (0..rows.x.len())
            .filter(|&i| key.is_empty() || format!("r{}", rows.g[i]) == key)
            .collect();
        let x: Vec<f64> = keep.iter().map(|&i| rows.x[i]).collect();
        let w: Vec<f64> = keep.iter().map(|&i| rows.w[i]).collect();
        let mut s = SortedSample::new(&x, Some(&w)).unwrap();
        if let Some(z) = line {
            s = s.with_poverty_line(z).unwrap();
        }
        out.insert(key.to_string(), m.evaluate(&s, options).unwrap().value);
    }
    out
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    b != 0.0 && ((a - b) / b).abs() <= tol
}

/// An engine with `rows` registered as a CSV file (the directory lives as long as it is held).
fn engine_on(rows: &Rows) -> (tempfile::TempDir, tokio::runtime::Runtime, Engine) {
    let dir = tempfile::tempdir().unwrap();
    let csv = write_csv(rows, &dir);
    let rt = runtime();
    let engine = Engine::new(&EngineConfig::default()).unwrap();
    rt.block_on(engine.register(std::slice::from_ref(&csv)))
        .unwrap();
    (dir, rt, engine)
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn the_gini_equals_the_kernel_with_ties_zeros_negatives_and_zero_weights() {
    let data = rows(100_000, 7, false);
    let dir = tempfile::tempdir().unwrap();
    let csv = write_csv(&data, &dir);
    let expected = kernel(&data, "gini", None);
    let rt = runtime();
    for buckets in [1, 7, 64, 200] {
        let engine = Engine::new(&EngineConfig::default()).unwrap();
        rt.block_on(engine.register(std::slice::from_ref(&csv)))
            .unwrap();
        let mut spec = Spec::new("income");
        spec.weight = Some("weight".into());
        spec.buckets = buckets;
        let whole = rt.block_on(engine.gini(&spec)).unwrap();
        assert_eq!(whole.len(), 1);
        let g = whole[0].values[0].1;
        assert!(
            close(g, expected[""], 1e-12),
            "{buckets} buckets: {g} vs kernel {}",
            expected[""]
        );
        assert_eq!(whole[0].rows, 100_000);
        spec.by = vec!["region".into()];
        for r in rt.block_on(engine.gini(&spec)).unwrap() {
            let k = &r.key[0];
            assert!(
                close(r.values[0].1, expected[k], 1e-12),
                "{buckets} buckets, {k}: {} vs {}",
                r.values[0].1,
                expected[k]
            );
        }
    }
}

#[test]
fn sum_measures_and_shares_equal_the_kernel() {
    let data = rows(100_000, 11, true);
    let (_dir, rt, engine) = engine_on(&data);
    let mut spec = Spec::new("income");
    spec.weight = Some("weight".into());
    spec.by = vec!["region".into()];
    let names = [
        "gini",
        "mean",
        "theil_t",
        "mld",
        "ge_2",
        "ge_-1",
        "atkinson_0.5",
        "atkinson_1",
        "atkinson_2",
        "fgt0",
        "fgt1",
        "fgt2",
        "share_bottom40",
        "share_middle40",
        "share_top20",
        "share_decile1",
        "share_decile10",
        "share_0.33_0.67",
        "palma",
        "s80_s20",
    ];
    let measures: Vec<Measure> = names.iter().map(|n| Measure::parse(n).unwrap()).collect();
    let line = Some(60_000.0);
    let got = rt.block_on(engine.compute(&spec, &measures, line)).unwrap();
    assert_eq!(got.len(), 3);
    for (i, name) in names.iter().enumerate() {
        let expected = kernel(&data, name, line);
        for r in &got {
            // Values come in the order of the measures asked for.
            let v = r.values[i].1;
            let k = &r.key[0];
            assert!(
                close(v, expected[k], 1e-12),
                "{name} {k}: {v} vs kernel {}",
                expected[k]
            );
        }
    }
}

#[test]
fn a_64_mib_pool_spills_and_gives_the_same_gini() {
    let data = rows(2_000_000, 3, false);
    let dir = tempfile::tempdir().unwrap();
    let csv = write_csv(&data, &dir);
    let expected = kernel(&data, "gini", None);
    let rt = runtime();
    let spill = tempfile::tempdir().unwrap();
    let engine = Engine::new(&EngineConfig {
        memory_limit: Some(64 << 20),
        spill_dir: Some(spill.path().to_path_buf()),
        partitions: Some(2),
    })
    .unwrap();
    rt.block_on(engine.register(std::slice::from_ref(&csv)))
        .unwrap();
    let mut spec = Spec::new("income");
    spec.weight = Some("weight".into());
    // One bucket: the whole table goes through one sort, larger than the pool.
    spec.buckets = 1;
    let sql = rt.block_on(engine.segment_sql(&spec)).unwrap();
    let (batches, metrics) = rt.block_on(engine.query_with_metrics(&sql)).unwrap();
    let spills: u64 = metrics
        .split("spill_count=")
        .skip(1)
        .filter_map(|t| {
            t.split(|c: char| !c.is_ascii_digit())
                .next()
                .and_then(|d| d.parse::<u64>().ok())
        })
        .sum();
    assert!(spills > 0, "no spill under a 64 MiB pool:\n{metrics}");
    assert!(!batches.is_empty());
    let whole = rt.block_on(engine.gini(&spec)).unwrap();
    assert!(
        close(whole[0].values[0].1, expected[""], 1e-12),
        "{} vs {}",
        whole[0].values[0].1,
        expected[""]
    );
}

#[test]
fn bad_data_is_an_error_not_a_number() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.csv");
    std::fs::write(&path, "income,weight\n1,1\n2,-1\n3,1\n").unwrap();
    let rt = runtime();
    let engine = Engine::new(&EngineConfig::default()).unwrap();
    rt.block_on(engine.register(std::slice::from_ref(&path)))
        .unwrap();
    let mut spec = Spec::new("income");
    spec.weight = Some("weight".into());
    let e = rt.block_on(engine.gini(&spec)).unwrap_err().to_string();
    assert!(
        e.contains("'weight'") && e.contains("1 are negative"),
        "{e}"
    );
    let path = dir.path().join("zero.csv");
    std::fs::write(&path, "income,weight\n0,1\n0,2\n").unwrap();
    let engine = Engine::new(&EngineConfig::default()).unwrap();
    rt.block_on(engine.register(std::slice::from_ref(&path)))
        .unwrap();
    let e = rt.block_on(engine.gini(&spec)).unwrap_err().to_string();
    assert!(e.contains("needs a positive mean"), "{e}");
}

/// Quantiles and the median from the bucketed cumulative weights equal the kernel's
/// (ginikit's weighted quantile, R type 2 for unit weights) with ties straddling every
/// quantile, zeros, negative values and zero weights, for 1, 7 and 64 buckets; and an exact
/// step whose next value lies in the next bucket (the median of 1 … 8, unit weights, one
/// value a bucket, no groups) is averaged with it: 4.5 by hand.
#[test]
fn quantiles_equal_the_kernel() {
    let data = rows(60_000, 5, false);
    let (_dir, rt, engine) = engine_on(&data);
    let names = [
        "median",
        "quantile_0",
        "quantile_0.1",
        "quantile_0.25",
        "quantile_0.9",
        "quantile_0.99",
        "quantile_1",
    ];
    let measures: Vec<Measure> = names.iter().map(|n| Measure::parse(n).unwrap()).collect();
    for buckets in [1, 7, 64] {
        let mut spec = Spec::new("income");
        spec.weight = Some("weight".into());
        spec.by = vec!["region".into()];
        spec.buckets = buckets;
        let got = rt.block_on(engine.compute(&spec, &measures, None)).unwrap();
        assert_eq!(got.len(), 3);
        for (i, name) in names.iter().enumerate() {
            let expected = kernel(&data, name, None);
            for r in &got {
                let (v, k) = (r.values[i].1, &r.key[0]);
                assert_eq!(v, expected[k], "{name} {k} ({buckets} buckets)");
            }
        }
    }

    let dir = tempfile::tempdir().unwrap();
    let small = dir.path().join("eight.csv");
    let text: String = std::iter::once("income,weight\n".to_string())
        .chain((1..=8).map(|v| format!("{v},1\n")))
        .collect();
    std::fs::write(&small, text).unwrap();
    let engine = Engine::new(&EngineConfig::default()).unwrap();
    rt.block_on(engine.register(std::slice::from_ref(&small)))
        .unwrap();
    let mut spec = Spec::new("income");
    spec.weight = Some("weight".into());
    spec.buckets = 8;
    let asked = [
        Measure::parse("median").unwrap(),
        Measure::parse("share_bottom40").unwrap(),
    ];
    let got = rt.block_on(engine.compute(&spec, &asked, None)).unwrap();
    assert_eq!(got[0].values[0], ("median".to_string(), 4.5));
    // Without groups too, the shares read their bucket back: 3.2 persons of 8 hold
    // 1 + 2 + 3 + 0.2 · 4 = 6.8 of 36.
    assert!((got[0].values[1].1 - 6.8 / 36.0).abs() < 1e-15);
}

/// A block of ties that is a bucket of its own (70 % of the rows are zeros, between the
/// negative values and the positive ones): shares and quantiles whose boundary falls in the
/// block come from its value and the bucket totals, without reading its rows back, and
/// still equal the kernel — quantiles as equal doubles, shares to 1e-12 (or both 0). The
/// median of 1, 1, 2, 2 with one value a bucket (an exact step at a tie block's end) is the
/// average 1.5, and its bottom-40 % and top-20 % shares 1.6/6 (by hand).
#[test]
fn shares_and_quantiles_inside_a_block_of_ties_equal_the_kernel() {
    let mut data = rows(60_000, 11, false);
    for i in 0..data.x.len() {
        if i % 10 < 7 {
            data.x[i] = 0.0;
        }
    }
    let (_dir, rt, engine) = engine_on(&data);
    let names = [
        "share_bottom40",
        "share_middle40",
        "share_top20",
        "share_decile8",
        "median",
        "quantile_0.05",
        "quantile_0.7",
        "quantile_0.8",
    ];
    let measures: Vec<Measure> = names.iter().map(|n| Measure::parse(n).unwrap()).collect();
    for by in [false, true] {
        let mut spec = Spec::new("income");
        spec.weight = Some("weight".into());
        if by {
            spec.by = vec!["region".into()];
        }
        let got = rt.block_on(engine.compute(&spec, &measures, None)).unwrap();
        for (i, name) in names.iter().enumerate() {
            let expected = kernel(&data, name, None);
            for r in &got {
                let k = r.key.first().cloned().unwrap_or_default();
                let (v, e) = (r.values[i].1, expected[&k]);
                if name.starts_with("share") {
                    assert!(
                        close(v, e, 1e-12) || (v == 0.0 && e == 0.0),
                        "{name} '{k}': {v} vs {e}"
                    );
                } else {
                    assert_eq!(v, e, "{name} '{k}'");
                }
            }
        }
    }

    let dir = tempfile::tempdir().unwrap();
    let small = dir.path().join("ties.csv");
    std::fs::write(&small, "income,weight\n1,1\n1,1\n2,1\n2,1\n").unwrap();
    let engine = Engine::new(&EngineConfig::default()).unwrap();
    rt.block_on(engine.register(std::slice::from_ref(&small)))
        .unwrap();
    let mut spec = Spec::new("income");
    spec.weight = Some("weight".into());
    spec.buckets = 4;
    let asked: Vec<Measure> = ["median", "share_bottom40", "share_top20"]
        .iter()
        .map(|n| Measure::parse(n).unwrap())
        .collect();
    let got = rt.block_on(engine.compute(&spec, &asked, None)).unwrap();
    assert_eq!(got[0].values[0].1, 1.5);
    // 1.6 of the 4 persons hold 1 + 0.6 · 1 = 1.6 of 6; the top 0.8 persons 0.8 · 2 = 1.6.
    assert!(
        (got[0].values[1].1 - 1.6 / 6.0).abs() < 1e-15,
        "{:?}",
        got[0].values
    );
    assert!(
        (got[0].values[2].1 - 1.6 / 6.0).abs() < 1e-15,
        "{:?}",
        got[0].values
    );
}

/// Under `--non-positive exclude` the measures that need positive values are computed over
/// the values above zero, as the kernel's exclude policy does (zeros and negative values
/// here: 6 % of the rows), with those rows and their weight reported; the others (Gini,
/// shares, FGT) over every row.
#[test]
fn excluding_non_positive_values_equals_the_kernel() {
    let data = rows(50_000, 17, false);
    let (_dir, rt, engine) = engine_on(&data);
    let mut spec = Spec::new("income");
    spec.weight = Some("weight".into());
    spec.by = vec!["region".into()];
    let names = [
        "theil_t",
        "mld",
        "ge_2",
        "atkinson_0.5",
        "atkinson_1",
        "atkinson_2",
        "gini",
        "fgt1",
    ];
    let measures: Vec<Measure> = names.iter().map(|n| Measure::parse(n).unwrap()).collect();
    let line = Some(60_000.0);
    // The error policy refuses, naming the column.
    let e = rt
        .block_on(engine.compute(&spec, &measures, line))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("'income'") && e.contains("zero or negative"),
        "{e}"
    );
    spec.options.non_positive = NonPositivePolicy::Exclude;
    let got = rt.block_on(engine.compute(&spec, &measures, line)).unwrap();
    for (i, name) in names.iter().enumerate() {
        let expected = kernel_with(&data, name, line, &spec.options);
        for r in &got {
            let (v, k) = (r.values[i].1, &r.key[0]);
            assert!(
                close(v, expected[k], 1e-12),
                "{name} {k}: {v} vs kernel {}",
                expected[k]
            );
        }
    }
    for r in &got {
        let g: u8 = r.key[0][1..].parse().unwrap();
        let keep: Vec<usize> = (0..data.x.len())
            .filter(|&i| data.g[i] == g && data.x[i] > 0.0)
            .collect();
        let weight: f64 = keep.iter().map(|&i| data.w[i]).sum();
        let (n, w) = r.positive.unwrap();
        assert_eq!(n as usize, keep.len());
        assert!(close(w, weight, 1e-12) && n < r.rows, "{w} vs {weight}");
    }
}

/// A measure without an out-of-core plan (or a Gini convention other than the midpoint) is
/// refused by name, with the list of what the engine computes — taken from the registry.
#[test]
fn measures_without_a_plan_are_refused_by_name() {
    let data = rows(1_000, 3, true);
    let (_dir, rt, engine) = engine_on(&data);
    let mut spec = Spec::new("income");
    for name in ["hoover", "wolfson", "arpr"] {
        let m = [Measure::parse(name).unwrap()];
        let e = rt.block_on(engine.compute(&spec, &m, None)).unwrap_err();
        assert!(matches!(&e, Error::NoPlan(n) if n == name), "{e:?}");
        let text = e.to_string();
        assert!(
            text.contains(&format!("'{name}'")) && text.contains("gini, theil_t"),
            "{text}"
        );
    }
    spec.options.gini = ginikit::measure::gini::GiniConvention::ConveyCumulative;
    let m = [Measure::parse("gini").unwrap()];
    let e = rt.block_on(engine.compute(&spec, &m, None)).unwrap_err();
    assert!(matches!(&e, Error::NoPlan(n) if n == "gini"), "{e:?}");
}
