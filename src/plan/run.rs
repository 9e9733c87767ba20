//! Planning every input of a run, each row once: read and checked on its own, its first step taken as
//! it arrives, and planned whole then unless its user name must be built from its name; those rows wait
//! in a store of their own until every row's first step is taken. Every row is kept once, in a
//! [`RowStore`], for the outputs.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};

use crate::bc::fields::header_key;
use crate::bc::{ColumnMap, Field};
use crate::check::set::{Source, Sources, MAX_INPUTS};
use crate::diagnostic::{rules, Diagnostic};
use crate::error::{Error, Result};
use crate::m365::batch::{batches, Batch, BatchCursor};
use crate::m365::entra::{GivenPasswords, Target};
use crate::plan::guard::last_checks;
use crate::plan::input::{open_input, InputKind, InputSettings};
use crate::plan::keys::starts_a_person;
use crate::plan::people::People;
use crate::plan::rows::{open_failure, read_beside, RowReader};
use crate::plan::store::{RowStore, StoredRows};
use crate::plan::tally::{Counts, ReportSample, Sample, Stage};
use crate::plan::{finish, AliasAhead, Entry, KeySets, NameBuilder, Outcome, PlanOptions, Summary};
use crate::progress::Progress;
use crate::read::{self, InputFormat};

/// What was read from one input file.
#[derive(Debug, Clone)]
pub struct InputInfo {
    pub path: PathBuf,
    pub file: String,
    /// `None` when the file could not be read.
    pub format: Option<InputFormat>,
    pub sheet: Option<String>,
    pub header_row: u64,
    pub header: Vec<String>,
    /// A Business Central export, or a Microsoft 365 import file.
    pub kind: InputKind,
    pub columns: ColumnMap,
    /// Data rows read, empty ones between data rows included.
    pub rows: u64,
    /// The input's Business Central company (`--company`, else the file name without extension).
    pub company: String,
    /// Whether the rows name their company in a Company column (empty cells are the input's company).
    pub company_column: bool,
    /// The SHA-256 of what was read from stdin or a named pipe; files are hashed when the manifest is
    /// written.
    pub stream_sha256: Option<String>,
}

impl InputInfo {
    fn new(path: &Path) -> Self {
        InputInfo {
            path: path.to_path_buf(),
            file: read::display_name(path),
            format: None,
            sheet: None,
            header_row: 0,
            header: Vec::new(),
            kind: InputKind::Salespeople,
            columns: ColumnMap::default(),
            rows: 0,
            company: String::new(),
            company_column: false,
            stream_sha256: None,
        }
    }
}

/// One thing the outputs are written from, in report order: a problem of a whole file or header, or a
/// planned row with its problems.
pub enum Item {
    FileDiagnostic(Diagnostic),
    Entry(Box<Entry>),
}

/// What is known of a run as a whole, apart from its rows: what every output written beside the rows
/// needs.
#[derive(Clone, Copy)]
pub struct Facts<'a> {
    pub inputs: &'a [InputInfo],
    pub file_diagnostics: &'a [Diagnostic],
    pub summary: &'a Summary,
    pub batches: &'a [Batch],
    pub people: &'a People,
}

/// A planned run: every row planned once and stored, the problems of whole files, the counts, and the
/// import files.
pub struct Plan {
    pub inputs: Vec<InputInfo>,
    /// Problems of whole files and headers; row problems come with the rows (see [`Plan::items`]).
    pub file_diagnostics: Vec<Diagnostic>,
    /// The import files, in order of country.
    pub batches: Vec<Batch>,
    pub summary: Summary,
    pub strict: bool,
    /// The most cells past its header that a rejected row has (rejected.csv's extra columns).
    pub rejected_extra_cells: usize,
    /// What the text report shows, in order, and the counts of what it does not.
    pub report: ReportSample,
    /// The people of a run of several companies, with their salesperson records.
    pub people: People,
    /// Which file the new users are written into.
    pub target: Target,
    /// The initial passwords a mapped Password column gave, by row.
    pub passwords: GivenPasswords,
    rows: Option<PlannedRows>,
}

