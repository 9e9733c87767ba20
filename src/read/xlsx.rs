//! Workbook input (XLSX and XLSB read cell by cell; ODS and XLS as calamine gives them, after the checks in
//! `limits`): the header row found among the first rows, then the rows after it streamed from a reader
//! thread. Rows, columns and cell lengths are counted as the cells arrive, and a row is never held wider
//! than its last filled cell, so a single cell far away costs no more than the rows between.

use std::cell::Cell as Flag;
use std::fs::File;
use std::io::BufReader;
use std::path::Path;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

use calamine::{open_workbook_auto, Data, DataRef, Reader, Sheets};

use super::{HeaderTest, InputFormat, InputTable, Limits, RawRow, ReadOptions};
use crate::error::{Error, Result};

type Workbook = Sheets<BufReader<File>>;

/// How many rows from the top may come before the header (a configuration-package export has two).
const HEADER_SEARCH_ROWS: u32 = 10;

/// Sheets looked at for a header when `--sheet` names none; a workbook with more is refused.
pub const MAX_SHEETS: usize = 1_000;

/// Rows read ahead by the reader thread: the memory between the workbook and the pipeline.
const ROWS_IN_FLIGHT: usize = 64;

const RESAVE: &str = "open the file in Excel and save it again as .xlsx, or export it as CSV";

/// Reads a workbook. The workbook library can panic on a damaged file (it trusts indexes found in the
/// file), so every call into it is contained and reported as a damaged workbook: no input may crash the
/// tool.
pub fn open(path: &Path, options: &ReadOptions, is_header: HeaderTest<'_>) -> Result<InputTable> {
    contained(|| open_unguarded(path, options, is_header)).unwrap_or_else(|| Err(damaged(path)))
}

fn damaged(path: &Path) -> Error {
    Error::Unreadable {
        path: path.into(),
        format: "a workbook",
        reason: "the workbook is damaged: its parts do not fit together".into(),
        help: RESAVE,
    }
}

thread_local! {
    static CONTAINED: Flag<bool> = const { Flag::new(false) };
}

/// Runs `work`, turning a panic into `None` without the panic's message on stderr: the message of a
/// panic elsewhere still goes where it went.
fn contained<T>(work: impl FnOnce() -> T) -> Option<T> {
    static QUIET_HOOK: std::sync::Once = std::sync::Once::new();
    QUIET_HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !CONTAINED.with(Flag::get) {
                previous(info);
            }
        }));
    });
    let was = CONTAINED.with(|c| c.replace(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work));
    CONTAINED.with(|c| c.set(was));
    result.ok()
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
            help: RESAVE,
        }
    })?;
    let candidates = candidate_sheets(path, &workbook, options)?;
    let mut found: Vec<SheetHead> = Vec::new();
    let mut fallback = None;
    for name in candidates {
        let head = read_head(path, &mut workbook, &name, &options.limits)?;
        match head.header_index(is_header) {
            Some(index) => found.push(head.with_header(index)),
            None if fallback.is_none() && found.is_empty() => {
                fallback = head.first_filled().map(|index| head.with_header(index));
            }
            None => {}
        }
    }
    // No sheet has a recognised header: read the first non-empty one, so the missing columns get reported.
    let Some(first) = found.first().or(fallback.as_ref()) else {
        return Err(Error::EmptyInput { path: path.into() });
    };
    several_sheets(path, &found)?;
    Ok(stream_table(path, workbook, first, options.limits))
}

/// The sheets to look at for a header: the one `--sheet` names, or every sheet (up to [`MAX_SHEETS`]).
fn candidate_sheets(
    path: &Path,
    workbook: &Workbook,
    options: &ReadOptions,
) -> Result<Vec<String>> {
    let names = workbook.sheet_names();
    if let Some(wanted) = &options.sheet {
        if !names.iter().any(|n| n == wanted) {
            return Err(Error::NoSuchSheet {
                path: path.into(),
                sheet: wanted.clone(),
                available: names.join(", "),
            });
        }
        return Ok(vec![wanted.clone()]);
    }
    if names.len() > MAX_SHEETS {
        return Err(Error::Unreadable {
            path: path.into(),
            format: "a workbook",
            reason: format!(
                "it has {} sheets, more than the {MAX_SHEETS} looked at for salespeople",
                names.len()
            ),
            help: "name the sheet that holds the salespeople with --sheet",
        });
    }
    Ok(names)
}

