//! The online steps as files an administrator runs later on a connected machine: `set-licences.ps1`
//! (usage location and licence, with Microsoft Graph PowerShell), `assign-roles.ps1` (the Sales security
//! roles, with the Power Platform CLI), the data each reads (`licences.csv`, `roles.csv`), the settings
//! both read (`online-settings.json`), and per company a Business Central configuration package
//! (`coupling-<company>.xlsx`) that sets each salesperson's E-Mail to their new user name, so that one
//! Match-Based Coupling on E-Mail couples them all.
//!
//! The scripts are constants: every value they act on is in the CSVs and the JSON beside them, so no name
//! or address can become code. The CSVs are guarded against formulas as every CSV bc2m365 writes is
//! ([`crate::normalize::text::spreadsheet_safe`]); the scripts undo the guard exactly as
//! [`crate::normalize::text::without_formula_guard`] does.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::Path;

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Workbook, XlsxError};
use serde::Serialize;

use crate::manifest::excel_csv::ExcelCsv;
use crate::manifest::SalespersonRecord;

pub const SET_LICENCES: &str = "set-licences.ps1";
pub const LICENCES: &str = "licences.csv";
pub const ASSIGN_ROLES: &str = "assign-roles.ps1";
pub const ROLES: &str = "roles.csv";
pub const ONLINE_SETTINGS: &str = "online-settings.json";

/// The scripts, the same for every run.
pub const SET_LICENCES_SCRIPT: &str = include_str!("scripts/set-licences.ps1");
pub const ASSIGN_ROLES_SCRIPT: &str = include_str!("scripts/assign-roles.ps1");

/// The columns of the scripts' data files, as the scripts read them.
pub const LICENCES_HEADER: [&str; 4] = [
    "UserPrincipalName",
    "DisplayName",
    "UsageLocation",
    "SkuPartNumber",
];
pub const ROLES_HEADER: [&str; 4] = ["UserPrincipalName", "DisplayName", "Role", "BusinessUnit"];

/// Business Central's table 13 in a configuration package: its id, its caption, the worksheet name a
/// RapidStart export gives it (the caption without "/"), and the captions of the two fields the package
/// sets.
pub const COUPLING_TABLE_ID: u32 = 13;
pub const COUPLING_TABLE_NAME: &str = "Salesperson/Purchaser";
pub const COUPLING_SHEET: &str = "SalespersonPurchaser";
pub const COUPLING_PACKAGE_CODE: &str = "BC2M365-COUPLING";
pub const COUPLING_HEADER: [&str; 2] = ["Code", "E-Mail"];
/// The length of Business Central's E-Mail field (Text[80]).
pub const BC_EMAIL_MAX: usize = 80;

/// The settings the scripts read: from flags and bc2m365.toml, never from an input row.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct OnlineSettings {
    /// The Dataverse environment (URL or id) `assign-roles.ps1` assigns roles in.
    pub environment: Option<String>,
    /// The group that carries the licence (group-based licensing): `set-licences.ps1` adds members to it
    /// instead of assigning the licence to each user.
    pub licence_group: Option<String>,
    /// Security role names as planned = their display names in the environment's language.
    pub role_names: BTreeMap<String, String>,
}

/// Whether `value` is a GUID as Microsoft writes object ids: 8-4-4-4-12 hexadecimal digits.
pub fn is_guid(value: &str) -> bool {
    let groups: Vec<&str> = value.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(group, len)| group.len() == len && group.chars().all(|c| c.is_ascii_hexdigit()))
}

/// Why a salesperson cannot be coupled by the package (which sets E-Mail to the user name `upn`) and
/// Match-Based Coupling (which compares E-Mail with the Sales user's primary email), but needs Set Up
/// Coupling by hand; `None` when the package and the match couple it. `primary_email`: the existing
/// user's e-mail address when it is not its user name.
pub fn coupling_by_hand(upn: &str, primary_email: Option<&str>) -> Option<String> {
    if upn.chars().count() > BC_EMAIL_MAX {
        return Some(format!(
            "the user name is longer than the {BC_EMAIL_MAX} characters Business Central's E-Mail holds"
        ));
    }
    primary_email.map(|mail| {
        format!("the user's primary email in Sales is {mail}, not its user name, so Match-Based Coupling on E-Mail finds no match")
    })
}

/// The file-safe form of a company name for `coupling-<company>.xlsx`: characters Windows or a shell
/// would trip on become "_", and the name is cut to a length every file system takes.
fn file_safe(company: &str) -> String {
    let safe: String = company
        .trim()
        .chars()
        .map(|c| match c {
            'A'..='Z' | 'a'..='z' | '0'..='9' | '-' | '_' | '.' => c,
            c if c.is_alphanumeric() => c,
            _ => '_',
        })
        .take(64)
        .collect();
    let safe = safe.trim_matches('.');
    match safe.is_empty() {
        true => "company".to_string(),
        false => safe.to_string(),
    }
}

