//! `ginikit._rust`: the Python extension. It converts arrays and Arrow streams into the
//! library's inputs, calls the library, and returns plain Python values (floats, lists, dicts
//! of columns) that the pure-Python layer turns into the caller's frame type.
//!
//! Every entry point releases the GIL while Rust computes, turns library errors into
//! `GinikitError` (a `ValueError`) and Rust panics into `GinikitError` too; runs with
//! replicates can be interrupted (KeyboardInterrupt) and report progress.

mod arrow;
mod convert;
mod run;

use convert::{error, report_to_dict};
use ginikit::measure::lorenz::lorenz_curve;
use ginikit::measure::registry::FAMILIES;
use ginikit::measure::Measure;
use ginikit::report::tidy;
use ginikit::reproduce::{bundled_rounds, reproduce_tables, tables, ReproduceSpec};
use ginikit::table::survey::{infer, replicate_count};
use ginikit::table::trend::{changes, estimate_rounds, Pairs};
use ginikit::table::{compute, from_frame};
use ginikit::SortedSample;
use numpy::{PyArray1, PyReadonlyArray1};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use run::{detached, interruptible};

pyo3::create_exception!(
    _rust,
    GinikitError,
    pyo3::exceptions::PyValueError,
    "Bad input or a measure that cannot be computed on it; the message names the column, the row and the fix."
);

/// Values (and weights) of a numpy call as slices, without copying.
fn slices<'a>(
    x: &'a PyReadonlyArray1<'_, f64>,
    w: Option<&'a PyReadonlyArray1<'_, f64>>,
) -> PyResult<(&'a [f64], Option<&'a [f64]>)> {
    let x = x
        .as_slice()
        .map_err(|_| GinikitError::new_err("values: the array must be contiguous"))?;
    let w = match w {
        Some(w) => Some(
            w.as_slice()
                .map_err(|_| GinikitError::new_err("weights: the array must be contiguous"))?,
        ),
        None => None,
    };
    Ok((x, w))
}

/// Measures of one array, sorted once: a list of (name, value, n, population).
#[pyfunction]
#[pyo3(signature = (x, weights, names, convention, non_positive))]
fn measures_array(
    py: Python<'_>,
    x: PyReadonlyArray1<'_, f64>,
    weights: Option<PyReadonlyArray1<'_, f64>>,
    names: Vec<String>,
    convention: &str,
    non_positive: &str,
) -> PyResult<Vec<(String, f64, usize, f64)>> {
    let (x, w) = slices(&x, weights.as_ref())?;
    let options = convert::options(convention, non_positive)?;
    let measures: Vec<Measure> = names
        .iter()
        .map(|n| Measure::parse(n))
        .collect::<Result<_, _>>()
        .map_err(|e| error(&e))?;
    detached(py, || {
        // The sample rescales values or weights near the ends of the double range itself;
        // the measures give their results in the data's units.
        let sample = SortedSample::new(x, w)?;
        measures
            .iter()
            .map(|m| {
                let e = m.evaluate(&sample, &options)?;
                ginikit::table::require_finite(e.value, m, "estimate")?;
                Ok((m.name(), e.value, e.n, e.population))
            })
            .collect()
    })
}

/// The Lorenz curve of one array at `points` population fractions: (p, L(p)).
#[pyfunction]
#[pyo3(signature = (x, weights, points))]
fn lorenz_array(
    py: Python<'_>,
    x: PyReadonlyArray1<'_, f64>,
    weights: Option<PyReadonlyArray1<'_, f64>>,
    points: usize,
) -> PyResult<(Vec<f64>, Vec<f64>)> {
    let (x, w) = slices(&x, weights.as_ref())?;
    detached(py, || {
        let sample = SortedSample::new(x, w)?;
        let curve = lorenz_curve(&sample, points)?;
        Ok(curve.iter().map(|p| (p.p, p.lorenz)).unzip())
    })
}

