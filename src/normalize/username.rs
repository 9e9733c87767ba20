//! Building a user name (the part before "@") from a person's name, when Business Central has no usable Email.

use deunicode::deunicode;

use crate::m365::upn::{is_alias_char, MAX_ALIAS_CHARS};

/// The part before "@" of the user name built from a salesperson's names, unnumbered: worked out on the
/// reading thread ahead of the planning, which needs it only for rows whose Email gives no user name.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum Alias {
    /// Not worked out ahead: the planning builds it.
    #[default]
    NotBuilt,
    Built(String),
    /// The names hold no letter or digit to build one from.
    NoLetters,
}

/// What building the unnumbered user name needs: the pattern, the transliteration, and the room before "@".
#[derive(Debug, Clone)]
pub struct AliasSpec {
    pub pattern: UserNamePattern,
    pub transliteration: Transliteration,
    pub room: usize,
}

impl AliasSpec {
    pub fn build(&self, first: &str, last: &str) -> Alias {
        match build_alias_within(
            &self.pattern,
            first,
            last,
            self.transliteration,
            None,
            self.room,
        ) {
            Some(alias) => Alias::Built(alias),
            None => Alias::NoLetters,
        }
    }
}

/// How letters outside ASCII become ASCII in a built user name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Transliteration {
    /// Drop the accent: é -> e, ü -> u, ø -> o, ß -> ss, æ -> ae (Unicode's decomposition, via `deunicode`).
    #[default]
    Basic,
    /// German spelling for umlauts first: ä -> ae, ö -> oe, ü -> ue; then as Basic.
    German,
}

/// ASCII for one name part, in the chosen style.
pub fn transliterate(value: &str, style: Transliteration) -> String {
    match style {
        Transliteration::Basic => deunicode(value),
        Transliteration::German => {
            let spelled: String = value
                .chars()
                .flat_map(|c| {
                    let s: &str = match c {
                        'ä' => "ae",
                        'ö' => "oe",
                        'ü' => "ue",
                        'Ä' => "Ae",
                        'Ö' => "Oe",
                        'Ü' => "Ue",
                        _ => "",
                    };
                    if s.is_empty() {
                        vec![c]
                    } else {
                        s.chars().collect()
                    }
                })
                .collect();
            deunicode(&spelled)
        }
    }
}

/// One name part as it appears in a user name: ASCII, lower case, letters, digits and hyphens only
/// (spaces and apostrophes go: "van der Berg" -> "vanderberg", "O'Brien" -> "obrien").
fn alias_part(value: &str, style: Transliteration) -> String {
    let ascii = transliterate(value, style).to_lowercase();
    let kept: String = ascii
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    // No leading, trailing or doubled hyphen from dropped characters.
    kept.split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

/// How a user name is built from a name: placeholders `{first}`, `{last}`, `{f}` and `{l}` (the first
/// letter of each part), joined by the characters Microsoft allows in a user name (`.`, `-`, `_`, letters,
/// digits). A separator between two placeholders is left out when either side is empty, so a one-word name
/// gives `madonna`, never `madonna.`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserNamePattern {
    pieces: Vec<Piece>,
    text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    First,
    Last,
    FirstInitial,
    LastInitial,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Part(Part),
    Literal(String),
}

impl Default for UserNamePattern {
    /// `{first}.{last}`: the pattern bc2m365 always used.
    fn default() -> Self {
        UserNamePattern {
            pieces: vec![
                Piece::Part(Part::First),
                Piece::Literal(".".into()),
                Piece::Part(Part::Last),
            ],
            text: DEFAULT_USER_NAME_PATTERN.into(),
        }
    }
}

pub const DEFAULT_USER_NAME_PATTERN: &str = "{first}.{last}";

