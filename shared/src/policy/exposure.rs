//! Who sees what of a case, and when: the one rule every page, list, PDF and email asks.
//!
//! A case's exposure follows how a MARAC runs (see `DOMAIN.md`, "Who sees what, and when"):
//!
//! 1. **Referral and triage**: the referring agency, the coordinator and the IDVA service.
//! 2. **On a published agenda, until the meeting**: every invited agency that is a current
//!    signatory gets the *research list*: identifiers only, to check its own records (the
//!    victim's, each perpetrator's and each household member's names, dates of birth and
//!    addresses or schools), never safe contact details, DASH answers, consent or equality data.
//! 3. **At the meeting**: a person who acknowledged the confidentiality statement and is in the
//!    room for the item sees the case as presented (referral, every agency's research, the
//!    discussion, risks, decision, actions); anyone else sees no more than the research list.
//! 4. **After the meeting**: only the agencies involved keep it: the one that referred it, owns
//!    an action on it, recorded "known to us" in its research or was marked involved by the
//!    coordinator, each seeing what its part needs; plus the coordinator, chairs and IDVAs.
//! 5. **Restricted** (data protection): the coordinator and the DPO only; everyone who would
//!    otherwise see the case sees only its reference marked "Restricted", and nobody else may
//!    write anything on it.
//!
//! The data protection officer sees every case whole, to act on people's rights; an
//! administrator sees none. People of an agency that is not a current signatory see nothing.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::parts::{Part, Parts};
use super::Actor;
use crate::identity::Role;
use crate::meeting::MeetingStatus;

/// How an agency works with the people in a case, as the coordinator marked it or the agency's
/// research answered ("known to us").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Involvement {
    /// Works with (or holds records on) the victim.
    Victim,
    /// Works with the perpetrator only.
    Perpetrator,
    /// Works with the children or other vulnerable adults in the household.
    Household,
}

impl Involvement {
    /// Every kind, in the order forms show them.
    pub const ALL: [Involvement; 3] = [Involvement::Victim, Involvement::Perpetrator, Involvement::Household];

    /// Stable stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            Involvement::Victim => "victim",
            Involvement::Perpetrator => "perpetrator",
            Involvement::Household => "household",
        }
    }

    /// Parses the stored form.
    pub fn parse(s: &str) -> Option<Involvement> {
        Involvement::ALL.into_iter().find(|i| i.as_str() == s)
    }

    /// Words for people.
    pub fn label(self) -> &'static str {
        match self {
            Involvement::Victim => "Works with the victim",
            Involvement::Perpetrator => "Works with the perpetrator",
            Involvement::Household => "Works with the children or household",
        }
    }

    /// Words for a research answer: "known to us" about whom.
    pub fn known_label(self) -> &'static str {
        match self {
            Involvement::Victim => "the victim",
            Involvement::Perpetrator => "a perpetrator",
            Involvement::Household => "the children or household",
        }
    }

    /// What an agency keeps of a case after the meeting for this part of its work.
    fn parts(self) -> Parts {
        match self {
            Involvement::Victim => {
                Parts::of(&[Part::VictimIdentity, Part::VictimAddress, Part::VictimProfile, Part::Perpetrators, Part::Household, Part::Referral])
            }
            Involvement::Perpetrator => Parts::of(&[Part::VictimIdentity, Part::Perpetrators, Part::PerpetratorAddress, Part::Referral]),
            Involvement::Household => Parts::of(&[Part::VictimIdentity, Part::Perpetrators, Part::Household, Part::Referral]),
        }
    }
}

/// The phase of one meeting, as far as exposure goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// The agenda is not published yet: the case is still with triage.
    Triage,
    /// The agenda is published and the meeting has not started: research.
    Research,
    /// The meeting is in progress.
    Meeting,
    /// The meeting has closed (minutes in draft or final).
    After,
}

impl Phase {
    /// Every phase, in order.
    pub const ALL: [Phase; 4] = [Phase::Triage, Phase::Research, Phase::Meeting, Phase::After];

