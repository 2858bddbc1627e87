//! Runs a form's asynchronous work one at a time, with its pending state and error message.
//! A sensitive operation that needs a fresh passkey check gets one, then is tried once more.

use std::future::Future;

use leptos::prelude::*;

use crate::api::auth::{begin_reauthentication, finish_reauthentication};
use crate::browser::webauthn::use_passkey;
use crate::error::AppError;

/// The state every form keeps: whether its work is under way and what went wrong.
#[derive(Clone, Copy)]
pub struct FormState {
    /// Work under way.
    pub pending: RwSignal<bool>,
    /// The last failure, shown in the error summary and beside fields.
    pub error: RwSignal<Option<AppError>>,
}

impl FormState {
    /// A fresh, idle form.
    pub fn new() -> Self {
        Self { pending: RwSignal::new(false), error: RwSignal::new(None) }
    }

    /// Runs `work` (see [`submit_task`]).
    pub fn submit<Fut, T>(self, work: impl Fn() -> Fut + 'static, on_success: impl FnOnce(T) + 'static)
    where
        Fut: Future<Output = Result<T, AppError>> + 'static,
        T: 'static,
    {
        submit_task(self.pending, self.error, work, on_success);
    }
}

impl Default for FormState {
    fn default() -> Self {
        Self::new()
    }
}

/// Starts `work` unless it is already running: sets `pending`, clears `error`, then on success
/// calls `on_success` and on failure shows the error. When the server asks for a fresh passkey
/// check, the browser's passkey prompt appears and `work` runs once more after it.
pub fn submit_task<Fut, T>(
    pending: RwSignal<bool>,
    error: RwSignal<Option<AppError>>,
    work: impl Fn() -> Fut + 'static,
    on_success: impl FnOnce(T) + 'static,
) where
    Fut: Future<Output = Result<T, AppError>> + 'static,
    T: 'static,
{
    if pending.get_untracked() {
        return;
    }
    pending.set(true);
    error.set(None);
    leptos::task::spawn_local(async move {
        let result = match work().await {
            Err(AppError::ReauthenticationRequired) => match reauthenticate().await {
                Ok(()) => work().await,
                Err(e) => Err(e),
            },
            other => other,
        };
        // The form may have left the page while the work ran: then there is nothing to update.
        if pending.is_disposed() {
            return;
        }
        match result {
            Ok(value) => on_success(value),
            Err(e) => {
                let _ = error.try_set(Some(e));
            }
        }
        let _ = pending.try_set(false);
    });
}

/// Checks the signed-in person's passkey again.
pub async fn reauthenticate() -> Result<(), AppError> {
    let ceremony = begin_reauthentication().await?;
    let assertion = use_passkey(&ceremony.options_json).await?;
    finish_reauthentication(ceremony.id, assertion).await
}

/// Loads `path` afresh (a full page load, so no signed-in state lingers in memory).
pub fn load_page(path: &str) {
    let _ = window().location().set_href(path);
}

/// Scrolls to the top of the page, where success notices appear.
pub fn scroll_to_top() {
    window().scroll_to_with_x_and_y(0.0, 0.0);
}
