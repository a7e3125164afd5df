//! Groups on sled. Two trees:
//!
//! - `groups`: `i` + id → the group (JSON), and `n` + name → its id;
//! - `members`: `g` + group id + user id → nothing, one key per membership,
//!   so that a group's members are read in user-id order (the order of a
//!   page of users); `u` + user id → the ids of its groups, one value per
//!   user, because a transaction cannot read a range and deleting a user
//!   must find its groups inside one; and `b` + user id → the groups a
//!   binned user was in, which a restore brings back.
//!
//! A group keeps its member count, changed in the transaction that adds or
//! removes members, so listing groups never counts.

use std::collections::BTreeSet;

use sled::transaction::ConflictableTransactionError;
use uuid::Uuid;

use super::tx::{Tx, TxResult, abort, abort_with};
use super::{Engine, SledStore, key_id, storage};
use crate::domain::audit::{Action, Event, Origin};
use crate::domain::{Account, Group, GroupPatch, GroupRef, MemberOutcome, Timestamp, UserRef};
use crate::store::{Result, StoreError as Error, Taken};

pub(super) const GROUP: u8 = b'i';
pub(super) const NAME: u8 = b'n';
pub(super) const MEMBER: u8 = b'g';
pub(super) const GROUPS_OF: u8 = b'u';
pub(super) const BINNED: u8 = b'b';

fn key(tag: u8, parts: &[&[u8]]) -> Vec<u8> {
    let mut key = vec![tag];
    for part in parts {
        key.extend_from_slice(part);
    }
    key
}

fn group_key(id: Uuid) -> Vec<u8> {
    key(GROUP, &[id.as_bytes()])
}

fn name_key(name: &str) -> Vec<u8> {
    key(NAME, &[name.as_bytes()])
}

fn member_key(group: Uuid, user: Uuid) -> Vec<u8> {
    key(MEMBER, &[group.as_bytes(), user.as_bytes()])
}

pub(super) fn decode_group(raw: &[u8]) -> Result<Group> {
    serde_json::from_slice(raw)
        .map_err(|e| Error::Unavailable(format!("database holds an unreadable group: {e}")))
}

pub(super) fn encode_group(group: &Group) -> Vec<u8> {
    serde_json::to_vec(group).unwrap_or_default()
}

/// A list of group ids as one value holds it: 16 bytes each.
pub(super) fn ids(raw: &[u8]) -> Vec<Uuid> {
    raw.chunks_exact(16)
        .filter_map(|c| Uuid::from_slice(c).ok())
        .collect()
}

fn ids_value(ids: &[Uuid]) -> Vec<u8> {
    ids.iter().flat_map(|id| *id.as_bytes()).collect()
}

/// Groups joined in one transaction, as they will be stored.
#[derive(Default)]
pub(super) struct Joined(std::collections::HashMap<Uuid, Group>);

fn tx_err(e: Error) -> ConflictableTransactionError<Error> {
    abort_with(e)
}

