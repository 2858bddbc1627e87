//! Sign in with a passkey: no username, so the page never reveals whether an account exists.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use shared::session::return_path;

use crate::api::auth::{begin_sign_in, finish_sign_in};
use crate::browser::webauthn::use_passkey;
use crate::components::error_summary::ErrorSummary;
use crate::components::pending_button::PendingButton;
use crate::components::submit_task::{load_page, submit_task};
use crate::error::AppError;

async fn sign_in() -> Result<(), AppError> {
    let ceremony = begin_sign_in().await?;
    let assertion = use_passkey(&ceremony.options_json).await?;
    finish_sign_in(ceremony.id, assertion).await
}

/// "Sign in"; afterwards goes to the page named by `?next=` (a plain path of this site, see
/// [`return_path`]), else the home page.
#[component]
pub fn SignInPage() -> impl IntoView {
    let error = RwSignal::new(None::<AppError>);
    let pending = RwSignal::new(false);
    let query = use_query_map();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let next = query.with_untracked(|q| q.get("next").and_then(|n| return_path(&n).map(str::to_string))).unwrap_or_else(|| "/".into());
        submit_task(pending, error, sign_in, move |()| load_page(&next));
    };
    view! {
        <Title text="Sign in" />
        <div class="rt-grid-row">
            <div class="rt-grid-column-two-thirds">
                <ErrorSummary error />
                <h1 class="rt-heading-xl">"Sign in"</h1>
                <p class="rt-body">"Use the passkey you set up with your enrolment link."</p>
                <form on:submit=on_submit>
                    <PendingButton pending label="Sign in with a passkey" pending_label="Waiting for your passkey\u{2026}" id="sign-in" />
                </form>
                <p class="rt-body">
                    "Lost your device, or no passkey yet? Ask your MARAC coordinator or an administrator for a new enrolment link."
                </p>
            </div>
        </div>
    }
}
