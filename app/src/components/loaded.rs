//! Shows what a page loaded, or why it could not.

use leptos::prelude::*;

use crate::error::AppError;

/// Renders `result` with `render`, or a plain explanation: sign in, or not found.
pub fn loaded<T>(result: Result<T, AppError>, render: impl FnOnce(T) -> AnyView) -> AnyView {
    match result {
        Ok(value) => render(value),
        Err(AppError::SignInRequired) => view! {
            <p class="rt-body">"You need to sign in to see this page. " <a class="rt-link" href="/sign-in">"Sign in"</a></p>
        }
        .into_any(),
        Err(e) => view! { <p class="rt-body" id="load-error">{e.to_string()}</p> }.into_any(),
    }
}

/// A success message after a change (GOV.UK notification banner), announced politely.
#[component]
pub fn Notice(message: RwSignal<Option<String>>) -> impl IntoView {
    view! {
        <div class="rt-notice" role="status" hidden=move || message.with(Option::is_none)>
            <p class="rt-notice__text">{move || message.get().unwrap_or_default()}</p>
        </div>
    }
}