impl std::fmt::Display for UserNamePattern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl UserNamePattern {
    /// Reads a pattern such as `{first}.{last}` or `{f}{last}`; says what is wrong otherwise.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut pieces = Vec::new();
        let mut rest = text;
        while !rest.is_empty() {
            if let Some(after) = rest.strip_prefix('{') {
                let Some(end) = after.find('}') else {
                    return Err(format!(
                        "user name pattern {text:?} has a \"{{\" without \"}}\""
                    ));
                };
                let part = match &after[..end] {
                    "first" => Part::First,
                    "last" => Part::Last,
                    "f" => Part::FirstInitial,
                    "l" => Part::LastInitial,
                    other => {
                        return Err(format!(
                            "user name pattern {text:?} has {{{other}}}; use {{first}}, {{last}}, {{f}} or {{l}}"
                        ))
                    }
                };
                pieces.push(Piece::Part(part));
                rest = &after[end + 1..];
            } else {
                let end = rest.find('{').unwrap_or(rest.len());
                let literal = rest[..end].to_lowercase();
                if let Some(c) = literal
                    .chars()
                    .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')))
                {
                    return Err(format!(
                        "user name pattern {text:?} holds {c:?}; between placeholders use letters, digits, \".\", \"-\" or \"_\""
                    ));
                }
                pieces.push(Piece::Literal(literal));
                rest = &rest[end..];
            }
        }
        let has_part = pieces.iter().any(|p| matches!(p, Piece::Part(_)));
        if !has_part {
            return Err(format!(
                "user name pattern {text:?} has no {{first}}, {{last}}, {{f}} or {{l}}"
            ));
        }
        Ok(UserNamePattern {
            pieces,
            text: text.to_string(),
        })
    }

    /// The pattern filled in; a separator next to an empty part is left out.
    fn render(&self, first: &str, last: &str) -> String {
        let is_part = |p: &Piece| matches!(p, Piece::Part(_));
        let first_part = self.pieces.iter().position(is_part).unwrap_or(0);
        let last_part = self.pieces.iter().rposition(is_part).unwrap_or(0);
        let initial = |s: &str| s.chars().next().map(String::from).unwrap_or_default();
        let (mut prefix, mut core, mut suffix, mut pending) =
            (String::new(), String::new(), String::new(), String::new());
        for (i, piece) in self.pieces.iter().enumerate() {
            match piece {
                Piece::Literal(text) if i < first_part => prefix.push_str(text),
                Piece::Literal(text) if i > last_part => suffix.push_str(text),
                Piece::Literal(text) => pending.push_str(text),
                Piece::Part(part) => {
                    let value = match part {
                        Part::First => first.to_string(),
                        Part::Last => last.to_string(),
                        Part::FirstInitial => initial(first),
                        Part::LastInitial => initial(last),
                    };
                    if !value.is_empty() {
                        if !core.is_empty() {
                            core.push_str(&pending);
                        }
                        core.push_str(&value);
                    }
                    pending.clear();
                }
            }
        }
        if core.is_empty() {
            return core;
        }
        format!("{prefix}{core}{suffix}")
    }
}

/// The user name built from the pattern (`first.last` by default), within Microsoft's rules, or `None`
/// when the name has no letter or digit to build from. `suffix` (2, 3, ...) tells a clash apart; the
/// name is shortened so that it and the suffix fit in 50 characters.
pub fn build_alias(
    pattern: &UserNamePattern,
    first: &str,
    last: &str,
    style: Transliteration,
    suffix: Option<u32>,
) -> Option<String> {
    build_alias_within(pattern, first, last, style, suffix, MAX_ALIAS_CHARS)
}

