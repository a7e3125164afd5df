//! The command line as its users see it: the real `usersctl` binary, run against
//! its own temporary database directory, judged by its stdout, stderr, exit code
//! and what is on disk afterwards.
//!
//! `Test::new()` owns a temporary directory (the database lives in `db/` inside
//! it); `test.args([..])` builds one invocation whose expectations default to
//! "exit 0, nothing on stdout, nothing on stderr", so each test states exactly
//! what it expects to see.

use crate::support::{self, Expect, TestDb, bin, clean_env, usersctl};

mod audit;
mod groups;
mod keys;
mod recycle_bin;
mod sort;
use std::ffi::OsString;
use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ExitStatus, Stdio};
use std::time::{Duration, Instant, SystemTime};

use assert_cmd::Command;
use serde_json::{Value, json};
use tempfile::TempDir;

/// A password the strength check accepts.
const PASSWORD: &str = "Tr0ub4dor&3horse";
/// Another one, for password changes.
const NEW_PASSWORD: &str = "N3w-Secret-Phrase!";
const AUTH_FAILED: &str = "usersctl: error: invalid username or password\n";

// ---------------------------------------------------------------------------
// The harness
// ---------------------------------------------------------------------------

struct Test {
    db: TestDb,
    dir: TempDir,
}

impl Test {
    /// A test with an empty database.
    fn new() -> Test {
        let test = Test::without_database();
        test.args(["--init", "users", "list"])
            .stderr("no users match\n")
            .run();
        test
    }

    /// A test whose `db()` does not exist yet (on PostgreSQL: an empty
    /// schema, migrated).
    fn without_database() -> Test {
        let dir = TempDir::new().expect("a temporary directory");
        Test {
            db: TestDb::new(dir.path()),
            dir,
        }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// The database directory every run uses unless told otherwise, for
    /// tests of what the embedded database keeps on disk (on sled alone).
    fn db(&self) -> PathBuf {
        self.db
            .dir()
            .expect("a test of the embedded database's files")
            .to_owned()
    }

    fn args<I, S>(&self, args: I) -> Run<'_>
    where
        I: IntoIterator<Item = S>,
        S: Into<OsString>,
    {
        Run {
            test: self,
            args: args.into_iter().map(Into::into).collect(),
            use_db: true,
            envs: Vec::new(),
            stdin: None,
            status: 0,
            stdout: Expect::Exact(String::new()),
            stderr: Expect::Exact(String::new()),
        }
    }

    /// Creates `username` (email `<username>@example.com`) with `PASSWORD` and
    /// returns the new user as JSON.
    fn create(&self, username: &str) -> Value {
        self.create_with(username, &[])
    }

    fn create_with(&self, username: &str, extra: &[&str]) -> Value {
        let email = format!("{username}@example.com");
        let mut args = vec!["-o", "json", "user", "create", username, "--email", &email];
        args.extend_from_slice(extra);
        args.push("--password-stdin");
        let out = self
            .args(args)
            .stdin(format!("{PASSWORD}\n"))
            .any_stdout()
            .run();
        out.json()["data"].clone()
    }

    /// Creates users without the strength estimator (generated passwords): fast.
    fn create_many(&self, usernames: &[&str]) {
        for name in usernames {
            self.args([
                "-q",
                "-o",
                "name",
                "user",
                "create",
                name,
                "--email",
                &format!("{name}@example.com"),
                "--generate-password",
            ])
            .any_stdout()
            .stderr_has("generated password: ")
            .run();
        }
    }

    /// `user get USER -o json`, which must succeed.
    fn user(&self, user: &str) -> Value {
        self.args(["-o", "json", "user", "get", user])
            .any_stdout()
            .run()
            .data()
    }

    /// Asserts that `user get USER` finds no such user.
    fn assert_gone(&self, user: &str) {
        self.args(["user", "get", user])
            .status(3)
            .stderr(&format!("usersctl: error: user {user} not found\n"))
            .run();
    }

    /// Every username, oldest first, however many.
    fn usernames_all(&self) -> Vec<String> {
        self.args(["-o", "name", "users", "list"])
            .any_stdout()
            .run()
            .stdout
            .lines()
            .map(str::to_owned)
            .collect()
    }

    /// Every username, oldest first.
    fn usernames(&self) -> Vec<String> {
        self.args(["-o", "name", "users", "list", "--limit", "1000"])
            .any_stdout()
            .run()
            .stdout
            .lines()
            .map(str::to_owned)
            .collect()
    }

    fn authenticate(&self, user: &str, password: &str) -> Run<'_> {
        self.args(["authenticate", user, "--password-stdin"])
            .stdin(format!("{password}\n"))
    }

    /// Asserts that `password` logs `user` in.
    fn assert_login(&self, user: &str, password: &str) {
        self.authenticate(user, password)
            .args(["-o", "name"])
            .any_stdout()
            .run();
    }

    fn assert_login_refused(&self, user: &str, password: &str) {
        self.authenticate(user, password)
            .status(5)
            .stderr(AUTH_FAILED)
            .run();
    }
}

#[must_use = "a Run does nothing until .run()"]
struct Run<'a> {
    test: &'a Test,
    args: Vec<OsString>,
    use_db: bool,
    envs: Vec<(String, OsString)>,
    stdin: Option<Vec<u8>>,
    status: i32,
    stdout: Expect,
    stderr: Expect,
}

impl Run<'_> {
    fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<OsString>,
    {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    fn arg(mut self, arg: impl Into<OsString>) -> Self {
        self.args.push(arg.into());
        self
    }

    /// Runs on the database at `path` instead of the test's own.
    fn db(self, path: &Path) -> Self {
        self.no_db().arg("--db").arg(path)
    }

    /// Runs without `--db`, so the environment decides where the database is.
    fn no_db(mut self) -> Self {
        self.use_db = false;
        self
    }

    fn env(mut self, key: &str, value: impl Into<OsString>) -> Self {
        self.envs.push((key.to_owned(), value.into()));
        self
    }

    fn stdin(mut self, input: impl Into<Vec<u8>>) -> Self {
        self.stdin = Some(input.into());
        self
    }

    fn status(mut self, code: i32) -> Self {
        self.status = code;
        self
    }

    fn stdout(mut self, expected: &str) -> Self {
        self.stdout = Expect::Exact(expected.to_owned());
        self
    }

    fn stdout_has(mut self, part: &str) -> Self {
        self.stdout.has(part);
        self
    }

    /// For runs whose stdout the test inspects itself.
    fn any_stdout(mut self) -> Self {
        self.stdout = Expect::Has(Vec::new());
        self
    }

    fn stderr(mut self, expected: &str) -> Self {
        self.stderr = Expect::Exact(expected.to_owned());
        self
    }

    fn stderr_has(mut self, part: &str) -> Self {
        self.stderr.has(part);
        self
    }

    fn any_stderr(mut self) -> Self {
        self.stderr = Expect::Has(Vec::new());
        self
    }

    fn command(&self) -> std::process::Command {
        let mut cmd = usersctl();
        if self.use_db {
            self.test.db.apply(&mut cmd);
        }
        cmd.args(&self.args);
        for (key, value) in &self.envs {
            cmd.env(key, value);
        }
        cmd
    }

    fn run(self) -> Output {
        let std_cmd = self.command();
        let shown = format!("{std_cmd:?}");
        let mut cmd = Command::from_std(std_cmd);
        // Always a pipe, never the terminal the tests happen to run on.
        cmd.write_stdin(self.stdin.clone().unwrap_or_default());
        cmd.timeout(Duration::from_secs(60));
        let output = cmd.output().expect("usersctl runs");
        let out = Output {
            stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
            status: output.status,
        };
        let context = || {
            format!(
                "command: {shown}\nstatus: {:?}\nstdout:\n{}\nstderr:\n{}",
                out.status, out.stdout, out.stderr
            )
        };
        assert_eq!(
            out.status.code(),
            Some(self.status),
            "unexpected exit status\n{}",
            context()
        );
        self.stdout.check("stdout", &out.stdout, &context);
        self.stderr.check("stderr", &out.stderr, &context);
        out
    }
}

struct Output {
    stdout: String,
    stderr: String,
    status: ExitStatus,
}

impl Output {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }

    /// The `data` of a JSON success, which is `{"data": …}` and nothing else.
    fn data(&self) -> Value {
        let mut doc = self.json();
        let keys: Vec<&String> = doc.as_object().expect("a JSON object").keys().collect();
        assert_eq!(keys, ["data"], "{doc}");
        doc["data"].take()
    }

    fn stderr_json(&self) -> Value {
        serde_json::from_str(&self.stderr)
            .unwrap_or_else(|e| panic!("stderr is not JSON ({e}):\n{}", self.stderr))
    }
}

/// The cells of each row of a table as printed (header rows included).
fn table(stdout: &str) -> Vec<Vec<String>> {
    stdout
        .lines()
        .filter(|line| line.starts_with('│'))
        .map(|line| {
            line.trim_matches('│')
                .split('┆')
                .map(|cell| cell.trim().to_owned())
                .collect()
        })
        .collect()
}

/// The cells of each line of a list (a borderless table whose columns start
/// where its header's do), the header line included.
fn columns(stdout: &str) -> Vec<Vec<String>> {
    let mut lines = stdout.lines();
    let header: Vec<char> = lines.next().unwrap_or_default().chars().collect();
    let starts: Vec<usize> = (0..header.len())
        .filter(|&i| header[i] != ' ' && (i == 0 || (i >= 2 && header[i - 2..i] == [' ', ' '])))
        .collect();
    std::iter::once(header.iter().collect::<String>().as_str())
        .chain(lines)
        .map(|line| {
            let chars: Vec<char> = line.chars().collect();
            starts
                .iter()
                .enumerate()
                .map(|(n, &start)| {
                    let end = starts
                        .get(n + 1)
                        .copied()
                        .unwrap_or(chars.len())
                        .min(chars.len());
                    chars[start.min(end)..end]
                        .iter()
                        .collect::<String>()
                        .trim()
                        .to_owned()
                })
                .collect()
        })
        .collect()
}

/// The value of `key` in a one-user table.
fn field(stdout: &str, key: &str) -> String {
    table(stdout)
        .into_iter()
        .find(|row| row[0] == key)
        .unwrap_or_else(|| panic!("no {key:?} row in:\n{stdout}"))[1]
        .clone()
}

fn mode(path: &Path) -> u32 {
    fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

fn names(page: &Value) -> Vec<String> {
    page["data"]
        .as_array()
        .expect("a users array")
        .iter()
        .map(|u| u["username"].as_str().expect("a username").to_owned())
        .collect()
}

/// A deterministic password of `len` ASCII letters and digits that looks random
/// to the strength estimator.
fn random_password(len: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            ALPHABET[(state % ALPHABET.len() as u64) as usize] as char
        })
        .collect()
}

fn seconds_from_now(rfc3339: &str) -> i64 {
    let at = humantime::parse_rfc3339(rfc3339).expect("an RFC 3339 timestamp");
    match at.duration_since(SystemTime::now()) {
        Ok(d) => d.as_secs() as i64,
        Err(e) => -(e.duration().as_secs() as i64),
    }
}

// ---------------------------------------------------------------------------
// user create
// ---------------------------------------------------------------------------

#[test]
fn user_create_prints_the_new_user_as_a_table() {
    let test = Test::new();
    let out = test
        .args([
            "user",
            "create",
            "alice",
            "--email",
            "alice@example.com",
            "--name",
            "Alice Liddell",
            "--attr",
            "phone=0245000001",
            "--password-stdin",
        ])
        .stdin(format!("{PASSWORD}\n"))
        .any_stdout()
        .run();
    assert_eq!(field(&out.stdout, "username"), "alice");
    assert_eq!(field(&out.stdout, "email"), "alice@example.com");
    assert_eq!(field(&out.stdout, "name"), "Alice Liddell");
    assert_eq!(field(&out.stdout, "role"), "user");
    assert_eq!(field(&out.stdout, "status"), "active");
    assert_eq!(field(&out.stdout, "block reason"), "-");
    assert_eq!(field(&out.stdout, "must change password"), "no");
    assert_eq!(
        field(&out.stdout, "attributes"),
        r#"{"phone":"0245000001"}"#
    );
    assert_eq!(field(&out.stdout, "last login"), "-");

    let id = field(&out.stdout, "id");
    let stored = test.user("alice");
    assert_eq!(stored["id"], id.as_str());
    assert_eq!(stored["name"], "Alice Liddell");
    assert_eq!(stored["attributes"], json!({"phone": "0245000001"}));
}

#[test]
fn user_create_with_json_output_prints_the_whole_record() {
    let test = Test::new();
    let out = test
        .args([
            "-o",
            "json",
            "user",
            "create",
            "bob",
            "--email",
            "Bob@Example.com",
            "--role",
            "admin",
            "--attr",
            "title=cto",
            "--attr",
            "city=Accra",
            "--must-change-password",
            "--password-stdin",
        ])
        .stdin(format!("{PASSWORD}\n"))
        .any_stdout()
        .run();
    let saved = out.json();
    assert!(
        saved.get("generated_password").is_none(),
        "no password was generated: {saved}"
    );
    let user = &saved["data"];
    assert_eq!(user["username"], "bob");
    assert_eq!(user["email"], "Bob@Example.com");
    assert_eq!(user["name"], Value::Null);
    assert_eq!(user["role"], "admin");
    assert_eq!(user["blocked"], false);
    assert_eq!(user["block_reason"], Value::Null);
    assert_eq!(user["must_change_password"], true);
    assert_eq!(user["attributes"], json!({"title": "cto", "city": "Accra"}));
    assert_eq!(user["last_login_at"], Value::Null);
    assert_eq!(user["created_at"], user["updated_at"]);
    assert!(seconds_from_now(user["created_at"].as_str().unwrap()).abs() < 60);
    let id = uuid::Uuid::parse_str(user["id"].as_str().unwrap()).expect("a UUID");
    assert_eq!(id.get_version_num(), 7, "ids are UUID v7");

    assert_eq!(
        &test.user("bob"),
        user,
        "what was printed is what is stored"
    );
}

#[test]
fn user_create_with_name_output_prints_only_the_username() {
    let test = Test::new();
    test.args([
        "-o",
        "name",
        "user",
        "create",
        "carol",
        "--email",
        "carol@example.com",
        "--password-stdin",
    ])
    .stdin(format!("{PASSWORD}\n"))
    .stdout("carol\n")
    .run();
    test.assert_login("carol", PASSWORD);
}

#[test]
fn usernames_are_lower_cased_on_input() {
    let test = Test::new();
    let user = test.create_with("Alice.B_2-x", &[]);
    assert_eq!(user["username"], "alice.b_2-x");
    assert_eq!(test.user("ALICE.B_2-X")["id"], user["id"]);
    assert_eq!(test.usernames(), ["alice.b_2-x"]);
}

#[test]
fn an_email_keeps_its_case_but_is_unique_whatever_the_case() {
    let test = Test::new();
    test.args([
        "-o",
        "name",
        "user",
        "create",
        "alice",
        "--email",
        "Alice@Example.com",
        "--generate-password",
    ])
    .any_stdout()
    .stderr_has("generated password: ")
    .run();
    test.args([
        "user",
        "create",
        "bob",
        "--email",
        "ALICE@EXAMPLE.COM",
        "--generate-password",
    ])
    .status(4)
    .stderr("usersctl: error: email ALICE@EXAMPLE.COM is already taken\n")
    .run();
    assert_eq!(test.user("alice@example.com")["email"], "Alice@Example.com");
    assert_eq!(test.usernames(), ["alice"]);
}

