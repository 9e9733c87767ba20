//! People, companies and the tenant that already exists, end to end: two Business Central companies
//! converted together, with the tenant's users from each kind of export.

mod common;

use std::path::Path;

use common::{m365check, manifest_violations, Ran, Run};
use serde_json::Value;

const BE: &str = "fixtures/companies/cronus-be.csv";
const NL: &str = "fixtures/companies/cronus-nl.csv";
const EXPORTS: [&str; 3] = [
    "fixtures/companies/tenant-active-users.csv",
    "fixtures/companies/tenant-entra-users.csv",
    "fixtures/companies/tenant-graph-users.csv",
];

/// The two companies of the walk-through in README.md, with the tenant's users from `existing`.
fn two_companies(existing: &str) -> Ran {
    Run::convert(BE)
        .input(NL)
        .domain("cronus.com")
        .args(["--company", "cronus-be.csv=CRONUS BE"])
        .args(["--company", "cronus-nl.csv=CRONUS NL"])
        .args(["--existing", existing])
        .args(["--admin", "admin@cronus.com"])
        .run()
}

fn person<'a>(m: &'a Value, upn: &str) -> &'a Value {
    m["people"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["upn"] == upn)
        .unwrap_or_else(|| panic!("no person {upn}"))
}

fn records(person: &Value) -> Vec<(String, String)> {
    person["salespeople"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let text = |k: &str| s[k].as_str().unwrap().to_string();
            (text("company"), text("code"))
        })
        .collect()
}

fn pair(company: &str, code: &str) -> (String, String) {
    (company.to_string(), code.to_string())
}

#[test]
fn one_person_in_two_companies_is_one_user_coupled_in_each() {
    for existing in EXPORTS {
        let ran = two_companies(existing);
        ran.assert_exit(0);
        let m = ran.manifest();
        // The same e-mail (another case), and the same name without an e-mail: one user each.
        let anna = person(&m, "anna.peeters@cronus.com");
        assert_eq!(
            records(anna),
            [pair("CRONUS BE", "AP"), pair("CRONUS NL", "ANNA")]
        );
        let jan = person(&m, "jan.maes@cronus.com");
        assert_eq!(
            records(jan),
            [pair("CRONUS BE", "JM"), pair("CRONUS NL", "JM")]
        );
        // The same Code in two companies is two records, not a duplicate.
        assert!(!ran.stderr.contains("D001"), "{}", ran.stderr);
        assert_eq!(m["people"].as_array().unwrap().len(), 6, "{existing}");
        assert_eq!(m["summary"]["same_person"], 2);
        // The companies disagree about Anna's job title: the first company's wins, with a warning.
        assert!(
            ran.stderr.contains(
                "warning[P002]: Job Title is \"Key Account Manager\" here but \"Account Manager\" in CRONUS BE"
            ),
            "{}",
            ran.stderr
        );
        // One user in the import files, coupled in both companies.
        let imported: Vec<String> = ["m365-users-BE.csv", "m365-users-NL.csv"]
            .iter()
            .flat_map(|f| ran.import(f))
            .map(|r| r[0].clone())
            .collect();
        assert_eq!(
            imported,
            [
                "anna.peeters@cronus.com",
                "jan.maes@cronus.com",
                "koen.dierckx@cronus.com",
                "sanne.visser@cronus.com"
            ]
        );
        let coupling = std::fs::read_to_string(ran.path("coupling.csv")).unwrap();
        assert!(coupling.contains("CRONUS BE,AP,Anna Peeters,anna.peeters@cronus.com"));
        assert!(coupling.contains("CRONUS NL,ANNA,Anna Peeters,anna.peeters@cronus.com"));
        assert_eq!(coupling.lines().count(), 1 + 8);
        let roles = std::fs::read_to_string(ran.path("role-assignments.csv")).unwrap();
        assert!(roles.contains("salesperson,CRONUS BE; CRONUS NL,AP; ANNA,anna.peeters@cronus.com"));
        let steps = std::fs::read_to_string(ran.path("next-steps.txt")).unwrap();
        let nl = steps
            .find("   Company CRONUS NL (coupling-CRONUS_NL.xlsx):")
            .unwrap();
        assert!(steps[nl..].contains("   - ANNA -> anna.peeters@cronus.com"));
        let same = m["salespeople"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["code"] == "ANNA")
            .unwrap();
        assert_eq!(same["status"], "same-person");
        assert_eq!(same["same_person_as"]["code"], "AP");
        assert_eq!(same["licence"], Value::Null);
        assert_eq!(same["coupling"]["bc_company"], "CRONUS NL");
        m365check(
            &["cronus.com"],
            &[ran.path("m365-users-BE.csv"), ran.path("m365-users-NL.csv")],
        );
    }
}

