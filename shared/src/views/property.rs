//! The property every route must have: for generated worlds (agencies of every ISA standing,
//! people with any roles, cases with any relations, a meeting in any phase, attendance per
//! item), what each route shows of a case is exactly the parts the policy grants in that
//! route's context, within the route's mask: nothing more, and nothing granted left out.
//!
//! Every field of every generated case holds a sentinel naming its case and part, so a part is
//! "shown" when one of its sentinels appears anywhere in what the route returns.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicUsize, Ordering};

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use super::actions::{action_view, ACTION_LIST};
use super::case::{case_hit, case_record, CASE_LIST, CASE_RECORD};
use super::meeting::{agenda_entry, meeting_case, AGENDA, LIVE_VIEW, MINUTES_COPY, RESEARCH_ITEM};
use crate::casefile::*;
use crate::dash::{DashAnswer, DashAnswers, DASH_2009};
use crate::identity::Role;
use crate::isa::SignatoryStatus;
use crate::meeting::{ActionStatus, EntryKind, MeetingStatus};
use crate::policy::exposure::{grant, CaseFacts, Context, Grant, Involvement, Seat, Standing};
use crate::policy::parts::{Part, Parts};
use crate::policy::Actor;
use crate::printed::{minutes_copy, MinutesRecord};

const MEETING: &str = "m-1";

/// A generated world.
#[derive(Clone, Debug)]
struct World {
    agencies: Vec<SignatoryStatus>,
    invited: Vec<bool>,
    status: MeetingStatus,
    cases: Vec<CaseWorld>,
    people: Vec<Person>,
    chair: Option<usize>,
}

#[derive(Clone, Debug)]
struct CaseWorld {
    restricted: bool,
    /// Per agency: referred, owns an action, known to us about, marked involved.
    facts: Vec<(bool, bool, BTreeSet<Involvement>, BTreeSet<Involvement>)>,
}

#[derive(Clone, Debug)]
struct Person {
    agency: usize,
    roles: Vec<Role>,
    acknowledged: bool,
    present: bool,
    /// Out of the room for case i.
    out: Vec<bool>,
}

fn involvements() -> impl Strategy<Value = BTreeSet<Involvement>> {
    prop::collection::btree_set(prop::sample::select(Involvement::ALL.to_vec()), 0..=2)
}

fn world() -> impl Strategy<Value = World> {
    (2usize..=5, 1usize..=4).prop_flat_map(|(agencies, cases)| {
        let statuses =
            [SignatoryStatus::Current, SignatoryStatus::Current, SignatoryStatus::Current, SignatoryStatus::Suspended, SignatoryStatus::Withdrawn];
        let facts = (prop::bool::weighted(0.25), prop::bool::weighted(0.25), involvements(), involvements());
        let case =
            (prop::bool::weighted(0.2), prop::collection::vec(facts, agencies)).prop_map(|(restricted, facts)| CaseWorld { restricted, facts });
        let person = (
            0..agencies,
            prop::sample::subsequence(Role::ALL.to_vec(), 1..=2),
            any::<bool>(),
            prop::bool::weighted(0.7),
            prop::collection::vec(prop::bool::weighted(0.25), cases),
        )
            .prop_map(|(agency, roles, acknowledged, present, out)| Person { agency, roles, acknowledged, present, out });
        let meeting_status = prop::sample::select(vec![
            MeetingStatus::Scheduled,
            MeetingStatus::AgendaPublished,
            MeetingStatus::InProgress,
            MeetingStatus::MinutesDraft,
            MeetingStatus::MinutesFinal,
        ]);
        (
            prop::collection::vec(prop::sample::select(statuses.to_vec()), agencies),
            prop::collection::vec(prop::bool::weighted(0.7), agencies),
            meeting_status,
            prop::collection::vec(case, cases),
            prop::collection::vec(person, 1..=6),
            prop::option::of(0usize..6),
        )
            .prop_map(|(agencies, invited, status, cases, people, chair)| World { agencies, invited, status, cases, people, chair })
    })
}

fn s(case: usize, what: &str) -> String {
    format!("S{case}-{what}")
}

