//! One module per page.

pub mod account;
pub mod admin;
pub mod audit;
pub mod cases;
pub mod copies;
pub mod enrol;
pub mod home;
pub mod meetings;
pub mod not_found;
pub mod referrals;
pub mod retention;
pub mod sign_in;
pub mod statistics;
pub mod subject_access;
