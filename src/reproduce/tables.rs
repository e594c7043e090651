//! The reproduction as tables: national, change and province tables for people, all of it as
//! tidy rows for programs, and the whole text report.

use super::{bottom40, gini, poverty_measures, DomainEstimate, Reproduction, RoundResult};
use crate::measure::Measure;
use crate::report::tidy::method_description;
use crate::report::{Cell, OutputFormat, Report, Style};
use std::path::PathBuf;

fn opt(v: Option<f64>, s: Style) -> Cell {
    v.map_or(Cell::Empty, |v| Cell::Number(v, s))
}

/// Round × area rows of `measures` beside the published values; with `source`, a column
/// saying where each published figure comes from.
fn area_table(r: &Reproduction, measures: &[Measure], source: bool) -> Report {
    let mut columns: Vec<String> = [
        "round",
        "area",
        "measure",
        "estimate",
        "se",
        "ci_lower",
        "ci_upper",
        "published",
    ]
    .map(String::from)
    .to_vec();
    if source {
        columns.push("source".into());
    }
    let mut report = Report {
        columns,
        ..Report::default()
    };
    for round in &r.rounds {
        for measure in measures {
            for area in ["total", "urban", "rural"] {
                if let Some(d) = round.find(area, measure) {
                    let s = Style::of(measure);
                    let mut row = vec![
                        Cell::Text(round.label.clone()),
                        Cell::Text(area.into()),
                        Cell::Text(measure.name()),
                        Cell::Number(d.estimate, s),
                        Cell::Number(d.se, s),
                        Cell::Number(d.ci_lower, s),
                        Cell::Number(d.ci_upper, s),
                        opt(d.published, s),
                    ];
                    if source {
                        row.push(Cell::Text(published_source(d).into()));
                    }
                    report.rows.push(row);
                }
            }
        }
    }
    report
}

/// Round × area estimates of the Gini and the bottom-40 % share beside the published values.
pub fn national_table(r: &Reproduction) -> Report {
    area_table(r, &[gini(), bottom40()], false)
}

/// Round × area poverty: headcount P0 (the synthetic rounds are calibrated to it), gap P1 and
/// severity P2 (not fitted), beside BPS's figures; `source` says whether the figure is
/// BPS's national one or aggregated from its province × area cells.
pub fn poverty_table(r: &Reproduction) -> Report {
    area_table(r, &poverty_measures(), true)
}

/// The growth incidence of the tested change at the deciles, the mean, the bottom-40 % mean
/// and the premium (all 99 percentiles are in [`tidy_report`]).
pub fn gic_table(r: &Reproduction) -> Report {
    let mut report = Report {
        columns: [
            "statistic",
            "value_from",
            "value_to",
            "growth",
            "se",
            "ci_lower",
            "ci_upper",
            "p_value",
        ]
        .map(String::from)
        .to_vec(),
        ..Report::default()
    };
    let Some(a) = &r.analysis else {
        return report;
    };
    let c = &a.gic;
    let deciles = c.points.iter().filter(|g| {
        g.p.is_some_and(|p| ((p * 10.0).round() - p * 10.0).abs() < 1e-9)
    });
    for g in deciles.chain([&c.mean, &c.bottom40, &c.premium]) {
        let mut row = vec![Cell::Text(g.statistic.clone())];
        row.extend(crate::table::gic::growth_cells(g));
        report.rows.push(row);
    }
    report
}

/// The decomposition of the tested change by urban/rural: Mookherjee–Shorrocks terms of Theil
/// T and MLD, the change of Dagum's Gini terms.
pub fn area_decomposition_table(r: &Reproduction, marks: bool) -> Report {
    let Some(a) = &r.analysis else {
        return Report::default();
    };
    let rows: Vec<_> = a.by_area.iter().filter(|d| d.round.contains('→')).collect();
    crate::report::tidy::decomposition(&rows, marks)
}

