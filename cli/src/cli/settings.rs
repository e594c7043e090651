//! The library's settings from the command line's flags, shared by the subcommands: the
//! measures and their options, and the table's columns.

use super::args::{MeasureArgs, TableArgs};
use super::Failure;
use ginikit::measure::{Measure, Options};
use ginikit::table::{PovertyLineSpec, TableSpec};

/// The measures and the options that apply to them.
pub fn measure_settings(m: &MeasureArgs) -> Result<(Vec<Measure>, Options), Failure> {
    let measures = Measure::parse_list(&m.measures)?;
    if measures.is_empty() {
        return Err(Failure::Usage(
            "--measures is empty; name at least one measure".into(),
        ));
    }
    let options = Options {
        gini: m.gini_convention.into(),
        non_positive: m.non_positive.into(),
        threshold: m.threshold.into(),
    };
    Ok((measures, options))
}

/// The columns of the table flags.
pub fn table_spec(t: &TableArgs) -> TableSpec {
    TableSpec {
        value: t.value.clone(),
        weight: t.weight.clone(),
        size: t.size.clone(),
        per_capita: t.per_capita,
        by: t.by.clone(),
        format: t.input_format.map(Into::into),
        poverty_line: t.poverty_line.as_deref().map(poverty_line),
        value_labels: t.value_labels.into(),
        ..TableSpec::default()
    }
}

/// `--poverty-line`: a number is one amount for everybody; anything else names a column.
fn poverty_line(text: &str) -> PovertyLineSpec {
    match text.trim().parse::<f64>() {
        Ok(z) => PovertyLineSpec::Amount(z),
        Err(_) => PovertyLineSpec::Column(text.to_string()),
    }
}
