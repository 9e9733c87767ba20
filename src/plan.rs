//! Planning: which salesperson becomes which Microsoft 365 user, which are skipped or rejected and why,
//! and which import file each user goes into.

use std::collections::{BTreeMap, HashMap};

use crate::bc::{ColumnMap, Field};
use crate::check::set::{describe, Duplicates, FirstSeen};
use crate::check::{rules, Diagnostic, Location, Severity};
use crate::m365::format::{ImportColumn, ImportRow, MAX_USERS_PER_FILE};
use crate::m365::upn::UpnProblem;
use crate::m365::UserPrincipalName;
use crate::normalize::{build_alias, Transliteration};
use crate::salesperson::{Salesperson, SkipReason};

/// The choices that shape a plan.
#[derive(Debug, Clone)]
pub struct PlanOptions {
    /// The tenant's verified domains, lower-cased; new user names get the first.
    pub domains: Vec<String>,
    pub transliteration: Transliteration,
}

/// What happens to one input row's salesperson.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Written,
    Skipped(SkipReason),
    Rejected,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Written => "written",
            Outcome::Skipped(_) => "skipped",
            Outcome::Rejected => "rejected",
        }
    }
}

/// One salesperson read from a row, before planning.
#[derive(Debug, Clone)]
pub struct RowInput {
    pub input: usize,
    /// The row's location (no column).
    pub location: Location,
    pub salesperson: Salesperson,
    pub diagnostics: Vec<Diagnostic>,
}

/// One salesperson after planning.
#[derive(Debug, Clone)]
pub struct Entry {
    pub input: usize,
    pub location: Location,
    pub salesperson: Salesperson,
    pub diagnostics: Vec<Diagnostic>,
    pub outcome: Outcome,
    pub upn: Option<UserPrincipalName>,
    /// Whether the user name came from the salesperson's Email (else it was built from the name).
    pub upn_from_email: bool,
    pub alternate_email: String,
    pub import: Option<ImportRow>,
    /// Index into [`Plan::batches`].
    pub batch: Option<usize>,
}

impl Entry {
    /// Why the row is skipped or rejected, in words; `None` for written rows.
    pub fn reason(&self) -> Option<String> {
        match self.outcome {
            Outcome::Written => None,
            Outcome::Skipped(reason) => Some(reason.describe().to_string()),
            Outcome::Rejected => {
                let errors: Vec<String> = self
                    .diagnostics
                    .iter()
                    .filter(|d| d.severity() == Severity::Error)
                    .map(|d| format!("{}: {}", d.code(), d.message))
                    .collect();
                Some(errors.join("; "))
            }
        }
    }
}

/// One import file: users of one country, at most 249.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    pub file_name: String,
    pub country: Option<String>,
    /// Indexes into [`Plan::entries`], in input order.
    pub entries: Vec<usize>,
}

#[derive(Debug, Default)]
pub struct Plan {
    pub entries: Vec<Entry>,
    pub batches: Vec<Batch>,
}

impl Plan {
    pub fn count(&self, outcome: fn(Outcome) -> bool) -> usize {
        self.entries.iter().filter(|e| outcome(e.outcome)).count()
    }
}

