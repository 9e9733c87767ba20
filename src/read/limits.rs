//! Safety limits on inputs, each checked before the work it guards and each raised by a flag, so a
//! hostile or mistaken file is refused in seconds and within bounded memory.

use std::io::Read;
use std::path::Path;

use crate::error::{Error, Result};

/// The limits in force; `Default` gives the documented defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bytes of one input file (`--max-input-size`).
    pub input_bytes: u64,
    /// Uncompressed bytes of one worksheet or of the shared strings of a workbook (`--max-sheet-size`).
    pub sheet_bytes: u64,
    /// Data rows of one input (`--max-rows`).
    pub rows: u64,
    /// Columns of one input (`--max-columns`).
    pub columns: usize,
    /// Characters of one cell (`--max-cell-chars`).
    pub cell_chars: usize,
}

pub const MIB: u64 = 1024 * 1024;

impl Default for Limits {
    fn default() -> Self {
        Limits {
            input_bytes: 512 * MIB,
            sheet_bytes: 1024 * MIB,
            rows: 2_000_000,
            columns: 1_000,
            cell_chars: 32_767,
        }
    }
}

/// A size as given on the command line: bytes, or a number with K, M, G (powers of 1024; KiB, MB... too).
pub fn parse_size(text: &str) -> std::result::Result<u64, String> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let number: u64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a size such as 512M or 2G"))?;
    let factor = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1024,
        "m" | "mb" | "mib" => MIB,
        "g" | "gb" | "gib" => 1024 * MIB,
        _ => return Err(format!("{text:?} is not a size such as 512M or 2G")),
    };
    number
        .checked_mul(factor)
        .ok_or_else(|| format!("{text:?} is too large"))
}

/// A size for people: 512 MiB, 1.5 GiB.
pub fn describe_size(bytes: u64) -> String {
    if bytes >= 1024 * MIB {
        format!("{:.1} GiB", bytes as f64 / (1024 * MIB) as f64)
    } else if bytes >= MIB {
        format!("{:.1} MiB", bytes as f64 / MIB as f64)
    } else {
        format!("{bytes} bytes")
    }
}

/// The error for an input over a limit, naming the limit and the flag that raises it.
pub fn exceeded(path: &Path, what: String, flag: &'static str) -> Error {
    Error::LimitExceeded {
        path: path.into(),
        what,
        flag,
    }
}

/// Refuses a file larger than the input limit, before anything is read from it.
pub fn check_file_size(path: &Path, limits: &Limits) -> Result<()> {
    let size = std::fs::metadata(path)
        .map_err(|e| Error::io(path, e))?
        .len();
    if size > limits.input_bytes {
        return Err(exceeded(
            path,
            format!(
                "the file has {}, more than the {} limit",
                describe_size(size),
                describe_size(limits.input_bytes)
            ),
            "--max-input-size",
        ));
    }
    Ok(())
}

/// The parts of a workbook that the workbook library unpacks into memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    /// An XLSX worksheet, whose `<dimension>` is looked at too.
    Worksheet,
    /// An OpenDocument spreadsheet's tables, whose repeat counts are added up.
    OdsContent,
    /// An XLSX workbook's shared strings, each measured: the workbook library holds them all whole.
    SharedStrings,
    /// Shared strings, and binary (XLSB) worksheets.
    Other,
}

impl Part {
    fn of(name: &str) -> Option<Part> {
        let in_worksheets = name.starts_with("xl/worksheets/");
        if in_worksheets && name.ends_with(".xml") {
            Some(Part::Worksheet)
        } else if name == "content.xml" {
            Some(Part::OdsContent)
        } else if name == "xl/sharedStrings.xml" {
            Some(Part::SharedStrings)
        } else if (in_worksheets && name.ends_with(".bin")) || name.starts_with("xl/sharedStrings.")
        {
            Some(Part::Other)
        } else {
            None
        }
    }
}

