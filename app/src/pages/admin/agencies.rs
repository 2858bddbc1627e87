//! The agencies: their ISA standing at a glance, and adding one.

use leptos::prelude::*;
use leptos_meta::Title;
use shared::display::iso_date;

use super::kind_options;
use crate::api::admin::{admin_overview, save_agency, AgencyInput, AgencySummary};
use crate::components::error_summary::ErrorSummary;
use crate::components::fields::{FormValues, SelectField, TextField};
use crate::components::loaded::{loaded, Notice};
use crate::components::pending_button::PendingButton;
use crate::components::submit_task::FormState;

/// "Agencies".
#[component]
pub fn AgenciesPage() -> impl IntoView {
    let reload = RwSignal::new(0u32);
    let notice = RwSignal::new(None::<String>);
    let overview = Resource::new(move || reload.get(), |_| admin_overview());
    view! {
        <Title text="Agencies" />
        <a class="rt-back-link" href="/admin">"Administration"</a>
        <h1 class="rt-heading-xl">"Agencies"</h1>
        <Transition fallback=|| view! { <p class="rt-body">"Loading\u{2026}"</p> }>
            {move || Suspend::new(async move {
                loaded(overview.await, move |o| {
                    let may_administer = o.may_administer;
                    view! {
                        <AgencyTable agencies=o.agencies />
                        {may_administer.then(|| view! { <AddAgency reload notice /> })}
                    }.into_any()
                })
            })}
        </Transition>
    }
}

#[component]
fn AgencyTable(agencies: Vec<AgencySummary>) -> impl IntoView {
    view! {
        <table class="rt-table" id="agencies">
            <caption class="rt-table__caption rt-table__caption--m">"Agencies and their standing under the Information Sharing Agreement"</caption>
            <thead><tr>
                <th scope="col" class="rt-table__header">"Agency"</th>
                <th scope="col" class="rt-table__header">"Kind"</th>
                <th scope="col" class="rt-table__header">"Standing"</th>
                <th scope="col" class="rt-table__header">"Signed version"</th>
                <th scope="col" class="rt-table__header">"Review by"</th>
                <th scope="col" class="rt-table__header rt-table__header--numeric">"People"</th>
            </tr></thead>
            <tbody>
                {agencies.into_iter().map(|a| {
                    let tag = if a.current { "rt-tag rt-tag--green" } else { "rt-tag rt-tag--red" };
                    view! {
                        <tr class="rt-table__row">
                            <th scope="row" class="rt-table__cell"><a class="rt-link" href=format!("/admin/agencies/{}", a.id)>{a.name.clone()}</a></th>
                            <td class="rt-table__cell">{a.kind.label()}</td>
                            <td class="rt-table__cell"><strong class=tag>{a.status_label.clone()}</strong></td>
                            <td class="rt-table__cell">{a.signature.as_ref().map_or_else(|| "Not signed".to_string(), |s| s.version_label.clone())}</td>
                            <td class="rt-table__cell">{a.signature.as_ref().map(|s| iso_date(&s.review_on)).unwrap_or_default()}</td>
                            <td class="rt-table__cell rt-table__cell--numeric">{a.people}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

#[component]
fn AddAgency(reload: RwSignal<u32>, notice: RwSignal<Option<String>>) -> impl IntoView {
    let form = FormState::new();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let v = FormValues::from_event(&ev);
        let input = AgencyInput { id: None, name: v.get("agency-name"), kind: v.get("agency-kind"), secure_email: v.get("agency-email") };
        let name = input.name.trim().to_string();
        let reset = v.resetter();
        form.submit(
            move || save_agency(input.clone()),
            move |_| {
                reset();
                notice.set(Some(format!("{name} was added. Record its signature of the ISA to give its people access.")));
                reload.update(|n| *n += 1);
            },
        );
    };
    let mut kinds = vec![(String::new(), "Choose a kind".to_string())];
    kinds.extend(kind_options());
    view! {
        <h2 class="rt-heading-l" id="add-agency">"Add an agency"</h2>
        <Notice message=notice />
        <ErrorSummary error=form.error />
        <form on:submit=on_submit novalidate>
            <TextField name="agency-name" label="Agency name" error=form.error maxlength=120 />
            <SelectField name="agency-kind" label="Kind of agency" error=form.error options=kinds />
            <TextField name="agency-email" label="Secure contact email" input_type="email" error=form.error
                hint="A secure mailbox the MARAC coordinator can use, not a person's own address." />
            <PendingButton pending=form.pending label="Add agency" pending_label="Adding agency\u{2026}" id="add-agency-button" />
        </form>
    }
}
