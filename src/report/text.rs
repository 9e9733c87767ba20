//! The text report on stderr, shaped like rustc's: `error[CODE]: message`, then where, the value and the fix.

use std::collections::HashMap;
use std::fmt::Write as _;

use crate::check::{Diagnostic, Severity};
use crate::manifest::Summary;

/// How many diagnostics of one code are shown before the rest are only counted.
pub const SHOWN_PER_CODE: usize = 5;

/// Renders diagnostics in the order given; past [`SHOWN_PER_CODE`] of one code, the rest are counted.
pub fn render(diagnostics: &[&Diagnostic]) -> String {
    let mut out = String::new();
    let mut shown: HashMap<&str, usize> = HashMap::new();
    let mut hidden: Vec<(&str, Severity, usize)> = Vec::new();
    for d in diagnostics {
        let count = shown.entry(d.code()).or_default();
        *count += 1;
        if *count > SHOWN_PER_CODE {
            match hidden.iter_mut().find(|(code, _, _)| *code == d.code()) {
                Some((_, _, n)) => *n += 1,
                None => hidden.push((d.code(), d.severity(), 1)),
            }
            continue;
        }
        render_one(&mut out, d);
    }
    for (code, severity, n) in hidden {
        let rows = if n == 1 { "row" } else { "rows" };
        let _ = writeln!(
            out,
            "{}[{code}]: ... and {} more {rows}\n",
            severity.as_str(),
            group_thousands(n)
        );
    }
    out
}

fn render_one(out: &mut String, d: &Diagnostic) {
    let _ = writeln!(
        out,
        "{}[{}]: {}",
        d.severity().as_str(),
        d.code(),
        d.message
    );
    let l = &d.location;
    let mut place = l.file.clone();
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
        detail.push(format!("column \"{}\"", column.header));
    }
    if detail.is_empty() {
        let _ = writeln!(out, "  --> {place}");
    } else {
        let _ = writeln!(out, "  --> {place} ({})", detail.join(", "));
    }
    if let Some(value) = &d.value {
        let _ = writeln!(out, "   = value: {value:?}");
    }
    if let Some(note) = &d.note {
        let _ = writeln!(out, "   = note: {note}");
    }
    let _ = writeln!(out, "   = help: {}\n", d.help());
}

/// The closing line: rows by outcome, then problems by severity. `wrote` tells whether the import files
/// were written, or the rows only checked.
pub fn summary_line(summary: &Summary, inputs: usize, wrote: bool) -> String {
    let files = if inputs == 1 { "file" } else { "files" };
    let imports = if summary.import_files == 1 {
        "import file"
    } else {
        "import files"
    };
    let good = if wrote {
        format!(
            "{} written to {} {imports}",
            summary.written, summary.import_files
        )
    } else {
        format!("{} valid", summary.written)
    };
    let mut line = format!("{} rows in {inputs} {files}: {good}", summary.rows);
    if summary.existing > 0 {
        let _ = write!(line, ", {} existing", summary.existing);
    }
    if summary.coupled > 0 {
        let _ = write!(line, ", {} already coupled", summary.coupled);
    }
    let _ = write!(
        line,
        ", {} skipped, {} rejected",
        summary.skipped, summary.rejected
    );
    if summary.empty_rows > 0 {
        let _ = write!(line, ", {} empty", summary.empty_rows);
    }
    let _ = write!(
        line,
        "; {} errors, {} warnings",
        summary.errors, summary.warnings
    );
    line
}

/// 9412 -> "9,412": counts stay readable in a million-row report.
pub fn group_thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
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
