//! The command-line definition: clap types only. Arguments are typed, so bad
//! input is refused by the parser with a clear message and exit code 2.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use clap::builder::BoolishValueParser;
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::database::Database;
use crate::domain::audit::Action;
use crate::domain::{DisplayName, Email, GroupRef, Role, Sort, Timestamp, UserRef, Username};

pub const EXIT_CODES: &str = "\
Exit codes:
  0    success
  1    unexpected failure (I/O, internal)
  2    invalid usage or invalid input
  3    not found (delete-many: at least one named user did not exist; the rest were deleted)
  4    conflict: username or email taken, or reserved username
  5    authentication failed, or the account is blocked
  6    database unavailable: locked by another process, unreadable, or from a newer version
  130  interrupted (at a prompt nothing changed; during bulk work the report says what was done)";

#[derive(Debug, Parser)]
#[command(
    name = "usersctl",
    version,
    about = "Manage user accounts from a terminal, from scripts, and over HTTP",
    long_about = "Manage user accounts from a terminal, from scripts, and over HTTP.\n\n\
        Data lives in an embedded database directory (--db), or in PostgreSQL \
        (--db postgres://…) for several servers on one database. Passwords are never \
        taken as arguments: they are prompted for, read with --password-stdin, or generated.",
    after_long_help = EXIT_CODES,
    propagate_version = true
)]
pub struct Cli {
    /// Database directory, or a postgres:// URL (put a URL with a password in
    /// USERSCTL_DB, or the password in PGPASSWORD, not on the command line)
    /// [default: the platform data directory, e.g. ~/.local/share/usersctl]
    #[arg(long, env = "USERSCTL_DB", global = true, value_name = "PATH|URL",
          hide_env_values = true, value_parser = DatabaseParser)]
    pub db: Option<Database>,

    /// Make the database if --db names none (only `user create` and `users import` do so unasked)
    #[arg(long, env = "USERSCTL_INIT", global = true, value_parser = BoolishValueParser::new())]
    pub init: bool,

    /// Output format: a table, JSON for scripts, or one username per line for pipes
    #[arg(short, long, env = "USERSCTL_OUTPUT", global = true, value_enum, default_value_t = Format::Table)]
    pub output: Format,

    /// Print only what was asked for: no notes, summaries or progress bars
    #[arg(short, long, env = "USERSCTL_QUIET", global = true, value_parser = BoolishValueParser::new())]
    pub quiet: bool,

    /// How long to wait for a database another command holds, e.g. 10s (0 to fail at once)
    #[arg(long, env = "USERSCTL_WAIT", global = true, value_parser = parse_wait, default_value = "5s", value_name = "DURATION")]
    pub wait: Duration,

    /// Minimum length of new passwords, in characters
    #[arg(long, env = "USERSCTL_MIN_PASSWORD_LENGTH", global = true, default_value_t = 8,
          value_parser = clap::value_parser!(u16).range(8..=1024), value_name = "N")]
    pub min_password_length: u16,

    /// Comma-separated usernames nobody may take [default: root, administrator, system, …]
    #[arg(
        long,
        env = "USERSCTL_RESERVED_NAMES",
        global = true,
        value_delimiter = ',',
        value_name = "NAMES"
    )]
    pub reserved_names: Option<Vec<Username>>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Human-readable tables
    Table,
    /// Tables with every column (for `users list`: name, last login, id)
    Wide,
    /// JSON on stdout (and errors as JSON on stderr)
    Json,
    /// One username per line
    Name,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show, create, change or delete one user
    #[command(subcommand)]
    User(UserCommand),
    /// List users, and bulk operations
    #[command(subcommand)]
    Users(UsersCommand),
    /// Groups of users: create, show, rename, delete, and their members
    #[command(subcommand)]
    Group(GroupCommand),
    /// API keys for services: a key acts as its user, sent as
    /// `Authorization: Bearer <key>`
    #[command(subcommand)]
    Key(KeyCommand),
    /// Show or change the database's settings (shared by every process on it)
    #[command(subcommand)]
    Settings(SettingsCommand),
    /// Read the audit trail (every change and login: who, from where, when),
    /// or verify it
    Audit(AuditArgs),
    /// Check a password and print a token and its expiry
    Authenticate(AuthenticateArgs),
    /// Run the HTTP interface on the same database
    Serve(ServeArgs),
    /// Create or upgrade the schema of a PostgreSQL database (safe to run
    /// from several places at once)
    Migrate,
    /// Verify that records and indexes agree and every hash parses
    Check {
        /// Rebuild the username and email indexes from the records first,
        /// and mend damaged files, keeping a copy of them as they were
        #[arg(long)]
        repair: bool,
        /// With --repair: keep what can be read even when that is fewer
        /// users than the database held at its last clean shutdown
        #[arg(long, requires = "repair")]
        force: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Show one user, named by id, username or email
    Get {
        #[arg(value_name = "USER")]
        user: UserRef,
    },
    /// Create a user
    Create(CreateArgs),
    /// Change only the fields named
    Update(UpdateArgs),
    /// Delete one user: to the recycle bin, whence `user restore` brings it back
    Delete {
        #[arg(value_name = "USER")]
        user: UserRef,
        /// Do not ask for confirmation (required when stdin is not a terminal)
        #[arg(short, long)]
        yes: bool,
        /// Delete for good, not to the recycle bin (for erasure requests)
        #[arg(long)]
        purge: bool,
    },
    /// Bring a deleted user back from the recycle bin, whole (id, password,
    /// attributes, timestamps); tokens from before the delete stay dead
    Restore {
        /// Id, username or email it had
        #[arg(value_name = "USER")]
        user: UserRef,
        /// Restore it under this username (its own has been taken meanwhile)
        #[arg(long, value_name = "USERNAME")]
        rename: Option<Username>,
    },
    /// Remove a deleted user from the recycle bin for good (every one USER names)
    Purge {
        /// Id, username or email it had
        #[arg(value_name = "USER")]
        user: UserRef,
        /// Do not ask for confirmation (required when stdin is not a terminal)
        #[arg(short, long)]
        yes: bool,
    },
    /// Forget the failed logins a running server counted against the user's names
    Unlock {
        #[arg(value_name = "USER")]
        user: UserRef,
    },
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    /// 3–32 characters of a-z 0-9 . _ -, starting with a letter or digit
    pub username: Username,
    #[arg(long)]
    pub email: Email,
    /// Display name
    #[arg(long, value_parser = parse_name)]
    pub name: Option<NameArg>,
    #[arg(long, value_enum, default_value_t = RoleArg::User)]
    pub role: RoleArg,
    /// Set an attribute (repeatable); the value is stored as a string
    #[arg(long = "attr", value_name = "KEY=VALUE")]
    pub attrs: Vec<KeyValue>,
    /// Require a new password at first login
    #[arg(long)]
    pub must_change_password: bool,
    #[command(flatten)]
    pub password: PasswordSource,
}

