//! The online steps as files an administrator runs: the scripts parse as PowerShell and hold no input
//! value, their data files hold every planned person, the settings come from the flags and the config
//! file, each coupling package read back is the plan, and next-steps.txt says what to pick and when.

mod common;

use std::collections::BTreeMap;

use calamine::{Data, Reader};
use common::{Ran, Run};
use serde_json::Value;

const SCRIPTS: [&str; 2] = ["set-licences.ps1", "assign-roles.ps1"];
const HOSTILE: &str = "fixtures/online/bc-hostile-names.csv";
const HOSTILE_CONFIG: &str = "fixtures/online/hostile.toml";

/// The hostile names with the hostile config; the row with a line break is rejected, so --keep-going.
fn hostile() -> Ran {
    let ran = Run::convert(HOSTILE)
        .args(["--config", HOSTILE_CONFIG, "--keep-going"])
        .run();
    ran.assert_exit(1);
    ran
}

/// The two companies of the walk-through, with the tenant's users from the admin center's export (one of
/// them holding a Sales licence already).
fn two_companies() -> Ran {
    let ran = Run::convert("fixtures/companies/cronus-be.csv")
        .input("fixtures/companies/cronus-nl.csv")
        .domain("cronus.com")
        .args(["--company", "cronus-be.csv=CRONUS BE"])
        .args(["--company", "cronus-nl.csv=CRONUS NL"])
        .args(["--existing", "fixtures/companies/tenant-active-users.csv"])
        .run();
    ran.assert_exit(0);
    ran
}

fn text(ran: &Ran, name: &str) -> String {
    String::from_utf8(ran.read(name)).unwrap()
}

/// A data file's rows, its header first, as the scripts read them: the byte-order mark dropped and the
/// formula guard undone (the apostrophe goes only when what follows would itself be guarded).
fn data_rows(ran: &Ran, name: &str) -> Vec<Vec<String>> {
    let bytes = ran.read(name);
    let body = bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or_else(|| panic!("{name} starts with a UTF-8 byte-order mark"));
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(body);
    reader
        .records()
        .map(|r| {
            r.unwrap()
                .iter()
                .map(|cell| bc2m365::normalize::text::without_formula_guard(cell).to_string())
                .collect()
        })
        .collect()
}

/// The ERROR and MISSING nodes of a PowerShell script, with their line and column.
fn parse_errors(script: &str) -> Vec<String> {
    let mut parser = tree_sitter::Parser::new();
    parser
        .set_language(&tree_sitter_powershell::LANGUAGE.into())
        .unwrap();
    let tree = parser.parse(script, None).unwrap();
    let mut errors = Vec::new();
    let mut cursor = tree.walk();
    let mut visit = true;
    loop {
        let node = cursor.node();
        if visit && (node.is_error() || node.is_missing()) {
            let at = node.start_position();
            errors.push(format!(
                "{} at {}:{}: {:?}",
                node.kind(),
                at.row + 1,
                at.column + 1,
                &script[node.byte_range()]
                    .chars()
                    .take(60)
                    .collect::<String>()
            ));
        }
        if visit && cursor.goto_first_child() {
            continue;
        }
        if cursor.goto_next_sibling() {
            visit = true;
            continue;
        }
        if !cursor.goto_parent() {
            break;
        }
        visit = false;
    }
    errors
}

#[test]
fn every_script_parses_as_powershell_with_no_error_node() {
    let ran = two_companies();
    for name in SCRIPTS {
        let errors = parse_errors(&text(&ran, name));
        assert!(errors.is_empty(), "{name}: {errors:#?}");
    }
    // The check finds a broken script: a string left open, a block left open.
    assert!(!parse_errors("Write-Host \"open\nif ($true) {").is_empty());
}

