//! One referral in triage: what it says, earlier cases that may be the same victim (confirm or
//! rule out each), then accept onto a meeting, ask the referrer for more, or reject.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use shared::display::iso_date;
use shared::referral::RejectionReason;

use crate::api::referrals::{
    accept_referral, decide_repeat, reject_referral, request_information, triage_referral, AcceptInput, RepeatCandidate, TriageView,
};
use crate::components::error_summary::ErrorSummary;
use crate::components::fields::{FormValues, SelectField, TextArea};
use crate::components::loaded::loaded;
use crate::components::pending_button::PendingButton;
use crate::components::submit_task::{load_page, FormState};
use crate::components::summary_row::SummaryRow;

/// "Triage a referral".
#[component]
pub fn TriageOnePage() -> impl IntoView {
    let params = use_params_map();
    let reload = RwSignal::new(0u32);
    let view_data = Resource::new(move || (params.with(|p| p.get("id").unwrap_or_default()), reload.get()), |(id, _)| triage_referral(id));
    view! {
        <Title text="Triage a referral" />
        <a class="rt-back-link" href="/triage">"Referrals to triage"</a>
        <Transition fallback=|| view! { <p class="rt-body">"Loading\u{2026}"</p> }>
            {move || Suspend::new(async move { loaded(view_data.await, move |v| view! { <Triage v reload /> }.into_any()) })}
        </Transition>
    }
}

