//! Why the bot turns a request, a vote or a command down: each refusal says what happened
//! and what to do instead, in words a member who is not a programmer can act on.

use super::time;
use crate::commands::format_duration;
use crate::governance::proposal::Proposal;
use crate::governance::Outcome;
use chrono::{DateTime, Utc};
use std::time::Duration;

pub fn no_such_proposal(number: u64) -> String {
    format!("There is no proposal #{number}.")
}

pub fn proposers_working_group_only() -> String {
    "Only the working group can open proposals here; ask one of its members to propose it."
        .to_string()
}

/// `why` is the eligibility explanation (too new an account, not on the roster…).
pub fn cannot_appeal(why: &str) -> String {
    format!("You cannot appeal a decision: {why}")
}

pub fn cannot_open(why: &str) -> String {
    format!("You cannot open a proposal: {why}")
}

pub fn opened_too_many(opened_today: usize) -> String {
    format!("You have opened {opened_today} proposals in the last day, the most a member may; please wait, or ask the working group.")
}

pub fn own_instance(domain: &str) -> String {
    format!("{domain} is this instance itself; proposals can only act on other servers.")
}

pub fn cannot_silence(server: &str) -> String {
    format!(
        "This instance runs {server}, which cannot limit (silence) another server: every block there is a full suspension. Propose \"suspend\" instead, or a motion."
    )
}

/// `urgent_minimum` is given when the request was not urgent, to say an urgent one may be shorter.
pub fn too_short(minimum: Duration, asked: Duration, urgent_minimum: Option<Duration>) -> String {
    let hint = urgent_minimum
        .map(|urgent| format!(" An urgent proposal (\"propose urgent …\", saying why it is urgent) may run for {}.", format_duration(urgent)))
        .unwrap_or_default();
    format!(
        "A vote must run at least {}; you asked for {}.{hint}",
        format_duration(minimum),
        format_duration(asked)
    )
}

pub fn too_long(maximum: Duration, asked: Duration) -> String {
    format!(
        "A vote may run at most {}; you asked for {}.",
        format_duration(maximum),
        format_duration(asked)
    )
}

pub fn block_needs_reason(number: u64) -> String {
    format!(
        "a block needs a reason. Reply again with \"block\" and why, for example: block this would cut us off from friends (proposal #{number})."
    )
}

pub fn voting_closed(at: DateTime<Utc>) -> String {
    format!("voting closed on {}.", time(at))
}

pub fn voting_not_open() -> String {
    "voting has not opened yet; wait for the ballot.".to_string()
}

pub fn command_not_from_working_group(verb: &str) -> String {
    format!(
        "Only the working group can use “{verb}”. If something needs their attention, write to them directly."
    )
}

pub fn command_not_private(text: &str) -> String {
    format!(
        "Working-group commands are taken only by direct message, so they stay private. Please send “{text}” again as a direct message to me."
    )
}

/// Where a proposal stands, for a refusal: `open`, `not open yet`, `closed (PASSED)`.
pub fn stage_name(proposal: &Proposal) -> String {
    match proposal.closing() {
        Some(closing) => format!("closed ({})", closing.outcome),
        None if proposal.is_open() => "open".to_string(),
        None => "not open yet".to_string(),
    }
}

/// `done` is what the command would have done to it: "closed", "extended".
pub fn only_open_votes(proposal: &Proposal, done: &str) -> String {
    format!(
        "Proposal #{} is {}; only an open vote can be {done}.",
        proposal.number,
        stage_name(proposal)
    )
}

pub fn extension_too_long(maximum: Duration, number: u64, by: Duration) -> String {
    format!(
        "A vote may run at most {} in all; extending proposal #{number} by {} would go past that.",
        format_duration(maximum),
        format_duration(by)
    )
}

pub fn nothing_to_cancel(proposal: &Proposal) -> String {
    format!(
        "Proposal #{} is {}; there is nothing left to cancel.",
        proposal.number,
        stage_name(proposal)
    )
}

pub fn dry_run_changes_nothing() -> String {
    "The bot runs in dry_run mode: it changes nothing on the instance.".to_string()
}

pub fn not_passed_yet(proposal: &Proposal) -> String {
    format!(
        "Proposal #{} is still {}; it can be applied once it has passed.",
        proposal.number,
        stage_name(proposal)
    )
}

pub fn did_not_pass(number: u64, outcome: Outcome) -> String {
    format!("Proposal #{number} did not pass ({outcome}); there is nothing to apply.")
}

pub fn motion_has_nothing_to_apply(number: u64) -> String {
    format!("Proposal #{number} is a motion; there is nothing for the bot to apply.")
}

pub fn applied_already(number: u64, at: DateTime<Utc>) -> String {
    format!("Proposal #{number} was applied on {}.", time(at))
}

pub fn being_applied(number: u64) -> String {
    format!("Proposal #{number} is being applied already.")
}

pub fn closed_without_action(number: u64) -> String {
    format!("Proposal #{number} closed without an action to apply.")
}
