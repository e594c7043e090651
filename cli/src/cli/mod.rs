//! Argument parsing, dispatch, and the mapping of errors to one stderr line and an exit code.

mod args;
mod attribute;
mod cluster;
mod compute;
mod decompose;
mod engine;
mod gic;
mod grouped;
mod measures;
mod reproduce;
mod settings;
mod simulate;
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
        Failure::Data(e)
    }
}

/// Errors of the library that are mistakes of the command line (a measure name, a parameter,
/// a poverty measure without its line): exit 2, not 1.
fn is_usage(e: &Error) -> bool {
    matches!(
        e,
        Error::UnknownMeasure { .. } | Error::InvalidParameter { .. } | Error::NoPovertyLine { .. }
    )
}

pub fn run() -> ExitCode {
    // The memory limit a user sets for the program (the library reads no environment).
    if let Ok(text) = std::env::var(ginikit::memory::LIMIT_VARIABLE) {
        match ginikit::memory::parse_bytes(&text) {
            Some(bytes) => ginikit::memory::set_limit(Some(bytes)),
            None => {
                eprintln!(
                    "gini: error: {}={text:?} is not an amount of memory; give bytes or a size such as 512M or 2G",
                    ginikit::memory::LIMIT_VARIABLE
                );
                return ExitCode::from(2);
            }
        }
    }
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
    let subcommand = subcommand_name(&cli.command);
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
        args::Command::Attribute(a) => attribute::run(&a),
        args::Command::Simulate(a) => simulate::run(&a),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::ClosedPipe) => ExitCode::SUCCESS,
        Err(Failure::Usage(m)) => {
            eprintln!("gini: error: {m}");
            ExitCode::from(EXIT_USAGE)
        }
        Err(Failure::Data(e)) => {
            eprintln!("gini: error: {}", with_flag(&e, subcommand));
            ExitCode::from(if is_usage(&e) { EXIT_USAGE } else { EXIT_DATA })
        }
        Err(Failure::Service(m)) => {
            eprintln!("gini: error: {m}");
            ExitCode::from(EXIT_DATA)
        }
    }
}

/// The name a subcommand is called by (`compute`, `decompose`, …), as clap knows it.
fn subcommand_name(command: &args::Command) -> &'static str {
    match command {
        args::Command::Compute(_) => "compute",
        args::Command::Trend(_) => "trend",
        args::Command::Synth(_) => "synth",
        args::Command::Measures(_) => "measures",
        args::Command::Reproduce(_) => "reproduce",
        args::Command::Grouped(_) => "grouped",
        args::Command::Gic(_) => "gic",
        args::Command::Decompose(_) => "decompose",
        args::Command::Cluster(_) => "cluster",
        args::Command::Attribute(_) => "attribute",
        args::Command::Simulate(_) => "simulate",
    }
}

/// The long flags `subcommand` accepts, with their possible values, from clap's definitions.
fn flags_of(subcommand: &str) -> Vec<(String, Vec<String>)> {
    use clap::CommandFactory;
    let cli = args::Cli::command();
    let Some(sub) = cli.find_subcommand(subcommand) else {
        return Vec::new();
    };
    let mut commands = vec![sub.clone()];
    commands.extend(sub.get_subcommands().cloned());
    commands
        .iter()
        .flat_map(|c| c.get_arguments().cloned().collect::<Vec<_>>())
        .filter_map(|a| {
            let long = a.get_long()?.to_string();
            let values = a
                .get_possible_values()
                .iter()
                .filter(|v| !v.is_hide_set())
                .map(|v| v.get_name().to_string())
                .collect();
            Some((long, values))
        })
        .collect()
}

/// The library's message with the command-line spelling of the setting that fixes it — only
/// flags that `subcommand` has; where it has none, what works instead.
fn with_flag(e: &Error, subcommand: &str) -> String {
    match e.setting().and_then(|s| hint(s, subcommand)) {
        Some(h) => format!("{e} {h}"),
        None => e.to_string(),
    }
}

/// The words that follow an error of `setting` in `subcommand`: `(--non-positive exclude)`,
/// `with --value`, … naming only flags and values the subcommand accepts.
fn hint(setting: Setting, subcommand: &str) -> Option<String> {
    let flags = flags_of(subcommand);
    let has = |flag: &str| flags.iter().any(|(f, _)| f == flag);
    let values = |flag: &str| -> String {
        flags
            .iter()
            .find(|(f, _)| f == flag)
            .map(|(_, v)| v.join("|"))
            .unwrap_or_default()
    };
    Some(match setting {
        Setting::Column(role) => {
            let flag = column_flag(role);
            if !has(&flag[2..]) {
                return None;
            }
            format!("with {flag}")
        }
        Setting::NonPositivePolicy if has("non-positive") => {
            "or exclude them (--non-positive exclude)".into()
        }
        Setting::NonPositivePolicy => {
            format!("from the file (gini {subcommand} takes positive values only)")
        }
        Setting::InputFormat if has("input-format") => {
            format!("(--input-format {})", values("input-format"))
        }
        Setting::NestedPsu if has("nest") => "(--nest)".into(),
        Setting::LonelyPsu if has("lonely-psu") => "(--lonely-psu certainty|adjust)".into(),
        Setting::SeMethod if has("se") => {
            let methods: Vec<String> = values("se")
                .split('|')
                .filter(|m| *m == "jackknife" || *m == "bootstrap")
                .map(String::from)
                .collect();
            if methods.is_empty() {
                return None;
            }
            format!("(--se {})", methods.join("|"))
        }
        Setting::PovertyLine if has("poverty-line") => "(--poverty-line AMOUNT|COLUMN)".into(),
        Setting::OutOfCore if has("engine") => {
            "(or out of core: --engine datafusion, in a gini built with the datafusion feature)"
                .into()
        }
        _ => return None,
    })
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
        "transfer" => "--transfer",
        "income source" => "--source",
        _ => "--by",
    }
}

