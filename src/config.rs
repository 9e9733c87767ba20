//! The config file `bc2m365.toml`: the choices a company makes once (domains, the two special accounts,
//! licence, roles, user-name pattern), so that each run needs only its inputs. Flags override the file.
//!
//! An unknown key or a value of the wrong type is an error naming its line: a misspelt key silently ignored
//! would give users the wrong licence or roles.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::cli::{DeploymentArg, SettingsArgs, TargetArg, TransliterationArg};
use crate::error::{Error, Result};
use crate::m365::entra::Target;
use crate::manifest::online::{is_guid, OnlineSettings};
use crate::normalize::{Transliteration, UserNamePattern};
use crate::plan::accounts::{
    Account, AccountName, AccountPolicy, CountryCode, Deployment, Licence, RoleRule,
    DEFAULT_ADMIN_ROLES, DEFAULT_INTEGRATION_ROLES, DEFAULT_SALESPERSON_ROLE,
};

/// The file `bc2m365 init` writes and `convert` reads from the current folder when no `--config` is given.
pub const FILE_NAME: &str = "bc2m365.toml";

/// The file as written: every key optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub domains: Vec<String>,
    /// Where Business Central runs, as `--deployment`.
    pub deployment: Option<Deployment>,
    pub administrator: Option<AccountConfig>,
    pub integration_user: Option<AccountConfig>,
    /// The salespeople's licence (skuPartNumber).
    pub licence: Option<Licence>,
    /// One usage location for every salesperson, as `--usage-location`.
    pub usage_location: Option<CountryCode>,
    /// The usage location of a salesperson whose row has no country.
    pub country: Option<CountryCode>,
    /// The salespeople's security roles when no role rule matches.
    pub roles: Option<Vec<String>>,
    pub business_unit: Option<String>,
    #[serde(default)]
    pub role_rules: Vec<RoleRule>,
    pub user_name: Option<PatternConfig>,
    pub transliterate: Option<TransliterationConfig>,
    /// Business Central field = the header that holds it, as `--map FIELD=HEADER`.
    #[serde(default)]
    pub columns: BTreeMap<String, String>,
    /// Input file = its Business Central company, as `--company FILE=COMPANY`.
    #[serde(default)]
    pub companies: BTreeMap<String, String>,
    /// The file the new users go into, as `--target`: "m365" or "entra".
    pub target: Option<Target>,
    /// The Dataverse environment assign-roles.ps1 assigns roles in, as `--environment`.
    pub environment: Option<String>,
    /// Group-based licensing: the object id of the group that carries the licence, as `--licence-group`.
    pub licence_group: Option<String>,
    /// Security role names as planned = their names in the environment's language.
    #[serde(default)]
    pub role_names: BTreeMap<String, String>,
}

/// The administrator or the integration user.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountConfig {
    pub upn: Option<AccountName>,
    pub licence: Option<Licence>,
    pub roles: Option<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct PatternConfig(pub UserNamePattern);

impl TryFrom<String> for PatternConfig {
    type Error = String;
    fn try_from(value: String) -> Result<Self, String> {
        UserNamePattern::parse(&value).map(PatternConfig)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TransliterationConfig {
    Basic,
    German,
}

impl From<TransliterationConfig> for Transliteration {
    fn from(value: TransliterationConfig) -> Self {
        match value {
            TransliterationConfig::Basic => Transliteration::Basic,
            TransliterationConfig::German => Transliteration::German,
        }
    }
}

impl Config {
    /// Parses the file's text; `path` is for messages.
    pub fn parse(text: &str, path: &Path) -> Result<Self> {
        toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map(|span| text[..span.start.min(text.len())].matches('\n').count() + 1);
            Error::Config {
                path: path.into(),
                line,
                message: e.message().trim().to_string(),
            }
        })
    }

    /// The config to use: `--config FILE` if given (it must exist), else `./bc2m365.toml` if present.
    pub fn find(explicit: Option<&Path>) -> Result<Option<(PathBuf, Config)>> {
        let path = match explicit {
            Some(path) => path.to_path_buf(),
            None => {
                let default = PathBuf::from(FILE_NAME);
                if !default.is_file() {
                    return Ok(None);
                }
                default
            }
        };
        let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
        Ok(Some((path.clone(), Config::parse(&text, &path)?)))
    }

