//! The catalogue of hostile but realistic input: every case exits with the right status
//! (1 for data, 2 for usage, 0 only with numbers), never panics, never prints a blank number,
//! and its message names the file, the column and the row where there is one.

mod common;

use std::process::Command;

struct Case {
    name: &'static str,
    csv: &'static [u8],
    args: &'static [&'static str],
    status: i32,
    /// Substrings the message (stderr) must contain; `{file}` stands for the file's path.
    says: &'static [&'static str],
}

const CASES: &[Case] = &[
    Case {
        name: "BOM and CRLF",
        csv: b"\xEF\xBB\xBFx,g\r\n1,a\r\n2,a\r\n3,b\r\n",
        args: &["--value", "x", "--by", "g"],
        status: 0,
        says: &[],
    },
    Case {
        name: "quoted fields with separators",
        csv: b"x,g\n\"1\",\"a,b\"\n2,\"a,b\"\n",
        args: &["--value", "x", "--by", "g"],
        status: 0,
        says: &[],
    },
    Case {
        name: "unicode column names",
        csv: b"pengeluaran_\xC3\xA9,wilayah\n1,a\n2,a\n",
        args: &["--value", "pengeluaran_\u{e9}", "--by", "wilayah"],
        status: 0,
        says: &[],
    },
    Case {
        name: "missing column",
        csv: b"x\n1\n",
        args: &["--value", "y"],
        status: 1,
        says: &["{file}", "no column named 'y'", "--value"],
    },
    Case {
        name: "semicolon file, comma assumed nowhere",
        csv: b"x;g\n1;a\n",
        args: &["--value", "y"],
        status: 1,
        says: &["no column named 'y'", "x, g"],
    },
    Case {
        name: "a pipe-separated file says what separates its header",
        csv: b"x|w\n1|2\n",
        args: &["--value", "x"],
        status: 1,
        says: &["{file}", "no column named 'x'", "separated by '|'"],
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
    },
    Case {
        name: "a share ratio whose bottom share is zero",
        csv: b"x\n0\n0\n0\n5\n6\n0\n0\n0\n0\n9\n",
        args: &["--value", "x", "--measures", "s80_s20"],
        status: 1,
        says: &["{file}", "column 'x'", "bottom 20 % hold none"],
    },
    Case {
        name: "text in a numeric column",
        csv: b"x\n1\nabc\n3\n",
        args: &["--value", "x"],
        status: 1,
        says: &["{file}", "column 'x'", "row 2", "abc"],
    },
    Case {
        name: "empty cell",
        csv: b"x\n1\n\n3\n",
        args: &["--value", "x"],
        status: 1,
        says: &["column 'x'"],
    },
    Case {
        name: "NaN value",
        csv: b"x\n1\nNaN\n3\n",
        args: &["--value", "x"],
        status: 1,
        says: &["column 'x'", "row 2"],
    },
    Case {
        name: "infinite value",
        csv: b"x\n1\ninf\n3\n",
        args: &["--value", "x"],
        status: 1,
        says: &["column 'x'", "row 2"],
    },
    Case {
        name: "NA cell",
        csv: b"x\n1\nNA\n3\n",
        args: &["--value", "x"],
        status: 1,
        says: &["column 'x'", "row 2"],
    },
    Case {
        name: "negative weight",
        csv: b"x,w\n1,1\n2,-2\n",
        args: &["--value", "x", "--weight", "w"],
        status: 1,
        says: &["column 'w'", "row 2", "-2"],
    },
    Case {
        name: "all-zero weights in a group",
        csv: b"x,w,g\n1,1,a\n2,0,b\n",
        args: &["--value", "x", "--weight", "w", "--by", "g"],
        status: 1,
        says: &["g=b", "weights are zero"],
    },
    Case {
        name: "zero household size",
        csv: b"x,s\n1,1\n2,0\n",
        args: &["--value", "x", "--size", "s"],
        status: 1,
        says: &["column 's'", "row 2"],
    },
    Case {
        name: "negative values under theil",
        csv: b"x\n1\n-2\n3\n",
        args: &["--value", "x", "--measures", "theil_t"],
        status: 1,
        says: &["column 'x'", "row 2", "--non-positive exclude"],
    },
    Case {
        name: "ragged row",
        csv: b"x,g\n1,a\n2,a,extra\n",
        args: &["--value", "x", "--by", "g"],
        status: 1,
        says: &["row 2"],
    },
    Case {
        name: "duplicate header",
        csv: b"x,x\n1,2\n",
        args: &["--value", "x"],
        status: 1,
        says: &["'x' twice", "fields 1 and 2"],
    },
    Case {
        name: "header only",
        csv: b"x\n",
        args: &["--value", "x"],
        status: 1,
        says: &["no data rows"],
    },
    Case {
        name: "empty file",
        csv: b"",
        args: &["--value", "x"],
        status: 1,
        says: &["{file}"],
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
        says: &["--lonely-psu"],
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
    },
    Case {
        name: "one-row group with SEs",
        csv: b"x,g\n1,a\n2,a\n3,b\n",
        args: &["--value", "x", "--by", "g", "--se", "linearization"],
        status: 1,
        says: &["g=b", "1 observation"],
    },
    Case {
        name: "bad --level",
        csv: b"x\n1\n2\n",
        args: &["--value", "x", "--se", "linearization", "--level", "95"],
        status: 2,
        says: &["level"],
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
    },
    Case {
        name: "unknown measure",
        csv: b"x\n1\n",
        args: &["--value", "x", "--measures", "gni"],
        status: 2,
        says: &["unknown measure 'gni'", "gini"],
    },
    Case {
        name: "parameter out of range",
        csv: b"x\n1\n",
        args: &["--value", "x", "--measures", "quantile_1.5"],
        status: 2,
        says: &["p in [0, 1]"],
    },
    Case {
        name: "poverty measure without a line",
        csv: b"x\n1\n",
        args: &["--value", "x", "--measures", "fgt0"],
        status: 1,
        says: &["--poverty-line"],
    },
    Case {
        name: "zero poverty line in a column",
        csv: b"x,z\n1,5\n2,0\n",
        args: &["--value", "x", "--measures", "fgt0", "--poverty-line", "z"],
        status: 1,
        says: &["column 'z'", "row 2"],
    },
    Case {
        name: "extreme values still give numbers",
        csv: b"x\n1e306\n2e307\n5e306\n",
        args: &["--value", "x", "--measures", "gini,mean,theil_t,cv"],
        status: 0,
        says: &[],
    },
    Case {
        name: "subnormal values",
        csv: b"x\n1e-310\n2e-310\n4e-310\n",
        args: &["--value", "x", "--measures", "gini,cv"],
        status: 0,
        says: &[],
    },
    Case {
        name: "group codes kept as written",
        csv: b"x,g\n1,01\n2,01\n3,1\n4,1\n",
        args: &["--value", "x", "--by", "g", "--measures", "mean"],
        status: 0,
        says: &[],
    },
];

fn run(case: &Case) -> (i32, String, String) {
    let file = common::temp_file("case.csv", case.csv);
    let path = file.path.to_str().unwrap().to_string();
    let mut args = vec!["compute".to_string(), path.clone()];
    args.extend(case.args.iter().map(|s| s.to_string()));
    args.extend(["--format".into(), "csv".into()]);
    let out = Command::new(env!("CARGO_BIN_EXE_gini"))
        .args(&args)
        .output()
        .unwrap();
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
    let out = Command::new(env!("CARGO_BIN_EXE_gini"))
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
    let mut child = Command::new(env!("CARGO_BIN_EXE_gini"))
        .args(["compute", f.path.to_str().unwrap(), "--value", "x"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
}
