//! What the core asks the runtime to do, and the state it changed.

use super::kept::{Kept, KeptChange};
use super::messages;
use super::proposal::{Earlier, Identity, Proposal, StatusRef, Vote};
use super::purpose::Purpose;
use super::settings::Visibility;
use super::{Action, Outcome};
use crate::model::{BlockState, Severity};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Something the bot must do on the instance. Each effect has a purpose unique to what
/// it is for, written as its key (`ballot-3`, `receipt-<status id>`…): the store
/// enqueues a key once, and posts send it as their `Idempotency-Key`, so nothing is
/// done twice. Stored entries name the purpose `key`, as they always have.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "effect", rename_all = "snake_case")]
pub enum Effect {
    Post {
        #[serde(rename = "key")]
        purpose: Purpose,
        text: String,
        visibility: Visibility,
        in_reply_to: Option<String>,
        /// What the core must hear once the status exists.
        then: Option<FollowUp>,
    },
    /// A receipt: favourite a counted vote.
    Favourite {
        #[serde(rename = "key")]
        purpose: Purpose,
        status_id: String,
        /// The proposal whose vote it marks: once that closes, the receipt no longer
        /// matters and is dropped if it has not gone out (older entries lack it).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ballot: Option<u64>,
    },
    /// Carry out a passed decision through the admin API.
    Apply {
        #[serde(rename = "key")]
        purpose: Purpose,
        number: u64,
        action: Action,
        public_comment: String,
        private_comment: String,
        /// A silence that also refuses media or reports, as a list advised.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        reject_media: bool,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        reject_reports: bool,
    },
    /// Read a domain's block for a working group's urgent action, before anything is
    /// decided: the ratification opens (and the provisional block goes in) once the bot
    /// knows there is something to change, so an action with nothing to do opens nothing.
    ActNow {
        #[serde(rename = "key")]
        purpose: Purpose,
        command: UrgentCommand,
    },
    /// Read a domain's block before an urgent action changes it, so it can be put back:
    /// as versions that opened the ratification first enqueued it, still carried out.
    Snapshot {
        #[serde(rename = "key")]
        purpose: Purpose,
        number: u64,
        domain: String,
    },
    /// Make a domain's block exactly `block` (`None`: no block): an urgent action, the
    /// provisional mark removed when it is ratified, or the earlier block put back.
    SetBlock {
        #[serde(rename = "key")]
        purpose: Purpose,
        number: u64,
        domain: String,
        block: Option<BlockState>,
    },
    /// Resolve a member's report, with a note where the server takes one.
    Resolve {
        #[serde(rename = "key")]
        purpose: Purpose,
        report_id: String,
        comment: String,
    },
}

/// A working group's `suspend now` / `silence now`, kept while the domain's block is read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UrgentCommand {
    pub actor: Identity,
    pub action: Action,
    pub reason: String,
    /// The command's direct message: answered once the block is read, and the request of
    /// the ratification, if one opens.
    pub request: StatusRef,
}

/// A decision that waits for an effect's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "follow_up", rename_all = "snake_case")]
pub enum FollowUp {
    BallotPosted {
        number: u64,
        /// The ballot's first reply stating its terms, where the ballot had no room for
        /// them: written with the ballot, so the two always agree.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        terms: Option<String>,
    },
    /// A jury invitation: the member's answer replies to it.
    Invited { number: u64, acct: String },
    /// A case's jury is seated (or all members vote): its file goes to its readers.
    Seated { number: u64 },
    /// The result is posted: its address is kept for the public record.
    Announced { number: u64 },
}

impl Effect {
    pub fn post(
        purpose: Purpose,
        text: String,
        visibility: Visibility,
        in_reply_to: Option<String>,
    ) -> Effect {
        Effect::Post {
            purpose,
            text,
            visibility,
            in_reply_to,
            then: None,
        }
    }

