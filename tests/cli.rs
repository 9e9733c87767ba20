//! The command line around `convert`: help, version, template, completions, man page, colour, quiet and
//! verbose reports, stdin, and a reader that closes the pipe early.
//!
//! Some tests need a program or a device of the machine (bash, groff, util-linux `script`, /dev/full); CI
//! has them all, and a test that cannot find its program fails saying so rather than passing unchecked.
//! The zsh and fish syntax checks are ignored unless asked for (`cargo test -- --ignored`): neither shell
//! is on the machine by default.

mod common;

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};

use common::*;

/// `bc2m365 ARGS` run to the end.
fn run(args: &[&str]) -> Ran {
    Run::new(args).run()
}

#[test]
fn help_lists_every_command_with_examples() {
    let ran = Run::new(["--help"]).env("COLUMNS", "100").run();
    ran.assert_exit(0);
    let help = ran.stdout_text();
    for command in ["convert", "template", "completions", "man"] {
        assert!(
            help.lines().any(|l| l.trim_start().starts_with(command)),
            "{command} missing from:\n{help}"
        );
    }
    for option in ["--quiet", "--verbose", "--color <WHEN>", "--version"] {
        assert!(help.contains(option), "{option} missing from:\n{help}");
    }
    assert!(help.contains("Examples:\n"), "{help}");
    assert!(
        help.contains("bc2m365 convert salespeople.xlsx --domain contoso.com"),
        "{help}"
    );
    assert!(help.contains("Exit codes:\n"), "{help}");
    assert!(help.contains("NO_COLOR"), "{help}");

    // -h is the short form: the examples are only in --help.
    let short = run(&["-h"]).stdout_text();
    assert!(short.len() < help.len());
    assert!(short.contains("bc2m365 --help"), "{short}");
}

#[test]
fn help_and_usage_errors_follow_the_color_option() {
    assert!(!run(&["--help"]).stdout.contains(&0x1b));
    assert!(!run(&["--color", "never", "--help"]).stdout.contains(&0x1b));
    let coloured = run(&["--color", "always", "--help"]).stdout_text();
    assert!(
        coloured.contains("\u{1b}[1m\u{1b}[4mUsage:\u{1b}[0m"),
        "{coloured:?}"
    );
    let usage_error = run(&["--color=always", "convert"]);
    usage_error.assert_exit(2);
    assert!(
        usage_error
            .stderr
            .starts_with("\u{1b}[1m\u{1b}[31merror:\u{1b}[0m"),
        "{:?}",
        usage_error.stderr
    );
}

#[test]
fn each_command_has_its_own_help_with_examples() {
    let convert = run(&["convert", "--help"]).stdout_text();
    assert!(convert.contains("--domain <DOMAIN>"), "{convert}");
    assert!(convert.contains("bc2m365 convert - --domain contoso.com < salespeople.csv"));
    let template = run(&["template", "--help"]).stdout_text();
    assert!(template.contains("--legacy") && template.contains("--sample"));
    assert!(template.contains("bc2m365 template > m365-users.csv"));
    let completions = run(&["completions", "--help"]).stdout_text();
    assert!(
        completions.contains("[possible values: bash, elvish, fish, powershell, zsh]"),
        "{completions}"
    );
}

