//! A proposal the Standing Jury decides: what was fixed when it opened, the draw once
//! its ballot is up, and how the seating ended.

use super::consent::Jury;
use super::WhenShort;
use crate::governance::Rule;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// The jury's part of a proposal's record. Like the rule, its terms are fixed when the
/// proposal opens: a later change of `bot.toml` does not move them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JuryCase {
    pub size: u32,
    pub consent_within: Duration,
    /// Voting time from the seating.
    pub voting: Duration,
    pub when_short: WhenShort,
    /// The rule all members vote under if the pool runs out and `when_short` is `members`.
    pub members_rule: Rule,
    /// The draw and the answers; `None` until the ballot is posted (its id seeds the draw).
    pub draw: Option<Jury>,
    pub seating: Seating,
}

/// How far the seating has come.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "seating", rename_all = "snake_case")]
pub enum Seating {
    /// Invitations are out; no vote counts yet.
    Seating,
    /// Every seat is taken; only the jurors vote.
    Seated { at: DateTime<Utc> },
    /// The pool ran out first; `when_short` decided what followed.
    Short { at: DateTime<Utc> },
}

impl JuryCase {
    /// Whether the account may vote on the proposal: only a seated juror, unless the
    /// pool ran out and all members vote.
    pub fn may_vote(&self, account_id: &str) -> bool {
        match self.seating {
            Seating::Seating => false,
            Seating::Seated { .. } => self
                .draw
                .as_ref()
                .is_some_and(|draw| draw.seats(account_id)),
            Seating::Short { .. } => self.when_short == WhenShort::Members,
        }
    }

    /// Whether a jury decides it (rather than all members, after a short pool).
    pub fn jury_decides(&self) -> bool {
        !matches!(self.seating, Seating::Short { .. })
    }
}
