//! Administration pages: agencies and the ISA, people, sessions.

pub mod agencies;
pub mod agency;
pub mod grants;
pub mod isa;
pub mod people;
pub mod person;
pub mod sessions;

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::admin::admin_overview;
use crate::components::loaded::loaded;
use shared::identity::{AgencyKind, Role};

/// (value, label) pairs for every kind of agency.
pub fn kind_options() -> Vec<(String, String)> {
    AgencyKind::ALL.iter().map(|k| (k.as_str().to_string(), k.label().to_string())).collect()
}

/// (value, label) pairs for the given roles.
pub fn role_options(roles: &[Role]) -> Vec<(String, String)> {
    roles.iter().map(|r| (r.as_str().to_string(), r.label().to_string())).collect()
}

/// Roles for people.
pub fn role_labels(roles: &[Role]) -> String {
    roles.iter().map(|r| r.label()).collect::<Vec<_>>().join(", ")
}

/// The administration start page: where each task lives (only the tasks the person may do).
#[component]
pub fn AdminHome() -> impl IntoView {
    let overview = Resource::new(|| (), |_| admin_overview());
    view! {
        <Title text="Administration" />
        <h1 class="rt-heading-xl">"Administration"</h1>
        <Transition fallback=|| view! { <p class="rt-body">"Loading\u{2026}"</p> }>
            {move || Suspend::new(async move {
                loaded(overview.await, |o| view! { <AdminLinks may_administer=o.may_administer /> }.into_any())
            })}
        </Transition>
    }
}

#[component]
fn AdminLinks(may_administer: bool) -> impl IntoView {
    view! {
        <ul class="rt-list rt-admin-links">
            <li><a class="rt-link" href="/admin/agencies">"Agencies and their ISA standing"</a>
                <p class="rt-hint">"Add agencies, record signatures, suspend or withdraw."</p></li>
            <li><a class="rt-link" href="/admin/isa">"Information Sharing Agreement versions"</a>
                <p class="rt-hint">"Publish a new version and set a date by which agencies must sign it."</p></li>
            <li><a class="rt-link" href="/admin/people">"People"</a>
                <p class="rt-hint">"Invite people, change roles, disable accounts, issue recovery links."</p></li>
            {may_administer.then(|| view! {
                <li><a class="rt-link" href="/admin/sessions">"Signed-in sessions"</a>
                    <p class="rt-hint">"See who is signed in and end a session."</p></li>
                <li><a class="rt-link" href="/audit">"Audit log"</a>
                    <p class="rt-hint">"Check that the audit log has not been altered."</p></li>
            })}
        </ul>
    }
}
