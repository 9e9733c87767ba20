//! `bc2m365 validate`: every check of `convert`, and nothing written unless a review workbook is asked for.

use std::io::Write;

use crate::analysis::analyse;
use crate::cli::ValidateArgs;
use crate::cmd::convert::{input_settings, prepare, ReportSink};
use crate::error::{Error, Result};
use crate::report;

pub fn run(
    args: &ValidateArgs,
    output: &crate::report::OutputSettings,
    stderr: &mut dyn Write,
) -> Result<u8> {
    crate::read::check_stdin_once(&args.inputs)?;
    // The review file is checked before any work: never an input, never an existing file unless --force.
    if let Some(path) = &args.review {
        if args.inputs.iter().any(|input| same_file(input, path)) {
            return Err(Error::Usage(format!(
                "--review {} would overwrite an input",
                path.display()
            )));
        }
        if path.exists() && !args.force {
            return Err(Error::Usage(format!(
                "--review {} already exists; pass --force to replace it, or name a new file",
                path.display()
            )));
        }
    }
    let (settings, options) = prepare(&args.settings, args.strict)?;
    let mut input_settings = input_settings(&args.input, &settings)?;
    // A file is validated as it would be uploaded: a legacy import header is an error here.
    input_settings.legacy_is_error = true;
    input_settings.progress = output.progress;
    let analysis = analyse(&args.inputs, &input_settings, &options)?;
    // One pass over the rows gives the report and the review workbook.
    let review_failed = |path: &std::path::Path| report::review::failed(path.to_path_buf());
    let mut review = match &args.review {
        Some(path) => Some((
            path,
            report::review::ReviewWriter::new(&analysis.facts(), None)
                .map_err(review_failed(path))?,
        )),
        None => None,
    };
    // The text report comes from the first pass: the rows are read again only for the JSON report or
    // the review workbook.
    let mut report = ReportSink::new(&analysis, args.report, false, output, stderr)?;
    {
        if report.needs_rows() || review.is_some() {
            analysis.replay(&mut |item| {
                report.add_item(&item)?;
                if let Some((path, review)) = review.as_mut() {
                    review
                        .add(&item, &analysis.facts())
                        .map_err(review_failed(path))?;
                }
                Ok(())
            })?;
        }
    }
    if let Some((path, review)) = review {
        let bytes = review
            .finish(&analysis.facts())
            .map_err(review_failed(path))?;
        crate::write::write_file_atomically(path, &bytes)?;
        if output.verbosity != crate::report::Verbosity::Quiet {
            let _ = writeln!(stderr, "wrote {}", path.display());
        }
    }
    // The JSON report once the review it may speak of is written.
    report.finish(&analysis.summary)?;
    let _ = writeln!(
        stderr,
        "{}",
        report::text::summary_line(&analysis.summary, analysis.inputs.len(), false)
    );
    Ok(if analysis.has_unreadable_file() {
        crate::EXIT_FAILURE
    } else if analysis.has_errors() {
        crate::EXIT_INPUT_ERRORS
    } else {
        crate::EXIT_OK
    })
}

fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