#[test]
fn existing_users_are_found_by_every_address_and_keep_the_tenants_spelling() {
    for existing in EXPORTS {
        let ran = two_companies(existing);
        let m = ran.manifest();
        // Alicia's BC e-mail is her mail (a proxy address), not her user name: she is that user.
        let alicia = person(&m, "alicia@cronus.com");
        assert_eq!(alicia["status"], "existing", "{existing}");
        assert!(!ran
            .read("m365-users-BE.csv")
            .windows(16)
            .any(|w| w == b"alicia.lindqvist"));
        // Annette keeps the tenant's spelling, and the tenant's usage location (her row names none).
        let annette = person(&m, "Annette.Hill@cronus.com");
        assert_eq!(annette["status"], "existing");
        assert_eq!(annette["usage_location"], "NL", "{existing}");
        // Koen has no address the tenant knows, but an existing user has his name: a warning.
        assert!(
            ran.stderr
                .contains("warning[E002]: the existing user kdierckx@cronus.com"),
            "{}",
            ran.stderr
        );
        assert_eq!(person(&m, "koen.dierckx@cronus.com")["status"], "new");
    }
}

#[test]
fn a_user_who_holds_a_sales_licence_gets_no_second_one() {
    // The admin center names the product, Graph gives the skuId; Entra's download lists no licences.
    for (existing, held) in [
        (EXPORTS[0], Some("DYN365_ENTERPRISE_PLAN1")),
        (EXPORTS[1], None),
        (EXPORTS[2], Some("DYN365_ENTERPRISE_PLAN1")),
    ] {
        let ran = two_companies(existing);
        let alicia = person(&ran.manifest(), "alicia@cronus.com").clone();
        match held {
            Some(sku) => {
                assert_eq!(alicia["licence"], Value::Null, "{existing}");
                assert_eq!(alicia["licence_held"], sku);
                assert!(ran
                    .stderr
                    .contains("info[E003]: alicia@cronus.com holds DYN365_ENTERPRISE_PLAN1"));
                let steps = std::fs::read_to_string(ran.path("next-steps.txt")).unwrap();
                assert!(steps.contains("   - alicia@cronus.com (holds DYN365_ENTERPRISE_PLAN1)"));
            }
            None => {
                assert_eq!(alicia["licence"], "DYN365_ENTERPRISE_SALES", "{existing}");
                assert_eq!(alicia["licence_held"], Value::Null);
            }
        }
    }
}

#[test]
fn another_existing_users_address_is_never_a_new_user_name() {
    for existing in EXPORTS {
        let ran = Run::convert("fixtures/companies/cronus-de.csv")
            .domain("cronus.com")
            .args(["--existing", existing])
            .run();
        ran.assert_exit_saying(
            1,
            "error[E001]: p.bakker@cronus.com is an address of the existing user petra.bakker@cronus.com (\"Petra Bakker\"",
        );
        assert!(ran.import_files().is_empty());
    }
}

/// Two one-company inputs in a temporary folder.
fn two_inputs(dir: &Path, a: &str, b: &str) -> Run {
    std::fs::write(dir.join("a.csv"), a).unwrap();
    std::fs::write(dir.join("b.csv"), b).unwrap();
    Run::convert(dir.join("a.csv"))
        .input(dir.join("b.csv"))
        .domain("contoso.com")
}

#[test]
fn the_same_code_in_two_companies_is_two_salespeople_and_in_one_company_a_duplicate() {
    let dir = tempfile::tempdir().unwrap();
    let ran = two_inputs(
        dir.path(),
        "Code,Name,E-Mail\nS1,An Maes,an.maes@contoso.com\n",
        "Code,Name,E-Mail\nS1,Bo Jacobs,bo.jacobs@contoso.com\n",
    )
    .run();
    ran.assert_exit(0);
    assert_eq!(ran.manifest()["summary"]["written"], 2);
    let one_company = two_inputs(
        dir.path(),
        "Code,Name,E-Mail\nS1,An Maes,an.maes@contoso.com\n",
        "Code,Name,E-Mail\nS1,Bo Jacobs,bo.jacobs@contoso.com\n",
    )
    .args(["--company", "a.csv=CRONUS"])
    .args(["--company", "b.csv=CRONUS"])
    .run();
    one_company.assert_exit_saying(
        1,
        "error[D001]: Code \"S1\" is already used by another salesperson",
    );
}

