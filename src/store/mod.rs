//! What the service asks of a database, in domain terms: the one seam a
//! backend plugs into. sled, the embedded default, lives in `sled/`.
//!
//! The seam is a trait object (`Arc<dyn Store>`) rather than an enum of
//! backends: the service, the contract tests (`contract`) and each backend
//! meet only here, so a backend is added without an edit above this file,
//! and a virtual call costs nothing beside a disk or network round trip.
//!
//! Everything here is correct with any number of processes on one database.
//! What holds only while one process has the database to itself (caches of
//! records and token holders, a flag that no token was ever revoked) is the
//! sled backend's own business.

pub mod postgres;
pub mod sled;

#[cfg(test)]
pub(crate) mod contract;

use std::future::Future;
use std::pin::Pin;

use uuid::Uuid;

use crate::domain::audit::{AuditFilter, Event, Origin, Verdict};
use crate::domain::{
    Account, ApiKey, Email, Group, GroupPatch, GroupRef, MemberOutcome, Role, Sort, StoredKey,
    Timestamp, User, UserRef, Username,
};
pub use crate::domain::{CheckReport, Problem};

pub use self::sled::{CACHE_BYTES, OpenOptions, Repair, SCHEMA_VERSION, SledStore};

pub type Result<T> = std::result::Result<T, StoreError>;

/// A future a backend hands back for its group commit.
pub type Commit<'a> = Pin<Box<dyn Future<Output = Result<()>> + Send + 'a>>;

/// The operations every backend carries out. Writes are durable only once
/// `flush` (or `commit`) returns after them: the service calls it before it
/// acknowledges anything.
///
/// Every change is recorded in the audit trail (`domain::audit`) in the
/// same transaction, on behalf of the `Origin` the write is given: no crash
/// leaves a change without its record or a record without its change.
pub trait Store: Send + Sync {
    /// The account `user` names, if any.
    fn get(&self, user: &UserRef) -> Result<Option<Account>>;

    /// What decides whether a token of user `id` still works: asked on every
    /// request that carries one, so a backend may answer it from memory for
    /// as long as it can tell that the answer is current.
    fn holder(&self, id: Uuid) -> Result<Option<Holder>>;

    /// What a request's token is checked against: whether the token `jti`
    /// is revoked, and its user `id`'s `holder`. A backend over a network
    /// answers both in one round trip.
    fn token_check(&self, id: Uuid, jti: &str) -> Result<(bool, Option<Holder>)> {
        Ok((self.is_revoked(jti)?, self.holder(id)?))
    }

    /// Stores a new account; `Taken` if its id, username or email is held.
    fn insert(&self, account: &Account, origin: &Origin) -> Result<()>;

    /// Stores each new account that takes nothing another holds, in one
    /// transaction; an outcome per account, in order. Accounts marked
    /// `fresh` have ids made just now, which no stored user can hold.
    /// Each one stored is recorded as imported, and made a member of the
    /// groups of those ids in `groups` (by position; missing: none) that
    /// exist.
    fn insert_many(
        &self,
        accounts: &[Account],
        fresh: &[bool],
        groups: &[Vec<Uuid>],
        origin: &Origin,
    ) -> Result<Vec<std::result::Result<(), Taken>>>;