/// Each province's contribution to the change of Theil T (its Mookherjee–Shorrocks terms
/// summed), largest falls first.
pub fn province_contribution_table(r: &Reproduction, marks: bool) -> Report {
    let Some(a) = &r.analysis else {
        return Report::default();
    };
    let mut rows: Vec<_> = a
        .by_province
        .iter()
        .filter(|d| d.component == "change_group")
        .collect();
    rows.sort_by(|x, y| x.estimate.total_cmp(&y.estimate));
    crate::report::tidy::decomposition(&rows, marks)
}

/// The series of the Gini by area: changes between consecutive rounds, over the whole window,
/// and the linear trend per year (`kind`: consecutive, window, trend per year).
pub fn series_table(r: &Reproduction, marks: bool) -> Report {
    let mut columns: Vec<String> = [
        "kind", "area", "from", "to", "change", "se", "ci_lower", "ci_upper", "p_value",
    ]
    .map(String::from)
    .to_vec();
    if marks {
        columns.push("sig".into());
    }
    let mut report = Report {
        columns,
        ..Report::default()
    };
    let Some(series) = &r.series else {
        return report;
    };
    let mut push = |kind: &str, area: &str, from: &str, to: &str, c: &crate::survey::Change| {
        let mut row = vec![
            Cell::Text(kind.into()),
            Cell::Text(area.into()),
            Cell::Text(from.into()),
            Cell::Text(to.into()),
            Cell::Number(c.change, Style::Index),
            Cell::Number(c.se, Style::Index),
            Cell::Number(c.ci_lower, Style::Index),
            Cell::Number(c.ci_upper, Style::Index),
            Cell::Number(c.p_value, Style::PValue),
        ];
        if marks {
            row.push(Cell::Text(c.mark().into()));
        }
        report.rows.push(row);
    };
    for (area, a, b, c) in &series.consecutive {
        push("consecutive", area, a, b, c);
    }
    for (area, a, b, c) in &series.window {
        push("window", area, a, b, c);
    }
    let first = r.rounds.first().map_or("", |x| x.label.as_str());
    let last = r.rounds.last().map_or("", |x| x.label.as_str());
    for t in &series.trends {
        push("trend per year", &t.area, first, last, &t.slope);
    }
    report
}

/// Where a published figure comes from.
fn published_source(d: &DomainEstimate) -> &'static str {
    match (d.published, d.published_derived) {
        (None, _) => "not available",
        (Some(_), true) => "aggregated from BPS province cells",
        (Some(_), false) => "BPS",
    }
}

/// The tested changes; with `marks`, a `sig` column (`*` where the interval excludes zero).
pub fn change_table(r: &Reproduction, marks: bool) -> Report {
    let (from, to) = (&r.rounds[r.from].label, &r.rounds[r.to].label);
    let mut report = Report {
        columns: [
            "area", "measure", "from", "to", "change", "se", "ci_lower", "ci_upper", "p_value",
        ]
        .map(String::from)
        .to_vec(),
        ..Report::default()
    };
    if marks {
        report.columns.push("sig".into());
    }
    for a in &r.changes {
        let (s, c) = (Style::of(&a.measure), &a.change);
        let mut row = vec![
            Cell::Text(a.area.clone()),
            Cell::Text(a.measure.name()),
            Cell::Text(from.clone()),
            Cell::Text(to.clone()),
            Cell::Number(c.change, s),
            Cell::Number(c.se, s),
            Cell::Number(c.ci_lower, s),
            Cell::Number(c.ci_upper, s),
            Cell::Number(c.p_value, Style::PValue),
        ];
        if marks {
            row.push(Cell::Text(c.mark().into()));
        }
        report.rows.push(row);
    }
    report
}

/// Province Gini with standard errors and published values for the tested rounds.
pub fn province_table(r: &Reproduction) -> Report {
    province_measure_table(r, &super::gini())
}

/// Headcount P0 by province in the two tested rounds (estimate, standard error, BPS's
/// published province P0), when the rounds have BPS's poverty lines; no rows otherwise.
pub fn province_poverty_table(r: &Reproduction) -> Report {
    province_measure_table(r, &super::poverty_measures()[0])
}

