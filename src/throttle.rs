//! Failed logins (SPEC section 6), counted so that guessing is slow and yet
//! nobody can lock the owner out:
//!
//! - Per login name *and* client address: 5 failures in a row are free, then
//!   each further attempt from that address must wait (1 s, doubling, at most
//!   30 s). The owner logging in from another address is never delayed by an
//!   attacker's failures; from the same address, by at most 30 s.
//! - Per login name, over all addresses: past 100 failures an hour, every
//!   address that has failed on the name waits the longest delay between
//!   attempts (a spread-out attack gets one guess per address per 30 s);
//!   addresses with no failure on it are not held back.
//! - The name is what was typed (lower-cased): a username and an email of one
//!   account are counted apart, so throttling never tells that they are one.
//! - Attempts still being checked do not count as failures, so a service
//!   logging in from many workers at once is never refused; but once they
//!   could add up to the free allowance, further attempts wait for them to
//!   end, so concurrency cannot slip past the limits either.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::domain::Timestamp;
use crate::error::{Error, Result};

pub const FREE_FAILURES: u32 = 5;
pub const MAX_FAILURES_PER_HOUR: u32 = 100;
/// How long a failure counts against a name over all addresses.
pub const HOUR: Duration = Duration::from_secs(3600);
pub const MAX_DELAY: Duration = Duration::from_secs(30);
/// How long an attempt waits for those in flight before being turned away.
pub const MAX_QUEUE_WAIT: Duration = Duration::from_secs(10);
/// Entries are pruned once the table holds this many.
const PRUNE_AT: usize = 10_000;

/// Where an attempt comes from: a client address, or (`None`) the operator's
/// own command line.
pub type Client = Option<IpAddr>;

/// Where failed logins are counted: in this process (`LoginThrottle`, for a
/// database one process holds), or in a database every instance shares, so
/// that N instances do not give an attacker N allowances. Each backend
/// provides its own (`Store::login_limit`).
pub trait LoginLimit: Send + Sync {
    /// Admits one login attempt for `name` from `client`; `end` must follow.
    fn begin(&self, name: &str, client: Client) -> Result<()>;

    /// The attempt ended: with the right password (`Some(true)`), a wrong
    /// one (`Some(false)`), or before any check (`None`: it does not count).
    fn end(&self, name: &str, client: Client, verified: Option<bool>);

    /// How `names` stand, if any of them is held back anywhere.
    fn throttled(&self, names: &[&str]) -> Result<Option<Throttled>>;

    /// Forgets every failure counted against `names`; says whether any
    /// address had failed on them since its last success.
    fn unlock(&self, names: &[&str]) -> Result<bool>;
}

impl LoginLimit for LoginThrottle {
    fn begin(&self, name: &str, client: Client) -> Result<()> {
        LoginThrottle::begin(self, name, client)
    }

    fn end(&self, name: &str, client: Client, verified: Option<bool>) {
        LoginThrottle::end(self, name, client, verified)
    }

    fn throttled(&self, names: &[&str]) -> Result<Option<Throttled>> {
        Ok(LoginThrottle::throttled(self, names))
    }

    fn unlock(&self, names: &[&str]) -> Result<bool> {
        Ok(LoginThrottle::unlock(self, names))
    }
}

#[derive(Default)]
pub struct LoginThrottle {
    state: Mutex<State>,
    /// Signalled whenever an attempt ends.
    ended: Condvar,
}

#[derive(Default)]
struct State {
    pairs: HashMap<(String, Client), Pair>,
    names: HashMap<String, Window>,
}

struct Pair {
    /// Failures in a row.
    failures: u32,
    /// Attempts admitted and not yet ended.
    pending: u32,
    next_allowed: Instant,
    last_failure: Instant,
}

struct Window {
    start: Instant,
    failures: u32,
}

/// What `user get` shows of a throttled login name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Throttled {
    /// Failures in a row, summed over the addresses that have any.
    pub failures: u32,
    pub addresses: usize,
    /// When the most held-back address may try again.
    pub until: Timestamp,
}

/// The wait after `failures` in a row.
pub fn delay(failures: u32) -> Duration {
    let doublings = failures.saturating_sub(FREE_FAILURES).min(5);
    (Duration::from_secs(1) * 2u32.pow(doublings)).min(MAX_DELAY)
}

/// The error of an attempt that must wait `wait`.
pub fn rate_limited(wait: Duration) -> Error {
    Error::RateLimited {
        message: "too many failed logins for this name from your address; wait before trying again"
            .to_owned(),
        // Rounded up: a client that waits as told is let in.
        retry_after: wait.as_secs() + u64::from(wait.subsec_nanos() > 0),
    }
}

