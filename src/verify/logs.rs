//! The logs the online-step scripts write beside themselves (`set-licences-log.csv`,
//! `assign-roles-log.csv`): one line per user and step, `Time,User,Step,Result,Detail`. A log is recognised
//! by that header; what it says is the only evidence `verify` has of a security role.

use std::path::Path;

use crate::error::{Error, Result};
use crate::read::{self, ReadOptions};

/// The header every script log starts with, in this order.
pub const HEADER: [&str; 5] = ["Time", "User", "Step", "Result", "Detail"];

/// What a log line is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    UsageLocation,
    Licence,
    GroupMember,
    Role,
}

impl Step {
    fn parse(text: &str) -> Option<Step> {
        match text.trim().to_ascii_lowercase().as_str() {
            "usage-location" => Some(Step::UsageLocation),
            "licence" => Some(Step::Licence),
            "group-member" => Some(Step::GroupMember),
            "role" => Some(Step::Role),
            _ => None,
        }
    }
}

/// What happened to a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Done,
    Already,
    WhatIf,
    NoSuchUser,
    Failed,
    NotEnoughLicences,
}

impl Outcome {
    fn parse(text: &str) -> Option<Outcome> {
        match text.trim().to_ascii_lowercase().as_str() {
            "done" => Some(Outcome::Done),
            "already" => Some(Outcome::Already),
            "whatif" => Some(Outcome::WhatIf),
            "no-such-user" => Some(Outcome::NoSuchUser),
            "failed" => Some(Outcome::Failed),
            "not-enough-licences" => Some(Outcome::NotEnoughLicences),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Done => "done",
            Outcome::Already => "already",
            Outcome::WhatIf => "whatif",
            Outcome::NoSuchUser => "no-such-user",
            Outcome::Failed => "failed",
            Outcome::NotEnoughLicences => "not-enough-licences",
        }
    }

    /// Whether the step holds: it was done now, or had been before.
    pub fn holds(self) -> bool {
        matches!(self, Outcome::Done | Outcome::Already)
    }

    /// What the outcome means, for a sentence.
    pub fn describe(self) -> &'static str {
        match self {
            Outcome::Done => "done",
            Outcome::Already => "was already done",
            Outcome::WhatIf => "only simulated (-WhatIf)",
            Outcome::NoSuchUser => "the user did not exist",
            Outcome::Failed => "failed",
            Outcome::NotEnoughLicences => "the tenant had not enough free licences",
        }
    }
}

/// One line of a log.
#[derive(Debug, Clone)]
pub struct LogLine {
    /// `file:line`, for messages.
    pub at: String,
    step: Step,
    pub outcome: Outcome,
    pub detail: String,
}

impl LogLine {
    /// What the line says, with the script's message where the Detail holds one (not a role or a SKU).
    pub fn says(&self) -> String {
        let message = matches!(self.step, Step::UsageLocation | Step::GroupMember);
        match message && !self.outcome.holds() && !self.detail.is_empty() {
            true => format!("{}: {}", self.outcome.describe(), self.detail),
            false => self.outcome.describe().to_string(),
        }
    }
}

/// Every line of every log given, in command-line order, then file order.
#[derive(Debug, Default)]
pub struct ScriptLogs {
    lines: Vec<LogLine>,
    /// Each user's lines, by lower-cased user name.
    by_user: std::collections::HashMap<String, Vec<usize>>,
    /// The steps any line is about.
    steps: Vec<Step>,
}

impl ScriptLogs {
    pub fn read(paths: &[std::path::PathBuf]) -> Result<Self> {
        let mut logs = ScriptLogs::default();
        for path in paths {
            logs.read_one(path)?;
        }
        Ok(logs)
    }

    fn read_one(&mut self, path: &Path) -> Result<()> {
        let is_header = |cells: &[String]| is_log_header(cells);
        let table = match read::open(path, &ReadOptions::default(), &is_header) {
            Ok(table) => table,
            // A script that reached no user may leave an empty file: a log with no lines.
            Err(Error::EmptyInput { .. }) => return Ok(()),
            Err(error) => return Err(as_log_error(error)),
        };
        if !is_log_header(&table.header) {
            return Err(Error::Unreadable {
                path: path.into(),
                format: LOG,
                reason: format!("its header is not {}", HEADER.join(",")),
                help: HELP_LOG,
            });
        }
        for row in table.rows {
            let row = row.map_err(as_log_error)?;
            if row.is_empty() {
                continue;
            }
            let cell = |i: usize| row.cells.get(i).map(|c| c.trim()).unwrap_or_default();
            let unknown = |column: usize, known: &str| {
                Error::Unreadable {
                path: path.into(),
                format: LOG,
                reason: format!(
                    "row {}, column {} \"{}\": \"{}\" is not one of {known}",
                    row.row,
                    column + 1,
                    HEADER[column],
                    cell(column)
                ),
                help: "give the log as the script wrote it; a log edited by hand must keep the script's words",
            }
            };
            let step = Step::parse(cell(2))
                .ok_or_else(|| unknown(2, "usage-location, licence, group-member, role"))?;
            let outcome = Outcome::parse(cell(3)).ok_or_else(|| {
                unknown(
                    3,
                    "done, already, whatif, no-such-user, failed, not-enough-licences",
                )
            })?;
            let user = cell(1).to_lowercase();
            (self.by_user.entry(user).or_default()).push(self.lines.len());
            if !self.steps.contains(&step) {
                self.steps.push(step);
            }
            self.lines.push(LogLine {
                at: format!("{}:{}", table.file, row.row),
                step,
                outcome,
                detail: cell(4).to_string(),
            });
        }
        Ok(())
    }

    /// What the logs say about `step` for `user` (and, for a role, that role): a line saying it holds,
    /// else the last line about it.
    pub fn find(&self, user: &str, steps: &[Step], detail: Option<&str>) -> Option<&LogLine> {
        let detail = detail.map(crate::m365::existing::fold);
        let about = |line: &&LogLine| {
            steps.contains(&line.step)
                && (detail.as_ref()).is_none_or(|d| crate::m365::existing::fold(&line.detail) == *d)
        };
        let indices = self.by_user.get(&user.to_lowercase())?;
        let lines = indices.iter().filter_map(|&i| self.lines.get(i));
        let mut last = None;
        for line in lines.filter(about) {
            if line.outcome.holds() {
                return Some(line);
            }
            last = Some(line);
        }
        last
    }

    /// Whether any log has a line of `step`: a role with no line is then one the script did not reach.
    pub fn has(&self, step: Step) -> bool {
        self.steps.contains(&step)
    }
}

const LOG: &str = "a bc2m365 script log";
const HELP_LOG: &str =
    "give the set-licences-log.csv or assign-roles-log.csv the scripts wrote beside themselves";

/// A file that cannot be read, said of a log: the reader's own help speaks of salespeople exports.
fn as_log_error(error: Error) -> Error {
    match error {
        Error::Unreadable { path, reason, .. } => Error::Unreadable {
            path,
            format: LOG,
            reason,
            help: HELP_LOG,
        },
        other => other,
    }
}

fn is_log_header(cells: &[String]) -> bool {
    cells.len() == HEADER.len() && cells.iter().zip(HEADER).all(|(c, h)| c.trim() == h)
}