    /// The phase of a meeting with this status.
    pub fn of(status: MeetingStatus) -> Phase {
        match status {
            MeetingStatus::Scheduled => Phase::Triage,
            MeetingStatus::AgendaPublished => Phase::Research,
            MeetingStatus::InProgress => Phase::Meeting,
            MeetingStatus::MinutesDraft | MeetingStatus::MinutesFinal => Phase::After,
        }
    }

    /// Words for people.
    pub fn label(self) -> &'static str {
        match self {
            Phase::Triage => "Referral and triage",
            Phase::Research => "On a published agenda",
            Phase::Meeting => "At the meeting",
            Phase::After => "After the meeting",
        }
    }
}

/// How the actor's agency stands to a case. Worked out by the server from the record.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseFacts {
    /// The actor's agency made a referral in this case.
    pub referred: bool,
    /// The actor's agency owns an action on it.
    pub owns_action: bool,
    /// The actor's agency's research for a meeting that has been held answered "known to us",
    /// about these people (an answer counts once its meeting has closed, so claiming to know a
    /// case never opens more of it before the meeting).
    pub known: BTreeSet<Involvement>,
    /// The coordinator marked the actor's agency involved, in these ways.
    pub marked: BTreeSet<Involvement>,
    /// The case is restricted (data protection).
    pub restricted: bool,
}

/// How the actor stands to one meeting at which the case is on the agenda.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seat {
    /// The meeting's status.
    pub status: MeetingStatus,
    /// The actor's agency is invited.
    pub invited: bool,
    /// The actor chairs this meeting.
    pub chair: bool,
    /// The actor acknowledged this meeting's confidentiality statement.
    pub acknowledged: bool,
    /// The actor is in the room for this item: present at the meeting and not out for it.
    pub present: bool,
}

impl Seat {
    /// The meeting's phase.
    pub fn phase(&self) -> Phase {
        Phase::of(self.status)
    }
}

/// Everything the policy needs to know about one case in one place.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Context {
    /// The actor's agency's relation to the case.
    pub facts: CaseFacts,
    /// The meeting the case is seen through, if any (`None`: the case record, or a list).
    pub seat: Option<Seat>,
}

/// How a case appears to someone at all.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// Not at all: answered exactly as for a case that does not exist.
    #[default]
    Hidden,
    /// Its reference, marked "Restricted", and nothing else.
    Restricted,
    /// The parts granted.
    Open,
}

/// What someone may write on a case.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Writes {
    /// Record their agency's research for this meeting.
    pub research: bool,
    /// Write minute entries, risks, decision and actions at this meeting.
    pub minute: bool,
    /// Amend this meeting's final minutes.
    pub amend: bool,
    /// Update the actions their agency owns.
    pub update_own_actions: bool,
    /// Update any action on the case.
    pub update_any_action: bool,
    /// Manage the case: agencies involved, IDVA, closure.
    pub manage: bool,
}

impl Writes {
    fn union(self, o: Writes) -> Writes {
        Writes {
            research: self.research || o.research,
            minute: self.minute || o.minute,
            amend: self.amend || o.amend,
            update_own_actions: self.update_own_actions || o.update_own_actions,
            update_any_action: self.update_any_action || o.update_any_action,
            manage: self.manage || o.manage,
        }
    }

    /// Whether the actor may update an action owned by `owner_agency_id`.
    pub fn may_update_action(&self, actor: &Actor, owner_agency_id: &str) -> bool {
        self.update_any_action || (self.update_own_actions && actor.agency_id.as_deref() == Some(owner_agency_id))
    }
}

/// The policy's answer for one actor, one case, one context.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    /// How the case appears at all.
    pub standing: Standing,
    /// The parts shown (none unless `standing` is `Open`).
    pub parts: Parts,
    /// What may be written.
    pub writes: Writes,
}

impl Grant {
    /// Nothing at all.
    pub const HIDDEN: Grant = Grant { standing: Standing::Hidden, parts: Parts::NONE, writes: NO_WRITES };

