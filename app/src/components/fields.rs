//! Form fields in the GOV.UK pattern: label, optional hint, an error message beside the field
//! when it has a problem, and `aria-describedby` tying them together. Inputs are uncontrolled:
//! handlers read the submitted values with [`FormValues`].

use leptos::prelude::*;

use crate::error::AppError;

/// The values of a submitted form, by field name.
pub struct FormValues(Vec<(String, String)>, Option<leptos::web_sys::HtmlFormElement>);

impl FormValues {
    /// Reads the form that raised `ev`.
    pub fn from_event(ev: &leptos::ev::SubmitEvent) -> Self {
        use leptos::wasm_bindgen::JsCast;
        let mut pairs = Vec::new();
        let form = ev.target().and_then(|t| t.dyn_into::<leptos::web_sys::HtmlFormElement>().ok());
        if let Some(data) = form.as_ref().and_then(|f| leptos::web_sys::FormData::new_with_form(f).ok()) {
            if let Ok(Some(iter)) = js_sys_entries(&data) {
                pairs = iter;
            }
        }
        Self(pairs, form)
    }

    /// A function that empties the form (after it was saved).
    pub fn resetter(&self) -> impl FnOnce() + 'static {
        let form = self.1.clone();
        move || {
            if let Some(form) = form {
                form.reset();
            }
        }
    }

    /// The value of one field ("" when absent).
    pub fn get(&self, name: &str) -> String {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default()
    }

    /// Every value of a repeated field (checkboxes).
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0.iter().filter(|(k, _)| k == name).map(|(_, v)| v.clone()).collect()
    }
}

fn js_sys_entries(data: &leptos::web_sys::FormData) -> Result<Option<Vec<(String, String)>>, leptos::wasm_bindgen::JsValue> {
    use leptos::wasm_bindgen::JsCast;
    let iterator = leptos::web_sys::js_sys::try_iter(data)?;
    let Some(iterator) = iterator else {
        return Ok(None);
    };
    let mut pairs = Vec::new();
    for entry in iterator {
        let entry: leptos::web_sys::js_sys::Array = entry?.dyn_into()?;
        if let (Some(k), Some(v)) = (entry.get(0).as_string(), entry.get(1).as_string()) {
            pairs.push((k, v));
        }
    }
    Ok(Some(pairs))
}

/// The message for field `name` in `error`, if it has one.
pub(crate) fn field_error(error: RwSignal<Option<AppError>>, name: impl Into<String>) -> Memo<Option<String>> {
    let name = name.into();
    Memo::new(move |_| error.with(|e| e.as_ref().and_then(|e| e.for_field(&name))))
}

/// The `aria-describedby` of a field with an optional hint and error message.
pub(crate) fn described_by(name: &str, hint: bool, has_error: bool) -> Option<String> {
    let mut ids = Vec::new();
    if hint {
        ids.push(format!("{name}-hint"));
    }
    if has_error {
        ids.push(format!("{name}-error"));
    }
    (!ids.is_empty()).then(|| ids.join(" "))
}

/// The error message shown above a field.
#[component]
pub(crate) fn Message(#[prop(into)] name: String, message: Memo<Option<String>>) -> impl IntoView {
    move || {
        message.get().map(|m| {
            view! { <p class="rt-error-message" id=format!("{name}-error")><span class="rt-visually-hidden">"Error: "</span>{m}</p> }
        })
    }
}

/// A one-line text input.
#[component]
pub fn TextField(
    name: &'static str,
    label: &'static str,
    error: RwSignal<Option<AppError>>,
    #[prop(optional, into)] value: String,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(default = "rt-input--width-20")] width: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(default = 200)] maxlength: usize,
) -> impl IntoView {
    let message = field_error(error, name);
    view! {
        <div class="rt-form-group" class:rt-form-group--error=move || message.with(Option::is_some)>
            <label class="rt-label" for=name>{label}</label>
            {hint.map(|h| view! { <div class="rt-hint" id=format!("{name}-hint")>{h}</div> })}
            <Message name message />
            <input class=format!("rt-input {width}") class:rt-input--error=move || message.with(Option::is_some)
                id=name name=name type=input_type value=value maxlength=maxlength
                autocomplete=autocomplete.unwrap_or("off")
                aria-describedby=move || described_by(name, hint.is_some(), message.with(Option::is_some)) />
        </div>
    }
}

