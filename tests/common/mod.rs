//! Shared helpers for the integration tests: the binary run as a test states it ([`Run`]), whole outputs
//! compared with `fixtures/expected/`, workbooks compared by their cells, the independent import checker,
//! and the machine capabilities some tests need.
#![allow(dead_code)]

use std::ffi::{OsStr, OsString};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use calamine::{open_workbook_auto, Data, Reader};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The binary, run from the repository root (so fixture paths in messages are relative and stable), for
/// the tests that spawn it and talk to it while it runs.
pub fn bc2m365() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_bc2m365"));
    command.current_dir(root()).env("NO_COLOR", "1");
    command
}

/// Where a run's `--out` points.
enum Out {
    /// A fresh folder, `out` in a temporary folder the [`Ran`] keeps until it is dropped.
    Fresh,
    At(PathBuf),
    /// No `--out` argument.
    Not,
}

/// One run of the binary, stated as a test states it:
///
/// ```ignore
/// let ran = Run::convert("fixtures/bc-salespeople-en.csv").domain("contoso.com").arg("--strict").run();
/// ran.assert_exit(1);
/// assert_eq!(ran.written(), ["review.xlsx"]);
/// ```
///
/// It runs from the repository root with `NO_COLOR=1`, so fixture paths stay relative and reports stable.
/// `convert` writes into a fresh folder unless [`Run::out`] names one.
pub struct Run {
    global: Vec<OsString>,
    args: Vec<OsString>,
    out: Out,
    cwd: PathBuf,
    env: Vec<(OsString, Option<OsString>)>,
    stdin: Option<Vec<u8>>,
    /// The address space the run may take, in KiB (`ulimit -v`), so a regression fails instead of
    /// taking the machine.
    memory_cap: Option<u64>,
}

impl Run {
    /// Any command line, e.g. `Run::new(["explain", "S013"])`.
    pub fn new<I, S>(args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        Run {
            global: Vec::new(),
            args: args.into_iter().map(|a| a.as_ref().to_owned()).collect(),
            out: Out::Not,
            cwd: root(),
            env: Vec::new(),
            stdin: None,
            memory_cap: None,
        }
    }

    /// `convert INPUT --out <a fresh folder>`.
    pub fn convert(input: impl AsRef<OsStr>) -> Run {
        Run {
            out: Out::Fresh,
            ..Run::new([OsStr::new("convert"), input.as_ref()])
        }
    }

    /// `validate INPUT`.
    pub fn validate(input: impl AsRef<OsStr>) -> Run {
        Run::new([OsStr::new("validate"), input.as_ref()])
    }

    /// One more input file.
    pub fn input(self, input: impl AsRef<OsStr>) -> Run {
        self.arg(input)
    }

    /// `--domain DOMAIN`.
    pub fn domain(self, domain: &str) -> Run {
        self.args(["--domain", domain])
    }

    /// `--report json`: the report goes to stdout as JSON ([`Ran::json`]).
    pub fn report_json(self) -> Run {
        self.args(["--report", "json"])
    }

    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> Run {
        self.args.push(arg.as_ref().to_owned());
        self
    }

    pub fn args<I, S>(mut self, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.args
            .extend(args.into_iter().map(|a| a.as_ref().to_owned()));
        self
    }

    /// An option given before the command, as in `bc2m365 -q convert ...`.
    pub fn global(mut self, arg: &str) -> Run {
        self.global.push(arg.into());
        self
    }

    /// `--out DIR`, instead of a fresh folder.
    pub fn out(mut self, dir: impl AsRef<Path>) -> Run {
        self.out = Out::At(dir.as_ref().to_owned());
        self
    }

    /// No `--out` at all: the run writes where the command writes by default (relative to [`Run::cwd`]).
    pub fn without_out(mut self) -> Run {
        self.out = Out::Not;
        self
    }

    /// Runs in `dir` instead of the repository root.
    pub fn cwd(mut self, dir: impl AsRef<Path>) -> Run {
        self.cwd = dir.as_ref().to_owned();
        self
    }

