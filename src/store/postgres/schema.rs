//! The schema, in numbered steps of one statement each (engines that speak
//! PostgreSQL's protocol do not all run several DDL statements atomically),
//! and `usersctl migrate`, which applies the missing ones.
//!
//! Two migrations at once take turns through a lock row (`usersctl_schema`,
//! one row): a process claims it with a conditional UPDATE, applies the
//! steps, bumping the version after each, and lets it go. A claim older
//! than `STALE_CLAIM` belongs to a process that died and is taken over.
//! Advisory locks would do it on PostgreSQL alone.

use std::time::{Duration, Instant};

use tokio_postgres::error::SqlState;

use super::PostgresStore;
use crate::store::{Result, StoreError as Error};

/// The schema this usersctl writes: the number of steps.
pub const SCHEMA_VERSION: i32 = STEPS.len() as i32;

/// Applied in order; step `n` takes the schema from version `n` to `n + 1`.
/// Never edit a step that has shipped: add one.
const STEPS: &[&str] = &[
    "CREATE TABLE users (
        id uuid PRIMARY KEY,
        username text NOT NULL CONSTRAINT users_username_unique UNIQUE,
        email text NOT NULL,
        email_key text NOT NULL CONSTRAINT users_email_unique UNIQUE,
        name text,
        search_name text,
        role text NOT NULL,
        blocked boolean NOT NULL,
        block_reason text,
        must_change_password boolean NOT NULL,
        attributes json NOT NULL,
        password_hash text NOT NULL,
        tokens_after timestamptz,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        password_changed_at timestamptz NOT NULL,
        last_login_at timestamptz
    )",
    // The clean-up selections (`users list --inactive-for`, `--created-…`)
    // are served by indexes, not a scan.
    "CREATE INDEX users_seen ON users (coalesce(last_login_at, created_at))",
    "CREATE INDEX users_created ON users (created_at)",
    "CREATE TABLE revoked_tokens (
        jti text PRIMARY KEY,
        expires_at timestamptz NOT NULL
    )",
    "CREATE INDEX revoked_tokens_expiry ON revoked_tokens (expires_at)",
    // Failed logins by name as typed and client address ('' for the
    // command line), and attempts being checked (see `throttle`).
    "CREATE TABLE login_attempts (
        name text NOT NULL,
        client text NOT NULL,
        failures integer NOT NULL DEFAULT 0,
        pending integer NOT NULL DEFAULT 0,
        pending_since timestamptz,
        next_allowed timestamptz NOT NULL,
        last_failure timestamptz NOT NULL,
        PRIMARY KEY (name, client)
    )",
    // Failures by name over all addresses, in an hour's window.
    "CREATE TABLE login_windows (
        name text PRIMARY KEY,
        window_start timestamptz NOT NULL,
        failures integer NOT NULL
    )",
    "CREATE TABLE settings (
        name text PRIMARY KEY,
        value text NOT NULL
    )",
    // The recycle bin: `users`' columns and when the row was deleted. Its
    // names are not unique (a name freed by a delete may be taken and
    // deleted again); restoring puts a row back under `users`' constraints.
    "CREATE TABLE deleted_users (
        id uuid PRIMARY KEY,
        username text NOT NULL,
        email text NOT NULL,
        email_key text NOT NULL,
        name text,
        search_name text,
        role text NOT NULL,
        blocked boolean NOT NULL,
        block_reason text,
        must_change_password boolean NOT NULL,
        attributes json NOT NULL,
        password_hash text NOT NULL,
        tokens_after timestamptz,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        password_changed_at timestamptz NOT NULL,
        last_login_at timestamptz,
        deleted_at timestamptz NOT NULL
    )",
    "CREATE INDEX deleted_users_deleted_at ON deleted_users (deleted_at)",
    "CREATE INDEX deleted_users_username ON deleted_users (username)",
    "CREATE INDEX deleted_users_email_key ON deleted_users (email_key)",
    // `--never-logged-in` (alone, or with `--created-…`) from an index too.
    "CREATE INDEX users_never_logged_in ON users (created_at) WHERE last_login_at IS NULL",
    // The audit trail: each record's body as sealed (text, byte for byte:
    // json or jsonb would not keep it), its hash, and the columns a search
    // uses, which `audit verify` holds against the body.
    "CREATE TABLE audit (
        seq bigint PRIMARY KEY,
        at timestamptz NOT NULL,
        action text NOT NULL,
        actor text NOT NULL,
        user_ids uuid[] NOT NULL,
        body text NOT NULL,
        hash bytea NOT NULL
    )",
    // Every user a record names (one, or a bulk change's many).
    "CREATE INDEX audit_users ON audit USING gin (user_ids)",
    "CREATE INDEX audit_at ON audit (at)",
    // The chain's last record and the anchor pruning left: one row, whose
    // lock every writing transaction takes last.
    "CREATE TABLE audit_head (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        seq bigint NOT NULL,
        hash bytea NOT NULL,
        anchor_seq bigint NOT NULL,
        anchor_hash bytea NOT NULL
    )",
    "INSERT INTO audit_head (seq, hash, anchor_seq, anchor_hash)
     VALUES (0, decode(repeat('00', 32), 'hex'), 0, decode(repeat('00', 32), 'hex'))",
    // Groups, and their members: a user's memberships go with it.
    "CREATE TABLE groups (
        id uuid PRIMARY KEY,
        name text NOT NULL CONSTRAINT groups_name_unique UNIQUE,
        display_name text,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
    )",
    "CREATE TABLE group_members (
        group_id uuid NOT NULL REFERENCES groups ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users ON DELETE CASCADE,
        PRIMARY KEY (group_id, user_id)
    )",
    "CREATE INDEX group_members_user ON group_members (user_id)",
    // The groups a binned user was in, for its restore. Checked at the
    // commit: a delete copies them before the user's row moves to the bin.
    "CREATE TABLE binned_members (
        user_id uuid NOT NULL REFERENCES deleted_users ON DELETE CASCADE
            DEFERRABLE INITIALLY DEFERRED,
        group_id uuid NOT NULL REFERENCES groups ON DELETE CASCADE,
        PRIMARY KEY (user_id, group_id)
    )",
    "CREATE INDEX binned_members_group ON binned_members (group_id)",
    // API keys: the hash of each secret, never the secret. A key outlives
    // its user's row (a binned user's keys are dead by its `tokens_after`,
    // and stay so).
    "CREATE TABLE api_keys (
        id uuid PRIMARY KEY,
        name text NOT NULL CONSTRAINT api_keys_name_unique UNIQUE,
        user_id uuid NOT NULL,
        hash bytea NOT NULL,
        read_only boolean NOT NULL,
        created_at timestamptz NOT NULL,
        expires_at timestamptz,
        last_used_at timestamptz
    )",
    // A group's id at the identity provider that made it (SCIM externalId).
    "ALTER TABLE groups ADD COLUMN external_id text",
    // `users list --sort username|email` compares bytes, as sled does,
    // whatever the database's collation: served by these.
    "CREATE INDEX users_username_bytes ON users (username COLLATE \"C\")",
    "CREATE INDEX users_email_key_bytes ON users (email_key COLLATE \"C\")",
];

