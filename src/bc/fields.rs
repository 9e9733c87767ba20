//! The table-13 fields an export can carry, the captions they arrive under, and header recognition.

use deunicode::deunicode;

use crate::diagnostic::{rules, ColumnRef, Diagnostic, Location};

/// A field of table 13 "Salesperson/Purchaser" that the tool reads, and the two columns people add to it:
/// the department dimension and the country.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    Code,
    Name,
    Email,
    PhoneNo,
    JobTitle,
    CommissionPct,
    Email2,
    Blocked,
    PrivacyBlocked,
    CoupledToDataverse,
    /// The department dimension (Global Dimension 1 or 2 Code, under the dimension's own caption).
    Department,
    /// A "Country/Region Code" column added by personalising the page: ISO 3166 alpha-2.
    Country,
    /// The Business Central company a row belongs to, in an export that joins several companies.
    Company,
    /// An initial password for Microsoft Entra's bulk-create file: read only from a column named with
    /// `--map password=HEADER`, never recognised by its caption, and taken out of the row as it is read.
    Password,
}

impl Field {
    pub const ALL: [Field; 14] = [
        Field::Code,
        Field::Name,
        Field::Email,
        Field::PhoneNo,
        Field::JobTitle,
        Field::CommissionPct,
        Field::Email2,
        Field::Blocked,
        Field::PrivacyBlocked,
        Field::CoupledToDataverse,
        Field::Department,
        Field::Country,
        Field::Company,
        Field::Password,
    ];

    /// The current English caption.
    pub fn caption(self) -> &'static str {
        self.spec().captions[0]
    }

    /// The name `--map FIELD=HEADER` knows the field by.
    pub fn map_name(self) -> &'static str {
        self.spec().map_name
    }

    /// The field `--map` names, by its map name or any of its captions.
    pub fn from_map_name(name: &str) -> Option<Field> {
        let key = header_key(name);
        Field::ALL
            .into_iter()
            .find(|f| header_key(f.map_name()) == key)
            .or_else(|| {
                let found = fields_for_header(name);
                (found.len() == 1).then(|| found[0])
            })
    }

    /// Business Central's own length for text fields, where it has one.
    pub fn bc_max_chars(self) -> Option<usize> {
        self.spec().bc_max_chars
    }

    pub fn is_required(self) -> bool {
        matches!(self, Field::Code | Field::Name)
    }

    /// Whether the field is read only from a column `--map` names: no caption of an export is taken for
    /// it unasked.
    pub fn is_mapped_only(self) -> bool {
        self == Field::Password
    }

    pub fn is_boolean(self) -> bool {
        matches!(
            self,
            Field::Blocked | Field::PrivacyBlocked | Field::CoupledToDataverse
        )
    }

    fn spec(self) -> &'static FieldSpec {
        &FIELDS[self as usize]
    }
}

struct FieldSpec {
    map_name: &'static str,
    bc_max_chars: Option<usize>,
    /// Captions: English (current first, then older), then the other UI languages, then the API v2 name.
    /// README.md ("Languages") says where each language's captions come from.
    captions: &'static [&'static str],
}

