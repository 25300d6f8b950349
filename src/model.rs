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
    /// Adopt a batch of entries from a subscribed list, each applied as its own block
    /// when it passes (the entries are kept with the proposal's origin). `suspend` and
    /// `silence` count them as the ballot announced them.
    Adopt {
        from: String,
        suspend: u32,
        silence: u32,
    },
}

impl Action {
    pub fn kind(&self) -> ActionKind {
        match self {
            Action::Suspend { .. } => ActionKind::Suspend,
            Action::Silence { .. } => ActionKind::Silence,
            Action::Unblock { .. } => ActionKind::Unblock,
            Action::Motion => ActionKind::Motion,
            // A batch is decided under the rule of the strictest kind it holds.
            Action::Adopt { suspend, .. } if *suspend > 0 => ActionKind::Suspend,
            Action::Adopt { .. } => ActionKind::Silence,
        }
    }

    pub fn domain(&self) -> Option<&str> {
        match self {
            Action::Suspend { domain }
            | Action::Silence { domain }
            | Action::Unblock { domain } => Some(domain),
            Action::Motion | Action::Adopt { .. } => None,
        }
    }
}

/// Orders Mastodon ids: by length, then lexically, so "20" sorts before "117…".
/// Ids are strings and must never be compared as plain strings.
pub fn id_order(left: &str, right: &str) -> std::cmp::Ordering {
    left.len().cmp(&right.len()).then_with(|| left.cmp(right))
}

/// How strictly a server is blocked, as Mastodon's domain blocks and blocklist files
/// name it, from the mildest: `noop` (media rejected only), `silence` (limited),
/// `suspend`. Ordered by strictness.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Noop,
    Silence,
    Suspend,
}

impl Severity {
    pub const ALL: [Severity; 3] = [Severity::Noop, Severity::Silence, Severity::Suspend];

    /// The name Mastodon's API and blocklist files use.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Noop => "noop",
            Severity::Silence => "silence",
            Severity::Suspend => "suspend",
        }
    }

    /// The severity a name means, as `name` writes it.
    pub fn from_name(name: &str) -> Option<Severity> {
        Severity::ALL
            .into_iter()
            .find(|severity| severity.name().eq_ignore_ascii_case(name.trim()))
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl Action {
    /// The block this decision puts in place; `None` for one that lifts a block or
    /// changes nothing.
    pub fn severity(&self) -> Option<Severity> {
        match self {
            Action::Suspend { .. } => Some(Severity::Suspend),
            Action::Silence { .. } => Some(Severity::Silence),
            Action::Unblock { .. } | Action::Motion | Action::Adopt { .. } => None,
        }
    }
}

/// A domain block exactly as it stands on the instance, so that an urgent action can
/// put it back as it was when the vote does not back it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockState {
    /// A block without a severity on the wire is read as the server means it.
    pub severity: Severity,
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
