//! The ballot states what `coopgov verify` needs, in a form it reads back.
//! (Over 400 lines: every verdict `verify` can give, in one table and its scenarios.)

use super::support::engine;
use super::support::*;
use crate::governance::proposal::Unseen;
use crate::governance::ThreadRecord;
use crate::governance::{messages, Action, Method, Outcome, Quorum, Rule, Tally};
use crate::verify::{
    judge, parse_announcement, parse_ballot, recount_rule, Announced, VerifyError,
};

/// The proposal `acct` opens with `request`, as the engine records it.
fn opened(
    settings: &crate::governance::Settings,
    acct: &str,
    request: &str,
) -> crate::governance::Proposal {
    let author = member(acct, 300);
    let step = engine::on_post(
        settings,
        &Memory::default(),
        &post(&author, 90, request, None),
        t0(),
    );
    step.proposals[0].clone()
}

#[test]
fn a_ballot_reads_back_as_it_was_written() {
    let mut settings = settings();
    let rules = [
        Rule::social_coop(),
        Rule {
            method: Method::Majority,
            quorum: Quorum::Voters(7),
            threshold: 0.66,
            max_blocks: 2,
            block_override_ratio: None,
            sealed: false,
        },
        Rule {
            method: Method::Consent,
            quorum: Quorum::PercentOfRoster(20.0),
            threshold: 0.5,
            max_blocks: 1,
            block_override_ratio: Some(4.0),
            sealed: false,
        },
    ];
    for (n, rule) in rules.into_iter().enumerate() {
        for kind in [
            crate::governance::ActionKind::Suspend,
            crate::governance::ActionKind::Silence,
            crate::governance::ActionKind::Unblock,
            crate::governance::ActionKind::Motion,
        ] {
            settings.rules.insert(kind, rule);
        }
        for request in [
            "propose suspend bad.example spam",
            "propose silence b.example 7d noise",
            "propose unblock c.example 8d sorry",
            "propose motion we agree on a code",
        ] {
            let memory = Memory::default();
            let author = member(&format!("m{n}"), 300 + n as u32);
            let step = engine::on_post(&settings, &memory, &post(&author, 90, request, None), t0());
            let proposal = &step.proposals[0];
            let parsed = parse_ballot(
                &messages::ballot(&settings, proposal),
                messages::terms_reply(&settings, proposal).as_deref(),
            )
            .expect("a ballot");
            assert_eq!(parsed.number, proposal.number);
            assert_eq!(parsed.action, proposal.action, "{request}");
            let mut expected = proposal.rule;
            if expected.method == Method::Consent {
                expected.threshold = 0.5; // consent states no threshold
            }
            if expected.method == Method::Majority {
                (expected.max_blocks, expected.block_override_ratio) = (0, None);
                // nor blocks
            }
            assert_eq!(parsed.rule, expected);
            assert_eq!(parsed.closes_at, Some(proposal.closes_at));
            assert!(parsed.terms.favourites_agree && parsed.terms.block_needs_reason);
            assert_eq!(
                parsed.terms.vocabulary.meanings(),
                settings.vocabulary.meanings()
            );
        }
    }
    assert!(matches!(parse_ballot("Proposal #2: motion\nRule: consensus, threshold 0.5, quorum 0\nCloses: 2026-11-01 12:00:30 UTC", None).map(|b| b.action), Some(Action::Motion)));
    assert!(parse_ballot("hello", None).is_none());
}

