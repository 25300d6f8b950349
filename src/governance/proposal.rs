//! A proposal's record: what was asked, who voted how, and how it ended.

use super::jury::{JuryCase, Seating};
use super::sealed::{Receipt, Sealed};
use super::{Action, Outcome, Position, Rule, Tally};
use crate::model::BlockState;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Who someone is: the account id, plus the full acct for people to read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    pub account_id: String,
    /// `user` for local accounts, `user@host` for remote ones.
    pub acct: String,
}

/// The author of a post or a favourite, with what eligibility needs to know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Author {
    pub identity: Identity,
    pub bot: bool,
    pub suspended: bool,
    pub created_at: Option<DateTime<Utc>>,
}

impl Author {
    /// Local accounts have no `@host` in their acct.
    pub fn is_local(&self) -> bool {
        !self.identity.acct.contains('@')
    }
}

/// A status as the core sees it: plain text, mentions of the bot already removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Post {
    pub status_id: String,
    pub url: String,
    pub author: Author,
    pub text: String,
    pub in_reply_to_id: Option<String>,
    /// Sent as a direct message (visibility `direct`).
    pub direct: bool,
    /// It mentions someone besides the bot and its author: as a vote on a sealed ballot,
    /// they would read it.
    pub mentions_others: bool,
    /// When it was posted, as the server says; a vote posted after the close is late.
    pub created_at: Option<DateTime<Utc>>,
}

/// A status the bot posted or answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusRef {
    pub status_id: String,
    pub url: String,
}

/// A counted vote by reply or by a `vote <n>` request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vote {
    pub voter: Identity,
    pub position: Position,
    pub reason: String,
    pub status_id: String,
    /// True for a reply to the ballot (checked against the thread at close);
    /// false for a `vote <n>` request posted elsewhere.
    pub in_thread: bool,
    /// On a sealed ballot, the receipt this vote was answered with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receipt: Option<Issued>,
}

/// What a vote says, and whether it replied to the ballot (a reply is checked against the
/// thread at the close; a `vote <n>` elsewhere is not).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub position: Position,
    pub reason: String,
    pub in_thread: bool,
}

/// A receipt sent for a vote on a sealed ballot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Issued {
    pub receipt: Receipt,
    /// How many receipts the voter was sent on this ballot before this one: it keys each
    /// receipt's message apart, so a changed vote is answered again and a vote heard
    /// twice is answered once.
    pub serial: u32,
}

/// Where a proposal is in its life.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "stage", rename_all = "snake_case")]
pub enum Stage {
    /// Accepted; the ballot is being posted.
    Opening,
    /// The ballot is up and votes are counted.
    Open,
    /// Voting ended with this result.
    Closed(Closing),
}

/// The final tally and what became of the decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Closing {
    pub outcome: Outcome,
    pub tally: Tally,
    pub closed_at: DateTime<Utc>,
    /// Block reasons, as (acct, reason), for the announcement and the record.
    pub block_reasons: Vec<(String, String)>,
    pub application: Application,
    /// What the public thread cannot show, stated in the announcement so that
    /// `coopgov verify` can tell a difference they explain from a false count.
    #[serde(default)]
    pub unseen: Unseen,
    /// The result's post in the ballot's thread, once posted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub announcement: Option<StatusRef>,
    /// A sealed ballot's receipt list and voters list: all it keeps of its votes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sealed: Option<Sealed>,
}

impl Closing {
    /// Cancelled before any vote was counted: no tally, no block reasons.
    pub fn cancelled_unvoted(closed_at: DateTime<Utc>, application: Application) -> Closing {
        Closing {
            outcome: Outcome::Cancelled,
            tally: Tally::default(),
            closed_at,
            block_reasons: Vec::new(),
            application,
            unseen: Unseen::default(),
            announcement: None,
            sealed: None,
        }
    }
}

/// Counted or refused votes that a reader of the ballot's thread cannot see as such.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unseen {
    /// Votes counted that were sent as `vote <n>` outside the ballot's thread.
    pub outside_thread: u32,
    /// Accounts whose replies or favourites were not counted because they may not vote
    /// (not on the roster, too new, remote, a bot, suspended).
    pub not_eligible: u32,
}

impl Unseen {
    pub fn is_empty(self) -> bool {
        self == Unseen::default()
    }
}

/// The state of carrying out a passed decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Application {
    /// Nothing to do: not passed, or a motion.
    NotNeeded,
    /// The admin call is queued or being retried.
    Pending,
    /// `actions.mode = "confirm"`: waits for a working-group `apply`.
    AwaitingConfirmation,
    /// `actions.mode = "dry_run"`: announced, nothing changed.
    DryRun,
    Applied {
        at: DateTime<Utc>,
    },
    Failed {
        reason: String,
    },
}

