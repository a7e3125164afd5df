//! The trees inside one sled transaction, and keeping the username
//! and email indexes in step with the records there.

use sled::transaction::{ConflictableTransactionError, TransactionalTree};

use super::audit::Appender;
use super::codec::decode;
use super::decode_id;
use crate::domain::{Account, UserRef};
use crate::store::{StoreError as Error, Taken};

/// The trees as seen inside one transaction.
pub(super) struct Tx<'a> {
    pub users: &'a TransactionalTree,
    pub by_username: &'a TransactionalTree,
    pub by_email: &'a TransactionalTree,
    pub bin: &'a TransactionalTree,
    pub revoked: &'a TransactionalTree,
    /// The database's own tree: settings and the audit anchor.
    pub meta: &'a TransactionalTree,
    pub audit: Appender<'a>,
    pub irregular: &'a TransactionalTree,
    pub logins: &'a TransactionalTree,
    /// Groups and their names (see `groups`).
    pub groups: &'a TransactionalTree,
    /// Memberships both ways, and binned users' (see `groups`).
    pub members: &'a TransactionalTree,
    /// API keys (see `keys`).
    pub keys: &'a TransactionalTree,
}

impl Tx<'_> {
    /// Moves the selection indexes' entries from `previous` to `next`.
    pub fn reindex(&self, previous: Option<&Account>, next: Option<&Account>) -> TxResult<()> {
        super::select::reindex(self.irregular, self.logins, previous, next)
    }
}

pub(super) type TxResult<T> = std::result::Result<T, ConflictableTransactionError<Error>>;

impl Tx<'_> {
    /// What of `account`'s a stored user holds already, if anything: its id
    /// (looked for only when `check_id`), username or email.
    pub fn taken(&self, account: &Account, check_id: bool) -> TxResult<Option<Taken>> {
        let u = &account.user;
        Ok(
            if check_id && self.users.get(u.id.as_bytes().as_slice())?.is_some() {
                Some(Taken::Id(u.id))
            } else if self.by_username.get(u.username.as_str())?.is_some() {
                Some(Taken::Username(u.username.clone()))
            } else if self.by_email.get(u.email.key().as_bytes())?.is_some() {
                Some(Taken::Email(u.email.clone()))
            } else {
                None
            },
        )
    }

    pub fn resolve(&self, user: &UserRef) -> TxResult<Option<Account>> {
        let id = match user {
            UserRef::Id(id) => *id,
            UserRef::Username(name) => match self.by_username.get(name.as_str())? {
                Some(raw) => decode_id(&raw).map_err(ConflictableTransactionError::Abort)?,
                None => return Ok(None),
            },
            UserRef::Email(email) => match self.by_email.get(email.key().as_bytes())? {
                Some(raw) => decode_id(&raw).map_err(ConflictableTransactionError::Abort)?,
                None => return Ok(None),
            },
        };
        match self.users.get(id.as_bytes().as_slice())? {
            Some(raw) => decode(id, &raw)
                .map(Some)
                .map_err(ConflictableTransactionError::Abort),
            None => Ok(None),
        }
    }
}

/// Points the username and email indexes at `next`, refusing values another
/// account holds, and drops the index entries `previous` no longer uses.
pub(super) fn claim_indexes(
    t: &Tx<'_>,
    next: &Account,
    previous: Option<&Account>,
) -> TxResult<()> {
    let id = next.user.id.as_bytes().as_slice();
    let name = next.user.username.as_str();
    let email = next.user.email.key();
    // An entry that does not change is left alone: most updates rename nothing.
    let name_changes = previous.is_none_or(|p| p.user.username != next.user.username);
    let email_changes = previous.is_none_or(|p| p.user.email.key() != email);
    if name_changes {
        if t.by_username
            .get(name)?
            .is_some_and(|owner| owner.as_ref() != id)
        {
            return abort(Error::Taken(Taken::Username(next.user.username.clone())));
        }
        if let Some(prev) = previous {
            t.by_username.remove(prev.user.username.as_str())?;
        }
        t.by_username.insert(name, id)?;
    }
    if email_changes {
        if t.by_email
            .get(email.as_bytes())?
            .is_some_and(|owner| owner.as_ref() != id)
        {
            return abort(Error::Taken(Taken::Email(next.user.email.clone())));
        }
        if let Some(prev) = previous {
            t.by_email.remove(prev.user.email.key().as_bytes())?;
        }
        t.by_email.insert(email.as_bytes(), id)?;
    }
    Ok(())
}

pub(super) fn abort<T>(e: Error) -> TxResult<T> {
    Err(ConflictableTransactionError::Abort(e))
}

pub(super) fn abort_with(e: Error) -> ConflictableTransactionError<Error> {
    ConflictableTransactionError::Abort(e)
}
