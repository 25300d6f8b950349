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
    bot_acct: &str,
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
    // Who may vote is partly private (a roster, accounts' ages); what the list itself
    // shows is checked: members of this instance, never the bot.
    if let Some(outsider) = lists
        .voters
        .iter()
        .find(|acct| acct.contains('@') || acct.eq_ignore_ascii_case(bot_acct))
    {
        return differ(format!(
            "@{outsider} is listed as a voter but may not vote here (an account of another server, or the bot): THEY DIFFER"
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::governance::messages::sealed::{receipt_posts, voter_posts};
    use crate::governance::sealed::{Sealed, SealedVote};
    use crate::governance::{Author, Identity, Position};
    use std::collections::BTreeMap;

    fn by_bot(text: &str) -> Post {
        Post {
            status_id: "7".to_string(),
            url: String::new(),
            author: Author {
                identity: Identity {
                    account_id: "1".to_string(),
                    acct: "coopbot".to_string(),
                },
                bot: true,
                suspended: false,
                created_at: None,
            },
            text: text.to_string(),
            in_reply_to_id: Some("500".to_string()),
            direct: false,
            mentions_others: false,
            created_at: None,
        }
    }

    /// The lists as the bot posts them for `votes` (acct, position, bits), 60 characters a post.
    fn posted(votes: &[(&str, Position, u64)]) -> Vec<Post> {
        let current: BTreeMap<String, SealedVote> = votes
            .iter()
            .map(|(acct, position, bits)| {
                let vote = SealedVote {
                    position: *position,
                    reason: String::new(),
                    receipt: Receipt::from_bits(*bits),
                };
                (acct.to_string(), vote)
            })
            .collect();
        let sealed = Sealed::close(&current);
        let texts = receipt_posts(&sealed, 1, 60)
            .into_iter()
            .chain(voter_posts(&sealed, 1, 60));
        texts.map(|text| by_bot(&text)).collect()
    }

    fn announced(agree: u32, disagree: u32) -> Announced {
        let text = format!(
            "Result of proposal #1: PASSED\nsuspend bad.example\nagree {agree} · abstain 0 · disagree {disagree} · block 0\nVoters: {} (quorum 0)\n",
            agree + disagree
        );
        super::super::parse_announcement(&text, 1).expect("an announcement")
    }

    fn recount_of(posts: &[Post], announcement: &Announced) -> Result<String, VerifyError> {
        let refs: Vec<&Post> = posts.iter().collect();
        let lists = lists(&refs, 1)?;
        recount(
            1,
            &Rule::social_coop(),
            &lists,
            None,
            "coopbot",
            announcement,
        )
    }

    /// How `lists` recount against an announcement of 3 agree and 1 disagree.
    fn differ_in(lists: &Lists) -> Result<String, VerifyError> {
        recount(
            1,
            &Rule::social_coop(),
            lists,
            None,
            "coopbot",
            &announced(3, 1),
        )
    }

    const VOTES: [(&str, Position, u64); 4] = [
        ("alice", Position::Agree, 11),
        ("bob", Position::Agree, 22),
        ("carol", Position::Disagree, 33),
        ("dave", Position::Agree, 44),
    ];

    #[test]
    fn lists_in_several_parts_recount_to_the_announcement() {
        let posts = posted(&VOTES);
        assert!(posts.len() > 2, "the lists take several parts");
        let report = recount_of(&posts, &announced(3, 1)).expect("they agree");
        assert!(
            report.contains("they agree") && report.contains("4 receipts"),
            "{report}"
        );
        let differ = recount_of(&posts, &announced(4, 0));
        assert!(matches!(differ, Err(VerifyError::Differ(_))), "{differ:?}");
    }

    #[test]
    fn a_missing_part_a_missing_voter_or_an_outsider_is_said() {
        let mut posts = posted(&VOTES);
        posts.remove(1);
        let missing = recount_of(&posts, &announced(3, 1));
        assert!(
            matches!(&missing, Err(VerifyError::Unverifiable(why)) if why.contains("every part")),
            "{missing:?}"
        );
        let all = posted(&VOTES);
        let refs: Vec<&Post> = all.iter().collect();
        let mut whole = lists(&refs, 1).expect("the lists");
        whole.voters.pop();
        let fewer = differ_in(&whole);
        assert!(
            matches!(&fewer, Err(VerifyError::Differ(why)) if why.contains("4 receipts but 3 voters")),
            "{fewer:?}"
        );
        whole.voters.push("troll@evil.example".to_string());
        let outsider = differ_in(&whole);
        assert!(
            matches!(&outsider, Err(VerifyError::Differ(why)) if why.contains("troll@evil.example")),
            "{outsider:?}"
        );
        whole.receipts[1].receipt = whole.receipts[0].receipt.clone();
        *whole.voters.last_mut().expect("a voter") = "erin".to_string();
        let twice = differ_in(&whole);
        assert!(
            matches!(&twice, Err(VerifyError::Differ(why)) if why.contains("listed twice")),
            "{twice:?}"
        );
    }

    #[test]
    fn a_receipt_is_found_with_its_vote_or_said_missing() {
        let posts = posted(&VOTES);
        let refs: Vec<&Post> = posts.iter().collect();
        let lists = lists(&refs, 1).expect("the lists");
        let code = Receipt::from_bits(33).to_string();
        let found = find(1, &lists, &code.to_lowercase().replace('-', "")).expect("listed");
        assert!(found.contains("counted as disagree"), "{found}");
        let other = Receipt::from_bits(99).to_string();
        assert!(matches!(
            find(1, &lists, &other),
            Err(VerifyError::Differ(_))
        ));
        assert!(matches!(
            find(1, &lists, "not-a-code"),
            Err(VerifyError::Unverifiable(_))
        ));
    }
}
