//! The warning before a session times out, and what happens when it has.
//!
//! The page knows when the server last answered it (every answer uses the session, see
//! [`crate::api::client::last_answer_ms`]), so it knows when the idle timeout falls without asking.
//! Two minutes before, it offers "Stay signed in". Typing in a form counts as using the session:
//! it sends a keep-alive at most once a minute. When the time is up it asks the server; if the
//! session has indeed ended, the page keeps what was typed in this tab
//! ([`crate::browser::kept_text`]), says so, and offers a sign-in that comes back to the same
//! page, where the text is put back. The header then shows "Sign in".

use std::time::Duration;

use leptos::html;
use leptos::prelude::*;

use crate::api::client::last_answer_ms;
use crate::api::session::{time_left, SessionTimes};
use crate::browser::{focus_once_drawn, kept_text, now_ms};
use crate::components::sign_in_link::sign_in_href;
use crate::error::AppError;

/// How long before the end the warning shows (milliseconds).
const WARN_BEFORE_MS: f64 = 120_000.0;
/// Typing sends a keep-alive when the server last answered longer ago than this (milliseconds).
const KEEP_ALIVE_AFTER_MS: f64 = 60_000.0;
/// How long to wait before asking again after a check failed to reach the server (milliseconds).
const RETRY_AFTER_MS: f64 = 10_000.0;
/// How long a page looks for the fields to put kept text back into (milliseconds).
const RESTORE_WAIT_MS: u32 = 20_000;

/// Where the session stands, as far as this page knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Not asked yet, or no one is signed in.
    Unknown,
    /// Signed in, with time to spare.
    Live,
    /// Signed in, ending within two minutes.
    Warning,
    /// The session has ended.
    Ended,
}

/// The session's state for the page frame, provided in context by [`SessionWatch`].
#[derive(Clone, Copy)]
pub struct Session {
    /// Where it stands.
    pub phase: RwSignal<Phase>,
    times: RwSignal<Option<(SessionTimes, f64)>>,
    checking: RwSignal<bool>,
    next_check_ms: RwSignal<f64>,
    notice: RwSignal<Option<String>>,
}

impl Session {
    /// When the session ends if nothing more is done (browser milliseconds), and whether that
    /// is its absolute lifetime (which "Stay signed in" cannot extend).
    fn deadline(&self) -> Option<(f64, bool)> {
        self.times.with_untracked(|t| {
            t.as_ref().map(|(times, received)| {
                let idle = last_answer_ms().max(*received) + times.idle_secs as f64 * 1000.0;
                let absolute = received + times.absolute_left as f64 * 1000.0;
                (idle.min(absolute), absolute <= idle)
            })
        })
    }

    /// Records the server's answer: live with these times, or ended.
    fn answered(&self, answer: Result<Option<SessionTimes>, AppError>) {
        self.checking.set(false);
        match answer {
            Ok(Some(times)) if times.idle_left > 0 && times.absolute_left > 0 => {
                self.times.set(Some((times, now_ms())));
                self.phase.set(Phase::Live);
            }
            Ok(_) | Err(AppError::SignInRequired) => {
                if self.phase.get_untracked() != Phase::Unknown || self.times.with_untracked(Option::is_some) {
                    self.end();
                }
            }
            Err(_) => self.next_check_ms.set(now_ms() + RETRY_AFTER_MS),
        }
    }

    /// Asks the server (which also keeps the session alive).
    fn ask(self) {
        if self.checking.get_untracked() {
            return;
        }
        self.checking.set(true);
        leptos::task::spawn_local(async move { self.answered(time_left().await) });
    }

    /// The session has ended: keeps what was typed on the page and says so.
    pub fn end(&self) {
        if self.phase.get_untracked() == Phase::Ended {
            return;
        }
        let user = self.times.with_untracked(|t| t.as_ref().map(|(times, _)| times.user_key.clone()));
        if let Some(user) = user {
            kept_text::keep(&window().location().pathname().unwrap_or_default(), &user);
        }
        self.phase.set(Phase::Ended);
    }

    /// Once a second: shows the warning, or checks whether the session has ended.
    fn tick(self) {
        let phase = self.phase.get_untracked();
        if !matches!(phase, Phase::Live | Phase::Warning) {
            return;
        }
        let Some((deadline, _)) = self.deadline() else { return };
        let now = now_ms();
        if now >= deadline {
            if now >= self.next_check_ms.get_untracked() {
                self.ask();
            }
        } else if deadline - now <= WARN_BEFORE_MS {
            if phase != Phase::Warning {
                self.phase.set(Phase::Warning);
            }
        } else if phase == Phase::Warning {
            self.phase.set(Phase::Live);
        }
    }

    /// Typing on the page: keeps the session alive, at most once a minute.
    fn typed(self) {
        if matches!(self.phase.get_untracked(), Phase::Live | Phase::Warning) && now_ms() - last_answer_ms() > KEEP_ALIVE_AFTER_MS {
            self.ask();
        }
    }
}

