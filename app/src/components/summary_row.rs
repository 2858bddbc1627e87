//! One key and value of a GOV.UK summary list (`<dl class="rt-summary-list">`).

use leptos::prelude::*;
use shared::markdown::SafeHtml;

/// A row: what (`key`) and its value, which keeps its line breaks.
#[component]
pub fn SummaryRow(#[prop(into)] key: String, #[prop(into)] value: String) -> impl IntoView {
    view! {
        <div class="rt-summary-list__row">
            <dt class="rt-summary-list__key">{key}</dt>
            <dd class="rt-summary-list__value">{value}</dd>
        </div>
    }
}

/// A row whose value is markdown the server rendered (lists, emphasis, as the PDF shows them);
/// `empty` when there is none.
#[component]
pub fn SummaryMarkupRow(#[prop(into)] key: String, html: SafeHtml, empty: &'static str) -> impl IntoView {
    let value = if html.as_str().is_empty() {
        view! { <dd class="rt-summary-list__value">{empty}</dd> }.into_any()
    } else {
        view! { <dd class="rt-summary-list__value rt-prose" inner_html=html.into_string()></dd> }.into_any()
    };
    view! {
        <div class="rt-summary-list__row">
            <dt class="rt-summary-list__key">{key}</dt>
            {value}
        </div>
    }
}
