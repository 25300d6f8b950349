//! The decisions: (records, event, now, settings) → (changed proposals, effects).
//!
//! Every function here is deterministic. Handling the same event twice yields the same
//! proposals and effects with the same keys, which the store enqueues only once.

use super::effects::{Effect, FollowUp, Step, VoteChange};
use super::messages;
use super::proposal::{
    Application, Author, Closing, Identity, Post, Proposal, Stage, StatusRef, Unseen, Vote,
};
use super::purpose::Purpose;
use super::rules::decide;
use super::settings::{Mode, Settings, Visibility};
use super::working_group;
use super::{id_order, Action, Outcome, Position};
use crate::commands::{self, ParseError, ProposeRequest, Request};
use chrono::{DateTime, Timelike, Utc};
use std::collections::BTreeMap;

/// Read access to the stored proposals. The core never writes; it returns a `Step`.
pub trait Records {
    /// Every proposal, in number order.
    fn all_proposals(&self) -> Vec<Proposal>;
    /// A proposal's record, without its votes (see `proposal_with_votes`).
    fn proposal(&self, number: u64) -> Option<Proposal>;
    /// A proposal with its votes and favourites loaded, for a tally.
    fn proposal_with_votes(&self, number: u64) -> Option<Proposal>;
    /// A member's current vote on a proposal.
    fn vote(&self, number: u64, account_id: &str) -> Option<Vote>;
    /// Whether a member's favourite of the ballot is recorded.
    fn has_favourite(&self, number: u64, account_id: &str) -> bool;
    fn proposal_by_ballot(&self, status_id: &str) -> Option<Proposal>;
    fn proposal_by_request(&self, status_id: &str) -> Option<u64>;
    fn next_number(&self) -> u64;
    /// Answers the account was given on `day` (UTC).
    fn answers_given(&self, account_id: &str, day: chrono::NaiveDate) -> u32;
}

/// What the bot read of a ballot at closing time.
#[derive(Debug, Clone, Default)]
pub struct ThreadRecord {
    /// Statuses below the ballot (any depth; only direct replies are votes).
    pub replies: Vec<Post>,
    pub favourited_by: Vec<Author>,
}

/// A post that mentions the bot or replies to one of its ballots.
pub fn on_post(
    settings: &Settings,
    records: &impl Records,
    post: &Post,
    now: DateTime<Utc>,
) -> Step {
    let step = decide_post(settings, records, post, now);
    ration_answers(settings, records, post, step, now)
}

/// Keeps an account's answers within its daily allowance: past it, the bot stays silent
/// (answering a flood would amplify it), and says so only in its history.
fn ration_answers(
    settings: &Settings,
    records: &impl Records,
    post: &Post,
    mut step: Step,
    now: DateTime<Utc>,
) -> Step {
    let author = &post.author.identity;
    let is_answer = |effect: &Effect| {
        matches!(
            effect.purpose(),
            Some(Purpose::Answer { .. } | Purpose::Explanation { .. })
        )
    };
    let answers = step
        .effects
        .iter()
        .filter(|effect| is_answer(effect))
        .count() as u32;
    if answers == 0
        || settings.answers_per_day == 0
        || settings.working_group.contains_key(&author.account_id)
    {
        return step;
    }
    let given = records.answers_given(&author.account_id, now.date_naive());
    if given + answers > settings.answers_per_day {
        step.effects.retain(|effect| !is_answer(effect));
        let event = format!("not answered: {} answers today already", given);
        return step.logged(None, Some(&author.acct), event);
    }
    step.charged.extend(std::iter::repeat_n(
        author.account_id.clone(),
        answers as usize,
    ));
    step
}

