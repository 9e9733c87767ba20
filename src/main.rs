use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    bc2m365::run(bc2m365::cli::Cli::parse())
}
