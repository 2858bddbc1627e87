//! Fictional meetings and cases for the demo: three meetings already held, three to come, cases
//! heard and cases on the next agenda, and two referrals waiting for the coordinator (one of
//! them a repeat of a case heard last month). Every person here is invented.

use shared::dash::{DashAnswer, DashAnswers};
use shared::referral::{self, HouseholdForm, PerpetratorForm, ReferralForm, VictimForm};
use shared::validation::iso_date;
use time::{Date, Duration, OffsetDateTime, Time, Weekday};
use uuid::Uuid;

use crate::audit::{self, AuditEvent};
use crate::casework::intake::{self, Acceptance};
use crate::db::Tx;
use crate::error::Error;

/// Agency positions in `AGENCIES` (see the parent module).
const POLICE: usize = 0;
const PROBATION: usize = 1;
const CHILDREN: usize = 2;
const HOMES: usize = 4;
const NHS: usize = 5;
const IDVA_SERVICE: usize = 6;
/// User positions in `USERS`.
const CHAIR: usize = 0;
const COORDINATOR: usize = 1;
const IDVA: usize = 2;
const HOLLIS: usize = 3;
const ROWAN: usize = 5;
const ZOE: usize = 6;

fn dash_with_yes(count: u8) -> DashAnswers {
    let mut answers = DashAnswers::blank();
    for q in 1..=24u8 {
        let a = if q <= count { DashAnswer::Yes } else { DashAnswer::No };
        let _ = answers.set(q, a);
    }
    answers
}

