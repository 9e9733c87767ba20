//! Microsoft Entra's "Bulk create users" CSV (Entra admin center > Users > All users > Bulk operations >
//! Bulk create): the second file `convert` can write instead of the admin center's import files.
//!
//! Sources (MicrosoftDocs/entra-docs): docs/identity/users/users-bulk-add.md ("CSV template structure",
//! "Additional guidance"), docs/includes/bulk-operations-csv-guidance.md and
//! bulk-operations-csv-template-note.md (the `version:v1.0` row is kept unchanged, the header row exactly
//! as downloaded), docs/identity/authentication/concept-sspr-policy.md ("Microsoft Entra password
//! policies": 8 to 256 characters, three of four kinds, no Unicode) and
//! docs/fundamentals/bulk-operations-service-limitations.md (a job that does not complete within the hour
//! fails; split the records).
//!
//! Line ends and byte-order mark: none of those pages states an encoding. The page has the template
//! downloaded, filled in a spreadsheet and saved; Excel's "CSV UTF-8" saves with a UTF-8 byte-order mark
//! and CRLF line ends, so that is what the upload takes from everyone who follows the page, and it is how
//! the admin center's import file is written too ([`super::format::microsoft_csv_writer`]). The mark
//! also keeps accented names intact when the file is opened in Excel to check it.

use std::collections::HashMap;
use std::io::{self, Write};

use crate::m365::format::{ImportColumn, ImportRow, UTF8_BOM};

/// Which file `convert` writes the new users into.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Target {
    /// The Microsoft 365 admin center's import files (Active users > Add multiple users).
    #[default]
    M365,
    /// Microsoft Entra's bulk-create file, with usage locations and initial passwords.
    Entra,
}

/// The first line of the file, which the upload must keep unchanged.
pub const VERSION_LINE: &str = "version:v1.0";

/// The 17 columns of the current template, in its order and spelling (the bracketed property names are the
/// stable part; older templates wrote the captions otherwise).
pub const HEADER: [&str; 17] = [
    "Name [displayName] Required",
    "User name [userPrincipalName] Required",
    "Initial password [passwordProfile] Required",
    "Block sign in (Yes/No) [accountEnabled] Required",
    "First name [givenName]",
    "Last name [surname]",
    "Job title [jobTitle]",
    "Department [department]",
    "Usage location [usageLocation]",
    "Street address [streetAddress]",
    "State or province [state]",
    "Country or region [country]",
    "Office [physicalDeliveryOfficeName]",
    "City [city]",
    "ZIP or postal code [postalCode]",
    "Office phone [telephoneNumber]",
    "Mobile phone [mobile]",
];

/// The most users in one file. No row limit is documented any more, but a bulk job that does not finish
/// within an hour fails, and the older pages gave the rate as "at least 50,000 users" an hour: half that
/// keeps each file's job well inside the hour on a busy tenant. A run of up to 25,000 new users is one file.
pub const MAX_USERS_PER_FILE: usize = 25_000;

/// The name of the file, or of file `n` (0-based) of `files`.
pub fn file_name(n: usize, files: usize) -> String {
    match files {
        0 | 1 => "entra-users.csv".to_string(),
        _ => format!("entra-users-{:03}.csv", n + 1),
    }
}

/// An initial password: never printed, logged or serialised; it is written into the Entra file only.
#[derive(Clone, PartialEq, Eq)]
pub struct InitialPassword(String);

impl std::fmt::Debug for InitialPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("InitialPassword(..)")
    }
}

impl InitialPassword {
    /// A password given in the input, once [`password_problem`] found nothing wrong with it.
    pub fn given(text: String) -> InitialPassword {
        InitialPassword(text)
    }

    /// A new password from the operating system's secure random source (see [`generate`]).
    pub fn generate() -> io::Result<InitialPassword> {
        generate(GENERATED_LENGTH).map(InitialPassword)
    }

    fn as_str(&self) -> &str {
        &self.0
    }
}

/// The kinds of characters Microsoft Entra counts (lower case, upper case, digits, symbols).
const KINDS: usize = 4;
/// How many kinds a password needs.
pub const MIN_PASSWORD_KINDS: usize = 3;
/// A password's length in characters, at least and at most.
pub const MIN_PASSWORD_CHARS: usize = 8;
pub const MAX_PASSWORD_CHARS: usize = 256;

