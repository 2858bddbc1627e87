//! Cross-site request forgery: state-changing requests must come from Roundtable's own origin.

use crate::common;

use common::{client, TestServer};

#[tokio::test]
async fn cross_origin_posts_are_refused_and_same_origin_posts_pass() {
    let server = TestServer::start(&["--public-url", "http://localhost:3999"]);
    let http = client();
    let url = server.url("/api/auth/begin-sign-in");

    let evil = http.post(&url).header("origin", "https://evil.example").send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(evil.status(), 403);

    let no_origin = http.post(&url).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(no_origin.status(), 403, "no Origin and no Sec-Fetch-Site: refused");

    let cross_site = http.post(&url).header("sec-fetch-site", "cross-site").send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(cross_site.status(), 403);

    let unmarked = http.post(&url).header("origin", "http://localhost:3999").send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(unmarked.status(), 403, "a server-function call without Roundtable's header is refused");

    let ours =
        http.post(&url).header("origin", "http://localhost:3999").header("x-roundtable-request", "1").send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(ours.status(), 200, "{}", ours.text().await.unwrap_or_default());

    let fetch_meta =
        http.post(&url).header("sec-fetch-site", "same-origin").header("x-roundtable-request", "1").send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(fetch_meta.status(), 200);

    let forged =
        http.post(&url).header("origin", "https://evil.example").header("x-roundtable-request", "1").send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(forged.status(), 403, "the header alone is not enough");
}

#[tokio::test]
async fn sign_in_options_never_name_an_account() {
    let server = TestServer::start(&["--public-url", "http://localhost:3999"]);
    let res = client()
        .post(server.url("/api/auth/begin-sign-in"))
        .header("origin", "http://localhost:3999")
        .header("x-roundtable-request", "1")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let body: serde_json::Value = res.json().await.unwrap_or_else(|e| panic!("{e}"));
    let options: serde_json::Value = serde_json::from_str(body["options_json"].as_str().unwrap_or_default()).unwrap_or_else(|e| panic!("{e}"));
    let pk = &options["publicKey"];
    assert_eq!(pk["userVerification"], "required");
    assert!(pk.get("allowCredentials").is_none_or(|a| a.as_array().is_some_and(Vec::is_empty)), "no credential list: {pk}");
    assert_eq!(pk["rpId"], "localhost");
}

#[tokio::test]
async fn a_garbage_session_cookie_is_cleared_and_treated_as_signed_out() {
    let server = TestServer::start(&[]);
    let res =
        client().get(server.url("/account")).header("cookie", "__Host-roundtable=not-a-real-session").send().await.unwrap_or_else(|e| panic!("{e}"));
    let set_cookie = res.headers().get("set-cookie").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    assert!(set_cookie.starts_with("__Host-roundtable=;") && set_cookie.contains("Max-Age=0"), "{set_cookie}");
    let body = res.text().await.unwrap_or_default();
    assert!(body.contains("You need to sign in"), "account page asks to sign in");
}

#[tokio::test]
async fn refusals_carry_their_own_status_not_a_server_error() {
    let server = TestServer::start(&["--public-url", "http://localhost:3999"]);
    let res = client()
        .post(server.url("/api/admin/users"))
        .header("origin", "http://localhost:3999")
        .header("x-roundtable-request", "1")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 401);
    assert_eq!(res.text().await.unwrap_or_default(), "\"SignInRequired\"");
}