/// One proposal and everything recorded about it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Proposal {
    pub number: u64,
    pub action: Action,
    pub urgent: bool,
    /// The full reason; the ballot may show a shortened one.
    pub reason: String,
    pub proposer: Identity,
    pub request: StatusRef,
    /// The rule in force when it opened: later config changes do not move the goalposts.
    pub rule: Rule,
    pub opened_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    pub ballot: Option<StatusRef>,
    /// Each member's latest counted vote by reply or request, by account id. Stored
    /// apart from the record and loaded only where a tally is needed
    /// (`Records::proposal_with_votes`), so one vote costs the same with 10 or 10,000.
    #[serde(skip)]
    pub votes: BTreeMap<String, Vote>,
    /// Members whose favourite of the ballot counts, by account id (stored like `votes`).
    #[serde(skip)]
    pub favourites: BTreeMap<String, Identity>,
    /// Accounts already sent an explanation of why their vote did not count.
    pub explained: BTreeSet<String>,
    pub stage: Stage,
    /// The one reminder was posted (or its time had passed unseen).
    #[serde(default)]
    pub reminded: bool,
    /// When the Standing Jury decides it: the draw and its seating.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jury: Option<JuryCase>,
    /// How it came to be: a member's request, members' reports, an urgent action to
    /// ratify, or an appeal.
    #[serde(default, skip_serializing_if = "Origin::is_request")]
    pub origin: Origin,
}

/// How a proposal came to be.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(tag = "origin", rename_all = "snake_case")]
pub enum Origin {
    /// A member (or the working group) asked for it.
    #[default]
    Request,
    /// The bot opened it from members' reports about one remote domain.
    Reports(ReportCase),
    /// A working-group member acted at once; the vote ratifies or undoes it.
    Ratification(Provisional),
    /// A member appealed decision `of` to the whole membership.
    Appeal { of: u64 },
    /// The bot opened it from the advice of the lists the cooperative subscribes to.
    Subscription(Advised),
}

/// What is asked of a proposal's origin, each answered by one exhaustive match: a new
/// origin does not compile until every question has its answer.
impl Origin {
    pub fn is_request(&self) -> bool {
        match self {
            Origin::Request => true,
            Origin::Reports(_)
            | Origin::Ratification(_)
            | Origin::Appeal { .. }
            | Origin::Subscription(_) => false,
        }
    }

    /// The urgent action this proposal ratifies, if it ratifies one.
    pub fn ratified(&self) -> Option<&Provisional> {
        match self {
            Origin::Ratification(provisional) => Some(provisional),
            Origin::Request
            | Origin::Reports(_)
            | Origin::Appeal { .. }
            | Origin::Subscription(_) => None,
        }
    }

    pub fn ratified_mut(&mut self) -> Option<&mut Provisional> {
        match self {
            Origin::Ratification(provisional) => Some(provisional),
            Origin::Request
            | Origin::Reports(_)
            | Origin::Appeal { .. }
            | Origin::Subscription(_) => None,
        }
    }

    pub fn is_ratification(&self) -> bool {
        self.ratified().is_some()
    }

    /// The members' reports this proposal was opened from, if any.
    pub fn case(&self) -> Option<&ReportCase> {
        match self {
            Origin::Reports(case) => Some(case),
            Origin::Request
            | Origin::Ratification(_)
            | Origin::Appeal { .. }
            | Origin::Subscription(_) => None,
        }
    }

    /// The lists' advice this proposal was opened from, if any.
    pub fn advised(&self) -> Option<&Advised> {
        match self {
            Origin::Subscription(advised) => Some(advised),
            Origin::Request
            | Origin::Reports(_)
            | Origin::Ratification(_)
            | Origin::Appeal { .. } => None,
        }
    }

    pub fn advised_mut(&mut self) -> Option<&mut Advised> {
        match self {
            Origin::Subscription(advised) => Some(advised),
            Origin::Request
            | Origin::Reports(_)
            | Origin::Ratification(_)
            | Origin::Appeal { .. } => None,
        }
    }

    pub fn case_mut(&mut self) -> Option<&mut ReportCase> {
        match self {
            Origin::Reports(case) => Some(case),
            Origin::Request
            | Origin::Ratification(_)
            | Origin::Appeal { .. }
            | Origin::Subscription(_) => None,
        }
    }
}

/// Where a proposal opened from subscribed lists came from: kept in the record, the
/// exports, the pages and the block's private comment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Advised {
    /// Each subscription that lists the server (for an unblock: that dropped it), with
    /// what it says.
    pub sources: Vec<Source>,
    /// How many subscriptions the cooperative followed when it opened.
    pub of: u32,
    /// Carried into the block with a silence.
    #[serde(default)]
    pub reject_media: bool,
    #[serde(default)]
    pub reject_reports: bool,
    /// A batch's entries, each applied as its own block when it passes (empty for one
    /// proposal per entry).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub batch: Vec<Batched>,
}

/// A subscription's words about a server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    pub name: String,
    /// Its comment, as text; empty when it gives none.
    #[serde(default)]
    pub comment: String,
    #[serde(default)]
    pub labels: Vec<String>,
}

/// One entry of a batch ballot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Batched {
    pub domain: String,
    pub severity: crate::model::Severity,
    #[serde(default)]
    pub reject_media: bool,
    #[serde(default)]
    pub reject_reports: bool,
    pub sources: Vec<Source>,
    /// Taken out of the batch by a member's `exclude`: (who, why, its own proposal).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub excluded: Option<Exclusion>,
    /// Once the batch passed: its block applied, or why not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applied: Option<Result<(), String>>,
    /// Times a working group's `apply` tried it again after a failure: each try is an
    /// effect of its own key, since a key is carried out once.
    #[serde(default)]
    pub attempt: u64,
}