    pub fn env(mut self, key: &str, value: &str) -> Run {
        self.env.push((key.into(), Some(value.into())));
        self
    }

    pub fn env_remove(mut self, key: &str) -> Run {
        self.env.push((key.into(), None));
        self
    }

    /// Feeds these bytes to the binary's standard input (otherwise it reads nothing).
    pub fn stdin(mut self, bytes: impl Into<Vec<u8>>) -> Run {
        self.stdin = Some(bytes.into());
        self
    }

    /// Runs the binary with at most `mib` MiB of address space (`ulimit -v` in `sh`): past it, an
    /// allocation fails and the run ends with an error instead of taking the machine.
    pub fn memory_cap(mut self, mib: u64) -> Run {
        self.memory_cap = Some(mib * 1024);
        self
    }

    fn build(&self, out: Option<&Path>) -> Command {
        let mut command = match self.memory_cap {
            Some(kib) => {
                let mut shell = Command::new("sh");
                shell
                    .env("NO_COLOR", "1")
                    .arg("-c")
                    .arg(format!("ulimit -v {kib} && exec \"$0\" \"$@\""))
                    .arg(env!("CARGO_BIN_EXE_bc2m365"));
                shell
            }
            None => bc2m365(),
        };
        command
            .current_dir(&self.cwd)
            .args(&self.global)
            .args(&self.args);
        if let Some(out) = out {
            command.arg("--out").arg(out);
        }
        for (key, value) in &self.env {
            match value {
                Some(value) => command.env(key, value),
                None => command.env_remove(key),
            };
        }
        command
    }

    /// The command line as a [`Command`], for a test that spawns it; `--out` must be named.
    pub fn command(&self) -> Command {
        match &self.out {
            Out::Fresh => panic!("name the output folder with .out() to build a Command"),
            Out::At(dir) => self.build(Some(dir)),
            Out::Not => self.build(None),
        }
    }

    /// Runs it to the end: the exit code, stdout, stderr and the output folder.
    pub fn run(self) -> Ran {
        let (tmp, out) = match &self.out {
            Out::Fresh => {
                let tmp = tempfile::tempdir().unwrap();
                let out = tmp.path().join("out");
                (Some(tmp), Some(out))
            }
            Out::At(dir) => (None, Some(dir.clone())),
            Out::Not => (None, None),
        };
        let mut command = self.build(out.as_deref());
        command
            .stdin(if self.stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command.spawn().expect("the binary runs");
        if let Some(bytes) = &self.stdin {
            child.stdin.take().unwrap().write_all(bytes).unwrap();
        }
        let output = child.wait_with_output().unwrap();
        let replay = self.replay();
        // Every manifest a test writes follows the schema in the repository.
        if let Some(manifest) = out.as_ref().map(|o| o.join("manifest.json")) {
            if manifest.is_file() {
                check_manifest(&manifest);
            }
        }
        Ran {
            code: output
                .status
                .code()
                .unwrap_or_else(|| panic!("killed by a signal: {:?}", output.status)),
            stdout: output.stdout,
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            out,
            _tmp: tmp,
            replay,
        }
    }

    /// This run as another build of the binary can repeat it (see [`Ran::record_case`]), or why it cannot.
    fn replay(&self) -> serde_json::Value {
        let cannot = if self.stdin.is_some() {
            Some("it reads stdin")
        } else if self.cwd != root() {
            Some("it runs outside the repository root")
        } else if matches!(self.out, Out::At(_)) {
            Some("it writes into a folder the test prepared")
        } else if self
            .global
            .iter()
            .chain(&self.args)
            .any(|a| a.to_str().is_none() || Path::new(a).is_absolute())
        {
            Some("an argument is a temporary path")
        } else {
            None
        };
        let text = |a: &OsString| a.to_string_lossy().into_owned();
        let env: serde_json::Map<String, serde_json::Value> = self
            .env
            .iter()
            .map(|(k, v)| (text(k), v.as_ref().map(text).into()))
            .collect();
        serde_json::json!({
            "args": self.global.iter().chain(&self.args).map(text).collect::<Vec<_>>(),
            "env": env,
            "out": matches!(self.out, Out::Fresh),
            "cannot": cannot,
        })
    }
}

/// What a [`Run`] gave: its exit code, stdout and stderr, and its output folder (kept while this lives).
pub struct Ran {
    pub code: i32,
    pub stdout: Vec<u8>,
    pub stderr: String,
    out: Option<PathBuf>,
    _tmp: Option<tempfile::TempDir>,
    /// The command line, for [`Ran::record_case`].
    replay: serde_json::Value,
}

impl Ran {
    /// The `--out` folder.
    pub fn out(&self) -> &Path {
        self.out.as_deref().expect("a run with --out")
    }

