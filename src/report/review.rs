//! review.xlsx: the input rows as read, each problem cell filled (red for errors, amber for warnings) with
//! a note holding its messages, a status per row, a Problems sheet linking to each cell, and a Summary.
//!
//! Every input value is written as text (never as a formula), with control characters made visible.

use std::collections::BTreeMap;

use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, Note, Url, Workbook, Worksheet, XlsxError,
};

use crate::diagnostic::{column_letters, Diagnostic, Severity};
use crate::plan::run::{input_of, Facts};
use crate::plan::Item;
use crate::plan::{Entry, Outcome};
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
/// Notes a sheet's cells get at most; past them a problem cell keeps its fill and its messages stand in
/// the Problems sheet. The workbook library keeps every note in memory until the file is saved (a million
/// all-error rows took 1.5 GiB in notes), so the notes are bounded like the rows.
pub const MAX_NOTES: usize = 10_000;
const ERROR_FILL: u32 = 0xFFC7CE;
const WARNING_FILL: u32 = 0xFFEB9C;

struct Styles {
    header: Format,
    error: Format,
    warning: Format,
    plain: Format,
}

/// Writes the review workbook as the rows go by: each input's sheet and the Problems sheet grow row by
/// row (in a big run, to temporary files rather than memory). The same plan always gives the same bytes.
pub struct ReviewWriter {
    workbook: Workbook,
    styles: Styles,
    sheet_names: Vec<String>,
    sheets: Vec<SheetState>,
    problems_row: u32,
    left_out: LeftOut,
    /// Whether the run writes its import files; when it does not (errors, or `validate`), a row that
    /// would get a user says so, never "written".
    imports_written: bool,
}

/// What is known of one input's sheet while it is written.
struct SheetState {
    widths: Vec<usize>,
    /// The last row written.
    row: u32,
    max_cells: u16,
    /// Entries of the input seen so far.
    entries: usize,
    /// The review row of each listed source row.
    row_of: BTreeMap<u64, u32>,
    /// Notes put on cells so far (see [`MAX_NOTES`]).
    notes: usize,
}

const PROBLEM_TITLES: [&str; 11] = [
    "Severity", "Code", "File", "Row", "Column", "Cell", "Value", "Message", "Help", "Note",
    "Go to",
];

impl ReviewWriter {
    /// `imports_written`: whether the run writes its import files. `temp_dir`: where a big run's sheets
    /// are written while they grow (the system's default without).
    pub fn new(
        facts: &Facts<'_>,
        imports_written: bool,
        temp_dir: Option<&std::path::Path>,
    ) -> Result<Self, XlsxError> {
        let mut workbook = Workbook::new();
        if let Some(dir) = temp_dir {
            workbook.set_tempdir(dir)?;
        }
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
        let big = facts.summary.rows as usize > FULL_ROWS;
        let add_sheet = |workbook: &mut Workbook, name: &str| -> Result<(), XlsxError> {
            let sheet = if big {
                workbook.add_worksheet_with_constant_memory()?
            } else {
                workbook.add_worksheet()
            };
            sheet.set_name(name)?;
            Ok(())
        };
        let sheet_names = review_sheet_names(facts);
        let mut sheets = Vec::new();
        for (index, name) in sheet_names.iter().enumerate() {
            add_sheet(&mut workbook, name)?;
            let sheet = workbook.worksheet_from_index(index)?;
            sheets.push(start_review_sheet(sheet, facts, index, &styles)?);
        }
        add_sheet(&mut workbook, "Problems")?;
        let problems = workbook.worksheet_from_name("Problems")?;
        let widths = [
            9.0, 7.0, 30.0, 6.0, 16.0, 12.0, 30.0, 70.0, 60.0, 40.0, 16.0,
        ];
        for (i, title) in PROBLEM_TITLES.iter().enumerate() {
            problems.write_string_with_format(0, i as u16, *title, &styles.header)?;
            problems.set_column_width(i as u16, widths[i])?;
        }
        add_sheet(&mut workbook, "Summary")?;
        Ok(ReviewWriter {
            workbook,
            styles,
            sheet_names,
            sheets,
            problems_row: 0,
            left_out: LeftOut::default(),
            imports_written,
        })
    }

