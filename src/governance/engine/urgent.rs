//! The working group acts at once when harm is ongoing (SPEC §11): a proposal that
//! ratifies the action is opened in the same step, the domain's block is read, the
//! provisional block put in place, and only then is the ballot posted.

use super::{answer_as, open};
use crate::governance::effects::{Effect, Step};
use crate::governance::messages::{self, refusals, urgent as said};
use crate::governance::proposal::{
    Application, Closing, Earlier, Origin, Post, Proposal, Provisional, Stage, StatusRef,
};
use crate::governance::purpose::Purpose;
use crate::governance::records::Records;
use crate::governance::settings::{Mode, Settings, Visibility};
use crate::governance::Action;
use crate::model::BlockState;
use chrono::{DateTime, Utc};

/// `suspend now` / `silence now <domain> <reason…>` from a working-group member (the
/// caller checked who and how it was sent).
pub(super) fn act_now<R: Records>(
    settings: &Settings,
    records: &R,
    post: &Post,
    action: &Action,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Step, R::Error> {
    if records.proposal_by_request(&post.status_id)?.is_some() {
        return Ok(Step::default());
    }
    if let Some(refusal) = refusal(settings, records, action)? {
        return Ok(answer_as(post, refusal, Visibility::Direct));
    }
    let Some(domain) = action.domain() else {
        return Ok(Step::default());
    };
    let urgent_min = settings.durations.urgent_min;
    let number = records.next_number()?;
    let actor = post.author.identity.clone();
    let asked = open::Asked {
        action,
        reason,
        proposer: actor.clone(),
        request: StatusRef {
            status_id: post.status_id.clone(),
            url: post.url.clone(),
        },
        duration: Some(urgent_min),
    };
    let mut proposal = open::new_proposal(settings, number, asked, now);
    // Whoever decides it, a ratification is decided under its own rule and time.
    proposal.urgent = true;
    proposal.rule = settings.ratify_rule;
    proposal.closes_at = open::closing_time(now, urgent_min);
    if let Some(case) = proposal.jury.as_mut() {
        case.members_rule = settings.ratify_rule;
    }
    proposal.origin = Origin::Ratification(Provisional {
        actor,
        earlier: Earlier::Unknown,
    });
    // The block is read before anything changes, so the vote can put it back exactly.
    let snapshot = Effect::Snapshot {
        purpose: Purpose::Snapshot { number },
        number,
        domain: domain.to_string(),
    };
    let mut step = answer_as(post, said::acting(&proposal), Visibility::Direct);
    let event = format!(
        "acted at once: {} ({reason}); proposal #{number} ratifies it",
        messages::action_phrase(action)
    );
    step.effects.push(snapshot);
    step.proposals.push(proposal);
    Ok(step.logged(Some(number), Some(&post.author.identity.acct), event))
}

fn refusal<R: Records>(
    settings: &Settings,
    records: &R,
    action: &Action,
) -> Result<Option<String>, R::Error> {
    let Some(domain) = action.domain() else {
        return Ok(None);
    };
    if settings.mode == Mode::DryRun {
        return Ok(Some(refusals::dry_run_changes_nothing()));
    }
    let own = settings.instance_domain.to_lowercase();
    if domain == own || domain.ends_with(&format!(".{own}")) {
        return Ok(Some(refusals::own_instance(domain)));
    }
    if matches!(action, Action::Silence { .. }) && !settings.server.can_silence {
        return Ok(Some(refusals::cannot_silence(&settings.server.name)));
    }
    let pending = records.all_proposals()?.into_iter().find(|proposal| {
        matches!(proposal.origin, Origin::Ratification(_))
            && proposal.closing().is_none()
            && proposal.action.domain() == Some(domain)
    });
    Ok(pending.map(|proposal| said::already_being_ratified(proposal.number, domain)))
}

/// How strict a severity is: a suspension is stricter than a limit, which is stricter
/// than Mastodon's `noop` (media rejection only).
fn strictness(severity: &str) -> u8 {
    match severity {
        "suspend" => 2,
        "silence" => 1,
        _ => 0,
    }
}

/// The domain's block was read. Unless a block as strict is already there, the
/// provisional block goes in place; the ballot follows once it is in force.
pub fn on_snapshot(proposal: &Proposal, earlier: Option<BlockState>, now: DateTime<Utc>) -> Step {
    let Origin::Ratification(provisional) = &proposal.origin else {
        return Step::default();
    };
    // Read once: a repeated read after a restart must not take the provisional block
    // for the earlier one.
    if provisional.earlier != Earlier::Unknown {
        return Step::default();
    }
    let number = proposal.number;
    let mut updated = proposal.clone();
    let recorded = match &earlier {
        None => Earlier::Unblocked,
        Some(block) => Earlier::Blocked(block.clone()),
    };
    if let Origin::Ratification(provisional) = &mut updated.origin {
        provisional.earlier = recorded;
    }
    let event = format!(
        "block before the urgent action: {}",
        earlier
            .as_ref()
            .map_or("none".to_string(), |block| block.severity.clone())
    );
    // Cancelled before anything changed: nothing to do.
    if proposal.stage != Stage::Opening {
        if let Origin::Ratification(provisional) = &mut updated.origin {
            provisional.earlier = Earlier::Unknown;
        }
        return Step::changed(updated).logged(Some(number), None, event);
    }
    let wanted = match proposal.action {
        Action::Silence { .. } => "silence",
        _ => "suspend",
    };
    if let Some(block) = earlier
        .as_ref()
        .filter(|block| strictness(&block.severity) >= strictness(wanted))
    {
        let text = said::already_in_place(proposal, block);
        updated.stage = Stage::Closed(Closing::cancelled_unvoted(now, Application::NotNeeded));
        // Nothing was changed, so nothing is to be put back.
        if let Origin::Ratification(provisional) = &mut updated.origin {
            provisional.earlier = Earlier::Unknown;
        }
        let told = tell_actor(proposal, &text);
        return Step::of(vec![updated], vec![told]).logged(
            Some(number),
            None,
            format!("{event}; already as strict, nothing changed and nothing to ratify"),
        );
    }
    let Some(domain) = proposal.action.domain() else {
        return Step::default();
    };
    let block = Effect::block_for(
        &updated,
        earlier.as_ref(),
        said::provisional_comment(&updated),
    );
    let set = Effect::SetBlock {
        purpose: Purpose::Provisional { number },
        number,
        domain: domain.to_string(),
        block: Some(block),
    };
    Step::of(vec![updated], vec![set]).logged(Some(number), None, event)
}

/// The provisional block is in force (the ballot goes up), or could not be put in place
/// (the proposal is closed, whatever changed is put back, and the working group told).
pub fn on_provisional_block(
    settings: &Settings,
    proposal: &Proposal,
    result: Result<(), String>,
    now: DateTime<Utc>,
) -> Step {
    if proposal.stage != Stage::Opening {
        return Step::default();
    }
    let number = proposal.number;
    let reason = match result {
        Ok(()) => {
            let ballot = open::ballot_effect(settings, proposal);
            return Step::of(Vec::new(), vec![ballot]).logged(
                Some(number),
                None,
                "blocked at once, provisionally",
            );
        }
        Err(reason) => reason,
    };
    let mut closed = proposal.clone();
    closed.stage = Stage::Closed(Closing::cancelled_unvoted(now, Application::Pending));
    let text = said::could_not_act(proposal, &reason);
    let mut effects = Effect::tell_working_group(
        &settings.working_group,
        |acct| Purpose::ActFailed { number, acct },
        &text,
    );
    match Effect::apply_decision(&closed, Purpose::Apply { number }) {
        Some(undo) => effects.push(undo),
        None => {
            if let Stage::Closed(closing) = &mut closed.stage {
                closing.application = Application::NotNeeded;
            }
        }
    }
    Step::of(vec![closed], effects).logged(
        Some(number),
        None,
        format!("the urgent action could not be carried out: {reason}"),
    )
}

/// A direct message to the working-group member who acted, in reply to their command.
fn tell_actor(proposal: &Proposal, text: &str) -> Effect {
    Effect::post(
        Purpose::Opened {
            number: proposal.number,
        },
        messages::to(&proposal.proposer.acct, text),
        Visibility::Direct,
        Some(proposal.request.status_id.clone()),
    )
}
