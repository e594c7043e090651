//! Accuracy at scale: the Gini of n integer values (unit and integer weights) against an exact
//! rational reference computed with 128-bit integers, and bit-identical on 1 and 2 threads.
//! n is 10⁷ in the suite; `GINIKIT_EXACT_N=100000000 cargo test --release --test exactness`
//! runs 10⁸ (about 2.5 GB).

use ginikit::measure::Options;
use ginikit::{Measure, SortedSample};

mod common;
use common::Rng;

fn n() -> usize {
    std::env::var("GINIKIT_EXACT_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000_000)
}

/// The exact midpoint Gini `Σ wᵢxᵢ(2Cᵢ − wᵢ)/(W·S) − 1` of integer values and weights, by
/// counting sort (values below 2²⁰) and 128-bit sums: numerator and denominator exactly.
fn exact(x: &[u32], w: &[u32]) -> (i128, i128) {
    const K: usize = 1 << 20;
    let mut weight_at = vec![0u64; K];
    for (&xi, &wi) in x.iter().zip(w) {
        weight_at[xi as usize] += u64::from(wi);
    }
    // Equal values in any order give the same Σ wx(2C − w): within a tie block of total
    // weight b starting after C₀, Σ w(2C − w) = b(2C₀ + b) whatever the order.
    let (mut c, mut num, mut s) = (0i128, 0i128, 0i128);
    for (v, &b) in weight_at.iter().enumerate() {
        if b == 0 {
            continue;
        }
        let (v, b) = (v as i128, i128::from(b));
        num += v * b * (2 * c + b);
        c += b;
        s += v * b;
    }
    (num - c * s, c * s) // G = (num − W·S)/(W·S)
}

/// `a/b` from two 128-bit integers: each rounded to the nearest double, the quotient within
/// about 2 units in the last place (3e-16 relative) — inside the 4e-15 (about 18 units in the
/// last place) that the tests allow.
fn ratio(a: i128, b: i128) -> f64 {
    a as f64 / b as f64
}

#[test]
fn gini_equals_the_exact_rational_value_and_does_not_depend_on_threads() {
    let n = n();
    let mut rng = Rng(20181);
    // Log-normal-like integers (heavy ties) and weights 1–100.
    let x: Vec<u32> = (0..n)
        .map(|_| {
            let u = rng.uniform();
            ((u / (1.0 - u)).powf(0.7) * 3000.0).min((1 << 20) as f64 - 2.0) as u32 + 1
        })
        .collect();
    let w: Vec<u32> = (0..n).map(|_| (rng.next_u64() % 100) as u32 + 1).collect();
    for weighted in [false, true] {
        let ones = vec![1u32; n];
        let wref: &[u32] = if weighted { &w } else { &ones };
        let (num, den) = exact(&x, wref);
        let truth = ratio(num, den);
        let xs: Vec<f64> = x.iter().map(|&v| f64::from(v)).collect();
        let ws: Option<Vec<f64>> = weighted.then(|| w.iter().map(|&v| f64::from(v)).collect());
        let gini = |threads: usize| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| {
                    let s = SortedSample::new(&xs, ws.as_deref()).unwrap();
                    Measure::parse("gini")
                        .unwrap()
                        .evaluate(&s, &Options::default())
                        .unwrap()
                        .value
                })
        };
        let (one, two) = (gini(1), gini(2));
        assert_eq!(
            one.to_bits(),
            two.to_bits(),
            "weighted {weighted}: 1 vs 2 threads"
        );
        let rel = ((one - truth) / truth).abs();
        println!("n = {n}, weighted {weighted}: gini {one:.17} exact {truth:.17} relative error {rel:.2e}");
        assert!(
            rel < common::ROUNDING,
            "weighted {weighted}: {one} vs exact {truth} ({rel:e})"
        );
    }
}

/// The exact midpoint Gini of dyadic values `aᵢ/2⁷` and weights `bᵢ/2⁴`: the Gini is
/// homogeneous of degree 0 in the values and in the weights, so the integers `a`, `b` give it
/// exactly, `Σ bᵢaᵢ(2Cᵢ − bᵢ)/(B·A) − 1` with 128-bit sums (below 2¹¹⁷ for n = 10⁸). Sorted by
/// value; tied values in any order give the same sum (see [`exact`]).
fn exact_dyadic(a: &[u64], b: &[u64]) -> (i128, i128) {
    let mut order: Vec<u32> = (0..a.len() as u32).collect();
    order.sort_unstable_by_key(|&i| a[i as usize]);
    let (mut c, mut num, mut s) = (0i128, 0i128, 0i128);
    for &i in &order {
        let (v, w) = (i128::from(a[i as usize]), i128::from(b[i as usize]));
        num += v * w * (2 * c + w);
        c += w;
        s += v * w;
    }
    (num - c * s, c * s)
}

