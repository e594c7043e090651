//! The exact Gini of ordered segments.
//!
//! For values sorted ascending with weights, `T = Σ wᵢ xᵢ (Cᵢ₋₁ + wᵢ/2)` (`Cᵢ₋₁` the weight
//! before row i) and the Gini ratio is `G = 2T / (W S) − 1` with `W = Σ w`, `S = Σ w x` (the
//! midpoint convention: laeken, Eurostat, World Bank; ginikit's default). Inside a block of
//! equal values the rows may come in any order: `Σ wᵢ (Pᵢ + wᵢ/2) = (Σ w)²/2` whatever the
//! order. Segments whose values are all below the next segment's merge exactly:
//!
//! `(W, S, T)_A ⊕ (W, S, T)_B = (W_A + W_B, S_A + S_B, T_A + T_B + W_A · S_B)`
//!
//! an associative, not commutative, operation. So the rows can be cut into range buckets,
//! each sorted on its own (by the engine's external sort, spilling to disk when it must) and
//! summed to its `(W, S, T)`, and the buckets merged in value order.

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
    /// use ginikit_datafusion::Segment;
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
    /// use ginikit_datafusion::Segment;
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
