//! What a run counts as its rows are planned: rows by outcome, problems by severity, the users of each
//! country, and the first problems of each code for the text report.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap as HashMap;

use crate::diagnostic::{Diagnostic, Severity};
use crate::normalize::salesperson::SkipReason;
use crate::plan::{Entry, Outcome, Summary};

/// The text report shows at most this many problems of one code; it counts the rest.
pub const SHOWN_PER_CODE: usize = 5;

/// Rows by outcome and problems by severity, as the rows are planned.
#[derive(Debug, Default)]
pub struct Counts {
    summary: Summary,
    /// Written users per country (`None`: no country), for the import files.
    pub written_by_country: BTreeMap<Option<String>, usize>,
    /// The most cells past its header that a rejected row has (rejected.csv's extra columns).
    pub rejected_extra: usize,
}

impl Counts {
    pub fn add(&mut self, entry: &Entry, header_len: usize) {
        let s = &mut self.summary;
        s.rows += 1;
        match entry.outcome {
            Outcome::Written => s.written += 1,
            Outcome::Existing => s.existing += 1,
            Outcome::Coupled => s.coupled += 1,
            Outcome::SamePerson => s.same_person += 1,
            Outcome::Skipped(reason) => {
                s.skipped += 1;
                if reason == SkipReason::EmptyRow {
                    s.empty_rows += 1;
                } else if reason.is_no_person() {
                    s.not_people += 1;
                }
            }
            Outcome::Rejected => s.rejected += 1,
        }
        self.add_diagnostics(&entry.diagnostics);
        if entry.outcome == Outcome::Rejected {
            let extra = entry.cells.len().saturating_sub(header_len);
            self.rejected_extra = self.rejected_extra.max(extra);
        }
        if entry.outcome == Outcome::Written {
            *self.written_by_country.entry(entry.country()).or_default() += 1;
        }
    }

    pub fn add_diagnostics<'a>(&mut self, diagnostics: impl IntoIterator<Item = &'a Diagnostic>) {
        for d in diagnostics {
            match d.severity() {
                Severity::Error => self.summary.errors += 1,
                Severity::Warning => self.summary.warnings += 1,
                Severity::Info => {}
            }
        }
    }

    /// The summary, once every row and file problem is counted.
    pub fn summary(&self, import_files: usize) -> Summary {
        Summary {
            import_files,
            ..self.summary.clone()
        }
    }
}

/// Where a problem stands in the report: its input, its row, file problems before row problems, and
/// its place among them.
type ReportKey = (usize, u64, u8, u64);

/// The problems the text report shows (the first [`SHOWN_PER_CODE`] of each code, in report order), and
/// per code the number it leaves out, at the place of the first one left out.
#[derive(Debug, Default, Clone)]
pub struct ReportSample {
    pub shown: Vec<Diagnostic>,
    pub hidden: Vec<(&'static str, Severity, u64)>,
}

/// Where a row was planned whole: in its first step, or once every row's first step was taken. Rows
/// come in input order within each, so the first of each are the first in the report.
#[derive(Debug, Clone, Copy)]
pub enum Stage {
    First = 0,
    Last = 1,
}

/// The first problems of each code, kept as they go by, so that the report never holds them all.
#[derive(Default)]
pub struct Sample {
    codes: HashMap<&'static str, CodeSample>,
}

#[derive(Default)]
struct CodeSample {
    count: u64,
    /// The first of the rows' problems at each stage, and every problem of whole files (few).
    first: [Vec<(ReportKey, Diagnostic)>; 2],
    files: Vec<(ReportKey, Diagnostic)>,
}

impl Sample {
    /// One more than is shown: the first one left out gives the place of the "N more" line.
    const KEEP: usize = SHOWN_PER_CODE + 1;

    /// A planned row's problems; the rows of each stage come in report order.
    pub fn add_entry(&mut self, entry: &Entry, stage: Stage) {
        let row = entry.location.row.unwrap_or(0);
        for (i, d) in entry.diagnostics.iter().enumerate() {
            let key = (entry.input, row, 1, i as u64);
            let code = self.codes.entry(d.code()).or_default();
            code.count += 1;
            let first = &mut code.first[stage as usize];
            if first.len() < Self::KEEP {
                first.push((key, d.clone()));
            }
        }
    }

    /// A problem of a whole file, of input `input` (`k`: its place among the file problems).
    pub fn add_file(&mut self, input: usize, k: usize, d: &Diagnostic) {
        let key = (input, d.location.row.unwrap_or(0), 0, k as u64);
        let code = self.codes.entry(d.code()).or_default();
        code.count += 1;
        code.files.push((key, d.clone()));
    }

    pub fn finish(self) -> ReportSample {
        let mut shown: Vec<(ReportKey, Diagnostic)> = Vec::new();
        let mut hidden: Vec<(ReportKey, &'static str, Severity, u64)> = Vec::new();
        for (code, sample) in self.codes {
            let [first_stage, last_stage] = sample.first;
            let mut first: Vec<(ReportKey, Diagnostic)> = first_stage
                .into_iter()
                .chain(last_stage)
                .chain(sample.files)
                .collect();
            first.sort_by_key(|(key, _)| *key);
            if let Some((key, d)) = first.get(SHOWN_PER_CODE) {
                let left_out = sample.count - SHOWN_PER_CODE as u64;
                hidden.push((*key, code, d.severity(), left_out));
            }
            shown.extend(first.into_iter().take(SHOWN_PER_CODE));
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
}
