//! `--target entra`: Microsoft Entra's bulk-create file, checked by an independent checker
//! (`support/entracheck.py`), its initial passwords generated or mapped, and no password in any other
//! output.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use serde_json::Value;

const EN: &str = "fixtures/bc-salespeople-en.csv";
const PASSWORDS: &str = "fixtures/bc-salespeople-passwords-en.csv";
const MAP_PASSWORDS: [&str; 2] = ["--map", "password=Start password"];

/// The passwords of `fixtures/bc-salespeople-passwords-en.csv`, the privacy-blocked salesperson's included.
const GIVEN: [&str; 7] = [
    "Vermeulen#2026a",
    "Dirk,Berg 77!",
    "Say \"hi\" 2 me",
    "Mueller-Passw0rd",
    "Tr0ub4dor&3x",
    "Hidden-Secret-99",
    "correct Horse 4 battery",
];

/// Runs the independent checker of Microsoft Entra's rules over Entra files.
fn entracheck(files: &[PathBuf]) -> String {
    independent_check("entracheck", &["contoso.com"], files)
}

/// The Entra files a run wrote, each checked by [`entracheck`].
fn entra_files(ran: &Ran) -> Vec<PathBuf> {
    let files: Vec<PathBuf> = ran
        .written()
        .into_iter()
        .filter(|name| name.starts_with("entra-users"))
        .map(|name| ran.path(&name))
        .collect();
    assert!(!files.is_empty(), "no Entra file in {:?}", ran.written());
    entracheck(&files);
    files
}

