//! Human references: `R-2026-00001` for referrals, `C-2026-00001` for cases.

use sqlx::AnyConnection;

/// The next reference in the series `prefix`-`year`.
pub async fn next(conn: &mut AnyConnection, prefix: &str, year: i32) -> Result<String, sqlx::Error> {
    let series = format!("{prefix}-{year}");
    sqlx::query("INSERT INTO counters (name, value) VALUES ($1, 0) ON CONFLICT (name) DO NOTHING").bind(&series).execute(&mut *conn).await?;
    let value: i64 =
        sqlx::query_scalar("UPDATE counters SET value = value + 1 WHERE name = $1 RETURNING value").bind(&series).fetch_one(&mut *conn).await?;
    Ok(format!("{series}-{value:05}"))
}
