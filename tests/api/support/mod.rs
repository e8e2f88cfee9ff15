//! The test harness: a private database per test, the real app on a random port, and a small
//! HTTP client that returns what a user would see.

mod app;
pub mod auth;
mod db;
pub mod fixtures;
pub mod process;
pub mod world;

pub use app::{TestApp, TestResponse, TEST_JWT_SECRET};
pub use db::{TableLock, TestDb};