fn decide_post(
    settings: &Settings,
    records: &impl Records,
    post: &Post,
    now: DateTime<Utc>,
) -> Step {
    if post.author.identity.account_id == settings.membership.bot_account_id {
        return Step::default();
    }
    let ballot = post
        .in_reply_to_id
        .as_deref()
        .and_then(|id| records.proposal_by_ballot(id));
    if let Some(proposal) = &ballot {
        if let Some((position, reason)) =
            commands::parse_vote_reply(&post.text, &settings.vocabulary)
        {
            return record_vote(settings, records, proposal, post, position, reason, true);
        }
    }
    if let Some(command) = commands::parse_command(&post.text) {
        return working_group::on_command(settings, records, post, command, now);
    }
    match commands::parse_request(&post.text, &settings.vocabulary) {
        Ok(Request::Propose(request)) => open(settings, records, post, &request, now),
        Ok(Request::Vote {
            number,
            position,
            reason,
        }) => match records.proposal(number) {
            Some(proposal) => {
                let in_thread = ballot.as_ref().is_some_and(|b| b.number == number);
                record_vote(
                    settings, records, &proposal, post, position, reason, in_thread,
                )
            }
            None => answer(post, format!("There is no proposal #{number}.")),
        },
        Ok(Request::Status { number }) => match records.proposal_with_votes(number) {
            Some(proposal) => answer(post, messages::status_report(settings, &proposal)),
            None => answer(post, format!("There is no proposal #{number}.")),
        },
        Ok(Request::Help) if post.direct && working_group::is_member(settings, post) => {
            answer(post, commands::working_group_help())
        }
        Ok(Request::Help) => answer(post, help(settings)),
        Err(ParseError::UnknownPosition { number, .. }) => match records.proposal(number) {
            Some(proposal) => {
                let error = commands::parse_request(&post.text, &settings.vocabulary)
                    .err()
                    .map(|e| e.to_string())
                    .unwrap_or_default();
                explain(&proposal, &post.author.identity, &post.status_id, &error)
            }
            None => answer(post, format!("There is no proposal #{number}.")),
        },
        // In a thread, words that are not a request are conversation: leave them alone.
        Err(error) if post.in_reply_to_id.is_some() && error.is_not_a_request() => Step::default(),
        Err(error) => answer(post, error.to_string()),
    }
}

/// A favourite of one of the bot's ballots.
pub fn on_favourite(
    settings: &Settings,
    records: &impl Records,
    proposal: &Proposal,
    author: &Author,
) -> Step {
    if !proposal.is_open() || settings.favourites_count_as.is_none() {
        return Step::default();
    }
    let identity = &author.identity;
    if let Err(why) = settings.membership.check(author, proposal.opened_at) {
        return refuse(settings, proposal, author, None, &why.explanation());
    }
    if records.has_favourite(proposal.number, &identity.account_id) {
        return Step::default();
    }
    let change = VoteChange::Favourite {
        number: proposal.number,
        voter: identity.clone(),
    };
    Step {
        votes: vec![change],
        ..Step::default()
    }
    .logged(
        Some(proposal.number),
        Some(&identity.acct),
        "favourite counted as a vote",
    )
}

/// A status was deleted. When it was a vote counted on an open proposal, the vote is
/// withdrawn now, so `status` and the reminder count what members can see; the close
/// reads the thread again in any case.
pub fn on_deleted(records: &impl Records, status_id: &str) -> Step {
    for proposal in records.all_proposals().iter().filter(|p| p.is_open()) {
        let Some(counted) = records.proposal_with_votes(proposal.number) else {
            continue;
        };
        let Some(vote) = counted.votes.values().find(|v| v.status_id == status_id) else {
            continue;
        };
        let withdrawn = VoteChange::Withdraw {
            number: proposal.number,
            account_id: vote.voter.account_id.clone(),
        };
        return Step {
            votes: vec![withdrawn],
            ..Step::default()
        }
        .logged(
            Some(proposal.number),
            Some(&vote.voter.acct),
            "vote withdrawn: its post was deleted",
        );
    }
    Step::default()
}

/// The ballot is posted: voting is open, and the requester gets the link.
pub fn on_ballot_posted(proposal: &Proposal, ballot: StatusRef) -> Step {
    if proposal.stage != Stage::Opening {
        return Step::default();
    }
    let mut proposal = proposal.clone();
    let text = messages::opened(&proposal, &ballot.url);
    proposal.ballot = Some(ballot);
    proposal.stage = Stage::Open;
    let reply = Effect::post(
        Purpose::Opened {
            number: proposal.number,
        }
        .to_string(),
        messages::to(&proposal.proposer.acct, &text),
        Visibility::Direct,
        Some(proposal.request.status_id.clone()),
    );
    let event = format!(
        "ballot posted: {}",
        proposal
            .ballot
            .as_ref()
            .map(|b| b.url.as_str())
            .unwrap_or_default()
    );
    let number = proposal.number;
    Step::of(vec![proposal], vec![reply]).logged(Some(number), None, event)
}