#[derive(Debug, Args)]
#[group(multiple = false)]
pub struct PasswordSource {
    /// Read the password from the first line of stdin
    #[arg(long)]
    pub password_stdin: bool,
    /// Generate a strong random password and print it once
    #[arg(long)]
    pub generate_password: bool,
}

#[derive(Debug, Args)]
pub struct UpdateArgs {
    #[arg(value_name = "USER")]
    pub user: UserRef,
    /// New username
    #[arg(long)]
    pub username: Option<Username>,
    #[arg(long)]
    pub email: Option<Email>,
    /// New display name; an empty string removes it
    #[arg(long, value_parser = parse_name)]
    pub name: Option<NameArg>,
    #[arg(long, value_enum)]
    pub role: Option<RoleArg>,
    /// Set an attribute (repeatable); the value is stored as a string
    #[arg(long = "attr", value_name = "KEY=VALUE")]
    pub attrs: Vec<KeyValue>,
    /// Remove an attribute (repeatable)
    #[arg(long = "unset-attr", value_name = "KEY")]
    pub unset_attrs: Vec<String>,
    /// Block the user: it can no longer log in, and its tokens stop working
    #[arg(long, conflicts_with = "unblock")]
    pub block: bool,
    /// Why the user is blocked (shown to operators only)
    #[arg(long, requires = "block", value_name = "REASON")]
    pub reason: Option<String>,
    /// Unblock the user
    #[arg(long)]
    pub unblock: bool,
    /// Require (true) or stop requiring (false) a new password at next login
    #[arg(long, value_name = "BOOL", action = clap::ArgAction::Set)]
    pub must_change_password: Option<bool>,
    /// Ask for a new password on the terminal (twice)
    #[arg(long, conflicts_with_all = ["password_stdin", "generate_password"])]
    pub prompt_password: bool,
    #[command(flatten)]
    pub password: PasswordSource,
}

