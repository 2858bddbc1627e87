//! `GET /meetings/{id}/calendar.ics`: a meeting for the person's calendar, with its time and
//! place only. Refused exactly as a missing meeting when the person may not see it.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Router};
use http::header;

use app::backend::CurrentActor;

use super::AppState;

/// The route's path.
pub const PATH: &str = "/meetings/{id}/calendar.ics";

/// The calendar route.
pub fn routes() -> Router<AppState> {
    Router::new().route(PATH, get(calendar))
}

async fn calendar(State(state): State<AppState>, Extension(CurrentActor(actor)): Extension<CurrentActor>, Path(id): Path<String>) -> Response {
    let Some(actor) = actor else {
        return super::api_status::refusal(&app::error::AppError::NotFound);
    };
    match state.backend.calendar(&actor, &id).await {
        Ok(ics) => (
            [(header::CONTENT_TYPE, "text/calendar; charset=utf-8"), (header::CONTENT_DISPOSITION, "attachment; filename=\"marac-meeting.ics\"")],
            ics,
        )
            .into_response(),
        Err(e) => super::api_status::refusal(&e),
    }
}
