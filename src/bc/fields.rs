//! The table-13 fields an export can carry, the captions they arrive under, and header recognition.

use deunicode::deunicode;

use crate::check::{rules, ColumnRef, Diagnostic, Location};

/// A field of table 13 "Salesperson/Purchaser" that the tool reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    Code,
    Name,
    Email,
    PhoneNo,
    JobTitle,
    CommissionPct,
    Email2,
    Blocked,
    PrivacyBlocked,
    CoupledToDataverse,
}

impl Field {
    pub const ALL: [Field; 10] = [
        Field::Code,
        Field::Name,
        Field::Email,
        Field::PhoneNo,
        Field::JobTitle,
        Field::CommissionPct,
        Field::Email2,
        Field::Blocked,
        Field::PrivacyBlocked,
        Field::CoupledToDataverse,
    ];

    /// The current English caption.
    pub fn caption(self) -> &'static str {
        self.spec().captions[0]
    }

    /// Business Central's own length for text fields, where it has one.
    pub fn bc_max_chars(self) -> Option<usize> {
        self.spec().bc_max_chars
    }

    pub fn is_required(self) -> bool {
        matches!(self, Field::Code | Field::Name)
    }

    pub fn is_boolean(self) -> bool {
        matches!(
            self,
            Field::Blocked | Field::PrivacyBlocked | Field::CoupledToDataverse
        )
    }

    fn spec(self) -> &'static FieldSpec {
        &FIELDS[self as usize]
    }
}

struct FieldSpec {
    bc_max_chars: Option<usize>,
    /// Captions in English (current first, then older), Dutch, French and German, and the API v2 name.
    captions: &'static [&'static str],
}

/// Indexed by `Field as usize`.
static FIELDS: [FieldSpec; 10] = [
    FieldSpec {
        bc_max_chars: Some(20),
        captions: &["Code", "code"],
    },
    FieldSpec {
        bc_max_chars: Some(50),
        captions: &["Name", "Naam", "Nom", "displayName"],
    },
    FieldSpec {
        bc_max_chars: Some(80),
        captions: &["Email", "E-Mail", "E-mail", "Courriel", "Adresse e-mail"],
    },
    FieldSpec {
        bc_max_chars: Some(30),
        captions: &[
            "Phone No.",
            "Telefoonnr.",
            "Telefoonnummer",
            "N° téléphone",
            "N° de téléphone",
            "Telefonnr.",
            "Telefonnummer",
            "phoneNo",
        ],
    },
    FieldSpec {
        bc_max_chars: Some(30),
        captions: &["Job Title", "Functie", "Fonction", "Position", "jobTitle"],
    },
    FieldSpec {
        bc_max_chars: None,
        captions: &[
            "Commission %",
            "Provisie %",
            "% commission",
            "Provision %",
            "commisionPercent",
            "commissionPercent",
        ],
    },
    FieldSpec {
        bc_max_chars: Some(80),
        captions: &["Email 2", "E-Mail 2", "E-mail 2", "email2"],
    },
    FieldSpec {
        bc_max_chars: None,
        captions: &["Blocked", "Geblokkeerd", "Bloqué", "Gesperrt"],
    },
    FieldSpec {
        bc_max_chars: None,
        captions: &[
            "Privacy Blocked",
            "Geblokkeerd vanwege privacy",
            "Confidentialité bloquée",
            "Datenschutz gesperrt",
            "privacyBlocked",
        ],
    },
    FieldSpec {
        bc_max_chars: None,
        captions: &[
            "Coupled to Dataverse",
            "Coupled to Dynamics 365 Sales",
            "Coupled to CRM",
            "Gekoppeld aan Dataverse",
            "Gekoppeld aan Dynamics 365 Sales",
            "Couplé à Dataverse",
            "Couplé à Dynamics 365 Sales",
            "Mit Dataverse gekoppelt",
            "An Dataverse gekoppelt",
        ],
    },
];

/// The form headers are compared in: no case, no accents, no punctuation or spaces, "%" kept as "pct".
pub fn header_key(header: &str) -> String {
    deunicode(header)
        .to_lowercase()
        .replace('%', "pct")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect()
}

/// The field a header names, if any.
pub fn field_for_header(header: &str) -> Option<Field> {
    let key = header_key(header);
    if key.is_empty() {
        return None;
    }
    Field::ALL
        .into_iter()
        .find(|field| field.spec().captions.iter().any(|c| header_key(c) == key))
}