#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// List users, oldest first unless sorted otherwise, a page at a time
    List(UsersListArgs),
    /// Delete many users (to the recycle bin), reporting each one's outcome
    DeleteMany(DeleteManyArgs),
    /// List the recycle bin: deleted users, kept for the bin_retention setting
    Deleted(ListArgs),
    /// Bring many deleted users back from the recycle bin, reporting each one's outcome
    Restore(RestoreArgs),
    /// Empty the recycle bin for good, or only of what was deleted long ago
    Purge(PurgeArgs),
    /// Load users from JSON Lines (a file, or "-" for stdin)
    Import(ImportArgs),
    /// Write every user, with its password hash, as JSON Lines
    Export(ExportArgs),
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// Users to restore (ids, usernames or emails they had)
    #[arg(value_name = "USER")]
    pub users: Vec<String>,
    /// Read users from FILE, one per line ("-" for stdin)
    #[arg(long, value_name = "FILE")]
    pub from: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct PurgeArgs {
    /// Only users deleted longer ago than DURATION, e.g. 7d
    #[arg(long, value_parser = parse_duration, value_name = "DURATION")]
    pub older_than: Option<Duration>,
    /// Do not ask for confirmation (required when stdin is not a terminal)
    #[arg(short, long)]
    pub yes: bool,
}

#[derive(Debug, Subcommand)]
pub enum GroupCommand {
    /// Create a group (its name follows the username rules)
    Create {
        #[arg(value_name = "NAME")]
        name: Username,
        /// Display name
        #[arg(long, value_parser = parse_name)]
        display_name: Option<NameArg>,
    },
    /// Show one group, named by id or name
    Get {
        #[arg(value_name = "GROUP")]
        group: GroupRef,
    },
    /// Change only the fields named
    Update {
        #[arg(value_name = "GROUP")]
        group: GroupRef,
        /// New name
        #[arg(long = "name", value_name = "NAME")]
        rename: Option<Username>,
        /// New display name; an empty string removes it
        #[arg(long, value_parser = parse_name)]
        display_name: Option<NameArg>,
    },
    /// Delete a group (its members stay, in no such group)
    Delete {
        #[arg(value_name = "GROUP")]
        group: GroupRef,
        /// Do not ask for confirmation (required when stdin is not a terminal)
        #[arg(short, long)]
        yes: bool,
    },
    /// List groups, oldest first (`users list --group G` lists a group's members)
    List {
        /// Page size, 1 to 1000 [default: 100 for a table; -o name and -o json list every group]
        #[arg(long, value_parser = clap::value_parser!(u16).range(1..=1000))]
        limit: Option<u16>,
        /// Continue after the page that printed this cursor
        #[arg(long, value_name = "CURSOR")]
        cursor: Option<String>,
    },
    /// Add users (ids, usernames or emails) to a group
    Add(MembersArgs),
    /// Remove users from a group
    Remove(MembersArgs),
}

