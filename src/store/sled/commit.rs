//! Group commit: concurrent writers share one disk sync instead of queueing
//! one each, whether they wait on a thread (`group_flush`) or as a task
//! (`group_commit`).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use super::{Engine, SledStore, storage};
use crate::store::{Result, StoreError as Error};

pub(super) struct GroupCommit {
    state: std::sync::Mutex<CommitState>,
    /// Wakes threads waiting in `flush` when a round ends.
    done: std::sync::Condvar,
    /// Wakes tasks waiting in `commit` when a round ends.
    rounds: tokio::sync::watch::Sender<u64>,
}

impl Default for GroupCommit {
    fn default() -> Self {
        Self {
            state: std::sync::Mutex::default(),
            done: std::sync::Condvar::new(),
            rounds: tokio::sync::watch::Sender::new(0),
        }
    }
}

/// What an async committer does next.
enum Step {
    Done(std::result::Result<(), String>),
    /// Flush, for every ticket up to this one.
    Lead(u64),
    /// Wait for the round in flight to end.
    Wait(tokio::sync::watch::Receiver<u64>),
}

impl GroupCommit {
    fn step(&self, ticket: u64) -> Step {
        let mut state = self.lock();
        if state.completed >= ticket {
            return Step::Done(state.outcome.clone());
        }
        if state.flushing {
            // Subscribed while the state is locked: the round in flight cannot
            // end unseen.
            return Step::Wait(self.rounds.subscribe());
        }
        state.flushing = true;
        Step::Lead(state.requested)
    }

    pub(super) fn lock(&self) -> std::sync::MutexGuard<'_, CommitState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// A flush round in progress, covering tickets up to `target`. Dropped
/// without `end` (a panic, a runtime shutting down), it lets another caller
/// lead instead of leaving everyone waiting for a round that never ends.
struct Round {
    commit: std::sync::Arc<GroupCommit>,
    target: u64,
    ended: bool,
}

impl Round {
    fn end(mut self, outcome: std::result::Result<(), String>) {
        self.ended = true;
        let mut state = self.commit.lock();
        state.flushing = false;
        state.completed = self.target;
        state.outcome = outcome;
        self.commit.done.notify_all();
        self.commit.rounds.send_replace(self.target);
    }
}

impl Drop for Round {
    fn drop(&mut self) {
        if !self.ended {
            self.commit.lock().flushing = false;
            self.commit.done.notify_all();
            self.commit.rounds.send_modify(|_| {});
        }
    }
}

pub(super) fn flush_db(db: &sled::Db) -> std::result::Result<(), String> {
    db.flush()
        .map(drop)
        .map_err(|e| format!("cannot write the database to disk: {}", storage(e)))
}

/// Flushes `engine`; a failure marks the store for a reopen.
fn flush_engine(
    engine: Result<Arc<Engine>>,
    failed: &AtomicBool,
) -> std::result::Result<(), String> {
    let flushed = flush_db(&engine.map_err(|e| e.to_string())?.db);
    if flushed.is_err() {
        failed.store(true, Ordering::Release);
    }
    flushed
}

pub(super) struct CommitState {
    /// Tickets handed out, and the highest one a finished flush covered.
    requested: u64,
    completed: u64,
    flushing: bool,
    pub outcome: std::result::Result<(), String>,
}

impl Default for CommitState {
    fn default() -> Self {
        Self {
            requested: 0,
            completed: 0,
            flushing: false,
            outcome: Ok(()),
        }
    }
}

impl SledStore {
    /// Writes everything to disk; call before reporting a write as done.
    ///
    /// Concurrent callers share flushes (group commit): one of them flushes for
    /// every write made before it started, the others wait for that flush
    /// instead of queueing a disk sync each.
    pub(super) fn group_flush(&self) -> Result<()> {
        let commit = &self.commit;
        let mut state = commit.lock();
        state.requested += 1;
        let ticket = state.requested;
        loop {
            if state.completed >= ticket {
                return state.outcome.clone().map_err(Error::Unavailable);
            }
            if !state.flushing {
                state.flushing = true;
                let round = Round {
                    commit: commit.clone(),
                    target: state.requested,
                    ended: false,
                };
                drop(state);
                round.end(self.flush_now());
                state = commit.lock();
                continue;
            }
            state = commit.done.wait(state).unwrap_or_else(|p| p.into_inner());
        }
    }

    fn flush_now(&self) -> std::result::Result<(), String> {
        flush_engine(self.engine(), &self.failed)
    }

    /// `flush` for async callers: the same group commit, waited for without
    /// holding a thread. Whoever leads a round flushes on a blocking thread.
    pub(super) async fn group_commit(&self) -> Result<()> {
        let commit = &self.commit;
        let ticket = {
            let mut state = commit.lock();
            state.requested += 1;
            state.requested
        };
        loop {
            match commit.step(ticket) {
                Step::Done(outcome) => return outcome.map_err(Error::Unavailable),
                Step::Lead(target) => {
                    // The round ends (or is abandoned, should the runtime drop
                    // it unstarted) on its own, even if this future is dropped.
                    let round = Round {
                        commit: commit.clone(),
                        target,
                        ended: false,
                    };
                    let (engine, failed) = (self.engine(), self.failed.clone());
                    let _ = tokio::task::spawn_blocking(move || {
                        round.end(flush_engine(engine, &failed));
                    })
                    .await;
                }
                Step::Wait(mut round) => {
                    let _ = round.changed().await;
                }
            }
        }
    }
}
