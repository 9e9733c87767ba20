//! Reading exports as they really arrive: encodings, delimiters, workbook layouts, languages, JSON,
//! countries. The built binary on fixtures made by Excel-like writers, whole outputs compared.

mod common;

use std::path::{Path, PathBuf};

use common::*;

/// `convert fixtures/FIXTURE --domain contoso.com`.
fn convert(fixture: &str) -> Run {
    Run::convert(format!("fixtures/{fixture}")).domain("contoso.com")
}

/// The names of a run's import files.
fn import_names(ran: &Ran) -> Vec<String> {
    ran.import_files().into_iter().map(|(n, _)| n).collect()
}

#[test]
fn a_dutch_cp1252_semicolon_export_is_read() {
    let ran = convert("excel-csv-semicolon-cp1252-nl.csv").run();
    ran.expect_case("excel-csv-semicolon-cp1252-nl.csv", 0);
    let names = import_names(&ran);
    assert_eq!(
        names,
        [
            "m365-users-BE.csv",
            "m365-users-DE.csv",
            "m365-users-FR.csv",
            "m365-users-NL.csv"
        ]
    );
    let files: Vec<PathBuf> = names.iter().map(|n| ran.path(n)).collect();
    m365check(&["contoso.com"], &files);
    let be = ran.import("m365-users-BE.csv");
    assert_eq!(be[1][3], "Zoë Van den Broeck");
    assert_eq!(be[1][5], "BINNENDIENST");
    assert_eq!(be[1][15], "Belgium");
}

#[test]
fn dutch_french_and_german_exports_give_the_same_import_files() {
    let nl = convert("excel-csv-semicolon-cp1252-nl.csv").run();
    nl.expect_case("excel-csv-semicolon-cp1252-nl.csv", 0);
    let fr = convert("excel-unicode-text-fr.txt").run();
    fr.expect_case("excel-unicode-text-fr.txt", 0);
    let de = convert("excel-csv-utf8-semicolon-de.csv").run();
    de.expect_case("excel-csv-utf8-semicolon-de.csv", 0);
    let be = convert("excel-unicode-text-utf16be-de.txt").run();
    be.expect_case("excel-unicode-text-utf16be-de.txt", 0);
    assert_eq!(nl.import_files().len(), 4);
    assert_eq!(nl.import_files(), fr.import_files());
    assert_eq!(nl.import_files(), de.import_files());
    assert_eq!(nl.import_files(), be.import_files());
}

#[test]
fn a_wrong_encoding_can_be_overridden_and_a_declared_one_is_enforced() {
    // Declared UTF-8 on a windows-1252 file: every accented cell is an error on its line, nothing written.
    convert("excel-csv-semicolon-cp1252-nl.csv")
        .args(["--encoding", "utf-8"])
        .run()
        .expect_case("excel-csv-semicolon-cp1252-nl.csv--encoding-utf-8", 1);
    // Declared windows-1252: read as such, without the guess note.
    let ran = convert("excel-csv-semicolon-cp1252-nl.csv")
        .args(["--encoding", "windows-1252"])
        .run();
    ran.expect_case(
        "excel-csv-semicolon-cp1252-nl.csv--encoding-windows-1252",
        0,
    );
    assert_eq!(ran.import_files().len(), 4);
}

#[test]
fn the_delimiter_can_be_given() {
    // Told "comma", the semicolon header is one unknown column: Code and Name are missing.
    convert("excel-csv-utf8-semicolon-de.csv")
        .args(["--delimiter", "comma"])
        .run()
        .expect_case("excel-csv-utf8-semicolon-de.csv--delimiter-comma", 1);
}

#[test]
fn a_configuration_package_export_has_its_header_in_row_3() {
    let ran = convert("bc-rapidstart-en.xlsx")
        .args(["--country", "BE"])
        .run();
    ran.expect_case("bc-rapidstart-en.xlsx", 0);
    let names = import_names(&ran);
    assert_eq!(names, ["m365-users-BE.csv"]);
    m365check(&["contoso.com"], &[ran.path("m365-users-BE.csv")]);
    let rows = ran.import("m365-users-BE.csv");
    // Phone numbers typed as numbers keep their digits; the dimension column is the Department.
    assert_eq!(rows[0][8], "32475123456");
    assert_eq!(rows[0][5], "VERKOOP");
}

