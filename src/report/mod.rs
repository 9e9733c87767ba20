//! Rendering diagnostics and outcomes for people and scripts: text on stderr, JSON on stdout, the review
//! workbook, and rejected.csv.

pub mod json;
pub mod rejected;
pub mod review;
pub mod text;

use std::borrow::Cow;

/// How much the text report says, from `--quiet` and `--verbose`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Verbosity {
    /// Error diagnostics and the closing summary only.
    Quiet,
    #[default]
    Normal,
    /// Also what was found in each input.
    Verbose,
}

/// How the report on stderr looks; decided once, in [`crate::run`], from the command line and the environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OutputSettings {
    pub verbosity: Verbosity,
    /// Whether to colour severity labels and codes with ANSI escapes.
    pub color: bool,
    /// Whether a long run shows its progress on stderr: a terminal, and not `--quiet`.
    pub progress: bool,
}

/// A value as it may appear in an output cell: control characters shown as their visible Unicode
/// symbols (a line feed as ␊), so none reaches a cell.
pub fn visible_text(value: &str) -> Cow<'_, str> {
    if !value.chars().any(|c| c.is_control()) {
        return Cow::Borrowed(value);
    }
    Cow::Owned(
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
pub fn spreadsheet_safe(value: &str) -> Cow<'_, str> {
    let visible = visible_text(value);
    if crate::normalize::text::needs_formula_guard(&visible) {
        Cow::Owned(format!("'{visible}"))
    } else {
        visible
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_formula_or_control_character_reaches_a_cell() {
        assert_eq!(visible_text("Sales\nTeam\tB"), "Sales␊Team␉B");
        assert_eq!(spreadsheet_safe("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(spreadsheet_safe("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(spreadsheet_safe("+32 475 12 34 56"), "+32 475 12 34 56");
        assert_eq!(spreadsheet_safe("Jan"), "Jan");
        assert_eq!(spreadsheet_safe("+1+1"), "'+1+1");
        assert_eq!(spreadsheet_safe("-1+1"), "'-1+1");
        for value in [
            "=A1",
            "'=literal",
            "''=x",
            "'-Manager",
            "+1+1",
            "-1",
            "@x",
            "Jan",
            "'quoted",
            "+32 475 12 34 56",
            "Sales\nTeam",
            "=x\t",
        ] {
            let written = spreadsheet_safe(value);
            let unguarded = crate::normalize::text::without_formula_guard(&written);
            assert_eq!(crate::normalize::text::from_visible(unguarded), value);
        }
    }
}
