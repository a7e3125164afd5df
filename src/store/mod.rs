//! The embedded sled store. Users are kept once, by id, with unique username and
//! email indexes updated in the same transaction as the record, so no crash or
//! race can leave an index and a record disagreeing. Nothing outside this module
//! names a sled type.

mod codec;
mod lock;
mod seal;

use std::collections::HashMap;
use std::fs::DirBuilder;
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

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
pub const CACHE_BYTES: u64 = 64 * 1024 * 1024;
/// The record written last at every clean close (see `seal`).
const SEAL_KEY: &[u8] = b"seal";
/// A reopen after a write failure waits for this much free space, so a
/// server on a full disk does not reopen in a loop.
const REOPEN_MIN_FREE: u64 = 1024 * 1024;
const REOPEN_INTERVAL: Duration = Duration::from_secs(1);
/// Compare-and-swap attempts of an update before it takes a transaction.
const SWAP_ATTEMPTS: usize = 8;
/// Records kept in memory by `record` (a few MiB).
const HOT_RECORDS: usize = 16 * 1024;

pub struct Store {
    dir: PathBuf,
    /// The open database; `None` only while a reopen after a write failure
    /// has not succeeded yet.
    engine: RwLock<Option<Arc<Engine>>>,
    /// Set by an I/O error: sled refuses every write after one until the
    /// database is opened again, which the next write (or health check)
    /// attempts once the disk has room.
    failed: Arc<AtomicBool>,
    /// When a reopen was last attempted; held while one runs.
    reopening: Mutex<Option<Instant>>,
    /// Whether anything was written since the open (the close then seals).
    dirty: AtomicBool,
    /// Counts writes to the users: what was read at one generation is
    /// current for as long as the generation stays the same.
    generation: AtomicU64,
    /// Records read lately, as stored: a lookup here costs a fraction of a
    /// walk down sled's tree. A write drops the records it changed, under
    /// the same lock a read takes to add one (see `record`).
    hot: Mutex<HashMap<Uuid, sled::IVec>>,
    /// Whether any token has been revoked: until one is, checking a token
    /// needs no lookup.
    revoked_any: AtomicBool,
    /// What the open found and mended, for `check` to report.
    recovery: Recovery,
    /// The users held, as the last clean close counted them (or a repair),
    /// and the change since: what the next clean close records (see `seal`).
    users_counted: Option<u64>,
    users_added: std::sync::atomic::AtomicI64,
    options: OpenOptions,
    commit: Arc<GroupCommit>,
    // Held for as long as the store is open; dropping it releases the directory.
    _lock: DirLock,
}

/// How to open a store.
#[derive(Debug, Clone, Copy)]
pub struct OpenOptions {
    /// sled's page cache.
    pub cache_bytes: u64,
    /// Whether this open is `check --repair`'s.
    pub repair: Repair,
    /// Make the database when `dir` holds none (it must then be missing or
    /// empty). Without it, opening anything but a database is an error: a
    /// mistyped path must not become a new, empty database.
    pub create: bool,
}

impl Default for OpenOptions {
    fn default() -> Self {
        Self {
            cache_bytes: CACHE_BYTES,
            repair: Repair::Off,
            create: false,
        }
    }
}

/// How an open treats damage it can mend only by changing the files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Repair {
    /// Refuse: a log that lost its end or a damaged `conf` is an error.
    Off,
    /// For `check --repair`: copy the files aside first, write a damaged
    /// `conf` anew and take a log that lost its end as it is; but if fewer
    /// users come through than the last clean close counted, put the files
    /// back and refuse.
    Keep,
    /// `check --repair --force`: as `Keep`, keeping whatever comes through.
    Force,
}

