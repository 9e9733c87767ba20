//! The commands, one module each with one entry point, `run`, and what they share: the settings a run
//! is planned with, the report, stdout, and how a command ends.

pub mod completions;
pub mod convert;
pub mod explain;
pub mod inspect;
pub mod template;
pub mod validate;
pub mod verify;

use std::io::Write;

use crate::bc::{Field, HeaderMap};
use crate::cli::{InputArgs, ReportFormat, SettingsArgs};
use crate::config::Settings;
use crate::error::{Error, Result};
use crate::m365::entra::Target;
use crate::m365::existing::ExistingUsers;
use crate::plan::accounts::CountryCode;
use crate::plan::input::{Companies, InputSettings};
use crate::plan::{Plan, PlanOptions, Summary};
use crate::read::limits::{parse_size, Limits};
use crate::read::{self, ReadOptions};
use crate::report::{self, OutputSettings, Verbosity};

/// How a command ended. The process's exit code is decided from it in one place, [`exit_code`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// Done; outputs written (warnings allowed).
    Done,
    /// The input has errors (or, under `--strict`, warnings): no import file or manifest was written,
    /// or under `--keep-going` only the valid rows.
    InputErrors,
    /// An input could not be read at all.
    InputUnreadable,
    /// `verify`: a step is still missing, or no input shows that it is done.
    StepsLeft,
}

impl Ending {
    /// How a run that read and planned its inputs ends.
    pub fn of(plan: &Plan) -> Ending {
        if plan.has_unreadable_file() {
            Ending::InputUnreadable
        } else if plan.has_errors() || plan.has_broken_file() {
            Ending::InputErrors
        } else {
            Ending::Done
        }
    }
}

/// The process's exit code, the one place it is decided: 0 done, 1 the input has errors, 2 a usage,
/// file or I/O problem (every [`Error`] stops the run: none is a problem of the data, which is a
/// diagnostic).
pub fn exit_code(result: &Result<Ending>) -> u8 {
    match result {
        Ok(Ending::Done) => 0,
        Ok(Ending::InputErrors | Ending::StepsLeft) => 1,
        Ok(Ending::InputUnreadable) | Err(_) => 2,
    }
}

/// Every command's stdout. A reader that stops early (`bc2m365 man | head`) closes the pipe: that is
/// not an error, as in ripgrep, and the rest is not written; any other write error (a full disk) is.
pub struct Stdout {
    out: std::io::StdoutLock<'static>,
    closed: bool,
}

impl Stdout {
    pub fn lock() -> Self {
        Stdout {
            out: std::io::stdout().lock(),
            closed: false,
        }
    }

    /// Flushes what is written: a write error that only shows now fails the run too.
    pub fn finish(mut self) -> Result<()> {
        self.flush().map_err(|e| Error::io("<stdout>", e))
    }

    /// `result` of a write or flush, with a closed pipe taken as the end of the output.
    fn unless_closed<T>(&mut self, result: std::io::Result<T>, closed: T) -> std::io::Result<T> {
        match result {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(closed)
            }
            result => result,
        }
    }
}

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.closed {
            return Ok(buf.len());
        }
        let written = self.out.write(buf);
        self.unless_closed(written, buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.closed {
            return Ok(());
        }
        let flushed = self.out.flush();
        self.unless_closed(flushed, ())
    }
}

/// Writes a command's whole output to stdout.
pub fn write_stdout(bytes: &[u8]) -> Result<Ending> {
    let mut stdout = Stdout::lock();
    stdout
        .write_all(bytes)
        .map_err(|e| Error::io("<stdout>", e))?;
    stdout.finish()?;
    Ok(Ending::Done)
}

/// The most domains a tenant can hold: "You can add no more than 5,000 managed domain names"
/// (Microsoft Entra service limits and restrictions, MicrosoftDocs/entra-docs). More is no tenant's list,
/// and would only make every row's domain checks slower.
pub const MAX_DOMAINS: usize = 5000;

