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
}

/// A reason on one line, as the receipt list carries it.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
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
