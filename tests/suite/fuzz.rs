//! Bad input, generated: property tests over every parser usersctl has —
//! usernames, emails, display names, passwords, attributes, user references,
//! timestamps, import lines, tokens and password hashes — and over the HTTP
//! interface (JSON bodies, raw bytes, paths, query strings, token headers).
//!
//! The parsers are called directly with arbitrary and near-valid input: they
//! never panic, what they accept satisfies the documented rules and survives a
//! round trip, and what they refuse is refused with a message. The HTTP
//! properties run against one real `usersctl serve` each (rate limit off): every
//! answer is a 2xx or a 4xx with a JSON body — never a 5xx — and the server is
//! still up and healthy afterwards.
//!
//! Case counts are modest (256 for parsers, 100–200 for HTTP) so the file runs
//! in well under a minute; failures are not persisted to disk.

use crate::support::{self, Process, Reply, TestDb, listening_on, spawn_server, usersctl};
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::{Map, Value, json};
use tempfile::TempDir;
use usersctl::domain::{
    Attributes, DisplayName, Email, Password, Role, Timestamp, User, UserRef, Username,
};
use usersctl::hashing;
use usersctl::token::TokenKeys;
use usersctl::transfer::{ImportSecret, ImportUser};

/// A password the strength check accepts.
const PASSWORD: &str = "Tr0ub4dor&3horse";
/// The signing secret of the servers started here, so tokens can be forged.
const SECRET: &str = support::SHARED_SECRET;
/// A real argon2id hash (of "some password") at the production parameters.
const ARGON2_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$W5u2PHTg5Pi8mYVtVOpfBqzN5Xc1/kHDWTSQu3JWr8o";
const BCRYPT_HASH: &str = "$2b$04$EGdrhbKUv8Oc9vGiXX0HQOxSg445d458Muh7DAHskb6QbtCvdxcie";

fn config(cases: u32) -> Config {
    Config {
        cases,
        failure_persistence: None,
        max_shrink_iters: 256,
        ..Config::default()
    }
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// A refusal's message must say something, on one line.
fn clear_message(message: &str) -> Result<(), TestCaseError> {
    prop_assert!(!message.trim().is_empty(), "an empty message");
    prop_assert!(!message.contains('\n'), "a message over lines: {message:?}");
    Ok(())
}

// ---------------------------------------------------------------------------
// Strategies
// ---------------------------------------------------------------------------

/// Any JSON value, a few levels deep.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<u64>().prop_map(|n| json!(n)),
        any::<f64>().prop_filter_map("finite", |f| serde_json::Number::from_f64(f)
            .map(Value::Number)),
        any::<String>().prop_map(Value::String),
        "[ -~]{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(any::<String>(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Any JSON object.
fn json_object() -> impl Strategy<Value = Map<String, Value>> {
    prop::collection::btree_map(
        prop_oneof![any::<String>(), "[a-z_]{0,8}".prop_map(String::from)],
        json_value(),
        0..8,
    )
    .prop_map(|m| m.into_iter().collect())
}

/// Strings near the username rules: mostly the right alphabet, in either case,
/// of lengths around the bounds, with the odd look-alike.
fn username_like() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9._-]{0,40}",
        "[a-z0-9][a-z0-9._-]{2,31}",
        "[a-z0-9]{1,3}[a-zA-Z0-9._\\- @/+\u{212a}\u{131}\u{17f}ß é\u{0}\n]{0,34}",
        "[0-9a-f]{32}",
        any::<String>(),
    ]
}

fn email_like() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9.+_-]{0,70}@[a-zA-Z0-9.-]{0,70}",
        "[a-z0-9]{1,20}(\\.[a-z0-9!#$%&'*+/=?^_`{|}~-]{1,8}){0,3}@[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?(\\.[a-z]{2,6}){1,3}",
        "[a-z]{60,70}@[a-z]{60,70}\\.[a-z]{60,70}\\.[a-z]{60,70}\\.com",
        "[ -~]{0,30}@[ -~]{0,30}",
        any::<String>(),
    ]
}

fn name_like() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z ]{0,140}",
        "\\PC{0,130}",
        "[ \t\n\u{0}\u{7f}\u{85}\u{200b}\u{202e}a-zé]{0,20}",
        any::<String>(),
    ]
}

fn password_like() -> impl Strategy<Value = String> {
    prop_oneof![
        "[ -~]{0,40}",
        "\\PC{1020,1030}",
        "[a-zé]{510,515}",
        any::<String>(),
    ]
}

fn timestamp_like() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})?",
        "(19[7-9][0-9]|20[0-9]{2}|9999)-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,9})?Z",
        any::<String>(),
    ]
}

/// A JSON value for one field: often a plausible string, sometimes anything.
fn field_value(strings: BoxedStrategy<String>) -> BoxedStrategy<Value> {
    prop_oneof![
        4 => strings.prop_map(Value::String),
        1 => json_value(),
    ]
    .boxed()
}

/// JSON objects made of the fields usersctl knows (and a stranger now and
/// then), each with a near-valid or arbitrary value.
fn near_valid_object() -> impl Strategy<Value = Map<String, Value>> {
    let b = |s: BoxedStrategy<String>| field_value(s);
    let fields: Vec<(&'static str, BoxedStrategy<Value>)> = vec![
        ("username", b(username_like().boxed())),
        ("email", b(email_like().boxed())),
        ("name", b(name_like().boxed())),
        ("role", b(prop_oneof!["admin|user|Admin|root|", any::<String>()].boxed())),
        (
            "attributes",
            prop_oneof![json_object().prop_map(Value::Object), json_value()].boxed(),
        ),
        ("password", b(password_like().boxed())),
        ("current_password", b(password_like().boxed())),
        (
            "generate_password",
            prop_oneof![any::<bool>().prop_map(Value::Bool), json_value()].boxed(),
        ),
        (
            "must_change_password",
            prop_oneof![any::<bool>().prop_map(Value::Bool), json_value()].boxed(),
        ),
        (
            "blocked",
            prop_oneof![any::<bool>().prop_map(Value::Bool), json_value()].boxed(),
        ),
        ("block_reason", b(name_like().boxed())),
        (
            "users",
            prop_oneof![
                prop::collection::vec(username_like().prop_map(Value::String), 0..5)
                    .prop_map(Value::Array),
                json_value(),
            ]
            .boxed(),
        ),
        (
            "dry_run",
            prop_oneof![any::<bool>().prop_map(Value::Bool), json_value()].boxed(),
        ),
        ("id", b(prop_oneof!["[0-9a-f-]{36}", any::<String>()].boxed())),
        ("created_at", b(timestamp_like().boxed())),
        ("last_login_at", b(timestamp_like().boxed())),
        (
            "password_hash",
            b(prop_oneof![
                Just(ARGON2_HASH.to_owned()),
                Just(BCRYPT_HASH.to_owned()),
                "\\$argon2(id|i|d)\\$v=1[69]\\$m=[0-9]{1,6},t=[0-9]{1,2},p=[0-9]{1,2}\\$[A-Za-z0-9+/]{0,24}\\$[A-Za-z0-9+/]{0,44}",
                "\\$2[abyx]\\$[0-9]{2}\\$[./A-Za-z0-9]{0,60}",
                any::<String>(),
            ]
            .boxed()),
        ),
    ];
    let picks: Vec<BoxedStrategy<Option<(String, Value)>>> = fields
        .into_iter()
        .map(|(key, value)| {
            prop::option::weighted(0.6, value.prop_map(move |v| (key.to_owned(), v))).boxed()
        })
        .collect();
    (
        picks,
        prop::option::weighted(0.15, (any::<String>(), json_value())),
    )
        .prop_map(|(picked, stranger)| {
            let mut map: Map<String, Value> = picked.into_iter().flatten().collect();
            if let Some((k, v)) = stranger {
                map.insert(k, v);
            }
            map
        })
}