/// `gini grouped` on arrays: `kind` is "share", "mean" or "cumulative"; the report as
/// {columns, data, notes}.
#[pyfunction]
#[pyo3(signature = (population, welfare, kind, mean=None, poverty_line=None))]
fn grouped_arrays<'py>(
    py: Python<'py>,
    population: Vec<f64>,
    welfare: Vec<f64>,
    kind: &str,
    mean: Option<f64>,
    poverty_line: Option<f64>,
) -> PyResult<Bound<'py, PyDict>> {
    use ginikit::grouped::{analyse, report, LorenzPoints, Source, WelfareIs};
    if population.len() != welfare.len() {
        return Err(convert::usage(format!(
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
        convert::usage(format!(
            "welfare_is=\"{kind}\": use \"share\", \"mean\" or \"cumulative\""
        ))
    })?;
    let (points, class_mean) =
        LorenzPoints::from_table(kind, &population, &welfare, &source).map_err(|e| error(&e))?;
    let mean = match (mean, class_mean) {
        (Some(m), _) | (None, Some(m)) => m,
        (None, None) if poverty_line.is_some() => {
            return Err(convert::usage(
                "a poverty line needs the mean of the distribution: mean=".into(),
            ))
        }
        (None, None) => 1.0,
    };
    let result = analyse(&points, mean, poverty_line, &source).map_err(|e| error(&e))?;
    report_to_dict(py, &report(&result))
}

/// `gini compute` on an Arrow stream: the tidy rows as {columns, data, notes}.
#[pyfunction]
#[pyo3(signature = (stream, source, spec, measures, convention, non_positive, survey=None, progress=None))]
#[allow(clippy::too_many_arguments)]
fn compute_stream<'py>(
    py: Python<'py>,
    stream: &Bound<'py, PyAny>,
    source: &str,
    spec: &Bound<'py, PyDict>,
    measures: &str,
    convention: &str,
    non_positive: &str,
    survey: Option<&Bound<'py, PyDict>>,
    progress: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    let df = arrow::frame_from_stream(py, stream)?;
    let mut table_spec = convert::table_spec(spec)?;
    let survey = survey
        .map(|s| convert::survey_spec(s, &mut table_spec))
        .transpose()?;
    let measures = convert::measures_for(measures, &table_spec)?;
    let options = convert::options(convention, non_positive)?;
    let table = detached(py, || from_frame(&df, source, &table_spec))?;
    let by = table.by.clone();
    let report = match survey {
        None => detached(py, || {
            Ok(tidy::estimates(&by, &compute(table, &measures, &options)?))
        })?,
        Some(survey) => {
            let members: Vec<usize> = (0..table.groups.len()).collect();
            let total = replicate_count(&table, &survey) * members.len();
            interruptible(py, total, progress, |tick| {
                let rows = infer(&table, &members, &survey, &measures, &options, tick)?;
                Ok(tidy::inferences(&by, &rows, &survey))
            })?
        }
    };
    report_to_dict(py, &report)
}

/// `gini simulate` on an Arrow stream: `schemes` as (kind, text) pairs (`("scale",
/// "pkh=2")`), `levers` as texts (`"topup:40"`) with `target`; the tidy rows as
/// {columns, data, notes}.
#[pyfunction]
#[pyo3(signature = (stream, source, spec, schemes, levers, target, measures, targeting, survey, solve_replicates, solve_seed, progress=None))]
#[allow(clippy::too_many_arguments)]
fn simulate_stream<'py>(
    py: Python<'py>,
    stream: &Bound<'py, PyAny>,
    source: &str,
    spec: &Bound<'py, PyDict>,
    schemes: Vec<(String, String)>,
    levers: Vec<String>,
    target: Option<f64>,
    measures: &str,
    targeting: (Option<f64>, f64, u64),
    survey: &Bound<'py, PyDict>,
    solve_replicates: usize,
    solve_seed: u64,
    progress: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    use ginikit::simulate::{parse_scheme, solve::Lever, Targeting};
    let targeting = Targeting {
        amount: targeting.0,
        noise: targeting.1,
        seed: targeting.2,
    };
    let schemes = schemes
        .iter()
        .map(|(kind, text)| parse_scheme(kind, text, targeting))
        .collect::<ginikit::Result<Vec<_>>>()
        .map_err(|e| convert::error(&e))?;
    let levers = levers
        .iter()
        .map(|l| Lever::parse(l, targeting))
        .collect::<ginikit::Result<Vec<_>>>()
        .map_err(|e| convert::error(&e))?;
    if schemes.is_empty() && target.is_none() {
        return Err(convert::usage(
            "name a scheme (scale={column: factor}, widen={column: families}, topup={percent: amount}) or a target (target_gini=0.36, levers=[\"scale:pkh\"])".into(),
        ));
    }
    if target.is_some() == levers.is_empty() {
        return Err(convert::usage(
            "target_gini and levers go together: target_gini=0.36, levers=[\"scale:pkh\"] (or \"widen:COLUMN\", \"topup:PERCENT\")".into(),
        ));
    }
    let measures = if measures.trim().is_empty() {
        Vec::new()
    } else {
        Measure::parse_list(measures).map_err(|e| convert::error(&e))?
    };
    let df = arrow::frame_from_stream(py, stream)?;
    let mut table_spec = convert::table_spec(spec)?;
    let survey = convert::survey_spec(survey, &mut table_spec)?;
    let size = table_spec.size.clone().map(|s| {
        table_spec.extra.push((s, "household size"));
        table_spec.extra.len() - 1
    });
    let table = detached(py, || from_frame(&df, source, &table_spec))?;
    let solve_spec = ginikit::table::simulate::replicated(&survey, solve_replicates, solve_seed);
    let total = schemes.len() * replicate_count(&table, &survey) * table.groups.len()
        + levers.len() * replicate_count(&table, &solve_spec);
    let report = interruptible(py, total, progress, |tick| {
        let s = ginikit::table::simulate::simulate(
            &table,
            size,
            &schemes,
            target.map(|t| (t, &levers[..])),
            &measures,
            &survey,
            &solve_spec,
            tick,
        )?;
        Ok(tidy::simulation(&s))
    })?;
    report_to_dict(py, &report)
}

