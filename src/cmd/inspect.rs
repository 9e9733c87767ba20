//! `bc2m365 inspect`: what is detected in each input (format, encoding, delimiter, sheet, header row,
//! each column and the field it is read as, row count), without checking or writing anything.

use serde::Serialize;

use crate::bc::recognise_header;
use crate::check::row::import_file_columns;
use crate::cli::{InspectArgs, InspectReport};
use crate::diagnostic::{Diagnostic, Location};
use crate::error::{Error, Result};
use crate::plan::input::{header_location, open_input, InputKind, InputSettings};
use crate::read::{delimiter_name, InputFormat};

/// What was found in one input.
#[derive(Debug, Serialize)]
pub struct InputFindings {
    pub file: String,
    /// "csv", "workbook" or "json".
    pub format: &'static str,
    /// What the rows are: Business Central salespeople, or users of a Microsoft 365 import file.
    pub kind: &'static str,
    /// The Business Central company of the rows (`--company`, else the file name without extension);
    /// absent for a Microsoft 365 import file. A Company column, when there is one, names it per row.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
    /// How the encoding was decided: "byte-order mark", "--encoding", "valid UTF-8", "guessed from the bytes".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding_source: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delimiter: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    /// The header's row or line; absent for JSON, whose header is the objects' property names.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub header_row: Option<u64>,
    pub columns: Vec<ColumnFindings>,
    /// Rows after the header, empty ones included.
    pub rows: u64,
    /// Problems with the header: unknown, duplicate, ambiguous or missing columns.
    pub header_problems: Vec<String>,
    /// How many of the header problems are errors: the input cannot be converted as it is.
    pub errors: usize,
}

#[derive(Debug, Serialize)]
pub struct ColumnFindings {
    /// 1-based.
    pub index: usize,
    pub header: String,
    /// The field the column is read as (its `--map` name), `None` when it is ignored, or "kept" for the
    /// columns of a Microsoft 365 import file, which are written back as they are.
    pub field: Option<&'static str>,
}

/// Looks at one input.
pub fn inspect_input(path: &std::path::Path, settings: &InputSettings) -> Result<InputFindings> {
    let table = open_input(path, settings)?;
    let base = Location {
        file: table.file.as_str().into(),
        sheet: table.sheet.clone(),
        ..Location::default()
    };
    let kind = InputKind::of(&table.header);
    let (columns, diagnostics) = match kind {
        InputKind::Salespeople => recognise_header(
            &table.header,
            &header_location(&table, &base),
            &settings.map,
        ),
        InputKind::M365Import(header) => (import_file_columns(header), Vec::new()),
    };
    let column_findings = table
        .header
        .iter()
        .enumerate()
        .map(|(i, header)| ColumnFindings {
            index: i + 1,
            header: header.clone(),
            field: match kind {
                // Every column of an import file is checked and written back in its own place.
                InputKind::M365Import(_) => Some("kept"),
                InputKind::Salespeople => columns
                    .fields()
                    .find(|(_, c)| c.index == i + 1)
                    .map(|(f, _)| f.map_name()),
            },
        })
        .collect();
    let (format, encoding, encoding_source, delimiter) = match table.format {
        InputFormat::Csv {
            delimiter,
            encoding,
            encoding_source,
        } => (
            "csv",
            Some(encoding.name().to_string()),
            Some(encoding_source.describe()),
            Some(delimiter_name(delimiter)),
        ),
        InputFormat::Workbook => ("workbook", None, None, None),
        InputFormat::Json => ("json", None, None, None),
    };
    let mut rows = 0u64;
    for raw in table.rows {
        raw?;
        rows += 1;
    }
    let company = (kind == InputKind::Salespeople).then(|| {
        let company = settings.companies.of(path);
        match columns.column(crate::bc::Field::Company) {
            Some(_) => format!("from the Company column, else {company}"),
            None => company,
        }
    });
    Ok(InputFindings {
        file: table.file,
        format,
        kind: kind.describe(),
        company,
        encoding,
        encoding_source,
        delimiter,
        sheet: table.sheet,
        header_row: (table.header_row > 0).then_some(table.header_row),
        columns: column_findings,
        rows,
        header_problems: diagnostics.iter().map(problem_text).collect(),
        errors: diagnostics
            .iter()
            .filter(|d| d.severity() == crate::diagnostic::Severity::Error)
            .count(),
    })
}

fn problem_text(d: &Diagnostic) -> String {
    let text = format!("{}[{}]: {}", d.severity().as_str(), d.code(), d.message);
    match &d.note {
        Some(note) => format!("{text} ({note})"),
        None => text,
    }
}

/// Renders the findings as text, one block per input.
pub fn render_text(findings: &[InputFindings]) -> String {
    let mut out = String::new();
    for (n, f) in findings.iter().enumerate() {
        if n > 0 {
            out.push('\n');
        }
        out.push_str(&format!("{}\n", f.file));
        let format = match (&f.encoding, f.encoding_source, &f.delimiter) {
            (Some(encoding), Some(source), Some(delimiter)) => {
                format!("CSV, encoding {encoding} ({source}), delimiter {delimiter}")
            }
            _ if f.format == "json" => "JSON (Business Central API v2)".to_string(),
            _ => "workbook".to_string(),
        };
        out.push_str(&format!("  format:     {format}\n"));
        out.push_str(&format!("  holds:      {}\n", f.kind));
        if let Some(company) = &f.company {
            out.push_str(&format!("  company:    {company}\n"));
        }
        if let Some(sheet) = &f.sheet {
            out.push_str(&format!("  sheet:      {sheet}\n"));
        }
        match f.header_row {
            Some(row) => out.push_str(&format!("  header row: {row}\n")),
            None => out.push_str("  header row: none (property names)\n"),
        }
        out.push_str(&format!("  rows:       {}\n", f.rows));
        out.push_str("  columns:\n");
        for c in &f.columns {
            let field = c.field.unwrap_or("(ignored)");
            out.push_str(&format!(
                "    {:>2}  {:<32} -> {field}\n",
                c.index, c.header
            ));
        }
        for problem in &f.header_problems {
            out.push_str(&format!("  {problem}\n"));
        }
    }
    out
}

pub fn run(args: &InspectArgs) -> Result<crate::cmd::Ending> {
    let settings = crate::cmd::input_settings_from_args(&args.input)?;
    crate::plan::run::check_companies(&args.inputs, &settings.companies)?;
    let findings = args
        .inputs
        .iter()
        .map(|path| inspect_input(path, &settings))
        .collect::<Result<Vec<_>>>()?;
    let text = match args.report {
        InspectReport::Text => render_text(&findings),
        InspectReport::Json => {
            let mut json = serde_json::to_string_pretty(&findings)
                .map_err(|e| Error::io("<stdout>", std::io::Error::other(e)))?;
            json.push('\n');
            json
        }
    };
    let ending = crate::cmd::write_stdout(text.as_bytes())?;
    // An input with an error in its header cannot be converted as it is: scripts see it in the exit code.
    if findings.iter().any(|f| f.errors > 0) {
        return Ok(crate::cmd::Ending::InputErrors);
    }
    Ok(ending)
}