// ---------------------------------------------------------------------------
// Usernames, emails, display names, passwords
// ---------------------------------------------------------------------------

fn check_username(input: &str) -> Result<(), TestCaseError> {
    match Username::parse(input) {
        Ok(u) => {
            let s = u.as_str();
            prop_assert!((3..=32).contains(&s.chars().count()), "{s:?}");
            prop_assert!(
                s.chars().all(|c| c.is_ascii_lowercase()
                    || c.is_ascii_digit()
                    || matches!(c, '.' | '_' | '-')),
                "{s:?} from {input:?}"
            );
            prop_assert!(s.starts_with(|c: char| c.is_ascii_alphanumeric()), "{s:?}");
            prop_assert_eq!(s, input.to_ascii_lowercase());
            prop_assert_eq!(Username::parse(&u.to_string()), Ok(u.clone()));
            prop_assert_eq!(Username::parse(&input.to_ascii_uppercase()), Ok(u.clone()));
            let back: Username = serde_json::from_value(serde_json::to_value(&u).unwrap()).unwrap();
            prop_assert_eq!(back, u);
        }
        Err(m) => {
            clear_message(&m)?;
            prop_assert!(serde_json::from_value::<Username>(json!(input)).is_err());
        }
    }
    Ok(())
}

fn check_email(input: &str) -> Result<(), TestCaseError> {
    match Email::parse(input) {
        Ok(e) => {
            let s = e.as_str();
            prop_assert_eq!(s, input);
            prop_assert!(s.len() <= 254 && s.is_ascii(), "{s:?}");
            let (local, domain) = s.rsplit_once('@').expect("an @");
            prop_assert!((1..=64).contains(&local.len()), "{s:?}");
            prop_assert!(domain.contains('.') && !domain.starts_with('.'), "{s:?}");
            prop_assert!(
                !s.chars()
                    .any(|c| c.is_whitespace() || c.is_control() || "<>()[]\\,;:\"".contains(c)),
                "{s:?}"
            );
            prop_assert_eq!(e.key(), s.to_lowercase());
            prop_assert_eq!(Email::parse(&e.to_string()), Ok(e.clone()));
            let back: Email = serde_json::from_value(serde_json::to_value(&e).unwrap()).unwrap();
            prop_assert_eq!(back, e);
        }
        Err(m) => clear_message(&m)?,
    }
    Ok(())
}

fn check_display_name(input: &str) -> Result<(), TestCaseError> {
    match DisplayName::parse(input) {
        Ok(n) => {
            prop_assert_eq!(n.as_str(), input);
            prop_assert!(input.chars().count() <= 128);
            prop_assert!(!input.chars().any(char::is_control), "{input:?}");
            prop_assert!(!input.trim().is_empty());
            prop_assert_eq!(DisplayName::parse(&n.to_string()), Ok(n.clone()));
        }
        Err(m) => clear_message(&m)?,
    }
    Ok(())
}

fn check_password(input: &str) -> Result<(), TestCaseError> {
    match Password::parse(input) {
        Ok(p) => {
            prop_assert!((1..=1024).contains(&input.len()));
            // Never truncated, never case-folded.
            prop_assert_eq!(p.expose(), input);
            let debug = format!("{p:?}");
            if input.len() >= 4 && !"Password(<redacted>)".contains(input) {
                prop_assert!(!debug.contains(input), "Debug shows the password: {debug}");
            }
        }
        Err(m) => {
            clear_message(&m)?;
            prop_assert!(input.is_empty() || input.len() > 1024);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn usernames_parse_to_the_documented_form_or_are_refused(input in username_like()) {
        check_username(&input)?;
    }

    #[test]
    fn usernames_from_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        check_username(&String::from_utf8_lossy(&bytes))?;
    }

    #[test]
    fn valid_usernames_are_accepted_lower_cased(input in "[a-zA-Z0-9][a-zA-Z0-9._-]{2,31}") {
        let u = Username::parse(&input).map_err(TestCaseError::fail)?;
        prop_assert_eq!(u.as_str(), input.to_ascii_lowercase());
    }

    #[test]
    fn emails_parse_to_valid_addresses_or_are_refused(input in email_like()) {
        check_email(&input)?;
    }

    #[test]
    fn display_names_parse_within_the_rules_or_are_refused(input in name_like()) {
        check_display_name(&input)?;
    }

    #[test]
    fn passwords_are_kept_whole_or_refused(input in password_like()) {
        check_password(&input)?;
    }

    #[test]
    fn roles_are_admin_or_user(input in prop_oneof!["admin|user|Admin|USER|root|", any::<String>()]) {
        match input.parse::<Role>() {
            Ok(r) => {
                prop_assert!(input == "admin" || input == "user");
                prop_assert_eq!(r.as_str(), input.as_str());
            }
            Err(m) => clear_message(&m)?,
        }
    }
}

// ---------------------------------------------------------------------------
// Attributes, user references, timestamps
// ---------------------------------------------------------------------------

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn attributes_are_objects_of_at_most_8_kib(
        map in json_object(),
        big in prop::option::of(("[a-z]{1,8}", 8000usize..8300)),
        patch in json_object(),
    ) {
        let mut map = map;
        if let Some((key, len)) = big {
            map.insert(key, Value::String("x".repeat(len)));
        }
        let size = serde_json::to_vec(&map).unwrap().len();
        match Attributes::parse(map.clone()) {
            Ok(a) => {
                prop_assert!(size <= Attributes::MAX_BYTES, "{size} bytes accepted");
                prop_assert!(!a.as_map().keys().any(String::is_empty));
                prop_assert_eq!(a.as_map(), &map);
                let back: Attributes =
                    serde_json::from_value(serde_json::to_value(&a).unwrap()).unwrap();
                prop_assert_eq!(&back, &a);
                match a.merged(&patch) {
                    Ok(m) => {
                        prop_assert!(serde_json::to_vec(m.as_map()).unwrap().len() <= Attributes::MAX_BYTES);
                        for (k, v) in &patch {
                            if v.is_null() {
                                prop_assert!(!m.as_map().contains_key(k));
                            } else {
                                prop_assert_eq!(m.as_map().get(k), Some(v));
                            }
                        }
                    }
                    Err(msg) => clear_message(&msg)?,
                }
            }
            Err(m) => {
                clear_message(&m)?;
                prop_assert!(size > Attributes::MAX_BYTES || map.keys().any(String::is_empty));
            }
        }
    }

    #[test]
    fn attributes_deserialize_only_from_objects(value in json_value()) {
        let parsed = serde_json::from_value::<Attributes>(value.clone());
        if parsed.is_ok() {
            prop_assert!(value.is_object());
        }
    }

    #[test]
    fn user_references_round_trip_through_their_display(
        input in prop_oneof![username_like(), email_like(), "[0-9a-fA-F-]{30,40}", "\\{?(urn:uuid:)?[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\\}?"]
    ) {
        match UserRef::parse(&input) {
            Ok(r) => {
                let shown = r.to_string();
                prop_assert_eq!(UserRef::parse(&shown), Ok(r.clone()), "shown as {}", shown);
                match &r {
                    UserRef::Username(u) => check_username(u.as_str())?,
                    UserRef::Email(e) => check_email(e.as_str())?,
                    UserRef::Id(_) => {}
                }
            }
            Err(m) => clear_message(&m)?,
        }
    }

    #[test]
    fn timestamps_parse_and_round_trip_through_rfc_3339(input in timestamp_like()) {
        if let Ok(t) = Timestamp::parse(&input) {
            let shown = t.to_string();
            prop_assert!(shown.ends_with('Z'), "{shown}");
            prop_assert_eq!(Timestamp::parse(&shown), Ok(t));
            prop_assert_eq!(Timestamp::from_unix_millis(t.unix_millis()), Some(t));
        }
    }
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
        fn every_valid_username_names_that_username(
        input in prop_oneof!["[a-z0-9][a-z0-9._-]{2,31}", "[0-9a-f]{32}"]
    ) {
        let u = Username::parse(&input).map_err(TestCaseError::fail)?;
        prop_assert_eq!(UserRef::parse(u.as_str()), Ok(UserRef::Username(u)));
    }
}

