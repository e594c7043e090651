//! The reproduction's charts (SVG and PNG): Lorenz curves of the tested rounds, the published
//! national series with the reproduced rounds, and the provinces of each tested round.

use super::series::period_year;
use super::{gini, Reproduction};
use crate::error::{Error, Result};
use crate::report::plot::{self, Interval as Bar, LorenzSeries};
use std::path::{Path, PathBuf};

/// Draws every chart into `dir` (created if needed); `synthetic` says so in the source note.
/// Returns the files written.
pub fn charts(r: &Reproduction, dir: &Path, synthetic: bool) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).map_err(|e| Error::Output {
        target: dir.display().to_string(),
        message: e.to_string(),
    })?;
    let data_note = if synthetic {
        "synthetic Susenas-shaped household tables calibrated to BPS figures"
    } else {
        "household tables"
    };
    let source = format!("Source: reproduced with ginikit from {data_note}; published values: BPS (Badan Pusat Statistik).");
    let mut written = lorenz(r, dir, &source)?;
    written.extend(series(r, dir, &source)?);
    for i in [r.from, r.to] {
        written.extend(provinces(r, i, dir, &source)?);
    }
    if let Some(a) = &r.analysis {
        let c = &a.gic;
        let pts: Vec<(f64, f64, f64, f64)> = c
            .points
            .iter()
            .map(|g| {
                (
                    g.p.unwrap_or(0.0),
                    g.growth.change,
                    g.growth.ci_lower,
                    g.growth.ci_upper,
                )
            })
            .collect();
        written.extend(plot::gic_chart(
            &dir.join("growth_incidence"),
            &format!(
                "Growth incidence of per-capita expenditure, {} → {}",
                c.from, c.to
            ),
            &format!("{source} Real growth: {}.", a.deflator_source),
            &pts,
            c.mean.growth.change,
            r.level,
        )?);
        let bars: Vec<(Bar, Option<f64>)> = a
            .by_area
            .iter()
            .filter(|d| d.round.contains('→') && d.component != "change_residual")
            .map(|d| {
                let label = match &d.group {
                    Some(g) => {
                        format!("{} {} {}", d.measure, d.component.replace("change_", ""), g)
                    }
                    None => format!("{} {}", d.measure, d.component.replace("change_", "")),
                };
                (
                    Bar {
                        x: 0.0,
                        label,
                        estimate: d.estimate,
                        lower: d.ci_lower,
                        upper: d.ci_upper,
                    },
                    None,
                )
            })
            .collect();
        written.extend(plot::category_chart(
            &dir.join("decomposition"),
            &format!(
                "Where the change {} → {} came from (urban/rural)",
                c.from, c.to
            ),
            "change of the index and its terms",
            &source,
            &bars,
            r.level,
        )?);
    }
    if let Some(p) = &r.programmes {
        written.extend(programmes(p, r.level, dir, &source, synthetic)?);
    }
    Ok(written)
}