struct DemoReferral {
    victim: (&'static str, &'static str, &'static str),
    other_names: &'static str,
    address: &'static str,
    perpetrator: (&'static str, &'static str, &'static str),
    household: &'static [(&'static str, &'static str, &'static str, &'static str)],
    dash_yes: u8,
    summary: &'static str,
    incident_days_ago: i64,
    ethnicity: &'static str,
    police_callouts: &'static str,
}

impl DemoReferral {
    fn form(&self, today: Date) -> ReferralForm {
        ReferralForm {
            latest_incident_on: iso_date(today - Duration::days(self.incident_days_ago)),
            victim: VictimForm {
                name: self.victim.0.into(),
                other_names: self.other_names.into(),
                date_of_birth: self.victim.1.into(),
                gender: self.victim.2.into(),
                disability: "no".into(),
                sexual_orientation: "heterosexual".into(),
                ethnicity: self.ethnicity.into(),
                first_language: "English".into(),
                address: self.address.into(),
                safe_contact: "Mobile ending 0417; text first, never leave a voicemail".into(),
                safe_times: "Weekdays 10:00 to 14:00".into(),
                ..VictimForm::default()
            },
            perpetrators: vec![PerpetratorForm {
                name: self.perpetrator.0.into(),
                date_of_birth: self.perpetrator.1.into(),
                relationship: self.perpetrator.2.into(),
                gender: "male".into(),
                address: "Address not known to the victim".into(),
                ..PerpetratorForm::default()
            }],
            household: self
                .household
                .iter()
                .map(|(name, dob, relationship, involvement)| HouseholdForm {
                    name: (*name).into(),
                    date_of_birth: (*dob).into(),
                    relationship: (*relationship).into(),
                    involvement: (*involvement).into(),
                })
                .collect(),
            dash_completed: true,
            dash: dash_with_yes(self.dash_yes),
            police_callouts: self.police_callouts.into(),
            believed_repeat: self.police_callouts == "4",
            consent: "consented".into(),
            consent_reason: "The victim agreed to the referral after the DASH was completed.".into(),
            summary: self.summary.into(),
            ..ReferralForm::default()
        }
    }
}

const ADA: DemoReferral = DemoReferral {
    victim: ("Ada Thornbury", "1988-03-14", "female"),
    other_names: "Ada Thorn",
    address: "14 Larkspur Row, Wyvernbridge WY4 2QT",
    perpetrator: ("Callum Thornbury", "1985-09-30", "Husband"),
    household: &[("Milo Thornbury", "2017-06-02", "Son", "Wyvernbridge Primary School"), ("Isla Thornbury", "2021-01-19", "Daughter", "Health visitor")],
    dash_yes: 16,
    summary: "Police attended after a neighbour called. **Non-fatal strangulation** reported; the victim fears the perpetrator will take the children.\n\n- Separation two months ago\n- Perpetrator has breached a non-molestation order",
    incident_days_ago: 40,
    ethnicity: "white_british",
    police_callouts: "2",
};

const BEA: DemoReferral = DemoReferral {
    victim: ("Bea Okafor-Lind", "1995-07-02", "female"),
    other_names: "",
    address: "Flat 3, 22 Mill Lane, Corvel WY7 1AB",
    perpetrator: ("Dorian Pask", "1993-12-11", "Ex-partner"),
    household: &[],
    dash_yes: 14,
    summary: "Disclosed to her GP: constant calls and messages, followed home twice this month, threats to kill.",
    incident_days_ago: 25,
    ethnicity: "black",
    police_callouts: "",
};

const CERYS: DemoReferral = DemoReferral {
    victim: ("Cerys Mallender", "2001-11-20", "female"),
    other_names: "Cerys Price",
    address: "7 Orchard Close, Hallowmere WY2 9LP",
    perpetrator: ("Jonah Price", "1999-04-08", "Partner"),
    household: &[("Noa Price", "2025-08-15", "Daughter", "Health visitor")],
    dash_yes: 15,
    summary: "Tenancy officer visit: damage to the door, victim visibly injured, baby in the home. Victim very frightened.",
    incident_days_ago: 6,
    ethnicity: "white_british",
    police_callouts: "",
};

const DALIA: DemoReferral = DemoReferral {
    victim: ("Dalia Venn", "1979-01-05", "female"),
    other_names: "",
    address: "31 Ferris Street, Wyvernbridge WY4 6DD",
    perpetrator: ("Marek Venn", "1976-05-22", "Husband"),
    household: &[("Tomas Venn", "1952-10-03", "Father-in-law (vulnerable adult)", "Adult social care")],
    dash_yes: 14,
    summary: "Children's services identified coercive control during a school welfare visit; financial abuse and isolation.",
    incident_days_ago: 9,
    ethnicity: "asian",
    police_callouts: "",
};

const ADA_AGAIN: DemoReferral = DemoReferral {
    victim: ("Ada Thorn", "1988-03-14", "female"),
    other_names: "Ada Thornbury",
    address: "Refuge address held by the IDVA service",
    perpetrator: ("Callum Thornbury", "1985-09-30", "Husband"),
    household: &[
        ("Milo Thornbury", "2017-06-02", "Son", "Wyvernbridge Primary School"),
        ("Isla Thornbury", "2021-01-19", "Daughter", "Health visitor"),
    ],
    dash_yes: 12,
    summary: "Perpetrator located the refuge and was arrested outside it. Breach of bail conditions.",
    incident_days_ago: 3,
    ethnicity: "white_british",
    police_callouts: "4",
};

const ELIZA: DemoReferral = DemoReferral {
    victim: ("Eliza Farrant", "1990-02-27", "female"),
    other_names: "",
    address: "2 Quarry Cottages, Low Hadley WY9 3RS",
    perpetrator: ("Reuben Farrant", "1988-08-17", "Husband"),
    household: &[],
    dash_yes: 17,
    summary: "Attended A&E with a head injury; disclosed years of escalating violence and a threat with a knife.",
    incident_days_ago: 2,
    ethnicity: "mixed",
    police_callouts: "",
};

fn at_ten(day: Date) -> i64 {
    OffsetDateTime::new_utc(day, Time::from_hms(10, 0, 0).unwrap_or(Time::MIDNIGHT)).unix_timestamp()
}

async fn meeting(tx: &mut Tx, day: Date, status: &str, users: &[String], agencies: &[String], now: i64) -> Result<String, Error> {
    let id = Uuid::new_v4().to_string();
    let published = status != "scheduled";
    let isa: Option<String> = sqlx::query_scalar("SELECT id FROM isa_versions ORDER BY published_at DESC LIMIT 1").fetch_optional(&mut **tx).await?;
    sqlx::query(
        "INSERT INTO meetings (id, starts_at, place, capacity, status, chair_user_id, coordinator_user_id, created_at, research_deadline, isa_version_id) \
         VALUES ($1, $2, $3, 16, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&id)
    .bind(at_ten(day))
    .bind("Wyvern House, Committee Room 2")
    .bind(status)
    .bind(&users[CHAIR])
    .bind(&users[COORDINATOR])
    .bind(now)
    .bind(published.then(|| iso_date(day - Duration::days(2))))
    .bind(published.then_some(isa).flatten())
    .execute(&mut **tx)
    .await?;
    for agency in agencies.iter().take(7) {
        sqlx::query("INSERT INTO meeting_agencies (meeting_id, agency_id) VALUES ($1, $2)").bind(&id).bind(agency).execute(&mut **tx).await?;
    }
    audit::append(tx, now, AuditEvent::system("meeting.create").on("meeting", id.clone())).await?;
    Ok(id)
}

async fn referral(tx: &mut Tx, demo: &DemoReferral, referrer: &str, agency: &str, today: Date, now: i64) -> Result<String, Error> {
    let form = demo.form(today);
    let checked = referral::check(&form, today).map_err(|p| Error::Config(format!("demo referral does not pass its own checks: {p:?}")))?;
    let id = Uuid::new_v4().to_string();
    sqlx::query("INSERT INTO referrals (id, status, referrer_user_id, agency_id, created_at, updated_at) VALUES ($1, 'draft', $2, $3, $4, $4)")
        .bind(&id)
        .bind(referrer)
        .bind(agency)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    intake::submit(tx, &id, &form, &checked, today, now).await?;
    audit::append(tx, now, AuditEvent::system("referral.submit").on("referral", id.clone())).await?;
    Ok(id)
}

async fn involve(tx: &mut Tx, case_id: &str, agency: &str, involvement: &str) -> Result<(), Error> {
    sqlx::query("INSERT INTO case_agencies (case_id, agency_id, involvement) VALUES ($1, $2, $3)")
        .bind(case_id)
        .bind(agency)
        .bind(involvement)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

async fn heard(tx: &mut Tx, case_id: &str, meeting_id: &str, day: Date) -> Result<(), Error> {
    sqlx::query("INSERT INTO case_hearings (case_id, meeting_id, heard_on) VALUES ($1, $2, $3)")
        .bind(case_id)
        .bind(meeting_id)
        .bind(iso_date(day))
        .execute(&mut **tx)
        .await?;
    sqlx::query("UPDATE cases SET last_heard_on = $1 WHERE id = $2").bind(iso_date(day)).bind(case_id).execute(&mut **tx).await?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
async fn action(
    tx: &mut Tx,
    case_id: &str,
    meeting_id: &str,
    agency: &str,
    what: &str,
    due: Date,
    status: &str,
    users: &[String],
    now: i64,
) -> Result<(), Error> {
    sqlx::query(
        "INSERT INTO actions (id, case_id, meeting_id, owner_agency_id, description, due_on, status, version, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $9, $9)",
    )
    .bind(Uuid::new_v4().to_string())
    .bind(case_id)
    .bind(meeting_id)
    .bind(agency)
    .bind(what)
    .bind(iso_date(due))
    .bind(status)
    .bind(&users[COORDINATOR])
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// What was said about a case at a held meeting: research, minute entries (fact or opinion, with
/// their source), risks and decision.
struct DemoMinutes {
    research: &'static [(usize, usize, &'static str, &'static str)],
    entries: &'static [(usize, &'static str, &'static str, &'static str)],
    risks: &'static str,
    decision: &'static str,
}

const ADA_MINUTES: DemoMinutes = DemoMinutes {
    research: &[(CHILDREN, HOLLIS, "fact", "Milo and Isla have been subject to child protection plans since August. Milo's school reports he is withdrawn.")],
    entries: &[
        (POLICE, "Morgan Ashby", "fact", "Two call-outs in six weeks. The perpetrator was arrested on 2 October for breaching the non-molestation order and released on bail."),
        (IDVA_SERVICE, "Sam Okonjo-Reyes", "opinion", "The victim is terrified that he will take the children. In my view the risk of serious harm is highest when he learns she has moved."),
        (HOMES, "", "fact", "The victim's tenancy is in her sole name. A management move is available within four weeks."),
    ],
    risks: "- Non-fatal strangulation (a known predictor of homicide)\n- Threats to take the children\n- Breach of court orders",
    decision: "Safety plan agreed with the victim through the IDVA. **Sanctuary measures** at the home now; management move if she wants it. Probation to review licence conditions.",
};

const BEA_MINUTES: DemoMinutes = DemoMinutes {
    research: &[],
    entries: &[
        (NHS, "Zoë Brannigan", "fact", "Three emergency department attendances since June, each with an explanation that did not match the injury."),
        (POLICE, "Morgan Ashby", "opinion", "The perpetrator's pattern of control is escalating; he has started monitoring her phone."),
    ],
    risks: "- Escalating physical violence\n- Coercive control and isolation",
    decision: "IDVA to offer support through the hospital's safe route. Police to flag the address for an urgent response.",
};

async fn minutes(
    tx: &mut Tx,
    meeting_id: &str,
    case_id: &str,
    m: &DemoMinutes,
    users: &[String],
    agencies: &[String],
    now: i64,
) -> Result<(), Error> {
    for (agency, author, kind, body) in m.research {
        sqlx::query(
            "INSERT INTO research (id, meeting_id, case_id, agency_id, author_id, kind, body, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(Uuid::new_v4().to_string())
        .bind(meeting_id)
        .bind(case_id)
        .bind(&agencies[*agency])
        .bind(&users[*author])
        .bind(*kind)
        .bind(*body)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    }
    for (i, (agency, person, kind, body)) in m.entries.iter().enumerate() {
        sqlx::query(
            "INSERT INTO minute_entries (id, meeting_id, case_id, kind, body, source_agency_id, source_person, version, created_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $9, $9)",
        )
        .bind(Uuid::new_v4().to_string())
        .bind(meeting_id)
        .bind(case_id)
        .bind(*kind)
        .bind(*body)
        .bind(&agencies[*agency])
        .bind(*person)
        .bind(&users[COORDINATOR])
        .bind(now + i as i64)
        .execute(&mut **tx)
        .await?;
    }
    sqlx::query(
        "INSERT INTO case_minutes (meeting_id, case_id, risks, decision, version, updated_by, updated_at) VALUES ($1, $2, $3, $4, 1, $5, $6)",
    )
    .bind(meeting_id)
    .bind(case_id)
    .bind(m.risks)
    .bind(m.decision)
    .bind(&users[COORDINATOR])
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// An agency's research answer: whom its records know (empty: not known), and what it holds
/// but did not share.
#[allow(clippy::too_many_arguments)]
async fn answer(
    tx: &mut Tx,
    meeting_id: &str,
    case_id: &str,
    agency: &str,
    user: &str,
    known_about: &str,
    withheld: &str,
    now: i64,
) -> Result<(), Error> {
    sqlx::query(
        "INSERT INTO research_answers (meeting_id, case_id, agency_id, known_about, withheld, answered_by, answered_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(meeting_id)
    .bind(case_id)
    .bind(agency)
    .bind(known_about)
    .bind(withheld)
    .bind(user)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Someone present at a meeting who was out of the room for one case.
async fn out_for(tx: &mut Tx, meeting_id: &str, case_id: &str, user: &str, marked_by: &str, now: i64) -> Result<(), Error> {
    sqlx::query("INSERT INTO item_absences (meeting_id, case_id, user_id, marked_by, marked_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(meeting_id)
        .bind(case_id)
        .bind(user)
        .bind(marked_by)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The register of a held meeting: everyone present and acknowledged, except the health
/// representative, who sent apologies.
async fn register(tx: &mut Tx, meeting_id: &str, users: &[String], now: i64) -> Result<(), Error> {
    for (user, status) in
        [(CHAIR, "present"), (COORDINATOR, "present"), (IDVA, "present"), (HOLLIS, "present"), (ROWAN, "present"), (ZOE, "apologies")]
    {
        sqlx::query(
            "INSERT INTO attendance (meeting_id, user_id, agency_id, status, acknowledged_at) SELECT $1, id, agency_id, $2, $3 FROM users WHERE id = $4",
        )
        .bind(meeting_id)
        .bind(status)
        .bind((status == "present").then_some(now))
        .bind(&users[user])
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Loads the demo meetings and cases unless meetings already exist.
pub async fn seed(tx: &mut Tx, agencies: &[String], users: &[String], today: Date, now: i64) -> Result<(), Error> {
    let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM meetings").fetch_one(&mut **tx).await?;
    if existing > 0 {
        return Ok(());
    }
    // Every second Tuesday: three already held, three to come.
    let last = today.prev_occurrence(Weekday::Tuesday);
    let past = [last - Duration::days(28), last - Duration::days(14), last];
    let mut held = Vec::new();
    for day in past {
        held.push(meeting(tx, day, "minutes_final", users, agencies, now).await?);
    }
    let next = meeting(tx, last + Duration::days(14), "agenda_published", users, agencies, now).await?;
    for days in [28, 42] {
        meeting(tx, last + Duration::days(days), "scheduled", users, agencies, now).await?;
    }

    // Heard at the meeting before last: Ada (police referral), with a confirmed IDVA and three agencies.
    let accept = |referral_id: String, meeting: String| (referral_id, meeting);
    let (ada_ref, ada_meeting) =
        accept(referral(tx, &ADA, &users[CHAIR], &agencies[POLICE], today - Duration::days(35), now).await?, held[1].clone());
    let ada = intake::accept(
        tx,
        Acceptance { referral_id: &ada_ref, same_victim_case: None, repeat: false, meeting_id: &ada_meeting, decided_by: &users[COORDINATOR] },
        today,
        now,
    )
    .await?;
    heard(tx, &ada, &held[1], past[1]).await?;
    sqlx::query("UPDATE cases SET idva_user_id = $1 WHERE id = $2").bind(&users[IDVA]).bind(&ada).execute(&mut **tx).await?;
    involve(tx, &ada, &agencies[HOMES], "victim").await?;
    involve(tx, &ada, &agencies[CHILDREN], "household").await?;
    involve(tx, &ada, &agencies[PROBATION], "perpetrator").await?;
    action(
        tx,
        &ada,
        &held[1],
        &agencies[HOMES],
        "Fit additional locks and a door camera at the victim's home",
        past[1] + Duration::days(7),
        "open",
        users,
        now,
    )
    .await?;
    action(
        tx,
        &ada,
        &held[1],
        &agencies[CHILDREN],
        "Hold a strategy discussion about both children",
        past[1] + Duration::days(5),
        "done",
        users,
        now,
    )
    .await?;
    action(
        tx,
        &ada,
        &held[1],
        &agencies[PROBATION],
        "Review the perpetrator's licence conditions",
        today + Duration::days(10),
        "in_progress",
        users,
        now,
    )
    .await?;

    minutes(tx, &held[1], &ada, &ADA_MINUTES, users, agencies, now).await?;

    // Heard at the last meeting: Bea (health referral).
    let bea_ref = referral(tx, &BEA, &users[ZOE], &agencies[NHS], today - Duration::days(20), now).await?;
    let bea = intake::accept(
        tx,
        Acceptance { referral_id: &bea_ref, same_victim_case: None, repeat: false, meeting_id: &held[2], decided_by: &users[COORDINATOR] },
        today,
        now,
    )
    .await?;
    heard(tx, &bea, &held[2], past[2]).await?;
    involve(tx, &bea, &agencies[POLICE], "victim").await?;
    minutes(tx, &held[2], &bea, &BEA_MINUTES, users, agencies, now).await?;
    for meeting in &held {
        register(tx, meeting, users, now).await?;
    }
    // Research: children's services and housing knew Ada's family; the police knew Bea; housing
    // did not. Children's services left after the children's cases, so missed Bea's.
    answer(tx, &held[1], &ada, &agencies[CHILDREN], &users[HOLLIS], "household", "", now).await?;
    answer(tx, &held[1], &ada, &agencies[HOMES], &users[ROWAN], "victim", "", now).await?;
    answer(tx, &held[2], &bea, &agencies[POLICE], &users[CHAIR], "victim", "", now).await?;
    answer(tx, &held[2], &bea, &agencies[HOMES], &users[ROWAN], "", "", now).await?;
    out_for(tx, &held[2], &bea, &users[HOLLIS], &users[COORDINATOR], now).await?;

    // On the next meeting's agenda: Cerys (housing referral) and Dalia (children's services referral).
    let cerys_ref = referral(tx, &CERYS, &users[ROWAN], &agencies[HOMES], today - Duration::days(5), now).await?;
    let cerys = intake::accept(
        tx,
        Acceptance { referral_id: &cerys_ref, same_victim_case: None, repeat: false, meeting_id: &next, decided_by: &users[COORDINATOR] },
        today,
        now,
    )
    .await?;
    involve(tx, &cerys, &agencies[CHILDREN], "household").await?;
    let dalia_ref = referral(tx, &DALIA, &users[HOLLIS], &agencies[CHILDREN], today - Duration::days(8), now).await?;
    let dalia = intake::accept(
        tx,
        Acceptance { referral_id: &dalia_ref, same_victim_case: None, repeat: false, meeting_id: &next, decided_by: &users[COORDINATOR] },
        today,
        now,
    )
    .await?;
    // The police have researched Dalia's case for the next meeting; housing has not started.
    answer(
        tx,
        &next,
        &dalia,
        &agencies[POLICE],
        &users[CHAIR],
        "perpetrator",
        "A sensitive intelligence report, not shared: it could identify its source.",
        now,
    )
    .await?;
    sqlx::query(
        "INSERT INTO research (id, meeting_id, case_id, agency_id, author_id, kind, body, created_at) VALUES ($1, $2, $3, $4, $5, 'fact', $6, $7)",
    )
    .bind(Uuid::new_v4().to_string())
    .bind(&next)
    .bind(&dalia)
    .bind(&agencies[POLICE])
    .bind(&users[CHAIR])
    .bind("Marek Venn: two call-outs to the address in 2025 for verbal disputes; no charges.")
    .bind(now)
    .execute(&mut **tx)
    .await?;

    // Waiting for the coordinator: Ada again (a repeat of the case heard four weeks ago), and Eliza.
    referral(tx, &ADA_AGAIN, &users[CHAIR], &agencies[POLICE], today, now).await?;
    referral(tx, &ELIZA, &users[ZOE], &agencies[NHS], today, now).await?;
    Ok(())
}