/// `measure` by province in the two tested rounds: estimate, standard error and published.
fn province_measure_table(r: &Reproduction, measure: &crate::measure::Measure) -> Report {
    let rounds: [&RoundResult; 2] = [&r.rounds[r.from], &r.rounds[r.to]];
    let mut report = Report {
        columns: vec!["province".into()],
        ..Report::default()
    };
    for round in rounds {
        for c in ["estimate", "se", "published"] {
            report.columns.push(format!("{c} {}", round.label));
        }
    }
    for p in rounds[0]
        .province_rows(measure.clone())
        .filter_map(|d| d.province.as_ref())
    {
        let mut row = vec![Cell::Text(p.name.clone())];
        for round in rounds {
            match round
                .province_rows(measure.clone())
                .find(|d| d.province.as_ref() == Some(p))
            {
                Some(d) => row.extend([
                    Cell::Number(d.estimate, Style::Index),
                    Cell::Number(d.se, Style::Index),
                    opt(d.published, Style::Index),
                ]),
                None => row.extend([Cell::Empty, Cell::Empty, Cell::Empty]),
            }
        }
        report.rows.push(row);
    }
    report
}

/// All content as tidy rows: estimates (round, area, province, measure, estimate, se,
/// ci_lower, ci_upper, published) and changes (from, to, change, se, ci_lower, ci_upper,
/// p_value).
pub fn tidy_report(r: &Reproduction) -> Report {
    let mut report = Report {
        columns: [
            "round",
            "area",
            "province",
            "measure",
            "estimate",
            "se",
            "ci_lower",
            "ci_upper",
            "published",
            "from",
            "to",
            "change",
            "p_value",
            "published_source",
        ]
        .map(String::from)
        .to_vec(),
        ..Report::default()
    };
    for round in &r.rounds {
        for d in &round.rows {
            report.rows.push(estimate_row(&round.label, d));
        }
    }
    let (from, to) = (&r.rounds[r.from].label, &r.rounds[r.to].label);
    report.rows.extend(change_rows(r, from, to));
    report.rows.extend(series_rows(r));
    if let Some(p) = &r.programmes {
        report.rows.extend(super::programmes::rows(p, r.level));
    }
    report.rows.extend(group_growth_rows(r));
    if let Some(a) = &r.analysis {
        report.rows.extend(analysis_rows(a, from, to));
    }
    report
}

/// The tested changes' rows (from, to, change, se, interval, p-value).
fn change_rows(r: &Reproduction, from: &str, to: &str) -> Vec<Vec<Cell>> {
    let mut rows = Vec::new();
    for a in &r.changes {
        let (s, c) = (Style::of(&a.measure), &a.change);
        rows.push(vec![
            Cell::Empty,
            Cell::Text(a.area.clone()),
            Cell::Empty,
            Cell::Text(a.measure.name()),
            Cell::Empty,
            Cell::Number(c.se, s),
            Cell::Number(c.ci_lower, s),
            Cell::Number(c.ci_upper, s),
            Cell::Empty,
            Cell::Text(from.into()),
            Cell::Text(to.into()),
            Cell::Number(c.change, s),
            Cell::Number(c.p_value, Style::PValue),
            Cell::Empty,
        ]);
    }
    rows
}

/// The series' rows: consecutive and window changes of the Gini, and its trend per year.
fn series_rows(r: &Reproduction) -> Vec<Vec<Cell>> {
    let mut rows = Vec::new();
    if let Some(series) = &r.series {
        let changes = series
            .consecutive
            .iter()
            .map(|(a, f, t, c)| ("gini:consecutive_change", a, f.clone(), t.clone(), c))
            .chain(
                series
                    .window
                    .iter()
                    .map(|(a, f, t, c)| ("gini:window_change", a, f.clone(), t.clone(), c)),
            )
            .chain(series.trends.iter().map(|t| {
                (
                    "gini:trend_per_year",
                    &t.area,
                    r.rounds.first().map_or(String::new(), |x| x.label.clone()),
                    r.rounds.last().map_or(String::new(), |x| x.label.clone()),
                    &t.slope,
                )
            }));
        for (measure, area, f, t, c) in changes {
            rows.push(vec![
                Cell::Empty,
                Cell::Text(area.clone()),
                Cell::Empty,
                Cell::Text(measure.into()),
                Cell::Empty,
                Cell::Number(c.se, Style::Index),
                Cell::Number(c.ci_lower, Style::Index),
                Cell::Number(c.ci_upper, Style::Index),
                Cell::Empty,
                Cell::Text(f),
                Cell::Text(t),
                Cell::Number(c.change, Style::Index),
                Cell::Number(c.p_value, Style::PValue),
                Cell::Empty,
            ]);
        }
    }
    rows
}

