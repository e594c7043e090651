//! The catalogue of hostile but realistic input: every case exits with the right status
//! (1 for data, 2 for usage, 0 only with numbers), never panics, never prints a blank number,
//! and its message names the file, the column and the row where there is one.

mod common;

struct Case {
    name: &'static str,
    csv: &'static [u8],
    args: &'static [&'static str],
    status: i32,
    /// Substrings the message (stderr) must contain; `{file}` stands for the file's path.
    says: &'static [&'static str],
    /// For a case that succeeds, the numbers it must print: (group, measure, value derived by
    /// hand in the comment beside it); the group is "" without --by.
    numbers: &'static [(&'static str, &'static str, f64)],
}

const CASES: &[Case] = &[
    Case {
        name: "BOM and CRLF",
        csv: b"\xEF\xBB\xBFx,g\r\n1,a\r\n2,a\r\n3,b\r\n",
        args: &["--value", "x", "--by", "g"],
        status: 0,
        says: &[],
        numbers: &[
            // a: 1, 2 — Gini Σ|xᵢ−xⱼ|/(2n²μ) = 2/(8·1.5) = 1/6; bottom 40 % = 0.8 of the first
            // person's 1 over 3; b: one person, Gini 0.
            ("a", "gini", 1.0 / 6.0),
            ("a", "mean", 1.5),
            ("a", "share_bottom40", 0.8 / 3.0),
            ("a", "share_middle40", 1.4 / 3.0),
            ("b", "gini", 0.0),
            ("b", "mean", 3.0),
        ],
    },
    Case {
        name: "quoted fields with separators",
        csv: b"x,g\n\"1\",\"a,b\"\n2,\"a,b\"\n",
        args: &["--value", "x", "--by", "g"],
        status: 0,
        says: &[],
        numbers: &[("a,b", "gini", 1.0 / 6.0), ("a,b", "mean", 1.5)],
    },
    Case {
        name: "unicode column names",
        csv: b"pengeluaran_\xC3\xA9,wilayah\n1,a\n2,a\n",
        args: &["--value", "pengeluaran_\u{e9}", "--by", "wilayah"],
        status: 0,
        says: &[],
        numbers: &[("a", "gini", 1.0 / 6.0), ("a", "mean", 1.5)],
    },
    Case {
        name: "missing column",
        csv: b"x\n1\n",
        args: &["--value", "y"],
        status: 1,
        says: &["{file}", "no column named 'y'", "--value"],
        numbers: &[],
    },
    Case {
        name: "semicolon file, comma assumed nowhere",
        csv: b"x;g\n1;a\n",
        args: &["--value", "y"],
        status: 1,
        says: &["no column named 'y'", "x, g"],
        numbers: &[],
    },
    Case {
        name: "a pipe-separated file says what separates its header",
        csv: b"x|w\n1|2\n",
        args: &["--value", "x"],
        status: 1,
        says: &["{file}", "no column named 'x'", "separated by '|'"],
        numbers: &[],
    },
    Case {
        name: "weight times household size beyond the double range",
        csv: b"x,w,s\n1,1e300,1e300\n2,1,1\n",
        args: &["--value", "x", "--weight", "w", "--size", "s"],
        status: 1,
        says: &[
            "{file}",
            "column 'w'",
            "column 's'",
            "row 1",
            "person weights",
        ],
        numbers: &[],
    },
    Case {
        name: "a share ratio whose bottom share is zero",
        csv: b"x\n0\n0\n0\n5\n6\n0\n0\n0\n0\n9\n",
        args: &["--value", "x", "--measures", "s80_s20"],
        status: 1,
        says: &["{file}", "column 'x'", "bottom 20 % hold none"],
        numbers: &[],
    },
    Case {
        name: "text in a numeric column",
        csv: b"x\n1\nabc\n3\n",
        args: &["--value", "x"],
        status: 1,
        says: &["{file}", "column 'x'", "row 2", "abc"],
        numbers: &[],
    },
    Case {
        name: "empty cell",
        csv: b"x\n1\n\n3\n",
        args: &["--value", "x"],
        status: 1,
        says: &["{file}", "column 'x'", "first at row 2", "fill or remove"],
        numbers: &[],
    },
    Case {
        name: "NaN value",
        csv: b"x\n1\nNaN\n3\n",
        args: &["--value", "x"],
        status: 1,
        says: &["column 'x'", "row 2"],
        numbers: &[],
    },
    Case {
        name: "infinite value",
        csv: b"x\n1\ninf\n3\n",
        args: &["--value", "x"],
        status: 1,
        says: &["column 'x'", "row 2"],
        numbers: &[],
    },
    Case {
        name: "NA cell",
        csv: b"x\n1\nNA\n3\n",
        args: &["--value", "x"],
        status: 1,
        says: &["column 'x'", "row 2"],
        numbers: &[],
    },
    Case {
        name: "negative weight",
        csv: b"x,w\n1,1\n2,-2\n",
        args: &["--value", "x", "--weight", "w"],
        status: 1,
        says: &["column 'w'", "row 2", "-2"],
        numbers: &[],
    },
    Case {
        name: "all-zero weights in a group",
        csv: b"x,w,g\n1,1,a\n2,0,b\n",
        args: &["--value", "x", "--weight", "w", "--by", "g"],
        status: 1,
        says: &["g=b", "weights are zero"],
        numbers: &[],
    },
    Case {
        name: "zero household size",
        csv: b"x,s\n1,1\n2,0\n",
        args: &["--value", "x", "--size", "s"],
        status: 1,
        says: &["column 's'", "row 2"],
        numbers: &[],
    },
    Case {
        name: "negative values under theil",
        csv: b"x\n1\n-2\n3\n",
        args: &["--value", "x", "--measures", "theil_t"],
        status: 1,
        says: &["column 'x'", "row 2", "--non-positive exclude"],
        numbers: &[],
    },
    Case {
        name: "a Latin-1 group name (not UTF-8)",
        csv: b"x,g\n1,a\n2,caf\xe9\n",
        args: &["--value", "x", "--by", "g"],
        status: 1,
        says: &[
            "{file}",
            "line 3 (data row 2)",
            "not UTF-8",
            "0xe9",
            "iconv",
        ],
        numbers: &[],
    },
    Case {
        name: "a quote that is never closed",
        csv: b"x,g\n1,a\n2,\"b\n3,c\n",
        args: &["--value", "x", "--by", "g"],
        status: 1,
        says: &["{file}", "data row 2", "never closed"],
        numbers: &[],
    },
    Case {
        name: "a quote inside an unquoted value is an ordinary character",
        csv: b"x\n1\n2\"3,1\n",
        args: &["--value", "x"],
        status: 1,
        says: &["{file}", "data row 2 has 2 field(s)"],
        numbers: &[],
    },
    Case {
        name: "text after a closing quote",
        csv: b"x,g\n1,a\n2,\"b\" c\n",
        args: &["--value", "x", "--by", "g"],
        status: 1,
        says: &["{file}", "data row 2", "quoted value is followed"],
        numbers: &[],
    },
    Case {
        name: "a header that starts like a zlib stream",
        csv: b"x\x01\n1\n2\n",
        args: &["--value", "x"],
        status: 1,
        says: &["{file}", "compressed", "header line"],
        numbers: &[],
    },
    Case {
        // Found by the libFuzzer harness: quotes the reader refuses where the shape checks
        // see nothing wrong; the line is found by reading ever longer prefixes.
        name: "a line the CSV reader refuses for reasons of its own",
        csv: b"x\x0a\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x06d\"\"\x0a\x0a\"\x0a\x0afgt_\x0a\"\x0a\x00\x00\"r\x0a\x06\"\x00\"r\x0a\x04\x0a\"\"\x0a\x0a\"\x0a\x0afgt_*\"\x0a\x00\x00*r\x0a\x00\x00\x0ahhzh\"br\"",
        args: &["--value", "x"],
        status: 1,
        says: &["{file}", "the CSV reader fails at line 4"],
        numbers: &[],
    },
    Case {
        // Found by the libFuzzer harness: polars-io 0.55.2 panics on this header
        // (builder.rs:141); the reader's guard catches it and the shape check names the row.
        name: "a header on which the CSV library panics",
        csv: b"x,wzg,+\"\"\"\"\x07x,w,g,h\x0a1,1,a[de\"\"\"\"\",\"\"\"\",1\x0a2,6,a,1\x0a\"",
        args: &["--value", "x", "--weight", "w", "--by", "g", "--strata", "h", "--se", "linearization"],
        status: 1,
        says: &["{file}", "data row 1 has 5 field(s)"],
        numbers: &[],
    },
    Case {
        name: "ragged row",
        csv: b"x,g\n1,a\n2,a,extra\n",
        args: &["--value", "x", "--by", "g"],
        status: 1,
        says: &["row 2"],
        numbers: &[],
    },
    Case {
        name: "duplicate header",
        csv: b"x,x\n1,2\n",
        args: &["--value", "x"],
        status: 1,
        says: &["'x' twice", "fields 1 and 2"],
        numbers: &[],
    },
    Case {
        name: "header only",
        csv: b"x\n",
        args: &["--value", "x"],
        status: 1,
        says: &["no data rows"],
        numbers: &[],
    },
    Case {
        name: "empty file",
        csv: b"",
        args: &["--value", "x"],
        status: 1,
        says: &["{file}"],
        numbers: &[],
    },
    Case {
        name: "lonely PSU",
        csv: b"x,h,p\n1,1,1\n2,1,2\n3,2,3\n",
        args: &[
            "--value",
            "x",
            "--strata",
            "h",
            "--psu",
            "p",
            "--se",
            "linearization",
        ],
        status: 1,
        says: &["{file}", "column 'h'", "data row 3", "--lonely-psu"],
        numbers: &[],
    },
    Case {
        name: "bad fpc",
        csv: b"x,h,p,f\n1,1,1,abc\n2,1,2,abc\n",
        args: &[
            "--value",
            "x",
            "--strata",
            "h",
            "--psu",
            "p",
            "--fpc",
            "f",
            "--se",
            "linearization",
        ],
        status: 1,
        says: &["column 'f'", "row 1", "abc"],
        numbers: &[],
    },
    Case {
        name: "one-row group with SEs",
        csv: b"x,g\n1,a\n2,a\n3,b\n",
        args: &["--value", "x", "--by", "g", "--se", "linearization"],
        status: 1,
        says: &["g=b", "1 observation"],
        numbers: &[],
    },
    Case {
        name: "bad --level",
        csv: b"x\n1\n2\n",
        args: &["--value", "x", "--se", "linearization", "--level", "95"],
        status: 2,
        says: &["level"],
        numbers: &[],
    },
    Case {
        name: "non-positive --rep-scale",
        csv: b"x,r1\n1,1\n2,1\n",
        args: &[
            "--value",
            "x",
            "--se",
            "replicate-weights",
            "--repweights",
            "r1",
            "--rep-scale",
            "0",
        ],
        status: 2,
        says: &["rep-scale"],
        numbers: &[],
    },
    Case {
        name: "unknown measure",
        csv: b"x\n1\n",
        args: &["--value", "x", "--measures", "gni"],
        status: 2,
        says: &["unknown measure 'gni'", "gini"],
        numbers: &[],
    },
    Case {
        name: "parameter out of range",
        csv: b"x\n1\n",
        args: &["--value", "x", "--measures", "quantile_1.5"],
        status: 2,
        says: &["p in [0, 1]"],
        numbers: &[],
    },
    Case {
        name: "poverty measure without a line",
        csv: b"x\n1\n",
        args: &["--value", "x", "--measures", "fgt0"],
        status: 2,
        says: &["--poverty-line"],
        numbers: &[],
    },
    Case {
        name: "a very large inequality aversion is finite",
        csv: b"x\n1\n2\n3\n",
        args: &["--value", "x", "--measures", "atkinson_1000"],
        status: 0,
        says: &[],
        numbers: &[
            // 1 − (mean x^(1−ε))^(1/(1−ε))/μ with ε = 1000: (1 + 2^−999 + 3^−999)/3 to the
            // power −1/999 is 3^(1/999) to double precision; μ = 2.
            ("", "atkinson_1000", 0.4994498415471844), // 1 − 3^(1/999)/2
        ],
    },
    Case {
        name: "threshold percent written as a fraction",
        csv: b"x\n1\n2\n3\n",
        args: &["--value", "x", "--measures", "arpt_0.6"],
        status: 2,
        says: &["arpt_0.6", "percent", "[1, 1000]"],
        numbers: &[],
    },
    Case {
        name: "threshold percent as a percent",
        csv: b"x\n1\n2\n3\n4\n",
        args: &["--value", "x", "--measures", "arpt_60,arpr_60"],
        status: 0,
        says: &[],
        numbers: &[
            // laeken's median of 1, 2, 3, 4 is 3 (at an exact step it takes the next value):
            // threshold 0.6·3, and one person in four below it.
            ("", "arpt", 1.8),
            ("", "arpr", 0.25),
        ],
    },
    Case {
        name: "relative median gap with nobody below the threshold",
        csv: b"x\n5\n5\n5\n",
        args: &["--value", "x", "--measures", "rmpg"],
        status: 1,
        says: &["{file}", "column 'x'", "nobody is below", "arpr"],
        numbers: &[],
    },
    Case {
        name: "a confidence level without standard errors",
        csv: b"x\n1\n2\n",
        args: &["--value", "x", "--level", "0.9"],
        status: 2,
        says: &["--level", "--se"],
        numbers: &[],
    },
    Case {
        name: "an impossible confidence level without standard errors",
        csv: b"x\n1\n2\n",
        args: &["--value", "x", "--level", "1.5"],
        status: 2,
        says: &["--level 1.5", "between 0 and 1"],
        numbers: &[],
    },
    Case {
        name: "values beyond double precision's range at once",
        csv: b"x\n1e-308\n1e308\n3\n",
        args: &["--value", "x", "--measures", "gini"],
        status: 1,
        says: &[
            "{file}",
            "column 'x'",
            "1e-308",
            "1e308",
            "orders of magnitude",
        ],
        numbers: &[],
    },
    Case {
        name: "zeros under a measure of positive values: the flag that exists",
        csv: b"x\n0\n2\n3\n",
        args: &["--value", "x", "--measures", "mld"],
        status: 1,
        says: &["{file}", "column 'x'", "row 1", "--non-positive exclude"],
        numbers: &[],
    },
    Case {
        name: "zero poverty line in a column",
        csv: b"x,z\n1,5\n2,0\n",
        args: &["--value", "x", "--measures", "fgt0", "--poverty-line", "z"],
        status: 1,
        says: &["column 'z'", "row 2"],
        numbers: &[],
    },
    Case {
        name: "extreme values still give numbers",
        csv: b"x\n1e306\n2e307\n5e306\n",
        args: &["--value", "x", "--measures", "gini,mean,theil_t,cv"],
        status: 0,
        says: &[],
        numbers: &[
            // In units of 1e306: 1, 5, 20; μ = 26/3; Σ|xᵢ−xⱼ| = 76, Gini 76/(2·9·26/3) = 38/78;
            // Theil T = Σ rᵢ ln rᵢ / 3 with r = 3/26, 15/26, 60/26; CV = √(602/27)·3/26.
            ("", "gini", 38.0 / 78.0),
            ("", "mean", 2.6e307 / 3.0),
            ("", "theil_t", 0.4544324826947168),
            ("", "cv", 0.9436803189527153),
        ],
    },
    Case {
        name: "subnormal values",
        csv: b"x\n1e-310\n2e-310\n4e-310\n",
        args: &["--value", "x", "--measures", "gini,cv"],
        status: 0,
        says: &[],
        numbers: &[
            // In units of 1e-310: 1, 2, 4; Gini 12/(2·9·7/3) = 2/7; CV √(14/9)/(7/3).
            ("", "gini", 2.0 / 7.0),
            ("", "cv", 0.5345224838248487),
        ],
    },
    Case {
        name: "group codes kept as written",
        csv: b"x,g\n1,01\n2,01\n3,1\n4,1\n",
        args: &["--value", "x", "--by", "g", "--measures", "mean"],
        status: 0,
        says: &[],
        numbers: &[("01", "mean", 1.5), ("1", "mean", 3.5)],
    },
];

