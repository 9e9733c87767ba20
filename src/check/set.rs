//! Checks across rows and files: duplicates are reported on the later row, pointing at the first.
//!
//! Only keys are kept (not rows), so memory grows with the number of distinct values, not the file size.

use rustc_hash::FxHashMap as HashMap;

use crate::check::{rules, Diagnostic, Location, Rule};

/// The first place each key was seen, for one kind of duplicate.
#[derive(Debug, Default)]
pub struct FirstSeen {
    first: HashMap<String, Location>,
}

impl FirstSeen {
    /// Records `key` at `location`; if it was seen before, returns a diagnostic for this later occurrence.
    pub fn check(
        &mut self,
        rule: &'static Rule,
        key: String,
        location: &Location,
        message: String,
        value: &str,
    ) -> Option<Diagnostic> {
        if key.is_empty() {
            return None;
        }
        match self.first.get(&key) {
            Some(first) => Some(
                Diagnostic::new(rule, location.clone(), message)
                    .with_value(value)
                    .with_note(format!("first seen at {}", describe(first))),
            ),
            None => {
                self.first.insert(key, location.clone());
                None
            }
        }
    }

    pub fn get(&self, key: &str) -> Option<&Location> {
        self.first.get(key)
    }

    pub fn contains(&self, key: &str) -> bool {
        self.first.contains_key(key)
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
#[derive(Debug, Default)]
pub struct Duplicates {
    codes: FirstSeen,
    emails: FirstSeen,
    names: FirstSeen,
}

impl Duplicates {
    pub fn code(&mut self, code: &str, location: &Location) -> Option<Diagnostic> {
        self.codes.check(
            &rules::DUPLICATE_CODE,
            code.to_uppercase(),
            location,
            format!("Code \"{code}\" is already used by another salesperson"),
            code,
        )
    }

    pub fn email(&mut self, email: &str, location: &Location) -> Option<Diagnostic> {
        self.emails.check(
            &rules::DUPLICATE_EMAIL,
            email.to_lowercase(),
            location,
            format!("Email \"{email}\" is also another salesperson's"),
            email,
        )
    }

    pub fn name(&mut self, name: &str, location: &Location) -> Option<Diagnostic> {
        self.names.check(
            &rules::DUPLICATE_NAME,
            name.to_lowercase(),
            location,
            format!("Name \"{name}\" is also another salesperson's"),
            name,
        )
    }
}