/// The growth of mean spending per head by group, against BPS's where published.
fn group_growth_rows(r: &Reproduction) -> Vec<Vec<Cell>> {
    let mut rows = Vec::new();
    let z = crate::kernel::normal::quantile(0.5 + r.level / 2.0);
    for g in &r.group_growth {
        let (v, se) = g.growth;
        let i = Style::Index;
        rows.push(vec![
            Cell::Empty,
            Cell::Text("total".into()),
            Cell::Empty,
            Cell::Text(format!("growth:mean_{}", g.group)),
            Cell::Empty,
            Cell::Number(se, i),
            Cell::Number(v - z * se, i),
            Cell::Number(v + z * se, i),
            opt(g.published, i),
            Cell::Text(g.from.clone()),
            Cell::Text(g.to.clone()),
            Cell::Number(v, i),
            Cell::Empty,
            g.published
                .map_or(Cell::Empty, |_| Cell::Text("BPS".into())),
        ]);
    }
    rows
}

/// The analysis' rows: growth incidence (points, mean, bottom 40 %, premium) and the
/// decompositions by area and by province.
fn analysis_rows(a: &super::incidence::ChangeAnalysis, from: &str, to: &str) -> Vec<Vec<Cell>> {
    let mut rows = Vec::new();
    let g = &a.gic;
    for x in g.points.iter().chain([&g.mean, &g.bottom40, &g.premium]) {
        rows.push(vec![
            Cell::Empty,
            Cell::Text("total".into()),
            Cell::Empty,
            Cell::Text(format!("growth:{}", x.statistic)),
            Cell::Empty,
            Cell::Number(x.growth.se, Style::Index),
            Cell::Number(x.growth.ci_lower, Style::Index),
            Cell::Number(x.growth.ci_upper, Style::Index),
            Cell::Empty,
            Cell::Text(from.into()),
            Cell::Text(to.into()),
            Cell::Number(x.growth.change, Style::Index),
            Cell::Number(x.growth.p_value, Style::PValue),
            Cell::Empty,
        ]);
    }
    for (d, by_province) in a
        .by_area
        .iter()
        .map(|d| (d, false))
        .chain(a.by_province.iter().map(|d| (d, true)))
    {
        let change = d.round.contains('→');
        let (area, province) = match (&d.group, by_province) {
            (Some(g), true) => ("total".to_string(), Cell::Text(g.clone())),
            (Some(g), false) => (g.clone(), Cell::Empty),
            (None, _) => ("total".to_string(), Cell::Empty),
        };
        let est = Cell::Number(d.estimate, Style::Index);
        rows.push(vec![
            if change {
                Cell::Empty
            } else {
                Cell::Text(d.round.clone())
            },
            Cell::Text(area),
            province,
            Cell::Text(format!("{}:{}", d.measure, d.component)),
            if change { Cell::Empty } else { est.clone() },
            Cell::Number(d.se, Style::Index),
            Cell::Number(d.ci_lower, Style::Index),
            Cell::Number(d.ci_upper, Style::Index),
            Cell::Empty,
            if change {
                Cell::Text(from.into())
            } else {
                Cell::Empty
            },
            if change {
                Cell::Text(to.into())
            } else {
                Cell::Empty
            },
            if change { est } else { Cell::Empty },
            d.p_value
                .map_or(Cell::Empty, |p| Cell::Number(p, Style::PValue)),
            Cell::Empty,
        ]);
    }
    rows
}

