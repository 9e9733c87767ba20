//! Planning: which salesperson becomes which Microsoft 365 user, which are skipped or rejected and why,
//! and which import file each user goes into.

pub mod accounts;

use std::collections::BTreeMap;

use rustc_hash::FxHashMap as HashMap;

use crate::bc::Field;
use crate::check::set::{describe, At, Duplicates, FirstSeen, RowPos, Sources};
use crate::diagnostic::{rules, Diagnostic, Location, Severity};
use crate::m365::existing::ExistingUsers;
use crate::m365::format::{ImportColumn, ImportRow, MAX_USERS_PER_FILE};
use crate::m365::upn::UpnProblem;
use crate::m365::UserPrincipalName;
use crate::normalize::salesperson::{Salesperson, SkipReason};
use crate::normalize::username::{build_alias_within, Alias, AliasSpec};
use crate::normalize::{text, Transliteration, UserNamePattern};
use crate::plan::accounts::AccountPolicy;

/// The choices that shape a plan.
#[derive(Debug, Clone, Default)]
pub struct PlanOptions {
    /// The tenant's verified domains, lower-cased; new user names get the first.
    pub domains: Vec<String>,
    pub transliteration: Transliteration,
    /// How user names are built from names.
    pub user_name: UserNamePattern,
    /// The tenant's users (`--existing`): a salesperson who has one is not imported again.
    pub existing: Option<ExistingUsers>,
    /// The administrator, the integration user, and the salespeople's licence and roles.
    pub accounts: AccountPolicy,
    /// `--strict`: warnings reject rows as errors do.
    pub strict: bool,
}

impl PlanOptions {
    /// How the unnumbered user names are built: the pattern, the transliteration, and the room the first
    /// domain leaves before "@" (the whole user name may have 79 characters).
    pub fn alias_spec(&self) -> AliasSpec {
        let first_domain = self.domains.first().map(String::as_str).unwrap_or("");
        AliasSpec {
            pattern: self.user_name.clone(),
            transliteration: self.transliteration,
            room: crate::m365::upn::MAX_UPN_CHARS.saturating_sub(first_domain.chars().count() + 1),
        }
    }

    /// Whether a diagnostic rejects its row: errors always, warnings under `--strict`.
    pub fn rejects(&self, diagnostic: &Diagnostic) -> bool {
        match diagnostic.severity() {
            Severity::Error => true,
            Severity::Warning => self.strict,
            Severity::Info => false,
        }
    }
}

/// What the reading thread needs to build user names ahead: how, and the verified domains (a salesperson
/// whose Email is on one most likely gets it as user name, and needs none built).
#[derive(Debug, Clone)]
pub struct AliasAhead {
    pub spec: AliasSpec,
    pub domains: Vec<String>,
}

impl AliasAhead {
    pub fn new(options: &PlanOptions) -> Self {
        AliasAhead {
            spec: options.alias_spec(),
            domains: options.domains.clone(),
        }
    }

    /// Builds the unnumbered user name of a salesperson who will most likely need one. A guess either
    /// way changes nothing but speed: the planning builds what was not built ahead.
    pub fn fill(&self, sp: &mut Salesperson) {
        let email_on_domain = sp.email_valid
            && sp
                .email
                .rsplit_once('@')
                .is_some_and(|(_, domain)| self.domains.iter().any(|d| d == domain));
        if sp.skip_reason().is_none() && !email_on_domain {
            sp.alias = self.spec.build(&sp.person.first, &sp.person.last);
        }
    }
}

/// What happens to one input row's salesperson.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// A new user, written to an import file.
    Written,
    /// The user already exists (`--existing`): not imported, but licensed, given roles and coupled.
    Existing,
    /// Already coupled to a Sales user in Business Central: nothing to do.
    Coupled,
    Skipped(SkipReason),
    Rejected,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Written => "written",
            Outcome::Existing => "existing",
            Outcome::Coupled => "coupled",
            Outcome::Skipped(_) => "skipped",
            Outcome::Rejected => "rejected",
        }
    }

    /// Whether the salesperson gets a licence, roles and coupling from this run.
    pub fn gets_account(self) -> bool {
        matches!(self, Outcome::Written | Outcome::Existing)
    }
}

