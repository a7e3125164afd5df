//! The audit trail in SQL: `audit` holds the records, `audit_head` (one
//! row) the chain's last number and hash and the anchor pruning left. A
//! writing transaction appends its records last, holding the head row's
//! lock only from then to its commit: every instance appends to one chain,
//! one transaction at a time.

use std::time::SystemTime;

use deadpool_postgres::Transaction;
use uuid::Uuid;

use super::store::snapshot;
use super::{Failure, PostgresStore, cached};
use crate::domain::Timestamp;
use crate::domain::audit::{AuditFilter, ChainCheck, ChainHead, Event, Hash, Record, Verdict};
use crate::store::{Result, StoreError as Error};

/// Records pruned per transaction.
const PRUNE_BATCH: i64 = 1000;

/// The users a record names, as a JSON array (UNNEST takes no array of
/// arrays).
fn user_ids(event: &Event) -> serde_json::Value {
    serde_json::Value::Array(
        event
            .subjects()
            .map(|id| serde_json::Value::String(id.to_string()))
            .collect(),
    )
}

fn hash_of(bytes: Vec<u8>) -> Hash {
    bytes.try_into().unwrap_or_default()
}

/// Appends `events` to the chain, in the transaction `tx`.
pub(super) async fn append(
    tx: &Transaction<'_>,
    events: &[Event],
) -> std::result::Result<(), Failure> {
    if events.is_empty() {
        return Ok(());
    }
    let row = cached::query_one(tx, "SELECT seq, hash FROM audit_head FOR UPDATE", &[]).await?;
    let mut head = ChainHead {
        seq: u64::try_from(row.get::<_, i64>(0)).unwrap_or_default(),
        hash: hash_of(row.get(1)),
    };
    let n = events.len();
    let (mut seqs, mut ats, mut actions, mut actors, mut users, mut bodies, mut hashes) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    for event in events {
        let body = event.body();
        head = head.link(&body);
        seqs.push(head.seq as i64);
        ats.push(event.at.to_system_time());
        actions.push(event.action.as_str());
        actors.push(event.actor.as_str());
        users.push(user_ids(event));
        bodies.push(String::from_utf8(body).unwrap_or_default());
        hashes.push(head.hash.to_vec());
    }
    let (last, hash) = (head.seq as i64, head.hash.to_vec());
    cached::execute(
        tx,
        "WITH added AS (
            INSERT INTO audit (seq, at, action, actor, user_ids, body, hash)
            SELECT seq, at, action, actor, ARRAY(SELECT jsonb_array_elements_text(ids)::uuid),
                   body, hash
            FROM UNNEST($1::int8[], $2::timestamptz[], $3::text[], $4::text[],
                        $5::jsonb[], $6::text[], $7::bytea[])
                 AS r(seq, at, action, actor, ids, body, hash)
         )
         UPDATE audit_head SET seq = $8, hash = $9",
        &[
            &seqs, &ats, &actions, &actors, &users, &bodies, &hashes, &last, &hash,
        ],
    )
    .await?;
    Ok(())
}

impl PostgresStore {
    pub(super) fn append_alone(&self, event: &Event) -> Result<()> {
        self.run(self.transaction(async |tx| append(tx, std::slice::from_ref(event)).await))
    }

    pub(super) fn audit_records(
        &self,
        filter: &AuditFilter,
        after: u64,
        limit: usize,
    ) -> Result<Vec<(u64, Event)>> {
        let after = i64::try_from(after).unwrap_or(i64::MAX);
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let actions: Vec<&str> = filter.actions.iter().map(|a| a.as_str()).collect();
        let since = filter.since.map(Timestamp::to_system_time);
        let until = filter.until.map(Timestamp::to_system_time);
        self.run(self.with_client(async |c| {
            let rows = cached::query(
                c,
                "SELECT seq, body FROM audit
                 WHERE seq > $1
                   AND ($2::uuid IS NULL OR user_ids @> ARRAY[$2::uuid])
                   AND (cardinality($3::text[]) = 0 OR actor = ANY($3))
                   AND ($4::timestamptz IS NULL OR at >= $4)
                   AND ($5::timestamptz IS NULL OR at < $5)
                   AND (cardinality($6::text[]) = 0 OR action = ANY($6))
                   AND ($8::text IS NULL OR body::jsonb ->> 'username' = $8
                        OR body::jsonb -> 'usernames' ? $8)
                 ORDER BY seq LIMIT $7",
                &[
                    &after,
                    &filter.user,
                    &filter.actors,
                    &since,
                    &until,
                    &actions,
                    &limit,
                    &filter.username,
                ],
            )
            .await?;
            rows.iter()
                .map(|row| {
                    let seq = u64::try_from(row.get::<_, i64>(0)).unwrap_or_default();
                    let body: &str = row.get(1);
                    serde_json::from_str::<Event>(body)
                        .map(|e| (seq, e))
                        .map_err(|e| {
                            Failure::Store(Error::Unavailable(format!(
                                "audit record {seq} cannot be read: {e}"
                            )))
                        })
                })
                .collect()
        }))
    }

