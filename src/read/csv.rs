//! CSV input: streamed record by record, decoded from its encoding (byte-order mark, `--encoding`, or a
//! guess from the bytes), with the delimiter detected from the header line or given with `--delimiter`.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{self, BufReader, Cursor, Read};
use std::path::Path;
use std::sync::{Arc, Mutex};

use encoding_rs::{Decoder, DecoderResult, Encoding, UTF_8};

use super::mixed::{mixed_encoding, Utf8Watch};
use super::{EncodingSource, HeaderTest, InputFormat, InputTable, RawRow, ReadOptions};
use crate::error::{Error, Result};

/// How much of the file is looked at to detect the encoding and the delimiter.
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

/// The file's encoding: a byte-order mark wins, then `--encoding`, then UTF-8 if the first bytes are valid
/// UTF-8, then chardetng's guess (windows-1252 for Excel's "CSV" in Western European locales).
pub fn detect_encoding(
    head: &[u8],
    declared: Option<&'static Encoding>,
) -> (&'static Encoding, EncodingSource) {
    if let Some((encoding, _)) = Encoding::for_bom(head) {
        return (encoding, EncodingSource::ByteOrderMark);
    }
    if let Some(encoding) = declared {
        return (encoding, EncodingSource::Declared);
    }
    if utf8_up_to_a_cut_char(head) {
        return (UTF_8, EncodingSource::Detected);
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(head, head.len() < SNIFF_BYTES);
    (
        detector.guess(None, chardetng::Utf8Detection::Allow),
        EncodingSource::Guessed,
    )
}

/// How many records from the top may come before the header.
const HEADER_SEARCH_RECORDS: usize = 10;

fn strip_bom(record: &mut RawRow) {
    if let Some(cell) = record.cells.first_mut() {
        if let Some(stripped) = cell.strip_prefix('\u{feff}') {
            *cell = stripped.to_string();
        }
    }
}

/// Binary data rather than text: more than 5% of the first bytes are control characters other than tab
/// and line ends (UTF-16 has NULs in every other byte, so it is judged after decoding). A stray NUL in a
/// text file is not enough: that is reported on its row.
fn looks_binary(head: &[u8], encoding: &'static Encoding) -> bool {
    let (text, _) = encoding.decode_with_bom_removal(head);
    let total = text.chars().count();
    let control = text
        .chars()
        .filter(|c| c.is_control() && !matches!(c, '\t' | '\r' | '\n'))
        .count();
    control > 8 && control * 20 > total
}

/// Whether `head` is valid UTF-8, allowing a character cut at the end of the sniffed bytes.
fn utf8_up_to_a_cut_char(head: &[u8]) -> bool {
    match std::str::from_utf8(head) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none() && head.len() >= SNIFF_BYTES,
    }
}

pub fn open(path: &Path, options: &ReadOptions, is_header: HeaderTest<'_>) -> Result<InputTable> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    open_reader(path, file, options, is_header)
}

/// Reads a CSV from `file`; `path` names it in messages.
pub fn open_reader(
    path: &Path,
    mut file: impl Read + Send + 'static,
    options: &ReadOptions,
    is_header: HeaderTest<'_>,
) -> Result<InputTable> {
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    (&mut file)
        .take(SNIFF_BYTES as u64)
        .read_to_end(&mut head)
        .map_err(|e| Error::io(path, e))?;
    let sniffed = sniff(path, &head, options)?;
    let mut next = record_reader(path, head, file, &sniffed);
    let empty = || Error::EmptyInput { path: path.into() };
    let mut first = next()?.ok_or_else(empty)?;
    if sniffed.sep_line {
        first = next()?.ok_or_else(empty)?;
    }
    strip_bom(&mut first);
    let (mut first, held_back) = find_header(first, &mut next, is_header)?;
    // Every header cell counts against the column limit, empty ones too: a header of two names and
    // millions of commas is as wide as it looks.
    let limit = options.limits.columns;
    if first.cells.len() > limit {
        let what = format!(
            "the header (line {}) has {} cells, empty ones included, more than the {limit} limit",
            first.row,
            first.cells.len()
        );
        return Err(super::limits::exceeded(path, what, "--max-columns"));
    }
    // Trailing empty header cells are columns nobody named.
    while first.cells.last().is_some_and(|c| c.trim().is_empty()) {
        first.cells.pop();
    }
    let rows = held_back
        .into_iter()
        .map(Ok)
        .chain(std::iter::from_fn(move || next().transpose()));
    Ok(InputTable {
        file: super::display_name(path),
        format: InputFormat::Csv {
            delimiter: sniffed.delimiter,
            encoding: sniffed.encoding,
            encoding_source: sniffed.encoding_source,
        },
        sheet: None,
        header_row: first.row,
        header: first.cells,
        header_invalid_cells: first.invalid_cells,
        rows: Box::new(rows),
        stream: None,
    })
}

