//! Signed-in sessions: who is signed in now, and ending a session.

use leptos::prelude::*;
use leptos_meta::Title;
use shared::display::instant;

use crate::api::admin::{end_session, list_sessions, SessionView};
use crate::components::error_summary::ErrorSummary;
use crate::components::loaded::{loaded, Notice};
use crate::components::submit_task::FormState;

/// "Signed-in sessions".
#[component]
pub fn SessionsPage() -> impl IntoView {
    let reload = RwSignal::new(0u32);
    let notice = RwSignal::new(None::<String>);
    let form = FormState::new();
    let sessions = Resource::new(move || reload.get(), |_| list_sessions());
    view! {
        <Title text="Signed-in sessions" />
        <a class="rt-back-link" href="/admin">"Administration"</a>
        <h1 class="rt-heading-xl">"Signed-in sessions"</h1>
        <Notice message=notice />
        <ErrorSummary error=form.error />
        <Transition fallback=|| view! { <p class="rt-body">"Loading\u{2026}"</p> }>
            {move || Suspend::new(async move {
                loaded(sessions.await, |list| view! { <SessionTable list form reload notice /> }.into_any())
            })}
        </Transition>
    }
}

#[component]
fn SessionTable(list: Vec<SessionView>, form: FormState, reload: RwSignal<u32>, notice: RwSignal<Option<String>>) -> impl IntoView {
    if list.is_empty() {
        return view! { <p class="rt-body">"Nobody is signed in."</p> }.into_any();
    }
    view! {
        <table class="rt-table" id="sessions">
            <caption class="rt-table__caption rt-table__caption--m">{format!("{} signed-in sessions", list.len())}</caption>
            <thead><tr>
                <th scope="col" class="rt-table__header">"Person"</th>
                <th scope="col" class="rt-table__header">"Agency"</th>
                <th scope="col" class="rt-table__header">"Signed in"</th>
                <th scope="col" class="rt-table__header">"Last active"</th>
                <th scope="col" class="rt-table__header">"End"</th>
            </tr></thead>
            <tbody>
                {list.into_iter().map(|s| {
                    let id = s.id.clone();
                    let who = s.user_name.clone();
                    let end = move |_| {
                        let (id, who) = (id.clone(), who.clone());
                        form.submit(move || end_session(id.clone()), move |()| {
                            notice.set(Some(format!("{who}'s session was ended.")));
                            reload.update(|n| *n += 1);
                        });
                    };
                    view! {
                        <tr class="rt-table__row">
                            <th scope="row" class="rt-table__cell">{s.user_name.clone()} {s.is_yours.then_some(" (you)")}</th>
                            <td class="rt-table__cell">{s.agency_name.clone().unwrap_or_else(|| "None (platform)".into())}</td>
                            <td class="rt-table__cell">{instant(s.created_at)}</td>
                            <td class="rt-table__cell">{instant(s.last_seen_at)}</td>
                            <td class="rt-table__cell">
                                <button type="button" class="rt-button rt-button--warning rt-button--small" disabled=move || form.pending.get() on:click=end>
                                    "End session"<span class="rt-visually-hidden">{format!(" of {}", s.user_name)}</span>
                                </button>
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }.into_any()
}
