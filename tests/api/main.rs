//! Integration tests: every test owns a PostgreSQL database cloned from a migrated template and
//! talks to the real server over HTTP. Run with `scripts/test` (it provides `DATABASE_URL`).

mod support;

mod actions;
mod audit;
mod auth;
mod auth_cache;
mod authorization;
mod axes;
mod charts;
mod committees;
mod concurrency;
mod conventions;
mod demo;
mod exchange;
mod growth;
mod health;
mod indicators;
mod instances;
mod limits;
mod measurements;
mod memberships;
mod migrations;
mod notes;
mod objectives;
mod openapi;
mod operations;
mod partners;
mod plan;
mod report_workbook;
mod reports;
mod stats;
mod users;
