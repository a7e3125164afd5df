//! Groups: create, read, rename, delete, and members added or removed in
//! batches.

use std::collections::HashSet;

use uuid::Uuid;

use super::Service;
use crate::domain::audit::Origin;
use crate::domain::{Group, GroupPatch, GroupRef, MemberOutcome, Timestamp, UserRef};
use crate::error::{Error, Result};
use crate::ops::{GroupPage, GroupQuery, ListQuery, MembersReport, NewGroup};

/// How many names one membership transaction covers.
pub const MEMBER_BATCH: usize = 1000;

fn group_not_found(group: &GroupRef) -> Error {
    Error::NotFound(format!("group {group} not found"))
}

impl Service {
    pub(super) fn get_group(&self, group: &GroupRef) -> Result<Group> {
        self.store
            .group(group)?
            .ok_or_else(|| group_not_found(group))
    }

    pub(super) fn list_groups(&self, query: &GroupQuery) -> Result<GroupPage> {
        let bounds = ListQuery {
            limit: query.limit,
            cursor: query.cursor.clone(),
            ..ListQuery::default()
        };
        let (limit, after) = bounds.bounds()?;
        let mut data = self.store.group_page(after, limit + 1)?;
        let more = data.len() > limit;
        data.truncate(limit);
        let next_cursor = if more {
            data.last().map(|g| g.id.to_string())
        } else {
            None
        };
        Ok(GroupPage { data, next_cursor })
    }

    pub(super) fn create_group(&self, new: NewGroup, origin: &Origin) -> Result<Group> {
        let group = Group {
            external_id: new.external_id,
            ..Group::new(new.name, new.display_name)
        };
        self.store.insert_group(&group, origin)?;
        Ok(group)
    }

    pub(super) fn update_group(
        &self,
        group: &GroupRef,
        patch: &GroupPatch,
        origin: &Origin,
    ) -> Result<Group> {
        if patch.is_empty() {
            return Err(Error::usage(
                "nothing to change: give a new name or display name",
            ));
        }
        Ok(self
            .store
            .update_group(group, patch, Timestamp::now(), origin)?)
    }

    pub(super) fn delete_group(&self, group: &GroupRef, origin: &Origin) -> Result<Group> {
        self.store
            .delete_group(group, origin)?
            .ok_or_else(|| group_not_found(group))
    }

    /// Each name once, in the order given, `MEMBER_BATCH` to a transaction;
    /// `stop` is asked between batches (Ctrl-C on the command line).
    pub(super) fn change_members(
        &self,
        group: &GroupRef,
        users: &[String],
        add: bool,
        origin: &Origin,
        stop: &dyn Fn() -> bool,
    ) -> Result<MembersReport> {
        let mut seen = HashSet::new();
        let names: Vec<&str> = users
            .iter()
            .map(|s| s.trim())
            .filter(|s| seen.insert(*s))
            .collect();
        let mut report = MembersReport {
            group: self.get_group(group)?,
            changed: Vec::new(),
            unchanged: Vec::new(),
            not_found: Vec::new(),
            interrupted: false,
            remaining: Vec::new(),
        };
        // By id, whatever name a user was given by: a user named twice (by
        // username and by email) is changed once.
        let mut handled: HashSet<Uuid> = HashSet::new();
        for (n, chunk) in names.chunks(MEMBER_BATCH).enumerate() {
            if n > 0 && stop() {
                report.interrupted = true;
                report.remaining = names[n * MEMBER_BATCH..]
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
            let (after, outcomes) = self
                .store
                .change_members(&GroupRef::Id(report.group.id), &only_refs, add, origin)
                .map_err(|e| match e {
                    // Deleted between batches: named as the caller named it.
                    crate::store::StoreError::GroupNotFound(_) => group_not_found(group),
                    other => other.into(),
                })?;
            report.group = after;
            let mut verdicts = vec![MemberOutcome::NotFound; chunk.len()];
            for ((i, _), outcome) in refs.iter().zip(outcomes) {
                verdicts[*i] = outcome;
            }
            for (name, verdict) in chunk.iter().zip(verdicts) {
                let name = (*name).to_owned();
                match verdict {
                    MemberOutcome::Changed(id) if handled.insert(id) => report.changed.push(name),
                    MemberOutcome::Changed(_) | MemberOutcome::Unchanged(_) => {
                        report.unchanged.push(name)
                    }
                    MemberOutcome::NotFound => report.not_found.push(name),
                }
            }
        }
        Ok(report)
    }

    pub(super) fn user_groups(&self, user: &UserRef) -> Result<Vec<Group>> {
        let account = self
            .store
            .get(user)?
            .ok_or_else(|| Error::NotFound(format!("user {user} not found")))?;
        Ok(self.store.groups_of(account.user.id)?)
    }
}
