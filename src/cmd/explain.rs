//! `bc2m365 explain [CODE]`: a rule's full explanation, or the list of every rule.

use crate::cmd::{write_stdout, Ending};
use crate::diagnostic::rules;
use crate::error::{Error, Result};

/// The text `explain` prints for one rule.
pub fn explanation(rule: &rules::Rule) -> String {
    format!(
        "{code} ({severity}): {title}\n\n{explanation}\n\nhelp: {help}\n",
        code = rule.code,
        severity = rule.severity.as_str(),
        title = rule.title,
        explanation = rule.explanation,
        help = rule.help
    )
}

/// Every rule, one line each.
pub fn list() -> String {
    let mut out = String::new();
    for rule in rules::ALL {
        out.push_str(&format!(
            "{}  {:<7}  {}\n",
            rule.code,
            rule.severity.as_str(),
            rule.title
        ));
    }
    out.push_str("\nrun `bc2m365 explain CODE` for a rule's explanation\n");
    out
}

pub fn run(code: Option<&str>) -> Result<Ending> {
    let text = match code {
        None => list(),
        Some(code) => match rules::find(code) {
            Some(rule) => explanation(rule),
            None => {
                return Err(Error::Usage(format!(
                    "no rule {code:?}; `bc2m365 explain` lists every code"
                )))
            }
        },
    };
    write_stdout(text.as_bytes())
}