/// PowerShell's variable names ignore case, so `$found` and `$Found` are one variable: a script that spells
/// one name two ways is a script where one value silently overwrites another.
#[test]
fn every_variable_of_a_script_is_spelled_one_way() {
    let ran = two_companies();
    let variable = regex::Regex::new(r"\$[A-Za-z_][A-Za-z0-9_]*").unwrap();
    for name in SCRIPTS {
        let script = text(&ran, name);
        let mut spellings: BTreeMap<String, std::collections::BTreeSet<&str>> = BTreeMap::new();
        for found in variable.find_iter(&script) {
            (spellings.entry(found.as_str().to_lowercase()).or_default()).insert(found.as_str());
        }
        let twice: Vec<_> = spellings.values().filter(|s| s.len() > 1).collect();
        assert!(twice.is_empty(), "{name}: {twice:?}");
    }
}

/// In a double-quoted string `"$name: ..."` is a drive-qualified variable PowerShell refuses to parse
/// ("':' was not followed by a valid variable name character"), which the grammar accepts: such a
/// variable is written `${name}:`.
#[test]
fn no_variable_is_followed_by_a_colon_outside_braces() {
    let ran = two_companies();
    let qualified = regex::Regex::new(r"\$[A-Za-z_][A-Za-z0-9_]*:[^A-Za-z_:]").unwrap();
    for name in SCRIPTS {
        let script = text(&ran, name);
        let found: Vec<&str> = qualified.find_iter(&script).map(|m| m.as_str()).collect();
        assert!(found.is_empty(), "{name}: {found:?}");
    }
    assert!(qualified.is_match("\"No users in $DataPath: nothing\""));
}

/// A run again, or a -WhatIf run after a real one, adds its lines to the log: `verify --log` then still
/// finds what an earlier run did. A role the user holds already is logged `already`, as a licence is.
#[test]
fn each_script_appends_to_its_log_and_logs_what_was_done_already() {
    let ran = two_companies();
    for name in SCRIPTS {
        let script = text(&ran, name);
        let exports: Vec<&str> = (script.lines())
            .filter(|line| line.contains("Export-Csv") && !line.trim_start().starts_with('#'))
            .collect();
        assert!(!exports.is_empty(), "{name}");
        for line in exports {
            assert!(
                line.contains("Export-Csv -LiteralPath $LogPath -Append "),
                "{name}: {line}"
            );
        }
        assert!(!script.contains("Out-File"), "{name}");
    }
    let assign = text(&ran, "assign-roles.ps1");
    assert!(assign
        .contains("if (Test-RoleHeld $output) {\n        Write-Step $upn 'role' 'already' $role"));
    assert!(assign.contains("'duplicate key|matching key values already exist'"));
    let licences = text(&ran, "set-licences.ps1");
    assert!(licences.contains("Write-Step $Wanted.Upn 'licence' 'already' $Wanted.Sku"));
}

/// A run with nothing to log still leaves a log `verify --log` reads: its header, written when the log is
/// new or empty (Export-Csv writes a 0-byte file when given no line).
#[test]
fn each_script_writes_the_header_into_a_new_or_empty_log() {
    let ran = two_companies();
    for name in SCRIPTS {
        let script = text(&ran, name);
        let header = (script.lines())
            .find_map(|line| line.strip_prefix("$LogHeader = '"))
            .and_then(|rest| rest.strip_suffix('\''))
            .unwrap_or_else(|| panic!("{name}: no $LogHeader"));
        let cells: Vec<String> = (csv::Reader::from_reader(header.as_bytes()).headers())
            .unwrap()
            .iter()
            .map(str::to_string)
            .collect();
        // The columns `verify --log` reads.
        assert_eq!(
            cells,
            ["Time", "User", "Step", "Result", "Detail"],
            "{name}"
        );
        assert!(
            script.contains("if (-not $exists -or (Get-Item -LiteralPath $LogPath).Length -eq 0) {\n        Set-Content -LiteralPath $LogPath -Value $LogHeader -Encoding utf8 -WhatIf:$false"),
            "{name}"
        );
        // The lines go after it, never a second header.
        assert!(
            script.contains(
                "if ($Log.Count -gt 0) {\n        $Log | Export-Csv -LiteralPath $LogPath -Append"
            ),
            "{name}"
        );
    }
}

