//! `verify` after the online steps: a real manifest (the two-company run of README.md's walk-through,
//! converted here), and what the admin exports afterwards, made by hand in fixtures/verify/
//! (fixtures/make/verify_fixtures.py): the tenant's users, each company's salespeople with their coupling, the
//! scripts' logs. Each person's every step is stated; the exit codes 0, 1 and 2; the reports as snapshots.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::*;
use serde_json::Value;

/// The two-company run: Alicia and Annette exist, Anna and Jan sell for both companies.
fn cronus_run() -> Ran {
    let ran = Run::convert("fixtures/companies/cronus-be.csv")
        .input("fixtures/companies/cronus-nl.csv")
        .args(["--company", "cronus-be.csv=CRONUS BE"])
        .args(["--company", "cronus-nl.csv=CRONUS NL"])
        .args(["--existing", "fixtures/companies/tenant-active-users.csv"])
        .args(["--admin", "admin@cronus.com"])
        .domain("cronus.com")
        .run();
    ran.assert_exit(0);
    ran
}

fn verify(manifest: &Path) -> Run {
    Run::new(["verify".as_ref(), manifest.as_os_str()])
}

/// After some of the steps: the workbook of CRONUS BE named with --company, the Dutch CSV of CRONUS NL by
/// its Bedrijf column.
fn partial(manifest: &Path) -> Run {
    verify(manifest)
        .args(["--users", "fixtures/verify/users-partial.csv"])
        .args(["--bc", "fixtures/verify/cronus-be-partial.xlsx"])
        .args(["--bc", "fixtures/verify/cronus-nl-partial.csv"])
        .args(["--company", "cronus-be-partial.xlsx=CRONUS BE"])
        .args(["--log", "fixtures/verify/set-licences-log-partial.csv"])
        .args(["--log", "fixtures/verify/assign-roles-log-partial.csv"])
}

/// After every step, without the logs.
fn done(manifest: &Path, users: &str) -> Run {
    verify(manifest)
        .args(["--users", users])
        .args(["--bc", "fixtures/verify/cronus-be-done.csv"])
        .args(["--bc", "fixtures/verify/cronus-nl-done.csv"])
        .args(["--company", "cronus-be-done.csv=CRONUS BE"])
}

/// One check as a test states it: its step (with the role, or the company and Code), and its state.
fn check_name(check: &Value) -> String {
    let text = |key: &str| check[key].as_str().unwrap_or_default().to_string();
    match text("check").as_str() {
        "role" => format!("role {}", text("role")),
        "coupling" => format!("coupling {} {}", text("company"), text("code")),
        other => other.to_string(),
    }
}

/// Each person's state, and each of their checks by name.
fn people(json: &Value) -> BTreeMap<String, (String, BTreeMap<String, Value>)> {
    (json["people"].as_array().unwrap().iter())
        .map(|p| {
            let checks = (p["checks"].as_array().unwrap().iter())
                .map(|c| (check_name(c), c.clone()))
                .collect();
            let state = p["state"].as_str().unwrap().to_string();
            (p["upn"].as_str().unwrap().to_string(), (state, checks))
        })
        .collect()
}

/// Each check's state, as "name: state" lines, for a person.
fn states(person: &(String, BTreeMap<String, Value>)) -> Vec<String> {
    (person.1.iter())
        .map(|(name, c)| format!("{name}: {}", c["state"].as_str().unwrap()))
        .collect()
}

fn text(value: &Value, key: &str) -> String {
    value[key].as_str().unwrap_or_default().to_string()
}

