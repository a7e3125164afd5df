//! `users import` and `users export` as their users see them: the real
//! `usersctl` binary, run against its own temporary database directories,
//! judged by stdout, stderr, exit code and what ends up in the database.
//!
//! The main proof is the round trip: a database is built with every kind of
//! user (names, attributes, roles, blocked with a reason, must change password,
//! logged in, migrated from bcrypt, more than one export page of them), exported,
//! imported into a new database, and exported again — the two exports must be
//! the same bytes, the two listings the same JSON, and every original password
//! must still log in.
//!
//! Around that: the export file is owner-only and a terminal gets a warning;
//! plain passwords are hashed with argon2id and weak ones refused line by line;
//! bcrypt hashes log in and are replaced by argon2id on the first success; each
//! bad line is reported with its number while the good ones are stored; --atomic
//! stores nothing when any line is bad, even after a batch was stored; memory
//! stays flat for ten times the users; both work through a running server; and
//! no plain password ever appears in any output or in the server's log.
//!
//! Every child runs the real binary with the tool's environment variables
//! removed; every test has its own temporary directory. Bulk users share one
//! argon2id hash made here at production cost, so no test pays for thousands of
//! hashes; bcrypt hashes are made at cost 4.

use crate::support::{
    self, Expect, Process, TestDb, bin, clean_env, listening_on, spawn_server, usersctl,
    wait_for_admin_socket,
};
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsString;
use std::fs;
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tempfile::TempDir;

/// A password the strength check accepts.
const PASSWORD: &str = "Tr0ub4dor&3horse";
/// The password of every bulk user (they share one hash of it).
const BULK_PASSWORD: &str = "bulk-Pa55word-shared!";
const AUTH_FAILED: &str = "usersctl: error: invalid username or password\n";
/// How every hash usersctl makes begins: argon2id at the OWASP parameters.
const ARGON2_PREFIX: &str = "$argon2id$v=19$m=19456,t=2,p=1$";
const EXPORT_WARNING: &str = "usersctl: warning: the export holds password hashes; \
    redirect it to a file (or use --to FILE)\n";
const BAD_HASH: &str = "must be an argon2id PHC string or a bcrypt $2a$/$2b$/$2y$ hash";
const BAD_HASH_LINE: &str =
    "invalid input: password_hash: must be an argon2id PHC string or a bcrypt $2a$/$2b$/$2y$ hash";
/// The fields of SPEC section 2, and the hash.
const EXPORT_FIELDS: &[&str] = &[
    "attributes",
    "block_reason",
    "blocked",
    "created_at",
    "email",
    "id",
    "last_login_at",
    "must_change_password",
    "name",
    "password_changed_at",
    "password_hash",
    "role",
    "updated_at",
    "username",
];
/// How long a server may take to start or to stop.
const PATIENCE: Duration = Duration::from_secs(15);

// ---------------------------------------------------------------------------
// The harness
// ---------------------------------------------------------------------------

struct Test {
    /// What `db()` names: a directory, or on PostgreSQL a schema.
    own: TestDb,
    dir: TempDir,
    /// Plain passwords this test used: no output may ever contain one.
    secrets: RefCell<Vec<String>>,
}

impl Test {
    fn new() -> Test {
        let dir = TempDir::new().expect("a temporary directory");
        Test {
            own: TestDb::new(dir.path()),
            dir,
            secrets: RefCell::new(vec![PASSWORD.to_owned(), BULK_PASSWORD.to_owned()]),
        }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// The test's own database, which every run uses unless told
    /// otherwise. It is named by a path, `db/` in the test's directory; on
    /// PostgreSQL that path stands for the test's schema (see `Run::run`),
    /// and only other paths are directories.
    fn db(&self) -> PathBuf {
        self.path("db")
    }

    /// Remembers `password` as a secret that no later output may contain.
    fn secret(&self, password: &str) -> String {
        self.secrets.borrow_mut().push(password.to_owned());
        password.to_owned()
    }

    /// Writes `content` to `rel` in the test directory.
    fn write(&self, rel: &str, content: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path(rel);
        fs::write(&path, content).expect("a test file");
        path
    }

    fn args<I, S>(&self, args: I) -> Run<'_>
    where
        I: IntoIterator<Item = S>,
        S: Into<OsString>,
    {
        Run {
            test: self,
            db: self.db(),
            args: args.into_iter().map(Into::into).collect(),
            stdin: None,
            status: 0,
            stdout: Expect::Exact(String::new()),
            stderr: Expect::Exact(String::new()),
        }
    }

    /// `users import -` on `db`, the lines given on stdin.
    fn import(&self, db: &Path, lines: impl Into<Vec<u8>>) -> Run<'_> {
        self.args(["users", "import", "-"]).db(db).stdin(lines)
    }

    /// Imports `lines`, which must all be good: `imported N users`.
    fn import_ok(&self, db: &Path, lines: &str) {
        let n = lines.lines().filter(|l| !l.trim().is_empty()).count();
        let plural = if n == 1 { "" } else { "s" };
        self.import(db, lines)
            .stderr(&format!("imported {n} user{plural}\n"))
            .run();
    }

    /// `users export` on `db` to a pipe: no warning, nothing on stderr.
    fn export(&self, db: &Path) -> String {
        self.args(["users", "export"])
            .db(db)
            .any_stdout()
            .run()
            .stdout
    }

    /// Each exported line, parsed, by username.
    fn exported(&self, db: &Path) -> BTreeMap<String, Value> {
        self.export(db)
            .lines()
            .map(|line| {
                let user: Value = serde_json::from_str(line)
                    .unwrap_or_else(|e| panic!("an export line is not JSON ({e}): {line}"));
                (user["username"].as_str().unwrap().to_owned(), user)
            })
            .collect()
    }

    /// The exported line of one user.
    fn exported_user(&self, db: &Path, username: &str) -> Value {
        self.exported(db)
            .remove(username)
            .unwrap_or_else(|| panic!("{username} is not in the export"))
    }

    /// Every user as `users list -o json` shows it, following the cursor.
    fn list(&self, db: &Path) -> Vec<Value> {
        let mut users = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let mut run = self
                .args(["-o", "json", "users", "list", "--limit", "1000"])
                .db(db)
                .any_stdout();
            if let Some(c) = &cursor {
                run = run.args(["--cursor", c.as_str()]);
            }
            let page = run.run().json();
            users.extend(page["data"].as_array().expect("a users array").clone());
            match page["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => return users,
            }
        }
    }

    /// Every username, oldest first.
    fn usernames(&self, db: &Path) -> Vec<String> {
        self.list(db)
            .iter()
            .map(|u| u["username"].as_str().unwrap().to_owned())
            .collect()
    }

    fn authenticate(&self, db: &Path, user: &str, password: &str) -> Run<'_> {
        self.args(["-o", "name", "authenticate", user, "--password-stdin"])
            .db(db)
            .stdin(format!("{password}\n"))
    }

    /// Asserts that `password` logs `user` in.
    fn login(&self, db: &Path, user: &str, password: &str) {
        self.authenticate(db, user, password).any_stdout().run();
    }

    fn login_refused(&self, db: &Path, user: &str, password: &str) {
        self.authenticate(db, user, password)
            .status(5)
            .stderr(AUTH_FAILED)
            .run();
    }

    /// `user create` with `password` on stdin.
    fn create(&self, username: &str, email: &str, password: &str, extra: &[&str]) {
        let mut args = vec!["-o", "name", "user", "create", username, "--email", email];
        args.extend_from_slice(extra);
        args.push("--password-stdin");
        self.args(args)
            .stdin(format!("{password}\n"))
            .stdout(&format!("{username}\n"))
            .run();
    }
}

/// One invocation of `usersctl --db DB ARGS…`, whose expectations default to
/// "exit 0, nothing on stdout, nothing on stderr".
#[must_use = "a Run does nothing until .run()"]
struct Run<'a> {
    test: &'a Test,
    db: PathBuf,
    args: Vec<OsString>,
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

    /// A path argument.
    fn arg_path(mut self, path: &Path) -> Self {
        self.args.push(path.as_os_str().to_owned());
        self
    }

    fn db(mut self, db: &Path) -> Self {
        self.db = db.to_owned();
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

    fn run(self) -> Output {
        let mut std_cmd = usersctl();
        if self.db == self.test.db() {
            self.test.own.apply(&mut std_cmd);
        } else {
            std_cmd.arg("--db").arg(&self.db);
        }
        std_cmd.args(&self.args);
        let shown = format!("{std_cmd:?}");
        let mut cmd = assert_cmd::Command::from_std(std_cmd);
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
                out.status,
                shorten(&out.stdout),
                shorten(&out.stderr)
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
        assert_no_secret(&self.test.secrets.borrow(), &out.stdout, "stdout");
        assert_no_secret(&self.test.secrets.borrow(), &out.stderr, "stderr");
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
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", shorten(&self.stdout)))
    }

    /// The `data` of a JSON success, which is `{"data": …}` and nothing else.
    fn data(&self) -> Value {
        let mut doc = self.json();
        let keys: Vec<&String> = doc.as_object().expect("a JSON object").keys().collect();
        assert_eq!(keys, ["data"], "{}", shorten(&doc.to_string()));
        doc["data"].take()
    }

    fn stderr_json(&self) -> Value {
        serde_json::from_str(&self.stderr)
            .unwrap_or_else(|e| panic!("stderr is not JSON ({e}):\n{}", self.stderr))
    }
}

/// A long output shown by its ends only.
fn shorten(text: &str) -> String {
    if text.len() <= 4000 {
        return text.to_owned();
    }
    format!(
        "{}\n[… {} bytes …]\n{}",
        &text[..text.floor_char_boundary(1500)],
        text.len() - 3000,
        &text[text.ceil_char_boundary(text.len() - 1500)..]
    )
}

fn assert_no_secret(secrets: &[String], text: &str, what: &str) {
    for secret in secrets {
        assert!(
            !text.contains(secret.as_str()),
            "{what} holds the plain password {secret:?}:\n{}",
            shorten(text)
        );
    }
}

