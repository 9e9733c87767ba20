//! The layout shows the pipeline: a stage may use an earlier one, never a later one, and no two modules
//! use each other. Read from the `crate::` paths of every file under `src/`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The top-level modules in pipeline order. The leaves come first (what every stage may use: the
/// diagnostic types and rule catalogue, the errors that stop a run, the progress line), then the stages
/// in the order a row goes through them, then the command line and the commands. `m365` (Microsoft's
/// rules and formats) comes before the stages that check against those rules; `write` (the staging
/// folder and its files) before the writers that stream into it.
const LAYERS: &[&str] = &[
    "diagnostic",
    "error",
    "progress",
    "read",
    "bc",
    "m365",
    "normalize",
    "check",
    "plan",
    "write",
    "manifest",
    "report",
    "verify",
    "cli",
    "config",
    "cmd",
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// A file's module path: `src/plan/keys.rs` is `plan::keys`, `src/plan/mod.rs` is `plan`.
fn module_of(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

/// The code of a file without its comments, doc comments and string literals' contents: only what
/// the compiler resolves as paths.
fn code_lines(text: &str) -> impl Iterator<Item = String> + '_ {
    text.lines().map(|line| {
        let code = match line.find("//") {
            Some(i) => &line[..i],
            None => line,
        };
        let mut out = String::new();
        let mut in_string = false;
        for c in code.chars() {
            if c == '"' {
                in_string = !in_string;
            } else if !in_string {
                out.push(c);
            }
        }
        out
    })
}

/// Every module each module uses through a `crate::` path (the longest module path it names).
fn uses(src: &Path) -> BTreeMap<Vec<String>, BTreeSet<Vec<String>>> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let modules: BTreeSet<Vec<String>> = files.iter().map(|f| module_of(src, f)).collect();
    let mut graph: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    let path = regex::Regex::new(r"crate((?:::[a-z_][a-z0-9_]*)+)").unwrap();
    for file in &files {
        let module = module_of(src, file);
        let text = std::fs::read_to_string(file).unwrap();
        let used = graph.entry(module.clone()).or_default();
        for line in code_lines(&text) {
            for found in path.captures_iter(&line) {
                let parts: Vec<String> = found[1]
                    .trim_start_matches("::")
                    .split("::")
                    .map(str::to_string)
                    .collect();
                let target = (1..=parts.len())
                    .rev()
                    .map(|n| parts[..n].to_vec())
                    .find(|p| modules.contains(p));
                match target {
                    Some(target) if target != module => {
                        used.insert(target);
                    }
                    _ => {}
                }
            }
        }
    }
    graph
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

#[test]
fn every_top_level_module_has_its_place_in_the_pipeline() {
    let graph = uses(&src());
    for module in graph.keys() {
        let top = &module[0];
        assert!(
            LAYERS.contains(&top.as_str()) || top == "lib" || top == "main",
            "src/{top} is not in LAYERS: give it its place in the pipeline (tests/structure.rs)"
        );
    }
}

#[test]
fn no_stage_uses_a_later_stage() {
    let graph = uses(&src());
    let rank = |m: &Vec<String>| LAYERS.iter().position(|l| *l == m[0]);
    let mut wrong = Vec::new();
    for (module, used) in &graph {
        let Some(own) = rank(module) else { continue };
        for target in used {
            match rank(target) {
                Some(theirs) if theirs > own => {
                    wrong.push(format!("{} uses {}", module.join("::"), target.join("::")))
                }
                None if target[0] != module[0] => wrong.push(format!(
                    "{} uses the crate root's {}",
                    module.join("::"),
                    target.join("::")
                )),
                _ => {}
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "a stage uses a later one:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn no_two_modules_use_each_other() {
    let graph = uses(&src());
    let ancestor = |a: &Vec<String>, b: &Vec<String>| b.starts_with(a) || a.starts_with(b);
    let mut cycles = Vec::new();
    for (module, used) in &graph {
        for target in used {
            let back = graph.get(target).is_some_and(|u| u.contains(module));
            // A module and its own submodules share their types by design (`mod.rs` declares them).
            if back && module < target && !ancestor(module, target) {
                cycles.push(format!("{} <-> {}", module.join("::"), target.join("::")));
            }
        }
    }
    // Top-level modules: no cycle through any number of steps either.
    let top: BTreeMap<&str, BTreeSet<&str>> =
        graph.iter().fold(BTreeMap::new(), |mut acc, (m, u)| {
            let entry = acc.entry(m[0].as_str()).or_default();
            entry.extend(u.iter().map(|t| t[0].as_str()).filter(|t| *t != m[0]));
            acc
        });
    assert!(
        cycles.is_empty(),
        "modules that use each other:\n{}",
        cycles.join("\n")
    );
    for start in top.keys() {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<&str> = top[start].iter().copied().collect();
        while let Some(next) = stack.pop() {
            assert_ne!(next, *start, "a cycle of modules through {start}");
            if seen.insert(next) {
                stack.extend(top.get(next).into_iter().flatten().copied());
            }
        }
    }
}

#[test]
fn the_check_sees_a_later_stage_and_a_cycle() {
    // The reading of paths the tests above rely on: a use of a later stage is found, comments are not.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("read")).unwrap();
    std::fs::write(
        dir.path().join("read/mod.rs"),
        "use crate::write::Spool;\n// crate::cmd in a comment\nlet s = \"crate::report\";\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("write.rs"), "use crate::read::open;\n").unwrap();
    let graph = uses(dir.path());
    let read = vec!["read".to_string()];
    let write = vec!["write".to_string()];
    assert_eq!(graph[&read], BTreeSet::from([write.clone()]));
    assert_eq!(graph[&write], BTreeSet::from([read]));
}

/// Functions longer than this hold more than one step: split them into steps named for what they do.
const MAX_FUNCTION_LINES: usize = 80;

/// Each function's name and length in lines, from its `fn` line to its closing brace (rustfmt's layout:
/// the closing brace at the `fn` line's indentation).
fn function_lengths(text: &str) -> Vec<(String, usize, usize)> {
    let start = regex::Regex::new(
        r"^(\s*)(?:pub(?:\([^)]*\))?\s+)?(?:const\s+)?(?:async\s+)?(?:unsafe\s+)?fn\s+(\w+)",
    )
    .unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let mut found = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some(m) = start.captures(line) else {
            continue;
        };
        let indent = m[1].len();
        // The signature ends at a `{` (a body) or a `;` (a declaration in a trait).
        let Some(open) = (i..lines.len()).find(|&j| {
            let l = lines[j].trim_end();
            l.ends_with('{') || l.ends_with(';')
        }) else {
            continue;
        };
        if lines[open].trim_end().ends_with(';') || lines[open].trim_end().ends_with('}') {
            continue;
        }
        let close = (open + 1..lines.len()).find(|&j| {
            let l = lines[j];
            l.len() - l.trim_start().len() == indent && l.trim_start().starts_with('}')
        });
        if let Some(close) = close {
            found.push((m[2].to_string(), i + 1, close - i + 1));
        }
    }
    found
}

#[test]
fn no_function_in_src_is_longer_than_80_lines() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let mut long = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for (name, line, len) in function_lengths(&text) {
            if len > MAX_FUNCTION_LINES {
                long.push(format!("{}:{line}: {name} has {len} lines", file.display()));
            }
        }
    }
    assert!(
        long.is_empty(),
        "functions over {MAX_FUNCTION_LINES} lines:\n{}",
        long.join("\n")
    );
}

#[test]
fn function_lengths_are_counted_from_fn_to_its_closing_brace() {
    let text = "fn short() {\n    1\n}\n\n    pub(crate) fn nested(\n        a: u8,\n    ) -> u8 {\n        a\n    }\n";
    assert_eq!(
        function_lengths(text),
        vec![("short".to_string(), 1, 3), ("nested".to_string(), 5, 5)]
    );
}
