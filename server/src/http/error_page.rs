//! The page shown when something fails inside the server: the app's look, no internals.

use std::any::Any;

use axum::body::Body;
use axum::response::Response;
use http::header::{CACHE_CONTROL, CONTENT_TYPE};
use http::StatusCode;

const INTERNAL_ERROR_PAGE: &str = r#"<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sorry, there is a problem with the service – Roundtable</title>
<link rel="stylesheet" href="/pkg/roundtable.css"></head>
<body><div class="rt-marking">OFFICIAL-SENSITIVE</div>
<header class="rt-header"><div class="rt-header__inner rt-width-container"><a class="rt-header__brand" href="/">Roundtable</a></div></header>
<div class="rt-width-container"><main class="rt-main rt-error-page" id="main-content">
<h1 class="rt-heading-xl">Sorry, there is a problem with the service</h1>
<p class="rt-body">Nothing you entered has been lost if it was already saved. Try again later.</p>
<p class="rt-body">If the problem continues, contact your MARAC coordinator and tell them the time it happened.</p>
</main></div><div class="rt-marking rt-marking--bottom">OFFICIAL-SENSITIVE</div></body></html>"#;

/// Builds the 500 response for a panic; the panic's message goes only to the log.
pub fn internal_error(_panic: Box<dyn Any + Send + 'static>) -> Response {
    tracing::error!("request handler panicked");
    let mut res = Response::new(Body::from(INTERNAL_ERROR_PAGE));
    *res.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
    res.headers_mut().insert(CONTENT_TYPE, http::HeaderValue::from_static("text/html; charset=utf-8"));
    res.headers_mut().insert(CACHE_CONTROL, http::HeaderValue::from_static("no-store"));
    res
}
