//! The store interface in SQL. Every read goes to the database (several
//! processes share it: nothing read earlier can be trusted later), and
//! every change that takes more than one statement is one transaction.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use deadpool_postgres::Transaction;
use tokio_postgres::IsolationLevel;
use tokio_postgres::types::ToSql;
use uuid::Uuid;

use super::audit::append;
use super::row::{self, INSERT, INSERT_TYPES, SELECT, Values};
use super::{Failure, PostgresStore, cached, taken};
use crate::domain::audit::{Action, AuditFilter, Event, Origin, Verdict};
use crate::domain::{
    Account, ApiKey, ExportLine, Group, GroupPatch, GroupRef, MemberOutcome, Role, Sort, SortKey,
    StoredKey, Timestamp, UserRef, Username,
};
use crate::store::{
    Binned, Change, CheckReport, Commit, Deletion, ExportBatch, Filter, Holder, Problem, Purge,
    Restore, Restored, Result, Store, StoreError as Error, Taken,
};
use crate::throttle::LoginLimit;
use serde_json::json;

/// Revocations of tokens that have expired anyway.
const FORGET_EXPIRED: &str = "DELETE FROM revoked_tokens WHERE expires_at < now()";

/// Rows fetched at a time by export and check.
const FETCH: i32 = 1000;

impl Store for PostgresStore {
    fn lookups_are_local(&self) -> bool {
        false
    }

    fn get(&self, user: &UserRef) -> Result<Option<Account>> {
        self.run(self.with_client(async |c| {
            let (sql, key) = by_ref(user);
            let row = cached::query_opt(c, &sql, &[key.as_ref()]).await?;
            Ok(row.as_ref().map(row::account).transpose()?)
        }))
    }

    /// Read from the database on every request: another instance may have
    /// blocked, demoted or deleted the user a moment ago.
    fn holder(&self, id: Uuid) -> Result<Option<Holder>> {
        Ok(self.token_check(id, "")?.1)
    }

    /// Revocation and holder in one query: one round trip a request.
    fn token_check(&self, id: Uuid, jti: &str) -> Result<(bool, Option<Holder>)> {
        self.run(self.with_client(async |c| {
            let row = cached::query_one(
                c,
                "SELECT EXISTS (SELECT 1 FROM revoked_tokens WHERE jti = $2),
                        u.role, u.blocked, u.must_change_password, u.password_changed_at,
                        u.tokens_after
                 FROM (SELECT 1) AS one
                 LEFT JOIN users u ON u.id = $1",
                &[&id, &jti],
            )
            .await?;
            let revoked: bool = row.get(0);
            let Some(role) = row.get::<_, Option<String>>(1) else {
                return Ok((revoked, None));
            };
            let millis = |t: SystemTime| Timestamp::from_system_time(t).unix_millis();
            Ok((
                revoked,
                Some(Holder {
                    role: role.parse::<Role>().map_err(Error::Internal)?,
                    blocked: row.get(2),
                    must_change_password: row.get(3),
                    password_changed_at: millis(row.get(4)),
                    tokens_after: row.get::<_, Option<SystemTime>>(5).map(millis),
                }),
            ))
        }))
    }

    fn insert(&self, account: &Account, origin: &Origin) -> Result<()> {
        let event = Event::about(origin, Action::Create, account);
        let values = Values::of(account);
        let sql = format!(
            "INSERT INTO users ({INSERT}) VALUES ({})",
            (1..=INSERT_TYPES.len())
                .map(|i| format!("${i}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        self.run(self.transaction(
            async |tx| match cached::execute(tx, &sql, &values.params()).await {
                Ok(_) => append(tx, std::slice::from_ref(&event)).await,
                Err(e) => match taken(&e, account) {
                    Some(t) => Err(Failure::Store(Error::Taken(t))),
                    None => Err(Failure::Db(e)),
                },
            },
        ))
    }

    /// One statement for the batch (see `insert_rows`).
    fn insert_many(
        &self,
        accounts: &[Account],
        fresh: &[bool],
        groups: &[Vec<Uuid>],
        origin: &Origin,
    ) -> Result<Vec<std::result::Result<(), Taken>>> {
        if accounts.is_empty() {
            return Ok(Vec::new());
        }
        self.run(self.transaction(async |tx| {
            let outcomes = insert_rows(tx, accounts, fresh).await?;
            let stored = accounts
                .iter()
                .zip(&outcomes)
                .filter(|(_, o)| o.is_ok())
                .map(|(a, _)| (a.user.id, a.user.username.as_str()));
            // The stored users' memberships, in the groups that exist.
            let (mut member_groups, mut member_users) = (Vec::new(), Vec::new());
            for (i, (account, outcome)) in accounts.iter().zip(&outcomes).enumerate() {
                if outcome.is_ok() {
                    for gid in groups.get(i).into_iter().flatten() {
                        member_groups.push(*gid);
                        member_users.push(account.user.id);
                    }
                }
            }
            let mut names: Vec<String> = Vec::new();
            if !member_groups.is_empty() {
                names = cached::query(
                    tx,
                    "WITH joined AS (
                         INSERT INTO group_members (group_id, user_id)
                         SELECT m.g, m.u FROM unnest($1::uuid[], $2::uuid[]) AS m(g, u)
                         JOIN groups ON groups.id = m.g
                         ON CONFLICT DO NOTHING RETURNING group_id)
                     SELECT DISTINCT g.name FROM joined j JOIN groups g ON g.id = j.group_id
                     ORDER BY g.name",
                    &[&member_groups, &member_users],
                )
                .await?
                .iter()
                .map(|r| r.get(0))
                .collect();
            }
            let events: Vec<Event> = Event::about_many(origin, Action::Import, stored)
                .map(|e| match names.is_empty() {
                    true => e,
                    false => e.with("groups", json!(names)),
                })
                .into_iter()
                .collect();
            append(tx, &events).await?;
            Ok(outcomes)
        }))
    }

