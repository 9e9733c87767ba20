//! The rule catalogue: every check the tool makes, with a stable code, a severity and a fix.
//!
//! Codes never change meaning once released; scripts and people search for them.

use super::Severity;

/// One check: its stable code, how much it weighs, what it is about, and how to fix what it finds.
#[derive(Debug, PartialEq, Eq)]
pub struct Rule {
    pub code: &'static str,
    pub severity: Severity,
    /// A short name for lists.
    pub title: &'static str,
    /// One line that says how to fix what the rule finds.
    pub help: &'static str,
}

macro_rules! rules {
    ($($name:ident = $code:literal, $severity:ident, $title:literal, $help:literal;)*) => {
        $(
            pub static $name: Rule = Rule {
                code: $code,
                severity: Severity::$severity,
                title: $title,
                help: $help,
            };
        )*
        /// Every rule, in code order.
        pub static ALL: &[&Rule] = &[$(&$name),*];
    };
}

rules! {
    MISSING_COLUMN = "S001", Error, "a required column is missing",
        "export the Salesperson/Purchaser list with its Code and Name columns, or name the column with --map FIELD=HEADER";
    DUPLICATE_COLUMN = "S002", Error, "two columns hold the same field",
        "delete one of the two columns, or rename it so it is no longer recognised";
    UNKNOWN_COLUMN = "S003", Warning, "a column is not a Business Central salesperson field",
        "nothing to do if the column is not needed; otherwise rename it to its Business Central caption";
    RAGGED_ROW = "S004", Error, "a row has more cells than the header",
        "a value probably holds the delimiter without quotes: quote it, or re-export the file";
    SHORT_ROW = "S005", Warning, "a row has fewer cells than the header",
        "the missing cells are read as empty; check that the row was not cut short";
    EMPTY_ROW = "S006", Info, "an empty row is skipped",
        "nothing to do; delete the row to silence this";
    INVALID_TEXT = "S007", Error, "a cell is not valid text in the file's encoding",
        "save the file again as \"CSV UTF-8\" (Excel: File > Save As > CSV UTF-8), or name its encoding with --encoding";
    AMBIGUOUS_COLUMN = "S008", Error, "a column header could name two fields",
        "name the column's field with --map FIELD=HEADER, or rename the column";
    ENCODING_GUESSED = "S009", Info, "the file's encoding was guessed",
        "check the accented names in the output; if they are wrong, name the encoding with --encoding";
    LEGACY_IMPORT_HEADER = "S010", Warning, "a Microsoft 365 import file has the legacy 15-column header",
        "nothing to do: the file is re-written with the current 16-column header (Microsoft changed it in 2023)";
    EMPTY_CODE = "F001", Error, "the salesperson Code is empty",
        "give the salesperson its Business Central code, or delete the row";
    EMPTY_NAME = "F002", Error, "the salesperson Name is empty",
        "fill in the salesperson's full name: Microsoft 365 needs a display name";
    INVALID_EMAIL = "F003", Error, "the Email is not a valid e-mail address",
        "correct the address, or clear it so a user name is built from the name";
    SEVERAL_EMAILS = "F004", Error, "the Email holds more than one address",
        "keep one address in Email; put a second one in Email 2";
    EMAIL_OTHER_DOMAIN = "F005", Warning, "the Email is not on a verified domain",
        "nothing to do if this is a private address (it becomes the alternate email); otherwise add its domain with --domain";
    TOO_LONG_FOR_M365 = "F006", Error, "a value is longer than Microsoft 365 accepts",
        "shorten the value in Business Central, then export again";
    FORMULA_LIKE = "F007", Error, "a value starts like a spreadsheet formula",
        "remove the leading =, +, - or @ (Excel would run it as a formula); it is refused, never altered";
    CONTROL_CHARACTER = "F008", Error, "a value holds a control character",
        "remove the line break, tab or other invisible character from the cell";
    INVALID_BOOLEAN = "F009", Error, "a Yes/No column holds something else",
        "write Yes or No (or TRUE/FALSE, 1/0) in the cell";
    TOO_LONG_FOR_BC = "F010", Warning, "a value is longer than Business Central allows",
        "the export was edited by hand: check the value, Business Central would not hold it";
    INVALID_NUMBER = "F011", Warning, "a number column holds something else",
        "write a number such as 2.5 or 2,5 in the cell, or leave it empty";
    UNKNOWN_COUNTRY = "F012", Error, "the country is not an ISO 3166 two-letter code",
        "write the two-letter code (BE, NL, DE, FR...) in the Country/Region Code column, or give --country";
    INVALID_USER_NAME = "U001", Error, "the user name breaks Microsoft's rules",
        "user names may hold A-Z a-z 0-9 ' . - _ ! # ^ ~ before \"@\", with no leading, trailing or doubled dot";
    USER_NAME_TOO_LONG = "U002", Error, "the user name is too long",
        "Microsoft accepts 50 characters before \"@\", 48 after it and 79 in all: use a shorter address";
    NO_USER_NAME = "U003", Error, "no user name can be built from the name",
        "give the salesperson an Email on a verified domain, or a name with letters";
    USER_NAME_NUMBERED = "U004", Warning, "the user name was taken, so a number was added",
        "nothing to do if these are two people; if it is one person twice, delete the duplicate row";
    USER_NAME_OTHER_DOMAIN = "U005", Error, "the User Name of an import file is not on a verified domain",
        "correct the User Name, or add its domain with --domain if the tenant has verified it";
    DUPLICATE_CODE = "D001", Error, "the salesperson Code appears twice",
        "codes are unique in Business Central: delete the duplicate row or fix its code";
    DUPLICATE_USER_NAME = "D002", Error, "two salespeople have the same user name",
        "each Microsoft 365 user needs their own address: correct one of the two Emails";
    DUPLICATE_EMAIL = "D003", Warning, "two salespeople share an e-mail address",
        "check whether the two rows are one person; give each salesperson their own address";
    DUPLICATE_NAME = "D004", Warning, "two salespeople have the same name",
        "nothing to do if these are two people; if it is one person twice, delete one row";
    SKIPPED_BLOCKED = "R001", Info, "a blocked salesperson is skipped",
        "nothing to do; unblock the salesperson in Business Central to give them an account";
    SKIPPED_PRIVACY_BLOCKED = "R002", Info, "a privacy-blocked salesperson is skipped",
        "nothing to do: a person who asked not to be processed is never exported";
    SKIPPED_COUPLED = "R003", Info, "a salesperson already coupled to a Sales user is skipped",
        "nothing to do: they already have a Dynamics 365 Sales user";
}

/// The rule with this code, if there is one (codes compare case-insensitively).
pub fn find(code: &str) -> Option<&'static Rule> {
    ALL.iter()
        .copied()
        .find(|rule| rule.code.eq_ignore_ascii_case(code))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_are_unique_and_well_formed() {
        let mut seen = HashSet::new();
        for rule in ALL {
            assert!(seen.insert(rule.code), "{} twice", rule.code);
            assert_eq!(rule.code.len(), 4, "{}", rule.code);
            assert!(!rule.help.is_empty() && !rule.title.is_empty());
        }
    }

    #[test]
    fn find_is_case_insensitive() {
        assert_eq!(find("d001").map(|r| r.code), Some("D001"));
        assert!(find("X999").is_none());
    }
}