#[test]
fn a_taken_username_is_a_conflict_whatever_the_case() {
    let test = Test::new();
    test.create("alice");
    test.args([
        "user",
        "create",
        "ALICE",
        "--email",
        "other@example.com",
        "--generate-password",
    ])
    .status(4)
    .stderr("usersctl: error: username alice is already taken\n")
    .run();
    assert_eq!(test.usernames(), ["alice"]);
    assert_eq!(test.user("alice")["email"], "alice@example.com");
}

#[test]
fn reserved_usernames_are_refused_whatever_the_case() {
    let test = Test::new();
    for name in ["root", "ROOT", "Administrator"] {
        test.args([
            "user",
            "create",
            name,
            "--email",
            "r@example.com",
            "--generate-password",
        ])
        .status(4)
        .stderr(&format!(
            "usersctl: error: username {} is reserved\n",
            name.to_lowercase()
        ))
        .run();
    }
    let out = test
        .args([
            "-o",
            "json",
            "user",
            "create",
            "system",
            "--email",
            "r@example.com",
            "--generate-password",
        ])
        .status(4)
        .any_stderr()
        .run();
    assert_eq!(
        out.stderr_json(),
        json!({"error": "conflict", "message": "username system is reserved"})
    );
    assert!(test.usernames().is_empty());
}

#[test]
fn the_reserved_names_can_be_configured() {
    let test = Test::new();
    test.args([
        "--reserved-names",
        "staff,ops",
        "user",
        "create",
        "ops",
        "--email",
        "ops@example.com",
        "--generate-password",
    ])
    .status(4)
    .stderr("usersctl: error: username ops is reserved\n")
    .run();
    // The configured list replaces the default one.
    test.args([
        "--reserved-names",
        "staff,ops",
        "-o",
        "name",
        "user",
        "create",
        "root",
        "--email",
        "root@example.com",
        "--generate-password",
    ])
    .any_stdout()
    .stderr_has("generated password: ")
    .run();
    assert_eq!(test.usernames(), ["root"]);
}

#[test]
fn a_password_is_never_taken_as_an_argument() {
    let test = Test::new();
    let out = test
        .args([
            "user",
            "create",
            "alice",
            "--email",
            "alice@example.com",
            "--password",
            "Sekrit-Value-77",
        ])
        .status(2)
        .stderr_has("unexpected argument '--password'")
        .run();
    assert!(!out.stderr.contains("Sekrit-Value-77"), "{}", out.stderr);
    assert!(test.usernames().is_empty());
}

#[test]
fn user_create_without_a_password_source_refuses_to_prompt_without_a_terminal() {
    let test = Test::new();
    test.args(["user", "create", "alice", "--email", "alice@example.com"])
        .status(2)
        .stderr(
            "usersctl: error: no password given and stdin is not a terminal: \
             use --password-stdin or --generate-password\n",
        )
        .run();
    assert!(test.usernames().is_empty());
}

#[test]
fn the_password_sources_exclude_each_other() {
    let test = Test::new();
    test.args([
        "user",
        "create",
        "alice",
        "--email",
        "alice@example.com",
        "--password-stdin",
        "--generate-password",
    ])
    .stdin(format!("{PASSWORD}\n"))
    .status(2)
    .stderr_has("cannot be used with")
    .run();
    assert!(test.usernames().is_empty());
}

#[test]
fn a_generated_password_is_printed_once_and_logs_the_user_in() {
    let test = Test::new();
    let out = test
        .args([
            "user",
            "create",
            "alice",
            "--email",
            "alice@example.com",
            "--generate-password",
        ])
        .any_stdout()
        .stderr("The password is shown only this once: store it now.\n")
        .run();
    let lines: Vec<&str> = out
        .stdout
        .lines()
        .filter_map(|l| l.strip_prefix("generated password: "))
        .collect();
    assert_eq!(lines.len(), 1, "one password line:\n{}", out.stdout);
    let password = lines[0];
    assert_eq!(password.len(), 24);
    assert!(password.chars().all(|c| c.is_ascii_alphanumeric()));
    test.assert_login("alice", password);

    let shown = test.args(["user", "get", "alice"]).any_stdout().run();
    assert!(!shown.stdout.contains(password), "shown only once");
}

#[test]
fn a_generated_password_is_a_field_of_the_json_output() {
    let test = Test::new();
    let out = test
        .args([
            "-o",
            "json",
            "user",
            "create",
            "alice",
            "--email",
            "alice@example.com",
            "--generate-password",
        ])
        .any_stdout()
        .run();
    let saved = out.json();
    assert_eq!(saved["data"]["username"], "alice");
    let password = saved["generated_password"].as_str().expect("a password");
    test.assert_login("alice", password);
}

// ---------------------------------------------------------------------------
// Bad input, field by field
// ---------------------------------------------------------------------------

/// Runs `user create USERNAME --email EMAIL EXTRA… --generate-password`, which
/// must be refused with exit 2 and `message` on stderr, creating nobody.
fn assert_create_refused(username: &str, email: &str, extra: &[&str], message: &str) {
    let test = Test::new();
    let mut args = vec!["user", "create", username, "--email", email];
    args.extend_from_slice(extra);
    args.push("--generate-password");
    test.args(args).status(2).stderr_has(message).run();
    assert!(test.usernames().is_empty());
}

#[test]
fn a_username_must_be_3_to_32_characters_long() {
    assert_create_refused(
        "ab",
        "a@example.com",
        &[],
        "must be 3 to 32 characters long (got 2)",
    );
    assert_create_refused(
        &"a".repeat(33),
        "a@example.com",
        &[],
        "must be 3 to 32 characters long (got 33)",
    );
    let test = Test::new();
    test.create("abc");
    test.create(&"b".repeat(32));
    assert_eq!(test.usernames(), ["abc".to_owned(), "b".repeat(32)]);
}

#[test]
fn a_username_may_only_hold_letters_digits_dots_underscores_and_dashes() {
    for bad in ["al ice", "al/ice", "ålice", "ali+ce"] {
        assert_create_refused(
            bad,
            "a@example.com",
            &[],
            "may only contain a-z, 0-9, '.', '_' and '-'",
        );
    }
}

#[test]
fn a_username_must_start_with_a_letter_or_a_digit() {
    for bad in [".alice", "_alice"] {
        assert_create_refused(
            bad,
            "a@example.com",
            &[],
            "must start with a letter or a digit",
        );
    }
}

#[test]
fn a_malformed_email_is_refused() {
    for (bad, why) in [
        ("notanemail", "must look like name@example.com"),
        ("alice@example", "the domain must have a dot"),
        ("a..b@example.com", "the part before '@' has a character"),
        ("alice@exa mple.com", "the domain is not a valid host name"),
    ] {
        assert_create_refused("alice", bad, &[], why);
    }
}

#[test]
fn an_email_over_254_characters_is_refused() {
    let long = format!(
        "{}@{}.{}.{}.com",
        "a".repeat(64),
        "b".repeat(63),
        "c".repeat(63),
        "d".repeat(63)
    );
    assert!(long.len() > 254);
    assert_create_refused("alice", &long, &[], "must be at most 254 characters");
}

#[test]
fn a_display_name_with_control_characters_is_refused() {
    for bad in ["Alice\tLiddell", "Alice\nLiddell", "Alice\u{7}"] {
        assert_create_refused(
            "alice",
            "a@example.com",
            &["--name", bad],
            "must not contain control characters",
        );
    }
}

#[test]
fn a_display_name_that_could_spoof_another_is_refused() {
    for (bad, why) in [
        (
            "alice\u{202E}nimda",
            "invisible or direction-changing characters (U+202E)",
        ),
        (
            "ad\u{200B}min",
            "invisible or direction-changing characters (U+200B)",
        ),
        (
            "\u{FEFF}Alice",
            "invisible or direction-changing characters (U+FEFF)",
        ),
        (
            "Alice\u{2028}Liddell",
            "invisible or direction-changing characters (U+2028)",
        ),
        ("Alice\u{200D}", "a zero-width joiner outside a word"),
    ] {
        assert_create_refused(
            "alice",
            "a@example.com",
            &["--name", bad],
            &format!("must not contain {why}"),
        );
    }
    // The value is repeated escaped, not acted out on the terminal.
    let test = Test::new();
    test.args(["user", "create", "alice", "--email", "a@example.com"])
        .args(["--name", "alice\u{202E}nimda", "--generate-password"])
        .status(2)
        .stderr_has("'alice\\u{202e}nimda'")
        .run();
    let zalgo = format!("Al{}ice", "\u{0336}".repeat(20));
    assert_create_refused(
        "alice",
        "a@example.com",
        &["--name", &zalgo],
        "must not stack more than 10 marks",
    );
    // Names in any script, with their marks, joiners inside words and emoji,
    // are fine; and a block reason follows the same rule.
    let test = Test::new();
    for (i, good) in ["Zoë Ångström", "می\u{200C}خواهم", "👩\u{200D}💻 Ada"]
        .iter()
        .enumerate()
    {
        let user = test.create_with(&format!("user{i}"), &["--name", good]);
        assert_eq!(user["name"], *good);
    }
    test.args([
        "user",
        "update",
        "user0",
        "--block",
        "--reason",
        "gone\u{202E}",
    ])
    .status(2)
    .stderr_has("block_reason: must not contain invisible")
    .run();
    assert_eq!(test.user("user0")["blocked"], false);
}

#[test]
fn a_display_name_may_have_128_characters_but_not_129() {
    assert_create_refused(
        "alice",
        "a@example.com",
        &["--name", &"é".repeat(129)],
        "must be at most 128 characters",
    );
    let test = Test::new();
    let long = "é".repeat(128);
    let user = test.create_with("alice", &["--name", &long]);
    assert_eq!(user["name"], long.as_str());
}

#[test]
fn an_unknown_role_is_refused() {
    for bad in ["root", "Admin", ""] {
        assert_create_refused(
            "alice",
            "a@example.com",
            &["--role", bad],
            "[possible values: admin, user]",
        );
    }
}

#[test]
fn an_attribute_needs_a_key_and_an_equals_sign() {
    for bad in ["phone", "=0245"] {
        assert_create_refused(
            "alice",
            "a@example.com",
            &["--attr", bad],
            "expected KEY=VALUE with a non-empty KEY",
        );
    }
}

#[test]
fn attributes_may_take_8_kib_but_not_a_byte_more() {
    // {"bio":"…"} is 10 bytes around the value.
    assert_create_refused(
        "alice",
        "a@example.com",
        &["--attr", &format!("bio={}", "x".repeat(8183))],
        "invalid attributes: must be at most 8192 bytes serialized (got 8193)",
    );
    let test = Test::new();
    let bio = "x".repeat(8182);
    let user = test.create_with("alice", &["--attr", &format!("bio={bio}")]);
    assert_eq!(user["attributes"], json!({ "bio": bio }));

    // An update that would grow them past the limit changes nothing.
    test.args(["user", "update", "alice", "--attr", "k=v"])
        .status(2)
        .stderr_has("invalid attributes: must be at most 8192 bytes serialized")
        .run();
    assert_eq!(test.user("alice")["attributes"], json!({ "bio": bio }));
}

/// Runs `user create alice --password-stdin` with `stdin`, which must be refused
/// with exit 2 and exactly `stderr`, creating nobody.
fn assert_password_refused(extra: &[&str], stdin: &str, stderr: &str) {
    let test = Test::new();
    let mut args = extra.to_vec();
    args.extend([
        "user",
        "create",
        "alice",
        "--email",
        "alice@example.com",
        "--password-stdin",
    ]);
    test.args(args).stdin(stdin).status(2).stderr(stderr).run();
    assert!(test.usernames().is_empty());
}

#[test]
fn a_password_shorter_than_8_characters_is_refused() {
    assert_password_refused(
        &[],
        "xK9#q2v\n",
        "usersctl: error: invalid password: must be at least 8 characters\n",
    );
}

#[test]
fn the_minimum_password_length_is_configurable_but_not_below_8() {
    assert_password_refused(
        &["--min-password-length", "20"],
        &format!("{PASSWORD}\n"),
        "usersctl: error: invalid password: must be at least 20 characters\n",
    );
    let test = Test::new();
    test.args([
        "--min-password-length",
        "7",
        "users",
        "list",
        "--limit",
        "1",
    ])
    .status(2)
    .stderr_has("7 is not in 8..=1024")
    .run();
}

#[test]
fn a_very_common_password_is_refused() {
    for common in ["password123", "qwertyuiop", "iloveyou1"] {
        let test = Test::new();
        let out = test
            .args([
                "user",
                "create",
                "alice",
                "--email",
                "alice@example.com",
                "--password-stdin",
            ])
            .stdin(format!("{common}\n"))
            .status(2)
            .stderr_has("usersctl: error: invalid password: is too common or too easy to guess")
            .run();
        assert!(
            !out.stderr.contains(common),
            "the error repeats the password"
        );
        assert!(test.usernames().is_empty());
    }
}

#[test]
fn a_password_made_of_the_username_is_refused() {
    assert_password_refused(
        &[],
        "alice@example.com\n",
        "usersctl: error: invalid password: is too common or too easy to guess; \
         choose a longer, less predictable one\n",
    );
}

#[test]
fn a_password_may_have_1024_bytes_kept_whole_but_not_1025() {
    assert_password_refused(
        &[],
        &random_password(1025),
        "usersctl: error: invalid password: must be at most 1024 bytes\n",
    );
    // Far longer input is refused too, not cut down to size.
    assert_password_refused(
        &[],
        &format!("{}\n", random_password(5000)),
        "usersctl: error: invalid password: must be at most 1024 bytes\n",
    );

    let test = Test::new();
    let long = random_password(1024);
    test.args([
        "-o",
        "name",
        "user",
        "create",
        "alice",
        "--email",
        "alice@example.com",
        "--password-stdin",
    ])
    .stdin(format!("{long}\n"))
    .stdout("alice\n")
    .run();
    test.assert_login("alice", &long);
    // Neither truncated nor case-folded.
    test.assert_login_refused("alice", &long[..1023]);
    test.assert_login_refused("alice", &long.to_uppercase());
}

#[test]
fn only_the_first_line_of_stdin_is_the_password() {
    let test = Test::new();
    test.args([
        "-o",
        "name",
        "user",
        "create",
        "alice",
        "--email",
        "alice@example.com",
        "--password-stdin",
    ])
    .stdin(format!("{PASSWORD}\r\nsecond line\n"))
    .stdout("alice\n")
    .run();
    test.assert_login("alice", PASSWORD);
    // The line is the password as typed: nothing is trimmed from it.
    test.assert_login_refused("alice", &format!("{PASSWORD} "));
}

#[test]
fn empty_stdin_is_not_a_password() {
    for stdin in ["", "\n", "\r\n"] {
        assert_password_refused(
            &[],
            stdin,
            "usersctl: error: invalid password: stdin held no password\n",
        );
    }
}

#[test]
fn validation_errors_in_json_mode_name_the_field() {
    let test = Test::new();
    let out = test
        .args([
            "-o",
            "json",
            "user",
            "create",
            "alice",
            "--email",
            "alice@example.com",
            "--password-stdin",
        ])
        .stdin("short\n")
        .status(2)
        .any_stderr()
        .run();
    assert_eq!(out.stderr.lines().count(), 1, "one line: {}", out.stderr);
    assert_eq!(
        out.stderr_json(),
        json!({
            "error": "invalid_input",
            "message": "invalid password: must be at least 8 characters",
            "details": [{"field": "password", "message": "must be at least 8 characters"}],
        })
    );
}

