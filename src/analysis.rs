//! Reading, checking and planning every input: what `convert` and `validate` share.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::bc::fields::header_key;
use crate::bc::{recognise_header, ColumnMap};
use crate::check::row::{check_import_row, check_row, import_file_columns};
use crate::check::set::{RowPos, Source, Sources, MAX_INPUTS};
use crate::diagnostic::{rules, Diagnostic, Location, Severity};
use crate::error::{Error, Result};
use crate::input::{
    encoding_note, header_location, open_input, reopen_input, InputKind, InputSettings,
};
use crate::m365::format::ImportColumn;
use crate::m365::ImportHeader;
use crate::manifest::Summary;
use crate::normalize::salesperson::{Salesperson, SkipReason};
use crate::normalize::username::Alias;
use crate::plan::{
    batches, finish, guard, AliasAhead, Batch, BatchCursor, Entry, KeySets, NameBuilder, Outcome,
    PlanOptions, RowInput, RowKind,
};
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
    /// The SHA-256 of what was read from stdin; files are hashed when the manifest is written.
    pub stdin_sha256: Option<String>,
}

/// Everything learnt from the inputs in a first pass: what was read, the problems of whole files, the
/// counts, and the import files. The rows themselves are not kept: [`Analysis::replay`] reads them again
/// and plans each one exactly as the first pass did, so memory holds keys and counts, never the rows.
pub struct Analysis {
    pub inputs: Vec<InputInfo>,
    /// Problems of whole files and headers; row problems come with the rows (see [`Analysis::replay`]).
    pub file_diagnostics: Vec<Diagnostic>,
    /// The import files, in order of country.
    pub batches: Vec<Batch>,
    pub summary: Summary,
    pub strict: bool,
    /// The most cells past its header that a rejected row has (rejected.csv's extra columns).
    pub rejected_extra_cells: usize,
    /// What the text report shows, in order, and the counts of what it does not.
    report: ReportSample,
    settings: InputSettings,
    options: PlanOptions,
    sources: Sources,
    keys: std::cell::RefCell<KeySets>,
    /// Per input: its size and modification time when first read, to find a file changed between passes.
    stamps: Vec<Option<FileStamp>>,
    stdin: Option<Arc<[u8]>>,
}

/// One thing the second pass hands on, in report order: a problem of a whole file or header, or a row
/// with its problems.
pub enum Item<'a> {
    FileDiagnostic(&'a Diagnostic),
    Entry(Box<Entry>),
}

/// What was learnt of a run as a whole: what the outputs written beside the rows need, apart from the
/// means to read the rows again, so that it can be shared with a thread that writes.
#[derive(Clone, Copy)]
pub struct Facts<'a> {
    pub inputs: &'a [InputInfo],
    pub file_diagnostics: &'a [Diagnostic],
    pub summary: &'a Summary,
    pub batches: &'a [Batch],
}

impl Analysis {
    /// Whether the problems stop the import: an error, or under `--strict` a warning.
    pub fn has_errors(&self) -> bool {
        self.summary.errors > 0 || (self.strict && self.summary.warnings > 0)
    }

    /// A file that could not be read at all (S008): the run exits 2 and writes nothing.
    pub fn has_unreadable_file(&self) -> bool {
        self.file_diagnostics
            .iter()
            .any(|d| d.rule == &rules::UNREADABLE_FILE || d.rule == &rules::LIMIT_EXCEEDED)
    }

    /// A file that could not be read, or holds no salespeople: nothing is written.
    pub fn has_broken_file(&self) -> bool {
        self.file_diagnostics.iter().any(|d| {
            d.rule == &rules::UNREADABLE_FILE
                || d.rule == &rules::NO_DATA
                || d.rule == &rules::LIMIT_EXCEEDED
        })
    }

    /// The text report (see [`crate::report::text`]), errors only when asked: made from the first pass,
    /// which kept the first diagnostics of each code and counted the rest.
    pub fn text_report(&self, errors_only: bool, color: bool) -> String {
        let keep = |severity: Severity| !errors_only || severity == Severity::Error;
        let shown: Vec<&Diagnostic> = self
            .report
            .shown
            .iter()
            .filter(|d| keep(d.severity()))
            .collect();
        let hidden: Vec<(&'static str, Severity, u64)> = self
            .report
            .hidden
            .iter()
            .copied()
            .filter(|(_, severity, _)| keep(*severity))
            .collect();
        crate::report::text::render_counted(&shown, &hidden, color)
    }

    pub fn facts(&self) -> Facts<'_> {
        Facts {
            inputs: &self.inputs,
            file_diagnostics: &self.file_diagnostics,
            summary: &self.summary,
            batches: &self.batches,
        }
    }

    /// The options the rows were planned with.
    pub fn options(&self) -> &PlanOptions {
        &self.options
    }