/// A row in the store of every row: planned whole, or waiting for its built user name (then it is the
/// next of the rows whose user names were built).
#[derive(serde::Serialize, serde::Deserialize)]
enum Stored {
    Planned(Box<Entry>),
    Waiting,
}

/// The planned rows as the outputs read them: every row in input order, and apart, in the same order,
/// the rows whose user names were built once every row's first step was taken. Each row is stored once.
struct PlannedRows {
    rows: StoredRows<Stored>,
    built: StoredRows<Entry>,
}

impl PlannedRows {
    fn next(&mut self) -> Option<Result<Entry>> {
        Some(match self.rows.next()? {
            Ok(Stored::Planned(entry)) => Ok(*entry),
            Ok(Stored::Waiting) => self.built.next()?,
            Err(error) => Err(error),
        })
    }
}

impl Plan {
    /// Whether the problems stop the import: an error, or under `--strict` a warning.
    pub fn has_errors(&self) -> bool {
        self.summary.errors > 0 || (self.strict && self.summary.warnings > 0)
    }

    /// A file that could not be read at all (S008, or over a limit): the run exits 2 and writes nothing.
    pub fn has_unreadable_file(&self) -> bool {
        self.file_diagnostics
            .iter()
            .any(|d| d.rule == &rules::UNREADABLE_FILE || d.rule == &rules::LIMIT_EXCEEDED)
    }

    /// A file that could not be read, or holds no salespeople: nothing is written.
    pub fn has_broken_file(&self) -> bool {
        self.has_unreadable_file()
            || self
                .file_diagnostics
                .iter()
                .any(|d| d.rule == &rules::NO_DATA)
    }

    pub fn facts(&self) -> Facts<'_> {
        Facts {
            inputs: &self.inputs,
            file_diagnostics: &self.file_diagnostics,
            summary: &self.summary,
            batches: &self.batches,
            people: &self.people,
        }
    }

    /// The planned rows, each with its import file, and each file problem before the rows of its file
    /// that come after it: the order of the reports. They can be taken once.
    pub fn items(&mut self) -> Items {
        let mut queues: Vec<VecDeque<Diagnostic>> = vec![VecDeque::new(); self.inputs.len().max(1)];
        // A problem of no known input (the special accounts') goes with the first.
        let mut by_input: Vec<(usize, &Diagnostic)> = self
            .file_diagnostics
            .iter()
            .map(|d| (input_of(&self.inputs, d).unwrap_or(0), d))
            .collect();
        by_input.sort_by_key(|(input, d)| (*input, d.location.row.unwrap_or(0)));
        for (input, d) in by_input {
            queues[input].push_back(d.clone());
        }
        Items {
            rows: self.rows.take(),
            peeked: None,
            queues,
            current: 0,
            cursor: BatchCursor::new(&self.batches, self.target),
        }
    }
}

/// Which input a file problem is of.
pub fn input_of(inputs: &[InputInfo], d: &Diagnostic) -> Option<usize> {
    inputs.iter().position(|i| *i.file == *d.location.file)
}

/// The items of a plan, in report order (see [`Plan::items`]).
pub struct Items {
    rows: Option<PlannedRows>,
    peeked: Option<Entry>,
    queues: Vec<VecDeque<Diagnostic>>,
    /// The input whose file problems come next.
    current: usize,
    cursor: BatchCursor,
}

impl Items {
    fn next_file_problem(&mut self, before: Option<(usize, u64)>) -> Option<Diagnostic> {
        let last = before.map_or(self.queues.len() - 1, |(input, _)| input);
        while self.current < last {
            if let Some(d) = self.queues[self.current].pop_front() {
                return Some(d);
            }
            self.current += 1;
        }
        let queue = &mut self.queues[last];
        match before {
            Some((_, row)) if queue.front()?.location.row.unwrap_or(0) > row => None,
            _ => queue.pop_front(),
        }
    }