/// What kind of row an input row is, before planning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowKind {
    /// A salesperson.
    Data,
    /// No value in any cell, between data rows.
    Empty,
    /// A row of a file that cannot be converted as a whole (e.g. no Code column); the reason says why.
    Unusable(String),
}

/// One input row, read and checked on its own, before planning.
#[derive(Debug, Clone)]
pub struct RowInput {
    pub input: usize,
    /// The row's location (no column).
    pub location: Location,
    pub kind: RowKind,
    /// The cells as read, for the review workbook and rejected.csv.
    pub cells: Vec<String>,
    pub salesperson: Salesperson,
    pub diagnostics: Vec<Diagnostic>,
}

/// One salesperson after planning.
#[derive(Debug, Clone)]
pub struct Entry {
    pub input: usize,
    pub location: Location,
    pub kind: RowKind,
    pub cells: Vec<String>,
    pub salesperson: Salesperson,
    pub diagnostics: Vec<Diagnostic>,
    pub outcome: Outcome,
    pub upn: Option<UserPrincipalName>,
    /// Whether the user name came from the salesperson's Email (else it was built from the name).
    pub upn_from_email: bool,
    pub alternate_email: String,
    /// Its import file: an index into [`crate::analysis::Analysis::batches`].
    pub batch: Option<usize>,
}

impl Entry {
    /// An entry for a row that is not a salesperson to plan (empty, or in an unusable file).
    fn unplanned(row: RowInput, outcome: Outcome) -> Self {
        Entry {
            input: row.input,
            location: row.location,
            kind: row.kind,
            cells: row.cells,
            salesperson: row.salesperson,
            diagnostics: row.diagnostics,
            outcome,
            upn: None,
            upn_from_email: false,
            alternate_email: String::new(),
            batch: None,
        }
    }

    /// Whether the entry still needs a user name built from its Name: written, with no user name yet.
    pub fn needs_built_name(&self) -> bool {
        self.outcome == Outcome::Written && self.upn.is_none()
    }

    /// The country whose import files the user goes into (`None`: no country given).
    pub fn country(&self) -> Option<String> {
        Some(self.salesperson.country.clone()).filter(|c| !c.is_empty())
    }

    /// The row this user gets in its import file; `None` unless the outcome is written. It is built
    /// again when asked for (it was checked when planned), so a big run does not hold every row twice.
    pub fn import(&self) -> Option<ImportRow> {
        (self.outcome == Outcome::Written).then(|| import_row(self))
    }

    /// Why the row is skipped or rejected, in words; `None` for written rows.
    pub fn reason(&self) -> Option<String> {
        match self.outcome {
            Outcome::Written => None,
            Outcome::Existing => Some("the user already exists".to_string()),
            Outcome::Coupled | Outcome::Skipped(_) => self
                .salesperson
                .skip_reason()
                .map(|r| r.describe().to_string()),
            Outcome::Rejected => {
                if let RowKind::Unusable(reason) = &self.kind {
                    return Some(reason.clone());
                }
                // The errors; under --strict a row may be rejected for warnings alone.
                let worst = self.diagnostics.iter().map(|d| d.severity()).max();
                let reasons: Vec<String> = self
                    .diagnostics
                    .iter()
                    .filter(|d| Some(d.severity()) == worst)
                    .map(|d| format!("{}: {}", d.code(), d.message))
                    .collect();
                Some(reasons.join("; "))
            }
        }
    }
}

/// One import file: users of one country, at most 249.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    pub file_name: String,
    pub country: Option<String>,
    /// How many users it holds.
    pub users: usize,
}

/// The keys the duplicate checks keep, across every input: Codes, names, e-mail addresses, and the user
/// names taken from Emails. A second pass over the same rows with the same keys reports exactly what
/// the first did (see [`FirstSeen`]).
#[derive(Debug)]
pub struct KeySets {
    duplicates: Duplicates,
    /// User names taken from Emails (and those of coupled salespeople).
    explicit: FirstSeen,
}

