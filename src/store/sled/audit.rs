//! The audit trail on sled: the `audit` tree holds the records by number,
//! each written in the transaction of its change, so that a crash keeps
//! both or neither.
//!
//! The one exception is the update that touches no index (a name, a block,
//! a login time, a password): a transaction there would take sled's global
//! lock, which every read in the process waits for (measured: PATCH fell
//! from ~13k/s to ~2.6k/s). Instead, with the chain's lock held, its record
//! is written first, carrying the digest of the user record it leads to,
//! and then the user record. sled recovers a prefix of its log, so after a
//! crash only the newest record can lack its change; the open drops it
//! when the user record is not the one its digest names.
//!
//! The chain's head is noted too (`HEAD_KEY`), after each write: a chain
//! that ends before it lost its newest records.

use std::cell::Cell;
use std::sync::MutexGuard;

use sled::transaction::TransactionalTree;

use super::tx::TxResult;
use super::{Engine, SledStore, storage};
use crate::domain::Timestamp;
use crate::domain::audit::{
    AuditFilter, ChainCheck, ChainHead, Event, Hash, Record, Verdict, digest,
};
use crate::store::{Result, StoreError as Error};

/// Where the chain starts once its oldest records are pruned: the number
/// and hash of the last one pruned.
const ANCHOR_KEY: &[u8] = b"audit_anchor";
/// Records pruned per transaction.
const PRUNE_BATCH: usize = 1000;
/// The last record's number and hash, as the writes noted it.
pub(super) const HEAD_KEY: &[u8] = b"audit_head";

pub(super) fn key(seq: u64) -> [u8; 8] {
    seq.to_be_bytes()
}

/// A record as the tree keeps it: its hash, a flag and (written ahead of
/// its change) the digest of the user record that change stores, then its
/// body.
pub(super) fn value(hash: &Hash, ahead_of: Option<&Hash>, body: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(65 + body.len());
    v.extend_from_slice(hash);
    match ahead_of {
        Some(d) => {
            v.push(1);
            v.extend_from_slice(d);
        }
        None => v.push(0),
    }
    v.extend_from_slice(body);
    v
}

/// A stored record, and the digest it was written ahead of, if any.
pub(super) fn parse(key: &[u8], value: &[u8]) -> Result<(Record, Option<Hash>)> {
    let unreadable = || Error::Unavailable("database holds an unreadable audit record".to_owned());
    let seq = <[u8; 8]>::try_from(key)
        .map(u64::from_be_bytes)
        .map_err(|_| unreadable())?;
    let hash: Hash = value
        .get(..32)
        .and_then(|h| h.try_into().ok())
        .ok_or_else(unreadable)?;
    let (ahead_of, body) = match value.get(32) {
        Some(0) => (None, &value[33..]),
        Some(1) => {
            let d: Hash = value
                .get(33..65)
                .and_then(|h| h.try_into().ok())
                .ok_or_else(unreadable)?;
            (Some(d), &value[65..])
        }
        _ => return Err(unreadable()),
    };
    Ok((
        Record {
            seq,
            body: body.to_vec(),
            hash,
        },
        ahead_of,
    ))
}

fn anchor(engine: &Engine) -> Result<ChainHead> {
    Ok(noted(engine, ANCHOR_KEY)?.unwrap_or_default())
}

/// A head noted under `key`.
fn noted(engine: &Engine, key: &[u8]) -> Result<Option<ChainHead>> {
    Ok(match engine.db.get(key).map_err(storage)? {
        Some(raw) if raw.len() == 40 => Some(ChainHead {
            seq: u64::from_be_bytes(raw[..8].try_into().unwrap_or_default()),
            hash: raw[8..].try_into().unwrap_or_default(),
        }),
        _ => None,
    })
}

pub(super) fn anchor_value(head: &ChainHead) -> Vec<u8> {
    let mut v = head.seq.to_be_bytes().to_vec();
    v.extend_from_slice(&head.hash);
    v
}

impl Engine {
    /// The chain's head as stored, after dropping a record written ahead of
    /// a change that a crash kept from landing (see the module's note).
    pub(super) fn settle_chain(&self) -> sled::Result<ChainHead> {
        let head = self.last_record()?;
        // A crash after a change and before its note: the note catches up.
        // (A note ahead of the chain is left for `audit verify` to report.)
        let noted = noted(self, HEAD_KEY).ok().flatten();
        if noted.is_none_or(|n| n.seq < head.seq) && head.seq > 0 {
            self.db.insert(HEAD_KEY, anchor_value(&head))?;
        }
        Ok(head)
    }

