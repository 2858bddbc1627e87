//! The HTTP status of every refusal, in one place. Leptos answers every server-function error
//! with 500; `refine` reads the (small, JSON) error back and answers 404 for "not found or not
//! allowed", 401 for "sign in", 422 for input problems, 409 for a conflict, 429 for too many
//! attempts, so that logs and monitoring count only real failures as server errors (the body is
//! unchanged). The raw routes (calendar, documents, statistics CSV) answer through `refusal`.

use app::error::AppError;
use axum::body::{to_bytes, Body};
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::StatusCode;

/// Largest error body read (errors are a few hundred bytes).
const MAX_ERROR_BYTES: usize = 64 * 1024;

/// The status for an error.
pub fn status_of(error: &AppError) -> StatusCode {
    match error {
        AppError::NotFound => StatusCode::NOT_FOUND,
        AppError::SignInRequired | AppError::SignInFailed => StatusCode::UNAUTHORIZED,
        AppError::ReauthenticationRequired => StatusCode::FORBIDDEN,
        AppError::Invalid(_) | AppError::InvalidFields(_) => StatusCode::UNPROCESSABLE_ENTITY,
        AppError::Conflict(_) => StatusCode::CONFLICT,
        AppError::RateLimited => StatusCode::TOO_MANY_REQUESTS,
        AppError::Internal | AppError::Transport(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// A raw route's plain-text answer to an error. "Sign in" is told apart from "not found" only
/// by status, never by anything about the record.
pub fn refusal(error: &AppError) -> Response {
    let status = match error {
        AppError::SignInRequired => StatusCode::NOT_FOUND,
        other => status_of(other),
    };
    let text = match error {
        AppError::NotFound | AppError::SignInRequired => "Not found".to_string(),
        other => other.to_string(),
    };
    (status, text).into_response()
}

/// The error in a serialised `AppError` body (`"NotFound"` or `{"Invalid": ...}`).
fn error_in(body: &[u8]) -> Option<AppError> {
    serde_json::from_slice(body).ok()
}

/// Rewrites the status of failed `/api/` responses.
pub async fn refine(req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let res = next.run(req).await;
    if !api || res.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_ERROR_BYTES).await else {
        return Response::from_parts(parts, Body::empty());
    };
    if let Some(error) = error_in(&bytes) {
        parts.status = status_of(&error);
    }
    Response::from_parts(parts, Body::from(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_map_to_statuses() {
        assert_eq!(error_in(br#""NotFound""#).map(|e| status_of(&e)), Some(StatusCode::NOT_FOUND));
        assert_eq!(error_in(br#"{"InvalidFields":[]}"#).map(|e| status_of(&e)), Some(StatusCode::UNPROCESSABLE_ENTITY));
        assert_eq!(error_in(br#""Internal""#).map(|e| status_of(&e)), Some(StatusCode::INTERNAL_SERVER_ERROR));
        assert_eq!(error_in(b"not json"), None);
    }

    #[test]
    fn raw_routes_hide_sign_in_as_not_found_and_show_server_errors_as_such() {
        assert_eq!(refusal(&AppError::SignInRequired).status(), StatusCode::NOT_FOUND);
        assert_eq!(refusal(&AppError::NotFound).status(), StatusCode::NOT_FOUND);
        assert_eq!(refusal(&AppError::Internal).status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(refusal(&AppError::ReauthenticationRequired).status(), StatusCode::FORBIDDEN);
    }
}
