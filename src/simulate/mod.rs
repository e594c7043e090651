//! Microsimulation of transfer schemes: change a programme, recompute the distribution.
//!
//! A scheme adds (or removes) an amount `Δ_i` per person per month to each row's value `y_i`
//! (the value includes the transfers, in the same units; a row stands for `size_i` persons
//! with person weight `w_i`). Behaviour is held fixed: the whole change is consumed, the usual
//! first-order (CEQ) assumption. Three schemes:
//!
//! - **scale** a transfer column `t` by a factor `f`: `Δ = (f − 1)·t`.
//! - **widen** a transfer's coverage by `F` families: households without it are ranked by a
//!   targeting score `ln m_i + τ·ε_i` (`m = y − Σ transfers`, the welfare before them; ε
//!   standard normal from the seed, τ the targeting noise: 0 is perfect targeting), and the
//!   first ones whose household weights add up to `F` receive the programme's monthly amount
//!   per household `A` (default: the weighted median among current recipients), that is
//!   `A / size_i` per person.
//! - **top up** the poorest share `k` of persons (ranked by `y`) by `a` per person per month.
//!
//! The budget is `12 Σ_i w_i Δ_i`: money per year for the population the weights stand for.
//! Estimates and standard errors come from the attribution engine: the scenario's income is
//! `y + Δ` and `Δ` is its one component, so a measure's baseline, scenario and change are
//! terms of one sample (see [`crate::attribute::scenario_terms`]).

pub mod solve;

use crate::error::{Error, Location, Result};
use crate::kernel::random::SplitMix64;

/// A round's rows for a scheme, in one order (every group of a table, in turn).
#[derive(Debug, Clone, Default)]
pub struct Rows {
    /// The value per person (it includes the transfers).
    pub values: Vec<f64>,
    /// Person weights (household weight × size).
    pub person_weights: Vec<f64>,
    /// Persons per row.
    pub sizes: Vec<f64>,
    /// Transfer columns, per person, in the value's units.
    pub transfers: Vec<Vec<f64>>,
    /// The transfer columns' names.
    pub transfer_names: Vec<String>,
}

impl Rows {
    fn household_weight(&self, i: usize) -> f64 {
        self.person_weights[i] / self.sizes[i]
    }

    /// Welfare before every transfer, `m = y − Σ t`.
    fn before(&self, i: usize) -> f64 {
        self.transfers.iter().fold(self.values[i], |m, t| m - t[i])
    }

    fn transfer(&self, name: &str) -> Result<usize> {
        self.transfer_names
            .iter()
            .position(|n| n == name)
            .ok_or_else(|| Error::InvalidParameter {
                name: "scheme",
                value: name.into(),
                expected: format!(
                    "one of the transfer columns given ({}); name it with --transfer too",
                    self.transfer_names.join(", ")
                ),
            })
    }
}

/// A change to the transfers.
#[derive(Debug, Clone, PartialEq)]
pub enum Scheme {
    /// Multiply transfer `transfer` by `factor` (≥ 0).
    Scale { transfer: String, factor: f64 },
    /// Give transfer `transfer` to `families` more households, ranked by welfare before
    /// transfers with targeting noise `noise`; `amount` per household per month (default: the
    /// weighted median among recipients).
    Widen {
        transfer: String,
        families: f64,
        amount: Option<f64>,
        noise: f64,
        seed: u64,
    },
    /// Give `amount` per person per month to the poorest `bottom` share (0–1] of persons.
    TopUp { bottom: f64, amount: f64 },
}

impl Scheme {
    /// A phrase naming the scheme in reports.
    pub fn describe(&self) -> String {
        match self {
            Scheme::Scale { transfer, factor } => format!("{transfer} × {factor}"),
            Scheme::Widen {
                transfer, families, ..
            } => format!("{transfer} to {families:.0} more households"),
            Scheme::TopUp { bottom, amount } => {
                format!("{amount} per person to the poorest {} %", bottom * 100.0)
            }
        }
    }
}

