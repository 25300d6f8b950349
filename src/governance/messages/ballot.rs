//! The ballot: what is proposed, how to vote, the rule, and when it closes (or, for a
//! jury, how its voting time runs); and how much room a ballot leaves for its reason.

use super::{action_phrase, defang, fit, seating, time, urgent};
use crate::governance::jury::{JuryCase, Seating};
use crate::governance::proposal::{
    Earlier, Identity, Origin, Proposal, Provisional, Stage, StatusRef,
};
use crate::governance::settings::{Mode, Settings};
use crate::governance::terms::{self, VotingTerms};
use crate::governance::{Action, Position};
use chrono::DateTime;

/// How to vote on a ballot, as `coopgov verify` reads it back.
pub fn how_to_vote(settings: &Settings) -> String {
    terms::how_to_vote(&VotingTerms {
        vocabulary: settings.vocabulary.clone(),
        block_needs_reason: settings.block_requires_reason,
        favourites_agree: settings.favourites_count_as == Some(Position::Agree),
    })
}

/// What a passed proposal leads to, when that is not simply "it is applied".
fn consequence_line(settings: &Settings, proposal: &Proposal) -> &'static str {
    // A ratification's answer is carried out in every mode: the block is already there.
    if matches!(proposal.origin, Origin::Ratification(_)) {
        return "";
    }
    match (settings.mode, &proposal.action) {
        (_, Action::Motion) | (Mode::Auto, _) => "",
        (Mode::Confirm, _) => {
            "\nIf it passes, a member of the working group confirms it before the bot applies it."
        }
        (Mode::DryRun, _) => {
            "\nDry run: the bot will announce the result but change nothing on this instance."
        }
    }
}

pub fn ballot(settings: &Settings, proposal: &Proposal) -> String {
    let reason = defang(&proposal.reason);
    fit(settings.max_characters, &reason, |reason| {
        ballot_around(settings, proposal, reason)
    })
}

/// The ballot's text around its (already defanged) reason.
fn ballot_around(settings: &Settings, proposal: &Proposal, reason: &str) -> String {
    // A ratification's lead says it was done at once; its room is the shortest.
    let ratification = matches!(proposal.origin, Origin::Ratification(_));
    let urgent = if proposal.urgent && !ratification {
        "URGENT "
    } else {
        ""
    };
    // A jury's vote closes a set time after its seating, not at a time known now.
    let closes = match &proposal.jury {
        Some(case) => seating::ballot_line(case),
        None => format!("Closes: {}", time(proposal.closes_at)),
    };
    let lead = urgent::ballot_lead(proposal)
        .unwrap_or_else(|| format!("Proposed by @{}", proposal.proposer.acct));
    format!(
        "{urgent}Proposal #{number}: {action}\n{lead}: {reason}\n\n{how}\n{rule}{consequence}\n{closes}",
        number = proposal.number,
        action = action_phrase(&proposal.action),
        how = defang(&how_to_vote(settings)),
        rule = terms::rule_sentence(&proposal.rule),
        consequence = consequence_line(settings, proposal),
    )
}

/// A long domain, as ballots meet them, for measuring a ballot's room.
const LONG_DOMAIN: &str = "a-rather-long-server-name.example.social";

/// The fewest characters a ballot leaves for its reason on this instance, over every
/// kind of proposal (urgent, numbered #9999, by a 30-character acct, about a 40-character
/// domain, closing at a time with seconds). Below zero, the ballot's last lines would be
/// cut and it could not be recounted.
pub fn room_for_reason(settings: &Settings) -> i64 {
    room(settings, false)
}

/// As `room_for_reason`, for the ballot that puts a working group's urgent action to the
/// vote (its own lead and rule): below zero, that ballot could not be recounted.
pub fn room_for_ratification(settings: &Settings) -> i64 {
    room(settings, true)
}

fn room(settings: &Settings, ratification: bool) -> i64 {
    let domain = LONG_DOMAIN.to_string();
    let actions = [
        Action::Suspend {
            domain: domain.clone(),
        },
        Action::Silence {
            domain: domain.clone(),
        },
        Action::Unblock { domain },
        Action::Motion,
    ];
    let at = DateTime::from_timestamp(4_102_444_799, 0).unwrap_or_default();
    let nobody = StatusRef {
        status_id: String::new(),
        url: String::new(),
    };
    let longest = actions
        .into_iter()
        .map(|action| {
            let jury = settings.jury.as_ref().filter(|j| j.decides(action.kind()));
            let proposal = Proposal {
                number: 9999,
                urgent: true,
                reason: String::new(),
                rule: jury
                    .as_ref()
                    .map_or(settings.rule_for(action.kind()), |j| j.rule),
                proposer: Identity {
                    account_id: String::new(),
                    acct: "a".repeat(30),
                },
                action,
                request: nobody.clone(),
                opened_at: at,
                closes_at: at,
                ballot: None,
                votes: Default::default(),
                favourites: Default::default(),
                explained: Default::default(),
                stage: Stage::Opening,
                reminded: false,
                jury: jury.map(|j| JuryCase {
                    size: j.size,
                    consent_within: j.consent_within,
                    // The longest a vote may run, in the longest words.
                    voting: settings.durations.max,
                    when_short: j.when_short,
                    members_rule: j.rule,
                    draw: None,
                    seating: Seating::Seating,
                }),
                origin: Default::default(),
            };
            if !ratification {
                return ballot_around(settings, &proposal, "").chars().count();
            }
            // The same block done at once by the working group, to be ratified.
            let urgent = Proposal {
                rule: settings.ratify_rule,
                origin: Origin::Ratification(Provisional {
                    actor: proposal.proposer.clone(),
                    earlier: Earlier::Unknown,
                }),
                ..proposal
            };
            match urgent.action.domain() {
                Some(_) => ballot_around(settings, &urgent, "").chars().count(),
                None => 0,
            }
        })
        .max()
        .unwrap_or(0);
    settings.max_characters as i64 - longest as i64
}
