//! Any bytes as a CSV table (columns x, w, g, h), with settings taken from the first byte,
//! through the reader, the point estimates and the linearized inference — the property of
//! `tests/fuzz.rs` (one definition, `tests/common/table_property.rs`), explored by
//! libFuzzer's coverage feedback instead of generated at random.
#![no_main]

#[path = "../../tests/common/table_property.rs"]
mod table_property;

use libfuzzer_sys::fuzz_target;
use table_property::{check, Settings};

/// libfuzzer-sys aborts in its panic hook, even on a panic that the code under test catches
/// (the table reader's guard catches panics of the CSV library and reports them as errors
/// naming the file). A quiet hook leaves that to the guard; a panic that escapes `check`
/// still ends the run as a crash, because the harness aborts on an unwinding input.
static QUIET_HOOK: std::sync::Once = std::sync::Once::new();

fuzz_target!(|data: &[u8]| {
    QUIET_HOOK.call_once(|| std::panic::set_hook(Box::new(|_| {})));
    let Some((&byte, csv)) = data.split_first() else {
        return;
    };
    let settings = Settings {
        weighted: byte & 1 != 0,
        grouped: byte & 2 != 0,
        se: byte & 4 != 0,
        exclude: byte & 8 != 0,
        convention: usize::from(byte >> 4),
    };
    if let Err(problem) = check(csv, "fuzzed", settings) {
        panic!("{problem}");
    }
});
