//! One key and value of a GOV.UK summary list (`<dl class="rt-summary-list">`).

use leptos::prelude::*;

/// A row: what (`key`) and its value.
#[component]
pub fn SummaryRow(#[prop(into)] key: String, #[prop(into)] value: String) -> impl IntoView {
    view! {
        <div class="rt-summary-list__row">
            <dt class="rt-summary-list__key">{key}</dt>
            <dd class="rt-summary-list__value">{value}</dd>
        </div>
    }
}
