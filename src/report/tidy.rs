//! The tidy rows of `gini compute` and `gini trend` from typed results: what the command
//! line prints and what a library caller gets for the same data.

use super::{Cell, Report, Style};
use crate::measure::{Estimate, Measure};
use crate::survey::replicate::ReplicateMethod;
use crate::survey::Interval;
use crate::table::decompose::DecompositionRow;
use crate::table::survey::{GroupInference, SeMethod, SurveySpec};
use crate::table::trend::TrendRow;
use crate::table::GroupEstimate;

/// The inference columns of an output row.
pub const INFERENCE_COLUMNS: [&str; 4] = ["se", "ci_lower", "ci_upper", "deff"];

/// Point estimates per group: the group columns, then `measure`, `estimate`, `n`,
/// `population`; a note for every measure that left rows out.
pub fn estimates(by: &[String], rows: &[GroupEstimate]) -> Report {
    let mut report = Report {
        columns: header(by, false),
        ..Report::default()
    };
    for r in rows {
        report
            .rows
            .push(row_cells(&r.key, &r.measure, &r.estimate, None));
        if r.estimate.excluded > 0 {
            let group = if r.key.is_empty() {
                String::new()
            } else {
                format!(" in {}", r.key.join("/"))
            };
            report.notes.push(format!(
                "note: {}{group}: {} row(s) with zero or negative values excluded",
                r.measure.name(),
                r.estimate.excluded
            ));
        }
    }
    report.notes.extend(headcount_notes(
        rows.iter()
            .map(|r| (&r.key[..], &r.measure, r.estimate.value)),
    ));
    report
}

/// A warning for every group whose poverty headcount is 0 % or 100 %: nearly always a poverty
/// line in other units than the values (a yearly line against monthly values, thousands
/// against units).
pub fn headcount_notes<'a>(
    rows: impl Iterator<Item = (&'a [String], &'a crate::measure::Measure, f64)>,
) -> Vec<String> {
    let mut notes = Vec::new();
    for (key, measure, value) in rows {
        if measure.name() != "fgt0" || (value != 0.0 && value != 1.0) {
            continue;
        }
        let group = if key.is_empty() {
            String::new()
        } else {
            format!(" in {}", key.join("/"))
        };
        notes.push(format!(
            "warning: fgt0{group} is {} %: {} is below the poverty line; check that the line is in the units of the values (per person, per month or per year, thousands or units)",
            if value == 0.0 { 0 } else { 100 },
            if value == 0.0 { "nobody" } else { "everybody" }
        ));
    }
    notes
}

/// Estimates with standard errors, intervals and design effects, and notes on how they were
/// obtained.
pub fn inferences(by: &[String], rows: &[GroupInference], spec: &SurveySpec) -> Report {
    let mut report = Report {
        columns: header(by, true),
        notes: survey_notes(spec, rows),
        ..Report::default()
    };
    for r in rows {
        report.rows.push(row_cells(
            &r.key,
            &r.measure,
            &r.result.estimate,
            Some(inference_cells(r)),
        ));
    }
    report.notes.extend(headcount_notes(
        rows.iter()
            .map(|r| (&r.key[..], &r.measure, r.result.estimate.value)),
    ));
    report
}

/// Changes between rounds: the group columns, `measure`, `from`, `to`, `estimate_from`,
/// `estimate_to`, `change`, `se`, `ci_lower`, `ci_upper`, `p_value`, and with `marks` a `sig`
/// column (`*` where the interval excludes zero).
pub fn changes(
    by: &[String],
    rows: &[TrendRow],
    mut notes: Vec<String>,
    level: f64,
    marks: bool,
) -> Report {
    let mut columns: Vec<String> = by.to_vec();
    columns.extend(
        [
            "measure",
            "from",
            "to",
            "estimate_from",
            "estimate_to",
            "change",
            "se",
            "ci_lower",
            "ci_upper",
            "p_value",
        ]
        .map(String::from),
    );
    if marks {
        columns.push("sig".into());
    }
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let style = Style::of(&r.measure);
        let c = &r.change;
        let mut cells: Vec<Cell> = r.key.iter().map(|k| Cell::Text(k.clone())).collect();
        cells.push(Cell::Text(r.measure.name()));
        cells.push(Cell::Text(r.from.clone()));
        cells.push(Cell::Text(r.to.clone()));
        cells.extend(
            [
                r.estimate_from,
                r.estimate_to,
                c.change,
                c.se,
                c.ci_lower,
                c.ci_upper,
            ]
            .map(|v| Cell::Number(v, style)),
        );
        cells.push(Cell::Number(c.p_value, Style::PValue));
        if marks {
            cells.push(Cell::Text(c.mark().into()));
        }
        out.push(cells);
    }
    notes.push(
        "note: se of a change = sqrt(se_from^2 + se_to^2): the rounds are independent samples."
            .into(),
    );
    if marks {
        notes.push(format!(
            "note: * marks changes whose {:.0} % interval excludes zero.",
            level * 100.0
        ));
    }
    Report {
        columns,
        rows: out,
        notes,
    }
}

