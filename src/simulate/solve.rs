//! The smallest budget of a scheme that brings the Gini to a target.
//!
//! A *lever* is a scheme with its size free: the factor of a scaled transfer (θ = f − 1), the
//! families a widened programme reaches (θ = F) or the amount of a top-up (θ = a). Its change
//! `Δ(θ)` is `θ·a_i` (scale, top-up) or `a_i·1{p_i < θ}` (widen: `a_i` the per-person amount,
//! `p_i` the households ranked before row i). The Gini of `y + Δ(θ)` is evaluated on the full
//! sample until the first θ that reaches the target is bracketed, then bisected.
//!
//! For the interval, the solve is an [`Estimator`] that any replicate method re-runs: on the
//! grid `θ_j = θ̂·j/20`, j = 0…40, each replicate's Gini is computed at every grid point (the
//! order of `y + Δ(θ_j)` is the same for every replicate, so it is sorted once per grid
//! point), the first grid point at or below the target is found and θ and the budget are
//! interpolated linearly between it and the one before. A replicate that does not reach the
//! target within 2θ̂ is left out and counted.

use super::{Rows, WidenPlan};
use crate::error::{Error, Location, Result};
use crate::measure::gini::{gini, GiniConvention};
use crate::measure::{Estimator, Measure, Options, Unit};
use crate::SortedSample;
use std::sync::{Arc, Mutex, OnceLock};

/// What a solve may vary.
#[derive(Debug, Clone, PartialEq)]
pub enum Lever {
    /// Scale a transfer column: θ = factor − 1.
    Scale { transfer: String },
    /// Widen a transfer's coverage: θ = families added.
    Widen {
        transfer: String,
        amount: Option<f64>,
        noise: f64,
        seed: u64,
    },
    /// Top up the poorest `bottom` share of persons: θ = amount per person per month.
    TopUp { bottom: f64 },
}

impl Lever {
    /// What θ is, for reports.
    pub fn parameter(&self) -> &'static str {
        match self {
            Lever::Scale { .. } => "factor",
            Lever::Widen { .. } => "families added",
            Lever::TopUp { .. } => "amount per person per month",
        }
    }

    /// A phrase naming the lever.
    pub fn describe(&self) -> String {
        match self {
            Lever::Scale { transfer } => format!("scale {transfer}"),
            Lever::Widen {
                transfer, noise, ..
            } => {
                format!("widen {transfer} (targeting noise {noise})")
            }
            Lever::TopUp { bottom } => format!("top up the poorest {} %", bottom * 100.0),
        }
    }
}

/// A lever on given rows: the per-row amounts `a` and priorities `p` of its change.
#[derive(Debug, Clone)]
pub struct Direction {
    pub lever: Lever,
    /// Per-person amount per unit of θ (scale, top-up) or once reached (widen).
    pub amount: Vec<f64>,
    /// Widen: household weight ranked before the row (`f64::MAX` for rows it cannot reach).
    pub priority: Option<Vec<f64>>,
    /// The largest θ the lever allows (widen: every household without the programme).
    pub max: f64,
}

impl Direction {
    /// The change of `lever` for `rows`.
    ///
    /// # Errors
    /// As [`super::change`].
    pub fn new(rows: &Rows, lever: &Lever) -> Result<Direction> {
        let n = rows.values.len();
        Ok(match lever {
            Lever::Scale { transfer } => Direction {
                lever: lever.clone(),
                amount: rows.transfers[rows.transfer(transfer)?].clone(),
                priority: None,
                max: f64::INFINITY,
            },
            Lever::TopUp { bottom } => {
                super::require(
                    *bottom > 0.0 && *bottom <= 1.0,
                    "top-up share",
                    *bottom,
                    "a share in (0, 1] of persons",
                )?;
                let poorest = super::poorest(rows, *bottom);
                Direction {
                    lever: lever.clone(),
                    amount: poorest.iter().map(|&p| f64::from(u8::from(p))).collect(),
                    priority: None,
                    max: f64::INFINITY,
                }
            }
            Lever::Widen {
                transfer,
                amount,
                noise,
                seed,
            } => {
                let plan = WidenPlan::new(rows, transfer, *amount, *noise, *seed)?;
                let mut a = vec![0.0; n];
                let mut p = vec![f64::MAX; n];
                let mut before = 0.0;
                for (&i, &cum) in plan.order.iter().zip(&plan.cumulative) {
                    a[i] = plan.per_person[i];
                    p[i] = before;
                    before = cum;
                }
                Direction {
                    lever: lever.clone(),
                    amount: a,
                    priority: Some(p),
                    max: plan.capacity(),
                }
            }
        })
    }

