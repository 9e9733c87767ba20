//! CSV input: streamed record by record, with the delimiter detected from the header line.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::fs::File;
use std::io::{BufReader, Cursor, Read};
use std::path::Path;
use std::rc::Rc;

use super::{HeaderTest, InputFormat, InputTable, RawRow};
use crate::error::{Error, Result};

/// How much of the file is looked at to detect the delimiter.
const SNIFF_BYTES: usize = 64 * 1024;

const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];

/// The delimiter of the first line: the candidate that occurs most often outside quotes (comma on a tie).
pub fn sniff_delimiter(head: &[u8]) -> u8 {
    let mut counts = [0usize; DELIMITERS.len()];
    let mut in_quotes = false;
    for &b in head {
        match b {
            b'"' => in_quotes = !in_quotes,
            b'\n' | b'\r' if !in_quotes => break,
            _ if !in_quotes => {
                if let Some(i) = DELIMITERS.iter().position(|d| *d == b) {
                    counts[i] += 1;
                }
            }
            _ => {}
        }
    }
    let best = (0..DELIMITERS.len()).max_by_key(|&i| (counts[i], std::cmp::Reverse(i)));
    match best {
        Some(i) if counts[i] > 0 => DELIMITERS[i],
        _ => b',',
    }
}

pub fn open(path: &Path, is_header: HeaderTest<'_>) -> Result<InputTable> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    open_reader(path, file, is_header)
}

/// Reads a CSV from `file`; `path` names it in messages.
pub fn open_reader(
    path: &Path,
    mut file: impl Read + 'static,
    is_header: HeaderTest<'_>,
) -> Result<InputTable> {
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    (&mut file)
        .take(SNIFF_BYTES as u64)
        .read_to_end(&mut head)
        .map_err(|e| Error::io(path, e))?;
    let body_start = if head.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    if head[body_start..].iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Error::EmptyInput { path: path.into() });
    }
    let delimiter = sniff_delimiter(&head[body_start..]);
    let lines = Rc::new(RefCell::new(LineTracker::default()));
    let source = TrackedRead {
        inner: Cursor::new(head).chain(BufReader::new(file)),
        lines: Rc::clone(&lines),
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(source);

    let display = path.display().to_string();
    let owned_path = path.to_path_buf();
    let mut record = csv::ByteRecord::new();
    let mut next = move || -> Result<Option<RawRow>> {
        let more = reader
            .read_byte_record(&mut record)
            .map_err(|e| csv_error(&owned_path, e))?;
        if !more {
            return Ok(None);
        }
        let start = record.position().map(|p| p.byte()).unwrap_or(0);
        let line = lines.borrow_mut().line_of_record_at(start);
        Ok(Some(decode_record(&record, line)))
    };

    let mut first = next()?.ok_or_else(|| Error::EmptyInput { path: path.into() })?;
    if let Some(cell) = first.cells.first_mut() {
        if let Some(stripped) = cell.strip_prefix('\u{feff}') {
            *cell = stripped.to_string();
        }
    }
    // Trailing empty header cells are columns nobody named.
    while first.cells.last().is_some_and(|c| c.trim().is_empty()) {
        first.cells.pop();
    }
    let _ = is_header; // a CSV's first record is its header; the test matters for workbooks' metadata rows
    let rows = std::iter::from_fn(move || next().transpose());
    Ok(InputTable {
        file: display,
        format: InputFormat::Csv { delimiter },
        sheet: None,
        header_row: first.row,
        header: first.cells,
        header_invalid_cells: first.invalid_cells,
        rows: Box::new(rows),
        stdin_sha256: None,
    })
}

/// Line numbers for records, from their byte offsets.
///
/// The csv crate's own line count is off around CRLF and blank lines, and people need the exact line.
/// The bytes between the last record's start and what the parser has read ahead are kept, so memory
/// stays bounded by the read-ahead buffer plus one record.
#[derive(Debug, Default)]
struct LineTracker {
    /// Byte offset of `pending[0]`.
    offset: u64,
    /// Newlines before `offset`.
    newlines: u64,
    pending: VecDeque<u8>,
}

