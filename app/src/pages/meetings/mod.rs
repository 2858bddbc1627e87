//! Meetings: the list and scheduling, one meeting (agenda, register, confidentiality), a case
//! as the meeting works on it, and actions.

pub mod actions;
pub mod case;
pub mod distribution;
pub mod meeting;
pub mod research;

use leptos::prelude::*;
use leptos_meta::Title;
use shared::display::instant;

use crate::api::meetings::{list_meetings, schedule_meetings, MeetingSummary, ScheduleInput};
use crate::components::error_summary::ErrorSummary;
use crate::components::fields::{FormValues, TextField};
use crate::components::loaded::{loaded, Notice};
use crate::components::pending_button::PendingButton;
use crate::components::submit_task::FormState;

/// "Meetings".
#[component]
pub fn MeetingsPage() -> impl IntoView {
    let reload = RwSignal::new(0u32);
    let notice = RwSignal::new(None::<String>);
    let list = Resource::new(move || reload.get(), |_| list_meetings());
    view! {
        <Title text="Meetings" />
        <h1 class="rt-heading-xl">"Meetings"</h1>
        <Transition fallback=|| view! { <p class="rt-body">"Loading\u{2026}"</p> }>
            {move || Suspend::new(async move {
                loaded(list.await, move |l| view! {
                    {(!l.copies.is_empty()).then(|| view! {
                        <h2 class="rt-heading-l">"Minutes shared with you"</h2>
                        <ul class="rt-list" id="shared-minutes">
                            {l.copies.iter().map(|(path, label)| view! { <li><a class="rt-link" href=path.clone()>{format!("Minutes of the meeting on {label}")}</a></li> }).collect_view()}
                        </ul>
                    })}
                    <MeetingTable items=l.meetings />
                    {l.may_schedule.then(|| view! { <Schedule reload notice /> })}
                }.into_any())
            })}
        </Transition>
    }
}

#[component]
fn MeetingTable(items: Vec<MeetingSummary>) -> impl IntoView {
    if items.is_empty() {
        return view! { <p class="rt-body">"No meetings you can see yet."</p> }.into_any();
    }
    view! {
        <table class="rt-table" id="meetings">
            <caption class="rt-table__caption rt-table__caption--m">"Upcoming first, then past"</caption>
            <thead><tr>
                <th class="rt-table__header" scope="col">"When and where"</th>
                <th class="rt-table__header" scope="col">"Status"</th>
                <th class="rt-table__header rt-table__header--numeric" scope="col">"Cases"</th>
            </tr></thead>
            <tbody>
                {items.into_iter().map(|m| view! {
                    <tr>
                        <th class="rt-table__header" scope="row"><a class="rt-link" href=format!("/meetings/{}", m.id)>{instant(m.starts_at)}</a>
                            <span class="rt-table__sub">{m.place.clone()}</span></th>
                        <td class="rt-table__cell"><strong class="rt-tag">{m.status.label()}</strong></td>
                        <td class="rt-table__cell rt-table__cell--numeric">{format!("{} of {}", m.cases, m.capacity)}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

/// Scheduling form, for coordinators.
#[component]
fn Schedule(reload: RwSignal<u32>, notice: RwSignal<Option<String>>) -> impl IntoView {
    let form = FormState::new();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let v = FormValues::from_event(&ev);
        let reset = v.resetter();
        let input = ScheduleInput {
            first_date: v.get("first-date"),
            start_time: v.get("start-time"),
            place: v.get("place"),
            capacity: v.get("capacity"),
            every_weeks: v.get("every-weeks"),
            count: v.get("count"),
            chair_user_id: String::new(),
        };
        form.submit(
            move || schedule_meetings(input.clone()),
            move |n: usize| {
                reset();
                notice.set(Some(format!("{n} meeting{} scheduled.", if n == 1 { "" } else { "s" })));
                reload.update(|r| *r += 1);
            },
        );
    };
    view! {
                    <h2 class="rt-heading-l" id="schedule">"Schedule meetings"</h2>
                    <Notice message=notice />
                    <ErrorSummary error=form.error />
                    <form on:submit=on_submit novalidate>
                        <TextField name="first-date" label="Date of the first meeting" input_type="date" width="rt-input--width-10" error=form.error />
                        <TextField name="start-time" label="Start time" hint="As the clocks show it on the day: in the UK, GMT in winter and BST in summer" input_type="time" width="rt-input--width-10" value="10:00" error=form.error />
                        <TextField name="place" label="Place or online link" width="rt-input--width-30" error=form.error />
                        <TextField name="capacity" label="Cases each meeting can hear" width="rt-input--width-10" value="20" error=form.error />
                        <TextField name="every-weeks" label="Weeks between meetings" width="rt-input--width-10" value="2" error=form.error />
                        <TextField name="count" label="How many meetings" hint="Up to 26" width="rt-input--width-10" value="1" error=form.error />
                        <PendingButton pending=form.pending label="Schedule" pending_label="Scheduling\u{2026}" id="schedule-meetings" />
                    </form>
    }
}
