//! The rows of one opened input: read, decoded, checked on their own and numbered, on a thread beside
//! the planning.

use std::collections::VecDeque;

use crate::bc::{recognise_header, ColumnMap};
use crate::check::password::{check_password, left_out_for_target, take_password};
use crate::check::row::{
    check_import_row, check_row, import_file_columns, private_cells, says_privacy_blocked,
};
use crate::check::shape::Shape;
use crate::diagnostic::{rules, ColumnRef, Diagnostic, Location};
use crate::error::{Error, Result};
use crate::m365::ImportHeader;
use crate::normalize::salesperson::RejectedBefore;
use crate::normalize::salesperson::Salesperson;
use crate::normalize::text::{from_visible, without_formula_guard};
use crate::plan::input::{
    encoding_note, header_location, is_rejected_csv, InputKind, InputSettings, REJECTED_LEAD,
};
use crate::plan::{AliasAhead, RowInput, RowKind};
use crate::read::{self, Limits};

/// Rows handed from the reading thread to the planning one at a time.
const CHUNK_ROWS: usize = 256;

/// Reads the rows of `reader` on a second thread, a chunk at a time, and hands each to `each` on this
/// one, in order: reading, decoding and checking rows on their own runs beside the planning, which must
/// see them one after the other. Problems that stop the reading go to `diagnostics`. Gives the rows read.
pub fn read_beside(
    mut reader: RowReader,
    diagnostics: &mut Vec<Diagnostic>,
    each: &mut dyn FnMut(RowInput) -> Result<()>,
) -> Result<u64> {
    std::thread::scope(|scope| {
        let (sender, receiver) =
            std::sync::mpsc::sync_channel::<(Vec<RowInput>, Vec<Diagnostic>)>(4);
        let reading = scope.spawn(move || {
            loop {
                let mut chunk = Vec::with_capacity(CHUNK_ROWS);
                let mut found = Vec::new();
                while chunk.len() < CHUNK_ROWS {
                    match reader.next_row(&mut found) {
                        Some(row) => chunk.push(row),
                        None => break,
                    }
                }
                let last = chunk.len() < CHUNK_ROWS;
                // The planning thread has stopped (an error): so does the reading.
                if sender.send((chunk, found)).is_err() || last {
                    break;
                }
            }
            reader.rows
        });
        let result = hand_on(&receiver, diagnostics, each);
        drop(receiver);
        let rows = reading
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        result.map(|()| rows)
    })
}

fn hand_on(
    receiver: &std::sync::mpsc::Receiver<(Vec<RowInput>, Vec<Diagnostic>)>,
    diagnostics: &mut Vec<Diagnostic>,
    each: &mut dyn FnMut(RowInput) -> Result<()>,
) -> Result<()> {
    for (chunk, found) in receiver.iter() {
        diagnostics.extend(found);
        for row in chunk {
            each(row)?;
        }
    }
    Ok(())
}

/// The rows of one opened input, read, checked on their own and numbered.
pub struct RowReader {
    index: usize,
    rows_in: Box<dyn Iterator<Item = Result<read::RawRow>> + Send>,
    pub base: Location,
    pub header_location: Location,
    pub header: Vec<String>,
    pub kind: InputKind,
    pub columns: ColumnMap,
    /// Why no row of the file can be converted (no Code column, say).
    unusable: Option<String>,
    limits: Limits,
    country: Option<String>,
    /// The input's Business Central company, for rows with no Company cell.
    pub company: String,
    ahead: AliasAhead,
    /// What the rows so far tell about the next: a second table under the salespeople, say.
    shape: Shape,
    /// The input is bc2m365's own rejected.csv: its values are restored as first read.
    rerun: bool,
    /// Rows ready to hand on.
    ready: VecDeque<RowInput>,
    /// Rows handed on, empty ones included.
    rows: u64,
    done: bool,
    /// The header has more columns than the limit: the file is refused whole.
    pub header_over_limit: bool,
    /// For stdin or a pipe: its size so far, against `--max-input-size`.
    stream: Option<read::stream::StreamDigest>,
}

