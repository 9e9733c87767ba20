//! The first step of planning a row: its duplicates, the user name its Email gives, and its outcome.

use crate::bc::Field;
use crate::check::lookalike::LookalikeDomains;
use crate::check::set::{At, Duplicates, FirstSeen, RowPos, Sources};
use crate::diagnostic::{rules, Diagnostic, Location, Rule};
use crate::m365::existing::{ExistingUser, Held};
use crate::m365::upn::UpnProblem;
use crate::m365::UserPrincipalName;
use crate::normalize::salesperson::{Salesperson, SkipReason};
use crate::plan::people::{Match, People};
use crate::plan::{Entry, Outcome, PlanOptions, RowInput, RowKind};

/// The keys the duplicate checks keep, across every input: Codes, names, e-mail addresses, and the user
/// names taken from Emails.
#[derive(Debug)]
pub struct KeySets {
    duplicates: Duplicates,
    /// User names taken from Emails (and those of coupled salespeople).
    pub(crate) explicit: FirstSeen,
    /// The verified domains by their look-alike skeletons, made at the first e-mail on another domain.
    lookalikes: Option<LookalikeDomains>,
}

impl Default for KeySets {
    fn default() -> Self {
        KeySets {
            duplicates: Duplicates::default(),
            explicit: FirstSeen::new(Some(Field::Email)),
            lookalikes: None,
        }
    }
}

/// What the first step learns of a row's addresses.
#[derive(Default)]
struct Addresses {
    upn: Option<UserPrincipalName>,
    alternate_email: String,
    /// What the existing user already has, when the salesperson's user exists.
    held: Option<Box<Held>>,
}

/// One row as the first step sees it: where it is, and the findings so far.
struct Step<'a> {
    pos: RowPos,
    location: &'a Location,
    sources: &'a Sources,
    diagnostics: Vec<Diagnostic>,
}

