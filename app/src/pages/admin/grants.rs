//! Grants of privileged roles waiting for a second person: the administrators' people page and
//! the data protection officer's audit page both show the ones the viewer may decide.

use leptos::prelude::*;

use crate::api::admin::{approve_role_grant, refuse_role_grant, role_grants, RoleGrantView};
use crate::components::error_summary::ErrorSummary;
use crate::components::submit_task::FormState;

/// "Roles waiting for approval", with approve and refuse buttons where the viewer may decide.
#[component]
pub fn RoleGrantsPanel() -> impl IntoView {
    let reload = RwSignal::new(0u32);
    let grants = Resource::new(move || reload.get(), |_| role_grants());
    let form = FormState::new();
    let notice = RwSignal::new(None::<String>);
    view! {
        <section id="role-grants" aria-labelledby="role-grants-heading">
            <h2 class="rt-heading-l" id="role-grants-heading">"Roles waiting for approval"</h2>
            <ErrorSummary error=form.error />
            {move || notice.get().map(|n| view! { <div class="rt-panel" role="status" id="grant-decided"><p class="rt-body">{n}</p></div> })}
            <Transition fallback=|| view! { <p class="rt-body">"Loading\u{2026}"</p> }>
                {move || Suspend::new(async move {
                    match grants.await {
                        Ok(g) => view! {
                            {g.notice.clone().map(|n| view! { <div class="rt-warning-text" id="approval-notice"><p class="rt-body">{n}</p></div> })}
                            <p class="rt-body">
                                "Coordinator, chair, IDVA, data protection officer and administrator roles open every case or decide "
                                "who may. One person's grant takes effect only when a second person approves it."
                            </p>
                            {if g.pending.is_empty() {
                                view! { <p class="rt-body" id="no-role-grants">"Nothing is waiting for approval."</p> }.into_any()
                            } else {
                                view! { <GrantTable pending=g.pending form reload notice /> }.into_any()
                            }}
                        }.into_any(),
                        Err(e) => view! { <p class="rt-body">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn GrantTable(pending: Vec<RoleGrantView>, form: FormState, reload: RwSignal<u32>, notice: RwSignal<Option<String>>) -> impl IntoView {
    view! {
        <table class="rt-table" id="role-grant-list">
            <caption class="rt-table__caption rt-visually-hidden">"Roles waiting for approval"</caption>
            <thead><tr>
                <th scope="col" class="rt-table__header">"Person"</th>
                <th scope="col" class="rt-table__header">"Roles"</th>
                <th scope="col" class="rt-table__header">"Asked for by"</th>
                <th scope="col" class="rt-table__header">"Decide"</th>
            </tr></thead>
            <tbody>
                {pending.into_iter().map(|g| {
                    let (approve_id, refuse_id) = (g.id.clone(), g.id.clone());
                    let who = g.user_name.clone();
                    let who_refused = g.user_name.clone();
                    let on_approve = move |_| {
                        let (id, who) = (approve_id.clone(), who.clone());
                        form.submit(move || approve_role_grant(id.clone()), move |()| {
                            notice.set(Some(format!("The roles for {who} were approved and now take effect.")));
                            reload.update(|n| *n += 1);
                        });
                    };
                    let on_refuse = move |_| {
                        let (id, who) = (refuse_id.clone(), who_refused.clone());
                        form.submit(move || refuse_role_grant(id.clone()), move |()| {
                            notice.set(Some(format!("The roles for {who} were refused.")));
                            reload.update(|n| *n += 1);
                        });
                    };
                    view! {
                        <tr class="rt-table__row">
                            <th scope="row" class="rt-table__cell">{g.user_name.clone()}
                                <span class="rt-hint rt-table__sub">{g.user_email.clone()}" \u{2014} "{g.agency_name.clone().unwrap_or_else(|| "no agency".into())}</span></th>
                            <td class="rt-table__cell">{g.roles.join(", ")}</td>
                            <td class="rt-table__cell">{g.requested_by.clone()}" on "{shared::display::instant(g.requested_at)}</td>
                            <td class="rt-table__cell">
                                {if g.may_decide {
                                    view! {
                                        <button type="button" class="rt-button" on:click=on_approve disabled=move || form.pending.get()>
                                            "Approve"<span class="rt-visually-hidden">" roles for " {g.user_name.clone()}</span></button>
                                        " "
                                        <button type="button" class="rt-button rt-button--warning" on:click=on_refuse disabled=move || form.pending.get()>
                                            "Refuse"<span class="rt-visually-hidden">" roles for " {g.user_name.clone()}</span></button>
                                    }.into_any()
                                } else {
                                    view! { <span class="rt-body-s">"Someone else must decide: you asked for it, or it is for you, or it is the DPO's to decide."</span> }.into_any()
                                }}
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}