/// Refuses a workbook whose worksheets, shared strings or OpenDocument content unpack to more than the
/// sheet limit, counted as the bytes inflate (what a ZIP's directory says of a part's size is not
/// trusted): a "zip bomb" is refused after at most the limit's worth of unpacking, without holding it.
/// Worksheets declaring more rows than the row limit, and OpenDocument tables whose repeat counts go past
/// the limits, are refused too.
pub fn check_workbook(path: &Path, limits: &Limits) -> Result<()> {
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    // Not a readable ZIP: the workbook reader reports it properly.
    let Ok(mut archive) = zip::ZipArchive::new(std::io::BufReader::new(file)) else {
        return Ok(());
    };
    for i in 0..archive.len() {
        let Ok(entry) = archive.by_index(i) else {
            continue;
        };
        let Ok(name) = entry.name().map(|name| name.to_string()) else {
            continue;
        };
        let Some(part) = Part::of(&name) else {
            continue;
        };
        let over = |size: u64| {
            let what = format!(
                "{name} unpacks to {}, more than the {} limit",
                describe_size(size),
                describe_size(limits.sheet_bytes)
            );
            exceeded(path, what, "--max-sheet-size")
        };
        if entry.size() > limits.sheet_bytes {
            return Err(over(entry.size()));
        }
        let mut counted = CountedRead {
            inner: entry,
            bytes: 0,
            limit: limits.sheet_bytes,
        };
        let checked = check_part(path, &name, part, &mut counted, limits);
        if counted.bytes > limits.sheet_bytes {
            return Err(over(counted.bytes));
        }
        checked?;
    }
    Ok(())
}

/// Reads one part to its end (or its limit), checking what its kind of part declares.
fn check_part(
    path: &Path,
    name: &str,
    part: Part,
    counted: &mut impl Read,
    limits: &Limits,
) -> Result<()> {
    match part {
        Part::OdsContent => {
            super::repeats::check_content(path, std::io::BufReader::new(&mut *counted), limits)?;
        }
        Part::Worksheet => {
            let mut head = Vec::with_capacity(4096);
            let _ = (&mut *counted).take(4096).read_to_end(&mut head);
            if let Some(rows) = declared_rows(&String::from_utf8_lossy(&head)) {
                if rows > limits.rows {
                    let what = format!(
                        "{name} declares {rows} rows, more than the {} limit",
                        limits.rows
                    );
                    return Err(exceeded(path, what, "--max-rows"));
                }
            }
        }
        Part::SharedStrings => {
            if let Some((index, chars)) = longest_shared_string(&mut *counted, limits.cell_chars) {
                let what = format!(
                    "{name}: shared string {index} has more than {chars} characters, the cell limit"
                );
                return Err(exceeded(path, what, "--max-cell-chars"));
            }
        }
        Part::Other => {}
    }
    // What is left is only counted. A part that does not inflate to what its directory says is refused
    // here, by name; past the limit, the caller refuses it as over the limit.
    match std::io::copy(counted, &mut std::io::sink()) {
        Ok(_) => Ok(()),
        Err(error) => Err(Error::Unreadable {
            path: path.into(),
            format: "a workbook",
            reason: format!("{name} does not unpack: {error}"),
            help: "open the file in Excel and save it again as .xlsx, or export it as CSV",
        }),
    }
}

