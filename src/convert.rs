//! `bc2m365 convert`: analyse every input, report, and write the outputs atomically.

use std::io::Write;

use crate::analysis::{analyse, Analysis};
use crate::cli::{ConvertArgs, InputArgs, ReportFormat, SettingsArgs};
use crate::config::Settings;
use crate::error::{Error, Result};
use crate::input::InputSettings;
use crate::m365::existing::ExistingUsers;
use crate::m365::format::write_import_csv;
use crate::manifest::{FileRecord, Manifest};
use crate::plan::PlanOptions;
use crate::report::{self, OutputSettings, Verbosity};
use crate::views;
use crate::write::{check_target, sha256_file, Staging};

/// The tenant's domains as given, checked and lower-cased.
pub fn parse_domains(domains: &[String]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for raw in domains {
        let domain = raw.trim().trim_start_matches('@').to_ascii_lowercase();
        let labels_ok = domain.split('.').count() >= 2
            && domain.split('.').all(|label| {
                !label.is_empty()
                    && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                    && !label.starts_with('-')
                    && !label.ends_with('-')
            });
        if !labels_ok {
            return Err(Error::Usage(format!(
                "--domain {raw:?} is not a domain name such as contoso.com"
            )));
        }
        if domain.len() > crate::m365::upn::MAX_DOMAIN_CHARS {
            return Err(Error::Usage(format!(
                "--domain {raw:?} is longer than the {} characters Microsoft 365 accepts after \"@\"",
                crate::m365::upn::MAX_DOMAIN_CHARS
            )));
        }
        if !out.contains(&domain) {
            out.push(domain);
        }
    }
    if out.is_empty() {
        return Err(Error::Usage(format!(
            "give at least one --domain <DOMAIN> (or domains in {})",
            crate::config::FILE_NAME
        )));
    }
    Ok(out)
}

/// The settings (flags over bc2m365.toml) and the plan options they give.
pub fn prepare(args: &SettingsArgs, strict: bool) -> Result<(Settings, PlanOptions)> {
    let settings = Settings::resolve(args)?;
    let domains = parse_domains(&settings.domains)?;
    let existing = match &settings.existing {
        Some(path) => Some(ExistingUsers::read(path)?),
        None => None,
    };
    let options = PlanOptions {
        domains,
        transliteration: settings.transliteration,
        user_name: settings.user_name.clone(),
        existing,
        accounts: settings.accounts.clone(),
        strict,
    };
    Ok((settings, options))
}

/// How inputs are read: the flags, with the config file's `[columns]` before `--map` (so flags win).
pub fn input_settings(args: &InputArgs, settings: &Settings) -> Result<InputSettings> {
    let mut args = args.clone();
    args.map = settings
        .column_map
        .iter()
        .map(|(field, header)| format!("{field}={header}"))
        .chain(args.map)
        .collect();
    InputSettings::from_args(&args)
}

/// Prints the report: the text one on stderr (with what was found in each input under --verbose, and
/// errors only under --quiet), or the JSON one on stdout.
/// `imports_written` tells scripts reading the JSON whether import files and a manifest were written.
pub fn print_report(
    analysis: &Analysis,
    format: ReportFormat,
    imports_written: bool,
    output: &OutputSettings,
    stderr: &mut dyn Write,
) {
    if output.verbosity == Verbosity::Verbose {
        for info in &analysis.inputs {
            let _ = writeln!(stderr, "{}", report::text::input_line(info));
        }
        let _ = writeln!(stderr);
    }
    match format {
        ReportFormat::Text => {
            let mut diagnostics = analysis.diagnostics();
            if output.verbosity == Verbosity::Quiet {
                diagnostics.retain(|d| d.severity() == crate::check::Severity::Error);
            }
            let _ = write!(
                stderr,
                "{}",
                report::text::render(&diagnostics, output.color)
            );
        }
        ReportFormat::Json => {
            let mut stdout = std::io::stdout().lock();
            let _ = stdout.write_all(report::json::render(analysis, imports_written).as_bytes());
            let _ = stdout.flush();
        }
    }
}

