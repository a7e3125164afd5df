//! Groups in SQL: `groups`, and `group_members` (whose rows go with a
//! deleted user or group by cascade). A group's member count is counted
//! when it is read, from the primary key's index.

use std::collections::HashSet;
use std::time::SystemTime;

use serde_json::json;
use tokio_postgres::Row;
use uuid::Uuid;

use super::audit::append;
use super::{Failure, PostgresStore, cached};
use crate::domain::audit::{Action, Event, Origin};
use crate::domain::{
    DisplayName, Group, GroupPatch, GroupRef, MemberOutcome, Timestamp, UserRef, Username,
};
use crate::store::{Result, StoreError as Error, Taken};

const SELECT: &str = "g.id, g.name, g.display_name, g.created_at, g.updated_at,
    (SELECT count(*) FROM group_members m WHERE m.group_id = g.id), g.external_id";

fn group(row: &Row) -> Result<Group> {
    let bad = |e: String| Error::Unavailable(format!("database holds an unreadable group: {e}"));
    Ok(Group {
        id: row.get(0),
        name: Username::parse(row.get(1)).map_err(bad)?,
        display_name: row
            .get::<_, Option<&str>>(2)
            .map(DisplayName::parse)
            .transpose()
            .map_err(bad)?,
        created_at: Timestamp::from_system_time(row.get(3)),
        updated_at: Timestamp::from_system_time(row.get(4)),
        members: u64::try_from(row.get::<_, i64>(5)).unwrap_or(0),
        external_id: row.get(6),
    })
}

/// The query for the group `group` names, and its key.
fn by_ref(group: &GroupRef, lock: &str) -> (String, Box<dyn tokio_postgres::types::ToSql + Sync>) {
    match group {
        GroupRef::Id(id) => (
            format!("SELECT {SELECT} FROM groups g WHERE g.id = $1 {lock}"),
            Box::new(*id),
        ),
        GroupRef::Name(name) => (
            format!("SELECT {SELECT} FROM groups g WHERE g.name = $1 {lock}"),
            Box::new(name.as_str().to_owned()),
        ),
    }
}

fn name_taken(e: &tokio_postgres::Error, name: &Username) -> Option<Error> {
    let db = e.as_db_error()?;
    (db.constraint() == Some("groups_name_unique"))
        .then(|| Error::Taken(Taken::GroupName(name.clone())))
}

impl PostgresStore {
    pub(super) fn get_group(&self, group: &GroupRef) -> Result<Option<Group>> {
        let (sql, key) = by_ref(group, "");
        self.run(self.with_client(async |c| {
            Ok(cached::query_opt(c, &sql, &[key.as_ref()])
                .await?
                .as_ref()
                .map(self::group)
                .transpose()?)
        }))
    }

