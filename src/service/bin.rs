//! The recycle bin: deleted users kept for a while (the `bin_retention`
//! setting, 30 days unless changed), listed, restored whole, or purged.
//!
//! An entry older than the retention is never shown or restored, whether
//! or not it has been swept away yet: the sweep (at most hourly, after a
//! delete and from a running server) only gives its space back.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::Ordering;

use uuid::Uuid;

use super::users::{filter, ref_key};
use super::{RESTORE_BATCH, Service};
use crate::domain::audit::Origin;
use crate::domain::{Timestamp, User, UserRef, Username};
use crate::domain::{age_text, parse_age};
use crate::error::{Error, Result};
use crate::ops::{DeletedPage, DeletedUser, ListQuery, Refusal, RestoreReport, Settings};
use crate::store::{Binned, Purge, Restore, Restored, Taken};

/// The setting that holds the bin's retention, in seconds.
const RETENTION: &str = "bin_retention";
/// Unless set otherwise.
const DEFAULT_RETENTION_SECS: u64 = 30 * 86_400;
/// The setting that holds when the bin was last swept (unix seconds).
const SWEPT_AT: &str = "bin_swept_at";
/// How often the bin is swept at most.
const SWEEP_EVERY_SECS: u64 = 3600;
/// How often one process asks whether a sweep is due.
const CHECK_EVERY_SECS: u64 = 60;

impl Service {
    /// How long binned users are kept, in seconds.
    fn retention_secs(&self) -> Result<u64> {
        Ok(self
            .store
            .setting(RETENTION)?
            .and_then(|v| v.parse().ok())
            .unwrap_or(DEFAULT_RETENTION_SECS))
    }

    /// The oldest deletion the bin still holds: anything deleted before it
    /// has expired.
    fn bin_since(&self) -> Result<Timestamp> {
        let now = Timestamp::now();
        let keep = self.retention_secs()?.saturating_mul(1000);
        Ok(Timestamp::from_unix_millis(now.unix_millis().saturating_sub(keep)).unwrap_or(now))
    }

    /// Removes expired entries, unless that was done within the hour (by
    /// any process on the database); says how many went.
    pub fn sweep_bin(&self) -> Result<u64> {
        let now = Timestamp::now().unix_millis() / 1000;
        if now.saturating_sub(self.bin_checked.load(Ordering::Relaxed)) < CHECK_EVERY_SECS {
            return Ok(0);
        }
        self.bin_checked.store(now, Ordering::Relaxed);
        let swept = self
            .store
            .setting(SWEPT_AT)?
            .and_then(|v| v.parse::<u64>().ok());
        if swept.is_some_and(|t| now.saturating_sub(t) < SWEEP_EVERY_SECS) {
            return Ok(0);
        }
        let gone = self
            .store
            .purge(&Purge::Before(self.bin_since()?), &Origin::housekeeping())?;
        self.store.set_setting(SWEPT_AT, &now.to_string(), None)?;
        // The audit trail's old records go on the same round.
        self.prune_audit()?;
        Ok(gone)
    }

    /// `sweep_bin` after a delete: its failure does not undo the delete,
    /// which has been done; the next one tries again.
    pub(super) fn sweep_bin_now_and_then(&self) {
        if let Err(e) = self.sweep_bin() {
            tracing::warn!(error = %e, "sweeping the recycle bin failed");
        }
    }

    pub(super) fn list_deleted(&self, query: &ListQuery) -> Result<DeletedPage> {
        check_bin_query(query)?;
        let (limit, after) = query.bounds()?;
        let mut users: Vec<DeletedUser> = self
            .store
            .deleted_page(&filter(query), self.bin_since()?, after, limit + 1)?
            .into_iter()
            .map(deleted_user)
            .collect();
        let more = users.len() > limit;
        users.truncate(limit);
        let next_cursor = if more {
            users.last().map(|u| u.user.id.to_string())
        } else {
            None
        };
        Ok(DeletedPage { users, next_cursor })
    }

    pub(super) fn count_deleted(&self, query: &ListQuery) -> Result<u64> {
        check_bin_query(query)?;
        let (filter, since) = (filter(query), self.bin_since()?);
        let (mut count, mut after) = (0, None);
        loop {
            let page = self.store.deleted_page(&filter, since, after, 1000)?;
            count += page.len() as u64;
            match page.last() {
                Some(last) if page.len() == 1000 => after = Some(last.account.user.id),
                _ => return Ok(count),
            }
        }
    }

