//! Checks across rows and files: duplicates are reported on the later row, pointing at the first.
//!
//! Only keys are kept (not rows), and each key only as a 128-bit hash with the place it was first seen,
//! 24 bytes in all: memory grows with the number of distinct values, never with the size of the cells.

use std::sync::Arc;

use rustc_hash::FxHashMap as HashMap;

use crate::bc::{ColumnMap, Field};
use crate::diagnostic::{rules, Diagnostic, Location, Rule};

/// One input as the duplicate checks point at it: its name, its sheet and its columns.
#[derive(Debug, Clone, Default)]
pub struct Source {
    pub file: Arc<str>,
    pub sheet: Option<String>,
    pub columns: ColumnMap,
}

/// The inputs of a run, in command-line order, so that a row's place fits in a number.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    pub inputs: Vec<Source>,
}

/// The most inputs one run reads: an input's index is kept in 16 bits.
pub const MAX_INPUTS: usize = 1 << 16;
const ROW_BITS: u32 = 47;
const ROW_MASK: u64 = (1 << ROW_BITS) - 1;
const COLUMN_BIT: u64 = 1 << ROW_BITS;

/// A row's place: which input, and which row in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowPos {
    pub input: usize,
    pub row: u64,
}

/// The cell a key was found in: its row's place, the row's location, and the column (if the input has it).
/// Its [`Location`] is made only when a duplicate is reported.
#[derive(Debug, Clone, Copy)]
pub struct At<'a> {
    pub pos: RowPos,
    pub row: &'a Location,
    pub column: Option<&'a crate::diagnostic::ColumnRef>,
}

impl At<'_> {
    pub fn location(&self) -> Location {
        Location {
            column: self.column.cloned(),
            ..self.row.clone()
        }
    }
}

impl Sources {
    /// The location of a row, pointing at `field`'s column when `column` is set.
    pub fn location(&self, pos: RowPos, field: Option<Field>) -> Location {
        let source = &self.inputs[pos.input];
        Location {
            file: source.file.clone(),
            row: Some(pos.row),
            column: field.and_then(|f| source.columns.column(f).cloned()),
            sheet: source.sheet.clone(),
        }
    }
}

/// The 128-bit hash a key is kept as: two keys that differ are taken for one with a chance of about
/// 1 in 10^25 in a run of a million rows. Every set of keys the planning keeps uses it.
pub fn hash_key(key: &str) -> (u64, u64) {
    let h = xxhash_rust::xxh3::xxh3_128(key.as_bytes());
    ((h >> 64) as u64, h as u64)
}

/// The first place each key was seen, for one kind of duplicate, in one column (`field`).
///
/// Checking a row again with the same key at the same place finds itself and reports nothing, so a
/// second pass over the same rows, with every key already known, reports exactly what the first did.
#[derive(Debug)]
pub struct FirstSeen {
    field: Option<Field>,
    first: HashMap<(u64, u64), u64>,
}

impl FirstSeen {
    /// Keys seen in `field`'s column (`None`: the row as a whole).
    pub fn new(field: Option<Field>) -> Self {
        FirstSeen {
            field,
            first: HashMap::default(),
        }
    }

    fn pack(pos: RowPos, has_column: bool) -> u64 {
        let column = if has_column { COLUMN_BIT } else { 0 };
        ((pos.input as u64) << (ROW_BITS + 1)) | column | (pos.row & ROW_MASK)
    }

    fn unpack(field: Option<Field>, packed: u64, sources: &Sources) -> Location {
        let pos = RowPos {
            input: (packed >> (ROW_BITS + 1)) as usize,
            row: packed & ROW_MASK,
        };
        sources.location(pos, field.filter(|_| packed & COLUMN_BIT != 0))
    }

    /// Records `key` as seen `at` a cell; if it was first seen elsewhere, returns a diagnostic for this
    /// later occurrence, with `message` and a note naming the first.
    pub fn check(
        &mut self,
        rule: &'static Rule,
        key: &str,
        at: At<'_>,
        message: impl FnOnce() -> String,
        value: &str,
        sources: &Sources,
    ) -> Option<Diagnostic> {
        if key.is_empty() {
            return None;
        }
        let packed = Self::pack(at.pos, at.column.is_some());
        let here = packed & !COLUMN_BIT;
        match self.first.entry(hash_key(key)) {
            std::collections::hash_map::Entry::Occupied(first) => {
                if *first.get() & !COLUMN_BIT == here {
                    return None;
                }
                let first = Self::unpack(self.field, *first.get(), sources);
                Some(
                    Diagnostic::new(rule, at.location(), message())
                        .with_value(value)
                        .with_note(format!("first seen at {}", describe(&first))),
                )
            }
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(packed);
                None
            }
        }
    }

    /// Where `key` was first seen.
    pub fn get(&self, key: &str, sources: &Sources) -> Option<Location> {
        self.first
            .get(&hash_key(key))
            .map(|packed| Self::unpack(self.field, *packed, sources))
    }

    pub fn contains(&self, key: &str) -> bool {
        self.first.contains_key(&hash_key(key))
    }
}

/// `file:row` (and the cell for workbooks), the way a note points at another row.
pub fn describe(location: &Location) -> String {
    let mut text = location.file.to_string();
    if let Some(row) = location.row {
        text.push_str(&format!(":{row}"));
    }
    if let Some(cell) = location.cell() {
        text.push_str(&format!(" ({cell})"));
    }
    text
}

