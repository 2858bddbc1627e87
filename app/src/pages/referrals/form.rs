//! The referral form: saved as a draft as the referrer types, checked by the shared rules when
//! sent, every problem shown beside its field and in the error summary. Nothing typed is lost.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use shared::dash::{self, DashAnswer, DASH_2009, VISIBLE_HIGH_RISK_THRESHOLD};
use shared::equality;
use shared::referral::{Consent, ReferralForm};

use crate::api::referrals::{discard_draft, referral_draft, reply_to_request, save_draft, submit_referral, DraftInput, DraftView, SaveDraft};
use crate::bind;
use crate::components::autosave::Autosave;
use crate::components::bound::{choice_options, BoundCheckbox, BoundRadios, BoundSelect, BoundText};
use crate::components::error_summary::ErrorSummary;
use crate::components::fields::{FormValues, TextArea};
use crate::components::loaded::loaded;
use crate::components::pending_button::PendingButton;
use crate::components::submit_task::{load_page, FormState};
use crate::error::AppError;

/// Milliseconds of quiet typing before a draft is saved.
const SAVE_AFTER_MS: u64 = 1200;

/// "Referral" page: the editor for a draft, or the reply form when more is asked.
#[component]
pub fn ReferralPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let confirming = Memo::new(move |_| query.with(|q| q.get("confirm").as_deref() == Some("delete")));
    let draft = Resource::new(move || params.with(|p| p.get("id").unwrap_or_default()), referral_draft);
    // What was typed last, which the confirmation step names (the draft loaded may be older).
    let latest = RwSignal::new(None::<ReferralForm>);
    let title = move || if confirming.get() { "Delete this draft referral?" } else { "Referral to MARAC" };
    view! {
        <Title text=title />
        <a class="rt-back-link" href="/referrals">"Your referrals"</a>
        <Transition fallback=|| view! { <p class="rt-body">"Loading\u{2026}"</p> }>
            {move || Suspend::new(async move {
                let confirm = confirming.get();
                loaded(draft.await, move |d| {
                    if d.status == shared::referral::ReferralStatus::MoreInformationRequested {
                        view! { <ReplyForm draft=d /> }.into_any()
                    } else if confirm {
                        view! { <ConfirmDelete draft=d latest /> }.into_any()
                    } else {
                        view! { <Editor draft=d latest /> }.into_any()
                    }
                })
            })}
        </Transition>
    }
}

/// The GOV.UK "are you sure" step before a draft is deleted: a page of its own
/// (`?confirm=delete`), so "No" and the browser's back button both return to the draft.
#[component]
fn ConfirmDelete(draft: DraftView, latest: RwSignal<Option<ReferralForm>>) -> impl IntoView {
    let form = FormState::new();
    let id = StoredValue::new(draft.id.clone());
    let name = latest.get_untracked().unwrap_or(draft.form).victim.name.trim().to_string();
    let whose = if name.is_empty() { "a victim not named yet".to_string() } else { name };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        form.submit(move || discard_draft(id.get_value()), |()| load_page("/referrals?discarded=1"));
    };
    view! {
        <ErrorSummary error=form.error />
        <h1 class="rt-heading-xl">"Delete this draft referral?"</h1>
        <div class="rt-confirm">
            <p class="rt-body">{format!("The draft referral for {whose} will be deleted with everything typed in it.")}</p>
            <p class="rt-body"><strong>"You cannot undo this."</strong></p>
            <form on:submit=on_submit novalidate>
                <div class="rt-button-group">
                    <PendingButton pending=form.pending label="Yes, delete this draft" pending_label="Deleting\u{2026}" id="confirm-discard" warning=true />
                    <a class="rt-link rt-mb-4" href=format!("/referrals/{}", draft.id) id="keep-draft">"No, go back to the draft"</a>
                </div>
            </form>
        </div>
    }
}

#[component]
fn ReplyForm(draft: DraftView) -> impl IntoView {
    let form = FormState::new();
    let id = draft.id.clone();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let values = FormValues::from_event(&ev);
        let id = id.clone();
        form.submit(move || reply_to_request(id.clone(), values.get("reply")), |()| load_page("/referrals?replied=1"));
    };
    view! {
        <Title text=format!("More information for referral {}", draft.reference.clone().unwrap_or_default()) />
        <span class="rt-caption-l">{draft.reference.clone().unwrap_or_default()}</span>
        <h1 class="rt-heading-xl">"The coordinator needs more information"</h1>
        <div class="rt-inset-text" id="information-request">{draft.information_request.clone().unwrap_or_default()}</div>
        <ErrorSummary error=form.error />
        <form on:submit=on_submit novalidate>
            <TextArea name="reply" label="Your reply" error=form.error rows=6
                hint="Do not repeat what the referral already says. Your reply is added to it." />
            <PendingButton pending=form.pending label="Send reply" pending_label="Sending\u{2026}" id="send-reply" />
        </form>
    }
}

