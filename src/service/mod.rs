//! The one service layer: every operation is written here once and called by the
//! command line, the HTTP handlers and the admin socket alike. Who may do what is
//! decided here too, from the `Actor` making the request.

mod audit;
mod auth;
mod authorize;
mod bin;
mod durable;
mod groups;
mod keys;
mod transfer;
mod users;

use std::collections::HashSet;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use uuid::Uuid;

use self::auth::login_names;
use self::authorize::authorize;
use crate::database::Database;
use crate::domain::audit::Origin;
use crate::domain::{PasswordPolicy, Role, UserRef};
use crate::error::{Error, Result};
use crate::ops::{Request, Response};
use crate::pool::HashPool;
use crate::store::postgres::PostgresStore;
use crate::store::{OpenOptions, SledStore, Store, StoreError};
use crate::token::TokenKeys;

pub use self::bin::parse_setting;
pub use self::durable::Durable;
pub use self::groups::MEMBER_BATCH;
pub use self::transfer::ImportRun;
pub use crate::store::Repair;

/// Names nobody may take, unless configured otherwise.
pub const DEFAULT_RESERVED: &[&str] = &[
    "root",
    "administrator",
    "system",
    "daemon",
    "nobody",
    "usersctl",
    "postmaster",
    "hostmaster",
    "webmaster",
    "abuse",
    "noreply",
];
/// The setting that holds the token secret's fingerprint.
const SECRET_FINGERPRINT: &str = "token_secret_fingerprint";
/// How many names one bulk-delete transaction covers.
const DELETE_BATCH: usize = 1000;
/// How many binned users one bulk-restore transaction brings back.
const RESTORE_BATCH: usize = 1000;

#[derive(Debug, Clone)]
pub struct Config {
    pub password_policy: PasswordPolicy,
    pub reserved: HashSet<String>,
    pub token_ttl: Duration,
    pub max_token_ttl: Duration,
    pub allow_registration: bool,
    /// Open for `check --repair` (see `Repair`): damage that only changing
    /// the files can mend is mended, with a copy kept, instead of refused.
    pub repair: Repair,
    /// The database page cache, when not the store's default (which a
    /// server's memory limit is sized for).
    pub cache_bytes: Option<u64>,
    /// Make the database if there is none (see `OpenOptions::create`).
    pub create: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            password_policy: PasswordPolicy::default(),
            reserved: DEFAULT_RESERVED.iter().map(|s| (*s).to_owned()).collect(),
            token_ttl: Duration::from_secs(3600),
            max_token_ttl: Duration::from_secs(30 * 24 * 3600),
            allow_registration: false,
            repair: Repair::Off,
            cache_bytes: None,
            create: false,
        }
    }
}

/// Who is asking. The operator at the machine may do anything; a token holder
/// what SPEC section 4's table allows.
#[derive(Debug, Clone)]
pub enum Actor {
    Operator,
    Anonymous,
    User(Session),
}

/// A verified token and the current state of the user it names.
#[derive(Debug, Clone)]
pub struct Session {
    pub user_id: Uuid,
    pub role: Role,
    pub must_change_password: bool,
    pub jti: String,
    pub expires: u64,
    /// The API key the request came with, when it came with one (not a
    /// login token): such a session cannot log out.
    pub key: Option<Uuid>,
    /// A read-only key's: it may only read.
    pub read_only: bool,
}

pub struct Service {
    store: Arc<dyn Store>,
    /// Where the data lives (a directory keeps the token secret too).
    db: Database,
    config: Config,
    keys: OnceLock<Arc<TokenKeys>>,
    hash_pool: OnceLock<HashPool>,
    /// When this process last asked whether the recycle bin is due a sweep
    /// (unix seconds): a delete asks the database at most once a minute.
    bin_checked: std::sync::atomic::AtomicU64,
    /// When this process last noted each API key's use: at most once a
    /// minute a key.
    keys_touched: std::sync::Mutex<std::collections::HashMap<Uuid, std::time::Instant>>,
}

/// What `usersctl migrate` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Migrated {
    /// A PostgreSQL schema, from one version to another (equal: it was
    /// current already).
    Schema { from: i32, to: i32 },
    /// An embedded database keeps its own schema, upgraded when opened.
    Embedded,
}

/// Creates or upgrades the schema of `db` (`usersctl migrate`).
pub fn migrate(db: &Database) -> Result<Migrated> {
    match db {
        Database::Dir(_) => Ok(Migrated::Embedded),
        Database::Postgres(url) => {
            let store = PostgresStore::connect(url)?;
            let done = crate::store::postgres::migrate(&store)?;
            Ok(Migrated::Schema {
                from: done.from,
                to: done.to,
            })
        }
    }
}

