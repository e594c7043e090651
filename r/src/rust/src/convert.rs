//! R values to library inputs and back: a data frame's columns to a polars frame, the named
//! settings list to specs, library errors to messages with the R spelling of the fix, reports
//! to lists of columns.
//!
//! The R layer (R/ginikit.R) hands over plain values only: numeric (double), integer and
//! character columns (factors, logicals and dates are turned into these first), and settings
//! as a named list whose absent entries are `NULL`.

use ginikit::error::Setting;
use ginikit::measure::gini::GiniConvention;
use ginikit::measure::positive::NonPositivePolicy;
use ginikit::measure::{Measure, Options};
use ginikit::report::{Cell, Report};
use ginikit::survey::design::LonelyPsu;
use ginikit::survey::replicate::ReplicateMethod;
use ginikit::survey::Interval;
use ginikit::table::survey::{SeMethod, SurveySpec};
use ginikit::table::{ComponentKind, PovertyLineSpec, TableSpec};
use polars::prelude::{Column, DataFrame};
use savvy::{
    ListSexp, NotAvailableValue, OwnedListSexp, OwnedRealSexp, OwnedStringSexp, Sexp, TypedSexp,
};

/// An error for R: the message becomes the condition's message (class `ginikit_error`).
pub fn fail(message: impl std::fmt::Display) -> savvy::Error {
    savvy::Error::new(message.to_string())
}

/// The library's message with the argument that fixes it, spelled as in R.
pub fn error(e: &ginikit::Error) -> savvy::Error {
    let message = match e.setting() {
        Some(Setting::Column(role)) => format!("{e} with {} =", argument(role)),
        Some(Setting::NonPositivePolicy) => {
            format!("{e}, or exclude them (non_positive = \"exclude\")")
        }
        Some(Setting::NestedPsu) => format!("{e} (gk_design(..., nest = TRUE))"),
        Some(Setting::LonelyPsu) => {
            format!("{e} (gk_design(..., lonely_psu = \"certainty\" or \"adjust\"))")
        }
        Some(Setting::SeMethod) => format!("{e} (se = \"jackknife\" or \"bootstrap\")"),
        Some(Setting::PovertyLine) => format!("{e} (poverty_line = AMOUNT or \"column\")"),
        _ => e.to_string(),
    };
    fail(message)
}

/// The argument that names a column of each role.
fn argument(role: &str) -> &'static str {
    match role {
        "value" => "value",
        "weight" => "gk_design(weight)",
        "household size" => "gk_design(size)",
        "period" => "period",
        "replicate weight" => "gk_design(repweights)",
        "strata" => "gk_design(strata)",
        "psu" => "gk_design(psu)",
        "fpc" => "gk_design(fpc)",
        "province" => "province",
        "area" => "area",
        "round" => "round",
        _ => "by",
    }
}

/// A data frame's columns (a named list of double, integer or character vectors) as a polars
/// frame: R's `NA` becomes a missing cell (which the library reports by column and row);
/// `NaN` stays a number.
pub fn frame(columns: ListSexp) -> savvy::Result<DataFrame> {
    let mut out = Vec::with_capacity(columns.len());
    let mut height = None;
    for (name, value) in columns.iter() {
        let column = match value.into_typed() {
            TypedSexp::Real(v) => {
                let s = v.as_slice();
                if s.iter().any(|x| x.is_na()) {
                    let cells: Vec<Option<f64>> =
                        s.iter().map(|x| (!x.is_na()).then_some(*x)).collect();
                    Column::new(name.into(), cells)
                } else {
                    Column::new(name.into(), s)
                }
            }
            TypedSexp::Integer(v) => {
                let cells: Vec<Option<i32>> = v
                    .as_slice()
                    .iter()
                    .map(|x| (!x.is_na()).then_some(*x))
                    .collect();
                Column::new(name.into(), cells)
            }
            TypedSexp::String(v) => {
                let cells: Vec<Option<&str>> =
                    v.iter().map(|x| (!x.is_na()).then_some(x)).collect();
                Column::new(name.into(), cells)
            }
            _ => {
                return Err(fail(format!(
                    "column '{name}' is neither numeric, integer nor character; convert it first (as.numeric or as.character)"
                )))
            }
        };
        let n = column.len();
        if *height.get_or_insert(n) != n {
            return Err(fail(format!(
                "column '{name}' has {n} rows, the others {}",
                height.unwrap_or(0)
            )));
        }
        out.push(column);
    }
    DataFrame::new(height.unwrap_or(0), out).map_err(fail)
}

