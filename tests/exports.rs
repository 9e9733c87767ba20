//! Exports as people hand them over, end to end: rows that are no person, privacy-blocked salespeople,
//! every Business Central UI language, and fixing rejected.csv and converting it again.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use serde_json::Value;

/// A first run of `export` (a CSV's text) with `--keep-going` and the JSON report, in `dir/first`: it
/// rejected rows, so it wrote rejected.csv.
fn first_run(dir: &Path, export: &str) -> Ran {
    let input = dir.join("export.csv");
    std::fs::write(&input, export).unwrap();
    let ran = Run::convert(&input)
        .domain("contoso.com")
        .arg("--keep-going")
        .out(dir.join("first"))
        .report_json()
        .run();
    ran.assert_exit(1);
    ran
}

/// The first run's rejected.csv as a person fixes it: each `(from, to)` replaced. Gives the fixed file.
fn fix_rejected(first: &Ran, fixes: &[(&str, &str)]) -> PathBuf {
    let mut text = String::from_utf8(first.read("rejected.csv")).unwrap();
    for (from, to) in fixes {
        text = text.replace(from, to);
    }
    let fixed = first.out().with_file_name("fixed.csv");
    std::fs::write(&fixed, text).unwrap();
    fixed
}

/// A fixed rejected.csv converted with the first run's manifest, as README.md says.
fn convert_with_manifest(fixed: &Path, first: &Ran) -> Ran {
    Run::convert(fixed)
        .domain("contoso.com")
        .arg("--existing")
        .arg(first.path("manifest.json"))
        .run()
}

/// The personal data of the privacy-blocked salespeople of the privacy fixtures.
const PRIVATE: [&str; 12] = [
    "Griselda",
    "Hidden",
    "griselda.hidden",
    "499 11 22 33",
    "Quiet Seller",
    "Ottokar",
    "Unseen",
    "499 44 55 66",
    "Wilhelmina",
    "Secret",
    "0499778899",
    "HYPERLINK",
];

#[test]
fn a_privacy_blocked_salespersons_data_reaches_no_output() {
    for input in [
        "fixtures/bc-privacy-blocked-en.csv",
        "fixtures/bc-privacy-blocked-en.xlsx",
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let review = tmp.path().join("review.xlsx");
        let runs = [
            Run::convert(input)
                .domain("contoso.com")
                .report_json()
                .run(),
            Run::convert(input)
                .domain("contoso.com")
                .arg("--keep-going")
                .run(),
            Run::validate(input)
                .domain("contoso.com")
                .arg("--review")
                .arg(&review)
                .report_json()
                .run(),
            Run::validate(input).domain("contoso.com").run(),
        ];
        for (n, ran) in runs.iter().enumerate() {
            let extra: Vec<&Path> = if n == 2 { vec![&review] } else { vec![] };
            if n < 2 {
                assert!(ran.out().join("review.xlsx").exists(), "{input}: run {n}");
            }
            let text = everything_written(ran, &extra, None);
            for private in PRIVATE {
                assert!(
                    !text.contains(private),
                    "{input}: run {n} wrote {private:?}"
                );
            }
        }
        let ran = &runs[0];
        ran.assert_exit(0);
        // The unreadable value counts as blocked and says so; the rows keep their Codes.
        let report = ran.json();
        let f015: Vec<&Value> = report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["code"] == "F015")
            .collect();
        assert_eq!(f015.len(), 1, "{input}");
        assert_eq!(f015[0]["value"], "Perhaps");
        let manifest = ran.manifest();
        let skipped: Vec<&str> = manifest["salespeople"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["reason"] == "privacy blocked in Business Central: never exported")
            .map(|s| s["code"].as_str().unwrap())
            .collect();
        assert_eq!(skipped, ["PB1", "PB2", "PB3"], "{input}");
        let review = first_sheet(&ran.out().join("review.xlsx"));
        let pb1 = review
            .iter()
            .find(|r| r.contains(&"PB1".to_string()))
            .unwrap();
        assert!(pb1.iter().any(|c| c.contains("privacy blocked")), "{pb1:?}");
    }
}

