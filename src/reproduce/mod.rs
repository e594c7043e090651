//! The reproduction of BPS's national Gini ratio from household tables as one library call:
//! national, urban/rural and province estimates with standard errors for every round, the
//! published figures beside them, the test of the change between two rounds, and the facts
//! of the summary sentence. Renderers ([`tables`], and `charts` with the `plot` feature)
//! turn a [`Reproduction`] into tables and charts.

#[cfg(feature = "plot")]
pub mod charts;
pub mod groups;
pub mod incidence;
pub mod programmes;
pub mod series;
pub mod tables;

use crate::bps::{self, NationalFact};
use crate::error::{Error, Result};
use crate::measure::gini::Gini;
use crate::measure::lorenz::{lorenz_curve, LorenzPoint};
use crate::measure::{Measure, Options};
use crate::survey::design::LonelyPsu;
use crate::survey::{change, Change, Interval, Tick};
use crate::table::survey::{infer, GroupInference, SeMethod, SurveySpec};
use crate::table::trend::{file_label, split_rounds};
use crate::table::{read_table, InputFormat, Table, TableSpec};
use crate::SortedSample;
use std::path::{Path, PathBuf};

/// The synthetic rounds bundled with the toolkit.
pub const BUNDLED_ROUNDS: [&str; 3] = ["2017-09", "2018-03", "2018-09"];

/// Paths of the bundled synthetic rounds: under the working directory's `datasets/` if there
/// is one, else in the source tree the library was built from.
pub fn bundled_rounds() -> Vec<PathBuf> {
    BUNDLED_ROUNDS
        .iter()
        .map(|round| {
            let rel = PathBuf::from("datasets/susenas-synthetic").join(format!("{round}.parquet"));
            if rel.exists() {
                rel
            } else {
                Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
            }
        })
        .collect()
}

/// Which columns mean what, and how to estimate. The defaults are the bundled synthetic
/// rounds' column names (Susenas: `kapita`, `wert`, `r301`, `r105`, `r101`).
#[derive(Debug, Clone)]
pub struct ReproduceSpec {
    /// Per-capita expenditure (household total with `per_capita`).
    pub value: String,
    pub per_capita: bool,
    /// Household weight; person weight = weight × size.
    pub weight: String,
    pub size: String,
    /// Urban/rural: codes 1/2 or text.
    pub area: String,
    /// Province: BPS codes or names.
    pub province: String,
    pub strata: String,
    pub psu: String,
    /// A column naming the round; without it each table is one round.
    pub round: Option<String>,
    pub nested: bool,
    pub lonely: LonelyPsu,
    pub method: SeMethod,
    pub level: f64,
    /// The rounds of the tested change.
    pub from: String,
    pub to: String,
    /// File format; `None`: from each file's extension.
    pub format: Option<InputFormat>,
    /// Bootstrap replicates for the decompositions' standard errors when `method` is
    /// linearization (decomposition terms take theirs from replicates).
    pub decomposition_replicates: usize,
    /// Seed of those replicates.
    pub seed: u64,
    /// Published rounds to generate with the synthetic generator in addition to the tables
    /// read (the full series): seed 1, 300,000 households for a March round and 75,000 for a
    /// September round, as the bundled ones.
    pub synthetic_rounds: Vec<String>,
    /// Transfer columns the value includes (per person): when every table has them, the
    /// report attributes the Gini and its change to them and costs a target Gini
    /// ([`programmes`]); otherwise that section is left out with a note.
    pub transfers: Vec<String>,
}

impl Default for ReproduceSpec {
    fn default() -> Self {
        ReproduceSpec {
            value: "expenditure_per_capita".into(),
            per_capita: false,
            weight: "weight".into(),
            size: "household_size".into(),
            area: "area".into(),
            province: "province_code".into(),
            strata: "stratum".into(),
            psu: "psu".into(),
            round: None,
            nested: false,
            lonely: LonelyPsu::Error,
            method: SeMethod::Linearization,
            level: 0.95,
            from: "2017-09".into(),
            to: "2018-09".into(),
            format: None,
            decomposition_replicates: 200,
            seed: 20181,
            synthetic_rounds: Vec::new(),
            transfers: ["pkh_per_capita", "bpnt_per_capita", "rastra_per_capita"]
                .map(String::from)
                .to_vec(),
        }
    }
}