/// Reads the table a command names: a file, or standard input for `-` (CSV).
pub fn read_input(
    file: &std::path::Path,
    spec: &ginikit::table::TableSpec,
) -> Result<ginikit::table::Table, Failure> {
    use ginikit::table::InputFormat;
    use std::io::Read;
    let dash = file == std::path::Path::new("-");
    // A pipe or device (`/dev/stdin`, `<(zcat …)`) can be read once, front to back: read it
    // whole, as standard input is, rather than as a file that can be opened again.
    let stream = dash || std::fs::metadata(file).is_ok_and(|m| !m.is_file() && !m.is_dir());
    if !stream {
        return Ok(ginikit::table::read_table(file, spec)?);
    }
    let source = if dash {
        "standard input".to_string()
    } else {
        file.display().to_string()
    };
    let format = spec.format.unwrap_or(if dash {
        InputFormat::Csv
    } else {
        InputFormat::from_path(file)
    });
    if format != InputFormat::Csv {
        return Err(Failure::Usage(format!(
            "{source} is a pipe, read front to back: only CSV can be read that way; write the {} data to a file and give its name",
            format.name()
        )));
    }
    let mut bytes = Vec::new();
    let read = if dash {
        std::io::stdin().read_to_end(&mut bytes)
    } else {
        std::fs::File::open(file).and_then(|mut f| f.read_to_end(&mut bytes))
    };
    read.map_err(|e| Error::Io {
        path: source.clone().into(),
        message: e.to_string(),
    })?;
    Ok(ginikit::table::read_csv_bytes(&bytes, &source, spec)?)
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
            let mut w = PipeWatch {
                inner: std::io::BufWriter::new(stdout.lock()),
                closed: false,
            };
            let result = report.render(format, &mut w).and_then(|_| w.flush());
            match result {
                Ok(()) => Ok(()),
                Err(_) if w.closed => Err(Failure::ClosedPipe),
                Err(e) => Err(Failure::Data(Error::Output {
                    target: "standard output".into(),
                    message: e.to_string(),
                })),
            }
        }
    }
}

/// A writer that remembers whether the reader went away. The CSV and JSON writers wrap I/O
/// errors in their own types (kind `Other`), so the error that reaches `emit` no longer says
/// "broken pipe"; the flag does.
struct PipeWatch<W> {
    inner: W,
    closed: bool,
}

impl<W: std::io::Write> PipeWatch<W> {
    fn watch<T>(&mut self, r: std::io::Result<T>) -> std::io::Result<T> {
        if let Err(e) = &r {
            self.closed |= e.kind() == std::io::ErrorKind::BrokenPipe;
        }
        r
    }
}

impl<W: std::io::Write> std::io::Write for PipeWatch<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let r = self.inner.write(buf);
        self.watch(r)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let r = self.inner.flush();
        self.watch(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    /// Every setting an error can point at, with each column role.
    fn settings() -> Vec<Setting> {
        let roles = [
            "value",
            "weight",
            "household size",
            "period",
            "replicate weight",
            "strata",
            "psu",
            "fpc",
            "province",
            "area",
            "round",
            "poverty line",
            "class population",
            "class welfare",
            "group",
        ];
        let mut all: Vec<Setting> = roles.iter().map(|r| Setting::Column(r)).collect();
        all.extend([
            Setting::NonPositivePolicy,
            Setting::InputFormat,
            Setting::NestedPsu,
            Setting::LonelyPsu,
            Setting::SeMethod,
            Setting::PovertyLine,
            Setting::OutOfCore,
        ]);
        all
    }

    /// Every flag a hint names, and every value it offers for a flag, exists in that
    /// subcommand's clap definition.
    #[test]
    fn every_hint_names_flags_and_values_the_subcommand_has() {
        let cli = args::Cli::command();
        let mut checked = 0;
        for sub in cli.get_subcommands() {
            let name = sub.get_name();
            let flags = flags_of(name);
            for setting in settings() {
                let Some(text) = hint(setting, name) else {
                    continue;
                };
                let words: Vec<&str> = text
                    .split(|c: char| c.is_whitespace() || c == '(' || c == ')' || c == ',')
                    .filter(|w| !w.is_empty())
                    .collect();
                for (i, w) in words.iter().enumerate() {
                    let Some(flag) = w.strip_prefix("--") else {
                        continue;
                    };
                    let known = flags.iter().find(|(f, _)| f == flag);
                    assert!(known.is_some(), "gini {name}: hint '{text}' names --{flag}");
                    let values = &known.unwrap().1;
                    if let Some(next) = words.get(i + 1).filter(|_| !values.is_empty()) {
                        for v in next.split('|') {
                            assert!(
                                values.iter().any(|x| x == v),
                                "gini {name}: hint '{text}' offers --{flag} {v}"
                            );
                        }
                    }
                    checked += 1;
                }
            }
        }
        assert!(checked > 20, "only {checked} flags checked");
        // The hints that matter most are there where their flags are.
        assert_eq!(
            hint(Setting::NonPositivePolicy, "compute").as_deref(),
            Some("or exclude them (--non-positive exclude)")
        );
        assert!(hint(Setting::NonPositivePolicy, "decompose")
            .is_some_and(|h| !h.contains("--non-positive")));
        assert!(hint(Setting::OutOfCore, "compute").is_some());
        assert!(hint(Setting::OutOfCore, "trend").is_none());
        assert!(hint(Setting::OutOfCore, "gic").is_none());
    }
}
