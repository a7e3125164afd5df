//! How a user record is laid out on disk: a compact binary form (postcard),
//! tagged with a format byte. JSON stays the interface format; on disk it
//! would cost twice the bytes and a parse on every read. Records written as
//! JSON by earlier builds (first byte `{`) are still read.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::{Account, Attributes, DisplayName, Email, Role, Timestamp, User, Username};
use crate::error::{Error, Result};

/// The first byte of a compact record.
const COMPACT: u8 = 1;

#[derive(Serialize, Deserialize)]
struct Record<'a> {
    username: &'a str,
    email: &'a str,
    name: Option<&'a str>,
    admin: bool,
    blocked: bool,
    block_reason: Option<&'a str>,
    must_change_password: bool,
    /// The attributes as JSON text; empty when there are none.
    attributes: &'a str,
    created_at: u64,
    updated_at: u64,
    password_changed_at: u64,
    last_login_at: Option<u64>,
    password_hash: &'a str,
}

pub fn encode(account: &Account) -> Result<Vec<u8>> {
    let u = &account.user;
    let attributes = if u.attributes.is_empty() {
        String::new()
    } else {
        serde_json::to_string(u.attributes.as_map()).map_err(Error::internal)?
    };
    let record = Record {
        username: u.username.as_str(),
        email: u.email.as_str(),
        name: u.name.as_ref().map(DisplayName::as_str),
        admin: u.role == Role::Admin,
        blocked: u.blocked,
        block_reason: u.block_reason.as_deref(),
        must_change_password: u.must_change_password,
        attributes: &attributes,
        created_at: u.created_at.unix_millis(),
        updated_at: u.updated_at.unix_millis(),
        password_changed_at: u.password_changed_at.unix_millis(),
        last_login_at: u.last_login_at.map(Timestamp::unix_millis),
        password_hash: &account.password_hash,
    };
    let mut out = Vec::with_capacity(192);
    out.push(COMPACT);
    postcard::to_io(&record, &mut out).map_err(Error::internal)?;
    Ok(out)
}

/// The account stored under `id`.
pub fn decode(id: Uuid, raw: &[u8]) -> Result<Account> {
    match raw.first() {
        Some(&COMPACT) => decode_compact(id, &raw[1..]),
        Some(b'{') => serde_json::from_slice(raw).map_err(|e| unreadable(&e.to_string())),
        _ => Err(unreadable("unknown record format")),
    }
}

fn decode_compact(id: Uuid, raw: &[u8]) -> Result<Account> {
    let r: Record<'_> = postcard::from_bytes(raw).map_err(|e| unreadable(&e.to_string()))?;
    let attributes = if r.attributes.is_empty() {
        Attributes::default()
    } else {
        serde_json::from_str(r.attributes)
            .map(Attributes::from_stored)
            .map_err(|e| unreadable(&e.to_string()))?
    };
    let user = User {
        id,
        username: Username::parse(r.username).map_err(|e| unreadable(&e))?,
        email: Email::parse(r.email).map_err(|e| unreadable(&e))?,
        name: r
            .name
            .map(DisplayName::parse)
            .transpose()
            .map_err(|e| unreadable(&e))?,
        role: if r.admin { Role::Admin } else { Role::User },
        blocked: r.blocked,
        block_reason: r.block_reason.map(str::to_owned),
        must_change_password: r.must_change_password,
        attributes,
        created_at: instant(r.created_at)?,
        updated_at: instant(r.updated_at)?,
        password_changed_at: instant(r.password_changed_at)?,
        last_login_at: r.last_login_at.map(instant).transpose()?,
    };
    Ok(Account {
        user,
        password_hash: r.password_hash.to_owned(),
    })
}

fn instant(millis: u64) -> Result<Timestamp> {
    Timestamp::from_unix_millis(millis).ok_or_else(|| unreadable("a timestamp past the year 9999"))
}

fn unreadable(why: &str) -> Error {
    Error::Unavailable(format!("database holds an unreadable user record: {why}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account() -> Account {
        let now = Timestamp::now();
        Account {
            user: User {
                id: Uuid::now_v7(),
                username: Username::parse("alice").unwrap(),
                email: Email::parse("Alice@Example.com").unwrap(),
                name: Some(DisplayName::parse("Alice Liddell").unwrap()),
                role: Role::Admin,
                blocked: true,
                block_reason: Some("audit".to_owned()),
                must_change_password: true,
                attributes: serde_json::from_str(r#"{"phone":"0245","photo":{"path":"a.png"}}"#)
                    .unwrap(),
                created_at: now,
                updated_at: now,
                password_changed_at: now,
                last_login_at: Some(now),
            },
            password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaA".to_owned(),
        }
    }

    #[test]
    fn a_record_round_trips_and_is_smaller_than_json() {
        let a = account();
        let raw = encode(&a).unwrap();
        assert_eq!(decode(a.user.id, &raw).unwrap(), a);
        let json = serde_json::to_vec(&a).unwrap();
        assert!(
            raw.len() * 2 < json.len(),
            "{} vs {}",
            raw.len(),
            json.len()
        );
    }

    #[test]
    fn records_written_as_json_are_still_read() {
        let a = account();
        let json = serde_json::to_vec(&a).unwrap();
        assert_eq!(decode(a.user.id, &json).unwrap(), a);
    }

    #[test]
    fn damaged_records_are_errors_not_panics() {
        let id = Uuid::now_v7();
        for raw in [
            &b""[..],
            b"\x01",
            b"\x01\xff\xff\xff",
            b"{not json",
            b"\x07abc",
        ] {
            assert!(decode(id, raw).is_err(), "{raw:?}");
        }
        let mut raw = encode(&account()).unwrap();
        raw.truncate(raw.len() / 2);
        assert!(decode(id, &raw).is_err());
    }
}