/// Indexed by `Field as usize`. Captions compare through [`header_key`], so "E-Mail", "E-mail" and "email"
/// are one entry, and accents do not count ("Código" is "codigo"); the variants are kept where they
/// document a language. Languages in each list: en; nl (nl-NL, nl-BE); fr (fr-FR, fr-BE, fr-CH, fr-CA);
/// de (de-DE, de-AT, de-CH); es (es-ES, es-MX); it (it-IT, it-CH); da; sv; nb; fi; is; cs; ru.
static FIELDS: [FieldSpec; 14] = [
    FieldSpec {
        map_name: "code",
        bc_max_chars: Some(20),
        captions: &[
            "Code", "Código", "Codice", "Kode", "Kod", "Koodi", "Kóði", "Kóti", "Kód", "Код",
        ],
    },
    FieldSpec {
        map_name: "name",
        bc_max_chars: Some(50),
        captions: &[
            "Name",
            "Naam",
            "Nom",
            "Nombre",
            "Nome",
            "Navn",
            "Namn",
            "Nimi",
            "Heiti",
            "Nafn",
            "Název",
            "Jméno",
            "Имя",
            "Название",
            "displayName",
        ],
    },
    FieldSpec {
        map_name: "email",
        bc_max_chars: Some(80),
        captions: &[
            "Email",
            "E-Mail",
            "E-mailadres",
            "Courriel",
            "Adresse e-mail",
            "E-Mail-Adresse",
            "Correo electrónico",
            "Correo",
            "Posta elettronica",
            "Mailadresse",
            "E-post",
            "E-postadress",
            "Sähköposti",
            "Netfang",
            "Адрес эл. почты",
            "Эл. почта",
        ],
    },
    FieldSpec {
        map_name: "phone",
        bc_max_chars: Some(30),
        captions: &[
            "Phone No.",
            "Phone Number",
            "Telefoonnr.",
            "Telefoonnummer",
            "N° téléphone",
            "N° de téléphone",
            "Téléphone",
            "Telefonnr.",
            "Telefonnummer",
            "Nº teléfono",
            "N.º teléfono",
            "Núm. teléfono",
            "Teléfono",
            "N. telefono",
            "N° telefono",
            "Telefono",
            "Puhelinnro",
            "Puhelinnumero",
            "Sími",
            "Símanúmer",
            "Telefon",
            "Telefonní číslo",
            "Телефон",
            "phoneNo",
        ],
    },
    FieldSpec {
        map_name: "job-title",
        bc_max_chars: Some(30),
        captions: &[
            "Job Title",
            "Functie",
            "Functietitel",
            "Fonction",
            "Poste",
            "Position",
            "Berufsbezeichnung",
            "Cargo",
            "Puesto",
            "Posizione",
            "Mansione",
            "Stilling",
            "Stillingsbetegnelse",
            "Befattning",
            "Titel",
            "Tehtävänimike",
            "Tehtävä",
            "Starfsheiti",
            "Funkce",
            "Должность",
            "jobTitle",
        ],
    },
    FieldSpec {
        map_name: "commission",
        bc_max_chars: None,
        captions: &[
            "Commission %",
            "Provisie %",
            "Commissie %",
            "% commission",
            "Commission (%)",
            "Provision %",
            "Provision in %",
            "% comisión",
            "Comisión %",
            "% provvigione",
            "Provvigione %",
            "Provisionspct.",
            "Provision (%)",
            "Provisjon %",
            "Provisjonsprosent",
            "Provisio-%",
            "Provisio %",
            "Söluþóknun %",
            "Provize %",
            "Комиссия %",
            "commisionPercent",
            "commissionPercent",
        ],
    },
    FieldSpec {
        map_name: "email2",
        bc_max_chars: Some(80),
        captions: &[
            "Email 2",
            "E-Mail 2",
            "E-mailadres 2",
            "Courriel 2",
            "Correo electrónico 2",
            "Mailadresse 2",
            "E-post 2",
            "Sähköposti 2",
            "Netfang 2",
            "Адрес эл. почты 2",
            "email2",
        ],
    },
    FieldSpec {
        map_name: "blocked",
        bc_max_chars: None,
        captions: &[
            "Blocked",
            "Geblokkeerd",
            "Bloqué",
            "Gesperrt",
            "Blockiert",
            "Bloqueado",
            "Bloccato",
            "Spærret",
            "Spärrad",
            "Sperret",
            "Blokkert",
            "Estetty",
            "Lokað",
            "Blokováno",
            "Заблокировано",
        ],
    },
    FieldSpec {
        map_name: "privacy-blocked",
        bc_max_chars: None,
        captions: &[
            "Privacy Blocked",
            "Geblokkeerd vanwege privacy",
            "Privacy geblokkeerd",
            "Confidentialité bloquée",
            "Bloqué pour confidentialité",
            "Datenschutz gesperrt",
            "Datenschutzsperre",
            "Privacidad bloqueada",
            "Bloccato dalla privacy",
            "Beskyttelse af personlige oplysninger spærret",
            "Sekretessblockerad",
            "Personvern sperret",
            "Estetty tietosuojan vuoksi",
            "Lokað fyrir vegna persónuverndar",
            "Uzavřeno-ochrana soukromí",
            "Заблокировано из-за конфиденциальности",
            "privacyBlocked",
        ],
    },
    FieldSpec {
        map_name: "coupled",
        bc_max_chars: None,
        captions: &[
            "Coupled to Dataverse",
            "Coupled to Dynamics 365 Sales",
            "Coupled to CRM",
            "Gekoppeld aan Dataverse",
            "Gekoppeld aan Dynamics 365 Sales",
            "Couplé à Dataverse",
            "Couplé à Dynamics 365 Sales",
            "Mit Dataverse gekoppelt",
            "An Dataverse gekoppelt",
            "Gekoppelt mit Dataverse",
            "Mit Dynamics 365 Sales gekoppelt",
            "Emparejado con Dataverse",
            "Emparejado con Dynamics 365 Sales",
            "Associato a Dataverse",
            "Associato a Dynamics 365 Sales",
            "Sammenkædet med Dataverse",
            "Kopplad till Dataverse",
            "Koblet til Dataverse",
            "Yhdistetty Dataverseen",
            "Tengt við Dataverse",
            "Spárováno s Dataverse",
            "Связано с Dataverse",
        ],
    },
    FieldSpec {
        map_name: "department",
        bc_max_chars: Some(20),
        captions: &[
            "Department Code",
            "Department",
            "Afdelingscode",
            "Afdeling code",
            "Afdeling",
            "Code service",
            "Service",
            "Code département",
            "Département",
            "Abteilungscode",
            "Abteilung Code",
            "Abteilung",
            "Código departamento",
            "Departamento",
            "Codice reparto",
            "Reparto",
            "Afdelingskode",
            "Avdelningskod",
            "Avdelning",
            "Avdelingskode",
            "Avdeling",
            "Osastokoodi",
            "Osasto",
            "Deildarkóði",
            "Deild",
            "Kód oddělení",
            "Oddělení",
        ],
    },
    FieldSpec {
        map_name: "country",
        bc_max_chars: Some(10),
        captions: &[
            "Country/Region Code",
            "Country Code",
            "Country/Region",
            "Land-/regiocode",
            "Land/regio-code",
            "Landcode",
            "Code pays/région",
            "Code pays",
            "Länder-/Regionscode",
            "Länder-/Regionencode",
            "Ländercode",
            "Cód. país/región",
            "Código de país/región",
            "Código país",
            "Cod. paese",
            "Codice paese",
            "Codice Paese/Regione",
            "Lande-/områdekode",
            "Landekode",
            "Lands-/regionkod",
            "Landskod",
            "Lands-/områdekode",
            "Maa-/aluekoodi",
            "Maakoodi",
            "Lands-/svæðiskóti",
            "Landskóði",
            "Kód země/oblasti",
            "Kód země",
            "Код страны/региона",
            "countryRegionCode",
        ],
    },
    FieldSpec {
        map_name: "company",
        bc_max_chars: Some(30),
        captions: &[
            "Company",
            "Company Name",
            "Bedrijf",
            "Bedrijfsnaam",
            "Société",
            "Nom de la société",
            "Mandant",
            "Mandantenname",
            "Unternehmen",
            "Empresa",
            "Nombre empresa",
            "Società",
            "Azienda",
            "Regnskab",
            "Regnskabsnavn",
            "Företag",
            "Företagsnamn",
            "Selskap",
            "Firma",
            "Yritys",
            "Fyrirtæki",
            "Společnost",
            "Организация",
            "companyName",
        ],
    },
    FieldSpec {
        map_name: "password",
        bc_max_chars: None,
        captions: &["Password"],
    },
];

