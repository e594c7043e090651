//! `gini reproduce`: Indonesia's national Gini ratio for two survey rounds computed from
//! household tables beside BPS's published figures, with standard errors, the test of the
//! change, urban/rural and provinces, and charts.

use super::args::ReproduceArgs;
use super::{emit, Failure};
use ginikit::bps::{self, NationalFact};
use ginikit::measure::lorenz::{lorenz_curve, LorenzPoint};
use ginikit::measure::{Measure, Options};
use ginikit::report::plot::{self, Interval as Bar, LorenzSeries};
use ginikit::report::{Cell, OutputFormat, Report, Style};
use ginikit::survey::design::LonelyPsu;
use ginikit::survey::replicate::ReplicateMethod;
use ginikit::survey::{change, Change, Interval};
use ginikit::table::survey::{GroupInference, SeMethod, SurveySpec};
use ginikit::table::{self, InputFormat, Table, TableSpec};
use ginikit::SortedSample;
use std::path::{Path, PathBuf};

/// The synthetic rounds bundled with the toolkit.
const BUNDLED_ROUNDS: [&str; 3] = ["2017-09", "2018-03", "2018-09"];

/// Estimates of one domain (national, an area, a province) in one round.
struct DomainEstimate {
    area: String,
    province: Option<(String, String)>,
    measure: Measure,
    estimate: f64,
    se: f64,
    lower: f64,
    upper: f64,
}

/// Everything computed for one round.
struct RoundResult {
    label: String,
    rows: Vec<DomainEstimate>,
    lorenz: Vec<LorenzPoint>,
}

pub fn run(args: &ReproduceArgs) -> Result<(), Failure> {
    let format = ginikit::report::OutputFormat::parse(&args.format)?;
    let files: Vec<PathBuf> = if args.data.is_empty() {
        BUNDLED_ROUNDS.iter().map(|r| bundled(r)).collect()
    } else {
        args.data.clone()
    };
    let survey = survey_spec(args)?;
    let mut rounds: Vec<RoundResult> = Vec::new();
    for file in &files {
        for r in read_rounds(args, file, &survey)? {
            if rounds.iter().any(|x| x.label == r.label) {
                return Err(Failure::Usage(format!(
                    "round {} appears twice among the input files",
                    r.label
                )));
            }
            rounds.push(r);
        }
    }
    let position = |label: &str| rounds.iter().position(|r| r.label == label);
    let (Some(from), Some(to)) = (position(&args.from), position(&args.to)) else {
        let known: Vec<&str> = rounds.iter().map(|r| r.label.as_str()).collect();
        return Err(Failure::Usage(format!(
            "--from {} / --to {}: the rounds read are {}",
            args.from,
            args.to,
            known.join(", ")
        )));
    };
    let published_gini = bps::national_gini();
    let published_b40 = bps::national_bottom40();
    let cells = bps::province_cells()?;
    let published = |round: &str, row: &DomainEstimate| -> Option<f64> {
        match (&row.province, row.measure) {
            (Some((code, name)), Measure::Gini) => cells
                .iter()
                .find(|c| {
                    c.period == round
                        && c.area == "total"
                        && (c.province_code.to_string() == *code || c.province == *name)
                })
                .and_then(|c| c.gini),
            (None, Measure::Gini) => bps::lookup(&published_gini, round, &row.area),
            (None, Measure::Share(a, b)) if a == 0.0 && b == 0.4 => {
                bps::lookup(&published_b40, round, &row.area)
            }
            _ => None,
        }
    };
    let changes = national_changes(&rounds[from], &rounds[to], survey.level);
    let sentence = verdict(&rounds[from], &rounds[to], &changes, survey.level);

    let mut written = Vec::new();
    if !args.no_plots {
        std::fs::create_dir_all(&args.out).map_err(|e| {
            Failure::Data(ginikit::Error::Output {
                target: args.out.display().to_string(),
                message: e.to_string(),
            })
        })?;
        written = charts(args, &rounds, from, to, &published_gini, &published)?;
    }

    match format {
        OutputFormat::Table => {
            let mut out: Vec<u8> = Vec::new();
            let heading = |out: &mut Vec<u8>, text: &str| {
                out.extend_from_slice(format!("\n{text}\n\n").as_bytes())
            };
            heading(
                &mut out,
                "National Gini ratio and bottom-40 % share of per-capita expenditure",
            );
            national_table(&rounds, &published)
                .render(format, &mut out)
                .map_err(io_failure)?;
            heading(
                &mut out,
                &format!("Change {} -> {}", rounds[from].label, rounds[to].label),
            );
            change_table(&rounds[from].label, &rounds[to].label, &changes, format)
                .render(format, &mut out)
                .map_err(io_failure)?;
            out.extend_from_slice(format!("\n{sentence}\n").as_bytes());
            heading(&mut out, "Gini ratio by province");
            province_table(&[&rounds[from], &rounds[to]], &published)
                .render(format, &mut out)
                .map_err(io_failure)?;
            let mut tail = vec![
                String::new(),
                format!("note: standard errors by {}, strata '{}', PSUs '{}'; {:.0} % normal intervals.", method_name(&survey), args.strata, args.psu, survey.level * 100.0),
                "note: se of a change = sqrt(se_from^2 + se_to^2): the rounds are independent samples.".into(),
            ];
            if args.data.is_empty() {
                tail.push("note: data: SYNTHETIC Susenas-shaped household tables calibrated to BPS figures (datasets/susenas-synthetic/CARD.md); published: BPS (datasets/bps).".into());
            }
            for w in &written {
                tail.push(format!("chart: {}", w.display()));
            }
            out.extend_from_slice((tail.join("\n") + "\n").as_bytes());
            write_bytes(&out, args.output.as_deref())
        }
        _ => {
            let report = tidy_report(
                &rounds,
                &published,
                &changes,
                &rounds[from].label,
                &rounds[to].label,
            );
            emit(&report, format, args.output.as_deref())
        }
    }
}