pub fn run(args: &ConvertArgs, output: &OutputSettings, stderr: &mut dyn Write) -> Result<u8> {
    let (settings, options) = prepare(&args.settings, args.strict)?;
    crate::read::check_stdin_once(&args.inputs)?;
    check_target(&args.out, args.force, &args.inputs)?;
    let mut input_settings = input_settings(&args.input, &settings)?;
    input_settings.progress = output.progress;
    // The staging folder first: an output folder that cannot be written is found before any work.
    let staging = Staging::new(&args.out)?;
    let analysis = analyse(&args.inputs, &input_settings, &options)?;
    let blocked = analysis.has_broken_file() || (analysis.has_errors() && !args.keep_going);
    print_report(&analysis, args.report, !blocked, output, stderr);
    let summary_line =
        |wrote: bool| report::text::summary_line(&analysis.summary, analysis.inputs.len(), wrote);

    if analysis.has_broken_file() {
        let _ = writeln!(
            stderr,
            "{}\nnothing written: an input cannot be converted",
            summary_line(false)
        );
        let code = if analysis.has_unreadable_file() {
            crate::EXIT_FAILURE
        } else {
            crate::EXIT_INPUT_ERRORS
        };
        return Ok(code);
    }

    let mut outputs = Vec::new();
    let mut progress = crate::progress::Progress::new(output.progress);
    progress.stage("writing the import files:");
    let mut users_written = 0u64;
    if !blocked {
        for batch in &analysis.plan.batches {
            let rows: Vec<_> = batch
                .entries
                .iter()
                .filter_map(|&i| analysis.plan.entries[i].import())
                .collect();
            let mut bytes = Vec::new();
            write_import_csv(&mut bytes, &rows.iter().collect::<Vec<_>>())
                .map_err(|e| Error::io(&args.out, e))?;
            let written = staging.write(&batch.file_name, &bytes)?;
            outputs.push(FileRecord::output(
                written,
                Some(rows.len()),
                batch.country.clone(),
            ));
            users_written += rows.len() as u64;
            progress.rows(users_written);
        }
        if analysis.summary.rejected > 0 {
            let bytes = report::rejected::render(&analysis).map_err(|e| Error::io(&args.out, e))?;
            outputs.push(FileRecord::output(
                staging.write("rejected.csv", &bytes)?,
                None,
                None,
            ));
        }
    }
    progress.stage("writing review.xlsx and the manifest:");
    let review = report::review::render(&analysis).map_err(|e| Error::Io {
        path: args.out.join("review.xlsx"),
        source: std::io::Error::other(e.to_string()),
    })?;
    outputs.push(FileRecord::output(
        staging.write("review.xlsx", &review)?,
        None,
        None,
    ));
    if !blocked {
        let mut inputs = Vec::new();
        for info in &analysis.inputs {
            inputs.push(FileRecord {
                file: info.file.clone(),
                sha256: match &info.stdin_sha256 {
                    Some(sha256) => sha256.clone(),
                    None => sha256_file(&info.path)?,
                },
                sheet: info.sheet.clone(),
                rows: Some(info.rows),
                users: None,
                country: None,
            });
        }
        // The settings files read are inputs too: the config, and the existing users.
        for (path, users) in settings.config.iter().map(|p| (p, None)).chain(
            settings
                .existing
                .iter()
                .map(|p| (p, options.existing.as_ref().map(ExistingUsers::len))),
        ) {
            inputs.push(FileRecord {
                file: path.display().to_string(),
                sha256: sha256_file(path)?,
                sheet: None,
                rows: None,
                users,
                country: None,
            });
        }
        let mut manifest = Manifest::new(
            &analysis.plan,
            &options.domains,
            &options.accounts,
            options.existing.as_ref(),
            inputs,
            outputs.clone(),
            analysis.summary.clone(),
        );
        // The views are made from the manifest, and the manifest lists them with their hashes.
        let views = [
            (views::ROLE_ASSIGNMENTS, views::role_assignments(&manifest)),
            (views::COUPLING, views::coupling(&manifest)),
            (views::NEXT_STEPS, views::next_steps(&manifest).into_bytes()),
        ];
        for (name, bytes) in views {
            let record = FileRecord::output(staging.write(name, &bytes)?, None, None);
            manifest.outputs.push(record.clone());
            outputs.push(record);
        }
        staging.write_with("manifest.json", |out| manifest.write_json(out))?;
    }
    staging.commit()?;
    progress.finish();

    if output.verbosity != Verbosity::Quiet {
        for file in &outputs {
            let users = file
                .users
                .map(|n| format!(" ({n} {})", if n == 1 { "user" } else { "users" }))
                .unwrap_or_default();
            let _ = writeln!(
                stderr,
                "wrote {}{users}",
                args.out.join(&file.file).display()
            );
        }
    }
    if blocked {
        let _ = writeln!(
            stderr,
            "{}\nno import file written: fix the {} above (review.xlsx shows each one) and run again, or pass --keep-going to write the valid rows",
            summary_line(false),
            if analysis.summary.errors == 0 { "warnings (errors under --strict)" } else { "errors" }
        );
        return Ok(crate::EXIT_INPUT_ERRORS);
    }
    if output.verbosity != Verbosity::Quiet {
        let _ = writeln!(stderr, "wrote {}", args.out.join("manifest.json").display());
    }
    let _ = writeln!(stderr, "{}", summary_line(true));
    if analysis.has_errors() {
        // --keep-going: the valid rows are written, and the exit code still says that some were not.
        return Ok(crate::EXIT_INPUT_ERRORS);
    }
    Ok(crate::EXIT_OK)
}
