//! argon2id hashing with the contract's parameters, off the async workers and bounded in
//! concurrency (each hash holds 19 MiB).

use std::sync::Arc;

use actix_web::web;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use tokio::sync::Semaphore;

use crate::domain::Password;
use crate::error::ApiError;

/// m = 19456 KiB, t = 2, p = 1: OWASP's argon2id baseline, as the contract requires.
fn argon2() -> Argon2<'static> {
    let params = Params::new(19_456, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes and verifies passwords on the blocking pool, a few at a time.
#[derive(Clone)]
pub struct PasswordHasher {
    permits: Arc<Semaphore>,
    max_concurrent: usize,
    /// Verified against when the e-mail is unknown, so that an unknown e-mail costs the same
    /// time as a wrong password.
    decoy_hash: Arc<String>,
}

impl PasswordHasher {
    pub fn new(max_concurrent: usize) -> Self {
        let decoy = hash_blocking("ctg decoy password, never valid").expect("hash the decoy");
        let max_concurrent = max_concurrent.max(1);
        Self {
            permits: Arc::new(Semaphore::new(max_concurrent)),
            max_concurrent,
            decoy_hash: Arc::new(decoy),
        }
    }

    /// How many hashes may run at once.
    pub fn max_concurrent(&self) -> usize {
        self.max_concurrent
    }

    pub async fn hash(&self, password: &Password) -> Result<String, ApiError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|e| ApiError::Internal(e.to_string()))?;
        let password = password.expose().to_string();
        web::block(move || hash_blocking(&password)).await?
    }

    /// Whether `candidate` matches `hash`; with no hash (unknown user) it spends the same time
    /// and answers `false`.
    pub async fn verify(&self, hash: Option<String>, candidate: String) -> Result<bool, ApiError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|e| ApiError::Internal(e.to_string()))?;
        let known = hash.is_some();
        let hash = hash.unwrap_or_else(|| self.decoy_hash.as_ref().clone());
        let matches = web::block(move || verify_blocking(&hash, &candidate)).await?;
        Ok(known && matches)
    }
}

/// Hashes on the current thread: for the command line and for `PasswordHasher`.
pub fn hash_blocking(password: &str) -> Result<String, ApiError> {
    let salt = SaltString::generate(&mut OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| ApiError::Internal(format!("password hashing failed: {e}")))
}

fn verify_blocking(hash: &str, candidate: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            argon2()
                .verify_password(candidate.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_with_the_contract_parameters() {
        let hash = hash_blocking("cheval agrafe pile correcte").unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(verify_blocking(&hash, "cheval agrafe pile correcte"));
        assert!(!verify_blocking(&hash, "cheval agrafe pile correcte!"));
    }
}
