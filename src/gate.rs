//! Bounds password hashing: at most `running` hashes at once and at most
//! `waiting` more queued; past that the caller is told to come back later
//! (`Error::Busy`, 503 with `Retry-After` over HTTP) instead of queueing without
//! limit — unbounded concurrent argon2 starves every other request and memory.

use std::sync::{Condvar, Mutex};

use crate::error::{Error, Result};

pub struct HashGate {
    running_max: usize,
    admitted_max: usize,
    state: Mutex<(usize, usize)>, // (running, admitted = running + waiting)
    freed: Condvar,
}

pub struct Permit<'a> {
    gate: &'a HashGate,
}

impl HashGate {
    pub fn new(running: usize, waiting: usize) -> Self {
        let running = running.max(1);
        Self {
            running_max: running,
            admitted_max: running + waiting,
            state: Mutex::new((0, 0)),
            freed: Condvar::new(),
        }
    }

    /// Sized to the machine: one hash per core, and a short queue behind them.
    pub fn for_this_machine() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        Self::new(cores, cores * 8)
    }

    /// Waits for a hashing slot; `Busy` at once when the queue is full.
    pub fn acquire(&self) -> Result<Permit<'_>> {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if state.1 >= self.admitted_max {
            return Err(Error::Busy(
                "too many password checks under way; try again shortly".to_owned(),
            ));
        }
        state.1 += 1;
        while state.0 >= self.running_max {
            state = self.freed.wait(state).unwrap_or_else(|p| p.into_inner());
        }
        state.0 += 1;
        Ok(Permit { gate: self })
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        let mut state = self.gate.state.lock().unwrap_or_else(|p| p.into_inner());
        state.0 -= 1;
        state.1 -= 1;
        self.gate.freed.notify_one();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn past_the_queue_callers_are_turned_away() {
        let gate = HashGate::new(1, 0);
        let held = gate.acquire().unwrap();
        assert!(matches!(gate.acquire(), Err(Error::Busy(_))));
        drop(held);
        assert!(gate.acquire().is_ok());
    }

    #[test]
    fn queued_callers_run_once_a_slot_frees() {
        let gate = std::sync::Arc::new(HashGate::new(1, 4));
        let held = gate.acquire().unwrap();
        let g = gate.clone();
        let waiter = std::thread::spawn(move || g.acquire().map(drop).is_ok());
        std::thread::sleep(std::time::Duration::from_millis(50));
        drop(held);
        assert!(waiter.join().unwrap());
    }
}
