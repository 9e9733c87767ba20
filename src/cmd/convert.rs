//! `bc2m365 convert`: plan every input, report, and write the outputs atomically.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use crate::cli::ConvertArgs;
use crate::cmd::{prepare, Ending, ReportSink};
use crate::config::Settings;
use crate::error::{Error, Result};
use crate::m365::entra::{EntraFileWriter, GivenPasswords, Target};
use crate::m365::format::ImportFileWriter;
use crate::manifest::online::{self, OnlineSteps};
use crate::manifest::views::{self, StepFiles, Views};
use crate::manifest::{self, has_record, Accounts, FileRecord, Manifest, RecordSpool};
use crate::plan::accounts::AccountPolicy;
use crate::plan::run::Facts;
use crate::plan::{plan_inputs, Batch, Entry, Item, Plan, PlanOptions};
use crate::report::rejected::RejectedWriter;
use crate::report::review::ReviewWriter;
use crate::report::{self, OutputSettings, Verbosity};
use crate::write::{check_target, in_folder, sha256_file, OutLock, StagedFile, Staging};

pub fn run(args: &ConvertArgs, output: &OutputSettings, stderr: &mut dyn Write) -> Result<Ending> {
    let started = std::time::Instant::now();
    let (settings, options, mut input_settings) =
        prepare(&args.settings, &args.input, args.strict)?;
    crate::read::check_stdin_once(&args.inputs)?;
    // The folder is claimed before it is checked: a second run into it is refused, not raced.
    let _lock = OutLock::take(&args.out)?;
    check_target(&args.out, args.force, &args.inputs)?;
    input_settings.progress = output.progress;
    // The staging folder first: an output folder that cannot be written is found before any work.
    let staging = Staging::new(&args.out)?;
    let mut plan = plan_inputs(&args.inputs, &input_settings, &options, staging.dir())?;
    if plan.has_broken_file() {
        return nothing_written(&mut plan, args, output, stderr);
    }
    let blocked = plan.has_errors() && !args.keep_going;
    // The report first, before any output is written.
    let mut report = ReportSink::new(&plan, args.report, !blocked, output, stderr)?;
    let accounts = Accounts::new(&options.accounts, options.existing.as_ref());
    let passwords = std::mem::take(&mut plan.passwords);
    let mut writers = Writers::new(&plan, &staging, &accounts, blocked, (&args.out, passwords))?;
    let policy = &options.accounts;
    let mut progress = crate::progress::Progress::new(output.progress);
    progress.stage("writing the outputs:");
    let mut rows = 0;
    for item in plan.items() {
        let item = item?;
        report.add_item(&item)?;
        if matches!(item, Item::Entry(_)) {
            rows += 1;
            progress.rows(rows);
        }
        writers.add(item, &plan.facts(), policy)?;
    }
    progress.finish();
    let progress = crate::progress::Progress::last_stage(
        output.progress,
        started,
        "writing review.xlsx, the manifest and the views, and flushing them to disk",
    );
    let outputs = writers.finish(&plan, &staging, &accounts, &settings, &options)?;
    staging.commit()?;
    progress.finish();
    // The JSON report once the outputs it speaks of are in place.
    report.finish(&plan.summary)?;
    say_what_was_written(&plan, args, &outputs, blocked, output, stderr)
}

/// An input that cannot be read or holds no salespeople: the report, and nothing written.
fn nothing_written(
    plan: &mut Plan,
    args: &ConvertArgs,
    output: &OutputSettings,
    stderr: &mut dyn Write,
) -> Result<Ending> {
    let mut report = ReportSink::new(plan, args.report, false, output, stderr)?;
    if matches!(report, ReportSink::Json(_)) {
        for item in plan.items() {
            report.add_item(&item?)?;
        }
    }
    report.finish(&plan.summary)?;
    let summary = report::text::summary_line(&plan.summary, plan.inputs.len(), false);
    let _ = writeln!(
        stderr,
        "{summary}\nnothing written: an input cannot be converted"
    );
    Ok(Ending::of(plan))
}