/// What the first bytes of a CSV tell: its encoding, its delimiter, and whether Excel's "sep=" line
/// comes first.
struct Sniffed {
    encoding: &'static Encoding,
    encoding_source: EncodingSource,
    delimiter: u8,
    sep_line: bool,
}

fn sniff(path: &Path, head: &[u8], options: &ReadOptions) -> Result<Sniffed> {
    let (encoding, encoding_source) = detect_encoding(head, options.encoding);
    if looks_binary(head, encoding) {
        return Err(Error::Unreadable {
            path: path.into(),
            format: "CSV",
            reason: "it is not a text file (its first bytes are mostly control characters)".into(),
            help:
                "check that this is the export you meant; a workbook must have its .xlsx extension",
        });
    }
    // The head decoded, only to see whether there is anything and to find the delimiter.
    let (head_text, _) = encoding.decode_with_bom_removal(head);
    if head_text.trim().is_empty() {
        return Err(Error::EmptyInput { path: path.into() });
    }
    // Excel's "sep=;" first line names the delimiter; it is not the header.
    let sep_line = head_text
        .trim_start_matches('\u{feff}')
        .strip_prefix("sep=")
        .and_then(|rest| {
            let mut chars = rest.chars();
            let delimiter = chars.next().filter(|c| c.is_ascii() && *c != '"')?;
            matches!(chars.next(), Some('\r' | '\n') | None).then_some(delimiter as u8)
        });
    let delimiter = options
        .delimiter
        .or(sep_line)
        .unwrap_or_else(|| sniff_delimiter(head_text.as_bytes()));
    Ok(Sniffed {
        encoding,
        encoding_source,
        delimiter,
        sep_line: sep_line.is_some(),
    })
}

/// The next record read, decoded and numbered by its line; `None` at the end.
type NextRecord = Box<dyn FnMut() -> Result<Option<RawRow>> + Send>;

