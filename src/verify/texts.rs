//! The ballot's and the announcement's texts read back, as `governance/messages.rs`
//! and `governance/terms.rs` write them (and as earlier versions did).

use crate::commands::Vocabulary;
use crate::governance::messages::{self, TERMS_HEAD};
use crate::governance::proposal::Unseen;
use crate::governance::terms::{self, VotingTerms};
use crate::governance::{Action, Method, Quorum, Rule, Tally};
use chrono::{DateTime, NaiveDateTime, Utc};
use regex::Regex;
use std::sync::LazyLock;

/// What a ballot states, read back from its text.
#[derive(Debug)]
pub struct BallotText {
    pub number: u64,
    pub action: Action,
    pub rule: Rule,
    /// `None` for a jury's ballot: its vote closes a set time after the seating.
    pub closes_at: Option<DateTime<Utc>>,
    /// The jury's size, when a Standing Jury decides it.
    pub jury_size: Option<u32>,
    /// The words that count, whether a block needs a reason, what a favourite means.
    pub terms: VotingTerms,
}

/// A pattern of the ballot's or the announcement's text, compiled once. They are
/// literals, checked by every test that reads a ballot, so compiling cannot fail.
fn pattern(source: &'static str) -> Regex {
    Regex::new(source).expect("verify's patterns are valid regular expressions")
}

static HEAD: LazyLock<Regex> = LazyLock::new(|| pattern(r"(?m)^(?:URGENT )?Proposal #(\d+): (.+)"));
static CLOSES: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"(?m)^Closes: (\d{4}-\d\d-\d\d \d\d:\d\d(?::\d\d)?) UTC"));
static JURY_SIZE: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"(?m)^(?:Decided by a Standing Jury of (\d+) members? drawn by lot|A Standing Jury of (\d+) drawn by lot decides)",
    )
});
static RULE_LINE: LazyLock<Regex> = LazyLock::new(|| pattern(r"(?m)^Rule: ([a-z]+)(.*)"));
static THRESHOLD: LazyLock<Regex> = LazyLock::new(|| pattern(r"threshold ([0-9.]+)"));
static MAX_BLOCKS: LazyLock<Regex> = LazyLock::new(|| pattern(r"max blocks ([0-9.]+)"));
static OVERRIDE: LazyLock<Regex> = LazyLock::new(|| pattern(r"override ([0-9.]+)"));
static QUORUM: LazyLock<Regex> = LazyLock::new(|| pattern(r"quorum ([0-9.]+%?)"));
/// Anchored: tried at each `Result of proposal #` in turn, for the one of the ballot's number.
static RESULT: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"^Result of proposal #(\d+): ([A-Z ]+)"));
static COUNTS: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"agree (\d+) · abstain (\d+) · disagree (\d+) · block (\d+)"));
static QUORUM_NEEDED: LazyLock<Regex> = LazyLock::new(|| pattern(r"Voters: \d+ \(quorum (\d+)"));
static OUTSIDE_THREAD: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"Counted from outside this thread: (\d+)"));
static NOT_ELIGIBLE: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"Not counted, may not vote: (\d+)"));

/// The number of the proposal a ballot's text opens with, if it is a ballot.
pub fn ballot_number(text: &str) -> Option<u64> {
    HEAD.captures(text)?[1].parse().ok()
}

/// Whether `text`, a reply of the bot to ballot `number`, is the one stating its terms.
pub fn is_terms_reply(text: &str, number: u64) -> bool {
    text.starts_with(&format!("{TERMS_HEAD}{number} is decided"))
}

/// Reads a ballot's text as `messages::ballot` writes it, with the reply stating its terms
/// where the ballot had no room for them (and as earlier versions did: a `Rule:` line,
/// and no words beyond the standard ones).
pub fn parse_ballot(text: &str, terms_reply: Option<&str>) -> Option<BallotText> {
    // Anchored at line starts: a member's reason, on the proposer's line, cannot pose as
    // the ballot's own lines. Where the terms are in their own reply, they are read there
    // alone.
    let stated = terms_reply.unwrap_or(text);
    let head = HEAD.captures(text)?;
    let number = head[1].parse().ok()?;
    let phrase = head[2].trim();
    // An internationalised domain is followed by its Unicode form in brackets.
    let domain = |rest: &str| rest.split(" (").next().unwrap_or(rest).to_string();
    // A ratification keeps, or not, what the working group did at once.
    let phrase = phrase.strip_prefix("ratify ").unwrap_or(phrase);
    let action = if let Some(rest) = phrase.strip_prefix("suspend ") {
        Action::Suspend {
            domain: domain(rest),
        }
    } else if let Some(rest) = phrase.strip_prefix("limit (silence) ") {
        Action::Silence {
            domain: domain(rest),
        }
    } else if let Some(rest) = phrase.strip_prefix("lift the block on ") {
        Action::Unblock {
            domain: domain(rest),
        }
    } else {
        Action::Motion
    };
    let rule = terms::read_rule_sentence(stated).or_else(|| legacy_rule_line(stated))?;
    let closes_at = match CLOSES.captures(text) {
        Some(closes) => Some(utc_time(&closes[1])?),
        None => None,
    };
    let jury_size = match JURY_SIZE.captures(text) {
        Some(size) => Some(size.get(1).or(size.get(2))?.as_str().parse().ok()?),
        None => None,
    };
    if closes_at.is_none() && jury_size.is_none() {
        return None;
    }
    let terms = terms::read_how_to_vote(stated).unwrap_or_else(|| VotingTerms {
        vocabulary: Vocabulary::standard(),
        block_needs_reason: stated.contains("a block needs a reason"),
        favourites_agree: stated.contains("a favourite counts as agree"),
    });
    Some(BallotText {
        number,
        action,
        rule,
        closes_at,
        jury_size,
        terms,
    })
}