/// Open proposals whose time is up, in number order.
pub fn due(proposals: &[Proposal], now: DateTime<Utc>) -> Vec<u64> {
    proposals
        .iter()
        .filter(|proposal| proposal.is_due(now))
        .map(|proposal| proposal.number)
        .collect()
}

/// Closes a proposal: reconciles the live record with the thread, tallies, announces.
/// `proposal` must come with its votes (`Records::proposal_with_votes`).
pub fn close(
    settings: &Settings,
    proposal: &Proposal,
    record: &ThreadRecord,
    now: DateTime<Utc>,
) -> Step {
    let Some(ballot) = proposal.ballot.clone().filter(|_| proposal.is_open()) else {
        return Step::default();
    };
    let (mut proposal, not_eligible) = reconcile(settings, proposal, &ballot.status_id, record);
    let tally = proposal.tally(settings.favourites_count_as);
    let outcome = decide(&proposal.rule, &tally, settings.roster_size());
    let application = match (outcome, &proposal.action, settings.mode) {
        (Outcome::Passed, Action::Motion, _)
        | (Outcome::Rejected | Outcome::Blocked | Outcome::NoQuorum | Outcome::Cancelled, _, _) => {
            Application::NotNeeded
        }
        (Outcome::Passed, _, Mode::Auto) => Application::Pending,
        (Outcome::Passed, _, Mode::Confirm) => Application::AwaitingConfirmation,
        (Outcome::Passed, _, Mode::DryRun) => Application::DryRun,
    };
    let block_reasons = proposal
        .votes
        .values()
        .filter(|vote| vote.position == Position::Block)
        .map(|vote| (vote.voter.acct.clone(), vote.reason.clone()))
        .collect();
    let closing = Closing {
        outcome,
        tally,
        closed_at: now,
        block_reasons,
        application: application.clone(),
        unseen: Unseen {
            outside_thread: count_u32(proposal.votes.values().filter(|v| !v.in_thread).count()),
            not_eligible,
        },
    };
    let mut effects = vec![Effect::post(
        Purpose::Result {
            number: proposal.number,
        }
        .to_string(),
        messages::announcement(settings, &proposal, &closing),
        settings.ballot_visibility,
        Some(ballot.status_id.clone()),
    )];
    if application == Application::Pending {
        effects.push(apply_effect(
            &proposal,
            Purpose::Apply {
                number: proposal.number,
            }
            .to_string(),
        ));
    }
    let event = format!(
        "closed: {outcome}, {} ({} voters)",
        messages::counts(&tally),
        tally.voters()
    );
    let number = proposal.number;
    proposal.stage = Stage::Closed(closing);
    let reconciled = VoteChange::Replace {
        number,
        votes: proposal.votes.clone(),
        favourites: proposal.favourites.clone(),
    };
    Step {
        votes: vec![reconciled],
        ..Step::of(vec![proposal], effects)
    }
    .logged(Some(number), None, event)
}

/// The admin call finished: announce it, or tell the working group why it failed.
pub fn on_applied(
    settings: &Settings,
    proposal: &Proposal,
    result: Result<Option<String>, String>,
    now: DateTime<Utc>,
) -> Step {
    let Some(closing) = proposal.closing() else {
        return Step::default();
    };
    let mut closing = closing.clone();
    let mut updated = proposal.clone();
    let effects = match result {
        Ok(stricter) => {
            closing.application = Application::Applied { at: now };
            let ballot = proposal.ballot.as_ref().map(|b| b.status_id.clone());
            vec![Effect::post(
                Purpose::Applied {
                    number: proposal.number,
                }
                .to_string(),
                messages::applied(proposal, stricter.as_deref()),
                settings.ballot_visibility,
                ballot,
            )]
        }
        Err(reason) => {
            let text = messages::apply_failed(proposal, &reason);
            closing.application = Application::Failed { reason };
            settings
                .working_group
                .values()
                .map(|acct| {
                    Effect::post(
                        Purpose::ApplyFailed {
                            number: proposal.number,
                            acct: acct.clone(),
                        }
                        .to_string(),
                        messages::to(acct, &text),
                        Visibility::Direct,
                        None,
                    )
                })
                .collect()
        }
    };
    let event = match &closing.application {
        Application::Failed { reason } => format!("could not be applied: {reason}"),
        _ => "applied on the instance".to_string(),
    };
    updated.stage = Stage::Closed(closing);
    Step::of(vec![updated], effects).logged(Some(proposal.number), None, event)
}

