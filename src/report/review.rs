//! review.xlsx: the input rows as read, each problem cell filled (red for errors, amber for warnings) with
//! a note holding its messages, a status per row, a Problems sheet linking to each cell, and a Summary.
//!
//! Every input value is written as text (never as a formula), with control characters made visible.

use std::collections::BTreeMap;

use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, Note, Url, Workbook, Worksheet, XlsxError,
};

use crate::analysis::Analysis;
use crate::check::{column_letters, Diagnostic, Severity};
use crate::plan::Outcome;
use crate::report::visible_text;

/// Columns before the input's own: the row number as the person knows it, the status and the reason.
const LEAD_COLUMNS: u16 = 3;
/// Excel's limit for the text of one cell.
const MAX_CELL_CHARS: usize = 32_767;
/// Rows of each input listed in full. Past them a big run lists only the rows with an error, so that its
/// review stays quick to write and to open; the JSON report has every problem.
pub const FULL_ROWS: usize = 10_000;
/// At most this many rows on a sheet: rows with an error past [`FULL_ROWS`], and problems.
pub const MAX_ROWS: usize = 100_000;
const ERROR_FILL: u32 = 0xFFC7CE;
const WARNING_FILL: u32 = 0xFFEB9C;

struct Styles {
    header: Format,
    error: Format,
    warning: Format,
    plain: Format,
}

/// Builds the workbook in memory. The same analysis always gives the same bytes.
pub fn render(analysis: &Analysis) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    // A fixed creation time keeps the file byte-identical from run to run.
    let created = ExcelDateTime::from_ymd(2000, 1, 1)?;
    workbook.set_properties(
        &DocProperties::new()
            .set_creation_datetime(&created)
            .set_author("bc2m365"),
    );
    let styles = Styles {
        header: Format::new()
            .set_bold()
            .set_background_color(Color::RGB(0xD9E1F2)),
        error: Format::new().set_background_color(Color::RGB(ERROR_FILL)),
        warning: Format::new().set_background_color(Color::RGB(WARNING_FILL)),
        plain: Format::new(),
    };
    // A big run's sheets are written row by row to temporary files instead of being held in memory.
    let big = analysis.plan.entries.len() > FULL_ROWS;
    let add_sheet = |workbook: &mut Workbook, name: &str| -> Result<(), XlsxError> {
        let sheet = if big {
            workbook.add_worksheet_with_constant_memory()
        } else {
            workbook.add_worksheet()
        };
        sheet.set_name(name)?;
        Ok(())
    };
    let sheet_names = review_sheet_names(analysis);
    let mut cell_of: Vec<BTreeMap<u64, u32>> = vec![BTreeMap::new(); analysis.inputs.len()];
    let mut left_out = LeftOut::default();
    for (index, name) in sheet_names.iter().enumerate() {
        add_sheet(&mut workbook, name)?;
        let sheet = workbook.worksheet_from_index(index)?;
        left_out.rows += write_review_sheet(sheet, analysis, index, &styles, &mut cell_of[index])?;
    }
    add_sheet(&mut workbook, "Problems")?;
    let problems = workbook.worksheet_from_name("Problems")?;
    left_out.problems = write_problems_sheet(problems, analysis, &sheet_names, &cell_of, &styles)?;
    add_sheet(&mut workbook, "Summary")?;
    let summary = workbook.worksheet_from_name("Summary")?;
    write_summary_sheet(summary, analysis, &left_out, &styles)?;
    workbook.save_to_buffer()
}

/// What a big run's review does not list.
#[derive(Default)]
struct LeftOut {
    /// Rows past [`FULL_ROWS`] without an error, or past [`MAX_ROWS`].
    rows: u64,
    /// Problems on rows not listed, or past [`MAX_ROWS`].
    problems: u64,
}

