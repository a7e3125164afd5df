//! `check` of groups and API keys: every record readable and found by its
//! name, every membership between a group and a user that exist, each
//! user's list of groups and each group's member count as its memberships
//! say. With `--repair`, rebuilt from the records first: names from the
//! group and key records, and the lists and counts from the memberships
//! (a membership of a group or user that is gone is dropped), and API keys'
//! names from the keys.

use std::collections::{BTreeMap, BTreeSet};

use uuid::Uuid;

use super::check::hex;
use super::groups::{BINNED, GROUP, GROUPS_OF, MEMBER, NAME, decode_group, encode_group, ids};
use super::{Engine, SledStore, defer, storage};
use crate::store::{CheckReport, Result};

/// The 16 bytes of an id at `at` in `key`, if there are.
fn id_at(key: &[u8], at: usize) -> Option<Uuid> {
    key.get(at..at + 16).and_then(|b| Uuid::from_slice(b).ok())
}

/// Memberships, as (group, user).
type Memberships = BTreeSet<(Uuid, Uuid)>;

/// Every membership, and the keys that hold none.
fn memberships(engine: &Engine) -> Result<(Memberships, Vec<Vec<u8>>)> {
    let (mut all, mut bad) = (BTreeSet::new(), Vec::new());
    for item in engine.members.range(vec![MEMBER]..vec![MEMBER + 1]) {
        let (k, _) = item.map_err(storage)?;
        match (id_at(&k, 1), id_at(&k, 17), k.len()) {
            (Some(g), Some(u), 33) => {
                all.insert((g, u));
            }
            _ => bad.push(k.to_vec()),
        }
    }
    Ok((all, bad))
}

impl SledStore {
    pub(super) fn verify_groups(&self, report: &mut CheckReport) -> Result<()> {
        let engine = self.engine()?;
        let mut groups: BTreeMap<Uuid, (String, u64)> = BTreeMap::new();
        for item in engine.groups.range(vec![GROUP]..vec![GROUP + 1]) {
            let (k, raw) = item.map_err(storage)?;
            match decode_group(&raw) {
                Ok(g) if id_at(&k, 1) == Some(g.id) => {
                    let name_key = [&[NAME][..], g.name.as_str().as_bytes()].concat();
                    let named = engine.groups.get(&name_key).map_err(storage)?;
                    if named.as_deref() != Some(g.id.as_bytes().as_slice()) {
                        report.problem(
                            "missing_group_name_index",
                            format!("group {} ({}) is not found by its name", g.id, g.name),
                        );
                    }
                    groups.insert(g.id, (g.name.to_string(), g.members));
                }
                _ => report.problem(
                    "unreadable_group",
                    format!("the group record under key {} cannot be read", hex(&k)),
                ),
            }
        }
        for item in engine.groups.range(vec![NAME]..vec![NAME + 1]) {
            let (k, id) = item.map_err(storage)?;
            let name = String::from_utf8_lossy(&k[1..]).into_owned();
            let owner = Uuid::from_slice(&id).ok().and_then(|id| groups.get(&id));
            if owner.is_none_or(|(n, _)| *n != name) {
                report.problem(
                    "dangling_group_name_index",
                    format!(
                        "group name {name} points at {}, no group of that name",
                        hex(&id)
                    ),
                );
            }
        }
        let (all, bad) = memberships(&engine)?;
        for k in bad {
            report.problem(
                "unreadable_membership",
                format!("a membership under key {} cannot be read", hex(&k)),
            );
        }
        let mut counted: BTreeMap<Uuid, u64> = BTreeMap::new();
        for (g, u) in &all {
            *counted.entry(*g).or_default() += 1;
            let user = engine.users.get(u.as_bytes()).map_err(storage)?;
            if !groups.contains_key(g) || user.is_none() {
                report.problem(
                    "dangling_membership",
                    format!("user {u} is a member of group {g}, and one of them does not exist"),
                );
            }
        }
        for (id, (name, members)) in &groups {
            let counted = counted.get(id).copied().unwrap_or(0);
            if counted != *members {
                report.problem(
                    "wrong_member_count",
                    format!("group {name} says {members} members and has {counted}"),
                );
            }
        }
        // Each user's list of groups holds exactly its memberships.
        let mut listed = BTreeSet::new();
        for item in engine.members.range(vec![GROUPS_OF]..vec![GROUPS_OF + 1]) {
            let (k, raw) = item.map_err(storage)?;
            let Some(user) = id_at(&k, 1) else {
                report.problem(
                    "unreadable_membership",
                    format!("a list of groups under key {} cannot be read", hex(&k)),
                );
                continue;
            };
            for g in ids(&raw) {
                listed.insert((g, user));
            }
        }
        let (unlisted, stale) = (
            all.difference(&listed).count(),
            listed.difference(&all).count(),
        );
        if unlisted + stale > 0 {
            report.problem(
                "stale_membership_index",
                format!(
                    "users' lists of groups lack {unlisted} memberships and hold {stale} that are \
                     none (`check --repair` rebuilds them)"
                ),
            );
        }
        for item in engine.members.range(vec![BINNED]..vec![BINNED + 1]) {
            let (k, _) = item.map_err(storage)?;
            let in_bin = match id_at(&k, 1) {
                Some(u) => engine.bin.get(u.as_bytes()).map_err(storage)?.is_some(),
                None => false,
            };
            if !in_bin {
                report.problem(
                    "dangling_binned_membership",
                    format!(
                        "groups are kept for a restore of {}, which is not in the recycle bin",
                        hex(&k[1..])
                    ),
                );
            }
        }
        self.verify_keys(&engine, report)
    }

