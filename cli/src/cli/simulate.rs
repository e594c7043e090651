//! `gini simulate`: transfer schemes on one round — the Gini, shares and poverty before and
//! after with standard errors, the yearly budget — and the smallest budget that reaches a
//! target Gini, with a replicate interval.

use super::args::{Se, SimulateArgs};
use super::compute::table_spec;
use super::survey::{survey_spec, Progress};
use super::{emit, Failure};
use ginikit::attribute::scenario_terms;
use ginikit::measure::{Measure, Options};
use ginikit::report::{tidy, Cell, Style};
use ginikit::simulate::solve::{solve, solve_measures, Direction, Lever, Solution};
use ginikit::simulate::{change, Scheme};
use ginikit::survey::replicate::ReplicateMethod;
use ginikit::table::simulate::{rows, scenario_table, solve_table};
use ginikit::table::survey::{infer, replicate_count, GroupInference, SeMethod, SurveySpec};
use ginikit::table::{ComponentKind, Table, TableSpec};

pub fn run(args: &SimulateArgs) -> Result<(), Failure> {
    let schemes = schemes(args)?;
    let levers = levers(args)?;
    if schemes.is_empty() && args.target_gini.is_none() {
        return Err(Failure::Usage(
            "name a scheme (--scale COLUMN=FACTOR, --widen COLUMN=FAMILIES, --topup PERCENT=AMOUNT) or a target (--target-gini 0.36 --lever …)".into(),
        ));
    }
    if args.target_gini.is_some() == levers.is_empty() {
        return Err(Failure::Usage(
            "--target-gini and --lever go together: --target-gini 0.36 --lever scale:pkh (or widen:COLUMN, topup:PERCENT)".into(),
        ));
    }
    let extra = if args.measures.trim().is_empty() {
        Vec::new()
    } else {
        Measure::parse_list(&args.measures)?
    };
    let mut spec = TableSpec {
        components: args.transfers.clone(),
        component_kind: ComponentKind::Transfers,
        ..table_spec(&args.table)
    };
    let survey = survey_spec(&args.survey, &mut spec, &args.file, Some(Se::Linearization))?
        .expect("a standard-error method is always set");
    let size = args.table.size.as_ref().map(|s| {
        spec.extra.push((s.clone(), "household size"));
        spec.extra.len() - 1
    });
    let table = super::read_input(&args.file, &spec)?;
    let data = rows(&table, size)?;
    let options = Options::default();
    let mut by = vec!["scheme".to_string()];
    by.extend(table.by.iter().cloned());
    let mut found: Vec<GroupInference> = Vec::new();
    for scheme in &schemes {
        let delta = change(&data, scheme)?;
        let (scenario, raising) = scenario_table(&table, &delta)?;
        let measures = scenario_terms(&extra, raising);
        found.extend(tagged(
            &scheme.describe(),
            estimate(&scenario, &survey, &measures, &options, args.survey.quiet)?,
        ));
    }
    let mut report = tidy::inferences(&by, &found, &survey);
    if schemes.is_empty() {
        // Only solves: their notes say how their intervals were made.
        report.notes.clear();
    }
    if let Some(target) = args.target_gini {
        let replicated = replicate_spec(&survey, args);
        for lever in &levers {
            let direction = Direction::new(&data, lever)?;
            let label = format!("Gini {target} by {}", lever.describe());
            match solve(&data, &direction, target)? {
                Solution::Reached { theta, gini, .. } => {
                    let measures = solve_measures(lever, target, theta, direction.max);
                    let t = solve_table(&table, &direction);
                    let rows = estimate(&t, &replicated, &measures, &options, args.survey.quiet)?;
                    let mut solved = tidy::inferences(&by, &tagged(&label, rows), &replicated);
                    report.rows.append(&mut solved.rows);
                    for note in solved.notes {
                        if !report.notes.contains(&note) {
                            report.notes.push(note);
                        }
                    }
                    report.notes.push(format!(
                        "note: {label}: reached, Gini {gini:.4} on the full sample; the interval is from {} replicates (each solved again; those that do not reach the target within twice the answer are left out and counted)",
                        replicate_count(&t, &replicated)
                    ));
                }
                Solution::Unreachable {
                    theta,
                    gini,
                    budget,
                } => {
                    let mut row = vec![Cell::Text(label.clone())];
                    row.extend(table.by.iter().map(|_| Cell::Empty));
                    row.push(Cell::Text("not reachable: lowest gini".into()));
                    row.push(Cell::Number(gini, Style::Index));
                    row.resize(report.columns.len(), Cell::Empty);
                    report.rows.push(row);
                    report.notes.push(format!(
                        "note: {label}: NOT REACHABLE with this scheme — its lowest Gini is {gini:.4}, at {} = {}, costing {} a year; more of it raises the Gini again or it runs out of households",
                        lever.parameter(),
                        ginikit::report::thousands(
                            if matches!(lever, Lever::Scale { .. }) { 1.0 + theta } else { theta },
                            if matches!(lever, Lever::Scale { .. }) { 4 } else { 0 }
                        ),
                        ginikit::report::thousands(budget, 0)
                    ));
                }
            }
        }
    }
    report.notes.push("note: a scheme changes each row's value by Δ per person (behaviour held fixed: the change is consumed); X_baseline is the measure today, X with the scheme, X_change the difference, with the standard error of the difference on the same sample; budget = 12 × Σ person weight × Δ (a year, when values are monthly). Widening ranks households without the transfer by ln(welfare before transfers) + noise × N(0,1).".into());
    emit(&report, args.format.into(), args.output.as_deref())
}

