//! Views of the manifest for people who work in Excel or from a checklist: `role-assignments.csv`,
//! `coupling.csv` and `next-steps.txt`. Each is made from the manifest's records alone, so none can name a
//! user, licence, role or coupling the manifest does not hold. They are written as the records go by,
//! each section to a spool file, so a run of a million salespeople holds none of them in memory.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::m365::batch::Batch;
use crate::m365::entra::Target;
use crate::manifest::excel_csv::ExcelCsv;
use crate::manifest::online::{self, OnlineSettings};
use crate::manifest::{Accounts, PersonRecord, SalespersonRecord, SpecialAccount};

pub const ROLE_ASSIGNMENTS: &str = "role-assignments.csv";
pub const COUPLING: &str = "coupling.csv";
pub const NEXT_STEPS: &str = "next-steps.txt";

/// A list in next-steps.txt longer than this is summarised with a pointer to the CSV or manifest that
/// holds it whole: a checklist of 10,000 names helps nobody, and the files list them for Excel and scripts.
pub const MAX_LISTED: usize = 50;

/// One list of next-steps.txt, spooled as the records go by.
struct Spool {
    out: crate::write::Spool,
    /// Items written (lines or list entries).
    count: usize,
    /// Of them, those that need something done first (a licence's users with no usage location).
    flagged: usize,
}

impl Spool {
    fn new(dir: &Path) -> io::Result<Self> {
        Ok(Spool {
            out: crate::write::Spool::new_in(dir)?,
            count: 0,
            flagged: 0,
        })
    }

    fn copy_into(mut self, out: &mut dyn Write) -> io::Result<()> {
        self.out.copy_into(out)
    }

    /// Whether the list is still written out: past [`MAX_LISTED`] it is only counted, so a big run
    /// spools nothing it will not show.
    fn listed(&self) -> bool {
        self.count <= MAX_LISTED
    }

    /// A line of the list.
    fn line(&mut self, line: std::fmt::Arguments<'_>) -> io::Result<()> {
        self.count += 1;
        match self.listed() {
            true => writeln!(self.out, "{line}"),
            false => Ok(()),
        }
    }

    /// A line under the list's last line (a coupling's note).
    fn note(&mut self, line: std::fmt::Arguments<'_>) -> io::Result<()> {
        match self.listed() {
            true => writeln!(self.out, "{line}"),
            false => Ok(()),
        }
    }

    /// An entry of a list on one line, separated by commas.
    fn entry(&mut self, entry: std::fmt::Arguments<'_>) -> io::Result<()> {
        let separator = if self.count == 0 { "" } else { ", " };
        self.count += 1;
        match self.listed() {
            true => write!(self.out, "{separator}{entry}"),
            false => Ok(()),
        }
    }

    /// A list of codes on one line after `lead`, or past [`MAX_LISTED`] their count and `counted`.
    fn codes_or_count(
        self,
        out: &mut dyn Write,
        lead: &str,
        after_codes: &str,
        counted: &str,
    ) -> io::Result<()> {
        match self.count {
            0 => Ok(()),
            n if n > MAX_LISTED => writeln!(out, "{lead}{n} salespeople {counted}."),
            _ => {
                write!(out, "{lead}")?;
                self.copy_into(out)?;
                writeln!(out, "{after_codes}")
            }
        }
    }

    /// The list as it is, or past [`MAX_LISTED`] its count and where the whole list is.
    fn list_or_point(self, out: &mut dyn Write, what: &str, whole_list: &str) -> io::Result<()> {
        if self.count <= MAX_LISTED {
            return self.copy_into(out);
        }
        writeln!(
            out,
            "   {} {what}: {whole_list} lists each one.",
            self.count
        )
    }
}

/// The list of `key` in `lists` (a licence's users, a company's couplings), started when first asked for.
fn spool_for<'m>(
    lists: &'m mut BTreeMap<String, Spool>,
    key: &str,
    dir: &Path,
) -> io::Result<&'m mut Spool> {
    use std::collections::btree_map::Entry;
    match lists.entry(key.to_string()) {
        Entry::Occupied(list) => Ok(list.into_mut()),
        Entry::Vacant(slot) => Ok(slot.insert(Spool::new(dir)?)),
    }
}

