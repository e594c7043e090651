//! Argument parsing, dispatch, and the mapping of errors to one stderr line and an exit code.

mod args;
mod cluster;
mod compute;
mod decompose;
mod engine;
mod gic;
mod grouped;
mod measures;
mod reproduce;
mod survey;
mod synth;
mod trend;

use clap::Parser;
use ginikit::error::Setting;
use ginikit::Error;
use std::process::ExitCode;

/// Exit status for a problem with the data (file, column, values), or with a service the run
/// needs.
const EXIT_DATA: u8 = 1;
/// Exit status for a problem with the command line.
const EXIT_USAGE: u8 = 2;

/// What a subcommand can fail with.
pub enum Failure {
    Data(Error),
    Usage(String),
    /// A service the run depends on (a Ballista cluster) failed or does not answer; the
    /// message names it and what to do.
    #[cfg_attr(not(feature = "cluster"), allow(dead_code))] // only the cluster is a service
    Service(String),
    /// Standard output was closed (e.g. `gini … | head`): stop quietly.
    ClosedPipe,
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        match e {
            Error::UnknownMeasure { .. } | Error::InvalidParameter { .. } => {
                Failure::Usage(e.to_string())
            }
            other => Failure::Data(other),
        }
    }
}

pub fn run() -> ExitCode {
    let cli = match args::Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(
                e.kind(),
                ErrorKind::DisplayHelp
                    | ErrorKind::DisplayVersion
                    | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            ) {
                let _ = e.print();
                return if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                    ExitCode::from(EXIT_USAGE)
                } else {
                    ExitCode::SUCCESS
                };
            }
            // clap's message up to its usage block, on one line: "the following required
            // arguments were not provided: --value <VALUE>", not the first line alone.
            let text = e.to_string();
            let message: Vec<&str> = text
                .lines()
                .take_while(|l| !l.starts_with("Usage:"))
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with("For more information"))
                .collect();
            let message = message.join(" ");
            let message = message.trim_start_matches("error: ");
            eprintln!("gini: error: {message}; see 'gini --help'");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let outcome = match cli.command {
        args::Command::Compute(a) => compute::run(&a),
        args::Command::Trend(a) => trend::run(&a),
        args::Command::Synth(a) => synth::run(&a),
        args::Command::Measures(a) => measures::run(&a),
        args::Command::Reproduce(a) => reproduce::run(&a),
        args::Command::Grouped(a) => grouped::run(&a),
        args::Command::Gic(a) => gic::run(&a),
        args::Command::Decompose(a) => decompose::run(&a),
        args::Command::Cluster(a) => cluster::run(&a),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::ClosedPipe) => ExitCode::SUCCESS,
        Err(Failure::Usage(m)) => {
            eprintln!("gini: error: {m}");
            ExitCode::from(EXIT_USAGE)
        }
        Err(Failure::Data(e)) => {
            eprintln!("gini: error: {}", with_flag(&e));
            ExitCode::from(EXIT_DATA)
        }
        Err(Failure::Service(m)) => {
            eprintln!("gini: error: {m}");
            ExitCode::from(EXIT_DATA)
        }
    }
}

/// The library's message with the command-line spelling of the setting that fixes it.
fn with_flag(e: &Error) -> String {
    match e.setting() {
        Some(Setting::Column(role)) => format!("{e} with {}", column_flag(role)),
        Some(Setting::NonPositivePolicy) => format!("{e} (--non-positive exclude)"),
        Some(Setting::InputFormat) => format!("{e} (--input-format csv|parquet)"),
        Some(Setting::NestedPsu) => format!("{e} (--nest)"),
        Some(Setting::LonelyPsu) => format!("{e} (--lonely-psu certainty|adjust)"),
        Some(Setting::SeMethod) => format!("{e} (--se jackknife|bootstrap)"),
        Some(Setting::PovertyLine) => format!("{e} (--poverty-line AMOUNT|COLUMN)"),
        _ => e.to_string(),
    }
}

/// The flag that names a column of each role.
fn column_flag(role: &str) -> &'static str {
    match role {
        "value" => "--value",
        "weight" => "--weight",
        "household size" => "--size",
        "period" => "--period",
        "replicate weight" => "--repweights",
        "strata" => "--strata",
        "psu" => "--psu",
        "fpc" => "--fpc",
        "province" => "--province",
        "area" => "--area",
        "round" => "--round",
        "poverty line" => "--poverty-line",
        "class population" => "--population",
        "class welfare" => "--welfare",
        _ => "--by",
    }
}

/// Reads the table a command names: a file, or standard input for `-` (CSV).
pub fn read_input(
    file: &std::path::Path,
    spec: &ginikit::table::TableSpec,
) -> Result<ginikit::table::Table, Failure> {
    if file != std::path::Path::new("-") {
        return Ok(ginikit::table::read_table(file, spec)?);
    }
    use std::io::Read;
    let mut bytes = Vec::new();
    std::io::stdin()
        .read_to_end(&mut bytes)
        .map_err(|e| Error::Io {
            path: "standard input".into(),
            message: e.to_string(),
        })?;
    Ok(ginikit::table::read_csv_bytes(
        &bytes,
        "standard input",
        spec,
    )?)
}

/// Writes a report to `--output FILE` or standard output. CSV and JSON carry only the rows,
/// so the report's notes (how standard errors were obtained, rows excluded) go to stderr.
pub fn emit(
    report: &ginikit::report::Report,
    format: ginikit::report::OutputFormat,
    output: Option<&std::path::Path>,
) -> Result<(), Failure> {
    use std::io::Write;
    if format != ginikit::report::OutputFormat::Table {
        for note in &report.notes {
            eprintln!("gini: {note}");
        }
    }
    match output {
        Some(path) => {
            let fail = |e: std::io::Error| {
                Failure::Data(Error::Output {
                    target: path.display().to_string(),
                    message: e.to_string(),
                })
            };
            let file = std::fs::File::create(path).map_err(fail)?;
            let mut w = std::io::BufWriter::new(file);
            report.render(format, &mut w).map_err(fail)?;
            w.flush().map_err(fail)
        }
        None => {
            let stdout = std::io::stdout();
            let mut w = std::io::BufWriter::new(stdout.lock());
            let result = report.render(format, &mut w).and_then(|_| w.flush());
            match result {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Err(Failure::ClosedPipe),
                Err(e) => Err(Failure::Data(Error::Output {
                    target: "standard output".into(),
                    message: e.to_string(),
                })),
            }
        }
    }
}
