//! `verify`: what was done after the online steps. A run's manifest says what was planned; the tenant's
//! users export, each company's salespeople export and the scripts' logs say what holds now. For every
//! person of the manifest each step is done, missing (with what to do next) or unknown (no input shows
//! it), and every salesperson record that needed nothing is listed as such. Nothing here goes online.

pub mod logs;
pub mod manifest;
pub mod render;
pub mod salespeople;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::{Error, Result};
use crate::m365::existing::{ExistingUser, ExistingUsers};
use crate::plan::input::Companies;
use logs::{Outcome, ScriptLogs, Step};
use manifest::{Manifest, Person, Record};
use salespeople::{BcExports, BcInput};

/// The JSON report's schema, documented in README.md ("Checking what was done: verify").
pub const SCHEMA: &str = "bc2m365-verify";
pub const SCHEMA_VERSION: u32 = 1;

/// What `verify` reads.
pub struct Inputs<'a> {
    pub manifest: &'a Path,
    pub users: &'a Path,
    pub bc: &'a [PathBuf],
    pub logs: &'a [PathBuf],
    pub companies: &'a Companies,
}

/// Where a step stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    Done,
    Missing,
    /// No input shows it either way (a role without a log line, a licence in an export that lists none).
    Unknown,
}

/// Which step a check is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CheckKind {
    User,
    UsageLocation,
    Licence,
    Role,
    Coupling,
}

/// One step of one person.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub check: CheckKind,
    pub state: State,
    /// For a coupling: the company and Code of the salesperson record.
    pub company: Option<String>,
    pub code: Option<String>,
    /// For a role: its name.
    pub role: Option<String>,
    /// What the plan says: the user name, usage location, licence (null: any licence that includes
    /// Sales), role, or the user BC's E-Mail should now name.
    pub expected: Option<String>,
    /// What the inputs show: the user name as the tenant spells it, the usage location, the Sales
    /// licences held, the log's result, or BC's E-Mail.
    pub found: Option<String>,
    /// What was found, in a sentence.
    pub detail: String,
    /// What to do next; null when done.
    pub next: Option<String>,
}

/// One person of the manifest and every step of theirs.
#[derive(Debug, Serialize)]
pub struct PersonResult {
    pub upn: String,
    pub display_name: String,
    /// The manifest's status: `new` or `existing`.
    pub status: String,
    /// `missing` when any step is, else `unknown` when any step is, else `done`.
    pub state: State,
    pub checks: Vec<Check>,
}

/// A salesperson record the run planned nothing for: skipped, rejected or already coupled.
#[derive(Debug, Serialize)]
pub struct NothingToDo {
    pub company: String,
    pub code: String,
    /// Null for a privacy-blocked salesperson, as in the manifest.
    pub name: Option<String>,
    pub status: String,
    pub reason: Option<String>,
}

#[derive(Debug, Default, Serialize)]
pub struct Counts {
    pub done: usize,
    pub missing: usize,
    pub unknown: usize,
}

#[derive(Debug, Serialize)]
pub struct Summary {
    /// People checked, by their state.
    pub people: usize,
    #[serde(flatten)]
    pub by_state: Counts,
    /// Checks of all people, by their state.
    pub checks: Counts,
    pub nothing_to_do: usize,
    /// Whether every step of every person is done (exit code 0).
    pub complete: bool,
}

#[derive(Debug, Serialize)]
pub struct UsersInput {
    pub file: String,
    /// Which export it was recognised as.
    pub holds: &'static str,
}

/// The whole finding: the JSON report as it is written.
#[derive(Debug, Serialize)]
pub struct Verification {
    pub schema: &'static str,
    pub schema_version: u32,
    pub manifest: String,
    pub users: UsersInput,
    pub bc: Vec<BcInput>,
    pub logs: Vec<String>,
    pub summary: Summary,
    pub people: Vec<PersonResult>,
    pub nothing_to_do: Vec<NothingToDo>,
}

impl Verification {
    /// Whether every step of every person is done. A step no input shows (unknown) is not: it is left
    /// to be shown, and a script relying on the exit code must not take it as done.
    pub fn is_complete(&self) -> bool {
        self.summary.complete
    }
}