#[test]
fn each_person_of_a_partly_done_run_is_reported_as_it_stands() {
    let run = cronus_run();
    let ran = partial(&run.path("manifest.json")).report_json().run();
    ran.assert_exit(1);
    let json = ran.json();
    let people = people(&json);
    assert_eq!(people.len(), 6, "every person of the manifest, once");

    // Everything done: the user, the planned location and licence, the role, both companies' couplings.
    let anna = &people["anna.peeters@cronus.com"];
    assert_eq!(anna.0, "done");
    assert_eq!(
        states(anna),
        [
            "coupling CRONUS BE AP: done",
            "coupling CRONUS NL ANNA: done",
            "licence: done",
            "role Salesperson: done",
            "usage-location: done",
            "user: done"
        ]
    );

    // An existing user who held a Sales licence: any Sales licence will do; no log line for the role.
    let alicia = &people["alicia@cronus.com"];
    assert_eq!(alicia.0, "unknown");
    assert_eq!(alicia.1["licence"]["expected"], Value::Null);
    assert_eq!(
        text(&alicia.1["licence"], "found"),
        "DYN365_ENTERPRISE_PLAN1"
    );
    assert_eq!(text(&alicia.1["role Salesperson"], "state"), "unknown");
    assert_eq!(text(&alicia.1["coupling CRONUS BE AL"], "state"), "done");

    // Created, but unlicensed and without location; not coupled in one company, coupled with another
    // e-mail in the other.
    let jan = &people["jan.maes@cronus.com"];
    assert_eq!(jan.0, "missing");
    assert_eq!(text(&jan.1["user"], "state"), "done");
    let location = &jan.1["usage-location"];
    assert_eq!(text(location, "state"), "missing");
    assert!(text(location, "detail").contains("Insufficient privileges"));
    let licence = &jan.1["licence"];
    assert_eq!(text(licence, "state"), "missing");
    assert!(text(licence, "detail").contains("not enough free licences"));
    assert!(text(licence, "next").starts_with("buy or free enough licences"));
    assert_eq!(text(&jan.1["role Salesperson"], "found"), "failed");
    let be = &jan.1["coupling CRONUS BE JM"];
    assert_eq!(text(be, "state"), "missing");
    assert!(text(be, "detail").starts_with("not coupled; E-Mail is already jan.maes@cronus.com"));
    assert!(text(be, "next").contains("Match-Based Coupling"));
    let nl = &jan.1["coupling CRONUS NL JM"];
    assert_eq!(text(nl, "state"), "missing");
    assert_eq!(text(nl, "found"), "j.maes@cronus.nl");
    assert!(text(nl, "detail").starts_with("coupled, but BC's E-Mail is j.maes@cronus.nl"));

    // Not created: the import file to upload is named; BC's E-Mail is still empty.
    let koen = &people["koen.dierckx@cronus.com"];
    assert_eq!(koen.0, "missing");
    assert_eq!(
        states(koen),
        [
            "coupling CRONUS BE KD: missing",
            "licence: missing",
            "role Salesperson: missing",
            "usage-location: missing",
            "user: missing"
        ]
    );
    assert!(text(&koen.1["user"], "next").contains("upload m365-users-BE.csv"));
    assert_eq!(text(&koen.1["role Salesperson"], "found"), "no-such-user");
    assert!(text(&koen.1["coupling CRONUS BE KD"], "detail").contains("E-Mail is empty"));

    // The planned licence is the second Sales licence she holds; not coupled yet.
    let annette = &people["Annette.Hill@cronus.com"];
    assert_eq!(annette.0, "missing");
    assert_eq!(text(&annette.1["licence"], "state"), "done");
    assert_eq!(
        text(&annette.1["licence"], "found"),
        "D365_SALES_PRO, DYN365_ENTERPRISE_SALES"
    );
    assert_eq!(
        text(&annette.1["coupling CRONUS NL AH"], "state"),
        "missing"
    );

    // Another location and another Sales licence than planned; the role only simulated.
    let sanne = &people["sanne.visser@cronus.com"];
    assert_eq!(sanne.0, "missing");
    let location = &sanne.1["usage-location"];
    assert_eq!(
        (
            text(location, "state"),
            text(location, "expected"),
            text(location, "found")
        ),
        ("missing".into(), "NL".into(), "DE".into())
    );
    assert_eq!(text(&sanne.1["licence"], "state"), "missing");
    assert_eq!(text(&sanne.1["licence"], "found"), "D365_SALES_PRO");
    assert_eq!(text(&sanne.1["role Salesperson"], "found"), "whatif");
    assert_eq!(text(&sanne.1["coupling CRONUS NL SV"], "state"), "done");

    let summary = &json["summary"];
    assert_eq!(
        (
            &summary["people"],
            &summary["done"],
            &summary["missing"],
            &summary["unknown"]
        ),
        (&6.into(), &1.into(), &4.into(), &1.into())
    );
    assert_eq!(summary["complete"], false);
}