/// Suffixes a configuration-package export appends to dimension columns, in its UI languages.
const DIMENSION_SUFFIXES: [&str; 4] = ["dimension", "dimensie", "axeanalytique", "dimensione"];

/// The form headers are compared in: no case, no accents, no punctuation or spaces, "%" kept as "pct".
pub fn header_key(header: &str) -> String {
    let key = |text: &str| -> String {
        let mut key = String::with_capacity(text.len());
        for c in text.chars() {
            match c {
                '%' => key.push_str("pct"),
                c if c.is_ascii_alphanumeric() => key.push(c.to_ascii_lowercase()),
                _ => {}
            }
        }
        key
    };
    // Every row's Code and Name may be compared with captions: ASCII needs no transliteration.
    if header.is_ascii() {
        key(header)
    } else {
        key(&deunicode(header).to_lowercase())
    }
}

/// Every field whose captions include `header`; more than one means the header is ambiguous.
/// A configuration package's " (Dimension)" suffix is ignored.
pub fn fields_for_header(header: &str) -> Vec<Field> {
    // The captions' keys are worked out once: every row's cells may be compared with them.
    static KEYS: std::sync::OnceLock<Vec<Vec<String>>> = std::sync::OnceLock::new();
    static ALL: std::sync::OnceLock<std::collections::HashSet<String>> = std::sync::OnceLock::new();
    let keys = KEYS.get_or_init(|| caption_keys(&FIELDS));
    let all = ALL.get_or_init(|| keys.iter().flatten().cloned().collect());
    // Most cells are no caption at all: told at once, before the suffix and the search by field.
    let key = header_key(header);
    if !all.contains(&key) && !header.trim_end().ends_with(')') {
        return Vec::new();
    }
    fields_for_header_in(keys, header)
}

