//! What the signed-in person may open, asked of the policy, so that pages offer only that.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// One list of actions the person may see on the actions page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionScope {
    /// The `scope` of the address (`agency`, `cases`, `all`).
    pub scope: String,
    /// The tab's words.
    pub label: String,
}

/// The lists of actions the person may see, in the order the page offers them. Not found when
/// they may see none.
#[server(endpoint = "permissions/action-scopes", client = crate::api::client::RoundtableClient)]
pub async fn action_scopes() -> Result<Vec<ActionScope>, AppError> {
    use shared::policy::{decide, Action};
    let actor = crate::backend::require_actor()?;
    let mut scopes = Vec::new();
    if decide(Some(&actor), &Action::ListCases).is_allowed() {
        scopes.push(ActionScope { scope: "agency".into(), label: "Your agency's".into() });
        scopes.push(ActionScope { scope: "cases".into(), label: "On cases you are the IDVA for".into() });
    }
    if decide(Some(&actor), &Action::ViewAllActions).is_allowed() {
        scopes.push(ActionScope { scope: "all".into(), label: "All outstanding".into() });
    }
    if scopes.is_empty() {
        return Err(AppError::NotFound);
    }
    Ok(scopes)
}