/// As [`build_alias`], shortened to `max_chars` (at most 50) so that with a long domain the whole user
/// name still fits Microsoft's 79 characters.
pub fn build_alias_within(
    pattern: &UserNamePattern,
    first: &str,
    last: &str,
    style: Transliteration,
    suffix: Option<u32>,
    max_chars: usize,
) -> Option<String> {
    let first = alias_part(first, style);
    let last = alias_part(last, style);
    if first.is_empty() && last.is_empty() {
        return None;
    }
    let mut base = pattern.render(&first, &last);
    // Separators may not lead, trail or double up in a user name.
    while base.starts_with(['.', '-']) {
        base.remove(0);
    }
    while base.contains("..") {
        base = base.replace("..", ".");
    }
    if base.is_empty() {
        return None;
    }
    let suffix = suffix.map(|n| n.to_string()).unwrap_or_default();
    let room = max_chars.min(MAX_ALIAS_CHARS).saturating_sub(suffix.len());
    let mut alias: String = base.chars().take(room).collect();
    while alias.ends_with(['.', '-']) {
        alias.pop();
    }
    if alias.is_empty() {
        return None;
    }
    alias.push_str(&suffix);
    debug_assert!(alias.chars().all(is_alias_char));
    Some(alias)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alias(first: &str, last: &str) -> String {
        build_alias(
            &UserNamePattern::default(),
            first,
            last,
            Transliteration::Basic,
            None,
        )
        .unwrap()
    }

    #[test]
    fn builds_ascii_first_dot_last() {
        assert_eq!(alias("Zoë", "Van den Broeck"), "zoe.vandenbroeck");
        assert_eq!(alias("Siobhán", "O'Brien"), "siobhan.obrien");
        assert_eq!(alias("Jürgen", "Müller"), "jurgen.muller");
        assert_eq!(alias("Søren", "Østergaard"), "soren.ostergaard");
        assert_eq!(alias("Klaus", "Schäfer-Weiß"), "klaus.schafer-weiss");
        assert_eq!(
            alias("Marie-Claire", "de la Fontaine"),
            "marie-claire.delafontaine"
        );
        assert_eq!(alias("Madonna", ""), "madonna");
    }

    #[test]
    fn german_style_spells_umlauts_out() {
        assert_eq!(
            build_alias(
                &UserNamePattern::default(),
                "Jürgen",
                "Müller",
                Transliteration::German,
                None
            )
            .unwrap(),
            "juergen.mueller"
        );
    }

    #[test]
    fn suffix_and_length_fit_in_fifty() {
        assert_eq!(
            build_alias(
                &UserNamePattern::default(),
                "Jan",
                "Peeters",
                Transliteration::Basic,
                Some(2)
            )
            .unwrap(),
            "jan.peeters2"
        );
        let long = build_alias(
            &UserNamePattern::default(),
            "Maximiliana",
            &"Wolfeschlegelsteinhausenbergerdorff ".repeat(3),
            Transliteration::Basic,
            Some(12),
        )
        .unwrap();
        assert_eq!(long.chars().count(), 50);
        assert!(long.ends_with("12"));
    }

    #[test]
    fn nothing_to_build_from() {
        assert_eq!(
            build_alias(
                &UserNamePattern::default(),
                "",
                "",
                Transliteration::Basic,
                None
            ),
            None
        );
        assert_eq!(
            build_alias(
                &UserNamePattern::default(),
                "---",
                "''",
                Transliteration::Basic,
                None
            ),
            None
        );
    }

    fn with(pattern: &str, first: &str, last: &str) -> Option<String> {
        let pattern = UserNamePattern::parse(pattern).unwrap();
        build_alias(&pattern, first, last, Transliteration::Basic, None)
    }

    #[test]
    fn patterns_fill_in_parts_and_initials() {
        assert_eq!(
            with("{f}{last}", "Zoë", "Van den Broeck").unwrap(),
            "zvandenbroeck"
        );
        assert_eq!(with("{first}{l}", "Jan", "Peeters").unwrap(), "janp");
        assert_eq!(
            with("{last}_{first}", "Jan", "Peeters").unwrap(),
            "peeters_jan"
        );
        assert_eq!(
            with("{first}-{last}", "Jan", "Peeters").unwrap(),
            "jan-peeters"
        );
        assert_eq!(
            with("sales.{first}.{last}", "Jan", "Peeters").unwrap(),
            "sales.jan.peeters"
        );
        // A separator beside a missing part is left out.
        assert_eq!(with("{f}.{last}", "", "Madonna").unwrap(), "madonna");
        assert_eq!(with("{last}.{first}", "Madonna", "").unwrap(), "madonna");
        assert_eq!(with("{first}.{last}", "", ""), None);
    }

    #[test]
    fn bad_patterns_are_refused_with_a_reason() {
        assert!(UserNamePattern::parse("{first} {last}")
            .unwrap_err()
            .contains("' '"));
        assert!(UserNamePattern::parse("{given}.{last}")
            .unwrap_err()
            .contains("{given}"));
        assert!(UserNamePattern::parse("{first").is_err());
        assert!(UserNamePattern::parse("sales")
            .unwrap_err()
            .contains("no {first}"));
        assert_eq!(UserNamePattern::default().to_string(), "{first}.{last}");
        assert_eq!(
            UserNamePattern::parse(DEFAULT_USER_NAME_PATTERN).unwrap(),
            UserNamePattern::default()
        );
    }

    proptest::proptest! {
        /// Whatever the name and pattern, a built user name is one Microsoft accepts.
        #[test]
        fn every_built_user_name_is_valid(
            first in "\\PC{0,30}",
            last in "\\PC{0,60}",
            pattern in proptest::sample::select(vec![
                "{first}.{last}", "{f}{last}", "{first}{l}", "{last}_{first}", ".{first}-.{last}.",
                "sales.{f}.{l}", "{first}", "{last}",
            ]),
            suffix in proptest::option::of(2u32..100_000),
        ) {
            let pattern = UserNamePattern::parse(pattern).unwrap();
            if let Some(alias) = build_alias(&pattern, &first, &last, Transliteration::Basic, suffix) {
                let upn = format!("{alias}@contoso.com");
                proptest::prop_assert!(
                    crate::m365::UserPrincipalName::parse(&upn, &["contoso.com".to_string()]).is_ok(),
                    "{upn}"
                );
            }
        }
    }
}