#[test]
fn an_open_in_excel_export_without_email_written_by_libreoffice() {
    let ran = convert("bc-open-in-excel-fr.xlsx").run();
    ran.expect_case("bc-open-in-excel-fr.xlsx", 0);
    m365check(&["contoso.com"], &[ran.path("m365-users.csv")]);
    let rows = ran.import("m365-users.csv");
    assert_eq!(rows[0][0], "annelies.vermeulen@contoso.com");
    assert_eq!(rows[0][8], "32475123456");
}

#[test]
fn api_v2_json_as_an_odata_answer_or_a_bare_array() {
    let ran = convert("bc-api-v2-odata.json")
        .args(["--country", "nl"])
        .run();
    ran.expect_case("bc-api-v2-odata.json", 0);
    m365check(&["contoso.com"], &[ran.path("m365-users-NL.csv")]);
    convert("bc-api-v2-array.json")
        .run()
        .expect_case("bc-api-v2-array.json", 0);
}

#[test]
fn map_names_columns_the_caption_table_does_not_know() {
    convert("bc-personalised-columns-en.csv")
        .run()
        .expect_case("bc-personalised-columns-en.csv", 1);
    let ran = convert("bc-personalised-columns-en.csv")
        .args(["--map", "department=Global Dimension 1 Code"])
        .args(["--map", "code=Salesperson"])
        .args(["--map", "email=Work Email"])
        .run();
    ran.expect_case("bc-personalised-columns-en.csv--map", 0);
    m365check(&["contoso.com"], &[ran.path("m365-users-BE.csv")]);
}

#[test]
fn an_unknown_country_is_an_error_on_its_cell() {
    convert("bc-countries-mistakes.csv")
        .run()
        .expect_case("bc-countries-mistakes.csv", 1);
}

#[test]
fn inspect_says_what_was_detected() {
    for (report, file) in [("text", "inspect.txt"), ("json", "inspect.json")] {
        let ran = Run::new([
            "inspect",
            "fixtures/excel-csv-semicolon-cp1252-nl.csv",
            "fixtures/excel-unicode-text-fr.txt",
            "fixtures/bc-rapidstart-en.xlsx",
            "fixtures/bc-api-v2-odata.json",
            "fixtures/bc-personalised-columns-en.csv",
            "fixtures/reference/m365-sample-15-legacy.csv",
            "--report",
            report,
        ])
        .run();
        // bc-personalised-columns-en.csv has no Code column until --map names it: an error, exit 1.
        ran.assert_exit(1);
        assert_matches_expected(
            &Path::new("fixtures/expected/inspect").join(file),
            &ran.stdout,
        );
    }
}

#[test]
fn inspect_exits_0_only_when_no_header_has_an_error() {
    Run::new(["inspect", "fixtures/bc-salespeople-en.csv"])
        .run()
        .assert_exit(0);
    Run::new(["inspect", "fixtures/diagnostics/missing-code-column.csv"])
        .run()
        .assert_exit(1);
}

#[test]
fn usage_errors_for_bad_options() {
    for (args, message) in [
        (&["--encoding", "klingon"][..], "is not a text encoding"),
        (
            &["--encoding", "x-user-defined"][..],
            "is not a text encoding",
        ),
        (&["--encoding", "iso-2022-kr"][..], "is not a text encoding"),
        (&["--company", "nothing"][..], "is not FILE=COMPANY"),
        (&["--delimiter", "colon"][..], "is not a delimiter"),
        (&["--country", "XX"][..], "is not an ISO 3166"),
        (&["--map", "colour=Kleur"][..], "is not a field"),
        (&["--map", "department"][..], "is not FIELD=HEADER"),
        (
            &["--map", "department=Afdeling"][..],
            "no input has a column \"Afdeling\"",
        ),
    ] {
        Run::convert("fixtures/bc-salespeople-en.csv")
            .domain("contoso.com")
            .out("/nonexistent/out")
            .args(args)
            .run()
            .assert_exit_saying(2, message);
    }
}

