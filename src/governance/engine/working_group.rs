//! The working group's commands: who may give them, how, and what they do.
//!
//! A command counts only from an account whose id is one the working group's accts
//! resolved to at start-up, and only by direct message; every answer is a direct message.

use crate::commands::{Command, CommandError};
use crate::governance::effects::{Effect, Step, VoteChange};
use crate::governance::messages::{self, refusals, working_group as said};
use crate::governance::proposal::{Application, Closing, Post, Proposal, Stage};
use crate::governance::purpose::Purpose;
use crate::governance::records::Records;
use crate::governance::settings::{Mode, Settings, Visibility};
use crate::governance::{Action, Outcome};
use chrono::{DateTime, Utc};

/// Why a command was turned down, as its sender reads it.
struct Refusal(String);

/// Whether the post's author is in the working group (by account id, local only).
pub fn is_member(settings: &Settings, post: &Post) -> bool {
    post.author.is_local()
        && settings
            .working_group
            .contains_key(&post.author.identity.account_id)
}

/// A post that starts with a working-group verb.
pub fn on_command<R: Records>(
    settings: &Settings,
    records: &R,
    post: &Post,
    command: Result<Command, CommandError>,
    now: DateTime<Utc>,
) -> Result<Step, R::Error> {
    let acct = post.author.identity.acct.as_str();
    let mut words = post.text.split_whitespace();
    let first = words.next().unwrap_or_default();
    // `suspend now` is a verb of its own, not `suspend`.
    let verb = match words.next() {
        Some(now) if now.eq_ignore_ascii_case("now") => format!("{first} now"),
        _ => first.to_string(),
    };
    if !is_member(settings, post) {
        let text = refusals::command_not_from_working_group(&verb);
        return Ok(dm(post, text).logged(
            None,
            Some(acct),
            format!("command refused, not in the working group: {:?}", post.text),
        ));
    }
    if !post.direct {
        let text = refusals::command_not_private(&post.text);
        return Ok(dm(post, text).logged(
            None,
            Some(acct),
            format!("command refused, not sent privately: {:?}", post.text),
        ));
    }
    let command = match command {
        Ok(command) => command,
        Err(error) => return Ok(dm(post, error.to_string())),
    };
    let step = match &command {
        Command::List => list(settings, records, now).map(|text| dm(post, text)),
        Command::Close { number } => with_proposal(records, post, *number, |p| close(p, post, now)),
        Command::Extend { number, by } => {
            with_proposal(records, post, *number, |p| extend(settings, p, post, *by))
        }
        Command::Cancel { number, reason } => with_proposal(records, post, *number, |p| {
            cancel(settings, p, post, reason, now)
        }),
        Command::Apply { number } => {
            with_proposal(records, post, *number, |p| apply(settings, p, post))
        }
        Command::Now { action, reason } => {
            super::urgent::act_now(settings, records, post, action, reason, now)
        }
    }?;
    let number = match command {
        Command::List => None,
        Command::Close { number }
        | Command::Extend { number, .. }
        | Command::Cancel { number, .. }
        | Command::Apply { number } => Some(number),
        // The new proposal's own history says who acted.
        Command::Now { .. } => return Ok(step),
    };
    Ok(step.logged(number, Some(acct), format!("command: {}", post.text)))
}

fn with_proposal<R: Records>(
    records: &R,
    post: &Post,
    number: u64,
    act: impl FnOnce(&Proposal) -> Result<Step, Refusal>,
) -> Result<Step, R::Error> {
    Ok(match records.proposal_with_votes(number)? {
        None => dm(post, refusals::no_such_proposal(number)),
        Some(proposal) => act(&proposal).unwrap_or_else(|Refusal(text)| dm(post, text)),
    })
}

/// The answer to a command: a direct message to its sender, replying to it.
fn dm(post: &Post, text: String) -> Step {
    Step::of(
        Vec::new(),
        vec![Effect::post(
            Purpose::Answer {
                status_id: post.status_id.clone(),
            },
            messages::to(&post.author.identity.acct, &text),
            Visibility::Direct,
            Some(post.status_id.clone()),
        )],
    )
}