fn mode(path: &Path) -> u32 {
    fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

/// A deterministic password of `len` letters and digits that looks random to
/// the strength estimator; `seed` tells passwords apart.
fn random_password(seed: u64, len: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15 ^ seed.wrapping_mul(0x2545_F491_4F6C_DD1D);
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            ALPHABET[(state % ALPHABET.len() as u64) as usize] as char
        })
        .collect()
}

/// An argon2id PHC string of `password` at production parameters, as usersctl
/// itself would store it.
fn argon2_hash(password: &str) -> String {
    use argon2::password_hash::{PasswordHasher, SaltString, rand_core::OsRng};
    let params = argon2::Params::new(19_456, 2, 1, None).unwrap();
    argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params)
        .hash_password(password.as_bytes(), &SaltString::generate(&mut OsRng))
        .unwrap()
        .to_string()
}

/// The hash every bulk user shares: one argon2id hash of `BULK_PASSWORD`.
fn bulk_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| argon2_hash(BULK_PASSWORD))
}

/// A bcrypt hash at cost 4 with the given prefix (`$2a$`, `$2b$` or `$2y$`).
fn bcrypt_hash(password: &str, version: bcrypt::Version) -> String {
    bcrypt::hash_with_result(password, 4)
        .unwrap()
        .format_for_version(version)
}

/// One import line: `username` at `<username>@example.com` with the bulk hash,
/// and `extra` fields on top (a null in `extra` removes the field).
fn line(username: &str, extra: Value) -> String {
    let mut user = json!({
        "username": username,
        "email": format!("{username}@example.com"),
        "password_hash": bulk_hash(),
    });
    let map = user.as_object_mut().unwrap();
    for (key, value) in extra.as_object().expect("extra is an object") {
        if value.is_null() {
            map.remove(key);
        } else {
            map.insert(key.clone(), value.clone());
        }
    }
    serde_json::to_string(&user).unwrap() + "\n"
}

/// `n` users `<prefix>00000`… with the bulk hash, one a line.
fn bulk(prefix: &str, n: usize) -> String {
    (0..n)
        .map(|i| line(&format!("{prefix}{i:05}"), json!({})))
        .collect()
}

/// The `usersctl: line N: …` lines of an import's stderr, by line number.
fn refused_lines(stderr: &str) -> BTreeMap<u64, String> {
    let mut refused = BTreeMap::new();
    for l in stderr.lines() {
        let Some(rest) = l.strip_prefix("usersctl: line ") else {
            continue;
        };
        let (n, message) = rest.split_once(": ").expect("line N: message");
        let n: u64 = n.parse().expect("a line number");
        assert!(
            refused.insert(n, message.to_owned()).is_none(),
            "line {n} reported twice:\n{stderr}"
        );
    }
    refused
}

// ---------------------------------------------------------------------------
// The round trip
// ---------------------------------------------------------------------------

#[test]
fn export_then_import_into_a_new_database_gives_the_same_users() {
    let test = Test::new();
    let a = test.db();
    let bob_pw = test.secret(&random_password(1, 16));
    let carol_pw = test.secret(&random_password(2, 16));
    let dave_pw = test.secret(&random_password(3, 16));
    let erin_pw = test.secret(&random_password(4, 16));

    // Users made at the command line, in every state an operator can make.
    test.create(
        "alice",
        "Alice@Example.COM",
        PASSWORD,
        &[
            "--name",
            "Alice Ünïcødé 🦀",
            "--role",
            "admin",
            "--attr",
            "phone=+1 555 0100",
            "--attr",
            "title=CTO",
            "--must-change-password",
        ],
    );
    test.create("bob", "bob@example.com", &bob_pw, &[]);
    test.args([
        "-o",
        "name",
        "user",
        "update",
        "bob",
        "--block",
        "--reason",
        "left the company",
    ])
    .stdout("bob\n")
    .run();
    test.create("carol", "carol@example.com", &carol_pw, &[]);
    test.login(&a, "carol", &carol_pw);
    // Users imported with everything given: a bcrypt hash not yet migrated,
    // an id and timestamps from another system, nested attributes; a plain
    // password; and more users than one export page holds.
    let dave = line(
        "dave",
        json!({
            "id": "018f0c5e-8a3e-7c1a-9b2d-3e4f5a6b7c8d",
            "email": "Dave.Example@Example.org",
            "name": null,
            "attributes": {
                "social": {"github": "dave", "mastodon": "@dave@example.social"},
                "notifications": {"email": true, "sms": false},
                "photo": "/photos/dave.jpg",
                "scores": [1, 2.5, null, "x"]
            },
            "created_at": "2019-03-04T05:06:07.089Z",
            "updated_at": "2020-01-02T03:04:05Z",
            "password_changed_at": "2019-12-31T23:59:59.999Z",
            "last_login_at": "2021-06-07T08:09:10.111Z",
            "password_hash": bcrypt_hash(&dave_pw, bcrypt::Version::TwoB),
        }),
    );
    let erin = line(
        "erin",
        json!({
            "role": "admin",
            "blocked": true,
            "block_reason": "\"quoted\", tab-free, ünïcode",
            "must_change_password": true,
            "password": erin_pw,
            "password_hash": null,
        }),
    );
    test.import_ok(&a, &format!("{dave}{erin}"));
    test.import_ok(&a, &bulk("bulk", 2100));

    let exported = test.export(&a);
    let file = test.path("a.jsonl");
    test.args(["users", "export", "--to"])
        .arg_path(&file)
        .stderr("exported 2105 users\n")
        .run();
    assert_eq!(fs::read_to_string(&file).unwrap(), exported);
    assert_eq!(exported.lines().count(), 2105);
    for l in exported.lines() {
        let user: Value = serde_json::from_str(l).unwrap();
        let keys: Vec<&str> = user
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys, EXPORT_FIELDS, "{l}");
    }

    let b = test.path("b");
    test.args(["users", "import"])
        .arg_path(&file)
        .db(&b)
        .stderr("imported 2105 users\n")
        .run();
    assert_eq!(test.export(&b), exported, "the second export differs");
    let listed = test.list(&a);
    assert_eq!(listed.len(), 2105);
    assert_eq!(test.list(&b), listed, "the listings differ");

    // What each kind of user kept, as the new database lists it.
    let by_name: BTreeMap<&str, &Value> = listed
        .iter()
        .map(|u| (u["username"].as_str().unwrap(), u))
        .collect();
    let alice = by_name["alice"];
    assert_eq!(alice["email"], "Alice@Example.COM");
    assert_eq!(alice["name"], "Alice Ünïcødé 🦀");
    assert_eq!(alice["role"], "admin");
    assert_eq!(alice["must_change_password"], true);
    assert_eq!(
        alice["attributes"],
        json!({"phone": "+1 555 0100", "title": "CTO"})
    );
    assert_eq!(by_name["bob"]["blocked"], true);
    assert_eq!(by_name["bob"]["block_reason"], "left the company");
    assert!(by_name["carol"]["last_login_at"].is_string());
    let dave = by_name["dave"];
    assert_eq!(dave["id"], "018f0c5e-8a3e-7c1a-9b2d-3e4f5a6b7c8d");
    assert_eq!(dave["created_at"], "2019-03-04T05:06:07.089Z");
    assert_eq!(dave["updated_at"], "2020-01-02T03:04:05.000Z");
    assert_eq!(dave["password_changed_at"], "2019-12-31T23:59:59.999Z");
    assert_eq!(dave["last_login_at"], "2021-06-07T08:09:10.111Z");
    assert_eq!(dave["name"], Value::Null);
    assert_eq!(dave["attributes"]["scores"], json!([1, 2.5, null, "x"]));
    let erin = by_name["erin"];
    assert_eq!(
        (
            &erin["role"],
            &erin["blocked"],
            &erin["must_change_password"]
        ),
        (&json!("admin"), &json!(true), &json!(true))
    );
    assert_eq!(erin["block_reason"], "\"quoted\", tab-free, ünïcode");
    let hashes = test.exported(&b);
    assert!(
        hashes["dave"]["password_hash"]
            .as_str()
            .unwrap()
            .starts_with("$2b$04$")
    );
    assert!(
        hashes["erin"]["password_hash"]
            .as_str()
            .unwrap()
            .starts_with(ARGON2_PREFIX)
    );

    // The original passwords still work in the new database; blocked users
    // stay blocked.
    test.login(&b, "alice", PASSWORD);
    test.login_refused(&b, "bob", &bob_pw);
    test.login(&b, "carol", &carol_pw);
    test.login(&b, "Dave.Example@example.org", &dave_pw);
    test.login_refused(&b, "erin", &erin_pw);
    test.login(&b, "bulk02099", BULK_PASSWORD);
    test.login_refused(&b, "bulk00000", PASSWORD);
}

#[test]
fn a_minimal_line_gets_the_defaults_of_a_new_user() {
    let test = Test::new();
    let before = std::time::SystemTime::now();
    test.import_ok(
        &test.db(),
        &line("Mixed.Case", json!({"email": "M@Example.com"})),
    );
    let user = test.exported_user(&test.db(), "mixed.case");
    assert_eq!(user["email"], "M@Example.com");
    assert_eq!(user["name"], Value::Null);
    assert_eq!(user["role"], "user");
    assert_eq!(user["blocked"], false);
    assert_eq!(user["block_reason"], Value::Null);
    assert_eq!(user["must_change_password"], false);
    assert_eq!(user["attributes"], json!({}));
    assert_eq!(user["last_login_at"], Value::Null);
    assert_eq!(user["updated_at"], user["created_at"]);
    assert_eq!(user["password_changed_at"], user["created_at"]);
    let created = humantime::parse_rfc3339(user["created_at"].as_str().unwrap()).unwrap();
    assert!(
        created
            .duration_since(before)
            .is_ok_and(|d| d < Duration::from_secs(60))
    );
    // A new id, time-ordered (UUID v7) like every id usersctl assigns.
    let id = uuid::Uuid::parse_str(user["id"].as_str().unwrap()).unwrap();
    assert_eq!(id.get_version_num(), 7);
    assert_eq!(user["password_hash"], bulk_hash());
    test.login(&test.db(), "m@example.com", BULK_PASSWORD);
}

// ---------------------------------------------------------------------------
// Export: where the hashes go
// ---------------------------------------------------------------------------