/// A co-op's own words, an internationalised domain and a dry run: the ballot states
/// them, in words a member reads and `verify` reads back.
#[test]
fn a_ballot_states_the_coops_words_and_reads_back() {
    use crate::commands::Vocabulary;
    use crate::governance::{Mode, Position};
    let words = |list: &[&str]| list.iter().map(|w| w.to_string()).collect::<Vec<_>>();
    let mut settings = settings();
    settings.mode = Mode::DryRun;
    settings.vocabulary = Vocabulary::standard()
        .with_words(Position::Agree, &words(&["oui", "sí"]))
        .with_words(Position::Block, &words(&["bloquer"]));
    let proposal = &opened(
        &settings,
        "alice",
        "propose suspend münchen.example they host harassment",
    );
    let ballot = messages::ballot(&settings, proposal);
    let terms = messages::terms_reply(&settings, proposal);
    let text = format!("{ballot}\n{}", terms.clone().unwrap_or_default());
    assert!(
        text.contains("Proposal #1: suspend xn--mnchen-3ya.example (münchen.example)"),
        "{text}"
    );
    assert!(
        text.contains("Reply agree/oui/sí, abstain, disagree or block/bloquer to vote (a block needs a reason); a favourite counts as agree."),
        "{text}"
    );
    assert!(text.contains("Passes if more agree than disagree; any block stops it unless agree outnumbers disagree and block at least 9 to 1."), "{text}");
    assert!(
        text.contains("Dry run: the bot will announce the result but change nothing"),
        "{text}"
    );
    let parsed = parse_ballot(&ballot, terms.as_deref()).expect("a ballot");
    assert_eq!(parsed.action, proposal.action);
    assert_eq!(
        parsed.terms.vocabulary.meanings(),
        settings.vocabulary.meanings()
    );

    settings.vocabulary = Vocabulary::replaced(&[
        (Position::Agree, words(&["pour"])),
        (Position::Abstain, words(&["neutre"])),
        (Position::Disagree, words(&["contre", "non"])),
        (Position::Block, words(&["bloquer"])),
    ]);
    let ballot = messages::ballot(&settings, proposal);
    assert!(
        ballot.contains("Vote: reply pour, neutre, contre or bloquer (with a reason)"),
        "{ballot}"
    );
    let terms = messages::terms_reply(&settings, proposal).expect("terms in the first reply");
    assert!(
        terms.contains("Reply only pour (agree), neutre (abstain), contre/non (disagree) or bloquer (block) to vote (a block needs a reason)"),
        "{terms}"
    );
    let parsed = parse_ballot(&ballot, Some(&terms)).expect("a ballot");
    assert_eq!(
        parsed.terms.vocabulary.meanings(),
        settings.vocabulary.meanings()
    );
}

#[test]
fn an_announcement_reads_back() {
    let text = "Result of proposal #4: NO QUORUM\nmotion\nagree 1 · abstain 0 · disagree 0 · block 0\nVoters: 1 (quorum 2)";
    let announced = parse_announcement(text, 4).expect("an announcement");
    assert_eq!(announced.outcome, "NO QUORUM");
    assert_eq!((announced.tally.agree, announced.tally.voters()), (1, 1));
    assert_eq!(announced.quorum_needed, Some(2));
    assert!(announced.unseen.is_empty());
    assert!(parse_announcement(text, 5).is_none());
}

/// `vote 1 agree` sent outside the thread, and a favourite from a remote account: the
/// announcement says what the thread cannot show, and reads back.
#[test]
fn the_announcement_states_what_the_thread_cannot_show() {
    let settings = settings();
    let mut memory = Memory::with_open_ballot(&settings);
    let bob = member("bob", 11);
    memory.apply(&engine::on_post(
        &settings,
        &memory,
        &post(&bob, 601, "vote 1 agree", None),
        t0(),
    ));
    let mut remote = member("eve@elsewhere.example", 12);
    remote.identity.acct = "eve@elsewhere.example".to_string();
    let record = ThreadRecord {
        replies: vec![post(&member("carol", 13), 602, "disagree", Some("500"))],
        favourited_by: vec![remote],
    };
    let effects = memory.close_at_six_days(&settings, &record);
    let text = first_post_text(&effects);
    assert!(
        text.contains("Counted from outside this thread: 1 · Not counted, may not vote: 1"),
        "{text}"
    );
    let announced = parse_announcement(&text, 1).expect("an announcement");
    assert_eq!(
        announced.unseen,
        Unseen {
            outside_thread: 1,
            not_eligible: 1
        }
    );
}

