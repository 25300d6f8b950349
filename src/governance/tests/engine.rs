//! The engine's scenarios: open, vote, refuse, close, apply — each as members would meet it.
//! (Over 400 lines: the life of a proposal, event by event, in the order members meet it.)

use super::support::engine::{self, ThreadRecord};
use super::support::*;
use crate::governance::proposal::Application;
use crate::governance::{Action, Effect, FollowUp, Mode, Outcome, Position, Stage, Visibility};

#[test]
fn a_proposal_opens_a_ballot_then_answers_with_its_link() {
    let settings = settings();
    let mut memory = Memory::default();
    let alice = member("alice", 10);
    let request = post(
        &alice,
        90,
        "propose suspend Bad.Example. 7d they host harassment",
        None,
    );
    let step = engine::on_post(&settings, &memory, &request, t0());
    let effects = memory.apply(&step);
    let proposal = memory.one();
    assert_eq!(
        proposal.action,
        Action::Suspend {
            domain: "bad.example".to_string()
        }
    );
    assert_eq!(proposal.stage, Stage::Opening);
    assert_eq!(proposal.closes_at, t0() + days(7));
    match &effects[..] {
        [Effect::Post {
            purpose,
            text,
            in_reply_to: None,
            then:
                Some(FollowUp::BallotPosted {
                    number: 1,
                    terms: Some(terms),
                }),
            visibility: Visibility::Public,
        }] => {
            assert_eq!(purpose.to_string(), "ballot-1");
            // 500 characters a post leave a ballot too little room for its terms.
            assert_eq!(
                text,
                "Proposal #1: suspend bad.example\nProposed by @alice: they host harassment\n\nVote: reply agree, abstain, disagree or block (with a reason); a favourite counts as agree. Rule: first reply.\nCloses: 2026-11-08 12:00 UTC"
            );
            assert_eq!(
                terms,
                "How proposal #1 is decided: the rule, and every word that counts.\nPasses if more agree than disagree; any block stops it unless agree outnumbers disagree and block at least 9 to 1.\nReply agree, abstain, disagree or block to vote (a block needs a reason); a favourite counts as agree."
            );
        }
        other => panic!("expected one ballot, got {other:?}"),
    }
    let ballot = crate::governance::StatusRef {
        status_id: "500".into(),
        url: "https://social.example/@coopbot/500".into(),
    };
    let effects = memory.apply(&engine::on_ballot_posted(&proposal, ballot));
    assert!(memory.one().is_open());
    assert!(first_post_text(&effects).contains("https://social.example/@coopbot/500"));
    // The same request seen again (stream and poll) opens nothing new.
    let again = engine::on_post(&settings, &memory, &request, t0());
    assert!(again.is_empty(), "{again:?}");
}

#[test]
fn closing_times_are_whole_minutes_for_long_votes() {
    let odd = t0() + chrono::Duration::seconds(17);
    let six_days = std::time::Duration::from_secs(6 * 86_400);
    assert_eq!(
        engine::closing_time(odd, six_days),
        t0() + days(6) + chrono::Duration::minutes(1)
    );
    assert_eq!(engine::closing_time(t0(), six_days), t0() + days(6));
    let short = std::time::Duration::from_secs(30);
    assert_eq!(
        engine::closing_time(odd, short),
        odd + chrono::Duration::seconds(30)
    );
    assert_eq!(
        crate::governance::messages::time(odd),
        "2026-11-01 12:00:17 UTC"
    );
}

#[test]
fn bad_requests_are_answered_and_open_nothing() {
    let settings = settings();
    let memory = Memory::default();
    let alice = member("alice", 10);
    let cases = [
        (
            "propose suspend social.example spam",
            "this instance itself",
        ),
        ("propose suspend bad.example 1d too short", "at least 6d"),
        (
            "propose urgent suspend bad.example 1d too short even urgent",
            "at least 2d",
        ),
        ("propose suspend bad.example 90d too long", "at most 30d"),
        ("propose suspend", "domain"),
        ("propose suspend bad.example", "reason"),
        ("hello there", "propose"),
    ];
    for (text, expected) in cases {
        let step = engine::on_post(&settings, &memory, &post(&alice, 91, text, None), t0());
        assert!(
            step.proposals.is_empty(),
            "{text}: opened {:?}",
            step.proposals
        );
        let answer = first_post_text(&step.effects);
        assert!(answer.starts_with("@alice "), "{text}: {answer}");
        assert!(
            answer.contains(expected),
            "{text}: expected {expected:?} in {answer}"
        );
    }
    let urgent = post(
        &alice,
        92,
        "propose urgent suspend bad.example 2d raid in progress",
        None,
    );
    assert_eq!(
        engine::on_post(&settings, &memory, &urgent, t0())
            .proposals
            .len(),
        1
    );
}

