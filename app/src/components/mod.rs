//! Reusable pieces of pages.

pub mod autosave;
pub mod bound;
pub mod criteria_check;
pub mod error_summary;
pub mod fields;
pub mod live;
pub mod loaded;
pub mod pending_button;
pub mod session_watch;
pub mod sign_in_link;
pub mod submit_task;
pub mod summary_row;
pub mod table_labels;
pub mod user_bar;
