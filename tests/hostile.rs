//! Safety on any input and in any situation: atomic outputs under kill, no network, clear refusals.
//!
//! Two tests need what only Linux gives, and root or user namespaces: a network namespace without a network
//! (`unshare -n`) and a small RAM disk in a private mount namespace (`unshare -m`, `mount -t tmpfs`). CI
//! runs them as root; where the machine refuses, they fail saying so, never pass unchecked.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use common::*;

/// A CSV export of `n` salespeople, large enough that a convert takes a moment.
fn large_export(dir: &Path, n: usize) -> PathBuf {
    let mut text = String::from("\u{feff}Code,Name,Email,Phone No.,Job Title\r\n");
    for i in 0..n {
        text.push_str(&format!(
            "SP{i:06},Verkoper {i} van den Broeck,,+32 475 {:06},Account Manager\r\n",
            i % 1_000_000
        ));
    }
    let path = dir.join("large.csv");
    std::fs::write(&path, text).unwrap();
    path
}

fn convert_command(input: &Path, out: &Path) -> Command {
    let mut command = Run::convert(input)
        .domain("contoso.com")
        .arg("--force")
        .out(out)
        .command();
    command.stdout(Stdio::null()).stderr(Stdio::null());
    command
}

#[test]
fn killing_a_convert_at_any_moment_leaves_the_old_or_the_new_outputs() {
    let tmp = tempfile::tempdir().unwrap();
    let input = large_export(tmp.path(), 20_000);

    // The complete new outputs, and how long making them takes.
    let reference = tmp.path().join("reference");
    let started = Instant::now();
    assert!(convert_command(&input, &reference)
        .status()
        .unwrap()
        .success());
    let duration = started.elapsed();
    let new_outputs = folder_contents(&reference);

    // The earlier state: a small run's outputs.
    let out = tmp.path().join("out");
    Run::convert("fixtures/bc-salespeople-en.csv")
        .domain("contoso.com")
        .out(&out)
        .run()
        .assert_exit(0);
    let old_outputs = folder_contents(&out);

    let attempts = 12u32;
    let mut saw_old = false;
    for i in 0..attempts {
        // Kill at moments spread over the whole run, the last ones near its end (the rename).
        let delay = duration.mul_f64((i as f64 + 0.5) / attempts as f64 * 1.1);
        let mut child = convert_command(&input, &out).spawn().unwrap();
        std::thread::sleep(delay);
        let _ = child.kill();
        let _ = child.wait();
        let now = folder_contents(&out);
        assert!(
            now == old_outputs || now == new_outputs,
            "after a kill at {delay:?}, --out holds neither the earlier nor the new outputs: {:?}",
            now.iter()
                .map(|(n, b)| (n.clone(), b.len()))
                .collect::<Vec<_>>()
        );
        saw_old |= now == old_outputs;
        if now == new_outputs {
            break;
        }
    }
    assert!(
        saw_old,
        "no kill landed before the end of the run: the test proved nothing"
    );
}

#[test]
#[cfg_attr(
    not(target_os = "linux"),
    ignore = "needs Linux's /proc, which refuses new folders even to root"
)]
fn an_output_folder_that_cannot_be_written_is_a_clear_error_and_leaves_nothing() {
    // /proc refuses new folders even to root.
    let ran = Run::convert("fixtures/bc-salespeople-en.csv")
        .domain("contoso.com")
        .out("/proc/bc2m365-out")
        .run();
    ran.assert_exit(2);
    let stderr = &ran.stderr;
    assert!(
        stderr.starts_with("error: /proc") && !stderr.contains("warning["),
        "fails before any work: {stderr}"
    );
    assert!(!Path::new("/proc/bc2m365-out").exists());
}

