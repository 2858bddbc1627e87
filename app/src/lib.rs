//! Roundtable's user interface: Leptos pages, components and server functions.
//!
//! Rendered on the server (feature `ssr`) and hydrated in the browser (feature `hydrate`).

pub mod api;
#[cfg(feature = "ssr")]
pub mod backend;
pub mod browser;
pub mod components;
pub mod error;
pub mod layout;
pub mod pages;
pub mod routes;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{Lazy, ParamSegment, StaticSegment};

use crate::layout::Layout;
use crate::pages::not_found::NotFound;
use crate::pages::{enrol::EnrolPage, home::HomePage, sign_in::SignInPage};
use crate::routes::*;

/// The name of the `<meta>` that tells the browser the area's time zone (see [`area_time_zone`]).
pub const TIME_ZONE_META: &str = "roundtable-time-zone";

/// The HTML document around the app, rendered on the server only. It carries the area's time
/// zone (name and TZif data, in base64) so that the browser shows times as the server does.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let zone = shared::time_zone::area_zone();
    let tzif = zone.tzif().map(|data| {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(data)
    });
    view! {
        <!DOCTYPE html>
        <html lang="en-GB">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="robots" content="noindex, nofollow" />
                <link rel="icon" href="data:," />
                <meta name=TIME_ZONE_META content=zone.name().to_string() data-tzif=tzif />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The application: routes inside the page frame.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Runs only in the browser, once the page is interactive: lets styles and tests know.
    Effect::new(|_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
    view! {
        <Stylesheet id="roundtable" href="/pkg/roundtable.css" />
        <Title formatter=|text: String| format!("{text} – Roundtable") />
        <Router>
            <Layout>
                <Routes fallback=NotFound>
                    <Route path=StaticSegment("") view=HomePage />
                    <Route path=StaticSegment("enrol") view=EnrolPage />
                    <Route path=StaticSegment("sign-in") view=SignInPage />
                    <Route path=StaticSegment("account") view={Lazy::<AccountRoute>::new()} />
                    <Route path=StaticSegment("admin") view={Lazy::<AdminHomeRoute>::new()} />
                    <Route path=(StaticSegment("admin"), StaticSegment("agencies")) view={Lazy::<AgenciesRoute>::new()} />
                    <Route path=(StaticSegment("admin"), StaticSegment("agencies"), ParamSegment("id")) view={Lazy::<AgencyRoute>::new()} />
                    <Route path=(StaticSegment("admin"), StaticSegment("isa")) view={Lazy::<IsaRoute>::new()} />
                    <Route path=(StaticSegment("admin"), StaticSegment("people")) view={Lazy::<PeopleRoute>::new()} />
                    <Route path=(StaticSegment("admin"), StaticSegment("people"), ParamSegment("id")) view={Lazy::<PersonRoute>::new()} />
                    <Route path=(StaticSegment("admin"), StaticSegment("sessions")) view={Lazy::<SessionsRoute>::new()} />
                    <Route path=StaticSegment("audit") view={Lazy::<AuditRoute>::new()} />
                    <Route path=StaticSegment("referrals") view={Lazy::<ReferralsRoute>::new()} />
                    <Route path=(StaticSegment("referrals"), ParamSegment("id")) view={Lazy::<ReferralRoute>::new()} />
                    <Route path=StaticSegment("triage") view={Lazy::<TriageRoute>::new()} />
                    <Route path=(StaticSegment("triage"), ParamSegment("id")) view={Lazy::<TriageOneRoute>::new()} />
                    <Route path=StaticSegment("cases") view={Lazy::<CasesRoute>::new()} />
                    <Route path=(StaticSegment("cases"), ParamSegment("id")) view={Lazy::<CaseRoute>::new()} />
                    <Route path=StaticSegment("meetings") view={Lazy::<MeetingsRoute>::new()} />
                    <Route path=(StaticSegment("meetings"), ParamSegment("id")) view={Lazy::<MeetingRoute>::new()} />
                    <Route path=(StaticSegment("meetings"), ParamSegment("id"), StaticSegment("cases"), ParamSegment("case")) view={Lazy::<MeetingCaseRoute>::new()} />
                    <Route path=(StaticSegment("meetings"), ParamSegment("id"), StaticSegment("distribution")) view={Lazy::<DistributionRoute>::new()} />
                    <Route path=(StaticSegment("meetings"), ParamSegment("id"), StaticSegment("research")) view={Lazy::<ResearchRoute>::new()} />
                    <Route path=(StaticSegment("copies"), ParamSegment("id")) view={Lazy::<CopyRoute>::new()} />
                    <Route path=StaticSegment("actions") view={Lazy::<ActionsRoute>::new()} />
                    <Route path=StaticSegment("statistics") view={Lazy::<StatisticsRoute>::new()} />
                    <Route path=StaticSegment("subject-access") view={Lazy::<SubjectAccessRoute>::new()} />
                    <Route path=(StaticSegment("subject-access"), ParamSegment("id")) view={Lazy::<SubjectRequestRoute>::new()} />
                    <Route path=StaticSegment("retention") view={Lazy::<RetentionRoute>::new()} />
                </Routes>
            </Layout>
        </Router>
    }
}

/// Entry point of the wasm bundle: attaches the app to the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    if let Some(zone) = area_time_zone() {
        shared::time_zone::set_area_zone(zone);
    }
    leptos::mount::hydrate_lazy(App);
}

/// The area's time zone as the page's `<meta>` gives it.
#[cfg(feature = "hydrate")]
fn area_time_zone() -> Option<shared::time_zone::AreaZone> {
    use base64::Engine;
    let meta = document().query_selector(&format!("meta[name='{TIME_ZONE_META}']")).ok()??;
    let name = meta.get_attribute("content")?;
    let data = base64::engine::general_purpose::STANDARD.decode(meta.get_attribute("data-tzif")?).ok()?;
    shared::time_zone::AreaZone::from_tzif(&name, &data).ok()
}