#[test]
fn every_timestamp_displays_without_panicking() {
    for millis in [
        253_402_300_799_999,
        253_402_300_800_000,
        u64::MAX / 2,
        u64::MAX,
    ] {
        // An instant RFC 3339 cannot write is refused when it is made, so
        // every Timestamp there is displays.
        match Timestamp::from_unix_millis(millis) {
            Some(t) => {
                let shown = std::panic::catch_unwind(|| t.to_string());
                assert!(
                    shown.is_ok(),
                    "Timestamp::from_unix_millis({millis}) panics in Display"
                );
            }
            None => assert!(millis > Timestamp::MAX_MILLIS, "{millis} refused"),
        }
    }
}

// ---------------------------------------------------------------------------
// Import lines
// ---------------------------------------------------------------------------

fn check_import_line(line: &str) -> Result<(), TestCaseError> {
    match ImportUser::parse_line(line) {
        Ok(imported) => {
            let u = &imported.user;
            check_username(u.username.as_str())?;
            check_email(u.email.as_str())?;
            if let Some(n) = &u.name {
                check_display_name(n.as_str())?;
            }
            prop_assert!(
                serde_json::to_vec(u.attributes.as_map()).unwrap().len() <= Attributes::MAX_BYTES
            );
            prop_assert!(u.blocked || u.block_reason.is_none());
            if let Some(reason) = &u.block_reason {
                prop_assert!(
                    reason.chars().count() <= 256 && !reason.chars().any(char::is_control)
                );
            }
            match &imported.secret {
                ImportSecret::Password(p) => prop_assert!((1..=1024).contains(&p.expose().len())),
                ImportSecret::Hash(h) => prop_assert!(hashing::is_valid_hash(h), "{h:?}"),
            }
        }
        Err(e) => {
            prop_assert_eq!(e.exit_code(), 2, "not a validation error: {:?}", e);
            prop_assert_eq!(e.status().as_u16(), 400);
            prop_assert!(!e.to_string().is_empty());
            for d in e.details() {
                prop_assert!(!d.message.is_empty(), "{:?}", e);
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn import_lines_of_anything_are_refused_as_invalid_input(line in any::<String>()) {
        check_import_line(&line)?;
    }

    #[test]
    fn import_lines_of_any_json_never_panic(value in json_value()) {
        check_import_line(&value.to_string())?;
    }

    #[test]
    fn near_valid_import_lines_are_taken_whole_or_refused_field_by_field(
        map in near_valid_object(),
        cut in prop::option::weighted(0.1, any::<prop::sample::Index>()),
    ) {
        let line = Value::Object(map).to_string();
        let line = match cut {
            Some(at) => {
                let mut i = at.index(line.len().max(1));
                while !line.is_char_boundary(i) {
                    i -= 1;
                }
                line[..i].to_owned()
            }
            None => line,
        };
        check_import_line(&line)?;
    }

    #[test]
    fn valid_import_lines_are_accepted(
        username in "[a-z0-9][a-z0-9._-]{2,31}",
        email in "[a-z0-9]{1,20}@[a-z]{1,10}\\.[a-z]{2,6}",
        name in prop::option::of("[A-Za-z][A-Za-z ]{0,40}"),
        hash in prop_oneof![Just(ARGON2_HASH), Just(BCRYPT_HASH)],
    ) {
        let line = json!({"username": username, "email": email, "name": name, "password_hash": hash});
        let u = ImportUser::parse_line(&line.to_string()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(u.user.username.as_str(), username.as_str());
        prop_assert_eq!(u.user.email.as_str(), email.as_str());
        prop_assert_eq!(u.user.name.as_ref().map(|n| n.as_str()), name.as_deref());
        prop_assert!(matches!(u.secret, ImportSecret::Hash(ref h) if h.as_str() == hash));
    }

    #[test]
        fn import_refusals_are_one_clean_line(key in "[a-z]{0,3}[\u{0}-\u{1f}\u{7f}\u{1b}][a-z\\[0-9;]{0,6}") {
        let mut line = json!({"username": "alice", "email": "alice@example.com",
                              "password": "long enough pw"});
        line[key.as_str()] = json!(1);
        let err = ImportUser::parse_line(&line.to_string()).expect_err("an unknown field");
        let message = err.to_string();
        prop_assert!(!message.chars().any(char::is_control), "{:?}", message);
    }
}

#[test]
fn imported_hashes_have_a_bounded_cost() {
    for params in [
        "m=4194304,t=2,p=1",
        "m=19456,t=4294967295,p=1",
        "m=4294967295,t=1,p=1",
    ] {
        let hash = format!(
            "$argon2id$v=19${params}$c29tZXNhbHRzb21lc2FsdA$W5u2PHTg5Pi8mYVtVOpfBqzN5Xc1/kHDWTSQu3JWr8o"
        );
        let line =
            json!({"username": "alice", "email": "alice@example.com", "password_hash": hash});
        assert!(
            ImportUser::parse_line(&line.to_string()).is_err(),
            "a hash with {params} was accepted"
        );
    }
}

// ---------------------------------------------------------------------------
// Tokens and password hashes
// ---------------------------------------------------------------------------

fn keys() -> TokenKeys {
    TokenKeys::from_secret(SECRET.as_bytes()).expect("a long enough secret")
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Claims near the ones usersctl issues: each present or not, each right,
/// wrong-typed, out of range or arbitrary.
fn claims_like(sub: uuid::Uuid, pwc: u64) -> impl Strategy<Value = Map<String, Value>> {
    let t = now() as i64;
    let time = move || {
        prop_oneof![
            (-100_000i64..100_000).prop_map(move |d| json!(t + d)),
            Just(json!(0)),
            Just(json!(u64::MAX)),
            Just(json!(-1)),
            Just(json!(1.5e300)),
            json_value(),
        ]
    };
    let fields = (
        prop::option::weighted(
            0.9,
            prop_oneof![
                Just(json!(sub.to_string())),
                Just(json!(uuid::Uuid::now_v7().to_string())),
                json_value()
            ],
        ),
        prop::option::weighted(
            0.9,
            prop_oneof![Just(json!("admin")), Just(json!("user")), json_value()],
        ),
        prop::option::weighted(0.9, time()),
        prop::option::weighted(0.9, time()),
        prop::option::weighted(0.2, time()),
        prop::option::weighted(0.9, prop_oneof![Just(json!("usersctl")), json_value()]),
        prop::option::weighted(
            0.9,
            prop_oneof![any::<String>().prop_map(Value::String), json_value()],
        ),
        prop::option::weighted(
            0.9,
            prop_oneof![
                Just(json!(pwc)),
                any::<u64>().prop_map(|n| json!(n)),
                json_value()
            ],
        ),
        prop::option::weighted(0.1, (any::<String>(), json_value())),
    );
    fields.prop_map(|(sub, role, iat, exp, nbf, iss, jti, pwc, extra)| {
        let mut m = Map::new();
        for (k, v) in [
            ("sub", sub),
            ("role", role),
            ("iat", iat),
            ("exp", exp),
            ("nbf", nbf),
            ("iss", iss),
            ("jti", jti),
            ("pwc", pwc),
        ] {
            if let Some(v) = v {
                m.insert(k.to_owned(), v);
            }
        }
        if let Some((k, v)) = extra {
            m.insert(k, v);
        }
        m
    })
}

/// The claims of a real admin token, with a claim or two wrong, missing or
/// arbitrary half the time.
fn mostly_right_claims(sub: uuid::Uuid, pwc: u64) -> impl Strategy<Value = Map<String, Value>> {
    let t = now();
    let right = json!({"sub": sub.to_string(), "role": "admin", "iat": t, "exp": t + 600,
                       "iss": "usersctl", "jti": uuid::Uuid::now_v7().to_string(), "pwc": pwc});
    let key = prop_oneof![
        4 => prop::sample::select(vec!["sub", "role", "iat", "exp", "iss", "jti", "pwc", "nbf"])
            .prop_map(str::to_owned),
        1 => any::<String>(),
    ];
    let value = prop_oneof![
        Just(None),
        (-1_000_000i64..1_000_000).prop_map(move |d| Some(json!(t as i64 + d))),
        json_value().prop_map(Some),
    ];
    (prop::collection::vec((key, value), 0..3), any::<String>()).prop_map(move |(edits, jti)| {
        let mut claims = right.as_object().unwrap().clone();
        claims.insert("jti".to_owned(), json!(jti));
        for (k, v) in edits {
            match v {
                Some(v) => claims.insert(k, v),
                None => claims.remove(&k),
            };
        }
        claims
    })
}

/// Tokens near real ones: properly signed with the right or a wrong secret and
/// algorithm, or put together by hand with any header and signature.
fn token_like(sub: uuid::Uuid, pwc: u64) -> impl Strategy<Value = String> {
    let claims = move || prop_oneof![claims_like(sub, pwc), mostly_right_claims(sub, pwc)];
    let signed = (
        claims(),
        prop_oneof![Just(Algorithm::HS256), Just(Algorithm::HS384), Just(Algorithm::HS512)],
        prop_oneof![4 => Just(SECRET.as_bytes().to_vec()), 1 => prop::collection::vec(any::<u8>(), 0..40)],
    )
        .prop_map(|(claims, alg, secret)| {
            jsonwebtoken::encode(&Header::new(alg), &claims, &EncodingKey::from_secret(&secret))
                .expect("signed")
        });
    let by_hand = (
        prop_oneof![
            Just(json!({"alg": "none", "typ": "JWT"})),
            Just(json!({"alg": "HS256"})),
            Just(json!({"alg": "RS256", "typ": "JWT"})),
            json_value(),
        ],
        claims(),
        prop_oneof![
            Just(String::new()),
            prop::collection::vec(any::<u8>(), 0..64).prop_map(|b| b64(&b)),
            "[ -~]{0,20}",
        ],
        any::<bool>(),
    )
        .prop_map(|(header, claims, signature, sign_right)| {
            let head = format!(
                "{}.{}",
                b64(header.to_string().as_bytes()),
                b64(Value::Object(claims).to_string().as_bytes())
            );
            let signature = if sign_right {
                jsonwebtoken::crypto::sign(
                    head.as_bytes(),
                    &EncodingKey::from_secret(SECRET.as_bytes()),
                    Algorithm::HS256,
                )
                .expect("signed")
            } else {
                signature
            };
            format!("{head}.{signature}")
        });
    let nearly = mostly_right_claims(sub, pwc).prop_map(|claims| {
        jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &EncodingKey::from_secret(SECRET.as_bytes()),
        )
        .expect("signed")
    });
    prop_oneof![
        3 => nearly,
        3 => signed,
        2 => by_hand,
        1 => "[A-Za-z0-9_-]{0,40}\\.[A-Za-z0-9_-]{0,60}\\.[A-Za-z0-9_-]{0,43}",
        1 => any::<String>(),
    ]
}

fn check_verify(keys: &TokenKeys, token: &str) -> Result<(), TestCaseError> {
    match keys.verify(token) {
        Ok(claims) => {
            prop_assert_eq!(claims.iss.as_str(), "usersctl");
            prop_assert!(
                claims.exp.saturating_add(5) >= now(),
                "an expired token verified: {:?}",
                claims
            );
            let header: Value = serde_json::from_slice(
                &URL_SAFE_NO_PAD
                    .decode(token.split('.').next().unwrap())
                    .unwrap(),
            )
            .unwrap();
            prop_assert_eq!(&header["alg"], "HS256");
        }
        Err(e) => {
            prop_assert_eq!(e.exit_code(), 5, "{:?}", e);
            prop_assert_eq!(e.status().as_u16(), 401);
            clear_message(&e.to_string())?;
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn arbitrary_tokens_are_refused_as_unauthorized(token in any::<String>()) {
        let keys = keys();
        check_verify(&keys, &token)?;
        prop_assert!(keys.verify(&token).is_err());
    }

    #[test]
    fn near_valid_tokens_verify_only_when_signed_right_and_current(
        token in token_like(uuid::Uuid::now_v7(), 1_700_000_000_000)
    ) {
        check_verify(&keys(), &token)?;
    }

    #[test]
    fn issued_tokens_verify_and_any_changed_character_breaks_them(
        at in any::<prop::sample::Index>(),
        with in "[A-Za-z0-9_.-]",
        role in prop_oneof![Just(Role::Admin), Just(Role::User)],
    ) {
        let keys = keys();
        let user = user("alice", role);
        let issued = keys.issue(&user, Duration::from_secs(600)).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let claims = keys.verify(&issued.token).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(claims.sub, user.id);
        prop_assert_eq!(claims.role, role);
        let mut chars: Vec<char> = issued.token.chars().collect();
        let i = at.index(chars.len());
        let c = with.chars().next().unwrap();
        prop_assume!(chars[i] != c);
        chars[i] = c;
        let changed: String = chars.into_iter().collect();
        prop_assert!(keys.verify(&changed).is_err(), "changed at {}: {}", i, changed);
    }

    #[test]
    fn secrets_shorter_than_32_bytes_are_refused_as_usage_errors(
        secret in prop::collection::vec(any::<u8>(), 0..64)
    ) {
        match TokenKeys::from_secret(&secret) {
            Ok(_) => prop_assert!(secret.len() >= 32),
            Err(e) => {
                prop_assert!(secret.len() < 32);
                prop_assert_eq!(e.exit_code(), 2);
                clear_message(&e.to_string())?;
            }
        }
    }

    #[test]
    fn password_hashes_of_any_shape_never_panic(
        phc in prop_oneof![
            any::<String>(),
            "\\$argon2(id|i|d)?\\$(v=1[69]\\$)?m=[0-9]{1,3},t=[1-3],p=[1-4]\\$[A-Za-z0-9+/]{0,24}\\$[A-Za-z0-9+/]{0,44}",
            "\\$argon2id\\$v=19\\$[a-z=0-9,]{0,30}\\$[ -~]{0,30}",
            "\\$2[abyx]\\$[0-9]{2}\\$[./A-Za-z0-9]{0,60}",
        ],
        password in "[ -~]{1,20}",
    ) {
        let valid = hashing::is_valid_hash(&phc);
        let _ = hashing::needs_rehash(&phc);
        // Only cheap hashes are checked: bcrypt at its fastest cost, argon2
        // with small m and t (the imported-hash bug below is about the rest).
        let number_after = |key: &str| {
            phc.split(['$', ','])
                .find_map(|part| part.strip_prefix(key))
                .map_or(0, |n| n.parse::<u64>().unwrap_or(u64::MAX))
        };
        let cheap = if phc.starts_with("$2") {
            phc.get(4..6).is_some_and(|c| c == "04")
        } else {
            number_after("m=") <= 65_536 && number_after("t=") <= 4 && number_after("p=") <= 8
        };
        if cheap {
            let p = Password::parse(password).unwrap();
            let ok = hashing::verify(&p, &phc);
            prop_assert!(!ok || valid, "an invalid hash verified: {}", phc);
        }
    }
}

fn user(name: &str, role: Role) -> User {
    let now = Timestamp::now();
    User {
        id: uuid::Uuid::now_v7(),
        username: Username::parse(name).unwrap(),
        email: Email::parse(&format!("{name}@example.com")).unwrap(),
        name: None,
        role,
        blocked: false,
        block_reason: None,
        must_change_password: false,
        attributes: Attributes::default(),
        created_at: now,
        updated_at: now,
        password_changed_at: now,
        last_login_at: None,
    }
}

// ---------------------------------------------------------------------------
// The HTTP harness: one server per test, raw requests
// ---------------------------------------------------------------------------

/// A database with `admin` (an admin), `alice` and `bob`, all with `PASSWORD`,
/// and a server on it; logged-in tokens for admin and alice.
struct Fixture {
    _db: TestDb,
    _dir: TempDir,
    process: Process,
    addr: SocketAddr,
    log: PathBuf,
    admin: String,
    alice: String,
    admin_id: uuid::Uuid,
    admin_pwc: u64,
    /// How many answers of each status the current property has had.
    statuses: std::sync::Mutex<std::collections::BTreeMap<u16, usize>>,
}

/// A failed test shows what the server logged besides requests.
impl Drop for Fixture {
    fn drop(&mut self) {
        if std::thread::panicking() {
            let log = std::fs::read_to_string(&self.log).unwrap_or_default();
            for line in log.lines().filter(|l| !l.contains(" INFO ")) {
                eprintln!("server: {line}");
            }
        }
    }
}

impl Fixture {
    fn start() -> Fixture {
        let dir = TempDir::new().expect("a temporary directory");
        let db = TestDb::new(dir.path());
        for (name, role) in [("admin", "admin"), ("alice", "user"), ("bob", "user")] {
            let mut child = db
                .apply(&mut usersctl())
                .args(["-q", "user", "create", name, "--email"])
                .arg(format!("{name}@example.com"))
                .args(["--role", role, "--password-stdin"])
                .stdin(Stdio::piped())
                .stdout(Stdio::null())
                .spawn()
                .expect("usersctl runs");
            let _ = child
                .stdin
                .take()
                .unwrap()
                .write_all(format!("{PASSWORD}\n").as_bytes());
            assert!(child.wait().unwrap().success(), "creating {name}");
        }
        let log = dir.path().join("server.log");
        let mut cmd = usersctl();
        db.apply(&mut cmd)
            .args(["serve", "--bind", "127.0.0.1:0", "--rate-limit", "0"])
            .env("USERSCTL_JWT_SECRET", SECRET);
        let (process, first_line) = spawn_server(cmd, &log);
        let addr = listening_on(&first_line, &log);
        let mut f = Fixture {
            _db: db,
            _dir: dir,
            process,
            addr,
            log,
            admin: String::new(),
            alice: String::new(),
            admin_id: uuid::Uuid::nil(),
            admin_pwc: 0,
            statuses: Default::default(),
        };
        f.admin = f.login("admin");
        f.alice = f.login("alice");
        let me = f.send(&request("GET", "/users/admin", &[auth(&f.admin)], None));
        assert_eq!(me.status, 200, "{me}");
        let me: Value = serde_json::from_slice(&me.body).unwrap();
        f.admin_id = me["data"]["id"].as_str().unwrap().parse().unwrap();
        f.admin_pwc = Timestamp::parse(me["data"]["password_changed_at"].as_str().unwrap())
            .unwrap()
            .unix_millis();
        f
    }

    fn login(&self, name: &str) -> String {
        let body = json!({"username": name, "password": PASSWORD}).to_string();
        let reply = self.send(&request(
            "POST",
            "/authenticate",
            &[json_type()],
            Some(body.as_bytes()),
        ));
        assert_eq!(reply.status, 200, "{reply}");
        let v: Value = serde_json::from_slice(&reply.body).unwrap();
        v["data"]["token"].as_str().unwrap().to_owned()
    }

    fn send(&self, raw: &[u8]) -> Reply {
        let reply = exchange(self.addr, raw);
        let mut statuses = self.statuses.lock().unwrap_or_else(|p| p.into_inner());
        *statuses.entry(reply.status).or_default() += 1;
        reply
    }

    fn log_tail(&self) -> String {
        let log = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        lines[lines.len().saturating_sub(20)..].join("\n")
    }

    /// The server is still running and healthy.
    fn assert_up(&mut self) {
        assert!(
            self.process.is_running(),
            "the server exited:\n{}",
            self.log_tail()
        );
        let reply = self.send(&request("GET", "/health", &[], None));
        assert_eq!(reply.status, 200, "{reply}");
        assert!(
            !std::fs::read_to_string(&self.log)
                .unwrap_or_default()
                .contains("panicked"),
            "the server panicked:\n{}",
            self.log_tail()
        );
    }

    /// Runs `property` over the strategy `make` builds, for `cases` cases; on
    /// a failure, says what the server logged. (On a thread with a large stack:
    /// the nested strategies recurse deeply in a debug build.)
    fn check<S: Strategy>(
        &mut self,
        cases: u32,
        make: impl FnOnce() -> S + Send,
        property: impl Fn(&Fixture, S::Value) -> Result<(), TestCaseError> + Sync,
    ) {
        let started = Instant::now();
        self.statuses.lock().unwrap().clear();
        let this: &Fixture = self;
        let property = &property;
        let outcome = std::thread::scope(|scope| {
            std::thread::Builder::new()
                .stack_size(256 << 20)
                .spawn_scoped(scope, move || {
                    let mut runner = TestRunner::new(config(cases));
                    runner
                        .run(&make(), |input| property(this, input))
                        .map_err(|e| e.to_string())
                })
                .expect("a property thread")
                .join()
                .expect("the property thread finishes")
        });
        if let Err(e) = outcome {
            panic!("{e}\nserver log (last lines):\n{}", self.log_tail());
        }
        eprintln!(
            "{cases} cases in {:?}; answers by status: {:?}",
            started.elapsed(),
            self.statuses.lock().unwrap()
        );
        self.assert_up();
    }
}

type HeaderLine = (String, Vec<u8>);

fn auth(token: &str) -> HeaderLine {
    (
        "Authorization".to_owned(),
        format!("Bearer {token}").into_bytes(),
    )
}

fn json_type() -> HeaderLine {
    ("Content-Type".to_owned(), b"application/json".to_vec())
}

/// The bytes of one HTTP/1.1 request that asks for the connection to close.
fn request(method: &str, target: &str, headers: &[HeaderLine], body: Option<&[u8]>) -> Vec<u8> {
    let mut out = format!("{method} {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n")
        .into_bytes();
    for (name, value) in headers {
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value);
        out.extend_from_slice(b"\r\n");
    }
    if let Some(body) = body {
        out.extend_from_slice(format!("Content-Length: {}\r\n", body.len()).as_bytes());
    }
    out.extend_from_slice(b"\r\n");
    if let Some(body) = body {
        out.extend_from_slice(body);
    }
    out
}

/// A whole exchange on a fresh connection, named by the request's first line.
fn exchange(addr: SocketAddr, raw: &[u8]) -> Reply {
    let end = raw.iter().position(|&b| b == b'\r').unwrap_or(raw.len());
    let what = String::from_utf8_lossy(&raw[..end.min(200)]).into_owned();
    support::exchange(addr, raw, &what)
}

/// Every answer: no 5xx; a JSON body; `{"data": …}` on success, `{"error",
/// "message", "details"?}` on a 4xx (with `WWW-Authenticate` on a 401).
fn check_reply(reply: &Reply) -> Result<(), TestCaseError> {
    prop_assert!(reply.status < 500, "a server error:\n{}", reply);
    prop_assert!(
        (200..300).contains(&reply.status) || (400..500).contains(&reply.status),
        "neither success nor client error:\n{}",
        reply
    );
    let ct = reply.header("content-type").unwrap_or_default();
    prop_assert!(ct.starts_with("application/json"), "not JSON:\n{}", reply);
    let body: Value = serde_json::from_slice(&reply.body)
        .map_err(|e| TestCaseError::fail(format!("the body is not JSON ({e}):\n{reply}")))?;
    let object = body
        .as_object()
        .ok_or_else(|| TestCaseError::fail(format!("not an object:\n{reply}")))?;
    if reply.status >= 400 {
        prop_assert!(body["error"].is_string(), "no error code:\n{}", reply);
        prop_assert!(
            body["message"].as_str().is_some_and(|m| !m.is_empty()),
            "no message:\n{}",
            reply
        );
        for key in object.keys() {
            prop_assert!(
                matches!(key.as_str(), "error" | "message" | "details"),
                "unexpected key {} in an error:\n{}",
                key,
                reply
            );
        }
        if reply.status == 401 {
            prop_assert_eq!(
                reply.header("www-authenticate"),
                Some("Bearer"),
                "{}",
                reply
            );
        }
        if reply.status == 429 {
            prop_assert!(reply.header("retry-after").is_some(), "{}", reply);
        }
    } else if !object.contains_key("status") {
        prop_assert!(object.contains_key("data"), "no data:\n{}", reply);
    }
    Ok(())
}

/// Percent-encodes every byte outside the unreserved set.
fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Which token a request carries.
#[derive(Debug, Clone, Copy)]
enum Who {
    Admin,
    Alice,
    Nobody,
}

fn who() -> impl Strategy<Value = Who> {
    prop_oneof![2 => Just(Who::Admin), 1 => Just(Who::Alice), 1 => Just(Who::Nobody)]
}

impl Fixture {
    fn token_for(&self, who: Who) -> Vec<HeaderLine> {
        match who {
            Who::Admin => vec![auth(&self.admin)],
            Who::Alice => vec![auth(&self.alice)],
            Who::Nobody => vec![],
        }
    }
}

/// The routes that take a JSON body.
const JSON_ROUTES: &[(&str, &str)] = &[
    ("POST", "/users"),
    ("PATCH", "/users/alice"),
    ("POST", "/authenticate"),
    ("DELETE", "/users"),
];

// ---------------------------------------------------------------------------
// HTTP properties
// ---------------------------------------------------------------------------

/// `base` as it is half the time; otherwise with a field or two replaced by
/// anything, removed, or a stranger added.
fn perturbed(
    base: impl Strategy<Value = Map<String, Value>>,
) -> impl Strategy<Value = Map<String, Value>> {
    let key = prop_oneof![
        4 => prop::sample::select(vec![
            "username", "email", "name", "role", "attributes", "password",
            "current_password", "generate_password", "must_change_password",
            "blocked", "block_reason", "users", "dry_run",
        ])
        .prop_map(str::to_owned),
        1 => any::<String>(),
    ];
    (
        base,
        prop::collection::vec((key, prop::option::of(json_value())), 1..3),
        any::<bool>(),
    )
        .prop_map(|(mut map, edits, clean)| {
            if !clean {
                for (key, value) in edits {
                    match value {
                        Some(v) => map.insert(key, v),
                        None => map.remove(&key),
                    };
                }
            }
            map
        })
}

fn object(pairs: Vec<(&str, Option<Value>)>) -> Map<String, Value> {
    pairs
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k.to_owned(), v)))
        .collect()
}

fn strong_password() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(PASSWORD.to_owned()),
        Just("correct horse battery staple".to_owned()),
        "[A-Za-z0-9!@#%^&*]{12,24}",
    ]
}

