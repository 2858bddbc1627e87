//! Data protection on the case record: the history of corrections, the correction form
//! (coordinator and DPO), and the DPO's restriction, objection and erasure forms.

use leptos::prelude::*;
use shared::data_protection::ErasureGround;
use shared::display::iso_date;

use crate::api::data_protection::{
    decide_objection, erase, record_objection, rectify, set_restriction, CorrectionView, DataProtectionPanel, EraseInput, ObjectionDecisionInput,
    ObjectionInput, ObjectionView, RectifyInput, RestrictInput,
};
use crate::components::error_summary::ErrorSummary;
use crate::components::fields::{FormValues, SelectField, TextArea, TextField};
use crate::components::pending_button::PendingButton;
use crate::components::submit_task::FormState;

fn with_prompt(prompt: &str, list: Vec<(String, String)>) -> Vec<(String, String)> {
    std::iter::once((String::new(), prompt.to_string())).chain(list).collect()
}

/// What happens after a change: the form emptied, a message, and the record loaded again.
fn done(v: &FormValues, reload: RwSignal<u32>, notice: RwSignal<Option<String>>, message: &'static str) -> impl FnOnce(()) + 'static {
    let reset = v.resetter();
    move |()| {
        reset();
        notice.set(Some(message.to_string()));
        reload.update(|n| *n += 1);
    }
}

/// Corrections made to details the viewer may see.
#[component]
pub fn Corrections(list: Vec<CorrectionView>) -> impl IntoView {
    view! {
        <section id="corrections" aria-labelledby="corrections-heading">
            <h2 class="rt-heading-l" id="corrections-heading">"Corrections"</h2>
            <table class="rt-table">
                <thead><tr>
                    <th class="rt-table__header" scope="col">"Detail"</th>
                    <th class="rt-table__header" scope="col">"Was"</th>
                    <th class="rt-table__header" scope="col">"Now"</th>
                    <th class="rt-table__header" scope="col">"Who, when and why"</th>
                </tr></thead>
                <tbody>{list.into_iter().map(|c| view! {
                    <tr>
                        <td class="rt-table__cell">{c.field}</td>
                        <td class="rt-table__cell">{c.old_value}</td>
                        <td class="rt-table__cell">{c.new_value}</td>
                        <td class="rt-table__cell">{format!("{}, {}", c.by, shared::display::day_of(c.at))}<span class="rt-table__sub">{c.reason}</span></td>
                    </tr>
                }).collect_view()}</tbody>
            </table>
        </section>
    }
}

/// Correcting a detail (rectification).
#[component]
pub fn Rectify(case_id: String, choices: Vec<(String, String)>, reload: RwSignal<u32>, notice: RwSignal<Option<String>>) -> impl IntoView {
    let form = FormState::new();
    let id = StoredValue::new(case_id);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let v = FormValues::from_event(&ev);
        let input =
            RectifyInput { case_id: id.get_value(), target: v.get("rectify-target"), value: v.get("rectify-value"), reason: v.get("rectify-reason") };
        form.submit(move || rectify(input.clone()), done(&v, reload, notice, "The correction was recorded. The old value is kept in the history."));
    };
    view! {
        <section id="rectify" aria-labelledby="rectify-heading">
            <h2 class="rt-heading-l" id="rectify-heading">"Correct a detail"</h2>
            <ErrorSummary error=form.error />
            <form on:submit=on_submit novalidate>
                <SelectField name="rectify-target" label="Detail to correct" error=form.error options=with_prompt("Choose a detail", choices) />
                <TextField name="rectify-value" label="The corrected value" error=form.error width="rt-input--width-30"
                    hint="Dates as YYYY-MM-DD. Leave blank to clear an address or date of birth." />
                <TextArea name="rectify-reason" label="Reason for the correction" error=form.error rows=2
                    hint="For example who asked for it and what evidence was seen." />
                <PendingButton pending=form.pending label="Record the correction" pending_label="Recording\u{2026}" id="rectify-submit" secondary=true />
            </form>
        </section>
    }
}