/// What the inputs show, for the checks.
struct Evidence<'a> {
    users: &'a ExistingUsers,
    bc: &'a BcExports,
    logs: &'a ScriptLogs,
    /// The coupling workbooks the run wrote (`outputs[]`), to name the one of a company.
    outputs: Vec<&'a str>,
}

/// Reads every input and checks every person of the manifest.
pub fn verify(inputs: &Inputs) -> Result<Verification> {
    let manifest = manifest::read(inputs.manifest)?;
    let users = read_users(inputs.users)?;
    let bc = BcExports::read(inputs.bc, inputs.companies, &manifest.companies())?;
    let logs = ScriptLogs::read(inputs.logs)?;
    let evidence = Evidence {
        users: &users,
        bc: &bc,
        logs: &logs,
        outputs: manifest.outputs.iter().map(|o| o.file.as_str()).collect(),
    };
    let records = manifest.records_by_key();
    let people: Vec<PersonResult> = (manifest.people.iter())
        .filter(|p| p.status != "coupled")
        .map(|p| person_result(p, &records, &evidence))
        .collect();
    let nothing_to_do = nothing_to_do(&manifest);
    Ok(Verification {
        schema: SCHEMA,
        schema_version: SCHEMA_VERSION,
        manifest: inputs.manifest.display().to_string(),
        users: UsersInput {
            file: users.file.clone(),
            holds: users.kind,
        },
        bc: bc.inputs.clone(),
        logs: inputs
            .logs
            .iter()
            .map(|l| l.display().to_string())
            .collect(),
        summary: summary(&people, nothing_to_do.len()),
        people,
        nothing_to_do,
    })
}

/// The tenant's users; an earlier run's manifest, which `--existing` also takes, is no export of them.
fn read_users(path: &Path) -> Result<ExistingUsers> {
    let users = ExistingUsers::read(path)?;
    if users.earlier_run {
        return Err(Error::Unreadable {
            path: path.into(),
            format: "an export of the tenant's users",
            reason: "it is a bc2m365 manifest, which says what was planned, not what the tenant holds".into(),
            help: "export the users after the steps: Microsoft 365 admin center, Users > Active users > Export users (or Entra's Download users, or Graph PowerShell)",
        });
    }
    Ok(users)
}

fn nothing_to_do(manifest: &Manifest) -> Vec<NothingToDo> {
    (manifest.salespeople.iter())
        .filter(|r| matches!(r.status.as_str(), "skipped" | "rejected" | "coupled"))
        .map(|r| NothingToDo {
            company: r.company.clone(),
            code: r.code.clone(),
            name: r.name.clone(),
            status: r.status.clone(),
            reason: r.reason.clone(),
        })
        .collect()
}

fn summary(people: &[PersonResult], nothing_to_do: usize) -> Summary {
    let mut by_state = Counts::default();
    let mut checks = Counts::default();
    let count = |counts: &mut Counts, state: State| match state {
        State::Done => counts.done += 1,
        State::Missing => counts.missing += 1,
        State::Unknown => counts.unknown += 1,
    };
    for person in people {
        count(&mut by_state, person.state);
        for check in &person.checks {
            count(&mut checks, check.state);
        }
    }
    Summary {
        people: people.len(),
        complete: by_state.done == people.len(),
        by_state,
        checks,
        nothing_to_do,
    }
}

/// Every step of one person, in the order they are done: the user, its usage location and licence, its
/// roles, then its coupling in each company.
fn person_result(
    person: &Person,
    records: &BTreeMap<(String, String), &Record>,
    evidence: &Evidence,
) -> PersonResult {
    let user = evidence.users.by_upn(&person.upn);
    let mut checks = vec![user_check(person, user, evidence)];
    checks.push(usage_location_check(person, user, evidence));
    checks.extend(licence_check(person, user, evidence));
    checks.extend(
        person
            .roles
            .iter()
            .map(|role| role_check(person, role, user, evidence)),
    );
    for member in &person.salespeople {
        let record = records.get(&manifest::key(&member.company, &member.code));
        if let Some(coupling) = record.and_then(|r| r.coupling.as_ref()) {
            checks.push(coupling_check(coupling, evidence));
        }
    }
    let state = if checks.iter().any(|c| c.state == State::Missing) {
        State::Missing
    } else if checks.iter().any(|c| c.state == State::Unknown) {
        State::Unknown
    } else {
        State::Done
    };
    PersonResult {
        upn: person.upn.clone(),
        display_name: person.display_name.clone(),
        status: person.status.clone(),
        state,
        checks,
    }
}

