//! Excel 97-2003 workbooks (`.xls`): the positions of their cells added up before the workbook library
//! opens them, since it builds every sheet whole, as a grid from the first filled cell to the last (one
//! cell at IV65536 in a 6 KB file is a grid of 16 million cells, for every sheet that has one).
//!
//! The file is a compound document: its "Workbook" stream is found through the sectors' allocation table
//! and read as a stream of BIFF records, each cell record giving its row and column. Anything that does not
//! parse is left to the library, which reports it in its words; what is counted is only ever refused.

use std::fs::File;
use std::io::{self, Cursor, Read, Seek, SeekFrom};
use std::path::Path;

use super::limits::exceeded;
use super::repeats::WHOLE_SHEET_CELLS;
use super::Limits;
use crate::error::{Error, Result};

/// Allocation table values at or past this one end a chain (end of chain, free, table sectors).
const CHAIN_END: u32 = 0xFFFF_FFFA;

/// Refuses a workbook whose sheets, as the library would build them, go past the limits.
pub fn check_workbook(path: &Path, limits: &Limits) -> Result<()> {
    let Ok(Some(stream)) = workbook_stream(path) else {
        return Ok(());
    };
    check_records(path, stream, limits)
}

/// The sectors of a compound document, and its allocation table.
struct Compound {
    file: File,
    sector_size: u64,
    fat: Vec<u32>,
}

fn u16_at(bytes: &[u8], at: usize) -> u16 {
    bytes
        .get(at..at + 2)
        .map_or(0, |b| u16::from_le_bytes([b[0], b[1]]))
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    bytes
        .get(at..at + 4)
        .map_or(CHAIN_END, |b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

impl Compound {
    fn open(path: &Path) -> io::Result<Option<(Compound, Vec<u8>)>> {
        let mut file = File::open(path)?;
        let mut header = vec![0u8; 512];
        file.read_exact(&mut header)?;
        let shift = u16_at(&header, 30);
        if !header.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])
            || !(9..=12).contains(&shift)
        {
            return Ok(None);
        }
        let sector_size = 1u64 << shift;
        let sectors = file.metadata()?.len() / sector_size;
        let mut compound = Compound {
            file,
            sector_size,
            fat: Vec::new(),
        };
        let mut fat_sectors: Vec<u32> = (0..109).map(|i| u32_at(&header, 76 + 4 * i)).collect();
        let mut difat = u32_at(&header, 68);
        let per_sector = (sector_size / 4) as usize;
        while difat < CHAIN_END && fat_sectors.len() as u64 <= sectors {
            let sector = compound.sector(difat)?;
            fat_sectors.extend((0..per_sector - 1).map(|i| u32_at(&sector, 4 * i)));
            difat = u32_at(&sector, 4 * (per_sector - 1));
        }
        for fat_sector in fat_sectors.into_iter().filter(|s| *s < CHAIN_END) {
            let sector = compound.sector(fat_sector)?;
            compound
                .fat
                .extend((0..per_sector).map(|i| u32_at(&sector, 4 * i)));
        }
        Ok(Some((compound, header)))
    }

    fn sector(&mut self, sector: u32) -> io::Result<Vec<u8>> {
        let mut bytes = vec![0u8; self.sector_size as usize];
        let offset = (u64::from(sector) + 1) * self.sector_size;
        self.file.seek(SeekFrom::Start(offset))?;
        self.file.read_exact(&mut bytes)?;
        Ok(bytes)
    }

    /// The sectors of a chain, in order; a loop or a broken link ends it.
    fn chain(&self, start: u32) -> Vec<u32> {
        let mut chain = Vec::new();
        let mut sector = start;
        while sector < CHAIN_END && chain.len() < self.fat.len() {
            chain.push(sector);
            sector = self.fat.get(sector as usize).copied().unwrap_or(CHAIN_END);
        }
        chain
    }

    fn read_chain(&mut self, start: u32, size: u64) -> io::Result<Vec<u8>> {
        let mut bytes = Vec::new();
        for sector in self.chain(start) {
            if bytes.len() as u64 >= size {
                break;
            }
            bytes.extend(self.sector(sector)?);
        }
        bytes.truncate(size as usize);
        Ok(bytes)
    }
}

