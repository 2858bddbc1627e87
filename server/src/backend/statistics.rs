//! Anonymised quarterly statistics: computed from hearings and referrals, small counts
//! suppressed by the shared rules; the request is audited, the figures carry no one's data.

use app::api::statistics::{StatisticsBackend, StatisticsView};
use app::error::AppError;
use shared::policy::{Action, Actor};
use shared::stats::{quarter_report, report_csv, Cell, HeardCase, Quarter, QuarterReport};
use shared::validation::{iso_date, parse_iso_date};

use super::{
    actor_event, check,
    error::{answer, Error},
    ServerBackend,
};
use crate::identity::actor::today;

/// A case heard in the quarter, with its referral's criteria and its victim's details.
#[derive(sqlx::FromRow)]
struct HeardRow {
    heard_on: String,
    criteria: Option<String>,
    gender: Option<String>,
    ethnicity: Option<String>,
    sexual_orientation: Option<String>,
    disability: Option<String>,
    date_of_birth: Option<String>,
    referral_id: String,
}

/// Quarters offered, newest first.
const QUARTERS_OFFERED: usize = 8;

fn parse_quarter(raw: &str, now: Quarter) -> Result<Quarter, Error> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(now);
    }
    let (year, q) = raw.split_once("-Q").ok_or_else(|| AppError::Invalid("Choose a quarter like 2026-Q4.".into()))?;
    let (year, q) = (year.parse().ok(), q.parse().ok());
    match (year, q) {
        (Some(y), Some(q)) => Quarter::new(y, q).map_err(|_| AppError::Invalid("Choose a quarter like 2026-Q4.".into()).into()),
        _ => Err(AppError::Invalid("Choose a quarter like 2026-Q4.".into()).into()),
    }
}

fn previous(q: Quarter) -> Quarter {
    if q.q == 1 {
        Quarter { year: q.year - 1, q: 4 }
    } else {
        Quarter { year: q.year, q: q.q - 1 }
    }
}

fn bars(cells: &[(String, Cell)]) -> Vec<(String, String, Option<u32>)> {
    let max = cells.iter().filter_map(|(_, c)| c.value()).max().unwrap_or(0).max(1);
    cells.iter().map(|(l, c)| (l.clone(), c.to_string(), c.value().map(|v| v * 100 / max))).collect()
}

impl ServerBackend {
    async fn report(&self, actor: &Actor, raw: &str) -> Result<QuarterReport, Error> {
        check(actor, &Action::ViewStatistics)?;
        let quarter = parse_quarter(raw, Quarter::from_date(today(self.clock.unix())))?;
        let (start, end) = (quarter.start().map(iso_date).unwrap_or_default(), quarter.end().map(iso_date).unwrap_or_default());
        let mut tx = self.read_tx().await?;
        let rows = sqlx::query_as::<_, HeardRow>(
            "SELECT h.heard_on, r.criteria, v.gender, v.ethnicity, v.sexual_orientation, v.disability, v.date_of_birth, ai.referral_id \
             FROM case_hearings h JOIN agenda_items ai ON ai.meeting_id = h.meeting_id AND ai.case_id = h.case_id \
             JOIN referrals r ON r.id = ai.referral_id JOIN victims v ON v.referral_id = r.id \
             WHERE h.heard_on >= $1 AND h.heard_on <= $2",
        )
        .bind(&start)
        .bind(&end)
        .fetch_all(&mut *tx)
        .await?;
        let mut heard = Vec::new();
        for r in rows {
            let heard_on = parse_iso_date(&r.heard_on).unwrap_or(time::Date::MIN);
            let dobs: Vec<Option<String>> = sqlx::query_scalar("SELECT date_of_birth FROM household_members WHERE referral_id = $1")
                .bind(&r.referral_id)
                .fetch_all(&mut *tx)
                .await?;
            let children =
                dobs.iter().filter(|d| d.as_deref().and_then(parse_iso_date).is_some_and(|d| shared::stats::age_on(d, heard_on) < 18)).count() as u32;
            heard.push(HeardCase {
                heard_on,
                repeat: r.criteria.unwrap_or_default().contains("repeat"),
                gender: r.gender.unwrap_or_default(),
                ethnic_group: r.ethnicity.unwrap_or_default(),
                orientation: r.sexual_orientation.unwrap_or_default(),
                disability: r.disability.unwrap_or_default(),
                victim_dob: parse_iso_date(&r.date_of_birth.unwrap_or_default()),
                children,
            });
        }
        let referrals = sqlx::query_as::<_, (String, i64)>(
            "SELECT a.name, COUNT(*) AS n FROM referrals r JOIN agencies a ON a.id = r.agency_id \
             WHERE r.referred_on >= $1 AND r.referred_on <= $2 AND r.status <> 'draft' GROUP BY a.name",
        )
        .bind(&start)
        .bind(&end)
        .fetch_all(&mut *tx)
        .await?;
        let mut by_agency: Vec<(String, u32)> = referrals.into_iter().map(|(name, n)| (name, u32::try_from(n).unwrap_or(0))).collect();
        let months = [&start[..7], &end[..7]];
        let rejected = sqlx::query_as::<_, (String, i64)>(
            "SELECT a.name, CAST(SUM(c.count) AS BIGINT) AS n FROM rejected_referral_counts c JOIN agencies a ON a.id = c.agency_id \
             WHERE c.month >= $1 AND c.month <= $2 GROUP BY a.name",
        )
        .bind(months[0])
        .bind(months[1])
        .fetch_all(&mut *tx)
        .await?;
        for (name, n) in rejected {
            match by_agency.iter_mut().find(|(a, _)| *a == name) {
                Some(entry) => entry.1 += u32::try_from(n).unwrap_or(0),
                None => by_agency.push((name, u32::try_from(n).unwrap_or(0))),
            }
        }
        let report = quarter_report(quarter, &heard, &by_agency, self.config.small_cell_threshold);
        let event = actor_event(actor, "statistics.read").detail("quarter", format!("{}-Q{}", quarter.year, quarter.q));
        self.finish_read(tx, vec![event]).await?;
        Ok(report)
    }
}

#[async_trait::async_trait]
impl StatisticsBackend for ServerBackend {
    async fn statistics(&self, actor: &Actor, quarter: &str) -> Result<StatisticsView, AppError> {
        answer(async move {
            let report = self.report(actor, quarter).await?;
            let mut q = Quarter::from_date(today(self.clock.unix()));
            let mut quarters = Vec::new();
            for _ in 0..QUARTERS_OFFERED {
                quarters.push((format!("{}-Q{}", q.year, q.q), format!("Quarter {} of {}", q.q, q.year)));
                q = previous(q);
            }
            Ok(StatisticsView {
                quarter: format!("{}-Q{}", report.quarter.year, report.quarter.q),
                quarters,
                figures: bars(&report.figures),
                repeat_rate: report.repeat_rate.map_or_else(|| "Not shown: too few cases".to_string(), |r| format!("{r:.0}%")),
                referrals: bars(&report.referrals_by_agency),
                threshold: self.config.small_cell_threshold,
            })
        })
        .await
    }

    async fn statistics_csv(&self, actor: &Actor, quarter: &str) -> Result<String, AppError> {
        answer(async move {
            let report = self.report(actor, quarter).await?;
            Ok(report_csv(&report))
        })
        .await
    }
}
