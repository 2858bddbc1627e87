//! `GET /copies/{id}/minutes.pdf` and `GET /actions.pdf`: printed documents, each for the
//! signed-in person only and after a fresh passkey check. A copy that is not theirs, or does
//! not exist, is answered the same way.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Router};
use http::{header, StatusCode};

use app::backend::CurrentActor;
use app::error::AppError;

use super::AppState;

/// The routes' paths.
pub const PATHS: [&str; 2] = ["/copies/{id}/minutes.pdf", app::api::distribution::ACTIONS_PDF_PATH];

/// The document routes.
pub fn routes() -> Router<AppState> {
    Router::new().route(PATHS[0], get(minutes_copy)).route(PATHS[1], get(action_list))
}

fn answer(result: Result<Vec<u8>, AppError>, filename: &str) -> Response {
    match result {
        Ok(pdf) => (
            [
                (header::CONTENT_TYPE, "application/pdf".to_string()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{filename}\"")),
                (header::CACHE_CONTROL, "no-store".to_string()),
            ],
            pdf,
        )
            .into_response(),
        Err(AppError::ReauthenticationRequired) => {
            (StatusCode::FORBIDDEN, "Confirm it is you with your passkey on the document's page in Roundtable, then download it again.").into_response()
        }
        Err(AppError::Conflict(message)) => (StatusCode::GONE, message).into_response(),
        Err(_) => (StatusCode::NOT_FOUND, "Not found").into_response(),
    }
}

async fn minutes_copy(State(state): State<AppState>, Extension(CurrentActor(actor)): Extension<CurrentActor>, Path(id): Path<String>) -> Response {
    let Some(actor) = actor else {
        return answer(Err(AppError::NotFound), "");
    };
    let short: String = id.chars().filter(char::is_ascii_alphanumeric).take(8).collect();
    answer(state.backend.copy_pdf(&actor, &id).await, &format!("marac-minutes-{short}.pdf"))
}

async fn action_list(State(state): State<AppState>, Extension(CurrentActor(actor)): Extension<CurrentActor>) -> Response {
    let Some(actor) = actor else {
        return answer(Err(AppError::NotFound), "");
    };
    answer(state.backend.actions_pdf(&actor).await, "marac-actions.pdf")
}