#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Make a key and print it, once (only a hash of it is kept)
    Create {
        /// The key's name (the username rules), unique among keys
        #[arg(value_name = "NAME")]
        name: Username,
        /// The user it acts as (id, username or email)
        #[arg(long, value_name = "USER")]
        user: UserRef,
        /// It stops working after DURATION (e.g. 90d); never, without
        #[arg(long, value_parser = parse_duration, value_name = "DURATION")]
        expires: Option<Duration>,
        /// It may only read
        #[arg(long)]
        read_only: bool,
    },
    /// List keys: name, user, created, expires, last used (never the key)
    List {
        /// Page size, 1 to 1000 [default: 100 for a table; -o name and -o json list every key]
        #[arg(long, value_parser = clap::value_parser!(u16).range(1..=1000))]
        limit: Option<u16>,
        /// Continue after the page that printed this cursor
        #[arg(long, value_name = "CURSOR")]
        cursor: Option<String>,
    },
    /// Revoke a key: it stops working at once, on every server
    Revoke {
        #[arg(value_name = "NAME")]
        name: Username,
        /// Do not ask for confirmation (required when stdin is not a terminal)
        #[arg(short, long)]
        yes: bool,
    },
}

#[derive(Debug, Args)]
pub struct MembersArgs {
    /// Users (ids, usernames or emails)
    #[arg(value_name = "USER")]
    pub users: Vec<String>,
    /// The group (`--to` when adding, `--from` when removing)
    #[arg(
        long,
        visible_alias = "to",
        visible_alias = "from",
        value_name = "GROUP"
    )]
    pub group: GroupRef,
    /// Read users from FILE, one per line ("-" for stdin)
    #[arg(long, value_name = "FILE")]
    pub users_from: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum SettingsCommand {
    /// Show the database's settings
    Show,
    /// Change a setting: bin-retention (how long deleted users are kept, e.g.
    /// 30d) or audit-retention (how long audit records are kept, e.g. 365d)
    Set {
        #[arg(value_name = "NAME")]
        name: String,
        #[arg(value_name = "VALUE")]
        value: String,
    },
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct AuditArgs {
    #[command(subcommand)]
    pub command: Option<AuditCommand>,
    /// Only records about USER (id, username or email; one deleted is named
    /// by what it had, one purged by its id)
    #[arg(long, value_name = "USER")]
    pub user: Option<UserRef>,
    /// Only records of ACTOR: an operator as recorded (root@host), or a
    /// user (id, username or email) acting with its token
    #[arg(long, value_name = "ACTOR")]
    pub actor: Option<String>,
    /// Only records made at TIME or later: a date, an RFC 3339 time, or an
    /// age (2h: two hours ago)
    #[arg(long, value_parser = parse_since, value_name = "TIME")]
    pub since: Option<Timestamp>,
    /// Only records made before TIME (as --since)
    #[arg(long, value_parser = parse_since, value_name = "TIME")]
    pub until: Option<Timestamp>,
    /// Only these actions (repeat, or separate with commas): create, import,
    /// update, block, unblock, role, password_change, password_reset, delete,
    /// restore, purge, revoke_token, login, login_failed, settings
    #[arg(long = "action", value_name = "ACTION", value_delimiter = ',')]
    pub actions: Vec<Action>,
    /// Keep printing records as they are made, until Ctrl-C
    #[arg(short, long, conflicts_with = "until")]
    pub follow: bool,
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check that no record was changed, removed, reordered or inserted
    /// since it was made; exits 6 naming the first bad one
    Verify,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// JSON Lines file, one user a line ("-" for stdin). Each line has the
    /// fields of a user and either `password_hash` (argon2id, or bcrypt to
    /// migrate) or `password`.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Store nothing unless every line is good
    #[arg(long)]
    pub atomic: bool,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Write to FILE (created owner-only; never through a symbolic link) instead of stdout
    #[arg(long, value_name = "FILE")]
    pub to: Option<PathBuf>,
    /// Replace FILE if it exists (it must be a file of your own)
    #[arg(long, requires = "to")]
    pub force: bool,
}

/// Which users a listing (or a bulk delete) selects; every option narrows it.
#[derive(Debug, Args, Default)]
pub struct SelectArgs {
    #[arg(long, value_enum)]
    pub role: Option<RoleArg>,
    /// Only blocked users
    #[arg(long, conflicts_with = "active")]
    pub blocked: bool,
    /// Only users that are not blocked
    #[arg(long)]
    pub active: bool,
    /// Only users whose username, email or name contains TEXT (case-insensitive)
    #[arg(long, value_name = "TEXT")]
    pub search: Option<String>,
    /// Only users not seen for DURATION (e.g. 90d): last logged in before
    /// then, or never logged in and created before then
    #[arg(long, value_parser = parse_duration, value_name = "DURATION")]
    pub inactive_for: Option<Duration>,
    /// Only users who have never logged in
    #[arg(long)]
    pub never_logged_in: bool,
    /// Only users created before TIME (2026-01-31, or RFC 3339 such as 2026-01-31T12:00:00Z)
    #[arg(long, value_parser = parse_instant, value_name = "TIME")]
    pub created_before: Option<Timestamp>,
    /// Only users created at TIME or later (as --created-before)
    #[arg(long, value_parser = parse_instant, value_name = "TIME")]
    pub created_after: Option<Timestamp>,
    /// Only users told to change their password
    #[arg(long)]
    pub must_change_password: bool,
    /// Only members of GROUP (an id or name)
    #[arg(long, value_name = "GROUP")]
    pub group: Option<GroupRef>,
}

impl SelectArgs {
    /// Whether any option narrows the selection.
    pub fn narrows(&self) -> bool {
        self.role.is_some()
            || self.blocked
            || self.active
            || self.search.is_some()
            || self.inactive_for.is_some()
            || self.never_logged_in
            || self.created_before.is_some()
            || self.created_after.is_some()
            || self.must_change_password
            || self.group.is_some()
    }
}

#[derive(Debug, Args)]
pub struct UsersListArgs {
    #[command(flatten)]
    pub list: ListArgs,
    /// Order by id (creation order, the default), username or email, compared byte by byte; a - before it reverses it (-username)
    #[arg(long, value_name = "ORDER", allow_hyphen_values = true, value_parser = parse_sort)]
    pub sort: Option<Sort>,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub select: SelectArgs,
    /// Print only how many users match
    #[arg(long, conflicts_with_all = ["limit", "cursor", "no_headers"])]
    pub count: bool,
    /// Page size, 1 to 1000 [default: 100 for a table; -o name and -o json list every match]
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=1000))]
    pub limit: Option<u16>,
    /// Continue after the page that printed this cursor
    #[arg(long, value_name = "CURSOR")]
    pub cursor: Option<String>,
    /// Print the table without its header line
    #[arg(long)]
    pub no_headers: bool,
}

