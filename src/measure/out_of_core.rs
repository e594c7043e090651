//! What a measure needs from a group's rows when they are never all in memory at once.
//!
//! An out-of-core engine (the crate `ginikit-datafusion`) sorts and sums a table in pieces; it
//! cannot hand an estimator a [`crate::SortedSample`]. An estimator that can be computed that
//! way says how in [`super::Estimator::out_of_core`]: which per-group quantities the engine
//! gathers ([`Plan`]) and the function of them that gives the value — the same terms and the
//! same finishing function the in-memory estimator uses, so that a measure is defined once.
//! A measure without a plan is refused by such an engine, by name.

use crate::error::Result;

/// How an engine that reads a group's rows in pieces computes one measure.
pub enum Plan {
    /// The Gini ratio, midpoint convention, from the value-sorted rows merged bucket by
    /// bucket: `G = 2T/(W S) − 1` with `T = Σ wᵢ xᵢ (Cᵢ₋₁ + wᵢ/2)`.
    Gini,
    /// The weighted mean `Σ w x / Σ w`.
    Mean,
    /// A mean of a term: `m = Σ w·term(x, r) / Σ w` over the group's rows (over its
    /// strictly positive values when `positive`), `r` the [`Reference`]; the value is
    /// `finish(m, r/μ)`, `μ` the weighted mean of the same rows.
    Sum {
        /// The summed term.
        term: Term,
        /// What the term's values are divided by.
        reference: Reference,
        /// Whether the measure is defined on strictly positive values only (GE, Atkinson).
        positive: bool,
        /// `(m, r/μ) ↦ value`.
        finish: Box<dyn Fn(f64, f64) -> f64 + Send + Sync>,
    },
    /// A function of Lorenz ordinates: `L(p) = Σ w x` of the poorest fraction `p` of the
    /// population (a boundary inside a person's weight splits that person), at each of
    /// `fractions`; the value is `finish(&[L(p)…], Σ w x, Σ w)`.
    Lorenz {
        /// The population fractions, each in [0, 1].
        fractions: Vec<f64>,
        /// `(ordinates in the order of fractions, total value, total weight) ↦ value`; an
        /// error when the measure is undefined there (a share of a non-positive total, a
        /// ratio over an empty share).
        finish: Lorenz,
    },
    /// The weighted quantile at `p`: the smallest value whose cumulative weight share
    /// reaches `p`, averaged with the next value of positive weight when it is reached
    /// exactly; `p = 0` and `p = 1` the smallest and largest values of positive weight.
    Quantile(f64),
}

/// The finishing function of a [`Plan::Lorenz`].
pub type Lorenz = Box<dyn Fn(&[f64], f64, f64) -> Result<f64> + Send + Sync>;

/// A summed term of [`Plan::Sum`], of a value `x` and a reference `r`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Term {
    /// `ln(x/r)`.
    Ln,
    /// `(x/r)·ln(x/r)`.
    XLnX,
    /// `(x/r)^a`.
    Power(f64),
    /// The poverty gap to the power α below the line `r`: `(1 − x/r)^α` when `x < r`, else 0
    /// (`0⁰ = 1`: the headcount).
    Gap(f64),
}

impl Term {
    /// The term at `x` with reference `r`.
    ///
    /// ```
    /// use ginikit::measure::out_of_core::Term;
    /// assert_eq!(Term::Power(2.0).at(3.0, 2.0), 2.25);
    /// assert_eq!(Term::Gap(0.0).at(1.0, 3.0), 1.0);
    /// assert!((Term::Gap(2.0).at(1.0, 3.0) - 4.0 / 9.0).abs() < 1e-15); // (1 − 1/3)²
    /// assert_eq!(Term::Gap(1.0).at(3.0, 3.0), 0.0);
    /// assert_eq!(Term::XLnX.at(1.0, 1.0), 0.0);
    /// ```
    #[inline(always)]
    pub fn at(self, x: f64, r: f64) -> f64 {
        match self {
            Term::Ln => (x / r).ln(),
            Term::XLnX => {
                let q = x / r;
                q * q.ln()
            }
            Term::Power(a) => (x / r).powf(a),
            Term::Gap(alpha) => {
                if x >= r {
                    0.0
                } else if alpha == 0.0 {
                    1.0
                } else {
                    let g = 1.0 - x / r;
                    if alpha == 1.0 {
                        g
                    } else if alpha == 2.0 {
                        g * g
                    } else {
                        g.powf(alpha)
                    }
                }
            }
        }
    }

    /// `w` times the term, associated as the sums of both engines compute it
    /// (`w·(x/r)·ln(x/r)` multiplies from the left, as SQL's `w * q * ln(q)` does).
    ///
    /// ```
    /// use ginikit::measure::out_of_core::Term;
    /// assert_eq!(Term::XLnX.weighted(2.0, 1.0, 1.0), 0.0);
    /// assert_eq!(Term::Gap(1.0).weighted(2.0, 1.0, 4.0), 1.5);
    /// ```
    #[inline(always)]
    pub fn weighted(self, w: f64, x: f64, r: f64) -> f64 {
        match self {
            Term::XLnX => {
                let q = x / r;
                w * q * q.ln()
            }
            _ => w * self.at(x, r),
        }
    }
}

