//! `bc2m365 convert`: read every input, check and plan, report, and write the outputs atomically.

use std::io::Write;
use std::path::PathBuf;

use crate::bc::fields::header_key;
use crate::bc::{recognise_header, ColumnMap};
use crate::check::row::{check_import_row, check_row};
use crate::check::{self, rules, Diagnostic, Location, Severity};
use crate::cli::{ConvertArgs, TransliterationArg};
use crate::error::{Error, Result};
use crate::input::{encoding_note, header_location, open_input, InputKind, InputSettings};
use crate::m365::format::write_import_csv;
use crate::m365::ImportHeader;
use crate::manifest::{FileRecord, Manifest, Summary};
use crate::normalize::Transliteration;
use crate::plan::{plan, Outcome, Plan, PlanOptions, RowInput};
use crate::read::InputFormat;
use crate::report;
use crate::write::{check_target, sha256_file, Staging};

/// What was read from one input file.
#[derive(Debug, Clone)]
pub struct InputInfo {
    pub path: PathBuf,
    pub file: String,
    pub format: InputFormat,
    pub sheet: Option<String>,
    pub header_row: u64,
    pub kind: InputKind,
    pub columns: ColumnMap,
    /// Data rows read, empty ones included.
    pub rows: u64,
}

/// Everything learnt from the inputs: what was read, every problem, and the plan.
pub struct Analysis {
    pub inputs: Vec<InputInfo>,
    /// Problems of whole files and headers, and empty rows; row problems live in the plan's entries.
    pub file_diagnostics: Vec<Diagnostic>,
    pub plan: Plan,
    pub summary: Summary,
}

impl Analysis {
    /// Every diagnostic, file problems of each input first, then rows in input order.
    pub fn diagnostics(&self) -> Vec<&Diagnostic> {
        let mut all: Vec<(usize, u64, &Diagnostic)> = Vec::new();
        for d in &self.file_diagnostics {
            let input = self
                .inputs
                .iter()
                .position(|i| i.file == d.location.file)
                .unwrap_or(0);
            all.push((input, d.location.row.unwrap_or(0), d));
        }
        for entry in &self.plan.entries {
            for d in &entry.diagnostics {
                all.push((entry.input, entry.location.row.unwrap_or(0), d));
            }
        }
        all.sort_by_key(|(input, row, _)| (*input, *row));
        all.into_iter().map(|(_, _, d)| d).collect()
    }

    pub fn has_errors(&self) -> bool {
        self.summary.errors > 0
    }
}

/// Reads, checks and plans every input. Stops only for files that cannot be read at all.
pub fn analyse(
    paths: &[PathBuf],
    settings: &InputSettings,
    plan_options: &PlanOptions,
) -> Result<Analysis> {
    let mut inputs = Vec::new();
    let mut file_diagnostics = Vec::new();
    let mut rows_in = Vec::new();
    let mut empty_rows = 0u64;
    let mut unreadable_rows = 0u64;
    let mut headers_seen: Vec<String> = Vec::new();
    for (index, path) in paths.iter().enumerate() {
        let table = open_input(path, settings)?;
        let base = Location {
            file: table.file.clone(),
            sheet: table.sheet.clone(),
            ..Location::default()
        };
        file_diagnostics.extend(encoding_note(&table, &base));
        headers_seen.extend(table.header.iter().cloned());
        let kind = InputKind::of(&table.header);
        let columns = match kind {
            InputKind::Salespeople => {
                let (columns, header_diagnostics) = recognise_header(
                    &table.header,
                    &header_location(&table, &base),
                    &settings.map,
                );
                file_diagnostics.extend(header_diagnostics);
                columns
            }
            InputKind::M365Import(header) => {
                if header == ImportHeader::Legacy {
                    file_diagnostics.push(Diagnostic::new(
                        &rules::LEGACY_IMPORT_HEADER,
                        header_location(&table, &base),
                        "the file has Microsoft's legacy 15-column import header; it is re-written with the current 16 columns",
                    ));
                }
                check::row::import_file_columns(header)
            }
        };
        let usable = kind != InputKind::Salespeople || columns.has_required();
        let header_len = table.header.len();
        let mut rows = 0u64;
        // Empty rows are held back until a data row follows: trailing empty rows are not rows at all.
        let mut pending_empty: Vec<u64> = Vec::new();
        for raw in table.rows {
            let raw = raw?;
            if raw.is_empty() {
                pending_empty.push(raw.row);
                continue;
            }
            for row in pending_empty.drain(..) {
                rows += 1;
                empty_rows += 1;
                file_diagnostics.push(Diagnostic::new(
                    &rules::EMPTY_ROW,
                    Location {
                        row: Some(row),
                        ..base.clone()
                    },
                    "the row is empty and is skipped",
                ));
            }
            rows += 1;
            if !usable {
                unreadable_rows += 1;
                continue;
            }
            let location = Location {
                row: Some(raw.row),
                ..base.clone()
            };
            let (salesperson, diagnostics) = match kind {
                InputKind::Salespeople => check_row(
                    &raw,
                    &columns,
                    header_len,
                    &base,
                    settings.country.as_deref(),
                ),
                InputKind::M365Import(header) => {
                    check_import_row(&raw, header, &base, settings.country.as_deref())
                }
            };
            rows_in.push(RowInput {
                input: index,
                location,
                salesperson,
                diagnostics,
            });
        }
        inputs.push(InputInfo {
            path: path.clone(),
            file: table.file,
            format: table.format,
            sheet: table.sheet,
            header_row: table.header_row,
            kind,
            columns,
            rows,
        });
    }
    for (field, header) in settings.map.entries() {
        let found = headers_seen
            .iter()
            .any(|h| header_key(h) == header_key(header));
        if !found {
            return Err(Error::Usage(format!(
                "--map {}={header}: no input has a column \"{header}\"",
                field.map_name()
            )));
        }
    }
    let columns: Vec<ColumnMap> = inputs.iter().map(|i| i.columns.clone()).collect();
    let plan = plan(rows_in, &columns, plan_options);

    let mut summary = Summary {
        rows: inputs.iter().map(|i| i.rows).sum(),
        written: plan.count(|o| o == Outcome::Written) as u64,
        skipped: plan.count(|o| matches!(o, Outcome::Skipped(_))) as u64 + empty_rows,
        rejected: plan.count(|o| o == Outcome::Rejected) as u64 + unreadable_rows,
        empty_rows,
        import_files: plan.batches.len(),
        ..Summary::default()
    };
    let severities = file_diagnostics
        .iter()
        .chain(plan.entries.iter().flat_map(|e| e.diagnostics.iter()))
        .map(|d| d.severity());
    for severity in severities {
        match severity {
            Severity::Error => summary.errors += 1,
            Severity::Warning => summary.warnings += 1,
            Severity::Info => {}
        }
    }
    Ok(Analysis {
        inputs,
        file_diagnostics,
        plan,
        summary,
    })
}

