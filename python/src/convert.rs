//! Python values to library settings and back: keyword arguments to specs, library errors to
//! `GinikitError` with the Python spelling of the fix, reports to dicts of columns.

use crate::GinikitError;
use ginikit::error::Setting;
use ginikit::measure::gini::GiniConvention;
use ginikit::measure::positive::NonPositivePolicy;
use ginikit::measure::{Measure, Options};
use ginikit::report::{Cell, Report};
use ginikit::reproduce::ReproduceSpec;
use ginikit::survey::design::LonelyPsu;
use ginikit::survey::replicate::ReplicateMethod;
use ginikit::survey::Interval;
use ginikit::table::survey::{SeMethod, SurveySpec};
use ginikit::table::{ComponentKind, PovertyLineSpec, TableSpec};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

/// The library's message with the keyword argument that fixes it.
pub fn error(e: &ginikit::Error) -> PyErr {
    let message = match e.setting() {
        Some(Setting::Column(role)) => format!("{e} with {}=", keyword(role)),
        Some(Setting::NonPositivePolicy) => {
            format!("{e}, or exclude them (non_positive=\"exclude\")")
        }
        Some(Setting::NestedPsu) => format!("{e} (Design(..., nest=True))"),
        Some(Setting::LonelyPsu) => {
            format!("{e} (Design(..., lonely_psu=\"certainty\" or \"adjust\"))")
        }
        Some(Setting::SeMethod) => format!("{e} (se=\"jackknife\" or \"bootstrap\")"),
        Some(Setting::PovertyLine) => format!("{e} (poverty_line=AMOUNT or \"column\")"),
        _ => e.to_string(),
    };
    GinikitError::new_err(message)
}

/// The keyword argument that names a column of each role.
fn keyword(role: &str) -> &'static str {
    match role {
        "value" => "value",
        "weight" => "weight",
        "household size" => "size",
        "period" => "period",
        "replicate weight" => "repweights",
        "strata" => "strata",
        "psu" => "psu",
        "fpc" => "fpc",
        "province" => "province",
        "area" => "area",
        "round" => "round",
        _ => "by",
    }
}

pub fn usage(message: String) -> PyErr {
    GinikitError::new_err(message)
}

/// Measure options from the `convention` and `non_positive` keywords.
pub fn options(convention: &str, non_positive: &str) -> PyResult<Options> {
    let gini = match convention {
        "midpoint" => GiniConvention::Midpoint,
        "convey" => GiniConvention::ConveyCumulative,
        "unbiased-rows" | "unbiased_rows" => GiniConvention::SmallSampleRows,
        "unbiased-frequency" | "unbiased_frequency" => GiniConvention::SmallSampleFrequency,
        other => {
            return Err(usage(format!(
                "convention=\"{other}\": use \"midpoint\", \"convey\", \"unbiased-rows\" or \"unbiased-frequency\""
            )))
        }
    };
    let non_positive = match non_positive {
        "error" => NonPositivePolicy::Error,
        "exclude" => NonPositivePolicy::Exclude,
        other => {
            return Err(usage(format!(
                "non_positive=\"{other}\": use \"error\" or \"exclude\""
            )))
        }
    };
    Ok(Options {
        gini,
        non_positive,
        threshold: Default::default(),
    })
}

/// The measures of a table spec: with components, the attribution terms (`list`, possibly
/// empty, names the measures whose marginal contributions are wanted besides the Gini's);
/// otherwise the comma-separated measure list.
pub fn measures_for(list: &str, spec: &TableSpec) -> PyResult<Vec<Measure>> {
    if spec.components.is_empty() {
        return measures(list);
    }
    let extra = if list.trim().is_empty() {
        Vec::new()
    } else {
        Measure::parse_list(list).map_err(|e| error(&e))?
    };
    ginikit::attribute::terms(spec.component_kind, &spec.components, &extra).map_err(|e| error(&e))
}

/// A comma-separated measure list.
pub fn measures(list: &str) -> PyResult<Vec<Measure>> {
    let m = Measure::parse_list(list).map_err(|e| error(&e))?;
    if m.is_empty() {
        return Err(usage("measures is empty; name at least one measure".into()));
    }
    Ok(m)
}

/// A keyword of the settings dict, if given and not None.
fn given<'py>(d: &Bound<'py, PyDict>, key: &str) -> PyResult<Option<Bound<'py, PyAny>>> {
    Ok(d.get_item(key)?.filter(|v| !v.is_none()))
}

