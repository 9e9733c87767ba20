//! Files of two encodings: a CSV read as a single-byte encoding (Windows-1252, as Excel saves it) that also
//! holds UTF-8 sequences, as when a UTF-8 row is pasted into an older export. Decoding it either way turns
//! some names into mojibake (`ZoÃ« Peeters`), so the bytes are watched as they are read and the first line
//! where they disagree stops the read.

use std::io::{self, Read};

/// The error a [`Utf8Watch`] reads as: the line that holds UTF-8 in a file read as another encoding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MixedEncoding {
    pub line: u64,
    /// The UTF-8 character found there.
    pub character: String,
    pub encoding: &'static str,
}

impl std::fmt::Display for MixedEncoding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "line {} holds \"{}\" in UTF-8, but the file reads as {}: two encodings in one file",
            self.line, self.character, self.encoding
        )
    }
}

impl std::error::Error for MixedEncoding {}

/// Passes the bytes through, and fails at the first complete UTF-8 sequence of two bytes or more (which
/// in a single-byte encoding reads as two or more unlikely characters, such as "Ã«").
pub struct Utf8Watch<R> {
    inner: R,
    encoding: &'static str,
    line: u64,
    /// The bytes of a UTF-8 sequence begun and not yet complete (possibly across reads).
    sequence: Vec<u8>,
    /// Continuation bytes the sequence still needs.
    needs: usize,
}

impl<R: Read> Utf8Watch<R> {
    pub fn new(inner: R, encoding: &'static str) -> Self {
        Utf8Watch {
            inner,
            encoding,
            line: 1,
            sequence: Vec::with_capacity(4),
            needs: 0,
        }
    }

    /// Looks at one byte; a complete UTF-8 sequence is returned as its character.
    fn watch(&mut self, byte: u8) -> Option<String> {
        if self.needs > 0 {
            if (0x80..=0xBF).contains(&byte) {
                self.sequence.push(byte);
                self.needs -= 1;
                if self.needs == 0 {
                    return std::str::from_utf8(&self.sequence).ok().map(str::to_string);
                }
                return None;
            }
            // Not a continuation: no UTF-8 after all; the byte starts afresh.
            self.needs = 0;
        }
        self.sequence.clear();
        self.needs = match byte {
            b'\n' => {
                self.line += 1;
                0
            }
            0xC2..=0xDF => 1,
            0xE0..=0xEF => 2,
            0xF0..=0xF4 => 3,
            _ => 0,
        };
        if self.needs > 0 {
            self.sequence.push(byte);
        }
        None
    }
}

impl<R: Read> Read for Utf8Watch<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        for &byte in &buf[..n] {
            if let Some(character) = self.watch(byte) {
                let mixed = MixedEncoding {
                    line: self.line,
                    character,
                    encoding: self.encoding,
                };
                return Err(io::Error::new(io::ErrorKind::InvalidData, mixed));
            }
        }
        Ok(n)
    }
}

/// The mixed encoding an I/O error carries, if it is one.
pub fn mixed_encoding(error: &io::Error) -> Option<&MixedEncoding> {
    error.get_ref()?.downcast_ref::<MixedEncoding>()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(bytes: &[u8]) -> Result<Vec<u8>, MixedEncoding> {
        let mut out = Vec::new();
        let mut watch = Utf8Watch::new(bytes, "windows-1252");
        // Small reads, so sequences are cut between them.
        let mut buf = [0u8; 3];
        loop {
            match watch.read(&mut buf) {
                Ok(0) => return Ok(out),
                Ok(n) => out.extend(&buf[..n]),
                Err(e) => return Err(mixed_encoding(&e).cloned().unwrap()),
            }
        }
    }

    #[test]
    fn the_first_line_with_utf8_is_named() {
        let mixed =
            read_all(b"Code;Name\r\nJW;J\xfcrgen\r\nZP;Zo\xc3\xab Peeters\r\n").unwrap_err();
        assert_eq!((mixed.line, mixed.character.as_str()), (3, "ë"));
        let euro = read_all(b"a\nb\nc \xe2\x82\xac\n").unwrap_err();
        assert_eq!((euro.line, euro.character.as_str()), (3, "€"));
    }

    #[test]
    fn windows_1252_text_passes_whole() {
        let text = b"Code;Naam\r\nRD;Ren\xe9 Dubo\xees\r\nJW;J\xfcrgen \xc9mile\r\n";
        assert_eq!(read_all(text).unwrap(), text);
    }
}
