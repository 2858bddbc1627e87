//! Fictional demonstration data, so a newcomer sees a living MARAC.
//!
//! Everything here is invented: the county of Wyvernshire, its agencies and its people.
//! Running it twice adds nothing twice; each run prints fresh enrolment links.

mod casework;

use uuid::Uuid;

use crate::audit::{self, AuditEvent};
use crate::cli::{DatabaseArgs, SeedDemoArgs};
use crate::clock::Clock;
use crate::config::parse_public_url;
use crate::db::{Db, Tx};
use crate::error::Error;
use crate::invitations;

/// The demo ISA's text.
const DEMO_ISA: &str = "# Wyvernshire MARAC Information Sharing Agreement\n\n\
Version 1 (fictional, for demonstration).\n\n\
## Purpose\n\nPartner agencies share information about victims of domestic abuse at high risk of \
serious harm, so that together they can agree actions that make the victim and their children safer.\n\n\
## Principles\n\n- Share only what is necessary, relevant and proportionate.\n\
- Keep facts apart from opinions, and say where each came from.\n\
- Use MARAC information only to protect the people discussed.\n\
- Never copy or pass on minutes without the agreement of the agencies concerned.\n";

/// The demo confidentiality statement, read out by the chair.
const DEMO_CONFIDENTIALITY: &str = "Everything shared at this meeting is confidential. It is shared \
to keep victims of domestic abuse and their children safe, and may be used only for that purpose. \
Do not pass it on outside your agency without the agreement of the agency that gave it. \
By acknowledging this statement you agree to keep to the Information Sharing Agreement.";

/// (name, kind, secure email, ISA state)
const AGENCIES: &[(&str, &str, &str, &str)] = &[
    ("Wyvernshire Police", "police", "marac@police.wyvernshire.invalid", "active"),
    ("Wyvernshire Probation Service", "probation", "marac@probation.wyvernshire.invalid", "active"),
    ("Wyvernshire Children's Services", "childrens_social_care", "marac@children.wyvernshire.invalid", "active"),
    ("Wyvernshire Adult Social Care", "adults_social_care", "marac@adults.wyvernshire.invalid", "active"),
    ("Wyvern Homes", "housing", "marac@wyvernhomes.invalid", "active"),
    ("Wyvern Valley NHS Trust", "health", "marac@wyvernvalley-nhs.invalid", "active"),
    ("Wyvernshire IDVA Service", "idva_service", "marac@idva.wyvernshire.invalid", "active"),
    ("Wyvernshire Recovery Partnership", "substance_misuse", "marac@recovery.wyvernshire.invalid", "withdrawn"),
];

/// (name, email, agency index, roles)
const USERS: &[(&str, &str, usize, &[&str])] = &[
    ("Morgan Ashby", "morgan.ashby@police.wyvernshire.invalid", 0, &["chair", "agency_representative"]),
    ("Priya Lakeland", "priya.lakeland@idva.wyvernshire.invalid", 6, &["coordinator"]),
    ("Sam Okonjo-Reyes", "sam.okonjo-reyes@idva.wyvernshire.invalid", 6, &["idva"]),
    ("Hollis Varga", "hollis.varga@children.wyvernshire.invalid", 2, &["agency_representative"]),
    ("Jude Marchetti", "jude.marchetti@probation.wyvernshire.invalid", 1, &["agency_representative"]),
    ("Rowan Ellery", "rowan.ellery@wyvernhomes.invalid", 4, &["agency_representative"]),
    ("Zoë Brannigan", "zoe.brannigan@wyvernvalley-nhs.invalid", 5, &["agency_representative"]),
    ("Ifeoma Castellanos", "ifeoma.castellanos@adults.wyvernshire.invalid", 3, &["data_protection_officer"]),
    ("Tobias Wren", "tobias.wren@recovery.wyvernshire.invalid", 7, &["agency_representative"]),
    // A second data protection officer: whoever prepares a subject access export cannot approve it.
    ("Nadia Fairweather", "nadia.fairweather@wyvernvalley-nhs.invalid", 5, &["data_protection_officer"]),
];

