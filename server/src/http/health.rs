//! Liveness and readiness probes.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::Router;

use super::AppState;
use crate::db::Db;

/// The probes' paths.
pub const PATHS: [&str; 2] = ["/healthz", "/readyz"];

/// `/healthz` (the process is up) and `/readyz` (the database answers).
pub fn routes() -> Router<AppState> {
    Router::new().route(PATHS[0], get(healthz)).route(PATHS[1], get(readyz))
}

async fn healthz() -> &'static str {
    "ok"
}

async fn readyz(State(db): State<Db>) -> (StatusCode, &'static str) {
    if db.ping().await {
        (StatusCode::OK, "ready")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unreachable")
    }
}