/// The user rows of an Entra file: the version line and the header left out.
fn entra_rows(path: &Path) -> Vec<Vec<String>> {
    let bytes = std::fs::read(path).unwrap();
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").expect("a UTF-8 BOM");
    let body = body
        .strip_prefix(b"version:v1.0\r\n")
        .expect("the version line");
    let mut reader = csv::ReaderBuilder::new().from_reader(body);
    reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

fn assert_nowhere_else(ran: &Ran, extra: &[&Path], passwords: &[String]) {
    let text = everything_written(ran, extra, Some("entra-users"));
    for password in passwords {
        assert!(
            !text.contains(password.as_str()),
            "{password:?} was written"
        );
        // A CSV writes a quote twice, and XML escapes it: the password's longest plain run is searched too.
        let longest = password
            .split(['"', '&', '<', '>', '\''])
            .max_by_key(|part| part.len())
            .unwrap_or_default();
        if longest.len() >= 6 {
            assert!(
                !text.contains(longest),
                "{longest:?} of a password was written"
            );
        }
    }
}

#[test]
fn generated_passwords_meet_entras_rules_differ_on_every_run_and_are_in_no_other_output() {
    let runs: Vec<Ran> = (0..2)
        .map(|_| {
            Run::convert(EN)
                .domain("contoso.com")
                .args(["--target", "entra"])
                .run()
        })
        .collect();
    let mut passwords = Vec::new();
    for ran in &runs {
        ran.assert_exit(0);
        let files = entra_files(ran);
        assert_eq!(files.len(), 1);
        assert_eq!(ran.import_files(), [], "no admin center import file");
        let rows = entra_rows(&files[0]);
        assert_eq!(rows.len(), 12);
        for row in &rows {
            assert_eq!(row.len(), 17);
            assert_eq!(row[2].len(), 16, "a generated password has 16 characters");
            assert_eq!(row[3], "No");
            passwords.push(row[2].clone());
        }
    }
    // Every password differs from every other, in one run and across the two.
    let distinct: std::collections::BTreeSet<&String> = passwords.iter().collect();
    assert_eq!(distinct.len(), 24);
    // Only the passwords differ: the rest of the Entra file and every other output are the same bytes.
    let without_passwords = |ran: &Ran| {
        let mut rows = entra_rows(&ran.path("entra-users.csv"));
        rows.iter_mut().for_each(|row| row[2].clear());
        rows
    };
    assert_eq!(without_passwords(&runs[0]), without_passwords(&runs[1]));
    let others = |ran: &Ran| {
        ran.contents()
            .into_iter()
            .filter(|(name, _)| name != "entra-users.csv")
            .collect::<Vec<_>>()
    };
    assert!(
        others(&runs[0]) == others(&runs[1]),
        "another output differs"
    );
    for ran in &runs {
        assert_nowhere_else(ran, &[], &passwords);
    }
}

#[test]
fn the_manifest_lists_the_entra_file_as_secret_without_a_hash_and_it_is_owner_only() {
    let ran = Run::convert(EN)
        .domain("contoso.com")
        .args(["--target", "entra"])
        .report_json()
        .run();
    ran.assert_exit(0);
    entra_files(&ran);
    let manifest = ran.manifest();
    let listed: Vec<&Value> = manifest["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["file"] == "entra-users.csv")
        .collect();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["secret"], true);
    assert_eq!(listed[0]["users"], 12);
    assert!(listed[0].get("sha256").is_none(), "{}", listed[0]);
    // Every other output keeps its hash.
    for output in manifest["outputs"].as_array().unwrap() {
        assert_eq!(
            output.get("sha256").is_none(),
            output["file"] == "entra-users.csv",
            "{output}"
        );
    }
    let users: Vec<&str> = manifest["salespeople"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["import_file"].as_str())
        .collect();
    assert_eq!(users, ["entra-users.csv"; 12]);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(ran.path("entra-users.csv"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[test]
fn mapped_passwords_are_written_as_given_with_each_users_usage_location() {
    let ran = Run::convert(PASSWORDS)
        .domain("contoso.com")
        .args(["--target", "entra"])
        .args(MAP_PASSWORDS)
        .run();
    ran.record_case("entra-mapped-passwords");
    ran.assert_exit(0);
    let files = entra_files(&ran);
    let expected = Path::new("fixtures/expected/entra-mapped-passwords");
    assert_matches_expected(
        &expected.join("entra-users.csv"),
        &ran.read("entra-users.csv"),
    );
    assert_matches_expected(
        &expected.join("next-steps.txt"),
        &ran.read("next-steps.txt"),
    );
    // The usage location of each user is the one the manifest plans, and users of several countries
    // share the file.
    let manifest = ran.manifest();
    let planned: std::collections::BTreeMap<String, String> = manifest["salespeople"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["status"] == "written")
        .map(|s| {
            let upn = s["upn"].as_str().unwrap().to_string();
            (upn, s["usage_location"].as_str().unwrap().to_string())
        })
        .collect();
    let written: std::collections::BTreeMap<String, String> = entra_rows(&files[0])
        .into_iter()
        .map(|row| (row[1].clone(), row[8].clone()))
        .collect();
    assert_eq!(written, planned);
    assert_eq!(
        written
            .values()
            .collect::<std::collections::BTreeSet<_>>()
            .len(),
        5
    );
    let given: Vec<String> = GIVEN.iter().map(|p| p.to_string()).collect();
    assert_nowhere_else(&ran, &[], &given);
    // The privacy-blocked salesperson's password is in the Entra file neither.
    let entra = String::from_utf8(ran.read("entra-users.csv")).unwrap();
    assert!(!entra.contains("Hidden-Secret-99"));
}

#[test]
fn refused_passwords_are_named_by_their_cell_and_reach_no_output() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("export.csv");
    let refused = [
        "short1A",
        "welcome1",
        "=Abcdef12!",
        "Pässwort12",
        " Lead1ngBlank",
    ];
    let mut csv = String::from("Code,Name,Email,Password\r\n");
    for (n, password) in refused.iter().enumerate() {
        csv.push_str(&format!("R{n},Refused Person{n},,\"{password}\"\r\n"));
    }
    // Rejected for its Email, with a good password; and one whose password is left for a generated one.
    csv.push_str("BADMAIL,Mail Person,not an address,Good-Passw0rd-1\r\n");
    csv.push_str("OK,Kept Person,,Kept-Passw0rd-2\r\n");
    csv.push_str("GEN,Generated Person,,\r\n");
    std::fs::write(&input, csv).unwrap();
    let review = dir.path().join("review.xlsx");
    let runs = [
        Run::convert(&input)
            .domain("contoso.com")
            .args(["--target", "entra", "--map", "password=Password"])
            .arg("--keep-going")
            .report_json()
            .run(),
        Run::validate(&input)
            .domain("contoso.com")
            .args(["--target", "entra", "--map", "password=Password"])
            .arg("--review")
            .arg(&review)
            .run(),
    ];
    runs[0].assert_exit(1);
    runs[1].assert_exit(1);
    let report = runs[0].json();
    let f018: Vec<&Value> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "F018")
        .collect();
    assert_eq!(f018.len(), refused.len(), "{report}");
    for (n, d) in f018.iter().enumerate() {
        assert_eq!(d["row"], n + 2, "{d}");
        assert_eq!(d["column_index"], 4, "{d}");
        assert_eq!(d["column"], "Password", "{d}");
        assert!(d.get("value").is_none_or(Value::is_null), "{d}");
    }
    assert!(runs[0].path("rejected.csv").exists());
    let rows = entra_rows(&entra_files(&runs[0])[0]);
    let users: Vec<&str> = rows.iter().map(|r| r[1].as_str()).collect();
    assert_eq!(
        users,
        ["kept.person@contoso.com", "generated.person@contoso.com"]
    );
    assert_eq!(rows[0][2], "Kept-Passw0rd-2");
    let passwords: Vec<String> = refused
        .iter()
        .chain(&["Good-Passw0rd-1", "Kept-Passw0rd-2"])
        .map(|p| p.trim().to_string())
        .chain([rows[1][2].clone()])
        .collect();
    assert_nowhere_else(&runs[0], &[], &passwords);
    assert_nowhere_else(&runs[1], &[&review], &passwords);
}

#[test]
fn the_flag_and_the_config_key_give_the_same_files() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("bc2m365.toml");
    std::fs::write(
        &config,
        "domains = [\"contoso.com\"]\ntarget = \"entra\"\n\n[columns]\npassword = \"Start password\"\n",
    )
    .unwrap();
    let by_flag = Run::convert(PASSWORDS)
        .domain("contoso.com")
        .args(["--target", "entra"])
        .args(MAP_PASSWORDS)
        .run();
    let by_key = Run::convert(PASSWORDS).arg("--config").arg(&config).run();
    by_flag.assert_exit(0);
    by_key.assert_exit(0);
    entra_files(&by_key);
    let files = |ran: &Ran| {
        ran.contents()
            .into_iter()
            .filter(|(name, _)| name != "manifest.json")
            .collect::<Vec<_>>()
    };
    assert!(files(&by_flag) == files(&by_key), "different files");
    let strip = |ran: &Ran| {
        let mut manifest = ran.manifest();
        let inputs = manifest["inputs"].as_array_mut().unwrap();
        inputs.retain(|input| !input["file"].as_str().unwrap().ends_with("bc2m365.toml"));
        manifest
    };
    assert!(strip(&by_flag) == strip(&by_key), "the manifests differ");
    // The flag wins over the key.
    let m365 = Run::convert(EN)
        .arg("--config")
        .arg(&config)
        .args(["--target", "m365"])
        .run();
    m365.assert_exit_saying(2, "--map password=Start password: initial passwords are written only into Microsoft Entra's file");
}

#[test]
fn a_mapped_password_column_needs_the_entra_target() {
    Run::convert(PASSWORDS)
        .domain("contoso.com")
        .args(MAP_PASSWORDS)
        .run()
        .assert_exit_saying(2, "add --target entra");
}

#[test]
fn next_steps_says_where_to_upload_the_file_and_to_delete_it() {
    let ran = Run::convert(EN)
        .domain("contoso.com")
        .args(["--target", "entra"])
        .run();
    ran.assert_exit(0);
    let steps = String::from_utf8(ran.read("next-steps.txt")).unwrap();
    for words in [
        "Entra admin center > Users > All users > Bulk operations > Bulk create; upload entra-users.csv",
        "holds each new user's initial password",
        "delete the file once the upload has succeeded",
        "the licences come in step 4",
    ] {
        assert!(steps.contains(words), "{words:?} in:\n{steps}");
    }
    let m365 = Run::convert(EN).domain("contoso.com").run();
    let steps = String::from_utf8(m365.read("next-steps.txt")).unwrap();
    assert!(!steps.contains("Bulk create"), "{steps}");
}

#[test]
fn a_password_out_of_its_column_is_hidden_too() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("export.csv");
    // Row 2: an unquoted comma moves the password past the header. Row 4: an unclosed quote swallows the
    // lines after it, row 5's password with them.
    std::fs::write(
        &input,
        "Code,Name,Password\r\nS1,An,Maes,Ragged-Pass1\r\nS2,Bo Maes,Good-Pass-22\r\n\
         S3,\"Unclosed,Open-Pass3\r\nS4,Cy Maes,Later-Pass-44\r\n",
    )
    .unwrap();
    let ran = Run::convert(&input)
        .domain("contoso.com")
        .args(["--target", "entra", "--map", "password=Password"])
        .arg("--keep-going")
        .report_json()
        .run();
    ran.assert_exit(1);
    let codes = codes(&ran.json());
    assert!(codes.contains(&"S004".to_string()), "{codes:?}");
    assert!(codes.contains(&"S015".to_string()), "{codes:?}");
    let rows = entra_rows(&entra_files(&ran)[0]);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0][2], "Good-Pass-22");
    let passwords = [
        "Ragged-Pass1",
        "Good-Pass-22",
        "Open-Pass3",
        "Later-Pass-44",
    ]
    .map(String::from);
    assert_nowhere_else(&ran, &[], &passwords);
}

