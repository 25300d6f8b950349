//! The time is up: the live record reconciled with the public thread, tallied, announced.

use super::vote::{is_late, may_vote_on, missing_block_reason};
use crate::commands::{self, Request};
use crate::governance::effects::{Effect, FollowUp, Step, VoteChange};
use crate::governance::messages;
use crate::governance::proposal::{
    Application, Author, Closing, Earlier, Proposal, Stage, StatusRef, Unseen, Vote,
};
use crate::governance::purpose::Purpose;
use crate::governance::records::ThreadRecord;
use crate::governance::rules::decide;
use crate::governance::settings::{Mode, Settings};
use crate::governance::{id_order, Action, Outcome, Position};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

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
    // A sealed ballot's votes came by direct message, each checked as it came: the
    // public thread holds none of them.
    let (mut proposal, not_eligible) = match proposal.is_sealed() {
        true => (proposal.clone(), 0),
        false => reconcile(settings, proposal, &ballot.status_id, record),
    };
    let sealed = proposal
        .is_sealed()
        .then(|| super::sealed::lists(&proposal.votes));
    let tally = match &sealed {
        Some(sealed) => sealed.tally(),
        None => proposal.tally(settings.favourites_count_as),
    };
    let outcome = decide(&proposal.rule, &tally, settings.roster_size());
    let ratification = proposal.origin.is_ratification();
    let application = match (outcome, &proposal.action, settings.mode) {
        // An urgent action is kept or undone by the vote itself, in every mode: the
        // working group already acted, and the members' answer is final.
        _ if ratification => match provisional_is_in_force(&proposal) {
            true => Application::Pending,
            false => Application::NotNeeded,
        },
        (Outcome::Passed, Action::Motion, _)
        | (Outcome::Rejected | Outcome::Blocked | Outcome::NoQuorum | Outcome::Cancelled, _, _) => {
            Application::NotNeeded
        }
        (Outcome::Passed, _, Mode::Auto) => Application::Pending,
        (Outcome::Passed, _, Mode::Confirm) => Application::AwaitingConfirmation,
        (Outcome::Passed, _, Mode::DryRun) => Application::DryRun,
    };
    // A sealed block's reason is published with its receipt, never with its author.
    let block_reasons = match sealed {
        Some(_) => Vec::new(),
        None => proposal
            .votes
            .values()
            .filter(|vote| vote.position == Position::Block)
            .map(|vote| (vote.voter.acct.clone(), vote.reason.clone()))
            .collect(),
    };
    let outside_thread = match sealed {
        Some(_) => 0,
        None => count_u32(proposal.votes.values().filter(|v| !v.in_thread).count()),
    };
    let closing = Closing {
        outcome,
        tally,
        closed_at: now,
        block_reasons,
        application: application.clone(),
        unseen: Unseen {
            outside_thread,
            not_eligible,
        },
        announcement: None,
        sealed: sealed.clone(),
    };
    let number = proposal.number;
    let mut effects = vec![Effect::Post {
        purpose: Purpose::Result { number },
        text: messages::announcement(settings, &proposal, &closing),
        visibility: settings.ballot_visibility,
        in_reply_to: Some(ballot.status_id.clone()),
        then: Some(FollowUp::Announced { number }),
    }];
    if let Some(sealed) = &sealed {
        effects.extend(super::sealed::list_posts(
            settings,
            number,
            sealed,
            &ballot.status_id,
        ));
        // From here the store keeps the lists, not who cast which vote.
        proposal.votes.clear();
    }
    let event = format!(
        "closed: {outcome}, {} ({} voters)",
        messages::counts(&tally),
        tally.voters()
    );
    proposal.stage = Stage::Closed(closing);
    if application == Application::Pending {
        match proposal.action {
            Action::Adopt { .. } => effects.extend(super::batch::applications(&proposal)),
            _ => effects.extend(Effect::apply_decision(&proposal, Purpose::Apply { number })),
        }
    }
    effects.extend(super::reports::resolutions(&proposal));
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

/// The result is posted: its address is kept, for the public record to link to.
pub fn on_announced(proposal: &Proposal, announcement: StatusRef) -> Step {
    let mut updated = proposal.clone();
    match &mut updated.stage {
        Stage::Closed(closing) if closing.announcement.is_none() => {
            closing.announcement = Some(announcement);
            Step::changed(updated)
        }
        _ => Step::default(),
    }
}

/// Whether an urgent action reached the instance, so the vote's answer must be carried
/// out (its block kept without the provisional mark, or undone).
fn provisional_is_in_force(proposal: &Proposal) -> bool {
    proposal
        .origin
        .ratified()
        .is_some_and(|provisional| provisional.earlier != Earlier::Unknown)
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
    let mut may_vote = |author: &Author| match settings
        .membership
        .check(author, proposal.opened_at)
        .ok()
        .filter(|()| may_vote_on(proposal, &author.identity.account_id))
    {
        Some(()) => true,
        None => {
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
                    receipt: None,
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
