//! Errors that stop a run, one variant per cause, mapped to an exit code in one place.
//!
//! Problems in the data are not errors here: they are [`crate::diagnostic::Diagnostic`]s, and a run goes on to
//! report all of them.

use std::path::PathBuf;

use thiserror::Error;

#[derive(Debug, Error)]
pub enum Error {
    #[error("{0}")]
    Usage(String),

    #[error("an input changed while it was being read: reading the inputs again did not find what the first reading counted\n  help: run again once nothing writes to the inputs")]
    InputsChanged,

    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("{path}: cannot be read as {format}: {reason}\n  help: {help}")]
    Unreadable {
        path: PathBuf,
        format: &'static str,
        reason: String,
        help: &'static str,
    },

    #[error("{path}: {what}\n  help: raise the limit with {flag} if the file is what you expect")]
    LimitExceeded {
        path: PathBuf,
        what: String,
        flag: &'static str,
    },

    #[error("{path}: the file is empty\n  help: export the salespeople again; the file holds no header and no rows")]
    EmptyInput { path: PathBuf },

    #[error("{path}: no sheet named \"{sheet}\"; the workbook has: {available}")]
    NoSuchSheet {
        path: PathBuf,
        sheet: String,
        available: String,
    },

    #[error(
        "{dir}: already holds the outputs of an earlier run ({files})\n  help: pass --force to replace them, or choose another --out folder"
    )]
    OutputExists { dir: PathBuf, files: String },

    #[error(
        "{dir}: holds files bc2m365 did not write ({files})\n  help: --out must be a new or empty folder, or one an earlier run wrote; choose another folder"
    )]
    OutputNotOurs { dir: PathBuf, files: String },

    #[error(
        "{dir}: is a symbolic link (to {to}), which a run would replace by a folder\n  help: give the folder it points to as --out"
    )]
    OutputIsLink { dir: PathBuf, to: PathBuf },

    #[error(
        "{dir}: another bc2m365 run (process {pid}) is writing it\n  help: wait for it to end, or choose another --out folder; if no such run exists, delete {lock}"
    )]
    OutputBusy {
        dir: PathBuf,
        pid: String,
        lock: PathBuf,
    },

    #[error("{file}: is open in another program (Excel keeps a file it shows locked), so {dir} cannot be replaced; it is left as it was\n  help: close the file and run again")]
    OutputFileOpen { file: PathBuf, dir: PathBuf },

    #[error("{input}: is inside the output folder {dir}, which a run replaces\n  help: choose an --out folder that holds no input")]
    InputInsideOutput { input: PathBuf, dir: PathBuf },

    #[error("{}{}: {message}\n  help: see the example `bc2m365 init` writes", path.display(), line.map(|l| format!(":{l}")).unwrap_or_default())]
    Config {
        path: PathBuf,
        line: Option<usize>,
        message: String,
    },

    #[error("{path}: already exists, and is left as it is\n  help: edit it, or remove it first to get a fresh example")]
    ConfigExists { path: PathBuf },
}

impl Error {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