    /// Replaces the account `user` names with `change(current)`, keeping
    /// usernames and emails unique. `change` may run more than once and
    /// must only compute; what it refuses comes back as `Refused`. Recorded
    /// as what it changed (`Event::of_update`), unless it changed nothing.
    fn update(&self, user: &UserRef, change: &Change<'_>, origin: &Origin) -> Result<Account>;

    /// Deletes the accounts `users` name, in one transaction, resolving every
    /// name first; each outcome is the account deleted (or that would be,
    /// in a dry run), `None` where no user had that name. `how` says whether
    /// they go to the recycle bin or are gone for good.
    fn delete_many(
        &self,
        users: &[UserRef],
        how: Deletion,
        origin: &Origin,
    ) -> Result<Vec<Option<Account>>>;

    /// Up to `limit` accounts in the recycle bin that pass `filter` and were
    /// deleted at `since` or later, in id order, after the id `after`.
    fn deleted_page(
        &self,
        filter: &Filter,
        since: Timestamp,
        after: Option<Uuid>,
        limit: usize,
    ) -> Result<Vec<Binned>>;

    /// For each of `users`, the accounts in the bin (deleted at `since` or
    /// later) it names: a username or email may name several, deleted one
    /// after the other.
    fn find_deleted(&self, users: &[UserRef], since: Timestamp) -> Result<Vec<Vec<Binned>>>;

    /// Brings the binned accounts `restores` name (by id, deleted at `since`
    /// or later) back, each under its new username where one is given, in
    /// one transaction; an outcome per restore, in order. Those that take
    /// what a user holds stay in the bin.
    fn restore(
        &self,
        restores: &[Restore],
        since: Timestamp,
        origin: &Origin,
    ) -> Result<Vec<Restored>>;

    /// Removes from the bin, for good, the accounts `which` selects; says
    /// how many went.
    fn purge(&self, which: &Purge, origin: &Origin) -> Result<u64>;

    /// Up to `limit` accounts that pass `filter`, in id (creation) order,
    /// after the id `after`.
    fn page(&self, filter: &Filter, after: Option<Uuid>, limit: usize) -> Result<Vec<Account>>;

    /// Up to `limit` accounts `filter` selects, in `sort`'s order, after
    /// the one standing at `after` in it (an id, a username, or an email
    /// without case: `Sort::position`). Text compares byte by byte.
    fn sorted_page(
        &self,
        filter: &Filter,
        sort: Sort,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Account>>;

    /// How many accounts pass `filter`.
    fn count(&self, filter: &Filter) -> Result<u64> {
        count_pages(self, filter)
    }

    /// Every account as an export line (`domain::ExportLine`), in id order,
    /// handed to `batch` `lines` at a time in a buffer it empties or
    /// replaces. Returns how many there were.
    fn export_lines(&self, lines: u64, batch: &mut ExportBatch<'_>) -> Result<u64>;

    /// Records that the token `jti` of user `user` is revoked until
    /// `expires_at` (unix s).
    fn revoke(&self, jti: &str, expires_at: u64, user: uuid::Uuid, origin: &Origin) -> Result<()>;

    fn is_revoked(&self, jti: &str) -> Result<bool>;

    /// Where failed logins are counted: one limit for every process on
    /// the database (SPEC section 6).
    fn login_limit(&self) -> &dyn crate::throttle::LoginLimit;

    /// Stores `value` as the setting `name` unless one is stored already;
    /// answers the stored value (so that processes sharing a database can
    /// tell whether they were configured alike).
    fn settle(&self, name: &str, value: &str) -> Result<String>;

    /// The setting `name`, if one is stored.
    fn setting(&self, name: &str) -> Result<Option<String>>;

    /// Stores `value` as the setting `name`, replacing any; recorded in the
    /// audit trail when an `origin` asked for it (not the tool's own notes).
    fn set_setting(&self, name: &str, value: &str, origin: Option<&Origin>) -> Result<()>;

    /// Appends `event`, which records something that changed nothing else
    /// (a failed login).
    fn record(&self, event: &Event) -> Result<()>;

    /// Up to `limit` audit records that pass `filter`, numbered after
    /// `after`, in order.
    fn audit_page(
        &self,
        filter: &AuditFilter,
        after: u64,
        limit: usize,
    ) -> Result<Vec<(u64, Event)>>;

    /// Walks the whole chain from its anchor (see `domain::audit::ChainCheck`).
    fn audit_verify(&self) -> Result<Verdict>;

    /// Removes the records made before `before`, keeping the chain
    /// verifiable from the last one removed; says how many went.
    fn audit_prune(&self, before: Timestamp) -> Result<u64>;

    /// The group `group` names, if any.
    fn group(&self, group: &GroupRef) -> Result<Option<Group>>;

    /// Up to `limit` groups, in id (creation) order, after the id `after`.
    fn group_page(&self, after: Option<Uuid>, limit: usize) -> Result<Vec<Group>>;

    /// Stores a new group; `Taken::GroupName` if its name is held.
    fn insert_group(&self, group: &Group, origin: &Origin) -> Result<()>;

    /// Applies `patch` to the group `group` names at `now` (`GroupNotFound`
    /// if none; `Taken` for a name another group holds). Recorded unless it
    /// changed nothing.
    fn update_group(
        &self,
        group: &GroupRef,
        patch: &GroupPatch,
        now: Timestamp,
        origin: &Origin,
    ) -> Result<Group>;

    /// Deletes the group `group` names, and every membership in it; the
    /// group as it was, or `None` if there was none.
    fn delete_group(&self, group: &GroupRef, origin: &Origin) -> Result<Option<Group>>;

    /// Adds the users `users` name to the group `group` names (or, without
    /// `add`, removes them), in one transaction; an outcome per name, in
    /// order, and the group as it is afterwards. `GroupNotFound` if no
    /// group has that name.
    fn change_members(
        &self,
        group: &GroupRef,
        users: &[UserRef],
        add: bool,
        origin: &Origin,
    ) -> Result<(Group, Vec<MemberOutcome>)>;

    /// The groups the user `id` is a member of, by name.
    fn groups_of(&self, id: Uuid) -> Result<Vec<Group>>;

    /// Stores a new API key; `Taken::KeyName` if its name is held.
    fn insert_key(&self, key: &StoredKey, origin: &Origin) -> Result<()>;

    /// The API key of this id, as stored (with its hash).
    fn key(&self, id: Uuid) -> Result<Option<StoredKey>>;

    /// Up to `limit` API keys, in id (creation) order, after the id `after`,
    /// each with its user's username now.
    fn key_page(&self, after: Option<Uuid>, limit: usize) -> Result<Vec<ApiKey>>;

    /// Removes the API key named `name`: it works no more, anywhere. The
    /// key as it was, or `None` if there was none.
    fn revoke_key(&self, name: &Username, origin: &Origin) -> Result<Option<ApiKey>>;

    /// Notes that the key `id` was used at `at` (unless it is gone). Not a
    /// change to record, and not worth a sync of its own.
    fn touch_key(&self, id: Uuid, at: Timestamp) -> Result<()>;

    /// Whether the database answers and can write.
    fn health(&self) -> Result<()>;

    /// Whether `get` and `holder` are answered from this process's memory
    /// and pages (cheap enough to call on an async worker), rather than over
    /// a network.
    fn lookups_are_local(&self) -> bool;

    /// Verifies the stored data (with `repair`, mends what it can first).
    fn check(&self, repair: bool) -> Result<CheckReport>;

    /// Makes every write so far durable. Concurrent callers share the work.
    fn flush(&self) -> Result<()>;

    /// `flush` for async callers, without holding a thread while it waits.
    fn commit(&self) -> Commit<'_>;
}

/// Where a delete sends its users.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deletion {
    /// Nowhere: it only reports what it would delete.
    DryRun,
    /// To the recycle bin, as deleted at this instant. The binned copy's
    /// tokens die then (`tokens_after`), whatever becomes of it.
    Bin(Timestamp),
    /// Gone for good (an erasure request).
    Purge,
}

/// An account in the recycle bin.
#[derive(Debug, Clone, PartialEq)]
pub struct Binned {
    pub account: Account,
    pub deleted_at: Timestamp,
}

/// One account to bring back from the bin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restore {
    pub id: Uuid,
    /// Restore it under this username instead of its own.
    pub rename: Option<Username>,
}

/// What became of one restore.
#[derive(Debug, Clone, PartialEq)]
pub enum Restored {
    /// Back, as it now is.
    Back(Account),
    /// It takes what a user holds now; it stays in the bin.
    Taken(Taken),
    /// Not in the bin (restored or purged meanwhile, or expired).
    Gone,
}

/// Which binned accounts a purge removes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Purge {
    /// Those deleted before this instant (and so every expired one).
    Before(Timestamp),
    /// These.
    Ids(Vec<Uuid>),
}