/// Each company's coupling workbook name, given as the companies first need one: `coupling-<company>.xlsx`,
/// numbered when two companies' file-safe names are one (compared without case, as Windows does). A name
/// is final once given, so each salesperson's record can name its package as the rows go by.
#[derive(Debug, Default)]
pub struct PackageNames {
    taken: std::collections::BTreeSet<String>,
    names: BTreeMap<String, String>,
}

impl PackageNames {
    /// The package of `company`, named now if it has none yet.
    pub fn of(&mut self, company: &str) -> &str {
        if !self.names.contains_key(company) {
            let base = format!("coupling-{}", file_safe(company));
            let mut name = format!("{base}.xlsx");
            let mut n = 2;
            while !self.taken.insert(name.to_lowercase()) {
                name = format!("{base}-{n}.xlsx");
                n += 1;
            }
            self.names.insert(company.to_string(), name);
        }
        &self.names[company]
    }

    /// Each company's package name, by company.
    pub fn into_map(self) -> BTreeMap<String, String> {
        self.names
    }
}

/// The scripts' data files and the coupling packages, written as the manifest's records go by.
pub struct OnlineSteps<W: Write> {
    licences: ExcelCsv<W>,
    roles: ExcelCsv<W>,
    /// Per company, its package's rows (Code, E-Mail) as JSON lines, spooled.
    couplings: BTreeMap<String, crate::write::Spool>,
    packages: PackageNames,
    dir: std::path::PathBuf,
}

impl<W: Write> OnlineSteps<W> {
    /// Starts `licences.csv` and `roles.csv` in the outputs given; the packages' rows are spooled to `dir`.
    pub fn new(dir: &Path, licences: W, roles: W) -> io::Result<Self> {
        Ok(OnlineSteps {
            licences: ExcelCsv::new(licences, &LICENCES_HEADER)?,
            roles: ExcelCsv::new(roles, &ROLES_HEADER)?,
            couplings: BTreeMap::new(),
            packages: PackageNames::default(),
            dir: dir.to_path_buf(),
        })
    }

    /// Adds a salesperson's record: its user's licence and roles when the record holds them (the person's
    /// first record), and its coupling in its company's package, which the record's coupling then names.
    pub fn add(&mut self, s: &mut SalespersonRecord) -> io::Result<()> {
        let upn = s.upn.as_deref().unwrap_or_default();
        let name = s.name.as_deref().unwrap_or_default();
        if s.status == "written" || s.status == "existing" {
            if let Some(licence) = &s.licence {
                let location = s.usage_location.as_deref().unwrap_or_default();
                self.licences.row(&[upn, name, location, licence])?;
            }
            let unit = s.business_unit.as_deref().unwrap_or_default();
            for role in &s.roles {
                self.roles.row(&[upn, name, role, unit])?;
            }
        }
        if let Some(c) = s.coupling.as_mut().filter(|c| c.by_hand.is_none()) {
            c.package = Some(self.packages.of(&c.bc_company).to_string());
            let spool = match self.couplings.entry(c.bc_company.clone()) {
                std::collections::btree_map::Entry::Occupied(spool) => spool.into_mut(),
                std::collections::btree_map::Entry::Vacant(slot) => {
                    slot.insert(crate::write::Spool::new_in(&self.dir)?)
                }
            };
            serde_json::to_writer(&mut *spool, &[&c.bc_code, &c.sales_user])?;
            spool.write_all(b"\n")?;
        }
        Ok(())
    }

    /// Finishes the data files, gives back their outputs, and writes each company's package with
    /// `write(file name, bytes)`. Gives the package's file name of each company that has one.
    pub fn finish(
        self,
        write: &mut dyn FnMut(&str, &[u8]) -> crate::error::Result<()>,
    ) -> crate::error::Result<(W, W, BTreeMap<String, String>)> {
        let failed = |file: &str| {
            let file = file.to_string();
            move |e: io::Error| crate::error::Error::io(file, e)
        };
        let licences = self.licences.finish().map_err(failed(LICENCES))?;
        let roles = self.roles.finish().map_err(failed(ROLES))?;
        let names = self.packages.into_map();
        for (company, mut spool) in self.couplings {
            let name = &names[&company];
            let bytes = coupling_workbook(&mut spool, &self.dir).map_err(|e| match e {
                PackageError::Io(e) => failed(name)(e),
                PackageError::Xlsx(e) => failed(name)(io::Error::other(e)),
            })?;
            write(name, &bytes)?;
        }
        Ok((licences, roles, names))
    }
}