fn caption_keys(table: &[FieldSpec]) -> Vec<Vec<String>> {
    Field::ALL
        .iter()
        .zip(table)
        .map(|(field, spec)| match field.is_mapped_only() {
            true => Vec::new(),
            false => spec.captions.iter().map(|c| header_key(c)).collect(),
        })
        .collect()
}

fn fields_for_header_in(keys: &[Vec<String>], header: &str) -> Vec<Field> {
    let key = header_key(header);
    if key.is_empty() {
        return Vec::new();
    }
    let matching = |key: &str| -> Vec<Field> {
        Field::ALL
            .into_iter()
            .zip(keys)
            .filter(|(_, captions)| captions.iter().any(|c| c == key))
            .map(|(field, _)| field)
            .collect()
    };
    let found = matching(&key);
    if !found.is_empty() {
        return found;
    }
    let trimmed = header.trim_end();
    if trimmed.ends_with(')') {
        if let Some(open) = trimmed.rfind('(') {
            if DIMENSION_SUFFIXES.contains(&header_key(&trimmed[open..]).as_str()) {
                return matching(&header_key(&trimmed[..open]));
            }
        }
    }
    Vec::new()
}

/// The field a header names, if exactly one.
#[cfg(test)]
fn field_for_header(header: &str) -> Option<Field> {
    match fields_for_header(header).as_slice() {
        [field] => Some(*field),
        _ => None,
    }
}

/// Columns named on the command line with `--map FIELD=HEADER`; they win over the caption table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HeaderMap {
    entries: Vec<(Field, String)>,
}

impl HeaderMap {
    /// Parses `--map` values; an unknown field or a header given twice is a message for the user.
    pub fn parse(values: &[String]) -> Result<HeaderMap, String> {
        let mut map = HeaderMap::default();
        for value in values {
            let Some((field, header)) = value.split_once('=') else {
                return Err(format!("--map {value:?} is not FIELD=HEADER"));
            };
            let Some(field) = Field::from_map_name(field.trim()) else {
                let names: Vec<&str> = Field::ALL.iter().map(|f| f.map_name()).collect();
                return Err(format!(
                    "--map {value:?}: \"{}\" is not a field; use one of {}",
                    field.trim(),
                    names.join(", ")
                ));
            };
            let header = header.trim().to_string();
            if header_key(&header).is_empty() {
                return Err(format!("--map {value:?} names no header"));
            }
            if let Some((other, _)) = map
                .entries
                .iter()
                .find(|(_, h)| header_key(h) == header_key(&header))
            {
                return Err(format!(
                    "--map names the column \"{header}\" for both {} and {}",
                    other.map_name(),
                    field.map_name()
                ));
            }
            map.entries.retain(|(f, _)| *f != field);
            map.entries.push((field, header));
        }
        Ok(map)
    }

