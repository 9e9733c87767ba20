//! Users that already exist in the tenant, read from a Microsoft 365 admin center "Active users" export
//! ("User principal name", "Display name") or a Microsoft Entra "Download users" CSV ("userPrincipalName",
//! "displayName", "mail"). Columns are found by name, case-insensitively, wherever they are. An earlier
//! run's `manifest.json` is read too: its users, each with the salesperson Code it belongs to, and every
//! Code it converted, so that rows fixed after that run are checked against what it decided.

use std::collections::BTreeMap;
use std::path::Path;

// Headers are compared as Business Central captions are: without case, accents, spaces or punctuation
// ("User principal name" = "userPrincipalName").
use crate::bc::fields::header_key;
use crate::error::{Error, Result};
use crate::read::{self, ReadOptions};

/// One existing user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExistingUser {
    /// The user name as the export holds it.
    pub upn: String,
    pub display_name: String,
    /// From an earlier run's manifest: the salesperson the user was planned for. That user is this
    /// salesperson's only when the Codes agree.
    pub code: Option<String>,
}

impl ExistingUser {
    /// Whether the user may be the salesperson with `code`: always, unless an earlier run gave it to
    /// another Code.
    pub fn may_be(&self, code: &str) -> bool {
        self.code
            .as_ref()
            .is_none_or(|c| c.eq_ignore_ascii_case(code))
    }
}

/// The tenant's users, by lower-cased user name and by lower-cased e-mail address.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExistingUsers {
    /// The export's file name, for messages.
    pub file: String,
    by_upn: BTreeMap<String, ExistingUser>,
    by_mail: BTreeMap<String, ExistingUser>,
    /// From an earlier run's manifest: the Codes it converted (every status but rejected), upper-cased,
    /// with the Name each had.
    pub codes: BTreeMap<String, String>,
    /// Read from an earlier run's manifest.
    pub earlier_run: bool,
}

const UPN_HEADERS: [&str; 2] = ["userprincipalname", "upn"];
const DISPLAY_NAME_HEADERS: [&str; 1] = ["displayname"];
const MAIL_HEADERS: [&str; 3] = ["mail", "email", "primarysmtpaddress"];

fn find(header: &[String], names: &[&str]) -> Option<usize> {
    header
        .iter()
        .position(|h| names.contains(&header_key(h).as_str()))
}

impl ExistingUsers {
    /// Reads an export of the tenant's users; stops when it has no user principal name column.
    pub fn read(path: &Path) -> Result<Self> {
        if let Some(users) = Self::read_manifest(path)? {
            return Ok(users);
        }
        let is_header = |cells: &[String]| find(cells, &UPN_HEADERS).is_some();
        let table = read::open(path, &ReadOptions::default(), &is_header)?;
        let Some(upn_column) = find(&table.header, &UPN_HEADERS) else {
            return Err(Error::Unreadable {
                path: path.into(),
                format: "a list of existing users",
                reason: "no \"User principal name\" or \"userPrincipalName\" column".into(),
                help: "export the users from the Microsoft 365 admin center (Active users > Export users) or Microsoft Entra (Users > Download users)",
            });
        };
        let name_column = find(&table.header, &DISPLAY_NAME_HEADERS);
        let mail_column = find(&table.header, &MAIL_HEADERS);
        let mut users = ExistingUsers {
            file: table.file.clone(),
            ..ExistingUsers::default()
        };
        for row in table.rows {
            let row = row?;
            let cell = |i: Option<usize>| {
                i.and_then(|i| row.cells.get(i))
                    .map(|c| c.trim().to_string())
                    .unwrap_or_default()
            };
            let upn = cell(Some(upn_column));
            if upn.is_empty() {
                continue;
            }
            let user = ExistingUser {
                upn: upn.clone(),
                display_name: cell(name_column),
                code: None,
            };
            let mail = cell(mail_column).to_lowercase();
            if !mail.is_empty() {
                users.by_mail.insert(mail, user.clone());
            }
            users.by_upn.insert(upn.to_lowercase(), user);
        }
        Ok(users)
    }

    /// An earlier run's manifest.json, when `path` is one: its users and the Codes it converted.
    fn read_manifest(path: &Path) -> Result<Option<Self>> {
        // stdin and pipes are read once, by the export reader; a manifest is a file.
        if path == Path::new(read::STDIN_PATH) || read::stream::is_stream(path) {
            return Ok(None);
        }
        // Only a file that starts as JSON is read whole here; an export is left to the export reader.
        let mut head = [0u8; 64];
        let n = {
            use std::io::Read;
            let mut file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
            file.read(&mut head).map_err(|e| Error::io(path, e))?
        };
        if !head[..n].trim_ascii_start().starts_with(b"{") {
            return Ok(None);
        }
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let unreadable = |reason: String| {
            Error::Unreadable {
            path: path.into(),
            format: "a bc2m365 manifest",
            reason,
            help: "give the manifest.json of an earlier bc2m365 convert, or an export of the tenant's users",
        }
        };
        let manifest: serde_json::Value =
            serde_json::from_slice(&bytes).map_err(|e| unreadable(e.to_string()))?;
        if manifest["schema"] != "bc2m365-manifest" {
            return Err(unreadable("the JSON is not a bc2m365 manifest".into()));
        }
        let mut users = ExistingUsers {
            file: path.display().to_string(),
            earlier_run: true,
            ..ExistingUsers::default()
        };
        let salespeople = manifest["salespeople"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        for sp in &salespeople {
            let text = |key: &str| sp[key].as_str().unwrap_or_default().trim().to_string();
            let code = text("code");
            if text("status") == "rejected" || code.is_empty() {
                continue;
            }
            users.codes.insert(code.to_uppercase(), text("name"));
            let upn = text("upn");
            if !upn.is_empty() {
                let user = ExistingUser {
                    upn: upn.clone(),
                    display_name: text("name"),
                    code: Some(code),
                };
                users.by_upn.insert(upn.to_lowercase(), user);
            }
        }
        Ok(Some(users))
    }

    /// The Name an earlier run's manifest converted the salesperson Code `code` with.
    pub fn name_of_code(&self, code: &str) -> Option<&str> {
        self.codes.get(&code.to_uppercase()).map(String::as_str)
    }

    /// The user whose user name or e-mail address is `address`, compared case-insensitively.
    pub fn by_address(&self, address: &str) -> Option<&ExistingUser> {
        let key = address.to_lowercase();
        self.by_upn.get(&key).or_else(|| self.by_mail.get(&key))
    }

    /// The user whose user name is `upn`, compared case-insensitively.
    pub fn by_upn(&self, upn: &str) -> Option<&ExistingUser> {
        self.by_upn.get(&upn.to_lowercase())
    }

    pub fn len(&self) -> usize {
        self.by_upn.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_upn.is_empty()
    }
}
