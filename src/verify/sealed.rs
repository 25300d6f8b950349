//! A sealed ballot recounted from its receipt list (SPEC §14): as many receipts as
//! voters, no receipt twice, every voter allowed to vote, and counts equal to the
//! announcement; and one member's receipt looked up.

use super::{judge, Announced, VerifyError};
use crate::governance::jury::{JuryCase, Seating};
use crate::governance::messages::sealed::{BALLOT_MARK, HOW_HEAD};
use crate::governance::sealed::{read_receipt_lines, Receipt, Receipted};
use crate::governance::{Post, Rule, Tally};
use std::collections::BTreeSet;

/// The lists a sealed ballot's thread holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lists {
    pub receipts: Vec<Receipted>,
    pub voters: Vec<String>,
}

/// Whether the ballot is sealed: it says so, or the bot said under it how to vote on it.
pub fn is_sealed(ballot: &Post, bot_posts: &[&Post], number: u64) -> bool {
    ballot.text.contains(BALLOT_MARK)
        || bot_posts
            .iter()
            .any(|post| post.text.starts_with(&format!("{HOW_HEAD}{number}:")))
}

/// The receipt list and voters list in the bot's replies: every part `1/k` … `k/k` of
/// each, or why they cannot be read whole.
pub fn lists(bot_posts: &[&Post], number: u64) -> Result<Lists, VerifyError> {
    let receipts = parts(bot_posts, &format!("Receipts of proposal #{number}"))?;
    let voters = parts(bot_posts, &format!("Voters of proposal #{number}"))?;
    Ok(Lists {
        receipts: read_receipt_lines(&receipts.join("\n")),
        voters: voters
            .iter()
            .flat_map(|text| text.lines())
            .filter_map(|line| line.trim().strip_prefix('@'))
            .map(|acct| acct.replace('\u{200B}', ""))
            .filter(|acct| !acct.is_empty())
            .collect(),
    })
}

/// The texts of the posts titled `title (i/k):`, in part order, once each is found.
fn parts(bot_posts: &[&Post], title: &str) -> Result<Vec<String>, VerifyError> {
    let mut found: Vec<(u64, u64, String)> = bot_posts
        .iter()
        .filter_map(|post| {
            let rest = post.text.strip_prefix(title)?.strip_prefix(" (")?;
            let (numbering, body) = rest.split_once("):")?;
            let (part, count) = numbering.split_once('/')?;
            Some((part.parse().ok()?, count.parse().ok()?, body.to_string()))
        })
        .collect();
    found.sort_by_key(|(part, _, _)| *part);
    found.dedup_by_key(|(part, _, _)| *part);
    let count = found.first().map(|(_, count, _)| *count);
    let whole = count.is_some_and(|count| {
        found.len() as u64 == count
            && found
                .iter()
                .zip(1..)
                .all(|((part, of, _), expected)| *part == expected && *of == count)
    });
    if !whole {
        return Err(VerifyError::Unverifiable(format!(
            "the thread does not hold every part of \"{title}\" (found parts {}); it may be incomplete, or a part was deleted",
            found
                .iter()
                .map(|(part, count, _)| format!("{part}/{count}"))
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    Ok(found.into_iter().map(|(_, _, body)| body).collect())
}

/// Recounts a sealed ballot from its lists and compares it with the announcement.
pub fn recount(
    number: u64,
    rule: &Rule,
    lists: &Lists,
    jury: Option<&JuryCase>,
    announced: &Announced,
) -> Result<String, VerifyError> {
    let differ = |why: String| Err(VerifyError::Differ(format!("proposal #{number}: {why}")));
    let mut seen = BTreeSet::new();
    if let Some(twice) = lists.receipts.iter().find(|r| !seen.insert(&r.receipt)) {
        return differ(format!(
            "receipt {} is listed twice: THEY DIFFER",
            twice.receipt
        ));
    }
    let voters: BTreeSet<&String> = lists.voters.iter().collect();
    if voters.len() != lists.voters.len() {
        return differ("a voter is listed twice: THEY DIFFER".to_string());
    }
    if lists.receipts.len() != voters.len() {
        return differ(format!(
            "{} receipts but {} voters: THEY DIFFER",
            lists.receipts.len(),
            voters.len()
        ));
    }
    if let Some(outsider) = jury.and_then(|case| not_a_juror(case, &lists.voters)) {
        return differ(format!(
            "@{outsider} is listed as a voter but was not seated on the jury: THEY DIFFER"
        ));
    }
    let tally = Tally::from_positions(lists.receipts.iter().map(|r| r.position));
    let outcome = crate::governance::rules::decide(rule, &tally, None);
    judge(number, rule, (outcome, tally), announced).map(|report| {
        format!(
            "{report}; sealed: recounted from {} receipts, as many as voters",
            lists.receipts.len()
        )
    })
}

/// A listed voter who was not a seated juror, where a seated jury decided.
fn not_a_juror<'a>(case: &JuryCase, voters: &'a [String]) -> Option<&'a String> {
    let Seating::Seated { .. } = case.seating else {
        return None;
    };
    let draw = case.draw.as_ref()?;
    let jurors: BTreeSet<&str> = draw.jurors().map(|(acct, _)| acct).collect();
    voters.iter().find(|acct| !jurors.contains(acct.as_str()))
}

/// Whether `code` is in the receipt list, and with which vote.
pub fn find(number: u64, lists: &Lists, code: &str) -> Result<String, VerifyError> {
    let Some(receipt) = Receipt::parse(code) else {
        return Err(VerifyError::Unverifiable(format!(
            "{code:?} is not a receipt code: a code has ten letters and digits, like 7F3K-Q9X2-M4"
        )));
    };
    match lists.receipts.iter().find(|r| r.receipt == receipt) {
        Some(found) => Ok(match found.reason.as_str() {
            "" => format!(
                "proposal #{number}: receipt {receipt} is listed, counted as {}",
                found.position
            ),
            reason => format!(
                "proposal #{number}: receipt {receipt} is listed, counted as {} with the reason: {reason}",
                found.position
            ),
        }),
        None => Err(VerifyError::Differ(format!(
            "proposal #{number}: receipt {receipt} is NOT in the receipt list. If the bot's direct message gave you this code for your latest vote, keep that message: it proves your vote was left out; show it to the working group"
        ))),
    }
}
