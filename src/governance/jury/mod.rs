//! The Standing Jury (SPEC §10): who may be drawn, the draw anyone can recompute, and
//! how a drawn member's consent seats them.

pub mod case;
pub mod consent;
pub mod draw;

pub use case::{JuryCase, Seating};
pub use consent::{Answer, Answered, Jury, Summons};

use super::{ActionKind, Rule};
use std::collections::BTreeSet;
use std::time::Duration;

/// Where a jury is drawn from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PoolSource {
    /// Members who sent `jury join` (stored, so it survives restarts).
    Volunteers,
    /// The accts in `pool_file`, read at start-up and on SIGHUP.
    Roster(BTreeSet<String>),
}

/// What happens when the pool runs out before the jury is full.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WhenShort {
    /// All members vote, as on a proposal no jury decides.
    Members,
    /// The proposal is cancelled; nothing changes.
    Cancel,
}

/// `[jury]` and `[rules.jury]`, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct JurySettings {
    pub pool: PoolSource,
    /// Jurors seated per case.
    pub size: u32,
    /// A drawn member who has not accepted by then is passed over.
    pub consent_within: Duration,
    /// Voting time from the moment the jury is full (a duration in the request replaces it).
    pub duration: Duration,
    /// The action kinds a jury decides; the others go to all members.
    pub decides: BTreeSet<ActionKind>,
    pub when_short: WhenShort,
    /// How a jury decides.
    pub rule: Rule,
}

impl JurySettings {
    /// Whether a jury decides proposals of this kind.
    pub fn decides(&self, kind: ActionKind) -> bool {
        self.decides.contains(&kind)
    }
}
