//! What the bot says while a jury is drawn and seated: the draw anyone can recompute,
//! the invitations, the seating. Accts are written bare and defanged, so nobody named
//! here is notified.

use super::{action_phrase, defang, time};
use crate::commands::format_duration;
use crate::governance::jury::{Answer, Jury, JuryCase};
use crate::governance::proposal::Proposal;
use chrono::{DateTime, Utc};

/// How far a jury's seating has come: "2 of 5 seated, 1 invited".
pub fn progress(proposal: &Proposal) -> String {
    let Some(jury) = proposal.jury.as_ref().and_then(|case| case.draw.as_ref()) else {
        return "the draw follows the ballot".to_string();
    };
    let waiting = jury
        .summoned
        .iter()
        .filter(|s| matches!(s.answer, Answer::Invited { .. }))
        .count();
    let mut text = format!(
        "{} of {} seated, {waiting} invited",
        jury.seated_count(),
        jury.size
    );
    if let Some(deadline) = jury.next_deadline() {
        text.push_str(&format!(", next answer due {}", time(deadline)));
    }
    text
}

/// Who decides a proposal, for the record and exports: `members`, `jury: bob, dave`.
pub fn decided_by_whom(proposal: &Proposal) -> String {
    let Some(case) = &proposal.jury else {
        return "members".to_string();
    };
    match (case.seating, case.draw.as_ref()) {
        (crate::governance::jury::Seating::Short { .. }, _) => {
            "members (the jury pool ran out)".to_string()
        }
        (crate::governance::jury::Seating::Seated { .. }, Some(jury)) => {
            let jurors: Vec<&str> = jury.jurors().map(|(acct, _)| acct).collect();
            format!("jury: {}", jurors.join(", "))
        }
        _ => "jury (being seated)".to_string(),
    }
}

/// Who decides a jury's case, as its ballot opens its line on how to vote.
pub fn jury_decides(case: &JuryCase) -> String {
    format!("A Standing Jury of {} drawn by lot decides", case.size)
}

/// The ballot's line for a proposal the jury decides, in place of its closing time.
pub fn ballot_line(case: &JuryCase) -> String {
    let members = if case.size == 1 { "member" } else { "members" };
    format!(
        "Decided by a Standing Jury of {} {members} drawn by lot in this thread; voting runs {} from the jury's seating.",
        case.size,
        format_duration(case.voting)
    )
}

/// The draw in as many posts as the character limit needs: the first explains how to
/// recompute it, each names as many of the pool as fit.
pub fn draw_posts(
    number: u64,
    ballot_id: &str,
    seed: &str,
    pool: &[String],
    max: usize,
) -> Vec<String> {
    let head = format!(
        "The jury for proposal #{number} is drawn by lot. Seed: {seed}, the SHA-256 of these lines: coopgov-jury-v1, {number}, {ballot_id}, then the pool below, one per line. Draw order: by the SHA-256 of the seed, a newline and each name, lowest first.\nPool ({} members):",
        pool.len()
    );
    let mut posts = vec![head];
    for acct in pool {
        let name = defang(acct);
        let last = posts.len() - 1;
        if posts[last].chars().count() + 1 + name.chars().count() <= max {
            posts[last].push(' ');
            posts[last].push_str(&name);
        } else {
            posts.push(format!("Pool of proposal #{number}, continued: {name}"));
        }
    }
    posts
}

pub fn invitation(proposal: &Proposal, ballot_url: &str, deadline: DateTime<Utc>) -> String {
    format!(
        "You were drawn by lot for the Standing Jury that decides proposal #{}: {}. {ballot_url}\nReply to this message with accept to serve, or decline, by {}. Only the jurors' votes decide it.",
        proposal.number,
        action_phrase(&proposal.action),
        time(deadline)
    )
}

/// The thread's notice that the jury is full: each member asked, in draw order.
pub fn seated(proposal: &Proposal, jury: &Jury) -> String {
    let last_seated = jury
        .summoned
        .iter()
        .rposition(|s| matches!(s.answer, Answer::Seated { .. }))
        .map_or(0, |at| at + 1);
    let lines: Vec<String> = jury.summoned[..last_seated]
        .iter()
        .map(|summons| {
            let mark = match summons.answer {
                Answer::Seated { .. } => "seated",
                _ => "passed over",
            };
            format!("{}: {mark}", defang(&summons.acct))
        })
        .collect();
    format!(
        "The jury for proposal #{} is seated, in draw order:\n{}\nVoting is open until {}. Only the seated jurors' votes count; anyone may discuss here.",
        proposal.number,
        lines.join("\n"),
        time(proposal.closes_at)
    )
}

/// States the members' rule, which replaces the jury's, so the thread alone still says
/// how the vote is decided.
pub fn short_members_vote(proposal: &Proposal) -> String {
    format!(
        "The jury pool ran out before the jury for proposal #{} was full, so all members vote on it instead, until {}.\n{}",
        proposal.number,
        time(proposal.closes_at),
        crate::governance::terms::rule_sentence(&proposal.rule)
    )
}

pub fn short_cancelled(number: u64) -> String {
    format!(
        "The jury pool ran out before the jury for proposal #{number} was full, so it is cancelled. Nothing will be changed."
    )
}

pub fn accepted(number: u64, closes: Option<DateTime<Utc>>) -> String {
    match closes {
        Some(at) => format!("Thank you: you sit on the jury for proposal #{number}. Voting is open until {}; reply to the ballot with your vote.", time(at)),
        None => format!("Thank you: you sit on the jury for proposal #{number}. The thread will say when voting opens; then reply to the ballot with your vote."),
    }
}

pub fn declined(number: u64) -> String {
    format!("Understood: you do not sit on the jury for proposal #{number}.")
}

pub fn answered_already(number: u64) -> String {
    format!("Your answer for the jury of proposal #{number} was already recorded, or its time had passed; it stays as it was.")
}

/// Why a vote on a jury's proposal does not count.
pub fn only_jurors(number: u64) -> String {
    format!(
        "the Standing Jury decides proposal #{number}, so only its seated jurors' votes count. You are welcome to discuss it in the thread."
    )
}

/// The result's line saying who decided.
pub fn decided_by(jury: &Jury, voters: u32) -> String {
    format!(
        "Decided by the Standing Jury: {voters} of its {} jurors voted.",
        jury.seated_count()
    )
}

/// A juror who has not voted, reminded privately before the close.
pub fn juror_reminder(proposal: &Proposal, ballot_url: &str, now: DateTime<Utc>) -> String {
    format!(
        "You sit on the jury for proposal #{} ({}), and voting closes in {}, at {}. Reply to the ballot with your vote: {ballot_url}",
        proposal.number,
        action_phrase(&proposal.action),
        super::time_left(proposal.closes_at - now),
        time(proposal.closes_at)
    )
}

pub fn invitation_help(number: u64) -> String {
    format!("To answer the invitation to the jury for proposal #{number}, reply to it with accept or decline.")
}
