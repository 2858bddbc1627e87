//! What pages, lists and documents show of a case: built only here, only from a [`CaseFile`]
//! and the policy's [`Grant`], and only with the parts granted.
//!
//! Each route shows a fixed selection of parts (its mask, e.g. [`meeting::RESEARCH_ITEM`]); what
//! it shows of a case is exactly the parts both granted and in its mask. The property test in
//! `property.rs` checks that for generated worlds, route by route.
//!
//! [`CaseFile`]: crate::casefile::CaseFile
//! [`Grant`]: crate::policy::exposure::Grant

pub mod actions;
pub mod case;
pub mod meeting;
#[cfg(test)]
mod property;

use crate::policy::exposure::Grant;
use crate::policy::parts::{Part, Parts};

/// The parts a route may show of a case, given the grant: both granted and in the route's mask.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Shown(Parts);

/// The parts a route shows, given the grant: those of `mask` the grant holds, and none unless
/// the case is open to the reader. The server reads only these from the database.
pub fn shown(grant: &Grant, mask: Parts) -> Parts {
    if grant.open() {
        grant.parts.intersection(mask)
    } else {
        Parts::NONE
    }
}

impl Shown {
    pub(crate) fn new(grant: &Grant, mask: Parts) -> Shown {
        Shown(shown(grant, mask))
    }

    pub(crate) fn has(self, part: Part) -> bool {
        self.0.has(part)
    }

    /// `value` when `part` is shown.
    pub(crate) fn only<T>(self, part: Part, value: impl FnOnce() -> T) -> Option<T> {
        self.has(part).then(value)
    }
}