impl Check {
    fn new(check: CheckKind, state: State, expected: Option<String>, detail: String) -> Check {
        Check {
            check,
            state,
            company: None,
            code: None,
            role: None,
            expected,
            found: None,
            detail,
            next: None,
        }
    }

    fn found(mut self, found: Option<String>) -> Check {
        self.found = found;
        self
    }

    fn next(mut self, next: impl Into<String>) -> Check {
        self.next = Some(next.into());
        self
    }
}

/// What the log says about a step that is not done, for the detail: "; the log says ... (file:row)".
fn log_says(evidence: &Evidence, upn: &str, steps: &[Step], detail: Option<&str>) -> String {
    match evidence.logs.find(upn, steps, detail) {
        Some(line) if !line.outcome.holds() => {
            format!("; the log says: {} ({})", line.says(), line.at)
        }
        _ => String::new(),
    }
}

const AFTER_THE_USER: &str =
    "once the user exists, run set-licences.ps1 (usage location, then licence)";

fn user_check(person: &Person, user: Option<&ExistingUser>, evidence: &Evidence) -> Check {
    let expected = Some(person.upn.clone());
    let file = &evidence.users.file;
    if let Some(user) = user {
        let detail = format!("in {file}");
        return Check::new(CheckKind::User, State::Done, expected, detail)
            .found(Some(user.upn.clone()));
    }
    let mut detail = format!("not in {file}");
    if let Some(holder) = evidence.users.holder_of_address(&person.upn) {
        detail.push_str(&format!(
            " ({} has that address: a user name other than the plan's?)",
            holder.upn
        ));
    }
    detail.push_str(&log_says(
        evidence,
        &person.upn,
        &[Step::UsageLocation, Step::Licence],
        None,
    ));
    let next = match (person.status.as_str(), &person.import_file) {
        ("new", Some(file)) if file.starts_with("entra-users") => format!(
            "upload {file} in the Microsoft Entra admin center (Users > Bulk operations > Bulk create), then delete it"
        ),
        ("new", Some(file)) => format!(
            "upload {file} in the Microsoft 365 admin center (Users > Active users > Add multiple users)"
        ),
        _ => "the user existed when the run was planned: check whether it was deleted (Users > Deleted users) or renamed".to_string(),
    };
    Check::new(CheckKind::User, State::Missing, expected, detail).next(next)
}

fn usage_location_check(
    person: &Person,
    user: Option<&ExistingUser>,
    evidence: &Evidence,
) -> Check {
    let expected = person.usage_location.clone();
    let kind = CheckKind::UsageLocation;
    let next = "run set-licences.ps1, or set it in the admin center (Users > Active users > the user > Account > Usage location)";
    let Some(user) = user else {
        return Check::new(kind, State::Missing, expected, "no user yet".into())
            .next(AFTER_THE_USER);
    };
    if !evidence.users.lists_usage_location {
        return from_log(kind, expected, &person.upn, &[Step::UsageLocation], None, evidence)
            .unwrap_or_else(|| {
                let detail = format!("{} has no usage location column", evidence.users.kind);
                Check::new(kind, State::Unknown, person.usage_location.clone(), detail)
                    .next("export the users from the admin center's Active users, which lists the usage location, or give set-licences-log.csv with --log")
            });
    }
    let found = user.held.usage_location.clone();
    if found.is_none() && expected.is_none() {
        if let Some(check) = tenant_location_applies(&person.upn, evidence) {
            return check;
        }
    }
    let (state, detail) = match (&found, &person.usage_location) {
        (None, _) => (State::Missing, "not set".to_string()),
        (Some(now), Some(planned)) if !now.eq_ignore_ascii_case(planned) => {
            (State::Missing, format!("{now}, not the planned {planned}"))
        }
        (Some(now), _) => (State::Done, now.to_string()),
    };
    let detail = match state {
        State::Done => detail,
        _ => detail + &log_says(evidence, &person.upn, &[Step::UsageLocation], None),
    };
    let check = Check::new(kind, state, expected, detail).found(found);
    match state {
        State::Done => check,
        _ => check.next(next),
    }
}

