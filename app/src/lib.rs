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

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{ParamSegment, StaticSegment};

use crate::layout::Layout;
use crate::pages::admin::{
    agencies::AgenciesPage, agency::AgencyPage, isa::IsaPage, people::PeoplePage, person::PersonPage, sessions::SessionsPage, AdminHome,
};
use crate::pages::cases::{record::CasePage, CasesPage};
use crate::pages::copies::CopyPage;
use crate::pages::meetings::{
    actions::ActionsPage, case::MeetingCasePage, distribution::DistributionPage, meeting::MeetingPage, research::ResearchPage, MeetingsPage,
};
use crate::pages::referrals::{form::ReferralPage, triage::TriagePage, triage_one::TriageOnePage, ReferralsPage};
use crate::pages::retention::RetentionPage;
use crate::pages::statistics::StatisticsPage;
use crate::pages::subject_access::{SubjectAccessPage, SubjectRequestPage};
use crate::pages::{account::AccountPage, audit::AuditPage, enrol::EnrolPage, home::HomePage, not_found::NotFound, sign_in::SignInPage};

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
                    <Route path=StaticSegment("account") view=AccountPage />
                    <Route path=StaticSegment("admin") view=AdminHome />
                    <Route path=(StaticSegment("admin"), StaticSegment("agencies")) view=AgenciesPage />
                    <Route path=(StaticSegment("admin"), StaticSegment("agencies"), ParamSegment("id")) view=AgencyPage />
                    <Route path=(StaticSegment("admin"), StaticSegment("isa")) view=IsaPage />
                    <Route path=(StaticSegment("admin"), StaticSegment("people")) view=PeoplePage />
                    <Route path=(StaticSegment("admin"), StaticSegment("people"), ParamSegment("id")) view=PersonPage />
                    <Route path=(StaticSegment("admin"), StaticSegment("sessions")) view=SessionsPage />
                    <Route path=StaticSegment("audit") view=AuditPage />
                    <Route path=StaticSegment("referrals") view=ReferralsPage />
                    <Route path=(StaticSegment("referrals"), ParamSegment("id")) view=ReferralPage />
                    <Route path=StaticSegment("triage") view=TriagePage />
                    <Route path=(StaticSegment("triage"), ParamSegment("id")) view=TriageOnePage />
                    <Route path=StaticSegment("cases") view=CasesPage />
                    <Route path=(StaticSegment("cases"), ParamSegment("id")) view=CasePage />
                    <Route path=StaticSegment("meetings") view=MeetingsPage />
                    <Route path=(StaticSegment("meetings"), ParamSegment("id")) view=MeetingPage />
                    <Route path=(StaticSegment("meetings"), ParamSegment("id"), StaticSegment("cases"), ParamSegment("case")) view=MeetingCasePage />
                    <Route path=(StaticSegment("meetings"), ParamSegment("id"), StaticSegment("distribution")) view=DistributionPage />
                    <Route path=(StaticSegment("meetings"), ParamSegment("id"), StaticSegment("research")) view=ResearchPage />
                    <Route path=(StaticSegment("copies"), ParamSegment("id")) view=CopyPage />
                    <Route path=StaticSegment("actions") view=ActionsPage />
                    <Route path=StaticSegment("statistics") view=StatisticsPage />
                    <Route path=StaticSegment("subject-access") view=SubjectAccessPage />
                    <Route path=(StaticSegment("subject-access"), ParamSegment("id")) view=SubjectRequestPage />
                    <Route path=StaticSegment("retention") view=RetentionPage />
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
    leptos::mount::hydrate_body(App);
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
