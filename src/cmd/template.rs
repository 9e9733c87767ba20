//! `bc2m365 template`: Microsoft's bulk-import template, byte for byte, for people who fill it in by hand or
//! want to see what the admin center expects.

use crate::cli::TemplateArgs;
use crate::error::Result;
use crate::m365::format::{write_csv_like_microsoft, HEADER, LEGACY_HEADER};

/// The five people of Microsoft's sample files: user name, first name, last name.
const SAMPLE_PEOPLE: [(&str, &str, &str); 5] = [
    ("chris@contoso.com", "Chris", "Green"),
    ("ben@contoso.com", "Ben", "Andrews"),
    ("david@contoso.com", "David", "Longmuir"),
    ("cynthia@contoso.com", "Cynthia", "Carey"),
    ("melissa@contoso.com", "Melissa", "MacBeth"),
];

/// Microsoft's sample rows: the n-th person (1-based) has office number 12345n, phones ending 121n and 664n.
/// The current sample gives everyone fax 123-555-6700 and alternate email address chris@contoso.com; the
/// legacy one has faxes ending 982n and no alternate email column.
fn sample_rows(legacy: bool) -> Vec<Vec<String>> {
    SAMPLE_PEOPLE
        .iter()
        .zip(1..)
        .map(|(&(user, first, last), n)| {
            let mut row: Vec<String> = vec![
                user.into(),
                first.into(),
                last.into(),
                format!("{first} {last}"),
                "IT Manager".into(),
                "Information Technology".into(),
                format!("12345{n}"),
                format!("123-555-121{n}"),
                format!("123-555-664{n}"),
            ];
            if legacy {
                row.push(format!("123-555-982{n}"));
            } else {
                row.push("123-555-6700".into());
                row.push("chris@contoso.com".into());
            }
            for value in ["1 Microsoft way", "Redmond", "Wa", "98052", "United States"] {
                row.push(value.into());
            }
            row
        })
        .collect()
}

/// The template's bytes: the current or legacy header, with or without the sample rows.
pub fn template_bytes(legacy: bool, sample: bool) -> Vec<u8> {
    let header: &[&str] = if legacy { &LEGACY_HEADER } else { &HEADER };
    let rows = if sample {
        sample_rows(legacy)
    } else {
        Vec::new()
    };
    let mut bytes = Vec::new();
    write_csv_like_microsoft(&mut bytes, header, rows).expect("writing into memory cannot fail");
    bytes
}

pub fn run(args: &TemplateArgs) -> Result<crate::cmd::Ending> {
    crate::cmd::write_stdout(&template_bytes(args.legacy, args.sample))
}
