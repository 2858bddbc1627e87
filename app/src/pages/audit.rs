//! The audit log check, for data protection officers and administrators.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::audit::{verify_audit, AuditVerification};
use crate::api::auth::area_allowed;
use crate::components::error_summary::ErrorSummary;
use crate::components::loaded::loaded;
use crate::components::pending_button::PendingButton;
use crate::components::submit_task::FormState;

/// "Audit log".
#[component]
pub fn AuditPage() -> impl IntoView {
    let form = FormState::new();
    let result = RwSignal::new(None::<AuditVerification>);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        form.submit(verify_audit, move |r| result.set(Some(r)));
    };
    let gate = Resource::new(|| (), |_| area_allowed("/audit"));
    view! {
        <Title text="Audit log" />
        <h1 class="rt-heading-xl">"Audit log"</h1>
        <Transition fallback=|| view! { <p class="rt-body">"Loading\u{2026}"</p> }>
            {move || Suspend::new(async move { loaded(gate.await, move |()| view! { <AuditCheck form result on_submit /> }.into_any()) })}
        </Transition>
    }
}

/// The check itself: what it does, the button, and the result.
#[component]
fn AuditCheck(
    form: FormState,
    result: RwSignal<Option<AuditVerification>>,
    on_submit: impl Fn(leptos::ev::SubmitEvent) + Clone + Send + Sync + 'static,
) -> impl IntoView {
    view! {
        <p class="rt-body">
            "Every sign-in, change and read of case data is recorded in the audit log. Each entry carries a fingerprint "
            "of its content and of the entry before it, so any entry changed, removed or reordered afterwards can be found."
        </p>
        <ErrorSummary error=form.error />
        <form on:submit=on_submit>
            <PendingButton pending=form.pending label="Check the audit log" pending_label="Checking\u{2026}" id="verify-audit" />
        </form>
        {move || result.get().map(|r| match r.first_broken_seq {
            None => view! {
                <div class="rt-panel rt-panel--ok" role="status" id="audit-result">
                    <h2 class="rt-heading-m">"The audit log is intact"</h2>
                    <p class="rt-body">{format!("All {} entries were checked in {} ms. None has been changed, removed or reordered.", r.rows_checked, r.elapsed_ms)}</p>
                    <p class="rt-body">"Chain head, to note outside this system so that entries removed from the end can be found later:"</p>
                    <p class="rt-body rt-link-box"><code id="audit-head">{r.head.clone().unwrap_or_default()}</code></p>
                </div>
            }.into_any(),
            Some(seq) => view! {
                <div class="rt-panel rt-panel--alert" role="alert" id="audit-result">
                    <h2 class="rt-heading-m">{format!("The audit log has been altered at entry {seq}")}</h2>
                    <p class="rt-body">{r.problem.clone().unwrap_or_default()}</p>
                    <p class="rt-body">{format!("{} entries before it verified. Tell your data protection officer and keep a copy of the database as it is now.", r.rows_checked)}</p>
                </div>
            }.into_any(),
        })}
    }
}
