//! An agency's research for a meeting: every case on the agenda with the identifiers to check
//! its own records against (never the victim's safe contact details, DASH answers, consent or
//! equality data), its progress, the deadline, and the research form for each case in turn.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use shared::casefile::ResearchAnswer;
use shared::display::{instant, iso_date};
use shared::meeting::EntryKind;
use shared::policy::exposure::{Involvement, Standing};

use crate::api::meetings::{answer_research, open_research_list, MeetingCase, ResearchAnswerInput, ResearchList};
use crate::components::error_summary::ErrorSummary;
use crate::components::fields::{field_error, FormValues, Message, SelectField, TextArea};
use crate::components::live::follow_meeting;
use crate::components::loaded::{loaded, Notice};
use crate::components::pending_button::PendingButton;
use crate::components::submit_task::FormState;
use crate::pages::cases::parties::Parties;

/// "Research list" page.
#[component]
pub fn ResearchPage() -> impl IntoView {
    let params = use_params_map();
    let reload = RwSignal::new(0u32);
    let notice = RwSignal::new(None::<String>);
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let list = Resource::new(move || (id(), reload.get()), |(id, _)| open_research_list(id));
    view! {
        <Title text="Research list" />
        <a class="rt-back-link rt-no-print" href=move || format!("/meetings/{}", id())>"Back to the meeting"</a>
        <Transition fallback=|| view! { <p class="rt-body">"Loading\u{2026}"</p> }>
            {move || Suspend::new(async move { loaded(list.await, move |l| view! { <Research l reload notice /> }.into_any()) })}
        </Transition>
    }
}

#[component]
fn Research(l: ResearchList, reload: RwSignal<u32>, notice: RwSignal<Option<String>>) -> impl IntoView {
    let open = RwSignal::new(None::<String>);
    let meeting_id = l.summary.id.clone();
    follow_meeting(meeting_id.clone(), move || {
        if open.try_get_untracked().flatten().is_none() {
            reload.try_update(|n| *n += 1);
        }
    });
    let total = l.cases.len();
    view! {
        <span class="rt-caption-l">{format!("Research for {}", l.agency_name)}</span>
        <h1 class="rt-heading-xl" id="research-title">{format!("Research list: MARAC meeting, {}", instant(l.summary.starts_at))}</h1>
        <Notice message=notice />
        <p class="rt-body">
            "Check your agency's records for each case below and record what you find. These details are for checking your own records: "
            "do not contact the victim because of the MARAC (the IDVA does). What you record is shared at the meeting with the agencies present."
        </p>
        <dl class="rt-summary-list">
            <div class="rt-summary-list__row">
                <dt class="rt-summary-list__key">"Research deadline"</dt>
                <dd class="rt-summary-list__value" id="research-deadline">{l.research_deadline.as_deref().map_or_else(|| "Not set".to_string(), iso_date)}</dd>
            </div>
            <div class="rt-summary-list__row">
                <dt class="rt-summary-list__key">"Progress"</dt>
                <dd class="rt-summary-list__value" id="research-progress">{format!("Research recorded for {} of {total} cases", l.answered)}</dd>
            </div>
        </dl>
        <p class="rt-body rt-no-print"><button type="button" class="rt-button rt-button--secondary" id="print-research" on:click=move |_| print()>"Print this list"</button></p>
        <ol class="rt-list rt-research" id="research-cases">
            {l.cases.into_iter().map(|c| view! { <li><ResearchCase c meeting_id=meeting_id.clone() open reload notice /></li> }).collect_view()}
        </ol>
    }
}

fn print() {
    let _ = window().print();
}

