//! README.md, followed in order as a new user would: every command from its
//! tour on runs, one after the other, in one shell on one database, and what
//! README shows it printing is what it prints.
//!
//! What the test reads:
//! - ```` ```console ```` blocks: `$ COMMAND` (continued by lines ending in
//!   `\`), then the output README shows for it. Ids, times, dates, tokens and
//!   generated passwords are compared as such, not by value; a line `…` stands
//!   for any lines, and a line ending in `…` for any line that starts so.
//! - ```` ```sh ```` blocks: one command a line (continued by `\`), comments
//!   left out. Each must exit 0 and answer no JSON error; a `# {…}` comment
//!   on its line, or on the line after it, is the JSON it must print.
//!
//! The set-up block above the tour (build, run the tests) is not run here,
//! nor ```` ```shell ```` blocks: those of "Several servers on PostgreSQL"
//! need a PostgreSQL server, and `instances` and `transfer` test what they
//! do.
//! `usersctl serve --bind 127.0.0.1:8080` is started in the background on a
//! free port, and `localhost:8080` in later commands means that port.

use crate::support::clean_env;
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use regex::Regex;

struct Step {
    command: String,
    /// The output README shows (console blocks) or the JSON its comment
    /// gives (sh blocks).
    expected: Option<Vec<String>>,
    /// From a console block: the output is compared whole, whatever the
    /// exit code (README shows failures there too).
    console: bool,
}

fn steps(readme: &str) -> Vec<Step> {
    let tour = readme
        .find("\n## A tour")
        .expect("README has a section \"A tour\"");
    let mut steps = Vec::new();
    let mut lines = readme[tour..].lines().peekable();
    while let Some(line) = lines.next() {
        let console = match line.trim_end() {
            "```console" => true,
            "```sh" => false,
            _ => continue,
        };
        let mut block = Vec::new();
        for line in lines.by_ref() {
            if line.starts_with("```") {
                break;
            }
            block.push(line.to_owned());
        }
        if console {
            console_steps(&block, &mut steps);
        } else {
            sh_steps(&block, &mut steps);
        }
    }
    steps
}

/// Joins a command's continuation lines (ending in `\`) to it.
fn whole_command(first: &str, rest: &mut dyn Iterator<Item = String>) -> String {
    let mut command = first.to_owned();
    while command.ends_with('\\') {
        command.pop();
        let next = rest.next().expect("a continued command goes on");
        command.truncate(command.trim_end().len());
        command.push(' ');
        command.push_str(next.trim_start());
    }
    command
}

fn console_steps(block: &[String], steps: &mut Vec<Step>) {
    let mut lines = block.iter().cloned();
    let mut current: Option<Step> = None;
    while let Some(line) = lines.next() {
        if let Some(command) = line.strip_prefix("$ ") {
            steps.extend(current.take());
            current = Some(Step {
                command: whole_command(command, &mut lines),
                expected: Some(Vec::new()),
                console: true,
            });
        } else {
            let step = current.as_mut().expect("console output follows a command");
            step.expected.as_mut().unwrap().push(line);
        }
    }
    steps.extend(current);
}

fn sh_steps(block: &[String], steps: &mut Vec<Step>) {
    let mut lines = block.iter().cloned();
    while let Some(line) = lines.next() {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            continue;
        }
        if let Some(comment) = trimmed.strip_prefix("# ") {
            // The JSON the command before it prints.
            if comment.starts_with('{')
                && let Some(step) = steps.last_mut()
                && !step.console
                && step.expected.is_none()
                && !is_assignment(&step.command)
            {
                step.expected = Some(vec![comment.to_owned()]);
            }
            continue;
        }
        let command = whole_command(&line, &mut lines);
        let (command, comment) = match command.split_once("  #") {
            Some((command, comment)) => (command.trim_end().to_owned(), Some(comment.trim())),
            None => (command, None),
        };
        steps.push(Step {
            command,
            expected: comment
                .filter(|c| c.starts_with('{'))
                .map(|c| vec![c.to_owned()]),
            console: false,
        });
    }
}

fn is_assignment(command: &str) -> bool {
    let name: String = command
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    !name.is_empty() && command[name.len()..].starts_with('=')
}

