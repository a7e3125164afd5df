//! API keys: made for a user, listed without their secrets, revoked; and a
//! request's key turned into a session of its user.

use std::time::{Duration, Instant};

use super::{Service, Session};
use crate::domain::audit::Origin;
use crate::domain::{ApiKey, PresentedKey, StoredKey, Timestamp, UserRef, Username};
use crate::error::{Error, Result};
use crate::ops::{CreatedKey, GroupQuery, KeyPage, ListQuery, NewKey};

/// How often a key's `last_used_at` is written, at most.
const TOUCH_EVERY: Duration = Duration::from_secs(60);

fn refused(why: &str) -> Error {
    Error::Unauthorized(format!("API key {why}"))
}

impl Service {
    pub(super) fn create_key(&self, new: NewKey, origin: &Origin) -> Result<CreatedKey> {
        let account = self
            .store
            .get(&new.user)?
            .ok_or_else(|| Error::NotFound(format!("user {} not found", new.user)))?;
        let expires_at = new
            .expires_in
            .map(|secs| {
                let now = Timestamp::now().unix_millis();
                secs.checked_mul(1000)
                    .and_then(|ms| now.checked_add(ms))
                    .and_then(Timestamp::from_unix_millis)
                    .ok_or_else(|| Error::invalid("expires", "is too far in the future"))
            })
            .transpose()?;
        let (mut stored, text) =
            StoredKey::generate(new.name, account.user.id, new.read_only, expires_at)
                .map_err(Error::internal)?;
        self.store.insert_key(&stored, origin)?;
        stored.key.username = Some(account.user.username);
        Ok(CreatedKey {
            key: text,
            about: stored.key,
        })
    }

    pub(super) fn list_keys(&self, query: &GroupQuery) -> Result<KeyPage> {
        let bounds = ListQuery {
            limit: query.limit,
            cursor: query.cursor.clone(),
            ..ListQuery::default()
        };
        let (limit, after) = bounds.bounds()?;
        let mut data = self.store.key_page(after, limit + 1)?;
        let more = data.len() > limit;
        data.truncate(limit);
        let next_cursor = if more {
            data.last().map(|k| k.id.to_string())
        } else {
            None
        };
        Ok(KeyPage { data, next_cursor })
    }

    pub(super) fn revoke_key(&self, name: &Username, origin: &Origin) -> Result<ApiKey> {
        self.store
            .revoke_key(name, origin)?
            .ok_or_else(|| Error::NotFound(format!("API key {name} not found")))
    }

    /// The session of a request that presents an API key: refused unless
    /// the key exists (on this database: a key revoked on any instance is
    /// gone), has not expired, and its user exists, is not blocked, and has
    /// not been blocked or deleted since the key was made.
    pub(super) fn key_session(&self, text: &str) -> Result<Session> {
        let presented = PresentedKey::parse(text).ok_or_else(|| refused("is malformed"))?;
        let stored = self
            .store
            .key(presented.id)?
            .filter(|k| k.matches(&presented))
            .ok_or_else(|| refused("is not valid (revoked, or never issued)"))?;
        let key = &stored.key;
        let now = Timestamp::now();
        if key.expires_at.is_some_and(|at| at <= now) {
            return Err(refused("has expired"));
        }
        let account = self
            .store
            .get(&UserRef::Id(key.user))?
            .ok_or_else(|| refused("belongs to a user who no longer exists"))?;
        if account.user.blocked {
            return Err(Error::Forbidden("account is blocked".to_owned()));
        }
        if account
            .tokens_after
            .is_some_and(|after| key.created_at < after)
        {
            return Err(refused(
                "was made before its user was blocked or deleted; make a new one",
            ));
        }
        self.touch(key, now);
        Ok(Session {
            user_id: key.user,
            role: account.user.role,
            must_change_password: account.user.must_change_password,
            jti: format!("key:{}", key.id),
            expires: key.expires_at.map_or(u64::MAX, Timestamp::unix_seconds),
            key: Some(key.id),
            read_only: key.read_only,
        })
    }

    /// Notes the key's use, at most once a minute from this process; a
    /// failure to note it does not refuse the request.
    fn touch(&self, key: &ApiKey, now: Timestamp) {
        let due = {
            let mut touched = self.keys_touched.lock().unwrap_or_else(|p| p.into_inner());
            if touched.len() > 100_000 {
                touched.clear();
            }
            let due = touched
                .get(&key.id)
                .is_none_or(|at| at.elapsed() >= TOUCH_EVERY);
            if due {
                touched.insert(key.id, Instant::now());
            }
            due
        };
        if due && let Err(e) = self.store.touch_key(key.id, now) {
            tracing::warn!(error = %e, "noting an API key's use failed");
        }
    }
}
