//! Cases: the ones a person works with, search (coordinators and chairs), and the record.

pub mod data_protection;
pub mod parties;
pub mod record;

use leptos::prelude::*;
use leptos_meta::Title;
use shared::display::iso_date;

use crate::api::cases::{my_cases, search_cases, CaseHit};
use crate::components::error_summary::ErrorSummary;
use crate::components::fields::{FormValues, TextField};
use crate::components::loaded::loaded;
use crate::components::pending_button::PendingButton;
use crate::components::submit_task::FormState;

/// "Cases": the person's cases, and search for those who may search.
#[component]
pub fn CasesPage() -> impl IntoView {
    let list = Resource::new(|| (), |_| my_cases());
    let form = FormState::new();
    let results = RwSignal::new(None::<Vec<CaseHit>>);
    let on_search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let values = FormValues::from_event(&ev);
        form.submit(move || search_cases(values.get("search")), move |hits| results.set(Some(hits)));
    };
    view! {
        <Title text="Cases" />
        <h1 class="rt-heading-xl">"Cases"</h1>
        <ErrorSummary error=form.error />
        <Transition fallback=|| view! { <p class="rt-body">"Loading\u{2026}"</p> }>
            {move || Suspend::new(async move {
                loaded(list.await, move |hits| view! {
                    <section aria-labelledby="search-heading">
                        <h2 class="rt-heading-m" id="search-heading">"Search"</h2>
                        <form on:submit=on_search novalidate role="search">
                            <TextField name="search" label="Name, date of birth or case reference" error=form.error width="rt-input--width-30"
                                hint="For example Ada Thornbury, 14/03/1988 or C-2026-00001. Searches are recorded in the audit log." />
                            <PendingButton pending=form.pending label="Search" pending_label="Searching\u{2026}" id="search-cases" secondary=true />
                        </form>
                        {move || results.get().map(|r| view! { <CaseTable hits=r caption="Search results".to_string() id="search-results" /> })}
                    </section>
                    <CaseTable hits caption="Open cases you work with".to_string() id="my-cases" />
                }.into_any())
            })}
        </Transition>
    }
}

#[component]
pub(crate) fn CaseTable(hits: Vec<CaseHit>, caption: String, id: &'static str) -> impl IntoView {
    if hits.is_empty() {
        return view! { <p class="rt-body" id=id>{format!("{caption}: none.")}</p> }.into_any();
    }
    view! {
        <table class="rt-table" id=id>
            <caption class="rt-table__caption rt-table__caption--m">{caption}</caption>
            <thead><tr>
                <th class="rt-table__header" scope="col">"Victim"</th>
                <th class="rt-table__header" scope="col">"Reference"</th>
                <th class="rt-table__header" scope="col">"Last heard"</th>
                <th class="rt-table__header" scope="col">"Next meeting"</th>
            </tr></thead>
            <tbody>
                {hits.into_iter().map(|h| view! {
                    <tr>
                        <th class="rt-table__header" scope="row"><a class="rt-link" href=format!("/cases/{}", h.id)>{h.victim_name.clone().unwrap_or_else(|| h.reference.clone())}</a>
                            {h.victim_dob.as_deref().map(|d| view! { <span class="rt-table__sub">{format!("Born {}", iso_date(d))}</span> })}</th>
                        <td class="rt-table__cell">{h.reference.clone()}{(h.status == shared::casefile::CaseStatus::Closed).then(|| view! { " " <strong class="rt-tag rt-tag--grey">"Closed"</strong> })}{h.restricted.then(|| view! { " " <strong class="rt-tag rt-tag--red">"Restricted"</strong> })}</td>
                        <td class="rt-table__cell">{h.last_heard_on.as_deref().map_or_else(|| "Not yet".to_string(), iso_date)}</td>
                        <td class="rt-table__cell">{h.next_meeting.clone().unwrap_or_else(|| "\u{2014}".into())}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
