//! The case record: only the parts the viewer may see are sent, and only those are shown. The
//! coordinator also records which agencies work with the case, assigns the IDVA and closes it.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use shared::display::iso_date;
use shared::policy::exposure::Involvement;

use crate::api::cases::{assign_idva, close_case, open_case, set_involvement, CaseView, InvolvementInput, ManageChoices};
use crate::components::error_summary::ErrorSummary;
use crate::components::fields::{FormValues, SelectField, TextArea};
use crate::components::loaded::{loaded, Notice};
use crate::components::pending_button::PendingButton;
use crate::components::submit_task::FormState;
use crate::pages::cases::data_protection::{Corrections, DataProtection, Rectify};
use crate::pages::cases::parties::Parties;

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

#[component]
fn Record(c: CaseView, reload: RwSignal<u32>, notice: RwSignal<Option<String>>) -> impl IntoView {
    let r = c.record.clone();
    let title = r.parties.victim.as_ref().map_or_else(|| r.reference.clone(), |v| v.name.clone());
    view! {
        // The reference, never the victim's name: titles stay in browser history and tab lists.
        <Title text=format!("Case {}", r.reference) />
        <span class="rt-caption-l">{r.reference.clone()}
            {(r.status == shared::casefile::CaseStatus::Closed).then(|| view! { " " <strong class="rt-tag rt-tag--grey">"Closed"</strong> })}
            {r.restricted.then(|| view! { " " <strong class="rt-tag rt-tag--red">"Restricted"</strong> })}
        </span>
        <h1 class="rt-heading-xl" id="case-title">{title}</h1>
        <Notice message=notice />
        {(r.restricted && r.parties.victim.is_none()).then(|| view! {
            <div class="rt-inset-text" id="restricted-notice">"This record is restricted under data protection law and is not shared. Contact the MARAC coordinator if you need it."</div>
        })}
        {r.closed.clone().map(|(on, reason)| view! { <div class="rt-inset-text">{format!("Closed on {}: {reason}", iso_date(&on))}</div> })}
        {(!r.upcoming.is_empty()).then(|| view! { <p class="rt-body" id="upcoming">{format!("On the agenda of: {}", r.upcoming.join("; "))}</p> })}

        <Parties parties=r.parties.clone() />

        {r.agencies.clone().map(|(list, idva)| view! {
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

        {r.actions.clone().filter(|a| !a.is_empty()).map(|actions| view! {
            <section aria-labelledby="case-actions-heading">
                <h2 class="rt-heading-l" id="case-actions-heading">"Actions"</h2>
                <crate::pages::meetings::case::ActionList actions id="case-actions" empty="" on_change=move |said| { notice.set(Some(said)); reload.update(|n| *n += 1) } />
            </section>
        })}

        {(r.history.is_some() || !r.hearings.is_empty()).then(|| view! {
            <section id="history" aria-labelledby="history-heading">
                <h2 class="rt-heading-l" id="history-heading">"History"</h2>
                <ul class="rt-list rt-list--bullet">
                    {r.history.clone().unwrap_or_default().into_iter().map(|h| view! { <li>{format!("{} referred by {} on {}{}", h.reference, h.agency_name, iso_date(&h.referred_on), if h.repeat { " (repeat)" } else { "" })}</li> }).collect_view()}
                    {r.hearings.iter().map(|d| view! { <li>{format!("Heard at MARAC on {}", iso_date(d))}</li> }).collect_view()}
                </ul>
            </section>
        })}

        {(!c.corrections.is_empty()).then(|| view! { <Corrections list=c.corrections.clone() /> })}
        {(!c.rectifiable.is_empty()).then(|| view! { <Rectify case_id=r.id.clone() choices=c.rectifiable.clone() reload notice /> })}
        {c.data_protection.clone().map(|p| view! { <DataProtection case_id=r.id.clone() restricted=r.restricted panel=p reload notice /> })}
        {c.manage.clone().map(|m| view! { <Manage case_id=r.id.clone() choices=m reload notice /> })}
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