    /// A file in the `--out` folder.
    pub fn path(&self, name: &str) -> PathBuf {
        self.out().join(name)
    }

    /// The `--out` folder, if the run had one.
    pub fn out_dir(&self) -> Option<&Path> {
        self.out.as_deref()
    }

    pub fn stdout_text(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }

    /// The text report: stderr, with the `--out` folder written `<OUT>` so it is the same on every run.
    pub fn report(&self) -> String {
        match &self.out {
            Some(out) => self.stderr.replace(out.to_str().unwrap(), "<OUT>"),
            None => self.stderr.clone(),
        }
    }

    /// The JSON report on stdout (`--report json`).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "the JSON report: {e}\n{}\n{}",
                self.stdout_text(),
                self.stderr
            )
        })
    }

    /// Asserts the exit code, showing stderr if it is another.
    pub fn assert_exit(&self, code: i32) -> &Ran {
        assert_eq!(self.code, code, "{}", self.stderr);
        self
    }

    /// Asserts the exit code and that stderr says `message`.
    pub fn assert_exit_saying(&self, code: i32, message: &str) -> &Ran {
        self.assert_exit(code);
        assert!(self.stderr.contains(message), "{}", self.stderr);
        self
    }

    /// The names of the files in the `--out` folder, sorted; none if it was not made.
    pub fn written(&self) -> Vec<String> {
        let out = self.out();
        if !out.exists() {
            return Vec::new();
        }
        folder_contents(out).into_iter().map(|(n, _)| n).collect()
    }

    /// Every file in the `--out` folder, by name, with its bytes.
    pub fn contents(&self) -> Vec<(String, Vec<u8>)> {
        folder_contents(self.out())
    }

    pub fn read(&self, name: &str) -> Vec<u8> {
        std::fs::read(self.path(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
    }

    pub fn manifest(&self) -> serde_json::Value {
        serde_json::from_slice(&self.read("manifest.json")).unwrap()
    }

    /// The rows of an import file (or of rejected.csv) in `--out`, header excluded.
    pub fn import(&self, name: &str) -> Vec<Vec<String>> {
        read_import(&self.path(name))
    }

    /// The import files in `--out` (m365-users*.csv), by name, with their bytes.
    pub fn import_files(&self) -> Vec<(String, Vec<u8>)> {
        self.contents()
            .into_iter()
            .filter(|(name, _)| name.starts_with("m365-users"))
            .collect()
    }

    /// Compares the exit code, the text report with `fixtures/expected/<case>/stderr.txt`, and the outputs
    /// as [`Ran::expect_outputs`] does.
    pub fn expect_case(&self, case: &str, exit: i32) -> &Ran {
        let expected = Path::new("fixtures/expected").join(case);
        assert_matches_expected(&expected.join("stderr.txt"), self.report().as_bytes());
        self.expect_outputs(case, exit)
    }

    /// Compares the exit code and the outputs with `fixtures/expected/<case>/`, not the report (for the
    /// cases whose report is a snapshot in tests/reports.rs): after success the same files, each byte for
    /// byte, and review.xlsx by its cells where the case has one; after errors, at most review.xlsx may
    /// have been written.
    pub fn expect_outputs(&self, case: &str, exit: i32) -> &Ran {
        self.record_case(case);
        self.assert_exit(exit);
        let expected = Path::new("fixtures/expected").join(case);
        let written = if self.out().exists() {
            self.contents()
        } else {
            Vec::new()
        };
        if exit == 0 {
            if !blessing() {
                // Every expected output is still written (review.xlsx is expected for some cases only).
                let mut wanted: Vec<String> = std::fs::read_dir(root().join(&expected))
                    .unwrap()
                    .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                    .filter(|n| n != "stderr.txt")
                    .collect();
                wanted.sort();
                let mut got: Vec<String> = written.iter().map(|(n, _)| n.clone()).collect();
                // The scripts are the same in every run: compared with their source, not kept per case.
                got.retain(|n| !n.ends_with(".ps1"));
                if !wanted.iter().any(|n| n == "review.xlsx") {
                    got.retain(|n| n != "review.xlsx");
                }
                assert_eq!(got, wanted, "{}: the files written", expected.display());
            }
            for (name, bytes) in written {
                if name.ends_with(".ps1") {
                    let source = root().join("src/manifest/scripts").join(&name);
                    let wanted = std::fs::read(&source).unwrap();
                    assert!(wanted == bytes, "{name} differs from {}", source.display());
                } else if name == "review.xlsx" {
                    assert_same_workbook(&expected.join(&name), &self.path(&name));
                } else if name.starts_with("coupling-") && name.ends_with(".xlsx") {
                    // A coupling package is compared by its cells too, and every case keeps its own.
                    if blessing() {
                        std::fs::copy(self.path(&name), root().join(&expected).join(&name))
                            .unwrap();
                    }
                    assert_same_workbook(&expected.join(&name), &self.path(&name));
                } else {
                    assert_matches_expected(&expected.join(&name), &bytes);
                }
            }
        } else {
            let names: Vec<String> = written.into_iter().map(|(n, _)| n).collect();
            assert!(
                names.is_empty() || names == ["review.xlsx"],
                "after errors only the review: {names:?}"
            );
        }
        self
    }
}

impl Ran {
    /// Where `BC2M365_CASES` names a file, adds this run's command line to it (one JSON object a line):
    /// the cases whose outputs the tests compare with what is expected, which ci/windows.sh runs again
    /// with the Windows build under Wine and with this build, and compares byte for byte.
    pub fn record_case(&self, case: &str) {
        let Some(path) = std::env::var_os("BC2M365_CASES") else {
            return;
        };
        let mut line = self.replay.clone();
        line["case"] = case.into();
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .unwrap_or_else(|e| panic!("BC2M365_CASES={}: {e}", Path::new(&path).display()));
        // One write a line, so that tests running at once do not mix their lines.
        file.write_all(format!("{line}\n").as_bytes()).unwrap();
    }
}

/// The codes of a JSON report's diagnostics, in order.
pub fn codes(report: &serde_json::Value) -> Vec<String> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect()
}

