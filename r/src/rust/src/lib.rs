//! The R package's native side (savvy): it converts R vectors and data frames into the
//! library's inputs, calls the library, and returns plain R values (numeric and character
//! vectors, named lists) that R/ginikit.R turns into data frames. No statistics here.
//!
//! Every entry point returns `savvy::Result`: a library error becomes an R error whose message
//! names the column, the row and the argument that fixes it; a Rust panic becomes an R error
//! too (savvy catches it), never a crash of the R session.

mod convert;

use convert::{error, fail, frame, reals, report, strings, Named, Settings};
use ginikit::measure::lorenz::lorenz_curve;
use ginikit::measure::registry::FAMILIES;
use ginikit::measure::Measure;
use ginikit::report::tidy;
use ginikit::reproduce::{bundled_rounds, reproduce_tables, tables};
use ginikit::table::survey::infer;
use ginikit::table::trend::{changes, estimate_rounds, Pairs, RoundEstimates};
use ginikit::table::{compute, from_frame, Table};
use ginikit::SortedSample;
use savvy::{savvy, ListSexp, RealSexp, Sexp, StringSexp};

/// Runs an entry point's body; a panic (a bug, never bad input) becomes an R error that says
/// so instead of crashing the session, without printing a backtrace.
fn guard<T>(body: impl FnOnce() -> savvy::Result<T>) -> savvy::Result<T> {
    // The memory limit a user sets in the environment (`Sys.setenv`), read at every call
    // (the library reads no environment).
    ginikit::memory::set_limit(
        std::env::var(ginikit::memory::LIMIT_VARIABLE)
            .ok()
            .and_then(|t| ginikit::memory::parse_bytes(&t)),
    );
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(body));
    std::panic::set_hook(hook);
    result.unwrap_or_else(|payload| {
        let what = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic without a message".into());
        Err(fail(format!(
            "internal error in ginikit (a bug: please report it with the call that caused it): {what}"
        )))
    })
}

/// The error of a vector call, in R's words when a value is not a finite number: its
/// position counted from 1 and whether it is `NA`, `NaN` or infinite. The scan runs only on
/// the error path, so valid input pays nothing for it.
fn vector_error(e: &ginikit::Error, x: &[f64], w: Option<&[f64]>) -> savvy::Error {
    use savvy::NotAvailableValue;
    for (name, values) in [("x", Some(x)), ("w", w)] {
        let Some(values) = values else { continue };
        let mut bad = values.iter().enumerate().filter(|(_, v)| !v.is_finite());
        if let Some((first, v)) = bad.next() {
            let what = if v.is_na() {
                "NA".to_string()
            } else {
                format!("{v}").replace("inf", "Inf")
            };
            return fail(format!(
                "{name} has {} value(s) that are not finite numbers, first at position {} ({what}): remove or impute them (e.g. {name}[!is.na({name})])",
                bad.count() + 1,
                first + 1
            ));
        }
    }
    error(e)
}

/// The replicate tick: no progress bar in R, and the run always goes on.
fn quiet() -> bool {
    true
}

/// Measures of one vector, sorted once: list(name, value, n, population).
#[savvy]
fn rs_measures(
    x: RealSexp,
    names: StringSexp,
    settings: ListSexp,
    weights: Option<RealSexp>,
) -> savvy::Result<Sexp> {
    guard(|| {
        let s = Settings::new(settings);
        let options = convert::options(&s)?;
        let measures: Vec<Measure> = names
            .iter()
            .map(Measure::parse)
            .collect::<Result<_, _>>()
            .map_err(|e| error(&e))?;
        let (x, w) = (x.as_slice(), weights.as_ref().map(|w| w.as_slice()));
        // The sample rescales values or weights near the ends of the double range itself;
        // the measures give their results in the data's units.
        let sample = SortedSample::new(x, w).map_err(|e| vector_error(&e, x, w))?;
        let mut out = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for m in &measures {
            let e = m
                .evaluate(&sample, &options)
                .and_then(|e| ginikit::table::require_finite(e.value, m, "estimate").map(|_| e))
                .map_err(|e| error(&e))?;
            out.0.push(m.name());
            out.1.push(e.value);
            out.2.push(e.n as f64);
            out.3.push(e.population);
        }
        {
            let mut n = Named::new(4)?;
            n.add("measure", strings(&out.0)?)?;
            n.add("estimate", reals(&out.1)?)?;
            n.add("n", reals(&out.2)?)?;
            n.add("population", reals(&out.3)?)?;
            n.done()
        }
    })
}

