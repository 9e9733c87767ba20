//! `bc2m365 convert`: analyse every input, report, and write the outputs atomically.

use std::io::Write;

use std::collections::BTreeMap;

use crate::analysis::{analyse, Analysis, Facts, Item};
use crate::cli::{ConvertArgs, InputArgs, ReportFormat, SettingsArgs};
use crate::config::Settings;
use crate::diagnostic::Diagnostic;
use crate::error::{Error, Result};
use crate::input::InputSettings;
use crate::m365::existing::ExistingUsers;
use crate::m365::format::{microsoft_csv_writer, HEADER};
use crate::manifest::views::{self, Views};
use crate::manifest::{self, has_record, Accounts, FileRecord, Manifest, SalespeopleSpool};
use crate::plan::{Batch, Entry, PlanOptions};
use crate::report::rejected::RejectedWriter;
use crate::report::{self, OutputSettings, Verbosity};
use crate::write::{check_target, sha256_file, StagedFile, Staging};

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
        return Err(Error::Usage(format!(
            "give at least one --domain <DOMAIN> (or domains in {})",
            crate::config::FILE_NAME
        )));
    }
    Ok(out)
}

/// The settings (flags over bc2m365.toml) and the plan options they give.
pub fn prepare(args: &SettingsArgs, strict: bool) -> Result<(Settings, PlanOptions)> {
    let settings = Settings::resolve(args)?;
    let domains = parse_domains(&settings.domains)?;
    let existing = match &settings.existing {
        Some(path) => Some(ExistingUsers::read(path)?),
        None => None,
    };
    let options = PlanOptions {
        domains,
        transliteration: settings.transliteration,
        user_name: settings.user_name.clone(),
        existing,
        accounts: settings.accounts.clone(),
        strict,
    };
    Ok((settings, options))
}

/// How inputs are read: the flags, with the config file's `[columns]` before `--map` (so flags win).
pub fn input_settings(args: &InputArgs, settings: &Settings) -> Result<InputSettings> {
    let mut args = args.clone();
    args.map = settings
        .column_map
        .iter()
        .map(|(field, header)| format!("{field}={header}"))
        .chain(args.map)
        .collect();
    InputSettings::from_args(&args)
}

/// The report: the text one on stderr (errors only under --quiet), written at once from the first
/// pass; or the JSON one, written to a temporary file as the diagnostics go by in the second pass and
/// copied to stdout when it is complete, so that stdout holds the whole report or, when the run fails,
/// nothing.
pub enum ReportSink {
    Text,
    Json(report::json::JsonReport<crate::write::Spool>),
}