    /// Reads the account with a row lock, computes its next state, writes
    /// it; the database's constraints keep usernames and emails unique.
    fn update(&self, user: &UserRef, change: &Change<'_>, origin: &Origin) -> Result<Account> {
        let (select, key) = by_ref(user);
        let select = format!("{select} FOR UPDATE");
        let update = format!(
            "UPDATE users SET ({INSERT}) = ({}) WHERE id = $18",
            (1..=INSERT_TYPES.len())
                .map(|i| format!("${i}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        self.run(self.transaction(async |tx| {
            let Some(row) = cached::query_opt(tx, &select, &[key.as_ref()]).await? else {
                return Err(Failure::Store(Error::NotFound(user.clone())));
            };
            let current = row::account(&row)?;
            let next = change(&current).map_err(Error::Refused)?;
            let values = Values::of(&next);
            let mut params: Vec<&(dyn ToSql + Sync)> = values.params().to_vec();
            params.push(&current.user.id);
            match cached::execute(tx, &update, &params).await {
                Ok(_) => {
                    if let Some(event) = Event::of_update(origin, &current, &next) {
                        append(tx, std::slice::from_ref(&event)).await?;
                    }
                    Ok(next.clone())
                }
                Err(e) => match taken(&e, &next) {
                    Some(t) => Err(Failure::Store(Error::Taken(t))),
                    None => Err(Failure::Db(e)),
                },
            }
        }))
    }