/// The Lorenz curve of one vector at `points` population fractions: list(p, lorenz).
#[savvy]
fn rs_lorenz(x: RealSexp, points: i32, weights: Option<RealSexp>) -> savvy::Result<Sexp> {
    guard(|| {
        if points < 1 {
            return Err(fail(format!("points = {points}: give at least 1")));
        }
        let (x, w) = (x.as_slice(), weights.as_ref().map(|w| w.as_slice()));
        let sample = SortedSample::new(x, w).map_err(|e| vector_error(&e, x, w))?;
        let curve = lorenz_curve(&sample, points as usize).map_err(|e| error(&e))?;
        let (p, l): (Vec<f64>, Vec<f64>) = curve.iter().map(|c| (c.p, c.lorenz)).unzip();
        {
            let mut n = Named::new(2)?;
            n.add("p", reals(&p)?)?;
            n.add("lorenz", reals(&l)?)?;
            n.done()
        }
    })
}

/// `gini grouped` on a class table: `kind` is "share", "mean" or "cumulative".
#[savvy]
fn rs_grouped(
    population: RealSexp,
    welfare: RealSexp,
    kind: &str,
    settings: ListSexp,
) -> savvy::Result<Sexp> {
    guard(|| {
        use ginikit::grouped::{
            analyse, report as grouped_report, LorenzPoints, Source, WelfareIs,
        };
        let s = Settings::new(settings);
        let (population, welfare) = (population.as_slice(), welfare.as_slice());
        if population.len() != welfare.len() {
            return Err(fail(format!(
                "population and welfare have {} and {} classes",
                population.len(),
                welfare.len()
            )));
        }
        let source = Source {
            name: "class table".into(),
            population: "population".into(),
            welfare: "welfare".into(),
        };
        let kind = WelfareIs::parse(kind).map_err(|_| {
            fail(format!(
                "welfare_is = \"{kind}\": use \"share\", \"mean\" or \"cumulative\""
            ))
        })?;
        let (points, class_mean) =
            LorenzPoints::from_table(kind, population, welfare, &source).map_err(|e| error(&e))?;
        let poverty_line = s.number("poverty_line")?;
        let mean = match (s.number("mean")?, class_mean) {
            (Some(m), _) | (None, Some(m)) => m,
            (None, None) if poverty_line.is_some() => {
                return Err(fail(
                    "a poverty line needs the mean of the distribution: mean =",
                ))
            }
            (None, None) => 1.0,
        };
        let result = analyse(&points, mean, poverty_line, &source).map_err(|e| error(&e))?;
        report(&grouped_report(&result))
    })
}

/// A table from a data frame's columns and the settings' column names (design columns
/// added when `survey` is set).
fn table_of(
    columns: ListSexp,
    source: &str,
    s: &Settings,
    period: Option<&str>,
) -> savvy::Result<(Table, ginikit::table::survey::SurveySpec)> {
    let mut spec = convert::table_spec(s)?;
    if let Some(p) = period {
        spec.by.insert(0, p.to_string());
        spec.group_roles = vec!["period"];
    }
    let survey = convert::survey_spec(s, &mut spec)?;
    let df = frame(columns)?;
    let table = from_frame(&df, source, &spec).map_err(|e| error(&e))?;
    Ok((table, survey))
}