/// The closing lines on stderr: each file written, then the summary and what to do next.
fn say_what_was_written(
    plan: &Plan,
    args: &ConvertArgs,
    outputs: &[FileRecord],
    blocked: bool,
    output: &OutputSettings,
    stderr: &mut dyn Write,
) -> Result<Ending> {
    if output.verbosity != Verbosity::Quiet {
        for file in outputs {
            let users = file
                .users
                .map(|n| format!(" ({n} {})", if n == 1 { "user" } else { "users" }))
                .unwrap_or_default();
            let path = in_folder(&args.out, &file.file);
            let secret = match file.secret {
                true => " holding initial passwords: delete it once it is uploaded",
                false => "",
            };
            let _ = writeln!(stderr, "wrote {}{users}{secret}", path.display());
        }
    }
    let summary_line = |wrote| report::text::summary_line(&plan.summary, plan.inputs.len(), wrote);
    if blocked {
        let problems = if plan.summary.errors == 0 {
            "warnings (errors under --strict)"
        } else {
            "errors"
        };
        let _ = writeln!(
            stderr,
            "{}\nno import file written: fix the {problems} above (review.xlsx shows each one) and run again, or pass --keep-going to write the valid rows",
            summary_line(false),
        );
        return Ok(Ending::InputErrors);
    }
    let _ = writeln!(stderr, "{}", summary_line(true));
    // --keep-going: the valid rows are written, and the exit code still says that some were not.
    Ok(Ending::of(plan))
}

/// The import files, written as their users go by: one open file per country at a time.
struct ImportFiles<'s> {
    staging: &'s Staging,
    open: BTreeMap<usize, UsersFile<'s>>,
    written: BTreeMap<usize, FileRecord>,
    target: Target,
    /// The passwords a mapped column gave (Microsoft Entra's file).
    passwords: GivenPasswords,
}

