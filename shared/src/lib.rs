//! Roundtable's domain: types and the pure rules every other crate relies on.
//!
//! Nothing here performs I/O or reads the clock; the current time is always a parameter.
//! It compiles to native code for the server and to wasm for the browser.

pub mod audit;
pub mod casefile;
pub mod dash;
pub mod data_protection;
pub mod display;
pub mod distribution;
pub mod document;
pub mod equality;
pub mod finalising;
pub mod identity;
pub mod isa;
pub mod markdown;
pub mod marking;
pub mod meeting;
pub mod names;
pub mod policy;
pub mod printed;
pub mod referral;
pub mod repeat;
pub mod retention;
pub mod session;
pub mod stats;
pub mod stored;
pub mod subject_access;
pub mod time_zone;
pub mod validation;
pub mod views;
