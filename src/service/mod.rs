//! The one service layer: every operation is written here once and called by the
//! command line, the HTTP handlers and the admin socket alike. Who may do what is
//! decided here too, from the `Actor` making the request.

mod durable;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use uuid::Uuid;

use crate::domain::{
    Account, Attributes, Password, PasswordPolicy, Role, Timestamp, User, UserRef,
};
use crate::error::{Error, Result};
use crate::hashing;
use crate::ops::{
    Credentials, DeleteMany, DeleteManyReport, ListQuery, NewUser, Page, PasswordChoice, Request,
    Response, Saved, UserPatch,
};
use crate::pool::HashPool;
use crate::store::{Filter, OpenOptions, Repair, SledStore, Store, StoreError};
use crate::throttle::LoginThrottle;
use crate::token::{Claims, IssuedToken, TokenKeys};
use crate::transfer::{ImportSecret, ImportUser};

pub use self::durable::Durable;

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
/// How many names one bulk-delete transaction covers.
const DELETE_BATCH: usize = 1000;

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
}

pub struct Service {
    store: Arc<dyn Store>,
    /// The database directory, where the token secret is kept.
    dir: PathBuf,
    config: Config,
    keys: OnceLock<Arc<TokenKeys>>,
    hash_pool: OnceLock<HashPool>,
    throttle: LoginThrottle,
}

impl Service {
    pub fn open(dir: &Path, config: Config) -> Result<Service> {
        Ok(Service {
            store: Arc::new(SledStore::open_with(
                dir,
                OpenOptions {
                    cache_bytes: config.cache_bytes.unwrap_or(crate::store::CACHE_BYTES),
                    repair: config.repair,
                    create: config.create,
                },
            )?),
            dir: dir.to_owned(),
            config,
            keys: OnceLock::new(),
            hash_pool: OnceLock::new(),
            throttle: LoginThrottle::default(),
        })
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
        let keys = Arc::new(TokenKeys::load(&self.dir)?);
        Ok(self.keys.get_or_init(|| keys).clone())
    }

    /// Carries out one request on behalf of `actor`.
    pub fn execute(&self, actor: &Actor, request: Request) -> Result<Durable<Response>> {
        self.execute_until(actor, request, &|| false)
    }

    /// `execute`, where a bulk delete stops after the batch in hand once
    /// `stop` says so (and reports what it did).
    pub fn execute_until(
        &self,
        actor: &Actor,
        request: Request,
        stop: &dyn Fn() -> bool,
    ) -> Result<Durable<Response>> {
        let writes = request.writes();
        match self.carry_out(actor, request, stop) {
            Ok(response) if writes => Ok(Durable::written(response, self.store.clone())),
            Ok(response) => Ok(Durable::read(response)),
            Err(e) => {
                // What a write did before it failed (a bulk delete's earlier
                // batches) is as durable as what one that succeeded did.
                if writes {
                    self.store.flush()?;
                }
                Err(e)
            }
        }
    }