#[test]
fn version_prints_the_package_version() {
    let ran = run(&["--version"]);
    ran.assert_exit(0);
    assert_eq!(
        ran.stdout_text(),
        format!("bc2m365 {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn template_is_microsofts_header_byte_for_byte() {
    let sample = std::fs::read(root().join("fixtures/reference/m365-sample-16.csv")).unwrap();
    let header_end = sample.windows(2).position(|w| w == b"\r\n").unwrap() + 2;
    let ran = run(&["template"]);
    ran.assert_exit(0);
    assert_eq!(ran.stdout, &sample[..header_end]);
    assert!(ran.stdout.starts_with(b"\xEF\xBB\xBFUser Name,First Name,"));
    assert!(ran.stderr.is_empty());

    let legacy =
        std::fs::read(root().join("fixtures/reference/m365-sample-15-legacy.csv")).unwrap();
    let header_end = legacy.windows(2).position(|w| w == b"\r\n").unwrap() + 2;
    assert_eq!(run(&["template", "--legacy"]).stdout, &legacy[..header_end]);
}

#[test]
fn template_sample_is_microsofts_sample_file_byte_for_byte() {
    let sample = std::fs::read(root().join("fixtures/reference/m365-sample-16.csv")).unwrap();
    assert_eq!(run(&["template", "--sample"]).stdout, sample);
    let legacy =
        std::fs::read(root().join("fixtures/reference/m365-sample-15-legacy.csv")).unwrap();
    assert_eq!(run(&["template", "--sample", "--legacy"]).stdout, legacy);
}

#[test]
fn template_sample_passes_the_independent_import_check() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("m365-users.csv");
    std::fs::write(&file, run(&["template", "--sample"]).stdout).unwrap();
    let report = m365check(&["contoso.com"], &[file]);
    assert!(
        report.starts_with("5 users checked, 0 problems"),
        "{report}"
    );
}

/// The shell's own syntax check passes on the completion script bc2m365 writes for it.
fn completion_passes_the_syntax_check_of(shell: &str, flag: &str, test: &str) {
    let program = require_program(shell, test, shell);
    let ran = run(&["completions", shell]);
    ran.assert_exit(0);
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("completion");
    std::fs::write(&path, &ran.stdout).unwrap();
    let output = Command::new(program).arg(flag).arg(&path).output().unwrap();
    assert!(
        output.status.success(),
        "{shell} {flag}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn the_bash_completion_is_valid_bash() {
    completion_passes_the_syntax_check_of("bash", "-n", "the_bash_completion_is_valid_bash");
}

#[test]
#[ignore = "needs zsh, not on the machine by default (apt-get install zsh); run with `cargo test -- --ignored`"]
fn the_zsh_completion_is_valid_zsh() {
    completion_passes_the_syntax_check_of("zsh", "-n", "the_zsh_completion_is_valid_zsh");
}

#[test]
#[ignore = "needs fish, not on the machine by default (apt-get install fish); run with `cargo test -- --ignored`"]
fn the_fish_completion_is_valid_fish() {
    completion_passes_the_syntax_check_of(
        "fish",
        "--no-execute",
        "the_fish_completion_is_valid_fish",
    );
}

/// Where the tree-sitter PowerShell grammar finds a syntax error or a missing token in `script`, if it does.
fn powershell_syntax_error(script: &str) -> Option<String> {
    let mut parser = tree_sitter::Parser::new();
    parser
        .set_language(&tree_sitter_powershell::LANGUAGE.into())
        .unwrap();
    let tree = parser.parse(script, None).expect("the parser gives a tree");
    let mut nodes = vec![tree.root_node()];
    while let Some(node) = nodes.pop() {
        if node.is_error() || node.is_missing() {
            let at = node.start_position();
            let what = if node.is_missing() {
                "missing"
            } else {
                "error"
            };
            return Some(format!(
                "{what} {} at line {}, column {}: {:?}",
                node.kind(),
                at.row + 1,
                at.column + 1,
                &script[node.byte_range()]
            ));
        }
        let mut cursor = node.walk();
        nodes.extend(node.children(&mut cursor));
    }
    assert!(!tree.root_node().has_error());
    None
}

#[test]
fn the_powershell_completion_parses_as_powershell() {
    // The grammar does find what PowerShell would refuse.
    assert!(powershell_syntax_error("Add-Content -Path $PROFILE -Value '. (Join").is_some());
    assert!(powershell_syntax_error("if ($true) { Write-Output 1").is_some());
    let ran = run(&["completions", "powershell"]);
    ran.assert_exit(0);
    let script = ran.stdout_text();
    assert!(
        script.contains("Register-ArgumentCompleter -Native -CommandName 'bc2m365'"),
        "{script}"
    );
    if let Some(error) = powershell_syntax_error(&script) {
        panic!("the PowerShell completion: {error}\n{script}");
    }
    // The example in `completions --help` too.
    let help = run(&["completions", "--help"]).stdout_text();
    let example = help
        .lines()
        .find(|l| l.contains("completions powershell"))
        .expect("a PowerShell example");
    assert_eq!(powershell_syntax_error(example.trim()), None, "{example}");
}

/// The ```powershell blocks of README.md.
fn readme_powershell_blocks() -> Vec<String> {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    readme
        .split("```powershell\n")
        .skip(1)
        .map(|rest| rest.split("```").next().unwrap().to_string())
        .collect()
}

#[test]
fn readmes_windows_install_parses_as_powershell_and_installs_the_completion() {
    let blocks = readme_powershell_blocks();
    let all = blocks.concat();
    for step in [
        "Get-FileHash",
        "Unblock-File",
        "Expand-Archive",
        "SetEnvironmentVariable('Path'",
        "bc2m365 completions powershell",
    ] {
        assert!(all.contains(step), "README's Windows install: no {step}");
    }
    for block in &blocks {
        if let Some(error) = powershell_syntax_error(block) {
            panic!("README.md: {error}\n{block}");
        }
    }
    // The completion is written where the profile loads it from.
    let completion = blocks
        .iter()
        .find(|b| b.contains("bc2m365 completions powershell"))
        .unwrap();
    assert!(
        completion.contains("(Join-Path $profileDir 'bc2m365.ps1')"),
        "{completion}"
    );
    assert!(
        completion.contains("'. (Join-Path (Split-Path $PROFILE) bc2m365.ps1)'"),
        "{completion}"
    );
}

#[test]
fn completions_for_every_shell_know_the_commands_and_options() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let ran = run(&["completions", shell]);
        assert_eq!(ran.code, 0, "{shell}");
        let script = ran.stdout_text();
        for word in [
            "convert",
            "template",
            "completions",
            "domain",
            "legacy",
            "color",
        ] {
            assert!(script.contains(word), "{shell}: {word} missing");
        }
    }
    run(&["completions", "tcsh"]).assert_exit(2);
}

