//! A JSON request to a server function that the browser finishes even when the page is being
//! left (`fetch` with `keepalive`), for saving what was typed as the page goes away.

/// Posts `body` (JSON) to `url`; the answer is not awaited.
#[cfg(feature = "hydrate")]
pub fn post_json(url: &str, body: &str) {
    use js_sys::{Function, Object, Reflect};
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::{JsCast, JsValue};

    use crate::api::client::REQUEST_HEADER;

    let set = |target: &Object, key: &str, value: &JsValue| {
        let _ = Reflect::set(target, &JsValue::from_str(key), value);
    };
    let headers = Object::new();
    set(&headers, "content-type", &JsValue::from_str("application/json"));
    set(&headers, "accept", &JsValue::from_str("application/json"));
    set(&headers, REQUEST_HEADER, &JsValue::from_str("1"));
    let init = Object::new();
    set(&init, "method", &JsValue::from_str("POST"));
    set(&init, "keepalive", &JsValue::TRUE);
    set(&init, "credentials", &JsValue::from_str("same-origin"));
    set(&init, "headers", &headers);
    set(&init, "body", &JsValue::from_str(body));
    let global: JsValue = js_sys::global().into();
    if let Some(fetch) = Reflect::get(&global, &JsValue::from_str("fetch")).ok().and_then(|f| f.dyn_into::<Function>().ok()) {
        // A failure (offline, the page already gone) is ignored: the text stays marked unsaved
        // and is saved again if the page comes back.
        if let Ok(promise) = fetch.call2(&global, &JsValue::from_str(url), &init) {
            if let Ok(promise) = promise.dyn_into::<js_sys::Promise>() {
                let ignore = Closure::<dyn FnMut(JsValue)>::new(|_| {});
                let _ = promise.catch(&ignore);
                ignore.forget();
            }
        }
    }
}

/// On the server there is no page to leave.
#[cfg(not(feature = "hydrate"))]
pub fn post_json(_url: &str, _body: &str) {}
