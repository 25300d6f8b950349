//! Sealed ballots (SPEC §14) in the core: DM votes with receipts, public votes refused
//! once, counts only while open, and at the close the two lists and nothing joining a
//! voter to a position.

use super::properties::word;
use super::support::*;
use crate::governance::effects::{Effect, VoteChange};
use crate::governance::messages;
use crate::governance::proposal::Post;
use crate::governance::sealed::read_receipt_lines;
use crate::governance::{ActionKind, Position, Purpose, Rule, Settings};
use std::collections::BTreeMap;

fn sealed_settings() -> Settings {
    let mut settings = settings();
    settings.rules.insert(
        ActionKind::Suspend,
        Rule {
            sealed: true,
            ..Rule::social_coop()
        },
    );
    settings
}

/// alice's request to suspend bad.example.
fn request() -> Post {
    post(
        &member("alice", 10),
        90,
        "propose suspend bad.example they host harassment",
        None,
    )
}

/// A direct message from `name` replying `text` to ballot 500, mentioning only the bot.
fn dm(name: &str, id: u32, status_id: u64, text: &str) -> Post {
    Post {
        direct: true,
        ..post(&member(name, id), status_id, text, Some("500"))
    }
}

fn posts(effects: &[Effect]) -> Vec<(Purpose, String)> {
    effects
        .iter()
        .filter_map(|effect| match effect {
            Effect::Post { purpose, text, .. } => Some((purpose.clone(), text.clone())),
            _ => None,
        })
        .collect()
}

fn receipt_of(effects: &[Effect]) -> String {
    let (_, text) = posts(effects)
        .into_iter()
        .find(|(purpose, _)| matches!(purpose, Purpose::SealedReceipt { .. }))
        .expect("a receipt sent");
    let line = text
        .lines()
        .find_map(|line| line.strip_prefix("Your receipt: "))
        .expect("the receipt's line");
    line.to_string()
}

fn vote(memory: &mut Memory, settings: &Settings, post: &Post) -> Vec<Effect> {
    let step = engine::on_post(settings, memory, post, t0());
    memory.apply(&step)
}

/// Every line of history, as the audit keeps it (proposal #1's and the rest).
fn history(memory: &Memory) -> Vec<String> {
    [0, 1]
        .into_iter()
        .flat_map(|number| memory.history(number).expect("history"))
        .map(|record| format!("{:?} {}", record.entry.account, record.entry.event))
        .collect()
}

#[test]
fn the_ballot_says_it_is_sealed_and_how_to_vote() {
    let settings = sealed_settings();
    let mut memory = Memory::default();
    let request = request();
    let effects = memory.apply(&engine::on_post(&settings, &memory, &request, t0()));
    let ballot = first_post_text(&effects);
    assert!(
        ballot.contains("SEALED: vote by direct message"),
        "{ballot}"
    );
    assert!(ballot.contains("operators can see"), "{ballot}");
    assert!(
        !ballot.contains("favourite counts"),
        "a favourite is never a vote on a sealed ballot: {ballot}"
    );
    assert!(memory.proposal(1).expect("opened").is_sealed());
    let replies = posts(&memory.post_ballot_of_one(&settings));
    let (_, how) = replies
        .iter()
        .find(|(purpose, _)| *purpose == Purpose::SealedHow { number: 1 })
        .expect("how to vote, under the ballot");
    for words in [
        "direct message",
        "mentioning only",
        "receipt",
        "operators can",
    ] {
        assert!(how.contains(words), "{words:?} in {how}");
    }
}

#[test]
fn a_dm_vote_gets_a_receipt_once_and_a_change_gets_a_new_one() {
    let settings = sealed_settings();
    let mut memory = Memory::with_open_ballot(&settings);
    let first = dm("bob", 11, 600, "agree");
    let effects = vote(&mut memory, &settings, &first);
    let code = receipt_of(&effects);
    assert_eq!(memory.one().votes.len(), 1);
    // Heard again (a catch-up after a crash): the same receipt, never a second message.
    assert!(vote(&mut memory, &settings, &first).is_empty());
    let stored = memory.vote(1, "11").expect("the vote");
    assert_eq!(
        stored.receipt.expect("its receipt").receipt.to_string(),
        code
    );

    let changed = dm("bob", 11, 601, "block they are the harassers");
    let effects = vote(&mut memory, &settings, &changed);
    let new_code = receipt_of(&effects);
    assert_ne!(new_code, code);
    assert!(posts(&effects)[0].1.contains("replaces your earlier vote"));
    let proposal = memory.one();
    assert_eq!(proposal.votes.len(), 1, "one voter, one vote");
    assert_eq!(proposal.votes["11"].position, Position::Block);

    for line in history(&memory) {
        assert!(
            !(line.contains("bob") && (line.contains("agree") || line.contains("block"))),
            "a voter beside a position: {line}"
        );
    }
}