impl Step<'_> {
    fn at(&self, field: Field) -> At<'_> {
        At {
            pos: self.pos,
            row: self.location,
            column: self.sources.inputs[self.pos.input].columns.column(field),
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
        people: &mut People,
    ) -> Entry {
        if row.kind != RowKind::Data {
            let outcome = match row.kind {
                RowKind::Empty => Outcome::Skipped(SkipReason::EmptyRow),
                RowKind::NoPerson(reason) => Outcome::Skipped(reason),
                _ => Outcome::Rejected,
            };
            return Entry::unplanned(row, outcome);
        }
        let mut step = Step {
            pos: RowPos {
                input: row.input,
                row: row.location.row.unwrap_or(0),
            },
            location: &row.location,
            sources,
            diagnostics: std::mem::take(&mut row.diagnostics),
        };
        let sp = &row.salesperson;
        self.duplicate_checks(sp, options, &mut step);
        // Another company's salesperson record of a person already planned: the same e-mail.
        let joins = match sp.import_row.is_none() && sp.skip_reason().is_none() {
            true => people.by_email(sp),
            false => None,
        };
        let mut addresses = if let Some(id) = joins {
            self.joined_addresses(id, sp, options, &mut step, people)
        } else if sp.import_row.is_some() {
            self.imported_addresses(sp, options, &mut step)
        } else if sp.skip_reason().is_none() {
            self.salesperson_addresses(sp, options, &mut step)
        } else {
            Addresses::default()
        };
        let mut outcome = self.outcome(sp, options, &mut step, &mut addresses, joins.is_some());
        let (mut joins, mut how) = (joins, Match::Email);
        if outcome == Outcome::Existing {
            joins = self.existing_once(sp, &mut step, people, &addresses, &mut outcome);
            how = Match::ExistingUser;
        }
        let person = match joins.filter(|_| outcome == Outcome::SamePerson) {
            Some(id) => join_person(id, how, sp, options, &mut step, people, &mut outcome),
            None if starts_a_person(outcome) && sp.import_row.is_none() => {
                people.start_person(sp, step.location, addresses.upn.as_ref())
            }
            None => None,
        };
        let diagnostics = step.diagnostics;
        Entry {
            person,
            held: addresses.held,
            upn_from_email: addresses.upn.is_some()
                && matches!(outcome, Outcome::Written | Outcome::Coupled),
            upn: addresses.upn,
            alternate_email: addresses.alternate_email,
            diagnostics,
            outcome,
            ..Entry::unplanned(row, outcome)
        }
    }

    /// A record that joins a person by e-mail has the person's user name; a private e-mail is still
    /// compared within its own company (D003).
    fn joined_addresses(
        &mut self,
        id: u32,
        sp: &Salesperson,
        options: &PlanOptions,
        step: &mut Step<'_>,
        people: &People,
    ) -> Addresses {
        let on_a_domain = crate::plan::is_on_a_domain(&sp.email, &options.domains);
        if !on_a_domain {
            let at = step.at(Field::Email);
            let found = (self.duplicates).email(&sp.company, &sp.email, at, step.sources);
            step.diagnostics.extend(found);
        }
        Addresses {
            upn: people.upn(id).cloned(),
            alternate_email: match on_a_domain {
                true => String::new(),
                false => sp.email.clone(),
            },
            held: None,
        }
    }

    /// An existing user is one person: a record of another company whose person has that user joins
    /// them; a second record of one company with that user is a duplicate (D002).
    fn existing_once(
        &mut self,
        sp: &Salesperson,
        step: &mut Step<'_>,
        people: &mut People,
        addresses: &Addresses,
        outcome: &mut Outcome,
    ) -> Option<u32> {
        let upn = addresses.upn.as_ref()?;
        if let Some((id, true)) = people.by_upn(&upn.key(), sp) {
            *outcome = Outcome::SamePerson;
            // The diagnostics of the existing user are the person's first record's.
            step.diagnostics
                .retain(|d| d.rule != &rules::EXISTING_USER && d.rule != &rules::HAS_SALES_LICENCE);
            return Some(id);
        }
        let message = || format!("user name \"{upn}\" is already another salesperson's");
        if self
            .take_user_name(upn.clone(), sp, message, step)
            .is_none()
        {
            *outcome = Outcome::Rejected;
        }
        None
    }

    /// The duplicate checks that do not depend on user names, and those against an earlier run.
    fn duplicate_checks(&mut self, sp: &Salesperson, options: &PlanOptions, step: &mut Step<'_>) {
        let sources = step.sources;
        let found = (self.duplicates).code(&sp.company, &sp.code, step.at(Field::Code), sources);
        step.diagnostics.extend(found);
        step.diagnostics
            .extend(code_of_an_earlier_run(sp, options, step.at(Field::Code)));
        step.diagnostics
            .extend(needs_the_earlier_run(sp, options, step.location));
        // Names are compared for the people who get a user: imported rows, and salespeople not skipped.
        if sp.import_row.is_some() || sp.skip_reason().is_none() {
            let found =
                (self.duplicates).name(&sp.company, &sp.name, step.at(Field::Name), sources);
            step.diagnostics.extend(found);
            let found = (self.duplicates).look_alike_name(&sp.name, step.at(Field::Name), sources);
            step.diagnostics.extend(found);
        }
    }

    /// A row of a Microsoft 365 import file: its User Name is the user name, checked strictly.
    fn imported_addresses(
        &mut self,
        sp: &Salesperson,
        options: &PlanOptions,
        step: &mut Step<'_>,
    ) -> Addresses {
        let mut addresses = Addresses {
            alternate_email: sp.email2.clone(),
            ..Addresses::default()
        };
        if sp.email.is_empty() {
            return addresses;
        }
        match UserPrincipalName::parse(&sp.email, &options.domains) {
            Ok(name) => {
                let message = || format!("user name \"{name}\" is already another user's");
                addresses.upn = self.take_user_name(name.clone(), sp, message, step);
            }
            Err(problem) => {
                let rule = match problem {
                    UpnProblem::DomainNotVerified(_) => &rules::USER_NAME_OTHER_DOMAIN,
                    _ => upn_rule(&problem),
                };
                let message = format!("User Name \"{}\" {problem}", sp.email);
                step.diagnostics
                    .push(email_problem(rule, step.at(Field::Email), message, sp));
            }
        }
        addresses
    }

    /// A Business Central salesperson: the Email is the user name when it is on a verified domain, else
    /// the alternate email, and Email 2 the alternate email where Email does not fill it.
    fn salesperson_addresses(
        &mut self,
        sp: &Salesperson,
        options: &PlanOptions,
        step: &mut Step<'_>,
    ) -> Addresses {
        let mut addresses = Addresses::default();
        if !sp.email.is_empty() && sp.email_valid {
            match UserPrincipalName::parse(&sp.email, &options.domains) {
                Ok(name) => {
                    let message =
                        || format!("user name \"{name}\" is already another salesperson's");
                    addresses.upn = self.take_user_name(name.clone(), sp, message, step);
                    if let Some(found) = user_of_an_earlier_run(sp, options, step.at(Field::Email))
                    {
                        step.diagnostics.push(found);
                        addresses.upn = None;
                    }
                }
                Err(UpnProblem::DomainNotVerified(domain)) => {
                    let lookalikes = (self.lookalikes)
                        .get_or_insert_with(|| LookalikeDomains::new(&options.domains));
                    match lookalikes.of(&domain) {
                        Some(verified) => {
                            let message = format!("Email \"{}\" is on {domain}, which only looks like the verified {verified}", sp.email);
                            let at = step.at(Field::Email);
                            let found =
                                email_problem(&rules::EMAIL_LOOKALIKE_DOMAIN, at, message, sp);
                            step.diagnostics.push(found);
                        }
                        None => {
                            self.email_on_other_domain(sp, &domain, options, step);
                            addresses.alternate_email = sp.email.clone();
                        }
                    }
                }
                Err(problem) => {
                    let message = format!("user name \"{}\" {problem}", sp.email);
                    let rule = upn_rule(&problem);
                    step.diagnostics
                        .push(email_problem(rule, step.at(Field::Email), message, sp));
                }
            }
        }
        if addresses.alternate_email.is_empty() {
            addresses.alternate_email = email2_as_alternate(sp);
        }
        addresses
    }

    /// An Email on a domain the tenant has not verified: it becomes the alternate email.
    fn email_on_other_domain(
        &mut self,
        sp: &Salesperson,
        domain: &str,
        options: &PlanOptions,
        step: &mut Step<'_>,
    ) {
        let message = format!(
            "Email \"{}\" is on {domain}, not a verified domain ({}); it becomes the alternate email and a user name is built from the name",
            sp.email,
            options.domains.join(", ")
        );
        let at = step.at(Field::Email);
        let found = email_problem(&rules::EMAIL_OTHER_DOMAIN, at, message, sp);
        step.diagnostics.push(found);
        let found =
            self.duplicates
                .email(&sp.company, &sp.email, step.at(Field::Email), step.sources);
        step.diagnostics.extend(found);
    }

    /// Takes `name` for this row unless an earlier row took it; then the finding says whose it is.
    fn take_user_name(
        &mut self,
        name: UserPrincipalName,
        sp: &Salesperson,
        message: impl FnOnce() -> String,
        step: &mut Step<'_>,
    ) -> Option<UserPrincipalName> {
        let at = step.at(Field::Email);
        let found = self.explicit.check(
            &rules::DUPLICATE_USER_NAME,
            &name.key(),
            at,
            message,
            &sp.email,
            step.sources,
        );
        match found {
            Some(d) => {
                step.diagnostics.push(d);
                None
            }
            None => Some(name),
        }
    }

    /// The row's outcome: rejected by a finding, coupled, skipped, an existing user, or written.
    fn outcome(
        &mut self,
        sp: &Salesperson,
        options: &PlanOptions,
        step: &mut Step<'_>,
        addresses: &mut Addresses,
        joins: bool,
    ) -> Outcome {
        let skip = sp.skip_reason();
        let rejected = step.diagnostics.iter().any(|d| options.rejects(d));
        let outcome = if rejected {
            Outcome::Rejected
        } else if joins {
            Outcome::SamePerson
        } else if skip == Some(SkipReason::AlreadyCoupled) {
            self.coupled(sp, options, step, addresses);
            Outcome::Coupled
        } else if let Some(reason) = skip {
            Outcome::Skipped(reason)
        } else if let Some(user) = existing_user_of(sp, options, addresses) {
            let by_user_name = user.upn.eq_ignore_ascii_case(&sp.email);
            if !by_user_name && !user.is_named(&sp.name) {
                // Another person's mail or proxy address: never this salesperson's user name.
                let at = step.at(Field::Email);
                let found = another_users_address(sp, user, options, at, &sp.email);
                step.diagnostics.push(found);
                return Outcome::Rejected;
            }
            step.diagnostics
                .push(existing_diagnostic(&sp.code, user, step.location.clone()));
            step.diagnostics
                .extend(holds_sales_licence(user, step.location));
            addresses.upn = existing_upn(&user.upn).or(addresses.upn.take());
            addresses.held = Some(Box::new(user.held.clone()));
            Outcome::Existing
        } else {
            Outcome::Written
        };
        if let (Some(reason), false) = (skip, rejected) {
            step.diagnostics
                .push(skip_diagnostic(reason, &sp.code, step.location));
        }
        outcome
    }

    /// The Sales user a coupled salesperson is coupled to has BC's Email as primary email (the
    /// synchronisation wrote it there): that user name is taken, so no built name is given it again.
    fn coupled(
        &mut self,
        sp: &Salesperson,
        options: &PlanOptions,
        step: &Step<'_>,
        addresses: &mut Addresses,
    ) {
        if let Ok(name) = UserPrincipalName::parse(&sp.email, &options.domains) {
            let at = At {
                pos: step.pos,
                row: step.location,
                column: None,
            };
            let _ = self.explicit.check(
                &rules::DUPLICATE_USER_NAME,
                &name.key(),
                at,
                String::new,
                "",
                step.sources,
            );
            addresses.upn = Some(name);
        }
    }
}

