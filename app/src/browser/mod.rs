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
