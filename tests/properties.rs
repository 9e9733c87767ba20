//! Properties that hold for any input rows, whatever names, addresses and junk they hold.

use std::collections::BTreeSet;

use std::collections::HashMap;

use bc2m365::diagnostic::Severity;
use bc2m365::m365::format::{write_import_csv, ImportColumn, HEADER, MAX_USERS_PER_FILE};
use bc2m365::m365::UserPrincipalName;
use bc2m365::normalize::text::{is_phone_number, looks_like_formula};
use bc2m365::plan::input::InputSettings;
use bc2m365::plan::tally::SHOWN_PER_CODE;
use bc2m365::plan::Outcome;
use bc2m365::plan::PlanOptions;
use bc2m365::plan::{count_inputs, plan_inputs, Item, Plan};
use bc2m365::report::text::{render_counted, render_sample};
use proptest::prelude::*;

const DOMAINS: [&str; 2] = ["contoso.com", "contoso.be"];

fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Z][a-z]{1,12}",
        "(van|de|der|den|Van|De|von|zu|d'|la|du)",
        "[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿß]{1,10}",
        "[A-Z][a-z]{1,6}-[A-Z][a-z]{1,6}",
        "O'[A-Z][a-z]{2,8}",
        "\\PC{1,8}",
        "[=+@-][A-Za-z0-9()\"]{0,8}",
    ]
}

fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::collection::vec(word(), 0..5).prop_map(|w| w.join(" ")),
        (word(), word()).prop_map(|(l, f)| format!("{l}, {f}")),
        "[ \\t]{0,3}\\PC{0,60}",
    ]
}

fn email() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        "[a-z]{1,10}\\.[a-z]{1,12}@(contoso\\.com|Contoso\\.BE|gmail\\.com)",
        "[a-z0-9.+_'-]{0,60}@(contoso\\.com|example\\.org)",
        "\\PC{0,30}",
    ]
}

fn row() -> impl Strategy<Value = Vec<String>> {
    (
        "[A-Z0-9]{0,6}",
        name(),
        email(),
        prop_oneof![Just(String::new()), "\\+?[0-9 ]{6,16}", "\\PC{0,20}"],
        "\\PC{0,40}",
        prop_oneof![Just("No"), Just("Yes"), Just(""), Just("Ja"), Just("maybe")],
    )
        .prop_map(|(code, name, email, phone, job, blocked)| {
            vec![code, name, email, phone, job, blocked.to_string()]
        })
}

/// Every planned row and every diagnostic, in report order, as the outputs are written from them.
fn items(
    plan: &mut Plan,
) -> (
    Vec<bc2m365::plan::Entry>,
    Vec<bc2m365::diagnostic::Diagnostic>,
) {
    let mut entries = Vec::new();
    let mut all = Vec::new();
    for item in plan.items() {
        match item.unwrap() {
            Item::FileDiagnostic(d) => all.push(d),
            Item::Entry(entry) => {
                all.extend(entry.diagnostics.iter().cloned());
                entries.push(*entry);
            }
        }
    }
    (entries, all)
}