fn io_failure(e: std::io::Error) -> Failure {
    Failure::Data(ginikit::Error::Output {
        target: "report".into(),
        message: e.to_string(),
    })
}

fn write_bytes(bytes: &[u8], output: Option<&Path>) -> Result<(), Failure> {
    use std::io::Write;
    match output {
        Some(p) => std::fs::write(p, bytes).map_err(|e| {
            Failure::Data(ginikit::Error::Output {
                target: p.display().to_string(),
                message: e.to_string(),
            })
        }),
        None => {
            let mut stdout = std::io::stdout().lock();
            match stdout.write_all(bytes).and_then(|_| stdout.flush()) {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Err(Failure::ClosedPipe),
                Err(e) => Err(io_failure(e)),
            }
        }
    }
}

/// Path of a bundled synthetic round: next to the working directory's `datasets/` if there
/// is one, else in the source tree the program was built from.
fn bundled(round: &str) -> PathBuf {
    let rel = PathBuf::from("datasets/susenas-synthetic").join(format!("{round}.parquet"));
    if rel.exists() {
        rel
    } else {
        Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
    }
}

fn survey_spec(args: &ReproduceArgs) -> Result<SurveySpec, Failure> {
    let method = match args.se.as_str() {
        "linearization" => SeMethod::Linearization,
        "bootstrap" => SeMethod::Replicates(ReplicateMethod::Bootstrap {
            replicates: args.replicates,
            seed: args.seed,
        }),
        "jackknife" => SeMethod::Replicates(ReplicateMethod::Jackknife),
        other => {
            return Err(Failure::Usage(format!(
                "--se {other}: reproduce offers linearization, bootstrap or jackknife"
            )))
        }
    };
    if !(args.level > 0.0 && args.level < 1.0) {
        return Err(Failure::Usage(format!(
            "--level {} must be between 0 and 1",
            args.level
        )));
    }
    // Extra columns are read in the order strata, psu (see `table_spec`).
    Ok(SurveySpec {
        method,
        strata: Some(0),
        psu: Some(1),
        fpc: None,
        nested: args.nest,
        lonely: LonelyPsu::parse(&args.lonely_psu)?,
        level: args.level,
        interval: Interval::Normal,
    })
}

