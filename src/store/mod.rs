//! The embedded sled store. Users are kept once, by id, with unique username and
//! email indexes updated in the same transaction as the record, so no crash or
//! race can leave an index and a record disagreeing. Nothing outside this module
//! names a sled type.

mod codec;
mod lock;

use std::fs::DirBuilder;
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};

use sled::Transactional;
use sled::transaction::{ConflictableTransactionError, TransactionError, TransactionalTree};
use uuid::Uuid;

use self::codec::{decode, encode};
use crate::domain::{Account, UserRef};
use crate::error::{Error, Result};

pub use lock::DirLock;

/// The on-disk layout version this build reads and writes.
pub const SCHEMA_VERSION: u32 = 1;
const SCHEMA_KEY: &[u8] = b"schema_version";
/// sled's page cache; its default (1 GiB) is far more than a user database needs.
const CACHE_BYTES: u64 = 64 * 1024 * 1024;

pub struct Store {
    dir: PathBuf,
    db: sled::Db,
    users: sled::Tree,
    by_username: sled::Tree,
    by_email: sled::Tree,
    revoked: sled::Tree,
    // Held for as long as the store is open; dropping it releases the directory.
    commit: std::sync::Arc<GroupCommit>,
    _lock: DirLock,
}

struct GroupCommit {
    state: std::sync::Mutex<CommitState>,
    /// Wakes threads waiting in `flush` when a round ends.
    done: std::sync::Condvar,
    /// Wakes tasks waiting in `commit` when a round ends.
    rounds: tokio::sync::watch::Sender<u64>,
}

impl Default for GroupCommit {
    fn default() -> Self {
        Self {
            state: std::sync::Mutex::default(),
            done: std::sync::Condvar::new(),
            rounds: tokio::sync::watch::Sender::new(0),
        }
    }
}

/// What an async committer does next.
enum Step {
    Done(std::result::Result<(), String>),
    /// Flush, for every ticket up to this one.
    Lead(u64),
    /// Wait for the round in flight to end.
    Wait(tokio::sync::watch::Receiver<u64>),
}

