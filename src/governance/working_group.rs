//! The working group's commands: who may give them, how, and what they do.
//!
//! A command counts only from an account whose id is one the working group's accts
//! resolved to at start-up, and only by direct message; every answer is a direct message.

use super::effects::{Effect, Step};
use super::engine::Records;
use super::messages;
use super::proposal::{Application, Closing, Post, Proposal, Stage};
use super::purpose::Purpose;
use super::settings::{Mode, Settings, Visibility};
use super::Outcome;
use crate::commands::{Command, CommandError};
use chrono::{DateTime, Utc};

/// Whether the post's author is in the working group (by account id, local only).
pub fn is_member(settings: &Settings, post: &Post) -> bool {
    post.author.is_local()
        && settings
            .working_group
            .contains_key(&post.author.identity.account_id)
}

/// A post that starts with a working-group verb.
pub fn on_command(
    settings: &Settings,
    records: &impl Records,
    post: &Post,
    command: Result<Command, CommandError>,
    now: DateTime<Utc>,
) -> Step {
    let acct = post.author.identity.acct.as_str();
    let verb = post.text.split_whitespace().next().unwrap_or_default();
    if !is_member(settings, post) {
        let text = format!(
            "Only the working group can use “{verb}”. If something needs their attention, write to them directly."
        );
        return dm(post, text).logged(
            None,
            Some(acct),
            format!("command refused, not in the working group: {:?}", post.text),
        );
    }
    if !post.direct {
        let text = format!(
            "Working-group commands are taken only by direct message, so they stay private. Please send “{}” again as a direct message to me.",
            post.text
        );
        return dm(post, text).logged(
            None,
            Some(acct),
            format!("command refused, not sent privately: {:?}", post.text),
        );
    }
    let command = match command {
        Ok(command) => command,
        Err(error) => return dm(post, error.to_string()),
    };
    let step = match &command {
        Command::List => dm(post, list(settings, records, now)),
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
    };
    let number = match command {
        Command::List => None,
        Command::Close { number }
        | Command::Extend { number, .. }
        | Command::Cancel { number, .. }
        | Command::Apply { number } => Some(number),
    };
    step.logged(number, Some(acct), format!("command: {}", post.text))
}

fn with_proposal(
    records: &impl Records,
    post: &Post,
    number: u64,
    act: impl FnOnce(&Proposal) -> Result<Step, String>,
) -> Step {
    match records.proposal_with_votes(number) {
        None => dm(post, format!("There is no proposal #{number}.")),
        Some(proposal) => act(&proposal).unwrap_or_else(|refusal| dm(post, refusal)),
    }
}