/// Plans every row: duplicates, user names, outcomes and import files.
pub fn plan(rows: Vec<RowInput>, columns: &[ColumnMap], options: &PlanOptions) -> Plan {
    let at = |row: &RowInput, field: Field| columns[row.input].locate(field, &row.location);
    let mut duplicates = Duplicates::default();
    let mut explicit = FirstSeen::default();
    let mut entries: Vec<Entry> = Vec::with_capacity(rows.len());

    // Pass 1: per-row user names from Email, and every duplicate that does not depend on built names.
    for row in rows {
        let mut diagnostics = row.diagnostics.clone();
        let sp = &row.salesperson;
        diagnostics.extend(duplicates.code(&sp.code, &at(&row, Field::Code)));
        let skip = sp.skip_reason();
        let mut upn = None;
        let mut alternate_email = String::new();
        if sp.import_row.is_some() {
            // A row of a Microsoft 365 import file: its User Name is the user name, checked strictly.
            diagnostics.extend(duplicates.name(&sp.name, &at(&row, Field::Name)));
            alternate_email = sp.email2.clone();
            if !sp.email.is_empty() {
                let location = at(&row, Field::Email);
                match UserPrincipalName::parse(&sp.email, &options.domains) {
                    Ok(name) => match explicit.check(
                        &rules::DUPLICATE_USER_NAME,
                        name.key(),
                        &location,
                        format!("user name \"{name}\" is already another user's"),
                        &sp.email,
                    ) {
                        Some(d) => diagnostics.push(d),
                        None => upn = Some(name),
                    },
                    Err(problem) => {
                        let rule = match problem {
                            UpnProblem::DomainNotVerified(_) => &rules::USER_NAME_OTHER_DOMAIN,
                            _ if problem.is_length() => &rules::USER_NAME_TOO_LONG,
                            _ => &rules::INVALID_USER_NAME,
                        };
                        diagnostics.push(
                            Diagnostic::new(
                                rule,
                                location,
                                format!("User Name \"{}\" {problem}", sp.email),
                            )
                            .with_value(&sp.email),
                        );
                    }
                }
            }
        } else if skip.is_none() {
            diagnostics.extend(duplicates.name(&sp.name, &at(&row, Field::Name)));
            let email_ok =
                !sp.email.is_empty() && crate::check::row::email_problem(&sp.email).is_none();
            if email_ok {
                let location = at(&row, Field::Email);
                match UserPrincipalName::parse(&sp.email, &options.domains) {
                    Ok(name) => {
                        match explicit.check(
                            &rules::DUPLICATE_USER_NAME,
                            name.key(),
                            &location,
                            format!("user name \"{name}\" is already another salesperson's"),
                            &sp.email,
                        ) {
                            Some(d) => diagnostics.push(d),
                            None => upn = Some(name),
                        }
                    }
                    Err(UpnProblem::DomainNotVerified(domain)) => {
                        diagnostics.push(
                            Diagnostic::new(
                                &rules::EMAIL_OTHER_DOMAIN,
                                location.clone(),
                                format!(
                                    "Email \"{}\" is on {domain}, not a verified domain ({}); it becomes the alternate email and a user name is built from the name",
                                    sp.email,
                                    options.domains.join(", ")
                                ),
                            )
                            .with_value(&sp.email),
                        );
                        diagnostics.extend(duplicates.email(&sp.email, &location));
                        alternate_email = sp.email.clone();
                    }
                    Err(problem) => {
                        let rule = if problem.is_length() {
                            &rules::USER_NAME_TOO_LONG
                        } else {
                            &rules::INVALID_USER_NAME
                        };
                        diagnostics.push(
                            Diagnostic::new(
                                rule,
                                location,
                                format!("user name \"{}\" {problem}", sp.email),
                            )
                            .with_value(&sp.email),
                        );
                    }
                }
            }
        }
        let rejected = diagnostics.iter().any(|d| d.severity() == Severity::Error);
        let outcome = if rejected {
            Outcome::Rejected
        } else if let Some(reason) = skip {
            Outcome::Skipped(reason)
        } else {
            Outcome::Written
        };
        if let (Some(reason), false) = (skip, rejected) {
            let rule = match reason {
                SkipReason::Blocked => &rules::SKIPPED_BLOCKED,
                SkipReason::PrivacyBlocked => &rules::SKIPPED_PRIVACY_BLOCKED,
                SkipReason::AlreadyCoupled => &rules::SKIPPED_COUPLED,
            };
            diagnostics.push(Diagnostic::new(
                rule,
                row.location.clone(),
                format!("salesperson {} is skipped: {}", sp.code, reason.describe()),
            ));
        }
        entries.push(Entry {
            input: row.input,
            location: row.location,
            salesperson: row.salesperson,
            diagnostics,
            outcome,
            upn_from_email: upn.is_some(),
            upn,
            alternate_email,
            import: None,
            batch: None,
        });
    }

    // Pass 2: build the missing user names, avoiding every user name taken from an Email, in input order.
    let first_domain = options.domains.first().cloned().unwrap_or_default();
    let mut built: HashMap<String, Location> = HashMap::new();
    for entry in entries
        .iter_mut()
        .filter(|e| e.outcome == Outcome::Written && e.upn.is_none())
    {
        let person = &entry.salesperson.person;
        let name_location = columns[entry.input].locate(Field::Name, &entry.location);
        let mut suffix = None;
        let chosen = loop {
            let Some(alias) =
                build_alias(&person.first, &person.last, options.transliteration, suffix)
            else {
                break None;
            };
            let candidate = format!("{alias}@{first_domain}");
            let key = candidate.to_lowercase();
            if !explicit.contains(&key) && !built.contains_key(&key) {
                break Some(candidate);
            }
            suffix = Some(suffix.map_or(2, |n| n + 1));
        };
        match chosen.map(|c| UserPrincipalName::parse(&c, &options.domains)) {
            Some(Ok(name)) => {
                if suffix.is_some() {
                    let base =
                        build_alias(&person.first, &person.last, options.transliteration, None)
                            .unwrap_or_default();
                    let base_key = format!("{base}@{first_domain}").to_lowercase();
                    let holder = explicit
                        .get(&base_key)
                        .or_else(|| built.get(&base_key))
                        .map(describe)
                        .unwrap_or_default();
                    entry.diagnostics.push(
                        Diagnostic::new(
                            &rules::USER_NAME_NUMBERED,
                            name_location.clone(),
                            format!("user name \"{base}@{first_domain}\" is taken, so \"{name}\" is used"),
                        )
                        .with_value(&entry.salesperson.name)
                        .with_note(format!("taken by {holder}")),
                    );
                }
                built.insert(name.key(), entry.location.clone());
                entry.upn = Some(name);
            }
            Some(Err(problem)) => {
                let rule = if problem.is_length() {
                    &rules::USER_NAME_TOO_LONG
                } else {
                    &rules::INVALID_USER_NAME
                };
                entry.diagnostics.push(
                    Diagnostic::new(
                        rule,
                        name_location,
                        format!("the user name built from the Name {problem}"),
                    )
                    .with_value(&entry.salesperson.name),
                );
                entry.outcome = Outcome::Rejected;
            }
            None => {
                entry.diagnostics.push(
                    Diagnostic::new(
                        &rules::NO_USER_NAME,
                        name_location,
                        format!(
                            "Name \"{}\" has no letter or digit to build a user name from",
                            entry.salesperson.name
                        ),
                    )
                    .with_value(&entry.salesperson.name),
                );
                entry.outcome = Outcome::Rejected;
            }
        }
    }

    // Pass 3: the import rows, checked against Microsoft's column limits.
    for entry in entries.iter_mut().filter(|e| e.outcome == Outcome::Written) {
        let row = import_row(entry);
        for column in ImportColumn::ALL {
            let value = row.get(column);
            let len = value.chars().count();
            if let Some(max) = column.max_chars().filter(|max| len > *max) {
                let location = match &entry.salesperson.import_row {
                    // The import file's own column.
                    Some(given) => Location {
                        column: given.header.position(column).map(|index| {
                            crate::check::ColumnRef {
                                index,
                                header: column.header().to_string(),
                            }
                        }),
                        ..entry.location.clone()
                    },
                    None => columns[entry.input].locate(source_field(column), &entry.location),
                };
                entry.diagnostics.push(
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
                entry.outcome = Outcome::Rejected;
            }
        }
        if entry.outcome == Outcome::Written {
            entry.import = Some(row);
        }
    }

    let batches = batch(&mut entries);
    Plan { entries, batches }
}

fn import_row(entry: &Entry) -> ImportRow {
    let sp = &entry.salesperson;
    if let Some(given) = &sp.import_row {
        // Re-written as read (cleaned), with the user name decided here and the country's English name
        // where the row gave none.
        let mut row = given.row.clone();
        if let Some(upn) = &entry.upn {
            row.set(ImportColumn::UserName, upn.as_str());
        }
        if row.get(ImportColumn::CountryOrRegion).is_empty() {
            if let Some(name) = crate::m365::countries::country_name(&sp.country) {
                row.set(ImportColumn::CountryOrRegion, name);
            }
        }
        return row;
    }
    let mut row = ImportRow::default();
    if let Some(upn) = &entry.upn {
        row.set(ImportColumn::UserName, upn.as_str());
    }
    row.set(ImportColumn::FirstName, sp.person.first.as_str());
    row.set(ImportColumn::LastName, sp.person.last.as_str());
    row.set(ImportColumn::DisplayName, sp.name.as_str());
    row.set(ImportColumn::JobTitle, sp.job_title.as_str());
    // Phone No. goes to Mobile Phone: the Sales-to-BC sync writes MobilePhone back into Phone No.
    row.set(ImportColumn::MobilePhone, sp.phone.as_str());
    row.set(ImportColumn::AlternateEmail, entry.alternate_email.as_str());
    row.set(ImportColumn::Department, sp.department.as_str());
    if let Some(name) = crate::m365::countries::country_name(&sp.country) {
        row.set(ImportColumn::CountryOrRegion, name);
    }
    row
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

/// Groups written users by country, then into files of at most 249, keeping input order within each.
fn batch(entries: &mut [Entry]) -> Vec<Batch> {
    let mut by_country: BTreeMap<Option<String>, Vec<usize>> = BTreeMap::new();
    for (i, entry) in entries.iter().enumerate() {
        if entry.import.is_some() {
            let country = Some(entry.salesperson.country.clone()).filter(|c| !c.is_empty());
            by_country.entry(country).or_default().push(i);
        }
    }
    let mut batches = Vec::new();
    for (country, members) in by_country {
        let chunks: Vec<&[usize]> = members.chunks(MAX_USERS_PER_FILE).collect();
        let numbered = chunks.len() > 1;
        for (n, chunk) in chunks.iter().enumerate() {
            let mut name = String::from("m365-users");
            if let Some(code) = &country {
                name.push('-');
                name.push_str(code);
            }
            if numbered {
                name.push_str(&format!("-{:03}", n + 1));
            }
            name.push_str(".csv");
            for &i in chunk.iter() {
                entries[i].batch = Some(batches.len());
            }
            batches.push(Batch {
                file_name: name,
                country: country.clone(),
                entries: chunk.to_vec(),
            });
        }
    }
    batches
}
