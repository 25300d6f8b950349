//! The working group acts at once when harm is ongoing (SPEC §11): a proposal that
//! ratifies the action is opened in the same step, the domain's block is read, the
//! provisional block put in place, and only then is the ballot posted.

use super::{answer_as, build};
use crate::governance::effects::{Effect, Step, UrgentCommand};
use crate::governance::messages::{self, refusals, urgent as said};
use crate::governance::proposal::{
    Application, Closing, Earlier, Origin, Post, Proposal, Provisional, Stage, StatusRef,
};
use crate::governance::purpose::Purpose;
use crate::governance::records::Records;
use crate::governance::settings::{Mode, Settings, Visibility};
use crate::governance::Action;
use crate::model::{BlockState, Severity};
use chrono::{DateTime, Utc};

/// `suspend now` / `silence now <domain> <reason…>` from a working-group member (the
/// caller checked who and how it was sent): the domain's block is read first, and
/// nothing is opened or answered until it is known (`on_block_read`).
pub(super) fn act_now<R: Records>(
    settings: &Settings,
    records: &R,
    post: &Post,
    action: &Action,
    reason: &str,
    _now: DateTime<Utc>,
) -> Result<Step, R::Error> {
    if records.proposal_by_request(&post.status_id)?.is_some() {
        return Ok(Step::default());
    }
    if let Some(refusal) = refusal(settings, records, action)? {
        return Ok(answer_as(post, refusal, Visibility::Direct));
    }
    let command = UrgentCommand {
        actor: post.author.identity.clone(),
        action: action.clone(),
        reason: reason.to_string(),
        request: StatusRef {
            status_id: post.status_id.clone(),
            url: post.url.clone(),
        },
    };
    let read = Effect::ActNow {
        purpose: Purpose::ActNow {
            request: post.status_id.clone(),
        },
        command,
    };
    let event = format!(
        "asked to act at once: {} ({reason}); reading the domain's block first",
        messages::action_phrase(action)
    );
    Ok(Step::of(Vec::new(), vec![read]).logged(None, Some(&post.author.identity.acct), event))
}

/// The domain's block was read for an urgent action. A block as strict already in place
/// leaves nothing to do: the member who acted is told, and no proposal is opened. Else
/// the ratification opens now, with the earlier block kept to put back, and the
/// provisional block goes in; the ballot follows once it is in force.
pub fn on_block_read<R: Records>(
    settings: &Settings,
    records: &R,
    command: &UrgentCommand,
    earlier: Option<BlockState>,
    now: DateTime<Utc>,
) -> Result<Step, R::Error> {
    let request = &command.request.status_id;
    // Done before: the step that followed this read was committed with it.
    if records.proposal_by_request(request)?.is_some() {
        return Ok(Step::default());
    }
    let (action, acct) = (&command.action, &command.actor.acct);
    let tell = |text: String| tell_commander(command, &text);
    // Another urgent action on this domain may have opened meanwhile.
    if let Some(refusal) = refusal(settings, records, action)? {
        return Ok(tell(refusal.clone()).logged(None, Some(acct), refusal));
    }
    let Some(domain) = action.domain() else {
        return Ok(Step::default());
    };
    if let Some(block) = as_strict(action, earlier.as_ref()) {
        let text = said::nothing_to_do(action, block);
        let event = format!(
            "did not act at once on {domain}: already under a {} block; no proposal opened",
            block.severity
        );
        return Ok(tell(text).logged(None, Some(acct), event));
    }
    let number = records.next_number()?;
    let asked = build::Asked {
        action,
        reason: &command.reason,
        proposer: command.actor.clone(),
        request: command.request.clone(),
        duration: None,
        urgent: true,
        origin: Origin::Ratification(Provisional {
            actor: command.actor.clone(),
            earlier: match &earlier {
                None => Earlier::Unblocked,
                Some(block) => Earlier::Blocked(block.clone()),
            },
        }),
    };
    let proposal = build::new_proposal(settings, number, asked, now);
    let set = Effect::SetBlock {
        purpose: Purpose::Provisional { number },
        number,
        domain: domain.to_string(),
        block: Some(Effect::block_for(
            &proposal,
            earlier.as_ref(),
            said::provisional_comment(&proposal),
        )),
    };
    let mut step = tell(said::acting(&proposal));
    step.effects.insert(0, set);
    step.proposals.push(proposal);
    let before = earlier
        .as_ref()
        .map_or("none".to_string(), |block| block.severity.to_string());
    Ok(step
        .logged(
            Some(number),
            Some(acct),
            format!(
                "acted at once: {} ({}); proposal #{number} ratifies it",
                messages::action_phrase(action),
                command.reason
            ),
        )
        .logged(
            Some(number),
            None,
            format!("block before the urgent action: {before}"),
        ))
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
        proposal.origin.is_ratification()
            && proposal.closing().is_none()
            && proposal.action.domain() == Some(domain)
    });
    Ok(pending.map(|proposal| said::already_being_ratified(proposal.number, domain)))
}

/// The block already in place when it is as strict as `action` asks, or stricter.
fn as_strict<'a>(action: &Action, earlier: Option<&'a BlockState>) -> Option<&'a BlockState> {
    let wanted = action.severity().unwrap_or(Severity::Suspend);
    earlier.filter(|block| block.severity >= wanted)
}

/// The domain's block could not be read (the instance refused): nothing was changed and
/// nothing is opened; the member who acted is told why.
pub fn on_block_unreadable(command: &UrgentCommand, reason: &str) -> Step {
    let text = said::could_not_read(&command.action, reason);
    tell_commander(command, &text).logged(
        None,
        Some(&command.actor.acct),
        format!("did not act at once: {reason}"),
    )
}

/// The direct message answering the working group's urgent command.
fn tell_commander(command: &UrgentCommand, text: &str) -> Step {
    let request = &command.request.status_id;
    Step::of(
        Vec::new(),
        vec![Effect::post(
            Purpose::Answer {
                status_id: request.clone(),
            },
            messages::to(&command.actor.acct, text),
            Visibility::Direct,
            Some(request.clone()),
        )],
    )
}

/// The domain's block was read for a ratification opened before it (as versions before
/// `on_block_read` did, for an outbox entry written by one). Unless a block as strict is
/// already there, the provisional block goes in place; the ballot follows once it is in
/// force.
pub fn on_snapshot(proposal: &Proposal, earlier: Option<BlockState>, now: DateTime<Utc>) -> Step {
    let Some(provisional) = proposal.origin.ratified() else {
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
    if let Some(provisional) = updated.origin.ratified_mut() {
        provisional.earlier = recorded;
    }
    let event = format!(
        "block before the urgent action: {}",
        earlier
            .as_ref()
            .map_or("none".to_string(), |block| block.severity.to_string())
    );
    // Cancelled before anything changed: nothing to do.
    if proposal.stage != Stage::Opening {
        if let Some(provisional) = updated.origin.ratified_mut() {
            provisional.earlier = Earlier::Unknown;
        }
        return Step::changed(updated).logged(Some(number), None, event);
    }
    if let Some(block) = as_strict(&proposal.action, earlier.as_ref()) {
        let text = said::already_in_place(proposal, block);
        updated.stage = Stage::Closed(Closing::cancelled_unvoted(now, Application::NotNeeded));
        // Nothing was changed, so nothing is to be put back.
        if let Some(provisional) = updated.origin.ratified_mut() {
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
            let ballot = build::ballot_effect(settings, proposal);
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
