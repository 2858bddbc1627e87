//! One referral in triage: what it says, earlier cases that may be the same victim (confirm or
//! rule out each), then accept onto a meeting, ask the referrer for more, or reject.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
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
use crate::error::AppError;

/// "Triage a referral".
#[component]
pub fn TriageOnePage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let reload = RwSignal::new(0u32);
    let view_data = Resource::new(move || (params.with(|p| p.get("id").unwrap_or_default()), reload.get()), |(id, _)| triage_referral(id));
    // `?reject=REASON` is the step that asks whether to reject and destroy.
    let rejecting = Memo::new(move |_| query.with(|q| q.get("reject").and_then(|r| RejectionReason::parse(&r))));
    view! {
        <Title text=move || if rejecting.get().is_some() { "Reject and destroy this referral?" } else { "Triage a referral" } />
        <Transition fallback=|| view! { <p class="rt-body">"Loading\u{2026}"</p> }>
            {move || Suspend::new(async move {
                let reason = rejecting.get();
                loaded(view_data.await, move |v| match reason {
                    Some(reason) => view! { <ConfirmReject v reason /> }.into_any(),
                    None => view! { <a class="rt-back-link" href="/triage">"Referrals to triage"</a><Triage v reload /> }.into_any(),
                })
            })}
        </Transition>
    }
}

/// The GOV.UK "are you sure" step before a referral is rejected and destroyed: a page of its
/// own, so "No" and the browser's back button both return to the referral.
#[component]
fn ConfirmReject(v: TriageView, reason: RejectionReason) -> impl IntoView {
    let form = FormState::new();
    let id = StoredValue::new(v.summary.id.clone());
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        form.submit(move || reject_referral(id.get_value(), reason.as_str().to_string()), |()| load_page("/triage?rejected=1"));
    };
    let back = format!("/triage/{}", v.summary.id);
    view! {
        <a class="rt-back-link" href=back.clone()>"Back to the referral"</a>
        <ErrorSummary error=form.error />
        <span class="rt-caption-l">{format!("{} from {}", v.summary.reference, v.summary.agency_name)}</span>
        <h1 class="rt-heading-xl">"Reject and destroy this referral?"</h1>
        <div class="rt-confirm">
            <dl class="rt-summary-list">
                <SummaryRow key="Victim" value=v.victim.clone() />
                <SummaryRow key="Referred by" value=format!("{}, {}", v.referrer_name, v.summary.agency_name) />
                <SummaryRow key="Reason" value=reason.label() />
            </dl>
            <p class="rt-body">"The referral and everything in it are destroyed at once. Only an anonymous count by agency and month is kept."</p>
            <p class="rt-body">{format!("{} is told that referral {} was rejected and the reason: \u{201c}{}\u{201d}.", v.referrer_name, v.summary.reference, reason.label())}</p>
            <p class="rt-body"><strong>"You cannot undo this."</strong></p>
            <form on:submit=on_submit novalidate>
                <div class="rt-button-group">
                    <PendingButton pending=form.pending label="Yes, reject and destroy" pending_label="Rejecting\u{2026}" id="confirm-reject" warning=true />
                    <a class="rt-link rt-mb-4" href=back id="cancel-reject">"No, go back to the referral"</a>
                </div>
            </form>
        </div>
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
            move || accept_referral(AcceptInput { referral_id: id.get_value(), meeting_id: values.get("meeting"), idva_user_id: values.get("idva") }),
            move |_| load_page(&format!("/triage?accepted={reference}")),
        );
    };
    let on_ask = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let values = FormValues::from_event(&ev);
        form.submit(move || request_information(id.get_value(), values.get("information-request")), |()| load_page("/triage?asked=1"));
    };
    // Rejecting asks first, on a page of its own (see `ConfirmReject`).
    let navigate = use_navigate();
    let on_reject = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let values = FormValues::from_event(&ev);
        match RejectionReason::parse(&values.get("reject")) {
            Some(reason) => navigate(&format!("/triage/{}?reject={}", id.get_value(), reason.as_str()), Default::default()),
            None => form.error.set(Some(AppError::field("reject", "Choose why the referral is rejected"))),
        }
    };
    let mut idvas: Vec<(String, String)> = vec![(String::new(), "Not now: assign one on the case record".into())];
    idvas.extend(v.idvas.iter().cloned());
    let mut meetings: Vec<(String, String)> = vec![(String::new(), "The next meeting with room".into())];
    meetings.extend(v.meetings.iter().map(|m| (m.id.clone(), format!("{} ({} places left)", m.label, m.places_left))));
    let reasons: Vec<(String, String)> = std::iter::once((String::new(), "Choose a reason".to_string()))
        .chain(RejectionReason::ALL.iter().map(|r| (r.as_str().into(), r.label().into())))
        .collect();
    view! {
        <Title text=format!("Triage referral {}", v.summary.reference) />
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
        <div class="rt-prose" inner_html=v.summary_html.clone().into_string()></div>
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
            <SelectField name="idva" label="IDVA for this case (optional)" error=form.error options=idvas
                hint="The IDVA supports the victim before and after the meeting. For a repeat, leaving this blank keeps the case's IDVA." />
            <PendingButton pending=form.pending label="Accept onto the agenda" pending_label="Accepting\u{2026}" id="accept-referral" />
        </form>

        <h2 class="rt-heading-l">"Ask the referrer for more information"</h2>
        <form on:submit=on_ask novalidate>
            <TextArea name="information-request" label="What you need to know" error=form.error rows=3 />
            <PendingButton pending=form.pending label="Send question" pending_label="Sending\u{2026}" id="ask-referrer" secondary=true />
        </form>

        <h2 class="rt-heading-l">"Reject"</h2>
        <p class="rt-body">"Rejecting destroys the referral and everything in it at once. Only an anonymous count by agency and month is kept."</p>
        <form on:submit=on_reject method="get" action=format!("/triage/{}", v.summary.id) novalidate>
            <SelectField name="reject" label="Reason" error=form.error options=reasons />
            <button type="submit" class="rt-button rt-button--warning" id="reject-referral">"Reject and destroy\u{2026}"</button>
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
            <th class="rt-table__header" scope="row" data-label="Case">{c.victim_name.clone()}
                <span class="rt-table__sub">{format!("{}{}", c.reference, c.victim_dob.as_deref().map(|d| format!(", born {}", iso_date(d))).unwrap_or_default())}</span></th>
            <td class="rt-table__cell" data-label="Match">{c.strength.clone()}</td>
            <td class="rt-table__cell" data-label="Last heard">{heard}
                {c.within_twelve_months.then(|| view! { <span class="rt-table__sub">"Within 12 months: a repeat"</span> })}</td>
            <td class="rt-table__cell" data-label="Decision">
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
