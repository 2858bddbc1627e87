//! The error summary shown at the top of a form when something went wrong.

use leptos::html;
use leptos::prelude::*;

use crate::browser::focus_once_drawn;
use crate::components::session_watch::use_session;
use crate::components::sign_in_link::sign_in_href;
use crate::error::AppError;

/// Moves focus to the field a problem names and scrolls its label into view, as the GOV.UK
/// error summary does (following the link alone would scroll but not focus).
fn focus_field(ev: &leptos::ev::MouseEvent, field: &str) {
    use leptos::wasm_bindgen::JsCast;
    let Some(target) = document().get_element_by_id(field) else {
        return;
    };
    ev.prevent_default();
    let label = document().query_selector(&format!("label[for='{field}']")).ok().flatten();
    let legend = target.closest("fieldset").ok().flatten().and_then(|f| f.query_selector("legend").ok().flatten());
    if let Ok(el) = target.clone().dyn_into::<leptos::web_sys::HtmlElement>() {
        let _ = el.focus();
    }
    label.or(legend).unwrap_or(target).scroll_into_view();
}

/// Shows `error` (when set) in a focused error summary, so screen readers announce it. Problems
/// with particular fields link to the field.
#[component]
pub fn ErrorSummary(error: RwSignal<Option<AppError>>) -> impl IntoView {
    let node = NodeRef::<html::Div>::new();
    let session = use_session();
    Effect::new(move |_| {
        if error.with(Option::is_some) {
            // A session that ended keeps what was typed and says so in the page frame too.
            if error.with(|e| matches!(e, Some(AppError::SignInRequired))) {
                if let Some(session) = session {
                    session.end();
                }
            }
            node.track();
            focus_once_drawn(move || node.get_untracked().map(Into::into));
        }
    });
    let items = move || match error.get() {
        Some(AppError::InvalidFields(problems)) => problems
            .into_iter()
            .map(|p| {
                let field = p.field.clone();
                view! { <li><a href=format!("#{}", p.field) on:click=move |ev| focus_field(&ev, &field)>{p.message}</a></li> }.into_any()
            })
            .collect_view(),
        Some(AppError::SignInRequired) => vec![view! {
            <li>"Your session has ended. What you typed on this page is kept: "
                <a href=sign_in_href()>"sign in again"</a>" to carry on."</li>
        }
        .into_any()]
        .collect_view(),
        Some(other) => vec![view! { <li>{other.to_string()}</li> }.into_any()].collect_view(),
        None => Vec::<AnyView>::new().collect_view(),
    };
    view! {
        <div node_ref=node class="rt-error-summary" role="alert" tabindex="-1" hidden=move || error.with(Option::is_none)>
            <h2 class="rt-error-summary__title">"There is a problem"</h2>
            <ul class="rt-error-summary__list">{items}</ul>
        </div>
    }
}
