//! `gini grouped`: a class table → both Lorenz fits, PIP's choice and the polygon Gini.

use super::args::{GroupedArgs, WelfareIs};
use super::{emit, Failure};
use ginikit::grouped::{analyse, LorenzPoints, Source};
use ginikit::table::read_numeric_columns;

pub fn run(args: &GroupedArgs) -> Result<(), Failure> {
    let means_given = !args.cumulative && args.welfare_is == WelfareIs::Mean;
    if args.poverty_line.is_some() && args.mean.is_none() && !means_given {
        return Err(Failure::Usage(
            "a poverty line needs the mean of the distribution: give --mean (or class means with --welfare-is mean)".into(),
        ));
    }
    let welfare_role = "class welfare";
    let columns = read_numeric_columns(
        &args.file,
        &[
            (args.population.as_str(), "class population"),
            (args.welfare.as_str(), welfare_role),
        ],
        args.input_format.map(Into::into),
    )?;
    let source = Source {
        name: args.file.display().to_string(),
        population: args.population.clone(),
        welfare: args.welfare.clone(),
    };
    let kind = match (args.cumulative, args.welfare_is) {
        (true, _) => ginikit::grouped::WelfareIs::Cumulative,
        (false, WelfareIs::Share) => ginikit::grouped::WelfareIs::Share,
        (false, WelfareIs::Mean) => ginikit::grouped::WelfareIs::Mean,
    };
    let (points, class_mean) = LorenzPoints::from_table(kind, &columns[0], &columns[1], &source)?;
    let mean = match (args.mean, class_mean) {
        (Some(m), _) => m,
        (None, Some(m)) => m,
        // Without a mean the money results (median) are relative to a mean of 1.
        (None, None) => 1.0,
    };
    let result = analyse(&points, mean, args.poverty_line, &source)?;
    let mut report = ginikit::grouped::report(&result);
    report.notes.push(format!(
        "{} classes; mean {}{}; distributional statistics from the {} fit, poverty from the {} (PIP's rule: valid fits, then the smaller squared error).",
        points.p.len(),
        mean,
        if args.mean.is_none() && class_mean.is_none() { " (not given: the median is relative to the mean)" } else { "" },
        result.distribution_from.unwrap_or("-"),
        result.poverty_from.unwrap_or(if args.poverty_line.is_some() { "neither (no fit is normal)" } else { "- (no poverty line)" }),
    ));
    report.notes.push("gini_polygon: the class table's own Lorenz polygon (BPS's formula), which ignores inequality within classes and so understates the Gini.".into());
    emit(&report, args.format.into(), args.output.as_deref())
}