impl Service {
    pub fn open(db: &Database, config: Config) -> Result<Service> {
        let store: Arc<dyn Store> = match db {
            Database::Dir(dir) => Arc::new(SledStore::open_with(
                dir,
                OpenOptions {
                    cache_bytes: config.cache_bytes.unwrap_or(crate::store::CACHE_BYTES),
                    repair: config.repair,
                    create: config.create,
                },
            )?),
            Database::Postgres(url) => Arc::new(PostgresStore::open(url)?),
        };
        Ok(Service {
            store,
            db: db.clone(),
            config,
            keys: OnceLock::new(),
            hash_pool: OnceLock::new(),
            bin_checked: Default::default(),
            keys_touched: Default::default(),
        })
    }

    /// Whether reading one user by key is answered from memory and local
    /// pages, cheap enough for an async worker (see `Store::lookups_are_local`).
    pub fn lookups_are_local(&self) -> bool {
        self.store.lookups_are_local()
    }

    /// Whether the database answers and can write.
    pub fn health(&self) -> Result<()> {
        Ok(self.store.health()?)
    }

    /// For a server that has stopped: whatever requests cut off by the stop
    /// wrote is made durable before the process exits.
    pub fn close(&self) -> Result<()> {
        Ok(self.store.flush()?)
    }

    /// The token keys, loaded (and the secret created) on first use.
    pub fn keys(&self) -> Result<Arc<TokenKeys>> {
        if let Some(keys) = self.keys.get() {
            return Ok(keys.clone());
        }
        let keys = Arc::new(match &self.db {
            Database::Dir(dir) => TokenKeys::load(dir)?,
            Database::Postgres(_) => {
                // Every instance must sign with the same secret: the first
                // to start records its fingerprint, the others compare.
                let keys = TokenKeys::load_shared()?;
                let ours = keys.fingerprint()?;
                if self.store.settle(SECRET_FINGERPRINT, &ours)? != ours {
                    return Err(Error::usage(format!(
                        "the token signing secret differs from the one the other instances \
                         on {} use; give every instance the same {}",
                        self.db.shown(),
                        crate::token::SECRET_ENV
                    )));
                }
                keys
            }
        });
        Ok(self.keys.get_or_init(|| keys).clone())
    }

    /// Carries out one request on behalf of `actor`; what it changes is
    /// recorded as asked for by `actor` from `origin`.
    pub fn execute(
        &self,
        actor: &Actor,
        origin: &Origin,
        request: Request,
    ) -> Result<Durable<Response>> {
        self.execute_until(actor, origin, request, &|| false)
    }

    /// `execute`, where a bulk delete stops after the batch in hand once
    /// `stop` says so (and reports what it did).
    pub fn execute_until(
        &self,
        actor: &Actor,
        origin: &Origin,
        request: Request,
        stop: &dyn Fn() -> bool,
    ) -> Result<Durable<Response>> {
        let writes = request.writes();
        // A bulk delete is carried out a batch at a time: one that fails in a
        // later batch has deleted the earlier ones, which are made as durable
        // as a success's. Any other write that fails has changed nothing.
        let batched = matches!(&request, Request::DeleteMany(req) if !req.dry_run)
            || matches!(&request, Request::RestoreMany { .. })
            || matches!(&request, Request::ChangeMembers { .. });
        let origin = origin.acting_as(actor);
        match self.carry_out(actor, &origin, request, stop) {
            Ok(response) if writes => Ok(Durable::written(response, self.store.clone())),
            Ok(response) => Ok(Durable::read(response)),
            Err(e) => {
                if batched {
                    self.store.flush()?;
                }
                Err(e)
            }
        }
    }