fn method_name(s: &SurveySpec) -> String {
    match s.method {
        SeMethod::Linearization => "linearization".into(),
        SeMethod::Replicates(ReplicateMethod::Bootstrap { replicates, seed }) => {
            format!("Rao-Wu bootstrap ({replicates} replicates, seed {seed})")
        }
        SeMethod::Replicates(ReplicateMethod::Jackknife) => "delete-one-PSU jackknife".into(),
        _ => "replicates".into(),
    }
}

fn table_spec(args: &ReproduceArgs, file: &Path) -> TableSpec {
    let mut by = vec![args.province.clone(), args.area.clone()];
    if let Some(r) = &args.round {
        by.insert(0, r.clone());
    }
    TableSpec {
        value: args.value.clone(),
        weight: Some(args.weight.clone()),
        size: Some(args.size.clone()),
        per_capita: args.per_capita,
        by,
        extra: vec![
            (args.strata.clone(), "strata", "--strata"),
            (args.psu.clone(), "psu", "--psu"),
        ],
        replicate_weights: Vec::new(),
        format: args
            .input_format
            .as_deref()
            .map(InputFormat::parse)
            .transpose()
            .ok()
            .flatten()
            .or_else(|| Some(InputFormat::from_path(file))),
    }
}

/// Susenas `r105` codes 1 and 2, or text.
fn area_name(raw: &str) -> String {
    match raw.trim() {
        "1" => "urban".into(),
        "2" => "rural".into(),
        other => other.to_ascii_lowercase(),
    }
}

fn read_rounds(
    args: &ReproduceArgs,
    file: &Path,
    survey: &SurveySpec,
) -> Result<Vec<RoundResult>, Failure> {
    let spec = table_spec(args, file);
    let table = table::read_table(file, &spec)?;
    let offset = usize::from(args.round.is_some());
    let mut rounds: Vec<(String, Vec<usize>)> = Vec::new();
    for (g, group) in table.groups.iter().enumerate() {
        let label = if args.round.is_some() {
            group.key[0].clone()
        } else {
            file.file_stem().map_or_else(
                || file.display().to_string(),
                |s| s.to_string_lossy().to_string(),
            )
        };
        match rounds.iter_mut().find(|(l, _)| *l == label) {
            Some((_, v)) => v.push(g),
            None => rounds.push((label, vec![g])),
        }
    }
    let names = province_names()?;
    let options = Options::default();
    let national_measures = [Measure::Gini, Measure::Share(0.0, 0.4)];
    rounds
        .into_iter()
        .map(|(label, members)| {
            let mut rows = Vec::new();
            let national = table.regroup(&members, &[]);
            let all: Vec<usize> = (0..national.groups.len()).collect();
            rows.extend(domain_rows(
                infer(
                    &national,
                    &all,
                    survey,
                    &national_measures,
                    &options,
                    args.quiet,
                )?,
                |_| ("total".into(), None),
            ));
            let by_area = table.regroup(&members, &[offset + 1]);
            let all: Vec<usize> = (0..by_area.groups.len()).collect();
            rows.extend(domain_rows(
                infer(
                    &by_area,
                    &all,
                    survey,
                    &national_measures,
                    &options,
                    args.quiet,
                )?,
                |k| (area_name(&k[0]), None),
            ));
            let by_province = table.regroup(&members, &[offset]);
            let all: Vec<usize> = (0..by_province.groups.len()).collect();
            rows.extend(domain_rows(
                infer(
                    &by_province,
                    &all,
                    survey,
                    &[Measure::Gini],
                    &options,
                    args.quiet,
                )?,
                |k| {
                    let code = k[0].clone();
                    let name = names
                        .iter()
                        .find(|(c, _)| *c == code)
                        .map_or_else(|| code.clone(), |(_, n)| n.clone());
                    ("total".into(), Some((code, name)))
                },
            ));
            let g = &national.groups[0];
            let sample = SortedSample::from_vecs(g.values.clone(), g.weights.clone())?;
            let lorenz = lorenz_curve(&sample, 201)?;
            Ok(RoundResult {
                label,
                rows,
                lorenz,
            })
        })
        .collect()
}

