//! "Did the programmes do it?": the transfers' marginal contribution to the Gini in the two
//! rounds of the tested change and its change, and the cost of a target Gini under two
//! schemes (scaling the first transfer, topping up the poorest 40 %), with intervals.

use super::ReproduceSpec;
use crate::attribute::transfer_terms;
use crate::error::Result;
use crate::measure::Options;
use crate::report::{Cell, Style};
use crate::simulate::solve::Lever;
use crate::survey::{change, Change, Tick};
use crate::table::simulate::{replicated, simulate, Solved};
use crate::table::survey::{infer, SurveySpec};
use crate::table::Table;

/// The target of the cost question: the 2019 target of the national medium-term plan.
pub const TARGET_GINI: f64 = 0.36;
/// Bootstrap replicates of the solves' intervals.
pub const SOLVE_REPLICATES: usize = 200;

/// An estimate with its standard error.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Valued {
    pub estimate: f64,
    pub se: f64,
}

/// One round's attribution to the transfers.
#[derive(Debug, Clone, PartialEq)]
pub struct ProgrammeRound {
    pub label: String,
    pub gini: Valued,
    /// The Gini before every transfer.
    pub gini_before: Valued,
    /// `G(before) − G(with)`: how much the transfers together lower the Gini.
    pub effect: Valued,
    /// CEQ marginal contribution `G(y − t) − G(y)` of each transfer.
    pub marginal: Vec<(String, Valued)>,
}

/// The cost of the target under one scheme.
#[derive(Debug, Clone, PartialEq)]
pub struct Cost {
    pub lever: String,
    /// What the parameter is (factor, amount per person per month).
    pub parameter_name: String,
    /// `Some((estimate, lower, upper))` of the parameter and of the yearly budget; `None`
    /// when the scheme cannot reach the target.
    pub parameter: Option<(f64, f64, f64)>,
    pub budget: Option<(f64, f64, f64)>,
    /// When unreachable: the lowest Gini the scheme gives.
    pub lowest_gini: Option<f64>,
}

/// The section's results.
#[derive(Debug, Clone, PartialEq)]
pub struct Programmes {
    pub transfers: Vec<String>,
    pub from: ProgrammeRound,
    pub to: ProgrammeRound,
    /// Change of the transfers' effect and of the Gini between the rounds.
    pub effect_change: Change,
    pub gini_change: Change,
    pub target: f64,
    /// In the later round.
    pub costs: Vec<Cost>,
    pub replicates: usize,
}

/// The attribution of `from` and `to` (tables whose components are the transfers), and the
/// cost of [`TARGET_GINI`] in `to`.
///
/// # Errors
/// As the estimates and solves do.
pub fn analyse(
    from: (&Table, &str),
    to: (&Table, &str),
    spec: &ReproduceSpec,
    survey: &SurveySpec,
    tick: Tick<'_>,
) -> Result<Programmes> {
    let names = to.0.components.clone();
    let Some(first) = names.first().cloned() else {
        return Err(crate::error::Error::InvalidParameter {
            name: "transfers",
            value: String::new(),
            expected: "tables read with their transfer columns (ReproduceSpec::transfers)".into(),
        });
    };
    let one_round = |t: &Table| t.regroup(&(0..t.groups.len()).collect::<Vec<_>>(), &[]);
    let (a, b) = (one_round(from.0), one_round(to.0));
    let round = |t: &Table, label: &str| programme_round(t, label, &names, survey, tick);
    let (x, y) = (round(&a, from.1)?, round(&b, to.1)?);
    let effect_change = change(
        x.effect.estimate,
        x.effect.se,
        y.effect.estimate,
        y.effect.se,
        spec.level,
    );
    let gini_change = change(
        x.gini.estimate,
        x.gini.se,
        y.gini.estimate,
        y.gini.se,
        spec.level,
    );
    let replicated = replicated(survey, SOLVE_REPLICATES, spec.seed);
    let levers = [
        Lever::Scale { transfer: first },
        Lever::TopUp { bottom: 0.4 },
    ];
    let solved = simulate(
        &b,
        None,
        &[],
        Some((TARGET_GINI, &levers)),
        &[],
        survey,
        &replicated,
        tick,
    )?;
    let costs = solved.solves.iter().zip(&levers).map(cost).collect();
    Ok(Programmes {
        transfers: names,
        from: x,
        to: y,
        effect_change,
        gini_change,
        target: TARGET_GINI,
        costs,
        replicates: SOLVE_REPLICATES,
    })
}

