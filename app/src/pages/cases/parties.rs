//! The people and the referral of a case, as far as the reader may see them: what the server
//! sent, and only that. Used by the case record, the live meeting and the research list.

use leptos::prelude::*;
use shared::display::iso_date;

use crate::api::cases::{CaseParties, DashLine, HouseholdView, PerpetratorView, ReferralView};
use crate::components::summary_row::SummaryRow;

fn or_not_recorded(v: &Option<String>) -> String {
    v.clone().filter(|s| !s.is_empty()).unwrap_or_else(|| "Not recorded".into())
}

fn born(dob: &Option<String>) -> String {
    dob.as_deref().map_or_else(|| "Not known".to_string(), iso_date)
}

/// Everything of `parties` that is present, under headings of `level` (2 on a page of its own),
/// with element ids starting `prefix` (several cases on one page each have their own).
#[component]
pub fn Parties(parties: CaseParties, #[prop(default = 2)] level: u8, #[prop(optional, into)] prefix: String) -> impl IntoView {
    let id = StoredValue::new(prefix);
    let id = move |name: &str| format!("{}{name}", id.get_value());
    let heading = move |name: &'static str, text: &'static str| {
        let class = if level == 2 { "rt-heading-l" } else { "rt-heading-m" };
        if level == 2 {
            view! { <h2 class=class id=id(name)>{text}</h2> }.into_any()
        } else {
            view! { <h3 class=class id=id(name)>{text}</h3> }.into_any()
        }
    };
    let p = parties;
    let any_victim = p.victim.is_some() || p.victim_address.is_some() || p.victim_profile.is_some() || p.victim_contact.is_some();
    view! {
        {p.referral.clone().map(|r| view! {
            <section id=id("referral") aria-labelledby=id("referral-heading")>
                {heading("referral-heading", "Referral")}
                <Referral r id=id("referral-summary") />
            </section>
        })}
        {any_victim.then(|| view! {
            <section id=id("victim") aria-labelledby=id("victim-heading")>
                {heading("victim-heading", "Victim")}
                <dl class="rt-summary-list">
                    {p.victim.clone().map(|v| view! {
                        <SummaryRow key="Name" value=v.name.clone() />
                        <SummaryRow key="Other names" value=if v.other_names.is_empty() { "None recorded".to_string() } else { v.other_names.join(", ") } />
                        <SummaryRow key="Date of birth" value=born(&v.date_of_birth) />
                    })}
                    {p.victim_address.clone().map(|a| view! { <div id=id("victim-address") class="rt-summary-list__row"><dt class="rt-summary-list__key">"Address"</dt><dd class="rt-summary-list__value">{or_not_recorded(&a.address)}</dd></div> })}
                    {p.victim_profile.clone().map(|p| view! {
                        <SummaryRow key="Gender" value=or_not_recorded(&p.gender) />
                        <SummaryRow key="Ethnicity" value=or_not_recorded(&p.ethnicity) />
                        <SummaryRow key="Disability" value=or_not_recorded(&p.disability) />
                        <SummaryRow key="Sexual orientation" value=or_not_recorded(&p.sexual_orientation) />
                        <SummaryRow key="First language" value=format!("{}{}", or_not_recorded(&p.first_language), if p.interpreter_needed { "; interpreter needed" } else { "" }) />
                    })}
                </dl>
                {p.victim_contact.clone().map(|k| view! {
                    <div id=id("victim-contact") class="rt-card">
                        <h3 class="rt-heading-s">"Safe contact (IDVA and coordinator only)"</h3>
                        <dl class="rt-summary-list rt-mb-0">
                            <SummaryRow key="Safe contact details" value=or_not_recorded(&k.safe_contact) />
                            <SummaryRow key="Safe times to call" value=or_not_recorded(&k.safe_times) />
                        </dl>
                    </div>
                })}
            </section>
        })}
        {p.perpetrators.clone().map(|list| view! {
            <section id=id("perpetrators") aria-labelledby=id("perpetrators-heading")>
                {heading("perpetrators-heading", "Perpetrators")}
                {list.into_iter().map(|p| view! { <Perpetrator p /> }).collect_view()}
            </section>
        })}
        {p.household.clone().map(|list| view! {
            <section id=id("household") aria-labelledby=id("household-heading")>
                {heading("household-heading", "Children and household")}
                <Household list />
            </section>
        })}
        {p.dash.clone().map(|lines| view! { <Dash lines id=id("dash") /> })}
        {p.consent.clone().map(|k| view! {
            <section id=id("consent") aria-labelledby=id("consent-heading")>
                {heading("consent-heading", "Referrer and consent")}
                <dl class="rt-summary-list">
                    <SummaryRow key="Referred by" value=format!("{}, {}", k.referrer_name, k.agency_name) />
                    <SummaryRow key="Consent" value=k.consent.clone() />
                    <SummaryRow key="Reason for sharing" value=or_not_recorded(&k.reason) />
                </dl>
            </section>
        })}
    }
}

#[component]
fn Referral(r: ReferralView, id: String) -> impl IntoView {
    view! {
        <dl class="rt-summary-list">
            <SummaryRow key="Criteria met" value=r.criteria.join("; ") />
            <SummaryRow key="DASH score" value=r.dash_score.map_or_else(|| "Not completed".to_string(), |s| format!("{s} of 24")) />
            <SummaryRow key="Police call-outs in 12 months" value=r.police_callouts.map_or_else(|| "Not known".to_string(), |n| n.to_string()) />
            <SummaryRow key="Latest incident" value=iso_date(&r.latest_incident_on) />
            {r.professional_judgement.clone().map(|p| view! { <SummaryRow key="Professional judgement" value=p /> })}
        </dl>
        <div class="rt-prose rt-inset-text" id=id inner_html=r.summary_html.clone().into_string()></div>
    }
}

#[component]
fn Perpetrator(p: PerpetratorView) -> impl IntoView {
    view! {
        <dl class="rt-summary-list">
            <SummaryRow key="Name" value=p.name.clone() />
            {(!p.other_names.is_empty()).then(|| view! { <SummaryRow key="Other names" value=p.other_names.join(", ") /> })}
            <SummaryRow key="Relationship to the victim" value=p.relationship.clone() />
            <SummaryRow key="Date of birth" value=born(&p.date_of_birth) />
            {p.address.clone().map(|a| view! { <SummaryRow key="Address" value=a /> })}
        </dl>
    }
}

#[component]
fn Household(list: Vec<HouseholdView>) -> impl IntoView {
    if list.is_empty() {
        return view! { <p class="rt-body">"None named."</p> }.into_any();
    }
    view! {
        <ul class="rt-list rt-people">
            {list.into_iter().map(|h| view! {
                <li class="rt-people__item">
                    <strong>{h.name.clone()}</strong>
                    <span class="rt-table__sub">{format!("{}, born {}", h.relationship, born(&h.date_of_birth))}</span>
                    {h.involvement.clone().filter(|i| !i.is_empty()).map(|i| view! { <span class="rt-table__sub">{format!("School or agency: {i}")}</span> })}
                </li>
            }).collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
fn Dash(lines: Vec<DashLine>, id: String) -> impl IntoView {
    let yes = lines.iter().filter(|l| l.answer == "Yes").count();
    view! {
        <details class="rt-details" id=id>
            <summary class="rt-details__summary"><span class="rt-details__summary-text">{format!("DASH answers ({yes} yes of {})", lines.len())}</span></summary>
            <ol class="rt-list rt-details__text">
                {lines.into_iter().map(|l| view! { <li>{format!("{} {}", l.question, l.answer)}</li> }).collect_view()}
            </ol>
        </details>
    }
}