/// One sheet name per input, from its file name: at most 31 characters, none of []:*?/\, unique.
fn review_sheet_names(analysis: &Analysis) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for input in &analysis.inputs {
        let stem = input
            .path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "input".into());
        let clean: String = stem
            .chars()
            .map(|c| {
                if "[]:*?/\\".contains(c) || c.is_control() {
                    '_'
                } else {
                    c
                }
            })
            .collect();
        let clean = clean.trim_matches('\'').to_string();
        let base: String = clean.chars().take(25).collect();
        let base = if base.is_empty()
            || base.eq_ignore_ascii_case("problems")
            || base.eq_ignore_ascii_case("summary")
        {
            format!("Input {}", names.len() + 1)
        } else {
            base
        };
        let mut name = base.clone();
        let mut n = 2;
        while names
            .iter()
            .any(|existing| existing.eq_ignore_ascii_case(&name))
        {
            name = format!("{base} ({n})");
            n += 1;
        }
        names.push(name);
    }
    names
}

fn cell_text(value: &str) -> String {
    let visible = visible_text(value);
    if visible.chars().count() > MAX_CELL_CHARS {
        let cut: String = visible.chars().take(MAX_CELL_CHARS - 20).collect();
        format!("{cut}... [cut for Excel]")
    } else {
        visible.into_owned()
    }
}

/// The worst severity and the messages of the diagnostics on one cell.
#[derive(Default)]
struct CellProblems {
    worst: Option<Severity>,
    messages: Vec<String>,
}

impl CellProblems {
    fn add(&mut self, d: &Diagnostic) {
        self.worst = self.worst.max(Some(d.severity()));
        self.messages.push(format!(
            "{}[{}]: {}",
            d.severity().as_str(),
            d.code(),
            d.message
        ));
    }
}

