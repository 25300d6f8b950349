//! `jury join`, `jury leave` and `jury pool` (SPEC §10), as the core decides them.

use super::support::engine;
use super::support::*;
use crate::governance::jury::PoolSource;
use crate::governance::{Author, Effect, PoolChange, Post, Purpose, Settings, Step, Visibility};

fn volunteers() -> Settings {
    with_jury(PoolSource::Volunteers)
}

fn remote(name: &str, id: u32) -> Author {
    let mut author = member(name, id);
    author.identity.acct = format!("{name}@evil.example");
    author
}

fn request(author: &Author, status_id: u64, text: &str, direct: bool) -> Post {
    let mut post = post(author, status_id, text, None);
    post.direct = direct;
    post
}

/// The one answer a request gets: always a direct message replying to it, keyed as an
/// answer to that status so the daily ration applies; its text without the mention.
fn dm_answer(step: &Step, post: &Post) -> String {
    match step.effects.as_slice() {
        [Effect::Post {
            purpose: Purpose::Answer { status_id },
            text,
            visibility: Visibility::Direct,
            in_reply_to: Some(parent),
            then: None,
        }] if *status_id == post.status_id && *parent == post.status_id => {
            let mention = format!("@{} ", post.author.identity.acct);
            text.strip_prefix(&mention)
                .unwrap_or_else(|| panic!("{text:?} does not start with {mention:?}"))
                .to_string()
        }
        other => panic!("expected one direct answer to {}, got {other:?}", post.text),
    }
}

fn pool_accts(memory: &Memory) -> Vec<String> {
    memory.pool().into_values().collect()
}

/// Who, what, by DM, how the answer begins, the pool after, the history line it adds.
type Case<'a> = (
    &'a Author,
    &'a str,
    bool,
    &'a str,
    &'a [&'a str],
    Option<&'a str>,
);

#[test]
fn members_join_leave_and_ask_the_size_of_the_pool() {
    let settings = volunteers();
    let mut memory = Memory::default();
    let (bob, carol, dave) = (member("bob", 11), member("carol", 12), member("dave", 13));
    let cases: &[Case] = &[
        (
            &bob,
            "jury pool",
            false,
            "The jury pool has 0 members.",
            &[],
            None,
        ),
        (
            &bob,
            "jury join",
            false,
            "You joined the jury pool, which now has 1 member.",
            &["bob"],
            Some("joined the jury pool"),
        ),
        (
            &bob,
            "Jury join!",
            true,
            "You are already in the jury pool, which has 1 member.",
            &["bob"],
            None,
        ),
        (
            &carol,
            "jury join",
            true,
            "You joined the jury pool, which now has 2 members.",
            &["bob", "carol"],
            Some("joined the jury pool"),
        ),
        (
            &dave,
            "jury pool",
            true,
            "The jury pool has 2 members.",
            &["bob", "carol"],
            None,
        ),
        (
            &bob,
            "jury pool",
            false,
            "The jury pool has 2 members. You are one of them.",
            &["bob", "carol"],
            None,
        ),
        (
            &dave,
            "jury leave",
            false,
            "You are not in the jury pool, so there is nothing to leave.",
            &["bob", "carol"],
            None,
        ),
        (
            &bob,
            "jury leave",
            true,
            "You left the jury pool, which now has 1 member;",
            &["carol"],
            Some("left the jury pool"),
        ),
        (
            &bob,
            "jury leave",
            false,
            "You are not in the jury pool",
            &["carol"],
            None,
        ),
        (
            &bob,
            "jury join",
            false,
            "You joined the jury pool, which now has 2 members.",
            &["bob", "carol"],
            Some("joined the jury pool"),
        ),
    ];
    for (id, (author, text, direct, answer, pool, history)) in cases.iter().enumerate() {
        let post = request(author, 100 + id as u64, text, *direct);
        let step = engine::on_post(&settings, &memory, &post, t0());
        let said = dm_answer(&step, &post);
        assert!(said.starts_with(answer), "{text}: {said}");
        assert!(step.proposals.is_empty() && step.votes.is_empty(), "{text}");
        let changes: Vec<&str> = step
            .audit
            .iter()
            .filter(|line| !line.event.starts_with("asked "))
            .map(|line| {
                assert_eq!(line.account.as_deref(), Some(author.identity.acct.as_str()));
                assert_eq!(line.proposal, None);
                line.event.as_str()
            })
            .collect();
        assert_eq!(
            changes,
            history.iter().copied().collect::<Vec<_>>(),
            "{text}"
        );
        assert_eq!(step.pool.len(), changes.len(), "{text}");
        memory.apply(&step);
        assert_eq!(pool_accts(&memory), *pool, "after {text}");
    }
    assert_eq!(
        memory.pool().keys().map(String::as_str).collect::<Vec<_>>(),
        ["11", "12"],
        "keyed by account id"
    );
}