/// One round's Gini, Gini before transfers, redistributive effect and each transfer's
/// marginal contribution, with their standard errors (the table as one group).
fn programme_round(
    t: &Table,
    label: &str,
    names: &[String],
    survey: &SurveySpec,
    tick: Tick<'_>,
) -> Result<ProgrammeRound> {
    let wanted: Vec<String> = ["gini", "gini_before", "redistributive_effect"]
        .iter()
        .map(|s| s.to_string())
        .chain(names.iter().map(|n| format!("mc_gini({n})")))
        .collect();
    let measures: Vec<_> = transfer_terms(names, &[])
        .into_iter()
        .filter(|m| wanted.contains(&m.name()))
        .collect();
    let found = infer(t, &[0], survey, &measures, &Options::default(), tick)?;
    let get = |name: &str| -> Valued {
        let r = found
            .iter()
            .find(|r| r.measure.name() == name)
            .expect("every wanted term was estimated");
        Valued {
            estimate: r.result.estimate.value,
            se: r.result.inference.se,
        }
    };
    Ok(ProgrammeRound {
        label: label.to_string(),
        gini: get("gini"),
        gini_before: get("gini_before"),
        effect: get("redistributive_effect"),
        marginal: names
            .iter()
            .map(|n| (n.clone(), get(&format!("mc_gini({n})"))))
            .collect(),
    })
}

/// What a lever's solve found: the budget and the lever's setting with their intervals, or
/// the lowest Gini the lever reaches.
fn cost((s, lever): (&Solved, &Lever)) -> Cost {
    let parameter_name = lever.parameter().to_string();
    match s {
        Solved::Reached { rows, .. } => {
            let triple = |k: usize| {
                let r = &rows[k].result;
                (r.estimate.value, r.inference.ci_lower, r.inference.ci_upper)
            };
            Cost {
                lever: lever.describe(),
                parameter_name,
                budget: Some(triple(0)),
                parameter: Some(triple(1)),
                lowest_gini: None,
            }
        }
        Solved::Unreachable { gini, .. } => Cost {
            lever: lever.describe(),
            parameter_name,
            parameter: None,
            budget: None,
            lowest_gini: Some(*gini),
        },
    }
}

/// The section as text.
pub fn text(p: &Programmes, level: f64) -> String {
    let mut out = String::new();
    let pct = |v: f64| format!("{:.0} %", v * 100.0);
    out.push_str(&format!(
        "{:<10} {:>8} {:>15} {:>22}",
        "round", "gini", "before transfers", "transfers lower it by"
    ));
    for n in &p.transfers {
        out.push_str(&format!(" {:>22}", format!("mc_gini({n})")));
    }
    out.push('\n');
    for r in [&p.from, &p.to] {
        out.push_str(&format!(
            "{:<10} {:>8.4} {:>15.4} {:>22}",
            r.label,
            r.gini.estimate,
            r.gini_before.estimate,
            format!("{:.4} ({:.4})", r.effect.estimate, r.effect.se)
        ));
        for (_, v) in &r.marginal {
            out.push_str(&format!(
                " {:>22}",
                format!("{:.4} ({:.4})", v.estimate, v.se)
            ));
        }
        out.push('\n');
    }
    let e = &p.effect_change;
    let g = &p.gini_change;
    out.push_str(&format!(
        "\nThe transfers lowered the Gini by {:.4} in {} and by {:.4} in {}: their effect changed by {:+.4} (standard error {:.4}, p = {:.3}) while the Gini changed by {:+.4} (standard error {:.4}), so the programmes' expansion accounts for {} of the change{}.\n",
        p.from.effect.estimate,
        p.from.label,
        p.to.effect.estimate,
        p.to.label,
        e.change,
        e.se,
        e.p_value,
        g.change,
        g.se,
        if g.change != 0.0 { pct(-e.change / g.change) } else { "none".into() },
        if e.excludes_zero() { "" } else { " — a share not distinguishable from zero at this level" },
    ));
    out.push_str(&format!(
        "\nWhat a Gini of {} in {} would cost (the smallest size of each scheme; {:.0} % intervals from {} bootstrap replicates, each solved again):\n",
        p.target,
        p.to.label,
        level * 100.0,
        p.replicates
    ));
    for c in &p.costs {
        match (c.parameter, c.budget) {
            (Some(par), Some(b)) => out.push_str(&format!(
                "- {}: {} {} [{}, {}]; Rp {:.1} trillion a year [{:.1}, {:.1}]\n",
                c.lever,
                c.parameter_name,
                crate::report::thousands(par.0, 2),
                crate::report::thousands(par.1, 2),
                crate::report::thousands(par.2, 2),
                b.0 / 1e12,
                b.1 / 1e12,
                b.2 / 1e12
            )),
            _ => out.push_str(&format!(
                "- {}: not reachable with this scheme (its lowest Gini is {:.4})\n",
                c.lever,
                c.lowest_gini.unwrap_or(f64::NAN)
            )),
        }
    }
    out
}

