//! The pure governance core: proposals, votes, eligibility, rules and the tally.
//!
//! Nothing here does I/O, reads the clock or awaits: time is always an argument,
//! and the runtime carries out the effects the core returns.

pub mod effects;
pub mod eligibility;
pub mod engine;
pub mod messages;
pub mod proposal;
pub mod purpose;
pub mod reminders;
pub mod rules;
pub mod settings;
pub mod terms;
pub mod working_group;

pub use effects::{AuditEntry, Effect, EffectEvent, FollowUp, Step, VoteChange};
pub use engine::{Records, ThreadRecord};
pub use proposal::{Author, Identity, Post, Proposal, Stage, StatusRef};
pub use purpose::Purpose;
pub use rules::{Method, Outcome, Quorum, Rule, Tally};
pub use settings::{Mode, Settings, Visibility};

use serde::{Deserialize, Serialize};

/// A member's stance on a proposal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Position {
    Agree,
    Abstain,
    Disagree,
    Block,
}

impl Position {
    pub const ALL: [Position; 4] = [
        Position::Agree,
        Position::Abstain,
        Position::Disagree,
        Position::Block,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Position::Agree => "agree",
            Position::Abstain => "abstain",
            Position::Disagree => "disagree",
            Position::Block => "block",
        }
    }
}

impl std::fmt::Display for Position {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// What kind of decision a proposal asks for; each kind may have its own rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    Suspend,
    Silence,
    Unblock,
    Motion,
}

impl ActionKind {
    pub fn name(self) -> &'static str {
        match self {
            ActionKind::Suspend => "suspend",
            ActionKind::Silence => "silence",
            ActionKind::Unblock => "unblock",
            ActionKind::Motion => "motion",
        }
    }
}

/// The decision a proposal asks for, with its target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Action {
    /// Suspend the domain (severity `suspend`).
    Suspend { domain: String },
    /// Limit the domain (severity `silence`).
    Silence { domain: String },
    /// Lift any domain block on the domain.
    Unblock { domain: String },
    /// A decision with no automatic action.
    Motion,
}

impl Action {
    pub fn kind(&self) -> ActionKind {
        match self {
            Action::Suspend { .. } => ActionKind::Suspend,
            Action::Silence { .. } => ActionKind::Silence,
            Action::Unblock { .. } => ActionKind::Unblock,
            Action::Motion => ActionKind::Motion,
        }
    }

    pub fn domain(&self) -> Option<&str> {
        match self {
            Action::Suspend { domain }
            | Action::Silence { domain }
            | Action::Unblock { domain } => Some(domain),
            Action::Motion => None,
        }
    }
}

/// Orders Mastodon ids: by length, then lexically, so "20" sorts before "117…".
/// Ids are strings and must never be compared as plain strings.
pub fn id_order(left: &str, right: &str) -> std::cmp::Ordering {
    left.len().cmp(&right.len()).then_with(|| left.cmp(right))
}

#[cfg(test)]
mod tests;
