//! The command line: clap definitions only.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use clap_complete::Shell;

use crate::plan::accounts::{AccountName, CountryCode, Licence};

#[derive(Debug, Parser)]
#[command(
    name = "bc2m365",
    version,
    about = "Turn Business Central salesperson exports into the exact Microsoft 365 bulk-import CSV, offline",
    long_about = "Turn Business Central salesperson exports into the exact Microsoft 365 bulk-import CSV, offline.\n\n\
        Reads CSV or XLSX exports of the Salespeople/Purchasers list, checks every row against Microsoft's rules, and \
        writes the admin center's import file(s) and a manifest of licences, roles and BC-to-Sales coupling.",
    after_help = "Examples:\n  bc2m365 convert salespeople.xlsx --domain contoso.com\n  \
        bc2m365 convert export-be.csv export-nl.csv --domain contoso.com --domain contoso.be --out upload\n\n\
        More examples, exit codes and the environment: bc2m365 --help",
    after_long_help = CLI_EXAMPLES
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    /// Report only errors and the closing summary line
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Also report what was found in each input (format, delimiter, sheet, header row, columns)
    #[arg(short, long, global = true)]
    pub verbose: bool,

    /// When to colour the report: auto colours only a terminal, and never when NO_COLOR is set
    #[arg(long, value_enum, value_name = "WHEN", global = true, default_value_t = ColorArg::Auto)]
    pub color: ColorArg,
}

const CLI_EXAMPLES: &str = "Examples:\n  \
    # Convert an export (CSV or XLSX) into m365-import/m365-users.csv and m365-import/manifest.json\n  \
    bc2m365 convert salespeople.xlsx --domain contoso.com\n\n  \
    # Two exports, two verified domains, another output folder, replacing an earlier run\n  \
    bc2m365 convert export-be.csv export-nl.csv --domain contoso.com --domain contoso.be --out upload --force\n\n  \
    # Read the export from stdin; show only errors and the summary\n  \
    bc2m365 convert - --domain contoso.com --quiet < salespeople.csv\n\n  \
    # Microsoft's empty import template, and its sample\n  \
    bc2m365 template > m365-users.csv\n  \
    bc2m365 template --sample\n\n\
Exit codes:\n  \
    0  outputs written (warnings allowed)\n  \
    1  the input has errors; no import file or manifest was written (--keep-going: some rows were not)\n  \
    2  usage error, unreadable file, refused output folder, or I/O error\n\n\
Environment:\n  \
    NO_COLOR  when set (and not empty), --color auto never colours";

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    /// Colour when stderr is a terminal and NO_COLOR is not set
    Auto,
    /// Always colour, even into a file or a pipe
    Always,
    /// Never colour
    Never,
}

// Parsed once per run: the size of the largest variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Convert salesperson exports into Microsoft 365 import files and a manifest
    #[command(long_about = CONVERT_ABOUT, after_long_help = CONVERT_EXAMPLES)]
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

    /// Print Microsoft's bulk-import template (UTF-8 with BOM, CRLF) on stdout
    #[command(after_long_help = TEMPLATE_EXAMPLES)]
    Template(TemplateArgs),

    /// Print a shell completion script on stdout
    #[command(after_long_help = COMPLETIONS_EXAMPLES)]
    Completions(CompletionsArgs),

    /// Print the manual page (roff) on stdout
    #[command(after_long_help = MAN_EXAMPLES)]
    Man,

    /// Show what is detected in each input: format, encoding, delimiter, sheet, header, columns, rows
    Inspect(InspectArgs),

    /// After the online steps: check what is done and what is missing, from a run's manifest and exports
    #[command(long_about = VERIFY_ABOUT, after_long_help = VERIFY_EXAMPLES)]
    Verify(VerifyArgs),
}

const CONVERT_ABOUT: &str = "Convert salesperson exports into Microsoft 365 import files and a manifest.\n\n\
Writes into --out: m365-users.csv (or m365-users-001.csv, -002.csv... past 249 users, and one file per country; \
with --target entra, entra-users.csv for Microsoft Entra's Bulk create instead), manifest.json, review.xlsx, role-assignments.csv, coupling.csv and next-steps.txt. Every row is written, \
skipped or rejected, with the reason in the report on stderr. When an input has errors only review.xlsx is \
written (exit code 1), unless --keep-going.";