/// An update's change: the next state of an account, or why not.
pub type Change<'a> = dyn Fn(&Account) -> crate::error::Result<Account> + Sync + 'a;

/// Where `export_lines` hands its batches.
pub type ExportBatch<'a> = dyn FnMut(&mut Vec<u8>) -> Result<()> + 'a;

/// The state of a user that decides whether its tokens still work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Holder {
    pub role: Role,
    pub blocked: bool,
    pub must_change_password: bool,
    /// In unix millis.
    pub password_changed_at: u64,
    /// `Account::tokens_after`, in unix millis.
    pub tokens_after: Option<u64>,
}

impl Holder {
    pub fn of(account: &Account) -> Holder {
        let u = &account.user;
        Holder {
            role: u.role,
            blocked: u.blocked,
            must_change_password: u.must_change_password,
            password_changed_at: u.password_changed_at.unix_millis(),
            tokens_after: account.tokens_after.map(Timestamp::unix_millis),
        }
    }
}

/// How many accounts pass `filter`, counted a page at a time.
pub fn count_pages<S: Store + ?Sized>(store: &S, filter: &Filter) -> Result<u64> {
    let (mut count, mut after) = (0, None);
    loop {
        let page = store.page(filter, after, 1000)?;
        count += page.len() as u64;
        match page.last() {
            Some(last) if page.len() == 1000 => after = Some(last.user.id),
            _ => return Ok(count),
        }
    }
}

