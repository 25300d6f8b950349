//! Builders for core tests: settings, members, posts, and an in-memory record.
//! (Over 400 lines: one in-memory `Records` that every core test shares, so that each
//! test reads as members meet the bot rather than as set-up.)

use crate::commands::Vocabulary;
use crate::governance::eligibility::Membership;
use crate::governance::jury::{JurySettings, PoolSource, WhenShort};
use crate::governance::proposal::Vote;
use crate::governance::reports::FiledReport;
use crate::governance::settings::Durations;
use crate::governance::{
    ActionKind, Author, Effect, Identity, Mode, PoolChange, Position, Post, Proposal, Records,
    Rule, Settings, StatusRef, Step, Tally, Visibility, VoteChange,
};
use chrono::{DateTime, TimeZone, Utc};
use std::collections::BTreeMap;
use std::convert::Infallible;
use std::time::Duration;

/// The engine as core tests call it: reading a `Memory` cannot fail, so each event's
/// `Result` is its `Step`.
pub mod engine {
    use super::{infallible, Memory};
    use crate::governance::{engine as real, Author, Post, Proposal, Settings, StatusRef, Step};
    use chrono::{DateTime, Utc};

    pub use crate::governance::engine::{close, closing_time, on_applied};
    pub use crate::governance::ThreadRecord;

    pub fn on_post(settings: &Settings, memory: &Memory, post: &Post, now: DateTime<Utc>) -> Step {
        infallible(real::on_post(settings, memory, post, now))
    }

    pub fn on_favourite(
        settings: &Settings,
        memory: &Memory,
        proposal: &Proposal,
        author: &Author,
    ) -> Step {
        infallible(real::on_favourite(settings, memory, proposal, author))
    }

    pub fn on_deleted(memory: &Memory, status_id: &str) -> Step {
        infallible(real::on_deleted(memory, status_id))
    }

    /// For a proposal no jury decides, which needs neither settings nor records.
    pub fn on_ballot_posted(proposal: &Proposal, ballot: StatusRef) -> Step {
        let (settings, memory) = (super::settings(), Memory::default());
        infallible(real::on_ballot_posted(
            &settings,
            &memory,
            proposal,
            ballot,
            None,
            super::t0(),
        ))
    }
}

pub fn infallible<T>(result: Result<T, Infallible>) -> T {
    match result {
        Ok(value) => value,
        Err(never) => match never {},
    }
}

pub const BOT_ID: &str = "1";

pub fn settings() -> Settings {
    let rules = [
        ActionKind::Suspend,
        ActionKind::Silence,
        ActionKind::Unblock,
        ActionKind::Motion,
    ]
    .into_iter()
    .map(|kind| (kind, Rule::social_coop()))
    .collect();
    Settings {
        bot_acct: "coopbot".to_string(),
        server: Default::default(),
        instance_domain: "social.example".to_string(),
        max_characters: 500,
        membership: Membership {
            bot_account_id: BOT_ID.to_string(),
            min_account_age_days: 0,
            roster: None,
        },
        proposers_working_group_only: false,
        working_group: [("50".to_string(), "wg".to_string())].into_iter().collect(),
        durations: Durations {
            default: Duration::from_secs(6 * 86_400),
            min: Duration::from_secs(6 * 86_400),
            urgent_min: Duration::from_secs(2 * 86_400),
            max: Duration::from_secs(30 * 86_400),
        },
        ballot_visibility: Visibility::Public,
        favourites_count_as: Some(Position::Agree),
        receipts: true,
        block_requires_reason: true,
        reminder_before: None,
        mode: Mode::Auto,
        rules,
        vocabulary: Vocabulary::standard(),
        answers_per_day: 20,
        proposals_per_day: 3,
        guide_url: None,
        jury: None,
        reports: None,
        ratify_rule: crate::governance::Rule::ratify(),
        appeals_within: None,
    }
}

/// `settings()` with a Standing Jury of three drawn from `pool`, deciding suspensions
/// and limits.
pub fn with_jury(pool: PoolSource) -> Settings {
    Settings {
        jury: Some(JurySettings {
            pool,
            size: 3,
            consent_within: Duration::from_secs(86_400),
            duration: Duration::from_secs(3 * 86_400),
            decides: [ActionKind::Suspend, ActionKind::Silence].into(),
            when_short: WhenShort::Members,
            rule: Rule::social_coop(),
        }),
        ..settings()
    }
}

pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 1, 12, 0, 0)
        .single()
        .expect("a valid time")
}

pub fn days(n: i64) -> chrono::Duration {
    chrono::Duration::days(n)
}

