//! A case as the meeting works on it: the referral, each agency's research, actions from earlier
//! meetings, the minutes (fact and opinion, each with its source), risks and decision, and the
//! actions agreed. Built for the chair at the table: everything by keyboard, every button
//! pending while it works, a clear message after, and no edit ever silently overwritten.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use shared::display::iso_date;
use shared::meeting::{ActionStatus, EntryKind};

use crate::api::meetings::{
    add_action, add_entry, add_research, amend_minutes, edit_entry, open_meeting_case, save_case_minutes, update_action, ActionInput, ActionUpdate,
    ActionView, AmendInput, CaseAtMeeting, CaseMinutesInput, EntryEdit, EntryInput, EntryView,
};
use crate::components::error_summary::ErrorSummary;
use crate::components::fields::{FormValues, SelectField, TextArea, TextField};
use crate::components::loaded::{loaded, Notice};
use crate::components::pending_button::PendingButton;
use crate::components::submit_task::FormState;
use crate::error::AppError;

/// "Case at the meeting" page.
#[component]
pub fn MeetingCasePage() -> impl IntoView {
    let params = use_params_map();
    let reload = RwSignal::new(0u32);
    let notice = RwSignal::new(None::<String>);
    let kept = Kept::new();
    let data = Resource::new(
        move || (params.with(|p| (p.get("id").unwrap_or_default(), p.get("case").unwrap_or_default())), reload.get()),
        |((id, case), _)| open_meeting_case(id, case),
    );
    view! {
        <Title text="Case at the meeting" />
        <ErrorSummary error=kept.error />
        <a class="rt-back-link" href=move || format!("/meetings/{}", params.with(|p| p.get("id").unwrap_or_default()))>"Back to the agenda"</a>
        <Transition fallback=|| view! { <p class="rt-body">"Loading\u{2026}"</p> }>
            {move || Suspend::new(async move { loaded(data.await, move |c| view! { <CaseWork c reload notice kept /> }.into_any()) })}
        </Transition>
    }
}

/// What survives a reload of the page's data: text someone typed whose save lost a race with
/// another person's, so they can compare it with the version now shown and save again.
#[derive(Clone, Copy)]
struct Kept {
    /// The conflict (shown at the top of the page).
    error: RwSignal<Option<AppError>>,
    /// Unsaved entry edits by entry id: (kind, text).
    entries: RwSignal<std::collections::HashMap<String, (String, String)>>,
    /// Unsaved risks and decision.
    minutes: RwSignal<Option<(String, String)>>,
}

impl Kept {
    fn new() -> Self {
        Kept { error: RwSignal::new(None), entries: RwSignal::new(Default::default()), minutes: RwSignal::new(None) }
    }
}

/// Runs `work`; when it loses a race (`Conflict`), keeps what was typed with `keep` and reloads
/// the data so the other person's version shows beside it.
async fn keeping<T>(
    work: impl std::future::Future<Output = Result<T, AppError>>,
    kept: Kept,
    keep: impl FnOnce(),
    reload: RwSignal<u32>,
) -> Result<T, AppError> {
    let result = work.await;
    if let Err(e @ AppError::Conflict(_)) = &result {
        keep();
        kept.error.set(Some(e.clone()));
        reload.update(|n| *n += 1);
    }
    result
}

fn kinds() -> Vec<(String, String)> {
    EntryKind::ALL.iter().map(|k| (k.as_str().to_string(), if *k == EntryKind::Fact { "Fact".to_string() } else { "Opinion".to_string() })).collect()
}

/// Entries as a list: each marked FACT or OPINION, with its source.
#[component]
fn Entries(entries: Vec<EntryView>, id: &'static str, empty: &'static str) -> impl IntoView {
    if entries.is_empty() {
        return view! { <p class="rt-body" id=id>{empty}</p> }.into_any();
    }
    view! {
        <div id=id>
            {entries.into_iter().map(|e| {
                let class = if e.kind == "opinion" { "rt-opinion" } else { "rt-fact" };
                let label = EntryKind::parse(&e.kind).map_or("", |k| k.label());
                view! {
                    <div class=class>
                        <strong class="rt-entry__kind">{label}</strong>" "<span class="rt-source">{format!("Source: {}", e.source)}</span>
                        <div class="rt-prose" inner_html=e.body_html.clone()></div>
                    </div>
                }
            }).collect_view()}
        </div>
    }
    .into_any()
}