#[test]
#[cfg_attr(
    not(target_os = "linux"),
    ignore = "needs Linux's `unshare -n` for a network namespace without a network"
)]
fn it_needs_no_network() {
    // A network namespace has only a loopback interface, and it is down: no address is reachable.
    let mut unshare = unshare("-n", &["true"], "it_needs_no_network");
    let tmp = tempfile::tempdir().unwrap();
    let offline = tmp.path().join("offline");
    let online = Run::convert("fixtures/bc-salespeople-en.xlsx")
        .domain("contoso.com")
        .run();
    online.assert_exit(0);
    let output = unshare
        .arg(env!("CARGO_BIN_EXE_bc2m365"))
        .args([
            "convert",
            "fixtures/bc-salespeople-en.xlsx",
            "--domain",
            "contoso.com",
            "--out",
            offline.to_str().unwrap(),
        ])
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(online.contents(), folder_contents(&offline));
}

/// Converts a broken file: the exit code, the code and place in the report, and no import file or
/// manifest (a file that cannot be read at all, or holds nothing, gets no output of any kind).
fn broken_file(name: &str, exit: i32, code: &str, place: &str) {
    let input = format!("fixtures/bad/{name}");
    let ran = Run::convert(&input).domain("contoso.com").run();
    ran.assert_exit(exit);
    let stderr = &ran.stderr;
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stderr.contains(&format!("error[{code}]")), "{stderr}");
    assert!(
        stderr.contains(&format!("  --> {input}{place}")),
        "{stderr}"
    );
    let written = ran.written();
    let whole_file_refused = exit == 2 || code == "S009";
    if whole_file_refused {
        assert!(written.is_empty(), "{written:?}");
    } else {
        assert_eq!(written, ["review.xlsx"], "only the review after errors");
    }
    // validate says the same.
    Run::validate(&input)
        .domain("contoso.com")
        .run()
        .assert_exit_saying(exit, &format!("error[{code}]"));
}

macro_rules! broken_files {
    ($($test:ident: $name:literal => exit $exit:literal, $code:literal at $place:literal;)*) => {
        $(
            #[test]
            fn $test() {
                broken_file($name, $exit, $code, $place);
            }
        )*
    };
}

broken_files! {
    an_empty_file: "empty.csv" => exit 1, "S009" at "\n";
    a_header_only: "header-only.csv" => exit 1, "S009" at ":1\n";
    no_recognised_column: "no-recognised-column.csv" => exit 1, "S001" at ":1\n";
    a_truncated_workbook: "truncated.xlsx" => exit 2, "S008" at "\n";
    a_csv_renamed_to_xlsx: "csv-renamed.xlsx" => exit 2, "S008" at "\n";
    binary_junk: "binary-junk.csv" => exit 2, "S008" at "\n";
    a_nul_byte_in_a_cell: "nul-bytes.csv" => exit 1, "F008" at ":3:2";
    an_unbalanced_quote: "unbalanced-quote.csv" => exit 1, "S015" at ":3\n";
    invalid_bytes_for_the_encoding: "invalid-bytes.csv" => exit 1, "S007" at ":3:2";
    a_zip_bomb: "zip-bomb.xlsx" => exit 2, "S014" at "\n";
    a_cell_longer_than_the_limit: "huge-cell.csv" => exit 1, "F014" at ":2:3";
    json_elements_that_are_not_salespeople: "json-not-objects.json" => exit 2, "S008" at "\n";
    // Found by the workbook fuzzer: the workbook library panicked on it.
    a_workbook_pointing_at_text_it_lacks: "xlsx-missing-shared-string.xlsx" => exit 2, "S008" at "\n";
}

#[test]
fn every_limit_has_a_flag_that_raises_it() {
    let cases: [(&str, &[&str], &str); 5] = [
        (
            "fixtures/bc-salespeople-en.csv",
            &["--max-input-size", "1K"],
            "--max-input-size",
        ),
        (
            "fixtures/bc-salespeople-en.xlsx",
            &["--max-sheet-size", "1K"],
            "--max-sheet-size",
        ),
        (
            "fixtures/bc-salespeople-en.csv",
            &["--max-rows", "10"],
            "--max-rows",
        ),
        (
            "fixtures/bc-salespeople-en.csv",
            &["--max-columns", "5"],
            "--max-columns",
        ),
        (
            "fixtures/bc-salespeople-en.csv",
            &["--max-cell-chars", "12"],
            "--max-cell-chars",
        ),
    ];
    for (input, limit, flag) in cases {
        let limited = Run::validate(input).domain("contoso.com").args(limit).run();
        let stderr = &limited.stderr;
        assert_ne!(limited.code, 0, "{flag}: {stderr}");
        assert!(stderr.contains(flag), "the message names {flag}: {stderr}");
        // The defaults let the same file through.
        Run::validate(input)
            .domain("contoso.com")
            .run()
            .assert_exit(0);
    }
    Run::validate("fixtures/bc-salespeople-en.csv")
        .domain("contoso.com")
        .args(["--max-input-size", "lots"])
        .run()
        .assert_exit(2);
}

