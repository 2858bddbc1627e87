//! One key and value of a GOV.UK summary list (`<dl class="rt-summary-list">`).

use leptos::prelude::*;

/// A row: what (`key`) and its value. The value keeps its line breaks; with `markdown` it is
/// rendered as the PDF renders it (lists, emphasis), through the safe markdown renderer.
#[component]
pub fn SummaryRow(#[prop(into)] key: String, #[prop(into)] value: String, #[prop(optional)] markdown: bool) -> impl IntoView {
    let value = if markdown {
        view! { <dd class="rt-summary-list__value rt-prose" inner_html=shared::markdown::to_safe_html(&value).into_string()></dd> }.into_any()
    } else {
        view! { <dd class="rt-summary-list__value">{value}</dd> }.into_any()
    };
    view! {
        <div class="rt-summary-list__row">
            <dt class="rt-summary-list__key">{key}</dt>
            {value}
        </div>
    }
}
