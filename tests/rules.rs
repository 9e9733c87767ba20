//! The rule catalogue's prose states Microsoft's and Business Central's limits; the code enforces them
//! through constants. Each number a rule's help or explanation states must be the constant's value, so a
//! constant cannot change without its text, nor the text without its constant.

use bc2m365::bc::fields::Field;
use bc2m365::diagnostic::rules;
use bc2m365::m365::entra::{
    password_problem, GENERATED_LENGTH, MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS, MIN_PASSWORD_KINDS,
};
use bc2m365::m365::format::ImportColumn;
use bc2m365::m365::upn::{is_alias_char, MAX_ALIAS_CHARS, MAX_DOMAIN_CHARS, MAX_UPN_CHARS};
use bc2m365::read::limits::{Limits, MIB};

/// A number as the prose writes it: 2,000,000 and 32,767 with commas, as the report writes counts.
fn thousands(n: u64) -> String {
    bc2m365::report::text::group_thousands(n as usize)
}

/// The rule's help and explanation, where its numbers are stated.
fn prose(rule: &rules::Rule) -> String {
    format!("{}\n{}", rule.help, rule.explanation)
}

/// "First Name, Last Name, ... and Fax 64 characters; Display Name 256; ..." as (names, number) groups.
fn length_groups(sentence: &str) -> Vec<(Vec<String>, usize)> {
    sentence
        .split(';')
        .map(|group| {
            let group = group.trim().trim_end_matches('.').trim();
            let group = group.strip_suffix(" characters").unwrap_or(group);
            let (names, number) = group.rsplit_once(' ').unwrap();
            let names = names
                .split(", ")
                .flat_map(|n| n.split(" and "))
                .map(|n| n.trim().to_string())
                .collect();
            (
                names,
                number.parse().unwrap_or_else(|_| panic!("{group:?}")),
            )
        })
        .collect()
}

#[test]
fn f006_states_every_import_columns_length_limit() {
    let text = rules::TOO_LONG_FOR_M365.explanation;
    let (_, limits) = text.split_once("limits every column: ").expect(text);
    let (sentence, _) = limits.split_once(". ").expect(text);
    let groups = length_groups(sentence);
    let stated = |column: ImportColumn| -> Option<usize> {
        // The prose names the three phone columns "phone numbers" once, and Fax on its own.
        let name = if column.is_phone() && column != ImportColumn::Fax {
            "phone numbers"
        } else {
            column.header()
        };
        groups
            .iter()
            .find(|(names, _)| names.iter().any(|n| n == name))
            .map(|(_, n)| *n)
    };
    for column in ImportColumn::ALL {
        assert_eq!(
            stated(column),
            column.max_chars(),
            "F006 on {:?} ({}): {sentence}",
            column,
            column.header()
        );
    }
    // And nothing more: every name in the prose is a column (or the phone columns).
    for (names, _) in &groups {
        for name in names {
            assert!(
                name == "phone numbers" || ImportColumn::ALL.iter().any(|c| c.header() == name),
                "F006 names {name:?}, which is no import column"
            );
        }
    }
}

#[test]
fn u002_states_the_user_name_lengths() {
    let rule = &rules::USER_NAME_TOO_LONG;
    for text in [rule.help, rule.explanation] {
        for stated in [
            format!("{MAX_ALIAS_CHARS} characters before"),
            format!("{MAX_DOMAIN_CHARS} after it"),
            format!("{MAX_UPN_CHARS} in all"),
        ] {
            assert!(text.contains(&stated), "U002 lacks {stated:?}: {text}");
        }
    }
}

