//! The command line around `convert`: help, version, template, completions, man page, colour, quiet and
//! verbose reports, stdin, and a reader that closes the pipe early.

mod common;

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};

use common::*;

fn stdout_of(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn help_lists_every_command_with_examples() {
    let output = bc2m365()
        .env("COLUMNS", "100")
        .arg("--help")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let help = stdout_of(&output);
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
    let short = stdout_of(&run(&["-h"]));
    assert!(short.len() < help.len());
    assert!(short.contains("bc2m365 --help"), "{short}");
}

#[test]
fn help_and_usage_errors_follow_the_color_option() {
    assert!(!run(&["--help"]).stdout.contains(&0x1b));
    assert!(!run(&["--color", "never", "--help"]).stdout.contains(&0x1b));
    let coloured = stdout_of(&run(&["--color", "always", "--help"]));
    assert!(
        coloured.contains("\u{1b}[1m\u{1b}[4mUsage:\u{1b}[0m"),
        "{coloured:?}"
    );
    let usage_error = run(&["--color=always", "convert"]);
    assert_eq!(usage_error.status.code(), Some(2));
    assert!(
        stderr_of(&usage_error).starts_with("\u{1b}[1m\u{1b}[31merror:\u{1b}[0m"),
        "{:?}",
        stderr_of(&usage_error)
    );
}

#[test]
fn each_command_has_its_own_help_with_examples() {
    let convert = stdout_of(&run(&["convert", "--help"]));
    assert!(convert.contains("--domain <DOMAIN>"), "{convert}");
    assert!(convert.contains("bc2m365 convert - --domain contoso.com < salespeople.csv"));
    let template = stdout_of(&run(&["template", "--help"]));
    assert!(template.contains("--legacy") && template.contains("--sample"));
    assert!(template.contains("bc2m365 template > m365-users.csv"));
    let completions = stdout_of(&run(&["completions", "--help"]));
    assert!(
        completions.contains("[possible values: bash, elvish, fish, powershell, zsh]"),
        "{completions}"
    );
}

#[test]
fn version_prints_the_package_version() {
    let output = run(&["--version"]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        stdout_of(&output),
        format!("bc2m365 {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn template_is_microsofts_header_byte_for_byte() {
    let sample = std::fs::read(root().join("fixtures/reference/m365-sample-16.csv")).unwrap();
    let header_end = sample.windows(2).position(|w| w == b"\r\n").unwrap() + 2;
    let output = run(&["template"]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(output.stdout, &sample[..header_end]);
    assert!(output
        .stdout
        .starts_with(b"\xEF\xBB\xBFUser Name,First Name,"));
    assert!(output.stderr.is_empty());

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

/// Runs a shell's own syntax check on a script, when that shell is installed.
fn syntax_check(shell: &str, flag: &str, script: &[u8]) {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("completion");
    std::fs::write(&path, script).unwrap();
    match Command::new(shell).arg(flag).arg(&path).output() {
        Ok(output) => assert!(
            output.status.success(),
            "{shell} {flag}: {}",
            String::from_utf8_lossy(&output.stderr)
        ),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            eprintln!("{shell} is not installed: its syntax check is skipped")
        }
        Err(e) => panic!("{shell}: {e}"),
    }
}

#[test]
fn completions_for_every_shell_know_the_commands_and_options() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let output = run(&["completions", shell]);
        assert_eq!(output.status.code(), Some(0), "{shell}");
        let script = stdout_of(&output);
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
        match shell {
            "bash" => syntax_check("bash", "-n", &output.stdout),
            "zsh" => syntax_check("zsh", "-n", &output.stdout),
            "fish" => syntax_check("fish", "--no-execute", &output.stdout),
            _ => {}
        }
    }
    let output = run(&["completions", "tcsh"]);
    assert_eq!(output.status.code(), Some(2));
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
    let output = Command::new("bash").arg("-c").arg(probe).output().unwrap();
    assert_eq!(
        stdout_of(&output),
        "template\n--legacy\n",
        "{}",
        stderr_of(&output)
    );
}

#[test]
fn man_prints_a_roff_page_with_every_command() {
    let output = run(&["man"]);
    assert_eq!(output.status.code(), Some(0));
    let page = stdout_of(&output);
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

    // groff, when installed, formats it without a warning (-k: the page is UTF-8, as man reads it).
    let groff = Command::new("groff")
        .args(["-k", "-man", "-Tutf8", "-ww", "-z"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn();
    if let Ok(mut groff) = groff {
        groff
            .stdin
            .take()
            .unwrap()
            .write_all(&output.stdout)
            .unwrap();
        let result = groff.wait_with_output().unwrap();
        assert!(result.status.success());
        assert_eq!(
            String::from_utf8_lossy(&result.stderr),
            "",
            "groff warnings"
        );
    }
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
    let output = Command::new("bash")
        .arg("-c")
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_bc2m365"))
        .output()
        .expect("bash runs");
    assert_eq!(
        stderr_of(&output),
        "man: exit 0\ncompletions zsh: exit 0\ntemplate: exit 0\ntemplate --sample --legacy: exit 0\n"
    );
}

#[test]
fn other_write_errors_on_stdout_exit_2() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        eprintln!("no /dev/full: skipped");
        return;
    };
    let output = bc2m365().arg("man").stdout(full).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr_of(&output),
        "error: <stdout>: No space left on device (os error 28)\n"
    );
}

#[test]
fn no_color_and_pipes_get_no_colour_unless_asked() {
    let args = [
        "convert",
        "fixtures/bc-salespeople-en.csv",
        "--domain",
        "contoso.com",
        "--out",
    ];
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let out = out.to_str().unwrap();

    // The common runner sets NO_COLOR and captures stderr: no escape codes.
    let plain = run(&[&args[..], &[out, "--force"]].concat());
    assert!(!plain.stderr.contains(&0x1b));
    // Not a terminal, NO_COLOR unset: still none.
    let piped = bc2m365()
        .env_remove("NO_COLOR")
        .args(args)
        .args([out, "--force"])
        .output()
        .unwrap();
    assert!(!piped.stderr.contains(&0x1b));
    assert_eq!(plain.stderr, piped.stderr);
    // --color always colours the labels and codes, even with NO_COLOR set, and nothing else changes.
    let coloured = run(&[&args[..], &[out, "--force", "--color", "always"]].concat());
    let text = stderr_of(&coloured);
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
    assert_eq!(stripped, stderr_of(&plain));
    let never = run(&[&args[..], &[out, "--force", "--color", "never"]].concat());
    assert_eq!(never.stderr, plain.stderr);

    // Errors that stop the run are labelled the same way.
    let scratch = tempfile::tempdir().unwrap();
    let missing = run(&[
        "convert",
        "fixtures/bc-salespeople-en.xlsx",
        "--sheet",
        "Nope",
        "--domain",
        "contoso.com",
        "--color",
        "always",
        "--out",
        scratch.path().join("out").to_str().unwrap(),
    ]);
    assert!(
        stderr_of(&missing)
            .starts_with("\u{1b}[1m\u{1b}[31merror\u{1b}[0m: fixtures/bc-salespeople-en.xlsx: "),
        "{:?}",
        stderr_of(&missing)
    );
}

/// Runs the binary with stderr on a pseudo-terminal (util-linux `script`), to see what a person sees.
fn on_a_terminal(no_color: Option<&str>) -> Option<String> {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let command_line = format!(
        "{} convert fixtures/bc-salespeople-mistakes.csv --domain contoso.com --out {}",
        env!("CARGO_BIN_EXE_bc2m365"),
        out.display()
    );
    let mut script = Command::new("script");
    script
        .args(["-q", "-e", "-c", &command_line, "/dev/null"])
        .current_dir(root())
        .env_remove("NO_COLOR")
        .stdin(Stdio::null());
    if let Some(value) = no_color {
        script.env("NO_COLOR", value);
    }
    match script.output() {
        Ok(output) => Some(String::from_utf8_lossy(&output.stdout).into_owned()),
        Err(_) => None,
    }
}

#[test]
fn a_terminal_gets_colour_unless_no_color_is_set() {
    let Some(coloured) = on_a_terminal(None) else {
        eprintln!("`script` is not installed: the terminal test is skipped");
        return;
    };
    assert!(
        coloured.contains("\u{1b}[1m\u{1b}[31merror[D001]\u{1b}[0m"),
        "{coloured:?}"
    );
    let plain = on_a_terminal(Some("1")).unwrap();
    assert!(plain.contains("error[D001]"), "{plain:?}");
    assert!(!plain.contains('\u{1b}'), "{plain:?}");
    // An empty NO_COLOR does not count (no-color.org).
    let empty = on_a_terminal(Some("")).unwrap();
    assert!(empty.contains('\u{1b}'), "{empty:?}");
}

#[test]
fn quiet_reports_only_errors_and_the_summary() {
    let scratch = tempfile::tempdir().unwrap();
    let output = run(&[
        "convert",
        "fixtures/bc-salespeople-mistakes.csv",
        "--domain",
        "contoso.com",
        "--quiet",
        "--out",
        scratch.path().join("out").to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1));
    let quiet = stderr_of(&output);
    assert_matches_expected(
        Path::new("fixtures/expected/cli/mistakes-quiet.stderr.txt"),
        quiet.as_bytes(),
    );
    assert!(!quiet.contains("warning["), "{quiet}");
    assert!(quiet.contains("error[F003]"), "{quiet}");

    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let output = run(&[
        "-q",
        "convert",
        "fixtures/bc-salespeople-en.csv",
        "--domain",
        "contoso.com",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        stderr_of(&output),
        "15 rows in 1 file: 12 written to 1 import file, 1 already coupled, 2 skipped, 0 rejected; 0 errors, 4 warnings\n"
    );
    assert!(out.join("m365-users.csv").exists());

    let both = run(&["convert", "x.csv", "--domain", "contoso.com", "-q", "-v"]);
    assert_eq!(both.status.code(), Some(2));
}

#[test]
fn verbose_says_what_was_found_in_each_input() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let output = run(&[
        "convert",
        "fixtures/bc-salespeople-en.xlsx",
        "--domain",
        "contoso.com",
        "--out",
        out.to_str().unwrap(),
        "--verbose",
    ]);
    let stderr = stderr_of(&output).replace(out.to_str().unwrap(), "<OUT>");
    assert_matches_expected(
        Path::new("fixtures/expected/cli/en-xlsx-verbose.stderr.txt"),
        stderr.as_bytes(),
    );
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(stderr.starts_with(
        "fixtures/bc-salespeople-en.xlsx: workbook, sheet \"Salespersons-Purchasers\", header in row 1"
    ));
}

#[test]
fn a_dash_reads_the_csv_from_stdin() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let mut child = bc2m365()
        .args(["convert", "-", "--domain", "contoso.com", "--out"])
        .arg(&out)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let input = std::fs::read(root().join("fixtures/bc-salespeople-en.csv")).unwrap();
    child.stdin.take().unwrap().write_all(&input).unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));

    // The same report and import file as from the file, with the input named <stdin>.
    let expected =
        std::fs::read_to_string(root().join("fixtures/expected/bc-salespeople-en.csv/stderr.txt"))
            .unwrap()
            .replace("fixtures/bc-salespeople-en.csv", "<stdin>");
    assert_eq!(
        stderr_of(&output).replace(out.to_str().unwrap(), "<OUT>"),
        expected
    );
    assert_eq!(
        std::fs::read(out.join("m365-users.csv")).unwrap(),
        std::fs::read(root().join("fixtures/expected/bc-salespeople-en.csv/m365-users.csv"))
            .unwrap()
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["inputs"][0]["file"], "<stdin>");
    assert_eq!(
        manifest["inputs"][0]["sha256"],
        bc2m365::write::sha256_hex(&input)
    );
    assert_eq!(manifest["salespeople"][0]["source"]["file"], "<stdin>");
}

