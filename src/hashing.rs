//! Password hashing: argon2id PHC strings at the OWASP parameters of SPEC
//! section 6. Callers run these off any async worker and outside any store
//! transaction: one hash costs tens of milliseconds by design.

use std::cell::RefCell;
use std::sync::OnceLock;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};

use crate::domain::Password;
use crate::error::{Error, Result};

/// Memory cost in KiB, iterations and lanes: OWASP's argon2id recommendation.
pub const M_COST: u32 = 19_456;
pub const T_COST: u32 = 2;
pub const P_COST: u32 = 1;

thread_local! {
    /// The working memory of argon2 (19 MiB at the production parameters),
    /// kept for the thread's next hash. Allocated afresh for each hash, such
    /// blocks end up scattered over the allocator's arenas and the process
    /// keeps hundreds of megabytes it no longer uses.
    static BLOCKS: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

/// Runs argon2id with `params` into `out`, in this thread's reused memory.
fn argon2_into(params: Params, password: &[u8], salt: &[u8], out: &mut [u8]) -> argon2::Result<()> {
    BLOCKS.with(|blocks| {
        let mut blocks = blocks.borrow_mut();
        let needed = params.block_count();
        if blocks.len() < needed {
            blocks.resize(needed, Block::default());
        }
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params).hash_password_into_with_memory(
            password,
            salt,
            out,
            &mut blocks[..needed],
        )
    })
}

fn failed(e: impl std::fmt::Display) -> Error {
    Error::Internal(format!("password hashing failed: {e}"))
}

/// Hashes a password into a PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`).
pub fn hash(password: &Password) -> Result<String> {
    let params = Params::new(M_COST, T_COST, P_COST, None).map_err(failed)?;
    let salt = SaltString::generate(&mut OsRng);
    let mut salt_bytes = [0u8; 64];
    let salt_bytes = salt.decode_b64(&mut salt_bytes).map_err(failed)?;
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    argon2_into(
        params.clone(),
        password.expose().as_bytes(),
        salt_bytes,
        &mut out,
    )
    .map_err(failed)?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(failed)?,
        salt: Some(salt.as_salt()),
        hash: Some(Output::new(&out).map_err(failed)?),
    };
    Ok(phc.to_string())
}

/// Checks a password against a stored PHC string. A hash that cannot be parsed
/// fails the check (and is reported by `usersctl check`), it never lets anyone in.
pub fn verify(password: &Password, phc: &str) -> bool {
    if is_bcrypt(phc) {
        if bcrypt_cost(phc).is_none_or(|cost| cost > MAX_BCRYPT_COST) {
            // Stored before the bound (or damaged): never worth minutes of a
            // hashing thread; the usual effort is spent, and nobody gets in.
            dummy_verify(password);
            return false;
        }
        return bcrypt::verify(password.expose(), phc).unwrap_or(false);
    }
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    // The hash carries its own parameters.
    let (Ok(params), Some(salt), Some(expected)) =
        (Params::try_from(&parsed), parsed.salt, parsed.hash)
    else {
        return false;
    };
    if parsed.algorithm != Algorithm::Argon2id.ident() {
        return false;
    }
    if !within_bounds(&params) {
        dummy_verify(password);
        return false;
    }
    let mut salt_buf = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_buf) else {
        return false;
    };
    let mut out = vec![0u8; expected.len()];
    if argon2_into(params, password.expose().as_bytes(), salt, &mut out).is_err() {
        return false;
    }
    // Output compares in constant time.
    Output::new(&out).is_ok_and(|computed| computed == expected)
}

/// Spends the same effort as a real verify, for logins of unknown users, so that
/// the time taken does not tell whether the account exists.
pub fn dummy_verify(password: &Password) {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let phc = DUMMY.get_or_init(|| {
        let filler = Password::parse("usersctl dummy password for timing").expect("valid constant");
        hash(&filler).unwrap_or_default()
    });
    let _ = verify(password, phc);
}

/// The most work one stored hash may ask of a login: stronger than the
/// production parameters is fine, up to about eight times their effort (some
/// 200 ms and 64 MiB here), but a hash demanding gigabytes or minutes would
/// let two anonymous logins take the server down.
const MAX_M_COST: u32 = 64 * 1024;
const MAX_T_COST: u32 = 8;
const MAX_P_COST: u32 = 4;
/// Memory times passes, in KiB: eight times the production parameters'.
const MAX_WORK: u64 = 8 * (M_COST as u64) * (T_COST as u64);
/// bcrypt's cost is a power of two: 12 (some 250 ms) is what careful systems
/// chose for years; every step above doubles a login's time.
pub const MAX_BCRYPT_COST: u32 = 12;

fn within_bounds(params: &Params) -> bool {
    params.m_cost() <= MAX_M_COST
        && params.t_cost() <= MAX_T_COST
        && params.p_cost() <= MAX_P_COST
        && u64::from(params.m_cost()) * u64::from(params.t_cost()) <= MAX_WORK
}

fn bcrypt_cost(phc: &str) -> Option<u32> {
    phc.parse::<bcrypt::HashParts>().ok().map(|h| h.get_cost())
}

/// Whether a stored hash is weaker than today's parameters (or not argon2id at
/// all) and should be replaced at the next successful login.
pub fn needs_rehash(phc: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return true;
    };
    if parsed.algorithm != Algorithm::Argon2id.ident() {
        return true;
    }
    let Ok(params) = Params::try_from(&parsed) else {
        return true;
    };
    params.m_cost() < M_COST || params.t_cost() < T_COST || params.p_cost() < P_COST
}

