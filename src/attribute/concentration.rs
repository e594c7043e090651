//! The concentration coefficient of one income ranked by another, and its influence function.
//! A Gini is the concentration coefficient of an income ranked by itself.

use crate::error::{Error, Location, Result};
use crate::kernel::sum::Compensated;
use crate::sample::{Formed, Income, Ranked, SortedSample};
use rayon::prelude::*;
use std::sync::Arc;

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
    Ok(summary(sample, a, r)?.value)
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
    Ok(shared_influence(sample, a, r)?.as_ref().clone())
}

/// [`concentration_influence`], computed once per sample and shared. The pass that sums the
/// coefficient also leaves `uₖ = aₖ(2W_< + W_=) − (2A_< + A_=)` at each position (`W_=, A_=`
/// the totals of `rₖ`'s tie group), and since `W_< − W_> = 2W_< + W_= − W`,
/// `zₖ = uₖ/(W A) − aₖ(1 + C)/A + (1 − C)/W` follows in one more pass over positions.
pub(super) fn shared_influence(
    sample: &SortedSample,
    a: Income,
    r: Income,
) -> Result<Arc<Vec<f64>>> {
    sample.memo(
        ("concentration_influence", a.code(), r.code() as usize),
        || {
            let columns = Columns::new(sample, a, r)?;
            let mut z = crate::kernel::memory::filled_vec::<f64>(sample.len());
            let s = pass(sample, &columns, a, r, Some(&mut z))?;
            // The same sums in the same order as `summary`'s: the same coefficient.
            sample.memo(("concentration", a.code(), r.code() as usize), || Ok(s))?;
            let (inv, slope, shift) = (
                1.0 / (s.weight * s.total),
                (1.0 + s.value) / s.total,
                (1.0 - s.value) / s.weight,
            );
            let coefficients = (inv, slope, shift);
            match &columns.a {
                Column::Borrowed(c) => finish(&mut z, coefficients, |k| c[k]),
                Column::Shared(c) => finish(&mut z, coefficients, |k| c[k]),
                Column::Formed(f) => finish(&mut z, coefficients, |k| f.at(k)),
            }
            Ok(z)
        },
    )
}

/// `zₖ = uₖ·inv − aₖ·slope + shift` in place of each `uₖ` (see [`shared_influence`]).
fn finish(z: &mut [f64], (inv, slope, shift): (f64, f64, f64), a: impl Fn(usize) -> f64 + Sync) {
    z.par_iter_mut()
        .enumerate()
        .with_min_len(1 << 14)
        .for_each(|(k, u)| *u = *u * inv - a(k) * slope + shift);
}

/// `W`, `A` and `C(a | r)` of a sample, computed once per sample (per replicate): terms
/// share concentration coefficients (a Gini sits in many ratios).
#[derive(Debug, Clone, Copy)]
struct Summary {
    weight: f64,
    total: f64,
    value: f64,
}

fn summary(sample: &SortedSample, a: Income, r: Income) -> Result<Summary> {
    let s = sample.memo(("concentration", a.code(), r.code() as usize), || {
        pass(sample, &Columns::new(sample, a, r)?, a, r, None)
    })?;
    Ok(*s)
}

/// The coefficient's one pass in the order of `r`; with `u`, it also leaves there the
/// numerator of each position's influence (see [`shared_influence`]).
fn pass(
    sample: &SortedSample,
    columns: &Columns<'_>,
    a: Income,
    r: Income,
    mut u: Option<&mut [f64]>,
) -> Result<Summary> {
    let mut n = Compensated::ZERO;
    let (weight, total) = columns.groups(|range, w_before, a_before, w_group, a_group| {
        n.add(a_group * (2.0 * w_before + w_group));
        if let Some(u) = u.as_deref_mut() {
            let (w_rank, a_rank) = (2.0 * w_before + w_group, 2.0 * a_before + a_group);
            for j in range {
                let p = columns.position(j);
                // The place written a few ranks ahead, asked for now (scattered over the
                // sample when `r` is not its own order, like the reads).
                if let Some(ahead) = columns.scattered_position(j + PREFETCH) {
                    crate::kernel::prefetch(u, ahead);
                }
                u[p] = columns.a_at(j, p) * w_rank - a_rank;
            }
        }
    });
    let gini = a == r;
    if total == 0.0 || (gini && total < 0.0) {
        let components = sample.components();
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
        let problem = if total == 0.0 {
            "is 0, and the coefficient divides by it".to_string()
        } else {
            format!("is {total}, and a Gini ratio needs a positive total")
        };
        // The fix, where `a` is a component the caller chose.
        let fix = match a {
            Income::Component(_) if total == 0.0 => format!(
                "; nobody here has any of it: leave {} out of the components, or, by group, \
                 merge this group with another",
                describe(a)
            ),
            Income::Component(_) => format!(
                "; combine {} with another component, or leave it out",
                describe(a)
            ),
            _ => String::new(),
        };
        let reason = format!("the weighted total of {} {problem}{fix}", describe(a));
        return Err(Error::Undefined {
            // A component's own column, where it is one (the table layer names it).
            location: match a {
                Income::Component(k) => Location::Component(k),
                _ => Location::Argument("values"),
            },
            measure: what,
            reason,
            context: String::new(),
        });
    }
    Ok(Summary {
        weight,
        total,
        value: n.value() / (weight * total) - 1.0,
    })
}

/// How many ranks ahead a pass asks for the scattered values it will read.
const PREFETCH: usize = 16;