    fn peek(&mut self) -> Result<Option<&Entry>> {
        if self.peeked.is_none() {
            self.peeked = self.rows.as_mut().and_then(PlannedRows::next).transpose()?;
        }
        Ok(self.peeked.as_ref())
    }
}

impl Iterator for Items {
    type Item = Result<Item>;

    fn next(&mut self) -> Option<Result<Item>> {
        let last_input = self.queues.len() - 1;
        let place = match self.peek() {
            Ok(entry) => entry.map(|e| (e.input.min(last_input), e.location.row.unwrap_or(0))),
            Err(error) => return Some(Err(error)),
        };
        if let Some(d) = self.next_file_problem(place) {
            return Some(Ok(Item::FileDiagnostic(d)));
        }
        let mut entry = self.peeked.take()?;
        if entry.outcome == Outcome::Written {
            entry.batch = self.cursor.assign(entry.country());
        }
        Some(Ok(Item::Entry(Box::new(entry))))
    }
}

/// Reads and plans every input, keeping every planned row for the outputs ([`Plan::items`]).
pub fn plan_inputs(
    paths: &[PathBuf],
    settings: &InputSettings,
    options: &PlanOptions,
    spill_dir: &Path,
) -> Result<Plan> {
    plan(paths, settings, options, spill_dir, true)
}

/// Reads and plans every input for the counts and the text report alone: the planned rows are not
/// kept ([`Plan::items`] gives only the problems of whole files).
pub fn count_inputs(
    paths: &[PathBuf],
    settings: &InputSettings,
    options: &PlanOptions,
    spill_dir: &Path,
) -> Result<Plan> {
    plan(paths, settings, options, spill_dir, false)
}

fn plan(
    paths: &[PathBuf],
    settings: &InputSettings,
    options: &PlanOptions,
    spill_dir: &Path,
    keep_rows: bool,
) -> Result<Plan> {
    if paths.len() > MAX_INPUTS {
        return Err(Error::Usage(format!(
            "{} inputs given; one run reads at most {MAX_INPUTS}",
            paths.len()
        )));
    }
    let mut first = FirstSteps::new(options, settings, spill_dir, keep_rows);
    if paths.len() > 1 {
        first.people.start();
    }
    for (index, path) in paths.iter().enumerate() {
        first.read_input(index, path)?;
    }
    first.check_map()?;
    check_companies(paths, &settings.companies)?;
    first.last_steps()
}

/// A record rejected after its first step: as a person's first record, it is joined by no later one;
/// as a record that joined a person, it leaves. A record that stands gives the person its user name.
fn settle_person(entry: &Entry, people: &mut People) {
    match (entry.outcome, entry.person, &entry.upn) {
        (Outcome::Rejected, Some(id), _) => people.forget(id, &entry.location),
        (outcome, Some(id), Some(upn)) if starts_a_person(outcome) => people.set_upn(id, upn),
        _ => {}
    }
}

/// Every `--company FILE=...` names an input: a misspelt one would silently leave its file in another
/// company.
pub fn check_companies(paths: &[PathBuf], companies: &crate::plan::input::Companies) -> Result<()> {
    use crate::plan::input::Companies;
    for (file, company) in companies.from_flags() {
        if !paths.iter().any(|path| Companies::names(file, path)) {
            return Err(Error::Usage(format!(
                "--company {file}={company}: no input is {file:?}; give the file as on the command line, or its file name"
            )));
        }
    }
    Ok(())
}

/// The rows' first steps, over every input: what they found, and the rows stored. A row whose user name
/// need not be built from its name needs no other row's first step: it is planned whole at once.
struct FirstSteps<'a> {
    options: &'a PlanOptions,
    settings: &'a InputSettings,
    spill_dir: &'a Path,
    /// Whether the planned rows are kept for the outputs; the rows waiting for a built user name are
    /// stored either way.
    keep_rows: bool,
    counts: Counts,
    sample: Sample,
    /// The rows waiting for a built user name, apart from the others.
    waiting: RowStore<Entry>,
    inputs: Vec<InputInfo>,
    file_diagnostics: Vec<Diagnostic>,
    /// Every header cell of every input, for `--map`'s check.
    headers_seen: Vec<String>,
    sources: Sources,
    keys: KeySets,
    /// The people of a run whose rows can be of several companies.
    people: People,
    /// The initial passwords of a mapped Password column, taken from the rows as they arrive.
    passwords: GivenPasswords,
    rows: RowStore<Stored>,
    progress: Progress,
}

