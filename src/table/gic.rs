//! The growth incidence curve (Ravallion & Chen 2003) between two survey rounds: the real
//! growth of each quantile of per-capita welfare, of the mean and of the mean of the poorest
//! 40 %, and the World Bank's shared-prosperity premium (bottom-40 growth − mean growth), each
//! with a standard error from the rounds' own designs (independent samples).

use super::trend::RoundEstimates;
use crate::error::{Error, Result};
use crate::measure::{Estimator, Measure, Options, Unit};
use crate::report::{Cell, Report, Style};
use crate::sample::SortedSample;
use crate::survey::{change, Change};
use std::collections::{HashMap, HashSet};

/// Growth `x₂/(D·x₁) − 1` of one statistic, D the price ratio between the rounds.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Growth {
    /// What grew: `quantile_0.1`, `mean`, `mean_bottom40`, `premium`.
    pub statistic: String,
    /// The population fraction of a quantile.
    pub p: Option<f64>,
    pub from_value: f64,
    pub to_value: f64,
    /// Growth as a fraction (0.05 = 5 %), its standard error, interval and two-sided p-value
    /// against no growth.
    pub growth: Change,
}

/// One group's growth incidence curve.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Gic {
    pub key: Vec<String>,
    pub from: String,
    pub to: String,
    pub deflator: f64,
    /// The quantiles' growth, in the order of the points.
    pub points: Vec<Growth>,
    pub mean: Growth,
    pub bottom40: Growth,
    /// `growth(mean_bottom40) − growth(mean)`: positive when the poorest 40 % gained more.
    pub premium: Growth,
}

/// The sum of two measures: its variance gives their covariance (polarization identity),
/// for linearization and replicates alike.
#[derive(Debug, Clone)]
struct Sum(Measure, Measure);

impl Estimator for Sum {
    fn name(&self) -> String {
        format!("{}+{}", self.0.name(), self.1.name())
    }
    fn unit(&self) -> Unit {
        self.0.unit()
    }
    fn value(&self, s: &SortedSample, o: &Options) -> Result<f64> {
        Ok(self.0.evaluate(s, o)?.value + self.1.evaluate(s, o)?.value)
    }
    fn influence(&self, s: &SortedSample, o: &Options) -> Result<Vec<f64>> {
        let (a, b) = (self.0.influence(s, o)?, self.1.influence(s, o)?);
        Ok(a.iter().zip(&b).map(|(x, y)| x + y).collect())
    }
}

/// The percentiles 1 … 99 as fractions.
pub fn percentiles() -> Vec<f64> {
    (1..100).map(|k| f64::from(k) / 100.0).collect()
}

/// Notes naming each group that is in only one of the two rounds: [`gic`] gives no curve for
/// it, and says so rather than dropping it silently.
pub fn unmatched_groups(from: &RoundEstimates, to: &RoundEstimates) -> Vec<String> {
    let keys = |r: &RoundEstimates| -> Vec<Vec<String>> {
        let mut seen = HashSet::new();
        r.rows
            .iter()
            .filter(|x| seen.insert(&x.key))
            .map(|x| x.key.clone())
            .collect()
    };
    let (a, b) = (keys(from), keys(to));
    let (set_a, set_b): (HashSet<&Vec<String>>, HashSet<&Vec<String>>) =
        (a.iter().collect(), b.iter().collect());
    let only = |ks: &[Vec<String>], other: &HashSet<&Vec<String>>, there: &str, missing: &str| {
        ks.iter()
            .filter(|k| !other.contains(k))
            .map(|k| super::trend::unmatched_note(k, there, missing, "growth"))
            .collect::<Vec<_>>()
    };
    let mut notes = only(&a, &set_b, &from.label, &to.label);
    notes.extend(only(&b, &set_a, &to.label, &from.label));
    notes
}

/// The measures each round is estimated with for [`gic`]: the quantiles at `points`, the
/// mean, the bottom-40 % mean and their sum (for their covariance).
pub fn gic_measures(points: &[f64]) -> Result<Vec<Measure>> {
    let mut m: Vec<Measure> = points
        .iter()
        .map(|p| Measure::parse(&format!("quantile_{p}")))
        .collect::<Result<_>>()?;
    let (b40, mean) = (Measure::parse("mean_bottom40")?, Measure::parse("mean")?);
    m.push(mean.clone());
    m.push(b40.clone());
    m.push(Measure::new(Sum(b40, mean)));
    Ok(m)
}

