//! The signed-in person's name, agency, account link and sign-out button, in the header.

use leptos::prelude::*;

use crate::api::auth::{sign_out, who_am_i};
use crate::components::submit_task::load_page;

/// Shows who is signed in, or a sign-in link.
#[component]
pub fn UserBar() -> impl IntoView {
    let me = Resource::new(|| (), |_| who_am_i());
    // With JavaScript: end the session, then load the start page afresh so no signed-in state lingers.
    // Without it, the form posts and the server redirects.
    let on_sign_out = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        leptos::task::spawn_local(async move {
            let _ = sign_out().await;
            load_page("/?signed-out=1");
        });
    };
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match me.await {
                    Ok(Some(me)) => view! {
                        <div class="rt-header__user">
                            <span class="rt-header__user-name">{me.name}</span>
                            {me.agency_name.map(|a| view! { <span class="rt-header__user-agency">{a}</span> })}
                            {me.areas.into_iter().map(|(href, label)| view! { <a class="rt-header__link" href=href>{label}</a> }).collect_view()}
                            <a class="rt-header__link" href="/account">"Your account"</a>
                            <form method="post" action="/api/auth/sign-out" class="rt-header__sign-out" on:submit=on_sign_out>
                                <button type="submit" class="rt-header__button">"Sign out"</button>
                            </form>
                        </div>
                    }.into_any(),
                    _ => view! {
                        <div class="rt-header__user">
                            <a class="rt-header__link" href="/sign-in">"Sign in"</a>
                        </div>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}