impl ReproduceSpec {
    /// The table layout the reproduction reads: groups round? × province × area, design
    /// columns strata and PSU.
    pub fn table_spec(&self) -> TableSpec {
        let mut by = vec![self.province.clone(), self.area.clone()];
        let mut group_roles = vec!["province", "area"];
        if let Some(r) = &self.round {
            by.insert(0, r.clone());
            group_roles.insert(0, "round");
        }
        TableSpec {
            value: self.value.clone(),
            weight: Some(self.weight.clone()),
            size: Some(self.size.clone()),
            per_capita: self.per_capita,
            by,
            group_roles,
            extra: vec![(self.strata.clone(), "strata"), (self.psu.clone(), "psu")],
            replicate_weights: Vec::new(),
            format: self.format,
            poverty_line: None,
            // Susenas labels (Perkotaan, ACEH) are matched to the published cells by name.
            value_labels: crate::table::ValueLabels::Labels,
            ..TableSpec::default()
        }
    }

    /// [`Self::table_spec`] for a table with `columns`: with the transfer columns as
    /// components when it has every one of them (a table without them still reproduces
    /// everything else; the programmes section needs them in every table).
    pub fn table_spec_for(&self, columns: &[String]) -> TableSpec {
        let mut spec = self.table_spec();
        if !self.transfers.is_empty() && self.transfers.iter().all(|t| columns.contains(t)) {
            spec.components = self.transfers.clone();
        }
        spec
    }

    /// [`Self::table_spec_for`] the columns of the file `path` (none when it cannot be read:
    /// reading it then reports the problem).
    pub fn table_spec_for_file(&self, path: &Path) -> TableSpec {
        let format = self.format.unwrap_or_else(|| InputFormat::from_path(path));
        let columns = crate::table::column_names(path, format).unwrap_or_default();
        self.table_spec_for(&columns)
    }

    fn survey_spec(&self) -> Result<SurveySpec> {
        if !(self.level > 0.0 && self.level < 1.0) {
            return Err(Error::InvalidParameter {
                name: "confidence level",
                value: self.level.to_string(),
                expected: "a number between 0 and 1 (e.g. 0.95)".into(),
            });
        }
        // Extra columns are read in the order strata, psu (see `table_spec`).
        Ok(SurveySpec {
            method: self.method,
            strata: Some(0),
            psu: Some(1),
            fpc: None,
            nested: self.nested,
            lonely: self.lonely,
            level: self.level,
            interval: Interval::Normal,
        })
    }
}

/// A province: its code (or name) as in the data, and its name.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Province {
    pub code: String,
    pub name: String,
}

/// One domain's estimate (national, an area, a province) in one round.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct DomainEstimate {
    /// `total`, `urban` or `rural`.
    pub area: String,
    pub province: Option<Province>,
    pub measure: Measure,
    pub estimate: f64,
    pub se: f64,
    pub ci_lower: f64,
    pub ci_upper: f64,
    /// BPS's published figure for the same round, domain and measure.
    pub published: Option<f64>,
    /// True when `published` is aggregated from BPS's province × area figures (population-
    /// weighted) rather than a published national figure.
    pub published_derived: bool,
}

/// Everything estimated for one round.
#[derive(Debug, Clone)]
pub struct RoundResult {
    pub label: String,
    pub rows: Vec<DomainEstimate>,
    /// The national Lorenz curve at 201 points.
    pub lorenz: Vec<LorenzPoint>,
    /// Why there is no poverty table for the round (no published poverty line for one of its
    /// province × area cells), if there is none.
    pub poverty_missing: Option<String>,
}

impl RoundResult {
    /// The national (`total`) or area estimate of `measure`.
    pub fn find(&self, area: &str, measure: &Measure) -> Option<&DomainEstimate> {
        self.rows
            .iter()
            .find(|d| d.province.is_none() && d.area == area && d.measure == *measure)
    }

    /// The province rows of the Gini.
    pub fn provinces(&self) -> impl Iterator<Item = &DomainEstimate> {
        self.province_rows(gini())
    }