/// Real-valued money, not small integers: log-normal amounts (median e¹³ ≈ 442,000, σ = 0.8)
/// on a 1/128 grid, half of them rounded to whole thousands as reported spending often is
/// (heavy ties), with real weights 0.0625 … 100 on a 1/16 grid; every double exact, so the
/// 128-bit reference is the exact value. n = `GINIKIT_EXACT_N` / 5 (2·10⁶ in the suite).
#[test]
fn gini_of_real_valued_money_equals_the_exact_rational_value() {
    let n = n() / 5;
    let mut rng = Rng(77);
    let a: Vec<u64> = (0..n)
        .map(|i| {
            let x = (13.0 + 0.8 * rng.normal()).exp();
            let x = if i % 2 == 0 {
                (x / 1000.0).round().max(1.0) * 1000.0
            } else {
                x
            };
            (x * 128.0).round() as u64
        })
        .collect();
    let b: Vec<u64> = (0..n).map(|_| rng.next_u64() % 1600 + 1).collect();
    let xs: Vec<f64> = a.iter().map(|&v| v as f64 / 128.0).collect();
    let ws: Vec<f64> = b.iter().map(|&v| v as f64 / 16.0).collect();
    let ones = vec![16u64; n];
    for weighted in [false, true] {
        let (num, den) = exact_dyadic(&a, if weighted { &b } else { &ones });
        let truth = ratio(num, den);
        let w = weighted.then_some(&ws[..]);
        let gini = |threads: usize| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| {
                    let s = SortedSample::new(&xs, w).unwrap();
                    Measure::parse("gini")
                        .unwrap()
                        .evaluate(&s, &Options::default())
                        .unwrap()
                        .value
                })
        };
        let (one, two) = (gini(1), gini(2));
        assert_eq!(
            one.to_bits(),
            two.to_bits(),
            "weighted {weighted}: 1 vs 2 threads"
        );
        let rel = ((one - truth) / truth).abs();
        println!("n = {n}, real-valued, weighted {weighted}: gini {one:.17} exact {truth:.17} relative error {rel:.2e}");
        assert!(
            rel < common::ROUNDING,
            "weighted {weighted}: {one} vs exact {truth} ({rel:e})"
        );
    }
}

/// `x · 2^k`, exact for the magnitudes used here (two steps keep each factor normal).
fn times_pow2(x: f64, k: i32) -> f64 {
    x * 2f64.powi(k / 2) * 2f64.powi(k - k / 2)
}

/// Values and weights near the ends of the double range, given to `SortedSample` as they
/// are: the sample rescales them itself, and `Measure::evaluate` answers in the data's units.
/// Reference (independent of the rescaling): the same data multiplied by an exact power of
/// two into the ordinary range — multiplying by 2^k changes no rounding, so an index must come
/// out identical and a money result or population exactly 2^k times as large.
#[test]
fn values_and_weights_beyond_the_double_range_come_back_in_their_own_units() {
    let measures: Vec<Measure> = [
        "gini",
        "mean",
        "median",
        "theil_t",
        "cv",
        "quantile_0.9",
        "share_bottom40",
        "fgt1",
    ]
    .iter()
    .map(|m| Measure::parse(m).unwrap())
    .collect();
    let options = Options::default();
    let mut rng = Rng(29);
    let base: Vec<f64> = (0..5_000).map(|_| 1.0 + 1000.0 * rng.uniform()).collect();
    let weights: Vec<f64> = (0..5_000).map(|_| 1.0 + 99.0 * rng.uniform()).collect();
    // (value exponent, weight exponent): huge values, tiny values, huge weights, both.
    for (kv, kw) in [(1010, 0), (-1000, 0), (0, 1000), (990, -1000)] {
        let x: Vec<f64> = base.iter().map(|&v| times_pow2(v, kv)).collect();
        let w: Vec<f64> = weights.iter().map(|&v| times_pow2(v, kw)).collect();
        let line = 300.0;
        for weighted in [false, true] {
            let ww = weighted.then_some(w.as_slice());
            let given = SortedSample::new(&x, ww)
                .unwrap()
                .with_poverty_line(times_pow2(line, kv))
                .unwrap();
            assert!(
                !given.scale().is_identity() || (kv == 0 && !weighted),
                "{kv} {kw}"
            );
            let reference = SortedSample::new(&base, weighted.then_some(weights.as_slice()))
                .unwrap()
                .with_poverty_line(line)
                .unwrap();
            for m in &measures {
                let e = m.evaluate(&given, &options).unwrap();
                let r = m.evaluate(&reference, &options).unwrap();
                let want = match m.unit() {
                    ginikit::measure::Unit::Money => times_pow2(r.value, kv),
                    _ => r.value,
                };
                assert_eq!(e.value, want, "{} at 2^{kv}, weights 2^{kw}", m.name());
                let population = if weighted {
                    times_pow2(r.population, kw)
                } else {
                    r.population
                };
                assert_eq!(e.population, population, "{} population", m.name());
            }
        }
    }
}
