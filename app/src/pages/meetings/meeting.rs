//! One meeting: its details, the confidentiality statement to acknowledge, the agenda (ordered by
//! the coordinator, children's cases flagged), invitations, publishing, the register, and moving
//! the meeting on.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use shared::display::{instant, iso_date};
use shared::finalising::FinaliseCheck;
use shared::meeting::{Attendance, MeetingStatus};
use shared::policy::exposure::Standing;

use crate::api::meetings::{
    acknowledge, advance_meeting, finalise_minutes, move_agenda_item, order_children_first, publish_agenda, set_attendance, set_invitation,
    view_meeting, AttendanceInput, MeetingView,
};
use crate::components::error_summary::ErrorSummary;
use crate::components::fields::{FormValues, SelectField, TextField};
use crate::components::live::follow_meeting;
use crate::components::loaded::{loaded, Notice};
use crate::components::pending_button::PendingButton;
use crate::components::submit_task::{load_page, FormState};
use crate::components::summary_row::SummaryRow;
use crate::pages::meetings::case::ActionList;

/// "Meeting" page; `?finalise` is the step that asks the chair to confirm finalising.
#[component]
pub fn MeetingPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let reload = RwSignal::new(0u32);
    let finalised = query.with_untracked(|q| q.get("finalised").is_some());
    let notice = RwSignal::new(finalised.then(|| "The minutes are final and locked. They can now be sent to the agencies.".to_string()));
    let confirming = Memo::new(move |_| query.with(|q| q.get("finalise").is_some()));
    // An agenda move: which button keeps the focus after the agenda is drawn again, and what is announced.
    let moved = RwSignal::new(None::<(String, bool)>);
    let announce = RwSignal::new(String::new());
    let meeting = Resource::new(move || (params.with(|p| p.get("id").unwrap_or_default()), reload.get()), |(id, _)| view_meeting(id));
    view! {
        <Title text="Meeting" />
        <Transition fallback=|| view! { <p class="rt-body">"Loading\u{2026}"</p> }>
            {move || Suspend::new(async move {
                let confirming = confirming.get();
                loaded(meeting.await, move |m| match m.finalise_check.clone().filter(|_| confirming && m.rights.finalise) {
                    Some(check) => view! { <ConfirmFinalise m check /> }.into_any(),
                    None => view! { <a class="rt-back-link" href="/meetings">"Meetings"</a><Meeting m reload notice moved announce /> }.into_any(),
                })
            })}
        </Transition>
        <p class="rt-visually-hidden" id="agenda-moves" aria-live="polite">{move || announce.get()}</p>
    }
}