impl LineTracker {
    /// The 1-based line where the record that the parser began scanning at `start` has its first byte:
    /// leftover line ends and blank lines before it are skipped, as the parser skips them.
    fn line_of_record_at(&mut self, start: u64) -> u64 {
        while self.offset < start {
            match self.pending.pop_front() {
                Some(b) => {
                    self.offset += 1;
                    if b == b'\n' {
                        self.newlines += 1;
                    }
                }
                None => break,
            }
        }
        let skipped_newlines = self
            .pending
            .iter()
            .take_while(|b| matches!(b, b'\r' | b'\n'))
            .filter(|b| **b == b'\n')
            .count() as u64;
        self.newlines + skipped_newlines + 1
    }
}

/// A reader that hands every byte it reads to the line tracker.
struct TrackedRead<R> {
    inner: R,
    lines: Rc<RefCell<LineTracker>>,
}

impl<R: Read> Read for TrackedRead<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.lines.borrow_mut().pending.extend(&buf[..n]);
        Ok(n)
    }
}

fn decode_record(record: &csv::ByteRecord, line: u64) -> RawRow {
    let mut invalid_cells = Vec::new();
    let cells = record
        .iter()
        .enumerate()
        .map(|(i, bytes)| match std::str::from_utf8(bytes) {
            Ok(text) => text.to_string(),
            Err(_) => {
                invalid_cells.push(i);
                String::from_utf8_lossy(bytes).into_owned()
            }
        })
        .collect();
    RawRow {
        row: line,
        cells,
        invalid_cells,
    }
}

fn csv_error(path: &Path, error: csv::Error) -> Error {
    match error.into_kind() {
        csv::ErrorKind::Io(source) => Error::io(path, source),
        other => Error::Unreadable {
            path: path.into(),
            format: "CSV",
            reason: format!("{other:?}"),
            help: "export the file again from Business Central or Excel",
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_of(data: &[u8]) -> Vec<(String, u64)> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.csv");
        std::fs::write(&path, data).unwrap();
        let table = open(&path, &|_| true).unwrap();
        let mut out = vec![(table.header[0].clone(), table.header_row)];
        for row in table.rows {
            let row = row.unwrap();
            out.push((row.cells[0].clone(), row.row));
        }
        out
    }

    #[test]
    fn records_are_numbered_by_the_line_they_start_on() {
        let expected: Vec<(String, u64)> = [
            ("h1", 1),
            ("a", 2),
            ("c", 3),
            ("e", 5),
            ("g\nx", 6),
            ("i", 8),
        ]
        .iter()
        .map(|(s, n)| (s.to_string(), *n))
        .collect();
        assert_eq!(
            lines_of(b"h1,h2\na,b\nc,d\n\ne,f\n\"g\nx\",h\ni,j\n"),
            expected
        );
        let crlf: Vec<(String, u64)> = expected
            .iter()
            .map(|(s, n)| (s.replace('\n', "\r\n"), *n))
            .collect();
        assert_eq!(
            lines_of(b"\xEF\xBB\xBFh1,h2\r\na,b\r\nc,d\r\n\r\ne,f\r\n\"g\r\nx\",h\r\ni,j"),
            crlf
        );
    }

    #[test]
    fn sniffs_the_delimiter_outside_quotes() {
        assert_eq!(sniff_delimiter(b"Code,Name,Email\r\nA;B;C;D;E\r\n"), b',');
        assert_eq!(sniff_delimiter(b"Code;Name;\"Phone, No.\"\r\n"), b';');
        assert_eq!(sniff_delimiter(b"Code\tName\tE-Mail\n"), b'\t');
        assert_eq!(sniff_delimiter(b"Code|Name\n"), b'|');
        assert_eq!(sniff_delimiter(b"Code\n"), b',');
    }
}