enum PackageError {
    Io(io::Error),
    Xlsx(XlsxError),
}

impl From<io::Error> for PackageError {
    fn from(e: io::Error) -> Self {
        PackageError::Io(e)
    }
}

impl From<XlsxError> for PackageError {
    fn from(e: XlsxError) -> Self {
        PackageError::Xlsx(e)
    }
}

/// One company's configuration package for table 13, in the layout of a RapidStart export: row 1 the
/// package code, the table's name and id; row 3 the field captions; the rows from row 4. Every cell is
/// a text cell, so no Code or address is ever read as a formula or a number. The rows are copied from
/// `spool` as they are parsed, into a worksheet that keeps only its current row in memory.
fn coupling_workbook(spool: &mut crate::write::Spool, dir: &Path) -> Result<Vec<u8>, PackageError> {
    let mut workbook = Workbook::new();
    workbook.set_tempdir(dir)?;
    // A fixed creation time keeps the file byte-identical from run to run.
    workbook.set_properties(
        &DocProperties::new()
            .set_creation_datetime(&ExcelDateTime::from_ymd(2000, 1, 1)?)
            .set_author("bc2m365"),
    );
    let sheet = workbook.add_worksheet_with_constant_memory()?;
    sheet.set_name(COUPLING_SHEET)?;
    sheet.write_string(0, 0, COUPLING_PACKAGE_CODE)?;
    sheet.write_string(0, 1, COUPLING_TABLE_NAME)?;
    sheet.write_number(0, 2, COUPLING_TABLE_ID)?;
    for (col, title) in COUPLING_HEADER.iter().enumerate() {
        sheet.write_string(2, col as u16, *title)?;
    }
    sheet.set_column_width(0, 22)?;
    sheet.set_column_width(1, 50)?;
    let mut rows = PackageRows {
        sheet,
        row: 3,
        partial: Vec::new(),
        error: None,
    };
    spool.copy_into(&mut rows)?;
    if let Some(e) = rows.error {
        return Err(PackageError::Xlsx(e));
    }
    let mut bytes = workbook.save_to_buffer()?;
    crate::write::made_on_one_system(&mut bytes);
    Ok(bytes)
}

/// The package's rows, written to the worksheet as the spool's JSON lines arrive.
struct PackageRows<'w> {
    sheet: &'w mut rust_xlsxwriter::Worksheet,
    row: u32,
    partial: Vec<u8>,
    error: Option<XlsxError>,
}

impl Write for PackageRows<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.partial.extend_from_slice(buf);
        while let Some(end) = self.partial.iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = self.partial.drain(..=end).collect();
            let [code, email]: [String; 2] = serde_json::from_slice(&line)?;
            for (col, value) in [code, email].iter().enumerate() {
                if let Err(e) = self.sheet.write_string(self.row, col as u16, value) {
                    self.error = Some(e);
                    return Err(io::Error::other("the coupling package cannot be written"));
                }
            }
            self.row += 1;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// `online-settings.json`: the settings as pretty JSON with a final newline.
pub fn settings_json(settings: &OnlineSettings, generator: &str) -> Vec<u8> {
    #[derive(Serialize)]
    struct File<'a> {
        generator: &'a str,
        #[serde(flatten)]
        settings: &'a OnlineSettings,
    }
    let file = File {
        generator,
        settings,
    };
    let mut bytes = serde_json::to_vec_pretty(&file).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn company_names_become_distinct_file_safe_names() {
        let companies: Vec<String> = ["CRONUS BE", "A/B", "A:B", "a:b", "..", "Société Générale"]
            .iter()
            .map(|c| c.to_string())
            .collect();
        let mut packages = PackageNames::default();
        for company in &companies {
            packages.of(company);
        }
        // A company's name is kept, whoever asks again.
        assert_eq!(packages.of("A/B"), "coupling-A_B.xlsx");
        let names = packages.into_map();
        assert_eq!(names["CRONUS BE"], "coupling-CRONUS_BE.xlsx");
        assert_eq!(names["A/B"], "coupling-A_B.xlsx");
        assert_eq!(names["A:B"], "coupling-A_B-2.xlsx");
        assert_eq!(names["a:b"], "coupling-a_b-3.xlsx");
        assert_eq!(names[".."], "coupling-company.xlsx");
        assert_eq!(names["Société Générale"], "coupling-Société_Générale.xlsx");
        assert!(names.values().all(|n| crate::write::is_output_file_name(n)));
    }
}
