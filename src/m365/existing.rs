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

/// What an existing user already has, which the plan keeps: a licence that includes Sales, and a usage
/// location.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Held {
    /// The first of the user's licences that includes Dynamics 365 Sales, as its skuPartNumber.
    pub sales_licence: Option<String>,
    /// The user's usage location, an ISO 3166 alpha-2 code.
    pub usage_location: Option<String>,
    /// The user's e-mail address (`mail`, lower-cased) when it is not the user name: the Sales user's
    /// primary email, which Match-Based Coupling compares with Business Central's E-Mail.
    pub primary_email: Option<String>,
}

/// One existing user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExistingUser {
    /// The user name as the tenant spells it.
    pub upn: String,
    pub display_name: String,
    /// From an earlier run's manifest: the salesperson records (folded company, Code) the user was
    /// planned for, one per company. Empty for a tenant's export.
    pub codes: Vec<(String, String)>,
    /// The user's other addresses, lower-cased: primary mail, SMTP proxy addresses, other mails.
    pub addresses: Vec<String>,
    pub held: Held,
    /// Every licence the user holds that includes Sales, as skuPartNumbers, in the export's order
    /// (`held` keeps the first): what `verify` compares the planned licence with.
    pub sales_licences: Vec<String>,
}

impl ExistingUser {
    /// Whether the user may be the salesperson `code` of `company`: always, unless an earlier run gave it
    /// to another Code of that company (a person holds one record per company; a manifest before
    /// companies names none, and then any other Code is another person's).
    pub fn may_be(&self, company: &str, code: &str) -> bool {
        let company = fold(company);
        let same = |c: &str| c.is_empty() || *c == company;
        self.codes.is_empty()
            || (self.codes.iter()).any(|(c, k)| same(c) && k.eq_ignore_ascii_case(code))
            || !self.codes.iter().any(|(c, _)| same(c))
    }

    /// The Code an earlier run gave the user in `company` (any Code for a manifest before companies).
    pub fn code_in(&self, company: &str) -> Option<&str> {
        let company = fold(company);
        (self.codes.iter())
            .find(|(c, _)| c.is_empty() || *c == company)
            .map(|(_, k)| k.as_str())
    }

    /// Whether the user's display name is `name`, compared without case, accents or extra spaces.
    pub fn is_named(&self, name: &str) -> bool {
        fold(&self.display_name) == fold(name)
    }
}

/// A name (of a person or a company) or an e-mail as two exports compare it: without case, accents or
/// extra spaces. The one fold of the tool: companies, people and existing users are compared through it.
pub fn fold(name: &str) -> String {
    let folded = deunicode::deunicode(name).to_lowercase();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The tenant's users: by lower-cased user name, by every other address they have, and by name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExistingUsers {
    /// The export's file name, for messages.
    pub file: String,
    /// Which export it is, for messages and the manifest.
    pub kind: &'static str,
    users: Vec<ExistingUser>,
    by_upn: BTreeMap<String, usize>,
    by_address: BTreeMap<String, usize>,
    by_name: BTreeMap<String, Vec<usize>>,
    /// From an earlier run's manifest: the Codes it converted (every status but rejected), upper-cased,
    /// with the Name each had; keyed by company (lower-cased; empty for a manifest before companies).
    pub codes: BTreeMap<(String, String), String>,
    /// Read from an earlier run's manifest.
    pub earlier_run: bool,
    /// Whether the export has a licence column (an Entra Download users file has none): without one, a
    /// user's missing licence is unknown, not missing.
    pub lists_licences: bool,
    /// Whether the export has a usage location column.
    pub lists_usage_location: bool,
}

const UPN_HEADERS: [&str; 2] = ["userprincipalname", "upn"];
const DISPLAY_NAME_HEADERS: [&str; 1] = ["displayname"];
const MAIL_HEADERS: [&str; 3] = ["mail", "email", "primarysmtpaddress"];
const PROXY_HEADERS: [&str; 2] = ["proxyaddresses", "emailaddresses"];
const OTHER_MAIL_HEADERS: [&str; 3] = [
    "othermails",
    "alternateemailaddress",
    "alternateemailaddresses",
];
/// The admin center's Licenses column ("+"-joined product names).
const ADMIN_LICENCE_HEADERS: [&str; 2] = ["licenses", "licences"];
/// A Graph export's licence column (SkuIds or skuPartNumbers, joined by the script).
const GRAPH_LICENCE_HEADERS: [&str; 5] = [
    "assignedlicenses",
    "skuid",
    "skuids",
    "skupartnumber",
    "skupartnumbers",
];
const USAGE_LOCATION_HEADERS: [&str; 1] = ["usagelocation"];

