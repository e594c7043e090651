//! Growth of the mean per-capita expenditure of the bottom 40 %, middle 40 % and top 20 %
//! between two rounds, beside BPS's published growth (March → September 2018: +3.55 %,
//! +3.40 %, +1.28 %).

use crate::attribute::{Attribution, Term};
use crate::error::Result;
use crate::measure::{Measure, Options};
use crate::sample::Income;
use crate::survey::Tick;
use crate::table::survey::{infer, SurveySpec};
use crate::table::Table;

/// The pair of rounds BPS published group growth for that the reproduction looks for.
pub const PAIRS: [(&str, &str); 2] = [("2018-03", "2018-09"), ("2019-03", "2019-09")];

/// One group's growth.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupGrowth {
    pub group: &'static str,
    pub from: String,
    pub to: String,
    /// Mean per-capita expenditure in each round, with its standard error.
    pub mean_from: (f64, f64),
    pub mean_to: (f64, f64),
    /// `mean_to / mean_from − 1` and its standard error (independent rounds:
    /// `(1 + g)·√((se₁/m₁)² + (se₂/m₂)²)`).
    pub growth: (f64, f64),
    pub published: Option<f64>,
}

/// The group means as measures: `mean_bottom40`, the middle 40 % as
/// `(mean − 0.4·mean_bottom40 − 0.2·mean_top20) / 0.4`, and `mean_top20`.
fn group_means() -> Result<Vec<(&'static str, Measure)>> {
    let of =
        |name: &str| -> Result<Term> { Ok(Term::Measure(Income::Total, Measure::parse(name)?)) };
    let middle = Term::Linear(vec![
        (2.5, of("mean")?),
        (-1.0, of("mean_bottom40")?),
        (-0.5, of("mean_top20")?),
    ]);
    Ok(vec![
        ("bottom40", Measure::parse("mean_bottom40")?),
        (
            "middle40",
            Measure::new(Attribution {
                name: "mean_middle40".into(),
                term: middle,
            }),
        ),
        ("top20", Measure::parse("mean_top20")?),
    ])
}

/// The growth of each group between the first of [`PAIRS`] whose rounds are both among
/// `tables` (each table one round, its label); empty when none is.
pub fn analyse(
    tables: &[(&Table, &str)],
    survey: &SurveySpec,
    tick: Tick<'_>,
) -> Result<Vec<GroupGrowth>> {
    let find = |label: &str| tables.iter().find(|(_, l)| *l == label).map(|(t, _)| *t);
    let Some((from, to, a, b)) = PAIRS
        .iter()
        .find_map(|&(f, t)| Some((f, t, find(f)?, find(t)?)))
    else {
        return Ok(Vec::new());
    };
    let groups = group_means()?;
    let measures: Vec<Measure> = groups.iter().map(|(_, m)| m.clone()).collect();
    let national = |t: &Table| -> Result<Vec<(f64, f64)>> {
        let one = t.regroup(&(0..t.groups.len()).collect::<Vec<_>>(), &[]);
        Ok(
            infer(&one, &[0], survey, &measures, &Options::default(), tick)?
                .into_iter()
                .map(|r| (r.result.estimate.value, r.result.inference.se))
                .collect(),
        )
    };
    let (x, y) = (national(a)?, national(b)?);
    Ok(groups
        .iter()
        .zip(x.into_iter().zip(y))
        .map(|((group, _), (m1, m2))| {
            let g = m2.0 / m1.0 - 1.0;
            let se = (1.0 + g) * ((m1.1 / m1.0).powi(2) + (m2.1 / m2.0).powi(2)).sqrt();
            GroupGrowth {
                group,
                from: from.into(),
                to: to.into(),
                mean_from: m1,
                mean_to: m2,
                growth: (g, se),
                published: crate::bps::group_growth(from, to, group),
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Values 1 … 10, unit weights: the bottom 40 % are 1–4 (mean 2.5), the middle 40 % 5–8
    /// (6.5), the top 20 % 9–10 (9.5).
    #[test]
    fn group_means_of_one_to_ten() {
        let x: Vec<f64> = (1..=10).map(f64::from).collect();
        let s = crate::SortedSample::new(&x, None).unwrap();
        let got: Vec<f64> = group_means()
            .unwrap()
            .iter()
            .map(|(_, m)| m.estimator().value(&s, &Options::default()).unwrap())
            .collect();
        for (g, want) in got.iter().zip([2.5, 6.5, 9.5]) {
            assert!((g - want).abs() < 1e-12, "{got:?}");
        }
    }
}
