//! Reading an input file into a header and rows of text cells, whatever its format.

pub mod biff;
pub mod csv;
pub mod json;
pub mod limits;
pub mod mixed;
pub mod repeats;
pub mod stream;
pub mod xlsx;

use std::path::Path;

use crate::error::{Error, Result};
pub use limits::Limits;

/// One row of cells as read, numbered as the person sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawRow {
    /// The spreadsheet row; for CSV, the line where the record starts (header = line 1).
    pub row: u64,
    pub cells: Vec<String>,
    /// Cells (0-based) whose bytes were not valid in the file's encoding; their text holds replacement
    /// characters and the row must be rejected, never written.
    pub invalid_cells: Vec<usize>,
    /// For CSV: the last line of a record whose quoted value was never closed (it ran to the end of the
    /// file and swallowed every line after its start).
    pub unclosed_quote_until: Option<u64>,
    /// For a workbook or JSON: cells (0-based) that held a number rather than text, whose leading zero or
    /// "+" the spreadsheet may have dropped.
    pub number_cells: Vec<usize>,
}

impl RawRow {
    pub fn is_empty(&self) -> bool {
        self.cells.iter().all(|c| c.trim().is_empty())
    }
}

/// An input opened for reading: what was found in it, and its rows after the header.
pub struct InputTable {
    /// The path as the user gave it, for messages.
    pub file: String,
    pub format: InputFormat,
    pub sheet: Option<String>,
    pub header_row: u64,
    pub header: Vec<String>,
    /// Cells of the header that were not valid text.
    pub header_invalid_cells: Vec<usize>,
    pub rows: Box<dyn Iterator<Item = Result<RawRow>> + Send>,
    /// For stdin and named pipes, which can be read only once: the SHA-256 and size of what was read,
    /// counted as the rows are read.
    pub stream: Option<stream::StreamDigest>,
}

/// A digest as the lowercase hex digits `sha256sum` prints, as the manifest records every file's.
pub fn lowercase_hex(digest: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut hex = String::with_capacity(digest.len() * 2);
    for byte in digest {
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}

/// The input path that means "read a CSV from stdin".
pub const STDIN_PATH: &str = "-";

/// How stdin is named in messages and in the manifest.
pub const STDIN_NAME: &str = "<stdin>";

/// An input's name in messages and the manifest: the path as given, or `<stdin>` for `-`.
pub fn display_name(path: &Path) -> String {
    if path.as_os_str() == STDIN_PATH {
        STDIN_NAME.to_string()
    } else {
        path.display().to_string()
    }
}

/// Each input once: `-` given twice is a usage error, not an empty second input, and one file given
/// twice (under any path) would report every row as its own duplicate.
pub fn check_stdin_once(paths: &[std::path::PathBuf]) -> Result<()> {
    if paths.iter().filter(|p| *p == Path::new(STDIN_PATH)).count() > 1 {
        return Err(Error::Usage(
            "- (stdin) can be given only once as an input".into(),
        ));
    }
    let mut seen: Vec<(std::path::PathBuf, &std::path::PathBuf)> = Vec::new();
    for path in paths.iter().filter(|p| *p != Path::new(STDIN_PATH)) {
        let Ok(canonical) = std::fs::canonicalize(path) else {
            continue;
        };
        if let Some((_, first)) = seen.iter().find(|(c, _)| *c == canonical) {
            return Err(Error::Usage(format!(
                "{} and {} are the same file; give each input once",
                first.display(),
                path.display()
            )));
        }
        seen.push((canonical, path));
    }
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    Csv {
        delimiter: u8,
        encoding: &'static encoding_rs::Encoding,
        encoding_source: EncodingSource,
    },
    Workbook,
    /// Business Central API v2 JSON: rows are the objects of the array, numbered from 1.
    Json,
}

/// How a CSV's encoding was decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EncodingSource {
    /// The file starts with a UTF-8 or UTF-16 byte-order mark.
    ByteOrderMark,
    /// `--encoding` named it.
    Declared,
    /// No byte-order mark, and the first bytes are valid UTF-8.
    Detected,
    /// No byte-order mark and not UTF-8: chardetng guessed from the bytes.
    Guessed,
}