#[test]
fn bash_completion_completes_a_command_and_a_flag() {
    let script = run(&["completions", "bash"]).stdout;
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("bc2m365.bash");
    std::fs::write(&path, script).unwrap();
    // What bash does on `bc2m365 tem<TAB>` and `bc2m365 template --le<TAB>`.
    let probe = format!(
        "source {}\n\
         COMP_WORDS=(bc2m365 tem); COMP_CWORD=1; _bc2m365 bc2m365 tem bc2m365; echo \"${{COMPREPLY[*]}}\"\n\
         COMP_WORDS=(bc2m365 template --le); COMP_CWORD=2; _bc2m365 bc2m365 --le template; echo \"${{COMPREPLY[*]}}\"",
        path.display()
    );
    let bash = require_program(
        "bash",
        "bash_completion_completes_a_command_and_a_flag",
        "bash",
    );
    let output = Command::new(bash).arg("-c").arg(probe).output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "template\n--legacy\n",
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn man_prints_a_roff_page_with_every_command() {
    let ran = run(&["man"]);
    ran.assert_exit(0);
    let page = ran.stdout_text();
    assert!(
        page.contains(&format!(
            ".TH bc2m365 1  \"bc2m365 {}\"",
            env!("CARGO_PKG_VERSION")
        )),
        "{page}"
    );
    for section in [
        ".SH NAME",
        ".SH SYNOPSIS",
        ".SH OPTIONS",
        ".SH COMMANDS",
        "EXIT STATUS",
    ] {
        assert!(page.contains(section), "{section} missing");
    }
    for command in ["CONVERT", "TEMPLATE", "COMPLETIONS", "MAN"] {
        assert!(
            page.contains(&format!(".SH \"BC2M365 {command}\"")),
            "{command} missing"
        );
    }
    assert!(
        page.contains("\\-\\-domain"),
        "convert's options are on the page"
    );
}

#[test]
fn groff_formats_the_man_page_without_a_warning() {
    let groff = require_program(
        "groff",
        "groff_formats_the_man_page_without_a_warning",
        "groff-base",
    );
    let page = run(&["man"]).stdout;
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("bc2m365.1");
    std::fs::write(&path, page).unwrap();
    // -k: the page is UTF-8, as man reads it.
    let result = Command::new(groff)
        .args(["-k", "-man", "-Tutf8", "-ww", "-z"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(result.status.success());
    assert_eq!(
        String::from_utf8_lossy(&result.stderr),
        "",
        "groff warnings"
    );
}

/// Spawns the binary, reads a few bytes of its stdout and closes the pipe, as `| head -c 10` does.
fn read_a_little_and_close(args: &[&str]) -> (std::process::ExitStatus, Vec<u8>, String) {
    let mut child = bc2m365()
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut head = [0u8; 10];
    stdout.read_exact(&mut head).unwrap();
    drop(stdout);
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    (child.wait().unwrap(), head.to_vec(), stderr)
}

#[test]
fn a_reader_that_stops_early_is_not_an_error() {
    for args in [
        &["man"][..],
        &["completions", "bash"],
        &["template", "--sample"],
        &["--help"],
    ] {
        let (status, head, stderr) = read_a_little_and_close(args);
        assert_eq!(status.code(), Some(0), "{args:?}: {stderr}");
        assert_eq!(stderr, "", "{args:?}: nothing on stderr, and no panic");
        assert_eq!(head.len(), 10);
    }
}

#[test]
fn writing_into_a_closed_pipe_exits_0_without_a_message() {
    // The outputs fit in a pipe's buffer, so to be sure the write meets the closed pipe, the reader
    // (`true`) is gone before the binary starts writing.
    let script = r#"
        for args in "man" "completions zsh" "template" "template --sample --legacy"; do
            { sleep 0.3; "$0" $args; echo "$args: exit $?" >&2; } | true
        done
    "#;
    let bash = require_program(
        "bash",
        "writing_into_a_closed_pipe_exits_0_without_a_message",
        "bash",
    );
    let output = Command::new(bash)
        .arg("-c")
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_bc2m365"))
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "man: exit 0\ncompletions zsh: exit 0\ntemplate: exit 0\ntemplate --sample --legacy: exit 0\n"
    );
}

#[test]
#[cfg_attr(
    not(target_os = "linux"),
    ignore = "needs /dev/full, a device of Linux that refuses every write"
)]
fn other_write_errors_on_stdout_exit_2() {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full, which every Linux has");
    let output = bc2m365().arg("man").stdout(full).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "error: <stdout>: No space left on device (os error 28)\n"
    );
}