/// A case whose every field holds a sentinel; research and an answer from each agency.
fn file(case: usize, world: &World) -> CaseFile {
    let agencies = world.agencies.len();
    let action = |k: usize, meeting: &str, owner: usize| ActionRecord {
        id: format!("x{case}-{k}"),
        meeting_id: meeting.into(),
        owner_agency_id: format!("a{owner}"),
        owner_agency: format!("Agency {owner}"),
        owner_person: Some(s(case, &format!("ACTION-PERSON-{k}"))),
        description: s(case, &format!("ACTION-{k}")),
        due_on: "2026-12-24".into(),
        status: ActionStatus::Open,
        overdue: false,
        version: 1,
        history: vec![s(case, &format!("ACTION-NOTE-{k}"))],
    };
    let mut dash = DashAnswers::blank();
    let _ = dash.set(1, DashAnswer::Yes);
    CaseFile {
        head: CaseHead {
            id: format!("c{case}"),
            reference: s(case, "REF"),
            status: crate::casefile::CaseStatus::Open,
            closed: None,
            restricted: world.cases[case].restricted,
        },
        victim: Some(VictimRecord {
            id: format!("v{case}"),
            name: s(case, "VICTIM-NAME"),
            other_names: vec![s(case, "VICTIM-NAME-OTHER")],
            date_of_birth: Some(s(case, "VICTIM-NAME-DOB")),
            address: Some(s(case, "VICTIM-ADDRESS")),
            safe_contact: Some(s(case, "SAFE-CONTACT")),
            safe_times: Some(s(case, "SAFE-CONTACT-TIMES")),
            gender: Some(s(case, "PROFILE-GENDER")),
            ethnicity: Some(s(case, "PROFILE-ETHNICITY")),
            disability: Some(s(case, "PROFILE-DISABILITY")),
            sexual_orientation: Some(s(case, "PROFILE-ORIENTATION")),
            first_language: Some(s(case, "PROFILE-LANGUAGE")),
            interpreter_needed: true,
        }),
        perpetrators: vec![PerpetratorRecord {
            name: s(case, "PERPETRATOR-NAME"),
            other_names: vec![s(case, "PERPETRATOR-NAME-OTHER")],
            date_of_birth: Some(s(case, "PERPETRATOR-NAME-DOB")),
            gender: None,
            relationship: s(case, "PERPETRATOR-NAME-RELATIONSHIP"),
            address: Some(s(case, "PERPADDRESS")),
        }],
        household: vec![HouseholdRecord {
            name: s(case, "HOUSEHOLD-NAME"),
            date_of_birth: Some(s(case, "HOUSEHOLD-DOB")),
            relationship: s(case, "HOUSEHOLD-RELATIONSHIP"),
            involvement: Some(s(case, "HOUSEHOLD-SCHOOL")),
        }],
        referral: Some(ReferralRecord {
            criteria: vec![s(case, "REFERRAL-CRITERIA")],
            repeat: true,
            dash_score: Some(1),
            dash_answers: Some(dash),
            police_callouts: Some(2),
            professional_judgement: Some(s(case, "REFERRAL-JUDGEMENT")),
            latest_incident_on: s(case, "REFERRAL-INCIDENT"),
            summary_markdown: s(case, "REFERRAL-SUMMARY"),
            consent: s(case, "CONSENT"),
            consent_reason: Some(s(case, "CONSENT-REASON")),
            referrer_name: s(case, "CONSENT-REFERRER"),
            referrer_agency: s(case, "CONSENT-AGENCY"),
        }),
        agencies: vec![InvolvementRecord { agency_id: "a0".into(), agency_name: s(case, "AGENCIES-NAME"), involvement: Involvement::Victim }],
        idva: Some(s(case, "AGENCIES-IDVA")),
        history: vec![HistoryItem {
            reference: s(case, "HISTORY-REF"),
            referred_on: "2026-01-01".into(),
            agency_name: s(case, "HISTORY-AGENCY"),
            repeat: false,
        }],
        hearings: vec!["2026-01-20".into()],
        upcoming: vec![],
        actions: vec![action(0, MEETING, 0), action(1, "m-earlier", 1 % agencies)],
        meeting: Some(MeetingRecord {
            meeting_id: MEETING.into(),
            research: (0..agencies)
                .map(|a| EntryRecord {
                    id: format!("r{case}-{a}"),
                    kind: EntryKind::Fact,
                    body: s(case, &format!("RESEARCH-A{a}")),
                    agency_id: format!("a{a}"),
                    source: format!("Agency {a}"),
                    version: 0,
                })
                .collect(),
            answers: (0..agencies)
                .map(|a| ResearchAnswer {
                    agency_id: format!("a{a}"),
                    agency_name: format!("Agency {a}"),
                    known: vec![Involvement::Victim],
                    withheld: s(case, &format!("RESEARCH-A{a}-WITHHELD")),
                })
                .collect(),
            entries: vec![EntryRecord {
                id: format!("e{case}"),
                kind: EntryKind::Opinion,
                body: s(case, "DISCUSSION"),
                agency_id: "a0".into(),
                source: "Agency 0".into(),
                version: 1,
            }],
            risks: s(case, "OUTCOME-RISKS"),
            decision: s(case, "OUTCOME-DECISION"),
            minutes_version: 1,
            amendments: vec![
                AmendmentRecord { part: Part::Discussion, line: s(case, "DISCUSSION-AMENDED") },
                AmendmentRecord { part: Part::Outcome, line: s(case, "OUTCOME-AMENDED") },
                AmendmentRecord { part: Part::Actions, line: s(case, "ACTION-AMENDED") },
            ],
        }),
    }
}

