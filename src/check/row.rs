//! Checks on one row, and its conversion into a [`Salesperson`].

use crate::bc::{ColumnMap, Field};
use crate::diagnostic::{rules, Diagnostic, Location};
use crate::m365::{countries, ImportColumn, ImportHeader, ImportRow};
use crate::normalize::salesperson::{ImportedRow, Salesperson};
use crate::normalize::{clean_text, split_full_name, text};
use crate::read::RawRow;

/// The words Business Central shows for No and Yes in its UI languages (README.md, "Languages"), with
/// Excel's TRUE/FALSE in the same languages, and 1/0. Compared lower-cased, accents kept:
/// "si" without its accent is Spanish typed on a keyboard without one, and means yes too.
const NO_WORDS: &[&str] = &[
    "no", "n", "false", "0", "nee", "onwaar", "non", "faux", "nein", "falsch", "nej", "nei", "ei",
    "ne", "нет", "falso", "falsk", "falskt", "usann", "epätosi", "ósatt", "nepravda", "ложь",
];
const YES_WORDS: &[&str] = &[
    "yes",
    "y",
    "true",
    "1",
    "ja",
    "waar",
    "oui",
    "vrai",
    "wahr",
    "sí",
    "si",
    "sì",
    "kyllä",
    "já",
    "ano",
    "да",
    "verdadero",
    "vero",
    "sand",
    "sant",
    "sann",
    "tosi",
    "satt",
    "pravda",
    "истина",
];

