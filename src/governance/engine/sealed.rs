//! Votes on a sealed ballot (SPEC §14): counted only from a direct message that mentions
//! no one but the bot, each answered by direct message with a receipt, and at the close
//! published as a receipt list and a voters list with nothing joining the two.
//!
//! No audit line here names a position beside a voter: "sealed vote counted" is all the
//! history says of a member's vote, and the receipt's key holds no code.

use crate::governance::effects::{Effect, Step};
use crate::governance::id_order;
use crate::governance::messages::{self, sealed as words};
use crate::governance::proposal::{Choice, Issued, Post, Proposal, Vote};
use crate::governance::purpose::Purpose;
use crate::governance::records::Records;
use crate::governance::sealed::{Draw, Sealed, SealedVote};
use crate::governance::settings::{Settings, Visibility};
use std::collections::BTreeMap;

/// Why a post cannot be a vote on sealed `proposal`: it is public, or others read it.
pub(super) fn not_private(settings: &Settings, proposal: &Proposal, post: &Post) -> Option<String> {
    let bot = &settings.bot_acct;
    match (post.direct, post.mentions_others) {
        (false, _) => Some(words::public_vote(proposal.number, bot)),
        (true, true) => Some(words::others_mentioned(proposal.number, bot)),
        (true, false) => None,
    }
}

/// A private vote that may count (the caller checked who may vote and when): kept with
/// its receipt, drawn from `draw`, in the same step as the direct message that sends it.
/// The same vote heard again keeps its receipt, so it is answered once.
pub(super) fn record<R: Records>(
    records: &R,
    proposal: &Proposal,
    post: &Post,
    choice: Choice,
    draw: Draw,
) -> Result<Step, R::Error> {
    let Choice {
        position,
        reason,
        in_thread,
    } = choice;
    let voter = post.author.identity.clone();
    let number = proposal.number;
    let previous = records.vote(number, &voter.account_id)?;
    if let Some(previous) = &previous {
        if id_order(&post.status_id, &previous.status_id).is_lt() {
            return Ok(Step::default());
        }
        let unchanged = previous.status_id == post.status_id
            && previous.position == position
            && previous.reason == reason;
        if let (true, Some(issued)) = (unchanged, &previous.receipt) {
            return Ok(Step::of(
                Vec::new(),
                vec![receipt_message(proposal, previous, issued)],
            ));
        }
    }
    let serial = previous
        .as_ref()
        .and_then(|vote| vote.receipt.as_ref())
        .map_or(0, |issued| issued.serial + 1);
    let issued = Issued {
        receipt: draw.receipt(),
        serial,
    };
    let vote = Vote {
        voter: voter.clone(),
        position,
        reason,
        status_id: post.status_id.clone(),
        in_thread,
        receipt: Some(issued.clone()),
    };
    let message = receipt_message(proposal, &vote, &issued);
    Ok(Step {
        votes: vec![crate::governance::effects::VoteChange::Cast { number, vote }],
        ..Step::of(Vec::new(), vec![message])
    }
    .logged(
        Some(number),
        Some(&voter.acct),
        "sealed vote counted; receipt sent",
    ))
}

fn receipt_message(proposal: &Proposal, vote: &Vote, issued: &Issued) -> Effect {
    let number = proposal.number;
    let ballot = proposal
        .ballot
        .as_ref()
        .map_or("<ballot link>", |b| b.url.as_str());
    Effect::post(
        Purpose::SealedReceipt {
            number,
            status_id: vote.status_id.clone(),
            serial: u64::from(issued.serial),
        },
        messages::to(
            &vote.voter.acct,
            &words::receipt(number, ballot, vote.position, &vote.reason, issued),
        ),
        Visibility::Direct,
        Some(vote.status_id.clone()),
    )
}

/// The lists a sealed ballot keeps at its close, from each voter's current vote.
pub(super) fn lists(votes: &BTreeMap<String, Vote>) -> Sealed {
    let current: BTreeMap<String, SealedVote> = votes
        .values()
        .filter_map(|vote| {
            let issued = vote.receipt.as_ref()?;
            Some((
                vote.voter.acct.clone(),
                SealedVote {
                    position: vote.position,
                    reason: vote.reason.clone(),
                    receipt: issued.receipt.clone(),
                },
            ))
        })
        .collect();
    Sealed::close(&current)
}

/// The receipt list, then the voters list, as replies to the ballot.
pub(super) fn list_posts(
    settings: &Settings,
    number: u64,
    sealed: &Sealed,
    ballot_id: &str,
) -> Vec<Effect> {
    let post = |purpose, text| {
        Effect::post(
            purpose,
            text,
            settings.ballot_visibility,
            Some(ballot_id.to_string()),
        )
    };
    let max = settings.max_characters;
    let receipts = words::receipt_posts(sealed, number, max)
        .into_iter()
        .zip(1..)
        .map(|(text, part)| post(Purpose::ReceiptList { number, part }, text));
    let voters = words::voter_posts(sealed, number, max)
        .into_iter()
        .zip(1..)
        .map(|(text, part)| post(Purpose::VoterList { number, part }, text));
    receipts.chain(voters).collect()
}
