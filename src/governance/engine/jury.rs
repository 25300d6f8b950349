//! A proposal the Standing Jury decides, from its ballot to its seating (SPEC §10): the
//! draw published in the thread, invitations in draw order, answers and deadlines, and
//! the seating (or `when_short` when the pool runs out).

use crate::commands;
use crate::governance::effects::{Effect, FollowUp, Step};
use crate::governance::jury::{draw, Answered, Jury, PoolSource, Seating, WhenShort};
use crate::governance::messages::{self, seating as said};
use crate::governance::proposal::{Application, Closing, Post, Proposal, Stage, StatusRef};
use crate::governance::purpose::Purpose;
use crate::governance::records::Records;
use crate::governance::settings::{Settings, Visibility};
use chrono::{DateTime, Utc};

use super::build::closing_time;

/// The pool at the moment of the draw, less the proposer and anyone who could not vote,
/// sorted as the draw reads it.
fn pool<R: Records>(
    settings: &Settings,
    records: &R,
    proposal: &Proposal,
) -> Result<Vec<String>, R::Error> {
    let members: Vec<String> = match settings.jury.as_ref().map(|jury| &jury.pool) {
        Some(PoolSource::Roster(accts)) => accts.iter().cloned().collect(),
        Some(PoolSource::Volunteers) | None => records.jury_pool()?.into_values().collect(),
    };
    // Volunteers were members when they joined; one who has since left the roster, or
    // a remote acct in a pool file, could never vote, so is not drawn.
    let roster = settings.membership.roster.as_ref();
    Ok(draw::sorted_pool(
        members
            .iter()
            .map(String::as_str)
            .filter(|acct| *acct != proposal.proposer.acct && !acct.contains('@'))
            .filter(|acct| roster.is_none_or(|roster| roster.contains(*acct))),
    ))
}

/// The ballot is up: draw the jury from the pool, publish the draw in the thread, and
/// invite the first members in draw order.
pub(super) fn draw_jury<R: Records>(
    settings: &Settings,
    records: &R,
    proposal: &mut Proposal,
    ballot: &StatusRef,
    now: DateTime<Utc>,
) -> Result<Step, R::Error> {
    let Some(case) = proposal.jury.as_ref().filter(|case| case.draw.is_none()) else {
        return Ok(Step::default());
    };
    let pool = pool(settings, records, proposal)?;
    let seed = draw::seed(proposal.number, &ballot.status_id, &pool);
    let order = draw::draw_order(&seed, &pool);
    let number = proposal.number;
    let effects: Vec<Effect> = said::draw_posts(
        number,
        &ballot.status_id,
        &seed,
        &pool,
        settings.max_characters,
    )
    .into_iter()
    .zip(1..)
    .map(|(text, part)| {
        Effect::post(
            Purpose::Draw { number, part },
            text,
            settings.ballot_visibility,
            Some(ballot.status_id.clone()),
        )
    })
    .collect();
    let jury = Jury::new(case.size, seed.clone(), order);
    if let Some(case) = proposal.jury.as_mut() {
        case.draw = Some(jury);
    }
    let step = Step::of(Vec::new(), effects).logged(
        Some(number),
        None,
        format!("jury drawn from {} members, seed {seed}", pool.len()),
    );
    Ok(settle(settings, proposal, now, step))
}

/// After any change to the answers: invite whoever is next, seat the jury when every
/// seat is taken, or follow `when_short` when the pool has run out. Adds to `step`.
fn settle(
    settings: &Settings,
    proposal: &mut Proposal,
    now: DateTime<Utc>,
    mut step: Step,
) -> Step {
    let number = proposal.number;
    let ballot = proposal.ballot.clone();
    // A case cancelled (or closed) meanwhile invites and seats nobody more.
    if !proposal.is_seating() {
        return step;
    }
    let Some(case) = proposal.jury.as_mut() else {
        return step;
    };
    let Some(jury) = case.draw.as_mut() else {
        return step;
    };
    if case.seating != Seating::Seating {
        return step;
    }
    let consent = chrono::Duration::from_std(case.consent_within).unwrap_or(chrono::Duration::MAX);
    let invited = jury.invite(now, consent);
    let (full, short) = (jury.is_full(), jury.is_short());
    let (voting, when_short, members_rule) = (case.voting, case.when_short, case.members_rule);
    if full {
        case.seating = Seating::Seated { at: now };
    } else if short {
        case.seating = Seating::Short { at: now };
    }
    let deadline = now + consent;
    let ballot_url = ballot.as_ref().map(|b| b.url.clone()).unwrap_or_default();
    for acct in &invited {
        step.effects.push(Effect::Post {
            purpose: Purpose::Invitation {
                number,
                acct: acct.clone(),
            },
            text: messages::to(acct, &said::invitation(proposal, &ballot_url, deadline)),
            visibility: Visibility::Direct,
            in_reply_to: None,
            then: Some(FollowUp::Invited {
                number,
                acct: acct.clone(),
            }),
        });
        step = step.logged(Some(number), None, format!("invited to the jury: {acct}"));
    }
    let in_thread = ballot.map(|b| b.status_id);
    let notice = if full {
        proposal.closes_at = closing_time(now, voting);
        let jury = proposal.jury.as_ref().and_then(|case| case.draw.as_ref());
        let text = jury
            .map(|jury| said::seated(proposal, jury))
            .unwrap_or_default();
        step = step.logged(Some(number), None, "jury seated");
        Some(text)
    } else if short {
        step = step.logged(Some(number), None, "the jury pool ran out");
        match when_short {
            WhenShort::Members => {
                proposal.rule = members_rule;
                proposal.closes_at = closing_time(now, voting);
                Some(said::short_members_vote(proposal))
            }
            WhenShort::Cancel => {
                proposal.stage =
                    Stage::Closed(Closing::cancelled_unvoted(now, Application::NotNeeded));
                Some(said::short_cancelled(number))
            }
        }
    } else {
        None
    };
    if let Some(text) = notice {
        // A case from reports sends its file to its readers once they are known.
        let then = proposal
            .origin
            .case()
            .is_some()
            .then_some(FollowUp::Seated { number });
        step.effects.push(Effect::Post {
            purpose: Purpose::Seated { number },
            text: messages::shorten(&text, settings.max_characters),
            visibility: settings.ballot_visibility,
            in_reply_to: in_thread,
            then,
        });
    }
    step.proposals.retain(|p| p.number != number);
    step.proposals.push(proposal.clone());
    step
}

