//! Diagnostics end to end: every rule triggered from a fixture, the three report forms agreeing, every row
//! accounted for, --keep-going, --strict, validate and explain.

mod common;

use std::collections::BTreeSet;
use std::io::Read;
use std::path::Path;

use bc2m365::diagnostic::rules;
use calamine::{open_workbook_auto, Data, Reader};
use common::*;

/// Every fixture a diagnostic test reads; together they trigger every rule.
const FIXTURES: &[&str] = &[
    "fixtures/bc-salespeople-en.csv",
    "fixtures/bc-salespeople-en.xlsx",
    "fixtures/bc-salespeople-mistakes.csv",
    "fixtures/diagnostics/missing-code-column.csv",
    "fixtures/diagnostics/structure-problems.csv",
    "fixtures/diagnostics/invalid-utf8.csv",
    "fixtures/diagnostics/field-problems.csv",
    "fixtures/bad/csv-renamed.xlsx",
    "fixtures/bad/header-only.csv",
    "fixtures/excel-csv-semicolon-cp1252-nl.csv",
    "fixtures/bc-countries-mistakes.csv",
    "fixtures/m365-import-by-hand-nl.csv",
    "fixtures/reference/m365-sample-15-legacy.csv",
    "fixtures/bad/zip-bomb.xlsx",
    "fixtures/bad/unbalanced-quote.csv",
    "fixtures/bad/huge-cell.csv",
    "fixtures/m365-import-header-case.csv",
];

/// Rules no file can trigger today, with the reason; each has unit tests instead.
const NOT_FROM_A_FILE: &[(&str, &str)] = &[(
    "S010",
    "no caption in the table belongs to two fields (a unit test in src/bc/fields.rs enforces it), so no header \
     is ambiguous; the rule guards the table against a future shared caption",
)];

/// Every status a row can end in; each row ends in exactly one.
const STATUSES: [&str; 5] = ["written", "existing", "coupled", "skipped", "rejected"];

#[test]
fn every_rule_is_triggered_by_a_fixture_and_explained() {
    let mut seen = BTreeSet::new();
    for fixture in FIXTURES {
        let (_, report) = validate_json(fixture, &[]);
        seen.extend(codes(&report));
    }
    // The account rules need the accounts named.
    let en = "fixtures/bc-salespeople-en.csv";
    let account_cases: [&[&str]; 6] = [
        &[en, "--licence", "DYN365_ENTERPRISE_SALE"],
        &[en, "--existing", "fixtures/m365-active-users.csv"],
        &[en, "--integration-user", "Annelies.Vermeulen@contoso.com"],
        &[en, "--admin", "dirk.vanderberg@contoso.com"],
        &[
            en,
            "--admin",
            "it@contoso.com",
            "--integration-user",
            "it@contoso.com",
        ],
        &[en, "--config", "fixtures/config/account-roles.toml"],
    ];
    // S012 and S016 are what convert (not validate) says of a legacy or misspelt import file.
    let tmp = tempfile::tempdir().unwrap();
    for (i, input) in [
        "fixtures/m365-import-header-case.csv",
        "fixtures/reference/m365-sample-15-legacy.csv",
    ]
    .into_iter()
    .enumerate()
    {
        let out = tmp.path().join(format!("out{i}"));
        let output = run(&[
            "convert",
            input,
            "--domain",
            "contoso.com",
            "--out",
            out.to_str().unwrap(),
            "--report",
            "json",
        ]);
        seen.extend(codes(&serde_json::from_slice(&output.stdout).unwrap()));
    }
    for case in account_cases {
        let mut args = vec!["validate", "--domain", "contoso.com", "--report", "json"];
        args.extend_from_slice(case);
        let output = run(&args);
        let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        seen.extend(codes(&report));
    }
    for rule in rules::ALL {
        assert!(
            seen.contains(rule.code) || NOT_FROM_A_FILE.iter().any(|(code, _)| *code == rule.code),
            "no fixture triggers {} ({})",
            rule.code,
            rule.title
        );
        let output = run(&["explain", &rule.code.to_lowercase()]);
        assert_eq!(output.status.code(), Some(0));
        let text = String::from_utf8(output.stdout).unwrap();
        assert!(
            text.starts_with(&format!(
                "{} ({}): {}",
                rule.code,
                rule.severity.as_str(),
                rule.title
            )),
            "{text}"
        );
        assert!(
            text.contains(rule.explanation) && text.contains(rule.help),
            "{text}"
        );
    }
}