/// The reports as snapshots, with the temporary output folder written `<OUT>`.
fn snapshot(name: &str, ran: &Ran, out: &Path) {
    let report = ran.stdout_text().replace(out.to_str().unwrap(), "<OUT>");
    assert!(report.ends_with('\n') && !report.ends_with("\n\n"));
    insta::assert_snapshot!(name, report);
}

#[test]
fn the_reports_of_a_partly_done_run_are_snapshots() {
    let run = cronus_run();
    let manifest = run.path("manifest.json");
    let json = partial(&manifest).report_json().run();
    json.assert_exit(1);
    snapshot("partial.verify.json", &json, run.out());
    let text = partial(&manifest).run();
    text.assert_exit(1);
    assert!(text.stderr.is_empty(), "{}", text.stderr);
    snapshot("partial.verify.txt", &text, run.out());
}

#[test]
fn a_run_whose_every_step_is_done_exits_0() {
    let run = cronus_run();
    let ran = done(
        &run.path("manifest.json"),
        "fixtures/verify/users-done-graph.csv",
    )
    .args(["--log", "fixtures/verify/assign-roles-log-done.csv"])
    .report_json()
    .run();
    ran.assert_exit(0);
    let json = ran.json();
    for (upn, person) in people(&json) {
        assert_eq!(person.0, "done", "{upn}: {:?}", states(&person));
    }
    assert_eq!(json["summary"]["complete"], true);
    // Four steps of each of six people, and eight salesperson records coupled.
    assert_eq!(json["summary"]["checks"]["done"], 6 * 4 + 8);
    let text = done(
        &run.path("manifest.json"),
        "fixtures/verify/users-done-graph.csv",
    )
    .args(["--log", "fixtures/verify/assign-roles-log-done.csv"])
    .run();
    text.assert_exit(0);
    assert!(text
        .stdout_text()
        .ends_with("\n6 people: 6 done, 0 with something missing, 0 not fully checked; 0 salesperson records with nothing to do\n"));
}

#[test]
fn a_step_no_input_shows_is_unknown_and_leaves_the_exit_code_at_1() {
    let run = cronus_run();
    let manifest = run.path("manifest.json");
    // No roles log: every role is unknown, nothing is missing.
    let ran = done(&manifest, "fixtures/verify/users-done-graph.csv")
        .report_json()
        .run();
    ran.assert_exit(1);
    let json = ran.json();
    assert_eq!(json["summary"]["missing"], 0);
    assert_eq!(json["summary"]["unknown"], 6);
    for (upn, person) in people(&json) {
        let role = &person.1["role Salesperson"];
        assert_eq!(text(role, "state"), "unknown", "{upn}");
        assert_eq!(text(role, "detail"), "no assign-roles log given");
    }
    // Entra's Download users lists no licences: unknown, until the licence script's log shows them.
    let entra = done(&manifest, "fixtures/verify/users-done-entra.csv")
        .args(["--log", "fixtures/verify/assign-roles-log-done.csv"])
        .report_json()
        .run();
    entra.assert_exit(1);
    for (upn, person) in people(&entra.json()) {
        let licence = &person.1["licence"];
        assert_eq!(text(licence, "state"), "unknown", "{upn}");
        assert!(text(licence, "detail").contains("lists no licences"));
        assert_eq!(text(&person.1["usage-location"], "state"), "done", "{upn}");
    }
    done(&manifest, "fixtures/verify/users-done-entra.csv")
        .args(["--log", "fixtures/verify/assign-roles-log-done.csv"])
        .args(["--log", "fixtures/verify/set-licences-log-done.csv"])
        .run()
        .assert_exit(0);
}

