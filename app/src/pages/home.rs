//! The start page.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::criteria_check::CriteriaCheck;

/// What Roundtable is, and a referral-criteria check that works in the browser.
#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <Title text="Start" />
        <div class="rt-grid-row">
            <div class="rt-grid-column-two-thirds">
                <h1 class="rt-heading-xl">"Roundtable"</h1>
                <p class="rt-lead">
                    "Refer victims of domestic abuse at high risk, run MARAC meetings, "
                    "and track every agency's actions to completion."
                </p>
                <p class="rt-body">
                    "Only people whose agency has signed the Information Sharing Agreement can sign in. "
                    "You sign in with a passkey on this device: there are no passwords."
                </p>
            </div>
        </div>
        <hr class="rt-section-break rt-section-break--l rt-section-break--visible" />
        <CriteriaCheck />
    }
}