const CONVERT_EXAMPLES: &str = "Examples:\n  \
    bc2m365 convert salespeople.xlsx --domain contoso.com\n  \
    bc2m365 convert salespeople.xlsx --sheet \"Salespersons-Purchasers\" --domain contoso.com --out upload\n  \
    bc2m365 convert export-be.csv export-nl.csv --domain contoso.com --domain contoso.be --force\n  \
    bc2m365 convert - --domain contoso.com < salespeople.csv";

const VERIFY_ABOUT: &str = "After the online steps: check what is done and what is missing.\n\n\
Reads a run's manifest.json and what the tenant and Business Central show now: the users export (with licences \
and usage locations), each company's salespeople export (with Coupled to Dataverse and E-Mail) and, optionally, \
the logs the scripts wrote. For every person it reports the user, usage location, licence, roles (from the logs \
only) and the coupling in each company: done, missing (with what to do next) or unknown. Nothing goes online. \
Exit code 0: every step is done; 1: a step is missing or unknown (the JSON report tells which); 2: an input \
cannot be read.";

const VERIFY_EXAMPLES: &str = "Examples:\n  \
    bc2m365 verify m365-import/manifest.json --users users.csv --bc salespeople.xlsx\n  \
    bc2m365 verify cronus/manifest.json --users users.csv --bc be.xlsx --bc nl.csv \\\n      \
    --company \"be.xlsx=CRONUS BE\" --company \"nl.csv=CRONUS NL\" \\\n      \
    --log cronus/set-licences-log.csv --log cronus/assign-roles-log.csv\n  \
    bc2m365 verify m365-import/manifest.json --users users.csv --bc salespeople.xlsx --report json";

const TEMPLATE_EXAMPLES: &str = "Examples:\n  \
    bc2m365 template > m365-users.csv            the current 16-column header\n  \
    bc2m365 template --legacy > m365-users.csv   the 15-column header used before 2023\n  \
    bc2m365 template --sample                    Microsoft's sample with five users";

const COMPLETIONS_EXAMPLES: &str = "Examples:\n  \
    bc2m365 completions bash > ~/.local/share/bash-completion/completions/bc2m365\n  \
    bc2m365 completions zsh > ~/.zfunc/_bc2m365\n  \
    bc2m365 completions fish > ~/.config/fish/completions/bc2m365.fish\n  \
    bc2m365 completions powershell | Out-File -Encoding utf8 -Append $PROFILE";

const MAN_EXAMPLES: &str = "Examples:\n  \
    bc2m365 man | man -l -\n  \
    bc2m365 man > ~/.local/share/man/man1/bc2m365.1";

#[derive(Debug, Args)]
pub struct TemplateArgs {
    /// The 15-column header used before February 2023 (no "Alternate email address")
    #[arg(long)]
    pub legacy: bool,

    /// Add Microsoft's five sample users under the header
    #[arg(long)]
    pub sample: bool,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for
    #[arg(value_enum)]
    pub shell: Shell,
}

