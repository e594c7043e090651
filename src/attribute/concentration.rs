//! The concentration coefficient of one income ranked by another, and its influence function.
//! A Gini is the concentration coefficient of an income ranked by itself.

use crate::error::{Error, Location, Result};
use crate::kernel::sum::Compensated;
use crate::sample::{Income, SortedSample};
use std::borrow::Cow;

/// The concentration coefficient `C(a | r)` of income `a` ranked by income `r`:
///
/// `C = Σᵢ Σⱼ wᵢ wⱼ (aᵢ − aⱼ) sgn(rᵢ − rⱼ) / (2 W A)`, `W = Σ w`, `A = Σ w a`,
///
/// equivalently `C = Σ wᵢ aᵢ (2Fᵢ − 1) / A` with `Fᵢ = (W_{r<rᵢ} + W_{r=rᵢ}/2)/W` the
/// mid-rank of `rᵢ` (observations tied in `r` share their rank, so the order of ties does
/// not matter). With `a = r` it is the Gini ratio under the midpoint convention
/// ([`crate::measure::gini::GiniConvention::Midpoint`]), so for incomes that add up,
/// `y = Σ_k y_k`, the Gini of `y` is `Σ_k S_k C(y_k | y)` exactly (Lerman & Yitzhaki 1985).
///
/// # Errors
/// The components are missing from the sample; `A = 0` (a Gini needs `A > 0`).
///
/// Hand-worked: incomes 1, 2, 3, 4 with a transfer 1, 0, 0, 1: `F = 1/8, 3/8, 5/8, 7/8`,
/// `C = (1·(−3/4) + 1·(3/4)) / 2 = 0`; the transfer 2, 1, 0, 0 gives
/// `(2·(−3/4) + 1·(−1/4)) / 3 = −7/12`.
/// ```
/// use ginikit::{SortedSample, attribute::concentration, sample::Income};
/// let s = SortedSample::with_components(vec![1.0, 2.0, 3.0, 4.0], None,
///     vec![("t".into(), vec![2.0, 1.0, 0.0, 0.0])]).unwrap();
/// let c = concentration(&s, Income::Component(0), Income::Total).unwrap();
/// assert!((c + 7.0 / 12.0).abs() < 1e-15);
/// ```
pub fn concentration(sample: &SortedSample, a: Income, r: Income) -> Result<f64> {
    let walk = Walk::new(sample, a, r)?;
    Ok(walk.value)
}

/// Influence values of [`concentration`], `zₖ = ∂C/∂wₖ`, one per position of the sample
/// (its own sorted order):
///
/// `zₖ = [aₖ (W_< − W_>) − (A_< − A_>)] / (W A) − C (1/W + aₖ/A)`,
///
/// with `W_<, A_<` (`W_>, A_>`) the weight and `Σ w a` of the observations ranked strictly
/// below (above) `rₖ`: the derivative of the double sum above, whose terms with `rᵢ = rⱼ`
/// vanish. For `a = r` it is the Gini's influence function. `Σ wₖ zₖ = 0` (C is scale-free).
///
/// ```
/// use ginikit::{SortedSample, attribute::concentration_influence, sample::Income};
/// use ginikit::measure::gini::{gini_influence, GiniConvention};
/// let s = SortedSample::with_components(vec![1.0, 2.0, 3.0, 4.0], None,
///     vec![("t".into(), vec![0.0; 4])]).unwrap();
/// let z = concentration_influence(&s, Income::Total, Income::Total).unwrap();
/// let g = gini_influence(&s, GiniConvention::Midpoint).unwrap();
/// assert!(z.iter().zip(&g).all(|(a, b)| (a - b).abs() < 1e-15));
/// ```
pub fn concentration_influence(sample: &SortedSample, a: Income, r: Income) -> Result<Vec<f64>> {
    let walk = Walk::new(sample, a, r)?;
    let (w_all, a_all, c) = (walk.weight, walk.total, walk.value);
    let inv = 1.0 / (w_all * a_all);
    let mut z = vec![0.0; sample.len()];
    walk.groups(|members, w_before, a_before, w_group, a_group| {
        let w_diff = w_before - (w_all - w_before - w_group);
        let a_diff = a_before - (a_all - a_before - a_group);
        for &p in members {
            let ak = walk.a[p];
            z[p] = (ak * w_diff - a_diff) * inv - c * (1.0 / w_all + ak / a_all);
        }
    });
    Ok(z)
}