/// Parses a Business Central boolean as it arrives: Yes/No in any of its UI languages, TRUE/FALSE,
/// 1/0; empty is No.
pub fn parse_boolean(value: &str) -> Option<bool> {
    let word = value.trim().to_lowercase();
    if word.is_empty() || NO_WORDS.contains(&word.as_str()) {
        Some(false)
    } else if YES_WORDS.contains(&word.as_str()) {
        Some(true)
    } else {
        None
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
    let mut diagnostics = structure_problems(raw, header_len, &row_location, |i| {
        columns_header(columns, i)
    });
    let mut salesperson = Salesperson::default();
    for (field, column) in columns.fields() {
        if field.is_mapped_only() {
            continue;
        }
        let raw_value = raw
            .cells
            .get(column.index - 1)
            .map(String::as_str)
            .unwrap_or("");
        let location = || Location {
            column: Some(crate::diagnostic::ColumnRef {
                index: column.index,
                header: column.header.to_string(),
            }),
            ..row_location.clone()
        };
        let found = read_field(*field, raw_value, &mut salesperson, location);
        diagnostics.extend(found);
        if *field == Field::PhoneNo {
            let stored_as_number = raw.number_cells.contains(&(column.index - 1));
            diagnostics.extend(phone_as_number(raw_value, stored_as_number, location));
        }
    }
    salesperson.person = split_full_name(&salesperson.name);
    let country_cell_empty = columns
        .column(Field::Country)
        .and_then(|c| raw.cells.get(c.index - 1))
        .is_none_or(|v| v.trim().is_empty());
    if let (Some(country), true) = (default_country, country_cell_empty) {
        salesperson.country = country.to_string();
    }
    let cell = |field: Field| columns.locate(field, &row_location);
    diagnostics.extend(required_fields(&salesperson, cell));
    diagnostics.extend(email_findings(&mut salesperson, cell));
    if salesperson.privacy_blocked {
        return private(salesperson, diagnostics);
    }
    (salesperson, only_the_quote(raw, diagnostics))
}

/// A privacy-blocked salesperson keeps its Code and nothing else: no value of theirs is carried further,
/// not even inside a finding, so none can reach an output. Only the finding on Privacy Blocked itself
/// stays, when its value could not be read.
fn private(
    salesperson: Salesperson,
    mut diagnostics: Vec<Diagnostic>,
) -> (Salesperson, Vec<Diagnostic>) {
    diagnostics.retain(|d| d.rule == &rules::PRIVACY_UNREADABLE);
    let kept = Salesperson {
        code: salesperson.code,
        company: salesperson.company,
        privacy_blocked: true,
        ..Salesperson::default()
    };
    (kept, diagnostics)
}

/// Whether a row's Privacy Blocked cell says blocked, or cannot be read (which counts as blocked): for rows
/// that are not read as a salesperson's, whose cells must still not show such a person's data.
pub fn says_privacy_blocked(cells: &[String], columns: &ColumnMap) -> bool {
    let cell = columns
        .column(Field::PrivacyBlocked)
        .and_then(|c| cells.get(c.index - 1))
        .map(|c| clean_text(c))
        .unwrap_or_default();
    parse_boolean(&cell) != Some(false)
}

/// The cells of a privacy-blocked salesperson's row as they may be shown: the Code, the Privacy Blocked
/// value, the company, and nothing else.
pub fn private_cells(cells: &mut [String], columns: &ColumnMap) {
    let kept: Vec<usize> = [Field::Code, Field::PrivacyBlocked, Field::Company]
        .into_iter()
        .filter_map(|f| columns.column(f).map(|c| c.index - 1))
        .collect();
    for (i, cell) in cells.iter_mut().enumerate() {
        if !kept.contains(&i) {
            cell.clear();
        }
    }
}

/// A row read past an unclosed quote is several lines run together: its cells, their count and the line
/// breaks in them all follow from that one mistake, so the quote alone is reported.
fn only_the_quote(raw: &RawRow, mut diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    if raw.unclosed_quote_until.is_some() {
        diagnostics.retain(|d| d.rule == &rules::UNCLOSED_QUOTE);
    }
    diagnostics
}

/// One cell: checked as read, cleaned, and stored in its field.
fn read_field(
    field: Field,
    raw_value: &str,
    salesperson: &mut Salesperson,
    location: impl Fn() -> Location,
) -> Vec<Diagnostic> {
    let mut found: Vec<Diagnostic> = control_character(field.caption(), raw_value, &location)
        .into_iter()
        .collect();
    let value = clean_text(raw_value);
    if field.is_boolean() {
        found.extend(read_boolean(field, value, salesperson, location));
        return found;
    }
    let is_phone = field == Field::PhoneNo;
    found.extend(formula_like(field.caption(), &value, is_phone, &location));
    if is_phone && !value.is_empty() && !text::is_phone_number(&value) {
        found.push(
            Diagnostic::new(
                &rules::PHONE_CHARACTERS,
                location(),
                format!("Phone No. \"{value}\" holds other characters than digits, spaces and + ( ) - . /"),
            )
            .with_value(value.clone()),
        );
    }
    let len = value.chars().count();
    if let Some(max) = field.bc_max_chars().filter(|max| len > *max) {
        let message = format!(
            "{} has {len} characters; Business Central holds {max}",
            field.caption()
        );
        found.push(
            Diagnostic::new(&rules::TOO_LONG_FOR_BC, location(), message).with_value(value.clone()),
        );
    }
    found.extend(store_value(field, value, salesperson, location));
    found
}

/// A Yes/No field (Blocked, Privacy Blocked, Coupled to Dataverse).
fn read_boolean(
    field: Field,
    value: String,
    salesperson: &mut Salesperson,
    location: impl Fn() -> Location,
) -> Option<Diagnostic> {
    let Some(flag) = parse_boolean(&value) else {
        if field == Field::PrivacyBlocked {
            // A person who may have asked not to be processed is not processed on a guess.
            salesperson.privacy_blocked = true;
            let message = format!(
                "Privacy Blocked is \"{value}\", not Yes or No: the salesperson is treated as privacy blocked"
            );
            return Some(
                Diagnostic::new(&rules::PRIVACY_UNREADABLE, location(), message).with_value(value),
            );
        }
        let message = format!("{} is \"{value}\", not Yes or No", field.caption());
        return Some(
            Diagnostic::new(&rules::INVALID_BOOLEAN, location(), message).with_value(value),
        );
    };
    match field {
        Field::Blocked => salesperson.blocked = flag,
        Field::PrivacyBlocked => salesperson.privacy_blocked = flag,
        _ => salesperson.coupled = flag,
    }
    None
}

/// A text field's cleaned value into the salesperson; a number or country that is none is a finding.
fn store_value(
    field: Field,
    value: String,
    salesperson: &mut Salesperson,
    location: impl Fn() -> Location,
) -> Option<Diagnostic> {
    let invalid = |rule, message: String, value: String| {
        Some(Diagnostic::new(rule, location(), message).with_value(value))
    };
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
            None => {
                let message = format!("{} is \"{value}\", not a number", field.caption());
                return invalid(&rules::INVALID_NUMBER, message, value);
            }
        },
        Field::Department => salesperson.department = value,
        Field::Company => salesperson.company = value,
        Field::Country if value.is_empty() => {}
        Field::Country => match countries::country_code(&value) {
            Some(code) => salesperson.country = code.to_string(),
            None => {
                let message = format!(
                    "{} \"{value}\" is not an ISO 3166 two-letter country code",
                    field.caption()
                );
                return invalid(&rules::UNKNOWN_COUNTRY, message, value);
            }
        },
        // Taken out of the row before it is checked (check::password).
        Field::Password => {}
        Field::Blocked | Field::PrivacyBlocked | Field::CoupledToDataverse => {}
    }
    None
}