#[component]
fn ResearchCase(
    c: MeetingCase,
    meeting_id: String,
    open: RwSignal<Option<String>>,
    reload: RwSignal<u32>,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let title = c.parties.victim.as_ref().map_or_else(|| c.reference.clone(), |v| v.name.clone());
    let case_id = c.case_id.clone();
    let mine = c.answers.first().cloned();
    let restricted = c.standing == Standing::Restricted;
    let this = StoredValue::new(case_id.clone());
    let is_open = move || open.with(|o| this.with_value(|c| o.as_deref() == Some(c.as_str())));
    let toggle = move |_| open.update(|o| *o = if o.as_deref() == Some(this.get_value().as_str()) { None } else { Some(this.get_value()) });
    let research = c.research.clone().unwrap_or_default();
    view! {
        <section class="rt-card rt-research__case" id=format!("research-{}", c.reference) aria-labelledby=format!("research-{}-title", c.reference)>
            <h2 class="rt-heading-m" id=format!("research-{}-title", c.reference)>
                {title}" "<span class="rt-caption-m">{c.reference.clone()}</span>
                {restricted.then(|| view! { " " <strong class="rt-tag rt-tag--red">"Restricted"</strong> })}
            </h2>
            {if restricted {
                view! { <p class="rt-body">"This record is restricted under data protection law. Contact the MARAC coordinator if you hold information on it."</p> }.into_any()
            } else {
                view! {
                    <Parties parties=c.parties.clone() level=3 prefix=format!("{}-", c.reference) />
                    <p class="rt-body" id=format!("answer-{}", c.reference)><strong>{mine.as_ref().map_or_else(|| "Not yet researched".to_string(), ResearchAnswer::words)}</strong>
                        {mine.as_ref().filter(|a| !a.withheld.is_empty()).map(|a| view! { <span class="rt-table__sub">{format!("Held but not shared: {}", a.withheld)}</span> })}</p>
                    {(!research.is_empty()).then(|| view! {
                        <ul class="rt-list rt-list--bullet">
                            {research.iter().map(|e| view! { <li><strong>{e.kind.label()}</strong>" "{e.body.clone()}</li> }).collect_view()}
                        </ul>
                    })}
                    {c.writes.research.then(|| view! {
                        <button type="button" class="rt-button rt-button--secondary rt-no-print" aria-expanded=move || is_open().to_string()
                            id=format!("record-{}", c.reference) on:click=toggle>
                            {format!("Record research for {}", c.reference)}
                        </button>
                    })}
                    <Show when=is_open>
                        <ResearchForm meeting_id=meeting_id.clone() case_id=case_id.clone() answer=mine.clone()
                            on_saved=move || { open.set(None); notice.set(Some("Your agency's research was recorded.".into())); reload.update(|n| *n += 1); } />
                    </Show>
                }.into_any()
            }}
        </section>
    }
}

fn kinds() -> Vec<(String, String)> {
    EntryKind::ALL.iter().map(|k| (k.as_str().to_string(), k.label().to_string())).collect()
}

/// The research form for one case: known to the agency or not (and whom), what its records
/// hold to share (fact or opinion), and what it holds but did not share, and why.
#[component]
pub fn ResearchForm(meeting_id: String, case_id: String, answer: Option<ResearchAnswer>, on_saved: impl Fn() + Clone + 'static) -> impl IntoView {
    let form = FormState::new();
    let known = RwSignal::new(answer.as_ref().map(|a| if a.known.is_empty() { "not_known" } else { "known" }.to_string()).unwrap_or_default());
    let ids = StoredValue::new((meeting_id, case_id));
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let v = FormValues::from_event(&ev);
        let (meeting_id, case_id) = ids.get_value();
        let input = ResearchAnswerInput {
            meeting_id,
            case_id,
            known: v.get("research-known"),
            known_about: v.all("research-known-about"),
            withheld: v.get("research-withheld"),
            kind: v.get("research-kind"),
            body: v.get("research-body"),
        };
        let reset = v.resetter();
        let on_saved = on_saved.clone();
        form.submit(
            move || answer_research(input.clone()),
            move |()| {
                reset();
                on_saved();
            },
        );
    };
    let checked: Vec<String> = answer.as_ref().map(|a| a.known.iter().map(|i| i.as_str().to_string()).collect()).unwrap_or_default();
    let withheld = answer.as_ref().map(|a| a.withheld.clone()).unwrap_or_default();
    view! {
        <form on:submit=on_submit novalidate class="rt-research__form" id="research-form">
            <ErrorSummary error=form.error />
            <div class="rt-form-group">
                <fieldset class="rt-fieldset" id="research-known">
                    <legend class="rt-fieldset__legend rt-fieldset__legend--s">"Do your agency's records know the people in this case?"</legend>
                    <Message name="research-known" message=field_error(form.error, "research-known") />
                    <div class="rt-radios">
                        {[("known", "Yes, known to us"), ("not_known", "No, not known to us")].into_iter().map(|(value, text)| {
                            let id = format!("research-known-{value}");
                            view! {
                                <div class="rt-radios__item">
                                    <input class="rt-radios__input" type="radio" id=id.clone() name="research-known" value=value
                                        checked=move || known.get() == value on:change=move |_| known.set(value.to_string()) />
                                    <label class="rt-label rt-radios__label" for=id>{text}</label>
                                </div>
                            }
                        }).collect_view()}
                    </div>
                </fieldset>
            </div>
            <Show when=move || known.get() == "known">
                <crate::components::fields::Checkboxes name="research-known-about" legend="Whom do your records know?" error=form.error
                    options=Involvement::ALL.iter().map(|i| (i.as_str().to_string(), capitalise(i.known_label()))).collect() checked=checked.clone() />
            </Show>
            <SelectField name="research-kind" label="What you share is" error=form.error options=kinds() />
            <TextArea name="research-body" label="What your records hold (optional)" error=form.error rows=3
                hint="Relevant and proportionate only. Keep fact apart from opinion: record an opinion as a separate point." />
            <TextArea name="research-withheld" label="Information held but not shared, and why (optional)" error=form.error rows=2 value=withheld />
            <PendingButton pending=form.pending label="Save research" pending_label="Saving\u{2026}" id="save-research" />
        </form>
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}
