//! The JSON report (`--report json`, on stdout): every diagnostic, none left out, and the summary.

use serde::Serialize;

use std::io::{self, Write};

use crate::diagnostic::Diagnostic;
use crate::manifest::write_nested;
use crate::plan::Summary;

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

/// The JSON report, written to `out` as the diagnostics go by: pretty JSON ending in a newline, the same
/// text `serde_json::to_string_pretty` gives for the whole report.
/// `imports_written`: whether this run wrote import files and a manifest (never for `validate`, nor
/// for a `convert` stopped by errors), so the summary's `written` count is read as "valid" otherwise.
pub struct JsonReport<W: Write> {
    out: W,
    empty: bool,
    buffer: Vec<u8>,
}

impl<W: Write> JsonReport<W> {
    pub fn new(mut out: W, imports_written: bool) -> io::Result<Self> {
        write!(
            out,
            "{{\n  \"imports_written\": {imports_written},\n  \"diagnostics\": ["
        )?;
        Ok(JsonReport {
            out,
            empty: true,
            buffer: Vec::new(),
        })
    }

    pub fn add(&mut self, d: &Diagnostic) -> io::Result<()> {
        let separator = if self.empty { "\n" } else { ",\n" };
        self.empty = false;
        self.out.write_all(separator.as_bytes())?;
        self.out.write_all(b"    ")?;
        write_nested(
            &mut self.out,
            &mut self.buffer,
            &json_diagnostic(d),
            b"    ",
        )
    }

    pub fn finish(mut self, summary: &Summary) -> io::Result<W> {
        if self.empty {
            self.out.write_all(b"],\n  \"summary\": ")?;
        } else {
            self.out.write_all(b"\n  ],\n  \"summary\": ")?;
        }
        write_nested(&mut self.out, &mut self.buffer, summary, b"  ")?;
        self.out.write_all(b"\n}\n")?;
        self.out.flush()?;
        Ok(self.out)
    }
}