    /// Adds a row to its input's sheet and its problems to the Problems sheet, or a file's problem.
    pub fn add(&mut self, item: &Item, facts: &Facts<'_>) -> Result<(), XlsxError> {
        match item {
            Item::FileDiagnostic(d) => self.add_problem(d, facts),
            Item::Entry(entry) => {
                let entry = &entry;
                let sheet = self.workbook.worksheet_from_index(entry.input)?;
                let state = &mut self.sheets[entry.input];
                let written = self.imports_written;
                let styles = &self.styles;
                self.left_out.rows += add_review_row(sheet, facts, entry, state, styles, written)?;
                for d in &entry.diagnostics {
                    self.add_problem(d, facts)?;
                }
                Ok(())
            }
        }
    }

    /// Finishes every sheet and gives the workbook's bytes.
    pub fn finish(mut self, facts: &Facts<'_>) -> Result<Vec<u8>, XlsxError> {
        for (index, state) in self.sheets.iter().enumerate() {
            let sheet = self.workbook.worksheet_from_index(index)?;
            for (col, width) in state.widths.iter().enumerate() {
                sheet.set_column_width(col as u16, *width as f64 + 2.0)?;
            }
            sheet.set_freeze_panes(1, 0)?;
            let last_col = (LEAD_COLUMNS + state.max_cells.max(1)) - 1;
            sheet.autofilter(0, 0, state.row, last_col)?;
        }
        let problems = self.workbook.worksheet_from_name("Problems")?;
        problems.set_freeze_panes(1, 0)?;
        problems.autofilter(0, 0, self.problems_row, PROBLEM_TITLES.len() as u16 - 1)?;
        self.left_out.notes_full = self.sheets.iter().any(|s| s.notes >= MAX_NOTES);
        let summary = self.workbook.worksheet_from_name("Summary")?;
        let written = self.imports_written;
        write_summary_sheet(summary, facts, &self.left_out, &self.styles, written)?;
        let mut bytes = self.workbook.save_to_buffer()?;
        crate::write::made_on_one_system(&mut bytes);
        Ok(bytes)
    }

    fn add_problem(&mut self, d: &Diagnostic, facts: &Facts<'_>) -> Result<(), XlsxError> {
        let sheet = self.workbook.worksheet_from_name("Problems")?;
        if add_problem_row(
            sheet,
            d,
            facts,
            &self.sheet_names,
            &self.sheets,
            self.problems_row,
            &self.styles,
        )? {
            self.problems_row += 1;
        } else {
            self.left_out.problems += 1;
        }
        Ok(())
    }
}

/// How a failure of the workbook library is reported: as an error writing the review at `path`.
pub fn failed(path: std::path::PathBuf) -> impl Fn(XlsxError) -> crate::error::Error {
    move |e| crate::error::Error::Io {
        path: path.clone(),
        source: std::io::Error::other(e.to_string()),
    }
}

/// What a big run's review does not list.
#[derive(Default)]
struct LeftOut {
    /// Rows past [`FULL_ROWS`] without an error, or past [`MAX_ROWS`].
    rows: u64,
    /// Problems on rows not listed, or past [`MAX_ROWS`].
    problems: u64,
    /// Whether a sheet reached [`MAX_NOTES`], so some problem cells have no note.
    notes_full: bool,
}