#[test]
fn votes_by_reply_count_the_latest_and_get_a_receipt() {
    let settings = settings();
    let mut memory = Memory::with_open_ballot(&settings);
    let bob = member("bob", 11);
    let effects = memory.apply(&engine::on_post(
        &settings,
        &memory,
        &post(&bob, 600, "Agree!", Some("500")),
        t0(),
    ));
    assert!(matches!(&effects[..], [Effect::Favourite { status_id, .. }] if status_id == "600"));
    memory.apply(&engine::on_post(
        &settings,
        &memory,
        &post(&bob, 601, "disagree, changed my mind", Some("500")),
        t0(),
    ));
    // An edit of the older reply arriving late does not undo the newer vote.
    memory.apply(&engine::on_post(
        &settings,
        &memory,
        &post(&bob, 600, "block no", Some("500")),
        t0(),
    ));
    let vote = &memory.one().votes["11"];
    assert_eq!(
        (vote.position, vote.reason.as_str()),
        (Position::Disagree, "changed my mind")
    );
    // Discussion in the thread is left alone.
    let chat = engine::on_post(
        &settings,
        &memory,
        &post(&bob, 602, "I wonder what others think", Some("500")),
        t0(),
    );
    assert!(chat.is_empty(), "{chat:?}");
}

#[test]
fn uncountable_votes_get_one_private_explanation_per_member() {
    let settings = settings();
    let mut memory = Memory::with_open_ballot(&settings);
    let mut remote = member("mallory@evil.example", 20);
    remote.identity.acct = "mallory@evil.example".into();
    let first = memory.apply(&engine::on_post(
        &settings,
        &memory,
        &post(&remote, 700, "agree", Some("500")),
        t0(),
    ));
    match &first[..] {
        [Effect::Post {
            visibility: Visibility::Direct,
            text,
            ..
        }] => {
            assert!(text.starts_with("@mallory@evil.example "), "{text}");
            assert!(text.contains("another server"), "{text}");
        }
        other => panic!("expected one DM, got {other:?}"),
    }
    let second = memory.apply(&engine::on_post(
        &settings,
        &memory,
        &post(&remote, 701, "agree!!", Some("500")),
        t0(),
    ));
    assert!(second.is_empty(), "a second DM: {second:?}");
    let mut robot = member("robot", 21);
    robot.bot = true;
    let silent = engine::on_post(
        &settings,
        &memory,
        &post(&robot, 702, "agree", Some("500")),
        t0(),
    );
    assert!(
        silent.effects.is_empty(),
        "bots are not answered: {silent:?}"
    );
    let carol = member("carol", 22);
    let blocked = memory.apply(&engine::on_post(
        &settings,
        &memory,
        &post(&carol, 703, "block", Some("500")),
        t0(),
    ));
    assert!(first_post_text(&blocked).contains("a block needs a reason"));
    assert!(memory.one().votes.is_empty());
    let unknown = memory.apply(&engine::on_post(
        &settings,
        &memory,
        &post(&carol, 704, "vote 1 maybe", None),
        t0(),
    ));
    assert!(
        unknown.is_empty(),
        "carol was already told once: {unknown:?}"
    );
    let dave = member("dave", 23);
    let unknown = memory.apply(&engine::on_post(
        &settings,
        &memory,
        &post(&dave, 705, "vote 1 maybe", None),
        t0(),
    ));
    assert!(
        matches!(
            &unknown[..],
            [Effect::Post {
                visibility: Visibility::Direct,
                ..
            }]
        ),
        "{unknown:?}"
    );
}

#[test]
fn too_young_accounts_do_not_vote() {
    let mut settings = settings();
    settings.membership.min_account_age_days = 30;
    let mut memory = Memory::with_open_ballot(&settings);
    let mut newcomer = member("newbie", 30);
    newcomer.created_at = Some(t0() - days(29));
    let effects = memory.apply(&engine::on_post(
        &settings,
        &memory,
        &post(&newcomer, 800, "agree", Some("500")),
        t0(),
    ));
    assert!(first_post_text(&effects).contains("30 days"));
    let mut old = member("oldie", 31);
    old.created_at = Some(t0() - days(30));
    memory.apply(&engine::on_post(
        &settings,
        &memory,
        &post(&old, 801, "agree", Some("500")),
        t0(),
    ));
    assert_eq!(memory.one().votes.len(), 1);
}

