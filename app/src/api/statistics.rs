//! Anonymised quarterly statistics for coordinators, chairs and data protection officers.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// One quarter's figures, small counts already suppressed by the server.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StatisticsView {
    /// The quarter shown, `YYYY-Qn`.
    pub quarter: String,
    /// Quarters to choose from, newest first: (value, words).
    pub quarters: Vec<(String, String)>,
    /// (measure, shown value, bar length 0..=100 or none when suppressed).
    pub figures: Vec<(String, String, Option<u32>)>,
    /// Repeat rate in words.
    pub repeat_rate: String,
    /// Referrals by referring agency: (agency, shown value, bar length).
    pub referrals: Vec<(String, String, Option<u32>)>,
    /// The small-cell threshold in force.
    pub threshold: u32,
}

/// Statistics operations.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait StatisticsBackend: Send + Sync + 'static {
    /// The figures for a quarter (`YYYY-Qn`; blank for the current one).
    async fn statistics(&self, actor: &shared::policy::Actor, quarter: &str) -> Result<StatisticsView, AppError>;
    /// The same figures as spreadsheet-safe CSV.
    async fn statistics_csv(&self, actor: &shared::policy::Actor, quarter: &str) -> Result<String, AppError>;
}

/// The figures for a quarter.
#[server(endpoint = "statistics/quarter", client = crate::api::client::RoundtableClient)]
pub async fn quarter_statistics(quarter: String) -> Result<StatisticsView, AppError> {
    use crate::backend as b;
    b::backend()?.statistics(&b::require_actor()?, &quarter).await
}
