//! "Data protection" for the DPO: what falls due for purging in the next 90 days, legal holds,
//! recent purge runs, and finding a case to act on (restriction, rectification, erasure, objections).

use leptos::prelude::*;
use leptos_meta::Title;
use shared::display::iso_date;

use crate::api::cases::{search_cases, CaseHit};
use crate::api::data_protection::{retention_overview, set_hold, HoldInput, RetainedCase, RetentionView};
use crate::components::error_summary::ErrorSummary;
use crate::components::fields::{FormValues, TextArea, TextField};
use crate::components::loaded::{loaded, Notice};
use crate::components::pending_button::PendingButton;
use crate::components::submit_task::FormState;
use crate::pages::cases::CaseTable;

/// "Data protection" page.
#[component]
pub fn RetentionPage() -> impl IntoView {
    let reload = RwSignal::new(0u32);
    let notice = RwSignal::new(None::<String>);
    let data = Resource::new(move || reload.get(), |_| retention_overview());
    view! {
        <Title text="Data protection" />
        <h1 class="rt-heading-xl">"Data protection"</h1>
        <Transition fallback=|| view! { <p class="rt-body">"Loading\u{2026}"</p> }>
            {move || Suspend::new(async move { loaded(data.await, move |r| view! { <Retention r reload notice /> }.into_any()) })}
        </Transition>
    }
}

fn or_dash(v: &Option<String>) -> String {
    v.as_deref().map_or_else(|| "\u{2014}".to_string(), iso_date)
}

