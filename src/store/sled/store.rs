//! The store interface carried out on sled: reads through the record
//! cache, writes as compare-and-swaps or transactions over the three trees.

use sled::Transactional;
use sled::transaction::{ConflictableTransactionError, TransactionError};
use std::collections::HashMap;
use std::sync::atomic::Ordering;

use uuid::Uuid;

use super::audit::{self, Appender};
use super::codec::{self, decode, encode};
use super::tx::{Tx, TxResult, abort, abort_with, claim_indexes};
use super::{Engine, SCHEMA_KEY, SWAP_ATTEMPTS, SledStore, decode_id, defer, key_id, storage};
use crate::domain::audit::{Action, AuditFilter, Event, Origin, Verdict, digest};
use crate::domain::{
    Account, ApiKey, Group, GroupPatch, GroupRef, MemberOutcome, Sort, StoredKey, Timestamp,
    UserRef, Username,
};
use crate::store::{
    Binned, Change, CheckReport, Commit, Deletion, ExportBatch, Filter, Holder, Purge, Restore,
    Restored, Result, Store, StoreError as Error, Taken,
};
use serde_json::json;

impl Store for SledStore {
    /// Whether the database answers a read, and can write: its last flush
    /// succeeded and no I/O error is waiting for a reopen (a store that
    /// cannot write, say on a full disk, is not healthy).
    fn group(&self, group: &GroupRef) -> Result<Option<Group>> {
        self.get_group(group)
    }

    fn group_page(&self, after: Option<Uuid>, limit: usize) -> Result<Vec<Group>> {
        self.groups_page(after, limit)
    }

    fn insert_group(&self, group: &Group, origin: &Origin) -> Result<()> {
        self.store_group(group, origin)
    }

    fn update_group(
        &self,
        group: &GroupRef,
        patch: &GroupPatch,
        now: Timestamp,
        origin: &Origin,
    ) -> Result<Group> {
        self.patch_group(group, patch, now, origin)
    }

    fn delete_group(&self, group: &GroupRef, origin: &Origin) -> Result<Option<Group>> {
        self.remove_group(group, origin)
    }

    fn change_members(
        &self,
        group: &GroupRef,
        users: &[UserRef],
        add: bool,
        origin: &Origin,
    ) -> Result<(Group, Vec<MemberOutcome>)> {
        self.members_change(group, users, add, origin)
    }

    fn groups_of(&self, id: Uuid) -> Result<Vec<Group>> {
        self.user_groups(id)
    }

    fn insert_key(&self, key: &StoredKey, origin: &Origin) -> Result<()> {
        self.store_key(key, origin)
    }

    fn key(&self, id: Uuid) -> Result<Option<StoredKey>> {
        self.get_key(id)
    }

    fn key_page(&self, after: Option<Uuid>, limit: usize) -> Result<Vec<ApiKey>> {
        self.keys_page(after, limit)
    }

    fn revoke_key(&self, name: &Username, origin: &Origin) -> Result<Option<ApiKey>> {
        self.remove_key(name, origin)
    }

    fn touch_key(&self, id: Uuid, at: Timestamp) -> Result<()> {
        self.note_key_use(id, at)
    }

    fn health(&self) -> Result<()> {
        self.recover();
        let engine = self.engine()?;
        engine.db.get(SCHEMA_KEY).map_err(storage)?;
        if self.failed.load(Ordering::Acquire) {
            return Err(Error::Unavailable(
                "the database cannot write (a disk error or a full disk); it is reopened once \
                 the disk has room"
                    .to_owned(),
            ));
        }
        self.commit
            .lock()
            .outcome
            .clone()
            .map_err(Error::Unavailable)
    }

    fn lookups_are_local(&self) -> bool {
        true
    }

    fn get(&self, user: &UserRef) -> Result<Option<Account>> {
        let engine = self.engine()?;
        self.lookup(&engine, user)?
            .map(|(id, raw)| decode(id, &raw))
            .transpose()
    }