/// One sheet name per input, from its file name: at most 31 characters, none of []:*?/\, unique.
fn review_sheet_names(facts: &Facts<'_>) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for input in facts.inputs {
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

fn start_review_sheet(
    sheet: &mut Worksheet,
    facts: &Facts<'_>,
    index: usize,
    styles: &Styles,
) -> Result<SheetState, XlsxError> {
    let input = &facts.inputs[index];
    sheet.set_default_note_author("bc2m365");
    let header_count = input.header.len() as u16;
    let mut widths: Vec<usize> = vec![6, 10, 40];
    for (i, title) in ["Row", "Status", "Reason"].iter().enumerate() {
        sheet.write_string_with_format(0, i as u16, *title, &styles.header)?;
    }
    // Problems on header cells (an unknown or duplicate column).
    let mut header_problems: BTreeMap<usize, CellProblems> = BTreeMap::new();
    for d in facts
        .file_diagnostics
        .iter()
        .filter(|d| *d.location.file == *input.file)
    {
        if let Some(column) = &d.location.column {
            header_problems.entry(column.index).or_default().add(d);
        }
    }
    let mut notes = 0;
    for (i, header) in input.header.iter().enumerate() {
        let col = LEAD_COLUMNS + i as u16;
        let text = cell_text(header);
        widths.push(text.chars().count().clamp(8, 40));
        match header_problems.get(&(i + 1)) {
            Some(problems) => {
                write_problem_cell(sheet, (0, col), &text, problems, styles)?;
                add_note(sheet, (0, col), problems, &mut notes)?;
            }
            None => {
                sheet.write_string_with_format(0, col, &text, &styles.header)?;
            }
        }
    }
    Ok(SheetState {
        widths,
        row: 0,
        max_cells: header_count,
        entries: 0,
        row_of: BTreeMap::new(),
        notes,
    })
}

/// Writes one entry's row, if it is listed; gives 1 when it is left out.
fn add_review_row(
    sheet: &mut Worksheet,
    facts: &Facts<'_>,
    entry: &Entry,
    state: &mut SheetState,
    styles: &Styles,
    imports_written: bool,
) -> Result<u64, XlsxError> {
    let input = &facts.inputs[entry.input];
    let n = state.entries;
    state.entries += 1;
    let listed = n < FULL_ROWS
        || (state.row as usize) < MAX_ROWS
            && entry
                .diagnostics
                .iter()
                .any(|d| d.severity() == Severity::Error);
    if !listed {
        return Ok(1);
    }
    state.row += 1;
    let row = state.row;
    if let Some(source_row) = entry.location.row {
        state.row_of.insert(source_row, row);
        sheet.write_number(row, 0, source_row as f64)?;
    }
    let status_format = match entry.outcome {
        Outcome::Rejected => &styles.error,
        _ => &styles.plain,
    };
    let status = match entry.outcome {
        Outcome::Written if !imports_written => "would be written",
        outcome => outcome.as_str(),
    };
    sheet.write_string_with_format(row, 1, status, status_format)?;
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
        add_note(sheet, (row, 1), &row_problems, &mut state.notes)?;
    }
    state.max_cells = state.max_cells.max(entry.cells.len() as u16);
    write_row_cells(sheet, (row, &entry.cells), &by_column, state, styles)?;
    Ok(0)
}

/// A listed row's cells as read, each problem cell filled and noted.
fn write_row_cells(
    sheet: &mut Worksheet,
    (row, cells): (u32, &[String]),
    by_column: &BTreeMap<usize, CellProblems>,
    state: &mut SheetState,
    styles: &Styles,
) -> Result<(), XlsxError> {
    let cell_count = cells
        .len()
        .max(by_column.keys().copied().max().unwrap_or(0));
    for i in 0..cell_count {
        let col = LEAD_COLUMNS + i as u16;
        let text = cells.get(i).map(|c| cell_text(c)).unwrap_or_default();
        match by_column.get(&(i + 1)) {
            Some(problems) => {
                write_problem_cell(sheet, (row, col), &text, problems, styles)?;
                add_note(sheet, (row, col), problems, &mut state.notes)?;
            }
            None if !text.is_empty() => {
                sheet.write_string(row, col, &text)?;
            }
            None => {}
        }
        if let Some(width) = state.widths.get_mut(LEAD_COLUMNS as usize + i) {
            *width = (*width).max(text.chars().count().min(40));
        }
    }
    Ok(())
}

/// A problem cell: its value, filled red for an error and amber for a warning.
fn write_problem_cell(
    sheet: &mut Worksheet,
    (row, col): (u32, u16),
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
    Ok(())
}