fn blessing() -> bool {
    std::env::var_os("BLESS").is_some()
}

/// Compares `actual` with the expected file; `BLESS=1 cargo test` writes it instead, for review in git.
pub fn assert_matches_expected(expected: &Path, actual: &[u8]) {
    let path = root().join(expected);
    if blessing() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let wanted = std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (run `BLESS=1 cargo test` to create it)",
            path.display()
        )
    });
    if wanted != actual {
        panic!(
            "{} differs from the output.\n--- expected\n{}\n--- actual\n{}",
            path.display(),
            String::from_utf8_lossy(&wanted),
            String::from_utf8_lossy(actual)
        );
    }
}

/// One worksheet: its name, the top-left cell of its used range, and every cell's value.
#[derive(Debug, PartialEq)]
pub struct SheetCells {
    pub name: String,
    pub start: Option<(u32, u32)>,
    pub rows: Vec<Vec<Data>>,
}

/// Every sheet of a workbook, in order, with every cell's value (typed: a number is not its text).
pub fn workbook_cells(path: &Path) -> Vec<SheetCells> {
    let mut workbook =
        open_workbook_auto(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let names = workbook.sheet_names().to_vec();
    names
        .into_iter()
        .map(|name| {
            let range = workbook.worksheet_range(&name).unwrap();
            SheetCells {
                start: range.start(),
                rows: range.rows().map(<[Data]>::to_vec).collect(),
                name,
            }
        })
        .collect()
}

/// Workbooks are not byte-deterministic across rust_xlsxwriter versions, so the review is compared by its
/// sheet names and every cell's value. `BLESS=1` replaces the expected workbook where the case has one;
/// cases without one are not compared.
pub fn assert_same_workbook(expected: &Path, actual: &Path) {
    let expected = root().join(expected);
    if !expected.exists() {
        return;
    }
    if blessing() {
        std::fs::copy(actual, &expected).unwrap();
        return;
    }
    let (wanted, got) = (workbook_cells(&expected), workbook_cells(actual));
    let names = |sheets: &[SheetCells]| sheets.iter().map(|s| s.name.clone()).collect::<Vec<_>>();
    assert_eq!(
        names(&got),
        names(&wanted),
        "{}: the sheets",
        expected.display()
    );
    for (w, g) in wanted.iter().zip(&got) {
        assert_eq!(
            g.start,
            w.start,
            "{}: where sheet {:?} starts",
            expected.display(),
            w.name
        );
        let height = w.rows.len().max(g.rows.len());
        for r in 0..height {
            let (wr, gr) = (w.rows.get(r), g.rows.get(r));
            let width = wr.map_or(0, Vec::len).max(gr.map_or(0, Vec::len));
            for c in 0..width {
                let cell = |row: Option<&Vec<Data>>| row.and_then(|row| row.get(c)).cloned();
                let (top, left) = w.start.unwrap_or_default();
                assert_eq!(
                    cell(gr),
                    cell(wr),
                    "{}: sheet {:?}, cell {} (produced, expected)",
                    expected.display(),
                    w.name,
                    a1(top as usize + r, left as usize + c)
                );
            }
        }
    }
}

/// A cell's A1 name from its 0-based row and column.
fn a1(row: usize, column: usize) -> String {
    let mut letters = String::new();
    let mut n = column + 1;
    while n > 0 {
        letters.insert(0, char::from(b'A' + ((n - 1) % 26) as u8));
        n = (n - 1) / 26;
    }
    format!("{letters}{}", row + 1)
}

/// The cells of a workbook's first sheet, as text (see [`sheet_text`]).
pub fn first_sheet(path: &Path) -> Vec<Vec<String>> {
    let workbook = open_workbook_auto(path).unwrap();
    let first = workbook.sheet_names()[0].clone();
    sheet_text(path, &first)
}

/// A sheet's cells as text, as a person reads them (numbers without a trailing ".0").
pub fn sheet_text(path: &Path, name: &str) -> Vec<Vec<String>> {
    let mut workbook = open_workbook_auto(path).unwrap();
    let range = workbook.worksheet_range(name).unwrap();
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    Data::Float(f) => format!("{f}"),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

/// Runs Microsoft's documented rules, as an independent Python checker states them, over import files.
pub fn m365check(domains: &[&str], files: &[PathBuf]) -> String {
    independent_check("m365check", domains, files)
}

/// Runs `tests/support/<checker>.py`, a checker written from Microsoft's documentation and not from our
/// code, over `files`; fails the test with its findings, else gives what it printed.
pub fn independent_check(checker: &str, domains: &[&str], files: &[PathBuf]) -> String {
    let script = root().join(format!("tests/support/{checker}.py"));
    let mut command = Command::new("python3");
    command.arg(&script);
    for d in domains {
        command.args(["--domain", d]);
    }
    command.args(files);
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("python3 runs {} (install python3): {e}", script.display()));
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{checker} found problems:\n{stdout}"
    );
    stdout
}

