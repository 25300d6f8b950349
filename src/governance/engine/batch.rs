//! Batch ballots (SPEC §15): what is new in one reading of a list, put to the members as
//! one proposal; its entries listed in numbered replies; a member's `exclude <domain>
//! <reason…>` taking one out to its own vote; and, when it passes, each entry that
//! remains applied as its own block, naming the batch and the list.

use super::build::{self, advised_proposal, block_action};
use crate::commands::normalize_domain;
use crate::governance::advice::{About, AdviceSettings, Candidate, Considered};
use crate::governance::effects::{Effect, Step};
use crate::governance::messages::{self, advice as said};
use crate::governance::proposal::{
    Advised, Application, Batched, Exclusion, Post, Proposal, Source, Stage,
};
use crate::governance::purpose::Purpose;
use crate::governance::records::Records;
use crate::governance::settings::Settings;
use crate::governance::Action;
use crate::model::Severity;
use chrono::{DateTime, Utc};

/// The batch of `candidates` from the list `from`, as proposal `number`.
pub(super) fn open_batch(
    settings: &Settings,
    config: &AdviceSettings,
    number: u64,
    from: &str,
    candidates: &[Candidate],
    now: DateTime<Utc>,
) -> Proposal {
    let severity = |c: &Candidate| match c.about {
        About::Block { severity } => severity,
        About::Unblock => Severity::Suspend,
    };
    let count =
        |wanted: Severity| candidates.iter().filter(|c| severity(c) == wanted).count() as u32;
    let action = Action::Adopt {
        from: from.to_string(),
        suspend: count(Severity::Suspend),
        silence: count(Severity::Silence),
    };
    let reason = said::batch_reason(candidates, from, config.subscriptions.len());
    let batch = candidates
        .iter()
        .map(|candidate| Batched {
            domain: candidate.domain.clone(),
            severity: severity(candidate),
            reject_media: candidate.reject_media,
            reject_reports: candidate.reject_reports,
            sources: candidate.sources.clone(),
            excluded: None,
            applied: None,
            attempt: 0,
        })
        .collect();
    let advised = Advised {
        sources: vec![Source {
            name: from.to_string(),
            comment: String::new(),
            labels: Vec::new(),
        }],
        of: config.subscriptions.len() as u32,
        reject_media: false,
        reject_reports: false,
        batch,
    };
    advised_proposal(settings, number, &action, &reason, advised, now)
}

/// The numbered replies listing a batch's entries, under its ballot.
pub(super) fn entry_lists(
    settings: &Settings,
    proposal: &Proposal,
    ballot_id: &str,
) -> Vec<Effect> {
    let Some(advised) = proposal.origin.advised().filter(|a| !a.batch.is_empty()) else {
        return Vec::new();
    };
    said::batch_lists(proposal.number, &advised.batch, settings.max_characters)
        .into_iter()
        .zip(1..)
        .map(|(text, part)| {
            Effect::post(
                Purpose::Entries {
                    number: proposal.number,
                    part,
                },
                text,
                settings.ballot_visibility,
                Some(ballot_id.to_string()),
            )
        })
        .collect()
}

/// A reply to a batch ballot that starts with `exclude`: the entry leaves the batch and
/// is proposed on its own at once; `None` for any other reply.
pub fn on_exclusion<R: Records>(
    settings: &Settings,
    records: &R,
    batch: &Proposal,
    post: &Post,
    now: DateTime<Utc>,
) -> Result<Option<Step>, R::Error> {
    let Action::Adopt { .. } = batch.action else {
        return Ok(None);
    };
    let mut words = post.text.split_whitespace();
    if !words
        .next()
        .is_some_and(|w| w.eq_ignore_ascii_case("exclude"))
    {
        return Ok(None);
    }
    let refuse = |text: String| Ok(Some(super::answer(post, text)));
    if batch.stage != Stage::Open {
        return refuse(format!(
            "Proposal #{} is closed: nothing can be taken out of it any more.",
            batch.number
        ));
    }
    if let Err(why) = settings.membership.check(&post.author, batch.opened_at) {
        return refuse(format!(
            "Only members may take an entry out of a batch: {}",
            why.explanation()
        ));
    }
    let Some(given) = words.next() else {
        return refuse(format!("Write exclude, the domain, and why, like: exclude spam.example they moderate well. The entries of proposal #{} are in the replies to its ballot.", batch.number));
    };
    let reason = words.collect::<Vec<_>>().join(" ");
    let domain = match normalize_domain(given.trim_matches(|c: char| c == ',' || c == ':')) {
        Ok(domain) => domain,
        Err(error) => return refuse(error.to_string()),
    };
    if reason.trim().is_empty() {
        return refuse(format!("Give a reason for taking {domain} out of the batch, like: exclude {domain} they answer our reports."));
    }
    let mut updated = batch.clone();
    let Some(advised) = updated.origin.advised_mut() else {
        return Ok(None);
    };
    let subscriptions = advised.of as usize;
    let Some(entry) = advised.batch.iter_mut().find(|e| e.domain == domain) else {
        return refuse(format!(
            "{} is not in the batch of proposal #{}; its entries are in the replies to its ballot.",
            messages::domain_shown(&domain),
            batch.number
        ));
    };
    if let Some(earlier) = &entry.excluded {
        return refuse(format!(
            "{} was already taken out of this batch by @{}; it is proposal #{}.",
            messages::domain_shown(&domain),
            earlier.by.acct,
            earlier.proposal
        ));
    }
    let own = records.next_number()?;
    let by = post.author.identity.clone();
    let action = block_action(&domain, entry.severity);
    let reason_text = said::excluded_reason(
        batch.number,
        &by.acct,
        &reason,
        &entry.sources,
        subscriptions,
    );
    let advised = Advised {
        sources: entry.sources.clone(),
        of: subscriptions as u32,
        reject_media: entry.reject_media,
        reject_reports: entry.reject_reports,
        batch: Vec::new(),
    };
    entry.excluded = Some(Exclusion {
        by: by.clone(),
        reason: reason.clone(),
        status_id: post.status_id.clone(),
        proposal: own,
    });
    let alone = advised_proposal(settings, own, &action, &reason_text, advised, now);
    let mut step = Step::default();
    step.keep(&Considered {
        domain: domain.clone(),
        about: About::Block {
            severity: entry.severity,
        },
        at: now,
        proposal: Some(own),
        not_proposed: None,
    });
    if let Some(ballot) = &batch.ballot {
        step.effects.push(Effect::post(
            Purpose::Excluded {
                number: batch.number,
                domain: domain.clone(),
            },
            said::excluded(&domain, &by.acct, &reason, own),
            settings.ballot_visibility,
            Some(ballot.status_id.clone()),
        ));
    }
    step.effects.push(build::ballot_effect(settings, &alone));
    step.proposals.push(updated);
    step.proposals.push(alone);
    Ok(Some(step.logged(
        Some(batch.number),
        Some(&by.acct),
        format!("{domain} taken out of the batch: proposed on its own as #{own}"),
    )))
}