    /// Reads the head and every record up to it from one snapshot, so that
    /// appends meanwhile do not look like a chain cut short.
    pub(super) fn verify_chain(&self) -> Result<Verdict> {
        self.run(async {
            let mut client = self.client().await?;
            let tx = snapshot(&mut client).await.map_err(|e| self.error(e))?;
            let head = tx
                .query_one(
                    "SELECT seq, hash, anchor_seq, anchor_hash FROM audit_head",
                    &[],
                )
                .await
                .map_err(|e| self.error(e))?;
            let last = ChainHead {
                seq: u64::try_from(head.get::<_, i64>(0)).unwrap_or_default(),
                hash: hash_of(head.get(1)),
            };
            let anchor = ChainHead {
                seq: u64::try_from(head.get::<_, i64>(2)).unwrap_or_default(),
                hash: hash_of(head.get(3)),
            };
            let mut check = ChainCheck::from(anchor);
            let sql = "SELECT seq, body, hash, at, action, actor, user_ids FROM audit
                       WHERE seq <= $1 ORDER BY seq";
            let portal = tx
                .bind(sql, &[&head.get::<_, i64>(0)])
                .await
                .map_err(|e| self.error(e))?;
            'rows: loop {
                let rows = tx
                    .query_portal(&portal, 1000)
                    .await
                    .map_err(|e| self.error(e))?;
                for row in &rows {
                    let record = Record {
                        seq: u64::try_from(row.get::<_, i64>(0)).unwrap_or_default(),
                        body: row.get::<_, String>(1).into_bytes(),
                        hash: hash_of(row.get(2)),
                    };
                    if !check.push(&record) {
                        break 'rows;
                    }
                    // The columns a search uses must say what the sealed
                    // body says.
                    let agrees = record.event().is_ok_and(|e| {
                        row.get::<_, SystemTime>(3) == e.at.to_system_time()
                            && row.get::<_, &str>(4) == e.action.as_str()
                            && row.get::<_, &str>(5) == e.actor
                            && row.get::<_, Vec<Uuid>>(6) == e.subjects().collect::<Vec<_>>()
                    });
                    if !agrees {
                        check.fail(
                            record.seq,
                            format!(
                                "record {}'s columns do not match its sealed body: it was changed",
                                record.seq
                            ),
                        );
                        break 'rows;
                    }
                }
                if rows.len() < 1000 {
                    break;
                }
            }
            check.ends_at(last);
            Ok(check.verdict())
        })
    }

    /// Removes the records made before `before`, a batch per transaction,
    /// moving the anchor to the last one removed.
    pub(super) fn prune_chain(&self, before: Timestamp) -> Result<u64> {
        let before = before.to_system_time();
        let mut pruned = 0;
        loop {
            let n = self.run(self.transaction(async |tx| {
                // The oldest records, in order, up to the first one made at
                // `before` or later: the chain stays whole from the anchor.
                let rows = cached::query(
                    tx,
                    "SELECT seq, at, hash FROM audit ORDER BY seq LIMIT $1 FOR UPDATE",
                    &[&PRUNE_BATCH],
                )
                .await?;
                let old: Vec<_> = rows
                    .iter()
                    .take_while(|r| r.get::<_, SystemTime>(1) < before)
                    .collect();
                let Some(last) = old.last() else {
                    return Ok(0);
                };
                let seq: i64 = last.get(0);
                cached::execute(tx, "DELETE FROM audit WHERE seq <= $1", &[&seq]).await?;
                cached::execute(
                    tx,
                    "UPDATE audit_head SET anchor_seq = $1, anchor_hash = $2",
                    &[&seq, &last.get::<_, Vec<u8>>(2)],
                )
                .await?;
                Ok(old.len() as u64)
            }))?;
            pruned += n;
            if n == 0 {
                return Ok(pruned);
            }
        }
    }
}