#[test]
fn explain_lists_every_code_and_refuses_an_unknown_one() {
    let output = run(&["explain"]);
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8(output.stdout).unwrap();
    for rule in rules::ALL {
        assert!(
            text.contains(&format!(
                "{}  {:<7}  {}\n",
                rule.code,
                rule.severity.as_str(),
                rule.title
            )),
            "{text}"
        );
    }
    let output = run(&["explain", "X999"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr_of(&output).contains("no rule \"X999\""));
}

#[test]
fn microsofts_own_sample_passes_and_the_legacy_one_is_explained() {
    let output = run(&[
        "validate",
        "fixtures/reference/m365-sample-16.csv",
        "--domain",
        "contoso.com",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let (code, report) = validate_json("fixtures/reference/m365-sample-15-legacy.csv", &[]);
    assert_eq!(code, 1);
    let legacy = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "S013")
        .unwrap();
    assert_eq!(legacy["severity"], "error");
    assert!(
        legacy["help"].as_str().unwrap().contains("bc2m365 convert"),
        "{legacy}"
    );
    let explanation = String::from_utf8(run(&["explain", "S013"]).stdout).unwrap();
    assert!(
        explanation.contains("February 2023") && explanation.contains("Alternate email address")
    );
}

#[test]
fn exit_codes_of_validate() {
    assert_eq!(validate_json("fixtures/bc-salespeople-en.csv", &[]).0, 0);
    assert_eq!(
        validate_json("fixtures/bc-salespeople-mistakes.csv", &[]).0,
        1
    );
    assert_eq!(validate_json("fixtures/bad/header-only.csv", &[]).0, 1);
    let (code, report) = validate_json("fixtures/bad/csv-renamed.xlsx", &[]);
    assert_eq!(code, 2);
    let message = report["diagnostics"][0]["message"].as_str().unwrap();
    assert!(message.contains("a CSV renamed to .xlsx?"), "{message}");
}

/// (code, row, column index) of each diagnostic, in report order.
type Found = Vec<(String, Option<u64>, Option<u64>)>;

fn from_json(report: &serde_json::Value) -> Found {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["row"].as_u64(),
                d["column_index"].as_u64(),
            )
        })
        .collect()
}

fn from_text(text: &str) -> Found {
    let mut found = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let Some(code) = line
            .split_once('[')
            .and_then(|(_, rest)| rest.split_once(']'))
            .map(|(c, _)| c)
        else {
            continue;
        };
        if !(line.starts_with("error[")
            || line.starts_with("warning[")
            || line.starts_with("info["))
        {
            continue;
        }
        let place = lines
            .next()
            .unwrap()
            .trim_start()
            .strip_prefix("--> ")
            .unwrap();
        let place = place.split(" (").next().unwrap();
        let mut parts = place.rsplitn(3, ':').collect::<Vec<_>>();
        parts.reverse();
        let numbers: Vec<u64> = parts.iter().filter_map(|p| p.parse().ok()).collect();
        found.push((
            code.to_string(),
            numbers.first().copied(),
            numbers.get(1).copied(),
        ));
    }
    found
}

