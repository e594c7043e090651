//! The `gini` command-line program: a thin shell over the ginikit library.
// The argument docs double as `--help` text, where `<alpha>` is a placeholder, not HTML.
#![allow(rustdoc::invalid_html_tags, rustdoc::broken_intra_doc_links)]

mod cli;

use std::process::ExitCode;

/// Large buffers on huge pages (see `ginikit::memory::HugePages`): a third fewer page faults'
/// time in a run that keeps many of them.
#[global_allocator]
static ALLOCATOR: ginikit::memory::HugePages = ginikit::memory::HugePages;

fn main() -> ExitCode {
    // Panics are bugs, never the user's data: keep the message and report it in one line.
    let panic_message = std::sync::Arc::new(std::sync::Mutex::new(None::<String>));
    let slot = panic_message.clone();
    std::panic::set_hook(Box::new(move |info| {
        if let Ok(mut s) = slot.lock() {
            *s = Some(info.to_string());
        }
    }));
    match std::panic::catch_unwind(cli::run) {
        Ok(code) => code,
        Err(_) => {
            let message = panic_message
                .lock()
                .ok()
                .and_then(|m| m.clone())
                .unwrap_or_else(|| "unknown".into());
            eprintln!(
                "gini: error: internal error ({}); please report it with the command line used",
                message.replace('\n', " ")
            );
            ExitCode::from(70)
        }
    }
}
