//! Reusable pieces of pages.

pub mod criteria_check;