/// The growth incidence curve of every group present in both rounds, from rounds estimated
/// with [`gic_measures`]`(points)`. Quantile growth `g(p) = Q₂(p)/(D·Q₁(p)) − 1` with the
/// delta-method variance `(1/(D Q₁))² V₂ + (Q₂/(D Q₁²))² V₁`; the premium
/// `(m₂/m₁ − μ₂/μ₁)/D` (m the bottom-40 % mean, μ the mean) with each round's covariance of m
/// and μ. `deflator` D is the price level of the later round over the earlier one's.
///
/// # Errors
/// A deflator that is not a positive number; a group with a zero statistic in the earlier
/// round.
pub fn gic(
    from: &RoundEstimates,
    to: &RoundEstimates,
    points: &[f64],
    deflator: f64,
    level: f64,
) -> Result<Vec<Gic>> {
    if !(deflator.is_finite() && deflator > 0.0) {
        return Err(Error::InvalidParameter {
            name: "deflator",
            value: deflator.to_string(),
            expected: "the price level of the later round over the earlier one's, above zero (1.03 for 3 % inflation)".into(),
        });
    }
    let names: Vec<String> = gic_measures(points)?.iter().map(Measure::name).collect();
    let rounds = [Lookup::of(from), Lookup::of(to)];
    let to_keys: HashSet<&Vec<String>> = to.rows.iter().map(|x| &x.key).collect();
    let mut seen: HashSet<&Vec<String>> = HashSet::new();
    from.rows
        .iter()
        .map(|r| &r.key)
        .filter(|k| to_keys.contains(k) && seen.insert(k))
        .map(|key| group_gic(&rounds, key, points, &names, deflator, level))
        .collect()
}

/// A round's rows by (group, measure): its label and each `(estimate, se)`, so that many
/// groups cost a look-up each.
struct Lookup<'a> {
    label: &'a str,
    rows: HashMap<(Vec<String>, String), (f64, f64)>,
}

impl<'a> Lookup<'a> {
    fn of(r: &'a RoundEstimates) -> Self {
        Lookup {
            label: &r.label,
            rows: r
                .rows
                .iter()
                .map(|x| {
                    (
                        (x.key.clone(), x.measure.name()),
                        (x.result.estimate.value, x.result.inference.se),
                    )
                })
                .collect(),
        }
    }

    /// The `(estimate, se)` of `name` for group `key`, or an error naming both and the round.
    fn stat(&self, key: &[String], name: &str) -> Result<(f64, f64)> {
        self.rows
            .get(&(key.to_vec(), name.to_string()))
            .copied()
            .ok_or_else(|| Error::Rounds {
                problem: format!(
                    "{name} is missing for {} in round {}",
                    key.join("/"),
                    self.label
                ),
                fix: "estimate both rounds with the growth-incidence measures".into(),
            })
    }
}

/// The growth incidence curve of group `key` between the rounds `[from, to]`.
fn group_gic(
    [from, to]: &[Lookup<'_>; 2],
    key: &[String],
    points: &[f64],
    names: &[String],
    d: f64,
    level: f64,
) -> Result<Gic> {
    let growth = |name: &str, p: Option<f64>| -> Result<Growth> {
        let ((x1, s1), (x2, s2)) = (from.stat(key, name)?, to.stat(key, name)?);
        if x1 == 0.0 {
            return Err(Error::Undefined {
                location: crate::error::Location::Argument("values"),
                measure: format!("the growth of {name}"),
                reason: format!("it is 0 in round {}", from.label),
                context: key.join("/"),
            });
        }
        let g = x2 / (d * x1) - 1.0;
        // change(0, a, g, b) gives the interval and test of g with se √(a² + b²).
        let (a, b) = (x2 / (d * x1 * x1) * s1, s2 / (d * x1));
        Ok(Growth {
            statistic: name.to_string(),
            p,
            from_value: x1,
            to_value: x2,
            growth: change(0.0, a, g, b, level),
        })
    };
    let pts: Vec<Growth> = points
        .iter()
        .zip(names)
        .map(|(&p, n)| growth(n, Some(p)))
        .collect::<Result<_>>()?;
    let mean = growth("mean", None)?;
    let bottom40 = growth("mean_bottom40", None)?;
    let sum_name = &names[names.len() - 1];
    // Per round: Var(m), Var(μ) and Cov(m, μ) = (Var(m + μ) − Var(m) − Var(μ)) / 2.
    let part = |round: &Lookup<'_>, cm: f64, cmu: f64| -> Result<f64> {
        let (_, sm) = round.stat(key, "mean_bottom40")?;
        let (_, smu) = round.stat(key, "mean")?;
        let (_, ssum) = round.stat(key, sum_name)?;
        let cov = (ssum * ssum - sm * sm - smu * smu) / 2.0;
        Ok((cm * cm * sm * sm + cmu * cmu * smu * smu + 2.0 * cm * cmu * cov).max(0.0))
    };
    let (m1, m2) = (bottom40.from_value, bottom40.to_value);
    let (u1, u2) = (mean.from_value, mean.to_value);
    let premium_value = (m2 / m1 - u2 / u1) / d;
    let v1 = part(from, -m2 / (d * m1 * m1), u2 / (d * u1 * u1))?;
    let v2 = part(to, 1.0 / (d * m1), -1.0 / (d * u1))?;
    let premium = Growth {
        statistic: "premium".into(),
        p: None,
        from_value: m1 / u1,
        to_value: m2 / u2,
        growth: change(0.0, v1.sqrt(), premium_value, v2.sqrt(), level),
    };
    Ok(Gic {
        key: key.to_vec(),
        from: from.label.to_string(),
        to: to.label.to_string(),
        deflator: d,
        points: pts,
        mean,
        bottom40,
        premium,
    })
}

