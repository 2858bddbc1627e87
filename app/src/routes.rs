//! The routes of pages loaded lazily, by area: each area's pages are one wasm chunk (with the
//! chunks areas share), fetched when a page of the area is first shown, so the bundle every page
//! loads holds only the frame, the router, the start and sign-in pages and what all share.
//!
//! One split point per area, not per page: `wasm-split` cuts a chunk for every set of split
//! points that share code, so a split point per page left a meeting page needing 237 files.

use leptos::lazy;
use leptos::prelude::*;
use leptos_router::LazyRoute;

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
use crate::pages::{account::AccountPage, audit::AuditPage};

/// An area `$kind` of pages, rendered by the lazily loaded `$area`, and a route `$route` for
/// each of its pages.
macro_rules! area {
    ($(#[$doc:meta])* $area:ident, $preload:ident, $kind:ident { $($route:ident => $page:ident),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug)]
        pub enum $kind {
            $(
                #[doc = concat!("[`", stringify!($page), "`].")]
                $page,
            )*
        }

        #[lazy]
        fn $area(page: $kind) -> AnyView {
            match page {
                $($kind::$page => view! { <$page /> }.into_any(),)*
            }
        }

        $(
            #[doc = concat!("The route of [`", stringify!($page), "`].")]
            pub struct $route;

            impl LazyRoute for $route {
                fn data() -> Self {
                    $route
                }

                fn view(_this: Self) -> impl std::future::Future<Output = AnyView> {
                    $area($kind::$page)
                }

                async fn preload() {
                    #[cfg(target_arch = "wasm32")]
                    $preload().await;
                }
            }
        )*
    };
}

area! {
    /// A meeting day: the meetings, a meeting and its cases, research, distribution and actions.
    meeting_day, __preload_meeting_day, MeetingDay {
        MeetingsRoute => MeetingsPage,
        MeetingRoute => MeetingPage,
        MeetingCaseRoute => MeetingCasePage,
        ResearchRoute => ResearchPage,
        DistributionRoute => DistributionPage,
        CopyRoute => CopyPage,
        ActionsRoute => ActionsPage,
    }
}

area! {
    /// Casework between meetings: cases, referrals and triage.
    casework, __preload_casework, Casework {
        CasesRoute => CasesPage,
        CaseRoute => CasePage,
        ReferralsRoute => ReferralsPage,
        ReferralRoute => ReferralPage,
        TriageRoute => TriagePage,
        TriageOneRoute => TriageOnePage,
    }
}

area! {
    /// Administration, and a person's own account.
    administration, __preload_administration, Administration {
        AdminHomeRoute => AdminHome,
        AgenciesRoute => AgenciesPage,
        AgencyRoute => AgencyPage,
        IsaRoute => IsaPage,
        PeopleRoute => PeoplePage,
        PersonRoute => PersonPage,
        SessionsRoute => SessionsPage,
        AccountRoute => AccountPage,
    }
}

area! {
    /// The data protection officer's records: audit, retention, statistics, subject access.
    records, __preload_records, Records {
        AuditRoute => AuditPage,
        RetentionRoute => RetentionPage,
        StatisticsRoute => StatisticsPage,
        SubjectAccessRoute => SubjectAccessPage,
        SubjectRequestRoute => SubjectRequestPage,
    }
}