impl EncodingSource {
    pub fn describe(self) -> &'static str {
        match self {
            EncodingSource::ByteOrderMark => "byte-order mark",
            EncodingSource::Declared => "--encoding",
            EncodingSource::Detected => "valid UTF-8",
            EncodingSource::Guessed => "guessed from the bytes",
        }
    }
}

/// A delimiter by name: "comma", "semicolon", "tab", "pipe", or the character.
pub fn delimiter_name(delimiter: u8) -> String {
    match delimiter {
        b',' => "comma".into(),
        b';' => "semicolon".into(),
        b'\t' => "tab".into(),
        b'|' => "pipe".into(),
        other => format!("{:?}", other as char),
    }
}

/// Parses `--delimiter`: a name (comma, semicolon, tab, pipe) or one ASCII character.
pub fn parse_delimiter(text: &str) -> Option<u8> {
    match text.to_ascii_lowercase().as_str() {
        "comma" | "," => Some(b','),
        "semicolon" | ";" => Some(b';'),
        "tab" | "\\t" | "\t" => Some(b'\t'),
        "pipe" | "|" => Some(b'|'),
        other if other.len() == 1 && other.is_ascii() && other != "\"" => Some(other.as_bytes()[0]),
        _ => None,
    }
}

/// Options that decide how inputs are read.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// The worksheet to read (`--sheet`); otherwise the first whose header is recognised.
    pub sheet: Option<String>,
    /// The CSV encoding (`--encoding`); a byte-order mark still wins.
    pub encoding: Option<&'static encoding_rs::Encoding>,
    /// The CSV delimiter (`--delimiter`); otherwise sniffed from the header line.
    pub delimiter: Option<u8>,
    pub limits: Limits,
}

/// Whether a candidate header row is a salesperson header; the reader asks the caller, which knows the fields.
pub type HeaderTest<'a> = &'a dyn Fn(&[String]) -> bool;

/// Opens `path` as a workbook or a CSV, by its content first (a ZIP or OLE signature) and its extension second.
pub fn open(path: &Path, options: &ReadOptions, is_header: HeaderTest<'_>) -> Result<InputTable> {
    if path == Path::new(STDIN_PATH) {
        let name = Path::new(STDIN_NAME);
        return stream::open_stream(name, std::io::stdin(), options, is_header);
    }
    if stream::is_stream(path) {
        let pipe = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
        return stream::open_stream(path, pipe, options, is_header);
    }
    limits::check_file_size(path, &options.limits)?;
    let mut head = [0u8; 8];
    let n = {
        use std::io::Read;
        let mut file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
        file.read(&mut head).map_err(|e| Error::io(path, e))?
    };
    let signature = &head[..n];
    let is_zip = signature.starts_with(b"PK\x03\x04");
    let is_ole = signature.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]);
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(|e| e.to_ascii_lowercase())
        .unwrap_or_default();
    let workbook_extension = matches!(extension.as_str(), "xlsx" | "xlsm" | "xlsb" | "xls" | "ods");
    let first_text_byte = signature
        .iter()
        .skip(if signature.starts_with(b"\xEF\xBB\xBF") {
            3
        } else {
            0
        })
        .find(|b| !b.is_ascii_whitespace());
    if workbook_extension && !is_zip && !is_ole {
        let looks_like_text = signature
            .iter()
            .all(|b| !b.is_ascii_control() || b.is_ascii_whitespace() || *b >= 0x80);
        return Err(Error::Unreadable {
            path: path.into(),
            format: "a workbook",
            reason: if looks_like_text && n > 0 {
                "it is text, not an Excel workbook (a CSV renamed to .xlsx?)".into()
            } else {
                "it is not an Excel workbook".into()
            },
            help:
                "if it is a CSV, rename it to .csv; otherwise open it in Excel and save it as .xlsx",
        });
    }
    if is_zip {
        limits::check_workbook(path, &options.limits)?;
    }
    if is_ole {
        biff::check_workbook(path, &options.limits)?;
    }
    if is_zip || is_ole || workbook_extension {
        xlsx::open(path, options, is_header)
    } else if extension == "json" || matches!(first_text_byte, Some(b'[' | b'{')) {
        json::open(path, &options.limits)
    } else {
        csv::open(path, options, is_header)
    }
}