/// The "Workbook" (or, in older files, "Book") stream, as a reader.
fn workbook_stream(path: &Path) -> io::Result<Option<Box<dyn Read>>> {
    let Some((mut compound, header)) = Compound::open(path)? else {
        return Ok(None);
    };
    let directory = compound.read_chain(u32_at(&header, 48), u64::MAX)?;
    let entries: Vec<&[u8]> = directory.chunks_exact(128).collect();
    let name_of = |entry: &[u8]| {
        let length = (u16_at(entry, 64) as usize).min(64);
        let units: Vec<u16> = (0..length / 2).map(|i| u16_at(entry, 2 * i)).collect();
        String::from_utf16_lossy(&units)
            .trim_end_matches('\0')
            .to_string()
    };
    let Some(stream) = entries
        .iter()
        .find(|e| e.get(66) == Some(&2) && matches!(name_of(e).as_str(), "Workbook" | "Book"))
    else {
        return Ok(None);
    };
    let (start, size) = (u32_at(stream, 116), u64::from(u32_at(stream, 120)));
    if size >= u64::from(u32_at(&header, 56)) {
        return Ok(Some(Box::new(Cursor::new(
            compound.read_chain(start, size)?,
        ))));
    }
    // A small stream lives in the mini stream (the root entry's), in sectors of 64 bytes.
    let Some(root) = entries.first() else {
        return Ok(None);
    };
    let mini_stream = compound.read_chain(u32_at(root, 116), u64::from(u32_at(root, 120)))?;
    let mini_fat_bytes = compound.read_chain(u32_at(&header, 60), u64::MAX)?;
    let mini_fat: Vec<u32> = (0..mini_fat_bytes.len() / 4)
        .map(|i| u32_at(&mini_fat_bytes, 4 * i))
        .collect();
    let mut bytes = Vec::new();
    let mut sector = start;
    for _ in 0..mini_fat.len() {
        let at = sector as usize * 64;
        let Some(mini_sector) = mini_stream.get(at..at + 64) else {
            break;
        };
        bytes.extend(mini_sector);
        sector = mini_fat.get(sector as usize).copied().unwrap_or(CHAIN_END);
        if sector >= CHAIN_END || bytes.len() as u64 >= size {
            break;
        }
    }
    bytes.truncate(size as usize);
    Ok(Some(Box::new(Cursor::new(bytes))))
}

/// The cells a sheet's records place: the first and last row and column.
#[derive(Debug, Default)]
struct Extent {
    rows: Option<(u64, u64)>,
    columns: Option<(u64, u64)>,
}

impl Extent {
    fn add(&mut self, row: u16, column: u16) {
        let widen = |span: &mut Option<(u64, u64)>, at: u64| {
            *span = Some(span.map_or((at, at), |(low, high)| (low.min(at), high.max(at))));
        };
        widen(&mut self.rows, u64::from(row));
        widen(&mut self.columns, u64::from(column));
    }

    fn size(span: Option<(u64, u64)>) -> u64 {
        span.map_or(0, |(low, high)| high - low + 1)
    }

    fn check(&self, path: &Path, sheet: &str, limits: &Limits) -> Result<u64> {
        let (rows, columns) = (Self::size(self.rows), Self::size(self.columns));
        let last_column = self.columns.map_or(0, |(_, high)| high + 1);
        if last_column > limits.columns as u64 {
            let what = format!(
                "sheet \"{sheet}\" has a cell in column {last_column}, past the {} column limit",
                limits.columns
            );
            return Err(exceeded(path, what, "--max-columns"));
        }
        if rows > limits.rows.saturating_add(10) {
            let what = format!(
                "sheet \"{sheet}\" spans {rows} rows, more than the {} row limit",
                limits.rows
            );
            return Err(exceeded(path, what, "--max-rows"));
        }
        Ok(rows * columns)
    }
}

/// Reads the BIFF records: sheet names from the workbook's globals, then each sheet's cells.
fn check_records(path: &Path, mut stream: Box<dyn Read>, limits: &Limits) -> Result<()> {
    let mut names: Vec<String> = Vec::new();
    let mut open: Vec<Extent> = Vec::new();
    let mut sheets_done = 0usize;
    let mut total = 0u64;
    let mut record = Vec::new();
    loop {
        let mut head = [0u8; 4];
        if stream.read_exact(&mut head).is_err() {
            return Ok(());
        }
        let (kind, length) = (u16_at(&head, 0), u16_at(&head, 2) as usize);
        record.resize(length, 0);
        if stream.read_exact(&mut record).is_err() {
            return Ok(());
        }
        match kind {
            // BOF, of any BIFF version: a substream begins (the globals, a sheet, a chart in a sheet).
            0x0009 | 0x0209 | 0x0409 | 0x0809 if open.len() < 16 => open.push(Extent::default()),
            // EOF: the substream ends; a sheet's grid is counted.
            0x000A => {
                let Some(extent) = open.pop() else { continue };
                if open.is_empty() && extent.rows.is_some() {
                    let sheet = names
                        .get(sheets_done.saturating_sub(1))
                        .cloned()
                        .unwrap_or_default();
                    total = total.saturating_add(extent.check(path, &sheet, limits)?);
                    if total > WHOLE_SHEET_CELLS {
                        return Err(too_many_cells(path, &sheet));
                    }
                }
                if open.is_empty() {
                    sheets_done += 1;
                }
            }
            // BOUNDSHEET: a sheet's name, in the order the sheets follow.
            0x0085 if record.len() > 8 => names.push(sheet_name(&record)),
            // Cell records: row and column first.
            0x0006 | 0x00D6 | 0x00FD | 0x0203 | 0x0204 | 0x0205 | 0x027E if length >= 4 => {
                if let Some(extent) = open.last_mut() {
                    extent.add(u16_at(&record, 0), u16_at(&record, 2));
                }
            }
            // MULRK: a row's run of numbers, from its first column to its last.
            0x00BD if length >= 6 => {
                if let Some(extent) = open.last_mut() {
                    extent.add(u16_at(&record, 0), u16_at(&record, 2));
                    extent.add(u16_at(&record, 0), u16_at(&record, length - 2));
                }
            }
            _ => {}
        }
    }
}

