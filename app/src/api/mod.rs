//! Server functions, one module per area. Each is thin: actor and backend from context, one
//! backend operation, errors mapped.

pub mod admin;
pub mod audit;
pub mod auth;
pub mod cases;
pub mod client;
pub mod data_protection;
pub mod distribution;
pub mod meetings;
pub mod permissions;
pub mod referrals;
pub mod session;
pub mod statistics;
pub mod subject_access;
