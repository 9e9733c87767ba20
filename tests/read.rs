//! Reading exports as they really arrive: encodings, delimiters, workbook layouts, languages, JSON,
//! countries. The built binary on fixtures made by Excel-like writers, whole outputs compared.

mod common;

use std::path::{Path, PathBuf};

use common::*;

/// Converts `inputs` (under fixtures/) with `extra` arguments and compares the report and every output with
/// `fixtures/expected/<case>/`.
fn convert_case(
    case: &str,
    inputs: &[&str],
    extra: &[&str],
    expected_exit: i32,
) -> (tempfile::TempDir, PathBuf) {
    let inputs: Vec<String> = inputs.iter().map(|i| format!("fixtures/{i}")).collect();
    let mut args: Vec<&str> = inputs.iter().map(String::as_str).collect();
    args.extend(["--domain", "contoso.com"]);
    args.extend_from_slice(extra);
    convert_and_compare(case, &args, expected_exit)
}

fn import_files(out: &Path) -> Vec<(String, Vec<u8>)> {
    folder_contents(out)
        .into_iter()
        .filter(|(name, _)| name.starts_with("m365-users"))
        .collect()
}

#[test]
fn a_dutch_cp1252_semicolon_export_is_read() {
    let (_tmp, out) = convert_case(
        "excel-csv-semicolon-cp1252-nl.csv",
        &["excel-csv-semicolon-cp1252-nl.csv"],
        &[],
        0,
    );
    let names: Vec<String> = import_files(&out).into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        names,
        [
            "m365-users-BE.csv",
            "m365-users-DE.csv",
            "m365-users-FR.csv",
            "m365-users-NL.csv"
        ]
    );
    let files: Vec<PathBuf> = names.iter().map(|n| out.join(n)).collect();
    m365check(&["contoso.com"], &files);
    let be = read_import(&out.join("m365-users-BE.csv"));
    assert_eq!(be[1][3], "Zoë Van den Broeck");
    assert_eq!(be[1][5], "BINNENDIENST");
    assert_eq!(be[1][15], "Belgium");
}

#[test]
fn dutch_french_and_german_exports_give_the_same_import_files() {
    let (_nl, nl) = convert_case(
        "excel-csv-semicolon-cp1252-nl.csv",
        &["excel-csv-semicolon-cp1252-nl.csv"],
        &[],
        0,
    );
    let (_fr, fr) = convert_case(
        "excel-unicode-text-fr.txt",
        &["excel-unicode-text-fr.txt"],
        &[],
        0,
    );
    let (_de, de) = convert_case(
        "excel-csv-utf8-semicolon-de.csv",
        &["excel-csv-utf8-semicolon-de.csv"],
        &[],
        0,
    );
    let (_be, be) = convert_case(
        "excel-unicode-text-utf16be-de.txt",
        &["excel-unicode-text-utf16be-de.txt"],
        &[],
        0,
    );
    assert_eq!(import_files(&nl).len(), 4);
    assert_eq!(import_files(&nl), import_files(&fr));
    assert_eq!(import_files(&nl), import_files(&de));
    assert_eq!(import_files(&nl), import_files(&be));
}

#[test]
fn a_wrong_encoding_can_be_overridden_and_a_declared_one_is_enforced() {
    // Declared UTF-8 on a windows-1252 file: every accented cell is an error on its line, nothing written.
    convert_case(
        "excel-csv-semicolon-cp1252-nl.csv--encoding-utf-8",
        &["excel-csv-semicolon-cp1252-nl.csv"],
        &["--encoding", "utf-8"],
        1,
    );
    // Declared windows-1252: read as such, without the guess note.
    let (_tmp, out) = convert_case(
        "excel-csv-semicolon-cp1252-nl.csv--encoding-windows-1252",
        &["excel-csv-semicolon-cp1252-nl.csv"],
        &["--encoding", "windows-1252"],
        0,
    );
    assert_eq!(import_files(&out).len(), 4);
}

#[test]
fn the_delimiter_can_be_given() {
    // Told "comma", the semicolon header is one unknown column: Code and Name are missing.
    convert_case(
        "excel-csv-utf8-semicolon-de.csv--delimiter-comma",
        &["excel-csv-utf8-semicolon-de.csv"],
        &["--delimiter", "comma"],
        1,
    );
}

#[test]
fn a_configuration_package_export_has_its_header_in_row_3() {
    let (_tmp, out) = convert_case(
        "bc-rapidstart-en.xlsx",
        &["bc-rapidstart-en.xlsx"],
        &["--country", "BE"],
        0,
    );
    let names: Vec<String> = import_files(&out).into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["m365-users-BE.csv"]);
    m365check(&["contoso.com"], &[out.join("m365-users-BE.csv")]);
    let rows = read_import(&out.join("m365-users-BE.csv"));
    // Phone numbers typed as numbers keep their digits; the dimension column is the Department.
    assert_eq!(rows[0][8], "32475123456");
    assert_eq!(rows[0][5], "VERKOOP");
}

#[test]
fn an_open_in_excel_export_without_email_written_by_libreoffice() {
    let (_tmp, out) = convert_case(
        "bc-open-in-excel-fr.xlsx",
        &["bc-open-in-excel-fr.xlsx"],
        &[],
        0,
    );
    m365check(&["contoso.com"], &[out.join("m365-users.csv")]);
    let rows = read_import(&out.join("m365-users.csv"));
    assert_eq!(rows[0][0], "annelies.vermeulen@contoso.com");
    assert_eq!(rows[0][8], "32475123456");
}

