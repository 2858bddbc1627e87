//! People: who has access, and inviting someone new.

use leptos::prelude::*;
use leptos_meta::Title;

use super::grants::RoleGrantsPanel;
use super::{role_labels, role_options};
use crate::api::admin::{invite_user, users_and_overview, AdminView, EnrolmentLink, UserInput, UserSummary};
use crate::components::error_summary::ErrorSummary;
use crate::components::fields::{Checkboxes, FormValues, SelectField, TextField};
use crate::components::loaded::loaded;
use crate::components::pending_button::PendingButton;
use crate::components::submit_task::FormState;

/// "People".
#[component]
pub fn PeoplePage() -> impl IntoView {
    let reload = RwSignal::new(0u32);
    let link = RwSignal::new(None::<(String, EnrolmentLink)>);
    let data = Resource::new(move || reload.get(), |_| users_and_overview());
    view! {
        <Title text="People" />
        <a class="rt-back-link" href="/admin">"Administration"</a>
        <h1 class="rt-heading-xl">"People"</h1>
        <Transition fallback=|| view! { <p class="rt-body">"Loading\u{2026}"</p> }>
            {move || Suspend::new(async move {
                loaded(data.await, move |(users, overview)| {
                    let admin = overview.may_administer;
                    view! {
                        <InviteForm overview reload link />
                        {admin.then(|| view! { <RoleGrantsPanel /> })}
                        <PeopleTable users />
                    }.into_any()
                })
            })}
        </Transition>
    }
}

#[component]
fn PeopleTable(users: Vec<UserSummary>) -> impl IntoView {
    view! {
        <table class="rt-table" id="people">
            <caption class="rt-table__caption rt-table__caption--m">"Everyone with an account"</caption>
            <thead><tr>
                <th scope="col" class="rt-table__header">"Name"</th>
                <th scope="col" class="rt-table__header">"Agency"</th>
                <th scope="col" class="rt-table__header">"Roles"</th>
                <th scope="col" class="rt-table__header">"Account"</th>
            </tr></thead>
            <tbody>
                {users.into_iter().map(|u| {
                    let state = if !u.active { "Disabled" } else if u.passkeys == 0 && u.invitation_pending { "Invited" } else if u.passkeys == 0 { "No passkey" } else { "Active" };
                    view! {
                        <tr class="rt-table__row">
                            <th scope="row" class="rt-table__cell"><a class="rt-link" href=format!("/admin/people/{}", u.id)>{u.name.clone()}</a>
                                <span class="rt-hint rt-table__sub">{u.email.clone()}</span></th>
                            <td class="rt-table__cell">{u.agency_name.clone().unwrap_or_else(|| "None (platform)".into())}</td>
                            <td class="rt-table__cell">{role_labels(&u.roles)}</td>
                            <td class="rt-table__cell">{state}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// Shows a freshly made enrolment link once, with what to do with it.
#[component]
pub fn LinkPanel(link: RwSignal<Option<(String, EnrolmentLink)>>) -> impl IntoView {
    move || {
        link.get().map(|(name, l)| view! {
            <div class="rt-panel" role="status" id="enrolment-link-panel">
                <h2 class="rt-heading-m">{format!("Enrolment link for {name}")}</h2>
                <p class="rt-body">"Send this link to them through your agency's secure email. It works once, within 24 hours, and is not shown again."</p>
                <p class="rt-body rt-link-box"><code id="enrolment-link">{l.url.clone()}</code></p>
                <p class="rt-body-s">{format!("It expires {}.", shared::display::instant(l.expires_at))}</p>
                {(!l.awaiting_approval.is_empty()).then(|| view! {
                    <p class="rt-body" id="awaiting-approval">{format!(
                        "These roles take effect only when a second person approves them: {}. Until then they can sign in without them.",
                        l.awaiting_approval.join(", ")
                    )}</p>
                })}
            </div>
        })
    }
}

#[component]
fn InviteForm(overview: AdminView, reload: RwSignal<u32>, link: RwSignal<Option<(String, EnrolmentLink)>>) -> impl IntoView {
    let form = FormState::new();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let v = FormValues::from_event(&ev);
        let input = UserInput {
            id: None,
            name: v.get("person-name"),
            email: v.get("person-email"),
            agency_id: v.get("person-agency"),
            roles: v.all("person-roles"),
        };
        let name = input.name.trim().to_string();
        let reset = v.resetter();
        form.submit(
            move || invite_user(input.clone()),
            move |l| {
                reset();
                link.set(Some((name, l)));
                reload.update(|n| *n += 1);
            },
        );
    };
    let mut agencies: Vec<(String, String)> = vec![(String::new(), "Choose an agency".into())];
    agencies.extend(overview.agencies.iter().filter(|a| a.current || overview.may_administer).map(|a| (a.id.clone(), a.name.clone())));
    if overview.may_administer {
        agencies.push(("platform".into(), "None: platform administrator".into()));
    }
    view! {
        <LinkPanel link />
        <details class="rt-details" open=move || link.with(Option::is_none)>
            <summary class="rt-details__summary"><span class="rt-details__summary-text">"Invite someone"</span></summary>
            <div class="rt-details__text">
                <ErrorSummary error=form.error />
                <form on:submit=on_submit novalidate>
                    <TextField name="person-name" label="Full name" error=form.error maxlength=120 autocomplete="off" />
                    <TextField name="person-email" label="Work email" input_type="email" error=form.error />
                    <SelectField name="person-agency" label="Agency" error=form.error options=agencies />
                    <Checkboxes name="person-roles" legend="Roles" error=form.error options=role_options(&overview.grantable_roles)
                        hint="Choose every role they hold." />
                    <PendingButton pending=form.pending label="Create enrolment link" pending_label="Creating link\u{2026}" id="invite-person" />
                </form>
            </div>
        </details>
    }
}
