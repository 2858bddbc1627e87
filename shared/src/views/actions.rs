//! Actions as lists and case pages show them.

use serde::{Deserialize, Serialize};

use super::Shown;
use crate::casefile::{ActionRecord, CaseHead};
use crate::meeting::ActionStatus;
use crate::policy::exposure::{Grant, Standing};
use crate::policy::parts::{Part, Parts};
use crate::policy::Actor;

/// What an action list shows of a case.
pub const ACTION_LIST: Parts = Parts::NONE.with(Part::Actions);

/// An action in a list or on a case. A restricted case's action shows its reference only.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionView {
    /// Its id.
    pub id: String,
    /// The case.
    pub case_id: String,
    /// The case's reference.
    pub case_reference: String,
    /// Whether the case is restricted (data protection): nothing else is shown.
    pub case_restricted: bool,
    /// What is to be done (empty when restricted).
    pub description: String,
    /// The owning agency.
    pub owner_agency: String,
    /// The owning agency's id.
    pub owner_agency_id: String,
    /// The named person, if any.
    pub owner_person: Option<String>,
    /// Due date (ISO).
    pub due_on: String,
    /// Status.
    pub status: ActionStatus,
    /// Outstanding and past its due date.
    pub overdue: bool,
    /// Version for the concurrency check.
    pub version: i64,
    /// Updates, oldest first, in words.
    pub history: Vec<String>,
    /// Whether the viewer may update it.
    pub may_update: bool,
}

/// `action` as `actor` may see it, or `None` when the case is hidden from them.
pub fn action_view(action: &ActionRecord, case: &CaseHead, grant: &Grant, actor: &Actor) -> Option<ActionView> {
    let shown = Shown::new(grant, ACTION_LIST);
    let open = shown.has(Part::Actions);
    if grant.standing == Standing::Hidden || (grant.standing == Standing::Open && !open) {
        return None;
    }
    let restricted = grant.standing == Standing::Restricted;
    Some(ActionView {
        id: action.id.clone(),
        case_id: case.id.clone(),
        case_reference: case.reference.clone(),
        case_restricted: restricted,
        description: if open { action.description.clone() } else { String::new() },
        owner_agency: if open { action.owner_agency.clone() } else { String::new() },
        owner_agency_id: if open { action.owner_agency_id.clone() } else { String::new() },
        owner_person: action.owner_person.clone().filter(|_| open),
        due_on: if open { action.due_on.clone() } else { String::new() },
        status: action.status,
        overdue: open && action.overdue,
        version: action.version,
        history: if open { action.history.clone() } else { Vec::new() },
        may_update: open && grant.writes.may_update_action(actor, &action.owner_agency_id),
    })
}