impl GroupCommit {
    fn step(&self, ticket: u64) -> Step {
        let mut state = self.lock();
        if state.completed >= ticket {
            return Step::Done(state.outcome.clone());
        }
        if state.flushing {
            // Subscribed while the state is locked: the round in flight cannot
            // end unseen.
            return Step::Wait(self.rounds.subscribe());
        }
        state.flushing = true;
        Step::Lead(state.requested)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, CommitState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// A flush round in progress, covering tickets up to `target`. Dropped
/// without `end` (a panic, a runtime shutting down), it lets another caller
/// lead instead of leaving everyone waiting for a round that never ends.
struct Round {
    commit: std::sync::Arc<GroupCommit>,
    target: u64,
    ended: bool,
}

impl Round {
    fn end(mut self, outcome: std::result::Result<(), String>) {
        self.ended = true;
        let mut state = self.commit.lock();
        state.flushing = false;
        state.completed = self.target;
        state.outcome = outcome;
        self.commit.done.notify_all();
        self.commit.rounds.send_replace(self.target);
    }
}

impl Drop for Round {
    fn drop(&mut self) {
        if !self.ended {
            self.commit.lock().flushing = false;
            self.commit.done.notify_all();
            self.commit.rounds.send_modify(|_| {});
        }
    }
}

fn flush_db(db: &sled::Db) -> std::result::Result<(), String> {
    db.flush()
        .map(drop)
        .map_err(|e| format!("cannot write the database to disk: {}", storage(e)))
}

struct CommitState {
    /// Tickets handed out, and the highest one a finished flush covered.
    requested: u64,
    completed: u64,
    flushing: bool,
    outcome: std::result::Result<(), String>,
}

impl Default for CommitState {
    fn default() -> Self {
        Self {
            requested: 0,
            completed: 0,
            flushing: false,
            outcome: Ok(()),
        }
    }
}

impl Store {
    /// Opens (creating if needed, with mode 0700) the database directory `dir`,
    /// with a page cache of `cache_bytes`.
    pub fn open_with_cache(dir: &Path, cache_bytes: u64) -> Result<Store> {
        DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(|e| {
                Error::Unavailable(format!(
                    "cannot create database directory {}: {e}",
                    dir.display()
                ))
            })?;
        let lock = DirLock::acquire(dir)?;
        remove_unfinished_snapshots(&dir.join("sled"));
        let db = sled::Config::new()
            .path(dir.join("sled"))
            .cache_capacity(cache_bytes)
            .mode(sled::Mode::HighThroughput)
            .open()
            .map_err(|e| open_error(dir, e))?;
        let tree = |name: &str| db.open_tree(name).map_err(|e| open_error(dir, e));
        let store = Store {
            users: tree("users")?,
            by_username: tree("by_username")?,
            by_email: tree("by_email")?,
            revoked: tree("revoked_tokens")?,
            dir: dir.to_owned(),
            db,
            commit: std::sync::Arc::default(),
            _lock: lock,
        };
        store.check_schema()?;
        Ok(store)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn check_schema(&self) -> Result<()> {
        match self.db.get(SCHEMA_KEY).map_err(storage)? {
            Some(raw) => {
                let version = <[u8; 4]>::try_from(raw.as_ref())
                    .map(u32::from_be_bytes)
                    .map_err(|_| {
                        Error::Unavailable(format!(
                            "database at {} has an unreadable schema version",
                            self.dir.display()
                        ))
                    })?;
                if version > SCHEMA_VERSION {
                    return Err(Error::Unavailable(format!(
                        "database at {} has schema version {version}, newer than this usersctl \
                         supports ({SCHEMA_VERSION}); upgrade usersctl",
                        self.dir.display()
                    )));
                }
                Ok(())
            }
            None => {
                self.db
                    .insert(SCHEMA_KEY, &SCHEMA_VERSION.to_be_bytes())
                    .map_err(storage)?;
                self.flush()
            }
        }
    }

    /// Writes everything to disk; call before reporting a write as done.
    ///
    /// Concurrent callers share flushes (group commit): one of them flushes for
    /// every write made before it started, the others wait for that flush
    /// instead of queueing a disk sync each.
    pub fn flush(&self) -> Result<()> {
        let commit = &self.commit;
        let mut state = commit.lock();
        state.requested += 1;
        let ticket = state.requested;
        loop {
            if state.completed >= ticket {
                return state.outcome.clone().map_err(Error::Unavailable);
            }
            if !state.flushing {
                state.flushing = true;
                let round = Round {
                    commit: commit.clone(),
                    target: state.requested,
                    ended: false,
                };
                drop(state);
                round.end(flush_db(&self.db));
                state = commit.lock();
                continue;
            }
            state = commit.done.wait(state).unwrap_or_else(|p| p.into_inner());
        }
    }

    /// `flush` for async callers: the same group commit, waited for without
    /// holding a thread. Whoever leads a round flushes on a blocking thread.
    pub async fn commit(&self) -> Result<()> {
        let commit = &self.commit;
        let ticket = {
            let mut state = commit.lock();
            state.requested += 1;
            state.requested
        };
        loop {
            match commit.step(ticket) {
                Step::Done(outcome) => return outcome.map_err(Error::Unavailable),
                Step::Lead(target) => {
                    // The round ends (or is abandoned, should the runtime drop
                    // it unstarted) on its own, even if this future is dropped.
                    let round = Round {
                        commit: commit.clone(),
                        target,
                        ended: false,
                    };
                    let db = self.db.clone();
                    let _ = tokio::task::spawn_blocking(move || round.end(flush_db(&db))).await;
                }
                Step::Wait(mut round) => {
                    let _ = round.changed().await;
                }
            }
        }
    }

    /// Whether the database answers a read, and its last flush succeeded (a
    /// store that could not write, say on a full disk, is not healthy).
    pub fn health(&self) -> Result<()> {
        self.db.get(SCHEMA_KEY).map_err(storage)?;
        self.commit
            .lock()
            .outcome
            .clone()
            .map_err(Error::Unavailable)
    }

    pub fn get(&self, user: &UserRef) -> Result<Option<Account>> {
        let id = match user {
            UserRef::Id(id) => *id,
            UserRef::Username(name) => {
                match self.by_username.get(name.as_str()).map_err(storage)? {
                    Some(id) => decode_id(&id)?,
                    None => return Ok(None),
                }
            }
            UserRef::Email(email) => match self.by_email.get(email.key()).map_err(storage)? {
                Some(id) => decode_id(&id)?,
                None => return Ok(None),
            },
        };
        self.users
            .get(id.as_bytes())
            .map_err(storage)?
            .map(|raw| decode(id, &raw))
            .transpose()
    }

    /// Inserts a new account; `Conflict` if its username or email is taken.
    pub fn insert(&self, account: &Account) -> Result<()> {
        let value = encode(account)?;
        self.transaction(|t| {
            claim_indexes(t, account, None)?;
            t.users
                .insert(account.user.id.as_bytes().as_slice(), value.as_slice())?;
            Ok(())
        })
    }

    /// Inserts many new accounts in one transaction. Each outcome says whether
    /// its account was stored or why not (its id, username or email taken);
    /// the others are stored all the same.
    pub fn insert_many(&self, accounts: &[Account]) -> Result<Vec<Result<()>>> {
        let values = accounts.iter().map(encode).collect::<Result<Vec<_>>>()?;
        self.transaction(|t| {
            let mut outcomes = Vec::with_capacity(accounts.len());
            for (account, value) in accounts.iter().zip(&values) {
                let id = account.user.id.as_bytes().as_slice();
                let taken = if t.users.get(id)?.is_some() {
                    Some(format!("a user with id {} already exists", account.user.id))
                } else if t.by_username.get(account.user.username.as_str())?.is_some() {
                    Some(format!(
                        "username {} is already taken",
                        account.user.username
                    ))
                } else if t
                    .by_email
                    .get(account.user.email.key().as_bytes())?
                    .is_some()
                {
                    Some(format!("email {} is already taken", account.user.email))
                } else {
                    None
                };
                if let Some(why) = taken {
                    outcomes.push(Err(Error::Conflict(why)));
                    continue;
                }
                t.users.insert(id, value.as_slice())?;
                t.by_username.insert(account.user.username.as_str(), id)?;
                t.by_email.insert(account.user.email.key().as_bytes(), id)?;
                outcomes.push(Ok(()));
            }
            Ok(outcomes)
        })
    }

    /// Replaces the account named by `user` with `change(current)`, keeping the
    /// indexes in step. `change` may run more than once and must be pure.
    pub fn update<F>(&self, user: &UserRef, change: F) -> Result<Account>
    where
        F: Fn(&Account) -> Result<Account>,
    {
        self.transaction(|t| {
            let Some(current) = t.resolve(user)? else {
                return abort(Error::NotFound(format!("user {user} not found")));
            };
            let next = change(&current).map_err(ConflictableTransactionError::Abort)?;
            claim_indexes(t, &next, Some(&current))?;
            let value = encode(&next).map_err(ConflictableTransactionError::Abort)?;
            t.users.insert(next.user.id.as_bytes().as_slice(), value)?;
            Ok(next)
        })
    }

    /// Deletes the named accounts in one transaction; each outcome is the deleted
    /// account, or `None` when no such user existed. Every name is resolved before
    /// anything is removed, so two names of one user (its username and its email)
    /// both find it, in a real run as in a dry run.
    pub fn delete_many(&self, users: &[UserRef], dry_run: bool) -> Result<Vec<Option<Account>>> {
        self.transaction(|t| {
            let outcomes = users
                .iter()
                .map(|user| t.resolve(user))
                .collect::<TxResult<Vec<_>>>()?;
            if !dry_run {
                let mut removed = std::collections::HashSet::new();
                for account in outcomes.iter().flatten() {
                    if removed.insert(account.user.id) {
                        t.users.remove(account.user.id.as_bytes().as_slice())?;
                        t.by_username.remove(account.user.username.as_str())?;
                        t.by_email.remove(account.user.email.key().as_bytes())?;
                    }
                }
            }
            Ok(outcomes)
        })
    }

    /// Users in id order (creation order), starting after `after`.
    pub fn scan(&self, after: Option<Uuid>) -> impl Iterator<Item = Result<Account>> + '_ {
        let range = match after {
            Some(id) => self.users.range(id.as_bytes().to_vec()..),
            None => self.users.iter(),
        };
        range
            .skip_while(move |item| match (after, item) {
                (Some(id), Ok((key, _))) => key.as_ref() == id.as_bytes(),
                _ => false,
            })
            .map(|item| {
                let (key, raw) = item.map_err(storage)?;
                decode(key_id(&key)?, &raw)
            })
    }

    /// Verifies that every record has its index entries, every index entry
    /// points at a record that has that name, and every stored hash parses.
    /// With `repair`, the indexes are rebuilt from the records first.
    pub fn check(&self, repair: bool) -> Result<CheckReport> {
        let mut report = CheckReport {
            repaired: repair,
            ..CheckReport::default()
        };
        if repair {
            self.rebuild_indexes(&mut report)?;
        }
        for item in self.users.iter() {
            let (key, raw) = item.map_err(storage)?;
            report.users += 1;
            let Ok(id) = key_id(&key) else {
                report.problem(
                    "misfiled_record",
                    format!("a record is filed under key {}", hex(&key)),
                );
                continue;
            };
            let account = match decode(id, &raw) {
                Ok(a) if a.user.id.as_bytes().as_slice() == key.as_ref() => a,
                Ok(a) => {
                    report.problem(
                        "misfiled_record",
                        format!("record under key {} holds user {}", hex(&key), a.user.id),
                    );
                    continue;
                }
                Err(_) => {
                    report.problem(
                        "unreadable_record",
                        format!("record under key {} cannot be read", hex(&key)),
                    );
                    continue;
                }
            };
            let u = &account.user;
            match self.by_username.get(u.username.as_str()).map_err(storage)? {
                None => report.problem(
                    "missing_username_index",
                    format!("user {} ({}) has no username index entry", u.id, u.username),
                ),
                Some(id) if id.as_ref() != key.as_ref() => report.problem(
                    "wrong_username_index",
                    format!(
                        "username {} points at {}, not at its user {}",
                        u.username,
                        hex(&id),
                        u.id
                    ),
                ),
                Some(_) => {}
            }
            match self.by_email.get(u.email.key()).map_err(storage)? {
                None => report.problem(
                    "missing_email_index",
                    format!("user {} ({}) has no email index entry", u.id, u.email),
                ),
                Some(id) if id.as_ref() != key.as_ref() => report.problem(
                    "wrong_email_index",
                    format!(
                        "email {} points at {}, not at its user {}",
                        u.email,
                        hex(&id),
                        u.id
                    ),
                ),
                Some(_) => {}
            }
            if !crate::hashing::is_valid_hash(&account.password_hash) {
                report.problem(
                    "bad_hash",
                    format!(
                        "user {} ({}) has a password hash that does not parse",
                        u.id, u.username
                    ),
                );
            }
        }
        for (tree, kind) in [(&self.by_username, "username"), (&self.by_email, "email")] {
            for item in tree.iter() {
                let (name, id) = item.map_err(storage)?;
                let name = String::from_utf8_lossy(&name).into_owned();
                let owner = match (self.users.get(&id).map_err(storage)?, key_id(&id)) {
                    (Some(raw), Ok(id)) => decode(id, &raw).ok(),
                    _ => None,
                };
                let matches = owner.is_some_and(|a| match kind {
                    "username" => a.user.username.as_str() == name,
                    _ => a.user.email.key() == name,
                });
                if !matches {
                    report.problem(
                        &format!("dangling_{kind}_index"),
                        format!(
                            "{kind} {name} points at {}, which is not a user of that {kind}",
                            hex(&id)
                        ),
                    );
                }
            }
        }
        Ok(report)
    }

    /// Rebuilds both indexes from the records. The first record of a name
    /// (the oldest id) keeps it; later duplicates are reported.
    fn rebuild_indexes(&self, report: &mut CheckReport) -> Result<()> {
        self.by_username.clear().map_err(storage)?;
        self.by_email.clear().map_err(storage)?;
        for item in self.users.iter() {
            let (key, raw) = item.map_err(storage)?;
            let Ok(account) = key_id(&key).and_then(|id| decode(id, &raw)) else {
                continue;
            };
            let u = &account.user;
            let claimed = self
                .by_username
                .compare_and_swap(
                    u.username.as_str(),
                    None as Option<&[u8]>,
                    Some(key.as_ref()),
                )
                .map_err(storage)?;
            if claimed.is_err() {
                report.problem(
                    "duplicate_username",
                    format!(
                        "users share username {}; {} left without it",
                        u.username, u.id
                    ),
                );
            }
            let claimed = self
                .by_email
                .compare_and_swap(u.email.key(), None as Option<&[u8]>, Some(key.as_ref()))
                .map_err(storage)?;
            if claimed.is_err() {
                report.problem(
                    "duplicate_email",
                    format!("users share email {}; {} left without it", u.email, u.id),
                );
            }
        }
        self.flush()
    }

    /// Records a revoked token id until its expiry (unix seconds).
    pub fn revoke(&self, jti: &str, expires_at: u64) -> Result<()> {
        self.revoked
            .insert(jti.as_bytes(), &expires_at.to_be_bytes())
            .map_err(storage)?;
        self.prune_revoked()
    }

    pub fn is_revoked(&self, jti: &str) -> Result<bool> {
        self.revoked.contains_key(jti.as_bytes()).map_err(storage)
    }

    /// Forgets revoked ids whose tokens have expired anyway.
    fn prune_revoked(&self) -> Result<()> {
        let now = crate::domain::Timestamp::now().unix_seconds();
        for item in self.revoked.iter() {
            let (key, value) = item.map_err(storage)?;
            let exp = <[u8; 8]>::try_from(value.as_ref())
                .map(u64::from_be_bytes)
                .unwrap_or(0);
            if exp < now {
                self.revoked.remove(key).map_err(storage)?;
            }
        }
        Ok(())
    }

    fn transaction<T>(
        &self,
        body: impl Fn(&Tx<'_>) -> std::result::Result<T, ConflictableTransactionError<Error>>,
    ) -> Result<T> {
        (&self.users, &self.by_username, &self.by_email)
            .transaction(|(users, by_username, by_email)| {
                body(&Tx {
                    users,
                    by_username,
                    by_email,
                })
            })
            .map_err(|e| match e {
                TransactionError::Abort(e) => e,
                TransactionError::Storage(e) => storage(e),
            })
    }

    /// `open_with_cache`, with the cache a server keeps.
    pub fn open(dir: &Path) -> Result<Store> {
        Self::open_with_cache(dir, CACHE_BYTES)
    }

    /// Every user's export line (`codec::export_line`), in id order, handed to
    /// `batch` `lines` at a time in a buffer that `batch` empties or replaces.
    /// Returns how many users there were.
    pub fn export_lines(
        &self,
        lines: u64,
        mut batch: impl FnMut(&mut Vec<u8>) -> Result<()>,
    ) -> Result<u64> {
        let (mut buf, mut count) = (Vec::new(), 0);
        for item in self.users.iter() {
            let (key, raw) = item.map_err(storage)?;
            codec::export_line(key_id(&key)?, &raw, &mut buf)?;
            count += 1;
            if count % lines == 0 {
                batch(&mut buf)?;
            }
        }
        if !buf.is_empty() {
            batch(&mut buf)?;
        }
        Ok(count)
    }
}

/// What `check` found.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct CheckReport {
    pub users: u64,
    pub problems: Vec<Problem>,
    pub repaired: bool,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Problem {
    pub kind: String,
    pub detail: String,
}

impl CheckReport {
    fn problem(&mut self, kind: &str, detail: String) {
        self.problems.push(Problem {
            kind: kind.to_owned(),
            detail,
        });
    }
}

fn hex(bytes: &[u8]) -> String {
    Uuid::from_slice(bytes)
        .map(|id| id.to_string())
        .unwrap_or_else(|_| bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// The three trees as seen inside one transaction.
struct Tx<'a> {
    users: &'a TransactionalTree,
    by_username: &'a TransactionalTree,
    by_email: &'a TransactionalTree,
}

type TxResult<T> = std::result::Result<T, ConflictableTransactionError<Error>>;

impl Tx<'_> {
    fn resolve(&self, user: &UserRef) -> TxResult<Option<Account>> {
        let id = match user {
            UserRef::Id(id) => *id,
            UserRef::Username(name) => match self.by_username.get(name.as_str())? {
                Some(raw) => decode_id(&raw).map_err(ConflictableTransactionError::Abort)?,
                None => return Ok(None),
            },
            UserRef::Email(email) => match self.by_email.get(email.key().as_bytes())? {
                Some(raw) => decode_id(&raw).map_err(ConflictableTransactionError::Abort)?,
                None => return Ok(None),
            },
        };
        match self.users.get(id.as_bytes().as_slice())? {
            Some(raw) => decode(id, &raw)
                .map(Some)
                .map_err(ConflictableTransactionError::Abort),
            None => Ok(None),
        }
    }
}

/// Points the username and email indexes at `next`, refusing values another
/// account holds, and drops the index entries `previous` no longer uses.
fn claim_indexes(t: &Tx<'_>, next: &Account, previous: Option<&Account>) -> TxResult<()> {
    let id = next.user.id.as_bytes().as_slice();
    let name = next.user.username.as_str();
    let email = next.user.email.key();
    // An entry that does not change is left alone: most updates rename nothing.
    let name_changes = previous.is_none_or(|p| p.user.username != next.user.username);
    let email_changes = previous.is_none_or(|p| p.user.email.key() != email);
    if name_changes {
        if t.by_username
            .get(name)?
            .is_some_and(|owner| owner.as_ref() != id)
        {
            return abort(Error::Conflict(format!("username {name} is already taken")));
        }
        if let Some(prev) = previous {
            t.by_username.remove(prev.user.username.as_str())?;
        }
        t.by_username.insert(name, id)?;
    }
    if email_changes {
        if t.by_email
            .get(email.as_bytes())?
            .is_some_and(|owner| owner.as_ref() != id)
        {
            return abort(Error::Conflict(format!(
                "email {} is already taken",
                next.user.email
            )));
        }
        if let Some(prev) = previous {
            t.by_email.remove(prev.user.email.key().as_bytes())?;
        }
        t.by_email.insert(email.as_bytes(), id)?;
    }
    Ok(())
}

fn abort<T>(e: Error) -> TxResult<T> {
    Err(ConflictableTransactionError::Abort(e))
}

/// The id a users-tree key holds.
fn key_id(key: &[u8]) -> Result<Uuid> {
    decode_id(key)
}

fn decode_id(raw: &[u8]) -> Result<Uuid> {
    Uuid::from_slice(raw)
        .map_err(|_| Error::Unavailable("database holds an unreadable index entry".to_owned()))
}

fn storage(e: sled::Error) -> Error {
    match e {
        sled::Error::Io(io) => {
            Error::Unavailable(format!("database I/O error: {}", io_reason(&io)))
        }
        sled::Error::Corruption { .. } => Error::Unavailable(
            "the database files are damaged beyond what usersctl can read; restore the \
             database directory from a backup (see `usersctl users export`)"
                .to_owned(),
        ),
        other => Error::Internal(format!("database error: {other}")),
    }
}

/// A snapshot sled was still writing when it failed (a full disk) is left as
/// `snap.*.generating`, and sled then refuses to open the database. It is
/// never needed: the finished snapshots and the log hold everything. Only
/// called while holding the directory lock, so no sled is writing one.
fn remove_unfinished_snapshots(sled_dir: &Path) {
    let Ok(entries) = std::fs::read_dir(sled_dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with("snap.") && name.ends_with(".generating") {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// An I/O error as a person reads it ("No space left on device"), not as a
/// debug dump.
fn io_reason(io: &std::io::Error) -> String {
    match io.raw_os_error() {
        Some(code) => std::io::Error::from_raw_os_error(code).to_string(),
        None => io.to_string(),
    }
}

fn open_error(dir: &Path, e: sled::Error) -> Error {
    Error::Unavailable(format!(
        "cannot open database at {}: {}",
        dir.display(),
        storage(e)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn concurrent_flushes_and_commits_all_complete() {
        let dir = tempfile::tempdir().unwrap();
        let store = std::sync::Arc::new(Store::open(&dir.path().join("db")).unwrap());
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .unwrap();
        let tasks: Vec<_> = (0..32)
            .map(|_| {
                let store = store.clone();
                runtime.spawn(async move { store.commit().await })
            })
            .collect();
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let store = store.clone();
                std::thread::spawn(move || store.flush())
            })
            .collect();
        for t in tasks {
            runtime.block_on(t).unwrap().unwrap();
        }
        for t in threads {
            t.join().unwrap().unwrap();
        }
    }

    #[test]
    fn a_commit_cut_short_by_shutdown_does_not_stall_later_flushes() {
        let dir = tempfile::tempdir().unwrap();
        let store = std::sync::Arc::new(Store::open(&dir.path().join("db")).unwrap());
        for _ in 0..20 {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
                .unwrap();
            for _ in 0..4 {
                let store = store.clone();
                runtime.spawn(async move { store.commit().await });
            }
            drop(runtime);
            let (done, finished) = std::sync::mpsc::channel();
            let store = store.clone();
            std::thread::spawn(move || done.send(store.flush()));
            let flushed = finished.recv_timeout(std::time::Duration::from_secs(10));
            assert!(matches!(flushed, Ok(Ok(()))), "a flush after shutdown hung");
        }
    }
}