/// A claim on the lock row this old is a dead process's.
const STALE_CLAIM: Duration = Duration::from_secs(600);
/// How long `migrate` waits for another migration to finish.
const WAIT_FOR_OTHER: Duration = Duration::from_secs(120);

const CREATE_LOCK_TABLE: &str = "CREATE TABLE IF NOT EXISTS usersctl_schema (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    version integer NOT NULL,
    claimed_by uuid,
    claimed_at timestamptz
)";

/// What `migrate` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Migrated {
    pub from: i32,
    pub to: i32,
}

/// The error of a database that has no usersctl schema.
pub(super) fn missing(shown: &str) -> Error {
    Error::Unavailable(format!(
        "{shown} has no usersctl schema: run `usersctl migrate` with the same --db first"
    ))
}

/// Refuses a database whose schema is not this usersctl's.
pub(super) async fn check(store: &PostgresStore) -> Result<()> {
    let version = store
        .with_client(async |c| {
            match c
                .query_opt("SELECT version FROM usersctl_schema", &[])
                .await
            {
                Ok(row) => Ok(row.map(|r| r.get::<_, i32>(0))),
                Err(e) if e.code() == Some(&SqlState::UNDEFINED_TABLE) => Ok(None),
                Err(e) => Err(e.into()),
            }
        })
        .await?;
    judge(&store.shown, version.unwrap_or(0))
}