/// Whether a record's salesperson gets a licence, roles and coupling from this run: new and existing users.
fn has_account(s: &SalespersonRecord) -> bool {
    s.status == "written" || s.status == "existing"
}

fn upn(s: &SalespersonRecord) -> &str {
    s.upn.as_deref().unwrap_or_default()
}

/// Writes one view: its file name, and a function that writes its bytes to the output it is given.
pub type WriteView<'a> = dyn FnMut(&str, &mut dyn FnMut(&mut dyn Write) -> io::Result<()>) -> crate::error::Result<()>
    + 'a;

/// The three views, written as the manifest's records go by.
pub struct Views<W: Write> {
    role_assignments: ExcelCsv<W>,
    coupling: ExcelCsv<W>,
    /// next-steps.txt's lists: new users, existing users, users by licence, roles, couplings, coupled
    /// codes, and the salespeople left out.
    new_users: Spool,
    existing: Spool,
    licences: BTreeMap<String, Spool>,
    people: usize,
    roles: Spool,
    /// Couplings per company: each company is coupled on its own.
    couplings: BTreeMap<String, Spool>,
    coupled: Spool,
    /// Salespeople the coupling package cannot couple, with the reason.
    by_hand: Spool,
    left: Spool,
    /// Existing users who hold a Sales licence already.
    held: Spool,
    dir: PathBuf,
    /// Which file the new users are imported from.
    target: Target,
}

impl<W: Write> Views<W> {
    /// Starts the views: role-assignments.csv and coupling.csv are written to the outputs given as the
    /// records go by, next-steps.txt's lists are spooled to `dir`. The administrator and the integration
    /// user come first in role-assignments.csv.
    pub fn new(
        accounts: &Accounts,
        dir: &Path,
        role_assignments: W,
        coupling: W,
    ) -> io::Result<Self> {
        let mut role_assignments = ExcelCsv::new(
            role_assignments,
            &[
                "Account",
                "BC company",
                "BC code",
                "User",
                "Display name",
                "Licence",
                "Usage location",
                "Security roles",
                "Business unit",
                "User status",
            ],
        )?;
        let specials = [
            ("administrator", &accounts.administrator),
            ("integration user", &accounts.integration_user),
        ];
        for (kind, account) in specials {
            // Online, the integration account is the connection's application user: nothing to assign.
            if let Some(a) = account.as_ref().filter(|a| a.licence.is_some()) {
                let status = match a.exists {
                    Some(true) => "existing",
                    Some(false) => "to create",
                    None => "",
                };
                role_assignments.row(&[
                    kind,
                    "",
                    "",
                    &a.upn,
                    "",
                    a.licence.as_deref().unwrap_or_default(),
                    "",
                    &a.roles.join("; "),
                    "",
                    status,
                ])?;
            }
        }
        let coupling = ExcelCsv::new(
            coupling,
            &[
                "BC company",
                "BC code",
                "BC name",
                "Sales user",
                "BC email now",
                "BC email after first sync",
                "Note",
            ],
        )?;
        Ok(Views {
            role_assignments,
            coupling,
            new_users: Spool::new(dir)?,
            existing: Spool::new(dir)?,
            licences: BTreeMap::new(),
            people: 0,
            roles: Spool::new(dir)?,
            couplings: BTreeMap::new(),
            coupled: Spool::new(dir)?,
            by_hand: Spool::new(dir)?,
            left: Spool::new(dir)?,
            held: Spool::new(dir)?,
            dir: dir.to_path_buf(),
            target: Target::default(),
        })
    }

    /// The views of a run whose new users go into `target`'s file (next-steps.txt's import step).
    pub fn for_target(self, target: Target) -> Self {
        Views { target, ..self }
    }

    /// Adds one salesperson's record, with the person it starts, if any.
    pub fn add(&mut self, s: &SalespersonRecord, person: Option<&PersonRecord>) -> io::Result<()> {
        match s.status {
            "coupled" => self.coupled.entry(format_args!("{}", s.code))?,
            "same-person" => {
                self.add_coupling(s)?;
                return Ok(());
            }
            // The row too: a Code can be on a written row and on a rejected duplicate of it.
            "skipped" | "rejected" => {
                let row = s
                    .source
                    .row
                    .map(|r| format!(" row {r}"))
                    .unwrap_or_default();
                let code = if s.code.is_empty() {
                    "(no Code)"
                } else {
                    &s.code
                };
                self.left.entry(format_args!(
                    "{code} ({}, {}{row})",
                    s.status, s.source.file
                ))?
            }
            _ => {}
        }
        if !has_account(s) {
            return Ok(());
        }
        self.people += 1;
        self.add_role_assignment(s, person)?;
        self.add_coupling(s)?;
        self.add_to_lists(s)
    }

