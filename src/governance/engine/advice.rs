//! The lists' advice put to the members (SPEC §15): a subscription's reading updates what
//! the bot knows of that list, and what is new is opened as proposals, as many as
//! `max_open` allows, the rest waiting their turn. Everything a reading changes (the
//! list's entries, its feed cursor, what was considered, the proposals) is one step,
//! so a crash mid-way neither loses a reading's progress nor proposes an entry twice.

use super::batch;
use super::build;
use crate::governance::advice::reading::{self, Heard, Reading};
use crate::governance::advice::{
    self, About, AdviceSettings, Candidate, Considered, Known, Selection, Subscribed,
};
use crate::governance::effects::{Effect, Step};
use crate::governance::messages::advice as said;
use crate::governance::proposal::{Advised, Proposal};
use crate::governance::purpose::Purpose;
use crate::governance::records::Records;
use crate::governance::settings::Settings;
use crate::governance::Action;
use crate::model::Severity;
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

/// What the bot heard of the lists: a subscription's reading, or only a turn to open
/// what waits; with the instance's blocks when they were read for it.
#[derive(Debug, Clone, Copy)]
pub struct AdviceHeard<'a> {
    pub reading: Option<&'a Reading>,
    pub blocks: Option<&'a BTreeMap<String, Severity>>,
}

/// The reading heard (what the list's record and the considered advice become) and the
/// selection over what follows: the part of `on_advice` that opens nothing.
fn hear<R: Records>(
    settings: &Settings,
    config: &AdviceSettings,
    records: &R,
    heard: AdviceHeard,
    now: DateTime<Utc>,
) -> Result<(Step, Selection), R::Error> {
    let mut step = Step::default();
    let mut subscribed: Vec<Subscribed> = records.all_kept::<Subscribed>()?.into_values().collect();
    if let Some(reading) = heard.reading {
        let earlier = subscribed.iter().find(|s| s.name == reading.name);
        let kept = match reading::hear(config, earlier, reading, now) {
            Heard::Read {
                subscribed,
                removed,
                recovered,
            } => {
                if recovered {
                    step.effects
                        .extend(notice(settings, config, &reading.name, now, None));
                }
                if !removed.is_empty() {
                    step = step.logged(
                        None,
                        None,
                        format!(
                            "the list {} no longer lists {}",
                            reading.name,
                            removed.join(", ")
                        ),
                    );
                }
                subscribed
            }
            Heard::Failed {
                subscribed,
                reason,
                began,
            } => {
                if began {
                    step.effects.extend(notice(
                        settings,
                        config,
                        &reading.name,
                        now,
                        Some(&reason),
                    ));
                    step = step.logged(
                        None,
                        None,
                        format!("the list {} could not be used: {reason}", reading.name),
                    );
                }
                subscribed
            }
        };
        step.keep(&kept);
        subscribed.retain(|s| s.name != kept.name);
        subscribed.push(kept);
    }
    let considered = records.all_kept::<Considered>()?;
    let proposals = records.all_proposals()?;
    let known = Known {
        own_domain: &settings.instance_domain,
        can_silence: settings.server.can_silence,
        blocks: heard.blocks,
        now,
    };
    let selection = advice::select(config, &known, &subscribed, &considered, &proposals);
    remember(&mut step, &selection, &considered, &subscribed, now);
    Ok((step, selection))
}

/// What the lists' advice leads to now.
pub fn on_advice<R: Records>(
    settings: &Settings,
    records: &R,
    heard: AdviceHeard,
    now: DateTime<Utc>,
) -> Result<Step, R::Error> {
    let Some(config) = &settings.advice else {
        return Ok(Step::default());
    };
    let (mut step, selection) = hear(settings, config, records, heard, now)?;
    if heard.blocks.is_none() {
        // Whether a block is already in place is not known: nothing opens until the
        // blocks are read (the runtime reads them when `needs_blocks` says so).
        return Ok(step);
    }
    let mut number = records.next_number()?;
    let (each, batched): (Vec<&Candidate>, Vec<&Candidate>) = selection
        .open
        .iter()
        .partition(|candidate| candidate.propose == advice::Propose::Each);
    for candidate in each {
        let proposal = open(settings, config, number, candidate, now);
        step = opened(
            step,
            settings,
            proposal,
            std::slice::from_ref(candidate),
            now,
        );
        number += 1;
    }
    // One batch per subscription, its entries in the list's order.
    let mut batches: BTreeMap<&str, Vec<&Candidate>> = BTreeMap::new();
    for candidate in batched {
        batches
            .entry(&candidate.first_source)
            .or_default()
            .push(candidate);
    }
    for (from, candidates) in batches {
        let owned: Vec<Candidate> = candidates.into_iter().cloned().collect();
        let proposal = batch::open_batch(settings, config, number, from, &owned, now);
        step = opened(step, settings, proposal, &owned, now);
        number += 1;
    }
    Ok(step)
}