impl Tx<'_> {
    fn group(&self, id: Uuid) -> TxResult<Option<Group>> {
        self.groups
            .get(group_key(id))?
            .map(|raw| decode_group(&raw))
            .transpose()
            .map_err(tx_err)
    }

    fn resolve_group(&self, group: &GroupRef) -> TxResult<Option<Group>> {
        let id = match group {
            GroupRef::Id(id) => *id,
            GroupRef::Name(name) => match self.groups.get(name_key(name.as_str()))? {
                Some(raw) => key_id(&raw).map_err(tx_err)?,
                None => return Ok(None),
            },
        };
        self.group(id)
    }

    fn put_group(&self, group: &Group) -> TxResult<()> {
        self.groups
            .insert(group_key(group.id), encode_group(group))?;
        Ok(())
    }

    fn groups_of(&self, user: Uuid) -> TxResult<Vec<Uuid>> {
        Ok(self
            .members
            .get(key(GROUPS_OF, &[user.as_bytes()]))?
            .map(|raw| ids(&raw))
            .unwrap_or_default())
    }

    fn set_groups_of(&self, user: Uuid, groups: &[Uuid]) -> TxResult<()> {
        let k = key(GROUPS_OF, &[user.as_bytes()]);
        if groups.is_empty() {
            self.members.remove(k)?;
        } else {
            self.members.insert(k, ids_value(groups))?;
        }
        Ok(())
    }

    /// Takes `user` out of every group (a delete); with `bin`, what it was
    /// in is kept for a restore.
    pub(super) fn leave_groups(&self, user: Uuid, bin: bool) -> TxResult<()> {
        let groups = self.groups_of(user)?;
        let binned = key(BINNED, &[user.as_bytes()]);
        if bin && !groups.is_empty() {
            self.members.insert(binned, ids_value(&groups))?;
        } else if self.members.get(&binned)?.is_some() {
            // Left from an earlier binning of the same id (imported since):
            // read first, as most deletes have nothing to remove here.
            self.members.remove(binned)?;
        }
        if groups.is_empty() {
            return Ok(());
        }
        self.set_groups_of(user, &[])?;
        for gid in groups {
            self.members.remove(member_key(gid, user))?;
            if let Some(mut group) = self.group(gid)? {
                group.members = group.members.saturating_sub(1);
                self.put_group(&group)?;
            }
        }
        Ok(())
    }

    /// Puts a restored `user` back in the groups it was in when binned
    /// (those that still exist).
    pub(super) fn rejoin_groups(&self, user: Uuid) -> TxResult<()> {
        let binned = key(BINNED, &[user.as_bytes()]);
        // Read first: most users were in no group, and a remove is a write.
        let Some(raw) = self.members.get(&binned)? else {
            return Ok(());
        };
        self.members.remove(binned)?;
        let mut kept = Vec::new();
        for gid in ids(&raw) {
            if let Some(mut group) = self.group(gid)? {
                self.members.insert(member_key(gid, user), &[])?;
                group.members += 1;
                self.put_group(&group)?;
                kept.push(gid);
            }
        }
        self.set_groups_of(user, &kept)
    }

    /// Makes the new user `user` a member of the groups `gids` that exist;
    /// the groups' counts are gathered in `joined` and stored once, by
    /// `joined`.
    pub(super) fn join_groups(
        &self,
        user: Uuid,
        gids: &[Uuid],
        joined: &mut Joined,
    ) -> TxResult<()> {
        // Most imported users are in no group: nothing to write.
        if gids.is_empty() {
            return Ok(());
        }
        let mut kept = Vec::new();
        for gid in gids {
            let group = match joined.0.get_mut(gid) {
                Some(g) => g,
                None => match self.group(*gid)? {
                    Some(g) => joined.0.entry(*gid).or_insert(g),
                    None => continue,
                },
            };
            if kept.contains(gid) {
                continue;
            }
            self.members.insert(member_key(*gid, user), &[])?;
            group.members += 1;
            kept.push(*gid);
        }
        self.set_groups_of(user, &kept)
    }

    /// Stores the groups `join_groups` changed; their names.
    pub(super) fn joined(&self, joined: Joined) -> TxResult<Vec<String>> {
        let mut names = Vec::new();
        for group in joined.0.values() {
            self.put_group(group)?;
            names.push(group.name.to_string());
        }
        names.sort();
        Ok(names)
    }

    /// Forgets what groups a user purged from the bin was in.
    pub(super) fn forget_binned_groups(&self, user: Uuid) -> TxResult<()> {
        let binned = key(BINNED, &[user.as_bytes()]);
        if self.members.get(&binned)?.is_some() {
            self.members.remove(binned)?;
        }
        Ok(())
    }
}

impl SledStore {
    pub(super) fn get_group(&self, group: &GroupRef) -> Result<Option<Group>> {
        let engine = self.engine()?;
        let id = match group {
            GroupRef::Id(id) => *id,
            GroupRef::Name(name) => match engine
                .groups
                .get(name_key(name.as_str()))
                .map_err(storage)?
            {
                Some(raw) => key_id(&raw)?,
                None => return Ok(None),
            },
        };
        engine
            .groups
            .get(group_key(id))
            .map_err(storage)?
            .map(|raw| decode_group(&raw))
            .transpose()
    }

