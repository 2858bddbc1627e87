//! The stored (database) form of the domain's enums: each keeps its own `as_str` and `parse`;
//! [`stored_names!`] gives them `TryFrom<String>`, so a typed row can hold the enum itself
//! (`#[sqlx(try_from = "String")]`) and an unknown value fails as a decoding error, never as a
//! silent default.

/// A stored value that names no variant of its enum.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{value:?} is not a stored {kind}")]
pub struct UnknownName {
    /// The enum it was read as.
    pub kind: &'static str,
    /// What was stored.
    pub value: String,
}

/// Implements `TryFrom<String>` (and `TryFrom<&str>`) through each type's `parse`.
macro_rules! stored_names {
    ($($ty:ident in $($module:ident)::+),* $(,)?) => {$(
        impl TryFrom<&str> for crate::$($module)::+::$ty {
            type Error = UnknownName;
            fn try_from(value: &str) -> Result<Self, UnknownName> {
                Self::parse(value).ok_or_else(|| UnknownName { kind: stringify!($ty), value: value.to_string() })
            }
        }
        impl TryFrom<String> for crate::$($module)::+::$ty {
            type Error = UnknownName;
            fn try_from(value: String) -> Result<Self, UnknownName> {
                Self::try_from(value.as_str())
            }
        }
    )*};
}

stored_names!(
    PersonKind in data_protection,
    PersonField in data_protection,
    ErasureGround in data_protection,
    ObjectionDecision in data_protection,
    Role in identity,
    AgencyKind in identity,
    CaseStatus in casefile,
    IsaState in isa,
    MeetingStatus in meeting,
    Attendance in meeting,
    EntryKind in meeting,
    ActionStatus in meeting,
    Consent in referral,
    ReferralStatus in referral,
    RejectionReason in referral,
    SubjectKind in subject_access,
    Involvement in policy::exposure,
    Outcome in audit,
);

#[cfg(test)]
mod tests {
    use crate::meeting::MeetingStatus;

    use super::UnknownName;

    #[test]
    fn a_stored_name_reads_back_as_its_variant_and_an_unknown_one_fails() {
        for status in MeetingStatus::ALL {
            assert_eq!(MeetingStatus::try_from(status.as_str().to_string()), Ok(status));
        }
        let unknown = MeetingStatus::try_from("cancelled".to_string());
        assert_eq!(unknown, Err(UnknownName { kind: "MeetingStatus", value: "cancelled".into() }));
    }
}
