//! Clean-up selections from indexes, not a scan of every record.
//!
//! A user's id is a v7 UUID whose first 48 bits are the milliseconds it was
//! made at, and a user made by usersctl (or imported without an id) is
//! created then: the id order is the creation order, so `--created-before`
//! and `--created-after` are ranges of the users tree itself. Only a user
//! whose creation time is not its id's (imported with an id of its own, or
//! a `created_at` long before) needs an entry, in `irregular`, by creation
//! time. Logins are indexed by time in `logins`; a login is argon2-bound,
//! and its index entry is written in the transaction of its record.
//!
//! Neither index is written for most users, so an import keeps its pace.
//! A selection takes candidates from them and checks each against the
//! filter, as a scan would; a selection the indexes cannot narrow (or whose
//! index part is larger than `MAX_EXTRA`) is a scan, and then a dense one,
//! whose first page comes quickly.

use std::collections::BTreeSet;
use std::ops::Bound;

use sled::transaction::TransactionalTree;
use uuid::Uuid;

use super::tx::TxResult;
use super::{Engine, SledStore, decode_id, key_id, storage};
use crate::domain::{Account, GroupRef, Sort, SortKey, Timestamp, User};
use crate::store::{Filter, Result, StoreError as Error};

/// How far a creation time may lie from its id's time and still be read
/// off the id (an id and a creation time are taken a moment apart).
const SLACK_MS: u64 = 60_000;
/// Candidates from the small indexes a selection takes at most; past it,
/// the selection is dense enough for a scan.
const MAX_EXTRA: usize = 20_000;
/// A group this small is listed in another order by reading its members
/// and sorting them; a larger one by walking the order's index.
const SORTED_IN_MEMORY: u64 = 20_000;

/// The milliseconds a v7 UUID was made at (for another kind, its first 48
/// bits, which says nothing: such a user is irregular).
fn id_millis(id: &Uuid) -> u64 {
    let b = id.as_bytes();
    u64::from_be_bytes([0, 0, b[0], b[1], b[2], b[3], b[4], b[5]])
}

/// The lowest id made at `millis`.
fn first_id_at(millis: u64) -> Uuid {
    let m = millis.min((1 << 48) - 1).to_be_bytes();
    Uuid::from_bytes([
        m[2], m[3], m[4], m[5], m[6], m[7], 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    ])
}

fn is_irregular(user: &User) -> bool {
    id_millis(&user.id).abs_diff(user.created_at.unix_millis()) > SLACK_MS
}

fn key(millis: u64, id: &Uuid) -> [u8; 24] {
    let mut k = [0; 24];
    k[..8].copy_from_slice(&millis.to_be_bytes());
    k[8..].copy_from_slice(id.as_bytes());
    k
}

/// The index entries `account` has: in `irregular`, and in `logins`.
pub(super) fn entries(account: &Account) -> (Option<[u8; 24]>, Option<[u8; 24]>) {
    let u = &account.user;
    (
        is_irregular(u).then(|| key(u.created_at.unix_millis(), &u.id)),
        u.last_login_at.map(|t| key(t.unix_millis(), &u.id)),
    )
}

/// Moves `account`'s index entries from what `previous` had (none for a
/// new account) to what `next` has (none for one deleted).
pub(super) fn reindex(
    irregular: &TransactionalTree,
    logins: &TransactionalTree,
    previous: Option<&Account>,
    next: Option<&Account>,
) -> TxResult<()> {
    let (old, new) = (previous.map(entries), next.map(entries));
    let (old_irr, old_login) = old.unwrap_or_default();
    let (new_irr, new_login) = new.unwrap_or_default();
    for (tree, was, is) in [
        (irregular, old_irr, new_irr),
        (logins, old_login, new_login),
    ] {
        if was != is {
            if let Some(k) = was {
                tree.remove(k.as_slice())?;
            }
            if let Some(k) = is {
                tree.insert(k.as_slice(), &[])?;
            }
        }
    }
    Ok(())
}

/// Where a selection's matches can be: a range of ids, and ids besides.
pub(super) struct Plan {
    /// Ids in `[from, to)` of the users tree.
    pub from: Uuid,
    pub to: Uuid,
    /// Ids outside that range that may match, in order.
    pub extra: BTreeSet<Uuid>,
}

