//! `bc2m365 completions` and `bc2m365 man`: shell completion scripts and the manual page, both generated
//! from the clap definitions in [`crate::cli`], so they never disagree with `--help`.

use clap::CommandFactory;
use clap_mangen::Man;

use crate::cli::{Cli, CompletionsArgs};
use crate::error::Result;

pub fn run_completions(args: &CompletionsArgs) -> Result<crate::cmd::Ending> {
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "bc2m365", &mut script);
    if args.shell == clap_complete::Shell::PowerShell {
        script = with_where_in_parentheses(&script);
    }
    crate::cmd::write_stdout(&script)
}

/// clap_complete filters PowerShell's completions with `$completions.Where{ ... }`, a call PowerShell
/// accepts without parentheses but other PowerShell parsers (editors, tree-sitter's grammar) do not; with
/// them it is the same call, and the script parses everywhere.
fn with_where_in_parentheses(script: &[u8]) -> Vec<u8> {
    const BARE: &str = "$completions.Where{ $_.CompletionText -like \"$wordToComplete*\" }";
    const CALL: &str = "$completions.Where({ $_.CompletionText -like \"$wordToComplete*\" })";
    String::from_utf8_lossy(script)
        .replace(BARE, CALL)
        .into_bytes()
}

pub fn run_man() -> Result<crate::cmd::Ending> {
    crate::cmd::write_stdout(&man_page())
}

/// One roff page: the top-level page (rendered by clap_mangen), a list of the commands, the examples, exit
/// codes and environment, then a section per command with its synopsis, description, options and examples.
pub fn man_page() -> Vec<u8> {
    let mut command = Cli::command();
    command.build();
    let top = Man::new(command.clone()).manual("User Commands");
    let mut page = Vec::new();
    for line in PREAMBLE {
        page.extend_from_slice(line.as_bytes());
        page.push(b'\n');
    }
    render(|w| top.render_title(w), &mut page);
    render(|w| top.render_name_section(w), &mut page);
    render(|w| top.render_synopsis_section(w), &mut page);
    render(|w| top.render_description_section(w), &mut page);
    render(|w| top.render_options_section(w), &mut page);
    let subcommands: Vec<&clap::Command> = command
        .get_subcommands()
        .filter(|s| s.get_name() != "help")
        .collect();
    page.extend_from_slice(b".SH COMMANDS\n");
    for sub in &subcommands {
        let about = sub.get_about().map(|a| a.to_string()).unwrap_or_default();
        let entry = format!(".TP\n\\fB{}\\fR\n{}\n", sub.get_name(), escape(&about));
        page.extend_from_slice(entry.as_bytes());
    }
    page.extend_from_slice(b".SH \"EXAMPLES, EXIT STATUS AND ENVIRONMENT\"\n.nf\n");
    render_body(|w| top.render_extra_section(w), &mut page);
    page.extend_from_slice(b".fi\n");
    for sub in subcommands {
        let name = sub.get_name();
        // The global options are on the page once, under OPTIONS.
        let sub = ["quiet", "verbose", "color", "help"]
            .into_iter()
            .fold(sub.clone(), |sub, id| sub.mut_arg(id, |a| a.hide(true)))
            .bin_name(format!("bc2m365 {name}"));
        let man = Man::new(sub.clone());
        page.extend_from_slice(format!(".SH \"BC2M365 {}\"\n", name.to_uppercase()).as_bytes());
        render_body(|w| man.render_synopsis_section(w), &mut page);
        page.extend_from_slice(b".PP\n");
        render_body(|w| man.render_description_section(w), &mut page);
        if sub.get_arguments().any(|a| !a.is_hide_set()) {
            page.extend_from_slice(b".SS Options\n");
            render_body(|w| man.render_options_section(w), &mut page);
        }
        if sub.get_after_long_help().is_some() {
            page.extend_from_slice(b".PP\n.nf\n");
            render_body(|w| man.render_extra_section(w), &mut page);
            page.extend_from_slice(b".fi\n");
        }
    }
    render(|w| top.render_version_section(w), &mut page);
    page
}

/// Text for roff: backslashes and hyphens escaped, and no line starting like a request.
fn escape(text: &str) -> String {
    let escaped = text.replace('\\', "\\\\").replace('-', "\\-");
    if escaped.starts_with('.') || escaped.starts_with('\'') {
        format!("\\&{escaped}")
    } else {
        escaped
    }
}

/// The roff preamble clap_mangen starts every rendering with; the page holds it once.
const PREAMBLE: [&str; 2] = [".ie \\n(.g .ds Aq \\(aq", ".el .ds Aq '"];

/// A section's roff, without the preamble.
fn render(section: impl Fn(&mut dyn std::io::Write) -> std::io::Result<()>, out: &mut Vec<u8>) {
    render_lines(section, out, |line| !PREAMBLE.contains(&line));
}

/// A section's roff without its `.SH` heading line, to nest it under a heading of ours.
fn render_body(
    section: impl Fn(&mut dyn std::io::Write) -> std::io::Result<()>,
    out: &mut Vec<u8>,
) {
    render_lines(section, out, |line| {
        !PREAMBLE.contains(&line) && !line.starts_with(".SH ")
    });
}

fn render_lines(
    section: impl Fn(&mut dyn std::io::Write) -> std::io::Result<()>,
    out: &mut Vec<u8>,
    keep: impl Fn(&str) -> bool,
) {
    let mut rendered = Vec::new();
    section(&mut rendered).expect("rendering into memory cannot fail");
    for line in String::from_utf8_lossy(&rendered)
        .lines()
        .filter(|l| keep(l))
    {
        out.extend_from_slice(line.as_bytes());
        out.push(b'\n');
    }
}
