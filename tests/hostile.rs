//! Safety on any input and in any situation: atomic outputs under kill, no network, clear refusals.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use common::*;

/// A CSV export of `n` salespeople, large enough that a convert takes a moment.
fn large_export(dir: &Path, n: usize) -> PathBuf {
    let mut text = String::from("\u{feff}Code,Name,Email,Phone No.,Job Title\r\n");
    for i in 0..n {
        text.push_str(&format!(
            "SP{i:06},Verkoper {i} van den Broeck,,+32 475 {:06},Account Manager\r\n",
            i % 1_000_000
        ));
    }
    let path = dir.join("large.csv");
    std::fs::write(&path, text).unwrap();
    path
}

fn convert_command(input: &Path, out: &Path) -> Command {
    let mut command = bc2m365();
    command
        .args([
            "convert",
            input.to_str().unwrap(),
            "--domain",
            "contoso.com",
            "--force",
            "--out",
            out.to_str().unwrap(),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    command
}

#[test]
fn killing_a_convert_at_any_moment_leaves_the_old_or_the_new_outputs() {
    let tmp = tempfile::tempdir().unwrap();
    let input = large_export(tmp.path(), 20_000);

    // The complete new outputs, and how long making them takes.
    let reference = tmp.path().join("reference");
    let started = Instant::now();
    assert!(convert_command(&input, &reference)
        .status()
        .unwrap()
        .success());
    let duration = started.elapsed();
    let new_outputs = folder_contents(&reference);

    // The earlier state: a small run's outputs.
    let out = tmp.path().join("out");
    let small = run(&[
        "convert",
        "fixtures/bc-salespeople-en.csv",
        "--domain",
        "contoso.com",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(small.status.code(), Some(0));
    let old_outputs = folder_contents(&out);

    let attempts = 12u32;
    let mut saw_old = false;
    for i in 0..attempts {
        // Kill at moments spread over the whole run, the last ones near its end (the rename).
        let delay = duration.mul_f64((i as f64 + 0.5) / attempts as f64 * 1.1);
        let mut child = convert_command(&input, &out).spawn().unwrap();
        std::thread::sleep(delay);
        let _ = child.kill();
        let _ = child.wait();
        let now = folder_contents(&out);
        assert!(
            now == old_outputs || now == new_outputs,
            "after a kill at {delay:?}, --out holds neither the earlier nor the new outputs: {:?}",
            now.iter()
                .map(|(n, b)| (n.clone(), b.len()))
                .collect::<Vec<_>>()
        );
        saw_old |= now == old_outputs;
        if now == new_outputs {
            break;
        }
    }
    assert!(
        saw_old,
        "no kill landed before the end of the run: the test proved nothing"
    );
}

#[test]
fn an_output_folder_that_cannot_be_written_is_a_clear_error_and_leaves_nothing() {
    // /proc refuses new folders even to root.
    let output = run(&[
        "convert",
        "fixtures/bc-salespeople-en.csv",
        "--domain",
        "contoso.com",
        "--out",
        "/proc/bc2m365-out",
    ]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = stderr_of(&output);
    assert!(
        stderr.starts_with("error: /proc") && !stderr.contains("warning["),
        "fails before any work: {stderr}"
    );
    assert!(!Path::new("/proc/bc2m365-out").exists());
}

#[test]
fn it_needs_no_network() {
    if Command::new("unshare")
        .args(["-n", "true"])
        .status()
        .map(|s| !s.success())
        .unwrap_or(true)
    {
        eprintln!("skipped: this machine does not allow `unshare -n` (a new network namespace)");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let online = tmp.path().join("online");
    let offline = tmp.path().join("offline");
    let output = run(&[
        "convert",
        "fixtures/bc-salespeople-en.xlsx",
        "--domain",
        "contoso.com",
        "--out",
        online.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0));
    let output = Command::new("unshare")
        .arg("-n")
        .arg(env!("CARGO_BIN_EXE_bc2m365"))
        .args([
            "convert",
            "fixtures/bc-salespeople-en.xlsx",
            "--domain",
            "contoso.com",
            "--out",
            offline.to_str().unwrap(),
        ])
        .current_dir(root())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    assert_eq!(folder_contents(&online), folder_contents(&offline));
}