/// The sentinel fragments of each part (the own agency's research told apart from the others').
fn part_markers(case: usize, part: Part, own_agency: usize, agencies: usize) -> Vec<String> {
    let one = |w: &str| vec![s(case, w)];
    match part {
        Part::VictimIdentity => one("VICTIM-NAME"),
        Part::VictimAddress => one("VICTIM-ADDRESS"),
        Part::VictimProfile => one("PROFILE-"),
        Part::VictimContact => one("SAFE-CONTACT"),
        Part::Perpetrators => one("PERPETRATOR-NAME"),
        Part::PerpetratorAddress => one("PERPADDRESS"),
        Part::Household => one("HOUSEHOLD-"),
        Part::Referral => one("REFERRAL-"),
        Part::DashAnswers => vec![DASH_2009.questions[0].text.to_string()],
        Part::Consent => one("CONSENT"),
        Part::OwnResearch => one(&format!("RESEARCH-A{own_agency}")),
        Part::Research => (0..agencies).filter(|a| *a != own_agency).map(|a| s(case, &format!("RESEARCH-A{a}"))).collect(),
        Part::Discussion => one("DISCUSSION"),
        Part::Outcome => one("OUTCOME-"),
        Part::Actions => one("ACTION-"),
        Part::Agencies => one("AGENCIES-"),
        Part::History => one("HISTORY-"),
    }
}

/// The parts of `case` whose sentinels appear in `text`.
fn visible(text: &str, case: usize, own_agency: usize, agencies: usize) -> Parts {
    Part::ALL.into_iter().filter(|p| part_markers(case, *p, own_agency, agencies).iter().any(|m| text.contains(m.as_str()))).collect()
}

/// What a route must show: granted and in its mask; a perpetrator's address travels with the
/// perpetrator; every agency's research includes one's own.
fn expected(grant: &Grant, mask: Parts) -> Parts {
    if !grant.open() {
        return Parts::NONE;
    }
    let mut p = grant.parts.intersection(mask);
    if !p.has(Part::Perpetrators) {
        p = p.without(Part::PerpetratorAddress);
    }
    if p.has(Part::Research) {
        p = p.with(Part::OwnResearch);
    }
    p
}

fn actor_of(world: &World, i: usize) -> Actor {
    let p = &world.people[i];
    Actor {
        user_id: format!("u{i}"),
        name: format!("Person {i}"),
        agency_id: Some(format!("a{}", p.agency)),
        agency_name: Some(format!("Agency {}", p.agency)),
        agency_status: Some(world.agencies[p.agency]),
        roles: p.roles.iter().copied().collect(),
        reauthenticated_recently: false,
    }
}

fn context(world: &World, person: usize, case: usize, status: Option<MeetingStatus>) -> Context {
    let p = &world.people[person];
    let (referred, owns_action, known, marked) = world.cases[case].facts[p.agency].clone();
    Context {
        facts: CaseFacts { referred, owns_action, known, marked, restricted: world.cases[case].restricted },
        seat: status.map(|status| Seat {
            status,
            invited: world.invited[p.agency],
            chair: world.chair == Some(person),
            acknowledged: p.acknowledged,
            present: p.present && !p.out[case],
        }),
    }
}