fn small_attributes() -> impl Strategy<Value = Value> {
    prop::collection::btree_map("[a-z]{1,8}", json_value(), 0..4)
        .prop_map(|m| Value::Object(m.into_iter().collect()))
}

/// `POST /users` bodies, mostly right.
fn create_body() -> impl Strategy<Value = Map<String, Value>> {
    let fields = (
        "[a-z][a-z0-9._-]{2,12}",
        prop::option::weighted(0.2, email_like()),
        prop_oneof![
            strong_password().prop_map(|p| (Some(json!(p)), None)),
            Just((None, Some(json!(true)))),
        ],
        prop::option::weighted(0.3, "[A-Z][a-z]{1,10}( [A-Z][a-z]{1,12})?"),
        prop::option::weighted(0.3, prop_oneof![Just("admin"), Just("user")]),
        prop::option::weighted(0.3, small_attributes()),
        prop::option::weighted(0.2, any::<bool>()),
    );
    perturbed(fields.prop_map(
        |(username, email, (password, generate), name, role, attributes, mcp)| {
            let email = email.unwrap_or_else(|| format!("{username}@example.com"));
            object(vec![
                ("username", Some(json!(username))),
                ("email", Some(json!(email))),
                ("password", password),
                ("generate_password", generate),
                ("name", name.map(Value::String)),
                ("role", role.map(|r| json!(r))),
                ("attributes", attributes),
                ("must_change_password", mcp.map(Value::Bool)),
            ])
        },
    ))
}