/// Agree, differ, or cannot tell: the verdict on a recount against an announcement.
#[test]
fn a_recount_is_judged_against_what_the_announcement_says_it_cannot_see() {
    let rule = Rule::social_coop();
    let announced = |outcome: &str, counts: Tally, outside_thread, not_eligible| Announced {
        outcome: outcome.to_string(),
        tally: counts,
        quorum_needed: Some(0),
        unseen: Unseen {
            outside_thread,
            not_eligible,
        },
    };
    // (recount, announcement, verdict: 0 agree, 1 differ, 2 cannot tell)
    let cases = [
        (
            (Outcome::Passed, tally(2, 0, 1, 0)),
            announced("PASSED", tally(2, 0, 1, 0), 0, 0),
            0,
        ),
        (
            (Outcome::Passed, tally(2, 0, 1, 0)),
            announced("PASSED", tally(3, 0, 1, 0), 0, 0),
            1,
        ),
        // One vote from outside the thread explains one more agree.
        (
            (Outcome::Passed, tally(2, 0, 1, 0)),
            announced("PASSED", tally(3, 0, 1, 0), 1, 0),
            2,
        ),
        // ...or one vote moved from agree to disagree.
        (
            (Outcome::Passed, tally(3, 0, 1, 0)),
            announced("REJECTED", tally(2, 0, 2, 0), 1, 0),
            2,
        ),
        // but not two more.
        (
            (Outcome::Passed, tally(2, 0, 1, 0)),
            announced("PASSED", tally(4, 0, 1, 0), 1, 0),
            1,
        ),
        // An account that may not vote explains one fewer, never one more.
        (
            (Outcome::Rejected, tally(2, 0, 2, 0)),
            announced("PASSED", tally(2, 0, 1, 0), 0, 1),
            2,
        ),
        (
            (Outcome::Passed, tally(2, 0, 1, 0)),
            announced("PASSED", tally(3, 0, 1, 0), 0, 1),
            1,
        ),
        // Counts that do not give the announced outcome are a difference, whatever is unseen.
        (
            (Outcome::Passed, tally(2, 0, 1, 0)),
            announced("REJECTED", tally(2, 0, 1, 0), 5, 5),
            1,
        ),
        (
            (Outcome::Passed, tally(2, 0, 1, 0)),
            announced("PASSED", tally(2, 0, 1, 0), 3, 0),
            0,
        ),
    ];
    for (recount, announcement, verdict) in cases {
        let judged = judge(1, &rule, recount, &announcement);
        let got = match &judged {
            Ok(_) => 0,
            Err(VerifyError::Differ(_)) => 1,
            Err(VerifyError::Unverifiable(_)) => 2,
        };
        assert_eq!(
            got, verdict,
            "{recount:?} against {announcement:?}: {judged:?}"
        );
    }
}

#[test]
fn a_percentage_quorum_is_recounted_with_the_number_the_announcement_states() {
    let percent = Rule {
        quorum: Quorum::PercentOfRoster(20.0),
        ..Rule::social_coop()
    };
    let mut announced = parse_announcement(
        "Result of proposal #2: PASSED\nmotion\nagree 3 · abstain 0 · disagree 0 · block 0\nVoters: 3 (quorum 3)",
        2,
    )
    .expect("an announcement");
    assert_eq!(
        recount_rule(percent, &announced).map(|r| r.quorum),
        Ok(Quorum::Voters(3))
    );
    let numbered = Rule {
        quorum: Quorum::Voters(2),
        ..Rule::social_coop()
    };
    assert!(matches!(
        recount_rule(numbered, &announced),
        Err(VerifyError::Differ(_))
    ));
    announced.quorum_needed = None;
    assert!(matches!(
        recount_rule(percent, &announced),
        Err(VerifyError::Unverifiable(_))
    ));
}

fn config_with_token_file(folder: &std::path::Path) -> crate::config::Config {
    std::fs::write(folder.join("coopgov.token"), "the-bots-admin-token\n").expect("token");
    let text = "[instance]\nurl = \"https://social.example/\"\ntoken_file = \"coopgov.token\"\n";
    crate::config::Config::parse(text, &folder.join("bot.toml")).expect("config")
}

