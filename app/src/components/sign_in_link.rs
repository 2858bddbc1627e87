//! The link to the sign-in page, which brings the person back to where they were.

use leptos::prelude::*;
use leptos_router::hooks::use_location;
use shared::session::return_path;

/// The sign-in page's address, bringing the person back to the page they are on afterwards.
pub fn sign_in_href() -> String {
    let here = use_location().pathname.get_untracked();
    match return_path(&here) {
        Some(path) if path != "/" => format!("/sign-in?next={path}"),
        _ => "/sign-in".to_string(),
    }
}