    /// Every name is resolved (and its row locked) before anything is
    /// removed, so two names of one user both find it. Binned, the rows
    /// move to `deleted_users` in the same statement that deletes them.
    fn delete_many(
        &self,
        users: &[UserRef],
        how: Deletion,
        origin: &Origin,
    ) -> Result<Vec<Option<Account>>> {
        let (ids, names, emails) = split_refs(users);
        let select = format!(
            "SELECT {SELECT} FROM users
             WHERE id = ANY($1) OR username = ANY($2) OR email_key = ANY($3)
             ORDER BY id{}",
            if how == Deletion::DryRun {
                ""
            } else {
                " FOR UPDATE"
            }
        );
        // The binned copy's tokens die at the deletion, whatever becomes of it.
        let binned = INSERT
            .split(", ")
            .map(|c| if c == "tokens_after" { "$2" } else { c })
            .collect::<Vec<_>>()
            .join(", ");
        // One statement each way. An id binned before (imported again
        // since) is binned anew, and erased with the user.
        let replaced = INSERT
            .split(", ")
            .chain(["deleted_at"])
            .filter(|c| *c != "id")
            .map(|c| format!("{c} = excluded.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        let to_bin = format!(
            "WITH gone AS (DELETE FROM users WHERE id = ANY($1) RETURNING *)
             INSERT INTO deleted_users ({INSERT}, deleted_at) SELECT {binned}, $2 FROM gone
             ON CONFLICT (id) DO UPDATE SET {replaced}"
        );
        let erase = "WITH gone AS (DELETE FROM users WHERE id = ANY($1))
             DELETE FROM deleted_users WHERE id = ANY($1)";
        self.run(self.transaction(async |tx| {
            let found = cached::query(tx, &select, &[&ids, &names, &emails])
                .await?
                .iter()
                .map(row::account)
                .collect::<Result<Vec<_>>>()?;
            let by_id: HashMap<Uuid, &Account> = found.iter().map(|a| (a.user.id, a)).collect();
            let by_name: HashMap<&str, &Account> = found
                .iter()
                .map(|a| (a.user.username.as_str(), a))
                .collect();
            let by_email: HashMap<String, &Account> =
                found.iter().map(|a| (a.user.email.key(), a)).collect();
            let outcomes: Vec<Option<Account>> = users
                .iter()
                .map(|user| {
                    match user {
                        UserRef::Id(id) => by_id.get(id),
                        UserRef::Username(n) => by_name.get(n.as_str()),
                        UserRef::Email(e) => by_email.get(&e.key()),
                    }
                    .map(|a| (*a).clone())
                })
                .collect();
            let doomed: Vec<Uuid> = found.iter().map(|a| a.user.id).collect();
            // In the order named, as on every backend.
            let mut seen = HashSet::new();
            let gone = outcomes
                .iter()
                .flatten()
                .filter(|a| seen.insert(a.user.id))
                .map(|a| (a.user.id, a.user.username.as_str()));
            let events: Vec<Event> = Event::about_many(origin, Action::Delete, gone)
                .map(|e| match how {
                    Deletion::Purge => e.with("purge", json!(true)),
                    _ => e,
                })
                .into_iter()
                .collect();
            if how != Deletion::DryRun {
                append(tx, &events).await?;
            }
            match how {
                Deletion::DryRun => {}
                Deletion::Purge => {
                    cached::execute(tx, erase, &[&doomed]).await?;
                }
                Deletion::Bin(at) => {
                    let at = at.to_system_time();
                    // The groups they were in, kept for a restore (an id
                    // binned before keeps only its latest).
                    cached::execute(
                        tx,
                        "DELETE FROM binned_members WHERE user_id = ANY($1)",
                        &[&doomed],
                    )
                    .await?;
                    cached::execute(
                        tx,
                        "INSERT INTO binned_members (user_id, group_id)
                         SELECT user_id, group_id FROM group_members WHERE user_id = ANY($1)",
                        &[&doomed],
                    )
                    .await?;
                    cached::execute(tx, &to_bin, &[&doomed, &at]).await?;
                }
            }
            Ok(outcomes)
        }))
    }

    fn deleted_page(
        &self,
        filter: &Filter,
        since: Timestamp,
        after: Option<Uuid>,
        limit: usize,
    ) -> Result<Vec<Binned>> {
        if filter.search.as_deref().is_some_and(|s| s.contains('\0')) {
            return Ok(Vec::new());
        }
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let since = since.to_system_time();
        let mut clauses = vec!["deleted_at >= $1".to_owned()];
        let mut params: Vec<&(dyn ToSql + Sync)> = vec![&since];
        if let Some(after) = &after {
            params.push(after);
            clauses.push(format!("id > ${}", params.len()));
        }
        let converted = FilterParams::of(filter);
        where_clauses(filter, &converted, &mut clauses, &mut params);
        params.push(&limit);
        let sql = format!(
            "SELECT {SELECT}, deleted_at FROM deleted_users {} ORDER BY id LIMIT ${}",
            where_sql(&clauses),
            params.len()
        );
        self.run(self.with_client(async |c| {
            Ok(cached::query(c, &sql, &params)
                .await?
                .iter()
                .map(binned)
                .collect::<Result<Vec<_>>>()?)
        }))
    }

    fn find_deleted(&self, users: &[UserRef], since: Timestamp) -> Result<Vec<Vec<Binned>>> {
        let (ids, names, emails) = split_refs(users);
        let since = since.to_system_time();
        let found = self.run(self.with_client(async |c| {
            Ok(cached::query(
                c,
                &format!(
                    "SELECT {SELECT}, deleted_at FROM deleted_users
                     WHERE deleted_at >= $4
                       AND (id = ANY($1) OR username = ANY($2) OR email_key = ANY($3))
                     ORDER BY deleted_at, id"
                ),
                &[&ids, &names, &emails, &since],
            )
            .await?
            .iter()
            .map(binned)
            .collect::<Result<Vec<_>>>()?)
        }))?;
        // Each name's entries, oldest first, looked up by the name: a
        // restore of 100,000 names is not 100,000 passes over what it found.
        let (mut by_id, mut by_name, mut by_email) =
            (HashMap::new(), HashMap::new(), HashMap::new());
        for (i, b) in found.iter().enumerate() {
            let u = &b.account.user;
            by_id.entry(u.id).or_insert_with(Vec::new).push(i);
            by_name
                .entry(u.username.as_str())
                .or_insert_with(Vec::new)
                .push(i);
            by_email
                .entry(u.email.key())
                .or_insert_with(Vec::new)
                .push(i);
        }
        Ok(users
            .iter()
            .map(|user| {
                let entries = match user {
                    UserRef::Id(id) => by_id.get(id),
                    UserRef::Username(n) => by_name.get(n.as_str()),
                    UserRef::Email(e) => by_email.get(&e.key()),
                };
                entries
                    .into_iter()
                    .flatten()
                    .map(|i| found[*i].clone())
                    .collect()
            })
            .collect())
    }

    /// The binned rows are locked, put back through `insert_rows` (which
    /// skips those that take what a user holds), and the ones back leave
    /// the bin.
    fn restore(
        &self,
        restores: &[Restore],
        since: Timestamp,
        origin: &Origin,
    ) -> Result<Vec<Restored>> {
        let ids: Vec<Uuid> = restores.iter().map(|r| r.id).collect();
        let select =
            format!("SELECT {SELECT}, deleted_at FROM deleted_users WHERE id = ANY($1) FOR UPDATE");
        self.run(self.transaction(async |tx| {
            let rows = cached::query(tx, &select, &[&ids]).await?;
            let mut found: HashMap<Uuid, Binned> = HashMap::new();
            for row in &rows {
                let b = binned(row)?;
                found.insert(b.account.user.id, b);
            }
            // Each restore's account, where it is in the bin still.
            let mut accounts = Vec::new();
            let mut slots = Vec::with_capacity(restores.len());
            for restore in restores {
                match found.get(&restore.id).filter(|b| b.deleted_at >= since) {
                    Some(b) => {
                        let mut account = b.account.clone();
                        if let Some(name) = &restore.rename {
                            account.user.username = name.clone();
                        }
                        slots.push(Some(accounts.len()));
                        accounts.push(account);
                    }
                    None => slots.push(None),
                }
            }
            let fresh = vec![false; accounts.len()];
            let outcomes = insert_rows(tx, &accounts, &fresh).await?;
            let back: Vec<Uuid> = accounts
                .iter()
                .zip(&outcomes)
                .filter(|(_, o)| o.is_ok())
                .map(|(a, _)| a.user.id)
                .collect();
            // Back in the groups they were in, those that are still there.
            cached::execute(
                tx,
                "INSERT INTO group_members (group_id, user_id)
                 SELECT b.group_id, b.user_id FROM binned_members b
                 JOIN groups g ON g.id = b.group_id
                 WHERE b.user_id = ANY($1)
                 FOR KEY SHARE OF g",
                &[&back],
            )
            .await?;
            cached::execute(tx, "DELETE FROM deleted_users WHERE id = ANY($1)", &[&back]).await?;
            // A restore under another name is a record of its own; the
            // others, one for the transaction.
            let mut events = Vec::new();
            let mut plain = Vec::new();
            for (slot, restore) in slots.iter().zip(restores) {
                let Some(i) = *slot else { continue };
                if outcomes[i].is_err() {
                    continue;
                }
                let account = &accounts[i];
                match &restore.rename {
                    Some(name) => events.push(
                        Event::about(origin, Action::Restore, account)
                            .with(
                                "previous_username",
                                json!(found[&restore.id].account.user.username),
                            )
                            .with("username", json!(name)),
                    ),
                    None => plain.push((account.user.id, account.user.username.as_str())),
                }
            }
            events.extend(Event::about_many(origin, Action::Restore, plain));
            append(tx, &events).await?;
            Ok(slots
                .iter()
                .map(|slot| match slot {
                    None => Restored::Gone,
                    Some(i) => match &outcomes[*i] {
                        Ok(()) => Restored::Back(accounts[*i].clone()),
                        Err(taken) => Restored::Taken(taken.clone()),
                    },
                })
                .collect())
        }))
    }

    fn purge(&self, which: &Purge, origin: &Origin) -> Result<u64> {
        self.run(self.transaction(async |tx| {
            let rows = match which {
                Purge::Before(t) => {
                    let t = t.to_system_time();
                    cached::query(
                        tx,
                        "DELETE FROM deleted_users WHERE deleted_at < $1 RETURNING id, username",
                        &[&t],
                    )
                    .await?
                }
                Purge::Ids(ids) => {
                    cached::query(
                        tx,
                        "DELETE FROM deleted_users WHERE id = ANY($1) RETURNING id, username",
                        &[ids],
                    )
                    .await?
                }
            };
            let gone = rows.iter().map(|row| (row.get(0), row.get(1)));
            let events: Vec<Event> = Event::about_many(origin, Action::Purge, gone)
                .into_iter()
                .collect();
            append(tx, &events).await?;
            Ok(rows.len() as u64)
        }))
    }

    /// The filters are pushed down; the id index gives the order and the
    /// cursor.
    fn page(&self, filter: &Filter, after: Option<Uuid>, limit: usize) -> Result<Vec<Account>> {
        let after = after.map(|id| id.to_string());
        self.sorted_page(filter, Sort::default(), after.as_deref(), limit)
    }

    /// The filters are pushed down; the order's index gives the order and
    /// the cursor: the id's, or the unique column's, compared byte by byte
    /// (`COLLATE "C"`, as sled orders its keys, whatever the database's
    /// collation), with an index of that collation each.
    fn sorted_page(
        &self,
        filter: &Filter,
        sort: Sort,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Account>> {
        // No stored text holds a NUL (PostgreSQL's text cannot): such a
        // search matches nothing, and is not sent.
        if filter.search.as_deref().is_some_and(|s| s.contains('\0')) {
            return Ok(Vec::new());
        }
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let column = match sort.key {
            SortKey::Id => "id",
            SortKey::Username => "username COLLATE \"C\"",
            SortKey::Email => "email_key COLLATE \"C\"",
        };
        let (direction, beyond) = match sort.descending {
            false => ("", ">"),
            true => (" DESC", "<"),
        };
        let after_id = match (sort.key, after) {
            (SortKey::Id, Some(a)) => Some(
                Uuid::parse_str(a)
                    .map_err(|_| Error::Refused(crate::error::Error::bad_cursor()))?,
            ),
            _ => None,
        };
        let after_text = after.filter(|_| sort.key != SortKey::Id);
        let mut clauses = Vec::new();
        let mut params: Vec<&(dyn ToSql + Sync)> = Vec::new();
        if let Some(after) = &after_id {
            params.push(after);
        } else if let Some(after) = &after_text {
            params.push(after);
        }
        if !params.is_empty() {
            clauses.push(format!("{column} {beyond} $1"));
        }
        let converted = FilterParams::of(filter);
        where_clauses(filter, &converted, &mut clauses, &mut params);
        params.push(&limit);
        let sql = format!(
            "SELECT {SELECT} FROM users {} ORDER BY {column}{direction} LIMIT ${}",
            where_sql(&clauses),
            params.len()
        );
        self.run(self.with_client(async |c| {
            Ok(cached::query(c, &sql, &params)
                .await?
                .iter()
                .map(row::account)
                .collect::<Result<Vec<_>>>()?)
        }))
    }

    fn count(&self, filter: &Filter) -> Result<u64> {
        if filter.search.as_deref().is_some_and(|s| s.contains('\0')) {
            return Ok(0);
        }
        let (mut clauses, mut params) = (Vec::new(), Vec::new());
        let converted = FilterParams::of(filter);
        where_clauses(filter, &converted, &mut clauses, &mut params);
        let sql = format!("SELECT count(*) FROM users {}", where_sql(&clauses));
        self.run(self.with_client(async |c| {
            let n: i64 = cached::query_one(c, &sql, &params).await?.get(0);
            Ok(u64::try_from(n).unwrap_or(0))
        }))
    }

    /// One consistent snapshot, read `FETCH` rows at a time.
    fn export_lines(&self, lines: u64, batch: &mut ExportBatch<'_>) -> Result<u64> {
        let lines = lines.max(1);
        let (mut buf, mut count) = (Vec::new(), 0u64);
        let sql = format!(
            "SELECT {SELECT}, ARRAY(SELECT g.name FROM group_members m
                                    JOIN groups g ON g.id = m.group_id
                                    WHERE m.user_id = users.id ORDER BY g.name)
             FROM users ORDER BY id"
        );
        self.run(self.each_row(&sql, &mut |row| {
            let account = row::account(row)?;
            let groups: Vec<String> = row.get(row.len() - 1);
            let line = ExportLine {
                user: &account.user,
                password_hash: &account.password_hash,
                groups: &groups,
            };
            serde_json::to_writer(&mut buf, &line).map_err(|e| Error::Internal(e.to_string()))?;
            buf.push(b'\n');
            count += 1;
            if count % lines == 0 {
                batch(&mut buf)?;
            }
            Ok(())
        }))?;
        if !buf.is_empty() {
            batch(&mut buf)?;
        }
        Ok(count)
    }

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

    fn revoke(&self, jti: &str, expires_at: u64, user: Uuid, origin: &Origin) -> Result<()> {
        let expires = UNIX_EPOCH + Duration::from_secs(expires_at);
        let mut event = Event::new(origin, Action::RevokeToken);
        event.user = Some(user);
        self.run(self.transaction(async |tx| {
            cached::execute(
                tx,
                "INSERT INTO revoked_tokens (jti, expires_at) VALUES ($1, $2)
                 ON CONFLICT (jti) DO NOTHING",
                &[&jti, &expires],
            )
            .await?;
            // Revoked tokens that have expired anyway are forgotten.
            cached::execute(tx, FORGET_EXPIRED, &[]).await?;
            append(tx, std::slice::from_ref(&event)).await
        }))
    }

    fn is_revoked(&self, jti: &str) -> Result<bool> {
        self.run(self.with_client(async |c| {
            Ok(
                cached::query_opt(c, "SELECT 1 FROM revoked_tokens WHERE jti = $1", &[&jti])
                    .await?
                    .is_some(),
            )
        }))
    }

    fn login_limit(&self) -> &dyn LoginLimit {
        self
    }

    fn settle(&self, name: &str, value: &str) -> Result<String> {
        self.run(self.transaction(async |tx| {
            cached::execute(
                tx,
                "INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
                &[&name, &value],
            )
            .await?;
            let row = cached::query_one(tx, "SELECT value FROM settings WHERE name = $1", &[&name])
                .await?;
            Ok(row.get::<_, String>(0))
        }))
    }

    fn setting(&self, name: &str) -> Result<Option<String>> {
        self.run(self.with_client(async |c| {
            let row = cached::query_opt(c, "SELECT value FROM settings WHERE name = $1", &[&name])
                .await?;
            Ok(row.map(|r| r.get::<_, String>(0)))
        }))
    }

    fn set_setting(&self, name: &str, value: &str, origin: Option<&Origin>) -> Result<()> {
        let events: Vec<Event> = origin
            .map(|o| {
                Event::new(o, Action::Settings)
                    .with("name", json!(name))
                    .with("value", json!(value))
            })
            .into_iter()
            .collect();
        self.run(self.transaction(async |tx| {
            cached::execute(
                tx,
                "INSERT INTO settings (name, value) VALUES ($1, $2)
                 ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                &[&name, &value],
            )
            .await?;
            append(tx, &events).await
        }))
    }

    fn record(&self, event: &Event) -> Result<()> {
        self.append_alone(event)
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

    /// Whether the database answers, and takes writes (a standby does not).
    fn health(&self) -> Result<()> {
        self.run(self.with_client(async |c| {
            let row = cached::query_one(c, "SELECT current_setting('transaction_read_only')", &[])
                .await?;
            if row.get::<_, &str>(0) == "on" {
                return Err(Failure::Store(Error::Unavailable(format!(
                    "{}: the database is read-only (a standby?)",
                    self.shown
                ))));
            }
            Ok(())
        }))
    }

    /// The constraints keep the indexes right; what is left to check is
    /// each row (written by hand, say) and the two keys computed here.
    /// `repair` recomputes the keys and forgets expired revocations.
    fn check(&self, repair: bool) -> Result<CheckReport> {
        self.run(async { self.run_check(repair).await })
    }

    /// A committed transaction is durable: nothing is left to flush.
    fn flush(&self) -> Result<()> {
        Ok(())
    }

    fn commit(&self) -> Commit<'_> {
        Box::pin(std::future::ready(Ok(())))
    }
}

impl PostgresStore {
    async fn run_check(&self, repair: bool) -> Result<CheckReport> {
        let mut report = CheckReport::default();
        let mut stale: Vec<(Uuid, String, Option<String>)> = Vec::new();
        let sql = format!("SELECT {SELECT}, email_key, search_name FROM users ORDER BY id");
        self.each_row(&sql, &mut |row| {
            report.users += 1;
            let account = match row::account(row) {
                Ok(account) => account,
                Err(e) => {
                    report.problem("unreadable user", e.to_string());
                    return Ok(());
                }
            };
            let u = &account.user;
            let email_key = u.email.key();
            let search = u.name.as_ref().map(|n| n.as_str().to_lowercase());
            let stored_key: &str = row.get("email_key");
            let stored_search: Option<&str> = row.get("search_name");
            if stored_key != email_key || stored_search != search.as_deref() {
                let problem = Problem {
                    kind: "stale key".to_owned(),
                    detail: format!(
                        "user {} has an email or name key that does not match it",
                        u.id
                    ),
                };
                // What --repair mends is reported as mended.
                match repair {
                    true => report.repairs.push(problem),
                    false => report.problems.push(problem),
                }
                stale.push((u.id, email_key, search));
            }
            Ok(())
        })
        .await?;
        // Every binned user can be listed and restored.
        let sql = format!("SELECT {SELECT}, deleted_at FROM deleted_users ORDER BY id");
        self.each_row(&sql, &mut |row| {
            if let Err(e) = binned(row) {
                report.problem("unreadable binned user", e.to_string());
            }
            Ok(())
        })
        .await?;
        if repair {
            self.transaction(async |tx| {
                for (id, key, search) in &stale {
                    cached::execute(
                        tx,
                        "UPDATE users SET email_key = $2, search_name = $3 WHERE id = $1",
                        &[id, key, search],
                    )
                    .await?;
                }
                cached::execute(tx, FORGET_EXPIRED, &[]).await?;
                Ok(())
            })
            .await?;
            report.repaired = true;
        }
        Ok(report)
    }
}

impl PostgresStore {
    /// Hands `each` every row `sql` selects, from one read-only snapshot,
    /// `FETCH` rows at a time: memory stays flat however many there are.
    async fn each_row(
        &self,
        sql: &str,
        each: &mut dyn FnMut(&tokio_postgres::Row) -> Result<()>,
    ) -> Result<()> {
        let mut client = self.client().await?;
        let tx = snapshot(&mut client).await.map_err(|e| self.error(e))?;
        let portal = tx.bind(sql, &[]).await.map_err(|e| self.error(e))?;
        loop {
            let rows = tx
                .query_portal(&portal, FETCH)
                .await
                .map_err(|e| self.error(e))?;
            for row in &rows {
                each(row)?;
            }
            if rows.len() < FETCH as usize {
                return Ok(());
            }
        }
    }
}

/// A read-only transaction that sees one moment throughout.
pub(super) async fn snapshot(
    client: &mut deadpool_postgres::Object,
) -> std::result::Result<Transaction<'_>, tokio_postgres::Error> {
    client
        .build_transaction()
        .isolation_level(IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()
        .await
}

/// A filter's values that SQL takes in another type than `Filter` holds
/// (the role as text, instants as `SystemTime`).
pub(super) struct FilterParams {
    role: Option<&'static str>,
    inactive_since: Option<SystemTime>,
    created_before: Option<SystemTime>,
    created_after: Option<SystemTime>,
}

impl FilterParams {
    pub(super) fn of(filter: &Filter) -> FilterParams {
        FilterParams {
            role: filter.role.map(Role::as_str),
            inactive_since: filter.inactive_since.map(Timestamp::to_system_time),
            created_before: filter.created_before.map(Timestamp::to_system_time),
            created_after: filter.created_after.map(Timestamp::to_system_time),
        }
    }
}

/// `WHERE` and the conditions, or nothing when there are none.
pub(super) fn where_sql(clauses: &[String]) -> String {
    if clauses.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", clauses.join(" AND "))
    }
}