#[derive(Debug, Args)]
pub struct DeleteManyArgs {
    /// Users to delete (ids, usernames or emails)
    #[arg(value_name = "USER")]
    pub users: Vec<String>,
    /// Read users from FILE, one per line ("-" for stdin)
    #[arg(long, value_name = "FILE")]
    pub from: Option<PathBuf>,
    /// Delete the users these options select (as `users list` takes them),
    /// instead of named ones
    #[command(flatten)]
    pub select: SelectArgs,
    /// Refuse, deleting nothing, unless exactly N users are to be deleted
    #[arg(long, value_name = "N")]
    pub expect: Option<u64>,
    /// Do not ask for confirmation (required when stdin is not a terminal)
    #[arg(short, long)]
    pub yes: bool,
    /// Report what would be deleted, and delete nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Delete for good, not to the recycle bin
    #[arg(long)]
    pub purge: bool,
}

#[derive(Debug, Args)]
pub struct AuthenticateArgs {
    /// Username or email
    pub username: String,
    /// Read the password from the first line of stdin
    #[arg(long)]
    pub password_stdin: bool,
    /// Token lifetime, e.g. 15m, 1h, 7d [default: 1h]
    #[arg(long, value_parser = parse_duration, value_name = "DURATION")]
    pub ttl: Option<Duration>,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on: HOST:PORT, where HOST is an IP address or a name such as localhost
    #[arg(long, env = "USERSCTL_BIND", default_value = "127.0.0.1:8080", value_parser = parse_bind)]
    pub bind: SocketAddr,
    /// Requests per second per client address for callers without a valid token (burst the same); 0 switches it off
    #[arg(
        long,
        env = "USERSCTL_RATE_LIMIT",
        default_value_t = 30,
        value_name = "N"
    )]
    pub rate_limit: u32,
    /// Requests per second per token holder (burst the same); 0 switches it off
    #[arg(
        long,
        env = "USERSCTL_TOKEN_RATE_LIMIT",
        default_value_t = 5000,
        value_name = "N"
    )]
    pub token_rate_limit: u32,
    /// Proxies (addresses or networks such as 10.0.0.0/8, comma-separated) whose X-Forwarded-For names the client
    #[arg(
        long,
        env = "USERSCTL_TRUSTED_PROXY",
        value_delimiter = ',',
        value_name = "ADDRS"
    )]
    pub trusted_proxy: Vec<crate::net::Network>,
    /// Lifetime of issued tokens, e.g. 15m, 1h
    #[arg(long, env = "USERSCTL_TOKEN_TTL", value_parser = parse_duration, default_value = "1h", value_name = "DURATION")]
    pub token_ttl: Duration,
    /// Where the web console is served
    #[arg(long, env = "USERSCTL_CONSOLE_PATH", default_value = crate::http::console::DEFAULT_PATH, value_parser = crate::http::console::parse_path, value_name = "PATH")]
    pub console_path: String,
    /// Serve no web console
    #[arg(long, env = "USERSCTL_NO_CONSOLE", value_parser = BoolishValueParser::new())]
    pub no_console: bool,
    /// Let anyone create a user-role account with POST /users
    #[arg(long, env = "USERSCTL_ALLOW_REGISTRATION", value_parser = BoolishValueParser::new())]
    pub allow_registration: bool,
    /// Log format
    #[arg(long, env = "USERSCTL_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

