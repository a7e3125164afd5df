//! Shell completions and man pages, generated from the clap definition. The
//! checked-in copies under `completions/` and `man/` are written by
//! `cargo run --example generate`, and a test fails when they are stale.

use std::path::Path;

use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::Cli;

/// Every generated file: its path relative to the repository root, and its text.
pub fn files() -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    for shell in [
        Shell::Bash,
        Shell::Zsh,
        Shell::Fish,
        Shell::PowerShell,
        Shell::Elvish,
    ] {
        let mut buf = Vec::new();
        clap_complete::generate(shell, &mut Cli::command(), "usersctl", &mut buf);
        let name = match shell {
            Shell::Bash => "usersctl.bash".to_owned(),
            Shell::Zsh => "_usersctl".to_owned(),
            Shell::Fish => "usersctl.fish".to_owned(),
            Shell::PowerShell => "_usersctl.ps1".to_owned(),
            _ => "usersctl.elv".to_owned(),
        };
        files.push((format!("completions/{name}"), buf));
    }
    man_pages(&Cli::command(), "usersctl", &mut files);
    files
}

/// One man page per command and subcommand (`usersctl-user-create.1`, …).
fn man_pages(cmd: &clap::Command, name: &str, files: &mut Vec<(String, Vec<u8>)>) {
    let cmd = cmd
        .clone()
        .name(name.to_owned())
        .display_name(name.replace('-', " "));
    let mut buf = Vec::new();
    if clap_mangen::Man::new(cmd.clone()).render(&mut buf).is_ok() {
        files.push((format!("man/{name}.1"), buf));
    }
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        man_pages(sub, &format!("{name}-{}", sub.get_name()), files);
    }
}

/// Writes every generated file under `root`.
pub fn write_all(root: &Path) -> std::io::Result<()> {
    for (rel, content) in files() {
        let path = root.join(rel);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(path, content)?;
    }
    Ok(())
}