/// Whether `phc` is a hash this build can verify: argon2id, or bcrypt (kept
/// from a migration until the user's next login replaces it).
pub fn is_valid_hash(phc: &str) -> bool {
    hash_problem(phc).is_none()
}

/// What is wrong with `phc` as a stored hash, if anything: not one this build
/// verifies, or one costing a login more than it may spend.
pub fn hash_problem(phc: &str) -> Option<String> {
    const KIND: &str = "must be an argon2id PHC string or a bcrypt $2a$/$2b$/$2y$ hash";
    if is_bcrypt(phc) {
        return match bcrypt_cost(phc) {
            Some(cost) if !(4..=31).contains(&cost) => Some(KIND.to_owned()),
            Some(cost) if cost > MAX_BCRYPT_COST => Some(format!(
                "bcrypt cost {cost} is more than one login may spend here (at most \
                 {MAX_BCRYPT_COST}); import this user with a new password instead"
            )),
            Some(_) => None,
            None => Some(KIND.to_owned()),
        };
    }
    let Ok(parsed) = PasswordHash::new(phc) else {
        return Some(KIND.to_owned());
    };
    let params = Params::try_from(&parsed);
    match params {
        Ok(p)
            if parsed.algorithm == Algorithm::Argon2id.ident()
                && parsed.salt.is_some()
                && parsed.hash.is_some() =>
        {
            (!within_bounds(&p)).then(|| {
                format!(
                    "argon2id cost m={},t={},p={} is more than one login may spend here (at \
                     most m={MAX_M_COST},t={MAX_T_COST},p={MAX_P_COST} and m×t ≤ {MAX_WORK}); \
                     import this user with a new password instead",
                    p.m_cost(),
                    p.t_cost(),
                    p.p_cost()
                )
            })
        }
        _ => Some(KIND.to_owned()),
    }
}

fn is_bcrypt(hash: &str) -> bool {
    ["$2a$", "$2b$", "$2y$"].iter().any(|p| hash.starts_with(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pw(s: &str) -> Password {
        Password::parse(s).unwrap()
    }

    #[test]
    fn hashes_use_the_production_parameters() {
        let phc = hash(&pw("correct horse battery staple")).unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(!needs_rehash(&phc));
        assert!(is_valid_hash(&phc));
    }

    #[test]
    fn the_right_password_verifies_and_a_wrong_one_does_not() {
        let phc = hash(&pw("correct horse battery staple")).unwrap();
        assert!(verify(&pw("correct horse battery staple"), &phc));
        assert!(!verify(&pw("Correct horse battery staple"), &phc));
        assert!(!verify(&pw("correct horse battery stapl"), &phc));
    }

    #[test]
    fn long_passwords_are_not_truncated() {
        let a = "x".repeat(1023) + "a";
        let b = "x".repeat(1023) + "b";
        let phc = hash(&pw(&a)).unwrap();
        assert!(verify(&pw(&a), &phc));
        assert!(!verify(&pw(&b), &phc));
    }

    #[test]
    fn hashes_are_standard_phc_strings_the_reference_code_verifies() {
        use argon2::password_hash::PasswordVerifier;
        let phc = hash(&pw("correct horse battery staple")).unwrap();
        let parsed = PasswordHash::new(&phc).unwrap();
        assert!(
            Argon2::default()
                .verify_password(b"correct horse battery staple", &parsed)
                .is_ok()
        );
        assert!(
            Argon2::default()
                .verify_password(b"wrong horse battery staple", &parsed)
                .is_err()
        );
    }

    #[test]
    fn weaker_hashes_are_marked_for_upgrade() {
        use argon2::password_hash::PasswordHasher;
        let weak = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(4096, 1, 1, None).unwrap(),
        )
        .hash_password(b"secret password", &SaltString::generate(&mut OsRng))
        .unwrap()
        .to_string();
        assert!(verify(&pw("secret password"), &weak));
        assert!(needs_rehash(&weak));
    }

    #[test]
    fn bcrypt_hashes_verify_and_are_marked_for_upgrade() {
        let bcrypt = bcrypt::hash("migrated password", 4).unwrap();
        assert!(is_valid_hash(&bcrypt));
        assert!(verify(&pw("migrated password"), &bcrypt));
        assert!(!verify(&pw("migrated passwore"), &bcrypt));
        assert!(needs_rehash(&bcrypt));
    }

    #[test]
    fn garbage_hashes_never_verify() {
        assert!(!verify(&pw("anything at all"), "not a hash"));
        assert!(!is_valid_hash("$2b$12$abc"));
        assert!(!is_valid_hash("$argon2id$garbage"));
        let huge = "$argon2id$v=19$m=4194304,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$\
                    W5u2PHTg5Pi8mYVtVOpfBqzN5Xc1/kHDWTSQu3JWr8o";
        assert!(!is_valid_hash(huge));
        assert!(!verify(&pw("anything at all"), huge));
        let bcrypt = bcrypt::hash("x", 4).unwrap();
        assert!(!is_valid_hash(&bcrypt.replacen("$04$", "$99$", 1)));
        assert!(!is_valid_hash(&bcrypt.replacen("$04$", "$03$", 1)));
        assert!(!is_valid_hash("$argon2id$v=19$m=19456,t=2,p=1"));
        assert!(!verify(&pw("anything at all"), "$2b$12$abc"));
    }
}
