//! What members read about a sealed ballot (SPEC §14): how to vote on it, the receipt of
//! a counted vote, why a public vote does not count, and what is shown while it is open.

use super::{counts, defang, numbered_posts};
use crate::commands::Vocabulary;
use crate::governance::proposal::{Issued, Proposal};
use crate::governance::sealed::Sealed;
use crate::governance::{Position, Tally};

/// How a sealed ballot's own line begins: `verify` knows a sealed ballot by it.
pub const BALLOT_MARK: &str = "SEALED: vote by direct message";

/// The ballot's own line: it is sealed, who can see votes, and where to read how to vote.
/// Short, for the reason's sake: the reply under the ballot says the rest.
pub fn ballot_line(bot_acct: &str) -> String {
    format!(
        "{BALLOT_MARK} to @{bot_acct} only; public replies and favourites don't count; the \
         operators can see DMs. How: reply below."
    )
}

/// How the reply under a sealed ballot begins, before the proposal's number.
pub const HOW_HEAD: &str = "How to vote on sealed proposal #";

/// The reply under a sealed ballot, in words a member who is not a programmer follows;
/// it fits a post of 500 characters.
pub fn how_to_vote(number: u64, bot_acct: &str) -> String {
    format!(
        "{HOW_HEAD}{number}: send a direct message (\"mentioned people only\") replying to \
         the ballot, mentioning only @{bot_acct}, starting with your position (like \
         \"agree\"). A receipt code comes back by direct message; a later message replaces \
         your vote.\n\
         Until the close only the number of voters shows; then every receipt is listed with \
         its vote, and the voters apart.\n\
         Members and the public never see how you voted; the instance's operators can."
    )
}

/// The direct message that answers a counted vote with its receipt.
pub fn receipt(
    number: u64,
    ballot_url: &str,
    position: Position,
    reason: &str,
    issued: &Issued,
) -> String {
    // The reason is the member's own: a reminder of it is enough to recognise the vote.
    let reason = match reason.trim() {
        "" => String::new(),
        reason => format!(" (reason: {})", super::shorten(reason, 60)),
    };
    let replaced = match issued.serial {
        0 => "",
        _ => " It replaces your earlier vote and receipt.",
    };
    format!(
        "Your sealed vote on proposal #{number} is counted: {position}{reason}.{replaced}\n\
         Your receipt: {code}\n\
         Keep this message. At the close every receipt is listed with its vote, without \
         names. Check yours: coopgov verify {ballot_url} --receipt {code}",
        code = issued.receipt,
    )
}

/// Why a public reply does not count on a sealed ballot, and what to do instead.
pub fn public_vote(number: u64, bot_acct: &str) -> String {
    format!(
        "proposal #{number} is sealed, and votes in public (or unlisted, or followers-only) \
         replies are not counted. Vote again by replying to the ballot with a direct message \
         that mentions only @{bot_acct}. You may want to delete your public reply: everyone \
         can read it."
    )
}

/// Why a direct message that also mentions others does not count.
pub fn others_mentioned(number: u64, bot_acct: &str) -> String {
    format!(
        "proposal #{number} is sealed, and your direct message also went to others, who can \
         read your vote. Vote again with a direct message that mentions only @{bot_acct}."
    )
}

/// A direct message to a sealed ballot that is not a vote.
pub fn not_a_vote(number: u64, vocabulary: &Vocabulary) -> String {
    let first = |position: Position| {
        vocabulary
            .words(position)
            .first()
            .copied()
            .unwrap_or(position.name())
            .to_string()
    };
    format!(
        "That was not counted as a vote on sealed proposal #{number}: start your direct \
         message with your position ({}, {}, {} or {} with a reason), then send it again.",
        first(Position::Agree),
        first(Position::Abstain),
        first(Position::Disagree),
        first(Position::Block),
    )
}

/// The votes so far, as everyone may read them: the counts, or, on a sealed ballot, only
/// how many have voted.
pub fn so_far(proposal: &Proposal, tally: &Tally) -> String {
    match (proposal.is_sealed(), tally.voters()) {
        (false, _) => counts(tally),
        (true, 1) => "1 voter (sealed: how each voted is shown at the close)".to_string(),
        (true, voters) => format!("{voters} voters (sealed: how each voted is shown at the close)"),
    }
}

/// The receipt list as numbered posts of at most `max` characters: `Receipts of proposal
/// #3 (1/2):` and one receipt a line. A block's reason is a member's words: it mentions
/// nobody.
pub fn receipt_posts(sealed: &Sealed, number: u64, max: usize) -> Vec<String> {
    let lines: Vec<String> = sealed
        .receipt_lines()
        .iter()
        .map(|line| defang(line))
        .collect();
    numbered_posts(&format!("Receipts of proposal #{number}"), &lines, max)
}

/// The voters list as numbered posts: `Voters of proposal #3 (1/1):` and one acct a line,
/// named without mentioning anyone.
pub fn voter_posts(sealed: &Sealed, number: u64, max: usize) -> Vec<String> {
    let lines: Vec<String> = sealed
        .voters
        .iter()
        .map(|acct| defang(&format!("@{acct}")))
        .collect();
    numbered_posts(&format!("Voters of proposal #{number}"), &lines, max)
}

/// The announcement's line on a sealed ballot's lists.
pub fn lists_follow() -> &'static str {
    "Sealed ballot: every receipt with its vote, then who voted, follow in this thread.\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The longest username Mastodon allows.
    const LONGEST: &str = "a-member-with-the-longest-name";

    #[test]
    fn what_a_sealed_ballot_posts_fits_a_post_of_500() {
        assert!(how_to_vote(99_999, LONGEST).chars().count() <= 500);
        let issued = Issued {
            receipt: crate::governance::sealed::Receipt::from_bits(u64::MAX),
            serial: 1,
        };
        let reason = "x".repeat(200);
        let ballot =
            format!("https://a-rather-long-instance-name.example/@{LONGEST}/113456789012345678");
        let receipt = receipt(99_999, &ballot, Position::Block, &reason, &issued);
        assert!(
            receipt.chars().count() + LONGEST.len() + 2 <= 500,
            "{receipt}"
        );
    }
}
