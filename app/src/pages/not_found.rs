//! The page for an address that does not exist, or that the visitor may not see.

use leptos::prelude::*;
use leptos_meta::Title;

/// "Page not found" with status 404; says nothing about whether a record exists.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Page not found" />
        <div class="rt-error-page">
            <h1 class="rt-heading-xl">"Page not found"</h1>
            <p class="rt-body">"If you typed the web address, check it is correct."</p>
            <p class="rt-body">"If you followed a link, the page may have moved, or you may not have access to it."</p>
            <p class="rt-body"><a class="rt-link" href="/">"Go to the start page"</a></p>
        </div>
    }
}
