//! The last steps of planning a row: its built user name, the output guard on its import row, and the
//! special accounts.

use crate::bc::Field;
use crate::check::set::Sources;
use crate::diagnostic::{rules, ColumnRef, Diagnostic, Location};
use crate::m365::format::{ImportColumn, ImportRow};
use crate::normalize::text;
use crate::plan::keys::KeySets;
use crate::plan::names::NameBuilder;
use crate::plan::people::People;
use crate::plan::{Entry, Outcome, PlanOptions};

/// The output guard on a written entry's import row: Microsoft's column limits, and no value derived
/// from the input (a first name split off "Aa, =") reaching a cell as a formula or a control character.
fn guard(entry: &mut Entry, sources: &Sources) {
    if entry.outcome != Outcome::Written {
        return;
    }
    let found = guard_findings(entry, sources);
    if !found.is_empty() {
        entry.diagnostics.extend(found);
        entry.outcome = Outcome::Rejected;
    }
}

fn guard_findings(entry: &Entry, sources: &Sources) -> Vec<Diagnostic> {
    let map = &sources.inputs[entry.input].columns;
    let mut found = Vec::new();
    for column in ImportColumn::ALL {
        let value = import_value(entry, column);
        let location = || map.locate(source_field(column), &entry.location);
        if text::looks_like_formula(value, column.is_phone() && text::is_phone_number(value)) {
            found.push(
                Diagnostic::new(
                    &rules::FORMULA_LIKE,
                    location(),
                    format!(
                        "{} \"{value}\" would start like a spreadsheet formula",
                        column.header()
                    ),
                )
                .with_value(value),
            );
        }
        if let Some(c) = text::find_control_char(value) {
            found.push(
                Diagnostic::new(
                    &rules::CONTROL_CHARACTER,
                    location(),
                    format!(
                        "{} would hold the control or invisible character U+{:04X}",
                        column.header(),
                        c as u32
                    ),
                )
                .with_value(value),
            );
        }
        let len = value.chars().count();
        if let Some(max) = column.max_chars().filter(|max| len > *max) {
            let location = match &entry.salesperson.import_row {
                // The import file's own column.
                Some(given) => Location {
                    column: given.header.position(column).map(|index| ColumnRef {
                        index,
                        header: column.header().to_string(),
                    }),
                    ..entry.location.clone()
                },
                None => map.locate(source_field(column), &entry.location),
            };
            found.push(
                Diagnostic::new(
                    &rules::TOO_LONG_FOR_M365,
                    location,
                    format!(
                        "{} would have {len} characters; Microsoft 365 accepts {max}",
                        column.header()
                    ),
                )
                .with_value(value),
            );
        }
    }
    found
}

/// The last steps of a row whose user name is built from its name, once every row's first step is
/// taken: the user name, then the [`last_checks`].
pub fn finish(
    entry: &mut Entry,
    names: &mut NameBuilder,
    keys: &KeySets,
    people: &mut People,
    options: &PlanOptions,
    sources: &Sources,
) {
    if entry.outcome == Outcome::SamePerson && entry.upn.is_none() {
        take_the_persons_user_name(entry, people);
    }
    if entry.needs_built_name() {
        names.build(entry, keys, people, options, sources);
    }
    last_checks(entry, options, sources);
}

/// A record that joined a person whose user name was still to be built takes it now; if that person's
/// first record was rejected after all, the record is planned as a person of its own.
fn take_the_persons_user_name(entry: &mut Entry, people: &mut People) {
    let Some(id) = entry.person else {
        return;
    };
    if let Some(upn) = people.upn(id) {
        entry.upn = Some(upn.clone());
        return;
    }
    people.leave(id, &entry.location);
    entry
        .diagnostics
        .retain(|d| d.rule != &rules::SAME_PERSON && d.rule != &rules::PERSON_DIFFERS);
    entry.outcome = Outcome::Written;
    entry.person = people.start_person(&entry.salesperson, &entry.location, None);
    // Its private e-mail (kept when it joined) is the alternate email; else Email 2, as for any salesperson.
    if entry.alternate_email.is_empty() {
        entry.alternate_email = crate::plan::keys::email2_as_alternate(&entry.salesperson);
    }
}