/// The session of this page, when inside [`SessionWatch`].
pub fn use_session() -> Option<Session> {
    use_context::<Session>()
}

/// Provides [`Session`] to `children` and shows the warning and the ended message.
#[component]
pub fn SessionWatch(children: Children) -> impl IntoView {
    let session = Session {
        phase: RwSignal::new(Phase::Unknown),
        times: RwSignal::new(None),
        checking: RwSignal::new(false),
        next_check_ms: RwSignal::new(0.0),
        notice: RwSignal::new(None),
    };
    provide_context(session);
    // In the browser only: the page's own load was the last answer; then learn the times and
    // put back anything kept for this page.
    Effect::new(move |_| {
        crate::api::client::note_answer();
        leptos::task::spawn_local(async move {
            let answer = time_left().await;
            if let Ok(Some(times)) = &answer {
                let path = window().location().pathname().unwrap_or_default();
                let max_age_ms = times.absolute_left as f64 * 1000.0 + 8.0 * 3600.0 * 1000.0;
                kept_text::restore(&path, &times.user_key, max_age_ms, RESTORE_WAIT_MS, move |n| {
                    let fields = if n == 1 { "field" } else { "fields" };
                    session
                        .notice
                        .set(Some(format!("What you typed before your session ended was put back ({n} {fields}). Check it, then save or send it.")));
                });
            }
            session.answered(answer);
        });
        set_interval(move || session.tick(), Duration::from_secs(1));
        // Typing counts as using the session. Listening on the window lasts as long as the page.
        let _ = window_event_listener(leptos::ev::input, move |_| session.typed());
    });
    view! {
        {children()}
        <SessionPanel session />
    }
}

/// What was put back after signing in again, shown at the top of the page.
#[component]
pub fn KeptTextNotice() -> impl IntoView {
    let notice = use_session().map(|s| s.notice).unwrap_or_else(|| RwSignal::new(None));
    view! {
        <div class="rt-notice" role="status" id="kept-text-notice" hidden=move || notice.with(Option::is_none)>
            <p class="rt-notice__text">{move || notice.get().unwrap_or_default()}</p>
        </div>
    }
}

#[component]
fn SessionPanel(session: Session) -> impl IntoView {
    let stay = NodeRef::<html::Button>::new();
    let sign_in = NodeRef::<html::A>::new();
    let still = RwSignal::new(false);
    let left_text = move || {
        session.phase.track();
        let left = session.deadline().map_or(0.0, |(d, _)| d - now_ms());
        match (left / 60_000.0).ceil() as i64 {
            m if m >= 2 => format!("in {m} minutes"),
            _ => "in about a minute".to_string(),
        }
    };
    let absolute = move || {
        session.phase.track();
        session.deadline().is_some_and(|(_, absolute)| absolute)
    };
    let idle_minutes = move || session.times.with(|t| t.as_ref().map_or(15, |(times, _)| times.idle_secs / 60));
    Effect::new(move |_| match session.phase.get() {
        Phase::Warning => {
            still.set(false);
            focus_once_drawn(move || stay.get_untracked().map(Into::into));
        }
        Phase::Ended => focus_once_drawn(move || sign_in.get_untracked().map(Into::into)),
        _ => {}
    });
    let on_stay = move |_| {
        still.set(true);
        session.ask();
    };
    view! {
        <div class="rt-timeout" role="alertdialog" aria-labelledby="timeout-title" aria-describedby="timeout-text" id="session-warning"
            hidden=move || session.phase.get() != Phase::Warning>
            <h2 class="rt-heading-m" id="timeout-title">"You are about to be signed out"</h2>
            <p class="rt-body" id="timeout-text">
                {move || if absolute() {
                    format!("A session lasts at most its set number of hours, and yours ends {}. Save what you are writing, then sign in again.", left_text())
                } else {
                    format!("To protect the information here, you will be signed out {} because the page has not been used. What you typed stays on the page.", left_text())
                }}
            </p>
            <button type="button" class="rt-button" id="stay-signed-in" node_ref=stay on:click=on_stay hidden=absolute>"Stay signed in"</button>
        </div>
        <div class="rt-visually-hidden" role="status" id="session-status">
            {move || (still.get() && session.phase.get() == Phase::Live).then_some("You are still signed in.")}
        </div>
        <div class="rt-timeout rt-timeout--ended" role="alert" id="session-ended" hidden=move || session.phase.get() != Phase::Ended>
            <h2 class="rt-heading-m">"Your session has ended"</h2>
            <p class="rt-body">
                {move || format!(
                    "You were signed out because Roundtable was not used for {} minutes, or your session reached its time limit. \
                     What you typed on this page is kept in this browser tab: sign in again to carry on where you left off.",
                    idle_minutes()
                )}
            </p>
            <a class="rt-button" id="sign-in-again" node_ref=sign_in href=move || { session.phase.track(); sign_in_href() }>"Sign in again"</a>
        </div>
    }
}