/// A run where a step failed, found no user or lacked licences ends with exit code 1, once the log that
/// says which is saved.
#[test]
fn each_script_exits_with_1_after_saving_its_log_when_a_step_did_not_succeed() {
    let ran = two_companies();
    for name in SCRIPTS {
        let script = text(&ran, name);
        assert!(script.ends_with("\nComplete-Run\n"), "{name}");
        let complete = &script[script.find("function Complete-Run {").expect(name)..];
        let complete = &complete[..complete.find("\n}\n").expect(name)];
        let (saved, exit) = (complete.find("Save-Log"), complete.find("exit 1"));
        assert!(
            saved.is_some() && exit.is_some() && saved < exit,
            "{name}: {complete}"
        );
        for result in ["'failed'", "'no-such-user'", "'not-enough-licences'"] {
            assert!(complete.contains(result), "{name}: {result}");
        }
    }
}

/// A user with no usage location is not licensed (without a licence group): they take no free unit in the
/// count, so they cannot make the script refuse the users it can license.
#[test]
fn the_free_units_are_counted_for_users_with_a_usage_location_only() {
    let script = text(&two_companies(), "set-licences.ps1");
    let needing = &script[script.find("$needing = @($Users | Where-Object {").unwrap()..];
    let needing = &needing[..needing.find("})").unwrap()];
    assert!(
        needing.contains("(Test-HasUsageLocation $_ $tenantUser)"),
        "{needing}"
    );
    assert!(script
        .contains("return [bool] ($Wanted.Location -or $Account.UsageLocation -or $LicenceGroup)"));
    // The users it leaves out are those the licensing loop logs failed for want of a location.
    assert!(script.contains(
        "'failed' 'no usage location known: fill in UsageLocation in licences.csv, then run again'"
    ));
}

#[test]
fn the_scripts_as_written() {
    let ran = two_companies();
    ran.record_case("the online steps' scripts");
    for name in SCRIPTS {
        insta::assert_snapshot!(name, text(&ran, name));
    }
}

#[test]
fn no_input_value_is_in_a_script_only_in_the_data_files() {
    let ran = hostile();
    let clean = two_companies();
    // The scripts are the same for every run, whatever it read.
    for name in SCRIPTS {
        assert_eq!(ran.read(name), clean.read(name), "{name}");
    }
    let hostile_values = [
        "O'Connor",
        "$(Remove-Item -Recurse C:\\)",
        "`whoami`",
        "Carl; Stop-Computer; Marsh",
        "\"x\"; exit 1; \"y\"",
        "| Out-File pwned Ray > x.txt",
        "Invoke-Expression",
        "Sales Manager; Stop-Computer",
        "=HYPERLINK",
        "Verkäufer $(Get-Secret)",
        "Vertriebsleiter `whoami`",
        "'; Remove-Item -Recurse ~; '",
    ];
    for name in SCRIPTS {
        let script = text(&ran, name);
        for value in hostile_values {
            assert!(!script.contains(value), "{name} holds {value:?}");
        }
    }
    // The data as the scripts read it: the CSVs' cells and the settings' strings.
    let settings: Value = serde_json::from_slice(&ran.read("online-settings.json")).unwrap();
    let mut data: Vec<String> = ["licences.csv", "roles.csv"]
        .iter()
        .flat_map(|name| data_rows(&ran, name).concat())
        .collect();
    data.push(settings["environment"].as_str().unwrap().to_string());
    for (from, to) in settings["role_names"].as_object().unwrap() {
        data.extend([from.clone(), to.as_str().unwrap().to_string()]);
    }
    let data = data.join("\n");
    // Every value the scripts act on is in their data, except the name with a line break: rejected.
    for value in hostile_values.iter().filter(|v| **v != "Invoke-Expression") {
        assert!(data.contains(value), "no data file holds {value:?}");
    }
    assert_eq!(
        settings["environment"],
        "https://contoso.crm4.dynamics.com/'; Remove-Item -Recurse ~; '"
    );
    assert_eq!(
        settings["role_names"]["Salesperson"],
        "Verkäufer $(Get-Secret)\nline two"
    );
}

