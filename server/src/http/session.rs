//! Session middleware: resolves the request's actor from the session cookie.

use std::net::{IpAddr, SocketAddr};

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
    let peer = req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    let forwarded = req.headers().get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()).collect::<Vec<_>>().join(",");
    let client = client_address(peer, &forwarded, &state.config.trusted_proxies).map(|ip| ip.to_string()).unwrap_or_default();
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

/// The client a request came from, for rate limiting: the peer, unless the peer is a trusted
/// proxy, in which case the right-most address in `X-Forwarded-For` that is not itself a trusted
/// proxy (each proxy appends the address it received the request from, so addresses to the left
/// of the last trusted hop are whatever the client chose to send and are never believed).
pub fn client_address(peer: Option<IpAddr>, forwarded_for: &str, trusted: &[ipnet::IpNet]) -> Option<IpAddr> {
    let peer = peer?;
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|n| n.contains(ip));
    if !is_trusted(&peer) {
        return Some(peer);
    }
    let mut client = peer;
    for hop in forwarded_for.rsplit(',').map(str::trim).filter(|h| !h.is_empty()) {
        let Ok(ip) = hop.parse::<IpAddr>() else { break };
        client = ip;
        if !is_trusted(&ip) {
            break;
        }
    }
    Some(client)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap_or(IpAddr::from([0, 0, 0, 0]))
    }

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let proxies = vec![crate::config::parse_proxy("10.0.0.0/24").unwrap_or_else(|e| panic!("{e}"))];
        // Straight from a client: the header is the client's own invention.
        assert_eq!(client_address(Some(ip("203.0.113.9")), "1.2.3.4", &proxies), Some(ip("203.0.113.9")));
        // Through the proxy: the address the proxy saw.
        assert_eq!(client_address(Some(ip("10.0.0.2")), "198.51.100.7", &proxies), Some(ip("198.51.100.7")));
        // A client that sends its own header first cannot choose its address.
        assert_eq!(client_address(Some(ip("10.0.0.2")), "1.1.1.1, 198.51.100.7", &proxies), Some(ip("198.51.100.7")));
        // Through two trusted proxies.
        assert_eq!(client_address(Some(ip("10.0.0.2")), "198.51.100.7, 10.0.0.3", &proxies), Some(ip("198.51.100.7")));
        // No proxies configured: always the peer.
        assert_eq!(client_address(Some(ip("10.0.0.2")), "198.51.100.7", &[]), Some(ip("10.0.0.2")));
        // Garbage in the header: the last trusted hop.
        assert_eq!(client_address(Some(ip("10.0.0.2")), "not-an-address", &proxies), Some(ip("10.0.0.2")));
    }
}
