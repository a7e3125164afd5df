//! The store interface carried out on PostgreSQL, for any number of
//! processes on one database: nothing here is cached between calls, and
//! every rule that must hold across processes (unique usernames and emails,
//! one login allowance an account) is held by the database itself.
//!
//! The trait is synchronous and the driver (tokio-postgres, pooled by
//! deadpool) is not: the store keeps a small runtime of its own that drives
//! the connections, and each call blocks its thread on its query, as the
//! service's callers expect (the command line's thread, a server's blocking
//! pool). Portable to engines that speak PostgreSQL's protocol: UUIDs and
//! normalized keys are made here, conflicts are plain UNIQUE constraints,
//! every transaction is retried on serialization failures and deadlocks, and
//! nothing relies on LISTEN/NOTIFY or advisory locks.

mod audit;
mod groups;
mod keys;
mod row;
mod schema;
mod store;
#[cfg(test)]
mod tests;
mod throttle;

use std::future::Future;
use std::str::FromStr;
use std::time::Duration;

use deadpool_postgres::{
    Manager, ManagerConfig, Pool, RecyclingMethod, Runtime, Timeouts, Transaction,
};
use tokio_postgres::error::SqlState;
use tokio_postgres::{IsolationLevel, NoTls};

use crate::database::PostgresUrl;
use crate::store::{Result, StoreError as Error, Taken};

pub use schema::{Migrated, SCHEMA_VERSION, migrate};

/// Connections a process keeps at most: a server's requests wait for one
/// beyond that (the database's own limit is shared by every instance).
const POOL_SIZE: usize = 16;
/// How long to wait for a connection (made or free) before answering 503.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Attempts of a transaction that meets serialization failures or deadlocks.
const ATTEMPTS: u32 = 20;
/// The isolation of every transaction. Each is correct at any level: what
/// it reads it locks (`FOR UPDATE`) or settles in one statement (an upsert),
/// and uniqueness is the constraints'. At READ COMMITTED, contenders for one
/// row wait for its lock instead of failing and retrying (64 logins of one
/// user at once each retried a dozen times at SERIALIZABLE); the unit tests
/// run at SERIALIZABLE, so that the retries are exercised, as they are on
/// engines that offer nothing weaker.
const ISOLATION: IsolationLevel = if cfg!(test) {
    IsolationLevel::Serializable
} else {
    IsolationLevel::ReadCommitted
};

pub struct PostgresStore {
    pool: Pool,
    /// Drives the pool's connections; calls block on it.
    runtime: Option<tokio::runtime::Runtime>,
    /// How messages name the database (no password).
    shown: String,
}

impl PostgresStore {
    /// Connects, and checks that the schema is this usersctl's.
    pub fn open(url: &PostgresUrl) -> Result<PostgresStore> {
        let store = Self::connect(url)?;
        store.run(schema::check(&store))?;
        Ok(store)
    }

    /// Connects without looking at the schema (for `migrate`).
    pub fn connect(url: &PostgresUrl) -> Result<PostgresStore> {
        let shown = url.to_string();
        let mut config = tokio_postgres::Config::from_str(url.secret()).map_err(|e| {
            // The parser's message never quotes the URL; ours names it
            // without its password.
            Error::Unavailable(format!("{shown} is not a usable PostgreSQL URL: {e}"))
        })?;
        if config.get_password().is_none()
            && let Ok(password) = std::env::var("PGPASSWORD")
        {
            config.password(password);
        }
        if config.get_application_name().is_none() {
            config.application_name("usersctl");
        }
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        if matches!(
            config.get_ssl_mode(),
            tokio_postgres::config::SslMode::Require
        ) {
            return Err(Error::Unavailable(format!(
                "{shown}: sslmode=require, but this usersctl connects without TLS; \
                 use sslmode=disable (or prefer) on a trusted network, or a TLS proxy"
            )));
        }
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("usersctl-postgres")
            .enable_all()
            .build()
            .map_err(|e| Error::Internal(format!("cannot start the database runtime: {e}")))?;
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                // A connection the server ended (a restart,
                // pg_terminate_backend) is known closed and replaced.
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = {
            let _entered = runtime.enter();
            Pool::builder(manager)
                .max_size(POOL_SIZE)
                .runtime(Runtime::Tokio1)
                .timeouts(Timeouts {
                    wait: Some(CONNECT_TIMEOUT),
                    create: Some(CONNECT_TIMEOUT),
                    recycle: Some(CONNECT_TIMEOUT),
                })
                .build()
                .map_err(|e| Error::Internal(format!("cannot build the connection pool: {e}")))?
        };
        Ok(PostgresStore {
            pool,
            runtime: Some(runtime),
            shown,
        })
    }