#[test]
fn parser_errors_are_json_in_json_mode() {
    let test = Test::new();
    let out = test
        .args([
            "-o",
            "json",
            "user",
            "create",
            "ab",
            "--email",
            "ab@example.com",
            "--generate-password",
        ])
        .status(2)
        .any_stderr()
        .run();
    assert_eq!(out.stderr_json()["error"], "invalid_input");
}

#[test]
fn parser_errors_are_one_line_like_every_other_error() {
    let test = Test::new();
    let out = test
        .args([
            "user",
            "create",
            "ab",
            "--email",
            "ab@example.com",
            "--generate-password",
        ])
        .status(2)
        .any_stderr()
        .run();
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
    assert!(
        out.stderr.starts_with("usersctl: error: "),
        "{}",
        out.stderr
    );
}

// ---------------------------------------------------------------------------
// user get
// ---------------------------------------------------------------------------

#[test]
fn user_get_finds_a_user_by_id_username_or_email() {
    let test = Test::new();
    let alice = test.create_with("alice", &["--name", "Alice Liddell"]);
    let id = alice["id"].as_str().unwrap();
    for reference in [
        id,
        "alice",
        "Alice",
        "alice@example.com",
        "ALICE@example.COM",
    ] {
        assert_eq!(test.user(reference), alice, "found by {reference}");
    }

    let out = test.args(["user", "get", id]).any_stdout().run();
    assert_eq!(field(&out.stdout, "id"), id);
    assert_eq!(field(&out.stdout, "username"), "alice");
    assert_eq!(field(&out.stdout, "name"), "Alice Liddell");

    test.args(["-o", "name", "user", "get", "alice@example.com"])
        .stdout("alice\n")
        .run();
}

#[test]
fn user_get_of_an_unknown_user_exits_3() {
    let test = Test::new();
    test.create("alice");
    test.assert_gone("ghost");
    test.assert_gone("ghost@example.com");
    test.assert_gone("01a20028-01c2-754c-ad8b-a21cf2d2e687");
    let out = test
        .args(["-o", "json", "user", "get", "ghost"])
        .status(3)
        .any_stderr()
        .run();
    assert_eq!(
        out.stderr_json(),
        json!({"error": "not_found", "message": "user ghost not found"})
    );
}

#[test]
fn user_get_refuses_what_cannot_name_a_user() {
    let test = Test::new();
    test.args(["user", "get", "no such user!"])
        .status(2)
        .stderr_has("not a user id, email or username")
        .run();
}

// ---------------------------------------------------------------------------
// user update
// ---------------------------------------------------------------------------

#[test]
fn user_update_changes_only_the_fields_named() {
    let test = Test::new();
    let before = test.create_with(
        "alice",
        &["--name", "Alice Liddell", "--attr", "phone=0245000001"],
    );
    let out = test
        .args(["user", "update", "alice", "--role", "admin"])
        .any_stdout()
        .run();
    assert_eq!(field(&out.stdout, "role"), "admin");

    let after = test.user("alice");
    assert_eq!(after["role"], "admin");
    assert_ne!(after["updated_at"], before["updated_at"]);
    let mut unchanged = after.clone();
    unchanged["role"] = before["role"].clone();
    unchanged["updated_at"] = before["updated_at"].clone();
    assert_eq!(unchanged, before, "nothing else changed");
    test.assert_login("alice", PASSWORD);
}

#[test]
fn a_changed_username_and_email_free_the_old_ones() {
    let test = Test::new();
    let alice = test.create("alice");
    test.args([
        "-o",
        "name",
        "user",
        "update",
        "alice",
        "--username",
        "Alicia",
        "--email",
        "alicia@example.com",
    ])
    .stdout("alicia\n")
    .run();
    test.assert_gone("alice");
    test.assert_gone("alice@example.com");
    let alicia = test.user("alicia@example.com");
    assert_eq!(alicia["id"], alice["id"]);
    assert_eq!(alicia["username"], "alicia");
    test.assert_login("alicia", PASSWORD);

    test.create("alice");
    assert_eq!(test.usernames(), ["alicia", "alice"]);
}

#[test]
fn update_to_a_taken_username_or_email_is_a_conflict_and_changes_nothing() {
    let test = Test::new();
    let alice = test.create("alice");
    test.create("bob");
    test.args(["user", "update", "alice", "--username", "BOB"])
        .status(4)
        .stderr("usersctl: error: username bob is already taken\n")
        .run();
    test.args(["user", "update", "alice", "--email", "Bob@Example.com"])
        .status(4)
        .stderr("usersctl: error: email Bob@Example.com is already taken\n")
        .run();
    test.args(["user", "update", "alice", "--username", "root"])
        .status(4)
        .stderr("usersctl: error: username root is reserved\n")
        .run();
    assert_eq!(test.user("alice"), alice);
}

#[test]
fn attr_sets_and_unset_attr_removes_attributes() {
    let test = Test::new();
    test.create_with(
        "alice",
        &["--attr", "phone=0245000001", "--attr", "city=Accra"],
    );
    let out = test
        .args([
            "-o",
            "json",
            "user",
            "update",
            "alice",
            "--attr",
            "title=cto",
            "--attr",
            "city=Kumasi",
            "--unset-attr",
            "phone",
            "--unset-attr",
            "never-set",
        ])
        .any_stdout()
        .run();
    let expected = json!({"title": "cto", "city": "Kumasi"});
    assert_eq!(out.data()["attributes"], expected);
    assert_eq!(test.user("alice")["attributes"], expected);
}

#[test]
fn an_empty_name_removes_the_display_name() {
    let test = Test::new();
    test.create_with("alice", &["--name", "Alice Liddell"]);
    let out = test
        .args(["user", "update", "alice", "--name", ""])
        .any_stdout()
        .run();
    assert_eq!(field(&out.stdout, "name"), "-");
    assert_eq!(test.user("alice")["name"], Value::Null);

    test.args(["user", "update", "alice", "--name", "   "])
        .status(2)
        .stderr_has("must not be blank")
        .run();
}

#[test]
fn update_refuses_bad_values_and_changes_nothing() {
    let test = Test::new();
    let alice = test.create("alice");
    for (args, message) in [
        (vec!["--username", "x"], "must be 3 to 32 characters long"),
        (
            vec!["--email", "not-an-email"],
            "must look like name@example.com",
        ),
        (
            vec!["--name", "a\tb"],
            "must not contain control characters",
        ),
        (vec!["--role", "owner"], "[possible values: admin, user]"),
        (vec!["--attr", "novalue"], "expected KEY=VALUE"),
        (
            vec!["--must-change-password", "maybe"],
            "[possible values: true, false]",
        ),
        (
            vec!["--reason", "spam"],
            "required arguments were not provided",
        ),
        (vec!["--block", "--unblock"], "cannot be used with"),
        (
            vec!["--block", "--reason", "bad\u{1}reason"],
            "invalid block_reason: must not contain control characters",
        ),
    ] {
        let mut all = vec!["user", "update", "alice"];
        all.extend(args);
        test.args(all).status(2).stderr_has(message).run();
    }
    assert_eq!(test.user("alice"), alice);
}

#[test]
fn update_with_nothing_to_change_is_refused() {
    let test = Test::new();
    test.create("alice");
    test.args(["user", "update", "alice"])
        .status(2)
        .stderr_has("usersctl: error: nothing to change: name at least one field to update")
        .run();
}

#[test]
fn update_of_an_unknown_user_exits_3() {
    let test = Test::new();
    test.create("alice");
    test.args(["user", "update", "ghost", "--role", "admin"])
        .status(3)
        .stderr("usersctl: error: user ghost not found\n")
        .run();
    test.args(["user", "update", "ghost", "--password-stdin"])
        .stdin(format!("{NEW_PASSWORD}\n"))
        .status(3)
        .stderr("usersctl: error: user ghost not found\n")
        .run();
}

#[test]
fn a_blocked_user_cannot_authenticate_until_unblocked() {
    let test = Test::new();
    test.create("alice");
    test.assert_login("alice", PASSWORD);

    let out = test
        .args([
            "user",
            "update",
            "alice",
            "--block",
            "--reason",
            "left the company",
        ])
        .any_stdout()
        .run();
    assert_eq!(field(&out.stdout, "status"), "blocked");
    assert_eq!(field(&out.stdout, "block reason"), "left the company");
    let stored = test.user("alice");
    assert_eq!(stored["blocked"], true);
    assert_eq!(stored["block_reason"], "left the company");

    // The reason is for operators: the login attempt is told nothing more.
    test.assert_login_refused("alice", PASSWORD);

    test.args(["-o", "name", "user", "update", "alice", "--unblock"])
        .stdout("alice\n")
        .run();
    let stored = test.user("alice");
    assert_eq!(stored["blocked"], false);
    assert_eq!(stored["block_reason"], Value::Null);
    test.assert_login("alice", PASSWORD);
}

#[test]
fn must_change_password_can_be_set_and_cleared() {
    let test = Test::new();
    test.create("alice");
    for value in [true, false] {
        let out = test
            .args([
                "-o",
                "json",
                "user",
                "update",
                "alice",
                "--must-change-password",
                &value.to_string(),
            ])
            .any_stdout()
            .run();
        assert_eq!(out.data()["must_change_password"], value);
        assert_eq!(test.user("alice")["must_change_password"], value);
    }
}

#[test]
fn a_new_password_from_stdin_replaces_the_old_one() {
    let test = Test::new();
    let before = test.create_with("alice", &["--must-change-password"]);
    test.args(["-o", "name", "user", "update", "alice", "--password-stdin"])
        .stdin(format!("{NEW_PASSWORD}\n"))
        .stdout("alice\n")
        .run();
    test.assert_login_refused("alice", PASSWORD);
    test.assert_login("alice", NEW_PASSWORD);

    let after = test.user("alice");
    assert_ne!(after["password_changed_at"], before["password_changed_at"]);
    // A password the operator sets is a temporary one: the user must still
    // choose its own at the next login.
    assert_eq!(after["must_change_password"], true);
}

#[test]
fn a_weak_new_password_is_refused_and_the_old_one_still_works() {
    let test = Test::new();
    test.create("alice");
    test.args(["user", "update", "alice", "--password-stdin"])
        .stdin("password123\n")
        .status(2)
        .stderr_has("usersctl: error: invalid password: is too common")
        .run();
    test.assert_login("alice", PASSWORD);
}

#[test]
fn update_generate_password_prints_the_new_password_once() {
    let test = Test::new();
    test.create("alice");
    let out = test
        .args([
            "-o",
            "json",
            "user",
            "update",
            "alice",
            "--generate-password",
        ])
        .any_stdout()
        .run();
    let password = out.json()["generated_password"]
        .as_str()
        .expect("a generated password")
        .to_owned();
    test.assert_login_refused("alice", PASSWORD);
    test.assert_login("alice", &password);
}

#[test]
fn update_refuses_to_prompt_for_a_password_without_a_terminal() {
    let test = Test::new();
    test.create("alice");
    test.args(["user", "update", "alice", "--prompt-password"])
        .status(2)
        .stderr(
            "usersctl: error: no password given and stdin is not a terminal: \
             use --password-stdin or --generate-password\n",
        )
        .run();
    test.assert_login("alice", PASSWORD);
}

// ---------------------------------------------------------------------------
// user delete
// ---------------------------------------------------------------------------

#[test]
fn user_delete_with_yes_deletes_the_user_and_says_so() {
    let test = Test::new();
    let alice = test.create("alice");
    test.create("bob");
    let id = alice["id"].as_str().unwrap();
    test.args(["user", "delete", "alice", "--yes"])
        .stdout(&format!("deleted user alice ({id})\n"))
        .stderr(&format!(
            "it is in the recycle bin: `usersctl user restore {id}` brings it back\n"
        ))
        .run();
    test.assert_gone("alice");
    test.assert_login_refused("alice", PASSWORD);
    assert_eq!(test.usernames(), ["bob"]);
}

#[test]
fn user_delete_prints_the_deleted_record_as_json_or_its_name() {
    let test = Test::new();
    let alice = test.create("alice");
    test.create("bob");
    let out = test
        .args(["-o", "json", "user", "delete", "alice@example.com", "-y"])
        .any_stdout()
        .run();
    assert_eq!(out.data(), alice);
    test.args(["-o", "name", "user", "delete", "bob", "--yes"])
        .stdout("bob\n")
        .run();
    assert!(test.usernames().is_empty());
}

#[test]
fn user_delete_without_yes_refuses_without_a_terminal_and_deletes_nothing() {
    let test = Test::new();
    test.create("alice");
    test.args(["user", "delete", "alice"])
        .status(2)
        .stderr("usersctl: error: refusing to delete without --yes: stdin is not a terminal\n")
        .run();
    assert_eq!(test.usernames(), ["alice"]);
}

#[test]
fn user_delete_of_an_unknown_user_exits_3() {
    let test = Test::new();
    test.create("alice");
    test.args(["user", "delete", "ghost", "--yes"])
        .status(3)
        .stderr("usersctl: error: user ghost not found\n")
        .run();
    assert_eq!(test.usernames(), ["alice"]);
}

// ---------------------------------------------------------------------------
// users list
// ---------------------------------------------------------------------------

/// Users whose emails and names are long enough to overflow any terminal.
fn create_wordy(test: &Test) -> Vec<(String, String)> {
    let users: Vec<(String, String)> = ["a-username-of-thirty-two-chars-1", "bob"]
        .iter()
        .map(|name| {
            let email = format!("{name}.with.a.rather.long.mailbox@subdomain.example-company.com");
            (name.to_string(), email)
        })
        .collect();
    for (name, email) in &users {
        test.args(["-q", "-o", "name", "user", "create", name, "--email", email])
            .args([
                "--name",
                "Somebody With A Name Long Enough To Wrap Anything",
            ])
            .arg("--generate-password")
            .any_stdout()
            .any_stderr()
            .run();
    }
    users
}

#[test]
fn a_list_fits_80_columns_and_never_cuts_a_username_or_an_id() {
    let test = Test::new();
    let users = create_wordy(&test);
    let ids: Vec<String> = users
        .iter()
        .map(|(name, _)| test.user(name)["id"].as_str().unwrap().to_owned())
        .collect();

    // A pipe gets every cell whole.
    let out = test.args(["users", "list"]).any_stdout().run();
    let rows = columns(&out.stdout);
    for (row, (name, email)) in rows[1..].iter().zip(&users) {
        assert_eq!([&row[0], &row[1]], [name, email], "{}", out.stdout);
    }

    // Fitted to 80 columns, only the email gives way.
    let out = test
        .args(["users", "list"])
        .env("COLUMNS", "80")
        .any_stdout()
        .run();
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", out.stdout);
    for line in &lines {
        assert!(
            line.chars().count() <= 80,
            "{} columns: {line}",
            line.chars().count()
        );
    }
    let rows = columns(&out.stdout);
    for (row, (name, email)) in rows[1..].iter().zip(&users) {
        assert_eq!(row[0], *name);
        let shown = row[1].strip_suffix('…').expect("the email is cut short");
        assert!(email.starts_with(shown), "{shown} of {email}");
        assert_eq!(row[2], "user");
        assert_eq!(row[3], "active");
    }

    // -o wide adds the rest; the free text gives way, the id never does.
    let out = test
        .args(["-o", "wide", "users", "list"])
        .env("COLUMNS", "80")
        .any_stdout()
        .run();
    let rows = columns(&out.stdout);
    for (row, id) in rows[1..].iter().zip(&ids) {
        assert_eq!(row[7], *id, "{}", out.stdout);
        assert!(row[2].ends_with('…'), "{}", out.stdout);
    }
}