/// Saves a draft (for [`Autosave`]).
fn save(input: DraftInput) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<i64, AppError>>>> {
    Box::pin(save_draft(input))
}

/// The request that saves a draft as the page is left: the server function's address and body.
fn save_request(input: &DraftInput) -> Option<(String, String)> {
    use leptos::server_fn::ServerFn;
    let body = serde_json::to_string(&SaveDraft { input: input.clone() }).ok()?;
    Some((SaveDraft::PATH.to_string(), body))
}

#[component]
fn Editor(draft: DraftView, latest: RwSignal<Option<ReferralForm>>) -> impl IntoView {
    let state = FormState::new();
    let saved = RwSignal::new(format!("Draft saved at {}", shared::display::time_of_day(draft.updated_at)));
    let id = StoredValue::new(draft.id.clone());
    // Coming back from the confirmation step, what was typed is newer than the draft loaded.
    let typed = latest.get_untracked().unwrap_or_else(|| draft.form.clone());
    let form = RwSignal::new(typed.clone());
    // The saver is given the whole input (id and form), so it never needs this component's values.
    let draft_id = draft.id.clone();
    let input = RwSignal::new(DraftInput { id: draft.id.clone(), form: typed });
    Effect::new(move |first_run: Option<()>| {
        let typed = form.get();
        if first_run.is_some() {
            latest.set(Some(typed.clone()));
            input.set(DraftInput { id: draft_id.clone(), form: typed });
        }
    });
    let saver = Autosave::start(input, saved, save, save_request, SAVE_AFTER_MS);
    let error = state.error;

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let saver = saver.clone();
        state.submit(
            move || submit_referral(DraftInput { id: id.get_value(), form: form.get_untracked() }),
            move |reference: String| {
                saver.close();
                load_page(&format!("/referrals?sent={reference}"));
            },
        );
    };

    view! {
        <span class="rt-caption-l">{draft.agency_name.clone()}</span>
        <h1 class="rt-heading-xl">"Referral to MARAC"</h1>
        <p class="rt-body">"Your answers are saved as a draft as you type. Only you can see the draft until you send it."</p>
        <p class="rt-body-s rt-save-status" role="status" aria-live="polite" id="save-status">{move || saved.get()}</p>
        <ErrorSummary error />
        <form on:submit=on_submit novalidate>
            <h2 class="rt-heading-l">"The incident"</h2>
            <BoundText id="incident-date" label="Date of the latest incident" bind=bind!(form.latest_incident_on) error input_type="date" width="rt-input--width-10" />

            <h2 class="rt-heading-l">"The victim"</h2>
            <BoundText id="victim-name" label="Full name" bind=bind!(form.victim.name) error width="rt-input--width-30" />
            <BoundText id="victim-other-names" label="Other names or spellings (optional)" bind=bind!(form.victim.other_names) error rows=2
                hint="One per line: maiden names, nicknames, other spellings" />
            <BoundText id="victim-dob" label="Date of birth (optional)" bind=bind!(form.victim.date_of_birth) error input_type="date" width="rt-input--width-10" />
            <BoundSelect id="victim-gender" label="Gender (optional)" options=choice_options(equality::GENDERS) bind=bind!(form.victim.gender) error />
            <BoundSelect id="victim-ethnicity" label="Ethnic group (optional)" options=choice_options(equality::ETHNIC_GROUPS) bind=bind!(form.victim.ethnicity) error />
            <BoundSelect id="victim-disability" label="Disability (optional)" options=choice_options(equality::DISABILITY) bind=bind!(form.victim.disability) error />
            <BoundSelect id="victim-orientation" label="Sexual orientation (optional)" options=choice_options(equality::ORIENTATIONS) bind=bind!(form.victim.sexual_orientation) error />
            <BoundText id="victim-language" label="First language (optional)" bind=bind!(form.victim.first_language) error />
            <BoundCheckbox id="victim-interpreter" label="An interpreter is needed" bind=bind!(form.victim.interpreter_needed) />
            <BoundText id="victim-address" label="Address (optional)" bind=bind!(form.victim.address) error rows=3 />
            <BoundText id="victim-safe-contact" label="Safe contact details (optional)" bind=bind!(form.victim.safe_contact) error rows=2
                hint="How the IDVA can reach the victim without putting them at risk" />
            <BoundText id="victim-safe-times" label="Safe times to call (optional)" bind=bind!(form.victim.safe_times) error />

            <People form error />
            <Household form error />
            <Risk form error />

            <h2 class="rt-heading-l">"Consent"</h2>
            <BoundRadios id="consent" legend="What does the victim know of this referral?" bind=bind!(form.consent) error
                options=Consent::ALL.iter().map(|c| (c.as_str().to_string(), c.label().to_string())).collect() />
            <BoundText id="consent-reason" label="Reason for sharing" bind=bind!(form.consent_reason) error rows=3
                hint="Required when referring without consent: the lawful basis, for example a risk of serious harm to the victim or children" />

            <h2 class="rt-heading-l">"Summary"</h2>
            <BoundText id="summary" label="Summary of the incident and the risks" bind=bind!(form.summary) error rows=8
                hint="What happened, what the victim fears, and anything the meeting must know. You can use *emphasis* and lists (- item)." />

            <div class="rt-button-group">
                <PendingButton pending=state.pending label="Send to the coordinator" pending_label="Sending\u{2026}" id="send-referral" />
                <a class="rt-button rt-button--warning" id="discard-referral" href=format!("/referrals/{}?confirm=delete", draft.id)>"Delete this draft"</a>
            </div>
        </form>
    }
}