#[test]
fn export_to_a_file_creates_it_owner_only_and_an_existing_file_becomes_owner_only() {
    let test = Test::new();
    test.import_ok(&test.db(), &bulk("user", 3));
    let exported = test.export(&test.db());
    assert_eq!(exported.lines().count(), 3);

    let new = test.path("new.jsonl");
    test.args(["users", "export", "--to"])
        .arg_path(&new)
        .stderr("exported 3 users\n")
        .run();
    assert_eq!(mode(&new), 0o600);
    assert_eq!(fs::read_to_string(&new).unwrap(), exported);

    // A file that is there already is left alone unless --force says so...
    let old = test.write("old.jsonl", "x".repeat(100_000));
    fs::set_permissions(&old, fs::Permissions::from_mode(0o644)).unwrap();
    test.args(["-q", "users", "export", "--to"])
        .arg_path(&old)
        .status(2)
        .stderr(&format!(
            "usersctl: error: refusing to write {}: it exists (--force replaces a file of your own)\n",
            old.display()
        ))
        .run();
    assert_eq!(fs::read_to_string(&old).unwrap(), "x".repeat(100_000));
    // ...and then, readable by everyone and longer than the export, it is
    // replaced whole, and owner-only from then on.
    test.args(["-q", "users", "export", "--force", "--to"])
        .arg_path(&old)
        .run();
    assert_eq!(mode(&old), 0o600);
    assert_eq!(fs::read_to_string(&old).unwrap(), exported);

    // Somewhere it cannot be written: an error, and nothing half-made.
    let nowhere = test.path("missing/dir/out.jsonl");
    test.args(["users", "export", "--to"])
        .arg_path(&nowhere)
        .status(2)
        .stderr_has("usersctl: error: cannot write ")
        .stderr_has("missing/dir/out.jsonl")
        .run();
    assert!(!nowhere.exists());
}

/// `--to` never writes hashes through a symbolic link, nor into a file that
/// someone else owns, with or without `--force`.
#[test]
fn export_never_follows_a_link_nor_writes_into_someone_elses_file() {
    let test = Test::new();
    test.import_ok(&test.db(), &bulk("user", 2));
    let victim = test.write("victim.txt", "precious\n");
    let link = test.path("export.jsonl");
    std::os::unix::fs::symlink(&victim, &link).unwrap();
    for force in [&[][..], &["--force"][..]] {
        test.args(["users", "export"])
            .args(force.iter().copied())
            .args(["--to"])
            .arg_path(&link)
            .status(2)
            .stderr(&format!(
                "usersctl: error: refusing to write {}: {}\n",
                link.display(),
                if force.is_empty() {
                    "it exists (--force replaces a file of your own)"
                } else {
                    "it is a symbolic link"
                }
            ))
            .run();
        assert_eq!(fs::read_to_string(&victim).unwrap(), "precious\n");
    }
    // A dangling link is not followed to create its target either.
    let target = test.path("made-by-link.jsonl");
    let dangling = test.path("dangling.jsonl");
    std::os::unix::fs::symlink(&target, &dangling).unwrap();
    test.args(["users", "export", "--to"])
        .arg_path(&dangling)
        .status(2)
        .stderr_has("refusing to write")
        .run();
    assert!(!target.exists());

    // Another user's file (only root can make one to test with).
    if rustix::process::geteuid().is_root() {
        let theirs = test.write("theirs.jsonl", "theirs\n");
        std::os::unix::fs::chown(&theirs, Some(65534), Some(65534)).unwrap();
        test.args(["users", "export", "--force", "--to"])
            .arg_path(&theirs)
            .status(2)
            .stderr_has("it is not a plain file of your own (uid 65534")
            .run();
        assert_eq!(fs::read_to_string(&theirs).unwrap(), "theirs\n");
    } else {
        eprintln!("not root: the file of another user is not tried");
    }
}

#[test]
fn export_to_a_pipe_writes_only_the_lines() {
    let test = Test::new();
    // An empty database exports nothing, quietly.
    test.args(["--init", "users", "list"])
        .stderr("no users match\n")
        .run();
    test.args(["users", "export"]).run();
    test.import_ok(&test.db(), &bulk("user", 2));
    let out = test.args(["users", "export"]).any_stdout().run();
    assert_eq!(out.stdout.lines().count(), 2);
    assert!(out.stdout.ends_with('\n'));
    for l in out.stdout.lines() {
        let user: Value = serde_json::from_str(l).unwrap();
        assert_eq!(user["password_hash"], bulk_hash());
    }
}

#[test]
fn export_on_a_terminal_warns_on_stderr() {
    if support::sled_only("a terminal") {
        return;
    }
    let test = Test::new();
    test.import_ok(&test.db(), &bulk("user", 2));
    let expected = test.export(&test.db());

    let stderr = test.path("stderr.txt");
    let term = on_terminal(&test, &["users", "export"], Some(&stderr));
    assert_eq!(term.status, 0, "{}", term.transcript);
    assert_eq!(fs::read_to_string(&stderr).unwrap(), EXPORT_WARNING);
    // The lines themselves still reach the terminal, unchanged.
    assert_eq!(term.transcript.replace("\r\n", "\n"), expected);

    // With --to FILE the hashes do not reach the terminal: no warning.
    let file = test.path("out.jsonl");
    let term = on_terminal(
        &test,
        &["users", "export", "--to", file.to_str().unwrap()],
        Some(&stderr),
    );
    assert_eq!(term.status, 0, "{}", term.transcript);
    assert_eq!(term.transcript, "");
    assert_eq!(fs::read_to_string(&stderr).unwrap(), "exported 2 users\n");
    assert_eq!(fs::read_to_string(&file).unwrap(), expected);
}

// ---------------------------------------------------------------------------
// Import: where the lines come from, and the passwords
// ---------------------------------------------------------------------------

#[test]
fn import_reads_a_file_or_stdin() {
    let test = Test::new();
    let file = test.write("users.jsonl", bulk("file", 3));
    test.args(["users", "import"])
        .arg_path(&file)
        .stderr("imported 3 users\n")
        .run();
    test.args(["users", "import", "-"])
        .stdin(bulk("stdin", 2))
        .stderr("imported 2 users\n")
        .run();
    // With -o json the report is the answer, on stdout.
    let out = test
        .args(["-o", "json", "users", "import", "-"])
        .stdin(bulk("json", 2))
        .any_stdout()
        .run();
    assert_eq!(
        out.data(),
        json!({"imported": 2, "refused": [], "rolled_back": false})
    );
    // --quiet keeps the note to itself.
    test.args(["-q", "users", "import", "-"])
        .stdin(bulk("quiet", 1))
        .run();
    // Nothing to read: nothing imported, no error.
    test.args(["users", "import", "-"])
        .stderr("imported 0 users\n")
        .run();
    assert_eq!(
        test.usernames(&test.db()),
        [
            "file00000",
            "file00001",
            "file00002",
            "stdin00000",
            "stdin00001",
            "json00000",
            "json00001",
            "quiet00000"
        ]
    );

    test.args(["users", "import"])
        .arg_path(&test.path("missing.jsonl"))
        .status(2)
        .stderr_has("usersctl: error: cannot read ")
        .stderr_has("missing.jsonl")
        .run();
    // A directory is not a file of users either.
    test.args(["users", "import"])
        .arg_path(test.dir.path())
        .status(2)
        .stderr_has("usersctl: error: cannot read ")
        .run();
}

#[test]
fn plain_passwords_are_hashed_with_argon2id_and_log_in_and_weak_ones_are_refused() {
    let test = Test::new();
    let strong: Vec<String> = (0..6)
        .map(|i| test.secret(&random_password(100 + i, 14)))
        .collect();
    let mut lines = String::new();
    for (i, pw) in strong.iter().enumerate() {
        lines += &line(
            &format!("plain{i}"),
            json!({"password": pw, "password_hash": null}),
        );
    }
    let long = test.secret(&format!("{}{}", random_password(7, 20), "é".repeat(400)));
    let too_long = test.secret(&"k".repeat(1025));
    let weak = [
        (
            "common",
            test.secret("password123"),
            "invalid password: is too common or too easy to guess",
        ),
        (
            "short",
            test.secret("xK9#q2!"),
            "invalid password: must be at least 8 characters",
        ),
        (
            "frankfrank",
            test.secret("frankfrank1"),
            "invalid password: is too common or too easy to guess",
        ),
        (
            "toolong",
            too_long,
            "invalid input: password: must be at most 1024 bytes",
        ),
        (
            "empty",
            String::new(),
            "invalid input: password: must not be empty",
        ),
    ];
    for (name, pw, _) in &weak {
        lines += &line(name, json!({"password": pw, "password_hash": null}));
    }
    lines += &line("longpw", json!({"password": long, "password_hash": null}));

    let out = test.import(&test.db(), lines).status(2).any_stderr().run();
    let refused = refused_lines(&out.stderr);
    let expected: BTreeMap<u64, &str> = weak
        .iter()
        .enumerate()
        .map(|(i, (_, _, m))| (7 + i as u64, *m))
        .collect();
    assert_eq!(
        refused.keys().collect::<Vec<_>>(),
        expected.keys().collect::<Vec<_>>(),
        "{}",
        out.stderr
    );
    for (n, message) in &expected {
        assert!(refused[n].starts_with(message), "line {n}: {}", refused[n]);
    }
    assert!(out.stderr.contains("imported 7 users\n"), "{}", out.stderr);
    assert!(
        out.stderr
            .ends_with("usersctl: error: 5 lines refused; the other lines were imported\n")
    );

    let exported = test.exported(&test.db());
    assert_eq!(exported.len(), 7);
    let mut salts = BTreeSet::new();
    for user in exported.values() {
        let hash = user["password_hash"].as_str().unwrap();
        assert!(hash.starts_with(ARGON2_PREFIX), "{hash}");
        salts.insert(hash.split('$').nth(4).unwrap().to_owned());
    }
    assert_eq!(salts.len(), 7, "every hash has its own salt");
    for (i, pw) in strong.iter().enumerate() {
        test.login(&test.db(), &format!("plain{i}"), pw);
    }
    test.login(&test.db(), "longpw", &long);
    test.login_refused(&test.db(), "plain0", &strong[1]);
    // Never truncated: the password less its last character is wrong.
    test.login_refused(&test.db(), "longpw", &long[..long.len() - 2]);
}