#[test]
fn a_list_on_a_terminal_follows_its_width() {
    if support::sled_only("a terminal") {
        return;
    }
    let test = Test::new();
    let users = create_wordy(&test);
    for width in [80u16, 100, 200] {
        let term = on_terminal_of_width(&test, &["users", "list"], &[], Some(width));
        assert_eq!(term.status, 0, "{}", term.transcript);
        let lines: Vec<&str> = term.transcript.lines().collect();
        assert_eq!(lines.len(), 3, "{}", term.transcript);
        for line in &lines {
            let line = line.trim_end_matches('\r');
            assert!(
                line.chars().count() <= usize::from(width),
                "at {width}: {line}"
            );
        }
        // At 200 columns nothing needs cutting.
        let whole = term.transcript.contains(&users[0].1);
        assert_eq!(whole, width == 200, "at {width}:\n{}", term.transcript);
    }
}

#[test]
fn no_headers_leaves_the_header_line_out() {
    let test = Test::new();
    test.create_many(&["alice", "bob"]);
    for format in ["table", "wide"] {
        let out = test
            .args(["-o", format, "users", "list", "--no-headers"])
            .any_stdout()
            .run();
        let first: Vec<&str> = out
            .stdout
            .lines()
            .map(|l| l.split_whitespace().next().unwrap())
            .collect();
        assert_eq!(first, ["alice", "bob"], "{}", out.stdout);
    }
}

#[test]
fn users_list_shows_users_oldest_first_in_every_format() {
    let test = Test::new();
    test.create_with("carol", &["--name", "Carol C"]);
    test.create_with("alice", &["--role", "admin"]);
    test.create("bob");
    test.args(["user", "update", "bob", "--block"])
        .any_stdout()
        .run();

    let out = test.args(["users", "list"]).any_stdout().run();
    let rows = columns(&out.stdout);
    assert_eq!(rows[0], ["USERNAME", "EMAIL", "ROLE", "STATUS", "CREATED"]);
    let today = test.user("carol")["created_at"].as_str().unwrap()[..10].to_owned();
    let shown: Vec<[&str; 5]> = rows[1..]
        .iter()
        .map(|r| [&*r[0], &*r[1], &*r[2], &*r[3], &*r[4]])
        .collect();
    assert_eq!(
        shown,
        [
            ["carol", "carol@example.com", "user", "active", &today],
            ["alice", "alice@example.com", "admin", "active", &today],
            ["bob", "bob@example.com", "user", "blocked", &today],
        ]
    );

    let out = test
        .args(["-o", "wide", "users", "list"])
        .any_stdout()
        .run();
    let rows = columns(&out.stdout);
    assert_eq!(
        rows[0],
        [
            "USERNAME",
            "EMAIL",
            "NAME",
            "ROLE",
            "STATUS",
            "CREATED",
            "LAST LOGIN",
            "ID"
        ]
    );
    let carol = test.user("carol");
    assert_eq!(
        rows[1],
        [
            "carol",
            "carol@example.com",
            "Carol C",
            "user",
            "active",
            carol["created_at"].as_str().unwrap(),
            "-",
            carol["id"].as_str().unwrap(),
        ]
    );
    assert_eq!(rows[2][2], "-", "no name");

    let page = test
        .args(["-o", "json", "users", "list"])
        .any_stdout()
        .run()
        .json();
    assert_eq!(names(&page), ["carol", "alice", "bob"]);
    assert_eq!(page["next_cursor"], Value::Null);
    assert_eq!(page["data"][0], test.user("carol"));

    test.args(["-o", "name", "users", "list"])
        .stdout("carol\nalice\nbob\n")
        .run();
}

#[test]
fn an_empty_list_says_so_on_stderr_only() {
    let test = Test::new();
    test.args(["users", "list"])
        .stderr("no users match\n")
        .run();
    test.args(["-o", "name", "users", "list"]).run();
    let out = test
        .args(["-o", "json", "users", "list"])
        .any_stdout()
        .run();
    assert_eq!(out.json(), json!({"data": [], "next_cursor": null}));
}

#[test]
fn paging_through_five_users_two_at_a_time_visits_each_once_in_creation_order() {
    let test = Test::new();
    let all = ["user-e", "user-d", "user-c", "user-b", "user-a"];
    test.create_many(&all);

    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut run = test.args(["-o", "json", "users", "list", "--limit", "2"]);
        if let Some(c) = &cursor {
            run = run.args(["--cursor", c.as_str()]);
        }
        let page = run.any_stdout().run().json();
        pages += 1;
        let got = names(&page);
        assert!(got.len() <= 2, "{page}");
        seen.extend(got);
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
        assert!(pages < 10, "paging does not end");
    }
    assert_eq!(pages, 3);
    assert_eq!(seen, all);
}

#[test]
fn in_table_mode_the_next_cursor_is_a_note_on_stderr() {
    let test = Test::new();
    let all = ["user-e", "user-d", "user-c", "user-b", "user-a"];
    test.create_many(&all);

    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..3 {
        let mut run = test.args(["users", "list", "--limit", "2"]);
        if let Some(c) = &cursor {
            run = run.args(["--cursor", c.as_str()]);
        }
        let out = run.any_stdout().any_stderr().run();
        seen.extend(
            columns(&out.stdout)
                .into_iter()
                .skip(1)
                .map(|r| r[0].clone()),
        );
        cursor = match out.stderr.as_str() {
            "" => None,
            note => Some(
                note.strip_prefix("more users follow: --cursor ")
                    .and_then(|c| c.strip_suffix('\n'))
                    .unwrap_or_else(|| panic!("unexpected stderr: {note:?}"))
                    .to_owned(),
            ),
        };
    }
    assert_eq!(cursor, None, "three pages hold five users");
    assert_eq!(seen, all);
}

#[test]
fn a_page_that_ends_at_the_last_user_has_no_next_cursor() {
    let test = Test::new();
    test.create_many(&["user-a", "user-b", "user-c", "user-d"]);
    let first = test
        .args(["-o", "json", "users", "list", "--limit", "2"])
        .any_stdout()
        .run()
        .json();
    let cursor = first["next_cursor"].as_str().expect("a cursor").to_owned();
    let second = test
        .args(["-o", "json", "users", "list", "--limit", "2", "--cursor"])
        .args([cursor])
        .any_stdout()
        .run()
        .json();
    assert_eq!(names(&second), ["user-c", "user-d"]);
    assert_eq!(second["next_cursor"], Value::Null);
}

#[test]
fn the_page_size_must_be_between_1_and_1000() {
    let test = Test::new();
    test.create_many(&["user-a", "user-b"]);
    for bad in ["0", "1001", "many"] {
        test.args(["users", "list", "--limit", bad])
            .status(2)
            .stderr_has(&format!("invalid value '{bad}' for '--limit <LIMIT>'"))
            .run();
    }
    test.args(["-o", "name", "users", "list", "--limit", "1000"])
        .stdout("user-a\nuser-b\n")
        .run();
    test.args(["-o", "name", "users", "list", "--limit", "1"])
        .stdout("user-a\n")
        .run();
}

#[test]
fn a_cursor_no_listing_returned_is_refused() {
    let test = Test::new();
    test.create_many(&["user-a"]);
    test.args(["users", "list", "--cursor", "abc"])
        .status(2)
        .stderr("usersctl: error: invalid cursor: is not a cursor this listing returned\n")
        .run();
    let out = test
        .args(["-o", "json", "users", "list", "--cursor", "abc"])
        .status(2)
        .any_stderr()
        .run();
    assert_eq!(out.stderr_json()["details"][0]["field"], "cursor");
}

#[test]
fn users_list_filters_by_role_status_and_search_text() {
    let test = Test::new();
    test.create_many(&["alice", "bob", "carol", "dave"]);
    let updates: [&[&str]; 3] = [
        &["bob", "--role", "admin", "--name", "Zoë Ångström"],
        &["dave", "--role", "admin", "--block", "--reason", "spam"],
        &["carol", "--block"],
    ];
    for update in updates {
        test.args(["user", "update"])
            .args(update)
            .any_stdout()
            .run();
    }
    let list = |filter: &[&str]| {
        let mut args = vec!["-o", "name", "users", "list"];
        args.extend_from_slice(filter);
        test.args(args).any_stdout().run().stdout
    };
    assert_eq!(list(&["--role", "admin"]), "bob\ndave\n");
    assert_eq!(list(&["--role", "user"]), "alice\ncarol\n");
    assert_eq!(list(&["--blocked"]), "carol\ndave\n");
    assert_eq!(list(&["--active"]), "alice\nbob\n");
    assert_eq!(list(&["--role", "admin", "--active"]), "bob\n");
    // Username, email and name match, whatever the case.
    assert_eq!(list(&["--search", "ÅNGSTR"]), "bob\n");
    assert_eq!(list(&["--search", "CAROL@EX"]), "carol\n");
    assert_eq!(list(&["--search", "a"]), "alice\nbob\ncarol\ndave\n");
    assert_eq!(list(&["--search", "nobody"]), "");

    test.args(["users", "list", "--blocked", "--active"])
        .status(2)
        .stderr_has("the argument '--blocked' cannot be used with '--active'")
        .run();
    test.args(["users", "list", "--role", "owner"])
        .status(2)
        .stderr_has("[possible values: admin, user]")
        .run();
}

// ---------------------------------------------------------------------------
// users delete-many
// ---------------------------------------------------------------------------

#[test]
fn delete_many_deletes_the_named_users_and_reports_each() {
    let test = Test::new();
    test.create_many(&["alice", "bob", "carol"]);
    test.args([
        "users",
        "delete-many",
        "alice",
        "carol@example.com",
        "--yes",
    ])
    .stdout("deleted\talice\ndeleted\tcarol@example.com\n")
    .stderr("deleted 2, not found 0\n")
    .run();
    assert_eq!(test.usernames(), ["bob"]);
}

#[test]
fn delete_many_reports_json_and_names() {
    let test = Test::new();
    test.create_many(&["alice", "bob", "carol"]);
    let out = test
        .args([
            "-o",
            "json",
            "users",
            "delete-many",
            "alice",
            "bob",
            "--yes",
        ])
        .any_stdout()
        .run();
    assert_eq!(
        out.data(),
        json!({"deleted": ["alice", "bob"], "not_found": [], "dry_run": false})
    );
    test.args(["-o", "name", "users", "delete-many", "carol", "--yes"])
        .stdout("carol\n")
        .run();
    assert!(test.usernames().is_empty());
}

#[test]
fn delete_many_with_a_missing_name_deletes_the_rest_and_exits_3() {
    let test = Test::new();
    test.create_many(&["alice", "bob", "carol"]);
    test.args(["users", "delete-many", "alice", "ghost", "carol", "--yes"])
        .status(3)
        .stdout("deleted\talice\ndeleted\tcarol\nnot found\tghost\n")
        .stderr(
            "deleted 2, not found 1\n\
             usersctl: error: 1 of the named users was not found; 2 users were deleted\n",
        )
        .run();
    test.assert_gone("alice");
    test.assert_gone("carol");
    assert_eq!(test.usernames(), ["bob"]);

    let out = test
        .args([
            "-o",
            "json",
            "users",
            "delete-many",
            "bob",
            "nobody",
            "--yes",
        ])
        .status(3)
        .any_stdout()
        .any_stderr()
        .run();
    assert_eq!(
        out.data(),
        json!({"deleted": ["bob"], "not_found": ["nobody"], "dry_run": false})
    );
    assert_eq!(
        out.stderr_json(),
        json!({
            "error": "not_found",
            "message": "1 of the named users was not found; 1 user was deleted",
        })
    );
    test.assert_gone("bob");
}

#[test]
fn delete_many_reads_names_from_a_file() {
    let test = Test::new();
    test.create_many(&["alice", "bob", "carol", "dave"]);
    let list = test.path("leavers.txt");
    fs::write(&list, "# leavers\nalice\n\n  carol  \nDave@Example.com\n").unwrap();
    test.args(["users", "delete-many", "--yes", "--from"])
        .args([&list])
        .stdout("deleted\talice\ndeleted\tcarol\ndeleted\tDave@Example.com\n")
        .stderr("deleted 3, not found 0\n")
        .run();
    assert_eq!(test.usernames(), ["bob"]);
}

#[test]
fn delete_many_reads_names_from_stdin_with_yes() {
    let test = Test::new();
    test.create_many(&["alice", "bob", "carol"]);
    test.args(["-q", "users", "delete-many", "--from", "-", "--yes"])
        .stdin("alice\nbob\n")
        .stdout("deleted\talice\ndeleted\tbob\n")
        .run();
    assert_eq!(test.usernames(), ["carol"]);
}

#[test]
fn delete_many_refuses_names_from_stdin_without_yes() {
    let test = Test::new();
    test.create_many(&["alice", "bob"]);
    test.args(["users", "delete-many", "--from", "-"])
        .stdin("alice\nbob\n")
        .status(2)
        .stderr("usersctl: error: refusing to delete names read from stdin without --yes\n")
        .run();
    assert_eq!(test.usernames(), ["alice", "bob"]);
}

#[test]
fn delete_many_without_yes_refuses_without_a_terminal() {
    let test = Test::new();
    test.create_many(&["alice", "bob"]);
    let list = test.path("names.txt");
    fs::write(&list, "alice\n").unwrap();
    test.args(["users", "delete-many", "alice", "bob"])
        .status(2)
        .stderr("usersctl: error: refusing to delete without --yes: stdin is not a terminal\n")
        .run();
    test.args(["users", "delete-many", "--from"])
        .args([&list])
        .status(2)
        .stderr("usersctl: error: refusing to delete without --yes: stdin is not a terminal\n")
        .run();
    assert_eq!(test.usernames(), ["alice", "bob"]);
}

#[test]
fn a_dry_run_reports_what_would_be_deleted_and_deletes_nothing() {
    let test = Test::new();
    test.create_many(&["alice", "bob"]);
    // No --yes needed: nothing is deleted.
    test.args(["users", "delete-many", "alice", "bob", "--dry-run"])
        .stdout("would delete\talice\nwould delete\tbob\n")
        .stderr("would delete 2, not found 0\n")
        .run();
    test.args(["users", "delete-many", "alice", "ghost", "--dry-run"])
        .status(3)
        .stdout("would delete\talice\nnot found\tghost\n")
        .stderr(
            "would delete 1, not found 1\n\
             usersctl: error: 1 of the named users was not found\n",
        )
        .run();
    let out = test
        .args([
            "-o",
            "json",
            "users",
            "delete-many",
            "--from",
            "-",
            "--dry-run",
        ])
        .stdin("bob\n")
        .any_stdout()
        .run();
    assert_eq!(
        out.data(),
        json!({"deleted": ["bob"], "not_found": [], "dry_run": true})
    );
    assert_eq!(test.usernames(), ["alice", "bob"]);
}

#[test]
fn delete_many_deletes_fifty_users_in_one_go() {
    let test = Test::new();
    let all: Vec<String> = (0..50).map(|i| format!("user{i:03}")).collect();
    let refs: Vec<&str> = all.iter().map(String::as_str).collect();
    test.create_many(&refs);
    assert_eq!(test.usernames().len(), 50);

    let out = test
        .args(["-o", "json", "users", "delete-many", "--from", "-", "--yes"])
        .stdin(all.join("\n"))
        .any_stdout()
        .run();
    assert_eq!(
        out.data(),
        json!({"deleted": all, "not_found": [], "dry_run": false})
    );
    assert!(test.usernames().is_empty());
    test.assert_gone("user000");
    test.assert_gone("user049");
}

