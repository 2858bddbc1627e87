//! Runs WebAuthn ceremonies in the browser with the JSON forms of the options and credentials.

use crate::error::AppError;

/// Creates a passkey from registration options (JSON); returns the credential as JSON.
pub async fn create_passkey(options_json: &str) -> Result<String, AppError> {
    imp::ceremony(options_json, "parseCreationOptionsFromJSON", "create").await.map_err(AppError::Invalid)
}

/// Uses a passkey with authentication options (JSON); returns the assertion as JSON.
pub async fn use_passkey(options_json: &str) -> Result<String, AppError> {
    imp::ceremony(options_json, "parseRequestOptionsFromJSON", "get").await.map_err(AppError::Invalid)
}

#[cfg(feature = "hydrate")]
mod imp {
    use js_sys::{Function, Object, Promise, Reflect, JSON};
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;

    const UNSUPPORTED: &str = "This browser cannot use passkeys. Use an up-to-date browser on a device that supports them.";

    fn get(target: &JsValue, key: &str) -> Result<JsValue, String> {
        Reflect::get(target, &JsValue::from_str(key)).map_err(|_| UNSUPPORTED.to_string())
    }

    fn function(target: &JsValue, key: &str) -> Result<Function, String> {
        get(target, key)?.dyn_into::<Function>().map_err(|_| UNSUPPORTED.to_string())
    }

    fn cancelled(err: JsValue) -> String {
        let name = Reflect::get(&err, &JsValue::from_str("name")).ok().and_then(|n| n.as_string()).unwrap_or_default();
        match name.as_str() {
            "NotAllowedError" => "The passkey request was cancelled or timed out. Try again.".into(),
            "InvalidStateError" => "This device already has a passkey for you. Use another device, or sign in with it.".into(),
            _ => "The passkey could not be used. Try again.".into(),
        }
    }

    pub async fn ceremony(options_json: &str, parser: &str, method: &str) -> Result<String, String> {
        let global: JsValue = js_sys::global().into();
        let pkc = get(&global, "PublicKeyCredential")?;
        let parsed = JSON::parse(options_json).map_err(|_| UNSUPPORTED.to_string())?;
        let public_key_json = get(&parsed, "publicKey")?;
        let options = function(&pkc, parser)?.call1(&pkc, &public_key_json).map_err(|_| UNSUPPORTED.to_string())?;
        let request = Object::new();
        Reflect::set(&request, &JsValue::from_str("publicKey"), &options).map_err(|_| UNSUPPORTED.to_string())?;
        let credentials = get(&get(&global, "navigator")?, "credentials")?;
        let promise: Promise =
            function(&credentials, method)?.call1(&credentials, &request).map_err(cancelled)?.dyn_into().map_err(|_| UNSUPPORTED.to_string())?;
        let credential = JsFuture::from(promise).await.map_err(cancelled)?;
        let json = function(&credential, "toJSON")?.call0(&credential).map_err(|_| UNSUPPORTED.to_string())?;
        JSON::stringify(&json).map(String::from).map_err(|_| UNSUPPORTED.to_string())
    }
}

#[cfg(not(feature = "hydrate"))]
mod imp {
    pub async fn ceremony(_options_json: &str, _parser: &str, _method: &str) -> Result<String, String> {
        Err("Passkeys need the page to be running in a browser.".into())
    }
}