/// What is wrong with a password by Microsoft Entra's rules, in words that never repeat it; `None` when it
/// meets them. The tenant's banned-password list may refuse more, which no offline check can know.
pub fn password_problem(password: &str) -> Option<String> {
    let chars = password.chars().count();
    if !(MIN_PASSWORD_CHARS..=MAX_PASSWORD_CHARS).contains(&chars) {
        return Some(format!(
            "the initial password has {chars} characters; Microsoft Entra needs {MIN_PASSWORD_CHARS} to {MAX_PASSWORD_CHARS}"
        ));
    }
    // Letters, digits, the symbols of concept-sspr-policy.md and the blank: printable ASCII, all of it.
    if !password.bytes().all(|b| (b' '..=b'~').contains(&b)) {
        return Some(
            "the initial password holds a character other than ASCII letters, digits, symbols and spaces, which Microsoft Entra refuses"
                .to_string(),
        );
    }
    let kinds = kinds_of(password);
    if kinds < MIN_PASSWORD_KINDS {
        return Some(format!(
            "the initial password has {kinds} of the {KINDS} kinds of characters (lower case, upper case, digits, symbols); Microsoft Entra needs {MIN_PASSWORD_KINDS}"
        ));
    }
    None
}

/// How many of lower case, upper case, digits and symbols a password holds.
fn kinds_of(password: &str) -> usize {
    let has = |test: fn(&u8) -> bool| password.bytes().any(|b| test(&b));
    [
        has(u8::is_ascii_lowercase),
        has(u8::is_ascii_uppercase),
        has(u8::is_ascii_digit),
        has(|b| !b.is_ascii_alphanumeric()),
    ]
    .into_iter()
    .filter(|&kind| kind)
    .count()
}

/// The length of a generated password: 16 characters of 64 give 96 bits, before the four kinds are asked for.
pub const GENERATED_LENGTH: usize = 16;

/// The characters a generated password is made of: no letters or digits that look alike (I l 1, O 0), and
/// symbols that no CSV, spreadsheet or keyboard layout reads otherwise: no comma, semicolon or quote, none
/// that starts a formula (= + - @), no blank, and no dead key (^ ~ ` ' ").
const LOWER: &[u8] = b"abcdefghijkmnpqrstuvwxyz";
const UPPER: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
const DIGITS: &[u8] = b"23456789";
const SYMBOLS: &[u8] = b"!#$%&*?_";

/// A password of `length` characters, each an unbiased choice from [`LOWER`], [`UPPER`], [`DIGITS`] and
/// [`SYMBOLS`] made from the operating system's secure random source; drawn again until it holds all four
/// kinds, so every password that does is as likely as any other.
fn generate(length: usize) -> io::Result<String> {
    let alphabet: Vec<u8> = [LOWER, UPPER, DIGITS, SYMBOLS].concat();
    let mut random = RandomBytes::default();
    loop {
        let mut password = String::with_capacity(length);
        while password.len() < length {
            let index = random.index_below(alphabet.len())?;
            password.push(char::from(alphabet[index]));
        }
        if kinds_of(&password) == KINDS {
            return Ok(password);
        }
    }
}

/// Bytes from the operating system's secure random source, asked for a block at a time.
#[derive(Default)]
struct RandomBytes {
    block: [u8; 32],
    /// The bytes of `block` used so far; a new block is asked for once all are.
    used: usize,
}

impl RandomBytes {
    fn next_byte(&mut self) -> io::Result<u8> {
        if self.used == 0 || self.used == self.block.len() {
            getrandom::fill(&mut self.block).map_err(|e| io::Error::other(e.to_string()))?;
            self.used = 0;
        }
        self.used += 1;
        Ok(self.block[self.used - 1])
    }

    /// An index below `n` (at most 256), every one equally likely: bytes at or past the largest multiple
    /// of `n` are drawn again (rejection sampling), so no index is favoured by the modulo.
    fn index_below(&mut self, n: usize) -> io::Result<usize> {
        let limit = 256 - 256 % n;
        loop {
            let byte = usize::from(self.next_byte()?);
            if byte < limit {
                return Ok(byte % n);
            }
        }
    }
}

/// The passwords an input gave in a mapped column, by (input, row): kept here, apart from the rows, so
/// that no other output and no spill file of the rows ever holds one.
#[derive(Debug, Default)]
pub struct GivenPasswords {
    by_row: HashMap<(usize, u64), InitialPassword>,
}

impl GivenPasswords {
    pub fn insert(&mut self, input: usize, row: u64, password: InitialPassword) {
        self.by_row.insert((input, row), password);
    }

    /// The password of the user of row `row` of input `input`: the one given, else a new one.
    pub fn for_row(&self, input: usize, row: u64) -> io::Result<InitialPassword> {
        match self.by_row.get(&(input, row)) {
            Some(given) => Ok(given.clone()),
            None => InitialPassword::generate(),
        }
    }
}

/// The Entra file as it is written: the BOM, the version line, the exact header, then one line per user
/// with all 17 fields, CRLF line ends and quotes only where CSV needs them.
pub struct EntraFileWriter<W: Write> {
    writer: csv::Writer<W>,
}

impl<W: Write> EntraFileWriter<W> {
    pub fn new(mut out: W) -> io::Result<Self> {
        out.write_all(UTF8_BOM)?;
        out.write_all(VERSION_LINE.as_bytes())?;
        out.write_all(b"\r\n")?;
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .quote_style(csv::QuoteStyle::Necessary)
            .from_writer(out);
        writer.write_record(HEADER)?;
        Ok(EntraFileWriter { writer })
    }