    /// The person's row in role-assignments.csv: one per user, with every (company, Code) it holds.
    fn add_role_assignment(
        &mut self,
        s: &SalespersonRecord,
        person: Option<&PersonRecord>,
    ) -> io::Result<()> {
        let status = match &s.import_file {
            Some(file) => format!("new ({file})"),
            None => s.status.to_string(),
        };
        let (companies, codes) = match person {
            Some(p) => (
                (p.salespeople.iter().map(|m| m.company.as_str()))
                    .collect::<Vec<_>>()
                    .join("; "),
                (p.salespeople.iter().map(|m| m.code.as_str()))
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            None => (s.company.clone(), s.code.clone()),
        };
        let licence = match (&s.licence, &s.licence_held) {
            (Some(licence), _) => licence.clone(),
            (None, Some(held)) => format!("holds {held}"),
            (None, None) => String::new(),
        };
        self.role_assignments.row(&[
            "salesperson",
            &companies,
            &codes,
            upn(s),
            s.name.as_deref().unwrap_or_default(),
            &licence,
            s.usage_location.as_deref().unwrap_or_default(),
            &s.roles.join("; "),
            s.business_unit.as_deref().unwrap_or_default(),
            &status,
        ])
    }

    /// The salesperson's row in coupling.csv, and its line in next-steps.txt under its company.
    fn add_coupling(&mut self, s: &SalespersonRecord) -> io::Result<()> {
        if let Some(c) = &s.coupling {
            self.coupling.row(&[
                &c.bc_company,
                &c.bc_code,
                s.name.as_deref().unwrap_or_default(),
                &c.sales_user,
                &c.bc_email_now,
                &c.bc_email_after_sync,
                c.note.as_deref().unwrap_or_default(),
            ])?;
            let spool = spool_for(&mut self.couplings, &c.bc_company, &self.dir)?;
            spool.line(format_args!("   - {} -> {}", c.bc_code, c.sales_user))?;
            if let Some(note) = &c.note {
                spool.note(format_args!("     note: {note}"))?;
            }
            if let Some(reason) = &c.by_hand {
                let name = s.name.as_deref().unwrap_or_default();
                self.by_hand.line(format_args!(
                    "   - {name} (company {}, Code {}) -> {}\n     {reason}",
                    c.bc_company, c.bc_code, c.sales_user
                ))?;
            }
        }
        Ok(())
    }

    /// The salesperson in next-steps.txt's lists: the import, the licence, the roles, the coupling.
    fn add_to_lists(&mut self, s: &SalespersonRecord) -> io::Result<()> {
        if s.status == "written" {
            let file = s.import_file.as_deref().unwrap_or_default();
            // A row of a Microsoft 365 import file has no Code.
            let code = if s.code.is_empty() {
                String::new()
            } else {
                format!("{}, ", s.code)
            };
            self.new_users
                .line(format_args!("   - {} ({code}{file})", upn(s)))?;
        } else if s.code.is_empty() {
            self.existing.line(format_args!("   - {}", upn(s)))?;
        } else {
            self.existing
                .line(format_args!("   - {} ({})", upn(s), s.code))?;
        }
        if let (None, Some(held)) = (&s.licence, &s.licence_held) {
            self.held
                .line(format_args!("   - {} (holds {held})", upn(s)))?;
        }
        if let Some(licence) = &s.licence {
            let spool = spool_for(&mut self.licences, licence, &self.dir)?;
            let location = match s.usage_location.as_deref() {
                Some(code) => format!("usage location {code}"),
                None => {
                    spool.flagged += 1;
                    "no usage location known: set one before assigning".to_string()
                }
            };
            spool.line(format_args!("   - {} ({location})", upn(s)))?;
        }
        let unit = s
            .business_unit
            .as_deref()
            .map(|b| format!(" (business unit {b})"))
            .unwrap_or_default();
        if !s.business_unit.as_deref().is_none_or(online::is_guid) {
            self.roles.flagged += 1;
        }
        let roles = s.roles.join(", ");
        self.roles
            .line(format_args!("   - {}: {roles}{unit}", upn(s)))
    }

    /// Finishes the views: gives back role-assignments.csv's and coupling.csv's outputs, and writes
    /// next-steps.txt with `write`.
    pub fn finish(
        self,
        accounts: &Accounts,
        generator: &str,
        files: &StepFiles<'_>,
        write: &mut WriteView<'_>,
    ) -> crate::error::Result<(W, W)> {
        let Views {
            role_assignments,
            coupling,
            new_users,
            existing,
            licences,
            people,
            roles,
            couplings,
            coupled,
            by_hand,
            left,
            held,
            target,
            ..
        } = self;
        let failed = |e: io::Error| crate::error::Error::io(NEXT_STEPS, e);
        let role_assignments = role_assignments.finish().map_err(failed)?;
        let coupling = coupling.finish().map_err(failed)?;
        let mut lists = Some(Lists {
            new_users,
            existing,
            licences,
            held,
            people,
            roles,
            couplings,
            coupled,
            by_hand,
            left,
            target,
        });
        write(NEXT_STEPS, &mut |out| match lists.take() {
            Some(lists) => next_steps(out, accounts, generator, files, lists),
            None => Ok(()),
        })?;
        Ok((role_assignments, coupling))
    }
}

fn special_line(out: &mut dyn Write, a: &SpecialAccount) -> io::Result<()> {
    writeln!(out, "   User: {}", a.upn)?;
    match a.exists {
        Some(true) => writeln!(out, "   It already exists in the tenant.")?,
        Some(false) => writeln!(
            out,
            "   It is not in the existing users: create it (admin center > Users > Active users > Add a user)."
        )?,
        None => {}
    }
    if let Some(licence) = &a.licence {
        writeln!(out, "   Licence: {licence}")?;
    }
    writeln!(out, "   Security roles in Sales: {}", a.roles.join(", "))
}

/// What next-steps.txt says about the run's files besides the lists: the import files in upload order,
/// the online steps' settings, and each company's coupling package.
pub struct StepFiles<'a> {
    pub batches: &'a [Batch],
    pub online: &'a OnlineSettings,
    pub coupling_files: &'a BTreeMap<String, String>,
}

