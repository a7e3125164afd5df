//! Reading and changing users one at a time, and deleting them in bulk.

use std::collections::HashSet;

use uuid::Uuid;

use super::auth::throttle_key;
use super::{DELETE_BATCH, Durable, Service, not_found};
use crate::domain::audit::Origin;
use crate::domain::{Account, SortKey, Timestamp, User, UserRef};
use crate::error::{Error, Result};
use crate::ops::{DeleteMany, DeleteManyReport, ListQuery, NewUser, Page, Saved, UserPatch};
use crate::store::{Deletion, Filter};

impl Service {
    pub(super) fn get(&self, user: &UserRef) -> Result<User> {
        self.store
            .get(user)?
            .map(|a| a.user)
            .ok_or_else(|| not_found(user))
    }

    pub(super) fn create(&self, new: NewUser, origin: &Origin) -> Result<Saved> {
        let profile = new.profile;
        if self.config.reserved.contains(profile.username.as_str()) {
            return Err(Error::Conflict(format!(
                "username {} is reserved",
                profile.username
            )));
        }
        let (password, generated) = self.choose_password(
            new.password,
            &[profile.username.as_str(), profile.email.as_str()],
        )?;
        let password_hash = self.hash(&password)?;
        let account = Account {
            tokens_after: None,
            user: profile.into_user(Uuid::now_v7(), Timestamp::now()),
            password_hash,
        };
        self.store.insert(&account, origin)?;
        Ok(Saved {
            user: account.user,
            generated_password: generated,
        })
    }

    /// Applies `patch`. When `own` (users changing their own account), a
    /// password change must prove the current password.
    pub(super) fn update(
        &self,
        user: &UserRef,
        patch: UserPatch,
        own: bool,
        origin: &Origin,
    ) -> Result<Saved> {
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
                self.store.login_limit().begin(&key, None)?;
                let verified = self.verify(proof, &current.password_hash);
                self.store
                    .login_limit()
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
        let account = self.store.update(
            &target,
            &|acct| {
                if expected_hash
                    .as_ref()
                    .is_some_and(|h| *h != acct.password_hash)
                {
                    return Err(Error::Conflict(
                        "the password changed meanwhile; try again".to_owned(),
                    ));
                }
                patch.apply(acct, new_hash.as_deref(), own, now)
            },
            origin,
        )?;
        Ok(Saved {
            user: account.user,
            generated_password: generated,
        })
    }

    /// To the recycle bin, or with `purge` gone for good.
    pub(super) fn delete(&self, user: &UserRef, purge: bool, origin: &Origin) -> Result<User> {
        let how = match purge {
            true => Deletion::Purge,
            false => Deletion::Bin(Timestamp::now()),
        };
        let mut outcome = self
            .store
            .delete_many(std::slice::from_ref(user), how, origin)?;
        let deleted = outcome
            .pop()
            .flatten()
            .map(|a| a.user)
            .ok_or_else(|| not_found(user))?;
        if !purge {
            self.sweep_bin_now_and_then();
        }
        Ok(deleted)
    }

    /// A page of users in the query's order. Its cursor is where the last
    /// user stands in that order: its id, username or email.
    pub(super) fn list(&self, query: &ListQuery) -> Result<Page> {
        let sort = query.sort.unwrap_or_default();
        let cursor = query.cursor.as_deref();
        let (limit, after) = match sort.key {
            SortKey::Id => query.bounds()?,
            // Any text is a place in a name's order, but none holds a NUL.
            SortKey::Username | SortKey::Email if cursor.is_some_and(|c| c.contains('\0')) => {
                return Err(Error::bad_cursor());
            }
            SortKey::Username | SortKey::Email => (query.page_size()?, None),
        };
        let filter = self.filter(query)?;
        // One more than asked for tells whether there are more.
        let accounts = match sort.is_default() {
            true => self.store.page(&filter, after, limit + 1)?,
            false => self.store.sorted_page(&filter, sort, cursor, limit + 1)?,
        };
        let mut users: Vec<User> = accounts.into_iter().map(|a| a.user).collect();
        let more = users.len() > limit;
        users.truncate(limit);
        let next_cursor = match more {
            true => users.last().map(|u| sort.position(u)),
            false => None,
        };
        Ok(Page { users, next_cursor })
    }

    pub(super) fn count(&self, query: &ListQuery) -> Result<u64> {
        Ok(self.store.count(&self.filter(query)?)?)
    }

    /// A bulk delete that tells `progress` how many names it has handled
    /// so far, and stops between batches once `stop` says so.
    pub fn delete_many(
        &self,
        req: &DeleteMany,
        origin: &Origin,
        progress: &dyn Fn(u64),
        stop: &dyn Fn() -> bool,
    ) -> Result<Durable<DeleteManyReport>> {
        let report = self.delete_each(req, origin, progress, stop);
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
    pub(super) fn delete_each(
        &self,
        req: &DeleteMany,
        origin: &Origin,
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
        let how = match (req.dry_run, req.purge) {
            (true, _) => Deletion::DryRun,
            (false, true) => Deletion::Purge,
            (false, false) => Deletion::Bin(Timestamp::now()),
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
            let outcomes = self.store.delete_many(&only_refs, how, origin)?;
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
        if matches!(how, Deletion::Bin(_)) {
            self.sweep_bin_now_and_then();
        }
        Ok(report)
    }
}

impl Service {
    /// What a listing selects, as the store filters: a group named is
    /// looked up (404 if there is none).
    pub(super) fn filter(&self, query: &ListQuery) -> Result<Filter> {
        let mut filter = filter(query);
        if let Some(group) = &query.group {
            let found = self
                .store
                .group(group)?
                .ok_or_else(|| Error::NotFound(format!("group {group} not found")))?;
            filter.group = Some(found.id);
        }
        Ok(filter)
    }
}

/// What a listing selects, as the store filters (a group aside: see
/// `Service::filter`).
pub(super) fn filter(query: &ListQuery) -> Filter {
    let now = Timestamp::now();
    Filter {
        role: query.role,
        blocked: query.blocked,
        must_change_password: query.must_change_password,
        search: query.search.as_deref().map(str::to_lowercase),
        never_logged_in: query.never_logged_in,
        inactive_since: query.inactive_for.map(|secs| {
            Timestamp::from_unix_millis(now.unix_millis().saturating_sub(secs.saturating_mul(1000)))
                .unwrap_or(now)
        }),
        created_before: query.created_before,
        created_after: query.created_after,
        group: None,
    }
}

/// What became of one name in a bulk delete.
#[derive(Clone, Copy)]
enum Verdict {
    Deleted,
    Duplicate,
    NotFound,
}

/// A reference as the store compares it (emails without case).
pub(super) fn ref_key(user: &UserRef) -> String {
    match user {
        UserRef::Id(id) => format!("id:{id}"),
        UserRef::Username(name) => format!("name:{name}"),
        UserRef::Email(email) => format!("email:{}", email.key()),
    }
}