/// The answer to a command: a direct message to its sender, replying to it.
fn dm(post: &Post, text: String) -> Step {
    Step::of(
        Vec::new(),
        vec![Effect::post(
            Purpose::Answer {
                status_id: post.status_id.clone(),
            }
            .to_string(),
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
    key: String,
    text: String,
) -> Option<Effect> {
    let ballot = proposal.ballot.as_ref()?;
    Some(Effect::post(
        key,
        text,
        settings.ballot_visibility,
        Some(ballot.status_id.clone()),
    ))
}

fn stage_name(proposal: &Proposal) -> String {
    match proposal.closing() {
        Some(closing) => format!("closed ({})", closing.outcome),
        None if proposal.is_open() => "open".to_string(),
        None => "not open yet".to_string(),
    }
}

fn list(settings: &Settings, records: &impl Records, now: DateTime<Utc>) -> String {
    let lines: Vec<String> = records
        .all_proposals()
        .iter()
        .filter_map(|record| {
            // Only open proposals show counts, so only theirs are loaded.
            let proposal = match record.is_open() {
                true => records.proposal_with_votes(record.number)?,
                false => record.clone(),
            };
            let head = format!(
                "#{} {}",
                proposal.number,
                messages::action_phrase(&proposal.action)
            );
            let state = match proposal.closing().map(|c| &c.application) {
                None if proposal.is_open() => format!(
                    "open until {}, {}",
                    messages::time(proposal.closes_at.max(now)),
                    messages::counts(&proposal.tally(settings.favourites_count_as))
                ),
                None => "opening".to_string(),
                Some(Application::AwaitingConfirmation) => "passed, waiting for apply".to_string(),
                Some(Application::Pending) => "passed, being applied".to_string(),
                Some(Application::Failed { .. }) => "passed, could not be applied".to_string(),
                Some(_) => return None,
            };
            Some(format!("{head}: {state}"))
        })
        .collect();
    if lines.is_empty() {
        "No proposal is open or waiting for the working group.".to_string()
    } else {
        lines.join("\n")
    }
}

fn close(proposal: &Proposal, post: &Post, now: DateTime<Utc>) -> Result<Step, String> {
    if !proposal.is_open() {
        return Err(format!(
            "Proposal #{} is {}; only an open vote can be closed.",
            proposal.number,
            stage_name(proposal)
        ));
    }
    let mut closed = proposal.clone();
    // The loop closes due proposals at once: reconciling, tallying and announcing as usual.
    closed.closes_at = closed.closes_at.min(now);
    let reply = dm(
        post,
        format!(
            "Closing proposal #{} now; the result will be posted in its thread.",
            proposal.number
        ),
    );
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
) -> Result<Step, String> {
    if !proposal.is_open() {
        return Err(format!(
            "Proposal #{} is {}; only an open vote can be extended.",
            proposal.number,
            stage_name(proposal)
        ));
    }
    let closes_at =
        proposal.closes_at + chrono::Duration::from_std(by).unwrap_or(chrono::Duration::MAX);
    let max = chrono::Duration::from_std(settings.durations.max).unwrap_or(chrono::Duration::MAX);
    if closes_at - proposal.opened_at > max {
        return Err(format!(
            "A vote may run at most {} in all; extending proposal #{} by {} would go past that.",
            crate::commands::format_duration(settings.durations.max),
            proposal.number,
            crate::commands::format_duration(by)
        ));
    }
    let mut extended = proposal.clone();
    extended.closes_at = closes_at;
    let announcement = format!(
        "The working group extended voting on proposal #{} by {}: it now closes {}.",
        proposal.number,
        crate::commands::format_duration(by),
        messages::time(closes_at)
    );
    let mut step = dm(
        post,
        format!(
            "Done: proposal #{} now closes {}.",
            proposal.number,
            messages::time(closes_at)
        ),
    );
    step.effects.extend(in_thread(
        settings,
        proposal,
        Purpose::Extension {
            number: proposal.number,
            command_id: post.status_id.clone(),
        }
        .to_string(),
        announcement,
    ));
    step.proposals.push(extended);
    Ok(step)
}

fn cancel(
    settings: &Settings,
    proposal: &Proposal,
    post: &Post,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Step, String> {
    let tally = proposal.tally(settings.favourites_count_as);
    let cancellable = match proposal.closing() {
        None => true,
        Some(closing) => matches!(
            closing.application,
            Application::AwaitingConfirmation | Application::Failed { .. }
        ),
    };
    if !cancellable {
        return Err(format!(
            "Proposal #{} is {}; there is nothing left to cancel.",
            proposal.number,
            stage_name(proposal)
        ));
    }
    let mut cancelled = proposal.clone();
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
    });
    let announcement = format!(
        "Proposal #{} was cancelled by the working group: {}\nNothing will be changed.",
        proposal.number,
        messages::defang(reason)
    );
    let mut step = dm(
        post,
        format!("Done: proposal #{} is cancelled.", proposal.number),
    );
    step.effects.extend(in_thread(
        settings,
        proposal,
        Purpose::Cancellation {
            number: proposal.number,
        }
        .to_string(),
        messages::shorten(&announcement, settings.max_characters),
    ));
    step.proposals.push(cancelled);
    Ok(step)
}

fn apply(settings: &Settings, proposal: &Proposal, post: &Post) -> Result<Step, String> {
    let number = proposal.number;
    if settings.mode == Mode::DryRun {
        return Err(
            "The bot runs in dry_run mode: it changes nothing on the instance.".to_string(),
        );
    }
    let Some(closing) = proposal.closing() else {
        return Err(format!(
            "Proposal #{number} is still {}; it can be applied once it has passed.",
            stage_name(proposal)
        ));
    };
    if closing.outcome != Outcome::Passed {
        return Err(format!(
            "Proposal #{number} did not pass ({}); there is nothing to apply.",
            closing.outcome
        ));
    }
    if proposal.action.domain().is_none() {
        return Err(format!(
            "Proposal #{number} is a motion; there is nothing for the bot to apply."
        ));
    }
    match &closing.application {
        Application::AwaitingConfirmation | Application::Failed { .. } => {}
        Application::Applied { at } => {
            return Err(format!(
                "Proposal #{number} was applied on {}.",
                messages::time(*at)
            ))
        }
        Application::Pending => {
            return Err(format!("Proposal #{number} is being applied already."))
        }
        Application::DryRun | Application::NotNeeded => {
            return Err(format!(
                "Proposal #{number} closed without an action to apply."
            ))
        }
    }
    let mut applying = proposal.clone();
    let mut closing = closing.clone();
    closing.application = Application::Pending;
    applying.stage = Stage::Closed(closing);
    let mut step = dm(
        post,
        format!(
            "Applying proposal #{number} now: {}.",
            messages::action_phrase(&proposal.action)
        ),
    );
    // A new key per command: a failed application can be tried again after a fix.
    step.effects.push(super::engine::apply_effect(
        proposal,
        Purpose::ApplyOnCommand {
            number,
            command_id: post.status_id.clone(),
        }
        .to_string(),
    ));
    step.proposals.push(applying);
    Ok(step)
}
