//! Workbook input (XLSX, and whatever else calamine reads): the header row found among the first rows.

use std::path::Path;

use calamine::{open_workbook_auto, Data, Reader};

use super::{HeaderTest, InputFormat, InputTable, RawRow, ReadOptions};
use crate::error::{Error, Result};

/// A row's cells as text, and which of them held numbers.
type Cells = (Vec<String>, Vec<usize>);

/// How many rows from the top may come before the header (a configuration-package export has two).
const HEADER_SEARCH_ROWS: usize = 10;

/// Reads a workbook. The workbook library can panic on a damaged file (it trusts indexes found in the
/// file), so any panic in here is contained and reported as a damaged workbook: no input may crash the
/// tool. The whole sheet is loaded here, so no library call happens after this returns.
pub fn open(path: &Path, options: &ReadOptions, is_header: HeaderTest<'_>) -> Result<InputTable> {
    let quiet = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        open_unguarded(path, options, is_header)
    }));
    std::panic::set_hook(quiet);
    result.unwrap_or_else(|_| {
        Err(Error::Unreadable {
            path: path.into(),
            format: "a workbook",
            reason: "the workbook is damaged: its parts do not fit together".into(),
            help: "open the file in Excel and save it again as .xlsx, or export it as CSV",
        })
    })
}

fn open_unguarded(
    path: &Path,
    options: &ReadOptions,
    is_header: HeaderTest<'_>,
) -> Result<InputTable> {
    let mut workbook = open_workbook_auto(path).map_err(|e| {
        let detail = e.to_string();
        let reason = if detail.contains("Zip error") {
            format!("the workbook is damaged or incomplete, as a cut-off download or copy leaves it ({detail})")
        } else {
            detail
        };
        Error::Unreadable {
            path: path.into(),
            format: "a workbook",
            reason,
            help: "open the file in Excel and save it again as .xlsx, or export it as CSV",
        }
    })?;
    let names = workbook.sheet_names();
    if let Some(wanted) = &options.sheet {
        if !names.iter().any(|n| n == wanted) {
            return Err(Error::NoSuchSheet {
                path: path.into(),
                sheet: wanted.clone(),
                available: names.join(", "),
            });
        }
    }
    let candidates: Vec<String> = match &options.sheet {
        Some(wanted) => vec![wanted.clone()],
        None => names.clone(),
    };
    let mut fallback = None;
    for name in candidates {
        let range = workbook
            .worksheet_range(&name)
            .map_err(|e| Error::Unreadable {
                path: path.into(),
                format: "a workbook",
                reason: format!("sheet \"{name}\": {e}"),
                help: "open the file in Excel and save it again as .xlsx, or export it as CSV",
            })?;
        let first_row = range.start().map(|(r, _)| r as u64).unwrap_or(0);
        let first_col = range.start().map(|(_, c)| c as usize).unwrap_or(0);
        let rows: Vec<Cells> = range.rows().map(|row| row_cells(row, first_col)).collect();
        let header_index = rows
            .iter()
            .take(HEADER_SEARCH_ROWS)
            .position(|(cells, _)| is_header(cells));
        match header_index {
            Some(index) => return Ok(table(path, name, first_row, rows, index)),
            None if fallback.is_none() => {
                let index = rows
                    .iter()
                    .position(|(cells, _)| cells.iter().any(|c| !c.trim().is_empty()));
                if let Some(index) = index {
                    fallback = Some((name, first_row, rows, index));
                }
            }
            None => {}
        }
    }
    // No sheet has a recognised header: read the first non-empty one, so the missing columns get reported.
    match fallback {
        Some((name, first_row, rows, index)) => Ok(table(path, name, first_row, rows, index)),
        None => Err(Error::EmptyInput { path: path.into() }),
    }
}

/// A row's cells as text, numbered as the person sees them (cells left of the used range are empty),
/// and which held numbers.
fn row_cells(row: &[Data], first_col: usize) -> Cells {
    let mut cells = vec![String::new(); first_col];
    cells.extend(row.iter().map(cell_text));
    let numbers = (row.iter().enumerate())
        .filter(|(_, cell)| matches!(cell, Data::Int(_) | Data::Float(_)))
        .map(|(i, _)| first_col + i)
        .collect();
    (cells, numbers)
}

fn table(
    path: &Path,
    sheet: String,
    first_row: u64,
    mut rows: Vec<Cells>,
    header_index: usize,
) -> InputTable {
    let data = rows.split_off(header_index + 1);
    let mut header = rows.pop().map(|(cells, _)| cells).unwrap_or_default();
    while header.last().is_some_and(|c| c.trim().is_empty()) {
        header.pop();
    }
    let data_first_row = first_row + header_index as u64 + 2;
    let rows = data
        .into_iter()
        .enumerate()
        .map(move |(i, (cells, number_cells))| {
            Ok(RawRow {
                row: data_first_row + i as u64,
                cells,
                invalid_cells: Vec::new(),
                unclosed_quote_until: None,
                number_cells,
            })
        });
    InputTable {
        file: path.display().to_string(),
        format: InputFormat::Workbook,
        sheet: Some(sheet),
        header_row: first_row + header_index as u64 + 1,
        header,
        header_invalid_cells: Vec::new(),
        rows: Box::new(rows),
        stream: None,
    }
}

/// A cell as the person reads it in Excel: whole numbers without ".0" or an exponent (a phone number
/// stored as a number stays `32475123456`), booleans as TRUE/FALSE.
pub fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number_text(*f),
        Data::Bool(true) => "TRUE".to_string(),
        Data::Bool(false) => "FALSE".to_string(),
        other => other.to_string(),
    }
}

fn number_text(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        // Excel keeps 15 significant digits; show no more than that.
        let text = format!("{:.*}", 10, f);
        let text = text.trim_end_matches('0').trim_end_matches('.');
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_excel_shows_them() {
        assert_eq!(cell_text(&Data::Float(32475123456.0)), "32475123456");
        assert_eq!(cell_text(&Data::Float(2.5)), "2.5");
        assert_eq!(cell_text(&Data::Float(0.1 + 0.2)), "0.3");
        assert_eq!(cell_text(&Data::Int(7)), "7");
        assert_eq!(cell_text(&Data::Bool(true)), "TRUE");
    }
}