fn infer(
    table: &Table,
    members: &[usize],
    survey: &SurveySpec,
    measures: &[Measure],
    options: &Options,
    quiet: bool,
) -> Result<Vec<GroupInference>, Failure> {
    super::survey::run_round(table, members, survey, measures, options, quiet)
}

fn province_names() -> Result<Vec<(String, String)>, Failure> {
    let mut names: Vec<(String, String)> = Vec::new();
    for c in bps::province_cells()? {
        let code = c.province_code.to_string();
        if !names.iter().any(|(k, _)| *k == code) {
            names.push((code, c.province));
        }
    }
    Ok(names)
}

fn domain_rows(
    results: Vec<GroupInference>,
    domain: impl Fn(&[String]) -> (String, Option<(String, String)>),
) -> Vec<DomainEstimate> {
    results
        .into_iter()
        .map(|r| {
            let (area, province) = domain(&r.key);
            DomainEstimate {
                area,
                province,
                measure: r.measure,
                estimate: r.result.estimate.value,
                se: r.result.inference.se,
                lower: r.result.inference.ci_lower,
                upper: r.result.inference.ci_upper,
            }
        })
        .collect()
}

fn find<'a>(r: &'a RoundResult, area: &str, measure: Measure) -> Option<&'a DomainEstimate> {
    r.rows
        .iter()
        .find(|d| d.province.is_none() && d.area == area && d.measure == measure)
}

/// (area, measure, change) for total, urban and rural Gini and the bottom-40 % share.
fn national_changes(
    a: &RoundResult,
    b: &RoundResult,
    level: f64,
) -> Vec<(String, Measure, Change)> {
    let mut out = Vec::new();
    for measure in [Measure::Gini, Measure::Share(0.0, 0.4)] {
        for area in ["total", "urban", "rural"] {
            if let (Some(x), Some(y)) = (find(a, area, measure), find(b, area, measure)) {
                out.push((
                    area.to_string(),
                    measure,
                    change(x.estimate, x.se, y.estimate, y.se, level),
                ));
            }
        }
    }
    out
}

fn verdict(
    a: &RoundResult,
    b: &RoundResult,
    changes: &[(String, Measure, Change)],
    level: f64,
) -> String {
    let Some((_, _, c)) = changes
        .iter()
        .find(|(area, m, _)| area == "total" && *m == Measure::Gini)
    else {
        return String::new();
    };
    let (Some(x), Some(y)) = (
        find(a, "total", Measure::Gini),
        find(b, "total", Measure::Gini),
    ) else {
        return String::new();
    };
    let direction = if c.change < 0.0 { "fell" } else { "rose" };
    let distinguishable = c.ci_lower > 0.0 || c.ci_upper < 0.0;
    format!(
        "The national Gini ratio {direction} from {:.4} ({}) to {:.4} ({}), a change of {:+.4} (standard error {:.4}, {:.0} % interval {:+.4} to {:+.4}, p = {:.3}): the {} {} statistically distinguishable from zero at the {:.0} % level.",
        x.estimate,
        a.label,
        y.estimate,
        b.label,
        c.change,
        c.se,
        level * 100.0,
        c.ci_lower,
        c.ci_upper,
        c.p_value,
        if c.change < 0.0 { "fall" } else { "rise" },
        if distinguishable { "is" } else { "is NOT" },
        level * 100.0
    )
}

fn opt(v: Option<f64>, s: Style) -> Cell {
    v.map_or(Cell::Empty, |v| Cell::Number(v, s))
}

