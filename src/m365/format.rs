//! The Microsoft 365 admin center bulk-import CSV ("Active users > Add multiple users").
//!
//! The header must match Microsoft's template byte for byte, so it lives here once and is written from here only.

use std::io::{self, Write};

/// The current (February 2023 onwards) 16-column header, in Microsoft's order and spelling.
pub const HEADER: [&str; 16] = [
    "User Name",
    "First Name",
    "Last Name",
    "Display Name",
    "Job Title",
    "Department",
    "Office Number",
    "Office Phone",
    "Mobile Phone",
    "Fax",
    "Alternate email address",
    "Address",
    "City",
    "State or Province",
    "ZIP or Postal Code",
    "Country or Region",
];

/// The legacy 15-column header (before 2023): no "Alternate email address".
pub const LEGACY_HEADER: [&str; 15] = [
    "User Name",
    "First Name",
    "Last Name",
    "Display Name",
    "Job Title",
    "Department",
    "Office Number",
    "Office Phone",
    "Mobile Phone",
    "Fax",
    "Address",
    "City",
    "State or Province",
    "ZIP or Postal Code",
    "Country or Region",
];

/// Which of Microsoft's two import headers an input file has: such a file is read back as users
/// (a file prepared by hand, or an earlier run's output), and always re-written with the current header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ImportHeader {
    /// The 16-column header used since February 2023.
    Current,
    /// The 15-column header from before 2023, without "Alternate email address".
    Legacy,
}

impl ImportHeader {
    /// The header a row holds, compared exactly (cell by cell, surrounding spaces ignored).
    /// Microsoft's header, current or legacy, compared without case or surrounding blanks (a header typed
    /// by hand is still recognised; [`ImportHeader::misspelt`] says where it differs from the exact one).
    pub fn recognise(cells: &[String]) -> Option<ImportHeader> {
        let same = |wanted: &[&str]| {
            cells.len() == wanted.len()
                && cells
                    .iter()
                    .zip(wanted)
                    .all(|(c, w)| c.trim().eq_ignore_ascii_case(w))
        };
        if same(&HEADER) {
            Some(ImportHeader::Current)
        } else if same(&LEGACY_HEADER) {
            Some(ImportHeader::Legacy)
        } else {
            None
        }
    }

    /// Columns (1-based) whose text is not byte for byte Microsoft's, with the text as found and as it
    /// must be: the admin center refuses a header that differs.
    pub fn misspelt(self, cells: &[String]) -> Vec<(usize, String, &'static str)> {
        self.columns()
            .iter()
            .zip(cells)
            .enumerate()
            .filter(|(_, (column, cell))| cell.as_str() != column.header())
            .map(|(i, (column, cell))| (i + 1, cell.clone(), column.header()))
            .collect()
    }

    /// The columns of this header, in its order.
    pub fn columns(self) -> Vec<ImportColumn> {
        ImportColumn::ALL
            .into_iter()
            .filter(|c| self == ImportHeader::Current || *c != ImportColumn::AlternateEmail)
            .collect()
    }

    /// Where `column` is in this header (1-based), if it has it.
    pub fn position(self, column: ImportColumn) -> Option<usize> {
        self.columns()
            .iter()
            .position(|c| *c == column)
            .map(|i| i + 1)
    }

    pub fn describe(self) -> &'static str {
        match self {
            ImportHeader::Current => "Microsoft 365 import file (16 columns)",
            ImportHeader::Legacy => "Microsoft 365 import file (legacy 15 columns)",
        }
    }
}

/// 250 rows per file including the header.
pub const MAX_USERS_PER_FILE: usize = 249;

/// The UTF-8 byte-order mark Microsoft's sample starts with; it also makes Excel show accents correctly.
pub const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// A column of the import file, with Microsoft's length limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportColumn {
    UserName,
    FirstName,
    LastName,
    DisplayName,
    JobTitle,
    Department,
    OfficeNumber,
    OfficePhone,
    MobilePhone,
    Fax,
    AlternateEmail,
    Address,
    City,
    StateOrProvince,
    PostalCode,
    CountryOrRegion,
}

impl ImportColumn {
    pub const ALL: [ImportColumn; 16] = [
        ImportColumn::UserName,
        ImportColumn::FirstName,
        ImportColumn::LastName,
        ImportColumn::DisplayName,
        ImportColumn::JobTitle,
        ImportColumn::Department,
        ImportColumn::OfficeNumber,
        ImportColumn::OfficePhone,
        ImportColumn::MobilePhone,
        ImportColumn::Fax,
        ImportColumn::AlternateEmail,
        ImportColumn::Address,
        ImportColumn::City,
        ImportColumn::StateOrProvince,
        ImportColumn::PostalCode,
        ImportColumn::CountryOrRegion,
    ];

    pub fn header(self) -> &'static str {
        HEADER[self as usize]
    }

    /// The wizard's maximum length in characters; `None` where Microsoft documents none.
    /// User Name has its own rules in [`super::upn`].
    pub fn max_chars(self) -> Option<usize> {
        use ImportColumn::*;
        match self {
            UserName | AlternateEmail => None,
            FirstName | LastName | JobTitle | Department | OfficePhone | MobilePhone | Fax => {
                Some(64)
            }
            DisplayName => Some(256),
            OfficeNumber | City | StateOrProvince | CountryOrRegion => Some(128),
            Address => Some(1023),
            PostalCode => Some(40),
        }
    }

    /// Phone columns may start with "+" or "-" without being read as a formula.
    pub fn is_phone(self) -> bool {
        matches!(
            self,
            ImportColumn::OfficePhone | ImportColumn::MobilePhone | ImportColumn::Fax
        )
    }
}

/// One user line of the import file, its 16 values in Microsoft's order.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ImportRow {
    values: [String; 16],
}