    fn carry_out(
        &self,
        actor: &Actor,
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
            new.role = Role::User;
            new.must_change_password = false;
        }
        authorize(actor, &request, &self.config, &|user, session| {
            self.names(user, session)
        })?;
        match request {
            Request::GetUser { user } => self.get(&user).map(Response::User),
            Request::CreateUser(new) => self.create(new).map(Response::Saved),
            Request::UpdateUser { user, patch } => {
                // Token holders changing their own password prove the current one,
                // so a stolen token cannot take the account over.
                let own = match actor {
                    Actor::User(s) => self.names(&user, s)?,
                    _ => false,
                };
                self.update(&user, patch, own).map(Response::Saved)
            }
            Request::DeleteUser { user } => self.delete(&user).map(Response::User),
            Request::ListUsers(query) => self.list(&query).map(Response::Page),
            Request::DeleteMany(req) => self
                .delete_each(&req, &|_| {}, stop)
                .map(Response::DeleteMany),
            Request::Authenticate(creds) => self.authenticate(&creds).map(Response::Token),
            Request::Import { users } => self.store_imports(users).map(Response::Imported),
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
                    self.throttle.throttled(&[&names[0], &names[1]]),
                ))
            }
            Request::Unlock { user } => {
                let account = self.store.get(&user)?.ok_or_else(|| not_found(&user))?;
                let names = login_names(&account.user);
                Ok(Response::Unlocked(
                    self.throttle.unlock(&[&names[0], &names[1]]),
                ))
            }
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

    fn get(&self, user: &UserRef) -> Result<User> {
        self.store
            .get(user)?
            .map(|a| a.user)
            .ok_or_else(|| not_found(user))
    }

    fn create(&self, new: NewUser) -> Result<Saved> {
        if self.config.reserved.contains(new.username.as_str()) {
            return Err(Error::Conflict(format!(
                "username {} is reserved",
                new.username
            )));
        }
        let (password, generated) =
            self.choose_password(new.password, &[new.username.as_str(), new.email.as_str()])?;
        let password_hash = self.hash(&password)?;
        let now = Timestamp::now();
        let account = Account {
            tokens_after: None,
            user: User {
                id: Uuid::now_v7(),
                username: new.username,
                email: new.email,
                name: new.name,
                role: new.role,
                blocked: false,
                block_reason: None,
                must_change_password: new.must_change_password,
                attributes: new.attributes,
                created_at: now,
                updated_at: now,
                password_changed_at: now,
                last_login_at: None,
            },
            password_hash,
        };
        self.store.insert(&account)?;
        Ok(Saved {
            user: account.user,
            generated_password: generated,
        })
    }

    /// Applies `patch`. When `own` (users changing their own account), a
    /// password change must prove the current password.
    fn update(&self, user: &UserRef, patch: UserPatch, own: bool) -> Result<Saved> {
        if let Some(reason) = patch.block_reason.as_ref().and_then(Option::as_ref) {
            crate::domain::text::check_block_reason(reason)?;
        }
        if let Some(name) = &patch.username
            && self.config.reserved.contains(name.as_str())
        {
            return Err(Error::Conflict(format!("username {name} is reserved")));
        }
        let mut new_hash = None;
        let mut generated = None;
        // A password change reads the account first (to check the current
        // password, and to judge the new one by the account's own words); the
        // write then goes to that same account, and only if its password has
        // not changed meanwhile.
        let mut target = user.clone();
        let mut expected_hash = None;
        if let Some(choice) = patch.password.clone() {
            let current = self.store.get(user)?.ok_or_else(|| not_found(user))?;
            if own {
                let proof = patch.current_password.as_ref().ok_or_else(|| {
                    Error::invalid(
                        "current_password",
                        "is required to change your own password",
                    )
                })?;
                // Guessing the current password with a stolen token is a login
                // attempt like any other, and throttled as one.
                let key = throttle_key(current.user.id);
                self.throttle.begin(&key, None)?;
                let verified = self.verify(proof, &current.password_hash);
                self.throttle
                    .end(&key, None, verified.as_ref().ok().copied());
                if !verified? {
                    return Err(Error::Forbidden("current_password is wrong".to_owned()));
                }
            }
            let username = patch.username.as_ref().unwrap_or(&current.user.username);
            let email = patch.email.as_ref().unwrap_or(&current.user.email);
            let (password, g) =
                self.choose_password(choice, &[username.as_str(), email.as_str()])?;
            new_hash = Some(self.hash(&password)?);
            generated = g;
            target = UserRef::Id(current.user.id);
            expected_hash = Some(current.password_hash);
        }
        let now = Timestamp::now();
        let account = self.store.update(&target, &|acct| {
            if expected_hash
                .as_ref()
                .is_some_and(|h| *h != acct.password_hash)
            {
                return Err(Error::Conflict(
                    "the password changed meanwhile; try again".to_owned(),
                ));
            }
            apply(acct, &patch, new_hash.as_deref(), own, now)
        })?;
        Ok(Saved {
            user: account.user,
            generated_password: generated,
        })
    }

    fn delete(&self, user: &UserRef) -> Result<User> {
        let mut outcome = self.store.delete_many(std::slice::from_ref(user), false)?;
        outcome
            .pop()
            .flatten()
            .map(|a| a.user)
            .ok_or_else(|| not_found(user))
    }

    fn list(&self, query: &ListQuery) -> Result<Page> {
        let limit = query.limit.unwrap_or(ListQuery::DEFAULT_LIMIT);
        if !(1..=ListQuery::MAX_LIMIT).contains(&limit) {
            return Err(Error::invalid(
                "limit",
                format!("must be between 1 and {}", ListQuery::MAX_LIMIT),
            ));
        }
        let after = query
            .cursor
            .as_deref()
            .map(|c| {
                Uuid::parse_str(c)
                    .map_err(|_| Error::invalid("cursor", "is not a cursor this listing returned"))
            })
            .transpose()?;
        let filter = Filter {
            role: query.role,
            blocked: query.blocked,
            search: query.search.as_deref().map(str::to_lowercase),
        };
        // One more than asked for tells whether there are more.
        let mut users: Vec<User> = self
            .store
            .page(&filter, after, limit + 1)?
            .into_iter()
            .map(|a| a.user)
            .collect();
        let more = users.len() > limit;
        users.truncate(limit);
        let next_cursor = if more {
            users.last().map(|u| u.id.to_string())
        } else {
            None
        };
        Ok(Page { users, next_cursor })
    }

    /// A bulk delete that tells `progress` how many names it has handled
    /// so far, and stops between batches once `stop` says so.
    pub fn delete_many(
        &self,
        req: &DeleteMany,
        progress: &dyn Fn(u64),
        stop: &dyn Fn() -> bool,
    ) -> Result<Durable<DeleteManyReport>> {
        let report = self.delete_each(req, progress, stop);
        if req.dry_run {
            return report.map(Durable::read);
        }
        match report {
            Ok(report) => Ok(Durable::written(report, self.store.clone())),
            Err(e) => {
                self.store.flush()?;
                Err(e)
            }
        }
    }

    /// Deletes each named user in batched transactions.
    fn delete_each(
        &self,
        req: &DeleteMany,
        progress: &dyn Fn(u64),
        stop: &dyn Fn() -> bool,
    ) -> Result<DeleteManyReport> {
        // Each name once, in the order given; a name that cannot be a user
        // (blank, bad syntax) is simply not found.
        let mut seen = HashSet::new();
        let names: Vec<&str> = req
            .users
            .iter()
            .map(|s| s.trim())
            .filter(|s| seen.insert(*s))
            .collect();
        let mut report = DeleteManyReport {
            dry_run: req.dry_run,
            ..DeleteManyReport::default()
        };
        let mut done = 0u64;
        // Users deleted by an earlier batch, by every name they could be given:
        // a later batch naming one of them again finds it gone, yet it existed.
        let mut gone: HashSet<String> = HashSet::new();
        let mut handled: HashSet<Uuid> = HashSet::new();
        for (n, chunk) in names.chunks(DELETE_BATCH).enumerate() {
            // Ctrl-C stops between batches: what was done is reported, and
            // durable, before the command exits. The first batch is the one
            // in hand when the request came, and is always carried out.
            if n > 0 && stop() {
                report.interrupted = true;
                report.remaining = names[n * DELETE_BATCH..]
                    .iter()
                    .map(|s| (*s).to_owned())
                    .collect();
                break;
            }
            let refs: Vec<(usize, UserRef)> = chunk
                .iter()
                .enumerate()
                .filter_map(|(i, n)| UserRef::parse(n).ok().map(|r| (i, r)))
                .collect();
            let only_refs: Vec<UserRef> = refs.iter().map(|(_, r)| r.clone()).collect();
            let outcomes = self.store.delete_many(&only_refs, req.dry_run)?;
            // For each name: deleted, a duplicate of a user already handled, or not found.
            let mut verdict = vec![Verdict::NotFound; chunk.len()];
            for ((i, user), outcome) in refs.iter().zip(&outcomes) {
                verdict[*i] = match outcome {
                    Some(account) if handled.insert(account.user.id) => Verdict::Deleted,
                    Some(_) => Verdict::Duplicate,
                    None if gone.contains(&ref_key(user)) => Verdict::Duplicate,
                    None => Verdict::NotFound,
                };
            }
            for account in outcomes.iter().flatten() {
                let u = &account.user;
                gone.insert(ref_key(&UserRef::Id(u.id)));
                gone.insert(ref_key(&UserRef::Username(u.username.clone())));
                gone.insert(ref_key(&UserRef::Email(u.email.clone())));
            }
            for (name, verdict) in chunk.iter().zip(verdict) {
                let list = match verdict {
                    Verdict::Deleted => &mut report.deleted,
                    Verdict::Duplicate => &mut report.duplicates,
                    Verdict::NotFound => &mut report.not_found,
                };
                list.push((*name).to_owned());
            }
            done += chunk.len() as u64;
            progress(done);
        }
        Ok(report)
    }

    /// Stores parsed import lines in one transaction, hashing plain passwords
    /// first on every core. One outcome per user, in order.
    pub fn import(&self, users: Vec<ImportUser>) -> Result<Durable<Vec<Result<Uuid>>>> {
        let outcomes = self.store_imports(users)?;
        Ok(Durable::written(outcomes, self.store.clone()))
    }

    fn store_imports(&self, users: Vec<ImportUser>) -> Result<Vec<Result<Uuid>>> {
        let hashes = self.hash_imports(&users);
        let mut outcomes: Vec<Result<Uuid>> = Vec::with_capacity(users.len());
        let mut accounts = Vec::with_capacity(users.len());
        let mut slots = Vec::with_capacity(users.len());
        let mut fresh = Vec::with_capacity(users.len());
        for (user, hash) in users.into_iter().zip(hashes) {
            let id = user.user.id;
            let checked = if self.config.reserved.contains(user.user.username.as_str()) {
                Err(Error::Conflict(format!(
                    "username {} is reserved",
                    user.user.username
                )))
            } else {
                hash
            };
            match checked {
                Ok(hash) => {
                    fresh.push(user.fresh_id);
                    accounts.push(user.into_account(hash));
                    slots.push(outcomes.len());
                    outcomes.push(Ok(id));
                }
                Err(e) => outcomes.push(Err(e)),
            }
        }
        let stored = self.store.insert_many(&accounts, &fresh)?;
        for (slot, result) in slots.into_iter().zip(stored) {
            if let Err(taken) = result {
                outcomes[slot] = Err(Error::Conflict(taken.to_string()));
            }
        }
        Ok(outcomes)
    }

    /// Every user's export line (`domain::ExportLine`), in id order, handed
    /// to `batch` `lines` at a time in a buffer it empties or replaces;
    /// what `batch` fails with ends the export. Returns how many users.
    /// The operator's alone, as `Request::Export` is.
    pub fn export_lines(
        &self,
        lines: u64,
        batch: &mut dyn FnMut(&mut Vec<u8>) -> Result<()>,
    ) -> Result<u64> {
        Ok(self
            .store
            .export_lines(lines, &mut |buf| batch(buf).map_err(StoreError::Refused))?)
    }

    /// Up to `limit` accounts, with their hashes, after the id `after`.
    fn export(&self, after: Option<Uuid>, limit: usize) -> Result<Vec<Account>> {
        Ok(self
            .store
            .page(&Filter::default(), after, limit.clamp(1, 10_000))?)
    }

    /// Checks a password and issues a token. An unknown user, a wrong password and
    /// a blocked account fail alike, after the same amount of work.
    fn authenticate(&self, creds: &Credentials) -> Result<IssuedToken> {
        let ttl = match creds.ttl_secs {
            Some(secs) => Duration::from_secs(secs),
            None => self.config.token_ttl,
        };
        if ttl.is_zero() || ttl > self.config.max_token_ttl {
            return Err(Error::invalid(
                "ttl",
                format!(
                    "must be between 1 second and {}",
                    humantime::format_duration(self.config.max_token_ttl)
                ),
            ));
        }
        let keys = self.keys()?;
        let login = creds.username.trim().to_lowercase();
        let account = UserRef::parse(&login)
            .ok()
            .map(|r| self.store.get(&r))
            .transpose()?
            .flatten();
        // Failures count against the name as typed and the address it came
        // from (see `throttle`): whether the name is an account, or which
        // account, makes no difference to it.
        let client = creds.client;
        self.throttle.begin(&login, client)?;
        // An unknown user costs a verify too, against a dummy hash.
        let verified = match &account {
            Some(a) => self.verify(&creds.password, &a.password_hash),
            None => {
                let p = creds.password.clone();
                self.pool()
                    .run(move || hashing::dummy_verify(&p))
                    .map(|()| false)
            }
        };
        let verified = match verified {
            Ok(v) => v,
            Err(e) => {
                // Turned away before any check: not a failed login.
                self.throttle.end(&login, client, None);
                return Err(e);
            }
        };
        let account = match account {
            Some(a) if verified && !a.user.blocked => a,
            _ => {
                self.throttle.end(&login, client, Some(false));
                return Err(Error::AuthFailed);
            }
        };
        self.throttle.end(&login, client, Some(true));
        let rehash = if hashing::needs_rehash(&account.password_hash) {
            Some(self.hash(&creds.password)?)
        } else {
            None
        };
        let now = Timestamp::now();
        let account = self.store.update(&UserRef::Id(account.user.id), &|acct| {
            let mut next = acct.clone();
            next.user.last_login_at = Some(now);
            if let Some(h) = &rehash
                && acct.password_hash == account.password_hash
            {
                next.password_hash = h.clone();
            }
            Ok(next)
        })?;
        keys.issue(&account.user, ttl)
    }

    /// Turns a bearer token into a session, refusing tokens that are expired,
    /// revoked, or whose user is gone, blocked or has changed password since.
    pub fn session(&self, token: &str) -> Result<Session> {
        let claims: Claims = self.keys()?.verify(token)?;
        if self.store.is_revoked(&claims.jti)? {
            return Err(Error::Unauthorized("token has been revoked".to_owned()));
        }
        let user = self
            .store
            .holder(claims.sub)?
            .ok_or_else(|| Error::Unauthorized("token's user no longer exists".to_owned()))?;
        if user.password_changed_at != claims.pwc {
            return Err(Error::Unauthorized(
                "token was issued before a password change; log in again".to_owned(),
            ));
        }
        if user.blocked {
            return Err(Error::Forbidden("account is blocked".to_owned()));
        }
        // While blocked, that is what a token's holder is told; after, the
        // tokens from before the block are still dead.
        if user
            .tokens_after
            .is_some_and(|after| claims.issued_millis() < after)
        {
            return Err(Error::Unauthorized(
                "token was issued before the account was blocked; log in again".to_owned(),
            ));
        }
        Ok(Session {
            user_id: claims.sub,
            role: user.role,
            must_change_password: user.must_change_password,
            jti: claims.jti,
            expires: claims.exp,
        })
    }

    /// Revokes the session's token until it would have expired anyway.
    pub fn logout(&self, session: &Session) -> Result<Durable<()>> {
        self.store.revoke(&session.jti, session.expires)?;
        Ok(Durable::written((), self.store.clone()))
    }

    fn choose_password(
        &self,
        choice: PasswordChoice,
        context: &[&str],
    ) -> Result<(Password, Option<Password>)> {
        match choice {
            PasswordChoice::Given(p) => {
                self.config
                    .password_policy
                    .check(&p, context)
                    .map_err(|m| Error::invalid("password", m))?;
                Ok((p, None))
            }
            PasswordChoice::Generate => {
                let p = Password::generate().map_err(Error::internal)?;
                Ok((p.clone(), Some(p)))
            }
        }
    }

    /// The hash of each import line: kept as given, or the plain password hashed
    /// (after the password policy) on the hashing threads, all of them at once.
    fn hash_imports(&self, users: &[ImportUser]) -> Vec<Result<String>> {
        let policy = &self.config.password_policy;
        let hash_one = |u: &ImportUser| match &u.secret {
            ImportSecret::Hash(h) => Ok(h.clone()),
            ImportSecret::Password(p) => {
                policy
                    .check(p, &[u.user.username.as_str(), u.user.email.as_str()])
                    .map_err(|m| Error::invalid("password", m))?;
                let p = p.clone();
                self.pool().run_waiting(move || hashing::hash(&p))?
            }
        };
        let plain = users
            .iter()
            .filter(|u| matches!(u.secret, ImportSecret::Password(_)))
            .count();
        let feeders = std::thread::available_parallelism()
            .map_or(2, usize::from)
            .min(plain);
        if feeders <= 1 {
            return users.iter().map(hash_one).collect();
        }
        // Each feeder thread hands one password at a time to the pool, so
        // every hashing thread has work.
        let next = std::sync::atomic::AtomicUsize::new(0);
        let results: Vec<std::sync::Mutex<Option<Result<String>>>> =
            users.iter().map(|_| std::sync::Mutex::new(None)).collect();
        std::thread::scope(|scope| {
            for _ in 0..feeders {
                scope.spawn(|| {
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(user) = users.get(i) else { break };
                        let hashed = hash_one(user);
                        if let Ok(mut slot) = results[i].lock() {
                            *slot = Some(hashed);
                        }
                    }
                });
            }
        });
        results
            .into_iter()
            .map(|slot| {
                slot.into_inner()
                    .ok()
                    .flatten()
                    .unwrap_or_else(|| Err(Error::internal("a hashing feeder failed")))
            })
            .collect()
    }

    /// For a server that is stopping: password checks not yet started are
    /// answered at once (as unavailable) instead of being carried out.
    pub fn stop_hashing(&self) {
        if let Some(pool) = self.hash_pool.get() {
            pool.close();
        }
    }

    fn pool(&self) -> &HashPool {
        self.hash_pool.get_or_init(HashPool::for_this_machine)
    }

    fn hash(&self, password: &Password) -> Result<String> {
        let p = password.clone();
        self.pool().run(move || hashing::hash(&p))?
    }

    fn verify(&self, password: &Password, hash: &str) -> Result<bool> {
        let (p, h) = (password.clone(), hash.to_owned());
        self.pool().run(move || hashing::verify(&p, &h))
    }
}

