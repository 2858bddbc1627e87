//! `GET /copies/{id}/minutes.pdf`, `GET /actions.pdf` and an approved subject access export
//! (`GET /subject-access/{id}/export.json` or `.pdf`): documents, each for the signed-in person
//! only and after a fresh passkey check. A document that is not theirs, or does not exist, is
//! answered the same way.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Router};
use http::{header, StatusCode};

use app::backend::CurrentActor;
use app::error::AppError;

use super::AppState;

/// The routes' paths.
pub const PATHS: [&str; 4] =
    ["/copies/{id}/minutes.pdf", app::api::distribution::ACTIONS_PDF_PATH, "/subject-access/{id}/export.json", "/subject-access/{id}/export.pdf"];

/// The document routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(PATHS[0], get(minutes_copy))
        .route(PATHS[1], get(action_list))
        .route(PATHS[2], get(|state, actor, id| subject_export(state, actor, id, "json")))
        .route(PATHS[3], get(|state, actor, id| subject_export(state, actor, id, "pdf")))
}

fn answer(result: Result<Vec<u8>, AppError>, filename: &str) -> Response {
    typed(result.map(|bytes| ("application/pdf", bytes)), filename)
}

fn typed(result: Result<(&'static str, Vec<u8>), AppError>, filename: &str) -> Response {
    match result {
        Ok((kind, bytes)) => (
            [
                (header::CONTENT_TYPE, kind.to_string()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{filename}\"")),
                (header::CACHE_CONTROL, "no-store".to_string()),
            ],
            bytes,
        )
            .into_response(),
        Err(AppError::ReauthenticationRequired) => {
            (StatusCode::FORBIDDEN, "Confirm it is you with your passkey on the document's page in Roundtable, then download it again.")
                .into_response()
        }
        // A copy whose link has expired or been revoked is gone, not merely refused.
        Err(AppError::Conflict(message)) => (StatusCode::GONE, message).into_response(),
        Err(e) => super::api_status::refusal(&e),
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

async fn subject_export(
    State(state): State<AppState>,
    Extension(CurrentActor(actor)): Extension<CurrentActor>,
    Path(id): Path<String>,
    format: &'static str,
) -> Response {
    let Some(actor) = actor else {
        return answer(Err(AppError::NotFound), "");
    };
    typed(state.backend.export_file(&actor, &id, format).await, &format!("subject-access-export.{format}"))
}
