//! Sealed ballots' pure parts (SPEC §14): receipt codes, the ballot's sealed votes while
//! it is open, and, at the close, the receipt list and the voters list that let every
//! voter check their vote and anyone recount the result, with no voter beside a position.
//!
//! The receipt's randomness comes from the edge (the operating system's secure source),
//! handed in as bits: the core stays deterministic, and a receipt is stored with its vote
//! in one step, so a crash never sends two codes for one vote.

mod receipt;

pub use receipt::Receipt;

use super::{Position, Tally};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Random bits the edge drew from the operating system's secure source for one event:
/// the code of a receipt, when the event is a vote on a sealed ballot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Draw(pub u64);

impl Draw {
    pub fn receipt(self) -> Receipt {
        Receipt::from_bits(self.0)
    }
}

/// One member's counted vote on a sealed ballot, while voting runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealedVote {
    pub position: Position,
    /// A block's reason: published with its receipt, never with its author.
    #[serde(default)]
    pub reason: String,
    pub receipt: Receipt,
}

/// What is published of one counted vote at the close.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Receipted {
    pub receipt: Receipt,
    pub position: Position,
    pub reason: String,
}

/// What a sealed ballot keeps once closed: the receipts with their positions, and who
/// voted, apart. Nothing joins the two.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sealed {
    /// Sorted by receipt.
    pub receipts: Vec<Receipted>,
    /// Sorted by acct.
    pub voters: Vec<String>,
}

impl Sealed {
    /// The lists at the close, from each voter's current vote (by acct).
    pub fn close(votes: &BTreeMap<String, SealedVote>) -> Sealed {
        let mut receipts: Vec<Receipted> = votes
            .values()
            .map(|vote| Receipted {
                receipt: vote.receipt.clone(),
                position: vote.position,
                // On one line, as the list publishes it: what is kept is what is shown.
                reason: one_line(&vote.reason),
            })
            .collect();
        receipts.sort();
        let mut voters: Vec<String> = votes.keys().cloned().collect();
        voters.sort();
        Sealed { receipts, voters }
    }

    pub fn tally(&self) -> Tally {
        Tally::from_positions(self.receipts.iter().map(|r| r.position))
    }

    /// The receipt list's lines, sorted by code: `7F3K-Q9X2-M4 agree`, and a block's
    /// reason after it.
    pub fn receipt_lines(&self) -> Vec<String> {
        self.receipts
            .iter()
            .map(|r| match r.reason.as_str() {
                "" => format!("{} {}", r.receipt, r.position),
                reason => format!("{} {}: {reason}", r.receipt, r.position),
            })
            .collect()
    }

    /// The receipt list as posts of at most `max` characters: `Receipts of proposal #3
    /// (1/2):` and its lines, each part numbered once the count is known.
    pub fn receipt_posts(&self, number: u64, max: usize) -> Vec<String> {
        parts(
            &format!("Receipts of proposal #{number}"),
            &self.receipt_lines(),
            max,
        )
    }

    /// The voters list as posts: `Voters of proposal #3 (1/1):` and one acct a line.
    pub fn voter_posts(&self, number: u64, max: usize) -> Vec<String> {
        let lines: Vec<String> = self
            .voters
            .iter()
            .map(|acct| format!("@\u{200B}{acct}"))
            .collect();
        parts(&format!("Voters of proposal #{number}"), &lines, max)
    }
}

/// A reason on one line, as the receipt list carries it.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `lines` under `title (i/k):` headings, each post at most `max` characters.
fn parts(title: &str, lines: &[String], max: usize) -> Vec<String> {
    let head = |part: usize, parts: usize| format!("{title} ({part}/{parts}):");
    let room = max
        .saturating_sub(head(999, 999).chars().count() + 1)
        .max(20);
    let mut posts: Vec<Vec<String>> = vec![Vec::new()];
    let mut used = 0;
    for line in lines {
        let line: String = line.chars().take(room).collect();
        let length = line.chars().count() + 1;
        if used + length > room && !posts.last().is_some_and(Vec::is_empty) {
            posts.push(Vec::new());
            used = 0;
        }
        used += length;
        posts.last_mut().expect("a post").push(line);
    }
    let count = posts.len();
    posts
        .into_iter()
        .enumerate()
        .map(|(index, lines)| match lines.is_empty() {
            true => format!("{} none", head(index + 1, count)),
            false => format!("{}\n{}", head(index + 1, count), lines.join("\n")),
        })
        .collect()
}

/// The receipts a receipt list's text holds, in order: what `verify` recounts. Lines that
/// are not receipts (headings) are left out.
pub fn read_receipt_lines(text: &str) -> Vec<Receipted> {
    text.lines()
        .filter_map(|line| {
            let (code, rest) = line.trim().split_once(' ')?;
            let receipt = Receipt::parse(code)?;
            let (word, reason) = match rest.split_once(':') {
                Some((word, reason)) => (word, reason.trim()),
                None => (rest, ""),
            };
            let position = Position::ALL
                .into_iter()
                .find(|p| p.name() == word.trim())?;
            Some(Receipted {
                receipt,
                position,
                reason: reason.to_string(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests;
