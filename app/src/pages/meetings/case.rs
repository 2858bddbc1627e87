//! A case as the meeting works on it: what the person may see of it at this point of the
//! meeting (the policy decides), each agency's research, actions from earlier meetings, the
//! minutes (fact and opinion, each with its source), risks and decision, and the actions agreed.
//! Built for the chair at the table: everything by keyboard, every button pending while it
//! works, a clear message after, no edit ever silently overwritten, and every screen of the
//! same case updated when someone else adds to it, without losing what is being typed.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use shared::display::iso_date;
use shared::meeting::{ActionStatus, EntryKind};
use shared::policy::exposure::Standing;

use crate::api::meetings::{
    add_action, add_entry, amend_minutes, edit_entry, open_meeting_case, save_case_minutes, set_item_attendance, update_action, ActionInput,
    ActionUpdate, ActionView, AmendInput, CaseAtMeeting, CaseMinutesInput, EntryEdit, EntryInput, EntryView, ItemAttendanceInput,
};
use crate::components::error_summary::ErrorSummary;
use crate::components::fields::{FormValues, SelectField, TextArea, TextField};
use crate::components::live::follow_meeting;
use crate::components::loaded::{loaded, FormStatus, Notice};
use crate::components::pending_button::PendingButton;
use crate::components::submit_task::FormState;
use crate::error::AppError;
use crate::pages::cases::parties::Parties;
use crate::pages::meetings::research::ResearchForm;

/// "Case at the meeting" page.
#[component]
pub fn MeetingCasePage() -> impl IntoView {
    let params = use_params_map();
    let key = move || params.with(|p| (p.get("id").unwrap_or_default(), p.get("case").unwrap_or_default()));
    let first = Resource::new(key, |(id, case)| open_meeting_case(id, case));
    view! {
        <Title text="Case at the meeting" />
        <a class="rt-back-link" href=move || format!("/meetings/{}", key().0)>"Back to the agenda"</a>
        <Transition fallback=|| view! { <p class="rt-body">"Loading\u{2026}"</p> }>
            {move || Suspend::new(async move { loaded(first.await, move |c| view! { <CaseWork c /> }.into_any()) })}
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

/// The page's view of the case: the latest the server sent, fetched again whenever someone
/// changes the meeting. Forms are built once and never lose what is typed in them.
#[derive(Clone, Copy)]
struct Live {
    latest: RwSignal<CaseAtMeeting>,
    /// The case is no longer open to the reader (they were marked out of the room, or the
    /// meeting closed and their agency is not involved).
    gone: RwSignal<bool>,
}

impl Live {
    fn refresh(self) {
        let Some((meeting, case)) = self.latest.try_with_untracked(|c| (c.case.meeting_id.clone(), c.case.case_id.clone())) else { return };
        leptos::task::spawn_local(async move {
            match open_meeting_case(meeting, case).await {
                Ok(c) => {
                    self.latest.try_set(c);
                    self.gone.try_set(false);
                }
                Err(AppError::NotFound) => {
                    self.gone.try_set(true);
                }
                Err(_) => {}
            }
        });
    }
}

/// Runs `work`; when it loses a race (`Conflict`), keeps what was typed with `keep` and reloads
/// the data so the other person's version shows beside it.
async fn keeping<T>(
    work: impl std::future::Future<Output = Result<T, AppError>>,
    kept: Kept,
    keep: impl FnOnce(),
    live: Live,
) -> Result<T, AppError> {
    let result = work.await;
    if let Err(e @ AppError::Conflict(_)) = &result {
        keep();
        kept.error.set(Some(e.clone()));
        live.refresh();
    }
    result
}

fn kinds() -> Vec<(String, String)> {
    EntryKind::ALL.iter().map(|k| (k.as_str().to_string(), k.label().to_string())).collect()
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
                let class = if e.kind == EntryKind::Opinion { "rt-opinion" } else { "rt-fact" };
                view! {
                    <div class=class>
                        <strong class="rt-entry__kind">{e.kind.label()}</strong>" "<span class="rt-source">{format!("Source: {}", e.source)}</span>
                        <div class="rt-prose" inner_html=e.body_html.clone().into_string()></div>
                    </div>
                }
            }).collect_view()}
        </div>
    }
    .into_any()
}

