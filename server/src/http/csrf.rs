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

/// The longest identifier a request may carry (record ids are UUIDs, references a dozen
/// characters, tokens 43): anything that names a record reaches the audit log, so it is bounded.
pub const MAX_ID_CHARS: usize = crate::audit::MAX_ID_CHARS;

/// Whether an argument's name says it identifies something (and so may be written to the log).
fn is_identifier(name: &str) -> bool {
    let name = name.rsplit(['[', '.']).next().unwrap_or(name).trim_end_matches(']');
    name == "id" || name.ends_with("_id") || name == "reference" || name == "token" || name == "target" || name == "kind" || name == "format"
}

/// The first identifier argument of a server-function call that is longer than allowed.
fn oversized_identifier(content_type: &str, body: &[u8]) -> Option<String> {
    if content_type.starts_with("application/json") {
        let value: serde_json::Value = serde_json::from_slice(body).ok()?;
        fn walk(v: &serde_json::Value, key: &str) -> Option<String> {
            match v {
                serde_json::Value::String(s) if is_identifier(key) && s.chars().count() > MAX_ID_CHARS => Some(key.to_string()),
                serde_json::Value::Object(m) => m.iter().find_map(|(k, v)| walk(v, k)),
                serde_json::Value::Array(items) => items.iter().find_map(|v| walk(v, key)),
                _ => None,
            }
        }
        return walk(&value, "");
    }
    url::form_urlencoded::parse(body).find(|(k, v)| is_identifier(k) && v.chars().count() > MAX_ID_CHARS).map(|(k, _)| k.into_owned())
}

/// Refuses with 422, before anything reads or logs it, a request whose path has a segment
/// longer than an identifier can be, or a server-function call whose identifier arguments are.
/// What is refused is never stored: not in the audit log, not in the service's log.
pub async fn bounded_input(req: Request, next: Next) -> Response {
    let long_segment = req.uri().path().split('/').any(|s| s.chars().count() > MAX_ID_CHARS);
    let api = req.uri().path().starts_with("/api/");
    if long_segment {
        return refuse(api, "the address");
    }
    let announced = req.headers().get(http::header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<usize>().ok());
    // An oversized body is the body limit's to refuse, at once, before it is sent.
    if !api || req.method() != Method::POST || announced.is_some_and(|n| n > super::MAX_BODY_BYTES) {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let content_type = parts.headers.get(http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let bytes = match axum::body::to_bytes(body, super::MAX_BODY_BYTES).await {
        Ok(b) => b,
        Err(_) => return (StatusCode::PAYLOAD_TOO_LARGE, "The request was too large.").into_response(),
    };
    if let Some(field) = oversized_identifier(&content_type, &bytes) {
        tracing::warn!(field = %field, "refused an oversized identifier");
        return refuse(true, "an identifier");
    }
    next.run(Request::from_parts(parts, axum::body::Body::from(bytes))).await
}

fn refuse(api: bool, what: &str) -> Response {
    let message = format!("{} in this request is longer than Roundtable accepts ({MAX_ID_CHARS} characters), so it was refused.", capitalised(what));
    if api {
        let body = serde_json::json!({ "Invalid": message }).to_string();
        (StatusCode::UNPROCESSABLE_ENTITY, [(http::header::CONTENT_TYPE, "application/json")], body).into_response()
    } else {
        (StatusCode::UNPROCESSABLE_ENTITY, message).into_response()
    }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifier_arguments_are_bounded_in_forms_and_json() {
        let long = "x".repeat(MAX_ID_CHARS + 1);
        assert_eq!(oversized_identifier("application/x-www-form-urlencoded", format!("case_id={long}&name=ok").as_bytes()), Some("case_id".into()));
        assert_eq!(oversized_identifier("application/x-www-form-urlencoded", format!("name={long}").as_bytes()), None, "free text is not an id");
        let json = serde_json::json!({"input": {"case_id": long, "reason": "fine"}}).to_string();
        assert_eq!(oversized_identifier("application/json", json.as_bytes()), Some("case_id".into()));
        let ok = serde_json::json!({"input": {"case_id": "C-2026-00001"}}).to_string();
        assert_eq!(oversized_identifier("application/json", ok.as_bytes()), None);
    }
}
