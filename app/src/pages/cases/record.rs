//! The case record: only the parts the viewer may see are sent, and only those are shown. The
//! coordinator also records which agencies work with the case, assigns the IDVA and closes it.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use shared::display::iso_date;
use shared::policy::cases::Involvement;

use crate::api::cases::{assign_idva, close_case, open_case, set_involvement, CaseView, InvolvementInput, ManageChoices};
use crate::components::error_summary::ErrorSummary;
use crate::components::fields::{FormValues, SelectField, TextArea};
use crate::components::loaded::{loaded, Notice};
use crate::components::pending_button::PendingButton;
use crate::components::submit_task::FormState;
use crate::components::summary_row::SummaryRow;
use crate::pages::cases::data_protection::{Corrections, DataProtection, Rectify};

/// "Case" page.
#[component]
pub fn CasePage() -> impl IntoView {
    let params = use_params_map();
    let reload = RwSignal::new(0u32);
    let notice = RwSignal::new(None::<String>);
    let case = Resource::new(move || (params.with(|p| p.get("id").unwrap_or_default()), reload.get()), |(id, _)| open_case(id));
    view! {
        <Title text="Case" />
        <a class="rt-back-link" href="/cases">"Cases"</a>
        <Transition fallback=|| view! { <p class="rt-body">"Loading\u{2026}"</p> }>
            {move || Suspend::new(async move { loaded(case.await, move |c| view! { <Record c reload notice /> }.into_any()) })}
        </Transition>
    }
}

fn or_not_recorded(v: &Option<String>) -> String {
    v.clone().filter(|s| !s.is_empty()).unwrap_or_else(|| "Not recorded".into())
}