/// `gini compute` on a data frame: the tidy rows (with standard errors when `inference`).
#[savvy]
fn rs_compute(
    columns: ListSexp,
    source: &str,
    settings: ListSexp,
    inference: bool,
) -> savvy::Result<Sexp> {
    guard(|| {
        let s = Settings::new(settings);
        let (table, survey) = table_of(columns, source, &s, None)?;
        let spec = convert::table_spec(&s)?;
        let measures = convert::measures(&s, &spec)?;
        let options = convert::options(&s)?;
        let by = table.by.clone();
        let r = if inference {
            let members: Vec<usize> = (0..table.groups.len()).collect();
            let rows = infer(&table, &members, &survey, &measures, &options, &quiet)
                .map_err(|e| error(&e))?;
            tidy::inferences(&by, &rows, &survey)
        } else {
            tidy::estimates(
                &by,
                &compute(table, &measures, &options).map_err(|e| error(&e))?,
            )
        };
        report(&r)
    })
}

/// Each round's estimates with standard errors: `rounds` is a named list of data frames'
/// columns (one per round), or one frame with the `period` setting naming its round column.
fn estimated_rounds(
    rounds: ListSexp,
    s: &Settings,
    measures: &[Measure],
) -> savvy::Result<(Vec<RoundEstimates>, ginikit::table::survey::SurveySpec)> {
    let period = s.text("period")?;
    let options = convert::options(s)?;
    let mut out = Vec::new();
    let mut used = None;
    for (label, columns) in rounds.iter() {
        let columns = ListSexp::try_from(columns)
            .map_err(|_| fail(format!("round '{label}' is not a data frame")))?;
        let (table, survey) = table_of(columns, label, s, period.as_deref())?;
        out.extend(
            estimate_rounds(
                &table,
                period.is_some(),
                label,
                &survey,
                measures,
                &options,
                &quiet,
            )
            .map_err(|e| error(&e))?,
        );
        used = Some(survey);
    }
    let survey = used.ok_or_else(|| fail("give at least one round"))?;
    Ok((out, survey))
}

/// `gini trend`: the changes between rounds, with standard errors and tests.
#[savvy]
fn rs_trend(rounds: ListSexp, settings: ListSexp) -> savvy::Result<Sexp> {
    guard(|| {
        let s = Settings::new(settings);
        let spec = convert::table_spec(&s)?;
        let measures = convert::measures(&s, &spec)?;
        let (estimated, survey) = estimated_rounds(rounds, &s, &measures)?;
        let mut notes = estimated
            .first()
            .map(|r| tidy::survey_notes(&survey, &r.rows))
            .unwrap_or_default();
        let pairs = s.texts("pairs")?;
        let pairs = if pairs.is_empty() {
            Pairs::Consecutive
        } else {
            Pairs::Given(
                pairs
                    .chunks(2)
                    .map(|p| (p[0].clone(), p.get(1).cloned().unwrap_or_default()))
                    .collect(),
            )
        };
        let (rows, unmatched) = changes(&estimated, &pairs, survey.level).map_err(|e| error(&e))?;
        notes.extend(unmatched);
        report(&tidy::changes(&spec.by, &rows, notes, survey.level, false))
    })
}

/// `gini gic`: the growth incidence curve between the first and the last round.
#[savvy]
fn rs_gic(rounds: ListSexp, settings: ListSexp) -> savvy::Result<Sexp> {
    guard(|| {
        use ginikit::table::gic::{gic, gic_measures, percentiles, unmatched_groups};
        let s = Settings::new(settings);
        let mut points = s.numbers("points")?;
        if points.is_empty() {
            points = percentiles();
        }
        if let Some(p) = points.iter().find(|p| !(**p > 0.0 && **p < 1.0)) {
            return Err(fail(format!(
                "points = {p}: give population fractions between 0 and 1, e.g. c(0.1, 0.5, 0.9)"
            )));
        }
        let measures = gic_measures(&points).map_err(|e| error(&e))?;
        let (estimated, survey) = estimated_rounds(rounds, &s, &measures)?;
        let (from, to) = ginikit::table::gic::pick_rounds(
            &estimated,
            s.text("from")?.as_deref(),
            s.text("to")?.as_deref(),
        )
        .map_err(|e| error(&e))?;
        let deflator = s.number("deflator")?.unwrap_or(1.0);
        let curves = gic(from, to, &points, deflator, survey.level).map_err(|e| error(&e))?;
        let by = convert::table_spec(&s)?.by;
        let mut r = ginikit::table::gic::report(&by, &curves);
        r.notes.extend(unmatched_groups(from, to));
        report(&r)
    })
}