/// `Role` as clap sees it, so `--help` lists the choices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RoleArg {
    Admin,
    User,
}

impl From<RoleArg> for Role {
    fn from(r: RoleArg) -> Role {
        match r {
            RoleArg::Admin => Role::Admin,
            RoleArg::User => Role::User,
        }
    }
}

/// A display name, or none (`--name ""`).
#[derive(Debug, Clone)]
pub struct NameArg(pub Option<DisplayName>);

fn parse_name(s: &str) -> Result<NameArg, String> {
    if s.is_empty() {
        Ok(NameArg(None))
    } else {
        DisplayName::parse(s).map(|n| NameArg(Some(n)))
    }
}

#[derive(Debug, Clone)]
pub struct KeyValue {
    pub key: String,
    pub value: String,
}

impl FromStr for KeyValue {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.split_once('=') {
            Some((key, value)) if !key.is_empty() => Ok(KeyValue {
                key: key.to_owned(),
                value: value.to_owned(),
            }),
            _ => Err("expected KEY=VALUE with a non-empty KEY".to_owned()),
        }
    }
}

/// A wait for the database: zero means not to wait.
fn parse_wait(s: &str) -> Result<Duration, String> {
    if s.trim() == "0" {
        return Ok(Duration::ZERO);
    }
    humantime::parse_duration(s).map_err(|e| format!("{e} (try 0, 5s or 1m)"))
}

/// `HOST:PORT`, the host a literal address or a name to look up (the first
/// address it has is used).
fn parse_bind(s: &str) -> Result<SocketAddr, String> {
    use std::net::ToSocketAddrs;
    if let Ok(addr) = s.parse() {
        return Ok(addr);
    }
    let addrs: Vec<SocketAddr> = s
        .to_socket_addrs()
        .map_err(|e| format!("expected HOST:PORT such as 127.0.0.1:8080 or localhost:8080 ({e})"))?
        .collect();
    // IPv4 first: `localhost` is 127.0.0.1 to most clients, and a machine
    // without IPv6 cannot bind ::1.
    addrs
        .iter()
        .find(|a| a.is_ipv4())
        .or(addrs.first())
        .copied()
        .ok_or_else(|| format!("{s} names no address"))
}