/// Salespeople on more than one sheet: one input is one table (its rows numbered, and checked against
/// each other, by their row), so the run stops and names the sheets, rather than leave some unread.
fn several_sheets(path: &Path, found: &[SheetHead]) -> Result<()> {
    if found.len() < 2 {
        return Ok(());
    }
    let names: Vec<String> = found.iter().map(|h| format!("\"{}\"", h.sheet)).collect();
    Err(Error::Unreadable {
        path: path.into(),
        format: "a workbook",
        reason: format!(
            "{} sheets have a salesperson header ({}), and one run reads one sheet of a workbook",
            found.len(),
            names.join(", ")
        ),
        help: "name the sheet with --sheet; convert the others in later runs (--sheet, with --existing \
               and the earlier run's manifest.json), or move the salespeople onto one sheet",
    })
}

/// The first rows of a sheet, as far as the header may be.
struct SheetHead {
    sheet: String,
    rows: Vec<RawRow>,
    header_index: usize,
}

impl SheetHead {
    fn header_index(&self, is_header: HeaderTest<'_>) -> Option<usize> {
        self.rows.iter().position(|row| is_header(&row.cells))
    }

    fn first_filled(&self) -> Option<usize> {
        self.rows.iter().position(|row| !row.is_empty())
    }

    fn with_header(mut self, index: usize) -> Self {
        self.header_index = index;
        self
    }

    /// The header row, without the empty cells after its last name (columns nobody named).
    fn header(&self) -> &[String] {
        let cells = self
            .rows
            .get(self.header_index)
            .map(|row| row.cells.as_slice())
            .unwrap_or_default();
        let named = cells
            .iter()
            .rposition(|c| !c.trim().is_empty())
            .map_or(0, |i| i + 1);
        &cells[..named]
    }

    fn header_row(&self) -> u64 {
        self.rows.get(self.header_index).map_or(0, |row| row.row)
    }
}

/// Reads the first [`HEADER_SEARCH_ROWS`] rows of a sheet, from its first filled row on.
fn read_head(
    path: &Path,
    workbook: &mut Workbook,
    sheet: &str,
    limits: &Limits,
) -> Result<SheetHead> {
    let mut rows = Vec::new();
    let mut assembler = RowAssembler::new(path, sheet, limits, None);
    for_each_cell(path, workbook, sheet, limits, |position, value| {
        let first = *assembler.first_row.get_or_insert(position.0);
        if position.0 >= first.saturating_add(HEADER_SEARCH_ROWS) {
            return Ok(Flow::Stop);
        }
        assembler.push(position, value, &mut |row| {
            rows.push(row);
            Flow::Go
        })
    })?;
    assembler.finish(&mut |row| {
        rows.push(row);
        Flow::Go
    });
    Ok(SheetHead {
        sheet: sheet.to_string(),
        rows,
        header_index: 0,
    })
}

/// The table of a workbook: its header found, its rows read by a thread as the pipeline takes them.
fn stream_table(path: &Path, workbook: Workbook, first: &SheetHead, limits: Limits) -> InputTable {
    let (sender, receiver) = sync_channel(ROWS_IN_FLIGHT);
    let owned_path = path.to_path_buf();
    let start = (first.sheet.clone(), first.header_row() as u32);
    let spawned = std::thread::Builder::new()
        .name("workbook-reader".into())
        .spawn(move || {
            let failed = sender.clone();
            let read = contained(|| stream_rows(&owned_path, workbook, &start, &limits, &sender));
            let error = match read {
                Some(Ok(())) => return,
                Some(Err(error)) => error,
                None => damaged(&owned_path),
            };
            let _ = failed.send(Err(error));
        });
    let rows: Box<dyn Iterator<Item = Result<RawRow>> + Send> = match spawned {
        Ok(_) => Box::new(ReceivedRows { receiver }),
        Err(e) => Box::new(std::iter::once(Err(Error::io(path, e)))),
    };
    InputTable {
        file: path.display().to_string(),
        format: InputFormat::Workbook,
        sheet: Some(first.sheet.clone()),
        header_row: first.header_row(),
        header: first.header().to_vec(),
        header_invalid_cells: Vec::new(),
        rows,
        stream: None,
    }
}