/// What the term of a [`Plan::Sum`] divides by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reference {
    /// The weighted mean of the rows summed.
    Mean,
    /// The smallest value of positive weight.
    Smallest,
    /// The largest value of positive weight.
    Largest,
    /// The poverty line.
    PovertyLine,
}

/// The exact Gini of ordered segments ([`Plan::Gini`]).
///
/// For values sorted ascending with weights, `T = Σ wᵢ xᵢ (Cᵢ₋₁ + wᵢ/2)` (`Cᵢ₋₁` the weight
/// before row i) and the Gini ratio is `G = 2T / (W S) − 1` with `W = Σ w`, `S = Σ w x` (the
/// midpoint convention). Inside a block of equal values the rows may come in any order:
/// `Σ wᵢ (Pᵢ + wᵢ/2) = (Σ w)²/2` whatever the order. Segments whose values are all below the
/// next segment's merge exactly:
///
/// `(W, S, T)_A ⊕ (W, S, T)_B = (W_A + W_B, S_A + S_B, T_A + T_B + W_A · S_B)`
///
/// an associative, not commutative, operation. So the rows can be cut into range buckets,
/// each sorted on its own (by an engine's external sort, spilling to disk when it must) and
/// summed to its `(W, S, T)`, and the buckets merged in value order.
///
/// The weighted count `w`, total `s` and rank-weighted total `t` of an ordered segment.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Segment {
    pub w: f64,
    pub s: f64,
    pub t: f64,
}

impl Segment {
    /// The segment of sorted `(value, weight)` rows.
    ///
    /// ```
    /// use ginikit::measure::out_of_core::Segment;
    /// // 1, 2, 3, 4, 10 with unit weights: T = Σ xᵢ (i − ½) = 0.5 + 3 + 7.5 + 14 + 45 = 70.
    /// let s = Segment::of_sorted(&[(1.0, 1.0), (2.0, 1.0), (3.0, 1.0), (4.0, 1.0), (10.0, 1.0)]);
    /// assert_eq!((s.w, s.s, s.t), (5.0, 20.0, 70.0));
    /// // G = 2·70/(5·20) − 1 = 0.4, the mean-difference Gini of the five values.
    /// assert!((s.gini() - 0.4).abs() < 1e-15);
    /// ```
    pub fn of_sorted(rows: &[(f64, f64)]) -> Segment {
        let mut seg = Segment::default();
        for &(x, w) in rows {
            seg.t += w * x * (seg.w + w / 2.0);
            seg.w += w;
            seg.s += w * x;
        }
        seg
    }

    /// `self ⊕ later`: `later`'s values are all at or above `self`'s.
    ///
    /// ```
    /// use ginikit::measure::out_of_core::Segment;
    /// let rows = [(1.0, 2.0), (2.0, 1.0), (2.0, 3.0), (5.0, 1.0), (9.0, 0.5)];
    /// let whole = Segment::of_sorted(&rows);
    /// let merged = Segment::of_sorted(&rows[..2]).then(Segment::of_sorted(&rows[2..]));
    /// assert!((merged.t - whole.t).abs() < 1e-12 && merged.w == whole.w && merged.s == whole.s);
    /// ```
    pub fn then(self, later: Segment) -> Segment {
        Segment {
            w: self.w + later.w,
            s: self.s + later.s,
            t: self.t + later.t + self.w * later.s,
        }
    }

    /// `G = 2T / (W S) − 1`.
    pub fn gini(&self) -> f64 {
        2.0 * self.t / (self.w * self.s) - 1.0
    }
}

impl std::fmt::Debug for Plan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Plan::Gini => write!(f, "Gini"),
            Plan::Mean => write!(f, "Mean"),
            Plan::Sum {
                term,
                reference,
                positive,
                ..
            } => write!(f, "Sum({term:?}, {reference:?}, positive: {positive})"),
            Plan::Lorenz { fractions, .. } => write!(f, "Lorenz({fractions:?})"),
            Plan::Quantile(p) => write!(f, "Quantile({p})"),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::measure::{registry::FAMILIES, Measure, Options};

    /// A family's `out_of_core` flag says what its measures do: a name of each form parses
    /// to a measure with a plan exactly when the flag is set.
    #[test]
    fn families_flag_their_plans_truly() {
        for f in FAMILIES {
            for form in f.syntax.split(", ") {
                let name = form
                    .replace("[_<quantile>]", "")
                    .replace("<alpha>", "2")
                    .replace("<epsilon>", "0.5")
                    .replace("<from>_<to>", "0.1_0.3")
                    .replace("<1-10>", "3")
                    .replace("<p>", "0.3")
                    .replace("<k>", "10")
                    .replace("<nu>", "2")
                    .replace("<percent>", "60");
                let m = Measure::parse(&name).unwrap_or_else(|e| panic!("{name}: {e}"));
                let plan = m.out_of_core(&Options::default());
                assert_eq!(plan.is_some(), f.out_of_core, "{name}: {plan:?}");
            }
        }
    }
}
