//! Gives server-function refusals their proper HTTP status. Leptos answers every error with 500;
//! this reads the (small, JSON) error and answers 404 for "not found or not allowed", 401 for
//! "sign in", 422 for input problems, 409 for a conflict, 429 for too many attempts, so that logs
//! and monitoring count only real failures as server errors. The body is unchanged.

use axum::body::{to_bytes, Body};
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use http::StatusCode;

/// Largest error body read (errors are a few hundred bytes).
const MAX_ERROR_BYTES: usize = 64 * 1024;

/// The status for an error variant's name.
fn status_for(variant: &str) -> StatusCode {
    match variant {
        "NotFound" => StatusCode::NOT_FOUND,
        "SignInRequired" | "SignInFailed" => StatusCode::UNAUTHORIZED,
        "ReauthenticationRequired" => StatusCode::FORBIDDEN,
        "Invalid" | "InvalidFields" => StatusCode::UNPROCESSABLE_ENTITY,
        "Conflict" => StatusCode::CONFLICT,
        "RateLimited" => StatusCode::TOO_MANY_REQUESTS,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// The variant name of a serialised `AppError` (`"NotFound"` or `{"Invalid": ...}`).
fn variant(body: &[u8]) -> Option<String> {
    match serde_json::from_slice::<serde_json::Value>(body).ok()? {
        serde_json::Value::String(s) => Some(s),
        serde_json::Value::Object(m) if m.len() == 1 => m.keys().next().cloned(),
        _ => None,
    }
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
    if let Some(v) = variant(&bytes) {
        parts.status = status_for(&v);
    }
    Response::from_parts(parts, Body::from(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_map_to_statuses() {
        assert_eq!(variant(br#""NotFound""#).map(|v| status_for(&v)), Some(StatusCode::NOT_FOUND));
        assert_eq!(variant(br#"{"InvalidFields":[]}"#).map(|v| status_for(&v)), Some(StatusCode::UNPROCESSABLE_ENTITY));
        assert_eq!(variant(br#""Internal""#).map(|v| status_for(&v)), Some(StatusCode::INTERNAL_SERVER_ERROR));
        assert_eq!(variant(b"not json"), None);
    }
}
