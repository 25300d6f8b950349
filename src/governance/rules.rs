//! Decision rules and the tally: a pure function of the counted positions.

use super::Position;
use serde::{Deserialize, Serialize};

/// How a rule weighs the positions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// More agree than the threshold of agree + disagree, and no more blocks than allowed.
    Consensus,
    /// No more blocks than allowed; disagreement alone does not stop it.
    Consent,
    /// Agree above the threshold of everyone who took a side (blocks count against).
    Majority,
}

impl Method {
    pub fn name(self) -> &'static str {
        match self {
            Method::Consensus => "consensus",
            Method::Consent => "consent",
            Method::Majority => "majority",
        }
    }
}

/// The least number of voters for a decision to count.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Quorum {
    /// A number of voters (0 = none).
    Voters(u32),
    /// A percentage of the roster; only meaningful with `voters = "roster"`.
    PercentOfRoster(f64),
}

impl Quorum {
    /// The number of voters needed, given the roster size when one is configured.
    /// A percentage rounds up: 20% of 11 members is 3 voters.
    pub fn voters_needed(self, roster_size: Option<usize>) -> u32 {
        match self {
            Quorum::Voters(n) => n,
            Quorum::PercentOfRoster(percent) => {
                let members = roster_size.unwrap_or(0) as f64;
                (members * percent / 100.0).ceil() as u32
            }
        }
    }
}

/// One rule: the method and its parameters.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Rule {
    pub method: Method,
    pub quorum: Quorum,
    /// For consensus and majority: the share of agree that must be exceeded.
    pub threshold: f64,
    /// For consensus and consent: how many blocks a proposal survives.
    pub max_blocks: u32,
    /// Lets a proposal pass despite blocks when agree ≥ ratio × (disagree + block).
    pub block_override_ratio: Option<f64>,
    /// Votes are cast by direct message and answered with receipts; only the number of
    /// voters is public until the close (SPEC §14). Frozen at opening with the rule.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub sealed: bool,
}

impl Rule {
    /// Social.coop's bylaws: more agree than disagree, any block needs 9 × support.
    pub fn social_coop() -> Rule {
        Rule {
            method: Method::Consensus,
            quorum: Quorum::Voters(0),
            threshold: 0.5,
            max_blocks: 0,
            block_override_ratio: Some(9.0),
            sealed: false,
        }
    }

    /// How an urgent action is ratified unless `[rules.ratify]` says otherwise: it stays
    /// unless a block stands (consent, no quorum, any block overridden 9 to 1).
    pub fn ratify() -> Rule {
        Rule {
            method: Method::Consent,
            ..Rule::social_coop()
        }
    }
}

/// How many members took each position.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    pub agree: u32,
    pub abstain: u32,
    pub disagree: u32,
    pub block: u32,
}

impl Tally {
    pub fn from_positions(positions: impl IntoIterator<Item = Position>) -> Tally {
        let mut tally = Tally::default();
        for position in positions {
            tally.add(position);
        }
        tally
    }

    pub fn add(&mut self, position: Position) {
        match position {
            Position::Agree => self.agree += 1,
            Position::Abstain => self.abstain += 1,
            Position::Disagree => self.disagree += 1,
            Position::Block => self.block += 1,
        }
    }

    pub fn count(&self, position: Position) -> u32 {
        match position {
            Position::Agree => self.agree,
            Position::Abstain => self.abstain,
            Position::Disagree => self.disagree,
            Position::Block => self.block,
        }
    }

    /// Everyone who voted, abstentions included (they count toward the quorum only).
    pub fn voters(&self) -> u32 {
        self.agree + self.abstain + self.disagree + self.block
    }
}

/// How a proposal ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Passed,
    Rejected,
    Blocked,
    NoQuorum,
    Cancelled,
}

impl Outcome {
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Passed => "passed",
            Outcome::Rejected => "rejected",
            Outcome::Blocked => "blocked",
            Outcome::NoQuorum => "no_quorum",
            Outcome::Cancelled => "cancelled",
        }
    }
}

/// For people: `no quorum`, where `name` gives exports the token `no_quorum`; a
/// proposal members' blocks stopped is `stopped by a block`, never read as a server
/// blocked.
impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Outcome::NoQuorum => f.write_str("no quorum"),
            Outcome::Blocked => f.write_str("stopped by a block"),
            other => f.write_str(other.name()),
        }
    }
}

/// Decides a proposal from its tally.
///
/// `roster_size` is the number of members on the roster when one is configured,
/// for a percentage quorum. The order of checks is: quorum, then blocks, then support.
pub fn decide(rule: &Rule, tally: &Tally, roster_size: Option<usize>) -> Outcome {
    if tally.voters() < rule.quorum.voters_needed(roster_size) {
        return Outcome::NoQuorum;
    }
    let agree = f64::from(tally.agree);
    let disagree = f64::from(tally.disagree);
    let block = f64::from(tally.block);
    // A tie never passes, and neither does a proposal nobody took a side on (0 = 0).
    let tied = tally.agree == tally.disagree;
    let blocks_overridden = rule
        .block_override_ratio
        .is_some_and(|ratio| agree >= ratio * (disagree + block));
    let blocks_stop = tally.block > rule.max_blocks && !blocks_overridden;
    match rule.method {
        Method::Consensus => {
            if blocks_stop {
                Outcome::Blocked
            } else if !tied && agree / (agree + disagree) > rule.threshold {
                Outcome::Passed
            } else {
                Outcome::Rejected
            }
        }
        Method::Consent => {
            if blocks_stop {
                Outcome::Blocked
            } else if !tied && tally.agree > 0 {
                // Consent needs someone to consent: a proposal nobody agreed with fails.
                Outcome::Passed
            } else {
                Outcome::Rejected
            }
        }
        Method::Majority => {
            let sides = agree + disagree + block;
            if !tied && sides > 0.0 && agree / sides > rule.threshold {
                Outcome::Passed
            } else {
                Outcome::Rejected
            }
        }
    }
}