impl ReportSink {
    /// Starts the report, after the inputs' lines under --verbose.
    /// `imports_written` tells scripts reading the JSON whether import files and a manifest were written.
    pub fn new(
        analysis: &Analysis,
        format: ReportFormat,
        imports_written: bool,
        output: &OutputSettings,
        stderr: &mut dyn Write,
    ) -> Result<Self> {
        if output.verbosity == Verbosity::Verbose {
            for info in &analysis.inputs {
                let _ = writeln!(stderr, "{}", report::text::input_line(info));
            }
            let _ = writeln!(stderr);
        }
        match format {
            ReportFormat::Text => {
                let errors_only = output.verbosity == Verbosity::Quiet;
                let text = analysis.text_report(errors_only, output.color);
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

    /// Whether the report needs the second pass.
    pub fn needs_rows(&self) -> bool {
        matches!(self, ReportSink::Json(_))
    }

    /// Adds a file problem, or a row's problems.
    pub fn add_item(&mut self, item: &Item<'_>) -> Result<()> {
        let ReportSink::Json(json) = self else {
            return Ok(());
        };
        match item {
            Item::FileDiagnostic(d) => json.add(d),
            Item::Entry(entry) => entry.diagnostics.iter().try_for_each(|d| json.add(d)),
        }
        .map_err(|e| Error::io(std::env::temp_dir(), e))
    }

    /// Finishes the report: the JSON one is copied to stdout. Writing to a closed stdout is not an error
    /// of the run (see `lib::run`).
    pub fn finish(self, summary: &crate::manifest::Summary) -> Result<()> {
        if let ReportSink::Json(json) = self {
            let mut spool = json
                .finish(summary)
                .map_err(|e| Error::io(std::env::temp_dir(), e))?;
            let mut stdout = std::io::stdout().lock();
            let _ = spool.copy_into(&mut stdout).and_then(|()| stdout.flush());
        }
        Ok(())
    }
}

/// The import files, written as their users go by: one open file per country at a time.
struct ImportFiles<'s> {
    staging: &'s Staging,
    open: BTreeMap<usize, csv::Writer<StagedFile<'s>>>,
    written: BTreeMap<usize, FileRecord>,
}

impl<'s> ImportFiles<'s> {
    fn add(&mut self, entry: &Entry, batches: &[Batch]) -> Result<()> {
        let (Some(index), Some(row)) = (entry.batch, entry.import()) else {
            return Ok(());
        };
        if !self.open.contains_key(&index) {
            // The country's earlier file is complete.
            let earlier: Vec<usize> = self
                .open
                .keys()
                .copied()
                .filter(|&i| batches[i].country == batches[index].country)
                .collect();
            for i in earlier {
                self.close(i, batches)?;
            }
            let file = self.staging.create(&batches[index].file_name)?;
            let writer = microsoft_csv_writer(file, HEADER)
                .map_err(|e| Error::io(&batches[index].file_name, e))?;
            self.open.insert(index, writer);
        }
        if let Some(writer) = self.open.get_mut(&index) {
            writer
                .write_record(row.values())
                .map_err(|e| Error::io(&batches[index].file_name, std::io::Error::from(e)))?;
        }
        Ok(())
    }

    fn close(&mut self, index: usize, batches: &[Batch]) -> Result<()> {
        if let Some(writer) = self.open.remove(&index) {
            let batch = &batches[index];
            let file = writer
                .into_inner()
                .map_err(|e| Error::io(&batch.file_name, e.into_error()))?;
            let written = file.finish()?;
            self.written.insert(
                index,
                FileRecord::output(written, Some(batch.users), batch.country.clone()),
            );
        }
        Ok(())
    }

    /// Closes every file and gives their records in order.
    fn finish(mut self, batches: &[Batch]) -> Result<Vec<FileRecord>> {
        let open: Vec<usize> = self.open.keys().copied().collect();
        for i in open {
            self.close(i, batches)?;
        }
        Ok(self.written.into_values().collect())
    }
}

/// What the planning thread hands the writing one, in report order.
enum Written {
    FileDiagnostic(Diagnostic),
    Entry(Box<Entry>),
}

/// Rows handed to the writing thread at a time.
const WRITE_CHUNK: usize = 256;

/// Every output written as the rows go by.
struct Writers<'s> {
    review: report::review::ReviewWriter,
    imports: ImportFiles<'s>,
    rejected: Option<RejectedWriter<StagedFile<'s>>>,
    records: Option<(SalespeopleSpool, Views<StagedFile<'s>>)>,
    /// Errors stop the import: only the review is written.
    blocked: bool,
}

impl Writers<'_> {
    fn add(
        &mut self,
        item: Written,
        facts: &Facts<'_>,
        policy: &crate::plan::accounts::AccountPolicy,
        out: &std::path::Path,
    ) -> Result<()> {
        let review_failed = report::review::failed(out.join("review.xlsx"));
        let entry = match item {
            Written::FileDiagnostic(d) => {
                return self
                    .review
                    .add(&Item::FileDiagnostic(&d), facts)
                    .map_err(review_failed);
            }
            Written::Entry(entry) => entry,
        };
        if !self.blocked {
            self.imports.add(&entry, facts.batches)?;
            if let Some(rejected) = self.rejected.as_mut() {
                rejected
                    .add(&entry, &facts.inputs[entry.input])
                    .map_err(|e| Error::io(out.join("rejected.csv"), e))?;
            }
            if let Some((spool, views)) = self.records.as_mut() {
                if has_record(&entry) {
                    let record = manifest::record(&entry, facts.batches, policy);
                    spool.add(&record).map_err(|e| Error::io(out, e))?;
                    views.add(&record).map_err(|e| Error::io(out, e))?;
                }
            }
        }
        self.review
            .add(&Item::Entry(entry), facts)
            .map_err(review_failed)
    }
}

pub fn run(args: &ConvertArgs, output: &OutputSettings, stderr: &mut dyn Write) -> Result<u8> {
    let started = std::time::Instant::now();
    let (settings, options) = prepare(&args.settings, args.strict)?;
    crate::read::check_stdin_once(&args.inputs)?;
    check_target(&args.out, args.force, &args.inputs)?;
    let mut input_settings = input_settings(&args.input, &settings)?;
    input_settings.progress = output.progress;
    // The staging folder first: an output folder that cannot be written is found before any work.
    let staging = Staging::new(&args.out)?;
    let analysis = analyse(&args.inputs, &input_settings, &options)?;
    let blocked = analysis.has_broken_file() || (analysis.has_errors() && !args.keep_going);
    let summary = analysis.summary.clone();
    let summary_line =
        |wrote: bool| report::text::summary_line(&summary, analysis.inputs.len(), wrote);

    if analysis.has_broken_file() {
        let mut report = ReportSink::new(&analysis, args.report, false, output, stderr)?;
        if report.needs_rows() {
            analysis.replay(&mut |item| report.add_item(&item))?;
        }
        report.finish(&analysis.summary)?;
        let _ = writeln!(
            stderr,
            "{}\nnothing written: an input cannot be converted",
            summary_line(false)
        );
        let code = if analysis.has_unreadable_file() {
            crate::EXIT_FAILURE
        } else {
            crate::EXIT_INPUT_ERRORS
        };
        return Ok(code);
    }

    // The report first, as before any output is written.
    let mut report = ReportSink::new(&analysis, args.report, !blocked, output, stderr)?;
    // One pass over the rows writes every output: this thread plans the rows (beside the one that reads
    // them), a third writes them.
    let facts = analysis.facts();
    let accounts = Accounts::new(&options.accounts, options.existing.as_ref());
    let review_failed = report::review::failed(args.out.join("review.xlsx"));
    let review =
        report::review::ReviewWriter::new(&facts, Some(staging.dir())).map_err(&review_failed)?;
    let imports = ImportFiles {
        staging: &staging,
        open: BTreeMap::new(),
        written: BTreeMap::new(),
    };
    let rejected = match !blocked && analysis.summary.rejected > 0 {
        true => {
            let file = staging.create("rejected.csv")?;
            Some(
                RejectedWriter::new(file, &analysis.inputs, analysis.rejected_extra_cells)
                    .map_err(|e| Error::io(args.out.join("rejected.csv"), e))?,
            )
        }
        false => None,
    };
    let spool_failed = |e: std::io::Error| Error::io(&args.out, e);
    let records = match blocked {
        false => Some((
            SalespeopleSpool::new(staging.dir()).map_err(spool_failed)?,
            Views::new(
                &accounts,
                staging.dir(),
                staging.create(views::ROLE_ASSIGNMENTS)?,
                staging.create(views::COUPLING)?,
            )
            .map_err(spool_failed)?,
        )),
        true => None,
    };
    let mut writers = Writers {
        review,
        imports,
        rejected,
        records,
        blocked,
    };
    let (planned, written) = std::thread::scope(|scope| {
        let (sender, receiver) = std::sync::mpsc::sync_channel::<Vec<Written>>(8);
        let policy = &options.accounts;
        let out = &args.out;
        let writing = scope.spawn(move || -> Result<Writers<'_>> {
            for items in receiver {
                for item in items {
                    writers.add(item, &facts, policy, out)?;
                }
            }
            Ok(writers)
        });
        let mut items = Vec::with_capacity(WRITE_CHUNK);
        let mut planned = analysis.replay(&mut |item| {
            report.add_item(&item)?;
            items.push(match item {
                Item::FileDiagnostic(d) => Written::FileDiagnostic(d.clone()),
                Item::Entry(entry) => Written::Entry(entry),
            });
            if items.len() == WRITE_CHUNK {
                let full = std::mem::replace(&mut items, Vec::with_capacity(WRITE_CHUNK));
                // A writing thread that has stopped says why when it is joined.
                sender
                    .send(full)
                    .map_err(|_| Error::Usage("writing stopped".into()))?;
            }
            Ok(())
        });
        if planned.is_ok() && !items.is_empty() {
            planned = sender
                .send(items)
                .map_err(|_| Error::Usage("writing stopped".into()));
        }
        drop(sender);
        let written = writing
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (planned, written)
    });
    // The writing thread's error is the cause when both failed.
    let Writers {
        review,
        imports,
        rejected,
        records,
        ..
    } = written?;
    planned?;
    let progress = crate::progress::Progress::last_stage(
        output.progress,
        started,
        "writing review.xlsx, the manifest and the views, and flushing them to disk",
    );
    let mut outputs = imports.finish(&analysis.batches)?;
    let rejected = rejected
        .map(RejectedWriter::finish)
        .transpose()
        .map_err(|e| Error::io(args.out.join("rejected.csv"), e))?;
    if let Some(file) = rejected.map(StagedFile::finish).transpose()? {
        outputs.push(FileRecord::output(file, None, None));
    }
    let review = review.finish(&facts).map_err(review_failed)?;
    outputs.push(FileRecord::output(
        staging.write("review.xlsx", &review)?,
        None,
        None,
    ));
    drop(review);
    // `{ records }` moves it whole, so the views' outputs stop borrowing the staging folder here.
    if let Some((spool, views)) = { records } {
        let mut inputs = Vec::new();
        for info in &analysis.inputs {
            inputs.push(FileRecord {
                file: info.file.clone(),
                sha256: match &info.stdin_sha256 {
                    Some(sha256) => sha256.clone(),
                    None => sha256_file(&info.path)?,
                },
                sheet: info.sheet.clone(),
                rows: Some(info.rows),
                users: None,
                country: None,
            });
        }
        // The settings files read are inputs too: the config, and the existing users.
        for (path, users) in settings.config.iter().map(|p| (p, None)).chain(
            settings
                .existing
                .iter()
                .map(|p| (p, options.existing.as_ref().map(ExistingUsers::len))),
        ) {
            inputs.push(FileRecord {
                file: path.display().to_string(),
                sha256: sha256_file(path)?,
                sheet: None,
                rows: None,
                users,
                country: None,
            });
        }
        // The views are made from the manifest's records, and the manifest lists them with their hashes.
        let import_files: Vec<&str> = analysis
            .batches
            .iter()
            .map(|b| b.file_name.as_str())
            .collect();
        let mut next_steps = None;
        let (role_assignments, coupling) = views.finish(
            &accounts,
            &crate::manifest::generator(),
            &import_files,
            &mut |name, write| {
                next_steps = Some(staging.write_with(name, |out| write(out))?);
                Ok(())
            },
        )?;
        let mut view_records = Vec::new();
        for written in [
            Some(role_assignments.finish()?),
            Some(coupling.finish()?),
            next_steps,
        ]
        .into_iter()
        .flatten()
        {
            view_records.push(FileRecord::output(written, None, None));
        }
        let mut manifest = Manifest::new(
            spool.finish(),
            &options.domains,
            &options.accounts,
            options.existing.as_ref(),
            inputs,
            outputs.clone(),
            analysis.summary.clone(),
        );
        manifest.outputs.extend(view_records.iter().cloned());
        outputs.extend(view_records);
        staging.write_with("manifest.json", |out| manifest.write_json(out))?;
    }
    staging.commit()?;
    progress.finish();
    // The JSON report once the outputs it speaks of are in place.
    report.finish(&analysis.summary)?;
    if output.verbosity != Verbosity::Quiet {
        for file in &outputs {
            let users = file
                .users
                .map(|n| format!(" ({n} {})", if n == 1 { "user" } else { "users" }))
                .unwrap_or_default();
            let _ = writeln!(
                stderr,
                "wrote {}{users}",
                args.out.join(&file.file).display()
            );
        }
    }
    if blocked {
        let _ = writeln!(
            stderr,
            "{}\nno import file written: fix the {} above (review.xlsx shows each one) and run again, or pass --keep-going to write the valid rows",
            summary_line(false),
            if summary.errors == 0 { "warnings (errors under --strict)" } else { "errors" }
        );
        return Ok(crate::EXIT_INPUT_ERRORS);
    }
    if output.verbosity != Verbosity::Quiet {
        let _ = writeln!(stderr, "wrote {}", args.out.join("manifest.json").display());
    }
    let _ = writeln!(stderr, "{}", summary_line(true));
    if analysis.has_errors() {
        // --keep-going: the valid rows are written, and the exit code still says that some were not.
        return Ok(crate::EXIT_INPUT_ERRORS);
    }
    Ok(crate::EXIT_OK)
}