fn estimate_row(round: &str, d: &DomainEstimate) -> Vec<Cell> {
    let s = Style::of(&d.measure);
    vec![
        Cell::Text(round.into()),
        Cell::Text(d.area.clone()),
        d.province
            .as_ref()
            .map_or(Cell::Empty, |p| Cell::Text(p.name.clone())),
        Cell::Text(d.measure.name()),
        Cell::Number(d.estimate, s),
        Cell::Number(d.se, s),
        Cell::Number(d.ci_lower, s),
        Cell::Number(d.ci_upper, s),
        opt(d.published, s),
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
        d.published
            .map_or(Cell::Empty, |_| Cell::Text(published_source(d).into())),
    ]
}

/// The report for people: the national table, the change table and the summary sentence,
/// the province table, then notes (`synthetic` adds the data note) and the chart paths.
pub fn text(r: &Reproduction, synthetic: bool, charts: &[PathBuf]) -> std::io::Result<Vec<u8>> {
    let format = OutputFormat::Table;
    let mut out: Vec<u8> = Vec::new();
    let heading =
        |out: &mut Vec<u8>, text: &str| out.extend_from_slice(format!("\n{text}\n\n").as_bytes());
    heading(
        &mut out,
        "National Gini ratio and bottom-40 % share of per-capita expenditure",
    );
    national_table(r).render(format, &mut out)?;
    heading(
        &mut out,
        &format!(
            "Change {} -> {}",
            r.rounds[r.from].label, r.rounds[r.to].label
        ),
    );
    change_table(r, true).render(format, &mut out)?;
    out.extend_from_slice(format!("\n{}\n", r.summary()).as_bytes());
    if let Some(series) = &r.series {
        heading(
            &mut out,
            "The series: Gini changes between consecutive rounds, over the window, and the linear trend",
        );
        series_table(r, true).render(format, &mut out)?;
        out.extend_from_slice(trend_lines(r, series).as_bytes());
    }
    let poverty = poverty_table(r);
    if !poverty.rows.is_empty() {
        heading(
            &mut out,
            if synthetic {
                "Poverty: headcount P0, gap P1 and severity P2 against BPS's lines (the bundled synthetic rounds are drawn with BPS's P0 in every province x area cell, so their headcounts differ from BPS's by sampling error; P1 and P2 are not fitted)"
            } else {
                "Poverty: headcount P0, gap P1 and severity P2 against BPS's lines of each province x area x round"
            },
        );
        poverty.render(format, &mut out)?;
    }
    if let Some(a) = &r.analysis {
        let c = &a.gic;
        heading(
            &mut out,
            &format!(
                "Who gained: growth incidence {} -> {} (real; {})",
                c.from, c.to, a.deflator_source
            ),
        );
        gic_table(r).render(format, &mut out)?;
        let p = &c.premium.growth;
        out.extend_from_slice(
            format!(
                "\nThe bottom 40 % mean grew {:+.2} % and the mean {:+.2} %: a shared-prosperity premium of {:+.2} points (standard error {:.2}, p = {:.3}); the poorest 40 % {} gain more than the average at the {:.0} % level.\n",
                c.bottom40.growth.change * 100.0,
                c.mean.growth.change * 100.0,
                p.change * 100.0,
                p.se * 100.0,
                p.p_value,
                if p.excludes_zero() && p.change > 0.0 { "did" } else { "did NOT demonstrably" },
                r.level * 100.0
            )
            .as_bytes(),
        );
        heading(
            &mut out,
            "Where the change came from: urban/rural (Mookherjee-Shorrocks for Theil T and MLD; Dagum for the Gini)",
        );
        area_decomposition_table(r, true).render(format, &mut out)?;
        heading(&mut out, "Province contributions to the change of Theil T (within, population share and relative mean terms summed)");
        province_contribution_table(r, true).render(format, &mut out)?;
    }
    if let Some(g) = r.group_growth.first() {
        heading(
            &mut out,
            &format!(
                "Growth of mean spending per head by group, {} -> {} (nominal), beside BPS's",
                g.from, g.to
            ),
        );
        out.extend_from_slice(group_growth_lines(r).as_bytes());
    }
    heading(&mut out, "Gini ratio by province");
    province_table(r).render(format, &mut out)?;
    let poverty_by_province = province_poverty_table(r);
    if !poverty_by_province.rows.is_empty() {
        heading(
            &mut out,
            "Headcount P0 by province, against each province x area cell's poverty line",
        );
        poverty_by_province.render(format, &mut out)?;
    }
    if let Some(p) = &r.programmes {
        heading(
            &mut out,
            &format!(
                "Did the programmes do it? The Gini with and without the transfers ({})",
                p.transfers.join(", ")
            ),
        );
        out.extend_from_slice(super::programmes::text(p, r.level).as_bytes());
        if synthetic {
            out.extend_from_slice(b"The programme columns of the bundled rounds are SYNTHETIC (drawn from the published rollout with assumed targeting errors): this section shows the method, not Indonesia's answer; it runs unchanged on real Susenas files with the same columns.\n");
        }
    }
    out.extend_from_slice(notes(r, synthetic, charts, !poverty.rows.is_empty()).as_bytes());
    Ok(out)
}