/// An optional keyword of type `$t` from the settings dict (absent and None alike).
macro_rules! get {
    ($d:expr, $key:expr, $t:ty) => {
        match given($d, $key)? {
            None => None,
            Some(v) => Some(v.extract::<$t>().map_err(PyErr::from)?),
        }
    };
}

/// The table columns: value, weight, size, per_capita, by, repweights, and the components
/// to attribute the value's inequality to (`transfers` or `sources`).
pub fn table_spec(d: &Bound<'_, PyDict>) -> PyResult<TableSpec> {
    let transfers = get!(d, "transfers", Vec<String>).unwrap_or_default();
    let sources = get!(d, "sources", Vec<String>).unwrap_or_default();
    if !transfers.is_empty() && !sources.is_empty() {
        return Err(usage(
            "give transfers= or sources=, not both (transfers are part of the value; sources \
             add up to it)"
                .into(),
        ));
    }
    let (components, component_kind) = if sources.is_empty() {
        (transfers, ComponentKind::Transfers)
    } else {
        (sources, ComponentKind::Sources)
    };
    Ok(TableSpec {
        components,
        component_kind,
        value: get!(d, "value", String).ok_or_else(|| usage("value= is required".into()))?,
        weight: get!(d, "weight", String),
        size: get!(d, "size", String),
        per_capita: get!(d, "per_capita", bool).unwrap_or(false),
        by: get!(d, "by", Vec<String>).unwrap_or_default(),
        replicate_weights: get!(d, "repweights", Vec<String>).unwrap_or_default(),
        poverty_line: poverty_line(d)?,
        ..TableSpec::default()
    })
}

/// `poverty_line=`: a number is one amount for everybody, a string names a column.
fn poverty_line(d: &Bound<'_, PyDict>) -> PyResult<Option<PovertyLineSpec>> {
    let Some(v) = given(d, "poverty_line")? else {
        return Ok(None);
    };
    if let Ok(name) = v.extract::<String>() {
        return Ok(Some(PovertyLineSpec::Column(name)));
    }
    match v.extract::<f64>() {
        Ok(z) => Ok(Some(PovertyLineSpec::Amount(z))),
        Err(_) => Err(usage(
            "poverty_line= takes an amount (a number) or a column name (a string)".into(),
        )),
    }
}

fn lonely(name: Option<String>) -> PyResult<LonelyPsu> {
    match name.as_deref().unwrap_or("error") {
        "error" | "fail" => Ok(LonelyPsu::Error),
        "certainty" => Ok(LonelyPsu::Certainty),
        "adjust" | "centre" | "center" => Ok(LonelyPsu::Adjust),
        other => Err(usage(format!(
            "lonely_psu=\"{other}\": use \"error\", \"certainty\" or \"adjust\""
        ))),
    }
}

fn level(level: f64) -> PyResult<f64> {
    if level > 0.0 && level < 1.0 {
        Ok(level)
    } else {
        Err(usage(format!(
            "level={level} must be between 0 and 1 (e.g. 0.95)"
        )))
    }
}

/// The standard-error method from `se`, `replicates`, `seed`, `fay_rho`, `rep_scale`, `rep_mse`.
fn method(d: &Bound<'_, PyDict>) -> PyResult<SeMethod> {
    let se: String = get!(d, "se", String).unwrap_or_else(|| "linearization".into());
    Ok(match se.as_str() {
        "linearization" => SeMethod::Linearization,
        "bootstrap" => SeMethod::Replicates(ReplicateMethod::Bootstrap {
            replicates: get!(d, "replicates", usize).unwrap_or(1000),
            seed: get!(d, "seed", u64).unwrap_or(20181),
        }),
        "jackknife" => SeMethod::Replicates(ReplicateMethod::Jackknife),
        "brr" => SeMethod::Replicates(ReplicateMethod::Brr),
        "fay" => SeMethod::Replicates(ReplicateMethod::Fay {
            rho: get!(d, "fay_rho", f64).unwrap_or(0.5),
        }),
        "replicate-weights" | "replicate_weights" => {
            let scale = get!(d, "rep_scale", f64)
                .ok_or_else(|| usage("se=\"replicate-weights\" needs rep_scale=".into()))?;
            if !(scale.is_finite() && scale > 0.0) {
                return Err(usage(format!(
                    "rep_scale={scale}: the variance scale of replicate weights must be positive"
                )));
            }
            SeMethod::GivenReplicates {
                scale,
                mse: get!(d, "rep_mse", bool).unwrap_or(false),
            }
        }
        other => {
            return Err(usage(format!(
                "se=\"{other}\": use \"linearization\", \"bootstrap\", \"jackknife\", \"brr\", \"fay\" or \"replicate-weights\""
            )))
        }
    })
}