/// `POST /authenticate` bodies: real and unknown names, right and wrong passwords.
fn login_body() -> impl Strategy<Value = Map<String, Value>> {
    let username = prop_oneof![
        Just("admin".to_owned()),
        Just("alice".to_owned()),
        Just("bob@example.com".to_owned()),
        username_like(),
        email_like(),
    ];
    let password = prop_oneof![Just(PASSWORD.to_owned()), password_like()];
    perturbed((username, password).prop_map(|(u, p)| {
        object(vec![
            ("username", Some(json!(u))),
            ("password", Some(json!(p))),
        ])
    }))
}

/// `PATCH /users/{user}` bodies: a few fields, mostly right.
fn update_body() -> impl Strategy<Value = Map<String, Value>> {
    let fields = (
        prop::option::weighted(0.4, "[A-Z][a-z]{1,10}( [A-Z][a-z]{1,12})?"),
        prop::option::weighted(0.2, email_like()),
        prop::option::weighted(0.3, small_attributes()),
        prop::option::weighted(
            0.2,
            (strong_password(), prop::option::of(strong_password())),
        ),
        prop::option::weighted(0.2, prop_oneof![Just("admin"), Just("user")]),
        prop::option::weighted(0.15, (any::<bool>(), prop::option::of(name_like()))),
        prop::option::weighted(0.15, any::<bool>()),
        prop::option::weighted(0.1, username_like()),
    );
    perturbed(fields.prop_map(
        |(name, email, attributes, password, role, block, mcp, username)| {
            let (password, current) = match password {
                Some((p, c)) => (Some(json!(p)), c.map(|c| json!(c))),
                None => (None, None),
            };
            let (blocked, reason) = match block {
                Some((b, r)) => (Some(json!(b)), r.map(|r| json!(r))),
                None => (None, None),
            };
            object(vec![
                ("name", name.map(Value::String)),
                ("email", email.map(Value::String)),
                ("attributes", attributes),
                ("password", password),
                ("current_password", current),
                ("role", role.map(|r| json!(r))),
                ("blocked", blocked),
                ("block_reason", reason),
                ("must_change_password", mcp.map(Value::Bool)),
                ("username", username.map(Value::String)),
            ])
        },
    ))
}