#[component]
fn CaseWork(c: CaseAtMeeting, reload: RwSignal<u32>, notice: RwSignal<Option<String>>, kept: Kept) -> impl IntoView {
    let form = FormState::new();
    let ids = StoredValue::new((c.meeting_id.clone(), c.case_id.clone()));
    let done = move |message: &'static str| {
        move |_| {
            notice.set(Some(message.to_string()));
            reload.update(|n| *n += 1);
        }
    };
    let entry_input = move |v: &FormValues, prefix: &str| {
        let (meeting_id, case_id) = ids.get_value();
        EntryInput {
            meeting_id,
            case_id,
            kind: v.get(&format!("{prefix}-kind")),
            body: v.get(&format!("{prefix}-body")),
            source_agency_id: v.get(&format!("{prefix}-source")),
            source_person: v.get(&format!("{prefix}-person")),
        }
    };
    let on_research = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let v = FormValues::from_event(&ev);
        let input = entry_input(&v, "research");
        form.submit(move || add_research(input.clone()), done("Your agency's research was recorded."));
    };
    let on_entry = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let v = FormValues::from_event(&ev);
        let input = entry_input(&v, "entry");
        form.submit(move || add_entry(input.clone()), done("The entry was added to the minutes."));
    };
    let typed = kept.minutes.get_untracked();
    let (theirs_risks, theirs_decision) = (c.risks.clone(), c.decision.clone());
    let risks = RwSignal::new(typed.as_ref().map_or_else(|| c.risks.clone(), |t| t.0.clone()));
    let decision = RwSignal::new(typed.as_ref().map_or_else(|| c.decision.clone(), |t| t.1.clone()));
    let version = c.minutes_version;
    let on_minutes = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (meeting_id, case_id) = ids.get_value();
        let input = CaseMinutesInput { meeting_id, case_id, risks: risks.get_untracked(), decision: decision.get_untracked(), version };
        let typed = (input.risks.clone(), input.decision.clone());
        form.submit(
            move || {
                let typed = typed.clone();
                keeping(save_case_minutes(input.clone()), kept, move || kept.minutes.set(Some(typed)), reload)
            },
            move |_version: i64| {
                kept.minutes.set(None);
                kept.error.set(None);
                notice.set(Some("Risks and decision saved.".to_string()));
                reload.update(|n| *n += 1);
            },
        );
    };
    let on_action = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let v = FormValues::from_event(&ev);
        let (meeting_id, case_id) = ids.get_value();
        let input = ActionInput {
            meeting_id,
            case_id,
            owner_agency_id: v.get("action-owner"),
            owner_person: v.get("action-person"),
            description: v.get("action-description"),
            due_on: v.get("action-due"),
        };
        form.submit(move || add_action(input.clone()), done("The action was agreed."));
    };
    let on_amend = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let v = FormValues::from_event(&ev);
        let (meeting_id, case_id) = ids.get_value();
        let target = v.get("amend-target");
        let (target, entry_id) = match target.strip_prefix("entry:") {
            Some(entry) => ("entry".to_string(), entry.to_string()),
            None => (target, String::new()),
        };
        let input = AmendInput { meeting_id, case_id, target, entry_id, amended: v.get("amended"), reason: v.get("amend-reason") };
        form.submit(move || amend_minutes(input.clone()), done("The amendment was recorded; the original stays in the record."));
    };
    let mut sources = vec![(String::new(), "Choose the agency".to_string())];
    sources.extend(c.agencies.iter().cloned());
    let rights = c.rights;
    let final_minutes = !rights.minute && rights.finalise;
    let mut amend_targets = vec![("risks".to_string(), "Risks identified".to_string()), ("decision".to_string(), "Decision".to_string())];
    amend_targets.extend(
        c.entries
            .iter()
            .enumerate()
            .map(|(i, e)| (format!("entry:{}", e.id), format!("Entry {}: {}", i + 1, e.body.chars().take(40).collect::<String>()))),
    );
    view! {
        <nav class="rt-case-steps" aria-label="Agenda">
            {c.previous_case.clone().map(|(case, reference)| view! {
                <a class="rt-link" href=format!("/meetings/{}/cases/{case}", c.meeting_id) id="previous-case">{format!("\u{2190} Previous case: {reference}")}</a>
            })}
            {c.next_case.clone().map(|(case, reference)| view! {
                <a class="rt-link" href=format!("/meetings/{}/cases/{case}", c.meeting_id) id="next-case">{format!("Next case: {reference} \u{2192}")}</a>
            })}
        </nav>
        <span class="rt-caption-l">{c.reference.clone()}{c.restricted.then(|| view! { " " <strong class="rt-tag rt-tag--red">"Restricted"</strong> })}</span>
        <h1 class="rt-heading-xl" id="case-title">{c.victim_name.clone()}</h1>
        <p class="rt-body-s" id="present">{if c.present.is_empty() { "Nobody recorded as present yet.".to_string() } else { format!("Present: {}", c.present.join("; ")) }}</p>
        <Notice message=notice />
        <ErrorSummary error=form.error />
        <div class="rt-prose rt-inset-text" inner_html=c.referral_html.clone()></div>

        <h2 class="rt-heading-l">"Research from agencies"</h2>
        <Entries entries=c.research.clone() id="research" empty="No agency has recorded research yet." />
        {rights.research.then(|| view! {
            <form on:submit=on_research novalidate class="rt-card">
                <h3 class="rt-heading-s">"Add your agency's research"</h3>
                <SelectField name="research-kind" label="Fact or opinion" error=form.error options=kinds() />
                <TextArea name="research-body" label="What your records hold" error=form.error rows=3
                    hint="Relevant and proportionate only. Say what you withheld and why, if anything." />
                <PendingButton pending=form.pending label="Add research" pending_label="Adding\u{2026}" id="add-research" secondary=true />
            </form>
        })}

        <h2 class="rt-heading-l">"Actions from earlier meetings"</h2>
        <ActionList actions=c.previous_actions.clone() id="previous-actions" empty="No outstanding actions from earlier meetings." reload />

        <h2 class="rt-heading-l">"Minutes"</h2>
        <EntryList entries=c.entries.clone() editable=rights.minute reload kept />
        {rights.minute.then(|| view! {
            <form on:submit=on_entry novalidate class="rt-card" id="entry-form">
                <h3 class="rt-heading-s">"Add to the minutes"</h3>
                <SelectField name="entry-kind" label="Fact or opinion" error=form.error options=kinds() />
                <SelectField name="entry-source" label="Said by (agency)" error=form.error options=sources.clone() />
                <TextField name="entry-person" label="Said by (person, optional)" error=form.error />
                <TextArea name="entry-body" label="What was said" error=form.error rows=3 />
                <PendingButton pending=form.pending label="Add entry" pending_label="Adding\u{2026}" id="add-entry" />
            </form>
        })}

        <h2 class="rt-heading-l">"Risks and decision"</h2>
        {if rights.minute {
            view! {
                {typed.is_some().then(|| view! {
                    <div class="rt-inset-text" id="minutes-theirs">
                        <p class="rt-body"><strong>"Saved by someone else: "</strong></p>
                        <p class="rt-body">{format!("Risks: {theirs_risks}")}</p>
                        <p class="rt-body">{format!("Decision: {theirs_decision}")}</p>
                    </div>
                })}
                <form on:submit=on_minutes novalidate>
                    <div class="rt-form-group">
                        <label class="rt-label" for="risks">"Risks identified"</label>
                        <textarea class="rt-textarea" id="risks" name="risks" rows="3" prop:value=move || risks.get() on:input=move |ev| risks.set(event_target_value(&ev))></textarea>
                    </div>
                    <div class="rt-form-group">
                        <label class="rt-label" for="decision">"Decision"</label>
                        <textarea class="rt-textarea" id="decision" name="decision" rows="3" prop:value=move || decision.get() on:input=move |ev| decision.set(event_target_value(&ev))></textarea>
                    </div>
                    <PendingButton pending=form.pending label="Save risks and decision" pending_label="Saving\u{2026}" id="save-minutes" secondary=true />
                </form>
            }.into_any()
        } else {
            view! {
                <dl class="rt-summary-list" id="risks-decision">
                    <crate::components::summary_row::SummaryRow key="Risks identified" value=if c.risks.is_empty() { "None recorded".to_string() } else { c.risks.clone() } />
                    <crate::components::summary_row::SummaryRow key="Decision" value=if c.decision.is_empty() { "None recorded".to_string() } else { c.decision.clone() } />
                </dl>
            }.into_any()
        }}

        <h2 class="rt-heading-l">"Actions agreed"</h2>
        <ActionList actions=c.actions.clone() id="actions" empty="No actions agreed yet." reload />
        {rights.minute.then(|| view! {
            <form on:submit=on_action novalidate class="rt-card" id="action-form">
                <h3 class="rt-heading-s">"Agree an action"</h3>
                <SelectField name="action-owner" label="Owning agency" error=form.error options=sources.clone() />
                <TextField name="action-person" label="Named person (optional)" error=form.error />
                <TextArea name="action-description" label="What is to be done" error=form.error rows=2 />
                <TextField name="action-due" label="Due date" input_type="date" width="rt-input--width-10" error=form.error />
                <PendingButton pending=form.pending label="Agree action" pending_label="Agreeing\u{2026}" id="add-action" />
            </form>
        })}

        {(!c.amendments.is_empty()).then(|| view! {
            <h2 class="rt-heading-l">"Amendments"</h2>
            <ul class="rt-list rt-list--bullet" id="amendments">{c.amendments.iter().map(|a| view! { <li>{a.clone()}</li> }).collect_view()}</ul>
        })}
        {final_minutes.then(|| view! {
            <h2 class="rt-heading-l">"Amend the final minutes"</h2>
            <form on:submit=on_amend novalidate>
                <SelectField name="amend-target" label="What to correct" error=form.error options=amend_targets />
                <TextArea name="amended" label="The corrected text" error=form.error rows=3 />
                <TextArea name="amend-reason" label="Reason for the amendment" error=form.error rows=2 />
                <PendingButton pending=form.pending label="Record amendment" pending_label="Recording\u{2026}" id="amend" secondary=true />
            </form>
        })}
    }
}