/// The settings list: named entries, `NULL` for absent ones.
pub struct Settings(ListSexp);

impl Settings {
    pub fn new(list: ListSexp) -> Self {
        Settings(list)
    }

    fn get(&self, key: &str) -> Option<Sexp> {
        self.0.get(key).filter(|v| !v.is_null())
    }

    /// A character string.
    pub fn text(&self, key: &str) -> savvy::Result<Option<String>> {
        let Some(v) = self.get(key) else {
            return Ok(None);
        };
        match v.into_typed() {
            TypedSexp::String(s) if s.len() == 1 && !s.iter().all(|x| x.is_na()) => {
                Ok(s.iter().next().map(str::to_string))
            }
            _ => Err(fail(format!("{key} = must be one character string"))),
        }
    }

    /// A character vector (one string counts as a vector of one).
    pub fn texts(&self, key: &str) -> savvy::Result<Vec<String>> {
        let Some(v) = self.get(key) else {
            return Ok(Vec::new());
        };
        match v.into_typed() {
            TypedSexp::String(s) => {
                if s.iter().any(|x| x.is_na()) {
                    return Err(fail(format!("{key} = contains NA")));
                }
                Ok(s.iter().map(str::to_string).collect())
            }
            _ => Err(fail(format!("{key} = must be a character vector"))),
        }
    }

    /// A number.
    pub fn number(&self, key: &str) -> savvy::Result<Option<f64>> {
        let Some(v) = self.get(key) else {
            return Ok(None);
        };
        let x = match v.into_typed() {
            TypedSexp::Real(r) if r.len() == 1 => r.as_slice()[0],
            TypedSexp::Integer(i) if i.len() == 1 && !i.as_slice()[0].is_na() => {
                f64::from(i.as_slice()[0])
            }
            _ => return Err(fail(format!("{key} = must be one number"))),
        };
        if x.is_nan() {
            return Err(fail(format!("{key} = is NA")));
        }
        Ok(Some(x))
    }

    /// A numeric vector.
    pub fn numbers(&self, key: &str) -> savvy::Result<Vec<f64>> {
        let Some(v) = self.get(key) else {
            return Ok(Vec::new());
        };
        match v.into_typed() {
            TypedSexp::Real(r) => Ok(r.to_vec()),
            TypedSexp::Integer(i) => Ok(i.iter().map(|x| f64::from(*x)).collect()),
            _ => Err(fail(format!("{key} = must be a numeric vector"))),
        }
    }

    /// A whole number ≥ 0.
    pub fn count(&self, key: &str) -> savvy::Result<Option<u64>> {
        match self.number(key)? {
            None => Ok(None),
            Some(x) if x >= 0.0 && x.fract() == 0.0 && x < 2f64.powi(53) => Ok(Some(x as u64)),
            Some(x) => Err(fail(format!("{key} = {x}: give a whole number ≥ 0"))),
        }
    }

    /// TRUE or FALSE.
    pub fn flag(&self, key: &str) -> savvy::Result<Option<bool>> {
        let Some(v) = self.get(key) else {
            return Ok(None);
        };
        match v.into_typed() {
            TypedSexp::Logical(l) if l.len() == 1 && !l.as_slice_raw()[0].is_na() => {
                Ok(Some(l.as_slice_raw()[0] != 0))
            }
            _ => Err(fail(format!("{key} = must be TRUE or FALSE"))),
        }
    }
}

