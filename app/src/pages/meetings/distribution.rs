//! Sending a meeting's final minutes: one personal copy per recipient at each invited agency,
//! with its email, expiry and downloads; the coordinator revokes an agency's copies or all.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::distribution::{distribute_minutes, meeting_distribution, resend_email, revoke_copies, AgencyCopies, DistributionView};
use crate::components::error_summary::ErrorSummary;
use crate::components::loaded::{loaded, Notice};
use crate::components::pending_button::PendingButton;
use crate::components::submit_task::{scroll_to_top, FormState};

/// "Send the minutes" page.
#[component]
pub fn DistributionPage() -> impl IntoView {
    let params = use_params_map();
    let reload = RwSignal::new(0u32);
    let notice = RwSignal::new(None::<String>);
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let view_data = Resource::new(move || (id(), reload.get()), |(id, _)| meeting_distribution(id));
    view! {
        <Title text="Send the minutes" />
        <a class="rt-back-link" href=move || format!("/meetings/{}", id())>"Meeting"</a>
        <h1 class="rt-heading-xl">"Send the minutes"</h1>
        <Notice message=notice />
        <Transition fallback=|| view! { <p class="rt-body">"Loading\u{2026}"</p> }>
            {move || Suspend::new(async move { loaded(view_data.await, move |d| view! { <Distribution d reload notice /> }.into_any()) })}
        </Transition>
    }
}

#[component]
fn Distribution(d: DistributionView, reload: RwSignal<u32>, notice: RwSignal<Option<String>>) -> impl IntoView {
    let form = FormState::new();
    let id = StoredValue::new(d.meeting_id.clone());
    let done = move |message: String| {
        notice.set(Some(message));
        reload.update(|n| *n += 1);
        scroll_to_top();
    };
    let emailed = d.email_configured;
    let on_send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        form.submit(
            move || distribute_minutes(id.get_value()),
            move |n: usize| {
                let copies = if n == 1 { "1 copy is".to_string() } else { format!("{n} copies are") };
                done(if emailed {
                    format!("{copies} ready, each for its recipient only. Each recipient is emailed a link.")
                } else {
                    format!("{copies} ready, each for its recipient only. No emails were sent: recipients find their copy under \u{201c}Minutes shared with you\u{201d} when they sign in.")
                })
            },
        );
    };
    let revoke_all = move |_| form.submit(move || revoke_copies(id.get_value(), String::new()), move |()| done("Every copy was revoked.".into()));
    let sent = d.sent_at.is_some();
    view! {
        <ErrorSummary error=form.error />
        {(!d.can_distribute).then(|| view! {
            <p class="rt-body" id="not-final">"The minutes can be sent once the chair has finalised them."</p>
        })}
        {(!d.email_configured).then(|| view! {
            <div class="rt-warning-text" id="no-email">
                <strong>"No email server is configured, so no notification emails are sent. "
                "Recipients still find their copy under \u{201c}Minutes shared with you\u{201d} when they sign in."</strong>
            </div>
        })}
        <p class="rt-body">
            {format!(
                "Each person who receives minutes for an invited agency gets their own copy: only the cases and details their agency may see, \
                 marked OFFICIAL-SENSITIVE and watermarked with their name. {} \
                 It can be downloaded for {} days, only after they sign in and confirm with their passkey.",
                if d.email_configured {
                    "They are emailed a link: the email holds no names and no case details."
                } else {
                    "They open it from the Meetings page in Roundtable."
                },
                d.link_days
            )}
        </p>
        {d.can_distribute.then(|| view! {
            <form on:submit=on_send>
                {sent.then(|| view! { <p class="rt-body">"Sending again replaces every earlier copy: those links stop working."</p> })}
                <PendingButton pending=form.pending label=if sent { "Send the minutes again" } else { "Send the minutes" } pending_label="Sending\u{2026}" id="send-minutes" />
            </form>
        })}
        {d.sent_at.clone().map(|at| view! {
            <h2 class="rt-heading-l">"Copies sent " {at}</h2>
            {d.agencies.into_iter().map(|a| view! { <AgencyTable a id form done emailed /> }).collect_view()}
            {d.can_distribute.then(|| view! {
                <button type="button" class="rt-button rt-button--warning" id="revoke-all" on:click=revoke_all>"Revoke every copy"</button>
            })}
        })}
    }
}

#[component]
fn AgencyTable(a: AgencyCopies, id: StoredValue<String>, form: FormState, done: impl Fn(String) + Copy + 'static, emailed: bool) -> impl IntoView {
    let agency_id = StoredValue::new(a.agency_id.clone());
    let name = a.agency_name.clone();
    let any_live = a.copies.iter().any(|c| c.live);
    let agency = a.agency_name.clone();
    view! {
        <h3 class="rt-heading-m">{a.agency_name.clone()}</h3>
        <table class="rt-table" data-agency=a.agency_name.clone()>
            <thead><tr>
                <th class="rt-table__header" scope="col">"Recipient"</th>
                <th class="rt-table__header" scope="col">"Copy"</th>
                <th class="rt-table__header" scope="col">"Notification email"</th>
                <th class="rt-table__header" scope="col">"Downloaded"</th>
            </tr></thead>
            <tbody>
                {a.copies.into_iter().map(|c| {
                    let copy_id = StoredValue::new(c.copy_id.clone());
                    view! {
                        <tr>
                            <th class="rt-table__header" scope="row" data-label="Recipient">{c.recipient.clone()}<span class="rt-table__sub">{agency.clone()}</span></th>
                            <td class="rt-table__cell" data-label="Copy">{c.state.clone()}</td>
                            <td class="rt-table__cell" data-label="Notification email">{if emailed { c.email.clone() } else { "Not sent: no email server is configured".to_string() }}
                                {c.email_failed.then(|| view! {
                                    <button type="button" class="rt-button rt-button--secondary rt-button--small"
                                        on:click=move |_| form.submit(move || resend_email(id.get_value(), copy_id.get_value()), move |()| done("The email will be sent again.".into()))>
                                        {format!("Send the email to {} again", c.recipient)}
                                    </button>
                                })}
                            </td>
                            <td class="rt-table__cell" data-label="Downloaded">
                                {if c.downloads.is_empty() { "Not yet".to_string() } else { c.downloads.join("; ") }}
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
        {any_live.then(|| view! {
            <button type="button" class="rt-button rt-button--secondary rt-button--small"
                on:click=move |_| form.submit(move || revoke_copies(id.get_value(), agency_id.get_value()), move |()| done("That agency's copies were revoked.".into()))>
                {format!("Revoke the copies sent to {name}")}
            </button>
        })}
    }
}
