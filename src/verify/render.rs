//! The verification as text: people grouped by where they stand (done, missing, not fully checked), each
//! step that is not done with what to do next, then the records that needed nothing, then one summary line.

use std::fmt::Write as _;

use super::{Check, CheckKind, NothingToDo, PersonResult, State, Verification};

/// The text report.
pub fn text(verification: &Verification) -> String {
    let mut out = String::new();
    out.push_str(&inputs(verification));
    let groups = [
        (State::Done, "Done"),
        (State::Missing, "Missing"),
        (State::Unknown, "Not fully checked"),
    ];
    for (state, title) in groups {
        let people: Vec<&PersonResult> = (verification.people.iter())
            .filter(|p| p.state == state)
            .collect();
        if people.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "\n{title} ({}):",
            count(people.len(), "person", "people")
        );
        for person in people {
            out.push_str(&person_text(person));
        }
    }
    if !verification.nothing_to_do.is_empty() {
        let n = verification.nothing_to_do.len();
        let records = count(n, "salesperson record", "salesperson records");
        let _ = writeln!(out, "\nNothing to do ({records}):");
        for record in &verification.nothing_to_do {
            out.push_str(&nothing_to_do_text(record));
        }
    }
    let _ = writeln!(out, "\n{}", summary_line(verification));
    out
}

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// What was read.
fn inputs(v: &Verification) -> String {
    let mut out = format!("manifest:    {}\n", v.manifest);
    let _ = writeln!(out, "users:       {} ({})", v.users.file, v.users.holds);
    for bc in &v.bc {
        let _ = writeln!(
            out,
            "salespeople: {} ({})",
            bc.file,
            bc.companies.join(", ")
        );
    }
    for log in &v.logs {
        let _ = writeln!(out, "log:         {log}");
    }
    out
}

/// A step's name, with what was planned.
fn label(check: &Check) -> String {
    let expected = check.expected.as_deref();
    match check.check {
        CheckKind::User => "user".to_string(),
        CheckKind::UsageLocation => match expected {
            Some(location) => format!("usage location {location}"),
            None => "usage location".to_string(),
        },
        CheckKind::Licence => match expected {
            Some(sku) => format!("licence {sku}"),
            None => "a licence that includes Sales".to_string(),
        },
        CheckKind::Role => format!("role {}", check.role.as_deref().unwrap_or_default()),
        CheckKind::Coupling => format!(
            "coupled in {} ({})",
            check.company.as_deref().unwrap_or_default(),
            check.code.as_deref().unwrap_or_default()
        ),
    }
}

fn person_text(person: &PersonResult) -> String {
    let mut out = format!("  {}  {}\n", person.upn, person.display_name);
    let done: Vec<String> = (person.checks.iter())
        .filter(|c| c.state == State::Done)
        .map(label)
        .collect();
    for check in person.checks.iter().filter(|c| c.state != State::Done) {
        let state = match check.state {
            State::Missing => "missing",
            _ => "unknown",
        };
        let _ = writeln!(out, "    {state:<8} {}: {}", label(check), check.detail);
        if let Some(next) = &check.next {
            let _ = writeln!(out, "             next: {next}");
        }
    }
    if !done.is_empty() {
        let prefix = if person.state == State::Done {
            ""
        } else {
            "done     "
        };
        let _ = writeln!(out, "    {prefix}{}", done.join(", "));
    }
    out
}

fn nothing_to_do_text(record: &NothingToDo) -> String {
    let name = record
        .name
        .as_deref()
        .unwrap_or("(name not carried: privacy blocked)");
    let code = if record.code.is_empty() {
        "(no Code)"
    } else {
        &record.code
    };
    let reason = record.reason.as_deref().unwrap_or_default();
    let company = if record.company.is_empty() {
        String::new()
    } else {
        format!("{}  ", record.company)
    };
    format!("  {company}{code}  {name}: {}: {reason}\n", record.status)
}

fn summary_line(v: &Verification) -> String {
    let s = &v.summary;
    format!(
        "{}: {} done, {} with something missing, {} not fully checked; {} with nothing to do",
        count(s.people, "person", "people"),
        s.by_state.done,
        s.by_state.missing,
        s.by_state.unknown,
        count(s.nothing_to_do, "salesperson record", "salesperson records"),
    )
}