/// A post in the ballot's thread, for everyone to read.
fn in_thread(
    settings: &Settings,
    proposal: &Proposal,
    purpose: Purpose,
    text: String,
) -> Option<Effect> {
    let ballot = proposal.ballot.as_ref()?;
    Some(Effect::post(
        purpose,
        text,
        settings.ballot_visibility,
        Some(ballot.status_id.clone()),
    ))
}

fn list<R: Records>(
    settings: &Settings,
    records: &R,
    now: DateTime<Utc>,
) -> Result<String, R::Error> {
    let mut lines = Vec::new();
    for record in records.all_proposals()? {
        // Only open proposals show counts, so only theirs are loaded.
        let proposal = match record.is_open() {
            true => match records.proposal_with_votes(record.number)? {
                Some(proposal) => proposal,
                None => continue,
            },
            false => record,
        };
        lines.extend(said::list_line(settings, &proposal, now));
    }
    Ok(if lines.is_empty() {
        said::nothing_waiting()
    } else {
        lines.join("\n")
    })
}

fn close(proposal: &Proposal, post: &Post, now: DateTime<Utc>) -> Result<Step, Refusal> {
    if !proposal.is_open() {
        return Err(Refusal(refusals::only_open_votes(proposal, "closed")));
    }
    let mut closed = proposal.clone();
    // The loop closes due proposals at once: reconciling, tallying and announcing as usual.
    closed.closes_at = closed.closes_at.min(now);
    let reply = dm(post, said::closing_now(proposal.number));
    Ok(Step {
        proposals: vec![closed],
        ..reply
    })
}

fn extend(
    settings: &Settings,
    proposal: &Proposal,
    post: &Post,
    by: std::time::Duration,
) -> Result<Step, Refusal> {
    let number = proposal.number;
    if proposal.is_seating() {
        return Ok(extend_consent(proposal, post, by));
    }
    if !proposal.is_open() {
        return Err(Refusal(refusals::only_open_votes(proposal, "extended")));
    }
    let closes_at =
        proposal.closes_at + chrono::Duration::from_std(by).unwrap_or(chrono::Duration::MAX);
    let max = chrono::Duration::from_std(settings.durations.max).unwrap_or(chrono::Duration::MAX);
    if closes_at - proposal.opened_at > max {
        let refusal = refusals::extension_too_long(settings.durations.max, number, by);
        return Err(Refusal(refusal));
    }
    let mut extended = proposal.clone();
    extended.closes_at = closes_at;
    let mut step = dm(post, said::extension_done(number, closes_at));
    step.effects.extend(in_thread(
        settings,
        proposal,
        Purpose::Extension {
            number,
            command_id: post.status_id.clone(),
        },
        said::extended(number, by, closes_at),
    ));
    step.proposals.push(extended);
    Ok(step)
}

/// Before the jury is seated, `extend` gives the drawn members more time to answer.
fn extend_consent(proposal: &Proposal, post: &Post, by: std::time::Duration) -> Step {
    let mut extended = proposal.clone();
    let by_chrono = chrono::Duration::from_std(by).unwrap_or(chrono::Duration::MAX);
    let deadline = extended
        .jury
        .as_mut()
        .and_then(|case| case.draw.as_mut())
        .and_then(|jury| {
            jury.extend_deadlines(by_chrono);
            jury.next_deadline()
        });
    let mut step = dm(post, said::consent_extended(proposal.number, by, deadline));
    step.proposals.push(extended);
    step
}