fn write_review_sheet(
    sheet: &mut Worksheet,
    analysis: &Analysis,
    index: usize,
    styles: &Styles,
    row_of: &mut BTreeMap<u64, u32>,
) -> Result<u64, XlsxError> {
    let input = &analysis.inputs[index];
    sheet.set_default_note_author("bc2m365");
    let header_count = input.header.len() as u16;
    let mut widths: Vec<usize> = vec![6, 10, 40];
    for (i, title) in ["Row", "Status", "Reason"].iter().enumerate() {
        sheet.write_string_with_format(0, i as u16, *title, &styles.header)?;
    }
    // Problems on header cells (an unknown or duplicate column).
    let mut header_problems: BTreeMap<usize, CellProblems> = BTreeMap::new();
    for d in analysis
        .file_diagnostics
        .iter()
        .filter(|d| *d.location.file == *input.file)
    {
        if let Some(column) = &d.location.column {
            header_problems.entry(column.index).or_default().add(d);
        }
    }
    for (i, header) in input.header.iter().enumerate() {
        let col = LEAD_COLUMNS + i as u16;
        let text = cell_text(header);
        widths.push(text.chars().count().clamp(8, 40));
        match header_problems.get(&(i + 1)) {
            Some(problems) => write_problem_cell(sheet, 0, col, &text, problems, styles)?,
            None => {
                sheet.write_string_with_format(0, col, &text, &styles.header)?;
            }
        }
    }
    let mut row: u32 = 0;
    let mut max_cells = header_count;
    let mut left_out = 0u64;
    for (n, entry) in analysis
        .plan
        .entries
        .iter()
        .filter(|e| e.input == index)
        .enumerate()
    {
        let listed = n < FULL_ROWS
            || (row as usize) < MAX_ROWS
                && entry
                    .diagnostics
                    .iter()
                    .any(|d| d.severity() == Severity::Error);
        if !listed {
            left_out += 1;
            continue;
        }
        row += 1;
        if let Some(source_row) = entry.location.row {
            row_of.insert(source_row, row);
            sheet.write_number(row, 0, source_row as f64)?;
        }
        let status_format = match entry.outcome {
            Outcome::Rejected => &styles.error,
            _ => &styles.plain,
        };
        sheet.write_string_with_format(row, 1, entry.outcome.as_str(), status_format)?;
        if let Some(reason) = entry.reason() {
            sheet.write_string(row, 2, cell_text(&reason))?;
        }
        let mut by_column: BTreeMap<usize, CellProblems> = BTreeMap::new();
        let mut row_problems = CellProblems::default();
        for d in entry
            .diagnostics
            .iter()
            .filter(|d| d.severity() > Severity::Info)
        {
            match d
                .location
                .column
                .as_ref()
                .filter(|c| c.index <= entry.cells.len().max(input.header.len()))
            {
                Some(column) => by_column.entry(column.index).or_default().add(d),
                None => row_problems.add(d),
            }
        }
        if row_problems.worst.is_some() {
            let note = Note::new(row_problems.messages.join("\n")).set_width(400);
            sheet.insert_note(row, 1, &note)?;
        }
        max_cells = max_cells.max(entry.cells.len() as u16);
        let cell_count = entry
            .cells
            .len()
            .max(by_column.keys().copied().max().unwrap_or(0));
        for i in 0..cell_count {
            let col = LEAD_COLUMNS + i as u16;
            let text = entry.cells.get(i).map(|c| cell_text(c)).unwrap_or_default();
            match by_column.get(&(i + 1)) {
                Some(problems) => write_problem_cell(sheet, row, col, &text, problems, styles)?,
                None if !text.is_empty() => {
                    sheet.write_string(row, col, &text)?;
                }
                None => {}
            }
            if let Some(width) = widths.get_mut(LEAD_COLUMNS as usize + i) {
                *width = (*width).max(text.chars().count().min(40));
            }
        }
    }
    for (col, width) in widths.iter().enumerate() {
        sheet.set_column_width(col as u16, *width as f64 + 2.0)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    let last_col = (LEAD_COLUMNS + max_cells.max(1)) - 1;
    sheet.autofilter(0, 0, row, last_col)?;
    Ok(left_out)
}

fn write_problem_cell(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    text: &str,
    problems: &CellProblems,
    styles: &Styles,
) -> Result<(), XlsxError> {
    let format = match problems.worst {
        Some(Severity::Error) => &styles.error,
        Some(Severity::Warning) => &styles.warning,
        _ => &styles.plain,
    };
    sheet.write_string_with_format(row, col, text, format)?;
    let note = Note::new(problems.messages.join("\n")).set_width(400);
    sheet.insert_note(row, col, &note)?;
    Ok(())
}

fn write_problems_sheet(
    sheet: &mut Worksheet,
    analysis: &Analysis,
    sheet_names: &[String],
    row_of: &[BTreeMap<u64, u32>],
    styles: &Styles,
) -> Result<u64, XlsxError> {
    let titles = [
        "Severity", "Code", "File", "Row", "Column", "Cell", "Value", "Message", "Help", "Note",
        "Go to",
    ];
    let widths = [
        9.0, 7.0, 30.0, 6.0, 16.0, 12.0, 30.0, 70.0, 60.0, 40.0, 16.0,
    ];
    for (i, title) in titles.iter().enumerate() {
        sheet.write_string_with_format(0, i as u16, *title, &styles.header)?;
        sheet.set_column_width(i as u16, widths[i])?;
    }
    let mut row = 0u32;
    let mut left_out = 0u64;
    for d in analysis.diagnostics() {
        let input = analysis
            .inputs
            .iter()
            .position(|i| *i.file == *d.location.file);
        // A problem on a row the review does not list is left out with its row.
        let row_listed = match (input, d.location.row) {
            (Some(input), Some(r)) => {
                r == analysis.inputs[input].header_row || row_of[input].contains_key(&r)
            }
            _ => true,
        };
        if !row_listed || row as usize >= MAX_ROWS {
            left_out += 1;
            continue;
        }
        row += 1;
        let format = match d.severity() {
            Severity::Error => &styles.error,
            Severity::Warning => &styles.warning,
            Severity::Info => &styles.plain,
        };
        sheet.write_string_with_format(row, 0, d.severity().as_str(), format)?;
        sheet.write_string(row, 1, d.code())?;
        sheet.write_string(row, 2, cell_text(&d.location.file))?;
        if let Some(source_row) = d.location.row {
            sheet.write_number(row, 3, source_row as f64)?;
        }
        if let Some(column) = &d.location.column {
            sheet.write_string(row, 4, cell_text(&column.header))?;
        }
        if let Some(cell) = d.location.cell() {
            sheet.write_string(row, 5, cell_text(&cell))?;
        }
        if let Some(value) = &d.value {
            sheet.write_string(row, 6, cell_text(value))?;
        }
        sheet.write_string(row, 7, cell_text(&d.message))?;
        sheet.write_string(row, 8, d.help())?;
        if let Some(note) = &d.note {
            sheet.write_string(row, 9, cell_text(note))?;
        }
        if let Some(input) = input {
            let target_row = match d.location.row {
                Some(r) if Some(r) == Some(analysis.inputs[input].header_row) => Some(0),
                Some(r) => row_of[input].get(&r).copied(),
                None => Some(0),
            };
            if let Some(target_row) = target_row {
                let col = match (&d.location.column, target_row) {
                    (Some(c), _) => LEAD_COLUMNS as usize + c.index,
                    (None, 0) => 1,
                    (None, _) => 2,
                };
                let target = format!(
                    "'{}'!{}{}",
                    sheet_names[input].replace('\'', "''"),
                    column_letters(col),
                    target_row + 1
                );
                sheet.write_url(
                    row,
                    10,
                    Url::new(format!("internal:{target}")).set_text(target),
                )?;
            }
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofilter(0, 0, row, titles.len() as u16 - 1)?;
    Ok(left_out)
}

fn write_summary_sheet(
    sheet: &mut Worksheet,
    analysis: &Analysis,
    left_out: &LeftOut,
    styles: &Styles,
) -> Result<(), XlsxError> {
    let s = &analysis.summary;
    sheet.set_column_width(0, 28.0)?;
    sheet.set_column_width(1, 60.0)?;
    let mut row = 0u32;
    let mut line = |sheet: &mut Worksheet, label: &str, value: String| -> Result<(), XlsxError> {
        sheet.write_string_with_format(row, 0, label, &styles.header)?;
        sheet.write_string(row, 1, cell_text(&value))?;
        row += 1;
        Ok(())
    };
    line(
        sheet,
        "Generator",
        format!("bc2m365 {}", env!("CARGO_PKG_VERSION")),
    )?;
    for input in &analysis.inputs {
        let mut text = input.file.clone();
        if let Some(sheet_name) = &input.sheet {
            text.push_str(&format!(" (sheet {sheet_name})"));
        }
        text.push_str(&format!(": {} rows", input.rows));
        line(sheet, "Input", text)?;
    }
    line(sheet, "Rows", s.rows.to_string())?;
    line(sheet, "Written", s.written.to_string())?;
    line(sheet, "Skipped", s.skipped.to_string())?;
    line(sheet, "of which empty rows", s.empty_rows.to_string())?;
    line(sheet, "Rejected", s.rejected.to_string())?;
    line(sheet, "Errors", s.errors.to_string())?;
    line(sheet, "Warnings", s.warnings.to_string())?;
    line(sheet, "Import files", s.import_files.to_string())?;
    if left_out.rows > 0 || left_out.problems > 0 {
        line(
            sheet,
            "Not listed",
            format!(
                "{} rows and {} problems: past the first {FULL_ROWS} rows of an input, only rows with an error are listed (at most {MAX_ROWS}); --report json gives every problem",
                left_out.rows, left_out.problems
            ),
        )?;
    }
    Ok(())
}