/// A multi-line text input.
#[component]
pub fn TextArea(
    name: &'static str,
    label: &'static str,
    error: RwSignal<Option<AppError>>,
    #[prop(optional, into)] value: String,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(default = 8)] rows: u32,
    /// Keeps the text in a signal, so the page can fill it in (an amendment starts from the
    /// current text); otherwise the field is uncontrolled and starts with `value`.
    #[prop(optional)]
    bound: Option<RwSignal<String>>,
) -> impl IntoView {
    let message = field_error(error, name);
    let invalid = move || message.with(Option::is_some);
    let described = move || described_by(name, hint.is_some(), message.with(Option::is_some));
    let field = match bound {
        Some(text) => view! {
            <textarea class="rt-textarea" class:rt-input--error=invalid id=name name=name rows=rows aria-describedby=described
                prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))></textarea>
        }
        .into_any(),
        None => view! {
            <textarea class="rt-textarea" class:rt-input--error=invalid id=name name=name rows=rows aria-describedby=described>{value}</textarea>
        }
        .into_any(),
    };
    view! {
        <div class="rt-form-group" class:rt-form-group--error=invalid>
            <label class="rt-label" for=name>{label}</label>
            {hint.map(|h| view! { <div class="rt-hint" id=format!("{name}-hint")>{h}</div> })}
            <Message name message />
            {field}
        </div>
    }
}

/// A drop-down choice. `options` are (value, label) pairs.
#[component]
pub fn SelectField(
    name: &'static str,
    label: &'static str,
    error: RwSignal<Option<AppError>>,
    options: Vec<(String, String)>,
    #[prop(optional, into)] selected: String,
    #[prop(optional)] hint: Option<&'static str>,
) -> impl IntoView {
    let message = field_error(error, name);
    view! {
        <div class="rt-form-group" class:rt-form-group--error=move || message.with(Option::is_some)>
            <label class="rt-label" for=name>{label}</label>
            {hint.map(|h| view! { <div class="rt-hint" id=format!("{name}-hint")>{h}</div> })}
            <Message name message />
            <select class="rt-select" id=name name=name
                aria-describedby=move || described_by(name, hint.is_some(), message.with(Option::is_some))>
                {options.into_iter().map(|(value, text)| {
                    let is_selected = value == selected;
                    view! { <option value=value selected=is_selected>{text}</option> }
                }).collect_view()}
            </select>
        </div>
    }
}

/// A group of checkboxes sharing one name. `options` are (value, label) pairs.
#[component]
pub fn Checkboxes(
    name: &'static str,
    legend: &'static str,
    error: RwSignal<Option<AppError>>,
    options: Vec<(String, String)>,
    #[prop(optional)] checked: Vec<String>,
    #[prop(optional)] hint: Option<&'static str>,
) -> impl IntoView {
    let message = field_error(error, name);
    view! {
        <div class="rt-form-group" class:rt-form-group--error=move || message.with(Option::is_some)>
            <fieldset class="rt-fieldset" aria-describedby=move || described_by(name, hint.is_some(), message.with(Option::is_some))>
                <legend class="rt-fieldset__legend">{legend}</legend>
                {hint.map(|h| view! { <div class="rt-hint" id=format!("{name}-hint")>{h}</div> })}
                <Message name message />
                <div class="rt-checkboxes" id=name>
                    {options.into_iter().enumerate().map(|(i, (value, text))| {
                        let id = format!("{name}-{i}");
                        let is_checked = checked.contains(&value);
                        view! {
                            <div class="rt-checkboxes__item">
                                <input class="rt-checkboxes__input" type="checkbox" id=id.clone() name=name value=value checked=is_checked />
                                <label class="rt-label rt-checkboxes__label" for=id>{text}</label>
                            </div>
                        }
                    }).collect_view()}
                </div>
            </fieldset>
        </div>
    }
}
