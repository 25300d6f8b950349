//! What the core asks the runtime to do, and the state it changed.

use super::proposal::Proposal;
use super::settings::Visibility;
use super::Action;
use serde::{Deserialize, Serialize};

/// Something the bot must do on the instance. Each effect has a key unique to what
/// it is for (`ballot-3`, `receipt-<status id>`…): the store enqueues a key once, and
/// posts send it as their `Idempotency-Key`, so nothing is done twice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "effect", rename_all = "snake_case")]
pub enum Effect {
    Post {
        key: String,
        text: String,
        visibility: Visibility,
        in_reply_to: Option<String>,
        /// What the core must hear once the status exists.
        then: Option<FollowUp>,
    },
    /// A receipt: favourite a counted vote.
    Favourite { key: String, status_id: String },
    /// Carry out a passed decision through the admin API.
    Apply {
        key: String,
        number: u64,
        action: Action,
        public_comment: String,
        private_comment: String,
    },
}

/// A decision that waits for an effect's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "follow_up", rename_all = "snake_case")]
pub enum FollowUp {
    BallotPosted { number: u64 },
}

impl Effect {
    pub fn post(
        key: String,
        text: String,
        visibility: Visibility,
        in_reply_to: Option<String>,
    ) -> Effect {
        Effect::Post {
            key,
            text,
            visibility,
            in_reply_to,
            then: None,
        }
    }

    pub fn key(&self) -> &str {
        match self {
            Effect::Post { key, .. }
            | Effect::Favourite { key, .. }
            | Effect::Apply { key, .. } => key,
        }
    }
}

/// The result of handling one event: proposals to store and effects to enqueue,
/// written together in one transaction.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Step {
    pub proposals: Vec<Proposal>,
    pub effects: Vec<Effect>,
}

impl Step {
    pub fn changed(proposal: Proposal) -> Step {
        Step {
            proposals: vec![proposal],
            effects: Vec::new(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.proposals.is_empty() && self.effects.is_empty()
    }
}