/// The record joins the person of another company with its e-mail (or its existing user); under
/// --strict, the companies' disagreement (P002) rejects it instead, and it leaves the person.
fn join_person(
    id: u32,
    how: Match,
    sp: &Salesperson,
    options: &PlanOptions,
    step: &mut Step<'_>,
    people: &mut People,
    outcome: &mut Outcome,
) -> Option<u32> {
    let found = people.join(id, sp, step.location, how);
    if found.iter().any(|d| options.rejects(d)) {
        people.leave(id, step.location);
        *outcome = Outcome::Rejected;
    }
    step.diagnostics.extend(found);
    Some(id).filter(|_| *outcome == Outcome::SamePerson)
}

/// Email 2 as the alternate email address, where Email does not already fill it (Email is the user name,
/// or empty), so a second address in Business Central is not lost; empty when it is no valid other one.
pub(crate) fn email2_as_alternate(sp: &Salesperson) -> String {
    let other =
        !sp.email2.is_empty() && sp.email2_valid && !sp.email2.eq_ignore_ascii_case(&sp.email);
    match other {
        true => sp.email2.clone(),
        false => String::new(),
    }
}

/// Whether a row with this outcome is the first record of a person: it has, or gets, a user.
pub(crate) fn starts_a_person(outcome: Outcome) -> bool {
    matches!(
        outcome,
        Outcome::Written | Outcome::Existing | Outcome::Coupled
    )
}