/// `gini trend` on rounds given as (label, Arrow stream) pairs, or one stream with a period
/// column: the changes as {columns, data, notes}.
#[pyfunction]
#[pyo3(signature = (rounds, period, spec, measures, convention, non_positive, survey, pairs=None, progress=None))]
#[allow(clippy::too_many_arguments)]
fn trend_streams<'py>(
    py: Python<'py>,
    rounds: Vec<(String, Bound<'py, PyAny>)>,
    period: Option<String>,
    spec: &Bound<'py, PyDict>,
    measures: &str,
    convention: &str,
    non_positive: &str,
    survey: &Bound<'py, PyDict>,
    pairs: Option<Vec<(String, String)>>,
    progress: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    let (table_spec, survey) = period_spec(spec, period.as_deref(), survey)?;
    let by: Vec<String> = table_spec.by[usize::from(period.is_some())..].to_vec();
    let measures = convert::measures_for(measures, &table_spec)?;
    let options = convert::options(convention, non_positive)?;
    let mut estimated = Vec::new();
    let mut notes = Vec::new();
    for (label, stream) in &rounds {
        let df = arrow::frame_from_stream(py, stream)?;
        let table = detached(py, || from_frame(&df, label, &table_spec))?;
        let total = replicate_count(&table, &survey) * table.groups.len();
        let read = interruptible(py, total, progress, |tick| {
            estimate_rounds(
                &table,
                period.is_some(),
                label,
                &survey,
                &measures,
                &options,
                tick,
            )
        })?;
        if notes.is_empty() {
            if let Some(first) = read.first() {
                notes = tidy::survey_notes(&survey, &first.rows);
            }
        }
        estimated.extend(read);
    }
    let pairs = pairs.map_or(Pairs::Consecutive, Pairs::Given);
    let (rows, unmatched) = changes(&estimated, &pairs, survey.level).map_err(|e| error(&e))?;
    notes.extend(unmatched);
    report_to_dict(py, &tidy::changes(&by, &rows, notes, survey.level, false))
}