/// Output columns: the group columns, then measure, estimate, [inference], n, population.
fn header(by: &[String], inference: bool) -> Vec<String> {
    let mut columns: Vec<String> = by.to_vec();
    columns.extend(["measure", "estimate"].map(String::from));
    if inference {
        columns.extend(INFERENCE_COLUMNS.map(String::from));
    }
    columns.extend(["n", "population"].map(String::from));
    columns
}

fn row_cells(
    key: &[String],
    measure: &Measure,
    estimate: &Estimate,
    inference: Option<[Cell; 4]>,
) -> Vec<Cell> {
    let mut cells: Vec<Cell> = key.iter().map(|k| Cell::Text(k.clone())).collect();
    cells.push(Cell::Text(measure.name()));
    cells.push(Cell::Number(estimate.value, Style::of(measure)));
    cells.extend(inference.into_iter().flatten());
    cells.push(Cell::Number(estimate.n as f64, Style::Count));
    cells.push(Cell::Number(estimate.population, Style::Count));
    cells
}

fn inference_cells(r: &GroupInference) -> [Cell; 4] {
    let style = Style::of(&r.measure);
    let i = &r.result.inference;
    [
        Cell::Number(i.se, style),
        Cell::Number(i.ci_lower, style),
        Cell::Number(i.ci_upper, style),
        i.deff
            .map_or(Cell::Empty, |d| Cell::Number(d, Style::Index)),
    ]
}

/// How standard errors are obtained, in words.
pub fn method_description(method: &SeMethod) -> String {
    match method {
        SeMethod::Linearization => {
            "linearization (influence values), PSUs with replacement".to_string()
        }
        SeMethod::Replicates(ReplicateMethod::Bootstrap { replicates, seed }) => {
            format!("Rao-Wu bootstrap, {replicates} replicates, seed {seed}")
        }
        SeMethod::Replicates(ReplicateMethod::Jackknife) => "delete-one-PSU jackknife (JKn)".into(),
        SeMethod::Replicates(ReplicateMethod::Brr) => "balanced repeated replication".into(),
        SeMethod::Replicates(ReplicateMethod::Fay { rho }) => format!("Fay's BRR, rho {rho}"),
        SeMethod::GivenReplicates { scale, .. } => {
            format!("replicate weights from the file, scale {scale}")
        }
    }
}

/// Notes on how the standard errors were obtained.
pub fn survey_notes(spec: &SurveySpec, rows: &[GroupInference]) -> Vec<String> {
    let mut notes = vec![format!(
        "note: standard errors by {}; {:.0} % intervals{}.",
        method_description(&spec.method),
        spec.level * 100.0,
        if spec.interval == Interval::Percentile {
            " (bootstrap percentiles)"
        } else {
            ""
        }
    )];
    if spec.assumes_srs() {
        notes.push("note: no strata or PSU columns given: the standard errors assume simple random sampling of rows.".into());
    }
    let dropped: usize = rows
        .iter()
        .map(|r| r.result.inference.replicates_dropped)
        .max()
        .unwrap_or(0);
    if dropped > 0 {
        notes.push(format!("note: up to {dropped} replicate(s) per estimate were left out because a group had no weight in them."));
    }
    notes
}