    /// Inserts a new account; `Conflict` if its username or email is taken.
    fn insert(&self, account: &Account, origin: &Origin) -> Result<()> {
        let value = encode(account)?;
        let event = Event::about(origin, Action::Create, account);
        self.transaction(|t| {
            claim_indexes(t, account, None)?;
            t.users
                .insert(account.user.id.as_bytes().as_slice(), value.as_slice())?;
            t.reindex(None, Some(account))?;
            t.audit.record(&event)
        })?;
        self.users_added.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    /// Inserts many new accounts in one transaction. Each outcome says whether
    /// its account was stored or why not (its id, username or email taken);
    /// the others are stored all the same. An account marked `fresh` has an
    /// id just made (a v7 UUID, 74 random bits), which no stored user can
    /// have: it is not looked for.
    fn insert_many(
        &self,
        accounts: &[Account],
        fresh: &[bool],
        groups: &[Vec<Uuid>],
        origin: &Origin,
    ) -> Result<Vec<std::result::Result<(), Taken>>> {
        let values = accounts.iter().map(encode).collect::<Result<Vec<_>>>()?;
        self.transaction(|t| {
            let mut outcomes = Vec::with_capacity(accounts.len());
            let mut stored = Vec::with_capacity(accounts.len());
            let mut joined = super::groups::Joined::default();
            for (i, (account, value)) in accounts.iter().zip(&values).enumerate() {
                let id = account.user.id.as_bytes().as_slice();
                let known = !fresh.get(i).copied().unwrap_or(false);
                if let Some(taken) = t.taken(account, known)? {
                    outcomes.push(Err(taken));
                    continue;
                }
                t.users.insert(id, value.as_slice())?;
                t.by_username.insert(account.user.username.as_str(), id)?;
                t.by_email.insert(account.user.email.key().as_bytes(), id)?;
                t.reindex(None, Some(account))?;
                if let Some(gids) = groups.get(i) {
                    t.join_groups(account.user.id, gids, &mut joined)?;
                }
                stored.push((account.user.id, account.user.username.as_str()));
                outcomes.push(Ok(()));
            }
            let names = t.joined(joined)?;
            if let Some(mut event) = Event::about_many(origin, Action::Import, stored) {
                if !names.is_empty() {
                    event = event.with("groups", json!(names));
                }
                t.audit.record(&event)?;
            }
            Ok(outcomes)
        })
        .inspect(|outcomes| {
            let stored = outcomes.iter().filter(|o| o.is_ok()).count();
            self.users_added.fetch_add(stored as i64, Ordering::Relaxed);
        })
    }

    /// Replaces the account named by `user` with `change(current)`, keeping the
    /// indexes in step. `change` may run more than once and must be pure.
    ///
    /// A change that leaves the username and email alone (most of them: a
    /// name, a login time, a password) is no transaction: a sled transaction
    /// holds sled's global lock, which every other read and write in the
    /// process waits for. Its audit record is written first, then the
    /// record, with the chain held (see `audit`).
    fn update(&self, user: &UserRef, change: &Change<'_>, origin: &Origin) -> Result<Account> {
        let engine = self.writer()?;
        for _ in 0..SWAP_ATTEMPTS {
            let Some((id, raw)) = self.lookup(&engine, user)? else {
                return Err(Error::NotFound(user.clone()));
            };
            let current = decode(id, &raw)?;
            if !user.names(&current.user) {
                continue; // renamed since its index entry was read
            }
            let next = change(&current).map_err(Error::Refused)?;
            if next.user.id != id
                || next.user.username != current.user.username
                || next.user.email.key() != current.user.email.key()
                || next.user.last_login_at != current.user.last_login_at
                || next.user.created_at != current.user.created_at
            {
                break; // the indexes change too: a transaction
            }
            let value = encode(&next)?;
            // Everything but the chain's link is made before the chain is
            // held: the swap below refuses a record that changed meanwhile,
            // so what was computed from it is still the change it records.
            let event = Event::of_update(origin, &current, &next)
                .map(|event| (event.body(), digest(&value)));
            let mut head = engine.chain();
            let ahead = match event {
                Some((body, leads_to)) => {
                    let linked = head.link(&body);
                    let record = audit::value(&linked.hash, Some(&leads_to), &body);
                    engine
                        .audit
                        .insert(audit::key(linked.seq), record)
                        .map_err(|e| self.fail(e))?;
                    Some(linked)
                }
                None => None,
            };
            let swapped = engine
                .users
                .compare_and_swap(id.as_bytes(), Some(raw), Some(value))
                .map_err(|e| self.fail(e));
            match (swapped, ahead) {
                (Ok(Ok(())), linked) => {
                    if let Some(linked) = linked {
                        engine
                            .db
                            .insert(audit::HEAD_KEY, audit::anchor_value(&linked))
                            .map_err(|e| self.fail(e))?;
                        *head = linked;
                    }
                    drop(head);
                    self.forget(&[id]);
                    return Ok(next);
                }
                // Another write got there first (a cached record was
                // stale), or the write failed: the record goes too.
                (swapped, linked) => {
                    if let Some(linked) = linked {
                        engine
                            .audit
                            .remove(audit::key(linked.seq))
                            .map_err(|e| self.fail(e))?;
                    }
                    drop(head);
                    swapped?.ok();
                    self.forget(&[id]);
                }
            }
        }
        let updated = self.transaction(|t| {
            let Some(current) = t.resolve(user)? else {
                return abort(Error::NotFound(user.clone()));
            };
            let next = change(&current).map_err(|e| abort_with(Error::Refused(e)))?;
            claim_indexes(t, &next, Some(&current))?;
            let value = encode(&next).map_err(ConflictableTransactionError::Abort)?;
            t.users.insert(next.user.id.as_bytes().as_slice(), value)?;
            t.reindex(Some(&current), Some(&next))?;
            if let Some(event) = Event::of_update(origin, &current, &next) {
                t.audit.record(&event)?;
            }
            Ok(next)
        })?;
        self.forget(&[updated.user.id]);
        Ok(updated)
    }

    /// Deletes the named accounts in one transaction; each outcome is the deleted
    /// account, or `None` when no such user existed. Every name is resolved before
    /// anything is removed, so two names of one user (its username and its email)
    /// both find it, in a real run as in a dry run. Binned, an account leaves
    /// the indexes (its username and email are free) and its tokens die.
    fn delete_many(
        &self,
        users: &[UserRef],
        how: Deletion,
        origin: &Origin,
    ) -> Result<Vec<Option<Account>>> {
        let outcomes = self.transaction(|t| {
            let outcomes = users
                .iter()
                .map(|user| t.resolve(user))
                .collect::<TxResult<Vec<_>>>()?;
            if how != Deletion::DryRun {
                let mut removed = std::collections::HashSet::new();
                let mut gone = Vec::new();
                for account in outcomes.iter().flatten() {
                    let id = account.user.id.as_bytes().as_slice();
                    if removed.insert(account.user.id) {
                        let record = t.users.remove(id)?;
                        t.by_username.remove(account.user.username.as_str())?;
                        t.by_email.remove(account.user.email.key().as_bytes())?;
                        t.reindex(Some(account), None)?;
                        t.leave_groups(account.user.id, matches!(how, Deletion::Bin(_)))?;
                        gone.push((account.user.id, account.user.username.as_str()));
                        match how {
                            // An id binned before (imported again since)
                            // is binned anew.
                            Deletion::Bin(at) => {
                                let record = record.unwrap_or_default();
                                t.bin.insert(id, bin_value(&record, at))?;
                            }
                            // Erased: no copy is kept anywhere.
                            Deletion::Purge => {
                                t.bin.remove(id)?;
                            }
                            Deletion::DryRun => {}
                        }
                    }
                }
                if let Some(mut event) = Event::about_many(origin, Action::Delete, gone) {
                    if how == Deletion::Purge {
                        event = event.with("purge", json!(true));
                    }
                    t.audit.record(&event)?;
                }
            }
            Ok(outcomes)
        })?;
        let mut deleted: Vec<Uuid> = outcomes.iter().flatten().map(|a| a.user.id).collect();
        if how != Deletion::DryRun {
            deleted.sort_unstable();
            deleted.dedup();
            self.users_added
                .fetch_sub(deleted.len() as i64, Ordering::Relaxed);
        }
        self.forget(&deleted);
        Ok(outcomes)
    }

    /// The bin is read in id order, as the users are.
    fn deleted_page(
        &self,
        filter: &Filter,
        since: Timestamp,
        after: Option<Uuid>,
        limit: usize,
    ) -> Result<Vec<Binned>> {
        let engine = self.engine()?;
        let range = match after {
            Some(id) => engine.bin.range(id.as_bytes().to_vec()..),
            None => engine.bin.iter(),
        };
        let mut page = Vec::new();
        for item in range {
            let (key, raw) = item.map_err(storage)?;
            if after.is_some_and(|a| key.as_ref() == a.as_bytes()) {
                continue;
            }
            let binned = bin_entry(key_id(&key)?, &raw)?;
            if binned.deleted_at >= since && filter.matches(&binned.account.user) {
                page.push(binned);
                if page.len() == limit {
                    break;
                }
            }
        }
        Ok(page)
    }

    /// One walk over the bin answers every name: the bin keeps no index of
    /// its own (its names need not be unique), and is read far less often
    /// than it is written.
    fn find_deleted(&self, users: &[UserRef], since: Timestamp) -> Result<Vec<Vec<Binned>>> {
        let engine = self.engine()?;
        let wanted: std::collections::HashSet<String> = users.iter().map(ref_key).collect();
        let mut found: HashMap<String, Vec<Binned>> = HashMap::new();
        for item in engine.bin.iter() {
            let (key, raw) = item.map_err(storage)?;
            let binned = bin_entry(key_id(&key)?, &raw)?;
            if binned.deleted_at < since {
                continue;
            }
            let u = &binned.account.user;
            for name in [
                UserRef::Id(u.id),
                UserRef::Username(u.username.clone()),
                UserRef::Email(u.email.clone()),
            ] {
                let name = ref_key(&name);
                if wanted.contains(&name) {
                    found.entry(name).or_default().push(binned.clone());
                }
            }
        }
        Ok(users
            .iter()
            .map(|u| found.get(&ref_key(u)).cloned().unwrap_or_default())
            .collect())
    }

    fn restore(
        &self,
        restores: &[Restore],
        since: Timestamp,
        origin: &Origin,
    ) -> Result<Vec<Restored>> {
        let outcomes = self.transaction(|t| {
            let mut outcomes = Vec::with_capacity(restores.len());
            let mut back = Vec::new();
            for restore in restores {
                let id = restore.id.as_bytes().as_slice();
                let binned = match t.bin.get(id)? {
                    Some(raw) => {
                        bin_entry(restore.id, &raw).map_err(ConflictableTransactionError::Abort)?
                    }
                    None => {
                        outcomes.push(Restored::Gone);
                        continue;
                    }
                };
                if binned.deleted_at < since {
                    outcomes.push(Restored::Gone);
                    continue;
                }
                let mut account = binned.account;
                // A restore under another name is a record of its own.
                let renamed = restore.rename.as_ref().map(|name| {
                    let previous = account.user.username.clone();
                    account.user.username = name.clone();
                    Event::about(origin, Action::Restore, &account)
                        .with("previous_username", json!(previous))
                        .with("username", json!(name))
                });
                if let Some(taken) = t.taken(&account, true)? {
                    outcomes.push(Restored::Taken(taken));
                    continue;
                }
                let u = &account.user;
                let value = encode(&account).map_err(ConflictableTransactionError::Abort)?;
                t.users.insert(id, value)?;
                t.by_username.insert(u.username.as_str(), id)?;
                t.by_email.insert(u.email.key().as_bytes(), id)?;
                t.reindex(None, Some(&account))?;
                t.bin.remove(id)?;
                t.rejoin_groups(account.user.id)?;
                match renamed {
                    Some(event) => t.audit.record(&event)?,
                    None => back.push((account.user.id, account.user.username.clone())),
                }
                outcomes.push(Restored::Back(account));
            }
            let back = back.iter().map(|(id, name)| (*id, name.as_str()));
            if let Some(event) = Event::about_many(origin, Action::Restore, back) {
                t.audit.record(&event)?;
            }
            Ok(outcomes)
        })?;
        let back: Vec<Uuid> = outcomes
            .iter()
            .filter_map(|o| match o {
                Restored::Back(a) => Some(a.user.id),
                _ => None,
            })
            .collect();
        self.users_added
            .fetch_add(back.len() as i64, Ordering::Relaxed);
        self.forget(&back);
        Ok(outcomes)
    }

    /// Each binned account purged is recorded; `Before` finds them first,
    /// then purges them a thousand to a transaction.
    fn purge(&self, which: &Purge, origin: &Origin) -> Result<u64> {
        let ids = match which {
            Purge::Ids(ids) => ids.clone(),
            Purge::Before(before) => {
                let engine = self.engine()?;
                let mut ids = Vec::new();
                for item in engine.bin.iter() {
                    let (key, raw) = item.map_err(storage)?;
                    if deleted_at(&raw)? < *before {
                        ids.push(key_id(&key)?);
                    }
                }
                ids
            }
        };
        let mut purged = 0;
        for chunk in ids.chunks(1000) {
            purged += self.transaction(|t| {
                let mut gone = Vec::new();
                for id in chunk {
                    let Some(raw) = t.bin.remove(id.as_bytes().as_slice())? else {
                        continue;
                    };
                    t.forget_binned_groups(*id)?;
                    let binned =
                        bin_entry(*id, &raw).map_err(ConflictableTransactionError::Abort)?;
                    gone.push((*id, binned.account.user.username));
                }
                let purged = gone.len() as u64;
                let gone = gone.iter().map(|(id, name)| (*id, name.as_str()));
                if let Some(event) = Event::about_many(origin, Action::Purge, gone) {
                    t.audit.record(&event)?;
                }
                Ok(purged)
            })?;
        }
        Ok(purged)
    }

    fn holder(&self, id: Uuid) -> Result<Option<Holder>> {
        self.cached_holder(id)
    }

    /// Everyone, from the count kept since the database was opened (what
    /// its seal recorded, and every insert, delete and restore since): a
    /// million users counted in no time, not by reading them. Anything
    /// narrower, or a count not known since a crash, page by page.
    fn count(&self, filter: &Filter) -> Result<u64> {
        match self.users_counted {
            Some(n) if *filter == Filter::default() => {
                Ok(n.saturating_add_signed(self.users_added.load(Ordering::Relaxed)))
            }
            _ => crate::store::count_pages(self, filter),
        }
    }

    /// From the selection indexes where they narrow the selection (see
    /// `select`), else a scan in id order.
    fn page(&self, filter: &Filter, after: Option<Uuid>, limit: usize) -> Result<Vec<Account>> {
        let engine = self.engine()?;
        if let Some(group) = filter.group {
            // A group's members, in id order, from its own index.
            let mut page = Vec::with_capacity(limit.min(128));
            engine.each_member(group, after, &mut |id| {
                if let Some(account) = self.get(&UserRef::Id(id))?
                    && filter.matches(&account.user)
                {
                    page.push(account);
                }
                Ok(page.len() < limit)
            })?;
            return Ok(page);
        }
        if let Some(plan) = engine.plan(filter)? {
            return self.planned_page(&engine, &plan, filter, after, limit);
        }
        drop(engine);
        let mut page = Vec::with_capacity(limit.min(128));
        for account in self.scan(after) {
            let account = account?;
            if page.len() == limit {
                break;
            }
            if filter.matches(&account.user) {
                page.push(account);
            }
        }
        Ok(page)
    }

    fn sorted_page(
        &self,
        filter: &Filter,
        sort: Sort,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Account>> {
        self.ordered_page(filter, sort, after, limit)
    }

    /// Records a revoked token id until its expiry (unix seconds).
    fn revoke(&self, jti: &str, expires_at: u64, user: Uuid, origin: &Origin) -> Result<()> {
        self.revoked_any.store(true, Ordering::Release);
        let mut event = Event::new(origin, Action::RevokeToken);
        event.user = Some(user);
        self.transaction(|t| {
            t.revoked
                .insert(jti.as_bytes(), &expires_at.to_be_bytes())?;
            t.audit.record(&event)
        })?;
        // Forget revoked ids whose tokens have expired anyway.
        let engine = self.writer()?;
        let now = crate::domain::Timestamp::now().unix_seconds();
        for item in engine.revoked.iter() {
            let (key, value) = item.map_err(storage)?;
            let exp = <[u8; 8]>::try_from(value.as_ref())
                .map(u64::from_be_bytes)
                .unwrap_or(0);
            if exp < now {
                engine.revoked.remove(key).map_err(|e| self.fail(e))?;
            }
        }
        Ok(())
    }

    fn is_revoked(&self, jti: &str) -> Result<bool> {
        if !self.revoked_any.load(Ordering::Acquire) {
            return Ok(false);
        }
        self.engine()?
            .revoked
            .contains_key(jti.as_bytes())
            .map_err(storage)
    }

    /// Every user's export line (`codec::export_line`), in id order, handed to
    /// `batch` `lines` at a time in a buffer that `batch` empties or replaces.
    /// Returns how many users there were.
    fn export_lines(&self, lines: u64, batch: &mut ExportBatch<'_>) -> Result<u64> {
        let engine = self.engine()?;
        let (mut buf, mut count) = (Vec::new(), 0);
        // Memberships are kept by user id, as the users are: read alongside.
        let mut memberships = engine.memberships().peekable();
        let names = engine.group_names()?;
        for item in engine.users.iter() {
            let (key, raw) = item.map_err(storage)?;
            let id = key_id(&key)?;
            codec::export_line(id, &raw, &mut buf)?;
            while memberships
                .peek()
                .is_some_and(|m| m.as_ref().is_ok_and(|(user, _)| *user < id))
            {
                memberships.next();
            }
            if let Some(Ok((user, _))) = memberships.peek()
                && *user == id
                && let Some(Ok((_, groups))) = memberships.next()
            {
                let mut named: Vec<String> = groups
                    .iter()
                    .filter_map(|g| names.get(g).cloned())
                    .collect();
                named.sort();
                crate::domain::append_groups(&mut buf, &named);
            }
            count += 1;
            if count % lines == 0 {
                batch(&mut buf)?;
            }
        }
        if !buf.is_empty() {
            batch(&mut buf)?;
        }
        Ok(count)
    }

    /// In memory: one process holds the database.
    fn login_limit(&self) -> &dyn crate::throttle::LoginLimit {
        &self.throttle
    }

    fn settle(&self, name: &str, value: &str) -> Result<String> {
        let engine = self.writer()?;
        let key = format!("setting:{name}");
        let stored = match engine
            .db
            .compare_and_swap(key.as_bytes(), None::<&[u8]>, Some(value.as_bytes()))
            .map_err(|e| self.fail(e))?
        {
            Ok(()) => value.to_owned(),
            Err(current) => {
                String::from_utf8_lossy(&current.current.unwrap_or_default()).into_owned()
            }
        };
        self.group_flush()?;
        Ok(stored)
    }

    fn setting(&self, name: &str) -> Result<Option<String>> {
        let engine = self.engine()?;
        Ok(engine
            .db
            .get(format!("setting:{name}").as_bytes())
            .map_err(storage)?
            .map(|v| String::from_utf8_lossy(&v).into_owned()))
    }

    fn set_setting(&self, name: &str, value: &str, origin: Option<&Origin>) -> Result<()> {
        let key = format!("setting:{name}");
        let Some(origin) = origin else {
            let engine = self.writer()?;
            engine
                .db
                .insert(key.as_bytes(), value.as_bytes())
                .map_err(|e| self.fail(e))?;
            return Ok(());
        };
        let event = Event::new(origin, Action::Settings)
            .with("name", json!(name))
            .with("value", json!(value));
        self.transaction(|t| {
            t.meta.insert(key.as_bytes(), value.as_bytes())?;
            t.audit.record(&event)
        })
    }

    fn record(&self, event: &Event) -> Result<()> {
        self.append(event)
    }

    fn audit_page(
        &self,
        filter: &AuditFilter,
        after: u64,
        limit: usize,
    ) -> Result<Vec<(u64, Event)>> {
        self.audit_records(filter, after, limit)
    }

    fn audit_verify(&self) -> Result<Verdict> {
        self.verify_chain()
    }

    fn audit_prune(&self, before: Timestamp) -> Result<u64> {
        self.prune_chain(before)
    }

    fn check(&self, repair: bool) -> Result<CheckReport> {
        self.verify(repair)
    }

    fn flush(&self) -> Result<()> {
        self.group_flush()
    }

    fn commit(&self) -> Commit<'_> {
        Box::pin(self.group_commit())
    }
}

impl SledStore {
    /// The id and stored bytes of the user `user` names.
    fn lookup(&self, engine: &Engine, user: &UserRef) -> Result<Option<(Uuid, sled::IVec)>> {
        let id = match user {
            UserRef::Id(id) => *id,
            UserRef::Username(name) => {
                match engine.by_username.get(name.as_str()).map_err(storage)? {
                    Some(id) => decode_id(&id)?,
                    None => return Ok(None),
                }
            }
            UserRef::Email(email) => match engine.by_email.get(email.key()).map_err(storage)? {
                Some(id) => decode_id(&id)?,
                None => return Ok(None),
            },
        };
        Ok(self.record(engine, id)?.map(|raw| (id, raw)))
    }

