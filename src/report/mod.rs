//! Rendering diagnostics and outcomes for people and scripts: text on stderr, JSON on stdout, the review
//! workbook, and rejected.csv.

pub mod json;
pub mod rejected;
pub mod review;
pub mod text;

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

// The output cell guards live with the text clean-up, so that every stage that writes a spreadsheet-facing
// file (the manifest's views too) uses the same ones.
pub use crate::normalize::text::{spreadsheet_safe, visible_text};

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
