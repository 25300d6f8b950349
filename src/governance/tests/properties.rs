//! What must always hold: order of votes does not matter, one member one vote, replay is harmless.

use super::support::engine;
use super::support::*;
use crate::governance::rules::decide;
use crate::governance::{Position, Rule, Tally};
use proptest::prelude::*;
use std::collections::BTreeMap;

fn position() -> impl Strategy<Value = Position> {
    prop::sample::select(Position::ALL.to_vec())
}

/// A reply that votes `position` (a block with its reason).
pub(super) fn word(position: Position) -> &'static str {
    match position {
        Position::Agree => "agree",
        Position::Abstain => "abstain",
        Position::Disagree => "disagree",
        Position::Block => "block for a stated reason",
    }
}

proptest! {
    #[test]
    fn the_tally_does_not_depend_on_the_order_of_votes(
        positions in prop::collection::vec(position(), 0..60),
        seed in any::<u64>(),
    ) {
        let mut shuffled = positions.clone();
        // A deterministic shuffle from the seed.
        let mut state = seed;
        for i in (1..shuffled.len()).rev() {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            shuffled.swap(i, (state >> 33) as usize % (i + 1));
        }
        let (a, b) = (Tally::from_positions(positions), Tally::from_positions(shuffled));
        prop_assert_eq!(a, b);
        prop_assert_eq!(decide(&Rule::social_coop(), &a, None), decide(&Rule::social_coop(), &b, None));
    }

    #[test]
    fn each_member_counts_once_with_their_latest_vote(
        votes in prop::collection::vec((0u32..8, position(), any::<bool>()), 1..40),
    ) {
        let settings = settings();
        let mut memory = Memory::with_open_ballot(&settings);
        let mut latest: BTreeMap<u32, Position> = BTreeMap::new();
        let mut favourited: Vec<u32> = Vec::new();
        for (index, (who, position, by_favourite)) in votes.iter().enumerate() {
            let author = member(&format!("m{who}"), 100 + who);
            if *by_favourite {
                memory.apply(&engine::on_favourite(&settings, &memory, &memory.one(), &author));
                favourited.push(*who);
            } else {
                let reply = post(&author, 1000 + index as u64, word(*position), Some("500"));
                let step = engine::on_post(&settings, &memory, &reply, t0());
                memory.apply(&step);
                // Handling the same event again changes nothing and repeats no effect.
                let replay = engine::on_post(&settings, &memory, &reply, t0());
                prop_assert!(replay.proposals.is_empty());
                prop_assert!(memory.clone().apply(&replay).is_empty());
                latest.insert(*who, *position);
            }
        }
        for who in favourited {
            latest.entry(who).or_insert(Position::Agree);
        }
        let tally = memory.one().tally(settings.favourites_count_as);
        prop_assert_eq!(tally, Tally::from_positions(latest.values().copied()));
        prop_assert_eq!(tally.voters() as usize, latest.len());
    }
}
