//! Poverty measures: FGT(α), Watts and the poor count against brute-force sums and R laeken's
//! rate at a fixed line; Eurostat's arpt / arpr / rmpg against R laeken 0.5.2 (whole sample,
//! per region against the population's threshold, and within each region); linearized
//! standard errors against replicate methods; per-row poverty lines; bad lines.

// Expected values are written with the 17 significant digits R prints.
#![allow(clippy::excessive_precision)]

mod common;
use common::{gini, text};

use ginikit::measure::Options;
use ginikit::table::{self, PovertyLineSpec, TableSpec};
use ginikit::{Measure, SortedSample};

const DATA: &str = "tests/golden/relative_poverty_data.csv";

/// `tests/golden/relative_poverty.csv`, written by `tests/golden/relative_poverty.R` with R
/// laeken 0.5.2: (case, measure, group, expected).
fn laeken() -> Vec<(String, String, String, f64)> {
    common::read_csv(&common::repo_path("tests/golden/relative_poverty.csv").to_string_lossy())
        .into_iter()
        .map(|r| {
            (
                r["case"].clone(),
                r["measure"].clone(),
                r["group"].clone(),
                r["expected"].parse().unwrap(),
            )
        })
        .collect()
}

/// (income, weight, region) of the golden data.
fn data() -> (Vec<f64>, Vec<f64>, Vec<String>) {
    let rows = common::read_csv(&common::repo_path(DATA).to_string_lossy());
    (
        rows.iter().map(|r| r["income"].parse().unwrap()).collect(),
        rows.iter().map(|r| r["weight"].parse().unwrap()).collect(),
        rows.iter().map(|r| r["region"].clone()).collect(),
    )
}

fn close(a: f64, b: f64, rel: f64) -> bool {
    ((a - b) / b).abs() <= rel
}

/// `gini compute … --format csv` rows as (group or "", measure, estimate, se or NaN).
fn rows(args: &[&str]) -> Vec<(String, String, f64, f64)> {
    let out = gini(args);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let body = text(&out.stdout);
    let mut lines = body.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name);
    lines
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (
                col("region").map_or(String::new(), |i| f[i].to_string()),
                f[col("measure").unwrap()].to_string(),
                f[col("estimate").unwrap()].parse().unwrap(),
                col("se").map_or(f64::NAN, |i| f[i].parse().unwrap()),
            )
        })
        .collect()
}

#[test]
fn arpt_arpr_rmpg_equal_r_laeken_whole_sample_by_region_and_within_regions() {
    let golden = laeken();
    assert_eq!(golden.len(), 25);
    let whole = rows(&[
        "compute",
        DATA,
        "--value",
        "income",
        "--weight",
        "weight",
        "--measures",
        "arpt,arpr,rmpg,arpt_50,arpr_50",
        "--format",
        "csv",
    ]);
    let unweighted = rows(&[
        "compute",
        DATA,
        "--value",
        "income",
        "--measures",
        "arpt,arpr,rmpg",
        "--format",
        "csv",
    ]);
    let fixed = rows(&[
        "compute",
        DATA,
        "--value",
        "income",
        "--weight",
        "weight",
        "--measures",
        "fgt0",
        "--poverty-line",
        "6000",
        "--format",
        "csv",
    ]);
    let by_region = rows(&[
        "compute",
        DATA,
        "--value",
        "income",
        "--weight",
        "weight",
        "--by",
        "region",
        "--measures",
        "arpr,rmpg",
        "--format",
        "csv",
    ]);
    let within = rows(&[
        "compute",
        DATA,
        "--value",
        "income",
        "--weight",
        "weight",
        "--by",
        "region",
        "--measures",
        "arpr,arpt",
        "--threshold",
        "group",
        "--format",
        "csv",
    ]);
    let mut checked = 0;
    for (case, measure, group, expected) in &golden {
        let source = match (case.as_str(), group.is_empty()) {
            ("weighted", true) if measure == "fgt0@6000" => &fixed,
            ("weighted", true) => &whole,
            ("unweighted", _) => &unweighted,
            ("weighted", false) => &by_region,
            ("weighted_within", _) => &within,
            other => panic!("unexpected case {other:?}"),
        };
        let name = measure.split('@').next().unwrap();
        let got = source
            .iter()
            .find(|(g, m, _, _)| g == group && m == name)
            .unwrap_or_else(|| panic!("{case} {measure} {group} missing"));
        assert!(
            close(got.2, *expected, 1e-12),
            "{case} {measure} {group}: {} vs laeken {expected}",
            got.2
        );
        checked += 1;
    }
    assert_eq!(checked, 25);
}