/// `DELETE /users` bodies: mostly dry runs over names that may or may not exist.
fn delete_body() -> impl Strategy<Value = Map<String, Value>> {
    let name = prop_oneof![
        Just("bob".to_owned()),
        Just("ghost".to_owned()),
        Just("alice@example.com".to_owned()),
        Just(uuid::Uuid::now_v7().to_string()),
        username_like(),
    ];
    perturbed(
        (prop::collection::vec(name, 0..4), prop::bool::weighted(0.8)).prop_map(|(users, dry)| {
            object(vec![
                ("users", Some(json!(users))),
                ("dry_run", Some(json!(dry))),
            ])
        }),
    )
}

#[test]
fn arbitrary_json_bodies_get_a_json_answer_never_a_5xx() {
    let mut f = Fixture::start();
    // A route and a body: one made for that route (mostly right), one of the
    // fields of any route, or any JSON at all.
    let case = || {
        prop_oneof![
            2 => create_body().prop_map(|b| (0, Value::Object(b))),
            3 => update_body().prop_map(|b| (1, Value::Object(b))),
            2 => login_body().prop_map(|b| (2, Value::Object(b))),
            1 => delete_body().prop_map(|b| (3, Value::Object(b))),
            2 => (0..JSON_ROUTES.len(), near_valid_object()).prop_map(|(r, b)| (r, Value::Object(b))),
            1 => (0..JSON_ROUTES.len(), json_value()),
        ]
    };
    f.check(
        200,
        || (case(), who()),
        |f, ((route, body), who)| {
            let (method, path) = JSON_ROUTES[route];
            let mut headers = f.token_for(who);
            headers.push(json_type());
            let bytes = body.to_string().into_bytes();
            let reply = f.send(&request(method, path, &headers, Some(&bytes)));
            check_reply(&reply)?;
            Ok(())
        },
    );
}

