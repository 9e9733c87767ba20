//! Reading, checking and planning every input: what `convert` and `validate` share.

use std::path::PathBuf;

use crate::bc::fields::header_key;
use crate::bc::{recognise_header, ColumnMap};
use crate::check::row::{check_import_row, check_row, import_file_columns};
use crate::check::{rules, Diagnostic, Location, Severity};
use crate::error::{Error, Result};
use crate::input::{encoding_note, header_location, open_input, InputKind, InputSettings};
use crate::m365::ImportHeader;
use crate::manifest::Summary;
use crate::plan::{plan, Outcome, Plan, PlanOptions, RowInput, RowKind};
use crate::read::{self, InputFormat};
use crate::salesperson::{Salesperson, SkipReason};

/// What was read from one input file.
#[derive(Debug, Clone)]
pub struct InputInfo {
    pub path: PathBuf,
    pub file: String,
    /// `None` when the file could not be read.
    pub format: Option<InputFormat>,
    pub sheet: Option<String>,
    pub header_row: u64,
    pub header: Vec<String>,
    /// A Business Central export, or a Microsoft 365 import file.
    pub kind: InputKind,
    pub columns: ColumnMap,
    /// Data rows read, empty ones between data rows included.
    pub rows: u64,
    /// The SHA-256 of what was read from stdin; files are hashed when the manifest is written.
    pub stdin_sha256: Option<String>,
}

/// Everything learnt from the inputs: what was read, every problem, and the plan.
pub struct Analysis {
    pub inputs: Vec<InputInfo>,
    /// Problems of whole files and headers; row problems live in the plan's entries.
    pub file_diagnostics: Vec<Diagnostic>,
    pub plan: Plan,
    pub summary: Summary,
    pub strict: bool,
}

impl Analysis {
    /// Every diagnostic: each input's file problems first, then its rows in order.
    pub fn diagnostics(&self) -> Vec<&Diagnostic> {
        let mut all: Vec<(usize, u64, &Diagnostic)> = Vec::new();
        for d in &self.file_diagnostics {
            let input = self
                .inputs
                .iter()
                .position(|i| *i.file == *d.location.file)
                .unwrap_or(0);
            all.push((input, d.location.row.unwrap_or(0), d));
        }
        for entry in &self.plan.entries {
            for d in &entry.diagnostics {
                all.push((entry.input, entry.location.row.unwrap_or(0), d));
            }
        }
        all.sort_by_key(|(input, row, _)| (*input, *row));
        all.into_iter().map(|(_, _, d)| d).collect()
    }

    /// Whether the problems stop the import: an error, or under `--strict` a warning.
    pub fn has_errors(&self) -> bool {
        self.summary.errors > 0 || (self.strict && self.summary.warnings > 0)
    }

    /// A file that could not be read at all (S008): the run exits 2 and writes nothing.
    pub fn has_unreadable_file(&self) -> bool {
        self.file_diagnostics
            .iter()
            .any(|d| d.rule == &rules::UNREADABLE_FILE || d.rule == &rules::LIMIT_EXCEEDED)
    }

    /// A file that could not be read, or holds no salespeople: nothing is written.
    pub fn has_broken_file(&self) -> bool {
        self.file_diagnostics.iter().any(|d| {
            d.rule == &rules::UNREADABLE_FILE
                || d.rule == &rules::NO_DATA
                || d.rule == &rules::LIMIT_EXCEEDED
        })
    }
}