impl Engine {
    /// Builds both indexes from the records (a database from before them,
    /// or a repair).
    pub(super) fn build_selection_index(&self) -> Result<()> {
        self.irregular.clear().map_err(storage)?;
        self.logins.clear().map_err(storage)?;
        for item in self.users.iter() {
            let (k, raw) = item.map_err(storage)?;
            let Ok(account) = decode_id(&k).and_then(|id| super::codec::decode(id, &raw)) else {
                continue; // `check` names it
            };
            let (irr, login) = entries(&account);
            if let Some(k) = irr {
                self.irregular.insert(k, &[]).map_err(storage)?;
            }
            if let Some(k) = login {
                self.logins.insert(k, &[]).map_err(storage)?;
            }
        }
        Ok(())
    }

    /// The ids of the entries of `tree` made in `[from, to)` (millis), or
    /// `None` past `MAX_EXTRA`.
    fn ids_between(&self, tree: &sled::Tree, from: u64, to: u64) -> Result<Option<Vec<Uuid>>> {
        let mut ids = Vec::new();
        if from >= to {
            return Ok(Some(ids));
        }
        let range = (
            Bound::Included(from.to_be_bytes().to_vec()),
            Bound::Excluded(to.to_be_bytes().to_vec()),
        );
        for item in tree.range::<Vec<u8>, _>(range) {
            let (k, _) = item.map_err(storage)?;
            if ids.len() == MAX_EXTRA {
                return Ok(None);
            }
            ids.push(decode_id(&k[8..])?);
        }
        Ok(Some(ids))
    }

    /// Where the users `filter` selects can be, or `None` for a scan.
    pub(super) fn plan(&self, filter: &Filter) -> Result<Option<Plan>> {
        let after = filter.created_after.map_or(0, Timestamp::unix_millis);
        let mut before = filter
            .created_before
            .map_or(u64::MAX, Timestamp::unix_millis);
        let mut extra = BTreeSet::new();
        match filter.inactive_since {
            // Last logged in before then, or never and created before then.
            Some(t) => {
                let t = t.unix_millis();
                let Some(logged) = self.ids_between(&self.logins, 0, t)? else {
                    return Ok(None);
                };
                extra.extend(logged);
                before = before.min(t);
            }
            None if filter.created_after.is_none() && filter.created_before.is_none() => {
                return Ok(None);
            }
            None => {}
        }
        let Some(irregular) = self.ids_between(&self.irregular, after, before)? else {
            return Ok(None);
        };
        extra.extend(irregular);
        let from = first_id_at(after.saturating_sub(SLACK_MS));
        let to = match before {
            u64::MAX => Uuid::max(),
            b => first_id_at(b.saturating_add(SLACK_MS)),
        };
        if extra.len() > MAX_EXTRA {
            return Ok(None);
        }
        Ok(Some(Plan { from, to, extra }))
    }
}

impl SledStore {
    /// Up to `limit` accounts `filter` selects, after `after`, in id order,
    /// from `plan`'s candidates.
    pub(super) fn planned_page(
        &self,
        engine: &Engine,
        plan: &Plan,
        filter: &Filter,
        after: Option<Uuid>,
        limit: usize,
    ) -> Result<Vec<Account>> {
        let start = match after {
            Some(a) if a >= plan.from => Bound::Excluded(a.as_bytes().to_vec()),
            _ => Bound::Included(plan.from.as_bytes().to_vec()),
        };
        let end = if plan.to == Uuid::max() {
            Bound::Unbounded
        } else {
            Bound::Excluded(plan.to.as_bytes().to_vec())
        };
        let mut extra = plan
            .extra
            .iter()
            .filter(|id| after.is_none_or(|a| **id > a))
            .peekable();
        let mut page = Vec::with_capacity(limit.min(128));
        let take = |account: Account, page: &mut Vec<Account>| {
            if filter.matches(&account.user) {
                page.push(account);
            }
        };
        let mut range = engine.users.range::<Vec<u8>, _>((start, end));
        let mut next_in_range = range.next();
        while page.len() < limit {
            let in_range = match &next_in_range {
                Some(Ok((k, _))) => Some(decode_id(k)?),
                Some(Err(e)) => return Err(storage(e.clone())),
                None => None,
            };
            // The lower of the next id in range and the next extra one.
            let x = extra.peek().copied().copied();
            if let Some(r) = in_range.filter(|r| x.is_none_or(|x| *r <= x)) {
                if x == Some(r) {
                    extra.next();
                }
                if let Some(Ok((_, raw))) = next_in_range.take() {
                    take(super::codec::decode(r, &raw)?, &mut page);
                }
                next_in_range = range.next();
            } else if let Some(x) = x {
                extra.next();
                if let Some(raw) = self.record(engine, x)? {
                    take(super::codec::decode(x, &raw)?, &mut page);
                }
            } else {
                break;
            }
        }
        Ok(page)
    }
}