#[test]
fn the_bots_token_goes_only_to_the_bots_own_instance() {
    use crate::verify::token_for;
    let folder = std::env::temp_dir().join(format!("coopgov-verify-{}", std::process::id()));
    std::fs::create_dir_all(&folder).expect("folder");
    let config = config_with_token_file(&folder);
    let cases: &[(&str, Option<&crate::config::Config>, Option<&str>, &str)] = &[
        (
            "https://social.example",
            Some(&config),
            None,
            "the-bots-admin-token",
        ),
        (
            "https://SOCIAL.example/",
            Some(&config),
            None,
            "the-bots-admin-token",
        ),
        ("https://evil.example", Some(&config), None, ""),
        (
            "https://social.example.evil.example",
            Some(&config),
            None,
            "",
        ),
        ("https://evil.example", Some(&config), Some("mine"), "mine"),
        ("https://evil.example", None, Some(" mine \n"), "mine"),
        ("https://social.example", None, None, ""),
        (
            "https://social.example",
            Some(&config),
            Some("  "),
            "the-bots-admin-token",
        ),
    ];
    for (instance, config, verify_token, expected) in cases {
        let token = token_for(instance, *config, verify_token.map(str::to_string));
        assert_eq!(token.expose(), *expected, "{instance} {verify_token:?}");
    }
    let _ = std::fs::remove_dir_all(&folder);
}

#[test]
fn a_ballot_is_found_by_address_or_by_id() {
    use crate::verify::locate;
    let folder = std::env::temp_dir().join(format!("coopgov-locate-{}", std::process::id()));
    std::fs::create_dir_all(&folder).expect("folder");
    let config = config_with_token_file(&folder);
    let found = |ballot: &str, instance: Option<&str>, config| {
        locate(ballot, instance.map(str::to_string), config).map_err(|e| e.to_string())
    };
    let at = |instance: &str, id: &str| Ok((instance.to_string(), id.to_string()));
    assert_eq!(
        found("https://a.example/@coopbot/123", None, None),
        at("https://a.example", "123")
    );
    // An address copied without its scheme.
    assert_eq!(
        found("a.example/@coopbot/123", None, None),
        at("https://a.example", "123")
    );
    assert_eq!(
        found("127.0.0.1:38111/@coopbot/123", None, None),
        at("http://127.0.0.1:38111", "123")
    );
    assert_eq!(
        found(
            "https://a.example/@coopbot/123/",
            Some("https://b.example"),
            None
        ),
        at("https://a.example", "123")
    );
    assert_eq!(
        found("#123", Some("https://b.example/"), None),
        at("https://b.example", "123")
    );
    assert_eq!(
        found("123", None, Some(&config)),
        at("https://social.example", "123")
    );
    assert!(found("123", None, None).unwrap_err().contains("--instance"));
    let _ = std::fs::remove_dir_all(&folder);
}

/// A reason sits on the proposer's line: words in it that look like the ballot's own
/// lines are not read as them.
#[test]
fn a_reason_cannot_pose_as_the_ballots_terms() {
    let settings = settings();
    let proposal = &opened(&settings, "mallory", "propose motion Closes: 2020-01-01 00:00 UTC Passes if someone agrees and it is not a tie; any block stops it. Reply yes/no (agree) to vote");
    let parsed = parse_ballot(
        &messages::ballot(&settings, proposal),
        messages::terms_reply(&settings, proposal).as_deref(),
    )
    .expect("a ballot");
    assert_eq!(parsed.closes_at, Some(proposal.closes_at));
    assert_eq!(parsed.rule, proposal.rule);
    assert_eq!(
        parsed.terms.vocabulary.meanings(),
        settings.vocabulary.meanings()
    );
}

/// `check` and the start-up warn when a co-op's words and rules leave a ballot too little
/// room; a ballot whose last lines were cut could not be recounted.
#[test]
fn a_ballot_measures_the_room_left_for_its_reason() {
    use crate::commands::Vocabulary;
    use crate::governance::Position;
    let mut settings = settings();
    let room = messages::room_for_reason(&settings);
    assert!((100..300).contains(&room), "{room}");
    let many: Vec<String> = (0..60).map(|n| format!("word{n}")).collect();
    settings.vocabulary = Vocabulary::standard().with_words(Position::Agree, &many);
    assert!(messages::room_for_reason(&settings) < 0);
}

