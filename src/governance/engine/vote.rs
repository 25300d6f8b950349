//! Votes: a reply or `vote <n>` counted or refused (with one explanation per member), a
//! favourite of the ballot, a vote withdrawn when its post is deleted.

use super::sealed;
use crate::governance::effects::{Effect, Step, VoteChange};
use crate::governance::messages::{self, refusals};
use crate::governance::proposal::{Author, Choice, Identity, Post, Proposal, Stage, Vote};
use crate::governance::purpose::Purpose;
use crate::governance::records::Records;
use crate::governance::sealed::Draw;
use crate::governance::settings::{Settings, Visibility};
use crate::governance::{id_order, Position};

/// A favourite of one of the bot's ballots.
pub fn on_favourite<R: Records>(
    settings: &Settings,
    records: &R,
    proposal: &Proposal,
    author: &Author,
) -> Result<Step, R::Error> {
    // Everyone sees a favourite: on a sealed ballot it is never a vote.
    if !proposal.is_open() || settings.favourites_count_as.is_none() || proposal.is_sealed() {
        return Ok(Step::default());
    }
    // A favourite is often a like: from a member who is not a juror it is left
    // uncounted without a message.
    if !may_vote_on(proposal, &author.identity.account_id) {
        return Ok(Step::default());
    }
    let identity = &author.identity;
    if let Err(why) = settings.membership.check(author, proposal.opened_at) {
        return Ok(refuse(settings, proposal, author, None, &why.explanation()));
    }
    if records.has_favourite(proposal.number, &identity.account_id)? {
        return Ok(Step::default());
    }
    let change = VoteChange::Favourite {
        number: proposal.number,
        voter: identity.clone(),
    };
    Ok(Step {
        votes: vec![change],
        ..Step::default()
    }
    .logged(
        Some(proposal.number),
        Some(&identity.acct),
        "favourite counted as a vote",
    ))
}

/// A status was deleted. When it was a vote counted on an open proposal, the vote is
/// withdrawn now, so `status` and the reminder count what members can see; the close
/// reads the thread again in any case.
pub fn on_deleted<R: Records>(records: &R, status_id: &str) -> Result<Step, R::Error> {
    for proposal in records.all_proposals()?.iter().filter(|p| p.is_open()) {
        let Some(counted) = records.proposal_with_votes(proposal.number)? else {
            continue;
        };
        let Some(vote) = counted.votes.values().find(|v| v.status_id == status_id) else {
            continue;
        };
        let withdrawn = VoteChange::Withdraw {
            number: proposal.number,
            account_id: vote.voter.account_id.clone(),
        };
        return Ok(Step {
            votes: vec![withdrawn],
            ..Step::default()
        }
        .logged(
            Some(proposal.number),
            Some(&vote.voter.acct),
            "vote withdrawn: its post was deleted",
        ));
    }
    Ok(Step::default())
}

pub(super) fn record_vote<R: Records>(
    settings: &Settings,
    records: &R,
    proposal: &Proposal,
    post: &Post,
    choice: Choice,
    draw: Draw,
) -> Result<Step, R::Error> {
    let problem = closed_problem(proposal, post)
        .or_else(|| {
            proposal
                .is_sealed()
                .then(|| sealed::not_private(settings, proposal, post))
                .flatten()
        })
        .or_else(|| {
            vote_problem(
                settings,
                proposal,
                &post.author,
                choice.position,
                &choice.reason,
            )
        });
    if let Some(why) = problem {
        return Ok(refuse(
            settings,
            proposal,
            &post.author,
            Some(&post.status_id),
            &why,
        ));
    }
    if proposal.is_sealed() {
        return sealed::record(records, proposal, post, choice, draw);
    }
    let Choice {
        position,
        reason,
        in_thread,
    } = choice;
    let voter = post.author.identity.clone();
    let previous = records.vote(proposal.number, &voter.account_id)?;
    if let Some(previous) = &previous {
        // An edit of an older reply does not override a newer vote.
        if id_order(&post.status_id, &previous.status_id) == std::cmp::Ordering::Less {
            return Ok(Step::default());
        }
    }
    let vote = Vote {
        voter: voter.clone(),
        position,
        reason,
        status_id: post.status_id.clone(),
        in_thread,
        receipt: None,
    };
    let mut effects = Vec::new();
    if settings.receipts {
        effects.push(Effect::Favourite {
            purpose: Purpose::Receipt {
                status_id: post.status_id.clone(),
            },
            status_id: post.status_id.clone(),
            ballot: Some(proposal.number),
        });
    }
    if previous.as_ref() == Some(&vote) {
        return Ok(Step::of(Vec::new(), effects));
    }
    let event = format!("vote counted: {} {}", vote.position, vote.reason);
    let number = proposal.number;
    Ok(Step {
        votes: vec![VoteChange::Cast { number, vote }],
        ..Step::of(Vec::new(), effects)
    }
    .logged(Some(number), Some(&voter.acct), event.trim_end()))
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
    if !may_vote_on(proposal, &author.identity.account_id) {
        return Some(messages::seating::only_jurors(proposal.number));
    }
    missing_block_reason(settings, proposal, position, reason)
}

/// Whether the account's vote may count: anyone's, unless a seated jury decides.
pub(super) fn may_vote_on(proposal: &Proposal, account_id: &str) -> bool {
    proposal
        .jury
        .as_ref()
        .is_none_or(|case| case.may_vote(account_id))
}

/// A block without the reason the rules require, explained.
pub(super) fn missing_block_reason(
    settings: &Settings,
    proposal: &Proposal,
    position: Position,
    reason: &str,
) -> Option<String> {
    (position == Position::Block && settings.block_requires_reason && reason.trim().is_empty())
        .then(|| refusals::block_needs_reason(proposal.number))
}

/// Why no vote can be taken now: voting is over (or not yet open), or the post came late.
fn closed_problem(proposal: &Proposal, post: &Post) -> Option<String> {
    if is_late(proposal, post) {
        return Some(refusals::voting_closed(proposal.closes_at));
    }
    match (&proposal.stage, proposal.closing()) {
        (Stage::Open, _) => None,
        (_, Some(closing)) => Some(refusals::voting_closed(closing.closed_at)),
        (_, None) => Some(refusals::voting_not_open()),
    }
}

/// Posted after the closing time (while the bot was down, say): too late to count.
pub(super) fn is_late(proposal: &Proposal, post: &Post) -> bool {
    post.created_at.is_some_and(|at| at > proposal.closes_at)
}

/// One direct message per member and proposal saying why their vote did not count.
/// Bot accounts get none, so two bots cannot keep each other talking.
pub(super) fn refuse(
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

pub(super) fn explain(proposal: &Proposal, who: &Identity, status_id: &str, why: &str) -> Step {
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
        },
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