/// FGT(α) and Watts by brute force: the sums written out term by term.
#[test]
fn fgt_and_watts_equal_brute_force_sums_with_per_row_lines() {
    let (x, w, region) = data();
    // Lines differ by region, as BPS lines differ by province and area.
    let line_of = |r: &str| match r {
        "north" => 6000.0,
        "south" => 4500.0,
        "east" => 7000.0,
        _ => 3000.0,
    };
    let z: Vec<f64> = region.iter().map(|r| line_of(r)).collect();
    let s = SortedSample::with_poverty_lines(x.clone(), Some(w.clone()), &z).unwrap();
    let total: f64 = w.iter().sum();
    for alpha in [0.0, 0.5, 1.0, 2.0, 3.0] {
        let brute: f64 = x
            .iter()
            .zip(&w)
            .zip(&z)
            .filter(|((xi, _), zi)| *xi < *zi)
            .map(|((xi, wi), zi)| wi * (1.0 - xi / zi).powf(alpha))
            .sum::<f64>()
            / total;
        let name = format!("fgt_{alpha}");
        let m = Measure::parse(&name).unwrap();
        let v = m.evaluate(&s, &Options::default()).unwrap().value;
        assert!(close(v, brute, 1e-13), "{name}: {v} vs {brute}");
    }
    let brute_watts: f64 = x
        .iter()
        .zip(&w)
        .zip(&z)
        .filter(|((xi, _), zi)| *xi < *zi)
        .map(|((xi, wi), zi)| wi * (zi / xi).ln())
        .sum::<f64>()
        / total;
    let watts = Measure::parse("watts")
        .unwrap()
        .evaluate(&s, &Options::default())
        .unwrap()
        .value;
    assert!(close(watts, brute_watts, 1e-13), "{watts} vs {brute_watts}");
    let poor: f64 = x
        .iter()
        .zip(&w)
        .zip(&z)
        .filter(|((xi, _), zi)| *xi < *zi)
        .map(|((_, wi), _)| wi)
        .sum();
    let counted = Measure::parse("poor")
        .unwrap()
        .evaluate(&s, &Options::default())
        .unwrap()
        .value;
    assert_eq!(counted, poor);
}

#[test]
fn a_line_column_equals_one_amount_per_group_and_the_file_path() {
    // With a column whose line is the same in every row of a group, each group's FGT equals
    // the group computed with that amount.
    let (x, w, region) = data();
    let mut csv = String::from("income,weight,region,line\n");
    for ((xi, wi), r) in x.iter().zip(&w).zip(&region) {
        let line = if r == "west" { 3000 } else { 6000 };
        csv.push_str(&format!("{xi},{wi},{r},{line}\n"));
    }
    let file = common::temp_file("lines.csv", csv.as_bytes());
    let path = file.path.to_str().unwrap();
    let by_column = rows(&[
        "compute",
        path,
        "--value",
        "income",
        "--weight",
        "weight",
        "--by",
        "region",
        "--measures",
        "fgt0,fgt1,fgt2,watts",
        "--poverty-line",
        "line",
        "--format",
        "csv",
    ]);
    let at_6000 = rows(&[
        "compute",
        path,
        "--value",
        "income",
        "--weight",
        "weight",
        "--by",
        "region",
        "--measures",
        "fgt0,fgt1,fgt2,watts",
        "--poverty-line",
        "6000",
        "--format",
        "csv",
    ]);
    let at_3000 = rows(&[
        "compute",
        path,
        "--value",
        "income",
        "--weight",
        "weight",
        "--by",
        "region",
        "--measures",
        "fgt0,fgt1,fgt2,watts",
        "--poverty-line",
        "3000",
        "--format",
        "csv",
    ]);
    assert_eq!(by_column.len(), 16);
    for (g, m, v, _) in &by_column {
        let reference = if g == "west" { &at_3000 } else { &at_6000 };
        let r = reference
            .iter()
            .find(|(rg, rm, _, _)| rg == g && rm == m)
            .unwrap();
        assert_eq!(*v, r.2, "{g} {m}");
    }
    // The library's table API gives the same numbers as the command line.
    let spec = TableSpec {
        value: "income".into(),
        weight: Some("weight".into()),
        by: vec!["region".into()],
        poverty_line: Some(PovertyLineSpec::Column("line".into())),
        ..TableSpec::default()
    };
    let t = table::read_table(&file.path, &spec).unwrap();
    let est = table::compute(t, &[Measure::parse("fgt1").unwrap()], &Options::default()).unwrap();
    for e in est {
        let r = by_column
            .iter()
            .find(|(g, m, _, _)| *g == e.key[0] && m == "fgt1")
            .unwrap();
        assert_eq!(e.estimate.value, r.2);
    }
}

