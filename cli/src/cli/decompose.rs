//! `gini decompose`: inequality by groups per round and its change, with replicate SEs.

use super::args::{DecomposeArgs, Format, Se};
use super::settings::table_spec;
use super::survey::{survey_spec, Progress};
use super::{emit, Failure};
use ginikit::table::decompose::{decompose, DecompositionRow, Index};
use ginikit::table::survey::replicate_count;
use ginikit::table::trend::file_label;
use ginikit::table::Table;

pub fn run(args: &DecomposeArgs) -> Result<(), Failure> {
    if args.table.by.is_empty() {
        return Err(Failure::Usage(
            "name the groups with --by (e.g. --by area)".into(),
        ));
    }
    let indices: Vec<Index> = args
        .measures
        .iter()
        .map(|m| Index::parse(m.trim()))
        .collect::<Result<_, _>>()?;
    let mut tables: Vec<(Table, String)> = Vec::new();
    let mut survey = None;
    for file in &args.files {
        let mut spec = table_spec(&args.table);
        if let Some(p) = &args.period {
            spec.by.insert(0, p.clone());
            spec.group_roles = vec!["period"];
        }
        let s = survey_spec(&args.survey, &mut spec, file, Some(Se::Bootstrap))?
            .expect("decompose always has a standard-error method");
        tables.push((super::read_input(file, &spec)?, file_label(file)));
        survey = Some(s);
    }
    let survey = survey.expect("at least one file");
    if survey.method == ginikit::table::survey::SeMethod::Linearization {
        return Err(Failure::Usage(
            "decomposition terms take their standard errors from replicates: use --se bootstrap (the default) or jackknife".into(),
        ));
    }
    let per_round: usize = tables
        .iter()
        .map(|(t, _)| replicate_count(t, &survey))
        .sum();
    let progress = Progress::new(per_round * indices.len() * 3, args.survey.quiet);
    let refs: Vec<(&Table, &str)> = tables.iter().map(|(t, l)| (t, l.as_str())).collect();
    let rows = decompose(&refs, args.period.is_some(), &survey, &indices, &|| {
        progress.tick()
    })?;
    let refs: Vec<&DecompositionRow> = rows.iter().collect();
    let mut report = ginikit::report::tidy::decomposition(&refs, args.format == Format::Table);
    report
        .notes
        .extend(ginikit::report::tidy::decomposition_notes(&survey));
    emit(&report, args.format.into(), args.output.as_deref())
}
