//! Planning: which salesperson becomes which Microsoft 365 user, which are skipped or rejected and why,
//! and which import file each user goes into.

pub mod accounts;
pub mod guard;
pub mod input;
pub mod keys;
pub mod names;
pub mod people;
pub mod rows;
pub mod run;
pub mod store;
pub mod tally;

use serde::{Deserialize, Serialize};

use crate::diagnostic::{Diagnostic, Location, Severity};
use crate::m365::existing::ExistingUsers;
use crate::m365::format::ImportRow;
use crate::m365::UserPrincipalName;
use crate::normalize::salesperson::{Salesperson, SkipReason};
use crate::normalize::username::AliasSpec;
use crate::normalize::{Transliteration, UserNamePattern};
use crate::plan::accounts::AccountPolicy;

pub use crate::m365::batch::Batch;
pub use guard::finish;
pub use keys::KeySets;
pub use names::NameBuilder;
pub use run::{count_inputs, plan_inputs, InputInfo, Item, Plan};

/// What a run counted: rows by outcome, problems by severity, and the import files.
#[derive(Debug, Clone, Default, serde::Serialize, PartialEq, Eq)]
pub struct Summary {
    /// Data rows read from every input, empty rows included.
    pub rows: u64,
    pub written: u64,
    /// Salespeople whose user already exists (`--existing`).
    pub existing: u64,
    /// Salespeople already coupled to a Sales user.
    pub coupled: u64,
    /// Salesperson records of a person already planned from another company's record: no second user.
    pub same_person: u64,
    pub skipped: u64,
    pub rejected: u64,
    /// Empty rows: skipped, and not salespeople.
    pub empty_rows: u64,
    /// Rows that are no person (totals, repeated headers, notes, a second table): skipped.
    pub not_people: u64,
    pub errors: u64,
    pub warnings: u64,
    pub import_files: usize,
}

/// The choices that shape a plan.
#[derive(Debug, Clone, Default)]
pub struct PlanOptions {
    /// The tenant's verified domains, lower-cased; new user names get the first.
    pub domains: Vec<String>,
    pub transliteration: Transliteration,
    /// How user names are built from names.
    pub user_name: UserNamePattern,
    /// The tenant's users (`--existing`): a salesperson who has one is not imported again.
    pub existing: Option<ExistingUsers>,
    /// The administrator, the integration user, and the salespeople's licence and roles.
    pub accounts: AccountPolicy,
    /// `--strict`: warnings reject rows as errors do.
    pub strict: bool,
    /// Which file the new users are written into (`--target`).
    pub target: crate::m365::entra::Target,
}

impl PlanOptions {
    /// How the unnumbered user names are built: the pattern, the transliteration, and the room the first
    /// domain leaves before "@" (the whole user name may have 79 characters).
    pub fn alias_spec(&self) -> AliasSpec {
        let first_domain = self.domains.first().map(String::as_str).unwrap_or("");
        AliasSpec {
            pattern: self.user_name.clone(),
            transliteration: self.transliteration,
            room: crate::m365::upn::MAX_UPN_CHARS.saturating_sub(first_domain.chars().count() + 1),
        }
    }

    /// Whether a diagnostic rejects its row: errors always, warnings under `--strict`.
    pub fn rejects(&self, diagnostic: &Diagnostic) -> bool {
        match diagnostic.severity() {
            Severity::Error => true,
            Severity::Warning => self.strict,
            Severity::Info => false,
        }
    }
}

/// What the reading thread needs to build user names ahead: how, and the verified domains (a salesperson
/// whose Email is on one most likely gets it as user name, and needs none built).
#[derive(Debug, Clone)]
pub struct AliasAhead {
    pub spec: AliasSpec,
    pub domains: Vec<String>,
}

impl AliasAhead {
    pub fn new(options: &PlanOptions) -> Self {
        AliasAhead {
            spec: options.alias_spec(),
            domains: options.domains.clone(),
        }
    }

    /// Builds the unnumbered user name of a salesperson who will most likely need one. A guess either
    /// way changes nothing but speed: the planning builds what was not built ahead.
    pub fn fill(&self, sp: &mut Salesperson) {
        let email_on_domain = sp.email_valid && is_on_a_domain(&sp.email, &self.domains);
        if sp.skip_reason().is_none() && !email_on_domain {
            sp.alias = self.spec.build(&sp.person.first, &sp.person.last);
        }
    }
}

/// Whether an e-mail address (lower-cased) is on one of the verified domains.
pub fn is_on_a_domain(email: &str, domains: &[String]) -> bool {
    email
        .rsplit_once('@')
        .is_some_and(|(_, domain)| domains.iter().any(|d| d == domain))
}

