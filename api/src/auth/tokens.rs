//! Access tokens (HS256 JWT, 15 minutes) and refresh tokens (opaque, stored as digests).

use chrono::Utc;
use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::error::ApiError;

pub const ISSUER: &str = "ctg";
pub const AUDIENCE: &str = "ctg-api";
/// Within the contract's 10 to 15 minutes.
pub const ACCESS_TOKEN_SECONDS: i64 = 15 * 60;
/// Small: clocks of one deployment agree within seconds.
const LEEWAY_SECONDS: u64 = 5;

/// What an access token says. Every claim is required and checked.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub iss: String,
    pub aud: String,
    /// The user's id.
    pub sub: Uuid,
    /// The session (sign-in) it belongs to: revoking the session kills the token.
    pub sid: Uuid,
    pub iat: i64,
    pub nbf: i64,
    pub exp: i64,
}

/// The HMAC key and the rules a token must meet.
#[derive(Clone)]
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

impl std::fmt::Debug for TokenKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenKeys(<redacted>)")
    }
}

impl TokenKeys {
    pub const MIN_SECRET_BYTES: usize = 32;

    pub fn new(secret: &[u8]) -> Self {
        // One allow-listed algorithm: `alg: none`, RS/ES tokens and key confusion are refused.
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["iss", "aud", "sub", "exp", "nbf", "iat"]);
        validation.validate_exp = true;
        validation.validate_nbf = true;
        validation.leeway = LEEWAY_SECONDS;
        Self {
            // Only an empty key is refused, and configuration demands 32 bytes or more.
            encoding: EncodingKey::from_secret(secret).expect("a non-empty HMAC key"),
            decoding: DecodingKey::from_secret(secret).expect("a non-empty HMAC key"),
            validation,
        }
    }

    /// A signed access token for the user's session, and its lifetime in seconds.
    pub fn issue(&self, user_id: Uuid, session_id: Uuid) -> Result<(String, i64), ApiError> {
        let now = Utc::now().timestamp();
        let claims = Claims {
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            sub: user_id,
            sid: session_id,
            iat: now,
            nbf: now,
            exp: now + ACCESS_TOKEN_SECONDS,
        };
        let token = encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| ApiError::Internal(format!("token signing failed: {e}")))?;
        Ok((token, ACCESS_TOKEN_SECONDS))
    }

    /// The claims of a valid token; 401 for anything else.
    pub fn verify(&self, token: &str) -> Result<Claims, ApiError> {
        decode::<Claims>(token, &self.decoding, &self.validation)
            .map(|data| data.claims)
            .map_err(|_| ApiError::Unauthorized("invalid access token"))
    }
}

/// A new refresh token and the digest stored in its place.
pub fn new_refresh_token() -> (String, String) {
    use argon2::password_hash::rand_core::{OsRng, RngCore};
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let digest = refresh_token_digest(&token);
    (token, digest)
}

/// The stored form of a refresh token: a leaked table cannot be replayed.
pub fn refresh_token_digest(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_verifies_with_its_key_only() {
        let keys = TokenKeys::new(b"0123456789abcdef0123456789abcdef");
        let (token, lifetime) = keys.issue(Uuid::nil(), Uuid::nil()).unwrap();
        assert_eq!(lifetime, 900);
        assert_eq!(keys.verify(&token).unwrap().sub, Uuid::nil());
        let other = TokenKeys::new(b"another key of at least 32 bytes!!");
        assert!(other.verify(&token).is_err());
    }

    #[test]
    fn refresh_tokens_are_random_and_stored_as_digests() {
        let (a, digest_a) = new_refresh_token();
        let (b, _) = new_refresh_token();
        assert_ne!(a, b);
        assert_eq!(refresh_token_digest(&a), digest_a);
        assert_ne!(a, digest_a);
    }
}
