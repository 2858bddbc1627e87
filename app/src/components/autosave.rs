//! Saving a long form as the person types, so that nothing typed is lost.
//!
//! Changes are saved after a pause in typing; at once when the form leaves the page (a link is
//! followed inside the app); and, when the page itself is left or hidden (tab closed, another
//! address typed, phone locked), by a `keepalive` request that outlives the page. The browser
//! warns before the page is left only when the text cannot be saved that way: the last save
//! failed, or the form is too long for a `keepalive` request.
//!
//! What the timers and requests keep is plain shared state, never a reactive value: they may
//! finish after the form's owner is disposed (the page changed), and must not read it then.

use std::sync::{Arc, Mutex};

use leptos::prelude::*;

use crate::error::AppError;

/// Largest body a browser sends with `keepalive` (64 KiB), less room for headers.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
const KEEPALIVE_MAX_BYTES: usize = 60 * 1024;

/// Saves one value of `T`, returning when the server saved it (Unix seconds).
pub type SaveFn<T> = fn(T) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<i64, AppError>>>>;

/// The server function's address and JSON body that save `T` (for the `keepalive` request).
pub type RequestFn<T> = fn(&T) -> Option<(String, String)>;

struct State<T> {
    /// The latest value the server has not confirmed.
    unsaved: Option<T>,
    /// Bumped at every change.
    generation: u64,
    /// The generation last sent by a `keepalive` request.
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    sent_on_leaving: u64,
    /// A save is under way.
    saving: bool,
    /// The last save failed.
    failed: bool,
    /// The form was sent or deleted: nothing more is saved.
    closed: bool,
}

/// A form's saver (cheap to copy into handlers).
pub struct Autosave<T: Send + Sync + 'static> {
    state: Arc<Mutex<State<T>>>,
    status: RwSignal<String>,
    save: SaveFn<T>,
    request: RequestFn<T>,
    pause_ms: u64,
}

impl<T: Send + Sync + 'static> Clone for Autosave<T> {
    fn clone(&self) -> Self {
        Self { state: self.state.clone(), status: self.status, save: self.save, request: self.request, pause_ms: self.pause_ms }
    }
}

/// How the last save went, for people.
fn saved_message(at: i64) -> String {
    format!("Draft saved at {}", shared::display::time_of_day(at))
}

impl<T: Clone + Send + Sync + 'static> Autosave<T> {
    /// Saves `form` when it changes, `pause_ms` after the last change, writing progress to
    /// `status`. Call in the component that owns `form`.
    pub fn start(form: RwSignal<T>, status: RwSignal<String>, save: SaveFn<T>, request: RequestFn<T>, pause_ms: u64) -> Self {
        let state = State { unsaved: None, generation: 0, sent_on_leaving: 0, saving: false, failed: false, closed: false };
        let saver = Self { state: Arc::new(Mutex::new(state)), status, save, request, pause_ms };
        let on_change = saver.clone();
        Effect::new(move |first_run: Option<()>| {
            let value = form.get();
            if first_run.is_some() {
                on_change.changed(value);
            }
        });
        let on_leave = saver.clone();
        on_cleanup(move || on_leave.flush());
        saver.listen_for_leaving();
        saver
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State<T>> {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn changed(&self, value: T) {
        let generation = {
            let mut s = self.lock();
            if s.closed {
                return;
            }
            s.unsaved = Some(value);
            s.generation += 1;
            s.generation
        };
        let _ = self.status.try_set("Changes not saved yet".into());
        let saver = self.clone();
        set_timeout(
            move || {
                if saver.lock().generation == generation {
                    saver.flush();
                }
            },
            std::time::Duration::from_millis(self.pause_ms),
        );
    }

    /// Saves the latest change now, unless a save is under way (it saves again when done).
    pub fn flush(&self) {
        let (value, generation) = {
            let mut s = self.lock();
            if s.closed || s.saving {
                return;
            }
            let Some(value) = s.unsaved.clone() else { return };
            s.saving = true;
            (value, s.generation)
        };
        let saver = self.clone();
        let save = self.save;
        leptos::task::spawn_local(async move {
            let result = save(value).await;
            let again = {
                let mut s = saver.lock();
                s.saving = false;
                match &result {
                    Ok(_) if s.generation == generation => {
                        s.unsaved = None;
                        s.failed = false;
                    }
                    Ok(_) => s.failed = false,
                    Err(_) => s.failed = true,
                }
                !s.closed && result.is_ok() && s.generation != generation
            };
            match result {
                Ok(at) if !again => {
                    let _ = saver.status.try_set(saved_message(at));
                }
                Ok(_) => saver.flush(),
                Err(e) => {
                    let _ = saver.status.try_set(format!("Draft not saved: {e}"));
                }
            }
        });
    }

    /// Stops saving: the form was sent or deleted.
    pub fn close(&self) {
        self.lock().closed = true;
    }

    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    /// Whether leaving the page now would lose text: a change the server does not have that
    /// a `keepalive` request cannot carry, or after a failed save.
    fn would_lose_text(&self) -> bool {
        let s = self.lock();
        match &s.unsaved {
            None => false,
            Some(_) if s.closed => false,
            Some(_) if s.failed => true,
            Some(value) => (self.request)(value).is_none_or(|(_, body)| body.len() > KEEPALIVE_MAX_BYTES),
        }
    }

    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    /// Sends the latest change with a request that outlives the page, once per change.
    fn send_on_leaving(&self) {
        let request = {
            let mut s = self.lock();
            if s.closed || s.sent_on_leaving == s.generation {
                return;
            }
            let Some(value) = &s.unsaved else { return };
            let request = (self.request)(value).filter(|(_, body)| body.len() <= KEEPALIVE_MAX_BYTES);
            if request.is_some() {
                s.sent_on_leaving = s.generation;
            }
            request
        };
        if let Some((url, body)) = request {
            crate::browser::keepalive::post_json(&url, &body);
        }
    }

    #[cfg(feature = "hydrate")]
    fn listen_for_leaving(&self) {
        let (hide, unload, visibility) = (self.clone(), self.clone(), self.clone());
        let handles = [
            window_event_listener(leptos::ev::pagehide, move |_| hide.send_on_leaving()),
            window_event_listener(leptos::ev::beforeunload, move |ev| {
                if unload.would_lose_text() {
                    ev.prevent_default();
                    ev.set_return_value("");
                } else {
                    unload.send_on_leaving();
                }
            }),
            window_event_listener(leptos::ev::visibilitychange, move |_| {
                let state = js_sys::Reflect::get(&document(), &"visibilityState".into()).ok().and_then(|v| v.as_string());
                if state.as_deref() == Some("hidden") {
                    visibility.send_on_leaving();
                }
            }),
        ];
        on_cleanup(move || handles.into_iter().for_each(|h| h.remove()));
    }

    #[cfg(not(feature = "hydrate"))]
    fn listen_for_leaving(&self) {}
}
