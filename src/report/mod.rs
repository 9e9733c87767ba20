//! Rendering diagnostics and summaries for people and scripts.

pub mod text;

/// How much the text report says, from `--quiet` and `--verbose`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Verbosity {
    /// Error diagnostics and the closing summary only.
    Quiet,
    #[default]
    Normal,
    /// Also what was found in each input.
    Verbose,
}

/// How the report on stderr looks; decided once, in [`crate::run`], from the command line and the environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OutputSettings {
    pub verbosity: Verbosity,
    /// Whether to colour severity labels and codes with ANSI escapes.
    pub color: bool,
}
