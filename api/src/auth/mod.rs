//! Who is calling, and what they may do: passwords, tokens, sign-in throttling, the `AuthUser`
//! extractor and the permission policy.

pub mod cache;
pub mod extractor;
pub mod handlers;
pub mod password;
pub mod policy;
pub mod sessions;
pub mod throttle;
pub mod tokens;

pub use extractor::{AuthUser, MembershipGrant};
pub use password::PasswordHasher;
pub use policy::{ActionTarget, Capability};
pub use tokens::TokenKeys;
