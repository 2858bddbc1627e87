//! The current time, injectable so tests can control expiry and timeouts.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use time::OffsetDateTime;

/// A source of the current instant.
#[derive(Clone, Debug)]
pub enum Clock {
    /// The system clock.
    System,
    /// A clock that moves only when told (tests).
    Manual(Arc<AtomicI64>),
}

impl Clock {
    /// The current instant in UTC.
    pub fn now(&self) -> OffsetDateTime {
        match self {
            Clock::System => OffsetDateTime::now_utc(),
            Clock::Manual(secs) => OffsetDateTime::from_unix_timestamp(secs.load(Ordering::SeqCst)).unwrap_or(OffsetDateTime::UNIX_EPOCH),
        }
    }

    /// The current instant as whole seconds since the Unix epoch, as stored in the database.
    pub fn unix(&self) -> i64 {
        self.now().unix_timestamp()
    }
}
