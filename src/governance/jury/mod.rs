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

/// `[jury]` and `[rules.jury]`, checked: one type for `bot.toml`'s reading of them and the
/// core's, which differ only in the pool: `bot.toml` names a file (`config::JuryPool`),
/// the core holds its accts (`PoolSource`, read at start and on SIGHUP).
#[derive(Debug, Clone, PartialEq)]
pub struct JuryTerms<Pool> {
    pub pool: Pool,
    /// Jurors seated per case, at least 1.
    pub size: u32,
    /// A drawn member who has not accepted by then is passed over.
    pub consent_within: Duration,
    /// Voting time from the moment the jury is full (a duration in the request replaces
    /// it), at most `proposals.max_duration`.
    pub duration: Duration,
    /// The action kinds a jury decides; the others go to all members. May be empty: the
    /// pool can be gathered before the jury is given any case.
    pub decides: BTreeSet<ActionKind>,
    pub when_short: WhenShort,
    /// How a jury decides.
    pub rule: Rule,
}

/// The jury as the core decides with it.
pub type JurySettings = JuryTerms<PoolSource>;

impl<Pool> JuryTerms<Pool> {
    /// Whether a jury decides proposals of this kind.
    pub fn decides(&self, kind: ActionKind) -> bool {
        self.decides.contains(&kind)
    }

    /// The same terms, drawing from `pool`.
    pub fn drawing_from<Other>(&self, pool: Other) -> JuryTerms<Other> {
        JuryTerms {
            pool,
            size: self.size,
            consent_within: self.consent_within,
            duration: self.duration,
            decides: self.decides.clone(),
            when_short: self.when_short,
            rule: self.rule,
        }
    }
}