#[component]
fn Record(c: CaseView, reload: RwSignal<u32>, notice: RwSignal<Option<String>>) -> impl IntoView {
    let title = c.victim.as_ref().map_or_else(|| c.reference.clone(), |v| v.name.clone());
    view! {
        <span class="rt-caption-l">{c.reference.clone()}
            {(c.status == "closed").then(|| view! { " " <strong class="rt-tag rt-tag--grey">"Closed"</strong> })}
            {c.restricted.then(|| view! { " " <strong class="rt-tag rt-tag--red">"Restricted"</strong> })}
        </span>
        <h1 class="rt-heading-xl" id="case-title">{title}</h1>
        <Notice message=notice />
        {c.closed.clone().map(|(on, reason)| view! { <div class="rt-inset-text">{format!("Closed on {}: {reason}", iso_date(&on))}</div> })}
        {(!c.upcoming.is_empty()).then(|| view! { <p class="rt-body" id="upcoming">{format!("On the agenda of: {}", c.upcoming.join("; "))}</p> })}

        {c.risk.clone().map(|r| view! {
            <section id="risk" aria-labelledby="risk-heading">
                <h2 class="rt-heading-l" id="risk-heading">"Risk"</h2>
                <dl class="rt-summary-list">
                    <SummaryRow key="Criteria met" value=r.criteria.join("; ") />
                    <SummaryRow key="DASH score" value=r.dash_score.map_or_else(|| "Not completed".to_string(), |s| format!("{s} of 24")) />
                    <SummaryRow key="Police call-outs in 12 months" value=r.police_callouts.map_or_else(|| "Not known".to_string(), |n| n.to_string()) />
                    <SummaryRow key="Latest incident" value=iso_date(&r.latest_incident_on) />
                    {r.professional_judgement.clone().map(|p| view! { <SummaryRow key="Professional judgement" value=p /> })}
                </dl>
                <h3 class="rt-heading-s">"Summary of the incident and risks"</h3>
                <div class="rt-prose" inner_html=r.summary_html.clone()></div>
            </section>
        })}

        {(c.victim.is_some() || c.victim_profile.is_some() || c.victim_contact.is_some()).then(|| view! {
            <section id="victim" aria-labelledby="victim-heading">
                <h2 class="rt-heading-l" id="victim-heading">"Victim"</h2>
                <dl class="rt-summary-list">
                    {c.victim.clone().map(|v| view! {
                        <SummaryRow key="Name" value=v.name.clone() />
                        <SummaryRow key="Other names" value=if v.other_names.is_empty() { "None recorded".to_string() } else { v.other_names.join(", ") } />
                        <SummaryRow key="Date of birth" value=v.date_of_birth.as_deref().map_or_else(|| "Not known".to_string(), iso_date) />
                    })}
                    {c.victim_profile.clone().map(|p| view! {
                        <SummaryRow key="Gender" value=or_not_recorded(&p.gender) />
                        <SummaryRow key="Ethnicity" value=or_not_recorded(&p.ethnicity) />
                        <SummaryRow key="Disability" value=or_not_recorded(&p.disability) />
                        <SummaryRow key="Sexual orientation" value=or_not_recorded(&p.sexual_orientation) />
                        <SummaryRow key="First language" value=format!("{}{}", or_not_recorded(&p.first_language), if p.interpreter_needed { "; interpreter needed" } else { "" }) />
                    })}
                </dl>
                {c.victim_contact.clone().map(|k| view! {
                    <div id="victim-contact" class="rt-card">
                        <h3 class="rt-heading-s">"Safe contact (IDVA, coordinator and chair only)"</h3>
                        <dl class="rt-summary-list rt-mb-0">
                            <SummaryRow key="Address" value=or_not_recorded(&k.address) />
                            <SummaryRow key="Safe contact details" value=or_not_recorded(&k.safe_contact) />
                            <SummaryRow key="Safe times to call" value=or_not_recorded(&k.safe_times) />
                        </dl>
                    </div>
                })}
            </section>
        })}

        {c.perpetrators.clone().map(|list| view! {
            <section id="perpetrators" aria-labelledby="perpetrators-heading">
                <h2 class="rt-heading-l" id="perpetrators-heading">"Perpetrators"</h2>
                {list.into_iter().map(|p| view! {
                    <dl class="rt-summary-list">
                        <SummaryRow key="Name" value=p.name.clone() />
                        <SummaryRow key="Relationship" value=p.relationship.clone() />
                        <SummaryRow key="Date of birth" value=p.date_of_birth.as_deref().map_or_else(|| "Not known".to_string(), iso_date) />
                        {p.address.clone().map(|a| view! { <SummaryRow key="Address" value=a /> })}
                    </dl>
                }).collect_view()}
            </section>
        })}

        {c.household.clone().map(|list| view! {
            <section id="household" aria-labelledby="household-heading">
                <h2 class="rt-heading-l" id="household-heading">"Children and vulnerable adults"</h2>
                {if list.is_empty() {
                    view! { <p class="rt-body">"None named."</p> }.into_any()
                } else {
                    view! {
                        <table class="rt-table">
                            <thead><tr>
                                <th class="rt-table__header" scope="col">"Name"</th>
                                <th class="rt-table__header" scope="col">"Date of birth"</th>
                                <th class="rt-table__header" scope="col">"Relationship"</th>
                                <th class="rt-table__header" scope="col">"School or agency"</th>
                            </tr></thead>
                            <tbody>{list.into_iter().map(|h| view! {
                                <tr>
                                    <td class="rt-table__cell">{h.name.clone()}</td>
                                    <td class="rt-table__cell">{h.date_of_birth.as_deref().map_or_else(|| "Not known".to_string(), iso_date)}</td>
                                    <td class="rt-table__cell">{h.relationship.clone()}</td>
                                    <td class="rt-table__cell">{h.involvement.clone().unwrap_or_default()}</td>
                                </tr>
                            }).collect_view()}</tbody>
                        </table>
                    }.into_any()
                }}
            </section>
        })}

        {c.consent.clone().map(|k| view! {
            <section id="consent" aria-labelledby="consent-heading">
                <h2 class="rt-heading-l" id="consent-heading">"Referral and consent"</h2>
                <dl class="rt-summary-list">
                    <SummaryRow key="Referred by" value=format!("{}, {}", k.referrer_name, k.agency_name) />
                    <SummaryRow key="Consent" value=k.consent.clone() />
                    <SummaryRow key="Reason for sharing" value=or_not_recorded(&k.reason) />
                </dl>
            </section>
        })}

        {c.agencies.clone().map(|(list, idva)| view! {
            <section id="agencies" aria-labelledby="agencies-heading">
                <h2 class="rt-heading-l" id="agencies-heading">"Agencies working with the case"</h2>
                <p class="rt-body">{format!("IDVA: {}", idva.unwrap_or_else(|| "not assigned".into()))}</p>
                {if list.is_empty() {
                    view! { <p class="rt-body">"No other agency recorded yet."</p> }.into_any()
                } else {
                    view! { <ul class="rt-list rt-list--bullet">{list.into_iter().map(|a| view! { <li>{format!("{}: {}", a.agency_name, a.label.to_lowercase())}</li> }).collect_view()}</ul> }.into_any()
                }}
            </section>
        })}

        {(!c.actions.is_empty()).then(|| view! {
            <section aria-labelledby="case-actions-heading">
                <h2 class="rt-heading-l" id="case-actions-heading">"Actions"</h2>
                <crate::pages::meetings::case::ActionList actions=c.actions.clone() id="case-actions" empty="" reload />
            </section>
        })}

        <section id="history" aria-labelledby="history-heading">
            <h2 class="rt-heading-l" id="history-heading">"History"</h2>
            <ul class="rt-list rt-list--bullet">
                {c.history.iter().map(|h| view! { <li>{format!("{} referred by {} on {}{}", h.reference, h.agency_name, iso_date(&h.referred_on), if h.repeat { " (repeat)" } else { "" })}</li> }).collect_view()}
                {c.hearings.iter().map(|d| view! { <li>{format!("Heard at MARAC on {}", iso_date(d))}</li> }).collect_view()}
            </ul>
        </section>

        {(!c.corrections.is_empty()).then(|| view! { <Corrections list=c.corrections.clone() /> })}
        {(!c.rectifiable.is_empty()).then(|| view! { <Rectify case_id=c.id.clone() choices=c.rectifiable.clone() reload notice /> })}
        {c.data_protection.clone().map(|p| view! { <DataProtection case_id=c.id.clone() restricted=c.restricted panel=p reload notice /> })}
        {c.manage.clone().map(|m| view! { <Manage case_id=c.id.clone() choices=m reload notice /> })}
    }
}