/// A BOUNDSHEET record's sheet name: a length, a flag for two-byte characters, then the characters.
fn sheet_name(record: &[u8]) -> String {
    let length = record[6] as usize;
    let text = &record[8.min(record.len())..];
    if record[7] & 1 == 1 {
        let units: Vec<u16> = (0..length.min(text.len() / 2))
            .map(|i| u16_at(text, 2 * i))
            .collect();
        String::from_utf16_lossy(&units)
    } else {
        text.iter().take(length).map(|&b| char::from(b)).collect()
    }
}

fn too_many_cells(path: &Path, sheet: &str) -> Error {
    Error::Unreadable {
        path: path.into(),
        format: "a workbook",
        reason: format!(
            "up to sheet \"{sheet}\", its cells span grids of more than {WHOLE_SHEET_CELLS} cells, \
             which an Excel 97-2003 workbook is read whole as"
        ),
        help: "save the workbook as .xlsx (read cell by cell) or export it as CSV",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(records: &[(u16, Vec<u8>)]) -> Box<dyn Read> {
        let mut bytes = Vec::new();
        for (kind, data) in records {
            bytes.extend(kind.to_le_bytes());
            bytes.extend((data.len() as u16).to_le_bytes());
            bytes.extend(data);
        }
        Box::new(Cursor::new(bytes))
    }

    fn cell(row: u16, column: u16) -> (u16, Vec<u8>) {
        let mut data = row.to_le_bytes().to_vec();
        data.extend(column.to_le_bytes());
        data.extend([0u8; 10]);
        (0x0203, data)
    }

    fn sheet(cells: &[(u16, u16)]) -> Vec<(u16, Vec<u8>)> {
        let mut sheet = vec![(0x0809, vec![0u8; 16])];
        sheet.extend(cells.iter().map(|&(r, c)| cell(r, c)));
        sheet.push((0x000A, Vec::new()));
        sheet
    }

    fn check(sheets: &[&[(u16, u16)]], limits: &Limits) -> Result<()> {
        let mut all = vec![(0x0809, vec![0u8; 16])];
        for (i, _) in sheets.iter().enumerate() {
            let name = format!("Blad{}", i + 1);
            let mut data = vec![0, 0, 0, 0, 0, 0, name.len() as u8, 0];
            data.extend(name.as_bytes());
            all.push((0x0085, data));
        }
        all.push((0x000A, Vec::new()));
        for cells in sheets {
            all.extend(sheet(cells));
        }
        check_records(Path::new("x.xls"), records(&all), limits)
    }

    #[test]
    fn each_sheet_is_counted_from_its_first_cell_to_its_last() {
        let limits = Limits::default();
        assert!(check(&[&[(0, 0), (999, 19)], &[(0, 0), (99, 5)]], &limits).is_ok());
        let error = check(&[&[(0, 0)], &[(0, 0), (65535, 255)]], &limits).unwrap_err();
        assert!(
            error.to_string().contains("up to sheet \"Blad2\""),
            "{error}"
        );
        let few_rows = Limits {
            rows: 10,
            ..Limits::default()
        };
        let error = check(&[&[(5, 0), (500, 1)]], &few_rows).unwrap_err();
        assert!(
            error.to_string().contains("sheet \"Blad1\" spans 496 rows"),
            "{error}"
        );
    }

    #[test]
    fn a_chart_inside_a_sheet_keeps_the_sheet_counted() {
        let mut all = vec![(0x0809, vec![0u8; 16]), (0x000A, Vec::new())];
        all.push((0x0809, vec![0u8; 16]));
        all.push(cell(0, 0));
        all.extend(sheet(&[]));
        all.push(cell(65535, 255));
        all.push((0x000A, Vec::new()));
        let error = check_records(Path::new("x.xls"), records(&all), &Limits::default());
        assert!(error.is_err());
    }
}