    /// The province rows of `measure` (the Gini; the headcount P0 when the round has BPS's
    /// poverty lines).
    pub fn province_rows(&self, measure: Measure) -> impl Iterator<Item = &DomainEstimate> {
        self.rows
            .iter()
            .filter(move |d| d.province.is_some() && d.measure == measure)
    }
}

/// The change of a measure in an area between the two tested rounds.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct AreaChange {
    pub area: String,
    pub measure: Measure,
    pub change: Change,
}

/// The reproduction: every round, the tested change, and the facts of the summary.
#[derive(Debug, Clone)]
pub struct Reproduction {
    pub rounds: Vec<RoundResult>,
    /// Indices into `rounds` of the tested pair.
    pub from: usize,
    pub to: usize,
    /// Total, urban and rural changes of the Gini and the bottom-40 % share.
    pub changes: Vec<AreaChange>,
    pub level: f64,
    pub method: SeMethod,
    /// The design columns used.
    pub strata: String,
    pub psu: String,
    /// BPS's published national Gini series.
    pub published_series: Vec<NationalFact>,
    /// Growth incidence and decompositions of the tested change.
    pub analysis: Option<incidence::ChangeAnalysis>,
    /// Consecutive changes, the window's change and linear trends, with more than the
    /// tested rounds.
    pub series: Option<series::Series>,
    /// "Did the programmes do it?": when the tables carry the transfer columns.
    pub programmes: Option<programmes::Programmes>,
    /// Growth of the bottom 40 %, middle 40 % and top 20 % between March and September
    /// rounds BPS published it for, when both are among the inputs.
    pub group_growth: Vec<groups::GroupGrowth>,
}

/// The national Gini measure.
pub fn gini() -> Measure {
    Measure::new(Gini)
}

/// The bottom-40 % share measure.
pub fn bottom40() -> Measure {
    Measure::parse("share_bottom40").expect("share_bottom40 is a registered measure")
}

/// The poverty measures of the reproduction: headcount P0, gap P1, severity P2 against each
/// province × area × round's published poverty line.
pub fn poverty_measures() -> [Measure; 3] {
    ["fgt0", "fgt1", "fgt2"].map(|n| Measure::parse(n).expect("registered poverty measure"))
}

impl Reproduction {
    /// The tested change of the national Gini.
    pub fn national_change(&self) -> Option<&AreaChange> {
        self.changes
            .iter()
            .find(|c| c.area == "total" && c.measure == gini())
    }

    /// One sentence: the national Gini in both rounds, the change with its standard error,
    /// interval and p-value, and whether it is distinguishable from zero at the level used.
    pub fn summary(&self) -> String {
        let (a, b) = (&self.rounds[self.from], &self.rounds[self.to]);
        let (Some(c), Some(x), Some(y)) = (
            self.national_change().map(|c| c.change),
            a.find("total", &gini()),
            b.find("total", &gini()),
        ) else {
            return String::new();
        };
        let direction = if c.change < 0.0 { "fell" } else { "rose" };
        format!(
            "The national Gini ratio {direction} from {:.4} ({}) to {:.4} ({}), a change of {:+.4} (standard error {:.4}, {:.0} % interval {:+.4} to {:+.4}, p = {:.3}): the {} {} statistically distinguishable from zero at the {:.0} % level.",
            x.estimate,
            a.label,
            y.estimate,
            b.label,
            c.change,
            c.se,
            self.level * 100.0,
            c.ci_lower,
            c.ci_upper,
            c.p_value,
            if c.change < 0.0 { "fall" } else { "rise" },
            if c.excludes_zero() { "is" } else { "is NOT" },
            self.level * 100.0
        )
    }
}