    /// The one binned user `user` names: a username or email freed by one
    /// delete may have been taken and deleted again, and then only the id
    /// tells them apart.
    fn one_binned(&self, user: &UserRef, since: Timestamp) -> Result<Binned> {
        let mut found = self
            .store
            .find_deleted(std::slice::from_ref(user), since)?
            .pop()
            .unwrap_or_default();
        match found.len() {
            0 => Err(not_in_bin(user)),
            1 => Ok(found.remove(0)),
            _ => Err(Error::Conflict(ambiguous(&user.to_string(), &found))),
        }
    }

    pub(super) fn restore_user(
        &self,
        user: &UserRef,
        rename: Option<Username>,
        origin: &Origin,
    ) -> Result<User> {
        if let Some(name) = &rename
            && self.config.reserved.contains(name.as_str())
        {
            return Err(Error::Conflict(format!("username {name} is reserved")));
        }
        let since = self.bin_since()?;
        let binned = self.one_binned(user, since)?;
        let restore = Restore {
            id: binned.account.user.id,
            rename,
        };
        match self.store.restore(&[restore], since, origin)?.pop() {
            Some(Restored::Back(account)) => Ok(account.user),
            Some(Restored::Taken(taken)) => Err(Error::Conflict(why_taken(&taken))),
            Some(Restored::Gone) | None => Err(not_in_bin(user)),
        }
    }

    /// Restores each named binned user, `RESTORE_BATCH` to a transaction,
    /// stopping between batches once `stop` says so.
    pub(super) fn restore_many(
        &self,
        names: &[String],
        origin: &Origin,
        stop: &dyn Fn() -> bool,
    ) -> Result<RestoreReport> {
        let mut seen = HashSet::new();
        let names: Vec<&str> = names
            .iter()
            .map(|s| s.trim())
            .filter(|s| seen.insert(*s))
            .collect();
        let since = self.bin_since()?;
        // Every name is looked up at once: the bin keeps no index of names.
        let refs: Vec<Option<UserRef>> = names.iter().map(|n| UserRef::parse(n).ok()).collect();
        let asked: Vec<UserRef> = refs.iter().flatten().cloned().collect();
        let mut found = self.store.find_deleted(&asked, since)?.into_iter();
        let found: Vec<Vec<Binned>> = refs
            .iter()
            .map(|r| match r {
                Some(_) => found.next().unwrap_or_default(),
                None => Vec::new(),
            })
            .collect();
        let mut report = RestoreReport::default();
        // Every name of each user restored, so that another name of one
        // already back is a duplicate, not a name nobody has.
        let mut back: HashSet<String> = HashSet::new();
        let mut chosen: HashMap<Uuid, &str> = HashMap::new();
        for (n, batch) in names.chunks(RESTORE_BATCH).enumerate() {
            if n > 0 && stop() {
                report.interrupted = true;
                report.remaining = names[n * RESTORE_BATCH..]
                    .iter()
                    .map(|s| (*s).to_owned())
                    .collect();
                break;
            }
            let offset = n * RESTORE_BATCH;
            let mut restores = Vec::new();
            let mut asking = Vec::new();
            for (i, name) in batch.iter().enumerate() {
                let matches = &found[offset + i];
                match matches.as_slice() {
                    [] => report.not_found.push((*name).to_owned()),
                    [one] => {
                        let id = one.account.user.id;
                        if chosen.insert(id, name).is_some() {
                            report.duplicates.push((*name).to_owned());
                        } else {
                            restores.push(Restore { id, rename: None });
                            asking.push(*name);
                        }
                    }
                    several => report.refused.push(Refusal {
                        user: (*name).to_owned(),
                        reason: ambiguous(name, several),
                    }),
                }
            }
            for (name, outcome) in asking
                .iter()
                .zip(self.store.restore(&restores, since, origin)?)
            {
                match outcome {
                    Restored::Back(account) => {
                        let u = &account.user;
                        back.insert(ref_key(&UserRef::Id(u.id)));
                        back.insert(ref_key(&UserRef::Username(u.username.clone())));
                        back.insert(ref_key(&UserRef::Email(u.email.clone())));
                        report.restored.push((*name).to_owned());
                    }
                    Restored::Taken(taken) => report.refused.push(Refusal {
                        user: (*name).to_owned(),
                        reason: why_taken(&taken),
                    }),
                    Restored::Gone => report.not_found.push((*name).to_owned()),
                }
            }
        }
        // A name not in the bin that names a user this run brought back
        // (its email, after its username) is a duplicate.
        let (dups, missing): (Vec<String>, Vec<String>) = report
            .not_found
            .drain(..)
            .partition(|name| UserRef::parse(name).is_ok_and(|r| back.contains(&ref_key(&r))));
        report.duplicates.extend(dups);
        report.not_found = missing;
        Ok(report)
    }