#[test]
fn a_formula_like_value_is_guarded_in_the_csv_and_unguarded_by_the_scripts() {
    let ran = hostile();
    let roles = text(&ran, "roles.csv");
    assert!(
        roles.contains(",\"'=HYPERLINK(\"\"http://x\"\")\","),
        "{roles}"
    );
    // Read back as the scripts read it, the value is the role as planned.
    let rows = data_rows(&ran, "roles.csv");
    assert!(rows.iter().any(|r| r[2] == "=HYPERLINK(\"http://x\")"));
    // Each script undoes the guard on every column it acts on.
    let licences = text(&ran, "set-licences.ps1");
    for column in ["UserPrincipalName", "UsageLocation", "SkuPartNumber"] {
        assert!(
            licences.contains(&format!("Remove-FormulaGuard $row.{column}")),
            "{column}"
        );
    }
    let assign = text(&ran, "assign-roles.ps1");
    for column in ["UserPrincipalName", "Role", "BusinessUnit"] {
        assert!(
            assign.contains(&format!("Remove-FormulaGuard $row.{column}")),
            "{column}"
        );
    }
}

/// Every person with a licence to assign is once in licences.csv, with their usage location, and every
/// person once per role in roles.csv; nobody else is in either.
fn assert_data_files_hold_the_plan(ran: &Ran) {
    let manifest = ran.manifest();
    let people = manifest["people"].as_array().unwrap();
    let licences = data_rows(ran, "licences.csv");
    assert_eq!(
        licences[0],
        [
            "UserPrincipalName",
            "DisplayName",
            "UsageLocation",
            "SkuPartNumber"
        ]
    );
    let mut wanted: Vec<Vec<String>> = people
        .iter()
        .filter(|p| p["status"] != "coupled" && p["licence"].is_string())
        .map(|p| {
            let field = |key: &str| p[key].as_str().unwrap_or_default().to_string();
            vec![
                field("upn"),
                field("display_name"),
                field("usage_location"),
                field("licence"),
            ]
        })
        .collect();
    let mut got: Vec<Vec<String>> = licences[1..].to_vec();
    wanted.sort();
    got.sort();
    assert!(!wanted.is_empty());
    assert_eq!(got, wanted, "licences.csv");

    let roles = data_rows(ran, "roles.csv");
    assert_eq!(
        roles[0],
        ["UserPrincipalName", "DisplayName", "Role", "BusinessUnit"]
    );
    let mut wanted: Vec<(String, String)> = people
        .iter()
        .filter(|p| p["status"] != "coupled")
        .flat_map(|p| {
            let upn = p["upn"].as_str().unwrap().to_string();
            let roles = p["roles"].as_array().unwrap().clone();
            roles
                .into_iter()
                .map(move |r| (upn.clone(), r.as_str().unwrap().to_string()))
        })
        .collect();
    let mut got: Vec<(String, String)> = roles[1..]
        .iter()
        .map(|r| (r[0].clone(), r[2].clone()))
        .collect();
    wanted.sort();
    got.sort();
    assert!(!wanted.is_empty());
    assert_eq!(got, wanted, "roles.csv");
}

#[test]
fn every_planned_person_is_once_in_licences_csv_and_once_per_role_in_roles_csv() {
    assert_data_files_hold_the_plan(&two_companies());
    assert_data_files_hold_the_plan(&hostile());
    // A user who holds a Sales licence already is in roles.csv, not in licences.csv.
    let ran = two_companies();
    let m = ran.manifest();
    let held: Vec<&Value> = (m["people"].as_array().unwrap().iter())
        .filter(|p| p["licence_held"].is_string())
        .collect();
    assert!(!held.is_empty(), "the fixture has a user holding a licence");
    let licences = text(&ran, "licences.csv");
    let roles = text(&ran, "roles.csv");
    for p in held {
        let upn = p["upn"].as_str().unwrap();
        assert!(!licences.contains(upn) && roles.contains(upn), "{upn}");
    }
}

