//! An appeal (SPEC §11): within `appeals.within` of a decision made by a jury or by a
//! ratification, any member may put its reversal to all members, once per decision.

use super::answer;
use super::build::{self, Asked};
use crate::governance::effects::Step;
use crate::governance::messages::{self, appeals as said, refusals};
use crate::governance::proposal::{Earlier, Origin, Post, Proposal, StatusRef};
use crate::governance::records::Records;
use crate::governance::settings::Settings;
use crate::governance::{Action, Outcome, Severity};
use chrono::{DateTime, Utc};

pub(super) fn appeal<R: Records>(
    settings: &Settings,
    records: &R,
    post: &Post,
    number: u64,
    why: &str,
    now: DateTime<Utc>,
) -> Result<Step, R::Error> {
    if records.proposal_by_request(&post.status_id)?.is_some() {
        return Ok(Step::default());
    }
    let Some(within) = settings.appeals_within else {
        return Ok(answer(post, said::appeals_off()));
    };
    if let Err(why) = settings.membership.check(&post.author, now) {
        return Ok(answer(post, refusals::cannot_appeal(&why.explanation())));
    }
    let Some(appealed) = records.proposal(number)? else {
        return Ok(answer(post, refusals::no_such_proposal(number)));
    };
    let proposals = records.all_proposals()?;
    if let Err(refusal) = eligible(&appealed, &proposals, within, now) {
        return Ok(answer(post, refusal));
    }
    let reversal = reversal(&appealed);
    let reason = said::reason(&appealed, why);
    let asked = Asked {
        action: &reversal,
        reason: &reason,
        proposer: post.author.identity.clone(),
        request: StatusRef {
            status_id: post.status_id.clone(),
            url: post.url.clone(),
        },
        duration: None,
        urgent: false,
        origin: Origin::Appeal { of: number },
    };
    let next = records.next_number()?;
    let proposal = build::new_proposal(settings, next, asked, now);
    let ballot = build::ballot_effect(settings, &proposal);
    let event = format!(
        "appealed #{number}: {} ({why})",
        messages::action_phrase(&reversal)
    );
    let acct = post.author.identity.acct.clone();
    Ok(Step::of(vec![proposal], vec![ballot]).logged(Some(next), Some(&acct), event))
}

/// Whether `appealed` may be appealed now; the refusal to send when not.
pub fn eligible(
    appealed: &Proposal,
    proposals: &[Proposal],
    within: std::time::Duration,
    now: DateTime<Utc>,
) -> Result<(), String> {
    let number = appealed.number;
    let Some(closing) = appealed.closing() else {
        return Err(said::still_open(number));
    };
    if closing.outcome == Outcome::Cancelled {
        return Err(said::cancelled(number));
    }
    let by_jury = appealed
        .jury
        .as_ref()
        .is_some_and(|case| case.jury_decides());
    let ratified = appealed.origin.is_ratification();
    if !by_jury && !ratified {
        return Err(said::not_appealable(number));
    }
    let until =
        closing.closed_at + chrono::Duration::from_std(within).unwrap_or(chrono::Duration::MAX);
    if now > until {
        return Err(said::too_late(number, until));
    }
    if let Some(appeal) = proposals
        .iter()
        .find(|p| p.origin == Origin::Appeal { of: number })
    {
        return Err(said::already_appealed(number, appeal.number));
    }
    Ok(())
}

/// What reverses `appealed`'s effect on the instance: a block that stands is lifted (or,
/// after an urgent action, put back to the block before it); a block refused or undone
/// is asked for again; a lifted block is asked for again as a suspension.
pub fn reversal(appealed: &Proposal) -> Action {
    let passed = appealed
        .closing()
        .is_some_and(|closing| closing.outcome == Outcome::Passed);
    let Some(domain) = appealed.action.domain().map(str::to_string) else {
        return Action::Motion;
    };
    match (&appealed.action, passed) {
        (Action::Unblock { .. }, true) => Action::Suspend { domain },
        (Action::Unblock { .. }, false) => Action::Unblock { domain },
        (_, false) => appealed.action.clone(),
        (_, true) => match &appealed.origin {
            Origin::Ratification(provisional) => match &provisional.earlier {
                Earlier::Blocked(block) if block.severity == Severity::Silence => {
                    Action::Silence { domain }
                }
                Earlier::Blocked(_) | Earlier::Unblocked | Earlier::Unknown => {
                    Action::Unblock { domain }
                }
            },
            Origin::Request
            | Origin::Reports(_)
            | Origin::Appeal { .. }
            | Origin::Subscription(_) => Action::Unblock { domain },
        },
    }
}
