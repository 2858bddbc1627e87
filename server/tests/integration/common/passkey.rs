//! A software passkey (ES256, attestation "none", user verification) and a cookie-keeping client,
//! so integration tests enrol and sign in over HTTP exactly as a browser does.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{Signature, SigningKey};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// The public URL test servers are started with; WebAuthn's origin and the CSRF origin.
pub const ORIGIN: &str = "http://localhost:3999";

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn unb64(text: &str) -> Vec<u8> {
    URL_SAFE_NO_PAD.decode(text.trim_end_matches('=')).unwrap_or_else(|e| panic!("base64url {text}: {e}"))
}

/// Minimal CBOR encoding of what an attestation object needs.
enum Cbor {
    Int(i64),
    Bytes(Vec<u8>),
    Text(&'static str),
    Map(Vec<(Cbor, Cbor)>),
}

impl Cbor {
    fn head(out: &mut Vec<u8>, major: u8, n: u64) {
        let m = major << 5;
        match n {
            0..=23 => out.push(m | n as u8),
            24..=0xff => out.extend([m | 24, n as u8]),
            0x100..=0xffff => {
                out.push(m | 25);
                out.extend((n as u16).to_be_bytes());
            }
            _ => {
                out.push(m | 26);
                out.extend((n as u32).to_be_bytes());
            }
        }
    }

    fn encode(&self, out: &mut Vec<u8>) {
        match self {
            Cbor::Int(i) if *i >= 0 => Self::head(out, 0, *i as u64),
            Cbor::Int(i) => Self::head(out, 1, (-1 - *i) as u64),
            Cbor::Bytes(b) => {
                Self::head(out, 2, b.len() as u64);
                out.extend(b);
            }
            Cbor::Text(t) => {
                Self::head(out, 3, t.len() as u64);
                out.extend(t.as_bytes());
            }
            Cbor::Map(entries) => {
                Self::head(out, 5, entries.len() as u64);
                for (k, v) in entries {
                    k.encode(out);
                    v.encode(out);
                }
            }
        }
    }

    fn to_vec(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.encode(&mut out);
        out
    }
}

/// A passkey held by the test: its private key, credential id and the user handle it was made for.
#[derive(Clone)]
pub struct SoftPasskey {
    key: SigningKey,
    /// Credential id.
    pub credential_id: Vec<u8>,
    /// The user handle the server gave at registration.
    pub user_handle: Vec<u8>,
    counter: u32,
}

impl SoftPasskey {
    fn new(user_handle: Vec<u8>) -> Self {
        let seed: [u8; 32] = rand::random();
        let key = SigningKey::from_slice(&Sha256::digest(seed)).unwrap_or_else(|e| panic!("key: {e}"));
        let credential_id = rand::random::<[u8; 16]>().to_vec();
        SoftPasskey { key, credential_id, user_handle, counter: 0 }
    }

    fn rp_id_hash(options: &Value) -> Vec<u8> {
        let rp_id = options["rpId"].as_str().or_else(|| options["rp"]["id"].as_str()).unwrap_or("localhost");
        Sha256::digest(rp_id.as_bytes()).to_vec()
    }

    fn client_data(kind: &str, options: &Value) -> Vec<u8> {
        let challenge = options["challenge"].as_str().unwrap_or_else(|| panic!("no challenge in {options}"));
        json!({"type": kind, "challenge": challenge, "origin": ORIGIN, "crossOrigin": false}).to_string().into_bytes()
    }

    /// Answers `navigator.credentials.create` for `options_json` (the server's creation options).
    pub fn register(options_json: &str) -> (SoftPasskey, String) {
        let options: Value = serde_json::from_str(options_json).unwrap_or_else(|e| panic!("{e}"));
        let pk = &options["publicKey"];
        let user_handle = unb64(pk["user"]["id"].as_str().unwrap_or_else(|| panic!("no user id in {pk}")));
        let passkey = SoftPasskey::new(user_handle);
        let point = passkey.key.verifying_key().to_sec1_point(false);
        let sec1 = point.as_bytes();
        let cose = Cbor::Map(vec![
            (Cbor::Int(1), Cbor::Int(2)),
            (Cbor::Int(3), Cbor::Int(-7)),
            (Cbor::Int(-1), Cbor::Int(1)),
            (Cbor::Int(-2), Cbor::Bytes(sec1[1..33].to_vec())),
            (Cbor::Int(-3), Cbor::Bytes(sec1[33..65].to_vec())),
        ]);
        let mut auth_data = Self::rp_id_hash(pk);
        auth_data.push(0x45); // user present, user verified, attested credential data
        auth_data.extend(0u32.to_be_bytes());
        auth_data.extend([0u8; 16]);
        auth_data.extend((passkey.credential_id.len() as u16).to_be_bytes());
        auth_data.extend(&passkey.credential_id);
        auth_data.extend(cose.to_vec());
        let attestation = Cbor::Map(vec![
            (Cbor::Text("fmt"), Cbor::Text("none")),
            (Cbor::Text("attStmt"), Cbor::Map(vec![])),
            (Cbor::Text("authData"), Cbor::Bytes(auth_data)),
        ]);
        let id = b64(&passkey.credential_id);
        let credential = json!({
            "id": id, "rawId": id, "type": "public-key", "extensions": {},
            "response": {
                "attestationObject": b64(&attestation.to_vec()),
                "clientDataJSON": b64(&Self::client_data("webauthn.create", pk)),
                "transports": ["internal"],
            },
        });
        (passkey, credential.to_string())
    }

