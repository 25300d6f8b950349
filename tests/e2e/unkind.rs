//! Servers that are not kind: one that ignores `Idempotency-Key` while the bot dies or
//! times out mid-post, and one that shows only part of a long thread.

use crate::scenario::{text_of, Scenario, Setup};
use crate::support::{id_of, secs, wait_for};
use std::time::Duration;

/// The bot dies before it hears back from a post; it comes back to a server that answers.
fn die_mid_post_and_come_back(scenario: &mut Scenario) {
    scenario.kill();
    scenario
        .proxy
        .as_ref()
        .expect("a proxy")
        .swallow_posts(false);
    scenario.restart();
}

/// How many of the bot's statuses contain `needle`.
async fn posts_containing(scenario: &Scenario, needle: &str) -> usize {
    scenario.bot_posts_containing(needle).await.len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_post_that_reached_the_server_is_adopted_never_posted_twice() {
    let mut scenario = Scenario::start_with(Setup {
        behind_proxy: true,
        instance: "request_timeout = \"3s\"",
        ..Setup::default()
    })
    .await;
    let proxy = scenario.proxy.as_ref().expect("a proxy");
    // A server that ignores Idempotency-Key, and a bot that never hears back from a post.
    proxy.strip_idempotency_keys(true);
    proxy.inject_faults(0, 0, Duration::from_secs(60));
    proxy.swallow_posts(true);
    scenario
        .member("alice")
        .post("@coopbot propose motion 90s we adopt a code of conduct")
        .await;
    wait_for("the ballot on the server", secs(30), || async {
        (posts_containing(&scenario, "Proposal #1:").await > 0).then_some(())
    })
    .await;
    // The bot dies before it hears that its ballot was posted.
    die_mid_post_and_come_back(&mut scenario);
    let ballot = scenario.ballot(1).await;
    wait_for("the proposer's link", secs(30), || async {
        (posts_containing(&scenario, "is open for votes").await > 0).then_some(())
    })
    .await;
    assert!(
        scenario
            .log()
            .contains("an earlier attempt was posted; adopted"),
        "{}",
        scenario.log()
    );
    assert_eq!(posts_containing(&scenario, "Proposal #1:").await, 1);

    // More deaths mid-post: each answer reaches the server, the bot is killed before it
    // hears so, and the restarted bot finds the answer rather than posting it again.
    let mut asked = Vec::new();
    for round in 0..4 {
        let proxy = scenario.proxy.as_ref().expect("a proxy");
        proxy.swallow_posts(true);
        let request = scenario
            .member("carol")
            .post(&format!("@coopbot status 1 (round {round})"))
            .await;
        let parent = id_of(&request);
        wait_for("the answer on the server", secs(30), || async {
            let statuses = scenario.bot_statuses().await;
            statuses
                .iter()
                .any(|status| status["in_reply_to_id"] == parent.as_str())
                .then_some(())
        })
        .await;
        die_mid_post_and_come_back(&mut scenario);
        asked.push(parent);
    }
    let adopted = || scenario.log().matches("adopted, not posted again").count();
    wait_for("every answer in doubt adopted", secs(60), || async {
        (adopted() >= 5).then_some(())
    })
    .await;
    let statuses = scenario.bot_statuses().await;
    for parent in &asked {
        let answers = statuses
            .iter()
            .filter(|status| status["in_reply_to_id"] == parent.as_str())
            .count();
        assert_eq!(answers, 1, "answers to {parent}");
    }
    eprintln!(
        "unkind: 5 SIGKILLs mid-post without Idempotency-Key, {} posts adopted, 0 posted twice",
        adopted()
    );

    // A post that times out, on a live bot: the retry finds it and does not post again.
    let proxy = scenario.proxy.as_ref().expect("a proxy");
    proxy.swallow_posts(true);
    let asked = scenario.member("bob").post("@coopbot status 1").await;
    wait_for("the answer on the server", secs(30), || async {
        (posts_containing(&scenario, "Open until").await > 0).then_some(())
    })
    .await;
    let adopted = || scenario.log().matches("adopted, not posted again").count();
    wait_for("the timed-out answer adopted", secs(30), || async {
        (adopted() >= 6).then_some(())
    })
    .await;
    proxy.swallow_posts(false);
    let answer = scenario.answer_to(&asked).await;
    assert!(answer.contains("Proposal #1"), "{answer}");
    let answers: Vec<_> = scenario
        .bot_statuses()
        .await
        .into_iter()
        .filter(|status| status["in_reply_to_id"] == id_of(&asked).as_str())
        .collect();
    assert_eq!(answers.len(), 1, "{answers:?}");
    assert!(text_of(&ballot).contains("Proposal #1"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_truncated_thread_never_withdraws_a_recorded_vote() {
    let scenario = Scenario::start_with(Setup {
        behind_proxy: true,
        ..Setup::default()
    })
    .await;
    // The server shows only the first two replies of any thread.
    scenario.proxy.as_ref().expect("a proxy").cap_descendants(2);
    scenario
        .member("alice")
        .post("@coopbot propose motion 20s we adopt a code of conduct")
        .await;
    let ballot_id = id_of(&scenario.ballot(1).await);
    let mut votes = Vec::new();
    for (member, vote) in [
        ("bob", "@coopbot agree"),
        ("carol", "@coopbot agree"),
        ("dave", "@coopbot agree"),
        ("erin", "@coopbot disagree"),
        ("frank", "@coopbot agree"),
    ] {
        votes.push((member, scenario.reply_as(member, &ballot_id, vote).await));
    }
    for (_, vote) in &votes {
        scenario.receipt_on(vote).await;
    }
    // frank withdraws: his reply is gone from the server, not merely from the thread.
    scenario.member("frank").delete(&id_of(&votes[4].1)).await;
    let result = scenario.result(1).await;
    assert!(
        result.contains("agree 3 · abstain 0 · disagree 1 · block 0"),
        "{result}\n{}",
        scenario.log()
    );
    assert!(
        scenario
            .log()
            .contains("recorded votes missing from the thread"),
        "{}",
        scenario.log()
    );
}
