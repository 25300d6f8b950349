//! A request opens a proposal; the ballot's posting opens its vote.

use super::answer;
use super::build::{ballot_effect, new_proposal, Asked};
use super::working_group;
use crate::commands::ProposeRequest;
use crate::governance::effects::{Effect, Step};
use crate::governance::messages::{self, refusals};
use crate::governance::proposal::{Origin, Post, Proposal, Stage, StatusRef};
use crate::governance::purpose::Purpose;
use crate::governance::records::Records;
use crate::governance::settings::{Settings, Visibility};
use crate::governance::Action;
use chrono::{DateTime, Utc};

pub(super) fn open<R: Records>(
    settings: &Settings,
    records: &R,
    post: &Post,
    request: &ProposeRequest,
    now: DateTime<Utc>,
) -> Result<Step, R::Error> {
    if records.proposal_by_request(&post.status_id)?.is_some() {
        return Ok(Step::default());
    }
    if let Some(refusal) = refusal(settings, records, post, request, now)? {
        return Ok(answer(post, refusal));
    }
    let number = records.next_number()?;
    let request_ref = StatusRef {
        status_id: post.status_id.clone(),
        url: post.url.clone(),
    };
    let asked = Asked {
        action: &request.action,
        reason: &request.reason,
        proposer: post.author.identity.clone(),
        request: request_ref,
        duration: request.duration,
        urgent: request.urgent,
        origin: Origin::Request,
    };
    let proposal = new_proposal(settings, number, asked, now);
    let ballot = ballot_effect(settings, &proposal);
    let event = format!(
        "proposed: {} ({}), closes {}",
        messages::action_phrase(&proposal.action),
        proposal.reason,
        messages::closes_phrase(&proposal)
    );
    let acct = proposal.proposer.acct.clone();
    Ok(Step::of(vec![proposal], vec![ballot]).logged(Some(number), Some(&acct), event))
}

/// Why this request may not open a proposal, when it may not.
fn refusal<R: Records>(
    settings: &Settings,
    records: &R,
    post: &Post,
    request: &ProposeRequest,
    now: DateTime<Utc>,
) -> Result<Option<String>, R::Error> {
    let author = &post.author;
    let is_working_group = working_group::is_member(settings, post);
    if settings.proposers_working_group_only && !is_working_group {
        return Ok(Some(refusals::proposers_working_group_only()));
    }
    if let Err(why) = settings.membership.check(author, now) {
        return Ok(Some(refusals::cannot_open(&why.explanation())));
    }
    let limit = settings.proposals_per_day as usize;
    if !is_working_group && limit > 0 {
        let day_ago = now - chrono::Duration::days(1);
        let opened_today = records
            .all_proposals()?
            .iter()
            .filter(|p| {
                p.proposer.account_id == author.identity.account_id && p.opened_at > day_ago
            })
            .count();
        if opened_today >= limit {
            return Ok(Some(refusals::opened_too_many(opened_today)));
        }
    }
    if let Some(domain) = request.action.domain() {
        let own = settings.instance_domain.to_lowercase();
        if domain == own || domain.ends_with(&format!(".{own}")) {
            return Ok(Some(refusals::own_instance(domain)));
        }
    }
    if matches!(request.action, Action::Silence { .. }) && !settings.server.can_silence {
        return Ok(Some(refusals::cannot_silence(&settings.server.name)));
    }
    let durations = &settings.durations;
    let jury = super::build::case_for(settings, request.action.kind(), None);
    let default = jury.as_ref().map_or(durations.default, |case| case.voting);
    let duration = request.duration.unwrap_or(default);
    let minimum = if request.urgent {
        durations.urgent_min
    } else {
        durations.min
    };
    // A jury's own voting time is allowed however short: the cooperative chose it for
    // a few jurors who agreed to serve, not for the whole membership.
    let minimum = jury.map_or(minimum, |case| minimum.min(case.voting));
    if duration < minimum {
        let urgent_minimum = (!request.urgent).then_some(durations.urgent_min);
        return Ok(Some(refusals::too_short(minimum, duration, urgent_minimum)));
    }
    if duration > durations.max {
        return Ok(Some(refusals::too_long(durations.max, duration)));
    }
    Ok(None)
}

/// The ballot is posted: voting is open (or, for a jury, its draw begins), and the
/// requester gets the link.
pub fn on_ballot_posted<R: Records>(
    settings: &Settings,
    records: &R,
    proposal: &Proposal,
    ballot: StatusRef,
    terms: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Step, R::Error> {
    if proposal.stage != Stage::Opening {
        return Ok(Step::default());
    }
    let mut proposal = proposal.clone();
    let text = messages::opened(&proposal, &ballot.url);
    let event = format!("ballot posted: {}", ballot.url);
    let ballot_ref = ballot.clone();
    proposal.ballot = Some(ballot);
    proposal.stage = Stage::Open;
    let reply = Effect::post(
        Purpose::Opened {
            number: proposal.number,
        },
        messages::to(&proposal.proposer.acct, &text),
        Visibility::Direct,
        Some(proposal.request.status_id.clone()),
    );
    let number = proposal.number;
    let drawn = super::jury::draw_jury(settings, records, &mut proposal, &ballot_ref, now)?;
    // Nobody asked for a case opened from reports or from the lists' advice: there is
    // nobody to tell.
    let mut replies = match proposal.origin {
        Origin::Reports(_) | Origin::Subscription(_) => Vec::new(),
        Origin::Request | Origin::Ratification(_) | Origin::Appeal { .. } => vec![reply],
    };
    // The ballot's terms come first in its thread, where anyone recounting looks for them.
    if let Some(terms) = terms {
        replies.push(Effect::post(
            Purpose::Terms { number },
            terms.to_string(),
            settings.ballot_visibility,
            Some(ballot_ref.status_id.clone()),
        ));
    }
    if proposal.is_sealed() {
        replies.push(Effect::post(
            Purpose::SealedHow { number },
            messages::defang(&messages::sealed::how_to_vote(number, &settings.bot_acct)),
            settings.ballot_visibility,
            Some(ballot_ref.status_id.clone()),
        ));
    }
    // A batch lists its entries right under the ballot, where members read them.
    replies.extend(super::batch::entry_lists(
        settings,
        &proposal,
        &ballot_ref.status_id,
    ));
    // Before any draw: a ratification's thread first says what was already done.
    if proposal.origin.is_ratification() {
        replies.push(Effect::post(
            Purpose::AtOnce { number },
            messages::urgent::at_once_note(&proposal),
            settings.ballot_visibility,
            Some(ballot_ref.status_id.clone()),
        ));
    }
    // The draw's step carries the proposal as the draw left it.
    Ok(Step::of(vec![proposal], replies)
        .logged(Some(number), None, event)
        .and(drawn))
}
