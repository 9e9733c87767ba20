//! The three kinds of account the Business Central to Dynamics 365 Sales integration needs: the
//! administrator who sets it up, the integration user that synchronises, and one user per salesperson.
//!
//! The rules come from Business Central's "Setting up user accounts for integrating with Dynamics 365
//! Sales": the administrator must not be used for synchronisation, and changes made by the integration user
//! are never synchronised, so neither may be a salesperson.

use std::fmt;

use serde::Deserialize;

use crate::diagnostic::{rules, Diagnostic, Location, Rule};
use crate::m365::UserPrincipalName;
use crate::normalize::salesperson::{Salesperson, SkipReason};
use crate::plan::{Entry, Outcome};

/// The licence every salesperson needs (skuPartNumber): Dynamics 365 Sales Enterprise. The documentation's
/// older "Customer Engagement Plan" is `DYN365_ENTERPRISE_PLAN1`.
pub const DEFAULT_LICENCE: &str = "DYN365_ENTERPRISE_SALES";
/// The Dynamics 365 Sales security role every salesperson gets unless a role rule says otherwise.
pub const DEFAULT_SALESPERSON_ROLE: &str = "Salesperson";
/// The administrator's roles: administrator and customizer, and at least one non-administrative role.
pub const DEFAULT_ADMIN_ROLES: [&str; 3] =
    ["System Administrator", "System Customizer", "Sales Manager"];
/// The integration user needs at least one security role to sign in to Sales; BC adds its own once connected.
pub const DEFAULT_INTEGRATION_ROLES: [&str; 1] = ["Salesperson"];
/// Roles that administer rather than sell: the administrator needs at least one role besides these.
pub const ADMINISTRATIVE_ROLES: [&str; 2] = ["System Administrator", "System Customizer"];
/// The roles Business Central assigns to the integration user once the connection is set up.
pub const ROLES_ASSIGNED_BY_BC: [&str; 2] = ["Integration Administrator", "Integration User"];

/// A Microsoft 365 account named on the command line or in the config file: lower-cased, and within
/// Microsoft's user name rules (on any domain: the administrator may be on `onmicrosoft.com`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(try_from = "String")]
pub struct AccountName(String);