/// The codes whose rejection depends on other rows: a duplicate Code, user name, e-mail or name; and R009
/// itself, so a rejected.csv of a rejected.csv still needs the first run's manifest.
const DEPENDS_ON_OTHER_ROWS: [&Rule; 5] = [
    &rules::DUPLICATE_CODE,
    &rules::DUPLICATE_USER_NAME,
    &rules::DUPLICATE_EMAIL,
    &rules::DUPLICATE_NAME,
    &rules::RERUN_NEEDS_CONTEXT,
];

/// R009 for a row of rejected.csv that was rejected because of another row, converted without the
/// earlier run's manifest: the other row is not here, so the row would pass for the reason it failed.
fn needs_the_earlier_run(
    sp: &Salesperson,
    options: &PlanOptions,
    row: &Location,
) -> Option<Diagnostic> {
    let before = sp.rejected_before.as_ref()?;
    if options.existing.as_ref().is_some_and(|e| e.earlier_run) {
        return None;
    }
    let codes: Vec<&str> = (before.codes.iter())
        .filter(|c| DEPENDS_ON_OTHER_ROWS.iter().any(|r| r.code == c.as_str()))
        .map(String::as_str)
        .collect();
    if codes.is_empty() {
        return None;
    }
    let message = format!(
        "row {} of {} was rejected for {} in the earlier run, which depends on rows that are not in this file",
        before.row,
        before.file,
        codes.join(", ")
    );
    let note =
        "convert it with the earlier run's manifest: --existing <its out folder>/manifest.json";
    Some(Diagnostic::new(&rules::RERUN_NEEDS_CONTEXT, row.clone(), message).with_note(note))
}

/// D001 when an earlier run, whose manifest is given with `--existing`, converted this Code for someone
/// of another Name: the row takes another salesperson's Code. (The same Code and Name is that salesperson
/// again: their user is found as an existing one.)
fn code_of_an_earlier_run(
    sp: &Salesperson,
    options: &PlanOptions,
    at: At<'_>,
) -> Option<Diagnostic> {
    let existing = options.existing.as_ref()?;
    let name = existing.name_of_code(&sp.company, &sp.code)?;
    if sp.code.is_empty() || sp.privacy_blocked || name.eq_ignore_ascii_case(&sp.name) {
        return None;
    }
    let message = format!(
        "Code \"{}\" is \"{name}\" in the run of {}",
        sp.code, existing.file
    );
    let found = Diagnostic::new(&rules::DUPLICATE_CODE, at.location(), message);
    Some(found.with_value(&sp.code))
}