/// The text report as it is defined: every diagnostic in report order (as the outputs see them), at
/// most five of each code shown, then per code how many more, in the order their first came.
fn text_report_of(all: &[bc2m365::diagnostic::Diagnostic], errors_only: bool) -> String {
    let mut all = all.to_vec();
    if errors_only {
        all.retain(|d| d.severity() == Severity::Error);
    }
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let mut shown = Vec::new();
    let mut hidden: Vec<(&'static str, Severity, u64)> = Vec::new();
    for d in &all {
        let n = seen.entry(d.code()).or_default();
        *n += 1;
        if *n <= SHOWN_PER_CODE {
            shown.push(d);
        } else {
            match hidden.iter_mut().find(|(code, ..)| *code == d.code()) {
                Some((.., count)) => *count += 1,
                None => hidden.push((d.code(), d.severity(), 1)),
            }
        }
    }
    render_counted(&shown, &hidden, false)
}

#[test]
fn the_text_report_of_many_clashing_rows_samples_every_diagnostic() {
    // Few names and addresses over many rows: duplicates, numbered user names, other domains, empty rows.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("export.csv");
    let mut text = String::from("Code,Name,E-Mail,Blocked\r\n");
    let names = [
        "Jan Peeters",
        "An De Smet",
        "=Bad",
        "Ann-Sofie Van den Broeck",
        "",
        "Zoë Maes",
    ];
    let emails = [
        "",
        "jan.peeters@contoso.com",
        "x@gmail.com",
        "bad@@x",
        "an.desmet@contoso.com",
    ];
    for i in 0..600 {
        if i % 97 == 0 {
            text.push_str(",,,\r\n");
            continue;
        }
        let code = if i % 50 == 0 {
            "S1".to_string()
        } else {
            format!("S{i}")
        };
        let blocked = if i % 41 == 0 { "Yes" } else { "No" };
        text.push_str(&format!(
            "{code},{},{},{blocked}\r\n",
            names[i % names.len()],
            emails[(i / 3) % emails.len()]
        ));
    }
    std::fs::write(&path, text).unwrap();
    let options = PlanOptions {
        domains: vec!["contoso.com".to_string()],
        ..PlanOptions::default()
    };
    let mut plan = plan_inputs(&[path], &InputSettings::default(), &options, dir.path()).unwrap();
    let report = render_sample(&plan.report, false, false);
    let (_, all) = items(&mut plan);
    assert!(report.contains("more rows"), "{report}");
    assert_eq!(report, text_report_of(&all, false));
    // --quiet: the same rule applied to the errors alone.
    let errors = render_sample(&plan.report, true, false);
    assert!(!errors.contains("warning["), "{errors}");
    assert_eq!(errors, text_report_of(&all, true));
    // Planned without keeping the rows (validate's text report): the same counts and the same report.
    let counted = count_inputs(
        &[dir.path().join("export.csv")],
        &InputSettings::default(),
        &options,
        dir.path(),
    )
    .unwrap();
    assert_eq!(counted.summary, plan.summary);
    assert_eq!(render_sample(&counted.report, false, false), report);
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(96),
        ..ProptestConfig::default()
    })]

    #[test]
    fn cleaning_text_is_trimming_collapsing_and_composing(value in "[ \t\u{a0}\u{b}a-zA-Z\u{300}-\u{36f}\\PC]{0,30}") {
        let words: Vec<&str> = value.split(char::is_whitespace).filter(|w| !w.is_empty()).collect();
        let expected: String = unicode_normalization::UnicodeNormalization::nfc(words.join(" ").as_str()).collect();
        prop_assert_eq!(bc2m365::normalize::clean_text(&value), expected);
    }

    #[test]
    fn any_rows_give_valid_users_and_lose_none(rows in prop::collection::vec(row(), 1..60)) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("export.csv");
        let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_path(&path).unwrap();
        writer.write_record(["Code", "Name", "Email", "Phone No.", "Job Title", "Blocked"]).unwrap();
        for row in &rows {
            writer.write_record(row).unwrap();
        }
        writer.flush().unwrap();
        drop(writer);

        let domains: Vec<String> = DOMAINS.iter().map(|d| d.to_string()).collect();
        let options = PlanOptions { domains: domains.clone(), ..PlanOptions::default() };
        let mut plan = plan_inputs(&[path], &InputSettings::default(), &options, dir.path()).unwrap();
        // The rows as planned, as every output reads them.
        let (entries, all) = items(&mut plan);
        // The text report sampled while planning is the one every diagnostic gives.
        prop_assert_eq!(render_sample(&plan.report, false, false), text_report_of(&all, false));
        let analysis = &plan;

        // Every input row is in the plan exactly once, on the line it was written (header = line 1), unless
        // it was wholly empty and trailing (not a row at all).
        let lines: Vec<u64> = entries.iter().map(|e| e.location.row.unwrap()).collect();
        let unique: BTreeSet<u64> = lines.iter().copied().collect();
        prop_assert_eq!(unique.len(), lines.len());
        prop_assert!(entries.len() <= rows.len());
        let last_data = rows.iter().rposition(|r| r.iter().any(|c| !c.trim().is_empty()));
        if let Some(last) = last_data {
            prop_assert!(entries.len() > last);
        }
        let s = &analysis.summary;
        prop_assert_eq!(s.written + s.skipped + s.rejected, entries.len() as u64);

        // Every written user meets Microsoft's rules, and user names are unique case-insensitively.
        let mut seen = BTreeSet::new();
        for entry in entries.iter().filter(|e| e.outcome == Outcome::Written) {
            let import = entry.import().unwrap();
            let upn = import.get(ImportColumn::UserName);
            prop_assert!(UserPrincipalName::parse(upn, &domains).is_ok(), "{}", upn);
            prop_assert!(seen.insert(upn.to_lowercase()), "{} twice", upn);
            prop_assert!(!import.get(ImportColumn::DisplayName).is_empty());
            for column in ImportColumn::ALL {
                let value = import.get(column);
                if let Some(max) = column.max_chars() {
                    prop_assert!(value.chars().count() <= max, "{:?} {}", column, value);
                }
                prop_assert!(!value.chars().any(char::is_control), "{:?} {:?}", column, value);
                prop_assert_eq!(value.trim(), value);
                prop_assert!(!looks_like_formula(value, column.is_phone() && is_phone_number(value)), "{:?} {:?}", column, value);
            }
        }

        // Writing each batch and reading it back gives exactly the planned users, in order.
        for (index, batch) in analysis.batches.iter().enumerate() {
            let planned: Vec<_> = entries.iter().filter(|e| e.batch == Some(index)).map(|e| e.import().unwrap()).collect();
            prop_assert!(planned.len() <= MAX_USERS_PER_FILE);
            prop_assert_eq!(planned.len(), batch.users);
            let mut bytes = Vec::new();
            write_import_csv(&mut bytes, &planned.iter().collect::<Vec<_>>()).unwrap();
            let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap();
            let mut reader = csv::ReaderBuilder::new().from_reader(body);
            prop_assert_eq!(reader.headers().unwrap().iter().collect::<Vec<_>>(), HEADER.to_vec());
            let back: Vec<Vec<String>> = reader.records().map(|r| r.unwrap().iter().map(String::from).collect()).collect();
            let want: Vec<Vec<String>> = planned.iter().map(|p| p.values().to_vec()).collect();
            prop_assert_eq!(back, want);
        }
    }
}
