//! The manifest: every input salesperson with its status, user, licence, roles and coupling, and every
//! input and output file with its SHA-256, so files carried into an air-gapped network can be checked.
//!
//! The schema is versioned ([`SCHEMA_VERSION`]) and documented in README.md; a change that removes or
//! renames a key raises the version.

pub mod excel_csv;
pub mod online;
pub mod views;

use std::io::Write;

use serde::Serialize;

use crate::m365::existing::ExistingUsers;
use crate::normalize::salesperson::SkipReason;
use crate::plan::accounts::{Account, AccountPolicy, Deployment, RoleRule, ROLES_ASSIGNED_BY_BC};
use crate::plan::people::{Membership, People};
use crate::plan::{Batch, Entry, Outcome, Summary};

pub const SCHEMA: &str = "bc2m365-manifest";
/// 2: the `accounts` section; statuses `existing` and `coupled` (already coupled was `skipped` in 1);
/// `business_unit`; summary `existing` and `coupled`.
/// 3: the person level: `people` (one user each, with every (company, Code) it holds); each salesperson's
/// `company`, status `same-person` and `same_person_as`; the coupling's `bc_company`; `deployment`;
/// `licence_held` for existing users; summary `same_person`.
pub const SCHEMA_VERSION: u32 = 3;

#[derive(Debug, Serialize)]
pub struct Manifest {
    pub schema: &'static str,
    pub schema_version: u32,
    pub generator: String,
    pub domains: Vec<String>,
    pub inputs: Vec<FileRecord>,
    pub outputs: Vec<FileRecord>,
    pub summary: Summary,
    pub accounts: Accounts,
    /// Every person, one Microsoft 365 user each, in the order of their first salesperson record:
    /// spooled as `salespeople` is.
    #[serde(skip)]
    pub people: Spooled,
    /// Every salesperson, in input order: written to a spool file as the rows go by, already as the
    /// manifest's text, and copied from it when the manifest is written, so a million of them are never
    /// in memory at once.
    #[serde(skip)]
    pub salespeople: Spooled,
}

/// The salespeople's records as the manifest holds them: the text of a JSON array's elements.
#[derive(Debug)]
pub struct Spooled {
    spool: std::cell::RefCell<crate::write::Spool>,
    records: u64,
}

/// The accounts the integration needs, besides one user per salesperson (those are in `salespeople`).
#[derive(Debug, Serialize)]
pub struct Accounts {
    /// Where Business Central runs: `online` or `on-premises`.
    pub deployment: &'static str,
    /// The account that sets up the integration; null when not named.
    pub administrator: Option<SpecialAccount>,
    /// The account that synchronises; null when not named.
    pub integration_user: Option<SpecialAccount>,
    /// What every salesperson gets unless a role rule says otherwise.
    pub salespeople: SalespeoplePolicy,
}

#[derive(Debug, Serialize)]
pub struct SpecialAccount {
    pub upn: String,
    /// Whether the user is in the `--existing` export; null without one.
    pub exists: Option<bool>,
    /// null for the integration account of Business Central online, which needs none.
    pub licence: Option<String>,
    /// Security roles to assign in Dynamics 365 Sales.
    pub roles: Vec<String>,
    /// `non-interactive` for the integration user, once the connection is set up.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_mode: Option<&'static str>,
    /// Roles Business Central assigns itself once connected (integration user).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub roles_assigned_by_bc: Vec<&'static str>,
    pub note: &'static str,
}