#[test]
fn a_current_microsoft_365_import_file_is_re_written_byte_for_byte() {
    let ran = convert("reference/m365-sample-16.csv").run();
    ran.expect_case("m365-sample-16.csv", 0);
    assert_eq!(
        ran.read("m365-users-US.csv"),
        std::fs::read(root().join("fixtures/reference/m365-sample-16.csv")).unwrap()
    );
    let manifest = ran.manifest();
    let first = &manifest["salespeople"][0];
    assert_eq!(first["usage_location"], "US");
    assert!(first["coupling"].is_null(), "no BC code, so no coupling");
}

#[test]
fn a_legacy_microsoft_365_import_file_is_re_written_with_16_columns() {
    let ran = convert("reference/m365-sample-15-legacy.csv").run();
    ran.expect_case("m365-sample-15-legacy.csv", 0);
    m365check(&["contoso.com"], &[ran.path("m365-users-US.csv")]);
    let rows = ran.import("m365-users-US.csv");
    // Every legacy column kept, in its current place; the alternate email is empty.
    assert_eq!(
        rows[0],
        [
            "chris@contoso.com",
            "Chris",
            "Green",
            "Chris Green",
            "IT Manager",
            "Information Technology",
            "123451",
            "123-555-1211",
            "123-555-6641",
            "123-555-9821",
            "",
            "1 Microsoft way",
            "Redmond",
            "Wa",
            "98052",
            "United States"
        ]
    );
}

#[test]
fn an_import_file_prepared_by_hand_is_checked_like_an_export() {
    convert("m365-import-by-hand-nl.csv")
        .run()
        .expect_case("m365-import-by-hand-nl.csv", 1);
}

#[test]
fn the_first_sheet_with_a_salesperson_header_is_read_or_the_one_named() {
    let ran = convert("bc-salespeople-notes-sheet-nl.xlsx").run();
    ran.expect_case("bc-salespeople-notes-sheet-nl.xlsx", 0);
    assert_eq!(ran.import("m365-users.csv").len(), 3);
    // Naming the notes sheet reads it, and its first line is no salesperson header.
    convert("bc-salespeople-notes-sheet-nl.xlsx")
        .args(["--sheet", "Toelichting"])
        .run()
        .expect_case("bc-salespeople-notes-sheet-nl.xlsx--sheet-Toelichting", 1);
}

#[test]
fn files_are_split_per_country_first_then_per_249_users() {
    let tmp = tempfile::tempdir().unwrap();
    let mut text = String::from("Code;Naam;Land-/regiocode\r\n");
    for i in 0..300 {
        text.push_str(&format!("B{i:03};Verkoper{i} Peeters;BE\r\n"));
    }
    text.push_str("N1;Niels de Lange;NL\r\nN2;Noor Visser;nl\r\nX1;Xavier Dupont;\r\n");
    let input = tmp.path().join("export.csv");
    std::fs::write(&input, text).unwrap();
    let ran = Run::convert(&input)
        .domain("contoso.com")
        .args(["--country", "LU"])
        .run();
    ran.assert_exit(0);
    let names = import_names(&ran);
    assert_eq!(
        names,
        [
            "m365-users-BE-001.csv",
            "m365-users-BE-002.csv",
            "m365-users-LU.csv",
            "m365-users-NL.csv"
        ]
    );
    let counts: Vec<usize> = names.iter().map(|n| ran.import(n).len()).collect();
    assert_eq!(counts, [249, 51, 1, 2]);
    let files: Vec<PathBuf> = names.iter().map(|n| ran.path(n)).collect();
    m365check(&["contoso.com"], &files);
    assert_eq!(read_import(&files[2])[0][15], "Luxembourg");
    assert_eq!(read_import(&files[3])[1][15], "Netherlands");
}
