//! Controlled form fields bound to part of a signal, for long forms that save as one types
//! (the referral). Same GOV.UK pattern as [`super::fields`]: label, hint, error beside the field.

use leptos::prelude::*;

use super::fields::{described_by, field_error, Message};
use crate::error::AppError;

/// A value and how to change it: `bind!(form.victim.name)` in a page.
pub type Bound<T> = (Signal<T>, Callback<T>);

/// Binds a field of a struct held in an `RwSignal`: `bind!(form.victim.name)`.
#[macro_export]
macro_rules! bind {
    ($form:ident . $($path:ident).+) => {
        (
            ::leptos::prelude::Signal::derive(move || $form.with(|f| f.$($path).+.clone())),
            ::leptos::prelude::Callback::new(move |v| $form.update(|f| f.$($path).+ = v)),
        )
    };
    ($form:ident . $list:ident [$i:expr] . $field:ident) => {
        (
            ::leptos::prelude::Signal::derive(move || $form.with(|f| f.$list.get($i).map(|x| x.$field.clone()).unwrap_or_default())),
            ::leptos::prelude::Callback::new(move |v| $form.update(|f| if let Some(x) = f.$list.get_mut($i) { x.$field = v })),
        )
    };
}

/// A text input or text area.
#[component]
pub fn BoundText(
    #[prop(into)] id: String,
    #[prop(into)] label: String,
    bind: Bound<String>,
    error: RwSignal<Option<AppError>>,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(default = "rt-input--width-20")] width: &'static str,
    #[prop(default = 0)] rows: u32,
    #[prop(optional)] autocomplete: Option<&'static str>,
) -> impl IntoView {
    let (value, set) = bind;
    let message = field_error(error, id.clone());
    let has_error = move || message.with(Option::is_some);
    let described = {
        let id = id.clone();
        move || described_by(&id, hint.is_some(), message.with(Option::is_some))
    };
    let on_input = move |ev| set.run(event_target_value(&ev));
    let control = if rows > 0 {
        view! {
            <textarea class="rt-textarea" class:rt-input--error=has_error id=id.clone() name=id.clone() rows=rows
                prop:value=move || value.get() on:input=on_input aria-describedby=described.clone()></textarea>
        }
        .into_any()
    } else {
        view! {
            <input class=format!("rt-input {width}") class:rt-input--error=has_error id=id.clone() name=id.clone() type=input_type
                autocomplete=autocomplete.unwrap_or("off") prop:value=move || value.get() on:input=on_input aria-describedby=described.clone() />
        }
        .into_any()
    };
    view! {
        <div class="rt-form-group" class:rt-form-group--error=has_error>
            <label class="rt-label" for=id.clone()>{label}</label>
            {hint.map(|h| view! { <div class="rt-hint" id=format!("{id}-hint")>{h}</div> })}
            <Message name=id.clone() message />
            {control}
        </div>
    }
}

/// A single checkbox.
#[component]
pub fn BoundCheckbox(
    #[prop(into)] id: String,
    #[prop(into)] label: String,
    bind: Bound<bool>,
    #[prop(optional)] hint: Option<&'static str>,
) -> impl IntoView {
    let (value, set) = bind;
    view! {
        <div class="rt-form-group">
            <div class="rt-checkboxes__item">
                <input class="rt-checkboxes__input" type="checkbox" id=id.clone() name=id.clone()
                    prop:checked=move || value.get() on:change=move |ev| set.run(event_target_checked(&ev))
                    aria-describedby=hint.map(|_| format!("{id}-hint")) />
                <label class="rt-label rt-checkboxes__label" for=id.clone()>{label}</label>
            </div>
            {hint.map(|h| view! { <div class="rt-hint" id=format!("{id}-hint")>{h}</div> })}
        </div>
    }
}

/// Radio buttons; `options` are (value, label). The first button carries `id`, so an error
/// summary can link to the group.
#[component]
pub fn BoundRadios(
    #[prop(into)] id: String,
    #[prop(into)] legend: String,
    options: Vec<(String, String)>,
    bind: Bound<String>,
    error: RwSignal<Option<AppError>>,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(default = false)] inline: bool,
    #[prop(default = false)] small_legend: bool,
) -> impl IntoView {
    let (value, set) = bind;
    let message = field_error(error, id.clone());
    let described = {
        let id = id.clone();
        move || described_by(&id, hint.is_some(), message.with(Option::is_some))
    };
    view! {
        <div class="rt-form-group" class:rt-form-group--error=move || message.with(Option::is_some)>
            <fieldset class="rt-fieldset" aria-describedby=described>
                <legend class="rt-fieldset__legend" class:rt-label--s=small_legend>{legend}</legend>
                {hint.map(|h| view! { <div class="rt-hint" id=format!("{id}-hint")>{h}</div> })}
                <Message name=id.clone() message />
                <div class="rt-radios" class:rt-radios--inline=inline>
                    {options.into_iter().enumerate().map(|(i, (option, text))| {
                        let input_id = if i == 0 { id.clone() } else { format!("{id}-{i}") };
                        let checked_value = option.clone();
                        let chosen = option.clone();
                        view! {
                            <div class="rt-radios__item">
                                <input class="rt-radios__input" type="radio" id=input_id.clone() name=id.clone() value=option
                                    prop:checked=move || value.with(|v| *v == checked_value)
                                    on:change=move |_| set.run(chosen.clone()) />
                                <label class="rt-label rt-label--s" for=input_id>{text}</label>
                            </div>
                        }
                    }).collect_view()}
                </div>
            </fieldset>
        </div>
    }
}

/// A drop-down choice; `options` are (value, label), with "" meaning not recorded.
#[component]
pub fn BoundSelect(
    #[prop(into)] id: String,
    #[prop(into)] label: String,
    options: Vec<(String, String)>,
    bind: Bound<String>,
    error: RwSignal<Option<AppError>>,
) -> impl IntoView {
    let (value, set) = bind;
    let message = field_error(error, id.clone());
    let described = {
        let id = id.clone();
        move || described_by(&id, false, message.with(Option::is_some))
    };
    view! {
        <div class="rt-form-group" class:rt-form-group--error=move || message.with(Option::is_some)>
            <label class="rt-label" for=id.clone()>{label}</label>
            <Message name=id.clone() message />
            <select class="rt-select" id=id.clone() name=id.clone() aria-describedby=described on:change=move |ev| set.run(event_target_value(&ev))>
                {options.into_iter().map(|(option, text)| {
                    let chosen = option.clone();
                    view! { <option value=option prop:selected=move || value.with(|v| *v == chosen)>{text}</option> }
                }).collect_view()}
            </select>
        </div>
    }
}

/// Options for a closed list of answers, led by "Not recorded".
pub fn choice_options(list: &[shared::equality::Choice]) -> Vec<(String, String)> {
    std::iter::once((String::new(), "Not recorded".to_string())).chain(list.iter().map(|c| (c.code.to_string(), c.label.to_string()))).collect()
}
