//! `GET /meetings/{id}/events`: server-sent events telling an open meeting screen to fetch its
//! view again. Only someone who may see the meeting can listen; a notice says only "changed".
//! Each stream ends after a few minutes, and the browser's reconnect passes the session and
//! the policy again, so a person whose access ended stops hearing even that.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Router};
use futures::stream::{self, Stream};
use http::StatusCode;
use tokio::sync::broadcast::error::RecvError;
use tokio::time::Instant;

use app::backend::CurrentActor;

use super::AppState;

/// The route's path.
pub const PATH: &str = "/meetings/{id}/events";

/// How long one stream lasts before the browser reconnects.
const STREAM_FOR: Duration = Duration::from_secs(300);

/// The live route.
pub fn routes() -> Router<AppState> {
    Router::new().route(PATH, get(events))
}

async fn events(State(state): State<AppState>, Extension(CurrentActor(actor)): Extension<CurrentActor>, Path(id): Path<String>) -> Response {
    let Some(actor) = actor else {
        return (StatusCode::NOT_FOUND, "Not found").into_response();
    };
    if state.backend.follow_meeting(&actor, &id).await.is_err() {
        return (StatusCode::NOT_FOUND, "Not found").into_response();
    }
    Sse::new(changes(state.live.subscribe(), id, state.stop.clone())).keep_alive(KeepAlive::default()).into_response()
}

/// "changed" each time meeting `id` changes, until the stream's time is up or the server stops.
fn changes(
    rx: tokio::sync::broadcast::Receiver<std::sync::Arc<str>>,
    id: String,
    stop: crate::shutdown::Shutdown,
) -> impl Stream<Item = Result<Event, Infallible>> {
    let until = Instant::now() + STREAM_FOR;
    stream::unfold((rx, id, stop), move |(mut rx, id, mut stop)| async move {
        loop {
            let next = tokio::select! {
                next = tokio::time::timeout_at(until, rx.recv()) => next,
                _ = stop.requested() => return None,
            };
            match next {
                Ok(Ok(meeting)) if *meeting == *id => return Some((Ok(Event::default().data("changed")), (rx, id, stop))),
                Ok(Ok(_)) => {}
                Ok(Err(RecvError::Lagged(_))) => return Some((Ok(Event::default().data("changed")), (rx, id, stop))),
                Ok(Err(RecvError::Closed)) | Err(_) => return None,
            }
        }
    })
}