#[test]
fn a_password_column_that_is_not_mapped_reaches_no_output() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("export.csv");
    let csv = std::fs::read_to_string(PASSWORDS).unwrap();
    assert!(csv.starts_with(
        "Code,Name,Email,Phone No.,Job Title,Country/Region Code,Privacy Blocked,Start password"
    ));
    std::fs::write(&input, csv.replacen("Start password", "Password", 1)).unwrap();
    let passwords: Vec<String> = GIVEN.iter().map(|p| p.to_string()).collect();
    // For Microsoft Entra's file: an error that names the flag to give, and a review without them.
    let ran = Run::convert(&input)
        .domain("contoso.com")
        .args(["--target", "entra"])
        .run();
    ran.assert_exit_saying(1, "error[S019]");
    assert!(
        ran.stderr.contains("add --map password=\"Password\""),
        "{}",
        ran.stderr
    );
    assert!(ran.path("review.xlsx").exists());
    assert_nowhere_else(&ran, &[], &passwords);
    // For the admin center's import files: a warning, and the passwords in no output.
    let review = dir.path().join("review.xlsx");
    let runs = [
        Run::convert(&input).domain("contoso.com").run(),
        Run::validate(&input)
            .domain("contoso.com")
            .arg("--review")
            .arg(&review)
            .run(),
    ];
    for ran in &runs {
        ran.assert_exit(0);
        assert!(ran.stderr.contains("warning[S018]"), "{}", ran.stderr);
    }
    assert_nowhere_else(&runs[0], &[], &passwords);
    assert_nowhere_else(&runs[1], &[&review], &passwords);
}
