//! The terms a ballot states, written for members and read back by `coopgov verify`:
//! how to vote (the words that count, whether a block needs a reason, what a favourite
//! means) and the rule in words. Writer and reader live side by side and round-trip.

use super::{Method, Position, Quorum, Rule};
use crate::commands::{Vocabulary, VocabularyDifference};
use regex::Regex;
use std::sync::LazyLock;

/// How replies and favourites are read, as the ballot states it.
#[derive(Debug, Clone)]
pub struct VotingTerms {
    pub vocabulary: Vocabulary,
    pub block_needs_reason: bool,
    pub favourites_agree: bool,
}

const BLOCK_REASON: &str = " (a block needs a reason)";
const FAVOURITE_AGREES: &str = "; a favourite counts as agree";

/// One line: "Reply agree/oui, abstain, disagree or block to vote (a block needs a
/// reason); a favourite counts as agree." The co-op's own words follow the position's
/// first word; a vocabulary that drops standard words is listed whole, each group
/// naming its position: "Reply only pour/oui (agree), neutre (abstain), …".
pub fn how_to_vote(terms: &VotingTerms) -> String {
    let groups: Vec<String> = match terms.vocabulary.difference() {
        VocabularyDifference::Replacement(lists) => lists
            .iter()
            .map(|(position, words)| format!("{} ({position})", words.join("/")))
            .collect(),
        difference => {
            let additions = match difference {
                VocabularyDifference::Additions(lists) => lists,
                _ => Vec::new(),
            };
            Position::ALL
                .into_iter()
                .map(|position| {
                    let head = terms
                        .vocabulary
                        .words(position)
                        .first()
                        .copied()
                        .unwrap_or(position.name());
                    let added = additions
                        .iter()
                        .filter(|(p, _)| *p == position)
                        .flat_map(|(_, words)| words.iter().map(String::as_str))
                        .filter(|word| *word != head);
                    std::iter::once(head)
                        .chain(added)
                        .collect::<Vec<_>>()
                        .join("/")
                })
                .collect()
        }
    };
    let only = match terms.vocabulary.difference() {
        VocabularyDifference::Replacement(_) => "only ",
        _ => "",
    };
    let (last, first) = groups.split_last().expect("four positions");
    let mut text = format!("Reply {only}{} or {last} to vote", first.join(", "));
    if terms.block_needs_reason {
        text.push_str(BLOCK_REASON);
    }
    if terms.favourites_agree {
        text.push_str(FAVOURITE_AGREES);
    }
    text.push('.');
    text
}

/// Reads the line `how_to_vote` writes; `None` when the text has no such line.
pub fn read_how_to_vote(text: &str) -> Option<VotingTerms> {
    let line = text
        .lines()
        .find(|line| line.starts_with("Reply ") && line.contains(" to vote"))?;
    let groups = line.strip_prefix("Reply ")?.split(" to vote").next()?;
    let (replaced, groups) = match groups.strip_prefix("only ") {
        Some(groups) => (true, groups),
        None => (false, groups),
    };
    let (first, last) = groups.rsplit_once(" or ")?;
    let groups: Vec<&str> = first.split(", ").chain([last]).collect();
    if groups.len() != Position::ALL.len() {
        return None;
    }
    let standard = Vocabulary::standard();
    let mut lists = Vec::new();
    for (position, group) in Position::ALL.into_iter().zip(groups) {
        let words: Vec<String> = if replaced {
            let named = format!(" ({position})");
            group
                .strip_suffix(&named)?
                .split('/')
                .map(str::to_string)
                .collect()
        } else {
            // The first word is a standard one unless the co-op moved them all away.
            group
                .split('/')
                .filter(|word| standard.position_of(word) != Some(position))
                .map(str::to_string)
                .collect()
        };
        lists.push((position, words));
    }
    let difference = if replaced {
        VocabularyDifference::Replacement(lists)
    } else {
        VocabularyDifference::Additions(lists)
    };
    Some(VotingTerms {
        vocabulary: Vocabulary::from_difference(&difference),
        block_needs_reason: line.contains(BLOCK_REASON),
        favourites_agree: line.contains(FAVOURITE_AGREES),
    })
}