#[test]
fn jury_alone_is_told_the_three_words_like_any_request_it_cannot_read() {
    let post = request(&member("dave", 13), 90, "jury", false);
    let step = engine::on_post(&volunteers(), &Memory::default(), &post, t0());
    assert!(step.pool.is_empty());
    assert_eq!(
        first_post_text(&step.effects),
        "@dave “jury” needs what you want of the Standing Jury: join, leave or pool.\nExample: jury join"
    );
}

#[test]
fn a_join_is_written_as_the_account_id_and_its_acct() {
    let bob = member("bob", 11);
    let step = engine::on_post(
        &volunteers(),
        &Memory::default(),
        &request(&bob, 90, "jury join", false),
        t0(),
    );
    assert_eq!(
        step.pool,
        [PoolChange::Join {
            account_id: "11".into(),
            acct: "bob".into()
        }]
    );
    let mut memory = Memory::default();
    memory.join_pool("11", "bob");
    let step = engine::on_post(
        &volunteers(),
        &memory,
        &request(&bob, 91, "jury leave", true),
        t0(),
    );
    assert_eq!(
        step.pool,
        [PoolChange::Leave {
            account_id: "11".into()
        }]
    );
}

#[test]
fn only_members_may_join() {
    let mut settings = volunteers();
    settings.membership.min_account_age_days = 30;
    settings.membership.roster = Some(["bob".to_string(), "newcomer".to_string()].into());
    let mut robot = member("bob", 14);
    robot.bot = true;
    let mut suspended = member("bob", 15);
    suspended.suspended = true;
    let mut newcomer = member("newcomer", 16);
    newcomer.created_at = Some(t0() - days(3));
    let cases: [(Author, &str); 5] = [
        (remote("bob", 20), "another server"),
        (robot, "marked as bots"),
        (suspended, "suspended accounts"),
        (newcomer, "at least 30 days old"),
        (member("carol", 12), "roster"),
    ];
    for (author, why) in cases {
        let post = request(&author, 90, "jury join", true);
        let step = engine::on_post(&settings, &Memory::default(), &post, t0());
        let said = dm_answer(&step, &post);
        assert!(
            said.starts_with("You cannot join the jury pool: "),
            "{said}"
        );
        assert!(said.contains(why), "{why}: {said}");
        assert!(step.pool.is_empty(), "{why}");
    }
    let member_on_roster = request(&member("bob", 11), 91, "jury join", true);
    let step = engine::on_post(&settings, &Memory::default(), &member_on_roster, t0());
    assert_eq!(step.pool.len(), 1);
}

#[test]
fn whoever_is_in_may_leave_even_when_no_longer_a_member() {
    let mut memory = Memory::default();
    memory.join_pool("11", "bob");
    let mut suspended = member("bob", 11);
    suspended.suspended = true;
    let post = request(&suspended, 90, "jury leave", false);
    let step = engine::on_post(&volunteers(), &memory, &post, t0());
    assert!(dm_answer(&step, &post).starts_with("You left the jury pool"));
    memory.apply(&step);
    assert!(memory.pool().is_empty());
}

