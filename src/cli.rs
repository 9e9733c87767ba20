//! The command line: clap definitions only.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::accounts::{AccountName, CountryCode, Licence};

#[derive(Debug, Parser)]
#[command(
    name = "bc2m365",
    version,
    about = "Turn Business Central salesperson exports into the exact Microsoft 365 bulk-import CSV, offline",
    long_about = "Turn Business Central salesperson exports into the exact Microsoft 365 bulk-import CSV, offline.\n\n\
        Reads CSV or XLSX exports of the Salespeople/Purchasers list, checks every row against Microsoft's rules, and \
        writes the admin center's import file(s) and a manifest of licences, roles and BC-to-Sales coupling.",
    after_help = "Examples:\n  bc2m365 convert salespeople.xlsx --domain contoso.com\n  \
        bc2m365 convert export-be.csv export-nl.csv --domain contoso.com --domain contoso.be --out upload"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

// Parsed once per run: the size of the largest variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Convert salesperson exports into Microsoft 365 import files and a manifest
    Convert(ConvertArgs),
    /// Check salesperson exports (or Microsoft 365 import files) and report every problem; write nothing
    Validate(ValidateArgs),
    /// Explain a diagnostic code, or list every code
    Explain {
        /// The code, e.g. D001 (case-insensitive); without it, every code is listed
        code: Option<String>,
    },
    /// Write a commented example bc2m365.toml into the current folder (never over an existing one)
    Init,
}

#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// Business Central salesperson exports (CSV or XLSX); several are merged into one run
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,

    #[command(flatten)]
    pub settings: SettingsArgs,

    /// The folder to write into; it must be new, empty, or hold an earlier run's outputs
    #[arg(long, value_name = "DIR", default_value = "m365-import")]
    pub out: PathBuf,

    /// Replace the outputs of an earlier run in --out
    #[arg(long)]
    pub force: bool,

    /// The worksheet to read in XLSX inputs (default: the first with a recognised header)
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,

    /// Write the valid rows even when others are rejected (listed in rejected.csv); exit 1 if any was
    #[arg(long)]
    pub keep_going: bool,

    /// Treat warnings as errors
    #[arg(long)]
    pub strict: bool,

    /// The report's form: text on stderr, or JSON on stdout
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub report: ReportFormat,
}

/// The settings `convert` and `validate` share; each can also come from bc2m365.toml (flags win).
#[derive(Debug, Args)]
pub struct SettingsArgs {
    /// A verified domain of the tenant (repeat for more); new user names get the first
    #[arg(long = "domain", value_name = "DOMAIN")]
    pub domains: Vec<String>,

    /// How accented letters become ASCII in built user names [default: basic]
    #[arg(long, value_enum)]
    pub transliterate: Option<TransliterationArg>,

    /// The settings file (default: ./bc2m365.toml when present); flags override it
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// The administrator who sets up the integration; never a salesperson
    #[arg(long, value_name = "UPN")]
    pub admin: Option<AccountName>,

    /// The dedicated account that synchronises Business Central and Sales; never a salesperson
    #[arg(long, value_name = "UPN")]
    pub integration_user: Option<AccountName>,

    /// The salespeople's licence, as a skuPartNumber [default: DYN365_ENTERPRISE_SALES]
    #[arg(long, value_name = "SKU")]
    pub licence: Option<Licence>,

    /// One usage location (two-letter country) for every salesperson; otherwise each one's country
    #[arg(long, value_name = "XX")]
    pub usage_location: Option<CountryCode>,

    /// Users that already exist: a Microsoft 365 "Active users" export or an Entra "Download users" CSV
    #[arg(long, value_name = "FILE")]
    pub existing: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Business Central salesperson exports (CSV or XLSX)
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,

    #[command(flatten)]
    pub settings: SettingsArgs,

    /// The worksheet to read in XLSX inputs (default: the first with a recognised header)
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,

    /// Treat warnings as errors
    #[arg(long)]
    pub strict: bool,

    /// The report's form: text on stderr, or JSON on stdout
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub report: ReportFormat,

    /// Also write the review workbook to this file
    #[arg(long, value_name = "FILE")]
    pub review: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// rustc-like text on stderr
    Text,
    /// One JSON document on stdout: every diagnostic and the summary
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TransliterationArg {
    /// Drop accents: é -> e, ü -> u, ø -> o, ß -> ss
    Basic,
    /// German umlauts spelled out: ä -> ae, ö -> oe, ü -> ue; the rest as basic
    German,
}