#[test]
fn no_color_and_pipes_get_no_colour_unless_asked() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let en = || {
        Run::convert("fixtures/bc-salespeople-en.csv")
            .domain("contoso.com")
            .out(&out)
            .arg("--force")
    };

    // The common runner sets NO_COLOR and captures stderr: no escape codes.
    let plain = en().run();
    assert!(!plain.stderr.contains('\u{1b}'));
    // Not a terminal, NO_COLOR unset: still none.
    let piped = en().env_remove("NO_COLOR").run();
    assert!(!piped.stderr.contains('\u{1b}'));
    assert_eq!(plain.stderr, piped.stderr);
    // --color always colours the labels and codes, even with NO_COLOR set, and nothing else changes.
    let coloured = en().args(["--color", "always"]).run();
    let text = &coloured.stderr;
    assert!(
        text.contains("\u{1b}[1m\u{1b}[33mwarning[F005]\u{1b}[0m: Email"),
        "{text:?}"
    );
    assert!(
        text.contains("\u{1b}[1m\u{1b}[36minfo[R001]\u{1b}[0m: "),
        "{text:?}"
    );
    let stripped = text
        .replace("\u{1b}[1m\u{1b}[33m", "")
        .replace("\u{1b}[1m\u{1b}[36m", "")
        .replace("\u{1b}[0m", "");
    assert_eq!(stripped, plain.stderr);
    let never = en().args(["--color", "never"]).run();
    assert_eq!(never.stderr, plain.stderr);

    // Errors that stop the run are labelled the same way.
    let missing = Run::convert("fixtures/bc-salespeople-en.xlsx")
        .args(["--sheet", "Nope"])
        .domain("contoso.com")
        .args(["--color", "always"])
        .run();
    assert!(
        missing
            .stderr
            .starts_with("\u{1b}[1m\u{1b}[31merror\u{1b}[0m: fixtures/bc-salespeople-en.xlsx: "),
        "{:?}",
        missing.stderr
    );
}