    /// One user: the import row's values (checked and guarded as for the admin center's file), the
    /// usage location, and the initial password. Sign-in is not blocked.
    pub fn add(
        &mut self,
        user: &ImportRow,
        usage_location: Option<&str>,
        password: &InitialPassword,
    ) -> io::Result<()> {
        use ImportColumn::*;
        let record: [&str; 17] = [
            user.get(DisplayName),
            user.get(UserName).trim(),
            password.as_str(),
            "No",
            user.get(FirstName),
            user.get(LastName),
            user.get(JobTitle),
            user.get(Department),
            usage_location.unwrap_or_default(),
            user.get(Address),
            user.get(StateOrProvince),
            user.get(CountryOrRegion),
            user.get(OfficeNumber),
            user.get(City),
            user.get(PostalCode),
            user.get(OfficePhone),
            user.get(MobilePhone),
        ];
        self.writer.write_record(record)?;
        Ok(())
    }

    /// Flushes the last lines and gives the output back.
    pub fn finish(self) -> io::Result<W> {
        self.writer.into_inner().map_err(|e| e.into_error())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_starts_with_the_version_line_and_the_17_headers() {
        let writer = EntraFileWriter::new(Vec::new()).unwrap();
        let text = String::from_utf8(writer.finish().unwrap()).unwrap();
        let reference = "\u{FEFF}version:v1.0\r\nName [displayName] Required,User name [userPrincipalName] Required,Initial password [passwordProfile] Required,Block sign in (Yes/No) [accountEnabled] Required,First name [givenName],Last name [surname],Job title [jobTitle],Department [department],Usage location [usageLocation],Street address [streetAddress],State or province [state],Country or region [country],Office [physicalDeliveryOfficeName],City [city],ZIP or postal code [postalCode],Office phone [telephoneNumber],Mobile phone [mobile]\r\n";
        assert_eq!(text, reference);
    }

    #[test]
    fn a_row_has_all_17_fields_quoted_only_where_needed() {
        let mut user = ImportRow::default();
        user.set(ImportColumn::UserName, "an.maes@contoso.com");
        user.set(ImportColumn::DisplayName, "Maes, An");
        let mut writer = EntraFileWriter::new(Vec::new()).unwrap();
        let password = InitialPassword::given("Abcdefg1!".into());
        writer.add(&user, Some("BE"), &password).unwrap();
        let text = String::from_utf8(writer.finish().unwrap()).unwrap();
        assert!(
            text.ends_with("\r\n\"Maes, An\",an.maes@contoso.com,Abcdefg1!,No,,,,,BE,,,,,,,,\r\n"),
            "{text}"
        );
    }

    #[test]
    fn generated_passwords_meet_the_rules_and_use_the_safe_characters_only() {
        let mut seen = std::collections::HashSet::new();
        for _ in 0..200 {
            let password = generate(GENERATED_LENGTH).unwrap();
            assert_eq!(password.len(), GENERATED_LENGTH);
            assert_eq!(password_problem(&password), None);
            assert_eq!(kinds_of(&password), KINDS);
            assert!(password
                .bytes()
                .all(|b| [LOWER, UPPER, DIGITS, SYMBOLS].concat().contains(&b)));
            assert!(seen.insert(password));
        }
        assert_eq!([LOWER, UPPER, DIGITS, SYMBOLS].concat().len(), 64);
    }

    #[test]
    fn every_index_is_as_likely_as_any_other() {
        // 10 does not divide 256: bytes 250 to 255 are drawn again, so each index has 25 bytes of 250.
        let mut random = RandomBytes::default();
        let mut counts = [0usize; 10];
        for _ in 0..20_000 {
            counts[random.index_below(10).unwrap()] += 1;
        }
        // Each is expected 2,000 times, with a standard deviation of about 42.
        assert!(
            counts.iter().all(|&c| (1_700..=2_300).contains(&c)),
            "{counts:?}"
        );
    }

    #[test]
    fn entras_password_rules() {
        assert_eq!(password_problem("Abcdef1!"), None);
        assert_eq!(password_problem("abcdefg1"), Some("the initial password has 2 of the 4 kinds of characters (lower case, upper case, digits, symbols); Microsoft Entra needs 3".into()));
        assert!(password_problem("Abc1!")
            .unwrap()
            .contains("has 5 characters"));
        assert!(password_problem(&"Aa1!".repeat(65)).is_some());
        assert!(password_problem("Pässwort12").unwrap().contains("ASCII"));
        assert_eq!(password_problem("correct Horse battery"), None);
        let debug = format!("{:?}", InitialPassword::given("Secret12!".into()));
        assert!(!debug.contains("Secret"), "{debug}");
    }

    #[test]
    fn the_file_is_split_only_past_its_size() {
        assert_eq!(file_name(0, 1), "entra-users.csv");
        assert_eq!(file_name(1, 3), "entra-users-002.csv");
    }
}