impl RowReader {
    pub fn new(
        index: usize,
        table: read::InputTable,
        settings: &InputSettings,
        ahead: AliasAhead,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Self {
        let base = Location {
            file: table.file.as_str().into(),
            sheet: table.sheet.clone(),
            ..Location::default()
        };
        let header_location = header_location(&table, &base);
        diagnostics.extend(encoding_note(&table, &base));
        let kind = InputKind::of(&table.header);
        let before = diagnostics.len();
        let columns =
            recognise_columns(kind, &table.header, &header_location, settings, diagnostics);
        let rerun = kind == InputKind::Salespeople && is_rejected_csv(&table.header);
        if rerun {
            // rejected.csv's own leading columns are no salesperson field, and are known.
            let lead = REJECTED_LEAD.len();
            let header_findings = diagnostics.split_off(before);
            diagnostics.extend(header_findings.into_iter().filter(|d| {
                !(d.rule == &rules::UNKNOWN_COLUMN
                    && d.location.column.as_ref().is_some_and(|c| c.index <= lead))
            }));
        }
        let unusable = diagnostics[before..]
            .iter()
            .find(|d| d.rule == &rules::MISSING_COLUMN)
            .map(|d| format!("{}: {}", d.code(), d.message));
        let limits = settings.read.limits;
        let header_over_limit = table.header.len() > limits.columns;
        if header_over_limit {
            let what = format!(
                "the header has {} columns, more than the {} limit",
                table.header.len(),
                limits.columns
            );
            let found = over_limit(&table.file, Some(table.header_row), what, "--max-columns");
            diagnostics.push(found);
        }
        RowReader {
            index,
            stream: table.stream,
            rows_in: table.rows,
            base,
            header_location,
            header: table.header,
            kind,
            columns,
            unusable,
            limits,
            country: settings.country.clone(),
            company: String::new(),
            ahead,
            ready: VecDeque::new(),
            shape: Shape::default(),
            rerun,
            rows: 0,
            done: header_over_limit,
            header_over_limit,
        }
    }

    /// The next row, or `None` at the end of the input (or where reading stopped, with a finding).
    pub fn next_row(&mut self, diagnostics: &mut Vec<Diagnostic>) -> Option<RowInput> {
        loop {
            if let Some(row) = self.ready.pop_front() {
                return Some(row);
            }
            if self.done {
                return None;
            }
            self.read_one(diagnostics);
        }
    }

    fn read_one(&mut self, diagnostics: &mut Vec<Diagnostic>) {
        let Some(mut raw) = self.next_raw(diagnostics) else {
            self.done = true;
            return;
        };
        let location = Location {
            row: Some(raw.row),
            ..self.base.clone()
        };
        if let Some(found) = self.over_a_limit(&raw) {
            diagnostics.push(found);
            self.done = true;
            return;
        }
        // Before anything else sees the row: a password goes no further than its check.
        let password = take_password(&mut raw, &self.columns, self.header.len());
        // Empty rows are rows, wherever they are: counted and reported like any other.
        self.rows += 1;
        if raw.is_empty() {
            self.shape.empty_row();
            self.ready
                .push_back(empty_row(self.index, location, raw.cells));
            return;
        }
        if self.unusable.is_none() && self.kind == InputKind::Salespeople {
            let found = self
                .shape
                .no_person(&raw, &self.columns, &self.header, &self.base);
            if let Some((reason, diagnostic)) = found {
                let mut cells = raw.cells;
                // Not read as a salesperson, but perhaps one who asked not to be processed.
                if says_privacy_blocked(&cells, &self.columns) {
                    private_cells(&mut cells, &self.columns);
                }
                self.ready.push_back(RowInput {
                    input: self.index,
                    location,
                    kind: RowKind::NoPerson(reason),
                    cells,
                    salesperson: Salesperson::default(),
                    diagnostics: vec![diagnostic],
                    password: None,
                });
                return;
            }
        }
        let row = match &self.unusable {
            Some(reason) => RowInput {
                input: self.index,
                location,
                kind: RowKind::Unusable(reason.clone()),
                cells: raw.cells,
                salesperson: Salesperson::default(),
                diagnostics: Vec::new(),
                password: None,
            },
            None => self.data_row(raw, location, password),
        };
        self.ready.push_back(row);
    }

    /// The next raw row; a read error ends the input with a finding that says how far it got.
    fn next_raw(&mut self, diagnostics: &mut Vec<Diagnostic>) -> Option<read::RawRow> {
        match self.rows_in.next()? {
            Ok(raw) => Some(raw),
            Err(_) if self.stream.as_ref().is_some_and(|s| s.over_limit()) => {
                let what = self
                    .stream
                    .as_ref()
                    .map(|s| s.limit_message())
                    .unwrap_or_default();
                diagnostics.push(over_limit(&self.base.file, None, what, "--max-input-size"));
                None
            }
            // A workbook's reader counts its limits cell by cell, and names the cell.
            Err(Error::LimitExceeded { what, flag, .. }) => {
                diagnostics.push(over_limit(&self.base.file, None, what, flag));
                None
            }
            Err(error) => {
                diagnostics.push(Diagnostic::new(
                    &rules::UNREADABLE_FILE,
                    Location::file(&self.base.file),
                    format!(
                        "reading stopped after {} rows: {}",
                        self.rows,
                        unreadable_message(&error)
                    ),
                ));
                None
            }
        }
    }

    /// The row limit (`--max-rows`) and the cell limit of a row (`--max-columns`), counted as rows arrive.
    fn over_a_limit(&self, raw: &read::RawRow) -> Option<Diagnostic> {
        let file = &*self.base.file;
        let limits = self.limits;
        if self.rows >= limits.rows {
            let what = format!("the file has more than {} data rows", limits.rows);
            return Some(over_limit(file, Some(raw.row), what, "--max-rows"));
        }
        if raw.cells.len() > limits.columns {
            let what = format!(
                "the row has {} cells, more than the {} limit",
                raw.cells.len(),
                limits.columns
            );
            return Some(over_limit(file, Some(raw.row), what, "--max-columns"));
        }
        None
    }

    /// A salesperson's row, checked on its own, its unnumbered user name built ahead.
    fn data_row(&self, mut raw: read::RawRow, location: Location, password: String) -> RowInput {
        let before = self.rerun.then(|| restore_rejected(&mut raw));
        let country = self.country.as_deref();
        let (mut salesperson, mut diagnostics) = match self.kind {
            InputKind::Salespeople => {
                check_row(&raw, &self.columns, self.header.len(), &self.base, country)
            }
            InputKind::M365Import(header) => check_import_row(&raw, header, &self.base, country),
        };
        salesperson.rejected_before = before;
        // A Microsoft 365 import file's users are no Business Central salespeople: no company.
        if salesperson.company.is_empty() && self.kind == InputKind::Salespeople {
            salesperson.company.clone_from(&self.company);
        }
        self.ahead.fill(&mut salesperson);
        let max_chars = self.limits.cell_chars;
        let mut cells = raw.cells;
        let mut given = None;
        if salesperson.privacy_blocked {
            private_cells(&mut cells, &self.columns);
        } else {
            diagnostics.extend(long_cells(&cells, &self.header, &location, max_chars));
            let (password, found) = check_password(password, &self.columns, &location);
            diagnostics.extend(found);
            given = password;
        }
        RowInput {
            input: self.index,
            location,
            kind: RowKind::Data,
            cells,
            salesperson,
            diagnostics,
            password: given,
        }
    }
}

/// A row of rejected.csv as it was first read: the apostrophe bc2m365 put before formula-like values
/// removed, so they are checked again; its leading columns give where it came from and why it failed.
fn restore_rejected(raw: &mut read::RawRow) -> Box<RejectedBefore> {
    let lead = REJECTED_LEAD.len();
    for (i, cell) in raw.cells.iter_mut().enumerate().skip(lead) {
        let restored = from_visible(without_formula_guard(cell)).into_owned();
        // A character rejected.csv could only show as U+FFFD was not valid text: it stays refused.
        if restored.contains('\u{FFFD}') && !raw.invalid_cells.contains(&i) {
            raw.invalid_cells.push(i);
        }
        *cell = restored;
    }
    let lead_cell = |i: usize| {
        without_formula_guard(raw.cells.get(i).map(String::as_str).unwrap_or("")).to_string()
    };
    Box::new(RejectedBefore {
        file: lead_cell(0),
        row: lead_cell(1),
        codes: lead_cell(2)
            .split_whitespace()
            .map(str::to_string)
            .collect(),
    })
}

fn empty_row(input: usize, location: Location, cells: Vec<String>) -> RowInput {
    RowInput {
        input,
        diagnostics: vec![Diagnostic::new(
            &rules::EMPTY_ROW,
            location.clone(),
            "the row is empty and is skipped",
        )],
        location,
        kind: RowKind::Empty,
        cells,
        salesperson: Salesperson::default(),
        password: None,
    }
}

/// The columns of an input: Business Central's fields found in its header, or Microsoft's import
/// columns, with what is wrong with the header.
fn recognise_columns(
    kind: InputKind,
    header: &[String],
    header_location: &Location,
    settings: &InputSettings,
    diagnostics: &mut Vec<Diagnostic>,
) -> ColumnMap {
    match kind {
        InputKind::Salespeople => {
            let (columns, found) = recognise_header(header, header_location, &settings.map);
            let for_target = |d| left_out_for_target(d, &columns, settings.target);
            diagnostics.extend(found.into_iter().map(for_target));
            columns
        }
        InputKind::M365Import(import) => {
            let legacy_is_error = settings.legacy_is_error;
            diagnostics.extend(import_header_findings(
                import,
                header,
                header_location,
                legacy_is_error,
            ));
            import_file_columns(import)
        }
    }
}

/// A Microsoft 365 import file's header: the legacy header, and headers spelt otherwise than
/// Microsoft's. `validate` refuses both, as the upload would; `convert` re-writes them.
fn import_header_findings(
    import: ImportHeader,
    header: &[String],
    header_location: &Location,
    legacy_is_error: bool,
) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    if import == ImportHeader::Legacy {
        let (rule, message) = if legacy_is_error {
            (
                &rules::LEGACY_IMPORT_FILE,
                "the file has Microsoft's legacy 15-column import header, which tenants serving the current template refuse",
            )
        } else {
            (
                &rules::LEGACY_IMPORT_HEADER,
                "the file has Microsoft's legacy 15-column import header; it is re-written with the current 16 columns",
            )
        };
        found.push(Diagnostic::new(rule, header_location.clone(), message));
    }
    let rule = if legacy_is_error {
        &rules::IMPORT_HEADER_REFUSED
    } else {
        &rules::IMPORT_HEADER_SPELLING
    };
    for (index, spelt, exact) in import.misspelt(header) {
        let location = Location {
            column: Some(ColumnRef {
                index,
                header: spelt.clone(),
            }),
            ..header_location.clone()
        };
        let message =
            format!("column {index} is \"{spelt}\"; Microsoft's import header has \"{exact}\"");
        found.push(Diagnostic::new(rule, location, message).with_value(spelt));
    }
    found
}