/// `Δ_i` per person per month for every row (see the module documentation).
///
/// ```
/// use ginikit::simulate::{change, Rows, Scheme};
/// let rows = Rows {
///     values: vec![10.0, 20.0, 30.0, 40.0],
///     person_weights: vec![2.0, 2.0, 2.0, 2.0],
///     sizes: vec![2.0, 2.0, 1.0, 1.0],
///     transfers: vec![vec![4.0, 0.0, 0.0, 0.0]],
///     transfer_names: vec!["pkh".into()],
/// };
/// // Doubling: the recipient gets 4 more.
/// let d = change(&rows, &Scheme::Scale { transfer: "pkh".into(), factor: 2.0 }).unwrap();
/// assert_eq!(d, vec![4.0, 0.0, 0.0, 0.0]);
/// // One more family (household weight 2/2 = 1) with perfect targeting: the next poorest,
/// // at the recipients' 8 per household, 4 per person.
/// let w = Scheme::Widen { transfer: "pkh".into(), families: 1.0, amount: None, noise: 0.0, seed: 1 };
/// assert_eq!(change(&rows, &w).unwrap(), vec![0.0, 4.0, 0.0, 0.0]);
/// // 5 per person to the poorest half of the persons (weights 2 + 2 of 8).
/// let t = Scheme::TopUp { bottom: 0.5, amount: 5.0 };
/// assert_eq!(change(&rows, &t).unwrap(), vec![5.0, 5.0, 0.0, 0.0]);
/// ```
///
/// # Errors
/// An unknown transfer, a negative factor or amount, a share outside (0, 1], more families
/// than households without the transfer, no recipient to take the amount from.
pub fn change(rows: &Rows, scheme: &Scheme) -> Result<Vec<f64>> {
    let n = rows.values.len();
    match scheme {
        Scheme::Scale { transfer, factor } => {
            require(
                *factor >= 0.0 && factor.is_finite(),
                "scale factor",
                *factor,
                "a number ≥ 0",
            )?;
            let t = &rows.transfers[rows.transfer(transfer)?];
            Ok(t.iter().map(|t| (factor - 1.0) * t).collect())
        }
        Scheme::Widen {
            transfer,
            families,
            amount,
            noise,
            seed,
        } => {
            let plan = WidenPlan::new(rows, transfer, *amount, *noise, *seed)?;
            plan.delta(*families)
        }
        Scheme::TopUp { bottom, amount } => {
            require(
                *bottom > 0.0 && *bottom <= 1.0,
                "top-up share",
                *bottom,
                "a share in (0, 1] of persons (0.4: the poorest 40 %)",
            )?;
            require(
                *amount >= 0.0 && amount.is_finite(),
                "top-up amount",
                *amount,
                "an amount ≥ 0",
            )?;
            let poorest = poorest(rows, *bottom);
            Ok((0..n)
                .map(|i| if poorest[i] { *amount } else { 0.0 })
                .collect())
        }
    }
}

fn require(ok: bool, name: &'static str, value: f64, expected: &str) -> Result<()> {
    if ok {
        Ok(())
    } else {
        Err(Error::InvalidParameter {
            name,
            value: value.to_string(),
            expected: expected.into(),
        })
    }
}

/// Whether each row is among the poorest `bottom` share of persons by `y`: rows in order of
/// `y` (ties in row order) while the person weight before them is below `bottom·W`.
pub fn poorest(rows: &Rows, bottom: f64) -> Vec<bool> {
    let n = rows.values.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| rows.values[a].total_cmp(&rows.values[b]).then(a.cmp(&b)));
    let total: f64 = rows.person_weights.iter().sum();
    let mut cum = 0.0;
    let mut out = vec![false; n];
    for i in order {
        if cum >= bottom * total {
            break;
        }
        out[i] = true;
        cum += rows.person_weights[i];
    }
    out
}