    /// Removes for good every binned user `user` names.
    pub(super) fn purge_user(&self, user: &UserRef, origin: &Origin) -> Result<u64> {
        let found = self
            .store
            .find_deleted(std::slice::from_ref(user), self.bin_since()?)?
            .pop()
            .unwrap_or_default();
        if found.is_empty() {
            return Err(not_in_bin(user));
        }
        let ids = found.iter().map(|b| b.account.user.id).collect();
        Ok(self.store.purge(&Purge::Ids(ids), origin)?)
    }

    /// Removes for good what was deleted more than `older_than` seconds
    /// ago, or everything.
    pub(super) fn empty_bin(&self, older_than: Option<u64>, origin: &Origin) -> Result<u64> {
        let before = match older_than {
            None => Timestamp::from_unix_millis(u64::MAX / 2).unwrap_or_else(Timestamp::now),
            Some(secs) => {
                let now = Timestamp::now();
                Timestamp::from_unix_millis(
                    now.unix_millis().saturating_sub(secs.saturating_mul(1000)),
                )
                .unwrap_or(now)
            }
        };
        Ok(self.store.purge(&Purge::Before(before), origin)?)
    }

    pub(super) fn settings(&self) -> Result<Settings> {
        Ok(Settings {
            bin_retention: age_text(self.retention_secs()?),
            audit_retention: age_text(self.audit_retention_secs()?),
        })
    }

    pub(super) fn set_setting(&self, name: &str, value: &str, origin: &Origin) -> Result<Settings> {
        let (key, secs) = parse_setting(name, value)?;
        self.store
            .set_setting(key, &secs.to_string(), Some(origin))?;
        self.settings()
    }
}

/// The setting `name` names (with `-` or `_`), and `value` in seconds; or
/// why not. Both settings are ages: `^[1-9][0-9]{0,5}[hdw]$`.
pub fn parse_setting(name: &str, value: &str) -> Result<(&'static str, u64)> {
    let key = match name.replace('-', "_").as_str() {
        RETENTION => RETENTION,
        super::audit::RETENTION => super::audit::RETENTION,
        _ => {
            return Err(Error::usage(format!(
                "{name} is not a setting; there are bin-retention and audit-retention"
            )));
        }
    };
    let secs = parse_age(value)
        .filter(|_| value.ends_with(['h', 'd', 'w']))
        .ok_or_else(|| {
            Error::invalid(
                key,
                "must be a whole number of up to six digits and a unit (h, d or w), \
                 such as 30d",
            )
        })?;
    Ok((key, secs))
}

fn deleted_user(binned: Binned) -> DeletedUser {
    DeletedUser {
        user: binned.account.user,
        deleted_at: binned.deleted_at,
    }
}

fn not_in_bin(user: &UserRef) -> Error {
    Error::NotFound(format!("user {user} is not in the recycle bin"))
}

fn ambiguous(user: &str, found: &[Binned]) -> String {
    let ids: Vec<String> = found
        .iter()
        .map(|b| b.account.user.id.to_string())
        .collect();
    format!(
        "{} deleted users are named {user}: name the one you mean by id ({})",
        found.len(),
        ids.join(", ")
    )
}

/// A binned user is in no group (until it is restored); the bin is listed
/// in id order only.
fn check_bin_query(query: &ListQuery) -> Result<()> {
    if query.group.is_some() {
        return Err(Error::invalid(
            "group",
            "the recycle bin is not listed by group: its users are in none until restored",
        ));
    }
    if query.sort.is_some_and(|s| !s.is_default()) {
        return Err(Error::invalid(
            "sort",
            "the recycle bin is listed in id order only",
        ));
    }
    Ok(())
}

/// Why a binned user cannot come back, and what to do about it.
fn why_taken(taken: &Taken) -> String {
    match taken {
        Taken::Username(_) => format!("{taken}: restore the user under another username"),
        Taken::Email(_) => {
            format!("{taken}: the user holding it must change it before this one can be restored")
        }
        Taken::Id(_) | Taken::GroupName(_) | Taken::KeyName(_) => taken.to_string(),
    }
}