/// What a store says, as users are told it.
impl From<StoreError> for Error {
    fn from(e: StoreError) -> Error {
        match e {
            StoreError::Taken(taken) => Error::Conflict(taken.to_string()),
            StoreError::NotFound(user) => not_found(&user),
            StoreError::Refused(e) => e,
            StoreError::Locked(why) => Error::Locked(why),
            StoreError::Unavailable(why) => Error::Unavailable(why),
            StoreError::Internal(why) => Error::Internal(why),
        }
    }
}

/// The pure part of an update: the next state of `acct`. It may run more than
/// once inside a store transaction, so it only computes.
fn apply(
    acct: &Account,
    patch: &UserPatch,
    new_hash: Option<&str>,
    own: bool,
    now: Timestamp,
) -> Result<Account> {
    let mut next = acct.clone();
    let u = &mut next.user;
    if let Some(v) = &patch.username {
        u.username = v.clone();
    }
    if let Some(v) = &patch.email {
        u.email = v.clone();
    }
    if let Some(v) = &patch.name {
        u.name = v.clone();
    }
    if let Some(v) = patch.role {
        u.role = v;
    }
    if let Some(map) = &patch.attributes {
        u.attributes =
            Attributes::merged(&u.attributes, map).map_err(|m| Error::invalid("attributes", m))?;
    }
    if let Some(blocked) = patch.blocked {
        u.blocked = blocked;
        if !blocked {
            u.block_reason = None;
        }
    }
    if let Some(reason) = &patch.block_reason {
        u.block_reason = reason.clone();
    }
    // A reason describes a block: an unblocked user has none.
    if !u.blocked {
        u.block_reason = None;
    }
    if let Some(v) = patch.must_change_password {
        u.must_change_password = v;
    }
    if let Some(hash) = new_hash {
        next.password_hash = hash.to_owned();
        u.password_changed_at = now;
        // A new password the user chose itself satisfies the demand for one; a
        // password an operator or admin sets is still the user's to change.
        if own && patch.must_change_password.is_none() {
            u.must_change_password = false;
        }
    }
    u.updated_at = now;
    // Blocking ends every token issued so far, for good: unblocking does not
    // bring them back.
    if patch.blocked == Some(true) && !acct.user.blocked {
        next.tokens_after = Some(now);
    }
    Ok(next)
}

