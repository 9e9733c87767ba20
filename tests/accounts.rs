//! The accounts the integration needs, end to end: the administrator, the integration user, existing
//! users, licences, roles and coupling, the config file, and the files a person follows.

mod common;

use std::path::Path;

use common::*;
use serde_json::Value;

fn manifest(out: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap()
}

fn salesperson<'a>(manifest: &'a Value, code: &str) -> &'a Value {
    manifest["salespeople"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["code"] == code)
        .unwrap()
}

const EN: &str = "fixtures/bc-salespeople-en.csv";

/// The export of the English fixture for contoso.com.
fn en() -> Run {
    Run::convert(EN).domain("contoso.com")
}

/// The case with an export of the tenant's existing users.
fn existing_users() -> Ran {
    let ran = en()
        .args(["--admin", "admin@contoso.com"])
        .args(["--integration-user", "bc-sync@contoso.com"])
        .args(["--existing", "fixtures/m365-active-users.csv"])
        .args(["--usage-location", "be"])
        .run();
    ran.expect_case("accounts/existing-users", 0);
    ran
}

/// The case with the accounts, licence, roles and user-name pattern of fixtures/config/bc2m365.toml.
fn with_config() -> Ran {
    let ran = Run::convert(EN)
        .args(["--config", "fixtures/config/bc2m365.toml"])
        .run();
    ran.expect_case("accounts/config", 0);
    ran
}

#[test]
fn a_salesperson_who_is_the_integration_user_is_an_error() {
    en().args(["--integration-user", "Annelies.Vermeulen@contoso.com"])
        .run()
        .expect_case("accounts/salesperson-is-integration-user", 1);
}

#[test]
fn a_salesperson_who_is_the_administrator_is_an_error_by_email_or_built_name() {
    // DVDB has no Email, and the user name built from his Name is the administrator's.
    en().args(["--admin", "dirk.vanderberg@contoso.com"])
        .args(["--integration-user", "bc-sync@contoso.com"])
        .run()
        .expect_case("accounts/salesperson-is-admin", 1);
    // FD's Email is.
    en().args(["--admin", "francois.dubois@contoso.com"])
        .args(["--integration-user", "bc-sync@contoso.com"])
        .out("/nonexistent/out")
        .run()
        .assert_exit_saying(
            1,
            "error[A002]: salesperson FD is francois.dubois@contoso.com, the administrator (named in --admin)\n  --> fixtures/bc-salespeople-en.csv:8:5 (column \"Email\")",
        );
}

#[test]
fn one_account_as_both_administrator_and_integration_user_is_an_error() {
    en().args(["--admin", "admin@contoso.com"])
        .args(["--integration-user", "ADMIN@contoso.com"])
        .run()
        .expect_case("accounts/admin-is-integration-user", 1);
}

#[test]
fn no_integration_user_named_is_a_warning_on_premises_only() {
    let unnamed = en().args(["--deployment", "on-premises"]).run();
    unnamed.assert_exit(0);
    assert!(unnamed
        .stderr
        .starts_with("warning[A004]: no integration user is named"));
    let named = en()
        .args(["--deployment", "on-premises"])
        .args(["--integration-user", "bc-sync@contoso.com"])
        .run();
    named.assert_exit(0);
    assert!(!named.stderr.contains("A004"));
    // Online, the Dataverse connection creates its own application user: nothing to name or license.
    let online = en().run();
    online.assert_exit(0);
    assert!(!online.stderr.contains("A004"), "{}", online.stderr);
    let steps = std::fs::read_to_string(online.path("next-steps.txt")).unwrap();
    assert!(steps.contains("Nothing to create or license"), "{steps}");
    assert!(!steps.contains("Create a dedicated account"), "{steps}");
    let m = online.manifest();
    assert_eq!(m["accounts"]["deployment"], "online");
    let on_premises = en().args(["--deployment", "on-premises"]).run();
    let steps = std::fs::read_to_string(on_premises.path("next-steps.txt")).unwrap();
    assert!(steps.contains("Create a dedicated account"), "{steps}");
}