#[test]
fn a_company_without_its_export_is_unknown_and_named() {
    let run = cronus_run();
    let ran = verify(&run.path("manifest.json"))
        .args(["--users", "fixtures/verify/users-done-graph.csv"])
        .args(["--bc", "fixtures/verify/cronus-nl-done.csv"])
        .args(["--log", "fixtures/verify/assign-roles-log-done.csv"])
        .report_json()
        .run();
    ran.assert_exit(1);
    let people = people(&ran.json());
    let anna = &people["anna.peeters@cronus.com"];
    assert_eq!(anna.0, "unknown");
    let be = &anna.1["coupling CRONUS BE AP"];
    assert_eq!(text(be, "state"), "unknown");
    assert!(text(be, "next").contains("export CRONUS BE's Salespeople/Purchasers"));
    assert_eq!(text(&anna.1["coupling CRONUS NL ANNA"], "state"), "done");
}

#[test]
fn skipped_rejected_and_coupled_records_are_listed_as_nothing_to_do() {
    let run = Run::convert("fixtures/bc-salespeople-en.csv")
        .domain("contoso.com")
        .run();
    run.assert_exit(0);
    let ran = verify(&run.path("manifest.json"))
        .args(["--users", "fixtures/m365-active-users.csv"])
        .args(["--bc", "fixtures/bc-salespeople-en.csv"])
        .report_json()
        .run();
    ran.assert_exit(1);
    let json = ran.json();
    let listed: Vec<(String, String, Value)> = (json["nothing_to_do"].as_array().unwrap().iter())
        .map(|r| (text(r, "code"), text(r, "status"), r["name"].clone()))
        .collect();
    assert_eq!(
        listed,
        [
            ("BDS".into(), "skipped".into(), "Bart De Smet".into()),
            ("NL".into(), "skipped".into(), Value::Null),
            ("EJ".into(), "coupled".into(), "Els Janssens".into()),
        ]
    );
    // The already coupled salesperson is no person to check; the twelve new users are.
    let people = people(&json);
    assert_eq!(people.len(), 12);
    assert!(!people.contains_key("els.janssens@contoso.com"));
    let text_report = verify(&run.path("manifest.json"))
        .args(["--users", "fixtures/m365-active-users.csv"])
        .args(["--bc", "fixtures/bc-salespeople-en.csv"])
        .run();
    let out = text_report.stdout_text();
    assert!(
        out.contains("\nNothing to do (3 salesperson records):\n"),
        "{out}"
    );
    assert!(out.contains("  bc-salespeople-en  NL  (name not carried: privacy blocked): skipped: privacy blocked in Business Central: never exported\n"), "{out}");

    let rejected = Run::convert("fixtures/bc-salespeople-mistakes.csv")
        .domain("contoso.com")
        .arg("--keep-going")
        .run();
    rejected.assert_exit(1);
    let ran = verify(&rejected.path("manifest.json"))
        .args(["--users", "fixtures/m365-active-users.csv"])
        .args(["--bc", "fixtures/bc-salespeople-mistakes.csv"])
        .report_json()
        .run();
    let json = ran.json();
    let statuses: Vec<String> = (json["nothing_to_do"].as_array().unwrap().iter())
        .map(|r| text(r, "status"))
        .collect();
    assert_eq!(statuses, vec!["rejected"; 9]);
    assert_eq!(json["summary"]["people"], 1);
}