fn national_table(
    rounds: &[RoundResult],
    published: &dyn Fn(&str, &DomainEstimate) -> Option<f64>,
) -> Report {
    let mut report = Report {
        columns: [
            "round",
            "area",
            "measure",
            "estimate",
            "se",
            "ci_lower",
            "ci_upper",
            "published",
        ]
        .map(String::from)
        .to_vec(),
        ..Report::default()
    };
    for r in rounds {
        for measure in [Measure::Gini, Measure::Share(0.0, 0.4)] {
            for area in ["total", "urban", "rural"] {
                if let Some(d) = find(r, area, measure) {
                    let s = Style::of(&measure);
                    report.rows.push(vec![
                        Cell::Text(r.label.clone()),
                        Cell::Text(area.into()),
                        Cell::Text(measure.name()),
                        Cell::Number(d.estimate, s),
                        Cell::Number(d.se, s),
                        Cell::Number(d.lower, s),
                        Cell::Number(d.upper, s),
                        opt(published(&r.label, d), s),
                    ]);
                }
            }
        }
    }
    report
}

fn change_table(
    from: &str,
    to: &str,
    changes: &[(String, Measure, Change)],
    format: OutputFormat,
) -> Report {
    let mut report = Report {
        columns: [
            "area", "measure", "from", "to", "change", "se", "ci_lower", "ci_upper", "p_value",
        ]
        .map(String::from)
        .to_vec(),
        ..Report::default()
    };
    if format == OutputFormat::Table {
        report.columns.push("sig".into());
    }
    for (area, m, c) in changes {
        let s = Style::of(&m);
        let mut row = vec![
            Cell::Text(area.clone()),
            Cell::Text(m.name()),
            Cell::Text(from.into()),
            Cell::Text(to.into()),
            Cell::Number(c.change, s),
            Cell::Number(c.se, s),
            Cell::Number(c.ci_lower, s),
            Cell::Number(c.ci_upper, s),
            Cell::Number(c.p_value, Style::PValue),
        ];
        if format == OutputFormat::Table {
            row.push(Cell::Text(if c.ci_lower > 0.0 || c.ci_upper < 0.0 {
                "*".into()
            } else {
                String::new()
            }));
        }
        report.rows.push(row);
    }
    report
}

fn province_table(
    rounds: &[&RoundResult],
    published: &dyn Fn(&str, &DomainEstimate) -> Option<f64>,
) -> Report {
    let mut report = Report {
        columns: vec!["province".into()],
        ..Report::default()
    };
    for r in rounds {
        for c in ["estimate", "se", "published"] {
            report.columns.push(format!("{c} {}", r.label));
        }
    }
    let provinces: Vec<&(String, String)> = rounds[0]
        .rows
        .iter()
        .filter_map(|d| d.province.as_ref())
        .collect();
    for p in provinces {
        let mut row = vec![Cell::Text(p.1.clone())];
        for r in rounds {
            match r.rows.iter().find(|d| d.province.as_ref() == Some(p)) {
                Some(d) => row.extend([
                    Cell::Number(d.estimate, Style::Index),
                    Cell::Number(d.se, Style::Index),
                    opt(published(&r.label, d), Style::Index),
                ]),
                None => row.extend([Cell::Empty, Cell::Empty, Cell::Empty]),
            }
        }
        report.rows.push(row);
    }
    report
}

/// All content as tidy rows: estimates (round, area, province, measure, estimate, se,
/// ci_lower, ci_upper, published) and changes (from, to, change, se, ci_lower, ci_upper,
/// p_value).
fn tidy_report(
    rounds: &[RoundResult],
    published: &dyn Fn(&str, &DomainEstimate) -> Option<f64>,
    changes: &[(String, Measure, Change)],
    from: &str,
    to: &str,
) -> Report {
    let mut report = Report {
        columns: [
            "round",
            "area",
            "province",
            "measure",
            "estimate",
            "se",
            "ci_lower",
            "ci_upper",
            "published",
            "from",
            "to",
            "change",
            "p_value",
        ]
        .map(String::from)
        .to_vec(),
        ..Report::default()
    };
    for r in rounds {
        for d in &r.rows {
            let s = Style::of(&d.measure);
            report.rows.push(vec![
                Cell::Text(r.label.clone()),
                Cell::Text(d.area.clone()),
                d.province
                    .as_ref()
                    .map_or(Cell::Empty, |p| Cell::Text(p.1.clone())),
                Cell::Text(d.measure.name()),
                Cell::Number(d.estimate, s),
                Cell::Number(d.se, s),
                Cell::Number(d.lower, s),
                Cell::Number(d.upper, s),
                opt(published(&r.label, d), s),
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
            ]);
        }
    }
    for (area, m, c) in changes {
        let s = Style::of(&m);
        report.rows.push(vec![
            Cell::Empty,
            Cell::Text(area.clone()),
            Cell::Empty,
            Cell::Text(m.name()),
            Cell::Empty,
            Cell::Number(c.se, s),
            Cell::Number(c.ci_lower, s),
            Cell::Number(c.ci_upper, s),
            Cell::Empty,
            Cell::Text(from.into()),
            Cell::Text(to.into()),
            Cell::Number(c.change, s),
            Cell::Number(c.p_value, Style::PValue),
        ]);
    }
    report
}