/// `proposal` opened from `candidates`: kept as considered, its ballot posted.
fn opened(
    mut step: Step,
    settings: &Settings,
    proposal: Proposal,
    candidates: &[Candidate],
    now: DateTime<Utc>,
) -> Step {
    let number = proposal.number;
    for candidate in candidates {
        step.keep(&Considered {
            domain: candidate.domain.clone(),
            about: candidate.about,
            at: now,
            proposal: Some(number),
            not_proposed: None,
        });
    }
    let mut sources: Vec<&str> = candidates
        .iter()
        .flat_map(|c| c.sources.iter().map(|s| s.name.as_str()))
        .collect();
    sources.sort();
    sources.dedup();
    step.effects.push(build::ballot_effect(settings, &proposal));
    step.proposals.push(proposal);
    step.logged(
        Some(number),
        None,
        format!("opened from the advice of {}", sources.join(", ")),
    )
}

/// What hearing `heard` would lead to before the instance's blocks are known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Prospect {
    /// Something would open: the blocks must be read first.
    pub opens: bool,
    /// Something waits for room: the turn is worth offering again.
    pub waits: bool,
}

/// What hearing `heard` would lead to: the runtime reads the instance's blocks (a request
/// to our instance) only when something would open, so a reading with nothing new costs
/// the instance nothing, and offers what waits again only while something waits.
pub fn prospect<R: Records>(
    settings: &Settings,
    records: &R,
    heard: AdviceHeard,
    now: DateTime<Utc>,
) -> Result<Prospect, R::Error> {
    let Some(config) = &settings.advice else {
        return Ok(Prospect {
            opens: false,
            waits: false,
        });
    };
    let unknown = AdviceHeard {
        blocks: None,
        ..heard
    };
    let (_, selection) = hear(settings, config, records, unknown, now)?;
    Ok(Prospect {
        opens: !selection.open.is_empty(),
        waits: !selection.waiting.is_empty(),
    })
}

/// Whether hearing `heard` would open a proposal once the instance's blocks are known.
pub fn needs_blocks<R: Records>(
    settings: &Settings,
    records: &R,
    heard: AdviceHeard,
    now: DateTime<Utc>,
) -> Result<bool, R::Error> {
    prospect(settings, records, heard, now).map(|prospect| prospect.opens)
}

/// What lasts of the selection: advice that will not be put to the members until it
/// changes (already blocked, decided lately), and advice no list gives any more.
fn remember(
    step: &mut Step,
    selection: &Selection,
    considered: &BTreeMap<String, Considered>,
    subscribed: &[Subscribed],
    now: DateTime<Utc>,
) {
    for (domain, why) in &selection.not {
        if !why.lasts() {
            continue;
        }
        let severity = subscribed
            .iter()
            .filter_map(|s| s.advises(domain).map(|(_, severity)| severity))
            .max();
        let about = match severity {
            Some(severity) => About::Block { severity },
            // Advice no list gives any more, whose block is not the lists' to lift.
            None => {
                step.forget::<Considered>(domain);
                continue;
            }
        };
        let record = Considered {
            domain: domain.clone(),
            about,
            at: now,
            proposal: None,
            not_proposed: Some(why.words()),
        };
        if considered.get(domain).map(|c| (c.about, &c.not_proposed))
            != Some((record.about, &record.not_proposed))
        {
            step.keep(&record);
        }
    }
    // Advice dropped by every list, that never led to a block of ours: forgotten, so a
    // list that gives it again gives it anew.
    for (domain, earlier) in considered {
        let listed = subscribed.iter().any(|s| s.advises(domain).is_some());
        let waits = selection
            .open
            .iter()
            .chain(&selection.waiting)
            .any(|c| &c.domain == domain);
        let pending = selection.not.contains_key(domain);
        if !listed && !waits && !pending && earlier.proposal.is_none() {
            step.forget::<Considered>(domain);
        }
    }
}

/// The proposal a candidate opens as `number`.
fn open(
    settings: &Settings,
    config: &AdviceSettings,
    number: u64,
    candidate: &Candidate,
    now: DateTime<Utc>,
) -> Proposal {
    let action = match candidate.about {
        About::Unblock => Action::Unblock {
            domain: candidate.domain.clone(),
        },
        About::Block { severity } => build::block_action(&candidate.domain, severity),
    };
    let reason = said::reason(candidate, config.subscriptions.len());
    let advised = Advised {
        sources: candidate.sources.clone(),
        of: config.subscriptions.len() as u32,
        reject_media: candidate.reject_media,
        reject_reports: candidate.reject_reports,
        batch: Vec::new(),
    };
    build::advised_proposal(settings, number, &action, &reason, advised, now)
}

/// The working group told about a list: it fails (`Some(reason)`) or works again.
fn notice(
    settings: &Settings,
    config: &AdviceSettings,
    name: &str,
    now: DateTime<Utc>,
    failing: Option<&str>,
) -> Vec<Effect> {
    let url = config.subscription(name).map_or("", |s| s.url.as_str());
    let text = match failing {
        Some(reason) => said::failing(name, url, reason),
        None => said::recovered(name, url),
    };
    // One notice per list and second: the key makes each occasion its own.
    let index = config
        .subscriptions
        .iter()
        .position(|s| s.name == name)
        .unwrap_or(0) as u64;
    let notice = now.timestamp().max(0) as u64 * 100 + index.min(99);
    Effect::tell_working_group(
        &settings.working_group,
        |acct| Purpose::AdviceNotice { notice, acct },
        &text,
    )
}