/// Reproduces from household table files: one round per file, or per value of the round
/// column. `tick` is called once per finished replicate (for a progress display).
///
/// # Errors
/// Unreadable files, missing columns, bad values or designs (naming file, column and row),
/// a round given twice, `from`/`to` rounds that were not read.
pub fn reproduce(files: &[PathBuf], spec: &ReproduceSpec, tick: Tick<'_>) -> Result<Reproduction> {
    let mut tables: Vec<(Table, String)> = files
        .iter()
        .map(|f| Ok((read_table(f, &spec.table_spec_for_file(f))?, file_label(f))))
        .collect::<Result<_>>()?;
    for round in &spec.synthetic_rounds {
        if tables.iter().any(|(_, l)| l == round) {
            continue;
        }
        let households = if round.ends_with("-03") {
            300_000
        } else {
            75_000
        };
        let synthesis = crate::synth::synthesize(round, households, 1)?;
        let df = crate::synth::households_frame(&synthesis.households)?;
        let source = format!("synthetic {round}");
        let columns: Vec<String> = df
            .get_column_names()
            .iter()
            .map(|c| c.to_string())
            .collect();
        tables.push((
            crate::table::from_frame(&df, &source, &spec.table_spec_for(&columns))?,
            round.clone(),
        ));
    }
    let refs: Vec<(&Table, &str)> = tables.iter().map(|(t, l)| (t, l.as_str())).collect();
    reproduce_tables(&refs, spec, tick)
}

/// As [`reproduce`], on tables already read (from files or from memory with
/// [`ReproduceSpec::table_spec`]), each with the round label it has when `spec.round` is
/// absent.
pub fn reproduce_tables(
    tables: &[(&Table, &str)],
    spec: &ReproduceSpec,
    tick: Tick<'_>,
) -> Result<Reproduction> {
    let survey = spec.survey_spec()?;
    let names = province_names()?;
    let published_series = bps::national_gini();
    let mut rounds = estimated_rounds(tables, spec, &survey, &names, &published_series, tick)?;
    let position = |label: &str| rounds.iter().position(|r| r.label == label);
    let (Some(from), Some(to)) = (position(&spec.from), position(&spec.to)) else {
        let known: Vec<&str> = rounds.iter().map(|r| r.label.as_str()).collect();
        return Err(Error::InvalidParameter {
            name: "rounds of the change",
            value: format!("{} and {}", spec.from, spec.to),
            expected: format!("rounds that were read: {}", known.join(", ")),
        });
    };
    let changes = area_changes(&rounds[from], &rounds[to], spec.level);
    let analysis = incidence::analyse(tables, spec, &survey, &names, tick)?;
    let group_growth = if spec.round.is_none() {
        groups::analyse(tables, &survey, tick)?
    } else {
        Vec::new()
    };
    let programmes = programmes_analysis(
        tables,
        &rounds[from].label,
        &rounds[to].label,
        spec,
        &survey,
        tick,
    )?;
    // Rounds in time order (a series read from several files need not come sorted).
    let (from_label, to_label) = (rounds[from].label.clone(), rounds[to].label.clone());
    rounds.sort_by(|a, b| a.label.cmp(&b.label));
    let from = rounds
        .iter()
        .position(|r| r.label == from_label)
        .unwrap_or(from);
    let to = rounds
        .iter()
        .position(|r| r.label == to_label)
        .unwrap_or(to);
    let mut r = Reproduction {
        rounds,
        from,
        to,
        changes,
        level: spec.level,
        method: spec.method,
        strata: spec.strata.clone(),
        psu: spec.psu.clone(),
        published_series,
        analysis,
        series: None,
        programmes,
        group_growth,
    };
    if r.rounds.len() > 3 {
        r.series = Some(series::analyse(&r));
    }
    Ok(r)
}

