//! An OpenDocument spreadsheet's repeat counts, added up before the workbook library expands them.
//!
//! `table:number-rows-repeated` and `table:number-columns-repeated` let eleven kilobytes declare a billion
//! cells, and the library builds every table whole (as a dense grid) when the file is opened. So
//! `content.xml` is read first as a stream, adding up what each table would become: its filled rows and
//! columns (against `--max-rows` and `--max-columns`) and the cells the library would hold.

use std::io::BufRead;
use std::path::Path;

use quick_xml::events::{BytesStart, Event};

use super::Limits;
use crate::error::{Error, Result};

/// Cells the library may build for a workbook it reads whole (ODS, XLS): about 200 MiB with its copies.
pub const WHOLE_SHEET_CELLS: u64 = 2_000_000;

/// Rows above the header that a sheet may have beyond `--max-rows`.
const ROWS_ABOVE_HEADER: u64 = 10;

/// What one table adds up to.
#[derive(Debug, Default)]
struct Table {
    name: String,
    /// Rows before the current row element, repeats included.
    row: u64,
    /// The first filled row and the end of the last one (0-based, repeats included).
    first_filled: Option<u64>,
    filled_end: u64,
    /// The end of the last filled cell of any row.
    columns: u64,
    /// Cells the library pushes while reading the rows (each row element up to its last filled cell).
    read_cells: u64,
    /// The current row element: its repeat count, the column reached, the end of its last filled cell.
    repeats: u64,
    column: u64,
    row_end: u64,
}

impl Table {
    fn start_row(&mut self, repeats: u64) {
        self.repeats = repeats;
        self.column = 0;
        self.row_end = 0;
    }

    fn cell(&mut self, repeats: u64, filled: bool) {
        self.column = self.column.saturating_add(repeats);
        if filled {
            self.row_end = self.column;
        }
    }

    fn end_row(&mut self) {
        if self.row_end > 0 {
            self.first_filled.get_or_insert(self.row);
            self.filled_end = self.row.saturating_add(self.repeats);
            self.columns = self.columns.max(self.row_end);
            self.read_cells = self.read_cells.saturating_add(self.row_end);
        }
        self.row = self.row.saturating_add(self.repeats);
    }

    fn rows(&self) -> u64 {
        self.filled_end - self.first_filled.unwrap_or(self.filled_end)
    }

    /// The cells of the grid the library builds: the filled rows by the filled columns, and the cells it
    /// read on the way.
    fn cells(&self) -> u64 {
        self.rows()
            .saturating_mul(self.columns)
            .saturating_add(self.read_cells)
    }

    fn check(&self, path: &Path, limits: &Limits) -> Result<()> {
        let sheet = &self.name;
        if self.columns > limits.columns as u64 {
            let what = format!(
                "sheet \"{sheet}\" has a filled cell in column {}, past the {} column limit (counting its repeated columns)",
                self.columns, limits.columns
            );
            return Err(exceeded(path, what, "--max-columns"));
        }
        if self.rows() > limits.rows.saturating_add(ROWS_ABOVE_HEADER) {
            let what = format!(
                "sheet \"{sheet}\" has {} filled rows, more than the {} row limit (counting its repeated rows)",
                self.rows(),
                limits.rows
            );
            return Err(exceeded(path, what, "--max-rows"));
        }
        Ok(())
    }
}

/// Reads `content.xml` and refuses a table past the limits, or a workbook whose tables together would be
/// more than [`WHOLE_SHEET_CELLS`] cells once expanded.
pub fn check_content(path: &Path, content: impl BufRead, limits: &Limits) -> Result<()> {
    let mut reader = quick_xml::Reader::from_reader(content);
    let mut buf = Vec::new();
    let mut table = Table::default();
    let mut total = 0u64;
    loop {
        buf.clear();
        // Broken XML is the workbook library's to report, with its own words.
        let Ok(event) = reader.read_event_into(&mut buf) else {
            return Ok(());
        };
        match event {
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == "table:table" => {
                table = Table {
                    name: attribute(&e, "table:name").unwrap_or_default(),
                    ..Table::default()
                };
            }
            Event::Start(e) if e.name().as_ref() == "table:table-row" => {
                table.start_row(repeats(&e, "table:number-rows-repeated"));
            }
            Event::Empty(e) if e.name().as_ref() == "table:table-row" => {
                table.start_row(repeats(&e, "table:number-rows-repeated"));
                table.end_row();
            }
            Event::End(e) if e.name().as_ref() == "table:table-row" => table.end_row(),
            // A cell that may hold text, or has a value or a formula, is filled: the library keeps it
            // and the empty cells before it.
            Event::Start(e) if is_cell(&e) => {
                table.cell(repeats(&e, "table:number-columns-repeated"), true);
            }
            Event::Empty(e) if is_cell(&e) => {
                let filled = attribute(&e, "office:value-type").is_some()
                    || attribute(&e, "table:formula").is_some();
                table.cell(repeats(&e, "table:number-columns-repeated"), filled);
            }
            Event::End(e) if e.name().as_ref() == "table:table" => {
                table.check(path, limits)?;
                total = total.saturating_add(table.cells());
                if total > WHOLE_SHEET_CELLS {
                    return Err(too_many_cells(path, &table.name));
                }
            }
            Event::Eof => return Ok(()),
            _ => {}
        }
    }
}