    /// Carries out `work` on the store's runtime, blocking this thread:
    /// the store is called from threads that may block (the command
    /// line's, a server's blocking pool).
    fn run<T>(&self, work: impl Future<Output = T>) -> T {
        let Some(runtime) = &self.runtime else {
            unreachable!("the runtime lives as long as the store")
        };
        // Called on an async worker after all, it hands the worker's other
        // tasks on first (elsewhere it simply runs).
        tokio::task::block_in_place(|| runtime.block_on(work))
    }

    /// A connection from the pool.
    async fn client(&self) -> Result<deadpool_postgres::Object> {
        self.pool.get().await.map_err(|e| self.pool_error(e))
    }

    /// Runs `body` in a transaction, again from the start on a
    /// serialization failure or a deadlock (the database undid the attempt),
    /// or when the connection was lost before the commit was sent. `body`
    /// may therefore run more than once, and must only compute and query.
    async fn transaction<T>(
        &self,
        body: impl AsyncFn(&Transaction<'_>) -> std::result::Result<T, Failure>,
    ) -> Result<T> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let mut client = self.client().await?;
            let outcome = async {
                let tx = client
                    .build_transaction()
                    .isolation_level(ISOLATION)
                    .start()
                    .await?;
                // In the unit tests the first attempt of every transaction
                // meets a serialization failure raised by the server itself,
                // so that each one is shown to survive its retry.
                #[cfg(test)]
                if attempt == 1 {
                    tx.batch_execute(
                        "DO $$ BEGIN RAISE EXCEPTION 'injected' USING ERRCODE = '40001'; END $$",
                    )
                    .await?;
                }
                let value = body(&tx).await?;
                tx.commit().await.map_err(Failure::Commit)?;
                Ok::<T, Failure>(value)
            }
            .await;
            match outcome {
                Ok(value) => return Ok(value),
                Err(Failure::Store(e)) => return Err(e),
                Err(Failure::Db(e) | Failure::Commit(e)) if retryable(&e) && attempt < ATTEMPTS => {
                    #[cfg(test)]
                    RETRIED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
                // Lost before the commit was sent: nothing was written.
                Err(Failure::Db(e)) if lost(&e) && attempt < 3 => {}
                Err(Failure::Db(e) | Failure::Commit(e)) => return Err(self.error(e)),
            }
            drop(client);
            // Back off, doubling, with jitter, so that contenders spread out.
            let jitter = u64::from(uuid::Uuid::new_v4().as_bytes()[0]) % 8;
            let backoff = (1u64 << attempt.min(7)).min(100);
            tokio::time::sleep(Duration::from_millis(backoff + jitter)).await;
        }
    }

    /// Reads outside a transaction, on a pooled connection; made again on
    /// a fresh one if the connection was lost (reads change nothing).
    async fn with_client<T>(
        &self,
        body: impl AsyncFn(&deadpool_postgres::Client) -> std::result::Result<T, Failure>,
    ) -> Result<T> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let client = self.client().await?;
            match body(&client).await {
                Ok(value) => return Ok(value),
                Err(Failure::Store(e)) => return Err(e),
                Err(Failure::Db(e) | Failure::Commit(e)) if lost(&e) && attempt < 3 => {}
                Err(Failure::Db(e) | Failure::Commit(e)) => return Err(self.error(e)),
            }
        }
    }

    /// What the service hears of a database error.
    fn error(&self, e: tokio_postgres::Error) -> Error {
        if let Some(db) = e.as_db_error() {
            let code = db.code();
            if *code == SqlState::UNDEFINED_TABLE {
                return schema::missing(&self.shown);
            }
            if *code == SqlState::READ_ONLY_SQL_TRANSACTION {
                return Error::Unavailable(format!(
                    "{}: the database is read-only (a standby?)",
                    self.shown
                ));
            }
            if retryable(&e) {
                return Error::Unavailable(format!(
                    "{}: too many concurrent changes to the same users; try again",
                    self.shown
                ));
            }
            if code.code().starts_with("08")
                || code.code().starts_with("53")
                || code.code().starts_with("57")
            {
                return Error::Unavailable(format!("{}: {}", self.shown, db.message()));
            }
            return Error::Internal(format!("{}: {}", self.shown, db.message()));
        }
        connection_error(&self.shown, &e)
    }

    fn pool_error(&self, e: deadpool_postgres::PoolError) -> Error {
        use deadpool_postgres::PoolError;
        match e {
            PoolError::Backend(e) => connection_error(&self.shown, &e),
            PoolError::Timeout(_) => Error::Unavailable(format!(
                "cannot reach PostgreSQL at {}: no connection within {} s",
                self.shown,
                CONNECT_TIMEOUT.as_secs()
            )),
            other => Error::Unavailable(format!(
                "cannot reach PostgreSQL at {}: {other}",
                self.shown
            )),
        }
    }
}

