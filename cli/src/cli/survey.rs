//! The survey flags shared by `compute` and `trend`: design columns, the standard-error
//! method and the progress bar.

use super::args::{Ci, Se, SurveyArgs};
use super::Failure;
use ginikit::survey::replicate::ReplicateMethod;
use ginikit::survey::Interval;
use ginikit::table::survey::{SeMethod, SurveySpec};
use ginikit::table::{column_names, InputFormat, TableSpec};
use std::path::Path;

/// The method of `--se` for the methods that need no columns besides the design's (`None`
/// for replicate weights shipped with the file).
pub fn design_method(se: Se, replicates: usize, seed: u64, fay_rho: f64) -> Option<SeMethod> {
    Some(match se {
        Se::Linearization => SeMethod::Linearization,
        Se::Bootstrap => SeMethod::Replicates(ReplicateMethod::Bootstrap { replicates, seed }),
        Se::Jackknife => SeMethod::Replicates(ReplicateMethod::Jackknife),
        Se::Brr => SeMethod::Replicates(ReplicateMethod::Brr),
        Se::Fay => SeMethod::Replicates(ReplicateMethod::Fay { rho: fay_rho }),
        Se::ReplicateWeights => return None,
    })
}

/// The method of `--se` and its companion flags.
pub fn se_method(
    se: Se,
    args: &SurveyArgs,
    spec: &mut TableSpec,
    file: &Path,
) -> Result<SeMethod, Failure> {
    if let Some(method) = design_method(se, args.replicates, args.seed, args.fay_rho) {
        return Ok(method);
    }
    // Replicate weights shipped with the file.
    let (Some(list), Some(scale)) = (&args.repweights, args.rep_scale) else {
        return Err(Failure::Usage(
            "--se replicate-weights needs --repweights COLUMNS and --rep-scale S".into(),
        ));
    };
    if !(scale.is_finite() && scale > 0.0) {
        return Err(Failure::Usage(format!(
            "--rep-scale {scale}: the variance scale of replicate weights must be a positive number (e.g. 0.05 for 20 BRR replicates with Fay's rho 0.5: 1/(R(1-rho)^2))"
        )));
    }
    spec.replicate_weights = replicate_columns(list, file, spec.format)?;
    Ok(SeMethod::GivenReplicates {
        scale,
        mse: args.rep_mse,
    })
}

/// Checks a confidence level.
pub fn level(level: f64) -> Result<f64, Failure> {
    if level > 0.0 && level < 1.0 {
        Ok(level)
    } else {
        Err(Failure::Usage(format!(
            "--level {level} must be between 0 and 1 (e.g. 0.95)"
        )))
    }
}

/// Adds the design columns to `spec` and returns the inference settings, or `None` when
/// no standard errors were asked for (`default_se` applies when --se is absent).
pub fn survey_spec(
    args: &SurveyArgs,
    spec: &mut TableSpec,
    file: &Path,
    default_se: Option<Se>,
) -> Result<Option<SurveySpec>, Failure> {
    let level = level(args.level)?;
    let Some(se) = args.se.or(default_se) else {
        let given = [
            args.strata.is_some(),
            args.psu.is_some(),
            args.fpc.is_some(),
            args.repweights.is_some(),
        ];
        if given.iter().any(|&g| g) {
            return Err(Failure::Usage(
                "design flags (--strata, --psu, --fpc, --repweights) need --se".into(),
            ));
        }
        // Settings of standard errors changed from their defaults without asking for
        // standard errors would be ignored: say so instead.
        let ignored: Vec<&str> = [
            (args.level != 0.95, "--level"),
            (args.ci != Ci::Normal, "--ci"),
            (args.replicates != 1000, "--replicates"),
            (args.seed != 20181, "--seed"),
            (args.fay_rho != 0.5, "--fay-rho"),
            (args.rep_scale.is_some(), "--rep-scale"),
            (args.rep_mse, "--rep-mse"),
            (args.nest, "--nest"),
            (
                args.lonely_psu != super::args::Lonely::Error,
                "--lonely-psu",
            ),
        ]
        .into_iter()
        .filter_map(|(given, flag)| given.then_some(flag))
        .collect();
        if !ignored.is_empty() {
            return Err(Failure::Usage(format!(
                "{} only {} to standard errors: add --se (e.g. --se linearization), or leave {} out",
                ignored.join(", "),
                if ignored.len() == 1 { "applies" } else { "apply" },
                if ignored.len() == 1 { "it" } else { "them" }
            )));
        }
        return Ok(None);
    };
    let mut slot = |column: &Option<String>, role: &'static str| {
        column.as_ref().map(|c| {
            spec.extra.push((c.clone(), role));
            spec.extra.len() - 1
        })
    };
    let strata = slot(&args.strata, "strata");
    let psu = slot(&args.psu, "psu");
    let fpc = slot(&args.fpc, "fpc");
    let method = se_method(se, args, spec, file)?;
    let interval = match args.ci {
        Ci::Percentile if se != Se::Bootstrap => {
            return Err(Failure::Usage(
                "--ci percentile needs --se bootstrap".into(),
            ))
        }
        Ci::Percentile => Interval::Percentile,
        Ci::Normal => Interval::Normal,
    };
    Ok(Some(SurveySpec {
        method,
        strata,
        psu,
        fpc,
        nested: args.nest,
        lonely: args.lonely_psu.into(),
        level,
        interval,
    }))
}

fn replicate_columns(
    list: &str,
    file: &Path,
    format: Option<InputFormat>,
) -> Result<Vec<String>, Failure> {
    if let Some(prefix) = list.strip_suffix('*') {
        let format = format.unwrap_or_else(|| InputFormat::from_path(file));
        let names: Vec<String> = column_names(file, format)?
            .into_iter()
            .filter(|n| n.starts_with(prefix))
            .collect();
        if names.is_empty() {
            return Err(Failure::Usage(format!(
                "{}: no column starts with '{prefix}' (--repweights {list})",
                file.display()
            )));
        }
        Ok(names)
    } else {
        Ok(list
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect())
    }
}

/// A progress bar on stderr for replicate runs: shown only on a terminal, without
/// `--quiet`, once the run has taken more than about a second.
pub struct Progress {
    bar: indicatif::ProgressBar,
    show: bool,
    start: std::time::Instant,
    shown: std::sync::atomic::AtomicBool,
}

impl Progress {
    /// A bar for `total` replicate evaluations (0: never shown).
    pub fn new(total: usize, quiet: bool) -> Self {
        use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
        use std::io::IsTerminal;
        let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::hidden());
        if let Ok(style) =
            ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} replicates, {eta} left")
        {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message("standard errors");
        Progress {
            bar,
            show: !quiet && total > 0 && std::io::stderr().is_terminal(),
            start: std::time::Instant::now(),
            shown: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// One replicate done; the command line never stops a run.
    pub fn tick(&self) -> bool {
        use std::sync::atomic::Ordering::Relaxed;
        self.bar.inc(1);
        if self.show && !self.shown.load(Relaxed) && self.start.elapsed().as_secs_f64() > 1.0 {
            self.shown.store(true, Relaxed);
            self.bar
                .set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
        true
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}