/// The households a widened programme reaches first, in order, with their amounts per person.
#[derive(Debug, Clone)]
pub struct WidenPlan {
    /// Candidate rows in order of the targeting score.
    pub order: Vec<usize>,
    /// Household weights added up along `order` (after each candidate).
    pub cumulative: Vec<f64>,
    /// The amount per household per month.
    pub amount: f64,
    /// Per-person amount of each row, `amount / size`.
    pub per_person: Vec<f64>,
}

impl WidenPlan {
    /// Ranks the households without `transfer` by `ln m + noise·ε`.
    ///
    /// # Errors
    /// An unknown transfer; a negative noise or amount; no recipient to take the default
    /// amount from.
    pub fn new(
        rows: &Rows,
        transfer: &str,
        amount: Option<f64>,
        noise: f64,
        seed: u64,
    ) -> Result<WidenPlan> {
        require(
            noise >= 0.0 && noise.is_finite(),
            "targeting noise",
            noise,
            "a number ≥ 0 (0: perfect targeting by welfare rank)",
        )?;
        let k = rows.transfer(transfer)?;
        let t = &rows.transfers[k];
        let amount = match amount {
            Some(a) => {
                require(a > 0.0 && a.is_finite(), "amount per household", a, "an amount > 0")?;
                a
            }
            None => median_household_amount(rows, t).ok_or_else(|| Error::Undefined {
                location: Location::Argument("scheme"),
                measure: format!("the amount of '{transfer}'"),
                reason: "no household receives it, so there is no amount to extend; give the amount per household per month".into(),
                context: String::new(),
            })?,
        };
        let rng_for = |i: usize| SplitMix64::for_stream(seed, i as u64).normal();
        let mut scored: Vec<(f64, usize)> = (0..rows.values.len())
            .filter(|&i| t[i] == 0.0 && rows.person_weights[i] > 0.0)
            .map(|i| {
                (
                    rows.before(i).max(f64::MIN_POSITIVE).ln() + noise * rng_for(i),
                    i,
                )
            })
            .collect();
        scored.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let order: Vec<usize> = scored.into_iter().map(|(_, i)| i).collect();
        let mut cum = 0.0;
        let cumulative = order
            .iter()
            .map(|&i| {
                cum += rows.household_weight(i);
                cum
            })
            .collect();
        let per_person = rows.sizes.iter().map(|s| amount / s).collect();
        Ok(WidenPlan {
            order,
            cumulative,
            amount,
            per_person,
        })
    }

    /// Households that can still be reached.
    pub fn capacity(&self) -> f64 {
        self.cumulative.last().copied().unwrap_or(0.0)
    }

    /// How many candidates `families` more families take: those whose household weight
    /// before them is below `families`.
    pub fn reached(&self, families: f64) -> usize {
        self.cumulative
            .iter()
            .zip(std::iter::once(&0.0).chain(&self.cumulative))
            .take_while(|(_, before)| **before < families)
            .count()
    }

    /// `Δ` per row for `families` more families.
    ///
    /// # Errors
    /// More families than there are households without the programme.
    pub fn delta(&self, families: f64) -> Result<Vec<f64>> {
        require(
            families >= 0.0 && families.is_finite(),
            "families",
            families,
            "a number ≥ 0",
        )?;
        if families > self.capacity() * (1.0 + 1e-12) {
            return Err(Error::InvalidParameter {
                name: "families",
                value: format!("{families:.0}"),
                expected: format!(
                    "at most {:.0}, the households the weights stand for that do not receive it yet",
                    self.capacity()
                ),
            });
        }
        let mut d = vec![0.0; self.per_person.len()];
        for &i in &self.order[..self.reached(families)] {
            d[i] = self.per_person[i];
        }
        Ok(d)
    }
}