    /// Reads every input again and hands on each row, planned, in input order, and each file problem
    /// before the rows of its file that come after it: the order of the reports. A file changed since
    /// the first pass is an error, never a silent mix of two versions.
    pub fn replay(&self, each: &mut dyn FnMut(Item<'_>) -> Result<()>) -> Result<()> {
        let mut progress = crate::progress::Progress::new(self.settings.progress);
        // File problems by input, in row order (a problem of no known input goes with the first).
        let mut by_input: Vec<Vec<&Diagnostic>> = vec![Vec::new(); self.inputs.len().max(1)];
        for d in &self.file_diagnostics {
            let input = input_of(&self.inputs, d).unwrap_or(0);
            by_input[input].push(d);
        }
        for list in &mut by_input {
            list.sort_by_key(|d| d.location.row.unwrap_or(0));
        }
        let mut names = NameBuilder::default();
        let mut cursor = BatchCursor::new(&self.batches);
        let mut counts = Counts::default();
        let mut rows_done = 0u64;
        for (index, list) in by_input.iter().enumerate() {
            let mut pending = list.iter().peekable();
            if let Some(info) = self.inputs.get(index).filter(|i| i.format.is_some()) {
                progress.stage(format!("reading {} again:", info.file));
                self.check_unchanged(index)?;
                let stdin = self
                    .stdin
                    .as_ref()
                    .filter(|_| info.path == Path::new(read::STDIN_PATH));
                let table = reopen_input(&info.path, &self.settings, stdin)
                    .map_err(|e| self.changed(index, Some(e)))?;
                let mut scratch = Vec::new();
                let ahead = AliasAhead::new(&self.options);
                let reader = RowReader::new(index, table, &self.settings, ahead, &mut scratch);
                let rows = read_beside(reader, &mut scratch, &mut |row| {
                    let row_number = row.location.row.unwrap_or(0);
                    while let Some(d) =
                        pending.next_if(|d| d.location.row.unwrap_or(0) <= row_number)
                    {
                        each(Item::FileDiagnostic(d))?;
                    }
                    let mut keys = self.keys.borrow_mut();
                    let mut entry = keys.first_step(row, &self.options, &self.sources);
                    finish(
                        &mut entry,
                        &mut names,
                        &keys,
                        &self.options,
                        &self.sources,
                        None,
                    );
                    drop(keys);
                    cursor.assign(&mut entry);
                    counts.add(&entry, info.header.len());
                    each(Item::Entry(Box::new(entry)))?;
                    rows_done += 1;
                    progress.rows(rows_done);
                    Ok(())
                })?;
                if rows != info.rows {
                    return Err(self.changed(index, None));
                }
            }
            for d in pending {
                each(Item::FileDiagnostic(d))?;
            }
        }
        progress.finish();
        if !counts.agrees_with(&self.summary)
            || counts.rejected_extra != self.rejected_extra_cells
            || !cursor.agrees_with(&self.batches)
        {
            return Err(match self.inputs.len() {
                1 => self.changed(0, None),
                _ => Error::InputsChanged,
            });
        }
        Ok(())
    }

    fn check_unchanged(&self, index: usize) -> Result<()> {
        match &self.stamps[index] {
            Some(stamp) if FileStamp::of(&self.inputs[index].path).as_ref() != Some(stamp) => {
                Err(self.changed(index, None))
            }
            _ => Ok(()),
        }
    }

    fn changed(&self, index: usize, error: Option<Error>) -> Error {
        let path = self
            .inputs
            .get(index)
            .map(|i| i.path.clone())
            .unwrap_or_default();
        Error::Io {
            source: std::io::Error::other(match error {
                Some(error) => format!("it could not be read a second time ({error}); run again"),
                None => "it changed while it was being read; run again once nothing writes to it"
                    .to_string(),
            }),
            path,
        }
    }
}

/// A file's size and modification time.
#[derive(Debug, Clone, PartialEq, Eq)]
struct FileStamp {
    len: u64,
    modified: Option<std::time::SystemTime>,
}

impl FileStamp {
    fn of(path: &std::path::Path) -> Option<FileStamp> {
        let meta = std::fs::metadata(path).ok()?;
        Some(FileStamp {
            len: meta.len(),
            modified: meta.modified().ok(),
        })
    }
}

/// Rows by outcome and problems by severity, as the rows are planned.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct Counts {
    rows: u64,
    written: u64,
    existing: u64,
    coupled: u64,
    skipped: u64,
    rejected: u64,
    empty_rows: u64,
    errors: u64,
    warnings: u64,
    /// The most cells past its header that a rejected row has (rejected.csv's extra columns).
    rejected_extra: usize,
}