/// With no usage location planned, set-licences.ps1 leaves the user's unset when the tenant's applies
/// (group-based licensing) and logs it as done or already: the step holds though the export shows none.
fn tenant_location_applies(upn: &str, evidence: &Evidence) -> Option<Check> {
    let line = (evidence.logs.find(upn, &[Step::UsageLocation], None))
        .filter(|line| line.outcome.holds())?;
    let says = match line.detail.is_empty() {
        true => line.outcome.describe().to_string(),
        false => format!("{}: {}", line.outcome.describe(), line.detail),
    };
    let detail = format!(
        "not set on the user, none planned; the log says {says} ({})",
        line.at
    );
    Some(
        Check::new(CheckKind::UsageLocation, State::Done, None, detail)
            .found(Some(line.outcome.as_str().to_string())),
    )
}

/// A step the export does not show, from what the log says: `None` when no log line is about it.
fn from_log(
    kind: CheckKind,
    expected: Option<String>,
    upn: &str,
    steps: &[Step],
    detail: Option<&str>,
    evidence: &Evidence,
) -> Option<Check> {
    let line = evidence.logs.find(upn, steps, detail)?;
    let state = match line.outcome.holds() {
        true => State::Done,
        false => State::Missing,
    };
    let check = Check::new(
        kind,
        state,
        expected,
        format!("{} ({})", line.says(), line.at),
    )
    .found(Some(line.outcome.as_str().to_string()));
    Some(match state {
        State::Done => check,
        _ => check.next(next_after_log(line.outcome, kind)),
    })
}

/// What to do after a script step that did not hold.
fn next_after_log(outcome: Outcome, kind: CheckKind) -> String {
    let script = match kind {
        CheckKind::Role => "assign-roles.ps1",
        _ => "set-licences.ps1",
    };
    match outcome {
        Outcome::WhatIf => format!("run {script} again without -WhatIf"),
        Outcome::NoSuchUser => {
            format!("create the user first (upload its import file), then run {script} again")
        }
        Outcome::NotEnoughLicences => {
            format!("buy or free enough licences, then run {script} again")
        }
        _ if kind == CheckKind::Role => format!(
            "see the script's output for the cause (a user is in Dataverse only once enabled and licensed; the role must exist in the business unit), then run {script} again"
        ),
        _ => format!("fix what the log line's Detail says, then run {script} again"),
    }
}

/// The product name the admin center shows for a licence, for the next step.
fn product_name(sku: &str) -> String {
    (crate::m365::licences::SALES_LICENCES.iter())
        .find(|l| l.sku.eq_ignore_ascii_case(sku))
        .and_then(|l| l.names.last())
        .map_or_else(|| sku.to_string(), |name| format!("{name} ({sku})"))
}

fn licence_check(
    person: &Person,
    user: Option<&ExistingUser>,
    evidence: &Evidence,
) -> Option<Check> {
    let kind = CheckKind::Licence;
    // The planned licence; or, for a user who held one that includes Sales, any such licence.
    let expected = person.licence.clone();
    if expected.is_none() && person.licence_held.is_none() {
        return None;
    }
    let Some(user) = user else {
        return Some(
            Check::new(kind, State::Missing, expected, "no user yet".into()).next(AFTER_THE_USER),
        );
    };
    let steps = [Step::Licence, Step::GroupMember];
    if !evidence.users.lists_licences {
        let check = from_log(kind, expected.clone(), &person.upn, &steps, None, evidence);
        return Some(check.unwrap_or_else(|| {
            let detail = format!("{} lists no licences", evidence.users.kind);
            Check::new(kind, State::Unknown, expected, detail)
                .next("export the users from the admin center's Active users, or with Graph PowerShell's AssignedLicenses, or give set-licences-log.csv with --log")
        }));
    }
    let held = &user.sales_licences;
    let found = (!held.is_empty()).then(|| held.join(", "));
    let holds = match &expected {
        Some(sku) => held.iter().any(|h| h.eq_ignore_ascii_case(sku)),
        None => !held.is_empty(),
    };
    if holds {
        let detail = format!("holds {}", found.clone().unwrap_or_default());
        return Some(Check::new(kind, State::Done, expected, detail).found(found));
    }
    let mut detail = match &found {
        Some(others) => format!("holds {others}, not the planned licence"),
        None => "holds no licence that includes Sales".to_string(),
    };
    detail.push_str(&log_says(evidence, &person.upn, &steps, None));
    let product = product_name(
        expected
            .as_deref()
            .or(person.licence_held.as_deref())
            .unwrap_or_default(),
    );
    let next = match evidence.logs.find(&person.upn, &steps, None).map(|l| l.outcome) {
        Some(outcome @ (Outcome::NotEnoughLicences | Outcome::WhatIf)) => next_after_log(outcome, kind),
        _ => format!("run set-licences.ps1, or assign {product} in the admin center (Users > Active users > the user > Licenses and apps)"),
    };
    Some(
        Check::new(kind, State::Missing, expected, detail)
            .found(found)
            .next(next),
    )
}

