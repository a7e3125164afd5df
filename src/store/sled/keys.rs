//! API keys on sled, in the `keys` tree: `i` + id → the key as stored
//! (JSON, with the hash of its secret), and `n` + name → its id.

use uuid::Uuid;

use super::tx::abort;
use super::{SledStore, key_id, storage};
use crate::domain::audit::{Action, Event, Origin};
use crate::domain::{ApiKey, StoredKey, Timestamp, UserRef, Username};
use crate::store::{Result, Store, StoreError as Error, Taken};

const KEY: u8 = b'i';
const NAME: u8 = b'n';

fn key_key(id: Uuid) -> Vec<u8> {
    let mut k = vec![KEY];
    k.extend_from_slice(id.as_bytes());
    k
}

fn name_key(name: &str) -> Vec<u8> {
    let mut k = vec![NAME];
    k.extend_from_slice(name.as_bytes());
    k
}

fn decode_key(raw: &[u8]) -> Result<StoredKey> {
    serde_json::from_slice(raw)
        .map_err(|e| Error::Unavailable(format!("database holds an unreadable API key: {e}")))
}

fn encode_key(key: &StoredKey) -> Vec<u8> {
    serde_json::to_vec(key).unwrap_or_default()
}

impl SledStore {
    pub(super) fn store_key(&self, key: &StoredKey, origin: &Origin) -> Result<()> {
        let named = ApiKey {
            username: self
                .get(&UserRef::Id(key.key.user))?
                .map(|a| a.user.username),
            ..key.key.clone()
        };
        let event = Event::about_key(origin, Action::KeyCreate, &named);
        self.transaction(|t| {
            let name = name_key(key.key.name.as_str());
            if t.keys.get(&name)?.is_some() {
                return abort(Error::Taken(Taken::KeyName(key.key.name.clone())));
            }
            t.keys.insert(name, key.key.id.as_bytes().as_slice())?;
            t.keys.insert(key_key(key.key.id), encode_key(key))?;
            t.audit.record(&event)
        })
    }

    pub(super) fn get_key(&self, id: Uuid) -> Result<Option<StoredKey>> {
        let engine = self.engine()?;
        engine
            .keys
            .get(key_key(id))
            .map_err(storage)?
            .map(|raw| decode_key(&raw))
            .transpose()
    }

    pub(super) fn keys_page(&self, after: Option<Uuid>, limit: usize) -> Result<Vec<ApiKey>> {
        let engine = self.engine()?;
        let start = match after {
            Some(id) => {
                let mut k = key_key(id);
                k.push(0);
                k
            }
            None => vec![KEY],
        };
        let mut page = Vec::new();
        for item in engine.keys.range(start..vec![KEY + 1]) {
            let (_, raw) = item.map_err(storage)?;
            let mut key = decode_key(&raw)?.key;
            key.username = self.get(&UserRef::Id(key.user))?.map(|a| a.user.username);
            page.push(key);
            if page.len() == limit {
                break;
            }
        }
        Ok(page)
    }

    pub(super) fn remove_key(&self, name: &Username, origin: &Origin) -> Result<Option<ApiKey>> {
        let Some(id) = self
            .engine()?
            .keys
            .get(name_key(name.as_str()))
            .map_err(storage)?
        else {
            return Ok(None);
        };
        let id = key_id(&id)?;
        let mut found = match self.get_key(id)? {
            Some(stored) => stored.key,
            None => return Ok(None),
        };
        found.username = self.get(&UserRef::Id(found.user))?.map(|a| a.user.username);
        let event = Event::about_key(origin, Action::KeyRevoke, &found);
        let removed = self.transaction(|t| {
            // Gone meanwhile (revoked by another request): nothing to record.
            if t.keys.remove(name_key(name.as_str()))?.is_none() {
                return Ok(false);
            }
            t.keys.remove(key_key(id))?;
            t.audit.record(&event)?;
            Ok(true)
        })?;
        Ok(removed.then_some(found))
    }

    /// A compare-and-swap of the stored key: a key revoked meanwhile stays
    /// revoked.
    pub(super) fn note_key_use(&self, id: Uuid, at: Timestamp) -> Result<()> {
        let engine = self.writer()?;
        let Some(raw) = engine.keys.get(key_key(id)).map_err(storage)? else {
            return Ok(());
        };
        let mut stored = decode_key(&raw)?;
        stored.key.last_used_at = Some(at);
        let _ = engine
            .keys
            .compare_and_swap(key_key(id), Some(raw), Some(encode_key(&stored)))
            .map_err(|e| self.fail(e))?;
        Ok(())
    }
}
