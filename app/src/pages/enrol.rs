//! Enrolment: the page an invitation link opens, where a person creates their passkey.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::auth::{begin_enrolment, finish_enrolment};
use crate::browser::webauthn::create_passkey;
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

async fn enrol(passkey_name: String) -> Result<(), AppError> {
    let token = token_from_location().ok_or_else(|| AppError::Invalid(INCOMPLETE_LINK.into()))?;
    let ceremony = begin_enrolment(token.clone()).await?;
    let credential = create_passkey(&ceremony.options_json).await?;
    finish_enrolment(token, ceremony.id, credential, passkey_name).await
}

/// "Set up your passkey".
#[component]
pub fn EnrolPage() -> impl IntoView {
    let name = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let pending = RwSignal::new(false);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        submit_task(pending, error, move || enrol(name.get_untracked()), |()| load_page("/?enrolled=1"));
    };
    view! {
        <Title text="Set up your passkey" />
        <div class="rt-grid-row">
            <div class="rt-grid-column-two-thirds">
                <ErrorSummary error />
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
                    <PendingButton pending label="Create a passkey" pending_label="Creating your passkey\u{2026}" id="create-passkey" />
                </form>
            </div>
        </div>
    }
}
