//! The page frame: skip link, protective marking, header, footer.

use leptos::prelude::*;
use shared::marking::PROTECTIVE_MARKING;

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

/// Wraps every page.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    view! {
        <a href="#main-content" class="rt-skip-link">"Skip to main content"</a>
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
    }
}
