//! `bc2m365 convert` end to end: the built binary on fixtures, whole outputs compared.

mod common;

use std::path::{Path, PathBuf};

use common::*;

/// Converts a fixture for contoso.com and compares its outputs with the expected ones (its report is a
/// snapshot in tests/reports.rs).
fn convert_fixture(fixture: &str, expected_exit: i32) -> Ran {
    let ran = Run::convert(format!("fixtures/{fixture}"))
        .domain("contoso.com")
        .run();
    ran.expect_outputs(fixture, expected_exit);
    ran
}

#[test]
fn converts_a_csv_utf8_export() {
    let ran = convert_fixture("bc-salespeople-en.csv", 0);
    assert_eq!(
        ran.written(),
        [
            "assign-roles.ps1",
            "coupling-bc-salespeople-en.xlsx",
            "coupling.csv",
            "licences.csv",
            "m365-users.csv",
            "manifest.json",
            "next-steps.txt",
            "online-settings.json",
            "review.xlsx",
            "role-assignments.csv",
            "roles.csv",
            "set-licences.ps1"
        ]
    );
    let report = m365check(&["contoso.com"], &[ran.path("m365-users.csv")]);
    assert!(
        report.starts_with("12 users checked, 0 problems"),
        "{report}"
    );
}

#[test]
fn converts_an_xlsx_export_written_by_another_program() {
    let ran = Run::convert("fixtures/bc-salespeople-en.xlsx")
        .domain("contoso.com")
        .run();
    ran.expect_case("bc-salespeople-en.xlsx", 0);
    m365check(&["contoso.com"], &[ran.path("m365-users.csv")]);
    let rows = ran.import("m365-users.csv");
    // The phone number typed into Excel as a number is written as digits, never 3.2478987654E10.
    assert_eq!(rows[2][8], "32478987654");
}

#[test]
fn an_export_with_errors_writes_only_the_review_and_exits_1() {
    let ran = convert_fixture("bc-salespeople-mistakes.csv", 1);
    assert_eq!(
        ran.written(),
        ["review.xlsx"],
        "no import file and no manifest after errors"
    );
}

#[test]
fn the_import_file_holds_exactly_the_planned_users() {
    let ran = convert_fixture("bc-salespeople-en.csv", 0);
    let manifest = ran.manifest();
    let planned: Vec<&str> = manifest["salespeople"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["status"] == "written")
        .map(|s| s["upn"].as_str().unwrap())
        .collect();
    let written: Vec<String> = ran
        .import("m365-users.csv")
        .into_iter()
        .map(|r| r[0].clone())
        .collect();
    assert_eq!(planned, written);
    // Every input row is in the manifest, in input order.
    let rows: Vec<u64> = manifest["salespeople"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["source"]["row"].as_u64().unwrap())
        .collect();
    assert_eq!(rows, (2..=16).collect::<Vec<u64>>());
    let statuses: Vec<&str> = manifest["salespeople"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses.iter().filter(|s| **s == "skipped").count(), 2);
    assert_eq!(statuses.iter().filter(|s| **s == "coupled").count(), 1);
    // The manifest's hashes are those of the files it names.
    let sha = manifest["outputs"][0]["sha256"].as_str().unwrap();
    assert_eq!(sha, bc2m365::write::sha256_hex(&ran.read("m365-users.csv")));
    let input_sha = manifest["inputs"][0]["sha256"].as_str().unwrap();
    assert_eq!(
        input_sha,
        bc2m365::write::sha256_hex(
            &std::fs::read(root().join("fixtures/bc-salespeople-en.csv")).unwrap()
        )
    );
}

#[test]
fn two_runs_give_identical_bytes() {
    let a = convert_fixture("bc-salespeople-en.csv", 0);
    let b = convert_fixture("bc-salespeople-en.csv", 0);
    assert_eq!(a.contents(), b.contents());
}

