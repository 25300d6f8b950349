//! What the bot says to the working group about its commands, and what it posts in a
//! ballot's thread when they change a vote, so members can see who changed what.

use super::{action_phrase, defang, time};
use crate::commands::format_duration;
use crate::governance::proposal::{Application, Proposal};
use crate::governance::settings::Settings;
use chrono::{DateTime, Utc};
use std::time::Duration;

pub fn nothing_waiting() -> String {
    "No proposal is open or waiting for the working group.".to_string()
}

pub fn closing_now(number: u64) -> String {
    format!("Closing proposal #{number} now; the result will be posted in its thread.")
}

/// For the thread.
pub fn extended(number: u64, by: Duration, closes_at: DateTime<Utc>) -> String {
    format!(
        "The working group extended voting on proposal #{number} by {}: it now closes {}.",
        format_duration(by),
        time(closes_at)
    )
}

/// `deadline`: the earliest answer now due, if anyone is still invited.
pub fn consent_extended(number: u64, by: Duration, deadline: Option<DateTime<Utc>>) -> String {
    let until = deadline
        .map(|at| format!("; the next answer is due {}", time(at)))
        .unwrap_or_default();
    format!(
        "Done: the members drawn for the jury of proposal #{number} have {} more to answer{until}. Its voting time runs from the seating, as before.",
        format_duration(by)
    )
}

pub fn extension_done(number: u64, closes_at: DateTime<Utc>) -> String {
    format!("Done: proposal #{number} now closes {}.", time(closes_at))
}

/// For the thread; `reason` is the working group's own words, unable to mention anyone.
pub fn cancelled(number: u64, reason: &str) -> String {
    format!(
        "Proposal #{number} was cancelled by the working group: {}\nNothing will be changed.",
        defang(reason)
    )
}

pub fn cancel_done(number: u64) -> String {
    format!("Done: proposal #{number} is cancelled.")
}

pub fn applying_now(proposal: &Proposal) -> String {
    format!(
        "Applying proposal #{} now: {}.",
        proposal.number,
        action_phrase(&proposal.action)
    )
}

/// A proposal's line in `list`, when it is open or waits for the working group.
pub fn list_line(settings: &Settings, proposal: &Proposal, now: DateTime<Utc>) -> Option<String> {
    let head = format!("#{} {}", proposal.number, super::proposal_phrase(proposal));
    let state = match proposal.closing().map(|c| &c.application) {
        None if proposal.is_seating() => {
            format!("seating its jury, {}", super::seating::progress(proposal))
        }
        None if proposal.is_open() => format!(
            "open until {}, {}",
            time(proposal.closes_at.max(now)),
            super::sealed::so_far(proposal, &proposal.tally(settings.favourites_count_as))
        ),
        None => "opening".to_string(),
        Some(Application::AwaitingConfirmation) => "passed, waiting for apply".to_string(),
        Some(Application::Pending) => "passed, being applied".to_string(),
        Some(Application::Failed { .. }) => "passed, could not be applied".to_string(),
        Some(_) => return None,
    };
    Some(format!("{head}: {state}"))
}
