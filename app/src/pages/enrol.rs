//! Enrolment: the page an invitation link opens, where a person creates their passkey.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::auth::{begin_enrolment, begin_keep_passkeys, finish_enrolment};
use crate::browser::webauthn::{create_passkey, use_passkey};
use crate::components::error_summary::ErrorSummary;
use crate::components::pending_button::PendingButton;
use crate::components::submit_task::{load_page, submit_task};
use crate::error::AppError;

const INCOMPLETE_LINK: &str = "This enrolment link is incomplete. Open the whole link from the message you were sent.";

/// The enrolment token from the link's `#fragment` (never sent to the server in the URL).
fn token_from_location() -> Option<String> {
    let hash = window().location().hash().ok()?;
    let token = hash.trim_start_matches('#').trim().to_string();
    (!token.is_empty()).then_some(token)
}

/// Enrols a new passkey; with `keep`, first proves one of the account's old passkeys so they
/// stay. Answers a sentence to show instead of signing in, when there is one.
async fn enrol(passkey_name: String, keep: bool) -> Result<Option<String>, AppError> {
    let token = token_from_location().ok_or_else(|| AppError::Invalid(INCOMPLETE_LINK.into()))?;
    let (mut keep_id, mut keep_credential) = (None, None);
    if keep {
        if let Some(check) = begin_keep_passkeys(token.clone()).await? {
            keep_credential = Some(use_passkey(&check.options_json).await?);
            keep_id = Some(check.id);
        }
    }
    let ceremony = begin_enrolment(token.clone()).await?;
    let credential = create_passkey(&ceremony.options_json).await?;
    finish_enrolment(token, ceremony.id, credential, passkey_name, keep_id, keep_credential).await
}

/// "Set up your passkey".
#[component]
pub fn EnrolPage() -> impl IntoView {
    let name = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let pending = RwSignal::new(false);
    let keep = RwSignal::new(false);
    let ended = RwSignal::new(None::<String>);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        submit_task(
            pending,
            error,
            move || enrol(name.get_untracked(), keep.get_untracked()),
            move |notice: Option<String>| match notice {
                Some(text) => ended.set(Some(text)),
                None => load_page("/?enrolled=1"),
            },
        );
    };
    view! {
        <Title text="Set up your passkey" />
        <div class="rt-grid-row">
            <div class="rt-grid-column-two-thirds">
                <ErrorSummary error />
                {move || ended.get().map(|text| view! {
                    <div class="rt-notification-banner" role="alert" id="access-ended">
                        <h2 class="rt-heading-m">"You cannot use Roundtable for now"</h2>
                        <p class="rt-body">{text}</p>
                    </div>
                })}
                <h1 class="rt-heading-xl">"Set up your passkey"</h1>
                <p class="rt-body">
                    "You sign in to Roundtable with a passkey kept on this device. Your device checks it is you "
                    "with your fingerprint, face or PIN. There is no password."
                </p>
                <p class="rt-body">"This link works once, for 24 hours."</p>
                <form on:submit=on_submit novalidate>
                    <div class="rt-form-group">
                        <label class="rt-label" for="passkey-name">"Name this passkey (optional)"</label>
                        <div class="rt-hint" id="passkey-name-hint">"For example, \u{201c}Work laptop\u{201d}. It helps you tell your passkeys apart."</div>
                        <input class="rt-input rt-input--width-20" id="passkey-name" name="passkey-name" type="text"
                            maxlength="60" autocomplete="off" aria-describedby="passkey-name-hint"
                            prop:value=name on:input=move |ev| name.set(event_target_value(&ev)) />
                    </div>
                    <div class="rt-form-group">
                        <div class="rt-checkboxes__item">
                            <input class="rt-checkboxes__input" id="keep-passkeys" name="keep-passkeys" type="checkbox"
                                aria-describedby="keep-passkeys-hint" prop:checked=keep on:change=move |ev| keep.set(event_target_checked(&ev)) />
                            <label class="rt-label rt-checkboxes__label" for="keep-passkeys">"Keep my other passkeys"</label>
                        </div>
                        <div class="rt-hint" id="keep-passkeys-hint">
                            "If this is a recovery link, setting up a new passkey removes the passkeys your account had, so a lost "
                            "device can no longer be used. If you still have one of them and want to keep them, tick this: you will "
                            "be asked to use it first."
                        </div>
                    </div>
                    <PendingButton pending label="Create a passkey" pending_label="Creating your passkey\u{2026}" id="create-passkey" />
                </form>
            </div>
        </div>
    }
}