#[test]
fn a_second_run_into_the_same_folder_needs_force() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let en = || {
        Run::convert("fixtures/bc-salespeople-en.csv")
            .domain("contoso.com")
            .out(&out)
    };
    en().run().assert_exit(0);
    let first = folder_contents(&out);

    en().run()
        .assert_exit_saying(
            2,
            "already holds the outputs of an earlier run (assign-roles.ps1, coupling-bc-salespeople-en.xlsx, coupling.csv, licences.csv, m365-users.csv, manifest.json, next-steps.txt, online-settings.json, review.xlsx, role-assignments.csv, roles.csv, set-licences.ps1)",
        )
        .assert_exit_saying(2, "--force");
    assert_eq!(
        folder_contents(&out),
        first,
        "a refused run changes nothing"
    );

    // With --force, a smaller input replaces every earlier output.
    Run::convert("fixtures/bc-salespeople-en.xlsx")
        .domain("contoso.com")
        .out(&out)
        .arg("--force")
        .run()
        .assert_exit(0);
    assert_ne!(folder_contents(&out), first);
    let leftovers: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers, ["out"], "no staging folder is left beside --out");
}

#[test]
fn a_folder_with_other_files_or_an_input_is_never_replaced() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("documents");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    Run::convert("fixtures/bc-salespeople-en.csv")
        .domain("contoso.com")
        .out(&out)
        .arg("--force")
        .run()
        .assert_exit_saying(2, "holds files bc2m365 did not write (notes.txt)");
    assert_eq!(
        std::fs::read_to_string(out.join("notes.txt")).unwrap(),
        "mine"
    );

    let input = out.join("m365-users.csv");
    std::fs::remove_file(out.join("notes.txt")).unwrap();
    std::fs::copy(root().join("fixtures/bc-salespeople-en.csv"), &input).unwrap();
    Run::convert(&input)
        .domain("contoso.com")
        .out(&out)
        .arg("--force")
        .run()
        .assert_exit_saying(2, "is inside the output folder");
    assert!(input.exists());
}

#[test]
fn without_a_domain_it_exits_2_with_usage() {
    Run::convert("fixtures/bc-salespeople-en.csv")
        .run()
        .assert_exit_saying(2, "--domain <DOMAIN>");
    Run::convert("fixtures/bc-salespeople-en.csv")
        .domain("not a domain")
        .run()
        .assert_exit_saying(2, "is not a domain name");
}

#[test]
fn a_missing_input_exits_2_naming_it() {
    Run::convert("fixtures/no-such-file.csv")
        .domain("contoso.com")
        .out("/nonexistent/out")
        .run()
        .assert_exit_saying(2, "fixtures/no-such-file.csv");
}

