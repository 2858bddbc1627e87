//! Cross-site request forgery defence: a state-changing request must come from our own origin.
//!
//! Together with `SameSite=Strict` session cookies: every method other than GET, HEAD and
//! OPTIONS must carry an `Origin` equal to the public origin (or, where a browser omits
//! `Origin`, `Sec-Fetch-Site: same-origin`), and server-function calls (`/api/`) must also carry
//! the `x-roundtable-request` header, which another site's page could only send after a CORS
//! preflight that Roundtable never grants. Nothing changes state on GET.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{Method, StatusCode};

use super::AppState;
use crate::config::origin_of;

/// Refuses cross-origin state-changing requests with 403.
pub async fn same_origin_only(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let expected = origin_of(&state.config.public_url);
    let headers = req.headers();
    let same_origin = match headers.get(http::header::ORIGIN).and_then(|v| v.to_str().ok()) {
        Some(origin) => origin == expected,
        None => headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) == Some("same-origin"),
    };
    let marked = !req.uri().path().starts_with("/api/") || headers.get(app::api::client::REQUEST_HEADER).is_some_and(|v| v == "1");
    let allowed = same_origin && marked;
    if allowed {
        next.run(req).await
    } else {
        tracing::warn!("refused a cross-origin state-changing request");
        (StatusCode::FORBIDDEN, "This request did not come from Roundtable itself, so it was refused.").into_response()
    }
}
