//! Text clean-up that never changes what a person would read: trimming, white space, Unicode form.

use unicode_normalization::UnicodeNormalization;

/// Trims, collapses every run of white space (no-break spaces included) into one space, and composes
/// to Unicode NFC so "Zoë" typed with a combining diaeresis equals the precomposed one.
pub fn clean_text(value: &str) -> String {
    // Most cells are ASCII with single spaces between words: already clean.
    let bytes = value.as_bytes();
    let is_space = |b: u8| b == b' ' || (0x09..=0x0D).contains(&b);
    if bytes
        .iter()
        .all(|&b| b.is_ascii() && (b == b' ' || !is_space(b)))
        && bytes.first() != Some(&b' ')
        && bytes.last() != Some(&b' ')
        && !bytes.windows(2).any(|w| w == b"  ")
    {
        return value.to_string();
    }
    let mut out = String::with_capacity(value.len());
    for word in value
        .split(|c: char| c.is_whitespace())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    if out.is_ascii()
        || unicode_normalization::is_nfc_quick(out.chars())
            == unicode_normalization::IsNormalized::Yes
    {
        out
    } else {
        out.nfc().collect()
    }
}

/// The first control or invisible formatting character in `value`, if any: tab, line break, NUL and the
/// like, and the zero-width, soft-hyphen and bidirectional characters that hide in names pasted from
/// elsewhere (a right-to-left override can make a name display as another).
pub fn find_control_char(value: &str) -> Option<char> {
    if value.is_ascii() {
        return value.bytes().find(u8::is_ascii_control).map(char::from);
    }
    value
        .chars()
        .find(|c| c.is_control() || is_invisible_format(*c) || is_control_picture(*c))
}

/// The symbols that show a control character (␊ for a line feed, ␉ for a tab): a line break another tool
/// made visible, refused as the character itself is (and so a value read back from bc2m365's own files,
/// where they stand for control characters, is never a different value).
fn is_control_picture(c: char) -> bool {
    matches!(c, '\u{2400}'..='\u{2426}')
}

/// Characters that show as nothing: Unicode's Default_Ignorable_Code_Point (DerivedCoreProperties.txt:
/// soft hyphen, combining grapheme joiner, Hangul fillers, zero-width and bidirectional controls,
/// variation selectors, the tag block...), the interlinear annotation controls, and the blank Braille
/// pattern, which looks like a space but is none. Any of them lets two names look alike, or one look empty.
fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'..='\u{1160}'
            | '\u{17B4}'..='\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{2800}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF0}'..='\u{FFFB}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E0FFF}'
    )
}

/// Whether a value is a formula behind the apostrophe a spreadsheet tool puts before one to keep it text
/// (`'=1+1`): it was a formula where it came from, and is no name, title or number.
pub fn looks_like_guarded_formula(value: &str, is_phone: bool) -> bool {
    value
        .strip_prefix('\'')
        .is_some_and(|rest| looks_like_formula(rest.trim_start(), is_phone))
}

/// Whether a spreadsheet would take `value` for a formula: it starts with `=`, `+`, `-` or `@`.
/// A phone number such as `+32 475 12 34 56` is not one when `is_phone` is set.
pub fn looks_like_formula(value: &str, is_phone: bool) -> bool {
    match value.chars().next() {
        Some('=') | Some('@') => true,
        Some('+') | Some('-') => !(is_phone && is_phone_number(value)),
        _ => false,
    }
}

/// Whether a value written to a CSV a person may open in a spreadsheet needs a leading apostrophe so
/// that it is not run as a formula: it starts with = or @, or with + or - unless it is a phone number
/// whose only + or - is its first character ("+32 475 12 34 56"; "+1+1" and "-1+1" are sums).
pub fn needs_formula_guard(value: &str) -> bool {
    let value = value.trim_start();
    let phone = is_phone_number(value) && !value[1..].contains(['+', '-']);
    // A value that already looks guarded gets one more apostrophe, so reading it back gives it whole.
    looks_like_formula(value, phone) || without_formula_guard(value) != value
}

/// The value as read from a CSV bc2m365 wrote: the apostrophe [`needs_formula_guard`] added removed, so
/// the value is checked again as it was.
pub fn without_formula_guard(value: &str) -> &str {
    match value.strip_prefix('\'') {
        Some(rest) if needs_formula_guard(rest) => rest,
        _ => value,
    }
}

/// The inverse of the review's and rejected.csv's visible text: the Unicode control pictures (␊, ␉...)
/// turned back into the control characters they show, so that a value read back is checked as first read.
pub fn from_visible(value: &str) -> std::borrow::Cow<'_, str> {
    let picture = |c: char| matches!(c as u32, 0x2400..=0x241F | 0x2421);
    if !value.chars().any(picture) {
        return std::borrow::Cow::Borrowed(value);
    }
    let control = |c: char| match c as u32 {
        code @ 0x2400..=0x241F => char::from_u32(code - 0x2400).unwrap_or(c),
        0x2421 => '\u{7F}',
        _ => c,
    };
    std::borrow::Cow::Owned(value.chars().map(control).collect())
}