impl<'a> FirstSteps<'a> {
    fn new(
        options: &'a PlanOptions,
        settings: &'a InputSettings,
        spill_dir: &'a Path,
        keep_rows: bool,
    ) -> Self {
        FirstSteps {
            options,
            settings,
            spill_dir,
            keep_rows,
            counts: Counts::default(),
            sample: Sample::default(),
            waiting: RowStore::new(spill_dir),
            inputs: Vec::new(),
            file_diagnostics: Vec::new(),
            headers_seen: Vec::new(),
            sources: Sources::default(),
            keys: KeySets::default(),
            people: People::default(),
            passwords: GivenPasswords::default(),
            rows: RowStore::new(spill_dir),
            progress: Progress::new(settings.progress),
        }
    }

    /// Reads one input and takes each row's first step; an input that cannot be read keeps its place
    /// with a finding.
    fn read_input(&mut self, index: usize, path: &Path) -> Result<()> {
        let mut info = InputInfo::new(path);
        self.progress.stage(format!("reading {}:", info.file));
        let table = match open_input(path, self.settings) {
            Ok(table) => table,
            Err(error) => {
                self.file_diagnostics.push(open_failure(error, &info.file)?);
                self.not_read(info);
                return Ok(());
            }
        };
        self.headers_seen.extend(table.header.iter().cloned());
        let (format, sheet, header_row) = (table.format, table.sheet.clone(), table.header_row);
        let (header, stream) = (table.header.clone(), table.stream.clone());
        let diagnostics_before = self.file_diagnostics.len();
        let ahead = AliasAhead::new(self.options);
        let mut reader = RowReader::new(
            index,
            table,
            self.settings,
            ahead,
            &mut self.file_diagnostics,
        );
        if reader.header_over_limit {
            self.not_read(info);
            return Ok(());
        }
        reader.company = self.settings.companies.of(path);
        info.company.clone_from(&reader.company);
        info.company_column = reader.columns.column(Field::Company).is_some();
        if info.company_column {
            self.people.start();
        }
        info.format = Some(format);
        info.sheet = sheet;
        info.header_row = header_row;
        info.header = header;
        info.kind = reader.kind;
        info.columns = reader.columns.clone();
        self.sources.inputs.push(Source {
            file: reader.base.file.clone(),
            sheet: reader.base.sheet.clone(),
            columns: reader.columns.clone(),
        });
        let header_location = reader.header_location.clone();
        info.rows = self.first_steps(reader, info.header.len())?;
        info.stream_sha256 = stream.map(|digest| digest.sha256());
        let stopped = self.file_diagnostics[diagnostics_before..]
            .iter()
            .any(|d| d.rule == &rules::UNREADABLE_FILE);
        if info.rows == 0 && !stopped {
            self.file_diagnostics.push(Diagnostic::new(
                &rules::NO_DATA,
                header_location,
                "the file holds a header and no salespeople",
            ));
        }
        self.inputs.push(info);
        Ok(())
    }

    /// Each row's first step, as the reading thread hands the rows on; a row that needs no built user
    /// name is planned whole at once. The rows are stored (those planned whole only when kept).
    fn first_steps(&mut self, reader: RowReader, header_len: usize) -> Result<u64> {
        let FirstSteps {
            options,
            keep_rows,
            counts,
            sample,
            waiting,
            keys,
            sources,
            rows,
            progress,
            file_diagnostics,
            people,
            passwords,
            ..
        } = self;
        let mut seen = 0;
        read_beside(reader, file_diagnostics, &mut |mut row| {
            if let Some(password) = row.password.take() {
                passwords.insert(row.input, row.location.row.unwrap_or(0), password);
            }
            let mut entry = keys.first_step(row, options, sources, people);
            seen += 1;
            progress.rows(seen);
            if entry.needs_built_name() {
                match keep_rows {
                    true => rows.push(Stored::Waiting)?,
                    // Only the outputs show the cells as read: counted alone, a row waits without them.
                    false => entry.cells = Vec::new(),
                }
                return waiting.push(entry);
            }
            last_checks(&mut entry, options, sources);
            settle_person(&entry, people);
            counts.add(&entry, header_len);
            sample.add_entry(&entry, Stage::First);
            match keep_rows {
                true => rows.push(Stored::Planned(Box::new(entry))),
                false => Ok(()),
            }
        })
    }