fn find(header: &[String], names: &[&str]) -> Option<usize> {
    header
        .iter()
        .position(|h| names.contains(&header_key(h).as_str()))
}

/// The columns of a users export, found by name wherever they are.
struct Columns {
    upn: usize,
    name: Option<usize>,
    mail: Option<usize>,
    proxies: Option<usize>,
    other_mails: Option<usize>,
    admin_licences: Option<usize>,
    graph_licences: Option<usize>,
    usage_location: Option<usize>,
}

impl Columns {
    fn find(header: &[String]) -> Option<Self> {
        Some(Columns {
            upn: find(header, &UPN_HEADERS)?,
            name: find(header, &DISPLAY_NAME_HEADERS),
            mail: find(header, &MAIL_HEADERS),
            proxies: find(header, &PROXY_HEADERS),
            other_mails: find(header, &OTHER_MAIL_HEADERS),
            admin_licences: find(header, &ADMIN_LICENCE_HEADERS),
            graph_licences: find(header, &GRAPH_LICENCE_HEADERS),
            usage_location: find(header, &USAGE_LOCATION_HEADERS),
        })
    }

    /// Which export this is, by its headers.
    fn kind(&self, header: &[String]) -> &'static str {
        let exact = |name: &str| header.iter().any(|h| h.trim() == name);
        if exact("User principal name") {
            "a Microsoft 365 admin center Active users export"
        } else if exact("userPrincipalName") {
            "a Microsoft Entra Download users file"
        } else if exact("UserPrincipalName") {
            "a Microsoft Graph PowerShell Get-MgUser export"
        } else {
            "a list of users"
        }
    }
}

/// The parts of a list cell: split on ";", ",", "|" and white space, and on a "+" that starts another
/// prefixed address ("SMTP:a@x.com+smtp:b@x.com"), never on a "+" inside an address.
fn list_items(cell: &str) -> Vec<String> {
    let mut items = Vec::new();
    for part in cell.split(|c: char| matches!(c, ';' | ',' | '|') || c.is_whitespace()) {
        let mut rest = part;
        while let Some(at) = next_prefixed(rest) {
            items.push(rest[..at].to_string());
            rest = &rest[at + 1..];
        }
        items.push(rest.to_string());
    }
    items.retain(|i| !i.is_empty());
    items
}

/// The place of a "+" followed by an address type and ":" ("smtp:", "SIP:", "X500:"...).
fn next_prefixed(text: &str) -> Option<usize> {
    text.match_indices('+').map(|(i, _)| i).find(|&i| {
        let after = &text[i + 1..];
        after.find(':').is_some_and(|colon| {
            colon > 0 && after[..colon].chars().all(|c| c.is_ascii_alphanumeric())
        })
    })
}

/// The e-mail addresses among a user's proxy addresses: `SMTP:` (primary) and `smtp:` ones.
fn smtp_addresses(cell: &str) -> impl Iterator<Item = String> + '_ {
    list_items(cell).into_iter().filter_map(|item| {
        let (kind, address) = item.split_once(':')?;
        kind.eq_ignore_ascii_case("smtp")
            .then(|| address.trim().to_lowercase())
    })
}

/// The primary address among a user's proxy addresses: the one whose type is `SMTP` in upper case.
fn primary_proxy(cell: &str) -> Option<String> {
    list_items(cell).into_iter().find_map(|item| {
        let (kind, address) = item.split_once(':')?;
        (kind == "SMTP").then(|| address.trim().to_lowercase())
    })
}

/// The admin center's licence list: product names joined by "+", where a name may hold " + ".
fn admin_licences(cell: &str) -> Vec<String> {
    cell.replace(" + ", "\u{0}")
        .split('+')
        .map(|l| l.replace('\u{0}', " + ").trim().to_string())
        .filter(|l| !l.is_empty() && !l.eq_ignore_ascii_case("unlicensed"))
        .collect()
}

/// A cell that holds a .NET type name where a list belongs: Export-Csv wrote an array as its type.
fn is_type_name(cell: &str) -> bool {
    let cell = cell.trim();
    cell.ends_with("[]") && !cell.contains(' ') && cell.contains('.')
}