static ROUTES_COMPARED: AtomicUsize = AtomicUsize::new(0);

fn compare(route: &str, text: &str, case: usize, own: usize, agencies: usize, want: Parts, standing: Standing) -> Result<(), TestCaseError> {
    ROUTES_COMPARED.fetch_add(1, Ordering::Relaxed);
    let got = visible(text, case, own, agencies);
    prop_assert_eq!(got, want, "{}: case {} shows {:?}, the policy grants {:?}", route, case, got.names(), want.names());
    let reference = s(case, "REF");
    prop_assert_eq!(text.contains(&reference), standing != Standing::Hidden, "{}: reference of case {} ({:?})", route, case, standing);
    Ok(())
}

fn check_world(world: &World) -> Result<(), TestCaseError> {
    let agencies = world.agencies.len();
    let files: Vec<CaseFile> = (0..world.cases.len()).map(|c| file(c, world)).collect();
    for person in 0..world.people.len() {
        let actor = actor_of(world, person);
        let own = world.people[person].agency;
        let mut copy_grants = BTreeMap::new();
        for (c, f) in files.iter().enumerate() {
            let standing = grant(&actor, &context(world, person, c, None));
            let seat = grant(&actor, &context(world, person, c, Some(world.status)));
            let record = CaseFile { meeting: None, ..f.clone() };
            let text = format!("{:?}", case_record(&record, &standing, &actor));
            compare("case record", &text, c, own, agencies, expected(&standing, CASE_RECORD), standing.standing)?;
            let text = format!("{:?}", case_hit(&record, &standing));
            compare("case list", &text, c, own, agencies, expected(&standing, CASE_LIST), standing.standing)?;
            for (route, mask) in [("live view", LIVE_VIEW), ("research list", RESEARCH_ITEM)] {
                let text = format!("{:?}", meeting_case(f, &seat, &actor, mask));
                compare(route, &text, c, own, agencies, expected(&seat, mask), seat.standing)?;
            }
            let agenda = agenda_entry(f, &seat, &actor);
            let text = format!("{agenda:?}");
            compare("agenda", &text, c, own, agencies, expected(&seat, AGENDA).intersection(Parts::of(&[Part::VictimIdentity])), seat.standing)?;
            if let Some(item) = &agenda {
                let shown = expected(&seat, AGENDA);
                prop_assert_eq!(item.has_household, shown.has(Part::Household));
                prop_assert_eq!(item.repeat, shown.has(Part::Referral));
                prop_assert_eq!(item.open_actions > 0, shown.has(Part::Actions));
            }
            for a in &f.actions {
                let text = format!("{:?}", action_view(a, &f.head, &standing, &actor));
                let want = expected(&standing, ACTION_LIST);
                let standing_shown = if standing.standing == Standing::Open && want.is_empty() { Standing::Hidden } else { standing.standing };
                compare("action list", &text, c, own, agencies, want, standing_shown)?;
            }
            copy_grants.insert(f.head.id.clone(), grant(&actor, &context(world, person, c, Some(MeetingStatus::MinutesFinal))));
        }
        let record = MinutesRecord { cases: files.clone(), ..MinutesRecord::default() };
        let text = format!("{:?}", minutes_copy(&record, &actor, &copy_grants, "D-1"));
        for c in 0..files.len() {
            let g = copy_grants.get(&format!("c{c}")).copied().unwrap_or(Grant::HIDDEN);
            compare("minutes copy", &text, c, own, agencies, expected(&g, MINUTES_COPY), g.standing)?;
        }
    }
    Ok(())
}

#[test]
fn every_route_shows_exactly_what_the_policy_grants() {
    const WORLDS: u32 = 3_000;
    let mut runner = TestRunner::new(Config { cases: WORLDS, failure_persistence: None, ..Config::default() });
    let result = runner.run(&world(), |w| check_world(&w));
    if let Err(e) = result {
        panic!("{e}");
    }
    println!("{WORLDS} worlds generated, {} route views compared with the policy", ROUTES_COMPARED.load(Ordering::Relaxed));
}