/// The rule in a sentence a member understands, exact enough to recount with:
/// "Passes if more agree than disagree; any block stops it unless agree outnumbers
/// disagree and block at least 9 to 1." A vote of any position, abstaining too, counts
/// toward "at least N vote".
pub fn rule_sentence(rule: &Rule) -> String {
    let mut conditions = Vec::new();
    match rule.quorum {
        Quorum::Voters(0) => {}
        Quorum::Voters(n) => conditions.push(format!("at least {n} vote")),
        Quorum::PercentOfRoster(percent) => {
            conditions.push(format!("at least {percent}% of members vote"))
        }
    }
    let tie = if rule.threshold < 0.5 {
        ", without a tie"
    } else {
        ""
    };
    conditions.push(match rule.method {
        Method::Consensus if rule.threshold == 0.5 => "more agree than disagree".to_string(),
        Method::Consensus => format!(
            "agree gets over {}% of agree and disagree votes{tie}",
            percent(rule.threshold)
        ),
        Method::Majority => format!(
            "agree gets over {}% of agree, disagree and block votes{tie}",
            percent(rule.threshold)
        ),
        Method::Consent => CONSENT.to_string(),
    });
    let mut sentence = format!("Passes if {}", conditions.join(" and "));
    if rule.method != Method::Majority {
        if rule.method == Method::Consent {
            sentence.push_str("; disagreeing alone does not stop it");
        }
        sentence.push_str(&match rule.max_blocks {
            0 => "; any block stops it".to_string(),
            1 => "; more than 1 block stops it".to_string(),
            n => format!("; more than {n} blocks stop it"),
        });
        if let Some(ratio) = rule.block_override_ratio {
            sentence.push_str(&format!(
                " unless agree outnumbers disagree and block at least {ratio} to 1"
            ));
        }
    }
    sentence.push('.');
    sentence
}

const CONSENT: &str = "someone agrees and it is not a tie";

/// A pattern compiled once, on first use; the patterns are constants, checked by tests.
macro_rules! pattern {
    ($regex:literal) => {
        LazyLock::new(|| Regex::new($regex).expect("a constant, valid pattern"))
    };
}

static VOTERS: LazyLock<Regex> = pattern!(r"at least (\d+) vote");
static PERCENT_OF_MEMBERS: LazyLock<Regex> = pattern!(r"at least ([0-9.]+)% of members vote");
static CONSENSUS_SHARE: LazyLock<Regex> =
    pattern!(r"agree gets over ([0-9.]+)% of agree and disagree votes");
static MAJORITY_SHARE: LazyLock<Regex> =
    pattern!(r"agree gets over ([0-9.]+)% of agree, disagree and block votes");
static MAX_BLOCKS: LazyLock<Regex> = pattern!(r"; more than (\d+) blocks? stops? it");
static OVERRIDE: LazyLock<Regex> =
    pattern!(r" unless agree outnumbers disagree and block at least ([0-9.]+) to 1");

/// Reads the sentence `rule_sentence` writes (the line starting "Passes if").
pub fn read_rule_sentence(text: &str) -> Option<Rule> {
    let line = text.lines().find(|line| line.starts_with("Passes if "))?;
    let number = |regex: &Regex| -> Option<Option<f64>> {
        match regex.captures(line) {
            Some(found) => found[1].parse().ok().map(Some),
            None => Some(None),
        }
    };
    let quorum = match (number(&VOTERS)?, number(&PERCENT_OF_MEMBERS)?) {
        (Some(voters), _) => Quorum::Voters(voters as u32),
        (None, Some(percent)) => Quorum::PercentOfRoster(percent),
        (None, None) => Quorum::Voters(0),
    };
    let share = |regex: &Regex| regex.captures(line).and_then(|found| threshold(&found[1]));
    let (method, threshold) = if let Some(threshold) = share(&MAJORITY_SHARE) {
        (Method::Majority, threshold)
    } else if let Some(threshold) = share(&CONSENSUS_SHARE) {
        (Method::Consensus, threshold)
    } else if line.contains("more agree than disagree") {
        (Method::Consensus, 0.5)
    } else if line.contains(CONSENT) {
        (Method::Consent, 0.5)
    } else {
        return None;
    };
    if method == Method::Majority {
        return Some(Rule {
            method,
            quorum,
            threshold,
            max_blocks: 0,
            block_override_ratio: None,
            sealed: false,
        });
    }
    let max_blocks = match number(&MAX_BLOCKS)? {
        Some(blocks) => blocks as u32,
        None if line.contains("; any block stops it") => 0,
        None => return None,
    };
    Some(Rule {
        method,
        quorum,
        threshold,
        max_blocks,
        block_override_ratio: number(&OVERRIDE)?,
        sealed: false,
    })
}

/// A share as a percentage, written exactly: 0.66 → "66", 0.6667 → "66.67". Done on the
/// decimal digits, so reading it back gives the very same number.
fn percent(share: f64) -> String {
    let written = share.to_string();
    let (whole, fraction) = written.split_once('.').unwrap_or((&written, ""));
    let digits = format!("{whole}{fraction:0<2}");
    let (before, after) = digits.split_at(whole.len() + 2);
    let before = before.trim_start_matches('0');
    let before = if before.is_empty() { "0" } else { before };
    if after.is_empty() {
        before.to_string()
    } else {
        format!("{before}.{after}")
    }
}

/// The share a percentage written by `percent` stands for.
fn threshold(percent: &str) -> Option<f64> {
    let (whole, fraction) = percent.split_once('.').unwrap_or((percent, ""));
    if whole.len() > 3 || !whole.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let whole = format!("{whole:0>3}");
    let (units, hundredths) = whole.split_at(1);
    format!("{units}.{hundredths}{fraction}").parse().ok()
}

#[cfg(test)]
mod tests;
