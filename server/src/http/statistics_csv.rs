//! `GET /statistics.csv?quarter=2026-Q4`: the quarter's anonymised figures as a spreadsheet-safe
//! CSV download, for those who may see the statistics; refused as not found otherwise.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Router};
use http::header;

use app::backend::CurrentActor;

use super::AppState;

/// The route's path.
pub const PATH: &str = "/statistics.csv";

/// The CSV route.
pub fn routes() -> Router<AppState> {
    Router::new().route(PATH, get(csv))
}

async fn csv(
    State(state): State<AppState>,
    Extension(CurrentActor(actor)): Extension<CurrentActor>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let Some(actor) = actor else {
        return super::api_status::refusal(&app::error::AppError::NotFound);
    };
    let quarter = q.get("quarter").cloned().unwrap_or_default();
    match state.backend.statistics_csv(&actor, &quarter).await {
        Ok(body) => (
            [(header::CONTENT_TYPE, "text/csv; charset=utf-8"), (header::CONTENT_DISPOSITION, "attachment; filename=\"marac-statistics.csv\"")],
            body,
        )
            .into_response(),
        Err(e) => super::api_status::refusal(&e),
    }
}