/// next-steps.txt's lists, as spooled.
struct Lists {
    new_users: Spool,
    existing: Spool,
    licences: BTreeMap<String, Spool>,
    held: Spool,
    people: usize,
    roles: Spool,
    couplings: BTreeMap<String, Spool>,
    coupled: Spool,
    by_hand: Spool,
    left: Spool,
    target: Target,
}

/// The documented steps in order, with this run's files and names filled in.
fn next_steps(
    out: &mut dyn Write,
    accounts: &Accounts,
    generator: &str,
    files: &StepFiles<'_>,
    lists: Lists,
) -> io::Result<()> {
    writeln!(
        out,
        "Next steps: the user accounts for integrating Business Central with Dynamics 365 Sales"
    )?;
    writeln!(
        out,
        "(from Business Central's \"Setting up user accounts for integrating with Dynamics 365 Sales\")"
    )?;
    writeln!(
        out,
        "Written by {generator} with {ROLE_ASSIGNMENTS} and {COUPLING}; manifest.json holds the same, for scripts."
    )?;
    writeln!(out, "Business Central {}.\n", deployment_words(accounts))?;
    administrator_step(out, accounts)?;
    integration_user_step(out, accounts)?;
    let (batches, new_users, existing) = (files.batches, lists.new_users, lists.existing);
    match lists.target {
        Target::M365 => import_step(out, accounts, batches, new_users, existing)?,
        Target::Entra => entra_import_step(out, batches, new_users, existing)?,
    }
    licence_step(out, files.online, lists.people, lists.licences, lists.held)?;
    roles_step(out, files.online, lists.roles)?;
    let couplings = Couplings {
        lists: lists.couplings,
        files: files.coupling_files,
        by_hand: lists.by_hand,
    };
    coupling_step(out, couplings, lists.coupled, lists.left)
}

fn deployment_words(accounts: &Accounts) -> &'static str {
    match accounts.deployment {
        "on-premises" => {
            "on-premises (2019 release wave 1, or Dynamics NAV 2018): --deployment on-premises"
        }
        _ => "online: --deployment online (the default)",
    }
}

