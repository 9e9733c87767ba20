//! The planned rows of a run, kept in the order they were read: in memory while they are few, and in a
//! temporary file once they are many, so that a run of any size holds a bounded number of rows at once.
//!
//! Each row is stored once it is planned, and the outputs are written from the store: the inputs are read
//! once, so stdin and named pipes are no different from files.

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::marker::PhantomData;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::{Error, Result};

/// Rows kept in memory before the store moves them to its file.
const IN_MEMORY_ROWS: usize = 4096;

/// Rows of type `T`, in the order they were added.
pub struct RowStore<T> {
    /// Where the temporary file goes: the output's staging folder, or the system's temporary folder.
    dir: PathBuf,
    memory: Vec<T>,
    spill: Option<BufWriter<File>>,
    len: u64,
    /// One row's encoding, reused.
    buffer: Vec<u8>,
    _rows: PhantomData<T>,
}

impl<T: Serialize + DeserializeOwned> RowStore<T> {
    pub fn new(dir: &Path) -> Self {
        RowStore {
            dir: dir.to_path_buf(),
            memory: Vec::new(),
            spill: None,
            len: 0,
            buffer: Vec::new(),
            _rows: PhantomData,
        }
    }

    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn push(&mut self, row: T) -> Result<()> {
        self.len += 1;
        if self.spill.is_none() && self.memory.len() < IN_MEMORY_ROWS {
            self.memory.push(row);
            return Ok(());
        }
        if self.spill.is_none() {
            let file = tempfile::tempfile_in(&self.dir).map_err(|e| self.failed(e))?;
            self.spill = Some(BufWriter::with_capacity(1 << 16, file));
            for held in std::mem::take(&mut self.memory) {
                self.write_row(&held)?;
            }
        }
        self.write_row(&row)
    }

    /// Writes one row as its length and its postcard encoding (a compact binary form).
    fn write_row(&mut self, row: &T) -> Result<()> {
        self.buffer.clear();
        let encoded = postcard::to_extend(row, std::mem::take(&mut self.buffer))
            .map_err(|e| self.failed(std::io::Error::other(e)))?;
        self.buffer = encoded;
        let len = (self.buffer.len() as u64).to_le_bytes();
        let Some(spill) = self.spill.as_mut() else {
            return Ok(());
        };
        let written = spill
            .write_all(&len)
            .and_then(|()| spill.write_all(&self.buffer));
        written.map_err(|e| self.failed(e))
    }

    /// The rows, in the order they were added.
    pub fn into_rows(self) -> Result<StoredRows<T>> {
        let dir = self.dir.clone();
        let source = match self.spill {
            None => Source::Memory(self.memory.into_iter()),
            Some(spill) => {
                let mut file = spill
                    .into_inner()
                    .map_err(|e| Error::io(&dir, e.into_error()))?;
                file.seek(SeekFrom::Start(0))
                    .map_err(|e| Error::io(&dir, e))?;
                Source::File(BufReader::with_capacity(1 << 16, file), Vec::new())
            }
        };
        Ok(StoredRows {
            dir,
            source,
            left: self.len,
        })
    }

    fn failed(&self, error: std::io::Error) -> Error {
        store_failed(&self.dir, error)
    }
}

fn store_failed(dir: &Path, error: std::io::Error) -> Error {
    Error::io(
        dir,
        std::io::Error::new(
            error.kind(),
            format!("the temporary file of planned rows: {error}"),
        ),
    )
}

enum Source<T> {
    Memory(std::vec::IntoIter<T>),
    File(BufReader<File>, Vec<u8>),
}

/// The stored rows, read back once.
pub struct StoredRows<T> {
    dir: PathBuf,
    source: Source<T>,
    left: u64,
}

impl<T: DeserializeOwned> StoredRows<T> {
    fn read_row(&mut self) -> Result<T> {
        let dir = &self.dir;
        match &mut self.source {
            Source::Memory(rows) => rows
                .next()
                .ok_or_else(|| store_failed(dir, std::io::ErrorKind::UnexpectedEof.into())),
            Source::File(file, buffer) => {
                let mut len = [0u8; 8];
                file.read_exact(&mut len)
                    .map_err(|e| store_failed(dir, e))?;
                // Read as the bytes arrive, not allocated up front: a damaged length reads to the end
                // of the file and fails there.
                let len = u64::from_le_bytes(len);
                buffer.clear();
                let read = (&mut *file).take(len).read_to_end(buffer);
                read.map_err(|e| store_failed(dir, e))?;
                if buffer.len() as u64 != len {
                    let damaged = std::io::ErrorKind::UnexpectedEof.into();
                    return Err(store_failed(dir, damaged));
                }
                postcard::from_bytes(buffer)
                    .map_err(|e| store_failed(dir, std::io::Error::other(e)))
            }
        }
    }
}

impl<T: DeserializeOwned> Iterator for StoredRows<T> {
    type Item = Result<T>;

    fn next(&mut self) -> Option<Result<T>> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        Some(self.read_row())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(n: usize) -> Vec<(u32, String, Option<String>)> {
        let dir = tempfile::tempdir().unwrap();
        let mut store = RowStore::new(dir.path());
        for i in 0..n {
            store
                .push((
                    i as u32,
                    format!("row {i}"),
                    (i % 3 == 0).then(|| "é".repeat(i % 7)),
                ))
                .unwrap();
        }
        assert_eq!(store.len(), n as u64);
        store.into_rows().unwrap().map(|r| r.unwrap()).collect()
    }

    #[test]
    fn gives_back_every_row_in_order_in_memory_and_from_its_file() {
        for n in [
            0,
            1,
            IN_MEMORY_ROWS,
            IN_MEMORY_ROWS + 1,
            3 * IN_MEMORY_ROWS + 17,
        ] {
            let rows = round_trip(n);
            assert_eq!(rows.len(), n);
            for (i, (number, text, extra)) in rows.into_iter().enumerate() {
                assert_eq!(number as usize, i);
                assert_eq!(text, format!("row {i}"));
                assert_eq!(extra, (i % 3 == 0).then(|| "é".repeat(i % 7)));
            }
        }
    }

    #[test]
    fn spills_to_a_file_in_its_folder_only_past_the_memory_limit() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = RowStore::new(dir.path());
        for i in 0..IN_MEMORY_ROWS {
            store.push(i).unwrap();
        }
        assert!(store.spill.is_none());
        store.push(0).unwrap();
        assert!(store.spill.is_some());
        assert!(store.memory.is_empty());
    }

    #[test]
    fn a_damaged_file_is_an_error_not_a_huge_allocation() {
        use std::io::Write as _;
        let dir = tempfile::tempdir().unwrap();
        let mut file = tempfile::tempfile_in(dir.path()).unwrap();
        file.write_all(&u64::MAX.to_le_bytes()).unwrap();
        file.write_all(b"a few bytes").unwrap();
        file.seek(SeekFrom::Start(0)).unwrap();
        let mut rows: StoredRows<String> = StoredRows {
            dir: dir.path().to_path_buf(),
            source: Source::File(BufReader::new(file), Vec::new()),
            left: 1,
        };
        let error = rows.next().unwrap().unwrap_err();
        assert!(
            error.to_string().contains("temporary file of planned rows"),
            "{error}"
        );
    }
}
