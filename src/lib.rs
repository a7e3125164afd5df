//! usersctl: user administration from a terminal, from scripts, and over HTTP,
//! on an embedded database.

pub mod cli;
pub mod commands;
pub mod domain;
pub mod error;
pub mod gate;
pub mod generate;
pub mod hashing;
pub mod http;
pub mod ops;
pub mod output;
pub mod service;
pub mod store;
pub mod throttle;
pub mod token;

use std::process::ExitCode;

use clap::Parser;

pub use error::{Error, Result};

/// The whole program: parse, run, map the outcome to an exit code.
pub fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let printer = commands::printer(&cli);
    match commands::run(cli, &printer) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            printer.error(&err);
            ExitCode::from(err.exit_code())
        }
    }
}
