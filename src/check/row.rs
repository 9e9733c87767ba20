//! Checks on one row, and its conversion into a [`Salesperson`].

use crate::bc::{ColumnMap, Field};
use crate::check::{rules, Diagnostic, Location};
use crate::m365::countries;
use crate::normalize::{clean_text, split_full_name, text};
use crate::read::RawRow;
use crate::salesperson::Salesperson;

/// Parses a Business Central boolean as it arrives: Yes/No in English, Dutch, French and German,
/// TRUE/FALSE, 1/0; empty is No.
pub fn parse_boolean(value: &str) -> Option<bool> {
    match value.trim().to_lowercase().as_str() {
        "" | "no" | "false" | "0" | "nee" | "non" | "nein" | "n" | "onwaar" | "faux" | "falsch" => {
            Some(false)
        }
        "yes" | "true" | "1" | "ja" | "oui" | "y" | "waar" | "vrai" | "wahr" => Some(true),
        _ => None,
    }
}

/// Parses a number as Business Central and Excel write it in any locale: "2.5", "2,5", " 3 ", "1.234,5".
/// Returns it with a decimal point and no grouping, or `None` if it is not a number.
pub fn parse_decimal(value: &str) -> Option<String> {
    let value = value.trim().trim_end_matches('%').trim_end();
    if value.is_empty() {
        return None;
    }
    // The last of "." and "," is the decimal separator when both appear; a lone "," is one too.
    let normalised = match (value.rfind('.'), value.rfind(',')) {
        (Some(dot), Some(comma)) if comma > dot => value.replace('.', "").replace(',', "."),
        (Some(_), Some(_)) => value.replace(',', ""),
        (None, Some(_)) if value.matches(',').count() == 1 => value.replace(',', "."),
        _ => value.to_string(),
    };
    let number: f64 = normalised.parse().ok()?;
    number.is_finite().then_some(normalised)
}

/// Reads one row into a salesperson and reports what is wrong with each cell. `default_country` is
/// `--country`, for rows that name none.
pub fn check_row(
    raw: &RawRow,
    columns: &ColumnMap,
    header_len: usize,
    base: &Location,
    default_country: Option<&str>,
) -> (Salesperson, Vec<Diagnostic>) {
    let row_location = Location {
        row: Some(raw.row),
        ..base.clone()
    };
    let mut diagnostics = Vec::new();
    let at = |index: usize, header: &str| Location {
        column: Some(crate::check::ColumnRef {
            index,
            header: header.to_string(),
        }),
        ..row_location.clone()
    };

    for &i in &raw.invalid_cells {
        let header = columns_header(columns, i + 1);
        diagnostics.push(
            Diagnostic::new(
                &rules::INVALID_TEXT,
                at(i + 1, &header),
                "the cell holds bytes that are not valid text in the file's encoding (shown as \u{FFFD})",
            )
            .with_value(raw.cells[i].clone()),
        );
    }
    if raw.cells.len() > header_len {
        let extra: Vec<&String> = raw.cells[header_len..]
            .iter()
            .filter(|c| !c.trim().is_empty())
            .collect();
        if let Some(first) = extra.first() {
            diagnostics.push(
                Diagnostic::new(
                    &rules::RAGGED_ROW,
                    at(header_len + 1, ""),
                    format!(
                        "the row has {} cells, the header {header_len}",
                        raw.cells.len()
                    ),
                )
                .with_value((*first).clone()),
            );
        }
    } else if raw.cells.len() < header_len {
        diagnostics.push(Diagnostic::new(
            &rules::SHORT_ROW,
            row_location.clone(),
            format!(
                "the row has {} cells, the header {header_len}",
                raw.cells.len()
            ),
        ));
    }

    let mut salesperson = Salesperson::default();
    for (field, column) in columns.fields() {
        let raw_value = raw
            .cells
            .get(column.index - 1)
            .map(String::as_str)
            .unwrap_or("");
        let location = at(column.index, &column.header);
        if let Some(c) = text::find_control_char(raw_value) {
            diagnostics.push(
                Diagnostic::new(
                    &rules::CONTROL_CHARACTER,
                    location.clone(),
                    format!(
                        "{} holds the control character U+{:04X}",
                        field.caption(),
                        c as u32
                    ),
                )
                .with_value(raw_value),
            );
        }
        let value = clean_text(raw_value);
        if field.is_boolean() {
            match parse_boolean(&value) {
                Some(flag) => match field {
                    Field::Blocked => salesperson.blocked = flag,
                    Field::PrivacyBlocked => salesperson.privacy_blocked = flag,
                    _ => salesperson.coupled = flag,
                },
                None => diagnostics.push(
                    Diagnostic::new(
                        &rules::INVALID_BOOLEAN,
                        location,
                        format!("{} is \"{value}\", not Yes or No", field.caption()),
                    )
                    .with_value(value),
                ),
            }
            continue;
        }
        if text::looks_like_formula(&value, *field == Field::PhoneNo) {
            diagnostics.push(
                Diagnostic::new(
                    &rules::FORMULA_LIKE,
                    location.clone(),
                    format!(
                        "{} \"{value}\" starts like a spreadsheet formula",
                        field.caption()
                    ),
                )
                .with_value(value.clone()),
            );
        }
        if let Some(max) = field.bc_max_chars() {
            let len = value.chars().count();
            if len > max {
                diagnostics.push(
                    Diagnostic::new(
                        &rules::TOO_LONG_FOR_BC,
                        location.clone(),
                        format!(
                            "{} has {len} characters; Business Central holds {max}",
                            field.caption()
                        ),
                    )
                    .with_value(value.clone()),
                );
            }
        }
        match field {
            Field::Code => salesperson.code = value,
            Field::Name => salesperson.name = value,
            Field::Email => {
                salesperson.email = value.to_lowercase();
                salesperson.email_in_bc = value;
            }
            Field::Email2 => salesperson.email2 = value.to_lowercase(),
            Field::PhoneNo => salesperson.phone = value,
            Field::JobTitle => salesperson.job_title = value,
            Field::CommissionPct if value.is_empty() => {}
            Field::CommissionPct => match parse_decimal(&value) {
                Some(number) => salesperson.commission_pct = number,
                None => diagnostics.push(
                    Diagnostic::new(
                        &rules::INVALID_NUMBER,
                        location,
                        format!("{} is \"{value}\", not a number", field.caption()),
                    )
                    .with_value(value),
                ),
            },
            Field::Department => salesperson.department = value,
            Field::Country if value.is_empty() => {}
            Field::Country => match countries::country_code(&value) {
                Some(code) => salesperson.country = code.to_string(),
                None => diagnostics.push(
                    Diagnostic::new(
                        &rules::UNKNOWN_COUNTRY,
                        location,
                        format!(
                            "{} \"{value}\" is not an ISO 3166 two-letter country code",
                            field.caption()
                        ),
                    )
                    .with_value(value),
                ),
            },
            Field::Blocked | Field::PrivacyBlocked | Field::CoupledToDataverse => {}
        }
    }
    salesperson.person = split_full_name(&salesperson.name);
    let country_cell_empty = columns
        .column(Field::Country)
        .and_then(|c| raw.cells.get(c.index - 1))
        .map_or(true, |v| v.trim().is_empty());
    if let (Some(country), true) = (default_country, country_cell_empty) {
        salesperson.country = country.to_string();
    }

    let cell = |field: Field| columns.locate(field, &row_location);
    if salesperson.code.is_empty() {
        diagnostics.push(Diagnostic::new(
            &rules::EMPTY_CODE,
            cell(Field::Code),
            "the Code is empty",
        ));
    }
    if salesperson.name.is_empty() {
        diagnostics.push(Diagnostic::new(
            &rules::EMPTY_NAME,
            cell(Field::Name),
            "the Name is empty",
        ));
    }
    for field in [Field::Email, Field::Email2] {
        let value = if field == Field::Email {
            &salesperson.email
        } else {
            &salesperson.email2
        };
        if let Some(problem) = email_problem(value) {
            diagnostics.push(
                Diagnostic::new(
                    problem,
                    cell(field),
                    format!(
                        "{} \"{value}\" {}",
                        field.caption(),
                        if problem.code == rules::SEVERAL_EMAILS.code {
                            "holds more than one address"
                        } else {
                            "is not a valid e-mail address"
                        }
                    ),
                )
                .with_value(value.clone()),
            );
        }
    }
    (salesperson, diagnostics)
}