    /// `Δ(θ)` for every row.
    pub fn delta_at(&self, theta: f64) -> Vec<f64> {
        let widen = self.priority.is_some();
        (0..self.amount.len())
            .map(|i| {
                let p = self.priority.as_ref().map_or(0.0, |p| p[i]);
                delta(widen, self.amount[i], p, theta)
            })
            .collect()
    }

    /// The Gini (midpoint) of `y + Δ(θ)` with the rows' person weights.
    pub fn gini_at(&self, rows: &Rows, theta: f64) -> Result<f64> {
        let v: Vec<f64> = rows
            .values
            .iter()
            .zip(self.delta_at(theta))
            .map(|(y, d)| y + d)
            .collect();
        gini(
            &SortedSample::from_vecs(v, Some(rows.person_weights.clone()))?,
            GiniConvention::Midpoint,
        )
    }
}

/// The full-sample answer of a solve.
#[derive(Debug, Clone, PartialEq)]
pub enum Solution {
    /// The smallest θ found, its Gini and its yearly budget.
    Reached { theta: f64, gini: f64, budget: f64 },
    /// Not reachable: the lowest Gini the lever gives within its range, at θ, and its budget.
    Unreachable { theta: f64, gini: f64, budget: f64 },
}

/// Solves on the full sample for the smallest θ with `G(y + Δ(θ)) ≤ target`.
///
/// # Errors
/// A target at or above the Gini today (nothing to do), or not a number in (0, 1).
pub fn solve(rows: &Rows, direction: &Direction, target: f64) -> Result<Solution> {
    let g0 = direction.gini_at(rows, 0.0)?;
    if !(target > 0.0 && target < 1.0) {
        return Err(Error::InvalidParameter {
            name: "target Gini",
            value: target.to_string(),
            expected: "a Gini between 0 and 1".into(),
        });
    }
    if target >= g0 {
        return Err(Error::InvalidParameter {
            name: "target Gini",
            value: target.to_string(),
            expected: format!("a target below the Gini today, {g0:.4}: it is already met"),
        });
    }
    let budget = |theta: f64| super::budget(rows, &direction.delta_at(theta));
    // Scan for the first θ at or below the target: doubling from a small step (scale: 1 % of
    // the transfer; top-up: 0.1 % of the mean value), or 64 steps over the widen range.
    let mean = {
        let w: f64 = rows.person_weights.iter().sum();
        rows.values
            .iter()
            .zip(&rows.person_weights)
            .map(|(y, w)| y * w)
            .sum::<f64>()
            / w
    };
    let steps: Vec<f64> = match direction.lever {
        Lever::Scale { .. } => (0..24).map(|k| 0.01 * 2f64.powi(k)).collect(),
        Lever::TopUp { .. } => (0..24).map(|k| 0.001 * mean * 2f64.powi(k)).collect(),
        Lever::Widen { .. } => (1..=64).map(|j| direction.max * j as f64 / 64.0).collect(),
    };
    let (mut lo, mut best) = (0.0, (0.0, g0));
    let mut rising = 0;
    for &theta in &steps {
        let g = direction.gini_at(rows, theta)?;
        if g <= target {
            let theta = bisect(lo, theta, |t| Ok(direction.gini_at(rows, t)? <= target))?;
            return Ok(Solution::Reached {
                theta,
                gini: direction.gini_at(rows, theta)?,
                budget: budget(theta),
            });
        }
        if g < best.1 {
            best = (theta, g);
            rising = 0;
        } else {
            rising += 1;
            // Two steps up past the lowest point: more of this lever only raises the Gini.
            if rising >= 2 {
                break;
            }
        }
        lo = theta;
    }
    Ok(Solution::Unreachable {
        theta: best.0,
        gini: best.1,
        budget: budget(best.0),
    })
}