    /// Whether the case exists for the actor.
    pub fn visible(&self) -> bool {
        self.standing != Standing::Hidden
    }

    /// Whether the case is open to the actor (not hidden, not only marked restricted).
    pub fn open(&self) -> bool {
        self.standing == Standing::Open
    }

    /// Whether `part` is shown.
    pub fn has(&self, part: Part) -> bool {
        self.parts.has(part)
    }

    /// Everything either grant allows (for a case record seen through several meetings).
    pub fn union(self, o: Grant) -> Grant {
        Grant { standing: self.standing.max(o.standing), parts: self.parts.union(o.parts), writes: self.writes.union(o.writes) }
    }
}

const NO_WRITES: Writes = Writes { research: false, minute: false, amend: false, update_own_actions: false, update_any_action: false, manage: false };

/// Everyone's identifiers: names, other names, dates of birth, addresses, schools.
pub const IDENTIFIERS: Parts =
    Parts::NONE.with(Part::VictimIdentity).with(Part::VictimAddress).with(Part::Perpetrators).with(Part::PerpetratorAddress).with(Part::Household);

/// What every invited agency gets to check its own records: identifiers only, and its own research.
pub const RESEARCH_LIST: Parts = IDENTIFIERS.with(Part::OwnResearch);

/// What the room hears of a case at the meeting.
pub const PRESENTED: Parts = RESEARCH_LIST.with(Part::Referral).with(Part::Research).with(Part::Discussion).with(Part::Outcome).with(Part::Actions);

/// What the minutes of a held meeting add for an agency that keeps the case.
const MINUTES: Parts = Parts::NONE.with(Part::OwnResearch).with(Part::Research).with(Part::Discussion).with(Part::Outcome).with(Part::Actions);

/// What a referring agency keeps of its own referral: not the victim's address (it may since
/// have become a refuge's), unless the agency also works with the victim.
const REFERRER: Parts = Parts::NONE
    .with(Part::VictimIdentity)
    .with(Part::VictimProfile)
    .with(Part::Perpetrators)
    .with(Part::PerpetratorAddress)
    .with(Part::Household)
    .with(Part::Referral)
    .with(Part::DashAnswers)
    .with(Part::Consent);

/// What an agency that only owns an action keeps: whom it is for, the risks and decision, the actions.
const ACTION_OWNER: Parts = Parts::NONE.with(Part::VictimIdentity).with(Part::Outcome).with(Part::Actions);

/// The policy: what `actor` may see of, and write on, one case in `ctx`.
pub fn grant(actor: &Actor, ctx: &Context) -> Grant {
    if !actor.agency_is_current() {
        return Grant::HIDDEN;
    }
    let open = Role::ALL.into_iter().filter(|r| actor.has(*r)).map(|r| role_grant(r, ctx)).fold(Grant::HIDDEN, Grant::union);
    if !ctx.facts.restricted || actor.has(Role::Coordinator) || actor.has(Role::DataProtectionOfficer) {
        return open;
    }
    if open.visible() {
        Grant { standing: Standing::Restricted, parts: Parts::NONE, writes: NO_WRITES }
    } else {
        Grant::HIDDEN
    }
}

fn opened(parts: Parts, writes: Writes) -> Grant {
    if parts.is_empty() && writes == NO_WRITES {
        Grant::HIDDEN
    } else {
        Grant { standing: Standing::Open, parts, writes }
    }
}