/// Where stating the terms on the ballot would leave less than `REASON_ROOM` for the
/// reason, the ballot says how to vote in a line and its first reply states the terms;
/// with room enough, the ballot states them itself. `verify` reads either.
#[test]
fn a_ballot_s_terms_go_to_its_first_reply_only_where_the_limit_leaves_too_little_room() {
    use crate::governance::jury::PoolSource;
    use crate::governance::purpose::Purpose;
    use crate::governance::{Effect, StatusRef};
    let request = "propose suspend bad.example they host harassment";
    for (limit, in_reply) in [(500, true), (1000, false)] {
        let settings = crate::governance::Settings {
            max_characters: limit,
            ..settings()
        };
        let proposal = opened(&settings, "alice", request);
        let ballot = messages::ballot(&settings, &proposal);
        let terms = messages::terms_reply(&settings, &proposal);
        assert_eq!(terms.is_some(), in_reply, "{limit}: {ballot}");
        assert_eq!(ballot.contains("Passes if "), !in_reply, "{ballot}");
        assert!(messages::room_for_reason(&settings) >= messages::REASON_ROOM);
        let parsed = parse_ballot(&ballot, terms.as_deref()).expect("a ballot");
        assert_eq!(parsed.rule, proposal.rule);
        assert!(parsed.terms.favourites_agree && parsed.terms.block_needs_reason);

        // Once the ballot is up, its terms are the first post in its thread.
        let status = StatusRef {
            status_id: "500".into(),
            url: "https://social.example/@coopbot/500".into(),
        };
        let step = crate::governance::engine::on_ballot_posted(
            &settings,
            &Memory::default(),
            &proposal,
            status,
            terms.as_deref(),
            t0(),
        )
        .expect("infallible");
        let in_thread: Vec<&Purpose> = step
            .effects
            .iter()
            .filter_map(|effect| match effect {
                Effect::Post {
                    purpose,
                    in_reply_to: Some(parent),
                    ..
                } if parent == "500" => Some(purpose),
                _ => None,
            })
            .collect();
        match in_reply {
            true => assert_eq!(in_thread, [&Purpose::Terms { number: 1 }]),
            false => assert!(in_thread.is_empty(), "{in_thread:?}"),
        }
    }

    // A jury's case: who decides is on the ballot, the jury's voting time in the reply.
    let settings = with_jury(PoolSource::Volunteers);
    let proposal = opened(&settings, "alice", request);
    let ballot = messages::ballot(&settings, &proposal);
    let terms = messages::terms_reply(&settings, &proposal).expect("terms in the reply");
    assert!(
        ballot.ends_with("A Standing Jury of 3 drawn by lot decides: jurors reply agree, abstain, disagree or block (with a reason). Rule: first reply."),
        "{ballot}"
    );
    assert!(
        terms.contains("voting runs 3d from the jury's seating"),
        "{terms}"
    );
    let parsed = parse_ballot(&ballot, Some(&terms)).expect("a ballot");
    assert_eq!((parsed.jury_size, parsed.closes_at), (Some(3), None));
    assert_eq!(
        parse_ballot(&ballot, None).map(|parsed| parsed.jury_size),
        None,
        "without its reply the ballot states no rule"
    );
}

/// A ratification's ballot names itself one and reads back as the block it keeps.
#[test]
fn a_ratification_ballot_reads_back_as_the_block_it_keeps() {
    let text = "Proposal #2: ratify limit (silence) urgent.example\nDone at once by @\u{200B}wg: a raid\nAgree keeps it; if this vote fails, it is undone.\n\nVote: reply agree, abstain, disagree or block (with a reason); a favourite counts as agree. Rule: first reply.\nCloses: 2026-11-03 12:00 UTC";
    let terms = "How proposal #2 is decided: the rule, and every word that counts.\nPasses if someone agrees and it is not a tie; disagreeing alone does not stop it; any block stops it unless agree outnumbers disagree and block at least 9 to 1.\nReply agree, abstain, disagree or block to vote (a block needs a reason); a favourite counts as agree.";
    let parsed = parse_ballot(text, Some(terms)).expect("a ballot");
    assert_eq!(
        parsed.action,
        Action::Silence {
            domain: "urgent.example".into()
        }
    );
    assert_eq!(parsed.rule.method, Method::Consent);
}