/// One line per area's linear trend over the series, with how far the rounds scatter
/// around it against their sampling error.
fn trend_lines(r: &Reproduction, series: &super::series::Series) -> String {
    let mut lines = String::new();
    for t in &series.trends {
        let typical = r
            .rounds
            .iter()
            .filter_map(|x| x.find(&t.area, &super::gini()).map(|d| d.se))
            .sum::<f64>()
            / t.rounds as f64;
        lines.push_str(
            &format!(
                "{}: trend {:+.4} per year (se {:.4}) over {} rounds; the rounds scatter {:.4} around the line (root mean square), {:.1} times their typical standard error {:.4}{}.\n",
                t.area,
                t.slope.change,
                t.slope.se,
                t.rounds,
                t.scatter,
                t.scatter / typical,
                typical,
                if t.scatter > 1.5 * typical {
                    ": the rounds depart from a straight line by more than sampling error, and the trend's standard error covers sampling only"
                } else {
                    ""
                }
            ),
        );
    }
    lines
}

/// BPS's groups' growth of mean spending per head, reproduced beside published.
fn group_growth_lines(r: &Reproduction) -> String {
    let mut lines = String::from("group      mean from     mean to   growth      se  published\n");
    for g in &r.group_growth {
        lines.push_str(&format!(
            "{:<9} {:>10.0} {:>11.0} {:>+7.2} % {:>5.2} % {:>9}\n",
            g.group,
            g.mean_from.0,
            g.mean_to.0,
            g.growth.0 * 100.0,
            g.growth.1 * 100.0,
            g.published
                .map_or("—".to_string(), |p| format!("{:+.2} %", p * 100.0))
        ));
    }
    lines
}

/// The notes under the report: how standard errors were made, the lines, the data, the charts.
fn notes(r: &Reproduction, synthetic: bool, charts: &[PathBuf], with_poverty: bool) -> String {
    let mut tail = vec![
        String::new(),
        format!(
            "note: standard errors by {}, strata '{}', PSUs '{}'; {:.0} % normal intervals.",
            method_description(&r.method),
            r.strata,
            r.psu,
            r.level * 100.0
        ),
        "note: se of a change = sqrt(se_from^2 + se_to^2): the rounds are independent samples."
            .into(),
    ];
    if with_poverty {
        tail.push("note: poverty against BPS's poverty line of each province x area x round (datasets/bps/province_cells.csv); poor = below the line. Published P1 is aggregated from BPS's province x area P1 (population-weighted); BPS's national P2 is not in the bundled sources.".into());
    }
    if let Some(a) = &r.analysis {
        tail.push(format!(
            "note: decompositions: standard errors by {} (terms of a change: each round's replicates with the other round at its estimate); growth incidence: {} intervals.",
            method_description(&a.decomposition_method),
            method_description(&r.method)
        ));
    }
    for round in &r.rounds {
        if let Some(why) = &round.poverty_missing {
            tail.push(format!(
                "note: no poverty table for {}: {why}.",
                round.label
            ));
        }
    }
    if synthetic {
        tail.push("note: data: SYNTHETIC Susenas-shaped household tables calibrated to BPS figures (datasets/susenas-synthetic/CARD.md); published: BPS (datasets/bps).".into());
    }
    for w in charts {
        tail.push(format!("chart: {}", w.display()));
    }
    tail.join("\n") + "\n"
}