/// The household-weighted median of `t × size` over recipients (the lower median).
fn median_household_amount(rows: &Rows, t: &[f64]) -> Option<f64> {
    let mut v: Vec<(f64, f64)> = (0..t.len())
        .filter(|&i| t[i] > 0.0 && rows.person_weights[i] > 0.0)
        .map(|i| (t[i] * rows.sizes[i], rows.household_weight(i)))
        .collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(|a, b| a.0.total_cmp(&b.0));
    let half = v.iter().map(|p| p.1).sum::<f64>() / 2.0;
    let mut cum = 0.0;
    for (a, w) in &v {
        cum += w;
        if cum >= half {
            return Some(*a);
        }
    }
    v.last().map(|p| p.0)
}

/// `12 Σ w Δ`: the yearly cost of a change for the population the weights stand for.
pub fn budget(rows: &Rows, delta: &[f64]) -> f64 {
    let mut s = crate::kernel::sum::Compensated::ZERO;
    for (w, d) in rows.person_weights.iter().zip(delta) {
        s.add(w * d);
    }
    12.0 * s.value()
}

/// How widening targets: the noise of its score and the seed of the draws, and the amount
/// per household (default: the recipients' median).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Targeting {
    pub amount: Option<f64>,
    pub noise: f64,
    pub seed: u64,
}

impl Default for Targeting {
    fn default() -> Self {
        Targeting {
            amount: None,
            noise: 0.5,
            seed: 1,
        }
    }
}

fn name_and_number<'a>(what: &'static str, text: &'a str, form: &str) -> Result<(&'a str, f64)> {
    let bad = || Error::InvalidParameter {
        name: what,
        value: text.into(),
        expected: form.into(),
    };
    let (name, number) = text.split_once('=').ok_or_else(bad)?;
    let number: f64 = number.trim().parse().map_err(|_| bad())?;
    if name.trim().is_empty() || !number.is_finite() {
        return Err(bad());
    }
    Ok((name.trim(), number))
}

/// A percent of persons in (0, 100] as a share.
pub fn percent_share(text: &str) -> Result<f64> {
    match text.trim().parse::<f64>() {
        Ok(p) if p > 0.0 && p <= 100.0 => Ok(p / 100.0),
        _ => Err(Error::InvalidParameter {
            name: "top-up share",
            value: text.into(),
            expected: "a percent of persons in (0, 100], e.g. 40".into(),
        }),
    }
}

/// A scheme from its kind (`scale`, `widen`, `topup`) and text (`pkh=2`, `pkh=2000000`,
/// `40=50000`), as `gini simulate --scale/--widen/--topup` take them.
///
/// ```
/// use ginikit::simulate::{parse_scheme, Scheme, Targeting};
/// let s = parse_scheme("topup", "40=50000", Targeting::default()).unwrap();
/// assert_eq!(s, Scheme::TopUp { bottom: 0.4, amount: 50000.0 });
/// assert!(parse_scheme("scale", "pkh", Targeting::default()).unwrap_err().to_string().contains("COLUMN=FACTOR"));
/// ```
///
/// # Errors
/// An unknown kind; text not in the kind's form.
pub fn parse_scheme(kind: &str, text: &str, targeting: Targeting) -> Result<Scheme> {
    Ok(match kind {
        "scale" => {
            let (transfer, factor) = name_and_number("--scale", text, "COLUMN=FACTOR, e.g. pkh=2")?;
            Scheme::Scale {
                transfer: transfer.into(),
                factor,
            }
        }
        "widen" => {
            let (transfer, families) =
                name_and_number("--widen", text, "COLUMN=FAMILIES, e.g. pkh=2000000")?;
            Scheme::Widen {
                transfer: transfer.into(),
                families,
                amount: targeting.amount,
                noise: targeting.noise,
                seed: targeting.seed,
            }
        }
        "topup" => {
            let (percent, amount) =
                name_and_number("--topup", text, "PERCENT=AMOUNT, e.g. 40=50000")?;
            Scheme::TopUp {
                bottom: percent_share(percent)?,
                amount,
            }
        }
        other => {
            return Err(Error::InvalidParameter {
                name: "scheme",
                value: other.into(),
                expected: "scale, widen or topup".into(),
            })
        }
    })
}