/// Estimates `measures` on the one round of `table`, groups as domains.
fn estimate(
    table: &Table,
    survey: &SurveySpec,
    measures: &[Measure],
    options: &Options,
    quiet: bool,
) -> Result<Vec<GroupInference>, Failure> {
    let members: Vec<usize> = (0..table.groups.len()).collect();
    let progress = Progress::new(replicate_count(table, survey) * members.len(), quiet);
    Ok(infer(table, &members, survey, measures, options, &|| {
        progress.tick()
    })?)
}

fn tagged(label: &str, rows: Vec<GroupInference>) -> Vec<GroupInference> {
    rows.into_iter()
        .map(|mut r| {
            r.key.insert(0, label.to_string());
            r
        })
        .collect()
}

/// The solve needs replicates: a linearized spec becomes a bootstrap with --replicates and
/// --seed on the same design.
fn replicate_spec(survey: &SurveySpec, args: &SimulateArgs) -> SurveySpec {
    let mut s = *survey;
    if s.method == SeMethod::Linearization {
        s.method = SeMethod::Replicates(ReplicateMethod::Bootstrap {
            replicates: args.survey.replicates,
            seed: args.survey.seed,
        });
    }
    s
}

fn split<'a>(flag: &str, text: &'a str, sep: char, form: &str) -> Result<(&'a str, f64), Failure> {
    let bad = || Failure::Usage(format!("{flag} {text}: write it as {form}"));
    let (name, number) = text.split_once(sep).ok_or_else(bad)?;
    let number: f64 = number.trim().parse().map_err(|_| bad())?;
    if name.trim().is_empty() || !number.is_finite() {
        return Err(bad());
    }
    Ok((name.trim(), number))
}

fn schemes(args: &SimulateArgs) -> Result<Vec<Scheme>, Failure> {
    let mut out = Vec::new();
    for s in &args.scale {
        let (transfer, factor) = split("--scale", s, '=', "COLUMN=FACTOR, e.g. pkh=2")?;
        out.push(Scheme::Scale {
            transfer: transfer.into(),
            factor,
        });
    }
    for s in &args.widen {
        let (transfer, families) = split("--widen", s, '=', "COLUMN=FAMILIES, e.g. pkh=2000000")?;
        out.push(Scheme::Widen {
            transfer: transfer.into(),
            families,
            amount: args.amount,
            noise: args.noise,
            seed: args.targeting_seed,
        });
    }
    for s in &args.topup {
        let (percent, amount) = split("--topup", s, '=', "PERCENT=AMOUNT, e.g. 40=50000")?;
        out.push(Scheme::TopUp {
            bottom: percent_share(percent)?,
            amount,
        });
    }
    Ok(out)
}

fn percent_share(text: &str) -> Result<f64, Failure> {
    match text.trim().parse::<f64>() {
        Ok(p) if p > 0.0 && p <= 100.0 => Ok(p / 100.0),
        _ => Err(Failure::Usage(format!(
            "the top-up share {text}: give a percent of persons in (0, 100], e.g. 40"
        ))),
    }
}

fn levers(args: &SimulateArgs) -> Result<Vec<Lever>, Failure> {
    args.lever
        .iter()
        .map(|l| {
            let (kind, what) = l.split_once(':').ok_or_else(|| {
                Failure::Usage(format!(
                    "--lever {l}: write scale:COLUMN, widen:COLUMN or topup:PERCENT"
                ))
            })?;
            Ok(match kind.trim() {
                "scale" => Lever::Scale {
                    transfer: what.trim().into(),
                },
                "widen" => Lever::Widen {
                    transfer: what.trim().into(),
                    amount: args.amount,
                    noise: args.noise,
                    seed: args.targeting_seed,
                },
                "topup" => Lever::TopUp {
                    bottom: percent_share(what)?,
                },
                other => {
                    return Err(Failure::Usage(format!(
                        "--lever {l}: '{other}' is not a lever; use scale, widen or topup"
                    )))
                }
            })
        })
        .collect()
}
