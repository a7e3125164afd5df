//! Carries out a parsed command line: gathers input (prompts, stdin, files),
//! builds the operation, has it carried out, and prints the answer.

mod audit;
mod backend;
mod export;
mod groups;
mod import;
mod keys;
mod list;
mod requests;

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;

use self::backend::Backend;
use self::backend::check_reserved;
use self::export::{export, export_sink};
use self::import::import;
use self::list::{delete_many, deleted, list, restore_many};
use self::requests::{authenticate_request, confirm, create_request, update_request};
use crate::cli::{
    Cli, Command, Format, ListArgs, LogFormat, SettingsCommand, UserCommand, UsersCommand,
    UsersListArgs,
};
use crate::database::Database;
use crate::domain::{PasswordPolicy, UserRef};
use crate::error::{Error, Result};
use crate::ops::{Request, Response};
use crate::output::Printer;
use crate::serve::{HttpConfig, ServeConfig};
use crate::service::{self, Repair};

/// Runs one command line. Output is written as the command goes; the error, if
/// any, is left to the caller to report.
pub fn run(cli: Cli, printer: &Printer) -> Result<()> {
    let config = service_config(&cli);
    let db = match cli.db.clone() {
        Some(db) => db,
        None => Database::Dir(default_db_dir()?),
    };
    match cli.command {
        Command::Serve(args) => crate::serve::run(ServeConfig {
            db,
            bind: args.bind,
            log_format: match args.log_format {
                LogFormat::Text => crate::serve::LogFormat::Text,
                LogFormat::Json => crate::serve::LogFormat::Json,
            },
            http: HttpConfig {
                rate_limit: args.rate_limit,
                token_rate_limit: args.token_rate_limit,
                trusted_proxies: args.trusted_proxy,
                console: (!args.no_console).then_some(args.console_path),
            },
            service: config,
        }),
        Command::Migrate => {
            let out = &mut io::stdout().lock();
            let migrated = service::migrate(&db)?;
            emit(printer.migrated(out, &db.shown(), migrated))
        }
        command => {
            crate::interrupt::install();
            if matches!(
                command,
                Command::Users(UsersCommand::Import(_) | UsersCommand::Export(_))
            ) {
                crate::malloc::keep_large_blocks_mapped();
            }
            let caller = config.clone();
            let wait = cli.wait;
            // Every command gathers its input (stdin, files, prompts) first and
            // takes the database only then, for as short a time as it can: a
            // person at a prompt or a slow pipe never holds it.
            let open = move || Backend::open(&db, config.clone(), wait);
            run_operation(&open, &caller, command, printer)
        }
    }
}

/// The database page cache of `check`.
const LOOKUP_CACHE_BYTES: u64 = 512 * 1024 * 1024;

fn service_config(cli: &Cli) -> service::Config {
    let mut config = service::Config {
        password_policy: PasswordPolicy {
            min_chars: usize::from(cli.min_password_length),
        },
        ..service::Config::default()
    };
    if let Some(names) = &cli.reserved_names {
        config.reserved = names.iter().map(|n| n.as_str().to_owned()).collect();
    }
    // Only what adds users makes a database where there is none: anything
    // else on a mistyped --db must say so, not answer from a new empty one.
    config.create = cli.init
        || matches!(
            cli.command,
            Command::User(UserCommand::Create(_)) | Command::Users(UsersCommand::Import(_))
        );
    match &cli.command {
        Command::Serve(args) => {
            config.token_ttl = args.token_ttl;
            config.allow_registration = args.allow_registration;
        }
        // Check looks every user's names up all over the database, and runs
        // faster the more of it stays in memory (at a million users, 9.9 s
        // instead of 16.8). Import and export gain nothing measurable from
        // it (1M users imported in 26.3 s with 64 MiB, 27.7 s with 512 MiB)
        // and keep their memory flat with the default, as a server does.
        Command::Check { repair, force } => {
            config.cache_bytes = Some(LOOKUP_CACHE_BYTES);
            config.repair = match (repair, force) {
                (false, _) => Repair::Off,
                (true, false) => Repair::Keep,
                (true, true) => Repair::Force,
            };
        }
        _ => {}
    }
    config
}