#[test]
fn u001_states_exactly_the_characters_a_user_name_may_hold() {
    let rule = &rules::INVALID_USER_NAME;
    for text in [rule.help, rule.explanation] {
        let list = text
            .split_once("A-Z a-z 0-9 ")
            .and_then(|(_, rest)| rest.split_once(" before"))
            .map(|(list, _)| list)
            .unwrap_or_else(|| panic!("U001 lists no characters: {text}"));
        let listed: Vec<char> = list
            .split(' ')
            .map(|c| {
                let mut chars = c.chars();
                let one = chars.next().unwrap();
                assert!(chars.next().is_none(), "{c:?} in {list:?}");
                one
            })
            .collect();
        let stated = |c: char| c.is_ascii_alphanumeric() || listed.contains(&c);
        for c in (0..0x3000u32).filter_map(char::from_u32) {
            assert_eq!(
                is_alias_char(c),
                stated(c),
                "U001 and is_alias_char disagree on {c:?}: {text}"
            );
        }
    }
}

#[test]
fn f010_states_business_centrals_field_lengths() {
    let text = rules::TOO_LONG_FOR_BC.explanation;
    let (_, lengths) = text.split_once("holds ").expect(text);
    // The sentence ends at the first full stop after a number ("Phone No." is no end).
    let end = lengths
        .match_indices(". ")
        .map(|(i, _)| i)
        .find(|&i| lengths[..i].ends_with(|c: char| c.is_ascii_digit()))
        .expect(text);
    let sentence = &lengths[..end];
    let mut seen = 0;
    for part in sentence.split(", ") {
        let part = part.strip_suffix(" characters").unwrap_or(part);
        let (caption, number) = part.rsplit_once(' ').unwrap();
        let field = Field::ALL
            .into_iter()
            .find(|f| f.caption() == caption)
            .unwrap_or_else(|| panic!("F010 names {caption:?}, which is no field's caption"));
        assert_eq!(
            Some(number.parse().unwrap()),
            field.bc_max_chars(),
            "F010 on {caption}: {sentence}"
        );
        seen += 1;
    }
    assert!(seen >= 5, "{sentence}");
}

#[test]
fn the_safety_limits_are_the_documented_defaults() {
    let limits = Limits::default();
    let s014 = prose(&rules::LIMIT_EXCEEDED);
    for stated in [
        format!(
            "file size {} MiB (--max-input-size)",
            limits.input_bytes / MIB
        ),
        format!(
            "unpacked {} GiB (--max-sheet-size)",
            limits.sheet_bytes / (1024 * MIB)
        ),
        format!("{} data rows", thousands(limits.rows)),
        format!(
            "{} columns (--max-columns)",
            thousands(limits.columns as u64)
        ),
    ] {
        assert!(s014.contains(&stated), "S014 lacks {stated:?}: {s014}");
    }
    assert_eq!(limits.sheet_bytes % (1024 * MIB), 0, "stated in GiB");
    let f014 = prose(&rules::CELL_TOO_LONG);
    let stated = format!(
        "The limit is {} characters (--max-cell-chars)",
        thousands(limits.cell_chars as u64)
    );
    assert!(f014.contains(&stated), "F014 lacks {stated:?}: {f014}");
}

#[test]
fn f018_states_entras_password_rules() {
    let f018 = prose(&rules::PASSWORD_REFUSED);
    let words = ["", "", "", "three", "four"];
    for stated in [
        format!("{MIN_PASSWORD_CHARS} to {MAX_PASSWORD_CHARS} characters"),
        format!("at least {} of the four kinds", words[MIN_PASSWORD_KINDS]),
        format!(
            "{MIN_PASSWORD_CHARS} to {MAX_PASSWORD_CHARS} ASCII characters with {} of",
            words[MIN_PASSWORD_KINDS]
        ),
    ] {
        assert!(f018.contains(&stated), "F018 lacks {stated:?}: {f018}");
    }
    // The explanation's examples are what the check says of them.
    assert!(password_problem("welcome1").is_some());
    assert_eq!(password_problem("Welcome-2026"), None);
    assert!(f018.contains("`welcome1` has two kinds") && f018.contains("`Welcome-2026` has three"));
    const { assert!(GENERATED_LENGTH >= 16) };
}

#[test]
fn thousands_writes_the_prose_numbers() {
    assert_eq!(thousands(32_767), "32,767");
    assert_eq!(thousands(2_000_000), "2,000,000");
    assert_eq!(thousands(1_000), "1,000");
    assert_eq!(thousands(512), "512");
}