impl Counts {
    fn add_outcome(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Written => self.written += 1,
            Outcome::Existing => self.existing += 1,
            Outcome::Coupled => self.coupled += 1,
            Outcome::Skipped(reason) => {
                self.skipped += 1;
                if reason == SkipReason::EmptyRow {
                    self.empty_rows += 1;
                }
            }
            Outcome::Rejected => self.rejected += 1,
        }
    }

    fn add_severity(&mut self, severity: Severity, n: u64) {
        match severity {
            Severity::Error => self.errors += n,
            Severity::Warning => self.warnings += n,
            Severity::Info => {}
        }
    }

    fn add_diagnostics<'a>(&mut self, diagnostics: impl IntoIterator<Item = &'a Diagnostic>) {
        for d in diagnostics {
            self.add_severity(d.severity(), 1);
        }
    }

    fn add(&mut self, entry: &Entry, header_len: usize) {
        self.rows += 1;
        self.add_outcome(entry.outcome);
        self.add_diagnostics(&entry.diagnostics);
        if entry.outcome == Outcome::Rejected {
            self.rejected_extra = self
                .rejected_extra
                .max(entry.cells.len().saturating_sub(header_len));
        }
    }

    /// Whether a second pass counted what the first did (the row problems: file problems are the
    /// first pass's own).
    fn agrees_with(&self, summary: &Summary) -> bool {
        self.rows == summary.rows
            && self.written == summary.written
            && self.existing == summary.existing
            && self.coupled == summary.coupled
            && self.skipped == summary.skipped
            && self.rejected == summary.rejected
            && self.empty_rows == summary.empty_rows
            && self.errors == summary.row_errors
            && self.warnings == summary.row_warnings
    }
}

/// A row that still needs a user name built from its name, kept from the first pass until every user
/// name taken from an Email is known: its place, the lengths of its Code and names (kept in its chunk's
/// text), its country, and whether its Email is a special account's. 40 bytes.
struct Candidate {
    row: u64,
    /// The lengths of its Code, name, first name, last name and unnumbered user name (if built ahead).
    lens: [u32; 5],
    input: u16,
    /// Index into [`Candidates::countries`]; `u16::MAX` for none.
    country: u16,
    /// Its cells past the header.
    extra_cells: u32,
    /// [`Candidate::INTEGRATION_USER`], [`Candidate::ADMINISTRATOR`], and how its user name was built
    /// ahead: [`Candidate::ALIAS_BUILT`], [`Candidate::ALIAS_NO_LETTERS`].
    flags: u8,
}

impl Candidate {
    /// Its Email is the integration user's, or the administrator's.
    const INTEGRATION_USER: u8 = 1;
    const ADMINISTRATOR: u8 = 2;
    const ALIAS_BUILT: u8 = 4;
    const ALIAS_NO_LETTERS: u8 = 8;
}

/// The rows waiting for a built user name, in chunks (each with the text of its names), so that they
/// grow without copying and are freed chunk by chunk as the names are built.
#[derive(Default)]
struct Candidates {
    chunks: Vec<(String, Vec<Candidate>)>,
    countries: Vec<String>,
    /// What the output guard found in a row's other columns, by the row's place among the candidates
    /// (rare: most rows have nothing).
    aside: Vec<(u64, Vec<Diagnostic>)>,
    len: u64,
}

impl Candidates {
    const CHUNK: usize = 64 * 1024;

    fn country_index(&mut self, country: Option<String>) -> u16 {
        let Some(country) = country else {
            return u16::MAX;
        };
        match self.countries.iter().position(|c| *c == country) {
            Some(i) => i as u16,
            None => {
                self.countries.push(country);
                (self.countries.len() - 1) as u16
            }
        }
    }

    /// Keeps `entry`, with what the guard found on its other columns and whether its Email is the
    /// integration user's or the administrator's.
    fn push(
        &mut self,
        entry: &Entry,
        guard_found: Vec<Diagnostic>,
        special: [bool; 2],
        extra_cells: usize,
    ) {
        let country = self.country_index(entry.country());
        if !guard_found.is_empty() {
            self.aside.push((self.len, guard_found));
        }
        self.len += 1;
        if self
            .chunks
            .last()
            .is_none_or(|(_, items)| items.len() >= Self::CHUNK)
        {
            self.chunks
                .push((String::new(), Vec::with_capacity(Self::CHUNK)));
        }
        let Some((text, items)) = self.chunks.last_mut() else {
            return;
        };
        let sp = &entry.salesperson;
        let alias = match &sp.alias {
            Alias::Built(alias) => alias.as_str(),
            _ => "",
        };
        let mut lens = [0u32; 5];
        for (len, part) in lens.iter_mut().zip([
            sp.code.as_str(),
            &sp.name,
            &sp.person.first,
            &sp.person.last,
            alias,
        ]) {
            text.push_str(part);
            *len = part.len() as u32;
        }
        let mut flags = match sp.alias {
            Alias::Built(_) => Candidate::ALIAS_BUILT,
            Alias::NoLetters => Candidate::ALIAS_NO_LETTERS,
            Alias::NotBuilt => 0,
        };
        if special[0] {
            flags |= Candidate::INTEGRATION_USER;
        }
        if special[1] {
            flags |= Candidate::ADMINISTRATOR;
        }
        items.push(Candidate {
            row: entry.location.row.unwrap_or(0),
            lens,
            input: entry.input as u16,
            country,
            extra_cells: extra_cells.min(u32::MAX as usize) as u32,
            flags,
        });
    }
}