pub(super) fn apply_effect(proposal: &Proposal, key: String) -> Effect {
    Effect::Apply {
        key,
        number: proposal.number,
        action: proposal.action.clone(),
        public_comment: messages::block_comment(proposal),
        private_comment: format!("coopgov proposal #{}: {}", proposal.number, proposal.reason),
    }
}

fn open(
    settings: &Settings,
    records: &impl Records,
    post: &Post,
    request: &ProposeRequest,
    now: DateTime<Utc>,
) -> Step {
    if records.proposal_by_request(&post.status_id).is_some() {
        return Step::default();
    }
    let author = &post.author;
    let is_working_group = working_group::is_member(settings, post);
    if settings.proposers_working_group_only && !is_working_group {
        return answer(
            post,
            "Only the working group can open proposals here; ask one of its members to propose it."
                .to_string(),
        );
    }
    if let Err(why) = settings.membership.check(author, now) {
        return answer(
            post,
            format!("You cannot open a proposal: {}", why.explanation()),
        );
    }
    let day_ago = now - chrono::Duration::days(1);
    let opened_today = records
        .all_proposals()
        .iter()
        .filter(|p| p.proposer.account_id == author.identity.account_id && p.opened_at > day_ago)
        .count();
    let limit = settings.proposals_per_day as usize;
    if !is_working_group && limit > 0 && opened_today >= limit {
        return answer(post, format!("You have opened {opened_today} proposals in the last day, the most a member may; please wait, or ask the working group."));
    }
    if let Some(domain) = request.action.domain() {
        let own = settings.instance_domain.to_lowercase();
        if domain == own || domain.ends_with(&format!(".{own}")) {
            return answer(
                post,
                format!(
                    "{domain} is this instance itself; proposals can only act on other servers."
                ),
            );
        }
    }
    if matches!(request.action, Action::Silence { .. }) && !settings.server.can_silence {
        return answer(
            post,
            format!(
                "This instance runs {}, which cannot limit (silence) another server: every block there is a full suspension. Propose \"suspend\" instead, or a motion.",
                settings.server.name
            ),
        );
    }
    let durations = &settings.durations;
    let duration = request.duration.unwrap_or(durations.default);
    let minimum = if request.urgent {
        durations.urgent_min
    } else {
        durations.min
    };
    if duration < minimum {
        let hint = if request.urgent {
            String::new()
        } else {
            format!(" An urgent proposal (\"propose urgent …\", saying why it is urgent) may run for {}.", commands::format_duration(durations.urgent_min))
        };
        return answer(
            post,
            format!(
                "A vote must run at least {}; you asked for {}.{hint}",
                commands::format_duration(minimum),
                commands::format_duration(duration)
            ),
        );
    }
    if duration > durations.max {
        return answer(
            post,
            format!(
                "A vote may run at most {}; you asked for {}.",
                commands::format_duration(durations.max),
                commands::format_duration(duration)
            ),
        );
    }
    let number = records.next_number();
    let closes_at = closing_time(now, duration);
    let proposal = Proposal {
        number,
        action: request.action.clone(),
        urgent: request.urgent,
        reason: request.reason.clone(),
        proposer: author.identity.clone(),
        request: StatusRef {
            status_id: post.status_id.clone(),
            url: post.url.clone(),
        },
        rule: settings.rule_for(request.action.kind()),
        opened_at: now,
        closes_at,
        ballot: None,
        votes: BTreeMap::new(),
        favourites: BTreeMap::new(),
        explained: Default::default(),
        stage: Stage::Opening,
        reminded: false,
    };
    let ballot = Effect::Post {
        key: Purpose::Ballot { number }.to_string(),
        text: messages::ballot(settings, &proposal),
        visibility: settings.ballot_visibility,
        in_reply_to: None,
        then: Some(FollowUp::BallotPosted { number }),
    };
    let event = format!(
        "proposed: {} ({}), closes {}",
        messages::action_phrase(&proposal.action),
        proposal.reason,
        messages::time(proposal.closes_at)
    );
    let acct = proposal.proposer.acct.clone();
    Step::of(vec![proposal], vec![ballot]).logged(Some(number), Some(&acct), event)
}

/// Why a vote cannot be counted, when it cannot; `None` when it counts.
fn vote_problem(
    settings: &Settings,
    proposal: &Proposal,
    author: &Author,
    position: Position,
    reason: &str,
) -> Option<String> {
    if let Err(why) = settings.membership.check(author, proposal.opened_at) {
        return Some(why.explanation());
    }
    missing_block_reason(settings, proposal, position, reason)
}