#[test]
fn closing_reconciles_with_the_thread_and_the_favourites() {
    let settings = settings();
    let mut memory = Memory::with_open_ballot(&settings);
    let (bob, carol, dave, erin) = (
        member("bob", 11),
        member("carol", 12),
        member("dave", 13),
        member("erin", 14),
    );
    memory.apply(&engine::on_post(
        &settings,
        &memory,
        &post(&bob, 600, "agree", Some("500")),
        t0(),
    ));
    memory.apply(&engine::on_post(
        &settings,
        &memory,
        &post(&carol, 601, "disagree", Some("500")),
        t0(),
    ));
    memory.apply(&engine::on_favourite(
        &settings,
        &memory,
        &memory.one(),
        &dave,
    ));
    // At close: bob's reply was deleted, carol edited hers to agree, erin replied without
    // mentioning the bot, dave favourited and also voted abstain, frank un-favourited.
    let record = ThreadRecord {
        replies: vec![
            post(&carol, 601, "agree after all", Some("500")),
            post(&erin, 602, "+1", Some("500")),
            post(&dave, 603, "abstain", Some("500")),
            post(&erin, 604, "nested discussion: block", Some("602")),
        ],
        favourited_by: vec![dave.clone(), erin.clone()],
    };
    let now = t0() + days(6);
    let effects = memory.apply(&engine::close(&settings, &memory.one(), &record, now));
    let closing = memory.one().closing().cloned().expect("closed");
    assert_eq!(
        (
            closing.tally.agree,
            closing.tally.abstain,
            closing.tally.disagree,
            closing.tally.block
        ),
        (2, 1, 0, 0)
    );
    assert_eq!(closing.outcome, Outcome::Passed);
    assert_eq!(closing.application, Application::Pending);
    assert!(
        matches!(&effects[..], [post @ Effect::Post { .. }, apply @ Effect::Apply { .. }] if post.key() == "result-1" && apply.key() == "apply-1"),
        "{effects:?}"
    );
    assert!(first_post_text(&effects).contains("agree 2 · abstain 1 · disagree 0 · block 0"));
    // Closing twice does nothing.
    assert!(engine::close(&settings, &memory.one(), &record, now).is_empty());
    let late = memory.apply(&engine::on_post(
        &settings,
        &memory,
        &post(&bob, 605, "agree", Some("500")),
        now,
    ));
    assert!(first_post_text(&late).contains("voting closed"), "{late:?}");
}

#[test]
fn votes_posted_after_the_closing_time_do_not_count() {
    let settings = settings();
    let mut memory = Memory::with_open_ballot(&settings);
    let mut late = post(&member("bob", 11), 600, "agree", Some("500"));
    late.created_at = Some(t0() + days(7));
    let effects = memory.apply(&engine::on_post(&settings, &memory, &late, t0() + days(7)));
    assert!(
        first_post_text(&effects).contains("voting closed"),
        "{effects:?}"
    );
    let on_time = post(&member("carol", 12), 601, "disagree", Some("500"));
    let record = ThreadRecord {
        replies: vec![late, on_time],
        favourited_by: vec![],
    };
    memory.apply(&engine::close(
        &settings,
        &memory.one(),
        &record,
        t0() + days(7),
    ));
    let tally = memory.one().closing().map(|c| c.tally).expect("closed");
    assert_eq!((tally.agree, tally.disagree), (0, 1));
}

#[test]
fn blocks_are_reported_and_dry_run_changes_nothing() {
    let mut settings = settings();
    settings.mode = Mode::DryRun;
    let mut memory = Memory::with_open_ballot(&settings);
    let record = ThreadRecord {
        replies: vec![
            post(&member("bob", 11), 600, "agree", Some("500")),
            post(
                &member("carol", 12),
                601,
                "block @dave told me they are fine",
                Some("500"),
            ),
        ],
        favourited_by: vec![],
    };
    let effects = memory.close_at_six_days(&settings, &record);
    let text = first_post_text(&effects);
    assert!(text.contains("STOPPED BY A BLOCK"), "{text}");
    assert!(
        text.contains("@\u{200B}dave"),
        "quoted mentions must not notify: {text}"
    );
    assert_eq!(effects.len(), 1);

    let mut memory = Memory::with_open_ballot(&settings);
    let effects = memory.close_with_bob(&settings, "agree");
    assert_eq!(effects.len(), 1, "dry run applies nothing: {effects:?}");
    assert!(first_post_text(&effects).contains("Dry run"));
    assert_eq!(
        memory.one().closing().map(|c| c.application.clone()),
        Some(Application::DryRun)
    );
}