#[test]
fn a_file_stopped_by_a_limit_is_reported_as_such() {
    // Stopped at its first row: over the limit, and so without salespeople.
    let codes_with = |extra: &[&str]| {
        let ran = Run::validate("fixtures/bc-salespeople-en.csv")
            .domain("contoso.com")
            .report_json()
            .args(extra)
            .run();
        codes(&ran.json())
    };
    assert_eq!(codes_with(&["--max-rows", "0"]), ["S009", "S014"]);
    // A header wider than the limit: the file is refused whole, before any row.
    assert_eq!(codes_with(&["--max-columns", "5"]), ["S014"]);
}

#[test]
fn empty_header_cells_count_against_the_column_limit() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("wide.csv");
    std::fs::write(
        &path,
        format!("Code,Name{}\nS1,An Maes\n", ",".repeat(5_000)),
    )
    .unwrap();
    let ran = Run::validate(&path).domain("contoso.com").run();
    ran.assert_exit_saying(
        2,
        "error[S014]: the header (line 1) has 5002 cells, empty ones included, more than the 1000 limit",
    );
    // Trailing empty header cells within the limit are still columns nobody named, and ignored.
    std::fs::write(&path, "Code,Name,,,\nS1,An Maes\n").unwrap();
    Run::validate(&path)
        .domain("contoso.com")
        .run()
        .assert_exit(0);
}

#[test]
#[cfg_attr(
    not(target_os = "linux"),
    ignore = "needs Linux's `unshare -m` and a tmpfs mount for a small disk"
)]
fn a_full_disk_is_a_clear_error_and_leaves_nothing() {
    // A 24 KiB RAM disk in a private mount namespace: too small for all the outputs.
    let tmp = tempfile::tempdir().unwrap();
    let mount_point = tmp.path().join("small");
    std::fs::create_dir(&mount_point).unwrap();
    let dir = mount_point.display();
    let mount = format!("mount -t tmpfs -o size=24k tmpfs {dir}");
    let script = format!(
        "{mount} || exit 99; \
         {bin} convert fixtures/bc-salespeople-en.csv --domain contoso.com --out {dir}/out -q; \
         echo \"exit=$?\"; ls -A {dir}",
        bin = env!("CARGO_BIN_EXE_bc2m365"),
    );
    let test = "a_full_disk_is_a_clear_error_and_leaves_nothing";
    let output = unshare("-m", &["sh", "-c", &mount], test)
        .args(["sh", "-c", &script])
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "the small disk: {stderr}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.starts_with("exit=2\n"), "{stdout}");
    assert_eq!(
        stdout.trim_end(),
        "exit=2",
        "nothing is left on the full disk: {stdout}"
    );
    assert!(stderr.contains("No space left on device"), "{stderr}");
}

#[test]
fn typed_values_where_a_name_belongs_are_no_user_names() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("typed.csv");
    std::fs::write(
        &csv,
        "Code,Name\nS1,TRUE\nS2,#DIV/0!\nS3,45292\nS4,An Maes\n",
    )
    .unwrap();
    let json = dir.path().join("typed.json");
    std::fs::write(
        &json,
        r#"[{"code":"J1","displayName":false},{"code":"J2","displayName":12.5}]"#,
    )
    .unwrap();
    for (input, rejected) in [(&csv, 3), (&json, 2)] {
        let ran = Run::validate(input)
            .domain("contoso.com")
            .report_json()
            .run();
        ran.assert_exit(1);
        let report = ran.json();
        assert_eq!(
            report["summary"]["rejected"],
            rejected,
            "{}",
            input.display()
        );
        let f016 = codes(&report).iter().filter(|c| *c == "F016").count();
        assert_eq!(f016, rejected, "{}", input.display());
    }
}

