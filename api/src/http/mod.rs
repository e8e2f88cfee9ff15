//! Cross-cutting HTTP conventions of the contract, each owned by one module.

pub mod cors;
pub mod etag;
pub mod json;
pub mod page;
pub mod patch;
pub mod query;
pub mod respond;
pub mod security_headers;
