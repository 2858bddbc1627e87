//! One agency: its details, its standing under the ISA, and its signatures.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use shared::display::iso_date;
use shared::isa::IsaState;

use super::kind_options;
use crate::api::admin::{
    admin_overview, change_agency_state, record_signature, save_agency, AdminView, AgencyInput, AgencyStateInput, AgencySummary, SignatureInput,
};
use crate::components::error_summary::ErrorSummary;
use crate::components::fields::{FormValues, SelectField, TextArea, TextField};
use crate::components::loaded::{loaded, Notice};
use crate::components::pending_button::PendingButton;
use crate::components::submit_task::FormState;
use crate::components::summary_row::SummaryRow;
use crate::error::AppError;

/// "Agency: <name>".
#[component]
pub fn AgencyPage() -> impl IntoView {
    let params = use_params_map();
    let reload = RwSignal::new(0u32);
    let notice = RwSignal::new(None::<String>);
    let overview = Resource::new(move || reload.get(), |_| admin_overview());
    view! {
        <a class="rt-back-link" href="/admin/agencies">"Agencies"</a>
        <Notice message=notice />
        <Transition fallback=|| view! { <p class="rt-body">"Loading\u{2026}"</p> }>
            {move || Suspend::new(async move {
                let id = params.with_untracked(|p| p.get("id").unwrap_or_default());
                loaded(overview.await.and_then(|o| pick(o, &id)), |(agency, o)| view! {
                    <AgencyDetails agency overview=o reload notice />
                }.into_any())
            })}
        </Transition>
    }
}

fn pick(o: AdminView, id: &str) -> Result<(AgencySummary, AdminView), AppError> {
    let agency = o.agencies.iter().find(|a| a.id == id).cloned().ok_or(AppError::NotFound)?;
    Ok((agency, o))
}

#[component]
fn AgencyDetails(agency: AgencySummary, overview: AdminView, reload: RwSignal<u32>, notice: RwSignal<Option<String>>) -> impl IntoView {
    let title = agency.name.clone();
    let may = overview.may_administer;
    let tag = if agency.current { "rt-tag rt-tag--green" } else { "rt-tag rt-tag--red" };
    view! {
        <Title text=title.clone() />
        <span class="rt-caption-l">"Agency"</span>
        <h1 class="rt-heading-xl">{title}</h1>
        <dl class="rt-summary-list" id="agency-summary">
            <SummaryRow key="Kind" value={agency.kind.label()} />
            <SummaryRow key="Secure contact email" value={agency.secure_email.clone()} />
            <div class="rt-summary-list__row"><dt class="rt-summary-list__key">"Standing"</dt>
                <dd class="rt-summary-list__value"><strong class=tag id="agency-standing">{agency.status_label.clone()}</strong>
                    {agency.state_reason.clone().map(|r| view! { <p class="rt-body-s">"Reason: " {r}</p> })}</dd></div>
            <div class="rt-summary-list__row"><dt class="rt-summary-list__key">"Latest signature"</dt>
                <dd class="rt-summary-list__value">{agency.signature.as_ref().map_or_else(|| "Not signed".to_string(), |s| format!(
                    "{} signed by {} on {}; review by {}", s.version_label, s.signed_by, iso_date(&s.signed_on), iso_date(&s.review_on)))}</dd></div>
            <SummaryRow key="Active people" value={agency.people.to_string()} />
        </dl>
        {may.then(|| view! {
            <RecordSignature agency=agency.clone() overview=overview.clone() reload notice />
            <ChangeStanding agency=agency.clone() reload notice />
            <EditAgency agency=agency.clone() reload notice />
        })}
    }
}

fn done(reload: RwSignal<u32>, notice: RwSignal<Option<String>>, message: String) -> impl FnOnce(()) {
    move |()| {
        notice.set(Some(message));
        reload.update(|n| *n += 1);
        crate::components::submit_task::scroll_to_top();
    }
}

