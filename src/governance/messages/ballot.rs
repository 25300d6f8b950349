//! The ballot: what is proposed, how to vote, the rule, and when it closes (or, for a
//! jury, how its voting time runs); and how much room a ballot leaves for its reason.

use super::{defang, fit, proposal_phrase, seating, time, urgent};
use crate::governance::jury::{JuryCase, Seating};
use crate::governance::proposal::{
    Earlier, Identity, Origin, Proposal, Provisional, Stage, StatusRef,
};
use crate::governance::settings::{Mode, Settings};
use crate::governance::terms::{self, VotingTerms};
use crate::governance::{Action, Position, Rule};
use chrono::DateTime;

/// How to vote on a ballot, as `coopgov verify` reads it back.
pub fn how_to_vote(settings: &Settings) -> String {
    terms::how_to_vote(&VotingTerms {
        vocabulary: settings.vocabulary.clone(),
        block_needs_reason: settings.block_requires_reason,
        favourites_agree: favourites_agree(settings),
    })
}

fn favourites_agree(settings: &Settings) -> bool {
    settings.favourites_count_as == Some(Position::Agree)
}

/// How to vote on `proposal`: on a sealed ballot a favourite is never a vote.
fn how_to_vote_on(settings: &Settings, proposal: &Proposal) -> String {
    terms::how_to_vote(&VotingTerms {
        vocabulary: settings.vocabulary.clone(),
        block_needs_reason: settings.block_requires_reason,
        favourites_agree: favourites_agree(settings) && !proposal.is_sealed(),
    })
}

/// What a passed proposal leads to, when that is not simply "it is applied".
fn consequence_line(settings: &Settings, proposal: &Proposal) -> &'static str {
    // A ratification's answer is carried out in every mode: the block is already there.
    if proposal.origin.is_ratification() {
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

/// The fewest characters a ballot should leave for its reason. Where stating the terms on
/// the ballot itself would leave fewer, they go to the ballot's first reply instead.
pub const REASON_ROOM: i64 = 200;

/// Where a ballot states its terms (how to vote in every word that counts, the rule in a
/// sentence, what passing leads to).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    /// All on the ballot: where the instance's limit leaves room for a real reason.
    Whole,
    /// The ballot says how to vote in a line, and its first reply states the terms.
    TermsInReply,
}

fn layout(settings: &Settings) -> Layout {
    let room = |kind| room(settings, Layout::Whole, kind);
    if room(Kind::Ordinary).min(room(Kind::Ratification)) >= REASON_ROOM {
        Layout::Whole
    } else {
        Layout::TermsInReply
    }
}

pub fn ballot(settings: &Settings, proposal: &Proposal) -> String {
    let reason = defang(&proposal.reason);
    let layout = layout(settings);
    fit(settings.max_characters, &reason, |reason| {
        ballot_around(settings, proposal, reason, layout)
    })
}

/// The ballot's first reply, where the instance's limit leaves the ballot too little room
/// to state its terms itself: `None` when the ballot states them.
pub fn terms_reply(settings: &Settings, proposal: &Proposal) -> Option<String> {
    (layout(settings) == Layout::TermsInReply).then(|| terms_post(settings, proposal))
}

/// The terms a ballot states, each on its own line as `coopgov verify` reads them.
fn terms_lines(settings: &Settings, proposal: &Proposal) -> String {
    format!(
        "{rule}\n{how}{consequence}",
        rule = terms::rule_sentence(&proposal.rule),
        how = defang(&how_to_vote_on(settings, proposal)),
        consequence = consequence_line(settings, proposal),
    )
}

fn terms_post(settings: &Settings, proposal: &Proposal) -> String {
    let jury = proposal
        .jury
        .as_ref()
        .map(|case| format!("\n{}", seating::ballot_line(case)))
        .unwrap_or_default();
    format!(
        "{TERMS_HEAD}{} is decided: the rule, and every word that counts.\n{}{jury}",
        proposal.number,
        terms_lines(settings, proposal)
    )
}

/// How the ballot's first reply begins, before the proposal's number.
pub const TERMS_HEAD: &str = "How proposal #";

/// The ballot's one line on how to vote when its terms are in its first reply: the first
/// word of each position and what a block needs (and, for all members, what a favourite
/// means; for a jury, who decides). It does not start like the full line (`Reply …`), so
/// `verify` never takes it for the terms.
fn vote_line(settings: &Settings, jury: Option<&JuryCase>, sealed: bool) -> String {
    let words: Vec<&str> = Position::ALL
        .into_iter()
        .map(|position| {
            settings
                .vocabulary
                .words(position)
                .first()
                .copied()
                .unwrap_or(position.name())
        })
        .collect();
    let (last, first) = words.split_last().expect("four positions");
    let mut line = match jury {
        Some(case) => format!(
            "{}: jurors reply {} or {last}",
            seating::jury_decides(case),
            first.join(", ")
        ),
        None if sealed => format!("Vote by direct message: {} or {last}", first.join(", ")),
        None => format!("Vote: reply {} or {last}", first.join(", ")),
    };
    if settings.block_requires_reason {
        line.push_str(" (with a reason)");
    }
    if jury.is_none() && favourites_agree(settings) && !sealed {
        line.push_str("; a favourite counts as agree");
    }
    line.push_str(". Rule: first reply.");
    defang(&line)
}