#[test]
fn two_people_of_one_name_with_other_emails_are_two_users() {
    let dir = tempfile::tempdir().unwrap();
    let ran = two_inputs(
        dir.path(),
        "Code,Name,E-Mail\nJP,Jan Peeters,jan@gmail.com\n",
        "Code,Name,E-Mail\nJP,Jan Peeters,jp@hotmail.com\n",
    )
    .run();
    ran.assert_exit(0);
    let m = ran.manifest();
    assert_eq!(m["people"].as_array().unwrap().len(), 2);
    assert!(!ran.stderr.contains("P001"), "{}", ran.stderr);
    assert!(ran.stderr.contains("warning[U004]"), "{}", ran.stderr);
    // The same e-mail in one company stays a duplicate.
    let dup = two_inputs(
        dir.path(),
        "Code,Name,E-Mail\nAM,An Maes,an.maes@contoso.com\n",
        "Code,Name,E-Mail\nBM,Bo Maes,an.maes@contoso.com\n",
    )
    .args(["--company", "a.csv=X", "--company", "b.csv=X"])
    .run();
    dup.assert_exit_saying(1, "error[D002]");
}

#[test]
fn a_company_column_names_each_rows_company() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("all-companies.csv");
    std::fs::write(
        &path,
        "Company,Code,Name,E-Mail\n\
         CRONUS BE,AP,Anna Peeters,anna.peeters@contoso.com\n\
         CRONUS NL,ANNA,Anna Peeters,anna.peeters@contoso.com\n\
         ,SV,Sanne Visser,sanne.visser@contoso.com\n",
    )
    .unwrap();
    let ran = Run::convert(&path).domain("contoso.com").run();
    ran.assert_exit(0);
    let m = ran.manifest();
    let companies: Vec<&str> = m["salespeople"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["company"].as_str().unwrap())
        .collect();
    // An empty Company cell is the input's company: its file name.
    assert_eq!(companies, ["CRONUS BE", "CRONUS NL", "all-companies"]);
    assert!(ran
        .stderr
        .contains("info[P001]: salesperson ANNA of CRONUS NL is salesperson AP of CRONUS BE"));
    assert_eq!(ran.import("m365-users.csv").len(), 2);
}

#[test]
fn a_company_for_no_input_is_a_usage_error() {
    Run::convert(BE)
        .domain("cronus.com")
        .args(["--company", "cronus-nl.csv=CRONUS NL"])
        .run()
        .assert_exit_saying(
            2,
            "--company cronus-nl.csv=CRONUS NL: no input is \"cronus-nl.csv\"",
        );
}

#[test]
fn a_graph_export_that_wrote_array_types_is_refused_with_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("users.csv");
    std::fs::write(
        &path,
        "\"UserPrincipalName\",\"DisplayName\",\"ProxyAddresses\"\n\
         \"anna@cronus.com\",\"Anna\",\"System.String[]\"\n",
    )
    .unwrap();
    let ran = Run::convert(BE)
        .domain("cronus.com")
        .arg("--existing")
        .arg(&path)
        .run();
    ran.assert_exit(2);
    assert!(
        ran.stderr.contains("holds \"System.String[]\""),
        "{}",
        ran.stderr
    );
    assert!(ran.stderr.contains("-join ';'"), "{}", ran.stderr);
}

#[test]
fn every_row_is_counted_once_across_companies() {
    let ran = two_companies(EXPORTS[0]);
    let summary = &ran.manifest()["summary"];
    let sum: u64 = [
        "written",
        "existing",
        "coupled",
        "same_person",
        "skipped",
        "rejected",
    ]
    .iter()
    .map(|k| summary[k].as_u64().unwrap())
    .sum();
    assert_eq!(sum, summary["rows"].as_u64().unwrap());
    assert_eq!(summary["rows"], 8);
}