#[test]
fn arbitrary_bytes_of_any_content_type_get_a_json_4xx() {
    let mut f = Fixture::start();
    let content_type = || {
        prop_oneof![
            Just(Some(b"application/json".to_vec())),
            Just(Some(b"application/json; charset=utf-8".to_vec())),
            Just(Some(b"application/problem+json".to_vec())),
            Just(Some(b"text/plain".to_vec())),
            Just(None),
            prop::collection::vec(prop_oneof![0x20u8..=0x7e, 0x80u8..=0xff], 0..40).prop_map(Some),
        ]
    };
    let bytes = || {
        prop_oneof![
            prop::collection::vec(any::<u8>(), 0..2048),
            // JSON with a few bytes changed.
            (
                near_valid_object(),
                prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4)
            )
                .prop_map(|(map, edits)| {
                    let mut b = Value::Object(map).to_string().into_bytes();
                    for (at, byte) in edits {
                        if !b.is_empty() {
                            let i = at.index(b.len());
                            b[i] = byte;
                        }
                    }
                    b
                }),
            // Nested deeper than any parser should follow.
            (100usize..5000)
                .prop_map(|n| format!("{}{}", "[".repeat(n), "]".repeat(n)).into_bytes()),
            (100usize..5000)
                .prop_map(|n| format!("{}1{}", "{\"a\":".repeat(n), "}".repeat(n)).into_bytes()),
        ]
    };
    f.check(
        150,
        || (0..JSON_ROUTES.len(), who(), content_type(), bytes()),
        |f, (route, who, ct, bytes)| {
            let (method, path) = JSON_ROUTES[route];
            let mut headers = f.token_for(who);
            if let Some(ct) = ct {
                headers.push(("Content-Type".to_owned(), ct));
            }
            let reply = f.send(&request(method, path, &headers, Some(&bytes)));
            check_reply(&reply)?;
            Ok(())
        },
    );
}