/// What one of the actor's roles gives them; their grant is the union over their roles.
fn role_grant(role: Role, ctx: &Context) -> Grant {
    let seat = ctx.seat;
    let phase = seat.map(|s| s.phase());
    let status = seat.map(|s| s.status);
    let runs_meeting = |chairs: bool| seat.is_some_and(|s| (chairs || s.chair) && s.acknowledged);
    let researches = seat.is_some_and(|s| s.invited && matches!(s.phase(), Phase::Research | Phase::Meeting));
    match role {
        Role::Coordinator => opened(
            Parts::ALL,
            Writes {
                research: false,
                minute: runs_meeting(true) && matches!(status, Some(MeetingStatus::InProgress | MeetingStatus::MinutesDraft)),
                amend: runs_meeting(true) && status == Some(MeetingStatus::MinutesFinal),
                update_own_actions: true,
                update_any_action: true,
                manage: true,
            },
        ),
        Role::DataProtectionOfficer => opened(Parts::ALL, NO_WRITES),
        Role::Chair => opened(
            Parts::ALL.without(Part::VictimContact),
            Writes {
                research: researches,
                minute: runs_meeting(false) && matches!(status, Some(MeetingStatus::InProgress | MeetingStatus::MinutesDraft)),
                amend: runs_meeting(false) && status == Some(MeetingStatus::MinutesFinal),
                ..NO_WRITES
            },
        ),
        Role::Idva => opened(Parts::ALL, Writes { research: researches, update_own_actions: true, ..NO_WRITES }),
        Role::AgencyRepresentative => {
            let facts = &ctx.facts;
            let kept = facts.known.iter().chain(&facts.marked).fold(Parts::NONE, |p, i| p.union(i.parts()));
            let involved = facts.referred || !kept.is_empty();
            let mut parts = kept;
            if facts.referred {
                parts = parts.union(REFERRER);
            }
            if facts.owns_action {
                parts = parts.union(ACTION_OWNER);
            }
            let held = matches!(phase, None | Some(Phase::After));
            if involved {
                parts = parts.union(Parts::of(&[Part::OwnResearch, Part::Actions]));
                if held {
                    parts = parts.union(MINUTES);
                }
            }
            if let Some(s) = seat.filter(|s| s.invited) {
                match s.phase() {
                    Phase::Research => parts = parts.union(RESEARCH_LIST),
                    Phase::Meeting if s.acknowledged && s.present => parts = parts.union(PRESENTED),
                    Phase::Meeting => parts = parts.union(RESEARCH_LIST),
                    Phase::Triage | Phase::After => {}
                }
            }
            opened(parts, Writes { research: researches, update_own_actions: facts.owns_action, ..NO_WRITES })
        }
        Role::Administrator => Grant::HIDDEN,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::isa::SignatoryStatus;

    fn actor(roles: &[Role]) -> Actor {
        crate::policy::test_actor(roles, Some(SignatoryStatus::Current))
    }

    fn rep() -> Actor {
        actor(&[Role::AgencyRepresentative])
    }

    fn seat(status: MeetingStatus, acknowledged: bool, present: bool) -> Option<Seat> {
        Some(Seat { status, invited: true, chair: false, acknowledged, present })
    }

    fn ctx(facts: CaseFacts, seat: Option<Seat>) -> Context {
        Context { facts, seat }
    }

    fn known(i: Involvement) -> CaseFacts {
        CaseFacts { known: [i].into_iter().collect(), ..CaseFacts::default() }
    }

    const NEVER_ON_THE_LIST: [Part; 5] = [Part::VictimContact, Part::VictimProfile, Part::DashAnswers, Part::Consent, Part::Referral];

    #[test]
    fn an_uninvolved_invited_agency_gets_the_research_list_until_the_meeting() {
        let g = grant(&rep(), &ctx(CaseFacts::default(), seat(MeetingStatus::AgendaPublished, false, false)));
        assert_eq!((g.standing, g.parts), (Standing::Open, RESEARCH_LIST));
        assert!(g.writes.research && !g.writes.minute);
        assert!(NEVER_ON_THE_LIST.iter().all(|p| !g.has(*p)), "identifiers only");
        assert!(g.has(Part::VictimAddress) && g.has(Part::PerpetratorAddress) && g.has(Part::Household));
    }

    #[test]
    fn nothing_is_shared_before_the_agenda_is_published_or_with_agencies_not_invited() {
        assert_eq!(grant(&rep(), &ctx(CaseFacts::default(), seat(MeetingStatus::Scheduled, true, true))), Grant::HIDDEN);
        let uninvited = Some(Seat { invited: false, ..seat(MeetingStatus::AgendaPublished, true, true).unwrap_or_else(|| unreachable!()) });
        assert_eq!(grant(&rep(), &ctx(CaseFacts::default(), uninvited)), Grant::HIDDEN);
    }

    #[test]
    fn at_the_meeting_only_those_in_the_room_who_acknowledged_hear_the_case() {
        let heard = grant(&rep(), &ctx(CaseFacts::default(), seat(MeetingStatus::InProgress, true, true)));
        assert_eq!(heard.parts, PRESENTED);
        assert!(heard.has(Part::Discussion) && heard.has(Part::Research) && heard.has(Part::Outcome));
        assert!(!heard.has(Part::VictimContact) && !heard.has(Part::DashAnswers), "the room hears the case, not the safe contact details");
        for (ack, present) in [(true, false), (false, true), (false, false)] {
            let g = grant(&rep(), &ctx(CaseFacts::default(), seat(MeetingStatus::InProgress, ack, present)));
            assert_eq!(g.parts, RESEARCH_LIST, "acknowledged {ack}, present {present}");
        }
    }

    #[test]
    fn after_the_meeting_an_uninvolved_agency_keeps_nothing() {
        for status in [MeetingStatus::MinutesDraft, MeetingStatus::MinutesFinal] {
            assert_eq!(grant(&rep(), &ctx(CaseFacts::default(), seat(status, true, true))), Grant::HIDDEN, "{status:?}");
        }
        assert_eq!(grant(&rep(), &ctx(CaseFacts::default(), None)), Grant::HIDDEN, "nor in the case record");
    }

    #[test]
    fn the_referrer_keeps_its_referral_and_the_minutes_but_never_the_safe_contact_details() {
        let facts = CaseFacts { referred: true, ..CaseFacts::default() };
        let before = grant(&rep(), &ctx(facts.clone(), seat(MeetingStatus::AgendaPublished, false, false)));
        assert!(before.has(Part::Referral) && before.has(Part::Consent) && before.has(Part::DashAnswers));
        assert!(!before.has(Part::Research) && !before.has(Part::Discussion), "others' research waits for the meeting");
        let after = grant(&rep(), &ctx(facts, None));
        assert!(after.has(Part::Research) && after.has(Part::Discussion) && after.has(Part::Outcome) && after.has(Part::VictimProfile));
        assert!(!after.has(Part::VictimContact) && !after.has(Part::History) && !after.has(Part::Agencies));
    }

    #[test]
    fn a_perpetrator_only_agency_keeps_the_perpetrator_not_the_victims_address_or_children() {
        let g = grant(&rep(), &ctx(known(Involvement::Perpetrator), seat(MeetingStatus::MinutesFinal, true, true)));
        assert!(g.has(Part::Perpetrators) && g.has(Part::PerpetratorAddress) && g.has(Part::VictimIdentity) && g.has(Part::Discussion));
        assert!(!g.has(Part::VictimAddress) && !g.has(Part::Household) && !g.has(Part::VictimProfile) && !g.has(Part::Consent));
    }

    #[test]
    fn a_childrens_agency_keeps_the_household_not_the_victims_address() {
        let facts = CaseFacts { marked: [Involvement::Household].into_iter().collect(), ..CaseFacts::default() };
        let g = grant(&rep(), &ctx(facts, None));
        assert!(g.has(Part::Household) && g.has(Part::Outcome) && g.has(Part::Perpetrators));
        assert!(!g.has(Part::VictimAddress) && !g.has(Part::PerpetratorAddress) && !g.has(Part::VictimContact));
    }

    #[test]
    fn an_action_owner_keeps_whom_it_is_for_the_outcome_and_the_actions() {
        let facts = CaseFacts { owns_action: true, ..CaseFacts::default() };
        let g = grant(&rep(), &ctx(facts, None));
        assert_eq!(g.parts, Parts::of(&[Part::VictimIdentity, Part::Outcome, Part::Actions]));
        assert!(g.writes.update_own_actions && !g.writes.update_any_action);
        assert!(!g.has(Part::Discussion) && !g.has(Part::Referral));
    }

    #[test]
    fn restricted_cases_are_for_the_coordinator_and_the_dpo_and_marked_for_the_rest() {
        let facts = CaseFacts { restricted: true, referred: true, owns_action: true, ..CaseFacts::default() };
        for roles in [&[Role::Coordinator][..], &[Role::DataProtectionOfficer]] {
            assert_eq!(grant(&actor(roles), &ctx(facts.clone(), None)).parts, Parts::ALL, "{roles:?}");
        }
        for roles in [&[Role::Chair][..], &[Role::Idva], &[Role::AgencyRepresentative]] {
            let g = grant(&actor(roles), &ctx(facts.clone(), seat(MeetingStatus::InProgress, true, true)));
            assert_eq!((g.standing, g.parts, g.writes), (Standing::Restricted, Parts::NONE, Writes::default()), "{roles:?}");
        }
        let uninvolved = CaseFacts { restricted: true, ..CaseFacts::default() };
        assert_eq!(grant(&rep(), &ctx(uninvolved, None)), Grant::HIDDEN, "not even marked for those who would not see it");
    }

    #[test]
    fn only_the_coordinator_and_the_meetings_chair_minute_once_acknowledged() {
        let coordinator = actor(&[Role::Coordinator]);
        assert!(grant(&coordinator, &ctx(CaseFacts::default(), seat(MeetingStatus::InProgress, true, false))).writes.minute);
        assert!(!grant(&coordinator, &ctx(CaseFacts::default(), seat(MeetingStatus::InProgress, false, false))).writes.minute);
        assert!(!grant(&coordinator, &ctx(CaseFacts::default(), seat(MeetingStatus::MinutesFinal, true, false))).writes.minute);
        assert!(grant(&coordinator, &ctx(CaseFacts::default(), seat(MeetingStatus::MinutesFinal, true, false))).writes.amend);
        let chair = actor(&[Role::Chair]);
        let chairing = Some(Seat { chair: true, ..seat(MeetingStatus::InProgress, true, true).unwrap_or_else(|| unreachable!()) });
        assert!(grant(&chair, &ctx(CaseFacts::default(), chairing)).writes.minute);
        assert!(!grant(&chair, &ctx(CaseFacts::default(), seat(MeetingStatus::InProgress, true, true))).writes.minute, "another chair");
        assert!(!grant(&rep(), &ctx(CaseFacts::default(), seat(MeetingStatus::InProgress, true, true))).writes.minute);
    }

    #[test]
    fn chairs_and_idvas_see_every_open_case_the_chair_without_safe_contact_details() {
        let chair = grant(&actor(&[Role::Chair]), &ctx(CaseFacts::default(), None));
        assert_eq!(chair.parts, Parts::ALL.without(Part::VictimContact));
        assert_eq!(grant(&actor(&[Role::Idva]), &ctx(CaseFacts::default(), None)).parts, Parts::ALL);
    }

    #[test]
    fn roles_add_up() {
        let both = actor(&[Role::Chair, Role::AgencyRepresentative]);
        let g = grant(&both, &ctx(CaseFacts { owns_action: true, ..CaseFacts::default() }, None));
        assert_eq!(g.parts, Parts::ALL.without(Part::VictimContact));
        assert!(g.writes.update_own_actions);
    }

    #[test]
    fn people_of_agencies_that_are_not_current_signatories_and_administrators_see_nothing() {
        let facts = CaseFacts { referred: true, owns_action: true, ..CaseFacts::default() };
        for status in [SignatoryStatus::Withdrawn, SignatoryStatus::Suspended, SignatoryStatus::Expired, SignatoryStatus::Unsigned] {
            let a = crate::policy::test_actor(&Role::ALL, Some(status));
            assert_eq!(grant(&a, &ctx(facts.clone(), seat(MeetingStatus::InProgress, true, true))), Grant::HIDDEN, "{status:?}");
        }
        assert_eq!(grant(&actor(&[Role::Administrator]), &ctx(facts, None)), Grant::HIDDEN);
    }
}
