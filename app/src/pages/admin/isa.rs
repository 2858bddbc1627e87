//! The Information Sharing Agreement: its versions, and publishing a new one.

use leptos::prelude::*;
use leptos_meta::Title;
use shared::display::{day_of, iso_date};

use crate::api::admin::{admin_overview, publish_isa, IsaInput, IsaVersionView};
use crate::components::error_summary::ErrorSummary;
use crate::components::fields::{FormValues, TextArea, TextField};
use crate::components::loaded::{loaded, Notice};
use crate::components::pending_button::PendingButton;
use crate::components::submit_task::FormState;

/// "Information Sharing Agreement".
#[component]
pub fn IsaPage() -> impl IntoView {
    let reload = RwSignal::new(0u32);
    let notice = RwSignal::new(None::<String>);
    let overview = Resource::new(move || reload.get(), |_| admin_overview());
    view! {
        <Title text="Information Sharing Agreement" />
        <a class="rt-back-link" href="/admin">"Administration"</a>
        <h1 class="rt-heading-xl">"Information Sharing Agreement"</h1>
        <Notice message=notice />
        <Transition fallback=|| view! { <p class="rt-body">"Loading\u{2026}"</p> }>
            {move || Suspend::new(async move {
                loaded(overview.await, |o| view! {
                    {if o.isa_versions.is_empty() {
                        view! { <p class="rt-body">"No version has been published yet."</p> }.into_any()
                    } else {
                        o.isa_versions.into_iter().map(|v| view! { <IsaVersion version=v /> }).collect_view().into_any()
                    }}
                    {o.may_administer.then(|| view! { <PublishIsa reload notice /> })}
                }.into_any())
            })}
        </Transition>
    }
}

#[component]
fn IsaVersion(version: IsaVersionView) -> impl IntoView {
    let resign = version.resign_by.as_deref().map(|d| format!("Agencies must sign this version by {}.", iso_date(d)));
    view! {
        <details class="rt-details">
            <summary class="rt-details__summary">
                <span class="rt-details__summary-text">{version.label.clone()} " \u{2013} published " {day_of(version.published_at)}</span>
            </summary>
            <div class="rt-details__text">
                <p class="rt-body">{format!("{} agencies' latest signature is of this version.", version.signatories)} " " {resign}</p>
                <div class="rt-prose" inner_html=version.body_html.clone().into_string()></div>
                <h3 class="rt-heading-s">"Confidentiality statement read at each meeting"</h3>
                <p class="rt-body rt-inset-text">{version.confidentiality_statement.clone()}</p>
            </div>
        </details>
    }
}

#[component]
fn PublishIsa(reload: RwSignal<u32>, notice: RwSignal<Option<String>>) -> impl IntoView {
    let form = FormState::new();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let v = FormValues::from_event(&ev);
        let input = IsaInput {
            label: v.get("isa-label"),
            body_markdown: v.get("isa-body"),
            confidentiality_statement: v.get("isa-statement"),
            resign_by: v.get("isa-resign-by"),
        };
        let reset = v.resetter();
        form.submit(
            move || publish_isa(input.clone()),
            move |_| {
                reset();
                notice.set(Some("The new version was published.".into()));
                reload.update(|n| *n += 1);
                crate::components::submit_task::scroll_to_top();
            },
        );
    };
    view! {
        <h2 class="rt-heading-l">"Publish a new version"</h2>
        <ErrorSummary error=form.error />
        <form on:submit=on_submit novalidate>
            <TextField name="isa-label" label="Version label" hint="For example \u{201c}Version 4 (December 2026)\u{201d}." error=form.error maxlength=80 />
            <TextArea name="isa-body" label="The agreement" rows=14 error=form.error
                hint="Write in Markdown: # for headings, - for lists, *stars* for emphasis. HTML is shown as text." />
            <TextArea name="isa-statement" label="Confidentiality statement" rows=4 error=form.error
                hint="Read out and acknowledged by everyone attending a meeting." />
            <TextField name="isa-resign-by" label="Agencies must sign this version by (optional)" input_type="date" width="rt-input--width-10" error=form.error
                hint="Leave blank if agencies' existing signatures remain valid. After this date, agencies that have not signed this version lose access." />
            <PendingButton pending=form.pending label="Publish version" pending_label="Publishing\u{2026}" id="publish-isa" />
        </form>
    }
}