#[test]
fn arbitrary_paths_and_query_strings_get_a_json_answer_never_a_5xx() {
    let mut f = Fixture::start();
    let segment = || {
        prop_oneof![
            username_like().prop_map(|s| percent_encode(&s)),
            email_like().prop_map(|s| percent_encode(&s)),
            any::<String>().prop_map(|s| percent_encode(&s)),
            // Raw characters allowed in a path, '%' with or without hex after it.
            "[A-Za-z0-9._~!$&'()*+,;=:@%-]{0,40}",
            "%[0-9A-Fa-f]{2}(%[89A-Fa-f][0-9A-Fa-f]){0,4}",
        ]
    };
    let target = move || {
        prop_oneof![
            3 => (prop_oneof!["GET", "PATCH", "PUT", "DELETE", "POST", "HEAD", "OPTIONS"], segment())
                .prop_map(|(m, s)| (m.to_owned(), format!("/users/{s}"))),
            1 => (prop_oneof!["GET", "DELETE", "POST"], "[A-Za-z0-9._~!$&'()*+,;=:@%/-]{0,60}")
                .prop_map(|(m, p)| (m.to_owned(), format!("/{p}"))),
            2 => prop::collection::vec(
                    (prop_oneof!["limit|cursor|role|blocked|search", "[a-z_]{1,8}"], segment()),
                    0..4,
                )
                .prop_map(|pairs| {
                    let q: Vec<String> = pairs.into_iter().map(|(k, v)| format!("{k}={v}")).collect();
                    ("GET".to_owned(), format!("/users?{}", q.join("&")))
                }),
        ]
    };
    f.check(
        200,
        || (target(), who()),
        |f, ((method, target), who)| {
            // Deleting through a random path could hit a real user; only alice's
            // token may try (at worst she deletes herself).
            let who = if method == "DELETE" { Who::Alice } else { who };
            let mut headers = f.token_for(who);
            let body = matches!(method.as_str(), "PATCH" | "PUT" | "POST").then(|| {
                headers.push(json_type());
                br#"{"name":"Fuzzy"}"#.to_vec()
            });
            let reply = f.send(&request(&method, &target, &headers, body.as_deref()));
            if method == "HEAD" {
                prop_assert!(reply.status < 500, "{}", reply);
            } else {
                check_reply(&reply)?;
            }
            Ok(())
        },
    );
}

#[test]
fn arbitrary_token_headers_are_refused_with_a_json_4xx() {
    let mut f = Fixture::start();
    let header_bytes = move || {
        prop::collection::vec(
            prop_oneof![8 => 0x20u8..=0x7e, 1 => Just(b'\t'), 1 => 0x80u8..=0xffu8],
            0..200,
        )
    };
    let (id, pwc) = (f.admin_id, f.admin_pwc);
    let token = move || token_like(id, pwc);
    let headers = move || {
        prop_oneof![
            // Authorization: anything, or Bearer and anything, or Bearer and a near-token.
            header_bytes().prop_map(|v| vec![("Authorization".to_owned(), v)]),
            header_bytes().prop_map(|v| {
                let mut b = b"Bearer ".to_vec();
                b.extend(v);
                vec![("Authorization".to_owned(), b)]
            }),
            (
                prop_oneof!["Bearer", "bearer", "BEARER", "Basic", "Token", ""],
                "[ \t]{0,3}",
                token()
            )
                .prop_map(|(scheme, space, t)| {
                    vec![(
                        "Authorization".to_owned(),
                        format!("{scheme} {space}{t}").into_bytes(),
                    )]
                }),
            // The token header, alone or with a (different) Authorization header.
            token().prop_map(|t| vec![("token".to_owned(), t.into_bytes())]),
            header_bytes().prop_map(|v| vec![("token".to_owned(), v)]),
            (token(), token()).prop_map(|(a, b)| {
                vec![
                    (
                        "Authorization".to_owned(),
                        format!("Bearer {a}").into_bytes(),
                    ),
                    ("token".to_owned(), b.into_bytes()),
                ]
            }),
        ]
    };
    let route = || {
        prop_oneof![
            Just(("GET", "/users")),
            Just(("GET", "/users/alice")),
            Just(("POST", "/logout")),
            Just(("PATCH", "/users/alice")),
        ]
    };
    f.check(
        200,
        || (route(), headers()),
        |f, ((method, path), mut headers)| {
            let body = (method == "PATCH").then(|| {
                headers.push(json_type());
                br#"{"name":"Alice Fuzz"}"#.to_vec()
            });
            let reply = f.send(&request(method, path, &headers, body.as_deref()));
            check_reply(&reply)?;
            Ok(())
        },
    );
}

#[test]
fn the_server_stays_up_and_answers_everyone_after_the_fuzzing() {
    // Everything above, a little of each, on one server; then ordinary use.
    let mut f = Fixture::start();
    let any_request = || {
        (
            prop_oneof!["GET", "POST", "PATCH", "PUT", "DELETE"],
            prop_oneof![
                Just("/users".to_owned()),
                Just("/users/alice".to_owned()),
                Just("/authenticate".to_owned()),
                Just("/logout".to_owned()),
                any::<String>().prop_map(|s| format!("/users/{}", percent_encode(&s))),
            ],
            who(),
            prop::collection::vec(any::<u8>(), 0..512),
        )
    };
    f.check(200, any_request, |f, (method, path, who, body)| {
        let who = if method == "DELETE" { Who::Nobody } else { who };
        let mut headers = f.token_for(who);
        headers.push(json_type());
        let reply = f.send(&request(&method, &path, &headers, Some(&body)));
        check_reply(&reply)?;
        Ok(())
    });
    // An ordinary client is served as usual (the admin's first token may
    // have been logged out by now).
    let admin = f.login("admin");
    let reply = f.send(&request("GET", "/users/bob", &[auth(&admin)], None));
    assert_eq!(reply.status, 200, "{reply}");
    f.login("bob");
}