/// A local member; ids are "100" + the name's length-stable number.
pub fn member(name: &str, id: u32) -> Author {
    Author {
        identity: Identity {
            account_id: id.to_string(),
            acct: name.to_string(),
        },
        bot: false,
        suspended: false,
        created_at: Some(t0() - days(365)),
    }
}

pub fn post(author: &Author, status_id: u64, text: &str, in_reply_to: Option<&str>) -> Post {
    Post {
        status_id: status_id.to_string(),
        url: format!(
            "https://social.example/@{}/{status_id}",
            author.identity.acct
        ),
        author: author.clone(),
        text: text.to_string(),
        in_reply_to_id: in_reply_to.map(str::to_string),
        direct: false,
        created_at: Some(t0()),
    }
}

/// One proposal's votes and favourites, by account id.
type Ballots = (BTreeMap<String, Vote>, BTreeMap<String, Identity>);

/// Proposals kept in memory, written the way the store writes them.
#[derive(Default, Clone)]
pub struct Memory {
    pub proposals: BTreeMap<u64, Proposal>,
    pub effect_keys: Vec<String>,
    pub charged: Vec<String>,
    pub votes: BTreeMap<u64, Ballots>,
    /// The jury's volunteers: account id → acct.
    pub jury_pool: BTreeMap<String, String>,
    /// Members' reports kept, by id.
    pub reports: BTreeMap<String, FiledReport>,
}

impl Memory {
    /// Applies a step; returns the effects that were new (as the store would enqueue).
    pub fn apply(&mut self, step: &Step) -> Vec<Effect> {
        // As the store does: records without their votes, votes from the changes.
        for proposal in &step.proposals {
            let mut record = proposal.clone();
            record.votes.clear();
            record.favourites.clear();
            self.proposals.insert(proposal.number, record);
        }
        for change in &step.votes {
            match change {
                VoteChange::Cast { number, vote } => {
                    let entry = self.votes.entry(*number).or_default();
                    entry.0.insert(vote.voter.account_id.clone(), vote.clone());
                }
                VoteChange::Withdraw { number, account_id } => {
                    self.votes.entry(*number).or_default().0.remove(account_id);
                }
                VoteChange::Favourite { number, voter } => {
                    let entry = self.votes.entry(*number).or_default();
                    entry.1.insert(voter.account_id.clone(), voter.clone());
                }
                VoteChange::Replace {
                    number,
                    votes,
                    favourites,
                } => {
                    self.votes
                        .insert(*number, (votes.clone(), favourites.clone()));
                }
            }
        }
        for change in &step.pool {
            match change {
                PoolChange::Join { account_id, acct } => {
                    self.jury_pool.insert(account_id.clone(), acct.clone());
                }
                PoolChange::Leave { account_id } => {
                    self.jury_pool.remove(account_id);
                }
            }
        }
        for report in &step.reports {
            self.reports.insert(report.id.clone(), report.clone());
        }
        self.charged.extend(step.charged.iter().cloned());
        let mut fresh = Vec::new();
        for effect in &step.effects {
            if !self.effect_keys.iter().any(|key| *key == effect.key()) {
                self.effect_keys.push(effect.key());
                fresh.push(effect.clone());
            }
        }
        fresh
    }

    /// Opens proposal #1 (suspend bad.example) and posts its ballot as status "500".
    pub fn with_open_ballot(settings: &Settings) -> Memory {
        let mut memory = Memory::default();
        let proposer = member("alice", 10);
        let request = post(
            &proposer,
            90,
            "propose suspend bad.example they host harassment",
            None,
        );
        let step = engine::on_post(settings, &memory, &request, t0());
        memory.apply(&step);
        memory.post_ballot_of_one(settings);
        memory
    }

    /// Posts proposal #1's ballot as status "500"; returns the new effects.
    pub fn post_ballot_of_one(&mut self, settings: &Settings) -> Vec<Effect> {
        let proposal = self.proposal(1).expect("proposal #1 opened");
        let ballot = StatusRef {
            status_id: "500".to_string(),
            url: "https://social.example/@coopbot/500".to_string(),
        };
        let step = infallible(crate::governance::engine::on_ballot_posted(
            settings,
            self,
            &proposal,
            ballot,
            None,
            t0(),
        ));
        self.apply(&step)
    }

    /// Closes proposal #1 six days in, with `bob` having replied `vote` to its ballot.
    pub fn close_with_bob(&mut self, settings: &Settings, vote: &str) -> Vec<Effect> {
        let record = engine::ThreadRecord {
            replies: vec![post(&member("bob", 11), 600, vote, Some("500"))],
            favourited_by: vec![],
        };
        self.close_at_six_days(settings, &record)
    }

