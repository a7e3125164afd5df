//! API keys in SQL: `api_keys`, with the hash of each secret.

use std::time::SystemTime;

use tokio_postgres::Row;
use uuid::Uuid;

use super::audit::append;
use super::{Failure, PostgresStore, cached};
use crate::domain::audit::{Action, Event, Origin};
use crate::domain::{ApiKey, StoredKey, Timestamp, Username};
use crate::store::{Result, StoreError as Error, Taken};

const SELECT: &str = "k.id, k.name, k.user_id, u.username, k.read_only, k.created_at,
    k.expires_at, k.last_used_at, k.hash
    FROM api_keys k LEFT JOIN users u ON u.id = k.user_id";

fn stored(row: &Row) -> Result<StoredKey> {
    let bad = |e: String| Error::Unavailable(format!("database holds an unreadable API key: {e}"));
    let time = |t: Option<SystemTime>| t.map(Timestamp::from_system_time);
    let hash: Vec<u8> = row.get(8);
    Ok(StoredKey {
        key: ApiKey {
            id: row.get(0),
            name: Username::parse(row.get(1)).map_err(bad)?,
            user: row.get(2),
            username: row
                .get::<_, Option<&str>>(3)
                .map(Username::parse)
                .transpose()
                .map_err(bad)?,
            read_only: row.get(4),
            created_at: Timestamp::from_system_time(row.get(5)),
            expires_at: time(row.get(6)),
            last_used_at: time(row.get(7)),
        },
        hash: hash
            .try_into()
            .map_err(|_| bad("a hash of the wrong length".to_owned()))?,
    })
}

impl PostgresStore {
    pub(super) fn store_key(&self, new: &StoredKey, origin: &Origin) -> Result<()> {
        let k = &new.key;
        let (name, hash) = (k.name.as_str(), new.hash.as_slice());
        let created = k.created_at.to_system_time();
        let expires = k.expires_at.map(Timestamp::to_system_time);
        self.run(self.transaction(async |tx| {
            let username: Option<String> =
                cached::query_opt(tx, "SELECT username FROM users WHERE id = $1", &[&k.user])
                    .await?
                    .map(|r| r.get(0));
            if let Err(e) = cached::execute(
                tx,
                "INSERT INTO api_keys (id, name, user_id, hash, read_only, created_at, expires_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
                &[
                    &k.id,
                    &name,
                    &k.user,
                    &hash,
                    &k.read_only,
                    &created,
                    &expires,
                ],
            )
            .await
            {
                let taken = e
                    .as_db_error()
                    .is_some_and(|d| d.constraint() == Some("api_keys_name_unique"));
                return Err(match taken {
                    true => Failure::Store(Error::Taken(Taken::KeyName(k.name.clone()))),
                    false => Failure::Db(e),
                });
            }
            let named = ApiKey {
                username: username.and_then(|u| Username::parse(&u).ok()),
                ..k.clone()
            };
            append(tx, &[Event::about_key(origin, Action::KeyCreate, &named)]).await
        }))
    }

    pub(super) fn get_key(&self, id: Uuid) -> Result<Option<StoredKey>> {
        let sql = format!("SELECT {SELECT} WHERE k.id = $1");
        self.run(self.with_client(async |c| {
            Ok(cached::query_opt(c, &sql, &[&id])
                .await?
                .as_ref()
                .map(stored)
                .transpose()?)
        }))
    }

    pub(super) fn keys_page(&self, after: Option<Uuid>, limit: usize) -> Result<Vec<ApiKey>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let after = after.unwrap_or(Uuid::nil());
        let sql = format!("SELECT {SELECT} WHERE k.id > $1 ORDER BY k.id LIMIT $2");
        self.run(self.with_client(async |c| {
            cached::query(c, &sql, &[&after, &limit])
                .await?
                .iter()
                .map(|r| stored(r).map(|s| s.key))
                .collect::<Result<Vec<_>>>()
                .map_err(Failure::Store)
        }))
    }

    pub(super) fn remove_key(&self, name: &Username, origin: &Origin) -> Result<Option<ApiKey>> {
        let sql = format!("SELECT {SELECT} WHERE k.name = $1 FOR UPDATE OF k");
        self.run(self.transaction(async |tx| {
            let Some(row) = cached::query_opt(tx, &sql, &[&name.as_str()]).await? else {
                return Ok(None);
            };
            let found = stored(&row)?.key;
            cached::execute(tx, "DELETE FROM api_keys WHERE id = $1", &[&found.id]).await?;
            append(tx, &[Event::about_key(origin, Action::KeyRevoke, &found)]).await?;
            Ok(Some(found))
        }))
    }

    pub(super) fn note_key_use(&self, id: Uuid, at: Timestamp) -> Result<()> {
        let at = at.to_system_time();
        self.run(self.with_client(async |c| {
            cached::execute(
                c,
                "UPDATE api_keys SET last_used_at = $2
                 WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $2)",
                &[&id, &at],
            )
            .await?;
            Ok(())
        }))
    }
}