impl AccountName {
    pub fn parse(value: &str) -> Result<Self, String> {
        let lower = value.trim().to_lowercase();
        let domain = lower.rsplit_once('@').map(|(_, d)| d.to_string());
        let domains: Vec<String> = domain.into_iter().collect();
        UserPrincipalName::parse(&lower, &domains)
            .map(|_| AccountName(lower))
            .map_err(|problem| format!("{value:?} is not a user name: it {problem}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for AccountName {
    type Error = String;
    fn try_from(value: String) -> Result<Self, String> {
        AccountName::parse(&value)
    }
}

impl std::str::FromStr for AccountName {
    type Err = String;
    fn from_str(value: &str) -> Result<Self, String> {
        AccountName::parse(value)
    }
}

impl fmt::Display for AccountName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A licence's skuPartNumber, as Microsoft 365 names it: upper-case letters, digits and underscores.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct Licence(String);

impl Licence {
    pub fn parse(value: &str) -> Result<Self, String> {
        let sku = value.trim().to_ascii_uppercase();
        let ok = !sku.is_empty()
            && sku
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if ok {
            Ok(Licence(sku))
        } else {
            Err(format!(
                "{value:?} is not a licence skuPartNumber such as {DEFAULT_LICENCE}"
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for Licence {
    fn default() -> Self {
        Licence(DEFAULT_LICENCE.to_string())
    }
}

impl TryFrom<String> for Licence {
    type Error = String;
    fn try_from(value: String) -> Result<Self, String> {
        Licence::parse(&value)
    }
}

impl std::str::FromStr for Licence {
    type Err = String;
    fn from_str(value: &str) -> Result<Self, String> {
        Licence::parse(value)
    }
}

/// A usage location: the ISO 3166 alpha-2 country code a licence is assigned under (Microsoft refuses to
/// assign a licence to a user without one).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct CountryCode(String);

impl CountryCode {
    pub fn parse(value: &str) -> Result<Self, String> {
        // One country check for the whole tool: ISO 3166 alpha-2, as Microsoft's usage location is.
        match crate::m365::countries::country_code(value) {
            Some(code) => Ok(CountryCode(code.to_string())),
            None => Err(format!(
                "{value:?} is not an ISO 3166 two-letter country code such as BE"
            )),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for CountryCode {
    type Error = String;
    fn try_from(value: String) -> Result<Self, String> {
        CountryCode::parse(&value)
    }
}

impl std::str::FromStr for CountryCode {
    type Err = String;
    fn from_str(value: &str) -> Result<Self, String> {
        CountryCode::parse(value)
    }
}

/// Where Business Central runs, which decides the integration account. Online, the Dataverse connection
/// setup creates an application user itself (no licence, no role from the admin); on-premises Business
/// Central 2019 release wave 1 and Dynamics NAV 2018 need a licensed, non-interactive integration user.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Deployment {
    #[default]
    Online,
    OnPremises,
}

impl Deployment {
    pub fn as_str(self) -> &'static str {
        match self {
            Deployment::Online => "online",
            Deployment::OnPremises => "on-premises",
        }
    }
}

/// Security roles (and optionally a business unit) for the salespeople whose Job Title is `job_title`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct RoleRule {
    /// Compared with the salesperson's Job Title, case-insensitively.
    pub job_title: String,
    pub roles: Vec<String>,
    #[serde(default)]
    pub business_unit: Option<String>,
}

/// One of the two special accounts, and where it was named (for messages).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub name: AccountName,
    /// `--admin`, `--integration-user`, or the config file's path.
    pub named_in: String,
    pub licence: Licence,
    pub roles: Vec<String>,
}

/// Everything that decides the accounts of a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountPolicy {
    pub deployment: Deployment,
    pub administrator: Option<Account>,
    pub integration_user: Option<Account>,
    /// The salespeople's licence.
    pub licence: Licence,
    /// One usage location for everyone (`--usage-location`); otherwise each salesperson's country.
    pub usage_location: Option<CountryCode>,
    /// The usage location of a salesperson with no country of their own.
    pub default_country: Option<CountryCode>,
    /// The roles of a salesperson no role rule matches.
    pub roles: Vec<String>,
    pub business_unit: Option<String>,
    pub role_rules: Vec<RoleRule>,
}

impl Default for AccountPolicy {
    fn default() -> Self {
        AccountPolicy {
            deployment: Deployment::Online,
            administrator: None,
            integration_user: None,
            licence: Licence::default(),
            usage_location: None,
            default_country: None,
            roles: vec![DEFAULT_SALESPERSON_ROLE.to_string()],
            business_unit: None,
            role_rules: Vec::new(),
        }
    }
}

impl AccountPolicy {
    /// The security roles and business unit of a salesperson: the first role rule on their Job Title, else
    /// the defaults.
    pub fn roles_for(&self, sp: &Salesperson) -> (Vec<String>, Option<String>) {
        let title = sp.job_title.trim();
        match self
            .role_rules
            .iter()
            .find(|rule| !title.is_empty() && rule.job_title.trim().eq_ignore_ascii_case(title))
        {
            Some(rule) => (
                rule.roles.clone(),
                rule.business_unit
                    .clone()
                    .or_else(|| self.business_unit.clone()),
            ),
            None => (self.roles.clone(), self.business_unit.clone()),
        }
    }

    /// The usage location of a salesperson: `--usage-location`, their country, or the configured country.
    pub fn usage_location_for(&self, sp: &Salesperson) -> Option<String> {
        if let Some(code) = &self.usage_location {
            return Some(code.as_str().to_string());
        }
        if !sp.country.is_empty() {
            return Some(sp.country.clone());
        }
        self.default_country
            .as_ref()
            .map(|c| c.as_str().to_string())
    }

    /// Problems with the accounts themselves, whatever the salespeople: one account named as both, and no
    /// integration user named.
    /// `salespeople`: whether some input holds Business Central salespeople, who could be the integration
    /// user; a Microsoft 365 import file alone holds none, and needs no integration user named.
    pub fn check(&self, salespeople: bool) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        out.extend(self.licence_finding());
        out.extend(self.special_accounts_finding(salespeople));
        out.extend(self.administrator_roles_finding());
        // Online, the integration account is the connection's application user: it needs no role.
        let integration_user = self
            .integration_user
            .as_ref()
            .filter(|_| self.deployment == Deployment::OnPremises);
        if let Some(integration) = integration_user {
            if integration.roles.iter().all(|r| r.trim().is_empty()) {
                out.push(Diagnostic::new(
                    &rules::INTEGRATION_USER_WITHOUT_ROLE,
                    Location::file(&integration.named_in),
                    format!(
                        "the integration user {} gets no security role, so it cannot sign in to Sales",
                        integration.name
                    ),
                ));
            }
        }
        out
    }

    /// The Sales licences Microsoft's licensing reference names; another SKU may be right, but a typo is
    /// likelier, and the wizard would fail on it only after the upload.
    fn licence_finding(&self) -> Option<Diagnostic> {
        const SALES_LICENCES: [&str; 4] = [
            "DYN365_ENTERPRISE_PLAN1",
            "DYN365_ENTERPRISE_SALES",
            "DYN365_SALES_PREMIUM",
            "D365_SALES_PRO",
        ];
        if crate::m365::licences::is_sales_sku(self.licence.as_str()) {
            return None;
        }
        let message = format!(
            "licence {} is not one of the Dynamics 365 Sales licences ({})",
            self.licence.as_str(),
            SALES_LICENCES.join(", ")
        );
        let found = Diagnostic::new(
            &rules::UNKNOWN_LICENCE,
            Location::file("--licence"),
            message,
        );
        Some(found.with_value(self.licence.as_str()))
    }

    /// The administrator and the integration user are two accounts, and the integration user is named
    /// where salespeople could be it.
    fn special_accounts_finding(&self, salespeople: bool) -> Option<Diagnostic> {
        match (&self.administrator, &self.integration_user) {
            (Some(admin), Some(integration)) if admin.name == integration.name => Some(
                Diagnostic::new(
                    &rules::ADMIN_IS_INTEGRATION_USER,
                    Location::file(&integration.named_in),
                    format!(
                        "{} is named as both the administrator and the integration user",
                        admin.name
                    ),
                )
                .with_value(admin.name.as_str()),
            ),
            (_, None) if salespeople && self.deployment == Deployment::OnPremises => Some(Diagnostic::new(
                &rules::NO_INTEGRATION_USER,
                Location::file("--integration-user"),
                "no integration user is named, so the run cannot check that no salesperson is that account",
            )),
            _ => None,
        }
    }

    /// The administrator needs System Customizer and at least one non-administrative role.
    fn administrator_roles_finding(&self) -> Option<Diagnostic> {
        let admin = self.administrator.as_ref()?;
        let has = |role: &str| {
            admin
                .roles
                .iter()
                .any(|r| r.trim().eq_ignore_ascii_case(role))
        };
        let non_admin = admin.roles.iter().any(|r| {
            !ADMINISTRATIVE_ROLES
                .iter()
                .any(|a| r.trim().eq_ignore_ascii_case(a))
        });
        if has("System Customizer") && non_admin {
            return None;
        }
        Some(Diagnostic::new(
            &rules::ADMIN_ROLES_INCOMPLETE,
            Location::file(&admin.named_in),
            format!(
                "the administrator {} gets the roles [{}]: the documentation asks for System Customizer and at least one non-administrative role",
                admin.name,
                admin.roles.join(", ")
            ),
        ))
    }

    /// The special accounts, integration user first: each with the rule that rejects a salesperson
    /// who is it, and how it is named.
    fn specials(&self) -> [(&Option<Account>, &'static Rule, &'static str); 2] {
        [
            (
                &self.integration_user,
                &rules::SALESPERSON_IS_INTEGRATION_USER,
                "the integration user",
            ),
            (
                &self.administrator,
                &rules::SALESPERSON_IS_ADMIN,
                "the administrator",
            ),
        ]
    }

    /// Which special accounts (integration user, administrator) a salesperson with this Email (lower-
    /// cased) and user name is.
    pub fn special_matches(&self, email: &str, upn: Option<&str>) -> [bool; 2] {
        self.specials().map(|(account, _, _)| {
            account
                .as_ref()
                .is_some_and(|a| email == a.name.as_str() || upn == Some(a.name.as_str()))
        })
    }

    /// Rejects a salesperson who is the administrator or the integration user, by Email or by the user
    /// name built from their Name. `locate` gives the entry's Email and Name cells; it is asked only for
    /// the rows that are reported.
    pub fn check_salesperson(
        &self,
        entry: &mut Entry,
        locate: impl Fn(&Entry) -> (Location, Location),
    ) {
        let specials = self.specials();
        if specials.iter().all(|(account, _, _)| account.is_none()) {
            return;
        }
        if matches!(
            entry.outcome,
            Outcome::Skipped(SkipReason::Blocked | SkipReason::PrivacyBlocked)
        ) {
            return;
        }
        let email = entry.salesperson.email.to_lowercase();
        let upn = entry.upn.as_ref().map(|u| u.key());
        let matches = self.special_matches(&email, upn.as_deref());
        for ((account, rule, what), is_it) in specials.into_iter().zip(matches) {
            let Some(account) = account.as_ref().filter(|_| is_it) else {
                continue;
            };
            let name = account.name.as_str();
            let (email_location, name_location) = locate(entry);
            let location = if email == name {
                email_location
            } else {
                name_location
            };
            entry.diagnostics.push(
                Diagnostic::new(
                    rule,
                    location,
                    format!(
                        "salesperson {} is {name}, {what} (named in {})",
                        entry.salesperson.code, account.named_in
                    ),
                )
                .with_value(name),
            );
            entry.outcome = Outcome::Rejected;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_names_follow_microsofts_rules_on_any_domain() {
        assert_eq!(
            AccountName::parse(" Admin@Contoso.onmicrosoft.com ")
                .unwrap()
                .as_str(),
            "admin@contoso.onmicrosoft.com"
        );
        assert!(AccountName::parse("admin").is_err());
        assert!(AccountName::parse("ad min@contoso.com").is_err());
    }

    #[test]
    fn licences_and_countries_are_checked() {
        assert_eq!(
            Licence::parse("dyn365_enterprise_plan1").unwrap().as_str(),
            "DYN365_ENTERPRISE_PLAN1"
        );
        assert!(Licence::parse("Sales Enterprise").is_err());
        assert_eq!(CountryCode::parse("be").unwrap().as_str(), "BE");
        assert!(CountryCode::parse("BEL").is_err());
    }

    #[test]
    fn the_first_role_rule_on_the_job_title_wins() {
        let policy = AccountPolicy {
            role_rules: vec![RoleRule {
                job_title: "sales manager".into(),
                roles: vec!["Sales Manager".into(), "Salesperson".into()],
                business_unit: Some("Sales".into()),
            }],
            ..AccountPolicy::default()
        };
        let manager = Salesperson {
            job_title: "Sales Manager".into(),
            ..Salesperson::default()
        };
        assert_eq!(
            policy.roles_for(&manager),
            (
                vec!["Sales Manager".to_string(), "Salesperson".to_string()],
                Some("Sales".to_string())
            )
        );
        assert_eq!(
            policy.roles_for(&Salesperson::default()),
            (vec!["Salesperson".to_string()], None)
        );
    }
}
