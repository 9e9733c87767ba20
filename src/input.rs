//! The inputs of a run: the options that decide how they are read (`--sheet`, `--encoding`,
//! `--delimiter`, `--map`, `--country`), opening one, and what it holds.

use std::path::Path;

use crate::bc::{recognise_header, HeaderMap};
use crate::cli::InputArgs;
use crate::diagnostic::{rules, Diagnostic, Location};
use crate::error::{Error, Result};
use crate::m365::ImportHeader;
use crate::read::limits::{parse_size, Limits};
use crate::read::{self, EncodingSource, InputFormat, InputTable, ReadOptions};

/// What an input holds: Business Central salespeople, or users in a Microsoft 365 import file (prepared
/// by hand, or written earlier), recognised by Microsoft's exact header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    Salespeople,
    M365Import(ImportHeader),
}

impl InputKind {
    pub fn of(header: &[String]) -> InputKind {
        match ImportHeader::recognise(header) {
            Some(import) => InputKind::M365Import(import),
            None => InputKind::Salespeople,
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            InputKind::Salespeople => "Business Central salespeople",
            InputKind::M365Import(header) => header.describe(),
        }
    }
}

/// How inputs are read and understood: `--sheet`, `--encoding`, `--delimiter`, `--map`, `--country`.
#[derive(Debug, Clone, Default)]
pub struct InputSettings {
    pub read: ReadOptions,
    pub map: HeaderMap,
    /// The country of rows that name none, upper-case ISO 3166 alpha-2.
    pub country: Option<String>,
    /// `validate` checks files as they would be uploaded: a legacy 15-column import file is then an error
    /// (S013); `convert` re-writes it in the current format with a warning (S012).
    pub legacy_is_error: bool,
    /// Show the progress of a long run on stderr (a terminal, not `--quiet`).
    pub progress: bool,
}

impl InputSettings {
    pub fn from_args(args: &InputArgs) -> Result<InputSettings> {
        let encoding = match &args.encoding {
            None => None,
            Some(label) => Some(
                encoding_rs::Encoding::for_label(label.trim().as_bytes()).ok_or_else(|| {
                    Error::Usage(format!(
                        "--encoding {label:?} is not an encoding; use e.g. utf-8, windows-1252, utf-16le"
                    ))
                })?,
            ),
        };
        let delimiter = match &args.delimiter {
            None => None,
            Some(text) => Some(read::parse_delimiter(text).ok_or_else(|| {
                Error::Usage(format!(
                    "--delimiter {text:?} is not a delimiter; use comma, semicolon, tab or pipe"
                ))
            })?),
        };
        let country = match &args.country {
            None => None,
            Some(code) => Some(
                crate::m365::countries::country_code(code)
                    .ok_or_else(|| {
                        Error::Usage(format!(
                            "--country {code:?} is not an ISO 3166 two-letter country code such as BE"
                        ))
                    })?
                    .to_string(),
            ),
        };
        Ok(InputSettings {
            read: ReadOptions {
                sheet: args.sheet.clone(),
                encoding,
                delimiter,
                limits: Limits {
                    input_bytes: parse_size(&args.max_input_size)
                        .map_err(|e| Error::Usage(format!("--max-input-size {e}")))?,
                    sheet_bytes: parse_size(&args.max_sheet_size)
                        .map_err(|e| Error::Usage(format!("--max-sheet-size {e}")))?,
                    rows: args.max_rows,
                    columns: args.max_columns,
                    cell_chars: args.max_cell_chars,
                },
            },
            map: HeaderMap::parse(&args.map).map_err(Error::Usage)?,
            country,
            legacy_is_error: false,
            progress: false,
        })
    }
}

/// Where a header row is: JSON has none (its "header" is the objects' property names).
pub fn header_location(table: &InputTable, base: &Location) -> Location {
    Location {
        row: (table.header_row > 0).then_some(table.header_row),
        ..base.clone()
    }
}

/// A note that the encoding of a CSV input was guessed, so the person checks its accents.
pub fn encoding_note(table: &InputTable, base: &Location) -> Option<Diagnostic> {
    match table.format {
        InputFormat::Csv {
            encoding,
            encoding_source: EncodingSource::Guessed,
            ..
        } => Some(Diagnostic::new(
            &rules::ENCODING_GUESSED,
            base.clone(),
            format!(
                "read as {} (no byte-order mark, and not UTF-8)",
                encoding.name()
            ),
        )),
        _ => None,
    }
}

/// Opens an input, finding its header with the caption table and `--map`.
pub fn open_input(path: &Path, settings: &InputSettings) -> Result<InputTable> {
    reopen_input(path, settings, None)
}

/// Opens an input again for a second pass over its rows; stdin (`-`) is read from the bytes the first pass
/// kept, `stdin`.
pub fn reopen_input(
    path: &Path,
    settings: &InputSettings,
    stdin: Option<&std::sync::Arc<[u8]>>,
) -> Result<InputTable> {
    let is_header = |cells: &[String]| {
        ImportHeader::recognise(cells).is_some()
            || recognise_header(cells, &Location::default(), &settings.map)
                .0
                .has_required()
    };
    match stdin {
        Some(bytes) if path == Path::new(read::STDIN_PATH) => {
            read::reopen_stdin(bytes.clone(), &settings.read, &is_header)
        }
        _ => read::open(path, &settings.read, &is_header),
    }
}