    pub(super) fn groups_page(&self, after: Option<Uuid>, limit: usize) -> Result<Vec<Group>> {
        let engine = self.engine()?;
        let start = match after {
            Some(id) => {
                let mut k = group_key(id);
                k.push(0);
                k
            }
            None => vec![GROUP],
        };
        let mut page = Vec::new();
        for item in engine.groups.range(start..vec![GROUP + 1]) {
            let (_, raw) = item.map_err(storage)?;
            page.push(decode_group(&raw)?);
            if page.len() == limit {
                break;
            }
        }
        Ok(page)
    }

    pub(super) fn store_group(&self, group: &Group, origin: &Origin) -> Result<()> {
        let event = Event::about_group(origin, Action::GroupCreate, group);
        self.transaction(|t| {
            if t.groups.get(name_key(group.name.as_str()))?.is_some() {
                return abort(Error::Taken(Taken::GroupName(group.name.clone())));
            }
            t.groups.insert(
                name_key(group.name.as_str()),
                group.id.as_bytes().as_slice(),
            )?;
            t.put_group(group)?;
            t.audit.record(&event)
        })
    }

    pub(super) fn patch_group(
        &self,
        group: &GroupRef,
        patch: &GroupPatch,
        now: Timestamp,
        origin: &Origin,
    ) -> Result<Group> {
        self.transaction(|t| {
            let Some(current) = t.resolve_group(group)? else {
                return abort(Error::GroupNotFound(group.clone()));
            };
            let Some(next) = patch.apply(&current, now) else {
                return Ok(current);
            };
            if next.name != current.name {
                if t.groups.get(name_key(next.name.as_str()))?.is_some() {
                    return abort(Error::Taken(Taken::GroupName(next.name.clone())));
                }
                t.groups.remove(name_key(current.name.as_str()))?;
                t.groups
                    .insert(name_key(next.name.as_str()), next.id.as_bytes().as_slice())?;
            }
            t.put_group(&next)?;
            let mut event = Event::about_group(origin, Action::GroupUpdate, &next)
                .with("fields", serde_json::json!(patch.fields()));
            if next.name != current.name {
                event = event.with("renamed_from", serde_json::json!(current.name));
            }
            t.audit.record(&event)?;
            Ok(next)
        })
    }

    /// Its members are read (a range) under the chain's hold, then each
    /// membership goes in the transaction.
    pub(super) fn remove_group(&self, group: &GroupRef, origin: &Origin) -> Result<Option<Group>> {
        let members = |engine: &Engine| -> Result<(Option<Group>, Vec<Uuid>)> {
            let Some(found) = self.get_group(group)? else {
                return Ok((None, Vec::new()));
            };
            let prefix = key(MEMBER, &[found.id.as_bytes()]);
            let mut users = Vec::new();
            for item in engine.members.scan_prefix(&prefix) {
                let (k, _) = item.map_err(storage)?;
                users.push(key_id(&k[17..])?);
            }
            Ok((Some(found), users))
        };
        self.transaction_after(members, |t, (found, users)| {
            let Some(found) = found else {
                return Ok(None);
            };
            for user in users {
                t.members.remove(member_key(found.id, *user))?;
                let mut groups = t.groups_of(*user)?;
                groups.retain(|g| *g != found.id);
                t.set_groups_of(*user, &groups)?;
            }
            t.groups.remove(name_key(found.name.as_str()))?;
            t.groups.remove(group_key(found.id))?;
            let event = Event::about_group(origin, Action::GroupDelete, found)
                .with("members", serde_json::json!(users.len()));
            t.audit.record(&event)?;
            Ok(Some(found.clone()))
        })
    }