/// A copy of the manifest with `change` made to it, in `dir`.
fn changed_manifest(manifest: &Path, dir: &Path, change: impl Fn(&mut Value)) -> PathBuf {
    let mut json: Value = serde_json::from_slice(&std::fs::read(manifest).unwrap()).unwrap();
    change(&mut json);
    let path = dir.join("manifest.json");
    std::fs::write(&path, serde_json::to_vec_pretty(&json).unwrap()).unwrap();
    path
}

#[test]
fn keys_the_reader_does_not_know_are_ignored() {
    let run = cronus_run();
    let dir = tempfile::tempdir().unwrap();
    let manifest = changed_manifest(&run.path("manifest.json"), dir.path(), |json| {
        json["future"] = "a key of a later feature".into();
        for key in ["people", "salespeople"] {
            for record in json[key].as_array_mut().unwrap() {
                record["extra"] = Value::Bool(true);
            }
        }
    });
    let original = partial(&run.path("manifest.json")).report_json().run();
    let ran = partial(&manifest).report_json().run();
    ran.assert_exit(1);
    let (mut a, mut b) = (original.json(), ran.json());
    a["manifest"] = Value::Null;
    b["manifest"] = Value::Null;
    assert_eq!(a, b);
}

#[test]
fn an_input_that_cannot_be_read_exits_2_with_the_fix() {
    let run = cronus_run();
    let manifest = run.path("manifest.json");
    let dir = tempfile::tempdir().unwrap();

    partial(Path::new("fixtures/verify/no-such-manifest.json"))
        .run()
        .assert_exit_saying(
            2,
            "no-such-manifest.json: cannot be read as a bc2m365 manifest",
        );
    let garbled = dir.path().join("garbled.json");
    std::fs::write(
        &garbled,
        "{\"schema\": \"bc2m365-manifest\", \"schema_version\": 3,",
    )
    .unwrap();
    partial(&garbled)
        .run()
        .assert_exit_saying(2, "not JSON")
        .assert_exit_saying(
            2,
            "help: give the manifest.json that `bc2m365 convert` wrote",
        );
    let newer = changed_manifest(&manifest, dir.path(), |json| {
        json["schema_version"] = 4.into()
    });
    partial(&newer)
        .run()
        .assert_exit_saying(2, "schema_version 4, written by bc2m365")
        .assert_exit_saying(2, "help: verify with the bc2m365 that wrote the manifest");
    let older = changed_manifest(&manifest, dir.path(), |json| {
        json["schema_version"] = 2.into()
    });
    partial(&older)
        .run()
        .assert_exit_saying(2, "this bc2m365 reads version 3")
        .assert_exit_saying(2, "help: convert the same exports again with this bc2m365");
    let other = changed_manifest(&manifest, dir.path(), |json| {
        json["schema"] = "other".into()
    });
    partial(&other)
        .run()
        .assert_exit_saying(2, "it is no bc2m365 manifest");
    let keyless = changed_manifest(&manifest, dir.path(), |json| {
        json.as_object_mut().unwrap().remove("people");
    });
    partial(&keyless)
        .run()
        .assert_exit_saying(2, "missing field `people`");

    // A users export that is none, and the manifest given as one.
    verify(&manifest)
        .args(["--users", "fixtures/companies/cronus-be.csv"])
        .args(["--bc", "fixtures/verify/cronus-nl-done.csv"])
        .run()
        .assert_exit_saying(
            2,
            "no \"User principal name\" or \"userPrincipalName\" column",
        );
    verify(&manifest)
        .args(["--users".as_ref(), manifest.as_os_str()])
        .args(["--bc", "fixtures/verify/cronus-nl-done.csv"])
        .run()
        .assert_exit_saying(2, "it is a bc2m365 manifest, which says what was planned");

    // A salespeople export that is none: a users export, the run's own import file.
    done(&manifest, "fixtures/verify/users-done-graph.csv")
        .args(["--bc", "fixtures/verify/users-partial.csv"])
        .run()
        .assert_exit_saying(2, "cannot be read as a Business Central salespeople export");
    done(&manifest, "fixtures/verify/users-done-graph.csv")
        .args(["--bc".as_ref(), run.path("m365-users-BE.csv").as_os_str()])
        .run()
        .assert_exit_saying(2, "it is a Microsoft 365 import file");
    // An export whose company the manifest does not hold: the --company that fixes it.
    verify(&manifest)
        .args(["--users", "fixtures/verify/users-done-graph.csv"])
        .args(["--bc", "fixtures/verify/cronus-be-done.csv"])
        .run()
        .assert_exit_saying(2, "of company \"cronus-be-done\", which the manifest does not hold (it has \"CRONUS BE\", \"CRONUS NL\")")
        .assert_exit_saying(2, "help: name the export's company: --company \"cronus-be-done.csv=CRONUS BE\"");

    // Logs: one that is none, one with a word the scripts do not write.
    done(&manifest, "fixtures/verify/users-done-graph.csv")
        .args(["--log", "fixtures/verify/users-partial.csv"])
        .run()
        .assert_exit_saying(2, "its header is not Time,User,Step,Result,Detail");
    let odd = dir.path().join("assign-roles-log.csv");
    std::fs::write(
        &odd,
        "\"Time\",\"User\",\"Step\",\"Result\",\"Detail\"\r\n\"2026-12-01\",\"jan.maes@cronus.com\",\"role\",\"maybe\",\"Salesperson\"\r\n",
    )
    .unwrap();
    done(&manifest, "fixtures/verify/users-done-graph.csv")
        .args(["--log".as_ref(), odd.as_os_str()])
        .run()
        .assert_exit_saying(
            2,
            "row 2, column 4 \"Result\": \"maybe\" is not one of done, already",
        );
}