/// `gini decompose`: inequality within and between groups per round and its change, with
/// replicate standard errors.
#[savvy]
fn rs_decompose(rounds: ListSexp, settings: ListSexp) -> savvy::Result<Sexp> {
    guard(|| {
        use ginikit::report::tidy::decomposition as decomposition_report;
        use ginikit::table::decompose::{decompose, Index};
        let s = Settings::new(settings);
        let indices: Vec<Index> = s
            .texts("indices")?
            .iter()
            .map(|m| Index::parse(m.trim()))
            .collect::<Result<_, _>>()
            .map_err(|e| error(&e))?;
        if convert::table_spec(&s)?.by.is_empty() {
            return Err(fail("name the groups with by = (e.g. by = \"area\")"));
        }
        let period = s.text("period")?;
        let mut tables = Vec::new();
        let mut survey = None;
        for (label, columns) in rounds.iter() {
            let columns = ListSexp::try_from(columns)
                .map_err(|_| fail(format!("round '{label}' is not a data frame")))?;
            let (table, sv) = table_of(columns, label, &s, period.as_deref())?;
            tables.push((table, label.to_string()));
            survey = Some(sv);
        }
        let survey = survey.ok_or_else(|| fail("give at least one round"))?;
        if survey.method == ginikit::table::survey::SeMethod::Linearization {
            return Err(fail(
                "decomposition terms take their standard errors from replicates: se = \"bootstrap\" or \"jackknife\"",
            ));
        }
        let refs: Vec<(&Table, &str)> = tables.iter().map(|(t, l)| (t, l.as_str())).collect();
        let rows =
            decompose(&refs, period.is_some(), &survey, &indices, &quiet).map_err(|e| error(&e))?;
        let refs: Vec<_> = rows.iter().collect();
        let mut r = decomposition_report(&refs, false);
        r.notes
            .extend(ginikit::report::tidy::decomposition_notes(&survey));
        report(&r)
    })
}

/// The BPS reproduction on files (default: the bundled synthetic rounds): its tables, the
/// summary and the Lorenz curves.
#[savvy]
fn rs_reproduce(settings: ListSexp, files: Option<StringSexp>) -> savvy::Result<Sexp> {
    guard(|| {
        let s = Settings::new(settings);
        let spec = convert::reproduce_spec(&s)?;
        let files: Vec<std::path::PathBuf> = match files {
            Some(f) => f.iter().map(Into::into).collect(),
            None => bundled_rounds(),
        };
        let mut inputs = Vec::new();
        for f in &files {
            let table_spec = spec.table_spec_for_file(f);
            let t = ginikit::table::read_table(f, &table_spec).map_err(|e| error(&e))?;
            inputs.push((t, ginikit::table::trend::file_label(f)));
        }
        let refs: Vec<(&Table, &str)> = inputs.iter().map(|(t, l)| (t, l.as_str())).collect();
        let r = reproduce_tables(&refs, &spec, &quiet).map_err(|e| error(&e))?;
        {
            let mut n = Named::new(14)?;
            n.add("estimates", report(&tables::tidy_report(&r))?)?;
            n.add("national", report(&tables::national_table(&r))?)?;
            n.add("changes", report(&tables::change_table(&r, false))?)?;
            n.add("provinces", report(&tables::province_table(&r))?)?;
            n.add(
                "province_poverty",
                report(&tables::province_poverty_table(&r))?,
            )?;
            n.add("poverty", report(&tables::poverty_table(&r))?)?;
            n.add("growth_incidence", report(&tables::gic_table(&r))?)?;
            n.add(
                "decomposition",
                report(&tables::area_decomposition_table(&r, false))?,
            )?;
            n.add(
                "province_contributions",
                report(&tables::province_contribution_table(&r, false))?,
            )?;
            n.add("summary", strings(&[r.summary()])?)?;
            // The Lorenz curves: a list per round, each filled while the outer list protects it.
            let mut lorenz = Named::new(r.rounds.len())?;
            for round in &r.rounds {
                let (p, l): (Vec<f64>, Vec<f64>) =
                    round.lorenz.iter().map(|x| (x.p, x.lorenz)).unzip();
                let mut curve = Named::new(2)?;
                curve.add("p", reals(&p)?)?;
                curve.add("lorenz", reals(&l)?)?;
                lorenz.add(&round.label, curve.done()?)?;
            }
            n.add("lorenz", lorenz.done()?)?;
            n.add("from_round", strings(&[&r.rounds[r.from].label])?)?;
            n.add("to_round", strings(&[&r.rounds[r.to].label])?)?;
            n.add("level", reals(&[r.level])?)?;
            n.done()
        }
    })
}