/// "Did the programmes do it?": how much the transfers lower the Gini in each round (all of
/// them, and each alone) and the change; and the yearly cost of the target under each scheme.
fn programmes(
    p: &super::programmes::Programmes,
    level: f64,
    dir: &Path,
    source: &str,
    synthetic: bool,
) -> Result<Vec<PathBuf>> {
    let z = crate::kernel::normal::quantile(0.5 + level / 2.0);
    let bar = |label: String, v: super::programmes::Valued| Bar {
        x: 0.0,
        label,
        estimate: v.estimate,
        lower: v.estimate - z * v.se,
        upper: v.estimate + z * v.se,
    };
    let mut rows: Vec<(Bar, Option<f64>)> = Vec::new();
    for round in [&p.from, &p.to] {
        rows.push((
            bar(format!("{}: all transfers", round.label), round.effect),
            None,
        ));
        for (name, v) in &round.marginal {
            rows.push((bar(format!("{}: {name}", round.label), *v), None));
        }
    }
    let e = &p.effect_change;
    rows.push((
        Bar {
            x: 0.0,
            label: format!("change {} → {}", p.from.label, p.to.label),
            estimate: e.change,
            lower: e.ci_lower,
            upper: e.ci_upper,
        },
        None,
    ));
    let marked = if synthetic {
        "Source: ginikit on synthetic Susenas-shaped rounds; the programme columns are SYNTHETIC (method, not Indonesia's answer).".to_string()
    } else {
        source.to_string()
    };
    let mut written = plot::category_chart(
        &dir.join("programmes"),
        "How much the transfers lower the Gini (G before them − G with them)",
        "Gini points",
        &marked,
        &rows,
        level,
    )?;
    let costs: Vec<(Bar, Option<f64>)> = p
        .costs
        .iter()
        .filter_map(|c| {
            c.budget.map(|b| {
                (
                    Bar {
                        x: 0.0,
                        label: c.lever.clone(),
                        estimate: b.0 / 1e12,
                        lower: b.1 / 1e12,
                        upper: b.2 / 1e12,
                    },
                    None,
                )
            })
        })
        .collect();
    if !costs.is_empty() {
        written.extend(plot::category_chart(
            &dir.join("cost_of_target"),
            &format!("What a Gini of {} in {} would cost", p.target, p.to.label),
            "Rp trillion a year",
            &marked,
            &costs,
            level,
        )?);
    }
    Ok(written)
}

/// Lorenz curves of the two tested rounds.
fn lorenz(r: &Reproduction, dir: &Path, source: &str) -> Result<Vec<PathBuf>> {
    let series: Vec<LorenzSeries> = [r.from, r.to]
        .iter()
        .map(|&i| LorenzSeries {
            label: format!(
                "{} (Gini {:.3})",
                r.rounds[i].label,
                r.rounds[i]
                    .find("total", &gini())
                    .map_or(f64::NAN, |d| d.estimate)
            ),
            points: &r.rounds[i].lorenz,
        })
        .collect();
    plot::lorenz_chart(
        &dir.join("lorenz"),
        "Lorenz curves of per-capita expenditure, Indonesia",
        source,
        &series,
    )
}

/// The published national series from 2015 with every reproduced round and its interval.
fn series(r: &Reproduction, dir: &Path, source: &str) -> Result<Vec<PathBuf>> {
    let mut line: Vec<(f64, f64)> = r
        .published_series
        .iter()
        .filter(|f| f.area == "total" && f.period.as_str() >= "2015-03")
        .filter_map(|f| Some((period_year(&f.period)?, f.value)))
        .collect();
    line.sort_by(|a, b| a.0.total_cmp(&b.0));
    let points: Vec<Bar> = r
        .rounds
        .iter()
        .filter_map(|round| {
            let d = round.find("total", &gini())?;
            Some(Bar {
                x: period_year(&round.label)?,
                label: round.label.clone(),
                estimate: d.estimate,
                lower: d.ci_lower,
                upper: d.ci_upper,
            })
        })
        .collect();
    plot::series_chart(
        &dir.join("national_series"),
        "National Gini ratio: published series and reproduced rounds",
        "Gini ratio",
        source,
        &line,
        &points,
        r.level,
    )
}

/// The provinces of round `i`, highest Gini first, with published values.
fn provinces(r: &Reproduction, i: usize, dir: &Path, source: &str) -> Result<Vec<PathBuf>> {
    let round = &r.rounds[i];
    let mut rows: Vec<(Bar, Option<f64>)> = round
        .provinces()
        .map(|d| {
            (
                Bar {
                    x: 0.0,
                    label: d
                        .province
                        .as_ref()
                        .map_or_else(String::new, |p| p.name.clone()),
                    estimate: d.estimate,
                    lower: d.ci_lower,
                    upper: d.ci_upper,
                },
                d.published,
            )
        })
        .collect();
    rows.sort_by(|a, b| b.0.estimate.total_cmp(&a.0.estimate));
    plot::category_chart(
        &dir.join(format!("provinces_{}", round.label)),
        &format!("Gini ratio by province, {}", round.label),
        "Gini ratio",
        source,
        &rows,
        r.level,
    )
}
