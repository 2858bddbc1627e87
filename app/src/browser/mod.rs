//! Glue to browser APIs, compiled for the wasm bundle; on the server these say they need a
//! browser, or do nothing.

pub mod keepalive;
pub mod kept_text;
pub mod webauthn;

/// The browser's clock in milliseconds (on the server, the system's).
pub fn now_ms() -> f64 {
    #[cfg(feature = "hydrate")]
    {
        js_sys::Date::now()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0.0, |d| d.as_millis() as f64)
    }
}

/// Gives `element` the focus once what is already being drawn has been drawn.
///
/// An effect that shows a part of the page and one that focuses it run in the order they first
/// read their signal; where the frame was hydrated after a lazily loaded page, the focusing one
/// comes first, finds its element still hidden, and the focus goes nowhere. Focusing from a
/// task of its own, after the executor's next turn, comes after both.
pub fn focus_once_drawn(element: impl FnOnce() -> Option<leptos::web_sys::HtmlElement> + 'static) {
    leptos::task::spawn_local(async move {
        leptos::task::tick().await;
        if let Some(el) = element() {
            let _ = el.focus();
        }
    });
}