#[derive(Debug, Serialize)]
pub struct SalespeoplePolicy {
    pub licence: String,
    /// The usage location given for everyone (`--usage-location`), if any.
    pub usage_location: Option<String>,
    /// The usage location of a salesperson with no country, if any.
    pub default_country: Option<String>,
    pub roles: Vec<String>,
    pub business_unit: Option<String>,
    pub role_rules: Vec<RoleRule>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FileRecord {
    pub file: String,
    /// Empty, and left out, for a file that holds secrets (see [`FileRecord::secret`]).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub sha256: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    /// Data rows read (inputs) or users written (import files).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rows: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub users: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// What the file is, for the --existing file (e.g. "a Microsoft Entra Download users file").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub holds: Option<String>,
    /// The file holds initial passwords: delete it after the upload.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub secret: bool,
}

impl FileRecord {
    /// An output file's record.
    pub fn output(
        written: crate::write::WrittenFile,
        users: Option<usize>,
        country: Option<String>,
    ) -> Self {
        FileRecord {
            file: written.name,
            sha256: written.sha256,
            sheet: None,
            rows: None,
            users,
            country,
            holds: None,
            secret: false,
        }
    }

    /// The record of an output that holds initial passwords (Microsoft Entra's file): listed with
    /// `secret: true` and no SHA-256. Its passwords are new on every run, so a hash would change from run
    /// to run and make the manifest differ; and a hash of a file of passwords is no thing to pass around.
    pub fn secret(written: crate::write::WrittenFile, users: usize) -> Self {
        FileRecord {
            sha256: String::new(),
            secret: true,
            ..FileRecord::output(written, Some(users), None)
        }
    }
}

#[derive(Debug, Serialize)]
pub struct SalespersonRecord {
    /// The Business Central company the salesperson record is in.
    pub company: String,
    pub code: String,
    /// The Name; null for a privacy-blocked salesperson, whose personal data is not carried into outputs.
    pub name: Option<String>,
    pub source: Source,
    /// written, existing, coupled, same-person, skipped or rejected.
    pub status: &'static str,
    pub reason: Option<String>,
    /// For status `same-person`: the person's first salesperson record, whose user this one shares.
    pub same_person_as: Option<MemberRef>,
    pub upn: Option<String>,
    /// "email" when the user name is the salesperson's Email, "built" when it was made from the name,
    /// "existing" when it is the existing user's, as the tenant spells it, "person" when it is the user of
    /// the person's first record (status `same-person`).
    pub upn_source: Option<&'static str>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub alternate_email: Option<String>,
    pub import_file: Option<String>,
    /// The licence to assign; null when the existing user holds a Sales licence already.
    pub licence: Option<String>,
    /// The Sales licence the existing user holds already (its skuPartNumber).
    pub licence_held: Option<String>,
    /// The existing user's own usage location when the export has one, else the salesperson's.
    pub usage_location: Option<String>,
    pub roles: Vec<String>,
    pub business_unit: Option<String>,
    pub coupling: Option<Coupling>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Source {
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    pub row: Option<u64>,
}

/// Which BC salesperson to couple with which Sales user, and how BC's Email will change.
#[derive(Debug, Serialize)]
pub struct Coupling {
    /// The company to couple in: each company has its own salespeople and couplings.
    pub bc_company: String,
    /// Table 13 "Salesperson/Purchaser", by its primary key Code.
    pub bc_table: u32,
    pub bc_code: String,
    /// The Dataverse entity and the field to match on (match-based coupling: E-Mail = primary email).
    pub sales_entity: &'static str,
    pub match_field: &'static str,
    pub sales_user: String,
    /// BC's Email now, and after the first synchronisation (Sales' primary email is written into it: the
    /// user name, or an existing user's primary email when that is not its user name).
    pub bc_email_now: String,
    pub bc_email_after_sync: String,
    pub note: Option<String>,
    /// Why the coupling package and Match-Based Coupling cannot couple this salesperson, who then needs
    /// Set Up Coupling by hand; null when they can.
    pub by_hand: Option<String>,
    /// The coupling package (`coupling-<company>.xlsx`) that holds the coupling; null when none does
    /// (by hand). Named by [`online::OnlineSteps::add`], which writes the packages.
    pub package: Option<String>,
}

/// A salesperson record of a person, as the person's record lists it.
#[derive(Debug, Clone, Serialize)]
pub struct MemberRef {
    pub company: String,
    pub code: String,
    pub source: Source,
}

impl MemberRef {
    fn of(member: &Membership) -> Self {
        MemberRef {
            company: member.company.clone(),
            code: member.code.clone(),
            source: Source::of(&member.location),
        }
    }
}

/// One person: one Microsoft 365 user, holding one salesperson record in each company they sell for.
#[derive(Debug, Serialize)]
pub struct PersonRecord {
    pub upn: String,
    pub display_name: String,
    /// `new` (in an import file), `existing` (in the --existing export) or `coupled` (already coupled in
    /// Business Central).
    pub status: &'static str,
    pub import_file: Option<String>,
    /// The licence to assign; null when the user holds a Sales licence already, or is coupled.
    pub licence: Option<String>,
    /// The Sales licence an existing user holds already (its skuPartNumber).
    pub licence_held: Option<String>,
    pub usage_location: Option<String>,
    pub roles: Vec<String>,
    pub business_unit: Option<String>,
    /// Every salesperson record of the person, the first (whose values the user has) first; none for a
    /// user read from a Microsoft 365 import file.
    pub salespeople: Vec<MemberRef>,
}

impl Source {
    fn of(location: &crate::diagnostic::Location) -> Self {
        Source {
            file: location.file.to_string(),
            sheet: location.sheet.clone(),
            row: location.row,
        }
    }
}

/// The person an entry starts, with every salesperson record they hold; `None` for an entry that
/// starts none (skipped, rejected, another company's record of a person above).
pub fn person_record(
    entry: &Entry,
    record: &SalespersonRecord,
    people: &People,
) -> Option<PersonRecord> {
    let status = match entry.outcome {
        Outcome::Written => "new",
        Outcome::Existing => "existing",
        Outcome::Coupled => "coupled",
        _ => return None,
    };
    let upn = record.upn.clone()?;
    let salespeople = match entry.person {
        Some(id) => people.members(id).iter().map(MemberRef::of).collect(),
        None => vec![MemberRef {
            company: record.company.clone(),
            code: record.code.clone(),
            source: Source::of(&entry.location),
        }],
    };
    // A row of a Microsoft 365 import file is a user, but no Business Central salesperson.
    let salespeople = salespeople
        .into_iter()
        .filter(|m| !m.code.is_empty())
        .collect();
    Some(PersonRecord {
        upn,
        display_name: entry.salesperson.name.clone(),
        status,
        import_file: record.import_file.clone(),
        licence: record.licence.clone(),
        licence_held: record.licence_held.clone(),
        usage_location: record.usage_location.clone(),
        roles: record.roles.clone(),
        business_unit: record.business_unit.clone(),
        salespeople,
    })
}

pub fn record(
    entry: &Entry,
    batches: &[Batch],
    policy: &AccountPolicy,
    people: &People,
) -> SalespersonRecord {
    let sp = &entry.salesperson;
    let same_person = entry.outcome == Outcome::SamePerson;
    // Licence and roles are the person's: on the first record only.
    let written = entry.outcome.gets_account();
    let coupled_here = written || same_person;
    let upn = entry
        .upn
        .as_ref()
        .filter(|_| coupled_here || entry.outcome == Outcome::Coupled)
        .map(|u| u.as_str().to_string());
    let held = entry.held.as_deref();
    let licence_held = held.and_then(|h| h.sales_licence.clone());
    let (roles, business_unit) = if written {
        policy.roles_for(sp)
    } else {
        (Vec::new(), None)
    };
    // Only a Business Central salesperson (with a Code) is coupled; users read from an import file are not.
    let coupling = (upn.as_ref())
        .filter(|_| coupled_here && !sp.code.is_empty())
        .map(|upn| coupling_of(sp, upn, held.and_then(|h| h.primary_email.as_deref())));
    let private = entry.outcome == Outcome::Skipped(SkipReason::PrivacyBlocked);
    let personal = |value: &str| (!private).then(|| value.to_string());
    let usage_location = held
        .and_then(|h| h.usage_location.clone())
        .or_else(|| policy.usage_location_for(sp))
        .filter(|_| written);
    SalespersonRecord {
        company: sp.company.clone(),
        code: sp.code.clone(),
        name: personal(&sp.name),
        source: Source::of(&entry.location),
        status: entry.outcome.as_str(),
        reason: entry.reason(),
        same_person_as: (entry.person)
            .filter(|_| same_person)
            .and_then(|id| people.first(id))
            .map(|m| MemberRef::of(&m)),
        upn_source: upn.as_ref().map(|_| {
            if same_person {
                "person"
            } else if entry.outcome == Outcome::Existing {
                "existing"
            } else if entry.upn_from_email {
                "email"
            } else {
                "built"
            }
        }),
        upn,
        first_name: personal(&sp.person.first),
        last_name: personal(&sp.person.last),
        alternate_email: Some(entry.alternate_email.clone()).filter(|e| !e.is_empty()),
        import_file: entry.batch.map(|b| batches[b].file_name.clone()),
        licence: (written && licence_held.is_none()).then(|| policy.licence.as_str().to_string()),
        licence_held,
        usage_location,
        roles,
        business_unit,
        coupling,
    }
}

/// The coupling of a salesperson with the Sales user `upn`, in the salesperson's company; `primary_email`
/// is the existing user's e-mail address when it is not its user name: the first synchronisation writes
/// that address, not the user name, into BC's Email.
fn coupling_of(
    sp: &crate::normalize::salesperson::Salesperson,
    upn: &str,
    primary_email: Option<&str>,
) -> Coupling {
    let by_hand = online::coupling_by_hand(upn, primary_email);
    let mut coupling = Coupling {
        bc_company: sp.company.clone(),
        bc_table: 13,
        bc_code: sp.code.clone(),
        sales_entity: "systemuser",
        match_field: "internalemailaddress",
        sales_user: upn.to_string(),
        bc_email_now: sp.email_in_bc.clone(),
        bc_email_after_sync: primary_email.unwrap_or(upn).to_string(),
        note: None,
        by_hand,
        package: None,
    };
    coupling.note = match &coupling.by_hand {
        Some(reason) => Some(format!("Set Up Coupling by hand: {reason}")),
        None if sp.email_in_bc.is_empty() => Some(format!(
            "BC's Email is empty; the coupling package sets it to {upn}"
        )),
        None if sp.email_in_bc != *upn => Some(format!(
            "BC's Email changes from {} to {upn} with the coupling package",
            sp.email_in_bc
        )),
        None => None,
    };
    coupling
}

/// Writes the manifest's records (people or salespeople) to a spool as the rows go by, each as pretty JSON indented to its
/// place in the manifest.
pub struct RecordSpool {
    out: crate::write::Spool,
    records: u64,
    buffer: Vec<u8>,
}

impl RecordSpool {
    /// A spool in `dir`, which should be on the disk the outputs go to (not a small /tmp in memory).
    pub fn new(dir: &std::path::Path) -> std::io::Result<Self> {
        Ok(RecordSpool {
            out: crate::write::Spool::new_in(dir)?,
            records: 0,
            buffer: Vec::new(),
        })
    }