/// The columns of one concentration coefficient: income `a` at each sample position, and
/// the sample's positions in ascending order of `r` with `r` there.
struct Columns<'a> {
    sample: &'a SortedSample,
    a: Column<'a>,
    /// `None`: `r` is the sample's own value, in its own order.
    ranked: Option<Arc<Ranked>>,
    /// `a = r` (a Gini): `a` read from the ranking itself, in its order, rather than gathered
    /// from the sample's positions.
    a_is_r: bool,
}

/// An income at each sample position: the sample's own values, or one derived from its
/// components, kept as a column or formed where it is read
/// ([`crate::sample::Components::formed`]).
enum Column<'a> {
    Borrowed(&'a [f64]),
    Shared(Arc<Vec<f64>>),
    Formed(Formed<'a>),
}

impl Column<'_> {
    /// The income at sample position `p`.
    #[inline(always)]
    fn at(&self, p: usize) -> f64 {
        match self {
            Column::Borrowed(c) => c[p],
            Column::Shared(c) => c[p],
            Column::Formed(f) => f.at(p),
        }
    }

    /// The column, where it is kept.
    fn kept(&self) -> Option<&[f64]> {
        match self {
            Column::Borrowed(c) => Some(c),
            Column::Shared(c) => Some(c),
            Column::Formed(..) => None,
        }
    }
}

impl<'a> Columns<'a> {
    fn new(sample: &'a SortedSample, a: Income, r: Income) -> Result<Self> {
        let components = sample.components();
        if (a != Income::Total || r != Income::Total) && components.is_none() {
            return Err(Error::Undefined {
                location: Location::Argument("values"),
                measure: "a concentration coefficient".into(),
                reason: "the sample carries no income components".into(),
                context: String::new(),
            });
        }
        let a_col = match (a, components) {
            (Income::Total, _) | (_, None) => Column::Borrowed(sample.values()),
            (Income::Component(k), Some(c)) => Column::Borrowed(c.column(k)),
            (a, Some(c)) => match c.formed(sample.values(), a) {
                Some(f) => Column::Formed(f),
                None => Column::Shared(c.income(sample.values(), a)),
            },
        };
        let ranked = match (r, components) {
            (Income::Total, _) | (_, None) => None,
            (r, Some(c)) => Some(c.ranked(sample.values(), r)),
        };
        Ok(Columns {
            sample,
            a: a_col,
            ranked,
            a_is_r: a == r,
        })
    }

    /// `a` at the j-th smallest `r`, which is at sample position `p`.
    #[inline(always)]
    fn a_at(&self, j: usize, p: usize) -> f64 {
        match &self.ranked {
            Some(r) if self.a_is_r => r.values[j],
            _ => self.a.at(p),
        }
    }

    /// Asks the cache for the weight and the amount that the pass will read at rank `j`
    /// (scattered over the sample when `r` is not its own order: without this, each read
    /// waits for memory).
    #[inline(always)]
    fn prefetch(&self, j: usize) {
        if let Some(p) = self.scattered_position(j) {
            if let Some(w) = self.sample.weights() {
                crate::kernel::prefetch(w, p);
            }
            if let Some(a) = self.a.kept().filter(|_| !self.a_is_r) {
                crate::kernel::prefetch(a, p);
            }
        }
    }

    /// The sample position of the j-th smallest `r`, where `r` is not the sample's own
    /// order and `j` is a rank.
    #[inline(always)]
    fn scattered_position(&self, j: usize) -> Option<usize> {
        Some(*self.ranked.as_ref()?.order.get(j)? as usize)
    }

    /// The sample position of the j-th smallest `r`.
    #[inline(always)]
    fn position(&self, j: usize) -> usize {
        self.ranked.as_ref().map_or(j, |r| r.order[j] as usize)
    }

    /// Calls `f(ranks, W before, A before, W of the group, A of the group)` for each group
    /// of observations tied in `r` (`ranks` their places in the order of `r`), ascending;
    /// the totals are compensated sums in that fixed order (one result on any number of
    /// threads). Returns the totals `(W, A)`.
    fn groups(&self, mut f: impl FnMut(std::ops::Range<usize>, f64, f64, f64, f64)) -> (f64, f64) {
        let n = self.sample.len();
        let r_sorted: &[f64] = match &self.ranked {
            Some(r) => &r.values,
            None => self.sample.values(),
        };
        let weights = self.sample.weights();
        let (mut w_before, mut a_before) = (Compensated::ZERO, Compensated::ZERO);
        let mut j = 0;
        while j < n {
            let start = j;
            self.prefetch(j + PREFETCH);
            let p = self.position(j);
            let w = weights.map_or(1.0, |w| w[p]);
            j += 1;
            let (wg, ag) = if j < n && r_sorted[j] == r_sorted[start] {
                // A tie: the group's totals, compensated.
                let (mut wg, mut ag) = (Compensated::ZERO, Compensated::ZERO);
                wg.add(w);
                ag.add(w * self.a_at(start, p));
                while j < n && r_sorted[j] == r_sorted[start] {
                    let p = self.position(j);
                    let w = weights.map_or(1.0, |w| w[p]);
                    wg.add(w);
                    ag.add(w * self.a_at(j, p));
                    j += 1;
                }
                (wg.value(), ag.value())
            } else {
                // One observation: its own weight and amount, exactly what a compensated sum
                // of one term gives.
                (w, w * self.a_at(start, p))
            };
            f(start..j, w_before.value(), a_before.value(), wg, ag);
            w_before.add(wg);
            a_before.add(ag);
        }
        (w_before.value(), a_before.value())
    }
}
