//! What every stage reports a problem as: a [`Diagnostic`] of a [`Rule`], at a [`Location`], with a
//! [`Severity`]. A leaf module: every stage may use it, and it uses none.
//!
//! A [`Diagnostic`] is data, not a string: the report module renders it as text, JSON or a highlighted cell.

pub mod rules;

use serde::{Deserialize, Serialize};

pub use rules::Rule;

/// How much a problem weighs: an error rejects the row, a warning is written with the row, info explains a skip.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A column as the person sees it: its position (1-based) and its header text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnRef {
    pub index: usize,
    pub header: String,
}

/// Where a problem is: the file, the row as the person sees it, and the column.
///
/// Rows are spreadsheet rows for XLSX and, for CSV, the line where the record starts (header = line 1).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Location {
    pub file: std::sync::Arc<str>,
    pub row: Option<u64>,
    pub column: Option<ColumnRef>,
    /// The worksheet, for workbooks; it turns row and column into a cell reference such as `Sheet1!E14`.
    pub sheet: Option<String>,
}

impl Location {
    pub fn file(file: &str) -> Self {
        Location {
            file: file.into(),
            ..Location::default()
        }
    }

    /// A spreadsheet cell reference (`Sheet1!E14`) where the input is a workbook.
    pub fn cell(&self) -> Option<String> {
        let sheet = self.sheet.as_ref()?;
        let row = self.row?;
        let column = self.column.as_ref()?;
        let quoted = if sheet.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            sheet.clone()
        } else {
            format!("'{}'", sheet.replace('\'', "''"))
        };
        Some(format!("{quoted}!{}{row}", column_letters(column.index)))
    }
}

/// Excel's column letters for a 1-based column number: 1 -> A, 27 -> AA.
pub fn column_letters(mut index: usize) -> String {
    let mut letters = Vec::new();
    while index > 0 {
        let rem = (index - 1) % 26;
        letters.push(b'A' + rem as u8);
        index = (index - 1) / 26;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

/// One problem found in the input, with everything needed to find and fix it.
///
/// It is stored with the planned rows (see `plan::store`) by its rule's code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    #[serde(with = "rule_code")]
    pub rule: &'static Rule,
    pub location: Location,
    /// The offending value as read, if there is one.
    pub value: Option<String>,
    pub message: String,
    /// Extra context, such as the row a duplicate first appeared on.
    pub note: Option<String>,
}

impl Diagnostic {
    pub fn new(rule: &'static Rule, location: Location, message: impl Into<String>) -> Self {
        Diagnostic {
            rule,
            location,
            value: None,
            message: message.into(),
            note: None,
        }
    }

    pub fn with_value(mut self, value: impl Into<String>) -> Self {
        self.value = Some(value.into());
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.note = Some(note.into());
        self
    }

    pub fn code(&self) -> &'static str {
        self.rule.code
    }

    pub fn severity(&self) -> Severity {
        self.rule.severity
    }

    pub fn help(&self) -> &'static str {
        self.rule.help
    }
}

/// A rule stored as its code, and found again in the catalogue when read back.
mod rule_code {
    use serde::{Deserialize, Deserializer, Serializer};

    use super::{rules, Rule};

    pub fn serialize<S: Serializer>(rule: &&'static Rule, out: S) -> Result<S::Ok, S::Error> {
        out.serialize_str(rule.code)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(input: D) -> Result<&'static Rule, D::Error> {
        let code = <&str>::deserialize(input)?;
        rules::find(code)
            .ok_or_else(|| serde::de::Error::custom(format!("no rule has the code {code}")))
    }
}