#[component]
fn Retention(r: RetentionView, reload: RwSignal<u32>, notice: RwSignal<Option<String>>) -> impl IntoView {
    let form = FormState::new();
    let find = FormState::new();
    let results = RwSignal::new(None::<Vec<CaseHit>>);
    let hold = move |reference: String, reason: String, place: bool| {
        let input = HoldInput { reference, reason, hold: place };
        form.submit(
            move || set_hold(input.clone()),
            move |()| {
                notice.set(Some(if place { "The legal hold was placed." } else { "The legal hold was lifted." }.to_string()));
                reload.update(|n| *n += 1);
            },
        );
    };
    let on_place = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let v = FormValues::from_event(&ev);
        hold(v.get("hold-reference"), v.get("hold-reason"), true);
    };
    let on_find = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let v = FormValues::from_event(&ev);
        find.submit(move || search_cases(v.get("find-case")), move |hits| results.set(Some(hits)));
    };
    let schedule = format!(
        "Closed cases are kept for {} years after they close, audit log entries for {} years. {}",
        r.case_years,
        r.audit_years,
        r.interval_minutes.map_or_else(
            || "The server does not purge on its own: run roundtable purge.".to_string(),
            |m| format!("What is due is purged every {m} minutes.")
        )
    );
    view! {
        <p class="rt-body" id="retention-settings">{schedule}</p>
        <Notice message=notice />

        <section aria-labelledby="find-heading">
            <h2 class="rt-heading-l" id="find-heading">"Find a case"</h2>
            <p class="rt-body">"Open a case to restrict it, correct a person's details, record an objection or erase a record."</p>
            <ErrorSummary error=find.error />
            <form on:submit=on_find novalidate role="search">
                <TextField name="find-case" label="Name, date of birth or case reference" error=find.error width="rt-input--width-30"
                    hint="Searches are recorded in the audit log." />
                <PendingButton pending=find.pending label="Search" pending_label="Searching\u{2026}" id="find-case-button" secondary=true />
            </form>
            {move || results.get().map(|hits| view! { <CaseTable hits caption="Search results".to_string() id="search-results" /> })}
        </section>

        <section aria-labelledby="due-heading">
            <h2 class="rt-heading-l" id="due-heading">"Due for purging in the next 90 days"</h2>
            <CaseList cases=r.due.clone() id="due-cases" empty="No closed case falls due in the next 90 days." hold=None />
        </section>

        <section aria-labelledby="hold-heading">
            <h2 class="rt-heading-l" id="hold-heading">"Legal holds"</h2>
            <p class="rt-body">"A case under a legal hold is never purged while the hold lasts, whatever its dates."</p>
            <ErrorSummary error=form.error />
            <CaseList cases=r.held.clone() id="held-cases" empty="No case is under a legal hold." hold=Some(Callback::new(move |reference: String| hold(reference, String::new(), false))) />
            <form on:submit=on_place novalidate>
                <h3 class="rt-heading-m">"Place a legal hold"</h3>
                <TextField name="hold-reference" label="Case reference" error=form.error width="rt-input--width-20" hint="For example C-2026-00001" />
                <TextArea name="hold-reason" label="Reason for the legal hold" error=form.error rows=3
                    hint="For example the review, inquiry or proceedings it is kept for. Do not name people." />
                <PendingButton pending=form.pending label="Place legal hold" pending_label="Placing\u{2026}" id="place-hold" />
            </form>
        </section>

        <section aria-labelledby="erasures-heading">
            <h2 class="rt-heading-l" id="erasures-heading">"Recent erasures"</h2>
            {if r.erasures.is_empty() {
                view! { <p class="rt-body" id="erasures">"Nothing has been erased."</p> }.into_any()
            } else {
                view! {
                    <ul class="rt-list" id="erasures">
                        {r.erasures.iter().map(|e| view! {
                            <li>
                                <p class="rt-body">{format!("{}, {}.", e.what, shared::display::instant(e.at))}
                                    {e.removed.iter().map(|(k, n)| format!(" Removed: {n} {k}.")).collect::<String>()}</p>
                                {if e.not_reached.is_empty() {
                                    view! { <p class="rt-body-s">"Erasure reached every copy Roundtable holds."</p> }.into_any()
                                } else {
                                    view! { <p class="rt-body-s rt-warning-text">{format!("Not reached: {}.", e.not_reached.join("; "))}</p> }.into_any()
                                }}
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>

        <section aria-labelledby="runs-heading">
            <h2 class="rt-heading-l" id="runs-heading">"Recent purge runs"</h2>
            {if r.runs.is_empty() {
                view! { <p class="rt-body" id="purge-runs">"No purge has run yet."</p> }.into_any()
            } else {
                view! {
                    <table class="rt-table" id="purge-runs">
                        <thead><tr>
                            <th class="rt-table__header" scope="col">"When"</th>
                            <th class="rt-table__header" scope="col">"Removed"</th>
                        </tr></thead>
                        <tbody>{r.runs.iter().map(|run| view! {
                            <tr>
                                <td class="rt-table__cell">{shared::display::instant(run.at)}</td>
                                <td class="rt-table__cell">{if run.counts.is_empty() {
                                    "Nothing was due".to_string()
                                } else {
                                    run.counts.iter().map(|(k, n)| format!("{}: {n}", k.replace('_', " "))).collect::<Vec<_>>().join("; ")
                                }}</td>
                            </tr>
                        }).collect_view()}</tbody>
                    </table>
                }.into_any()
            }}
        </section>
    }
}

/// Cases with their retention dates; with `hold`, each row has a button that lifts its hold.
#[component]
fn CaseList(cases: Vec<RetainedCase>, id: &'static str, empty: &'static str, hold: Option<Callback<String>>) -> impl IntoView {
    if cases.is_empty() {
        return view! { <p class="rt-body" id=id>{empty}</p> }.into_any();
    }
    view! {
        <table class="rt-table" id=id>
            <thead><tr>
                <th class="rt-table__header" scope="col">"Case"</th>
                <th class="rt-table__header" scope="col">"Closed"</th>
                <th class="rt-table__header" scope="col">"Due"</th>
                <th class="rt-table__header" scope="col">"Legal hold"</th>
            </tr></thead>
            <tbody>{cases.into_iter().map(|c| {
                let reference = c.reference.clone();
                view! {
                    <tr>
                        <th class="rt-table__header" scope="row"><a class="rt-link" href=format!("/cases/{}", c.case_id)>{c.reference.clone()}</a>
                            {c.restricted.then(|| view! { " " <strong class="rt-tag rt-tag--red">"Restricted"</strong> })}</th>
                        <td class="rt-table__cell">{or_dash(&c.closed_on)}</td>
                        <td class="rt-table__cell">{or_dash(&c.due_on)}</td>
                        <td class="rt-table__cell">{if c.held { c.hold_reason.clone().unwrap_or_else(|| "Held".into()) } else { "None".into() }}
                            {hold.map(|lift| view! {
                                " " <button type="button" class="rt-button rt-button--secondary rt-mb-0" aria-label=format!("Lift hold on {reference}")
                                    on:click=move |_| lift.run(reference.clone())>"Lift hold"</button>
                            })}</td>
                    </tr>
                }
            }).collect_view()}</tbody>
        </table>
    }
    .into_any()
}
