//! Each company's salespeople as Business Central shows them after the coupling: read as `convert` reads
//! an export (any format, encoding and UI language; the "Coupled to Dataverse" and Company columns), and
//! kept by (company, Code).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::bc::{recognise_header, Field, HeaderMap};
use crate::check::row::{check_row, parse_boolean};
use crate::diagnostic::Location;
use crate::error::{Error, Result};
use crate::plan::input::{header_location, open_input, Companies, InputKind, InputSettings};

/// One salesperson of an export, as far as the coupling goes.
#[derive(Debug, Clone)]
pub struct BcSalesperson {
    /// `file:row`, for messages.
    pub at: String,
    /// BC's E-Mail, as it holds it; `None` when the export has no E-Mail column.
    pub email: Option<String>,
    /// "Coupled to Dataverse"; `None` when the export has no such column, or the cell is no Yes or No.
    pub coupled: Option<bool>,
    /// Whether the export has a "Coupled to Dataverse" column.
    pub coupled_column: bool,
}

/// One export given with `--bc`, and the companies its rows are in.
#[derive(Debug, Clone, Serialize)]
pub struct BcInput {
    pub file: String,
    pub companies: Vec<String>,
}

/// The salespeople of every export, by (folded company, upper-cased Code).
#[derive(Debug, Default)]
pub struct BcExports {
    pub inputs: Vec<BcInput>,
    records: BTreeMap<(String, String), BcSalesperson>,
    /// The companies of the records, folded.
    companies: BTreeSet<String>,
}

impl BcExports {
    /// Reads every export. A file that holds no salespeople, or whose company is none of the manifest's,
    /// is refused with the fix.
    pub fn read(paths: &[PathBuf], companies: &Companies, known: &[&str]) -> Result<Self> {
        let settings = InputSettings {
            companies: companies.clone(),
            ..InputSettings::default()
        };
        let mut exports = BcExports::default();
        for path in paths {
            exports.read_one(path, &settings)?;
            let input = exports.inputs.last().map(|i| i.companies.clone());
            check_companies(path, &input.unwrap_or_default(), known)?;
        }
        Ok(exports)
    }

    fn read_one(&mut self, path: &Path, settings: &InputSettings) -> Result<()> {
        let table = open_input(path, settings)?;
        let unreadable = |reason: &str| {
            Error::Unreadable {
            path: path.into(),
            format: "a Business Central salespeople export",
            reason: reason.to_string(),
            help: "export the company's Salespeople/Purchasers list again (Open in Excel, or a configuration package), with the Code, Name, E-Mail and Coupled to Dataverse columns",
        }
        };
        if InputKind::of(&table.header) != InputKind::Salespeople {
            return Err(unreadable(
                "it is a Microsoft 365 import file, not a Business Central export",
            ));
        }
        let base = Location {
            file: table.file.as_str().into(),
            sheet: table.sheet.clone(),
            ..Location::default()
        };
        let at = header_location(&table, &base);
        let (columns, _) = recognise_header(&table.header, &at, &HeaderMap::default());
        if !columns.has_required() {
            return Err(unreadable("no Code and Name columns were found"));
        }
        let default_company = settings.companies.of(path);
        let has_email = columns.column(Field::Email).is_some();
        let coupled_column = columns
            .column(Field::CoupledToDataverse)
            .map(|c| c.index - 1);
        // Without a Company column every row is the file's company, also when it has none.
        let company_column = columns.column(Field::Company).is_some();
        let mut input = BcInput {
            file: table.file.clone(),
            companies: match company_column {
                true => Vec::new(),
                false => vec![default_company.clone()],
            },
        };
        if !company_column {
            self.companies
                .insert(crate::m365::existing::fold(&default_company));
        }
        for row in table.rows {
            let row = row?;
            if row.is_empty() {
                continue;
            }
            let (salesperson, _) = check_row(&row, &columns, table.header.len(), &base, None);
            if salesperson.code.is_empty() {
                continue;
            }
            let company = match salesperson.company.is_empty() {
                true => default_company.clone(),
                false => salesperson.company.clone(),
            };
            if !input.companies.contains(&company) {
                input.companies.push(company.clone());
            }
            let coupled = coupled_column
                .map(|i| row.cells.get(i).map(String::as_str).unwrap_or_default())
                .and_then(parse_boolean);
            let key = super::manifest::key(&company, &salesperson.code);
            self.companies.insert(key.0.clone());
            self.records.entry(key).or_insert(BcSalesperson {
                at: format!("{}:{}", table.file, row.row),
                email: has_email.then(|| salesperson.email_in_bc.clone()),
                coupled,
                coupled_column: coupled_column.is_some(),
            });
        }
        self.inputs.push(input);
        Ok(())
    }

    /// The salesperson `code` of `company`, if an export holds it.
    pub fn get(&self, company: &str, code: &str) -> Option<&BcSalesperson> {
        self.records.get(&super::manifest::key(company, code))
    }

    /// Whether an export holds salespeople of `company`.
    pub fn has_company(&self, company: &str) -> bool {
        self.companies
            .contains(&crate::m365::existing::fold(company))
    }
}

/// An export none of whose companies is in the manifest was named wrongly: its company comes from
/// `--company`, a Company column, or its file name, and none of them matched.
fn check_companies(path: &Path, found: &[String], known: &[&str]) -> Result<()> {
    let fold = crate::m365::existing::fold;
    let matches = |c: &String| known.iter().any(|k| fold(k) == fold(c));
    if found.is_empty() || found.iter().any(matches) || known.is_empty() {
        return Ok(());
    }
    Err(Error::Usage(format!(
        "{}: its salespeople are of company {}, which the manifest does not hold (it has {})\n  help: name the export's company: --company \"{}={}\"",
        path.display(),
        found.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(", "),
        known.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(", "),
        path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
        known[0]
    )))
}