/// Proposals with a drawn member whose time to answer has run out.
pub fn consent_due(proposals: &[Proposal], now: DateTime<Utc>) -> Vec<u64> {
    proposals
        .iter()
        .filter(|proposal| proposal.is_seating())
        .filter(|proposal| {
            proposal
                .jury
                .as_ref()
                .and_then(|case| case.draw.as_ref())
                .and_then(Jury::next_deadline)
                .is_some_and(|deadline| deadline <= now)
        })
        .map(|proposal| proposal.number)
        .collect()
}

/// The earliest moment a drawn member's time to answer runs out, over `proposals`.
pub fn next_consent_deadline(proposals: &[Proposal]) -> Option<DateTime<Utc>> {
    proposals
        .iter()
        .filter(|proposal| proposal.is_seating())
        .filter_map(|proposal| proposal.jury.as_ref()?.draw.as_ref()?.next_deadline())
        .min()
}

/// Passes over whoever did not answer in time, and invites the next.
pub fn on_consent_deadline(settings: &Settings, proposal: &Proposal, now: DateTime<Utc>) -> Step {
    let mut proposal = proposal.clone();
    let Some(jury) = proposal.jury.as_mut().and_then(|case| case.draw.as_mut()) else {
        return Step::default();
    };
    let mut step = Step::default();
    for acct in jury.pass_over_expired(now) {
        step = step.logged(Some(proposal.number), None, format!("passed over: {acct}"));
    }
    if step.audit.is_empty() {
        return step;
    }
    settle(settings, &mut proposal, now, step)
}

/// An invitation is posted: its status id is what the member's answer replies to.
pub fn on_invitation_sent(proposal: &Proposal, acct: &str, invitation: &StatusRef) -> Step {
    let mut proposal = proposal.clone();
    let Some(jury) = proposal.jury.as_mut().and_then(|case| case.draw.as_mut()) else {
        return Step::default();
    };
    let Some(summons) = jury.summoned.iter_mut().find(|s| s.acct == acct) else {
        return Step::default();
    };
    summons.invitation = Some(invitation.status_id.clone());
    Step::changed(proposal)
}

/// A reply to a jury invitation, when `post` is one: the member's `accept` or `decline`.
pub(super) fn on_consent_reply<R: Records>(
    settings: &Settings,
    records: &R,
    post: &Post,
    now: DateTime<Utc>,
) -> Result<Option<Step>, R::Error> {
    let Some(replied_to) = post.in_reply_to_id.as_deref() else {
        return Ok(None);
    };
    let invited = |proposal: &Proposal| {
        let summons = proposal
            .jury
            .as_ref()?
            .draw
            .as_ref()?
            .invited_by(replied_to)?;
        Some(summons.acct.clone())
    };
    let Some((mut proposal, acct)) = records
        .all_proposals()?
        .into_iter()
        .find_map(|proposal| invited(&proposal).map(|acct| (proposal, acct)))
    else {
        return Ok(None);
    };
    // Only the member invited answers for themself.
    if !post.author.is_local() || post.author.identity.acct != acct {
        return Ok(None);
    }
    let number = proposal.number;
    if !proposal.is_seating() {
        return Ok(Some(super::answer(post, said::answered_already(number))));
    }
    let Some(accepts) = commands::parse_consent(&post.text) else {
        return Ok(Some(super::answer(post, said::invitation_help(number))));
    };
    let account_id = post.author.identity.account_id.as_str();
    let answered = proposal
        .jury
        .as_mut()
        .and_then(|case| case.draw.as_mut())
        .map(|jury| jury.answer(&acct, accepts.then_some(account_id), now));
    let (event, reply) = match answered {
        Some(Answered::Seated) => ("seated on the jury", None),
        Some(Answered::PassedOver) => (
            "declined the jury: passed over",
            Some(said::declined(number)),
        ),
        _ => return Ok(Some(super::answer(post, said::answered_already(number)))),
    };
    let step = Step::default().logged(Some(number), Some(&acct), event);
    let mut step = settle(settings, &mut proposal, now, step);
    let reply = reply.unwrap_or_else(|| {
        let closes = proposal.is_open().then_some(proposal.closes_at);
        said::accepted(number, closes)
    });
    step = step.and(super::answer(post, reply));
    if !step.proposals.iter().any(|p| p.number == number) {
        step.proposals.push(proposal);
    }
    Ok(Some(step))
}
