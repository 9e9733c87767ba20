//! `bc2m365 verify`: what was done after the online steps, from a run's manifest and what the tenant and
//! Business Central show now. The checks are the `verify` stage's; this prints them and picks the ending.

use crate::cli::{VerifyArgs, VerifyReport};
use crate::cmd::Ending;
use crate::error::{Error, Result};
use crate::plan::input::Companies;
use crate::verify::{self, Inputs};

pub fn run(args: &VerifyArgs) -> Result<Ending> {
    let companies = Companies::parse(&args.companies).map_err(Error::Usage)?;
    crate::plan::run::check_companies(&args.bc, &companies)?;
    crate::read::check_stdin_once(&args.bc)?;
    let verification = verify::verify(&Inputs {
        manifest: &args.manifest,
        users: &args.users,
        bc: &args.bc,
        logs: &args.logs,
        companies: &companies,
    })?;
    let text = match args.report {
        VerifyReport::Text => verify::render::text(&verification),
        VerifyReport::Json => {
            let mut json = serde_json::to_string_pretty(&verification)
                .map_err(|e| Error::io("<stdout>", std::io::Error::other(e)))?;
            json.push('\n');
            json
        }
    };
    crate::cmd::write_stdout(text.as_bytes())?;
    Ok(match verification.is_complete() {
        true => Ending::Done,
        false => Ending::StepsLeft,
    })
}