#[test]
fn existing_users_are_not_imported_again_but_keep_licence_roles_and_coupling() {
    let ran = existing_users();
    let m = ran.manifest();
    // By Email; and by the built name with the same display name (JP, whose Email is private).
    for code in ["AV", "JP"] {
        let s = salesperson(&m, code);
        assert_eq!(s["status"], "existing", "{code}");
        assert_eq!(s["import_file"], Value::Null);
        // AV holds Sales Enterprise already (the export's Licenses): no second licence is planned.
        let (licence, held) = match code {
            "AV" => (Value::Null, Value::from("DYN365_ENTERPRISE_SALES")),
            _ => (Value::from("DYN365_ENTERPRISE_SALES"), Value::Null),
        };
        assert_eq!(
            (&s["licence"], &s["licence_held"]),
            (&licence, &held),
            "{code}"
        );
        assert_eq!(s["usage_location"], "BE");
        assert_eq!(s["roles"][0], "Salesperson");
        assert_eq!(s["coupling"]["bc_code"], code);
    }
    // A user of the built name with another display name is someone else: a number is added.
    assert_eq!(
        salesperson(&m, "LVB")["upn"],
        "luc.vandenbossche2@contoso.com"
    );
    assert_eq!(salesperson(&m, "LVB")["status"], "written");
    assert_eq!(salesperson(&m, "EJ")["status"], "coupled");
    assert_eq!(m["accounts"]["administrator"]["exists"], true);
    assert_eq!(m["accounts"]["integration_user"]["exists"], false);
    let imported: Vec<String> = ran
        .import("m365-users.csv")
        .into_iter()
        .map(|r| r[0].clone())
        .collect();
    assert!(!imported.contains(&"annelies.vermeulen@contoso.com".to_string()));
    assert!(!imported.contains(&"jan.peeters@contoso.com".to_string()));
    assert_eq!(imported.len(), 10);
    m365check(&["contoso.com"], &[ran.path("m365-users.csv")]);
}

#[test]
fn an_entra_download_is_matched_on_its_mail_column_too() {
    let ran = en()
        .args(["--integration-user", "bc-sync@contoso.com"])
        .args(["--existing", "fixtures/entra-users.csv"])
        .run();
    ran.assert_exit_saying(
        0,
        "info[R004]: salesperson FD already has a user, fdubois@contoso.com: it is not imported again",
    );
    let m = ran.manifest();
    let fd = salesperson(&m, "FD");
    assert_eq!(fd["status"], "existing");
    assert_eq!(fd["upn"], "fdubois@contoso.com");
    assert_eq!(fd["coupling"]["sales_user"], "fdubois@contoso.com");
    assert_eq!(m["accounts"]["integration_user"]["exists"], true);
    assert_eq!(m["summary"]["existing"], 1);
}

#[test]
fn an_existing_users_file_without_a_user_name_column_stops_the_run() {
    en().args(["--existing", EN]).run().assert_exit_saying(
        2,
        "no \"User principal name\" or \"userPrincipalName\" column",
    );
}

#[test]
fn the_config_file_sets_accounts_licence_roles_pattern_and_transliteration() {
    let m = with_config().manifest();
    let dvdb = salesperson(&m, "DVDB");
    assert_eq!(dvdb["upn"], "dvanderberg@contoso.com");
    assert_eq!(
        dvdb["roles"],
        serde_json::json!(["Sales Manager", "Salesperson"])
    );
    assert_eq!(dvdb["licence"], "DYN365_ENTERPRISE_PLAN1");
    assert_eq!(dvdb["usage_location"], "BE");
    assert_eq!(salesperson(&m, "JM")["upn"], "jmueller@contoso.com");
    assert_eq!(
        salesperson(&m, "JPE")["business_unit"],
        "Contoso Key Accounts"
    );
    assert_eq!(
        m["accounts"]["integration_user"]["upn"],
        "bc-sync@contoso.com"
    );
}

