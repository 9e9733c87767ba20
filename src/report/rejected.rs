//! rejected.csv (`--keep-going`): every rejected row as it was read, with its codes and messages, so it
//! can be fixed and converted again.

use std::io;

use crate::analysis::Analysis;
use crate::check::Severity;
use crate::m365::format::UTF8_BOM;
use crate::plan::Outcome;
use crate::report::spreadsheet_safe;

/// The CSV bytes: UTF-8 with BOM and CRLF (so Excel shows accents), columns File, Row, Codes, Problems,
/// then every input column by header (the union over the inputs, in order of first appearance).
pub fn render(analysis: &Analysis) -> io::Result<Vec<u8>> {
    let mut columns: Vec<String> = Vec::new();
    for input in &analysis.inputs {
        for header in &input.header {
            if !columns.contains(header) {
                columns.push(header.clone());
            }
        }
    }
    let mut extra = 0usize;
    for entry in analysis
        .plan
        .entries
        .iter()
        .filter(|e| e.outcome == Outcome::Rejected)
    {
        extra = extra.max(
            entry
                .cells
                .len()
                .saturating_sub(analysis.inputs[entry.input].header.len()),
        );
    }
    let mut out = UTF8_BOM.to_vec();
    {
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut out);
        let mut header: Vec<String> = ["File", "Row", "Codes", "Problems"]
            .map(String::from)
            .to_vec();
        header.extend(columns.iter().map(|c| spreadsheet_safe(c).into_owned()));
        header.extend((1..=extra).map(|n| format!("(extra cell {n})")));
        writer.write_record(&header)?;
        for entry in analysis
            .plan
            .entries
            .iter()
            .filter(|e| e.outcome == Outcome::Rejected)
        {
            let input = &analysis.inputs[entry.input];
            let worst = entry
                .diagnostics
                .iter()
                .map(|d| d.severity())
                .max()
                .unwrap_or(Severity::Error);
            let blocking: Vec<_> = entry
                .diagnostics
                .iter()
                .filter(|d| d.severity() == worst)
                .collect();
            let codes: Vec<&str> = blocking.iter().map(|d| d.code()).collect();
            let mut record = vec![
                spreadsheet_safe(&input.file).into_owned(),
                entry
                    .location
                    .row
                    .map(|r| r.to_string())
                    .unwrap_or_default(),
                codes.join(" "),
                spreadsheet_safe(&entry.reason().unwrap_or_default()).into_owned(),
            ];
            let mut values = vec![String::new(); columns.len()];
            for (i, cell) in entry.cells.iter().enumerate() {
                if let Some(header) = input.header.get(i) {
                    if let Some(position) = columns.iter().position(|c| c == header) {
                        values[position] = spreadsheet_safe(cell).into_owned();
                    }
                }
            }
            record.extend(values);
            let extras = entry
                .cells
                .iter()
                .skip(input.header.len())
                .map(|c| spreadsheet_safe(c).into_owned());
            let mut extras: Vec<String> = extras.collect();
            extras.resize(extra, String::new());
            record.extend(extras);
            writer.write_record(&record)?;
        }
        writer.flush()?;
    }
    Ok(out)
}