#[test]
fn the_schema_refuses_a_manifest_that_breaks_it() {
    let ran = two_companies(EXPORTS[0]);
    let mut m = ran.manifest();
    assert_eq!(manifest_violations(&m), None);
    m["salespeople"][0]["status"] = "maybe".into();
    assert!(manifest_violations(&m).is_some());
    let mut m = ran.manifest();
    m.as_object_mut().unwrap().remove("people");
    assert!(manifest_violations(&m).is_some());
}

/// The command lines of README.md's walk-through ("A two-company tenant from start to finish"), as a shell
/// would split them: each `bc2m365 ...` line with its `\` continuations.
fn readme_walkthrough() -> Vec<Vec<String>> {
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap();
    let start = readme
        .find("### A two-company tenant from start to finish")
        .unwrap();
    let section = &readme[start..];
    let section = &section[..section[4..].find("\n## ").map_or(section.len(), |i| i + 4)];
    let mut commands = Vec::new();
    let mut lines = section.lines().map(str::trim);
    while let Some(line) = lines.next() {
        if !line.starts_with("bc2m365 ") {
            continue;
        }
        let mut text = line.to_string();
        while text.ends_with('\\') {
            text.pop();
            text.push(' ');
            text.push_str(lines.next().unwrap());
        }
        commands.push(shell_words(&text));
    }
    commands
}

/// Splits on spaces outside double quotes, as a shell does for these lines.
fn shell_words(text: &str) -> Vec<String> {
    let (mut words, mut word, mut quoted) = (Vec::new(), String::new(), false);
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            ' ' if !quoted => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
            }
            c => word.push(c),
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

#[test]
fn the_readme_walkthrough_runs_as_written() {
    let commands = readme_walkthrough();
    assert_eq!(commands.len(), 2, "{commands:?}");
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    for words in commands {
        let mut args: Vec<String> = words[1..].to_vec();
        // The walk-through's --out, in a temporary folder.
        if let Some(k) = args.iter().position(|a| a == "--out") {
            args[k + 1] = dir.path().join(&args[k + 1]).display().to_string();
        }
        let ran = Run::new(args).run();
        ran.assert_exit(0);
        let last = ran.stderr.lines().last().unwrap().to_string();
        // The summary as README.md quotes it (wrapped there over two lines).
        let quoted = readme.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(quoted.contains(&last), "README.md does not quote: {last}");
    }
    let out = dir.path().join("cronus");
    for name in [
        "m365-users-BE.csv",
        "m365-users-NL.csv",
        "coupling.csv",
        "next-steps.txt",
    ] {
        assert!(out.join(name).is_file(), "{name}");
    }
}

#[test]
fn a_second_run_with_the_first_runs_manifest_finds_every_person_again() {
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("first");
    let run = |existing: Option<&Path>, out: &Path| {
        let mut run = Run::convert(BE)
            .input(NL)
            .domain("cronus.com")
            .args(["--company", "cronus-be.csv=CRONUS BE"])
            .args(["--company", "cronus-nl.csv=CRONUS NL"])
            .out(out);
        if let Some(existing) = existing {
            run = run.arg("--existing").arg(existing);
        }
        run.run()
    };
    run(None, &first).assert_exit(0);
    let again = run(
        Some(&first.join("manifest.json")),
        &dir.path().join("second"),
    );
    again.assert_exit(0);
    let summary = &again.manifest()["summary"];
    // Every user exists now, each company's record of it included: no duplicate, nothing to import.
    assert_eq!(
        (
            &summary["existing"],
            &summary["same_person"],
            &summary["written"]
        ),
        (&Value::from(6), &Value::from(2), &Value::from(0)),
        "{}",
        again.stderr
    );
    assert!(!again.stderr.contains("D00"), "{}", again.stderr);
}

#[test]
fn under_strict_the_companies_disagreeing_rejects_the_later_record() {
    let ran = Run::convert(BE)
        .input(NL)
        .domain("cronus.com")
        .args(["--strict", "--keep-going"])
        .run();
    ran.assert_exit(1);
    let m = ran.manifest();
    let anna = m["salespeople"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["code"] == "ANNA")
        .unwrap();
    assert_eq!(anna["status"], "rejected");
    assert_eq!(
        records(person(&m, "anna.peeters@cronus.com")),
        [pair("cronus-be", "AP")]
    );
    // Jan Maes agrees in both companies: still one user, coupled in both.
    assert_eq!(
        records(person(&m, "jan.maes@cronus.com")),
        [pair("cronus-be", "JM"), pair("cronus-nl", "JM")]
    );
}