#[test]
fn flags_override_the_config_file() {
    let ran = Run::convert(EN)
        .args(["--config", "fixtures/config/bc2m365.toml"])
        .args(["--licence", "dyn365_enterprise_sales"])
        .args(["--usage-location", "NL"])
        .domain("contoso.com")
        .args(["--transliterate", "basic"])
        .args(["--integration-user", "sync@contoso.com"])
        .run();
    ran.assert_exit(0);
    let m = ran.manifest();
    let jm = salesperson(&m, "JM");
    assert_eq!(jm["licence"], "DYN365_ENTERPRISE_SALES");
    assert_eq!(jm["usage_location"], "NL");
    assert_eq!(jm["upn"], "jmuller@contoso.com");
    assert_eq!(m["accounts"]["integration_user"]["upn"], "sync@contoso.com");
    // What no flag sets still comes from the file.
    assert_eq!(m["accounts"]["administrator"]["upn"], "admin@contoso.com");
}

#[test]
fn an_unknown_key_or_a_wrong_type_in_the_config_is_an_error_naming_its_line() {
    for (file, message) in [
        (
            "fixtures/config/unknown-key.toml",
            "error: fixtures/config/unknown-key.toml:6: unknown field `license`, expected one of `upn`, `licence`, `roles`\n",
        ),
        (
            "fixtures/config/wrong-type.toml",
            "error: fixtures/config/wrong-type.toml:2: invalid type: string \"contoso.com\", expected a sequence\n",
        ),
    ] {
        let ran = Run::convert(EN)
            .args(["--config", file])
            .out("/nonexistent/out")
            .run();
        ran.assert_exit(2);
        assert!(ran.stderr.starts_with(message), "{}", ran.stderr);
    }
}

#[test]
fn bc2m365_toml_in_the_current_folder_is_read_without_config() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::copy(
        root().join("fixtures/config/bc2m365.toml"),
        tmp.path().join("bc2m365.toml"),
    )
    .unwrap();
    Run::convert(root().join(EN))
        .cwd(tmp.path())
        .out("out")
        .run()
        .assert_exit(0);
    let m = manifest(&tmp.path().join("out"));
    assert_eq!(salesperson(&m, "DVDB")["upn"], "dvanderberg@contoso.com");
}

#[test]
fn init_writes_the_commented_example_once() {
    let tmp = tempfile::tempdir().unwrap();
    let init = || Run::new(["init"]).cwd(tmp.path()).run();
    init().assert_exit(0);
    let path = tmp.path().join("bc2m365.toml");
    let written = std::fs::read(&path).unwrap();
    assert_eq!(
        written,
        std::fs::read(root().join("src/bc2m365.example.toml")).unwrap()
    );
    std::fs::write(&path, "domains = [\"fabrikam.com\"]\n").unwrap();
    init().assert_exit_saying(2, "already exists");
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "domains = [\"fabrikam.com\"]\n",
        "init never overwrites"
    );
    // The example as written is a valid, empty config: convert reads it and still asks for a domain.
    std::fs::write(&path, &written).unwrap();
    Run::convert(root().join(EN))
        .cwd(tmp.path())
        .without_out()
        .run()
        .assert_exit_saying(2, "--domain <DOMAIN> (or domains in bc2m365.toml)");
}

/// The lines of one numbered step of next-steps.txt.
fn step(text: &str, number: u32) -> Vec<&str> {
    let start = format!("{number}. ");
    let next = format!("{}. ", number + 1);
    text.lines()
        .skip_while(|l| !l.starts_with(&start))
        .skip(1)
        .take_while(|l| !l.starts_with(&next) && !l.starts_with("Not in these steps"))
        .collect()
}