/// Writes a CSV export of `n` salespeople without e-mail addresses, some sharing a name.
fn many_salespeople(dir: &Path, n: usize) -> PathBuf {
    let first = [
        "Jan", "Marie", "Pieter", "Zoë", "Luc", "Sofie", "Jürgen", "Anaïs",
    ];
    let last = [
        "Peeters",
        "Janssens",
        "Maes",
        "Van den Broeck",
        "de Smet",
        "Müller",
        "Dubois",
    ];
    let mut text = String::from("Code,Name,Phone No.\r\n");
    for i in 0..n {
        text.push_str(&format!(
            "SP{i:05},{} {},+32 475 {:06}\r\n",
            first[i % first.len()],
            last[i % last.len()],
            i
        ));
    }
    let path = dir.join("many.csv");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn more_than_249_users_are_split_into_numbered_files() {
    let tmp = tempfile::tempdir().unwrap();
    let ran = Run::convert(many_salespeople(tmp.path(), 600))
        .domain("contoso.com")
        .run();
    ran.assert_exit(0);
    let names = ran.written();
    assert_eq!(
        names,
        [
            "assign-roles.ps1",
            "coupling-many.xlsx",
            "coupling.csv",
            "licences.csv",
            "m365-users-001.csv",
            "m365-users-002.csv",
            "m365-users-003.csv",
            "manifest.json",
            "next-steps.txt",
            "online-settings.json",
            "review.xlsx",
            "role-assignments.csv",
            "roles.csv",
            "set-licences.ps1"
        ]
    );
    let files: Vec<PathBuf> = names[4..7].iter().map(|n| ran.path(n)).collect();
    let counts: Vec<usize> = files.iter().map(|f| read_import(f).len()).collect();
    assert_eq!(counts, [249, 249, 102]);
    // Unique user names across all files, and every file within Microsoft's rules.
    let report = m365check(&["contoso.com"], &files);
    assert!(
        report.starts_with("600 users checked, 0 problems"),
        "{report}"
    );
    // 56 distinct names: the later people with one name are numbered in input order.
    let first_file = read_import(&files[0]);
    assert_eq!(first_file[0][0], "jan.peeters@contoso.com");
    assert_eq!(first_file[56][0], "jan.peeters2@contoso.com");
    // The report shows a few of each repeated warning and counts the rest.
    assert!(
        ran.stderr.contains("warning[U004]: ... and 539 more rows"),
        "{}",
        ran.stderr
    );
}

#[test]
fn a_long_domain_shortens_built_user_names_to_79_characters() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("long.csv");
    std::fs::write(
        &input,
        "Code,Name\r\nL3,Anna-Maria Alexandrovna Konstantinopolskaya-Rimsky\r\n",
    )
    .unwrap();
    let domain = "northwind-traders-international-holdings.com";
    let ran = Run::convert(&input).domain(domain).run();
    ran.assert_exit(0);
    let user = &ran.import("m365-users.csv")[0][0];
    assert_eq!(user.chars().count(), 79, "{user}");
    m365check(&[domain], &[ran.path("m365-users.csv")]);
}

#[test]
fn email_2_becomes_the_alternate_email_when_email_leaves_it_free() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("e2.csv");
    std::fs::write(
        &input,
        "Code,Name,Email,Email 2\r\nS1,Sam Lambrechts,,sam@gmail.com\r\nT1,Tom Thys,tom.thys@contoso.com,tom@gmail.com\r\nP1,Pia Peeters,pia@gmail.com,pia2@gmail.com\r\n",
    )
    .unwrap();
    let ran = Run::convert(&input).domain("contoso.com").run();
    ran.assert_exit(0);
    let alternates: Vec<(String, String)> = ran
        .import("m365-users.csv")
        .into_iter()
        .map(|r| (r[0].clone(), r[10].clone()))
        .collect();
    assert_eq!(
        alternates,
        [
            (
                "sam.lambrechts@contoso.com".to_string(),
                "sam@gmail.com".to_string()
            ),
            (
                "tom.thys@contoso.com".to_string(),
                "tom@gmail.com".to_string()
            ),
            // Email itself is the private address here, so it is the alternate one.
            (
                "pia.peeters@contoso.com".to_string(),
                "pia@gmail.com".to_string()
            ),
        ]
    );
}

#[test]
fn one_file_given_twice_is_a_usage_error() {
    Run::validate("fixtures/bc-salespeople-en.csv")
        .input("./fixtures/bc-salespeople-en.csv")
        .domain("contoso.com")
        .run()
        .assert_exit_saying(2, "are the same file");
}

#[test]
fn an_import_file_gets_one_country_name_per_file_and_unknown_countries_are_errors() {
    let header = String::from_utf8(
        std::fs::read(root().join("fixtures/reference/m365-sample-16.csv")).unwrap(),
    )
    .unwrap()
    .lines()
    .next()
    .unwrap()
    .to_string();
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("hand.csv");
    let rows = [
        "dan@contoso.com,Dan,D,Dan D,,,,,,,,,,,,BE",
        "eve@contoso.com,Eve,E,Eve E,,,,,,,,,,,,Belgium",
        "gus@contoso.com,Gus,G,Gus G,,,,,,,,,,,,Wakanda",
    ];
    std::fs::write(&input, format!("{header}\r\n{}\r\n", rows.join("\r\n"))).unwrap();
    let out = tmp.path().join("out");
    let hand = || Run::convert(&input).domain("contoso.com").out(&out);
    hand()
        .run()
        .assert_exit_saying(1, "error[F013]: Country or Region \"Wakanda\"");
    let ran = hand().args(["--keep-going", "--force"]).run();
    ran.assert_exit(1);
    let countries: Vec<String> = ran
        .import("m365-users-BE.csv")
        .into_iter()
        .map(|r| r[15].clone())
        .collect();
    assert_eq!(countries, ["Belgium", "Belgium"]);
    m365check(&["contoso.com"], &[ran.path("m365-users-BE.csv")]);
}

