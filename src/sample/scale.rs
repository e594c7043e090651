//! Values and weights near the ends of the double range, brought into it by powers of two.
//!
//! The rank sums of the Gini multiply a weight, a value and a cumulative weight; the moments
//! square values. With values near 1e308 or weights near 1e300 these overflow, and with
//! subnormal values squares underflow to 0 — finite inputs would give infinite or wrong
//! results. Every measure is unchanged when all weights are multiplied by the same number, and
//! indices and shares are unchanged when all values are; money measures (mean, median,
//! quantiles) scale with the values. So values and weights whose largest magnitude lies outside
//! [2⁻¹⁰⁰, 2¹⁰⁰] are multiplied by a power of two (exact) that brings it to [1, 2), and money
//! results are multiplied back. Ordinary data (money below 1.3e30, weights too) are left alone,
//! so their results do not change by a bit.

use super::PovertyLines;
use crate::error::{Error, Location, Result};
use rayon::prelude::*;

/// Largest magnitudes left alone: 2¹⁰⁰ ≈ 1.3e30 and 2⁻¹⁰⁰ ≈ 7.9e-31; with both values and
/// weights below 2¹⁰⁰, `w·x·C` for 2⁴⁰ rows stays below 2³⁴⁰, far from overflow.
const LIMIT: i32 = 100;

/// The powers of two applied to values and weights (exponents; 0: unchanged).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Scale {
    value: i32,
    weight: i32,
}

/// `x · 2^k` in two steps, so that neither factor leaves the normal range.
fn times_pow2(x: f64, k: i32) -> f64 {
    let half = k / 2;
    x * 2f64.powi(half) * 2f64.powi(k - half)
}

/// The largest magnitude of `x`, in parallel (a maximum does not depend on the order).
fn largest_magnitude(x: &[f64]) -> f64 {
    x.par_chunks(1 << 16)
        .map(|c| c.iter().fold(0.0f64, |m, v| m.max(v.abs())))
        .reduce(|| 0.0, f64::max)
}

/// The exponent that brings a largest magnitude `largest` to [1, 2), if it lies outside
/// [2⁻¹⁰⁰, 2¹⁰⁰]; 0 for ordinary, all-zero or non-finite data (validation reports the last).
fn exponent_of(largest: f64) -> i32 {
    if !largest.is_finite() || largest == 0.0 {
        return 0;
    }
    let e = if largest.is_normal() {
        ((largest.to_bits() >> 52) & 0x7ff) as i32 - 1023
    } else {
        // Subnormal: the exponent of its leading bit.
        -1023 - (largest.to_bits() << 12).leading_zeros() as i32
    };
    if (-LIMIT..=LIMIT).contains(&e) {
        0
    } else {
        -e
    }
}

impl Scale {
    /// The scale `values` and `weights` need.
    ///
    /// ```
    /// use ginikit::sample::Scale;
    /// assert!(Scale::of(&[1.0, 2.5e6], Some(&[120.0, 95.0])).unwrap().is_identity());
    /// assert!(!Scale::of(&[1e306, 2e307], None).unwrap().is_identity());
    /// ```
    ///
    /// # Errors
    /// Values so far apart that bringing the largest into range would turn the smallest
    /// non-zero ones into zero or subnormal numbers (a ratio beyond about 2¹⁰²²): no power of
    /// two keeps both, and a zero in place of a tiny value would change every measure that
    /// takes logarithms. [`Error::Undefined`] names the two values.
    ///
    /// ```
    /// use ginikit::sample::Scale;
    /// assert!(Scale::of(&[1e-300, 1e-308, 1e308], None).is_err());
    /// ```
    pub fn of(values: &[f64], weights: Option<&[f64]>) -> Result<Self> {
        Self::of_with(values, weights, &[])
    }

    /// The scale `values` and `weights` need when other amounts in the values' units —
    /// poverty lines, income components — are rescaled with them: the power of two is chosen
    /// for all of them together, so that none leaves the double range (a tiny value beside a
    /// line of 1 is not scaled up until the line overflows).
    ///
    /// ```
    /// use ginikit::sample::Scale;
    /// assert!(!Scale::of(&[5e-324, 1e-320], None).unwrap().is_identity());
    /// assert!(Scale::of_with(&[5e-324, 1e-320], None, &[&[1.0]]).unwrap().is_identity());
    /// ```
    pub fn of_with(values: &[f64], weights: Option<&[f64]>, companions: &[&[f64]]) -> Result<Self> {
        let largest_weight = weights.map_or(0.0, largest_magnitude);
        Self::from_largest(
            values,
            largest_magnitude(values),
            largest_weight,
            companions,
        )
    }

    /// As [`Scale::of_with`], given the largest magnitudes of the values and the weights
    /// (0 for unit weights), found by a pass the caller makes anyway.
    pub(crate) fn from_largest(
        values: &[f64],
        largest_value: f64,
        largest_weight: f64,
        companions: &[&[f64]],
    ) -> Result<Self> {
        // The exponent that brings the largest magnitude of all of them into range.
        let largest = companions
            .iter()
            .map(|c| largest_magnitude(c))
            .fold(largest_value, f64::max);
        let scale = Scale {
            value: exponent_of(largest),
            weight: exponent_of(largest_weight),
        };
        if scale.value < 0 {
            let smallest = values
                .iter()
                .chain(companions.iter().flat_map(|c| c.iter()))
                .map(|v| v.abs())
                .filter(|&v| v > 0.0)
                .fold(f64::INFINITY, f64::min);
            if smallest.is_finite() && (times_pow2(smallest, scale.value) < f64::MIN_POSITIVE) {
                let largest = values.iter().fold(0.0f64, |m, v| m.max(v.abs()));
                return Err(Error::Undefined {
                    location: Location::Argument("values"),
                    measure: "every measure".into(),
                    reason: format!(
                        "the values range in magnitude from {smallest:e} to {largest:e}, more orders of magnitude than double precision holds at once; check the column for values in the wrong units or cells that are not amounts"
                    ),
                    context: String::new(),
                });
            }
        }
        Ok(scale)
    }

    /// Whether values (or weights) whose largest magnitude is `largest` are left as they
    /// are (no rescaling needed).
    pub(crate) fn leaves_alone(largest: f64) -> bool {
        exponent_of(largest) == 0
    }

    /// The power of two the values are multiplied by (0: unchanged).
    pub(crate) fn value_exponent(&self) -> i32 {
        self.value
    }

    /// Whether nothing is rescaled.
    pub fn is_identity(&self) -> bool {
        self.value == 0 && self.weight == 0
    }

    /// Rescales poverty lines like the values they are compared with.
    pub fn apply_to_lines(&self, lines: &PovertyLines) -> PovertyLines {
        if self.value == 0 {
            return lines.clone();
        }
        lines.scaled(|z| times_pow2(z, self.value))
    }

    /// Rescales values and weights in place.
    pub fn apply(&self, values: &mut [f64], weights: Option<&mut [f64]>) {
        if self.value != 0 {
            values
                .iter_mut()
                .for_each(|x| *x = times_pow2(*x, self.value));
        }
        if let (Some(w), true) = (weights, self.weight != 0) {
            w.iter_mut().for_each(|x| *x = times_pow2(*x, self.weight));
        }
    }

    /// A money amount computed on rescaled values, in the values' own units.
    pub fn money_back(&self, v: f64) -> f64 {
        times_pow2(v, -self.value)
    }

    /// A number of persons (a sum of weights) computed on rescaled weights, in persons.
    pub fn persons_back(&self, v: f64) -> f64 {
        times_pow2(v, -self.weight)
    }
}