/// The rows the reader thread sends, until it has sent the last or the pipeline stops taking them.
struct ReceivedRows {
    receiver: Receiver<Result<RawRow>>,
}

impl Iterator for ReceivedRows {
    type Item = Result<RawRow>;

    fn next(&mut self) -> Option<Self::Item> {
        self.receiver.recv().ok()
    }
}

/// The reader thread's work: the sheet's rows after its header (`start`: the sheet, and the 0-based
/// index of the row after its header), in order.
fn stream_rows(
    path: &Path,
    mut workbook: Workbook,
    (sheet, first_data_row): &(String, u32),
    limits: &Limits,
    sender: &SyncSender<Result<RawRow>>,
) -> Result<()> {
    let mut send = |row: RawRow| match sender.send(Ok(row)) {
        Ok(()) => Flow::Go,
        Err(_) => Flow::Stop,
    };
    let mut assembler = RowAssembler::new(path, sheet, limits, Some(limits.rows));
    assembler.first_row = Some(*first_data_row);
    let mut stopped = false;
    for_each_cell(path, &mut workbook, sheet, limits, |position, value| {
        if position.0 < *first_data_row {
            return Ok(Flow::Go);
        }
        let flow = assembler.push(position, value, &mut send)?;
        stopped = flow == Flow::Stop;
        Ok(flow)
    })?;
    if !stopped {
        assembler.finish(&mut send);
    }
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flow {
    Go,
    Stop,
}

/// A cell's value as the pipeline reads it: its text and whether it held a number; or, for a cell
/// longer than the limit, its length in characters (the text is never copied).
type CellValue = std::result::Result<(String, bool), usize>;

/// Calls `visit` with every filled cell of a sheet, in the order the file holds them, until it says stop.
fn for_each_cell(
    path: &Path,
    workbook: &mut Workbook,
    sheet: &str,
    limits: &Limits,
    mut visit: impl FnMut((u32, u32), CellValue) -> Result<Flow>,
) -> Result<()> {
    let max_chars = limits.cell_chars;
    let mut last = None;
    let failed = |error: String, last: Option<(u32, u32)>| {
        let after = last.map(|(r, c)| format!(", after cell {}", cell_name(r, c)));
        Error::Unreadable {
            path: path.into(),
            format: "a workbook",
            reason: format!("sheet \"{sheet}\"{}: {error}", after.unwrap_or_default()),
            help: RESAVE,
        }
    };
    macro_rules! cells_of {
        ($reader:expr) => {{
            let mut reader = $reader.map_err(|e| failed(e.to_string(), None))?;
            while let Some(cell) = reader
                .next_cell()
                .map_err(|e| failed(e.to_string(), last))?
            {
                let position = cell.get_position();
                let Some(value) = ref_value(cell.get_value(), max_chars) else {
                    continue;
                };
                last = Some(position);
                if visit(position, value)? == Flow::Stop {
                    break;
                }
            }
        }};
    }
    match workbook {
        Sheets::Xlsx(book) => cells_of!(book.worksheet_cells_reader(sheet)),
        Sheets::Xlsb(book) => cells_of!(book.worksheet_cells_reader(sheet)),
        Sheets::Xls(book) => {
            let range = book
                .worksheet_range(sheet)
                .map_err(|e| failed(e.to_string(), None))?;
            for_each_range_cell(&range, max_chars, visit)?;
        }
        Sheets::Ods(book) => {
            let range = book
                .worksheet_range(sheet)
                .map_err(|e| failed(e.to_string(), None))?;
            for_each_range_cell(&range, max_chars, visit)?;
        }
    }
    Ok(())
}

/// The filled cells of a sheet the library gives whole (ODS, XLS: its size checked before).
fn for_each_range_cell(
    range: &calamine::Range<Data>,
    max_chars: usize,
    mut visit: impl FnMut((u32, u32), CellValue) -> Result<Flow>,
) -> Result<()> {
    let (top, left) = range.start().unwrap_or((0, 0));
    for (row, column, data) in range.used_cells() {
        let Some(value) = data_value(data, max_chars) else {
            continue;
        };
        let position = (top + row as u32, left + column as u32);
        if visit(position, value)? == Flow::Stop {
            break;
        }
    }
    Ok(())
}

/// Builds rows from cells as they arrive, checking the limits on each cell before it is kept: a row is as
/// wide as its last filled cell, and the rows between two filled ones are sent as empty rows.
struct RowAssembler<'a> {
    path: &'a Path,
    sheet: &'a str,
    limits: &'a Limits,
    /// The first row to send (0-based); set by the first cell when not given.
    first_row: Option<u32>,
    /// How many rows may still be sent, for `--max-rows`; `None` while looking for the header.
    rows_left: Option<u64>,
    /// The row being filled: its 0-based index, cells and number cells.
    current: Option<(u32, Vec<String>, Vec<usize>)>,
}

