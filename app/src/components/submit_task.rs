//! Runs a form's asynchronous work one at a time, with its pending state and error message.

use std::future::Future;

use leptos::prelude::*;

/// Starts `work` unless it is already running: sets `pending`, clears `error`, then on success
/// calls `on_success` and on failure shows the message in `error`.
pub fn submit_task<Fut>(
    pending: RwSignal<bool>,
    error: RwSignal<Option<String>>,
    work: impl FnOnce() -> Fut + 'static,
    on_success: impl FnOnce() + 'static,
) where
    Fut: Future<Output = Result<(), String>> + 'static,
{
    if pending.get_untracked() {
        return;
    }
    pending.set(true);
    error.set(None);
    leptos::task::spawn_local(async move {
        match work().await {
            Ok(()) => on_success(),
            Err(message) => error.set(Some(message)),
        }
        pending.set(false);
    });
}

/// Loads `path` afresh (a full page load, so no signed-in state lingers in memory).
pub fn load_page(path: &str) {
    let _ = window().location().set_href(path);
}