/// Minute entries, each editable in place with a version check.
#[component]
fn EntryList(entries: Vec<EntryView>, editable: bool, reload: RwSignal<u32>, kept: Kept) -> impl IntoView {
    if entries.is_empty() {
        return view! { <p class="rt-body" id="entries">"Nothing minuted yet."</p> }.into_any();
    }
    view! {
        <ol class="rt-entries" id="entries">
            {entries.into_iter().enumerate().map(|(i, e)| view! { <li><EntryRow e number=i + 1 editable reload kept /></li> }).collect_view()}
        </ol>
    }
    .into_any()
}

#[component]
fn EntryRow(e: EntryView, number: usize, editable: bool, reload: RwSignal<u32>, kept: Kept) -> impl IntoView {
    // Errors go to the page's summary: a conflict reloads this row.
    let form = FormState { pending: RwSignal::new(false), error: kept.error };
    let typed = kept.entries.with_untracked(|k| k.get(&e.id).cloned());
    let editing = RwSignal::new(typed.is_some());
    let text = RwSignal::new(typed.as_ref().map_or_else(|| e.body.clone(), |t| t.1.clone()));
    let kind = RwSignal::new(typed.as_ref().map_or_else(|| e.kind.clone(), |t| t.0.clone()));
    let (entry_id, version) = (e.id.clone(), e.version);
    let class = if e.kind == "opinion" { "rt-opinion" } else { "rt-fact" };
    let label = EntryKind::parse(&e.kind).map_or("", |k| k.label());
    let field = format!("edit-{}", e.id);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = EntryEdit { entry_id: entry_id.clone(), kind: kind.get_untracked(), body: text.get_untracked(), version };
        let id = entry_id.clone();
        form.submit(
            move || {
                let (id, typed) = (input.entry_id.clone(), (input.kind.clone(), input.body.clone()));
                keeping(
                    edit_entry(input.clone()),
                    kept,
                    move || {
                        kept.entries.update(|k| {
                            k.insert(id, typed);
                        })
                    },
                    reload,
                )
            },
            move |_| {
                kept.entries.update(|k| {
                    k.remove(&id);
                });
                kept.error.set(None);
                editing.set(false);
                reload.update(|n| *n += 1);
            },
        );
    };
    view! {
        <div class=class>
            <strong class="rt-entry__kind">{label}</strong>" "<span class="rt-source">{format!("Source: {}", e.source)}</span>
            <div class="rt-prose" inner_html=e.body_html.clone()></div>
            {editable.then(|| view! {
                <Show when=move || editing.get() fallback=move || view! {
                    <button type="button" class="rt-button rt-button--secondary rt-button--small" aria-label=format!("Edit entry {number}")
                        on:click=move |_| editing.set(true)>"Edit"</button>
                }>
                    <form on:submit=save.clone() novalidate>
                        <div class="rt-form-group">
                            <label class="rt-label" for=field.clone()>{format!("Entry {number}")}</label>
                            <textarea class="rt-textarea" id=field.clone() rows="3" prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                        </div>
                        <div class="rt-form-group">
                            <label class="rt-label" for=format!("{field}-kind")>"Fact or opinion"</label>
                            <select class="rt-select" id=format!("{field}-kind") on:change=move |ev| kind.set(event_target_value(&ev))>
                                {kinds().into_iter().map(|(v, l)| { let selected = v == kind.get_untracked(); view! { <option value=v selected=selected>{l}</option> } }).collect_view()}
                            </select>
                        </div>
                        <PendingButton pending=form.pending label="Save entry" pending_label="Saving\u{2026}" id="save-entry" secondary=true />
                    </form>
                </Show>
            })}
        </div>
    }
}