fn cancel(
    settings: &Settings,
    proposal: &Proposal,
    post: &Post,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Step, Refusal> {
    let number = proposal.number;
    let tally = proposal.tally(settings.favourites_count_as);
    let cancellable = match proposal.closing() {
        None => true,
        Some(closing) => matches!(
            closing.application,
            Application::AwaitingConfirmation | Application::Failed { .. }
        ),
    };
    if !cancellable {
        return Err(Refusal(refusals::nothing_to_cancel(proposal)));
    }
    let mut cancelled = proposal.clone();
    // Cancelling a ratification undoes its urgent action, as a vote that fails would.
    let undo = proposal.origin.is_ratification() && proposal.closing().is_none();
    // A sealed ballot cancelled while open publishes its lists as a close would: its
    // voters can check what was counted, and the store forgets who cast which vote.
    let sealing = (proposal.is_sealed() && proposal.closing().is_none()).then(|| {
        let sealed = super::sealed::lists(&proposal.votes);
        let ballot = proposal.ballot.as_ref().map(|b| b.status_id.clone());
        let posts = ballot
            .map(|id| super::sealed::list_posts(settings, number, &sealed, &id))
            .unwrap_or_default();
        (sealed, posts)
    });
    let tally = sealing.as_ref().map_or(tally, |(sealed, _)| sealed.tally());
    cancelled.stage = Stage::Closed(Closing {
        outcome: Outcome::Cancelled,
        tally: proposal.closing().map_or(tally, |c| c.tally),
        closed_at: now,
        block_reasons: proposal
            .closing()
            .map(|c| c.block_reasons.clone())
            .unwrap_or_default(),
        application: Application::NotNeeded,
        unseen: proposal.closing().map(|c| c.unseen).unwrap_or_default(),
        announcement: proposal.closing().and_then(|c| c.announcement.clone()),
        sealed: match &sealing {
            Some((sealed, _)) => Some(sealed.clone()),
            None => proposal.closing().and_then(|c| c.sealed.clone()),
        },
    });
    let mut step = dm(post, said::cancel_done(number));
    if let Some(undo) = undo
        .then(|| Effect::apply_decision(&cancelled, Purpose::Apply { number }))
        .flatten()
    {
        if let Stage::Closed(closing) = &mut cancelled.stage {
            closing.application = Application::Pending;
        }
        step.effects.push(undo);
    }
    step.effects.extend(in_thread(
        settings,
        proposal,
        Purpose::Cancellation { number },
        messages::shorten(&said::cancelled(number, reason), settings.max_characters),
    ));
    if let Some((_, posts)) = sealing {
        step.effects.extend(posts);
        step.votes.push(VoteChange::Replace {
            number,
            votes: Default::default(),
            favourites: Default::default(),
        });
    }
    step.proposals.push(cancelled);
    Ok(step)
}

fn apply(settings: &Settings, proposal: &Proposal, post: &Post) -> Result<Step, Refusal> {
    let number = proposal.number;
    if settings.mode == Mode::DryRun {
        return Err(Refusal(refusals::dry_run_changes_nothing()));
    }
    let Some(closing) = proposal.closing() else {
        return Err(Refusal(refusals::not_passed_yet(proposal)));
    };
    // A ratification's answer is carried out whatever it was: kept, or undone.
    let ratification = proposal.origin.is_ratification();
    if closing.outcome != Outcome::Passed && !ratification {
        return Err(Refusal(refusals::did_not_pass(number, closing.outcome)));
    }
    if proposal.action == Action::Motion {
        return Err(Refusal(refusals::motion_has_nothing_to_apply(number)));
    }
    match &closing.application {
        Application::AwaitingConfirmation | Application::Failed { .. } => {}
        Application::Applied { at } => {
            return Err(Refusal(refusals::applied_already(number, *at)));
        }
        Application::Pending => return Err(Refusal(refusals::being_applied(number))),
        Application::DryRun | Application::NotNeeded => {
            return Err(Refusal(refusals::closed_without_action(number)));
        }
    }
    let mut applying = proposal.clone();
    let mut closing = closing.clone();
    closing.application = Application::Pending;
    applying.stage = Stage::Closed(closing);
    let mut step = dm(post, said::applying_now(proposal));
    match proposal.action {
        // Each entry not applied yet (a failed one is tried again).
        Action::Adopt { .. } => {
            let mut retry = proposal.clone();
            if let Some(advised) = retry.origin.advised_mut() {
                for entry in &mut advised.batch {
                    if matches!(entry.applied, Some(Err(_))) {
                        entry.applied = None;
                        entry.attempt += 1;
                    }
                }
            }
            step.effects.extend(super::batch::applications(&retry));
            if let Stage::Closed(closing) = &mut applying.stage {
                closing.application = Application::Pending;
            }
            applying.origin = retry.origin;
        }
        // A new key per command: a failed application can be tried again after a fix.
        _ => step.effects.extend(Effect::apply_decision(
            proposal,
            Purpose::ApplyOnCommand {
                number,
                command_id: post.status_id.clone(),
            },
        )),
    }
    step.proposals.push(applying);
    Ok(step)
}
