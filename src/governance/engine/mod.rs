//! The decisions: (records, event, now, settings) → (changed proposals, effects), one
//! module per event: a request opens a proposal (`open`), a reply or favourite votes
//! (`vote`), the time runs out (`close`), the admin call finishes (`apply`).
//!
//! Every function here is deterministic. Handling the same event twice yields the same
//! proposals and effects with the same keys, which the store enqueues only once. A read
//! of the records that fails stops the event with that error: nothing is decided from
//! a record that could not be read.

mod advice;
mod appeal;
mod apply;
mod batch;
mod build;
mod close;
mod event;
mod jury;
mod open;
mod pool;
mod reports;
mod sealed;
mod urgent;
mod vote;
pub mod working_group;

pub use advice::{needs_blocks, prospect, AdviceHeard, Prospect};
pub use appeal::{eligible as appeal_eligible, reversal};
pub use apply::on_applied;
pub use batch::{applications as batch_applications, on_entry_applied};
pub use build::closing_time;
pub use close::{close, due, on_announced};
pub use event::{decide, next_timer, timers, Done, Event, Timer};
pub use jury::{consent_due, next_consent_deadline, on_consent_deadline, on_invitation_sent};
pub use open::on_ballot_posted;
pub use reports::{on_reports, on_seated};
pub use urgent::{on_block_read, on_block_unreadable, on_provisional_block, on_snapshot};
pub use vote::{on_deleted, on_favourite};

use super::effects::{Effect, Step};
use super::messages::{self, refusals};
use super::proposal::{Choice, Post};
use super::purpose::Purpose;
use super::records::Records;
use super::sealed::Draw;
use super::settings::{Settings, Visibility};
use crate::commands::{self, ParseError, Request};
use chrono::{DateTime, Utc};

/// A post that mentions the bot or replies to one of its ballots.
/// `draw` is what the edge drew for it from the OS's secure source: the code of its
/// receipt, when it is a vote on a sealed ballot.
pub fn on_post<R: Records>(
    settings: &Settings,
    records: &R,
    post: &Post,
    draw: Draw,
    now: DateTime<Utc>,
) -> Result<Step, R::Error> {
    let step = decide_post(settings, records, post, draw, now)?;
    ration_answers(settings, records, post, step, now)
}

/// Keeps an account's answers within its daily allowance: past it, the bot stays silent
/// (answering a flood would amplify it), and says so only in its history.
fn ration_answers<R: Records>(
    settings: &Settings,
    records: &R,
    post: &Post,
    mut step: Step,
    now: DateTime<Utc>,
) -> Result<Step, R::Error> {
    let author = &post.author.identity;
    let is_answer = |effect: &Effect| effect.purpose().is_answer();
    let answers = step
        .effects
        .iter()
        .filter(|effect| is_answer(effect))
        .count() as u32;
    if answers == 0
        || settings.answers_per_day == 0
        || settings.working_group.contains_key(&author.account_id)
    {
        return Ok(step);
    }
    let given = records.answers_given(&author.account_id, now.date_naive())?;
    if given + answers > settings.answers_per_day {
        step.effects.retain(|effect| !is_answer(effect));
        let event = format!("not answered: {} answers today already", given);
        return Ok(step.logged(None, Some(&author.acct), event));
    }
    step.charged.extend(std::iter::repeat_n(
        author.account_id.clone(),
        answers as usize,
    ));
    Ok(step)
}