/// `filter` as SQL conditions, its values appended to `params`.
pub(super) fn where_clauses<'a>(
    filter: &'a Filter,
    converted: &'a FilterParams,
    clauses: &mut Vec<String>,
    params: &mut Vec<&'a (dyn ToSql + Sync)>,
) {
    // Spelled as the partial index `users_never_logged_in` states it, so
    // that the planner can use it.
    match filter.never_logged_in {
        Some(true) => clauses.push("last_login_at IS NULL".to_owned()),
        Some(false) => clauses.push("last_login_at IS NOT NULL".to_owned()),
        None => {}
    }
    let mut bind = |clause: &str, value: &'a (dyn ToSql + Sync)| {
        params.push(value);
        clauses.push(clause.replace('$', &format!("${}", params.len())));
    };
    if let Some(role) = &converted.role {
        bind("role = $", role);
    }
    if let Some(blocked) = &filter.blocked {
        bind("blocked = $", blocked);
    }
    if let Some(must) = &filter.must_change_password {
        bind("must_change_password = $", must);
    }
    if let Some(text) = &filter.search {
        bind(
            "(strpos(username, $) > 0 OR strpos(email_key, $) > 0 OR strpos(search_name, $) > 0)",
            text,
        );
    }
    if let Some(t) = &converted.inactive_since {
        bind("coalesce(last_login_at, created_at) < $", t);
    }
    if let Some(t) = &converted.created_before {
        bind("created_at < $", t);
    }
    if let Some(t) = &converted.created_after {
        bind("created_at >= $", t);
    }
    if let Some(group) = &filter.group {
        bind(
            "id IN (SELECT user_id FROM group_members WHERE group_id = $)",
            group,
        );
    }
}