fn role_check(
    person: &Person,
    role: &str,
    user: Option<&ExistingUser>,
    evidence: &Evidence,
) -> Check {
    let kind = CheckKind::Role;
    let named = |mut check: Check| {
        check.role = Some(role.to_string());
        check
    };
    let expected = Some(role.to_string());
    if let Some(check) = from_log(
        kind,
        expected.clone(),
        &person.upn,
        &[Step::Role],
        Some(role),
        evidence,
    ) {
        return named(check);
    }
    if user.is_none() {
        let check = Check::new(kind, State::Missing, expected, "no user yet".into())
            .next("once the user exists and is licensed, run assign-roles.ps1");
        return named(check);
    }
    let detail = match evidence.logs.has(Step::Role) {
        true => "no log line for this user and role",
        false => "no assign-roles log given",
    };
    named(
        Check::new(kind, State::Unknown, expected, detail.into())
            .next("run assign-roles.ps1 and give its assign-roles-log.csv with --log, or check the role in the Power Platform admin center"),
    )
}

fn coupling_check(coupling: &manifest::Coupling, evidence: &Evidence) -> Check {
    let (company, code, user) = (
        &coupling.bc_company,
        &coupling.bc_code,
        &coupling.sales_user,
    );
    let at = |mut check: Check| {
        check.company = Some(company.clone());
        check.code = Some(code.clone());
        check
    };
    let new =
        |state, detail: String| Check::new(CheckKind::Coupling, state, Some(user.clone()), detail);
    if !evidence.bc.has_company(company) {
        let detail = format!("no export of {company} given");
        let next = format!("export {company}'s Salespeople/Purchasers and give it with --bc");
        return at(new(State::Unknown, detail).next(next));
    }
    let Some(found) = evidence.bc.get(company, code) else {
        let detail = format!("no salesperson {code} in the export of {company}");
        let next = "check that the salesperson was not deleted or renamed in Business Central; then couple it by hand (Set Up Coupling)";
        return at(new(State::Missing, detail).next(next));
    };
    let email = found.email.clone();
    let email_is_user = email
        .as_ref()
        .map(|e| names_the_user(e, coupling, evidence));
    let shown = email
        .as_deref()
        .map_or("not in the export".to_string(), |e| match e.is_empty() {
            true => "empty".to_string(),
            false => e.to_string(),
        });
    let (state, detail, next) = match (found.coupled, email_is_user) {
        (None, _) if !found.coupled_column => (
            State::Unknown,
            format!("the export has no Coupled to Dataverse column ({})", found.at),
            "export the salespeople again with the Coupled to Dataverse column (personalise the list page, or Open in Excel)".to_string(),
        ),
        (None, _) => (
            State::Unknown,
            format!("Coupled to Dataverse is neither Yes nor No ({})", found.at),
            "export the salespeople again as Business Central writes them".to_string(),
        ),
        (Some(true), Some(false)) => (
            State::Missing,
            format!("coupled, but BC's E-Mail is {shown}, not {user} ({})", found.at),
            format!("in {company}, check that {code} is coupled to {user}; if so, synchronise it, else Delete Coupling and Set Up Coupling with {user}"),
        ),
        (Some(true), _) => (State::Done, format!("coupled; E-Mail {shown} ({})", found.at), String::new()),
        (Some(false), Some(true)) => (
            State::Missing,
            format!("not coupled; E-Mail is already {user} ({})", found.at),
            format!("in {company}, once the user is licensed and in Dataverse, run Match-Based Coupling on E-Mail = Primary Email, or Set Up Coupling"),
        ),
        (Some(false), _) => (
            State::Missing,
            format!("not coupled; E-Mail is {shown}{} ({})", unchanged(email.as_deref(), coupling), found.at),
            format!("in {company}, import and apply {} in Configuration Packages, then run Match-Based Coupling on E-Mail; or Set Up Coupling by hand", coupling_workbook(coupling, evidence)),
        ),
    };
    let check = new(state, detail).found(email);
    at(match state {
        State::Done => check,
        _ => check.next(next),
    })
}