/// The DPO's panel: restriction, objections, erasure.
#[component]
pub fn DataProtection(
    case_id: String,
    restricted: bool,
    panel: DataProtectionPanel,
    reload: RwSignal<u32>,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let form = FormState::new();
    let id = StoredValue::new(case_id);
    let on_restrict = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let v = FormValues::from_event(&ev);
        let input = RestrictInput { case_id: id.get_value(), reason: v.get("restriction-reason"), restricted: !restricted };
        let message = if restricted { "The restriction was lifted." } else { "The case is restricted: only the coordinator and you can see it." };
        form.submit(move || set_restriction(input.clone()), done(&v, reload, notice, message));
    };
    let on_object = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let v = FormValues::from_event(&ev);
        let input = ObjectionInput {
            case_id: id.get_value(),
            person: v.get("objection-person"),
            received_on: v.get("objection-received"),
            grounds: v.get("objection-grounds"),
        };
        form.submit(move || record_objection(input.clone()), done(&v, reload, notice, "The objection was recorded."));
    };
    let on_erase = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let v = FormValues::from_event(&ev);
        let input = EraseInput { case_id: id.get_value(), target: v.get("erase-target"), ground: v.get("erase-ground") };
        let whole = input.target == "case";
        form.submit(
            move || erase(input.clone()),
            move |()| {
                if whole {
                    let _ = leptos::prelude::window().location().set_href("/retention");
                } else {
                    notice.set(Some("The record was erased.".to_string()));
                    reload.update(|n| *n += 1);
                }
            },
        );
    };
    let grounds = with_prompt("Choose a ground", ErasureGround::ALL.iter().map(|g| (g.as_str().to_string(), g.label().to_string())).collect());
    view! {
        <section id="data-protection" aria-labelledby="dp-heading">
            <h2 class="rt-heading-l" id="dp-heading">"Data protection"</h2>
            <ErrorSummary error=form.error />
            {panel.hold_reason.clone().map(|r| view! { <div class="rt-inset-text" id="hold-reason">{format!("Under a legal hold: {r}")}</div> })}
            <form on:submit=on_restrict novalidate>
                <h3 class="rt-heading-m">{if restricted { "Lift the restriction" } else { "Restrict this case" }}</h3>
                {panel.restriction_reason.clone().map(|r| view! { <p class="rt-body" id="restriction-reason">{format!("Restricted because: {r}")}</p> })}
                <TextArea name="restriction-reason" label="Reason" error=form.error rows=2
                    hint=if restricted { "Why the restriction can end." } else { "A restricted case is hidden from everyone but the coordinator and the data protection officer." } />
                <PendingButton pending=form.pending label=if restricted { "Lift restriction" } else { "Restrict case" } pending_label="Saving\u{2026}" id="restrict-case" secondary=true />
            </form>

            <h3 class="rt-heading-m">"Objections"</h3>
            {if panel.objections.is_empty() {
                view! { <p class="rt-body" id="objections">"None recorded."</p> }.into_any()
            } else {
                view! { <ul class="rt-list" id="objections">{panel.objections.iter().cloned().map(|o| view! { <Objection o reload notice /> }).collect_view()}</ul> }.into_any()
            }}
            <form on:submit=on_object novalidate>
                <h4 class="rt-heading-s">"Record an objection"</h4>
                <SelectField name="objection-person" label="Who objects" error=form.error options=with_prompt("Choose a person", panel.people.clone()) />
                <TextField name="objection-received" label="Date received" input_type="date" width="rt-input--width-10" error=form.error />
                <TextArea name="objection-grounds" label="What the person objects to and why" error=form.error rows=3 />
                <PendingButton pending=form.pending label="Record objection" pending_label="Recording\u{2026}" id="record-objection" secondary=true />
            </form>

            <form on:submit=on_erase novalidate>
                <h3 class="rt-heading-m">"Erase"</h3>
                <p class="rt-body">"Erasure cannot be undone. The audit log keeps only that it happened and the ground, never what was erased."</p>
                <SelectField name="erase-target" label="What to erase" error=form.error options=with_prompt("Choose what to erase", panel.erasable.clone()) />
                <SelectField name="erase-ground" label="Why erasure applies" error=form.error options=grounds />
                <PendingButton pending=form.pending label="Erase" pending_label="Erasing\u{2026}" id="erase-record" warning=true />
            </form>
        </section>
    }
}

#[component]
fn Objection(o: ObjectionView, reload: RwSignal<u32>, notice: RwSignal<Option<String>>) -> impl IntoView {
    let form = FormState::new();
    let id = StoredValue::new(o.id.clone());
    let on_decide = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let v = FormValues::from_event(&ev);
        let input = ObjectionDecisionInput {
            objection_id: id.get_value(),
            decision: v.get("objection-decision"),
            reasoning: v.get("objection-reasoning"),
            decided_on: v.get("objection-decided-on"),
        };
        form.submit(move || decide_objection(input.clone()), done(&v, reload, notice, "The decision was recorded."));
    };
    let decisions = vec![
        (String::new(), "Choose a decision".to_string()),
        ("upheld".to_string(), "Upheld".to_string()),
        ("not_upheld".to_string(), "Not upheld".to_string()),
    ];
    view! {
        <li class="rt-card">
            <p class="rt-body">{format!("{}, received {}: {}", o.person, iso_date(&o.received_on), o.grounds)}</p>
            <p class="rt-body"><strong class="rt-tag">{o.decision.clone()}</strong>
                {o.decided_on.clone().map(|d| format!(" on {}", iso_date(&d)))}{o.reasoning.clone().map(|r| format!(": {r}"))}</p>
            {(!o.decided).then(|| view! {
                <ErrorSummary error=form.error />
                <form on:submit=on_decide novalidate>
                    <SelectField name="objection-decision" label="Decision" error=form.error options=decisions />
                    <TextArea name="objection-reasoning" label="Reasoning" error=form.error rows=2 />
                    <TextField name="objection-decided-on" label="Date of the decision" input_type="date" width="rt-input--width-10" error=form.error />
                    <PendingButton pending=form.pending label="Record decision" pending_label="Recording\u{2026}" id="decide-objection" secondary=true />
                </form>
            })}
        </li>
    }
}