    /// The `[columns]` table as FIELD=HEADER pairs, in the order `--map` takes them.
    pub fn column_map(&self) -> Vec<(String, String)> {
        self.columns
            .iter()
            .map(|(field, header)| (field.clone(), header.clone()))
            .collect()
    }
}

/// The run's settings: the flags, then the config file, then the defaults.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The config file read, if any.
    pub config: Option<PathBuf>,
    /// The domains as given (checked by the caller).
    pub domains: Vec<String>,
    pub transliteration: Transliteration,
    pub user_name: UserNamePattern,
    pub accounts: AccountPolicy,
    pub existing: Option<PathBuf>,
    /// FIELD=HEADER pairs from the `[columns]` table, for header recognition alongside `--map`.
    pub column_map: Vec<(String, String)>,
    /// FILE=COMPANY pairs from the `[companies]` table, before `--company`.
    pub companies: Vec<(String, String)>,
    /// `--target` over `target`.
    pub target: Target,
    /// What the online steps' scripts read from online-settings.json.
    pub online: OnlineSettings,
}

impl Settings {
    pub fn resolve(args: &SettingsArgs) -> Result<Self> {
        let found = Config::find(args.config.as_deref())?;
        let (path, config) = match found {
            Some((path, config)) => (Some(path), config),
            None => (None, Config::default()),
        };
        let accounts = account_policy(args, &config, path.as_deref());
        let online = online_settings(args, &config, path.as_deref())?;
        Ok(Settings {
            domains: if args.domains.is_empty() {
                config.domains.clone()
            } else {
                args.domains.clone()
            },
            transliteration: match args.transliterate {
                Some(TransliterationArg::Basic) => Transliteration::Basic,
                Some(TransliterationArg::German) => Transliteration::German,
                None => config.transliterate.map(Into::into).unwrap_or_default(),
            },
            user_name: config.user_name.clone().map(|p| p.0).unwrap_or_default(),
            accounts,
            existing: args.existing.clone(),
            column_map: config.column_map(),
            companies: config
                .companies
                .iter()
                .map(|(file, company)| (file.clone(), company.clone()))
                .collect(),
            target: match args.target {
                Some(TargetArg::M365) => Target::M365,
                Some(TargetArg::Entra) => Target::Entra,
                None => config.target.unwrap_or_default(),
            },
            config: path,
            online,
        })
    }
}

/// The online steps' settings: each flag over the config file's value. The licence group must be a
/// group's object id, which is what Microsoft Graph takes.
fn online_settings(
    args: &SettingsArgs,
    config: &Config,
    path: Option<&Path>,
) -> Result<OnlineSettings> {
    let licence_group = args
        .licence_group
        .clone()
        .or_else(|| config.licence_group.clone());
    if let Some(group) = licence_group.as_deref().filter(|g| !is_guid(g)) {
        let named_in = match (&args.licence_group, path) {
            (None, Some(path)) => format!("licence_group in {}", path.display()),
            _ => "--licence-group".to_string(),
        };
        return Err(Error::Usage(format!(
            "{named_in}: \"{group}\" is not a group's object id; give the id (such as \
             0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9) that Entra admin center > Groups > the group shows as Object ID"
        )));
    }
    Ok(OnlineSettings {
        environment: args
            .environment
            .clone()
            .or_else(|| config.environment.clone()),
        licence_group,
        role_names: config.role_names.clone(),
    })
}

/// The special accounts, the licence and the roles: each flag over the config file's value.
fn account_policy(args: &SettingsArgs, config: &Config, path: Option<&Path>) -> AccountPolicy {
    let account = |flag: Option<&AccountName>, file: Option<&AccountConfig>, flag_name, roles| {
        special_account(args, config, path, flag, file, flag_name, roles)
    };
    AccountPolicy {
        deployment: match args.deployment {
            Some(DeploymentArg::Online) => Deployment::Online,
            Some(DeploymentArg::OnPremises) => Deployment::OnPremises,
            None => config.deployment.unwrap_or_default(),
        },
        administrator: account(
            args.admin.as_ref(),
            config.administrator.as_ref(),
            "--admin",
            &DEFAULT_ADMIN_ROLES,
        ),
        integration_user: account(
            args.integration_user.as_ref(),
            config.integration_user.as_ref(),
            "--integration-user",
            &DEFAULT_INTEGRATION_ROLES,
        ),
        licence: args
            .licence
            .clone()
            .or_else(|| config.licence.clone())
            .unwrap_or_default(),
        usage_location: args
            .usage_location
            .clone()
            .or_else(|| config.usage_location.clone()),
        default_country: config.country.clone(),
        roles: config
            .roles
            .clone()
            .unwrap_or_else(|| vec![DEFAULT_SALESPERSON_ROLE.to_string()]),
        business_unit: config.business_unit.clone(),
        role_rules: config.role_rules.clone(),
    }
}