    fn verify_keys(&self, engine: &Engine, report: &mut CheckReport) -> Result<()> {
        let mut names = BTreeMap::new();
        for item in engine.keys.range(vec![b'i']..vec![b'i' + 1]) {
            let (k, raw) = item.map_err(storage)?;
            match serde_json::from_slice::<crate::domain::StoredKey>(&raw) {
                Ok(key) if id_at(&k, 1) == Some(key.key.id) => {
                    names.insert(key.key.name.to_string(), key.key.id);
                }
                _ => report.problem(
                    "unreadable_api_key",
                    format!("the API key under key {} cannot be read", hex(&k)),
                ),
            }
        }
        let mut indexed = BTreeMap::new();
        for item in engine.keys.range(vec![b'n']..vec![b'n' + 1]) {
            let (k, id) = item.map_err(storage)?;
            let name = String::from_utf8_lossy(&k[1..]).into_owned();
            indexed.insert(name, Uuid::from_slice(&id).ok());
        }
        for (name, id) in &names {
            if indexed.get(name) != Some(&Some(*id)) {
                report.problem(
                    "missing_api_key_name_index",
                    format!("API key {name} is not found by its name"),
                );
            }
        }
        for (name, id) in &indexed {
            if id.is_none_or(|id| names.get(name) != Some(&id)) {
                report.problem(
                    "dangling_api_key_name_index",
                    format!("API key name {name} names no key of that name"),
                );
            }
        }
        Ok(())
    }

    /// Group names from the group records; users' lists of groups and the
    /// member counts from the memberships, dropping those of a group or
    /// user that is gone; kept groups only of users in the bin.
    pub(super) fn rebuild_groups(&self, report: &mut CheckReport) -> Result<()> {
        let engine = self.writer()?;
        let _changed = defer(|| self.changed());
        let fail = |e| self.fail(e);
        let mut groups = BTreeMap::new();
        for item in engine.groups.range(vec![GROUP]..vec![GROUP + 1]) {
            let (_, raw) = item.map_err(storage)?;
            if let Ok(g) = decode_group(&raw) {
                groups.insert(g.id, g);
            }
        }
        for item in engine.groups.range(vec![NAME]..vec![NAME + 1]) {
            let (k, _) = item.map_err(storage)?;
            engine.groups.remove(k).map_err(fail)?;
        }
        for g in groups.values() {
            let name_key = [&[NAME][..], g.name.as_str().as_bytes()].concat();
            let claimed = engine
                .groups
                .compare_and_swap(
                    name_key,
                    None as Option<&[u8]>,
                    Some(g.id.as_bytes().as_slice()),
                )
                .map_err(fail)?;
            if claimed.is_err() {
                report.problem(
                    "duplicate_group_name",
                    format!("groups share the name {}; {} left without it", g.name, g.id),
                );
            }
        }
        let (all, bad) = memberships(&engine)?;
        for k in bad {
            engine.members.remove(k).map_err(fail)?;
        }
        let mut lists: BTreeMap<Uuid, Vec<Uuid>> = BTreeMap::new();
        let mut counts: BTreeMap<Uuid, u64> = BTreeMap::new();
        for (g, u) in all {
            let user = engine.users.get(u.as_bytes()).map_err(storage)?;
            if !groups.contains_key(&g) || user.is_none() {
                let k = [&[MEMBER][..], g.as_bytes(), u.as_bytes()].concat();
                engine.members.remove(k).map_err(fail)?;
                continue;
            }
            lists.entry(u).or_default().push(g);
            *counts.entry(g).or_default() += 1;
        }
        for item in engine.members.range(vec![GROUPS_OF]..vec![GROUPS_OF + 1]) {
            let (k, _) = item.map_err(storage)?;
            engine.members.remove(k).map_err(fail)?;
        }
        for (u, gs) in lists {
            let k = [&[GROUPS_OF][..], u.as_bytes()].concat();
            let v: Vec<u8> = gs.iter().flat_map(|g| *g.as_bytes()).collect();
            engine.members.insert(k, v).map_err(fail)?;
        }
        for (id, mut g) in groups {
            let count = counts.get(&id).copied().unwrap_or(0);
            if g.members != count {
                g.members = count;
                let k = [&[GROUP][..], id.as_bytes()].concat();
                engine.groups.insert(k, encode_group(&g)).map_err(fail)?;
            }
        }
        for item in engine.members.range(vec![BINNED]..vec![BINNED + 1]) {
            let (k, _) = item.map_err(storage)?;
            let in_bin = match id_at(&k, 1) {
                Some(u) => engine.bin.get(u.as_bytes()).map_err(storage)?.is_some(),
                None => false,
            };
            if !in_bin {
                engine.members.remove(k).map_err(fail)?;
            }
        }
        // API keys' names, from the keys.
        let mut keys = Vec::new();
        for item in engine.keys.range(vec![b'i']..vec![b'i' + 1]) {
            let (_, raw) = item.map_err(storage)?;
            if let Ok(key) = serde_json::from_slice::<crate::domain::StoredKey>(&raw) {
                keys.push((key.key.name.to_string(), key.key.id));
            }
        }
        for item in engine.keys.range(vec![b'n']..vec![b'n' + 1]) {
            let (k, _) = item.map_err(storage)?;
            engine.keys.remove(k).map_err(fail)?;
        }
        for (name, id) in keys {
            let k = [&[b'n'][..], name.as_bytes()].concat();
            engine
                .keys
                .insert(k, id.as_bytes().as_slice())
                .map_err(fail)?;
        }
        self.group_flush()
    }
}