/// The survey design and inference settings; design columns are added to `spec`.
pub fn survey_spec(d: &Bound<'_, PyDict>, spec: &mut TableSpec) -> PyResult<SurveySpec> {
    let mut slot = |key: &str, role: &'static str| -> PyResult<Option<usize>> {
        Ok(get!(d, key, String).map(|c| {
            spec.extra.push((c, role));
            spec.extra.len() - 1
        }))
    };
    let strata = slot("strata", "strata")?;
    let psu = slot("psu", "psu")?;
    let fpc = slot("fpc", "fpc")?;
    let method = method(d)?;
    let interval = match get!(d, "ci", String).as_deref().unwrap_or("normal") {
        "normal" => Interval::Normal,
        "percentile"
            if matches!(
                method,
                SeMethod::Replicates(ReplicateMethod::Bootstrap { .. })
            ) =>
        {
            Interval::Percentile
        }
        "percentile" => return Err(usage("ci=\"percentile\" needs se=\"bootstrap\"".into())),
        other => {
            return Err(usage(format!(
                "ci=\"{other}\": use \"normal\" or \"percentile\""
            )))
        }
    };
    if matches!(method, SeMethod::GivenReplicates { .. }) && spec.replicate_weights.is_empty() {
        return Err(usage(
            "se=\"replicate-weights\" needs the replicate-weight columns (Design(repweights=[...]))"
                .into(),
        ));
    }
    Ok(SurveySpec {
        method,
        strata,
        psu,
        fpc,
        nested: get!(d, "nest", bool).unwrap_or(false),
        lonely: lonely(get!(d, "lonely_psu", String))?,
        level: level(get!(d, "level", f64).unwrap_or(0.95))?,
        interval,
    })
}

/// The reproduction's columns and settings; absent keys keep the bundled rounds' defaults.
pub fn reproduce_spec(d: &Bound<'_, PyDict>) -> PyResult<ReproduceSpec> {
    let mut s = ReproduceSpec::default();
    macro_rules! take {
        ($($field:ident),*) => {$(
            if let Some(v) = given(d, stringify!($field))? {
                s.$field = v.extract().map_err(PyErr::from)?;
            }
        )*};
    }
    take!(value, per_capita, weight, size, area, province, strata, psu, from, to, transfers);
    s.round = get!(d, "round", String);
    s.nested = get!(d, "nest", bool).unwrap_or(false);
    s.lonely = lonely(get!(d, "lonely_psu", String))?;
    s.level = level(get!(d, "level", f64).unwrap_or(0.95))?;
    s.method = match method(d)? {
        m @ (SeMethod::Linearization
        | SeMethod::Replicates(ReplicateMethod::Bootstrap { .. })
        | SeMethod::Replicates(ReplicateMethod::Jackknife)) => m,
        _ => {
            return Err(usage(
                "reproduce offers se=\"linearization\", \"bootstrap\" or \"jackknife\"".into(),
            ))
        }
    };
    Ok(s)
}

/// A report as {"columns": [...], "data": {column: [values]}, "notes": [...]}: text as str,
/// numbers as float, empty cells and non-finite numbers as None.
pub fn report_to_dict<'py>(py: Python<'py>, report: &Report) -> PyResult<Bound<'py, PyDict>> {
    let data = PyDict::new(py);
    for (j, name) in report.columns.iter().enumerate() {
        let column = PyList::empty(py);
        for row in &report.rows {
            match row.get(j) {
                Some(Cell::Text(t)) => column.append(t)?,
                Some(Cell::Number(v, _)) if v.is_finite() => column.append(*v)?,
                _ => column.append(py.None())?,
            }
        }
        data.set_item(name, column)?;
    }
    let out = PyDict::new(py);
    out.set_item("columns", report.columns.clone())?;
    out.set_item("data", data)?;
    out.set_item("notes", report.notes.clone())?;
    Ok(out)
}
