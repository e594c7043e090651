//! Accuracy at scale: the Gini of n integer values (unit and integer weights) against an exact
//! rational reference computed with 128-bit integers, and bit-identical on 1 and 2 threads.
//! n is 10⁷ in the suite; `GINIKIT_EXACT_N=100000000 cargo test --release --test exactness`
//! runs 10⁸ (about 2.5 GB).

use ginikit::measure::Options;
use ginikit::{Measure, SortedSample};

fn n() -> usize {
    std::env::var("GINIKIT_EXACT_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000_000)
}

/// SplitMix64.
fn next(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E3779B97F4A7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D049BB133111EB);
    z ^ (z >> 31)
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
/// about 2 units in the last place (3e-16 relative) — far inside the 1e-12 checked.
fn ratio(a: i128, b: i128) -> f64 {
    a as f64 / b as f64
}

#[test]
fn gini_equals_the_exact_rational_value_and_does_not_depend_on_threads() {
    let n = n();
    let mut state = 20181u64;
    // Log-normal-like integers (heavy ties) and weights 1–100.
    let x: Vec<u32> = (0..n)
        .map(|_| {
            let u = (next(&mut state) >> 11) as f64 / (1u64 << 53) as f64;
            ((u / (1.0 - u)).powf(0.7) * 3000.0).min((1 << 20) as f64 - 2.0) as u32 + 1
        })
        .collect();
    let w: Vec<u32> = (0..n)
        .map(|_| (next(&mut state) % 100) as u32 + 1)
        .collect();
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
            rel < 1e-12,
            "weighted {weighted}: {one} vs exact {truth} ({rel:e})"
        );
    }
}
