//! The library's layers, checked on its sources: arrows run one way.
//!
//! 1. the numeric core — `kernel` (private), `sample`, `measure`, `survey`, `grouped`,
//!    `decompose`, `attribute`, `simulate`, `report` (its renderers), `memory`, `error` —
//!    builds without polars and names none of the layers above it;
//! 2. the table layer — `table` and `report::tidy` (the rows of its results) — reads tables
//!    with polars and names no part of the application;
//! 3. the application — `bps`, `synth`, `reproduce`: the BPS reproduction, built on both.
//!
//! Inside the core, `kernel` names nothing, `sample` only the kernel, `measure` not `survey`.

use std::path::Path;

/// The `crate::<module>` names in the Rust files under `path` (a directory or one file),
/// outside comments, each with its file and line.
fn named_modules(path: &Path) -> Vec<(String, String)> {
    let mut files = Vec::new();
    if path.is_dir() {
        for e in std::fs::read_dir(path).unwrap().flatten() {
            files.extend(named_modules(&e.path()));
        }
        return files;
    }
    if path.extension().is_none_or(|e| e != "rs") {
        return files;
    }
    let text = std::fs::read_to_string(path).unwrap();
    for (i, line) in text.lines().enumerate() {
        let code = line.trim_start();
        if code.starts_with("//") {
            continue;
        }
        for (at, _) in code.match_indices("crate::") {
            let module: String = code[at + 7..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            files.push((module, format!("{}:{}", path.display(), i + 1)));
        }
    }
    files
}

#[test]
fn arrows_run_from_the_application_to_the_table_layer_to_the_core() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let application = ["bps", "synth", "reproduce"];
    let table = ["table"];
    let rules: &[(&str, &[&str])] = &[
        (
            "kernel",
            &["sample", "measure", "survey", "table", "report"],
        ),
        (
            "sample",
            &["measure", "survey", "table", "report", "attribute"],
        ),
        ("measure", &["survey", "table", "report"]),
        ("survey", &["table", "report"]),
        ("grouped", &["table"]),
        ("decompose", &["table"]),
        ("attribute", &["table"]),
        ("simulate", &["table"]),
        ("report/mod.rs", &["table"]),
        ("report/plot.rs", &["table"]),
        ("memory.rs", &["table"]),
        ("error.rs", &["table"]),
        ("table", &[]),
        ("report/tidy.rs", &[]),
    ];
    let mut wrong = Vec::new();
    for (place, forbidden) in rules {
        let below_table = !matches!(*place, "table" | "report/tidy.rs");
        for (module, at) in named_modules(&src.join(place)) {
            let named = |list: &[&str]| list.contains(&module.as_str());
            if named(forbidden) || named(&application) || (below_table && named(&table)) {
                wrong.push(format!("{at}: crate::{module}"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "arrows against the layers:\n{}",
        wrong.join("\n")
    );
}
