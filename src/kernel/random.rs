//! A small, fixed pseudo-random generator (SplitMix64) and the draws built on it.
//!
//! Fixed here, rather than taken from a crate, so that a seed means the same numbers in every
//! version of the toolkit: committed synthetic data and bootstrap results stay reproducible.

/// SplitMix64 (Steele, Lea & Flood 2014): 64-bit state, passes BigCrush, trivially seekable.
#[derive(Debug, Clone)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// A generator for `seed`.
    pub fn new(seed: u64) -> Self {
        SplitMix64 { state: seed }
    }

    /// An independent stream for item `index` of a run seeded with `seed` (replicate r,
    /// cell c): the pair is mixed so that neighbouring indices give unrelated streams.
    pub fn for_stream(seed: u64, index: u64) -> Self {
        let mut g = SplitMix64::new(seed ^ index.wrapping_mul(0xD1B5_4A32_D192_ED03));
        g.next_u64();
        SplitMix64::new(g.next_u64() ^ index)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in the open interval (0, 1): 53 random bits, centred in their cell.
    pub fn uniform(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    /// Uniform integer in `0..n` (`n > 0`), by Lemire's multiply-shift (bias below 2⁻³²
    /// for the n used here, far under any sampling error).
    pub fn below(&mut self, n: u64) -> u64 {
        ((self.next_u64() as u128 * n as u128) >> 64) as u64
    }

    /// Standard normal draw by inversion (one uniform per draw keeps streams aligned).
    pub fn normal(&mut self) -> f64 {
        super::normal::quantile(self.uniform())
    }

    /// Poisson draw with mean `lambda` by inversion of the distribution function (fine for
    /// the small means used here, e.g. household sizes).
    pub fn poisson(&mut self, lambda: f64) -> u64 {
        let u = self.uniform();
        let mut k = 0u64;
        let mut p = (-lambda).exp();
        let mut cdf = p;
        while u > cdf && k < 1000 {
            k += 1;
            p *= lambda / k as f64;
            cdf += p;
        }
        k
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let a: Vec<u64> = (0..3)
            .map(|_| SplitMix64::for_stream(7, 1).next_u64())
            .collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]));
        assert_ne!(
            SplitMix64::for_stream(7, 1).next_u64(),
            SplitMix64::for_stream(7, 2).next_u64()
        );
    }

    #[test]
    fn poisson_and_normal_moments() {
        let mut g = SplitMix64::new(1);
        let n = 200_000;
        let m = (0..n).map(|_| g.poisson(2.9) as f64).sum::<f64>() / n as f64;
        assert!((m - 2.9).abs() < 0.02, "{m}");
        let z: Vec<f64> = (0..n).map(|_| g.normal()).collect();
        let mean = z.iter().sum::<f64>() / n as f64;
        let var = z.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n as f64;
        assert!(mean.abs() < 0.01 && (var - 1.0).abs() < 0.01);
    }
}