#[test]
fn rows_that_are_no_person_are_skipped_each_with_its_code() {
    let ran = Run::convert("fixtures/bc-excel-table-total-en.xlsx")
        .domain("contoso.com")
        .report_json()
        .run();
    ran.assert_exit(0);
    let report = ran.json();
    let by_row: Vec<(u64, String)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"].as_str().unwrap().starts_with('R') || d["code"] == "S006")
        .map(|d| {
            (
                d["row"].as_u64().unwrap(),
                d["code"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expected = [
        (6, "R006"),
        (9, "R005"),
        (10, "S006"),
        (11, "R007"),
        (12, "S006"),
        (13, "R008"),
        (14, "R008"),
        (15, "R008"),
    ];
    let expected: Vec<(u64, String)> = expected.iter().map(|(r, c)| (*r, c.to_string())).collect();
    assert_eq!(by_row, expected);
    let summary = &report["summary"];
    assert_eq!(summary["rows"], 12);
    assert_eq!(summary["written"], 4);
    assert_eq!(summary["not_people"], 6);
    assert_eq!(summary["empty_rows"], 2);
    // Only the four people are users, with their titles and suffixes out of their names.
    let users = ran.import("m365-users.csv");
    let names: Vec<(&str, &str, &str)> = users
        .iter()
        .map(|u| (u[0].as_str(), u[1].as_str(), u[2].as_str()))
        .collect();
    assert_eq!(
        names,
        [
            ("annelies.vermeulen@contoso.com", "Annelies", "Vermeulen"),
            ("jan.peeters@contoso.com", "Jan", "Peeters"),
            ("john.smith@contoso.com", "John", "Smith"),
            ("claire.dubois@contoso.com", "Claire", "Dubois"),
        ]
    );
    // The manifest lists salespeople only; a total or a note is none.
    let manifest = ran.manifest();
    let codes: Vec<&str> = manifest["salespeople"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["AV", "JP", "JS", "MD"]);
    // The review gives each such row its reason.
    let review = first_sheet(&ran.out().join("review.xlsx"));
    let total = review.iter().find(|r| r[0] == "9").unwrap();
    assert_eq!(
        (total[1].as_str(), total[2].as_str()),
        ("skipped", "a total row, not a salesperson")
    );
    let files: Vec<_> = ran
        .import_files()
        .into_iter()
        .map(|(n, _)| ran.path(&n))
        .collect();
    assert!(m365check(&["contoso.com"], &files).contains(" 0 problems"));
    // The phone number Excel stored as a number is written, with a warning that names its cell.
    let f017 = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "F017")
        .unwrap();
    assert_eq!(f017["cell"], "Salespeople!D5");
}

#[test]
fn totals_counts_and_names_without_letters_never_become_users() {
    let report = Run::validate("fixtures/diagnostics/no-person-rows.csv")
        .domain("contoso.com")
        .report_json()
        .run()
        .json();
    let codes_of = |row: u64| -> Vec<String> {
        report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["row"] == row)
            .map(|d| d["code"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(codes_of(4), ["F016"]);
    for row in 5..=9 {
        assert_eq!(codes_of(row), ["R005"], "row {row}");
    }
    assert_eq!(codes_of(11), ["R007"]);
    assert_eq!(codes_of(12), ["R005"]);
    assert_eq!(codes_of(13), ["R005"]);
    // After an empty row, a lower-case Code with an address, and a name that starts like a total, are
    // salespeople.
    assert!(
        codes_of(15).iter().all(|c| !c.starts_with('R')),
        "{:?}",
        codes_of(15)
    );
    assert!(
        codes_of(16).iter().all(|c| !c.starts_with('R')),
        "{:?}",
        codes_of(16)
    );
    assert_eq!(report["summary"]["written"], 4);
    assert_eq!(report["summary"]["rejected"], 1);
}

#[test]
fn every_business_central_language_is_read_with_its_yes_and_no() {
    let dir = Path::new("fixtures/languages");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 12);
    for file in files {
        let ran = Run::convert(&file)
            .domain("contoso.com")
            .report_json()
            .run();
        ran.assert_exit(0);
        let report = ran.json();
        let codes: Vec<String> = codes(&report);
        assert!(
            !codes.iter().any(|c| c == "S003" || c == "S001"),
            "{file:?}: {codes:?}"
        );
        let summary = &report["summary"];
        assert_eq!(
            (
                &summary["written"],
                &summary["skipped"],
                &summary["coupled"]
            ),
            (&Value::from(2), &Value::from(2), &Value::from(1)),
            "{file:?}"
        );
        let manifest = ran.manifest();
        let reasons: Vec<&str> = manifest["salespeople"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["status"].as_str().unwrap())
            .collect();
        assert_eq!(
            reasons,
            ["written", "written", "skipped", "skipped", "coupled"],
            "{file:?}"
        );
        let text = everything_written(&ran, &[], None);
        assert!(!text.contains("Piet Private"), "{file:?}");
    }
}

#[test]
fn an_unknown_header_says_the_map_line_to_type() {
    let ran = Run::validate("fixtures/bc-personalised-columns-en.csv")
        .domain("contoso.com")
        .run();
    ran.assert_exit_saying(1, "add: --map code=\"Salesperson\"");
    let explained = Run::new(["explain", "S001"]).run();
    assert!(String::from_utf8_lossy(&explained.stdout).contains("--map code="));
}

#[test]
fn a_failed_runs_review_says_nothing_was_written() {
    let ran = Run::convert("fixtures/bc-salespeople-mistakes.csv")
        .domain("contoso.com")
        .run();
    ran.assert_exit(1);
    assert_eq!(ran.written(), ["review.xlsx"]);
    let review = ran.out().join("review.xlsx");
    let rows = first_sheet(&review);
    let statuses: Vec<&str> = rows.iter().skip(1).map(|r| r[1].as_str()).collect();
    assert!(!statuses.contains(&"written"), "{statuses:?}");
    assert!(statuses.contains(&"would be written"), "{statuses:?}");
    let summary = sheet_text(&review, "Summary");
    let value = |label: &str| {
        summary
            .iter()
            .find(|r| r[0] == label)
            .map(|r| r[1].clone())
            .unwrap_or_else(|| panic!("no {label} in {summary:?}"))
    };
    assert!(value("Import files").starts_with("none written"));
    assert!(value("Would be written").contains("no import file was written"));
    // Every outcome is counted: they add up to the rows read.
    let number = |label: &str| {
        value(label)
            .split(' ')
            .next()
            .unwrap()
            .parse::<u64>()
            .unwrap()
    };
    let sum: u64 = [
        "Would be written",
        "Existing users",
        "Already coupled",
        "Skipped",
        "Rejected",
    ]
    .iter()
    .map(|label| number(label))
    .sum();
    assert_eq!(sum, number("Rows"));
}

/// One first-run row per way of being rejected: its code, the header and the row. Each is converted
/// with a good row, then its rejected.csv is converted again unchanged.
const REJECTIONS: &[(&str, &str, &str)] = &[
    ("F001", "Code,Name,Email", ",Anna Maes,"),
    ("F002", "Code,Name,Email", "AM,,"),
    ("F003", "Code,Name,Email", "AM,Anna Maes,anna@contoso"),
    (
        "F004",
        "Code,Name,Email",
        "AM,Anna Maes,a@contoso.com; b@contoso.com",
    ),
    (
        "F007",
        "Code,Name,Job Title",
        "AM,Anna Maes,=HYPERLINK(\"x\")",
    ),
    ("F007", "Code,Name,Job Title", "AM,Anna Maes,+1+1"),
    (
        "F008",
        "Code,Name,Job Title",
        "AM,Anna Maes,\"Sales\nTeam\"",
    ),
    ("F009", "Code,Name,Blocked", "AM,Anna Maes,Maybe"),
    ("F013", "Code,Name,Country/Region Code", "AM,Anna Maes,UK"),
    ("F016", "Code,Name,Email", "AM,1234,"),
    (
        "U001",
        "Code,Name,Email",
        "AM,Anna Maes,anna+sales@contoso.com",
    ),
    (
        "U002",
        "Code,Name,Email",
        "AM,Anna Maes,aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@contoso.com",
    ),
    ("U003", "Code,Name,Email", "AM,ー,"),
    ("D001", "Code,Name,Email", "JP,Anna Maes,"),
    (
        "D002",
        "Code,Name,Email",
        "AM,Anna Maes,jan.peeters@contoso.com",
    ),
];

#[test]
fn a_rejected_row_converted_again_unchanged_is_rejected_again() {
    for (code, header, row) in REJECTIONS {
        let tmp = tempfile::tempdir().unwrap();
        let good = match *header {
            "Code,Name,Email" => "JP,Jan Peeters,jan.peeters@contoso.com",
            _ => "JP,Jan Peeters,",
        };
        let ran = first_run(tmp.path(), &format!("{header}\r\n{good}\r\n{row}\r\n"));
        let first = ran.out().to_path_buf();
        assert!(
            codes(&ran.json()).contains(&code.to_string()),
            "{code}: {}",
            ran.stderr
        );
        let rejected = first.join("rejected.csv");
        // Alone: the same code again, or, when the reason was another row, R009.
        let again = Run::convert(&rejected)
            .domain("contoso.com")
            .arg("--keep-going")
            .report_json()
            .run();
        let report = again.json();
        assert_eq!(report["summary"]["written"], 0, "{code}: {}", again.stderr);
        assert_eq!(report["summary"]["rejected"], 1, "{code}");
        let expected = if code.starts_with('D') { "R009" } else { code };
        assert!(
            codes(&report).contains(&expected.to_string()),
            "{code}: {:?}",
            codes(&report)
        );
        // And the rejected.csv of that run, converted once more: still rejected.
        let second = tmp.path().join("second");
        Run::convert(&rejected)
            .domain("contoso.com")
            .arg("--keep-going")
            .out(&second)
            .run();
        let once_more = Run::convert(second.join("rejected.csv"))
            .domain("contoso.com")
            .arg("--keep-going")
            .report_json()
            .run()
            .json();
        assert_eq!(once_more["summary"]["written"], 0, "{code}, twice");
        // With the first run's manifest: checked against what that run decided.
        let with_manifest = Run::convert(&rejected)
            .domain("contoso.com")
            .arg("--keep-going")
            .arg("--existing")
            .arg(first.join("manifest.json"))
            .report_json()
            .run()
            .json();
        assert_eq!(with_manifest["summary"]["written"], 0, "{code}");
        assert!(
            codes(&with_manifest).contains(&code.to_string()),
            "{code}: {:?}",
            codes(&with_manifest)
        );
    }
}

#[test]
fn a_fixed_rejected_row_is_written_and_checked_against_the_first_run() {
    let tmp = tempfile::tempdir().unwrap();
    let first = first_run(
        tmp.path(),
        "Code,Name,Email\r\nJP,Jan Peeters,jan.peeters@contoso.com\r\nAM,Anna Maes,anna@contoso\r\nJP,Jan Pieters,\r\n",
    );
    // The admin fixes Anna's address and gives the second JP its own Code.
    let own_code = (",JP,Jan Pieters", ",JPI,Jan Pieters");
    let fixed = fix_rejected(
        &first,
        &[("anna@contoso", "anna.maes@contoso.com"), own_code],
    );
    let second = convert_with_manifest(&fixed, &first);
    second.assert_exit(0);
    let users: Vec<String> = second
        .import("m365-users.csv")
        .iter()
        .map(|u| u[0].clone())
        .collect();
    // Jan Pieters' built name is Jan Peeters' user's in the first run: a number, never that user.
    assert_eq!(users, ["anna.maes@contoso.com", "jan.pieters@contoso.com"]);
    // One more mistake: Anna's new address is Jan's.
    let clash = fix_rejected(
        &first,
        &[("anna@contoso", "jan.peeters@contoso.com"), own_code],
    );
    let third = convert_with_manifest(&clash, &first);
    third.assert_exit_saying(1, "is salesperson JP's in the run of");
}

#[cfg(unix)]
#[test]
fn every_output_is_readable_by_its_owner_only_from_convert_and_validate_alike() {
    use std::os::unix::fs::PermissionsExt;
    let ran = Run::convert("fixtures/bc-salespeople-en.csv")
        .domain("contoso.com")
        .run();
    ran.assert_exit(0);
    for name in ran.written() {
        let mode = std::fs::metadata(ran.path(&name))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "{name}");
    }
    let tmp = tempfile::tempdir().unwrap();
    let review = tmp.path().join("review.xlsx");
    Run::validate("fixtures/bc-salespeople-en.csv")
        .domain("contoso.com")
        .arg("--review")
        .arg(&review)
        .run()
        .assert_exit(0);
    let mode = std::fs::metadata(&review).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[test]
fn microsofts_own_sample_gives_steps_without_empty_codes_or_couplings() {
    let ran = Run::convert("fixtures/reference/m365-sample-16.csv")
        .domain("contoso.com")
        .run();
    ran.assert_exit(0);
    assert!(!ran.stderr.contains("A004"), "{}", ran.stderr);
    let steps = String::from_utf8(ran.read("next-steps.txt")).unwrap();
    assert!(!steps.contains("(, "), "{steps}");
    assert!(steps.contains("No Business Central salesperson to couple in this run."));
}

#[test]
fn what_is_left_out_of_the_steps_is_named_by_its_row() {
    let ran = Run::convert("fixtures/bc-salespeople-mistakes.csv")
        .domain("contoso.com")
        .arg("--keep-going")
        .run();
    let steps = String::from_utf8(ran.read("next-steps.txt")).unwrap();
    // AV is written from row 2 and rejected as a duplicate on row 3: the row tells the two apart.
    assert!(
        steps.contains("AV (rejected, fixtures/bc-salespeople-mistakes.csv row 3)"),
        "{steps}"
    );
}

#[test]
fn column_overflow_counts_columns_and_trailing_empty_rows_are_rows() {
    let ran = Run::validate("fixtures/diagnostics/many-unknown-columns.csv")
        .domain("contoso.com")
        .run();
    ran.assert_exit(0);
    assert!(
        ran.stderr.contains("warning[S003]: ... and 3 more columns"),
        "{}",
        ran.stderr
    );
    assert!(
        ran.stderr
            .contains("4 rows in 1 file: 2 valid, 2 skipped (2 of them empty)"),
        "{}",
        ran.stderr
    );
    let inspected = Run::new(["inspect", "fixtures/diagnostics/many-unknown-columns.csv"]).run();
    assert!(inspected.stdout_text().contains("rows:       4"));
}

#[test]
fn an_unclosed_quote_is_one_finding() {
    let report = Run::validate("fixtures/bad/unbalanced-quote.csv")
        .domain("contoso.com")
        .report_json()
        .run()
        .json();
    let row_codes: Vec<String> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["row"] == 3)
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(row_codes, ["S015"]);
}

#[test]
fn the_map_line_of_s001_works_when_typed() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("export.csv");
    std::fs::write(&input, "\"$Code`x\",Name\r\nAB,Anna Berg\r\n").unwrap();
    let ran = Run::validate(&input).domain("contoso.com").run();
    ran.assert_exit_saying(1, "add: --map code=\"Codex\"");
    Run::validate(&input)
        .domain("contoso.com")
        .args(["--map", "code=Codex"])
        .run()
        .assert_exit(0);
    std::fs::write(&input, "#,Name\r\nAB,Anna Berg\r\n").unwrap();
    let ran = Run::validate(&input).domain("contoso.com").run();
    ran.assert_exit_saying(1, "rename it to \"Code\"");
}

#[test]
fn values_read_back_from_rejected_csv_are_the_values_first_read() {
    // Rows rejected for their addresses only; their other values are unusual but valid, and must come
    // back as they were: a value that already starts with an apostrophe, a name with a title.
    let tmp = tempfile::tempdir().unwrap();
    let first = first_run(
        tmp.path(),
        "Code,Name,Job Title,Email\r\nAB,Anna Berg,'Sales' team,bad@@x\r\nCD,Dr. Carl Dahl,O'Neil's,bad2@@x\r\n",
    );
    let fixed = fix_rejected(
        &first,
        &[("bad@@x", "anna.berg@contoso.com"), ("bad2@@x", "")],
    );
    let second = convert_with_manifest(&fixed, &first);
    second.assert_exit(0);
    let users = second.import("m365-users.csv");
    let titles: Vec<&str> = users.iter().map(|u| u[4].as_str()).collect();
    assert_eq!(titles, ["'Sales' team", "O'Neil's"]);
    assert_eq!(users[1][0], "carl.dahl@contoso.com");
}

#[test]
fn a_privacy_blocked_row_that_is_not_read_as_a_salesperson_shows_no_data_either() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("export.csv");
    // After an empty row, a header-shaped row: skipped as a second table, but privacy blocked.
    std::fs::write(
        &input,
        "Code,Name,Privacy Blocked\r\nAB,Anna Berg,No\r\n,,\r\nregion,Griselda Hidden,Yes\r\n",
    )
    .unwrap();
    let ran = Run::convert(&input).domain("contoso.com").run();
    ran.assert_exit(0);
    assert!(ran.stderr.contains("R008"), "{}", ran.stderr);
    assert!(!everything_written(&ran, &[], None).contains("Griselda"));
}

#[test]
fn placeholders_and_error_values_are_no_name() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("export.csv");
    std::fs::write(
        &input,
        "Code,Name\r\nAB,N/A\r\nCD,TBD\r\nEF,#N/A\r\nGH,#DIV/0!\r\nIJ,unknown\r\nKL,Anna Berg\r\n",
    )
    .unwrap();
    let report = Run::validate(&input)
        .domain("contoso.com")
        .report_json()
        .run()
        .json();
    let f016 = codes(&report).iter().filter(|c| *c == "F016").count();
    assert_eq!(f016, 5);
    assert_eq!(report["summary"]["written"], 1);
}