/// One file the new users go into, as `--target` has it.
enum UsersFile<'s> {
    M365(ImportFileWriter<StagedFile<'s>>),
    Entra(EntraFileWriter<StagedFile<'s>>),
}

impl<'s> ImportFiles<'s> {
    fn add(&mut self, entry: &Entry, batches: &[Batch], policy: &AccountPolicy) -> Result<()> {
        let (Some(index), Some(row)) = (entry.batch, entry.import()) else {
            return Ok(());
        };
        if !self.open.contains_key(&index) {
            self.open_file(index, batches)?;
        }
        let failed = |e| Error::io(&batches[index].file_name, e);
        match self.open.get_mut(&index) {
            Some(UsersFile::M365(writer)) => writer.add(&row).map_err(failed)?,
            Some(UsersFile::Entra(writer)) => {
                let row_number = entry.location.row.unwrap_or(0);
                let password = (self.passwords)
                    .for_row(entry.input, row_number)
                    .map_err(failed)?;
                // The usage location the manifest gives the new user.
                let usage_location = policy.usage_location_for(&entry.salesperson);
                (writer.add(&row, usage_location.as_deref(), &password)).map_err(failed)?;
            }
            None => {}
        }
        Ok(())
    }

    /// Opens import file `index`; the country's earlier file is complete.
    fn open_file(&mut self, index: usize, batches: &[Batch]) -> Result<()> {
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
        let failed = |e| Error::io(&batches[index].file_name, e);
        let writer = match self.target {
            Target::M365 => UsersFile::M365(ImportFileWriter::new(file).map_err(failed)?),
            Target::Entra => UsersFile::Entra(EntraFileWriter::new(file).map_err(failed)?),
        };
        self.open.insert(index, writer);
        Ok(())
    }

    fn close(&mut self, index: usize, batches: &[Batch]) -> Result<()> {
        let batch = &batches[index];
        let failed = |e| Error::io(&batch.file_name, e);
        let record = match self.open.remove(&index) {
            Some(UsersFile::M365(writer)) => {
                let written = writer.finish().map_err(failed)?.finish()?;
                FileRecord::output(written, Some(batch.users), batch.country.clone())
            }
            // Its passwords differ on every run: listed without a hash (see FileRecord::secret).
            Some(UsersFile::Entra(writer)) => {
                let written = writer.finish().map_err(failed)?.finish()?;
                FileRecord::secret(written, batch.users)
            }
            None => return Ok(()),
        };
        self.written.insert(index, record);
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

/// The manifest's records, people and salespeople, and the views made from them, as the rows go by.
struct Records<'s> {
    people: RecordSpool,
    salespeople: RecordSpool,
    views: Views<StagedFile<'s>>,
    online: OnlineSteps<StagedFile<'s>>,
}

/// Every output written as the rows go by.
struct Writers<'s> {
    out: &'s Path,
    review: ReviewWriter,
    imports: ImportFiles<'s>,
    rejected: Option<RejectedWriter<StagedFile<'s>>>,
    records: Option<Records<'s>>,
    /// Errors stop the import: only the review is written.
    blocked: bool,
}

impl<'s> Writers<'s> {
    fn new(
        plan: &Plan,
        staging: &'s Staging,
        accounts: &Accounts,
        blocked: bool,
        (out, passwords): (&'s Path, GivenPasswords),
    ) -> Result<Self> {
        let review = ReviewWriter::new(&plan.facts(), !blocked, Some(staging.dir()))
            .map_err(report::review::failed(in_folder(out, "review.xlsx")))?;
        let rejected = match !blocked && plan.summary.rejected > 0 {
            true => {
                let file = staging.create("rejected.csv")?;
                let writer = RejectedWriter::new(file, &plan.inputs, plan.rejected_extra_cells)
                    .map_err(|e| Error::io(in_folder(out, "rejected.csv"), e))?;
                Some(writer)
            }
            false => None,
        };
        let spool_failed = |e: std::io::Error| Error::io(out, e);
        let records = match blocked {
            false => Some(Records {
                people: RecordSpool::new(staging.dir()).map_err(spool_failed)?,
                salespeople: RecordSpool::new(staging.dir()).map_err(spool_failed)?,
                views: Views::new(
                    accounts,
                    staging.dir(),
                    staging.create(views::ROLE_ASSIGNMENTS)?,
                    staging.create(views::COUPLING)?,
                )
                .map_err(spool_failed)?,
                online: OnlineSteps::new(
                    staging.dir(),
                    staging.create(online::LICENCES)?,
                    staging.create(online::ROLES)?,
                )
                .map_err(spool_failed)?,
            }),
            true => None,
        };
        let imports = ImportFiles {
            staging,
            open: BTreeMap::new(),
            written: BTreeMap::new(),
            target: plan.target,
            passwords,
        };
        Ok(Writers {
            out,
            review,
            imports,
            rejected,
            records,
            blocked,
        })
    }

    fn add(&mut self, item: Item, facts: &Facts<'_>, policy: &AccountPolicy) -> Result<()> {
        if let (Item::Entry(entry), false) = (&item, self.blocked) {
            self.add_to_outputs(entry, facts, policy)?;
        }
        // The error's path is made only for an error: this runs for every row.
        let out = self.out;
        self.review
            .add(&item, facts)
            .map_err(|e| report::review::failed(in_folder(out, "review.xlsx"))(e))
    }

    fn add_to_outputs(
        &mut self,
        entry: &Entry,
        facts: &Facts<'_>,
        policy: &AccountPolicy,
    ) -> Result<()> {
        let out = self.out;
        self.imports.add(entry, facts.batches, policy)?;
        if let Some(rejected) = self.rejected.as_mut() {
            rejected
                .add(entry, &facts.inputs[entry.input])
                .map_err(|e| Error::io(in_folder(out, "rejected.csv"), e))?;
        }
        if let Some(records) = self.records.as_mut() {
            if has_record(entry) {
                let failed = |e| Error::io(out, e);
                let mut record = manifest::record(entry, facts.batches, policy, facts.people);
                // First: it names the coupling's package in the record.
                records.online.add(&mut record).map_err(failed)?;
                let person = manifest::person_record(entry, &record, facts.people);
                if let Some(person) = &person {
                    records.people.add(person).map_err(failed)?;
                }
                records.salespeople.add(&record).map_err(failed)?;
                records
                    .views
                    .add(&record, person.as_ref())
                    .map_err(failed)?;
            }
        }
        Ok(())
    }

    /// Closes every output and writes what is made at the end: review.xlsx, the views, the manifest.
    fn finish(
        self,
        plan: &Plan,
        staging: &Staging,
        accounts: &Accounts,
        settings: &Settings,
        options: &PlanOptions,
    ) -> Result<Vec<FileRecord>> {
        let review_failed = report::review::failed(in_folder(self.out, "review.xlsx"));
        let mut outputs = self.imports.finish(&plan.batches)?;
        if let Some(rejected) = self.rejected {
            let file = rejected
                .finish()
                .map_err(|e| Error::io(in_folder(self.out, "rejected.csv"), e))?;
            outputs.push(FileRecord::output(file.finish()?, None, None));
        }
        let review = self.review.finish(&plan.facts()).map_err(review_failed)?;
        let written = staging.write("review.xlsx", &review)?;
        outputs.push(FileRecord::output(written, None, None));
        drop(review);
        if let Some(records) = self.records {
            let inputs = input_records(plan, settings, options)?;
            let views = records.views.for_target(plan.target);
            let written = write_views((views, records.online), plan, staging, accounts, settings)?;
            let mut manifest = Manifest::new(
                (records.people.finish(), records.salespeople.finish()),
                &options.domains,
                &options.accounts,
                options.existing.as_ref(),
                inputs,
                outputs.clone(),
                plan.summary.clone(),
            );
            manifest.outputs.extend(written.iter().cloned());
            outputs.extend(written);
            let manifest_written =
                staging.write_with("manifest.json", |out| manifest.write_json(out))?;
            outputs.push(FileRecord::output(manifest_written, None, None));
        }
        Ok(outputs)
    }
}

/// The manifest's inputs with their hashes: the inputs read, the config, and the existing users.
fn input_records(
    plan: &Plan,
    settings: &Settings,
    options: &PlanOptions,
) -> Result<Vec<FileRecord>> {
    let mut inputs = Vec::new();
    for info in &plan.inputs {
        inputs.push(FileRecord {
            file: info.file.clone(),
            sha256: match &info.stream_sha256 {
                Some(sha256) => sha256.clone(),
                None => sha256_file(&info.path)?,
            },
            sheet: info.sheet.clone(),
            rows: Some(info.rows),
            users: None,
            country: None,
            holds: None,
            secret: false,
        });
    }
    let config = settings.config.iter().map(|p| (p, None));
    let existing_users = (options.existing.as_ref()).map(|e| (e.len(), e.kind.to_string()));
    let existing = settings
        .existing
        .iter()
        .map(|p| (p, existing_users.clone()));
    for (path, users) in config.chain(existing) {
        let (users, holds) = users.unzip();
        inputs.push(FileRecord {
            file: path.display().to_string(),
            sha256: sha256_file(path)?,
            sheet: None,
            rows: None,
            users,
            country: None,
            holds,
            secret: false,
        });
    }
    Ok(inputs)
}

/// The views made from the manifest's records (role assignments, coupling, next steps) and the online
/// steps (the scripts, their data and settings, the coupling packages), listed in the manifest with
/// their hashes.
fn write_views(
    (views, online): (Views<StagedFile<'_>>, OnlineSteps<StagedFile<'_>>),
    plan: &Plan,
    staging: &Staging,
    accounts: &Accounts,
    settings: &Settings,
) -> Result<Vec<FileRecord>> {
    let generator = manifest::generator();
    let mut packages = Vec::new();
    let (licences, roles, coupling_files) = online.finish(&mut |name, bytes| {
        packages.push(staging.write(name, bytes)?);
        Ok(())
    })?;
    let files = StepFiles {
        batches: &plan.batches,
        online: &settings.online,
        coupling_files: &coupling_files,
    };
    let mut next_steps = None;
    let (role_assignments, coupling) =
        views.finish(accounts, &generator, &files, &mut |name, write| {
            next_steps = Some(staging.write_with(name, |out| write(out))?);
            Ok(())
        })?;
    let settings_json = online::settings_json(&settings.online, &generator);
    let written = [
        Some(role_assignments.finish()?),
        Some(coupling.finish()?),
        next_steps,
        Some(staging.write(online::SET_LICENCES, online::SET_LICENCES_SCRIPT.as_bytes())?),
        Some(licences.finish()?),
        Some(staging.write(online::ASSIGN_ROLES, online::ASSIGN_ROLES_SCRIPT.as_bytes())?),
        Some(roles.finish()?),
        Some(staging.write(online::ONLINE_SETTINGS, &settings_json)?),
    ];
    Ok(written
        .into_iter()
        .flatten()
        .chain(packages)
        .map(|file| FileRecord::output(file, None, None))
        .collect())
}