fn sheet(path: &Path, name: &str) -> Vec<Vec<String>> {
    let mut workbook = open_workbook_auto(path).unwrap();
    let range = workbook.worksheet_range(name).unwrap();
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    Data::Float(f) => format!("{f}"),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

fn from_review(path: &Path, headers: &[String]) -> Found {
    sheet(path, "Problems")
        .into_iter()
        .skip(1)
        .map(|r| {
            let column = headers
                .iter()
                .position(|h| *h == r[4])
                .map(|i| i as u64 + 1)
                .filter(|_| !r[4].is_empty());
            (r[1].clone(), r[3].parse().ok(), column)
        })
        .collect()
}

#[test]
fn json_text_and_review_report_the_same_problems() {
    let fixture = "fixtures/bc-salespeople-mistakes.csv";
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let output = run(&[
        "convert",
        fixture,
        "--domain",
        "contoso.com",
        "--out",
        out.to_str().unwrap(),
        "--report",
        "json",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let text = stderr_of(&run(&["validate", fixture, "--domain", "contoso.com"]));
    let headers: Vec<String> = ["Code", "Name", "Phone No.", "E-Mail", "Job Title", "Region"]
        .map(String::from)
        .to_vec();
    let review = from_review(&out.join("review.xlsx"), &headers);
    let json = from_json(&json);
    assert!(json.len() >= 12, "{json:?}");
    assert_eq!(json, from_text(&text));
    assert_eq!(json, review);
}

#[test]
fn every_row_ends_written_skipped_or_rejected_exactly_once() {
    for fixture in FIXTURES.iter().filter(|f| !f.starts_with("fixtures/bad/")) {
        let tmp = tempfile::tempdir().unwrap();
        let review = tmp.path().join("review.xlsx");
        let output = run(&[
            "validate",
            fixture,
            "--domain",
            "contoso.com",
            "--report",
            "json",
            "--review",
            review.to_str().unwrap(),
        ]);
        let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        let summary = &report["summary"];
        let total = summary["rows"].as_u64().unwrap();
        let sum = STATUSES
            .iter()
            .map(|k| summary[k].as_u64().unwrap())
            .sum::<u64>();
        assert_eq!(sum, total, "{fixture}: {summary}");
        let workbook = open_workbook_auto(&review).unwrap();
        let first = workbook.sheet_names()[0].clone();
        let rows = sheet(&review, &first);
        let statuses: Vec<&str> = rows.iter().skip(1).map(|r| r[1].as_str()).collect();
        assert_eq!(statuses.len() as u64, total, "{fixture}");
        let mut numbers: Vec<&str> = rows.iter().skip(1).map(|r| r[0].as_str()).collect();
        numbers.dedup();
        assert_eq!(numbers.len() as u64, total, "{fixture}: each row once");
        for status in STATUSES {
            let n = statuses.iter().filter(|s| **s == status).count() as u64;
            assert_eq!(n, summary[status].as_u64().unwrap(), "{fixture}: {status}");
        }
    }
}

#[test]
fn keep_going_writes_the_valid_rows_and_lists_the_rejected_ones() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let output = run(&[
        "convert",
        "fixtures/bc-salespeople-mistakes.csv",
        "--domain",
        "contoso.com",
        "--out",
        out.to_str().unwrap(),
        "--keep-going",
    ]);
    assert_eq!(
        output.status.code(),
        Some(1),
        "exit 1: some rows were rejected"
    );
    let names: Vec<String> = folder_contents(&out).into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        names,
        [
            "coupling.csv",
            "m365-users.csv",
            "manifest.json",
            "next-steps.txt",
            "rejected.csv",
            "review.xlsx",
            "role-assignments.csv"
        ]
    );
    let expected = Path::new("fixtures/expected/bc-salespeople-mistakes.csv/keep-going");
    for name in ["m365-users.csv", "rejected.csv"] {
        assert_matches_expected(
            &expected.join(name),
            &std::fs::read(out.join(name)).unwrap(),
        );
    }
    m365check(&["contoso.com"], &[out.join("m365-users.csv")]);
    // No formula and no control character from the input reaches rejected.csv.
    let rejected = std::fs::read_to_string(out.join("rejected.csv")).unwrap();
    assert!(
        rejected.contains("'=HYPERLINK") && rejected.contains("Sales␊Team B"),
        "{rejected}"
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    let statuses: Vec<&str> = manifest["salespeople"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses.len(), 10);
    assert_eq!(statuses.iter().filter(|s| **s == "written").count(), 1);
    assert_eq!(statuses.iter().filter(|s| **s == "rejected").count(), 9);
    let rejected_rows = read_import(&out.join("rejected.csv"));
    assert_eq!(rejected_rows.len(), 9);
}

#[test]
fn strict_makes_warnings_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let output = run(&[
        "convert",
        "fixtures/bc-salespeople-en.csv",
        "--domain",
        "contoso.com",
        "--out",
        out.to_str().unwrap(),
        "--strict",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let names: Vec<String> = folder_contents(&out).into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["review.xlsx"]);
    let (code, report) = {
        let output = run(&[
            "validate",
            "fixtures/bc-salespeople-en.csv",
            "--domain",
            "contoso.com",
            "--strict",
            "--report",
            "json",
        ]);
        (
            output.status.code(),
            serde_json::from_slice::<serde_json::Value>(&output.stdout).unwrap(),
        )
    };
    assert_eq!(code, Some(1));
    // The two rows with warnings (a private address, a numbered user name) are rejected under --strict.
    assert_eq!(report["summary"]["rejected"], 2);
    assert_eq!(
        validate_json("fixtures/bc-salespeople-en.csv", &[]).1["summary"]["rejected"],
        0
    );
}

#[test]
fn validate_writes_nothing_unless_asked_for_a_review() {
    let tmp = tempfile::tempdir().unwrap();
    let input = root().join("fixtures/bc-salespeople-mistakes.csv");
    let output = bc2m365()
        .current_dir(tmp.path())
        .args([
            "validate",
            input.to_str().unwrap(),
            "--domain",
            "contoso.com",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        std::fs::read_dir(tmp.path()).unwrap().count(),
        0,
        "validate wrote a file"
    );
    let output = bc2m365()
        .current_dir(tmp.path())
        .args([
            "validate",
            input.to_str().unwrap(),
            "--domain",
            "contoso.com",
            "--review",
            "check.xlsx",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let names: Vec<String> = folder_contents(tmp.path())
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert_eq!(names, ["check.xlsx"]);
}

/// The text of every part of an xlsx whose name starts with `prefix`.
fn xlsx_parts(path: &Path, prefix: &str) -> String {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut text = String::new();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        if file.name().unwrap().starts_with(prefix) {
            file.read_to_string(&mut text).unwrap();
        }
    }
    text
}

#[test]
fn the_review_marks_problem_cells_and_holds_no_formula() {
    let tmp = tempfile::tempdir().unwrap();
    let review = tmp.path().join("review.xlsx");
    run(&[
        "validate",
        "fixtures/bc-salespeople-mistakes.csv",
        "--domain",
        "contoso.com",
        "--review",
        review.to_str().unwrap(),
    ]);
    let sheets = xlsx_parts(&review, "xl/worksheets/sheet");
    assert!(
        !sheets.contains("<f>") && !sheets.contains("<f "),
        "a formula in the review workbook"
    );
    let comments = xlsx_parts(&review, "xl/comments");
    assert!(
        comments.contains("error[D001]: Code \"AV\" is already used by another salesperson"),
        "{comments}"
    );
    assert!(
        comments.contains("warning[S003]"),
        "the unknown header cell has a note"
    );
    let styles = xlsx_parts(&review, "xl/styles.xml");
    assert!(
        styles.contains("FFFFC7CE") && styles.contains("FFFFEB9C"),
        "red and amber fills"
    );
    let rows = sheet(&review, "bc-salespeople-mistakes");
    assert_eq!(
        rows[0][..4],
        ["Row", "Status", "Reason", "Code"].map(String::from)
    );
    // The formula is kept as text, made harmless; the line break is shown, not kept.
    assert!(rows
        .iter()
        .any(|r| r.iter().any(|c| c == "=HYPERLINK(\"http://x\",\"Hans\")")));
    assert!(rows.iter().any(|r| r.iter().any(|c| c == "Sales␊Team B")));
    let problems = sheet(&review, "Problems");
    let unknown_column = problems.iter().find(|p| p[1] == "S003").unwrap();
    assert_eq!(
        unknown_column[10], "'bc-salespeople-mistakes'!I1",
        "a link to the unknown header cell"
    );
}

#[test]
fn a_review_file_is_never_written_over_an_existing_file_without_force() {
    let tmp = tempfile::tempdir().unwrap();
    let mine = tmp.path().join("customer-export.csv");
    std::fs::write(&mine, "Code,Name\r\nA1,Ann A\r\n").unwrap();
    let args = [
        "validate",
        "fixtures/bc-salespeople-mistakes.csv",
        "--domain",
        "contoso.com",
        "--review",
        mine.to_str().unwrap(),
    ];
    let output = run(&args);
    assert_exit_saying(&output, 2, "already exists; pass --force");
    assert_eq!(
        std::fs::read_to_string(&mine).unwrap(),
        "Code,Name\r\nA1,Ann A\r\n"
    );
    let forced = run(&[&args[..], &["--force"]].concat());
    assert_eq!(forced.status.code(), Some(1));
    assert!(std::fs::read(&mine).unwrap().starts_with(b"PK"));
}

#[test]
fn the_json_report_says_whether_import_files_were_written() {
    let tmp = tempfile::tempdir().unwrap();
    for (input, extra, written) in [
        ("fixtures/bc-salespeople-mistakes.csv", None, false),
        (
            "fixtures/bc-salespeople-mistakes.csv",
            Some("--keep-going"),
            true,
        ),
        ("fixtures/bc-salespeople-en.csv", None, true),
    ] {
        let out = tmp
            .path()
            .join(format!("out-{}", written as u8))
            .join(extra.unwrap_or("plain"));
        let mut args = vec![
            "convert",
            input,
            "--domain",
            "contoso.com",
            "--report",
            "json",
            "--out",
            out.to_str().unwrap(),
        ];
        args.extend(extra);
        let output = run(&args);
        let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(report["imports_written"], written, "{input} {extra:?}");
        assert_eq!(out.join("manifest.json").exists(), written);
    }
    assert_eq!(
        validate_json("fixtures/bc-salespeople-en.csv", &[]).1["imports_written"],
        false
    );
}

#[test]
fn a_big_runs_review_lists_the_first_rows_in_full_then_only_rows_with_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("big.csv");
    let mut csv = String::from("Code,Name,Email\n");
    for i in 0..10_500 {
        let code = if i == 10_300 {
            "S0".to_string()
        } else {
            format!("S{i}")
        };
        // A private address is a warning (F005): past the first 10,000 rows it is not listed.
        let email = if i == 10_400 { "p10400@gmail.com" } else { "" };
        csv.push_str(&format!("{code},Person{i} Tester{i},{email}\n"));
    }
    std::fs::write(&input, csv).unwrap();
    let out = dir.path().join("out");
    let output = run(&[
        "convert",
        input.to_str().unwrap(),
        "--domain",
        "contoso.com",
        "--keep-going",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr_of(&output));
    let review = out.join("review.xlsx");

    let rows = sheet(&review, "big");
    assert_eq!(rows.len(), 1 + 10_000 + 1);
    assert_eq!(rows[10_000][0], "10001");
    let last = &rows[10_001];
    assert_eq!((last[0].as_str(), last[1].as_str()), ("10302", "rejected"));

    let problems = sheet(&review, "Problems");
    assert!(problems.iter().any(|p| p[1] == "D001" && p[3] == "10302"));
    assert!(!problems.iter().any(|p| p[1] == "F005"));

    let summary = sheet(&review, "Summary");
    let not_listed = summary.iter().find(|r| r[0] == "Not listed").unwrap();
    assert!(
        not_listed[1].starts_with("499 rows and 1 problems"),
        "{not_listed:?}"
    );
}