/// Every byte a run put anywhere a person or program can read: stdout, stderr, each file in `--out` and
/// `extra` (but those whose names start with `left_out`), and each part inside the workbooks (their XML),
/// as text: what the privacy and password tests search.
pub fn everything_written(ran: &Ran, extra: &[&Path], left_out: Option<&str>) -> String {
    use std::io::Read;
    let mut text = String::from_utf8_lossy(&ran.stdout).into_owned() + &ran.stderr;
    let mut files: Vec<(String, Vec<u8>)> = match ran.out_dir() {
        Some(dir) if dir.exists() => folder_contents(dir),
        _ => Vec::new(),
    };
    for path in extra {
        files.push((path.display().to_string(), std::fs::read(path).unwrap()));
    }
    for (name, bytes) in files {
        if left_out.is_some_and(|prefix| name.starts_with(prefix)) {
            continue;
        }
        if name.ends_with(".xlsx") {
            let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
            for i in 0..archive.len() {
                let mut part = String::new();
                let mut file = archive.by_index(i).unwrap();
                file.read_to_string(&mut part).unwrap();
                text.push_str(&part);
            }
        } else {
            text.push_str(&String::from_utf8_lossy(&bytes));
        }
    }
    text
}

/// Every file in a folder, by name, with its bytes.
pub fn folder_contents(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

/// Reads an import CSV back: its rows of 16 values, header excluded.
pub fn read_import(path: &Path) -> Vec<Vec<String>> {
    let bytes = std::fs::read(path).unwrap();
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").expect("a UTF-8 BOM");
    let mut reader = csv::ReaderBuilder::new().from_reader(body);
    reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect()
}

/// A program a test cannot check its claim without. CI (Linux, as root, .ci/run) has every one; elsewhere
/// the test fails saying what to install, or how to leave it out by name, rather than passing unchecked.
pub fn require_program(program: &str, test: &str, package: &str) -> PathBuf {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(program))
            .find(|p| p.is_file())
    });
    found.unwrap_or_else(|| {
        panic!(
            "{test} needs `{program}` ({package}), which is not on PATH: install it, \
             or leave this test out with `cargo test -- --skip {test}`"
        )
    })
}