/// The platform data directory: `$XDG_DATA_HOME/usersctl`, else
/// `~/.local/share/usersctl` (`~/Library/Application Support/usersctl` on macOS).
fn default_db_dir() -> Result<PathBuf> {
    if let Some(xdg) = std::env::var_os("XDG_DATA_HOME").filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(xdg).join("usersctl"));
    }
    let home = std::env::var_os("HOME")
        .filter(|v| !v.is_empty())
        .ok_or_else(|| {
            Error::usage("cannot find a home directory: give --db PATH or set USERSCTL_DB")
        })?;
    let base = if cfg!(target_os = "macos") {
        PathBuf::from(home).join("Library/Application Support")
    } else {
        PathBuf::from(home).join(".local/share")
    };
    Ok(base.join("usersctl"))
}

fn run_operation(
    open: &dyn Fn() -> Result<Backend>,
    caller: &service::Config,
    command: Command,
    printer: &Printer,
) -> Result<()> {
    let out = &mut io::stdout().lock();
    match command {
        Command::User(UserCommand::Get { user }) => {
            let backend = open()?;
            let user = expect_user(backend.call(Request::GetUser { user })?)?;
            if printer.format == Format::Table {
                let groups = match backend.call(Request::UserGroups {
                    user: UserRef::Id(user.id),
                })? {
                    Response::Groups(page) => page.data,
                    other => return Err(unexpected(&other)),
                };
                emit(printer.user_in_groups(out, &user, &groups))?;
            } else {
                emit(printer.user(out, &user))?;
            }
            // A person reading the table learns whether logins are held back
            // (only a running server counts them); JSON stays the HTTP body.
            if printer.format == Format::Table {
                let id = UserRef::Id(user.id);
                if let Response::Throttled(Some(t)) =
                    backend.call(Request::Throttled { user: id })?
                {
                    emit(writeln!(
                        out,
                        "login throttled: {} failed logins in a row from {} address{}, held back until {}; \
                         `usersctl user unlock {}` forgets them",
                        t.failures,
                        t.addresses,
                        if t.addresses == 1 { "" } else { "es" },
                        t.until,
                        user.username
                    ))?;
                }
            }
            Ok(())
        }
        Command::User(UserCommand::Unlock { user }) => {
            let named = user.to_string();
            match open()?.call(Request::Unlock { user })? {
                Response::Unlocked(cleared) => {
                    if printer.format == Format::Json {
                        emit(printer.json(out, &serde_json::json!({ "unlocked": cleared })))
                    } else {
                        printer.note(&if cleared {
                            format!("forgot the failed logins of {named}")
                        } else {
                            format!("{named} had no failed logins to forget")
                        });
                        Ok(())
                    }
                }
                other => Err(unexpected(&other)),
            }
        }
        Command::User(UserCommand::Create(args)) => {
            let request = create_request(args, open, caller)?;
            crate::interrupt::writing();
            let saved = expect_saved(open()?.call(request)?)?;
            emit(printer.saved(out, &saved))
        }
        Command::User(UserCommand::Update(args)) => {
            let request = update_request(args, open, caller)?;
            crate::interrupt::writing();
            let saved = expect_saved(open()?.call(request)?)?;
            emit(printer.saved(out, &saved))
        }
        Command::User(UserCommand::Delete { user, yes, purge }) => {
            let named = user.to_string();
            let target = if yes {
                user
            } else {
                // Looked up, then the database let go while the person decides.
                let shown = expect_user(open()?.call(Request::GetUser { user: user.clone() })?)?;
                confirm(&format!(
                    "Delete user {} <{}>{}?",
                    shown.username,
                    shown.email,
                    if purge { " for good" } else { "" }
                ))?;
                UserRef::Id(shown.id)
            };
            crate::interrupt::writing();
            let deleted = open()?
                .call(Request::DeleteUser {
                    user: target,
                    purge,
                })
                .map_err(|e| match e {
                    Error::NotFound(_) => Error::NotFound(format!("user {named} not found")),
                    e => e,
                })?;
            emit(printer.deleted(out, &expect_user(deleted)?, purge))
        }
        Command::User(UserCommand::Restore { user, rename }) => {
            if let Some(name) = &rename {
                check_reserved(caller, name)?;
            }
            crate::interrupt::writing();
            let restored = expect_user(open()?.call(Request::RestoreUser { user, rename })?)?;
            emit(printer.restored(out, &restored))
        }
        Command::User(UserCommand::Purge { user, yes }) => {
            if !yes {
                confirm(&format!(
                    "Remove every deleted user named {user} from the recycle bin for good?"
                ))?;
            }
            crate::interrupt::writing();
            match open()?.call(Request::PurgeUser { user })? {
                Response::Purged(n) => emit(printer.purged(out, n)),
                other => Err(unexpected(&other)),
            }
        }
        Command::Users(UsersCommand::Deleted(args)) => deleted(&open()?, args, printer, out),
        Command::Users(UsersCommand::Restore(args)) => restore_many(open, args, printer, out),
        Command::Users(UsersCommand::Purge(args)) => {
            if !args.yes {
                confirm(&match args.older_than {
                    Some(d) => format!(
                        "Remove users deleted over {} ago from the recycle bin for good?",
                        humantime::format_duration(d)
                    ),
                    None => "Empty the recycle bin for good?".to_owned(),
                })?;
            }
            crate::interrupt::writing();
            let older_than = args.older_than.map(|d| d.as_secs());
            match open()?.call(Request::EmptyBin { older_than })? {
                Response::Purged(n) => emit(printer.purged(out, n)),
                other => Err(unexpected(&other)),
            }
        }
        Command::Audit(args) => audit::audit(open, args, printer, out),
        Command::Group(command) => groups::group(open, command, printer, out),
        Command::Key(command) => keys::key(open, command, printer, out),
        Command::Settings(command) => {
            let request = match command {
                SettingsCommand::Show => Request::Settings,
                SettingsCommand::Set { name, value } => {
                    crate::interrupt::writing();
                    Request::SetSetting { name, value }
                }
            };
            match open()?.call(request)? {
                Response::Settings(settings) => emit(printer.settings(out, &settings)),
                other => Err(unexpected(&other)),
            }
        }
        Command::Users(UsersCommand::List(args)) => list(&open()?, args, printer, out),
        Command::Users(UsersCommand::DeleteMany(args)) => delete_many(open, args, printer, out),
        Command::Users(UsersCommand::Import(args)) => import(open, args, printer, out),
        Command::Users(UsersCommand::Export(args)) => {
            // The file is made (or refused) before the database is taken.
            let sink = export_sink(&args, printer)?;
            let count = export(&open()?, sink)?;
            if args.to.is_some() {
                printer.note(&format!(
                    "exported {count} user{}",
                    if count == 1 { "" } else { "s" }
                ));
            }
            Ok(())
        }
        Command::Authenticate(args) => {
            let request = authenticate_request(args)?;
            crate::interrupt::writing();
            match open()?.call(request)? {
                Response::Token(token) => emit(printer.token(out, &token)),
                other => Err(unexpected(&other)),
            }
        }
        Command::Check { repair, .. } => {
            if repair {
                crate::interrupt::writing();
            }
            match open()?.call(Request::Check { repair })? {
                Response::Check(report) => {
                    emit(printer.check_report(out, &report))?;
                    match report.problems.len() {
                        0 => Ok(()),
                        n => Err(Error::Unavailable(format!(
                            "the database has {n} problem{}{}",
                            if n == 1 { "" } else { "s" },
                            if report.repaired {
                                " that --repair cannot mend"
                            } else {
                                "; run `usersctl check --repair`"
                            }
                        ))),
                    }
                }
                other => Err(unexpected(&other)),
            }
        }
        Command::Serve(_) | Command::Migrate => Err(Error::internal("not an operation")),
    }
}