/// One pass over the observations in the order of `r`, by groups of ties.
struct Walk<'a> {
    sample: &'a SortedSample,
    /// Income `a` at each sample position.
    a: Cow<'a, [f64]>,
    /// Sample positions in ascending order of `r`, with `r` there (`None`: the sample's own
    /// order).
    ranked: Option<std::sync::Arc<crate::sample::Ranked>>,
    weight: f64,
    total: f64,
    value: f64,
}

impl<'a> Walk<'a> {
    fn new(sample: &'a SortedSample, a: Income, r: Income) -> Result<Self> {
        let components = sample.components();
        let needs = |i: Income| i != Income::Total;
        if (needs(a) || needs(r)) && components.is_none() {
            return Err(Error::Undefined {
                location: Location::Argument("values"),
                measure: "a concentration coefficient".into(),
                reason: "the sample carries no income components".into(),
                context: String::new(),
            });
        }
        let a_col = match (a, components) {
            (Income::Total, _) | (_, None) => Cow::Borrowed(sample.values()),
            (a, Some(c)) => Cow::Owned(c.income(sample.values(), a)),
        };
        let ranked = match (r, components) {
            (Income::Total, _) | (_, None) => None,
            (r, Some(c)) => Some(c.ranked(sample.values(), r)),
        };
        let mut walk = Walk {
            sample,
            a: a_col,
            ranked,
            weight: 0.0,
            total: 0.0,
            value: 0.0,
        };
        let (mut w, mut t, mut n) = (Compensated::ZERO, Compensated::ZERO, Compensated::ZERO);
        walk.groups(|_, w_before, _, w_group, a_group| {
            n.add(a_group * (2.0 * w_before + w_group));
            w.add(w_group);
            t.add(a_group);
        });
        walk.weight = w.value();
        walk.total = t.value();
        let gini = a == r;
        if walk.total == 0.0 || (gini && walk.total < 0.0) {
            let describe = |i: Income| components.map_or("the value".into(), |c| c.describe(i));
            let what = if gini {
                format!("the Gini ratio of {}", describe(a))
            } else {
                format!(
                    "the concentration coefficient of {} ranked by {}",
                    describe(a),
                    describe(r)
                )
            };
            return Err(Error::Undefined {
                location: Location::Argument("values"),
                measure: what,
                reason: format!(
                    "the weighted total of {} is {}, and the coefficient divides by it (nobody \
                     in the group has any, or it is negative)",
                    describe(a),
                    walk.total
                ),
                context: String::new(),
            });
        }
        walk.value = n.value() / (walk.weight * walk.total) - 1.0;
        Ok(walk)
    }

    /// Calls `f(members, W before, A before, W of the group, A of the group)` for each group
    /// of observations tied in `r`, in ascending order; the running totals are compensated
    /// sums in that fixed order (one result on any number of threads).
    fn groups(&self, mut f: impl FnMut(&[usize], f64, f64, f64, f64)) {
        let n = self.sample.len();
        let (r_sorted, order): (&[f64], Option<&[u32]>) = match &self.ranked {
            Some(r) => (r.values.as_slice(), Some(r.order.as_slice())),
            None => (self.sample.values(), None),
        };
        let position = |j: usize| order.map_or(j, |o| o[j] as usize);
        let (mut w_before, mut a_before) = (Compensated::ZERO, Compensated::ZERO);
        let mut members = Vec::new();
        let mut j = 0;
        while j < n {
            let start = j;
            while j < n && r_sorted[j] == r_sorted[start] {
                j += 1;
            }
            members.clear();
            members.extend((start..j).map(position));
            let (mut wg, mut ag) = (Compensated::ZERO, Compensated::ZERO);
            for &p in &members {
                let w = self.sample.weight(p);
                wg.add(w);
                ag.add(w * self.a[p]);
            }
            let (wg, ag) = (wg.value(), ag.value());
            f(&members, w_before.value(), a_before.value(), wg, ag);
            w_before.add(wg);
            a_before.add(ag);
        }
    }
}
