//! bc2m365: from Business Central salesperson exports to the Microsoft 365 bulk-import CSV, offline.
//!
//! The pipeline, one module per stage: [`read`] a file into rows, recognise the Business Central columns
//! ([`bc`]), normalise and [`check`] each salesperson, [`plan`] users, skips and rejections, then write the
//! import CSVs ([`m365`]), the [`manifest`] and the [`report`], atomically ([`write`]).

pub mod bc;
pub mod check;
pub mod cli;
pub mod convert;
pub mod error;
pub mod input;
pub mod inspect;
pub mod m365;
pub mod manifest;
pub mod normalize;
pub mod plan;
pub mod read;
pub mod report;
pub mod salesperson;
pub mod write;

use std::io::Write;
use std::process::ExitCode;

use cli::{Cli, Command};
pub use error::{Error, Result};

/// Exit code: outputs written (warnings allowed).
pub const EXIT_OK: u8 = 0;
/// Exit code: the input has errors; no import file or manifest was written.
pub const EXIT_INPUT_ERRORS: u8 = 1;
/// Exit code: usage error, unreadable file, I/O error.
pub const EXIT_FAILURE: u8 = 2;

/// Runs one command line and turns the result into the process's exit code.
pub fn run(cli: Cli) -> ExitCode {
    let mut stderr = std::io::stderr().lock();
    let result = match cli.command {
        Command::Convert(args) => convert::run(&args, &mut stderr),
        Command::Inspect(args) => inspect::run(&args, &mut std::io::stdout().lock()),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            let _ = writeln!(stderr, "error: {error}");
            ExitCode::from(error.exit_code())
        }
    }
}