/// `unshare` with the namespace `flag` (`-n`, `-m`), as root or, failing that, as root of a new user
/// namespace (`-r`), whichever this machine allows for `probe`; the test fails, saying so, where neither is.
pub fn unshare(flag: &str, probe: &[&str], test: &str) -> Command {
    require_program("unshare", test, "util-linux");
    for prefix in [&[flag][..], &["-r", flag]] {
        let works = Command::new("unshare")
            .args(prefix)
            .args(probe)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if works {
            let mut command = Command::new("unshare");
            command.args(prefix);
            return command;
        }
    }
    panic!(
        "{test} needs `unshare {flag}` (run as root, as CI does, or with user namespaces allowed), which this \
         machine refuses for {probe:?}; leave this test out with `cargo test -- --skip {test}`"
    )
}

/// The manifest's JSON Schema, `schema/manifest.schema.json`, compiled once.
fn manifest_schema() -> &'static (boon::Schemas, boon::SchemaIndex) {
    static SCHEMA: std::sync::OnceLock<(boon::Schemas, boon::SchemaIndex)> =
        std::sync::OnceLock::new();
    SCHEMA.get_or_init(|| {
        let text = std::fs::read_to_string(root().join("schema/manifest.schema.json")).unwrap();
        let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
        let url = schema["$id"].as_str().unwrap().to_string();
        let mut schemas = boon::Schemas::new();
        let mut compiler = boon::Compiler::new();
        compiler.add_resource(&url, schema).unwrap();
        let index = compiler.compile(&url, &mut schemas).unwrap();
        (schemas, index)
    })
}

/// How a manifest breaks the schema, if it does.
pub fn manifest_violations(manifest: &serde_json::Value) -> Option<String> {
    let (schemas, index) = manifest_schema();
    schemas
        .validate(manifest, *index)
        .err()
        .map(|error| format!("{error:#}"))
}

/// Panics, naming every violation, when the manifest at `path` does not follow the schema.
pub fn check_manifest(path: &Path) {
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    if let Some(violations) = manifest_violations(&manifest) {
        panic!(
            "{} does not follow schema/manifest.schema.json:\n{violations}",
            path.display()
        );
    }
}