/// Every round of `tables` estimated, each domain beside BPS's figure where one is published
/// (the province cells, the national series `published_series`, the bottom-40 % share and
/// P0), or aggregated from the province cells (marked derived); a round read twice is an
/// error.
fn estimated_rounds(
    tables: &[(&Table, &str)],
    spec: &ReproduceSpec,
    survey: &SurveySpec,
    names: &[(String, String)],
    published_series: &[bps::NationalFact],
    tick: Tick<'_>,
) -> Result<Vec<RoundResult>> {
    let cells = bps::province_cells()?;
    let published_b40 = bps::national_bottom40();
    let published_p0 = bps::national_p0();
    let province_total = |round: &str, p: &Province| {
        cells.iter().find(|c| {
            c.period == round
                && c.area == "total"
                && (c.province_code.to_string() == p.code
                    || c.province.eq_ignore_ascii_case(&p.name))
        })
    };
    let published = |round: &str, d: &DomainEstimate| -> Option<f64> {
        match (&d.province, d.measure.name().as_str()) {
            (Some(p), "gini") => province_total(round, p).and_then(|c| c.gini),
            (Some(p), "fgt0") => province_total(round, p)
                .and_then(|c| c.p0_pct)
                .map(|v| v / 100.0),
            (None, "gini") => bps::lookup(published_series, round, &d.area),
            (None, "share_bottom40") => bps::lookup(&published_b40, round, &d.area),
            (None, "fgt0") => bps::lookup(&published_p0, round, &d.area),
            _ => None,
        }
    };
    let mut rounds: Vec<RoundResult> = Vec::new();
    for (table, label) in tables {
        for mut r in round_results(table, label, spec, survey, names, tick)? {
            if rounds.iter().any(|x| x.label == r.label) {
                return Err(Error::Rounds {
                    problem: format!("round {} appears twice among the inputs", r.label),
                    fix: "give each round once".into(),
                });
            }
            for d in &mut r.rows {
                d.published = published(&r.label, d);
                // Aggregated from the province cells where no national figure is at hand
                // (P0 by area in 2017-09; P1 always): derived, and marked so.
                if d.published.is_none() && d.province.is_none() {
                    let what = match d.measure.name().as_str() {
                        "fgt0" => Some("p0"),
                        "fgt1" => Some("p1"),
                        _ => None,
                    };
                    if let Some(what) = what {
                        d.published = bps::aggregate_cells(&r.label, &d.area, what);
                        d.published_derived = d.published.is_some();
                    }
                }
            }
            rounds.push(r);
        }
    }
    Ok(rounds)
}

/// The tested changes from round `a` to round `b`: Gini, bottom-40 % share, P0, P1, P2, by
/// area (independent samples).
fn area_changes(a: &RoundResult, b: &RoundResult, level: f64) -> Vec<AreaChange> {
    let mut changes = Vec::new();
    let [p0, p1, p2] = poverty_measures();
    for measure in [gini(), bottom40(), p0, p1, p2] {
        for area in ["total", "urban", "rural"] {
            if let (Some(x), Some(y)) = (a.find(area, &measure), b.find(area, &measure)) {
                changes.push(AreaChange {
                    area: area.into(),
                    measure: measure.clone(),
                    change: change(x.estimate, x.se, y.estimate, y.se, level),
                });
            }
        }
    }
    changes
}

/// The programmes' attribution between the rounds labelled `from` and `to`, when every
/// table carries the transfer columns and the reproduction compares rounds (no `--round`).
fn programmes_analysis(
    tables: &[(&Table, &str)],
    from: &str,
    to: &str,
    spec: &ReproduceSpec,
    survey: &SurveySpec,
    tick: Tick<'_>,
) -> Result<Option<programmes::Programmes>> {
    if spec.round.is_some() || tables.iter().any(|(t, _)| t.components.is_empty()) {
        return Ok(None);
    }
    let find = |label: &str| tables.iter().find(|(_, l)| *l == label).copied();
    match (find(from), find(to)) {
        (Some(a), Some(b)) => Ok(Some(programmes::analyse(a, b, spec, survey, tick)?)),
        _ => Ok(None),
    }
}

/// Susenas `r105` codes 1 and 2, or text.
pub(crate) fn area_name(raw: &str) -> String {
    let lower = raw.trim().to_lowercase();
    match lower.as_str() {
        // Codes, or Susenas value labels (Indonesian) as a Stata or SPSS file carries them.
        "1" | "perkotaan" | "kota" => "urban".into(),
        "2" | "perdesaan" | "pedesaan" | "desa" => "rural".into(),
        _ => lower,
    }
}

/// BPS province codes and names.
fn province_names() -> Result<Vec<(String, String)>> {
    let mut names: Vec<(String, String)> = Vec::new();
    for c in bps::province_cells()? {
        let code = c.province_code.to_string();
        if !names.iter().any(|(k, _)| *k == code) {
            names.push((code, c.province));
        }
    }
    Ok(names)
}