/// The sled database and its trees.
struct Engine {
    db: sled::Db,
    users: sled::Tree,
    by_username: sled::Tree,
    by_email: sled::Tree,
    revoked: sled::Tree,
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

/// Flushes `engine`; a failure marks the store for a reopen.
fn flush_engine(
    engine: Result<Arc<Engine>>,
    failed: &AtomicBool,
) -> std::result::Result<(), String> {
    let flushed = flush_db(&engine.map_err(|e| e.to_string())?.db);
    if flushed.is_err() {
        failed.store(true, Ordering::Release);
    }
    flushed
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
    /// Opens (creating if needed, with mode 0700) the database directory `dir`
    /// with the page cache a server keeps.
    pub fn open(dir: &Path) -> Result<Store> {
        Store::open_with(
            dir,
            OpenOptions {
                create: true,
                ..OpenOptions::default()
            },
        )
    }

    /// Opens `dir` as `options` say.
    pub fn open_with(dir: &Path, options: OpenOptions) -> Result<Store> {
        if !is_database(dir) {
            if !options.create {
                return Err(Error::Unavailable(format!(
                    "no usersctl database at {} (`user create` or `users import` makes one, \
                     as does any command given --init)",
                    dir.display()
                )));
            }
            if let Some(stranger) = foreign_entry(dir) {
                return Err(Error::Unavailable(format!(
                    "{} is not a usersctl database and is not empty (it holds {stranger}); \
                     refusing to make a database there",
                    dir.display()
                )));
            }
        }
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
        owner_only(dir)?;
        let lock = DirLock::acquire(dir)?;
        // Only the process holding the database touches its files.
        owner_only_files(dir)?;
        let (engine, recovery) = Engine::open(dir, options)?;
        let store = Store {
            dir: dir.to_owned(),
            engine: RwLock::new(Some(Arc::new(engine))),
            failed: Arc::default(),
            reopening: Mutex::new(None),
            // What a repair mended is sealed at the close, even if nothing
            // else is written.
            dirty: AtomicBool::new(!recovery.repairs.is_empty()),
            generation: AtomicU64::new(0),
            hot: Mutex::default(),
            revoked_any: AtomicBool::new(true),
            users_counted: recovery.users,
            users_added: Default::default(),
            recovery,
            options,
            commit: Arc::default(),
            _lock: lock,
        };
        store.check_schema()?;
        let revoked_any = !store.engine()?.revoked.is_empty();
        store.revoked_any.store(revoked_any, Ordering::Release);
        Ok(store)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Changes whenever the users may have changed (after every write to
    /// them, before it is acknowledged).
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    fn changed(&self) {
        self.forget(&[]);
    }

    /// After a write is committed: drops the records of `ids` from memory,
    /// and moves the generation on.
    fn forget(&self, ids: &[Uuid]) {
        let mut hot = self.hot();
        for id in ids {
            hot.remove(id);
        }
        self.generation.fetch_add(1, Ordering::AcqRel);
    }

    fn hot(&self) -> std::sync::MutexGuard<'_, HashMap<Uuid, sled::IVec>> {
        self.hot.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The stored record of `id`, from memory if it was read lately.
    fn record(&self, engine: &Engine, id: Uuid) -> Result<Option<sled::IVec>> {
        if let Some(raw) = self.hot().get(&id) {
            return Ok(Some(raw.clone()));
        }
        let seen = self.generation();
        let raw = engine.users.get(id.as_bytes()).map_err(storage)?;
        if let Some(raw) = &raw {
            let mut hot = self.hot();
            // A write committed since the read may have dropped this record
            // from memory already: then what was read stays out.
            if self.generation() == seen {
                if hot.len() >= HOT_RECORDS {
                    hot.clear();
                }
                hot.insert(id, raw.clone());
            }
        }
        Ok(raw)
    }

    /// The open database, for a read.
    fn engine(&self) -> Result<Arc<Engine>> {
        match &*self.engine.read().unwrap_or_else(|p| p.into_inner()) {
            Some(engine) => Ok(engine.clone()),
            None => Err(Error::Unavailable(format!(
                "the database at {} is being reopened after a write failure (a full disk?); \
                 it is retried every second once the disk has room",
                self.dir.display()
            ))),
        }
    }

    /// The open database, for a write: reopened first if an I/O error
    /// left it refusing writes.
    fn writer(&self) -> Result<Arc<Engine>> {
        self.recover();
        self.dirty.store(true, Ordering::Relaxed);
        self.engine()
    }

    /// A sled error as ours; an I/O error marks the store for a reopen.
    fn fail(&self, e: sled::Error) -> Error {
        if matches!(e, sled::Error::Io(_)) {
            self.failed.store(true, Ordering::Release);
        }
        storage(e)
    }

    /// After an I/O error (a full disk) sled refuses every write until it is
    /// opened again. Once the disk has room, at most once a second, this
    /// closes and reopens it, and the store writes again without a restart.
    fn recover(&self) {
        if !self.failed.load(Ordering::Acquire) {
            return;
        }
        let Ok(mut last) = self.reopening.try_lock() else {
            return; // another thread is at it
        };
        if last.is_some_and(|at| at.elapsed() < REOPEN_INTERVAL)
            || free_bytes(&self.dir) < REOPEN_MIN_FREE
        {
            return;
        }
        *last = Some(Instant::now());
        let Some(old) = self
            .engine
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .take()
        else {
            return self.reopen();
        };
        // sled holds the log locked until its last handle is gone.
        match sole(old, Duration::from_secs(2)) {
            Ok(old) => {
                drop(old);
                self.reopen();
            }
            Err(old) => *self.engine.write().unwrap_or_else(|p| p.into_inner()) = Some(old),
        }
    }

    fn reopen(&self) {
        match Engine::open(&self.dir, self.options) {
            Ok((engine, _)) => {
                *self.engine.write().unwrap_or_else(|p| p.into_inner()) = Some(Arc::new(engine));
                self.hot().clear();
                self.revoked_any.store(true, Ordering::Release);
                self.changed();
                self.failed.store(false, Ordering::Release);
                self.commit.lock().outcome = Ok(());
                tracing::info!("database reopened after a write failure; writes resume");
            }
            Err(e) => tracing::warn!("cannot reopen the database after a write failure: {e}"),
        }
    }

    fn check_schema(&self) -> Result<()> {
        let engine = self.engine()?;
        match engine.db.get(SCHEMA_KEY).map_err(storage)? {
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
                self.dirty.store(true, Ordering::Relaxed);
                engine
                    .db
                    .insert(SCHEMA_KEY, &SCHEMA_VERSION.to_be_bytes())
                    .map_err(|e| self.fail(e))?;
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
                round.end(self.flush_now());
                state = commit.lock();
                continue;
            }
            state = commit.done.wait(state).unwrap_or_else(|p| p.into_inner());
        }
    }

    fn flush_now(&self) -> std::result::Result<(), String> {
        flush_engine(self.engine(), &self.failed)
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
                    let (engine, failed) = (self.engine(), self.failed.clone());
                    let _ = tokio::task::spawn_blocking(move || {
                        round.end(flush_engine(engine, &failed));
                    })
                    .await;
                }
                Step::Wait(mut round) => {
                    let _ = round.changed().await;
                }
            }
        }
    }

    /// Whether the database answers a read, and can write: its last flush
    /// succeeded and no I/O error is waiting for a reopen (a store that
    /// cannot write, say on a full disk, is not healthy).
    pub fn health(&self) -> Result<()> {
        self.recover();
        let engine = self.engine()?;
        engine.db.get(SCHEMA_KEY).map_err(storage)?;
        if self.failed.load(Ordering::Acquire) {
            return Err(Error::Unavailable(
                "the database cannot write (a disk error or a full disk); it is reopened once \
                 the disk has room"
                    .to_owned(),
            ));
        }
        self.commit
            .lock()
            .outcome
            .clone()
            .map_err(Error::Unavailable)
    }

    pub fn get(&self, user: &UserRef) -> Result<Option<Account>> {
        let engine = self.engine()?;
        self.lookup(&engine, user)?
            .map(|(id, raw)| decode(id, &raw))
            .transpose()
    }

    /// The id and stored bytes of the user `user` names.
    fn lookup(&self, engine: &Engine, user: &UserRef) -> Result<Option<(Uuid, sled::IVec)>> {
        let id = match user {
            UserRef::Id(id) => *id,
            UserRef::Username(name) => {
                match engine.by_username.get(name.as_str()).map_err(storage)? {
                    Some(id) => decode_id(&id)?,
                    None => return Ok(None),
                }
            }
            UserRef::Email(email) => match engine.by_email.get(email.key()).map_err(storage)? {
                Some(id) => decode_id(&id)?,
                None => return Ok(None),
            },
        };
        Ok(self.record(engine, id)?.map(|raw| (id, raw)))
    }

    /// Inserts a new account; `Conflict` if its username or email is taken.
    pub fn insert(&self, account: &Account) -> Result<()> {
        let value = encode(account)?;
        self.transaction(|t| {
            claim_indexes(t, account, None)?;
            t.users
                .insert(account.user.id.as_bytes().as_slice(), value.as_slice())?;
            Ok(())
        })?;
        self.users_added.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    /// Inserts many new accounts in one transaction. Each outcome says whether
    /// its account was stored or why not (its id, username or email taken);
    /// the others are stored all the same. An account marked `fresh` has an
    /// id just made (a v7 UUID, 74 random bits), which no stored user can
    /// have: it is not looked for.
    pub fn insert_many(&self, accounts: &[Account], fresh: &[bool]) -> Result<Vec<Result<()>>> {
        let values = accounts.iter().map(encode).collect::<Result<Vec<_>>>()?;
        self.transaction(|t| {
            let mut outcomes = Vec::with_capacity(accounts.len());
            for (i, (account, value)) in accounts.iter().zip(&values).enumerate() {
                let id = account.user.id.as_bytes().as_slice();
                let known = !fresh.get(i).copied().unwrap_or(false);
                let taken = if known && t.users.get(id)?.is_some() {
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
        .inspect(|outcomes| {
            let stored = outcomes.iter().filter(|o| o.is_ok()).count();
            self.users_added.fetch_add(stored as i64, Ordering::Relaxed);
        })
    }

    /// Replaces the account named by `user` with `change(current)`, keeping the
    /// indexes in step. `change` may run more than once and must be pure.
    ///
    /// A change that leaves the username and email alone (most of them: a
    /// name, a login time, a password) is one compare-and-swap of the record
    /// against the bytes it was computed from, retried if another write got
    /// there first. A sled transaction would hold sled's global lock, which
    /// every other read and write in the process waits for.
    pub fn update<F>(&self, user: &UserRef, change: F) -> Result<Account>
    where
        F: Fn(&Account) -> Result<Account>,
    {
        let engine = self.writer()?;
        for _ in 0..SWAP_ATTEMPTS {
            let Some((id, raw)) = self.lookup(&engine, user)? else {
                return Err(Error::NotFound(format!("user {user} not found")));
            };
            let current = decode(id, &raw)?;
            if !user.names(&current.user) {
                continue; // renamed since its index entry was read
            }
            let next = change(&current)?;
            if next.user.id != id
                || next.user.username != current.user.username
                || next.user.email.key() != current.user.email.key()
            {
                break; // the indexes change too: a transaction
            }
            let swapped = engine
                .users
                .compare_and_swap(id.as_bytes(), Some(raw), Some(encode(&next)?))
                .map_err(|e| self.fail(e))?;
            if swapped.is_ok() {
                self.forget(&[id]);
                return Ok(next);
            }
        }
        let updated = self.transaction(|t| {
            let Some(current) = t.resolve(user)? else {
                return abort(Error::NotFound(format!("user {user} not found")));
            };
            let next = change(&current).map_err(ConflictableTransactionError::Abort)?;
            claim_indexes(t, &next, Some(&current))?;
            let value = encode(&next).map_err(ConflictableTransactionError::Abort)?;
            t.users.insert(next.user.id.as_bytes().as_slice(), value)?;
            Ok(next)
        })?;
        self.forget(&[updated.user.id]);
        Ok(updated)
    }

    /// Deletes the named accounts in one transaction; each outcome is the deleted
    /// account, or `None` when no such user existed. Every name is resolved before
    /// anything is removed, so two names of one user (its username and its email)
    /// both find it, in a real run as in a dry run.
    pub fn delete_many(&self, users: &[UserRef], dry_run: bool) -> Result<Vec<Option<Account>>> {
        let outcomes = self.transaction(|t| {
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
        })?;
        let mut deleted: Vec<Uuid> = outcomes.iter().flatten().map(|a| a.user.id).collect();
        if !dry_run {
            deleted.sort_unstable();
            deleted.dedup();
            self.users_added
                .fetch_sub(deleted.len() as i64, Ordering::Relaxed);
        }
        self.forget(&deleted);
        Ok(outcomes)
    }

    /// Users in id order (creation order), starting after `after`.
    pub fn scan(&self, after: Option<Uuid>) -> impl Iterator<Item = Result<Account>> + '_ {
        let (range, refused) = match self.engine() {
            Ok(engine) => {
                let range = match after {
                    Some(id) => engine.users.range(id.as_bytes().to_vec()..),
                    None => engine.users.iter(),
                };
                // The engine stays counted as in use for as long as the scan runs.
                (Some((engine, range)), None)
            }
            Err(e) => (None, Some(Err(e))),
        };
        refused
            .into_iter()
            .chain(range.into_iter().flat_map(move |(engine, range)| {
                range
                    .skip_while(move |item| match (after, item) {
                        (Some(id), Ok((key, _))) => key.as_ref() == id.as_bytes(),
                        _ => false,
                    })
                    .map(move |item| {
                        let _held = &engine;
                        let (key, raw) = item.map_err(storage)?;
                        decode(key_id(&key)?, &raw)
                    })
            }))
    }

    /// Verifies that every record has its index entries, every index entry
    /// points at a record that has that name, and every stored hash parses.
    /// With `repair`, the indexes are rebuilt from the records first.
    pub fn check(&self, repair: bool) -> Result<CheckReport> {
        let mut report = CheckReport {
            repaired: repair,
            ..CheckReport::default()
        };
        report.repairs.extend(self.recovery.repairs.iter().cloned());
        report.users_before = self.recovery.users_before;
        report.copy = self.recovery.copy.as_ref().map(|p| p.display().to_string());
        if repair {
            self.rebuild_indexes(&mut report)?;
        }
        let engine = self.engine()?;
        for item in engine.users.iter() {
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
            match engine
                .by_username
                .get(u.username.as_str())
                .map_err(storage)?
            {
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
            match engine.by_email.get(u.email.key()).map_err(storage)? {
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
        for (tree, kind) in [
            (&engine.by_username, "username"),
            (&engine.by_email, "email"),
        ] {
            for item in tree.iter() {
                let (name, id) = item.map_err(storage)?;
                let name = String::from_utf8_lossy(&name).into_owned();
                let owner = match (engine.users.get(&id).map_err(storage)?, key_id(&id)) {
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
        let engine = self.writer()?;
        let _changed = defer(|| self.changed());
        engine.by_username.clear().map_err(|e| self.fail(e))?;
        engine.by_email.clear().map_err(|e| self.fail(e))?;
        for item in engine.users.iter() {
            let (key, raw) = item.map_err(storage)?;
            let Ok(account) = key_id(&key).and_then(|id| decode(id, &raw)) else {
                continue;
            };
            let u = &account.user;
            let claimed = engine
                .by_username
                .compare_and_swap(
                    u.username.as_str(),
                    None as Option<&[u8]>,
                    Some(key.as_ref()),
                )
                .map_err(|e| self.fail(e))?;
            if claimed.is_err() {
                report.problem(
                    "duplicate_username",
                    format!(
                        "users share username {}; {} left without it",
                        u.username, u.id
                    ),
                );
            }
            let claimed = engine
                .by_email
                .compare_and_swap(u.email.key(), None as Option<&[u8]>, Some(key.as_ref()))
                .map_err(|e| self.fail(e))?;
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
        let engine = self.writer()?;
        self.revoked_any.store(true, Ordering::Release);
        engine
            .revoked
            .insert(jti.as_bytes(), &expires_at.to_be_bytes())
            .map_err(|e| self.fail(e))?;
        // Forget revoked ids whose tokens have expired anyway.
        let now = crate::domain::Timestamp::now().unix_seconds();
        for item in engine.revoked.iter() {
            let (key, value) = item.map_err(storage)?;
            let exp = <[u8; 8]>::try_from(value.as_ref())
                .map(u64::from_be_bytes)
                .unwrap_or(0);
            if exp < now {
                engine.revoked.remove(key).map_err(|e| self.fail(e))?;
            }
        }
        Ok(())
    }

    pub fn is_revoked(&self, jti: &str) -> Result<bool> {
        if !self.revoked_any.load(Ordering::Acquire) {
            return Ok(false);
        }
        self.engine()?
            .revoked
            .contains_key(jti.as_bytes())
            .map_err(storage)
    }

    fn transaction<T>(
        &self,
        body: impl Fn(&Tx<'_>) -> std::result::Result<T, ConflictableTransactionError<Error>>,
    ) -> Result<T> {
        let engine = self.writer()?;
        // Bumped on the way out whatever happened: a transaction that failed
        // halfway may still have changed something.
        let _changed = defer(|| self.changed());
        (&engine.users, &engine.by_username, &engine.by_email)
            .transaction(|(users, by_username, by_email)| {
                body(&Tx {
                    users,
                    by_username,
                    by_email,
                })
            })
            .map_err(|e| match e {
                TransactionError::Abort(e) => e,
                TransactionError::Storage(e) => self.fail(e),
            })
    }

    /// Every user's export line (`codec::export_line`), in id order, handed to
    /// `batch` `lines` at a time in a buffer that `batch` empties or replaces.
    /// Returns how many users there were.
    pub fn export_lines(
        &self,
        lines: u64,
        mut batch: impl FnMut(&mut Vec<u8>) -> Result<()>,
    ) -> Result<u64> {
        let engine = self.engine()?;
        let (mut buf, mut count) = (Vec::new(), 0);
        for item in engine.users.iter() {
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

impl Engine {
    /// Opens sled in `dir/sled`, guarding against what its recovery does to a
    /// damaged log (see `seal`): the log is copied first unless it is exactly
    /// as the last clean close left it, and put back if the open fails. A
    /// log that lost its end is refused, as is a damaged `conf`, unless the
    /// open is a repair (see `Repair`).
    fn open(dir: &Path, options: OpenOptions) -> Result<(Engine, Recovery)> {
        let sled_dir = dir.join("sled");
        remove_unfinished_snapshots(&sled_dir);
        if let Some(backup) = seal::Backup::leftover(dir) {
            // An earlier open died halfway: start again from the files as
            // they were before it.
            backup.restore().map_err(|e| {
                Error::Unavailable(format!(
                    "cannot put back the copy of the log in {} left by an interrupted open: {e}",
                    dir.join(seal::BACKUP_DIR).display()
                ))
            })?;
        }
        let repairing = options.repair != Repair::Off;
        let conf_damaged = seal::conf_damaged(&sled_dir);
        if conf_damaged && !repairing {
            return Err(Error::Unavailable(format!(
                "cannot open database at {}: sled's settings file {} is damaged; \
                 `usersctl check --repair` writes it anew (it holds sled's settings, no users)",
                dir.display(),
                sled_dir.join("conf").display()
            )));
        }
        let sealed = seal::read(dir);
        let untouched = sealed
            .as_ref()
            .and_then(|s| s.log.as_ref())
            .is_some_and(|log| Some(log) == seal::stamp(&sled_dir).as_ref());
        let fresh = !sled_dir.join("db").exists();
        let mut recovery = Recovery {
            users: match fresh {
                true => Some(0),
                false => sealed.as_ref().and_then(|s| s.current_users(&sled_dir)),
            },
            ..Recovery::default()
        };
        let backup = if fresh || (untouched && !repairing) {
            None
        } else {
            match seal::Backup::take(dir) {
                Ok(backup) => Some(backup),
                // A repair changes the files: it never runs without a copy.
                Err(e) if repairing => {
                    return Err(Error::Unavailable(format!(
                        "cannot copy the database files before repairing them ({e}); \
                         nothing was changed"
                    )));
                }
                Err(e) => {
                    tracing::warn!(
                        "cannot copy the log before opening it ({e}); opening it without a copy"
                    );
                    None
                }
            }
        };
        let undo = |backup: Option<seal::Backup>, e: Error| -> Error {
            match backup.map(seal::Backup::restore) {
                Some(Err(restore)) => Error::Unavailable(format!(
                    "{e}; and the copy of the log taken before the open could not be put back \
                     ({restore}): it is in {}",
                    dir.join(seal::BACKUP_DIR).display()
                )),
                _ => e,
            }
        };
        if conf_damaged {
            if let Err(e) = seal::rewrite_conf(&sled_dir) {
                return Err(undo(
                    backup,
                    Error::Unavailable(format!("cannot write sled's settings file anew: {e}")),
                ));
            }
            recovery.repairs.push(Problem {
                kind: "damaged_conf".to_owned(),
                detail: "sled's settings file could not be read; it was written anew (it holds \
                         no users)"
                    .to_owned(),
            });
        }
        let opened = sled::Config::new()
            .path(&sled_dir)
            .cache_capacity(options.cache_bytes)
            .mode(sled::Mode::HighThroughput)
            .open()
            .and_then(|db| {
                let tree = |name: &str| db.open_tree(name);
                Ok(Engine {
                    users: tree("users")?,
                    by_username: tree("by_username")?,
                    by_email: tree("by_email")?,
                    revoked: tree("revoked_tokens")?,
                    db,
                })
            })
            .and_then(|engine| {
                let seal = engine.db.get(SEAL_KEY)?;
                Ok((engine, seal))
            });
        let (engine, found) = match opened {
            Ok(opened) => opened,
            Err(e) => return Err(undo(backup, open_error(dir, e))),
        };
        let found = found.map(|raw| String::from_utf8_lossy(&raw).into_owned());
        let truncated = sealed
            .as_ref()
            .is_some_and(|s| !s.accepts(found.as_deref()));
        if truncated && !repairing {
            drop(engine);
            return Err(undo(
                backup,
                Error::Unavailable(format!(
                    "the database at {} is damaged: its log ends before the end of its last clean \
                     shutdown, so the users written last are missing; restore the directory from \
                     a backup, or run `usersctl check --repair` to keep what the log still holds",
                    dir.display()
                )),
            ));
        }
        if truncated {
            recovery.repairs.push(Problem {
                kind: "truncated_log".to_owned(),
                detail: "the log ended before the end of its last clean shutdown, so the users \
                         written last are missing; what it still holds is kept"
                    .to_owned(),
            });
        }
        if !repairing {
            if let Some(backup) = backup {
                backup.discard();
            }
            return Ok((engine, recovery));
        }
        // A repair keeps what sled could read only if that is every user the
        // last clean close counted, or it is told to.
        let before = sealed.as_ref().and_then(|s| s.users);
        let after = engine.users.len() as u64;
        if let Some(before) = before.filter(|&b| after < b && options.repair != Repair::Force) {
            drop(engine);
            return Err(undo(
                backup,
                Error::Unavailable(format!(
                    "the database at {} is damaged, and repairing it would keep {after} of the \
                     {before} users it held at its last clean shutdown, so nothing was changed; \
                     restore the directory from a backup, or run `usersctl check --repair \
                     --force` to keep the {after} (a copy of the files as they are now is kept)",
                    dir.display()
                )),
            ));
        }
        let kept = match backup {
            Some(backup) => match backup.keep(&kept_name(dir)) {
                Ok(kept) => Some(kept),
                Err(e) => {
                    drop(engine);
                    let backup = seal::Backup::leftover(dir);
                    return Err(undo(
                        backup,
                        Error::Unavailable(format!(
                            "cannot keep the copy of the database files ({e}); nothing was \
                                 changed"
                        )),
                    ));
                }
            },
            None => None,
        };
        recovery.users = Some(after);
        recovery.users_before = before;
        recovery.copy = kept;
        Ok((engine, recovery))
    }
}

/// What opening the database found and mended, for `check` to report.
#[derive(Debug, Default)]
struct Recovery {
    /// The users the database holds, when known without counting them.
    users: Option<u64>,
    /// A repair's: the users counted at the last clean close.
    users_before: Option<u64>,
    /// A repair's: where the files as they were before it are kept.
    copy: Option<PathBuf>,
    /// Damage mended on the way in.
    repairs: Vec<Problem>,
}

/// A name in `dir` for the copy a repair keeps, free and telling when it was
/// taken: `sled.before-repair-20261202T145301Z`, with `-2`, `-3`… after
/// repeats within a second.
fn kept_name(dir: &Path) -> String {
    let now = crate::domain::Timestamp::now().to_string();
    let stamp: String = now
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == 'T')
        .take(15)
        .collect();
    let base = format!("sled.before-repair-{stamp}Z");
    (1..)
        .map(|n| match n {
            1 => base.clone(),
            n => format!("{base}-{n}"),
        })
        .find(|name| !dir.join(name).exists())
        .unwrap_or(base)
}

impl Drop for Store {
    /// A clean close: after a session that wrote, a fresh seal goes into the
    /// database last, and beside it (see `seal`); either way the log's stamp
    /// is recorded, so the next open can skip copying it.
    fn drop(&mut self) {
        let Some(engine) = self
            .engine
            .get_mut()
            .unwrap_or_else(|p| p.into_inner())
            .take()
        else {
            return;
        };
        if self.failed.load(Ordering::Acquire) {
            return;
        }
        let Ok(engine) = sole(engine, Duration::from_secs(1)) else {
            return;
        };
        let dirty = self.dirty.load(Ordering::Relaxed);
        let counted = match self.users_counted {
            Some(n) => Some(n.saturating_add_signed(self.users_added.load(Ordering::Relaxed))),
            // Not known since a crash (or a build that did not count): a
            // close after writes counts them once, so that a repair has a
            // figure to hold its result to. One that only read leaves the
            // last count as it was.
            None if dirty => Some(engine.users.len() as u64),
            None => None,
        };
        let previous = seal::read(&self.dir);
        let mut next = previous.clone().unwrap_or_default();
        if dirty || previous.is_none() {
            let fresh = seal::fresh();
            next = seal::SealFile {
                seal: previous.as_ref().and_then(|p| p.seal.clone()),
                pending: Some(fresh.clone()),
                log: None,
                ..previous.clone().unwrap_or_default()
            };
            if seal::write(&self.dir, &next, true).is_err() {
                return;
            }
            let sealed = engine
                .db
                .insert(SEAL_KEY, fresh.as_bytes())
                .map_err(storage)
                .and_then(|_| flush_db(&engine.db).map_err(Error::Unavailable));
            if sealed.is_err() {
                return;
            }
            next = seal::SealFile {
                seal: Some(fresh),
                pending: None,
                ..next
            };
        }
        drop(engine);
        next.log = seal::stamp(&self.dir.join("sled"));
        if counted.is_some() {
            next.users = counted;
            next.users_log = next.log.clone();
        }
        if Some(&next) != previous.as_ref() {
            let _ = seal::write(&self.dir, &next, dirty);
        }
    }
}

/// What `check` found.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct CheckReport {
    pub users: u64,
    pub problems: Vec<Problem>,
    pub repaired: bool,
    /// Damage `--repair` mended that the rebuilt indexes do not show.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub repairs: Vec<Problem>,
    /// A repair's: the users the database held at its last clean shutdown,
    /// when that close counted them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub users_before: Option<u64>,
    /// A repair's: where the database files as they were before it are kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copy: Option<String>,
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

/// The engine itself once every other handle to it (reads and flushes under
/// way) is gone; the handle back if some remain after `within`.
fn sole(engine: Arc<Engine>, within: Duration) -> std::result::Result<Engine, Arc<Engine>> {
    let deadline = Instant::now() + within;
    let mut engine = engine;
    loop {
        match Arc::try_unwrap(engine) {
            Ok(engine) => return Ok(engine),
            Err(shared) if Instant::now() >= deadline => return Err(shared),
            Err(shared) => {
                engine = shared;
                std::thread::sleep(Duration::from_millis(5));
            }
        }
    }
}

/// Runs `f` when dropped.
fn defer(f: impl FnOnce()) -> impl Drop {
    struct Defer<F: FnOnce()>(Option<F>);
    impl<F: FnOnce()> Drop for Defer<F> {
        fn drop(&mut self) {
            if let Some(f) = self.0.take() {
                f();
            }
        }
    }
    Defer(Some(f))
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

/// Free space on the file system holding `dir`, for unprivileged writers.
fn free_bytes(dir: &Path) -> u64 {
    rustix::fs::statvfs(dir)
        .map(|s| s.f_bavail.saturating_mul(s.f_frsize))
        .unwrap_or(u64::MAX)
}

/// An I/O error as a person reads it ("No space left on device"), not as a
/// debug dump.
fn io_reason(io: &std::io::Error) -> String {
    match io.raw_os_error() {
        Some(code) => std::io::Error::from_raw_os_error(code).to_string(),
        None => io.to_string(),
    }
}

/// Keeps the database to its owner: a directory that is not ours is refused,
/// and one others may enter (what `mkdir` or systemd's `StateDirectory=`
/// make) is made owner-only, with a warning.
fn owner_only(dir: &Path) -> Result<()> {
    use std::os::unix::fs::MetadataExt;
    let me = rustix::process::geteuid().as_raw();
    let meta = std::fs::metadata(dir).map_err(|e| {
        Error::Unavailable(format!(
            "cannot read database directory {}: {e}",
            dir.display()
        ))
    })?;
    if meta.uid() != me {
        return Err(Error::Unavailable(format!(
            "database directory {} belongs to uid {}, not to you (uid {me}); run usersctl as its owner",
            dir.display(),
            meta.uid()
        )));
    }
    if let Some(was) = tighten(dir, &meta)? {
        crate::warn(&format!(
            "others could enter the database directory; made it owner-only: {} (was {was:o})",
            dir.display()
        ));
    }
    Ok(())
}

/// Makes the database's files owner-only where an older version (or a copy
/// made without care) left them open to others, with a warning. Not the
/// token secret, which is refused instead when others could read it (it may
/// have leaked), nor the server's socket, whose mode is checked before it is
/// trusted.
fn owner_only_files(dir: &Path) -> Result<()> {
    let mut tightened = Vec::new();
    // The database's own files: two levels down (sled's blobs) is all there is.
    let mut pending = vec![(dir.to_path_buf(), 0)];
    while let Some((at, depth)) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&at) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            if depth == 0
                && (name == crate::token::SECRET_FILE || name == crate::socket::SOCKET_FILE)
            {
                continue;
            }
            let path = entry.path();
            let Ok(meta) = std::fs::symlink_metadata(&path) else {
                continue;
            };
            if let Some(was) = tighten(&path, &meta)? {
                tightened.push(format!("{} (was {was:o})", path.display()));
            }
            if meta.is_dir() && depth < 2 {
                pending.push((path, depth + 1));
            }
        }
    }
    if !tightened.is_empty() {
        crate::warn(&format!(
            "others could read files of the database; made them owner-only: {}",
            tightened.join(", ")
        ));
    }
    Ok(())
}

/// Takes the group's and others' permissions off `path`; returns the mode it
/// had when there were any.
fn tighten(path: &Path, meta: &std::fs::Metadata) -> Result<Option<u32>> {
    use std::os::unix::fs::PermissionsExt;
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o077 == 0 || meta.file_type().is_symlink() {
        return Ok(None);
    }
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode & 0o700)).map_err(|e| {
        Error::Unavailable(format!(
            "{} is open to others (mode {mode:o}) and cannot be made owner-only: {e}",
            path.display()
        ))
    })?;
    Ok(Some(mode))
}

/// Whether `dir` holds a database (or what an interrupted open of one left).
fn is_database(dir: &Path) -> bool {
    let exists = |name: &str| dir.join(name).symlink_metadata().is_ok();
    exists("sled") || exists(seal::BACKUP_DIR)
}

/// Names a file in `dir` that a database of ours would not hold, if any.
fn foreign_entry(dir: &Path) -> Option<String> {
    const OURS: [&str; 6] = [
        "lock",
        seal::SEAL_FILE,
        ".seal.tmp",
        seal::BACKUP_TMP,
        crate::socket::SOCKET_FILE,
        crate::token::SECRET_FILE,
    ];
    let entries = std::fs::read_dir(dir).ok()?;
    entries.flatten().find_map(|entry| {
        let name = entry.file_name().to_string_lossy().into_owned();
        (!OURS.contains(&name.as_str())).then_some(name)
    })
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
    use crate::domain::{DisplayName, Email, Role, Timestamp, User, Username};

    fn account(name: &str) -> Account {
        let now = Timestamp::now();
        Account {
            tokens_after: None,
            user: User {
                id: Uuid::now_v7(),
                username: Username::parse(name).unwrap(),
                email: Email::parse(&format!("{name}@example.com")).unwrap(),
                name: None,
                role: Role::User,
                blocked: false,
                block_reason: None,
                must_change_password: false,
                attributes: Default::default(),
                created_at: now,
                updated_at: now,
                password_changed_at: now,
                last_login_at: None,
            },
            password_hash: "$argon2id$v=19$m=19456,t=2,p=1$J8XifSmYz0bEP+4j6xDOkQ$wzhqIZ8P8+HSoD4U92ViaXg/xNnaaSM2BWfPGps+FYM"
                .to_owned(),
        }
    }

    fn counter(a: &Account) -> u32 {
        a.user
            .name
            .as_ref()
            .map_or(0, |n| n.as_str().parse().unwrap())
    }

    #[test]
    fn a_clean_close_records_how_many_users_there_are() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("db");
        let store = Store::open(&db).unwrap();
        let (alice, bob) = (account("alice"), account("bob"));
        store.insert(&alice).unwrap();
        let twin = Account {
            user: User {
                id: Uuid::now_v7(),
                ..alice.user.clone()
            },
            ..alice.clone()
        };
        let outcomes = store
            .insert_many(&[bob.clone(), twin, account("carol")], &[true; 3])
            .unwrap();
        assert_eq!(outcomes.iter().filter(|o| o.is_ok()).count(), 2);
        // One user named twice is one user deleted; a dry run deletes none.
        let alice_twice = [
            UserRef::Id(alice.user.id),
            UserRef::Username(alice.user.username.clone()),
        ];
        store
            .delete_many(&[UserRef::Id(bob.user.id)], true)
            .unwrap();
        store.delete_many(&alice_twice, false).unwrap();
        drop(store);
        assert_eq!(seal::read(&db).unwrap().users, Some(2));

        // Counted again at a close after writes when the count went stale
        // (here: the log changed behind the seal's back).
        let mut stale = seal::read(&db).unwrap();
        stale.users = Some(7);
        stale.users_log = None;
        seal::write(&db, &stale, true).unwrap();
        let store = Store::open(&db).unwrap();
        drop(store);
        assert_eq!(
            seal::read(&db).unwrap().users,
            Some(7),
            "a close that only read counted"
        );
        let store = Store::open(&db).unwrap();
        store.insert(&account("dave")).unwrap();
        drop(store);
        assert_eq!(seal::read(&db).unwrap().users, Some(3));
    }

    #[test]
    fn concurrent_updates_lose_nothing_and_renames_keep_the_indexes() {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(Store::open(&dir.path().join("db")).unwrap());
        let alice = account("alice");
        store.insert(&alice).unwrap();
        let id = UserRef::Id(alice.user.id);
        let threads: Vec<_> = (0..8)
            .map(|t| {
                let (store, id) = (store.clone(), id.clone());
                std::thread::spawn(move || {
                    for i in 0..200 {
                        // Counts up through the name (a swap), and every so
                        // often renames (a transaction) under the swaps' feet.
                        store
                            .update(&id, |a| {
                                let mut next = a.clone();
                                next.user.name = Some(
                                    DisplayName::parse(&(counter(a) + 1).to_string()).unwrap(),
                                );
                                if t == 0 && i % 20 == 0 {
                                    next.user.username =
                                        Username::parse(&format!("alice{i}")).unwrap();
                                }
                                Ok(next)
                            })
                            .unwrap();
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        let after = store.get(&id).unwrap().unwrap();
        assert_eq!(counter(&after), 1600, "updates were lost");
        assert_eq!(after.user.username.as_str(), "alice180");
        let report = store.check(false).unwrap();
        assert!(report.problems.is_empty(), "{:?}", report.problems);
        assert!(
            store
                .get(&UserRef::Username(Username::parse("alice").unwrap()))
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn records_read_lately_never_outlive_a_write() {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(Store::open(&dir.path().join("db")).unwrap());
        let alice = account("alice");
        store.insert(&alice).unwrap();
        let id = UserRef::Id(alice.user.id);
        let by_name = UserRef::Username(Username::parse("alice").unwrap());
        assert_eq!(counter(&store.get(&id).unwrap().unwrap()), 0);
        // Readers keep the record in memory while a writer counts up; each
        // read after a write returns must see that write or a later one.
        let stop = Arc::new(AtomicBool::new(false));
        let readers: Vec<_> = (0..3)
            .map(|_| {
                let (store, id, stop) = (store.clone(), id.clone(), stop.clone());
                std::thread::spawn(move || {
                    while !stop.load(Ordering::Relaxed) {
                        store.get(&id).unwrap().unwrap();
                    }
                })
            })
            .collect();
        for n in 1..=300 {
            store
                .update(&id, |a| {
                    let mut next = a.clone();
                    next.user.name = Some(DisplayName::parse(&n.to_string()).unwrap());
                    Ok(next)
                })
                .unwrap();
            assert_eq!(counter(&store.get(&by_name).unwrap().unwrap()), n);
        }
        stop.store(true, Ordering::Relaxed);
        for r in readers {
            r.join().unwrap();
        }
        store.delete_many(std::slice::from_ref(&id), false).unwrap();
        assert!(store.get(&id).unwrap().is_none(), "a deleted user was read");
        assert!(store.get(&by_name).unwrap().is_none());
    }

    #[test]
    fn an_update_by_a_name_given_up_meanwhile_is_not_found() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("db")).unwrap();
        let alice = account("alice");
        store.insert(&alice).unwrap();
        let by_name = UserRef::Username(Username::parse("alice").unwrap());
        store
            .update(&by_name, |a| {
                let mut next = a.clone();
                next.user.username = Username::parse("alicia").unwrap();
                Ok(next)
            })
            .unwrap();
        let gone = store.update(&by_name, |a| Ok(a.clone())).unwrap_err();
        assert!(matches!(gone, Error::NotFound(_)), "{gone:?}");
    }

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
