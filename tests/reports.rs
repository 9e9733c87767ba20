//! The reports, as people and scripts read them: the text report `validate` and `convert` print on
//! stderr, and the JSON report they print on stdout with `--report json`. Each is an `insta` file snapshot
//! in tests/snapshots/, compared in full; paths are stable because every run starts in the repository root
//! with a relative input path, and `convert`'s output folder is written `<OUT>`.
//!
//! The fixtures: a clean export (warnings and notes only, every file written), an export with a mistake of
//! each common kind, and the diagnostics fixtures (field, structure, encoding and missing-column problems).
//! A changed report fails here; review it, then accept it with `INSTA_UPDATE=always cargo test --test
//! reports` (or `cargo insta review`).

mod common;

use common::*;

/// Asserts the report's snapshot. insta ignores trailing blank space and CR LF against LF, so those are
/// checked here first: with them, the comparison is byte for byte.
fn assert_report(name: &str, report: &str) {
    assert!(!report.contains('\r'), "{name}: a CR in the report");
    assert!(
        report.ends_with('\n') && !report.ends_with("\n\n") && !report.ends_with(" \n"),
        "{name}: the report ends with one line break: {report:?}"
    );
    insta::assert_snapshot!(name, report);
}

/// What a fixture's runs print: each a snapshot, with the exit code the run must give.
fn validate_text(fixture: &str, name: &str, exit: i32) {
    let ran = Run::validate(fixture).domain("contoso.com").run();
    ran.record_case(&format!("{name}.validate.txt"));
    ran.assert_exit(exit);
    assert!(ran.stdout.is_empty(), "the text report is on stderr only");
    assert_report(&format!("{name}.validate.txt"), &ran.report());
}

fn validate_json(fixture: &str, name: &str, exit: i32) {
    let ran = Run::validate(fixture)
        .domain("contoso.com")
        .report_json()
        .run();
    ran.record_case(&format!("{name}.validate.json"));
    ran.assert_exit(exit);
    ran.json();
    assert_report(&format!("{name}.validate.json"), &ran.stdout_text());
}

fn convert_text(fixture: &str, name: &str, exit: i32) {
    let ran = Run::convert(fixture).domain("contoso.com").run();
    ran.record_case(&format!("{name}.convert.txt"));
    ran.assert_exit(exit);
    assert!(ran.stdout.is_empty(), "the text report is on stderr only");
    assert_report(&format!("{name}.convert.txt"), &ran.report());
}

fn convert_json(fixture: &str, name: &str, exit: i32) {
    let ran = Run::convert(fixture)
        .domain("contoso.com")
        .report_json()
        .run();
    ran.record_case(&format!("{name}.convert.json"));
    ran.assert_exit(exit);
    ran.json();
    assert_report(&format!("{name}.convert.json"), &ran.stdout_text());
}

macro_rules! reports {
    ($($name:ident: $fixture:literal => $($run:ident exit $exit:literal),+;)*) => {
        $(
            mod $name {
                $(
                    #[test]
                    fn $run() {
                        super::$run($fixture, stringify!($name), $exit);
                    }
                )+
            }
        )*
    };
}

reports! {
    clean_export: "fixtures/bc-salespeople-en.csv" =>
        validate_text exit 0, validate_json exit 0, convert_text exit 0, convert_json exit 0;
    export_with_mistakes: "fixtures/bc-salespeople-mistakes.csv" =>
        validate_text exit 1, validate_json exit 1, convert_text exit 1, convert_json exit 1;
    field_problems: "fixtures/diagnostics/field-problems.csv" =>
        validate_text exit 1, validate_json exit 1;
    structure_problems: "fixtures/diagnostics/structure-problems.csv" =>
        validate_text exit 1, validate_json exit 1;
    invalid_utf8: "fixtures/diagnostics/invalid-utf8.csv" =>
        validate_text exit 1, validate_json exit 1;
    missing_code_column: "fixtures/diagnostics/missing-code-column.csv" =>
        validate_text exit 1, validate_json exit 1;
}