impl SledStore {
    /// Up to `limit` accounts `filter` selects, in `sort`'s order, after the
    /// position `after`: read off the order's index (the users tree itself
    /// for ids), either way round. A filter is checked on each user read,
    /// so a narrow one reads further; a small group's members are sorted
    /// in memory instead.
    pub(super) fn ordered_page(
        &self,
        filter: &Filter,
        sort: Sort,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Account>> {
        let after = match (sort.key, after) {
            (SortKey::Id, Some(a)) => Some(
                uuid::Uuid::parse_str(a)
                    .map_err(|_| Error::Refused(crate::error::Error::bad_cursor()))?
                    .as_bytes()
                    .to_vec(),
            ),
            (_, a) => a.map(|a| a.as_bytes().to_vec()),
        };
        if let Some(group) = filter.group {
            let size = self
                .get_group(&GroupRef::Id(group))?
                .map_or(0, |g| g.members);
            if size <= SORTED_IN_MEMORY {
                return self.sorted_members(group, filter, sort, after.as_deref(), limit);
            }
        }
        let engine = self.engine()?;
        let tree = match sort.key {
            SortKey::Id => &engine.users,
            SortKey::Username => &engine.by_username,
            SortKey::Email => &engine.by_email,
        };
        let beyond = after.map_or(Bound::Unbounded, Bound::Excluded);
        let items: Box<dyn Iterator<Item = sled::Result<(sled::IVec, sled::IVec)>>> =
            match sort.descending {
                false => Box::new(tree.range::<Vec<u8>, _>((beyond, Bound::Unbounded))),
                true => Box::new(tree.range::<Vec<u8>, _>((Bound::Unbounded, beyond)).rev()),
            };
        let mut page = Vec::with_capacity(limit.min(128));
        for item in items {
            let (k, v) = item.map_err(storage)?;
            let account = match sort.key {
                SortKey::Id => super::codec::decode(key_id(&k)?, &v)?,
                SortKey::Username | SortKey::Email => {
                    let id = decode_id(&v)?;
                    let Some(raw) = self.record(&engine, id)? else {
                        continue; // deleted since its index entry was read
                    };
                    let account = super::codec::decode(id, &raw)?;
                    // Renamed since: it stands at its new name.
                    if sort.position(&account.user).as_bytes() != k.as_ref() {
                        continue;
                    }
                    account
                }
            };
            if let Some(group) = filter.group
                && !engine.is_member(group, account.user.id)?
            {
                continue;
            }
            if filter.matches(&account.user) {
                page.push(account);
                if page.len() == limit {
                    break;
                }
            }
        }
        Ok(page)
    }

    /// `ordered_page` for a small group: its members read and sorted.
    fn sorted_members(
        &self,
        group: uuid::Uuid,
        filter: &Filter,
        sort: Sort,
        after: Option<&[u8]>,
        limit: usize,
    ) -> Result<Vec<Account>> {
        let engine = self.engine()?;
        let mut found = Vec::new();
        engine.each_member(group, None, &mut |id| {
            if let Some(account) = crate::store::Store::get(self, &crate::domain::UserRef::Id(id))?
                && filter.matches(&account.user)
            {
                let position = match sort.key {
                    SortKey::Id => id.as_bytes().to_vec(),
                    _ => sort.position(&account.user).into_bytes(),
                };
                let beyond = after.is_none_or(|a| match sort.descending {
                    false => position.as_slice() > a,
                    true => position.as_slice() < a,
                });
                if beyond {
                    found.push((position, account));
                }
            }
            Ok(true)
        })?;
        found.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        if sort.descending {
            found.reverse();
        }
        Ok(found.into_iter().take(limit).map(|(_, a)| a).collect())
    }
}