/// References as the three arrays `= ANY` compares: ids, usernames and
/// email keys.
pub(super) fn split_refs(users: &[UserRef]) -> (Vec<Uuid>, Vec<String>, Vec<String>) {
    let (mut ids, mut names, mut emails) = (Vec::new(), Vec::new(), Vec::new());
    for user in users {
        match user {
            UserRef::Id(id) => ids.push(*id),
            UserRef::Username(n) => names.push(n.as_str().to_owned()),
            UserRef::Email(e) => emails.push(e.key()),
        }
    }
    (ids, names, emails)
}

/// The query for the account `user` names, and its one parameter.
fn by_ref(user: &UserRef) -> (String, Box<dyn ToSql + Sync>) {
    match user {
        UserRef::Id(id) => (
            format!("SELECT {SELECT} FROM users WHERE id = $1"),
            Box::new(*id),
        ),
        UserRef::Username(n) => (
            format!("SELECT {SELECT} FROM users WHERE username = $1"),
            Box::new(n.as_str().to_owned()),
        ),
        UserRef::Email(e) => (
            format!("SELECT {SELECT} FROM users WHERE email_key = $1"),
            Box::new(e.key()),
        ),
    }
}

/// An array a column, for `insert_many`'s `unnest`.
struct Columns;

impl Columns {
    fn of(accounts: &[Account]) -> Vec<Box<dyn ToSql + Sync>> {
        let v: Vec<Values> = accounts.iter().map(Values::of).collect();
        fn col<T: ToSql + Sync + 'static>(
            v: &[Values],
            f: impl Fn(&Values) -> T,
        ) -> Box<dyn ToSql + Sync> {
            Box::new(v.iter().map(f).collect::<Vec<T>>())
        }
        vec![
            col(&v, |r| r.id),
            col(&v, |r| r.username.clone()),
            col(&v, |r| r.email.clone()),
            col(&v, |r| r.email_key.clone()),
            col(&v, |r| r.name.clone()),
            col(&v, |r| r.search_name.clone()),
            col(&v, |r| r.role.to_owned()),
            col(&v, |r| r.blocked),
            col(&v, |r| r.block_reason.clone()),
            col(&v, |r| r.must_change_password),
            col(&v, |r| r.attributes.clone()),
            col(&v, |r| r.password_hash.clone()),
            col(&v, |r| r.tokens_after),
            col(&v, |r| r.created_at),
            col(&v, |r| r.updated_at),
            col(&v, |r| r.password_changed_at),
            col(&v, |r| r.last_login_at),
        ]
    }
}