#[component]
fn RecordSignature(agency: AgencySummary, overview: AdminView, reload: RwSignal<u32>, notice: RwSignal<Option<String>>) -> impl IntoView {
    let form = FormState::new();
    let agency_id = agency.id.clone();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let v = FormValues::from_event(&ev);
        let input = SignatureInput {
            agency_id: agency_id.clone(),
            isa_version_id: v.get("isa-version"),
            signed_by: v.get("signed-by"),
            signed_on: v.get("signed-on"),
            review_on: v.get("review-on"),
        };
        form.submit(move || record_signature(input.clone()), done(reload, notice, "The signature was recorded.".into()));
    };
    let versions: Vec<(String, String)> = overview.isa_versions.iter().map(|v| (v.id.clone(), v.label.clone())).collect();
    let has_versions = !versions.is_empty();
    view! {
        <h2 class="rt-heading-l">"Record a signature of the ISA"</h2>
        {if has_versions {
            view! {
                <ErrorSummary error=form.error />
                <form on:submit=on_submit novalidate>
                    <SelectField name="isa-version" label="Version signed" error=form.error options=versions />
                    <TextField name="signed-by" label="Signed for the agency by" error=form.error
                        hint="The name and job title of the person who signed, for example \u{201c}Head of Safeguarding\u{201d}." maxlength=120 />
                    <TextField name="signed-on" label="Date signed" input_type="date" width="rt-input--width-10" error=form.error />
                    <TextField name="review-on" label="Review date" input_type="date" width="rt-input--width-10" error=form.error
                        hint="The agency stops being a current signatory after this date until it signs again." />
                    <PendingButton pending=form.pending label="Record signature" pending_label="Recording\u{2026}" id="record-signature" />
                </form>
            }.into_any()
        } else {
            view! { <p class="rt-body">"Publish a version of the ISA first. " <a class="rt-link" href="/admin/isa">"ISA versions"</a></p> }.into_any()
        }}
    }
}

#[component]
fn ChangeStanding(agency: AgencySummary, reload: RwSignal<u32>, notice: RwSignal<Option<String>>) -> impl IntoView {
    let form = FormState::new();
    let agency_id = agency.id.clone();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let v = FormValues::from_event(&ev);
        let input = AgencyStateInput { agency_id: agency_id.clone(), state: v.get("new-state"), reason: v.get("state-reason") };
        let message = match IsaState::parse(&input.state) {
            Some(IsaState::Active) => "The agency was reinstated.",
            Some(IsaState::Suspended) => "The agency was suspended. Its people were signed out and cannot sign in.",
            _ => "The agency was withdrawn. Its people were signed out and cannot sign in.",
        };
        form.submit(move || change_agency_state(input.clone()), done(reload, notice, message.into()));
    };
    let options = vec![
        ("suspended".to_string(), "Suspend (for example while a breach is investigated)".to_string()),
        ("withdrawn".to_string(), "Withdraw from the agreement".to_string()),
        ("active".to_string(), "Reinstate".to_string()),
    ];
    let selected = if agency.state == IsaState::Active { "suspended" } else { "active" };
    view! {
        <h2 class="rt-heading-l">"Change standing"</h2>
        <p class="rt-body">"Suspending or withdrawing an agency signs its people out at once. You will be asked to confirm it is you with your passkey."</p>
        <ErrorSummary error=form.error />
        <form on:submit=on_submit novalidate>
            <SelectField name="new-state" label="New standing" error=form.error options selected=selected />
            <TextArea name="state-reason" label="Reason" error=form.error rows=3
                hint="Required when suspending or withdrawing. It is shown to administrators and recorded in the audit log." />
            <PendingButton pending=form.pending label="Change standing" pending_label="Changing standing\u{2026}" id="change-standing" />
        </form>
    }
}

#[component]
fn EditAgency(agency: AgencySummary, reload: RwSignal<u32>, notice: RwSignal<Option<String>>) -> impl IntoView {
    let form = FormState::new();
    let agency_id = agency.id.clone();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let v = FormValues::from_event(&ev);
        let input =
            AgencyInput { id: Some(agency_id.clone()), name: v.get("agency-name"), kind: v.get("agency-kind"), secure_email: v.get("agency-email") };
        form.submit(
            move || {
                let i = input.clone();
                async move { save_agency(i).await.map(|_| ()) }
            },
            done(reload, notice, "The agency's details were saved.".into()),
        );
    };
    view! {
        <h2 class="rt-heading-l">"Change details"</h2>
        <ErrorSummary error=form.error />
        <form on:submit=on_submit novalidate>
            <TextField name="agency-name" label="Agency name" error=form.error value=agency.name.clone() maxlength=120 />
            <SelectField name="agency-kind" label="Kind of agency" error=form.error options=kind_options() selected=agency.kind.as_str() />
            <TextField name="agency-email" label="Secure contact email" input_type="email" error=form.error value=agency.secure_email.clone() />
            <PendingButton pending=form.pending label="Save details" pending_label="Saving\u{2026}" id="save-agency" secondary=true />
        </form>
    }
}