impl ExistingUsers {
    /// Reads an export of the tenant's users; stops when it has no user principal name column.
    pub fn read(path: &Path) -> Result<Self> {
        if let Some(users) = Self::read_manifest(path)? {
            return Ok(users);
        }
        let is_header = |cells: &[String]| find(cells, &UPN_HEADERS).is_some();
        let table = read::open(path, &ReadOptions::default(), &is_header)?;
        let Some(columns) = Columns::find(&table.header) else {
            return Err(Error::Unreadable {
                path: path.into(),
                format: "a list of existing users",
                reason: "no \"User principal name\" or \"userPrincipalName\" column".into(),
                help: "export the users from the Microsoft 365 admin center (Active users > Export users), Microsoft Entra (Users > Download users) or Graph PowerShell (README.md, \"Users that already exist\")",
            });
        };
        let mut users = ExistingUsers {
            file: table.file.clone(),
            kind: columns.kind(&table.header),
            lists_licences: columns.admin_licences.is_some() || columns.graph_licences.is_some(),
            lists_usage_location: columns.usage_location.is_some(),
            ..ExistingUsers::default()
        };
        for row in table.rows {
            let row = row?;
            let cell = |i: Option<usize>| {
                i.and_then(|i| row.cells.get(i))
                    .map(|c| c.trim().to_string())
                    .unwrap_or_default()
            };
            let upn = cell(Some(columns.upn));
            if upn.is_empty() {
                continue;
            }
            let lists = [columns.proxies, columns.other_mails, columns.graph_licences];
            if let Some(bad) = lists.iter().map(|&c| cell(c)).find(|v| is_type_name(v)) {
                return Err(Error::Unreadable {
                    path: path.into(),
                    format: "a list of existing users",
                    reason: format!("row {} holds \"{bad}\" where a list of values belongs: Export-Csv wrote the array's type, not its values", row.row),
                    help: "export again with the lists joined, e.g. @{n='ProxyAddresses';e={$_.ProxyAddresses -join ';'}} (README.md, \"Users that already exist\")",
                });
            }
            users.add(user_of(&upn, &columns, &cell));
        }
        Ok(users)
    }

    fn add(&mut self, user: ExistingUser) {
        let index = self.users.len();
        let upn = user.upn.to_lowercase();
        for address in &user.addresses {
            if *address != upn {
                self.by_address.entry(address.clone()).or_insert(index);
            }
        }
        if !user.display_name.is_empty() {
            let name = fold(&user.display_name);
            self.by_name.entry(name).or_default().push(index);
        }
        self.by_upn.insert(upn, index);
        self.users.push(user);
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
            kind: "an earlier run's manifest",
            earlier_run: true,
            ..ExistingUsers::default()
        };
        let salespeople = manifest["salespeople"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        // Each user once, with the Codes of every company's record it was planned for (status
        // same-person: another company's record of that user).
        let mut same_person = Vec::new();
        for sp in &salespeople {
            let text = |key: &str| sp[key].as_str().unwrap_or_default().trim().to_string();
            let code = text("code");
            if text("status") == "rejected" || code.is_empty() {
                continue;
            }
            let company = fold(&text("company"));
            users
                .codes
                .insert((company.clone(), code.to_uppercase()), text("name"));
            let upn = text("upn");
            if upn.is_empty() {
                continue;
            }
            if text("status") == "same-person" {
                same_person.push((upn, (company, code)));
                continue;
            }
            users.add(ExistingUser {
                upn,
                display_name: text("name"),
                codes: vec![(company, code)],
                addresses: Vec::new(),
                held: Held::default(),
                sales_licences: Vec::new(),
            });
        }
        for (upn, code) in same_person {
            if let Some(&index) = users.by_upn.get(&upn.to_lowercase()) {
                users.users[index].codes.push(code);
            }
        }
        Ok(Some(users))
    }

    /// The Name an earlier run's manifest converted the salesperson Code `code` of `company` with (a
    /// manifest before companies: of any company).
    pub fn name_of_code(&self, company: &str, code: &str) -> Option<&str> {
        let code = code.to_uppercase();
        (self.codes.get(&(fold(company), code.clone())))
            .or_else(|| self.codes.get(&(String::new(), code)))
            .map(String::as_str)
    }

    /// The user whose user name, or any other address, is `address` (compared case-insensitively).
    pub fn by_address(&self, address: &str) -> Option<&ExistingUser> {
        let key = address.to_lowercase();
        let index = self
            .by_upn
            .get(&key)
            .or_else(|| self.by_address.get(&key))?;
        self.users.get(*index)
    }