/// A row of `deleted_users` selected with `SELECT` and `deleted_at`.
fn binned(row: &tokio_postgres::Row) -> Result<Binned> {
    let deleted_at: SystemTime = row
        .try_get(15)
        .map_err(|e| Error::Internal(format!("a binned user usersctl cannot read: {e}")))?;
    Ok(Binned {
        account: row::account(row)?,
        deleted_at: Timestamp::from_system_time(deleted_at),
    })
}

/// Stores `accounts` in one statement (`unnest` of one array a column),
/// skipping each that takes what a stored one, or an earlier one in the
/// batch, holds; then what each skipped one took is looked up. Accounts
/// marked `fresh` have ids no stored user can hold.
async fn insert_rows(
    tx: &Transaction<'_>,
    accounts: &[Account],
    fresh: &[bool],
) -> std::result::Result<Vec<std::result::Result<(), Taken>>, Failure> {
    if accounts.is_empty() {
        return Ok(Vec::new());
    }
    let columns = Columns::of(accounts);
    let columns: Vec<&(dyn ToSql + Sync)> = columns.iter().map(|c| c.as_ref()).collect();
    let sql = format!(
        "INSERT INTO users ({INSERT}) SELECT * FROM unnest({}) ON CONFLICT DO NOTHING RETURNING id",
        INSERT_TYPES
            .iter()
            .enumerate()
            .map(|(i, t)| format!("${}::{t}[]", i + 1))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let stored: HashSet<Uuid> = cached::query(tx, &sql, &columns)
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let skipped: Vec<&Account> = accounts
        .iter()
        .filter(|a| !stored.contains(&a.user.id))
        .collect();
    let holders = if skipped.is_empty() {
        Vec::new()
    } else {
        let ids: Vec<Uuid> = skipped.iter().map(|a| a.user.id).collect();
        let names: Vec<&str> = skipped.iter().map(|a| a.user.username.as_str()).collect();
        let emails: Vec<String> = skipped.iter().map(|a| a.user.email.key()).collect();
        cached::query(
            tx,
            "SELECT id, username, email_key FROM users
             WHERE id = ANY($1) OR username = ANY($2) OR email_key = ANY($3)",
            &[&ids, &names, &emails],
        )
        .await?
    };
    let held =
        |column: usize, value: &str| holders.iter().any(|r| r.get::<_, &str>(column) == value);
    let held_id = |id: Uuid| holders.iter().any(|r| r.get::<_, Uuid>(0) == id);
    accounts
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let u = &a.user;
            if stored.contains(&u.id) {
                Ok(Ok(()))
            } else if !fresh.get(i).copied().unwrap_or(false) && held_id(u.id) {
                Ok(Err(Taken::Id(u.id)))
            } else if held(1, u.username.as_str()) {
                Ok(Err(Taken::Username(u.username.clone())))
            } else if held(2, &u.email.key()) {
                Ok(Err(Taken::Email(u.email.clone())))
            } else {
                Err(Failure::Store(Error::Internal(format!(
                    "user {} was neither stored nor in conflict",
                    u.id
                ))))
            }
        })
        .collect()
}