/// The smallest θ in (lo, hi] where `reached` holds, to a relative 1e-10 (`reached(hi)` holds).
fn bisect(mut lo: f64, mut hi: f64, reached: impl Fn(f64) -> Result<bool>) -> Result<f64> {
    for _ in 0..200 {
        if hi - lo <= 1e-10 * hi {
            break;
        }
        let mid = 0.5 * (lo + hi);
        if reached(mid)? {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    Ok(hi)
}

/// Grid points per θ̂ (θ_j = θ̂·j/GRID_STEPS) and their number (j = 0 … 2·GRID_STEPS).
const GRID_STEPS: usize = 20;

/// What a replicate solve returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    Budget,
    Parameter,
}

/// The solve as an estimator on a sample whose components are the direction's amounts and
/// priorities (see [`solve_table_components`]), for replicate intervals.
#[derive(Debug, Clone)]
pub struct SolveEstimator {
    pub lever: Lever,
    pub target: f64,
    pub output: Output,
    grid: Arc<Vec<f64>>,
    /// Per grid point, the order of `y + Δ(θ_j)`, made for the first sample and shared by its
    /// replicates, which keep the sample's order and values (the same allocation, held here
    /// so that no other sample can reuse its address while it is the key).
    orders: Arc<Mutex<Option<OrdersOf>>>,
}

/// For each grid point, the sample positions in the order of `y + Δ(θ_j)`, made once.
type GridOrders = Arc<Vec<OnceLock<Vec<u32>>>>;
/// The grid orders of one sample's values (the allocation they were made for).
type OrdersOf = (Arc<Vec<f64>>, GridOrders);

/// The budget and parameter estimators of a solve whose full-sample answer is `theta`.
pub fn solve_measures(lever: &Lever, target: f64, theta: f64, max: f64) -> Vec<Measure> {
    let grid: Arc<Vec<f64>> = Arc::new(
        (0..=2 * GRID_STEPS)
            .map(|j| (theta * j as f64 / GRID_STEPS as f64).min(max))
            .collect(),
    );
    let orders = Arc::new(Mutex::new(None));
    [Output::Budget, Output::Parameter]
        .into_iter()
        .map(|output| {
            Measure::new(SolveEstimator {
                lever: lever.clone(),
                target,
                output,
                grid: Arc::clone(&grid),
                orders: Arc::clone(&orders),
            })
        })
        .collect()
}

/// The component columns a solve's sample carries: amounts, and priorities (zeros unless
/// widening).
pub fn solve_table_components(direction: &Direction) -> Vec<(String, Vec<f64>)> {
    vec![
        ("amount".into(), direction.amount.clone()),
        (
            "priority".into(),
            direction
                .priority
                .clone()
                .unwrap_or_else(|| vec![0.0; direction.amount.len()]),
        ),
    ]
}

/// A row's change at `θ` from its amount `a` and priority `p`: `a·1{p < θ}` when widening,
/// else `θ·a`.
fn delta(widen: bool, a: f64, p: f64, theta: f64) -> f64 {
    match (widen, p < theta) {
        (true, true) => a,
        (true, false) => 0.0,
        (false, _) => theta * a,
    }
}

impl SolveEstimator {
    fn widen(&self) -> bool {
        matches!(self.lever, Lever::Widen { .. })
    }

    fn orders_for(&self, sample: &SortedSample) -> GridOrders {
        let key = sample.shared_values();
        let mut slot = self.orders.lock().unwrap_or_else(|e| e.into_inner());
        match &*slot {
            Some((k, o)) if Arc::ptr_eq(k, key) => Arc::clone(o),
            _ => {
                let o: GridOrders = Arc::new(self.grid.iter().map(|_| OnceLock::new()).collect());
                *slot = Some((Arc::clone(key), Arc::clone(&o)));
                o
            }
        }
    }
}

impl Estimator for SolveEstimator {
    fn name(&self) -> String {
        match self.output {
            Output::Budget => "budget".into(),
            Output::Parameter => self.lever.parameter().replace(' ', "_"),
        }
    }

    fn unit(&self) -> Unit {
        match (self.output, &self.lever) {
            (Output::Budget, _) | (Output::Parameter, Lever::TopUp { .. }) => Unit::Money,
            _ => Unit::Index,
        }
    }

    fn value(&self, sample: &SortedSample, _: &Options) -> Result<f64> {
        let c = sample.components().ok_or_else(|| Error::Undefined {
            location: Location::Argument("values"),
            measure: "a budget solve".into(),
            reason: "the sample carries no scheme columns".into(),
            context: String::new(),
        })?;
        let (a, p, y) = (c.column(0), c.column(1), sample.values());
        let orders = self.orders_for(sample);
        let total_w = sample.total_weight();
        let point = |j: usize| -> (f64, f64) {
            let theta = self.grid[j];
            let order = orders[j].get_or_init(|| {
                let mut pairs: Vec<(f64, u32)> = (0..y.len())
                    .map(|k| (y[k] + delta(self.widen(), a[k], p[k], theta), k as u32))
                    .collect();
                crate::kernel::sort::sort_by_key(&mut pairs, |q| crate::kernel::sort::f64_key(q.0));
                pairs.into_iter().map(|q| q.1).collect()
            });
            // Midpoint Gini: 1 − Σ wᵢ(2Sᵢ₋₁ + wᵢvᵢ)/(W·V), S the running Σ w v. S goes
            // through `opaque` so that its addition is not packed with acc's into one vector
            // instruction (see there: 2.5 times slower).
            let (mut s, mut acc, mut cost) = (0.0, 0.0, 0.0);
            for &k in order {
                let k = k as usize;
                let w = sample.weight(k);
                let d = delta(self.widen(), a[k], p[k], theta);
                let v = y[k] + d;
                acc += w * (2.0 * s + w * v);
                s = crate::kernel::opaque(s + w * v);
                cost += w * d;
            }
            (1.0 - acc / (total_w * s), 12.0 * cost)
        };
        let mut previous = point(0);
        if previous.0 <= self.target {
            return Err(already_met(self.target));
        }
        for j in 1..self.grid.len() {
            let here = point(j);
            if here.0 <= self.target {
                // Linear between grid points j − 1 and j.
                let f = (previous.0 - self.target) / (previous.0 - here.0);
                let theta = self.grid[j - 1] + f * (self.grid[j] - self.grid[j - 1]);
                return Ok(match self.output {
                    Output::Budget => previous.1 + f * (here.1 - previous.1),
                    Output::Parameter => match self.lever {
                        Lever::Scale { .. } => 1.0 + theta,
                        _ => theta,
                    },
                });
            }
            previous = here;
        }
        Err(Error::Undefined {
            location: Location::Argument("target Gini"),
            measure: "the budget".into(),
            reason: format!(
                "the target {} is not reached within twice the full sample's answer",
                self.target
            ),
            context: String::new(),
        })
    }

    fn influence(&self, _: &SortedSample, _: &Options) -> Result<Vec<f64>> {
        Err(Error::Undefined {
            location: Location::Argument("se"),
            measure: "the budget of a target".into(),
            reason: "it has no linearized standard error here; use replicates (--se bootstrap, jackknife, brr or fay)".into(),
            context: String::new(),
        })
    }
}

fn already_met(target: f64) -> Error {
    Error::Undefined {
        location: Location::Argument("target Gini"),
        measure: "the budget".into(),
        reason: format!("the target {target} is already met without any change"),
        context: String::new(),
    }
}

impl Lever {
    /// A lever from `scale:COLUMN`, `widen:COLUMN` or `topup:PERCENT`.
    ///
    /// ```
    /// use ginikit::simulate::{solve::Lever, Targeting};
    /// assert_eq!(Lever::parse("topup:40", Targeting::default()).unwrap(), Lever::TopUp { bottom: 0.4 });
    /// assert!(Lever::parse("grow:pkh", Targeting::default()).unwrap_err().to_string().contains("not a lever"));
    /// ```
    ///
    /// # Errors
    /// Text not of that form.
    pub fn parse(text: &str, targeting: super::Targeting) -> Result<Lever> {
        let bad = |why: &str| Error::InvalidParameter {
            name: "--lever",
            value: text.into(),
            expected: why.into(),
        };
        let (kind, what) = text
            .split_once(':')
            .ok_or_else(|| bad("scale:COLUMN, widen:COLUMN or topup:PERCENT"))?;
        let what = what.trim();
        Ok(match kind.trim() {
            "scale" => Lever::Scale {
                transfer: what.into(),
            },
            "widen" => Lever::Widen {
                transfer: what.into(),
                amount: targeting.amount,
                noise: targeting.noise,
                seed: targeting.seed,
            },
            "topup" => Lever::TopUp {
                bottom: super::percent_share(what)?,
            },
            other => {
                return Err(bad(&format!(
                    "'{other}' is not a lever; use scale:COLUMN, widen:COLUMN or topup:PERCENT"
                )))
            }
        })
    }
}
