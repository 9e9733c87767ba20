//! Makes a realistic Business Central salesperson export of any size, for the benchmark harness
//! (`benches/run.sh`): names with accents and particles, e-mail addresses on the tenant's domain and private
//! ones, phone numbers, job titles, a few duplicate Codes and e-mail addresses, and some blocked rows.
//!
//! Usage: cargo run --release --example gen_salespeople -- <ROWS> <OUT.csv|OUT.xlsx>
//!
//! The same row count always gives the same file.

use std::io::{BufWriter, Write};

const FIRST: &[&str] = &[
    "Annelies",
    "Dirk",
    "Zoë",
    "Jan",
    "Émile",
    "René",
    "Chloé",
    "Søren",
    "Jürgen",
    "Anaïs",
    "Lotte",
    "Pieter",
    "Marie",
    "Luc",
    "Inès",
    "Björn",
    "Elif",
    "Noah",
    "Léa",
    "Ruben",
    "Sofie",
    "Thomas",
    "Hélène",
    "Kaat",
    "Matthias",
    "Nathalie",
    "Joost",
    "Françoise",
    "Wouter",
    "Ingrid",
    "Mehmet",
    "Fatima",
    "Stéphane",
    "Griet",
    "Bram",
    "Eline",
    "Koen",
    "Céline",
    "Yannick",
    "Birgit",
    "Jérôme",
    "Lieve",
    "Maarten",
    "Saskia",
    "Geert",
    "Ann",
    "Rania",
    "Olivier",
    "Nele",
    "Frédéric",
];
const LAST: &[&str] = &[
    "Vermeulen",
    "van der Berg",
    "Van den Broeck",
    "Peeters",
    "De Smet",
    "d'Hondt",
    "Dubois",
    "Le Blanc",
    "von Müller",
    "Janssens",
    "Maes",
    "Willems",
    "Claes",
    "Goossens",
    "Wouters",
    "De Vos",
    "Lambert",
    "Dupont",
    "Mertens",
    "Jacobs",
    "Van Damme",
    "Lemaire",
    "Hermans",
    "Desmet",
    "Verhoeven",
    "Schäfer",
    "Öztürk",
    "Nguyễn",
    "El Amrani",
    "Fontaine",
    "Leclercq",
    "Van Acker",
    "De Backer",
    "Vandenberghe",
    "Martens",
    "Baert",
    "Coppens",
    "Pauwels",
    "Bogaert",
    "Segers",
    "de la Cruz",
    "Van Hoof",
    "Michiels",
    "Smets",
    "D'Haese",
    "Cools",
    "Renard",
    "Parmentier",
    "Verbruggen",
    "Thys",
    "Dumont",
    "Heylen",
    "Aerts",
    "Lenaerts",
    "Stevens",
    "Van Dyck",
    "Moens",
    "Bauwens",
    "Geerts",
    "Ter Beek",
];
const PARTICLES: &[&str] = &["", "", "", "", "", "van ", "De ", "Van der ", "d'", "Le "];
const ENDINGS: &[&str] = &[
    "", "", "", "s", "e", "x", "man", "aert", "-Dupont", "ens", "o", "i",
];
const JOBS: &[&str] = &[
    "Account Manager",
    "Sales Manager",
    "Inside Sales",
    "Key Account Manager",
    "Sales Rep",
    "Area Manager",
    "Export Manager",
];
const HEADER: [&str; 7] = [
    "Code",
    "Name",
    "Commission %",
    "Phone No.",
    "Email",
    "Job Title",
    "Blocked",
];

/// A small deterministic generator (SplitMix64): no dependency, the same data on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// An e-mail local part as people type it: lower-case ASCII, dots between the words.
fn local_part(first: &str, last: &str) -> String {
    let ascii = |s: &str| -> String {
        s.to_lowercase()
            .chars()
            .filter_map(|c| match c {
                'é' | 'è' | 'ê' | 'ë' => Some('e'),
                'ï' | 'î' => Some('i'),
                'ö' | 'ô' | 'ø' => Some('o'),
                'ü' | 'ű' => Some('u'),
                'ç' => Some('c'),
                'ễ' => Some('e'),
                'ä' | 'à' => Some('a'),
                ' ' => Some('.'),
                '\'' | '-' => None,
                c if c.is_ascii_alphanumeric() => Some(c.to_ascii_lowercase()),
                _ => None,
            })
            .collect()
    };
    format!("{}.{}", ascii(first), ascii(last))
}

