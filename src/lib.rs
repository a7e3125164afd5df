//! usersctl: user administration from a terminal, from scripts, and over HTTP,
//! on an embedded database.

pub mod cli;
pub mod commands;
pub mod database;
pub mod domain;
pub mod error;
pub mod fields;
pub mod generate;
pub mod hashing;
pub mod http;
pub mod interrupt;
pub mod layout;
pub mod malloc;
pub mod net;
pub mod ops;
pub mod output;
pub mod pool;
pub mod prompt;
pub mod serve;
pub mod service;
pub mod socket;
pub mod store;
pub mod throttle;
pub mod token;
pub mod transfer;

use std::process::ExitCode;

use clap::Parser;
use clap::error::ErrorKind;

pub use error::{Error, Result};

/// The whole program: parse, run, map the outcome to an exit code.
pub fn main() -> ExitCode {
    // Everything usersctl creates (the database's files, exports, the token
    // secret) is for its owner alone, whatever umask it was started with.
    rustix::process::umask(rustix::fs::Mode::from_raw_mode(0o077));
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => return usage_error(&err),
    };
    let printer = commands::printer(&cli);
    match commands::run(cli, &printer) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            printer.error(&err);
            ExitCode::from(err.exit_code())
        }
    }
}

/// A warning on stderr, one line, for the person running the command (and in
/// a server's log, where stderr goes).
pub fn warn(message: &str) {
    eprintln!("usersctl: warning: {message}");
}

/// Help and version go to stdout as clap renders them; a usage error becomes
/// the one line (JSON with `-o json`) every other error is, with exit code 2.
fn usage_error(err: &clap::Error) -> ExitCode {
    if matches!(
        err.kind(),
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion
    ) {
        let _ = err.print();
        return ExitCode::SUCCESS;
    }
    if err.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
        let _ = err.print();
        return ExitCode::from(2);
    }
    // clap's message without its usage and help trailers, on one line.
    let rendered = err.render().to_string();
    let message = rendered
        .split("\n\nUsage:")
        .next()
        .unwrap_or_default()
        .split("\n\nFor more information")
        .next()
        .unwrap_or_default();
    let message = message.strip_prefix("error: ").unwrap_or(message);
    let first = message.split_whitespace().collect::<Vec<_>>().join(" ");
    // clap repeats the bad value: what would hide or turn text around is
    // shown as an escape, not acted out on the operator's terminal.
    let first: String = first
        .chars()
        .map(|c| {
            if c.is_control() || domain::text::hidden(c) || matches!(c, '\u{200C}' | '\u{200D}') {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect();
    let printer = output::Printer {
        format: if json_requested() {
            cli::Format::Json
        } else {
            cli::Format::Table
        },
        quiet: false,
        wide: false,
        headers: true,
        width: None,
    };
    let err = Error::usage(format!("{first} (see --help)"));
    printer.error(&err);
    ExitCode::from(err.exit_code())
}

/// Whether the (unparseable) command line or the environment asked for JSON.
fn json_requested() -> bool {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flagged = args.iter().enumerate().any(|(i, arg)| match arg.as_str() {
        "-o" | "--output" => args.get(i + 1).is_some_and(|v| v == "json"),
        other => other == "-ojson" || other == "--output=json",
    });
    flagged || std::env::var("USERSCTL_OUTPUT").is_ok_and(|v| v == "json")
}
