//! Failed logins counted per account (SPEC section 6): after 5 failures in a row
//! each further attempt must wait (1 s, doubling, at most 30 s), and no account
//! takes more than 100 failures an hour. An attempt is counted as a failure from
//! the moment it starts until it succeeds, so concurrent attempts cannot slip
//! past the limits together.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::error::{Error, Result};

const FREE_FAILURES: u32 = 5;
const MAX_FAILURES_PER_HOUR: u32 = 100;
const HOUR: Duration = Duration::from_secs(3600);
const MAX_DELAY: Duration = Duration::from_secs(30);
/// Entries are pruned once the table holds this many accounts.
const PRUNE_AT: usize = 10_000;

#[derive(Default)]
pub struct LoginThrottle {
    accounts: Mutex<HashMap<String, Entry>>,
}

struct Entry {
    consecutive: u32,
    window_start: Instant,
    window_failures: u32,
    next_allowed: Instant,
}

fn delay(consecutive: u32) -> Duration {
    let doublings = consecutive.saturating_sub(FREE_FAILURES).min(5);
    (Duration::from_secs(1) * 2u32.pow(doublings)).min(MAX_DELAY)
}

fn rate_limited(wait: Duration, message: &str) -> Error {
    Error::RateLimited {
        message: message.to_owned(),
        // Rounded up: a client that waits as told is let in.
        retry_after: wait.as_secs() + u64::from(wait.subsec_nanos() > 0),
    }
}

impl LoginThrottle {
    /// Admits one login attempt for `account`, counting it as failed until
    /// `succeeded` is called.
    pub fn begin(&self, account: &str) -> Result<()> {
        let now = Instant::now();
        let mut accounts = self.accounts.lock().unwrap_or_else(|p| p.into_inner());
        if accounts.len() >= PRUNE_AT {
            accounts.retain(|_, e| now.duration_since(e.window_start) < HOUR && e.consecutive > 0);
        }
        let entry = accounts.entry(account.to_owned()).or_insert_with(|| Entry {
            consecutive: 0,
            window_start: now,
            window_failures: 0,
            next_allowed: now,
        });
        if now.duration_since(entry.window_start) >= HOUR {
            entry.window_start = now;
            entry.window_failures = 0;
        }
        if entry.window_failures >= MAX_FAILURES_PER_HOUR {
            let wait = HOUR.saturating_sub(now.duration_since(entry.window_start));
            return Err(rate_limited(
                wait,
                "too many failed logins for this account; try again later",
            ));
        }
        if entry.consecutive >= FREE_FAILURES && now < entry.next_allowed {
            return Err(rate_limited(
                entry.next_allowed - now,
                "too many failed logins for this account; wait before trying again",
            ));
        }
        entry.consecutive += 1;
        entry.window_failures += 1;
        if entry.consecutive >= FREE_FAILURES {
            entry.next_allowed = now + delay(entry.consecutive);
        }
        Ok(())
    }

    /// The attempt begun for `account` never checked a password (the server was
    /// too busy): it does not count.
    pub fn cancel(&self, account: &str) {
        let mut accounts = self.accounts.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(entry) = accounts.get_mut(account) {
            entry.consecutive = entry.consecutive.saturating_sub(1);
            entry.window_failures = entry.window_failures.saturating_sub(1);
        }
    }

    /// The attempt begun for `account` succeeded: it does not count.
    pub fn succeeded(&self, account: &str) {
        let mut accounts = self.accounts.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(entry) = accounts.get_mut(account) {
            entry.consecutive = 0;
            entry.window_failures = entry.window_failures.saturating_sub(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_failures_pass_then_the_sixth_must_wait() {
        let t = LoginThrottle::default();
        for _ in 0..5 {
            t.begin("alice").unwrap();
        }
        let err = t.begin("alice").unwrap_err();
        assert!(matches!(err, Error::RateLimited { retry_after, .. } if retry_after >= 1));
        // Another account is not affected.
        t.begin("bob").unwrap();
    }

    #[test]
    fn a_success_resets_the_run_of_failures() {
        let t = LoginThrottle::default();
        for _ in 0..4 {
            t.begin("alice").unwrap();
        }
        t.begin("alice").unwrap();
        t.succeeded("alice");
        for _ in 0..4 {
            t.begin("alice").unwrap();
        }
    }

    #[test]
    fn concurrent_attempts_cannot_exceed_the_limit() {
        let t = std::sync::Arc::new(LoginThrottle::default());
        let admitted: usize = (0..64)
            .map(|_| {
                let t = t.clone();
                std::thread::spawn(move || t.begin("alice").is_ok())
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|h| usize::from(h.join().unwrap()))
            .sum();
        assert_eq!(admitted, 5);
    }

    #[test]
    fn the_delay_doubles_up_to_thirty_seconds() {
        assert_eq!(delay(5), Duration::from_secs(1));
        assert_eq!(delay(6), Duration::from_secs(2));
        assert_eq!(delay(9), Duration::from_secs(16));
        assert_eq!(delay(50), MAX_DELAY);
    }
}