fn run(case: &Case) -> (i32, String, String) {
    let file = common::temp_file("case.csv", case.csv);
    let path = file.path.to_str().unwrap().to_string();
    let mut args = vec!["compute".to_string(), path.clone()];
    args.extend(case.args.iter().map(|s| s.to_string()));
    args.extend(["--format".into(), "csv".into()]);
    let out = common::gini_command().args(&args).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).replace(&path, "{file}");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).to_string(),
        stderr,
    )
}

#[test]
fn every_case_of_the_catalogue() {
    let mut failures = Vec::new();
    for case in CASES {
        let (status, stdout, stderr) = run(case);
        let mut problems = Vec::new();
        if status != case.status {
            problems.push(format!("exit {status}, expected {}", case.status));
        }
        if stderr.contains("panicked") || stderr.contains("RUST_BACKTRACE") {
            problems.push("panicked".into());
        }
        for s in case.says {
            if !stderr.contains(s) {
                problems.push(format!("message lacks '{s}'"));
            }
        }
        // A data error always names the file it is in.
        if status == 1 && !stderr.contains("{file}") {
            problems.push("a data error that does not name the file".into());
        }
        if status == 0 {
            // Every number cell is a number: no blank estimate.
            for line in stdout.lines().skip(1) {
                let est = line.split(',').rev().nth(2).unwrap_or("");
                if est.parse::<f64>().map_or(true, |v| !v.is_finite()) {
                    problems.push(format!("blank or non-finite estimate in '{line}'"));
                }
            }
            if stdout.lines().count() < 2 {
                problems.push("no rows".into());
            }
            for &(group, measure, want) in case.numbers {
                let key = if group.is_empty() {
                    format!("{measure},")
                } else {
                    // A group with a separator is quoted in CSV.
                    let g = if group.contains(',') {
                        format!("\"{group}\"")
                    } else {
                        group.to_string()
                    };
                    format!("{g},{measure},")
                };
                let got = stdout
                    .lines()
                    .find(|l| l.starts_with(&key))
                    .and_then(|l| l[key.len()..].split(',').next())
                    .and_then(|v| v.parse::<f64>().ok());
                match got {
                    Some(v) if (v - want).abs() <= 1e-12 * want.abs().max(1.0) => {}
                    other => {
                        problems.push(format!("{group} {measure}: {other:?}, expected {want}"))
                    }
                }
            }
            if case.numbers.is_empty() {
                problems.push("a case that succeeds must say which numbers it prints".into());
            }
        } else if !stderr.starts_with("gini: error:") {
            problems.push("the message is not one 'gini: error:' line".into());
        }
        if !problems.is_empty() {
            failures.push(format!(
                "{}: {} — stderr: {}",
                case.name,
                problems.join("; "),
                stderr.trim()
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn group_codes_are_never_merged() {
    let case = CASES
        .iter()
        .find(|c| c.name == "group codes kept as written")
        .unwrap();
    let (_, stdout, _) = run(case);
    assert!(
        stdout.contains("\n01,mean,1.5,") && stdout.contains("\n1,mean,3.5,"),
        "{stdout}"
    );
}

#[test]
fn unwritable_output_and_closed_stdout() {
    let f = common::temp_file("x.csv", b"x\n1\n2\n");
    let out = common::gini_command()
        .args([
            "compute",
            f.path.to_str().unwrap(),
            "--value",
            "x",
            "--output",
            "/nonexistent-dir/out.csv",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent-dir/out.csv"));
    // A reader that goes away early (`| head -1`) ends the program quietly.
    let mut child = common::gini_command()
        .args(["compute", f.path.to_str().unwrap(), "--value", "x"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
    assert_eq!(out.status.code(), Some(0));
}

/// Runs `gini` with `args` (`{a}`, `{b}` replaced by the paths of the two files) and returns
/// (status, stdout, stderr).
fn gini_with(args: &[&str], a: &str, b: &str) -> (i32, String, String) {
    let args: Vec<String> = args
        .iter()
        .map(|s| s.replace("{a}", a).replace("{b}", b))
        .collect();
    let out = common::gini_command().args(&args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

/// Cases beyond `compute`: each subcommand's exit status and message.
#[test]
fn other_subcommands_name_what_is_wrong_and_what_works() {
    let zeros = common::temp_file("zeros.csv", b"st,x\nA,0\nA,2\nB,3\nB,4\nA,5\nB,6\n");
    let r1 = common::temp_file("r1.csv", b"st,x\nA,1\nA,2\nB,3\nB,4\nA,5\nB,6\n");
    let r2 = common::temp_file(
        "r2.csv",
        b"st,x\nA,1.5\nA,2\nB,3\nB,4.5\nA,5\nB,6\nC,7\nC,8\n",
    );
    let (z, a, b) = (
        zeros.path.to_str().unwrap(),
        r1.path.to_str().unwrap(),
        r2.path.to_str().unwrap(),
    );
    // decompose has no --non-positive: the hint must not name it.
    let (status, _, err) = gini_with(
        &[
            "decompose",
            "{a}",
            "{a}",
            "--by",
            "st",
            "--value",
            "x",
            "--measures",
            "mld",
            "--se",
            "jackknife",
        ],
        z,
        z,
    );
    assert_eq!(status, 1, "{err}");
    assert!(
        err.contains("zeros.csv") && err.contains("column 'x'"),
        "{err}"
    );
    assert!(!err.contains("--non-positive"), "{err}");
    assert!(err.contains("takes positive values only"), "{err}");
    // A round against itself, and a negative deflator after a space.
    let (status, _, err) = gini_with(&["gic", "{a}", "{a}", "--value", "x"], a, a);
    assert_eq!(status, 2, "{err}");
    assert!(err.contains("compared with itself"), "{err}");
    let (status, _, err) = gini_with(
        &["gic", "{a}", "{b}", "--value", "x", "--deflator", "-1"],
        a,
        b,
    );
    assert_eq!(status, 2, "{err}");
    assert!(
        err.contains("deflator") && err.contains("-1") && !err.contains("tip"),
        "{err}"
    );
    // A group present in one round only is named, in trend and gic alike.
    for sub in ["trend", "gic"] {
        let (status, out, err) = gini_with(
            &[
                sub, "{a}", "{b}", "--value", "x", "--by", "st", "--format", "csv",
            ],
            a,
            b,
        );
        assert_eq!(status, 0, "{sub}: {err}");
        assert!(
            err.contains("group C is in round r2 but not in round r1"),
            "{sub}: {err}"
        );
        assert!(!out.lines().any(|l| l.starts_with("C,")), "{sub}: {out}");
    }
}

/// A file cut inside its value-label table (the last part of a Stata file) and one cut in
/// its data: both refused as truncated, never read with codes where labels were meant.
#[test]
fn truncated_stata_and_spss_files_are_named() {
    let cut = |name: &str, keep: fn(usize) -> usize| {
        let bytes = std::fs::read(common::repo_path(&format!("tests/golden/{name}"))).unwrap();
        let n = keep(bytes.len());
        common::temp_file(&format!("cut_{name}"), &bytes[..n])
    };
    let cases = [
        (cut("households.dta", |n| n - 40), "</stata_dta>"),
        (cut("households.dta", |n| n / 2), "</stata_dta>"),
        (cut("households.sav", |n| n / 2), "ran out of bytes"),
    ];
    for (file, detail) in &cases {
        let p = file.path.to_str().unwrap();
        let (status, _, err) = gini_with(
            &["compute", "{a}", "--value", "kapita", "--by", "r101"],
            p,
            p,
        );
        assert_eq!(status, 1, "{err}");
        assert!(
            err.contains(p) && err.contains("ends early") && err.contains(detail),
            "{err}"
        );
        assert!(!err.contains("--input-format"), "{err}");
    }
}

/// A damaged SPSS dictionary that declares a string wider than the case is refused with
/// the variable's name (it used to index past the end of the case and panic).
#[test]
fn spss_variable_wider_than_the_case_is_named() {
    let mut bytes = std::fs::read(common::repo_path("tests/golden/households.sav")).unwrap();
    // A variable record is: type 2, width, has label, missing count, print, write, name[8].
    let name = bytes
        .windows(8)
        .position(|w| w == b"KAPITA  " || w == b"kapita  ");
    let at = name.expect("the kapita variable record") - 20;
    bytes[at..at + 4].copy_from_slice(&200_000i32.to_le_bytes());
    let file = common::temp_file("wide_households.sav", &bytes);
    let p = file.path.to_str().unwrap();
    let (status, out, err) = gini_with(
        &["compute", "{a}", "--value", "kapita", "--by", "r101"],
        p,
        p,
    );
    assert_eq!(status, 1, "{out}{err}");
    assert!(
        err.contains(p) && err.contains("variable") && err.contains("slots"),
        "{err}"
    );
}

/// A synthetic round larger than memory is refused with the figures before anything is
/// allocated (it used to abort on the allocation).
#[test]
fn synth_refuses_rounds_beyond_memory() {
    let dir = std::env::temp_dir();
    let out = dir.join("ginikit_never_written.parquet");
    let out = out.to_str().unwrap();
    for households in ["18446744073709551615", "100000000000"] {
        let (status, _, err) = gini_with(
            &[
                "synth",
                "--round",
                "2018-03",
                "--households",
                households,
                "--output",
                "{a}",
            ],
            out,
            out,
        );
        assert_eq!(status, 1, "{err}");
        assert!(err.contains("GiB") && err.contains("--census"), "{err}");
        assert!(!std::path::Path::new(out).exists());
    }
}

/// `/dev/stdin` given by name, fed from a pipe, is read as standard input is.
#[test]
fn a_named_pipe_is_read_front_to_back() {
    use std::io::Write;
    let mut child = common::gini_command()
        .args([
            "compute",
            "/dev/stdin",
            "--value",
            "x",
            "--measures",
            "mean",
            "--format",
            "csv",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"x\n1\n2\n6\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stdout.contains("mean,3,3,3"), "{stdout}");
}
