//! Shared helpers for the integration tests: run the built binary, compare whole outputs.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The binary, run from the repository root (so fixture paths in messages are relative and stable).
pub fn bc2m365() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_bc2m365"));
    command.current_dir(root()).env("NO_COLOR", "1");
    command
}

pub fn run(args: &[&str]) -> Output {
    bc2m365().args(args).output().expect("the binary runs")
}

pub fn stderr_of(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Asserts the exit code and that stderr says `message`.
pub fn assert_exit_saying(output: &Output, code: i32, message: &str) {
    let stderr = stderr_of(output);
    assert_eq!(output.status.code(), Some(code), "{stderr}");
    assert!(stderr.contains(message), "{stderr}");
}

/// `validate --report json` on one input with more arguments: the exit code and the parsed report.
pub fn validate_json(input: &str, extra: &[&str]) -> (i32, serde_json::Value) {
    let mut args = vec![
        "validate",
        input,
        "--domain",
        "contoso.com",
        "--report",
        "json",
    ];
    args.extend_from_slice(extra);
    let output = run(&args);
    let report = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "{input}: JSON report: {e}\n{}",
            String::from_utf8_lossy(&output.stdout)
        )
    });
    (output.status.code().unwrap_or(-1), report)
}

/// The codes of a JSON report's diagnostics, in order.
pub fn codes(report: &serde_json::Value) -> Vec<String> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect()
}

/// Compares `actual` with the expected file; `BLESS=1 cargo test` writes it instead, for review in git.
pub fn assert_matches_expected(expected: &Path, actual: &[u8]) {
    let path = root().join(expected);
    if std::env::var_os("BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let wanted = std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (run `BLESS=1 cargo test` to create it)",
            path.display()
        )
    });
    if wanted != actual {
        panic!(
            "{} differs from the output.\n--- expected\n{}\n--- actual\n{}",
            path.display(),
            String::from_utf8_lossy(&wanted),
            String::from_utf8_lossy(actual)
        );
    }
}

/// Runs Microsoft's documented rules, as an independent Python checker states them, over import files.
pub fn m365check(domains: &[&str], files: &[PathBuf]) -> String {
    let mut command = Command::new("python3");
    command.arg(root().join("tests/support/m365check.py"));
    for d in domains {
        command.args(["--domain", d]);
    }
    command.args(files);
    let output = command
        .output()
        .expect("python3 runs tests/support/m365check.py (install python3)");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "m365check found problems:\n{stdout}"
    );
    stdout
}

/// Every file in a folder, by name, with its bytes.
pub fn folder_contents(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

/// Reads an import CSV back: its rows of 16 values, header excluded.
pub fn read_import(path: &Path) -> Vec<Vec<String>> {
    let bytes = std::fs::read(path).unwrap();
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").expect("a UTF-8 BOM");
    let mut reader = csv::ReaderBuilder::new().from_reader(body);
    reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect()
}

/// Runs `convert` with `args` (everything but `--out`) into a fresh folder, and compares the report and,
/// when it succeeds, every output but review.xlsx (checked by content in tests/diagnostics.rs) with
/// `fixtures/expected/<case>/`. After errors, at most review.xlsx may have been written.
pub fn convert_and_compare(
    case: &str,
    args: &[&str],
    expected_exit: i32,
) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let mut all = vec!["convert"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--out", out.to_str().unwrap()]);
    let output = run(&all);
    let expected = Path::new("fixtures/expected").join(case);
    let stderr = stderr_of(&output).replace(out.to_str().unwrap(), "<OUT>");
    assert_matches_expected(&expected.join("stderr.txt"), stderr.as_bytes());
    assert_eq!(output.status.code(), Some(expected_exit), "{stderr}");
    let written: Vec<(String, Vec<u8>)> = if out.exists() {
        folder_contents(&out)
    } else {
        Vec::new()
    };
    if expected_exit == 0 {
        for (name, bytes) in written.into_iter().filter(|(n, _)| n != "review.xlsx") {
            assert_matches_expected(&expected.join(&name), &bytes);
        }
    } else {
        let names: Vec<String> = written.into_iter().map(|(n, _)| n).collect();
        assert!(
            names.is_empty() || names == ["review.xlsx"],
            "after errors only the review: {names:?}"
        );
    }
    (tmp, out)
}