/// A synthetic Susenas-shaped round, as the columns of `gini synth`'s files.
#[savvy]
fn rs_synth(round: &str, households: f64, seed: f64, family: &str) -> savvy::Result<Sexp> {
    guard(|| {
        let family = match family {
            "log-normal" | "lognormal" => ginikit::synth::Family::LogNormal,
            "singh-maddala" => ginikit::synth::Family::SinghMaddala,
            "gb2" => ginikit::synth::Family::Gb2,
            other => {
                return Err(fail(format!(
                    "family = \"{other}\": use \"gb2\", \"singh-maddala\" or \"log-normal\""
                )))
            }
        };
        if !(households >= 1.0 && households.fract() == 0.0 && seed >= 0.0 && seed.fract() == 0.0) {
            return Err(fail(
                "households = and seed = must be whole numbers (households ≥ 1)",
            ));
        }
        let s = ginikit::synth::synthesize_family(round, households as usize, seed as u64, family)
            .map_err(|e| error(&e))?;
        let h = &s.households;
        // Whole numbers as doubles (exact below 2^53), as R keeps large counts and amounts.
        let ints = |v: &[i64]| -> savvy::Result<Sexp> {
            reals(&v.iter().map(|x| *x as f64).collect::<Vec<_>>())
        };
        {
            let mut n = Named::new(19)?;
            n.add("round", strings(&vec![h.round.as_str(); h.len()])?)?;
            n.add("household_id", ints(&h.household_id)?)?;
            n.add("province_code", ints(&h.province_code)?)?;
            n.add("province", strings(&h.province)?)?;
            n.add("area", strings(&h.area)?)?;
            n.add("stratum", ints(&h.stratum)?)?;
            n.add("psu", ints(&h.psu)?)?;
            n.add("household_size", ints(&h.household_size)?)?;
            n.add("weight", reals(&h.weight)?)?;
            n.add("expenditure_per_capita", ints(&h.expenditure_per_capita)?)?;
            n.add("food_per_capita", ints(&h.food_per_capita)?)?;
            n.add("nonfood_per_capita", ints(&h.nonfood_per_capita)?)?;
            n.add("pkh", ints(&h.pkh)?)?;
            n.add("bpnt", ints(&h.bpnt)?)?;
            n.add("rastra", ints(&h.rastra)?)?;
            n.add("kube", ints(&h.kube)?)?;
            n.add("pkh_per_capita", ints(&h.pkh_per_capita)?)?;
            n.add("bpnt_per_capita", ints(&h.bpnt_per_capita)?)?;
            n.add("rastra_per_capita", ints(&h.rastra_per_capita)?)?;
            n.done()
        }
    })
}

/// The measure registry: list(syntax, summary).
#[savvy]
fn rs_measure_names() -> savvy::Result<Sexp> {
    guard(|| {
        let syntax: Vec<&str> = FAMILIES.iter().map(|f| f.syntax).collect();
        let summary: Vec<&str> = FAMILIES.iter().map(|f| f.summary).collect();
        {
            let mut n = Named::new(2)?;
            n.add("syntax", strings(&syntax)?)?;
            n.add("summary", strings(&summary)?)?;
            n.done()
        }
    })
}

/// The bundled synthetic rounds' files.
#[savvy]
fn rs_bundled_rounds() -> savvy::Result<Sexp> {
    guard(|| {
        let files: Vec<String> = bundled_rounds()
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        strings(&files)
    })
}

/// A Rust panic on purpose, to prove that it reaches R as an error.
#[savvy]
fn rs_panic_for_test() -> savvy::Result<()> {
    guard(|| panic!("deliberate test panic"))
}