/// The first shared string (`<si>`, counted from 1) longer than `max_chars` characters, and how far it
/// was counted, read as the bytes arrive: the workbook library would hold each string whole before any
/// cell's length could be checked, so one string of a gigabyte is refused here, in constant memory.
/// Characters are counted as UTF-8 sequences outside tags, an entity (`&amp;`) as one.
fn longest_shared_string(part: &mut impl Read, max_chars: usize) -> Option<(u64, usize)> {
    let (mut in_tag, mut in_si, mut entity) = (false, false, false);
    let mut name: Vec<u8> = Vec::with_capacity(4);
    let (mut index, mut chars) = (0u64, 0usize);
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        let n = match part.read(&mut buffer) {
            Ok(0) | Err(_) => return None,
            Ok(n) => n,
        };
        for &byte in &buffer[..n] {
            match (in_tag, byte) {
                (false, b'<') => (in_tag, entity) = (true, false),
                (true, b'>') => {
                    in_tag = false;
                    match name.as_slice() {
                        b"si" => (in_si, index, chars) = (true, index + 1, 0),
                        b"/si" => in_si = false,
                        _ => {}
                    }
                    name.clear();
                }
                (true, b' ' | b'\t' | b'\r' | b'\n') => name.push(0),
                (true, _) if name.len() < 4 => name.push(byte),
                (true, _) => {}
                (false, _) if !in_si => {}
                (false, b';') if entity => entity = false,
                (false, _) if entity => {}
                (false, _) => {
                    entity = byte == b'&';
                    // A character starts at every byte that does not continue a UTF-8 sequence.
                    if byte & 0xC0 != 0x80 {
                        chars += 1;
                        if chars > max_chars {
                            return Some((index, max_chars));
                        }
                    }
                }
            }
        }
    }
}

/// Counts the bytes read through it, and fails once they pass the limit.
struct CountedRead<R> {
    inner: R,
    bytes: u64,
    limit: u64,
}

impl<R: Read> Read for CountedRead<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.bytes > self.limit {
            return Err(std::io::Error::other("past the sheet size limit"));
        }
        let n = self.inner.read(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }
}

/// The last row of a worksheet's `<dimension ref="A1:Q5000"/>`, if it has one.
fn declared_rows(xml: &str) -> Option<u64> {
    let start = xml.find("<dimension")?;
    let rest = &xml[start..];
    let reference = rest.split("ref=\"").nth(1)?.split('"').next()?;
    let last = reference.rsplit(':').next()?;
    last.trim_start_matches(|c: char| c.is_ascii_alphabetic() || c == '$')
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(parse_size("512M"), Ok(512 * MIB));
        assert_eq!(parse_size("2GiB"), Ok(2048 * MIB));
        assert_eq!(parse_size("1000"), Ok(1000));
        assert!(parse_size("lots").is_err());
        assert!(parse_size("99999999999999G").is_err());
        assert_eq!(describe_size(512 * MIB), "512.0 MiB");
    }

    #[test]
    fn a_shared_string_longer_than_a_cell_may_be_is_found_as_it_streams() {
        let strings = |texts: &[&str]| {
            let items: Vec<String> = texts
                .iter()
                .map(|t| format!("<si><t xml:space=\"preserve\">{t}</t></si>"))
                .collect();
            format!(
                "<?xml version=\"1.0\"?><sst count=\"2\">{}</sst>",
                items.join("")
            )
        };
        let longest = |xml: String, max| longest_shared_string(&mut xml.as_bytes(), max);
        assert_eq!(longest(strings(&["Anna", "Zoë &amp; Jan"]), 10), None);
        assert_eq!(
            longest(strings(&["Anna", "Zoë &amp; Jans!"]), 10),
            Some((2, 10))
        );
        // A rich-text string's runs add up; tags and attributes count for nothing.
        let rich = "<sst><si><r><rPr><b/></rPr><t>Anna </t></r><r><t>Peeters</t></r></si></sst>";
        assert_eq!(longest(rich.to_string(), 12), None);
        assert_eq!(longest(rich.to_string(), 11), Some((1, 11)));
    }

    #[test]
    fn dimension_rows() {
        assert_eq!(
            declared_rows(r#"<worksheet><dimension ref="A1:Q5000"/>"#),
            Some(5000)
        );
        assert_eq!(declared_rows(r#"<dimension ref="B3"/>"#), Some(3));
        assert_eq!(declared_rows("<sheetData>"), None);
    }
}
