//! The progress line of long runs: on a terminal only, never in a pipe or a log, never under --quiet.
//!
//! `BC2M365_PROGRESS_AFTER_MS=0` makes every run "long", so a small fixture shows what a big file would.

mod common;

use common::{bc2m365, root, stderr_of};

const ARGS: [&str; 4] = [
    "validate",
    "fixtures/bc-salespeople-en.csv",
    "--domain",
    "contoso.com",
];

#[test]
fn a_pipe_gets_no_progress_line() {
    let output = bc2m365()
        .args(ARGS)
        .env("BC2M365_PROGRESS_AFTER_MS", "0")
        .output()
        .unwrap();
    let stderr = stderr_of(&output);
    assert!(!stderr.contains("reading fixtures"), "{stderr}");
    assert!(
        !stderr.contains('\r') && !stderr.contains('\x1b'),
        "{stderr:?}"
    );
    // The report itself is there: the pipe got everything but the progress line.
    assert!(stderr.contains("rows in 1 file"), "{stderr}");
}

/// Runs the binary with stderr on a pseudo-terminal, through util-linux `script`; `None` where there is
/// no `script`.
fn on_a_terminal(extra: &[&str]) -> Option<String> {
    let script = ["/usr/bin/script", "/bin/script"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())?;
    let mut line = format!("'{}'", env!("CARGO_BIN_EXE_bc2m365"));
    for arg in ARGS.iter().chain(extra) {
        line.push_str(&format!(" '{arg}'"));
    }
    let output = std::process::Command::new(script)
        .args(["-qec", &line, "/dev/null"])
        .current_dir(root())
        .env("NO_COLOR", "1")
        .env("BC2M365_PROGRESS_AFTER_MS", "0")
        .output()
        .unwrap();
    Some(String::from_utf8_lossy(&output.stdout).into_owned())
}

#[test]
fn a_terminal_gets_the_progress_line_unless_quiet() {
    let Some(shown) = on_a_terminal(&[]) else {
        eprintln!("no `script` (util-linux): the terminal half of this test is skipped");
        return;
    };
    assert!(
        shown.contains("reading fixtures/bc-salespeople-en.csv:"),
        "{shown:?}"
    );
    let quiet = on_a_terminal(&["--quiet"]).unwrap_or_default();
    assert!(!quiet.contains("reading fixtures"), "{quiet:?}");
}