/// Tables of rounds given as (label, Arrow stream) pairs, or one stream with a period column
/// (its first group column).
fn round_tables<'py>(
    py: Python<'py>,
    rounds: &[(String, Bound<'py, PyAny>)],
    table_spec: &ginikit::table::TableSpec,
) -> PyResult<Vec<(ginikit::table::Table, String)>> {
    let mut out = Vec::new();
    for (label, stream) in rounds {
        let df = arrow::frame_from_stream(py, stream)?;
        out.push((
            detached(py, || from_frame(&df, label, table_spec))?,
            label.clone(),
        ));
    }
    Ok(out)
}

/// The table spec of a call over rounds: `period` becomes the first group column.
fn period_spec(
    spec: &Bound<'_, PyDict>,
    period: Option<&str>,
    survey: &Bound<'_, PyDict>,
) -> PyResult<(
    ginikit::table::TableSpec,
    ginikit::table::survey::SurveySpec,
)> {
    let mut table_spec = convert::table_spec(spec)?;
    if let Some(p) = period {
        table_spec.by.insert(0, p.to_string());
        table_spec.group_roles = vec!["period"];
    }
    let survey = convert::survey_spec(survey, &mut table_spec)?;
    Ok((table_spec, survey))
}

/// `gini gic` on rounds: the growth incidence curve between `from_round` and `to_round` (by
/// default the first and the last) as {columns, data, notes}.
#[pyfunction]
#[pyo3(signature = (rounds, period, spec, survey, points, deflator, from_round=None, to_round=None, progress=None))]
#[allow(clippy::too_many_arguments)]
fn gic_streams<'py>(
    py: Python<'py>,
    rounds: Vec<(String, Bound<'py, PyAny>)>,
    period: Option<String>,
    spec: &Bound<'py, PyDict>,
    survey: &Bound<'py, PyDict>,
    points: Option<Vec<f64>>,
    deflator: f64,
    from_round: Option<String>,
    to_round: Option<String>,
    progress: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    use ginikit::table::gic::{gic, gic_measures, percentiles, pick_rounds, unmatched_groups};
    let points = points.unwrap_or_else(percentiles);
    if let Some(p) = points.iter().find(|p| !(**p > 0.0 && **p < 1.0)) {
        return Err(convert::usage(format!(
            "points=[{p}]: give population fractions between 0 and 1, e.g. [0.1, 0.5, 0.9]"
        )));
    }
    let measures = gic_measures(&points).map_err(|e| error(&e))?;
    let (table_spec, survey) = period_spec(spec, period.as_deref(), survey)?;
    let by: Vec<String> = table_spec.by[usize::from(period.is_some())..].to_vec();
    let options = ginikit::measure::Options::default();
    let mut estimated = Vec::new();
    for (table, label) in round_tables(py, &rounds, &table_spec)? {
        let total = replicate_count(&table, &survey) * table.groups.len();
        estimated.extend(interruptible(py, total, progress, |tick| {
            estimate_rounds(
                &table,
                period.is_some(),
                &label,
                &survey,
                &measures,
                &options,
                tick,
            )
        })?);
    }
    let (from, to) = pick_rounds(&estimated, from_round.as_deref(), to_round.as_deref())
        .map_err(|e| error(&e))?;
    let curves = gic(from, to, &points, deflator, survey.level).map_err(|e| error(&e))?;
    let mut report = ginikit::table::gic::report(&by, &curves);
    report.notes.extend(unmatched_groups(from, to));
    report_to_dict(py, &report)
}

/// `gini decompose` on rounds: inequality within and between groups per round and its
/// change, with replicate standard errors, as {columns, data, notes}.
#[pyfunction]
#[pyo3(signature = (rounds, period, spec, survey, indices, progress=None))]
fn decompose_streams<'py>(
    py: Python<'py>,
    rounds: Vec<(String, Bound<'py, PyAny>)>,
    period: Option<String>,
    spec: &Bound<'py, PyDict>,
    survey: &Bound<'py, PyDict>,
    indices: Vec<String>,
    progress: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    use ginikit::report::tidy::{decomposition as report, decomposition_notes as notes};
    use ginikit::table::decompose::{decompose, Index};
    let indices: Vec<Index> = indices
        .iter()
        .map(|m| Index::parse(m.trim()))
        .collect::<Result<_, _>>()
        .map_err(|e| error(&e))?;
    let (table_spec, survey) = period_spec(spec, period.as_deref(), survey)?;
    if table_spec.by.len() <= usize::from(period.is_some()) {
        return Err(convert::usage(
            "name the groups with by= (e.g. by=\"area\")".into(),
        ));
    }
    if survey.method == ginikit::table::survey::SeMethod::Linearization {
        return Err(convert::usage(
            "decomposition terms take their standard errors from replicates: se=\"bootstrap\" or \"jackknife\"".into(),
        ));
    }
    let tables = round_tables(py, &rounds, &table_spec)?;
    let refs: Vec<(&ginikit::table::Table, &str)> =
        tables.iter().map(|(t, l)| (t, l.as_str())).collect();
    let rows = interruptible(py, 0, progress, |tick| {
        decompose(&refs, period.is_some(), &survey, &indices, tick)
    })?;
    let rows: Vec<_> = rows.iter().collect();
    let mut r = report(&rows, false);
    r.notes.extend(notes(&survey));
    report_to_dict(py, &r)
}

/// A synthetic Susenas-shaped round: {columns: {name: numpy array}, figures, notes}.
#[pyfunction]
#[pyo3(signature = (round, households, seed, family="gb2"))]
fn synth<'py>(
    py: Python<'py>,
    round: &str,
    households: usize,
    seed: u64,
    family: &str,
) -> PyResult<Bound<'py, PyDict>> {
    let family = match family {
        "log-normal" | "lognormal" => ginikit::synth::Family::LogNormal,
        "singh-maddala" => ginikit::synth::Family::SinghMaddala,
        "gb2" => ginikit::synth::Family::Gb2,
        other => {
            return Err(convert::usage(format!(
                "family=\"{other}\": use \"gb2\", \"singh-maddala\" or \"log-normal\""
            )))
        }
    };
    let s = detached(py, || {
        ginikit::synth::synthesize_family(round, households, seed, family)
    })?;
    let h = &s.households;
    // The columns of `gini synth`'s files, in their order.
    let columns = PyDict::new(py);
    columns.set_item("round", vec![h.round.as_str(); h.len()])?;
    columns.set_item("household_id", PyArray1::from_slice(py, &h.household_id))?;
    columns.set_item("province_code", PyArray1::from_slice(py, &h.province_code))?;
    columns.set_item("province", h.province.clone())?;
    columns.set_item("area", h.area.clone())?;
    for (name, v) in [
        ("stratum", &h.stratum),
        ("psu", &h.psu),
        ("household_size", &h.household_size),
    ] {
        columns.set_item(name, PyArray1::from_slice(py, v))?;
    }
    columns.set_item("weight", PyArray1::from_slice(py, &h.weight))?;
    for (name, v) in [
        ("expenditure_per_capita", &h.expenditure_per_capita),
        ("food_per_capita", &h.food_per_capita),
        ("nonfood_per_capita", &h.nonfood_per_capita),
        ("pkh", &h.pkh),
        ("bpnt", &h.bpnt),
        ("rastra", &h.rastra),
        ("kube", &h.kube),
        ("pkh_per_capita", &h.pkh_per_capita),
        ("bpnt_per_capita", &h.bpnt_per_capita),
        ("rastra_per_capita", &h.rastra_per_capita),
    ] {
        columns.set_item(name, PyArray1::from_slice(py, v))?;
    }
    let out = PyDict::new(py);
    out.set_item("columns", columns)?;
    let figures: Vec<(String, bool, f64, Option<f64>)> = s
        .figures
        .iter()
        .map(|f| (f.figure.clone(), f.fitted, f.achieved, f.published))
        .collect();
    out.set_item("figures", figures)?;
    out.set_item("notes", s.notes.clone())?;
    Ok(out)
}