/// Following next-steps.txt names every user, licence, role and coupling the manifest holds, in the step
/// where it is done; the CSV views hold the same.
fn next_steps_cover_the_manifest(out: &Path) {
    let m = manifest(out);
    let text = std::fs::read_to_string(out.join("next-steps.txt")).unwrap();
    for (number, key) in [(1, "administrator"), (2, "integration_user")] {
        let account = &m["accounts"][key];
        // Online, the integration account is the connection's application user: no licence to list.
        if account.is_null() || account["licence"].is_null() {
            continue;
        }
        let lines = step(&text, number);
        let roles: Vec<&str> = account["roles"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r.as_str().unwrap())
            .collect();
        assert!(lines.contains(&format!("   User: {}", account["upn"].as_str().unwrap()).as_str()));
        assert!(lines
            .contains(&format!("   Licence: {}", account["licence"].as_str().unwrap()).as_str()));
        assert!(
            lines.contains(&format!("   Security roles in Sales: {}", roles.join(", ")).as_str())
        );
    }
    let (import, licences, role_lines, couplings) = (
        step(&text, 3),
        step(&text, 4),
        step(&text, 5),
        step(&text, 6),
    );
    let mut accounts = 0;
    for s in m["salespeople"].as_array().unwrap() {
        let status = s["status"].as_str().unwrap();
        if status != "written" && status != "existing" {
            continue;
        }
        accounts += 1;
        let upn = s["upn"].as_str().unwrap();
        let code = s["code"].as_str().unwrap();
        if status == "written" {
            let file = s["import_file"].as_str().unwrap();
            assert!(
                import.contains(&format!("   - {upn} ({code}, {file})").as_str()),
                "{upn}"
            );
        } else {
            assert!(
                import.contains(&format!("   - {upn} ({code})").as_str()),
                "{upn}"
            );
        }
        // Under the heading of its licence, with its usage location; or among those holding one already.
        match s["licence"].as_str() {
            Some(licence) => {
                let heading = licences
                    .iter()
                    // By the admin center's product name and the SKU, or the SKU alone.
                    .position(|l| {
                        l.ends_with(&format!(" ({licence}) to:"))
                            || *l == format!("   Licence {licence} to:")
                    })
                    .unwrap();
                let location = match s["usage_location"].as_str() {
                    Some(code) => format!("usage location {code}"),
                    None => "no usage location known: set one before assigning".to_string(),
                };
                let line = format!("   - {upn} ({location})");
                let at = licences.iter().position(|l| *l == line).unwrap();
                assert!(
                    at > heading
                        && !licences[heading..at]
                            .iter()
                            .skip(1)
                            .any(|l| l.starts_with("   Licence "))
                );
            }
            None => {
                let held = s["licence_held"].as_str().unwrap();
                let line = format!("   - {upn} (holds {held})");
                assert!(licences.contains(&line.as_str()), "{line}");
            }
        }
        let roles: Vec<&str> = s["roles"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r.as_str().unwrap())
            .collect();
        let unit = s["business_unit"]
            .as_str()
            .map(|b| format!(" (business unit {b})"))
            .unwrap_or_default();
        assert!(
            role_lines.contains(&format!("   - {upn}: {}{unit}", roles.join(", ")).as_str()),
            "{upn}"
        );
        let coupling = &s["coupling"];
        assert_eq!(coupling["sales_user"], upn);
        assert!(
            couplings.contains(&format!("   - {code} -> {upn}").as_str()),
            "{code}"
        );
    }
    assert!(accounts > 0);
    // Nothing more than the manifest holds: one line per salesperson in the role and coupling steps.
    assert_eq!(
        role_lines.iter().filter(|l| l.starts_with("   - ")).count(),
        accounts
    );
    assert_eq!(
        couplings.iter().filter(|l| l.starts_with("   - ")).count(),
        accounts
    );

    // The CSV views: one row per account in role-assignments.csv, one per coupling in coupling.csv.
    let read = |name: &str| -> Vec<Vec<String>> {
        let bytes = std::fs::read(out.join(name)).unwrap();
        let body = bytes.strip_prefix(b"\xEF\xBB\xBF").expect("a UTF-8 BOM");
        csv::Reader::from_reader(body)
            .records()
            .map(|r| r.unwrap().iter().map(String::from).collect())
            .collect()
    };
    // Online, the integration account needs nothing assigned, and has no row.
    let specials = ["administrator", "integration_user"]
        .iter()
        .filter(|k| !m["accounts"][**k]["licence"].is_null())
        .count();
    let roles_csv = read("role-assignments.csv");
    assert_eq!(roles_csv.len(), specials + accounts);
    for row in &roles_csv[specials..] {
        assert_eq!(row[1], "bc-salespeople-en", "the input's company");
        let s = salesperson(&m, &row[2]);
        assert_eq!(row[3], s["upn"].as_str().unwrap());
        let licence = match (s["licence"].as_str(), s["licence_held"].as_str()) {
            (Some(licence), _) => licence.to_string(),
            (None, Some(held)) => format!("holds {held}"),
            (None, None) => String::new(),
        };
        assert_eq!(row[5], licence);
        assert_eq!(row[6], s["usage_location"].as_str().unwrap_or_default());
        let roles: Vec<&str> = s["roles"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r.as_str().unwrap())
            .collect();
        assert_eq!(row[7], roles.join("; "));
    }
    let coupling_csv = read("coupling.csv");
    assert_eq!(coupling_csv.len(), accounts);
    for row in &coupling_csv {
        assert_eq!(row[0], "bc-salespeople-en");
        assert_eq!(
            row[3],
            salesperson(&m, &row[1])["coupling"]["sales_user"]
                .as_str()
                .unwrap()
        );
    }
}

