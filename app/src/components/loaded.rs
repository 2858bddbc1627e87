//! Shows what a page loaded, or why it could not.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::browser::focus_once_drawn;
use crate::components::error_summary::ErrorSummary;
use crate::components::sign_in_link::sign_in_href;
use crate::components::submit_task::{load_page, reauthenticate, submit_task};
use crate::error::AppError;

/// Renders `result` with `render`, or a plain explanation: sign in, confirm with a passkey, or
/// not found.
pub fn loaded<T>(result: Result<T, AppError>, render: impl FnOnce(T) -> AnyView) -> AnyView {
    match result {
        Ok(value) => render(value),
        Err(AppError::SignInRequired) => view! {
            <p class="rt-body">"You need to sign in to see this page. " <a class="rt-link" href=sign_in_href()>"Sign in"</a></p>
        }
        .into_any(),
        Err(AppError::ReauthenticationRequired) => view! { <ConfirmToSee /> }.into_any(),
        Err(e) => view! { <p class="rt-body" id="load-error">{e.to_string()}</p> }.into_any(),
    }
}

/// For a page that shows something sensitive: asks for the passkey, then loads the page again.
#[component]
fn ConfirmToSee() -> impl IntoView {
    let pending = RwSignal::new(false);
    let error = RwSignal::new(None::<AppError>);
    let here = use_location().pathname.get_untracked();
    let confirm = move |_| {
        let here = here.clone();
        submit_task(pending, error, reauthenticate, move |()| load_page(&here));
    };
    view! {
        <ErrorSummary error />
        <p class="rt-body">"This page holds sensitive personal data. Confirm it is you with your passkey to see it."</p>
        <button type="button" class="rt-button" id="confirm-to-see" disabled=move || pending.get() on:click=confirm>
            "Confirm with your passkey"
        </button>
    }
}

/// Gives the element the focus whenever `message` is set, once it is drawn. By then the page
/// may have been drawn again (a reload after the change) and the element gone: `element` must
/// answer `None` for that rather than read what was disposed.
fn focus_when_shown(message: RwSignal<Option<String>>, element: impl Fn() -> Option<leptos::web_sys::HtmlElement> + Copy + 'static) {
    Effect::new(move |_| {
        if message.with(Option::is_some) {
            focus_once_drawn(element);
        }
    });
}

/// A success message after a change (GOV.UK notification banner), announced politely and
/// given the focus, so after the page is drawn again the keyboard carries on from it.
#[component]
pub fn Notice(message: RwSignal<Option<String>>) -> impl IntoView {
    let node = NodeRef::<leptos::html::Div>::new();
    focus_when_shown(message, move || node.try_get_untracked().flatten().map(Into::into));
    view! {
        <div class="rt-notice" role="status" tabindex="-1" node_ref=node hidden=move || message.with(Option::is_none)>
            <p class="rt-notice__text">{move || message.get().unwrap_or_default()}</p>
        </div>
    }
}

/// A success message inside a form, announced and focused there, so a keyboard user stays
/// beside the form they were using (the live meeting's forms are used one after another).
#[component]
pub fn FormStatus(message: RwSignal<Option<String>>, id: &'static str) -> impl IntoView {
    let node = NodeRef::<leptos::html::P>::new();
    focus_when_shown(message, move || node.try_get_untracked().flatten().map(Into::into));
    view! {
        <p class="rt-notice rt-notice--inline rt-notice__text" id=id role="status" tabindex="-1" node_ref=node hidden=move || message.with(Option::is_none)>
            {move || message.get().unwrap_or_default()}
        </p>
    }
}