    /// The last record, once one written ahead of a change that did not
    /// land is dropped.
    fn last_record(&self) -> sled::Result<ChainHead> {
        let Some((k, v)) = self.audit.last()? else {
            return Ok(anchor(self).unwrap_or_default());
        };
        let Ok((record, ahead_of)) = parse(&k, &v) else {
            // `audit verify` names it; the chain goes on after it.
            let seq = <[u8; 8]>::try_from(k.as_ref()).map_or(0, u64::from_be_bytes);
            return Ok(ChainHead {
                seq,
                hash: Hash::default(),
            });
        };
        if let (Some(expected), Ok(event)) = (ahead_of, record.event())
            && let Some(id) = event.user
        {
            let stored = self.users.get(id.as_bytes())?;
            if stored.as_deref().map(digest) != Some(expected) {
                self.audit.remove(&k)?;
                self.db.flush()?;
                return self.last_record();
            }
        }
        Ok(ChainHead {
            seq: record.seq,
            hash: record.hash,
        })
    }

    pub(super) fn chain(&self) -> MutexGuard<'_, ChainHead> {
        self.head.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Appends records inside a transaction, from the head it started at.
pub(super) struct Appender<'a> {
    pub tree: &'a TransactionalTree,
    pub head: Cell<ChainHead>,
}

impl Appender<'_> {
    pub fn record(&self, event: &Event) -> TxResult<()> {
        let body = event.body();
        let next = self.head.get().link(&body);
        self.tree
            .insert(&key(next.seq), value(&next.hash, None, &body))?;
        self.head.set(next);
        Ok(())
    }
}

impl SledStore {
    /// Appends `event`, which records no change (a failed login).
    pub(super) fn append(&self, event: &Event) -> Result<()> {
        let engine = self.writer()?;
        let mut head = engine.chain();
        let body = event.body();
        let next = head.link(&body);
        engine
            .audit
            .insert(key(next.seq), value(&next.hash, None, &body))
            .map_err(|e| self.fail(e))?;
        engine
            .db
            .insert(HEAD_KEY, anchor_value(&next))
            .map_err(|e| self.fail(e))?;
        *head = next;
        Ok(())
    }

    pub(super) fn audit_records(
        &self,
        filter: &AuditFilter,
        after: u64,
        limit: usize,
    ) -> Result<Vec<(u64, Event)>> {
        let engine = self.engine()?;
        let mut page = Vec::new();
        for item in engine.audit.range(key(after.saturating_add(1))..) {
            let (k, v) = item.map_err(storage)?;
            let (record, _) = parse(&k, &v)?;
            let event = record.event().map_err(Error::Unavailable)?;
            if filter.matches(&event) {
                page.push((record.seq, event));
                if page.len() == limit {
                    break;
                }
            }
        }
        Ok(page)
    }

    pub(super) fn verify_chain(&self) -> Result<Verdict> {
        let engine = self.engine()?;
        let mut check = ChainCheck::from(anchor(&engine)?);
        let noted = noted(&engine, HEAD_KEY)?;
        for item in engine.audit.iter() {
            let (k, v) = item.map_err(storage)?;
            match parse(&k, &v) {
                Ok((record, _)) => {
                    if !check.push(&record) {
                        break;
                    }
                }
                Err(_) => {
                    let seq = <[u8; 8]>::try_from(k.as_ref())
                        .map(u64::from_be_bytes)
                        .unwrap_or_default();
                    check.fail(seq, format!("record {seq} cannot be read"));
                    break;
                }
            }
        }
        if let Some(noted) = noted {
            check.ends_at(noted);
        }
        Ok(check.verdict())
    }

    /// Removes the records made before `before`, a batch per transaction,
    /// moving the anchor to the last one removed.
    pub(super) fn prune_chain(&self, before: Timestamp) -> Result<u64> {
        let mut pruned = 0;
        loop {
            let engine = self.writer()?;
            let mut batch = Vec::new();
            for item in engine.audit.iter() {
                let (k, v) = item.map_err(storage)?;
                let (record, _) = parse(&k, &v)?;
                let at = record.event().map_err(Error::Unavailable)?.at;
                if at >= before || batch.len() == PRUNE_BATCH {
                    break;
                }
                batch.push(record);
            }
            let Some(last) = batch.last() else {
                return Ok(pruned);
            };
            let anchor = ChainHead {
                seq: last.seq,
                hash: last.hash,
            };
            self.transaction(|t| {
                for record in &batch {
                    t.audit.tree.remove(&key(record.seq))?;
                }
                t.meta.insert(ANCHOR_KEY, anchor_value(&anchor))?;
                Ok(())
            })?;
            pruned += batch.len() as u64;
        }
    }
}