/// A limit's error, as `limits::exceeded` makes it (which reads this module, so it is not used here).
fn exceeded(path: &Path, what: String, flag: &'static str) -> Error {
    Error::LimitExceeded {
        path: path.into(),
        what,
        flag,
    }
}

fn too_many_cells(path: &Path, sheet: &str) -> Error {
    Error::Unreadable {
        path: path.into(),
        format: "a workbook",
        reason: format!(
            "up to sheet \"{sheet}\", its repeated rows and columns would make more than {WHOLE_SHEET_CELLS} cells, \
             which an OpenDocument or Excel 97-2003 workbook is read whole as"
        ),
        help: "save the workbook as .xlsx (read cell by cell) or export it as CSV",
    }
}

fn is_cell(e: &BytesStart<'_>) -> bool {
    matches!(
        e.name().as_ref(),
        "table:table-cell" | "table:covered-table-cell"
    )
}

fn attribute(e: &BytesStart<'_>, name: &str) -> Option<String> {
    let attribute = e.try_get_attribute(name).ok()??;
    Some(attribute.value.into_owned())
}

/// A repeat count; a missing or unreadable one is 1 (the library refuses what it cannot parse).
fn repeats(e: &BytesStart<'_>, name: &str) -> u64 {
    attribute(e, name)
        .and_then(|text| text.trim().parse().ok())
        .unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content(rows: &str) -> String {
        format!(
            "<office:document-content><office:body><office:spreadsheet>\
             <table:table table:name=\"Verkopers\">{rows}</table:table>\
             </office:spreadsheet></office:body></office:document-content>"
        )
    }

    fn check(rows: &str) -> Result<()> {
        check_content(
            Path::new("x.ods"),
            content(rows).as_bytes(),
            &Limits::default(),
        )
    }

    const HEADER: &str = "<table:table-row><table:table-cell office:value-type=\"string\"><text:p>Code</text:p></table:table-cell></table:table-row>";

    #[test]
    fn trailing_empty_repeats_as_office_writes_them_pass() {
        let rows = format!(
            "{HEADER}<table:table-row table:number-rows-repeated=\"1048575\">\
             <table:table-cell table:number-columns-repeated=\"16384\"/></table:table-row>"
        );
        assert!(check(&rows).is_ok());
    }

    #[test]
    fn a_filled_row_repeated_a_billion_times_is_refused() {
        let rows = "<table:table-row table:number-rows-repeated=\"1000000000\">\
             <table:table-cell office:value-type=\"string\"><text:p>x</text:p></table:table-cell></table:table-row>";
        let error = check(rows).unwrap_err().to_string();
        assert!(
            error.contains("sheet \"Verkopers\" has 1000000000 filled rows"),
            "{error}"
        );
    }

    #[test]
    fn a_filled_cell_repeated_past_the_column_limit_is_refused() {
        let rows = format!(
            "{HEADER}<table:table-row><table:table-cell office:value-type=\"float\" office:value=\"1\" \
             table:number-columns-repeated=\"1000000000\"/></table:table-row>"
        );
        let error = check(&rows).unwrap_err().to_string();
        assert!(error.contains("column 1000000000"), "{error}");
    }

    #[test]
    fn a_grid_the_library_would_build_whole_is_bounded() {
        let rows = "<table:table-row table:number-rows-repeated=\"5000\">\
             <table:table-cell table:number-columns-repeated=\"900\" office:value-type=\"string\"/></table:table-row>";
        let error = check(rows).unwrap_err().to_string();
        assert!(error.contains("more than 2000000 cells"), "{error}");
    }
}
