//! The Information Sharing Agreement: whether an agency is a current signatory.

use serde::{Deserialize, Serialize};
use time::Date;

/// What an administrator has set on the agency.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IsaState {
    /// Taking part, subject to a valid signature.
    Active,
    /// Temporarily barred (for example during an investigation of a breach).
    Suspended,
    /// No longer party to the agreement.
    Withdrawn,
}

impl IsaState {
    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            IsaState::Active => "active",
            IsaState::Suspended => "suspended",
            IsaState::Withdrawn => "withdrawn",
        }
    }

    /// Parses the stored form.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "active" => Some(IsaState::Active),
            "suspended" => Some(IsaState::Suspended),
            "withdrawn" => Some(IsaState::Withdrawn),
            _ => None,
        }
    }
}

/// An agency's standing under the ISA on a given day. Only `Current` grants access.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignatoryStatus {
    /// Signed, in date, and not suspended or withdrawn.
    Current,
    /// Never signed.
    Unsigned,
    /// The review date has passed, or a re-signing deadline for a newer version has passed.
    Expired,
    /// Suspended by an administrator.
    Suspended,
    /// Withdrawn.
    Withdrawn,
}

impl SignatoryStatus {
    /// Whether people of the agency may use Roundtable.
    pub fn grants_access(self) -> bool {
        self == SignatoryStatus::Current
    }

    /// The name people read.
    pub fn label(self) -> &'static str {
        match self {
            SignatoryStatus::Current => "Current",
            SignatoryStatus::Unsigned => "Not signed",
            SignatoryStatus::Expired => "Expired",
            SignatoryStatus::Suspended => "Suspended",
            SignatoryStatus::Withdrawn => "Withdrawn",
        }
    }
}

/// An agency's most recent signature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LatestSignature {
    /// The ISA version signed.
    pub version_id: String,
    /// The date by which the agency must review (and re-sign) the agreement.
    pub review_on: Date,
}

/// A newer ISA version that agencies must sign by a date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResignRequirement {
    /// The version that must be signed.
    pub version_id: String,
    /// The last day on which a signature of an older version still counts.
    pub resign_by: Date,
}

/// Decides an agency's status on `today`.
///
/// Suspension and withdrawal win over everything. Otherwise the agency needs a signature
/// whose review date has not passed, and, once a re-signing deadline has passed, a signature
/// of the version that required it.
pub fn signatory_status(state: IsaState, latest: Option<&LatestSignature>, requirement: Option<&ResignRequirement>, today: Date) -> SignatoryStatus {
    match state {
        IsaState::Withdrawn => return SignatoryStatus::Withdrawn,
        IsaState::Suspended => return SignatoryStatus::Suspended,
        IsaState::Active => {}
    }
    let Some(latest) = latest else {
        return SignatoryStatus::Unsigned;
    };
    if today > latest.review_on {
        return SignatoryStatus::Expired;
    }
    if let Some(req) = requirement {
        if req.version_id != latest.version_id && today > req.resign_by {
            return SignatoryStatus::Expired;
        }
    }
    SignatoryStatus::Current
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn sig(v: &str, review: Date) -> LatestSignature {
        LatestSignature { version_id: v.into(), review_on: review }
    }

    #[test]
    fn current_until_review_date_inclusive() {
        let s = sig("v1", date!(2026 - 12 - 31));
        assert_eq!(signatory_status(IsaState::Active, Some(&s), None, date!(2026 - 12 - 31)), SignatoryStatus::Current);
        assert_eq!(signatory_status(IsaState::Active, Some(&s), None, date!(2027 - 01 - 01)), SignatoryStatus::Expired);
    }

    #[test]
    fn unsigned_is_not_current() {
        let st = signatory_status(IsaState::Active, None, None, date!(2026 - 01 - 01));
        assert_eq!(st, SignatoryStatus::Unsigned);
        assert!(!st.grants_access());
    }

    #[test]
    fn suspension_and_withdrawal_win() {
        let s = sig("v1", date!(2030 - 01 - 01));
        assert_eq!(signatory_status(IsaState::Suspended, Some(&s), None, date!(2026 - 01 - 01)), SignatoryStatus::Suspended);
        assert_eq!(signatory_status(IsaState::Withdrawn, Some(&s), None, date!(2026 - 01 - 01)), SignatoryStatus::Withdrawn);
    }

    #[test]
    fn resign_deadline_expires_old_signatures_only_after_it_passes() {
        let old = sig("v1", date!(2030 - 01 - 01));
        let req = ResignRequirement { version_id: "v2".into(), resign_by: date!(2026 - 06 - 30) };
        assert_eq!(signatory_status(IsaState::Active, Some(&old), Some(&req), date!(2026 - 06 - 30)), SignatoryStatus::Current);
        assert_eq!(signatory_status(IsaState::Active, Some(&old), Some(&req), date!(2026 - 07 - 01)), SignatoryStatus::Expired);
        let new = sig("v2", date!(2030 - 01 - 01));
        assert_eq!(signatory_status(IsaState::Active, Some(&new), Some(&req), date!(2026 - 07 - 01)), SignatoryStatus::Current);
    }
}
