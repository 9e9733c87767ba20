//! One path per row: every input is read once, so a named pipe or stdin converts like a file, a run too
//! big to hold in memory gives the same outputs, and a report that cannot reach stdout fails the run.

mod common;

use std::path::Path;

use common::{root, Run};

const EN: &str = "fixtures/bc-salespeople-en.csv";

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Every output of a convert, by name (the manifest without its input hashes and names, which say
/// where the rows came from).
fn outputs(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap() != "manifest.json")
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&p).unwrap())
        })
        .collect();
    files.sort();
    files
}

/// One company whatever the input is called (a file, `-`, a named pipe): the outputs name it.
fn convert(input: impl AsRef<std::ffi::OsStr>, out: &Path) -> Run {
    let company = format!("--company={}=CRONUS", input.as_ref().to_string_lossy());
    Run::convert(input)
        .domain("contoso.com")
        .arg(company)
        .out(out)
}

/// The import files, the coupling and the role assignments do not depend on where the rows came from.
fn assert_same_users(a: &Path, b: &Path) {
    let pick = |dir: &Path| -> Vec<(String, Vec<u8>)> {
        outputs(dir)
            .into_iter()
            .filter(|(name, _)| name.ends_with(".csv") && name != "rejected.csv")
            .collect()
    };
    let (left, right) = (pick(a), pick(b));
    assert!(!left.is_empty());
    assert_eq!(left, right);
}

#[test]
fn stdin_converts_like_the_file() {
    let dir = tempfile::tempdir().unwrap();
    convert(EN, &dir.path().join("file")).run().assert_exit(0);
    let bytes = std::fs::read(root().join(EN)).unwrap();
    convert("-", &dir.path().join("stdin"))
        .stdin(bytes)
        .run()
        .assert_exit(0);
    assert_same_users(&dir.path().join("file"), &dir.path().join("stdin"));
    let manifest = std::fs::read_to_string(dir.path().join("stdin/manifest.json")).unwrap();
    let sha = sha256_hex(&std::fs::read(root().join(EN)).unwrap());
    assert!(manifest.contains(&sha), "the manifest holds stdin's hash");
}

#[cfg(unix)]
#[test]
fn a_named_pipe_converts_like_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("export.csv");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo (coreutils) runs");
    assert!(made.success());
    let source = root().join(EN);
    let fifo_path = fifo.clone();
    // The writer blocks until the reader opens the pipe, and ends when all is written.
    let writer = std::thread::spawn(move || {
        let bytes = std::fs::read(source).unwrap();
        std::fs::write(fifo_path, bytes)
    });
    let mut child = convert(&fifo, &dir.path().join("fifo"))
        .command()
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("convert of a named pipe did not end within 30 seconds: it waits for a second reading");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    writer.join().unwrap().unwrap();
    assert_eq!(status.code(), Some(0));
    convert(EN, &dir.path().join("file")).run().assert_exit(0);
    assert_same_users(&dir.path().join("file"), &dir.path().join("fifo"));
}

/// More rows than the store keeps in memory: they are spilled to a temporary file and read back.
#[test]
fn a_run_too_big_for_memory_gives_every_row_once_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("many.csv");
    let mut text = String::from("Code,Name,E-Mail\r\n");
    let rows = 9_000;
    for i in 0..rows {
        // Every 7th name repeats an earlier one: numbered user names across the spill.
        let name = if i % 7 == 0 {
            "Jan Peeters".to_string()
        } else {
            format!("Person{i} Tester")
        };
        text.push_str(&format!("S{i:05},{name},\r\n"));
    }
    std::fs::write(&input, text).unwrap();
    let out = dir.path().join("out");
    convert(&input, &out).run().assert_exit(0);
    let mut users = Vec::new();
    for (name, bytes) in outputs(&out) {
        if name.starts_with("m365-users") {
            let text = String::from_utf8(bytes).unwrap();
            users.extend(
                text.lines()
                    .skip(1)
                    .map(|l| l.split(',').next().unwrap().to_string()),
            );
        }
    }
    assert_eq!(users.len(), rows);
    assert_eq!(users[0], "jan.peeters@contoso.com");
    assert_eq!(users[7], "jan.peeters2@contoso.com");
    assert_eq!(
        users[rows - 1 - (rows - 1) % 7],
        format!("jan.peeters{}@contoso.com", (rows - 1) / 7 + 1)
    );
    assert_eq!(users[1], "person1.tester@contoso.com");
    // next-steps.txt is a checklist for a person: its lists are counted, and it points at the files
    // that hold them whole.
    let next_steps = std::fs::read_to_string(out.join("next-steps.txt")).unwrap();
    assert!(next_steps.len() < 8 * 1024, "{} bytes", next_steps.len());
    for pointer in [
        "9000 new users: each import file lists each one.",
        "9000 users: licences.csv lists each one.",
        "9000 users: roles.csv lists each one.",
        "9000 salespeople to couple: coupling.csv lists each one.",
    ] {
        assert!(next_steps.contains(pointer), "{pointer}\n{next_steps}");
    }
    assert!(
        !next_steps.contains("person1.tester@contoso.com"),
        "{next_steps}"
    );
    assert_eq!(
        users[rows - 1],
        format!("person{}.tester@contoso.com", rows - 1)
    );
}

#[cfg(target_os = "linux")]
#[test]
fn a_json_report_that_cannot_reach_stdout_fails_the_run() {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("Linux has /dev/full");
    let dir = tempfile::tempdir().unwrap();
    let runs = [
        Run::validate(EN)
            .domain("contoso.com")
            .report_json()
            .without_out(),
        convert(EN, &dir.path().join("o")).report_json(),
    ];
    for run in runs {
        let output = run
            .command()
            .stdout(full.try_clone().unwrap())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains("<stdout>") && stderr.contains("No space left"),
            "{stderr}"
        );
    }
}

/// next-steps.txt lists up to 50 users by name, and counts them from the 51st on.
#[test]
fn next_steps_lists_fifty_users_and_counts_fifty_one() {
    for (users, listed) in [(50, true), (51, false)] {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("export.csv");
        let mut text = String::from("Code,Name,E-Mail\r\n");
        for i in 0..users {
            text.push_str(&format!("S{i:03},Person{i} Tester,\r\n"));
        }
        std::fs::write(&input, text).unwrap();
        let out = dir.path().join("out");
        convert(&input, &out).run().assert_exit(0);
        let next_steps = std::fs::read_to_string(out.join("next-steps.txt")).unwrap();
        let named = next_steps.contains("person49.tester@contoso.com");
        let counted = next_steps.contains(&format!("{users} salespeople to couple: coupling.csv"));
        assert_eq!(
            (named, counted),
            (listed, !listed),
            "{users} users:\n{next_steps}"
        );
    }
}