/// The BPS reproduction on files (default: the bundled synthetic rounds) or on (label,
/// Arrow stream) pairs: {estimates, changes, provinces, province_poverty, national, lorenz, summary}.
#[pyfunction]
#[pyo3(signature = (spec, files=None, streams=None, progress=None))]
fn reproduce<'py>(
    py: Python<'py>,
    spec: &Bound<'py, PyDict>,
    files: Option<Vec<String>>,
    streams: Option<Vec<(String, Bound<'py, PyAny>)>>,
    progress: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    let spec: ReproduceSpec = convert::reproduce_spec(spec)?;
    let mut inputs = Vec::new();
    match streams {
        Some(streams) => {
            for (label, stream) in &streams {
                let df = arrow::frame_from_stream(py, stream)?;
                let columns: Vec<String> = df
                    .get_column_names()
                    .iter()
                    .map(|c| c.to_string())
                    .collect();
                let table_spec = spec.table_spec_for(&columns);
                inputs.push((
                    detached(py, || from_frame(&df, label, &table_spec))?,
                    label.clone(),
                ));
            }
        }
        None => {
            let files: Vec<std::path::PathBuf> = match files {
                Some(f) => f.into_iter().map(Into::into).collect(),
                None => bundled_rounds(),
            };
            for f in &files {
                let table_spec = spec.table_spec_for_file(f);
                let t = detached(py, || ginikit::table::read_table(f, &table_spec))?;
                inputs.push((t, ginikit::table::trend::file_label(f)));
            }
        }
    }
    // Replicates run per domain (national, areas, provinces): the total is not known ahead.
    let total = 0;
    let r = interruptible(py, total, progress, |tick| {
        let refs: Vec<(&ginikit::table::Table, &str)> =
            inputs.iter().map(|(t, l)| (t, l.as_str())).collect();
        reproduce_tables(&refs, &spec, tick)
    })?;
    let out = PyDict::new(py);
    out.set_item("estimates", report_to_dict(py, &tables::tidy_report(&r))?)?;
    out.set_item("national", report_to_dict(py, &tables::national_table(&r))?)?;
    out.set_item(
        "changes",
        report_to_dict(py, &tables::change_table(&r, false))?,
    )?;
    out.set_item(
        "provinces",
        report_to_dict(py, &tables::province_table(&r))?,
    )?;
    out.set_item(
        "province_poverty",
        report_to_dict(py, &tables::province_poverty_table(&r))?,
    )?;
    out.set_item("poverty", report_to_dict(py, &tables::poverty_table(&r))?)?;
    out.set_item(
        "growth_incidence",
        report_to_dict(py, &tables::gic_table(&r))?,
    )?;
    out.set_item(
        "decomposition",
        report_to_dict(py, &tables::area_decomposition_table(&r, false))?,
    )?;
    out.set_item(
        "province_contributions",
        report_to_dict(py, &tables::province_contribution_table(&r, false))?,
    )?;
    out.set_item("summary", r.summary())?;
    let lorenz = PyDict::new(py);
    for round in &r.rounds {
        let (p, l): (Vec<f64>, Vec<f64>) = round.lorenz.iter().map(|x| (x.p, x.lorenz)).unzip();
        lorenz.set_item(&round.label, (p, l))?;
    }
    out.set_item("lorenz", lorenz)?;
    out.set_item("from_round", r.rounds[r.from].label.clone())?;
    out.set_item("to_round", r.rounds[r.to].label.clone())?;
    out.set_item("level", r.level)?;
    Ok(out)
}

