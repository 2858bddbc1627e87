//! Follows a meeting's live changes: `on_change` runs each time someone changes the meeting
//! (an entry, an action, research, who is in the room). The server says only "changed"; the
//! page then asks for its view again, through the policy, as on any other request.

/// Listens, while the calling component lives, for changes to meeting `meeting_id`.
pub fn follow_meeting(meeting_id: String, on_change: impl Fn() + 'static) {
    #[cfg(feature = "hydrate")]
    {
        use leptos::prelude::*;
        use leptos::wasm_bindgen::closure::Closure;
        use leptos::wasm_bindgen::JsCast;
        let Ok(source) = leptos::web_sys::EventSource::new(&format!("/meetings/{meeting_id}/events")) else { return };
        let listener = Closure::<dyn FnMut(leptos::web_sys::MessageEvent)>::new(move |_| on_change());
        source.set_onmessage(Some(listener.as_ref().unchecked_ref()));
        let held = StoredValue::new_local((source, listener));
        on_cleanup(move || {
            held.with_value(|(source, _)| {
                source.set_onmessage(None);
                source.close();
            });
        });
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (meeting_id, on_change);
    }
}