/// Reads, checks and plans every input. A file that cannot be read becomes a diagnostic (S008), so one
/// run reports on every input; only usage errors (such as a missing --sheet) stop it.
pub fn analyse(
    paths: &[PathBuf],
    settings: &InputSettings,
    plan_options: &PlanOptions,
) -> Result<Analysis> {
    let mut inputs = Vec::new();
    let mut file_diagnostics = Vec::new();
    let mut rows_in = RowChunks::default();
    let mut headers_seen: Vec<String> = Vec::new();
    let mut progress = crate::progress::Progress::new(settings.progress);
    for (index, path) in paths.iter().enumerate() {
        let file = read::display_name(path);
        progress.stage(format!("reading {file}:"));
        let mut info = InputInfo {
            path: path.clone(),
            file: file.clone(),
            format: None,
            sheet: None,
            header_row: 0,
            header: Vec::new(),
            kind: InputKind::Salespeople,
            columns: ColumnMap::default(),
            rows: 0,
            stdin_sha256: None,
        };
        let table = match open_input(path, settings) {
            Ok(table) => table,
            Err(error @ Error::NoSuchSheet { .. }) => return Err(error),
            Err(Error::EmptyInput { .. }) => {
                file_diagnostics.push(Diagnostic::new(
                    &rules::NO_DATA,
                    Location::file(&file),
                    "the file is empty",
                ));
                inputs.push(info);
                continue;
            }
            Err(Error::LimitExceeded { what, flag, .. }) => {
                file_diagnostics.push(over_limit(&file, None, what, flag));
                inputs.push(info);
                continue;
            }
            Err(error) => {
                let mut diagnostic = Diagnostic::new(
                    &rules::UNREADABLE_FILE,
                    Location::file(&file),
                    unreadable_message(&error),
                );
                if let Error::Unreadable { help, .. } = error {
                    diagnostic = diagnostic.with_note(help);
                }
                file_diagnostics.push(diagnostic);
                inputs.push(info);
                continue;
            }
        };
        let base = Location {
            file: table.file.as_str().into(),
            sheet: table.sheet.clone(),
            ..Location::default()
        };
        let header_location = header_location(&table, &base);
        file_diagnostics.extend(encoding_note(&table, &base));
        headers_seen.extend(table.header.iter().cloned());
        let kind = InputKind::of(&table.header);
        let columns = match kind {
            InputKind::Salespeople => {
                let (columns, header_diagnostics) =
                    recognise_header(&table.header, &header_location, &settings.map);
                file_diagnostics.extend(header_diagnostics);
                columns
            }
            InputKind::M365Import(header) => {
                if header == ImportHeader::Legacy {
                    let (rule, message) = if settings.legacy_is_error {
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
                    file_diagnostics.push(Diagnostic::new(rule, header_location.clone(), message));
                }
                for (index, found, exact) in header.misspelt(&table.header) {
                    let rule = if settings.legacy_is_error {
                        &rules::IMPORT_HEADER_REFUSED
                    } else {
                        &rules::IMPORT_HEADER_SPELLING
                    };
                    file_diagnostics.push(
                        Diagnostic::new(
                            rule,
                            Location {
                                column: Some(crate::check::ColumnRef {
                                    index,
                                    header: found.clone(),
                                }),
                                ..header_location.clone()
                            },
                            format!("column {index} is \"{found}\"; Microsoft's import header has \"{exact}\""),
                        )
                        .with_value(found),
                    );
                }
                import_file_columns(header)
            }
        };
        let unusable = file_diagnostics
            .iter()
            .filter(|d| d.location.file == base.file && d.rule == &rules::MISSING_COLUMN)
            .map(|d| format!("{}: {}", d.code(), d.message))
            .next();
        let header_len = table.header.len();
        let limits = settings.read.limits;
        if header_len > limits.columns {
            file_diagnostics.push(over_limit(
                &file,
                Some(table.header_row),
                format!(
                    "the header has {header_len} columns, more than the {} limit",
                    limits.columns
                ),
                "--max-columns",
            ));
            inputs.push(info);
            continue;
        }
        let mut rows = 0u64;
        // Empty rows are held back until a data row follows: trailing empty rows are not rows at all.
        let mut pending_empty = Vec::new();
        for raw in table.rows {
            let raw = match raw {
                Ok(raw) => raw,
                Err(error) => {
                    file_diagnostics.push(Diagnostic::new(
                        &rules::UNREADABLE_FILE,
                        Location::file(&file),
                        format!(
                            "reading stopped after {rows} rows: {}",
                            unreadable_message(&error)
                        ),
                    ));
                    break;
                }
            };
            let location = Location {
                row: Some(raw.row),
                ..base.clone()
            };
            if rows + pending_empty.len() as u64 >= limits.rows {
                file_diagnostics.push(over_limit(
                    &file,
                    Some(raw.row),
                    format!("the file has more than {} data rows", limits.rows),
                    "--max-rows",
                ));
                break;
            }
            if raw.cells.len() > limits.columns {
                file_diagnostics.push(over_limit(
                    &file,
                    Some(raw.row),
                    format!(
                        "the row has {} cells, more than the {} limit",
                        raw.cells.len(),
                        limits.columns
                    ),
                    "--max-columns",
                ));
                break;
            }
            if raw.is_empty() {
                pending_empty.push(RowInput {
                    input: index,
                    diagnostics: vec![Diagnostic::new(
                        &rules::EMPTY_ROW,
                        location.clone(),
                        "the row is empty and is skipped",
                    )],
                    location,
                    kind: RowKind::Empty,
                    cells: raw.cells,
                    salesperson: Salesperson::default(),
                });
                continue;
            }
            rows += pending_empty.len() as u64 + 1;
            for empty in pending_empty.drain(..) {
                rows_in.push(empty);
            }
            let row = match &unusable {
                Some(reason) => RowInput {
                    input: index,
                    location,
                    kind: RowKind::Unusable(reason.clone()),
                    cells: raw.cells,
                    salesperson: Salesperson::default(),
                    diagnostics: Vec::new(),
                },
                None => {
                    let country = settings.country.as_deref();
                    let (salesperson, diagnostics) = match kind {
                        InputKind::Salespeople => {
                            check_row(&raw, &columns, header_len, &base, country)
                        }
                        InputKind::M365Import(header) => {
                            check_import_row(&raw, header, &base, country)
                        }
                    };
                    let mut diagnostics = diagnostics;
                    diagnostics.extend(long_cells(
                        &raw.cells,
                        &table.header,
                        &location,
                        limits.cell_chars,
                    ));
                    RowInput {
                        input: index,
                        location,
                        kind: RowKind::Data,
                        cells: raw.cells,
                        salesperson,
                        diagnostics,
                    }
                }
            };
            rows_in.push(row);
            progress.rows(rows);
        }
        if rows == 0
            && !file_diagnostics
                .iter()
                .any(|d| *d.location.file == *file && d.rule == &rules::UNREADABLE_FILE)
        {
            file_diagnostics.push(Diagnostic::new(
                &rules::NO_DATA,
                header_location.clone(),
                "the file holds a header and no salespeople",
            ));
        }
        info.format = Some(table.format);
        info.sheet = table.sheet;
        info.header_row = table.header_row;
        info.header = table.header;
        info.kind = kind;
        info.columns = columns;
        info.rows = rows;
        info.stdin_sha256 = table.stdin_sha256;
        inputs.push(info);
    }
    // A --map naming a header no input has is a mistake in the command line, not in the data.
    for (field, header) in settings.map.entries() {
        if !headers_seen
            .iter()
            .any(|h| header_key(h) == header_key(header))
        {
            return Err(Error::Usage(format!(
                "--map {}={header}: no input has a column \"{header}\"",
                field.map_name()
            )));
        }
    }
    let columns: Vec<ColumnMap> = inputs.iter().map(|i| i.columns.clone()).collect();
    progress.stage("planning");
    let count = rows_in.len;
    let plan = plan(rows_in.into_rows(), count, &columns, plan_options);
    progress.finish();
    file_diagnostics.extend(plan_options.accounts.check());
    let summary = summarise(&plan, &file_diagnostics);
    Ok(Analysis {
        inputs,
        file_diagnostics,
        plan,
        summary,
        strict: plan_options.strict,
    })
}

/// An input over a safety limit (S014): it is refused whole, so no row of it is half-read.
fn over_limit(file: &str, row: Option<u64>, what: String, flag: &'static str) -> Diagnostic {
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

/// Cells longer than the cell limit (F014): the row is rejected rather than cut.
fn long_cells(
    cells: &[String],
    header: &[String],
    row: &Location,
    max_chars: usize,
) -> Vec<Diagnostic> {
    cells
        .iter()
        .enumerate()
        .filter(|(_, cell)| cell.len() > max_chars && cell.chars().count() > max_chars)
        .map(|(i, cell)| {
            let count = cell.chars().count();
            Diagnostic::new(
                &rules::CELL_TOO_LONG,
                Location {
                    column: Some(crate::check::ColumnRef {
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

/// The rows read, in chunks of fixed size: no reallocation as they grow, and the plan frees each chunk as
/// soon as it has taken its rows, so the rows and the plan's entries are not both held whole.
#[derive(Default)]
struct RowChunks {
    chunks: Vec<Vec<RowInput>>,
    len: usize,
}

impl RowChunks {
    const CHUNK: usize = 16 * 1024;

    fn push(&mut self, row: RowInput) {
        match self.chunks.last_mut() {
            Some(chunk) if chunk.len() < Self::CHUNK => chunk.push(row),
            _ => {
                let mut chunk = Vec::with_capacity(Self::CHUNK);
                chunk.push(row);
                self.chunks.push(chunk);
            }
        }
        self.len += 1;
    }

    fn into_rows(self) -> impl Iterator<Item = RowInput> {
        self.chunks.into_iter().flatten()
    }
}

fn unreadable_message(error: &Error) -> String {
    match error {
        Error::Io { source, .. } => source.to_string(),
        Error::Unreadable { format, reason, .. } => format!("cannot be read as {format}: {reason}"),
        other => other.to_string(),
    }
}

fn summarise(plan: &Plan, file_diagnostics: &[Diagnostic]) -> Summary {
    let mut summary = Summary {
        rows: plan.entries.len() as u64,
        written: plan.count(|o| o == Outcome::Written) as u64,
        existing: plan.count(|o| o == Outcome::Existing) as u64,
        coupled: plan.count(|o| o == Outcome::Coupled) as u64,
        skipped: plan.count(|o| matches!(o, Outcome::Skipped(_))) as u64,
        rejected: plan.count(|o| o == Outcome::Rejected) as u64,
        empty_rows: plan.count(|o| o == Outcome::Skipped(SkipReason::EmptyRow)) as u64,
        import_files: plan.batches.len(),
        ..Summary::default()
    };
    let severities = file_diagnostics
        .iter()
        .chain(plan.entries.iter().flat_map(|e| e.diagnostics.iter()))
        .map(|d| d.severity());
    for severity in severities {
        match severity {
            Severity::Error => summary.errors += 1,
            Severity::Warning => summary.warnings += 1,
            Severity::Info => {}
        }
    }
    summary
}
