//! Bit-identical results whatever the number of threads (DESIGN: numerics), and agreement
//! with a plain sequential reference.

mod common;

use ginikit::measure::{Measure, Options};
use ginikit::SortedSample;

fn data(n: usize, weighted: bool) -> (Vec<f64>, Option<Vec<f64>>) {
    let mut rng = common::Rng(42);
    let x: Vec<f64> = (0..n).map(|_| rng.income() * 1.000_1).collect();
    let w = weighted.then(|| (0..n).map(|_| 50.0 + 400.0 * rng.uniform()).collect());
    (x, w)
}

fn bits_in_pool(threads: usize, x: &[f64], w: Option<&[f64]>) -> Vec<u64> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    pool.install(|| {
        let s = SortedSample::new(x, w).unwrap();
        let measures = Measure::parse_list(
            "gini,theil_t,mld,ge_2,atkinson_1,share_bottom40,share_top20,palma,mean,median,cv",
        )
        .unwrap();
        measures
            .iter()
            .map(|m| m.evaluate(&s, &Options::default()).unwrap().value.to_bits())
            .collect()
    })
}

#[test]
fn one_thread_and_many_threads_are_bit_identical() {
    for weighted in [false, true] {
        // 250,001 values: 62 blocks and a ragged last one.
        let (x, w) = data(250_001, weighted);
        let one = bits_in_pool(1, &x, w.as_deref());
        for threads in [2, 3, 8] {
            assert_eq!(
                one,
                bits_in_pool(threads, &x, w.as_deref()),
                "{threads} threads, weighted={weighted}"
            );
        }
        // And again on the global pool, run after run.
        let s1 = bits_in_pool(rayon::current_num_threads(), &x, w.as_deref());
        assert_eq!(one, s1);
    }
}

/// A double-double number `hi + lo` (about 106 bits): the extended-precision reference.
#[derive(Clone, Copy)]
struct DoubleDouble {
    hi: f64,
    lo: f64,
}

impl DoubleDouble {
    fn new(x: f64) -> Self {
        DoubleDouble { hi: x, lo: 0.0 }
    }
    /// Knuth's error-free sum of two doubles.
    fn two_sum(a: f64, b: f64) -> Self {
        let s = a + b;
        let bb = s - a;
        DoubleDouble {
            hi: s,
            lo: (a - (s - bb)) + (b - bb),
        }
    }
    fn add(self, o: Self) -> Self {
        let s = Self::two_sum(self.hi, o.hi);
        Self::two_sum(s.hi, s.lo + self.lo + o.lo)
    }
    /// The product with a double; the rounding error of `hi·b` is exact through `mul_add`.
    fn mul(self, b: f64) -> Self {
        let p = self.hi * b;
        let e = self.hi.mul_add(b, -p);
        Self::two_sum(p, e + self.lo * b)
    }
    fn mul_dd(self, o: Self) -> Self {
        let p = self.hi * o.hi;
        let e = self.hi.mul_add(o.hi, -p);
        Self::two_sum(p, e + self.hi * o.lo + self.lo * o.hi)
    }
    fn div(self, o: Self) -> Self {
        let q1 = self.hi / o.hi;
        let r = self.add(o.mul(-q1));
        let q2 = r.hi / o.hi;
        let r2 = r.add(o.mul(-q2));
        Self::two_sum(q1, q2).add(Self::new(r2.hi / o.hi))
    }
}

/// A plain sequential evaluation of the midpoint formula (sorted copy, running sums and the
/// final ratio in double-double arithmetic, about 106 bits) agrees with the parallel kernel
/// to the last bits of a double.
#[test]
fn parallel_gini_matches_sequential_reference() {
    let (x, w) = data(100_000, true);
    let w = w.unwrap();
    let mut pairs: Vec<(f64, f64)> = x.iter().copied().zip(w.iter().copied()).collect();
    pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
    let zero = DoubleDouble::new(0.0);
    let (mut c, mut num, mut big_w, mut big_t) = (zero, zero, zero, zero);
    for &(xi, wi) in &pairs {
        c = c.add(DoubleDouble::new(wi));
        // wᵢ·xᵢ·(2Cᵢ − wᵢ), Cᵢ the cumulative weight through i.
        let twice_c_less_w = c.mul(2.0).add(DoubleDouble::new(-wi));
        num = num.add(twice_c_less_w.mul(wi).mul(xi));
        big_w = big_w.add(DoubleDouble::new(wi));
        big_t = big_t.add(DoubleDouble::new(wi).mul(xi));
    }
    let ratio = num.div(big_w.mul_dd(big_t));
    let reference = ratio.add(DoubleDouble::new(-1.0)).hi;
    let s = SortedSample::new(&x, Some(&w)).unwrap();
    let g = Measure::parse("gini")
        .unwrap()
        .evaluate(&s, &Options::default())
        .unwrap()
        .value;
    let relative = ((g - reference) / reference).abs();
    println!("parallel {g:e}, double-double reference {reference:e}, relative {relative:e}");
    assert!(relative < 4.0 * f64::EPSILON, "{g} vs {reference}");
}

/// Linearized standard errors: bit-identical on any thread count, and tied values (in runs
/// that cross the 4,096-element summation blocks) get the same influence value.
#[test]
fn linearized_standard_errors_are_thread_independent_and_tie_symmetric() {
    use ginikit::survey::design::Design;
    use ginikit::survey::{estimate, DesignedSample, Interval, Variance};
    let n = 60_000;
    let mut rng = common::Rng(7);
    // Runs of about 5,000 equal values.
    let x: Vec<f64> = (0..n).map(|i| (1 + i / 5_000) as f64 * 100.0).collect();
    let w: Vec<f64> = (0..n).map(|_| 1.0 + 9.0 * rng.uniform()).collect();
    let psu: Vec<u32> = (0..n as u32).map(|i| i % 600).collect();
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            let s = SortedSample::with_labels_from_slices(&x, Some(&w), &psu).unwrap();
            let design = Design::simple(600);
            let ds = DesignedSample {
                sample: &s,
                psu: s.labels().unwrap(),
                design: &design,
                persons: n as f64,
            };
            let z = Measure::parse("gini")
                .unwrap()
                .influence(&s, &Options::default())
                .unwrap();
            let se = estimate(
                &ds,
                &Variance::Linearization,
                &[Measure::parse("gini").unwrap()],
                &Options::default(),
                0.95,
                Interval::Normal,
                &|| true,
            )
            .unwrap()[0]
                .inference
                .se;
            (z, se)
        })
    };
    let (z1, se1) = run(1);
    let (z4, se4) = run(4);
    assert_eq!(se1.to_bits(), se4.to_bits());
    assert!(z1.iter().zip(&z4).all(|(a, b)| a.to_bits() == b.to_bits()));
    let s = SortedSample::with_labels_from_slices(&x, Some(&w), &psu).unwrap();
    for k in 1..n {
        if s.values()[k] == s.values()[k - 1] {
            assert_eq!(z1[k].to_bits(), z1[k - 1].to_bits(), "tie at {k}");
        }
    }
}