/// The GOV.UK "are you sure" step before the minutes are finalised, with what is missing.
/// While a case has nothing minuted there is nothing to confirm: the step lists those cases.
#[component]
fn ConfirmFinalise(m: MeetingView, check: FinaliseCheck) -> impl IntoView {
    let form = FormState::new();
    let id = StoredValue::new(m.summary.id.clone());
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        form.submit(move || finalise_minutes(id.get_value()), move |()| load_page(&format!("/meetings/{}?finalised=1", id.get_value())));
    };
    let back = format!("/meetings/{}", m.summary.id);
    let case_link = move |case_id: &str, reference: &str| {
        view! { <li><a class="rt-link" href=format!("/meetings/{}/cases/{case_id}", id.get_value())>{reference.to_string()}</a></li> }
    };
    let ready = check.ready();
    let heading = if ready { "Finalise the minutes?" } else { "The minutes cannot be finalised yet" };
    view! {
        <Title text=heading />
        <a class="rt-back-link" href=back.clone()>"Back to the meeting"</a>
        <ErrorSummary error=form.error />
        <span class="rt-caption-l">{format!("MARAC meeting, {}", instant(m.summary.starts_at))}</span>
        <h1 class="rt-heading-xl" id="finalise-title">{heading}</h1>
        <div class="rt-confirm" id="finalise-check">
            {(!ready).then(|| view! {
                <p class="rt-body">"Nothing is minuted yet for these cases. Record what was said, or the decision (for example that the case was deferred), then finalise:"</p>
                <ul class="rt-list rt-list--bullet" id="unminuted">{check.blank.iter().map(|c| case_link(&c.case_id, &c.reference)).collect_view()}</ul>
            })}
            {ready.then(|| view! { <p class="rt-body">{format!("All {} cases on the agenda have minutes.", check.cases)}</p> })}
            {(!check.undecided.is_empty()).then(|| view! {
                <p class="rt-body">"No decision is recorded for:"</p>
                <ul class="rt-list rt-list--bullet" id="undecided">{check.undecided.iter().map(|c| case_link(&c.case_id, &c.reference)).collect_view()}</ul>
            })}
            {(check.unnamed_actions > 0).then(|| view! {
                <p class="rt-body" id="unnamed-actions">{match check.unnamed_actions {
                    1 => "1 action names nobody in the agency that owns it.".to_string(),
                    n => format!("{n} actions name nobody in the agency that owns them."),
                }}</p>
            })}
            {if ready {
                view! {
                    <p class="rt-body">"Once final, the minutes are locked: a later change is an amendment, with its reason, kept beside the original. The minutes can then be sent to the agencies."</p>
                    <form on:submit=on_submit novalidate>
                        <div class="rt-button-group">
                            <PendingButton pending=form.pending label="Yes, finalise the minutes" pending_label="Finalising\u{2026}" id="confirm-finalise" warning=true />
                            <a class="rt-link rt-mb-4" href=back id="cancel-finalise">"No, go back to the meeting"</a>
                        </div>
                    </form>
                }.into_any()
            } else {
                view! { <p class="rt-body"><a class="rt-link" href=back id="cancel-finalise">"Go back to the meeting"</a></p> }.into_any()
            }}
        </div>
    }
}