/// The finding for an input that cannot be opened; a sheet that is not there stops the run.
pub fn open_failure(error: Error, file: &str) -> Result<Diagnostic> {
    Ok(match error {
        error @ Error::NoSuchSheet { .. } => return Err(error),
        Error::EmptyInput { .. } => {
            Diagnostic::new(&rules::NO_DATA, Location::file(file), "the file is empty")
        }
        Error::LimitExceeded { what, flag, .. } => over_limit(file, None, what, flag),
        error => {
            let diagnostic = Diagnostic::new(
                &rules::UNREADABLE_FILE,
                Location::file(file),
                unreadable_message(&error),
            );
            match error {
                Error::Unreadable { help, .. } => diagnostic.with_note(help),
                _ => diagnostic,
            }
        }
    })
}

pub fn over_limit(file: &str, row: Option<u64>, what: String, flag: &'static str) -> Diagnostic {
    Diagnostic::new(
        &rules::LIMIT_EXCEEDED,
        Location {
            row,
            ..Location::file(file)
        },
        what,
    )
    .with_note(format!(
        "raise the limit with {flag} if the file is what you expect"
    ))
}

/// Cells longer than `--max-cell-chars`: each is reported, and the row rejected.
fn long_cells(
    cells: &[String],
    header: &[String],
    row: &Location,
    max_chars: usize,
) -> Vec<Diagnostic> {
    cells
        .iter()
        .enumerate()
        // A cell of at most `max_chars` bytes has at most as many characters: counted only past that.
        .filter(|(_, cell)| cell.len() > max_chars && cell.chars().count() > max_chars)
        .map(|(i, cell)| {
            let count = cell.chars().count();
            Diagnostic::new(
                &rules::CELL_TOO_LONG,
                Location {
                    column: Some(ColumnRef {
                        index: i + 1,
                        header: header.get(i).cloned().unwrap_or_default(),
                    }),
                    ..row.clone()
                },
                format!("the cell has {count} characters, more than the {max_chars} limit"),
            )
            .with_value(cell.chars().take(60).collect::<String>() + "...")
        })
        .collect()
}

fn unreadable_message(error: &Error) -> String {
    match error {
        Error::Io { source, .. } => source.to_string(),
        Error::Unreadable { format, reason, .. } => format!("cannot be read as {format}: {reason}"),
        other => other.to_string(),
    }
}
