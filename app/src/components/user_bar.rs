//! The signed-in person's name, agency, account link and sign-out button, in the header.

use leptos::prelude::*;

use crate::api::auth::who_am_i;

/// Shows who is signed in, or a sign-in link.
#[component]
pub fn UserBar() -> impl IntoView {
    let me = Resource::new(|| (), |_| who_am_i());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match me.await {
                    Ok(Some(me)) => view! {
                        <div class="rt-header__user">
                            <span class="rt-header__user-name">{me.name}</span>
                            {me.agency_name.map(|a| view! { <span class="rt-header__user-agency">{a}</span> })}
                            <a class="rt-header__link" href="/account">"Your account"</a>
                            <form method="post" action="/api/auth/sign-out" class="rt-header__sign-out">
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
