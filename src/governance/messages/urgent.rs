//! The words of an urgent action: what the working group is told, the block's
//! provisional comment, the ballot's line about it, and how the vote's answer ends it.

use super::{action_phrase, defang, domain_shown};
use crate::governance::proposal::{Closing, Earlier, Proposal};
use crate::governance::{Action, Outcome};
use crate::model::BlockState;

/// The block's severity in words: "suspended" or "limited".
fn blocked_word(action: &Action) -> &'static str {
    match action {
        Action::Silence { .. } => "limited",
        _ => "suspended",
    }
}

/// The working-group member's answer: what happens now.
pub fn acting(proposal: &Proposal) -> String {
    format!(
        "Acting now: {} at once. Proposal #{} puts it to the members; if it does not pass, the block is undone. You will get the ballot's link once the block is in force.",
        action_phrase(&proposal.action),
        proposal.number
    )
}

/// The public comment a provisional block carries.
pub fn provisional_comment(proposal: &Proposal) -> String {
    format!(
        "Provisional: {} at once by the working group; {} decide whether it stays in coopgov proposal #{}, closing {}. Undone if it does not pass.",
        blocked_word(&proposal.action),
        match &proposal.jury {
            Some(_) => "a jury drawn by lot will",
            None => "the members",
        },
        proposal.number,
        super::closes_phrase(proposal)
    )
}

/// A ratification ballot's lead, before the reason: who did it at once.
pub fn ballot_lead(proposal: &Proposal) -> Option<String> {
    let provisional = proposal.origin.ratified()?;
    Some(format!(
        "Done at once by {}",
        defang(&format!("@{}", provisional.actor.acct))
    ))
}

/// A ratification ballot's line on what its vote decides.
pub fn keeps_line(proposal: &Proposal) -> Option<String> {
    proposal
        .origin
        .is_ratification()
        .then(|| "Agree keeps it; if this vote fails, it is undone.".to_string())
}

/// Posted in the ballot's thread right after it: what was done, and what the vote decides.
pub fn at_once_note(proposal: &Proposal) -> String {
    let domain = proposal
        .action
        .domain()
        .map(domain_shown)
        .unwrap_or_default();
    format!(
        "Proposal #{}: the working group {} {domain} at once, because harm was ongoing, before any vote. This vote decides whether it stays: agree to keep it; if the proposal does not pass, the block is undone and {domain} is put back as it was.",
        proposal.number,
        blocked_word(&proposal.action),
    )
}

/// Refusal: an urgent action on this domain is already being ratified.
pub fn already_being_ratified(number: u64, domain: &str) -> String {
    format!(
        "Proposal #{number} already puts an urgent action on {} to the members; wait for its result, or cancel it first.",
        domain_shown(domain)
    )
}

/// Nothing was changed: a block as strict or stricter was already in place.
pub fn already_in_place(proposal: &Proposal, earlier: &BlockState) -> String {
    format!(
        "Nothing was changed: {} is already under a {} block, as strict or stricter than {}. Proposal #{} is closed without a vote.",
        proposal
            .action
            .domain()
            .map(domain_shown)
            .unwrap_or_default(),
        earlier.severity,
        action_phrase(&proposal.action),
        proposal.number
    )
}

/// An urgent action with nothing to do: a block as strict is already there, so nothing
/// changes and no proposal is opened.
pub fn nothing_to_do(action: &Action, earlier: &BlockState) -> String {
    format!(
        "Nothing was changed: {} is already under a {} block, as strict or stricter than you asked ({}). No proposal was opened.",
        action.domain().map(domain_shown).unwrap_or_default(),
        earlier.severity,
        action_phrase(action),
    )
}

/// An urgent action given up before anything changed: the block could not be read.
pub fn could_not_read(action: &Action, reason: &str) -> String {
    format!(
        "Nothing was changed: the bot could not read the block on {} first ({reason}), so it did not act. No proposal was opened.",
        action.domain().map(domain_shown).unwrap_or_default(),
    )
}

/// The urgent action could not be carried out; the members are not asked to ratify it.
pub fn could_not_act(proposal: &Proposal, reason: &str) -> String {
    format!(
        "The urgent action of proposal #{} could not be carried out: {reason}. Nothing is put to the members; whatever was changed is being put back as it was.",
        proposal.number
    )
}

/// What the close leads to for a ratification, in the result's last line.
pub fn what_next(proposal: &Proposal, closing: &Closing, in_force: bool) -> String {
    let domain = proposal
        .action
        .domain()
        .map(domain_shown)
        .unwrap_or_default();
    if !in_force {
        return "The urgent action never reached the instance; there is nothing to undo."
            .to_string();
    }
    if closing.outcome == Outcome::Passed {
        return format!("The block on {domain} stays; its provisional mark is being removed.");
    }
    format!(
        "Undoing the urgent action now: {}.",
        put_back(proposal, &domain).replace(" is back under", " goes back to")
    )
}

/// How the domain is put back when the vote does not back the urgent action.
pub(super) fn put_back(proposal: &Proposal, domain: &str) -> String {
    match proposal
        .origin
        .ratified()
        .map(|provisional| &provisional.earlier)
    {
        Some(Earlier::Blocked(block)) => {
            format!(
                "{domain} is back under its earlier {} block",
                block.severity
            )
        }
        Some(Earlier::Unblocked | Earlier::Unknown) => format!("{domain} is unblocked"),
        None => String::new(),
    }
}

/// The vote's answer is carried out on the instance.
pub fn done(proposal: &Proposal, closing: &Closing) -> String {
    let domain = proposal
        .action
        .domain()
        .map(domain_shown)
        .unwrap_or_default();
    let number = proposal.number;
    match closing.outcome {
        Outcome::Passed => format!(
            "Done: the block on {domain} stays, as the members decided in proposal #{number}; it is no longer marked provisional."
        ),
        Outcome::Cancelled => format!(
            "Undone: {}, as proposal #{number} was cancelled.",
            put_back(proposal, &domain)
        ),
        _ => format!(
            "Undone: {}, as proposal #{number} did not pass.",
            put_back(proposal, &domain)
        ),
    }
}