impl<'a> RowAssembler<'a> {
    fn new(path: &'a Path, sheet: &'a str, limits: &'a Limits, rows_left: Option<u64>) -> Self {
        RowAssembler {
            path,
            sheet,
            limits,
            first_row: None,
            rows_left,
            current: None,
        }
    }

    fn push(
        &mut self,
        (row, column): (u32, u32),
        value: CellValue,
        send: &mut dyn FnMut(RawRow) -> Flow,
    ) -> Result<Flow> {
        let next = match &self.current {
            Some((current, ..)) if *current == row => None,
            Some((current, ..)) if *current > row => return Err(self.out_of_order(row, column)),
            Some((current, ..)) => Some(*current + 1),
            None => Some(self.first_row.unwrap_or(row)),
        };
        // The rows above a cell past a limit are whole: they are sent before it is refused.
        if next.is_some() && self.send_current(send) == Flow::Stop {
            return Ok(Flow::Stop);
        }
        self.check_cell(row, column, &value)?;
        if let Some(next) = next {
            for empty in next..row {
                if self.send(empty, Vec::new(), Vec::new(), send) == Flow::Stop {
                    return Ok(Flow::Stop);
                }
            }
            self.current = Some((row, Vec::new(), Vec::new()));
        }
        if let (Some((_, cells, numbers)), Ok((text, is_number))) = (&mut self.current, value) {
            let column = column as usize;
            if cells.len() <= column {
                cells.resize(column + 1, String::new());
            }
            cells[column] = text;
            if is_number {
                numbers.push(column);
            }
        }
        Ok(Flow::Go)
    }

    /// Sends the row being filled, once the sheet has no more cells.
    fn finish(&mut self, send: &mut dyn FnMut(RawRow) -> Flow) -> Flow {
        self.send_current(send)
    }

    fn send_current(&mut self, send: &mut dyn FnMut(RawRow) -> Flow) -> Flow {
        match self.current.take() {
            Some((row, cells, numbers)) => self.send(row, cells, numbers, send),
            None => Flow::Go,
        }
    }

    fn send(
        &mut self,
        row: u32,
        cells: Vec<String>,
        number_cells: Vec<usize>,
        send: &mut dyn FnMut(RawRow) -> Flow,
    ) -> Flow {
        send(RawRow {
            row: u64::from(row) + 1,
            cells,
            invalid_cells: Vec::new(),
            unclosed_quote_until: None,
            number_cells,
        })
    }

    /// The limits on one cell, before anything of it is kept: its column, its row, its length.
    fn check_cell(&self, row: u32, column: u32, value: &CellValue) -> Result<()> {
        let cell = cell_name(row, column);
        let at = format!("sheet \"{}\", cell {cell}", self.sheet);
        let limits = self.limits;
        if column as usize >= limits.columns {
            let what = format!(
                "{at} is in column {}, past the {} column limit",
                u64::from(column) + 1,
                limits.columns
            );
            return Err(super::limits::exceeded(self.path, what, "--max-columns"));
        }
        let first = self.first_row.unwrap_or(row);
        let rows_before = u64::from(row.saturating_sub(first));
        if self.rows_left.is_some_and(|left| rows_before >= left) {
            let what = format!(
                "{at} is {} rows after the header, past the {} row limit",
                rows_before + 1,
                limits.rows
            );
            return Err(super::limits::exceeded(self.path, what, "--max-rows"));
        }
        if let Err(chars) = value {
            let what = format!(
                "{at} has {chars} characters, more than the {} limit",
                limits.cell_chars
            );
            return Err(super::limits::exceeded(self.path, what, "--max-cell-chars"));
        }
        Ok(())
    }

    fn out_of_order(&self, row: u32, column: u32) -> Error {
        Error::Unreadable {
            path: self.path.into(),
            format: "a workbook",
            reason: format!(
                "sheet \"{}\": cell {} comes after a row below it (the rows are out of order)",
                self.sheet,
                cell_name(row, column)
            ),
            help: RESAVE,
        }
    }
}