fn decide_post<R: Records>(
    settings: &Settings,
    records: &R,
    post: &Post,
    draw: Draw,
    now: DateTime<Utc>,
) -> Result<Step, R::Error> {
    if post.author.identity.account_id == settings.membership.bot_account_id {
        return Ok(Step::default());
    }
    let ballot = match post.in_reply_to_id.as_deref() {
        Some(id) => records.proposal_by_ballot(id)?,
        None => None,
    };
    if ballot.is_none() {
        if let Some(step) = jury::on_consent_reply(settings, records, post, now)? {
            return Ok(step);
        }
    }
    if let Some(proposal) = &ballot {
        if let Some(step) = batch::on_exclusion(settings, records, proposal, post, now)? {
            return Ok(step);
        }
        if let Some((position, reason)) =
            commands::parse_vote_reply(&post.text, &settings.vocabulary)
        {
            let choice = Choice {
                position,
                reason,
                in_thread: true,
            };
            return vote::record_vote(settings, records, proposal, post, choice, draw);
        }
    }
    if let Some(command) = commands::parse_command(&post.text) {
        return working_group::on_command(settings, records, post, command, now);
    }
    let no_such = |number| Ok(answer(post, refusals::no_such_proposal(number)));
    match commands::parse_request(&post.text, &settings.vocabulary) {
        Ok(Request::Propose(request)) => open::open(settings, records, post, &request, now),
        Ok(Request::Vote {
            number,
            position,
            reason,
        }) => match records.proposal(number)? {
            Some(proposal) => {
                let in_thread = ballot.as_ref().is_some_and(|b| b.number == number);
                let choice = Choice {
                    position,
                    reason,
                    in_thread,
                };
                vote::record_vote(settings, records, &proposal, post, choice, draw)
            }
            None => no_such(number),
        },
        Ok(Request::Status { number }) => match records.proposal_with_votes(number)? {
            Some(proposal) => Ok(answer(post, messages::status_report(settings, &proposal))),
            None => no_such(number),
        },
        Ok(Request::Help) if post.direct && working_group::is_member(settings, post) => {
            Ok(answer(post, commands::working_group_help()))
        }
        Ok(Request::Help) => Ok(answer(post, messages::help(settings))),
        Ok(Request::Jury(request)) => pool::on_jury(settings, records, post, request, now),
        Ok(Request::Appeal { number, reason }) => {
            appeal::appeal(settings, records, post, number, &reason, now)
        }
        Err(error @ ParseError::UnknownPosition { number, .. }) => {
            match records.proposal(number)? {
                Some(proposal) => Ok(vote::explain(
                    &proposal,
                    &post.author.identity,
                    &post.status_id,
                    &error.to_string(),
                )),
                None => no_such(number),
            }
        }
        // A direct message to a sealed ballot is meant as a vote: say why it is not one,
        // or its author waits for a receipt that never comes.
        Err(error)
            if error.is_not_a_request()
                && post.direct
                && ballot
                    .as_ref()
                    .is_some_and(|b| b.is_sealed() && b.is_open()) =>
        {
            let number = ballot.as_ref().map_or(0, |b| b.number);
            let told = messages::sealed::not_a_vote(number, &settings.vocabulary);
            Ok(answer(post, told))
        }
        // In a thread, words that are not a request are conversation: leave them alone.
        Err(error) if post.in_reply_to_id.is_some() && error.is_not_a_request() => {
            Ok(Step::default())
        }
        Err(error) => Ok(answer(post, error.to_string())),
    }
}

/// A reply to the requester, as visible as the request was (public ones as unlisted).
fn answer(post: &Post, text: String) -> Step {
    let visibility = if post.direct {
        Visibility::Direct
    } else {
        Visibility::Unlisted
    };
    answer_as(post, text, visibility)
}

/// A reply to the requester with `visibility`. Keyed by the request, so the daily ration
/// applies and a request handled twice is answered once.
fn answer_as(post: &Post, text: String, visibility: Visibility) -> Step {
    let acct = &post.author.identity.acct;
    Step::of(
        Vec::new(),
        vec![Effect::post(
            Purpose::Answer {
                status_id: post.status_id.clone(),
            },
            messages::to(acct, &text),
            visibility,
            Some(post.status_id.clone()),
        )],
    )
    .logged(None, Some(acct), asked_and_answered(post, &text))
}

/// The history's line for an answer. A direct message's words stay out of it: on a sealed
/// ballot they may say how their author means to vote.
fn asked_and_answered(post: &Post, answer: &str) -> String {
    match post.direct {
        true => "asked by direct message; answered".to_string(),
        false => format!("asked {:?}; answered {:?}", post.text, answer),
    }
}
