//! The JSON report (`--report json`, on stdout): every diagnostic, none left out, and the summary.

use serde::Serialize;

use crate::analysis::Analysis;
use crate::check::Diagnostic;
use crate::manifest::Summary;

#[derive(Serialize)]
struct Report<'a> {
    imports_written: bool,
    diagnostics: Vec<JsonDiagnostic<'a>>,
    summary: &'a Summary,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'static str,
    severity: &'static str,
    file: &'a str,
    sheet: Option<&'a str>,
    row: Option<u64>,
    /// The column's header text.
    column: Option<&'a str>,
    /// The column's position, 1-based.
    column_index: Option<usize>,
    cell: Option<String>,
    value: Option<&'a str>,
    message: &'a str,
    note: Option<&'a str>,
    help: &'static str,
}

fn json_diagnostic(d: &Diagnostic) -> JsonDiagnostic<'_> {
    let column = d.location.column.as_ref();
    JsonDiagnostic {
        code: d.code(),
        severity: d.severity().as_str(),
        file: &d.location.file,
        sheet: d.location.sheet.as_deref(),
        row: d.location.row,
        column: column.map(|c| c.header.as_str()),
        column_index: column.map(|c| c.index),
        cell: d.location.cell(),
        value: d.value.as_deref(),
        message: &d.message,
        note: d.note.as_deref(),
        help: d.help(),
    }
}

/// The whole report as pretty JSON, ending in a newline.
/// `imports_written`: whether this run wrote import files and a manifest (never for `validate`, nor
/// for a `convert` stopped by errors), so the summary's `written` count is read as "valid" otherwise.
pub fn render(analysis: &Analysis, imports_written: bool) -> String {
    let report = Report {
        imports_written,
        diagnostics: analysis
            .diagnostics()
            .into_iter()
            .map(json_diagnostic)
            .collect(),
        summary: &analysis.summary,
    };
    let mut text = serde_json::to_string_pretty(&report).unwrap_or_default();
    text.push('\n');
    text
}