fn judge(shown: &str, version: i32) -> Result<()> {
    match version {
        0 => Err(missing(shown)),
        v if v < SCHEMA_VERSION => Err(Error::Unavailable(format!(
            "{shown} has usersctl schema version {v}, older than this usersctl's \
             ({SCHEMA_VERSION}): run `usersctl migrate` with the same --db"
        ))),
        v if v > SCHEMA_VERSION => Err(Error::Unavailable(format!(
            "{shown} has usersctl schema version {v}, newer than this usersctl supports \
             ({SCHEMA_VERSION}); upgrade usersctl"
        ))),
        _ => Ok(()),
    }
}

/// Creates or upgrades the schema; safe to run from several places at once.
pub fn migrate(store: &PostgresStore) -> Result<Migrated> {
    store.run(migrate_async(store))
}

async fn migrate_async(store: &PostgresStore) -> Result<Migrated> {
    let me = uuid::Uuid::new_v4();
    let client = store.client().await?;
    let e = |e| store.error(e);
    // Two first migrations at once may both try to create the table; the
    // loser's "already exists" is fine.
    for _ in 0..5 {
        match client.batch_execute(CREATE_LOCK_TABLE).await {
            Ok(()) => break,
            Err(err)
                if err.code() == Some(&SqlState::UNIQUE_VIOLATION)
                    || err.code() == Some(&SqlState::DUPLICATE_TABLE)
                    || super::retryable(&err) =>
            {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Err(err) => return Err(e(err)),
        }
    }
    insert_lock_row(&client, store).await?;
    let deadline = Instant::now() + WAIT_FOR_OTHER;
    let from = loop {
        let claimed = client
            .query_opt(
                "UPDATE usersctl_schema SET claimed_by = $1, claimed_at = now()
                 WHERE claimed_by IS NULL OR claimed_at < now() - make_interval(secs => $2)
                 RETURNING version",
                &[&me, &(STALE_CLAIM.as_secs_f64())],
            )
            .await;
        match claimed {
            Ok(Some(row)) => break row.get::<_, i32>(0),
            Ok(None) if Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Ok(None) => {
                return Err(Error::Unavailable(format!(
                    "{}: another `usersctl migrate` has held the schema for over {} s",
                    store.shown,
                    WAIT_FOR_OTHER.as_secs()
                )));
            }
            Err(err) if super::retryable(&err) => {}
            Err(err) => return Err(e(err)),
        }
    };
    let outcome = apply_steps(&client, store, me, from).await;
    // Let go whatever happened; a claim left behind goes stale anyway.
    let _ = client
        .execute(
            "UPDATE usersctl_schema SET claimed_by = NULL, claimed_at = NULL WHERE claimed_by = $1",
            &[&me],
        )
        .await;
    outcome.map(|to| Migrated { from, to })
}

async fn insert_lock_row(client: &tokio_postgres::Client, store: &PostgresStore) -> Result<()> {
    for attempt in 1.. {
        match client
            .execute(
                "INSERT INTO usersctl_schema (singleton, version) VALUES (true, 0)
                 ON CONFLICT DO NOTHING",
                &[],
            )
            .await
        {
            Ok(_) => return Ok(()),
            Err(err) if super::retryable(&err) && attempt < 10 => {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            Err(err) => return Err(store.error(err)),
        }
    }
    Ok(())
}

async fn apply_steps(
    client: &tokio_postgres::Client,
    store: &PostgresStore,
    me: uuid::Uuid,
    from: i32,
) -> Result<i32> {
    if from > SCHEMA_VERSION {
        return judge(&store.shown, from).map(|()| from);
    }
    for (n, step) in STEPS.iter().enumerate().skip(from.max(0) as usize) {
        let next = n as i32 + 1;
        // The step and the version it makes, together (one simple query
        // is one transaction): a migration cut short leaves neither.
        let script = format!(
            "{step};\nUPDATE usersctl_schema SET version = {next} WHERE claimed_by = '{me}'"
        );
        client.batch_execute(&script).await.map_err(|e| {
            Error::Unavailable(format!(
                "{}: schema step {next} failed: {}",
                store.shown,
                e.as_db_error()
                    .map(|d| d.message().to_owned())
                    .unwrap_or_else(|| e.to_string())
            ))
        })?;
    }
    Ok(SCHEMA_VERSION)
}