/// `2017-09` → 2017.667 (the month's position in the year), for time axes.
fn period_x(period: &str) -> Option<f64> {
    let (y, m) = period.split_once('-')?;
    Some(y.parse::<f64>().ok()? + (m.parse::<f64>().ok()? - 1.0) / 12.0)
}

fn charts(
    args: &ReproduceArgs,
    rounds: &[RoundResult],
    from: usize,
    to: usize,
    published_gini: &[NationalFact],
    published: &dyn Fn(&str, &DomainEstimate) -> Option<f64>,
) -> Result<Vec<PathBuf>, Failure> {
    let synthetic = args.data.is_empty();
    let data_note = if synthetic {
        "synthetic Susenas-shaped household tables calibrated to BPS figures"
    } else {
        "household tables"
    };
    let source = format!("Source: reproduced with ginikit from {data_note}; published values: BPS (Badan Pusat Statistik).");
    let mut written = Vec::new();
    let series: Vec<LorenzSeries> = [from, to]
        .iter()
        .map(|&i| LorenzSeries {
            label: format!(
                "{} (Gini {:.3})",
                rounds[i].label,
                find(&rounds[i], "total", Measure::Gini).map_or(f64::NAN, |d| d.estimate)
            ),
            points: &rounds[i].lorenz,
        })
        .collect();
    written.extend(plot::lorenz_chart(
        &args.out.join("lorenz"),
        "Lorenz curves of per-capita expenditure, Indonesia",
        &source,
        &series,
    )?);

    let mut line: Vec<(f64, f64)> = published_gini
        .iter()
        .filter(|f| f.area == "total" && f.period.as_str() >= "2015-03")
        .filter_map(|f| Some((period_x(&f.period)?, f.value)))
        .collect();
    line.sort_by(|a, b| a.0.total_cmp(&b.0));
    let points: Vec<Bar> = rounds
        .iter()
        .filter_map(|r| {
            let d = find(r, "total", Measure::Gini)?;
            Some(Bar {
                x: period_x(&r.label)?,
                label: r.label.clone(),
                estimate: d.estimate,
                lower: d.lower,
                upper: d.upper,
            })
        })
        .collect();
    written.extend(plot::series_chart(
        &args.out.join("national_series"),
        "National Gini ratio: published series and reproduced rounds",
        "Gini ratio",
        &source,
        &line,
        &points,
    )?);

    for &i in &[from, to] {
        let r = &rounds[i];
        let mut rows: Vec<(Bar, Option<f64>)> = r
            .rows
            .iter()
            .filter(|d| d.province.is_some() && d.measure == Measure::Gini)
            .map(|d| {
                (
                    Bar {
                        x: 0.0,
                        label: d
                            .province
                            .as_ref()
                            .map_or_else(String::new, |p| p.1.clone()),
                        estimate: d.estimate,
                        lower: d.lower,
                        upper: d.upper,
                    },
                    published(&r.label, d),
                )
            })
            .collect();
        rows.sort_by(|a, b| b.0.estimate.total_cmp(&a.0.estimate));
        written.extend(plot::category_chart(
            &args.out.join(format!("provinces_{}", r.label)),
            &format!("Gini ratio by province, {}", r.label),
            "Gini ratio",
            &source,
            &rows,
        )?);
    }
    Ok(written)
}