    /// Users in id order (creation order), starting after `after`.
    fn scan(&self, after: Option<Uuid>) -> impl Iterator<Item = Result<Account>> + '_ {
        let (range, refused) = match self.engine() {
            Ok(engine) => {
                let range = match after {
                    Some(id) => engine.users.range(id.as_bytes().to_vec()..),
                    None => engine.users.iter(),
                };
                // The engine stays counted as in use for as long as the scan runs.
                (Some((engine, range)), None)
            }
            Err(e) => (None, Some(Err(e))),
        };
        refused
            .into_iter()
            .chain(range.into_iter().flat_map(move |(engine, range)| {
                range
                    .skip_while(move |item| match (after, item) {
                        (Some(id), Ok((key, _))) => key.as_ref() == id.as_bytes(),
                        _ => false,
                    })
                    .map(move |item| {
                        let _held = &engine;
                        let (key, raw) = item.map_err(storage)?;
                        decode(key_id(&key)?, &raw)
                    })
            }))
    }

    /// Runs `body` in a transaction over every tree, with the audit
    /// chain held: what it records follows the chain's head, which moves on
    /// only if the transaction commits.
    pub(super) fn transaction<T>(
        &self,
        body: impl Fn(&Tx<'_>) -> std::result::Result<T, ConflictableTransactionError<Error>>,
    ) -> Result<T> {
        self.transaction_after(|_| Ok(()), |t, ()| body(t))
    }

    /// `transaction`, with `prepare` run first under the same hold on the
    /// chain that every write takes: what it reads outside the transaction
    /// (a range, which a transaction cannot read) no other write changes
    /// before `body` runs.
    pub(super) fn transaction_after<P, T>(
        &self,
        prepare: impl FnOnce(&Engine) -> Result<P>,
        body: impl Fn(&Tx<'_>, &P) -> std::result::Result<T, ConflictableTransactionError<Error>>,
    ) -> Result<T> {
        let engine = self.writer()?;
        let mut head = engine.chain();
        let prepared = prepare(&engine)?;
        let start = *head;
        let end = std::cell::Cell::new(start);
        // Bumped on the way out whatever happened: a transaction that failed
        // halfway may still have changed something.
        let _changed = defer(|| self.changed());
        let meta: &sled::Tree = &engine.db;
        let outcome = (
            &engine.users,
            &engine.by_username,
            &engine.by_email,
            &engine.bin,
            &engine.revoked,
            meta,
            &engine.audit,
            &engine.irregular,
            &engine.logins,
            &engine.groups,
            &engine.members,
            &engine.keys,
        )
            .transaction(
                |(
                    users,
                    by_username,
                    by_email,
                    bin,
                    revoked,
                    meta,
                    audit,
                    irregular,
                    logins,
                    groups,
                    members,
                    keys,
                )| {
                    let t = Tx {
                        users,
                        by_username,
                        by_email,
                        bin,
                        revoked,
                        meta,
                        audit: Appender {
                            tree: audit,
                            head: std::cell::Cell::new(start),
                        },
                        irregular,
                        logins,
                        groups,
                        members,
                        keys,
                    };
                    let value = body(&t, &prepared)?;
                    let moved = t.audit.head.get();
                    if moved != start {
                        t.meta
                            .insert(audit::HEAD_KEY, audit::anchor_value(&moved))?;
                    }
                    end.set(moved);
                    Ok(value)
                },
            )
            .map_err(|e| match e {
                TransactionError::Abort(e) => e,
                TransactionError::Storage(e) => self.fail(e),
            });
        if outcome.is_ok() {
            *head = end.get();
        }
        outcome
    }
}

/// A binned account as the bin keeps it: when it was deleted (unix millis,
/// big-endian) and the record's bytes as they were stored (copied, not
/// encoded again: a bulk delete costs a third more otherwise).
fn bin_value(record: &[u8], at: Timestamp) -> Vec<u8> {
    let mut value = Vec::with_capacity(8 + record.len());
    value.extend(at.unix_millis().to_be_bytes());
    value.extend(record);
    value
}

fn deleted_at(raw: &[u8]) -> Result<Timestamp> {
    raw.get(..8)
        .and_then(|b| <[u8; 8]>::try_from(b).ok())
        .and_then(|b| Timestamp::from_unix_millis(u64::from_be_bytes(b)))
        .ok_or_else(|| Error::Unavailable("database holds an unreadable bin entry".to_owned()))
}

/// A binned account: its tokens are dead from its deletion on, whatever
/// becomes of it.
pub(super) fn bin_entry(id: Uuid, raw: &[u8]) -> Result<Binned> {
    let deleted_at = deleted_at(raw)?;
    let mut account = decode(id, &raw[8..])?;
    account.tokens_after = account.tokens_after.max(Some(deleted_at));
    Ok(Binned {
        deleted_at,
        account,
    })
}

/// A reference as the bin compares it (emails without case).
fn ref_key(user: &UserRef) -> String {
    match user {
        UserRef::Id(id) => format!("id:{id}"),
        UserRef::Username(name) => format!("name:{name}"),
        UserRef::Email(email) => format!("email:{}", email.key()),
    }
}