#[test]
fn bcrypt_hashes_log_in_and_are_replaced_by_argon2id_on_the_first_success() {
    let test = Test::new();
    let db = test.db();
    let migrated = [
        ("mig-a", bcrypt::Version::TwoA, "$2a$04$"),
        ("mig-b", bcrypt::Version::TwoB, "$2b$04$"),
        ("mig-y", bcrypt::Version::TwoY, "$2y$04$"),
    ];
    let passwords: Vec<String> = (0..3)
        .map(|i| test.secret(&random_password(200 + i, 15)))
        .collect();
    let mut lines = String::new();
    for ((name, version, prefix), pw) in migrated.iter().zip(&passwords) {
        let hash = bcrypt_hash(pw, version.clone());
        assert!(hash.starts_with(prefix), "{hash}");
        lines += &line(
            name,
            json!({"password_hash": hash, "password_changed_at": "2020-02-02T02:02:02.000Z"}),
        );
    }
    test.import_ok(&db, &lines);
    let before = test.exported(&db);
    for ((name, _, prefix), _) in migrated.iter().zip(&passwords) {
        assert!(
            before[*name]["password_hash"]
                .as_str()
                .unwrap()
                .starts_with(prefix)
        );
    }

    for (i, ((name, _, _), pw)) in migrated.iter().zip(&passwords).enumerate() {
        // A wrong password fails and changes nothing.
        test.login_refused(&db, name, &passwords[(i + 1) % 3]);
        test.login_refused(&db, name, &pw.to_uppercase());
        assert_eq!(test.exported_user(&db, name), before[*name]);

        // The right one logs in, and the hash is argon2id from then on.
        test.login(&db, name, pw);
        let after = test.exported_user(&db, name);
        let hash = after["password_hash"].as_str().unwrap();
        assert!(hash.starts_with(ARGON2_PREFIX), "{name}: {hash}");
        assert!(after["last_login_at"].is_string());
        // A rehash is not a password change.
        assert_eq!(after["password_changed_at"], "2020-02-02T02:02:02.000Z");
        test.login(&db, name, pw);
        test.login_refused(&db, name, &passwords[(i + 1) % 3]);
        assert_eq!(test.exported_user(&db, name)["password_hash"], hash);

        // The others are untouched until their own first login.
        for (other, _, prefix) in &migrated[i + 1..] {
            let h = test.exported_user(&db, other)["password_hash"].clone();
            assert!(h.as_str().unwrap().starts_with(prefix), "{other}: {h}");
        }
    }
}

// ---------------------------------------------------------------------------
// Bad lines
// ---------------------------------------------------------------------------