    /// Records an input whose rows are not read: it keeps its place among the inputs.
    fn not_read(&mut self, info: InputInfo) {
        self.sources.inputs.push(Source {
            file: info.file.as_str().into(),
            ..Source::default()
        });
        self.inputs.push(info);
    }

    /// Every `--map` names a column some input has: a misspelt one would silently map nothing.
    fn check_map(&self) -> Result<()> {
        for (field, header) in self.settings.map.entries() {
            let found = self
                .headers_seen
                .iter()
                .any(|h| header_key(h) == header_key(header));
            if !found {
                return Err(Error::Usage(format!(
                    "--map {}={header}: no input has a column \"{header}\"",
                    field.map_name()
                )));
            }
        }
        Ok(())
    }

    /// The steps that need every row's first step (user names built from names, the output guard,
    /// the special accounts), over the stored rows in input order; then the counts and import files.
    fn last_steps(mut self) -> Result<Plan> {
        self.progress.stage("planning");
        let mut built = RowStore::new(self.spill_dir);
        let mut names = NameBuilder::default();
        let (mut counts, mut sample) = (
            std::mem::take(&mut self.counts),
            std::mem::take(&mut self.sample),
        );
        let waiting = std::mem::replace(&mut self.waiting, RowStore::new(self.spill_dir));
        let mut done = 0;
        for entry in waiting.into_rows()? {
            let mut entry = entry?;
            let (keys, sources) = (&self.keys, &self.sources);
            finish(
                &mut entry,
                &mut names,
                keys,
                &mut self.people,
                self.options,
                sources,
            );
            settle_person(&entry, &mut self.people);
            counts.add(&entry, self.inputs[entry.input].header.len());
            sample.add_entry(&entry, Stage::Last);
            if self.keep_rows {
                built.push(entry)?;
            }
            done += 1;
            self.progress.rows(done);
        }
        self.progress.finish();
        let salespeople = self.inputs.iter().any(|i| i.kind == InputKind::Salespeople);
        self.file_diagnostics
            .extend(self.options.accounts.check(salespeople));
        for (k, d) in self.file_diagnostics.iter().enumerate() {
            sample.add_file(input_of(&self.inputs, d).unwrap_or(0), k, d);
        }
        counts.add_diagnostics(&self.file_diagnostics);
        let batches = batches(&counts.written_by_country, self.options.target);
        Ok(Plan {
            summary: counts.summary(batches.len()),
            inputs: self.inputs,
            file_diagnostics: self.file_diagnostics,
            batches,
            strict: self.options.strict,
            rejected_extra_cells: counts.rejected_extra,
            report: sample.finish(),
            people: std::mem::take(&mut self.people),
            target: self.options.target,
            passwords: std::mem::take(&mut self.passwords),
            rows: Some(PlannedRows {
                rows: std::mem::replace(&mut self.rows, RowStore::new(self.spill_dir))
                    .into_rows()?,
                built: built.into_rows()?,
            }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Outcome;

    /// Plans `csv` (a Business Central export) for contoso.com: each row's outcome, user name and codes.
    fn planned(csv: &str) -> Vec<(Outcome, Option<String>, Vec<&'static str>)> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("export.csv");
        std::fs::write(&path, csv).unwrap();
        let options = PlanOptions {
            domains: vec!["contoso.com".into()],
            ..PlanOptions::default()
        };
        let mut plan =
            plan_inputs(&[path], &InputSettings::default(), &options, dir.path()).unwrap();
        plan.items()
            .filter_map(|item| match item.unwrap() {
                Item::Entry(entry) => Some((
                    entry.outcome,
                    entry.upn.as_ref().map(|u| u.as_str().to_string()),
                    entry.diagnostics.iter().map(|d| d.code()).collect(),
                )),
                Item::FileDiagnostic(_) => None,
            })
            .collect()
    }

    #[test]
    fn a_built_user_name_that_is_taken_gets_the_next_free_number_in_input_order() {
        let rows = planned(
            "Code,Name,E-Mail\n\
             S1,Jan Peeters,\n\
             S2,Jan Peeters,\n\
             S3,Someone Else,jan.peeters3@contoso.com\n\
             S4,Jan Peeters,\n",
        );
        let upns: Vec<_> = rows
            .iter()
            .map(|(_, upn, _)| upn.as_deref().unwrap())
            .collect();
        // jan.peeters3 is taken by an Email, though its row comes later: every Email's user name is
        // known before the first name is built.
        assert_eq!(
            upns,
            [
                "jan.peeters@contoso.com",
                "jan.peeters2@contoso.com",
                "jan.peeters3@contoso.com",
                "jan.peeters4@contoso.com"
            ]
        );
        assert!(rows[1].2.contains(&"U004"), "{:?}", rows[1]);
        assert!(rows
            .iter()
            .all(|(outcome, ..)| *outcome == Outcome::Written));
    }

    #[test]
    fn the_first_of_a_duplicate_is_written_and_the_second_rejected() {
        let rows = planned(
            "Code,Name,E-Mail\n\
             S1,An Maes,an.maes@contoso.com\n\
             S1,Bo Maes,bo.maes@contoso.com\n\
             S3,Cas Maes,an.maes@contoso.com\n",
        );
        assert_eq!(rows[0].0, Outcome::Written);
        assert_eq!(
            (rows[1].0, rows[1].2.clone()),
            (Outcome::Rejected, vec!["D001"])
        );
        assert_eq!(
            (rows[2].0, rows[2].2.clone()),
            (Outcome::Rejected, vec!["D002"])
        );
    }

    #[test]
    fn an_email_on_another_domain_becomes_the_alternate_email_and_a_name_is_built() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("export.csv");
        std::fs::write(&path, "Code,Name,E-Mail\nS1,An Maes,an@gmail.com\n").unwrap();
        let options = PlanOptions {
            domains: vec!["contoso.com".into()],
            ..PlanOptions::default()
        };
        let mut plan =
            plan_inputs(&[path], &InputSettings::default(), &options, dir.path()).unwrap();
        let entry = plan
            .items()
            .find_map(|item| match item.unwrap() {
                Item::Entry(entry) => Some(entry),
                Item::FileDiagnostic(_) => None,
            })
            .unwrap();
        assert_eq!(entry.upn.unwrap().as_str(), "an.maes@contoso.com");
        assert!(!entry.upn_from_email);
        assert_eq!(entry.alternate_email, "an@gmail.com");
        assert_eq!(plan.batches.len(), 1);
        assert_eq!(entry.batch, Some(0));
    }

    #[test]
    fn blocked_and_empty_rows_are_skipped_with_their_reason_wherever_they_are() {
        let rows = planned(
            "Code,Name,E-Mail,Blocked\n\
             S1,An Maes,,Yes\n\
             ,,,\n\
             S2,Bo Maes,,No\n\
             ,,,\n",
        );
        let outcomes: Vec<_> = rows.iter().map(|(outcome, ..)| *outcome).collect();
        assert_eq!(
            outcomes,
            [
                Outcome::Skipped(crate::normalize::salesperson::SkipReason::Blocked),
                Outcome::Skipped(crate::normalize::salesperson::SkipReason::EmptyRow),
                Outcome::Written,
                Outcome::Skipped(crate::normalize::salesperson::SkipReason::EmptyRow),
            ]
        );
    }
}
