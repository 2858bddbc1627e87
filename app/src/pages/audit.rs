//! The audit log check, for data protection officers and administrators.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::audit::{export_audit, record_checkpoint, search_audit, verify_audit, AuditFilter, AuditSearch, AuditVerification, CheckpointView};
use crate::api::auth::area_allowed;
use crate::components::error_summary::ErrorSummary;
use crate::components::fields::{FormValues, SelectField, TextField};
use crate::components::loaded::loaded;
use crate::components::pending_button::PendingButton;
use crate::components::submit_task::FormState;
use crate::error::AppError;
use crate::pages::admin::grants::RoleGrantsPanel;

/// "Audit log".
#[component]
pub fn AuditPage() -> impl IntoView {
    let form = FormState::new();
    let result = RwSignal::new(None::<AuditVerification>);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        form.submit(verify_audit, move |r| result.set(Some(r)));
    };
    // One load: permission to open the page, and (for data protection officers) the first search.
    let gate = Resource::new(
        || (),
        |_| async move {
            area_allowed("/audit").await?;
            Ok::<_, AppError>(search_audit(AuditFilter::default()).await.ok())
        },
    );
    view! {
        <Title text="Audit log" />
        <h1 class="rt-heading-xl">"Audit log"</h1>
        <Transition fallback=|| view! { <p class="rt-body">"Loading\u{2026}"</p> }>
            {move || Suspend::new(async move {
                loaded(gate.await, move |search| {
                    let dpo = search.is_some();
                    view! {
                        <AuditCheck form result on_submit />
                        <Checkpoint />
                        {search.map(|initial| view! { <SearchForm initial /> })}
                        {dpo.then(|| view! { <RoleGrantsPanel /> })}
                    }.into_any()
                })
            })}
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
                    {r.checkpoint.map(|(seq, at)| view! {
                        <p class="rt-body" id="audit-checkpoint">{format!(
                            "It still reaches the latest signed checkpoint (entry {seq}, taken {}), so no entry was removed from the end since.",
                            shared::display::instant(at)
                        )}</p>
                    })}
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

/// Writing a signed checkpoint of the chain to the witness outside the database, on demand.
#[component]
fn Checkpoint() -> impl IntoView {
    let form = FormState::new();
    let written = RwSignal::new(None::<CheckpointView>);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        form.submit(record_checkpoint, move |c| written.set(Some(c)));
    };
    view! {
        <h2 class="rt-heading-m">"Checkpoints"</h2>
        <p class="rt-body">
            "Roundtable regularly writes a signed checkpoint of the newest entry to a witness file outside the database. "
            "Checking the log against it reveals entries removed from the end, or a log rebuilt from scratch."
        </p>
        <ErrorSummary error=form.error />
        <form on:submit=on_submit>
            <PendingButton pending=form.pending label="Write a checkpoint now" pending_label="Writing\u{2026}" id="write-checkpoint" secondary=true />
        </form>
        {move || written.get().map(|c| view! {
            <div class="rt-panel rt-panel--ok" role="status" id="checkpoint-result">
                <p class="rt-body">{format!("Checkpoint written: entry {} at {}.", c.seq, shared::display::instant(c.at))}</p>
            </div>
        })}
    }
}

/// Percent-encodes text for a `data:` address.
fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Filtering and exporting the log, for data protection officers.
#[component]
fn SearchForm(initial: AuditSearch) -> impl IntoView {
    let form = FormState::new();
    let found = RwSignal::new(initial.clone());
    let filter = StoredValue::new(AuditFilter::default());
    let export = RwSignal::new(None::<String>);
    let on_search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let v = FormValues::from_event(&ev);
        let f = AuditFilter {
            user_id: v.get("audit-person"),
            agency_id: v.get("audit-agency"),
            record_id: v.get("audit-record"),
            action: v.get("audit-action"),
            from: v.get("audit-from"),
            to: v.get("audit-to"),
        };
        filter.set_value(f.clone());
        export.set(None);
        form.submit(move || search_audit(f.clone()), move |s| found.set(s));
    };
    let on_export = move |_| {
        let f = filter.get_value();
        form.submit(
            move || export_audit(f.clone()),
            move |csv: String| export.set(Some(format!("data:text/csv;charset=utf-8,{}", percent_encode(&csv)))),
        );
    };
    let with_all = |label: &str, list: Vec<(String, String)>| std::iter::once((String::new(), label.to_string())).chain(list).collect::<Vec<_>>();
    let people = with_all("Anyone", initial.people.clone());
    let agencies = with_all("Any agency", initial.agencies.clone());
    let actions = with_all("Any action", initial.actions.iter().map(|a| (a.clone(), a.clone())).collect());
    view! {
        <h2 class="rt-heading-l" id="search-heading">"Search the audit log"</h2>
        <ErrorSummary error=form.error />
        <form on:submit=on_search novalidate>
            <SelectField name="audit-person" label="Person" error=form.error options=people />
            <SelectField name="audit-agency" label="Agency" error=form.error options=agencies />
            <TextField name="audit-record" label="Record (a case reference such as C-2026-00005, or a case, referral, meeting or person id)" error=form.error width="rt-input--width-30" />
            <SelectField name="audit-action" label="Action" error=form.error options=actions />
            <TextField name="audit-from" label="From" input_type="date" width="rt-input--width-10" error=form.error />
            <TextField name="audit-to" label="To" input_type="date" width="rt-input--width-10" error=form.error />
            <PendingButton pending=form.pending label="Search" pending_label="Searching\u{2026}" id="search-audit" secondary=true />
        </form>
        {move || {
            let s = found.get();
            view! {
                <p class="rt-body" id="audit-matching">{format!("{} entries match; the newest {} are shown.", s.matching, s.entries.len())}</p>
                <table class="rt-table" id="audit-entries">
                    <thead><tr>
                        <th class="rt-table__header" scope="col">"When"</th>
                        <th class="rt-table__header" scope="col">"Who"</th>
                        <th class="rt-table__header" scope="col">"What"</th>
                        <th class="rt-table__header" scope="col">"Outcome"</th>
                    </tr></thead>
                    <tbody>{s.entries.into_iter().map(|e| view! {
                        <tr>
                            <td class="rt-table__cell">{shared::display::instant(e.at)}<span class="rt-table__sub">{format!("Entry {}", e.seq)}</span></td>
                            <td class="rt-table__cell">{e.actor.clone().unwrap_or_else(|| "System".into())}<span class="rt-table__sub">{e.agency.clone().unwrap_or_default()}</span></td>
                            <td class="rt-table__cell">{e.action.clone()}<span class="rt-table__sub">{e.record.clone().unwrap_or_default()}</span></td>
                            <td class="rt-table__cell">{e.outcome.as_str()}</td>
                        </tr>
                    }).collect_view()}</tbody>
                </table>
            }
        }}
        <button type="button" class="rt-button rt-button--secondary" id="export-audit" on:click=on_export>"Export these entries (CSV)"</button>
        {move || export.get().map(|href| view! {
            <p class="rt-body"><a class="rt-link" id="audit-download" href=href download="audit-extract.csv">"Download the extract"</a></p>
        })}
    }
}
