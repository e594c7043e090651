//! `gini simulate`: transfer schemes on one round — the Gini, shares and poverty before and
//! after with standard errors, the yearly budget — and the smallest budget that reaches a
//! target Gini, with a replicate interval.

use super::args::{Se, SimulateArgs};
use super::settings::table_spec;
use super::survey::{survey_spec, Progress};
use super::{emit, Failure};
use ginikit::measure::Measure;
use ginikit::report::tidy;
use ginikit::simulate::solve::Lever;
use ginikit::simulate::{parse_scheme, Scheme, Targeting};
use ginikit::table::simulate::{replicated, simulate};
use ginikit::table::survey::replicate_count;
use ginikit::table::{ComponentKind, TableSpec};

pub fn run(args: &SimulateArgs) -> Result<(), Failure> {
    let targeting = Targeting {
        amount: args.amount,
        noise: args.noise,
        seed: args.targeting_seed,
    };
    let mut schemes: Vec<Scheme> = Vec::new();
    for (kind, texts) in [
        ("scale", &args.scale),
        ("widen", &args.widen),
        ("topup", &args.topup),
    ] {
        for t in texts {
            schemes.push(parse_scheme(kind, t, targeting)?);
        }
    }
    let levers: Vec<Lever> = args
        .lever
        .iter()
        .map(|l| Lever::parse(l, targeting))
        .collect::<Result<_, _>>()?;
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
    let measures = if args.measures.trim().is_empty() {
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
    let solve_spec = replicated(&survey, args.survey.replicates, args.survey.seed);
    let runs = schemes.len() * replicate_count(&table, &survey) * table.groups.len()
        + levers.len() * replicate_count(&table, &solve_spec);
    let progress = Progress::new(runs, args.survey.quiet);
    let s = simulate(
        &table,
        size,
        &schemes,
        args.target_gini.map(|t| (t, &levers[..])),
        &measures,
        &survey,
        &solve_spec,
        &|| progress.tick(),
    )?;
    emit(
        &tidy::simulation(&s),
        args.format.into(),
        args.output.as_deref(),
    )
}
