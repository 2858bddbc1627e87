//! The page frame: skip link, protective marking, header, footer, and the session warning.

use leptos::prelude::*;
use shared::marking::PROTECTIVE_MARKING;

use crate::components::session_watch::{KeptTextNotice, SessionWatch};
use crate::components::table_labels::label_tables_as_they_appear;
use crate::components::user_bar::UserBar;

/// The protective-marking banner shown at the top and bottom of every page.
#[component]
pub fn MarkingBanner(#[prop(optional)] bottom: bool) -> impl IntoView {
    let class = if bottom { "rt-marking rt-marking--bottom" } else { "rt-marking" };
    view! {
        <div class=class role="note" aria-label="Protective marking">
            {PROTECTIVE_MARKING}
        </div>
    }
}

/// Moves focus to the main content, as following the skip link does without JavaScript (the
/// router handles the click itself, and would only scroll).
fn skip_to_main(ev: leptos::ev::MouseEvent) {
    use leptos::wasm_bindgen::JsCast;
    let Some(main) = document().get_element_by_id("main-content") else { return };
    ev.prevent_default();
    if let Ok(main) = main.dyn_into::<leptos::web_sys::HtmlElement>() {
        let _ = main.focus();
        main.scroll_into_view();
    }
}

/// Wraps every page.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    Effect::new(|_| label_tables_as_they_appear());
    view! {
        <SessionWatch>
            <a href="#main-content" class="rt-skip-link" on:click=skip_to_main>"Skip to main content"</a>
            <MarkingBanner />
            <header class="rt-header">
                <div class="rt-header__inner rt-width-container">
                    <a href="/" class="rt-header__brand">"Roundtable"</a>
                    <span class="rt-header__tagline">"Multi-agency risk assessment conferences"</span>
                    <UserBar />
                </div>
            </header>
            <div class="rt-width-container">
                <main class="rt-main" id="main-content" tabindex="-1">
                    <KeptTextNotice />
                    {children()}
                </main>
            </div>
            <footer class="rt-footer">
                <div class="rt-width-container">
                    <p class="rt-body-s">
                        "Roundtable holds information shared under the MARAC Information Sharing Agreement. "
                        "Use it only for the purpose it was shared for, and do not copy or pass it on."
                    </p>
                </div>
            </footer>
            <MarkingBanner bottom=true />
        </SessionWatch>
    }
}