/// Reads records from the head already read and the rest of `file`, each with the line it starts on,
/// its cells that were not valid in the encoding, and a quote left open to the end of the file.
fn record_reader(
    path: &Path,
    head: Vec<u8>,
    file: impl Read + Send + 'static,
    sniffed: &Sniffed,
) -> NextRecord {
    let lines = Arc::new(Mutex::new(LineTracker::default()));
    let malformed = Arc::new(Mutex::new(VecDeque::new()));
    let bytes = Cursor::new(head).chain(BufReader::new(file));
    // Read as a single-byte encoding, a file must hold no UTF-8 as well.
    let bytes: Box<dyn Read + Send> = match sniffed.encoding.is_single_byte() {
        true => Box::new(Utf8Watch::new(bytes, sniffed.encoding.name())),
        false => Box::new(bytes),
    };
    let decoded = DecodingRead::new(
        bytes,
        sniffed.encoding.new_decoder_with_bom_removal(),
        Arc::clone(&malformed),
    );
    let source = TrackedRead {
        inner: decoded,
        lines: Arc::clone(&lines),
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(sniffed.delimiter)
        .from_reader(source);
    let owned_path = path.to_path_buf();
    let mut record = csv::ByteRecord::new();
    Box::new(move || -> Result<Option<RawRow>> {
        let more = reader
            .read_byte_record(&mut record)
            .map_err(|e| csv_error(&owned_path, e))?;
        if !more {
            return Ok(None);
        }
        let start = record.position().map(|p| p.byte()).unwrap_or(0);
        let end = reader.position().byte();
        let line = lines
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .line_of_record_at(start);
        let has_malformed = {
            let mut malformed = malformed.lock().unwrap_or_else(|e| e.into_inner());
            let mut found = false;
            while malformed.front().is_some_and(|&at| at < end) {
                found |= malformed.pop_front().is_some_and(|at| at >= start);
            }
            found
        };
        let mut raw = decode_record(&record, line, has_malformed);
        // An odd number of quotes in the record's bytes: the parser reached the end of the file inside a
        // quoted value.
        let lines_ref = lines.lock().unwrap_or_else(|e| e.into_inner());
        if lines_ref.quotes_between(start, end) % 2 == 1 {
            raw.unclosed_quote_until = Some(line + lines_ref.newlines_between(start, end));
        }
        Ok(Some(raw))
    })
}

/// The header may come after a few lines of metadata (a configuration package saved as CSV has it on
/// line 3). Records read while looking are given back as rows when no header is found.
fn find_header(
    first: RawRow,
    next: &mut NextRecord,
    is_header: HeaderTest<'_>,
) -> Result<(RawRow, Vec<RawRow>)> {
    if is_header(&first.cells) {
        return Ok((first, Vec::new()));
    }
    let mut looked_at = vec![first];
    while looked_at.len() < HEADER_SEARCH_RECORDS {
        let Some(record) = next()? else { break };
        if is_header(&record.cells) {
            return Ok((record, Vec::new()));
        }
        looked_at.push(record);
    }
    let first = looked_at.remove(0);
    Ok((first, looked_at))
}

/// A reader that decodes its input into UTF-8 as it goes, never silently: each malformed sequence becomes
/// U+FFFD and its offset in the decoded stream is recorded, so the row and cell can be reported.
struct DecodingRead<R> {
    inner: R,
    decoder: Decoder,
    out: Vec<u8>,
    out_pos: usize,
    /// Decoded bytes handed out before `out`.
    produced: u64,
    finished: bool,
    malformed: Arc<Mutex<VecDeque<u64>>>,
}

impl<R: Read> DecodingRead<R> {
    fn new(inner: R, decoder: Decoder, malformed: Arc<Mutex<VecDeque<u64>>>) -> Self {
        DecodingRead {
            inner,
            decoder,
            out: Vec::new(),
            out_pos: 0,
            produced: 0,
            finished: false,
            malformed,
        }
    }

    fn fill(&mut self) -> io::Result<()> {
        self.produced += self.out.len() as u64;
        self.out.clear();
        self.out_pos = 0;
        let mut raw = [0u8; 8192];
        while self.out.is_empty() && !self.finished {
            let n = loop {
                match self.inner.read(&mut raw) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(e),
                }
            };
            let last = n == 0;
            let mut src = &raw[..n];
            loop {
                let room = self
                    .decoder
                    .max_utf8_buffer_length_without_replacement(src.len())
                    .unwrap_or(src.len() * 3 + 16)
                    .max(16);
                let start = self.out.len();
                self.out.resize(start + room, 0);
                let (result, read, written) = self.decoder.decode_to_utf8_without_replacement(
                    src,
                    &mut self.out[start..],
                    last,
                );
                self.out.truncate(start + written);
                src = &src[read..];
                match result {
                    DecoderResult::InputEmpty => break,
                    DecoderResult::OutputFull => {}
                    DecoderResult::Malformed(_, _) => {
                        self.malformed
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .push_back(self.produced + self.out.len() as u64);
                        self.out.extend_from_slice("\u{FFFD}".as_bytes());
                    }
                }
            }
            self.finished = last;
        }
        Ok(())
    }
}

impl<R: Read> Read for DecodingRead<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.out_pos == self.out.len() {
            self.fill()?;
        }
        let n = buf.len().min(self.out.len() - self.out_pos);
        buf[..n].copy_from_slice(&self.out[self.out_pos..self.out_pos + n]);
        self.out_pos += n;
        Ok(n)
    }
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
    /// The bytes from `start` to `end`, as far as they are still held (from the last record's start on).
    fn bytes_between(&self, start: u64, end: u64) -> impl Iterator<Item = &u8> {
        let skip = start.saturating_sub(self.offset) as usize;
        let take = end.saturating_sub(start) as usize;
        self.pending.iter().skip(skip).take(take)
    }

    fn quotes_between(&self, start: u64, end: u64) -> usize {
        self.bytes_between(start, end)
            .filter(|b| **b == b'"')
            .count()
    }

    /// Line breaks inside the record: leftover line ends before it and the line end after it not counted.
    fn newlines_between(&self, start: u64, end: u64) -> u64 {
        let bytes: Vec<u8> = self.bytes_between(start, end).copied().collect();
        let is_line_end = |b: &u8| matches!(b, b'\r' | b'\n');
        let first = bytes
            .iter()
            .position(|b| !is_line_end(b))
            .unwrap_or(bytes.len());
        let last = bytes
            .iter()
            .rposition(|b| !is_line_end(b))
            .map_or(first, |i| i + 1);
        bytes[first..last.max(first)]
            .iter()
            .filter(|b| **b == b'\n')
            .count() as u64
    }

    /// The 1-based line where the record that the parser began scanning at `start` has its first byte:
    /// leftover line ends and blank lines before it are skipped, as the parser skips them.
    fn line_of_record_at(&mut self, start: u64) -> u64 {
        // Drop the bytes before `start`, counting their line breaks a slice at a time.
        let n = start
            .saturating_sub(self.offset)
            .min(self.pending.len() as u64) as usize;
        let (front, back) = self.pending.as_slices();
        let in_front = n.min(front.len());
        let newlines = |bytes: &[u8]| bytes.iter().filter(|b| **b == b'\n').count() as u64;
        self.newlines += newlines(&front[..in_front]) + newlines(&back[..n - in_front]);
        self.pending.drain(..n);
        self.offset += n as u64;
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
    lines: Arc<Mutex<LineTracker>>,
}

