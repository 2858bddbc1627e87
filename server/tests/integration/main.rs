//! The integration tests: one binary (each test file a module), so the server library is linked
//! once rather than once per file. Each test starts a real server over HTTP (`common`).

// A failed expectation in a test is a panic by design.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

mod common;

mod audit_chain;
mod authorisation_matrix;
mod csrf;
mod data_protection;
mod distribution;
mod durability;
mod exposure;
mod foundation;
mod group_commit;
mod hostile_input;
mod identity;
mod meetings;
mod referrals;
mod retention;
mod schema;
mod security;
mod session_clock;
mod session_times;
mod statements;
mod statistics;
mod subject_access;
