//! Who is asking: sessions, passkeys (WebAuthn ceremonies), actor resolution and sign-in throttling.

pub mod actor;
pub mod ceremonies;
pub mod passkeys;
pub mod rate_limit;
pub mod sessions;
