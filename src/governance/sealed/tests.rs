use super::*;
use crate::governance::messages::sealed::{receipt_posts, voter_posts};
use proptest::prelude::*;

#[test]
fn a_code_is_ten_crockford_characters_in_groups_of_four() {
    let code = Receipt::from_bits(0x3_FFFF_FFFF_FFFF).to_string();
    assert_eq!(code, "ZZZZ-ZZZZ-ZZ");
    assert_eq!(Receipt::from_bits(0).to_string(), "0000-0000-00");
    let typed = Receipt::parse("7f3k q9x2-m4").expect("a code");
    assert_eq!(typed.to_string(), "7F3K-Q9X2-M4");
    assert_eq!(
        Receipt::parse("IOL0-0000-00"),
        Receipt::parse("1010-0000-00")
    );
    for bad in [
        "",
        "7F3K-Q9X2",
        "7F3K-Q9X2-M4X",
        "7F3K-Q9X2-MU",
        "7F3K-Q9X2-M!",
    ] {
        assert_eq!(Receipt::parse(bad), None, "{bad}");
    }
}

#[test]
fn the_lists_hold_no_voter_beside_a_position_and_read_back_as_counted() {
    let vote = |bits, position, reason: &str| SealedVote {
        position,
        reason: reason.to_string(),
        receipt: Receipt::from_bits(bits),
    };
    let votes: BTreeMap<String, SealedVote> = [
        ("carol".to_string(), vote(7, Position::Agree, "")),
        (
            "bob".to_string(),
            vote(3, Position::Block, "they   harass\nus"),
        ),
        ("dave".to_string(), vote(5, Position::Disagree, "")),
    ]
    .into();
    let sealed = Sealed::close(&votes);
    assert_eq!(sealed.voters, ["bob", "carol", "dave"]);
    let posts = receipt_posts(&sealed, 3, 500);
    assert_eq!(
        posts,
        ["Receipts of proposal #3 (1/1):\n0000-0000-03 block: they harass us\n0000-0000-05 disagree\n0000-0000-07 agree"]
    );
    let voters = voter_posts(&sealed, 3, 500).join("\n");
    assert!(!voters.contains("agree") && !voters.contains("block"));
    assert_eq!(read_receipt_lines(&posts[0]), sealed.receipts);
    assert_eq!(
        sealed.tally(),
        Tally {
            agree: 1,
            abstain: 0,
            disagree: 1,
            block: 1
        }
    );
}

#[test]
fn long_lists_are_split_into_numbered_posts_that_fit() {
    let votes: BTreeMap<String, SealedVote> = (0..300u64)
        .map(|n| {
            (
                format!("member{n}"),
                SealedVote {
                    position: Position::Agree,
                    reason: String::new(),
                    receipt: Receipt::from_bits(n * 7919),
                },
            )
        })
        .collect();
    let sealed = Sealed::close(&votes);
    let posts = receipt_posts(&sealed, 12, 500);
    assert!(posts.len() > 1);
    let count = posts.len();
    for (index, post) in posts.iter().enumerate() {
        assert!(post.chars().count() <= 500, "{post}");
        assert!(post.starts_with(&format!(
            "Receipts of proposal #12 ({}/{count}):",
            index + 1
        )));
    }
    let read: Vec<Receipted> = posts.iter().flat_map(|p| read_receipt_lines(p)).collect();
    assert_eq!(read, sealed.receipts);
}

proptest! {
    /// Whatever members send, and however often they change their vote, the receipt
    /// list's counts are the tally of each voter's latest vote, and no receipt repeats.
    #[test]
    fn the_receipt_list_counts_the_latest_vote_of_each_voter(
        sent in prop::collection::vec((0..6usize, 0..4usize), 0..40),
    ) {
        let mut votes: BTreeMap<String, SealedVote> = BTreeMap::new();
        for (draw, (voter, position)) in sent.iter().enumerate() {
            let bits = (draw as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 14;
            votes.insert(format!("m{voter}"), SealedVote {
                position: Position::ALL[*position],
                reason: String::new(),
                receipt: Receipt::from_bits(bits),
            });
        }
        let sealed = Sealed::close(&votes);
        let latest = Tally::from_positions(votes.values().map(|v| v.position));
        prop_assert_eq!(sealed.tally(), latest);
        let read: Vec<Receipted> = receipt_posts(&sealed, 1, 500)
            .iter()
            .flat_map(|post| read_receipt_lines(post))
            .collect();
        prop_assert_eq!(Tally::from_positions(read.iter().map(|r| r.position)), latest);
        let mut codes: Vec<&Receipt> = sealed.receipts.iter().map(|r| &r.receipt).collect();
        codes.dedup();
        prop_assert_eq!(codes.len(), sealed.receipts.len());
        prop_assert_eq!(sealed.voters.len(), sealed.receipts.len());
    }
}
