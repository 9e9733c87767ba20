//! bc2m365: from Business Central salesperson exports to the Microsoft 365 bulk-import CSV, offline.
//!
//! The pipeline, one module per stage, in the order a row goes through them: `read` a file into rows,
//! recognise the Business Central columns (`bc`), [`normalize`] and `check` each salesperson, [`plan`]
//! users, skips and rejections (each row once, kept in a store), then write the import CSVs ([`m365`]),
//! the `manifest` and the [`report`], atomically ([`mod@write`]). [`diagnostic`] and [`error`] are what every
//! stage reports with; `verify` reads a run's manifest back against what the tenant and Business Central
//! show after the online steps; `cmd` holds one module per command. `tests/structure.rs` keeps the order.
//!
//! The library's API is [`run`] and [`parse_args`] (all `main.rs` calls) and the `pub` modules the tests
//! and fuzz targets use; the rest is `pub(crate)`.

pub mod bc;
pub(crate) mod check;
pub mod cli;
pub(crate) mod cmd;
pub(crate) mod config;
pub mod diagnostic;
pub mod error;
pub mod m365;
pub(crate) mod manifest;
pub mod normalize;
pub mod plan;
pub(crate) mod progress;
pub mod read;
pub mod report;
pub(crate) mod verify;
pub mod write;

use std::ffi::OsStr;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use cli::{Cli, ColorArg, Command};
use diagnostic::Severity;
pub use error::{Error, Result};
use report::{OutputSettings, Verbosity};

/// Runs one command line and turns the result into the process's exit code.
pub fn run(cli: Cli) -> ExitCode {
    let output = output_settings(&cli);
    let mut stderr = std::io::stderr().lock();
    let result = match cli.command {
        Command::Convert(args) => cmd::convert::run(&args, &output, &mut stderr),
        Command::Validate(args) => cmd::validate::run(&args, &output, &mut stderr),
        Command::Explain { code } => cmd::explain::run(code.as_deref()),
        Command::Init => config::init(std::path::Path::new(".")).map(|path| {
            let _ = writeln!(stderr, "wrote {}", path.display());
            cmd::Ending::Done
        }),
        Command::Template(args) => cmd::template::run(&args),
        Command::Completions(args) => cmd::completions::run_completions(&args),
        Command::Man => cmd::completions::run_man(),
        Command::Inspect(args) => cmd::inspect::run(&args),
        Command::Verify(args) => cmd::verify::run(&args),
    };
    if let Err(error) = &result {
        let label = report::text::paint("error", Severity::Error, output.color);
        let _ = writeln!(stderr, "{label}: {error}");
    }
    ExitCode::from(cmd::exit_code(&result))
}

/// Parses the command line. clap's own help and usage errors follow an explicit `--color always|never` as the
/// report does; with `auto`, clap colours only a terminal and honours `NO_COLOR` itself.
pub fn parse_args() -> Cli {
    use clap::{CommandFactory, FromArgMatches};
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let color = match explicit_color(&args) {
        Some(ColorArg::Always) => clap::ColorChoice::Always,
        Some(ColorArg::Never) => clap::ColorChoice::Never,
        _ => clap::ColorChoice::Auto,
    };
    let matches = Cli::command().color(color).get_matches_from(args);
    Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
}

/// The last `--color WHEN` or `--color=WHEN` before a `--`, read ahead of clap so that clap can use it.
fn explicit_color(args: &[std::ffi::OsString]) -> Option<ColorArg> {
    use clap::ValueEnum;
    let mut choice = None;
    let mut args = args.iter().skip(1).map(|a| a.to_string_lossy());
    while let Some(arg) = args.next() {
        let value = if arg == "--" {
            break;
        } else if arg == "--color" {
            args.next()
        } else {
            arg.strip_prefix("--color=")
                .map(|value| value.to_string().into())
        };
        if let Some(value) = value {
            choice = ColorArg::from_str(&value, false).ok().or(choice);
        }
    }
    choice
}

/// The report settings of this run: the one place that looks at the terminal and the environment.
fn output_settings(cli: &Cli) -> OutputSettings {
    let verbosity = if cli.quiet {
        Verbosity::Quiet
    } else if cli.verbose {
        Verbosity::Verbose
    } else {
        Verbosity::Normal
    };
    let no_color = std::env::var_os("NO_COLOR");
    let stderr_is_terminal = std::io::stderr().is_terminal();
    OutputSettings {
        verbosity,
        color: use_color(cli.color, stderr_is_terminal, no_color.as_deref())
            && (!stderr_is_terminal || console_takes_colour()),
        progress: stderr_is_terminal && verbosity != Verbosity::Quiet,
    }
}

/// Whether the terminal shows colour codes as colours. Windows' console does once asked to (virtual terminal
/// processing, Windows 10 and later; Windows Terminal always does); where it cannot be asked, the old
/// console, the report is not coloured rather than strewn with codes. Other terminals take them as they are.
fn console_takes_colour() -> bool {
    #[cfg(windows)]
    return anstyle_query::windows::enable_ansi_colors().unwrap_or(false);
    #[cfg(not(windows))]
    true
}

/// Whether to colour the report on stderr: `auto` colours a terminal unless `NO_COLOR` is set to anything but
/// the empty string (<https://no-color.org>); `always` and `never` are the user's explicit choice and win.
pub fn use_color(choice: ColorArg, stderr_is_terminal: bool, no_color: Option<&OsStr>) -> bool {
    match choice {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => stderr_is_terminal && no_color.is_none_or(|v| v.is_empty()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_an_explicit_colour_ahead_of_clap() {
        let args =
            |line: &str| -> Vec<std::ffi::OsString> { line.split(' ').map(Into::into).collect() };
        assert_eq!(explicit_color(&args("bc2m365 --help")), None);
        assert_eq!(
            explicit_color(&args("bc2m365 --color never --help")),
            Some(ColorArg::Never)
        );
        assert_eq!(
            explicit_color(&args("bc2m365 convert x.csv --color=always -h")),
            Some(ColorArg::Always)
        );
        assert_eq!(
            explicit_color(&args("bc2m365 convert -- --color=always")),
            None
        );
    }

    #[test]
    fn colour_follows_the_terminal_and_no_color_unless_asked() {
        let set = Some(OsStr::new("1"));
        let empty = Some(OsStr::new(""));
        assert!(use_color(ColorArg::Auto, true, None));
        assert!(use_color(ColorArg::Auto, true, empty));
        assert!(!use_color(ColorArg::Auto, true, set));
        assert!(!use_color(ColorArg::Auto, false, None));
        assert!(use_color(ColorArg::Always, false, set));
        assert!(!use_color(ColorArg::Never, true, None));
    }
}