/// The ballot's text around its (already defanged) reason.
fn ballot_around(settings: &Settings, proposal: &Proposal, reason: &str, layout: Layout) -> String {
    let ratification = proposal.origin.is_ratification();
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
    let terms = match (layout, &proposal.jury) {
        (Layout::Whole, _) => format!("{}\n{closes}", terms_lines(settings, proposal)),
        // The jury's voting time is in the first reply, its closing time in the seating's.
        (Layout::TermsInReply, Some(case)) => vote_line(settings, Some(case), proposal.is_sealed()),
        (Layout::TermsInReply, None) => format!(
            "{}\n{closes}",
            vote_line(settings, None, proposal.is_sealed())
        ),
    };
    let lead = urgent::ballot_lead(proposal)
        .unwrap_or_else(|| format!("Proposed by @{}", proposal.proposer.acct));
    let sealed = match proposal.is_sealed() {
        true => format!(
            "\n\n{}",
            defang(&super::sealed::ballot_line(&settings.bot_acct))
        ),
        false => String::new(),
    };
    // A ratification says what the vote decides: keeping what was done, or undoing it.
    let keeps = urgent::keeps_line(proposal)
        .map(|line| format!("\n{line}"))
        .unwrap_or_default();
    format!(
        "{urgent}Proposal #{number}: {action}\n{lead}: {reason}{keeps}{sealed}\n\n{terms}",
        number = proposal.number,
        action = proposal_phrase(proposal),
    )
}

/// A long domain, as ballots meet them, for measuring a ballot's room.
const LONG_DOMAIN: &str = "a-rather-long-server-name.example.social";
/// The longest username Mastodon allows (30 characters), for measuring a ballot's room.
const LONGEST_ACCT: &str = "a-member-with-the-longest-name";

/// Which ballot a room is measured for.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Ordinary,
    /// The ballot that puts a working group's urgent action to the vote (its own lead
    /// and rule).
    Ratification,
}

/// The fewest characters a ballot leaves for its reason on this instance, over every
/// kind of proposal (urgent, numbered #9999, by a 30-character acct or, for a
/// ratification, the working group's longest, about a 40-character domain, closing at a
/// time with seconds where a vote may last less than an hour). Below zero, the ballot's last lines (or its
/// first reply stating the terms) would be cut and it could not be recounted.
pub fn room_for_reason(settings: &Settings) -> i64 {
    room(settings, layout(settings), Kind::Ordinary)
}

/// As `room_for_reason`, for the ballot that puts a working group's urgent action to the
/// vote: below zero, that ballot could not be recounted.
pub fn room_for_ratification(settings: &Settings) -> i64 {
    room(settings, layout(settings), Kind::Ratification)
}

fn room(settings: &Settings, layout: Layout, kind: Kind) -> i64 {
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
    // A vote of an hour or more closes on a whole minute, stated without seconds.
    let shortest = match kind {
        Kind::Ordinary => settings.durations.min.min(settings.durations.urgent_min),
        Kind::Ratification => settings.durations.urgent_min,
    };
    let last_second = if shortest < std::time::Duration::from_secs(3600) {
        59
    } else {
        0
    };
    let at = DateTime::from_timestamp(4_102_444_740 + last_second, 0).unwrap_or_default();
    // A ratification names the working group's member who acted; anyone else may have the
    // longest name an account can have.
    let actor = settings
        .working_group
        .values()
        .max_by_key(|acct| acct.chars().count())
        .cloned()
        .unwrap_or_else(|| LONGEST_ACCT.to_string());
    let nobody = StatusRef {
        status_id: String::new(),
        url: String::new(),
    };
    let max = settings.max_characters as i64;
    actions
        .into_iter()
        .filter_map(|action| {
            let jury = settings.jury.as_ref().filter(|j| j.decides(action.kind()));
            // Sealed as the proposal would be: by its kind, whoever decides it.
            let sealed = |rule: Rule| Rule {
                sealed: rule.sealed || settings.rule_for(action.kind()).sealed,
                ..rule
            };
            let proposal = Proposal {
                number: 9999,
                urgent: true,
                reason: String::new(),
                rule: sealed(
                    jury.as_ref()
                        .map_or(settings.rule_for(action.kind()), |j| j.rule),
                ),
                proposer: Identity {
                    account_id: String::new(),
                    acct: LONGEST_ACCT.to_string(),
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
            let proposal = match kind {
                Kind::Ordinary => proposal,
                // The same block done at once by the working group, to be ratified.
                Kind::Ratification => {
                    proposal.action.domain()?;
                    Proposal {
                        rule: Rule {
                            sealed: proposal.rule.sealed || settings.ratify_rule.sealed,
                            ..settings.ratify_rule
                        },
                        origin: Origin::Ratification(Provisional {
                            actor: Identity {
                                account_id: String::new(),
                                acct: actor.clone(),
                            },
                            earlier: Earlier::Unknown,
                        }),
                        ..proposal
                    }
                }
            };
            let ballot = ballot_around(settings, &proposal, "", layout)
                .chars()
                .count() as i64;
            let reply = match layout {
                Layout::Whole => 0,
                Layout::TermsInReply => terms_post(settings, &proposal).chars().count() as i64,
            };
            // A first reply too long for the instance would be cut, and the ballot with it
            // could not be recounted: that is as bad as a ballot with no room.
            Some(if reply > max {
                max - reply
            } else {
                max - ballot
            })
        })
        .min()
        .unwrap_or(max)
}