/// The (Code, E-Mail) rows each package the manifest names should hold, by (package, company): the
/// couplings the manifest plans, but not those that need Set Up Coupling by hand, which name no package.
fn planned_packages(manifest: &Value) -> BTreeMap<(String, String), Vec<(String, String)>> {
    let mut packages: BTreeMap<(String, String), Vec<(String, String)>> = BTreeMap::new();
    for s in manifest["salespeople"].as_array().unwrap() {
        let c = &s["coupling"];
        if !c.is_object() {
            continue;
        }
        match c["package"].as_str() {
            Some(package) => {
                assert!(c["by_hand"].is_null(), "{c}");
                let text = |key: &str| c[key].as_str().unwrap().to_string();
                (packages
                    .entry((package.to_string(), text("bc_company")))
                    .or_default())
                .push((text("bc_code"), text("sales_user")));
            }
            None => assert!(c["by_hand"].is_string(), "{c}"),
        }
    }
    packages
}

/// Each package the manifest names, read back: the rows the manifest plans for it, of one company.
fn assert_packages_are_the_plan(ran: &Ran) -> Vec<(String, String)> {
    let planned = planned_packages(&ran.manifest());
    let packages: Vec<(String, String)> = planned.keys().cloned().collect();
    for ((name, company), rows) in planned {
        assert_eq!(
            packages.iter().filter(|(n, _)| *n == name).count(),
            1,
            "{name} is the package of one company"
        );
        let got = package_rows(ran, &name);
        assert_eq!(got, rows, "{name} ({company})");
    }
    packages
}

#[test]
fn each_coupling_package_read_back_is_the_plan() {
    let ran = two_companies();
    let packages = assert_packages_are_the_plan(&ran);
    let names = |company: &str| (company.replace(' ', "_"), company.to_string());
    assert_eq!(
        packages,
        [names("CRONUS BE"), names("CRONUS NL")]
            .map(|(safe, company)| (format!("coupling-{safe}.xlsx"), company))
    );
}

/// Two companies whose names are one file name: each record names its own company's package.
#[test]
fn each_coupling_names_its_own_companys_package() {
    let ran = Run::convert("fixtures/companies/cronus-be.csv")
        .input("fixtures/companies/cronus-nl.csv")
        .domain("cronus.com")
        .args(["--company", "cronus-be.csv=A/B"])
        .args(["--company", "cronus-nl.csv=A:B"])
        .run();
    ran.assert_exit(0);
    let packages = assert_packages_are_the_plan(&ran);
    assert_eq!(
        packages,
        [
            ("coupling-A_B-2.xlsx".to_string(), "A:B".to_string()),
            ("coupling-A_B.xlsx".to_string(), "A/B".to_string()),
        ]
    );
}

/// A coupling package's rows (Code, E-Mail), checked to be in a RapidStart export's layout.
fn package_rows(ran: &Ran, name: &str) -> Vec<(String, String)> {
    let mut workbook = calamine::open_workbook_auto(ran.path(name)).unwrap();
    assert_eq!(workbook.sheet_names(), ["SalespersonPurchaser"], "{name}");
    let range = workbook.worksheet_range("SalespersonPurchaser").unwrap();
    assert_eq!(range.start(), Some((0, 0)));
    let cells: Vec<Vec<Data>> = range.rows().map(<[Data]>::to_vec).collect();
    let s = |v: &str| Data::String(v.to_string());
    assert_eq!(
        cells[0],
        [
            s("BC2M365-COUPLING"),
            s("Salesperson/Purchaser"),
            Data::Float(13.0)
        ]
    );
    assert!(cells[1].iter().all(|c| *c == Data::Empty));
    assert_eq!(cells[2][..2], [s("Code"), s("E-Mail")]);
    cells[3..]
        .iter()
        .map(|r| match &r[..2] {
            [Data::String(code), Data::String(email)] => (code.clone(), email.clone()),
            other => panic!("{name}: a row of text cells, not {other:?}"),
        })
        .collect()
}

