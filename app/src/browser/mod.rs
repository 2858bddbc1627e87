//! Glue to browser APIs, compiled for the wasm bundle; on the server these say they need a browser.

pub mod webauthn;
