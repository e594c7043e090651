//! Generated argument lists through the `gini` program: every run ends with exit status 0
//! (and no blank or non-finite number in its output), 1 (a data error) or 2 (a usage error),
//! with one `gini: error:` line — never a panic (exit 70) or a crash. A short run is part of
//! the test suite; a long one: `PROPTEST_CASES=20000 cargo test --release --test fuzz_cli`.

/// Cases per property: `PROPTEST_CASES` when set (the long runs of `scripts/long-checks`),
/// otherwise the suite's number. An explicit `cases` in the config would ignore the variable.
fn cases(suite: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(suite)
}

use proptest::prelude::*;
use std::process::Command;

const FILES: &[&str] = &[
    "tests/golden/microdata.csv",
    "tests/golden/households_labels.csv",
    "tests/golden/households.dta",
    "tests/golden/relative_poverty_data.csv",
    "datasets/susenas-synthetic/2018-09.parquet",
    "no/such/file.csv",
    "tests",
    "-",
];

const COLUMNS: &[&str] = &[
    "x",
    "w",
    "kapita",
    "wert",
    "r301",
    "r101",
    "r105",
    "strata",
    "psu",
    "income",
    "weight",
    "region",
    "expenditure_per_capita",
    "household_size",
    "area",
    "province",
    "stratum",
    "nosuch",
    "",
];

/// A flag and, for flags that take one, a value (a column, a number or a word).
fn flag() -> impl Strategy<Value = Vec<String>> {
    let column = prop::sample::select(COLUMNS).prop_map(String::from);
    let number = prop::sample::select(vec![
        "0", "-1", "1", "0.5", "0.95", "95", "1e308", "NaN", "3", "1000", "abc", "",
    ])
    .prop_map(String::from);
    let measure = prop::sample::select(vec![
        "gini",
        "theil_t",
        "mld",
        "ge_-1",
        "ge_2",
        "atkinson_0.5",
        "atkinson_-1",
        "palma",
        "s80_s20",
        "qsr",
        "share_0.8_0.2",
        "quantile_1.5",
        "median",
        "cv",
        "fgt0",
        "fgt_2",
        "watts",
        "poor",
        "arpr",
        "arpt_60",
        "rmpg",
        "mean_bottom40",
        "nosuch",
        "gini,mean",
    ])
    .prop_map(String::from);
    prop_oneof![
        (
            prop::sample::select(vec![
                "--value",
                "--weight",
                "--size",
                "--by",
                "--strata",
                "--psu",
                "--fpc",
                "--period",
                "--poverty-line",
                "--population",
                "--welfare",
            ]),
            column
        )
            .prop_map(|(f, v)| vec![f.to_string(), v]),
        (
            prop::sample::select(vec![
                "--replicates",
                "--level",
                "--seed",
                "--rep-scale",
                "--fay-rho",
                "--poverty-line",
                "--deflator",
                "--mean",
            ]),
            number
        )
            .prop_map(|(f, v)| vec![f.to_string(), v]),
        measure.prop_map(|m| vec!["--measures".to_string(), m]),
        prop::sample::select(vec![
            "--se linearization",
            "--se bootstrap",
            "--se jackknife",
            "--se brr",
            "--se nosuch",
            "--format csv",
            "--format json",
            "--format table",
            "--nest",
            "--per-capita",
            "--non-positive exclude",
            "--lonely-psu certainty",
            "--lonely-psu adjust",
            "--gini-convention convey",
            "--threshold group",
            "--value-labels both",
            "--value-labels codes",
            "--input-format parquet",
            "--input-format stata",
            "--quiet",
            "--points 5",
        ])
        .prop_map(|s| s.split(' ').map(String::from).collect()),
    ]
}

/// Command lines that run as they are, for generated flags to be added to (so that most
/// cases get past the usage check and reach the data).
const BASES: &[&str] = &[
    "compute datasets/susenas-synthetic/2018-09.parquet --value expenditure_per_capita --weight weight --size household_size",
    "compute tests/golden/households_labels.csv --value kapita --weight wert --size r301 --by r105",
    "compute tests/golden/households.sav --value kapita --weight wert --by r101",
    "compute tests/golden/relative_poverty_data.csv --value income --weight weight --by region",
    "trend datasets/susenas-synthetic/2017-09.parquet datasets/susenas-synthetic/2018-09.parquet --value expenditure_per_capita --weight weight --size household_size",
    "gic datasets/susenas-synthetic/2017-09.parquet datasets/susenas-synthetic/2018-09.parquet --value expenditure_per_capita --weight weight --size household_size --points 9",
];

fn command_line() -> impl Strategy<Value = Vec<String>> {
    prop_oneof![
        2 => (prop::sample::select(BASES), prop::collection::vec(flag(), 0..3)).prop_map(
            |(base, flags)| {
                let mut args: Vec<String> = base.split(' ').map(String::from).collect();
                for f in flags {
                    args.extend(f);
                }
                args
            }
        ),
        1 => free_command_line(),
    ]
}

fn free_command_line() -> impl Strategy<Value = Vec<String>> {
    (
        prop::sample::select(vec![
            "compute",
            "trend",
            "gic",
            "decompose",
            "grouped",
            "measures",
        ]),
        prop::collection::vec(prop::sample::select(FILES), 0..3),
        prop::collection::vec(flag(), 0..7),
    )
        .prop_map(|(cmd, files, flags)| {
            let mut args = vec![cmd.to_string()];
            args.extend(files.iter().map(|f| f.to_string()));
            for f in flags {
                args.extend(f);
            }
            args
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(48), ..ProptestConfig::default() })]

    #[test]
    fn generated_command_lines_end_in_a_result_or_one_clear_error(args in command_line()) {
        let out = Command::new(env!("CARGO_BIN_EXE_gini"))
            .args(&args)
            .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
            .stdin(std::process::Stdio::null())
            .env("GINIKIT_MEMORY_LIMIT", "2G")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let stdout = String::from_utf8_lossy(&out.stdout);
        let code = out.status.code();
        prop_assert!(matches!(code, Some(0..=2)), "exit {code:?} for {args:?}: {stderr}");
        prop_assert!(!stderr.contains("internal error") && !stderr.contains("panicked"), "{args:?}: {stderr}");
        match code {
            Some(0) => {
                for token in stdout.split(|c: char| c == ',' || c.is_whitespace() || c == ':') {
                    let t = token.trim_matches(|c| c == '"' || c == '[' || c == ']' || c == '{' || c == '}');
                    prop_assert!(!matches!(t, "NaN" | "nan" | "inf" | "-inf" | "null"), "{args:?} printed {t}:\n{stdout}");
                }
            }
            Some(1) => {
                prop_assert!(stderr.starts_with("gini: error:"), "{args:?}: {stderr}");
                // A data error names what the user typed that is wrong: a file, a column, a
                // flag or a value given on the command line (or standard input).
                let names_it = args[1..]
                    .iter()
                    .filter(|a| a.len() >= 2)
                    .any(|a| stderr.contains(a.as_str()))
                    || stderr.contains("standard input");
                prop_assert!(names_it, "the error names nothing the user gave: {args:?}: {stderr}");
            }
            _ => {}
        }
    }
}
