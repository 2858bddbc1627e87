//! Session middleware: resolves the request's actor from the session cookie.

use std::net::SocketAddr;

use app::backend::{ClientKey, CurrentActor, SessionSecret};
use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use http::header::{COOKIE, SET_COOKIE};
use http::HeaderValue;

use super::AppState;
use crate::identity::actor::{self, Ended};
use crate::identity::sessions;

/// Puts `CurrentActor`, `SessionSecret` and `ClientKey` into the request's extensions.
/// A session that has ended (timed out, user disabled, agency no longer current) is removed and
/// its cookie cleared.
pub async fn resolve(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let client = req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip().to_string()).unwrap_or_default();
    req.extensions_mut().insert(ClientKey(client));
    let secret = req.headers().get_all(COOKIE).iter().filter_map(|v| v.to_str().ok()).find_map(sessions::secret_from_cookie_header);
    let mut clear_cookie = false;
    let mut current = None;
    if let Some(secret) = secret {
        let limits = state.config.session_limits();
        match actor::resolve(&state.db, &secret, state.clock.unix(), limits).await {
            Ok(Ok(actor)) => current = Some(actor),
            Ok(Err(Ended::Unknown | Ended::Expired | Ended::AccessWithdrawn)) => clear_cookie = true,
            Err(e) => tracing::error!(error = %e, "session lookup failed"),
        }
        req.extensions_mut().insert(SessionSecret(secret));
    }
    req.extensions_mut().insert(CurrentActor(current));
    let mut res = next.run(req).await;
    if clear_cookie && !res.headers().contains_key(SET_COOKIE) {
        if let Ok(v) = HeaderValue::from_str(&sessions::clear_cookie()) {
            res.headers_mut().append(SET_COOKIE, v);
        }
    }
    res
}
