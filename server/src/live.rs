//! Live updates: a write to a meeting (an entry, an action, research, who is in the room, the
//! meeting moving on) tells every open screen of that meeting to fetch its view again.
//!
//! A notice carries the meeting's id only, never what changed: each screen then asks for its
//! view again, through the policy, so what a person sees is decided as on any other request.

use std::sync::Arc;

use tokio::sync::broadcast;

/// How many notices may queue for a slow screen before it skips to the latest (it refetches anyway).
const BACKLOG: usize = 256;

/// The hub every write notifies and every open meeting screen listens to.
#[derive(Clone, Debug)]
pub struct Live {
    tx: broadcast::Sender<Arc<str>>,
}

impl Default for Live {
    fn default() -> Self {
        Live { tx: broadcast::channel(BACKLOG).0 }
    }
}

impl Live {
    /// Tells every screen of meeting `meeting_id` that it changed.
    pub fn changed(&self, meeting_id: &str) {
        let _ = self.tx.send(Arc::from(meeting_id));
    }

    /// Listens for changes to any meeting.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<str>> {
        self.tx.subscribe()
    }
}
