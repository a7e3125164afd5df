//! How a user record is laid out on disk: a compact binary form (postcard),
//! tagged with a format byte. JSON stays the interface format; on disk it
//! would cost twice the bytes and a parse on every read. Records written as
//! JSON by earlier builds (first byte `{`) are still read.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::{Account, Attributes, DisplayName, Email, Role, Timestamp, User, Username};
use crate::store::{Result, StoreError as Error};

/// The first byte of a compact record.
const COMPACT: u8 = 1;
/// The first byte of a compact record followed by `Account::tokens_after`
/// (unix millis), for accounts that have one.
const COMPACT_TOKENS_AFTER: u8 = 2;

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
        serde_json::to_string(u.attributes.as_map()).map_err(internal)?
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
    match account.tokens_after {
        None => {
            out.push(COMPACT);
            postcard::to_io(&record, &mut out).map_err(internal)?;
        }
        Some(after) => {
            out.push(COMPACT_TOKENS_AFTER);
            postcard::to_io(&record, &mut out).map_err(internal)?;
            postcard::to_io(&after.unix_millis(), &mut out).map_err(internal)?;
        }
    }
    Ok(out)
}

/// The account stored under `id`.
pub fn decode(id: Uuid, raw: &[u8]) -> Result<Account> {
    match raw.first() {
        Some(&COMPACT) => decode_compact(id, &raw[1..]),
        Some(&COMPACT_TOKENS_AFTER) => {
            let (record, rest) = postcard::take_from_bytes::<Record<'_>>(&raw[1..])
                .map_err(|e| unreadable(&e.to_string()))?;
            let after: u64 = postcard::from_bytes(rest).map_err(|e| unreadable(&e.to_string()))?;
            let mut account = account_of(id, record)?;
            account.tokens_after = Some(instant(after)?);
            Ok(account)
        }
        Some(b'{') => serde_json::from_slice(raw).map_err(|e| unreadable(&e.to_string())),
        _ => Err(unreadable("unknown record format")),
    }
}

fn decode_compact(id: Uuid, raw: &[u8]) -> Result<Account> {
    let r: Record<'_> = postcard::from_bytes(raw).map_err(|e| unreadable(&e.to_string()))?;
    account_of(id, r)
}

fn account_of(id: Uuid, r: Record<'_>) -> Result<Account> {
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
        tokens_after: None,
    })
}

/// Appends the export line of the record stored under `id` (see
/// `domain::ExportLine`), newline included, to `out`: byte for byte what
/// serializing the decoded account writes, without decoding it. A record that
/// `decode` would refuse or normalise, and one written as JSON, takes the
/// decoding path instead.
pub fn export_line(id: Uuid, raw: &[u8], out: &mut Vec<u8>) -> Result<()> {
    if let Some((&(COMPACT | COMPACT_TOKENS_AFTER), rest)) = raw.split_first()
        && let Ok((r, _)) = postcard::take_from_bytes::<Record<'_>>(rest)
        && as_stored(&r)
    {
        write_record(id, &r, out);
        return Ok(());
    }
    let account = decode(id, raw)?;
    let line = crate::domain::ExportLine {
        user: &account.user,
        password_hash: &account.password_hash,
        groups: &[],
    };
    serde_json::to_writer(&mut *out, &line).map_err(internal)?;
    out.push(b'\n');
    Ok(())
}

/// Whether `decode_compact` would accept the record and give back its values
/// unchanged (only a username not yet lower-cased would change).
fn as_stored(r: &Record<'_>) -> bool {
    let username_ok = (Username::MIN_LEN..=Username::MAX_LEN).contains(&r.username.len())
        && r.username.starts_with(|c: char| c.is_ascii_alphanumeric())
        && r.username
            .bytes()
            .all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'.' | b'_' | b'-'));
    let attributes_ok = r.attributes.is_empty()
        || (r.attributes.starts_with('{')
            && !has_fraction(r.attributes)
            && serde_json::from_str::<serde::de::IgnoredAny>(r.attributes).is_ok());
    username_ok
        && attributes_ok
        && Email::parse(r.email).is_ok()
        && r.name.is_none_or(|n| DisplayName::parse(n).is_ok())
        && [r.created_at, r.updated_at, r.password_changed_at]
            .iter()
            .chain(&r.last_login_at)
            .all(|&t| t <= Timestamp::MAX_MILLIS)
}

