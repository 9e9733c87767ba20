//! The inputs of a run: the options that decide how they are read (`--sheet`, `--encoding`,
//! `--delimiter`, `--map`, `--country`), opening one, and what it holds.

use std::path::Path;

use crate::bc::{recognise_header, HeaderMap};
use crate::diagnostic::{rules, Diagnostic, Location};
use crate::error::Result;
use crate::m365::ImportHeader;
use crate::read::{self, EncodingSource, InputFormat, InputTable, ReadOptions};

/// What an input holds: Business Central salespeople, or users in a Microsoft 365 import file (prepared
/// by hand, or written earlier), recognised by Microsoft's exact header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    Salespeople,
    M365Import(ImportHeader),
}

/// The columns bc2m365's own rejected.csv starts with, before the rows' own: how a rejected.csv given as
/// input is recognised, so its rows are read as they were first read.
pub const REJECTED_LEAD: [&str; 4] = ["File", "Row", "Codes", "Problems"];

/// Whether a header is that of bc2m365's rejected.csv.
pub fn is_rejected_csv(header: &[String]) -> bool {
    header.len() > REJECTED_LEAD.len()
        && header.iter().zip(REJECTED_LEAD).all(|(h, lead)| h == lead)
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
    let is_header = |cells: &[String]| {
        ImportHeader::recognise(cells).is_some()
            || recognise_header(cells, &Location::default(), &settings.map)
                .0
                .has_required()
    };
    read::open(path, &settings.read, &is_header)
}
