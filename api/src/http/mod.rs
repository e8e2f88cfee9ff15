//! Cross-cutting HTTP conventions of the contract, each owned by one module.

pub mod etag;
pub mod json;
pub mod page;
pub mod patch;
pub mod query;
pub mod respond;