impl Drop for PostgresStore {
    fn drop(&mut self) {
        self.pool.close();
        // Dropping a runtime blocks, which is refused inside another
        // runtime; its connections need no goodbye.
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

/// Queries through deadpool's statement cache: a statement is prepared once
/// a connection, and a query is then one round trip instead of two.
mod cached {
    use deadpool_postgres::GenericClient;
    use tokio_postgres::types::ToSql;
    use tokio_postgres::{Error, Row};

    pub async fn query(
        c: &impl GenericClient,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Vec<Row>, Error> {
        c.query(&c.prepare_cached(sql).await?, params).await
    }

    pub async fn query_opt(
        c: &impl GenericClient,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Option<Row>, Error> {
        c.query_opt(&c.prepare_cached(sql).await?, params).await
    }

    pub async fn query_one(
        c: &impl GenericClient,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Row, Error> {
        c.query_one(&c.prepare_cached(sql).await?, params).await
    }

    pub async fn execute(
        c: &impl GenericClient,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<u64, Error> {
        c.execute(&c.prepare_cached(sql).await?, params).await
    }
}

/// Transactions retried, for the tests to see that the retry path runs.
#[cfg(test)]
static RETRIED: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Why a transaction's attempt failed.
enum Failure {
    /// A query's error: retried when it is a serialization failure or a
    /// deadlock.
    Db(tokio_postgres::Error),
    /// The commit's: retried only when the database says it undid it.
    Commit(tokio_postgres::Error),
    /// The body's own verdict (a name taken, a user not found).
    Store(Error),
}

impl From<tokio_postgres::Error> for Failure {
    fn from(e: tokio_postgres::Error) -> Self {
        Failure::Db(e)
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Store(e)
    }
}

/// A serialization failure or a deadlock: the attempt was undone, and may
/// simply be made again.
fn retryable(e: &tokio_postgres::Error) -> bool {
    e.code().is_some_and(|c| {
        *c == SqlState::T_R_SERIALIZATION_FAILURE || *c == SqlState::T_R_DEADLOCK_DETECTED
    })
}

/// The connection is gone (closed, or ended by the server: a restart,
/// `pg_terminate_backend`), and with it any transaction it had open.
fn lost(e: &tokio_postgres::Error) -> bool {
    e.is_closed()
        || e.code().is_some_and(|c| {
            *c == SqlState::ADMIN_SHUTDOWN
                || *c == SqlState::CRASH_SHUTDOWN
                || *c == SqlState::CANNOT_CONNECT_NOW
        })
}

/// A connection that could not be made or was lost, in one line: the
/// driver's message names the cause (refused, wrong password, no such
/// database, TLS) and never the password.
fn connection_error(shown: &str, e: &tokio_postgres::Error) -> Error {
    if let Some(db) = e.as_db_error() {
        let code = db.code();
        // A wrong password or user is said as such; anything else (no
        // such database, too many connections) in the server's words.
        let why = if *code == SqlState::INVALID_PASSWORD
            || *code == SqlState::INVALID_AUTHORIZATION_SPECIFICATION
        {
            format!("the login was refused ({})", db.message())
        } else {
            db.message().to_owned()
        };
        return Error::Unavailable(format!("cannot use PostgreSQL at {shown}: {why}"));
    }
    let mut why = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        why = format!("{why}: {s}");
        source = s.source();
    }
    Error::Unavailable(format!("cannot reach PostgreSQL at {shown}: {why}"))
}

/// Which unique value a violated constraint guards.
fn taken(e: &tokio_postgres::Error, account: &crate::domain::Account) -> Option<Taken> {
    let db = e.as_db_error()?;
    if *db.code() != SqlState::UNIQUE_VIOLATION {
        return None;
    }
    let u = &account.user;
    match db.constraint()? {
        "users_pkey" => Some(Taken::Id(u.id)),
        "users_username_unique" => Some(Taken::Username(u.username.clone())),
        "users_email_unique" => Some(Taken::Email(u.email.clone())),
        _ => None,
    }
}
