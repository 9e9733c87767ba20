//! Diagnostics end to end: every rule triggered from a fixture, the three report forms agreeing, every row
//! accounted for, --keep-going, --strict, validate and explain.

mod common;

use std::collections::BTreeSet;
use std::io::Read;
use std::path::Path;

use bc2m365::diagnostic::rules;
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
    "fixtures/bc-excel-table-total-en.xlsx",
    "fixtures/diagnostics/no-person-rows.csv",
    "fixtures/bc-privacy-blocked-en.csv",
];

/// Rules no file can trigger today, with the reason; each has unit tests instead.
const NOT_FROM_A_FILE: &[(&str, &str)] = &[
    (
        "S010",
        "no caption in the table belongs to two fields (a unit test in src/bc/fields.rs enforces it), so no \
         header is ambiguous; the rule guards the table against a future shared caption",
    ),
    (
        "R009",
        "needs a rejected.csv that a first run wrote: tests/exports.rs makes one per rejection code and \
         converts it again",
    ),
];

/// Every status a row can end in; each row ends in exactly one.
const STATUSES: [&str; 5] = ["written", "existing", "coupled", "skipped", "rejected"];

#[test]
fn every_rule_is_triggered_by_a_fixture_and_explained() {
    let mut seen = BTreeSet::new();
    for fixture in FIXTURES {
        let ran = Run::validate(fixture)
            .domain("contoso.com")
            .report_json()
            .run();
        seen.extend(codes(&ran.json()));
    }
    // The account rules need the accounts named.
    let en = "fixtures/bc-salespeople-en.csv";
    let account_cases: [&[&str]; 7] = [
        &["--deployment", "on-premises"],
        &["--licence", "DYN365_ENTERPRISE_SALE"],
        &["--existing", "fixtures/m365-active-users.csv"],
        &["--integration-user", "Annelies.Vermeulen@contoso.com"],
        &["--admin", "dirk.vanderberg@contoso.com"],
        &[
            "--admin",
            "it@contoso.com",
            "--integration-user",
            "it@contoso.com",
        ],
        &[
            "--config",
            "fixtures/config/account-roles.toml",
            "--deployment",
            "on-premises",
        ],
    ];
    // The person rules need two companies and the tenant's users.
    let ran = Run::validate("fixtures/companies/cronus-be.csv")
        .input("fixtures/companies/cronus-nl.csv")
        .input("fixtures/companies/cronus-de.csv")
        .domain("cronus.com")
        .args(["--existing", "fixtures/companies/tenant-active-users.csv"])
        .report_json()
        .run();
    seen.extend(codes(&ran.json()));
    // F018 needs a mapped Password column, read for Microsoft Entra's file.
    let dir = tempfile::tempdir().unwrap();
    let passwords = dir.path().join("passwords.csv");
    std::fs::write(&passwords, "Code,Name,Password\nS1,An Maes,welcome1\n").unwrap();
    let ran = Run::validate(&passwords)
        .domain("contoso.com")
        .args(["--target", "entra", "--map", "password=Password"])
        .report_json()
        .run();
    seen.extend(codes(&ran.json()));
    // S020: a control character inside a header cell.
    let ran = Run::validate("fixtures/bad/header-nul.csv")
        .domain("contoso.com")
        .report_json()
        .run();
    seen.extend(codes(&ran.json()));
    // S018 and S019: the same column not mapped, for the admin center's files and for Entra's.
    for target in ["m365", "entra"] {
        let ran = Run::validate(&passwords)
            .domain("contoso.com")
            .args(["--target", target])
            .report_json()
            .run();
        seen.extend(codes(&ran.json()));
    }
    // The look-alikes (D005, F019) need the domain they imitate.
    let ran = Run::validate("fixtures/bad/look-alikes.csv")
        .domain("cronus.be")
        .report_json()
        .run();
    seen.extend(codes(&ran.json()));
    // S012 and S016 are what convert (not validate) says of a legacy or misspelt import file.
    for input in [
        "fixtures/m365-import-header-case.csv",
        "fixtures/reference/m365-sample-15-legacy.csv",
    ] {
        let ran = Run::convert(input)
            .domain("contoso.com")
            .report_json()
            .run();
        seen.extend(codes(&ran.json()));
    }
    for case in account_cases {
        let ran = Run::validate(en)
            .domain("contoso.com")
            .report_json()
            .args(case)
            .run();
        seen.extend(codes(&ran.json()));
    }
    for rule in rules::ALL {
        assert!(
            seen.contains(rule.code) || NOT_FROM_A_FILE.iter().any(|(code, _)| *code == rule.code),
            "no fixture triggers {} ({})",
            rule.code,
            rule.title
        );
        let ran = Run::new(["explain", &rule.code.to_lowercase()]).run();
        ran.assert_exit(0);
        let text = String::from_utf8(ran.stdout).unwrap();
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
    let ran = Run::new(["explain"]).run();
    ran.assert_exit(0);
    let text = String::from_utf8(ran.stdout).unwrap();
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
    Run::new(["explain", "X999"])
        .run()
        .assert_exit_saying(2, "no rule \"X999\"");
}

#[test]
fn microsofts_own_sample_passes_and_the_legacy_one_is_explained() {
    Run::validate("fixtures/reference/m365-sample-16.csv")
        .domain("contoso.com")
        .run()
        .assert_exit(0);
    let ran = Run::validate("fixtures/reference/m365-sample-15-legacy.csv")
        .domain("contoso.com")
        .report_json()
        .run();
    ran.assert_exit(1);
    let report = ran.json();
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
    let explanation = Run::new(["explain", "S013"]).run().stdout_text();
    assert!(
        explanation.contains("February 2023") && explanation.contains("Alternate email address")
    );
}

#[test]
fn exit_codes_of_validate() {
    let validate = |input| {
        Run::validate(input)
            .domain("contoso.com")
            .report_json()
            .run()
    };
    validate("fixtures/bc-salespeople-en.csv").assert_exit(0);
    validate("fixtures/bc-salespeople-mistakes.csv").assert_exit(1);
    validate("fixtures/bad/header-only.csv").assert_exit(1);
    let renamed = validate("fixtures/bad/csv-renamed.xlsx");
    renamed.assert_exit(2);
    let report = renamed.json();
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

fn from_review(path: &Path, headers: &[String]) -> Found {
    sheet_text(path, "Problems")
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
    let converted = Run::convert(fixture)
        .domain("contoso.com")
        .report_json()
        .run();
    converted.assert_exit(1);
    let text = Run::validate(fixture).domain("contoso.com").run().stderr;
    let headers: Vec<String> = ["Code", "Name", "Phone No.", "E-Mail", "Job Title", "Region"]
        .map(String::from)
        .to_vec();
    let review = from_review(&converted.path("review.xlsx"), &headers);
    let json = from_json(&converted.json());
    assert!(json.len() >= 12, "{json:?}");
    assert_eq!(json, from_text(&text));
    assert_eq!(json, review);
}

#[test]
fn every_row_ends_written_skipped_or_rejected_exactly_once() {
    for fixture in FIXTURES.iter().filter(|f| !f.starts_with("fixtures/bad/")) {
        let tmp = tempfile::tempdir().unwrap();
        let review = tmp.path().join("review.xlsx");
        let report = Run::validate(fixture)
            .domain("contoso.com")
            .report_json()
            .arg("--review")
            .arg(&review)
            .run()
            .json();
        let summary = &report["summary"];
        let total = summary["rows"].as_u64().unwrap();
        let sum = STATUSES
            .iter()
            .map(|k| summary[k].as_u64().unwrap())
            .sum::<u64>();
        assert_eq!(sum, total, "{fixture}: {summary}");
        let rows = first_sheet(&review);
        // validate writes no import file: a row that would get a user says so.
        let statuses: Vec<&str> = rows
            .iter()
            .skip(1)
            .map(|r| match r[1].as_str() {
                "would be written" => "written",
                status => {
                    assert_ne!(status, "written", "{fixture}: validate wrote nothing");
                    status
                }
            })
            .collect();
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
    let ran = Run::convert("fixtures/bc-salespeople-mistakes.csv")
        .domain("contoso.com")
        .arg("--keep-going")
        .run();
    assert_eq!(ran.code, 1, "exit 1: some rows were rejected");
    assert_eq!(
        ran.written(),
        [
            "assign-roles.ps1",
            "coupling-bc-salespeople-mistakes.xlsx",
            "coupling.csv",
            "licences.csv",
            "m365-users.csv",
            "manifest.json",
            "next-steps.txt",
            "online-settings.json",
            "rejected.csv",
            "review.xlsx",
            "role-assignments.csv",
            "roles.csv",
            "set-licences.ps1"
        ]
    );
    let expected = Path::new("fixtures/expected/bc-salespeople-mistakes.csv/keep-going");
    for name in ["m365-users.csv", "rejected.csv"] {
        assert_matches_expected(&expected.join(name), &ran.read(name));
    }
    m365check(&["contoso.com"], &[ran.path("m365-users.csv")]);
    // No formula and no control character from the input reaches rejected.csv.
    let rejected = String::from_utf8(ran.read("rejected.csv")).unwrap();
    assert!(
        rejected.contains("'=HYPERLINK") && rejected.contains("Sales␊Team B"),
        "{rejected}"
    );
    let manifest = ran.manifest();
    let statuses: Vec<&str> = manifest["salespeople"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses.len(), 10);
    assert_eq!(statuses.iter().filter(|s| **s == "written").count(), 1);
    assert_eq!(statuses.iter().filter(|s| **s == "rejected").count(), 9);
    let rejected_rows = ran.import("rejected.csv");
    assert_eq!(rejected_rows.len(), 9);
}

#[test]
fn strict_makes_warnings_errors() {
    let ran = Run::convert("fixtures/bc-salespeople-en.csv")
        .domain("contoso.com")
        .arg("--strict")
        .run();
    ran.assert_exit(1);
    assert_eq!(ran.written(), ["review.xlsx"]);
    let validate = || {
        Run::validate("fixtures/bc-salespeople-en.csv")
            .domain("contoso.com")
            .report_json()
    };
    let strict = validate().arg("--strict").run();
    strict.assert_exit(1);
    // The two rows with warnings (a private address, a numbered user name) are rejected under --strict.
    assert_eq!(strict.json()["summary"]["rejected"], 2);
    assert_eq!(validate().run().json()["summary"]["rejected"], 0);
}

#[test]
fn validate_writes_nothing_unless_asked_for_a_review() {
    let tmp = tempfile::tempdir().unwrap();
    let validate = || {
        Run::validate(root().join("fixtures/bc-salespeople-mistakes.csv"))
            .domain("contoso.com")
            .cwd(tmp.path())
    };
    validate().run().assert_exit(1);
    assert_eq!(
        std::fs::read_dir(tmp.path()).unwrap().count(),
        0,
        "validate wrote a file"
    );
    validate()
        .args(["--review", "check.xlsx"])
        .run()
        .assert_exit(1);
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
    Run::validate("fixtures/bc-salespeople-mistakes.csv")
        .domain("contoso.com")
        .arg("--review")
        .arg(&review)
        .run()
        .assert_exit(1);
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
    let rows = sheet_text(&review, "bc-salespeople-mistakes");
    assert_eq!(
        rows[0][..4],
        ["Row", "Status", "Reason", "Code"].map(String::from)
    );
    // The formula is kept as text, made harmless; the line break is shown, not kept.
    assert!(rows
        .iter()
        .any(|r| r.iter().any(|c| c == "=HYPERLINK(\"http://x\",\"Hans\")")));
    assert!(rows.iter().any(|r| r.iter().any(|c| c == "Sales␊Team B")));
    let problems = sheet_text(&review, "Problems");
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
    let validate = || {
        Run::validate("fixtures/bc-salespeople-mistakes.csv")
            .domain("contoso.com")
            .arg("--review")
            .arg(&mine)
    };
    validate()
        .run()
        .assert_exit_saying(2, "already exists; pass --force");
    assert_eq!(
        std::fs::read_to_string(&mine).unwrap(),
        "Code,Name\r\nA1,Ann A\r\n"
    );
    validate().arg("--force").run().assert_exit(1);
    assert!(std::fs::read(&mine).unwrap().starts_with(b"PK"));
}

#[test]
fn the_json_report_says_whether_import_files_were_written() {
    for (input, extra, written) in [
        ("fixtures/bc-salespeople-mistakes.csv", &[][..], false),
        (
            "fixtures/bc-salespeople-mistakes.csv",
            &["--keep-going"],
            true,
        ),
        ("fixtures/bc-salespeople-en.csv", &[], true),
    ] {
        let ran = Run::convert(input)
            .domain("contoso.com")
            .report_json()
            .args(extra)
            .run();
        assert_eq!(ran.json()["imports_written"], written, "{input} {extra:?}");
        assert_eq!(ran.path("manifest.json").exists(), written);
    }
    let validated = Run::validate("fixtures/bc-salespeople-en.csv")
        .domain("contoso.com")
        .report_json()
        .run();
    assert_eq!(validated.json()["imports_written"], false);
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
    let ran = Run::convert(&input)
        .domain("contoso.com")
        .arg("--keep-going")
        .run();
    ran.assert_exit(1);
    let review = ran.path("review.xlsx");

    let rows = sheet_text(&review, "big");
    assert_eq!(rows.len(), 1 + 10_000 + 1);
    assert_eq!(rows[10_000][0], "10001");
    let last = &rows[10_001];
    assert_eq!((last[0].as_str(), last[1].as_str()), ("10302", "rejected"));

    let problems = sheet_text(&review, "Problems");
    assert!(problems.iter().any(|p| p[1] == "D001" && p[3] == "10302"));
    assert!(!problems.iter().any(|p| p[1] == "F005"));

    let summary = sheet_text(&review, "Summary");
    let not_listed = summary.iter().find(|r| r[0] == "Not listed").unwrap();
    assert!(
        not_listed[1].starts_with("499 rows and 1 problems"),
        "{not_listed:?}"
    );
}

#[test]
fn a_big_runs_review_puts_notes_on_the_first_problem_cells_only() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("all-errors.csv");
    // Every Name has no letter (F016): one problem cell a row, 10,050 of them.
    let mut csv = String::from("Code,Name\n");
    for i in 0..10_050 {
        csv.push_str(&format!("S{i},{i}\n"));
    }
    std::fs::write(&input, csv).unwrap();
    let review = dir.path().join("check.xlsx");
    Run::validate(&input)
        .domain("contoso.com")
        .args(["--review", review.to_str().unwrap()])
        .run()
        .assert_exit(1);
    // Every row is listed, its Name cell filled; only the first 10,000 get a note.
    let rows = sheet_text(&review, "all-errors");
    assert_eq!(rows.len(), 1 + 10_050);
    let notes = xlsx_parts(&review, "xl/comments")
        .matches("<comment ")
        .count();
    assert_eq!(notes, 10_000);
    let problems = sheet_text(&review, "Problems");
    assert_eq!(problems.iter().filter(|p| p[1] == "F016").count(), 10_050);
    let summary = sheet_text(&review, "Summary");
    let line = summary.iter().find(|r| r[0] == "Notes").unwrap();
    assert!(
        line[1].starts_with("the first 10000 problem cells"),
        "{line:?}"
    );
}