    fn carry_out(
        &self,
        actor: &Actor,
        origin: &Origin,
        mut request: Request,
        stop: &dyn Fn() -> bool,
    ) -> Result<Response> {
        // Self-registration makes plain accounts, whatever the body asked for:
        // for anyone who is not an admin, logged in or not.
        let registering = match actor {
            Actor::Anonymous => true,
            Actor::User(session) => session.role != Role::Admin,
            Actor::Operator => false,
        };
        if let (true, Request::CreateUser(new)) = (registering, &mut request) {
            new.profile.role = Role::User;
            new.profile.must_change_password = false;
        }
        authorize(actor, &request, &self.config, &|user, session| {
            self.names(user, session)
        })?;
        match request {
            Request::GetUser { user } => self.get(&user).map(Response::User),
            Request::CreateUser(new) => self.create(new, origin).map(Response::Saved),
            Request::UpdateUser { user, patch } => {
                // Token holders changing their own password prove the current one,
                // so a stolen token cannot take the account over.
                let own = match actor {
                    Actor::User(s) => self.names(&user, s)?,
                    _ => false,
                };
                self.update(&user, patch, own, origin).map(Response::Saved)
            }
            Request::DeleteUser { user, purge } => {
                self.delete(&user, purge, origin).map(Response::User)
            }
            Request::ListUsers(query) => self.list(&query).map(Response::Page),
            Request::CountUsers(query) => self.count(&query).map(Response::Count),
            Request::DeleteMany(req) => self
                .delete_each(&req, origin, &|_| {}, stop)
                .map(Response::DeleteMany),
            Request::Authenticate(creds) => self.authenticate(&creds, origin).map(Response::Token),
            Request::Import { users } => self.store_imports(users, origin).map(Response::Imported),
            // An import run is the state of one admin socket connection (or
            // of the command itself): the socket carries these out with it.
            Request::ImportBegin { .. } | Request::ImportEnd { .. } => Err(Error::usage(
                "an import is begun and ended on an admin socket connection",
            )),
            Request::Export { after, limit } => self.export(after, limit).map(Response::Exported),
            Request::Check { repair } => {
                // A repair copies the files aside and may put them back:
                // only a store opened for it (by `check --repair` itself,
                // not a server serving others) can.
                if repair && self.config.repair == Repair::Off {
                    return Err(Error::Unavailable(
                        "`check --repair` needs the database to itself: stop the server \
                         holding it and run it again (`usersctl check` runs beside a server)"
                            .to_owned(),
                    ));
                }
                Ok(Response::Check(self.store.check(repair)?))
            }
            Request::Throttled { user } => {
                let account = self.store.get(&user)?.ok_or_else(|| not_found(&user))?;
                let names = login_names(&account.user);
                Ok(Response::Throttled(
                    self.store
                        .login_limit()
                        .throttled(&[&names[0], &names[1]])?,
                ))
            }
            Request::Unlock { user } => {
                let account = self.store.get(&user)?.ok_or_else(|| not_found(&user))?;
                let names = login_names(&account.user);
                Ok(Response::Unlocked(
                    self.store.login_limit().unlock(&[&names[0], &names[1]])?,
                ))
            }
            Request::ListDeleted(query) => self.list_deleted(&query).map(Response::DeletedPage),
            Request::CountDeleted(query) => self.count_deleted(&query).map(Response::Count),
            Request::RestoreUser { user, rename } => {
                self.restore_user(&user, rename, origin).map(Response::User)
            }
            Request::RestoreMany { users } => self
                .restore_many(&users, origin, stop)
                .map(Response::RestoreMany),
            Request::PurgeUser { user } => self.purge_user(&user, origin).map(Response::Purged),
            Request::EmptyBin { older_than } => {
                self.empty_bin(older_than, origin).map(Response::Purged)
            }
            Request::Settings => self.settings().map(Response::Settings),
            Request::Audit(query) => self.audit(&query).map(Response::AuditPage),
            Request::VerifyAudit => self.verify_audit().map(Response::Verdict),
            Request::SetSetting { name, value } => self
                .set_setting(&name, &value, origin)
                .map(Response::Settings),
            Request::GetGroup { group } => self.get_group(&group).map(Response::Group),
            Request::ListGroups(query) => self.list_groups(&query).map(Response::Groups),
            Request::CreateGroup(new) => self.create_group(new, origin).map(Response::Group),
            Request::UpdateGroup { group, patch } => self
                .update_group(&group, &patch, origin)
                .map(Response::Group),
            Request::DeleteGroup { group } => {
                self.delete_group(&group, origin).map(Response::Group)
            }
            Request::ChangeMembers { group, users, add } => self
                .change_members(&group, &users, add, origin, stop)
                .map(Response::Members),
            Request::CreateKey(new) => self.create_key(new, origin).map(Response::KeyCreated),
            Request::ListKeys(query) => self.list_keys(&query).map(Response::Keys),
            Request::RevokeKey { name } => self.revoke_key(&name, origin).map(Response::Key),
            Request::UserGroups { user } => self.user_groups(&user).map(|data| {
                Response::Groups(crate::ops::GroupPage {
                    data,
                    next_cursor: None,
                })
            }),
        }
    }

    /// Whether `user` names the session's own account.
    fn names(&self, user: &UserRef, session: &Session) -> Result<bool> {
        Ok(match user {
            UserRef::Id(id) => *id == session.user_id,
            other => self
                .store
                .get(other)?
                .is_some_and(|a| a.user.id == session.user_id),
        })
    }
}

/// What a store says, as users are told it.
impl From<StoreError> for Error {
    fn from(e: StoreError) -> Error {
        match e {
            StoreError::Taken(taken) => Error::Conflict(taken.to_string()),
            StoreError::NotFound(user) => not_found(&user),
            StoreError::GroupNotFound(group) => Error::NotFound(format!("group {group} not found")),
            StoreError::Refused(e) => e,
            StoreError::Locked(why) => Error::Locked(why),
            StoreError::Unavailable(why) => Error::Unavailable(why),
            StoreError::Internal(why) => Error::Internal(why),
        }
    }
}

fn not_found(user: &UserRef) -> Error {
    Error::NotFound(format!("user {user} not found"))
}