impl LoginThrottle {
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Admits one login attempt for `name` from `client`; `end` must follow.
    pub fn begin(&self, name: &str, client: Client) -> Result<()> {
        let key = (name.to_owned(), client);
        let waited_since = Instant::now();
        let mut state = self.state();
        loop {
            let now = Instant::now();
            if state.pairs.len() >= PRUNE_AT {
                state.prune(now);
            }
            let heavy = state.names.get(name).is_some_and(|w| {
                now.duration_since(w.start) < HOUR && w.failures >= MAX_FAILURES_PER_HOUR
            });
            let pair = state.pairs.entry(key.clone()).or_insert(Pair {
                failures: 0,
                pending: 0,
                next_allowed: now,
                last_failure: now,
            });
            let held = pair.failures >= FREE_FAILURES || (heavy && pair.failures > 0);
            let admit = if held {
                let mut until = pair.next_allowed;
                if heavy {
                    until = until.max(pair.last_failure + MAX_DELAY);
                }
                if now < until {
                    return Err(rate_limited(until - now));
                }
                // A held-back address tries one attempt at a time.
                pair.pending == 0
            } else {
                pair.failures + pair.pending < FREE_FAILURES
            };
            if admit {
                pair.pending += 1;
                return Ok(());
            }
            // Those in flight may all fail: wait to see.
            let Some(left) = MAX_QUEUE_WAIT.checked_sub(now.duration_since(waited_since)) else {
                return Err(Error::Busy(
                    "too many logins for this name at once; try again shortly".to_owned(),
                ));
            };
            state = self
                .ended
                .wait_timeout(state, left)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
    }

    /// The attempt begun for `name` from `client` ended: with the right
    /// password (`Some(true)`), a wrong one (`Some(false)`), or before any
    /// password was checked (`None`: it does not count).
    pub fn end(&self, name: &str, client: Client, verified: Option<bool>) {
        let now = Instant::now();
        let mut state = self.state();
        if let Some(pair) = state.pairs.get_mut(&(name.to_owned(), client)) {
            pair.pending = pair.pending.saturating_sub(1);
            match verified {
                Some(true) => pair.failures = 0,
                Some(false) => {
                    pair.failures += 1;
                    pair.last_failure = now;
                    if pair.failures >= FREE_FAILURES {
                        pair.next_allowed = now + delay(pair.failures);
                    }
                }
                None => {}
            }
        }
        if verified == Some(false) {
            let window = state.names.entry(name.to_owned()).or_insert(Window {
                start: now,
                failures: 0,
            });
            if now.duration_since(window.start) >= HOUR {
                *window = Window {
                    start: now,
                    failures: 0,
                };
            }
            window.failures += 1;
        }
        drop(state);
        self.ended.notify_all();
    }

    /// How `names` stand, if any of them is held back anywhere.
    pub fn throttled(&self, names: &[&str]) -> Option<Throttled> {
        let now = Instant::now();
        let state = self.state();
        let held: Vec<(&Pair, bool)> = state
            .pairs
            .iter()
            .filter(|((name, _), pair)| names.contains(&name.as_str()) && pair.failures > 0)
            .map(|((name, _), pair)| {
                let heavy = state.names.get(name).is_some_and(|w| {
                    now.duration_since(w.start) < HOUR && w.failures >= MAX_FAILURES_PER_HOUR
                });
                (pair, heavy)
            })
            .collect();
        let until = held
            .iter()
            .filter(|(pair, heavy)| pair.failures >= FREE_FAILURES || *heavy)
            .map(|(pair, heavy)| {
                if *heavy {
                    pair.next_allowed.max(pair.last_failure + MAX_DELAY)
                } else {
                    pair.next_allowed
                }
            })
            .max()?;
        let left = until.saturating_duration_since(now);
        let until = Timestamp::from_unix_millis(
            Timestamp::now()
                .unix_millis()
                .saturating_add(u64::try_from(left.as_millis()).unwrap_or(u64::MAX)),
        )
        .unwrap_or_else(Timestamp::now);
        Some(Throttled {
            failures: held.iter().map(|(pair, _)| pair.failures).sum(),
            addresses: held.len(),
            until,
        })
    }

    /// Forgets every failure counted against `names`; says whether any
    /// address had failed on them since its last success.
    pub fn unlock(&self, names: &[&str]) -> bool {
        let mut state = self.state();
        let named = |name: &String| names.contains(&name.as_str());
        let cleared = state
            .pairs
            .iter()
            .any(|((name, _), pair)| named(name) && pair.failures > 0);
        // Attempts in flight keep their entry, to be ended; with no failures.
        state
            .pairs
            .retain(|(name, _), pair| pair.pending > 0 || !named(name));
        for ((name, _), pair) in &mut state.pairs {
            if named(name) {
                pair.failures = 0;
            }
        }
        state.names.retain(|name, _| !named(name));
        drop(state);
        self.ended.notify_all();
        cleared
    }
}

impl State {
    fn prune(&mut self, now: Instant) {
        self.pairs.retain(|_, p| {
            p.pending > 0 || (p.failures > 0 && now.duration_since(p.last_failure) < HOUR)
        });
        self.names.retain(|_, w| now.duration_since(w.start) < HOUR);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> Client {
        Some(s.parse().unwrap())
    }

    fn fail(t: &LoginThrottle, name: &str, client: Client) -> Result<()> {
        t.begin(name, client)?;
        t.end(name, client, Some(false));
        Ok(())
    }

    #[test]
    fn five_failures_pass_then_the_sixth_waits_but_only_there() {
        let t = LoginThrottle::default();
        let attacker = ip("203.0.113.9");
        for _ in 0..5 {
            fail(&t, "alice", attacker).unwrap();
        }
        let err = t.begin("alice", attacker).unwrap_err();
        assert!(matches!(err, Error::RateLimited { retry_after, .. } if retry_after >= 1));
        // The owner elsewhere, another name, and the email of the same
        // account are not held back.
        t.begin("alice", ip("198.51.100.7")).unwrap();
        t.begin("bob", attacker).unwrap();
        t.begin("alice@example.com", attacker).unwrap();
    }

    #[test]
    fn a_success_resets_the_run_of_failures() {
        let t = LoginThrottle::default();
        for _ in 0..4 {
            fail(&t, "alice", None).unwrap();
        }
        t.begin("alice", None).unwrap();
        t.end("alice", None, Some(true));
        for _ in 0..5 {
            fail(&t, "alice", None).unwrap();
        }
    }

    #[test]
    fn concurrent_right_passwords_are_never_refused() {
        let t = std::sync::Arc::new(LoginThrottle::default());
        let admitted: usize = (0..64)
            .map(|_| {
                let t = t.clone();
                std::thread::spawn(move || {
                    let ok = t.begin("svc", ip("10.0.0.1")).is_ok();
                    std::thread::sleep(Duration::from_millis(5));
                    if ok {
                        t.end("svc", ip("10.0.0.1"), Some(true));
                    }
                    usize::from(ok)
                })
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|h| h.join().unwrap())
            .sum();
        assert_eq!(admitted, 64);
    }

    #[test]
    fn concurrent_wrong_passwords_cannot_exceed_the_free_ones() {
        let t = std::sync::Arc::new(LoginThrottle::default());
        let checked: usize = (0..64)
            .map(|_| {
                let t = t.clone();
                std::thread::spawn(move || {
                    let ok = t.begin("alice", ip("10.0.0.1")).is_ok();
                    std::thread::sleep(Duration::from_millis(5));
                    if ok {
                        t.end("alice", ip("10.0.0.1"), Some(false));
                    }
                    usize::from(ok)
                })
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|h| h.join().unwrap())
            .sum();
        assert_eq!(checked, 5);
    }

    #[test]
    fn past_the_hourly_bound_failing_addresses_wait_and_clean_ones_do_not() {
        let t = LoginThrottle::default();
        for n in 0..25 {
            let client = ip(&format!("192.0.2.{n}"));
            for _ in 0..4 {
                fail(&t, "alice", client).unwrap();
            }
        }
        // 100 failures from 25 addresses, none past its free five: each now
        // waits the longest delay, a clean address does not.
        assert!(t.begin("alice", ip("192.0.2.3")).is_err());
        t.begin("alice", ip("198.51.100.7")).unwrap();
        let shown = t.throttled(&["alice"]).unwrap();
        assert_eq!(shown.failures, 100);
        assert_eq!(shown.addresses, 25);
        assert!(t.unlock(&["alice"]));
        assert!(t.throttled(&["alice"]).is_none());
        t.begin("alice", ip("192.0.2.3")).unwrap();
    }

    #[test]
    fn the_delay_doubles_up_to_thirty_seconds() {
        assert_eq!(delay(5), Duration::from_secs(1));
        assert_eq!(delay(6), Duration::from_secs(2));
        assert_eq!(delay(9), Duration::from_secs(16));
        assert_eq!(delay(50), MAX_DELAY);
    }
}