/// An Excel error value as a cell shows it, in any language: `#N/A`, `#NV`, `#DIV/0!`, `#VALUE!`,
/// `#WERT!`, `#NAME?`, `#¡VALOR!`...
pub fn is_excel_error(value: &str) -> bool {
    let Some(rest) = value.trim().strip_prefix('#') else {
        return false;
    };
    let short = !rest.is_empty() && rest.chars().count() <= 16 && !rest.contains(' ');
    short
        && (rest.ends_with(['!', '?'])
            || rest.starts_with("N/")
            || rest.eq_ignore_ascii_case("NV")
            || rest.eq_ignore_ascii_case("GETTING_DATA"))
}

/// A value people type where they have no name: "N/A", "none", "TBD", "unknown" (in the languages the
/// tool reads), "xxx".
pub fn is_placeholder(value: &str) -> bool {
    const PLACEHOLDERS: &[&str] = &[
        "n/a",
        "na",
        "n.a.",
        "n.v.t.",
        "nvt",
        "none",
        "null",
        "nil",
        "tbd",
        "tba",
        "unknown",
        "onbekend",
        "inconnu",
        "unbekannt",
        "desconocido",
        "sconosciuto",
        "ukendt",
        "okänd",
        "ukjent",
        "tuntematon",
        "neznámý",
        "x",
        "xx",
        "xxx",
        "test",
        "dummy",
    ];
    PLACEHOLDERS.contains(&value.trim().to_lowercase().as_str())
}

/// Digits with the usual phone punctuation: `+32 (0)475 12.34/56-7`.
pub fn is_phone_number(value: &str) -> bool {
    value.chars().any(|c| c.is_ascii_digit())
        && value
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | ' ' | '(' | ')' | '.' | '/'))
}

/// A value as it may appear in an output cell: control characters shown as their visible Unicode
/// symbols (a line feed as ␊), so none reaches a cell.
pub fn visible_text(value: &str) -> std::borrow::Cow<'_, str> {
    if !value.chars().any(|c| c.is_control()) {
        return std::borrow::Cow::Borrowed(value);
    }
    std::borrow::Cow::Owned(
        value
            .chars()
            .map(|c| match c as u32 {
                0..=0x1F => char::from_u32(0x2400 + c as u32).unwrap_or('\u{FFFD}'),
                0x7F => '\u{2421}',
                _ if c.is_control() => '\u{FFFD}',
                _ => c,
            })
            .collect(),
    )
}

/// A value for a CSV a person may open in a spreadsheet: visible, and with a leading apostrophe when a
/// spreadsheet would take it for a formula (phone numbers such as +32 475 12 34 56 excepted).
pub fn spreadsheet_safe(value: &str) -> std::borrow::Cow<'_, str> {
    let visible = visible_text(value);
    if needs_formula_guard(&visible) {
        std::borrow::Cow::Owned(format!("'{visible}"))
    } else {
        visible
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_collapses_and_composes() {
        assert_eq!(
            clean_text("  Zoe\u{308}   Van\u{a0}den\tBroeck "),
            "Zoë Van den Broeck"
        );
        assert_eq!(clean_text(""), "");
        assert_eq!(clean_text(" \t "), "");
    }

    /// The clean-up without its shortcuts.
    fn clean_slowly(value: &str) -> String {
        let words: Vec<&str> = value
            .split(char::is_whitespace)
            .filter(|w| !w.is_empty())
            .collect();
        words.join(" ").nfc().collect()
    }

    #[test]
    fn the_shortcuts_change_nothing() {
        for value in [
            "Jan Peeters",
            "Jan  Peeters",
            " Jan",
            "Jan ",
            "Jan\tPeeters",
            "Jan\u{b}Peeters",
            "Jan\rPeeters",
            "Zoë",
            "Zoe\u{308}",
            "A\u{a0}B",
            "",
            " ",
            "x\u{85}y",
            "\u{2003}x",
        ] {
            assert_eq!(clean_text(value), clean_slowly(value), "{value:?}");
        }
        for value in [
            "ab\u{1}",
            "tab\there",
            "\u{7f}",
            "plain",
            "Zoë\u{200b}",
            "a\u{9c}",
        ] {
            let slowly = value
                .chars()
                .find(|c| c.is_control() || is_invisible_format(*c));
            assert_eq!(find_control_char(value), slowly, "{value:?}");
        }
    }

    #[test]
    fn invisible_characters_are_found() {
        assert_eq!(find_control_char("Jan\u{200B}Peeters"), Some('\u{200B}'));
        assert_eq!(find_control_char("An\u{AD}na"), Some('\u{AD}'));
        assert_eq!(find_control_char("Rik\u{202E}Vos"), Some('\u{202E}'));
        assert_eq!(find_control_char("Zoë Van den Broeck"), None);
    }

    #[test]
    fn formulas_are_told_from_phone_numbers() {
        assert!(looks_like_formula("=HYPERLINK(\"x\")", false));
        assert!(looks_like_formula("@SUM(A1)", true));
        assert!(looks_like_formula("+cmd", true));
        assert!(looks_like_formula("-2+3", false));
        assert!(!looks_like_formula("+32 475 12 34 56", true));
        assert!(looks_like_formula("+32 475 12 34 56", false));
        assert!(!looks_like_formula("Jan", false));
    }
}
