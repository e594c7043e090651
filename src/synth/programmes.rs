//! Social assistance in the synthetic rounds: PKH (conditional cash), BPNT (electronic food
//! vouchers) or Rastra (rice) food aid, and Kube (joint business groups) membership.
//!
//! The calibrated expenditure is left as it is: it is consumption *including* what the
//! transfers finance, as in Susenas. Programmes are drawn afterwards, from a random stream of
//! their own, so adding them changes no other column of a round.
//!
//! Targeting by welfare rank with errors: a household's score is `ln x + τ·ε` (ε standard
//! normal, its own draw per programme) and it receives a programme when its score is below a
//! national threshold `s*`. `s*` is solved from the calibrated population so that the expected
//! number of recipient households equals the programme's published family count:
//! `Σ_c H_c Φ((s* − μ'_c)/√(σ_c² + τ²)) = K`, with `H_c = N_c / E[size]` households in cell c
//! (household size is drawn independently of expenditure). τ sets the inclusion and exclusion
//! errors; `gini synth` prints the rates it produces.
//!
//! A household receives a programme only if its expenditure exceeds the transfers per person,
//! so expenditure before transfers stays positive.

use super::{Calibration, Cell, SIZE_POISSON_MEAN};
use crate::kernel::random::SplitMix64;

/// Noise of the targeting score, in log expenditure (an assumption: with the rounds' spread of
/// log expenditure it leaves about half of the poorest households that a programme could
/// cover outside it, the order of the exclusion errors reported for Indonesian social
/// assistance).
pub const TARGETING_NOISE: f64 = 0.5;
/// Share of PKH recipients who are Kube members (an assumption).
pub const KUBE_SHARE_OF_PKH: f64 = 0.05;
/// Mixed into the seed so the programme stream is unrelated to the expenditure streams.
const STREAM_SALT: u64 = 0x5052_4F47_5241_4D53; // "PROGRAMS"

/// A round's programmes: families covered and amounts (rupiah).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Schedule {
    /// PKH families.
    pub pkh_families: f64,
    /// PKH benefit per family per year.
    pub pkh_per_year: f64,
    /// Food aid families (BPNT and Rastra together).
    pub food_families: f64,
    /// Of these, BPNT families; the rest receive Rastra.
    pub bpnt_families: f64,
    /// Food aid per family per month (BPNT's voucher; Rastra's rice valued the same).
    pub food_per_month: f64,
}

impl Schedule {
    /// No programmes (a round outside the schedule).
    pub const NONE: Schedule = Schedule {
        pkh_families: 0.0,
        pkh_per_year: 0.0,
        food_families: 0.0,
        bpnt_families: 0.0,
        food_per_month: 0.0,
    };
}

/// The schedule of a published round (`YYYY-MM`, 2016-03 … 2021-09); `None` for others.
///
/// - PKH: 6 million families in 2016 and 2017, 10 million from 2018 (the 2018 target; assumed
///   reached with the first disbursement of the year), Rp 1,890,000 per family per year (the
///   flat 2017–2018 benefit, assumed for every round).
/// - Food aid: 15.5 million families throughout (Rastra's coverage before the switch). BPNT,
///   Rp 110,000 per family per month: 1.2 million families from 2017 to March 2018; 3.2 million
///   from April 2018 and 10 million by November 2018 (TNP2K), so September 2018 is
///   interpolated: 3.2 + 6.8 × 5/7 = 8.06 million; 10 million in March 2019 and all 15.5
///   million from September 2019 (assumptions). Rastra's 10 kg of rice a month is valued as
///   the voucher. The 2020–21 pandemic expansion is not modelled.
pub fn schedule(round: &str) -> Option<Schedule> {
    let (year, month) = round.split_once('-')?;
    let (year, month): (u32, u32) = (year.parse().ok()?, month.parse().ok()?);
    if !(2016..=2021).contains(&year) || !(1..=12).contains(&month) {
        return None;
    }
    let pkh_families = if year <= 2017 { 6.0e6 } else { 10.0e6 };
    let bpnt_families = match (year, month) {
        (2016, _) => 0.0,
        (2017, _) | (2018, 1..=3) => 1.2e6,
        (2018, 4..=11) => 3.2e6 + 6.8e6 * f64::from(month - 4) / 7.0,
        (2018, _) | (2019, 1..=8) => 10.0e6,
        _ => 15.5e6,
    };
    Some(Schedule {
        pkh_families,
        pkh_per_year: 1_890_000.0,
        food_families: 15.5e6,
        bpnt_families,
        food_per_month: 110_000.0,
    })
}