/// The tenant's domains as given, checked and lower-cased, each once, in the order first given.
pub fn parse_domains(domains: &[String]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
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
        if seen.insert(domain.clone()) {
            out.push(domain);
        }
        if out.len() > MAX_DOMAINS {
            return Err(Error::Usage(format!(
                "more than {MAX_DOMAINS} domains were given: a Microsoft 365 tenant holds at most {MAX_DOMAINS}; give the tenant's verified domains only"
            )));
        }
    }
    if out.is_empty() {
        return Err(Error::Usage(format!(
            "give at least one --domain <DOMAIN> (or domains in {})",
            crate::config::FILE_NAME
        )));
    }
    Ok(out)
}

/// The settings (flags over bc2m365.toml), the plan options and how inputs are read, for `convert` and
/// `validate`. Each flag and its config key are merged here, once, so that either gives the same run.
pub fn prepare(
    args: &SettingsArgs,
    input: &InputArgs,
    strict: bool,
) -> Result<(Settings, PlanOptions, InputSettings)> {
    let settings = Settings::resolve(args)?;
    let domains = parse_domains(&settings.domains)?;
    let existing = match &settings.existing {
        Some(path) => Some(ExistingUsers::read(path)?),
        None => None,
    };
    let mut options = PlanOptions {
        domains,
        transliteration: settings.transliteration,
        user_name: settings.user_name.clone(),
        existing,
        accounts: settings.accounts.clone(),
        strict,
        target: settings.target,
    };
    let mut input_settings = input_settings(input, &settings)?;
    passwords_need_entra(&input_settings, settings.target)?;
    // `--country` over `country`: the country of every row that names none, and so its usage location.
    match &input_settings.country {
        Some(code) => {
            options.accounts.default_country =
                Some(CountryCode::parse(code).map_err(Error::Usage)?);
        }
        None => {
            input_settings.country = options
                .accounts
                .default_country
                .as_ref()
                .map(|c| c.as_str().to_string());
        }
    }
    Ok((settings, options, input_settings))
}

/// A mapped Password column is read only for Microsoft Entra's file: under the admin center's import
/// files, which carry no password, the column would be read for nothing.
fn passwords_need_entra(input: &InputSettings, target: Target) -> Result<()> {
    let mapped = input
        .map
        .entries()
        .iter()
        .find(|(f, _)| *f == Field::Password);
    match (mapped, target) {
        (Some((_, header)), Target::M365) => Err(Error::Usage(format!(
            "--map password={header}: initial passwords are written only into Microsoft Entra's file; add --target entra (or target = \"entra\" in {})",
            crate::config::FILE_NAME
        ))),
        _ => Ok(()),
    }
}

/// How inputs are read: the flags, with the config file's `[columns]` before `--map` and `[companies]`
/// before `--company` (so flags win).
fn input_settings(args: &InputArgs, settings: &Settings) -> Result<InputSettings> {
    let mut args = args.clone();
    args.map = settings
        .column_map
        .iter()
        .map(|(field, header)| format!("{field}={header}"))
        .chain(args.map)
        .collect();
    let mut input = input_settings_from_args(&args)?;
    let from_config: Vec<String> = (settings.companies.iter())
        .map(|(file, company)| format!("{file}={company}"))
        .collect();
    let from_config = Companies::parse(&from_config)
        .map_err(|e| Error::Usage(format!("[companies] in the config file: {e}")))?;
    input.companies = from_config.then(input.companies);
    input.target = settings.target;
    Ok(input)
}