#[test]
fn linearized_standard_errors_agree_with_the_bootstrap() {
    // Linearization (FGT with the line fixed; arpr/rmpg with the estimated threshold, convey's
    // formulas) against 2,000 Rao–Wu bootstrap replicates on the same rows: within 15 %
    // (the bootstrap's own Monte Carlo error at 2,000 replicates is about 1.6 %; the kernel
    // density in the rate's linearization is the main source of difference).
    let common_args = [
        "compute",
        DATA,
        "--value",
        "income",
        "--weight",
        "weight",
        "--measures",
        "fgt0,fgt1,fgt2,watts,poor,arpt,arpr",
        "--poverty-line",
        "5000",
        "--format",
        "csv",
    ];
    let lin = rows(&[&common_args[..], &["--se", "linearization"]].concat());
    let boot = rows(
        &[
            &common_args[..],
            &["--se", "bootstrap", "--replicates", "2000"],
        ]
        .concat(),
    );
    for ((_, m, v, se), (_, _, vb, seb)) in lin.iter().zip(&boot) {
        assert_eq!(v, vb);
        assert!(
            close(*se, *seb, 0.15),
            "{m}: linearized {se} vs bootstrap {seb}"
        );
    }
    // Per region against the whole population's threshold: the threshold's uncertainty is
    // shared by every region, and the bootstrap re-estimates it from all rows each time.
    let lin = rows(&[
        "compute",
        DATA,
        "--value",
        "income",
        "--weight",
        "weight",
        "--by",
        "region",
        "--measures",
        "arpr",
        "--se",
        "linearization",
        "--format",
        "csv",
    ]);
    let boot = rows(&[
        "compute",
        DATA,
        "--value",
        "income",
        "--weight",
        "weight",
        "--by",
        "region",
        "--measures",
        "arpr",
        "--se",
        "bootstrap",
        "--replicates",
        "2000",
        "--format",
        "csv",
    ]);
    for ((g, m, _, se), (_, _, _, seb)) in lin.iter().zip(&boot) {
        assert!(
            close(*se, *seb, 0.2),
            "{g} {m}: linearized {se} vs bootstrap {seb}"
        );
    }
}

#[test]
fn poverty_measures_work_in_trends() {
    let out = gini(&[
        "trend",
        "datasets/susenas-synthetic/2017-09.parquet",
        "datasets/susenas-synthetic/2018-09.parquet",
        "--value",
        "expenditure_per_capita",
        "--weight",
        "weight",
        "--size",
        "household_size",
        "--strata",
        "stratum",
        "--psu",
        "psu",
        "--by",
        "area",
        "--measures",
        "fgt0,fgt1,arpr",
        "--poverty-line",
        "400000",
        "--format",
        "csv",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let body = text(&out.stdout);
    assert_eq!(body.lines().count(), 1 + 6, "{body}");
    assert!(!body.contains(",,"), "no blank cell: {body}");
}

#[test]
fn bad_poverty_lines_are_named() {
    let csv = "x,line\n100,50\n200,0\n300,-1\n";
    let file = common::temp_file("bad_lines.csv", csv.as_bytes());
    let path = file.path.to_str().unwrap();
    let out = gini(&[
        "compute",
        path,
        "--value",
        "x",
        "--measures",
        "fgt0",
        "--poverty-line",
        "line",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let e = text(&out.stderr);
    assert!(
        e.contains("column 'line'") && e.contains("row 2") && e.contains("2 "),
        "{e}"
    );
    // A negative amount is a usage error (exit 2), naming the setting.
    let out = gini(&[
        "compute",
        path,
        "--value",
        "x",
        "--measures",
        "fgt0",
        "--poverty-line",
        "-5",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("poverty line"),
        "{}",
        text(&out.stderr)
    );
    // A poverty measure without its line is a mistake of the command line: exit 2.
    let out = gini(&["compute", path, "--value", "x", "--measures", "fgt0"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("--poverty-line"),
        "{}",
        text(&out.stderr)
    );
    let out = gini(&[
        "compute",
        path,
        "--value",
        "x",
        "--measures",
        "fgt_-1",
        "--poverty-line",
        "1",
    ]);
    assert!(text(&out.stderr).contains("α ≥ 0"), "{}", text(&out.stderr));
    // Watts with a zero value among the poor is undefined: an error naming the measure.
    let csv = "x\n0\n5\n10\n";
    let file = common::temp_file("zero.csv", csv.as_bytes());
    let out = gini(&[
        "compute",
        file.path.to_str().unwrap(),
        "--value",
        "x",
        "--measures",
        "watts",
        "--poverty-line",
        "6",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("watts"), "{}", text(&out.stderr));
}

#[test]
fn a_line_in_other_units_is_warned_about() {
    // A yearly line against monthly values puts everybody below it: a warning on stderr,
    // the numbers still printed.
    let out = gini(&[
        "compute",
        DATA,
        "--value",
        "income",
        "--by",
        "region",
        "--measures",
        "fgt0",
        "--poverty-line",
        "5000000",
        "--format",
        "csv",
    ]);
    assert!(out.status.success());
    let e = text(&out.stderr);
    assert!(
        e.contains("warning: fgt0 in north is 100 %") && e.contains("units"),
        "{e}"
    );
    let out = gini(&[
        "compute",
        DATA,
        "--value",
        "income",
        "--measures",
        "fgt0",
        "--poverty-line",
        "5000",
    ]);
    assert!(
        !text(&out.stderr).contains("warning"),
        "{}",
        text(&out.stderr)
    );
}
