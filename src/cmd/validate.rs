//! `bc2m365 validate`: every check of `convert`, and nothing written unless a review workbook is asked for.

use std::io::Write;
use std::path::Path;

use crate::cli::{ReportFormat, ValidateArgs};
use crate::cmd::{prepare, Ending, ReportSink};
use crate::error::{Error, Result};
use crate::plan::{count_inputs, plan_inputs};
use crate::report::review::ReviewWriter;
use crate::report::{self, OutputSettings, Verbosity};

pub fn run(args: &ValidateArgs, output: &OutputSettings, stderr: &mut dyn Write) -> Result<Ending> {
    crate::read::check_stdin_once(&args.inputs)?;
    check_review_target(args)?;
    let (_, options, mut input_settings) = prepare(&args.settings, &args.input, args.strict)?;
    // A file is validated as it would be uploaded: a legacy import header is an error here.
    input_settings.legacy_is_error = true;
    input_settings.progress = output.progress;
    // The rows are kept only for what needs every one: the JSON report, the review workbook.
    let every_row = args.report == ReportFormat::Json || args.review.is_some();
    let plan_with = if every_row { plan_inputs } else { count_inputs };
    let mut plan = plan_with(
        &args.inputs,
        &input_settings,
        &options,
        &std::env::temp_dir(),
    )?;
    let mut report = ReportSink::new(&plan, args.report, false, output, stderr)?;
    let review_failed = |path: &Path| report::review::failed(path.to_path_buf());
    let mut review = match &args.review {
        Some(path) => {
            let writer =
                ReviewWriter::new(&plan.facts(), false, None).map_err(review_failed(path))?;
            Some((path, writer))
        }
        None => None,
    };
    if every_row {
        for item in plan.items() {
            let item = item?;
            report.add_item(&item)?;
            if let Some((path, review)) = review.as_mut() {
                review
                    .add(&item, &plan.facts())
                    .map_err(|e| review_failed(path)(e))?;
            }
        }
    }
    if let Some((path, review)) = review {
        let bytes = review.finish(&plan.facts()).map_err(review_failed(path))?;
        crate::write::write_file_atomically(path, &bytes)?;
        if output.verbosity != Verbosity::Quiet {
            let _ = writeln!(stderr, "wrote {}", path.display());
        }
    }
    // The JSON report once the review it may speak of is written.
    report.finish(&plan.summary)?;
    let summary = report::text::summary_line(&plan.summary, plan.inputs.len(), false);
    let _ = writeln!(stderr, "{summary}");
    Ok(Ending::of(&plan))
}

/// The review file is checked before any work: never an input, never an existing file unless --force.
fn check_review_target(args: &ValidateArgs) -> Result<()> {
    let Some(path) = &args.review else {
        return Ok(());
    };
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
    Ok(())
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