/// How inputs are read, from the input flags alone (`inspect`; `convert` and `validate` add the
/// config file's `[columns]`, see [`input_settings`]).
pub fn input_settings_from_args(args: &InputArgs) -> Result<InputSettings> {
    let encoding = match &args.encoding {
        None => None,
        Some(label) => Some(
            encoding_rs::Encoding::for_label(label.trim().as_bytes())
                // Labels that name no text encoding: "replacement" decodes everything to U+FFFD,
                // "x-user-defined" bytes to private-use characters.
                .filter(|e| *e != encoding_rs::REPLACEMENT && *e != encoding_rs::X_USER_DEFINED)
                .ok_or_else(|| {
                    Error::Usage(format!(
                        "--encoding {label:?} is not a text encoding; use e.g. utf-8, windows-1252, utf-16le"
                    ))
                })?,
        ),
    };
    let delimiter = match &args.delimiter {
        None => None,
        Some(text) => Some(read::parse_delimiter(text).ok_or_else(|| {
            Error::Usage(format!(
                "--delimiter {text:?} is not a delimiter; use comma, semicolon, tab or pipe"
            ))
        })?),
    };
    let country = match &args.country {
        None => None,
        Some(code) => Some(
            crate::m365::countries::country_code(code)
                .ok_or_else(|| {
                    Error::Usage(format!(
                        "--country {code:?} is not an ISO 3166 two-letter country code such as BE"
                    ))
                })?
                .to_string(),
        ),
    };
    Ok(InputSettings {
        read: ReadOptions {
            sheet: args.sheet.clone(),
            encoding,
            delimiter,
            limits: Limits {
                input_bytes: parse_size(&args.max_input_size)
                    .map_err(|e| Error::Usage(format!("--max-input-size {e}")))?,
                sheet_bytes: parse_size(&args.max_sheet_size)
                    .map_err(|e| Error::Usage(format!("--max-sheet-size {e}")))?,
                rows: args.max_rows,
                columns: args.max_columns,
                cell_chars: args.max_cell_chars,
            },
        },
        map: HeaderMap::parse(&args.map).map_err(Error::Usage)?,
        companies: Companies::parse(&args.companies).map_err(Error::Usage)?,
        country,
        legacy_is_error: false,
        progress: false,
        target: Default::default(),
    })
}

/// The report: the text one on stderr (errors only under --quiet), written at once from the plan; or
/// the JSON one, spooled to a temporary file as the rows go by and copied to stdout once the run has
/// succeeded, so that stdout holds the whole report or, when the run fails, nothing.
pub enum ReportSink {
    Text,
    Json(report::json::JsonReport<crate::write::Spool>),
}

impl ReportSink {
    /// Starts the report, after the inputs' lines under --verbose.
    /// `imports_written` tells scripts reading the JSON whether import files and a manifest were written.
    pub fn new(
        plan: &Plan,
        format: ReportFormat,
        imports_written: bool,
        output: &OutputSettings,
        stderr: &mut dyn Write,
    ) -> Result<Self> {
        if output.verbosity == Verbosity::Verbose {
            for info in &plan.inputs {
                let _ = writeln!(stderr, "{}", report::text::input_line(info));
            }
            let _ = writeln!(stderr);
        }
        match format {
            ReportFormat::Text => {
                let errors_only = output.verbosity == Verbosity::Quiet;
                let text = report::text::render_sample(&plan.report, errors_only, output.color);
                let _ = stderr.write_all(text.as_bytes());
                Ok(ReportSink::Text)
            }
            ReportFormat::Json => {
                let spool = crate::write::Spool::new()
                    .and_then(|out| report::json::JsonReport::new(out, imports_written))
                    .map_err(|e| Error::io(std::env::temp_dir(), e))?;
                Ok(ReportSink::Json(spool))
            }
        }
    }

    /// Adds a file problem, or a row's problems.
    pub fn add_item(&mut self, item: &crate::plan::Item) -> Result<()> {
        let ReportSink::Json(json) = self else {
            return Ok(());
        };
        match item {
            crate::plan::Item::FileDiagnostic(d) => json.add(d),
            crate::plan::Item::Entry(entry) => {
                entry.diagnostics.iter().try_for_each(|d| json.add(d))
            }
        }
        .map_err(|e| Error::io(std::env::temp_dir(), e))
    }

    /// Finishes the report: the JSON one is copied to stdout. A stdout that cannot take it (a full
    /// disk) fails the run: a script would otherwise read half a report.
    pub fn finish(self, summary: &Summary) -> Result<()> {
        if let ReportSink::Json(json) = self {
            let mut spool = json
                .finish(summary)
                .map_err(|e| Error::io(std::env::temp_dir(), e))?;
            let mut stdout = Stdout::lock();
            spool
                .copy_into(&mut stdout)
                .map_err(|e| Error::io("<stdout>", e))?;
            stdout.finish()?;
        }
        Ok(())
    }
}