#[test]
fn company_flags_name_a_given_export() {
    let run = cronus_run();
    done(
        &run.path("manifest.json"),
        "fixtures/verify/users-done-graph.csv",
    )
    .args(["--company", "elsewhere.csv=CRONUS BE"])
    .run()
    .assert_exit_saying(
        2,
        "--company elsewhere.csv=CRONUS BE: no input is \"elsewhere.csv\"",
    );
}

#[test]
fn a_salesperson_missing_from_the_companys_export_is_missing() {
    let run = cronus_run();
    // A header and no rows: the export of CRONUS NL (named with --company) holds none of its salespeople.
    let ran = verify(&run.path("manifest.json"))
        .args(["--users", "fixtures/verify/users-done-graph.csv"])
        .args(["--bc", "fixtures/verify/cronus-be-done.csv"])
        .args(["--bc", "fixtures/bad/header-only.csv"])
        .args(["--company", "cronus-be-done.csv=CRONUS BE"])
        .args(["--company", "header-only.csv=CRONUS NL"])
        .args(["--log", "fixtures/verify/assign-roles-log-done.csv"])
        .report_json()
        .run();
    ran.assert_exit(1);
    let people = people(&ran.json());
    let sanne = &people["sanne.visser@cronus.com"];
    assert_eq!(sanne.0, "missing");
    let nl = &sanne.1["coupling CRONUS NL SV"];
    assert_eq!(text(nl, "state"), "missing");
    assert_eq!(
        text(nl, "detail"),
        "no salesperson SV in the export of CRONUS NL"
    );
    assert_eq!(people["koen.dierckx@cronus.com"].0, "done");
}