/// Measure options from `convention` and `non_positive`.
pub fn options(s: &Settings) -> savvy::Result<Options> {
    let convention = s.text("convention")?.unwrap_or_else(|| "midpoint".into());
    let non_positive = s.text("non_positive")?.unwrap_or_else(|| "error".into());
    let gini = GiniConvention::parse(&convention.replace('_', "-")).map_err(|_| {
        fail(format!(
            "convention = \"{convention}\": use \"midpoint\", \"convey\", \"unbiased-rows\" or \"unbiased-frequency\""
        ))
    })?;
    let non_positive = NonPositivePolicy::parse(&non_positive).map_err(|_| {
        fail(format!(
            "non_positive = \"{non_positive}\": use \"error\" or \"exclude\""
        ))
    })?;
    Ok(Options {
        gini,
        non_positive,
        threshold: Default::default(),
    })
}

/// The measures: with components, the attribution terms (the listed measures are those whose
/// marginal contributions are wanted besides the Gini's); otherwise the listed measures, or
/// the `gini` program's default list when none are given.
pub fn measures(s: &Settings, spec: &TableSpec) -> savvy::Result<Vec<Measure>> {
    let list = s.texts("measures")?.join(",");
    let parsed = if list.trim().is_empty() {
        Vec::new()
    } else {
        Measure::parse_list(&list).map_err(|e| error(&e))?
    };
    if !spec.components.is_empty() {
        return ginikit::attribute::terms(spec.component_kind, &spec.components, &parsed)
            .map_err(|e| error(&e));
    }
    if parsed.is_empty() {
        // NULL: the program's default list.
        return Measure::parse_list(ginikit::measure::DEFAULT_MEASURES).map_err(|e| error(&e));
    }
    Ok(parsed)
}

/// The table's columns: value, weight, size, per_capita, by, repweights, poverty_line, and
/// the components to attribute the value's inequality to (`transfers` or `sources`).
pub fn table_spec(s: &Settings) -> savvy::Result<TableSpec> {
    let transfers = s.texts("transfers")?;
    let sources = s.texts("sources")?;
    if !transfers.is_empty() && !sources.is_empty() {
        return Err(fail(
            "give transfers = or sources =, not both (transfers are part of the value; sources add up to it)",
        ));
    }
    let (components, component_kind) = if sources.is_empty() {
        (transfers, ComponentKind::Transfers)
    } else {
        (sources, ComponentKind::Sources)
    };
    let poverty_line = match (s.number("poverty_line"), s.text("poverty_line")) {
        (Ok(Some(z)), _) => Some(PovertyLineSpec::Amount(z)),
        (_, Ok(Some(c))) => Some(PovertyLineSpec::Column(c)),
        (Ok(None), _) => None,
        _ => {
            return Err(fail(
                "poverty_line = takes an amount (a number) or a column name (a string)",
            ))
        }
    };
    Ok(TableSpec {
        components,
        component_kind,
        value: s
            .text("value")?
            .ok_or_else(|| fail("value = is required (the column to measure)"))?,
        weight: s.text("weight")?,
        size: s.text("size")?,
        per_capita: s.flag("per_capita")?.unwrap_or(false),
        by: s.texts("by")?,
        replicate_weights: s.texts("repweights")?,
        poverty_line,
        ..TableSpec::default()
    })
}

/// The standard-error method from `se`, `replicates`, `seed`, `fay_rho`, `rep_scale`,
/// `rep_mse`.
fn method(s: &Settings) -> savvy::Result<SeMethod> {
    let se = s.text("se")?.unwrap_or_else(|| "linearization".into());
    Ok(match se.as_str() {
        "linearization" => SeMethod::Linearization,
        "bootstrap" => SeMethod::Replicates(ReplicateMethod::Bootstrap {
            replicates: s.count("replicates")?.unwrap_or(1000) as usize,
            seed: s.count("seed")?.unwrap_or(20181),
        }),
        "jackknife" => SeMethod::Replicates(ReplicateMethod::Jackknife),
        "brr" => SeMethod::Replicates(ReplicateMethod::Brr),
        "fay" => SeMethod::Replicates(ReplicateMethod::Fay {
            rho: s.number("fay_rho")?.unwrap_or(0.5),
        }),
        "replicate-weights" | "replicate_weights" => {
            let scale = s
                .number("rep_scale")?
                .ok_or_else(|| fail("se = \"replicate-weights\" needs rep_scale ="))?;
            if !(scale.is_finite() && scale > 0.0) {
                return Err(fail(format!(
                    "rep_scale = {scale}: the variance scale of replicate weights must be positive"
                )));
            }
            SeMethod::GivenReplicates {
                scale,
                mse: s.flag("rep_mse")?.unwrap_or(false),
            }
        }
        other => {
            return Err(fail(format!(
                "se = \"{other}\": use \"linearization\", \"bootstrap\", \"jackknife\", \"brr\", \"fay\" or \"replicate-weights\""
            )))
        }
    })
}