/// The tenant's domains as given, checked and lower-cased.
pub fn parse_domains(domains: &[String]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for raw in domains {
        let domain = raw.trim().trim_start_matches('@').to_ascii_lowercase();
        let labels_ok = domain.split('.').count() >= 2
            && domain.split('.').all(|label| {
                !label.is_empty()
                    && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                    && !label.starts_with('-')
                    && !label.ends_with('-')
            });
        if !labels_ok {
            return Err(Error::Usage(format!(
                "--domain {raw:?} is not a domain name such as contoso.com"
            )));
        }
        if domain.len() > crate::m365::upn::MAX_DOMAIN_CHARS {
            return Err(Error::Usage(format!(
                "--domain {raw:?} is longer than the {} characters Microsoft 365 accepts after \"@\"",
                crate::m365::upn::MAX_DOMAIN_CHARS
            )));
        }
        if !out.contains(&domain) {
            out.push(domain);
        }
    }
    if out.is_empty() {
        return Err(Error::Usage("give at least one --domain".into()));
    }
    Ok(out)
}

pub fn run(args: &ConvertArgs, stderr: &mut dyn Write) -> Result<u8> {
    let domains = parse_domains(&args.domains)?;
    check_target(&args.out, args.force, &args.inputs)?;
    let settings = InputSettings::from_args(&args.input)?;
    let plan_options = PlanOptions {
        domains: domains.clone(),
        transliteration: match args.transliterate {
            TransliterationArg::Basic => Transliteration::Basic,
            TransliterationArg::German => Transliteration::German,
        },
    };
    let analysis = analyse(&args.inputs, &settings, &plan_options)?;
    let rendered = report::text::render(&analysis.diagnostics());
    let _ = write!(stderr, "{rendered}");

    if analysis.has_errors() {
        let _ = writeln!(
            stderr,
            "{}\nnothing written: fix the errors above and run again",
            report::text::summary_line(&analysis.summary, analysis.inputs.len(), false)
        );
        return Ok(crate::EXIT_INPUT_ERRORS);
    }

    let staging = Staging::new(&args.out)?;
    let mut outputs = Vec::new();
    for batch in &analysis.plan.batches {
        let rows: Vec<_> = batch
            .entries
            .iter()
            .filter_map(|&i| analysis.plan.entries[i].import.as_ref())
            .collect();
        let mut bytes = Vec::new();
        write_import_csv(&mut bytes, &rows).map_err(|e| Error::io(&args.out, e))?;
        let written = staging.write(&batch.file_name, &bytes)?;
        outputs.push(FileRecord {
            file: written.name,
            sha256: written.sha256,
            sheet: None,
            rows: None,
            users: Some(rows.len()),
            country: batch.country.clone(),
        });
    }
    let mut inputs = Vec::new();
    for info in &analysis.inputs {
        inputs.push(FileRecord {
            file: info.file.clone(),
            sha256: sha256_file(&info.path)?,
            sheet: info.sheet.clone(),
            rows: Some(info.rows),
            users: None,
            country: None,
        });
    }
    let manifest = Manifest::new(
        &analysis.plan,
        &domains,
        inputs,
        outputs.clone(),
        analysis.summary.clone(),
    );
    staging.write("manifest.json", manifest.to_json().as_bytes())?;
    staging.commit()?;

    for output in &outputs {
        let _ = writeln!(
            stderr,
            "wrote {} ({} users)",
            args.out.join(&output.file).display(),
            output.users.unwrap_or(0)
        );
    }
    let _ = writeln!(stderr, "wrote {}", args.out.join("manifest.json").display());
    let _ = writeln!(
        stderr,
        "{}",
        report::text::summary_line(&analysis.summary, analysis.inputs.len(), true)
    );
    Ok(crate::EXIT_OK)
}