/// Values that differ from run to run, replaced by what they are.
fn normalize(line: &str) -> String {
    let patterns = [
        (
            r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
            "<ID>",
        ),
        (r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", "<TIME>"),
        (r"\d{4}-\d\d-\d\d", "<DATE>"),
        (r"eyJ[A-Za-z0-9_.\-]+", "<TOKEN>"),
        (r"generated password: \S+", "generated password: <PASSWORD>"),
        (
            r#""generated_password":"[^"]+""#,
            r#""generated_password":"<PASSWORD>""#,
        ),
    ];
    let mut line = line.trim_end().to_owned();
    // Both sides are replaced alike, so a table's columns still line up: an
    // id is always 36 characters, a time 24.
    for (pattern, with) in patterns {
        line = Regex::new(pattern)
            .unwrap()
            .replace_all(&line, with)
            .into_owned();
    }
    line
}

/// Whether `actual` is what `expected` shows (see the module's comment).
fn matches(expected: &[String], actual: &[String]) -> bool {
    match expected.split_first() {
        None => actual.is_empty(),
        Some((first, rest)) if first.trim() == "…" => {
            (0..=actual.len()).any(|skip| matches(rest, &actual[skip..]))
        }
        Some((first, rest)) => {
            let Some((line, after)) = actual.split_first() else {
                return false;
            };
            let first = normalize(first);
            let line = normalize(line);
            let fits = match first.strip_suffix('…') {
                Some(prefix) => line.starts_with(prefix),
                None => line == first,
            };
            fits && matches(rest, after)
        }
    }
}

const SERVE: &str = "usersctl serve --bind 127.0.0.1:8080";

/// The shell script that runs `steps`, each output between markers.
fn script(steps: &[Step]) -> String {
    let mut script = String::from(
        "set -u\n\
         trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null' EXIT\n\
         SERVER=\n\
         __s=0\n",
    );
    let mut served = false;
    for (n, step) in steps.iter().enumerate() {
        let command = if step.command == SERVE {
            served = true;
            "usersctl serve --bind 127.0.0.1:0 >serve.out 2>serve.log &\n\
             SERVER=$!\n\
             for _ in $(seq 400); do grep -q listening serve.out && break; sleep 0.05; done\n\
             PORT=$(sed -n 's/.*127\\.0\\.0\\.1:\\([0-9]*\\).*/\\1/p' serve.out)\n\
             test -n \"$PORT\""
                .to_owned()
        } else if served {
            step.command.replace("localhost:8080", "localhost:$PORT")
        } else {
            step.command.clone()
        };
        // The exit code of each command is kept across the markers, so that
        // README's `echo $?` sees it.
        writeln!(
            script,
            "__s=$?; printf '\\n<<<step {n}>>>\\n'; (exit $__s)\n\
             {{ {command}\n}} 2>&1\n\
             __s=$?; printf '\\n<<<status {n} %d>>>\\n' $__s; (exit $__s)"
        )
        .unwrap();
    }
    script
}

/// Each step's output lines and exit code, from the script's output.
fn outputs(stdout: &str, steps: usize) -> Vec<(Vec<String>, i32)> {
    (0..steps)
        .map(|n| {
            let start = format!("\n<<<step {n}>>>\n");
            let from = stdout
                .find(&start)
                .unwrap_or_else(|| panic!("step {n} never ran:\n{stdout}"))
                + start.len();
            let end_marker = format!("\n<<<status {n} ");
            let to = from
                + stdout[from..]
                    .find(&end_marker)
                    .unwrap_or_else(|| panic!("step {n} did not finish:\n{stdout}"));
            let status: i32 = stdout[to + end_marker.len()..]
                .split(">>>")
                .next()
                .and_then(|s| s.parse().ok())
                .expect("a status");
            let lines = stdout[from..to].lines().map(str::to_owned).collect();
            (lines, status)
        })
        .collect()
}

fn shorten(text: &str) -> String {
    match text.char_indices().nth(3000) {
        Some((at, _)) => format!("{}… ({} bytes)", &text[..at], text.len()),
        None => text.to_owned(),
    }
}

#[test]
fn every_readme_command_runs_in_order_and_prints_what_readme_shows() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md");
    let steps = steps(&readme);
    assert!(
        steps.len() > 30,
        "README's commands were not found ({} steps)",
        steps.len()
    );
    assert!(
        steps.iter().any(|s| s.command == SERVE),
        "README starts a server with {SERVE:?}"
    );

    let dir = tempfile::tempdir().expect("a temporary directory");
    let bin = crate::support::bin();
    let bin_dir = bin.parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut bash = Command::new("bash");
    clean_env(&mut bash);
    let out = bash
        .arg("-c")
        .arg(script(&steps))
        .current_dir(dir.path())
        .env("PATH", path)
        .env("HOME", dir.path())
        .env("USERSCTL_DB", dir.path().join("db"))
        .output()
        .expect("bash runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let log = std::fs::read_to_string(dir.path().join("serve.log")).unwrap_or_default();

    for ((lines, status), step) in outputs(&stdout, steps.len()).into_iter().zip(&steps) {
        let shown = || {
            format!(
                "README command:\n  {}\nexit code {status}, printed:\n{}\nserver log:\n{log}",
                step.command,
                shorten(&lines.join("\n"))
            )
        };
        if !step.console {
            assert_eq!(status, 0, "{}", shown());
            let body: Option<serde_json::Value> = serde_json::from_str(&lines.join("\n")).ok();
            assert!(
                body.is_none_or(|b| b.get("error").is_none()),
                "an error where README expects none\n{}",
                shown()
            );
        }
        if let Some(expected) = &step.expected {
            // JSON in a comment is compared as JSON; console output line by line.
            let fits = if step.console {
                matches(expected, &lines)
            } else {
                let as_json = |text: &str| -> Option<serde_json::Value> {
                    serde_json::from_str(&normalize(text)).ok()
                };
                let shown_json = as_json(&expected[0]);
                let printed = as_json(&lines.join("\n"));
                shown_json.is_some() && shown_json == printed
            };
            assert!(fits, "README shows:\n{}\n{}", expected.join("\n"), shown());
        }
    }
}

#[test]
fn the_readme_reader_understands_blocks_and_placeholders() {
    let readme = "intro\n```sh\nnot run\n```\n\n## A tour\n\n```console\n\
                  $ a \\\n    b\nout 1\n…\nlast\n$ c\n```\n\n```sh\n\
                  x --y   # {\"k\":1}\n# a note\nT=$(z)\n# {\"not\":\"its output\"}\nw\n# {\"w\":2}\n```\n";
    let steps = steps(readme);
    let commands: Vec<&str> = steps.iter().map(|s| s.command.as_str()).collect();
    assert_eq!(commands, ["a b", "c", "x --y", "T=$(z)", "w"]);
    assert_eq!(
        steps[0].expected.as_deref(),
        Some(&["out 1".to_owned(), "…".to_owned(), "last".to_owned()][..])
    );
    assert_eq!(
        steps[2].expected.as_deref(),
        Some(&["{\"k\":1}".to_owned()][..])
    );
    assert!(steps[3].expected.is_none());
    assert_eq!(
        steps[4].expected.as_deref(),
        Some(&["{\"w\":2}".to_owned()][..])
    );

    let lines = |s: &[&str]| s.iter().map(|l| (*l).to_owned()).collect::<Vec<_>>();
    assert!(matches(
        &lines(&["a", "…", "z"]),
        &lines(&["a", "b", "c", "z"])
    ));
    assert!(!matches(&lines(&["a", "…", "z"]), &lines(&["a", "b"])));
    assert!(matches(
        &lines(&["token: eyJ0…"]),
        &lines(&["token: eyJhbGc.x.y"])
    ));
    assert!(matches(
        &lines(&["at 2026-11-21T22:35:32.000Z id 01a20032-6569-7169-93df-637d05eb5465"]),
        &lines(&["at 2027-01-02T03:04:05.678Z id 0193aaaa-bbbb-7ccc-8ddd-eeeeffff0000"])
    ));
    assert!(!matches(&lines(&["deleted 2"]), &lines(&["deleted 3"])));
}