/// The section as tidy rows in the columns of the reproduction's report (round, area,
/// province, measure, estimate, se, ci_lower, ci_upper, published, from, to, change, p_value,
/// published_source): each round's terms as `programmes:<term>`, the change of the transfers'
/// effect, and each scheme's `cost_of_<target>:budget(<scheme>)` and its size, with their
/// replicate intervals (no standard error is printed for a solve).
pub fn rows(p: &Programmes, level: f64) -> Vec<Vec<Cell>> {
    let z = crate::kernel::normal::quantile(0.5 + level / 2.0);
    let mut out = Vec::new();
    for r in [&p.from, &p.to] {
        let terms = [
            ("gini".to_string(), r.gini),
            ("gini_before".into(), r.gini_before),
            ("redistributive_effect".into(), r.effect),
        ]
        .into_iter()
        .chain(
            r.marginal
                .iter()
                .map(|(n, v)| (format!("mc_gini({n})"), *v)),
        );
        for (name, v) in terms {
            let i = Style::Index;
            out.push(tidy_row(
                label_cell(&r.label),
                format!("programmes:{name}"),
                [
                    num(v.estimate, i),
                    num(v.se, i),
                    num(v.estimate - z * v.se, i),
                    num(v.estimate + z * v.se, i),
                ],
                no_change(),
            ));
        }
    }
    let e = &p.effect_change;
    out.push(tidy_row(
        Cell::Empty,
        "programmes:redistributive_effect".into(),
        [
            Cell::Empty,
            num(e.se, Style::Index),
            num(e.ci_lower, Style::Index),
            num(e.ci_upper, Style::Index),
        ],
        [
            label_cell(&p.from.label),
            label_cell(&p.to.label),
            num(e.change, Style::Index),
            num(e.p_value, Style::PValue),
        ],
    ));
    for c in &p.costs {
        out.extend(cost_rows(p, c));
    }
    out
}

/// A cost's rows: the budget and the lever's setting reaching the target, with their
/// intervals, or the lowest Gini the lever reaches.
fn cost_rows(p: &Programmes, c: &Cost) -> Vec<Vec<Cell>> {
    let mut out = Vec::new();
    let solved = [
        ("budget", c.budget, Style::Money),
        (c.parameter_name.as_str(), c.parameter, Style::General),
    ];
    for (what, triple, s) in solved {
        if let Some((estimate, lower, upper)) = triple {
            out.push(tidy_row(
                label_cell(&p.to.label),
                format!(
                    "cost_of_{}:{}({})",
                    p.target,
                    what.replace(' ', "_"),
                    c.lever
                ),
                [num(estimate, s), Cell::Empty, num(lower, s), num(upper, s)],
                no_change(),
            ));
        }
    }
    if let Some(g) = c.lowest_gini {
        out.push(tidy_row(
            label_cell(&p.to.label),
            format!(
                "cost_of_{}:not_reachable_lowest_gini({})",
                p.target, c.lever
            ),
            [num(g, Style::Index), Cell::Empty, Cell::Empty, Cell::Empty],
            no_change(),
        ));
    }
    out
}

fn label_cell(t: &str) -> Cell {
    Cell::Text(t.to_string())
}

fn num(v: f64, s: Style) -> Cell {
    Cell::Number(v, s)
}

fn no_change() -> [Cell; 4] {
    [Cell::Empty, Cell::Empty, Cell::Empty, Cell::Empty]
}

/// A row of the reproduction's tidy report: round, measure, `[estimate, se, lower,
/// upper]`, `[from, to, change, p]` (area "total", no province, published figure or source).
fn tidy_row(round: Cell, measure: String, values: [Cell; 4], change: [Cell; 4]) -> Vec<Cell> {
    let [estimate, se, lower, upper] = values;
    let [from, to, change, p_value] = change;
    vec![
        round,
        label_cell("total"),
        Cell::Empty,
        Cell::Text(measure),
        estimate,
        se,
        lower,
        upper,
        Cell::Empty,
        from,
        to,
        change,
        p_value,
        Cell::Empty,
    ]
}