#[test]
fn invisible_characters_of_every_kind_are_refused_in_names() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("spoof.csv");
    // Hangul fillers, the blank Braille pattern, the combining grapheme joiner, a variation selector, a
    // tag character: each shows as nothing, or as a space that is none.
    let hidden = [
        '\u{3164}',
        '\u{115F}',
        '\u{2800}',
        '\u{034F}',
        '\u{FE0F}',
        '\u{E0041}',
        '\u{FFA0}',
    ];
    let mut text = String::from("Code,Name\n");
    for (i, c) in hidden.iter().enumerate() {
        text.push_str(&format!("S{i},An{c} Maes\n"));
    }
    text.push_str("OK,Zoë Maes\n");
    std::fs::write(&path, text).unwrap();
    let report = Run::validate(&path)
        .domain("contoso.com")
        .report_json()
        .run()
        .json();
    assert_eq!(report["summary"]["rejected"], hidden.len());
    let f008 = codes(&report).iter().filter(|c| *c == "F008").count();
    assert_eq!(f008, hidden.len());
}

/// The address space a run on a hostile input may take: past it an allocation fails, so a reader that
/// expands what a file claims fails its test instead of taking the machine.
const HOSTILE_MEMORY_MIB: u64 = 256;

/// A hostile input of `fixtures/bad/` (made by `fixtures/make/hostile_fixtures.py`), converted under the
/// memory cap.
fn hostile(name: &str) -> Run {
    Run::convert(format!("fixtures/bad/{name}"))
        .domain("contoso.com")
        .memory_cap(HOSTILE_MEMORY_MIB)
}

/// The input is refused whole (exit 2) with `code` saying `says`, nothing is written, and validate agrees.
fn refused(name: &str, extra: &[&str], code: &str, says: &str) {
    let ran = hostile(name).args(extra).run();
    ran.assert_exit(2);
    let stderr = &ran.stderr;
    assert!(
        stderr.contains(&format!("error[{code}]: {says}")),
        "{name}: {stderr}"
    );
    assert!(ran.written().is_empty(), "{name}: {:?}", ran.written());
    Run::validate(format!("fixtures/bad/{name}"))
        .domain("contoso.com")
        .args(extra)
        .memory_cap(HOSTILE_MEMORY_MIB)
        .run()
        .assert_exit_saying(2, says);
}

#[test]
fn a_workbook_cell_past_a_limit_stops_the_read_at_that_cell() {
    refused(
        "sparse-last-cell.xlsx",
        &[],
        "S014",
        "sheet \"Salespeople\", cell XFD1048576 is in column 16384, past the 1000 column limit",
    );
    refused(
        "sparse-wide-header.xlsx",
        &[],
        "S014",
        "sheet \"Salespeople\", cell XFD1 is in column 16384, past the 1000 column limit",
    );
    refused(
        "sparse-inside-limits.xlsx",
        &["--max-rows", "10"],
        "S014",
        "sheet \"Salespeople\", cell ALL1048576 is 1048575 rows after the header, past the 10 row limit",
    );
    // One long shared text used by 2,000 rows: refused as the shared strings inflate, before the workbook
    // library holds them whole (a string of a gigabyte would take that much memory there).
    refused(
        "shared-string-too-long.xlsx",
        &[],
        "S014",
        "xl/sharedStrings.xml: shared string 1 has more than 32767 characters, the cell limit",
    );
}

#[test]
fn a_far_cell_inside_every_limit_is_read_as_the_empty_rows_before_it() {
    // validate, as convert's review of a million skipped rows takes a while in a debug build.
    let ran = Run::validate("fixtures/bad/sparse-inside-limits.xlsx")
        .domain("contoso.com")
        .memory_cap(HOSTILE_MEMORY_MIB)
        .run();
    ran.assert_exit_saying(
        0,
        "1048575 rows in 1 file: 1 valid, 1048574 skipped (1048573 of them empty, 1 not salespeople)",
    );
}

