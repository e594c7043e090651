//! `gini gic`: the growth incidence curve between two rounds, per group.

use super::args::GicArgs;
use super::{emit, Failure};
use ginikit::measure::Options;
use ginikit::table::gic::{gic, gic_measures, percentiles};

pub fn run(args: &GicArgs) -> Result<(), Failure> {
    if args.files.len() < 2 && args.period.is_none() {
        return Err(Failure::Usage(
            "give two files (one per round) or one file with --period COLUMN".into(),
        ));
    }
    let points = if args.points.is_empty() {
        percentiles()
    } else {
        args.points.clone()
    };
    if let Some(p) = points.iter().find(|p| !(**p > 0.0 && **p < 1.0)) {
        return Err(Failure::Usage(format!(
            "--points {p}: give population fractions between 0 and 1, e.g. 0.1,0.5,0.9"
        )));
    }
    let measures = gic_measures(&points)?;
    let options = Options::default();
    let (rounds, survey) = super::trend::read_rounds(
        &args.files,
        args.period.as_deref(),
        &super::settings::table_spec(&args.table),
        &args.survey,
        &measures,
        &options,
    )?;
    let level = survey.level;
    let (from, to) =
        ginikit::table::gic::pick_rounds(&rounds, args.from.as_deref(), args.to.as_deref())
            .map_err(|e| {
                super::trend::where_rounds_come_from(e, &args.files, args.period.as_deref())
            })?;
    let curves = gic(from, to, &points, args.deflator, level)?;
    let unmatched = ginikit::table::gic::unmatched_groups(from, to);
    if let Some(stem) = &args.plot {
        for (i, c) in curves.iter().enumerate() {
            let stem = if curves.len() == 1 {
                stem.clone()
            } else {
                let name = stem
                    .file_name()
                    .map(|n| n.to_string_lossy().to_string())
                    .unwrap_or_default();
                stem.with_file_name(format!("{name}_{}", i + 1))
            };
            let pts: Vec<(f64, f64, f64, f64)> = c
                .points
                .iter()
                .map(|g| {
                    (
                        g.p.unwrap_or(0.0),
                        g.growth.change,
                        g.growth.ci_lower,
                        g.growth.ci_upper,
                    )
                })
                .collect();
            let group = if c.key.is_empty() {
                String::new()
            } else {
                format!(", {}", c.key.join("/"))
            };
            let written = ginikit::report::plot::gic_chart(
                &stem,
                &format!("Growth incidence {} → {}{group}", c.from, c.to),
                &format!(
                    "deflator {}; premium (bottom 40 % − mean) {:+.2} points",
                    c.deflator,
                    c.premium.growth.change * 100.0
                ),
                &pts,
                c.mean.growth.change,
                level,
            )?;
            for w in written {
                eprintln!("gini: chart: {}", w.display());
            }
        }
    }
    let mut report = ginikit::table::gic::report(&args.table.by, &curves);
    report.notes.extend(unmatched);
    emit(&report, args.format.into(), args.output.as_deref())
}
