//! The signed-in person's account: who they are, and their passkeys (add, rename, remove).

use leptos::prelude::*;
use leptos_meta::Title;
use shared::display::day_of;

use crate::api::auth::{begin_add_passkey, finish_add_passkey, my_account, rename_passkey, revoke_passkey, AccountView, PasskeyView};
use crate::browser::webauthn::create_passkey;
use crate::components::error_summary::ErrorSummary;
use crate::components::pending_button::PendingButton;
use crate::components::submit_task::submit_task;
use crate::error::AppError;

async fn add_passkey(name: String) -> Result<(), AppError> {
    let ceremony = begin_add_passkey().await?;
    let credential = create_passkey(&ceremony.options_json).await?;
    finish_add_passkey(ceremony.id, credential, name).await.map(|_| ())
}

/// "Your account".
#[component]
pub fn AccountPage() -> impl IntoView {
    let reload = RwSignal::new(0u32);
    let account = Resource::new(move || reload.get(), |_| my_account());
    let error = RwSignal::new(None::<AppError>);
    view! {
        <Title text="Your account" />
        <ErrorSummary error />
        <h1 class="rt-heading-xl">"Your account"</h1>
        <Transition fallback=|| view! { <p class="rt-body">"Loading\u{2026}"</p> }>
            {move || Suspend::new(async move {
                crate::components::loaded::loaded(account.await, |view| view! { <AccountDetails view reload error /> }.into_any())
            })}
        </Transition>
    }
}

#[component]
fn AccountDetails(view: AccountView, reload: RwSignal<u32>, error: RwSignal<Option<AppError>>) -> impl IntoView {
    let new_name = RwSignal::new(String::new());
    let adding = RwSignal::new(false);
    let on_add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let done = move |()| {
            new_name.set(String::new());
            reload.update(|n| *n += 1);
        };
        submit_task(adding, error, move || add_passkey(new_name.get_untracked()), done);
    };
    let agency = view.agency_name.clone().unwrap_or_else(|| "None (platform administrator)".into());
    view! {
        <dl class="rt-summary-list">
            <div class="rt-summary-list__row"><dt class="rt-summary-list__key">"Name"</dt><dd class="rt-summary-list__value">{view.name.clone()}</dd></div>
            <div class="rt-summary-list__row"><dt class="rt-summary-list__key">"Work email"</dt><dd class="rt-summary-list__value">{view.email.clone()}</dd></div>
            <div class="rt-summary-list__row"><dt class="rt-summary-list__key">"Agency"</dt><dd class="rt-summary-list__value">{agency}</dd></div>
            <div class="rt-summary-list__row"><dt class="rt-summary-list__key">"Roles"</dt><dd class="rt-summary-list__value">{view.roles.join(", ")}</dd></div>
            {(!view.pending_roles.is_empty()).then(|| view! {
                <div class="rt-summary-list__row"><dt class="rt-summary-list__key">"Waiting for approval"</dt>
                    <dd class="rt-summary-list__value" id="pending-roles">{view.pending_roles.join(", ")}</dd></div>
            })}
        </dl>
        <h2 class="rt-heading-l">"Your passkeys"</h2>
        <table class="rt-table" id="passkeys">
            <caption class="rt-table__caption rt-visually-hidden">"Your passkeys"</caption>
            <thead><tr>
                <th scope="col" class="rt-table__header">"Name"</th>
                <th scope="col" class="rt-table__header">"Added"</th>
                <th scope="col" class="rt-table__header">"Last used"</th>
                <th scope="col" class="rt-table__header">"Change"</th>
            </tr></thead>
            <tbody>
                {view.passkeys.into_iter().map(|p| view! { <PasskeyRow passkey=p reload error /> }).collect_view()}
            </tbody>
        </table>
        <h2 class="rt-heading-m">"Add a passkey"</h2>
        <p class="rt-body">"Add a passkey on another device so you can still sign in if you lose this one. Adding, renaming "
            "or removing a passkey asks you to confirm it is you with a passkey you already have, and we email you each time. "
            "Removing a passkey signs out everywhere it was used to sign in."</p>
        <form on:submit=on_add>
            <div class="rt-form-group">
                <label class="rt-label" for="new-passkey-name">"Name the new passkey (optional)"</label>
                <input class="rt-input rt-input--width-20" id="new-passkey-name" type="text" maxlength="60" autocomplete="off"
                    prop:value=new_name on:input=move |ev| new_name.set(event_target_value(&ev)) />
            </div>
            <PendingButton pending=adding label="Add a passkey" pending_label="Adding passkey\u{2026}" id="add-passkey" secondary=true />
        </form>
    }
}

#[component]
fn PasskeyRow(passkey: PasskeyView, reload: RwSignal<u32>, error: RwSignal<Option<AppError>>) -> impl IntoView {
    let id = passkey.id.clone();
    let name = RwSignal::new(passkey.name.clone());
    let busy = RwSignal::new(false);
    let field_id = format!("rename-{}", passkey.id);
    // Each change asks for a fresh passkey check when the last one is older than five minutes.
    let rename_id = id.clone();
    let on_rename = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (pid, new) = (rename_id.clone(), name.get_untracked());
        submit_task(busy, error, move || rename_passkey(pid.clone(), new.clone()), move |()| reload.update(|n| *n += 1));
    };
    let on_remove = move |_| {
        let pid = id.clone();
        submit_task(busy, error, move || revoke_passkey(pid.clone()), move |()| reload.update(|n| *n += 1));
    };
    let label = format!("New name for {}", passkey.name);
    view! {
        <tr class="rt-table__row">
            <td class="rt-table__cell">{passkey.name.clone()}</td>
            <td class="rt-table__cell">{day_of(passkey.created_at)}</td>
            <td class="rt-table__cell">{passkey.last_used_at.map(day_of).unwrap_or_else(|| "Not yet".into())}</td>
            <td class="rt-table__cell">
                <form on:submit=on_rename class="rt-inline-form">
                    <label class="rt-visually-hidden" for=field_id.clone()>{label}</label>
                    <input class="rt-input rt-input--width-10" id=field_id type="text" maxlength="60"
                        prop:value=name on:input=move |ev| name.set(event_target_value(&ev)) />
                    <button type="submit" class="rt-button rt-button--secondary" disabled=move || busy.get()>"Rename"</button>
                </form>
                <button type="button" class="rt-button rt-button--warning" disabled=move || busy.get() on:click=on_remove>
                    "Remove"<span class="rt-visually-hidden">" " {passkey.name.clone()}</span>
                </button>
            </td>
        </tr>
    }
}
