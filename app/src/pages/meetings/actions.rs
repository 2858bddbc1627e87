//! Actions across meetings: the agency's own, those on the IDVA's cases, and (for chairs and
//! coordinators) every outstanding one. Overdue actions stand out.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::case::ActionList;
use crate::api::distribution::ACTIONS_PDF_PATH;
use crate::api::meetings::list_actions;
use crate::api::permissions::action_scopes;
use crate::components::error_summary::ErrorSummary;
use crate::components::loaded::{loaded, Notice};
use crate::components::submit_task::{load_page, reauthenticate, FormState};

/// "Actions" page; `?scope=agency|cases|all`.
#[component]
pub fn ActionsPage() -> impl IntoView {
    let query = use_query_map();
    let reload = RwSignal::new(0u32);
    let scope = move || query.with(|q| q.get("scope").unwrap_or_else(|| "agency".into()));
    let list = Resource::new(move || (scope(), reload.get()), |(s, _)| list_actions(s));
    let form = FormState::new();
    let notice = RwSignal::new(None::<String>);
    let title = move || match scope().as_str() {
        "cases" => "Actions on your cases",
        "all" => "All outstanding actions",
        _ => "Your agency's actions",
    };
    view! {
        <Title text=title />
        <h1 class="rt-heading-xl">{title}</h1>
        <ActionTabs current=Signal::derive(scope) />
        <Notice message=notice />
        <ErrorSummary error=form.error />
        <Show when=move || scope() == "agency">
            <button type="button" class="rt-button rt-button--secondary" id="actions-pdf" disabled=move || form.pending.get()
                on:click=move |_| form.submit(reauthenticate, |()| load_page(ACTIONS_PDF_PATH))>
                "Download your agency's outstanding actions (PDF, asks for your passkey)"
            </button>
        </Show>
        <Transition fallback=|| view! { <p class="rt-body">"Loading\u{2026}"</p> }>
            {move || Suspend::new(async move {
                loaded(list.await, move |actions| view! { <ActionList actions id="action-list" empty="No actions." on_change=move |said| { notice.set(Some(said)); reload.update(|n| *n += 1) } /> }.into_any())
            })}
        </Transition>
    }
}

/// The lists of actions the person may see (the policy decides), the current one marked.
#[component]
fn ActionTabs(current: Signal<String>) -> impl IntoView {
    let scopes = Resource::new(|| (), |_| action_scopes());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let scopes = scopes.await.unwrap_or_default();
                (scopes.len() > 1).then(|| view! {
                    <nav aria-label="Which actions">
                        <ul class="rt-list rt-tabs" id="action-tabs">
                            {scopes.into_iter().map(|s| {
                                let here = {
                                    let scope = s.scope.clone();
                                    move || (current.get() == scope).then_some("page")
                                };
                                view! { <li><a class="rt-link" href=format!("/actions?scope={}", s.scope) aria-current=here>{s.label}</a></li> }
                            }).collect_view()}
                        </ul>
                    </nav>
                })
            })}
        </Suspense>
    }
}