/// Output errors: a closed pipe (`usersctl users list | head`) is not a failure.
fn emit(written: io::Result<()>) -> Result<()> {
    match written {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}

fn expect_user(response: Response) -> Result<crate::domain::User> {
    match response {
        Response::User(user) => Ok(user),
        other => Err(unexpected(&other)),
    }
}

fn expect_saved(response: Response) -> Result<crate::ops::Saved> {
    match response {
        Response::Saved(saved) => Ok(saved),
        other => Err(unexpected(&other)),
    }
}

fn unexpected(response: &Response) -> Error {
    let kind = match response {
        Response::User(_) => "user",
        Response::Saved(_) => "saved user",
        Response::Page(_) => "page",
        Response::Count(_) => "count",
        Response::DeleteMany(_) => "delete report",
        Response::Token(_) => "token",
        Response::Imported(_) => "import report",
        Response::ImportBegun => "import begun",
        Response::ImportEnded(_) => "import end",
        Response::Exported(_) => "export page",
        Response::Check(_) => "check report",
        Response::Throttled(_) => "throttle state",
        Response::Unlocked(_) => "unlock outcome",
        Response::DeletedPage(_) => "recycle bin page",
        Response::RestoreMany(_) => "restore report",
        Response::Purged(_) => "purge count",
        Response::Settings(_) => "settings",
        Response::AuditPage(_) => "audit page",
        Response::Verdict(_) => "audit verdict",
        Response::Group(_) => "group",
        Response::Groups(_) => "group page",
        Response::Members(_) => "membership report",
        Response::KeyCreated(_) => "new key",
        Response::Keys(_) => "key page",
        Response::Key(_) => "key",
    };
    Error::internal(format!("unexpected {kind} response"))
}

/// The printer for the parsed options, honouring `NO_COLOR` implicitly: nothing
/// usersctl prints is coloured when stdout is not a terminal.
pub fn printer(cli: &Cli) -> Printer {
    let no_headers = matches!(
        &cli.command,
        Command::Users(
            UsersCommand::List(UsersListArgs {
                list: ListArgs {
                    no_headers: true,
                    ..
                },
                ..
            }) | UsersCommand::Deleted(ListArgs {
                no_headers: true,
                ..
            })
        )
    );
    Printer {
        format: match cli.output {
            Format::Wide => Format::Table,
            format => format,
        },
        quiet: cli.quiet,
        wide: cli.output == Format::Wide,
        headers: !no_headers,
        width: terminal_width(),
    }
}

/// The columns a table must fit in: the terminal's, when stdout is one
/// (80 if it cannot be told), else `$COLUMNS` if set; a pipe gets every
/// cell whole.
fn terminal_width() -> Option<usize> {
    let stdout = io::stdout();
    if stdout.is_terminal() {
        let width = terminal_size::terminal_size_of(&stdout)
            .map(|(w, _)| usize::from(w.0))
            .filter(|&w| w > 0);
        return Some(width.unwrap_or(80));
    }
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse().ok())
        .filter(|&c: &usize| c > 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn cache_bytes(args: &[&str]) -> Option<u64> {
        let cli =
            Cli::try_parse_from(std::iter::once("usersctl").chain(args.iter().copied())).unwrap();
        service_config(&cli).cache_bytes
    }

    #[test]
    fn check_gets_a_larger_cache_and_the_rest_keep_the_default() {
        for args in [
            &["serve"][..],
            &["users", "import", "users.jsonl"],
            &["users", "export"],
            &["users", "list"],
            &["user", "get", "alice"],
        ] {
            assert_eq!(cache_bytes(args), None, "{args:?}");
        }
        for args in [&["check"][..], &["check", "--repair"]] {
            assert_eq!(cache_bytes(args), Some(LOOKUP_CACHE_BYTES), "{args:?}");
        }
    }
}
