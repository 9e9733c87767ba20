//! Inputs that can be read only once, as their bytes arrive: stdin and named pipes. They are read as a
//! CSV straight from the stream, never held whole: their SHA-256 (for the manifest) and their size
//! (against `--max-input-size`) are counted as the bytes go by.

use std::io::{Cursor, Read};
use std::path::Path;
use std::sync::{Arc, Mutex};

use sha2::{Digest, Sha256};

use super::{csv, limits, HeaderTest, InputTable, ReadOptions};
use crate::error::{Error, Result};

/// What the bytes of a stream add up to, shared with the reader that reads them.
#[derive(Debug, Clone)]
pub struct StreamDigest {
    state: Arc<Mutex<DigestState>>,
}

#[derive(Debug)]
struct DigestState {
    hasher: Sha256,
    bytes: u64,
    limit: u64,
    over_limit: bool,
}

impl StreamDigest {
    fn new(limit: u64) -> Self {
        StreamDigest {
            state: Arc::new(Mutex::new(DigestState {
                hasher: Sha256::new(),
                bytes: 0,
                limit,
                over_limit: false,
            })),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, DigestState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The SHA-256 of the bytes read so far: of the whole stream once its rows are read.
    pub fn sha256(&self) -> String {
        super::lowercase_hex(&self.state().hasher.clone().finalize())
    }

    /// Whether the stream went past `--max-input-size`, which stopped its reading.
    pub fn over_limit(&self) -> bool {
        self.state().over_limit
    }

    /// What the limit stopped, as a limit's finding says it.
    pub fn limit_message(&self) -> String {
        over_limit_message(self.state().limit)
    }
}

fn over_limit_message(limit: u64) -> String {
    format!("it is more than the {} limit", limits::describe_size(limit))
}

/// Reads the stream, hashing and counting every byte; past the limit it fails.
struct DigestingRead<R> {
    inner: R,
    digest: StreamDigest,
}

impl<R: Read> Read for DigestingRead<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut state = self.digest.state();
        state.bytes += n as u64;
        if state.bytes > state.limit {
            state.over_limit = true;
            return Err(std::io::Error::other(over_limit_message(state.limit)));
        }
        state.hasher.update(&buf[..n]);
        Ok(n)
    }
}

/// Opens a stream as a CSV named `name` in messages. A workbook cannot be read from a stream (it is read
/// by its end first): it is refused with what to do instead.
pub fn open_stream(
    name: &Path,
    stream: impl Read + Send + 'static,
    options: &ReadOptions,
    is_header: HeaderTest<'_>,
) -> Result<InputTable> {
    let digest = StreamDigest::new(options.limits.input_bytes);
    let mut reader = DigestingRead {
        inner: stream,
        digest: digest.clone(),
    };
    let over_limit =
        |digest: &StreamDigest| limits::exceeded(name, digest.limit_message(), "--max-input-size");
    let mut signature = Vec::with_capacity(8);
    if let Err(e) = (&mut reader).take(8).read_to_end(&mut signature) {
        return Err(match digest.over_limit() {
            true => over_limit(&digest),
            false => Error::io(name, e),
        });
    }
    if signature.starts_with(b"PK\x03\x04") || signature.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(Error::Unreadable {
            path: name.into(),
            format: "CSV",
            reason: "it is a workbook, and only a CSV can be read from stdin or a pipe".into(),
            help: "give the workbook's path instead",
        });
    }
    let rest = Cursor::new(signature).chain(reader);
    match csv::open_reader(name, rest, options, is_header) {
        Ok(mut table) => {
            table.stream = Some(digest);
            Ok(table)
        }
        Err(_) if digest.over_limit() => Err(over_limit(&digest)),
        Err(e) => Err(e),
    }
}

/// Whether `path` is a stream rather than a file: a named pipe, a character device, a socket. It can be
/// read once, so it is read as it arrives.
pub fn is_stream(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(limit: u64) -> ReadOptions {
        ReadOptions {
            limits: super::super::Limits {
                input_bytes: limit,
                ..super::super::Limits::default()
            },
            ..ReadOptions::default()
        }
    }

    const CSV: &[u8] = b"Code,Name\r\nS1,Jan Peeters\r\nS2,An Maes\r\n";

    #[test]
    fn reads_the_rows_and_hashes_every_byte() {
        let table = open_stream(
            Path::new("<stdin>"),
            Cursor::new(CSV),
            &options(1 << 20),
            &|c| c.first().is_some_and(|h| h == "Code"),
        )
        .unwrap();
        let digest = table.stream.clone().unwrap();
        let rows: Vec<_> = table.rows.map(|r| r.unwrap().cells).collect();
        assert_eq!(rows, vec![vec!["S1", "Jan Peeters"], vec!["S2", "An Maes"]]);
        assert_eq!(
            digest.sha256(),
            super::super::lowercase_hex(&Sha256::digest(CSV))
        );
        assert!(!digest.over_limit());
    }

    #[test]
    fn a_stream_past_the_limit_is_refused_as_a_limit() {
        let error = open_stream(
            Path::new("<stdin>"),
            Cursor::new(CSV),
            &options(10),
            &|_| true,
        )
        .err()
        .unwrap();
        assert!(matches!(
            error,
            Error::LimitExceeded {
                flag: "--max-input-size",
                ..
            }
        ));
    }

    #[test]
    fn a_workbook_is_refused() {
        let zip = b"PK\x03\x04rest of a workbook".to_vec();
        let error = open_stream(
            Path::new("<stdin>"),
            Cursor::new(zip),
            &options(1 << 20),
            &|_| true,
        )
        .err()
        .unwrap();
        assert!(matches!(error, Error::Unreadable { .. }));
    }
}