fn administrator_step(out: &mut dyn Write, accounts: &Accounts) -> io::Result<()> {
    writeln!(out, "1. The administrator (sets up the integration)")?;
    if accounts.deployment != "on-premises" {
        writeln!(
            out,
            "   Online, this user runs the Dataverse connection setup in Business Central: it needs System Administrator\n   in the Dataverse environment, and the setup creates the integration application user itself."
        )?;
    }
    match &accounts.administrator {
        Some(a) => {
            writeln!(
                out,
                "   Add this user to Sales and promote it to administrator. Do not use it for synchronisation."
            )?;
            special_line(out, a)?;
        }
        None => writeln!(
            out,
            "   Not named in this run (--admin). Choose a Sales user with System Administrator, System Customizer\n   and at least one non-administrative role such as Sales Manager. Do not use it for synchronisation."
        )?,
    }
    writeln!(out)
}

fn integration_user_step(out: &mut dyn Write, accounts: &Accounts) -> io::Result<()> {
    writeln!(
        out,
        "2. The integration account (synchronises; never a salesperson)"
    )?;
    if accounts.deployment != "on-premises" {
        writeln!(
            out,
            "   Nothing to create or license: Business Central online connects through an application user that the\n   Dataverse connection setup creates itself (no licence, non-interactive, role \"Business Central Dataverse\n   Integration\"). Give that role to no one else."
        )?;
        if let Some(a) = &accounts.integration_user {
            writeln!(
                out,
                "   {} (--integration-user) was checked to be no salesperson; it needs no licence or role from this run.",
                a.upn
            )?;
        }
        return writeln!(out);
    }
    match &accounts.integration_user {
        Some(a) => {
            special_line(out, a)?;
            writeln!(
                out,
                "   Enter it in Business Central's setup guide. Once connected, Business Central assigns it {};\n   then set its access mode to Non-interactive in Sales. It must not have System Administrator.",
                a.roles_assigned_by_bc.join(" and ")
            )?;
        }
        None => writeln!(
            out,
            "   Not named in this run (--integration-user). Create a dedicated account with a licence and one security\n   role; set its access mode to Non-interactive. Its changes are never synchronised, so it must not be a salesperson."
        )?,
    }
    writeln!(out)
}

/// A licence as the admin center names it, with its skuPartNumber.
fn licence_words(sku: &str) -> String {
    match crate::m365::licences::product_name(sku) {
        Some(name) => format!("\"{name}\" ({sku})"),
        None => sku.to_string(),
    }
}

/// The usage location of a file's users, as `licences.csv` gives it: one usage location for everyone,
/// else the file's country, else the country of salespeople with none; `None` when unknown.
fn file_location<'a>(accounts: &'a Accounts, batch: &'a Batch) -> Option<&'a str> {
    let policy = &accounts.salespeople;
    (policy.usage_location.as_deref())
        .or(batch.country.as_deref())
        .or(policy.default_country.as_deref())
}

/// The location to pick in the import wizard for a file's users.
fn wizard_location(accounts: &Accounts, batch: &Batch) -> String {
    match file_location(accounts, batch) {
        Some(code) => match crate::m365::countries::country_name(code) {
            Some(name) => format!("location {name} ({code})"),
            None => format!("location {code}"),
        },
        None => "the location where they work (no country known)".to_string(),
    }
}

fn import_step(
    out: &mut dyn Write,
    accounts: &Accounts,
    batches: &[Batch],
    new_users: Spool,
    existing: Spool,
) -> io::Result<()> {
    writeln!(out, "3. Import the salespeople's users")?;
    if new_users.count == 0 {
        writeln!(out, "   No new users in this run.")?;
    } else {
        writeln!(
            out,
            "   Admin center > Users > Active users > More > Add multiple users; upload each file in turn and pick\n   in the wizard:"
        )?;
        let licence = licence_words(&accounts.salespeople.licence);
        // A country's files one after the other: one line for them all, so 40 files are not 80 lines.
        for files in batches.chunk_by(|a, b| a.country == b.country) {
            let users: usize = files.iter().map(|b| b.users).sum();
            let users = if users == 1 {
                "1 user".to_string()
            } else {
                format!("{users} users")
            };
            let (first, last) = (&files[0], &files[files.len() - 1]);
            let names = match files.len() {
                1 => first.file_name.clone(),
                n => format!("{} to {} ({n} files)", first.file_name, last.file_name),
            };
            writeln!(
                out,
                "   - {names}, {users}: {},\n     licence {licence}",
                wizard_location(accounts, first)
            )?;
        }
        without_licence_line(out, accounts, batches)?;
        new_users.list_or_point(out, "new users", "each import file")?;
    }
    existing_users(out, existing, "imported")
}

