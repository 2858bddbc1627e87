//! The `roundtable` server: configuration, database, HTTP wiring and background work.
//!
//! The binary (`main.rs`) only parses the command line and calls into these modules.

pub mod audit;
pub mod audit_commands;
pub mod audit_keys;
pub mod backend;
pub mod backup;
pub mod casework;
pub mod cli;
pub mod clock;
pub mod config;
pub mod db;
pub mod error;
pub mod http;
pub mod identity;
pub mod invitations;
pub mod live;
pub mod mail;
pub mod retention;
pub mod seed;
pub mod shutdown;
pub mod telemetry;
pub mod witness;