fn lonely(s: &Settings) -> savvy::Result<LonelyPsu> {
    let name = s.text("lonely_psu")?.unwrap_or_else(|| "error".into());
    LonelyPsu::parse(&name).map_err(|_| {
        fail(format!(
            "lonely_psu = \"{name}\": use \"error\", \"certainty\" or \"adjust\""
        ))
    })
}

fn level(s: &Settings) -> savvy::Result<f64> {
    let level = s.number("level")?.unwrap_or(0.95);
    if level > 0.0 && level < 1.0 {
        Ok(level)
    } else {
        Err(fail(format!(
            "level = {level} must be between 0 and 1 (e.g. 0.95)"
        )))
    }
}

/// The survey design and inference settings; design columns are added to `spec`.
pub fn survey_spec(s: &Settings, spec: &mut TableSpec) -> savvy::Result<SurveySpec> {
    let mut slot = |key: &str, role: &'static str| -> savvy::Result<Option<usize>> {
        Ok(s.text(key)?.map(|c| {
            spec.extra.push((c, role));
            spec.extra.len() - 1
        }))
    };
    let strata = slot("strata", "strata")?;
    let psu = slot("psu", "psu")?;
    let fpc = slot("fpc", "fpc")?;
    let method = method(s)?;
    let bootstrap = matches!(
        method,
        SeMethod::Replicates(ReplicateMethod::Bootstrap { .. })
    );
    let interval = match s.text("ci")?.as_deref().unwrap_or("normal") {
        "normal" => Interval::Normal,
        "percentile" if bootstrap => Interval::Percentile,
        "percentile" => return Err(fail("ci = \"percentile\" needs se = \"bootstrap\"")),
        other => {
            return Err(fail(format!(
                "ci = \"{other}\": use \"normal\" or \"percentile\""
            )))
        }
    };
    if matches!(method, SeMethod::GivenReplicates { .. }) && spec.replicate_weights.is_empty() {
        return Err(fail(
            "se = \"replicate-weights\" needs the replicate-weight columns (gk_design(repweights = c(...)))",
        ));
    }
    Ok(SurveySpec {
        method,
        strata,
        psu,
        fpc,
        nested: s.flag("nest")?.unwrap_or(false),
        lonely: lonely(s)?,
        level: level(s)?,
        interval,
    })
}

/// The reproduction's columns and settings; absent entries keep the bundled rounds' defaults.
pub fn reproduce_spec(s: &Settings) -> savvy::Result<ginikit::reproduce::ReproduceSpec> {
    let mut r = ginikit::reproduce::ReproduceSpec::default();
    macro_rules! take_text {
        ($($field:ident),*) => {$(
            if let Some(v) = s.text(stringify!($field))? {
                r.$field = v;
            }
        )*};
    }
    take_text!(value, weight, size, area, province, strata, psu, from, to);
    if let Some(v) = s.flag("per_capita")? {
        r.per_capita = v;
    }
    let transfers = s.texts("transfers")?;
    if !transfers.is_empty() {
        r.transfers = transfers;
    }
    r.round = s.text("round")?;
    r.nested = s.flag("nest")?.unwrap_or(false);
    r.lonely = lonely(s)?;
    r.level = level(s)?;
    r.method = match method(s)? {
        m @ (SeMethod::Linearization
        | SeMethod::Replicates(ReplicateMethod::Bootstrap { .. })
        | SeMethod::Replicates(ReplicateMethod::Jackknife)) => m,
        _ => {
            return Err(fail(
                "reproduce offers se = \"linearization\", \"bootstrap\" or \"jackknife\"",
            ))
        }
    };
    Ok(r)
}