    /// The admin call that makes the instance match `proposal`'s decision. For a
    /// ratification: the block kept without its provisional mark when it passed, else the
    /// earlier block put back (`None` when the urgent action never reached the instance).
    pub fn apply_decision(proposal: &Proposal, purpose: Purpose) -> Option<Effect> {
        if let Some(provisional) = proposal.origin.ratified() {
            let domain = proposal.action.domain()?.to_string();
            let earlier = match &provisional.earlier {
                Earlier::Unknown => return None,
                Earlier::Unblocked => None,
                Earlier::Blocked(block) => Some(block),
            };
            let passed = proposal
                .closing()
                .is_some_and(|closing| closing.outcome == Outcome::Passed);
            let block = match passed {
                true => Some(Effect::block_for(
                    proposal,
                    earlier,
                    messages::block_comment(proposal),
                )),
                false => earlier.cloned(),
            };
            return Some(Effect::SetBlock {
                purpose,
                number: proposal.number,
                domain,
                block,
            });
        }
        let advised = proposal.origin.advised();
        Some(Effect::Apply {
            purpose,
            number: proposal.number,
            action: proposal.action.clone(),
            public_comment: messages::block_comment(proposal),
            private_comment: match advised {
                Some(advised) => messages::advice::private_comment(proposal.number, advised),
                None => format!("coopgov proposal #{}: {}", proposal.number, proposal.reason),
            },
            reject_media: advised.is_some_and(|a| a.reject_media),
            reject_reports: advised.is_some_and(|a| a.reject_reports),
        })
    }

    /// `text` by direct message to each member of the working group, each keyed by
    /// `purpose(acct)`.
    pub fn tell_working_group(
        working_group: &BTreeMap<String, String>,
        purpose: impl Fn(String) -> Purpose,
        text: &str,
    ) -> Vec<Effect> {
        working_group
            .values()
            .map(|acct| {
                Effect::post(
                    purpose(acct.clone()),
                    messages::to(acct, text),
                    Visibility::Direct,
                    None,
                )
            })
            .collect()
    }

    /// The block `proposal`'s action puts in place with `public_comment`, keeping the
    /// earlier block's other settings (media, reports, obfuscation) as they were.
    pub fn block_for(
        proposal: &Proposal,
        earlier: Option<&BlockState>,
        public_comment: String,
    ) -> BlockState {
        BlockState {
            severity: proposal.action.severity().unwrap_or(Severity::Suspend),
            public_comment,
            private_comment: format!("coopgov proposal #{}: {}", proposal.number, proposal.reason),
            reject_media: earlier.is_some_and(|block| block.reject_media),
            reject_reports: earlier.is_some_and(|block| block.reject_reports),
            obfuscate: earlier.is_some_and(|block| block.obfuscate),
        }
    }

    /// The proposal an effect belongs to; answers and receipts belong to none.
    pub fn proposal(&self) -> Option<u64> {
        self.purpose().proposal()
    }

    /// What the effect is for.
    pub fn purpose(&self) -> &Purpose {
        match self {
            Effect::Post { purpose, .. }
            | Effect::Favourite { purpose, .. }
            | Effect::Apply { purpose, .. }
            | Effect::Snapshot { purpose, .. }
            | Effect::ActNow { purpose, .. }
            | Effect::SetBlock { purpose, .. }
            | Effect::Resolve { purpose, .. } => purpose,
        }
    }

    /// The key the store enqueues once and posts send as their idempotency key.
    pub fn key(&self) -> String {
        self.purpose().to_string()
    }
}

/// A change to a proposal's votes, stored apart from its record.
#[derive(Debug, Clone, PartialEq)]
pub enum VoteChange {
    /// A member's vote, replacing their earlier one.
    Cast { number: u64, vote: Vote },
    /// A member's favourite of the ballot.
    Favourite { number: u64, voter: Identity },
    /// A member's vote withdrawn (its post was deleted).
    Withdraw { number: u64, account_id: String },
    /// The reconciled record at the close: every vote and favourite, replacing all before.
    Replace {
        number: u64,
        votes: BTreeMap<String, Vote>,
        favourites: BTreeMap<String, Identity>,
    },
}

/// A change to the Standing Jury's pool of volunteers, stored apart from proposals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PoolChange {
    /// A member volunteered (`jury join`).
    Join { account_id: String, acct: String },
    /// A member left (`jury leave`).
    Leave { account_id: String },
}

/// One line of a proposal's history, kept forever (every request, vote,
/// command, state change and effect). The store stamps it with the time of the commit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub proposal: Option<u64>,
    /// The acct of whoever caused it; `None` for the bot's own doings.
    pub account: Option<String>,
    pub event: String,
}

/// What became of an effect, as its history line says: `done: <key>` or
/// `failed: <key>: <error>`. Databases hold these lines, so the format stays as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EffectEvent<'a> {
    Done {
        key: &'a str,
    },
    Failed {
        key: &'a str,
        error: &'a str,
    },
    /// Not carried out because it no longer mattered (a receipt after its ballot closed).
    Dropped {
        key: &'a str,
    },
}

