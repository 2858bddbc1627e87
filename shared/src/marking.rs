//! Government Security Classification marking shown on every signed-in page and document.

/// The protective marking of everything Roundtable shows about people.
pub const PROTECTIVE_MARKING: &str = "OFFICIAL-SENSITIVE";