#[test]
fn a_coupling_whose_email_is_the_users_primary_email_is_done() {
    let run = cronus_run();
    let dir = tempfile::tempdir().unwrap();
    let be = std::fs::read_to_string("fixtures/verify/cronus-be-done.csv").unwrap();
    let coupled = "AL,Alicia Lindqvist,alicia@cronus.com,";
    assert!(be.contains(coupled));
    let coupling = |ran: &Ran, code: &str| {
        let people = people(&ran.json());
        let alicia = &people["alicia@cronus.com"];
        alicia.1[&format!("coupling CRONUS BE {code}")].clone()
    };
    // After the synchronisation BC's E-Mail holds the user's primary email, which the users export lists.
    let primary = dir.path().join("cronus-be-done.csv");
    let synchronised = "AL,Alicia Lindqvist,alicia.lindqvist@cronus.com,";
    std::fs::write(&primary, be.replace(coupled, synchronised)).unwrap();
    let ran = verify(&run.path("manifest.json"))
        .args(["--users", "fixtures/verify/users-done-graph.csv"])
        .arg("--bc")
        .arg(&primary)
        .args(["--bc", "fixtures/verify/cronus-nl-done.csv"])
        .args(["--company", "cronus-be-done.csv=CRONUS BE"])
        .report_json()
        .run();
    let check = coupling(&ran, "AL");
    assert_eq!(text(&check, "state"), "done", "{check}");
    assert_eq!(text(&check, "found"), "alicia.lindqvist@cronus.com");
    // The address the manifest says BC's E-Mail holds after the synchronisation, whatever the export lists.
    let after = dir.path().join("after").join("cronus-be-done.csv");
    std::fs::create_dir_all(after.parent().unwrap()).unwrap();
    let other = "AL,Alicia Lindqvist,sales.alicia@cronus.com,";
    std::fs::write(&after, be.replace(coupled, other)).unwrap();
    let with_after = |address: &str| {
        changed_manifest(&run.path("manifest.json"), dir.path(), |json| {
            for record in json["salespeople"].as_array_mut().unwrap() {
                if record["code"] == "AL" {
                    record["coupling"]["bc_email_after_sync"] = address.into();
                }
            }
        })
    };
    let states: Vec<String> = ["alicia@cronus.com", "sales.alicia@cronus.com"]
        .into_iter()
        .map(|address| {
            let ran = verify(&with_after(address))
                .args(["--users", "fixtures/verify/users-done-graph.csv"])
                .arg("--bc")
                .arg(&after)
                .args(["--bc", "fixtures/verify/cronus-nl-done.csv"])
                .args(["--company", "cronus-be-done.csv=CRONUS BE"])
                .report_json()
                .run();
            text(&coupling(&ran, "AL"), "state")
        })
        .collect();
    assert_eq!(states, ["missing", "done"]);
}

#[test]
fn the_coupling_workbook_to_apply_is_the_one_the_manifest_names() {
    let run = cronus_run();
    let dir = tempfile::tempdir().unwrap();
    let next_for_koen = |manifest: &Path| {
        let ran = partial(manifest).report_json().run();
        let people = people(&ran.json());
        text(
            &people["koen.dierckx@cronus.com"].1["coupling CRONUS BE KD"],
            "next",
        )
    };
    // A manifest without the key: the workbook is found among the outputs by the company's name.
    let without = changed_manifest(&run.path("manifest.json"), dir.path(), |json| {
        for record in json["salespeople"].as_array_mut().unwrap() {
            if let Some(coupling) = record["coupling"].as_object_mut() {
                coupling.remove("package");
            }
        }
    });
    let found = next_for_koen(&without);
    assert!(found.contains("import and apply coupling-"), "{found}");
    // Named: that one, though another company's name would be made file-safe alike.
    let named = changed_manifest(&run.path("manifest.json"), dir.path(), |json| {
        for record in json["salespeople"].as_array_mut().unwrap() {
            if record["code"] == "KD" {
                record["coupling"]["package"] = "coupling-CRONUS_BE-2.xlsx".into();
            }
        }
    });
    let next = next_for_koen(&named);
    assert!(
        next.contains("import and apply coupling-CRONUS_BE-2.xlsx in Configuration Packages"),
        "{next}"
    );
}