enum Kind {
    /// Stored, under this username.
    Good(&'static str),
    /// Skipped silently.
    Blank,
    /// Refused as a conflict (exit 4 when alone), the message starting so.
    Conflict(&'static str),
    /// Refused as invalid, the message starting so.
    Invalid(&'static str),
}

/// A file with a good or bad line of every kind, and what becomes of each.
fn mixed_file() -> Vec<(Vec<u8>, Kind)> {
    use Kind::*;
    let hash = bulk_hash();
    let l = |username: &str, extra: Value| line(username, extra).into_bytes();
    vec![
        (l("good1", json!({})), Good("good1")),
        (b"not json\n".to_vec(), Invalid("not valid JSON: ")),
        (b"[1, 2]\n".to_vec(), Invalid("not a JSON object")),
        (b"\"a string\"\n".to_vec(), Invalid("not a JSON object")),
        (b"\n".to_vec(), Blank),
        (b"   \t \n".to_vec(), Blank),
        (
            l("x", json!({})),
            Invalid("invalid input: username: must be 3 to 32 characters long (got 1)"),
        ),
        (
            l("bad name", json!({"email": "badname@example.com"})),
            Invalid("invalid input: username: may only contain a-z, 0-9, '.', '_' and '-'"),
        ),
        (
            l("-dash", json!({"email": "dash@example.com"})),
            Invalid("invalid input: username: must start with a letter or a digit"),
        ),
        (
            l("bademail", json!({"email": "nope"})),
            Invalid("invalid input: email: must look like name@example.com"),
        ),
        (
            l("badrole", json!({"role": "root"})),
            Invalid("invalid input: role: must be \"admin\" or \"user\" (got \"root\")"),
        ),
        (
            l("ctrlname", json!({"name": "a\u{7}b"})),
            Invalid("invalid input: name: must not contain control characters"),
        ),
        (
            l("longname", json!({"name": "n".repeat(129)})),
            Invalid("invalid input: name: must be at most 128 characters"),
        ),
        (
            l("attrlist", json!({"attributes": [1]})),
            Invalid("invalid input: attributes: must be a JSON object"),
        ),
        (
            l("attrbig", json!({"attributes": {"bio": "b".repeat(9000)}})),
            Invalid("invalid input: attributes: must be at most 8192 bytes serialized"),
        ),
        (
            l("badtime", json!({"created_at": "yesterday"})),
            Invalid("invalid input: created_at: not an RFC 3339 UTC timestamp"),
        ),
        (
            l("badlogin", json!({"last_login_at": "2024-13-01T00:00:00Z"})),
            Invalid("invalid input: last_login_at: not an RFC 3339 UTC timestamp"),
        ),
        (
            l("unknown", json!({"admin": true})),
            Invalid("invalid input: admin: is not a known field"),
        ),
        (
            l("nosecret", json!({"password_hash": null})),
            Invalid("invalid input: password_hash: is required (or a plain password)"),
        ),
        (
            l("both", json!({"password": PASSWORD})),
            Invalid("invalid input: password: give password or password_hash, not both"),
        ),
        (
            l(
                "md5",
                json!({"password_hash": "$1$saltsalt$qjXMvbEw8oaL.CzflDugX/"}),
            ),
            Invalid(BAD_HASH_LINE),
        ),
        (
            l(
                "argon2i",
                json!({"password_hash": hash.replacen("$argon2id$", "$argon2i$", 1)}),
            ),
            Invalid(BAD_HASH_LINE),
        ),
        (
            l(
                "twox",
                json!({"password_hash": bcrypt_hash(PASSWORD, bcrypt::Version::TwoX)}),
            ),
            Invalid(BAD_HASH_LINE),
        ),
        (
            l("plaintext", json!({"password_hash": "Tr0ub4dor&3horse"})),
            Invalid(BAD_HASH_LINE),
        ),
        (
            l("badblock", json!({"blocked": "yes"})),
            Invalid("invalid input: blocked: must be true or false"),
        ),
        (
            l("badid", json!({"id": "not-a-uuid"})),
            Invalid("invalid input: id: "),
        ),
        (
            l("x", json!({"email": "nope", "role": 1})),
            Invalid("invalid input: username: must be 3 to 32 characters long (got 1); email: "),
        ),
        (
            l("taken", json!({"email": "other@example.com"})),
            Conflict("username taken is already taken"),
        ),
        (
            l("nottaken", json!({"email": "TAKEN@example.com"})),
            Conflict("email TAKEN@example.com is already taken"),
        ),
        (l("newuser", json!({})), Good("newuser")),
        (
            l("NewUser", json!({"email": "newuser2@example.com"})),
            Conflict("username newuser is already taken"),
        ),
        (
            l("other", json!({"email": "NEWUSER@Example.com"})),
            Conflict("email NEWUSER@Example.com is already taken"),
        ),
        (
            l("Root", json!({"email": "root@example.com"})),
            Conflict("username root is reserved"),
        ),
        (
            b"{\"username\":\"caf\xe9\",\"email\":\"cafe@example.com\"}\n".to_vec(),
            Invalid("not valid UTF-8"),
        ),
        (
            line("crlf", json!({})).replace('\n', "\r\n").into_bytes(),
            Good("crlf"),
        ),
        (
            line("lastline", json!({})).trim_end().as_bytes().to_vec(),
            Good("lastline"),
        ),
    ]
}

#[test]
fn each_bad_line_is_reported_with_its_number_and_the_good_lines_are_stored() {
    let test = Test::new();
    let db = test.db();
    test.import_ok(&db, &line("taken", json!({})));
    let file = mixed_file();
    let content: Vec<u8> = file.iter().flat_map(|(l, _)| l.clone()).collect();

    let out = test.import(&db, content).status(2).any_stderr().run();
    let refused = refused_lines(&out.stderr);
    let mut good = vec!["taken".to_owned()];
    let mut expected_refused = Vec::new();
    for (i, (raw, kind)) in file.iter().enumerate() {
        let n = i as u64 + 1;
        let shown = String::from_utf8_lossy(raw);
        match kind {
            Kind::Good(name) => good.push((*name).to_owned()),
            Kind::Blank => {}
            Kind::Conflict(m) | Kind::Invalid(m) => {
                expected_refused.push(n);
                let got = refused
                    .get(&n)
                    .unwrap_or_else(|| panic!("line {n} ({shown}) not reported:\n{}", out.stderr));
                assert!(got.starts_with(m), "line {n} ({shown}): {got:?}, not {m:?}");
            }
        }
    }
    assert_eq!(
        refused.keys().copied().collect::<Vec<_>>(),
        expected_refused,
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains(&format!("imported {} users\n", good.len() - 1))
    );
    assert!(out.stderr.ends_with(&format!(
        "usersctl: error: {} lines refused; the other lines were imported\n",
        expected_refused.len()
    )));
    // Nothing else on stderr: one line per refused line, the note, the summary.
    assert_eq!(out.stderr.lines().count(), expected_refused.len() + 2);
    assert_eq!(test.usernames(&db), good);
}

#[test]
fn the_json_report_lists_each_refused_line_with_its_error_and_details() {
    let test = Test::new();
    let db = test.db();
    test.import_ok(&db, &line("taken", json!({})));
    let file = mixed_file();
    let content: Vec<u8> = file.iter().flat_map(|(l, _)| l.clone()).collect();

    let out = test
        .import(&db, content)
        .args(["-o", "json"])
        .status(2)
        .any_stdout()
        .any_stderr()
        .run();
    let good = file
        .iter()
        .filter(|(_, k)| matches!(k, Kind::Good(_)))
        .count();
    let report = out.data();
    let refused = report["refused"].as_array().expect("a refused array");
    assert_eq!(report["imported"], good);
    assert_eq!(report["rolled_back"], false);
    assert_eq!(
        report.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["imported", "refused", "rolled_back"]
    );
    let by_line: BTreeMap<u64, &Value> = refused
        .iter()
        .map(|r| (r["line"].as_u64().expect("a line number"), r))
        .collect();
    assert_eq!(by_line.len(), refused.len(), "a line reported twice");
    for (i, (_, kind)) in file.iter().enumerate() {
        let n = i as u64 + 1;
        let (code, prefix) = match kind {
            Kind::Good(_) | Kind::Blank => {
                assert!(
                    !by_line.contains_key(&n),
                    "line {n} refused: {}",
                    by_line[&n]
                );
                continue;
            }
            Kind::Conflict(m) => ("conflict", m),
            Kind::Invalid(m) => ("invalid_input", m),
        };
        let r = by_line[&n];
        assert_eq!(r["error"], code, "line {n}: {r}");
        assert!(
            r["message"].as_str().unwrap().starts_with(prefix),
            "line {n}: {r}"
        );
        let keys: BTreeSet<&str> = r.as_object().unwrap().keys().map(String::as_str).collect();
        if prefix.starts_with("invalid input: ") || prefix.starts_with("invalid password") {
            // A field error names its field(s) in details.
            assert_eq!(
                keys,
                BTreeSet::from(["line", "error", "message", "details"]),
                "{r}"
            );
            let fields: Vec<&str> = r["details"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d["field"].as_str().unwrap())
                .collect();
            let first = prefix
                .trim_start_matches("invalid input: ")
                .split(':')
                .next()
                .unwrap();
            assert!(fields.contains(&first), "line {n}: {r}");
        } else {
            assert_eq!(keys, BTreeSet::from(["line", "error", "message"]), "{r}");
        }
    }
    // The role line names its field and what was wrong, exactly.
    let role_line = file
        .iter()
        .position(|(raw, _)| String::from_utf8_lossy(raw).contains("\"badrole\""))
        .unwrap() as u64
        + 1;
    assert_eq!(
        by_line[&role_line]["details"],
        json!([{"field": "role", "message": "must be \"admin\" or \"user\" (got \"root\")"}])
    );
    assert_eq!(
        out.stderr_json(),
        json!({
            "error": "invalid_input",
            "message": format!("{} lines refused; the other lines were imported", refused.len())
        })
    );
}

#[test]
fn when_every_refused_line_is_a_conflict_the_exit_code_is_4() {
    let test = Test::new();
    let db = test.db();
    test.import_ok(&db, &bulk("user", 2));
    let exported = test.export(&db);
    // The database's own export again (same ids), a new user twice, a reserved name.
    let file = format!(
        "{exported}{}{}{}",
        line("zed", json!({})),
        line("ZED", json!({"email": "zed2@example.com"})),
        line("nobody", json!({}))
    );
    let ids: Vec<String> = exported
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    test.import(&db, file.clone())
        .status(4)
        .stderr(&format!(
            "usersctl: line 1: a user with id {} already exists\n\
             usersctl: line 2: a user with id {} already exists\n\
             usersctl: line 4: username zed is already taken\n\
             usersctl: line 5: username nobody is reserved\n\
             imported 1 user\n\
             usersctl: error: 4 lines refused; the other lines were imported\n",
            ids[0], ids[1]
        ))
        .run();
    assert_eq!(test.usernames(&db), ["user00000", "user00001", "zed"]);
    // The first two lines left the users they collided with as they were.
    assert!(test.export(&db).starts_with(&exported));

    // All conflicts, nothing new: exit 4 in JSON too.
    let out = test
        .import(&db, file)
        .args(["-o", "json"])
        .status(4)
        .any_stdout()
        .any_stderr()
        .run();
    let report = out.data();
    assert_eq!(report["imported"], 0);
    assert!(
        report["refused"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["error"] == "conflict")
    );
    assert_eq!(
        out.stderr_json(),
        json!({"error": "conflict", "message": "5 lines refused; nothing was imported"})
    );
}

#[test]
fn one_invalid_line_among_conflicts_makes_the_exit_code_2() {
    let test = Test::new();
    let db = test.db();
    test.import_ok(&db, &line("taken", json!({})));
    let out = test
        .import(&db, format!("{}[]\n", line("taken", json!({}))))
        .status(2)
        .any_stderr()
        .run();
    assert_eq!(
        refused_lines(&out.stderr),
        BTreeMap::from([
            (1, "username taken is already taken".to_owned()),
            (2, "not a JSON object".to_owned())
        ])
    );
    assert!(
        out.stderr.ends_with(
            "imported 0 users\nusersctl: error: 2 lines refused; nothing was imported\n"
        )
    );
}

// ---------------------------------------------------------------------------
// --atomic
// ---------------------------------------------------------------------------

/// Runs `users import --atomic` on `lines` and checks that nothing changed,
/// that exactly the `bad` lines (1-based) were reported, and the exit code.
fn assert_atomic_refusal(test: &Test, lines: &[String], bad: &[u64], status: i32) {
    let db = test.db();
    let before = test.export(&db);
    let out = test
        .args(["users", "import", "--atomic", "-"])
        .stdin(lines.concat())
        .status(status)
        .any_stderr()
        .run();
    let refused = refused_lines(&out.stderr);
    assert_eq!(
        refused.keys().copied().collect::<Vec<_>>(),
        bad,
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.ends_with(&format!(
            "imported 0 users\nusersctl: error: {} line{} refused; nothing was imported\n",
            bad.len(),
            if bad.len() == 1 { "" } else { "s" }
        )),
        "{}",
        out.stderr
    );
    assert_eq!(test.export(&db), before, "--atomic stored something");
}

#[test]
fn a_rolled_back_atomic_import_leaves_no_group_it_made() {
    let test = Test::new();
    let db = test.db();
    test.import_ok(&db, &line("keep1", json!({"groups": ["oldteam"]})));
    // Stored, then rolled back for the clash with keep1's email.
    let lines = [
        line("new1", json!({"groups": ["newteam", "oldteam"]})),
        line("new2", json!({"groups": ["newteam"]})),
        line("clash", json!({"email": "keep1@example.com"})),
    ];
    assert_atomic_refusal(&test, &lines, &[3], 4);
    let groups = test
        .args(["-o", "name", "group", "list"])
        .db(&db)
        .any_stdout()
        .run();
    assert_eq!(groups.stdout, "oldteam\n", "newteam went with the import");
    let old = test
        .args(["-o", "json", "group", "get", "oldteam"])
        .db(&db)
        .any_stdout()
        .run();
    assert_eq!(old.json()["data"]["members"], 1, "keep1 only");
}

#[test]
fn atomic_import_stores_nothing_when_a_line_is_bad_wherever_it_is() {
    let test = Test::new();
    let db = test.db();
    test.import_ok(
        &db,
        &format!("{}{}", line("keep1", json!({})), line("keep2", json!({}))),
    );
    let good = |prefix: &str, n: usize| -> Vec<String> {
        (0..n)
            .map(|i| line(&format!("{prefix}{i:05}"), json!({})))
            .collect()
    };
    let invalid = line("x", json!({}));

    // At the start, in the middle, at the end.
    let mut lines = good("start", 4);
    lines.insert(0, invalid.clone());
    assert_atomic_refusal(&test, &lines, &[1], 2);
    let mut lines = good("middle", 5);
    lines.insert(2, invalid.clone());
    assert_atomic_refusal(&test, &lines, &[3], 2);
    let mut lines = good("end", 4);
    lines.push("not json".to_owned());
    assert_atomic_refusal(&test, &lines, &[5], 2);

    // Several bad lines: every one is reported.
    let mut lines = good("several", 6);
    lines.insert(1, "[]\n".to_owned());
    lines.insert(4, invalid.clone());
    lines.push(line("nosecret", json!({"password_hash": null})));
    assert_atomic_refusal(&test, &lines, &[2, 5, 9], 2);

    // A conflict with a user already there: nothing stored, and the user
    // collided with is left alone.
    let mut lines = good("clash", 3);
    lines.push(line("keep1", json!({"email": "keep1.new@example.com"})));
    assert_atomic_refusal(&test, &lines, &[4], 4);

    // All good: all stored.
    let out = test
        .args(["-o", "json", "users", "import", "--atomic", "-"])
        .stdin(good("fine", 3).concat())
        .any_stdout()
        .run();
    assert_eq!(
        out.data(),
        json!({"imported": 3, "refused": [], "rolled_back": false})
    );
    assert_eq!(
        test.usernames(&db),
        ["keep1", "keep2", "fine00000", "fine00001", "fine00002"]
    );
}

#[test]
fn atomic_import_removes_what_earlier_batches_stored() {
    let test = Test::new();
    let db = test.db();
    test.import_ok(
        &db,
        &format!("{}{}", line("keep1", json!({})), line("keep2", json!({}))),
    );
    let before = test.export(&db);
    let list_before = test.list(&db);

    // 1500 good lines (a batch of 1000 is stored before the bad line is read),
    // a bad line, more good ones, another bad one at the very end.
    let mut lines: Vec<String> = (0..1500)
        .map(|i| line(&format!("early{i:05}"), json!({})))
        .collect();
    lines.push(line("bad-role", json!({"role": "superuser"})));
    lines.extend((0..300).map(|i| line(&format!("late{i:05}"), json!({}))));
    lines.push("{\"username\": \n".to_owned());
    assert_atomic_refusal(&test, &lines, &[1501, 1802], 2);
    assert_eq!(test.list(&db), list_before);

    // The same in JSON: the report says what was undone.
    let out = test
        .args(["-o", "json", "users", "import", "--atomic", "-"])
        .stdin(lines.concat())
        .status(2)
        .any_stdout()
        .any_stderr()
        .run();
    let report = out.data();
    assert_eq!(report["imported"], 0);
    assert_eq!(report["rolled_back"], true);
    let numbers: Vec<u64> = report["refused"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["line"].as_u64().unwrap())
        .collect();
    assert_eq!(numbers, [1501, 1802]);
    assert_eq!(
        out.stderr_json(),
        json!({"error": "invalid_input", "message": "2 lines refused; nothing was imported"})
    );
    assert_eq!(test.export(&db), before);

    // A conflict found only when the second batch is stored: the first batch
    // is removed again, the user collided with stays.
    let mut lines: Vec<String> = (0..1200)
        .map(|i| line(&format!("early{i:05}"), json!({})))
        .collect();
    lines.push(line("keep2", json!({"email": "keep2.other@example.com"})));
    lines.push(line("after", json!({})));
    assert_atomic_refusal(&test, &lines, &[1201], 4);
    assert_eq!(test.list(&db), list_before);
}

// ---------------------------------------------------------------------------
// Streaming: memory does not grow with the file
// ---------------------------------------------------------------------------

enum Meter {
    /// `/usr/bin/time -v`, which reports the peak resident set size.
    Time,
    /// Sampling `VmHWM` (the peak) in `/proc/PID/status` while it runs.
    Proc,
}

fn meter() -> Option<Meter> {
    let time_works = std::process::Command::new("/usr/bin/time")
        .args(["-v", "true"])
        .output()
        .is_ok_and(|o| {
            o.status.success()
                && String::from_utf8_lossy(&o.stderr).contains("Maximum resident set size")
        });
    if time_works {
        return Some(Meter::Time);
    }
    if fs::read_to_string("/proc/self/status").is_ok_and(|s| s.contains("VmHWM:")) {
        return Some(Meter::Proc);
    }
    None
}

/// The peak resident set size, in KiB, of `usersctl --db DB ARGS…` (stdout
/// discarded), which must succeed with nothing on stderr.
fn peak_rss_kib(test: &Test, meter: &Meter, db: &Path, args: &[&str]) -> u64 {
    let report = test.path("time.txt");
    let mut cmd = match meter {
        Meter::Time => {
            let mut cmd = std::process::Command::new("/usr/bin/time");
            cmd.arg("-v").arg("-o").arg(&report).arg(bin());
            cmd
        }
        Meter::Proc => std::process::Command::new(bin()),
    };
    clean_env(&mut cmd);
    cmd.arg("--db").arg(db).args(args);
    let stderr = test.path("stderr.txt");
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(fs::File::create(&stderr).unwrap())
        .spawn()
        .expect("usersctl runs");
    let pid = child.id();
    let mut peak = 0;
    let status = loop {
        if let Meter::Proc = meter
            && let Ok(s) = fs::read_to_string(format!("/proc/{pid}/status"))
            && let Some(kib) = s
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        {
            peak = peak.max(kib);
        }
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    assert!(
        status.success(),
        "{args:?} failed: {status:?}\n{}",
        fs::read_to_string(&stderr).unwrap_or_default()
    );
    assert_eq!(fs::read_to_string(&stderr).unwrap(), "", "{args:?}");
    if let Meter::Time = meter {
        let text = fs::read_to_string(&report).unwrap();
        peak = text
            .lines()
            .find_map(|l| {
                l.trim()
                    .strip_prefix("Maximum resident set size (kbytes): ")
            })
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or_else(|| panic!("no peak in /usr/bin/time's report:\n{text}"));
    }
    assert!(peak > 0, "no peak measured for {args:?}");
    peak
}

/// `n` users a line each, every line padded with 2 KiB of insignificant
/// whitespace (so the file is far larger than what is stored) and every user
/// with 1 KB of attributes (so the database is larger than what an export
/// holds at any moment).
fn write_big_file(path: &Path, n: usize) {
    let mut out = std::io::BufWriter::new(fs::File::create(path).unwrap());
    let pad = " ".repeat(2048);
    let bio = "b".repeat(1000);
    let hash = bulk_hash();
    for i in 0..n {
        writeln!(
            out,
            "{{{pad}\"username\":\"mem{i:05}\",\"email\":\"mem{i:05}@example.com\",\
             \"attributes\":{{\"bio\":\"{bio}\"}},\"password_hash\":\"{hash}\"}}"
        )
        .unwrap();
    }
    out.flush().unwrap();
}

#[test]
fn import_and_export_memory_does_not_grow_with_the_number_of_users() {
    if support::sled_only("the embedded database's memory") {
        return;
    }
    let Some(meter) = meter() else {
        eprintln!(
            "skipped: neither /usr/bin/time -v nor /proc/PID/status is available to \
             measure a peak resident set size"
        );
        return;
    };
    const MIB: u64 = 1024;
    let test = Test::new();
    let small = test.path("small.jsonl");
    let large = test.path("large.jsonl");
    write_big_file(&small, 4_000);
    write_big_file(&large, 40_000);
    let grown = fs::metadata(&large).unwrap().len() - fs::metadata(&small).unwrap().len();
    assert!(
        grown > 110 << 20,
        "the large file is only {grown} bytes larger"
    );

    let db_small = test.path("db-small");
    let db_large = test.path("db-large");
    let import = |db: &Path, file: &Path| {
        peak_rss_kib(
            &test,
            &meter,
            db,
            &["-q", "users", "import", file.to_str().unwrap()],
        )
    };
    let import_small = import(&db_small, &small);
    let import_large = import(&db_large, &large);
    let export_small = peak_rss_kib(&test, &meter, &db_small, &["users", "export"]);
    let export_large = peak_rss_kib(&test, &meter, &db_large, &["users", "export"]);
    eprintln!(
        "peak RSS: import {import_small} KiB for 4,000 users, {import_large} KiB for 40,000; \
         export {export_small} KiB, {export_large} KiB"
    );
    let count = test
        .args(["-o", "json", "users", "list", "--limit", "1"])
        .db(&db_large)
        .any_stdout()
        .run()
        .json();
    assert_eq!(count["data"][0]["username"], "mem00000");

    // The database's page cache (64 MiB at most) may fill as the database
    // grows; anything beyond that would be the file or the users held at once.
    // The file grows by more than 110 MiB and the users by 40 MB, so holding
    // either whole would go far past the bound.
    let bound = 80 * MIB;
    assert!(
        import_large < import_small + bound,
        "import: {import_small} KiB for 4,000 users but {import_large} KiB for 40,000"
    );
    assert!(
        export_large < export_small + bound,
        "export: {export_small} KiB for 4,000 users but {export_large} KiB for 40,000"
    );
}

// ---------------------------------------------------------------------------
// While a server runs
// ---------------------------------------------------------------------------

/// `usersctl --db DB serve --bind 127.0.0.1:0 --rate-limit 0`, killed when
/// dropped so that no server outlives its test.
struct Server {
    process: Process,
    base: String,
    /// Where its stderr goes: beside the database.
    log: PathBuf,
}

impl Server {
    /// Starts a server and waits until it announces its address and its admin
    /// socket is in place.
    fn start(db: &Path) -> Server {
        let mut cmd = usersctl();
        cmd.arg("--db")
            .arg(db)
            .args(["serve", "--bind", "127.0.0.1:0", "--rate-limit", "0"]);
        static STARTED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = STARTED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let log = db
            .parent()
            .expect("the database has a parent directory")
            .join(format!("server-{n}.log"));
        let (process, first_line) = spawn_server(cmd, &log);
        let mut server = Server {
            base: format!("http://{}", listening_on(&first_line, &log)),
            process,
            log,
        };
        wait_for_admin_socket(&mut server.process, db, &server.log, PATIENCE);
        server
    }

    fn log(&self) -> String {
        fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// How many operator requests of this kind the server has logged.
    fn ops(&self, op: &str) -> usize {
        self.log()
            .lines()
            .filter(|l| l.contains("operator request") && l.contains(op))
            .count()
    }

    /// `POST /authenticate`: the status.
    fn login(&self, username: &str, password: &str) -> u16 {
        match ureq::post(&format!("{}/authenticate", self.base))
            .send_json(json!({"username": username, "password": password}))
        {
            Ok(r) => r.status(),
            Err(ureq::Error::Status(code, _)) => code,
            Err(e) => panic!("POST /authenticate failed: {e}\nlog:\n{}", self.log()),
        }
    }

    fn wait_exit(&mut self) -> ExitStatus {
        match self.process.wait_for_exit(PATIENCE) {
            Some(status) => status,
            None => panic!("the server did not exit in time\nlog:\n{}", self.log()),
        }
    }

    /// SIGTERM, then waits for the exit.
    fn stop(&mut self) -> ExitStatus {
        self.process.signal("-TERM");
        self.wait_exit()
    }
}

/// A copy of the whole database directory, as `cp -a` makes it.
fn copy_db(test: &Test, name: &str) -> PathBuf {
    let to = test.path(name);
    let status = std::process::Command::new("cp")
        .arg("-a")
        .arg(test.db())
        .arg(&to)
        .status()
        .expect("cp runs");
    assert!(status.success(), "cp -a failed: {status:?}");
    to
}

/// Stops the server and checks that its log holds no password and no hash.
fn stop_and_check_log(test: &Test, server: &mut Server) {
    let status = server.stop();
    assert!(status.success(), "{status:?}\nlog:\n{}", server.log());
    let log = server.log();
    assert_no_secret(&test.secrets.borrow(), &log, "the server's log");
    for hash_start in ["$argon2id$", "$2y$", "$2b$", "$2a$"] {
        assert!(
            !log.contains(hash_start),
            "the server's log holds a hash:\n{log}"
        );
    }
}

#[test]
fn export_works_through_a_running_server_and_its_logins_migrate_bcrypt() {
    if support::sled_only("the admin socket") {
        return;
    }
    let test = Test::new();
    let db = test.db();
    let plain_pw = test.secret(&random_password(300, 16));
    let bcrypt_pw = test.secret(&random_password(301, 16));
    test.import_ok(
        &db,
        &[
            line(
                "plain",
                json!({"password": plain_pw, "password_hash": null}),
            ),
            line(
                "migrated",
                json!({"password_hash": bcrypt_hash(&bcrypt_pw, bcrypt::Version::TwoY)}),
            ),
            bulk("bulk", 1200),
        ]
        .concat(),
    );
    let direct = test.export(&db);

    let mut server = Server::start(&db);
    // Through the server: the same lines, page after page.
    assert_eq!(server.ops("export"), 0);
    assert_eq!(test.export(&db), direct);
    assert!(
        server.ops("export") >= 2,
        "not carried out by the server:\n{}",
        server.log()
    );

    // Imported users log in over HTTP; the bcrypt one is migrated there.
    assert_eq!(server.login("plain", &plain_pw), 200);
    assert_eq!(server.login("migrated", &plain_pw), 401);
    assert_eq!(server.login("migrated", &bcrypt_pw), 200);
    assert_eq!(server.login("bulk01199", BULK_PASSWORD), 200);
    let exported = test.exported(&db);
    assert_eq!(exported.len(), 1202);
    let migrated = exported["migrated"]["password_hash"].as_str().unwrap();
    assert!(migrated.starts_with(ARGON2_PREFIX), "{migrated}");
    assert_eq!(server.login("migrated", &bcrypt_pw), 200);

    let live = test.export(&db);
    let to = test.path("live.jsonl");
    test.args(["users", "export", "--to"])
        .arg_path(&to)
        .stderr("exported 1202 users\n")
        .run();
    assert_eq!(mode(&to), 0o600);
    assert_eq!(fs::read_to_string(&to).unwrap(), live);

    stop_and_check_log(&test, &mut server);
    // What the server exported is what is in the database.
    assert_eq!(test.export(&db), live);
    test.login(&db, "migrated", &bcrypt_pw);
}

#[test]
fn import_works_through_a_running_server() {
    if support::sled_only("the admin socket") {
        return;
    }
    let test = Test::new();
    let db = test.db();
    test.import_ok(&db, &line("taken", json!({})));
    let plain_pw = test.secret(&random_password(302, 16));
    let bcrypt_pw = test.secret(&random_password(303, 16));
    let weak_pw = test.secret("frankfrank1");
    let file = test.write(
        "users.jsonl",
        [
            line(
                "plain",
                json!({"password": plain_pw, "password_hash": null}),
            ),
            line(
                "migrated",
                json!({"password_hash": bcrypt_hash(&bcrypt_pw, bcrypt::Version::TwoY)}),
            ),
            line(
                "frankfrank",
                json!({"password": weak_pw, "password_hash": null}),
            ),
            "not json\n".to_owned(),
            line("taken", json!({"email": "taken2@example.com"})),
            bulk("bulk", 1200),
        ]
        .concat(),
    );
    // A twin of the database: the server must answer as the database itself.
    let twin = copy_db(&test, "twin");
    let direct = test
        .args(["users", "import"])
        .arg_path(&file)
        .db(&twin)
        .status(2)
        .any_stderr()
        .run();
    assert_eq!(
        refused_lines(&direct.stderr)
            .keys()
            .copied()
            .collect::<Vec<_>>(),
        [3, 4, 5]
    );
    assert!(
        direct.stderr.contains("imported 1202 users\n"),
        "{}",
        direct.stderr
    );

    let mut server = Server::start(&db);
    let live = test
        .args(["users", "import"])
        .arg_path(&file)
        .status(2)
        .any_stderr()
        .run();
    assert_eq!(live.stderr, direct.stderr);
    assert!(
        server.ops("import") >= 2,
        "not carried out by the server:\n{}",
        server.log()
    );
    let exported = test.exported(&db);
    assert_eq!(exported.len(), 1203);
    assert!(
        exported["plain"]["password_hash"]
            .as_str()
            .unwrap()
            .starts_with(ARGON2_PREFIX)
    );
    assert_eq!(server.login("plain", &plain_pw), 200);
    assert_eq!(server.login("migrated", &bcrypt_pw), 200);

    // The JSON report through the server is the same too.
    let json_twin = test
        .import(&twin, bulk("more", 2) + "[]\n")
        .args(["-o", "json"])
        .status(2)
        .any_stdout()
        .any_stderr()
        .run();
    let json_live = test
        .import(&db, bulk("more", 2) + "[]\n")
        .args(["-o", "json"])
        .status(2)
        .any_stdout()
        .any_stderr()
        .run();
    assert_eq!(json_live.json(), json_twin.json());
    assert_eq!(json_live.stderr, json_twin.stderr);

    // --atomic through the server: a stored batch is removed again.
    let before = test.export(&db);
    let mut lines = bulk("atomic", 1100);
    lines += "[]\n";
    test.args(["users", "import", "--atomic", "-"])
        .stdin(lines)
        .status(2)
        .stderr(
            "usersctl: line 1101: not a JSON object\n\
             imported 0 users\n\
             usersctl: error: 1 line refused; nothing was imported\n",
        )
        .run();
    assert_eq!(test.export(&db), before);

    stop_and_check_log(&test, &mut server);
    assert_eq!(test.export(&db), before);
}

// ---------------------------------------------------------------------------
// Terminals
// ---------------------------------------------------------------------------

/// Runs a command on a pseudo-terminal (stdin, stdout, and stderr unless
/// argv[1] names a file to send it to instead), prints what the terminal
/// showed, and exits with the command's code.
const ON_TERMINAL: &str = r#"
import os, pty, select, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.environ["TERM"] = "xterm"
    if sys.argv[1] != "-":
        err = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(err, 2)
    os.execv(sys.argv[2], sys.argv[2:])
out = b""
deadline = time.time() + 50
while time.time() < deadline:
    if select.select([fd], [], [], 0.1)[0]:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
_, status = os.waitpid(pid, 0)
sys.stdout.buffer.write(out)
code = os.waitstatus_to_exitcode(status)
sys.exit(128 - code if code < 0 else code)
"#;

struct Terminal {
    status: i32,
    transcript: String,
}

/// Runs `usersctl --db DB ARGS…` on a terminal; its stderr goes to `stderr`
/// when given, else to the terminal too.
fn on_terminal(test: &Test, args: &[&str], stderr: Option<&Path>) -> Terminal {
    let mut python = std::process::Command::new("python3");
    clean_env(&mut python);
    let out = python
        .args(["-c", ON_TERMINAL])
        .arg(stderr.map_or_else(|| OsString::from("-"), |p| p.as_os_str().to_owned()))
        .arg(bin())
        .arg("--db")
        .arg(test.db())
        .args(args)
        .output()
        .expect("python3 runs");
    assert!(
        out.stderr.is_empty(),
        "the terminal run failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let transcript = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_no_secret(&test.secrets.borrow(), &transcript, "the terminal");
    Terminal {
        status: out.status.code().expect("python exits"),
        transcript,
    }
}

#[test]
fn the_import_progress_bar_on_a_terminal_counts_lines() {
    let test = Test::new();
    let file = test.write("users.jsonl", bulk("user", 3000));
    let term = on_terminal(&test, &["users", "import", file.to_str().unwrap()], None);
    assert_eq!(term.status, 0, "{}", term.transcript);
    assert!(
        term.transcript.contains("imported 3000 users"),
        "{}",
        term.transcript
    );
    let mut shown = 0;
    for part in term.transcript.split(" lines") {
        let Some(progress) = part.rsplit(' ').next() else {
            continue;
        };
        if let Some((done, total)) = progress.split_once('/')
            && let (Ok(done), Ok(total)) = (done.parse::<u64>(), total.parse::<u64>())
        {
            shown += 1;
            assert!(
                done <= 3000 && total <= 3000,
                "the progress bar shows {done}/{total} lines for a file of 3000"
            );
        }
    }
    assert!(shown > 0, "no progress shown:\n{}", term.transcript);
}

// ---------------------------------------------------------------------------
// Lines import must refuse: hashes nobody could log in with, and fields
// other commands refuse
// ---------------------------------------------------------------------------

#[test]
fn a_bcrypt_hash_with_an_impossible_cost_is_refused() {
    let test = Test::new();
    let pw = test.secret(&random_password(400, 16));
    let valid = bcrypt_hash(&pw, bcrypt::Version::TwoB);
    let lines = [
        line(
            "cost99",
            json!({"password_hash": valid.replacen("$04$", "$99$", 1)}),
        ),
        line(
            "cost03",
            json!({"password_hash": valid.replacen("$04$", "$03$", 1)}),
        ),
        line(
            "cost32",
            json!({"password_hash": valid.replacen("$04$", "$32$", 1)}),
        ),
    ]
    .concat();
    let out = test.import(&test.db(), lines).status(2).any_stderr().run();
    let refused = refused_lines(&out.stderr);
    assert_eq!(
        refused.keys().copied().collect::<Vec<_>>(),
        [1, 2, 3],
        "{}",
        out.stderr
    );
    for message in refused.values() {
        assert!(message.contains(BAD_HASH), "{message}");
    }
    assert!(test.usernames(&test.db()).is_empty());
}

/// A hash costing one login more than the server may spend (days of bcrypt,
/// seconds and hundreds of MiB of argon2id) is refused per line, saying why;
/// up to the bounds, stronger than the defaults is fine.
#[test]
fn a_hash_costing_a_login_too_much_is_refused_with_the_reason() {
    let test = Test::new();
    let pw = test.secret(&random_password(401, 16));
    let bcrypt4 = bcrypt_hash(&pw, bcrypt::Version::TwoB);
    let argon = bulk_hash();
    assert!(argon.contains("$m=19456,t=2,p=1$"), "{argon}");
    let with = |params: &str| argon.replacen("m=19456,t=2,p=1", params, 1);
    let lines = [
        line(
            "bcrypt13",
            json!({"password_hash": bcrypt4.replacen("$04$", "$13$", 1)}),
        ),
        line(
            "bcrypt31",
            json!({"password_hash": bcrypt4.replacen("$04$", "$31$", 1)}),
        ),
        line(
            "argonwork",
            json!({"password_hash": with("m=65536,t=8,p=1")}),
        ),
        line(
            "argonmem",
            json!({"password_hash": with("m=262144,t=1,p=1")}),
        ),
        line(
            "argonlanes",
            json!({"password_hash": with("m=19456,t=2,p=8")}),
        ),
        line(
            "bcrypt12",
            json!({"password_hash": bcrypt4.replacen("$04$", "$12$", 1)}),
        ),
        line(
            "argonstrong",
            json!({"password_hash": with("m=65536,t=4,p=1")}),
        ),
    ]
    .concat();
    let out = test.import(&test.db(), lines).status(2).any_stderr().run();
    let refused = refused_lines(&out.stderr);
    assert_eq!(
        refused.keys().copied().collect::<Vec<_>>(),
        [1, 2, 3, 4, 5],
        "{}",
        out.stderr
    );
    assert!(
        refused[&1].contains(
            "password_hash: bcrypt cost 13 is more than one login may spend here (at most 12); \
             import this user with a new password instead"
        ),
        "{}",
        refused[&1]
    );
    assert!(refused[&2].contains("bcrypt cost 31"), "{}", refused[&2]);
    for n in [3, 4, 5] {
        assert!(
            refused[&n].contains("is more than one login may spend here (at most m=65536,t=8,p=4"),
            "{}",
            refused[&n]
        );
    }
    assert_eq!(test.usernames(&test.db()), ["bcrypt12", "argonstrong"]);
}

#[test]
fn an_argon2id_string_that_cannot_verify_is_refused() {
    let test = Test::new();
    let hash = bulk_hash();
    let no_output = hash.rsplit_once('$').unwrap().0.to_owned();
    let lines = [
        line("nooutput", json!({"password_hash": no_output})),
        line(
            "tinymem",
            json!({"password_hash": hash.replacen("m=19456", "m=1", 1)}),
        ),
    ]
    .concat();
    let out = test.import(&test.db(), lines).status(2).any_stderr().run();
    let refused = refused_lines(&out.stderr);
    assert_eq!(
        refused.keys().copied().collect::<Vec<_>>(),
        [1, 2],
        "{}",
        out.stderr
    );
    assert!(test.usernames(&test.db()).is_empty());
}

#[test]
fn an_imported_block_reason_follows_the_rules_of_user_update() {
    let test = Test::new();
    test.import_ok(&test.db(), &line("victim", json!({})));
    // What user update refuses…
    for reason in ["a\u{7}b".to_owned(), "r".repeat(257)] {
        test.args([
            "user",
            "update",
            "victim",
            "--block",
            "--reason",
            reason.as_str(),
        ])
        .status(2)
        .stderr_has("block_reason")
        .run();
    }
    // …import refuses too.
    let lines = [
        line("bell", json!({"blocked": true, "block_reason": "a\u{7}b"})),
        line(
            "long",
            json!({"blocked": true, "block_reason": "r".repeat(257)}),
        ),
    ]
    .concat();
    let out = test.import(&test.db(), lines).status(2).any_stderr().run();
    let refused = refused_lines(&out.stderr);
    assert_eq!(
        refused.keys().copied().collect::<Vec<_>>(),
        [1, 2],
        "{}",
        out.stderr
    );
    for message in refused.values() {
        assert!(message.contains("block_reason"), "{message}");
    }
    assert_eq!(test.usernames(&test.db()), ["victim"]);
}

#[test]
fn refused_lines_are_reported_in_file_order() {
    let test = Test::new();
    test.import_ok(&test.db(), &line("taken", json!({})));
    let lines = format!(
        "{}not json\n{}[]\n",
        line("taken", json!({})),
        line("x", json!({}))
    );
    let out = test
        .import(&test.db(), lines.clone())
        .status(2)
        .any_stderr()
        .run();
    let order: Vec<u64> = out
        .stderr
        .lines()
        .filter_map(|l| l.strip_prefix("usersctl: line "))
        .map(|l| l.split(':').next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(order, [1, 2, 3, 4], "{}", out.stderr);
    let out = test
        .import(&test.db(), lines)
        .args(["-o", "json"])
        .status(2)
        .any_stdout()
        .any_stderr()
        .run();
    let order: Vec<u64> = out.data()["refused"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["line"].as_u64().unwrap())
        .collect();
    assert_eq!(order, [1, 2, 3, 4]);
}

#[test]
fn an_atomic_import_through_a_server_keeps_nothing_when_the_command_is_killed() {
    if support::sled_only("the admin socket") {
        return;
    }
    let test = Test::new();
    let db = test.db();
    test.import_ok(&db, &line("keep1", json!({})));
    let list_before = test.list(&db);
    let server = Server::start(&db);

    // More lines than are read ahead before the database is taken, and the
    // pipe left open: the server stores batches until the command dies.
    let mut import = std::process::Command::new(bin());
    clean_env(&mut import);
    let mut child = import
        .arg("--db")
        .arg(&db)
        .args(["users", "import", "--atomic", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let lines: String = (0..60_000)
        .map(|i| line(&format!("early{i:05}"), json!({})))
        .collect();
    // Written from a thread of its own, which then holds the pipe open: the
    // command is killed as soon as batches reach the server, not once it
    // has read every line (a write of them all blocks until then).
    let (done, hold) = std::sync::mpsc::channel::<()>();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(lines.as_bytes());
        let _ = hold.recv();
    });
    let until = Instant::now() + PATIENCE;
    while server.ops("import") < 2 {
        assert!(
            Instant::now() < until,
            "no batch reached the server:\n{}",
            server.log()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    drop(done);
    writer.join().unwrap();

    // The server ends the import the command never ended, as not whole.
    let until = Instant::now() + PATIENCE;
    loop {
        let list = test.list(&db);
        if list == list_before {
            break;
        }
        assert!(
            Instant::now() < until,
            "{} users were kept of an --atomic import that never ended:\n{}",
            list.len() - list_before.len(),
            server.log()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A sled database moves to PostgreSQL whole, and back, through the pipe
/// README shows: ids, hashes, timestamps, attributes, blocks and roles of
/// 100,000 users come out byte for byte as they went in.
#[test]
fn a_database_moves_to_postgresql_and_back_whole_at_100000_users() {
    let Some(server) = support::postgres_url() else {
        eprintln!("USERSCTL_TEST_DATABASE_URL is not set: skipped");
        return;
    };
    if !support::on_postgres() {
        return; // the PostgreSQL pass runs it
    }
    let test = Test::new();
    let source = test.path("source");
    let lines: String = (0..100_000)
        .map(|i| {
            let extra = match i % 5 {
                0 => json!({"name": format!("User Nº{i}"), "attributes": {"team": i % 7, "n": 1.5}}),
                1 => json!({"role": "admin", "created_at": "2021-03-04T05:06:07.089Z",
                            "last_login_at": "2024-01-02T03:04:05.006Z"}),
                2 => json!({"blocked": true, "block_reason": "left the company"}),
                3 => json!({"must_change_password": true, "email": format!("Mixed.Case{i}@Example.COM")}),
                _ => json!({}),
            };
            line(&format!("user{i}"), extra)
        })
        .collect();
    test.args(["--init", "users", "import", "-"])
        .db(&source)
        .stdin(lines)
        .stderr("imported 100000 users\n")
        .run();
    let pg = TestDb::schema_on(&server);
    let back = test.path("back");
    let pipe = |from: String, into: String, envs: Vec<(&'static str, String)>| {
        let out = std::process::Command::new("bash")
            .arg("-c")
            .arg(format!(
                "set -o pipefail; {b} users export {from} | {b} -q --init users import {into} -",
                b = bin().display()
            ))
            .envs(envs)
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
    };
    // Into PostgreSQL (its URL in the environment, as README advises)...
    pipe(
        format!("--db '{}'", source.display()),
        String::new(),
        pg.envs(),
    );
    let exported = test.export(&source);
    let moved = {
        let mut cmd = usersctl();
        pg.apply(&mut cmd);
        let out = cmd.args(["users", "export"]).output().unwrap();
        assert!(out.status.success(), "{out:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    assert_eq!(moved.lines().count(), 100_000);
    assert!(
        moved == exported,
        "the export from PostgreSQL differs from the one from sled"
    );
    // ...and out again.
    pipe(
        String::new(),
        format!("--db '{}'", back.display()),
        pg.envs(),
    );
    assert!(
        test.export(&back) == exported,
        "the round trip changed something"
    );
    test.login(&back, "mixed.case3@example.com", BULK_PASSWORD);
}

/// A nightly clean-up that selected the wrong 100,000 users is undone by one
/// command: every user comes back as it was exported before (ids, hashes,
/// timestamps, attributes), and logs in.
#[test]
fn a_mistaken_bulk_delete_of_100000_users_is_undone_by_one_restore() {
    let test = Test::new();
    let db = test.db();
    let lines: String = (0..100_000)
        .map(|i| {
            let extra = match i % 3 {
                0 => json!({"name": format!("User {i}"), "attributes": {"team": i % 7}}),
                1 => json!({"last_login_at": "2024-01-02T03:04:05.006Z"}),
                _ => json!({}),
            };
            line(&format!("user{i}"), extra)
        })
        .collect();
    test.args(["--init", "users", "import", "-"])
        .stdin(lines)
        .stderr("imported 100000 users\n")
        .run();
    let before = test.export(&db);
    // The mistake: every user, selected by a filter that matched them all.
    let started = Instant::now();
    let report = test
        .args([
            "-o",
            "json",
            "users",
            "delete-many",
            "--created-before",
            "2100-01-01",
            "--yes",
        ])
        .any_stdout()
        .run()
        .stdout;
    let deleted = serde_json::from_str::<Value>(&report).unwrap()["data"]["deleted"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(deleted, 100_000);
    test.args(["users", "list", "--count"]).stdout("0\n").run();
    test.login_refused(&db, "user7", BULK_PASSWORD);
    let deleting = started.elapsed();

    // The undo: the bin's names, piped back.
    let started = Instant::now();
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!(
            "set -o pipefail; {b} -o name users deleted | {b} -o name users restore --from -",
            b = bin().display()
        ))
        .envs(test_envs(&test))
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).lines().count(),
        100_000
    );
    let restoring = started.elapsed();
    eprintln!("deleted 100000 users in {deleting:?}, restored them in {restoring:?}");

    assert!(test.export(&db) == before, "the users came back changed");
    test.args(["users", "deleted", "--count"])
        .stdout("0\n")
        .run();
    for user in ["user0", "user50001", "user99999"] {
        test.login(&db, user, BULK_PASSWORD);
    }
}

/// The environment that points a command at the test's own database.
fn test_envs(test: &Test) -> Vec<(&'static str, String)> {
    match test.own.dir() {
        Some(dir) => vec![("USERSCTL_DB", dir.display().to_string())],
        None => test.own.envs(),
    }
}