/// The rule an e-mail address breaks, if any. Empty is fine: the field is optional.
pub fn email_problem(value: &str) -> Option<&'static crate::check::Rule> {
    use validator::ValidateEmail;
    if value.is_empty() {
        return None;
    }
    if value.matches('@').count() > 1 && value.contains([';', ',', ' ']) {
        return Some(&rules::SEVERAL_EMAILS);
    }
    // validator accepts intranet hosts ("jan@contoso"); a mailbox for Microsoft 365 needs a real domain.
    let has_dotted_domain = value.rsplit_once('@').is_some_and(|(_, domain)| {
        domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.')
    });
    if !value.validate_email() || !has_dotted_domain {
        return Some(&rules::INVALID_EMAIL);
    }
    None
}

fn columns_header(columns: &ColumnMap, index: usize) -> String {
    columns
        .fields()
        .find(|(_, c)| c.index == index)
        .map(|(_, c)| c.header.clone())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn booleans_in_every_language() {
        for yes in ["Yes", "TRUE", "1", "Ja", "Oui", "ja", "waar"] {
            assert_eq!(parse_boolean(yes), Some(true), "{yes}");
        }
        for no in ["No", "FALSE", "0", "Nee", "Non", "Nein", ""] {
            assert_eq!(parse_boolean(no), Some(false), "{no}");
        }
        assert_eq!(parse_boolean("maybe"), None);
    }

    #[test]
    fn decimal_commas_are_numbers() {
        assert_eq!(parse_decimal("2,5").as_deref(), Some("2.5"));
        assert_eq!(parse_decimal("2.5").as_deref(), Some("2.5"));
        assert_eq!(parse_decimal(" 3 ").as_deref(), Some("3"));
        assert_eq!(parse_decimal("1.234,5").as_deref(), Some("1234.5"));
        assert_eq!(parse_decimal("1,234.5").as_deref(), Some("1234.5"));
        assert_eq!(parse_decimal("2,5 %").as_deref(), Some("2.5"));
        assert_eq!(parse_decimal("two"), None);
        assert_eq!(parse_decimal("1,2,3"), None);
    }

    #[test]
    fn email_problems() {
        assert_eq!(email_problem(""), None);
        assert_eq!(email_problem("jan@contoso.com"), None);
        assert_eq!(email_problem("jan@"), Some(&rules::INVALID_EMAIL));
        assert_eq!(
            email_problem("jan.contoso.com"),
            Some(&rules::INVALID_EMAIL)
        );
        assert_eq!(
            email_problem("a@x.com; b@y.com"),
            Some(&rules::SEVERAL_EMAILS)
        );
    }
}
