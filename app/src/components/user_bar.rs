//! The signed-in person's name, agency, the areas they may open, their account and sign-out, in
//! the header. Below 640 pixels wide these fold into a "Menu" disclosure (`<details>`), which
//! works with the keyboard and without JavaScript.

use leptos::prelude::*;

use crate::api::auth::{sign_out, who_am_i, SignedInUser};
use crate::components::session_watch::{use_session, Phase};
use crate::components::sign_in_link::sign_in_href;
use crate::components::submit_task::load_page;

/// Shows who is signed in, or a sign-in link (also once the session has ended on this page).
#[component]
pub fn UserBar() -> impl IntoView {
    let me = Resource::new(|| (), |_| who_am_i());
    let session = use_session();
    let ended = move || session.is_some_and(|s| s.phase.get() == Phase::Ended);
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match me.await {
                    Ok(Some(me)) if !ended() => view! { <SignedIn me /> }.into_any(),
                    _ => view! {
                        <div class="rt-header__user rt-header__user--signed-out">
                            <a class="rt-header__link" href=sign_in_href()>"Sign in"</a>
                        </div>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The same links twice: a row for wide screens and a menu for narrow ones. Only one of them is
/// displayed (the other is `display: none`, so neither screen readers nor the keyboard meet it).
#[component]
fn SignedIn(me: SignedInUser) -> impl IntoView {
    // End the session, then load the start page afresh so no signed-in state lingers. (The
    // server refuses a plain form post to `/api/` without the client's request header.)
    let on_sign_out = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        leptos::task::spawn_local(async move {
            let _ = sign_out().await;
            load_page("/?signed-out=1");
        });
    };
    let links = move |me: &SignedInUser| {
        view! {
            <ul class="rt-header__links">
                {me.areas.iter().cloned().map(|(href, label)| view! { <li><a class="rt-header__link" href=href>{label}</a></li> }).collect_view()}
                <li><a class="rt-header__link" href="/account">"Your account"</a></li>
                <li>
                    <form method="post" action="/api/auth/sign-out" class="rt-header__sign-out" on:submit=on_sign_out>
                        <button type="submit" class="rt-header__button">"Sign out"</button>
                    </form>
                </li>
            </ul>
        }
    };
    let who = move |me: &SignedInUser| {
        view! {
            <span class="rt-header__user-name">{me.name.clone()}</span>
            {me.agency_name.clone().map(|a| view! { <span class="rt-header__user-agency">{a}</span> })}
        }
    };
    view! {
        <nav class="rt-header__user rt-header__user--wide" aria-label="Your areas">
            {who(&me)}
            {links(&me)}
        </nav>
        <details class="rt-header__menu">
            <summary class="rt-header__menu-button">"Menu"</summary>
            <nav class="rt-header__menu-panel" aria-label="Your areas">
                <p class="rt-header__menu-who">{who(&me)}</p>
                {links(&me)}
            </nav>
        </details>
    }
}
