//! The login limit of SPEC section 6 counted in the database, so that it is
//! one limit however many instances share it (`throttle` describes the
//! rules; this is the same rules in SQL). An attempt is admitted by one
//! conditional upsert of its (name, address) row, which the row lock makes
//! atomic across processes: 40 wrong passwords spread over instances still
//! get 5 checked. Attempts in flight are counted in the row too; those of a
//! process that died stop counting after `PENDING_EXPIRY`.

use std::time::{Duration, Instant, SystemTime};

use super::{PostgresStore, cached};
use crate::domain::Timestamp;
use crate::error::{Error, Result};
use crate::throttle::{
    Client, FREE_FAILURES, HOUR, LoginLimit, MAX_DELAY, MAX_FAILURES_PER_HOUR, MAX_QUEUE_WAIT,
    Throttled, delay, rate_limited,
};

/// Attempts admitted this long ago and not ended are a dead process's.
const PENDING_EXPIRY: Duration = Duration::from_secs(60);
/// How often a waiting attempt looks again.
const POLL: Duration = Duration::from_millis(25);

/// A login name as stored: PostgreSQL's text cannot hold NUL, which a name
/// typed at a login may (an escape that keeps distinct names distinct).
fn stored(name: &str) -> std::borrow::Cow<'_, str> {
    if name.contains(['\0', '\\']) {
        name.replace('\\', "\\\\").replace('\0', "\\0").into()
    } else {
        name.into()
    }
}