    /// Answers `navigator.credentials.get` for `options_json` (the server's request options).
    pub fn assert(&mut self, options_json: &str) -> String {
        let options: Value = serde_json::from_str(options_json).unwrap_or_else(|e| panic!("{e}"));
        let pk = &options["publicKey"];
        self.counter += 1;
        let mut auth_data = Self::rp_id_hash(pk);
        auth_data.push(0x05); // user present, user verified
        auth_data.extend(self.counter.to_be_bytes());
        let client_data = Self::client_data("webauthn.get", pk);
        let mut signed = auth_data.clone();
        signed.extend(Sha256::digest(&client_data));
        let signature: Signature = self.key.sign(&signed);
        let id = b64(&self.credential_id);
        json!({
            "id": id, "rawId": id, "type": "public-key", "extensions": {},
            "response": {
                "authenticatorData": b64(&auth_data),
                "clientDataJSON": b64(&client_data),
                "signature": b64(signature.to_der().as_bytes()),
                "userHandle": b64(&self.user_handle),
            },
        })
        .to_string()
    }
}

/// A client that keeps the session cookie and sends Roundtable's origin, like the browser does.
pub struct Browser {
    http: reqwest::Client,
    base_url: String,
    /// `name=value` of the session cookie, when one is held.
    pub cookie: Option<String>,
    /// The last `Set-Cookie` header the server sent for the session cookie, in full.
    pub last_set_cookie: Option<String>,
}

/// A server function's answer: status and JSON body.
#[derive(Debug)]
pub struct Answer {
    /// HTTP status.
    pub status: u16,
    /// The body parsed as JSON (`Value::Null` when it is not JSON).
    pub body: Value,
    /// The raw body.
    pub text: String,
}

impl Answer {
    /// Panics unless the call succeeded; returns the body.
    pub fn ok(self) -> Value {
        assert!(self.status < 300, "expected success, got {}: {}", self.status, self.text);
        self.body
    }

    /// The error variant's name when the call failed (`"NotFound"`, `"SignInRequired"`...).
    pub fn error(&self) -> Option<String> {
        if self.status < 300 {
            return None;
        }
        match &self.body {
            Value::String(s) => Some(s.clone()),
            Value::Object(m) => m.keys().next().cloned(),
            _ => Some(format!("HTTP {}", self.status)),
        }
    }
}

impl Browser {
    /// A fresh browser with no session, talking to `base_url`.
    pub fn new(base_url: &str) -> Self {
        Browser { http: super::client(), base_url: base_url.to_string(), cookie: None, last_set_cookie: None }
    }

    fn absorb(&mut self, res: &reqwest::Response) {
        for value in res.headers().get_all("set-cookie") {
            let Ok(text) = value.to_str() else { continue };
            let pair = text.split(';').next().unwrap_or_default().trim();
            if let Some((name, v)) = pair.split_once('=') {
                if name == "__Host-roundtable" {
                    self.last_set_cookie = Some(text.to_string());
                    self.cookie = if v.is_empty() { None } else { Some(pair.to_string()) };
                }
            }
        }
    }

    fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let mut req = self.http.request(method, format!("{}{}", self.base_url, path)).header("origin", ORIGIN).header("x-roundtable-request", "1");
        if let Some(c) = &self.cookie {
            req = req.header("cookie", c);
        }
        req
    }

    async fn finish(&mut self, res: reqwest::Response) -> Answer {
        self.absorb(&res);
        let status = res.status().as_u16();
        let text = res.text().await.unwrap_or_default();
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Answer { status, body, text }
    }

