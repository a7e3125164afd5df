//! Password hashing runs on a small pool of dedicated threads, one per core,
//! with a bounded queue in front. Past the queue a caller is told to come back
//! later (`Error::Busy`, 503 with `Retry-After` over HTTP) instead of queueing
//! without limit: unbounded concurrent argon2 starves every other request.
//!
//! Dedicated threads also bound memory. Each argon2 hash takes 19 MiB, and the
//! allocator keeps such blocks in the arena of the thread that used them; were
//! hashes to run on whichever of hundreds of blocking threads came along, each
//! would keep its own 19 MiB.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};

use crate::error::{Error, Result};

type Job = Box<dyn FnOnce() + Send>;

/// The hashing threads' nice value (the rest of the process runs at 0).
const HASH_NICENESS: i32 = 10;

pub struct HashPool {
    queue: SyncSender<Job>,
    /// Set when the server stops: work still queued is not started.
    closing: Arc<AtomicBool>,
}

impl HashPool {
    pub fn new(workers: usize, queued: usize) -> HashPool {
        let (queue, jobs) = mpsc::sync_channel::<Job>(queued);
        let jobs = Arc::new(Mutex::new(jobs));
        for n in 0..workers.max(1) {
            let jobs = jobs.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("usersctl-hash-{n}"))
                .spawn(move || {
                    // Below the threads that answer requests: a login storm then
                    // takes only the CPU that other requests leave over.
                    let _ = rustix::process::setpriority_process(
                        Some(rustix::thread::gettid()),
                        HASH_NICENESS,
                    );
                    loop {
                        let job = match jobs.lock() {
                            Ok(rx) => rx.recv(),
                            Err(_) => return,
                        };
                        match job {
                            Ok(job) => job(),
                            Err(_) => return, // the pool was dropped
                        }
                    }
                });
            if let Err(e) = spawned {
                tracing::error!(error = %e, "cannot start a hashing thread");
            }
        }
        HashPool {
            queue,
            closing: Arc::default(),
        }
    }

    /// Starts no more work: what is queued fails at once (`Unavailable`), so
    /// a stopping server is not held up by a queue of password checks.
    pub fn close(&self) {
        self.closing.store(true, Ordering::Release);
    }

    /// One worker per core, and a queue of 32 more per core: deep enough that
    /// a burst of logins waits its turn (answering 503 costs CPU too), bounded
    /// so a flood is turned away.
    pub fn for_this_machine() -> HashPool {
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        HashPool::new(cores, cores * 32)
    }

    /// Runs `work` on the pool and waits for it; `Busy` at once when the queue
    /// is full.
    pub fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Result<T> {
        self.submit(work, false)
    }

    /// Like `run`, but waits for room in the queue instead of giving up (bulk
    /// work such as an import).
    pub fn run_waiting<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T> {
        self.submit(work, true)
    }

    fn submit<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
        wait: bool,
    ) -> Result<T> {
        let (done, outcome) = mpsc::channel();
        let closing = self.closing.clone();
        let job: Job = Box::new(move || {
            // Dropping `done` unanswered tells the caller the work was not done.
            if !closing.load(Ordering::Acquire) {
                let _ = done.send(work());
            }
        });
        let queued = if wait {
            self.queue
                .send(job)
                .map_err(|_| TrySendError::Disconnected(()))
        } else {
            self.queue.try_send(job).map_err(|e| match e {
                TrySendError::Full(_) => TrySendError::Full(()),
                TrySendError::Disconnected(_) => TrySendError::Disconnected(()),
            })
        };
        match queued {
            Ok(()) => {}
            Err(TrySendError::Full(())) => {
                return Err(Error::Busy(
                    "too many password checks under way; try again shortly".to_owned(),
                ));
            }
            Err(TrySendError::Disconnected(())) => {
                return Err(Error::internal("the hashing threads are gone"));
            }
        }
        outcome.recv().map_err(|_| {
            if self.closing.load(Ordering::Acquire) {
                Error::Unavailable("the server is stopping".to_owned())
            } else {
                Error::internal("a hashing thread failed")
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn work_runs_and_returns_its_result() {
        let pool = HashPool::new(2, 2);
        assert_eq!(pool.run(|| 6 * 7).unwrap(), 42);
    }

    #[test]
    fn past_the_queue_callers_are_turned_away() {
        let pool = Arc::new(HashPool::new(1, 1));
        let (release, gate) = mpsc::channel::<()>();
        let gate = Arc::new(Mutex::new(gate));
        // One job runs (blocked), one waits in the queue; the third is refused.
        let mut held = Vec::new();
        for _ in 0..2 {
            let pool = pool.clone();
            let gate = gate.clone();
            held.push(std::thread::spawn(move || {
                pool.run(move || {
                    let _ = gate.lock().unwrap().recv();
                })
            }));
            std::thread::sleep(Duration::from_millis(50));
        }
        assert!(matches!(pool.run(|| ()), Err(Error::Busy(_))));
        release.send(()).unwrap();
        release.send(()).unwrap();
        for h in held {
            assert!(h.join().unwrap().is_ok());
        }
        assert!(pool.run(|| ()).is_ok());
    }

    #[test]
    fn waiting_callers_are_not_turned_away() {
        let pool = Arc::new(HashPool::new(1, 0));
        let results: Vec<_> = (0..8)
            .map(|i| {
                let pool = pool.clone();
                std::thread::spawn(move || pool.run_waiting(move || i))
            })
            .collect();
        let sum: i32 = results
            .into_iter()
            .map(|h| h.join().unwrap().unwrap())
            .sum();
        assert_eq!(sum, 28);
    }
}
