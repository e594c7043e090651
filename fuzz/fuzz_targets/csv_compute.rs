//! Any bytes as a CSV table (columns x, w, g, h), with settings taken from the first byte,
//! through the reader, the point estimates and the linearized inference — the property of
//! `tests/fuzz.rs` (one definition, `tests/common/table_property.rs`), explored by
//! libFuzzer's coverage feedback instead of generated at random.
#![no_main]

#[path = "../../tests/common/table_property.rs"]
mod table_property;

use libfuzzer_sys::fuzz_target;
use table_property::{check, Settings};

fuzz_target!(|data: &[u8]| {
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