/// The wizard's other choice, "Create user without product license", offered only for files whose
/// location step 4 knows: set-licences.ps1 cannot license a user with no location, so for the others the
/// wizard's location, or one filled in, is the only one.
fn without_licence_line(
    out: &mut dyn Write,
    accounts: &Accounts,
    batches: &[Batch],
) -> io::Result<()> {
    let unknown = (batches.iter())
        .filter(|b| file_location(accounts, b).is_none())
        .count();
    if unknown == 0 {
        return writeln!(
            out,
            "   (or \"Create user without product license\", and step 4 sets the location and licence)"
        );
    }
    if unknown < batches.len() {
        writeln!(
            out,
            "   (or, for a file with a location, \"Create user without product license\", and step 4 sets the location and licence)"
        )?;
    }
    writeln!(
        out,
        "   No location is known for the users of a file marked \"no country known\": pick their location in the\n   wizard, or fill in UsageLocation in {} before step 4 (or give --usage-location or --country and\n   run bc2m365 again). Step 4 cannot license a user without one.",
        online::LICENCES
    )
}

/// The import step for Microsoft Entra's bulk-create file: where to upload it, and what to do with the
/// passwords it holds.
fn entra_import_step(
    out: &mut dyn Write,
    batches: &[Batch],
    new_users: Spool,
    existing: Spool,
) -> io::Result<()> {
    writeln!(out, "3. Create the salespeople's users in Microsoft Entra")?;
    if new_users.count == 0 {
        writeln!(out, "   No new users in this run.")?;
    } else {
        writeln!(
            out,
            "   Entra admin center > Users > All users > Bulk operations > Bulk create; upload {}:",
            batches
                .iter()
                .map(|b| b.file_name.as_str())
                .collect::<Vec<_>>()
                .join(", then ")
        )?;
        new_users.list_or_point(out, "new users", "each Entra file")?;
        writeln!(
            out,
            "   The file holds each new user's initial password, and nothing else this run wrote does. Give each\n   person theirs safely (in person, or by a channel apart from the user name; never the file itself),\n   and delete the file once the upload has succeeded.\n   This path assigns no licence and sends no invitation: the licences come in step 4."
        )?;
    }
    existing_users(out, existing, "created")
}

/// The end of the import step: the users already in the tenant, which this run does not `make` again.
fn existing_users(out: &mut dyn Write, existing: Spool, make: &str) -> io::Result<()> {
    if existing.count > 0 {
        writeln!(out, "   Already in the tenant, not {make} again:")?;
        let whole_list = "role-assignments.csv (User status \"existing\")";
        existing.list_or_point(out, "existing users", whole_list)?;
    }
    writeln!(out)
}

fn licence_step(
    out: &mut dyn Write,
    online: &OnlineSettings,
    people: usize,
    licences: BTreeMap<String, Spool>,
    held: Spool,
) -> io::Result<()> {
    writeln!(
        out,
        "4. Assign the licence (each user needs a usage location first)"
    )?;
    if people == 0 {
        writeln!(out, "   No salespeople to license in this run.")?;
    }
    if !licences.is_empty() {
        let (script, data) = (online::SET_LICENCES, online::LICENCES);
        let how = match &online.licence_group {
            Some(group) => format!(
                "sets each usage location and adds the users to the group {group}, which carries the licence"
            ),
            None => "sets each usage location and assigns the licence".to_string(),
        };
        writeln!(
            out,
            "   Run {script} (PowerShell 7, Microsoft Graph PowerShell) with -WhatIf first, then without.\n   It reads {data}, {how};\n   it skips what is done already and logs each user to set-licences-log.csv.\n   By hand: admin center > Users > Active users > the user > Licenses and apps (usage location first)."
        )?;
    }
    for (licence, spool) in licences {
        writeln!(out, "   Licence {} to:", licence_words(&licence))?;
        if spool.count > MAX_LISTED && spool.flagged > 0 {
            writeln!(
                out,
                "   ({} of them have no usage location known: set one before assigning)",
                spool.flagged
            )?;
        }
        let whole_list = "licences.csv";
        spool.list_or_point(out, "users", whole_list)?;
    }
    if held.count > 0 {
        writeln!(
            out,
            "   Hold a Dynamics 365 Sales licence already, nothing to assign:"
        )?;
        held.list_or_point(out, "users", "role-assignments.csv (Licence \"holds ...\")")?;
    }
    writeln!(out)
}