    /// GET a page or endpoint.
    pub async fn get(&mut self, path: &str) -> Answer {
        let res = self.request(reqwest::Method::GET, path).send().await.unwrap_or_else(|e| panic!("GET {path}: {e}"));
        self.finish(res).await
    }

    /// GET a stream and keep it open: the response, its body unread, for as long as it is held.
    pub async fn open_stream(&mut self, path: &str) -> reqwest::Response {
        let res = self.request(reqwest::Method::GET, path).send().await.unwrap_or_else(|e| panic!("GET {path}: {e}"));
        self.absorb(&res);
        res
    }

    /// GET without reading the body (a stream that does not end): status and content type.
    pub async fn status_of(&mut self, path: &str) -> (u16, String) {
        let res = self.request(reqwest::Method::GET, path).send().await.unwrap_or_else(|e| panic!("GET {path}: {e}"));
        self.absorb(&res);
        let kind = res.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
        (res.status().as_u16(), kind)
    }

    /// GET a file: status, content type and raw bytes.
    pub async fn download(&mut self, path: &str) -> (u16, String, Vec<u8>) {
        let res = self.request(reqwest::Method::GET, path).send().await.unwrap_or_else(|e| panic!("GET {path}: {e}"));
        self.absorb(&res);
        let status = res.status().as_u16();
        let kind = res.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
        (status, kind, res.bytes().await.map(|b| b.to_vec()).unwrap_or_default())
    }

    /// Calls a server function with form-encoded arguments (`/api/...`).
    pub async fn call(&mut self, path: &str, args: &[(&str, &str)]) -> Answer {
        let res = self.request(reqwest::Method::POST, path).form(args).send().await.unwrap_or_else(|e| panic!("POST {path}: {e}"));
        self.finish(res).await
    }

    /// Calls a server function that takes JSON (`input = Json`).
    pub async fn call_json(&mut self, path: &str, body: &Value) -> Answer {
        let res = self.request(reqwest::Method::POST, path).json(body).send().await.unwrap_or_else(|e| panic!("POST {path}: {e}"));
        self.finish(res).await
    }

    /// Enrols a new passkey with an enrolment secret (the part after `#` in the link).
    pub async fn enrol(&mut self, secret: &str) -> SoftPasskey {
        let ceremony = self.call("/api/auth/begin-enrolment", &[("token", secret)]).await.ok();
        let (passkey, credential) = SoftPasskey::register(ceremony["options_json"].as_str().unwrap_or_default());
        self.call(
            "/api/auth/finish-enrolment",
            &[
                ("token", secret),
                ("ceremony_id", ceremony["id"].as_str().unwrap_or_default()),
                ("credential_json", &credential),
                ("passkey_name", "Test passkey"),
            ],
        )
        .await
        .ok();
        passkey
    }

    /// Who the server thinks is signed in: their name, or `None`.
    pub async fn who_am_i(&mut self) -> Option<String> {
        let body = self.call("/api/auth/who-am-i", &[]).await.ok();
        body["name"].as_str().map(str::to_string)
    }

    /// A client with the same session cookie but its own identity (a stolen or copied cookie).
    pub fn clone_session(&self) -> Browser {
        Browser { http: super::client(), base_url: self.base_url.clone(), cookie: self.cookie.clone(), last_set_cookie: None }
    }

    /// Signs in with `passkey`; returns the server's answer to the finishing call.
    pub async fn sign_in(&mut self, passkey: &mut SoftPasskey) -> Answer {
        let ceremony = self.call("/api/auth/begin-sign-in", &[]).await.ok();
        let credential = passkey.assert(ceremony["options_json"].as_str().unwrap_or_default());
        self.call("/api/auth/finish-sign-in", &[("ceremony_id", ceremony["id"].as_str().unwrap_or_default()), ("credential_json", &credential)]).await
    }

    /// Proves presence again with `passkey` (needed before sensitive actions).
    pub async fn reauthenticate(&mut self, passkey: &mut SoftPasskey) {
        let ceremony = self.call("/api/auth/begin-reauthentication", &[]).await.ok();
        let credential = passkey.assert(ceremony["options_json"].as_str().unwrap_or_default());
        self.call(
            "/api/auth/finish-reauthentication",
            &[("ceremony_id", ceremony["id"].as_str().unwrap_or_default()), ("credential_json", &credential)],
        )
        .await
        .ok();
    }
}

/// The secret of an enrolment link printed by the server (`.../enrol#SECRET`).
pub fn secret_of(link: &str) -> String {
    link.split_once("/enrol#").map(|(_, s)| s.trim().to_string()).unwrap_or_else(|| panic!("not an enrolment link: {link}"))
}