/// Which column holds which field, for one input's header.
#[derive(Debug, Clone, Default)]
pub struct ColumnMap {
    columns: Vec<(Field, ColumnRef)>,
}

impl ColumnMap {
    pub fn column(&self, field: Field) -> Option<&ColumnRef> {
        self.columns
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, c)| c)
    }

    pub fn fields(&self) -> impl Iterator<Item = &(Field, ColumnRef)> {
        self.columns.iter()
    }

    /// Where `field` is on the row at `row`: its cell, or the row itself when the input has no such column.
    pub fn locate(&self, field: Field, row: &Location) -> Location {
        Location {
            column: self.column(field).cloned(),
            ..row.clone()
        }
    }

    /// Whether this header row looks like a salesperson export: it holds Code and Name.
    pub fn has_required(&self) -> bool {
        self.column(Field::Code).is_some() && self.column(Field::Name).is_some()
    }
}

/// Recognises the columns of a header row. Unknown columns are reported (and ignored), a field named
/// twice is an error naming both columns, and a missing Code or Name is an error.
pub fn recognise_header(header: &[String], location: &Location) -> (ColumnMap, Vec<Diagnostic>) {
    let mut map = ColumnMap::default();
    let mut diagnostics = Vec::new();
    for (i, text) in header.iter().enumerate() {
        let column = ColumnRef {
            index: i + 1,
            header: text.clone(),
        };
        let at = Location {
            column: Some(column.clone()),
            ..location.clone()
        };
        if text.trim().is_empty() {
            continue;
        }
        match field_for_header(text) {
            Some(field) => {
                if let Some(first) = map.column(field) {
                    diagnostics.push(
                        Diagnostic::new(
                            &rules::DUPLICATE_COLUMN,
                            at,
                            format!(
                                "columns {} \"{}\" and {} \"{}\" both hold {}",
                                first.index,
                                first.header,
                                column.index,
                                column.header,
                                field.caption()
                            ),
                        )
                        .with_value(text.clone()),
                    );
                } else {
                    map.columns.push((field, column));
                }
            }
            None => diagnostics.push(
                Diagnostic::new(
                    &rules::UNKNOWN_COLUMN,
                    at,
                    format!("column \"{text}\" is not a salesperson field and is ignored"),
                )
                .with_value(text.clone()),
            ),
        }
    }
    for field in Field::ALL.into_iter().filter(|f| f.is_required()) {
        if map.column(field).is_none() {
            diagnostics.push(Diagnostic::new(
                &rules::MISSING_COLUMN,
                location.clone(),
                format!(
                    "no {} column; the header has: {}",
                    field.caption(),
                    header
                        .iter()
                        .filter(|h| !h.trim().is_empty())
                        .map(|h| format!("\"{h}\""))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
    }
    (map, diagnostics)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_captions_in_any_case_language_and_punctuation() {
        assert_eq!(field_for_header("PHONE NO."), Some(Field::PhoneNo));
        assert_eq!(field_for_header("phone no"), Some(Field::PhoneNo));
        assert_eq!(field_for_header("E-Mail"), Some(Field::Email));
        assert_eq!(field_for_header("email"), Some(Field::Email));
        assert_eq!(field_for_header("E-Mail 2"), Some(Field::Email2));
        assert_eq!(field_for_header("Commission %"), Some(Field::CommissionPct));
        assert_eq!(
            field_for_header("Couple a Dataverse"),
            Some(Field::CoupledToDataverse)
        );
        assert_eq!(field_for_header("Naam"), Some(Field::Name));
        assert_eq!(field_for_header("Commission"), None);
        assert_eq!(field_for_header("Salesperson Code"), None);
    }

    #[test]
    fn reports_unknown_duplicate_and_missing_columns() {
        let header: Vec<String> = ["Code", "Email", "E-Mail", "Region"]
            .map(String::from)
            .to_vec();
        let (map, diagnostics) = recognise_header(&header, &Location::file("x.csv"));
        let codes: Vec<_> = diagnostics.iter().map(|d| d.code()).collect();
        assert_eq!(codes, ["S002", "S003", "S001"]);
        assert!(diagnostics[0]
            .message
            .contains("columns 2 \"Email\" and 3 \"E-Mail\""));
        assert_eq!(map.column(Field::Email).map(|c| c.index), Some(2));
        assert!(!map.has_required());
    }
}
