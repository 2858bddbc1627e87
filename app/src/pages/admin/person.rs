//! One person: details and roles, disabling, and recovery links.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::people::LinkPanel;
use super::{role_labels, role_options};
use crate::api::admin::{issue_recovery_link, set_user_active, update_user, users_and_overview, AdminView, EnrolmentLink, UserInput, UserSummary};
use crate::components::error_summary::ErrorSummary;
use crate::components::fields::{Checkboxes, FormValues, SelectField, TextField};
use crate::components::loaded::{loaded, Notice};
use crate::components::pending_button::PendingButton;
use crate::components::submit_task::FormState;
use crate::components::summary_row::SummaryRow;
use crate::error::AppError;

/// "Person: <name>".
#[component]
pub fn PersonPage() -> impl IntoView {
    let params = use_params_map();
    let reload = RwSignal::new(0u32);
    let notice = RwSignal::new(None::<String>);
    let link = RwSignal::new(None::<(String, EnrolmentLink)>);
    let data = Resource::new(move || reload.get(), |_| users_and_overview());
    view! {
        <a class="rt-back-link" href="/admin/people">"People"</a>
        <Notice message=notice />
        <Transition fallback=|| view! { <p class="rt-body">"Loading\u{2026}"</p> }>
            {move || Suspend::new(async move {
                let id = params.with_untracked(|p| p.get("id").unwrap_or_default());
                let found = data.await.and_then(|(users, o)| users.into_iter().find(|u| u.id == id).map(|u| (u, o)).ok_or(AppError::NotFound));
                loaded(found, move |(user, overview)| view! { <PersonDetails user overview reload notice link /> }.into_any())
            })}
        </Transition>
    }
}

#[component]
fn PersonDetails(
    user: UserSummary,
    overview: AdminView,
    reload: RwSignal<u32>,
    notice: RwSignal<Option<String>>,
    link: RwSignal<Option<(String, EnrolmentLink)>>,
) -> impl IntoView {
    let state = if user.active { "Active" } else { "Disabled" };
    let may = overview.may_administer;
    view! {
        <Title text=user.name.clone() />
        <span class="rt-caption-l">"Person"</span>
        <h1 class="rt-heading-xl">{user.name.clone()}</h1>
        <dl class="rt-summary-list" id="person-summary">
            <SummaryRow key="Work email" value={user.email.clone()} />
            <SummaryRow key="Agency" value={user.agency_name.clone().unwrap_or_else(|| "None (platform administrator)".into())} />
            <SummaryRow key="Roles" value={role_labels(&user.roles)} />
            <div class="rt-summary-list__row"><dt class="rt-summary-list__key">"Account"</dt><dd class="rt-summary-list__value" id="account-state">{state}</dd></div>
            <SummaryRow key="Passkeys" value={user.passkeys.to_string()} />
            <SummaryRow key="Signed-in sessions" value={user.sessions.to_string()} />
        </dl>
        {may.then(|| view! {
            <Recovery user=user.clone() reload link />
            <Access user=user.clone() reload notice />
            <EditPerson user=user.clone() overview=overview.clone() reload notice />
        })}
    }
}

#[component]
fn Recovery(user: UserSummary, reload: RwSignal<u32>, link: RwSignal<Option<(String, EnrolmentLink)>>) -> impl IntoView {
    let form = FormState::new();
    let (id, name) = (user.id.clone(), user.name.clone());
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (id, name) = (id.clone(), name.clone());
        form.submit(
            move || issue_recovery_link(id.clone()),
            move |l| {
                link.set(Some((name, l)));
                reload.update(|n| *n += 1);
            },
        );
    };
    view! {
        <h2 class="rt-heading-l">"Lost passkey"</h2>
        <p class="rt-body">"A recovery link lets them set up a new passkey. Creating one signs them out everywhere, cancels any earlier link and emails them. When they use it, their old passkeys are removed unless they prove they still hold one."</p>
        <LinkPanel link />
        <ErrorSummary error=form.error />
        <form on:submit=on_submit>
            <PendingButton pending=form.pending label="Create recovery link" pending_label="Creating link\u{2026}" id="recovery-link" secondary=true />
        </form>
    }
}

#[component]
fn Access(user: UserSummary, reload: RwSignal<u32>, notice: RwSignal<Option<String>>) -> impl IntoView {
    let form = FormState::new();
    let (id, active) = (user.id.clone(), user.active);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let id = id.clone();
        let message = if active { "The account was disabled and its sessions ended." } else { "The account was enabled." };
        form.submit(
            move || set_user_active(id.clone(), !active),
            move |()| {
                notice.set(Some(message.into()));
                reload.update(|n| *n += 1);
            },
        );
    };
    let (label, pending_label) = if active { ("Disable account", "Disabling\u{2026}") } else { ("Enable account", "Enabling\u{2026}") };
    view! {
        <h2 class="rt-heading-l">"Access"</h2>
        <p class="rt-body">{if active { "Disabling the account signs them out at once. Their records and history are kept." } else { "The account is disabled: they cannot sign in." }}</p>
        <ErrorSummary error=form.error />
        <form on:submit=on_submit>
            <PendingButton pending=form.pending label pending_label id="toggle-active" secondary=true />
        </form>
    }
}

#[component]
fn EditPerson(user: UserSummary, overview: AdminView, reload: RwSignal<u32>, notice: RwSignal<Option<String>>) -> impl IntoView {
    let form = FormState::new();
    let id = user.id.clone();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let v = FormValues::from_event(&ev);
        let input = UserInput {
            id: Some(id.clone()),
            name: v.get("person-name"),
            email: v.get("person-email"),
            agency_id: v.get("person-agency"),
            roles: v.all("person-roles"),
        };
        form.submit(
            move || update_user(input.clone()),
            move |()| {
                notice.set(Some("Their details were saved.".into()));
                reload.update(|n| *n += 1);
                crate::components::submit_task::scroll_to_top();
            },
        );
    };
    let mut agencies: Vec<(String, String)> = overview.agencies.iter().map(|a| (a.id.clone(), a.name.clone())).collect();
    agencies.push(("platform".into(), "None: platform administrator".into()));
    let selected = user.agency_id.clone().unwrap_or_else(|| "platform".into());
    view! {
        <h2 class="rt-heading-l">"Change details and roles"</h2>
        <p class="rt-body">"Changing roles or agency asks you to confirm it is you with your passkey."</p>
        <ErrorSummary error=form.error />
        <form on:submit=on_submit novalidate>
            <TextField name="person-name" label="Full name" error=form.error value=user.name.clone() maxlength=120 />
            <TextField name="person-email" label="Work email" input_type="email" error=form.error value=user.email.clone() />
            <SelectField name="person-agency" label="Agency" error=form.error options=agencies selected />
            <Checkboxes name="person-roles" legend="Roles" error=form.error options=role_options(&overview.grantable_roles) checked=user.roles.iter().map(|r| r.as_str().to_string()).collect() />
            <PendingButton pending=form.pending label="Save changes" pending_label="Saving\u{2026}" id="save-person" />
        </form>
    }
}
