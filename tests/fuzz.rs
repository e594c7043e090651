//! Generated CSV files and settings through the reader and the compute path: nothing panics,
//! and every result is either an error or a row of finite numbers — never a blank number.
//! A short run is part of the test suite; a long one:
//! `PROPTEST_CASES=200000 cargo test --release --test fuzz`.

/// Cases per property: `PROPTEST_CASES` when set (the long runs of `scripts/long-checks`),
/// otherwise the suite's number. An explicit `cases` in the config would ignore the variable.
fn cases(suite: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(suite)
}

#[path = "common/table_property.rs"]
mod table_property;

use ginikit::measure::{Measure, Options};
use ginikit::table::{compute, TableSpec};
use proptest::prelude::*;
use table_property::{check, Settings, MEASURES};

/// A cell: a number of any size, an edge value, text, or nothing.
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        (-1e6f64..1e9).prop_map(|v| format!("{v}")),
        (0u32..50).prop_map(|v| v.to_string()),
        prop::sample::select(vec![
            "0", "-0", "1e308", "-1e308", "5e-324", "1e-310", "NaN", "inf", "-inf", "", "NA",
            " 7 ", "01", "1.0", "\"3\"", "\"a,b\"", "abc", "١٢", "1,5",
        ])
        .prop_map(String::from),
    ]
}

/// Mostly ordinary numbers, sometimes an edge case.
fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => (-1e3f64..1e7).prop_map(|v| format!("{v}")),
        2 => (0u32..1000).prop_map(|v| v.to_string()),
        1 => cell(),
    ]
}

/// A group or stratum code.
fn code() -> impl Strategy<Value = String> {
    prop_oneof![9 => (0u32..4).prop_map(|v| v.to_string()), 1 => cell()]
}

/// A table of 1–60 rows (x, w, g, h) with a header, as CSV text.
fn table() -> impl Strategy<Value = String> {
    prop::collection::vec((number(), number(), code(), code()), 1..60).prop_map(|rows| {
        let mut text = String::from("x,w,g,h\n");
        for (x, w, g, h) in rows {
            text.push_str(&format!("{x},{w},{g},{h}\n"));
        }
        text
    })
}

fn settings() -> impl Strategy<Value = (bool, bool, usize, bool, bool)> {
    (
        any::<bool>(),
        any::<bool>(),
        0..4usize,
        any::<bool>(),
        any::<bool>(),
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(64), ..ProptestConfig::default() })]

    #[test]
    fn generated_tables_never_panic_nor_give_blank_numbers(text in table(), s in settings()) {
        let (weighted, grouped, convention, exclude, se) = s;
        let settings = Settings { weighted, grouped, convention, exclude, se };
        if let Err(problem) = check(text.as_bytes(), "generated", settings) {
            prop_assert!(false, "{problem}\n{text}");
        }
    }
}

/// A well-formed Parquet file of the generated numbers (x, w as doubles; g as text), then
/// damaged: `cuts` bytes overwritten at generated positions and, sometimes, the file cut short.
fn parquet_bytes(rows: &[(f64, f64, u8)], damage: &[(usize, u8)], cut: Option<usize>) -> Vec<u8> {
    use polars::prelude::*;
    let x: Vec<f64> = rows.iter().map(|r| r.0).collect();
    let w: Vec<f64> = rows.iter().map(|r| r.1).collect();
    let g: Vec<String> = rows.iter().map(|r| r.2.to_string()).collect();
    let mut df = DataFrame::new(
        rows.len(),
        vec![
            Series::new("x".into(), x).into(),
            Series::new("w".into(), w).into(),
            Series::new("g".into(), g).into(),
        ],
    )
    .unwrap();
    let mut bytes = Vec::new();
    ParquetWriter::new(&mut bytes).finish(&mut df).unwrap();
    if !bytes.is_empty() {
        for &(at, b) in damage {
            let i = at % bytes.len();
            bytes[i] = b;
        }
    }
    if let Some(c) = cut {
        bytes.truncate(c % (bytes.len() + 1));
    }
    bytes
}

fn parquet_row() -> impl Strategy<Value = (f64, f64, u8)> {
    (
        prop_oneof![8 => -1e3f64..1e7, 1 => Just(0.0), 1 => Just(f64::NAN), 1 => Just(1e308)],
        prop_oneof![8 => 0.0f64..100.0, 1 => Just(0.0), 1 => Just(-1.0), 1 => Just(f64::INFINITY)],
        0u8..4,
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(64), ..ProptestConfig::default() })]

    /// Parquet files, intact or with damaged bytes, through the file reader and the compute
    /// path: an error naming the file, or finite numbers — never a panic, never a blank.
    #[test]
    fn generated_and_damaged_parquet_files_never_panic_nor_give_blank_numbers(
        rows in prop::collection::vec(parquet_row(), 1..40),
        damage in prop::collection::vec((any::<usize>(), any::<u8>()), 0..4),
        cut in prop::option::weighted(0.2, any::<usize>()),
        grouped in any::<bool>(),
    ) {
        let bytes = parquet_bytes(&rows, &damage, cut);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("generated.parquet");
        std::fs::write(&path, &bytes).unwrap();
        let spec = TableSpec {
            value: "x".into(),
            weight: Some("w".into()),
            by: if grouped { vec!["g".into()] } else { Vec::new() },
            poverty_line: Some(ginikit::table::PovertyLineSpec::Amount(100.0)),
            ..TableSpec::default()
        };
        let read = std::panic::catch_unwind(|| ginikit::table::read_table(&path, &spec));
        prop_assert!(read.is_ok(), "the reader panicked");
        let table = match read.unwrap() {
            Ok(t) => t,
            Err(e) => {
                let text = e.to_string();
                prop_assert!(text.contains("generated.parquet"), "the error does not name the file: {text}");
                return Ok(());
            }
        };
        let measures = Measure::parse_list(MEASURES).unwrap();
        match compute(table, &measures, &Options::default()) {
            Ok(rows) => {
                for r in rows {
                    prop_assert!(r.estimate.value.is_finite(), "{} blank", r.measure.name());
                }
            }
            Err(e) => {
                let text = e.to_string();
                prop_assert!(text.contains("generated.parquet"), "the error does not name the file: {text}");
            }
        }
    }
}
