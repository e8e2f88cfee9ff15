//! ctg: steering a Convention Territoriale Globale over a REST/JSON API.

pub mod audit;
pub mod auth;
pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod error;
pub mod evaluation;
pub mod health;
pub mod http;
pub mod idempotency;
pub mod metrics;
pub mod openapi;
pub mod serve;
pub mod startup;
pub mod time;

pub mod actions;
pub mod axes;
pub mod charts;
pub mod committees;
pub mod conventions;
pub mod exchange;
pub mod indicators;
pub mod measurements;
pub mod memberships;
pub mod notes;
pub mod objectives;
pub mod partners;
pub mod plan;
pub mod reports;
pub mod stats;
pub mod users;
