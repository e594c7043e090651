//! The full series: every published round from 2016-03 to 2021-09 (the bundled rounds and the
//! others generated deterministically), the change between consecutive rounds and over the
//! window, and a linear trend per area with its standard error from the rounds' independent
//! sampling variances.

use super::{gini, Reproduction};
use crate::error::{Error, Result};
use crate::survey::{change, Change};

/// A linear trend of one area's Gini over the rounds: the least-squares slope per year of the
/// estimates on the rounds' dates, its standard error from the rounds' sampling variances
/// (`se(b) = √(Σ (tᵢ − t̄)² seᵢ²) / Σ (tᵢ − t̄)²`: independent samples), interval and test of no
/// trend. Sampling error only: the scatter of the rounds around the line is not in it.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Trend {
    pub area: String,
    pub rounds: usize,
    /// Slope per year, its standard error, interval and p-value.
    pub slope: Change,
    /// The root mean square deviation of the rounds from the line (for comparison with the
    /// standard errors: much larger means the series is not a straight line).
    pub scatter: f64,
}

/// Consecutive and whole-window changes and the trends of a reproduction with more rounds.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Series {
    /// (area, from, to, change) between consecutive rounds.
    pub consecutive: Vec<(String, String, String, Change)>,
    /// (area, first, last, change) over the window.
    pub window: Vec<(String, String, String, Change)>,
    pub trends: Vec<Trend>,
}

/// `2017-09` → 2017.667.
pub fn period_year(period: &str) -> Option<f64> {
    let (y, m) = period.split_once('-')?;
    Some(y.parse::<f64>().ok()? + (m.parse::<f64>().ok()? - 1.0) / 12.0)
}

/// The rounds a `--rounds` setting names among `published` (ordered): `all`, a range
/// `A..B`, or a comma-separated list.
///
/// ```
/// use ginikit::reproduce::series::select_rounds;
/// let p: Vec<String> = ["2016-03", "2016-09", "2017-03"].map(String::from).to_vec();
/// assert_eq!(select_rounds("2016-09..2017-03", &p).unwrap(), vec!["2016-09", "2017-03"]);
/// assert_eq!(select_rounds("all", &p).unwrap().len(), 3);
/// assert!(select_rounds("2015-03..2016-09", &p).is_err());
/// ```
pub fn select_rounds(setting: &str, published: &[String]) -> Result<Vec<String>> {
    let known = || published.join(", ");
    let bad = |what: &str| Error::InvalidParameter {
        name: "rounds",
        value: what.to_string(),
        expected: format!(
            "all, FROM..TO or a list among the published rounds: {}",
            known()
        ),
    };
    let s = setting.trim();
    if s == "all" {
        return Ok(published.to_vec());
    }
    if let Some((a, b)) = s.split_once("..") {
        let (a, b) = (a.trim(), b.trim());
        if !published.iter().any(|p| p == a) || !published.iter().any(|p| p == b) || a > b {
            return Err(bad(s));
        }
        return Ok(published
            .iter()
            .filter(|p| p.as_str() >= a && p.as_str() <= b)
            .cloned()
            .collect());
    }
    let list: Vec<String> = s.split(',').map(|x| x.trim().to_string()).collect();
    if let Some(x) = list.iter().find(|x| !published.contains(x)) {
        return Err(bad(x));
    }
    Ok(list)
}

/// The series analysis of the Gini by area over every round of `r` (in round order).
pub fn analyse(r: &Reproduction) -> Series {
    let mut consecutive = Vec::new();
    let mut window = Vec::new();
    let mut trends = Vec::new();
    let g = gini();
    for area in ["total", "urban", "rural"] {
        let points: Vec<(String, f64, f64, f64)> = r
            .rounds
            .iter()
            .filter_map(|round| {
                let d = round.find(area, &g)?;
                Some((
                    round.label.clone(),
                    period_year(&round.label)?,
                    d.estimate,
                    d.se,
                ))
            })
            .collect();
        for w in points.windows(2) {
            consecutive.push((
                area.to_string(),
                w[0].0.clone(),
                w[1].0.clone(),
                change(w[0].2, w[0].3, w[1].2, w[1].3, r.level),
            ));
        }
        if let (Some(a), Some(b)) = (points.first(), points.last()) {
            if points.len() > 1 {
                window.push((
                    area.to_string(),
                    a.0.clone(),
                    b.0.clone(),
                    change(a.2, a.3, b.2, b.3, r.level),
                ));
            }
        }
        if points.len() >= 3 {
            let n = points.len() as f64;
            let t_bar = points.iter().map(|p| p.1).sum::<f64>() / n;
            let y_bar = points.iter().map(|p| p.2).sum::<f64>() / n;
            let sxx: f64 = points.iter().map(|p| (p.1 - t_bar).powi(2)).sum();
            let slope = points
                .iter()
                .map(|p| (p.1 - t_bar) * (p.2 - y_bar))
                .sum::<f64>()
                / sxx;
            let var: f64 = points
                .iter()
                .map(|p| (p.1 - t_bar).powi(2) * p.3 * p.3)
                .sum::<f64>()
                / (sxx * sxx);
            let scatter = (points
                .iter()
                .map(|p| (p.2 - (y_bar + slope * (p.1 - t_bar))).powi(2))
                .sum::<f64>()
                / n)
                .sqrt();
            trends.push(Trend {
                area: area.to_string(),
                rounds: points.len(),
                slope: change(0.0, 0.0, slope, var.sqrt(), r.level),
                scatter,
            });
        }
    }
    Series {
        consecutive,
        window,
        trends,
    }
}