#[test]
fn next_steps_names_every_user_licence_role_and_coupling_of_the_manifest() {
    next_steps_cover_the_manifest(with_config().out());
    next_steps_cover_the_manifest(existing_users().out());
    let plain = en().run();
    plain.expect_outputs("bc-salespeople-en.csv", 0);
    next_steps_cover_the_manifest(plain.out());
}

#[test]
fn the_special_accounts_roles_follow_the_documentation() {
    // The administrator without System Customizer or a non-administrative role is a warning; the
    // integration user without any role cannot sign in, an error.
    Run::convert(EN)
        .args(["--config", "fixtures/config/account-roles.toml"])
        .args(["--deployment", "on-premises"])
        .run()
        .expect_case("accounts/account-roles", 1);
}

/// Every flag that has a `bc2m365.toml` key gives, with the same value, the same files as the key.
#[test]
fn each_flag_and_its_config_key_give_the_same_files() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&[&str], &str); 12] = [
        (
            &["--deployment", "on-premises"],
            "deployment = \"on-premises\"",
        ),
        (
            &["--company", "bc-salespeople-en.csv=CRONUS BE"],
            "[companies]\n\"bc-salespeople-en.csv\" = \"CRONUS BE\"",
        ),
        (&["--country", "BE"], "country = \"BE\""),
        (&["--usage-location", "NL"], "usage_location = \"NL\""),
        (
            &["--licence", "DYN365_ENTERPRISE_PLAN1"],
            "licence = \"DYN365_ENTERPRISE_PLAN1\"",
        ),
        (&["--transliterate", "german"], "transliterate = \"german\""),
        (
            &["--admin", "admin@contoso.com"],
            "[administrator]\nupn = \"admin@contoso.com\"",
        ),
        (
            &["--integration-user", "bc-sync@contoso.com"],
            "[integration_user]\nupn = \"bc-sync@contoso.com\"",
        ),
        (
            &["--map", "phone=Phone No."],
            "[columns]\nphone = \"Phone No.\"",
        ),
        (
            &["--domain", "fabrikam.com"],
            "domains = [\"contoso.com\", \"fabrikam.com\"]",
        ),
        (
            &["--environment", "https://contoso.crm4.dynamics.com"],
            "environment = \"https://contoso.crm4.dynamics.com\"",
        ),
        (
            &["--licence-group", "0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9"],
            "licence_group = \"0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9\"",
        ),
    ];
    for (n, (flag, key)) in cases.iter().enumerate() {
        let config = dir.path().join(format!("case-{n}.toml"));
        // The domain flag adds to the config's domains; the other cases name contoso.com in both runs.
        let (flag_run, key_text) = if flag[0] == "--domain" {
            (
                Run::convert(EN).domain("contoso.com").args(*flag),
                key.to_string(),
            )
        } else {
            (
                en().args(*flag),
                format!("domains = [\"contoso.com\"]\n{key}\n"),
            )
        };
        std::fs::write(&config, key_text).unwrap();
        let by_flag = flag_run.run();
        let by_key = Run::convert(EN).arg("--config").arg(&config).run();
        assert_eq!(
            by_flag.code, by_key.code,
            "{flag:?}: {}{}",
            by_flag.stderr, by_key.stderr
        );
        let files = |ran: &Ran| {
            ran.contents()
                .into_iter()
                .filter(|(name, _)| name != "manifest.json")
                .collect::<Vec<_>>()
        };
        assert!(!files(&by_flag).is_empty(), "{flag:?} wrote nothing");
        assert!(
            files(&by_flag) == files(&by_key),
            "{flag:?} and `{key}` wrote different files"
        );
        // The manifest differs only in listing the config file among the inputs, and in where an
        // account was named.
        let config_name = config.display().to_string();
        let strip = |ran: &Ran| {
            let text = String::from_utf8(ran.read("manifest.json")).unwrap();
            let text = text.replace(&config_name, "<named>").replace(
                &format!("\"named_in\": \"{}\"", flag[0]),
                "\"named_in\": \"<named>\"",
            );
            let mut manifest: Value = serde_json::from_str(&text).unwrap();
            let inputs = manifest["inputs"].as_array_mut().unwrap();
            inputs.retain(|input| input["file"] != "<named>");
            manifest
        };
        assert!(
            strip(&by_flag) == strip(&by_key),
            "{flag:?}: the manifests differ"
        );
    }
}

