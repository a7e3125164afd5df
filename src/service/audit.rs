//! The audit trail as operators and admins read it: records selected and
//! paged, the chain verified, and old records pruned (the
//! `audit_retention` setting, 365 days unless changed).

use super::Service;
use crate::domain::audit::{AuditFilter, Origin, Verdict};
use crate::domain::{Timestamp, UserRef};
use crate::error::{Error, Result};
use crate::ops::{AuditEntry, AuditPage, AuditQuery};

/// The setting that holds how long records are kept, in seconds.
pub(super) const RETENTION: &str = "audit_retention";
pub(super) const DEFAULT_RETENTION_SECS: u64 = 365 * 86_400;
/// Records a page holds unless asked otherwise, and at most.
const PAGE: usize = 100;
const MAX_PAGE: usize = 1000;

impl Service {
    pub(super) fn audit(&self, query: &AuditQuery) -> Result<AuditPage> {
        let limit = query.limit.unwrap_or(PAGE);
        if !(1..=MAX_PAGE).contains(&limit) {
            return Err(Error::invalid(
                "limit",
                format!("must be between 1 and {MAX_PAGE}"),
            ));
        }
        let (user, username) = match &query.user {
            Some(user) => self.audit_subject(user)?,
            None => (None, None),
        };
        let filter = AuditFilter {
            user,
            username,
            actors: match &query.actor {
                Some(actor) => self.actor_names(actor)?,
                None => Vec::new(),
            },
            since: query.since,
            until: query.until,
            actions: query.actions.clone(),
        };
        // One more than asked for tells whether there are more.
        let mut records = self
            .store
            .audit_page(&filter, query.after.unwrap_or(0), limit + 1)?;
        let more = records.len() > limit;
        records.truncate(limit);
        let next_after = more.then(|| records.last().map(|(seq, _)| *seq)).flatten();
        Ok(AuditPage {
            records: records
                .into_iter()
                .map(|(seq, event)| AuditEntry { seq, event })
                .collect(),
            next_after,
        })
    }

    pub(super) fn verify_audit(&self) -> Result<Verdict> {
        Ok(self.store.audit_verify()?)
    }

    /// Whose records `user` asks for: the user it names here now or in the
    /// recycle bin, by id; else (a user purged for good) whoever had that
    /// username when the records were made.
    fn audit_subject(&self, user: &UserRef) -> Result<(Option<uuid::Uuid>, Option<String>)> {
        if let UserRef::Id(id) = user {
            return Ok((Some(*id), None));
        }
        if let Some(account) = self.store.get(user)? {
            return Ok((Some(account.user.id), None));
        }
        let binned = self
            .store
            .find_deleted(std::slice::from_ref(user), Timestamp::from_unix_seconds(0))?
            .pop()
            .unwrap_or_default();
        match (binned.as_slice(), user) {
            ([one], _) => Ok((Some(one.account.user.id), None)),
            ([], UserRef::Username(name)) => Ok((None, Some(name.as_str().to_owned()))),
            ([], _) => Err(Error::NotFound(format!(
                "user {user} not found (a user purged for good is named by its id or username)"
            ))),
            (several, _) => Err(Error::Conflict(format!(
                "{user} named {} deleted users; name one by its id",
                several.len()
            ))),
        }
    }

    /// The forms `actor` may be recorded in: as given, and, when it names
    /// a user, that user's token.
    fn actor_names(&self, actor: &str) -> Result<Vec<String>> {
        let mut names = vec![actor.to_owned()];
        if let Ok(user) = UserRef::parse(actor) {
            match user {
                UserRef::Id(id) => names.push(Origin::user_actor(id)),
                other => {
                    if let Some(account) = self.store.get(&other)? {
                        names.push(Origin::user_actor(account.user.id));
                    }
                }
            }
        }
        Ok(names)
    }

    pub(super) fn audit_retention_secs(&self) -> Result<u64> {
        Ok(self
            .store
            .setting(RETENTION)?
            .and_then(|v| v.parse().ok())
            .unwrap_or(DEFAULT_RETENTION_SECS))
    }

    /// Removes records older than the retention; the chain stays
    /// verifiable from the last one removed.
    pub(super) fn prune_audit(&self) -> Result<u64> {
        let now = Timestamp::now();
        let keep = self.audit_retention_secs()?.saturating_mul(1000);
        let before =
            Timestamp::from_unix_millis(now.unix_millis().saturating_sub(keep)).unwrap_or(now);
        Ok(self.store.audit_prune(before)?)
    }
}