#[component]
fn People(form: RwSignal<ReferralForm>, error: RwSignal<Option<AppError>>) -> impl IntoView {
    let count = Memo::new(move |_| form.with(|f| f.perpetrators.len()));
    view! {
        <h2 class="rt-heading-l">"Perpetrators"</h2>
        {move || (0..count.get()).map(|i| view! {
            <fieldset class="rt-fieldset rt-card">
                <legend class="rt-fieldset__legend rt-fieldset__legend--m">{format!("Perpetrator {}", i + 1)}</legend>
                <BoundText id=format!("perpetrator-{i}-name") label="Full name" bind=bind!(form.perpetrators[i].name) error width="rt-input--width-30" />
                <BoundText id=format!("perpetrator-{i}-other-names") label="Other names (optional)" bind=bind!(form.perpetrators[i].other_names) error rows=2 />
                <BoundText id=format!("perpetrator-{i}-dob") label="Date of birth (optional)" bind=bind!(form.perpetrators[i].date_of_birth) error input_type="date" width="rt-input--width-10" />
                <BoundSelect id=format!("perpetrator-{i}-gender") label="Gender (optional)" options=choice_options(equality::GENDERS) bind=bind!(form.perpetrators[i].gender) error />
                <BoundText id=format!("perpetrator-{i}-relationship") label="Relationship to the victim" bind=bind!(form.perpetrators[i].relationship) error
                    hint="For example husband, ex-partner, son" />
                <BoundText id=format!("perpetrator-{i}-address") label="Address (optional)" bind=bind!(form.perpetrators[i].address) error rows=2 />
                {(i > 0).then(|| view! {
                    <button type="button" class="rt-button rt-button--secondary rt-button--small"
                        on:click=move |_| form.update(|f| { if i < f.perpetrators.len() { f.perpetrators.remove(i); } })>
                        {format!("Remove perpetrator {}", i + 1)}
                    </button>
                })}
            </fieldset>
        }).collect_view()}
        <button type="button" class="rt-button rt-button--secondary" id="add-perpetrator"
            disabled=move || { count.get() >= shared::referral::MAX_PEOPLE }
            on:click=move |_| form.update(|f| f.perpetrators.push(shared::referral::PerpetratorForm::default()))>"Add another perpetrator"</button>
    }
}

