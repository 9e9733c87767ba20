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

/// The Business Central company of each input named with `--company FILE=COMPANY` (or the config file's
/// `[companies]`); later entries win.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Companies {
    entries: Vec<(String, String)>,
    /// The first entry given by a flag: the config file's entries before it may name files this run
    /// does not read.
    flags_from: usize,
}

impl Companies {
    pub fn parse(pairs: &[String]) -> std::result::Result<Self, String> {
        let mut entries = Vec::new();
        for pair in pairs {
            let Some((file, company)) = pair.split_once('=') else {
                return Err(format!(
                    "--company {pair:?} is not FILE=COMPANY, e.g. --company \"export-be.csv=CRONUS BE\""
                ));
            };
            let (file, company) = (file.trim(), company.trim());
            if file.is_empty() || company.is_empty() {
                return Err(format!(
                    "--company {pair:?} names no file or no company; write FILE=COMPANY"
                ));
            }
            entries.push((file.to_string(), company.to_string()));
        }
        Ok(Companies {
            entries,
            flags_from: 0,
        })
    }

    /// These entries (the config file's), then `flags` (which win).
    pub fn then(mut self, flags: Companies) -> Companies {
        self.flags_from = self.entries.len();
        self.entries.extend(flags.entries);
        self
    }

    /// The entries given with `--company`, each of which must name an input.
    pub fn from_flags(&self) -> &[(String, String)] {
        &self.entries[self.flags_from..]
    }

    /// Whether `file` (as given in `--company`) is the input `path`: the path as typed, or its file name.
    pub fn names(file: &str, path: &Path) -> bool {
        Path::new(file) == path
            || path
                .file_name()
                .is_some_and(|name| name.to_string_lossy() == file)
    }

    /// The company of the input at `path`: named with `--company`, else the file name without its
    /// extension ("stdin" for `-`).
    pub fn of(&self, path: &Path) -> String {
        if let Some((_, company)) = self
            .entries
            .iter()
            .rev()
            .find(|(f, _)| Self::names(f, path))
        {
            return company.clone();
        }
        if path == Path::new(read::STDIN_PATH) {
            return "stdin".to_string();
        }
        path.file_stem()
            .map(|stem| stem.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string())
    }
}

/// How inputs are read and understood: `--sheet`, `--encoding`, `--delimiter`, `--map`, `--country`,
/// `--company`.
#[derive(Debug, Clone, Default)]
pub struct InputSettings {
    pub read: ReadOptions,
    pub map: HeaderMap,
    /// The company of each input.
    pub companies: Companies,
    /// The country of rows that name none, upper-case ISO 3166 alpha-2.
    pub country: Option<String>,
    /// `validate` checks files as they would be uploaded: a legacy 15-column import file is then an error
    /// (S013); `convert` re-writes it in the current format with a warning (S012).
    pub legacy_is_error: bool,
    /// Show the progress of a long run on stderr (a terminal, not `--quiet`).
    pub progress: bool,
    /// Which file the new users are written into: a password column left out is an error for Entra's.
    pub target: crate::m365::entra::Target,
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