/// The duplicate checks that do not depend on user names: Code, e-mail address and name.
#[derive(Debug)]
pub struct Duplicates {
    codes: FirstSeen,
    emails: FirstSeen,
    names: FirstSeen,
    look_alikes: LookAlikes,
}

impl Default for Duplicates {
    fn default() -> Self {
        Duplicates {
            codes: FirstSeen::new(Some(Field::Code)),
            emails: FirstSeen::new(Some(Field::Email)),
            names: FirstSeen::new(Some(Field::Name)),
            look_alikes: LookAlikes::default(),
        }
    }
}

/// A key within one Business Central company: the same Code (or e-mail, or name) in two companies is two
/// salesperson records, not a duplicate.
fn in_company(company: &str, key: &str) -> String {
    if key.is_empty() {
        return String::new();
    }
    format!("{}\u{1f}{key}", crate::m365::existing::fold(company))
}

impl Duplicates {
    pub fn code(
        &mut self,
        company: &str,
        code: &str,
        at: At<'_>,
        sources: &Sources,
    ) -> Option<Diagnostic> {
        self.codes.check(
            &rules::DUPLICATE_CODE,
            &in_company(company, &code.to_uppercase()),
            at,
            || format!("Code \"{code}\" is already used by another salesperson"),
            code,
            sources,
        )
    }

    pub fn email(
        &mut self,
        company: &str,
        email: &str,
        at: At<'_>,
        sources: &Sources,
    ) -> Option<Diagnostic> {
        self.emails.check(
            &rules::DUPLICATE_EMAIL,
            &in_company(company, &email.to_lowercase()),
            at,
            || format!("Email \"{email}\" is also another salesperson's"),
            email,
            sources,
        )
    }

    pub fn name(
        &mut self,
        company: &str,
        name: &str,
        at: At<'_>,
        sources: &Sources,
    ) -> Option<Diagnostic> {
        self.names.check(
            &rules::DUPLICATE_NAME,
            &in_company(company, &name.to_lowercase()),
            at,
            || format!("Name \"{name}\" is also another salesperson's"),
            name,
            sources,
        )
    }
}

/// Names by their look-alike skeleton: for the first name of each skeleton, its hash (the low bit says
/// whether it has a disguised character) and where it was, 24 bytes a skeleton.
#[derive(Debug, Default)]
struct LookAlikes {
    first: HashMap<u64, (u64, u64)>,
}

impl Duplicates {
    /// A name that looks like an earlier salesperson's but differs in its characters, one of the two
    /// written with a letter that stands for another (D005). Across companies too: a look-alike is never
    /// the same person.
    pub fn look_alike_name(
        &mut self,
        name: &str,
        at: At<'_>,
        sources: &Sources,
    ) -> Option<Diagnostic> {
        if name.trim().is_empty() {
            return None;
        }
        let disguised = super::lookalike::has_disguised(name);
        let own = (hash_key(name).0 & !1) | u64::from(disguised);
        let skeleton = hash_key(&super::lookalike::skeleton(name)).0;
        let packed = FirstSeen::pack(at.pos, at.column.is_some());
        let (first_own, first_at) = *self
            .look_alikes
            .first
            .entry(skeleton)
            .or_insert((own, packed));
        let same_place = first_at & !COLUMN_BIT == packed & !COLUMN_BIT;
        if same_place || first_own == own || !(disguised || first_own & 1 == 1) {
            return None;
        }
        let message = match super::lookalike::disguised_characters(name) {
            found if found.is_empty() => format!(
                "Name \"{name}\" looks like another salesperson's, which is written with letters of another alphabet"
            ),
            found => format!(
                "Name \"{name}\" looks like another salesperson's, but is written with other letters: {found}"
            ),
        };
        let first = FirstSeen::unpack(Some(Field::Name), first_at, sources);
        Some(
            Diagnostic::new(&rules::NAME_LOOKS_ALIKE, at.location(), message)
                .with_value(name)
                .with_note(format!("the other is at {}", describe(&first))),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources() -> Sources {
        Sources {
            inputs: vec![Source {
                file: "a.csv".into(),
                sheet: None,
                columns: ColumnMap::default(),
            }],
        }
    }

    #[test]
    fn a_later_row_is_the_duplicate_and_a_second_pass_reports_the_same() {
        let sources = sources();
        let mut seen = Duplicates::default();
        let at = |row| {
            (
                RowPos { input: 0, row },
                Location {
                    row: Some(row),
                    ..Location::file("a.csv")
                },
            )
        };
        let run = |seen: &mut Duplicates| -> Vec<Option<String>> {
            [(2, "S1"), (3, "s1"), (4, "S2"), (5, "S1")]
                .iter()
                .map(|(row, code)| {
                    let (pos, location) = at(*row);
                    let at = At {
                        pos,
                        row: &location,
                        column: None,
                    };
                    seen.code("CRONUS", code, at, &sources)
                        .map(|d| d.note.unwrap_or_default())
                })
                .collect()
        };
        let first = run(&mut seen);
        assert_eq!(
            first,
            vec![
                None,
                Some("first seen at a.csv:2".to_string()),
                None,
                Some("first seen at a.csv:2".to_string())
            ]
        );
        assert_eq!(run(&mut seen), first);
        let key = |code| in_company("CRONUS", code);
        assert!(seen.codes.contains(&key("S1")) && seen.codes.contains(&key("S2")));
        assert!(!seen.codes.contains(&key("S3")));
        let (pos, location) = at(9);
        let other_company = At {
            pos,
            row: &location,
            column: None,
        };
        assert!(seen
            .code("CRONUS NL", "S1", other_company, &sources)
            .is_none());
    }
}