/// The two rounds a growth incidence curve compares: `from` and `to` by label (by default the
/// first and the last round read). Refuses fewer than two rounds, a label that was not read,
/// a round compared with itself and a round read twice.
pub fn pick_rounds<'a>(
    rounds: &'a [RoundEstimates],
    from: Option<&str>,
    to: Option<&str>,
) -> Result<(&'a RoundEstimates, &'a RoundEstimates)> {
    if rounds.len() < 2 {
        let only = rounds.first().map_or("none", |r| r.label.as_str());
        return Err(Error::Rounds {
            problem: format!("only one round found ({only})"),
            fix: "a growth incidence curve needs two rounds".into(),
        });
    }
    // A round that was not asked for correctly is a mistake of the call (InvalidParameter);
    // rounds that do not fit together are a problem of the data (Rounds).
    let pick = |name: Option<&str>, default: usize| -> Result<&'a RoundEstimates> {
        match name {
            None => Ok(&rounds[default]),
            Some(n) => rounds.iter().find(|r| r.label == n).ok_or_else(|| {
                let known: Vec<&str> = rounds.iter().map(|r| r.label.as_str()).collect();
                Error::InvalidParameter {
                    name: "round",
                    value: format!("'{n}'"),
                    expected: format!(
                        "round '{n}' was not read; the rounds are: {}",
                        known.join(", ")
                    ),
                }
            }),
        }
    };
    let (a, b) = (pick(from, 0)?, pick(to, rounds.len() - 1)?);
    if a.label == b.label {
        return Err(Error::InvalidParameter {
            name: "round",
            value: format!("'{}'", a.label),
            expected: format!(
                "round '{}' is compared with itself: a growth incidence curve needs two different rounds",
                a.label
            ),
        });
    }
    if let Some((_, twice)) = rounds
        .iter()
        .enumerate()
        .find(|(i, r)| rounds[..*i].iter().any(|x| x.label == r.label))
    {
        return Err(Error::Rounds {
            problem: format!("round '{}' appears in more than one input", twice.label),
            fix: "give each round once".into(),
        });
    }
    Ok((a, b))
}

/// A growth's cells: value_from, value_to (money, or an index for the premium), growth, se,
/// ci_lower, ci_upper, p_value.
pub fn growth_cells(g: &Growth) -> [Cell; 7] {
    let money = if g.statistic == "premium" {
        Style::Index
    } else {
        Style::Money
    };
    [
        Cell::Number(g.from_value, money),
        Cell::Number(g.to_value, money),
        Cell::Number(g.growth.change, Style::Index),
        Cell::Number(g.growth.se, Style::Index),
        Cell::Number(g.growth.ci_lower, Style::Index),
        Cell::Number(g.growth.ci_upper, Style::Index),
        Cell::Number(g.growth.p_value, Style::PValue),
    ]
}

/// The tidy rows of growth incidence curves, as `gini gic` prints them: the group columns,
/// `statistic` (a percentile's quantile, `mean`, `mean_bottom40`, `premium`), `p`, the two
/// rounds, the values in each, the growth (a fraction) with its SE, interval and p-value; a
/// note per curve on the shared-prosperity premium.
pub fn report(by: &[String], curves: &[Gic]) -> Report {
    let mut columns: Vec<String> = by.to_vec();
    columns.extend(
        [
            "statistic",
            "p",
            "from",
            "to",
            "value_from",
            "value_to",
            "growth",
            "se",
            "ci_lower",
            "ci_upper",
            "p_value",
        ]
        .map(String::from),
    );
    let mut rows = Vec::new();
    let mut notes = Vec::new();
    for c in curves {
        let row = |g: &Growth| -> Vec<Cell> {
            let mut r: Vec<Cell> = c.key.iter().map(|k| Cell::Text(k.clone())).collect();
            r.extend([
                Cell::Text(g.statistic.clone()),
                g.p.map_or(Cell::Empty, |p| Cell::Number(p, Style::Index)),
                Cell::Text(c.from.clone()),
                Cell::Text(c.to.clone()),
            ]);
            r.extend(growth_cells(g));
            r
        };
        for g in c.points.iter().chain([&c.mean, &c.bottom40, &c.premium]) {
            rows.push(row(g));
        }
        let group = if c.key.is_empty() {
            String::new()
        } else {
            format!(" ({})", c.key.join("/"))
        };
        let p = &c.premium.growth;
        notes.push(format!(
            "note{group}: the bottom 40 % mean grew {:+.2} %, the mean {:+.2} %: shared-prosperity premium {:+.2} points (se {:.2}, p = {:.3}){}.",
            c.bottom40.growth.change * 100.0,
            c.mean.growth.change * 100.0,
            p.change * 100.0,
            p.se * 100.0,
            p.p_value,
            if p.excludes_zero() { "" } else { ": not distinguishable from zero" }
        ));
    }
    notes.push("note: growth = value_to / (deflator × value_from) − 1, as fractions; premium = growth(mean_bottom40) − growth(mean) (value_from/value_to: the bottom-40 % mean over the mean); rounds are independent samples.".into());
    Report {
        columns,
        rows,
        notes,
    }
}
