//! An account as a row of `users`, and back. The row keeps two columns the
//! account does not show: `email_key` (the email without case, which the
//! UNIQUE constraint holds) and `search_name` (the display name in lower
//! case, for `--search`), both computed here so that every engine agrees
//! with Rust's idea of case. The attributes are `json`, not `jsonb`: `jsonb`
//! refuses a `\u0000` in a string, which the attributes may hold.

use std::time::SystemTime;

use serde_json::Value;
use tokio_postgres::Row;
use tokio_postgres::types::ToSql;
use uuid::Uuid;

use crate::domain::{Account, Attributes, DisplayName, Email, Role, Timestamp, User, Username};
use crate::store::{Result, StoreError as Error};

/// The columns an account is read from, in `account`'s order.
pub(super) const SELECT: &str = "id, username, email, name, role, blocked, block_reason, \
     must_change_password, attributes, password_hash, tokens_after, created_at, updated_at, \
     password_changed_at, last_login_at";

/// The columns an insert writes, in `Values`' order.
pub(super) const INSERT: &str = "id, username, email, email_key, name, search_name, role, \
     blocked, block_reason, must_change_password, attributes, password_hash, tokens_after, \
     created_at, updated_at, password_changed_at, last_login_at";

/// The SQL types of `INSERT`'s columns, for `unnest` of one array each.
pub(super) const INSERT_TYPES: [&str; 17] = [
    "uuid",
    "text",
    "text",
    "text",
    "text",
    "text",
    "text",
    "bool",
    "text",
    "bool",
    "json",
    "text",
    "timestamptz",
    "timestamptz",
    "timestamptz",
    "timestamptz",
    "timestamptz",
];

/// An account's values for `INSERT`'s columns.
pub(super) struct Values {
    pub id: Uuid,
    pub username: String,
    pub email: String,
    pub email_key: String,
    pub name: Option<String>,
    pub search_name: Option<String>,
    pub role: &'static str,
    pub blocked: bool,
    pub block_reason: Option<String>,
    pub must_change_password: bool,
    pub attributes: Value,
    pub password_hash: String,
    pub tokens_after: Option<SystemTime>,
    pub created_at: SystemTime,
    pub updated_at: SystemTime,
    pub password_changed_at: SystemTime,
    pub last_login_at: Option<SystemTime>,
}

impl Values {
    pub fn of(account: &Account) -> Values {
        let u = &account.user;
        Values {
            id: u.id,
            username: u.username.as_str().to_owned(),
            email: u.email.as_str().to_owned(),
            email_key: u.email.key(),
            name: u.name.as_ref().map(|n| n.as_str().to_owned()),
            search_name: u.name.as_ref().map(|n| n.as_str().to_lowercase()),
            role: u.role.as_str(),
            blocked: u.blocked,
            block_reason: u.block_reason.clone(),
            must_change_password: u.must_change_password,
            attributes: serde_json::to_value(&u.attributes).unwrap_or(Value::Null),
            password_hash: account.password_hash.clone(),
            tokens_after: account.tokens_after.map(Timestamp::to_system_time),
            created_at: u.created_at.to_system_time(),
            updated_at: u.updated_at.to_system_time(),
            password_changed_at: u.password_changed_at.to_system_time(),
            last_login_at: u.last_login_at.map(Timestamp::to_system_time),
        }
    }

    /// As query parameters, in `INSERT`'s order.
    pub fn params(&self) -> [&(dyn ToSql + Sync); 17] {
        [
            &self.id,
            &self.username,
            &self.email,
            &self.email_key,
            &self.name,
            &self.search_name,
            &self.role,
            &self.blocked,
            &self.block_reason,
            &self.must_change_password,
            &self.attributes,
            &self.password_hash,
            &self.tokens_after,
            &self.created_at,
            &self.updated_at,
            &self.password_changed_at,
            &self.last_login_at,
        ]
    }
}

/// The account in a row selected with `SELECT`; a value no usersctl would
/// have written (edited by hand) is refused, naming the user.
pub(super) fn account(row: &Row) -> Result<Account> {
    let id: Uuid = row.try_get(0).map_err(unreadable_row)?;
    let bad = |field: &str, why: String| {
        Error::Internal(format!(
            "user {id} has a stored {field} usersctl cannot read: {why}"
        ))
    };
    let get = |i: usize| -> Result<Option<String>> {
        row.try_get::<_, Option<String>>(i)
            .map_err(|e| bad("value", e.to_string()))
    };
    let time = |i: usize| -> Result<Option<Timestamp>> {
        row.try_get::<_, Option<SystemTime>>(i)
            .map(|t| t.map(Timestamp::from_system_time))
            .map_err(|e| bad("time", e.to_string()))
    };
    let required = |i: usize, field: &str| -> Result<Timestamp> {
        time(i)?.ok_or_else(|| bad(field, "it is empty".to_owned()))
    };
    let username = Username::parse(&get(1)?.unwrap_or_default()).map_err(|e| bad("username", e))?;
    let email = Email::parse(&get(2)?.unwrap_or_default()).map_err(|e| bad("email", e))?;
    let name = get(3)?
        .map(|n| DisplayName::parse(&n))
        .transpose()
        .map_err(|e| bad("name", e))?;
    let role: Role = get(4)?
        .unwrap_or_default()
        .parse()
        .map_err(|e: String| bad("role", e))?;
    let attributes = match row.try_get::<_, Value>(8) {
        Ok(Value::Object(map)) => Attributes::from_stored(map),
        Ok(_) => return Err(bad("attributes", "not a JSON object".to_owned())),
        Err(e) => return Err(bad("attributes", e.to_string())),
    };
    let flag =
        |i: usize| -> Result<bool> { row.try_get(i).map_err(|e| bad("flag", e.to_string())) };
    Ok(Account {
        user: User {
            id,
            username,
            email,
            name,
            role,
            blocked: flag(5)?,
            block_reason: get(6)?,
            must_change_password: flag(7)?,
            attributes,
            created_at: required(11, "created_at")?,
            updated_at: required(12, "updated_at")?,
            password_changed_at: required(13, "password_changed_at")?,
            last_login_at: time(14)?,
        },
        password_hash: get(9)?.unwrap_or_default(),
        tokens_after: time(10)?,
    })
}

fn unreadable_row(e: tokio_postgres::Error) -> Error {
    Error::Internal(format!("a users row usersctl cannot read: {e}"))
}
