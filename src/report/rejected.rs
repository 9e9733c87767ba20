//! rejected.csv (`--keep-going`): every rejected row as it was read, with its codes and messages, so it
//! can be fixed and converted again.

use std::io::{self, Write};

use crate::diagnostic::Severity;
use crate::m365::format::microsoft_csv_writer;
use crate::plan::InputInfo;
use crate::plan::{Entry, Outcome};
use crate::report::spreadsheet_safe;

/// Writes rejected.csv as the rows go by: UTF-8 with BOM and CRLF (so Excel shows accents), columns File,
/// Row, Codes, Problems, then every input column by header (the union over the inputs, in order of first
/// appearance, with a Company column when no input has one), then `extra` columns for cells past a row's
/// header.
pub struct RejectedWriter<W: Write> {
    writer: csv::Writer<W>,
    columns: Vec<String>,
    /// The column that says each row's Business Central company: an input's own Company column, or one
    /// added, so that the rows keep their company when converted again.
    company: usize,
    extra: usize,
}

impl<W: Write> RejectedWriter<W> {
    /// `extra`: the most cells past its header that a rejected row has.
    pub fn new(out: W, inputs: &[InputInfo], extra: usize) -> io::Result<Self> {
        let mut columns: Vec<String> = Vec::new();
        for input in inputs {
            for header in &input.header[own_columns(input)..] {
                if !columns.contains(header) {
                    columns.push(header.clone());
                }
            }
        }
        let is_company = |h: &String| {
            crate::bc::fields::fields_for_header(h).contains(&crate::bc::Field::Company)
        };
        let company = match columns.iter().position(is_company) {
            Some(position) => position,
            None => {
                columns.push(crate::bc::Field::Company.caption().to_string());
                columns.len() - 1
            }
        };
        let mut header: Vec<String> = crate::plan::input::REJECTED_LEAD.map(String::from).to_vec();
        header.extend(columns.iter().map(|c| spreadsheet_safe(c).into_owned()));
        header.extend((1..=extra).map(|n| format!("(extra cell {n})")));
        let writer = microsoft_csv_writer(out, &header)?;
        Ok(RejectedWriter {
            writer,
            columns,
            company,
            extra,
        })
    }

    /// Adds the entry if it is rejected.
    pub fn add(&mut self, entry: &Entry, input: &InputInfo) -> io::Result<()> {
        if entry.outcome != Outcome::Rejected {
            return Ok(());
        }
        let worst = entry
            .diagnostics
            .iter()
            .map(|d| d.severity())
            .max()
            .unwrap_or(Severity::Error);
        let codes: Vec<&str> = entry
            .diagnostics
            .iter()
            .filter(|d| d.severity() == worst)
            .map(|d| d.code())
            .collect();
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
        let mut values = vec![String::new(); self.columns.len()];
        for (i, cell) in entry.cells.iter().enumerate().skip(own_columns(input)) {
            if let Some(header) = input.header.get(i) {
                if let Some(position) = self.columns.iter().position(|c| c == header) {
                    values[position] = spreadsheet_safe(cell).into_owned();
                }
            }
        }
        if values[self.company].is_empty() {
            values[self.company] = spreadsheet_safe(&entry.salesperson.company).into_owned();
        }
        record.extend(values);
        let mut extras: Vec<String> = entry
            .cells
            .iter()
            .skip(input.header.len())
            .map(|c| spreadsheet_safe(c).into_owned())
            .collect();
        extras.resize(self.extra, String::new());
        record.extend(extras);
        self.writer.write_record(&record).map_err(io::Error::from)
    }

    /// Flushes and gives back the output.
    pub fn finish(self) -> io::Result<W> {
        self.writer.into_inner().map_err(|e| e.into_error())
    }
}

/// How many leading columns of an input are rejected.csv's own: all four when the input is a rejected.csv
/// converted again, whose File and Row this run's replace.
fn own_columns(input: &InputInfo) -> usize {
    if crate::plan::input::is_rejected_csv(&input.header) {
        crate::plan::input::REJECTED_LEAD.len()
    } else {
        0
    }
}