    pub(super) fn groups_page(&self, after: Option<Uuid>, limit: usize) -> Result<Vec<Group>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let after = after.unwrap_or(Uuid::nil());
        let sql = format!("SELECT {SELECT} FROM groups g WHERE g.id > $1 ORDER BY g.id LIMIT $2");
        self.run(self.with_client(async |c| {
            Ok(cached::query(c, &sql, &[&after, &limit])
                .await?
                .iter()
                .map(group)
                .collect::<Result<Vec<_>>>()?)
        }))
    }

    pub(super) fn store_group(&self, new: &Group, origin: &Origin) -> Result<()> {
        let event = Event::about_group(origin, Action::GroupCreate, new);
        let name = new.name.as_str();
        let display = new.display_name.as_ref().map(DisplayName::as_str);
        let external = new.external_id.as_deref();
        let (created, updated) = (
            new.created_at.to_system_time(),
            new.updated_at.to_system_time(),
        );
        self.run(self.transaction(async |tx| {
            match cached::execute(
                tx,
                "INSERT INTO groups (id, name, display_name, created_at, updated_at, external_id)
                 VALUES ($1, $2, $3, $4, $5, $6)",
                &[&new.id, &name, &display, &created, &updated, &external],
            )
            .await
            {
                Ok(_) => append(tx, std::slice::from_ref(&event)).await,
                Err(e) => Err(match name_taken(&e, &new.name) {
                    Some(taken) => Failure::Store(taken),
                    None => Failure::Db(e),
                }),
            }
        }))
    }

    pub(super) fn patch_group(
        &self,
        which: &GroupRef,
        patch: &GroupPatch,
        now: Timestamp,
        origin: &Origin,
    ) -> Result<Group> {
        let (sql, key) = by_ref(which, "FOR UPDATE OF g");
        self.run(self.transaction(async |tx| {
            let Some(row) = cached::query_opt(tx, &sql, &[key.as_ref()]).await? else {
                return Err(Failure::Store(Error::GroupNotFound(which.clone())));
            };
            let current = group(&row)?;
            let Some(next) = patch.apply(&current, now) else {
                return Ok(current);
            };
            let name = next.name.as_str();
            let display = next.display_name.as_ref().map(DisplayName::as_str);
            let external = next.external_id.as_deref();
            let updated: SystemTime = next.updated_at.to_system_time();
            if let Err(e) = cached::execute(
                tx,
                "UPDATE groups SET name = $2, display_name = $3, updated_at = $4, external_id = $5
                 WHERE id = $1",
                &[&next.id, &name, &display, &updated, &external],
            )
            .await
            {
                return Err(match name_taken(&e, &next.name) {
                    Some(taken) => Failure::Store(taken),
                    None => Failure::Db(e),
                });
            }
            let mut event = Event::about_group(origin, Action::GroupUpdate, &next)
                .with("fields", json!(patch.fields()));
            if next.name != current.name {
                event = event.with("renamed_from", json!(current.name));
            }
            append(tx, std::slice::from_ref(&event)).await?;
            Ok(next)
        }))
    }

    pub(super) fn remove_group(&self, which: &GroupRef, origin: &Origin) -> Result<Option<Group>> {
        let (sql, key) = by_ref(which, "FOR UPDATE OF g");
        self.run(self.transaction(async |tx| {
            let Some(row) = cached::query_opt(tx, &sql, &[key.as_ref()]).await? else {
                return Ok(None);
            };
            let found = group(&row)?;
            cached::execute(tx, "DELETE FROM groups WHERE id = $1", &[&found.id]).await?;
            let event = Event::about_group(origin, Action::GroupDelete, &found)
                .with("members", json!(found.members));
            append(tx, std::slice::from_ref(&event)).await?;
            Ok(Some(found))
        }))
    }

    pub(super) fn members_change(
        &self,
        which: &GroupRef,
        users: &[UserRef],
        add: bool,
        origin: &Origin,
    ) -> Result<(Group, Vec<MemberOutcome>)> {
        // The group's row is held (its time of change is written: a delete
        // of it, or another change of its members, waits) and the users'
        // rows too (KEY SHARE), so that neither goes while members change.
        let (sql, key) = by_ref(which, "FOR NO KEY UPDATE OF g");
        let now = Timestamp::now();
        let (ids, names, emails) = super::store::split_refs(users);
        let change = if add {
            "INSERT INTO group_members (group_id, user_id) SELECT $1, unnest($2::uuid[])
             ON CONFLICT DO NOTHING RETURNING user_id"
        } else {
            "DELETE FROM group_members WHERE group_id = $1 AND user_id = ANY($2) RETURNING user_id"
        };
        self.run(self.transaction(async |tx| {
            let Some(row) = cached::query_opt(tx, &sql, &[key.as_ref()]).await? else {
                return Err(Failure::Store(Error::GroupNotFound(which.clone())));
            };
            let mut found = group(&row)?;
            let rows = cached::query(
                tx,
                "SELECT id, username, email_key FROM users
                 WHERE id = ANY($1) OR username = ANY($2) OR email_key = ANY($3)
                 ORDER BY id FOR KEY SHARE",
                &[&ids, &names, &emails],
            )
            .await?;
            let known: Vec<(Uuid, String, String)> = rows
                .iter()
                .map(|r| (r.get(0), r.get(1), r.get(2)))
                .collect();
            // Each name looked up, not searched for: a batch of a thousand
            // is a thousand look-ups.
            let mut by_id = std::collections::HashMap::new();
            let mut by_name = std::collections::HashMap::new();
            let mut by_email = std::collections::HashMap::new();
            for k in &known {
                by_id.insert(k.0, k);
                by_name.insert(k.1.as_str(), k);
                by_email.insert(k.2.as_str(), k);
            }
            let resolved: Vec<Option<&(Uuid, String, String)>> = users
                .iter()
                .map(|user| match user {
                    UserRef::Id(i) => by_id.get(i).copied(),
                    UserRef::Username(n) => by_name.get(n.as_str()).copied(),
                    UserRef::Email(e) => by_email.get(e.key().as_str()).copied(),
                })
                .collect();
            let wanted: Vec<Uuid> = resolved.iter().flatten().map(|k| k.0).collect();
            let changed: HashSet<Uuid> = cached::query(tx, change, &[&found.id, &wanted])
                .await?
                .iter()
                .map(|r| r.get(0))
                .collect();
            let mut reported = HashSet::new();
            let mut about = Vec::new();
            let outcomes = resolved
                .iter()
                .map(|known| match known {
                    None => MemberOutcome::NotFound,
                    Some((id, name, _)) => {
                        if changed.contains(id) && reported.insert(*id) {
                            about.push((*id, name.as_str()));
                            MemberOutcome::Changed(*id)
                        } else {
                            MemberOutcome::Unchanged(*id)
                        }
                    }
                })
                .collect();
            let n = changed.len() as u64;
            found.members = if add {
                found.members + n
            } else {
                found.members.saturating_sub(n)
            };
            if n > 0 {
                found.updated_at = now.max(found.updated_at);
                let updated: SystemTime = found.updated_at.to_system_time();
                cached::execute(
                    tx,
                    "UPDATE groups SET updated_at = $2 WHERE id = $1",
                    &[&found.id, &updated],
                )
                .await?;
            }
            let action = if add {
                Action::GroupAdd
            } else {
                Action::GroupRemove
            };
            if let Some(event) = Event::about_many(origin, action, about) {
                append(tx, &[event.in_group(&found)]).await?;
            }
            Ok((found, outcomes))
        }))
    }

    pub(super) fn user_groups(&self, id: Uuid) -> Result<Vec<Group>> {
        let sql = format!(
            "SELECT {SELECT} FROM groups g JOIN group_members gm ON gm.group_id = g.id
             WHERE gm.user_id = $1 ORDER BY g.name"
        );
        self.run(self.with_client(async |c| {
            Ok(cached::query(c, &sql, &[&id])
                .await?
                .iter()
                .map(group)
                .collect::<Result<Vec<_>>>()?)
        }))
    }
}