/// Actions with their status; those the viewer may update have a status form.
#[component]
pub fn ActionList(actions: Vec<ActionView>, id: &'static str, empty: &'static str, reload: RwSignal<u32>) -> impl IntoView {
    if actions.is_empty() {
        return view! { <p class="rt-body" id=id>{empty}</p> }.into_any();
    }
    view! {
        <table class="rt-table" id=id>
            <thead><tr>
                <th class="rt-table__header" scope="col">"Action"</th>
                <th class="rt-table__header" scope="col">"Owner"</th>
                <th class="rt-table__header" scope="col">"Due"</th>
                <th class="rt-table__header" scope="col">"Status"</th>
            </tr></thead>
            <tbody>{actions.into_iter().map(|a| view! { <ActionRow a reload /> }).collect_view()}</tbody>
        </table>
    }
    .into_any()
}

#[component]
fn ActionRow(a: ActionView, reload: RwSignal<u32>) -> impl IntoView {
    let form = FormState::new();
    let (action_id, version) = (a.id.clone(), a.version);
    let statuses: Vec<(String, String)> = ActionStatus::ALL.iter().map(|s| (s.as_str().to_string(), s.label().to_string())).collect();
    let status_field = format!("status-{}", a.id);
    let note_field = format!("note-{}", a.id);
    let on_update = {
        let (status_field, note_field) = (status_field.clone(), note_field.clone());
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let v = FormValues::from_event(&ev);
            let input = ActionUpdate { action_id: action_id.clone(), status: v.get(&status_field), note: v.get(&note_field), version };
            form.submit(move || update_action(input.clone()), move |_| reload.update(|n| *n += 1));
        }
    };
    let current = a.status.clone();
    view! {
        <tr class:rt-overdue=a.overdue>
            <td class="rt-table__cell">{a.description.clone()}
                <span class="rt-table__sub">{a.case_reference.clone()}
                    {a.case_restricted.then(|| view! { " " <strong class="rt-tag rt-tag--red">"Restricted"</strong> })}</span>
                {(!a.history.is_empty()).then(|| view! {
                    <details class="rt-details rt-mb-0"><summary class="rt-details__summary"><span class="rt-details__summary-text">"History"</span></summary>
                        <ul class="rt-list rt-details__text">{a.history.iter().map(|h| view! { <li>{h.clone()}</li> }).collect_view()}</ul></details>
                })}</td>
            <td class="rt-table__cell">{a.owner_agency.clone()}{a.owner_person.clone().map(|p| view! { <span class="rt-table__sub">{p}</span> })}</td>
            <td class="rt-table__cell">{iso_date(&a.due_on)}{a.overdue.then(|| view! { " " <strong class="rt-tag rt-tag--red">"Overdue"</strong> })}</td>
            <td class="rt-table__cell">
                <strong class="rt-tag">{a.status_label.clone()}</strong>
                {a.may_update.then(|| view! {
                    <ErrorSummary error=form.error />
                    <form on:submit=on_update novalidate class="rt-action-update">
                        <label class="rt-label rt-label--s" for=status_field.clone()>"New status"</label>
                        <select class="rt-select" id=status_field.clone() name=status_field.clone()>
                            {statuses.into_iter().map(|(v, l)| { let selected = v == current; view! { <option value=v selected=selected>{l}</option> } }).collect_view()}
                        </select>
                        <label class="rt-label rt-label--s" for=note_field.clone()>"What happened"</label>
                        <input class="rt-input" id=note_field.clone() name=note_field.clone() type="text" />
                        <PendingButton pending=form.pending label="Update" pending_label="Updating\u{2026}" secondary=true />
                    </form>
                })}
            </td>
        </tr>
    }
}