/// D002 when the user name of the Email belongs, in an earlier run's manifest, to another salesperson.
fn user_of_an_earlier_run(
    sp: &Salesperson,
    options: &PlanOptions,
    at: At<'_>,
) -> Option<Diagnostic> {
    let existing = options.existing.as_ref()?;
    let user = existing.by_address(&sp.email)?;
    let other = (user.code_in(&sp.company)).filter(|_| !user.may_be(&sp.company, &sp.code))?;
    let message = format!(
        "user name \"{}\" is salesperson {other}'s in the run of {}",
        user.upn, existing.file
    );
    Some(email_problem(&rules::DUPLICATE_USER_NAME, at, message, sp))
}

/// The rule a user name that breaks one of Microsoft's rules falls under.
pub(crate) fn upn_rule(problem: &UpnProblem) -> &'static Rule {
    if problem.is_length() {
        &rules::USER_NAME_TOO_LONG
    } else {
        &rules::INVALID_USER_NAME
    }
}

fn email_problem(rule: &'static Rule, at: At<'_>, message: String, sp: &Salesperson) -> Diagnostic {
    Diagnostic::new(rule, at.location(), message).with_value(&sp.email)
}

fn skip_diagnostic(reason: SkipReason, code: &str, location: &Location) -> Diagnostic {
    let rule = match reason {
        SkipReason::Blocked => &rules::SKIPPED_BLOCKED,
        SkipReason::PrivacyBlocked => &rules::SKIPPED_PRIVACY_BLOCKED,
        SkipReason::AlreadyCoupled => &rules::SKIPPED_COUPLED,
        SkipReason::EmptyRow => &rules::EMPTY_ROW,
        SkipReason::TotalRow => &rules::SKIPPED_TOTAL_ROW,
        SkipReason::HeaderRow => &rules::SKIPPED_HEADER_ROW,
        SkipReason::NoteRow => &rules::SKIPPED_NOTE_ROW,
        SkipReason::OtherTable => &rules::SKIPPED_OTHER_TABLE,
    };
    let message = if reason == SkipReason::AlreadyCoupled {
        format!(
            "salesperson {code} is {}: no user is created for them",
            reason.describe()
        )
    } else {
        format!("salesperson {code} is skipped: {}", reason.describe())
    };
    Diagnostic::new(rule, location.clone(), message)
}

pub(crate) fn existing_diagnostic(
    code: &str,
    user: &ExistingUser,
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

/// The existing user the salesperson's Email names: by user name or any other address when the Email is
/// on a verified domain (it would be the user name); a private Email only when the names agree (it is
/// one of that user's other mails).
fn existing_user_of<'o>(
    sp: &Salesperson,
    options: &'o PlanOptions,
    addresses: &Addresses,
) -> Option<&'o ExistingUser> {
    if sp.email.is_empty() || !sp.email_valid {
        return None;
    }
    let user = options.existing.as_ref()?.by_address(&sp.email)?;
    let private = addresses.upn.is_none();
    (user.may_be(&sp.company, &sp.code) && (!private || user.is_named(&sp.name))).then_some(user)
}

/// E003 when the existing user holds a licence that includes Dynamics 365 Sales: none is planned.
pub(crate) fn holds_sales_licence(user: &ExistingUser, location: &Location) -> Option<Diagnostic> {
    let licence = user.held.sales_licence.as_ref()?;
    let message = format!(
        "{} holds {licence}, which includes Dynamics 365 Sales: no other licence is planned",
        user.upn
    );
    Some(Diagnostic::new(
        &rules::HAS_SALES_LICENCE,
        location.clone(),
        message,
    ))
}

/// An existing user's name as a user name, spelt as the tenant spells it; it may be on any of the
/// tenant's domains.
pub(crate) fn existing_upn(upn: &str) -> Option<UserPrincipalName> {
    let domain = upn.rsplit_once('@')?.1.to_string();
    UserPrincipalName::parse(upn, &[domain]).ok()
}

/// E001: the user name would be an address another existing user has (their mail, a proxy address,
/// another mail), and that user has another name.
pub(crate) fn another_users_address(
    sp: &Salesperson,
    user: &ExistingUser,
    options: &PlanOptions,
    at: At<'_>,
    address: &str,
) -> Diagnostic {
    let file = options.existing.as_ref().map_or("", |e| e.file.as_str());
    Diagnostic::new(
        &rules::ADDRESS_OF_ANOTHER_USER,
        at.location(),
        format!(
            "{address} is an address of the existing user {} (\"{}\", in {file}), not of \"{}\"",
            user.upn, user.display_name, sp.name
        ),
    )
    .with_value(address)
}