/// A block without the reason the rules require, explained.
fn missing_block_reason(
    settings: &Settings,
    proposal: &Proposal,
    position: Position,
    reason: &str,
) -> Option<String> {
    (position == Position::Block && settings.block_requires_reason && reason.trim().is_empty())
        .then(|| format!(
            "a block needs a reason. Reply again with \"block\" and why, for example: block this would cut us off from friends (proposal #{}).",
            proposal.number
        ))
}

fn record_vote(
    settings: &Settings,
    records: &impl Records,
    proposal: &Proposal,
    post: &Post,
    position: Position,
    reason: String,
    in_thread: bool,
) -> Step {
    let problem = closed_problem(proposal, post)
        .or_else(|| vote_problem(settings, proposal, &post.author, position, &reason));
    if let Some(why) = problem {
        return refuse(
            settings,
            proposal,
            &post.author,
            Some(&post.status_id),
            &why,
        );
    }
    let voter = post.author.identity.clone();
    let previous = records.vote(proposal.number, &voter.account_id);
    if let Some(previous) = &previous {
        // An edit of an older reply does not override a newer vote.
        if id_order(&post.status_id, &previous.status_id) == std::cmp::Ordering::Less {
            return Step::default();
        }
    }
    let vote = Vote {
        voter: voter.clone(),
        position,
        reason,
        status_id: post.status_id.clone(),
        in_thread,
    };
    let mut effects = Vec::new();
    if settings.receipts {
        effects.push(Effect::Favourite {
            key: Purpose::Receipt {
                status_id: post.status_id.clone(),
            }
            .to_string(),
            status_id: post.status_id.clone(),
        });
    }
    if previous.as_ref() == Some(&vote) {
        return Step::of(Vec::new(), effects);
    }
    let event = format!("vote counted: {} {}", vote.position, vote.reason);
    let number = proposal.number;
    Step {
        votes: vec![VoteChange::Cast { number, vote }],
        ..Step::of(Vec::new(), effects)
    }
    .logged(Some(number), Some(&voter.acct), event.trim_end())
}

/// One direct message per member and proposal saying why their vote did not count.
/// Bot accounts get none, so two bots cannot keep each other talking.
fn refuse(
    settings: &Settings,
    proposal: &Proposal,
    author: &Author,
    status_id: Option<&str>,
    why: &str,
) -> Step {
    if author.bot || author.identity.account_id == settings.membership.bot_account_id {
        return Step::default();
    }
    explain(
        proposal,
        &author.identity,
        status_id.unwrap_or_default(),
        why,
    )
}

fn explain(proposal: &Proposal, who: &Identity, status_id: &str, why: &str) -> Step {
    let refused = Step::default().logged(
        Some(proposal.number),
        Some(&who.acct),
        format!("vote not counted: {why}"),
    );
    if proposal.explained.contains(&who.account_id) {
        return refused;
    }
    let mut updated = proposal.clone();
    updated.explained.insert(who.account_id.clone());
    let in_reply_to = (!status_id.is_empty()).then(|| status_id.to_string());
    let message = Effect::post(
        Purpose::Explanation {
            number: proposal.number,
            account_id: who.account_id.clone(),
        }
        .to_string(),
        messages::to(&who.acct, &messages::not_counted(proposal.number, why)),
        Visibility::Direct,
        in_reply_to,
    );
    Step {
        proposals: vec![updated],
        effects: vec![message],
        ..refused
    }
}

/// The members' help; the guide's link goes first, where cutting a long post never reaches.
fn help(settings: &Settings) -> String {
    let help = commands::help_text_with(&settings.vocabulary);
    match &settings.guide_url {
        Some(url) => format!("How it all works: {url}\n{help}"),
        None => help,
    }
}

/// A reply to the requester, as visible as the request was (public ones as unlisted).
fn answer(post: &Post, text: String) -> Step {
    let visibility = if post.direct {
        Visibility::Direct
    } else {
        Visibility::Unlisted
    };
    let acct = &post.author.identity.acct;
    Step::of(
        Vec::new(),
        vec![Effect::post(
            Purpose::Answer {
                status_id: post.status_id.clone(),
            }
            .to_string(),
            messages::to(acct, &text),
            visibility,
            Some(post.status_id.clone()),
        )],
    )
    .logged(
        None,
        Some(acct),
        format!("asked {:?}; answered {:?}", post.text, text),
    )
}

