//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::PathBuf;

/// The test-vector files as (header → value) records, split by the library's one CSV splitter.
pub fn read_csv(path: &str) -> Vec<HashMap<String, String>> {
    // Relative paths are the repository's (the program's tests run from cli/).
    let text = std::fs::read_to_string(repo_root().join(path))
        .expect("test data file is part of the repository");
    let mut records = ginikit::internals::csv_records(&text);
    let header = records.remove(0);
    records
        .into_iter()
        .filter(|r| r.len() > 1)
        .map(|r| header.iter().cloned().zip(r).collect())
        .collect()
}

/// Semicolon-separated numbers.
pub fn numbers(s: &str) -> Vec<f64> {
    s.split(';')
        .filter(|t| !t.is_empty())
        .map(|t| t.trim().parse().expect("a number"))
        .collect()
}

/// The repository's top directory: the library's manifest directory, the parent of the
/// program's (cli/), whose tests these files also are.
pub fn repo_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    if manifest.join("datasets").is_dir() {
        manifest
    } else {
        manifest
            .parent()
            .expect("cli/ lies in the repository")
            .to_path_buf()
    }
}

pub fn repo_path(rel: &str) -> PathBuf {
    repo_root().join(rel)
}

/// The `gini` program, run from the repository's top directory so that the paths the
/// tests give it (`tests/golden/…`, `datasets/…`) are the repository's.
// The library's tests share this module but never call this function: the variable is
// defined only when compiling the program's tests, and a call elsewhere is a test bug.
#[allow(clippy::option_env_unwrap)]
pub fn gini_command() -> std::process::Command {
    let program = option_env!("CARGO_BIN_EXE_gini")
        .expect("only the program's tests (cli/Cargo.toml) run the program");
    let mut c = std::process::Command::new(program);
    c.current_dir(repo_root());
    c
}

/// Runs `gini` with `args` (from the repository's top directory).
pub fn gini(args: &[&str]) -> std::process::Output {
    gini_command().args(args).output().expect("run gini")
}

/// Runs `gini` with `args` on `threads` threads (`RAYON_NUM_THREADS`).
pub fn gini_on_threads(args: &[&str], threads: &str) -> std::process::Output {
    gini_command()
        .args(args)
        .env("RAYON_NUM_THREADS", threads)
        .output()
        .expect("run gini")
}

/// Output bytes as text (lossy: a test failure should still print).
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).to_string()
}

/// Relative agreement required with a peer package's value or an O(n²) definition computed
/// in double precision: far above the rounding of either side (~1e-15 on these data), far
/// below any difference of definition.
pub const PEER: f64 = 1e-12;

/// Relative agreement required where both sides are exact up to a few roundings (the same
/// sums in another order, an exact reference in wider arithmetic).
pub const ROUNDING: f64 = 4e-15;

/// Runs `gini` with `args` and extra environment variables: (exit status, stdout, stderr).
pub fn run_gini(args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let mut c = gini_command();
    c.args(args);
    for (k, v) in env {
        c.env(k, v);
    }
    let out = c.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

/// A temporary file with the given contents; the directory lives as long as the value.
pub struct TempFile {
    pub dir: tempfile::TempDir,
    pub path: PathBuf,
}

pub fn temp_file(name: &str, contents: &[u8]) -> TempFile {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join(name);
    std::fs::write(&path, contents).expect("write temporary file");
    TempFile { dir, path }
}

/// Deterministic pseudo-random numbers for test data (SplitMix64).
pub struct Rng(pub u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E3779B97F4A7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58476D1CE4E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D049BB133111EB);
        z ^ (z >> 31)
    }
    /// Uniform in (0, 1).
    pub fn uniform(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }
    /// A standard normal draw (Box–Muller).
    pub fn normal(&mut self) -> f64 {
        let (u, v) = (self.uniform(), self.uniform());
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
    /// Log-normal-ish positive money values.
    pub fn income(&mut self) -> f64 {
        let u = self.uniform();
        (8.0 + 2.0 * (u / (1.0 - u)).ln() / 3.0)
            .exp()
            .round()
            .max(1.0)
    }
}