#[test]
fn api_v2_json_as_an_odata_answer_or_a_bare_array() {
    let (_tmp, out) = convert_case(
        "bc-api-v2-odata.json",
        &["bc-api-v2-odata.json"],
        &["--country", "nl"],
        0,
    );
    m365check(&["contoso.com"], &[out.join("m365-users-NL.csv")]);
    convert_case("bc-api-v2-array.json", &["bc-api-v2-array.json"], &[], 0);
}

#[test]
fn map_names_columns_the_caption_table_does_not_know() {
    convert_case(
        "bc-personalised-columns-en.csv",
        &["bc-personalised-columns-en.csv"],
        &[],
        1,
    );
    let (_tmp, out) = convert_case(
        "bc-personalised-columns-en.csv--map",
        &["bc-personalised-columns-en.csv"],
        &[
            "--map",
            "department=Global Dimension 1 Code",
            "--map",
            "code=Salesperson",
            "--map",
            "email=Work Email",
        ],
        0,
    );
    m365check(&["contoso.com"], &[out.join("m365-users-BE.csv")]);
}

#[test]
fn an_unknown_country_is_an_error_on_its_cell() {
    convert_case(
        "bc-countries-mistakes.csv",
        &["bc-countries-mistakes.csv"],
        &[],
        1,
    );
}

#[test]
fn inspect_says_what_was_detected() {
    for (report, file) in [("text", "inspect.txt"), ("json", "inspect.json")] {
        let output = run(&[
            "inspect",
            "fixtures/excel-csv-semicolon-cp1252-nl.csv",
            "fixtures/excel-unicode-text-fr.txt",
            "fixtures/bc-rapidstart-en.xlsx",
            "fixtures/bc-api-v2-odata.json",
            "fixtures/bc-personalised-columns-en.csv",
            "fixtures/reference/m365-sample-15-legacy.csv",
            "--report",
            report,
        ]);
        assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
        assert_matches_expected(
            &Path::new("fixtures/expected/inspect").join(file),
            &output.stdout,
        );
    }
}

#[test]
fn usage_errors_for_bad_options() {
    for (args, message) in [
        (&["--encoding", "klingon"][..], "is not an encoding"),
        (&["--delimiter", "colon"][..], "is not a delimiter"),
        (&["--country", "XX"][..], "is not an ISO 3166"),
        (&["--map", "colour=Kleur"][..], "is not a field"),
        (&["--map", "department"][..], "is not FIELD=HEADER"),
        (
            &["--map", "department=Afdeling"][..],
            "no input has a column \"Afdeling\"",
        ),
    ] {
        let mut all = vec![
            "convert",
            "fixtures/bc-salespeople-en.csv",
            "--domain",
            "contoso.com",
            "--out",
            "/nonexistent/out",
        ];
        all.extend(args);
        let output = run(&all);
        assert_eq!(output.status.code(), Some(2));
        assert!(
            stderr_of(&output).contains(message),
            "{}",
            stderr_of(&output)
        );
    }
}

#[test]
fn a_current_microsoft_365_import_file_is_re_written_byte_for_byte() {
    let (_tmp, out) = convert_case(
        "m365-sample-16.csv",
        &["reference/m365-sample-16.csv"],
        &[],
        0,
    );
    assert_eq!(
        std::fs::read(out.join("m365-users-US.csv")).unwrap(),
        std::fs::read(root().join("fixtures/reference/m365-sample-16.csv")).unwrap()
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    let first = &manifest["salespeople"][0];
    assert_eq!(first["usage_location"], "US");
    assert!(first["coupling"].is_null(), "no BC code, so no coupling");
}

#[test]
fn a_legacy_microsoft_365_import_file_is_re_written_with_16_columns() {
    let (_tmp, out) = convert_case(
        "m365-sample-15-legacy.csv",
        &["reference/m365-sample-15-legacy.csv"],
        &[],
        0,
    );
    m365check(&["contoso.com"], &[out.join("m365-users-US.csv")]);
    let rows = read_import(&out.join("m365-users-US.csv"));
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
    convert_case(
        "m365-import-by-hand-nl.csv",
        &["m365-import-by-hand-nl.csv"],
        &[],
        1,
    );
}

#[test]
fn the_first_sheet_with_a_salesperson_header_is_read_or_the_one_named() {
    let (_tmp, out) = convert_case(
        "bc-salespeople-notes-sheet-nl.xlsx",
        &["bc-salespeople-notes-sheet-nl.xlsx"],
        &[],
        0,
    );
    assert_eq!(read_import(&out.join("m365-users.csv")).len(), 3);
    // Naming the notes sheet reads it, and its first line is no salesperson header.
    convert_case(
        "bc-salespeople-notes-sheet-nl.xlsx--sheet-Toelichting",
        &["bc-salespeople-notes-sheet-nl.xlsx"],
        &["--sheet", "Toelichting"],
        1,
    );
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
    let out = tmp.path().join("out");
    let output = run(&[
        "convert",
        input.to_str().unwrap(),
        "--domain",
        "contoso.com",
        "--out",
        out.to_str().unwrap(),
        "--country",
        "LU",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let names: Vec<String> = import_files(&out).into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        names,
        [
            "m365-users-BE-001.csv",
            "m365-users-BE-002.csv",
            "m365-users-LU.csv",
            "m365-users-NL.csv"
        ]
    );
    let counts: Vec<usize> = names
        .iter()
        .map(|n| read_import(&out.join(n)).len())
        .collect();
    assert_eq!(counts, [249, 51, 1, 2]);
    let files: Vec<PathBuf> = names.iter().map(|n| out.join(n)).collect();
    m365check(&["contoso.com"], &files);
    assert_eq!(read_import(&files[2])[0][15], "Luxembourg");
    assert_eq!(read_import(&files[3])[1][15], "Netherlands");
}
