//! `gini measures`: the measure registry as a table.

use super::args::MeasuresArgs;
use super::{emit, Failure};
use ginikit::measure::registry::FAMILIES;
use ginikit::report::{Cell, Report};

pub fn run(args: &MeasuresArgs) -> Result<(), Failure> {
    let report = Report {
        columns: vec!["names".into(), "what and whose convention".into()],
        rows: FAMILIES
            .iter()
            .map(|f| vec![Cell::Text(f.syntax.into()), Cell::Text(f.summary.into())])
            .collect(),
        notes: Vec::new(),
    };
    emit(&report, args.format.into(), None)
}
