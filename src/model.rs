//! The shared vocabulary beneath both the request grammar (`commands`) and the core
//! (`governance`): a member's position, the decisions a proposal can ask for, and the
//! order of Mastodon ids. It imports nothing of the crate, so neither layer points up.

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

/// A domain block exactly as it stands on the instance, so that an urgent action can
/// put it back as it was when the vote does not back it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockState {
    /// `silence` or `suspend` (a block without a severity is read as the server means it).
    pub severity: String,
    #[serde(default)]
    pub public_comment: String,
    #[serde(default)]
    pub private_comment: String,
    #[serde(default)]
    pub reject_media: bool,
    #[serde(default)]
    pub reject_reports: bool,
    #[serde(default)]
    pub obfuscate: bool,
}