/// What became of one name in a bulk delete.
#[derive(Clone, Copy)]
enum Verdict {
    Deleted,
    Duplicate,
    NotFound,
}

/// The names a user logs in with, as the login throttle counts them.
fn login_names(user: &User) -> [String; 2] {
    [
        user.username.as_str().to_owned(),
        user.email.as_str().to_lowercase(),
    ]
}

/// The login throttle's key for an account.
fn throttle_key(id: Uuid) -> String {
    format!("id:{id}")
}

/// A reference as the store compares it (emails without case).
fn ref_key(user: &UserRef) -> String {
    match user {
        UserRef::Id(id) => format!("id:{id}"),
        UserRef::Username(name) => format!("name:{name}"),
        UserRef::Email(email) => format!("email:{}", email.key()),
    }
}

fn not_found(user: &UserRef) -> Error {
    Error::NotFound(format!("user {user} not found"))
}

/// Who may do what (SPEC section 4). `is_self` tells whether a reference names
/// the session's own user.
fn authorize(
    actor: &Actor,
    request: &Request,
    config: &Config,
    is_self: &dyn Fn(&UserRef, &Session) -> Result<bool>,
) -> Result<()> {
    let forbidden = |m: &str| Err(Error::Forbidden(m.to_owned()));
    let session = match actor {
        Actor::Operator => return Ok(()),
        // Import and export carry password hashes: the operator's alone.
        _ if matches!(
            request,
            Request::Import { .. }
                | Request::Export { .. }
                | Request::Check { .. }
                | Request::Throttled { .. }
                | Request::Unlock { .. }
        ) =>
        {
            return forbidden(
                "import, export, check and unlock are for the operator at the machine",
            );
        }
        Actor::Anonymous => {
            return match request {
                Request::Authenticate(_) => Ok(()),
                Request::CreateUser(_) if config.allow_registration => Ok(()),
                _ => Err(Error::Unauthorized("a token is required".to_owned())),
            };
        }
        Actor::User(session) => session,
    };
    let is_self = |user: &UserRef| is_self(user, session);
    if session.must_change_password {
        return match request {
            Request::UpdateUser { user, patch } if only_password(patch) && is_self(user)? => Ok(()),
            _ => forbidden("password change required: change your password first"),
        };
    }
    if session.role == Role::Admin {
        // An admin locking itself out would leave nobody to undo it.
        if let Request::UpdateUser { user, patch } = request
            && (patch.blocked == Some(true) || patch.role == Some(Role::User))
            && is_self(user)?
        {
            return forbidden(
                "admins cannot block or demote themselves; another admin or the operator can",
            );
        }
        return Ok(());
    }
    match request {
        Request::GetUser { .. } | Request::ListUsers(_) | Request::Authenticate(_) => Ok(()),
        // What anyone may do without a token, a plain user may do with one.
        Request::CreateUser(_) if config.allow_registration => Ok(()),
        Request::UpdateUser { user, patch } if is_self(user)? => {
            let allowed = patch.username.is_none()
                && patch.role.is_none()
                && patch.blocked.is_none()
                && patch.block_reason.is_none()
                && patch.must_change_password.is_none();
            if allowed {
                Ok(())
            } else {
                forbidden("you may change only your own email, name, password and attributes")
            }
        }
        Request::DeleteUser { user } if is_self(user)? => Ok(()),
        _ => forbidden("this needs the admin role"),
    }
}

fn only_password(p: &UserPatch) -> bool {
    p.password.is_some()
        && p.username.is_none()
        && p.email.is_none()
        && p.name.is_none()
        && p.role.is_none()
        && p.attributes.is_none()
        && p.blocked.is_none()
        && p.block_reason.is_none()
        && p.must_change_password.is_none()
}
