//! Referrals: the referrer's own list and form; the coordinator's triage.

pub mod form;
pub mod triage;
pub mod triage_one;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use shared::display::instant;
use shared::referral::ReferralStatus;

use crate::api::referrals::{my_referrals, new_referral, ReferralSummary};
use crate::components::error_summary::ErrorSummary;
use crate::components::loaded::loaded;
use crate::components::pending_button::PendingButton;
use crate::components::submit_task::{load_page, FormState};

/// What the page says after an action, from the address (`?sent=R-2026-00001`).
fn arrival_notice() -> Option<String> {
    let query = use_query_map().get_untracked();
    if let Some(reference) = query.get("sent") {
        return Some(format!("Referral {reference} was sent to the coordinator."));
    }
    if query.get("replied").is_some() {
        return Some("Your reply was sent to the coordinator.".into());
    }
    query.get("discarded").map(|_| "The draft was deleted.".into())
}

/// "Your referrals".
#[component]
pub fn ReferralsPage() -> impl IntoView {
    let list = Resource::new(|| (), |_| my_referrals());
    let form = FormState::new();
    let notice = arrival_notice();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        form.submit(new_referral, |id: String| load_page(&format!("/referrals/{id}")));
    };
    view! {
        <Title text="Your referrals" />
        <h1 class="rt-heading-xl">"Your referrals"</h1>
        {notice.map(|n| view! { <div class="rt-notice" role="status"><p class="rt-notice__text">{n}</p></div> })}
        <ErrorSummary error=form.error />
        <Transition fallback=|| view! { <p class="rt-body">"Loading\u{2026}"</p> }>
            {move || Suspend::new(async move {
                loaded(list.await, move |items| view! {
                    <Rejections items=items.clone() />
                    <form on:submit=on_submit>
                        <PendingButton pending=form.pending label="Start a new referral" pending_label="Starting\u{2026}" id="new-referral" />
                    </form>
                    <ReferralTable items />
                }.into_any())
            })}
        </Transition>
    }
}

/// Tells the referrer which of their referrals the coordinator rejected lately, and why (the
/// referrals themselves were destroyed).
#[component]
fn Rejections(items: Vec<ReferralSummary>) -> impl IntoView {
    let rejected: Vec<ReferralSummary> = items.into_iter().filter(|r| r.status == ReferralStatus::Rejected).collect();
    (!rejected.is_empty()).then(|| {
        let heading = if rejected.len() == 1 { "A referral was rejected".to_string() } else { format!("{} referrals were rejected", rejected.len()) };
        view! {
            <div class="rt-panel rt-panel--alert" id="rejections">
                <h2 class="rt-heading-m">{heading}</h2>
                <ul class="rt-list">
                    {rejected.into_iter().map(|r| view! {
                        <li>{format!(
                            "{} was rejected on {}. Reason: {}.",
                            r.reference.unwrap_or_default(),
                            shared::display::day_of(r.updated_at),
                            r.rejection_reason.unwrap_or_else(|| "none recorded".into())
                        )}</li>
                    }).collect_view()}
                </ul>
                <p class="rt-body">"The coordinator destroyed what it said, as the Information Sharing Agreement requires. If you still judge the risk to be high, talk to the MARAC coordinator or refer again with what has changed."</p>
            </div>
        }
    })
}

#[component]
fn ReferralTable(items: Vec<ReferralSummary>) -> impl IntoView {
    if items.is_empty() {
        return view! { <p class="rt-body">"You have not started any referrals."</p> }.into_any();
    }
    view! {
        <table class="rt-table" id="referrals">
            <caption class="rt-table__caption rt-table__caption--m">"Drafts and sent referrals"</caption>
            <thead><tr>
                <th class="rt-table__header" scope="col">"Victim"</th>
                <th class="rt-table__header" scope="col">"Reference"</th>
                <th class="rt-table__header" scope="col">"Status"</th>
                <th class="rt-table__header" scope="col">"Last change"</th>
            </tr></thead>
            <tbody>
                {items.into_iter().map(|r| {
                    let editable = matches!(r.status, ReferralStatus::Draft | ReferralStatus::MoreInformationRequested);
                    let name = match (&r.victim_name, r.status) {
                        (Some(name), _) => name.clone(),
                        (None, ReferralStatus::Rejected) => "Destroyed when rejected".into(),
                        (None, _) => "Not named yet".into(),
                    };
                    view! {
                        <tr>
                            <td class="rt-table__cell" data-label="Victim">{if editable {
                                view! { <a class="rt-link" href=format!("/referrals/{}", r.id)>{name}</a> }.into_any()
                            } else {
                                view! { <span>{name}</span> }.into_any()
                            }}</td>
                            <td class="rt-table__cell" data-label="Reference">{r.reference.clone().unwrap_or_else(|| "\u{2014}".into())}</td>
                            <td class="rt-table__cell" data-label="Status"><StatusTag status=r.status />
                                {r.rejection_reason.clone().map(|why| view! { <span class="rt-table__sub">{why}</span> })}</td>
                            <td class="rt-table__cell" data-label="Last change">{instant(r.updated_at)}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

/// A referral's status as a coloured tag.
#[component]
pub fn StatusTag(status: ReferralStatus) -> impl IntoView {
    let colour = match status {
        ReferralStatus::Draft => "rt-tag rt-tag--grey",
        ReferralStatus::MoreInformationRequested => "rt-tag rt-tag--yellow",
        ReferralStatus::Accepted => "rt-tag rt-tag--green",
        ReferralStatus::Rejected => "rt-tag rt-tag--red",
        ReferralStatus::Submitted => "rt-tag",
    };
    view! { <strong class=colour>{status.label()}</strong> }
}