#[component]
fn Meeting(
    m: MeetingView,
    reload: RwSignal<u32>,
    notice: RwSignal<Option<String>>,
    moved: RwSignal<Option<(String, bool)>>,
    announce: RwSignal<String>,
) -> impl IntoView {
    let form = FormState::new();
    let id = StoredValue::new(m.summary.id.clone());
    let status = m.summary.status;
    let done = move |message: &'static str| {
        move |()| {
            notice.set(Some(message.to_string()));
            reload.update(|n| *n += 1);
        }
    };
    let on_ack = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        form.submit(move || acknowledge(id.get_value()), done("Your acknowledgement was recorded and you are checked in as present."));
    };
    follow_meeting(m.summary.id.clone(), move || {
        reload.try_update(|n| *n += 1);
    });
    let on_publish = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let v = FormValues::from_event(&ev);
        form.submit(move || publish_agenda(id.get_value(), v.get("research-deadline")), done("The agenda was published to the invited agencies."));
    };
    let advance = move |to: &'static str, message: &'static str| {
        form.submit(move || advance_meeting(id.get_value(), to.to_string()), done(message));
    };
    let rights = m.rights;
    Effect::new(move |_| {
        if let Some((case, up)) = moved.get_untracked() {
            moved.set(None);
            // After the redrawn agenda is in the document.
            request_animation_frame(move || focus_move_button(&case, up));
        }
    });
    let move_item = move |case: String, reference: String, up: bool, to: usize| {
        let moving = case.clone();
        form.submit(
            move || move_agenda_item(id.get_value(), moving.clone(), up),
            move |()| {
                announce.set(format!("{reference} moved {} to number {to} of the agenda.", if up { "up" } else { "down" }));
                moved.set(Some((case.clone(), up)));
                reload.update(|n| *n += 1);
            },
        );
    };
    view! {
        <Title text=format!("MARAC meeting, {}", instant(m.summary.starts_at)) />
        <span class="rt-caption-l">{m.summary.status.label()}</span>
        <h1 class="rt-heading-xl" id="meeting-title">{format!("MARAC meeting, {}", instant(m.summary.starts_at))}</h1>
        <Notice message=notice />
        <ErrorSummary error=form.error />
        <dl class="rt-summary-list">
            <SummaryRow key="Place" value=m.summary.place.clone() />
            <SummaryRow key="Chair" value=m.chair_name.clone().unwrap_or_else(|| "Not named".into()) />
            <SummaryRow key="Cases" value=format!("{} of {}", m.summary.cases, m.summary.capacity) />
            <SummaryRow key="Research deadline" value=m.research_deadline.as_deref().map_or_else(|| "Set when the agenda is published".to_string(), iso_date) />
        </dl>
        <p class="rt-body"><a class="rt-link" href=format!("/meetings/{}/calendar.ics", m.summary.id) download="marac-meeting.ics">"Add to your calendar"</a>" (time and place only)"</p>

        {(rights.acknowledge && !m.acknowledged).then(|| view! {
            <section class="rt-panel" id="confidentiality" aria-labelledby="confidentiality-heading">
                <h2 class="rt-heading-m" id="confidentiality-heading">"Confidentiality statement"</h2>
                <p class="rt-body">{m.confidentiality.clone()}</p>
                <p class="rt-body">"Acknowledging checks you in as present. You then hear each case you are in the room for."</p>
                <form on:submit=on_ack>
                    <PendingButton pending=form.pending label="I acknowledge this statement" pending_label="Recording\u{2026}" id="acknowledge" />
                </form>
            </section>
        })}
        {m.acknowledged.then(|| view! { <p class="rt-body" id="acknowledged"><strong class="rt-tag rt-tag--green">"You acknowledged the confidentiality statement"</strong></p> })}
        {m.research_progress.map(|(done, total)| view! {
            <section class="rt-panel" id="research" aria-labelledby="research-heading">
                <h2 class="rt-heading-m" id="research-heading">"Your agency's research"</h2>
                <p class="rt-body" id="research-progress">{format!("Research recorded for {done} of {total} cases.")}
                    {m.research_deadline.as_deref().map(|d| format!(" Deadline: {}.", iso_date(d)))}</p>
                <p class="rt-body"><a class="rt-link" id="research-link" href=format!("/meetings/{}/research", m.summary.id)>"Open the research list"</a></p>
            </section>
        })}

        <h2 class="rt-heading-l">"Agenda"</h2>
        {if m.agenda.is_empty() {
            view! { <p class="rt-body">"No cases yet. Accepted referrals are added from triage."</p> }.into_any()
        } else {
            let manage = rights.manage && status.agenda_open();
            let last = m.agenda.len() - 1;
            view! {
                <ol class="rt-agenda" id="agenda">
                    {m.agenda.iter().cloned().enumerate().map(|(i, item)| {
                        let (case, reference) = (item.case_id.clone(), item.reference.clone());
                        let (down_case, down_reference) = (case.clone(), reference.clone());
                        let title = item.victim_name.clone().unwrap_or_else(|| item.reference.clone());
                        view! {
                            <li class="rt-agenda__item">
                                {if item.standing == Standing::Open {
                                    view! { <a class="rt-link rt-agenda__title" href=format!("/meetings/{}/cases/{}", id.get_value(), item.case_id)>{title}</a> }.into_any()
                                } else {
                                    view! { <span class="rt-agenda__title">{title}</span> }.into_any()
                                }}
                                <span class="rt-table__sub">{item.reference.clone()}</span>
                                {item.restricted.then(|| view! { " " <strong class="rt-tag rt-tag--red">"Restricted"</strong> })}
                                {item.has_household.then(|| view! { " " <strong class="rt-tag rt-tag--purple">"Children or vulnerable adults"</strong> })}
                                {item.repeat.then(|| view! { " " <strong class="rt-tag rt-tag--orange">"Repeat"</strong> })}
                                {(item.open_actions > 0).then(|| view! { " " <strong class="rt-tag rt-tag--yellow">{format!("{} open actions to review", item.open_actions)}</strong> })}
                                {manage.then(|| view! {
                                    <span class="rt-agenda__move">
                                        <button type="button" class="rt-button rt-button--secondary rt-button--small" disabled=i == 0
                                            id=format!("up-{}", item.case_id) aria-label=format!("Move {} up", item.reference)
                                            on:click=move |_| move_item(case.clone(), reference.clone(), true, i)>"Up"</button>
                                        <button type="button" class="rt-button rt-button--secondary rt-button--small" disabled=i == last
                                            id=format!("down-{}", item.case_id) aria-label=format!("Move {} down", item.reference)
                                            on:click=move |_| move_item(down_case.clone(), down_reference.clone(), false, i + 2)>"Down"</button>
                                    </span>
                                })}
                            </li>
                        }
                    }).collect_view()}
                </ol>
            }.into_any()
        }}
        {(rights.acknowledge && !m.acknowledged).then(|| view! { <p class="rt-body" id="acknowledge-hint">"Acknowledge the confidentiality statement to hear the cases."</p> })}
        {(rights.manage && status.agenda_open() && m.agenda.len() > 1).then(|| view! {
            <button type="button" class="rt-button rt-button--secondary" id="children-first"
                on:click=move |_| form.submit(move || order_children_first(id.get_value()), move |()| reload.update(|n| *n += 1))>
                "Put cases with children first"
            </button>
        })}
        {(!m.review_actions.is_empty()).then(|| view! {
            <h2 class="rt-heading-l">"Actions from earlier meetings to review"</h2>
            <ActionList actions=m.review_actions.clone() id="review-actions" empty="" on_change=move |said| { notice.set(Some(said)); reload.update(|n| *n += 1) } />
        })}

        {rights.manage.then(|| view! {
            <h2 class="rt-heading-l">"Invited agencies"</h2>
            <ul class="rt-list" id="invitations">
                {m.invitations.iter().cloned().map(|(agency_id, name, invited)| {
                    let label = format!("{} {name}", if invited { "Uninvite" } else { "Invite" });
                    view! {
                        <li class="rt-invite">
                            {if invited { view! { <strong class="rt-tag rt-tag--green">"Invited"</strong> }.into_any() } else { view! { <strong class="rt-tag rt-tag--grey">"Not invited"</strong> }.into_any() }}
                            " " {name.clone()} " "
                            <button type="button" class="rt-button rt-button--secondary rt-button--small" aria-label=label
                                on:click=move |_| { let a = agency_id.clone(); form.submit(move || set_invitation(id.get_value(), a.clone(), !invited), move |()| reload.update(|n| *n += 1)) }>
                                {if invited { "Uninvite" } else { "Invite" }}
                            </button>
                        </li>
                    }
                }).collect_view()}
            </ul>
        })}

        {(rights.manage && status == MeetingStatus::Scheduled).then(|| view! {
            <h2 class="rt-heading-l">"Publish the agenda"</h2>
            <p class="rt-body">"Invited agencies then see the agenda and record their research before the deadline."</p>
            <form on:submit=on_publish novalidate>
                <TextField name="research-deadline" label="Research deadline" input_type="date" width="rt-input--width-10" error=form.error />
                <PendingButton pending=form.pending label="Publish the agenda" pending_label="Publishing\u{2026}" id="publish-agenda" />
            </form>
        })}
        <div class="rt-button-group">
            {rights.start.then(|| view! {
                <button type="button" class="rt-button" id="start-meeting" on:click=move |_| advance("in_progress", "The meeting has started.")>"Start the meeting"</button>
            })}
            {(rights.register && status == MeetingStatus::InProgress).then(|| view! {
                <button type="button" class="rt-button rt-button--secondary" id="close-meeting" on:click=move |_| advance("minutes_draft", "The meeting is closed; the minutes are in draft.")>"Close the meeting"</button>
            })}
            {rights.finalise.then(|| view! {
                <a class="rt-button rt-button--warning" id="finalise-minutes" role="button" href=format!("/meetings/{}?finalise=check", id.get_value())>"Finalise the minutes"</a>
            })}
        </div>
        {m.finalise_check.clone().filter(|c| !c.ready()).map(|c| view! {
            <div class="rt-inset-text" id="minutes-missing">
                <p class="rt-body">{format!("Before the minutes can be final, these cases need something minuted: {}.",
                    c.blank.iter().map(|b| b.reference.as_str()).collect::<Vec<_>>().join(", "))}</p>
            </div>
        })}

        {rights.distribute.then(|| view! {
            <h2 class="rt-heading-l">"Minutes"</h2>
            <p class="rt-body"><a class="rt-link" id="distribution-link" href=format!("/meetings/{}/distribution", id.get_value())>"Send the minutes to the agencies, and see who has downloaded them"</a></p>
        })}

        <Register m=m.clone() form reload />
    }
}

