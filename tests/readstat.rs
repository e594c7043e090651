//! Stata and SPSS files written by independent tools (pandas `to_stata`, pyreadstat
//! `write_sav`; `tests/golden/readstat_files.py`) read like the same table as CSV, value
//! labels as the group names; `gini reproduce --data` takes them with Susenas column names.

mod common;
use common::gini;

fn rows(file: &str, extra: &[&str]) -> String {
    let mut args = vec![
        "compute",
        file,
        "--value",
        "kapita",
        "--weight",
        "wert",
        "--size",
        "r301",
        "--by",
        "r101,r105",
        "--measures",
        "gini,mean,share_bottom40",
        "--format",
        "csv",
    ];
    args.extend(extra);
    let out = gini(&args);
    assert!(
        out.status.success(),
        "{file}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).to_string()
}

#[test]
fn stata_and_spss_files_equal_the_csv_with_labels_as_groups() {
    let csv = rows("tests/golden/households_labels.csv", &[]);
    let dta = rows("tests/golden/households.dta", &[]);
    let sav = rows("tests/golden/households.sav", &[]);
    assert!(csv.contains("ACEH,Perkotaan,gini,"), "{csv}");
    assert_eq!(dta, csv, "Stata");
    assert_eq!(sav, csv, "SPSS");
    // With standard errors over the design columns too.
    // The generated PSU numbers repeat across strata: nested in them.
    let design = [
        "--strata",
        "strata",
        "--psu",
        "psu",
        "--nest",
        "--se",
        "linearization",
    ];
    assert_eq!(
        rows("tests/golden/households.dta", &design),
        rows("tests/golden/households_labels.csv", &design)
    );
}

/// Every layout the reader knows gives the CSV's numbers: Stata's binary header (format
/// 114), format 117 with a long-string (strL) group column, format 119, big-endian bytes,
/// and SPSS's bytecode and zlib compression — each written by pandas or pyreadstat.
#[test]
fn every_stata_and_spss_layout_equals_the_csv() {
    let csv = rows("tests/golden/households_labels.csv", &[]);
    for file in [
        "households_114.dta",
        "households_117.dta",
        "households_119.dta",
        "households_msf.dta",
        "households_bytecode.sav",
        "households.zsav",
    ] {
        assert_eq!(rows(&format!("tests/golden/{file}"), &[]), csv, "{file}");
    }
}

/// A missing value (Stata's `.`, and in SPSS a code the file declares missing) is an empty
/// cell: refused in the value column with its row, never read as a number.
#[test]
fn missing_values_are_empty_cells_named_by_row() {
    for file in ["households_missing.dta", "households_missing.sav"] {
        let path = format!("tests/golden/{file}");
        let out = gini(&["compute", &path, "--value", "kapita", "--weight", "wert"]);
        let e = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{file}: {e}");
        assert!(
            e.contains(&path) && e.contains("kapita") && e.contains("row 7"),
            "{file}: {e}"
        );
    }
}

/// The CSV's label rows with the labels replaced: `province(label)` and `area(label)` give
/// the group columns' texts.
fn relabelled(
    csv: &str,
    province: impl Fn(&str) -> String,
    area: impl Fn(&str) -> String,
) -> String {
    csv.lines()
        .enumerate()
        .map(|(i, line)| {
            if i == 0 {
                return line.to_string();
            }
            let mut f: Vec<String> = line.split(',').map(str::to_string).collect();
            f[0] = province(&f[0]);
            f[1] = area(&f[1]);
            f.join(",")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_stored_codes_are_available_alone_or_beside_the_labels() {
    // pyreadstat stored the provinces as BPS codes and the areas as 1/2 (the generator's
    // dictionaries `names` and `areas`).
    let code = |p: &str| match p {
        "ACEH" => "11",
        "SUMATERA UTARA" => "12",
        "DKI JAKARTA" => "31",
        "JAWA TIMUR" => "35",
        other => panic!("unexpected province {other}"),
    };
    let area = |a: &str| if a == "Perkotaan" { "1" } else { "2" };
    let csv = rows("tests/golden/households_labels.csv", &[]);
    let codes = rows("tests/golden/households.sav", &["--value-labels", "codes"]);
    let both = rows("tests/golden/households.sav", &["--value-labels", "both"]);
    assert_eq!(
        codes.trim_end(),
        relabelled(&csv, |p| code(p).to_string(), |a| area(a).to_string())
    );
    assert_eq!(
        both.trim_end(),
        relabelled(
            &csv,
            |p| format!("{}. {p}", code(p)),
            |a| format!("{}. {a}", area(a))
        )
    );
    // A CSV has no labels: the switch leaves it as it is.
    assert_eq!(
        rows(
            "tests/golden/households_labels.csv",
            &["--value-labels", "both"]
        ),
        csv
    );
}

#[test]
fn a_missing_variable_and_a_damaged_file_are_named() {
    let out = gini(&[
        "compute",
        "tests/golden/households.dta",
        "--value",
        "expenditure",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(
        e.contains("no column named 'expenditure'") && e.contains("kapita"),
        "{e}"
    );
    let bad = common::temp_file("broken.dta", b"not a stata file at all");
    let out = gini(&["compute", bad.path.to_str().unwrap(), "--value", "x"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("Stata"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn reproduce_reads_stata_rounds_with_susenas_names() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (
        dir.path().join("2017-09.dta"),
        dir.path().join("2018-09.dta"),
    );
    std::fs::copy(common::repo_path("tests/golden/households.dta"), &a).unwrap();
    std::fs::copy(common::repo_path("tests/golden/households.dta"), &b).unwrap();
    let out = gini(&[
        "reproduce",
        "--data",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "--value",
        "kapita",
        "--weight",
        "wert",
        "--size",
        "r301",
        "--area",
        "r105",
        "--province",
        "r101",
        "--strata",
        "strata",
        "--psu",
        "psu",
        "--nest",
        "--no-plots",
        "--format",
        "csv",
        "--quiet",
        "--decomposition-replicates",
        "20",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    // Labels map to areas and provinces: urban rows, Aceh with its published Gini and the
    // poverty rows against BPS's lines.
    assert!(
        text.lines().any(|l| l.starts_with("2017-09,urban,,gini,")),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("2017-09,total,Aceh,gini,") && l.contains(",0.333,")),
        "{text}"
    );
    // The generated file has rural households in DKI Jakarta, which has no rural area and so
    // no published rural poverty line: no poverty rows, and the text report says why.
    assert!(!text.contains(",fgt0,"), "{text}");
    let out = gini(&[
        "reproduce",
        "--data",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "--value",
        "kapita",
        "--weight",
        "wert",
        "--size",
        "r301",
        "--area",
        "r105",
        "--province",
        "r101",
        "--strata",
        "strata",
        "--psu",
        "psu",
        "--nest",
        "--no-plots",
        "--quiet",
        "--decomposition-replicates",
        "20",
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("no poverty table for 2017-09: no published poverty line for province DKI JAKARTA, area rural"),
        "{text}"
    );
}