/// The national, area and province estimates and the national Lorenz curve of every round
/// in `table`.
fn round_results(
    table: &Table,
    label: &str,
    spec: &ReproduceSpec,
    survey: &SurveySpec,
    names: &[(String, String)],
    tick: Tick<'_>,
) -> Result<Vec<RoundResult>> {
    let offset = usize::from(spec.round.is_some());
    let options = Options::default();
    let national_measures = [gini(), bottom40()];
    let domains = |t: &Table, measures: &[Measure]| -> Result<Vec<GroupInference>> {
        let all: Vec<usize> = (0..t.groups.len()).collect();
        infer(t, &all, survey, measures, &options, tick)
    };
    split_rounds(table, spec.round.is_some(), label)
        .into_iter()
        .map(|(label, members)| {
            let mut rows = Vec::new();
            // Each province × area cell carries BPS's poverty line of the round.
            let mut cells = table.regroup(&members, &[offset, offset + 1]);
            let poverty_missing = attach_poverty_lines(&mut cells, &label, names).err();
            let all: Vec<usize> = (0..cells.groups.len()).collect();
            let mut measures = national_measures.to_vec();
            if poverty_missing.is_none() {
                measures.extend(poverty_measures());
            }
            let national = cells.regroup(&all, &[]);
            rows.extend(domain_rows(domains(&national, &measures)?, |_| {
                ("total".into(), None)
            }));
            let by_area = cells.regroup(&all, &[1]);
            rows.extend(domain_rows(domains(&by_area, &measures)?, |k| {
                (area_name(&k[0]), None)
            }));
            // Provinces: the Gini, and the headcount against each cell's line when the
            // lines are known (the province × area cells merged keep their lines).
            let (by_province, province_measures) = if poverty_missing.is_none() {
                (
                    cells.regroup(&all, &[0]),
                    vec![gini(), poverty_measures()[0].clone()],
                )
            } else {
                (table.regroup(&members, &[offset]), vec![gini()])
            };
            rows.extend(domain_rows(
                domains(&by_province, &province_measures)?,
                |k| {
                    let code = k[0].clone();
                    // A code (11) or a value label ("ACEH") as the file writes it.
                    let name = names
                        .iter()
                        .find(|(c, n)| *c == code || n.eq_ignore_ascii_case(&code))
                        .map_or_else(|| code.clone(), |(_, n)| n.clone());
                    ("total".into(), Some(Province { code, name }))
                },
            ));
            let g = &national.groups[0];
            let sample = SortedSample::from_vecs(g.values.clone(), g.weights.clone())?;
            let lorenz = lorenz_curve(&sample, 201)?;
            Ok(RoundResult {
                label,
                rows,
                lorenz,
                poverty_missing,
            })
        })
        .collect()
}

/// Sets every province × area group's rows to the round's published poverty line of that
/// cell (`bps::cells`: missing published rows derived as stated there). `Err` says which cell
/// has no line (a round BPS did not publish, a province or area code not known).
fn attach_poverty_lines(
    cells: &mut Table,
    round: &str,
    names: &[(String, String)],
) -> std::result::Result<(), String> {
    let published = bps::cells::cells(round)
        .map_err(|_| {
            format!(
                "BPS's poverty lines are looked up by round, and '{round}' is not a published round (2016-03 … 2021-09); name the files or the round column's values YYYY-MM"
            )
        })?;
    // All lines first: a cell without one leaves every group without lines (no half-lined
    // table, whose merged groups would hold fewer lines than rows).
    let mut found = Vec::with_capacity(cells.groups.len());
    for g in &cells.groups {
        let (province, area) = (&g.key[0], area_name(&g.key[1]));
        let code = names
            .iter()
            .find(|(c, n)| c == province || n.eq_ignore_ascii_case(province))
            .map(|(c, _)| c.clone());
        let line = published
            .iter()
            .find(|c| Some(c.province_code.to_string()) == code && c.area.name() == area)
            .map(|c| c.poverty_line)
            .ok_or_else(|| {
                format!("no published poverty line for province {province}, area {area} in {round}")
            })?;
        found.push(line);
    }
    for (g, line) in cells.groups.iter_mut().zip(found) {
        g.lines = Some(vec![line; g.values.len()]);
    }
    Ok(())
}

fn domain_rows(
    results: Vec<GroupInference>,
    domain: impl Fn(&[String]) -> (String, Option<Province>),
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
                ci_lower: r.result.inference.ci_lower,
                ci_upper: r.result.inference.ci_upper,
                published: None,
                published_derived: false,
            }
        })
        .collect()
}