/// Whether a Name is a boolean as a spreadsheet or JSON gives it: a boolean cell, or `true`/`false`.
fn is_boolean_value(name: &str) -> bool {
    name.eq_ignore_ascii_case("true") || name.eq_ignore_ascii_case("false")
}

/// A salesperson needs a Code and a Name.
fn required_fields(salesperson: &Salesperson, cell: impl Fn(Field) -> Location) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    if salesperson.code.is_empty() {
        found.push(Diagnostic::new(
            &rules::EMPTY_CODE,
            cell(Field::Code),
            "the Code is empty",
        ));
    }
    if salesperson.name.is_empty() {
        found.push(Diagnostic::new(
            &rules::EMPTY_NAME,
            cell(Field::Name),
            "the Name is empty",
        ));
    } else if !salesperson.name.chars().any(char::is_alphabetic)
        || text::is_excel_error(&salesperson.name)
        || text::is_placeholder(&salesperson.name)
        || is_boolean_value(&salesperson.name)
    {
        let what = if text::is_excel_error(&salesperson.name) {
            "is an Excel error value, not a name"
        } else if is_boolean_value(&salesperson.name) {
            "is a Yes/No value (a spreadsheet's or JSON's TRUE or FALSE), not a name"
        } else if text::is_placeholder(&salesperson.name) {
            "is a placeholder, not a name"
        } else {
            "has no letter"
        };
        let message = format!("the Name \"{}\" {what}", salesperson.name);
        found.push(
            Diagnostic::new(&rules::NAME_WITHOUT_LETTER, cell(Field::Name), message)
                .with_value(salesperson.name.clone()),
        );
    }
    found
}

/// Email and Email 2: well-formed addresses (empty counts as well-formed), worked out once here.
fn email_findings(
    salesperson: &mut Salesperson,
    cell: impl Fn(Field) -> Location,
) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    for field in [Field::Email, Field::Email2] {
        let value = if field == Field::Email {
            &salesperson.email
        } else {
            &salesperson.email2
        };
        let problem = email_problem(value);
        if let Some(problem) = problem {
            let what = if problem.code == rules::SEVERAL_EMAILS.code {
                "holds more than one address"
            } else {
                "is not a valid e-mail address"
            };
            let message = format!("{} \"{value}\" {what}", field.caption());
            found.push(Diagnostic::new(problem, cell(field), message).with_value(value.clone()));
        }
        if field == Field::Email {
            salesperson.email_valid = problem.is_none();
        } else {
            salesperson.email2_valid = problem.is_none();
        }
    }
    found
}

/// F017 when a phone number was a number in the workbook, or arrives in Excel's exponent notation
/// ("3,24789E+10"): its leading 0 or "+" is gone, and an exponent has lost digits too.
fn phone_as_number(
    value: &str,
    stored_as_number: bool,
    location: impl FnOnce() -> Location,
) -> Option<Diagnostic> {
    let value = value.trim();
    let exponent = value.contains(['E', 'e'])
        && value.replace(',', ".").parse::<f64>().is_ok()
        && value.chars().any(|c| c.is_ascii_digit());
    if value.is_empty() || !(stored_as_number || exponent) {
        return None;
    }
    let message = if exponent {
        format!("Phone No. {value} is a number in exponent notation: digits and a leading 0 or + were lost")
    } else {
        format!("Phone No. {value} was stored as a number, so a leading 0 or + may have been lost")
    };
    Some(Diagnostic::new(&rules::PHONE_STORED_AS_NUMBER, location(), message).with_value(value))
}

/// F008 when a cell as read holds a control or invisible character: refused, never cleaned away.
fn control_character(
    name: &str,
    raw_value: &str,
    location: impl FnOnce() -> Location,
) -> Option<Diagnostic> {
    let c = text::find_control_char(raw_value)?;
    Some(
        Diagnostic::new(
            &rules::CONTROL_CHARACTER,
            location(),
            format!(
                "{name} holds the control or invisible character U+{:04X}",
                c as u32
            ),
        )
        .with_value(raw_value),
    )
}

