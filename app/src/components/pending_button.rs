//! A submit button that shows its pending state while the work is under way.

use leptos::prelude::*;

/// `label` normally; `pending_label`, disabled and `aria-busy` while `pending`.
#[component]
pub fn PendingButton(
    pending: RwSignal<bool>,
    label: &'static str,
    pending_label: &'static str,
    #[prop(optional)] id: &'static str,
    #[prop(optional)] secondary: bool,
    #[prop(optional)] warning: bool,
) -> impl IntoView {
    let class = match (secondary, warning) {
        (_, true) => "rt-button rt-button--warning",
        (true, false) => "rt-button rt-button--secondary",
        (false, false) => "rt-button",
    };
    view! {
        <button type="submit" id=id class=class disabled=move || pending.get()
            aria-busy=move || pending.get().to_string()>
            {move || if pending.get() { pending_label } else { label }}
        </button>
    }
}