/// The note holding a cell's messages, while the sheet has had fewer than [`MAX_NOTES`].
fn add_note(
    sheet: &mut Worksheet,
    (row, col): (u32, u16),
    problems: &CellProblems,
    notes: &mut usize,
) -> Result<(), XlsxError> {
    if *notes >= MAX_NOTES {
        return Ok(());
    }
    *notes += 1;
    let note = Note::new(problems.messages.join("\n")).set_width(400);
    sheet.insert_note(row, col, &note)?;
    Ok(())
}

/// Writes one problem after row `row` of the Problems sheet, unless its row is not listed (or the sheet
/// is full); gives whether it was written.
fn add_problem_row(
    sheet: &mut Worksheet,
    d: &Diagnostic,
    facts: &Facts<'_>,
    sheet_names: &[String],
    sheets: &[SheetState],
    row: u32,
    styles: &Styles,
) -> Result<bool, XlsxError> {
    let input = input_of(facts.inputs, d);
    // A problem on a row the review does not list is left out with its row.
    let row_listed = match (input, d.location.row) {
        (Some(input), Some(r)) => {
            r == facts.inputs[input].header_row || sheets[input].row_of.contains_key(&r)
        }
        _ => true,
    };
    if !row_listed || row as usize >= MAX_ROWS {
        return Ok(false);
    }
    let row = row + 1;
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
            Some(r) if Some(r) == Some(facts.inputs[input].header_row) => Some(0),
            Some(r) => sheets[input].row_of.get(&r).copied(),
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
    Ok(true)
}

/// An input as the Summary sheet lists it: file, sheet, rows and company.
fn input_line(input: &crate::plan::InputInfo) -> String {
    let mut text = input.file.clone();
    if let Some(sheet_name) = &input.sheet {
        text.push_str(&format!(" (sheet {sheet_name})"));
    }
    text.push_str(&format!(": {} rows", input.rows));
    if input.company_column {
        text.push_str(&format!(
            ", company from its Company column, else {}",
            input.company
        ));
    } else {
        text.push_str(&format!(", company {}", input.company));
    }
    text
}

fn write_summary_sheet(
    sheet: &mut Worksheet,
    facts: &Facts<'_>,
    left_out: &LeftOut,
    styles: &Styles,
    imports_written: bool,
) -> Result<(), XlsxError> {
    let s = &facts.summary;
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
    for input in facts.inputs {
        line(sheet, "Input", input_line(input))?;
    }
    // Every outcome, so that they add up to the rows read.
    line(sheet, "Rows", s.rows.to_string())?;
    if imports_written {
        line(sheet, "Written", s.written.to_string())?;
    } else {
        let when = if s.errors > 0 {
            "once the errors are fixed; no import file was written"
        } else {
            "no import file was written"
        };
        line(sheet, "Would be written", format!("{} ({when})", s.written))?;
    }
    line(sheet, "Existing users", s.existing.to_string())?;
    line(sheet, "Already coupled", s.coupled.to_string())?;
    line(
        sheet,
        "Same person, other company",
        s.same_person.to_string(),
    )?;
    line(sheet, "Skipped", s.skipped.to_string())?;
    line(sheet, "of which empty rows", s.empty_rows.to_string())?;
    line(sheet, "of which not salespeople", s.not_people.to_string())?;
    line(sheet, "Rejected", s.rejected.to_string())?;
    line(sheet, "Errors", s.errors.to_string())?;
    line(sheet, "Warnings", s.warnings.to_string())?;
    let files = if imports_written {
        s.import_files.to_string()
    } else {
        format!("none written ({} would be)", s.import_files)
    };
    line(sheet, "Import files", files)?;
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
    if left_out.notes_full {
        line(
            sheet,
            "Notes",
            format!("the first {MAX_NOTES} problem cells of a sheet hold their messages in a note; the others are filled, and their messages are in the Problems sheet"),
        )?;
    }
    Ok(())
}