    pub fn field_for(&self, header: &str) -> Option<Field> {
        let key = header_key(header);
        self.entries
            .iter()
            .find(|(_, h)| header_key(h) == key)
            .map(|(f, _)| *f)
    }

    pub fn entries(&self) -> &[(Field, String)] {
        &self.entries
    }
}

/// Which column holds which field, for one input's header.
#[derive(Debug, Clone, Default)]
pub struct ColumnMap {
    columns: Vec<(Field, ColumnRef)>,
    /// Columns headed as passwords that `--map` does not name: read by nothing, emptied in every row.
    left_out_passwords: Vec<ColumnRef>,
}

impl ColumnMap {
    /// A map made by the caller, for inputs whose columns are not Business Central captions.
    pub fn from_columns(columns: Vec<(Field, ColumnRef)>) -> ColumnMap {
        ColumnMap {
            columns,
            left_out_passwords: Vec::new(),
        }
    }

    /// The password columns no field is read from, whose cells are emptied as each row is read.
    pub fn left_out_passwords(&self) -> &[ColumnRef] {
        &self.left_out_passwords
    }

    pub fn column(&self, field: Field) -> Option<&ColumnRef> {
        self.columns
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, c)| c)
    }

    pub fn fields(&self) -> impl Iterator<Item = &(Field, ColumnRef)> {
        self.columns.iter()
    }

    /// Where `field` is on the row at `row`: its cell, or the row itself when the input has no such column.
    pub fn locate(&self, field: Field, row: &Location) -> Location {
        Location {
            column: self.column(field).cloned(),
            ..row.clone()
        }
    }

    /// Whether this header row looks like a salesperson export: it holds Code and Name.
    pub fn has_required(&self) -> bool {
        self.column(Field::Code).is_some() && self.column(Field::Name).is_some()
    }
}

/// The text with each control character shown as its Unicode control picture (NUL as ␀), or as the
/// replacement character where it has none, so a report can show it.
fn control_pictures(text: &str) -> String {
    text.chars()
        .map(|c| match c as u32 {
            n @ 0..=0x1f => char::from_u32(0x2400 + n).unwrap_or('\u{fffd}'),
            0x7f => '\u{2421}',
            _ if c.is_control() => '\u{fffd}',
            _ => c,
        })
        .collect()
}

/// Recognises the columns of a header row. Unknown columns are reported (and ignored), a field named
/// twice is an error naming both columns, and a missing Code or Name is an error.
pub fn recognise_header(
    header: &[String],
    location: &Location,
    mapped: &HeaderMap,
) -> (ColumnMap, Vec<Diagnostic>) {
    let mut map = ColumnMap::default();
    let mut diagnostics = Vec::new();
    for (i, text) in header.iter().enumerate() {
        if text.trim().is_empty() {
            continue;
        }
        let column = ColumnRef {
            index: i + 1,
            header: text.clone(),
        };
        let at = Location {
            column: Some(column.clone()),
            ..location.clone()
        };
        if text.chars().any(char::is_control) {
            let shown = control_pictures(text);
            let message = format!(
                "column {} header \"{shown}\" holds a control character, so it is not read",
                i + 1
            );
            let found = Diagnostic::new(&rules::HEADER_CONTROL_CHARACTER, at, message);
            diagnostics.push(found.with_value(shown));
            continue;
        }
        if mapped.field_for(text).is_none() && is_password_caption(text) {
            let message = format!(
                "column \"{text}\" holds passwords and is left out of every output; only --map password=\"{text}\" reads it, for --target entra"
            );
            let found = Diagnostic::new(&rules::PASSWORD_COLUMN_LEFT_OUT, at, message);
            diagnostics.push(found.with_value(text.clone()));
            map.left_out_passwords.push(column);
            continue;
        }
        let found = match column_fields(header, text, mapped) {
            Candidates::MappedElsewhere(field) => {
                let message = format!(
                    "column \"{text}\" is ignored: --map reads {} from another column",
                    field.map_name()
                );
                Some(Diagnostic::new(&rules::UNKNOWN_COLUMN, at, message))
            }
            Candidates::Fields(fields) => match fields.as_slice() {
                [first, second, ..] => {
                    let message = format!(
                        "column \"{text}\" could be {} or {}",
                        first.caption(),
                        second.caption()
                    );
                    Some(Diagnostic::new(&rules::AMBIGUOUS_COLUMN, at, message))
                }
                [field] => map.add(*field, column, at),
                [] => {
                    let message =
                        format!("column \"{text}\" is not a salesperson field and is ignored");
                    Some(Diagnostic::new(&rules::UNKNOWN_COLUMN, at, message))
                }
            },
        };
        diagnostics.extend(found.map(|d| d.with_value(text.clone())));
    }
    diagnostics.extend(missing_columns(&map, header, location));
    (map, diagnostics)
}