#[test]
fn delete_many_without_any_names_is_refused() {
    let test = Test::new();
    test.create_many(&["alice"]);
    test.args(["users", "delete-many", "--yes"])
        .status(2)
        .stderr(
            "usersctl: error: no users named: give names as arguments, \
             or with --from FILE (- for stdin), or select them with options such as \
             --inactive-for\n",
        )
        .run();
    test.args(["users", "delete-many", "--yes", "--from", "-"])
        .stdin("# nothing but comments\n\n")
        .status(2)
        .stderr_has("no users named")
        .run();
    let missing = test.path("missing.txt");
    test.args(["users", "delete-many", "--yes", "--from"])
        .args([&missing])
        .status(2)
        .stderr_has(&format!(
            "usersctl: error: cannot read {}",
            missing.display()
        ))
        .run();
    assert_eq!(test.usernames(), ["alice"]);
}

#[test]
fn naming_one_user_twice_does_not_report_it_missing() {
    let test = Test::new();
    test.create_many(&["alice", "bob"]);
    test.args([
        "users",
        "delete-many",
        "alice",
        "alice@example.com",
        "--dry-run",
    ])
    .any_stdout()
    .any_stderr()
    .run();
    test.args([
        "users",
        "delete-many",
        "alice",
        "alice@example.com",
        "--yes",
    ])
    .any_stdout()
    .any_stderr()
    .run();
    test.assert_gone("alice");
    assert_eq!(test.usernames(), ["bob"]);
}

// ---------------------------------------------------------------------------
// authenticate
// ---------------------------------------------------------------------------

#[test]
fn authenticate_prints_a_token_and_its_expiry() {
    let test = Test::new();
    test.create("alice");
    let out = test.authenticate("alice", PASSWORD).any_stdout().run();
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", out.stdout);
    let token = lines[0].strip_prefix("token:      ").expect("a token line");
    assert_eq!(token.split('.').count(), 3, "a JWT: {token}");
    let expires = lines[1]
        .strip_prefix("expires at: ")
        .expect("an expiry line");
    // The default lifetime is one hour.
    let left = seconds_from_now(expires);
    assert!((3540..=3600).contains(&left), "{expires} is {left} s away");

    let token = test
        .authenticate("alice", PASSWORD)
        .args(["-o", "name"])
        .any_stdout()
        .run()
        .stdout;
    assert_eq!(token.lines().count(), 1);
    assert_eq!(token.trim_end().split('.').count(), 3);
}

#[test]
fn authenticate_with_json_output_gives_token_type_and_expiry() {
    let test = Test::new();
    test.create("alice");
    let out = test
        .authenticate("alice", PASSWORD)
        .args(["-o", "json", "--ttl", "15m"])
        .any_stdout()
        .run();
    let token = out.data();
    assert_eq!(token["token_type"], "Bearer");
    assert_eq!(token["token"].as_str().unwrap().split('.').count(), 3);
    let left = seconds_from_now(token["expires_at"].as_str().unwrap());
    assert!((840..=900).contains(&left), "{token}");
}

#[test]
fn authenticate_records_the_last_login() {
    let test = Test::new();
    test.create("alice");
    assert_eq!(test.user("alice")["last_login_at"], Value::Null);
    test.assert_login("alice", PASSWORD);
    let at = test.user("alice")["last_login_at"].clone();
    assert!(seconds_from_now(at.as_str().expect("a login time")).abs() < 60);
}

#[test]
fn authenticate_accepts_the_email_in_any_case() {
    let test = Test::new();
    test.create("alice");
    test.assert_login("ALICE@Example.com", PASSWORD);
    test.assert_login("Alice", PASSWORD);
}

#[test]
fn a_wrong_password_an_unknown_user_and_a_blocked_user_fail_alike() {
    let test = Test::new();
    test.create("alice");
    test.create("bob");
    test.args(["user", "update", "bob", "--block", "--reason", "fraud"])
        .any_stdout()
        .run();
    let mut json_errors = Vec::new();
    for (user, password) in [
        ("alice", "Wrong-Pass-1234"),
        ("ghost", PASSWORD),
        ("bob", PASSWORD),
        ("no such user!", PASSWORD),
    ] {
        test.assert_login_refused(user, password);
        let out = test
            .authenticate(user, password)
            .args(["-o", "json"])
            .status(5)
            .any_stderr()
            .run();
        json_errors.push(out.stderr);
    }
    assert!(json_errors.iter().all(|e| e == &json_errors[0]));
    assert_eq!(
        serde_json::from_str::<Value>(&json_errors[0]).unwrap(),
        json!({"error": "invalid_credentials", "message": "invalid username or password"})
    );
}

#[test]
fn authenticate_refuses_to_prompt_without_a_terminal() {
    let test = Test::new();
    test.create("alice");
    test.args(["authenticate", "alice"])
        .stdin(format!("{PASSWORD}\n"))
        .status(2)
        .stderr(
            "usersctl: error: no password given and stdin is not a terminal: \
             use --password-stdin\n",
        )
        .run();
    test.authenticate("alice", "")
        .status(2)
        .stderr("usersctl: error: invalid password: stdin held no password\n")
        .run();
}

#[test]
fn a_token_lifetime_must_be_a_duration_of_at_most_30_days() {
    let test = Test::new();
    for (bad, why) in [
        ("soon", "(try 15m, 1h or 7d)"),
        ("0s", "must be longer than zero"),
        ("15", "invalid value '15' for '--ttl <DURATION>'"),
    ] {
        test.authenticate("alice", PASSWORD)
            .args(["--ttl", bad])
            .status(2)
            .stderr_has(why)
            .run();
    }
    test.authenticate("alice", PASSWORD)
        .args(["--ttl", "31d"])
        .status(2)
        .stderr("usersctl: error: invalid ttl: must be between 1 second and 30days\n")
        .run();
}

#[test]
fn a_signing_secret_from_the_environment_replaces_the_secret_file() {
    if support::sled_only("the secret file") {
        return;
    }
    let test = Test::new();
    test.create("alice");
    test.authenticate("alice", PASSWORD)
        .env("USERSCTL_JWT_SECRET", "k".repeat(32))
        .args(["-o", "name"])
        .any_stdout()
        .run();
    assert!(!test.db().join("jwt-secret").exists());

    test.authenticate("alice", PASSWORD)
        .env("USERSCTL_JWT_SECRET", "too short")
        .status(2)
        .stderr("usersctl: error: the token signing secret must be at least 32 bytes\n")
        .run();
}

// ---------------------------------------------------------------------------
// Secrets and files
// ---------------------------------------------------------------------------

#[test]
fn no_output_ever_contains_the_password_or_its_hash() {
    let test = Test::new();
    test.create_with("alice", &["--name", "Alice Liddell", "--attr", "phone=1"]);
    test.create("bob");
    test.assert_login("alice", PASSWORD);

    let mut outputs = Vec::new();
    let mut record = |out: Output| outputs.push(out.stdout + &out.stderr);
    for format in ["table", "json", "name"] {
        record(
            test.args(["-o", format, "user", "get", "alice"])
                .any_stdout()
                .run(),
        );
        record(
            test.args(["-o", format, "users", "list"])
                .any_stdout()
                .run(),
        );
        record(
            test.args(["-o", format, "user", "update", "alice", "--attr", "k=v"])
                .any_stdout()
                .run(),
        );
    }
    record(
        test.args(["user", "update", "bob", "--password-stdin"])
            .stdin(format!("{NEW_PASSWORD}\n"))
            .any_stdout()
            .run(),
    );
    record(
        test.authenticate("alice", NEW_PASSWORD)
            .status(5)
            .any_stderr()
            .run(),
    );
    record(
        test.args(["-o", "json", "user", "delete", "alice", "--yes"])
            .any_stdout()
            .run(),
    );
    record(
        test.args(["users", "delete-many", "bob", "--yes"])
            .any_stdout()
            .any_stderr()
            .run(),
    );
    for output in &outputs {
        for secret in [PASSWORD, NEW_PASSWORD, "$argon2", "argon2id"] {
            assert!(!output.contains(secret), "{secret:?} shown in:\n{output}");
        }
    }
}

#[test]
fn the_database_directory_is_owner_only_and_the_token_secret_is_0600() {
    if support::sled_only("the files") {
        return;
    }
    let test = Test::without_database();
    let db = test.db();
    assert!(!db.exists());
    test.create("alice");
    assert_eq!(mode(&db), 0o700, "database directory");
    let secret = db.join("jwt-secret");
    assert!(!secret.exists(), "the secret is made at the first login");

    test.assert_login("alice", PASSWORD);
    assert_eq!(mode(&secret), 0o600, "token secret");
    let hex = fs::read_to_string(&secret).unwrap();
    assert_eq!(hex.trim().len(), 64, "a 256-bit secret");

    // Later logins keep the same secret.
    test.assert_login("alice", PASSWORD);
    assert_eq!(fs::read_to_string(&secret).unwrap(), hex);
}

#[test]
fn a_token_secret_readable_by_others_is_refused() {
    if support::sled_only("the secret file") {
        return;
    }
    let test = Test::new();
    test.create("alice");
    test.assert_login("alice", PASSWORD);
    let secret = test.db().join("jwt-secret");
    fs::set_permissions(&secret, fs::Permissions::from_mode(0o644)).unwrap();
    test.authenticate("alice", PASSWORD)
        .status(6)
        .stderr(&format!(
            "usersctl: error: token secret {0} is readable by others (mode 644); \
             run `chmod 600 {0}`\n",
            secret.display()
        ))
        .run();

    fs::set_permissions(&secret, fs::Permissions::from_mode(0o600)).unwrap();
    test.assert_login("alice", PASSWORD);
}

/// Every file and directory under `dir`, with its mode.
fn modes_under(dir: &Path) -> Vec<(PathBuf, u32)> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(at) = pending.pop() {
        for entry in fs::read_dir(&at).unwrap() {
            let path = entry.unwrap().path();
            let meta = fs::symlink_metadata(&path).unwrap();
            found.push((path.clone(), meta.permissions().mode() & 0o777));
            if meta.is_dir() {
                pending.push(path);
            }
        }
    }
    found
}

#[test]
fn every_file_of_a_database_is_for_its_owner_alone_whatever_the_umask() {
    if support::sled_only("the files") {
        return;
    }
    let test = Test::without_database();
    // Started as a service manager or a shell with umask 022 would start it.
    let run = |args: &str| {
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!(
                "umask 022; exec {} --db {} {args}",
                bin().display(),
                test.db().display()
            ))
            .output()
            .unwrap();
        assert!(out.status.success(), "{args}: {out:?}");
    };
    let pw = test.path("pw");
    fs::write(&pw, format!("{PASSWORD}\n")).unwrap();
    run("-q user create alice --email alice@example.com --generate-password");
    run(&format!(
        "users export --to {}",
        test.path("export.jsonl").display()
    ));
    run(&format!(
        "user update alice --password-stdin < {}",
        pw.display()
    ));
    run(&format!(
        "authenticate alice --password-stdin < {}",
        pw.display()
    ));
    let modes = modes_under(&test.db());
    assert!(modes.len() >= 5, "{modes:?}");
    for (path, mode) in modes {
        assert_eq!(mode & 0o077, 0, "{} is mode {mode:o}", path.display());
    }
    assert_eq!(mode(&test.db()), 0o700);
    assert_eq!(mode(&test.path("export.jsonl")), 0o600);
}

#[test]
fn a_database_others_could_read_is_made_owner_only_with_a_warning() {
    if support::sled_only("the files") {
        return;
    }
    let test = Test::without_database();
    // What `mkdir` and systemd's StateDirectory= make, and files an older
    // version left readable.
    fs::create_dir(test.db()).unwrap();
    fs::set_permissions(test.db(), fs::Permissions::from_mode(0o755)).unwrap();
    test.args([
        "-q",
        "-o",
        "name",
        "user",
        "create",
        "alice",
        "--email",
        "a@example.com",
    ])
    .arg("--generate-password")
    .stdout("alice\n")
    .stderr_has(&format!(
        "usersctl: warning: others could enter the database directory; made it owner-only: {} (was 755)\n",
        test.db().display()
    ))
    .run();
    assert_eq!(mode(&test.db()), 0o700);
    fs::set_permissions(test.db(), fs::Permissions::from_mode(0o755)).unwrap();
    fs::set_permissions(test.db().join("sled/db"), fs::Permissions::from_mode(0o644)).unwrap();
    let out = test
        .args(["-o", "name", "users", "list"])
        .stdout("alice\n")
        .any_stderr()
        .run();
    assert_eq!(
        out.stderr,
        format!(
            "usersctl: warning: others could enter the database directory; made it owner-only: {0} (was 755)\n\
             usersctl: warning: others could read files of the database; made them owner-only: {0}/sled/db (was 644)\n",
            test.db().display()
        )
    );
    for (path, mode) in modes_under(&test.db()) {
        assert_eq!(mode & 0o077, 0, "{} is mode {mode:o}", path.display());
    }
    // Once tight, nothing more is said.
    test.args(["-o", "name", "users", "list"])
        .stdout("alice\n")
        .run();
}

#[test]
fn a_database_or_token_secret_of_another_user_is_refused() {
    if support::sled_only("the files") {
        return;
    }
    if !rustix::process::geteuid().is_root() {
        eprintln!("not root: files of another user cannot be made here; skipped");
        return;
    }
    let test = Test::new();
    test.create("alice");
    test.assert_login("alice", PASSWORD);
    let secret = test.db().join("jwt-secret");
    std::os::unix::fs::chown(&secret, Some(65534), None).unwrap();
    test.authenticate("alice", PASSWORD)
        .status(6)
        .stderr(&format!(
            "usersctl: error: token secret {} belongs to uid 65534, not to you (uid 0); \
             only a secret of your own is used\n",
            secret.display()
        ))
        .run();
    std::os::unix::fs::chown(&secret, Some(0), None).unwrap();
    test.assert_login("alice", PASSWORD);

    std::os::unix::fs::chown(test.db(), Some(65534), None).unwrap();
    test.args(["users", "list"])
        .status(6)
        .stderr(&format!(
            "usersctl: error: database directory {} belongs to uid 65534, not to you (uid 0); \
             run usersctl as its owner\n",
            test.db().display()
        ))
        .run();
}

#[test]
fn a_token_secret_that_is_a_link_is_refused() {
    if support::sled_only("the secret file") {
        return;
    }
    let test = Test::new();
    test.create("alice");
    test.assert_login("alice", PASSWORD);
    let secret = test.db().join("jwt-secret");
    fs::rename(&secret, test.path("elsewhere")).unwrap();
    std::os::unix::fs::symlink(test.path("elsewhere"), &secret).unwrap();
    test.authenticate("alice", PASSWORD)
        .status(6)
        .stderr_has("is not a plain file")
        .run();
}

// ---------------------------------------------------------------------------
// Global options and environment
// ---------------------------------------------------------------------------

#[test]
fn quiet_suppresses_notes_but_not_answers() {
    let test = Test::new();
    let out = test
        .args([
            "-q",
            "user",
            "create",
            "alice",
            "--email",
            "alice@example.com",
            "--generate-password",
        ])
        .stdout_has("generated password: ")
        .run();
    assert_eq!(field(&out.stdout, "username"), "alice");
    test.create_many(&["bob", "carol"]);

    let out = test
        .args(["--quiet", "users", "list", "--limit", "1"])
        .any_stdout()
        // Even quiet, a table that stops at one page says so.
        .stderr_has("more users follow: --cursor ")
        .run();
    assert_eq!(columns(&out.stdout).len(), 2, "a header and one user");
    test.args(["-q", "users", "list", "--search", "nobody"])
        .run();
    test.args(["-q", "users", "delete-many", "bob", "ghost", "--yes"])
        .status(3)
        .stdout("deleted\tbob\nnot found\tghost\n")
        .stderr("usersctl: error: 1 of the named users was not found; 1 user was deleted\n")
        .run();
}