impl<'a> EffectEvent<'a> {
    /// A history line about an effect, or `None` for any other line.
    pub fn parse(event: &'a str) -> Option<EffectEvent<'a>> {
        if let Some(key) = event.strip_prefix("done: ") {
            return Some(EffectEvent::Done { key });
        }
        if let Some(key) = event.strip_prefix("dropped: ") {
            return Some(EffectEvent::Dropped { key });
        }
        // Keys hold no ": ", errors may.
        let (key, error) = event.strip_prefix("failed: ")?.split_once(": ")?;
        Some(EffectEvent::Failed { key, error })
    }
}

impl std::fmt::Display for EffectEvent<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EffectEvent::Done { key } => write!(f, "done: {key}"),
            EffectEvent::Failed { key, error } => write!(f, "failed: {key}: {error}"),
            EffectEvent::Dropped { key } => write!(f, "dropped: {key}"),
        }
    }
}

/// The result of handling one event: proposals to store, effects to enqueue and the
/// history to append, written together in one transaction.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Step {
    pub proposals: Vec<Proposal>,
    pub effects: Vec<Effect>,
    pub audit: Vec<AuditEntry>,
    /// Accounts charged one answer each against their daily allowance.
    pub charged: Vec<String>,
    pub votes: Vec<VoteChange>,
    pub pool: Vec<PoolChange>,
    /// Records of the kinds kept by key (`kept.rs`), kept or forgotten.
    pub kept: Vec<KeptChange>,
}

impl Step {
    pub fn of(proposals: Vec<Proposal>, effects: Vec<Effect>) -> Step {
        Step {
            proposals,
            effects,
            ..Step::default()
        }
    }

    pub fn changed(proposal: Proposal) -> Step {
        Step {
            proposals: vec![proposal],
            ..Step::default()
        }
    }

    /// Adds a line to the history.
    pub fn logged(
        mut self,
        proposal: Option<u64>,
        account: Option<&str>,
        event: impl Into<String>,
    ) -> Step {
        self.audit.push(AuditEntry {
            proposal,
            account: account.map(str::to_string),
            event: event.into(),
        });
        self
    }

    /// This step, then `later`: everything both decided, in order. A proposal `later`
    /// changed again replaces this step's state of it, and so does a record it kept again.
    pub fn and(mut self, later: Step) -> Step {
        for proposal in later.proposals {
            self.proposals.retain(|p| p.number != proposal.number);
            self.proposals.push(proposal);
        }
        self.effects.extend(later.effects);
        self.audit.extend(later.audit);
        self.charged.extend(later.charged);
        self.votes.extend(later.votes);
        self.pool.extend(later.pool);
        for kept in later.kept {
            self.kept
                .retain(|k| (k.table, &k.key) != (kept.table, &kept.key));
            self.kept.push(kept);
        }
        self
    }

    /// Keeps `record` (replacing what the step kept under its key before).
    pub fn keep<T: Kept>(&mut self, record: &T) {
        let change = KeptChange::keep(record);
        self.kept
            .retain(|kept| (kept.table, &kept.key) != (change.table, &change.key));
        self.kept.push(change);
    }

    /// Forgets the record of kind `T` kept under `key` (what the step kept under it too).
    pub fn forget<T: Kept>(&mut self, key: &str) {
        let change = KeptChange::forget::<T>(key);
        self.kept
            .retain(|kept| (kept.table, &kept.key) != (change.table, &change.key));
        self.kept.push(change);
    }

    /// Changes nothing and does nothing (history aside).
    pub fn is_empty(&self) -> bool {
        self.proposals.is_empty()
            && self.effects.is_empty()
            && self.votes.is_empty()
            && self.pool.is_empty()
            && self.kept.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn effect_lines_read_back_as_written() {
        for (line, event) in [
            (
                "done: ballot-3",
                Some(EffectEvent::Done { key: "ballot-3" }),
            ),
            (
                "failed: apply-3: the instance refused (422): domain: is invalid",
                Some(EffectEvent::Failed {
                    key: "apply-3",
                    error: "the instance refused (422): domain: is invalid",
                }),
            ),
            ("failed: apply-3", None),
            ("vote counted: agree", None),
            ("closed: passed, agree 1", None),
        ] {
            assert_eq!(EffectEvent::parse(line), event, "{line}");
            if let Some(event) = event {
                assert_eq!(event.to_string(), line);
            }
        }
    }
}