/// Which users a page holds. Every field narrows it; the default passes all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub role: Option<Role>,
    pub blocked: Option<bool>,
    pub must_change_password: Option<bool>,
    /// Lower-case text found in the username, the email or the display
    /// name (without case).
    pub search: Option<String>,
    /// Whether the user has never logged in.
    pub never_logged_in: Option<bool>,
    /// Not seen since this instant: last logged in before it, or never
    /// logged in and created before it.
    pub inactive_since: Option<Timestamp>,
    pub created_before: Option<Timestamp>,
    /// Created at this instant or later.
    pub created_after: Option<Timestamp>,
    /// Members of the group of this id. `matches` cannot tell: a store
    /// reads a group's members from its own index.
    pub group: Option<Uuid>,
}

impl Filter {
    pub fn matches(&self, user: &User) -> bool {
        self.role.is_none_or(|r| user.role == r)
            && self.blocked.is_none_or(|b| user.blocked == b)
            && self
                .must_change_password
                .is_none_or(|m| user.must_change_password == m)
            && self
                .never_logged_in
                .is_none_or(|n| user.last_login_at.is_none() == n)
            && self
                .inactive_since
                .is_none_or(|t| user.last_login_at.unwrap_or(user.created_at) < t)
            && self.created_before.is_none_or(|t| user.created_at < t)
            && self.created_after.is_none_or(|t| user.created_at >= t)
            && self.search.as_deref().is_none_or(|n| {
                user.username.as_str().contains(n)
                    || user.email.key().contains(n)
                    || user
                        .name
                        .as_ref()
                        .is_some_and(|name| name.as_str().to_lowercase().contains(n))
            })
    }
}

/// What the service hears from a store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A value unique to one user that another holds.
    #[error("{0}")]
    Taken(Taken),
    /// `update` found no user of that name.
    #[error("user {0} not found")]
    NotFound(UserRef),
    /// No group has that name.
    #[error("group {0} not found")]
    GroupNotFound(GroupRef),
    /// `update`'s change refused the account as it found it.
    #[error("{0}")]
    Refused(crate::error::Error),
    /// Another process holds the database; the text names it.
    #[error("{0}")]
    Locked(String),
    /// The database cannot be reached, opened or written now (a full disk,
    /// damage it reports, a lost connection); the text says why.
    #[error("{0}")]
    Unavailable(String),
    /// Neither the caller nor the database: a fault of the program.
    #[error("{0}")]
    Internal(String),
}

/// Which unique value was taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Taken {
    Id(Uuid),
    Username(Username),
    Email(Email),
    GroupName(Username),
    KeyName(Username),
}

impl std::fmt::Display for Taken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Taken::Id(id) => write!(f, "a user with id {id} already exists"),
            Taken::Username(name) => write!(f, "username {name} is already taken"),
            Taken::Email(email) => write!(f, "email {email} is already taken"),
            Taken::GroupName(name) => write!(f, "group name {name} is already taken"),
            Taken::KeyName(name) => write!(f, "an API key named {name} already exists"),
        }
    }
}