#[test]
fn each_global_option_can_be_set_by_its_environment_variable() {
    if support::sled_only("a directory in USERSCTL_DB") {
        return;
    }
    let test = Test::new();
    let db = test.db();
    test.args(["user", "create", "alice", "--email", "alice@example.com"])
        .no_db()
        .args(["--password-stdin"])
        .env("USERSCTL_DB", &db)
        .env("USERSCTL_OUTPUT", "name")
        .env("USERSCTL_MIN_PASSWORD_LENGTH", "20")
        .stdin(format!("{PASSWORD}\n"))
        .status(2)
        .stderr("usersctl: error: invalid password: must be at least 20 characters\n")
        .run();
    test.args(["user", "create", "staff", "--email", "s@example.com"])
        .no_db()
        .args(["--generate-password"])
        .env("USERSCTL_DB", &db)
        .env("USERSCTL_RESERVED_NAMES", "staff")
        .status(4)
        .stderr("usersctl: error: username staff is reserved\n")
        .run();
    test.create_many(&["alice"]);
    test.args(["users", "list"])
        .no_db()
        .env("USERSCTL_DB", &db)
        .env("USERSCTL_OUTPUT", "name")
        .stdout("alice\n")
        .run();
    test.args(["users", "list", "--search", "nobody"])
        .no_db()
        .env("USERSCTL_DB", &db)
        .env("USERSCTL_QUIET", "true")
        .run();
    // An option on the command line beats its variable.
    test.args(["-o", "json", "users", "list"])
        .env("USERSCTL_DB", test.path("elsewhere"))
        .env("USERSCTL_OUTPUT", "name")
        .stdout_has("\"username\": \"alice\"")
        .run();
    assert!(!test.path("elsewhere").exists());
}

#[test]
fn without_db_the_database_lives_under_xdg_data_home() {
    let test = Test::without_database();
    let data = test.path("data");
    let create = [
        "-o",
        "name",
        "user",
        "create",
        "alice",
        "--email",
        "alice@example.com",
        "--generate-password",
    ];
    test.args(create)
        .no_db()
        .env("XDG_DATA_HOME", &data)
        .stdout("alice\n")
        .any_stderr()
        .run();
    assert_eq!(mode(&data.join("usersctl")), 0o700);
    test.args(["-o", "name", "users", "list"])
        .no_db()
        .env("XDG_DATA_HOME", &data)
        .stdout("alice\n")
        .run();
}

// ---------------------------------------------------------------------------
// Exit codes 1, 6 and 130, and the pipe
// ---------------------------------------------------------------------------

/// Holds an exclusive lock on `lock` from another process, the way a second
/// usersctl or anything else might.
const LOCKER: &str = "import fcntl,sys,time; f=open(sys.argv[1],'a'); \
    fcntl.flock(f,fcntl.LOCK_EX); print('locked',flush=True); time.sleep(30)";

/// Kills the child when dropped, so a failed assertion leaves nothing running.
struct Reaper(Child);