#[test]
fn a_public_vote_is_not_counted_and_its_author_is_told_once() {
    let settings = sealed_settings();
    let mut memory = Memory::with_open_ballot(&settings);
    let public = post(&member("carol", 12), 700, "agree", Some("500"));
    let effects = vote(&mut memory, &settings, &public);
    let told = posts(&effects);
    assert_eq!(told.len(), 1, "{told:?}");
    assert!(told[0].1.contains("is sealed") && told[0].1.contains("delete your public reply"));
    assert!(memory.one().votes.is_empty());
    let again = post(&member("carol", 12), 701, "disagree", Some("500"));
    assert!(vote(&mut memory, &settings, &again).is_empty(), "told once");

    let leaky = Post {
        mentions_others: true,
        ..dm("dave", 13, 702, "agree")
    };
    let effects = vote(&mut memory, &settings, &leaky);
    assert!(posts(&effects)[0].1.contains("also went to others"));
    assert!(memory.one().votes.is_empty());

    let favourite = engine::on_favourite(&settings, &memory, &memory.one(), &member("erin", 14));
    assert!(favourite.votes.is_empty(), "a favourite is not a vote");
}

#[test]
fn while_open_only_the_number_of_voters_is_shown() {
    let settings = sealed_settings();
    let mut memory = Memory::with_open_ballot(&settings);
    vote(&mut memory, &settings, &dm("bob", 11, 600, "agree"));
    vote(&mut memory, &settings, &dm("carol", 12, 601, "disagree"));
    let status = messages::status_report(&settings, &memory.one());
    assert!(status.contains("2 voters"), "{status}");
    assert!(!status.contains("agree"), "{status}");
    let reminder = messages::reminder(&settings, &memory.one(), days(1));
    assert!(
        reminder.contains("2 voters") && !reminder.contains("agree 1"),
        "{reminder}"
    );
}

#[test]
fn the_close_posts_both_lists_and_forgets_who_cast_which_vote() {
    let settings = sealed_settings();
    let mut memory = Memory::with_open_ballot(&settings);
    let mut codes = Vec::new();
    for (name, id, status, text) in [
        ("bob", 11, 600, "agree"),
        ("carol", 12, 601, "agree"),
        ("dave", 13, 602, "block @troll@evil.example hosts them"),
    ] {
        codes.push(receipt_of(&vote(
            &mut memory,
            &settings,
            &dm(name, id, status, text),
        )));
    }
    // A public reply in the thread is never counted at the close either.
    let record = engine::ThreadRecord {
        replies: vec![post(&member("erin", 14), 700, "disagree", Some("500"))],
        favourited_by: vec![member("frank", 15)],
    };
    let step = engine::close(&settings, &memory.one(), &record, t0() + days(6));
    let replaced = step.votes.iter().any(|change| {
        matches!(change, VoteChange::Replace { votes, favourites, .. } if votes.is_empty() && favourites.is_empty())
    });
    assert!(replaced, "the close drops the voter-to-position map");
    let effects = memory.apply(&step);
    let posted = posts(&effects);
    let announcement = &posted[0].1;
    assert!(
        announcement.contains("agree 2 · abstain 0 · disagree 0 · block 1"),
        "{announcement}"
    );
    assert!(
        !announcement.contains("dave"),
        "a block's reason is published without its author: {announcement}"
    );
    let receipts = posted
        .iter()
        .find(|(purpose, _)| *purpose == Purpose::ReceiptList { number: 1, part: 1 })
        .expect("the receipt list");
    let listed = read_receipt_lines(&receipts.1);
    assert_eq!(listed.len(), 3);
    for code in &codes {
        assert!(receipts.1.contains(code.as_str()), "{code} listed");
    }
    assert!(
        !receipts.1.contains("@troll"),
        "a reason names nobody: {}",
        receipts.1
    );
    let voters = posted
        .iter()
        .find(|(purpose, _)| *purpose == Purpose::VoterList { number: 1, part: 1 })
        .expect("the voters list");
    for name in ["bob", "carol", "dave"] {
        assert!(voters.1.contains(name));
    }
    assert!(!voters.1.contains("erin"));
    let closed = memory.one();
    assert!(closed.votes.is_empty(), "no vote kept after the close");
    let sealed = closed
        .closing()
        .and_then(|c| c.sealed.clone())
        .expect("the lists kept");
    assert_eq!(sealed.tally(), tally(2, 0, 0, 1));
    assert!(closed.closing().expect("closed").block_reasons.is_empty());
}