/// A report as list(columns, data, notes): `data` a named list of columns, numeric where
/// numbers outnumber text (empty and non-finite cells `NA`), character otherwise. A text cell
/// in a numeric column (the name of the fit a class table used, say) moves to the notes as
/// "column (first cell of its row): text", so nothing is lost.
pub fn report(report: &Report) -> savvy::Result<Sexp> {
    let mut notes = report.notes.clone();
    let mut data = OwnedListSexp::new(report.columns.len(), true)?;
    let label = |i: usize| match report.rows[i].first() {
        Some(Cell::Text(t)) => t.clone(),
        _ => format!("row {}", i + 1),
    };
    for (j, name) in report.columns.iter().enumerate() {
        let cells: Vec<Option<&Cell>> = report.rows.iter().map(|r| r.get(j)).collect();
        let count = |text: bool| {
            cells
                .iter()
                .filter(|c| match c {
                    Some(Cell::Text(_)) => text,
                    Some(Cell::Number(..)) => !text,
                    _ => false,
                })
                .count()
        };
        let column: Sexp = if count(false) > count(true) {
            let mut values = Vec::with_capacity(cells.len());
            for (i, c) in cells.iter().enumerate() {
                values.push(match c {
                    Some(Cell::Number(v, _)) if v.is_finite() => *v,
                    Some(Cell::Text(t)) if !t.is_empty() && t != "-" => {
                        notes.push(format!("{name} ({}): {t}", label(i)));
                        f64::na()
                    }
                    _ => f64::na(),
                });
            }
            OwnedRealSexp::try_from_slice(values)?.into()
        } else {
            let mut out = OwnedStringSexp::new(cells.len())?;
            for (i, c) in cells.iter().enumerate() {
                match c {
                    Some(Cell::Text(t)) => out.set_elt(i, t)?,
                    Some(Cell::Number(v, _)) if v.is_finite() => out.set_elt(i, &v.to_string())?,
                    _ => out.set_na(i)?,
                }
            }
            out.into()
        };
        data.set_name_and_value(j, name, column)?;
    }
    let mut out = OwnedListSexp::new(3, true)?;
    out.set_name_and_value(
        0,
        "columns",
        OwnedStringSexp::try_from_slice(&report.columns)?,
    )?;
    out.set_name_and_value(1, "data", data)?;
    out.set_name_and_value(2, "notes", OwnedStringSexp::try_from_slice(&notes)?)?;
    Ok(out.into())
}

/// A named list filled one entry at a time. Each value must be made just before it is added:
/// a value made earlier is not protected from R's garbage collector while others are made.
pub struct Named {
    list: OwnedListSexp,
    filled: usize,
}

impl Named {
    pub fn new(len: usize) -> savvy::Result<Self> {
        Ok(Named {
            list: OwnedListSexp::new(len, true)?,
            filled: 0,
        })
    }

    pub fn add(&mut self, name: &str, value: Sexp) -> savvy::Result<()> {
        self.list.set_name_and_value(self.filled, name, value)?;
        self.filled += 1;
        Ok(())
    }

    pub fn done(self) -> savvy::Result<Sexp> {
        if self.filled != self.list.len() {
            return Err(fail(format!(
                "internal error in ginikit: a list of {} entries got {}",
                self.list.len(),
                self.filled
            )));
        }
        Ok(self.list.into())
    }
}

/// A numeric vector.
pub fn reals(values: &[f64]) -> savvy::Result<Sexp> {
    Ok(OwnedRealSexp::try_from_slice(values)?.into())
}

/// A character vector.
pub fn strings<S: AsRef<str>>(values: &[S]) -> savvy::Result<Sexp> {
    Ok(OwnedStringSexp::try_from_slice(values)?.into())
}
