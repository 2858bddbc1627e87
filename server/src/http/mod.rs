//! HTTP wiring: the axum router, middleware, and the `serve` command.

mod api_status;
mod calendar;
mod csrf;
mod documents;
mod error_page;
mod health;
mod live;
mod security_headers;
mod session;
mod statistics_csv;

use std::sync::Arc;

use app::backend::{Backend, RequestContext};
use app::{shell, App};
use axum::extract::FromRef;
use axum::Router;
use http::{HeaderName, Request};
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tokio::net::TcpListener;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::backend::ServerBackend;
use crate::cli::{DatabaseArgs, ServeArgs};
use crate::clock::Clock;
use crate::config::ServeConfig;
use crate::db::Db;
use crate::error::Error;
use crate::invitations;

pub use security_headers::CspNonce;

/// The largest request body accepted (forms and server function calls).
const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Shared state of every request.
#[derive(Clone, FromRef)]
pub struct AppState {
    /// Leptos rendering options (site root, output name).
    pub leptos_options: LeptosOptions,
    /// The database.
    pub db: Db,
    /// Validated `serve` configuration.
    pub config: Arc<ServeConfig>,
    /// The clock.
    pub clock: Clock,
    /// The operations behind the server functions.
    pub backend: Arc<dyn Backend>,
    /// Tells open meeting screens that their meeting changed.
    pub live: crate::live::Live,
    /// Ends the long-lived event streams when the server stops.
    pub stop: crate::shutdown::Shutdown,
}

/// Migrates, checks the audit key against the log, writes a checkpoint, says how to enrol the
/// first administrator if none has, then serves until SIGTERM or Ctrl-C (`shutdown`).
pub async fn serve(db_args: DatabaseArgs, args: ServeArgs, witness: std::path::PathBuf) -> Result<(), Error> {
    let db_config = db_args.resolve()?;
    let mut config = args.resolve()?;
    config.witness = witness;
    shared::time_zone::set_area_zone(config.time_zone.clone());
    let db = Db::open(&db_config).await?;
    db.migrate().await?;
    {
        let mut conn = db.pool().acquire().await?;
        crate::audit::check_key(&mut conn).await?;
        crate::casework::search_key::ensure(&mut conn).await?;
    }
    if let Err(e) = crate::witness::record(&db, &config.witness, Clock::System.unix()).await {
        tracing::error!(error = %e, "AUDIT CHECKPOINT REFUSED at start: run `roundtable verify-audit`");
    }
    if !config.two_person_approval {
        tracing::warn!("two-person approval is off: one administrator alone can grant roles that open every case");
    }
    if db.backend() == crate::db::Backend::Postgres && db.can_alter_audit_log().await? {
        tracing::warn!(
            "this database role owns the audit log (or may update it), so it could remove the append-only guards: \
             migrate as the owner with `roundtable migrate --app-role NAME` and serve as that role (README, PostgreSQL)"
        );
    }
    invitations::announce_first_admin(&db).await?;

    let listener = TcpListener::bind(config.bind).await.map_err(|e| Error::Config(format!("cannot listen on {} ({e})", config.bind)))?;
    let addr = listener.local_addr()?;
    let config = Arc::new(config);
    let backend = Arc::new(ServerBackend::new(db.clone(), Clock::System, config.clone())?);
    let (stop_tasks, stop) = crate::shutdown::channel();
    let mut tasks = Vec::new();
    if let Some(mail) = &config.mail {
        tasks.push(crate::mail::spawn(db.clone(), mail.clone(), Clock::System, config.mail_interval, backend.mail_wakeup.clone(), stop.clone()));
    }
    if let Some(every) = config.retention.interval {
        tasks.push(tokio::spawn(crate::retention::run_every(
            db.clone(),
            Clock::System,
            config.retention,
            config.session_limits(),
            every,
            stop.clone(),
        )));
    }
    if let Some(every) = config.checkpoint_interval {
        tasks.push(tokio::spawn(crate::witness::run_every(db.clone(), Clock::System, config.witness.clone(), every, stop.clone())));
    }
    let live = backend.live.clone();
    let state = AppState { leptos_options: leptos_options(&config, addr), db: db.clone(), config, clock: Clock::System, backend, live, stop };
    println!("roundtable: listening on http://{addr}");
    tracing::info!(%addr, "listening");
    let app = router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    // Streamed pages are written in several chunks: without TCP_NODELAY, Nagle's algorithm and
    // delayed ACKs hold each response back by about 40 ms.
    let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
        let _ = tcp.set_nodelay(true);
    });
    // The stop reaches the event streams and background tasks at once; the server then waits
    // for the requests in flight.
    axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            crate::shutdown::signal().await;
            stop_tasks.fire();
        })
        .await?;
    let finished = tokio::time::timeout(crate::shutdown::GRACE, futures::future::join_all(tasks)).await;
    if finished.is_err() {
        tracing::warn!("background tasks did not finish within {} s; stopping anyway", crate::shutdown::GRACE.as_secs());
    }
    db.pool().close().await;
    tracing::info!("stopped");
    println!("roundtable: stopped");
    Ok(())
}

fn leptos_options(config: &ServeConfig, addr: std::net::SocketAddr) -> LeptosOptions {
    LeptosOptions::builder().output_name("roundtable").site_root(config.site_root.display().to_string()).site_pkg_dir("pkg").site_addr(addr).build()
}