impl<R: Read> Read for TrackedRead<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.lines
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .pending
            .extend(&buf[..n]);
        Ok(n)
    }
}

/// The record's cells as text. The decoder already made every cell valid UTF-8; where it met malformed
/// bytes inside this record, the cells holding its replacement characters are the invalid ones.
fn decode_record(record: &csv::ByteRecord, line: u64, has_malformed: bool) -> RawRow {
    let mut invalid_cells = Vec::new();
    let cells = record
        .iter()
        .enumerate()
        .map(|(i, bytes)| {
            let text = String::from_utf8_lossy(bytes).into_owned();
            if has_malformed && text.contains('\u{FFFD}') {
                invalid_cells.push(i);
            }
            text
        })
        .collect();
    RawRow {
        row: line,
        cells,
        invalid_cells,
        unclosed_quote_until: None,
        number_cells: Vec::new(),
    }
}

fn csv_error(path: &Path, error: csv::Error) -> Error {
    match error.into_kind() {
        csv::ErrorKind::Io(source) => match mixed_encoding(&source) {
            Some(mixed) => Error::Unreadable {
                path: path.into(),
                format: "CSV",
                reason: mixed.to_string(),
                help: "save the file again in one encoding (in Excel: CSV UTF-8), or convert the rows that \
                       differ; --encoding utf-8 reads it as UTF-8 and reports each row that is not",
            },
            None => Error::io(path, source),
        },
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

    fn table_of(data: &[u8], options: &ReadOptions) -> InputTable {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.csv");
        std::fs::write(&path, data).unwrap();
        open(&path, options, &|_| true).unwrap()
    }

    #[test]
    fn the_header_may_come_after_metadata_lines() {
        let data = b"PKG001,Salesperson/Purchaser,13\r\n\r\nCode,Name\r\nAV,Annelies Vermeulen\r\n";
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("package.csv");
        std::fs::write(&path, data).unwrap();
        let is_header = |cells: &[String]| cells.first().is_some_and(|c| c == "Code");
        let table = open(&path, &ReadOptions::default(), &is_header).unwrap();
        assert_eq!(table.header_row, 3);
        let rows: Vec<RawRow> = table.rows.map(|r| r.unwrap()).collect();
        assert_eq!((rows.len(), rows[0].row), (1, 4));
        // Without a recognised header, the first record is the header and nothing is held back.
        let table = open(&path, &ReadOptions::default(), &|_| false).unwrap();
        assert_eq!(table.header_row, 1);
        assert_eq!(table.rows.count(), 2);
    }

    #[test]
    fn excels_sep_line_names_the_delimiter_and_is_not_the_header() {
        let table = table_of(
            b"sep=;\r\nCode;Name\r\nAV;Annelies, Vermeulen\r\n",
            &ReadOptions::default(),
        );
        assert_eq!(
            (table.header_row, table.header.clone()),
            (2, vec!["Code".to_string(), "Name".to_string()])
        );
        let rows: Vec<RawRow> = table.rows.map(|r| r.unwrap()).collect();
        assert_eq!(
            (rows[0].row, rows[0].cells[1].as_str()),
            (3, "Annelies, Vermeulen")
        );
    }

    fn lines_of(data: &[u8]) -> Vec<(String, u64)> {
        let table = table_of(data, &ReadOptions::default());
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

    fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
        let mut bytes = if big_endian {
            vec![0xFE, 0xFF]
        } else {
            vec![0xFF, 0xFE]
        };
        for unit in text.encode_utf16() {
            let pair = if big_endian {
                unit.to_be_bytes()
            } else {
                unit.to_le_bytes()
            };
            bytes.extend(pair);
        }
        bytes
    }

    #[test]
    fn utf16_records_keep_their_line_numbers() {
        let text = "Code\tNaam\r\nA\tZoë\r\n\r\n\"B\r\nb\"\tx\r\nC\tÉmile\r\n";
        let expected: Vec<(String, u64)> = [("Code", 1), ("A", 2), ("B\r\nb", 4), ("C", 6)]
            .iter()
            .map(|(s, n)| (s.to_string(), *n))
            .collect();
        for big_endian in [false, true] {
            assert_eq!(lines_of(&utf16(text, big_endian)), expected);
            let table = table_of(&utf16(text, big_endian), &ReadOptions::default());
            assert!(matches!(
                table.format,
                InputFormat::Csv {
                    delimiter: b'\t',
                    encoding_source: EncodingSource::ByteOrderMark,
                    ..
                }
            ));
            let last = table.rows.last().unwrap().unwrap();
            assert_eq!(last.cells, ["C", "Émile"]);
        }
    }

    #[test]
    fn invalid_bytes_are_reported_on_their_line_never_replaced_silently() {
        // Windows-1252 "é" (0xE9) in a file that is otherwise UTF-8: the first bytes decide UTF-8.
        let mut data = b"Code,Name\nA,Zo\xC3\xAB\n".to_vec();
        data.extend(vec![b'x'; SNIFF_BYTES]);
        data.extend(b",y\n\nB,Ren\xE9\n");
        let table = table_of(&data, &ReadOptions::default());
        let rows: Vec<RawRow> = table.rows.map(|r| r.unwrap()).collect();
        assert!(rows[0].invalid_cells.is_empty());
        assert!(rows[1].invalid_cells.is_empty());
        assert_eq!(rows[2].row, 5);
        assert_eq!(rows[2].invalid_cells, [1]);
        assert_eq!(rows[2].cells[1], "Ren\u{FFFD}");

        // Declared UTF-8 with the same bytes at the start: still an invalid cell, not a guess.
        let declared = ReadOptions {
            encoding: Some(UTF_8),
            ..ReadOptions::default()
        };
        let table = table_of(b"Code;Name\r\nB;Ren\xE9\r\n", &declared);
        let rows: Vec<RawRow> = table.rows.map(|r| r.unwrap()).collect();
        assert_eq!((rows[0].row, rows[0].invalid_cells.clone()), (2, vec![1]));
    }

    #[test]
    fn an_unpaired_utf16_surrogate_is_an_invalid_cell_on_its_line() {
        let mut data = utf16("Code\tName\r\nA\tAnn\r\nB\t", false);
        data.extend([0x00, 0xD8]); // a high surrogate with no low one after it
        data.extend(&utf16("x\r\nC\tCas\r\n", false)[2..]);
        let table = table_of(&data, &ReadOptions::default());
        let rows: Vec<RawRow> = table.rows.map(|r| r.unwrap()).collect();
        assert!(rows[0].invalid_cells.is_empty());
        assert_eq!((rows[1].row, rows[1].invalid_cells.clone()), (3, vec![1]));
        assert_eq!(rows[1].cells[1], "\u{FFFD}x");
        assert_eq!((rows[2].row, rows[2].cells[1].as_str()), (4, "Cas"));
        assert!(rows[2].invalid_cells.is_empty());
    }

    #[test]
    fn windows_1252_is_guessed_and_delimiter_can_be_given() {
        let data = b"Code;Naam;Provisie %\r\nRD;Ren\xE9 Dubo\xEEs;2,5\r\n";
        let table = table_of(data, &ReadOptions::default());
        assert_eq!(
            table.format,
            InputFormat::Csv {
                delimiter: b';',
                encoding: encoding_rs::WINDOWS_1252,
                encoding_source: EncodingSource::Guessed,
            }
        );
        let rows: Vec<RawRow> = table.rows.map(|r| r.unwrap()).collect();
        assert_eq!(rows[0].cells, ["RD", "René Duboîs", "2,5"]);
        assert!(rows[0].invalid_cells.is_empty());

        let pipe = ReadOptions {
            delimiter: Some(b'|'),
            ..ReadOptions::default()
        };
        let table = table_of(b"Code|Name;x\nA|B;c\n", &pipe);
        assert_eq!(table.header, ["Code", "Name;x"]);
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
