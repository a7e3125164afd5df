//! Carries out a parsed command line: gathers input (prompts, stdin, files),
//! builds the operation, has it carried out, and prints the answer.

use std::io::{self, BufRead, IsTerminal, Read, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde_json::{Map, Value};

use crate::cli::{
    AuthenticateArgs, Cli, Command, CreateArgs, DeleteManyArgs, Format, ImportArgs, KeyValue,
    ListArgs, LogFormat, PasswordSource, UpdateArgs, UserCommand, UsersCommand,
};
use crate::domain::ExportLine;
use crate::domain::UserRef;
use crate::domain::{Attributes, Password, PasswordPolicy};
use crate::error::{Error, Result};
use crate::ops::DeleteManyReport;
use crate::ops::{
    Credentials, DeleteMany, ListQuery, NewUser, PasswordChoice, Request, Response, UserPatch,
};
use crate::output::Printer;
use crate::prompt::Tty;
use crate::serve::{HttpConfig, ServeConfig};
use crate::service::Repair;
use crate::service::{self, Actor, Durable, Service};
use crate::socket;
use crate::transfer::ImportUser;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;

/// Runs one command line. Output is written as the command goes; the error, if
/// any, is left to the caller to report.
pub fn run(cli: Cli, printer: &Printer) -> Result<()> {
    let config = service_config(&cli);
    let db = match cli.db.clone() {
        Some(db) => db,
        None => default_db_dir()?,
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
            },
            service: config,
        }),
        command => {
            crate::interrupt::install();
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

/// Where operations are carried out: on the database directly, or — while a
/// server holds it — by that server, over its admin socket. Either way the
/// command's output and exit code are the same.
enum Backend {
    Local(Box<Service>),
    /// The server applies its own configuration; `caller` is the command's,
    /// applied here too where the two could differ (the stricter wins).
    Remote {
        client: std::cell::RefCell<socket::Client>,
        caller: Box<service::Config>,
    },
}

impl Backend {
    /// Opens the database, or finds the server holding it. Held by another
    /// command, it is tried again until `wait` has passed.
    fn open(db: &std::path::Path, config: service::Config, wait: Duration) -> Result<Backend> {
        let deadline = Instant::now() + wait;
        loop {
            match Service::open(db, config.clone()) {
                Ok(service) => return Ok(Backend::Local(Box::new(service))),
                Err(Error::Locked(why)) => {
                    match socket::Client::connect(db).map_err(|e| match e {
                        // A server that holds the database and does not answer:
                        // the lock's message names the process.
                        Error::Locked(hung) => Error::Locked(format!("{why} ({hung})")),
                        other => other,
                    })? {
                        Some(client) => {
                            return Ok(Backend::Remote {
                                client: std::cell::RefCell::new(client),
                                caller: Box::new(config),
                            });
                        }
                        None if Instant::now() < deadline => {
                            std::thread::sleep(Duration::from_millis(20));
                        }
                        None if wait.is_zero() => return Err(Error::Locked(why)),
                        None => {
                            return Err(Error::Locked(format!(
                                "{why} (waited {}; --wait or USERSCTL_WAIT sets how long)",
                                humantime::format_duration(wait)
                            )));
                        }
                    }
                }
                Err(e) => return Err(e),
            }
        }
    }

    fn call(&self, request: Request) -> Result<Response> {
        match self {
            Backend::Local(service) => service.execute(&Actor::Operator, request)?.wait(),
            Backend::Remote { client, .. } => client.borrow_mut().call(request),
        }
    }

    /// Stores a batch of imported users. Done locally, the batch is made
    /// durable with the next one's (`owed` holds what is still owed; wait
    /// for it after the last); a server makes each batch durable before it
    /// answers.
    fn import(
        &self,
        users: Vec<ImportUser>,
        owed: &mut Option<Durable<()>>,
    ) -> Result<Vec<Result<uuid::Uuid>>> {
        match self {
            Backend::Local(service) => {
                let (outcomes, batch) = service.import(users)?.split();
                *owed = Some(match owed.take() {
                    Some(earlier) => earlier.then(batch),
                    None => batch,
                });
                Ok(outcomes)
            }
            Backend::Remote { caller, .. } => {
                // What the command's own policy refuses is not sent at all.
                let mut outcomes: Vec<Option<Result<uuid::Uuid>>> = Vec::with_capacity(users.len());
                let mut sent = Vec::with_capacity(users.len());
                for user in users {
                    match refused_by(caller, &user) {
                        Some(e) => outcomes.push(Some(Err(e))),
                        None => {
                            outcomes.push(None);
                            sent.push(user);
                        }
                    }
                }
                let mut answers = if sent.is_empty() {
                    Vec::new()
                } else {
                    match self.call(Request::Import { users: sent })? {
                        Response::Imported(answers) => answers,
                        other => return Err(unexpected(&other)),
                    }
                }
                .into_iter();
                outcomes
                    .into_iter()
                    .map(|outcome| {
                        outcome.or_else(|| answers.next()).ok_or_else(|| {
                            Error::internal("the server answered for fewer users than were sent")
                        })
                    })
                    .collect()
            }
        }
    }

    /// A bulk delete; done locally, it reports progress as it goes.
    fn delete_many(&self, request: DeleteMany, progress: &dyn Fn(u64)) -> Result<DeleteManyReport> {
        match self {
            Backend::Local(service) => service
                .delete_many(&request, progress, &crate::interrupt::stop_requested)?
                .wait(),
            Backend::Remote { client, .. } => match client.borrow_mut().call_until(
                Request::DeleteMany(request),
                &crate::interrupt::stop_requested,
            )? {
                Response::DeleteMany(report) => Ok(report),
                other => Err(unexpected(&other)),
            },
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
            emit(printer.user(out, &user))?;
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
        Command::User(UserCommand::Delete { user, yes }) => {
            let named = user.to_string();
            let target = if yes {
                user
            } else {
                // Looked up, then the database let go while the person decides.
                let shown = expect_user(open()?.call(Request::GetUser { user: user.clone() })?)?;
                confirm(&format!(
                    "Delete user {} <{}>?",
                    shown.username, shown.email
                ))?;
                UserRef::Id(shown.id)
            };
            crate::interrupt::writing();
            let deleted =
                open()?
                    .call(Request::DeleteUser { user: target })
                    .map_err(|e| match e {
                        Error::NotFound(_) => Error::NotFound(format!("user {named} not found")),
                        e => e,
                    })?;
            emit(printer.deleted(out, &expect_user(deleted)?))
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
        Command::Serve(_) => Err(Error::internal("serve is not an operation")),
    }
}

/// A username the caller's own configuration reserves is refused here, so a
/// running server with another list cannot let it through.
fn check_reserved(caller: &service::Config, username: &crate::domain::Username) -> Result<()> {
    if caller.reserved.contains(username.as_str()) {
        return Err(Error::Conflict(format!("username {username} is reserved")));
    }
    Ok(())
}

/// What the command's own configuration refuses of an imported user.
fn refused_by(caller: &service::Config, user: &ImportUser) -> Option<Error> {
    if let Err(e) = check_reserved(caller, &user.user.username) {
        return Some(e);
    }
    match &user.secret {
        crate::transfer::ImportSecret::Password(p) => caller
            .password_policy
            .check(p, &[user.user.username.as_str(), user.user.email.as_str()])
            .err()
            .map(|m| Error::invalid("password", m)),
        crate::transfer::ImportSecret::Hash(_) => None,
    }
}

/// A password given on stdin, judged by the caller's policy too.
fn checked_password(
    password: Password,
    policy: &PasswordPolicy,
    context: &[&str],
) -> Result<Password> {
    policy
        .check(&password, context)
        .map_err(|m| Error::invalid("password", m))?;
    Ok(password)
}

fn create_request(
    args: CreateArgs,
    open: &dyn Fn() -> Result<Backend>,
    caller: &service::Config,
) -> Result<Request> {
    let attributes = Attributes::parse(attr_map(&args.attrs, &[]))
        .map_err(|m| Error::invalid("attributes", m))?;
    check_reserved(caller, &args.username)?;
    let context = [args.username.as_str(), args.email.as_str()];
    let prompting = !args.password.generate_password && !args.password.password_stdin;
    if prompting && io::stdin().is_terminal() {
        // Before asking for a password twice: is the name free at all?
        let backend = open()?;
        for user in [
            UserRef::Username(args.username.clone()),
            UserRef::Email(args.email.clone()),
        ] {
            match backend.call(Request::GetUser { user: user.clone() }) {
                Ok(_) => {
                    let what = match user {
                        UserRef::Username(_) => "username",
                        _ => "email",
                    };
                    return Err(Error::Conflict(format!("{what} {user} is already taken")));
                }
                Err(Error::NotFound(_)) => {}
                Err(e) => return Err(e),
            }
        }
    }
    let password = read_new_password(&args.password, true, &caller.password_policy, &context)?
        .ok_or_else(|| Error::internal("a new user always gets a password"))?;
    Ok(Request::CreateUser(NewUser {
        username: args.username,
        email: args.email,
        name: args.name.and_then(|n| n.0),
        role: args.role.into(),
        attributes,
        must_change_password: args.must_change_password,
        password,
    }))
}

fn update_request(
    args: UpdateArgs,
    open: &dyn Fn() -> Result<Backend>,
    caller: &service::Config,
) -> Result<Request> {
    if let Some(name) = &args.username {
        check_reserved(caller, name)?;
    }
    let wants_password =
        args.prompt_password || args.password.password_stdin || args.password.generate_password;
    let password = if wants_password {
        // The account's own words make a weak password; fetch them for the
        // check, and let the database go before reading the password.
        let current = expect_user(open()?.call(Request::GetUser {
            user: args.user.clone(),
        })?)?;
        let username = args.username.as_ref().unwrap_or(&current.username);
        let email = args.email.as_ref().unwrap_or(&current.email);
        read_new_password(
            &args.password,
            args.prompt_password,
            &caller.password_policy,
            &[username.as_str(), email.as_str()],
        )?
    } else {
        None
    };
    let attributes = (!args.attrs.is_empty() || !args.unset_attrs.is_empty())
        .then(|| attr_map(&args.attrs, &args.unset_attrs));
    let blocked = match (args.block, args.unblock) {
        (true, _) => Some(true),
        (_, true) => Some(false),
        _ => None,
    };
    let patch = UserPatch {
        username: args.username,
        email: args.email,
        name: args.name.map(|n| n.0),
        role: args.role.map(Into::into),
        attributes,
        blocked,
        block_reason: args.reason.map(Some),
        must_change_password: args.must_change_password,
        password,
        current_password: None,
    };
    if patch.is_empty() {
        return Err(Error::usage(
            "nothing to change: name at least one field to update (see usersctl user update --help)",
        ));
    }
    Ok(Request::UpdateUser {
        user: args.user,
        patch,
    })
}

fn attr_map(set: &[KeyValue], unset: &[String]) -> Map<String, Value> {
    let mut map: Map<String, Value> = set
        .iter()
        .map(|kv| (kv.key.clone(), Value::String(kv.value.clone())))
        .collect();
    for key in unset {
        map.insert(key.clone(), Value::Null);
    }
    map
}

/// A table shows one page and says on stderr how to get the next. For
/// scripts (`-o name`, `-o json`) with no `--limit`, every match is written,
/// a page at a time as it is read, so memory stays flat.
fn list(backend: &Backend, args: ListArgs, printer: &Printer, out: &mut dyn Write) -> Result<()> {
    let every = args.limit.is_none() && printer.format != Format::Table;
    let mut query = list_query(args);
    if !every {
        let page = expect_page(backend.call(Request::ListUsers(query))?)?;
        return emit(printer.page(out, &page));
    }
    query.limit = Some(ListQuery::MAX_LIMIT);
    let mut first = true;
    loop {
        let page = expect_page(backend.call(Request::ListUsers(query.clone()))?)?;
        let last = page.next_cursor.is_none();
        emit(printer.page_part(out, &page, first, last))?;
        if last {
            return Ok(());
        }
        first = false;
        query.cursor = page.next_cursor;
    }
}

fn expect_page(response: Response) -> Result<crate::ops::Page> {
    match response {
        Response::Page(page) => Ok(page),
        other => Err(unexpected(&other)),
    }
}

fn list_query(args: ListArgs) -> ListQuery {
    ListQuery {
        role: args.role.map(Into::into),
        blocked: match (args.blocked, args.active) {
            (true, _) => Some(true),
            (_, true) => Some(false),
            _ => None,
        },
        search: args.search,
        limit: Some(args.limit.map_or(ListQuery::DEFAULT_LIMIT, usize::from)),
        cursor: args.cursor,
    }
}

fn delete_many(
    open: &dyn Fn() -> Result<Backend>,
    args: DeleteManyArgs,
    printer: &Printer,
    out: &mut dyn Write,
) -> Result<()> {
    let from_stdin = args.from.as_deref().is_some_and(|p| p.as_os_str() == "-");
    let mut users = args.users;
    if let Some(from) = &args.from {
        users.extend(read_names(from)?);
    }
    if users.is_empty() {
        return Err(Error::usage(
            "no users named: give names as arguments, or with --from FILE (- for stdin)",
        ));
    }
    if !args.yes && !args.dry_run {
        if from_stdin {
            return Err(Error::usage(
                "refusing to delete names read from stdin without --yes",
            ));
        }
        // Counted as users, not names: looked up, then the database let go
        // while the person decides.
        let found = open()?.delete_many(
            DeleteMany {
                users: users.clone(),
                dry_run: true,
            },
            &|_| {},
        )?;
        let n = found.deleted.len();
        if n > 0 {
            confirm(&format!(
                "Delete {n} user{}?",
                if n == 1 { "" } else { "s" }
            ))?;
        }
    }
    // Every name is read (a pipe from another usersctl has ended, and let the
    // database go) before the database is taken.
    let backend = open()?;
    if !args.dry_run {
        crate::interrupt::writing();
    }
    let request = DeleteMany {
        users,
        dry_run: args.dry_run,
    };
    let bar = if matches!(backend, Backend::Remote { .. }) {
        // The server does the work and says nothing until it is done.
        let bar = progress_bar(
            printer,
            request.users.len() as u64,
            "{spinner} {len} names handed to the running server",
        );
        bar.enable_steady_tick(Duration::from_millis(100));
        bar
    } else {
        progress_bar(
            printer,
            request.users.len() as u64,
            "{bar:40} {pos}/{len} users ({eta} left)",
        )
    };
    let report = backend.delete_many(request, &|done| bar.set_position(done));
    bar.finish_and_clear();
    let report = report?;
    emit(printer.delete_report(out, &report))?;
    let deleted = report.deleted.len();
    if report.interrupted {
        return Err(Error::Interrupted(format!(
            "interrupted: {} {deleted} user{} before stopping; {} name{} not handled (listed above)",
            if report.dry_run { "found" } else { "deleted" },
            if deleted == 1 { "" } else { "s" },
            report.remaining.len(),
            if report.remaining.len() == 1 {
                " was"
            } else {
                "s were"
            },
        )));
    }
    if report.not_found.is_empty() {
        return Ok(());
    }
    let rest = match (report.dry_run, deleted) {
        (true, _) => String::new(),
        (false, 0) => "; nothing was deleted".to_owned(),
        (false, n) => format!(
            "; {n} user{} deleted",
            if n == 1 { " was" } else { "s were" }
        ),
    };
    Err(Error::PartlyNotFound(format!(
        "{} of the named users {} not found{rest}",
        report.not_found.len(),
        if report.not_found.len() == 1 {
            "was"
        } else {
            "were"
        },
    )))
}

/// Users per import transaction, and per export page.
const TRANSFER_BATCH: usize = 1000;

/// Lines of an import from stdin read before the database is taken.
const PREFETCH_LINES: usize = 50_000;

/// Writes every user as a JSON line, a page at a time, so memory stays flat
/// however many users there are.
/// Where an export goes: stdout, or `--to FILE`, made anew, owner-only and
/// never through a symbolic link (the hashes must not land in a file someone
/// else set up); with `--force` an existing file of the caller's own is
/// replaced.
fn export_sink(args: &crate::cli::ExportArgs, printer: &Printer) -> Result<Box<dyn Write>> {
    use std::os::unix::fs::MetadataExt;
    let Some(path) = args.to.as_deref() else {
        if io::stdout().is_terminal() && !printer.quiet {
            crate::warn(
                "the export holds password hashes; redirect it to a file (or use --to FILE)",
            );
        }
        return Ok(Box::new(io::stdout().lock()));
    };
    let cannot = |e: io::Error| {
        let shown = path.display();
        Error::usage(match e.raw_os_error() {
            Some(libc::ELOOP) => format!("refusing to write {shown}: it is a symbolic link"),
            Some(libc::EEXIST) => format!(
                "refusing to write {shown}: it exists (--force replaces a file of your own)"
            ),
            _ => format!("cannot write {shown}: {e}"),
        })
    };
    let mut options = std::fs::OpenOptions::new();
    options
        .write(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC);
    if !args.force {
        let file = options.create_new(true).open(path).map_err(cannot)?;
        return Ok(Box::new(file));
    }
    let file = options.create(true).open(path).map_err(cannot)?;
    let meta = file.metadata()?;
    let me = rustix::process::geteuid().as_raw();
    if !meta.is_file() || meta.uid() != me {
        return Err(Error::usage(format!(
            "refusing to write {}: it is not a plain file of your own (uid {}, yours {me})",
            path.display(),
            meta.uid()
        )));
    }
    // Emptied only once it is known to be ours; and owner-only, whatever it was.
    file.set_len(0)?;
    file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    Ok(Box::new(file))
}

/// Writes every user to `sink`; returns how many.
fn export(backend: &Backend, sink: Box<dyn Write>) -> Result<usize> {
    let mut out = io::BufWriter::with_capacity(1 << 16, sink);
    let exported = match backend {
        Backend::Local(service) => export_local(service, &mut out),
        Backend::Remote { .. } => export_pages(backend, &mut out),
    };
    let count = match exported {
        Ok(count) => count,
        Err(Stop::Write(e)) => return emit(Err(e)).map(|()| 0),
        Err(Stop::Failed(e)) => return Err(e),
    };
    emit(out.flush())?;
    Ok(count)
}

/// Why an export ended early: its output could not be written, or a user could
/// not be read.
enum Stop {
    Write(io::Error),
    Failed(Error),
}

impl From<Error> for Stop {
    fn from(e: Error) -> Self {
        Stop::Failed(e)
    }
}

/// The lines written straight from the stored records, a batch at a time.
fn export_local(service: &Service, out: &mut impl Write) -> Result<usize, Stop> {
    let mut write_error = None;
    let exported = service.export_lines(TRANSFER_BATCH as u64, &mut |lines| {
        let written = out.write_all(lines);
        lines.clear();
        written.map_err(|e| {
            write_error = Some(e);
            Error::internal("the export could not be written")
        })
    });
    match (exported, write_error) {
        (_, Some(e)) => Err(Stop::Write(e)),
        (Ok(count), None) => Ok(count as usize),
        (Err(e), None) => Err(Stop::Failed(e)),
    }
}

/// The lines of the users a server sends, a page at a time.
fn export_pages(backend: &Backend, out: &mut impl Write) -> Result<usize, Stop> {
    let mut after = None;
    let mut count = 0usize;
    loop {
        let page = match backend.call(Request::Export {
            after,
            limit: TRANSFER_BATCH,
        })? {
            Response::Exported(page) => page,
            other => return Err(unexpected(&other).into()),
        };
        for account in &page {
            let line = ExportLine {
                user: &account.user,
                password_hash: &account.password_hash,
            };
            serde_json::to_writer(&mut *out, &line)
                .map_err(io::Error::from)
                .and_then(|()| out.write_all(b"\n"))
                .map_err(Stop::Write)?;
        }
        count += page.len();
        match page.last() {
            Some(last) if page.len() == TRANSFER_BATCH => after = Some(last.user.id),
            _ => return Ok(count),
        }
    }
}

/// One refused import line.
#[derive(serde::Serialize)]
struct RefusedLine {
    line: u64,
    error: &'static str,
    message: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    details: Vec<crate::error::FieldError>,
}

#[derive(serde::Serialize, Default)]
struct ImportReport {
    imported: usize,
    refused: Vec<RefusedLine>,
    /// With --atomic and a refused line: what had been stored was removed again.
    rolled_back: bool,
    /// Stopped by Ctrl-C: lines after `last_line` were not read.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    interrupted: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_line: Option<u64>,
}

/// Loads JSON Lines in batches; each bad line is reported with its number and
/// nothing of it is stored. With `--atomic`, any bad line means nothing at all
/// is kept: batches already stored are deleted again.
fn import(
    open: &dyn Fn() -> Result<Backend>,
    args: ImportArgs,
    printer: &Printer,
    out: &mut dyn Write,
) -> Result<()> {
    let (file, size) = if args.file.as_os_str() == "-" {
        (None, None)
    } else {
        let file = std::fs::File::open(&args.file)
            .map_err(|e| Error::usage(format!("cannot read {}: {e}", args.file.display())))?;
        let size = file.metadata().ok().map(|m| m.len());
        (Some(file), size)
    };
    // Lines are read and parsed on a thread of their own while the batches
    // before them are stored.
    let from_stdin = file.is_none();
    let source = args.file.display().to_string();
    let (chunks, parsed_chunks) = std::sync::mpsc::sync_channel(4);
    std::thread::spawn(move || parse_lines(file, &source, &chunks));
    // A pipe is read ahead before the database is taken, so that whatever
    // writes into it (perhaps another usersctl on this database) can finish
    // and let the database go; past PREFETCH_LINES the import streams.
    let mut early = Vec::new();
    if from_stdin {
        let mut lines = 0;
        while lines < PREFETCH_LINES {
            let Ok(chunk) = parsed_chunks.recv() else {
                break;
            };
            lines += chunk.as_ref().map_or(0, Vec::len);
            early.push(chunk);
        }
    }
    let backend = &open()?;
    crate::interrupt::writing();
    // Progress in lines (users); from stdin, with no end known, a count.
    let bar = match size {
        Some(_) if !printer.quiet && io::stderr().is_terminal() => progress_bar(
            printer,
            count_lines(&args.file)?,
            "{bar:40} {pos}/{len} lines ({eta} left)",
        ),
        _ => progress_bar(printer, 0, "{spinner} {pos} lines done"),
    };
    let mut report = ImportReport::default();
    let mut owed = None;
    let mut stored: Vec<uuid::Uuid> = Vec::new();
    let mut batch: Vec<(u64, ImportUser)> = Vec::with_capacity(TRANSFER_BATCH);
    let mut store = |batch: &mut Vec<(u64, ImportUser)>, report: &mut ImportReport| -> Result<()> {
        if batch.is_empty() {
            return Ok(());
        }
        let (lines, users): (Vec<u64>, Vec<ImportUser>) = batch.drain(..).unzip();
        let outcomes = backend.import(users, &mut owed)?;
        for (line, outcome) in lines.into_iter().zip(outcomes) {
            match outcome {
                Ok(id) => {
                    report.imported += 1;
                    if args.atomic {
                        stored.push(id);
                    }
                }
                Err(e) => report.refused.push(refused(line, &e)),
            }
        }
        Ok(())
    };
    let mut last_line = 0u64;
    for chunk in early.into_iter().chain(parsed_chunks) {
        // Ctrl-C stops between batches; what was stored is reported.
        if crate::interrupt::stop_requested() {
            report.interrupted = true;
            break;
        }
        for (line_no, parsed) in chunk? {
            last_line = line_no;
            match parsed {
                Ok(None) => {}
                Ok(Some(user)) => batch.push((line_no, user)),
                Err(e) => report.refused.push(refused(line_no, &e)),
            }
            // With --atomic, once a line is bad nothing more is stored; the
            // rest is still read so that every bad line is reported.
            // The bar moves as lines are done with, not as they are read:
            // reading runs far ahead of hashing and storing.
            if args.atomic && !report.refused.is_empty() {
                batch.clear();
                bar.set_position(line_no);
            } else if batch.len() == TRANSFER_BATCH {
                store(&mut batch, &mut report)?;
                bar.set_position(line_no);
            }
        }
    }
    if report.interrupted {
        // The lines of the batch in hand were read but are not stored.
        report.last_line = Some(
            batch
                .first()
                .map_or(last_line, |(line, _)| line.saturating_sub(1)),
        );
        batch.clear();
    }
    if !args.atomic || report.refused.is_empty() {
        store(&mut batch, &mut report)?;
    }
    bar.set_position(report.last_line.unwrap_or(last_line));
    // Durable before anything is reported as imported.
    if let Some(owed) = owed {
        owed.wait()?;
    }
    bar.finish_and_clear();
    if args.atomic && (!report.refused.is_empty() || report.interrupted) && !stored.is_empty() {
        for ids in stored.chunks(TRANSFER_BATCH) {
            let users = ids.iter().map(ToString::to_string).collect();
            backend.delete_many(
                DeleteMany {
                    users,
                    dry_run: false,
                },
                &|_| {},
            )?;
        }
        report.imported = 0;
        report.rolled_back = true;
    }
    // Conflicts surface when their batch is stored, after later syntax errors.
    report.refused.sort_by_key(|r| r.line);
    print_import_report(printer, out, &report)
}

/// A parsed import line: `None` for a blank one.
type ParsedLine = (u64, Result<Option<ImportUser>>);

/// Reads `file` (stdin when `None`) and sends its lines, parsed, in chunks,
/// until the receiver hangs up.
fn parse_lines(
    file: Option<std::fs::File>,
    source: &str,
    chunks: &std::sync::mpsc::SyncSender<Result<Vec<ParsedLine>>>,
) {
    let mut reader: Box<dyn BufRead> = match file {
        Some(file) => Box::new(io::BufReader::with_capacity(1 << 16, file)),
        None => Box::new(io::BufReader::with_capacity(1 << 16, io::stdin())),
    };
    let mut raw = Vec::new();
    let mut line_no = 0u64;
    loop {
        let mut chunk = Vec::with_capacity(TRANSFER_BATCH);
        while chunk.len() < TRANSFER_BATCH {
            raw.clear();
            match reader.read_until(b'\n', &mut raw) {
                Ok(0) => break,
                Ok(_) => {}
                Err(e) => {
                    let _ = chunks.send(Err(Error::usage(format!("cannot read {source}: {e}"))));
                    return;
                }
            }
            line_no += 1;
            let parsed = std::str::from_utf8(&raw)
                .map_err(|_| Error::usage("not valid UTF-8"))
                .and_then(|line| match line.trim() {
                    "" => Ok(None),
                    line => ImportUser::parse_line(line).map(Some),
                });
            chunk.push((line_no, parsed));
        }
        let last = chunk.len() < TRANSFER_BATCH;
        if chunks.send(Ok(chunk)).is_err() || last {
            return;
        }
    }
}

/// Lines in a file, for the progress bar's total (one cheap pass over bytes
/// that are in the page cache afterwards anyway).
fn count_lines(path: &Path) -> Result<u64> {
    let mut file = std::fs::File::open(path)?;
    let mut buf = vec![0u8; 1 << 16];
    let (mut lines, mut last) = (0u64, b'\n');
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        lines += buf[..n].iter().filter(|&&b| b == b'\n').count() as u64;
        last = buf[n - 1];
    }
    Ok(lines + u64::from(last != b'\n'))
}

fn refused(line: u64, err: &Error) -> RefusedLine {
    RefusedLine {
        line,
        error: err.code(),
        message: err.to_string(),
        details: err.details().to_vec(),
    }
}

fn print_import_report(
    printer: &Printer,
    out: &mut dyn Write,
    report: &ImportReport,
) -> Result<()> {
    if printer.format == Format::Json {
        emit(printer.json(out, report))?;
    } else {
        for r in &report.refused {
            eprintln!("usersctl: line {}: {}", r.line, r.message);
        }
        let n = report.imported;
        printer.note(&format!(
            "imported {n} user{}",
            if n == 1 { "" } else { "s" }
        ));
    }
    if report.interrupted {
        let n = report.imported;
        return Err(Error::Interrupted(format!(
            "interrupted after line {}: {}",
            report.last_line.unwrap_or(0),
            if report.rolled_back || n == 0 {
                "nothing was imported".to_owned()
            } else {
                format!(
                    "{n} user{} imported; the lines after it were not",
                    if n == 1 { " was" } else { "s were" }
                )
            }
        )));
    }
    if report.refused.is_empty() {
        return Ok(());
    }
    let n = report.refused.len();
    let summary = format!(
        "{n} line{} refused{}",
        if n == 1 { "" } else { "s" },
        if report.rolled_back || report.imported == 0 {
            "; nothing was imported"
        } else {
            "; the other lines were imported"
        }
    );
    if report.refused.iter().any(|r| r.error != "conflict") {
        Err(Error::usage(summary))
    } else {
        Err(Error::Conflict(summary))
    }
}

/// A progress bar on a terminal (nothing otherwise), drawn with `template`.
fn progress_bar(printer: &Printer, len: u64, template: &str) -> indicatif::ProgressBar {
    if printer.quiet || !io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len);
    if let Ok(style) = indicatif::ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    bar
}

fn read_names(from: &std::path::Path) -> Result<Vec<String>> {
    let reader: Box<dyn BufRead> = if from.as_os_str() == "-" {
        Box::new(io::stdin().lock())
    } else {
        let file = std::fs::File::open(from)
            .map_err(|e| Error::usage(format!("cannot read {}: {e}", from.display())))?;
        Box::new(io::BufReader::new(file))
    };
    let mut names = Vec::new();
    for (n, line) in reader.lines().enumerate() {
        let line =
            line.map_err(|e| Error::usage(format!("{}: line {}: {e}", from.display(), n + 1)))?;
        let name = line.trim();
        if !name.is_empty() && !name.starts_with('#') {
            names.push(name.to_owned());
        }
    }
    Ok(names)
}

fn authenticate_request(args: AuthenticateArgs) -> Result<Request> {
    let password = if args.password_stdin {
        read_stdin_password()?
    } else if io::stdin().is_terminal() {
        let entered = Tty::open("use --password-stdin")?
            .secret(&format!("Password for {}", args.username))?;
        Password::parse(entered).map_err(|m| Error::invalid("password", m))?
    } else {
        return Err(Error::usage(
            "no password given and stdin is not a terminal: use --password-stdin",
        ));
    };
    Ok(Request::Authenticate(Credentials {
        client: None,
        username: args.username,
        password,
        ttl_secs: args.ttl.map(|d| d.as_secs().max(1)),
    }))
}

/// A new password from the source the operator chose; on a terminal with no
/// source named, a prompt (asked twice) when `prompt_by_default`.
fn read_new_password(
    source: &PasswordSource,
    prompt_by_default: bool,
    policy: &PasswordPolicy,
    context: &[&str],
) -> Result<Option<PasswordChoice>> {
    if source.generate_password {
        return Ok(Some(PasswordChoice::Generate));
    }
    if source.password_stdin {
        let given = checked_password(read_stdin_password()?, policy, context)?;
        return Ok(Some(PasswordChoice::Given(given)));
    }
    if !prompt_by_default {
        return Ok(None);
    }
    if !io::stdin().is_terminal() {
        return Err(Error::usage(
            "no password given and stdin is not a terminal: use --password-stdin or --generate-password",
        ));
    }
    let mut tty = Tty::open("use --password-stdin or --generate-password")?;
    let entered = tty.new_password(|p| {
        let p = Password::parse(p)?;
        policy.check(&p, context)
    })?;
    Password::parse(entered)
        .map(|p| Some(PasswordChoice::Given(p)))
        .map_err(|m| Error::invalid("password", m))
}

/// The first line of stdin, without its line ending, and nothing else of it
/// (not echoed when stdin is a terminal).
fn read_stdin_password() -> Result<Password> {
    let line = crate::prompt::stdin_line(Password::MAX_BYTES as u64 + 3)?;
    if line.is_empty() {
        return Err(Error::invalid("password", "stdin held no password"));
    }
    Password::parse(line).map_err(|m| Error::invalid("password", m))
}

/// Asks on the terminal; refuses outright when stdin is not one.
fn confirm(question: &str) -> Result<()> {
    if !io::stdin().is_terminal() {
        return Err(Error::usage(
            "refusing to delete without --yes: stdin is not a terminal",
        ));
    }
    if Tty::open("use --yes")?.confirm(question)? {
        Ok(())
    } else {
        Err(Error::Interrupted(
            "cancelled; nothing was deleted".to_owned(),
        ))
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
        Response::DeleteMany(_) => "delete report",
        Response::Token(_) => "token",
        Response::Imported(_) => "import report",
        Response::Exported(_) => "export page",
        Response::Check(_) => "check report",
        Response::Throttled(_) => "throttle state",
        Response::Unlocked(_) => "unlock outcome",
    };
    Error::internal(format!("unexpected {kind} response"))
}

/// The printer for the parsed options, honouring `NO_COLOR` implicitly: nothing
/// usersctl prints is coloured when stdout is not a terminal.
pub fn printer(cli: &Cli) -> Printer {
    let no_headers = matches!(
        &cli.command,
        Command::Users(UsersCommand::List(ListArgs {
            no_headers: true,
            ..
        }))
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