/// The measure registry: (names, summary) per family.
#[pyfunction]
fn known_measures() -> Vec<(&'static str, &'static str)> {
    FAMILIES.iter().map(|f| (f.syntax, f.summary)).collect()
}

/// A Rust panic on purpose, to prove that it reaches Python as `GinikitError`: only in builds
/// for the tests (`--features test-hooks`, which `scripts/test` passes), never in a wheel.
#[cfg(feature = "test-hooks")]
#[pyfunction]
fn _panic_for_test(py: Python<'_>) -> PyResult<()> {
    detached(py, || -> ginikit::Result<()> {
        panic!("deliberate test panic")
    })
}

/// The extension module.
#[pymodule]
fn _rust(m: &Bound<'_, PyModule>) -> PyResult<()> {
    // The memory limit a user sets in the environment, read once at import (the library
    // reads no environment); an unreadable value is ignored rather than failing the import.
    if let Some(bytes) = std::env::var(ginikit::memory::LIMIT_VARIABLE)
        .ok()
        .and_then(|t| ginikit::memory::parse_bytes(&t))
    {
        ginikit::memory::set_limit(Some(bytes));
    }
    m.add("GinikitError", m.py().get_type::<GinikitError>())?;
    // The program's default measures, so that Python has no copy of its own.
    m.add("DEFAULT_MEASURES", ginikit::measure::DEFAULT_MEASURES)?;
    m.add_function(wrap_pyfunction!(measures_array, m)?)?;
    m.add_function(wrap_pyfunction!(lorenz_array, m)?)?;
    m.add_function(wrap_pyfunction!(grouped_arrays, m)?)?;
    m.add_function(wrap_pyfunction!(compute_stream, m)?)?;
    m.add_function(wrap_pyfunction!(trend_streams, m)?)?;
    m.add_function(wrap_pyfunction!(simulate_stream, m)?)?;
    m.add_function(wrap_pyfunction!(gic_streams, m)?)?;
    m.add_function(wrap_pyfunction!(decompose_streams, m)?)?;
    m.add_function(wrap_pyfunction!(synth, m)?)?;
    m.add_function(wrap_pyfunction!(reproduce, m)?)?;
    m.add_function(wrap_pyfunction!(known_measures, m)?)?;
    #[cfg(feature = "test-hooks")]
    m.add_function(wrap_pyfunction!(_panic_for_test, m)?)?;
    Ok(())
}
