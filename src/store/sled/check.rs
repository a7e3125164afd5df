//! `check`: whether records and indexes agree and every hash parses; with
//! `--repair`, the indexes rebuilt from the records first. Groups and API
//! keys: `check_groups`.

use uuid::Uuid;

use super::codec::decode;
use super::store::bin_entry;
use super::{SledStore, defer, key_id, storage};
use crate::store::{CheckReport, Result};

impl SledStore {
    /// Verifies that every record has its index entries, every index entry
    /// points at a record that has that name, and every stored hash parses.
    /// With `repair`, the indexes are rebuilt from the records first.
    pub(super) fn verify(&self, repair: bool) -> Result<CheckReport> {
        let mut report = CheckReport {
            repaired: repair,
            ..CheckReport::default()
        };
        report.repairs.extend(self.recovery.repairs.iter().cloned());
        report.users_before = self.recovery.users_before;
        report.copy = self.recovery.copy.as_ref().map(|p| p.display().to_string());
        if repair {
            self.rebuild_indexes(&mut report)?;
            self.rebuild_groups(&mut report)?;
        }
        let engine = self.engine()?;
        // The selection indexes' entries the records call for.
        let mut irregular = std::collections::BTreeSet::new();
        let mut logins = std::collections::BTreeSet::new();
        for item in engine.users.iter() {
            let (key, raw) = item.map_err(storage)?;
            report.users += 1;
            let Ok(id) = key_id(&key) else {
                report.problem(
                    "misfiled_record",
                    format!("a record is filed under key {}", hex(&key)),
                );
                continue;
            };
            let account = match decode(id, &raw) {
                Ok(a) if a.user.id.as_bytes().as_slice() == key.as_ref() => a,
                Ok(a) => {
                    report.problem(
                        "misfiled_record",
                        format!("record under key {} holds user {}", hex(&key), a.user.id),
                    );
                    continue;
                }
                Err(_) => {
                    report.problem(
                        "unreadable_record",
                        format!("record under key {} cannot be read", hex(&key)),
                    );
                    continue;
                }
            };
            let (irr, login) = super::select::entries(&account);
            irregular.extend(irr);
            logins.extend(login);
            let u = &account.user;
            match engine
                .by_username
                .get(u.username.as_str())
                .map_err(storage)?
            {
                None => report.problem(
                    "missing_username_index",
                    format!("user {} ({}) has no username index entry", u.id, u.username),
                ),
                Some(id) if id.as_ref() != key.as_ref() => report.problem(
                    "wrong_username_index",
                    format!(
                        "username {} points at {}, not at its user {}",
                        u.username,
                        hex(&id),
                        u.id
                    ),
                ),
                Some(_) => {}
            }
            match engine.by_email.get(u.email.key()).map_err(storage)? {
                None => report.problem(
                    "missing_email_index",
                    format!("user {} ({}) has no email index entry", u.id, u.email),
                ),
                Some(id) if id.as_ref() != key.as_ref() => report.problem(
                    "wrong_email_index",
                    format!(
                        "email {} points at {}, not at its user {}",
                        u.email,
                        hex(&id),
                        u.id
                    ),
                ),
                Some(_) => {}
            }
            if !crate::hashing::is_valid_hash(&account.password_hash) {
                report.problem(
                    "bad_hash",
                    format!(
                        "user {} ({}) has a password hash that does not parse",
                        u.id, u.username
                    ),
                );
            }
        }
        for (tree, kind) in [
            (&engine.by_username, "username"),
            (&engine.by_email, "email"),
        ] {
            for item in tree.iter() {
                let (name, id) = item.map_err(storage)?;
                let name = String::from_utf8_lossy(&name).into_owned();
                let owner = match (engine.users.get(&id).map_err(storage)?, key_id(&id)) {
                    (Some(raw), Ok(id)) => decode(id, &raw).ok(),
                    _ => None,
                };
                let matches = owner.is_some_and(|a| match kind {
                    "username" => a.user.username.as_str() == name,
                    _ => a.user.email.key() == name,
                });
                if !matches {
                    report.problem(
                        &format!("dangling_{kind}_index"),
                        format!(
                            "{kind} {name} points at {}, which is not a user of that {kind}",
                            hex(&id)
                        ),
                    );
                }
            }
        }
        for (tree, wanted, kind) in [
            (&engine.irregular, &irregular, "creation"),
            (&engine.logins, &logins, "login"),
        ] {
            let mut stored = std::collections::BTreeSet::new();
            for item in tree.iter() {
                let (k, _) = item.map_err(storage)?;
                stored.insert(<[u8; 24]>::try_from(k.as_ref()).unwrap_or([0xff; 24]));
            }
            let (missing, stale) = (
                wanted.difference(&stored).count(),
                stored.difference(wanted).count(),
            );
            if missing + stale > 0 {
                report.problem(
                    "stale_selection_index",
                    format!(
                        "the {kind} index lacks {missing} entries the records call for and holds \
                         {stale} they do not (`check --repair` rebuilds it)"
                    ),
                );
            }
        }
        // Every binned user can be listed and restored.
        for item in engine.bin.iter() {
            let (key, raw) = item.map_err(storage)?;
            if key_id(&key).and_then(|id| bin_entry(id, &raw)).is_err() {
                report.problem(
                    "unreadable_bin_entry",
                    format!(
                        "the recycle bin's entry under key {} cannot be read",
                        hex(&key)
                    ),
                );
            }
        }
        drop(engine);
        self.verify_groups(&mut report)?;
        Ok(report)
    }

    /// Rebuilds both indexes from the records. The first record of a name
    /// (the oldest id) keeps it; later duplicates are reported.
    fn rebuild_indexes(&self, report: &mut CheckReport) -> Result<()> {
        let engine = self.writer()?;
        let _changed = defer(|| self.changed());
        engine.by_username.clear().map_err(|e| self.fail(e))?;
        engine.by_email.clear().map_err(|e| self.fail(e))?;
        engine.build_selection_index()?;
        for item in engine.users.iter() {
            let (key, raw) = item.map_err(storage)?;
            let Ok(account) = key_id(&key).and_then(|id| decode(id, &raw)) else {
                continue;
            };
            let u = &account.user;
            let claimed = engine
                .by_username
                .compare_and_swap(
                    u.username.as_str(),
                    None as Option<&[u8]>,
                    Some(key.as_ref()),
                )
                .map_err(|e| self.fail(e))?;
            if claimed.is_err() {
                report.problem(
                    "duplicate_username",
                    format!(
                        "users share username {}; {} left without it",
                        u.username, u.id
                    ),
                );
            }
            let claimed = engine
                .by_email
                .compare_and_swap(u.email.key(), None as Option<&[u8]>, Some(key.as_ref()))
                .map_err(|e| self.fail(e))?;
            if claimed.is_err() {
                report.problem(
                    "duplicate_email",
                    format!("users share email {}; {} left without it", u.email, u.id),
                );
            }
        }
        self.group_flush()
    }
}

pub(super) fn hex(bytes: &[u8]) -> String {
    Uuid::from_slice(bytes)
        .map(|id| id.to_string())
        .unwrap_or_else(|_| bytes.iter().map(|b| format!("{b:02x}")).collect())
}
