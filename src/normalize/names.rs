//! Splitting a Business Central Name (one field) into Microsoft 365's First Name and Last Name.

/// Words that start a family name in Dutch, Flemish, German, French, Italian, Spanish and Portuguese
/// names ("van der Berg", "de la Fontaine", "von Stein"), compared case-insensitively.
const PARTICLES: &[&str] = &[
    "van", "vanden", "vander", "vande", "van't", "'t", "de", "den", "der", "het", "ter", "ten",
    "te", "op", "in", "von", "zu", "vom", "zum", "le", "la", "les", "du", "des", "d'", "di", "da",
    "dos", "das", "do", "del", "della", "dei", "degli", "y", "af", "av",
];

/// A person's name in Microsoft 365's two fields.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct PersonName {
    pub first: String,
    pub last: String,
}

fn is_particle(word: &str) -> bool {
    let lower = word.to_lowercase().replace('’', "'");
    PARTICLES.contains(&lower.as_str())
}

/// Splits a cleaned full name (see [`super::clean_text`]).
///
/// - "Last, First" (a comma) is read as last name first: "O'Brien, Siobhán" gives Siobhán / O'Brien.
/// - Otherwise the last word is the last name, together with the particles before it: from the first
///   particle after the first word on, everything is the last name ("Dirk van der Berg" gives
///   Dirk / van der Berg, "Hans-Werner von Stein zu Hohenberg" gives Hans-Werner / von Stein zu Hohenberg).
/// - A single word is the first name.
pub fn split_full_name(name: &str) -> PersonName {
    if let Some((last, first)) = name.split_once(',') {
        let (first, last) = (first.trim(), last.trim());
        if !first.is_empty() && !last.is_empty() {
            return PersonName {
                first: first.to_string(),
                last: last.to_string(),
            };
        }
    }
    // A stray comma ("Smit," or ", Anna") is not a name part.
    let name = name.trim_matches(|c: char| c == ',' || c.is_whitespace());
    let words: Vec<&str> = name.split(' ').filter(|w| !w.is_empty()).collect();
    if words.len() < 2 {
        return PersonName {
            first: words.concat(),
            last: String::new(),
        };
    }
    // The last name starts at the first particle after the first word that is followed by a real name,
    // or else at the last word.
    let start = (1..words.len() - 1)
        .find(|&i| is_particle(words[i]) && words[i..].iter().any(|w| !is_particle(w)))
        .unwrap_or(words.len() - 1);
    PersonName {
        first: words[..start].join(" "),
        last: words[start..].join(" "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(name: &str) -> (String, String) {
        let n = split_full_name(name);
        (n.first, n.last)
    }

    #[test]
    fn splits_the_issue_examples() {
        assert_eq!(
            split("Dirk van der Berg"),
            ("Dirk".into(), "van der Berg".into())
        );
        assert_eq!(
            split("Zoë Van den Broeck"),
            ("Zoë".into(), "Van den Broeck".into())
        );
        assert_eq!(
            split("O'Brien, Siobhán"),
            ("Siobhán".into(), "O'Brien".into())
        );
        assert_eq!(split("Madonna"), ("Madonna".into(), "".into()));
        assert_eq!(split("Smit,"), ("Smit".into(), "".into()));
        assert_eq!(split(", Anna"), ("Anna".into(), "".into()));
    }

    #[test]
    fn splits_particles_in_many_languages() {
        assert_eq!(
            split("Anna Maria van Dijk"),
            ("Anna Maria".into(), "van Dijk".into())
        );
        assert_eq!(
            split("Marie-Claire de la Fontaine"),
            ("Marie-Claire".into(), "de la Fontaine".into())
        );
        assert_eq!(
            split("Luc Vanden Bossche"),
            ("Luc".into(), "Vanden Bossche".into())
        );
        assert_eq!(
            split("Jean d' Ormesson"),
            ("Jean".into(), "d' Ormesson".into())
        );
        assert_eq!(
            split("Hans-Werner von Stein zu Hohenberg"),
            ("Hans-Werner".into(), "von Stein zu Hohenberg".into())
        );
        assert_eq!(split("Jan Peeters"), ("Jan".into(), "Peeters".into()));
        assert_eq!(
            split("Maria da Silva Santos"),
            ("Maria".into(), "da Silva Santos".into())
        );
    }

    #[test]
    fn a_first_word_that_looks_like_a_particle_stays_the_first_name() {
        assert_eq!(split("Van Damme"), ("Van".into(), "Damme".into()));
        assert_eq!(split("Jan de"), ("Jan".into(), "de".into()));
    }
}