/// Whether JSON as serde_json writes it holds a number with a fraction or an
/// exponent. serde_json (without its `float_roundtrip` feature) reads some of
/// those back as a neighbouring value, so an export writes them as read back,
/// not as stored.
fn has_fraction(json: &str) -> bool {
    let (mut in_string, mut escaped, mut previous) = (false, false, 0u8);
    for b in json.bytes() {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
        } else {
            match b {
                b'"' => in_string = true,
                b'.' => return true,
                b'e' | b'E' if previous.is_ascii_digit() => return true,
                _ => {}
            }
        }
        previous = b;
    }
    false
}

/// The fields in `User`'s order, as serde_json writes them.
fn write_record(id: Uuid, r: &Record<'_>, out: &mut Vec<u8>) {
    out.extend_from_slice(b"{\"id\":\"");
    out.extend_from_slice(
        id.hyphenated()
            .encode_lower(&mut Uuid::encode_buffer())
            .as_bytes(),
    );
    out.extend_from_slice(b"\",\"username\":");
    json_str(out, r.username);
    out.extend_from_slice(b",\"email\":");
    json_str(out, r.email);
    out.extend_from_slice(b",\"name\":");
    json_opt_str(out, r.name);
    out.extend_from_slice(if r.admin {
        b",\"role\":\"admin\",\"blocked\":"
    } else {
        b",\"role\":\"user\",\"blocked\":"
    });
    json_bool(out, r.blocked);
    out.extend_from_slice(b",\"block_reason\":");
    json_opt_str(out, r.block_reason);
    out.extend_from_slice(b",\"must_change_password\":");
    json_bool(out, r.must_change_password);
    out.extend_from_slice(b",\"attributes\":");
    // Stored as serde_json wrote the map, so it is copied as it is.
    out.extend_from_slice(match r.attributes {
        "" => b"{}",
        text => text.as_bytes(),
    });
    out.extend_from_slice(b",\"created_at\":");
    json_time(out, r.created_at);
    out.extend_from_slice(b",\"updated_at\":");
    json_time(out, r.updated_at);
    out.extend_from_slice(b",\"password_changed_at\":");
    json_time(out, r.password_changed_at);
    out.extend_from_slice(b",\"last_login_at\":");
    match r.last_login_at {
        Some(t) => json_time(out, t),
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(b",\"password_hash\":");
    json_str(out, r.password_hash);
    out.extend_from_slice(b"}\n");
}

fn json_bool(out: &mut Vec<u8>, b: bool) {
    out.extend_from_slice(if b { b"true" } else { b"false" });
}

fn json_opt_str(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        Some(s) => json_str(out, s),
        None => out.extend_from_slice(b"null"),
    }
}

/// A JSON string; one that needs no escaping (nearly all) is copied as it is.
fn json_str(out: &mut Vec<u8>, s: &str) {
    let plain = s
        .bytes()
        .fold(true, |ok, b| ok & (b >= 0x20) & (b != b'"') & (b != b'\\'));
    if plain {
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    } else {
        // serde_json's own escaping; writing to a Vec cannot fail.
        let _ = serde_json::to_writer(&mut *out, s);
    }
}

/// An instant as `Timestamp` displays it, quoted. `millis` is at most
/// `Timestamp::MAX_MILLIS` (checked by `as_stored`).
fn json_time(out: &mut Vec<u8>, millis: u64) {
    let text = Timestamp::from_unix_millis(millis)
        .unwrap_or(Timestamp::from_unix_seconds(u64::MAX))
        .rfc3339();
    out.push(b'"');
    out.extend_from_slice(&text);
    out.push(b'"');
}

fn instant(millis: u64) -> Result<Timestamp> {
    Timestamp::from_unix_millis(millis).ok_or_else(|| unreadable("a timestamp past the year 9999"))
}

