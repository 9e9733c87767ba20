//! Workbooks built from the bytes with sparse and repeated references: XLSX cells at any row and column
//! (up to XFD1048576), and OpenDocument rows and cells with any repeat counts. The readers must refuse or
//! read each within the limits (a small memory limit in `cargo fuzz run -- -rss_limit_mb=256` catches a
//! reader that expands what a file claims), and never panic.
#![no_main]

use std::io::Write;

use bc2m365::plan::input::InputSettings;
use bc2m365::plan::{plan_inputs, PlanOptions};
use libfuzzer_sys::fuzz_target;

/// Reads little-endian numbers from the fuzzer's bytes, zero when they run out.
struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn take(&mut self, n: usize) -> u64 {
        let (head, rest) = self.0.split_at(n.min(self.0.len()));
        self.0 = rest;
        head.iter().rev().fold(0, |acc, b| (acc << 8) | u64::from(*b))
    }
}

/// A column's letters, from its 0-based index.
fn column_name(mut column: u64) -> String {
    let mut letters = Vec::new();
    column += 1;
    while column > 0 {
        letters.push(b'A' + ((column - 1) % 26) as u8);
        column = (column - 1) / 26;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap()
}

fn xlsx_sheet(bytes: &mut Bytes<'_>) -> String {
    let mut xml = String::from(
        "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>\
         <row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>Code</t></is></c><c r=\"B1\" t=\"inlineStr\"><is><t>Name</t></is></c></row>",
    );
    while !bytes.0.is_empty() {
        let row = bytes.take(3) % 1_048_576 + 2;
        let column = bytes.take(2) % 16_384;
        let text = bytes.take(1);
        xml.push_str(&format!(
            "<row r=\"{row}\"><c r=\"{}{row}\" t=\"inlineStr\"><is><t>v{text}</t></is></c></row>",
            column_name(column)
        ));
    }
    xml + "</sheetData></worksheet>"
}

fn ods_content(bytes: &mut Bytes<'_>) -> String {
    let mut xml = String::from(
        "<office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" \
         xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" \
         xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\"><office:body><office:spreadsheet>\
         <table:table table:name=\"S\">",
    );
    while !bytes.0.is_empty() {
        let rows = bytes.take(4);
        let columns = bytes.take(4);
        let filled = bytes.take(1) % 2 == 0;
        let cell = match filled {
            true => format!("<table:table-cell office:value-type=\"string\" table:number-columns-repeated=\"{columns}\"><text:p>x</text:p></table:table-cell>"),
            false => format!("<table:table-cell table:number-columns-repeated=\"{columns}\"/>"),
        };
        xml.push_str(&format!(
            "<table:table-row table:number-rows-repeated=\"{rows}\">{cell}</table:table-row>"
        ));
    }
    xml + "</table:table></office:spreadsheet></office:body></office:document-content>"
}

fn workbook(data: &[u8]) -> (Vec<u8>, &'static str) {
    let mut bytes = Bytes(data);
    let ods = bytes.take(1) % 2 == 1;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    let mut part = |name: &str, text: &str| {
        zip.start_file(name, options).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    };
    if ods {
        part("mimetype", "application/vnd.oasis.opendocument.spreadsheet");
        part("content.xml", &ods_content(&mut bytes));
    } else {
        let rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
        part("_rels/.rels", &format!("<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"{rel}/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"));
        part("xl/workbook.xml", &format!("<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"{rel}\"><sheets><sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"));
        part("xl/_rels/workbook.xml.rels", &format!("<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"{rel}/worksheet\" Target=\"worksheets/sheet1.xml\"/></Relationships>"));
        part("xl/worksheets/sheet1.xml", &xlsx_sheet(&mut bytes));
    }
    let bytes = zip.finish().unwrap().into_inner();
    (bytes, if ods { ".ods" } else { ".xlsx" })
}

fuzz_target!(|data: &[u8]| {
    let (bytes, suffix) = workbook(data);
    let dir = if std::path::Path::new("/dev/shm").is_dir() { "/dev/shm".into() } else { std::env::temp_dir() };
    let mut file = tempfile::Builder::new().suffix(suffix).tempfile_in(dir).unwrap();
    file.write_all(&bytes).unwrap();
    let options = PlanOptions {
        domains: vec!["contoso.com".into()],
        ..PlanOptions::default()
    };
    let dir = file.path().parent().unwrap().to_path_buf();
    let _ = plan_inputs(&[file.path().to_path_buf()], &InputSettings::default(), &options, &dir);
});