/// Which stream of the first pass a diagnostic comes from; each stream is in report order.
#[derive(Debug, Clone, Copy)]
enum Stream {
    /// Rows as read, with every problem but those of the built user names.
    Rows = 0,
    /// The problems found once user names are built, after the rows' own.
    BuiltNames = 1,
    /// Problems of whole files, in no particular order.
    Files = 2,
}

/// Where a diagnostic comes in the report: its input, its row, file problems before row problems, then
/// its place among its row's problems.
type ReportKey = (usize, u64, u8, u64);

/// The first few diagnostics of each code and how many there are: all the text report shows, so that
/// `validate` needs no second pass for it.
#[derive(Default)]
struct Sample {
    codes: rustc_hash::FxHashMap<&'static str, CodeSample>,
}

#[derive(Default)]
struct CodeSample {
    count: u64,
    first: [Vec<(ReportKey, Diagnostic)>; 3],
}

/// What the text report shows: the first diagnostics of each code in report order, and per code past
/// them, how many more (ordered by where the first of those comes).
#[derive(Default)]
struct ReportSample {
    shown: Vec<Diagnostic>,
    hidden: Vec<(&'static str, Severity, u64)>,
}

impl Sample {
    fn finish(self) -> ReportSample {
        let shown_per_code = crate::report::text::SHOWN_PER_CODE;
        let mut shown: Vec<(ReportKey, Diagnostic)> = Vec::new();
        let mut hidden: Vec<(ReportKey, &'static str, Severity, u64)> = Vec::new();
        for (code, sample) in self.codes {
            let mut first: Vec<(ReportKey, Diagnostic)> =
                sample.first.into_iter().flatten().collect();
            first.sort_by_key(|(key, _)| *key);
            if let Some((key, d)) = first.get(shown_per_code) {
                hidden.push((
                    *key,
                    code,
                    d.severity(),
                    sample.count - shown_per_code as u64,
                ));
            }
            shown.extend(first.into_iter().take(shown_per_code));
        }
        shown.sort_by_key(|(key, _)| *key);
        hidden.sort_by_key(|(key, ..)| *key);
        ReportSample {
            shown: shown.into_iter().map(|(_, d)| d).collect(),
            hidden: hidden
                .into_iter()
                .map(|(_, code, severity, n)| (code, severity, n))
                .collect(),
        }
    }

    /// One more than the text report shows of a code: the next one's place orders the "... and N more".
    const KEEP: usize = crate::report::text::SHOWN_PER_CODE + 1;

    fn add(&mut self, stream: Stream, key: ReportKey, d: &Diagnostic) {
        let code = self.codes.entry(d.code()).or_default();
        code.count += 1;
        let first = &mut code.first[stream as usize];
        if first.len() < Self::KEEP || matches!(stream, Stream::Files) {
            first.push((key, d.clone()));
        }
    }

    /// The entry's diagnostics, numbered from `base` within the row.
    fn add_entry(&mut self, stream: Stream, entry: &Entry, base: u64) {
        let row = entry.location.row.unwrap_or(0);
        for (i, d) in entry.diagnostics.iter().enumerate() {
            self.add(stream, (entry.input, row, 1, base + i as u64), d);
        }
    }
}

/// Reads, checks and plans every input in a first pass. A file that cannot be read becomes a diagnostic
/// (S008), so one run reports on every input; only usage errors (such as a missing --sheet) stop it.
pub fn analyse(
    paths: &[PathBuf],
    settings: &InputSettings,
    plan_options: &PlanOptions,
) -> Result<Analysis> {
    if paths.len() > MAX_INPUTS {
        return Err(Error::Usage(format!(
            "{} inputs given; one run reads at most {MAX_INPUTS}",
            paths.len()
        )));
    }
    let mut inputs = Vec::new();
    let mut file_diagnostics = Vec::new();
    let mut headers_seen: Vec<String> = Vec::new();
    let mut sources = Sources::default();
    let mut keys = KeySets::default();
    let mut candidates = Candidates::default();
    let mut sample = Sample::default();
    let mut counts = Counts::default();
    let mut written_by_country: BTreeMap<Option<String>, usize> = BTreeMap::new();
    let mut stamps = Vec::new();
    let mut stdin = None;
    // No name is built in the first pass: a builder is needed only to call `finish`.
    let mut no_names = NameBuilder::default();
    let mut progress = crate::progress::Progress::new(settings.progress);
    for (index, path) in paths.iter().enumerate() {
        let file = read::display_name(path);
        progress.stage(format!("reading {file}:"));
        stamps.push(FileStamp::of(path).filter(|_| path.as_os_str() != read::STDIN_PATH));
        let mut info = InputInfo {
            path: path.clone(),
            file: file.clone(),
            format: None,
            sheet: None,
            header_row: 0,
            header: Vec::new(),
            kind: InputKind::Salespeople,
            columns: ColumnMap::default(),
            rows: 0,
            stdin_sha256: None,
        };
        let table = match open_input(path, settings) {
            Ok(table) => table,
            Err(error) => {
                file_diagnostics.push(open_failure(error, &file)?);
                not_read(&mut sources, &mut inputs, info);
                continue;
            }
        };
        headers_seen.extend(table.header.iter().cloned());
        if table.stdin_bytes.is_some() {
            stdin = table.stdin_bytes.clone();
        }
        let (format, sheet, header_row, header, stdin_sha256) = (
            table.format,
            table.sheet.clone(),
            table.header_row,
            table.header.clone(),
            table.stdin_sha256.clone(),
        );
        let diagnostics_before = file_diagnostics.len();
        let ahead = AliasAhead::new(plan_options);
        let reader = RowReader::new(index, table, settings, ahead, &mut file_diagnostics);
        if reader.header_over_limit {
            // Refused whole (S014): not read, and not reported as holding no salespeople.
            not_read(&mut sources, &mut inputs, info);
            continue;
        }
        info.format = Some(format);
        info.sheet = sheet;
        info.header_row = header_row;
        info.header = header;
        info.stdin_sha256 = stdin_sha256;
        info.kind = reader.kind;
        info.columns = reader.columns.clone();
        sources.inputs.push(Source {
            file: reader.base.file.clone(),
            sheet: reader.base.sheet.clone(),
            columns: reader.columns.clone(),
        });
        let header_len = reader.header.len();
        let header_location = reader.header_location.clone();
        let rows = read_beside(reader, &mut file_diagnostics, &mut |row| {
            let mut entry = keys.first_step(row, plan_options, &sources);
            if entry.needs_built_name() {
                // Its user name waits for every Email's; the rest of its checks are done now, and
                // what they find waits with it.
                counts.add_diagnostics(&entry.diagnostics);
                sample.add_entry(Stream::Rows, &entry, 0);
                let before = entry.diagnostics.len();
                guard(&mut entry, &ImportColumn::ALL, &sources);
                let aside = entry.diagnostics.split_off(before);
                let special = plan_options
                    .accounts
                    .special_matches(&entry.salesperson.email.to_lowercase(), None);
                let extra_cells = entry.cells.len().saturating_sub(header_len);
                candidates.push(&entry, aside, special, extra_cells);
                counts.rows += 1;
            } else {
                finish(
                    &mut entry,
                    &mut no_names,
                    &keys,
                    plan_options,
                    &sources,
                    None,
                );
                counts.add(&entry, header_len);
                sample.add_entry(Stream::Rows, &entry, 0);
                if entry.outcome == Outcome::Written {
                    *written_by_country.entry(entry.country()).or_default() += 1;
                }
            }
            progress.rows(counts.rows);
            Ok(())
        })?;
        info.rows = rows;
        if rows == 0
            && !file_diagnostics[diagnostics_before..]
                .iter()
                .any(|d| d.rule == &rules::UNREADABLE_FILE)
        {
            file_diagnostics.push(Diagnostic::new(
                &rules::NO_DATA,
                header_location,
                "the file holds a header and no salespeople",
            ));
        }
        inputs.push(info);
    }
    // A --map naming a header no input has is a mistake in the command line, not in the data.
    for (field, header) in settings.map.entries() {
        if !headers_seen
            .iter()
            .any(|h| header_key(h) == header_key(header))
        {
            return Err(Error::Usage(format!(
                "--map {}={header}: no input has a column \"{header}\"",
                field.map_name()
            )));
        }
    }
    progress.stage("planning");
    // Every user name taken from an Email is known: the user names built from names, in input order.
    let mut names = NameBuilder::default();
    let Candidates {
        chunks,
        countries,
        mut aside,
        ..
    } = candidates;
    let mut aside = aside.drain(..).peekable();
    let mut ordinal = 0u64;
    for (text, items) in chunks {
        let mut start = 0;
        for candidate in &items {
            let [code, name, first, last, alias] = candidate.lens.map(|len| {
                let part = &text[start..start + len as usize];
                start += len as usize;
                part
            });
            let pos = RowPos {
                input: usize::from(candidate.input),
                row: candidate.row,
            };
            // The row as far as the remaining steps need it; its Email only if it is a special account's.
            let special_email = [
                (
                    Candidate::INTEGRATION_USER,
                    &plan_options.accounts.integration_user,
                ),
                (
                    Candidate::ADMINISTRATOR,
                    &plan_options.accounts.administrator,
                ),
            ]
            .into_iter()
            .filter(|(flag, _)| candidate.flags & flag != 0)
            .find_map(|(_, account)| account.as_ref().map(|a| a.name.as_str().to_string()))
            .unwrap_or_default();
            let mut entry = Entry {
                input: pos.input,
                location: sources.location(pos, None),
                kind: RowKind::Data,
                cells: Vec::new(),
                salesperson: Salesperson {
                    code: code.to_string(),
                    name: name.to_string(),
                    person: crate::normalize::PersonName {
                        first: first.to_string(),
                        last: last.to_string(),
                    },
                    email: special_email,
                    alias: if candidate.flags & Candidate::ALIAS_BUILT != 0 {
                        Alias::Built(alias.to_string())
                    } else if candidate.flags & Candidate::ALIAS_NO_LETTERS != 0 {
                        Alias::NoLetters
                    } else {
                        Alias::NotBuilt
                    },
                    ..Salesperson::default()
                },
                diagnostics: Vec::new(),
                outcome: Outcome::Written,
                upn: None,
                upn_from_email: false,
                alternate_email: String::new(),
                batch: None,
            };
            // Its user name, then the rest of `finish`, with what the guard found in the first pass.
            let found = aside
                .next_if(|(n, _)| *n == ordinal)
                .map_or_else(Vec::new, |(_, found)| found);
            finish(
                &mut entry,
                &mut names,
                &keys,
                plan_options,
                &sources,
                Some(found),
            );
            ordinal += 1;
            counts.add_outcome(entry.outcome);
            counts.add_diagnostics(&entry.diagnostics);
            sample.add_entry(Stream::BuiltNames, &entry, 1 << 32);
            if entry.outcome == Outcome::Rejected {
                counts.rejected_extra = counts.rejected_extra.max(candidate.extra_cells as usize);
            }
            if entry.outcome == Outcome::Written {
                let country = countries.get(usize::from(candidate.country)).cloned();
                *written_by_country.entry(country).or_default() += 1;
            }
        }
    }
    drop(names);
    progress.finish();
    file_diagnostics.extend(plan_options.accounts.check());
    for (k, d) in file_diagnostics.iter().enumerate() {
        let input = input_of(&inputs, d).unwrap_or(0);
        sample.add(
            Stream::Files,
            (input, d.location.row.unwrap_or(0), 0, k as u64),
            d,
        );
    }
    let report = sample.finish();
    let batches = batches(&written_by_country);
    let mut summary = Summary {
        rows: counts.rows,
        written: counts.written,
        existing: counts.existing,
        coupled: counts.coupled,
        skipped: counts.skipped,
        rejected: counts.rejected,
        empty_rows: counts.empty_rows,
        row_errors: counts.errors,
        row_warnings: counts.warnings,
        errors: counts.errors,
        warnings: counts.warnings,
        import_files: batches.len(),
    };
    for d in &file_diagnostics {
        match d.severity() {
            Severity::Error => summary.errors += 1,
            Severity::Warning => summary.warnings += 1,
            Severity::Info => {}
        }
    }
    Ok(Analysis {
        inputs,
        file_diagnostics,
        batches,
        summary,
        strict: plan_options.strict,
        rejected_extra_cells: counts.rejected_extra,
        report,
        settings: settings.clone(),
        options: plan_options.clone(),
        sources,
        keys: std::cell::RefCell::new(keys),
        stamps,
        stdin,
    })
}

/// Rows handed from the reading thread to the planning one at a time.
const CHUNK_ROWS: usize = 256;

/// Reads the rows of `reader` on a second thread, a chunk at a time, and hands each to `each` on this
/// one, in order: reading, decoding and checking rows on their own runs beside the planning, which must
/// see them one after the other. Problems that stop the reading go to `diagnostics`. Gives the rows read.
fn read_beside(
    mut reader: RowReader,
    diagnostics: &mut Vec<Diagnostic>,
    each: &mut dyn FnMut(RowInput) -> Result<()>,
) -> Result<u64> {
    std::thread::scope(|scope| {
        let (sender, receiver) =
            std::sync::mpsc::sync_channel::<(Vec<RowInput>, Vec<Diagnostic>)>(4);
        let reading = scope.spawn(move || {
            loop {
                let mut chunk = Vec::with_capacity(CHUNK_ROWS);
                let mut found = Vec::new();
                while chunk.len() < CHUNK_ROWS {
                    match reader.next_row(&mut found) {
                        Some(row) => chunk.push(row),
                        None => break,
                    }
                }
                let last = chunk.len() < CHUNK_ROWS;
                // The planning thread has stopped (an error): so does the reading.
                if sender.send((chunk, found)).is_err() || last {
                    break;
                }
            }
            reader.rows
        });
        let mut result = Ok(());
        for (chunk, found) in receiver.iter() {
            diagnostics.extend(found);
            for row in chunk {
                result = each(row);
                if result.is_err() {
                    break;
                }
            }
            if result.is_err() {
                break;
            }
        }
        drop(receiver);
        let rows = reading
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        result.map(|()| rows)
    })
}

/// The rows of one opened input, read, checked on their own and numbered: the same in both passes.
struct RowReader {
    index: usize,
    rows_in: Box<dyn Iterator<Item = Result<read::RawRow>> + Send>,
    base: Location,
    header_location: Location,
    header: Vec<String>,
    kind: InputKind,
    columns: ColumnMap,
    /// Why no row of the file can be converted (no Code column, say).
    unusable: Option<String>,
    limits: crate::read::Limits,
    country: Option<String>,
    ahead: AliasAhead,
    /// Empty rows held back until a data row follows (trailing empty rows are not rows at all), and rows
    /// ready to hand on.
    held: Vec<RowInput>,
    ready: std::collections::VecDeque<RowInput>,
    /// Data rows handed on, empty ones between data rows included.
    rows: u64,
    done: bool,
    /// The header has more columns than the limit: the file is refused whole.
    header_over_limit: bool,
}

impl RowReader {
    /// Recognises the header of `table` (its problems go to `diagnostics`) and gets ready to read its rows.
    fn new(
        index: usize,
        table: read::InputTable,
        settings: &InputSettings,
        ahead: AliasAhead,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Self {
        let base = Location {
            file: table.file.as_str().into(),
            sheet: table.sheet.clone(),
            ..Location::default()
        };
        let header_location = header_location(&table, &base);
        diagnostics.extend(encoding_note(&table, &base));
        let kind = InputKind::of(&table.header);
        let before = diagnostics.len();
        let columns = match kind {
            InputKind::Salespeople => {
                let (columns, header_diagnostics) =
                    recognise_header(&table.header, &header_location, &settings.map);
                diagnostics.extend(header_diagnostics);
                columns
            }
            InputKind::M365Import(header) => {
                if header == ImportHeader::Legacy {
                    let (rule, message) = if settings.legacy_is_error {
                        (
                            &rules::LEGACY_IMPORT_FILE,
                            "the file has Microsoft's legacy 15-column import header, which tenants serving the current template refuse",
                        )
                    } else {
                        (
                            &rules::LEGACY_IMPORT_HEADER,
                            "the file has Microsoft's legacy 15-column import header; it is re-written with the current 16 columns",
                        )
                    };
                    diagnostics.push(Diagnostic::new(rule, header_location.clone(), message));
                }
                for (index, found, exact) in header.misspelt(&table.header) {
                    let rule = if settings.legacy_is_error {
                        &rules::IMPORT_HEADER_REFUSED
                    } else {
                        &rules::IMPORT_HEADER_SPELLING
                    };
                    diagnostics.push(
                        Diagnostic::new(
                            rule,
                            Location {
                                column: Some(crate::diagnostic::ColumnRef {
                                    index,
                                    header: found.clone(),
                                }),
                                ..header_location.clone()
                            },
                            format!("column {index} is \"{found}\"; Microsoft's import header has \"{exact}\""),
                        )
                        .with_value(found),
                    );
                }
                import_file_columns(header)
            }
        };
        let unusable = diagnostics[before..]
            .iter()
            .filter(|d| d.rule == &rules::MISSING_COLUMN)
            .map(|d| format!("{}: {}", d.code(), d.message))
            .next();
        let limits = settings.read.limits;
        let header_len = table.header.len();
        let header_over_limit = header_len > limits.columns;
        if header_over_limit {
            diagnostics.push(over_limit(
                &table.file,
                Some(table.header_row),
                format!(
                    "the header has {header_len} columns, more than the {} limit",
                    limits.columns
                ),
                "--max-columns",
            ));
        }
        RowReader {
            index,
            rows_in: table.rows,
            base,
            header_location,
            header: table.header,
            kind,
            columns,
            unusable,
            limits,
            country: settings.country.clone(),
            ahead,
            held: Vec::new(),
            ready: std::collections::VecDeque::new(),
            rows: 0,
            done: header_over_limit,
            header_over_limit,
        }
    }

    /// The next row, or `None` at the end of the file or where reading stopped (the reason goes to
    /// `diagnostics`).
    fn next_row(&mut self, diagnostics: &mut Vec<Diagnostic>) -> Option<RowInput> {
        loop {
            if let Some(row) = self.ready.pop_front() {
                return Some(row);
            }
            if self.done {
                return None;
            }
            self.read_one(diagnostics);
        }
    }

    fn read_one(&mut self, diagnostics: &mut Vec<Diagnostic>) {
        let file = &*self.base.file;
        let raw = match self.rows_in.next() {
            None => {
                self.done = true;
                return;
            }
            Some(Ok(raw)) => raw,
            Some(Err(error)) => {
                diagnostics.push(Diagnostic::new(
                    &rules::UNREADABLE_FILE,
                    Location::file(file),
                    format!(
                        "reading stopped after {} rows: {}",
                        self.rows,
                        unreadable_message(&error)
                    ),
                ));
                self.done = true;
                return;
            }
        };
        let location = Location {
            row: Some(raw.row),
            ..self.base.clone()
        };
        let limits = self.limits;
        if self.rows + self.held.len() as u64 >= limits.rows {
            diagnostics.push(over_limit(
                file,
                Some(raw.row),
                format!("the file has more than {} data rows", limits.rows),
                "--max-rows",
            ));
            self.done = true;
            return;
        }
        if raw.cells.len() > limits.columns {
            diagnostics.push(over_limit(
                file,
                Some(raw.row),
                format!(
                    "the row has {} cells, more than the {} limit",
                    raw.cells.len(),
                    limits.columns
                ),
                "--max-columns",
            ));
            self.done = true;
            return;
        }
        if raw.is_empty() {
            self.held.push(RowInput {
                input: self.index,
                diagnostics: vec![Diagnostic::new(
                    &rules::EMPTY_ROW,
                    location.clone(),
                    "the row is empty and is skipped",
                )],
                location,
                kind: RowKind::Empty,
                cells: raw.cells,
                salesperson: Salesperson::default(),
            });
            return;
        }
        self.rows += self.held.len() as u64 + 1;
        self.ready.extend(self.held.drain(..));
        let row = match &self.unusable {
            Some(reason) => RowInput {
                input: self.index,
                location,
                kind: RowKind::Unusable(reason.clone()),
                cells: raw.cells,
                salesperson: Salesperson::default(),
                diagnostics: Vec::new(),
            },
            None => {
                let country = self.country.as_deref();
                let (mut salesperson, mut diagnostics) = match self.kind {
                    InputKind::Salespeople => {
                        check_row(&raw, &self.columns, self.header.len(), &self.base, country)
                    }
                    InputKind::M365Import(header) => {
                        check_import_row(&raw, header, &self.base, country)
                    }
                };
                self.ahead.fill(&mut salesperson);
                diagnostics.extend(long_cells(
                    &raw.cells,
                    &self.header,
                    &location,
                    limits.cell_chars,
                ));
                RowInput {
                    input: self.index,
                    location,
                    kind: RowKind::Data,
                    cells: raw.cells,
                    salesperson,
                    diagnostics,
                }
            }
        };
        self.ready.push_back(row);
    }
}

/// The problem of an input that cannot be opened: empty (S009), over a limit (S014), or unreadable
/// (S008). A missing sheet is a mistake in the command line: it stops the run.
fn open_failure(error: Error, file: &str) -> Result<Diagnostic> {
    Ok(match error {
        error @ Error::NoSuchSheet { .. } => return Err(error),
        Error::EmptyInput { .. } => {
            Diagnostic::new(&rules::NO_DATA, Location::file(file), "the file is empty")
        }
        Error::LimitExceeded { what, flag, .. } => over_limit(file, None, what, flag),
        error => {
            let diagnostic = Diagnostic::new(
                &rules::UNREADABLE_FILE,
                Location::file(file),
                unreadable_message(&error),
            );
            match error {
                Error::Unreadable { help, .. } => diagnostic.with_note(help),
                _ => diagnostic,
            }
        }
    })
}

/// Records an input whose rows are not read: it keeps its place among the inputs.
fn not_read(sources: &mut Sources, inputs: &mut Vec<InputInfo>, info: InputInfo) {
    sources.inputs.push(Source {
        file: info.file.as_str().into(),
        ..Source::default()
    });
    inputs.push(info);
}

/// The input a file problem belongs to, by its file name.
pub fn input_of(inputs: &[InputInfo], d: &Diagnostic) -> Option<usize> {
    inputs.iter().position(|i| *i.file == *d.location.file)
}

/// An input over a safety limit (S014): it is refused whole, so no row of it is half-read.
fn over_limit(file: &str, row: Option<u64>, what: String, flag: &'static str) -> Diagnostic {
    Diagnostic::new(
        &rules::LIMIT_EXCEEDED,
        Location {
            row,
            ..Location::file(file)
        },
        what,
    )
    .with_note(format!(
        "raise the limit with {flag} if the file is what you expect"
    ))
}

/// Cells longer than the cell limit (F014): the row is rejected rather than cut.
fn long_cells(
    cells: &[String],
    header: &[String],
    row: &Location,
    max_chars: usize,
) -> Vec<Diagnostic> {
    cells
        .iter()
        .enumerate()
        .filter(|(_, cell)| cell.len() > max_chars && cell.chars().count() > max_chars)
        .map(|(i, cell)| {
            let count = cell.chars().count();
            Diagnostic::new(
                &rules::CELL_TOO_LONG,
                Location {
                    column: Some(crate::diagnostic::ColumnRef {
                        index: i + 1,
                        header: header.get(i).cloned().unwrap_or_default(),
                    }),
                    ..row.clone()
                },
                format!("the cell has {count} characters, more than the {max_chars} limit"),
            )
            .with_value(cell.chars().take(60).collect::<String>() + "...")
        })
        .collect()
}

fn unreadable_message(error: &Error) -> String {
    match error {
        Error::Io { source, .. } => source.to_string(),
        Error::Unreadable { format, reason, .. } => format!("cannot be read as {format}: {reason}"),
        other => other.to_string(),
    }
}