/// Runs the binary with stderr on a pseudo-terminal (util-linux `script`), to see what a person sees.
fn on_a_terminal(no_color: Option<&str>) -> String {
    let script = require_program(
        "script",
        "a_terminal_gets_colour_unless_no_color_is_set",
        "util-linux",
    );
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let command_line = format!(
        "{} convert fixtures/bc-salespeople-mistakes.csv --domain contoso.com --out {}",
        env!("CARGO_BIN_EXE_bc2m365"),
        out.display()
    );
    let mut script = Command::new(script);
    script
        .args(["-q", "-e", "-c", &command_line, "/dev/null"])
        .current_dir(root())
        .env_remove("NO_COLOR")
        .stdin(Stdio::null());
    if let Some(value) = no_color {
        script.env("NO_COLOR", value);
    }
    let output = script.output().unwrap();
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
#[cfg_attr(
    not(target_os = "linux"),
    ignore = "needs util-linux `script` for a pseudo-terminal"
)]
fn a_terminal_gets_colour_unless_no_color_is_set() {
    let coloured = on_a_terminal(None);
    assert!(
        coloured.contains("\u{1b}[1m\u{1b}[31merror[D001]\u{1b}[0m"),
        "{coloured:?}"
    );
    let plain = on_a_terminal(Some("1"));
    assert!(plain.contains("error[D001]"), "{plain:?}");
    assert!(!plain.contains('\u{1b}'), "{plain:?}");
    // An empty NO_COLOR does not count (no-color.org).
    let empty = on_a_terminal(Some(""));
    assert!(empty.contains('\u{1b}'), "{empty:?}");
}

#[test]
fn quiet_reports_only_errors_and_the_summary() {
    let ran = Run::convert("fixtures/bc-salespeople-mistakes.csv")
        .domain("contoso.com")
        .arg("--quiet")
        .run();
    ran.assert_exit(1);
    let quiet = ran.stderr.clone();
    assert_matches_expected(
        Path::new("fixtures/expected/cli/mistakes-quiet.stderr.txt"),
        quiet.as_bytes(),
    );
    assert!(!quiet.contains("warning["), "{quiet}");
    assert!(quiet.contains("error[F003]"), "{quiet}");

    let ran = Run::convert("fixtures/bc-salespeople-en.csv")
        .global("-q")
        .domain("contoso.com")
        .run();
    ran.assert_exit(0);
    assert_eq!(
        ran.stderr,
        "15 rows in 1 file: 12 written to 1 import file, 1 already coupled, 2 skipped, 0 rejected; 0 errors, 3 warnings\n"
    );
    assert!(ran.path("m365-users.csv").exists());

    Run::convert("x.csv")
        .domain("contoso.com")
        .args(["-q", "-v"])
        .run()
        .assert_exit(2);
}

#[test]
fn verbose_says_what_was_found_in_each_input() {
    let ran = Run::convert("fixtures/bc-salespeople-en.xlsx")
        .domain("contoso.com")
        .arg("--verbose")
        .run();
    let stderr = ran.report();
    assert_matches_expected(
        Path::new("fixtures/expected/cli/en-xlsx-verbose.stderr.txt"),
        stderr.as_bytes(),
    );
    ran.assert_exit(0);
    assert!(stderr.starts_with(
        "fixtures/bc-salespeople-en.xlsx: workbook, sheet \"Salespersons-Purchasers\", header in row 1"
    ));
}

