//! The progress line of long runs: on a terminal only, never in a pipe or a log, never under --quiet.
//!
//! `BC2M365_PROGRESS_AFTER_MS=0` makes every run "long", so a small fixture shows what a big file would.
//! The terminal is a pseudo-terminal from util-linux `script`, which CI has; without it the terminal test
//! fails saying so.

mod common;

use common::{require_program, root, Run};

const INPUT: &str = "fixtures/bc-salespeople-en.csv";

#[test]
fn a_pipe_gets_no_progress_line() {
    let ran = Run::validate(INPUT)
        .domain("contoso.com")
        .env("BC2M365_PROGRESS_AFTER_MS", "0")
        .run();
    let stderr = &ran.stderr;
    assert!(!stderr.contains("reading fixtures"), "{stderr}");
    assert!(
        !stderr.contains('\r') && !stderr.contains('\x1b'),
        "{stderr:?}"
    );
    // The report itself is there: the pipe got everything but the progress line.
    assert!(stderr.contains("rows in 1 file"), "{stderr}");
}

/// Runs `validate` with stderr on a pseudo-terminal, through util-linux `script`.
fn on_a_terminal(extra: &[&str]) -> String {
    let script = require_program(
        "script",
        "a_terminal_gets_the_progress_line_unless_quiet",
        "util-linux",
    );
    let mut line = format!("'{}'", env!("CARGO_BIN_EXE_bc2m365"));
    for arg in ["validate", INPUT, "--domain", "contoso.com"]
        .iter()
        .chain(extra)
    {
        line.push_str(&format!(" '{arg}'"));
    }
    let output = std::process::Command::new(script)
        .args(["-qec", &line, "/dev/null"])
        .current_dir(root())
        .env("NO_COLOR", "1")
        .env("BC2M365_PROGRESS_AFTER_MS", "0")
        .output()
        .unwrap();
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
#[cfg_attr(
    not(target_os = "linux"),
    ignore = "needs util-linux `script` for a pseudo-terminal"
)]
fn a_terminal_gets_the_progress_line_unless_quiet() {
    let shown = on_a_terminal(&[]);
    assert!(
        shown.contains("reading fixtures/bc-salespeople-en.csv:"),
        "{shown:?}"
    );
    let quiet = on_a_terminal(&["--quiet"]);
    // The terminal got the report, so the missing progress line is --quiet's doing.
    assert!(quiet.contains("rows in 1 file"), "{quiet:?}");
    assert!(!quiet.contains("reading fixtures"), "{quiet:?}");
}