fn count_u32(count: usize) -> u32 {
    u32::try_from(count).unwrap_or(u32::MAX)
}

/// The final votes: the thread's replies as they are now, `vote <n>` requests recorded
/// live elsewhere, and the favourites the server lists; and how many accounts replied or
/// favourited but may not vote.
fn reconcile(
    settings: &Settings,
    proposal: &Proposal,
    ballot_id: &str,
    record: &ThreadRecord,
) -> (Proposal, u32) {
    let mut not_eligible = std::collections::BTreeSet::new();
    let mut may_vote = |author: &Author| match settings.membership.check(author, proposal.opened_at)
    {
        Ok(()) => true,
        Err(_) => {
            if author.identity.account_id != settings.membership.bot_account_id {
                not_eligible.insert(author.identity.account_id.clone());
            }
            false
        }
    };
    let mut votes: BTreeMap<String, Vote> = proposal
        .votes
        .iter()
        .filter(|(_, vote)| !vote.in_thread)
        .map(|(id, vote)| (id.clone(), vote.clone()))
        .collect();
    for reply in record
        .replies
        .iter()
        .filter(|r| r.in_reply_to_id.as_deref() == Some(ballot_id))
    {
        if is_late(proposal, reply) {
            continue;
        }
        let Some((position, reason)) = thread_vote(settings, proposal.number, &reply.text) else {
            continue;
        };
        if !may_vote(&reply.author)
            || missing_block_reason(settings, proposal, position, &reason).is_some()
        {
            continue;
        }
        let voter = reply.author.identity.clone();
        let newer = votes
            .get(&voter.account_id)
            .is_none_or(|known| id_order(&reply.status_id, &known.status_id).is_ge());
        if newer {
            votes.insert(
                voter.account_id.clone(),
                Vote {
                    voter,
                    position,
                    reason,
                    status_id: reply.status_id.clone(),
                    in_thread: true,
                },
            );
        }
    }
    let favourites = record
        .favourited_by
        .iter()
        .filter(|author| may_vote(author))
        .map(|author| (author.identity.account_id.clone(), author.identity.clone()))
        .collect();
    let mut reconciled = proposal.clone();
    reconciled.votes = votes;
    reconciled.favourites = favourites;
    (reconciled, count_u32(not_eligible.len()))
}

/// `now + duration`, rounded up to the whole minute for votes of an hour or more, so
/// the ballot can state the exact closing time without seconds.
pub fn closing_time(now: DateTime<Utc>, duration: std::time::Duration) -> DateTime<Utc> {
    let exact = now + chrono::Duration::from_std(duration).unwrap_or(chrono::Duration::MAX);
    if duration < std::time::Duration::from_secs(3600) {
        return exact;
    }
    let into_minute = chrono::Duration::seconds(i64::from(exact.second()))
        + chrono::Duration::nanoseconds(i64::from(exact.nanosecond()));
    if into_minute.is_zero() {
        exact
    } else {
        exact - into_minute + chrono::Duration::minutes(1)
    }
}

/// Why no vote can be taken now: voting is over (or not yet open), or the post came late.
fn closed_problem(proposal: &Proposal, post: &Post) -> Option<String> {
    if is_late(proposal, post) {
        return Some(format!(
            "voting closed on {}.",
            messages::time(proposal.closes_at)
        ));
    }
    match (&proposal.stage, proposal.closing()) {
        (Stage::Open, _) => None,
        (_, Some(closing)) => Some(format!(
            "voting closed on {}.",
            messages::time(closing.closed_at)
        )),
        (_, None) => Some("voting has not opened yet; wait for the ballot.".to_string()),
    }
}

/// Posted after the closing time (while the bot was down, say): too late to count.
fn is_late(proposal: &Proposal, post: &Post) -> bool {
    post.created_at.is_some_and(|at| at > proposal.closes_at)
}

/// A reply in the ballot's thread read as a vote on proposal `number`, if it is one.
fn thread_vote(settings: &Settings, number: u64, text: &str) -> Option<(Position, String)> {
    if let Some(vote) = commands::parse_vote_reply(text, &settings.vocabulary) {
        return Some(vote);
    }
    match commands::parse_request(text, &settings.vocabulary) {
        Ok(Request::Vote {
            number: n,
            position,
            reason,
        }) if n == number => Some((position, reason)),
        _ => None,
    }
}