/// The checks on a row with its user name: the output guard, and the special accounts' rules.
pub fn last_checks(entry: &mut Entry, options: &PlanOptions, sources: &Sources) {
    guard(entry, sources);
    let columns = &sources.inputs[entry.input].columns;
    if let Some(found) = maybe_existing(entry, options, columns) {
        entry.diagnostics.push(found);
        if options.strict {
            entry.outcome = Outcome::Rejected;
        }
    }
    options.accounts.check_salesperson(entry, |e| {
        (
            columns.locate(Field::Email, &e.location),
            columns.locate(Field::Name, &e.location),
        )
    });
}

/// E002: a new user is planned for a salesperson whose name an existing user has, at none of the
/// salesperson's addresses: likely the same person, whom a new account would give a second one.
fn maybe_existing(
    entry: &Entry,
    options: &PlanOptions,
    columns: &crate::bc::ColumnMap,
) -> Option<Diagnostic> {
    let existing = options.existing.as_ref().filter(|e| !e.earlier_run)?;
    if entry.outcome != Outcome::Written {
        return None;
    }
    let sp = &entry.salesperson;
    let upn = entry.upn.as_ref().map(|u| u.key());
    let user = existing
        .named(&sp.name)
        .find(|u| Some(u.upn.to_lowercase()) != upn && u.may_be(&sp.company, &sp.code))?;
    let message = format!(
        "the existing user {} (in {}) is also \"{}\": a new user {} would be a second account if they are one person",
        user.upn,
        existing.file,
        user.display_name,
        upn.unwrap_or_default()
    );
    let found = Diagnostic::new(
        &rules::MAYBE_EXISTING_USER,
        columns.locate(Field::Name, &entry.location),
        message,
    );
    Some(found.with_value(&sp.name))
}

pub(crate) fn import_row(entry: &Entry) -> ImportRow {
    let mut row = ImportRow::default();
    for column in ImportColumn::ALL {
        row.set(column, import_value(entry, column));
    }
    row
}

/// The value of one column of the entry's import row, borrowed: the output guard looks at every column
/// of every row, and need not build the row to do it.
fn import_value(entry: &Entry, column: ImportColumn) -> &str {
    let sp = &entry.salesperson;
    match column {
        ImportColumn::UserName => {
            if let Some(upn) = &entry.upn {
                return upn.as_str();
            }
        }
        // The country always as its English short name ("BE" and "Belgium" are one country, and one file).
        ImportColumn::CountryOrRegion => {
            if let Some(name) = crate::m365::countries::country_name(&sp.country) {
                return name;
            }
        }
        _ => {}
    }
    if let Some(given) = &sp.import_row {
        // Re-written as read (cleaned), with the user name decided here.
        return given.row.get(column);
    }
    match column {
        ImportColumn::FirstName => &sp.person.first,
        ImportColumn::LastName => &sp.person.last,
        ImportColumn::DisplayName => &sp.name,
        ImportColumn::JobTitle => &sp.job_title,
        // Phone No. goes to Mobile Phone: the Sales-to-BC sync writes MobilePhone back into Phone No.
        ImportColumn::MobilePhone => &sp.phone,
        ImportColumn::AlternateEmail => &entry.alternate_email,
        ImportColumn::Department => &sp.department,
        _ => "",
    }
}

/// The Business Central field an import column's value came from, for pointing at the cell to fix.
fn source_field(column: ImportColumn) -> Field {
    match column {
        ImportColumn::JobTitle => Field::JobTitle,
        ImportColumn::MobilePhone => Field::PhoneNo,
        ImportColumn::AlternateEmail | ImportColumn::UserName => Field::Email,
        ImportColumn::Department => Field::Department,
        ImportColumn::CountryOrRegion => Field::Country,
        _ => Field::Name,
    }
}