#[component]
fn Triage(v: TriageView, reload: RwSignal<u32>) -> impl IntoView {
    let form = FormState::new();
    let id = StoredValue::new(v.summary.id.clone());
    let reference = v.summary.reference.clone();
    let undecided = v.candidates.iter().any(|c| c.decision.is_none());
    let on_accept = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let values = FormValues::from_event(&ev);
        let reference = reference.clone();
        form.submit(
            move || accept_referral(AcceptInput { referral_id: id.get_value(), meeting_id: values.get("meeting") }),
            move |_| load_page(&format!("/triage?accepted={reference}")),
        );
    };
    let on_ask = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let values = FormValues::from_event(&ev);
        form.submit(move || request_information(id.get_value(), values.get("information-request")), |()| load_page("/triage?asked=1"));
    };
    let on_reject = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let values = FormValues::from_event(&ev);
        form.submit(move || reject_referral(id.get_value(), values.get("rejection-reason")), |()| load_page("/triage?rejected=1"));
    };
    let mut meetings: Vec<(String, String)> = vec![(String::new(), "The next meeting with room".into())];
    meetings.extend(v.meetings.iter().map(|m| (m.id.clone(), format!("{} ({} places left)", m.label, m.places_left))));
    let reasons: Vec<(String, String)> = std::iter::once((String::new(), "Choose a reason".to_string()))
        .chain(RejectionReason::ALL.iter().map(|r| (r.as_str().into(), r.label().into())))
        .collect();
    view! {
        <span class="rt-caption-l">{format!("{} from {}", v.summary.reference, v.summary.agency_name)}</span>
        <h1 class="rt-heading-xl">{v.victim.clone()}</h1>
        <ErrorSummary error=form.error />
        <dl class="rt-summary-list">
            <SummaryRow key="Referred by" value=format!("{}, {}", v.referrer_name, v.summary.agency_name) />
            <SummaryRow key="Latest incident" value=iso_date(&v.latest_incident_on) />
            <SummaryRow key="Criteria met" value=v.summary.criteria.join("; ") />
            <SummaryRow key="DASH score" value=v.dash_score.map_or_else(|| "Not completed".to_string(), |s| format!("{s} of 24")) />
            <SummaryRow key="Police call-outs in 12 months" value=v.police_callouts.map_or_else(|| "Not known".to_string(), |n| n.to_string()) />
            <SummaryRow key="Professional judgement" value=v.professional_judgement.clone().unwrap_or_else(|| "None given".into()) />
            <SummaryRow key="Perpetrators" value=v.perpetrators.join("; ") />
            <SummaryRow key="Household" value=if v.household.is_empty() { "No children or vulnerable adults named".to_string() } else { v.household.join("; ") } />
            <SummaryRow key="Consent" value=format!("{}{}", v.consent, v.consent_reason.as_ref().map(|r| format!(". {r}")).unwrap_or_default()) />
        </dl>
        <h2 class="rt-heading-m">"Summary of the incident and risks"</h2>
        <div class="rt-prose" inner_html=v.summary_html.clone()></div>
        {v.information_request.clone().map(|q| view! {
            <h2 class="rt-heading-m">"More information"</h2>
            <div class="rt-inset-text"><p class="rt-body"><strong>"You asked: "</strong>{q}</p>
                <p class="rt-body"><strong>"Reply: "</strong>{v.information_reply.clone().unwrap_or_else(|| "No reply yet".into())}</p></div>
        })}

        <h2 class="rt-heading-l" id="repeat-candidates" tabindex="-1">"Earlier cases for this victim"</h2>
        {if v.candidates.is_empty() {
            view! { <p class="rt-body" id="no-candidates">"No earlier case matches this victim's names or date of birth."</p> }.into_any()
        } else {
            view! {
                <p class="rt-body">"These earlier cases may be the same person. Confirm or rule out each one: a case heard in the 12 months before the latest incident makes this a repeat."</p>
                <table class="rt-table" id="candidates">
                    <thead><tr>
                        <th class="rt-table__header" scope="col">"Case"</th>
                        <th class="rt-table__header" scope="col">"Match"</th>
                        <th class="rt-table__header" scope="col">"Last heard"</th>
                        <th class="rt-table__header" scope="col">"Decision"</th>
                    </tr></thead>
                    <tbody>
                        {v.candidates.iter().cloned().map(|c| view! { <CandidateRow c id form reload /> }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}

        <h2 class="rt-heading-l">"Accept"</h2>
        {undecided.then(|| view! { <p class="rt-body"><strong>"Confirm or rule out each earlier case above first."</strong></p> })}
        <form on:submit=on_accept novalidate>
            <SelectField name="meeting" label="Meeting" error=form.error options=meetings />
            <PendingButton pending=form.pending label="Accept onto the agenda" pending_label="Accepting\u{2026}" id="accept-referral" />
        </form>

        <h2 class="rt-heading-l">"Ask the referrer for more information"</h2>
        <form on:submit=on_ask novalidate>
            <TextArea name="information-request" label="What you need to know" error=form.error rows=3 />
            <PendingButton pending=form.pending label="Send question" pending_label="Sending\u{2026}" id="ask-referrer" secondary=true />
        </form>

        <h2 class="rt-heading-l">"Reject"</h2>
        <p class="rt-body">"Rejecting destroys the referral and everything in it at once. Only an anonymous count by agency and month is kept."</p>
        <form on:submit=on_reject novalidate>
            <SelectField name="rejection-reason" label="Reason" error=form.error options=reasons />
            <PendingButton pending=form.pending label="Reject and destroy" pending_label="Rejecting\u{2026}" id="reject-referral" warning=true />
        </form>
    }
}

#[component]
fn CandidateRow(c: RepeatCandidate, id: StoredValue<String>, form: FormState, reload: RwSignal<u32>) -> impl IntoView {
    let decide = move |case_id: String, confirmed: bool| {
        form.submit(move || decide_repeat(id.get_value(), case_id.clone(), confirmed), move |()| reload.update(|n| *n += 1));
    };
    let (yes_case, no_case) = (c.case_id.clone(), c.case_id.clone());
    let decision = match c.decision.as_deref() {
        Some("confirmed") => view! { <strong class="rt-tag rt-tag--green">"Same victim"</strong> }.into_any(),
        Some(_) => view! { <strong class="rt-tag rt-tag--grey">"Not the same victim"</strong> }.into_any(),
        None => view! { <strong class="rt-tag rt-tag--yellow">"Not decided"</strong> }.into_any(),
    };
    let heard = if c.last_heard_on.is_empty() { "Not heard yet".to_string() } else { iso_date(&c.last_heard_on) };
    view! {
        <tr>
            <th class="rt-table__header" scope="row">{c.victim_name.clone()}
                <span class="rt-table__sub">{format!("{}{}", c.reference, c.victim_dob.as_deref().map(|d| format!(", born {}", iso_date(d))).unwrap_or_default())}</span></th>
            <td class="rt-table__cell">{c.strength.clone()}</td>
            <td class="rt-table__cell">{heard}
                {c.within_twelve_months.then(|| view! { <span class="rt-table__sub">"Within 12 months: a repeat"</span> })}</td>
            <td class="rt-table__cell">
                {decision}
                <div class="rt-button-group rt-mt-2">
                    <button type="button" class="rt-button rt-button--small" on:click=move |_| decide(yes_case.clone(), true)
                        aria-label=format!("{} is the same victim", c.reference)>"Same victim"</button>
                    <button type="button" class="rt-button rt-button--secondary rt-button--small" on:click=move |_| decide(no_case.clone(), false)
                        aria-label=format!("{} is not the same victim", c.reference)>"Not the same"</button>
                </div>
            </td>
        </tr>
    }
}