#[test]
fn repeat_counts_of_an_opendocument_sheet_are_added_up_before_they_are_expanded() {
    refused(
        "ods-rows-repeated.ods",
        &[],
        "S014",
        "sheet \"Salespeople\" has 1000000002 filled rows, more than the 2000000 row limit",
    );
    refused(
        "ods-columns-repeated.ods",
        &[],
        "S014",
        "sheet \"Salespeople\" has a filled cell in column 1000000001, past the 1000 column limit",
    );
    refused(
        "ods-grid-repeated.ods",
        &[],
        "S008",
        "cannot be read as a workbook: up to sheet \"Salespeople\", its repeated rows and columns would make more than 2000000 cells",
    );
}

#[test]
fn a_workbook_part_is_counted_as_it_inflates_not_as_its_directory_says() {
    refused(
        "zip-declares-small.xlsx",
        &[],
        "S008",
        "cannot be read as a workbook: xl/worksheets/sheet1.xml does not unpack: File is larger than its declared uncompressed size",
    );
    refused(
        "zip-bomb.xlsx",
        &["--max-sheet-size", "1M"],
        "S014",
        "xl/worksheets/sheet1.xml unpacks to",
    );
}

#[test]
fn salespeople_on_several_sheets_stop_the_run_naming_the_sheets_and_the_choice() {
    refused(
        "two-sheets.xlsx",
        &[],
        "S008",
        "cannot be read as a workbook: 2 sheets have a salesperson header (\"Belgium\", \"Netherlands\"), and one run reads one sheet of a workbook",
    );
    for (sheet, people) in [("Belgium", 2), ("Netherlands", 3)] {
        let ran = hostile("two-sheets.xlsx").args(["--sheet", sheet]).run();
        ran.assert_exit(0);
        assert_eq!(ran.import("m365-users.csv").len(), people, "{sheet}");
    }
}

#[test]
fn a_csv_of_two_encodings_is_refused_at_the_first_line_where_they_disagree() {
    refused(
        "mixed-encodings.csv",
        &[],
        "S008",
        "cannot be read as CSV: line 2 holds \"ë\" in UTF-8, but the file reads as windows-1252: two encodings in one file",
    );
    // Read as UTF-8, the Windows-1252 row is the one refused.
    hostile("mixed-encodings.csv")
        .args(["--encoding", "utf-8"])
        .run()
        .assert_exit_saying(1, "error[S007]")
        .assert_exit_saying(1, "fixtures/bad/mixed-encodings.csv:3:2");
    // Past the first bytes, where the encoding was decided: the read stops there, and nothing is written.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("late.csv");
    let mut bytes = b"Code;Name\r\nJW;J\xfcrgen Wouters\r\n".to_vec();
    for i in 0..5_000 {
        bytes.extend(format!("S{i};Verkoper {i}\r\n").as_bytes());
    }
    bytes.extend(b"ZP;Zo\xc3\xab Peeters\r\n");
    std::fs::write(&path, bytes).unwrap();
    let ran = Run::convert(&path)
        .domain("contoso.com")
        .memory_cap(HOSTILE_MEMORY_MIB)
        .run();
    ran.assert_exit_saying(2, "line 5003 holds \"ë\" in UTF-8");
    assert!(ran.written().is_empty(), "{:?}", ran.written());
}

#[test]
fn json_is_read_object_by_object_within_the_limits() {
    refused(
        "json-duplicate-keys.json",
        &[],
        "S008",
        "cannot be read as JSON: element 2: \"displayName\" is given twice (which value holds?)",
    );
    refused(
        "json-a-key-per-object.json",
        &[],
        "S014",
        "element 1000 brings the property names to 1001, more than the 1000 column limit",
    );
    refused(
        "json-many-empty-objects.json",
        &["--max-rows", "1000"],
        "S014",
        "the array has more than 1000 salespeople",
    );
}

