//! A Business Central salesperson, read from one input row and cleaned up.

use crate::m365::{ImportHeader, ImportRow};
use crate::normalize::PersonName;

/// Why a salesperson gets no Microsoft 365 user from this run, though nothing is wrong with the row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum SkipReason {
    Blocked,
    PrivacyBlocked,
    AlreadyCoupled,
    /// No value in any cell: not a salesperson at all.
    EmptyRow,
    /// An Excel total or subtotal row.
    TotalRow,
    /// The header again, inside the data.
    HeaderRow,
    /// A title or note: one value that is no salesperson's.
    NoteRow,
    /// A row of a second table under the salespeople.
    OtherTable,
}

impl SkipReason {
    pub fn describe(self) -> &'static str {
        match self {
            SkipReason::Blocked => "blocked in Business Central",
            SkipReason::PrivacyBlocked => "privacy blocked in Business Central: never exported",
            SkipReason::AlreadyCoupled => "already coupled to a Dynamics 365 Sales user",
            SkipReason::EmptyRow => "the row is empty",
            SkipReason::TotalRow => "a total row, not a salesperson",
            SkipReason::HeaderRow => "the header repeated, not a salesperson",
            SkipReason::NoteRow => "a note or title, not a salesperson",
            SkipReason::OtherTable => "a row of a second table, not a salesperson",
        }
    }

    /// Whether the row is no salesperson at all (empty, a total, a note...): it has no record in the
    /// manifest, only its finding and its count.
    pub fn is_no_person(self) -> bool {
        !matches!(
            self,
            SkipReason::Blocked | SkipReason::PrivacyBlocked | SkipReason::AlreadyCoupled
        )
    }
}

/// A row of a Microsoft 365 import file read as input, and which of Microsoft's headers the file had.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ImportedRow {
    pub header: ImportHeader,
    pub row: ImportRow,
}

/// The salesperson's values, cleaned: trimmed, white space collapsed, Unicode NFC; Email lower-cased.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Salesperson {
    /// The Business Central company the salesperson record is in: the row's Company cell, else the
    /// input's company. A salesperson is a (company, Code) pair.
    pub company: String,
    pub code: String,
    /// The Name, cleaned; it becomes the Display Name.
    pub name: String,
    pub person: PersonName,
    /// Lower-cased: the user name's form.
    pub email: String,
    /// The Email as Business Central holds it (cleaned, case kept), for the coupling's before/after.
    pub email_in_bc: String,
    pub email2: String,
    pub phone: String,
    pub job_title: String,
    /// Commission % as a number with a decimal point ("2,5" arrives as "2.5"); empty when not given.
    pub commission_pct: String,
    /// The department dimension's value, for the import file's Department column.
    pub department: String,
    pub blocked: bool,
    pub privacy_blocked: bool,
    pub coupled: bool,
    /// For a row of a Microsoft 365 import file read as input: the row as read and cleaned. Its User Name
    /// is the user name (checked, never rebuilt), its names are used as given, and its columns Business
    /// Central has no field for (Office Number, Address, City...) are written back unchanged.
    pub import_row: Option<Box<ImportedRow>>,
    /// ISO 3166 alpha-2 country code, upper-case; empty when unknown. Users of different countries never
    /// share an import file.
    pub country: String,
    /// Whether Email and Email 2 are well-formed addresses (empty counts as well-formed): worked out once,
    /// by the row checks.
    pub email_valid: bool,
    pub email2_valid: bool,
    /// The unnumbered user name built from the names, when worked out ahead.
    pub alias: crate::normalize::username::Alias,
    /// For a row of bc2m365's own rejected.csv: where it was first read and why it was rejected then.
    pub rejected_before: Option<Box<RejectedBefore>>,
}

/// A row of rejected.csv as the earlier run left it: its place in that run's input, and the codes that
/// rejected it.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct RejectedBefore {
    pub file: String,
    pub row: String,
    pub codes: Vec<String>,
}

impl Salesperson {
    pub fn skip_reason(&self) -> Option<SkipReason> {
        if self.privacy_blocked {
            Some(SkipReason::PrivacyBlocked)
        } else if self.blocked {
            Some(SkipReason::Blocked)
        } else if self.coupled {
            Some(SkipReason::AlreadyCoupled)
        } else {
            None
        }
    }
}
