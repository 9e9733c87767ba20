//! The command line: clap definitions only.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

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

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Convert salesperson exports into Microsoft 365 import files and a manifest
    Convert(ConvertArgs),
    /// Show what is detected in each input: format, encoding, delimiter, sheet, header, columns, rows
    Inspect(InspectArgs),
}

#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// Business Central salesperson exports (CSV, XLSX or API v2 JSON) or Microsoft 365 import files;
    /// several are merged into one run
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,

    /// A verified domain of the tenant (repeat for more); new user names get the first
    #[arg(long = "domain", value_name = "DOMAIN", required = true)]
    pub domains: Vec<String>,

    /// The folder to write into; it must be new, empty, or hold an earlier run's outputs
    #[arg(long, value_name = "DIR", default_value = "m365-import")]
    pub out: PathBuf,

    /// Replace the outputs of an earlier run in --out
    #[arg(long)]
    pub force: bool,

    #[command(flatten)]
    pub input: InputArgs,

    /// How accented letters become ASCII in built user names
    #[arg(long, value_enum, default_value_t = TransliterationArg::Basic)]
    pub transliterate: TransliterationArg,
}

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// Salesperson exports (CSV, XLSX or JSON) or Microsoft 365 import files
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,

    #[command(flatten)]
    pub input: InputArgs,

    /// How to print what was found
    #[arg(long, value_enum, default_value_t = InspectReport::Text)]
    pub report: InspectReport,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InspectReport {
    Text,
    Json,
}

/// How inputs are read and their columns recognised; shared by the commands that read inputs.
#[derive(Debug, Clone, Args)]
pub struct InputArgs {
    /// The worksheet to read in XLSX inputs (default: the first with a recognised header)
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,

    /// The encoding of CSV inputs, e.g. utf-8, windows-1252, utf-16le (default: byte-order mark, else detected)
    #[arg(long, value_name = "LABEL")]
    pub encoding: Option<String>,

    /// The delimiter of CSV inputs: comma, semicolon, tab or pipe (default: detected from the header line)
    #[arg(long, value_name = "DELIMITER")]
    pub delimiter: Option<String>,

    /// Read FIELD from the column headed HEADER (repeatable); FIELD is one of: code, name, email, email2,
    /// phone, job-title, commission, blocked, privacy-blocked, coupled, department, country
    #[arg(long = "map", value_name = "FIELD=HEADER")]
    pub map: Vec<String>,

    /// The ISO 3166 country code (e.g. BE) of salespeople whose row names no country
    #[arg(long, value_name = "CODE")]
    pub country: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TransliterationArg {
    /// Drop accents: é -> e, ü -> u, ø -> o, ß -> ss
    Basic,
    /// German umlauts spelled out: ä -> ae, ö -> oe, ü -> ue; the rest as basic
    German,
}
