//! `users import` and `users export`: users with their hashes, in bulk.

use uuid::Uuid;

use super::{Actor, DELETE_BATCH, Durable, Service};
use crate::domain::audit::Origin;
use crate::domain::{Group, GroupRef, Timestamp, Username};
use crate::error::{Error, Result};
use crate::hashing;
use crate::ops::ExportedUser;
use crate::ops::{DeleteMany, ImportEnd, Request, Response};
use crate::store::{Filter, StoreError};
use crate::transfer::{ImportSecret, ImportUser};

impl Service {
    /// Stores parsed import lines in one transaction, hashing plain passwords
    /// first on every core. One outcome per user, in order.
    pub(super) fn store_imports(
        &self,
        users: Vec<ImportUser>,
        origin: &Origin,
    ) -> Result<Vec<Result<Uuid>>> {
        let hashes = self.hash_imports(&users);
        let mut outcomes: Vec<Result<Uuid>> = Vec::with_capacity(users.len());
        let mut accounts = Vec::with_capacity(users.len());
        let mut slots = Vec::with_capacity(users.len());
        let mut fresh = Vec::with_capacity(users.len());
        let mut groups = Vec::with_capacity(users.len());
        let mut ids = std::collections::HashMap::new();
        for (user, hash) in users.into_iter().zip(hashes) {
            let id = user.user.id;
            let checked = if self.config.reserved.contains(user.user.username.as_str()) {
                Err(Error::Conflict(format!(
                    "username {} is reserved",
                    user.user.username
                )))
            } else {
                hash
            };
            match checked {
                Ok(hash) => {
                    let mut gids = Vec::with_capacity(user.groups.len());
                    for name in &user.groups {
                        gids.push(self.import_group(name, origin, &mut ids)?);
                    }
                    groups.push(gids);
                    fresh.push(user.fresh_id);
                    accounts.push(user.into_account(hash));
                    slots.push(outcomes.len());
                    outcomes.push(Ok(id));
                }
                Err(e) => outcomes.push(Err(e)),
            }
        }
        let stored = self.store.insert_many(&accounts, &fresh, &groups, origin)?;
        for (slot, result) in slots.into_iter().zip(stored) {
            if let Err(taken) = result {
                outcomes[slot] = Err(Error::Conflict(taken.to_string()));
            }
        }
        Ok(outcomes)
    }

    /// The id of the group `name`, made (as the import's) if there is none.
    fn import_group(
        &self,
        name: &Username,
        origin: &Origin,
        known: &mut std::collections::HashMap<Username, Uuid>,
    ) -> Result<Uuid> {
        if let Some(id) = known.get(name) {
            return Ok(*id);
        }
        let by_name = GroupRef::Name(name.clone());
        let id = match self.store.group(&by_name)? {
            Some(group) => group.id,
            None => {
                let group = Group::new(name.clone(), None);
                match self.store.insert_group(&group, origin) {
                    Ok(()) => group.id,
                    // Made meanwhile by someone else: theirs is the one.
                    Err(StoreError::Taken(_)) => {
                        self.store.group(&by_name)?.map(|g| g.id).ok_or_else(|| {
                            Error::Conflict(format!("group {name} keeps changing"))
                        })?
                    }
                    Err(e) => return Err(e.into()),
                }
            }
        };
        known.insert(name.clone(), id);
        Ok(id)
    }

    /// Every user's export line (`domain::ExportLine`), in id order, handed
    /// to `batch` `lines` at a time in a buffer it empties or replaces;
    /// what `batch` fails with ends the export. Returns how many users.
    /// The operator's alone, as `Request::Export` is.
    pub fn export_lines(
        &self,
        lines: u64,
        batch: &mut dyn FnMut(&mut Vec<u8>) -> Result<()>,
    ) -> Result<u64> {
        Ok(self
            .store
            .export_lines(lines, &mut |buf| batch(buf).map_err(StoreError::Refused))?)
    }

    /// Up to `limit` accounts, with their hashes, after the id `after`.
    pub(super) fn export(&self, after: Option<Uuid>, limit: usize) -> Result<Vec<ExportedUser>> {
        self.store
            .page(&Filter::default(), after, limit.clamp(1, 10_000))?
            .into_iter()
            .map(|account| {
                let groups = self
                    .store
                    .groups_of(account.user.id)?
                    .into_iter()
                    .map(|g| g.name.to_string())
                    .collect();
                Ok(ExportedUser { account, groups })
            })
            .collect()
    }