/// Inputs named `name` with `text`, in a temporary folder, converted together (on contoso.com unless the
/// caller names a domain first).
fn inputs(dir: &Path, files: &[(&str, &str)]) -> Run {
    let mut run: Option<Run> = None;
    for (name, text) in files {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        run = Some(match run {
            None => Run::convert(&path),
            Some(run) => run.input(&path),
        });
    }
    run.unwrap()
}

fn statuses(m: &Value) -> Vec<(String, String, String)> {
    m["salespeople"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let text = |k: &str| s[k].as_str().unwrap_or_default().to_string();
            (text("code"), text("status"), text("upn"))
        })
        .collect()
}

fn triple(code: &str, status: &str, upn: &str) -> (String, String, String) {
    (code.into(), status.into(), upn.into())
}

#[test]
fn a_record_rejected_after_it_joined_leaves_the_person_to_the_others() {
    // J2 joins J1 by name, then is rejected for being the administrator; J3 still joins J1.
    let dir = tempfile::tempdir().unwrap();
    let ran = inputs(
        dir.path(),
        &[
            ("a.csv", "Code,Name,E-Mail\nJ1,Jan Peeters,\n"),
            (
                "b.csv",
                "Code,Name,E-Mail\nJ2,Jan Peeters,admin@contoso.onmicrosoft.com\n",
            ),
            ("c.csv", "Code,Name,E-Mail\nJ3,Jan Peeters,\n"),
        ],
    )
    .domain("contoso.com")
    .args(["--admin", "admin@contoso.onmicrosoft.com", "--keep-going"])
    .run();
    let m = ran.manifest();
    assert_eq!(
        statuses(&m),
        [
            triple("J1", "written", "jan.peeters@contoso.com"),
            triple("J2", "rejected", ""),
            triple("J3", "same-person", "jan.peeters@contoso.com"),
        ]
    );
    assert_eq!(records(&m["people"][0]), [pair("a", "J1"), pair("c", "J3")]);
}

#[test]
fn a_record_whose_person_was_rejected_is_planned_on_its_own() {
    // A1 is rejected (a Job Title longer than Microsoft accepts) after B1 joined it by e-mail.
    let dir = tempfile::tempdir().unwrap();
    let long = "J".repeat(70);
    let ran = inputs(
        dir.path(),
        &[
            (
                "a.csv",
                &format!("Code,Name,Job Title,E-Mail\nA1,Jan Peeters,{long},jan@gmail.com\n"),
            ),
            (
                "b.csv",
                "Code,Name,Job Title,E-Mail\nB1,Jan Peeters,Sales,jan@gmail.com\n",
            ),
        ],
    )
    .domain("contoso.com")
    .arg("--keep-going")
    .run();
    let m = ran.manifest();
    let b1 = &statuses(&m)[1];
    assert_eq!(
        (b1.0.as_str(), b1.1.as_str()),
        ("B1", "written"),
        "{}",
        ran.stderr
    );
    // Its private e-mail is its alternate email again, as for any salesperson.
    assert_eq!(ran.import("m365-users.csv")[0][10], "jan@gmail.com");
}

#[test]
fn duplicates_stay_duplicates_within_the_company_of_a_record_that_joined() {
    let dir = tempfile::tempdir().unwrap();
    let ran = inputs(
        dir.path(),
        &[
            ("a.csv", "Code,Name,E-Mail\nA1,Jan Peeters,jan@gmail.com\n"),
            (
                "b.csv",
                "Code,Name,E-Mail\nB1,Jan Peeters,jan@gmail.com\nB2,Piet Peeters,jan@gmail.com\n",
            ),
        ],
    )
    .domain("contoso.com")
    .run();
    assert!(ran.stderr.contains("warning[D003]"), "{}", ran.stderr);
}