#[test]
fn stdin_beside_a_file_gives_what_the_two_files_give() {
    let tmp = tempfile::tempdir().unwrap();
    let (from_files, from_stdin) = (tmp.path().join("files"), tmp.path().join("stdin"));
    let first = "fixtures/bc-salespeople-en.csv";
    let second = "fixtures/bc-countries-mistakes.csv";
    let files = bc2m365()
        .args([
            "convert",
            first,
            second,
            "--domain",
            "contoso.com",
            "--keep-going",
            "--out",
        ])
        .arg(&from_files)
        .output()
        .unwrap();
    let mut child = bc2m365()
        .args([
            "convert",
            "-",
            second,
            "--domain",
            "contoso.com",
            "--keep-going",
            "--out",
        ])
        .arg(&from_stdin)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let input = std::fs::read(root().join(first)).unwrap();
    child.stdin.take().unwrap().write_all(&input).unwrap();
    let stdin = child.wait_with_output().unwrap();
    assert_eq!(
        stdin.status.code(),
        files.status.code(),
        "{}",
        stderr_of(&stdin)
    );
    assert_eq!(
        stderr_of(&stdin).replace(from_stdin.to_str().unwrap(), "<OUT>"),
        stderr_of(&files)
            .replace(from_files.to_str().unwrap(), "<OUT>")
            .replace(first, "<stdin>")
    );
    let imports = folder_contents(&from_files);
    assert!(imports
        .iter()
        .any(|(name, _)| name.starts_with("m365-users")));
    for (name, bytes) in imports.iter().filter(|(n, _)| n.starts_with("m365-users")) {
        assert_eq!(
            &std::fs::read(from_stdin.join(name)).unwrap(),
            bytes,
            "{name}"
        );
    }
}

#[test]
fn stdin_is_read_once() {
    let output = run(&["convert", "-", "-", "--domain", "contoso.com"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr_of(&output),
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
    let mut child = bc2m365()
        .args([
            "convert",
            "-",
            "--domain",
            "contoso.com",
            "--out",
            "/nonexistent/out",
        ])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let input = std::fs::read(root().join("fixtures/bc-salespeople-en.xlsx")).unwrap();
    child.stdin.take().unwrap().write_all(&input).unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr_of(&output).contains("cannot be read as CSV: it is a workbook")
            && stderr_of(&output).contains("  --> <stdin>\n"),
        "{}",
        stderr_of(&output)
    );
}