/// An instant: a date (midnight UTC) or an RFC 3339 time.
fn parse_instant(s: &str) -> Result<Timestamp, String> {
    let is_date = s.len() == 10 && s.as_bytes()[4] == b'-' && s.as_bytes()[7] == b'-';
    if is_date {
        Timestamp::parse(&format!("{s}T00:00:00Z"))
    } else {
        Timestamp::parse(s)
    }
    .map_err(|_| {
        "must be a date (2026-01-31) or an RFC 3339 time (2026-01-31T12:00:00Z)".to_owned()
    })
}

/// An instant as `parse_instant` takes it, or an age (`2h`) before now.
fn parse_since(s: &str) -> Result<Timestamp, String> {
    if let Some(secs) = crate::domain::parse_age(s) {
        let now = Timestamp::now();
        return Ok(
            Timestamp::from_unix_millis(now.unix_millis().saturating_sub(secs * 1000))
                .unwrap_or(now),
        );
    }
    parse_instant(s).map_err(|_| {
        "must be a date (2026-01-31), an RFC 3339 time (2026-01-31T12:00:00Z) or an age \
         (90m, 2h, 7d)"
            .to_owned()
    })
}

fn parse_sort(s: &str) -> Result<Sort, String> {
    s.parse()
}

fn parse_duration(s: &str) -> Result<Duration, String> {
    let d = humantime::parse_duration(s).map_err(|e| format!("{e} (try 15m, 1h or 7d)"))?;
    if d.is_zero() {
        return Err("must be longer than zero".to_owned());
    }
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn there_is_no_password_value_option() {
        let err = Cli::try_parse_from([
            "usersctl",
            "user",
            "create",
            "al",
            "--email",
            "a@b.co",
            "--password",
            "x",
        ]);
        assert!(err.is_err());
    }

    #[test]
    fn key_values_need_a_key() {
        assert!(
            "a=b=c"
                .parse::<KeyValue>()
                .is_ok_and(|kv| kv.key == "a" && kv.value == "b=c")
        );
        assert!("=x".parse::<KeyValue>().is_err());
        assert!("nokey".parse::<KeyValue>().is_err());
    }

    #[test]
    fn boolean_variables_take_the_usual_spellings() {
        for (value, expected) in [
            ("1", true),
            ("yes", true),
            ("on", true),
            ("true", true),
            ("0", false),
            ("no", false),
            ("off", false),
            ("false", false),
        ] {
            let cli = Cli::try_parse_from(["usersctl", "--quiet", "users", "list"]).unwrap();
            assert!(cli.quiet);
            let parsed = BoolishValueParser::new();
            let cmd =
                clap::Command::new("t").arg(clap::Arg::new("b").long("b").value_parser(parsed));
            let m = cmd.try_get_matches_from(["t", "--b", value]).unwrap();
            assert_eq!(m.get_one::<bool>("b"), Some(&expected), "{value}");
        }
    }

    #[test]
    fn bind_takes_names_and_addresses() {
        assert_eq!(parse_bind("127.0.0.1:8080").unwrap().port(), 8080);
        assert!(parse_bind("localhost:8080").unwrap().ip().is_loopback());
        assert!(parse_bind("localhost").is_err());
        assert!(parse_bind("nowhere.invalid:80").is_err());
    }

    #[test]
    fn durations_are_human() {
        assert_eq!(parse_duration("15m").unwrap(), Duration::from_secs(900));
        assert!(parse_duration("0s").is_err());
        assert!(parse_duration("soon").is_err());
    }
}

/// `--db`: never refuses (a URL is never echoed back in an argument error,
/// as it may hold a password); see `Database::from_arg`.
#[derive(Debug, Clone, Copy)]
pub struct DatabaseParser;

impl clap::builder::TypedValueParser for DatabaseParser {
    type Value = Database;

    fn parse_ref(
        &self,
        _cmd: &clap::Command,
        _arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<Database, clap::Error> {
        Ok(Database::from_arg(value))
    }
}