#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// Business Central salesperson exports (CSV, XLSX or API v2 JSON) or Microsoft 365 import files, or -
    /// for a CSV on stdin; several are merged into one run
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

    #[command(flatten)]
    pub input: InputArgs,

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

    /// Users that already exist: a Microsoft 365 "Active users" export, an Entra "Download users" CSV, a
    /// Graph PowerShell Get-MgUser export, or an earlier run's manifest.json
    #[arg(long, value_name = "FILE")]
    pub existing: Option<PathBuf>,

    /// Where Business Central runs: online (the Dataverse connection creates its own integration
    /// application user) or on-premises (a licensed, non-interactive integration user) [default: online]
    #[arg(long, value_enum)]
    pub deployment: Option<DeploymentArg>,

    /// The file the new users go into: the Microsoft 365 admin center's import files, or Microsoft
    /// Entra's bulk-create file with usage locations and initial passwords [default: m365]
    #[arg(long, value_enum)]
    pub target: Option<TargetArg>,

    /// The Dataverse environment (URL or id) assign-roles.ps1 gives the security roles in
    #[arg(long, value_name = "URL")]
    pub environment: Option<String>,

    /// Group-based licensing: the object id of the group that carries the licence; set-licences.ps1
    /// adds the users to it instead of assigning the licence to each
    #[arg(long, value_name = "GROUP_ID")]
    pub licence_group: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TargetArg {
    /// m365-users*.csv for Active users > Add multiple users (at most 249 users a file, one country each)
    M365,
    /// entra-users.csv for Microsoft Entra's Users > Bulk operations > Bulk create (holds passwords)
    Entra,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DeploymentArg {
    /// Business Central online
    Online,
    /// Business Central on-premises (2019 release wave 1) or Dynamics NAV 2018
    OnPremises,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Business Central salesperson exports (CSV, XLSX or API v2 JSON) or Microsoft 365 import files, or -
    /// for a CSV on stdin
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,

    #[command(flatten)]
    pub settings: SettingsArgs,

    #[command(flatten)]
    pub input: InputArgs,

    /// Treat warnings as errors
    #[arg(long)]
    pub strict: bool,

    /// The report's form: text on stderr, or JSON on stdout
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub report: ReportFormat,

    /// Also write the review workbook to this file (a new file, unless --force)
    #[arg(long, value_name = "FILE")]
    pub review: Option<PathBuf>,

    /// Replace an existing --review file
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// rustc-like text on stderr
    Text,
    /// One JSON document on stdout: every diagnostic and the summary
    Json,
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

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The manifest.json of the convert run whose steps are checked
    #[arg(value_name = "MANIFEST")]
    pub manifest: PathBuf,

    /// The tenant's users now: an admin center Active users export, an Entra Download users file or a
    /// Graph PowerShell Get-MgUser export (licences and usage locations are read from it)
    #[arg(long, value_name = "FILE")]
    pub users: PathBuf,

    /// A Business Central salespeople export now (CSV, XLSX or JSON, any language), one per company or one
    /// with a Company column; repeatable
    #[arg(long = "bc", value_name = "FILE", required = true, num_args = 1..)]
    pub bc: Vec<PathBuf>,

    /// A log the scripts wrote (set-licences-log.csv, assign-roles-log.csv); repeatable. Roles are known
    /// only from a log
    #[arg(long = "log", value_name = "FILE", num_args = 1..)]
    pub logs: Vec<PathBuf>,

    /// The Business Central company of the --bc FILE (repeatable; FILE as given, or its file name).
    /// Default: the row's Company column, else the file name without its extension
    #[arg(long = "company", value_name = "FILE=COMPANY")]
    pub companies: Vec<String>,

    /// How to print what was found
    #[arg(long, value_enum, default_value_t = VerifyReport::Text)]
    pub report: VerifyReport,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum VerifyReport {
    /// People grouped by done, missing and not fully checked, on stdout
    Text,
    /// One JSON document on stdout (schema bc2m365-verify, README.md)
    Json,
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
    /// phone, job-title, commission, blocked, privacy-blocked, coupled, department, country, company,
    /// password (initial passwords, with --target entra)
    #[arg(long = "map", value_name = "FIELD=HEADER")]
    pub map: Vec<String>,

    /// The Business Central company of the input FILE (repeatable; FILE as given, or its file name).
    /// Default: the row's Company column, else the file name without its extension
    #[arg(long = "company", value_name = "FILE=COMPANY")]
    pub companies: Vec<String>,

    /// The ISO 3166 country code (e.g. BE) of salespeople whose row names no country
    #[arg(long, value_name = "CODE")]
    pub country: Option<String>,

    /// Refuse an input file larger than this (e.g. 512M, 2G)
    #[arg(long, value_name = "SIZE", default_value = "512M")]
    pub max_input_size: String,

    /// Refuse a workbook whose worksheet or shared strings unpack to more than this (a "zip bomb")
    #[arg(long, value_name = "SIZE", default_value = "1G")]
    pub max_sheet_size: String,

    /// Refuse an input with more data rows than this
    #[arg(long, value_name = "N", default_value_t = 2_000_000)]
    pub max_rows: u64,

    /// Refuse an input with more columns than this
    #[arg(long, value_name = "N", default_value_t = 1_000)]
    pub max_columns: usize,

    /// Reject a row with a cell longer than this many characters
    #[arg(long, value_name = "N", default_value_t = 32_767)]
    pub max_cell_chars: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TransliterationArg {
    /// Drop accents: é -> e, ü -> u, ø -> o, ß -> ss
    Basic,
    /// German umlauts spelled out: ä -> ae, ö -> oe, ü -> ue; the rest as basic
    German,
}