#[test]
fn a_user_whose_primary_email_is_not_its_user_name_is_coupled_by_hand() {
    let ran = Run::convert("fixtures/bc-salespeople-en.csv")
        .domain("contoso.com")
        .args(["--existing", "fixtures/entra-users.csv"])
        .run();
    ran.assert_exit(0);
    let m = ran.manifest();
    let fd = (m["salespeople"].as_array().unwrap().iter())
        .find(|s| s["code"] == "FD")
        .unwrap();
    assert_eq!(fd["coupling"]["sales_user"], "fdubois@contoso.com");
    let reason = fd["coupling"]["by_hand"].as_str().unwrap();
    assert!(reason.contains("francois.dubois@contoso.com"), "{reason}");
    // In no package: the record says so, and each package read back holds only what its records name.
    assert_eq!(fd["coupling"]["package"], Value::Null);
    assert_packages_are_the_plan(&ran);
    // The synchronisation writes the Sales user's primary email into BC's E-Mail, not the user name.
    assert_eq!(
        fd["coupling"]["bc_email_after_sync"],
        "francois.dubois@contoso.com"
    );
    let av = (m["salespeople"].as_array().unwrap().iter())
        .find(|s| s["code"] == "AV")
        .unwrap();
    assert_eq!(
        av["coupling"]["bc_email_after_sync"],
        av["coupling"]["sales_user"]
    );
    // Not in the package, which would set an E-Mail the match cannot find.
    let package = common::first_sheet(&ran.path("coupling-bc-salespeople-en.xlsx"));
    assert!(package.iter().all(|row| row[0] != "FD"));
    assert!(package.iter().any(|row| row[0] == "AV"));
    let steps = text(&ran, "next-steps.txt");
    let by_hand = steps.find("Set Up Coupling by hand").unwrap();
    assert!(
        steps[by_hand..].contains("   - François Dubois (company bc-salespeople-en, Code FD) -> fdubois@contoso.com\n     the user's primary email in Sales is francois.dubois@contoso.com"),
        "{steps}"
    );
}

#[test]
fn next_steps_names_the_wizard_choices_and_the_scripts_and_couples_after_licensing() {
    let ran = two_companies();
    let steps = text(&ran, "next-steps.txt");
    for file in ["m365-users-BE.csv", "m365-users-NL.csv"] {
        let at = steps
            .find(&format!("   - {file}, "))
            .unwrap_or_else(|| panic!("no wizard line for {file}:\n{steps}"));
        let choice = steps[at..].lines().take(2).collect::<Vec<_>>().join("\n");
        assert!(
            choice.ends_with(
                ",\n     licence \"Dynamics 365 Sales Enterprise\" (DYN365_ENTERPRISE_SALES)"
            ),
            "{choice}"
        );
    }
    assert!(steps.contains("location Belgium (BE)"), "{steps}");
    assert!(steps.contains("Run set-licences.ps1"));
    assert!(steps.contains("run assign-roles.ps1"));
    assert!(steps.contains("When the users are licensed and present in Dataverse"));
    assert!(steps.contains("Company CRONUS BE (coupling-CRONUS_BE.xlsx):"));
    assert!(steps.contains("Match-Based Coupling, once: E-Mail = Primary Email"));
    assert!(!steps.contains("the first synchronisation fills it"));
    assert!(!steps.contains("or match-based coupling"));
}