#[component]
fn Household(form: RwSignal<ReferralForm>, error: RwSignal<Option<AppError>>) -> impl IntoView {
    let count = Memo::new(move |_| form.with(|f| f.household.len()));
    view! {
        <h2 class="rt-heading-l">"Children and vulnerable adults in the household"</h2>
        {move || (count.get() == 0).then(|| view! { <p class="rt-body">"None added."</p> })}
        {move || (0..count.get()).map(|i| view! {
            <fieldset class="rt-fieldset rt-card">
                <legend class="rt-fieldset__legend rt-fieldset__legend--m">{format!("Person {} in the household", i + 1)}</legend>
                <BoundText id=format!("household-{i}-name") label="Full name" bind=bind!(form.household[i].name) error width="rt-input--width-30" />
                <BoundText id=format!("household-{i}-dob") label="Date of birth (optional)" bind=bind!(form.household[i].date_of_birth) error input_type="date" width="rt-input--width-10" />
                <BoundText id=format!("household-{i}-relationship") label="Relationship to the victim" bind=bind!(form.household[i].relationship) error />
                <BoundText id=format!("household-{i}-involvement") label="School, nursery or agency involved (optional)" bind=bind!(form.household[i].involvement) error width="rt-input--width-30" />
                <button type="button" class="rt-button rt-button--secondary rt-button--small"
                    on:click=move |_| form.update(|f| { if i < f.household.len() { f.household.remove(i); } })>
                    {format!("Remove person {}", i + 1)}
                </button>
            </fieldset>
        }).collect_view()}
        <button type="button" class="rt-button rt-button--secondary" id="add-household"
            disabled=move || { count.get() >= shared::referral::MAX_PEOPLE }
            on:click=move |_| form.update(|f| f.household.push(shared::referral::HouseholdForm::default()))>"Add a child or vulnerable adult"</button>
    }
}

#[component]
fn Risk(form: RwSignal<ReferralForm>, error: RwSignal<Option<AppError>>) -> impl IntoView {
    let score = Memo::new(move |_| form.with(|f| f.dash_completed.then(|| dash::score(&f.dash))));
    let answer_options = || {
        [(DashAnswer::Yes, "Yes"), (DashAnswer::No, "No"), (DashAnswer::NotKnown, "Not known")]
            .iter()
            .map(|(a, l)| (a.as_str().to_string(), (*l).to_string()))
            .collect::<Vec<_>>()
    };
    view! {
        <h2 class="rt-heading-l" id="criteria" tabindex="-1">"Risk and the MARAC criteria"</h2>
        <p class="rt-body">"One criterion is enough: a DASH score of 14 or more, your professional judgement, 3 or more police call-outs in 12 months, or a repeat."</p>
        <BoundCheckbox id="dash-completed" label="The DASH risk checklist was completed with the victim" bind=bind!(form.dash_completed) />
        <Show when=move || form.with(|f| f.dash_completed)>
            <div class="rt-dash">
                {DASH_2009.questions.iter().map(|q| {
                    let n = q.number;
                    let bind = (
                        Signal::derive(move || form.with(|f| f.dash.get(n).map(|a| a.as_str().to_string()).unwrap_or_default())),
                        Callback::new(move |v: String| form.update(|f| {
                            if let Some(a) = DashAnswer::parse_str(&v) {
                                let _ = f.dash.set(n, a);
                            }
                        })),
                    );
                    view! {
                        <BoundRadios id=format!("dash-q{n}") legend=format!("{n}. {}", q.text) options=answer_options() bind error inline=true small_legend=true />
                    }
                }).collect_view()}
            </div>
        </Show>
        <div class="rt-inset-text" aria-live="polite" id="dash-score">
            {move || match score.get() {
                Some(s) if dash::meets_visible_high_risk(s) => format!("DASH score {s} of 24: meets visible high risk ({VISIBLE_HIGH_RISK_THRESHOLD} or more)."),
                Some(s) => format!("DASH score {s} of 24: below the visible high risk threshold of {VISIBLE_HIGH_RISK_THRESHOLD}."),
                None => "No DASH checklist: give your professional judgement or the police call-outs.".to_string(),
            }}
        </div>
        <BoundText id="professional-judgement" label="Professional judgement (optional)" bind=bind!(form.professional_judgement) error rows=3
            hint="If you judge the risk to be high whatever the score, say why: for example strangulation, stalking, threats to kill, the victim's own fear" />
        <BoundText id="police-callouts" label="Police call-outs for domestic abuse in the last 12 months (optional)" bind=bind!(form.police_callouts) error width="rt-input--width-10" />
        <BoundCheckbox id="believed-repeat" label="I believe this victim was discussed at a MARAC in the last 12 months" bind=bind!(form.believed_repeat)
            hint="The coordinator checks earlier cases and confirms whether this is a repeat" />
    }
}