/// F007 when a cleaned value starts like a spreadsheet formula (a phone number is not one).
fn formula_like(
    name: &str,
    value: &str,
    is_phone: bool,
    location: impl FnOnce() -> Location,
) -> Option<Diagnostic> {
    let formula = text::looks_like_formula(value, is_phone)
        || text::looks_like_guarded_formula(value, is_phone);
    formula.then(|| {
        Diagnostic::new(
            &rules::FORMULA_LIKE,
            location(),
            format!("{name} \"{value}\" starts like a spreadsheet formula"),
        )
        .with_value(value)
    })
}

/// What is wrong with a row as a whole: cells that were not valid text, and more or fewer cells than
/// the header. `header_of` names the header of a 1-based column.
fn structure_problems(
    raw: &RawRow,
    header_len: usize,
    row_location: &Location,
    header_of: impl Fn(usize) -> String,
) -> Vec<Diagnostic> {
    let at = |index: usize, header: &str| Location {
        column: Some(crate::diagnostic::ColumnRef {
            index,
            header: header.to_string(),
        }),
        ..row_location.clone()
    };
    let mut diagnostics = Vec::new();
    if let Some(last) = raw.unclosed_quote_until {
        diagnostics.push(Diagnostic::new(
            &rules::UNCLOSED_QUOTE,
            row_location.clone(),
            format!(
                "a quoted value on this row is never closed: lines {} to {last} were read as one row",
                raw.row
            ),
        ));
    }
    for &i in &raw.invalid_cells {
        diagnostics.push(
            Diagnostic::new(
                &rules::INVALID_TEXT,
                at(i + 1, &header_of(i + 1)),
                "the cell holds bytes that are not valid text in the file's encoding (shown as \u{FFFD})",
            )
            .with_value(raw.cells.get(i).cloned().unwrap_or_default()),
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
    diagnostics
}

/// The columns of a Microsoft 365 import file as the salesperson fields they hold, so that problems
/// point at the right cell: User Name is where the user name is, Display Name the name, and so on.
pub fn import_file_columns(header: ImportHeader) -> ColumnMap {
    let field_of = |column: ImportColumn| match column {
        ImportColumn::UserName => Some(Field::Email),
        ImportColumn::DisplayName => Some(Field::Name),
        ImportColumn::JobTitle => Some(Field::JobTitle),
        ImportColumn::MobilePhone => Some(Field::PhoneNo),
        ImportColumn::AlternateEmail => Some(Field::Email2),
        ImportColumn::Department => Some(Field::Department),
        ImportColumn::CountryOrRegion => Some(Field::Country),
        _ => None,
    };
    ColumnMap::from_columns(
        header
            .columns()
            .into_iter()
            .enumerate()
            .filter_map(|(i, column)| {
                field_of(column).map(|field| {
                    (
                        field,
                        crate::diagnostic::ColumnRef {
                            index: i + 1,
                            header: column.header().to_string(),
                        },
                    )
                })
            })
            .collect(),
    )
}

/// Reads one row of a Microsoft 365 import file: every value cleaned and checked as Business Central
/// values are, names taken as given (never re-split), the User Name kept for the plan to check.
pub fn check_import_row(
    raw: &RawRow,
    header: ImportHeader,
    base: &Location,
    default_country: Option<&str>,
) -> (Salesperson, Vec<Diagnostic>) {
    let row_location = Location {
        row: Some(raw.row),
        ..base.clone()
    };
    let columns = header.columns();
    let header_of = |index: usize| {
        columns
            .get(index.wrapping_sub(1))
            .map(|c| c.header().to_string())
            .unwrap_or_default()
    };
    let mut diagnostics = structure_problems(raw, columns.len(), &row_location, header_of);
    let row = clean_import_row(raw, header, &row_location, &mut diagnostics);
    let mut salesperson = imported_salesperson(&row);
    let country = row.get(ImportColumn::CountryOrRegion).to_string();
    match countries::country_code_for(&country) {
        Some(code) => salesperson.country = code.to_string(),
        None if country.is_empty() => {
            salesperson.country = default_country.unwrap_or_default().to_string();
        }
        None => {}
    }
    let columns_map = import_file_columns(header);
    let cell = |field: Field| columns_map.locate(field, &row_location);
    if salesperson.country.is_empty() && !country.is_empty() {
        // A country no one can map would share a file with other countries' users, which the wizard's
        // one location per file cannot serve.
        diagnostics.push(
            Diagnostic::new(
                &rules::UNKNOWN_COUNTRY,
                cell(Field::Country),
                format!("Country or Region \"{country}\" is neither a country's English short name nor its ISO 3166 code"),
            )
            .with_value(country),
        );
    }
    if salesperson.name.is_empty() {
        diagnostics.push(Diagnostic::new(
            &rules::EMPTY_NAME,
            cell(Field::Name),
            "the Display Name is empty",
        ));
    }
    diagnostics.extend(imported_email_findings(&mut salesperson, cell));
    salesperson.import_row = Some(Box::new(ImportedRow { header, row }));
    (salesperson, only_the_quote(raw, diagnostics))
}

/// An import file's row with every value checked as read and cleaned; the addresses lower-cased.
fn clean_import_row(
    raw: &RawRow,
    header: ImportHeader,
    row_location: &Location,
    diagnostics: &mut Vec<Diagnostic>,
) -> ImportRow {
    let as_read = ImportRow::from_cells(header, &raw.cells);
    let mut row = ImportRow::default();
    for (i, column) in header.columns().iter().copied().enumerate() {
        let raw_value = as_read.get(column);
        let location = || Location {
            column: Some(crate::diagnostic::ColumnRef {
                index: i + 1,
                header: column.header().to_string(),
            }),
            ..row_location.clone()
        };
        diagnostics.extend(control_character(column.header(), raw_value, location));
        let value = clean_text(raw_value);
        let found = formula_like(column.header(), &value, column.is_phone(), location);
        diagnostics.extend(found);
        row.set(column, value);
    }
    for column in [ImportColumn::UserName, ImportColumn::AlternateEmail] {
        let lower = row.get(column).to_lowercase();
        row.set(column, lower);
    }
    row
}

/// The salesperson an import file's row describes: its names as given, never re-split.
fn imported_salesperson(row: &ImportRow) -> Salesperson {
    Salesperson {
        name: row.get(ImportColumn::DisplayName).to_string(),
        person: crate::normalize::PersonName {
            first: row.get(ImportColumn::FirstName).to_string(),
            last: row.get(ImportColumn::LastName).to_string(),
        },
        email: row.get(ImportColumn::UserName).to_string(),
        email2: row.get(ImportColumn::AlternateEmail).to_string(),
        phone: row.get(ImportColumn::MobilePhone).to_string(),
        job_title: row.get(ImportColumn::JobTitle).to_string(),
        department: row.get(ImportColumn::Department).to_string(),
        ..Salesperson::default()
    }
}

/// The User Name is checked as a user name when the rows are planned; the alternate address here.
fn imported_email_findings(
    salesperson: &mut Salesperson,
    cell: impl Fn(Field) -> Location,
) -> Option<Diagnostic> {
    salesperson.email_valid = email_problem(&salesperson.email).is_none();
    let problem = email_problem(&salesperson.email2);
    salesperson.email2_valid = problem.is_none();
    let message = format!(
        "Alternate email address \"{}\" is not a valid e-mail address",
        salesperson.email2
    );
    let found = Diagnostic::new(problem?, cell(Field::Email2), message);
    Some(found.with_value(salesperson.email2.clone()))
}

/// The rule an e-mail address breaks, if any. Empty is fine: the field is optional.
pub fn email_problem(value: &str) -> Option<&'static crate::diagnostic::Rule> {
    use validator::ValidateEmail;
    if value.is_empty() {
        return None;
    }
    if value.matches('@').count() > 1 && value.contains([';', ',', ' ']) {
        return Some(&rules::SEVERAL_EMAILS);
    }
    // validator accepts intranet hosts ("jan@contoso") and IP literals ("jan@[192.0.2.1]", "jan@192.0.2.1");
    // a mailbox for Microsoft 365, or a recovery address, needs a real domain name.
    let has_dotted_domain = value.rsplit_once('@').is_some_and(|(_, domain)| {
        let ip_literal = domain.starts_with('[')
            || domain.parse::<std::net::IpAddr>().is_ok()
            || domain.chars().all(|c| c.is_ascii_digit() || c == '.');
        domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.') && !ip_literal
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
        for yes in [
            "Yes", "TRUE", "1", "Ja", "Oui", "ja", "waar", "Sí", "Sì", "si", "Kyllä", "Já", "Ano",
            "Да",
        ] {
            assert_eq!(parse_boolean(yes), Some(true), "{yes}");
        }
        for no in [
            "No", "FALSE", "0", "Nee", "Non", "Nein", "", "Nej", "Nei", "Ei", "Ne", "Нет",
        ] {
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
        for ip in ["jan@[192.0.2.1]", "jan@192.0.2.1", "jan@[IPv6:2001:db8::1]"] {
            assert_eq!(email_problem(ip), Some(&rules::INVALID_EMAIL), "{ip}");
        }
        assert_eq!(email_problem("jan@123.contoso.com"), None);
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
