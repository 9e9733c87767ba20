//! The user principal name ("User Name") and Microsoft's rules for it.

use std::fmt;

/// At most 50 characters before "@".
pub const MAX_ALIAS_CHARS: usize = 50;
/// At most 48 characters after "@".
pub const MAX_DOMAIN_CHARS: usize = 48;
/// At most 79 characters in all, "@" included.
pub const MAX_UPN_CHARS: usize = 79;

/// Why a string is not a user name Microsoft 365 accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UpnProblem {
    NotAliasAtDomain,
    ForbiddenCharacter(char),
    Dots,
    AliasTooLong(usize),
    DomainTooLong(usize),
    TooLong(usize),
    DomainNotVerified(String),
}

impl fmt::Display for UpnProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UpnProblem::NotAliasAtDomain => write!(f, "is not of the form name@domain"),
            UpnProblem::ForbiddenCharacter(c) => {
                write!(
                    f,
                    "holds {c:?}, which Microsoft does not allow before \"@\""
                )
            }
            UpnProblem::Dots => write!(
                f,
                "starts or ends with a dot, or has two dots in a row, before \"@\""
            ),
            UpnProblem::AliasTooLong(n) => {
                write!(
                    f,
                    "has {n} characters before \"@\" (at most {MAX_ALIAS_CHARS})"
                )
            }
            UpnProblem::DomainTooLong(n) => {
                write!(
                    f,
                    "has {n} characters after \"@\" (at most {MAX_DOMAIN_CHARS})"
                )
            }
            UpnProblem::TooLong(n) => write!(f, "has {n} characters (at most {MAX_UPN_CHARS})"),
            UpnProblem::DomainNotVerified(d) => {
                write!(f, "is on {d}, which is not a verified domain")
            }
        }
    }
}

impl UpnProblem {
    pub fn is_length(&self) -> bool {
        matches!(
            self,
            UpnProblem::AliasTooLong(_) | UpnProblem::DomainTooLong(_) | UpnProblem::TooLong(_)
        )
    }
}

/// The characters Microsoft allows before "@": `A-Z a-z 0-9 ' . - _ ! # ^ ~`.
pub fn is_alias_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '\'' | '.' | '-' | '_' | '!' | '#' | '^' | '~')
}

/// A user name that meets every rule Microsoft documents; it can only be built valid.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct UserPrincipalName(String);

impl UserPrincipalName {
    /// Checks `value` (already trimmed and lower-cased by the caller if wanted) against Microsoft's rules and
    /// the tenant's verified domains (compared case-insensitively).
    pub fn parse(value: &str, verified_domains: &[String]) -> Result<Self, UpnProblem> {
        let (alias, domain) = value.split_once('@').ok_or(UpnProblem::NotAliasAtDomain)?;
        if alias.is_empty() || domain.is_empty() || domain.contains('@') {
            return Err(UpnProblem::NotAliasAtDomain);
        }
        if let Some(c) = alias.chars().find(|c| !is_alias_char(*c)) {
            return Err(UpnProblem::ForbiddenCharacter(c));
        }
        if alias.starts_with('.') || alias.ends_with('.') || alias.contains("..") {
            return Err(UpnProblem::Dots);
        }
        let (alias_len, domain_len, len) = (
            alias.chars().count(),
            domain.chars().count(),
            value.chars().count(),
        );
        if alias_len > MAX_ALIAS_CHARS {
            return Err(UpnProblem::AliasTooLong(alias_len));
        }
        if domain_len > MAX_DOMAIN_CHARS {
            return Err(UpnProblem::DomainTooLong(domain_len));
        }
        if len > MAX_UPN_CHARS {
            return Err(UpnProblem::TooLong(len));
        }
        if !verified_domains
            .iter()
            .any(|d| d.eq_ignore_ascii_case(domain))
        {
            return Err(UpnProblem::DomainNotVerified(domain.to_string()));
        }
        Ok(UserPrincipalName(value.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key under which Microsoft compares user names: case-insensitive.
    pub fn key(&self) -> String {
        self.0.to_lowercase()
    }
}

impl fmt::Display for UserPrincipalName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn domains() -> Vec<String> {
        vec!["contoso.com".to_string()]
    }

    #[test]
    fn accepts_microsofts_characters() {
        assert!(UserPrincipalName::parse("o'brien.j-k_l!#^~9@contoso.com", &domains()).is_ok());
        assert!(UserPrincipalName::parse("jan@CONTOSO.com", &domains()).is_ok());
    }

    #[test]
    fn refuses_what_microsoft_refuses() {
        let d = domains();
        assert_eq!(
            UserPrincipalName::parse("zoë@contoso.com", &d),
            Err(UpnProblem::ForbiddenCharacter('ë'))
        );
        assert_eq!(
            UserPrincipalName::parse("a+b@contoso.com", &d),
            Err(UpnProblem::ForbiddenCharacter('+'))
        );
        assert_eq!(
            UserPrincipalName::parse("jan.@contoso.com", &d),
            Err(UpnProblem::Dots)
        );
        assert_eq!(
            UserPrincipalName::parse(".jan@contoso.com", &d),
            Err(UpnProblem::Dots)
        );
        assert_eq!(
            UserPrincipalName::parse("j..an@contoso.com", &d),
            Err(UpnProblem::Dots)
        );
        assert_eq!(
            UserPrincipalName::parse("jan", &d),
            Err(UpnProblem::NotAliasAtDomain)
        );
        assert_eq!(
            UserPrincipalName::parse("a@b@contoso.com", &d),
            Err(UpnProblem::NotAliasAtDomain)
        );
        assert_eq!(
            UserPrincipalName::parse(&format!("{}@contoso.com", "a".repeat(51)), &d),
            Err(UpnProblem::AliasTooLong(51))
        );
        assert!(UserPrincipalName::parse(&format!("{}@contoso.com", "a".repeat(50)), &d).is_ok());
        assert_eq!(
            UserPrincipalName::parse("jan@fabrikam.com", &d),
            Err(UpnProblem::DomainNotVerified("fabrikam.com".into()))
        );
    }

    #[test]
    fn whole_length_is_limited_to_79() {
        let domain = format!("{}.com", "d".repeat(40));
        let upn = format!("{}@{domain}", "a".repeat(40));
        assert_eq!(
            UserPrincipalName::parse(&upn, &[domain]),
            Err(UpnProblem::TooLong(85))
        );
    }
}