impl ImportRow {
    pub fn get(&self, column: ImportColumn) -> &str {
        &self.values[column as usize]
    }

    pub fn set(&mut self, column: ImportColumn, value: impl Into<String>) {
        self.values[column as usize] = value.into();
    }

    pub fn values(&self) -> &[String; 16] {
        &self.values
    }

    /// A row of an import file as read, in the current layout (a legacy row gets an empty alternate email).
    pub fn from_cells(header: ImportHeader, cells: &[String]) -> ImportRow {
        let mut row = ImportRow::default();
        for (i, column) in header.columns().into_iter().enumerate() {
            row.set(column, cells.get(i).cloned().unwrap_or_default());
        }
        row
    }
}

/// An import file as it is written: the BOM and the exact header, then one line per user, with CRLF line
/// ends and quotes only where CSV needs them. Every import file `convert` writes goes through it.
pub struct ImportFileWriter<W: Write> {
    writer: csv::Writer<W>,
}

impl<W: Write> ImportFileWriter<W> {
    pub fn new(out: W) -> io::Result<Self> {
        Ok(ImportFileWriter {
            writer: microsoft_csv_writer(out, HEADER)?,
        })
    }

    pub fn add(&mut self, row: &ImportRow) -> io::Result<()> {
        self.writer.write_record(row.values())?;
        Ok(())
    }

    /// Flushes the last lines and gives the output back.
    pub fn finish(self) -> io::Result<W> {
        self.writer.into_inner().map_err(|e| e.into_error())
    }
}

/// Writes one import file whole, through [`ImportFileWriter`].
pub fn write_import_csv<W: Write>(out: W, rows: &[&ImportRow]) -> io::Result<()> {
    let mut writer = ImportFileWriter::new(out)?;
    for row in rows {
        writer.add(row)?;
    }
    writer.finish()?.flush()
}

/// A CSV writer that writes as Microsoft's template is written: the UTF-8 BOM and `header` are written
/// at once, then each record with CRLF line ends and quotes only where CSV needs them. That is also what
/// Excel opens without asking, so the views and rejected.csv are written the same way.
pub fn microsoft_csv_writer<W, H, T>(mut out: W, header: H) -> io::Result<csv::Writer<W>>
where
    W: Write,
    H: IntoIterator<Item = T>,
    T: AsRef<[u8]>,
{
    out.write_all(UTF8_BOM)?;
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .quote_style(csv::QuoteStyle::Necessary)
        .from_writer(out);
    writer.write_record(header)?;
    Ok(writer)
}

/// Writes a CSV as Microsoft's template is written: UTF-8 BOM, `header`, CRLF line ends, quotes only where
/// CSV needs them. Import files and `bc2m365 template` both come from here.
pub fn write_csv_like_microsoft<W, R, V>(out: W, header: &[&str], rows: R) -> io::Result<()>
where
    W: Write,
    R: IntoIterator,
    R::Item: IntoIterator<Item = V>,
    V: AsRef<[u8]>,
{
    let mut writer = microsoft_csv_writer(out, header)?;
    for row in rows {
        writer.write_record(row)?;
    }
    writer.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_matches_microsofts_sample_byte_for_byte() {
        let sample = include_bytes!("../../fixtures/reference/m365-sample-16.csv");
        let mut written = Vec::new();
        write_import_csv(&mut written, &[]).unwrap();
        let first_line_end = sample.windows(2).position(|w| w == b"\r\n").unwrap() + 2;
        assert_eq!(written, &sample[..first_line_end]);
    }

    #[test]
    fn legacy_header_is_the_current_one_without_alternate_email() {
        let current: Vec<_> = HEADER
            .iter()
            .filter(|h| **h != "Alternate email address")
            .collect();
        let legacy: Vec<_> = LEGACY_HEADER.iter().collect();
        assert_eq!(current, legacy);
    }

    #[test]
    fn both_headers_are_recognised_and_misspellings_named() {
        let current: Vec<String> = HEADER.iter().map(|h| h.to_string()).collect();
        let legacy: Vec<String> = LEGACY_HEADER.iter().map(|h| h.to_string()).collect();
        assert_eq!(
            ImportHeader::recognise(&current),
            Some(ImportHeader::Current)
        );
        assert_eq!(ImportHeader::recognise(&legacy), Some(ImportHeader::Legacy));
        assert!(ImportHeader::Current.misspelt(&current).is_empty());
        let mut typed = current.clone();
        typed[10] = "Alternate Email Address".into();
        assert_eq!(ImportHeader::recognise(&typed), Some(ImportHeader::Current));
        assert_eq!(
            ImportHeader::Current.misspelt(&typed),
            [(
                11,
                "Alternate Email Address".to_string(),
                "Alternate email address"
            )]
        );
        typed[10] = "Alternate mail".into();
        assert_eq!(ImportHeader::recognise(&typed), None);
        let row = ImportRow::from_cells(ImportHeader::Legacy, &legacy);
        assert_eq!(row.get(ImportColumn::AlternateEmail), "");
        assert_eq!(row.get(ImportColumn::Address), "Address");
        assert_eq!(ImportHeader::Legacy.position(ImportColumn::City), Some(12));
    }

    #[test]
    fn quotes_only_where_needed() {
        let mut row = ImportRow::default();
        row.set(ImportColumn::UserName, "a@contoso.com");
        row.set(ImportColumn::DisplayName, "O'Brien, Siobhán");
        let mut written = Vec::new();
        write_import_csv(&mut written, &[&row]).unwrap();
        let text = String::from_utf8(written).unwrap();
        assert!(
            text.ends_with("\r\na@contoso.com,,,\"O'Brien, Siobhán\",,,,,,,,,,,,\r\n"),
            "{text}"
        );
    }
}
