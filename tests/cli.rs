//! The `gini` program end to end: output shapes, and one test per kind of bad input (one
//! line on stderr naming file, column, count, first row and the fix; exit 1 for data, 2 for
//! usage; never a panic).

mod common;
use common::gini;

use std::process::{Output, Stdio};

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string()
}

/// Asserts a data error: exit 1, exactly one stderr line starting `gini: error:`, containing
/// every fragment.
fn assert_data_error(o: &Output, fragments: &[&str]) {
    let e = stderr(o);
    assert_eq!(o.status.code(), Some(1), "stderr: {e}");
    assert_eq!(e.lines().count(), 1, "one line expected: {e}");
    assert!(e.starts_with("gini: error: "), "{e}");
    for f in fragments {
        assert!(e.contains(f), "'{f}' missing from: {e}");
    }
}

const GOOD: &str = "province,area,kapita,wert,r301\nAceh,urban,1200,10,4\nAceh,rural,800,12,5\nBali,urban,1500,8,3\nAceh,urban,600,9,2\nBali,rural,700,11,6\n";

#[test]
fn compute_prints_tidy_rows_in_three_formats() {
    let f = common::temp_file("s.csv", GOOD.as_bytes());
    let p = f.path.to_str().unwrap();
    let o = gini(&[
        "compute", p, "--value", "kapita", "--weight", "wert", "--size", "r301", "--by",
        "province", "--format", "csv",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "province,measure,estimate,n,population");
    assert_eq!(lines.len(), 1 + 2 * 5);
    assert!(lines[1].starts_with("Aceh,gini,"));
    // Aceh persons: 1200×40, 800×60, 600×18 (weight × size) → population 118.
    assert!(lines[1].ends_with(",3,118"), "{}", lines[1]);

    let o = gini(&[
        "compute",
        p,
        "--value",
        "kapita",
        "--by",
        "province,area",
        "--measures",
        "gini,mean",
        "--format",
        "json",
    ]);
    let out = stdout(&o);
    assert!(out.trim_start().starts_with('['));
    assert!(
        out.contains("\"province\": \"Aceh\", \"area\": \"urban\", \"measure\": \"gini\""),
        "{out}"
    );

    let o = gini(&[
        "compute",
        p,
        "--value",
        "kapita",
        "--weight",
        "wert",
        "--measures",
        "gini,mean,share_bottom40",
    ]);
    let out = stdout(&o);
    assert!(out.lines().next().unwrap().starts_with("measure"));
    assert!(out.contains("mean"));
    // Money with a thousands separator, indices with 4 decimals.
    assert!(
        out.lines()
            .any(|l| l.starts_with("mean") && l.ends_with("934  5          50")),
        "{out}"
    );
    assert!(out
        .lines()
        .any(|l| l.starts_with("gini") && l.contains("0.")));
}

#[test]
fn output_file_is_written() {
    let f = common::temp_file("s.csv", GOOD.as_bytes());
    let target = f.dir.path().join("out.csv");
    let o = gini(&[
        "compute",
        f.path.to_str().unwrap(),
        "--value",
        "kapita",
        "--format",
        "csv",
        "--output",
        target.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert!(std::fs::read_to_string(target)
        .unwrap()
        .starts_with("measure,estimate"));
}

#[test]
fn missing_column_lists_the_columns_and_the_flag() {
    let f = common::temp_file("s.csv", GOOD.as_bytes());
    let o = gini(&[
        "compute",
        f.path.to_str().unwrap(),
        "--value",
        "kapita",
        "--weight",
        "weight",
    ]);
    assert_data_error(&o, &["s.csv", "'weight'", "--weight", "kapita, wert, r301"]);
}

#[test]
fn non_numeric_cell_is_located() {
    let mut text = String::from("x,w\n");
    for i in 0..20_000 {
        text.push_str(&format!("{},1\n", i + 1));
    }
    text.push_str("12abc,1\n");
    let f = common::temp_file("late.csv", text.as_bytes());
    let o = gini(&[
        "compute",
        f.path.to_str().unwrap(),
        "--value",
        "x",
        "--weight",
        "w",
    ]);
    assert_data_error(
        &o,
        &[
            "late.csv",
            "column 'x'",
            "1 cell(s) are not numbers",
            "row 20001",
            "12abc",
        ],
    );
}

#[test]
fn nan_and_infinity_are_rejected() {
    let f = common::temp_file("nan.csv", b"x,w\n1,1\nNaN,1\n3,1\ninf,2\n");
    let o = gini(&["compute", f.path.to_str().unwrap(), "--value", "x"]);
    assert_data_error(
        &o,
        &[
            "nan.csv",
            "column 'x'",
            "2 value(s) are not finite",
            "row 2",
        ],
    );
}

#[test]
fn empty_cell_is_rejected() {
    let f = common::temp_file("gap.csv", b"x,w\n1,1\n2,\n3,1\n");
    let o = gini(&[
        "compute",
        f.path.to_str().unwrap(),
        "--value",
        "x",
        "--weight",
        "w",
    ]);
    assert_data_error(
        &o,
        &["gap.csv", "column 'w'", "1 cell(s) are empty", "row 2"],
    );
}

#[test]
fn negative_weight_is_rejected() {
    let f = common::temp_file("neg.csv", b"x,w\n1,1\n2,-3\n3,1\n4,-1\n");
    let o = gini(&[
        "compute",
        f.path.to_str().unwrap(),
        "--value",
        "x",
        "--weight",
        "w",
    ]);
    assert_data_error(
        &o,
        &[
            "neg.csv",
            "column 'w'",
            "2 weight(s) are negative",
            "row 2",
            "-3",
        ],
    );
}

#[test]
fn all_zero_weights_in_a_group_are_rejected() {
    let f = common::temp_file("zero.csv", b"g,x,w\na,1,1\nb,2,0\na,3,1\nb,4,0\n");
    let o = gini(&[
        "compute",
        f.path.to_str().unwrap(),
        "--value",
        "x",
        "--weight",
        "w",
        "--by",
        "g",
    ]);
    assert_data_error(&o, &["zero.csv", "all 2 weights are zero", "g=b"]);
}

#[test]
fn empty_file_is_rejected() {
    let f = common::temp_file("empty.csv", b"x,w\n");
    let o = gini(&["compute", f.path.to_str().unwrap(), "--value", "x"]);
    assert_data_error(&o, &["empty.csv", "no observations", "no data rows"]);
}

#[test]
fn non_positive_values_error_or_are_excluded() {
    let f = common::temp_file("zeros.csv", b"g,x\na,0\na,2\na,5\nb,-1\nb,4\nb,3\n");
    let p = f.path.to_str().unwrap();
    let o = gini(&[
        "compute",
        p,
        "--value",
        "x",
        "--by",
        "g",
        "--measures",
        "gini,theil_t",
    ]);
    assert_data_error(
        &o,
        &[
            "zeros.csv",
            "column 'x'",
            "theil_t needs strictly positive values",
            "1 value(s)",
            "g=a",
            "row 1",
            "--non-positive exclude",
        ],
    );
    let o = gini(&[
        "compute",
        p,
        "--value",
        "x",
        "--by",
        "g",
        "--measures",
        "gini,theil_t",
        "--non-positive",
        "exclude",
        "--format",
        "csv",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    // The Gini keeps the zero (3 rows); Theil uses the 2 positive rows.
    assert!(
        out.lines()
            .any(|l| l.starts_with("a,gini,") && l.ends_with(",3,3")),
        "{out}"
    );
    assert!(
        out.lines()
            .any(|l| l.starts_with("a,theil_t,") && l.ends_with(",2,2")),
        "{out}"
    );
}

#[test]
fn non_positive_household_size_is_rejected() {
    let f = common::temp_file("size.csv", b"x,n\n10,2\n20,0\n");
    let o = gini(&[
        "compute",
        f.path.to_str().unwrap(),
        "--value",
        "x",
        "--size",
        "n",
        "--per-capita",
    ]);
    assert_data_error(&o, &["size.csv", "column 'n'", "row 2", "household sizes"]);
}

#[test]
fn unreadable_and_malformed_files() {
    let o = gini(&["compute", "/nonexistent/survey.csv", "--value", "x"]);
    assert_data_error(&o, &["/nonexistent/survey.csv", "cannot read the file"]);
    let f = common::temp_file("broken.parquet", b"this is not parquet at all");
    let o = gini(&["compute", f.path.to_str().unwrap(), "--value", "x"]);
    assert_data_error(&o, &["broken.parquet", "Parquet", "--input-format"]);
}

#[test]
fn usage_errors_exit_2() {
    let f = common::temp_file("s.csv", GOOD.as_bytes());
    let p = f.path.to_str().unwrap();
    let o = gini(&["compute", p, "--value", "kapita", "--measures", "gini,gnii"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("unknown measure 'gnii'"));
    let o = gini(&["compute", p, "--vaule", "kapita"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stderr(&o).lines().count(), 1, "{}", stderr(&o));
    let o = gini(&[
        "compute",
        p,
        "--value",
        "kapita",
        "--gini-convention",
        "fancy",
    ]);
    assert_eq!(o.status.code(), Some(2));
}

/// `gini … | head -1`: the reader goes away; in every output format that is a quiet success
/// (the CSV and JSON writers wrap the broken pipe in errors of their own).
#[test]
fn closed_pipe_exits_quietly() {
    let mut text = String::from("g,x\n");
    for i in 0..20_000 {
        text.push_str(&format!("{},{}\n", i, i + 1));
    }
    let f = common::temp_file("many.csv", text.as_bytes());
    for format in ["table", "csv", "json"] {
        let mut child = common::gini_command()
            .args([
                "compute",
                f.path.to_str().unwrap(),
                "--value",
                "x",
                "--by",
                "g",
                "--measures",
                "mean",
                "--format",
                format,
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let o = child.wait_with_output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{format}: {}", stderr(&o));
        assert!(stderr(&o).is_empty(), "{format}: {}", stderr(&o));
    }
}

#[test]
fn bundled_dataset_runs() {
    let p = common::repo_path("datasets/us-state-income/us_state_income.csv");
    let o = gini(&[
        "compute",
        p.to_str().unwrap(),
        "--value",
        "income",
        "--by",
        "year",
        "--measures",
        "gini",
        "--format",
        "csv",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o).lines().count(), 1 + 81);
}

/// Data conditions are data errors (exit 1) naming the group, never usage errors.
#[test]
fn undefined_small_sample_corrections_are_data_errors() {
    let f = common::temp_file("small.csv", b"g,x,w\na,1,0.4\na,2,0.3\nb,5,1\n");
    let p = f.path.to_str().unwrap();
    let o = gini(&[
        "compute",
        p,
        "--value",
        "x",
        "--by",
        "g",
        "--gini-convention",
        "unbiased-rows",
    ]);
    assert_data_error(&o, &["small.csv", "g=b", "at least 2 rows"]);
    let o = gini(&[
        "compute",
        p,
        "--value",
        "x",
        "--weight",
        "w",
        "--by",
        "g",
        "--gini-convention",
        "unbiased-frequency",
    ]);
    assert_data_error(&o, &["small.csv", "g=a", "total weight above 1"]);
}

/// Group codes come out exactly as written: `01` and `1` are two groups, `1.0` a third.
#[test]
fn group_keys_are_kept_as_written() {
    let f = common::temp_file("keys.csv", b"g,x\n01,1\n01,2\n1,3\n1,5\n1.0,2\n1.0,9\n");
    let o = gini(&[
        "compute",
        f.path.to_str().unwrap(),
        "--value",
        "x",
        "--by",
        "g",
        "--measures",
        "mean",
        "--format",
        "csv",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "g,measure,estimate,n,population\n01,mean,1.5,2,2\n1,mean,4,2,2\n1.0,mean,5.5,2,2\n"
    );
}

/// Semicolon- and tab-separated files read as they are; a directory says it is one.
#[test]
fn separators_are_detected_and_directories_named() {
    let comma = common::temp_file("c.csv", b"g,x\na,1\na,3\nb,2\nb,8\n");
    let semi = common::temp_file("s.csv", b"g;x\na;1\na;3\nb;2\nb;8\n");
    let tab = common::temp_file("t.tsv", b"g\tx\na\t1\na\t3\nb\t2\nb\t8\n");
    let run = |p: &std::path::Path| {
        let o = gini(&[
            "compute",
            p.to_str().unwrap(),
            "--value",
            "x",
            "--by",
            "g",
            "--format",
            "csv",
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        stdout(&o)
    };
    let expected = run(&comma.path);
    assert_eq!(run(&semi.path), expected);
    assert_eq!(run(&tab.path), expected);
    let dir = comma.dir.path().to_str().unwrap().to_string();
    let o = gini(&["compute", &dir, "--value", "x"]);
    assert_data_error(&o, &["it is a directory"]);
}

/// Values near the top of the double range give the results their scaled-down copy gives
/// (every measure here is scale-invariant or scales exactly); a result truly outside the
/// range (GE(1000) of ordinary data) is an error naming the measure, never a blank cell with
/// exit status 0.
#[test]
fn results_at_the_edge_of_the_double_range() {
    let big = common::temp_file("big.csv", b"x\n1e306\n2e307\n5e306\n3e307\n");
    // The same numbers times 2^-1000 (an exact scaling): 1e306 * 2^-1000 etc.
    let scaled: Vec<String> = [1e306f64, 2e307, 5e306, 3e307]
        .iter()
        .map(|v| format!("{:?}", v * 2f64.powi(-1000)))
        .collect();
    let small = common::temp_file(
        "small.csv",
        format!("x\n{}\n", scaled.join("\n")).as_bytes(),
    );
    let run = |f: &common::TempFile, se: bool| {
        let mut args = vec![
            "compute",
            f.path.to_str().unwrap(),
            "--value",
            "x",
            "--measures",
            "gini,theil_t,cv,share_top20",
            "--format",
            "csv",
        ];
        if se {
            args.extend(["--se", "linearization"]);
        }
        let o = gini(&args);
        assert!(o.status.success(), "{}", stderr(&o));
        stdout(&o)
    };
    let (b, s) = (run(&big, false), run(&small, false));
    assert!(!b.contains(",,"), "a blank cell: {b}");
    assert_eq!(b, s);
    // Standard errors: the same to rounding (Theil's influence takes ln x, which a power of
    // two shifts by k·ln 2).
    let (b, s) = (run(&big, true), run(&small, true));
    assert!(!b.contains(",,"), "a blank cell: {b}");
    for (lb, ls) in b.lines().zip(s.lines()).skip(1) {
        for (cb, cs) in lb.split(',').zip(ls.split(',')).skip(1) {
            let (vb, vs): (f64, f64) = (cb.parse().unwrap(), cs.parse().unwrap());
            assert!((vb - vs).abs() <= 1e-12 * vs.abs(), "{lb} vs {ls}");
        }
    }
    let ordinary = common::temp_file("ord.csv", b"x\n1\n2\n30\n");
    let o = gini(&[
        "compute",
        ordinary.path.to_str().unwrap(),
        "--value",
        "x",
        "--measures",
        "ge_1000",
    ]);
    assert_data_error(
        &o,
        &[
            "ord.csv",
            "column 'x'",
            "ge_1000 is undefined",
            "double precision",
        ],
    );
    assert!(stdout(&o).is_empty());
}

/// `-` reads CSV from standard input, once (the same rows as the file; messages name it).
#[test]
fn standard_input_is_read_once() {
    use std::io::Write;
    let text = b"g;x\na;1\na;3\nb;2\nb;8\n";
    let f = common::temp_file("in.csv", text);
    let from_file = gini(&[
        "compute",
        f.path.to_str().unwrap(),
        "--value",
        "x",
        "--by",
        "g",
        "--format",
        "csv",
    ]);
    let mut child = common::gini_command()
        .args([
            "compute", "-", "--value", "x", "--by", "g", "--format", "csv",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(text).unwrap();
    let from_stdin = child.wait_with_output().unwrap();
    assert!(from_stdin.status.success(), "{}", stderr(&from_stdin));
    assert_eq!(stdout(&from_stdin), stdout(&from_file));
    let mut child = common::gini_command()
        .args(["compute", "-", "--value", "y"])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(text).unwrap();
    let o = child.wait_with_output().unwrap();
    assert_data_error(&o, &["standard input", "no column named 'y'", "g, x"]);
}

/// A header naming a column twice, and a row with more fields than the header, are named.
#[test]
fn duplicated_headers_and_ragged_rows_are_named() {
    let dup = common::temp_file("dup.csv", b"x,g,x\n1,a,5\n2,b,6\n");
    let o = gini(&["compute", dup.path.to_str().unwrap(), "--value", "x"]);
    assert_data_error(
        &o,
        &["dup.csv", "names the column 'x' twice", "fields 1 and 3"],
    );
    let ragged = common::temp_file("rag.csv", b"g,x\na,1\nb,2,3\nc,4\n");
    let o = gini(&[
        "compute",
        ragged.path.to_str().unwrap(),
        "--value",
        "x",
        "--by",
        "g",
    ]);
    assert_data_error(
        &o,
        &["rag.csv", "data row 2 has 3 field(s)", "header has 2"],
    );
    // A separator inside a quoted value is not a field of its own.
    let quoted = common::temp_file("q.csv", b"g,x\na,1\n\"b,c\",2\n");
    let o = gini(&[
        "compute",
        quoted.path.to_str().unwrap(),
        "--value",
        "x",
        "--by",
        "g",
        "--format",
        "csv",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("\"b,c\",gini"));
}

#[test]
fn gzip_compressed_csv_reads_like_the_plain_file() {
    use std::io::Write;
    let csv = "province;value\n01;100\n01;250\n1;90\n1;400\n";
    let plain = common::temp_file("t.csv", csv.as_bytes());
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(csv.as_bytes()).unwrap();
    let zipped = common::temp_file("t.csv.gz", &gz.finish().unwrap());
    let args = |p: &str| {
        vec![
            "compute", p, "--value", "value", "--by", "province", "--format", "csv",
        ]
        .into_iter()
        .map(String::from)
        .collect::<Vec<_>>()
    };
    let a = gini(
        &args(plain.path.to_str().unwrap())
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    let b = gini(
        &args(zipped.path.to_str().unwrap())
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    assert!(b.status.success(), "{}", String::from_utf8_lossy(&b.stderr));
    assert_eq!(a.stdout, b.stdout);
    // Codes 01 and 1 stay two groups, as in the plain file.
    assert!(
        String::from_utf8_lossy(&b.stdout).contains("\n01,")
            && String::from_utf8_lossy(&b.stdout).contains("\n1,")
    );
    // A damaged archive is named, exit 1.
    let broken = common::temp_file("broken.csv.gz", &[0x1f, 0x8b, 8, 0, 0, 0]);
    let c = gini(&["compute", broken.path.to_str().unwrap(), "--value", "value"]);
    assert_eq!(c.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&c.stderr).contains("gzip"));
}

/// Standard errors and replicate runs that would not fit in the memory available stop at
/// once with both figures and the ways out (exit 1), instead of being killed by the system.
#[test]
fn runs_that_would_not_fit_in_memory_are_refused_before_they_start() {
    let base = [
        "compute",
        "--value",
        "expenditure_per_capita",
        "--weight",
        "weight",
        "--strata",
        "stratum",
        "--psu",
        "psu",
        "--quiet",
    ];
    // 300,000 households written as CSV here (CSV reads are not estimated in advance): their
    // standard errors need about 17 MB (56 bytes a row: design and sort). 75,000 households
    // (September): a million bootstrap replicates about 190 MB.
    let dir = std::env::temp_dir().join(format!("ginikit-memory-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let big = dir.join("households.csv");
    let mut text = String::from("expenditure_per_capita,weight,stratum,psu\n");
    for i in 0..300_000u32 {
        text.push_str(&format!(
            "{},{},{},{}\n",
            i % 997 + 1,
            1 + i % 7,
            i % 50,
            i / 10
        ));
    }
    std::fs::write(&big, text).unwrap();
    let big = big.to_str().unwrap().to_string();
    for (file, extra, limit, says) in [
        (
            big.as_str(),
            &["--se", "linearization"][..],
            "13MiB",
            "standard errors for groups of up to 300000 observations",
        ),
        (
            "datasets/susenas-synthetic/2018-09.parquet",
            &["--se", "bootstrap", "--replicates", "1000000"][..],
            "100MiB",
            "1000000 replicates",
        ),
    ] {
        let mut args = base.to_vec();
        args.insert(1, file);
        args.extend(extra);
        let out = common::gini_command()
            .args(&args)
            .env("GINIKIT_MEMORY_LIMIT", limit)
            .output()
            .unwrap();
        let e = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{e}");
        assert!(
            e.contains(says)
                && e.contains(&format!(
                    "but {} are available",
                    limit.replace("MiB", " MiB")
                ))
                && e.contains("GINIKIT_MEMORY_LIMIT"),
            "{e}"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A `gini` built without the engines says how to build one with them (exit 2), for
/// `--engine datafusion`, `--cluster` and `gini cluster`; and in a build with the cluster,
/// an address that is not `df://HOST:PORT` is a usage error and a scheduler that does not
/// answer is named (exit 1).
#[test]
fn engines_that_are_not_built_or_not_reachable_are_named() {
    let f = common::temp_file("e.csv", GOOD.as_bytes());
    let file = f.path.to_str().unwrap();
    let compute = |extra: &[&str]| {
        let mut args = vec!["compute", file, "--value", "kapita"];
        args.extend(extra);
        gini(&args)
    };
    let usage = |o: &Output, says: &str| {
        let e = stderr(o);
        assert_eq!(o.status.code(), Some(2), "{e}");
        assert!(e.contains(says), "'{says}' missing from: {e}");
    };
    if cfg!(not(feature = "datafusion")) {
        usage(
            &compute(&["--engine", "datafusion"]),
            "cargo build --release --features datafusion",
        );
    }
    if cfg!(not(feature = "cluster")) {
        let build = "cargo build --release --features cluster";
        usage(&compute(&["--cluster", "df://127.0.0.1:50050"]), build);
        usage(&gini(&["cluster", "scheduler"]), build);
        usage(&gini(&["cluster", "executor", "--port", "50051"]), build);
    } else {
        usage(
            &compute(&["--cluster", "127.0.0.1:50050"]),
            "df://HOST:PORT",
        );
        // Port 1 on this machine: nothing listens there.
        let o = compute(&["--cluster", "df://127.0.0.1:1"]);
        assert_data_error(
            &o,
            &[
                "scheduler at df://127.0.0.1:1 does not answer",
                "gini cluster scheduler",
            ],
        );
    }
    usage(
        &compute(&["--cluster", "df://127.0.0.1:1", "--engine", "memory"]),
        "cannot be used with",
    );
}
