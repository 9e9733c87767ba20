//! A mapped Password column: its cell taken out of the row before anything else sees it, and checked
//! against Microsoft Entra's password rules; a password column that is not mapped, emptied. No finding
//! ever carries the password itself.

use crate::bc::{ColumnMap, Field};
use crate::diagnostic::{rules, Diagnostic, Location};
use crate::m365::entra::{password_problem, InitialPassword, Target};
use crate::normalize::text::needs_formula_guard;
use crate::read::RawRow;

/// What stands in a cell that may hold a password out of its column.
pub const HIDDEN: &str = "(hidden: the file has a Password column)";

/// Takes the Password cell out of a row, leaving it empty as a privacy-blocked cell is: the review,
/// rejected.csv, the reports and the stored rows never hold it. Empty when no column is mapped.
///
/// A row whose cells cannot be trusted may hold a password elsewhere: past the header's last column (a
/// delimiter in an unquoted value moved the cells after it), or anywhere in a row read past an unclosed
/// quote (it swallowed the lines after it). Those cells are hidden too; the row is rejected for its
/// shape all the same (S004, S015).
pub fn take_password(raw: &mut RawRow, columns: &ColumnMap, header_len: usize) -> String {
    // A password column no one asked to read is emptied all the same.
    for column in columns.left_out_passwords() {
        if let Some(cell) = raw.cells.get_mut(column.index - 1) {
            cell.clear();
        }
    }
    let Some(column) = columns.column(Field::Password) else {
        return String::new();
    };
    let password = (raw.cells.get_mut(column.index - 1))
        .map(std::mem::take)
        .unwrap_or_default();
    let untrusted = match raw.unclosed_quote_until {
        Some(_) => 0,
        None => header_len,
    };
    for cell in raw.cells.iter_mut().skip(untrusted) {
        if !cell.trim().is_empty() {
            *cell = HIDDEN.to_string();
        }
    }
    password
}

/// A password column left out (S018), for its target: under `--target entra`, with no column read for
/// the passwords, an error (S019) that names the column to map, since the passwords were likely meant for
/// Microsoft Entra's file. Any other finding is returned as it is.
pub fn left_out_for_target(found: Diagnostic, columns: &ColumnMap, target: Target) -> Diagnostic {
    let read_elsewhere = columns.column(Field::Password).is_some();
    if found.rule != &rules::PASSWORD_COLUMN_LEFT_OUT || target != Target::Entra || read_elsewhere {
        return found;
    }
    let header = (found.location.column.as_ref()).map_or(String::new(), |c| c.header.clone());
    let message = format!(
        "column \"{header}\" holds passwords but is not read: add --map password=\"{header}\" for Microsoft Entra's file, or delete the column to have every password generated"
    );
    Diagnostic {
        rule: &rules::PASSWORD_COLUMN_NOT_MAPPED,
        message,
        ..found
    }
}

/// A password taken from a row, checked: the password, or the finding that names its cell (never its
/// value). An empty cell gives neither: the user gets a generated password.
pub fn check_password(
    value: String,
    columns: &ColumnMap,
    row: &Location,
) -> (Option<InitialPassword>, Option<Diagnostic>) {
    if value.is_empty() {
        return (None, None);
    }
    let problem = password_problem(&value).or_else(|| edited_otherwise(&value));
    match problem {
        None => (Some(InitialPassword::given(value)), None),
        Some(message) => {
            let at = columns.locate(Field::Password, row);
            (
                None,
                Some(Diagnostic::new(&rules::PASSWORD_REFUSED, at, message)),
            )
        }
    }
}

/// A password the Entra file cannot carry unchanged: a spreadsheet would run one that starts like a
/// formula (and guarding it with an apostrophe would change it), and drops blanks around it.
fn edited_otherwise(value: &str) -> Option<String> {
    if value.starts_with('\'') || needs_formula_guard(value) {
        return Some(
            "the initial password starts with = + - @ or an apostrophe, which a spreadsheet would read as a formula or drop"
                .to_string(),
        );
    }
    (value.trim() != value).then(|| {
        "the initial password starts or ends with a blank, which is lost when the file is edited".to_string()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::ColumnRef;

    fn columns() -> ColumnMap {
        ColumnMap::from_columns(vec![(
            Field::Password,
            ColumnRef {
                index: 2,
                header: "Start password".into(),
            },
        )])
    }

    #[test]
    fn the_cell_is_emptied_and_a_refused_password_is_named_by_its_cell_only() {
        let mut raw = RawRow {
            row: 7,
            cells: vec!["S1".to_string(), "short1A".to_string()],
            invalid_cells: Vec::new(),
            unclosed_quote_until: None,
            number_cells: Vec::new(),
        };
        let value = take_password(&mut raw, &columns(), 2);
        assert_eq!(raw.cells, ["S1", ""]);
        let row = Location {
            row: Some(7),
            ..Location::file("export.csv")
        };
        let (password, found) = check_password(value, &columns(), &row);
        assert!(password.is_none());
        let found = found.unwrap();
        assert_eq!(found.code(), "F018");
        assert_eq!(found.location.row, Some(7));
        assert_eq!(found.location.column.as_ref().map(|c| c.index), Some(2));
        assert!(!format!("{found:?}").contains("short1A"), "{found:?}");
        for refused in ["=Abcdef12", " Abcdef12!", "'Abcdef12"] {
            assert!(check_password(refused.into(), &columns(), &row).1.is_some());
        }
        let (given, none) = check_password("Abcdef12!".into(), &columns(), &row);
        assert!(given.is_some() && none.is_none());
    }

    #[test]
    fn cells_that_may_hold_a_password_out_of_its_column_are_hidden() {
        // "An,Maes" unquoted: the password moved past the header.
        let mut ragged = RawRow {
            row: 2,
            cells: vec![
                "S1".into(),
                "An".into(),
                "Maes".into(),
                "Secret-Pass1".into(),
            ],
            invalid_cells: Vec::new(),
            unclosed_quote_until: None,
            number_cells: Vec::new(),
        };
        let value = take_password(&mut ragged, &columns(), 3);
        assert_eq!(value, "An");
        assert_eq!(ragged.cells, ["S1", "", "Maes", HIDDEN]);
        let mut unclosed = RawRow {
            row: 3,
            cells: vec!["S2\nS3,Bo,Secret-Pass2".into(), "".into()],
            unclosed_quote_until: Some(4),
            invalid_cells: Vec::new(),
            number_cells: Vec::new(),
        };
        take_password(&mut unclosed, &columns(), 3);
        assert_eq!(unclosed.cells, [HIDDEN, ""]);
    }
}