/// Every address the application answers: pages (`GET /path`) and server functions
/// (`POST /api/...`). `roundtable routes` prints it; the authorisation matrix test checks it.
pub fn route_table() -> Vec<String> {
    let mut table: Vec<String> = generate_route_list(App).iter().map(|r| format!("GET {}", r.path())).collect();
    table.extend(leptos::server_fn::axum::server_fn_paths().map(|(path, method)| format!("{method} {path}")));
    table.extend(health::PATHS.iter().map(|p| format!("GET {p}")));
    table.push(format!("GET {}", calendar::PATH));
    table.push(format!("GET {}", live::PATH));
    table.extend(documents::PATHS.iter().map(|p| format!("GET {p}")));
    table.push(format!("GET {}", statistics_csv::PATH));
    table.sort();
    table.dedup();
    table
}

/// The whole application: health checks, Leptos pages and server functions, static files.
pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let context = page_context(state.backend.clone());
    let app = Router::new()
        .merge(health::routes())
        .merge(calendar::routes())
        .merge(live::routes())
        .merge(documents::routes())
        .merge(statistics_csv::routes())
        .leptos_routes_with_context(&state, routes, context.clone(), {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(context, shell));
    with_middleware(app, state)
}

/// Every request's middleware, outermost first: request id, tracing, security headers (outside the panic catcher, so a panic's 500 page carries them too), the
/// panic catcher, CSRF, bounded identifiers, the session, and the body limit.
fn with_middleware(app: Router<AppState>, state: AppState) -> Router {
    let request_id = HeaderName::from_static("x-request-id");
    app.layer(
        ServiceBuilder::new()
            .layer(SetRequestIdLayer::new(request_id.clone(), MakeRequestUuid))
            .layer(TraceLayer::new_for_http().make_span_with(request_span).on_response(DefaultOnResponse::new().level(Level::INFO)))
            .layer(PropagateRequestIdLayer::new(request_id))
            .layer(axum::middleware::from_fn_with_state(state.clone(), security_headers::apply))
            .layer(CatchPanicLayer::custom(error_page::internal_error))
            .layer(axum::middleware::from_fn_with_state(state.clone(), csrf::same_origin_only))
            .layer(axum::middleware::from_fn(csrf::bounded_input))
            .layer(axum::middleware::from_fn_with_state(state.clone(), session::resolve))
            .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES)),
    )
    .with_state(state)
}

/// What every page render and server function gets in its Leptos context.
fn page_context(backend: Arc<dyn Backend>) -> impl Fn() + Clone + Send + Sync + 'static {
    move || {
        provide_context(RequestContext { backend: backend.clone() });
        if let Some(parts) = leptos::prelude::use_context::<http::request::Parts>() {
            if let Some(nonce) = parts.extensions.get::<CspNonce>() {
                provide_context(leptos::nonce::Nonce::from_value(nonce.0.clone()));
            }
        }
    }
}

/// The tracing span of one request: its id, method and path. Never query strings or bodies.
fn request_span<B>(req: &Request<B>) -> tracing::Span {
    let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
    tracing::info_span!("request", id = %id, method = %req.method(), path = %req.uri().path())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;
    use tower::ServiceExt;

    async fn test_state(dir: &std::path::Path) -> AppState {
        let cli =
            crate::cli::Cli::try_parse_from(["roundtable", "--data-dir", &dir.display().to_string(), "serve"]).unwrap_or_else(|e| panic!("{e}"));
        let crate::cli::Command::Serve(args) = cli.command else { panic!("not serve") };
        let config = Arc::new(args.resolve().unwrap_or_else(|e| panic!("{e}")));
        let db = Db::open(&cli.database.resolve().unwrap_or_else(|e| panic!("{e}"))).await.unwrap_or_else(|e| panic!("{e}"));
        db.migrate().await.unwrap_or_else(|e| panic!("{e}"));
        let backend = Arc::new(ServerBackend::new(db.clone(), Clock::System, config.clone()).unwrap_or_else(|e| panic!("{e}")));
        let addr: std::net::SocketAddr = "127.0.0.1:0".parse().unwrap_or_else(|e| panic!("{e}"));
        let live = backend.live.clone();
        AppState {
            leptos_options: leptos_options(&config, addr),
            db,
            config,
            clock: Clock::System,
            backend,
            live,
            stop: crate::shutdown::channel().1,
        }
    }

    #[tokio::test]
    async fn a_panic_is_answered_with_the_security_headers_and_no_internals() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let state = test_state(dir.path()).await;
        let boom = Router::new().route(
            "/boom",
            axum::routing::get(|| async {
                if std::hint::black_box(true) {
                    panic!("case text C-2026-00001 Ada Thornbury");
                }
                "unreachable"
            }),
        );
        let app = with_middleware(boom, state);
        let res = app.oneshot(Request::get("/boom").body(axum::body::Body::empty()).unwrap_or_default()).await.unwrap_or_else(|e| match e {});
        assert_eq!(res.status(), http::StatusCode::INTERNAL_SERVER_ERROR);
        for header in ["content-security-policy", "x-frame-options", "x-content-type-options", "referrer-policy", "cache-control", "x-request-id"] {
            assert!(res.headers().contains_key(header), "{header} missing on the panic page: {:?}", res.headers());
        }
        let body = axum::body::to_bytes(res.into_body(), 64 * 1024).await.unwrap_or_default();
        let text = String::from_utf8_lossy(&body);
        assert!(text.contains("Sorry, there is a problem with the service"), "{text}");
        assert!(!text.contains("Ada Thornbury"), "no panic message reaches the page");
    }
}