fn address(client: Client) -> String {
    client.map(|ip| ip.to_string()).unwrap_or_default()
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

impl LoginLimit for PostgresStore {
    fn begin(&self, name: &str, client: Client) -> Result<()> {
        let name = &*stored(name);
        let client = address(client);
        let started = Instant::now();
        loop {
            if self.run(self.admit(name, &client))? {
                return Ok(());
            }
            // Held back (say so), or waiting for attempts in flight.
            if let Some(wait) = self.run(self.held_for(name, &client))? {
                return Err(rate_limited(wait));
            }
            if started.elapsed() >= MAX_QUEUE_WAIT {
                return Err(Error::Busy(
                    "too many logins for this name at once; try again shortly".to_owned(),
                ));
            }
            std::thread::sleep(POLL);
        }
    }

    fn end(&self, name: &str, client: Client, verified: Option<bool>) {
        let name = &*stored(name);
        let client = address(client);
        if let Err(e) = self.run(self.ended(name, &client, verified)) {
            tracing::warn!("cannot record the end of a login attempt: {e}");
        }
    }

    fn throttled(&self, names: &[&str]) -> Result<Option<Throttled>> {
        let names: Vec<String> = names.iter().map(|n| stored(n).into_owned()).collect();
        let rows = self.run(self.with_client(async |c| {
            Ok(cached::query(
                c,
                "SELECT a.failures, a.next_allowed, a.last_failure,
                        coalesce(w.window_start > now() - make_interval(secs => $2)
                                 AND w.failures >= $3, false),
                        now()
                 FROM login_attempts a LEFT JOIN login_windows w ON w.name = a.name
                 WHERE a.name = ANY($1) AND a.failures > 0",
                &[
                    &names,
                    &secs(HOUR),
                    &i32::try_from(MAX_FAILURES_PER_HOUR).unwrap_or(i32::MAX),
                ],
            )
            .await?)
        }))?;
        let Some(now) = rows.first().map(|r| r.get::<_, SystemTime>(4)) else {
            return Ok(None);
        };
        let held = rows
            .iter()
            .filter(|r| r.get::<_, i32>(0) >= FREE_FAILURES as i32 || r.get::<_, bool>(3));
        let Some(until) = held
            .map(|r| {
                let next: SystemTime = r.get(1);
                match r.get::<_, bool>(3) {
                    true => next.max(r.get::<_, SystemTime>(2) + MAX_DELAY),
                    false => next,
                }
            })
            .max()
        else {
            return Ok(None);
        };
        let left = until.duration_since(now).unwrap_or_default();
        Ok(Some(Throttled {
            failures: rows
                .iter()
                .map(|r| u32::try_from(r.get::<_, i32>(0)).unwrap_or(0))
                .sum(),
            addresses: rows.len(),
            until: Timestamp::from_system_time(SystemTime::now() + left),
        }))
    }

    fn unlock(&self, names: &[&str]) -> Result<bool> {
        let names: Vec<String> = names.iter().map(|n| stored(n).into_owned()).collect();
        Ok(self.run(self.transaction(async |tx| {
            let cleared = cached::execute(
                tx,
                "UPDATE login_attempts SET failures = 0 WHERE name = ANY($1) AND failures > 0",
                &[&names],
            )
            .await?;
            // Attempts in flight keep their row, to be ended.
            cached::execute(
                tx,
                "DELETE FROM login_attempts WHERE name = ANY($1) AND pending = 0",
                &[&names],
            )
            .await?;
            cached::execute(
                tx,
                "DELETE FROM login_windows WHERE name = ANY($1)",
                &[&names],
            )
            .await?;
            Ok(cleared > 0)
        }))?)
    }
}

impl PostgresStore {
    /// Admits the attempt if the rules allow it now: one statement, atomic
    /// under the row's lock.
    async fn admit(&self, name: &str, client: &str) -> crate::store::Result<bool> {
        let free = FREE_FAILURES as i32;
        self.transaction(async |tx| {
            let heavy = heavy(tx, name).await?;
            let admitted = cached::query_opt(
 tx,
                    "INSERT INTO login_attempts AS a
                         (name, client, pending, pending_since, next_allowed, last_failure)
                     VALUES ($1, $2, 1, now(), now(), now())
                     ON CONFLICT (name, client) DO UPDATE
                     SET pending = (CASE WHEN a.pending_since < now() - make_interval(secs => $5)
                                        THEN 0 ELSE a.pending END) + 1,
                         pending_since = now()
                     WHERE CASE
                         WHEN a.failures >= $3 OR ($4 AND a.failures > 0) THEN
                             now() >= CASE WHEN $4
                                 THEN greatest(a.next_allowed, a.last_failure + make_interval(secs => $6))
                                 ELSE a.next_allowed END
                             AND (a.pending = 0 OR a.pending_since < now() - make_interval(secs => $5))
                         ELSE
                             a.failures + (CASE WHEN a.pending_since < now() - make_interval(secs => $5)
                                               THEN 0 ELSE a.pending END) < $3
                     END
                     RETURNING 1",
                    &[
                        &name,
                        &client,
                        &free,
                        &heavy,
                        &secs(PENDING_EXPIRY),
                        &secs(MAX_DELAY),
                    ],
                )
                .await?;
            Ok(admitted.is_some())
        })
        .await
    }

    /// How long the pair must wait, if it is held back (rather than waiting
    /// for attempts in flight).
    async fn held_for(&self, name: &str, client: &str) -> crate::store::Result<Option<Duration>> {
        self.transaction(async |tx| {
            let heavy = heavy(tx, name).await?;
            let row = cached::query_opt(
                tx,
                "SELECT failures, next_allowed, last_failure, now()
                     FROM login_attempts WHERE name = $1 AND client = $2",
                &[&name, &client],
            )
            .await?;
            let Some(row) = row else { return Ok(None) };
            let failures: i32 = row.get(0);
            if !(failures >= FREE_FAILURES as i32 || (heavy && failures > 0)) {
                return Ok(None);
            }
            let mut until: SystemTime = row.get(1);
            if heavy {
                until = until.max(row.get::<_, SystemTime>(2) + MAX_DELAY);
            }
            let now: SystemTime = row.get(3);
            Ok(until.duration_since(now).ok().filter(|d| !d.is_zero()))
        })
        .await
    }

    async fn ended(
        &self,
        name: &str,
        client: &str,
        verified: Option<bool>,
    ) -> crate::store::Result<()> {
        // Now and then, rows an hour stale (names tried once, say) go too.
        let prune = uuid::Uuid::new_v4().as_bytes()[0] == 0;
        self.transaction(async |tx| {
            match verified {
                Some(false) => {
                    let row = cached::query_opt(
 tx,
                            "UPDATE login_attempts
                             SET pending = greatest(pending - 1, 0), failures = failures + 1,
                                 last_failure = now()
                             WHERE name = $1 AND client = $2 RETURNING failures",
                            &[&name, &client],
                        )
                        .await?;
                    let failures = row.map_or(0, |r| r.get::<_, i32>(0));
                    if failures >= FREE_FAILURES as i32 {
                        let wait = delay(u32::try_from(failures).unwrap_or(u32::MAX));
                        cached::execute(
 tx,
                            "UPDATE login_attempts
                             SET next_allowed = now() + make_interval(secs => $3)
                             WHERE name = $1 AND client = $2",
                            &[&name, &client, &secs(wait)],
                        )
                        .await?;
                    }
                    cached::execute(
 tx,
                        "INSERT INTO login_windows AS w (name, window_start, failures)
                         VALUES ($1, now(), 1)
                         ON CONFLICT (name) DO UPDATE SET
                             failures = CASE WHEN w.window_start < now() - make_interval(secs => $2)
                                             THEN 1 ELSE w.failures + 1 END,
                             window_start = CASE WHEN w.window_start < now() - make_interval(secs => $2)
                                                 THEN now() ELSE w.window_start END",
                        &[&name, &secs(HOUR)],
                    )
                    .await?;
                }
                Some(true) => {
                    // A success clears the run; a row with nothing left to
                    // say goes, and so do other names' stale ones.
                    cached::execute(
 tx,
                        "UPDATE login_attempts SET pending = greatest(pending - 1, 0), failures = 0
                         WHERE name = $1 AND client = $2",
                        &[&name, &client],
                    )
                    .await?;
                    cached::execute(
 tx,
                        "DELETE FROM login_attempts
                         WHERE name = $1 AND client = $2 AND pending = 0 AND failures = 0",
                        &[&name, &client],
                    )
                    .await?;
                    if prune {
                        cached::execute(
 tx,
                            "DELETE FROM login_attempts
                             WHERE pending = 0 AND last_failure < now() - make_interval(secs => $1)",
                            &[&secs(HOUR)],
                        )
                        .await?;
                    }
                }
                None => {
                    cached::execute(
 tx,
                        "UPDATE login_attempts SET pending = greatest(pending - 1, 0)
                         WHERE name = $1 AND client = $2",
                        &[&name, &client],
                    )
                    .await?;
                }
            }
            Ok(())
        })
        .await
    }
}

/// Whether `name` has failed past the hourly bound over all addresses.
async fn heavy(
    tx: &deadpool_postgres::Transaction<'_>,
    name: &str,
) -> std::result::Result<bool, super::Failure> {
    let row = cached::query_opt(
 tx,
            "SELECT 1 FROM login_windows
             WHERE name = $1 AND window_start > now() - make_interval(secs => $2) AND failures >= $3",
            &[
                &name,
                &secs(HOUR),
                &i32::try_from(MAX_FAILURES_PER_HOUR).unwrap_or(i32::MAX),
            ],
        )
        .await?;
    Ok(row.is_some())
}