    /// Closes proposal #1 six days in, reading `record` as its thread; the new effects.
    pub fn close_at_six_days(
        &mut self,
        settings: &Settings,
        record: &engine::ThreadRecord,
    ) -> Vec<Effect> {
        let step = engine::close(settings, &self.one(), record, t0() + days(6));
        self.apply(&step)
    }

    /// Proposal #1 with its votes.
    pub fn one(&self) -> Proposal {
        self.proposal_with_votes(1).expect("proposal #1")
    }
}

/// The records as the tests read them; `Records` below gives the engine the same.
impl Memory {
    pub fn all_proposals(&self) -> Vec<Proposal> {
        self.proposals.values().cloned().collect()
    }

    pub fn proposal(&self, number: u64) -> Option<Proposal> {
        self.proposals.get(&number).cloned()
    }

    pub fn proposal_with_votes(&self, number: u64) -> Option<Proposal> {
        let mut proposal = self.proposal(number)?;
        if let Some((votes, favourites)) = self.votes.get(&number) {
            proposal.votes = votes.clone();
            proposal.favourites = favourites.clone();
        }
        Some(proposal)
    }

    pub fn vote(&self, number: u64, account_id: &str) -> Option<Vote> {
        self.votes.get(&number)?.0.get(account_id).cloned()
    }

    pub fn has_favourite(&self, number: u64, account_id: &str) -> bool {
        self.votes
            .get(&number)
            .is_some_and(|(_, favourites)| favourites.contains_key(account_id))
    }

    pub fn proposal_by_ballot(&self, status_id: &str) -> Option<Proposal> {
        self.proposals
            .values()
            .find(|p| p.ballot.as_ref().is_some_and(|b| b.status_id == status_id))
            .cloned()
    }

    pub fn proposal_by_request(&self, status_id: &str) -> Option<u64> {
        self.proposals
            .values()
            .find(|p| p.request.status_id == status_id)
            .map(|p| p.number)
    }

    pub fn answers_given(&self, account_id: &str, _day: chrono::NaiveDate) -> u32 {
        self.charged.iter().filter(|id| *id == account_id).count() as u32
    }

    pub fn next_number(&self) -> u64 {
        self.proposals.keys().max().map_or(1, |n| n + 1)
    }
}

impl Records for Memory {
    type Error = Infallible;

    fn all_proposals(&self) -> Result<Vec<Proposal>, Infallible> {
        Ok(Memory::all_proposals(self))
    }

    fn proposal(&self, number: u64) -> Result<Option<Proposal>, Infallible> {
        Ok(Memory::proposal(self, number))
    }

    fn proposal_with_votes(&self, number: u64) -> Result<Option<Proposal>, Infallible> {
        Ok(Memory::proposal_with_votes(self, number))
    }

    fn vote(&self, number: u64, account_id: &str) -> Result<Option<Vote>, Infallible> {
        Ok(Memory::vote(self, number, account_id))
    }

    fn has_favourite(&self, number: u64, account_id: &str) -> Result<bool, Infallible> {
        Ok(Memory::has_favourite(self, number, account_id))
    }

    fn proposal_by_ballot(&self, status_id: &str) -> Result<Option<Proposal>, Infallible> {
        Ok(Memory::proposal_by_ballot(self, status_id))
    }

    fn proposal_by_request(&self, status_id: &str) -> Result<Option<u64>, Infallible> {
        Ok(Memory::proposal_by_request(self, status_id))
    }

    fn answers_given(&self, account_id: &str, day: chrono::NaiveDate) -> Result<u32, Infallible> {
        Ok(Memory::answers_given(self, account_id, day))
    }

    fn next_number(&self) -> Result<u64, Infallible> {
        Ok(Memory::next_number(self))
    }

    fn jury_pool(&self) -> Result<BTreeMap<String, String>, Infallible> {
        Ok(self.jury_pool.clone())
    }

    fn filed_reports(&self) -> Result<BTreeMap<String, FiledReport>, Infallible> {
        Ok(self.reports.clone())
    }
}

/// The text of the first post effect, for assertions.
pub fn first_post_text(effects: &[Effect]) -> String {
    effects
        .iter()
        .find_map(|effect| match effect {
            Effect::Post { text, .. } => Some(text.clone()),
            _ => None,
        })
        .unwrap_or_default()
}

pub fn tally(agree: u32, abstain: u32, disagree: u32, block: u32) -> Tally {
    Tally {
        agree,
        abstain,
        disagree,
        block,
    }
}