#[component]
fn CaseWork(c: CaseAtMeeting) -> impl IntoView {
    let live = Live { latest: RwSignal::new(c.clone()), gone: RwSignal::new(false) };
    let kept = Kept::new();
    let notice = RwSignal::new(None::<String>);
    follow_meeting(c.case.meeting_id.clone(), move || live.refresh());
    let ids = StoredValue::new((c.case.meeting_id.clone(), c.case.case_id.clone()));
    let view_of = move |f: fn(&CaseAtMeeting) -> AnyView| move || live.latest.with(f);
    view! {
        // The reference, never the victim's name: titles stay in browser history and tab lists.
        <Title text=format!("{} at the meeting", c.case.reference) />
        <nav class="rt-case-steps" aria-label="Agenda">
            {view_of(|c| {
                let meeting = c.case.meeting_id.clone();
                view! {
                    {c.previous_case.clone().map(|(case, reference)| view! {
                        <a class="rt-link" href=format!("/meetings/{meeting}/cases/{case}") id="previous-case">{format!("\u{2190} Previous case: {reference}")}</a>
                    })}
                    {c.next_case.clone().map(|(case, reference)| view! {
                        <a class="rt-link" href=format!("/meetings/{meeting}/cases/{case}") id="next-case">{format!("Next case: {reference} \u{2192}")}</a>
                    })}
                }.into_any()
            })}
        </nav>
        {view_of(|c| view! {
            <span class="rt-caption-l">{c.case.reference.clone()}{c.case.restricted.then(|| view! { " " <strong class="rt-tag rt-tag--red">"Restricted"</strong> })}</span>
            <h1 class="rt-heading-xl" id="case-title">{c.case.parties.victim.as_ref().map_or_else(|| c.case.reference.clone(), |v| v.name.clone())}</h1>
            {c.record_link.then(|| view! { <p class="rt-body"><a class="rt-link" id="case-record" href=format!("/cases/{}", c.case.case_id)>"Open the case record"</a></p> })}
            <p class="rt-body-s" id="present">{if c.present.is_empty() { "Nobody recorded as in the room for this case yet.".to_string() } else { format!("In the room for this case: {}", c.present.join("; ")) }}</p>
        }.into_any())}
        <Notice message=notice />
        <ErrorSummary error=kept.error />
        <div class="rt-inset-text" id="gone" hidden=move || !live.gone.get()>
            "This case is no longer shown to you: you are not in the room for it, or the meeting has closed and your agency is not involved in it."
        </div>
        {move || live.latest.with(|c| c.stepped_out).then(|| view! {
            <div class="rt-inset-text" id="stepped-out">"You are out of the room for this case: you see only what your agency needs to check its records."</div>
        })}
        {move || live.latest.with(|c| (c.case.standing == Standing::Restricted).then(|| view! {
            <div class="rt-inset-text" id="restricted-notice">"This record is restricted under data protection law and is not shared. Contact the MARAC coordinator if you need it."</div>
        }))}
        {move || live.latest.with(|c| (!c.room.is_empty()).then(|| view! { <Room c=c.clone() notice live /> }))}
        {view_of(|c| view! {
            <Parties parties=c.case.parties.clone() />
            {c.case.agencies.clone().map(|list| view! {
                <section id="agencies" aria-labelledby="agencies-heading">
                    <h2 class="rt-heading-l" id="agencies-heading">"Agencies working with the case"</h2>
                    <ul class="rt-list rt-list--bullet">{list.into_iter().map(|a| view! { <li>{a}</li> }).collect_view()}</ul>
                </section>
            })}
            {c.case.history.clone().map(|list| view! {
                <section id="history" aria-labelledby="history-heading">
                    <h2 class="rt-heading-l" id="history-heading">"Referral history"</h2>
                    <ul class="rt-list rt-list--bullet">
                        {list.into_iter().map(|h| view! { <li>{format!("{} referred by {} on {}{}", h.reference, h.agency_name, iso_date(&h.referred_on), if h.repeat { " (repeat)" } else { "" })}</li> }).collect_view()}
                    </ul>
                </section>
            })}
        }.into_any())}

        {move || live.latest.with(|c| c.case.research.is_some()).then(|| view! {
            <h2 class="rt-heading-l">"Research from agencies"</h2>
            {view_of(|c| view! {
                {(!c.case.answers.is_empty()).then(|| view! {
                    <ul class="rt-list" id="research-answers">
                        {c.case.answers.iter().map(|a| view! { <li><strong>{a.agency_name.clone()}</strong>": "{a.words()}
                            {(!a.withheld.is_empty()).then(|| view! { <span class="rt-table__sub">{format!("Held but not shared: {}", a.withheld)}</span> })}</li> }).collect_view()}
                    </ul>
                })}
                <Entries entries=c.case.research.clone().unwrap_or_default() id="research" empty="No agency has recorded research yet." />
            }.into_any())}
        })}
        {move || live.latest.with(|c| c.case.writes.research.then(|| {
            let answer = c.case.answers.iter().find(|_| true).cloned();
            let (meeting_id, case_id) = ids.get_value();
            view! {
                <section class="rt-card" aria-labelledby="add-research-heading">
                    <h3 class="rt-heading-s" id="add-research-heading">"Your agency's research"</h3>
                    <ResearchForm meeting_id case_id answer on_saved=move || { notice.set(Some("Your agency's research was recorded.".into())); live.refresh(); } />
                </section>
            }
        }))}

        {move || live.latest.with(|c| c.case.earlier_actions.is_some()).then(|| view! {
            <h2 class="rt-heading-l">"Actions from earlier meetings"</h2>
            {move || live.latest.with(|c| view! { <ActionList actions=c.case.earlier_actions.clone().unwrap_or_default() id="previous-actions" empty="No outstanding actions from earlier meetings." on_change=move |said| { notice.set(Some(said)); live.refresh() } /> })}
        })}

        {move || live.latest.with(|c| c.case.entries.is_some()).then(|| view! {
            <h2 class="rt-heading-l">"Minutes"</h2>
            {move || live.latest.with(|c| view! { <EntryList entries=c.case.entries.clone().unwrap_or_default() editable=c.case.writes.minute live kept /> })}
        })}
        <MinuteForms c=c.clone() live kept notice />
    }
}

