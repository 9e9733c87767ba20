//! The manifest: every input salesperson with its status, user, licence, roles and coupling, and every
//! input and output file with its SHA-256, so files carried into an air-gapped network can be checked.
//!
//! The schema is versioned ([`SCHEMA_VERSION`]) and documented in README.md; a change that removes or
//! renames a key raises the version.

use serde::Serialize;

use crate::plan::{Entry, Outcome, Plan};
use crate::salesperson::SkipReason;

pub const SCHEMA: &str = "bc2m365-manifest";
pub const SCHEMA_VERSION: u32 = 1;

/// The licence every salesperson needs (skuPartNumber): Dynamics 365 for Sales Enterprise.
pub const DEFAULT_LICENCE: &str = "DYN365_ENTERPRISE_SALES";
/// The Dynamics 365 Sales security role every salesperson gets.
pub const DEFAULT_ROLE: &str = "Salesperson";

#[derive(Debug, Serialize)]
pub struct Manifest {
    pub schema: &'static str,
    pub schema_version: u32,
    pub generator: String,
    pub domains: Vec<String>,
    pub inputs: Vec<FileRecord>,
    pub outputs: Vec<FileRecord>,
    pub summary: Summary,
    pub salespeople: Vec<SalespersonRecord>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FileRecord {
    pub file: String,
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
}

#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Summary {
    /// Data rows read from every input, empty rows included.
    pub rows: u64,
    pub written: u64,
    pub skipped: u64,
    pub rejected: u64,
    /// Empty rows between data rows: skipped, and not salespeople.
    pub empty_rows: u64,
    pub errors: u64,
    pub warnings: u64,
    pub import_files: usize,
}

#[derive(Debug, Serialize)]
pub struct SalespersonRecord {
    pub code: String,
    /// The Name; null for a privacy-blocked salesperson, whose personal data is not carried into outputs.
    pub name: Option<String>,
    pub source: Source,
    /// written, skipped or rejected.
    pub status: &'static str,
    pub reason: Option<String>,
    pub upn: Option<String>,
    /// "email" when the user name is the salesperson's Email, "built" when it was made from the name.
    pub upn_source: Option<&'static str>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub alternate_email: Option<String>,
    pub import_file: Option<String>,
    pub licence: Option<&'static str>,
    pub usage_location: Option<String>,
    pub roles: Vec<&'static str>,
    pub coupling: Option<Coupling>,
}

#[derive(Debug, Serialize)]
pub struct Source {
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    pub row: Option<u64>,
}

/// Which BC salesperson to couple with which Sales user, and how BC's Email will change.
#[derive(Debug, Serialize)]
pub struct Coupling {
    /// Table 13 "Salesperson/Purchaser", by its primary key Code.
    pub bc_table: u32,
    pub bc_code: String,
    /// The Dataverse entity and the field to match on (match-based coupling: E-Mail = primary email).
    pub sales_entity: &'static str,
    pub match_field: &'static str,
    pub sales_user: String,
    /// BC's Email now, and after the first synchronisation (Sales' primary email is written into it).
    pub bc_email_now: String,
    pub bc_email_after_sync: String,
    pub note: Option<String>,
}

fn record(entry: &Entry, plan: &Plan) -> SalespersonRecord {
    let sp = &entry.salesperson;
    let written = entry.outcome == Outcome::Written;
    let upn = entry
        .upn
        .as_ref()
        .filter(|_| written)
        .map(|u| u.as_str().to_string());
    // Only a Business Central salesperson (with a Code) is coupled; users read from an import file are not.
    let coupling = upn
        .as_ref()
        .filter(|_| !sp.code.is_empty())
        .map(|upn| Coupling {
            bc_table: 13,
            bc_code: sp.code.clone(),
            sales_entity: "systemuser",
            match_field: "internalemailaddress",
            sales_user: upn.clone(),
            bc_email_now: sp.email_in_bc.clone(),
            bc_email_after_sync: upn.clone(),
            note: (sp.email_in_bc != *upn).then(|| {
                if sp.email_in_bc.is_empty() {
                    format!("BC's Email is empty; the first synchronisation fills it with {upn}")
                } else {
                    format!(
                        "BC's Email changes from {} to {upn} at the first synchronisation",
                        sp.email_in_bc
                    )
                }
            }),
        });
    let private = entry.outcome == Outcome::Skipped(SkipReason::PrivacyBlocked);
    let personal = |value: &str| (!private).then(|| value.to_string());
    SalespersonRecord {
        code: sp.code.clone(),
        name: personal(&sp.name),
        source: Source {
            file: entry.location.file.clone(),
            sheet: entry.location.sheet.clone(),
            row: entry.location.row,
        },
        status: entry.outcome.as_str(),
        reason: entry.reason(),
        upn_source: upn.as_ref().map(|_| {
            if entry.upn_from_email {
                "email"
            } else {
                "built"
            }
        }),
        upn,
        first_name: personal(&sp.person.first),
        last_name: personal(&sp.person.last),
        alternate_email: Some(entry.alternate_email.clone()).filter(|e| !e.is_empty()),
        import_file: entry.batch.map(|b| plan.batches[b].file_name.clone()),
        licence: written.then_some(DEFAULT_LICENCE),
        usage_location: Some(sp.country.clone()).filter(|c| written && !c.is_empty()),
        roles: if written {
            vec![DEFAULT_ROLE]
        } else {
            Vec::new()
        },
        coupling,
    }
}

impl Manifest {
    pub fn new(
        plan: &Plan,
        domains: &[String],
        inputs: Vec<FileRecord>,
        outputs: Vec<FileRecord>,
        summary: Summary,
    ) -> Self {
        Manifest {
            schema: SCHEMA,
            schema_version: SCHEMA_VERSION,
            generator: format!("bc2m365 {}", env!("CARGO_PKG_VERSION")),
            domains: domains.to_vec(),
            inputs,
            outputs,
            summary,
            salespeople: plan.entries.iter().map(|e| record(e, plan)).collect(),
        }
    }

    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }
}