/// `validate --existing -` reads the users from stdin, once: the manifest check never consumes it.
#[test]
fn existing_users_can_come_from_stdin() {
    let users = std::fs::read("fixtures/m365-active-users.csv").unwrap();
    let ran = Run::validate(EN)
        .domain("contoso.com")
        .args(["--existing", "-"])
        .stdin(users)
        .report_json()
        .run();
    ran.assert_exit(0);
    assert!(codes(&ran.json()).contains(&"R004".to_string()));
}

#[test]
fn formulas_from_the_config_file_reach_no_csv_cell_unguarded() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("bc2m365.toml");
    std::fs::write(
        &config,
        "domains = [\"contoso.com\"]\nroles = [\"=HYPERLINK(\\\"http://x\\\")\"]\nbusiness_unit = \"-2+3+cmd|' /C calc'!A0\"\n",
    )
    .unwrap();
    let ran = Run::convert(EN).arg("--config").arg(&config).run();
    ran.assert_exit(0);
    let rows = common::read_import(&ran.path("role-assignments.csv"));
    let salesperson = rows.iter().find(|r| r[0] == "salesperson").unwrap();
    assert_eq!(salesperson[7], "'=HYPERLINK(\"http://x\")");
    assert_eq!(salesperson[8], "'-2+3+cmd|' /C calc'!A0");
    // The manifest keeps the values as configured: it is data for scripts, not a spreadsheet.
    let m = ran.manifest();
    assert_eq!(
        m["accounts"]["salespeople"]["roles"][0],
        "=HYPERLINK(\"http://x\")"
    );
}