#[test]
fn two_addresses_of_one_existing_user_are_one_person_or_a_duplicate() {
    let existing = "fixtures/companies/tenant-active-users.csv";
    let dir = tempfile::tempdir().unwrap();
    let be = "Code,Name,E-Mail\nAL,Alicia Lindqvist,alicia.lindqvist@cronus.com\n";
    // Another company: her user name as e-mail, or no e-mail at all (the name builds her mail).
    for nl in [
        "Code,Name,E-Mail\nAL,Alicia Lindqvist,alicia@cronus.com\n",
        "Code,Name,E-Mail\nAL,Alicia Lindqvist,\n",
    ] {
        let ran = inputs(dir.path(), &[("be.csv", be), ("nl.csv", nl)])
            .domain("cronus.com")
            .args(["--existing", existing])
            .run();
        ran.assert_exit(0);
        let m = ran.manifest();
        assert_eq!(
            statuses(&m),
            [
                triple("AL", "existing", "alicia@cronus.com"),
                triple("AL", "same-person", "alicia@cronus.com"),
            ],
            "{nl}"
        );
        assert_eq!(m["people"].as_array().unwrap().len(), 1);
    }
    // In one company, two salespeople cannot be one user.
    let one = "Code,Name,E-Mail\nAL,Alicia Lindqvist,alicia.lindqvist@cronus.com\nAL2,Alicia Lindqvist,alicia@cronus.com\n";
    inputs(dir.path(), &[("be.csv", one)])
        .domain("cronus.com")
        .args(["--existing", existing])
        .run()
        .assert_exit_saying(
            1,
            "error[D002]: user name \"alicia@cronus.com\" is already another salesperson's",
        );
}

#[test]
fn a_numbered_name_does_not_hide_the_person_of_the_plain_one() {
    let dir = tempfile::tempdir().unwrap();
    let ran = inputs(
        dir.path(),
        &[
            (
                "a.csv",
                "Code,Name,E-Mail\nA1,Jan Peeters,\nQ1,\"Peeters, Jan\",\nR1,Someone Else,jan.peeters2@contoso.com\n",
            ),
            ("b.csv", "Code,Name,E-Mail\nB1,Jan Peeters,\n"),
        ],
    )
    .domain("contoso.com")
    .run();
    assert_eq!(
        statuses(&ran.manifest())[3],
        triple("B1", "same-person", "jan.peeters@contoso.com")
    );
}

#[test]
fn company_names_compare_as_people_do_without_case_or_accents() {
    let dir = tempfile::tempdir().unwrap();
    let ran = inputs(
        dir.path(),
        &[(
            "all.csv",
            "Code,Name,E-Mail,Company\nS1,Jan Peeters,jan@contoso.com,Société A\nS1,Jan Peeters,jan@contoso.com,SOCIETE  A\n",
        )],
    )
    .domain("contoso.com")
    .run();
    ran.assert_exit_saying(1, "error[D001]");
}

#[test]
fn an_active_users_export_gives_the_primary_address_by_its_smtp_proxy() {
    // The admin center's export has no Mail column: "SMTP:" (upper case) marks the primary address.
    let dir = tempfile::tempdir().unwrap();
    let export = std::fs::read_to_string("fixtures/companies/tenant-active-users.csv").unwrap();
    let proxies = "SMTP:alicia@cronus.com+smtp:alicia.lindqvist@cronus.com";
    assert!(export.contains(proxies));
    let export = export.replace(
        proxies,
        "SMTP:alicia.lindqvist@cronus.com+smtp:alicia@cronus.com",
    );
    let existing = dir.path().join("active-users.csv");
    std::fs::write(&existing, export).unwrap();
    let ran = two_companies(existing.to_str().unwrap());
    ran.assert_exit(0);
    let m = ran.manifest();
    let alicia = (m["salespeople"].as_array().unwrap().iter())
        .find(|s| s["code"] == "AL" && s["company"] == "CRONUS BE")
        .unwrap();
    assert_eq!(alicia["coupling"]["sales_user"], "alicia@cronus.com");
    let reason = alicia["coupling"]["by_hand"].as_str().unwrap_or_default();
    assert!(reason.contains("alicia.lindqvist@cronus.com"), "{alicia}");
    // The unchanged export: her primary address is her user name, and the package couples her.
    let m = two_companies(EXPORTS[0]).manifest();
    let alicia = (m["salespeople"].as_array().unwrap().iter())
        .find(|s| s["code"] == "AL" && s["company"] == "CRONUS BE")
        .unwrap();
    assert!(alicia["coupling"]["by_hand"].is_null(), "{alicia}");
}