/// Whether BC's E-Mail names the coupled Sales user: its user name, the address the manifest expects after
/// the synchronisation (the user's primary email), or any address the users export lists for the user.
fn names_the_user(email: &str, coupling: &manifest::Coupling, evidence: &Evidence) -> bool {
    let email = email.trim();
    if email.is_empty() {
        return false;
    }
    let user = evidence.users.by_upn(&coupling.sales_user);
    let addresses = user.into_iter().flat_map(|u| u.addresses.iter());
    std::iter::once(&coupling.sales_user)
        .chain(&coupling.bc_email_after_sync)
        .chain(addresses)
        .any(|address| address.trim().eq_ignore_ascii_case(email))
}

/// ", as when the run was planned" when BC's E-Mail has not changed since: the coupling workbook, which
/// sets it to the user name, was not applied.
fn unchanged(email: Option<&str>, coupling: &manifest::Coupling) -> &'static str {
    match email.is_some_and(|e| e.trim() == coupling.bc_email_now.trim()) {
        true => ", as when the run was planned",
        false => "",
    }
}

/// The coupling workbook that holds the record: the one the manifest names; for a manifest that names
/// none, the one the run wrote for its company, found among its outputs by name (however the name was made
/// file-safe); a general description when there is none.
fn coupling_workbook(coupling: &manifest::Coupling, evidence: &Evidence) -> String {
    if let Some(package) = &coupling.package {
        return package.clone();
    }
    let wanted = crate::bc::header_key(&coupling.bc_company);
    (evidence.outputs.iter())
        .find(|file| {
            (file
                .strip_prefix("coupling-")
                .and_then(|f| f.strip_suffix(".xlsx")))
            .is_some_and(|stem| crate::bc::header_key(stem) == wanted)
        })
        .map_or(
            "the company's coupling workbook (coupling-*.xlsx)".to_string(),
            |f| f.to_string(),
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_companys_coupling_workbook_is_found_however_its_name_was_made_file_safe() {
        let (users, bc, logs) = (
            ExistingUsers::default(),
            BcExports::default(),
            ScriptLogs::default(),
        );
        let evidence = Evidence {
            users: &users,
            bc: &bc,
            logs: &logs,
            outputs: vec![
                "m365-users.csv",
                "coupling-Societe_A.xlsx",
                "coupling-CRONUS-BE.xlsx",
            ],
        };
        let of = |company: &str, package: Option<&str>| manifest::Coupling {
            bc_company: company.to_string(),
            bc_code: "S1".to_string(),
            sales_user: "s1@contoso.com".to_string(),
            bc_email_now: String::new(),
            bc_email_after_sync: None,
            package: package.map(str::to_string),
        };
        assert_eq!(
            coupling_workbook(&of("CRONUS BE", None), &evidence),
            "coupling-CRONUS-BE.xlsx"
        );
        assert_eq!(
            coupling_workbook(&of("Société A", None), &evidence),
            "coupling-Societe_A.xlsx"
        );
        assert_eq!(
            coupling_workbook(&of("CRONUS NL", None), &evidence),
            "the company's coupling workbook (coupling-*.xlsx)"
        );
        // Named by the manifest: "A/B" and "A:B" are both made "A_B" file-safe, so the name alone is not
        // enough to tell their workbooks apart.
        let evidence = Evidence {
            outputs: vec!["coupling-A_B.xlsx", "coupling-A_B-2.xlsx"],
            ..evidence
        };
        assert_eq!(
            coupling_workbook(&of("A:B", Some("coupling-A_B-2.xlsx")), &evidence),
            "coupling-A_B-2.xlsx"
        );
    }

    #[test]
    fn a_licence_is_named_as_the_admin_center_shows_it() {
        assert_eq!(
            product_name("DYN365_ENTERPRISE_SALES"),
            "Dynamics 365 Sales Enterprise (DYN365_ENTERPRISE_SALES)"
        );
        assert_eq!(product_name("SOMETHING_ELSE"), "SOMETHING_ELSE");
    }
}
