//! The text report on stderr, shaped like rustc's: `error[CODE]: message`, then where, the value and the fix.

use std::fmt::Write as _;

use anstyle::AnsiColor;

use crate::bc::Field;
use crate::diagnostic::{column_letters, rules, Diagnostic, Severity};
use crate::plan::tally::ReportSample;
use crate::plan::InputInfo;
use crate::plan::Summary;
use crate::read::InputFormat;

/// The text report of a run, errors only when asked: made from the plan's sample, which kept the first
/// diagnostics of each code and counted the rest.
pub fn render_sample(sample: &ReportSample, errors_only: bool, color: bool) -> String {
    let keep = |severity: Severity| !errors_only || severity == Severity::Error;
    let shown: Vec<&Diagnostic> = sample.shown.iter().filter(|d| keep(d.severity())).collect();
    let hidden: Vec<(&'static str, Severity, u64)> = sample
        .hidden
        .iter()
        .copied()
        .filter(|(_, severity, _)| keep(*severity))
        .collect();
    render_counted(&shown, &hidden, color)
}

/// Renders the diagnostics shown, then for each code with more than [`crate::plan::tally::SHOWN_PER_CODE`], how many more
/// (`hidden`: code, severity, count): the whole report, from the sample the plan kept.
pub fn render_counted(
    shown: &[&Diagnostic],
    hidden: &[(&'static str, Severity, u64)],
    color: bool,
) -> String {
    let mut out = String::new();
    for d in shown {
        render_one(&mut out, d, color);
    }
    for (code, severity, n) in hidden {
        let (one, many) = if about_header(code) {
            ("column", "columns")
        } else {
            ("row", "rows")
        };
        let things = if *n == 1 { one } else { many };
        let _ = writeln!(
            out,
            "{}: ... and {} more {things}\n",
            label(*severity, code, color),
            group_thousands(*n as usize)
        );
    }
    out
}

/// Whether a code's findings are about header cells (so counted in columns), not rows.
fn about_header(code: &str) -> bool {
    [
        &rules::MISSING_COLUMN,
        &rules::DUPLICATE_COLUMN,
        &rules::UNKNOWN_COLUMN,
        &rules::AMBIGUOUS_COLUMN,
        &rules::IMPORT_HEADER_SPELLING,
        &rules::IMPORT_HEADER_REFUSED,
    ]
    .iter()
    .any(|rule| rule.code == code)
}

/// `error[F003]`, in the severity's colour when asked.
fn label(severity: Severity, code: &str, color: bool) -> String {
    paint(&format!("{}[{code}]", severity.as_str()), severity, color)
}

/// `text` in the colour of `severity` (bold red, yellow or cyan), or as it is without `color`.
pub fn paint(text: &str, severity: Severity, color: bool) -> String {
    if !color {
        return text.to_string();
    }
    let style = match severity {
        Severity::Error => AnsiColor::Red,
        Severity::Warning => AnsiColor::Yellow,
        Severity::Info => AnsiColor::Cyan,
    }
    .on_default()
    .bold();
    format!("{style}{text}{style:#}")
}

/// Longest text shown for a message, value or header: a 20 MB cell must not flood the terminal. The
/// JSON report and review.xlsx keep the whole value.
const SHOWN_CHARS: usize = 200;

/// Text as the report shows it: control characters made visible (no escape sequence from a file reaches
/// the terminal) and cut to [`SHOWN_CHARS`].
fn shown(text: &str) -> String {
    let visible = crate::report::visible_text(text);
    let count = visible.chars().count();
    if count <= SHOWN_CHARS {
        return visible.into_owned();
    }
    let cut: String = visible.chars().take(SHOWN_CHARS).collect();
    format!("{cut}... ({} more characters)", count - SHOWN_CHARS)
}

fn render_one(out: &mut String, d: &Diagnostic, color: bool) {
    let _ = writeln!(
        out,
        "{}: {}",
        label(d.severity(), d.code(), color),
        shown(&d.message)
    );
    let l = &d.location;
    let mut place = shown(&l.file);
    if let Some(row) = l.row {
        let _ = write!(place, ":{row}");
        if let Some(column) = &l.column {
            let _ = write!(place, ":{}", column.index);
        }
    }
    let mut detail = Vec::new();
    if let Some(cell) = l.cell() {
        detail.push(cell);
    }
    if let Some(column) = l.column.as_ref().filter(|c| !c.header.is_empty()) {
        detail.push(format!("column \"{}\"", shown(&column.header)));
    }
    if detail.is_empty() {
        let _ = writeln!(out, "  --> {place}");
    } else {
        let _ = writeln!(out, "  --> {place} ({})", detail.join(", "));
    }
    if let Some(value) = &d.value {
        let quoted = format!("{value:?}");
        let _ = writeln!(out, "   = value: {}", shown(&quoted));
    }
    if let Some(note) = &d.note {
        let _ = writeln!(out, "   = note: {}", shown(note));
    }
    let _ = writeln!(out, "   = help: {}\n", d.help());
}

/// The closing line: rows by outcome, then problems by severity. `wrote` tells whether the import files
/// were written, or the rows only checked. The outcomes add up to the rows read.
pub fn summary_line(summary: &Summary, inputs: usize, wrote: bool) -> String {
    let good = if wrote {
        format!(
            "{} written to {}",
            summary.written,
            counted(summary.import_files as u64, "import file", "import files")
        )
    } else {
        format!("{} valid", summary.written)
    };
    let mut line = format!(
        "{} in {}: {good}",
        counted(summary.rows, "row", "rows"),
        counted(inputs as u64, "file", "files")
    );
    if summary.existing > 0 {
        let _ = write!(line, ", {} existing", summary.existing);
    }
    if summary.coupled > 0 {
        let _ = write!(line, ", {} already coupled", summary.coupled);
    }
    if summary.same_person > 0 {
        let _ = write!(
            line,
            ", {} of a person above (another company)",
            summary.same_person
        );
    }
    let _ = write!(line, ", {} skipped", summary.skipped);
    let mut of_them = Vec::new();
    if summary.empty_rows > 0 {
        of_them.push(format!("{} of them empty", summary.empty_rows));
    }
    if summary.not_people > 0 {
        of_them.push(format!("{} not salespeople", summary.not_people));
    }
    if !of_them.is_empty() {
        let _ = write!(line, " ({})", of_them.join(", "));
    }
    let _ = write!(
        line,
        ", {} rejected; {}, {}",
        summary.rejected,
        counted(summary.errors, "error", "errors"),
        counted(summary.warnings, "warning", "warnings")
    );
    line
}

/// "1 row", "2 rows".
pub fn counted(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// What `--verbose` says about one input: its format, where its header is, and which column holds which
/// Business Central field.
pub fn input_line(info: &InputInfo) -> String {
    let mut out = format!("{}: ", info.file);
    match info.format {
        Some(InputFormat::Csv {
            delimiter,
            encoding,
            ..
        }) => {
            let name = match delimiter {
                b',' => "comma".to_string(),
                b';' => "semicolon".to_string(),
                b'\t' => "tab".to_string(),
                b'|' => "pipe".to_string(),
                other => format!("{:?}", other as char),
            };
            let _ = write!(
                out,
                "CSV ({}), {name}-separated, header on line {}",
                encoding.name(),
                info.header_row
            );
        }
        Some(InputFormat::Json) => {
            out.push_str("API v2 JSON, rows numbered by their place in the array")
        }
        None => out.push_str("not readable"),
        Some(InputFormat::Workbook) => {
            let sheet = info.sheet.as_deref().unwrap_or_default();
            let _ = write!(
                out,
                "workbook, sheet \"{sheet}\", header in row {}",
                info.header_row
            );
        }
    }
    let rows = if info.rows == 1 { "row" } else { "rows" };
    let _ = writeln!(out, ", {} data {rows}", info.rows);
    for field in Field::ALL {
        let caption = field.caption();
        match info.columns.column(field) {
            Some(column) => {
                let _ = writeln!(
                    out,
                    "  {caption:<20} column {} ({}) \"{}\"",
                    column.index,
                    column_letters(column.index),
                    column.header
                );
            }
            // A field read only when mapped is no column an export lacks.
            None if field.is_mapped_only() => {}
            None => {
                let _ = writeln!(out, "  {caption:<20} not in this file");
            }
        }
    }
    out.pop();
    out
}

/// 9412 -> "9,412": counts stay readable in a million-row report.
pub fn group_thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_thousands() {
        assert_eq!(group_thousands(7), "7");
        assert_eq!(group_thousands(9412), "9,412");
        assert_eq!(group_thousands(1234567), "1,234,567");
    }
}
