//! Passwords and tokens: logging in, turning a token into a session,
//! logging out, and the hashing threads every password check runs on.

use std::time::Duration;

use uuid::Uuid;

use super::{Durable, Service, Session};
use crate::domain::audit::{Action, Event, Origin};
use crate::domain::{Password, Timestamp, User, UserRef};
use crate::error::{Error, Result};
use crate::hashing;
use crate::ops::{Credentials, PasswordChoice};
use crate::pool::HashPool;
use crate::token::{Claims, IssuedToken};
use serde_json::json;

impl Service {
    /// Checks a password and issues a token. An unknown user, a wrong password and
    /// a blocked account fail alike, after the same amount of work.
    pub(super) fn authenticate(&self, creds: &Credentials, origin: &Origin) -> Result<IssuedToken> {
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
        self.store.login_limit().begin(&login, client)?;
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
                self.store.login_limit().end(&login, client, None);
                return Err(e);
            }
        };
        let account = match account {
            Some(a) if verified && !a.user.blocked => a,
            _ => {
                self.store.login_limit().end(&login, client, Some(false));
                self.record_failed_login(&login, account.as_ref(), verified, origin)?;
                return Err(Error::AuthFailed);
            }
        };
        self.store.login_limit().end(&login, client, Some(true));
        let rehash = if hashing::needs_rehash(&account.password_hash) {
            Some(self.hash(&creds.password)?)
        } else {
            None
        };
        let now = Timestamp::now();
        let account = self.store.update(
            &UserRef::Id(account.user.id),
            &|acct| {
                let mut next = acct.clone();
                next.user.last_login_at = Some(now);
                if let Some(h) = &rehash
                    && acct.password_hash == account.password_hash
                {
                    next.password_hash = h.clone();
                }
                Ok(next)
            },
            origin,
        )?;
        keys.issue(&account.user, ttl)
    }

    /// A failed login's record: the name as given (it named no user) or the
    /// user it named, and why. It changes nothing, so the failure is told
    /// without waiting for a sync (the next commit, or the store's own
    /// timed flush, makes it durable): a stream of wrong passwords must not
    /// become a stream of syncs, nor take longer than a wrong password does.
    fn record_failed_login(
        &self,
        login: &str,
        account: Option<&crate::domain::Account>,
        verified: bool,
        origin: &Origin,
    ) -> Result<()> {
        let event = match account {
            Some(a) => Event::about(origin, Action::LoginFailed, a).with(
                "reason",
                json!(if verified {
                    "blocked"
                } else {
                    "wrong password"
                }),
            ),
            // A name that could be no user's (a password typed in the
            // wrong field, say) is not kept.
            None => Event {
                username: UserRef::parse(login).ok().map(|_| login.to_owned()),
                ..Event::new(origin, Action::LoginFailed)
            }
            .with("reason", json!("no such user")),
        };
        Ok(self.store.record(&event)?)
    }

    /// Turns a bearer token into a session, refusing tokens that are expired,
    /// revoked, or whose user is gone, blocked or has changed password since.
    pub fn session(&self, token: &str) -> Result<Session> {
        if crate::domain::PresentedKey::is_key(token) {
            return self.key_session(token);
        }
        let claims: Claims = self.keys()?.verify(token)?;
        let (revoked, holder) = self.store.token_check(claims.sub, &claims.jti)?;
        if revoked {
            return Err(Error::Unauthorized("token has been revoked".to_owned()));
        }
        let user = holder
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
            key: None,
            read_only: false,
        })
    }

    /// Revokes the session's token until it would have expired anyway.
    pub fn logout(&self, session: &Session, origin: &Origin) -> Result<Durable<()>> {
        if session.key.is_some() {
            return Err(Error::usage(
                "an API key does not log out: an admin revokes it (DELETE /keys/{name})",
            ));
        }
        let origin = origin.acting_as(&super::Actor::User(session.clone()));
        self.store
            .revoke(&session.jti, session.expires, session.user_id, &origin)?;
        Ok(Durable::written((), self.store.clone()))
    }

    pub(super) fn choose_password(
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

    /// For a server that is stopping: password checks not yet started are
    /// answered at once (as unavailable) instead of being carried out.
    pub fn stop_hashing(&self) {
        if let Some(pool) = self.hash_pool.get() {
            pool.close();
        }
    }

    pub(super) fn pool(&self) -> &HashPool {
        self.hash_pool.get_or_init(HashPool::for_this_machine)
    }

    pub(super) fn hash(&self, password: &Password) -> Result<String> {
        let p = password.clone();
        self.pool().run(move || hashing::hash(&p))?
    }

    pub(super) fn verify(&self, password: &Password, hash: &str) -> Result<bool> {
        let (p, h) = (password.clone(), hash.to_owned());
        self.pool().run(move || hashing::verify(&p, &h))
    }
}

/// The names a user logs in with, as the login throttle counts them.
pub(super) fn login_names(user: &User) -> [String; 2] {
    [
        user.username.as_str().to_owned(),
        user.email.as_str().to_lowercase(),
    ]
}

/// The login throttle's key for an account.
pub(super) fn throttle_key(id: Uuid) -> String {
    format!("id:{id}")
}
