//! The words of an appeal: why one is refused, and what its ballot says it reverses.

use super::{action_phrase, outcome_phrase, time};
use crate::governance::proposal::{Origin, Proposal};
use chrono::{DateTime, Utc};

pub fn appeals_off() -> String {
    "Appeals are turned off on this instance; ask the working group if you think a decision was wrong.".to_string()
}

pub fn still_open(number: u64) -> String {
    format!("Proposal #{number} has not been decided yet; an appeal can only follow its result.")
}

pub fn cancelled(number: u64) -> String {
    format!("Proposal #{number} was cancelled: there is no decision to appeal.")
}

pub fn not_appealable(number: u64) -> String {
    format!(
        "Proposal #{number} was decided by all members, who already have the last word. Only a decision of the Standing Jury, or a vote on the working group's urgent action, can be appealed."
    )
}

pub fn too_late(number: u64, until: DateTime<Utc>) -> String {
    format!(
        "The time to appeal proposal #{number} ended on {}.",
        time(until)
    )
}

pub fn already_appealed(number: u64, appeal: u64) -> String {
    format!("Proposal #{number} is already appealed, in proposal #{appeal}: one appeal per decision. You can vote there.")
}

/// The appeal's reason on its ballot: what it reverses, then the member's words.
pub fn reason(appealed: &Proposal, why: &str) -> String {
    let outcome = appealed
        .closing()
        .map(|closing| outcome_phrase(closing.outcome))
        .unwrap_or_default();
    let by = match &appealed.origin {
        Origin::Ratification(_) => "the vote on an urgent action",
        Origin::Request | Origin::Reports(_) | Origin::Appeal { .. } | Origin::Subscription(_) => {
            "the Standing Jury"
        }
    };
    format!(
        "Appeal of proposal #{} ({}: {outcome}, decided by {by}): {why}",
        appealed.number,
        action_phrase(&appealed.action),
    )
}
