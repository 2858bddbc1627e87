//! The coordinator's list of referrals waiting for a decision.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use shared::display::instant;

use super::StatusTag;
use crate::api::referrals::{triage_list, TriageSummary};
use crate::components::loaded::loaded;

/// "Referrals to triage".
#[component]
pub fn TriagePage() -> impl IntoView {
    let list = Resource::new(|| (), |_| triage_list());
    let query = use_query_map().get_untracked();
    let notice = query
        .get("accepted")
        .map(|r| format!("{r} was accepted onto the agenda."))
        .or_else(|| {
            query
                .get("rejected")
                .map(|_| "The referral was rejected and its personal data destroyed. The referrer is told that it was rejected, and why.".to_string())
        })
        .or_else(|| query.get("asked").map(|_| "The referrer was asked for more information.".to_string()));
    view! {
        <Title text="Referrals to triage" />
        <h1 class="rt-heading-xl">"Referrals to triage"</h1>
        {notice.map(|n| view! { <div class="rt-notice" role="status"><p class="rt-notice__text">{n}</p></div> })}
        <Transition fallback=|| view! { <p class="rt-body">"Loading\u{2026}"</p> }>
            {move || Suspend::new(async move { loaded(list.await, |items| view! { <TriageTable items /> }.into_any()) })}
        </Transition>
    }
}

#[component]
fn TriageTable(items: Vec<TriageSummary>) -> impl IntoView {
    if items.is_empty() {
        return view! { <p class="rt-body">"No referrals are waiting."</p> }.into_any();
    }
    view! {
        <table class="rt-table" id="triage">
            <caption class="rt-table__caption rt-table__caption--m">{format!("{} waiting, oldest first", items.len())}</caption>
            <thead><tr>
                <th class="rt-table__header" scope="col">"Referral"</th>
                <th class="rt-table__header" scope="col">"From"</th>
                <th class="rt-table__header" scope="col">"Criteria"</th>
                <th class="rt-table__header" scope="col">"Flags"</th>
                <th class="rt-table__header" scope="col">"Status"</th>
            </tr></thead>
            <tbody>
                {items.into_iter().map(|t| view! {
                    <tr>
                        <th class="rt-table__header" scope="row" data-label="Referral">
                            <a class="rt-link" href=format!("/triage/{}", t.id)>{t.victim_name.clone()}</a>
                            <span class="rt-table__sub">{t.reference.clone()}</span>
                        </th>
                        <td class="rt-table__cell" data-label="From">{t.agency_name.clone()}<span class="rt-table__sub">{instant(t.submitted_at)}</span></td>
                        <td class="rt-table__cell" data-label="Criteria">{t.criteria.join("; ")}</td>
                        <td class="rt-table__cell" data-label="Flags">
                            {(t.repeat_candidates > 0).then(|| view! { <strong class="rt-tag rt-tag--orange">"Possible repeat"</strong> " " })}
                            {t.has_household.then(|| view! { <strong class="rt-tag rt-tag--purple">"Children or vulnerable adults"</strong> })}
                        </td>
                        <td class="rt-table__cell" data-label="Status"><StatusTag status=t.status /></td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