fn roles_step(out: &mut dyn Write, online: &OnlineSettings, roles: Spool) -> io::Result<()> {
    writeln!(out, "5. Give the salespeople their security roles in Sales")?;
    if roles.count > 0 {
        let environment = match &online.environment {
            Some(environment) => format!("the environment {environment}"),
            None => "the environment given with -Environment <URL> (none was set with --environment\n   or in bc2m365.toml)"
                .to_string(),
        };
        writeln!(
            out,
            "   Once step 4 is done and the users appear in the environment, run {} (PowerShell 7,\n   Power Platform CLI pac) with -WhatIf first, then without. It reads {}, gives the roles in\n   {environment}, and logs each role to assign-roles-log.csv.",
            online::ASSIGN_ROLES,
            online::ROLES
        )?;
    }
    if roles.flagged > 0 {
        writeln!(
            out,
            "   {} of them have a business unit given by name; pac takes its id: set business_unit in bc2m365.toml\n   (and in role_rules) to the id, or give their roles by hand.",
            roles.flagged
        )?;
    }
    writeln!(
        out,
        "   By hand: Power Platform admin center > your environment > Users > Manage security roles:"
    )?;
    roles.list_or_point(out, "users", online::ROLES)?;
    writeln!(out)
}

/// Each company's couplings, its package, and the salespeople no package couples.
struct Couplings<'a> {
    lists: BTreeMap<String, Spool>,
    files: &'a BTreeMap<String, String>,
    by_hand: Spool,
}

fn coupling_step(
    out: &mut dyn Write,
    couplings: Couplings<'_>,
    coupled: Spool,
    left: Spool,
) -> io::Result<()> {
    writeln!(out, "6. Couple the salespeople in Business Central")?;
    if couplings.lists.is_empty() {
        // A Microsoft 365 import file as input, say: its users are no Business Central salespeople.
        writeln!(
            out,
            "   No Business Central salesperson to couple in this run."
        )?;
    } else {
        writeln!(
            out,
            "   When the users are licensed and present in Dataverse (steps 4 and 5), in each company:\n   a. Configuration Packages > Import from Excel: the company's coupling package below; then Apply Data.\n      It sets each salesperson's E-Mail to their new user name (table 13, fields Code and E-Mail only).\n   b. Salespeople/Purchasers > Dynamics 365 Sales > Match-Based Coupling, once: E-Mail = Primary Email."
        )?;
    }
    for (company, spool) in couplings.lists {
        match couplings.files.get(&company) {
            Some(file) => writeln!(out, "   Company {company} ({file}):")?,
            None => writeln!(
                out,
                "   Company {company} (no package: each is coupled by hand):"
            )?,
        }
        spool.list_or_point(out, "salespeople to couple", COUPLING)?;
    }
    if couplings.by_hand.count > 0 {
        writeln!(
            out,
            "   Set Up Coupling by hand (Salespeople/Purchasers > the salesperson > Dynamics 365 Sales > Set Up Coupling):"
        )?;
        let whole_list = "coupling.csv (Note \"Set Up Coupling by hand\")";
        couplings
            .by_hand
            .list_or_point(out, "salespeople", whole_list)?;
    }
    let coupled_count = "(status \"coupled\" in manifest.json)";
    coupled.codes_or_count(
        out,
        "   Already coupled, nothing to do: ",
        "",
        coupled_count,
    )?;
    let left_count = "skipped or rejected (manifest.json says why for each)";
    let after_codes = " (see manifest.json for why).";
    left.codes_or_count(out, "\nNot in these steps: ", after_codes, left_count)?;
    Ok(())
}