#[component]
fn Manage(case_id: String, choices: ManageChoices, reload: RwSignal<u32>, notice: RwSignal<Option<String>>) -> impl IntoView {
    let form = FormState::new();
    let id = StoredValue::new(case_id);
    let done = move |message: &'static str| {
        move |()| {
            notice.set(Some(message.to_string()));
            reload.update(|n| *n += 1);
        }
    };
    let on_involve = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let v = FormValues::from_event(&ev);
        let input =
            InvolvementInput { case_id: id.get_value(), agency_id: v.get("involvement-agency"), involvement: v.get("involvement"), present: true };
        form.submit(move || set_involvement(input.clone()), done("The agency was added."));
    };
    let on_idva = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let v = FormValues::from_event(&ev);
        form.submit(move || assign_idva(id.get_value(), v.get("idva")), done("The IDVA was assigned."));
    };
    let on_close = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let v = FormValues::from_event(&ev);
        form.submit(move || close_case(id.get_value(), v.get("close-reason")), done("The case was closed."));
    };
    let agencies: Vec<(String, String)> = std::iter::once((String::new(), "Choose an agency".to_string())).chain(choices.agencies).collect();
    let involvements: Vec<(String, String)> = Involvement::ALL.iter().map(|i| (i.as_str().to_string(), i.label().to_string())).collect();
    let idvas: Vec<(String, String)> = std::iter::once((String::new(), "No IDVA".to_string())).chain(choices.idvas).collect();
    view! {
        <section id="manage" aria-labelledby="manage-heading">
            <h2 class="rt-heading-l" id="manage-heading">"Manage this case"</h2>
            <ErrorSummary error=form.error />
            <form on:submit=on_involve novalidate>
                <h3 class="rt-heading-s">"Add an agency"</h3>
                <SelectField name="involvement-agency" label="Agency" error=form.error options=agencies />
                <SelectField name="involvement" label="How it works with the case" error=form.error options=involvements
                    hint="This decides what the agency's people can see: only the victim's workers see the victim's profile" />
                <PendingButton pending=form.pending label="Add agency" pending_label="Adding\u{2026}" id="add-involvement" secondary=true />
            </form>
            <form on:submit=on_idva novalidate>
                <SelectField name="idva" label="IDVA" error=form.error options=idvas />
                <PendingButton pending=form.pending label="Assign IDVA" pending_label="Assigning\u{2026}" id="assign-idva" secondary=true />
            </form>
            <form on:submit=on_close novalidate>
                <TextArea name="close-reason" label="Reason for closing" error=form.error rows=2 />
                <PendingButton pending=form.pending label="Close the case" pending_label="Closing\u{2026}" id="close-case" warning=true />
            </form>
        </section>
    }
}