#[test]
fn applying_announces_success_and_tells_the_working_group_of_failure() {
    let settings = settings();
    let mut memory = Memory::with_open_ballot(&settings);
    memory.close_with_bob(&settings, "agree");
    let failed = engine::on_applied(&settings, &memory.one(), Err("403".into()), t0() + days(6));
    assert!(
        matches!(&failed.effects[..], [Effect::Post { visibility: Visibility::Direct, text, .. }] if text.starts_with("@wg "))
    );
    let done = engine::on_applied(&settings, &memory.one(), Ok(None), t0() + days(6));
    assert!(first_post_text(&done.effects).contains("bad.example is now suspended"));
    assert!(matches!(
        done.proposals[0].closing().map(|c| &c.application),
        Some(Application::Applied { .. })
    ));
}

#[test]
fn status_and_help_are_answered() {
    let settings = settings();
    let memory = Memory::with_open_ballot(&settings);
    let alice = member("alice", 10);
    let status = engine::on_post(
        &settings,
        &memory,
        &post(&alice, 95, "status #1", None),
        t0(),
    );
    assert!(first_post_text(&status.effects).contains("Open until"));
    let missing = engine::on_post(
        &settings,
        &memory,
        &post(&alice, 96, "status 9", None),
        t0(),
    );
    assert!(first_post_text(&missing.effects).contains("no proposal #9"));
    let help = engine::on_post(&settings, &memory, &post(&alice, 97, "help", None), t0());
    assert!(first_post_text(&help.effects).contains("propose"));
    assert!(!first_post_text(&help.effects).contains("How it all works"));
    assert_eq!(memory.next_number(), 2);
}

#[test]
fn help_links_the_members_guide_first_so_cutting_never_loses_it() {
    let mut settings = settings();
    settings.guide_url = Some("https://wiki.social.example/coopgov".to_string());
    let memory = Memory::with_open_ballot(&settings);
    let help = engine::on_post(
        &settings,
        &memory,
        &post(&member("alice", 10), 97, "help", None),
        t0(),
    );
    let text = first_post_text(&help.effects);
    let guide = text
        .find("https://wiki.social.example/coopgov")
        .expect("the link");
    assert!(guide < text.find("propose").expect("the grammar"), "{text}");
}

/// A deleted reply withdraws its vote at once, so `status` counts what members see;
/// deleting anything else, or a vote on a closed proposal, changes nothing.
#[test]
fn a_deleted_vote_is_withdrawn_from_the_live_count() {
    let settings = settings();
    let mut memory = Memory::with_open_ballot(&settings);
    let bob = member("bob", 11);
    let carol = member("carol", 12);
    memory.apply(&engine::on_post(
        &settings,
        &memory,
        &post(&bob, 601, "agree", Some("500")),
        t0(),
    ));
    memory.apply(&engine::on_post(
        &settings,
        &memory,
        &post(&carol, 602, "disagree", Some("500")),
        t0(),
    ));
    assert_eq!(memory.one().tally(settings.favourites_count_as).voters(), 2);
    assert!(engine::on_deleted(&memory, "999").is_empty());
    let step = engine::on_deleted(&memory, "601");
    assert_eq!(step.audit[0].event, "vote withdrawn: its post was deleted");
    memory.apply(&step);
    let tally = memory.one().tally(settings.favourites_count_as);
    assert_eq!((tally.agree, tally.disagree), (0, 1));
    // Handled twice (stream and a later event), the second time does nothing.
    assert!(engine::on_deleted(&memory, "601").is_empty());
    memory.close_at_six_days(&settings, &ThreadRecord::default());
    assert!(engine::on_deleted(&memory, "602").is_empty());
}

/// GoToSocial has no limit: a proposal to silence is refused at opening, with the reason,
/// rather than carried out as a suspension nobody voted for.
#[test]
fn a_server_that_cannot_silence_refuses_to_open_a_silence_vote() {
    let mut settings = settings();
    settings.server.name = "GoToSocial".to_string();
    settings.server.can_silence = false;
    let memory = Memory::default();
    let alice = member("alice", 10);
    let request = post(
        &alice,
        90,
        "propose limit noisy.example 7d they flood us",
        None,
    );
    let step = engine::on_post(&settings, &memory, &request, t0());
    assert!(step.proposals.is_empty());
    let text = first_post_text(&step.effects);
    assert!(
        text.contains("runs GoToSocial, which cannot limit (silence)"),
        "{text}"
    );
    let suspend = post(
        &alice,
        91,
        "propose suspend noisy.example 7d they flood us",
        None,
    );
    assert_eq!(
        engine::on_post(&settings, &memory, &suspend, t0())
            .proposals
            .len(),
        1
    );
}