/// "Create user without product license" leaves the location to step 4, which needs one it knows.
#[test]
fn the_wizard_is_told_to_leave_out_the_licence_only_when_step_4_knows_the_location() {
    let without =
        "(or \"Create user without product license\", and step 4 sets the location and licence)";
    let steps = text(&two_companies(), "next-steps.txt");
    assert!(steps.contains(without), "{steps}");
    assert!(!steps.contains("No location is known"), "{steps}");

    let ran = Run::convert("fixtures/bc-salespeople-en.csv")
        .domain("contoso.com")
        .run();
    ran.assert_exit(0);
    let steps = text(&ran, "next-steps.txt");
    assert!(steps.contains("(no country known)"), "{steps}");
    assert!(
        !steps.contains("Create user without product license"),
        "{steps}"
    );
    assert!(
        steps.contains("pick their location in the\n   wizard, or fill in UsageLocation in licences.csv before step 4 (or give --usage-location or --country"),
        "{steps}"
    );

    // With a country for everyone, the location is known: the wizard's line names it.
    let ran = Run::convert("fixtures/bc-salespeople-en.csv")
        .domain("contoso.com")
        .args(["--usage-location", "BE"])
        .run();
    ran.assert_exit(0);
    let steps = text(&ran, "next-steps.txt");
    assert!(steps.contains(without), "{steps}");
    assert!(!steps.contains("No location is known"), "{steps}");
}

#[test]
fn the_environment_licence_group_and_role_names_come_from_flags_and_the_config_file() {
    let group = "0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9";
    let ran = Run::convert("fixtures/bc-salespeople-en.csv")
        .domain("contoso.com")
        .args(["--environment", "https://contoso.crm4.dynamics.com"])
        .args(["--licence-group", group])
        .run();
    ran.assert_exit(0);
    let settings: Value = serde_json::from_slice(&ran.read("online-settings.json")).unwrap();
    assert_eq!(settings["environment"], "https://contoso.crm4.dynamics.com");
    assert_eq!(settings["licence_group"], group);
    let steps = text(&ran, "next-steps.txt");
    assert!(steps.contains(&format!("adds the users to the group {group}")));
    assert!(
        steps.contains("gives the roles in\n   the environment https://contoso.crm4.dynamics.com,")
    );

    // Without an environment, the roles step says how to give one.
    let ran = Run::convert("fixtures/bc-salespeople-en.csv")
        .domain("contoso.com")
        .run();
    let settings: Value = serde_json::from_slice(&ran.read("online-settings.json")).unwrap();
    assert_eq!(settings["environment"], Value::Null);
    assert!(text(&ran, "next-steps.txt").contains("with -Environment <URL>"));

    // A group named by its display name is refused: Graph takes the object id.
    Run::convert("fixtures/bc-salespeople-en.csv")
        .domain("contoso.com")
        .args(["--licence-group", "Sales licences"])
        .run()
        .assert_exit_saying(2, "\"Sales licences\" is not a group's object id");
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("bc2m365.toml");
    std::fs::write(
        &config,
        "domains = [\"contoso.com\"]\nlicence_group = \"Sales\"\n",
    )
    .unwrap();
    Run::convert("fixtures/bc-salespeople-en.csv")
        .arg("--config")
        .arg(&config)
        .run()
        .assert_exit_saying(
            2,
            &format!("licence_group in {}: \"Sales\"", config.display()),
        );
}

#[test]
fn the_online_files_are_the_same_bytes_from_run_to_run() {
    let (first, second) = (two_companies(), two_companies());
    let names = [
        "set-licences.ps1",
        "licences.csv",
        "assign-roles.ps1",
        "roles.csv",
        "online-settings.json",
        "coupling-CRONUS_BE.xlsx",
        "coupling-CRONUS_NL.xlsx",
    ];
    for name in names {
        assert_eq!(first.read(name), second.read(name), "{name}");
    }
    let manifest = first.manifest();
    let outputs: Vec<&str> = (manifest["outputs"].as_array().unwrap().iter())
        .map(|o| o["file"].as_str().unwrap())
        .collect();
    for name in names {
        assert!(outputs.contains(&name), "{name} in the manifest's outputs");
    }
}