    /// Adds a salesperson's record.
    pub fn add(&mut self, record: &impl Serialize) -> std::io::Result<()> {
        self.out
            .write_all(if self.records == 0 { b"\n" } else { b",\n" })?;
        self.records += 1;
        // Four spaces in: the record is an element of the manifest's "salespeople" array.
        self.out.write_all(b"    ")?;
        write_nested(&mut self.out, &mut self.buffer, record, b"    ")
    }

    pub fn finish(self) -> Spooled {
        Spooled {
            spool: std::cell::RefCell::new(self.out),
            records: self.records,
        }
    }
}

impl Manifest {
    pub fn new(
        (people, salespeople): (Spooled, Spooled),
        domains: &[String],
        policy: &AccountPolicy,
        existing: Option<&ExistingUsers>,
        inputs: Vec<FileRecord>,
        outputs: Vec<FileRecord>,
        summary: Summary,
    ) -> Self {
        Manifest {
            schema: SCHEMA,
            schema_version: SCHEMA_VERSION,
            generator: generator(),
            domains: domains.to_vec(),
            inputs,
            outputs,
            summary,
            accounts: Accounts::new(policy, existing),
            people,
            salespeople,
        }
    }

    /// Writes the manifest as pretty JSON with a final newline, the salespeople copied from their spool:
    /// the same text `serde_json::to_writer_pretty` would give for the whole manifest.
    pub fn write_json(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        let head = serde_json::to_vec_pretty(self)?;
        // Everything but the salespeople, ending in "\n}": the array goes before that end.
        let head = head.strip_suffix(b"\n}").unwrap_or(&head);
        out.write_all(head)?;
        for (key, records) in [("people", &self.people), ("salespeople", &self.salespeople)] {
            write!(out, ",\n  \"{key}\": [")?;
            if records.records > 0 {
                records.spool.borrow_mut().copy_into(out)?;
                out.write_all(b"\n  ")?;
            }
            out.write_all(b"]")?;
        }
        out.write_all(b"\n}\n")
    }
}

/// The program and version that wrote an output.
pub fn generator() -> String {
    format!("bc2m365 {}", env!("CARGO_PKG_VERSION"))
}

/// Whether an entry has a record in the manifest: every salesperson, and no row that is none (empty, a
/// total, a note...).
pub fn has_record(entry: &Entry) -> bool {
    !matches!(entry.outcome, Outcome::Skipped(reason) if reason.is_no_person())
}

impl Accounts {
    pub fn new(policy: &AccountPolicy, existing: Option<&ExistingUsers>) -> Self {
        let online = policy.deployment == Deployment::Online;
        let special = |account: &Account, integration: bool| {
            let application_user = integration && online;
            SpecialAccount {
                upn: account.name.as_str().to_string(),
                exists: existing.map(|e| e.by_upn(account.name.as_str()).is_some()),
                licence: (!application_user).then(|| account.licence.as_str().to_string()),
                roles: match application_user {
                    true => Vec::new(),
                    false => account.roles.clone(),
                },
                access_mode: integration.then_some("non-interactive"),
                roles_assigned_by_bc: match (integration, online) {
                    (true, true) => vec!["Business Central Dataverse Integration"],
                    (true, false) => ROLES_ASSIGNED_BY_BC.to_vec(),
                    (false, _) => Vec::new(),
                },
                note: match (integration, online) {
                    (true, true) => "the application user the Dataverse connection setup creates; no licence or role to assign, and never a salesperson",
                    (true, false) => "synchronises Business Central and Sales; its own changes are never synchronised, so it is never a salesperson",
                    (false, _) => "sets up the integration; never used for synchronisation, and never a salesperson",
                },
            }
        };
        Accounts {
            deployment: policy.deployment.as_str(),
            administrator: policy.administrator.as_ref().map(|a| special(a, false)),
            integration_user: policy.integration_user.as_ref().map(|a| special(a, true)),
            salespeople: SalespeoplePolicy {
                licence: policy.licence.as_str().to_string(),
                usage_location: policy
                    .usage_location
                    .as_ref()
                    .map(|c| c.as_str().to_string()),
                default_country: policy
                    .default_country
                    .as_ref()
                    .map(|c| c.as_str().to_string()),
                roles: policy.roles.clone(),
                business_unit: policy.business_unit.clone(),
                role_rules: policy.role_rules.clone(),
            },
        }
    }
}

/// `value` as pretty JSON nested in a bigger pretty document: every line after the first indented by
/// `indent` (the caller places the first). `buffer` is scratch space, kept for the next value.
pub fn write_nested(
    out: &mut impl std::io::Write,
    buffer: &mut Vec<u8>,
    value: &impl Serialize,
    indent: &[u8],
) -> std::io::Result<()> {
    buffer.clear();
    serde_json::to_writer_pretty(&mut *buffer, value)?;
    for (i, line) in buffer.split(|&b| b == b'\n').enumerate() {
        if i > 0 {
            out.write_all(b"\n")?;
            out.write_all(indent)?;
        }
        out.write_all(line)?;
    }
    Ok(())
}
