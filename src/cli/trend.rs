//! `gini trend`: the change of each measure between survey rounds, per group, with standard
//! errors, intervals and p-values. Rounds are independent samples: se(change) =
//! √(se₁² + se₂²).

use super::args::TrendArgs;
use super::compute::{measure_settings, table_spec};
use super::{emit, Failure};
use ginikit::report::{Cell, OutputFormat, Report, Style};
use ginikit::survey::change;
use ginikit::table::{self, survey::GroupInference};
use std::collections::HashMap;

/// One round's estimates, keyed by (group key, measure name).
struct Round {
    label: String,
    estimates: HashMap<(Vec<String>, String), (f64, f64)>,
}

pub fn run(args: &TrendArgs) -> Result<(), Failure> {
    let (measures, options, format) = measure_settings(&args.measure)?;
    if args.files.len() < 2 && args.period.is_none() {
        return Err(Failure::Usage(
            "give two or more files (one per round) or one file with --period COLUMN".into(),
        ));
    }
    let mut rounds: Vec<Round> = Vec::new();
    let mut group_order: Vec<Vec<String>> = Vec::new();
    let mut by: Vec<String> = Vec::new();
    let mut notes = Vec::new();
    for file in &args.files {
        let mut spec = table_spec(&args.table)?;
        if let Some(p) = &args.period {
            spec.by.insert(0, p.clone());
        }
        let survey =
            super::survey::survey_spec(&args.survey, &mut spec, file, Some("linearization"))?
                .expect("trend always has a standard-error method");
        let table = table::read_table(file, &spec)?;
        by = args.table.by.clone();
        // Rounds within this file, in order of first appearance.
        let mut members: Vec<(String, Vec<usize>)> = Vec::new();
        for (g, group) in table.groups.iter().enumerate() {
            let label = match &args.period {
                Some(_) => group.key[0].clone(),
                None => file.file_stem().map_or_else(
                    || file.display().to_string(),
                    |s| s.to_string_lossy().to_string(),
                ),
            };
            match members.iter_mut().find(|(l, _)| *l == label) {
                Some((_, v)) => v.push(g),
                None => members.push((label, vec![g])),
            }
        }
        for (label, ids) in members {
            let rows: Vec<GroupInference> = super::survey::run_round(
                &table,
                &ids,
                &survey,
                &measures,
                &options,
                args.survey.quiet,
            )?;
            if notes.is_empty() {
                notes = super::survey::notes(&survey, &rows);
            }
            let mut estimates = HashMap::new();
            for r in rows {
                let key: Vec<String> = if args.period.is_some() {
                    r.key[1..].to_vec()
                } else {
                    r.key.clone()
                };
                if !group_order.contains(&key) {
                    group_order.push(key.clone());
                }
                estimates.insert(
                    (key, r.measure.name()),
                    (r.result.estimate.value, r.result.inference.se),
                );
            }
            if rounds.iter().any(|r| r.label == label) {
                return Err(Failure::Usage(format!(
                    "round '{label}' appears in more than one file"
                )));
            }
            rounds.push(Round { label, estimates });
        }
    }
    let pairs = pairs(args.pairs.as_deref(), &rounds)?;
    let level = args.survey.level;
    let mut report = Report {
        columns: by
            .iter()
            .cloned()
            .chain(
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
            )
            .collect(),
        notes,
        ..Report::default()
    };
    if format == OutputFormat::Table {
        report.columns.push("sig".into());
    }
    for key in &group_order {
        for m in &measures {
            for &(a, b) in &pairs {
                let name = m.name();
                let (Some(&(ea, sa)), Some(&(eb, sb))) = (
                    rounds[a].estimates.get(&(key.clone(), name.clone())),
                    rounds[b].estimates.get(&(key.clone(), name.clone())),
                ) else {
                    continue;
                };
                let c = change(ea, sa, eb, sb, level);
                let style = Style::of(&m);
                let mut cells: Vec<Cell> = key.iter().map(|k| Cell::Text(k.clone())).collect();
                cells.push(Cell::Text(name));
                cells.push(Cell::Text(rounds[a].label.clone()));
                cells.push(Cell::Text(rounds[b].label.clone()));
                cells.extend(
                    [ea, eb, c.change, c.se, c.ci_lower, c.ci_upper]
                        .map(|v| Cell::Number(v, style)),
                );
                cells.push(Cell::Number(c.p_value, Style::PValue));
                if format == OutputFormat::Table {
                    let excludes_zero = c.ci_lower > 0.0 || c.ci_upper < 0.0;
                    cells.push(Cell::Text(if excludes_zero {
                        "*".into()
                    } else {
                        String::new()
                    }));
                }
                report.rows.push(cells);
            }
        }
    }
    report.notes.push(
        "note: se of a change = sqrt(se_from^2 + se_to^2): the rounds are independent samples."
            .into(),
    );
    if format == OutputFormat::Table {
        report.notes.push(format!(
            "note: * marks changes whose {:.0} % interval excludes zero.",
            level * 100.0
        ));
    }
    emit(&report, format, args.measure.output.as_deref())
}

/// Index pairs of rounds to compare: `--pairs A:B,…` or consecutive rounds.
fn pairs(spec: Option<&str>, rounds: &[Round]) -> Result<Vec<(usize, usize)>, Failure> {
    let find = |label: &str| {
        rounds.iter().position(|r| r.label == label).ok_or_else(|| {
            let known: Vec<&str> = rounds.iter().map(|r| r.label.as_str()).collect();
            Failure::Usage(format!(
                "--pairs names round '{label}', but the rounds are: {}",
                known.join(", ")
            ))
        })
    };
    match spec {
        None => {
            if rounds.len() < 2 {
                return Err(Failure::Usage(format!(
                    "only one round found ({}); a trend needs two",
                    rounds.first().map_or("", |r| r.label.as_str())
                )));
            }
            Ok((1..rounds.len()).map(|i| (i - 1, i)).collect())
        }
        Some(list) => list
            .split(',')
            .map(|p| {
                let (a, b) = p.split_once(':').ok_or_else(|| {
                    Failure::Usage(format!("--pairs entry '{p}' should look like FROM:TO"))
                })?;
                Ok((find(a.trim())?, find(b.trim())?))
            })
            .collect(),
    }
}