impl Drop for Reaper {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Holds the database's lock from a program that is not usersctl until the
/// returned `Reaper` is dropped.
fn hold_lock(test: &Test) -> Reaper {
    let mut locker = Reaper(
        std::process::Command::new("python3")
            .args(["-c", LOCKER])
            .arg(test.db().join("lock"))
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 runs"),
    );
    let mut line = String::new();
    BufReader::new(locker.0.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert_eq!(line, "locked\n");
    locker
}

#[test]
fn a_locked_database_fails_at_once_with_exit_6() {
    if support::sled_only("the lock") {
        return;
    }
    let test = Test::new();
    test.create_many(&["alice"]);
    let locker = hold_lock(&test);

    let started = Instant::now();
    let out = test
        .args(["--wait", "0", "users", "list"])
        .status(6)
        .stderr_has(&format!(
            "usersctl: error: database at {} is locked by ",
            test.db().display()
        ))
        .run();
    let took = started.elapsed();
    assert!(took < Duration::from_secs(1), "took {took:?}");
    assert_eq!(out.stderr.lines().count(), 1);

    let out = test
        .args(["-o", "json", "user", "get", "alice"])
        .status(6)
        .any_stderr()
        .run();
    let err = out.stderr_json();
    assert_eq!(err["error"], "unavailable");
    assert!(err["message"].as_str().unwrap().contains("is locked by"));

    drop(locker);
    assert_eq!(test.usernames(), ["alice"]);
}

/// Feeds an import from stdin more than it reads ahead before taking the
/// database (blank lines), so that it takes the database and, the pipe left
/// open, holds it.
fn hold_open(stdin: &mut std::process::ChildStdin) {
    stdin.write_all(&[b'\n'; 60_000]).unwrap();
    stdin.flush().unwrap();
}

#[test]
fn a_database_held_by_another_usersctl_names_that_process() {
    if support::sled_only("the lock") {
        return;
    }
    let test = Test::new();
    test.create_many(&["alice"]);
    // An import streaming a stdin that stays open holds the database meanwhile.
    let mut holder = Reaper(
        usersctl()
            .arg("--db")
            .arg(test.db())
            .args(["users", "import", "-"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    hold_open(holder.0.stdin.as_mut().unwrap());
    let pid = holder.0.id().to_string();
    let lock = test.db().join("lock");
    let deadline = Instant::now() + Duration::from_secs(10);
    while fs::read_to_string(&lock).unwrap_or_default() != pid {
        assert!(Instant::now() < deadline, "the holder never took the lock");
        std::thread::sleep(Duration::from_millis(10));
    }

    let started = Instant::now();
    test.args(["--wait", "0", "users", "list"])
        .status(6)
        .stderr_has(&format!("is locked by process {pid} ("))
        .stderr_has("usersctl")
        .run();
    assert!(started.elapsed() < Duration::from_secs(1));

    // Once the holder finishes, the database is free again.
    let mut stdin = holder.0.stdin.take().unwrap();
    let line = json!({"username": "holder", "email": "holder@example.com", "password": PASSWORD});
    writeln!(stdin, "{line}").unwrap();
    drop(stdin);
    let status = holder.0.wait().unwrap();
    assert!(status.success(), "{status:?}");
    assert_eq!(test.usernames(), ["alice", "holder"]);
}

#[test]
fn a_lock_held_by_another_program_does_not_name_a_stale_process() {
    if support::sled_only("the lock") {
        return;
    }
    let test = Test::new();
    test.create_many(&["alice"]);
    let locker = hold_lock(&test);
    let out = test.args(["users", "list"]).status(6).any_stderr().run();
    if let Some((_, rest)) = out.stderr.split_once("locked by process ") {
        let pid: String = rest.chars().take_while(char::is_ascii_digit).collect();
        assert_eq!(pid, locker.0.id().to_string(), "{}", out.stderr);
    }
}

#[test]
fn a_database_path_that_is_a_file_is_unavailable() {
    if support::sled_only("the files") {
        return;
    }
    let test = Test::without_database();
    fs::write(test.db(), "not a database").unwrap();
    test.args(["users", "list"])
        .status(6)
        .stderr(&format!(
            "usersctl: error: no usersctl database at {} (`user create` or `users import` \
             makes one, as does any command given --init)\n",
            test.db().display()
        ))
        .run();
    test.args(["user", "create", "alice", "--email", "a@example.com"])
        .arg("--generate-password")
        .status(6)
        .stderr_has(&format!(
            "usersctl: error: cannot create database directory {}",
            test.db().display()
        ))
        .run();
    assert_eq!(fs::read_to_string(test.db()).unwrap(), "not a database");
}

#[test]
fn a_mistyped_db_is_not_made_into_a_database() {
    let test = Test::new();
    test.create_many(&["alice"]);
    let typo = test.path("dbb");
    let missing = format!(
        "usersctl: error: no usersctl database at {} (`user create` or `users import` \
         makes one, as does any command given --init)\n",
        typo.display()
    );
    for args in [
        &["users", "list"][..],
        &["user", "get", "alice"],
        &["user", "delete", "alice", "--yes"],
        &["users", "delete-many", "alice", "--yes"],
        &["users", "export"],
        &["check"],
    ] {
        test.args(args).db(&typo).status(6).stderr(&missing).run();
        assert!(!typo.exists(), "{args:?} made {}", typo.display());
    }
    test.authenticate("alice", PASSWORD)
        .db(&typo)
        .status(6)
        .stderr(&missing)
        .run();
    assert!(!typo.exists());
    // JSON errors say the same.
    let out = test
        .args(["-o", "json", "users", "list"])
        .db(&typo)
        .status(6)
        .any_stderr()
        .run();
    assert!(
        out.stderr.contains("no usersctl database at"),
        "{}",
        out.stderr
    );
    assert_eq!(test.usernames(), ["alice"]);
}

#[test]
fn only_commands_that_add_users_or_init_make_a_database() {
    let test = Test::without_database();
    test.args(["user", "create", "alice", "--email", "alice@example.com"])
        .arg("--generate-password")
        .any_stdout()
        .any_stderr()
        .run();
    assert_eq!(test.usernames(), ["alice"]);

    let imported = test.path("imported");
    fs::write(
        test.path("in.jsonl"),
        r#"{"username":"bob","email":"bob@example.com","password":"Plain-Passw0rd-1"}"#,
    )
    .unwrap();
    test.args(["users", "import"])
        .arg(test.path("in.jsonl"))
        .db(&imported)
        .any_stdout()
        .any_stderr()
        .run();
    test.args(["-o", "name", "users", "list"])
        .db(&imported)
        .stdout("bob\n")
        .run();

    // An empty directory made beforehand (as `mktemp -d` does) is fine.
    let empty = test.path("empty");
    fs::create_dir(&empty).unwrap();
    fs::set_permissions(&empty, fs::Permissions::from_mode(0o700)).unwrap();
    test.args(["--init", "users", "list"])
        .db(&empty)
        .stderr("no users match\n")
        .run();
    test.args(["users", "list"])
        .db(&empty)
        .stderr("no users match\n")
        .run();
    test.args(["users", "list"])
        .db(&empty)
        .env("USERSCTL_INIT", "1")
        .stderr("no users match\n")
        .run();
}

#[test]
fn a_directory_holding_other_files_never_becomes_a_database() {
    let test = Test::without_database();
    let home = test.path("home");
    fs::create_dir(&home).unwrap();
    fs::write(home.join("notes.txt"), "mine").unwrap();
    let refused = format!(
        "usersctl: error: {} is not a usersctl database and is not empty (it holds notes.txt); \
         refusing to make a database there\n",
        home.display()
    );
    test.args(["user", "create", "alice", "--email", "alice@example.com"])
        .arg("--generate-password")
        .db(&home)
        .status(6)
        .stderr(&refused)
        .run();
    test.args(["--init", "users", "list"])
        .db(&home)
        .status(6)
        .stderr(&refused)
        .run();
    let mut left: Vec<_> = fs::read_dir(&home)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    left.sort();
    assert_eq!(left, ["notes.txt"]);
}

#[test]
fn a_failed_write_to_stdout_exits_1() {
    let test = Test::new();
    test.create_many(&["alice"]);
    let full = fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full");
    let run = test.args(["-o", "json", "user", "get", "alice"]);
    let out = run.command().stdout(full).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let err: Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(err["error"], "internal");
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("No space left on device")
    );
}

#[test]
fn a_closed_pipe_on_stdout_is_not_an_error() {
    let test = Test::new();
    test.create_many(&["alice", "bob"]);
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let run = test.args(["users", "list"]);
    let out = run
        .command()
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

/// Runs a command on a pseudo-terminal: waits for each expected text, then types
/// the matching keys. Prints the transcript, reports on stderr whether the
/// terminal echoes input afterwards, and exits with the command's code (128 +
/// the signal when a signal ended it, as a shell reports it).
const ON_TERMINAL: &str = r#"
import json, os, pty, select, sys, termios, time
steps = json.loads(sys.argv[1])
pid, fd = pty.fork()
if pid == 0:
    os.environ["TERM"] = "xterm"
    if os.environ.get("PTY_COLUMNS"):
        import fcntl, struct
        size = struct.pack("HHHH", 24, int(os.environ["PTY_COLUMNS"]), 0, 0)
        fcntl.ioctl(0, termios.TIOCSWINSZ, size)
    os.execv(sys.argv[2], sys.argv[2:])
out = b""
deadline = time.time() + 20
def read_some():
    global out
    if select.select([fd], [], [], 0.05)[0]:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            return False
        if not chunk:
            return False
        out += chunk
    return True
seen = 0
for expect, keys in steps:
    while expect.encode() not in out[seen:]:
        if time.time() > deadline or not read_some():
            sys.stdout.buffer.write(out)
            sys.exit("never saw %r" % expect)
    seen = out.index(expect.encode(), seen) + len(expect)
    time.sleep(0.2)
    if os.environ.get("PTY_MEANWHILE"):
        import subprocess
        done = subprocess.run(json.loads(os.environ.pop("PTY_MEANWHILE")), capture_output=True)
        lines = done.stdout.decode().strip().replace("\n", ",")
        sys.stderr.write("meanwhile=%d %s\n" % (done.returncode, lines))
    os.write(fd, keys.encode())
while time.time() < deadline and read_some():
    pass
_, status = os.waitpid(pid, 0)
echo = termios.tcgetattr(fd)[3] & termios.ECHO
sys.stdout.buffer.write(out)
sys.stderr.write("echo=%d\n" % (1 if echo else 0))
code = os.waitstatus_to_exitcode(status)
sys.exit(128 - code if code < 0 else code)
"#;

struct Terminal {
    status: i32,
    transcript: String,
    echo_on: bool,
    /// The exit code and stdout (lines joined by commas) of the command run
    /// at the first prompt.
    meanwhile: Option<(i32, String)>,
}

/// Runs `usersctl --db DB ARGS…` on a terminal, answering each prompt in turn.
fn on_terminal(test: &Test, args: &[&str], steps: &[(&str, &str)]) -> Terminal {
    on_terminal_of_width(test, args, steps, None)
}

/// `on_terminal` on a terminal `columns` wide (when given).
fn on_terminal_of_width(
    test: &Test,
    args: &[&str],
    steps: &[(&str, &str)],
    columns: Option<u16>,
) -> Terminal {
    let mut command: Vec<OsString> = vec![bin().into(), "--db".into(), test.db().into()];
    command.extend(args.iter().map(OsString::from));
    run_on_terminal(&command, steps, columns)
}

/// Runs `command` (a program and its arguments) on a terminal `columns` wide
/// (when given), answering each prompt in turn.
fn run_on_terminal(command: &[OsString], steps: &[(&str, &str)], columns: Option<u16>) -> Terminal {
    run_on_terminal_meanwhile(command, steps, columns, None)
}

/// `run_on_terminal`, running `meanwhile` (a program and its arguments)
/// while the first prompt waits for its answer.
fn run_on_terminal_meanwhile(
    command: &[OsString],
    steps: &[(&str, &str)],
    columns: Option<u16>,
    meanwhile: Option<&[OsString]>,
) -> Terminal {
    let mut python = std::process::Command::new("python3");
    if let Some(argv) = meanwhile {
        let argv: Vec<String> = argv
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        python.env("PTY_MEANWHILE", serde_json::to_string(&argv).unwrap());
    }
    clean_env(&mut python);
    if let Some(columns) = columns {
        python.env("PTY_COLUMNS", columns.to_string());
    }
    let out = python
        .args(["-c", ON_TERMINAL])
        .arg(serde_json::to_string(steps).unwrap())
        .args(command)
        .output()
        .expect("python3 runs");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let transcript = String::from_utf8_lossy(&out.stdout).into_owned();
    let echo_on = match stderr.lines().last() {
        Some("echo=1") => true,
        Some("echo=0") => false,
        _ => panic!("the terminal run failed:\n{stderr}\n{transcript}"),
    };
    let meanwhile = stderr.lines().find_map(|l| {
        let (code, out) = l.strip_prefix("meanwhile=")?.split_once(' ')?;
        Some((code.parse().ok()?, out.to_owned()))
    });
    Terminal {
        status: out.status.code().expect("python exits"),
        transcript,
        echo_on,
        meanwhile,
    }
}

/// A person at a prompt does not hold the database: a script's command run
/// meanwhile (not waiting at all) goes through.
#[test]
fn a_person_at_a_prompt_does_not_hold_the_database() {
    if support::sled_only("the lock") {
        return;
    }
    let test = Test::new();
    test.create("alice");
    let own = |args: &[&str]| -> Vec<OsString> {
        let mut argv: Vec<OsString> = vec![bin().into(), "--db".into(), test.db().into()];
        argv.extend(args.iter().map(OsString::from));
        argv
    };
    let script = own(&["--wait", "0", "-o", "name", "users", "list"]);
    let term = run_on_terminal_meanwhile(
        &own(&["user", "create", "bob", "--email", "bob@example.com"]),
        &[
            ("New password", &format!("{PASSWORD}\r")),
            ("Repeat the password", &format!("{PASSWORD}\r")),
        ],
        None,
        Some(&script),
    );
    assert_eq!(term.status, 0, "{}", term.transcript);
    assert_eq!(
        term.meanwhile,
        Some((0, "alice".to_owned())),
        "{}",
        term.transcript
    );
    let term = run_on_terminal_meanwhile(
        &own(&["user", "delete", "alice"]),
        &[("Delete user alice <alice@example.com>? [y/N]", "y")],
        None,
        Some(&script),
    );
    assert_eq!(term.status, 0, "{}", term.transcript);
    assert_eq!(
        term.meanwhile,
        Some((0, "alice,bob".to_owned())),
        "{}",
        term.transcript
    );
    assert_eq!(test.usernames(), ["bob"]);
}

#[test]
fn declining_the_confirmation_on_a_terminal_exits_130_and_deletes_nothing() {
    if support::sled_only("a terminal") {
        return;
    }
    let test = Test::new();
    test.create("alice");
    let term = on_terminal(
        &test,
        &["user", "delete", "alice"],
        &[("Delete user alice <alice@example.com>? [y/N]", "n")],
    );
    assert_eq!(term.status, 130, "{}", term.transcript);
    assert!(
        term.transcript
            .contains("usersctl: error: cancelled; nothing was deleted"),
        "{}",
        term.transcript
    );
    assert_eq!(test.usernames(), ["alice"]);
}

#[test]
fn confirming_on_a_terminal_deletes() {
    if support::sled_only("a terminal") {
        return;
    }
    let test = Test::new();
    test.create_many(&["alice", "bob", "carol"]);
    let term = on_terminal(
        &test,
        &["user", "delete", "alice"],
        &[("Delete user alice <alice@example.com>? [y/N]", "y")],
    );
    assert_eq!(term.status, 0, "{}", term.transcript);
    assert!(term.transcript.contains("deleted user alice ("));
    let term = on_terminal(
        &test,
        &["users", "delete-many", "bob", "carol", "bob"],
        &[("Delete 2 users? [y/N]", "y")],
    );
    assert_eq!(term.status, 0, "{}", term.transcript);
    assert!(term.transcript.contains("deleted\tbob"));
    assert!(term.transcript.contains("deleted\tcarol"));
    assert!(test.usernames().is_empty());
}

#[test]
fn a_password_typed_twice_at_the_prompt_creates_the_user() {
    if support::sled_only("a terminal") {
        return;
    }
    let test = Test::new();
    let typed = format!("{PASSWORD}\n");
    let term = on_terminal(
        &test,
        &[
            "-o",
            "name",
            "user",
            "create",
            "alice",
            "--email",
            "alice@example.com",
        ],
        &[
            ("New password", "password123\n"),
            ("too common", ""),
            ("New password", &typed),
            ("Repeat the password", &typed),
        ],
    );
    assert_eq!(term.status, 0, "{}", term.transcript);
    assert!(term.transcript.contains("alice"), "{}", term.transcript);
    assert!(
        !term.transcript.contains(PASSWORD),
        "the password was echoed:\n{}",
        term.transcript
    );
    assert!(term.echo_on, "the terminal echoes again afterwards");
    assert_eq!(test.usernames(), ["alice"]);

    let term = on_terminal(
        &test,
        &["-o", "name", "authenticate", "alice"],
        &[("Password for alice", &typed)],
    );
    assert_eq!(term.status, 0, "{}", term.transcript);
    assert!(term.echo_on, "the terminal echoes again afterwards");
    let token = term.transcript.lines().last().unwrap_or_default().trim();
    assert_eq!(token.split('.').count(), 3, "{}", term.transcript);
}

#[test]
fn ctrl_c_at_a_prompt_exits_130_and_changes_nothing() {
    if support::sled_only("a terminal") {
        return;
    }
    let test = Test::new();
    test.create("alice");
    let term = on_terminal(&test, &["user", "delete", "alice"], &[("[y/N]", "\x03")]);
    assert_eq!(term.status, 130, "{}", term.transcript);
    let term = on_terminal(
        &test,
        &["user", "create", "bob", "--email", "bob@example.com"],
        &[("New password", "\x03")],
    );
    assert_eq!(term.status, 130, "{}", term.transcript);
    assert_eq!(test.usernames(), ["alice"]);
}

#[test]
fn ctrl_c_at_the_password_prompt_leaves_the_terminal_echoing() {
    if support::sled_only("a terminal") {
        return;
    }
    let test = Test::new();
    let term = on_terminal(
        &test,
        &["user", "create", "bob", "--email", "bob@example.com"],
        &[("New password", "\x03")],
    );
    assert_eq!(term.status, 130, "{}", term.transcript);
    assert!(term.echo_on, "echo is off after Ctrl-C");
}

#[test]
fn ctrl_c_at_the_confirmation_leaves_the_cursor_visible() {
    if support::sled_only("a terminal") {
        return;
    }
    let test = Test::new();
    test.create("alice");
    let term = on_terminal(&test, &["user", "delete", "alice"], &[("[y/N]", "\x03")]);
    assert_eq!(term.status, 130, "{}", term.transcript);
    let hidden = term.transcript.rfind("\x1b[?25l");
    let shown = term.transcript.rfind("\x1b[?25h");
    assert!(
        hidden.is_none() || shown > hidden,
        "the cursor is left hidden: {:?}",
        term.transcript
    );
}

// ---------------------------------------------------------------------------
// What scripts and operators hit first (issue 10)
// ---------------------------------------------------------------------------

/// Imports `n` users named `user00000`… sharing alice's password hash: fast,
/// where creating each would hash a password.
fn import_many(test: &Test, n: usize) {
    test.create("alice");
    let export = test.args(["users", "export"]).any_stdout().run().stdout;
    let line: Value = serde_json::from_str(export.lines().next().unwrap()).unwrap();
    let hash = line["password_hash"].as_str().unwrap().to_owned();
    let mut lines = String::new();
    for i in 0..n {
        lines += &json!({
            "username": format!("user{i:05}"),
            "email": format!("user{i:05}@example.com"),
            "password_hash": hash,
        })
        .to_string();
        lines.push('\n');
    }
    test.args(["-q", "users", "import", "-"]).stdin(lines).run();
}

/// The import bar counts lines as they are stored, not as they are read:
/// while the last 200 passwords are hashed it shows the 1,000 lines stored
/// before them, not a finished bar with "0s left".
#[test]
fn the_import_bar_moves_as_lines_are_stored() {
    if support::sled_only("a terminal") {
        return;
    }
    let test = Test::new();
    test.create("alice");
    let export = test.args(["users", "export"]).any_stdout().run().stdout;
    let line: Value = serde_json::from_str(export.lines().next().unwrap()).unwrap();
    let hash = line["password_hash"].as_str().unwrap().to_owned();
    let mut lines = String::new();
    for i in 0..1200 {
        let mut user = json!({
            "username": format!("user{i:05}"),
            "email": format!("user{i:05}@example.com"),
        });
        if i < 1000 {
            user["password_hash"] = json!(hash);
        } else {
            user["password"] = json!(format!("Plain-Passw0rd-{i}"));
        }
        lines += &user.to_string();
        lines.push('\n');
    }
    let file = test.path("users.jsonl");
    fs::write(&file, lines).unwrap();
    let term = on_terminal(
        &test,
        &["users", "import", file.to_str().unwrap()],
        &[("1000/1200 lines", "")],
    );
    assert_eq!(term.status, 0, "{}", term.transcript);
    assert!(
        term.transcript.contains("imported 1200 users"),
        "{}",
        term.transcript
    );
    assert_eq!(test.usernames_all().len(), 1201);
}

/// Prompts are asked on the terminal itself, so a person whose stderr goes
/// to a file still sees them and can answer.
#[test]
fn prompts_work_with_stderr_redirected() {
    if support::sled_only("a terminal") {
        return;
    }
    let test = Test::new();
    test.create("alice");
    let script = format!(
        "exec {} --db {} \"$@\" 2>{}",
        bin().display(),
        test.db().display(),
        test.path("stderr.txt").display()
    );
    let shell = |args: &[&str]| -> Vec<OsString> {
        let mut argv: Vec<OsString> = vec!["/bin/sh".into(), "-c".into(), script.clone().into()];
        argv.push("sh".into());
        argv.extend(args.iter().map(OsString::from));
        argv
    };
    let term = run_on_terminal(
        &shell(&["user", "create", "bob", "--email", "bob@example.com"]),
        &[
            ("New password", &format!("{PASSWORD}\r")),
            ("Repeat the password", &format!("{PASSWORD}\r")),
        ],
        None,
    );
    assert_eq!(term.status, 0, "{}", term.transcript);
    test.assert_login("bob", PASSWORD);
    let term = run_on_terminal(
        &shell(&["user", "delete", "alice"]),
        &[("Delete user alice <alice@example.com>? [y/N]", "y")],
        None,
    );
    assert_eq!(term.status, 0, "{}", term.transcript);
    test.assert_gone("alice");
    let stderr = fs::read_to_string(test.path("stderr.txt")).unwrap();
    assert!(!stderr.contains("password"), "{stderr}");
    assert!(!stderr.contains(PASSWORD), "{stderr}");
}

/// An import from a pipe reads ahead before taking the database, so the
/// command writing into the pipe, though it holds the same database, can
/// finish first: here, copies of every user exported from the database
/// itself, renamed on the way.
#[test]
fn an_import_from_a_pipe_waits_for_a_writer_holding_the_database() {
    if support::sled_only("the lock") {
        return;
    }
    let test = Test::new();
    import_many(&test, 3000);
    let rename = "import json, sys\n\
        for line in sys.stdin:\n\
        \x20   u = json.loads(line)\n\
        \x20   del u['id']\n\
        \x20   u['username'] = 'copy-' + u['username']\n\
        \x20   u['email'] = 'copy-' + u['email']\n\
        \x20   print(json.dumps(u))\n";
    fs::write(test.path("rename.py"), rename).unwrap();
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!(
            "set -o pipefail; {b} --db {d} users export | python3 {r} | {b} --db {d} --wait 2s users import -",
            b = bin().display(),
            d = test.db().display(),
            r = test.path("rename.py").display(),
        ))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_eq!(stderr, "imported 3001 users\n");
    let names = test.usernames_all();
    assert_eq!(names.len(), 6002);
    assert!(names.contains(&"copy-user02999".to_owned()));
}

#[test]
fn boolean_environment_variables_take_1_yes_and_on() {
    let test = Test::new();
    for value in ["1", "yes", "on", "true"] {
        test.args(["users", "list"])
            .env("USERSCTL_QUIET", value)
            .status(0)
            .run();
    }
    test.create("alice");
    // Quiet: no note on stderr.
    test.args(["users", "delete-many", "nobody", "--dry-run"])
        .env("USERSCTL_QUIET", "1")
        .status(3)
        .stdout("not found\tnobody\n")
        .stderr("usersctl: error: 1 of the named users was not found\n")
        .run();
    test.args(["users", "list"])
        .env("USERSCTL_QUIET", "maybe")
        .status(2)
        .stderr_has("maybe")
        .run();
}

#[test]
fn a_generated_password_is_not_in_the_stream_of_names() {
    let test = Test::new();
    let out = test
        .args([
            "-o",
            "name",
            "user",
            "create",
            "alice",
            "--email",
            "alice@example.com",
            "--generate-password",
        ])
        .stdout("alice\n")
        .stderr_has("generated password: ")
        .run();
    let password = out
        .stderr
        .trim()
        .strip_prefix("generated password: ")
        .unwrap();
    test.args(["-o", "name", "authenticate", "alice", "--password-stdin"])
        .stdin(format!("{password}\n"))
        .any_stdout()
        .run();
}

#[test]
fn name_and_json_lists_without_a_limit_return_every_match() {
    let test = Test::new();
    import_many(&test, 2_345);
    let names = test
        .args(["-o", "name", "users", "list"])
        .any_stdout()
        .run()
        .stdout;
    assert_eq!(names.lines().count(), 2_346);
    assert_eq!(names.lines().last(), Some("user02344"));
    let quiet = test
        .args(["-q", "-o", "name", "users", "list"])
        .any_stdout()
        .run()
        .stdout;
    assert_eq!(quiet, names);
    let all = test
        .args(["-o", "json", "users", "list"])
        .any_stdout()
        .run()
        .json();
    assert_eq!(all["data"].as_array().unwrap().len(), 2_346);
    assert_eq!(all["next_cursor"], Value::Null);
    // With --limit, one page and its cursor.
    let page = test
        .args(["-o", "json", "users", "list", "--limit", "10"])
        .any_stdout()
        .run()
        .json();
    assert_eq!(page["data"].as_array().unwrap().len(), 10);
    assert!(page["next_cursor"].is_string());
    // A table keeps a page, and says how to get the next even with -q.
    let table = test
        .args(["-q", "users", "list"])
        .any_stdout()
        .any_stderr()
        .run();
    assert_eq!(table.stdout.matches("@example.com").count(), 100);
    assert!(
        table.stderr.starts_with("more users follow: --cursor "),
        "{}",
        table.stderr
    );
}

#[test]
fn a_list_piped_into_delete_many_deletes_every_match() {
    let test = Test::new();
    import_many(&test, 100_000);
    let bin = bin();
    let d = test.db.shell_flag();
    for _ in 0..3 {
        test.create_many(&["zed"]);
        let out = std::process::Command::new("bash")
            .arg("-c")
            .arg(format!(
                "set -o pipefail; {b} {d} -o name users list --search zed | {b} {d} -q users delete-many --from - --yes",
                b = bin.display(),
            ))
            .env_remove("USERSCTL_WAIT")
            .envs(test.db.envs())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        assert_eq!(String::from_utf8_lossy(&out.stdout), "deleted\tzed\n");
    }
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!(
            "set -o pipefail; {b} {d} -o name users list --search user | {b} {d} -q -o json users delete-many --from - --yes",
            b = bin.display(),
        ))
        .envs(test.db.envs())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["data"]["deleted"].as_array().unwrap().len(), 100_000);
    assert_eq!(test.usernames(), ["alice"]);
}

#[test]
fn a_command_waits_for_a_database_another_command_holds() {
    if support::sled_only("the lock") {
        return;
    }
    let test = Test::new();
    test.create("alice");
    // An import streaming a stdin that stays open holds the database meanwhile.
    let mut holder = usersctl()
        .arg("--db")
        .arg(test.db())
        .args(["users", "import", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    hold_open(holder.stdin.as_mut().unwrap());
    let start = Instant::now();
    loop {
        let out = test
            .args(["--wait", "0", "user", "get", "alice"])
            .command()
            .output()
            .unwrap();
        if out.status.code() == Some(6) {
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(err.contains("is locked by process"), "{err}");
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "the import never took the database"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let refused = Instant::now();
    test.args(["--wait", "300ms", "-o", "name", "user", "get", "alice"])
        .status(6)
        .stderr_has("waited 300ms")
        .run();
    assert!(refused.elapsed() >= Duration::from_millis(300));
    // Let go within the default wait: the command goes through.
    let stdin = holder.stdin.take().unwrap();
    let closer = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(700));
        drop(stdin);
    });
    test.args(["-o", "name", "user", "get", "alice"])
        .stdout("alice\n")
        .run();
    closer.join().unwrap();
    assert!(holder.wait().unwrap().success());
}

#[test]
fn delete_many_counts_users_not_names() {
    let test = Test::new();
    let alice = test.create("alice");
    test.create("bob");
    let id = alice["id"].as_str().unwrap();
    let out = test
        .args([
            "-o",
            "json",
            "users",
            "delete-many",
            "alice",
            "alice@example.com",
            id,
            "bob",
            "bob",
            "mallory",
            "--yes",
        ])
        .status(3)
        .any_stdout()
        .stderr("{\"error\":\"not_found\",\"message\":\"1 of the named users was not found; 2 users were deleted\"}\n")
        .run();
    let report = out.data();
    assert_eq!(report["deleted"], json!(["alice", "bob"]));
    assert_eq!(report["duplicates"], json!(["alice@example.com", id]));
    assert_eq!(report["not_found"], json!(["mallory"]));
    test.args(["users", "delete-many", "ghost", "mallory", "--yes"])
        .status(3)
        .stdout("not found\tghost\nnot found\tmallory\n")
        .stderr("deleted 0, not found 2\nusersctl: error: 2 of the named users were not found; nothing was deleted\n")
        .run();
}

#[test]
fn the_confirmation_counts_distinct_users() {
    if support::sled_only("a terminal") {
        return;
    }
    let test = Test::new();
    let alice = test.create("alice");
    test.create("bob");
    let id = alice["id"].as_str().unwrap().to_owned();
    let term = on_terminal(
        &test,
        &[
            "users",
            "delete-many",
            "alice",
            "alice@example.com",
            &id,
            "bob",
            "ghost",
        ],
        &[("Delete 2 users? [y/N]", "y")],
    );
    assert_eq!(term.status, 3, "{}", term.transcript);
    assert!(
        term.transcript
            .contains("deleted 2, not found 1, duplicates 2"),
        "{}",
        term.transcript
    );
    assert!(test.usernames().is_empty());
}

#[test]
fn a_taken_or_reserved_name_is_refused_before_the_password_prompt() {
    if support::sled_only("a terminal") {
        return;
    }
    let test = Test::new();
    test.create("alice");
    for (args, message) in [
        (
            ["user", "create", "root", "--email", "root@example.com"],
            "username root is reserved",
        ),
        (
            ["user", "create", "alice", "--email", "new@example.com"],
            "username alice is already taken",
        ),
        (
            ["user", "create", "newbie", "--email", "alice@example.com"],
            "email alice@example.com is already taken",
        ),
    ] {
        let term = on_terminal(&test, &args, &[(message, "")]);
        assert_eq!(term.status, 4, "{}", term.transcript);
        assert!(
            !term.transcript.contains("New password"),
            "{}",
            term.transcript
        );
    }
}

#[test]
fn a_password_pasted_twice_at_once_answers_both_prompts() {
    if support::sled_only("a terminal") {
        return;
    }
    let test = Test::new();
    let pasted = format!("{PASSWORD}\n{PASSWORD}\n");
    let term = on_terminal(
        &test,
        &[
            "-o",
            "name",
            "user",
            "create",
            "alice",
            "--email",
            "alice@example.com",
        ],
        &[("New password", &pasted)],
    );
    assert_eq!(term.status, 0, "{}", term.transcript);
    assert!(
        !term.transcript.contains(PASSWORD),
        "echoed: {}",
        term.transcript
    );
    assert_eq!(test.usernames(), ["alice"]);
}

#[test]
fn password_stdin_on_a_terminal_is_not_echoed() {
    if support::sled_only("a terminal") {
        return;
    }
    let test = Test::new();
    let typed = format!("{PASSWORD}\n");
    let term = on_terminal(
        &test,
        &[
            "-o",
            "name",
            "user",
            "create",
            "alice",
            "--email",
            "alice@example.com",
            "--password-stdin",
        ],
        &[("", &typed)],
    );
    assert_eq!(term.status, 0, "{}", term.transcript);
    assert!(
        !term.transcript.contains(PASSWORD),
        "echoed: {}",
        term.transcript
    );
    assert!(term.echo_on);
}

/// Deletes `total` users (`user00000`…) with `--from FILE --yes` on a
/// terminal, presses Ctrl-C once `prompt` shows, and checks the report of what
/// was done; returns the run and how many names were not handled.
fn interrupt_bulk_delete(test: &Test, total: usize, prompt: &str) -> (Terminal, usize) {
    let names: String = (0..total).map(|i| format!("user{i:05}\n")).collect();
    fs::write(test.path("names"), names).unwrap();
    let from = test.path("names");
    let term = on_terminal(
        test,
        &[
            "users",
            "delete-many",
            "--from",
            from.to_str().unwrap(),
            "--yes",
        ],
        &[(prompt, "\x03")],
    );
    assert_eq!(term.status, 130, "{}", term.transcript);
    let deleted = term.transcript.matches("deleted\tuser").count();
    let not_handled = term.transcript.matches("not handled\tuser").count();
    assert!(deleted > 0 && deleted < total, "{deleted} deleted");
    assert_eq!(deleted + not_handled, total);
    assert!(
        term.transcript.contains(&format!(
            "usersctl: error: interrupted: deleted {deleted} users before stopping; {not_handled} names were not handled"
        )),
        "{}",
        &term.transcript[term.transcript.len().saturating_sub(600)..]
    );
    (term, not_handled)
}

#[test]
fn ctrl_c_during_a_bulk_delete_reports_what_was_deleted() {
    if support::sled_only("a terminal") {
        return;
    }
    let test = Test::new();
    let total = 60_000;
    import_many(&test, total);
    let (term, not_handled) = interrupt_bulk_delete(&test, total, &format!("/{total} users"));
    assert!(!term.transcript.contains("nothing was changed"));
    // What the report says is what happened.
    let left = test.usernames_all();
    assert_eq!(left.len(), 1 + not_handled);
}

/// The same while a server holds the database: the names go to the server
/// in one request, and Ctrl-C asks it to stop after the batch in hand.
#[test]
fn ctrl_c_during_a_bulk_delete_through_a_server_reports_what_was_deleted() {
    if support::sled_only("the admin socket") {
        return;
    }
    let test = Test::new();
    let total = 60_000;
    import_many(&test, total);
    let mut serve = usersctl();
    let mut server = Reaper(
        serve
            .arg("--db")
            .arg(test.db())
            .args(["serve", "--bind", "127.0.0.1:0"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let mut first = String::new();
    BufReader::new(server.0.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.starts_with("listening on "), "{first:?}");
    let (_, not_handled) =
        interrupt_bulk_delete(&test, total, "names handed to the running server");
    // What the report says is what happened, and the server carries on.
    let left = test.usernames_all();
    assert_eq!(left.len(), 1 + not_handled);
    drop(server);
}

#[test]
fn ctrl_c_during_an_import_reports_what_was_imported() {
    if support::sled_only("a terminal") {
        return;
    }
    let test = Test::new();
    test.create("alice");
    let export = test.args(["users", "export"]).any_stdout().run().stdout;
    let line: Value = serde_json::from_str(export.lines().next().unwrap()).unwrap();
    let hash = line["password_hash"].as_str().unwrap().to_owned();
    let total = 100_000;
    let lines: String = (0..total)
        .map(|i| {
            json!({
                "username": format!("user{i:06}"),
                "email": format!("user{i:06}@example.com"),
                "password_hash": hash,
            })
            .to_string()
                + "\n"
        })
        .collect();
    fs::write(test.path("users.jsonl"), lines).unwrap();
    let file = test.path("users.jsonl");
    let term = on_terminal(
        &test,
        &["users", "import", file.to_str().unwrap()],
        &[(&format!("/{total} lines"), "\x03")],
    );
    assert_eq!(term.status, 130, "{}", term.transcript);
    let tail = &term.transcript[term.transcript.rfind("usersctl: error:").unwrap()..];
    let words: Vec<&str> = tail.split_whitespace().collect();
    // "usersctl: error: interrupted after line N: M users were imported; …"
    assert_eq!(words[2..4], ["interrupted", "after"], "{tail}");
    let line: usize = words[5].trim_end_matches(':').parse().unwrap();
    let imported: usize = words[6].parse().unwrap();
    assert!(imported > 0 && imported < total, "{tail}");
    assert_eq!(line, imported, "{tail}");
    assert!(!term.transcript.contains("nothing was changed"));
    assert_eq!(test.usernames_all().len(), 1 + imported);
}

// ---------------------------------------------------------------------------
// Clean-up selections: list, count and delete by last login and creation
// ---------------------------------------------------------------------------

/// Five users imported with the times a nightly clean-up looks at:
/// `fresh` (new, never logged in), `regular` (old, logged in 2 days ago),
/// `lapsed` (old, last login 200 days ago, told to change password),
/// `ghost` (300 days old, never logged in), `newcomer` (10 days old, never
/// logged in, told to change password).
fn clean_up_population(test: &Test) {
    test.create("alice");
    let export = test.args(["users", "export"]).any_stdout().run().stdout;
    let line: Value = serde_json::from_str(export.lines().next().unwrap()).unwrap();
    let hash = line["password_hash"].as_str().unwrap().to_owned();
    test.args(["-q", "user", "delete", "alice", "--yes"])
        .any_stdout()
        .run();
    let ago = |days: u64| {
        let t = SystemTime::now() - Duration::from_secs(days * 86_400);
        humantime::format_rfc3339_millis(t).to_string()
    };
    let mut lines = String::new();
    for (name, created, login, must) in [
        ("fresh", 0, None, false),
        ("regular", 400, Some(2), false),
        ("lapsed", 400, Some(200), true),
        ("ghost", 300, None, false),
        ("newcomer", 10, None, true),
    ] {
        let mut user = json!({
            "username": name, "email": format!("{name}@example.com"), "password_hash": hash,
            "created_at": ago(created), "must_change_password": must,
        });
        if let Some(days) = login {
            user["last_login_at"] = json!(ago(days));
        }
        lines += &format!("{user}\n");
    }
    test.args(["-q", "users", "import", "-"]).stdin(lines).run();
}

#[test]
fn users_list_selects_clean_up_candidates_and_counts_them() {
    let test = Test::new();
    clean_up_population(&test);
    let names = |args: &[&str]| -> String {
        let mut argv = vec!["-o", "name", "users", "list"];
        argv.extend_from_slice(args);
        test.args(argv).any_stdout().run().stdout
    };
    assert_eq!(names(&["--inactive-for", "90d"]), "lapsed\nghost\n");
    assert_eq!(names(&["--never-logged-in"]), "fresh\nghost\nnewcomer\n");
    assert_eq!(
        names(&["--never-logged-in", "--inactive-for", "30d"]),
        "ghost\n"
    );
    let year_ago =
        humantime::format_rfc3339_seconds(SystemTime::now() - Duration::from_secs(365 * 86_400))
            .to_string();
    assert_eq!(names(&["--created-before", &year_ago]), "regular\nlapsed\n");
    assert_eq!(
        names(&["--created-after", &year_ago[..10]]),
        "fresh\nghost\nnewcomer\n"
    );
    assert_eq!(
        names(&["--must-change-password", "--search", "new"]),
        "newcomer\n"
    );
    // --count prints the number alone, or a JSON body.
    test.args(["users", "list", "--inactive-for", "90d", "--count"])
        .stdout("2\n")
        .run();
    let out = test
        .args([
            "-o",
            "json",
            "users",
            "list",
            "--never-logged-in",
            "--count",
        ])
        .any_stdout()
        .run();
    assert_eq!(out.json(), json!({"data": {"count": 3}}));
    test.args(["users", "list", "--search", "nobody", "--count"])
        .stdout("0\n")
        .run();
}

#[test]
fn clean_up_options_refuse_what_they_cannot_read() {
    let test = Test::new();
    for (args, says) in [
        (
            &["--created-before", "yesterday"][..],
            "invalid value 'yesterday' for '--created-before",
        ),
        (
            &["--created-after", "2026-13-45"],
            "must be a date (2026-01-31) or an RFC 3339 time",
        ),
        (&["--inactive-for", "0s"], "must be longer than zero"),
        (
            &["--inactive-for", "ninety days"],
            "invalid value 'ninety days' for '--inactive-for",
        ),
        (&["--count", "--limit", "5"], "cannot be used with"),
    ] {
        let mut argv = vec!["users", "list"];
        argv.extend_from_slice(args);
        test.args(argv).status(2).stderr_has(says).run();
    }
    test.args(["users", "delete-many", "alice", "--inactive-for", "90d", "--yes"])
        .status(2)
        .stderr("usersctl: error: name the users, or select them with options such as --inactive-for, not both\n")
        .run();
}

#[test]
fn delete_many_deletes_a_selection_only_when_the_count_is_as_expected() {
    let test = Test::new();
    clean_up_population(&test);
    // An --expect that does not hold changes nothing, and says so.
    test.args(["users", "delete-many", "--inactive-for", "90d", "--expect", "3", "--yes"])
        .status(4)
        .stderr("usersctl: error: 2 users would be deleted, not the 3 expected (--expect); nothing was deleted\n")
        .run();
    assert_eq!(test.usernames().len(), 5);
    // A dry run reports and deletes nothing.
    test.args([
        "-o",
        "name",
        "users",
        "delete-many",
        "--inactive-for",
        "90d",
        "--dry-run",
    ])
    .stdout_has("lapsed")
    .stdout_has("ghost")
    .any_stderr()
    .run();
    assert_eq!(test.usernames().len(), 5);
    test.args([
        "-q",
        "-o",
        "name",
        "users",
        "delete-many",
        "--inactive-for",
        "90d",
        "--expect",
        "2",
        "--yes",
    ])
    .stdout("lapsed\nghost\n")
    .run();
    assert_eq!(test.usernames(), ["fresh", "regular", "newcomer"]);
    // Nothing left to select: nothing to do, and --expect 0 holds.
    test.args(["users", "delete-many", "--inactive-for", "90d", "--yes"])
        .stderr("no users match\n")
        .run();
    test.args([
        "users",
        "delete-many",
        "--inactive-for",
        "90d",
        "--expect",
        "0",
        "--yes",
    ])
    .stderr("no users match\n")
    .run();
    // Named users are counted too (two names of one user are one).
    test.args([
        "users",
        "delete-many",
        "fresh",
        "fresh@example.com",
        "--expect",
        "2",
        "--yes",
    ])
    .status(4)
    .stderr_has("1 user would be deleted, not the 2 expected")
    .run();
}