#[test]
fn look_alike_names_and_domains_are_found_by_their_skeleton() {
    // A run that writes its outputs runs more threads, whose allocator reserves address space it never
    // touches: under a 256 MiB address-space cap it can fail to allocate (README, "What is bounded").
    let ran = Run::convert("fixtures/bad/look-alikes.csv")
        .domain("cronus.be")
        .report_json()
        .memory_cap(1024)
        .run();
    ran.assert_exit(1);
    let report = ran.json();
    let found: Vec<(String, u64)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| matches!(d["code"].as_str(), Some("D005" | "F019")))
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["row"].as_u64().unwrap(),
            )
        })
        .collect();
    // The Cyrillic "А" of row 3 and the Cyrillic "о" of row 4; Ben Srnith (Latin letters only) is no spoof.
    assert_eq!(found, [("D005".to_string(), 3), ("F019".to_string(), 4)]);
    let messages = report.to_string();
    assert!(
        messages.contains("written with other letters: \\\"А\\\" (U+0410)"),
        "{messages}"
    );
    assert!(
        messages.contains("which only looks like the verified cronus.be"),
        "{messages}"
    );
    assert_eq!(
        ran.written(),
        ["review.xlsx"],
        "only the review after errors"
    );
}

#[test]
fn an_excel_97_workbook_is_refused_before_its_sheets_are_built_whole() {
    for name in ["xls-far-cell.xls", "xls-far-cell-small.xls"] {
        refused(
            name,
            &[],
            "S008",
            "cannot be read as a workbook: up to sheet \"Salespeople\", its cells span grids of more than 2000000 cells",
        );
    }
    refused(
        "xls-far-cell.xls",
        &["--max-rows", "10"],
        "S014",
        "sheet \"Salespeople\" spans 65536 rows, more than the 10 row limit",
    );
}

#[test]
fn more_sheets_than_are_looked_at_need_the_sheet_named() {
    refused(
        "many-sheets.xlsx",
        &[],
        "S008",
        "cannot be read as a workbook: it has 1001 sheets, more than the 1000 looked at for salespeople",
    );
    let ran = hostile("many-sheets.xlsx")
        .args(["--sheet", "Salespeople"])
        .run();
    ran.assert_exit(0);
    assert_eq!(ran.import("m365-users.csv").len(), 1);
}

#[test]
fn a_control_character_in_a_header_cell_is_refused_not_read_around() {
    // No memory cap: this run writes its review, and the file is no memory hazard.
    let ran = Run::convert("fixtures/bad/header-nul.csv")
        .domain("contoso.com")
        .run();
    ran.assert_exit_saying(
        1,
        "error[S020]: column 2 header \"Na\u{2400}me\" holds a control character",
    );
    // Read around the NUL, the header would have been a Name column and the row a new user.
    assert_eq!(ran.written(), ["review.xlsx"]);
    // No --map line can name it: the note says to retype it.
    ran.assert_exit_saying(1, "holds the Name, rename it to \"Name\"");
}

#[test]
fn more_domains_than_a_tenant_holds_are_a_usage_error_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("bc2m365.toml");
    let domains: Vec<String> = (0..1_000_000)
        .map(|i| format!("\"d{i}.example.com\""))
        .collect();
    std::fs::write(&config, format!("domains = [{}]\n", domains.join(","))).unwrap();
    let ran = Run::validate("fixtures/bc-salespeople-en.csv")
        .args(["--config", config.to_str().unwrap()])
        .memory_cap(1024)
        .run();
    ran.assert_exit_saying(2, "more than 5000 domains were given");
    // The most a tenant holds is taken.
    let domains: Vec<String> = std::iter::once("\"contoso.com\"".to_string())
        .chain((1..5000).map(|i| format!("\"d{i}.example.com\"")))
        .collect();
    std::fs::write(&config, format!("domains = [{}]\n", domains.join(","))).unwrap();
    Run::validate("fixtures/bc-salespeople-en.csv")
        .args(["--config", config.to_str().unwrap()])
        .run()
        .assert_exit(0);
}
