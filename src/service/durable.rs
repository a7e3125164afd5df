//! Acknowledged means durable. An operation that wrote returns its answer
//! wrapped: the answer is reached through `wait` (on a thread) or
//! `committed` (in a task), which first make the writes durable, sharing
//! the disk sync with concurrent writers. Dropped unopened, it still makes
//! them durable, so no front end can leave a write behind unsynced.

use std::sync::Arc;

use crate::error::Result;
use crate::store::Store;

#[must_use = "the writes are durable only once this is waited for"]
pub struct Durable<T> {
    value: Option<T>,
    /// The store written to, until its writes are durable.
    store: Option<Arc<dyn Store>>,
}

impl<T> Durable<T> {
    /// An answer that wrote nothing.
    pub(super) fn read(value: T) -> Durable<T> {
        Durable {
            value: Some(value),
            store: None,
        }
    }

    /// An answer after writes to `store`.
    pub(super) fn written(value: T, store: Arc<dyn Store>) -> Durable<T> {
        Durable {
            value: Some(value),
            store: Some(store),
        }
    }

    /// The answer, once the writes are on disk.
    pub fn wait(mut self) -> Result<T> {
        if let Some(store) = self.store.take() {
            store.flush()?;
        }
        Ok(self.take())
    }

    /// The answer, once the writes are on disk, waited for without holding
    /// a thread.
    pub async fn committed(mut self) -> Result<T> {
        if let Some(store) = self.store.take() {
            store.commit().await?;
        }
        Ok(self.take())
    }

    /// The answer now, and what is still owed: for a caller storing many
    /// batches, which makes them durable once, after the last (see `then`).
    pub fn split(mut self) -> (T, Durable<()>) {
        let store = self.store.take();
        (
            self.take(),
            Durable {
                value: Some(()),
                store,
            },
        )
    }

    /// `later`, owing these writes as well: a flush covers every write made
    /// before it, so the later one's covers both.
    pub fn then<U>(mut self, mut later: Durable<U>) -> Durable<U> {
        if later.store.is_none() {
            later.store = self.store.take();
        }
        self.store = None;
        later
    }

    fn take(&mut self) -> T {
        self.value.take().expect("a durable answer is taken once")
    }
}

impl<T> Drop for Durable<T> {
    /// Unopened (a caller that returned early, or forgot): made durable all
    /// the same, at the cost of a thread held for the sync. A failure can
    /// only be logged here; the caller that waits is told it instead.
    fn drop(&mut self) {
        if let Some(store) = self.store.take()
            && let Err(e) = store.flush()
        {
            tracing::error!("writes could not be made durable: {e}");
        }
    }
}