#[test]
fn a_dash_reads_the_csv_from_stdin() {
    let input = std::fs::read(root().join("fixtures/bc-salespeople-en.csv")).unwrap();
    let ran = Run::convert("-")
        .domain("contoso.com")
        .stdin(input.clone())
        .run();
    ran.assert_exit(0);

    // The same report (a snapshot in tests/reports.rs) and import file as from the file, with the input
    // named <stdin>.
    let from_file = Run::convert("fixtures/bc-salespeople-en.csv")
        .domain("contoso.com")
        .run();
    from_file.expect_outputs("bc-salespeople-en.csv", 0);
    assert_eq!(
        ran.report(),
        from_file
            .report()
            .replace("fixtures/bc-salespeople-en.csv", "<stdin>")
            // The company is named after the input file, "stdin" for stdin.
            .replace("coupling-bc-salespeople-en.xlsx", "coupling-stdin.xlsx")
    );
    assert_eq!(
        ran.read("m365-users.csv"),
        std::fs::read(root().join("fixtures/expected/bc-salespeople-en.csv/m365-users.csv"))
            .unwrap()
    );
    let manifest = ran.manifest();
    assert_eq!(manifest["inputs"][0]["file"], "<stdin>");
    assert_eq!(
        manifest["inputs"][0]["sha256"],
        bc2m365::write::sha256_hex(&input)
    );
    assert_eq!(manifest["salespeople"][0]["source"]["file"], "<stdin>");
}

#[test]
fn stdin_beside_a_file_gives_what_the_two_files_give() {
    let first = "fixtures/bc-salespeople-en.csv";
    let second = "fixtures/bc-countries-mistakes.csv";
    let files = Run::convert(first)
        .input(second)
        .domain("contoso.com")
        .arg("--keep-going")
        .run();
    let stdin = Run::convert("-")
        .input(second)
        .domain("contoso.com")
        .arg("--keep-going")
        .arg("--company=-=bc-salespeople-en")
        .stdin(std::fs::read(root().join(first)).unwrap())
        .run();
    assert_eq!(stdin.code, files.code, "{}", stdin.stderr);
    assert_eq!(stdin.report(), files.report().replace(first, "<stdin>"));
    let imports = files.import_files();
    assert!(!imports.is_empty());
    for (name, bytes) in &imports {
        assert_eq!(&stdin.read(name), bytes, "{name}");
    }
}

#[test]
fn stdin_is_read_once() {
    let ran = Run::convert("-").input("-").domain("contoso.com").run();
    ran.assert_exit(2);
    assert_eq!(
        ran.stderr,
        "error: - (stdin) can be given only once as an input\n"
    );
}

#[test]
fn the_readme_documents_every_command_and_option() {
    use clap::CommandFactory;
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let command = bc2m365::cli::Cli::command();
    let mut missing = Vec::new();
    for sub in command.get_subcommands() {
        if !readme.contains(&format!("`{}", sub.get_name())) {
            missing.push(format!("command {}", sub.get_name()));
        }
        for arg in sub.get_arguments() {
            if let Some(long) = arg.get_long() {
                if !readme.contains(&format!("`--{long}")) && long != "help" {
                    missing.push(format!("{} --{long}", sub.get_name()));
                }
            }
        }
    }
    for arg in command.get_arguments() {
        if let Some(long) = arg.get_long() {
            if !readme.contains(&format!("--{long}")) {
                missing.push(format!("--{long}"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "README.md does not document: {missing:?}"
    );
}

#[test]
fn a_workbook_on_stdin_is_refused_with_help() {
    Run::convert("-")
        .domain("contoso.com")
        .out("/nonexistent/out")
        .stdin(std::fs::read(root().join("fixtures/bc-salespeople-en.xlsx")).unwrap())
        .run()
        .assert_exit_saying(2, "cannot be read as CSV: it is a workbook")
        .assert_exit_saying(2, "  --> <stdin>\n");
}