    /// The hash of each import line: kept as given, or the plain password hashed
    /// (after the password policy) on the hashing threads, all of them at once.
    fn hash_imports(&self, users: &[ImportUser]) -> Vec<Result<String>> {
        let policy = &self.config.password_policy;
        let hash_one = |u: &ImportUser| match &u.secret {
            ImportSecret::Hash(h) => Ok(h.clone()),
            ImportSecret::Password(p) => {
                policy
                    .check(p, &[u.user.username.as_str(), u.user.email.as_str()])
                    .map_err(|m| Error::invalid("password", m))?;
                let p = p.clone();
                self.pool().run_waiting(move || hashing::hash(&p))?
            }
        };
        let plain = users
            .iter()
            .filter(|u| matches!(u.secret, ImportSecret::Password(_)))
            .count();
        let feeders = std::thread::available_parallelism()
            .map_or(2, usize::from)
            .min(plain);
        if feeders <= 1 {
            return users.iter().map(hash_one).collect();
        }
        // Each feeder thread hands one password at a time to the pool, so
        // every hashing thread has work.
        let next = std::sync::atomic::AtomicUsize::new(0);
        let results: Vec<std::sync::Mutex<Option<Result<String>>>> =
            users.iter().map(|_| std::sync::Mutex::new(None)).collect();
        std::thread::scope(|scope| {
            for _ in 0..feeders {
                scope.spawn(|| {
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(user) = users.get(i) else { break };
                        let hashed = hash_one(user);
                        if let Ok(mut slot) = results[i].lock() {
                            *slot = Some(hashed);
                        }
                    }
                });
            }
        });
        results
            .into_iter()
            .map(|slot| {
                slot.into_inner()
                    .ok()
                    .flatten()
                    .unwrap_or_else(|| Err(Error::internal("a hashing feeder failed")))
            })
            .collect()
    }
}

/// An import under way, stored a batch at a time by whoever reads the lines
/// (the command, or a server on the command's behalf): each batch in a
/// transaction of its own, all of them made durable once, when it ends.
/// With `atomic`, an import that does not end whole (a line refused, by the
/// service or by the command, or the import cut short) deletes again what it
/// had stored: nothing of it is kept.
#[derive(Default)]
pub struct ImportRun {
    atomic: bool,
    /// The users stored, while they may yet have to be deleted again.
    stored: Vec<Uuid>,
    /// Whether the service refused a line.
    refused: bool,
    /// The batches' writes, made durable when the import ends.
    owed: Option<Durable<()>>,
    /// Who is importing, for the audit trail.
    origin: Option<Origin>,
    /// When it began, and the groups its lines named: a rolled-back import
    /// deletes those it made (made since it began, and empty once its users
    /// are gone).
    began: Option<Timestamp>,
    groups: std::collections::BTreeSet<Username>,
}

impl ImportRun {
    fn origin(&self) -> Origin {
        self.origin.clone().unwrap_or_else(Origin::operator)
    }

    /// An import on behalf of the operator `origin` names.
    pub fn new(atomic: bool, origin: Origin) -> ImportRun {
        ImportRun {
            atomic,
            origin: Some(origin),
            began: Some(Timestamp::now()),
            ..ImportRun::default()
        }
    }

    /// Stores a batch; one outcome per user, in order. After a refused line
    /// an atomic import stores nothing more.
    pub fn store(
        &mut self,
        service: &Service,
        users: Vec<ImportUser>,
    ) -> Result<Vec<Result<Uuid>>> {
        if self.atomic && self.refused {
            return Ok(users
                .iter()
                .map(|_| {
                    Err(Error::Conflict(
                        "not stored: an earlier line was refused (--atomic)".to_owned(),
                    ))
                })
                .collect());
        }
        if self.atomic {
            self.groups
                .extend(users.iter().flat_map(|u| u.groups.iter().cloned()));
        }
        let (response, owed) = service
            .execute(&Actor::Operator, &self.origin(), Request::Import { users })?
            .split();
        self.owed = Some(match self.owed.take() {
            Some(earlier) => earlier.then(owed),
            None => owed,
        });
        let Response::Imported(outcomes) = response else {
            return Err(Error::internal("an import answered with something else"));
        };
        for outcome in &outcomes {
            match outcome {
                Ok(id) if self.atomic => self.stored.push(*id),
                Ok(_) => {}
                Err(_) => self.refused = true,
            }
        }
        Ok(outcomes)
    }

    /// Ends the import, durably: `whole` when every line was read and the
    /// caller refused none itself.
    pub fn finish(mut self, service: &Service, whole: bool) -> Result<ImportEnd> {
        if let Some(owed) = self.owed.take() {
            owed.wait()?;
        }
        if !self.atomic || (whole && !self.refused) || self.stored.is_empty() {
            return Ok(ImportEnd { rolled_back: false });
        }
        for ids in self.stored.chunks(DELETE_BATCH) {
            let undo = DeleteMany {
                users: ids.iter().map(Uuid::to_string).collect(),
                dry_run: false,
                // Never stored, as far as anyone is told: nothing to restore.
                purge: true,
            };
            service
                .delete_many(&undo, &self.origin(), &|_| {}, &|| false)?
                .wait()?;
        }
        let began = self.began.unwrap_or(Timestamp::now());
        for name in &self.groups {
            let group = GroupRef::Name(name.clone());
            match service.get_group(&group) {
                Ok(g) if g.created_at >= began && g.members == 0 => {
                    service
                        .execute(
                            &Actor::Operator,
                            &self.origin(),
                            Request::DeleteGroup { group },
                        )?
                        .wait()?;
                }
                Ok(_) | Err(Error::NotFound(_)) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(ImportEnd { rolled_back: true })
    }
}