impl Default for KeySets {
    fn default() -> Self {
        KeySets {
            duplicates: Duplicates::default(),
            explicit: FirstSeen::new(Some(Field::Email)),
        }
    }
}

impl KeySets {
    /// The first step of planning one row: duplicates that do not depend on built user names, the user
    /// name from the Email, and the outcome. A row that still needs a user name built from its Name is
    /// left `Written` with no user name (see [`Entry::needs_built_name`]).
    pub fn first_step(
        &mut self,
        mut row: RowInput,
        options: &PlanOptions,
        sources: &Sources,
    ) -> Entry {
        if row.kind != RowKind::Data {
            let outcome = match row.kind {
                RowKind::Empty => Outcome::Skipped(SkipReason::EmptyRow),
                _ => Outcome::Rejected,
            };
            return Entry::unplanned(row, outcome);
        }
        let pos = RowPos {
            input: row.input,
            row: row.location.row.unwrap_or(0),
        };
        let columns = &sources.inputs[row.input].columns;
        let at = |field: Field| At {
            pos,
            row: &row.location,
            column: columns.column(field),
        };
        let duplicates = &mut self.duplicates;
        let explicit = &mut self.explicit;
        let mut diagnostics = std::mem::take(&mut row.diagnostics);
        let sp = &row.salesperson;
        diagnostics.extend(duplicates.code(&sp.code, at(Field::Code), sources));
        let skip = sp.skip_reason();
        let mut upn = None;
        let mut alternate_email = String::new();
        if sp.import_row.is_some() {
            // A row of a Microsoft 365 import file: its User Name is the user name, checked strictly.
            diagnostics.extend(duplicates.name(&sp.name, at(Field::Name), sources));
            alternate_email = sp.email2.clone();
            if !sp.email.is_empty() {
                let email_at = at(Field::Email);
                match UserPrincipalName::parse(&sp.email, &options.domains) {
                    Ok(name) => match explicit.check(
                        &rules::DUPLICATE_USER_NAME,
                        &name.key(),
                        email_at,
                        || format!("user name \"{name}\" is already another user's"),
                        &sp.email,
                        sources,
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
                                email_at.location(),
                                format!("User Name \"{}\" {problem}", sp.email),
                            )
                            .with_value(&sp.email),
                        );
                    }
                }
            }
        } else if skip.is_none() {
            diagnostics.extend(duplicates.name(&sp.name, at(Field::Name), sources));
            let email_ok = !sp.email.is_empty() && sp.email_valid;
            if email_ok {
                let email_at = at(Field::Email);
                match UserPrincipalName::parse(&sp.email, &options.domains) {
                    Ok(name) => {
                        match explicit.check(
                            &rules::DUPLICATE_USER_NAME,
                            &name.key(),
                            email_at,
                            || format!("user name \"{name}\" is already another salesperson's"),
                            &sp.email,
                            sources,
                        ) {
                            Some(d) => diagnostics.push(d),
                            None => upn = Some(name),
                        }
                    }
                    Err(UpnProblem::DomainNotVerified(domain)) => {
                        diagnostics.push(
                            Diagnostic::new(
                                &rules::EMAIL_OTHER_DOMAIN,
                                email_at.location(),
                                format!(
                                    "Email \"{}\" is on {domain}, not a verified domain ({}); it becomes the alternate email and a user name is built from the name",
                                    sp.email,
                                    options.domains.join(", ")
                                ),
                            )
                            .with_value(&sp.email),
                        );
                        diagnostics.extend(duplicates.email(&sp.email, email_at, sources));
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
                                email_at.location(),
                                format!("user name \"{}\" {problem}", sp.email),
                            )
                            .with_value(&sp.email),
                        );
                    }
                }
            }
            // Email 2 is the alternate email address where Email does not already fill it (Email is the
            // user name, or empty), so a second address in Business Central is not lost.
            if alternate_email.is_empty()
                && !sp.email2.is_empty()
                && sp.email2_valid
                && !sp.email2.eq_ignore_ascii_case(&sp.email)
            {
                alternate_email = sp.email2.clone();
            }
        }
        let rejected = diagnostics.iter().any(|d| options.rejects(d));
        let outcome = if rejected {
            Outcome::Rejected
        } else if skip == Some(SkipReason::AlreadyCoupled) {
            // The Sales user it is coupled to has BC's Email as primary email (the sync wrote it there).
            if let Ok(name) = UserPrincipalName::parse(&sp.email, &options.domains) {
                let _ = explicit.check(
                    &rules::DUPLICATE_USER_NAME,
                    &name.key(),
                    At {
                        pos,
                        row: &row.location,
                        column: None,
                    },
                    String::new,
                    "",
                    sources,
                );
                upn = Some(name);
            }
            Outcome::Coupled
        } else if let Some(reason) = skip {
            Outcome::Skipped(reason)
        } else if let Some(user) = upn
            .as_ref()
            .and_then(|_| options.existing.as_ref()?.by_address(&sp.email))
        {
            let user = user.clone();
            diagnostics.push(existing_diagnostic(&sp.code, &user, row.location.clone()));
            upn = existing_upn(&user.upn).or(upn);
            Outcome::Existing
        } else {
            Outcome::Written
        };
        if let (Some(reason), false) = (skip, rejected) {
            let rule = match reason {
                SkipReason::Blocked => &rules::SKIPPED_BLOCKED,
                SkipReason::PrivacyBlocked => &rules::SKIPPED_PRIVACY_BLOCKED,
                SkipReason::AlreadyCoupled => &rules::SKIPPED_COUPLED,
                SkipReason::EmptyRow => &rules::EMPTY_ROW,
            };
            let message = if reason == SkipReason::AlreadyCoupled {
                format!(
                    "salesperson {} is {}: no user is created for them",
                    sp.code,
                    reason.describe()
                )
            } else {
                format!("salesperson {} is skipped: {}", sp.code, reason.describe())
            };
            diagnostics.push(Diagnostic::new(rule, row.location.clone(), message));
        }
        Entry {
            input: row.input,
            location: row.location,
            kind: row.kind,
            cells: row.cells,
            salesperson: row.salesperson,
            diagnostics,
            outcome,
            upn_from_email: upn.is_some() && outcome != Outcome::Existing,
            upn,
            alternate_email,
            batch: None,
        }
    }
}