/// Score thresholds of a round: a household receives a programme when `ln x + τε < s*`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Targeting {
    pub schedule: Schedule,
    pub pkh_threshold: f64,
    pub food_threshold: f64,
}

impl Targeting {
    /// Thresholds for `round` over the calibrated cells (no programme outside the schedule).
    pub fn for_round(round: &str, cells: &[Cell], calibration: &Calibration) -> Targeting {
        let draws = super::CellDraw::of_each(&cells.iter().collect::<Vec<_>>(), calibration);
        Self::for_draws(round, cells, &draws)
    }

    /// [`Targeting::for_round`] with the cells' distributions already made (`draws[c]` is
    /// cell `c`'s).
    pub fn for_draws(round: &str, cells: &[Cell], draws: &[super::CellDraw]) -> Targeting {
        let schedule = schedule(round).unwrap_or(Schedule::NONE);
        let scores = super::CellDraw::scores(draws, TARGETING_NOISE);
        let threshold = |families: f64| expected_threshold(cells, &scores, families);
        Targeting {
            schedule,
            pkh_threshold: threshold(schedule.pkh_families),
            food_threshold: threshold(schedule.food_families),
        }
    }
}

/// The score `s*` below which, in expectation, `families` households of the calibrated
/// population lie (bisection; −∞ for none).
fn expected_threshold(cells: &[Cell], scores: &[super::family::Score], families: f64) -> f64 {
    if families <= 0.0 {
        return f64::NEG_INFINITY;
    }
    let households = |c: &Cell| c.population / (1.0 + SIZE_POISSON_MEAN);
    let below = |s: f64| -> f64 {
        cells
            .iter()
            .zip(scores)
            .map(|(c, score)| households(c) * score.below(s))
            .sum()
    };
    let (mut lo, mut hi) = (0.0, 30.0);
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if below(mid) < families {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// What one household receives: annual household amounts (rupiah) and Kube membership.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Receipt {
    pub pkh: i64,
    pub bpnt: i64,
    pub rastra: i64,
    pub kube: bool,
}

/// A stream for programme draws: `index` is a cell (sample rounds) or a cell and block
/// (country files).
pub fn stream(seed: u64, index: u64) -> SplitMix64 {
    SplitMix64::for_stream(seed ^ STREAM_SALT, index)
}

/// Monthly per-person value of an annual household amount, whole rupiah.
pub fn per_capita_month(annual: i64, size: i64) -> i64 {
    (annual as f64 / 12.0 / size as f64).round() as i64
}

/// Draws the programmes of a household with per-capita expenditure `x` and `size` persons.
/// Four draws per household whatever the outcome, so streams stay aligned.
pub fn draw(x: i64, size: i64, t: &Targeting, rng: &mut SplitMix64) -> Receipt {
    let (e_pkh, e_food, u_bpnt, u_kube) =
        (rng.normal(), rng.normal(), rng.uniform(), rng.uniform());
    let s = t.schedule;
    let lx = (x as f64).ln();
    let mut r = Receipt::default();
    let mut per_person = 0;
    if lx + TARGETING_NOISE * e_pkh < t.pkh_threshold {
        let amount = s.pkh_per_year.round() as i64;
        if x > per_capita_month(amount, size) {
            r.pkh = amount;
            r.kube = u_kube < KUBE_SHARE_OF_PKH;
            per_person += per_capita_month(amount, size);
        }
    }
    if lx + TARGETING_NOISE * e_food < t.food_threshold {
        let amount = (12.0 * s.food_per_month).round() as i64;
        if x > per_person + per_capita_month(amount, size) {
            if u_bpnt < s.bpnt_families / s.food_families {
                r.bpnt = amount;
            } else {
                r.rastra = amount;
            }
        }
    }
    r
}

/// Achieved coverage and targeting of a generated round, as `(figure, fitted, achieved,
/// intended)`: weighted recipient families (millions) against the schedule, and for PKH and food
/// aid the exclusion error (share of the poorest `K` households by expenditure per person, `K`
/// the programme's families, that do not receive it) and the inclusion error (share of
/// recipients outside them), all weighted by household weight.
pub fn coverage_figures(h: &super::Households) -> Vec<(String, bool, f64, Option<f64>)> {
    let Some(s) = schedule(&h.round) else {
        return Vec::new();
    };
    let weighted = |col: &[i64]| -> f64 {
        col.iter()
            .zip(&h.weight)
            .filter(|(&v, _)| v > 0)
            .map(|(_, w)| w)
            .sum::<f64>()
            / 1e6
    };
    let food: Vec<i64> = h.bpnt.iter().zip(&h.rastra).map(|(b, r)| b + r).collect();
    let mut out = vec![
        (
            "PKH families, millions".to_string(),
            true,
            weighted(&h.pkh),
            Some(s.pkh_families / 1e6),
        ),
        (
            "food aid (BPNT + Rastra) families, millions".into(),
            true,
            weighted(&food),
            Some(s.food_families / 1e6),
        ),
        (
            "BPNT families, millions".into(),
            true,
            weighted(&h.bpnt),
            Some(s.bpnt_families / 1e6),
        ),
    ];
    // Households from the poorest, ties in order of the table (deterministic).
    let mut order: Vec<usize> = (0..h.len()).collect();
    order.sort_by(|&a, &b| h.expenditure_per_capita[a].cmp(&h.expenditure_per_capita[b]));
    for (name, col, families) in [
        ("PKH", &h.pkh, s.pkh_families),
        ("food aid", &food, s.food_families),
    ] {
        let (mut cum, mut poorest_without, mut poorest, mut outside, mut recipients) =
            (0.0, 0.0, 0.0, 0.0, 0.0);
        for &i in &order {
            let w = h.weight[i];
            let poor = cum < families;
            cum += w;
            let gets = col[i] > 0;
            if poor {
                poorest += w;
                poorest_without += if gets { 0.0 } else { w };
            }
            if gets {
                recipients += w;
                outside += if poor { 0.0 } else { w };
            }
        }
        out.push((
            format!("{name} exclusion error"),
            false,
            poorest_without / poorest,
            None,
        ));
        out.push((
            format!("{name} inclusion error"),
            false,
            outside / recipients,
            None,
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedule_follows_the_published_rollout() {
        let s = schedule("2017-09").unwrap();
        assert_eq!((s.pkh_families, s.bpnt_families), (6.0e6, 1.2e6));
        let s = schedule("2018-09").unwrap();
        assert_eq!(s.pkh_families, 10.0e6);
        assert!((s.bpnt_families - (3.2e6 + 6.8e6 * 5.0 / 7.0)).abs() < 1.0);
        assert_eq!(schedule("2018-11").unwrap().bpnt_families, 10.0e6);
        assert_eq!(schedule("2018-04").unwrap().bpnt_families, 3.2e6);
        assert!(schedule("test").is_none() && schedule("2015-09").is_none());
    }

    #[test]
    fn per_capita_month_rounds_to_rupiah() {
        // Rp 1,890,000 a year for 4 persons: 1,890,000 / 48 = 39,375.
        assert_eq!(per_capita_month(1_890_000, 4), 39_375);
        assert_eq!(per_capita_month(1_320_000, 3), 36_667);
    }
}
