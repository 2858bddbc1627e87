//! The raw routes' (calendar, documents, statistics CSV) answer to a refusal. Server functions
//! set their status themselves, through the response options (`AppError::ser`).

use app::error::AppError;
use axum::response::{IntoResponse, Response};
use http::StatusCode;

/// A raw route's plain-text answer to an error. "Sign in" is told apart from "not found" only
/// by status, never by anything about the record.
pub fn refusal(error: &AppError) -> Response {
    let status = match error {
        AppError::SignInRequired => StatusCode::NOT_FOUND,
        other => other.status(),
    };
    let text = match error {
        AppError::NotFound | AppError::SignInRequired => "Not found".to_string(),
        other => other.to_string(),
    };
    (status, text).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_map_to_statuses() {
        assert_eq!(AppError::NotFound.status(), StatusCode::NOT_FOUND);
        assert_eq!(AppError::InvalidFields(Vec::new()).status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(AppError::Internal.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }

    #[test]
    fn raw_routes_hide_sign_in_as_not_found_and_show_server_errors_as_such() {
        assert_eq!(refusal(&AppError::SignInRequired).status(), StatusCode::NOT_FOUND);
        assert_eq!(refusal(&AppError::NotFound).status(), StatusCode::NOT_FOUND);
        assert_eq!(refusal(&AppError::Internal).status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(refusal(&AppError::ReauthenticationRequired).status(), StatusCode::FORBIDDEN);
    }
}
