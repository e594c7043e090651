//! The property that both fuzzers check — `tests/fuzz.rs` on generated tables and the
//! libFuzzer harness `fuzz/` on coverage-guided bytes: a CSV table (columns x, w, g, h) goes
//! through the reader, the point estimates or the linearized inference without a panic, and
//! gives either finite numbers or an error that names the input and where.

use ginikit::measure::gini::GiniConvention;
use ginikit::measure::positive::NonPositivePolicy;
use ginikit::measure::{Measure, Options};
use ginikit::table::survey::{infer, SurveySpec};
use ginikit::table::{compute, read_csv_bytes, PovertyLineSpec, TableSpec};

/// The measures every case computes: inequality, shares, poverty against a line of 1 and
/// Eurostat's indicators.
pub const MEASURES: &str = "gini,theil_t,mld,ge_2,atkinson_1,share_bottom40,palma,qsr,hoover,mean,median,cv,fgt0,fgt2,watts,poor,arpt,arpr,rmpg,wolfson,sgini_3,ede_1";

/// How a case reads and computes its table.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// Column w is the weight.
    pub weighted: bool,
    /// Column g groups the rows.
    pub grouped: bool,
    /// Index of the Gini convention (0–3).
    pub convention: usize,
    /// Non-positive values are excluded rather than refused.
    pub exclude: bool,
    /// Linearized standard errors with column h as strata.
    pub se: bool,
}

/// A data error says where: the input's name (`source`) and a column, row, group, line or
/// measure.
pub fn names_the_input(e: &ginikit::Error, source: &str) -> bool {
    let m = e.to_string();
    m.contains(source)
        && [
            "column", "row", "group", "header", "measure", "value", "weight", "line",
        ]
        .iter()
        .any(|w| m.contains(w))
}

/// Runs one case; `Err` says what broke the property.
pub fn check(csv: &[u8], source: &str, s: Settings) -> Result<(), String> {
    let spec = TableSpec {
        value: "x".into(),
        weight: s.weighted.then(|| "w".to_string()),
        by: if s.grouped {
            vec!["g".into()]
        } else {
            Vec::new()
        },
        extra: if s.se {
            vec![("h".into(), "strata")]
        } else {
            Vec::new()
        },
        poverty_line: Some(PovertyLineSpec::Amount(1.0)),
        ..TableSpec::default()
    };
    let options = Options {
        gini: [
            GiniConvention::Midpoint,
            GiniConvention::ConveyCumulative,
            GiniConvention::SmallSampleRows,
            GiniConvention::SmallSampleFrequency,
        ][s.convention % 4],
        non_positive: if s.exclude {
            NonPositivePolicy::Exclude
        } else {
            NonPositivePolicy::Error
        },
        ..Options::default()
    };
    let measures = Measure::parse_list(MEASURES).expect("the measure list parses");
    let where_ = |e: &ginikit::Error, what: &str| {
        if names_the_input(e, source) {
            Ok(())
        } else {
            Err(format!("{what} error that does not say where: {e}"))
        }
    };
    let table = match read_csv_bytes(csv, source, &spec) {
        Ok(t) => t,
        Err(e) => return where_(&e, "a reading"),
    };
    if s.se {
        let survey = SurveySpec {
            strata: Some(0),
            ..SurveySpec::default()
        };
        let members: Vec<usize> = (0..table.groups.len()).collect();
        match infer(&table, &members, &survey, &measures, &options, &|| true) {
            Ok(rows) => {
                for r in rows {
                    let i = r.result.inference;
                    for v in [r.result.estimate.value, i.se, i.ci_lower, i.ci_upper] {
                        if !v.is_finite() {
                            return Err(format!("{} blank", r.measure.name()));
                        }
                    }
                }
                Ok(())
            }
            Err(e) => where_(&e, "an inference"),
        }
    } else {
        match compute(table, &measures, &options) {
            Ok(rows) => {
                for r in rows {
                    if !r.estimate.value.is_finite() {
                        return Err(format!("{} blank", r.measure.name()));
                    }
                }
                Ok(())
            }
            Err(e) => where_(&e, "a computing"),
        }
    }
}
