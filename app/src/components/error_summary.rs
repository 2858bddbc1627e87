//! The error summary shown at the top of a form when something went wrong.

use leptos::html;
use leptos::prelude::*;

use crate::error::AppError;

/// Shows `error` (when set) in a focused error summary, so screen readers announce it. Problems
/// with particular fields link to the field.
#[component]
pub fn ErrorSummary(error: RwSignal<Option<AppError>>) -> impl IntoView {
    let node = NodeRef::<html::Div>::new();
    Effect::new(move |_| {
        if error.with(Option::is_some) {
            if let Some(el) = node.get() {
                let _ = el.focus();
            }
        }
    });
    let items = move || match error.get() {
        Some(AppError::InvalidFields(problems)) => problems
            .into_iter()
            .map(|p| view! { <li><a href=format!("#{}", p.field)>{p.message}</a></li> }.into_any())
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