/// Words that name a password, as [`header_key`] writes them: English, the languages Business Central
/// ships in, and a few more. Generous on purpose: a column missed here would carry passwords into the
/// review and the reports.
const PASSWORD_WORDS: [&str; 19] = [
    "password",
    "passwd",
    "passwort",
    "kennwort",
    "wachtwoord",
    "motdepasse",
    "contrasena",
    "adgangskode",
    "losenord",
    "passord",
    "salasana",
    "lykilord",
    "heslo",
    "haslo",
    "parol",
    "senha",
    "jelszo",
    "sifre",
    "passcode",
];

/// Words of headers that are about passwords without holding one ("Password never expires").
const PASSWORD_SETTING_WORDS: [&str; 8] = [
    "never", "expire", "change", "required", "strong", "policy", "last", "length",
];

/// Whether a header names a column of passwords ("Password", "Initial password", "Kennwort", "Mot de
/// passe", "PWD"...). Such a column is read only when `--map password=HEADER` names it.
pub fn is_password_caption(header: &str) -> bool {
    let key = header_key(header);
    let named =
        PASSWORD_WORDS.iter().any(|w| key.contains(w)) || matches!(key.as_str(), "pwd" | "pw");
    named && !PASSWORD_SETTING_WORDS.iter().any(|w| key.contains(w))
}

/// The fields a header cell may hold.
enum Candidates {
    Fields(Vec<Field>),
    /// A field `--map` reads from another column of this header.
    MappedElsewhere(Field),
}

/// The fields of one header cell: the one `--map` names, else those of its captions. A field `--map`
/// names in this header is read from that column only: a column the caption table would also read as it
/// is ignored, not a duplicate.
fn column_fields(header: &[String], text: &str, mapped: &HeaderMap) -> Candidates {
    if let Some(field) = mapped.field_for(text) {
        return Candidates::Fields(vec![field]);
    }
    let mapped_here = |field: Field| header.iter().any(|h| mapped.field_for(h) == Some(field));
    let found = fields_for_header(text);
    match found.iter().copied().find(|f| mapped_here(*f)) {
        Some(field) => Candidates::MappedElsewhere(field),
        None => Candidates::Fields(found),
    }
}

impl ColumnMap {
    /// Reads `field` from `column`, unless an earlier column holds it: then that is the finding.
    fn add(&mut self, field: Field, column: ColumnRef, at: Location) -> Option<Diagnostic> {
        let Some(first) = self.column(field) else {
            self.columns.push((field, column));
            return None;
        };
        let message = format!(
            "columns {} \"{}\" and {} \"{}\" both hold {}",
            first.index,
            first.header,
            column.index,
            column.header,
            field.caption()
        );
        Some(Diagnostic::new(&rules::DUPLICATE_COLUMN, at, message))
    }
}

