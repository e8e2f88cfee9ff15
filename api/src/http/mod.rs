//! Cross-cutting HTTP conventions of the contract, each owned by one module.

pub mod access_log;
pub mod cors;
pub mod etag;
pub mod json;
pub mod page;
pub mod patch;
pub mod query;
pub mod refuse;
pub mod respond;
pub mod security_headers;
