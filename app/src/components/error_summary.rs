//! The error summary shown at the top of a form when something went wrong.

use leptos::html;
use leptos::prelude::*;

/// Shows `error` (when set) in a focused error summary, so screen readers announce it.
#[component]
pub fn ErrorSummary(error: RwSignal<Option<String>>) -> impl IntoView {
    let node = NodeRef::<html::Div>::new();
    Effect::new(move |_| {
        if error.with(Option::is_some) {
            if let Some(el) = node.get() {
                let _ = el.focus();
            }
        }
    });
    view! {
        <div node_ref=node class="rt-error-summary" role="alert" tabindex="-1" hidden=move || error.with(Option::is_none)>
            <h2 class="rt-error-summary__title">"There is a problem"</h2>
            <ul class="rt-error-summary__list">
                <li>{move || error.get().unwrap_or_default()}</li>
            </ul>
        </div>
    }
}