    pub(super) fn members_change(
        &self,
        group: &GroupRef,
        users: &[UserRef],
        add: bool,
        origin: &Origin,
    ) -> Result<(Group, Vec<MemberOutcome>)> {
        let now = Timestamp::now();
        self.transaction(|t| {
            let Some(mut found) = t.resolve_group(group)? else {
                return abort(Error::GroupNotFound(group.clone()));
            };
            let mut outcomes = Vec::with_capacity(users.len());
            let mut changed: Vec<Account> = Vec::new();
            let mut seen = BTreeSet::new();
            for user in users {
                let Some(account) = t.resolve(user)? else {
                    outcomes.push(MemberOutcome::NotFound);
                    continue;
                };
                let id = account.user.id;
                let mut groups = t.groups_of(id)?;
                let member = groups.contains(&found.id);
                if member == add || !seen.insert(id) {
                    outcomes.push(MemberOutcome::Unchanged(id));
                    continue;
                }
                if add {
                    groups.push(found.id);
                    t.members.insert(member_key(found.id, id), &[])?;
                    found.members += 1;
                } else {
                    groups.retain(|g| *g != found.id);
                    t.members.remove(member_key(found.id, id))?;
                    found.members = found.members.saturating_sub(1);
                }
                t.set_groups_of(id, &groups)?;
                outcomes.push(MemberOutcome::Changed(id));
                changed.push(account);
            }
            if !changed.is_empty() {
                found.updated_at = now.max(found.updated_at);
                t.put_group(&found)?;
                let action = if add {
                    Action::GroupAdd
                } else {
                    Action::GroupRemove
                };
                let about = changed
                    .iter()
                    .map(|a| (a.user.id, a.user.username.as_str()));
                if let Some(event) = Event::about_many(origin, action, about) {
                    t.audit.record(&event.in_group(&found))?;
                }
            }
            Ok((found, outcomes))
        })
    }

    pub(super) fn user_groups(&self, id: Uuid) -> Result<Vec<Group>> {
        let engine = self.engine()?;
        let Some(raw) = engine
            .members
            .get(key(GROUPS_OF, &[id.as_bytes()]))
            .map_err(storage)?
        else {
            return Ok(Vec::new());
        };
        let mut groups = Vec::new();
        for gid in ids(&raw) {
            if let Some(group) = self.get_group(&GroupRef::Id(gid))? {
                groups.push(group);
            }
        }
        groups.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(groups)
    }
}

impl Engine {
    /// Whether `user` is a member of `group`.
    pub(super) fn is_member(&self, group: Uuid, user: Uuid) -> Result<bool> {
        self.members
            .contains_key(member_key(group, user))
            .map_err(storage)
    }

    /// Every user's groups, in user-id order.
    pub(super) fn memberships(&self) -> impl Iterator<Item = Result<(Uuid, Vec<Uuid>)>> + '_ {
        self.members
            .range(vec![GROUPS_OF]..vec![GROUPS_OF + 1])
            .map(|item| {
                let (k, raw) = item.map_err(storage)?;
                Ok((key_id(&k[1..])?, ids(&raw)))
            })
    }

    /// Every group's name, by id.
    pub(super) fn group_names(&self) -> Result<std::collections::HashMap<Uuid, String>> {
        let mut names = std::collections::HashMap::new();
        for item in self.groups.range(vec![GROUP]..vec![GROUP + 1]) {
            let (_, raw) = item.map_err(storage)?;
            let group = decode_group(&raw)?;
            names.insert(group.id, group.name.to_string());
        }
        Ok(names)
    }

    /// The members of group `group` after the user id `after`, in id
    /// order, as far as `keep` goes on asking (it says whether to).
    pub(super) fn each_member(
        &self,
        group: Uuid,
        after: Option<Uuid>,
        keep: &mut dyn FnMut(Uuid) -> Result<bool>,
    ) -> Result<()> {
        let start = match after {
            Some(user) => {
                let mut k = member_key(group, user);
                k.push(0);
                k
            }
            None => key(MEMBER, &[group.as_bytes()]),
        };
        let prefix = key(MEMBER, &[group.as_bytes()]);
        for item in self.members.range(start..) {
            let (k, _) = item.map_err(storage)?;
            if !k.starts_with(&prefix) {
                break;
            }
            if !keep(key_id(&k[17..])?)? {
                break;
            }
        }
        Ok(())
    }
}