/// Who is in the room for this case, for whoever keeps the register: each person present at
/// the meeting can be marked out for this case, or as having left (out for every later case).
#[component]
fn Room(c: CaseAtMeeting, notice: RwSignal<Option<String>>, live: Live) -> impl IntoView {
    let form = FormState::new();
    let ids = StoredValue::new((c.case.meeting_id.clone(), c.case.case_id.clone()));
    let mark = move |user_id: String, in_room: bool, and_later: bool, message: String| {
        let (meeting_id, case_id) = ids.get_value();
        let input = ItemAttendanceInput { meeting_id, case_id, user_id, in_room, and_later };
        form.submit(
            move || set_item_attendance(input.clone()),
            move |()| {
                notice.set(Some(message));
                live.refresh();
            },
        );
    };
    // Open while the meeting runs (acknowledging is possible only then); folded afterwards, when
    // the line above it already says who was in the room.
    let running = c.rights.acknowledge;
    view! {
        <details class="rt-details" id="room" open=running>
            <summary class="rt-details__summary"><span class="rt-details__summary-text">"Who is in the room for this case"</span></summary>
            <div class="rt-details__text">
                <ErrorSummary error=form.error />
                <ul class="rt-list rt-room">
                    {c.room.into_iter().map(|p| {
                        let (user, name) = (p.user_id.clone(), p.name.clone());
                        let (user2, name2) = (p.user_id.clone(), p.name.clone());
                        view! {
                            <li class="rt-room__person">
                                <span>{p.name.clone()}</span>" "
                                {if p.in_room {
                                    view! { <strong class="rt-tag rt-tag--green">"In the room"</strong> }.into_any()
                                } else {
                                    view! { <strong class="rt-tag rt-tag--grey">"Out for this case"</strong> }.into_any()
                                }}
                                " "
                                <button type="button" class="rt-button rt-button--secondary rt-button--small"
                                    on:click=move |_| mark(user.clone(), !p.in_room, false, format!("{name} is now {} for this case.", if p.in_room { "out of the room" } else { "in the room" }))>
                                    {format!("{}: {}", if p.in_room { "Mark out for this case" } else { "Mark back in" }, p.name)}
                                </button>
                                {p.in_room.then(|| view! {
                                    " "
                                    <button type="button" class="rt-button rt-button--secondary rt-button--small"
                                        on:click=move |_| mark(user2.clone(), false, true, format!("{name2} has left: out of the room for this and every later case."))>
                                        {format!("Leaves before this case: {}", p.name)}
                                    </button>
                                })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </div>
        </details>
    }
}

/// The chair's and coordinator's forms: a minute entry, risks and decision, an action, and
/// amendments to final minutes. Built once, so a live update never empties them.
#[component]
fn MinuteForms(c: CaseAtMeeting, live: Live, kept: Kept, notice: RwSignal<Option<String>>) -> impl IntoView {
    let form = FormState::new();
    let ids = StoredValue::new((c.case.meeting_id.clone(), c.case.case_id.clone()));
    // Each form's own success message, beside it.
    let statuses: [RwSignal<Option<String>>; 4] = std::array::from_fn(|_| RwSignal::new(None));
    let [entry_done, minutes_done, action_done, amend_done] = statuses;
    // One message at a time: the newest, beside the form it came from.
    let done = move |which: RwSignal<Option<String>>, message: &str| {
        statuses.iter().for_each(|s| s.set(None));
        which.set(Some(message.to_string()));
    };
    let amending = !c.case.writes.minute && c.case.writes.amend;
    let on_entry = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let v = FormValues::from_event(&ev);
        let (meeting_id, case_id) = ids.get_value();
        let input = EntryInput {
            meeting_id,
            case_id,
            kind: v.get("entry-kind"),
            body: v.get("entry-body"),
            source_agency_id: v.get("entry-source"),
            source_person: v.get("entry-person"),
            reason: v.get("entry-reason"),
        };
        let reset = v.resetter();
        form.submit(
            move || add_entry(input.clone()),
            move |()| {
                reset();
                done(
                    entry_done,
                    if amending { "The entry was added to the final minutes, with its reason." } else { "The entry was added to the minutes." },
                );
                live.refresh();
            },
        );
    };
    let outcome = c.case.outcome.clone().unwrap_or_default();
    let server = RwSignal::new((outcome.risks.clone(), outcome.decision.clone(), outcome.version));
    let risks = RwSignal::new(outcome.risks.clone());
    let decision = RwSignal::new(outcome.decision.clone());
    // A live update shows someone else's saved text in the boxes, unless this person has typed.
    Effect::new(move |_| {
        let latest = live.latest.with(|c| c.case.outcome.clone().unwrap_or_default());
        let (old_risks, old_decision, _) = server.get_untracked();
        if risks.get_untracked() == old_risks && decision.get_untracked() == old_decision && kept.minutes.with_untracked(Option::is_none) {
            risks.set(latest.risks.clone());
            decision.set(latest.decision.clone());
            server.set((latest.risks, latest.decision, latest.version));
        }
    });
    let on_minutes = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (meeting_id, case_id) = ids.get_value();
        let version = live.latest.with_untracked(|c| c.case.outcome.as_ref().map_or(0, |o| o.version));
        let version = if kept.minutes.with_untracked(Option::is_some) { version } else { server.get_untracked().2 };
        let input = CaseMinutesInput { meeting_id, case_id, risks: risks.get_untracked(), decision: decision.get_untracked(), version };
        let typed = (input.risks.clone(), input.decision.clone());
        form.submit(
            move || {
                let typed = typed.clone();
                keeping(save_case_minutes(input.clone()), kept, move || kept.minutes.set(Some(typed)), live)
            },
            move |version: i64| {
                kept.minutes.set(None);
                kept.error.set(None);
                server.set((risks.get_untracked(), decision.get_untracked(), version));
                done(minutes_done, "Risks and decision saved.");
                live.refresh();
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
            owner_user_id: v.get("action-person"),
            description: v.get("action-description"),
            due_on: v.get("action-due"),
            reason: v.get("action-reason"),
        };
        let reset = v.resetter();
        form.submit(
            move || add_action(input.clone()),
            move |()| {
                reset();
                done(action_done, if amending { "The action was added to the final minutes, with its reason." } else { "The action was agreed." });
                live.refresh();
            },
        );
    };
    // The amendment box starts with the current text of what is being corrected.
    let current = move |target: &str| {
        live.latest.with_untracked(|c| match target.strip_prefix("entry:") {
            Some(entry) => c.case.entries.iter().flatten().find(|e| e.id == entry).map(|e| e.body.clone()).unwrap_or_default(),
            None => c.case.outcome.as_ref().map(|o| if target == "decision" { o.decision.clone() } else { o.risks.clone() }).unwrap_or_default(),
        })
    };
    let amended = RwSignal::new(current("risks"));
    let on_amend_target = move |ev: leptos::ev::Event| {
        use leptos::wasm_bindgen::JsCast;
        let from_target = ev.target().and_then(|t| t.dyn_into::<leptos::web_sys::Element>().ok()).is_some_and(|e| e.id() == "amend-target");
        if from_target {
            amended.set(current(&event_target_value(&ev)));
        }
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
        let input = AmendInput { meeting_id, case_id, target, entry_id, amended: amended.get_untracked(), reason: v.get("amend-reason") };
        let reset = v.resetter();
        // After the form resets to its first choice (the risks), the box shows the risks as they now stand.
        let risks_now = if input.target == "risks" { input.amended.clone() } else { current("risks") };
        form.submit(
            move || amend_minutes(input.clone()),
            move |()| {
                reset();
                amended.set(risks_now.clone());
                done(amend_done, "The amendment was recorded; the original stays in the record.");
                live.refresh();
            },
        );
    };
    let mut sources = vec![(String::new(), "Choose the agency".to_string())];
    sources.extend(c.agencies.iter().cloned());
    let mut people = vec![(String::new(), "Nobody named".to_string())];
    people.extend(c.people.iter().map(|(id, name, agency)| {
        let agency = c.agencies.iter().find(|(a, _)| a == agency).map_or("", |(_, n)| n.as_str());
        (id.clone(), format!("{name}, {agency}"))
    }));
    let writes = c.case.writes;
    // After the minutes are final, entries and actions are still added, as amendments with a reason.
    let adds = writes.minute || writes.amend;
    let mut amend_targets = vec![("risks".to_string(), "Risks identified".to_string()), ("decision".to_string(), "Decision".to_string())];
    amend_targets.extend(
        c.case
            .entries
            .iter()
            .flatten()
            .enumerate()
            .map(|(i, e)| (format!("entry:{}", e.id), format!("Entry {}: {}", i + 1, e.body.chars().take(40).collect::<String>()))),
    );
    view! {
        <ErrorSummary error=form.error />
        {adds.then(|| view! {
            <form on:submit=on_entry novalidate class="rt-card" id="entry-form">
                <h3 class="rt-heading-s">{if amending { "Add an entry to the final minutes" } else { "Add to the minutes" }}</h3>
                <FormStatus message=entry_done id="entry-done" />
                <SelectField name="entry-kind" label="Fact or opinion" error=form.error options=kinds() />
                <SelectField name="entry-source" label="Said by (agency)" error=form.error options=sources.clone() />
                <TextField name="entry-person" label="Said by (person, optional)" error=form.error />
                <TextArea name="entry-body" label="What was said" error=form.error rows=3 />
                {amending.then(|| view! { <TextArea name="entry-reason" label="Reason for the amendment" error=form.error rows=2
                    hint="For example: sent in by the agency after the meeting" /> })}
                <PendingButton pending=form.pending label="Add entry" pending_label="Adding\u{2026}" id="add-entry" />
            </form>
        })}

        {move || live.latest.with(|c| c.case.outcome.is_some()).then(|| view! { <h2 class="rt-heading-l">"Risks and decision"</h2> })}
        {if writes.minute {
            view! {
                {move || kept.minutes.get().map(|_| {
                    let o = live.latest.with(|c| c.case.outcome.clone().unwrap_or_default());
                    view! {
                        <div class="rt-inset-text" id="minutes-theirs">
                            <p class="rt-body"><strong>"Saved by someone else: "</strong></p>
                            <p class="rt-body">{format!("Risks: {}", o.risks)}</p>
                            <p class="rt-body">{format!("Decision: {}", o.decision)}</p>
                        </div>
                    }
                })}
                <form on:submit=on_minutes novalidate>
                    <FormStatus message=minutes_done id="minutes-done" />
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
                {move || live.latest.with(|c| c.case.outcome.clone()).map(|o| view! {
                    <dl class="rt-summary-list" id="risks-decision">
                        <crate::components::summary_row::SummaryMarkupRow key="Risks identified" html=o.risks_html.clone() empty="None recorded" />
                        <crate::components::summary_row::SummaryMarkupRow key="Decision" html=o.decision_html.clone() empty="None recorded" />
                    </dl>
                })}
            }.into_any()
        }}

        {move || live.latest.with(|c| c.case.actions.is_some()).then(|| view! {
            <h2 class="rt-heading-l">"Actions agreed"</h2>
            {move || live.latest.with(|c| view! { <ActionList actions=c.case.actions.clone().unwrap_or_default() id="actions" empty="No actions agreed yet." on_change=move |said| { notice.set(Some(said)); live.refresh() } /> })}
        })}
        {adds.then(|| view! {
            <form on:submit=on_action novalidate class="rt-card" id="action-form">
                <h3 class="rt-heading-s">{if amending { "Add an action to the final minutes" } else { "Agree an action" }}</h3>
                <FormStatus message=action_done id="action-done" />
                <SelectField name="action-owner" label="Owning agency" error=form.error options=sources.clone() />
                <SelectField name="action-person" label="Named person (optional)" error=form.error options=people.clone()
                    hint="Someone of the owning agency" />
                <TextArea name="action-description" label="What is to be done" error=form.error rows=2 />
                <TextField name="action-due" label="Due date" input_type="date" width="rt-input--width-10" error=form.error />
                {amending.then(|| view! { <TextArea name="action-reason" label="Reason for the amendment" error=form.error rows=2
                    hint="For example: agreed at the meeting but not written down" /> })}
                <PendingButton pending=form.pending label=if amending { "Add action" } else { "Agree action" }
                    pending_label=if amending { "Adding\u{2026}" } else { "Agreeing\u{2026}" } id="add-action" />
            </form>
        })}

        {move || live.latest.with(|c| (!c.case.amendments.is_empty()).then(|| view! {
            <h2 class="rt-heading-l">"Amendments"</h2>
            <ul class="rt-list rt-list--bullet" id="amendments">{c.case.amendments.iter().map(|a| view! { <li>{a.clone()}</li> }).collect_view()}</ul>
        }))}
        {writes.amend.then(|| view! {
            <h2 class="rt-heading-l">"Correct the final minutes"</h2>
            <form on:submit=on_amend on:change=on_amend_target novalidate>
                <FormStatus message=amend_done id="amend-done" />
                <SelectField name="amend-target" label="What to correct" error=form.error options=amend_targets />
                <TextArea name="amended" label="The corrected text" error=form.error rows=3 bound=amended
                    hint="It starts with the text as it stands; the original is kept beside the correction." />
                <TextArea name="amend-reason" label="Reason for the amendment" error=form.error rows=2 />
                <PendingButton pending=form.pending label="Record amendment" pending_label="Recording\u{2026}" id="amend" secondary=true />
            </form>
        })}
    }
}

/// Minute entries, each editable in place with a version check.
#[component]
fn EntryList(entries: Vec<EntryView>, editable: bool, live: Live, kept: Kept) -> impl IntoView {
    if entries.is_empty() {
        return view! { <p class="rt-body" id="entries">"Nothing minuted yet."</p> }.into_any();
    }
    view! {
        <ol class="rt-entries" id="entries">
            {entries.into_iter().enumerate().map(|(i, e)| view! { <li><EntryRow e number=i + 1 editable live kept /></li> }).collect_view()}
        </ol>
    }
    .into_any()
}

#[component]
fn EntryRow(e: EntryView, number: usize, editable: bool, live: Live, kept: Kept) -> impl IntoView {
    // Errors go to the page's summary: a conflict reloads this row.
    let form = FormState { pending: RwSignal::new(false), error: kept.error };
    let typed = kept.entries.with_untracked(|k| k.get(&e.id).cloned());
    let editing = RwSignal::new(typed.is_some());
    let text = RwSignal::new(typed.as_ref().map_or_else(|| e.body.clone(), |t| t.1.clone()));
    let kind = RwSignal::new(typed.as_ref().map_or_else(|| e.kind.as_str().to_string(), |t| t.0.clone()));
    let (entry_id, version) = (e.id.clone(), e.version);
    let class = if e.kind == EntryKind::Opinion { "rt-opinion" } else { "rt-fact" };
    let label = e.kind.label();
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
                    live,
                )
            },
            move |_| {
                kept.entries.update(|k| {
                    k.remove(&id);
                });
                kept.error.set(None);
                editing.set(false);
                live.refresh();
            },
        );
    };
    view! {
        <div class=class>
            <strong class="rt-entry__kind">{label}</strong>" "<span class="rt-source">{format!("Source: {}", e.source)}</span>
            <div class="rt-prose" inner_html=e.body_html.clone().into_string()></div>
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
pub fn ActionList(
    actions: Vec<ActionView>,
    id: &'static str,
    empty: &'static str,
    on_change: impl Fn(String) + Clone + Send + Sync + 'static,
) -> impl IntoView {
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
            <tbody>{actions.into_iter().map(|a| { let on_change = on_change.clone(); view! { <ActionRow a on_change /> } }).collect_view()}</tbody>
        </table>
    }
    .into_any()
}

#[component]
fn ActionRow(a: ActionView, on_change: impl Fn(String) + Clone + Send + Sync + 'static) -> impl IntoView {
    let form = FormState::new();
    let (action_id, version) = (a.id.clone(), a.version);
    let statuses: Vec<(String, String)> = ActionStatus::ALL.iter().map(|s| (s.as_str().to_string(), s.label().to_string())).collect();
    let status_field = format!("status-{}", a.id);
    let note_field = format!("note-{}", a.id);
    let name = if a.case_restricted { a.case_reference.clone() } else { a.description.chars().take(60).collect::<String>() };
    let on_update = {
        let (status_field, note_field, short) = (status_field.clone(), note_field.clone(), name.clone());
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let v = FormValues::from_event(&ev);
            let input = ActionUpdate { action_id: action_id.clone(), status: v.get(&status_field), note: v.get(&note_field), version };
            let on_change = on_change.clone();
            let status = ActionStatus::parse(&input.status).map_or("", |s| s.label());
            let said = format!("Action updated ({status}): {}", short);
            form.submit(move || update_action(input.clone()), move |_| on_change(said.clone()));
        }
    };
    let current = a.status.as_str().to_string();
    view! {
        <tr class:rt-overdue=a.overdue>
            <td class="rt-table__cell">{if a.case_restricted { "Restricted: not shared. Contact the MARAC coordinator.".to_string() } else { a.description.clone() }}
                <span class="rt-table__sub">{a.case_reference.clone()}
                    {a.case_restricted.then(|| view! { " " <strong class="rt-tag rt-tag--red">"Restricted"</strong> })}</span>
                {(!a.history.is_empty()).then(|| view! {
                    <details class="rt-details rt-mb-0"><summary class="rt-details__summary"><span class="rt-details__summary-text">"History"</span></summary>
                        <ul class="rt-list rt-details__text">{a.history.iter().map(|h| view! { <li>{h.clone()}</li> }).collect_view()}</ul></details>
                })}</td>
            <td class="rt-table__cell">{a.owner_agency.clone()}{a.owner_person.clone().map(|p| view! { <span class="rt-table__sub">{p}</span> })}</td>
            <td class="rt-table__cell">{iso_date(&a.due_on)}{a.overdue.then(|| view! { " " <strong class="rt-tag rt-tag--red">"Overdue"</strong> })}</td>
            <td class="rt-table__cell">
                <strong class="rt-tag">{a.status.label()}</strong>
                {a.may_update.then(|| view! {
                    <ErrorSummary error=form.error />
                    <form on:submit=on_update novalidate class="rt-action-update">
                        <label class="rt-label rt-label--s" for=status_field.clone()>"New status"</label>
                        <select class="rt-select" id=status_field.clone() name=status_field.clone()>
                            {statuses.into_iter().map(|(v, l)| { let selected = v == current; view! { <option value=v selected=selected>{l}</option> } }).collect_view()}
                        </select>
                        <label class="rt-label rt-label--s" for=note_field.clone()>"What happened"</label>
                        <input class="rt-input" id=note_field.clone() name=note_field.clone() type="text" />
                        <button type="submit" class="rt-button rt-button--secondary" disabled=move || form.pending.get() aria-busy=move || form.pending.get().to_string()
                            aria-label=format!("Update action: {name}")>{move || if form.pending.get() { "Updating\u{2026}" } else { "Update" }}</button>
                    </form>
                })}
            </td>
        </tr>
    }
}
