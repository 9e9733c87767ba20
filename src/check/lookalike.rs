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

/// The verified domain that `domain` looks like without being it, if any.
pub fn lookalike_domain<'a>(domain: &str, verified: &'a [String]) -> Option<&'a str> {
    let domain = domain.to_lowercase();
    let wanted = skeleton(&domain);
    verified
        .iter()
        .find(|v| {
            let v = v.to_lowercase();
            v != domain && skeleton(&v) == wanted
        })
        .map(String::as_str)
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
            lookalike_domain("cr\u{43e}nus.be", &verified),
            Some("cronus.be")
        );
        assert_eq!(lookalike_domain("CRONUS.BE", &verified), None);
        assert_eq!(lookalike_domain("gmail.com", &verified), None);
    }
}