#[component]
fn Register(m: MeetingView, form: FormState, reload: RwSignal<u32>) -> impl IntoView {
    let id = StoredValue::new(m.summary.id.clone());
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let v = FormValues::from_event(&ev);
        let input = AttendanceInput {
            meeting_id: id.get_value(),
            user_id: v.get("attendance-person"),
            status: v.get("attendance-status"),
            deputy_for: v.get("attendance-deputy"),
        };
        form.submit(move || set_attendance(input.clone()), move |()| reload.update(|n| *n += 1));
    };
    let statuses: Vec<(String, String)> = Attendance::ALL.iter().map(|a| (a.as_str().to_string(), a.label().to_string())).collect();
    let mut people = vec![(String::new(), "Choose a person".to_string())];
    people.extend(m.people.iter().cloned());
    let mut deputies = vec![(String::new(), "Nobody".to_string())];
    deputies.extend(m.people.iter().cloned());
    view! {
        <h2 class="rt-heading-l">"Register"</h2>
        {if m.register.is_empty() {
            view! { <p class="rt-body">"Nobody is on the register yet."</p> }.into_any()
        } else {
            view! {
                <table class="rt-table" id="register">
                    <thead><tr>
                        <th class="rt-table__header" scope="col">"Person"</th>
                        <th class="rt-table__header" scope="col">"Attendance"</th>
                        <th class="rt-table__header" scope="col">"Confidentiality"</th>
                    </tr></thead>
                    <tbody>
                        {m.register.iter().map(|r| view! {
                            <tr>
                                <th class="rt-table__header" scope="row">{r.name.clone()}<span class="rt-table__sub">{r.agency_name.clone()}</span></th>
                                <td class="rt-table__cell">{r.status.label()}
                                    {r.deputy_for.clone().map(|d| view! { <span class="rt-table__sub">{format!("Deputising for {d}")}</span> })}</td>
                                <td class="rt-table__cell">{if r.acknowledged { "Acknowledged" } else { "Not yet" }}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
        {m.rights.register.then(|| view! {
            <form on:submit=on_submit novalidate>
                <SelectField name="attendance-person" label="Person" error=form.error options=people />
                <SelectField name="attendance-status" label="Attendance" error=form.error options=statuses />
                <SelectField name="attendance-deputy" label="Deputising for (optional)" error=form.error options=deputies />
                <PendingButton pending=form.pending label="Record attendance" pending_label="Recording\u{2026}" id="record-attendance" secondary=true />
            </form>
        })}
    }
}

/// Puts the focus back on the button that moved `case` (or its other button, once the case
/// reaches the top or bottom), so a keyboard user can keep moving it.
fn focus_move_button(case: &str, up: bool) {
    use leptos::wasm_bindgen::JsCast;
    let button = |direction: &str| document().get_element_by_id(&format!("{direction}-{case}"));
    let (first, other) = if up { ("up", "down") } else { ("down", "up") };
    let target = button(first).filter(|b| !b.has_attribute("disabled")).or_else(|| button(other));
    if let Some(b) = target.and_then(|b| b.dyn_into::<leptos::web_sys::HtmlElement>().ok()) {
        let _ = b.focus();
    }
}