/// A missing Code or Name column: the file cannot be converted, and the finding lists the header.
fn missing_columns(map: &ColumnMap, header: &[String], location: &Location) -> Vec<Diagnostic> {
    let listed = || {
        header
            .iter()
            .filter(|h| !h.trim().is_empty())
            .map(|h| format!("\"{h}\""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    // The headers no field was read from: the likeliest to hold a missing one, in order.
    let mut unread = header
        .iter()
        .enumerate()
        .filter(|(i, h)| !h.trim().is_empty() && !map.fields().any(|(_, c)| c.index == i + 1));
    Field::ALL
        .into_iter()
        .filter(|f| f.is_required() && map.column(*f).is_none())
        .map(|field| {
            let message = format!(
                "no {} column; the header has: {}",
                field.caption(),
                listed()
            );
            // A header with a control character (S020) cannot be typed after --map either.
            let typed = |text: &String| match text.chars().any(char::is_control) {
                true => None,
                false => shell_quoted(text),
            };
            let note = match unread.next().map(|(_, text)| (text, typed(text))) {
                Some((text, Some(typed))) => format!(
                    "if the column headed \"{text}\" holds the {}, add: --map {}={typed}",
                    field.caption(),
                    field.map_name(),
                ),
                Some((text, None)) => format!(
                    "if the column headed \"{text}\" holds the {}, rename it to \"{}\": a header of \
                     symbols alone, or with a control character, cannot be named with --map",
                    field.caption(),
                    field.caption()
                ),
                None => format!(
                    "add the column, or name the one that holds the {}: --map {}=\"<its header>\"",
                    field.caption(),
                    field.map_name()
                ),
            };
            Diagnostic::new(&rules::MISSING_COLUMN, location.clone(), message).with_note(note)
        })
        .collect()
}

/// A header as one argument to type in cmd.exe, PowerShell or a Unix shell: in double quotes, without the
/// characters a shell reads inside them (" $ ` ! \), which `--map` does not need: headers compare
/// without punctuation. `None` when nothing `--map` can match is left (a header of symbols alone).
fn shell_quoted(text: &str) -> Option<String> {
    let typed: String = text
        .chars()
        .filter(|c| !matches!(c, '"' | '$' | '`' | '!' | '\\'))
        .collect();
    let typed = typed.trim();
    (header_key(typed) == header_key(text) && !header_key(text).is_empty())
        .then(|| format!("\"{typed}\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_captions_in_any_case_language_and_punctuation() {
        assert_eq!(field_for_header("PHONE NO."), Some(Field::PhoneNo));
        assert_eq!(field_for_header("phone no"), Some(Field::PhoneNo));
        assert_eq!(field_for_header("E-Mail"), Some(Field::Email));
        assert_eq!(field_for_header("email"), Some(Field::Email));
        assert_eq!(field_for_header("E-Mail 2"), Some(Field::Email2));
        assert_eq!(field_for_header("Commission %"), Some(Field::CommissionPct));
        assert_eq!(
            field_for_header("Couple a Dataverse"),
            Some(Field::CoupledToDataverse)
        );
        assert_eq!(field_for_header("Naam"), Some(Field::Name));
        assert_eq!(field_for_header("Commission"), None);
        assert_eq!(field_for_header("Salesperson Code"), None);
        assert_eq!(
            field_for_header("Department Code (Dimension)"),
            Some(Field::Department)
        );
        assert_eq!(
            field_for_header("Länder-/Regionscode"),
            Some(Field::Country)
        );
    }

    #[test]
    fn no_caption_names_two_fields() {
        for field in Field::ALL {
            // A field read only from a mapped column has no caption that is recognised.
            let wanted: &[Field] = match field.is_mapped_only() {
                true => &[],
                false => &[field],
            };
            for caption in field.spec().captions {
                assert_eq!(fields_for_header(caption), wanted, "{caption}");
            }
        }
    }

    #[test]
    fn password_columns_are_known_in_many_languages_but_not_their_settings() {
        for header in [
            "Password",
            "Initial password",
            "Start password",
            "Kennwort",
            "Anfangspasswort",
            "Wachtwoord",
            "Mot de passe",
            "Contraseña",
            "Lösenord",
            "Пароль",
            "PWD",
        ] {
            assert!(is_password_caption(header), "{header}");
        }
        for header in [
            "Password never expires",
            "Strong password required",
            "Passport",
            "Code",
        ] {
            assert!(!is_password_caption(header), "{header}");
        }
    }

    #[test]
    fn an_unmapped_password_column_is_left_out_and_reported() {
        let header: Vec<String> = ["Code", "Name", "Password"].map(String::from).into();
        let (columns, found) =
            recognise_header(&header, &Location::file("x.csv"), &HeaderMap::default());
        assert_eq!(columns.left_out_passwords().len(), 1);
        assert_eq!(columns.left_out_passwords()[0].index, 3);
        let codes: Vec<&str> = found.iter().map(|d| d.code()).collect();
        assert_eq!(codes, ["S018"]);
        let mapped = HeaderMap::parse(&["password=Password".to_string()]).unwrap();
        let (columns, found) = recognise_header(&header, &Location::file("x.csv"), &mapped);
        assert!(columns.left_out_passwords().is_empty() && found.is_empty());
        assert!(columns.column(Field::Password).is_some());
    }

    #[test]
    fn the_password_column_is_read_only_when_mapped() {
        assert_eq!(field_for_header("Password"), None);
        assert_eq!(Field::from_map_name("password"), Some(Field::Password));
        let map = HeaderMap::parse(&["password=Start password".to_string()]).unwrap();
        assert_eq!(map.field_for("start password"), Some(Field::Password));
    }

    #[test]
    fn a_caption_in_two_fields_is_ambiguous() {
        static CLASH: [FieldSpec; 2] = [
            FieldSpec {
                map_name: "code",
                bc_max_chars: None,
                captions: &["Code", "Nummer"],
            },
            FieldSpec {
                map_name: "name",
                bc_max_chars: None,
                captions: &["Name", "nummer"],
            },
        ];
        assert_eq!(
            fields_for_header_in(&caption_keys(&CLASH), "NUMMER"),
            [Field::Code, Field::Name]
        );
    }

    #[test]
    fn map_entries_win_and_name_fields_by_name_or_caption() {
        let map = HeaderMap::parse(&[
            "department=Global Dimension 1 Code".into(),
            "E-Mail=Werk e-mail".into(),
        ])
        .unwrap();
        assert_eq!(
            map.field_for("global dimension 1 code"),
            Some(Field::Department)
        );
        assert_eq!(map.field_for("Werk E-mail"), Some(Field::Email));
        assert!(HeaderMap::parse(&["colour=X".into()]).is_err());
        let header: Vec<String> = ["Code", "Name", "Email", "Work Email"]
            .map(String::from)
            .to_vec();
        let work = HeaderMap::parse(&["email=Work Email".into()]).unwrap();
        let (columns, diagnostics) = recognise_header(&header, &Location::file("x.csv"), &work);
        assert_eq!(columns.column(Field::Email).map(|c| c.index), Some(4));
        let codes: Vec<_> = diagnostics.iter().map(|d| d.code()).collect();
        assert_eq!(codes, ["S003"]);
        assert!(HeaderMap::parse(&["email=X".into(), "name=x".into()]).is_err());
    }

    #[test]
    fn reports_unknown_duplicate_and_missing_columns() {
        let header: Vec<String> = ["Code", "Email", "E-Mail", "Region"]
            .map(String::from)
            .to_vec();
        let (map, diagnostics) =
            recognise_header(&header, &Location::file("x.csv"), &HeaderMap::default());
        let codes: Vec<_> = diagnostics.iter().map(|d| d.code()).collect();
        assert_eq!(codes, ["S002", "S003", "S001"]);
        assert!(diagnostics[0]
            .message
            .contains("columns 2 \"Email\" and 3 \"E-Mail\""));
        assert_eq!(map.column(Field::Email).map(|c| c.index), Some(2));
        assert!(!map.has_required());
    }
}