/// A member's `exclude <domain> <reason…>` reply to a batch ballot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exclusion {
    pub by: Identity,
    pub reason: String,
    pub status_id: String,
    /// The proposal it was put to on its own.
    pub proposal: u64,
}

/// What the public may know of a case opened from reports: how many, of what kinds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportCase {
    pub domain: String,
    /// Distinct local members who had reported accounts of the domain when it opened.
    pub reporters: u32,
    /// Reports per category when it opened (`spam`, `violation`, `legal`, `other`).
    pub categories: BTreeMap<String, u32>,
    /// The window the reports were counted in.
    #[serde(with = "humantime_seconds")]
    pub within: std::time::Duration,
    /// The reports of the case, those added while it was open included (ids only: the
    /// reports themselves are kept apart, and never posted).
    pub report_ids: Vec<String>,
    /// Resolve them when it closes (`[reports] resolve` when it opened).
    pub resolve: bool,
}

/// An urgent action in force while its ratification is voted on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provisional {
    /// The working-group member who acted.
    pub actor: Identity,
    /// The domain's block before the action, once read.
    pub earlier: Earlier,
}

/// The block a domain had before an urgent action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "read", rename_all = "snake_case")]
pub enum Earlier {
    /// Not read yet: nothing has been changed on the instance.
    Unknown,
    /// No block.
    Unblocked,
    Blocked(BlockState),
}

mod humantime_seconds {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(value: &std::time::Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(value.as_secs())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<std::time::Duration, D::Error> {
        u64::deserialize(d).map(std::time::Duration::from_secs)
    }
}

impl Proposal {
    /// Its votes are cast by direct message and kept sealed until the close (SPEC §14).
    pub fn is_sealed(&self) -> bool {
        self.rule.sealed
    }

    /// Votes count now: the ballot is up and, for a jury, the jury is seated.
    pub fn is_open(&self) -> bool {
        self.stage == Stage::Open && !self.is_seating()
    }

    /// The ballot is up and the jury is being seated: no vote counts yet.
    pub fn is_seating(&self) -> bool {
        self.stage == Stage::Open
            && self
                .jury
                .as_ref()
                .is_some_and(|jury| jury.seating == Seating::Seating)
    }

    pub fn closing(&self) -> Option<&Closing> {
        match &self.stage {
            Stage::Closed(closing) => Some(closing),
            _ => None,
        }
    }

    /// Whether what it did to its domain's block stands: everything but an urgent action
    /// the members did not ratify, which was undone.
    pub fn effect_stands(&self) -> bool {
        match self.origin {
            Origin::Ratification(_) => self
                .closing()
                .is_some_and(|closing| closing.outcome == Outcome::Passed),
            Origin::Request
            | Origin::Reports(_)
            | Origin::Appeal { .. }
            | Origin::Subscription(_) => true,
        }
    }

    /// What its decision set on each domain it touched, once applied: a severity, or
    /// `None` for a block lifted. One domain for most; each entry of a batch applied.
    pub fn blocks_set(&self) -> Vec<(&str, Option<crate::model::Severity>)> {
        let applied = self
            .closing()
            .is_some_and(|c| matches!(c.application, Application::Applied { .. }));
        if !applied {
            return Vec::new();
        }
        if let Action::Adopt { .. } = self.action {
            return self
                .origin
                .advised()
                .map(|advised| {
                    advised
                        .batch
                        .iter()
                        .filter(|entry| entry.excluded.is_none())
                        .filter(|entry| matches!(entry.applied, Some(Ok(()))))
                        .map(|entry| (entry.domain.as_str(), Some(entry.severity)))
                        .collect()
                })
                .unwrap_or_default();
        }
        self.action
            .domain()
            .map(|domain| vec![(domain, self.action.severity())])
            .unwrap_or_default()
    }

    /// Open and past its closing time.
    pub fn is_due(&self, now: DateTime<Utc>) -> bool {
        self.is_open() && self.closes_at <= now
    }

    /// The positions that count now: each member's vote, else their favourite.
    pub fn counted_positions(
        &self,
        favourites_count_as: Option<Position>,
    ) -> BTreeMap<String, Position> {
        let mut positions: BTreeMap<String, Position> = BTreeMap::new();
        // Everyone sees a favourite: on a sealed ballot it is never a vote.
        if let Some(position) = favourites_count_as.filter(|_| !self.is_sealed()) {
            for account_id in self.favourites.keys() {
                positions.insert(account_id.clone(), position);
            }
        }
        // An explicit vote always wins over a favourite.
        for (account_id, vote) in &self.votes {
            positions.insert(account_id.clone(), vote.position);
        }
        positions
    }

    pub fn tally(&self, favourites_count_as: Option<Position>) -> Tally {
        Tally::from_positions(self.counted_positions(favourites_count_as).into_values())
    }
}