/// Each entry the passed batch still holds, applied as its own block.
pub fn applications(proposal: &Proposal) -> Vec<Effect> {
    let Some(advised) = proposal.origin.advised() else {
        return Vec::new();
    };
    advised
        .batch
        .iter()
        .filter(|entry| entry.excluded.is_none() && entry.applied.is_none())
        .map(|entry| {
            let domain = entry.domain.clone();
            let action = block_action(&domain, entry.severity);
            let names: Vec<&str> = entry.sources.iter().map(|s| s.name.as_str()).collect();
            Effect::Apply {
                purpose: Purpose::AdoptEntry {
                    number: proposal.number,
                    attempt: entry.attempt,
                    domain,
                },
                number: proposal.number,
                action,
                public_comment: messages::block_comment(proposal),
                private_comment: format!(
                    "coopgov proposal #{} (batch), from subscriptions: {}",
                    proposal.number,
                    names.join(", ")
                ),
                reject_media: entry.severity == Severity::Silence && entry.reject_media,
                reject_reports: entry.severity == Severity::Silence && entry.reject_reports,
            }
        })
        .collect()
}

/// One entry of a passed batch applied (or not); once every entry has its answer, the
/// batch is applied, announced in its thread, and failures told to the working group.
pub fn on_entry_applied(
    settings: &Settings,
    proposal: &Proposal,
    domain: &str,
    result: Result<(), String>,
    now: DateTime<Utc>,
) -> Step {
    let Some(closing) = proposal.closing() else {
        return Step::default();
    };
    let mut updated = proposal.clone();
    let Some(advised) = updated.origin.advised_mut() else {
        return Step::default();
    };
    let Some(entry) = advised.batch.iter_mut().find(|e| e.domain == domain) else {
        return Step::default();
    };
    let event = match &result {
        Ok(()) => format!("{domain} blocked"),
        Err(why) => format!("{domain} could not be blocked: {why}"),
    };
    entry.applied = Some(result);
    let waiting = advised
        .batch
        .iter()
        .any(|e| e.excluded.is_none() && e.applied.is_none());
    let failed: Vec<String> = advised
        .batch
        .iter()
        .filter_map(|e| match &e.applied {
            Some(Err(why)) if e.excluded.is_none() => Some(format!("{} ({why})", e.domain)),
            _ => None,
        })
        .collect();
    let number = proposal.number;
    let mut step = Step::default();
    if !waiting {
        let mut closing = closing.clone();
        closing.application = match failed.is_empty() {
            true => Application::Applied { at: now },
            false => Application::Failed {
                reason: format!("not applied: {}", failed.join(", ")),
            },
        };
        updated.stage = Stage::Closed(closing);
        let ballot = updated.ballot.as_ref().map(|b| b.status_id.clone());
        step.effects.push(Effect::post(
            Purpose::Applied { number },
            said::batch_applied(&updated),
            settings.ballot_visibility,
            ballot,
        ));
        if !failed.is_empty() {
            let text = format!(
                "Proposal #{number} passed, but these entries of its batch could not be blocked: {}. Block them by hand, or send apply {number} once the cause is fixed.",
                failed.join(", ")
            );
            step.effects.extend(Effect::tell_working_group(
                &settings.working_group,
                |acct| Purpose::ApplyFailed { number, acct },
                &text,
            ));
        }
    }
    step.proposals.push(updated);
    step.logged(Some(number), None, event)
}
