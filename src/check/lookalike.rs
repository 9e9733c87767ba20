//! Look-alikes: texts a person reads as one although their characters differ, by Unicode's confusables
//! skeleton (UTS #39), as a Cyrillic "А" stands for a Latin "A".

use unicode_normalization::UnicodeNormalization;

/// The text's skeleton: two texts with one skeleton look alike.
pub fn skeleton(text: &str) -> String {
    unicode_security::skeleton(text).collect()
}

/// A character outside ASCII that stands for another (its skeleton is not itself), such as a Cyrillic or
/// Greek letter shaped like a Latin one. Accented Latin letters are themselves.
fn is_disguised(c: char) -> bool {
    if c.is_ascii() {
        return false;
    }
    let mut own = [0u8; 4];
    let own: String = c.encode_utf8(&mut own).nfd().collect();
    skeleton(&own) != own
}

/// The characters of `text` that stand for others, as `"А" (U+0410)`, comma-separated; empty if none.
pub fn disguised_characters(text: &str) -> String {
    let mut found: Vec<char> = Vec::new();
    for c in text.chars().filter(|c| is_disguised(*c)) {
        if !found.contains(&c) {
            found.push(c);
        }
    }
    let described: Vec<String> = found
        .iter()
        .map(|c| format!("\"{c}\" (U+{:04X})", *c as u32))
        .collect();
    described.join(", ")
}

/// Whether `text` has a character that stands for another.
pub fn has_disguised(text: &str) -> bool {
    text.chars().any(is_disguised)
}

/// The verified domains by their skeletons, made once per run: an e-mail on another domain is then looked
/// up in one hash lookup, however many domains the tenant has.
#[derive(Debug, Default)]
pub struct LookalikeDomains {
    by_skeleton: std::collections::HashMap<String, String>,
}

impl LookalikeDomains {
    pub fn new(verified: &[String]) -> Self {
        let mut by_skeleton = std::collections::HashMap::with_capacity(verified.len());
        for v in verified {
            let v = v.to_lowercase();
            by_skeleton.entry(skeleton(&v)).or_insert(v);
        }
        LookalikeDomains { by_skeleton }
    }

    /// The verified domain that `domain` looks like without being it, if any.
    pub fn of(&self, domain: &str) -> Option<&str> {
        let domain = domain.to_lowercase();
        (self.by_skeleton.get(&skeleton(&domain)))
            .filter(|v| **v != domain)
            .map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cyrillic_letter_is_disguised_an_accent_is_not() {
        assert_eq!(
            disguised_characters("\u{410}nna Peeters"),
            "\"\u{410}\" (U+0410)"
        );
        assert_eq!(disguised_characters("Zoë Renée Müller"), "");
        assert!(!has_disguised("Ben Smith"));
        assert_eq!(skeleton("\u{410}nna Peeters"), skeleton("Anna Peeters"));
        assert_ne!(skeleton("Zoë Peeters"), skeleton("Zoe Peeters"));
    }

    #[test]
    fn a_domain_spelt_with_look_alike_letters_is_found() {
        let verified = vec!["cronus.be".to_string(), "contoso.com".to_string()];
        assert_eq!(
            LookalikeDomains::new(&verified).of("cr\u{43e}nus.be"),
            Some("cronus.be")
        );
        assert_eq!(LookalikeDomains::new(&verified).of("CRONUS.BE"), None);
        assert_eq!(LookalikeDomains::new(&verified).of("gmail.com"), None);
    }
}