    /// The user who has `address` as one of their addresses other than their user name.
    pub fn holder_of_address(&self, address: &str) -> Option<&ExistingUser> {
        let index = self.by_address.get(&address.to_lowercase())?;
        self.users.get(*index)
    }

    /// The user whose user name is `upn`, compared case-insensitively.
    pub fn by_upn(&self, upn: &str) -> Option<&ExistingUser> {
        self.users.get(*self.by_upn.get(&upn.to_lowercase())?)
    }

    /// The users whose display name is `name`, compared without case, accents or extra spaces.
    pub fn named(&self, name: &str) -> impl Iterator<Item = &ExistingUser> {
        (self.by_name.get(&fold(name)).into_iter().flatten()).filter_map(|&i| self.users.get(i))
    }

    pub fn len(&self) -> usize {
        self.users.len()
    }

    pub fn is_empty(&self) -> bool {
        self.users.is_empty()
    }
}

/// One user from a row of an export.
fn user_of(upn: &str, columns: &Columns, cell: &dyn Fn(Option<usize>) -> String) -> ExistingUser {
    let mut addresses = Vec::new();
    let mail = cell(columns.mail).to_lowercase();
    // The Active users export has no Mail column: its primary address is the `SMTP:` proxy.
    let primary = match columns.mail {
        Some(_) => Some(mail.clone()),
        None => primary_proxy(&cell(columns.proxies)),
    };
    let primary_email = primary.filter(|m| m.contains('@') && !m.eq_ignore_ascii_case(upn));
    if !mail.is_empty() {
        addresses.push(mail);
    }
    addresses.extend(smtp_addresses(&cell(columns.proxies)));
    addresses.extend(
        list_items(&cell(columns.other_mails))
            .into_iter()
            .map(|a| a.to_lowercase()),
    );
    addresses.retain(|a| a.contains('@'));
    addresses.dedup();
    let mut licences = admin_licences(&cell(columns.admin_licences));
    licences.extend(list_items(&cell(columns.graph_licences)));
    // The skuPartNumber, whichever form the export names the licence in.
    let mut sales_licences: Vec<String> = (licences.iter())
        .filter_map(|l| crate::m365::licences::sales_licence(l))
        .map(|known| known.sku.to_string())
        .collect();
    sales_licences.dedup();
    let sales_licence = sales_licences.first().cloned();
    let usage_location =
        crate::m365::countries::country_code(&cell(columns.usage_location)).map(str::to_string);
    ExistingUser {
        upn: upn.to_string(),
        display_name: cell(columns.name),
        codes: Vec::new(),
        addresses,
        held: Held {
            sales_licence,
            usage_location,
            primary_email,
        },
        sales_licences,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_earlier_runs_codes_are_found_by_company_as_companies_compare() {
        let mut users = ExistingUsers::default();
        let key = (fold("Société A"), "S1".to_string());
        users.codes.insert(key, "Jan Peeters".into());
        assert_eq!(users.name_of_code("SOCIETE  A", "s1"), Some("Jan Peeters"));
        assert_eq!(users.name_of_code("Other", "S1"), None);
    }

    #[test]
    fn the_primary_proxy_is_the_upper_case_smtp_one() {
        let proxies = "smtp:anna@contoso.com+SMTP:Anna.Peeters@contoso.com+SIP:anna@contoso.com";
        assert_eq!(
            primary_proxy(proxies).as_deref(),
            Some("anna.peeters@contoso.com")
        );
        assert_eq!(primary_proxy("smtp:anna@contoso.com"), None);
    }

    #[test]
    fn lists_split_on_their_separators_but_not_inside_an_address() {
        assert_eq!(
            smtp_addresses("SMTP:Anna@contoso.com+smtp:a.peeters@contoso.com+SIP:anna@contoso.com")
                .collect::<Vec<_>>(),
            ["anna@contoso.com", "a.peeters@contoso.com"]
        );
        assert_eq!(
            list_items("smtp:a+b@x.com; smtp:c@x.com"),
            ["smtp:a+b@x.com", "smtp:c@x.com"]
        );
        assert_eq!(
            admin_licences("Enterprise Mobility + Security E5+Dynamics 365 Sales Premium"),
            [
                "Enterprise Mobility + Security E5",
                "Dynamics 365 Sales Premium"
            ]
        );
        assert!(admin_licences("Unlicensed").is_empty());
        assert!(is_type_name("System.String[]"));
        assert!(is_type_name(
            "Microsoft.Graph.PowerShell.Models.IMicrosoftGraphAssignedLicense[]"
        ));
        assert!(!is_type_name("smtp:a@x.com"));
    }
}
