//! How the asking person's agency stands to a case, for the access policy to judge.

use shared::policy::cases::{CaseRelation, Involvement};
use shared::policy::Actor;
use sqlx::{AnyConnection, Row};

/// The relation, or `None` when no such case exists.
pub async fn of(conn: &mut AnyConnection, case_id: &str, actor: &Actor) -> Result<Option<CaseRelation>, sqlx::Error> {
    let Some(row) = sqlx::query("SELECT restricted FROM cases WHERE id = $1").bind(case_id).fetch_optional(&mut *conn).await? else {
        return Ok(None);
    };
    let restricted = row.try_get::<i64, _>("restricted")? != 0;
    let Some(agency) = actor.agency_id.as_deref() else {
        return Ok(Some(CaseRelation { restricted, ..CaseRelation::default() }));
    };
    let referred: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM referrals WHERE case_id = $1 AND agency_id = $2")
        .bind(case_id)
        .bind(agency)
        .fetch_one(&mut *conn)
        .await?;
    let involvement = sqlx::query_scalar::<_, String>("SELECT involvement FROM case_agencies WHERE case_id = $1 AND agency_id = $2")
        .bind(case_id)
        .bind(agency)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .filter_map(|s| Involvement::parse(s))
        .collect();
    Ok(Some(CaseRelation { referred_by_agency: referred > 0, involvement, restricted }))
}
