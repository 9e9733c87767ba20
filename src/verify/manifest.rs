//! The parts of a run's manifest.json that `verify` checks against: its own view of the manifest, with only
//! the keys it needs (the manifest's writer is `crate::manifest`, a later stage), tolerant of any other key.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::error::{Error, Result};

/// The manifest schema this reader knows.
pub const SCHEMA: &str = "bc2m365-manifest";
pub const SCHEMA_VERSION: u64 = 3;

#[derive(Debug, Deserialize)]
pub struct Manifest {
    #[serde(default)]
    pub outputs: Vec<Output>,
    pub people: Vec<Person>,
    pub salespeople: Vec<Record>,
}

#[derive(Debug, Deserialize)]
pub struct Output {
    pub file: String,
}

/// One person: one Microsoft 365 user.
#[derive(Debug, Deserialize)]
pub struct Person {
    pub upn: String,
    #[serde(default)]
    pub display_name: String,
    /// `new`, `existing` or `coupled`.
    pub status: String,
    pub import_file: Option<String>,
    pub licence: Option<String>,
    pub licence_held: Option<String>,
    pub usage_location: Option<String>,
    #[serde(default)]
    pub roles: Vec<String>,
    #[serde(default)]
    pub salespeople: Vec<MemberRef>,
}

#[derive(Debug, Deserialize)]
pub struct MemberRef {
    pub company: String,
    pub code: String,
}

/// One salesperson record, as the run decided it.
#[derive(Debug, Deserialize)]
pub struct Record {
    #[serde(default)]
    pub company: String,
    #[serde(default)]
    pub code: String,
    pub name: Option<String>,
    pub status: String,
    pub reason: Option<String>,
    pub coupling: Option<Coupling>,
}

#[derive(Debug, Deserialize)]
pub struct Coupling {
    pub bc_company: String,
    pub bc_code: String,
    pub sales_user: String,
    #[serde(default)]
    pub bc_email_now: String,
    /// What BC's E-Mail holds once the salesperson is coupled and synchronised: the Sales user's primary
    /// email.
    #[serde(default)]
    pub bc_email_after_sync: Option<String>,
    /// The coupling workbook (`coupling-<company>.xlsx`) that holds the record; null when none does, and
    /// absent in manifests written before it was recorded.
    #[serde(default)]
    pub package: Option<String>,
}

/// What a file must say about itself before the rest is read.
#[derive(Deserialize)]
struct Head {
    schema: Option<serde_json::Value>,
    schema_version: Option<serde_json::Value>,
    generator: Option<String>,
}

const HELP_NOT_A_MANIFEST: &str =
    "give the manifest.json that `bc2m365 convert` wrote into its --out folder";
const HELP_OLDER: &str = "convert the same exports again with this bc2m365, which writes a version-3 manifest, and verify against that one";
const HELP_NEWER: &str = "verify with the bc2m365 that wrote the manifest (its `generator` key names the version), or convert again with this one";

/// Reads and checks a manifest: a file that is no manifest, or of a schema version this reader does not
/// know, is refused with the fix.
pub fn read(path: &Path) -> Result<Manifest> {
    let unreadable = |reason: String, help: &'static str| Error::Unreadable {
        path: path.into(),
        format: "a bc2m365 manifest",
        reason,
        help,
    };
    let bytes = std::fs::read(path).map_err(|e| unreadable(e.to_string(), HELP_NOT_A_MANIFEST))?;
    let head: Head = serde_json::from_slice(&bytes)
        .map_err(|e| unreadable(format!("not JSON: {e}"), HELP_NOT_A_MANIFEST))?;
    if head.schema.as_ref().and_then(|s| s.as_str()) != Some(SCHEMA) {
        let reason = format!("its \"schema\" is not \"{SCHEMA}\": it is no bc2m365 manifest");
        return Err(unreadable(reason, HELP_NOT_A_MANIFEST));
    }
    let version = head.schema_version.as_ref().and_then(|v| v.as_u64());
    if version != Some(SCHEMA_VERSION) {
        let shown = (head.schema_version.as_ref()).map_or("none".to_string(), |v| v.to_string());
        let by = head
            .generator
            .map(|g| format!(", written by {g}"))
            .unwrap_or_default();
        let reason =
            format!("schema_version {shown}{by}; this bc2m365 reads version {SCHEMA_VERSION}");
        let help = match version {
            Some(v) if v > SCHEMA_VERSION => HELP_NEWER,
            _ => HELP_OLDER,
        };
        return Err(unreadable(reason, help));
    }
    serde_json::from_slice(&bytes).map_err(|e| {
        unreadable(
            format!(
                "a version-{SCHEMA_VERSION} manifest with a key missing or of the wrong type: {e}"
            ),
            HELP_NOT_A_MANIFEST,
        )
    })
}

impl Manifest {
    /// The salesperson records by (folded company, upper-cased Code): how a person's records are found.
    pub fn records_by_key(&self) -> BTreeMap<(String, String), &Record> {
        let mut records = BTreeMap::new();
        for record in &self.salespeople {
            records
                .entry(key(&record.company, &record.code))
                .or_insert(record);
        }
        records
    }

    /// Every company the manifest's records are in, as first named.
    pub fn companies(&self) -> Vec<&str> {
        let mut seen: Vec<&str> = Vec::new();
        for record in &self.salespeople {
            let company = record.company.as_str();
            let folded = crate::m365::existing::fold(company);
            if !company.is_empty()
                && !seen
                    .iter()
                    .any(|c| crate::m365::existing::fold(c) == folded)
            {
                seen.push(company);
            }
        }
        seen
    }
}

/// How a salesperson record is known across the manifest and the exports: its company as companies are
/// compared (without case, accents or extra spaces) and its Code without case.
pub fn key(company: &str, code: &str) -> (String, String) {
    (
        crate::m365::existing::fold(company),
        code.trim().to_uppercase(),
    )
}
