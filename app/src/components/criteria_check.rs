//! A quick check of the MARAC referral thresholds, computed in the browser with the shared rules.

use leptos::prelude::*;
use shared::dash::{meets_potential_escalation, meets_visible_high_risk, ESCALATION_THRESHOLD_DEFAULT, VISIBLE_HIGH_RISK_THRESHOLD};

/// Parses a non-negative whole number typed into a box; anything else counts as absent.
fn parse_count(raw: &str) -> Option<u32> {
    raw.trim().parse::<u32>().ok()
}

/// Two numbers in, the criteria they meet out, updated as the person types.
#[component]
pub fn CriteriaCheck() -> impl IntoView {
    let yes_answers = RwSignal::new(String::new());
    let callouts = RwSignal::new(String::new());
    let result = move || {
        let dash = yes_answers.with(|s| parse_count(s)).filter(|n| *n <= 24);
        let calls = callouts.with(|s| parse_count(s));
        let high = dash.is_some_and(|n| meets_visible_high_risk(n.min(24) as u8));
        let escalation = calls.is_some_and(|n| meets_potential_escalation(n, ESCALATION_THRESHOLD_DEFAULT));
        match (high, escalation) {
            (true, true) => "Meets the MARAC criteria: visible high risk and potential escalation.".to_string(),
            (true, false) => {
                format!("Meets the MARAC criteria: visible high risk ({VISIBLE_HIGH_RISK_THRESHOLD} or more \u{201c}yes\u{201d} answers).")
            }
            (false, true) => {
                format!("Meets the MARAC criteria: potential escalation ({ESCALATION_THRESHOLD_DEFAULT} or more police call-outs in 12 months).")
            }
            (false, false) => "On these figures alone the case does not meet the thresholds. \
                You can still refer on professional judgement, giving your reasons."
                .to_string(),
        }
    };
    view! {
        <section aria-labelledby="criteria-heading">
            <h2 class="rt-heading-m" id="criteria-heading">"Check the referral thresholds"</h2>
            <p class="rt-body">"Nothing you type here is saved or sent."</p>
            <div class="rt-form-group">
                <label class="rt-label" for="dash-yes">"Number of \u{201c}yes\u{201d} answers on the DASH risk checklist"</label>
                <div class="rt-hint" id="dash-yes-hint">"Between 0 and 24"</div>
                <input class="rt-input rt-input--width-10" id="dash-yes" name="dash-yes" type="text"
                    inputmode="numeric" aria-describedby="dash-yes-hint"
                    prop:value=yes_answers
                    on:input=move |ev| yes_answers.set(event_target_value(&ev)) />
            </div>
            <div class="rt-form-group">
                <label class="rt-label" for="callouts">"Police call-outs for domestic abuse in the last 12 months"</label>
                <input class="rt-input rt-input--width-10" id="callouts" name="callouts" type="text"
                    inputmode="numeric"
                    prop:value=callouts
                    on:input=move |ev| callouts.set(event_target_value(&ev)) />
            </div>
            <div class="rt-inset-text" aria-live="polite" id="criteria-result">{result}</div>
        </section>
    }
}