#[test]
fn without_a_jury_the_words_say_so_and_change_nothing() {
    let settings = settings();
    assert!(settings.jury.is_none());
    let bob = member("bob", 11);
    for (id, text) in ["jury join", "jury leave", "jury pool"].iter().enumerate() {
        let post = request(&bob, 90 + id as u64, text, false);
        let step = engine::on_post(&settings, &Memory::default(), &post, t0());
        assert_eq!(
            dm_answer(&step, &post),
            "This cooperative has no Standing Jury: every member votes on every proposal, so there is no jury pool to join or leave.",
        );
        assert!(step.pool.is_empty());
    }
    let help = request(&bob, 99, "help", false);
    let help =
        first_post_text(&engine::on_post(&settings, &Memory::default(), &help, t0()).effects);
    assert!(!help.contains("jury"), "{help}");
}

#[test]
fn help_names_the_jury_words_where_there_is_a_jury() {
    let help = request(&member("bob", 11), 99, "help", false);
    let step = engine::on_post(&volunteers(), &Memory::default(), &help, t0());
    assert!(first_post_text(&step.effects).contains("jury join|leave|pool"));
}

#[test]
fn a_roster_pool_is_the_working_groups_list_and_cannot_be_joined() {
    let roster = ["bob", "carol", "dave"].map(String::from).into();
    let settings = with_jury(PoolSource::Roster(roster));
    let mut memory = Memory::default();
    // Volunteers stored while the pool was "volunteers" are not this pool.
    memory.join_pool("14", "erin");
    let erin = member("erin", 14);
    let pool = request(&erin, 90, "jury pool", true);
    let step = engine::on_post(&settings, &memory, &pool, t0());
    assert_eq!(
        dm_answer(&step, &pool),
        "The jury pool has 3 members. It is a list the working group keeps."
    );
    for (id, text) in ["jury join", "jury leave"].iter().enumerate() {
        let post = request(&erin, 91 + id as u64, text, false);
        let step = engine::on_post(&settings, &memory, &post, t0());
        let said = dm_answer(&step, &post);
        assert!(
            said.contains("a list the working group keeps in a file (3 members)"),
            "{said}"
        );
        assert!(said.contains("do not apply"), "{said}");
        assert!(step.pool.is_empty(), "{text}");
    }
}

#[test]
fn a_request_handled_twice_is_answered_once_and_changes_nothing_more() {
    let settings = volunteers();
    let mut memory = Memory::default();
    let join = request(&member("bob", 11), 90, "jury join", false);
    let first = engine::on_post(&settings, &memory, &join, t0());
    assert_eq!(memory.apply(&first).len(), 1);
    let again = engine::on_post(&settings, &memory, &join, t0());
    assert!(again.pool.is_empty());
    assert!(
        memory.apply(&again).is_empty(),
        "the answer's key was enqueued"
    );
    assert_eq!(pool_accts(&memory), ["bob"]);
}

#[test]
fn answers_are_rationed_but_a_change_past_the_ration_still_counts() {
    let settings = Settings {
        answers_per_day: 1,
        ..volunteers()
    };
    let mut memory = Memory::default();
    let bob = member("bob", 11);
    let ask = engine::on_post(
        &settings,
        &memory,
        &request(&bob, 90, "jury pool", true),
        t0(),
    );
    assert_eq!(ask.charged, ["11"]);
    memory.apply(&ask);
    let join = engine::on_post(
        &settings,
        &memory,
        &request(&bob, 91, "jury join", true),
        t0(),
    );
    assert!(join.effects.is_empty(), "past the ration, silence");
    memory.apply(&join);
    assert_eq!(pool_accts(&memory), ["bob"]);
}

#[test]
fn in_a_ballots_thread_jury_words_are_requests_and_other_talk_is_left_alone() {
    let settings = volunteers();
    let memory = Memory::with_open_ballot(&settings);
    let carol = member("carol", 12);
    let join = post(&carol, 700, "jury join", Some("500"));
    let step = engine::on_post(&settings, &memory, &join, t0());
    assert!(dm_answer(&step, &join).starts_with("You joined the jury pool"));
    let talk = post(&carol, 701, "jury duty would suit this one", Some("500"));
    assert_eq!(
        engine::on_post(&settings, &memory, &talk, t0()),
        Step::default()
    );
}