/// A cell's name as Excel shows it: `B7`, `XFD1048576` (from 0-based row and column).
pub fn cell_name(row: u32, column: u32) -> String {
    let mut letters = Vec::new();
    let mut n = u64::from(column) + 1;
    while n > 0 {
        let rest = (n - 1) % 26;
        letters.push(b'A' + rest as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    format!(
        "{}{}",
        String::from_utf8_lossy(&letters),
        u64::from(row) + 1
    )
}

/// Text longer than `max_chars` characters, counted without copying it.
fn too_long(text: &str, max_chars: usize) -> Option<usize> {
    (text.len() > max_chars)
        .then(|| text.chars().count())
        .filter(|&chars| chars > max_chars)
}

/// A streamed cell's value; `None` for an empty cell.
fn ref_value(value: &DataRef<'_>, max_chars: usize) -> Option<CellValue> {
    match value {
        DataRef::Empty => None,
        DataRef::SharedString(text) => Some(text_value(text, max_chars)),
        DataRef::String(text) => Some(text_value(text, max_chars)),
        other => data_value(&Data::from(other.clone()), max_chars),
    }
}

fn text_value(text: &str, max_chars: usize) -> CellValue {
    match too_long(text, max_chars) {
        Some(chars) => Err(chars),
        None => Ok((text.to_string(), false)),
    }
}

/// A cell's value from a whole sheet; `None` for an empty cell.
fn data_value(data: &Data, max_chars: usize) -> Option<CellValue> {
    match data {
        Data::Empty => None,
        Data::String(text) => Some(text_value(text, max_chars)),
        other => {
            let is_number = matches!(other, Data::Int(_) | Data::Float(_));
            Some(Ok((cell_text(other), is_number)))
        }
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

    #[test]
    fn cells_are_named_as_excel_names_them() {
        assert_eq!(cell_name(0, 0), "A1");
        assert_eq!(cell_name(6, 1), "B7");
        assert_eq!(cell_name(0, 25), "Z1");
        assert_eq!(cell_name(0, 26), "AA1");
        assert_eq!(cell_name(1_048_575, 999), "ALL1048576");
        assert_eq!(cell_name(1_048_575, 16_383), "XFD1048576");
    }

    #[test]
    fn a_row_is_as_wide_as_its_last_cell_and_gaps_are_empty_rows() {
        let limits = Limits::default();
        let path = Path::new("x.xlsx");
        let mut assembler = RowAssembler::new(path, "Sheet1", &limits, Some(100));
        assembler.first_row = Some(1);
        let mut rows = Vec::new();
        let mut send = |row: RawRow| {
            rows.push((row.row, row.cells));
            Flow::Go
        };
        let text = |t: &str| Ok((t.to_string(), false));
        assembler.push((1, 1), text("b"), &mut send).unwrap();
        assembler.push((4, 0), text("a"), &mut send).unwrap();
        assembler.finish(&mut send);
        let empty: Vec<String> = Vec::new();
        assert_eq!(
            rows,
            [
                (2, vec![String::new(), "b".into()]),
                (3, empty.clone()),
                (4, empty),
                (5, vec!["a".to_string()]),
            ]
        );
    }

    #[test]
    fn a_cell_past_a_limit_is_refused_with_its_name() {
        let limits = Limits {
            columns: 5,
            rows: 3,
            cell_chars: 4,
            ..Limits::default()
        };
        let path = Path::new("x.xlsx");
        let mut assembler = RowAssembler::new(path, "Sheet1", &limits, Some(3));
        assembler.first_row = Some(1);
        let mut send = |_: RawRow| Flow::Go;
        let message = |error: Error| error.to_string();
        let ok = |t: &str| Ok((t.to_string(), false));
        let wide = assembler.push((1, 5), ok("x"), &mut send).unwrap_err();
        assert!(message(wide).contains("cell F2 is in column 6, past the 5 column limit"));
        let low = assembler.push((4, 0), ok("x"), &mut send).unwrap_err();
        assert!(message(low).contains("cell A5 is 4 rows after the header"));
        let long = assembler.push((1, 0), Err(9), &mut send).unwrap_err();
        assert!(message(long).contains("cell A2 has 9 characters, more than the 4 limit"));
    }
}
