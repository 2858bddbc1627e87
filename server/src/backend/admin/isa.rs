//! The Information Sharing Agreement: its versions, and agencies' signatures of them.

use std::collections::HashMap;

use app::api::admin::{IsaInput, IsaVersionView, SignatureInput};
use app::error::AppError;
use shared::markdown::to_safe_html;
use shared::policy::{Action, Actor};
use shared::validation::{iso_date, Problems};
use sqlx::AnyConnection;
use uuid::Uuid;

use super::unique_violation;
use crate::audit;
use crate::backend::error::{Error, Result};
use crate::backend::{actor_event, check, ServerBackend};
use crate::identity::actor::today;

/// A published version of the ISA.
#[derive(sqlx::FromRow)]
struct IsaVersionRow {
    id: String,
    label: String,
    body_markdown: String,
    confidentiality_statement: String,
    published_at: i64,
    resign_by: Option<String>,
}

impl ServerBackend {
    /// Every version, newest first, with how many agencies' latest signature is of it.
    pub(super) async fn isa_versions(&self, conn: &mut AnyConnection) -> Result<Vec<IsaVersionView>> {
        let rows = sqlx::query_as::<_, IsaVersionRow>(
            "SELECT id, label, body_markdown, confidentiality_statement, published_at, resign_by FROM isa_versions ORDER BY published_at DESC, label DESC",
        )
        .fetch_all(&mut *conn)
        .await?;
        // (agency, version signed), each agency's latest signature first.
        let latest = sqlx::query_as::<_, (String, String)>(
            "SELECT s.agency_id, s.isa_version_id FROM isa_signatures s ORDER BY s.agency_id, s.signed_on DESC, s.created_at DESC",
        )
        .fetch_all(&mut *conn)
        .await?;
        let mut latest_by_agency: HashMap<String, String> = HashMap::new();
        for (agency, version) in latest {
            latest_by_agency.entry(agency).or_insert(version);
        }
        Ok(rows
            .into_iter()
            .map(|r| IsaVersionView {
                signatories: latest_by_agency.values().filter(|v| **v == r.id).count() as i64,
                label: r.label,
                published_at: r.published_at,
                resign_by: r.resign_by,
                body_html: to_safe_html(&r.body_markdown),
                confidentiality_statement: r.confidentiality_statement,
                id: r.id,
            })
            .collect())
    }

    pub(super) async fn record_signature_op(&self, actor: &Actor, input: SignatureInput) -> Result<()> {
        check(actor, &Action::ChangeSignatory)?;
        let mut p = Problems::default();
        if input.isa_version_id.trim().is_empty() {
            p.add("isa-version", "Choose the version signed");
        }
        let signed_by = p.text("signed-by", "Who signed", &input.signed_by, 120);
        let signed_on = p.date("signed-on", "Date signed", &input.signed_on);
        let review_on = p.date("review-on", "Review date", &input.review_on);
        let now = self.clock.unix();
        if let Some(d) = signed_on {
            if d > today(now) {
                p.add("signed-on", "Date signed must be today or in the past");
            }
        }
        if let (Some(s), Some(r)) = (signed_on, review_on) {
            if r <= s {
                p.add("review-on", "Review date must be after the date signed");
            }
        }
        let (signed_on, review_on) = p.finish((signed_on, review_on))?;
        let (Some(signed_on), Some(review_on)) = (signed_on, review_on) else {
            return Err(Error::internal("ISA dates accepted without both dates"));
        };
        let mut tx = self.tx().await?;
        if !Self::agency_exists(&mut tx, &input.agency_id).await? {
            return Err(AppError::NotFound.into());
        }
        let version: Option<String> =
            sqlx::query_scalar("SELECT id FROM isa_versions WHERE id = $1").bind(&input.isa_version_id).fetch_optional(&mut *tx).await?;
        if version.is_none() {
            let mut p = Problems::default();
            p.add("isa-version", "Choose the version signed");
            return Err(p.0.into());
        }
        let id = Uuid::new_v4().to_string();
        sqlx::query(
            "INSERT INTO isa_signatures (id, agency_id, isa_version_id, signed_by_name, signed_on, review_on, recorded_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&id)
        .bind(&input.agency_id)
        .bind(&input.isa_version_id)
        .bind(&signed_by)
        .bind(iso_date(signed_on))
        .bind(iso_date(review_on))
        .bind(&actor.user_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let event = actor_event(actor, "isa.record_signature")
            .on("isa_signature", id)
            .detail("agency_id", input.agency_id.clone())
            .detail("isa_version_id", input.isa_version_id.clone());
        audit::append(&mut tx, now, event).await?;
        tx.commit().await?;
        Ok(())
    }

    pub(super) async fn publish_isa_op(&self, actor: &Actor, input: IsaInput) -> Result<String> {
        check(actor, &Action::PublishIsa)?;
        let now = self.clock.unix();
        let mut p = Problems::default();
        let label = p.text("isa-label", "Version label", &input.label, 80);
        let body = p.text("isa-body", "The agreement", &input.body_markdown, 100_000);
        let statement = p.text("isa-statement", "Confidentiality statement", &input.confidentiality_statement, 2_000);
        let resign_by = p.optional_date("isa-resign-by", "Re-signing date", &input.resign_by);
        if resign_by.is_some_and(|d| d <= today(now)) {
            p.add("isa-resign-by", "Re-signing date must be in the future, so agencies have time to sign");
        }
        let resign_by = p.finish(resign_by)?;
        let id = Uuid::new_v4().to_string();
        let mut tx = self.tx().await?;
        sqlx::query(
            "INSERT INTO isa_versions (id, label, body_markdown, confidentiality_statement, published_at, resign_by) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&id)
        .bind(&label)
        .bind(&body)
        .bind(&statement)
        .bind(now)
        .bind(resign_by.map(iso_date))
        .execute(&mut *tx)
        .await
        .map_err(|e| {
            if unique_violation(&e) {
                let mut p = Problems::default();
                p.add("isa-label", "A version with this label already exists. Choose another label");
                Error::from(p.0)
            } else {
                Error::from(e)
            }
        })?;
        audit::append(&mut tx, now, actor_event(actor, "isa.publish").on("isa_version", id.clone())).await?;
        tx.commit().await?;
        Ok(id)
    }
}
