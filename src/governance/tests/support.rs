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
use std::time::Duration;

/// The engine as core tests call it: reading a `Memory` cannot fail, so each event's
/// `Result` is its `Step`.
pub mod engine {
    use super::{infallible, Memory};
    use crate::governance::sealed::Draw;
    use crate::governance::{engine as real, Author, Post, Proposal, Settings, StatusRef, Step};
    use chrono::{DateTime, Utc};

    pub use crate::governance::engine::{close, closing_time, on_applied};
    pub use crate::governance::ThreadRecord;

    pub fn on_post(settings: &Settings, memory: &Memory, post: &Post, now: DateTime<Utc>) -> Step {
        infallible(real::on_post(settings, memory, post, draw(post), now))
    }

    /// A receipt's bits for `post`, as the edge would draw them, but repeatable: from
    /// its status id.
    pub fn draw(post: &Post) -> Draw {
        let mut bits: u64 = 0xC00B_5EA1;
        for byte in post.status_id.bytes() {
            bits = bits.rotate_left(7) ^ u64::from(byte).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
        Draw(bits)
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

/// A read of the records in memory: it cannot fail (the tables are in memory).
pub fn infallible<T>(result: Result<T, crate::store::StoreError>) -> T {
    result.expect("the records in memory are always read")
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
        advice: None,
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
        mentions_others: false,
        created_at: Some(t0()),
    }
}

pub use crate::store::Memory;

/// The time the tests' steps are written at: the answers given count per day of it.
fn written_at() -> DateTime<Utc> {
    t0()
}

impl Memory {
    /// Writes a step as the bot's store does (it is the store, in memory); returns the
    /// effects that were new (a key enqueued before is not enqueued again).
    pub fn apply(&mut self, step: &Step) -> Vec<Effect> {
        let before: Vec<String> = self
            .pending_effects()
            .map(|pending| pending.iter().map(|(_, e)| e.effect.key()).collect())
            .unwrap_or_default();
        let known =
            |key: &str| infallible(self.was_enqueued(key)) || before.iter().any(|k| k == key);
        let mut fresh: Vec<Effect> = Vec::new();
        for effect in &step.effects {
            let key = effect.key();
            if !known(&key) && !fresh.iter().any(|f| f.key() == key) {
                fresh.push(effect.clone());
            }
        }
        self.commit(step, None, written_at())
            .expect("a step is written in memory");
        fresh
    }

    /// The records as the tests read them: a read in memory cannot fail, so each read is
    /// its value (the engine reads through `Records`, which gives the same).
    pub fn all_proposals(&self) -> Vec<Proposal> {
        infallible(Records::all_proposals(self))
    }

    pub fn proposal(&self, number: u64) -> Option<Proposal> {
        infallible(Records::proposal(self, number))
    }

    pub fn proposal_with_votes(&self, number: u64) -> Option<Proposal> {
        infallible(Records::proposal_with_votes(self, number))
    }

    pub fn vote(&self, number: u64, account_id: &str) -> Option<Vote> {
        infallible(Records::vote(self, number, account_id))
    }

    pub fn next_number(&self) -> u64 {
        infallible(Records::next_number(self))
    }

    /// Keeps `proposal` as it is (its votes and favourites apart, as the store keeps them).
    pub fn insert(&mut self, proposal: Proposal) {
        let mut step = Step::changed(proposal.clone());
        if !proposal.votes.is_empty() || !proposal.favourites.is_empty() {
            step.votes.push(VoteChange::Replace {
                number: proposal.number,
                votes: proposal.votes,
                favourites: proposal.favourites,
            });
        }
        self.apply(&step);
    }

    /// Every proposal kept.
    pub fn proposal_count(&self) -> usize {
        infallible(Records::all_proposals(self)).len()
    }

    /// The jury's volunteers: account id → acct.
    pub fn pool(&self) -> BTreeMap<String, String> {
        infallible(self.jury_pool())
    }

    /// `acct` volunteers for the jury (`jury join`), as account `account_id`.
    pub fn join_pool(&mut self, account_id: &str, acct: &str) {
        let step = Step {
            pool: vec![PoolChange::Join {
                account_id: account_id.to_string(),
                acct: acct.to_string(),
            }],
            ..Step::default()
        };
        self.apply(&step);
    }

    /// `account_id` leaves the jury's pool.
    pub fn leave_pool(&mut self, account_id: &str) {
        let step = Step {
            pool: vec![PoolChange::Leave {
                account_id: account_id.to_string(),
            }],
            ..Step::default()
        };
        self.apply(&step);
    }

    /// Members' reports kept, by id.
    pub fn filed_reports(&self) -> BTreeMap<String, FiledReport> {
        infallible(self.all_kept::<FiledReport>())
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