/// What happens to one input row's salesperson.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    /// A new user, written to an import file.
    Written,
    /// The user already exists (`--existing`): not imported, but licensed, given roles and coupled.
    Existing,
    /// Already coupled to a Sales user in Business Central: nothing to do.
    Coupled,
    /// Another company's salesperson record of a person planned from an earlier record: no second user;
    /// coupled, in its own company, to that person's user.
    SamePerson,
    Skipped(SkipReason),
    Rejected,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Written => "written",
            Outcome::Existing => "existing",
            Outcome::Coupled => "coupled",
            Outcome::SamePerson => "same-person",
            Outcome::Skipped(_) => "skipped",
            Outcome::Rejected => "rejected",
        }
    }

    /// Whether the salesperson gets a licence, roles and coupling from this run.
    pub fn gets_account(self) -> bool {
        matches!(self, Outcome::Written | Outcome::Existing)
    }
}

/// What kind of row an input row is, before planning.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RowKind {
    /// A salesperson.
    Data,
    /// No value in any cell.
    Empty,
    /// A row that is no person: a total, a repeated header, a note, a second table.
    NoPerson(SkipReason),
    /// A row of a file that cannot be converted as a whole (e.g. no Code column); the reason says why.
    Unusable(String),
}

/// One input row, read and checked on its own, before planning.
#[derive(Debug, Clone)]
pub struct RowInput {
    pub input: usize,
    /// The row's location (no column).
    pub location: Location,
    pub kind: RowKind,
    /// The cells as read, for the review workbook and rejected.csv.
    pub cells: Vec<String>,
    pub salesperson: Salesperson,
    pub diagnostics: Vec<Diagnostic>,
    /// The initial password a mapped Password column gave, taken out of `cells` as the row was read:
    /// kept apart from the row ([`crate::m365::entra::GivenPasswords`]), never stored with it.
    pub password: Option<crate::m365::entra::InitialPassword>,
}

/// One salesperson after planning.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entry {
    pub input: usize,
    pub location: Location,
    pub kind: RowKind,
    pub cells: Vec<String>,
    pub salesperson: Salesperson,
    pub diagnostics: Vec<Diagnostic>,
    pub outcome: Outcome,
    pub upn: Option<UserPrincipalName>,
    /// Whether the user name came from the salesperson's Email (else it was built from the name).
    pub upn_from_email: bool,
    pub alternate_email: String,
    /// Its import file: an index into [`Plan::batches`].
    pub batch: Option<usize>,
    /// The person the salesperson record is of, in runs of several companies (see [`people::People`]).
    pub person: Option<u32>,
    /// What the existing user already has, for an entry whose user exists.
    pub held: Option<Box<crate::m365::existing::Held>>,
}

impl Entry {
    /// An entry for a row that is not a salesperson to plan (empty, or in an unusable file).
    pub(crate) fn unplanned(row: RowInput, outcome: Outcome) -> Self {
        Entry {
            input: row.input,
            location: row.location,
            kind: row.kind,
            cells: row.cells,
            salesperson: row.salesperson,
            diagnostics: row.diagnostics,
            outcome,
            upn: None,
            upn_from_email: false,
            alternate_email: String::new(),
            batch: None,
            person: None,
            held: None,
        }
    }

    /// Whether the entry still needs a user name built from its Name: written, with no user name yet.
    pub fn needs_built_name(&self) -> bool {
        matches!(self.outcome, Outcome::Written | Outcome::SamePerson) && self.upn.is_none()
    }

    /// The country whose import files the user goes into (`None`: no country given).
    pub fn country(&self) -> Option<String> {
        Some(self.salesperson.country.clone()).filter(|c| !c.is_empty())
    }

    /// The row this user gets in its import file; `None` unless the outcome is written. It is built
    /// again when asked for (it was checked when planned), so a big run does not hold every row twice.
    pub fn import(&self) -> Option<ImportRow> {
        (self.outcome == Outcome::Written).then(|| guard::import_row(self))
    }

    /// Why the row is skipped or rejected, in words; `None` for written rows.
    pub fn reason(&self) -> Option<String> {
        match self.outcome {
            Outcome::Written => None,
            Outcome::Existing => Some("the user already exists".to_string()),
            Outcome::Coupled => Some(SkipReason::AlreadyCoupled.describe().to_string()),
            Outcome::SamePerson => Some(
                (self.diagnostics.iter())
                    .find(|d| d.rule == &crate::diagnostic::rules::SAME_PERSON)
                    .map(|d| d.message.clone())
                    .unwrap_or_else(|| {
                        "the same person as a salesperson of another company".into()
                    }),
            ),
            Outcome::Skipped(reason) => Some(reason.describe().to_string()),
            Outcome::Rejected => {
                if let RowKind::Unusable(reason) = &self.kind {
                    return Some(reason.clone());
                }
                // The errors; under --strict a row may be rejected for warnings alone.
                let worst = self.diagnostics.iter().map(|d| d.severity()).max();
                let reasons: Vec<String> = self
                    .diagnostics
                    .iter()
                    .filter(|d| Some(d.severity()) == worst)
                    .map(|d| format!("{}: {}", d.code(), d.message))
                    .collect();
                Some(reasons.join("; "))
            }
        }
    }
}