/// One special account: named by its flag or in the config file (which is then where it was named).
fn special_account(
    args: &SettingsArgs,
    config: &Config,
    path: Option<&Path>,
    flag: Option<&AccountName>,
    file: Option<&AccountConfig>,
    flag_name: &str,
    default_roles: &[&str],
) -> Option<Account> {
    let named_in = |flag: &str| -> String {
        path.map(|p| p.display().to_string())
            .unwrap_or_else(|| flag.to_string())
    };
    let (name, named) = match (flag, file.and_then(|f| f.upn.as_ref())) {
        (Some(name), _) => (name.clone(), flag_name.to_string()),
        (None, Some(name)) => (name.clone(), named_in(flag_name)),
        (None, None) => return None,
    };
    Some(Account {
        name,
        named_in: named,
        licence: file
            .and_then(|f| f.licence.clone())
            .or_else(|| args.licence.clone())
            .or_else(|| config.licence.clone())
            .unwrap_or_default(),
        roles: file
            .and_then(|f| f.roles.clone())
            .unwrap_or_else(|| default_roles.iter().map(|r| r.to_string()).collect()),
    })
}

/// Writes the commented example into `dir`, refusing to replace a file already there.
pub fn init(dir: &Path) -> Result<PathBuf> {
    let path = dir.join(FILE_NAME);
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                Error::ConfigExists { path: path.clone() }
            } else {
                Error::io(&path, e)
            }
        })?;
    std::io::Write::write_all(&mut file, EXAMPLE.as_bytes()).map_err(|e| Error::io(&path, e))?;
    Ok(path)
}

/// The example `bc2m365 init` writes: every setting commented out (`#key = value`), each explained.
pub const EXAMPLE: &str = include_str!("bc2m365.example.toml");

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config> {
        Config::parse(text, Path::new("bc2m365.toml"))
    }

    fn error_text(text: &str) -> String {
        parse(text).unwrap_err().to_string()
    }

    #[test]
    fn the_example_is_valid_commented_and_uncommented() {
        assert_eq!(parse(EXAMPLE).unwrap(), Config::default());
        let uncommented: String = EXAMPLE
            .lines()
            .map(|l| {
                let setting = l
                    .strip_prefix('#')
                    .filter(|rest| !rest.starts_with(' ') && !rest.is_empty());
                format!("{}\n", setting.unwrap_or(l))
            })
            .collect();
        let config = parse(&uncommented).unwrap();
        assert_eq!(config.domains, ["contoso.com", "contoso.be"]);
        assert_eq!(
            config.integration_user.unwrap().upn.unwrap().as_str(),
            "bc-sync@contoso.com"
        );
        assert_eq!(config.role_rules.len(), 1);
        assert_eq!(
            config.columns.get("Email").map(String::as_str),
            Some("Courriel professionnel")
        );
        assert_eq!(
            config.role_names.get("Salesperson").map(String::as_str),
            Some("Verkäufer")
        );
        assert!(config.licence_group.is_some() && config.environment.is_some());
    }

    #[test]
    fn unknown_keys_and_wrong_types_name_their_line() {
        assert!(
            error_text("domains = [\"contoso.com\"]\n\nlicense = \"X\"\n")
                .starts_with("bc2m365.toml:3: unknown field `license`"),
            "{}",
            error_text("domains = [\"contoso.com\"]\n\nlicense = \"X\"\n")
        );
        let wrong = error_text("domains = \"contoso.com\"\n");
        assert!(wrong.starts_with("bc2m365.toml:1: "), "{wrong}");
        let bad_upn = error_text("[integration_user]\nupn = \"sync user\"\n");
        assert!(
            bad_upn.starts_with("bc2m365.toml:2: \"sync user\" is not a user name"),
            "{bad_upn}"
        );
        let pattern = error_text("\n\nuser_name = \"{first} {last}\"\n");
        assert!(pattern.starts_with("bc2m365.toml:3: "), "{pattern}");
    }
}
