//! How the browser calls server functions: the `fetch` client, plus a header that a cross-site
//! form or script cannot send without the server's consent (a CORS preflight it never grants).
//! The server refuses state-changing `/api/` requests without it, on top of the Origin check
//! and the `SameSite=Strict` session cookie.

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};

use futures::{Sink, Stream};
use server_fn::client::browser::BrowserClient;
use server_fn::client::Client;
use server_fn::error::FromServerFnError;
use server_fn::request::browser::BrowserRequest;
use server_fn::response::browser::BrowserResponse;
use server_fn::Bytes;

/// The header every server-function call carries.
pub const REQUEST_HEADER: &str = "x-roundtable-request";

/// When this page last heard back from the server (browser milliseconds): each answer means
/// the session was used, so its idle timeout starts again from about then.
static LAST_ANSWER_MS: AtomicU64 = AtomicU64::new(0);

/// When this page last heard back from the server (browser milliseconds; 0 before any call).
pub fn last_answer_ms() -> f64 {
    LAST_ANSWER_MS.load(Ordering::Relaxed) as f64
}

/// Records that the server answered now (also for the page itself, when it loads).
pub fn note_answer() {
    LAST_ANSWER_MS.store(crate::browser::now_ms() as u64, Ordering::Relaxed);
}

/// The browser's server-function client.
pub struct RoundtableClient;

impl<E: FromServerFnError, I: FromServerFnError, O: FromServerFnError> Client<E, I, O> for RoundtableClient {
    type Request = BrowserRequest;
    type Response = BrowserResponse;

    fn send(req: Self::Request) -> impl Future<Output = Result<Self::Response, E>> + Send {
        req.headers().set(REQUEST_HEADER, "1");
        let sent = <BrowserClient as Client<E, I, O>>::send(req);
        async move {
            let answer = sent.await;
            note_answer();
            answer
        }
    }

    fn open_websocket(
        path: &str,
    ) -> impl Future<Output = Result<(impl Stream<Item = Result<Bytes, Bytes>> + Send + 'static, impl Sink<Bytes> + Send + 'static), E>> + Send {
        <BrowserClient as Client<E, I, O>>::open_websocket(path)
    }

    fn spawn(future: impl Future<Output = ()> + Send + 'static) {
        <BrowserClient as Client<E, I, O>>::spawn(future);
    }
}