/// A time as `messages::time` writes it, without ` UTC`: minutes, or seconds when any.
pub fn utc_time(text: &str) -> Option<DateTime<Utc>> {
    let format = if text.len() > 16 {
        "%Y-%m-%d %H:%M:%S"
    } else {
        "%Y-%m-%d %H:%M"
    };
    Some(NaiveDateTime::parse_from_str(text, format).ok()?.and_utc())
}

/// The rule as ballots before the rule was stated in words wrote it:
/// `Rule: consensus, threshold 0.5, max blocks 0, override 9×, quorum 0`.
fn legacy_rule_line(text: &str) -> Option<Rule> {
    let rule_line = RULE_LINE.captures(text)?;
    let method = match &rule_line[1] {
        "consensus" => Method::Consensus,
        "consent" => Method::Consent,
        "majority" => Method::Majority,
        _ => return None,
    };
    let details = rule_line[2].to_string();
    let number_after = |label: &Regex| -> Option<f64> { label.captures(&details)?[1].parse().ok() };
    let quorum_text = QUORUM.captures(&details)?[1].to_string();
    let quorum = match quorum_text.strip_suffix('%') {
        Some(percent) => Quorum::PercentOfRoster(percent.parse().ok()?),
        None => Quorum::Voters(quorum_text.parse().ok()?),
    };
    Some(Rule {
        method,
        quorum,
        threshold: number_after(&THRESHOLD).unwrap_or(0.5),
        max_blocks: number_after(&MAX_BLOCKS).unwrap_or(0.0) as u32,
        block_override_ratio: number_after(&OVERRIDE),
        sealed: false,
    })
}

/// What an announcement states.
#[derive(Debug, Clone, PartialEq)]
pub struct Announced {
    /// As shown: `PASSED`, `NO QUORUM`…
    pub outcome: String,
    pub tally: Tally,
    /// The number of voters the quorum needed (the only word on a percentage quorum).
    pub quorum_needed: Option<u32>,
    pub unseen: Unseen,
}

/// Reads an announcement as `messages::announcement` writes it.
pub fn parse_announcement(text: &str, number: u64) -> Option<Announced> {
    let number_text = number.to_string();
    let outcome = text
        .match_indices("Result of proposal #")
        .filter_map(|(at, _)| RESULT.captures(&text[at..]))
        .find(|result| result[1] == number_text)?[2]
        .trim()
        .to_string();
    // Results written before "STOPPED BY A BLOCK" said "BLOCKED": read as the same outcome.
    let outcome = match messages::read_outcome_phrase(&outcome) {
        Some(read) => messages::outcome_phrase(read).to_string(),
        None => outcome,
    };
    let counts = COUNTS.captures(text)?;
    let count = |i: usize| counts[i].parse().unwrap_or(0);
    let number_after = |label: &Regex| label.captures(text).and_then(|found| found[1].parse().ok());
    Some(Announced {
        outcome,
        tally: Tally {
            agree: count(1),
            abstain: count(2),
            disagree: count(3),
            block: count(4),
        },
        quorum_needed: number_after(&QUORUM_NEEDED),
        unseen: Unseen {
            outside_thread: number_after(&OUTSIDE_THREAD).unwrap_or(0),
            not_eligible: number_after(&NOT_ELIGIBLE).unwrap_or(0),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_announcement_is_read_for_its_own_proposal_only() {
        let text = "Result of proposal #14: PASSED\nResult of proposal #4: REJECTED\nResult of proposal #5: BLOCKED\nResult of proposal #6: STOPPED BY A BLOCK\nagree 0 · abstain 0 · disagree 2 · block 0";
        let outcome = |number| parse_announcement(text, number).map(|read| read.outcome);
        let cases = [
            (4, Some("REJECTED")),
            (14, Some("PASSED")),
            (5, Some("STOPPED BY A BLOCK")),
            (6, Some("STOPPED BY A BLOCK")),
            (1, None),
            (41, None),
        ];
        for (number, expected) in cases {
            assert_eq!(outcome(number).as_deref(), expected, "#{number}");
        }
    }

    #[test]
    fn every_pattern_compiles() {
        for pattern in [
            &HEAD,
            &CLOSES,
            &RULE_LINE,
            &THRESHOLD,
            &MAX_BLOCKS,
            &OVERRIDE,
            &QUORUM,
            &RESULT,
            &COUNTS,
            &QUORUM_NEEDED,
            &OUTSIDE_THREAD,
            &NOT_ELIGIBLE,
        ] {
            assert!(pattern.captures_len() > 1, "{}", pattern.as_str());
        }
    }
}
