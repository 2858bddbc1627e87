//! A recipient's copy of a meeting's minutes: what it is, until when it works, and the download,
//! which asks for the person's passkey first.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::distribution::{minutes_copy, CopyView};
use crate::components::error_summary::ErrorSummary;
use crate::components::loaded::loaded;
use crate::components::submit_task::{load_page, reauthenticate, FormState};
use crate::components::summary_row::SummaryRow;

/// "Your copy of the minutes" page.
#[component]
pub fn CopyPage() -> impl IntoView {
    let params = use_params_map();
    let copy = Resource::new(move || params.with(|p| p.get("id").unwrap_or_default()), minutes_copy);
    view! {
        <Title text="Your copy of the minutes" />
        <h1 class="rt-heading-xl">"Your copy of the minutes"</h1>
        <Transition fallback=|| view! { <p class="rt-body">"Loading\u{2026}"</p> }>
            {move || Suspend::new(async move { loaded(copy.await, |c| view! { <Copy c /> }.into_any()) })}
        </Transition>
    }
}

#[component]
fn Copy(c: CopyView) -> impl IntoView {
    let form = FormState::new();
    let path = StoredValue::new(c.download_path.clone());
    let download = move |_| form.submit(reauthenticate, move |()| load_page(&path.get_value()));
    view! {
        <Title text=format!("Your copy of the minutes: {}", c.meeting) />
        <ErrorSummary error=form.error />
        <dl class="rt-summary-list">
            <SummaryRow key="Meeting" value=c.meeting.clone() />
            <SummaryRow key="For" value=c.agency_name.clone() />
            <SummaryRow key="Document" value=c.id.clone() />
            <SummaryRow key="Status" value=c.state.clone() />
            <SummaryRow key="Link works until" value=c.expires.clone() />
        </dl>
        {if c.live {
            view! {
                <p class="rt-body">"The copy holds only what your agency may see. It is marked OFFICIAL-SENSITIVE and carries your name: "
                    "store it only where your agency keeps MARAC records, and do not forward it."</p>
                <button type="button" class="rt-button" id="download-copy" disabled=move || form.pending.get() on:click=download>
                    "Confirm with your passkey and download (PDF)"
                </button>
            }.into_any()
        } else {
            view! { <p class="rt-body" id="copy-unavailable">"This copy can no longer be downloaded. Ask your MARAC coordinator if you still need it."</p> }.into_any()
        }}
    }
}
