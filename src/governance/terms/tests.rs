//! The ballot's terms written and read back: by example, and for every vocabulary and rule.

mod sentences {
    use super::super::*;

    #[test]
    fn percentages_are_written_and_read_exactly() {
        for (share, written) in [
            (0.5, "50"),
            (0.66, "66"),
            (0.6667, "66.67"),
            (0.005, "0.5"),
            (0.0, "0"),
            (0.1, "10"),
            (0.999, "99.9"),
        ] {
            assert_eq!(percent(share), written, "{share}");
            assert_eq!(threshold(written), Some(share), "{written}");
        }
    }

    #[test]
    fn rules_read_as_sentences() {
        let sentence = |rule: Rule| rule_sentence(&rule);
        assert_eq!(
            sentence(Rule::social_coop()),
            "Passes if more agree than disagree; any block stops it unless agree outnumbers disagree and block at least 9 to 1."
        );
        assert_eq!(
            sentence(Rule {
                quorum: Quorum::Voters(10),
                threshold: 0.66,
                ..Rule::social_coop()
            }),
            "Passes if at least 10 vote and agree gets over 66% of agree and disagree votes; any block stops it unless agree outnumbers disagree and block at least 9 to 1."
        );
        assert_eq!(
            sentence(Rule {
                method: Method::Consent,
                quorum: Quorum::PercentOfRoster(20.0),
                threshold: 0.5,
                max_blocks: 2,
                block_override_ratio: None,
                sealed: false,
            }),
            "Passes if at least 20% of members vote and someone agrees and it is not a tie; disagreeing alone does not stop it; more than 2 blocks stop it."
        );
        assert_eq!(
            sentence(Rule {
                method: Method::Majority,
                quorum: Quorum::Voters(1),
                threshold: 0.3,
                max_blocks: 0,
                block_override_ratio: None,
                sealed: false,
            }),
            "Passes if at least 1 vote and agree gets over 30% of agree, disagree and block votes, without a tie."
        );
    }
}

mod properties {
    use super::super::*;
    use crate::governance::rules::decide;
    use crate::governance::Tally;
    use proptest::prelude::*;

    /// Words a co-op might add: other languages, emoji, signs, and standard words moved.
    const POOL: [&str; 16] = [
        "oui", "non", "d'accord", "neutre", "bloquer", "ja", "nein", "sí", "👌", "+2", "agree",
        "no", "🤷", "block", "yes", "⛔",
    ];

    fn lists() -> impl Strategy<Value = Vec<(Position, Vec<String>)>> {
        prop::collection::vec(
            (0usize..4, prop::sample::subsequence(POOL.to_vec(), 0..6)),
            4,
        )
        .prop_map(|picks| {
            let mut taken = std::collections::BTreeSet::new();
            Position::ALL
                .into_iter()
                .zip(picks)
                .map(|(position, (_, words))| {
                    // A word means one position, as the configuration requires.
                    let words = words
                        .into_iter()
                        .filter(|word| taken.insert(*word))
                        .map(str::to_string)
                        .collect();
                    (position, words)
                })
                .collect()
        })
    }

    fn vocabulary() -> impl Strategy<Value = Vocabulary> {
        (any::<bool>(), lists()).prop_map(|(replace, lists)| {
            let every_position_has_words = lists.iter().all(|(_, words)| !words.is_empty());
            if replace && every_position_has_words {
                Vocabulary::replaced(&lists)
            } else {
                lists
                    .iter()
                    .fold(Vocabulary::standard(), |vocabulary, (position, words)| {
                        vocabulary.with_words(*position, words)
                    })
            }
        })
    }

    fn rule() -> impl Strategy<Value = Rule> {
        let method =
            prop::sample::select(vec![Method::Consensus, Method::Consent, Method::Majority]);
        let quorum = prop_oneof![
            (0u32..40).prop_map(Quorum::Voters),
            prop::sample::select(vec![5.0, 12.5, 20.0, 33.3, 50.0])
                .prop_map(Quorum::PercentOfRoster),
        ];
        let threshold =
            (0u32..10_000).prop_map(|n| format!("0.{n:04}").parse::<f64>().unwrap_or(0.5));
        let ratio = prop::option::of(prop::sample::select(vec![0.5, 1.0, 2.0, 4.5, 9.0, 10.0]));
        (method, quorum, threshold, 0u32..4, ratio).prop_map(
            |(method, quorum, threshold, max_blocks, block_override_ratio)| Rule {
                method,
                quorum,
                threshold,
                max_blocks,
                block_override_ratio,
                sealed: false,
            },
        )
    }

    proptest! {
        #[test]
        fn the_words_a_ballot_states_read_back_as_the_bot_reads_replies(
            vocabulary in vocabulary(),
            block_needs_reason in any::<bool>(),
            favourites_agree in any::<bool>(),
        ) {
            let terms = VotingTerms { vocabulary, block_needs_reason, favourites_agree };
            let line = how_to_vote(&terms);
            let read = read_how_to_vote(&format!("Proposal #1: motion\n{line}\nCloses: x"));
            let read = read.expect("the line reads back");
            prop_assert_eq!(read.vocabulary.meanings(), terms.vocabulary.meanings(), "{}", line);
            prop_assert_eq!(read.block_needs_reason, block_needs_reason);
            prop_assert_eq!(read.favourites_agree, favourites_agree);
        }

        #[test]
        fn the_rule_in_words_decides_as_the_rule(
            rule in rule(),
            tallies in prop::collection::vec((0u32..30, 0u32..5, 0u32..30, 0u32..4), 20),
        ) {
            let sentence = rule_sentence(&rule);
            let read = read_rule_sentence(&sentence).expect("the sentence reads back");
            for (agree, abstain, disagree, block) in tallies {
                let tally = Tally { agree, abstain, disagree, block };
                prop_assert_eq!(decide(&read, &tally, Some(40)), decide(&rule, &tally, Some(40)), "{}", sentence);
            }
            prop_assert_eq!(read.quorum, rule.quorum);
            prop_assert_eq!(read.method, rule.method);
        }
    }
}