/// Builds the user names of salespeople whose Email gives none, in input order, avoiding every user name
/// taken from an Email ([`KeySets`], complete before the first name is built) and every name built before.
#[derive(Debug)]
pub struct NameBuilder {
    built: FirstSeen,
    /// Per unnumbered user name, the first number whose user name may be free: linear clash numbering.
    next_free: HashMap<(u64, u64), u32>,
}

impl Default for NameBuilder {
    fn default() -> Self {
        NameBuilder {
            built: FirstSeen::new(None),
            next_free: HashMap::default(),
        }
    }
}

fn alias_key(alias: &str) -> (u64, u64) {
    let h = xxhash_rust::xxh3::xxh3_128(alias.as_bytes());
    ((h >> 64) as u64, h as u64)
}

impl NameBuilder {
    /// Gives `entry` (which [`Entry::needs_built_name`]) a user name built from its name, numbered when
    /// the plain one is taken; or rejects it when none can be built.
    pub fn build(
        &mut self,
        entry: &mut Entry,
        keys: &KeySets,
        options: &PlanOptions,
        sources: &Sources,
    ) {
        let explicit = &keys.explicit;
        let first_domain = options.domains.first().map(String::as_str).unwrap_or("");
        let person = &entry.salesperson.person;
        let pos = RowPos {
            input: entry.input,
            row: entry.location.row.unwrap_or(0),
        };
        let name_location = sources.inputs[entry.input]
            .columns
            .locate(Field::Name, &entry.location);
        let mut suffix = None;
        let mut existing_user = None;
        // The whole user name may have 79 characters: a long domain leaves less than 50 before "@".
        let alias_room = options.alias_spec().room;
        // The unnumbered user name: worked out ahead by the reading thread, or now.
        let unnumbered_alias = || match &entry.salesperson.alias {
            Alias::Built(alias) => Some(alias.clone()),
            Alias::NoLetters => None,
            Alias::NotBuilt => build_alias_within(
                &options.user_name,
                &person.first,
                &person.last,
                options.transliteration,
                None,
                alias_room,
            ),
        };
        // The unnumbered user name, and whether every candidate tried so far is taken for everyone.
        let mut unnumbered: Option<(u64, u64)> = None;
        let mut all_taken = true;
        let chosen = loop {
            let alias = match suffix {
                None => unnumbered_alias(),
                Some(_) => build_alias_within(
                    &options.user_name,
                    &person.first,
                    &person.last,
                    options.transliteration,
                    suffix,
                    alias_room,
                ),
            };
            let Some(alias) = alias else {
                break None;
            };
            if suffix.is_none() {
                let key = alias_key(&alias);
                unnumbered = Some(key);
                // Numbers below the first free one are taken: start there, so numbering stays linear.
                if let Some(&next) = self.next_free.get(&key) {
                    suffix = Some(next);
                    continue;
                }
            }
            let candidate = format!("{alias}@{first_domain}");
            let key = candidate.to_lowercase();
            let taken = explicit.contains(&key) || self.built.contains(&key);
            if taken && all_taken {
                if let (Some(unnumbered), Some(n)) = (unnumbered, suffix) {
                    self.next_free.insert(unnumbered, n + 1);
                }
            } else {
                all_taken = false;
            }
            if !taken {
                // A user of that name and the same display name is this salesperson, created earlier.
                match options.existing.as_ref().and_then(|e| e.by_upn(&key)) {
                    Some(user)
                        if user
                            .display_name
                            .eq_ignore_ascii_case(&entry.salesperson.name) =>
                    {
                        existing_user = Some(user.clone());
                        break Some(candidate);
                    }
                    Some(_) => {}
                    None => break Some(candidate),
                }
            }
            suffix = Some(suffix.map_or(2, |n| n + 1));
        };
        match chosen.map(|c| UserPrincipalName::parse(&c, &options.domains)) {
            Some(Ok(name)) => {
                if suffix.is_some() {
                    let base = unnumbered_alias().unwrap_or_default();
                    let base_key = format!("{base}@{first_domain}").to_lowercase();
                    let holder = explicit
                        .get(&base_key, sources)
                        .or_else(|| self.built.get(&base_key, sources))
                        .map(|l| describe(&l))
                        .or_else(|| {
                            let user = options.existing.as_ref()?.by_upn(&base_key)?;
                            Some(format!(
                                "an existing user, \"{}\" (in {})",
                                user.display_name,
                                options.existing.as_ref()?.file
                            ))
                        })
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
                    if options.strict {
                        entry.outcome = Outcome::Rejected;
                    }
                }
                let _ = self.built.check(
                    &rules::DUPLICATE_USER_NAME,
                    &name.key(),
                    At {
                        pos,
                        row: &entry.location,
                        column: None,
                    },
                    String::new,
                    "",
                    sources,
                );
                entry.upn = Some(name);
                if let Some(user) = existing_user {
                    entry.diagnostics.push(existing_diagnostic(
                        &entry.salesperson.code,
                        &user,
                        entry.location.clone(),
                    ));
                    entry.outcome = Outcome::Existing;
                }
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
}

/// The output guard on a written entry's import row, in `columns`: Microsoft's column limits, and no
/// value derived from the input (a first name split off "Aa, =") reaching a cell as a formula or a
/// control character.
pub fn guard(entry: &mut Entry, columns: &[ImportColumn], sources: &Sources) {
    if entry.outcome != Outcome::Written {
        return;
    }
    let found = guard_findings(entry, columns, sources);
    if !found.is_empty() {
        entry.diagnostics.extend(found);
        entry.outcome = Outcome::Rejected;
    }
}

fn guard_findings(entry: &Entry, columns: &[ImportColumn], sources: &Sources) -> Vec<Diagnostic> {
    let map = &sources.inputs[entry.input].columns;
    let mut found = Vec::new();
    for &column in columns {
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
                    column: given.header.position(column).map(|index| {
                        crate::diagnostic::ColumnRef {
                            index,
                            header: column.header().to_string(),
                        }
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

/// The steps of planning after the first, on one entry: its built user name, the output guard, and the
/// check that no salesperson is the administrator or the integration user. Entries must come in input
/// order, each one once, after every row has had its [`KeySets::first_step`].
///
/// `guarded`: what the output guard found on every column but User Name, when it already looked at them
/// (a row kept aside until the user names taken from Emails were all known); `None` guards every column.
pub fn finish(
    entry: &mut Entry,
    names: &mut NameBuilder,
    keys: &KeySets,
    options: &PlanOptions,
    sources: &Sources,
    guarded: Option<Vec<Diagnostic>>,
) {
    if entry.needs_built_name() {
        names.build(entry, keys, options, sources);
    }
    match guarded {
        None => guard(entry, &ImportColumn::ALL, sources),
        // User Name comes first among the columns, so its findings come before the others'.
        Some(found) if entry.outcome == Outcome::Written => {
            guard(entry, &[ImportColumn::UserName], sources);
            if !found.is_empty() {
                entry.diagnostics.extend(found);
                entry.outcome = Outcome::Rejected;
            }
        }
        Some(_) => {}
    }
    let columns = &sources.inputs[entry.input].columns;
    options.accounts.check_salesperson(entry, |e| {
        (
            columns.locate(Field::Email, &e.location),
            columns.locate(Field::Name, &e.location),
        )
    });
}

/// The import files for the written users of each country (`None`: no country), in order of country:
/// at most 249 users a file, numbered when a country needs more than one.
pub fn batches(written_by_country: &BTreeMap<Option<String>, usize>) -> Vec<Batch> {
    let mut batches = Vec::new();
    for (country, &users) in written_by_country {
        let files = users.div_ceil(MAX_USERS_PER_FILE);
        for n in 0..files {
            let mut name = String::from("m365-users");
            if let Some(code) = country {
                name.push('-');
                name.push_str(code);
            }
            if files > 1 {
                name.push_str(&format!("-{:03}", n + 1));
            }
            name.push_str(".csv");
            batches.push(Batch {
                file_name: name,
                country: country.clone(),
                users: (users - n * MAX_USERS_PER_FILE).min(MAX_USERS_PER_FILE),
            });
        }
    }
    batches
}

/// Which import file each written user goes into: the country's files in turn, 249 users each.
#[derive(Debug, Default)]
pub struct BatchCursor {
    /// Per country: the index of its first file, and the users given a file so far.
    countries: BTreeMap<Option<String>, (usize, usize)>,
}

impl BatchCursor {
    pub fn new(batches: &[Batch]) -> Self {
        let mut countries = BTreeMap::new();
        for (i, batch) in batches.iter().enumerate() {
            countries.entry(batch.country.clone()).or_insert((i, 0));
        }
        BatchCursor { countries }
    }

    /// Whether as many users were given each country's files as the files hold.
    pub fn agrees_with(&self, batches: &[Batch]) -> bool {
        self.countries.iter().all(|(country, (_, seen))| {
            let users: usize = batches
                .iter()
                .filter(|b| b.country == *country)
                .map(|b| b.users)
                .sum();
            users == *seen
        })
    }

    /// The import file of the next written user of `entry`'s country.
    pub fn assign(&mut self, entry: &mut Entry) {
        if entry.outcome != Outcome::Written {
            return;
        }
        let country = entry.country();
        if let Some((first, seen)) = self.countries.get_mut(&country) {
            entry.batch = Some(*first + *seen / MAX_USERS_PER_FILE);
            *seen += 1;
        }
    }
}

fn existing_diagnostic(
    code: &str,
    user: &crate::m365::existing::ExistingUser,
    location: Location,
) -> Diagnostic {
    Diagnostic::new(
        &rules::EXISTING_USER,
        location,
        format!(
            "salesperson {code} already has a user, {}: it is not imported again",
            user.upn
        ),
    )
}

/// An existing user's name as a user name; it may be on any of the tenant's domains.
fn existing_upn(upn: &str) -> Option<UserPrincipalName> {
    let lower = upn.to_lowercase();
    let domain = lower.rsplit_once('@')?.1.to_string();
    UserPrincipalName::parse(&lower, &[domain]).ok()
}

fn import_row(entry: &Entry) -> ImportRow {
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
