//! `gini attribute`: how much of the Gini transfers or income sources account for, per
//! group, with standard errors; with two or more rounds, the change of every term.

use super::args::{AttributeArgs, Format, Se};
use super::settings::table_spec;
use super::survey::{survey_spec, Progress};
use super::trend::{pairs, read_rounds};
use super::{emit, Failure};
use ginikit::attribute::terms;
use ginikit::measure::{Measure, Options};
use ginikit::report::tidy;
use ginikit::table::survey::replicate_count;
use ginikit::table::trend::changes;
use ginikit::table::{ComponentKind, TableSpec};

pub fn run(args: &AttributeArgs) -> Result<(), Failure> {
    let (kind, names) = if args.sources.is_empty() {
        (ComponentKind::Transfers, &args.transfers)
    } else {
        (ComponentKind::Sources, &args.sources)
    };
    if let Some(n) = names.iter().find(|n| n.trim().is_empty()) {
        return Err(Failure::Usage(format!(
            "an empty column name in the component list '{n}'; name each column once"
        )));
    }
    let extra = if args.measures.trim().is_empty() {
        Vec::new()
    } else {
        Measure::parse_list(&args.measures)?
    };
    if kind == ComponentKind::Sources && !extra.is_empty() {
        return Err(Failure::Usage(
            "--measures adds marginal contributions of transfers: use it with --transfer".into(),
        ));
    }
    let measures = terms(kind, names, &extra)?;
    let options = Options {
        non_positive: args.non_positive.into(),
        ..Options::default()
    };
    let spec = TableSpec {
        components: names.clone(),
        component_kind: kind,
        ..table_spec(&args.table)
    };
    let several = args.files.len() > 1 || args.period.is_some();
    if !several {
        let file = &args.files[0];
        let mut spec = spec;
        let survey = survey_spec(&args.survey, &mut spec, file, Some(Se::Linearization))?
            .expect("a standard-error method is always set");
        let table = super::read_input(file, &spec)?;
        let members: Vec<usize> = (0..table.groups.len()).collect();
        let progress = Progress::new(
            replicate_count(&table, &survey) * members.len(),
            args.survey.quiet,
        );
        let rows =
            ginikit::table::survey::infer(&table, &members, &survey, &measures, &options, &|| {
                progress.tick()
            })?;
        let mut report = tidy::inferences(&table.by, &rows, &survey);
        report.notes.push(conventions_note(kind));
        return emit(&report, args.format.into(), args.output.as_deref());
    }
    let pairs = pairs(args.pairs.as_deref())?;
    let (rounds, survey) = read_rounds(
        &args.files,
        args.period.as_deref(),
        &spec,
        &args.survey,
        &measures,
        &options,
    )?;
    let mut notes = match rounds.first() {
        Some(first) => tidy::survey_notes(&survey, &first.rows),
        None => Vec::new(),
    };
    let (rows, unmatched) = changes(&rounds, &pairs, args.survey.level).map_err(|e| {
        super::trend::where_rounds_come_from(e, &args.files, args.period.as_deref())
    })?;
    notes.extend(unmatched);
    notes.push(conventions_note(kind));
    let report = tidy::changes(
        &args.table.by,
        &rows,
        notes,
        args.survey.level,
        args.format == Format::Table,
    );
    emit(&report, args.format.into(), args.output.as_deref())
}

fn conventions_note(kind: ComponentKind) -> String {
    match kind {
        ComponentKind::Transfers => "note: Ginis are midpoint Ginis; m = value − Σ transfers is the income before them. mc_X(t) = X(value − t) − X(value), mc_before_X(t) = X(m) − X(m + t) (CEQ; positive: the transfer lowers X); kakwani(t) = G(m) − C(t | m) (DASP, benefit: positive is progressive); reynolds_smolensky = G(m) − C(value | m); reranking = G(value) − C(value | m); redistributive_effect = G(m) − G(value) = reynolds_smolensky − reranking; contribution(k) = share·conc/gini (Lerman–Yitzhaki; they add up to 1 with 'rest'), elasticity(k) = contribution − share.".into(),
        ComponentKind::Sources => "note: Lerman–Yitzhaki: gini = Σ share(k)·gini_corr(k)·gini(k); contribution(k) = share·conc/gini (they add up to 1); elasticity(k) = contribution − share, the relative change of the Gini for a 1 % rise in source k; shapley_zero(k) and shapley_mean(k): Shapley contributions (Shorrocks 2013) as shares of the Gini, the sources outside a coalition replaced by zero or by their means (they add up to 1; up to 10 sources); Ginis are midpoint Ginis.".into(),
    }
}
