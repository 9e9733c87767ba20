//! Splitting a Business Central Name (one field) into Microsoft 365's First Name and Last Name.

/// Words that start a family name in Dutch, Flemish, German, French, Italian, Spanish and Portuguese
/// names ("van der Berg", "de la Fontaine", "von Stein"), compared case-insensitively.
const PARTICLES: &[&str] = &[
    "van", "vanden", "vander", "vande", "van't", "'t", "de", "den", "der", "het", "ter", "ten",
    "te", "op", "in", "von", "zu", "vom", "zum", "le", "la", "les", "du", "des", "d'", "di", "da",
    "dos", "das", "do", "del", "della", "dei", "degli", "y", "af", "av",
];

/// Titles that come before a name (compared lower-cased, without dots): English, Dutch, French, German,
/// Spanish, Italian, the Nordic languages and Czech. "M." counts only with its dot: M alone is an initial.
const TITLES: &[&str] = &[
    "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "rev", "dhr", "mevr", "mw",
    "mej", "ir", "ing", "drs", "mme", "mlle", "mmes", "herr", "frau", "hr", "fr", "dring", "drmed",
    "mag", "dipling", "sr", "sra", "srta", "sig", "sigra", "signa", "dott", "dottssa", "avv",
    "fru", "frk", "hra", "pí", "mgr", "judr", "mudr", "phdr",
];

/// Suffixes that come after a name, alone or after a comma ("Smith, John, Jr.").
const SUFFIXES: &[&str] = &[
    "jr", "sr", "ii", "iii", "iv", "phd", "esq", "mba", "msc", "bsc", "jun", "sen", "junior",
    "senior",
];

/// A word as titles and suffixes are compared: lower case, without dots and hyphens. `None` for a word
/// too long to be one (most words), told without building anything.
fn folded(word: &str) -> Option<String> {
    (word.len() <= 12).then(|| word.to_lowercase().replace(['.', '-'], ""))
}

fn is_listed(word: &str, list: &[&str]) -> bool {
    folded(word).is_some_and(|w| list.contains(&w.as_str()))
}

fn is_title(word: &str) -> bool {
    (word.eq_ignore_ascii_case("m.") || is_listed(word, TITLES))
        && word.chars().any(char::is_alphabetic)
}

fn is_suffix(word: &str) -> bool {
    is_listed(word, SUFFIXES)
}

/// The second word of a two-word title: "Dr. med.", "Dr. rer. nat.", "Dr. phil." (only after a title and
/// with its dot: Phil is a first name).
const TITLE_FOLLOWERS: &[&str] = &[
    "med", "rer", "nat", "phil", "jur", "dent", "vet", "oec", "techn",
];

/// A title or suffix in parentheses behind a name: "Jane Doe (Dr.)", "(Jr.)".
fn is_bracketed(word: &str) -> bool {
    let inner = word
        .trim_end_matches(',')
        .strip_prefix('(')
        .and_then(|w| w.strip_suffix(')'));
    inner.is_some_and(|w| is_title(w) || is_suffix(w))
}

/// The words of a name without the titles in front and the suffixes behind (one word is always kept).
fn without_titles<'a>(words: &[&'a str]) -> Vec<&'a str> {
    let mut start = 0;
    while start + 1 < words.len()
        && (is_title(words[start])
            || (start > 0
                && words[start].ends_with('.')
                && is_listed(words[start], TITLE_FOLLOWERS)))
    {
        start += 1;
    }
    let mut end = words.len();
    while end > start + 1
        && (is_suffix(words[end - 1].trim_end_matches(',')) || is_bracketed(words[end - 1]))
    {
        end -= 1;
    }
    words[start..end]
        .iter()
        .map(|w| w.trim_end_matches(','))
        .collect()
}

fn plain(part: &str) -> String {
    let words: Vec<&str> = part.split(' ').filter(|w| !w.is_empty()).collect();
    without_titles(&words).join(" ")
}

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
    // Suffixes after a comma are no name part: "Smith, John, Jr." is Smith, John.
    let mut parts: Vec<&str> = name.split(',').map(str::trim).collect();
    while parts.len() > 1 && parts.last().is_some_and(|p| p.is_empty() || is_suffix(p)) {
        parts.pop();
    }
    if let [last, first] = parts.as_slice() {
        let (first, last) = (plain(first), plain(last));
        if !first.is_empty() && !last.is_empty() {
            return PersonName { first, last };
        }
    }
    // A stray comma ("Smit," or ", Anna") is not a name part.
    let name = parts.join(" ");
    let name = name.trim_matches(|c: char| c == ',' || c.is_whitespace());
    let all: Vec<&str> = name.split(' ').filter(|w| !w.is_empty()).collect();
    let words = without_titles(&all);
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
    fn titles_and_suffixes_stay_out_of_the_names() {
        assert_eq!(split("Dr. Jan Peeters"), ("Jan".into(), "Peeters".into()));
        assert_eq!(
            split("Prof. Dr. Anna Schmidt"),
            ("Anna".into(), "Schmidt".into())
        );
        assert_eq!(split("Smith, John, Jr."), ("John".into(), "Smith".into()));
        assert_eq!(split("John Smith Jr."), ("John".into(), "Smith".into()));
        assert_eq!(split("John Smith, III"), ("John".into(), "Smith".into()));
        assert_eq!(
            split("Dhr. Dirk van der Berg"),
            ("Dirk".into(), "van der Berg".into())
        );
        assert_eq!(split("Mevr. An Maes"), ("An".into(), "Maes".into()));
        assert_eq!(split("M. Jean Dupont"), ("Jean".into(), "Dupont".into()));
        assert_eq!(
            split("Mme Claire Dubois"),
            ("Claire".into(), "Dubois".into())
        );
        assert_eq!(
            split("Herr Klaus Müller"),
            ("Klaus".into(), "Müller".into())
        );
        assert_eq!(split("Frau Dr. Eva Braun"), ("Eva".into(), "Braun".into()));
        assert_eq!(split("Peeters, Dr. Jan"), ("Jan".into(), "Peeters".into()));
        assert_eq!(
            split("Sra. Lucía García"),
            ("Lucía".into(), "García".into())
        );
        // An initial is no title; a title alone is kept rather than leave no name.
        assert_eq!(split("M Jansen"), ("M".into(), "Jansen".into()));
        assert_eq!(split("Dr."), ("Dr.".into(), "".into()));
        assert_eq!(
            split("Dr. med. Hans Vogel"),
            ("Hans".into(), "Vogel".into())
        );
        assert_eq!(split("Doe, Jane (Dr.)"), ("Jane".into(), "Doe".into()));
        assert_eq!(split("Phil Collins"), ("Phil".into(), "Collins".into()));
        assert_eq!(
            split("Prof. Phil Collins"),
            ("Phil".into(), "Collins".into())
        );
    }

    #[test]
    fn a_first_word_that_looks_like_a_particle_stays_the_first_name() {
        assert_eq!(split("Van Damme"), ("Van".into(), "Damme".into()));
        assert_eq!(split("Jan de"), ("Jan".into(), "de".into()));
    }
}
