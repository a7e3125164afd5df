//! The embedded sled store. Users are kept once, by id, with unique username and
//! email indexes updated in the same transaction as the record, so no crash or
//! race can leave an index and a record disagreeing. Nothing outside this module
//! names a sled type.

mod audit;
mod check;
mod check_groups;
mod codec;
mod commit;
mod files;
mod groups;
mod keys;
mod lock;
mod open;
mod seal;
mod select;
mod store;
#[cfg(test)]
mod tests;
mod tx;

use std::collections::HashMap;
use std::fs::DirBuilder;
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use uuid::Uuid;

use self::commit::{GroupCommit, flush_db};
use self::files::{foreign_entry, is_database, owner_only, owner_only_files};
use self::open::Recovery;
use crate::domain::UserRef;
use crate::store::{Holder, Result, StoreError as Error};

pub use lock::DirLock;

/// The on-disk layout version this build reads and writes.
/// 2: the selection indexes (`select`), built when a version 1 database opens.
/// 3: groups (`groups`); an older database has none, and older builds would
/// leave a deleted user's memberships behind.
pub const SCHEMA_VERSION: u32 = 3;
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
/// Token holders kept in memory by `cached_holder`.
const HOLDERS_CAPACITY: usize = 4096;

pub struct SledStore {
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
    /// The token holders read lately, each as of a generation: a client's
    /// every request names its own user, and looking it up again was a
    /// tenth of a read's cost.
    holders: Mutex<HashMap<Uuid, (u64, Holder)>>,
    /// Whether any token has been revoked: until one is, checking a token
    /// needs no lookup.
    revoked_any: AtomicBool,
    /// Failed logins, counted in memory: only this process logs in here.
    throttle: crate::throttle::LoginThrottle,
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
    /// The recycle bin: deleted accounts by id (see `store::bin_value`).
    bin: sled::Tree,
    /// The audit trail: records by number (see `audit`).
    audit: sled::Tree,
    /// Users whose creation time is not their id's, by creation time, and
    /// logins by time (see `select`).
    irregular: sled::Tree,
    logins: sled::Tree,
    /// Groups by id and by name, and memberships (see `groups`).
    groups: sled::Tree,
    members: sled::Tree,
    /// API keys by id and by name (see `keys`).
    keys: sled::Tree,
    /// The chain's last record, held by every write while it changes
    /// anything: one writer at a time appends.
    head: Mutex<crate::domain::audit::ChainHead>,
}

impl SledStore {
    /// Opens (creating if needed, with mode 0700) the database directory `dir`
    /// with the page cache a server keeps.
    pub fn open(dir: &Path) -> Result<SledStore> {
        SledStore::open_with(
            dir,
            OpenOptions {
                create: true,
                ..OpenOptions::default()
            },
        )
    }

    /// Opens `dir` as `options` say.
    pub fn open_with(dir: &Path, options: OpenOptions) -> Result<SledStore> {
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
        let store = SledStore {
            dir: dir.to_owned(),
            engine: RwLock::new(Some(Arc::new(engine))),
            failed: Arc::default(),
            reopening: Mutex::new(None),
            // What a repair mended is sealed at the close, even if nothing
            // else is written.
            dirty: AtomicBool::new(!recovery.repairs.is_empty()),
            generation: AtomicU64::new(0),
            hot: Mutex::default(),
            holders: Mutex::default(),
            revoked_any: AtomicBool::new(true),
            throttle: crate::throttle::LoginThrottle::default(),
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
                if version < SCHEMA_VERSION {
                    self.dirty.store(true, Ordering::Relaxed);
                    // Version 1 had no selection indexes: built once, here.
                    if version < 2 {
                        engine.build_selection_index()?;
                    }
                    engine
                        .db
                        .insert(SCHEMA_KEY, &SCHEMA_VERSION.to_be_bytes())
                        .map_err(|e| self.fail(e))?;
                    return self.group_flush();
                }
                Ok(())
            }
            None => {
                self.dirty.store(true, Ordering::Relaxed);
                engine
                    .db
                    .insert(SCHEMA_KEY, &SCHEMA_VERSION.to_be_bytes())
                    .map_err(|e| self.fail(e))?;
                self.group_flush()
            }
        }
    }

    /// The token holder `id`, from memory unless a write to the users has
    /// happened since it was read.
    fn cached_holder(&self, id: Uuid) -> Result<Option<Holder>> {
        let holders = || self.holders.lock().unwrap_or_else(|p| p.into_inner());
        // Read before the lookup: a write landing in between makes the entry
        // stale, never a stale entry current.
        let generation = self.generation();
        if let Some(&(seen, holder)) = holders().get(&id)
            && seen == generation
        {
            return Ok(Some(holder));
        }
        let Some(account) = crate::store::Store::get(self, &UserRef::Id(id))? else {
            return Ok(None);
        };
        let holder = Holder::of(&account);
        let mut holders = holders();
        if holders.len() >= HOLDERS_CAPACITY {
            holders.clear();
        }
        holders.insert(id, (generation, holder));
        Ok(Some(holder))
    }
}

impl Drop for SledStore {
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
