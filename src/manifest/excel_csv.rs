//! The CSVs made from the manifest's records for people and scripts: role-assignments.csv, coupling.csv,
//! licences.csv and roles.csv.

use std::io::{self, Write};

/// A CSV as Excel opens it without asking: UTF-8 with BOM, CRLF, quotes only where needed.
pub struct ExcelCsv<W: Write> {
    writer: csv::Writer<W>,
}

impl<W: Write> ExcelCsv<W> {
    pub fn new(out: W, header: &[&str]) -> io::Result<Self> {
        Ok(ExcelCsv {
            writer: crate::m365::format::microsoft_csv_writer(out, header)?,
        })
    }

    /// One row, every cell guarded: a value from the input or from the config file (a role, a business
    /// unit) that a spreadsheet would run as a formula gets a leading apostrophe, which bc2m365
    /// (`without_formula_guard`) and the generated scripts (`Remove-FormulaGuard`) take off again.
    pub fn row(&mut self, row: &[&str]) -> io::Result<()> {
        let safe = row
            .iter()
            .map(|cell| crate::normalize::text::spreadsheet_safe(cell));
        self.writer.write_record(safe.map(|c| c.into_owned()))?;
        Ok(())
    }

    pub fn finish(self) -> io::Result<W> {
        self.writer.into_inner().map_err(|e| e.into_error())
    }
}