/// `gini simulate`'s rows: the schemes' terms (with standard errors) and each solve's budget
/// and lever size (with replicate intervals), or a "not reachable" row; notes on how.
pub fn simulation(s: &crate::table::simulate::Simulation) -> Report {
    use crate::simulate::solve::Lever;
    use crate::table::simulate::Solved;
    let mut report = inferences(&s.by, &s.scenarios, &s.survey);
    if s.scenarios.is_empty() {
        // Only solves: their own notes say how their intervals were made.
        report.notes.clear();
    }
    for solved in &s.solves {
        match solved {
            Solved::Reached {
                label,
                gini,
                replicates,
                rows,
            } => {
                let part = inferences(&s.by, rows, &s.replicated);
                report.rows.extend(part.rows);
                for note in part.notes {
                    if !report.notes.contains(&note) {
                        report.notes.push(note);
                    }
                }
                report.notes.push(format!(
                    "note: {label}: reached, Gini {gini:.4} on the full sample; the interval is from {replicates} replicates (each solved again; those that do not reach the target within twice the answer are left out and counted)"
                ));
            }
            Solved::Unreachable {
                label,
                lever,
                theta,
                gini,
                budget,
            } => {
                let mut row = vec![Cell::Text(label.clone())];
                row.extend(s.by.iter().skip(1).map(|_| Cell::Empty));
                row.push(Cell::Text("not reachable: lowest gini".into()));
                row.push(Cell::Number(*gini, Style::Index));
                row.resize(report.columns.len(), Cell::Empty);
                report.rows.push(row);
                let scale = matches!(lever, Lever::Scale { .. });
                report.notes.push(format!(
                    "note: {label}: NOT REACHABLE with this scheme — its lowest Gini is {gini:.4}, at {} = {}, costing {} a year; more of it raises the Gini again or it runs out of households",
                    lever.parameter(),
                    super::thousands(if scale { 1.0 + theta } else { *theta }, if scale { 4 } else { 0 }),
                    super::thousands(*budget, 0)
                ));
            }
        }
    }
    report.notes.push("note: a scheme changes each row's value by Δ per person (behaviour held fixed: the change is consumed); X_baseline is the measure today, X with the scheme, X_change the difference, with the standard error of the difference on the same sample; budget = 12 × Σ person weight × Δ (a year, when values are monthly). Widening ranks households without the transfer by ln(welfare before transfers) + noise × N(0,1).".into());
    report
}

/// The notes under a decomposition report: how its standard errors were made, and the
/// identities its terms satisfy.
pub fn decomposition_notes(spec: &SurveySpec) -> Vec<String> {
    vec![
        format!(
            "note: standard errors by {}; {:.0} % intervals; a change's terms are evaluated with each round's replicates, the other round held at its estimate (independent samples).",
            method_description(&spec.method),
            spec.level * 100.0
        ),
        "note: GE: total = within + between exactly; Gini (Dagum): total = within + net_between + transvariation; change (Mookherjee–Shorrocks, MLD and Theil T) = change_within + change_population_shares + change_relative_means + change_residual.".into(),
    ]
}

/// Decomposition rows as a table (`marks`: a `sig` column marking change terms whose interval
/// excludes zero).
pub fn decomposition(rows: &[&DecompositionRow], marks: bool) -> Report {
    let mut columns: Vec<String> = [
        "round",
        "measure",
        "component",
        "group",
        "estimate",
        "se",
        "ci_lower",
        "ci_upper",
        "p_value",
    ]
    .map(String::from)
    .to_vec();
    if marks {
        columns.push("sig".into());
    }
    let rows = rows
        .iter()
        .map(|d| {
            let mut cells = vec![
                Cell::Text(d.round.clone()),
                Cell::Text(d.measure.clone()),
                Cell::Text(d.component.clone()),
                d.group
                    .as_ref()
                    .map_or(Cell::Empty, |g| Cell::Text(g.clone())),
                Cell::Number(d.estimate, Style::Index),
                Cell::Number(d.se, Style::Index),
                Cell::Number(d.ci_lower, Style::Index),
                Cell::Number(d.ci_upper, Style::Index),
                d.p_value
                    .map_or(Cell::Empty, |p| Cell::Number(p, Style::PValue)),
            ];
            if marks {
                let sig = d.p_value.is_some() && (d.ci_lower > 0.0 || d.ci_upper < 0.0);
                cells.push(Cell::Text(if sig { "*" } else { "" }.into()));
            }
            cells
        })
        .collect();
    Report {
        columns,
        rows,
        notes: Vec::new(),
    }
}
