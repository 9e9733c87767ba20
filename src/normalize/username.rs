//! Building a user name (the part before "@") from a person's name, when Business Central has no usable Email.

use deunicode::deunicode;

use crate::m365::upn::{is_alias_char, MAX_ALIAS_CHARS};

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

/// The user name built as `first.last` (or the one part there is), within Microsoft's rules, or `None`
/// when the name has no letter or digit to build from. `suffix` (2, 3, ...) tells a clash apart; the
/// name is shortened so that it and the suffix fit in 50 characters.
pub fn build_alias(
    first: &str,
    last: &str,
    style: Transliteration,
    suffix: Option<u32>,
) -> Option<String> {
    let parts: Vec<String> = [first, last]
        .iter()
        .map(|p| alias_part(p, style))
        .filter(|p| !p.is_empty())
        .collect();
    if parts.is_empty() {
        return None;
    }
    let base = parts.join(".");
    let suffix = suffix.map(|n| n.to_string()).unwrap_or_default();
    let room = MAX_ALIAS_CHARS - suffix.len();
    let mut alias: String = base.chars().take(room).collect();
    while alias.ends_with(['.', '-']) {
        alias.pop();
    }
    alias.push_str(&suffix);
    debug_assert!(alias.chars().all(is_alias_char));
    Some(alias)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alias(first: &str, last: &str) -> String {
        build_alias(first, last, Transliteration::Basic, None).unwrap()
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
            build_alias("Jürgen", "Müller", Transliteration::German, None).unwrap(),
            "juergen.mueller"
        );
    }

    #[test]
    fn suffix_and_length_fit_in_fifty() {
        assert_eq!(
            build_alias("Jan", "Peeters", Transliteration::Basic, Some(2)).unwrap(),
            "jan.peeters2"
        );
        let long = build_alias(
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
        assert_eq!(build_alias("", "", Transliteration::Basic, None), None);
        assert_eq!(build_alias("---", "''", Transliteration::Basic, None), None);
    }
}
