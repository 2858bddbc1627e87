//! Who receives a meeting's minutes. What each copy holds of each case is the exposure policy's
//! answer for the recipient after the meeting (`exposure::grant`), laid out by `printed`.

use crate::identity::Role;

/// Roles whose holders receive minutes for their agency.
pub const RECEIVING_ROLES: [Role; 3] = [Role::AgencyRepresentative, Role::Idva, Role::Chair];

/// Someone who might receive a copy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    /// The person's user id.
    pub user_id: String,
    /// Their agency.
    pub agency_id: String,
    /// Whether they hold a receiving role.
    pub receives: bool,
    /// Whether they are on this meeting's register (present, apologies or absent).
    pub on_register: bool,
}

/// Who gets a copy: for each agency, the people on the meeting's register who hold a receiving
/// role, or, when none of the agency's people are, everyone in it who holds one.
pub fn recipients(candidates: &[Candidate]) -> Vec<&Candidate> {
    let registered = |agency: &str| candidates.iter().any(|c| c.agency_id == agency && c.receives && c.on_register);
    candidates.iter().filter(|c| c.receives && (c.on_register || !registered(&c.agency_id))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate(user: &str, agency: &str, receives: bool, on_register: bool) -> Candidate {
        Candidate { user_id: user.into(), agency_id: agency.into(), receives, on_register }
    }

    #[test]
    fn the_register_decides_who_receives_and_everyone_receives_when_nobody_attended() {
        let all = [
            candidate("police-present", "police", true, true),
            candidate("police-other", "police", true, false),
            candidate("police-dpo", "police", false, true),
            candidate("homes-1", "homes", true, false),
            candidate("homes-2", "homes", true, false),
        ];
        let got: Vec<&str> = recipients(&all).iter().map(|c| c.user_id.as_str()).collect();
        assert_eq!(got, ["police-present", "homes-1", "homes-2"]);
    }
}
