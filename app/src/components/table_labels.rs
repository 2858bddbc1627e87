//! Labels each cell of a data table with its column's heading (`data-label`), which the style
//! sheet shows above the cell when a narrow screen stacks the table's rows as cards. Tables
//! that are rendered with their labels keep them; others get them as they appear.

/// Labels the tables on the page now and whenever the page changes.
#[cfg(feature = "hydrate")]
pub fn label_tables_as_they_appear() {
    use js_sys::{Array, Function, Object, Reflect};
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::{JsCast, JsValue};

    label_tables();
    let global: JsValue = js_sys::global().into();
    let Some(constructor) = Reflect::get(&global, &JsValue::from_str("MutationObserver")).ok().and_then(|c| c.dyn_into::<Function>().ok()) else {
        return;
    };
    let callback = Closure::<dyn FnMut()>::new(label_tables);
    let Ok(observer) = Reflect::construct(&constructor, &Array::of1(callback.as_ref())) else { return };
    let options = Object::new();
    let _ = Reflect::set(&options, &JsValue::from_str("childList"), &JsValue::TRUE);
    let _ = Reflect::set(&options, &JsValue::from_str("subtree"), &JsValue::TRUE);
    if let (Some(observe), Some(body)) =
        (Reflect::get(&observer, &JsValue::from_str("observe")).ok().and_then(|f| f.dyn_into::<Function>().ok()), leptos::prelude::document().body())
    {
        let _ = observe.call2(&observer, &body, &options);
    }
    // The observer lives as long as the page.
    callback.forget();
}

#[cfg(feature = "hydrate")]
fn label_tables() {
    use leptos::wasm_bindgen::JsCast;
    let document = leptos::prelude::document();
    let Ok(tables) = document.query_selector_all("table.rt-table") else { return };
    for t in 0..tables.length() {
        let Some(table) = tables.item(t).and_then(|n| n.dyn_into::<leptos::web_sys::Element>().ok()) else { continue };
        let Ok(heads) = table.query_selector_all(":scope > thead > tr > th") else { continue };
        let headings: Vec<String> =
            (0..heads.length()).map(|i| heads.item(i).and_then(|h| h.text_content()).unwrap_or_default().trim().to_string()).collect();
        let Ok(cells) = table.query_selector_all(":scope > tbody > tr > :is(td, th):not([data-label])") else { continue };
        for c in 0..cells.length() {
            let Some(cell) = cells.item(c).and_then(|n| n.dyn_into::<leptos::web_sys::Element>().ok()) else { continue };
            let column = cell.parent_element().map_or(0, |row| {
                let siblings = row.children();
                (0..siblings.length()).position(|i| siblings.item(i).as_ref() == Some(&cell)).unwrap_or(0)
            });
            match headings.get(column).filter(|h| !h.is_empty()) {
                Some(heading) => {
                    let _ = cell.set_attribute("data-label", heading);
                }
                None => {
                    let _ = cell.set_attribute("data-label", "");
                }
            }
        }
    }
}

/// On the server, tables carry the labels they were rendered with.
#[cfg(not(feature = "hydrate"))]
pub fn label_tables_as_they_appear() {}