fn rows(count: usize) -> Vec<[String; 7]> {
    let mut rng = Rng(0x5EED_0000 + count as u64);
    let mut out: Vec<[String; 7]> = Vec::with_capacity(count);
    for i in 0..count {
        let first = rng.pick(FIRST);
        // Surnames from a particle, a root and an ending give a realistic spread of distinct names.
        let last = format!(
            "{}{}{}",
            rng.pick(PARTICLES),
            rng.pick(LAST),
            rng.pick(ENDINGS)
        );
        let last = last.as_str();
        // A middle initial on most names keeps names mostly distinct, as in a real company.
        let name = match rng.below(27) {
            26 => format!("{first} {last}"),
            n => format!("{first} {}. {last}", (b'A' + n as u8) as char),
        };
        let mut code = format!("S{i:06X}");
        let email = match rng.below(100) {
            0..=34 => format!("{}{}@contoso.com", local_part(first, last), i),
            35..=49 => format!("{}{}@gmail.com", local_part(first, last), i),
            _ => String::new(),
        };
        let phone = match rng.below(2) {
            0 => format!(
                "+32 4{:02} {:02} {:02} {:02}",
                rng.below(100),
                rng.below(100),
                rng.below(100),
                rng.below(100)
            ),
            _ => String::new(),
        };
        let commission = match rng.below(4) {
            0 => format!("{}.{}", rng.below(5), rng.below(10)),
            _ => String::new(),
        };
        let blocked = if rng.below(50) == 0 { "Yes" } else { "No" };
        let job = rng.pick(JOBS).to_string();
        // A few rows repeat an earlier Code (an error) or an earlier row's e-mail address (a warning).
        if i > 0 && i % 5000 == 0 {
            code = out[rng.below(i)][0].clone();
        }
        let email = if i > 0 && i % 3001 == 0 && !out[i - 1][4].is_empty() {
            out[i - 1][4].clone()
        } else {
            email
        };
        out.push([
            code,
            name,
            commission,
            phone,
            email,
            job,
            blocked.to_string(),
        ]);
    }
    out
}

fn write_csv(path: &str, rows: &[[String; 7]]) -> std::io::Result<()> {
    let file = std::fs::File::create(path)?;
    let mut out = csv::Writer::from_writer(BufWriter::new(file));
    out.write_record(HEADER)?;
    for row in rows {
        out.write_record(row)?;
    }
    out.flush()
}

fn write_xlsx(path: &str, rows: &[[String; 7]]) -> Result<(), rust_xlsxwriter::XlsxError> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet_with_constant_memory()?;
    sheet.set_name("Salesperson")?;
    for (c, title) in HEADER.iter().enumerate() {
        sheet.write_string(0, c as u16, *title)?;
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, value) in row.iter().enumerate() {
            if !value.is_empty() {
                sheet.write_string(r as u32 + 1, c as u16, value)?;
            }
        }
    }
    workbook.save(path)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(count), Some(path)) = (args.get(1).and_then(|n| n.parse().ok()), args.get(2)) else {
        eprintln!("usage: gen_salespeople <ROWS> <OUT.csv|OUT.xlsx>");
        std::process::exit(2);
    };
    let rows = rows(count);
    let result = if path.ends_with(".xlsx") {
        write_xlsx(path, &rows).map_err(|e| e.to_string())
    } else {
        write_csv(path, &rows).map_err(|e| e.to_string())
    };
    if let Err(e) = result {
        eprintln!("gen_salespeople: {path}: {e}");
        std::process::exit(1);
    }
    let _ = std::io::stdout().flush();
}
