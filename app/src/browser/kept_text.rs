//! Keeps what a person typed on a page in this browser tab (`sessionStorage`) when their session
//! ends, and puts it back when they return to the page signed in as the same person.
//!
//! Nothing is kept while the session is live, and what is kept goes as soon as it is put back;
//! `sessionStorage` belongs to this tab alone and is cleared when the tab closes.

/// The fields whose values are kept: text that was typed, and choices from lists.
#[cfg(feature = "hydrate")]
const FIELDS: &str = "main textarea[id], main select[id], main input[id]:not([type]), \
    main input[id][type=text], main input[id][type=date], main input[id][type=time], main input[id][type=email], \
    main input[id][type=number], main input[id][type=tel], main input[id][type=url], main input[id][type=search]";

#[cfg(feature = "hydrate")]
fn key(path: &str) -> String {
    format!("roundtable-kept-text:{path}")
}

#[cfg(feature = "hydrate")]
fn storage() -> Option<leptos::web_sys::Storage> {
    leptos::prelude::window().session_storage().ok().flatten()
}

#[cfg(feature = "hydrate")]
/// What was kept for one page.
#[derive(serde::Serialize, serde::Deserialize, Default)]
struct Kept {
    /// Whose it is (see `SessionTimes::user_key`).
    user: String,
    /// When it was kept (browser time, milliseconds).
    at: f64,
    /// Field id and value.
    fields: Vec<(String, String)>,
}

/// Keeps the non-empty fields of the page at `path` for `user`. Returns how many were kept.
#[cfg(feature = "hydrate")]
pub fn keep(path: &str, user: &str) -> usize {
    use leptos::wasm_bindgen::JsCast;
    let Ok(nodes) = leptos::prelude::document().query_selector_all(FIELDS) else { return 0 };
    let mut fields = Vec::new();
    for i in 0..nodes.length() {
        let Some(node) = nodes.item(i) else { continue };
        let (id, value) = if let Some(t) = node.dyn_ref::<leptos::web_sys::HtmlTextAreaElement>() {
            (t.id(), t.value())
        } else if let Some(s) = node.dyn_ref::<leptos::web_sys::HtmlSelectElement>() {
            (s.id(), s.value())
        } else if let Some(input) = node.dyn_ref::<leptos::web_sys::HtmlInputElement>() {
            (input.id(), input.value())
        } else {
            continue;
        };
        if !value.trim().is_empty() {
            fields.push((id, value));
        }
    }
    if fields.is_empty() {
        return 0;
    }
    let count = fields.len();
    let kept = Kept { user: user.to_string(), at: js_sys::Date::now(), fields };
    if let (Some(store), Ok(json)) = (storage(), serde_json::to_string(&kept)) {
        let _ = store.set_item(&key(path), &json);
    }
    count
}

/// Puts back into the page at `path` what was kept for `user` no longer than `max_age_ms` ago,
/// field by field as each appears (pages load their forms after their data), for up to
/// `wait_ms`. Calls `restored` with how many fields were put back, once there are some.
/// What was kept for someone else, or too long ago, is dropped unread.
#[cfg(feature = "hydrate")]
pub fn restore(path: &str, user: &str, max_age_ms: f64, wait_ms: u32, restored: impl Fn(usize) + 'static) {
    let Some(store) = storage() else { return };
    let key = key(path);
    let Some(kept) = store.get_item(&key).ok().flatten().and_then(|j| serde_json::from_str::<Kept>(&j).ok()) else { return };
    let _ = store.remove_item(&key);
    if kept.user != user || js_sys::Date::now() - kept.at > max_age_ms {
        return;
    }
    put_back(kept.fields, 0, wait_ms, 0, std::rc::Rc::new(restored));
}

#[cfg(feature = "hydrate")]
fn put_back(mut fields: Vec<(String, String)>, waited: u32, wait_ms: u32, done: usize, restored: std::rc::Rc<dyn Fn(usize)>) {
    use leptos::wasm_bindgen::JsCast;
    const STEP_MS: u32 = 200;
    let document = leptos::prelude::document();
    let mut now_done = done;
    fields.retain(|(id, value)| {
        let Some(el) = document.get_element_by_id(id) else { return true };
        let event = if let Some(t) = el.dyn_ref::<leptos::web_sys::HtmlTextAreaElement>() {
            t.set_value(value);
            "input"
        } else if let Some(s) = el.dyn_ref::<leptos::web_sys::HtmlSelectElement>() {
            s.set_value(value);
            "change"
        } else if let Some(input) = el.dyn_ref::<leptos::web_sys::HtmlInputElement>() {
            input.set_value(value);
            "input"
        } else {
            return false;
        };
        // Lets the page's own handlers (bound fields, autosave) see the value.
        let init = leptos::web_sys::EventInit::new();
        init.set_bubbles(true);
        if let Ok(ev) = leptos::web_sys::Event::new_with_event_init_dict(event, &init) {
            let _ = el.dispatch_event(&ev);
        }
        now_done += 1;
        false
    });
    if now_done > done {
        restored(now_done);
    }
    if !fields.is_empty() && waited < wait_ms {
        leptos::prelude::set_timeout(
            move || put_back(fields, waited + STEP_MS, wait_ms, now_done, restored),
            std::time::Duration::from_millis(u64::from(STEP_MS)),
        );
    }
}

/// On the server nothing is kept.
#[cfg(not(feature = "hydrate"))]
pub fn keep(_path: &str, _user: &str) -> usize {
    0
}

/// On the server nothing is put back.
#[cfg(not(feature = "hydrate"))]
pub fn restore(_path: &str, _user: &str, _max_age_ms: f64, _wait_ms: u32, _restored: impl Fn(usize) + 'static) {}