#[cfg(unix)]
#[test]
fn a_symlinked_out_is_refused_and_its_target_left_as_it_was() {
    let tmp = tempfile::tempdir().unwrap();
    let real = tmp.path().join("real");
    std::fs::create_dir(&real).unwrap();
    let link = tmp.path().join("out");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    Run::convert("fixtures/bc-salespeople-en.csv")
        .domain("contoso.com")
        .out(&link)
        .arg("--force")
        .run()
        .assert_exit_saying(2, "is a symbolic link");
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(std::fs::read_dir(&real).unwrap().count(), 0);
}

/// A run killed midway leaves its staging folder; the next run beside it removes it, and never the folder
/// of a run still alive.
#[cfg(target_os = "linux")]
#[test]
fn the_next_run_removes_the_staging_folders_of_dead_runs_only() {
    let tmp = tempfile::tempdir().unwrap();
    // No process has this id (above the kernel's pid_max); process 1 is always alive.
    let dead = tmp.path().join(".bc2m365-staging-4194305-AbCdEf");
    let previous = tmp
        .path()
        .join(".bc2m365-previous-.bc2m365-staging-4194305-XyZ");
    let alive = tmp.path().join(".bc2m365-staging-1-GhIjKl");
    for dir in [&dead, &previous, &alive] {
        std::fs::create_dir(dir).unwrap();
        std::fs::write(dir.join("m365-users.csv"), "left by a killed run").unwrap();
    }
    Run::convert("fixtures/bc-salespeople-en.csv")
        .domain("contoso.com")
        .out(tmp.path().join("out"))
        .run()
        .assert_exit(0);
    assert!(!dead.exists() && !previous.exists());
    assert!(alive.exists(), "a live run's staging folder is left alone");
}

/// Two runs into one `--out` never both write it: the folder is claimed before it is checked, and a run
/// that finds it claimed by a live process is refused; a dead run's claim is taken over.
#[cfg(target_os = "linux")]
#[test]
fn a_second_run_into_the_same_out_is_refused_while_the_first_is_alive() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let lock = tmp.path().join(".bc2m365-lock-out");
    let run = || {
        Run::convert("fixtures/bc-salespeople-en.csv")
            .domain("contoso.com")
            .out(&out)
            .run()
    };
    // Process 1 is alive: its claim stands, and nothing is written.
    std::fs::write(&lock, "1").unwrap();
    run().assert_exit_saying(2, "another bc2m365 run (process 1) is writing it");
    assert!(!out.exists());
    // A claim of a process that is gone is taken over, and released when the run ends.
    std::fs::write(&lock, "4194305").unwrap();
    run().assert_exit(0);
    assert!(out.join("manifest.json").is_file());
    assert!(!lock.exists(), "the run releases its claim");
}

#[test]
fn concurrent_runs_into_one_new_out_leave_one_runs_outputs_whole() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let runs: Vec<_> = (0..4)
        .map(|_| {
            let out = out.clone();
            std::thread::spawn(move || {
                Run::convert("fixtures/bc-salespeople-en.csv")
                    .domain("contoso.com")
                    .out(&out)
                    .run()
                    .code
            })
        })
        .collect();
    let codes: Vec<i32> = runs.into_iter().map(|r| r.join().unwrap()).collect();
    // Each run either wrote the folder or was refused (busy, or the outputs of another run are there).
    assert!(codes.iter().all(|c| *c == 0 || *c == 2), "{codes:?}");
    assert_eq!(codes.iter().filter(|c| **c == 0).count(), 1, "{codes:?}");
    assert!(out.join("manifest.json").is_file());
}