/// `roundtable seed-demo`.
pub async fn seed_demo(db_args: DatabaseArgs, args: SeedDemoArgs) -> Result<(), Error> {
    let public_url = parse_public_url(&args.public_url)?;
    let db = Db::open(&db_args.resolve()?).await?;
    db.migrate().await?;
    let clock = Clock::System;
    let now = clock.unix();
    let today = clock.now().date();
    let mut tx = db.begin_write().await?;
    let isa_id = ensure_isa(&mut tx, now).await?;
    let mut agency_ids = Vec::new();
    for (name, kind, email, state) in AGENCIES {
        let id = ensure_agency(&mut tx, name, kind, email, state, now).await?;
        ensure_signature(&mut tx, &id, &isa_id, today, now).await?;
        agency_ids.push(id);
    }
    for i in 0..args.extra_records {
        let name = format!("Demo Agency {i:05}");
        let email = format!("marac{i}@agency.wyvernshire.invalid");
        let id = ensure_agency(&mut tx, &name, "other", &email, "active", now).await?;
        ensure_signature(&mut tx, &id, &isa_id, today, now).await?;
    }
    let mut links = Vec::new();
    let mut user_ids = Vec::new();
    for (name, email, agency, roles) in USERS {
        let user_id = ensure_user(&mut tx, name, email, &agency_ids[*agency], roles, now).await?;
        user_ids.push(user_id.clone());
        let secret = invitations::create(&mut tx, &user_id, None, now).await?;
        links.push((name, roles, AGENCIES[*agency].0, invitations::enrolment_link(&public_url, &secret)));
    }
    casework::seed(&mut tx, &agency_ids, &user_ids, today, now).await?;
    audit::append(&mut tx, now, AuditEvent::system("demo.seed")).await?;
    tx.commit().await?;

    println!("Demo data loaded: the fictional county of Wyvernshire. Enrolment links (valid 24 hours, single use):");
    for (name, roles, agency, link) in links {
        println!("  {name} ({}, {agency}):\n    {link}", roles.join(", "));
    }
    Ok(())
}

async fn ensure_isa(tx: &mut Tx, now: i64) -> Result<String, Error> {
    if let Some(id) = sqlx::query_scalar("SELECT id FROM isa_versions WHERE label = 'Version 1'").fetch_optional(&mut **tx).await? {
        return Ok(id);
    }
    let id = Uuid::new_v4().to_string();
    sqlx::query("INSERT INTO isa_versions (id, label, body_markdown, confidentiality_statement, published_at, resign_by) VALUES ($1, 'Version 1', $2, $3, $4, NULL)")
        .bind(&id)
        .bind(DEMO_ISA)
        .bind(DEMO_CONFIDENTIALITY)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    audit::append(tx, now, AuditEvent::system("isa_version.publish").on("isa_version", id.clone())).await?;
    Ok(id)
}

async fn ensure_agency(tx: &mut Tx, name: &str, kind: &str, email: &str, state: &str, now: i64) -> Result<String, Error> {
    if let Some(id) = sqlx::query_scalar("SELECT id FROM agencies WHERE name = $1").bind(name).fetch_optional(&mut **tx).await? {
        return Ok(id);
    }
    let id = Uuid::new_v4().to_string();
    let reason = (state == "withdrawn").then_some("Left the partnership (demonstration)");
    sqlx::query("INSERT INTO agencies (id, name, kind, secure_email, isa_state, isa_state_reason, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(&id)
        .bind(name)
        .bind(kind)
        .bind(email)
        .bind(state)
        .bind(reason)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    audit::append(tx, now, AuditEvent::system("agency.create").on("agency", id.clone())).await?;
    Ok(id)
}

async fn ensure_signature(tx: &mut Tx, agency_id: &str, isa_id: &str, today: time::Date, now: i64) -> Result<(), Error> {
    let exists = sqlx::query("SELECT 1 AS one FROM isa_signatures WHERE agency_id = $1 AND isa_version_id = $2")
        .bind(agency_id)
        .bind(isa_id)
        .fetch_optional(&mut **tx)
        .await?;
    if exists.is_some() {
        return Ok(());
    }
    let id = Uuid::new_v4().to_string();
    let review = today.replace_year(today.year() + 1).unwrap_or(today);
    sqlx::query("INSERT INTO isa_signatures (id, agency_id, isa_version_id, signed_by_name, signed_on, review_on, recorded_by, created_at) VALUES ($1, $2, $3, 'Head of Service (demo)', $4, $5, NULL, $6)")
        .bind(&id)
        .bind(agency_id)
        .bind(isa_id)
        .bind(today.to_string())
        .bind(review.to_string())
        .bind(now)
        .execute(&mut **tx)
        .await?;
    audit::append(tx, now, AuditEvent::system("isa_signature.record").on("isa_signature", id).detail("agency_id", agency_id)).await?;
    Ok(())
}

async fn ensure_user(tx: &mut Tx, name: &str, email: &str, agency_id: &str, roles: &[&str], now: i64) -> Result<String, Error> {
    let id = match sqlx::query_scalar("SELECT id FROM users WHERE email = $1").bind(email).fetch_optional(&mut **tx).await? {
        Some(id) => id,
        None => {
            let id = Uuid::new_v4().to_string();
            sqlx::query("INSERT INTO users (id, name, email, agency_id, active, created_at) VALUES ($1, $2, $3, $4, TRUE, $5)")
                .bind(&id)
                .bind(name)
                .bind(email)
                .bind(agency_id)
                .bind(now)
                .execute(&mut **tx)
                .await?;
            audit::append(tx, now, AuditEvent::system("user.create").on("user", id.clone())).await?;
            id
        }
    };
    for role in roles {
        sqlx::query(
            "INSERT INTO user_roles (user_id, role) SELECT $1, $2 WHERE NOT EXISTS (SELECT 1 FROM user_roles WHERE user_id = $1 AND role = $2)",
        )
        .bind(&id)
        .bind(*role)
        .execute(&mut **tx)
        .await?;
    }
    Ok(id)
}
