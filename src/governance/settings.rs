//! What the core needs to know of the configuration and the instance, as plain data.

use super::advice::AdviceSettings;
use super::eligibility::Membership;
use super::jury::JurySettings;
use super::reports::ReportSettings;
use super::{ActionKind, Position, Rule};
use crate::commands::Vocabulary;
use std::collections::BTreeMap;
use std::time::Duration;

/// Visibility of what the bot posts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    Public,
    Unlisted,
    Direct,
}

impl Visibility {
    pub fn name(self) -> &'static str {
        match self {
            Visibility::Public => "public",
            Visibility::Unlisted => "unlisted",
            Visibility::Direct => "direct",
        }
    }
}

/// `actions.mode`: what happens to a passed decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Apply it at once.
    Auto,
    /// Wait for a working-group member's `apply <n>`.
    Confirm,
    /// Announce what would be done, change nothing.
    DryRun,
}

/// Voting periods.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Durations {
    pub default: Duration,
    pub min: Duration,
    pub urgent_min: Duration,
    pub max: Duration,
}

/// What the core must know of the instance's server software.
#[derive(Debug, Clone)]
pub struct ServerTraits {
    /// As people know it: "Mastodon", "GoToSocial".
    pub name: String,
    /// Whether a domain can be limited (silenced); GoToSocial only suspends.
    pub can_silence: bool,
}

impl Default for ServerTraits {
    fn default() -> Self {
        ServerTraits {
            name: "Mastodon".to_string(),
            can_silence: true,
        }
    }
}

/// Everything the core decides with, besides the records and the time.
#[derive(Debug, Clone)]
pub struct Settings {
    pub bot_acct: String,
    pub server: ServerTraits,
    /// The instance's own domain: never a target of a domain block.
    pub instance_domain: String,
    /// The instance's status length limit.
    pub max_characters: usize,
    pub membership: Membership,
    /// `proposers = "working_group"`: only the working group opens proposals.
    pub proposers_working_group_only: bool,
    /// The working group: account id → acct, resolved from `bot.toml` at start-up.
    /// They give commands and are told by direct message when a decision cannot be applied.
    pub working_group: BTreeMap<String, String>,
    pub durations: Durations,
    pub ballot_visibility: Visibility,
    pub favourites_count_as: Option<Position>,
    pub receipts: bool,
    pub block_requires_reason: bool,
    /// One reminder in the ballot's thread this long before the close.
    pub reminder_before: Option<Duration>,
    pub mode: Mode,
    /// One rule for every kind (per-kind sections already merged over the default).
    pub rules: BTreeMap<ActionKind, Rule>,
    pub vocabulary: Vocabulary,
    /// Answers one account gets a day (0: no limit); the working group is not limited.
    pub answers_per_day: u32,
    /// Proposals one member opens a day (0: no limit); the working group is not limited.
    pub proposals_per_day: u32,
    /// The members' guide, linked from `help`.
    pub guide_url: Option<String>,
    /// The Standing Jury, when `bot.toml` has a `[jury]` section.
    pub jury: Option<JurySettings>,
    /// Cases from members' reports, when `[reports] watch` is on.
    pub reports: Option<ReportSettings>,
    /// Lists the cooperative subscribes to, when `bot.toml` has `[[subscriptions]]`.
    pub advice: Option<AdviceSettings>,
    /// How a working group's urgent action is ratified (`[rules.ratify]`).
    pub ratify_rule: Rule,
    /// How long after a jury's or a ratification's decision a member may appeal it;
    /// `None` when appeals are off.
    pub appeals_within: Option<Duration>,
}

impl Settings {
    pub fn rule_for(&self, kind: ActionKind) -> Rule {
        self.rules
            .get(&kind)
            .copied()
            .unwrap_or_else(Rule::social_coop)
    }

    /// The roster's size, for a percentage quorum.
    pub fn roster_size(&self) -> Option<usize> {
        self.membership.roster.as_ref().map(|roster| roster.len())
    }
}