#[test]
fn with_no_location_planned_the_tenants_location_logged_as_applying_is_done() {
    let run = cronus_run();
    let dir = tempfile::tempdir().unwrap();
    let manifest = changed_manifest(&run.path("manifest.json"), dir.path(), |json| {
        for person in json["people"].as_array_mut().unwrap() {
            if person["upn"] == "anna.peeters@cronus.com" {
                person["usage_location"] = Value::Null;
            }
        }
    });
    // Group-based licensing: the script sets no location on the user and says the tenant's applies.
    let users = std::fs::read_to_string("fixtures/verify/users-done-graph.csv").unwrap();
    let located = "\"SMTP:anna.peeters@cronus.com\",\"\",\"BE\"";
    assert!(users.contains(located));
    let users_path = dir.path().join("users.csv");
    let unset = "\"SMTP:anna.peeters@cronus.com\",\"\",\"\"";
    std::fs::write(&users_path, users.replace(located, unset)).unwrap();
    let log = dir.path().join("set-licences-log.csv");
    std::fs::write(
        &log,
        "\"Time\",\"User\",\"Step\",\"Result\",\"Detail\"\r\n\"2026-12-02T08:40:01+01:00\",\"anna.peeters@cronus.com\",\"usage-location\",\"already\",\"the tenant's usage location applies\"\r\n",
    )
    .unwrap();
    let location = |logs: &[&Path]| {
        let mut run = done(&manifest, users_path.to_str().unwrap());
        for log in logs {
            run = run.arg("--log").arg(log);
        }
        let people = people(&run.report_json().run().json());
        people["anna.peeters@cronus.com"].1["usage-location"].clone()
    };
    let without_log = location(&[]);
    assert_eq!(text(&without_log, "state"), "missing", "{without_log}");
    let with_log = location(&[&log]);
    assert_eq!(text(&with_log, "state"), "done", "{with_log}");
    assert!(
        text(&with_log, "detail").contains("the tenant's usage location applies"),
        "{with_log}"
    );
}

#[test]
fn an_empty_log_is_a_log_with_no_lines() {
    let run = cronus_run();
    let manifest = run.path("manifest.json");
    let dir = tempfile::tempdir().unwrap();
    let users = "fixtures/verify/users-done-graph.csv";
    let mut without = done(&manifest, users).report_json().run().json();
    without["logs"] = Value::Null;
    // Written by a script that reached no user: nothing at all, a byte-order mark, or the header alone.
    let logs = [
        ("set-licences-log.csv", &b""[..]),
        ("assign-roles-log.csv", &b"\xef\xbb\xbf"[..]),
        (
            "header-log.csv",
            &b"\"Time\",\"User\",\"Step\",\"Result\",\"Detail\"\r\n"[..],
        ),
    ];
    for (name, bytes) in logs {
        let log = dir.path().join(name);
        std::fs::write(&log, bytes).unwrap();
        let ran = done(&manifest, users)
            .arg("--log")
            .arg(&log)
            .report_json()
            .run();
        ran.assert_exit(1);
        let mut json = ran.json();
        assert_eq!(json["logs"][0], log.to_str().unwrap(), "{name}");
        json["logs"] = Value::Null;
        assert_eq!(json, without, "{name}");
    }
    // A log that cannot be read says what a log is, not what a salespeople export is.
    let binary = dir.path().join("binary-log.csv");
    std::fs::write(&binary, b"\x00\x01\x02").unwrap();
    let ran = done(&manifest, users).arg("--log").arg(&binary).run();
    ran.assert_exit_saying(2, "cannot be read as a bc2m365 script log");
    ran.assert_exit_saying(
        2,
        "help: give the set-licences-log.csv or assign-roles-log.csv",
    );
    assert!(!ran.stderr.contains("salespeople"), "{}", ran.stderr);
}
