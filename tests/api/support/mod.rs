//! The test harness: a private database per test, the real app on a random port, and a small
//! HTTP client that returns what a user would see.

mod app;
mod db;
pub mod fixtures;

pub use app::TestApp;
pub use db::TestDb;