#[test]
fn a_jury_deciding_a_sealed_kind_votes_sealed() {
    let settings = sealed_settings();
    let mut memory = Memory::default();
    let request = request();
    let jury = Settings {
        jury: with_jury(crate::governance::jury::PoolSource::Volunteers).jury,
        ..settings
    };
    memory.apply(&engine::on_post(&jury, &memory, &request, t0()));
    let proposal = memory.proposal(1).expect("opened");
    assert!(proposal.jury.is_some() && proposal.is_sealed());
}

proptest::proptest! {
    /// Any sequence of DM votes, changes, repeats (a catch-up) and public replies: the
    /// close's receipt list counts each voter's latest DM vote once, no receipt repeats,
    /// the lists hold as many receipts as voters, and each receipt sent for a latest vote
    /// is listed while every replaced one is not.
    #[test]
    fn the_receipt_list_is_the_tally_of_each_voter_s_latest_dm_vote(
        votes in proptest::collection::vec(
            (0u32..6, proptest::sample::select(Position::ALL.to_vec()), proptest::bool::ANY, proptest::bool::ANY),
            1..30,
        ),
    ) {
        let settings = sealed_settings();
        let mut memory = Memory::with_open_ballot(&settings);
        let mut latest: BTreeMap<u32, (Position, String)> = BTreeMap::new();
        let mut sent: Vec<String> = Vec::new();
        for (index, (who, position, public, repeat)) in votes.iter().enumerate() {
            let name = format!("m{who}");
            let text = word(*position);
            let status = 1000 + index as u64;
            let cast = match public {
                true => post(&member(&name, 100 + who), status, text, Some("500")),
                false => dm(&name, 100 + who, status, text),
            };
            let effects = vote(&mut memory, &settings, &cast);
            if *repeat {
                proptest::prop_assert!(vote(&mut memory, &settings, &cast).is_empty(), "heard twice, answered once");
            }
            if !public {
                let code = receipt_of(&effects);
                sent.push(code.clone());
                latest.insert(*who, (*position, code));
            }
        }
        let step = engine::close(&settings, &memory.one(), &Default::default(), t0() + days(6));
        memory.apply(&step);
        let closed = memory.one();
        let sealed = closed.closing().and_then(|c| c.sealed.clone()).expect("the lists");
        let expected = crate::governance::Tally::from_positions(latest.values().map(|(p, _)| *p));
        proptest::prop_assert_eq!(sealed.tally(), expected);
        proptest::prop_assert_eq!(closed.closing().expect("closed").tally, expected);
        proptest::prop_assert_eq!(sealed.receipts.len(), sealed.voters.len());
        let listed: std::collections::BTreeSet<String> =
            sealed.receipts.iter().map(|r| r.receipt.to_string()).collect();
        proptest::prop_assert_eq!(listed.len(), sealed.receipts.len(), "no receipt twice");
        for code in &sent {
            let current = latest.values().any(|(_, latest)| latest == code);
            proptest::prop_assert_eq!(listed.contains(code), current, "{}", code);
        }
        proptest::prop_assert!(closed.votes.is_empty());
    }
}

#[test]
fn a_dm_that_is_not_a_vote_is_answered_and_its_words_stay_out_of_the_history() {
    let settings = sealed_settings();
    let mut memory = Memory::with_open_ballot(&settings);
    let effects = vote(
        &mut memory,
        &settings,
        &dm("bob", 11, 600, "I lean agree here"),
    );
    let told = posts(&effects);
    assert!(told[0].1.contains("not counted as a vote"), "{told:?}");
    assert!(memory.one().votes.is_empty());
    for line in history(&memory) {
        assert!(!line.contains("lean"), "{line}");
    }
}

#[test]
fn a_sealed_ballot_keeps_its_terms_and_closing_time_within_500_characters() {
    let settings = sealed_settings();
    assert!(
        messages::room_for_reason(&settings) > 0,
        "a sealed ballot leaves room for a reason"
    );
    let mut memory = Memory::default();
    let long = post(
        &member("a-member-with-the-longest-name", 10),
        90,
        &format!(
            "propose suspend a-rather-long-server-name.example.social {}",
            "they host the accounts that harass us ".repeat(12)
        ),
        None,
    );
    let effects = memory.apply(&engine::on_post(&settings, &memory, &long, t0()));
    let ballot = first_post_text(&effects);
    assert!(ballot.chars().count() <= 500, "{ballot}");
    for kept in ["SEALED: vote by direct message", "operators", "Closes: "] {
        assert!(ballot.contains(kept), "{kept:?} in {ballot}");
    }
    let proposal = memory.proposal(1).expect("opened");
    let terms = messages::terms_reply(&settings, &proposal);
    assert!(
        terms.is_some_and(|terms| terms.contains("Passes if")),
        "the rule is stated in the first reply"
    );
}
