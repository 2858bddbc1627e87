//! Subject access requests, for the data protection officer: find the person, prepare the
//! redacted export, review it, approve it, download it. Each step but reviewing asks for the
//! passkey (the check lasts five minutes).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::subject_access::{
    approve_export, export_path, find_subject, prepare_export, subject_request, subject_requests, RequestView, SubjectMatch,
};
use crate::components::error_summary::ErrorSummary;
use crate::components::fields::{FormValues, TextField};
use crate::components::loaded::{loaded, Notice};
use crate::components::pending_button::PendingButton;
use crate::components::submit_task::{load_page, reauthenticate, FormState};
use crate::components::summary_row::SummaryRow;

/// "Subject access requests".
#[component]
pub fn SubjectAccessPage() -> impl IntoView {
    let requests = Resource::new(|| (), |_| subject_requests());
    let form = FormState::new();
    let found = RwSignal::new(None::<Vec<SubjectMatch>>);
    let on_search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let v = FormValues::from_event(&ev);
        form.submit(move || find_subject(v.get("subject-query")), move |m| found.set(Some(m)));
    };
    view! {
        <Title text="Subject access requests" />
        <h1 class="rt-heading-xl">"Subject access requests"</h1>
        <Transition fallback=|| view! { <p class="rt-body">"Loading\u{2026}"</p> }>
            {move || Suspend::new(async move {
                loaded(requests.await, move |list| view! {
                    <p class="rt-body">
                        "Find the person across every referral and case. The export holds their own details; other people's names, "
                        "addresses and contact details are taken out, and what was said about a victim's safety is withheld from anyone else. "
                        "You review the export and approve it before it can be downloaded."
                    </p>
                    <ErrorSummary error=form.error />
                    <form on:submit=on_search novalidate>
                        <TextField name="subject-query" label="Name of the person" hint="Any part of their name" width="rt-input--width-20" error=form.error />
                        <PendingButton pending=form.pending label="Find (asks for your passkey)" pending_label="Searching\u{2026}" id="find-subject" />
                    </form>
                    {move || found.get().map(|m| view! { <Matches matches=m form /> })}
                    <h2 class="rt-heading-l">"Requests"</h2>
                    {if list.is_empty() {
                        view! { <p class="rt-body">"No requests yet."</p> }.into_any()
                    } else {
                        view! {
                            <ul class="rt-list" id="requests">
                                {list.into_iter().map(|r| view! {
                                    <li><a class="rt-link" href=format!("/subject-access/{}", r.id)>{r.subject.clone()}</a>
                                        {format!(": prepared {}; {}", r.prepared, r.approved.map_or_else(|| "waiting for approval".to_string(), |a| format!("approved {a}")))}</li>
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                }.into_any())
            })}
        </Transition>
    }
}

#[component]
fn Matches(matches: Vec<SubjectMatch>, form: FormState) -> impl IntoView {
    if matches.is_empty() {
        return view! { <p class="rt-body" id="no-match">"Nobody of that name is on record."</p> }.into_any();
    }
    view! {
        <table class="rt-table" id="matches">
            <caption class="rt-table__caption rt-table__caption--m">"People on record"</caption>
            <thead><tr>
                <th class="rt-table__header" scope="col">"Name"</th>
                <th class="rt-table__header" scope="col">"Recorded as"</th>
                <th class="rt-table__header" scope="col">"Date of birth"</th>
                <th class="rt-table__header" scope="col">"Case"</th>
                <th class="rt-table__header" scope="col"><span class="rt-visually-hidden">"Action"</span></th>
            </tr></thead>
            <tbody>
                {matches.into_iter().map(|m| {
                    let (kind, id) = (StoredValue::new(m.kind), StoredValue::new(m.id.clone()));
                    view! {
                        <tr>
                            <th class="rt-table__header" scope="row">{m.name.clone()}</th>
                            <td class="rt-table__cell">{m.kind.label()}</td>
                            <td class="rt-table__cell">{m.date_of_birth.clone()}</td>
                            <td class="rt-table__cell">{m.reference.clone()}</td>
                            <td class="rt-table__cell">
                                <button type="button" class="rt-button rt-button--secondary rt-button--small"
                                    on:click=move |_| form.submit(move || prepare_export(kind.get_value().as_str().to_string(), id.get_value()), |request: String| load_page(&format!("/subject-access/{request}")))>
                                    {format!("Prepare the export for {}", m.name)}
                                </button>
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

/// "Subject access export": review, approve, download.
#[component]
pub fn SubjectRequestPage() -> impl IntoView {
    let params = use_params_map();
    let reload = RwSignal::new(0u32);
    let notice = RwSignal::new(None::<String>);
    let request = Resource::new(move || (params.with(|p| p.get("id").unwrap_or_default()), reload.get()), |(id, _)| subject_request(id));
    view! {
        <Title text="Subject access export" />
        <a class="rt-back-link" href="/subject-access">"Subject access requests"</a>
        <h1 class="rt-heading-xl">"Subject access export"</h1>
        <Notice message=notice />
        <Transition fallback=|| view! { <p class="rt-body">"Loading\u{2026}"</p> }>
            {move || Suspend::new(async move { loaded(request.await, move |r| view! { <Review r reload notice /> }.into_any()) })}
        </Transition>
    }
}

#[component]
fn Review(r: RequestView, reload: RwSignal<u32>, notice: RwSignal<Option<String>>) -> impl IntoView {
    let form = FormState::new();
    let id = StoredValue::new(r.summary.id.clone());
    let approve = move |_| {
        form.submit(
            move || approve_export(id.get_value()),
            move |()| {
                notice.set(Some("The export is approved and can be downloaded.".into()));
                reload.update(|n| *n += 1);
            },
        )
    };
    let download = move |format: &'static str| form.submit(reauthenticate, move |()| load_page(&export_path(&id.get_value(), format)));
    let e = r.export;
    let summaries = r.summaries_html;
    view! {
        <ErrorSummary error=form.error />
        <dl class="rt-summary-list">
            <SummaryRow key="Person" value=e.subject.clone() />
            <SummaryRow key="Recorded as" value=e.kind.label().to_string() />
            <SummaryRow key="Prepared" value=r.summary.prepared.clone() />
            <SummaryRow key="Approved" value=r.summary.approved.clone().unwrap_or_else(|| "Not yet".into()) />
        </dl>
        <h2 class="rt-heading-l">"What will be released"</h2>
        <div id="export-preview">
            {e.appearances.iter().enumerate().map(|(i, a)| view! {
                <section class="rt-panel">
                    <h3 class="rt-heading-m">{format!("Record {}: {}", i + 1, a.case_reference.clone().unwrap_or_else(|| "referral not heard".into()))}</h3>
                    <p class="rt-body">{format!("Referred on {} by {}.", a.referred_on, a.referring_agency)}</p>
                    <dl class="rt-summary-list">
                        {a.your_details.iter().map(|(k, v)| view! { <SummaryRow key=k.clone() value=v.clone() /> }).collect_view()}
                    </dl>
                    {summaries.get(i).cloned().flatten().map(|s| view! { <h4 class="rt-heading-s">"Why they were referred"</h4><div class="rt-body" inner_html=s.into_string()></div> })}
                    {(!a.shared_by_agencies.is_empty()).then(|| view! {
                        <h4 class="rt-heading-s">"What agencies shared"</h4>
                        <ul class="rt-list">
                            {a.shared_by_agencies.iter().map(|p| view! { <li><strong class="rt-tag">{p.kind.label()}</strong>" "{p.agency.clone()}": "{p.body.clone()}</li> }).collect_view()}
                        </ul>
                    })}
                    {a.withheld.clone().map(|w| view! { <p class="rt-inset-text">{w}</p> })}
                </section>
            }).collect_view()}
        </div>
        {if r.summary.approved.is_none() {
            view! {
                <p class="rt-body">"Check that nothing in it identifies anyone else. Approving asks for your passkey."</p>
                <button type="button" class="rt-button" id="approve-export" disabled=move || form.pending.get() on:click=approve>"Approve for release"</button>
            }.into_any()
        } else {
            view! {
                <div class="rt-button-group">
                    <button type="button" class="rt-button" id="download-pdf" on:click=move |_| download("pdf")>"Download as PDF"</button>
                    <button type="button" class="rt-button rt-button--secondary" id="download-json" on:click=move |_| download("json")>"Download as JSON"</button>
                </div>
            }.into_any()
        }}
    }
}