/// A fault of the program, not of the data.
fn internal(e: impl std::fmt::Display) -> Error {
    Error::Internal(e.to_string())
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
            tokens_after: None,
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
    fn the_instant_tokens_end_round_trips_and_exports_as_before() {
        let mut a = account();
        let plain = encode(&a).unwrap();
        a.tokens_after = Timestamp::from_unix_millis(1_700_000_000_123);
        let raw = encode(&a).unwrap();
        assert_eq!(raw[0], COMPACT_TOKENS_AFTER);
        assert_eq!(decode(a.user.id, &raw).unwrap(), a);
        // The export line does not carry it: the same as without it.
        let (mut with, mut without) = (Vec::new(), Vec::new());
        export_line(a.user.id, &raw, &mut with).unwrap();
        export_line(a.user.id, &plain, &mut without).unwrap();
        assert_eq!(with, without);
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

    /// What export wrote before it wrote from the stored bytes: the decoded
    /// account, serialized.
    fn serialized(account: &Account) -> String {
        let line = crate::domain::ExportLine {
            user: &account.user,
            password_hash: &account.password_hash,
            groups: &[],
        };
        serde_json::to_string(&line).unwrap() + "\n"
    }

    fn exported(id: Uuid, raw: &[u8]) -> Result<String> {
        let mut out = Vec::new();
        export_line(id, raw, &mut out)?;
        Ok(String::from_utf8(out).unwrap())
    }

    fn tricky_accounts() -> Vec<Account> {
        let at = |millis| Timestamp::from_unix_millis(millis).unwrap();
        let attributes = |json: &str| serde_json::from_str::<Attributes>(json).unwrap();
        let mut plain = account();
        plain.user.role = Role::User;
        plain.user.name = None;
        plain.user.blocked = false;
        plain.user.block_reason = None;
        plain.user.must_change_password = false;
        plain.user.attributes = Attributes::default();
        plain.user.last_login_at = None;
        plain.user.created_at = at(0);
        plain.user.updated_at = at(951_782_400_000); // 2000-02-29
        plain.user.password_changed_at = at(Timestamp::MAX_MILLIS);

        let mut tricky = account();
        tricky.user.username = Username::parse("o.brien_2-x").unwrap();
        tricky.user.email = Email::parse("O'Brien+{tag}|x~@Mail-1.Example.COM").unwrap();
        tricky.user.name = Some(DisplayName::parse(r#" Zoë "Z" O\Brien ✓ 😀 naïve "#).unwrap());
        tricky.user.block_reason = Some(
            "line\nbreak\ttab \"quoted\" back\\slash \u{1}\u{1f}\u{7f}\u{80}\u{2028} é 漢字 😀"
                .to_owned(),
        );
        tricky.user.attributes = attributes(
            r#"{"quote":"a\"b","back\\slash":"c\\d","ctl":"\u0001\u001f\n\r\t\b\f",
                "uni":"héllo ✓ 😀 \u2028","slash":"a/b","del":"\u007f",
                "nested":{"list":[1,-2,0,18446744073709551615,-9223372036854775808,
                true,false,null,[],{}],"empty":"","e":"1.5e3"},"z":null}"#,
        );
        tricky.user.created_at = at(4_107_542_399_999); // 2100-02-28T23:59:59.999
        tricky.user.updated_at = at(4_107_542_400_000); // 2100-03-01
        tricky.user.password_changed_at = at(946_684_799_999); // 1999-12-31T23:59:59.999
        tricky.user.last_login_at = Some(at(1_784_000_000_123));
        tricky.password_hash =
            "$2b$04$EGdrhbKUv8Oc9vGiXX0HQOxSg445d458Muh7DAHskb6QbtCvdxcie".to_owned();

        let mut odd_hash = account();
        odd_hash.user.role = Role::User;
        odd_hash.user.blocked = false;
        odd_hash.password_hash = "q\"uo\\te\u{0}\n".to_owned();
        // Numbers with fractions, one of which serde_json reads back as its
        // neighbour (-1.8199673040271697e-179).
        let mut fractions = account();
        let lossy: f64 = "-1.81996730402717e-179".parse().unwrap();
        fractions.user.attributes = Attributes::parse(
            serde_json::json!({"list": [3.5, -0.0, 1e300, 2.5e-8, 0.1, lossy], "s": "x"})
                .as_object()
                .unwrap()
                .clone(),
        )
        .unwrap();
        vec![account(), plain, tricky, odd_hash, fractions]
    }

    #[test]
    fn export_lines_are_what_serializing_the_decoded_account_writes() {
        for a in tricky_accounts() {
            let raw = encode(&a).unwrap();
            let line = exported(a.user.id, &raw).unwrap();
            assert_eq!(line, serialized(&decode(a.user.id, &raw).unwrap()));
            if !has_fraction(&serde_json::to_string(&a.user.attributes).unwrap()) {
                assert_eq!(line, serialized(&a));
            }
        }
    }

    #[test]
    fn fractions_are_found_outside_strings_only() {
        for (json, found) in [
            (
                r#"{"team":"t1.5e3","true":true,"false":false,"n":-12,"big":12345678901234567890}"#,
                false,
            ),
            (r#"{"a\"":"\".5","b":["e.",null]}"#, false),
            (r#"{"a":0.5}"#, true),
            (r#"{"a":[1e300]}"#, true),
            (r#"{"a":"\\","b":-2.5e-8}"#, true),
            (r#"{"a":{"b":[true,1E5]}}"#, true),
        ] {
            assert_eq!(has_fraction(json), found, "{json}");
        }
    }

    #[test]
    fn export_lines_of_records_stored_as_json_are_the_same() {
        for a in tricky_accounts() {
            let json = serde_json::to_vec(&a).unwrap();
            let decoded = decode(a.user.id, &json).unwrap();
            assert_eq!(exported(a.user.id, &json).unwrap(), serialized(&decoded));
        }
    }

    /// A stored record that `decode` would normalise or refuse is exported (or
    /// refused) as `decode` has it.
    #[test]
    fn records_decode_would_change_or_refuse_are_exported_as_decoded() {
        let a = account();
        let hash = a.password_hash.as_str();
        let record = |username, email, attributes, created_at| Record {
            username,
            email,
            name: Some("Alice"),
            admin: false,
            blocked: false,
            block_reason: None,
            must_change_password: false,
            attributes,
            created_at,
            updated_at: 0,
            password_changed_at: 0,
            last_login_at: None,
            password_hash: hash,
        };
        let raw = |r: &Record<'_>| {
            let mut out = vec![COMPACT];
            postcard::to_io(r, &mut out).unwrap();
            out
        };
        let id = Uuid::now_v7();
        let upper = raw(&record("Alice", "a@example.com", "", 0));
        let line = exported(id, &upper).unwrap();
        assert!(line.contains(r#""username":"alice""#), "{line}");
        assert_eq!(line, serialized(&decode(id, &upper).unwrap()));
        for bad in [
            record("al ice", "a@example.com", "", 0),
            record("alice", "not an email", "", 0),
            record("alice", "a@example.com", "[1]", 0),
            record("alice", "a@example.com", "{\"a\":", 0),
            record("alice", "a@example.com", "", Timestamp::MAX_MILLIS + 1),
        ] {
            let raw = raw(&bad);
            let err = exported(id, &raw).unwrap_err();
            assert_eq!(err.to_string(), decode(id, &raw).unwrap_err().to_string());
        }
        for garbage in [
            &b""[..],
            b"\x01",
            b"\x01\xff\xff\xff",
            b"{not json",
            b"\x07abc",
        ] {
            assert!(exported(id, garbage).is_err(), "{garbage:?}");
        }
    }

    #[test]
    fn instants_are_written_as_timestamps_display_them() {
        let mut millis = vec![
            0,
            1,
            999,
            1000,
            86_399_999,
            86_400_000,
            Timestamp::MAX_MILLIS,
        ];
        // Every few days through the years, at varying times of day.
        let mut m = 0u64;
        while m <= Timestamp::MAX_MILLIS {
            millis.push(m);
            m += 3 * 86_400_000 + 3_599_001;
        }
        for m in millis {
            let mut out = Vec::new();
            json_time(&mut out, m);
            let t = Timestamp::from_unix_millis(m).unwrap();
            assert_eq!(String::from_utf8(out).unwrap(), format!("\"{t}\""));
        }
    }

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        let mut strings: Vec<String> = (0u32..0x300)
            .filter_map(char::from_u32)
            .map(|c| format!("a{c}b"))
            .collect();
        strings.extend(["", "\"", "\\", "\u{2028}\u{2029}", "😀", "\u{fffd}"].map(String::from));
        for s in strings {
            let mut out = Vec::new();
            json_str(&mut out, &s);
            assert_eq!(out, serde_json::to_vec(&s).unwrap(), "{s:?}");
        }
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
